// SPDX-License-Identifier: GPL-2.0
/*
 * smmctl space mmap ID addr ADDR len LEN [ prot PROT ] [ file FID [ offset O ] [ private | shared ] ]
 * smmctl space munmap ID addr ADDR len LEN
 * smmctl space access ID addr ADDR [ len LEN ] [ write [ value V ] ]
 * smmctl space pin ID addr ADDR len LEN [ write ] [ longterm ]
 * smmctl space unpin ID addr ADDR len LEN
 * smmctl space show ID
 *
 * Shadow processes: anonymous VMAs, memory accesses through the shadow
 * MMU that fault pages in, and a space shown as /proc/PID/maps and
 * /proc/PID/status show a process.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smmctl.h"

/* What the words after ID may say; each command allows some of them. */
struct vma_args {
	uint32_t id, prot;
	uint64_t addr, len, value;
	bool has_addr, has_len, has_prot, write, has_value;
	struct smmc_mmap_file file;	/* file.file 0: anonymous */
	bool has_offset, has_sharing;
	bool longterm;
};

enum { VMA_ARG_PROT = 1, VMA_ARG_WRITE = 2, VMA_ARG_FILE = 4, VMA_ARG_LONGTERM = 8 };

/* mmap's file words: file FID, offset O, private, shared. 1 if taken, -1 on error, 0 not one. */
static int vma_parse_file(int argc, char **argv, struct vma_args *a)
{
	uint64_t fid;

	if (!strcmp(argv[0], "private") || !strcmp(argv[0], "shared")) {
		a->file.shared = argv[0][0] == 's';
		a->has_sharing = true;
		return 1;
	}
	if (argc < 2)
		return 0;
	if (!strcmp(argv[0], "file")) {
		if (smmctl_parse_u64(argv[1], "file id", &fid))
			return -1;
		if (!fid || fid > SHADOWMM_FILE_MAX) {
			fprintf(stderr, "Error: file id must be 1 to %d\n", SHADOWMM_FILE_MAX);
			return -1;
		}
		a->file.file = (uint32_t)fid;
		return 2;
	}
	if (!strcmp(argv[0], "offset")) {
		if (smmctl_parse_u64(argv[1], "offset", &a->file.offset))
			return -1;
		a->has_offset = true;
		return 2;
	}
	return 0;
}

static int vma_parse(int argc, char **argv, unsigned int allow, struct vma_args *a)
{
	memset(a, 0, sizeof(*a));
	if (argc < 1 || smmctl_space_id(argv[0], &a->id))
		return -1;
	for (argc--, argv++; argc > 0; argc--, argv++) {
		bool more = argc > 1;
		int n;

		if (more && !strcmp(argv[0], "addr")) {
			if (smmctl_parse_u64(argv[1], "address", &a->addr))
				return -1;
			a->has_addr = true;
		} else if (more && !strcmp(argv[0], "len")) {
			if (smmctl_parse_u64(argv[1], "length", &a->len))
				return -1;
			a->has_len = true;
		} else if (more && (allow & VMA_ARG_PROT) && !strcmp(argv[0], "prot")) {
			if (smmc_vma_prot_parse(argv[1], &a->prot)) {
				fprintf(stderr, "Error: protection \"%s\" is not one of rw-, r--, r-x, rwx, ---\n",
					argv[1]);
				return -1;
			}
			a->has_prot = true;
		} else if ((allow & VMA_ARG_FILE) && (n = vma_parse_file(argc, argv, a)) != 0) {
			if (n < 0)
				return -1;
			argc -= n - 1;
			argv += n - 1;
			continue;
		} else if ((allow & VMA_ARG_WRITE) && !strcmp(argv[0], "write")) {
			a->write = true;
			continue;
		} else if ((allow & VMA_ARG_LONGTERM) && !strcmp(argv[0], "longterm")) {
			a->longterm = true;
			continue;
		} else if (more && a->write && !(allow & VMA_ARG_LONGTERM) &&
			   !strcmp(argv[0], "value")) {
			if (smmctl_parse_u64(argv[1], "value", &a->value))
				return -1;
			a->has_value = true;
		} else {
			smmctl_bad_arg(argv[0]);
			return -1;
		}
		argc--;
		argv++;
	}
	return 0;
}

