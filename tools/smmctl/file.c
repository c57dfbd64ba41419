// SPDX-License-Identifier: GPL-2.0
/*
 * smmctl file { show [ ID ] | open PATH [ ra PAGES ] | read ID offset O len L [ -o OUT ] |
 *               close ID | sync ID }
 *
 * The shadow page cache over real files: open gives a shadow inode (an
 * id) for a file the module opens read-only; read reads a range through
 * the shadow page cache (the bytes to OUT, the pages found cached and
 * read in printed); show lists the files as fincore does (size, pages
 * cached) with their hits, misses and readahead, and the pages dirty,
 * written back and stored; close drops the cached pages; sync writes the
 * dirty pages back to the file's shadow store (never the real file).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smmctl.h"

#define FILE_READ_USAGE "usage: smmctl file read ID offset O len L [ -o OUT ]"

/* A file id: 1 to SHADOWMM_FILE_MAX. */
static int file_id(const char *word, uint32_t *id)
{
	uint64_t v;

	if (smmctl_parse_u64(word, "file id", &v))
		return -1;
	if (!v || v > SHADOWMM_FILE_MAX) {
		fprintf(stderr, "Error: file id \"%s\" is not 1-%u\n", word, SHADOWMM_FILE_MAX);
		return -1;
	}
	*id = v;
	return 0;
}

/* One file as fincore prints it: size, pages cached, and the hits and misses. */
static void file_print(const struct smmc_file *f)
{
	smmc_open_json_object(NULL);
	smmc_print_uint(SMMC_PRINT_ANY, "id", "file %u", f->id);
	smmc_print_string(SMMC_PRINT_ANY, "path", " %s", f->path);
	smmc_print_u64(SMMC_PRINT_ANY, "size", " size %" PRIu64, f->size);
	smmc_print_u64(SMMC_PRINT_ANY, "pages", " pages %" PRIu64, f->nrpages);
	smmc_print_u64(SMMC_PRINT_ANY, "hits", " hits %" PRIu64, f->hits);
	smmc_print_u64(SMMC_PRINT_ANY, "misses", " misses %" PRIu64, f->misses);
	smmc_print_uint(SMMC_PRINT_ANY, "mappings", " mappings %u\n", f->mappings);
	smmc_print_uint(SMMC_PRINT_ANY, "ra_size", "    readahead window %u", f->ra_size);
	smmc_print_uint(SMMC_PRINT_ANY, "ra_pages", " max %u", f->ra_pages);
	smmc_print_u64(SMMC_PRINT_ANY, "ra_read", " read %" PRIu64, f->ra_read);
	smmc_print_u64(SMMC_PRINT_ANY, "ra_hits", " hits %" PRIu64, f->ra_hits);
	smmc_print_u64(SMMC_PRINT_ANY, "ra_wasted", " wasted %" PRIu64 "\n", f->ra_wasted);
	smmc_print_u64(SMMC_PRINT_ANY, "dirty", "    dirty %" PRIu64, f->dirty);
	smmc_print_u64(SMMC_PRINT_ANY, "written", " written %" PRIu64, f->written);
	smmc_print_u64(SMMC_PRINT_ANY, "stored", " stored %" PRIu64, f->stored);
	smmc_print_u64(SMMC_PRINT_ANY, "mapped", " mapped %" PRIu64 "\n", f->mapped);
	smmc_close_json_object();
}

static int file_show(int argc, char **argv)
{
	struct smmc_file *v;
	uint32_t id = 0;
	size_t n, i;
	bool found = false;

	if (argc > 1)
		return smmctl_bad_arg(argv[1]);
	if ((argc == 1 && file_id(argv[0], &id)) || smmctl_connect())
		return 1;
	if (smmc_files_get(&smmctl_nl, &v, &n))
		return smmctl_error();
	smmc_open_json_array(SMMC_PRINT_JSON, "files");
	for (i = 0; i < n; i++) {
		if (id && v[i].id != id)
			continue;
		file_print(&v[i]);
		found = true;
	}
	smmc_close_json_array(SMMC_PRINT_JSON, NULL);
	free(v);
	if (id && !found) {
		fprintf(stderr, "Error: no file %u\n", id);
		return 1;
	}
	return 0;
}

static int file_open(int argc, char **argv)
{
	int64_t ra = SMMC_FILE_RA_DEFAULT;
	struct smmc_file f;
	uint64_t v;

	if (argc != 1 && (argc != 3 || strcmp(argv[1], "ra"))) {
		fprintf(stderr, "Error: usage: smmctl file open PATH [ ra PAGES ]\n");
		return 1;
	}
	if (argc == 3) {
		if (smmctl_parse_u64(argv[2], "readahead pages", &v))
			return 1;
		if (v > SHADOWMM_FILE_RA_PAGES_MAX) {
			fprintf(stderr, "Error: readahead pages \"%s\" is not 0-%u\n", argv[2],
				SHADOWMM_FILE_RA_PAGES_MAX);
			return 1;
		}
		ra = (int64_t)v;
	}
	if (smmctl_connect())
		return 1;
	if (smmc_file_open(&smmctl_nl, argv[0], ra, &f))
		return smmctl_error();
	smmc_print_uint(SMMC_PRINT_ANY, "id", "file %u", f.id);
	smmc_print_u64(SMMC_PRINT_ANY, "size", " size %" PRIu64 "\n", f.size);
	return 0;
}

