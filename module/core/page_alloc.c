// SPDX-License-Identifier: GPL-2.0
/*
 * Allocating and freeing blocks: the zonelist walk with watermarks, the
 * per-CPU fast path for small orders and the buddy for the rest, and
 * setting up and tearing down the whole shadow mm.
 */
#include "mm_internal.h"
#include "vmscan.h"
#include "trace_hooks.h"
#include "page_owner.h"
#include "cma.h"

#define SMM_NO_IDX	(~0ULL)

/*
 * rmqueue(): small orders from the CPU's lists (their refills steal as
 * @alloc_flags allow), the rest, and what the lists could not give,
 * from the buddy under the zone lock (where the HighAtomic reserve is:
 * __smm_rmqueue_buddy()).
 */
static u64 smm_rmqueue(struct smm_mm *mm, struct smm_zone *z, unsigned int order,
		       unsigned int mt, unsigned int alloc_flags, unsigned int cpu)
{
	u64 idx;

	if (mm->pcp_enabled && smm_pcp_allowed_order(order)) {
		idx = smm_pcp_alloc(mm, z, order, mt, alloc_flags, cpu);
		if (idx != SMM_NO_IDX)
			return idx;
	}
	return smm_rmqueue_buddy(mm, z, order, mt, alloc_flags);
}

static void smm_zone_count(struct smm_zone *z, u64 *counter)
{
	smm_lock(&z->lock);
	smm_count_add(*counter, 1);
	smm_unlock(&z->lock);
}

/*
 * gfp_to_alloc_flags(): the slow path's flags. The min watermark;
 * __GFP_HIGH grants ALLOC_MIN_RESERVE; a request that cannot block
 * (SHADOWMM_GFP_ATOMIC, no __GFP_DIRECT_RECLAIM) ALLOC_NON_BLOCK, and
 * with __GFP_HIGH and an order above 0 (a high-order GFP_ATOMIC) the
 * highatomic reserves. SHADOWMM_GFP_RESERVE (__GFP_MEMALLOC) is not
 * here: as __gfp_pfmemalloc_flags(), it replaces these flags with
 * ALLOC_NO_WATERMARKS after the first slow attempt (smm_alloc_pages()).
 */
unsigned int smm_gfp_to_alloc_flags(unsigned int gfp, unsigned int order)
{
	unsigned int alloc_flags = SMM_ALLOC_WMARK_MIN;

	if (gfp & SHADOWMM_GFP_HIGH)
		alloc_flags |= SMM_ALLOC_MIN_RESERVE;
	if (gfp & SHADOWMM_GFP_ATOMIC) {
		alloc_flags |= SMM_ALLOC_NON_BLOCK;
		if (order && (alloc_flags & SMM_ALLOC_MIN_RESERVE))
			alloc_flags |= SMM_ALLOC_HIGHATOMIC;
	}
	return alloc_flags;
}

/* The zone an allocation prefers: the highest populated one it may use. */
static int smm_preferred_zone(const struct smm_mm *mm, unsigned int gfp)
{
	return mm->preferred_zone[smm_gfp_zone(gfp)];
}

/* smm_mm_init(): the preferred zone of each highest zone, once. */
static void smm_set_preferred_zones(struct smm_mm *mm)
{
	int highest, zi;

	for (highest = 0; highest < SMM_NR_ZONES; highest++) {
		mm->preferred_zone[highest] = -1;
		for (zi = highest; zi >= 0; zi--) {
			if (smm_zone_populated(&mm->zones[zi])) {
				mm->preferred_zone[highest] = zi;
				break;
			}
		}
	}
}

/*
 * alloc_flags_nofragment(): an allocation that prefers Normal would
 * rather use DMA32 than mix migratetypes in a Normal pageblock (the
 * kernel assumes, on one node, that DMA32 is populated when Normal is).
 */
static unsigned int smm_alloc_flags_nofragment(const struct smm_mm *mm, unsigned int gfp)
{
	return smm_preferred_zone(mm, gfp) == SHADOWMM_ZONE_NORMAL ? SMM_ALLOC_NOFRAGMENT : 0;
}

/*
 * smm_mm_init(), after smm_set_preferred_zones(): each fast request
 * (mm.h), from the same helpers the full path calls on the GFP itself,
 * so that both read a request alike. A bad pair of zone modifiers
 * (smm_gfp_zone_bad()) and a request with no populated zone get -1: the
 * full path refuses or fails them as before.
 */
