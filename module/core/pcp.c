// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU page lists: each CPU keeps a few free blocks of orders 0..3 per
 * zone and migratetype, and of pageblock order (THP) on two lists, so
 * the common allocation and free touch only that CPU's lists and lock,
 * never the zone lock. The lists refill from the buddy `batch` blocks at
 * a time and drain back when they grow past `high`, as 6.1's
 * mm/page_alloc.c runs them (Documentation/fidelity.md, "Per-CPU lists").
 *
 * Every taking of a pcp lock that changes something is a write section
 * of that pcp's seqcount (smm_pcp_lock()), the refills and drains it
 * does under the zone lock included: the generation a lockless reader
 * sums (smm_mm_generation()) then moves with every change, while the
 * fast path writes only the cache line its CPU already owns.
 */
#include "mm_internal.h"
#include "trace_hooks.h"

#define SMM_NO_IDX	(~0ULL)

static u64 smm_rounddown_pow2(u64 n)
{
	u64 p = 1;

	while (p <= n / 2)
		p <<= 1;
	return p;
}

/* zone_batchsize(): about a quarter of a 1/1024 of the zone, at most 63. */
static u32 smm_pcp_batchsize(u64 managed)
{
	u64 batch = min(managed >> 10, (u64)((1 << 20) / SMM_PAGE_SIZE));

	batch /= 4;
	if (batch < 1)
		batch = 1;
	return smm_rounddown_pow2(batch + batch / 2) - 1 ? : 1;
}

/*
 * zone_highsize(): with vm.percpu_pagelist_high_fraction 0 (the
 * default), the zone's low watermark; with a fraction, the zone's
 * managed frames / fraction. Split between the CPUs of the zone's node
 * (the glue's nr_split_cpus: the online CPUs, as the kernel counts them
 * when it sets up the pagesets), at least 4 batches. The fraction and
 * the watermark are read once; their writers hold mm->sysctl_lock.
 */
static u32 smm_pcp_highsize(const struct smm_mm *mm, const struct smm_zone *z, u32 batch)
{
	unsigned int fraction = READ_ONCE(mm->percpu_pagelist_high_fraction);
	u64 total = fraction ? z->managed / fraction : READ_ONCE(z->wmark[SMM_WMARK_LOW]);
	u64 high = total / mm->nr_split_cpus;

	return max(high, (u64)batch * 4);
}

void smm_pcp_setup(struct smm_mm *mm)
{
	unsigned int cpu, zi, i;

	for (cpu = 0; cpu < mm->nr_cpus; cpu++) {
		for (zi = 0; zi < SMM_NR_ZONES; zi++) {
			struct smm_pcp *pcp = smm_pcp_of(mm, cpu, zi);

			smm_lock_init(&pcp->lock);
			smm_seq_init(&pcp->seq, &pcp->lock);
			pcp->frames = mm->frames;
			pcp->mm = mm;
			pcp->batch = smm_pcp_batchsize(mm->zones[zi].managed);
			pcp->high = smm_pcp_highsize(mm, &mm->zones[zi], pcp->batch);
			pcp->free_factor = 0;
			for (i = 0; i < SMM_NR_PCP_LISTS; i++)
				pcp->lists[i] = SMM_FRAME_NONE;
		}
	}
}

/*
 * zone_pcp_update(zone, 0), after the watermarks or
 * percpu_pagelist_high_fraction moved: every CPU's high follows the
 * zone's new low watermark or fraction (the batch follows the managed
 * pages, which do not change). Written under each pcp lock, so the fast
 * path (which reads high under it) sees the old or the new one; a list
 * above a lowered high drains on its next free, as the kernel's does.
 * The caller serialises writers (mm->sysctl_lock).
 */
void smm_pcp_update_high(struct smm_mm *mm)
{
	unsigned int cpu, zi;

	for (cpu = 0; cpu < mm->nr_cpus; cpu++) {
		for (zi = 0; zi < SMM_NR_ZONES; zi++) {
			struct smm_pcp *pcp = smm_pcp_of(mm, cpu, zi);
			u32 high = smm_pcp_highsize(mm, &mm->zones[zi], pcp->batch);

			smm_lock(&pcp->lock);
			pcp->high = high;
			smm_unlock(&pcp->lock);
		}
	}
}

int smm_check_percpu_pagelist_high_fraction(u64 fraction, const char **why)
{
	if ((fraction && fraction < SMM_MIN_PERCPU_PAGELIST_HIGH_FRACTION) ||
	    fraction > SMM_PERCPU_PAGELIST_HIGH_FRACTION_MAX) {
		*why = "percpu_pagelist_high_fraction must be 0 or 8 to 2147483647";
		return -EINVAL;
	}
	return 0;
}

