// SPDX-License-Identifier: GPL-2.0
/*
 * smmctl page alloc order N [ zone ZONE ] [ type TYPE ] [ count COUNT ] [ FLAG... ]
 * smmctl page free { HANDLE... | all }
 *
 * Blocks allocated through netlink are named by handles, which page free
 * takes back; a request with one bad handle frees nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smmctl.h"

static int page_alloc_args(int argc, char **argv, struct smmc_page_req *req)
{
	uint64_t v;
	uint32_t flag;

	memset(req, 0, sizeof(*req));
	req->order = ~0U;
	req->count = 1;
	req->zone = req->mt = -1;
	for (; argc > 0; argc--, argv++) {
		bool more = argc > 1;

		if (more && !strcmp(argv[0], "order")) {
			if (smmctl_parse_u64(argv[1], "order", &v) || v > UINT32_MAX)
				return -1;
			req->order = v;
		} else if (more && !strcmp(argv[0], "count")) {
			if (smmctl_parse_u64(argv[1], "count", &v) || !v ||
			    v > SHADOWMM_PAGE_BATCH_MAX) {
				fprintf(stderr, "Error: count is 1 to %u\n",
					SHADOWMM_PAGE_BATCH_MAX);
				return -1;
			}
			req->count = v;
		} else if (more && !strcmp(argv[0], "zone")) {
			req->zone = smmc_zone_by_name(argv[1]);
			if (req->zone == SHADOWMM_ZONE_MOVABLE) {
				/* no zone modifier of its own: GFP_HIGHUSER_MOVABLE */
				fprintf(stderr, "Error: the Movable zone is asked for with "
						"\"highmem type Movable\"\n");
				return -1;
			}
			if (req->zone < 0) {
				fprintf(stderr,
					"Error: unknown zone \"%s\" (DMA, DMA32, Normal or HighMem)\n",
					argv[1]);
				return -1;
			}
		} else if (more && !strcmp(argv[0], "type")) {
			req->mt = smmc_mt_by_name(argv[1]);
			if (req->mt < 0) {
				fprintf(stderr, "Error: unknown migratetype \"%s\" "
						"(Unmovable, Movable or Reclaimable)\n", argv[1]);
				return -1;
			}
		} else if (!smmc_gfp_flag(argv[0], &flag)) {
			req->flags |= flag;
			continue;
		} else {
			smmctl_bad_arg(argv[0]);
			return -1;
		}
		argc--;
		argv++;
	}
	if (req->order == ~0U) {
		fprintf(stderr, "Error: order is required: smmctl page alloc order N\n");
		return -1;
	}
	return 0;
}

static int page_alloc(int argc, char **argv)
{
	struct smmc_page_req req;
	uint64_t *handles;
	uint32_t n;

	if (page_alloc_args(argc, argv, &req) || smmctl_connect())
		return 1;
	handles = calloc(req.count, sizeof(*handles));
	if (!handles) {
		perror("Error: calloc");
		return 1;
	}
	if (smmc_page_alloc(&smmctl_nl, &req, handles, &n)) {
		free(handles);
		return smmctl_error();
	}
	return smmctl_print_handles(handles, n);
}

static int page_free(int argc, char **argv)
{
	bool all = argc == 1 && !strcmp(argv[0], "all");
	uint64_t *handles, freed;
	int i, ret = 1;

	if (argc < 1 || argc > SHADOWMM_PAGE_BATCH_MAX) {
		fprintf(stderr, "Error: usage: smmctl page free { HANDLE... | all } (at most %u)\n",
			SHADOWMM_PAGE_BATCH_MAX);
		return 1;
	}
	handles = calloc(argc, sizeof(*handles));
	if (!handles) {
		perror("Error: calloc");
		return 1;
	}
	for (i = 0; !all && i < argc; i++)
		if (smmctl_parse_u64(argv[i], "handle", &handles[i]))
			goto out_free;
	if (smmctl_connect())
		goto out_free;
	if (smmc_page_free(&smmctl_nl, handles, all ? 0 : argc, all, &freed)) {
		smmctl_error();
		goto out_free;
	}
	smmc_print_u64(SMMC_PRINT_ANY, "freed", "freed %" PRIu64 " frames\n", freed);
	ret = 0;

out_free:
	free(handles);
	return ret;
}

const struct smm_cmd smmctl_page_cmds[] = {
	SMM_CMD("alloc", page_alloc,
		"order N [ zone ZONE ] [ type TYPE ] [ count COUNT ] [ FLAG... ]",
		"allocate COUNT blocks of 2^N frames, print their handles"),
	SMM_CMD("free", page_free, "{ HANDLE... | all }",
		"free blocks by handle (all or none), or every netlink allocation"),
	SMM_CMD_END("ZONE := { DMA | DMA32 | Normal | HighMem }\n"
		    "TYPE := { Unmovable | Movable | Reclaimable }\n"
		    "FLAG := { dma | dma32 | movable | reclaimable | zero | high | reserve |\n"
		    "         atomic | noretry | highmem }\n"
		    "(highmem type Movable is GFP_HIGHUSER_MOVABLE: Movable, then HighMem ...)\n"),
};
