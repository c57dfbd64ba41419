// SPDX-License-Identifier: GPL-2.0
/*
 * smmctl swap { show | on size SIZE | off }
 * smmctl space pageout ID addr ADDR len LEN
 * smmctl reclaim { pages N | size SIZE }
 *
 * The shadow swap area (one, type 0, memory the module allocates), shown
 * as /proc/swaps shows an area, with its clusters and the swap counters
 * of /proc/vmstat; MADV_PAGEOUT on a range of a shadow space.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smmctl.h"

/* SIZE: bytes, or with a K, M or G suffix (binary units, as swapon's sizes). */
static int swap_parse_size(const char *word, uint64_t *size)
{
	static const char units[] = "KMG";
	size_t len = strlen(word);
	unsigned int shift = 0;
	const char *u;
	char buf[32];

	if (!len || len >= sizeof(buf)) {
		fprintf(stderr, "Error: invalid size \"%s\"\n", word);
		return -1;
	}
	memcpy(buf, word, len + 1);
	u = strchr(units, buf[len - 1]);
	if (u && *u) {
		shift = 10 * (unsigned int)(u - units + 1);
		buf[len - 1] = '\0';
	}
	if (smmctl_parse_u64(buf, "size", size))
		return -1;
	if (*size > (UINT64_MAX >> shift)) {
		fprintf(stderr, "Error: invalid size \"%s\"\n", word);
		return -1;
	}
	*size <<= shift;
	return 0;
}

static int swap_on(int argc, char **argv)
{
	uint64_t size;

	if (argc != 2 || strcmp(argv[0], "size")) {
		fprintf(stderr, "Error: usage: smmctl swap on size SIZE\n");
		return 1;
	}
	if (swap_parse_size(argv[1], &size) || smmctl_connect())
		return 1;
	if (smmc_swap_on(&smmctl_nl, size))
		return smmctl_error();
	return 0;
}

static int swap_off(int argc, char **argv)
{
	if (smmctl_no_args(argc, argv) || smmctl_connect())
		return 1;
	if (smmc_swap_off(&smmctl_nl))
		return smmctl_error();
	return 0;
}

/* /proc/swaps' header and line (sizes in KiB), then clusters and counters. */
static int swap_show(int argc, char **argv)
{
	struct smmc_swap sw;

	if (smmctl_no_args(argc, argv) || smmctl_connect())
		return 1;
	if (smmc_swap_get(&smmctl_nl, &sw))
		return smmctl_error();
	smmc_print_bool(SMMC_PRINT_JSON, "on", NULL, sw.on);
	smmc_print_text("Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n");
	if (sw.on) {
		smmc_print_string(SMMC_PRINT_ANY, "filename", "%-40s", "shadowmm-swap");
		smmc_print_string(SMMC_PRINT_ANY, "type", "%s", "memory");
		smmc_print_u64(SMMC_PRINT_ANY, "size_kb", "\t\t%" PRIu64, sw.size >> 10);
		smmc_print_u64(SMMC_PRINT_ANY, "used_kb", "\t\t%" PRIu64, sw.used >> 10);
		smmc_print_int(SMMC_PRINT_ANY, "priority", "\t\t%d\n", sw.priority);
		smmc_print_uint(SMMC_PRINT_ANY, "clusters", "clusters %u", sw.clusters);
		smmc_print_uint(SMMC_PRINT_ANY, "clusters_free", " free %u\n", sw.clusters_free);
	}
	smmc_print_u64(SMMC_PRINT_ANY, "limit_kb", "limit %" PRIu64 " kB\n", sw.limit >> 10);
	smmc_print_u64(SMMC_PRINT_ANY, "pswpin", "pswpin %" PRIu64 "\n", sw.pswpin);
	smmc_print_u64(SMMC_PRINT_ANY, "pswpout", "pswpout %" PRIu64 "\n", sw.pswpout);
	smmc_print_u64(SMMC_PRINT_ANY, "pgmajfault", "pgmajfault %" PRIu64 "\n", sw.pgmajfault);
	smmc_print_u64(SMMC_PRINT_ANY, "cached_kb", "SwapCached %" PRIu64 " kB\n", sw.cached * 4);
	return 0;
}

