// SPDX-License-Identifier: GPL-2.0
/* smmctl frame [ show [ START [ COUNT ] ] ]: the frame map as runs */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "smmctl.h"

#define FRAME_DUMP_TRIES	5

struct runs {
	struct smmc_run *v;
	size_t n, cap;
};

static int collect_run(const struct smmc_run *r, void *data)
{
	struct runs *runs = data;

	if (smmc_array_reserve((void **)&runs->v, &runs->cap, runs->n, sizeof(*runs->v), 256))
		return -ENOMEM;
	runs->v[runs->n++] = *r;
	return 0;
}

static void print_run(const struct smmc_run *r)
{
	smmc_open_json_object(NULL);
	smmc_print_u64(SMMC_PRINT_ANY, "start", "%10" PRIu64, r->start);
	smmc_print_u64(SMMC_PRINT_ANY, "count", " %10" PRIu64, r->count);
	smmc_print_string(SMMC_PRINT_ANY, "state", "  %-8s", smmc_state_names[r->state]);
	smmc_print_string(SMMC_PRINT_ANY, "migratetype", " %s\n",
			  r->mt < SMMC_NR_MT ? smmc_mt_names[r->mt] : "?");
	smmc_close_json_object();
}

/*
 * The map is read without stopping the allocator; a dump that the
 * allocator interrupted is thrown away and taken again, so what is
 * printed is one consistent picture.
 */
static int frame_show(int argc, char **argv)
{
	uint64_t start = 0, count = 0;
	struct runs runs = { 0 };
	int tries, ret = 0;
	size_t i;

	if (argc > 2)
		return smmctl_bad_arg(argv[2]);
	if ((argc > 0 && smmctl_parse_u64(argv[0], "start", &start)) ||
	    (argc > 1 && smmctl_parse_u64(argv[1], "count", &count)))
		return 1;
	if (argc > 1 && !count) {
		fprintf(stderr, "Error: count must be at least 1\n");
		return 1;
	}
	if (smmctl_connect())
		return 1;
	for (tries = 0; tries < FRAME_DUMP_TRIES; tries++) {
		runs.n = 0;
		ret = smmc_frames_get(&smmctl_nl, start, count, collect_run, &runs);
		if (ret != SMMC_NL_DUMP_INTR)
			break;
	}
	if (ret) {
		free(runs.v);
		return smmctl_error();
	}
	smmc_print_text("%10s %10s  %-8s %s\n", "start", "frames", "state", "migratetype");
	smmc_open_json_array(SMMC_PRINT_JSON, "runs");
	for (i = 0; i < runs.n; i++)
		print_run(&runs.v[i]);
	smmc_close_json_array(SMMC_PRINT_JSON, NULL);
	free(runs.v);
	return 0;
}

const struct smm_cmd smmctl_frame_cmds[] = {
	SMM_CMD("show", frame_show, "[ START [ COUNT ] ]",
		"runs of frames in one state, from frame START"),
	SMM_CMD_END(NULL),
};
