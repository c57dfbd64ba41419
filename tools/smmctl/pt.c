// SPDX-License-Identifier: GPL-2.0
/*
 * smmctl pt walk { pid PID | kernel | space ID } addr ADDR [ len LEN ] [ leaves ]
 *
 * Every level of the translation of ADDR (to ADDR + LEN), one step per
 * page or hole: the index, the raw entry and the decoded flags of each
 * level, then the frame and page size (or the hole's size, or the swap
 * entry). Raw entries and frame numbers need CAP_SYS_ADMIN, as
 * /proc/PID/pagemap's frame numbers do. With "leaves", only the leaf
 * translations, one line per run of pages (the leaves mode of PT_WALK).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "smmctl.h"

#define PT_STEPS_MAX	(1U << 20)	/* steps (or runs) printed before giving up */
#define PT_USAGE	"{ pid PID | kernel | space ID } addr ADDR [ len LEN ] [ leaves ]"

static int pt_print_step(const struct smmc_pt_step *st, void *data)
{
	unsigned int *n = data;

	if (++*n > PT_STEPS_MAX)
		return -E2BIG;
	smmc_pt_print_step(st);
	return 0;
}

static int pt_print_run(const struct smmc_pt_run *run, void *data)
{
	unsigned int *n = data;

	if (++*n > PT_STEPS_MAX)
		return -E2BIG;
	smmc_pt_print_run(run);
	return 0;
}

static int pt_walk_args(int argc, char **argv, struct smmc_pt_req *req)
{
	bool has_addr = false;
	uint64_t v;

	memset(req, 0, sizeof(*req));
	for (; argc > 0; argc--, argv++) {
		bool more = argc > 1;

		if (!strcmp(argv[0], "kernel")) {
			req->target = SMMC_PT_TARGET_KERNEL;
			continue;
		}
		if (!strcmp(argv[0], "leaves")) {
			req->leaves = true;
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
			req->target = argv[0][0] == 'p' ? SMMC_PT_TARGET_PID : SMMC_PT_TARGET_SPACE;
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
		fprintf(stderr, "Error: usage: smmctl pt walk " PT_USAGE "\n");
		return -1;
	}
	return 0;
}

static int pt_walk(int argc, char **argv)
{
	struct smmc_pt_req req;
	unsigned int n = 0;
	int ret;

	if (pt_walk_args(argc, argv, &req) || smmctl_connect())
		return 1;
	smmc_open_json_array(SMMC_PRINT_JSON, req.leaves ? "runs" : "steps");
	if (req.leaves)
		ret = smmc_pt_leaves(&smmctl_nl, &req, pt_print_run, &n);
	else
		ret = smmc_pt_walk(&smmctl_nl, &req, pt_print_step, &n);
	smmc_close_json_array(SMMC_PRINT_JSON, NULL);
	if (ret == SMMC_NL_DUMP_INTR)
		fprintf(stderr, "Warning: the space changed during the walk\n");
	else if (ret)
		return smmctl_error();
	return 0;
}

const struct smm_cmd smmctl_pt_cmds[] = {
	SMM_CMD("walk", pt_walk, PT_USAGE,
		"every level of the translation of ADDR (to ADDR + LEN bytes), or its leaves as runs"),
	SMM_CMD_END("Raw entries and frame numbers are shown to CAP_SYS_ADMIN only.\n"
		    "Without it, only processes of your own user can be walked.\n"),
};
