// SPDX-License-Identifier: GPL-2.0
/*
 * smmctl range { show | offline START COUNT | online START COUNT }
 *
 * Memory hot-remove of the shadow: COUNT frames from frame index START
 * (whole 2 MiB pageblocks of one zone) taken offline, their movable
 * pages migrated out, as offline_pages() does; online gives them back.
 * show lists the offline runs. JSON: an array of objects.
 */
#include <stdlib.h>
#include <string.h>

#include "smmctl.h"

#define RANGE_MAX	64

/*
 * range offline|online START COUNT: two numbers and nothing else, then
 * @op (smmc_range_offline or smmc_range_online).
 */
static int range_change(int argc, char **argv, const char *cmd,
			int (*op)(struct smmc_nl *, uint64_t, uint64_t))
{
	uint64_t start, count;

	if (argc != 2) {
		fprintf(stderr, "Error: usage: smmctl range %s START COUNT\n", cmd);
		return 1;
	}
	if (smmctl_parse_u64(argv[0], "START", &start) ||
	    smmctl_parse_u64(argv[1], "COUNT", &count) || smmctl_connect())
		return 1;
	if (op(&smmctl_nl, start, count))
		return smmctl_error();
	return 0;
}

static int range_offline(int argc, char **argv)
{
	return range_change(argc, argv, "offline", smmc_range_offline);
}

static int range_online(int argc, char **argv)
{
	return range_change(argc, argv, "online", smmc_range_online);
}

/* "offline start S count C zone Z" a run. */
static int range_show(int argc, char **argv)
{
	struct smmc_range r[RANGE_MAX];
	unsigned int n, i;

	if (smmctl_no_args(argc, argv) || smmctl_connect())
		return 1;
	if (smmc_range_get(&smmctl_nl, r, RANGE_MAX, &n))
		return smmctl_error();
	smmc_open_json_array(SMMC_PRINT_JSON, "offline");
	for (i = 0; i < n; i++) {
		smmc_open_json_object(NULL);
		smmc_print_u64(SMMC_PRINT_ANY, "start", "offline start %" PRIu64, r[i].start);
		smmc_print_u64(SMMC_PRINT_ANY, "count", " count %" PRIu64, r[i].count);
		smmc_print_string(SMMC_PRINT_ANY, "zone", " zone %s\n",
				  r[i].zone < SMMC_NR_ZONES ? smmc_zone_names[r[i].zone] : "?");
		smmc_close_json_object();
	}
	smmc_close_json_array(SMMC_PRINT_JSON, NULL);
	return 0;
}

const struct smm_cmd smmctl_range_cmds[] = {
	SMM_CMD("show", range_show, NULL, "the offline runs of pageblocks"),
	SMM_CMD("offline", range_offline, "START COUNT",
		"take frames START..START+COUNT offline (whole pageblocks, one zone)"),
	SMM_CMD("online", range_online, "START COUNT", "give an offline range back"),
	SMM_CMD_END("START and COUNT are frame indexes, multiples of 512 (a pageblock).\n"),
};
