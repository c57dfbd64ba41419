// SPDX-License-Identifier: GPL-2.0
/*
 * Reclaim that runs, after mm/vmscan.c of Linux 6.1 without MGLRU
 * (vmscan.h): shrink_node() over the zones' anon lists with swap-out
 * as the pageout, direct reclaim, balance_pgdat() for kshadowd and
 * memory.reclaim's proactive reclaim. The lists' aging and scanning
 * themselves are lru.c's. Every function here that scans holds (its
 * caller holds) the spaces' lock.
 */
#include "mm_internal.h"
#include "vmscan.h"
#include "swap.h"
#include "space.h"
#include "shrinker.h"
#include "lru.h"
#include "filemap.h"
#include "trace_hooks.h"

#define smm_reclaim_add(mm, ev, n) \
	WRITE_ONCE((mm)->reclaim.ev, (mm)->reclaim.ev + (n))

/*
 * The pageout of a scan: swap-out of the record's page (swap.c), or,
 * for a page no space maps (@s NULL), its drop from its cache: a
 * page-cache page (on a file list) from the page cache (filemap.c,
 * always clean), a page of the swap cache (read ahead and never
 * faulted on) from the swap cache; @priv is the scan
 * control, which counts the pages swap-out refused (they are
 * activated, as after a failed add_to_swap()).
 */
static int smm_vmscan_pageout(void *priv, struct smm_mm *mm, struct smm_space *s, u64 va,
			      u64 frame)
{
	struct smm_scan_control *sc = priv;
	const char *why;
	int ret;

	if (!s) {
		const struct smm_lru_rec *x = smm_lru_rec_of(mm, frame);

		if (x && smm_lru_is_file(x->flags))
			ret = smm_filemap_reclaim(mm, frame);
		else
			ret = smm_swap_cache_reclaim(mm, frame, &why);
		goto out;
	}
	/* the rmap names a page of the space (CHECK holds it so) */
	if (WARN_ON_ONCE(smm_frame_type(&s->mm->frames[frame]) != SMM_FRAME_SPACE))
		return -EINVAL;
	ret = smm_swap_out_page(s, va, &why);
out:
	if (ret)
		sc->nr_refused++;
	return ret;
}

/*
 * can_reclaim_anon_pages(): a free swap slot. Without one,
 * get_scan_count() scans no anon list at all (SCAN_FILE), and here
 * there is no other list.
 */
static bool smm_can_reclaim_anon(const struct smm_mm *mm)
{
	const struct smm_swap *sw = mm->swap;

	return sw && sw->inuse < smm_swap_size(sw);
}

/*
 * zone_reclaimable_pages(): the pages of zone @zi's file lists, and of
 * its anon lists when a swap slot is free (can_reclaim_anon_pages());
 * when that is none, the zone's free pages, as the 6.1 and 6.12 sources
 * built here count them (the stable fix "account for free pages to
 * prevent infinite Loop in throttle_direct_reclaim()"). The isolated
 * pages are not counted, as in the kernel. Lockless reads of the
 * counters: an estimate for the retry decisions
 * (smm_should_reclaim_retry()). The spaces' lock held (the swap area).
 */
u64 smm_zone_reclaimable_pages(struct smm_mm *mm, unsigned int zi)
{
	u64 nr = 0;

	if (mm->lru_ready) {
		nr = smm_lru_count(mm, zi, SMM_LRU_INACTIVE_FILE) +
		     smm_lru_count(mm, zi, SMM_LRU_ACTIVE_FILE);
		if (smm_can_reclaim_anon(mm))
			nr += smm_lru_count(mm, zi, SMM_LRU_INACTIVE_ANON) +
			      smm_lru_count(mm, zi, SMM_LRU_ACTIVE_ANON);
	}
	if (!nr)
		nr = READ_ONCE(mm->zones[zi].free);
	return nr;
}

