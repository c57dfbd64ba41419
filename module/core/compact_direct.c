// SPDX-License-Identifier: GPL-2.0
/*
 * Direct compaction (compaction.h), after Linux 6.1: mm/compaction.c's
 * defer_compaction(), compaction_deferred(), compaction_defer_reset()
 * and try_to_compact_pages(); mm/page_alloc.c's
 * __alloc_pages_direct_compact(), should_compact_retry() and the part of
 * __alloc_pages_slowpath() that calls them:
 *
 *   fast path, min watermark            (smm_alloc_pages(), -EAGAIN)
 *   costly order, or order > 0 and not movable:
 *       direct compaction at COMPACT_PRIO_ASYNC
 *   loop:
 *       direct reclaim, attempt          (smm_try_to_free_pages())
 *       direct compaction at compact_priority (SYNC_LIGHT at first)
 *       NORETRY or costly: give up       (no __GFP_RETRY_MAYFAIL here)
 *       should_reclaim_retry()           (smm_should_reclaim_retry())
 *       should_compact_retry()           (priority rises, retries)
 *   last attempt without reclaim, -ENOMEM (the caller may go OOM)
 *
 * Who may compact: migration reads and writes every space through the
 * rmap, so only a caller that holds the spaces' lock and has no space
 * half changed: smm_alloc_pages_oom() (the glue's PAGE_ALLOC, which
 * takes the lock for it). A fault holds the lock in the middle of
 * changing its space's tables; it allocates order 0, which never
 * compacts (as the kernel's __alloc_pages_direct_compact() returns at
 * once for order 0), and goes through smm_alloc_pages_reclaim(), which
 * does not compact at all.
 *
 * Locks: the spaces' lock held by the caller throughout; no CPU pinned
 * while reclaiming or compacting (the success path returns with the
 * block's CPU pinned, as smm_alloc_pages_reclaim()). The deferral state
 * (mm->compact_defer[]) is written under the spaces' lock.
 */
#include "compaction.h"
#include "mm_internal.h"
#include "vmscan.h"
#include "lru.h"

/* A hard bound on the slow path's loop (the kernel's has none; see below). */
#define SMM_COMPACT_SLOWPATH_LOOPS	64

#define smm_compact_count(mm, ev, n)	WRITE_ONCE((mm)->compact.ev, (mm)->compact.ev + (n))

/*
 * defer_compaction(): after a sync compaction of @order failed in
 * @zone, skip the next 1 << ++shift attempts (shift at most
 * COMPACT_MAX_DEFER_SHIFT), and remember the lowest order that failed.
 */
void smm_defer_compaction(struct smm_mm *mm, unsigned int zone, int order)
{
	struct smm_compact_defer *d = &mm->compact_defer[zone];

	WRITE_ONCE(d->considered, 0);
	WRITE_ONCE(d->defer_shift, min(d->defer_shift + 1, (unsigned int)SMM_COMPACT_MAX_DEFER_SHIFT));
	if (order < d->order_failed)
		WRITE_ONCE(d->order_failed, order);
}

/*
 * compaction_deferred(): true when this attempt at @order in @zone is
 * to be skipped: orders below the lowest that failed never are; else
 * each call counts one attempt considered, and the attempt goes ahead
 * once the count reaches 1 << shift (and stays there).
 */
bool smm_compaction_deferred(struct smm_mm *mm, unsigned int zone, int order)
{
	struct smm_compact_defer *d = &mm->compact_defer[zone];
	unsigned int limit = 1U << d->defer_shift;

	if (order < d->order_failed)
		return false;
	if (++d->considered >= limit) {
		WRITE_ONCE(d->considered, limit);
		return false;
	}
	return true;
}

/*
 * compaction_defer_reset(): compaction of @order succeeded in @zone
 * (@alloc_success: and the allocation after it too, which clears the
 * deferral); orders up to @order no longer count as failed.
 */