/* space pageout ID addr ADDR len LEN: prints the pages written to swap. */
int smmctl_space_pageout(int argc, char **argv)
{
	uint64_t addr = 0, len = 0, done;
	bool has_addr = false, has_len = false;
	uint32_t id;
	int i;

	if (argc < 1 || smmctl_space_id(argv[0], &id))
		return 1;
	for (i = 1; i < argc; i += 2) {
		if (i + 1 < argc && !strcmp(argv[i], "addr")) {
			if (smmctl_parse_u64(argv[i + 1], "address", &addr))
				return 1;
			has_addr = true;
		} else if (i + 1 < argc && !strcmp(argv[i], "len")) {
			if (smmctl_parse_u64(argv[i + 1], "length", &len))
				return 1;
			has_len = true;
		} else {
			return smmctl_bad_arg(argv[i]);
		}
	}
	if (!has_addr || !has_len) {
		fprintf(stderr, "Error: usage: smmctl space pageout ID addr ADDR len LEN\n");
		return 1;
	}
	if (smmctl_connect())
		return 1;
	if (smmc_space_pageout(&smmctl_nl, id, addr, len, &done))
		return smmctl_error();
	smmc_print_u64(SMMC_PRINT_ANY, "paged_out", "paged out %" PRIu64 "\n", done);
	return 0;
}

const struct smm_cmd smmctl_swap_cmds[] = {
	SMM_CMD("show", swap_show, NULL,
		"the swap area as /proc/swaps shows it, its clusters, the swap counters"),
	SMM_CMD("on", swap_on, "size SIZE",
		"a swap area of SIZE bytes of the machine's memory (K, M, G suffixes)"),
	SMM_CMD("off", swap_off, NULL,
		"every swapped page back in, then the area freed"),
	SMM_CMD_END("One area (type 0); its first page is the header's, as swapon's.\n"),
};

/*
 * reclaim { pages N | size SIZE }: proactive reclaim, as a write to
 * memory.reclaim (which takes bytes: SIZE is rounded down to pages, as
 * page_counter_memparse() does). Prints the pages reclaimed.
 */
static int reclaim_run(uint64_t pages)
{
	uint64_t done;

	if (!pages) {
		fprintf(stderr, "Error: nothing to reclaim: give at least one page\n");
		return 1;
	}
	if (smmctl_connect())
		return 1;
	if (smmc_reclaim(&smmctl_nl, pages, &done))
		return smmctl_error();
	smmc_print_u64(SMMC_PRINT_ANY, "reclaimed", "reclaimed %" PRIu64 "\n", done);
	return 0;
}

static int reclaim_pages(int argc, char **argv)
{
	uint64_t pages;

	if (argc != 1) {
		fprintf(stderr, "Error: usage: smmctl reclaim pages N\n");
		return 1;
	}
	if (smmctl_parse_u64(argv[0], "pages", &pages))
		return 1;
	return reclaim_run(pages);
}

static int reclaim_size(int argc, char **argv)
{
	uint64_t size;

	if (argc != 1) {
		fprintf(stderr, "Error: usage: smmctl reclaim size SIZE\n");
		return 1;
	}
	if (swap_parse_size(argv[0], &size))
		return 1;
	return reclaim_run(size / 4096);
}

const struct smm_cmd smmctl_reclaim_cmds[] = {
	SMM_CMD("pages", reclaim_pages, "N", "reclaim N pages (swap them out), as memory.reclaim"),
	SMM_CMD("size", reclaim_size, "SIZE", "reclaim SIZE bytes, rounded down to pages"),
	SMM_CMD_END("SIZE := BYTES[K|M|G]\n"),
};