static void smm_set_fast_reqs(struct smm_mm *mm)
{
	unsigned int slot, gfp;

	for (slot = 0; slot < SMM_NR_FAST_REQ; slot++) {
		struct smm_fast_req *r = &mm->fast_req[slot];
		struct smm_fast_off *off = &mm->fast_off[slot];

		gfp = slot;
		if (slot & ~SMM_FAST_REQ_MASK) {	/* never asked for */
			r->zone = -1;
			continue;
		}
		r->highest = smm_gfp_zone(gfp);
		r->zone = smm_gfp_zone_bad(gfp) ? -1 : smm_preferred_zone(mm, gfp);
		r->mt = smm_gfp_mt(gfp);
		r->pindex = smm_pcp_index(0, r->mt);
		r->alloc_flags = SMM_ALLOC_WMARK_LOW | smm_gfp_alloc_cma(gfp) |
				 smm_alloc_flags_nofragment(mm, gfp);
		if (r->zone < 0)
			continue;
		off->zone = (char *)&mm->zones[r->zone] - (char *)mm;
		off->reserve = (char *)&mm->zones[r->zone].lowmem_reserve[r->highest] - (char *)mm;
		off->pcp = r->zone * sizeof(struct smm_pcp);
	}
	_Static_assert(offsetof(struct smm_mm, zones[SMM_NR_ZONES]) <= 0xffff &&
		       SMM_NR_ZONES * sizeof(struct smm_pcp) <= 0xffff,
		       "struct smm_fast_off's offsets fit a u16");
}

/*
 * get_page_from_freelist(): walk the zones from the highest the flags
 * allow down to DMA, taking the first that passes the watermark
 * @alloc_flags name with the reserves they grant (ALLOC_NO_WATERMARKS
 * skips the check). When no zone could serve without fragmenting
 * (ALLOC_NOFRAGMENT), walk them all again without that care. A
 * high-order atomic success (ALLOC_HIGHATOMIC) reserves its pageblock
 * for the next ones (smm_reserve_highatomic()).
 */
static u64 smm_get_page_from_freelist(struct smm_mm *mm, unsigned int order, unsigned int gfp,
				      unsigned int alloc_flags, unsigned int cpu)
{
	unsigned int highest = smm_gfp_zone(gfp), mt = smm_gfp_mt(gfp);
	unsigned int wmark = alloc_flags & SMM_ALLOC_WMARK_MASK;
	int preferred, zi;

	alloc_flags |= smm_gfp_alloc_cma(gfp);	/* gfp_to_alloc_flags_cma() */
retry:
	preferred = -1;
	for (zi = highest; zi >= 0; zi--) {
		struct smm_zone *z = &mm->zones[zi];
		u64 idx;

		if (!smm_zone_populated(z))
			continue;
		if (preferred < 0)
			preferred = zi;
		if (!(alloc_flags & SMM_ALLOC_NO_WATERMARKS) &&
		    !smm_zone_watermark_fast(z, order, smm_wmark_pages(z, wmark), highest,
					     alloc_flags)) {
			smm_zone_count(z, wmark == SMM_WMARK_LOW ? &z->stats.wmark_low
								 : &z->stats.wmark_min);
			continue;
		}
		idx = smm_rmqueue(mm, z, order, mt, alloc_flags, cpu);
		if (idx == SMM_NO_IDX)
			continue;
		if (zi != preferred)
			smm_zone_count(z, &z->stats.zone_fallback);
		if (alloc_flags & SMM_ALLOC_HIGHATOMIC)
			smm_reserve_highatomic(mm, z, idx);
		return idx;
	}
	if (alloc_flags & SMM_ALLOC_NOFRAGMENT) {
		alloc_flags &= ~SMM_ALLOC_NOFRAGMENT;
		goto retry;
	}
	return SMM_NO_IDX;
}

/* kernel_init_pages(): clear_highpage() of each frame, mapped one at a time. */
static void smm_clear_block(struct smm_mm *mm, u64 idx, unsigned int order)
{
	u64 i;

	for (i = idx; i < idx + (1ULL << order); i++) {
		void *mem = smm_kmap_local_frame(mm, i);

		if (mem)
			memset(mem, 0, SMM_PAGE_SIZE);
		smm_kunmap_local_frame(mm, i, mem);
	}
}

static void smm_count_failure(struct smm_mm *mm, unsigned int gfp)
{
	int zi;

	for (zi = smm_gfp_zone(gfp); zi >= 0; zi--) {
		if (smm_zone_populated(&mm->zones[zi])) {
			smm_zone_count(&mm->zones[zi], &mm->zones[zi].stats.alloc_fail);
			return;
		}
	}
}

/*
 * wake_all_kswapds() for one node: the zones up to the request's highest
 * that are below their low watermark count a wakeup, and kshadowd is
 * woken once (smm_wakeup_kshadowd() decides whether it is worth it).
 * No lock needed beyond the zone lock of the count.
 */
static void smm_wake_kshadowd(struct smm_mm *mm, unsigned int order, unsigned int gfp)
{
	unsigned int highest = smm_gfp_zone(gfp);
	bool low = false;
	int zi;

	if (!mm->wake_kswapd)
		return;
	for (zi = highest; zi >= 0; zi--) {
		struct smm_zone *z = &mm->zones[zi];

		if (smm_zone_populated(z) &&
		    !smm_zone_watermark_ok(z, order, smm_wmark_pages(z, SMM_WMARK_LOW), highest, 0)) {
			smm_zone_count(z, &z->stats.kswapd_wake);
			low = true;
		}
	}
	if (low)
		smm_wakeup_kshadowd(mm, order, highest);
}