int smmctl_space_mmap(int argc, char **argv)
{
	struct vma_args a;

	if (vma_parse(argc, argv, VMA_ARG_PROT | VMA_ARG_FILE, &a))
		return 1;
	if (!a.has_addr || !a.has_len) {
		fprintf(stderr, "Error: usage: smmctl space mmap ID addr ADDR len LEN [ prot PROT ] [ file FID [ offset O ] [ private | shared ] ]\n");
		return 1;
	}
	if (!a.file.file && (a.has_offset || a.has_sharing)) {
		fprintf(stderr, "Error: offset, private and shared are for file mappings (file FID)\n");
		return 1;
	}
	/* rw- for an anonymous heap, r-- for a file */
	if (!a.has_prot)
		a.prot = a.file.file ? 0 : SHADOWMM_PROT_WRITE;
	if (smmctl_connect())
		return 1;
	if (a.file.file ? smmc_space_mmap_file(&smmctl_nl, a.id, a.addr, a.len, a.prot, &a.file) :
			  smmc_space_mmap(&smmctl_nl, a.id, a.addr, a.len, a.prot))
		return smmctl_error();
	return 0;
}

int smmctl_space_munmap(int argc, char **argv)
{
	struct vma_args a;

	if (vma_parse(argc, argv, 0, &a))
		return 1;
	if (!a.has_addr || !a.has_len) {
		fprintf(stderr, "Error: usage: smmctl space munmap ID addr ADDR len LEN\n");
		return 1;
	}
	if (smmctl_connect())
		return 1;
	if (smmc_space_munmap(&smmctl_nl, a.id, a.addr, a.len))
		return smmctl_error();
	return 0;
}

/* pin_user_pages(): pages pinned, of which faulted in, and moved out of Movable/CMA. */
int smmctl_space_pin(int argc, char **argv)
{
	struct smmc_pin_req req;
	struct smmc_pin_res res;
	struct vma_args a;

	if (vma_parse(argc, argv, VMA_ARG_WRITE | VMA_ARG_LONGTERM, &a))
		return 1;
	if (!a.has_addr || !a.has_len) {
		fprintf(stderr, "Error: usage: smmctl space pin ID addr ADDR len LEN [ write ] [ longterm ]\n");
		return 1;
	}
	req = (struct smmc_pin_req){
		.id = a.id, .addr = a.addr, .len = a.len, .write = a.write, .longterm = a.longterm,
	};
	if (smmctl_connect())
		return 1;
	if (smmc_space_pin(&smmctl_nl, &req, &res))
		return smmctl_error();
	smmc_print_u64(SMMC_PRINT_ANY, "pinned", "pinned %" PRIu64, res.pinned);
	smmc_print_u64(SMMC_PRINT_ANY, "faulted", " faulted %" PRIu64, res.faulted);
	smmc_print_u64(SMMC_PRINT_ANY, "migrated", " migrated %" PRIu64 "\n", res.migrated);
	return 0;
}

int smmctl_space_unpin(int argc, char **argv)
{
	struct vma_args a;

	if (vma_parse(argc, argv, 0, &a))
		return 1;
	if (!a.has_addr || !a.has_len) {
		fprintf(stderr, "Error: usage: smmctl space unpin ID addr ADDR len LEN\n");
		return 1;
	}
	if (smmctl_connect())
		return 1;
	if (smmc_space_unpin(&smmctl_nl, a.id, a.addr, a.len))
		return smmctl_error();
	return 0;
}

/* Touched pages, faults, the checksum of a read; a SIGSEGV is reported and exits 1. */
int smmctl_space_access(int argc, char **argv)
{
	struct smmc_access_req req;
	struct smmc_access_res res;
	struct vma_args a;

	if (vma_parse(argc, argv, VMA_ARG_WRITE, &a))
		return 1;
	if (!a.has_addr) {
		fprintf(stderr, "Error: usage: smmctl space access ID addr ADDR [ len LEN ] [ write [ value V ] ]\n");
		return 1;
	}
	req = (struct smmc_access_req){
		.id = a.id, .addr = a.addr, .len = a.has_len ? a.len : 8, .write = a.write,
		.has_value = a.has_value, .value = a.value,
	};
	if (smmctl_connect())
		return 1;
	if (smmc_space_access(&smmctl_nl, &req, &res))
		return smmctl_error();
	smmc_print_u64(SMMC_PRINT_ANY, "pages", "pages %" PRIu64, res.touched);
	smmc_print_u64(SMMC_PRINT_ANY, "faults", " faults %" PRIu64, res.faults);
	if (!a.write)
		smmc_print_u64(SMMC_PRINT_ANY, "csum", " csum %#018" PRIx64, res.csum);
	smmc_print_text("\n");
	if (res.signal) {
		smmc_print_string(SMMC_PRINT_ANY, "error", "%s",
				  res.signal == ENOMEM ? "ENOMEM" :
				  res.signal == ESRCH ? "ESRCH" :
				  res.signal == ENXIO ? "SIGBUS" :
				  res.signal == EIO ? "EIO" :
				  res.signal == EACCES ? "EACCES" : "EFAULT");
		smmc_print_u64(SMMC_PRINT_ANY, "fault_addr", " at %#" PRIx64, res.fault_addr);
		smmc_print_string(SMMC_PRINT_ANY, "reason", ": %s\n", res.reason);
	}
	return res.signal ? 1 : 0;
}