/*
 * percpu_pagelist_high_fraction_sysctl_handler(): 0, or at least 8 (a
 * smaller fraction would let the lists hold more than an eighth of the
 * zone); then, when it changed, every CPU's high recomputed
 * (zone_set_pageset_high_and_batch()) under mm->sysctl_lock, the
 * shadow's pcp_batch_high_lock. -EINVAL with @why, nothing changed.
 */
int smm_set_percpu_pagelist_high_fraction(struct smm_mm *mm, u64 fraction, const char **why)
{
	int ret = smm_check_percpu_pagelist_high_fraction(fraction, why);

	if (ret)
		return ret;
	smm_mutex_lock(&mm->sysctl_lock);
	if (fraction != mm->percpu_pagelist_high_fraction) {
		WRITE_ONCE(mm->percpu_pagelist_high_fraction, fraction);
		smm_pcp_update_high(mm);
	}
	smm_mutex_unlock(&mm->sysctl_lock);
	return 0;
}

/* list_add(): @idx becomes the first (hottest) block of list @p. */
static __always_inline void smm_pcp_add_head(struct smm_mm *mm, struct smm_pcp *pcp,
					     unsigned int p, u64 idx, unsigned int order,
					     unsigned int mt)
{
	smm_frame_set_linked(&mm->frames[idx], SMM_FRAME_PCP, order, mt, SMM_FRAME_NONE,
			     pcp->lists[p]);
	pcp->lists[p] = idx;
	smm_pcp_census(pcp, idx, 1LL << order);
}

/* The first block of non-empty list @p leaves it (list_first_entry()). */
static __always_inline u64 smm_pcp_del_head(struct smm_mm *mm, struct smm_pcp *pcp,
					    unsigned int p, unsigned int order)
{
	u64 idx = pcp->lists[p];

	pcp->lists[p] = smm_frame_next(&mm->frames[idx]);
	smm_pcp_census(pcp, idx, -(1LL << order));
	return idx;
}

/*
 * The last @n blocks of list @p (all of it if it holds fewer), cut off
 * and linked the other way round: the coldest first, as
 * free_pcppages_bulk() takes them with list_last_entry(). Returns the
 * first of them and sets *@taken to how many. Two walks of the list,
 * reads only, then a reversal of the blocks leaving it.
 */
static u32 smm_pcp_cut_tail(struct smm_mm *mm, struct smm_pcp *pcp, unsigned int p, u32 n,
			    u32 *taken)
{
	u32 len = 0, idx, before, keep, rev = SMM_FRAME_NONE;

	for (idx = pcp->lists[p]; idx != SMM_FRAME_NONE; idx = smm_frame_next(&mm->frames[idx]))
		len++;
	n = min(n, len);
	idx = pcp->lists[p];
	if (len > n) {
		/* the last block kept: the new tail */
		for (before = idx, keep = len - n - 1; keep; keep--)
			before = smm_frame_next(&mm->frames[before]);
		idx = smm_frame_next(&mm->frames[before]);
		smm_frame_set_next(&mm->frames[before], SMM_FRAME_NONE);
	} else {
		pcp->lists[p] = SMM_FRAME_NONE;
	}
	while (idx != SMM_FRAME_NONE) {
		u32 next = smm_frame_next(&mm->frames[idx]);

		smm_frame_set_next(&mm->frames[idx], rev);
		rev = idx;
		idx = next;
	}
	*taken = n;
	return rev;
}

/*
 * A block leaves the pcp lists for its user, under the pcp lock and its
 * write section only: one store of the whole descriptor, which a zone
 * lock holder reading it as a buddy sees whole (and "not FREE" either way).
 */
static void smm_pcp_set_page(struct smm_mm *mm, u64 idx, unsigned int order, unsigned int mt)
{
	smm_frame_set_head(&mm->frames[idx], SMM_FRAME_PAGE, order, mt);
}

/*
 * rmqueue_bulk() as __rmqueue_pcplist() sizes it: a batch of order-0
 * blocks, batch >> order (at least 2) of a higher order, but a batch of
 * 1 (zones under 32 MiB) stays 1 at every order. The blocks go to the
 * tail in the order the buddy gives them; a block from a CMA pageblock
 * is marked CMA (its pcppage migratetype), so that a drain gives it back
 * to the CMA lists. Under the pcp lock; takes the zone lock.
 */