/*
 * Allocate a block of 2^@order frames on behalf of @cpu (the caller keeps
 * itself on that CPU), as __alloc_pages() decides:
 *   1. the fast path: above the low watermark, no reserve, and from
 *      Normal without mixing pageblocks while another zone can serve
 *      (ALLOC_NOFRAGMENT);
 *   2. the slow path: above min, less the reserves gfp_to_alloc_flags()
 *      grants (smm_gfp_to_alloc_flags());
 *   3. SHADOWMM_GFP_RESERVE (__GFP_MEMALLOC): no watermark at all;
 *   4. a request that may reclaim (SMM_GFP_DIRECT_RECLAIM: the fault
 *      path, which holds the spaces' lock) gets -EAGAIN here, nothing
 *      counted: smm_alloc_pages_reclaim() reclaims with the CPU no
 *      longer pinned and calls again. Every request that missed the low
 *      watermark on the fast path woke kshadowd first. Any other
 *      request that may block keeps the older behaviour: it does what
 *      __alloc_pages_direct_reclaim() does
 *      when the attempt after a reclaim fails: gives back a HighAtomic
 *      pageblock (smm_unreserve_highatomic(), each zone keeping one),
 *      drains every CPU's lists back into the buddy (where the blocks can
 *      merge) and tries once more. A request that cannot block
 *      (SHADOWMM_GFP_ATOMIC) fails before this, as in the kernel;
 *   5. a request that may block and is not costly (order <= 3) would now
 *      go OOM in the kernel, after should_reclaim_retry() found no
 *      progress: before it, the kernel gives the reserves back one
 *      pageblock per retry, the last ones too (force). The shadow does
 *      just that: gives back and retries while there is a reserved
 *      pageblock left, then fails; a caller holding the spaces' lock
 *      then calls the OOM killer (smm_alloc_pages_oom(), oom.c). A
 *      costly request fails at 4, as the kernel's (no OOM for costly
 *      orders).
 */
static noinline int smm_alloc_pages_slow(struct smm_mm *mm, unsigned int order,
					 unsigned int gfp, unsigned int cpu, u64 *idx)
{
	unsigned int alloc_flags;
	u64 got;

	if (order > SMM_MAX_ORDER || (gfp & ~(SHADOWMM_GFP_ALL | SMM_GFP_DIRECT_RECLAIM)) ||
	    cpu >= mm->nr_cpus || smm_gfp_zone_bad(gfp))
		return -EINVAL;

	got = smm_get_page_from_freelist(mm, order, gfp,
					 SMM_ALLOC_WMARK_LOW | smm_alloc_flags_nofragment(mm, gfp), cpu);
	if (got != SMM_NO_IDX)
		goto got_pg;
	/* wake_all_kswapds(): every request has __GFP_KSWAPD_RECLAIM here */
	smm_wake_kshadowd(mm, order, gfp);
	alloc_flags = smm_gfp_to_alloc_flags(gfp, order);
	got = smm_get_page_from_freelist(mm, order, gfp, alloc_flags, cpu);
	if (got != SMM_NO_IDX)
		goto got_pg;
	if (gfp & SHADOWMM_GFP_RESERVE) {
		alloc_flags = SMM_ALLOC_NO_WATERMARKS;
		got = smm_get_page_from_freelist(mm, order, gfp, alloc_flags, cpu);
		if (got != SMM_NO_IDX)
			goto got_pg;
	}
	if (gfp & SHADOWMM_GFP_ATOMIC)
		goto nopage;
	if (gfp & SMM_GFP_DIRECT_RECLAIM)
		return -EAGAIN;	/* smm_alloc_pages_reclaim() reclaims, unpinned */
	if (smm_unreserve_highatomic(mm, smm_gfp_zone(gfp), smm_gfp_mt(gfp), false) ||
	    mm->pcp_enabled) {
		if (mm->pcp_enabled)
			smm_drain_all_pcp(mm);
		got = smm_get_page_from_freelist(mm, order, gfp, alloc_flags, cpu);
		if (got != SMM_NO_IDX)
			goto got_pg;
	}
	if (order > SMM_PCP_MAX_ORDER)
		goto nopage;
	while (smm_unreserve_highatomic(mm, smm_gfp_zone(gfp), smm_gfp_mt(gfp), true)) {
		got = smm_get_page_from_freelist(mm, order, gfp, alloc_flags, cpu);
		if (got != SMM_NO_IDX)
			goto got_pg;
	}
nopage:
	smm_count_failure(mm, gfp);
	smm_trace_page_alloc(mm, SMM_NO_IDX, order, gfp, smm_gfp_mt(gfp));
	return -ENOMEM;

got_pg:
	/* the zonelist walk starts at gfp_zone(): never above it */
	WARN_ON_ONCE(smm_zone_of(mm, got) > smm_gfp_zone(gfp));
	if (gfp & SHADOWMM_GFP_ZERO)
		smm_clear_block(mm, got, order);
	smm_trace_page_alloc(mm, got, order, gfp, smm_gfp_mt(gfp));
	smm_page_owner_alloc(mm, got, order, gfp);
	*idx = got;
	return 0;
}

/*
 * __alloc_pages_slowpath()'s two ways out of its retry loop after one
 * direct reclaim: __GFP_NORETRY, and a costly order (above
 * PAGE_ALLOC_COSTLY_ORDER) without __GFP_RETRY_MAYFAIL (which the
 * shadow does not have).
 */