/* The kind's pgscan_/pgsteal_ pair; proactive (cgroup) reclaim counts in neither. */
static void smm_vmscan_count(struct smm_mm *mm, enum smm_reclaim_kind kind,
			     u64 scanned, u64 reclaimed)
{
	if (kind == SMM_RECLAIM_KSWAPD) {
		smm_reclaim_add(mm, pgscan_kswapd, scanned);
		smm_reclaim_add(mm, pgsteal_kswapd, reclaimed);
	} else if (kind == SMM_RECLAIM_DIRECT) {
		smm_reclaim_add(mm, pgscan_direct, scanned);
		smm_reclaim_add(mm, pgsteal_direct, reclaimed);
	}
}

/*
 * shrink_lruvec() for zone @zi's anon lists: each list's size >>
 * priority to scan (get_scan_count() with SCAN_ANON: no file pages),
 * taken in batches of SWAP_CLUSTER_MAX in the kernel's list order,
 * inactive then active; the active list is aged only when the inactive
 * one is low at the start (prepare_scan_count()'s may_deactivate). The
 * pass stops once it reclaimed sc->nr_to_reclaim (the kernel then also
 * rescales the other lists' goals: with one list there is none). After
 * the pass the active list is aged once more if the inactive list is
 * still low, as shrink_lruvec() ends.
 */
/*
 * get_scan_count()'s split between anon and file for zone @zi, as
 * fractions @fraction[0] (anon), @fraction[1] (file) of @denominator:
 *  - no anon scan allowed (no free swap slot, !may_swap): SCAN_FILE;
 *  - no file page in the zone: SCAN_ANON (the list the kernel's
 *    file_is_tiny case falls back to; with no page cache this is the
 *    rule the anon-only reclaim always had);
 *  - priority 0 with swappiness: SCAN_EQUAL;
 *  - else SCAN_FRACT with swappiness and 200 - swappiness, the costs of
 *    the two kinds taken as equal (the kernel weighs them by
 *    lru_note_cost()'s recent rotations and refaults, which the shadow
 *    does not track yet). swappiness 0 scans no anon page.
 */
static void smm_get_scan_count(struct smm_mm *mm, unsigned int zi, struct smm_scan_control *sc,
			       bool anon_ok, u64 fraction[2], u64 *denominator)
{
	unsigned int swappiness = READ_ONCE(mm->swappiness);
	u64 file = smm_lru_count(mm, zi, SMM_LRU_INACTIVE_FILE) +
		   smm_lru_count(mm, zi, SMM_LRU_ACTIVE_FILE);

	*denominator = 1;
	fraction[0] = anon_ok;
	fraction[1] = !anon_ok;
	if (!anon_ok || !file)
		return;
	if (!sc->priority && swappiness) {
		fraction[0] = fraction[1] = 1;
		return;
	}
	fraction[0] = swappiness;
	fraction[1] = SMM_SWAPPINESS_MAX - swappiness;
	*denominator = SMM_SWAPPINESS_MAX;
}

/* One inactive step of @file's kind: counted in the scan control and the events. */
static u64 smm_shrink_inactive_step(struct smm_mm *mm, unsigned int zi, bool file, u64 n,
				    struct smm_scan_control *sc)
{
	struct smm_lru_scan res;

	if (file)
		smm_shrink_inactive_file(mm, zi, n, smm_vmscan_pageout, sc, &res);
	else
		smm_shrink_inactive_list(mm, zi, n, smm_vmscan_pageout, sc, &res);
	smm_trace_lru_shrink_inactive(file, &res, sc->priority);
	sc->nr_scanned += res.scanned;
	sc->nr_reclaimed += res.reclaimed;
	smm_vmscan_count(mm, sc->kind, res.scanned, res.reclaimed);
	return res.reclaimed;
}

/*
 * shrink_lruvec() for zone @zi: each list's size >> priority, times its
 * kind's fraction (smm_get_scan_count()), scanned in batches of
 * SWAP_CLUSTER_MAX in the kernel's list order: the anon lists' step
 * (inactive, then the active list if the inactive one was low at the
 * start: prepare_scan_count()'s may_deactivate), then the file lists'
 * step likewise. The pass stops once it reclaimed sc->nr_to_reclaim
 * (the kernel then rescales the other lists' goals, which is not
 * copied). After the pass each kind's active list is aged once more if
 * its inactive list is still low (for anon only when anon may be
 * scanned), as shrink_lruvec() ends. With no file page and anon
 * allowed this is step for step the anon-only pass it replaced.
 */