void smm_compaction_defer_reset(struct smm_mm *mm, unsigned int zone, int order,
				bool alloc_success)
{
	struct smm_compact_defer *d = &mm->compact_defer[zone];

	if (alloc_success) {
		WRITE_ONCE(d->considered, 0);
		WRITE_ONCE(d->defer_shift, 0);
	}
	if (order >= d->order_failed)
		WRITE_ONCE(d->order_failed, order + 1);
}

/* enum compact_result's order in the kernel, for try_to_compact_pages()'s max(). */
static int smm_compact_rank(enum smm_compact_result r)
{
	switch (r) {
	case SMM_COMPACT_SKIPPED:
		return 1;
	case SMM_COMPACT_DEFERRED:
		return 2;
	case SMM_COMPACT_CONTINUE:
		return 4;
	case SMM_COMPACT_COMPLETE:
		return 5;
	case SMM_COMPACT_PARTIAL_SKIPPED:
		return 6;
	case SMM_COMPACT_SUCCESS:
		return 8;
	}
	return 0;
}

/*
 * try_to_compact_pages(): each populated zone the request may use, from
 * its highest down (the zonelist's order): a deferred one skipped
 * (except at SYNC_FULL), the others compacted for @order until one
 * succeeds (its failed order reset); a sync run that completed without
 * success defers its zone. Returns the "highest" result, as the
 * kernel's max(). The spaces' lock held.
 */
enum smm_compact_result smm_try_to_compact_pages(struct smm_mm *mm, unsigned int order,
						 unsigned int gfp,
						 enum smm_compact_priority prio)
{
	enum smm_compact_result rc = SMM_COMPACT_SKIPPED, status;
	struct smm_compact_zone_res res;
	int zi;

	for (zi = smm_gfp_zone(gfp); zi >= 0; zi--) {
		if (!smm_zone_populated(&mm->zones[zi]))
			continue;
		if (prio > SMM_COMPACT_PRIO_SYNC_FULL && smm_compaction_deferred(mm, zi, order)) {
			if (smm_compact_rank(SMM_COMPACT_DEFERRED) > smm_compact_rank(rc))
				rc = SMM_COMPACT_DEFERRED;
			continue;
		}
		status = smm_compact_zone(mm, zi, order, &res) ? SMM_COMPACT_SKIPPED : res.result;
		if (smm_compact_rank(status) > smm_compact_rank(rc))
			rc = status;
		if (status == SMM_COMPACT_SUCCESS) {
			smm_compaction_defer_reset(mm, zi, order, false);
			break;
		}
		if (prio != SMM_COMPACT_PRIO_ASYNC &&
		    (status == SMM_COMPACT_COMPLETE || status == SMM_COMPACT_PARTIAL_SKIPPED))
			smm_defer_compaction(mm, zi, order);
	}
	return rc;
}

/*
 * One attempt at the min watermark: smm_alloc_pages() with the reclaim
 * flag, which returns -EAGAIN (nothing counted) where the slow path
 * would go on. 0 with *@cpu pinned, else the error with nothing pinned.
 */
static int smm_compact_try_alloc(struct smm_mm *mm, unsigned int order, unsigned int gfp,
				 unsigned int *cpu, u64 *idx)
{
	int ret;

	*cpu = smm_cpu_get();
	ret = smm_alloc_pages(mm, order, gfp | SMM_GFP_DIRECT_RECLAIM, *cpu, idx);
	if (ret)
		smm_cpu_put();
	return ret;
}

/*
 * __alloc_pages_direct_compact(): compact (@prio) and try the
 * allocation. Order 0 never compacts. A run skipped or deferred in every
 * zone counts nothing; any other counts compact_stall, then
 * compact_success with the zone's deferral cleared when the allocation
 * succeeds, compact_fail when it does not. Returns 0 with the block in
 * *@idx and *@cpu pinned, else -ENOMEM (-EINVAL for a bad request).
 * The result of the run in *@result. The spaces' lock held, no CPU.
 */