static bool smm_alloc_noretry(unsigned int order, unsigned int gfp)
{
	return (gfp & SHADOWMM_GFP_NORETRY) || order > SMM_PCP_MAX_ORDER;
}

/*
 * The common case of step 1, straight-line: a valid request whose
 * preferred zone passes the low watermark and serves it, from the CPU's
 * list when the lists take the order and it holds a block, else from
 * the buddy (ALLOC_NOFRAGMENT as step 1 sets it). It is the first thing
 * smm_get_page_from_freelist() would try, with the same outcome; when
 * any of it does not hold, nothing has changed (a failed buddy attempt
 * steals nothing) and the full path runs from the start
 * (smm_alloc_pages_slow()), which also refills an empty list. The
 * request's zone, migratetype and flags come decoded from its fast
 * request (mm->fast_req[], smm_set_fast_reqs()).
 *
 * smm_alloc_pages() is this for order 0 through the lists, the order a
 * constant; smm_alloc_pages_any() for the rest, out of line, so that the
 * order-0 path keeps fewer values in registers across its lock call
 * (it finds its CPU again from the pcp when the list was empty:
 * smm_pcp_cpu()). While fault injection is armed every request goes
 * the second way, which asks it first, as prepare_alloc_pages() does.
 */
static __always_inline int smm_alloc_done(struct smm_mm *mm, u64 got, unsigned int order,
					  unsigned int gfp, unsigned int mt, u64 *idx)
{
	if (unlikely(gfp & SHADOWMM_GFP_ZERO))
		smm_clear_block(mm, got, order);
	smm_trace_page_alloc(mm, got, order, gfp, mt);
	smm_page_owner_alloc(mm, got, order, gfp);
	*idx = got;
	return 0;
}

static noinline smm_noclone int smm_alloc_pages_any(struct smm_mm *mm, unsigned int order,
						    unsigned int gfp, unsigned long cpu, u64 *idx)
{
	const struct smm_fast_req *req = &mm->fast_req[smm_fast_req_index(gfp)];
	int zi = req->zone;
	/* step 1 grants no reserve: the compiler drops their tests */
	unsigned int wflags = SMM_ALLOC_WMARK_LOW | (req->alloc_flags & SMM_ALLOC_CMA);
	struct smm_zone *z;
	u64 mark, got;

	/* prepare_alloc_pages()'s should_fail_alloc_page() */
	if (smm_should_fail_alloc_page(&mm->fail[SHADOWMM_FAULT_PAGE_ALLOC], order, gfp))
		return -ENOMEM;
	if (unlikely(order > SMM_MAX_ORDER || (gfp & ~(SHADOWMM_GFP_ALL | SMM_GFP_DIRECT_RECLAIM)) ||
		     cpu >= mm->nr_cpus || zi < 0))
		goto slow;
	z = &mm->zones[zi];
	mark = smm_wmark_pages(z, SMM_WMARK_LOW);
	if (likely(!order)) {	/* the lists off */
		if (unlikely(!smm_zone_watermark_order0(z, mark, req->highest, wflags)))
			goto slow;
	} else if (!smm_zone_watermark_fast(z, order, mark, req->highest, wflags)) {
		goto slow;
	}
	if (mm->pcp_enabled && smm_pcp_allowed_order(order))
		got = smm_pcp_alloc_fast(smm_pcp_of(mm, cpu, zi), order,
					 smm_pcp_index(order, req->mt));
	else
		got = smm_rmqueue_buddy(mm, z, order, req->mt, req->alloc_flags);
	if (unlikely(got == SMM_NO_IDX))
		goto slow;
	return smm_alloc_done(mm, got, order, gfp, req->mt, idx);
slow:
	return smm_alloc_pages_slow(mm, order, gfp, cpu, idx);
}

/*
 * The order-0 fast path's hooks (smm_alloc_page_pcp()). In the module the
 * trace and page_owner keys are asked before the lock, and the general
 * way (smm_alloc_pages_any()) serves while either is on, so nothing of
 * the request is kept for after the unlock; a trace event enabled
 * between the two sees the allocations that asked after it, as any
 * tracepoint. User space has no keys (its hooks are no-ops, or counters
 * and page_owner records in the test builds): the hooks fire after the
 * unlock, where the general way fires them, so the tests see the fast
 * path's allocations.
 */
#ifdef __KERNEL__
#define smm_alloc_fast_hooks_on()	(smm_trace_page_alloc_on() || smm_page_owner_on())
#define smm_alloc_fast_hooks(mm, got, gfp, mt)	\
	((void)(mm), (void)(got), (void)(gfp), (void)(mt))
#else
#define smm_alloc_fast_hooks_on()	false
#define smm_alloc_fast_hooks(mm, got, gfp, mt) do {	\
	smm_trace_page_alloc(mm, got, 0, gfp, mt);	\
	smm_page_owner_alloc(mm, got, 0, gfp);		\
} while (0)
#endif

