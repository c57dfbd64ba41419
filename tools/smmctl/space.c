// SPDX-License-Identifier: GPL-2.0
/*
 * smmctl space create [ levels { 4 | 5 } ]
 * smmctl space fork ID
 * smmctl space map ID addr ADDR pages N [ size { 4K | 2M | 1G } ] [ PROT... ]
 * smmctl space unmap ID addr ADDR pages N [ size { 4K | 2M | 1G } ]
 * smmctl space translate ID addr ADDR
 * smmctl space destroy ID
 * smmctl space set ID oom_score_adj N
 * smmctl space [ show [ ID ] ]
 * smmctl space { mmap | munmap | access | pin | unpin } ...	(vma.c)
 *
 * Shadow address spaces: page tables built from shadow buddy pages.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "smmctl.h"

/* A space id as the user typed it: 1 to SHADOWMM_SPACE_MAX. */
int smmctl_space_id(const char *word, uint32_t *id)
{
	uint64_t v;

	if (smmctl_parse_u64(word, "space id", &v))
		return -1;
	if (!v || v > SHADOWMM_SPACE_MAX) {
		fprintf(stderr, "Error: space id is 1 to %u\n", SHADOWMM_SPACE_MAX);
		return -1;
	}
	*id = v;
	return 0;
}

static int space_page_size(const char *word, uint32_t *shift)
{
	if (!strcasecmp(word, "4K"))
		*shift = SHADOWMM_PAGE_4K;
	else if (!strcasecmp(word, "2M"))
		*shift = SHADOWMM_PAGE_2M;
	else if (!strcasecmp(word, "1G"))
		*shift = SHADOWMM_PAGE_1G;
	else {
		fprintf(stderr, "Error: unknown page size \"%s\" (4K, 2M or 1G)\n", word);
		return -1;
	}
	return 0;
}

/* ID addr ADDR pages N [ size SIZE ] [ PROT... ] (PROT only when @prot) */
static int space_range_args(int argc, char **argv, struct smmc_space_range *r, uint32_t *prot)
{
	bool has_addr = false, has_pages = false;
	uint32_t p;

	memset(r, 0, sizeof(*r));
	r->page_shift = SHADOWMM_PAGE_4K;
	if (argc < 1 || smmctl_space_id(argv[0], &r->id))
		goto usage;
	for (argc--, argv++; argc > 0; argc--, argv++) {
		bool more = argc > 1;

		if (more && !strcmp(argv[0], "addr")) {
			if (smmctl_parse_u64(argv[1], "address", &r->addr))
				return -1;
			has_addr = true;
		} else if (more && !strcmp(argv[0], "pages")) {
			if (smmctl_parse_u64(argv[1], "pages", &r->pages))
				return -1;
			has_pages = true;
		} else if (more && !strcmp(argv[0], "size")) {
			if (space_page_size(argv[1], &r->page_shift))
				return -1;
		} else if (prot && !smmc_prot_flag(argv[0], &p)) {
			*prot |= p;
			continue;
		} else {
			return smmctl_bad_arg(argv[0]), -1;
		}
		argc--;
		argv++;
	}
	if (has_addr && has_pages)
		return 0;
usage:
	fprintf(stderr, "Error: usage: smmctl space %s ID addr ADDR pages N [ size SIZE ]%s\n",
		prot ? "map" : "unmap", prot ? " [ PROT... ]" : "");
	return -1;
}

static int space_create(int argc, char **argv)
{
	uint64_t levels = 0;
	uint32_t id;

	if (argc == 2 && !strcmp(argv[0], "levels")) {
		if (smmctl_parse_u64(argv[1], "levels", &levels))
			return 1;
		if (levels != 4 && levels != 5) {
			fprintf(stderr, "Error: levels is 4 or 5\n");
			return 1;
		}
	} else if (argc) {
		return smmctl_bad_arg(argv[0]);
	}
	if (smmctl_connect())
		return 1;
	if (smmc_space_create(&smmctl_nl, levels, &id))
		return smmctl_error();
	smmc_print_uint(SMMC_PRINT_ANY, "id", "space %u\n", id);
	return 0;
}

static int space_map(int argc, char **argv)
{
	struct smmc_space_range r;
	uint32_t prot = 0;

	if (space_range_args(argc, argv, &r, &prot) || smmctl_connect())
		return 1;
	if (smmc_space_map(&smmctl_nl, &r, prot))
		return smmctl_error();
	return 0;
}