static bool smm_pcp_refill(struct smm_mm *mm, struct smm_zone *z, struct smm_pcp *pcp,
			   unsigned int p, unsigned int order, unsigned int mt,
			   unsigned int alloc_flags)
{
	u32 n = pcp->batch, i, last = SMM_FRAME_NONE;

	if (WARN_ON_ONCE(pcp->lists[p] != SMM_FRAME_NONE))
		return true;
	if (n > 1)
		n = max(n >> order, 2U);
	smm_lock(&z->lock);
	for (i = 0; i < n; i++) {
		u64 idx = __smm_rmqueue_flags(mm, z, order, mt, alloc_flags);

		if (idx == SMM_NO_IDX)
			break;
		smm_frame_set_linked(&mm->frames[idx], SMM_FRAME_PCP, order,
				     smm_pageblock_mt(mm, idx) == SHADOWMM_MT_CMA ? SHADOWMM_MT_CMA : mt,
				     SMM_FRAME_NONE, SMM_FRAME_NONE);
		if (last != SMM_FRAME_NONE)
			smm_frame_set_next(&mm->frames[last], idx);
		else
			pcp->lists[p] = idx;
		last = idx;
		smm_pcp_census(pcp, idx, 1LL << order);
	}
	smm_unlock(&z->lock);
	if (!i)
		return false;
	smm_count_add(pcp->count, i << order);
	smm_count_add(pcp->stats.refill, 1);
	return true;
}

/*
 * free_pcppages_bulk(): give @count frames back to the buddy. The lists
 * are taken round-robin starting at @pindex (the list just freed to),
 * each emptied from its cold tail before the next is looked at, until
 * @count frames are gone (a block may overshoot it). Each block goes
 * back as the type it was freed as. Called with the pcp lock held;
 * takes the zone lock.
 */
static void smm_pcp_free_bulk(struct smm_mm *mm, struct smm_zone *z, struct smm_pcp *pcp,
			      s64 count, unsigned int pindex)
{
	unsigned int empty = 0;

	count = min(count, (s64)pcp->count);
	if (count <= 0)
		return;
	smm_lock(&z->lock);
	while (count > 0) {
		unsigned int order = smm_pcp_order(pindex);
		u32 idx, n;

		if (pcp->lists[pindex] == SMM_FRAME_NONE) {
			/* count says frames are left but no list has any */
			if (WARN_ON_ONCE(++empty == SMM_NR_PCP_LISTS))
				break;
			pindex = (pindex + 1) % SMM_NR_PCP_LISTS;
			continue;
		}
		empty = 0;
		/* blocks until count is gone: the last may overshoot it */
		idx = smm_pcp_cut_tail(mm, pcp, pindex, (count + (1 << order) - 1) >> order, &n);
		while (idx != SMM_FRAME_NONE) {
			u32 next = smm_frame_next(&mm->frames[idx]);

			smm_pcp_census(pcp, idx, -(1LL << order));
			smm_trace_page_pcpu_drain(mm, idx, order, smm_frame_mt(&mm->frames[idx]));
			__smm_free_one(mm, z, idx, order, smm_frame_mt(&mm->frames[idx]));
			idx = next;
		}
		smm_count_sub(pcp->count, n << order);
		count -= (s64)n << order;
		pindex = (pindex + 1) % SMM_NR_PCP_LISTS;
	}
	smm_unlock(&z->lock);
	smm_count_add(pcp->stats.drain, 1);
}

/*
 * nr_pcp_high() and nr_pcp_free(): how far the lists may grow, and how
 * much a free past that gives back. Each drain with no allocation since
 * the last one doubles (free_factor, up to batch << SCALE_MAX) while
 * leaving at least a batch; a high-order free (orders 1-3) after such a
 * drain gives everything back (free_high), so those blocks do not sit
 * on a CPU that only frees. The shadow has no reclaim, so the kernel's
 * "reclaim active: at most 4 batches" never applies.
 */
static __always_inline u32 smm_pcp_high(const struct smm_pcp *pcp, bool free_high)
{
	return free_high ? 0 : pcp->high;
}

static s64 smm_pcp_nr_free(struct smm_pcp *pcp, u32 high, bool free_high)
{
	s64 batch = pcp->batch, min_nr_free, max_nr_free;

	if (unlikely(free_high))
		return pcp->count;
	if (unlikely(high < batch))
		return 1;
	min_nr_free = batch;
	max_nr_free = (s64)high - batch;
	batch <<= pcp->free_factor;
	if (batch < max_nr_free && pcp->free_factor < SMM_PCP_BATCH_SCALE_MAX)
		pcp->free_factor++;
	return min(max(batch, min_nr_free), max_nr_free);	/* clamp() */
}