static noinline smm_noclone int smm_alloc_page_pcp(struct smm_mm *mm, unsigned int order,
						   unsigned int gfp, unsigned long cpu, u64 *idx)
{
	const struct smm_fast_req *req;
	const struct smm_fast_off *off;
	unsigned int slot;
	struct smm_pcp *pcp;
	struct smm_zone *z;
	u64 got;

	(void)order;	/* 0: smm_alloc_pages()'s arguments as they came, for its tail call */
	slot = smm_fast_req_index(gfp);
	req = &mm->fast_req[slot];
	off = &mm->fast_off[slot];
	/*
	 * What the general way does after the pop (zeroing, the trace and
	 * page_owner hooks) is asked here, with the request's checks, so
	 * that nothing of the request is needed after the unlock.
	 */
	if (unlikely((gfp & (~(SHADOWMM_GFP_ALL | SMM_GFP_DIRECT_RECLAIM) | SHADOWMM_GFP_ZERO)) ||
		     cpu >= mm->nr_cpus || req->zone < 0 || smm_alloc_fast_hooks_on()))
		return smm_alloc_pages_any(mm, 0, gfp, cpu, idx);
	/*
	 * &mm->zones[zone], its lowmem_reserve[highest] and smm_pcp_of(), by
	 * offset; the pcp first, so that what follows needs neither the mm
	 * nor the CPU (the failed test's way finds them from the pcp).
	 */
	pcp = (struct smm_pcp *)((char *)smm_pcp_of(mm, cpu, 0) + off->pcp);
	z = (struct smm_zone *)((char *)mm + off->zone);
	if (unlikely(!__smm_zone_watermark_order0(z, smm_wmark_pages(z, SMM_WMARK_LOW),
						  *(const u64 *)((char *)mm + off->reserve),
						  SMM_ALLOC_WMARK_LOW |
						  (req->alloc_flags & SMM_ALLOC_CMA))))
		goto slow;
	smm_lock(&pcp->lock);
	/*
	 * The list's index (req->pindex) from @gfp after the lock call:
	 * @gfp is kept across it anyway (the empty list's way needs it).
	 */
	smm_hide_var(gfp);
	got = __smm_pcp_alloc_fast(pcp, 0, smm_pcp_index(0, smm_gfp_mt(gfp)));
	if (unlikely(got == SMM_NO_IDX))	/* the mm from the pcp: one value fewer kept */
		return smm_alloc_pages_slow(pcp->mm, 0, gfp, smm_pcp_cpu(pcp->mm, pcp), idx);
	smm_alloc_fast_hooks(pcp->mm, got, gfp, req->mt);
	*idx = got;
	return 0;
slow:
	return smm_alloc_pages_slow(pcp->mm, 0, gfp, smm_pcp_cpu(pcp->mm, pcp), idx);
}

int smm_alloc_pages(struct smm_mm *mm, unsigned int order, unsigned int gfp,
		    unsigned long cpu, u64 *idx)
{
	/*
	 * The lists off or fault injection armed (the gate's two bytes in
	 * one test): smm_alloc_pages_any() serves and asks the latter.
	 */
	if (likely(!order && !data_race(mm->order0_gate.any)))
		return smm_alloc_page_pcp(mm, 0, gfp, cpu, idx);
	return smm_alloc_pages_any(mm, order, gfp, cpu, idx);
}

/*
 * should_reclaim_retry() of Linux 6.1 (and 6.12, the same but for
 * cpusets): after a direct reclaim whose next attempt failed, is
 * another loop worth it? A reclaim that made @progress resets
 * *@no_progress_loops for an order up to PAGE_ALLOC_COSTLY_ORDER (a
 * costly order's progress says nothing of its blocks: it counts as
 * none); else it counts one more, and more than MAX_RECLAIM_RETRIES in
 * a row give up. Otherwise retry while some zone the request may use
 * (highest first, as the zonelist) would pass its min watermark for
 * @order, with the request's reserves and the lowmem reserve, if every
 * reclaimable page were free: its free pages plus
 * smm_zone_reclaimable_pages() (file LRU pages, anon ones only with a
 * free swap slot). For an order above 0 the zone must also have a free
 * block of the order already, as __zone_watermark_ok() asks.
 *
 * Left to the callers: the kernel's final unreserve_highatomic_pageblock()
 * when the answer is no is the last attempt without the reclaim flag
 * (smm_alloc_pages_slow()'s step 5); the cond_resched() is
 * smm_try_to_free_pages()'s. No cpuset, no PF_WQ_WORKER sleep, no
 * trace point. The spaces' lock held (the swap area's count is read).
 */
bool smm_should_reclaim_retry(struct smm_mm *mm, unsigned int order, unsigned int gfp,
			      bool progress, unsigned int *no_progress_loops)
{
	unsigned int highest = smm_gfp_zone(gfp), alloc_flags;
	int zi;

	if (progress && order <= SMM_PCP_MAX_ORDER)
		*no_progress_loops = 0;
	else
		(*no_progress_loops)++;
	if (*no_progress_loops > SMM_MAX_RECLAIM_RETRIES)
		return false;
	/* __gfp_pfmemalloc_flags(): __GFP_MEMALLOC replaces the flags */
	alloc_flags = gfp & SHADOWMM_GFP_RESERVE ? SMM_ALLOC_NO_WATERMARKS :
						   smm_gfp_to_alloc_flags(gfp, order);
	for (zi = highest; zi >= 0; zi--) {
		struct smm_zone *z = &mm->zones[zi];
		s64 available;

		if (!smm_zone_populated(z))
			continue;
		available = READ_ONCE(z->free) + smm_zone_reclaimable_pages(mm, zi);
		if (__smm_zone_watermark_ok(z, order, smm_wmark_pages(z, SMM_WMARK_MIN), highest,
					    alloc_flags, available))
			return true;
	}
	return false;
}