static int space_unmap(int argc, char **argv)
{
	struct smmc_space_range r;

	if (space_range_args(argc, argv, &r, NULL) || smmctl_connect())
		return 1;
	if (smmc_space_unmap(&smmctl_nl, &r))
		return smmctl_error();
	return 0;
}

static int space_translate(int argc, char **argv)
{
	struct smmc_space_xlate x;
	uint64_t addr;
	uint32_t id;
	unsigned int i;

	if (argc != 3 || strcmp(argv[1], "addr")) {
		fprintf(stderr, "Error: usage: smmctl space translate ID addr ADDR\n");
		return 1;
	}
	if (smmctl_space_id(argv[0], &id) || smmctl_parse_u64(argv[2], "address", &addr) ||
	    smmctl_connect())
		return 1;
	if (smmc_space_translate(&smmctl_nl, id, addr, &x))
		return smmctl_error();
	smmc_print_u64(SMMC_PRINT_ANY, "addr", "%#" PRIx64, addr);
	if (x.has_pfn) {
		smmc_print_u64(SMMC_PRINT_ANY, "phys", " -> %#" PRIx64, x.phys);
		smmc_print_u64(SMMC_PRINT_ANY, "pfn", " pfn %#" PRIx64, x.pfn);
	}
	smmc_print_u64(SMMC_PRINT_ANY, "page_size", " page %" PRIu64, 1ULL << x.page_shift);
	smmc_open_json_array(SMMC_PRINT_JSON, "flags");
	for (i = 0; i < SMMC_PTF_BITS; i++)
		if (x.flags & (1U << i))
			smmc_print_string(SMMC_PRINT_ANY, NULL, " %s", smmc_ptf_names[i]);
	smmc_close_json_array(SMMC_PRINT_JSON, NULL);
	smmc_print_text("\n");
	return 0;
}

static int space_destroy(int argc, char **argv)
{
	uint32_t id;

	if (argc != 1) {
		fprintf(stderr, "Error: usage: smmctl space destroy ID\n");
		return 1;
	}
	if (smmctl_space_id(argv[0], &id) || smmctl_connect())
		return 1;
	if (smmc_space_destroy(&smmctl_nl, id))
		return smmctl_error();
	return 0;
}

/* fork(): the child's id printed ("space N", -j {"id": N}). */
static int space_fork(int argc, char **argv)
{
	uint32_t id, child;

	if (argc != 1) {
		fprintf(stderr, "Error: usage: smmctl space fork ID\n");
		return 1;
	}
	if (smmctl_space_id(argv[0], &id) || smmctl_connect())
		return 1;
	if (smmc_space_fork(&smmctl_nl, id, &child))
		return smmctl_error();
	smmc_print_uint(SMMC_PRINT_ANY, "id", "space %u\n", child);
	return 0;
}

/* "oom_score_adj N": N a decimal integer, -1000 to 1000 checked by the module. */
static int space_set(int argc, char **argv)
{
	uint32_t id;
	char *end;
	long adj;

	if (argc != 3 || strcmp(argv[1], "oom_score_adj")) {
		fprintf(stderr, "Error: usage: smmctl space set ID oom_score_adj N\n");
		return 1;
	}
	if (smmctl_space_id(argv[0], &id))
		return 1;
	errno = 0;
	adj = strtol(argv[2], &end, 10);
	if (!*argv[2] || *end || errno || adj < INT32_MIN || adj > INT32_MAX) {
		fprintf(stderr, "Error: invalid oom_score_adj \"%s\"\n", argv[2]);
		return 1;
	}
	if (smmctl_connect())
		return 1;
	if (smmc_space_set_oom_score_adj(&smmctl_nl, id, (int32_t)adj))
		return smmctl_error();
	return 0;
}

static void space_print(const struct smmc_space_info *s)
{
	static const char *const sizes[SMMC_SPACE_SIZES] = { "4K", "2M", "1G" };
	unsigned int i;

	smmc_open_json_object(NULL);
	smmc_print_uint(SMMC_PRINT_ANY, "id", "space %u", s->id);
	smmc_print_uint(SMMC_PRINT_ANY, "levels", ": %u levels", s->levels);
	smmc_print_u64(SMMC_PRINT_ANY, "frames", ", %" PRIu64 " frames\n", s->frames);
	smmc_print_text("  tables ");
	smmc_open_json_object("tables");
	for (i = 0; i < SMMC_PT_LEVELS; i++)
		smmc_print_u64(SMMC_PRINT_ANY, smmc_pt_level_names[i], " %" PRIu64,
			       s->tables[i]);
	smmc_close_json_object();
	smmc_print_text("  (PGD P4D PUD PMD PTE)\n  mapped ");
	smmc_open_json_object("mapped");
	for (i = 0; i < SMMC_SPACE_SIZES; i++) {
		smmc_print_text(" %s:", sizes[i]);
		smmc_print_u64(SMMC_PRINT_ANY, sizes[i], "%" PRIu64, s->mapped[i]);
	}
	smmc_close_json_object();
	smmc_print_text("\n");
	smmc_close_json_object();
}

