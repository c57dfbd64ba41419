// SPDX-License-Identifier: GPL-2.0
/*
 * smmctl compact [ zone ZONE ] [ order N ]: compaction on demand, as
 * echo 1 > /proc/sys/vm/compact_memory (no order: every populated zone,
 * whole) or, with an order, until a free block of it exists. One line
 * per zone compacted: its result (success, complete or skipped, as the
 * kernel's mm_compaction_end tracepoint names them), pages migrated and
 * failed, frames each scanner looked at. JSON: an array of objects.
 */
#include <stdlib.h>
#include <string.h>

#include "smmctl.h"

static int compact_parse(int argc, char **argv, int *zone, int *order)
{
	uint64_t v;

	for (; argc > 0; argc -= 2, argv += 2) {
		if (argc < 2) {
			fprintf(stderr, "Error: \"%s\" needs a value\n", argv[0]);
			return -1;
		}
		if (!strcmp(argv[0], "zone")) {
			*zone = smmc_zone_by_name(argv[1]);
			if (*zone < 0) {
				fprintf(stderr, "Error: unknown zone \"%s\" (DMA, DMA32, Normal, HighMem or Movable)\n",
					argv[1]);
				return -1;
			}
		} else if (!strcmp(argv[0], "order")) {
			/* any int: the module says what it takes (-1 .. 10) */
			if (!strcmp(argv[1], "-1")) {
				*order = -1;
				continue;
			}
			if (smmctl_parse_u64(argv[1], "order", &v) || v > INT32_MAX) {
				fprintf(stderr, "Error: order is -1 (the whole zone) or 0 to %d\n",
					SHADOWMM_COMPACT_MAX_ORDER);
				return -1;
			}
			*order = v;
		} else {
			fprintf(stderr, "Error: unknown argument \"%s\", try \"smmctl compact help\".\n",
				argv[0]);
			return -1;
		}
	}
	return 0;
}

static void compact_print(const struct smmc_compact_zone *z)
{
	smmc_open_json_object(NULL);
	smmc_print_string(SMMC_PRINT_ANY, "zone", "zone %-6s", smmc_zone_names[z->zone]);
	smmc_print_string(SMMC_PRINT_ANY, "result", " %-8s", smmc_compact_result_name(z->result));
	smmc_print_u64(SMMC_PRINT_ANY, "migrated", " migrated %" PRIu64, z->migrated);
	smmc_print_u64(SMMC_PRINT_ANY, "failed", " failed %" PRIu64, z->failed);
	smmc_print_u64(SMMC_PRINT_ANY, "migrate_scanned", " migrate_scanned %" PRIu64,
		       z->migrate_scanned);
	smmc_print_u64(SMMC_PRINT_ANY, "free_scanned", " free_scanned %" PRIu64, z->free_scanned);
	smmc_print_u64(SMMC_PRINT_ANY, "pinned", " pinned %" PRIu64 "\n", z->pinned);
	smmc_close_json_object();
}

int smmctl_compact(int argc, char **argv)
{
	struct smmc_compact_zone res[SMMC_NR_ZONES];
	int zone = -1, order = -1;	/* -1: not given */
	unsigned int n, i;

	if (argc > 0 && !strcmp(argv[0], "help"))
		return smmctl_help_running();
	if (compact_parse(argc, argv, &zone, &order))
		return 1;
	if (smmctl_connect())
		return 1;
	if (smmc_compact(&smmctl_nl, zone, order, res, &n))
		return smmctl_error();
	smmc_open_json_array(SMMC_PRINT_JSON, "zones");
	for (i = 0; i < n; i++)
		if (res[i].zone < SMMC_NR_ZONES)
			compact_print(&res[i]);
	smmc_close_json_array(SMMC_PRINT_JSON, NULL);
	return 0;
}