/*
 * An allocation that may reclaim directly: __alloc_pages_slowpath()'s
 * loop around __alloc_pages_direct_reclaim(). The caller holds the
 * spaces' lock and does not hold a CPU (reclaim swaps out, frees and
 * may cond_resched()); on success the CPU the block was taken for is
 * pinned and in *@cpu, for the caller to own the frame and
 * smm_cpu_put(). Without SMM_GFP_DIRECT_RECLAIM in @gfp it is one
 * smm_alloc_pages(). With it: each attempt that reaches the reclaim
 * step (-EAGAIN) unpins, reclaims (smm_try_to_free_pages(), which
 * counts allocstall), drains the CPUs' lists where the freed pages went
 * (the kernel drains only after a failed attempt; the watermarks count
 * only the buddy's free pages, so the shadow drains each time) and
 * tries again: once only for NORETRY or a costly order
 * (smm_alloc_noretry()), else while smm_should_reclaim_retry() says
 * so (progress, or at most 16 fruitless loops in a row while the
 * reclaimable pages could still lift a zone over min). As the
 * kernel's, the loop has no bound while reclaim makes progress: each
 * such loop takes pages off the LRU lists, which only holders of the
 * spaces' lock fill, or from the shrinkers' caches. The last attempt
 * goes without the flag, down the older path (HighAtomic given back,
 * lists drained, failure counted) to -ENOMEM, where the caller may
 * call the OOM killer, as __alloc_pages_may_oom() comes only after
 * should_reclaim_retry() says stop.
 */
int smm_alloc_pages_reclaim(struct smm_mm *mm, unsigned int order, unsigned int gfp,
			    unsigned int *cpu, u64 *idx)
{
	unsigned int no_progress_loops = 0, flag = gfp & SMM_GFP_DIRECT_RECLAIM;
	u64 progress;
	int ret;

	for (;;) {
		*cpu = smm_cpu_get();
		ret = smm_alloc_pages(mm, order, gfp, *cpu, idx);
		if (ret != -EAGAIN)
			break;
		smm_cpu_put();
		progress = smm_try_to_free_pages(mm, order, gfp);
		if (mm->pcp_enabled)
			smm_drain_all_pcp(mm);
		if (smm_alloc_noretry(order, gfp) ||
		    !smm_should_reclaim_retry(mm, order, gfp, progress, &no_progress_loops))
			gfp &= ~flag;
	}
	if (ret)
		smm_cpu_put();
	return ret;
}

/* A block the per-CPU lists do not take goes straight back to the buddy. */
static noinline void smm_free_pages_buddy(struct smm_mm *mm, unsigned int zone, u64 idx,
					  unsigned int order, unsigned int mt)
{
	smm_trace_page_free(mm, idx, order);
	smm_free_one_page(mm, &mm->zones[zone], idx, order, mt);
}

/*
 * An order-0 block onto this CPU's list (smm_pcp_free_fast() inline),
 * out of line: a tail call from smm_free_pages(), which then saves no
 * registers for the buddy's frees. @mm and @idx come first, in the
 * registers smm_free_pages() has them in; only the pcp and @mt are kept
 * across the lock call (smm_pcp_free_fast()).
 */
static noinline smm_noclone void smm_free_pages_pcp0(struct smm_mm *mm, u64 idx,
						     struct smm_pcp *pcp, unsigned int mt)
{
	smm_trace_page_free(mm, idx, 0);
	smm_pcp_free_fast(pcp, idx, mt);
}

/*
 * The rest of smm_free_pages() for a block of @order: its zone, the
 * migratetype of its pageblock, then the CPU's list or the buddy. Inline
 * twice, the order a constant 0 in the common case, so that the order-0
 * free is straight-line code to its tail call.
 */
static __always_inline void smm_free_block(struct smm_mm *mm, u64 idx, unsigned int cpu,
					   unsigned int order)
{
	unsigned int zone = smm_zone_of(mm, idx);
	unsigned int mt = smm_pageblock_mt(mm, idx);

	smm_page_owner_free(mm, idx, order);
	if (unlikely(!mm->pcp_enabled))
		smm_free_pages_buddy(mm, zone, idx, order, mt);
	else if (likely(!order && mt != SHADOWMM_MT_ISOLATE))
		smm_free_pages_pcp0(mm, idx, smm_pcp_of(mm, cpu, zone), mt);
	else if (smm_pcp_allowed_order(order) && mt != SHADOWMM_MT_ISOLATE)
		smm_pcp_free(mm, zone, idx, order, mt, cpu);
	else
		smm_free_pages_buddy(mm, zone, idx, order, mt);
}