static int space_show(int argc, char **argv)
{
	struct smmc_space_info *v;
	size_t n, i;
	int ret;

	if (argc == 1)
		return smmctl_space_show_one(argv[0]);
	if (smmctl_no_args(argc, argv) || smmctl_connect())
		return 1;
	ret = smmc_spaces_get(&smmctl_nl, &v, &n);
	if (ret && ret != SMMC_NL_DUMP_INTR) {
		free(v);
		return smmctl_error();
	}
	smmc_open_json_array(SMMC_PRINT_JSON, "spaces");
	for (i = 0; i < n; i++)
		space_print(&v[i]);
	smmc_close_json_array(SMMC_PRINT_JSON, NULL);
	free(v);
	return 0;
}

const struct smm_cmd smmctl_space_cmds[] = {
	SMM_CMD("show", space_show, "[ ID ]",
		"every space: table pages by level, pages mapped; ID: its VMAs and RSS"),
	SMM_CMD("create", space_create, "[ levels { 4 | 5 } ]",
		"a space with its top-level table; prints its id"),
	SMM_CMD("fork", space_fork, "ID",
		"fork(): a child with the space's VMAs, its anonymous pages shared copy-on-write; prints its id"),
	SMM_CMD("map", space_map, "ID addr ADDR pages N [ size SIZE ] [ PROT... ]",
		"map N fresh pages of SIZE from ADDR (all or nothing)"),
	SMM_CMD("unmap", space_unmap, "ID addr ADDR pages N [ size SIZE ]",
		"unmap them, freeing the tables that become empty"),
	SMM_CMD("translate", space_translate, "ID addr ADDR",
		"the frame and flags ADDR translates to"),
	SMM_CMD("destroy", space_destroy, "ID", "unmap everything, free every table"),
	SMM_CMD("set", space_set, "ID oom_score_adj N",
		"N from -1000 (never OOM-killed) to 1000, as /proc/PID/oom_score_adj"),
	SMM_CMD("mmap", smmctl_space_mmap,
		"ID addr ADDR len LEN [ prot VMAPROT ] [ file FID [ offset O ] [ private | shared ] ]",
		"an anonymous VMA (default rw-), or a file's (default r--, private); pages come on first access"),
	SMM_CMD("munmap", smmctl_space_munmap, "ID addr ADDR len LEN",
		"remove the range's VMAs, splitting them, and free their faulted pages"),
	SMM_CMD("access", smmctl_space_access, "ID addr ADDR [ len LEN ] [ write [ value V ] ]",
		"touch the range as a CPU would (default 8 bytes, read)"),
	SMM_CMD("pin", smmctl_space_pin, "ID addr ADDR len LEN [ write ] [ longterm ]",
		"pin_user_pages(): fault the range in and pin it; longterm moves it out of Movable and CMA first"),
	SMM_CMD("unpin", smmctl_space_unpin, "ID addr ADDR len LEN",
		"unpin_user_pages(): drop one pin of each page of the range"),
	SMM_CMD("pageout", smmctl_space_pageout, "ID addr ADDR len LEN",
		"MADV_PAGEOUT: write the range's anonymous pages to swap"),
	SMM_CMD("run", smmctl_space_run,
		"ID pattern { seq | random | hot-cold [ PCT ] | zipf [ S ] } rate N [ write PCT ] [ for SECONDS ]",
		"a kernel thread accessing the space's VMAs N times a second"),
	SMM_CMD("stop", smmctl_space_stop, "ID", "stop the space's workload and forget it"),
	SMM_CMD("workloads", smmctl_space_workloads, "",
		"the workloads: accesses, faults, running or why they ended"),
	SMM_CMD_END("SIZE := { 4K | 2M | 1G }\n"
		    "PROT := { write | user | exec | global | none }\n"
		    "VMAPROT := { rw- | r-- | r-x | rwx | --- }\n"),
};
