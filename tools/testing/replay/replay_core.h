/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The native replayer's shadow (replay_core.c): a core instance built
 * from the user's parameters, the replay's operations on it and its
 * fragmentation, in plain C types so that replay_native.c (the trace
 * reader's side, tools/lib) and the core's headers never meet in one
 * file.
 */
#ifndef _NRP_REPLAY_CORE_H
#define _NRP_REPLAY_CORE_H

#include <stdbool.h>
#include <stdint.h>

#define NRP_ORDERS	11		/* SMM_NR_ORDERS */
#define NRP_MTS		6		/* pageblock types: U, M, R, HighAtomic, CMA, Isolate */

struct nrp_params {
	uint64_t frames;		/* range size, in 4 KiB frames */
	unsigned int cpus;		/* CPU 0 replays; the others size pcp high */
	bool pcp;			/* per-CPU lists on */
	int64_t pcp_high, pcp_batch;	/* -1: the core's (zone_highsize(), zone_batchsize()) */
	int64_t boost_factor;		/* vm.watermark_boost_factor, -1: the default */
	uint64_t min_free_kbytes;	/* 0: derived as at boot */
	bool objects;			/* slab caches wanted (the range gets memory) */
	uint32_t kmalloc_policy;	/* the slab policy of the replay's caches */
	unsigned int fallback;		/* the core's fallback rules (nrp_fallback_name()) */
};

struct nrp_frag {
	uint64_t nr_free[NRP_ORDERS];	/* blocks per order on the buddy's free lists */
	uint64_t free_frames, pcp_frames;
	int unusable3, unusable9;	/* thousandths, as extfrag/unusable_index */
	int extfrag3, extfrag9;		/* thousandths, as extfrag/extfrag_index */
	uint64_t pageblocks, mixed;	/* pageblocks; those holding another type's pages */
	uint64_t by_mt[NRP_MTS];	/* pageblocks by type */
	uint64_t mt_fallback, mt_steal;	/* the zone's counters */
};

struct nrp;

/*
 * The pageblock order this binary's core was built with (9, or a
 * variant's -DSMM_PAGEBLOCK_ORDER); the fallback rules by name and
 * number (the core's enum smm_fallback_policy): NULL or -1 for none.
 */
unsigned int nrp_pageblock_order(void);
const char *nrp_fallback_name(unsigned int policy);
int nrp_fallback_by_name(const char *name);

int nrp_create(const struct nrp_params *p, struct nrp **out);
void nrp_destroy(struct nrp *n);
void nrp_frag(struct nrp *n, struct nrp_frag *f);

int nrp_page_alloc(void *ctx, uint32_t order, uint32_t gfp, uint32_t count, uint64_t *handles);
int nrp_page_free(void *ctx, const uint64_t *handles, uint32_t count);
int nrp_cache_create(void *ctx, const char *name, uint32_t size, uint32_t policy);
int nrp_obj_alloc(void *ctx, const char *cache, uint32_t count, uint64_t *handles);
int nrp_obj_free(void *ctx, const char *cache, const uint64_t *handles, uint32_t count);

#endif