/*
 * Free the block whose head is @idx (a PAGE head). It goes back under
 * the migratetype of its pageblock, as the kernel frees to the pageblock's
 * type, not the allocation's; a block of an isolated pageblock goes
 * straight to the buddy's Isolate lists (free_unref_page()), so that no
 * CPU list hands it out again. The descriptor is read once: the caller
 * owns the block, nobody else writes it. The bound is the last zone's
 * end, the range's span (set at init, never moved; CHECK compares
 * them), read from the mm without the range's pointer.
 */
void smm_free_pages(struct smm_mm *mm, u64 idx, unsigned long cpu)
{
	struct smm_frame f;

	if (WARN_ON_ONCE(idx >= mm->zones[SMM_NR_ZONES - 1].end || cpu >= mm->nr_cpus))
		return;
	f = mm->frames[idx];
	/* a PAGE head of order 0, type and order in one compare of the low byte */
	if (likely((f.word & SMM_FRAME_MASK(SMM_FRAME_MT_SHIFT)) ==
		   smm_frame_head_word(SMM_FRAME_PAGE, 0, 0, 0))) {
		smm_free_block(mm, idx, cpu, 0);
		return;
	}
	if (WARN_ON_ONCE(smm_frame_type(&f) != SMM_FRAME_PAGE))
		return;
	smm_free_block(mm, idx, cpu, smm_frame_order(&f));
}

/*
 * __alloc_pages_bulk(): up to @nr order-0 blocks into @idx[]. The first
 * zone that stays above its low watermark by @nr (no reserve) serves as
 * many as its per-CPU lists can under one lock; single allocations do
 * the rest, and all of it when no zone passes (as in the kernel, also
 * for SHADOWMM_GFP_RESERVE: only the single path skips the watermarks).
 * Returns how many blocks were allocated.
 */
unsigned int smm_alloc_pages_bulk(struct smm_mm *mm, unsigned int gfp, unsigned int cpu,
				  unsigned int nr, u64 *idx)
{
	unsigned int highest = smm_gfp_zone(gfp), n = 0, i;
	int zi;

	if ((gfp & ~SHADOWMM_GFP_ALL) || cpu >= mm->nr_cpus)
		return 0;
	for (zi = highest; mm->pcp_enabled && zi >= 0; zi--) {
		struct smm_zone *z = &mm->zones[zi];

		if (!smm_zone_populated(z))
			continue;
		if (!smm_zone_watermark_fast(z, 0, smm_wmark_pages(z, SMM_WMARK_LOW) + nr, highest,
					     SMM_ALLOC_WMARK_LOW))
			continue;
		n = smm_pcp_alloc_many(mm, z, smm_gfp_mt(gfp), cpu, nr, idx);
		break;
	}
	if (gfp & SHADOWMM_GFP_ZERO)
		for (i = 0; i < n; i++)
			smm_clear_block(mm, idx[i], 0);
	for (i = 0; smm_page_owner_on() && i < n; i++)
		__smm_page_owner_alloc(mm, idx[i], 0, gfp);
	for (; n < nr; n++)
		if (smm_alloc_pages(mm, 0, gfp, cpu, &idx[n]))
			break;
	return n;
}

/* A block the per-CPU lists take (anything else frees one by one). */
static bool smm_pcp_block(const struct smm_mm *mm, u64 idx)
{
	return mm->pcp_enabled && idx < mm->range->span &&
	       smm_frame_type(&mm->frames[idx]) == SMM_FRAME_PAGE &&
	       smm_pcp_allowed_order(smm_frame_order(&mm->frames[idx])) &&
	       smm_pageblock_mt(mm, idx) != SHADOWMM_MT_ISOLATE;
}

/* Free @nr blocks, taking each zone's pcp lock once per run of that zone. */
void smm_free_pages_bulk(struct smm_mm *mm, unsigned int cpu, unsigned int nr, const u64 *idx)
{
	unsigned int i = 0, j, k, zi;

	while (i < nr) {
		if (!smm_pcp_block(mm, idx[i])) {
			smm_free_pages(mm, idx[i++], cpu);
			continue;
		}
		zi = smm_zone_of(mm, idx[i]);
		for (j = i + 1; j < nr && smm_pcp_block(mm, idx[j]) &&
		     smm_zone_of(mm, idx[j]) == zi; j++)
			;
		for (k = i; smm_page_owner_on() && k < j; k++)
			__smm_page_owner_free(mm, idx[k], smm_frame_order(&mm->frames[idx[k]]));
		smm_pcp_free_many(mm, &mm->zones[zi], cpu, j - i, &idx[i]);
		i = j;
	}
}

static void *smm_zalloc_pcp(unsigned int nr)
{
	return smm_zalloc_array(nr, sizeof(struct smm_pcp));
}

