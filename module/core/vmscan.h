/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reclaim that runs (vmscan.c), after mm/vmscan.c of Linux 6.1 without
 * MGLRU: the scan of the node's lists (smm_shrink_node(): the shadow
 * has one node, whose lruvec is kept per zone), direct reclaim
 * (smm_try_to_free_pages(), reached from smm_alloc_pages_reclaim()),
 * kshadowd's work (smm_balance_pgdat(), the kernel's balance_pgdat(),
 * for the glue's kthread in module/kshadowd.c) and proactive reclaim
 * (smm_proactive_reclaim(), memory.reclaim's).
 *
 * A pass is sized by priority as get_scan_count() sizes it: each list's
 * length >> priority, DEF_PRIORITY (12) down to 0, split between anon
 * and file as vmscan.c's smm_get_scan_count() says (SCAN_ANON with no
 * page-cache page, SCAN_FILE without a free swap slot, else swappiness
 * against 200 - swappiness). The pageout of an anon page is swap-out of
 * its record's (space, va) (smm_swap_out_page()); of a page-cache page
 * its drop from the cache (smm_filemap_reclaim(): always clean).
 *
 * Who counts what, as 6.1 counts it: kshadowd's scans in pgscan_kswapd
 * and pgsteal_kswapd, direct reclaim's in pgscan_direct and
 * pgsteal_direct plus one allocstall_<zone> per smm_try_to_free_pages()
 * (the request's highest zone), proactive reclaim in neither
 * (memory.reclaim is cgroup reclaim: only pgscan_anon and pgsteal_anon,
 * which lru.c counts for every scan).
 *
 * Lock order (outermost first):
 *   the glue's spaces' lock (smm_space_lock_all(), a mutex over all spaces)
 *     a zone's lru_lock (lru.c)
 *       the LRU pool lock (lru.c)
 *   the buddy's pcp and zone locks, taken with no lru lock held.
 * Every function below that scans runs with the spaces' lock held, and
 * with no CPU pinned (smm_cpu_get()): the reverse map (record -> space)
 * and swap-out read and write the spaces, and the scans cond_resched().
 * smm_wakeup_kshadowd() is the exception: the allocation path calls it
 * with or without the spaces' lock, and the glue's callback only sets a
 * flag and wakes a waitqueue (it neither sleeps nor takes that lock).
 */
#ifndef _SMM_CORE_VMSCAN_H
#define _SMM_CORE_VMSCAN_H

#include "mm.h"

#define SMM_DEF_PRIORITY	12	/* DEF_PRIORITY */
#define SMM_MAX_RECLAIM_RETRIES	16	/* MAX_RECLAIM_RETRIES */
#define SMM_SWAPPINESS_DEFAULT	60	/* vm.swappiness */
#define SMM_SWAPPINESS_MAX	200	/* its sysctl's range is 0..200 */

enum smm_reclaim_kind {
	SMM_RECLAIM_KSWAPD,		/* kshadowd: balance_pgdat() */
	SMM_RECLAIM_DIRECT,		/* an allocation: try_to_free_pages() */
	SMM_RECLAIM_PROACTIVE,		/* RECLAIM command: memory.reclaim */
};

/* struct scan_control, what the shadow uses of it */
struct smm_scan_control {
	u64 nr_to_reclaim;		/* a pass stops once this many were reclaimed */
	int priority;			/* scan = list size >> priority */
	unsigned int reclaim_idx;	/* highest zone whose lists are scanned */
	unsigned int order;		/* the request's (kswapd: the waker's) */
	enum smm_reclaim_kind kind;
	bool may_swap;			/* false: no anon page is scanned */
	u64 nr_scanned;			/* inactive pages looked at */
	u64 nr_reclaimed;		/* of which freed */
	u64 nr_refused;			/* of which swap-out refused (activated) */
};

/* What one smm_balance_pgdat() did. */
struct smm_balance_result {
	u64 nr_reclaimed;
	u64 nr_scanned;
	int priority;			/* the last pass's, SMM_DEF_PRIORITY if none */
	u64 passes;			/* shrink_node() passes */
	bool balanced;			/* pgdat_balanced() at the end */
};

/* One pass over the lists of the zones up to sc->reclaim_idx. */
void smm_shrink_node(struct smm_mm *mm, struct smm_scan_control *sc);

/* Direct reclaim for a request of @order and @gfp: pages reclaimed. */
u64 smm_try_to_free_pages(struct smm_mm *mm, unsigned int order, unsigned int gfp);

/*
 * zone_reclaimable_pages(): zone @zi's file LRU pages, its anon ones
 * only with a free swap slot; its free pages when that is none.
 * Lockless reads: an estimate.
 */
u64 smm_zone_reclaimable_pages(struct smm_mm *mm, unsigned int zi);

/*
 * pgdat_balanced(): some zone up to @highest passes its high watermark
 * (boost included) for @order with the lowmem reserve for @highest; true
 * too when no zone up to @highest is managed. Reads without locks.
 */
bool smm_pgdat_balanced(struct smm_mm *mm, unsigned int order, unsigned int highest);

/* kshadowd's work: balance_pgdat() for (@order, @highest). */
void smm_balance_pgdat(struct smm_mm *mm, unsigned int order, unsigned int highest,
		       struct smm_balance_result *res);

/* memory.reclaim: 0, or -EAGAIN when 16 more rounds reclaimed nothing. */
int smm_proactive_reclaim(struct smm_mm *mm, u64 pages, u64 *reclaimed);

/*
 * wakeup_kswapd(): the allocation path's call when a zone is below its
 * low watermark; calls mm->wake_kswapd unless the node is hopeless or
 * balanced. Needs no lock.
 */
void smm_wakeup_kshadowd(struct smm_mm *mm, unsigned int order, unsigned int highest);

/*
 * kswapd_try_to_sleep()'s two counters: kshadowd was woken again during
 * its short sleep (@low: kswapd_low_wmark_hit_quickly) or found the node
 * unbalanced after it (kswapd_high_wmark_hit_quickly). The spaces' lock held.
 */
void smm_kshadowd_hit_quickly(struct smm_mm *mm, bool low);

/* vm.swappiness, 0..200: -EINVAL beyond (the reason in @why for _check) */
int smm_check_swappiness(unsigned int swappiness, const char **why);
int smm_set_swappiness(struct smm_mm *mm, unsigned int swappiness, const char **why);

#endif /* _SMM_CORE_VMSCAN_H */
