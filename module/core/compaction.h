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
 * is_via_compact_memory()); a proactive run (smm_compact_zone_mode())
 * compacts the whole zone until its fragmentation score is at or below
 * the low mark (compact_proactive.c). An order N first asks compaction_suitable():
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
	/* internal, never replied: */
	SMM_COMPACT_DEFERRED = 16,	/* compaction_deferred(): not tried */
	SMM_COMPACT_PARTIAL_SKIPPED,	/* a proactive run gave way to kshadowd */
};

/*
 * enum compact_priority: how hard direct compaction tries. The shadow
 * scans alike at every priority (compaction.c's one mode); the
 * priority decides deferral as the kernel's does: ASYNC neither looks
 * at nor causes deferral, the lower ones (sync) skip a deferred zone
 * (except SYNC_FULL) and defer it when they fail.
 */
enum smm_compact_priority {
	SMM_COMPACT_PRIO_SYNC_FULL,	/* MIN_COMPACT_PRIORITY */
	SMM_COMPACT_PRIO_SYNC_LIGHT,	/* MIN_COMPACT_COSTLY_PRIORITY, DEF_COMPACT_PRIORITY */
	SMM_COMPACT_PRIO_ASYNC,		/* INIT_COMPACT_PRIORITY */
};

#define SMM_COMPACT_MAX_DEFER_SHIFT	6	/* COMPACT_MAX_DEFER_SHIFT */
#define SMM_MAX_COMPACT_RETRIES		16	/* MAX_COMPACT_RETRIES */
#define SMM_COMPACTION_HPAGE_ORDER	SMM_PAGEBLOCK_ORDER	/* COMPACTION_HPAGE_ORDER */
#define SMM_FRAG_CHECK_INTERVAL_MSEC	500	/* HPAGE_FRAG_CHECK_INTERVAL_MSEC */

/* What a run did in one zone. */
struct smm_compact_zone_res {
	enum smm_compact_result result;
	u64 migrated, failed;		/* pages moved, pages that could not */
	u64 migrate_scanned, free_scanned;
	u64 isolated;			/* pages isolated by both scanners */
	u64 pinned;			/* pinned pages the migrate scanner skipped (pin.h) */
};

const char *smm_compact_result_name(enum smm_compact_result r);
void smm_compact_scan_snapshot(const struct smm_mm *mm, unsigned int zone,
			       struct smm_compact_scan *out);
enum smm_compact_result smm_compaction_suitable(struct smm_mm *mm, unsigned int zone, int order);
int smm_check_extfrag_threshold(unsigned int threshold, const char **why);
int smm_set_extfrag_threshold(struct smm_mm *mm, unsigned int threshold);
int smm_compact_zone(struct smm_mm *mm, unsigned int zone, int order,
		     struct smm_compact_zone_res *res);
int smm_compact_zone_mode(struct smm_mm *mm, unsigned int zone, int order, bool proactive,
			  struct smm_compact_zone_res *res);

/*
 * compact_direct.c: deferral, try_to_compact_pages(),
 * __alloc_pages_direct_compact(), should_compact_retry() and the slow
 * path with them (Documentation/compaction.md, Direct compaction).
 * Only a caller holding the spaces' lock with no space half changed may
 * compact: smm_alloc_pages_oom() (the glue's PAGE_ALLOC); the fault
 * path allocates order 0, which never compacts.
 */
void smm_defer_compaction(struct smm_mm *mm, unsigned int zone, int order);
bool smm_compaction_deferred(struct smm_mm *mm, unsigned int zone, int order);
void smm_compaction_defer_reset(struct smm_mm *mm, unsigned int zone, int order,
				bool alloc_success);
enum smm_compact_result smm_try_to_compact_pages(struct smm_mm *mm, unsigned int order,
						 unsigned int gfp,
						 enum smm_compact_priority prio);
int smm_alloc_pages_direct_compact(struct smm_mm *mm, unsigned int order, unsigned int gfp,
				   enum smm_compact_priority prio,
				   enum smm_compact_result *result, unsigned int *cpu, u64 *idx);
bool smm_should_compact_retry(unsigned int order, enum smm_compact_result result,
			      enum smm_compact_priority *prio, unsigned int *retries,
			      bool zonelist_suitable);
int smm_alloc_pages_compact(struct smm_mm *mm, unsigned int order, unsigned int gfp,
			    unsigned int *cpu, u64 *idx);

/*
 * kcompactd_core.c: the fragmentation score, proactive compaction and
 * kcompactd's work, for the glue's thread (module/kcompactd.c). Each
 * call that compacts wants the spaces' lock held.
 */
unsigned int smm_fragmentation_score_zone(const struct smm_mm *mm, unsigned int zone);
unsigned int smm_fragmentation_score_node(const struct smm_mm *mm);
unsigned int smm_fragmentation_score_wmark(const struct smm_mm *mm, bool low);
bool smm_should_proactive_compact_node(const struct smm_mm *mm);
bool smm_proactive_compact_node(struct smm_mm *mm);
bool smm_kcompactd_node_suitable(struct smm_mm *mm, unsigned int order, unsigned int highest);
void smm_wakeup_kcompactd(struct smm_mm *mm, unsigned int order, unsigned int highest);
void smm_kcompactd_do_work(struct smm_mm *mm, unsigned int order, unsigned int highest,
			   bool (*should_stop)(void));
int smm_check_compaction_proactiveness(unsigned int v, const char **why);
int smm_set_compaction_proactiveness(struct smm_mm *mm, unsigned int v, const char **why);

#endif /* _SMM_CORE_COMPACTION_H */