int smm_mm_init(struct smm_mm *mm, struct smm_range *r, const struct smm_mm_config *cfg)
{
	u64 nr_pageblocks = (r->span >> SMM_PAGEBLOCK_ORDER) + 1, i;
	unsigned int z, o, mt;

	memset(mm, 0, sizeof(*mm));
	if (!cfg->nr_cpus || !r->frames)
		return -EINVAL;
	mm->range = r;
	mm->frames = r->frames;
	mm->nr_cpus = cfg->nr_cpus;
	mm->nr_split_cpus = cfg->nr_split_cpus ? : cfg->nr_cpus;
	mm->pcp_enabled = cfg->pcp_enabled;
	smm_mutex_init(&mm->lock_all);
	smm_mutex_init(&mm->sysctl_lock);
	smm_lock_init(&mm->hold_lock);
	mm->pageblock_mt = smm_zalloc_array(nr_pageblocks, 1);
	mm->pcp = smm_zalloc_pcp(mm->nr_cpus * SMM_NR_ZONES);
	if (!mm->pageblock_mt || !mm->pcp) {
		smm_mm_destroy(mm);
		return -ENOMEM;
	}
	mm->watermark_boost_factor = SMM_WATERMARK_BOOST_FACTOR;
	mm->fallback_policy = SMM_FALLBACK_KERNEL;
	mm->watermark_scale_factor = cfg->watermark_scale_factor ? : SMM_WATERMARK_SCALE_FACTOR;
	mm->swappiness = SMM_SWAPPINESS_DEFAULT;
	mm->extfrag_threshold = SMM_EXTFRAG_THRESHOLD;
	mm->compaction_proactiveness = SMM_COMPACTION_PROACTIVENESS;
	for (i = 0; i < __SHADOWMM_FAULT_TARGET_CNT; i++)
		smm_fail_attr_init(&mm->fail[i], i);
	mm->fail[SHADOWMM_FAULT_PAGE_ALLOC].armed = &mm->order0_gate.fail_armed;
	mm->order0_gate.pcp_off = !mm->pcp_enabled;
	/* Like memmap_init(): every pageblock starts out movable. */
	for (i = 0; i < nr_pageblocks; i++)
		mm->pageblock_mt[i] = SHADOWMM_MT_MOVABLE;

	smm_zones_setup(mm, &cfg->layout);
	for (z = 0; z < SMM_NR_ZONES; z++) {
		for (o = 0; o < SMM_NR_ORDERS; o++)
			for (mt = 0; mt < SMM_NR_MT; mt++)
				mm->zones[z].area[o].head[mt] = mm->zones[z].area[o].tail[mt] =
					SMM_FRAME_NONE;
		smm_buddy_init_zone(mm, &mm->zones[z]);
	}
	smm_set_preferred_zones(mm);
	smm_set_fast_reqs(mm);
	smm_zones_set_watermarks(mm, cfg->min_free_kbytes);
	smm_pcp_setup(mm);
	return 0;
}

void smm_mm_destroy(struct smm_mm *mm)
{
	smm_cma_destroy(mm);
	smm_page_owner_destroy(mm);
	smm_free_array(mm->pcp);
	smm_free_array(mm->pageblock_mt);
	memset(mm, 0, sizeof(*mm));
}

/* Add one count to a sum; bit 0, once set by an odd count, stays set. */
static u64 smm_seq_add(u64 gen, const smm_seq_t *seq)
{
	unsigned int v = smm_seq_read(seq);

	return (gen + v) | (v & 1);
}

/*
 * The generation: a number that moves with every change a lockless
 * reader could see, from the seqcounts of the locks every such change
 * is made under (mm.h). Each count is odd while its write section is
 * open and only grows, so their sum is even when no write is open, and
 * the same sum read twice around a read (smm_mm_generation_moved())
 * means no write section overlapped it: what was read is one picture.
 * An open section at the start sets bit 0, which then counts as moved.
 *
 * Why a sum and not the kernel's one seqcount per zone: most changes
 * are the per-CPU lists', and a shared count would have every CPU's
 * fast path write one cache line. Each pcp has its own count instead,
 * on the line its CPU writes anyway; readers pay the sum, nr_cpus + 1
 * loads per zone.
 *
 * smm_zone_generation() is one zone's: its lock's count and its pcps'.
 */
u64 smm_zone_generation(const struct smm_mm *mm, unsigned int zone)
{
	unsigned int cpu;
	u64 gen;

	gen = smm_seq_add(0, &mm->zones[zone].seq);
	for (cpu = 0; cpu < mm->nr_cpus; cpu++)
		gen = smm_seq_add(gen, &mm->pcp[cpu * SMM_NR_ZONES + zone].seq);
	return gen;
}

u64 smm_mm_generation(const struct smm_mm *mm)
{
	unsigned int z, i;
	u64 gen = 0;

	for (z = 0; z < SMM_NR_ZONES; z++)
		gen = smm_seq_add(gen, &mm->zones[z].seq);
	for (i = 0; i < mm->nr_cpus * SMM_NR_ZONES; i++)
		gen = smm_seq_add(gen, &mm->pcp[i].seq);
	return gen;
}

/*
 * Whether anything changed since smm_mm_generation() returned @gen, or
 * a change was under way then: called after the reads it vouches for.
 */
bool smm_mm_generation_moved(const struct smm_mm *mm, u64 gen)
{
	smm_rmb();
	return (gen & 1) || smm_mm_generation(mm) != gen;
}

bool smm_zone_generation_moved(const struct smm_mm *mm, unsigned int zone, u64 gen)
{
	smm_rmb();
	return (gen & 1) || smm_zone_generation(mm, zone) != gen;
}