static int file_close(int argc, char **argv)
{
	uint32_t id;

	if (argc != 1) {
		fprintf(stderr, "Error: usage: smmctl file close ID\n");
		return 1;
	}
	if (file_id(argv[0], &id) || smmctl_connect())
		return 1;
	if (smmc_file_close(&smmctl_nl, id))
		return smmctl_error();
	return 0;
}

/* fsync: the file's dirty pages written back to its shadow store; the count printed. */
static int file_sync(int argc, char **argv)
{
	uint64_t written;
	uint32_t id;

	if (argc != 1) {
		fprintf(stderr, "Error: usage: smmctl file sync ID\n");
		return 1;
	}
	if (file_id(argv[0], &id) || smmctl_connect())
		return 1;
	if (smmc_file_sync(&smmctl_nl, id, &written))
		return smmctl_error();
	smmc_print_u64(SMMC_PRINT_ANY, "written", "written %" PRIu64 "\n", written);
	return 0;
}

/* The words after the id: offset O, len L, -o OUT. */
static int file_read_args(int argc, char **argv, uint64_t *off, uint64_t *len, const char **out)
{
	bool has_off = false, has_len = false;
	int i;

	for (i = 0; i < argc; i += 2) {
		if (i + 1 >= argc)
			return smmctl_bad_arg(argv[i]);
		if (!strcmp(argv[i], "offset")) {
			if (smmctl_parse_u64(argv[i + 1], "offset", off))
				return 1;
			has_off = true;
		} else if (!strcmp(argv[i], "len")) {
			if (smmctl_parse_u64(argv[i + 1], "length", len))
				return 1;
			has_len = true;
		} else if (!strcmp(argv[i], "-o")) {
			*out = argv[i + 1];
		} else {
			return smmctl_bad_arg(argv[i]);
		}
	}
	if (!has_off || !has_len) {
		fprintf(stderr, "Error: " FILE_READ_USAGE "\n");
		return 1;
	}
	return 0;
}

/*
 * read: L bytes from O in requests of SHADOWMM_FILE_READ_MAX bytes, each
 * written to OUT (if given) as it comes, until L bytes or the end of the
 * file; prints the bytes read and the pages hit and missed.
 */
static int file_read(int argc, char **argv)
{
	static char buf[SHADOWMM_FILE_READ_MAX];
	uint64_t off = 0, len = 0, total = 0, hits = 0, misses = 0, ra_hits = 0;
	const char *out = NULL;
	FILE *fp = NULL;
	uint32_t id;
	int ret = 0;

	if (argc < 1) {
		fprintf(stderr, "Error: " FILE_READ_USAGE "\n");
		return 1;
	}
	if (file_id(argv[0], &id) || file_read_args(argc - 1, argv + 1, &off, &len, &out))
		return 1;
	if (out && !(fp = fopen(out, "wb"))) {
		fprintf(stderr, "Error: cannot write \"%s\": %s\n", out, strerror(errno));
		return 1;
	}
	if (smmctl_connect()) {
		ret = 1;
		goto out_close;
	}
	while (total < len) {
		struct smmc_file_read r = {
			.off = off + total, .buf = buf,
			.len = len - total < sizeof(buf) ? (uint32_t)(len - total) : sizeof(buf),
		};

		if (smmc_file_read(&smmctl_nl, id, &r)) {
			ret = smmctl_error();
			goto out_close;
		}
		hits += r.hits;
		misses += r.misses;
		ra_hits += r.ra_hits;
		total += r.done;
		if (fp && r.done && fwrite(buf, 1, r.done, fp) != r.done) {
			fprintf(stderr, "Error: cannot write \"%s\": %s\n", out, strerror(errno));
			ret = 1;
			goto out_close;
		}
		if (r.done < r.len)
			break;	/* the end of the file */
	}
	smmc_print_u64(SMMC_PRINT_ANY, "bytes", "read %" PRIu64 " bytes", total);
	smmc_print_u64(SMMC_PRINT_ANY, "hits", " hits %" PRIu64, hits);
	smmc_print_u64(SMMC_PRINT_ANY, "misses", " misses %" PRIu64, misses);
	smmc_print_u64(SMMC_PRINT_ANY, "ra_hits", " readahead hits %" PRIu64 "\n", ra_hits);
out_close:
	if (fp && fclose(fp) && !ret) {
		fprintf(stderr, "Error: cannot write \"%s\": %s\n", out, strerror(errno));
		ret = 1;
	}
	return ret;
}

const struct smm_cmd smmctl_file_cmds[] = {
	SMM_CMD("show", file_show, "[ ID ]",
		"open files as fincore shows them: size, pages cached, hits, misses"),
	SMM_CMD("open", file_open, "PATH [ ra PAGES ]",
		"a shadow inode over a regular file, opened read-only by the module"),
	SMM_CMD("read", file_read, "ID offset O len L [ -o OUT ]",
		"bytes through the shadow page cache (to OUT), pages hit and missed"),
	SMM_CMD("close", file_close, "ID",
		"the file's pages dropped from the shadow page cache, the file closed"),
	SMM_CMD("sync", file_sync, "ID",
		"dirty pages written back to the file's shadow store (swap), as fsync"),
	SMM_CMD_END("ID := 1-16; files larger than 4 GiB are refused; all need CAP_NET_ADMIN.\n"
		    "PAGES := the largest readahead window, 0 (none) to 1024; 32 by default.\n"),
};
