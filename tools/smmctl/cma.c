// SPDX-License-Identifier: GPL-2.0
/*
 * smmctl cma { show | alloc COUNT [ align ORDER ] | free HANDLE }
 *
 * The CMA area the load parameter cma= made: alloc takes COUNT
 * contiguous frames from it as cma_alloc() does (its movable pages
 * migrated out) and prints the handle (the first frame index); free
 * gives the allocation back (cma_release()). show: the area, its use,
 * the counters and the allocations held.
 */
#include <stdlib.h>
#include <string.h>

#include "smmctl.h"

static int cma_alloc(int argc, char **argv)
{
	uint64_t count, align = 0, handle = 0;

	if (argc != 1 && !(argc == 3 && !strcmp(argv[1], "align"))) {
		fprintf(stderr, "Error: usage: smmctl cma alloc COUNT [ align ORDER ]\n");
		return 1;
	}
	if (smmctl_parse_u64(argv[0], "COUNT", &count) ||
	    (argc == 3 && smmctl_parse_u64(argv[2], "ORDER", &align)))
		return 1;
	if (align > SHADOWMM_CMA_MAX_ALIGN) {
		fprintf(stderr, "Error: align is an order from 0 to %d\n", SHADOWMM_CMA_MAX_ALIGN);
		return 1;
	}
	if (smmctl_connect())
		return 1;
	if (smmc_cma_alloc(&smmctl_nl, count, (uint32_t)align, &handle))
		return smmctl_error();
	smmc_print_u64(SMMC_PRINT_ANY, "handle", "%" PRIu64 "\n", handle);
	return 0;
}

static int cma_free(int argc, char **argv)
{
	uint64_t handle;

	if (argc != 1) {
		fprintf(stderr, "Error: usage: smmctl cma free HANDLE\n");
		return 1;
	}
	if (smmctl_parse_u64(argv[0], "HANDLE", &handle) || smmctl_connect())
		return 1;
	if (smmc_cma_free(&smmctl_nl, handle))
		return smmctl_error();
	return 0;
}

static int cma_show(int argc, char **argv)
{
	struct smmc_cma c;
	unsigned int i;

	if (smmctl_no_args(argc, argv) || smmctl_connect())
		return 1;
	if (smmc_cma_get(&smmctl_nl, &c))
		return smmctl_error();
	smmc_print_u64(SMMC_PRINT_ANY, "base", "base %" PRIu64, c.base);
	smmc_print_u64(SMMC_PRINT_ANY, "count", " count %" PRIu64, c.count);
	smmc_print_string(SMMC_PRINT_ANY, "zone", " zone %s\n",
			  c.zone < SMMC_NR_ZONES ? smmc_zone_names[c.zone] : "?");
	smmc_print_u64(SMMC_PRINT_ANY, "used", "used %" PRIu64, c.used);
	smmc_print_u64(SMMC_PRINT_ANY, "free", " free %" PRIu64 "\n", c.free);
	smmc_print_u64(SMMC_PRINT_ANY, "alloc_success", "cma_alloc_success %" PRIu64,
		       c.alloc_success);
	smmc_print_u64(SMMC_PRINT_ANY, "alloc_fail", " cma_alloc_fail %" PRIu64 "\n", c.alloc_fail);
	smmc_open_json_array(SMMC_PRINT_JSON, "allocations");
	for (i = 0; i < c.nr_allocs; i++) {
		smmc_open_json_object(NULL);
		smmc_print_u64(SMMC_PRINT_ANY, "handle", "allocation %" PRIu64, c.allocs[i].handle);
		smmc_print_u64(SMMC_PRINT_ANY, "count", " count %" PRIu64 "\n", c.allocs[i].count);
		smmc_close_json_object();
	}
	smmc_close_json_array(SMMC_PRINT_JSON, NULL);
	return 0;
}

const struct smm_cmd smmctl_cma_cmds[] = {
	SMM_CMD("show", cma_show, NULL, "the CMA area, its use and allocations"),
	SMM_CMD("alloc", cma_alloc, "COUNT [ align ORDER ]",
		"COUNT contiguous frames from the area, as cma_alloc(); prints the handle"),
	SMM_CMD("free", cma_free, "HANDLE", "an allocation back, as cma_release()"),
	SMM_CMD_END("The area is the load parameter cma= (none: commands fail with ENODEV).\n"),
};