int smm_alloc_pages_direct_compact(struct smm_mm *mm, unsigned int order, unsigned int gfp,
				   enum smm_compact_priority prio,
				   enum smm_compact_result *result, unsigned int *cpu, u64 *idx)
{
	int ret;

	*result = SMM_COMPACT_SKIPPED;
	if (!order)
		return -ENOMEM;
	*result = smm_try_to_compact_pages(mm, order, gfp, prio);
	if (*result == SMM_COMPACT_SKIPPED || *result == SMM_COMPACT_DEFERRED)
		return -ENOMEM;
	smm_compact_count(mm, compact_stall, 1);
	ret = smm_compact_try_alloc(mm, order, gfp, cpu, idx);
	if (!ret) {
		smm_compaction_defer_reset(mm, smm_zone_of(mm, *idx), order, true);
		smm_compact_count(mm, compact_success, 1);
		return 0;
	}
	smm_compact_count(mm, compact_fail, 1);
	smm_cond_resched();
	return ret == -EINVAL ? ret : -ENOMEM;
}

/*
 * should_compact_retry(): after reclaim made progress, compact again?
 * A success that did not get the block counts a retry; a run that
 * completed (compaction_failed()) or was deferred (withdrawn) raises the
 * priority (down to SYNC_FULL, SYNC_LIGHT for a costly order) and resets
 * the retries; a skipped run (too few free pages) retries while
 * @zonelist_suitable (reclaim could give compaction its pages); else
 * retry while the retries are at most MAX_COMPACT_RETRIES (a quarter of
 * it for a costly order), then raise the priority once more.
 */
bool smm_should_compact_retry(unsigned int order, enum smm_compact_result result,
			      enum smm_compact_priority *prio, unsigned int *retries,
			      bool zonelist_suitable)
{
	unsigned int max_retries = SMM_MAX_COMPACT_RETRIES;
	enum smm_compact_priority min_prio;

	if (!order)
		return false;
	if (result == SMM_COMPACT_SUCCESS)
		(*retries)++;
	if (result == SMM_COMPACT_COMPLETE)
		goto check_priority;
	if (result == SMM_COMPACT_SKIPPED)
		return zonelist_suitable;
	if (result == SMM_COMPACT_DEFERRED || result == SMM_COMPACT_PARTIAL_SKIPPED)
		goto check_priority;
	if (order > SMM_PCP_MAX_ORDER)
		max_retries /= 4;
	if (*retries <= max_retries)
		return true;
check_priority:
	min_prio = order > SMM_PCP_MAX_ORDER ? SMM_COMPACT_PRIO_SYNC_LIGHT :
					       SMM_COMPACT_PRIO_SYNC_FULL;
	if (*prio > min_prio) {
		(*prio)--;
		*retries = 0;
		return true;
	}
	return false;
}

/*
 * compaction_zonelist_suitable(): would compaction have the free pages
 * it needs if reclaim freed every page on the zone's LRU lists? The
 * zone's free pages plus its LRU pages against the watermark
 * compaction_suitable() wants (min, low for a costly order, plus
 * compact_gap()).
 */
static bool smm_compaction_zonelist_suitable(struct smm_mm *mm, unsigned int order,
					     unsigned int gfp)
{
	int zi;

	for (zi = smm_gfp_zone(gfp); zi >= 0; zi--) {
		struct smm_zone *z = &mm->zones[zi];
		u64 avail, mark;
		unsigned int l;

		if (!smm_zone_populated(z))
			continue;
		avail = READ_ONCE(z->free);
		if (mm->lru_ready)
			for (l = 0; l < SMM_LRU_UNEVICTABLE; l++)
				avail += smm_lru_count(mm, zi, l);
		mark = smm_wmark_pages(z, order > SMM_PCP_MAX_ORDER ? SMM_WMARK_LOW : SMM_WMARK_MIN);
		if (avail >= mark + (2ULL << order))
			return true;
	}
	return false;
}