/*
 * One space as /proc/PID/maps (start-end perms offset dev inode) and
 * the memory lines of /proc/PID/status, in kB.
 */
int smmctl_space_show_one(const char *word)
{
	struct smmc_space_vm vm;
	struct smmc_vma *v;
	size_t n, i;
	uint32_t id;
	char perms[4];
	int ret;

	if (smmctl_space_id(word, &id) || smmctl_connect())
		return 1;
	if (smmc_space_vm_get(&smmctl_nl, id, &vm))
		return smmctl_error();
	ret = smmc_space_vmas(&smmctl_nl, id, &v, &n);
	if (ret && ret != SMMC_NL_DUMP_INTR) {
		free(v);
		return smmctl_error();
	}
	smmc_print_uint(SMMC_PRINT_ANY, "id", "space %u\n", id);
	smmc_open_json_array(SMMC_PRINT_JSON, "maps");
	for (i = 0; i < n; i++) {
		smmc_open_json_object(NULL);
		smmc_print_u64(SMMC_PRINT_ANY, "start", "%08" PRIx64, v[i].start);
		smmc_print_u64(SMMC_PRINT_ANY, "end", "-%08" PRIx64, v[i].end);
		smmc_print_string(SMMC_PRINT_ANY, "perms", " %s",
				  smmc_vma_prot_str(v[i].prot, perms));
		smmc_print_bool(SMMC_PRINT_JSON, "shared", NULL, v[i].shared);
		smmc_print_text(v[i].shared ? "s" : "p");
		smmc_print_u64(SMMC_PRINT_ANY, "offset", " %08" PRIx64 " 00:00 0", v[i].offset);
		if (v[i].file)
			smmc_print_uint(SMMC_PRINT_ANY, "file", "\tfile %u", v[i].file);
		smmc_print_text("\n");
		smmc_close_json_object();
	}
	smmc_close_json_array(SMMC_PRINT_JSON, NULL);
	smmc_print_u64(SMMC_PRINT_ANY, "VmRSS", "VmRSS:\t%8" PRIu64 " kB\n",
		       (vm.rss_anon + vm.rss_file) * 4);
	smmc_print_u64(SMMC_PRINT_ANY, "RssAnon", "RssAnon:\t%8" PRIu64 " kB\n", vm.rss_anon * 4);
	smmc_print_u64(SMMC_PRINT_ANY, "RssFile", "RssFile:\t%8" PRIu64 " kB\n", vm.rss_file * 4);
	smmc_print_u64(SMMC_PRINT_ANY, "VmSwap", "VmSwap:\t%8" PRIu64 " kB\n", vm.swap * 4);
	smmc_print_u64(SMMC_PRINT_ANY, "VmPTE", "VmPTE:\t%8" PRIu64 " kB\n",
		       (vm.frames - vm.rss_anon) * 4);
	smmc_print_uint(SMMC_PRINT_ANY, "map_count", "map_count:\t%u\n", vm.nr_vmas);
	smmc_print_u64(SMMC_PRINT_ANY, "min_flt", "min_flt:\t%" PRIu64 "\n", vm.min_flt);
	smmc_print_u64(SMMC_PRINT_ANY, "maj_flt", "maj_flt:\t%" PRIu64 "\n", vm.maj_flt);
	smmc_print_u64(SMMC_PRINT_ANY, "cow_faults", "cow_faults:\t%" PRIu64 "\n", vm.cow_faults);
	smmc_print_u64(SMMC_PRINT_ANY, "cow_reuse", "cow_reuse:\t%" PRIu64 "\n", vm.cow_reuse);
	smmc_print_u64(SMMC_PRINT_ANY, "pinned", "pinned:\t%" PRIu64 "\n", vm.pinned);
	smmc_print_u64(SMMC_PRINT_ANY, "pgfault", "pgfault:\t%" PRIu64 " (all spaces)\n",
		       vm.pgfault);
	smmc_print_int(SMMC_PRINT_ANY, "oom_score_adj", "oom_score_adj:\t%d\n", vm.oom_score_adj);
	smmc_print_bool(SMMC_PRINT_ANY, "oom_killed", "oom_killed:\t%s\n", vm.oom_killed);
	free(v);
	return 0;
}