static void smm_shrink_lruvec(struct smm_mm *mm, unsigned int zi, struct smm_scan_control *sc,
			      bool anon_ok)
{
	u64 fraction[2], denom, nr[SMM_NR_LRU_LISTS] = { 0 }, reclaimed = 0;
	bool deactivate[2] = { smm_inactive_is_low(mm, zi), smm_inactive_file_is_low(mm, zi) };
	unsigned int lru;

	smm_get_scan_count(mm, zi, sc, anon_ok, fraction, &denom);
	for (lru = SMM_LRU_INACTIVE_ANON; lru <= SMM_LRU_ACTIVE_FILE; lru++)
		nr[lru] = (smm_lru_count(mm, zi, lru) >> sc->priority) *
			  fraction[lru >= SMM_LRU_INACTIVE_FILE] / denom;

	/* shrink_lruvec()'s loop condition: the active anon list alone does not keep it going */
	while (nr[SMM_LRU_INACTIVE_ANON] || nr[SMM_LRU_ACTIVE_FILE] || nr[SMM_LRU_INACTIVE_FILE]) {
		for (lru = SMM_LRU_INACTIVE_ANON; lru <= SMM_LRU_INACTIVE_FILE; lru += 2) {
			bool file = lru == SMM_LRU_INACTIVE_FILE;
			u64 n = min(nr[lru], (u64)SMM_SWAP_CLUSTER_MAX);

			if (n) {
				nr[lru] -= n;
				reclaimed += smm_shrink_inactive_step(mm, zi, file, n, sc);
			}
			if (!deactivate[file]) {
				nr[lru + 1] = 0;	/* not scanned at all this pass */
			} else if (nr[lru + 1]) {
				n = min(nr[lru + 1], (u64)SMM_SWAP_CLUSTER_MAX);
				nr[lru + 1] -= n;
				if (file)
					smm_shrink_active_file(mm, zi, n);
				else
					smm_shrink_active_list(mm, zi, n);
			}
		}
		if (reclaimed >= sc->nr_to_reclaim)
			break;
	}
	if (anon_ok && smm_inactive_is_low(mm, zi))
		smm_shrink_active_list(mm, zi, SMM_SWAP_CLUSTER_MAX);
	if (smm_inactive_file_is_low(mm, zi))
		smm_shrink_active_file(mm, zi, SMM_SWAP_CLUSTER_MAX);
}

/*
 * shrink_node_memcgs()'s shrink_slab() call and shrink_node()'s
 * reclaim_state: every shrinker at sc->priority, the objects scanned
 * counted in slabs_scanned, the slab frames given back to the buddy
 * added to sc->nr_reclaimed (reclaimed_slab). The kernel calls it for
 * every kind of reclaim after the lists, whatever may_swap says; so
 * does this. Shrinkers free whole objects, not pages of the zones up
 * to reclaim_idx only: a slab freed is counted whatever its zone, as
 * the kernel counts reclaimed_slab. The spaces' lock held; takes the
 * shrinkers' registry mutex (shrinker.h).
 */
static void smm_shrink_slab_pass(struct smm_mm *mm, struct smm_scan_control *sc)
{
	u64 scanned, pages;

	if (!mm->shrinkers)
		return;
	smm_shrink_slab(mm->shrinkers, sc->priority, &scanned, &pages);
	smm_reclaim_add(mm, slabs_scanned, scanned);
	sc->nr_reclaimed += pages;
}

