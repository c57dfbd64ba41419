// SPDX-License-Identifier: GPL-2.0
/*
 * kcompactd's work and proactive compaction (compaction.h), after
 * mm/compaction.c of Linux 6.1: fragmentation_score_zone(), _node(),
 * fragmentation_score_wmark(), should_proactive_compact_node(),
 * proactive_compact_node(), kcompactd_node_suitable(),
 * wakeup_kcompactd() and kcompactd_do_work(). The thread, its sleeps and
 * timeouts are the glue's (module/kcompactd.c).
 *
 * The score of a zone is extfrag_for_order() at COMPACTION_HPAGE_ORDER
 * (the pageblock order, 9): the share, 0..100, of its free memory that
 * is not in free blocks of order 9 or more. The node's score is the
 * zones' weighted by their present pages (/ the node's + 1). Proactive
 * compaction starts when the node's score is above the high mark and
 * compacts each zone (whole, MIGRATE_SYNC_LIGHT) until its score is at
 * or below the low mark: low = max(100 - proactiveness, 5), high =
 * min(low + 10, 100).
 *
 * Locks: the scores read the free counts without the zone lock, as the
 * kernel does; everything that compacts runs with the spaces' lock held
 * by the caller (the glue's thread takes it).
 */
#include "compaction.h"
#include "mm_internal.h"

/* extfrag_for_order(): percent of free memory not in blocks of @order or more. */
static unsigned int smm_extfrag_for_order(const struct smm_zone *z, unsigned int order)
{
	u64 nr_free[SMM_NR_ORDERS];
	struct smm_frag f;

	smm_zone_nr_free(z, nr_free);
	smm_frag_info(nr_free, order, &f);
	if (!f.free_pages)
		return 0;
	return (f.free_pages - (f.free_blocks_suitable << order)) * 100 / f.free_pages;
}

/* fragmentation_score_zone(): 0 (none) .. 100 (no free block of pageblock order). */
unsigned int smm_fragmentation_score_zone(const struct smm_mm *mm, unsigned int zone)
{
	const struct smm_zone *z = &mm->zones[zone];

	if (!smm_zone_populated(z))
		return 0;
	return smm_extfrag_for_order(z, SMM_COMPACTION_HPAGE_ORDER);
}

/* fragmentation_score_node(): the zones' scores weighted by present pages. */
unsigned int smm_fragmentation_score_node(const struct smm_mm *mm)
{
	u64 node_present = 0, score = 0;
	unsigned int z;

	for (z = 0; z < SMM_NR_ZONES; z++)
		node_present += mm->zones[z].present;
	for (z = 0; z < SMM_NR_ZONES; z++)
		score += mm->zones[z].present * smm_fragmentation_score_zone(mm, z) /
			 (node_present + 1);
	return score;
}

/* fragmentation_score_wmark(): low = max(100 - proactiveness, 5), high = min(low + 10, 100). */
unsigned int smm_fragmentation_score_wmark(const struct smm_mm *mm, bool low)
{
	unsigned int p = READ_ONCE(mm->compaction_proactiveness);
	unsigned int wmark_low = max(100U - p, 5U);

	return low ? wmark_low : min(wmark_low + 10, 100U);
}

/* should_proactive_compact_node(): on, kshadowd not running, the score above high. */
bool smm_should_proactive_compact_node(const struct smm_mm *mm)
{
	if (!READ_ONCE(mm->compaction_proactiveness) || READ_ONCE(mm->kswapd_running))
		return false;
	return smm_fragmentation_score_node(mm) > smm_fragmentation_score_wmark(mm, false);
}

/*
 * proactive_compact_node(): each populated zone compacted proactively
 * (whole zone, until its score is at or below the low mark). Returns
 * whether the node's score went down (the glue defers the next check
 * when it did not). The spaces' lock held.
 */