/* free_unref_page_commit(): one block onto its list; drain past high. */
static __always_inline void smm_pcp_commit(struct smm_mm *mm, struct smm_zone *z,
					   struct smm_pcp *pcp, u64 idx, unsigned int order,
					   unsigned int mt)
{
	unsigned int p = smm_pcp_index(order, mt);
	bool free_high;
	u32 high;

	smm_pcp_add_head(mm, pcp, p, idx, order, mt);
	smm_count_add(pcp->count, 1U << order);
	smm_count_add(pcp->stats.free[smm_pcp_stat_slot(order)], 1);
	free_high = order && pcp->free_factor && order <= SMM_PCP_MAX_ORDER;
	high = smm_pcp_high(pcp, free_high);
	if (pcp->count >= high)
		smm_pcp_free_bulk(mm, z, pcp, smm_pcp_nr_free(pcp, high, free_high), p);
}

/*
 * __rmqueue_pcplist(): the first block of the list, refilled if empty
 * (the refill steals from other types as @alloc_flags allow: not below a
 * pageblock with ALLOC_NOFRAGMENT).
 */
static __always_inline u64 __smm_pcp_alloc(struct smm_mm *mm, struct smm_zone *z,
					   struct smm_pcp *pcp, unsigned int order,
					   unsigned int mt, unsigned int alloc_flags)
{
	unsigned int p = smm_pcp_index(order, mt);
	u64 idx;

	if (pcp->lists[p] == SMM_FRAME_NONE &&
	    !smm_pcp_refill(mm, z, pcp, p, order, mt, alloc_flags))
		return SMM_NO_IDX;
	idx = smm_pcp_del_head(mm, pcp, p, order);
	/* its own type: a THP list holds unmovable and reclaimable blocks */
	smm_pcp_set_page(mm, idx, order, smm_frame_mt(&mm->frames[idx]));
	smm_count_sub(pcp->count, 1U << order);
	return idx;
}

/*
 * rmqueue_pcplist(): the fast path. An allocation halves free_factor,
 * so the drains shrink back once the CPU allocates again.
 */
u64 smm_pcp_alloc(struct smm_mm *mm, struct smm_zone *z, unsigned int order,
		  unsigned int mt, unsigned int alloc_flags, unsigned int cpu)
{
	struct smm_pcp *pcp = smm_pcp_of(mm, cpu, z - mm->zones);
	u64 idx;

	smm_pcp_lock(pcp);
	pcp->free_factor >>= 1;
	idx = __smm_pcp_alloc(mm, z, pcp, order, mt, alloc_flags);
	if (idx != SMM_NO_IDX)
		smm_count_add(pcp->stats.alloc[smm_pcp_stat_slot(order)], 1);
	smm_pcp_unlock(pcp);
	return idx;
}

/* free_unref_page(): onto this CPU's list; frames go back past high. */
void smm_pcp_free(struct smm_mm *mm, unsigned int zone, u64 idx, unsigned int order,
		  unsigned int mt, unsigned int cpu)
{
	struct smm_pcp *pcp = smm_pcp_of(mm, cpu, zone);

	smm_trace_page_free(mm, idx, order);	/* smm_free_pages()'s, here: it stays a leaf */
	smm_pcp_lock(pcp);
	/* order 0, the common case, compiled with its constants folded */
	if (likely(!order))
		smm_pcp_commit(mm, &mm->zones[zone], pcp, idx, 0, mt);
	else
		smm_pcp_commit(mm, &mm->zones[zone], pcp, idx, order, mt);
	smm_pcp_unlock(pcp);
}

/*
 * free_unref_page_commit()'s drain for an order-0 free that took the
 * lists to high (smm_pcp_free_fast()): out of line, so the fast path
 * keeps fewer values across its lock call. Under the pcp lock.
 */
void smm_pcp_free_high(struct smm_mm *mm, struct smm_pcp *pcp, unsigned int p)
{
	struct smm_zone *z = &mm->zones[(pcp - mm->pcp) % SMM_NR_ZONES];	/* smm_pcp_of() */

	smm_pcp_free_bulk(mm, z, pcp, smm_pcp_nr_free(pcp, pcp->high, false), p);
}

/*
 * The bulk fast path (__alloc_pages_bulk()): up to @nr order-0 blocks of
 * @mt under one taking of the pcp lock. As in the kernel it leaves
 * free_factor alone. Returns how many it got.
 */