/*
 * shrink_node(): one pass over the lists of every zone up to
 * sc->reclaim_idx (the kernel's node lists hold the pages of all its
 * zones and skip those above reclaim_idx; the shadow keeps a list per
 * zone, so the pass visits the eligible zones, lowest first, and ends
 * once sc->nr_to_reclaim is reached). Without a free swap slot, or
 * without may_swap, no anon page is scanned: no active aging either,
 * as can_age_anon_pages() says. Then the shrinkers, whatever the lists
 * did (smm_shrink_slab_pass()). A pass that reclaimed resets
 * kswapd_failures, as in the kernel. The spaces' lock held.
 */
void smm_shrink_node(struct smm_mm *mm, struct smm_scan_control *sc)
{
	bool anon_ok = sc->may_swap && smm_can_reclaim_anon(mm);
	u64 before = sc->nr_reclaimed;
	unsigned int zi;

	if ((!anon_ok && !READ_ONCE(mm->nr_file_pages)) || !mm->lru_ready)
		goto shrink_slab;
	for (zi = 0; zi <= sc->reclaim_idx && zi < SMM_NR_ZONES; zi++) {
		if (!smm_zone_populated(&mm->zones[zi]))
			continue;
		smm_shrink_lruvec(mm, zi, sc, anon_ok);
		if (sc->nr_reclaimed - before >= sc->nr_to_reclaim)
			break;
	}
shrink_slab:
	smm_shrink_slab_pass(mm, sc);
	if (sc->nr_reclaimed != before)
		WRITE_ONCE(mm->kswapd_failures, 0);
}

/* The highest populated zone a request of @gfp may use, or 0. */
static unsigned int smm_reclaim_idx(const struct smm_mm *mm, unsigned int gfp)
{
	int zi;

	for (zi = smm_gfp_zone(gfp); zi > 0; zi--)
		if (smm_zone_populated(&mm->zones[zi]))
			break;
	return zi;
}

/*
 * try_to_free_pages() and do_try_to_free_pages(): SWAP_CLUSTER_MAX
 * pages wanted, one allocstall for the request's zone, passes of
 * shrink_node() from DEF_PRIORITY down to 0 until enough came back.
 * Returns the pages reclaimed. The spaces' lock held.
 */
u64 smm_try_to_free_pages(struct smm_mm *mm, unsigned int order, unsigned int gfp)
{
	struct smm_scan_control sc = {
		.nr_to_reclaim = SMM_SWAP_CLUSTER_MAX,
		.reclaim_idx = smm_reclaim_idx(mm, gfp),
		.order = order,
		.kind = SMM_RECLAIM_DIRECT,
		.may_swap = true,
	};

	smm_reclaim_add(mm, allocstall[sc.reclaim_idx], 1);
	for (sc.priority = SMM_DEF_PRIORITY; sc.priority >= 0; sc.priority--) {
		sc.nr_scanned = 0;
		smm_shrink_node(mm, &sc);
		if (sc.nr_reclaimed >= sc.nr_to_reclaim)
			break;
	}
	return sc.nr_reclaimed;
}

bool smm_pgdat_balanced(struct smm_mm *mm, unsigned int order, unsigned int highest)
{
	bool managed = false;
	unsigned int zi;

	for (zi = 0; zi <= highest && zi < SMM_NR_ZONES; zi++) {
		const struct smm_zone *z = &mm->zones[zi];

		if (!smm_zone_populated(z))
			continue;
		managed = true;
		if (smm_zone_watermark_ok(z, order, smm_wmark_pages(z, SMM_WMARK_HIGH), highest, 0))
			return true;
	}
	return !managed;
}

/* pgdat_watermark_boosted(): a zone up to @highest has a boost. */
static u64 smm_boost_pages(const struct smm_mm *mm, unsigned int highest)
{
	u64 boost = 0;
	unsigned int zi;

	for (zi = 0; zi <= highest && zi < SMM_NR_ZONES; zi++)
		boost += READ_ONCE(mm->zones[zi].watermark_boost);
	return boost;
}

/*
 * A run's result into kshadowd's record (struct smm_kswapd_runs), what
 * the kernel's mm_vmscan_kswapd_sleep tracepoint lets one follow. The
 * spaces' lock held.
 */