bool smm_proactive_compact_node(struct smm_mm *mm)
{
	unsigned int prev = smm_fragmentation_score_node(mm), z;
	struct smm_compact_zone_res res;

	for (z = 0; z < SMM_NR_ZONES; z++) {
		if (!smm_zone_populated(&mm->zones[z]))
			continue;
		smm_compact_zone_mode(mm, z, -1, true, &res);
	}
	return smm_fragmentation_score_node(mm) < prev;
}

/*
 * kcompactd_node_suitable(): some populated zone up to @highest for
 * which compaction_suitable() says CONTINUE at @order.
 */
bool smm_kcompactd_node_suitable(struct smm_mm *mm, unsigned int order, unsigned int highest)
{
	unsigned int z;

	for (z = 0; z <= highest && z < SMM_NR_ZONES; z++)
		if (smm_zone_populated(&mm->zones[z]) &&
		    smm_compaction_suitable(mm, z, order) == SMM_COMPACT_CONTINUE)
			return true;
	return false;
}

/*
 * wakeup_kcompactd(), from kshadowd about to sleep after balancing for
 * @order: nothing for order 0 or without a thread; else the glue's
 * callback records the request and wakes the thread if the node is
 * suitable (the callback must not sleep: see mm->wake_kcompactd).
 */
void smm_wakeup_kcompactd(struct smm_mm *mm, unsigned int order, unsigned int highest)
{
	void (*wake)(struct smm_mm *mm, unsigned int order, unsigned int highest);

	wake = READ_ONCE(mm->wake_kcompactd);
	if (!order || !wake || !smm_kcompactd_node_suitable(mm, order, highest))
		return;
	wake(mm, order, highest);
}

/*
 * kcompactd_do_work(): one compact_daemon_wake; each populated zone up
 * to @highest not deferred and suitable compacted for @order
 * (MIGRATE_SYNC_LIGHT); success resets its failed order, a completed run
 * drains the lists and defers the zone, as sync direct compaction does.
 * @should_stop (kthread_should_stop) ends it between zones. The spaces'
 * lock held.
 */
void smm_kcompactd_do_work(struct smm_mm *mm, unsigned int order, unsigned int highest,
			   bool (*should_stop)(void))
{
	struct smm_compact_zone_res res;
	unsigned int z;

	WRITE_ONCE(mm->compact.compact_daemon_wake, mm->compact.compact_daemon_wake + 1);
	for (z = 0; z <= highest && z < SMM_NR_ZONES; z++) {
		if (!smm_zone_populated(&mm->zones[z]))
			continue;
		if (smm_compaction_deferred(mm, z, order))
			continue;
		if (smm_compaction_suitable(mm, z, order) != SMM_COMPACT_CONTINUE)
			continue;
		if (should_stop && should_stop())
			return;
		if (smm_compact_zone(mm, z, order, &res))
			continue;
		if (res.result == SMM_COMPACT_SUCCESS) {
			smm_compaction_defer_reset(mm, z, order, false);
		} else if (res.result == SMM_COMPACT_COMPLETE) {
			smm_drain_all_pcp(mm);
			smm_defer_compaction(mm, z, order);
		}
	}
}

/* vm.compaction_proactiveness's range: 0 to 100. */
int smm_check_compaction_proactiveness(unsigned int v, const char **why)
{
	if (v > SMM_COMPACTION_PROACTIVENESS_MAX) {
		*why = "compaction_proactiveness is out of range (0 to 100)";
		return -EINVAL;
	}
	return 0;
}

/*
 * vm.compaction_proactiveness at run time: one store; a value other
 * than 0 also triggers kcompactd's proactive check at once
 * (compaction_proactiveness_sysctl_handler()'s proactive_compact_trigger),
 * through the glue's callback with order 0.
 */
int smm_set_compaction_proactiveness(struct smm_mm *mm, unsigned int v, const char **why)
{
	void (*wake)(struct smm_mm *mm, unsigned int order, unsigned int highest);
	int ret = smm_check_compaction_proactiveness(v, why);

	if (ret)
		return ret;
	WRITE_ONCE(mm->compaction_proactiveness, v);
	wake = READ_ONCE(mm->wake_kcompactd);
	if (v && wake)
		wake(mm, 0, 0);
	return 0;
}