unsigned int smm_pcp_alloc_many(struct smm_mm *mm, struct smm_zone *z, unsigned int mt,
				unsigned int cpu, unsigned int nr, u64 *idx)
{
	struct smm_pcp *pcp = smm_pcp_of(mm, cpu, z - mm->zones);
	unsigned int n;

	smm_pcp_lock(pcp);
	for (n = 0; n < nr; n++) {
		idx[n] = __smm_pcp_alloc(mm, z, pcp, 0, mt, 0);
		if (idx[n] == SMM_NO_IDX)
			break;
	}
	smm_count_add(pcp->stats.alloc[0], n);
	smm_pcp_unlock(pcp);
	return n;
}

/*
 * free_unref_page_list(): @nr blocks of one zone onto @cpu's lists under
 * one taking of the lock, each committed as a single free would be.
 */
void smm_pcp_free_many(struct smm_mm *mm, struct smm_zone *z, unsigned int cpu,
		       unsigned int nr, const u64 *idx)
{
	struct smm_pcp *pcp = smm_pcp_of(mm, cpu, z - mm->zones);
	unsigned int i;

	smm_pcp_lock(pcp);
	for (i = 0; i < nr; i++)
		smm_pcp_commit(mm, z, pcp, idx[i], smm_frame_order(&mm->frames[idx[i]]),
			       smm_pageblock_mt(mm, idx[i]));
	smm_pcp_unlock(pcp);
}

/*
 * drain_pages_zone(): everything @cpu holds goes back to the buddy, at
 * most batch << SCALE_MAX frames per taking of its lock, from list 0 on.
 */
void smm_drain_pcp(struct smm_mm *mm, unsigned int cpu)
{
	unsigned int zi;

	for (zi = 0; zi < SMM_NR_ZONES; zi++) {
		struct smm_pcp *pcp = smm_pcp_of(mm, cpu, zi);
		u32 count, left;

		do {
			smm_pcp_lock(pcp);
			count = left = pcp->count;
			if (count) {
				smm_pcp_free_bulk(mm, &mm->zones[zi], pcp,
						  min(count, pcp->batch << SMM_PCP_BATCH_SCALE_MAX), 0);
				left = pcp->count;
			}
			smm_pcp_unlock(pcp);
		} while (left && left < count);
	}
}

void smm_drain_all_pcp(struct smm_mm *mm)
{
	unsigned int cpu;

	for (cpu = 0; cpu < mm->nr_cpus; cpu++)
		smm_drain_pcp(mm, cpu);
}

/*
 * Switch the per-CPU lists on or off at run time (the bench's buddy
 * rows; the caller drains them first when switching off): pcp_enabled
 * and the order-0 gate's pcp_off byte together, under lock_all so that
 * CHECK sees both or neither. The gate closes before the lists go off
 * and opens after they come on.
 */
void smm_pcp_set_enabled(struct smm_mm *mm, bool on)
{
	smm_mutex_lock(&mm->lock_all);
	if (!on)
		WRITE_ONCE(mm->order0_gate.pcp_off, 1);
	WRITE_ONCE(mm->pcp_enabled, on);
	if (on)
		WRITE_ONCE(mm->order0_gate.pcp_off, 0);
	smm_mutex_unlock(&mm->lock_all);
}

/*
 * A change an owner makes to the descriptor of a block it holds (a slab
 * made or unmade, a table or page of a space): one store of @word, in
 * a write section of @cpu's pcp for the block's zone, so the generation
 * moves as it does for the allocator's own changes. It is @cpu's own
 * lock and cache line: uncontended, and written by no other CPU but a
 * draining one.
 */
void smm_frame_publish(struct smm_mm *mm, u64 idx, u64 word, unsigned int cpu)
{
	struct smm_pcp *pcp;

	if (WARN_ON_ONCE(cpu >= mm->nr_cpus || idx >= mm->range->span))
		return;
	pcp = smm_pcp_of(mm, cpu, smm_zone_of(mm, idx));
	smm_pcp_lock(pcp);
	smm_frame_store(&mm->frames[idx], word);
	smm_pcp_unlock(pcp);
}

u64 smm_zone_pcp_frames(const struct smm_mm *mm, unsigned int zone)
{
	unsigned int cpu;
	u64 n = 0;

	for (cpu = 0; cpu < mm->nr_cpus; cpu++)
		n += READ_ONCE(mm->pcp[cpu * SMM_NR_ZONES + zone].count);
	return n;
}