static void smm_kswapd_runs_add(struct smm_kswapd_runs *k, const struct smm_balance_result *res)
{
	WRITE_ONCE(k->runs, k->runs + 1);
	WRITE_ONCE(k->balanced, k->balanced + res->balanced);
	WRITE_ONCE(k->passes, k->passes + res->passes);
	WRITE_ONCE(k->passes_max, max(k->passes_max, res->passes));
	WRITE_ONCE(k->unbalanced_passes, k->unbalanced_passes + res->passes);
	if (res->balanced) {
		WRITE_ONCE(k->passes_to_balance_max,
			   max(k->passes_to_balance_max, k->unbalanced_passes));
		WRITE_ONCE(k->unbalanced_passes, 0);
	}
	WRITE_ONCE(k->last_passes, res->passes);
	WRITE_ONCE(k->last_reclaimed, res->nr_reclaimed);
	WRITE_ONCE(k->last_balanced, res->balanced);
}

/*
 * balance_pgdat(), simplified: passes of shrink_node() from DEF_PRIORITY
 * down to 1 until pgdat_balanced() says some eligible zone is above its
 * high watermark (boost included) for the request. Each pass asks for
 * the eligible zones' high watermarks (at least SWAP_CLUSTER_MAX each,
 * kswapd_shrink_node()); the priority drops after a pass that scanned
 * less than that or reclaimed nothing. A boosted node is first
 * reclaimed without swap, as boost reclaim avoids it (here that frees
 * nothing, so it ends at once), and the boosts are cleared at the end.
 * A run that freed nothing counts a kswapd failure; after
 * MAX_RECLAIM_RETRIES of them kshadowd is no longer woken until some
 * reclaim frees pages again. kcompactd is woken by kshadowd's glue
 * before it naps (kshadowd.c), as kswapd_try_to_sleep() does. Dropped
 * against the kernel: writeback throttling, the order-0 fallback for high orders
 * (kswapd_shrink_node() lowering sc->order), the NUMA promotion mark.
 * At most 2 x DEF_PRIORITY passes: DEF_PRIORITY down to 1, once more
 * after the boost restart. The run is recorded in mm->kswapd_runs.
 * The spaces' lock held.
 */
void smm_balance_pgdat(struct smm_mm *mm, unsigned int order, unsigned int highest,
		       struct smm_balance_result *res)
{
	struct smm_scan_control sc = { .kind = SMM_RECLAIM_KSWAPD, .order = order };
	u64 nr_boost_reclaim, boosted;
	unsigned int zi;

	if (highest >= SMM_NR_ZONES)
		highest = SMM_NR_ZONES - 1;
	memset(res, 0, sizeof(*res));
	res->priority = SMM_DEF_PRIORITY;
	smm_reclaim_add(mm, pageoutrun, 1);
	nr_boost_reclaim = boosted = smm_boost_pages(mm, highest);
restart:
	sc.priority = SMM_DEF_PRIORITY;
	do {
		u64 before = sc.nr_reclaimed, got;
		bool balanced, raise_priority = true;

		sc.reclaim_idx = highest;
		balanced = smm_pgdat_balanced(mm, order, highest);
		if (!balanced && nr_boost_reclaim) {
			nr_boost_reclaim = 0;
			goto restart;
		}
		if (!nr_boost_reclaim && balanced)
			break;
		sc.may_swap = !nr_boost_reclaim;
		sc.nr_scanned = 0;
		sc.nr_to_reclaim = 0;
		for (zi = 0; zi <= highest; zi++)
			if (smm_zone_populated(&mm->zones[zi]))
				sc.nr_to_reclaim += max(smm_wmark_pages(&mm->zones[zi], SMM_WMARK_HIGH),
							(u64)SMM_SWAP_CLUSTER_MAX);
		res->priority = sc.priority;
		res->passes++;
		smm_shrink_node(mm, &sc);
		if (sc.nr_scanned >= sc.nr_to_reclaim)
			raise_priority = false;
		got = sc.nr_reclaimed - before;
		res->nr_scanned += sc.nr_scanned;
		nr_boost_reclaim -= min(nr_boost_reclaim, got);
		if (nr_boost_reclaim && !got)
			break;
		if (raise_priority || !got)
			sc.priority--;
		smm_cond_resched();
	} while (sc.priority >= 1);