/*
 * The retry loop after the first attempts: reclaim, attempt, compact at
 * *@prio, then the retry decisions (see the top of the file). Returns
 * 0 with the block (CPU pinned) or -ENOMEM when the loop gives up.
 */
static int smm_compact_slowpath_loop(struct smm_mm *mm, unsigned int order, unsigned int gfp,
				     enum smm_compact_priority prio, unsigned int *cpu, u64 *idx)
{
	enum smm_compact_result cres;
	unsigned int loops, retries = 0, no_progress_loops = 0;
	bool costly = order > SMM_PCP_MAX_ORDER;
	u64 progress;
	int ret;

	for (loops = 0; loops < SMM_COMPACT_SLOWPATH_LOOPS; loops++) {
		progress = smm_try_to_free_pages(mm, order, gfp);
		if (mm->pcp_enabled)
			smm_drain_all_pcp(mm);
		ret = smm_compact_try_alloc(mm, order, gfp, cpu, idx);
		if (ret != -EAGAIN)
			return ret;
		ret = smm_alloc_pages_direct_compact(mm, order, gfp, prio, &cres, cpu, idx);
		if (ret != -ENOMEM)
			return ret;
		if ((gfp & SHADOWMM_GFP_NORETRY) || costly)
			break;
		if (smm_should_reclaim_retry(mm, order, gfp, progress, &no_progress_loops))
			continue;
		if (!progress ||
		    !smm_should_compact_retry(order, cres, &prio, &retries,
					      smm_compaction_zonelist_suitable(mm, order, gfp)))
			break;
	}
	return -ENOMEM;
}

/*
 * __alloc_pages_slowpath() with direct compaction, for a caller that
 * may compact (the top of the file): order 0 is
 * smm_alloc_pages_reclaim(); else the attempt, the first compaction
 * (ASYNC) for a costly order or a type other than movable, unless the
 * request may use the reserves; a costly NORETRY request gives up there
 * when compaction was skipped or deferred, else stays at ASYNC; then
 * the loop, then the last attempt without the reclaim flag (HighAtomic
 * given back, failure counted). Returns as smm_alloc_pages_reclaim().
 */
int smm_alloc_pages_compact(struct smm_mm *mm, unsigned int order, unsigned int gfp,
			    unsigned int *cpu, u64 *idx)
{
	enum smm_compact_priority prio = SMM_COMPACT_PRIO_SYNC_LIGHT;	/* DEF_COMPACT_PRIORITY */
	enum smm_compact_result cres;
	bool costly = order > SMM_PCP_MAX_ORDER;
	int ret;

	gfp |= SMM_GFP_DIRECT_RECLAIM;
	if (!order)
		return smm_alloc_pages_reclaim(mm, 0, gfp, cpu, idx);
	ret = smm_compact_try_alloc(mm, order, gfp, cpu, idx);
	if (ret != -EAGAIN)
		return ret;
	if ((costly || smm_gfp_mt(gfp) != SHADOWMM_MT_MOVABLE) && !(gfp & SHADOWMM_GFP_RESERVE)) {
		ret = smm_alloc_pages_direct_compact(mm, order, gfp, SMM_COMPACT_PRIO_ASYNC, &cres,
						     cpu, idx);
		if (ret != -ENOMEM)
			return ret;
		if (costly && (gfp & SHADOWMM_GFP_NORETRY)) {
			if (cres == SMM_COMPACT_SKIPPED || cres == SMM_COMPACT_DEFERRED)
				goto nopage;
			prio = SMM_COMPACT_PRIO_ASYNC;
		}
	}
	ret = smm_compact_slowpath_loop(mm, order, gfp, prio, cpu, idx);
	if (ret != -ENOMEM)
		return ret;
nopage:
	*cpu = smm_cpu_get();
	ret = smm_alloc_pages(mm, order, gfp & ~SMM_GFP_DIRECT_RECLAIM, *cpu, idx);
	if (ret)
		smm_cpu_put();
	return ret;
}
