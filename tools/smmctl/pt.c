// SPDX-License-Identifier: GPL-2.0
/*
 * smmctl pt walk { pid PID | kernel | space ID } addr ADDR [ len LEN ]
 *
 * Every level of the translation of ADDR (to ADDR + LEN), one step per
 * page or hole: the index, the raw entry and the decoded flags of each
 * level, then the frame and page size (or the hole's size, or the swap
 * entry). Raw entries and frame numbers need CAP_SYS_ADMIN, as
 * /proc/PID/pagemap's frame numbers do.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "smmctl.h"

#define PT_STEPS_MAX	(1U << 20)	/* steps printed before giving up */

static const char *pt_size_name(uint64_t size, char *buf, size_t len)
{
	return smm_fmt_bytes(buf, len, size);
}

/* The flags of an entry: a list in JSON, words in text. */
static void pt_print_flags(uint32_t flags)
{
	unsigned int i;

	open_json_array(PRINT_JSON, "flags");
	for (i = 0; i < SMM_PTF_BITS; i++)
		if (flags & (1U << i))
			print_string(PRINT_ANY, NULL, " %s", smm_ptf_names[i]);
	close_json_array(PRINT_JSON, NULL);
}

static void pt_print_level(const struct smm_pt_level *l)
{
	open_json_object(NULL);
	print_string(PRINT_ANY, "level", "  %-4s", smm_pt_level_names[l->level]);
	if (l->folded) {
		print_bool(PRINT_JSON, "folded", NULL, true);
		print_text("      folded into the PGD (4-level paging)\n");
		close_json_object();
		return;
	}
	print_uint(PRINT_ANY, "index", " %3u", l->index);
	if (l->has_entry)
		print_u64(PRINT_ANY, "entry", "  0x%016" PRIx64, l->entry);
	pt_print_flags(l->flags);
	print_text("\n");
	close_json_object();
}

static int pt_print_step(const struct smm_pt_step *st, void *data)
{
	unsigned int *n = data, i;
	char size[32];

	if (++*n > PT_STEPS_MAX)
		return -E2BIG;
	open_json_object(NULL);
	print_u64(PRINT_ANY, "addr", "0x%016" PRIx64, st->addr);
	print_string(PRINT_ANY, "kind", "  %s", smm_pt_kind_names[st->kind]);
	print_u64(PRINT_JSON, "size", NULL, st->size);
	print_string(PRINT_FP, NULL, " %s", pt_size_name(st->size, size, sizeof(size)));
	if (st->kind == SHADOWMM_PT_PAGE && st->has_pfn) {
		print_u64(PRINT_ANY, "pfn", "  pfn %#" PRIx64, st->pfn);
		print_bool(PRINT_JSON, "in_shadow", NULL, st->in_shadow);
		print_text("%s", st->in_shadow ? " (shadowmm's)" : "");
	}
	if (st->kind == SHADOWMM_PT_SWAP) {
		print_uint(PRINT_ANY, "swap_type", "  swap type %u", st->swap_type);
		print_u64(PRINT_ANY, "swap_offset", " offset %#" PRIx64, st->swap_offset);
	}
	print_text("\n");
	open_json_array(PRINT_JSON, "levels");
	for (i = 0; i < st->nr; i++)
		pt_print_level(&st->lv[i]);
	close_json_array(PRINT_JSON, NULL);
	close_json_object();
	return 0;
}

static int pt_walk_args(int argc, char **argv, struct smm_pt_req *req)
{
	bool has_addr = false;
	uint64_t v;

	memset(req, 0, sizeof(*req));
	for (; argc > 0; argc--, argv++) {
		bool more = argc > 1;

		if (!strcmp(argv[0], "kernel")) {
			req->target = SMM_PT_TARGET_KERNEL;
			continue;
		}
		if (!more)
			return smmctl_bad_arg(argv[0]), -1;
		if (!strcmp(argv[0], "pid") || !strcmp(argv[0], "space")) {
			if (smmctl_parse_u64(argv[1], argv[0], &v) || !v || v > UINT32_MAX) {
				if (!v)
					fprintf(stderr, "Error: invalid %s \"%s\"\n", argv[0], argv[1]);
				return -1;
			}
			req->target = argv[0][0] == 'p' ? SMM_PT_TARGET_PID : SMM_PT_TARGET_SPACE;
			req->id = v;
		} else if (!strcmp(argv[0], "addr")) {
			if (smmctl_parse_u64(argv[1], "address", &req->addr))
				return -1;
			has_addr = true;
		} else if (!strcmp(argv[0], "len")) {
			if (smmctl_parse_u64(argv[1], "length", &req->len))
				return -1;
			if (!req->len) {
				fprintf(stderr, "Error: length must be at least 1\n");
				return -1;
			}
		} else {
			return smmctl_bad_arg(argv[0]), -1;
		}
		argc--;
		argv++;
	}
	if (!req->target || !has_addr) {
		fprintf(stderr, "Error: usage: smmctl pt walk { pid PID | kernel | space ID } "
				"addr ADDR [ len LEN ]\n");
		return -1;
	}
	return 0;
}

static int pt_walk(int argc, char **argv)
{
	struct smm_pt_req req;
	unsigned int n = 0;
	int ret;

	if (pt_walk_args(argc, argv, &req) || smmctl_connect())
		return 1;
	open_json_array(PRINT_JSON, "steps");
	ret = smm_pt_walk(&smmctl_nl, &req, pt_print_step, &n);
	close_json_array(PRINT_JSON, NULL);
	if (ret == SMM_NL_DUMP_INTR)
		fprintf(stderr, "Warning: the space changed during the walk\n");
	else if (ret)
		return smmctl_error();
	return 0;
}

const struct smm_cmd smmctl_pt_cmds[] = {
	SMM_CMD("walk", pt_walk, "{ pid PID | kernel | space ID } addr ADDR [ len LEN ]",
		"every level of the translation of ADDR (to ADDR + LEN bytes)"),
	SMM_CMD_END("Raw entries and frame numbers are shown to CAP_SYS_ADMIN only.\n"
		    "Without it, only processes of your own user can be walked.\n"),
};