	if (!sc.nr_reclaimed)
		WRITE_ONCE(mm->kswapd_failures, mm->kswapd_failures + 1);
	if (boosted)
		smm_zones_clear_boost(mm);
	res->nr_reclaimed = sc.nr_reclaimed;
	res->balanced = smm_pgdat_balanced(mm, order, highest);
	smm_kswapd_runs_add(&mm->kswapd_runs, res);
}

/*
 * memory.reclaim (memory_reclaim() and try_to_free_mem_cgroup_pages()):
 * passes of shrink_node() over every zone from DEF_PRIORITY down to 0
 * for what is still wanted, until @pages were reclaimed; a round that
 * reclaimed nothing uses up one of MAX_RECLAIM_RETRIES retries, and
 * when they are gone the answer is -EAGAIN, as the kernel's. With
 * swappiness 0 cgroup reclaim scans no anon page, so only page-cache
 * pages are reclaimed. *@reclaimed says how many pages came back either way.
 * The spaces' lock held.
 */
int smm_proactive_reclaim(struct smm_mm *mm, u64 pages, u64 *reclaimed)
{
	unsigned int retries = SMM_MAX_RECLAIM_RETRIES;

	*reclaimed = 0;
	while (*reclaimed < pages) {
		struct smm_scan_control sc = {
			.nr_to_reclaim = max(pages - *reclaimed, (u64)SMM_SWAP_CLUSTER_MAX),
			.reclaim_idx = SMM_NR_ZONES - 1,
			.kind = SMM_RECLAIM_PROACTIVE,
			.may_swap = READ_ONCE(mm->swappiness) != 0,
		};

		for (sc.priority = SMM_DEF_PRIORITY; sc.priority >= 0; sc.priority--) {
			sc.nr_scanned = 0;
			smm_shrink_node(mm, &sc);
			if (sc.nr_reclaimed >= sc.nr_to_reclaim)
				break;
		}
		*reclaimed += sc.nr_reclaimed;
		if (!sc.nr_reclaimed && !retries--)
			return -EAGAIN;
		smm_cond_resched();
	}
	return 0;
}

/*
 * wakeup_kswapd(): not for a hopeless node (MAX_RECLAIM_RETRIES failed
 * runs in a row) nor for one already balanced for the request and not
 * boosted; else the glue's callback. No lock: the fields read are read
 * once.
 */
void smm_wakeup_kshadowd(struct smm_mm *mm, unsigned int order, unsigned int highest)
{
	void (*wake)(struct smm_mm *, unsigned int, unsigned int) = READ_ONCE(mm->wake_kswapd);

	if (!wake || READ_ONCE(mm->kswapd_failures) >= SMM_MAX_RECLAIM_RETRIES)
		return;
	if (smm_pgdat_balanced(mm, order, highest) && !smm_boost_pages(mm, highest))
		return;
	wake(mm, order, highest);
}

/* Called by kshadowd with the spaces' lock held (its counters' lock). */
void smm_kshadowd_hit_quickly(struct smm_mm *mm, bool low)
{
	if (low)
		smm_reclaim_add(mm, kswapd_low_wmark_hit_quickly, 1);
	else
		smm_reclaim_add(mm, kswapd_high_wmark_hit_quickly, 1);
}

int smm_check_swappiness(unsigned int swappiness, const char **why)
{
	if (swappiness > SMM_SWAPPINESS_MAX) {
		*why = "swappiness is out of range (0 to 200)";
		return -EINVAL;
	}
	return 0;
}

int smm_set_swappiness(struct smm_mm *mm, unsigned int swappiness, const char **why)
{
	int ret = smm_check_swappiness(swappiness, why);

	if (ret)
		return ret;
	WRITE_ONCE(mm->swappiness, swappiness);
	return 0;
}
