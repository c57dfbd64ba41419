/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Memory compaction on demand (compaction.c), after mm/compaction.c of
 * Linux 6.1: per zone, a migrate scanner from the zone's start and a
 * free scanner from its end, pageblock by pageblock, until they meet or
 * a free block of the requested order exists; what the first isolates
 * (anonymous pages on the LRU, migrate.h) moves into what the second
 * isolates (free pages of movable pageblocks near the zone's end).
 *
 * Order -1 compacts the whole zone (echo 1 > /proc/sys/vm/compact_memory,
 * is_via_compact_memory()). An order N first asks compaction_suitable():
 * skipped when the zone has the block already, lacks the free memory to
 * compact into (min or low watermark plus compact_gap(), 2 << N), or
 * when N > PAGE_ALLOC_COSTLY_ORDER and the fragmentation index says a
 * failure would be for lack of memory (0 .. vm.extfrag_threshold, 500 by
 * default, 0 to 1000 at run time: smm_set_extfrag_threshold()).
 *
 * Locking: the caller holds the spaces' lock (migration reads and writes
 * the spaces through the rmap); the zone, pcp and lru locks are taken
 * inside, one at a time, never across a batch; between batches of
 * SMM_COMPACT_CLUSTER_MAX pages the work cond_resched()s.
 */
#ifndef _SMM_CORE_COMPACTION_H
#define _SMM_CORE_COMPACTION_H

#include "mm.h"

#define SMM_COMPACT_CLUSTER_MAX	32	/* COMPACT_CLUSTER_MAX: pages per batch */

/* enum compact_result, the values a run reports (the kernel has more), the uapi's */
enum smm_compact_result {
	SMM_COMPACT_SKIPPED = SHADOWMM_COMPACT_SKIPPED,		/* not suitable: nothing done */
	SMM_COMPACT_CONTINUE = SHADOWMM_COMPACT_CONTINUE,	/* internal: go on */
	SMM_COMPACT_COMPLETE = SHADOWMM_COMPACT_COMPLETE,	/* the scanners met */
	SMM_COMPACT_SUCCESS = SHADOWMM_COMPACT_SUCCESS,		/* a block of the order is free */
};

/* What a run did in one zone. */
struct smm_compact_zone_res {
	enum smm_compact_result result;
	u64 migrated, failed;		/* pages moved, pages that could not */
	u64 migrate_scanned, free_scanned;
	u64 isolated;			/* pages isolated by both scanners */
};

const char *smm_compact_result_name(enum smm_compact_result r);
enum smm_compact_result smm_compaction_suitable(struct smm_mm *mm, unsigned int zone, int order);
int smm_check_extfrag_threshold(unsigned int threshold, const char **why);
int smm_set_extfrag_threshold(struct smm_mm *mm, unsigned int threshold);
int smm_compact_zone(struct smm_mm *mm, unsigned int zone, int order,
		     struct smm_compact_zone_res *res);

#endif /* _SMM_CORE_COMPACTION_H */
