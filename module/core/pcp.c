// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU page lists: each CPU keeps a few free blocks of orders 0..3 per
 * zone and migratetype, so the common allocation and free touch only
 * that CPU's lists and lock, never the zone lock. The lists refill from
 * the buddy `batch` blocks at a time and drain back in batches when they
 * grow past `high`, as in mm/page_alloc.c.
 *
 * Every taking of a pcp lock that changes something is a write section
 * of that pcp's seqcount (smm_pcp_lock()), the refills and drains it
 * does under the zone lock included: the generation a lockless reader
 * sums (smm_mm_generation()) then moves with every change, while the
 * fast path writes only the cache line its CPU already owns.
 */
#include "mm_internal.h"

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

/* zone_highsize(): the low watermark split between the CPUs. */
static u32 smm_pcp_highsize(const struct smm_zone *z, u32 batch, unsigned int nr_cpus)
{
	u64 high = z->wmark[SMM_WMARK_LOW] / nr_cpus;

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
			pcp->batch = smm_pcp_batchsize(mm->zones[zi].managed);
			pcp->high = smm_pcp_highsize(&mm->zones[zi], pcp->batch, mm->nr_cpus);
			for (i = 0; i < SMM_NR_PCP_LISTS; i++)
				pcp->lists[i] = SMM_FRAME_NONE;
		}
	}
}

static inline unsigned int smm_pindex(unsigned int order, unsigned int mt)
{
	return order * SMM_NR_MT + mt;
}

/* Lock @pcp and open a write section: what follows may change descriptors. */
static __always_inline void smm_pcp_lock(struct smm_pcp *pcp)
{
	smm_lock(&pcp->lock);
	smm_seq_write_begin(&pcp->seq);
}

static __always_inline void smm_pcp_unlock(struct smm_pcp *pcp)
{
	smm_seq_write_end(&pcp->seq);
	smm_unlock(&pcp->lock);
}

/*
 * Push and pop keep CHECK's census current for blocks behind its cursor
 * (sweep_end, 0 when no CHECK runs; see check.c).
 */
static void smm_pcp_push(struct smm_mm *mm, struct smm_pcp *pcp, u32 *list, u64 idx,
			 unsigned int order, unsigned int mt)
{
	smm_frame_set_linked(&mm->frames[idx], SMM_FRAME_PCP, order, mt, SMM_FRAME_NONE, *list);
	*list = idx;
	if (unlikely(idx < pcp->sweep_end))
		pcp->sweep_delta += 1 << order;
}

static u64 smm_pcp_pop(struct smm_mm *mm, struct smm_pcp *pcp, u32 *list, unsigned int order)
{
	u64 idx = *list;

	*list = smm_frame_next(&mm->frames[idx]);
	if (unlikely(idx < pcp->sweep_end))
		pcp->sweep_delta -= 1 << order;
	return idx;
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

/* rmqueue_bulk(): take a batch for one list under the zone lock. */
static bool smm_pcp_refill(struct smm_mm *mm, struct smm_zone *z, struct smm_pcp *pcp,
			   unsigned int order, unsigned int mt)
{
	u32 *list = &pcp->lists[smm_pindex(order, mt)];
	u32 n = order ? max(pcp->batch >> order, 2U) : pcp->batch;
	u32 i;

	smm_lock(&z->lock);
	for (i = 0; i < n; i++) {
		u64 idx = __smm_rmqueue(mm, z, order, mt);

		if (idx == SMM_NO_IDX)
			break;
		smm_pcp_push(mm, pcp, list, idx, order, mt);
	}
	smm_unlock(&z->lock);
	if (!i)
		return false;
	smm_count_add(pcp->count, i << order);
	smm_count_add(pcp->stats.refill, 1);
	return true;
}

/*
 * free_pcppages_bulk(): give @count frames back to the buddy, taking the
 * lists in turn so no one order or type keeps its blocks forever.
 * Called with the pcp lock held; takes the zone lock.
 */
static void smm_pcp_free_bulk(struct smm_mm *mm, struct smm_zone *z, struct smm_pcp *pcp,
			      u32 count)
{
	unsigned int pindex = 0, empty = 0;

	count = min(count, pcp->count);
	if (!count)
		return;
	smm_lock(&z->lock);
	while (count) {
		u32 *list = &pcp->lists[pindex];
		unsigned int order = pindex / SMM_NR_MT;
		u64 idx;

		pindex = (pindex + 1) % SMM_NR_PCP_LISTS;
		if (*list == SMM_FRAME_NONE) {
			/* count says frames are left but no list has any */
			if (WARN_ON_ONCE(++empty == SMM_NR_PCP_LISTS))
				break;
			continue;
		}
		empty = 0;
		idx = smm_pcp_pop(mm, pcp, list, order);
		__smm_free_one(mm, z, idx, order, smm_frame_mt(&mm->frames[idx]));
		smm_count_sub(pcp->count, 1U << order);
		count -= min(count, 1U << order);
	}
	smm_unlock(&z->lock);
	smm_count_add(pcp->stats.drain, 1);
}

/* rmqueue_pcplist(): the fast path. */
u64 smm_pcp_alloc(struct smm_mm *mm, struct smm_zone *z, unsigned int order,
		  unsigned int mt, unsigned int cpu)
{
	struct smm_pcp *pcp = smm_pcp_of(mm, cpu, z - mm->zones);
	u32 *list = &pcp->lists[smm_pindex(order, mt)];
	u64 idx = SMM_NO_IDX;

	smm_pcp_lock(pcp);
	if (*list != SMM_FRAME_NONE || smm_pcp_refill(mm, z, pcp, order, mt)) {
		idx = smm_pcp_pop(mm, pcp, list, order);
		smm_pcp_set_page(mm, idx, order, mt);
		smm_count_sub(pcp->count, 1U << order);
		smm_count_add(pcp->stats.alloc[order], 1);
	}
	smm_pcp_unlock(pcp);
	return idx;
}

/* free_unref_page(): onto this CPU's list; a batch goes back past high. */
void smm_pcp_free(struct smm_mm *mm, struct smm_zone *z, u64 idx, unsigned int order,
		  unsigned int mt, unsigned int cpu)
{
	struct smm_pcp *pcp = smm_pcp_of(mm, cpu, z - mm->zones);

	smm_pcp_lock(pcp);
	smm_pcp_push(mm, pcp, &pcp->lists[smm_pindex(order, mt)], idx, order, mt);
	smm_count_add(pcp->count, 1U << order);
	smm_count_add(pcp->stats.free[order], 1);
	if (pcp->count >= pcp->high)
		smm_pcp_free_bulk(mm, z, pcp, pcp->count - pcp->high + pcp->batch);
	smm_pcp_unlock(pcp);
}

/*
 * The bulk fast path (__alloc_pages_bulk()): up to @nr order-0 blocks of
 * @mt under one taking of the pcp lock. Returns how many it got.
 */
unsigned int smm_pcp_alloc_many(struct smm_mm *mm, struct smm_zone *z, unsigned int mt,
				unsigned int cpu, unsigned int nr, u64 *idx)
{
	struct smm_pcp *pcp = smm_pcp_of(mm, cpu, z - mm->zones);
	u32 *list = &pcp->lists[smm_pindex(0, mt)];
	unsigned int n;

	smm_pcp_lock(pcp);
	for (n = 0; n < nr; n++) {
		if (*list == SMM_FRAME_NONE && !smm_pcp_refill(mm, z, pcp, 0, mt))
			break;
		idx[n] = smm_pcp_pop(mm, pcp, list, 0);
		smm_pcp_set_page(mm, idx[n], 0, mt);
	}
	smm_count_sub(pcp->count, n);
	smm_count_add(pcp->stats.alloc[0], n);
	smm_pcp_unlock(pcp);
	return n;
}

/* Free @nr blocks of one zone onto @cpu's lists under one taking of the lock. */
void smm_pcp_free_many(struct smm_mm *mm, struct smm_zone *z, unsigned int cpu,
		       unsigned int nr, const u64 *idx)
{
	struct smm_pcp *pcp = smm_pcp_of(mm, cpu, z - mm->zones);
	unsigned int i;

	smm_pcp_lock(pcp);
	for (i = 0; i < nr; i++) {
		unsigned int order = smm_frame_order(&mm->frames[idx[i]]);

		smm_pcp_push(mm, pcp, &pcp->lists[smm_pindex(order, smm_pageblock_mt(mm, idx[i]))],
			     idx[i], order, smm_pageblock_mt(mm, idx[i]));
		smm_count_add(pcp->count, 1U << order);
		smm_count_add(pcp->stats.free[order], 1);
	}
	if (pcp->count >= pcp->high)
		smm_pcp_free_bulk(mm, z, pcp, pcp->count - pcp->high + pcp->batch);
	smm_pcp_unlock(pcp);
}

/* drain_pages(): everything @cpu holds goes back to the buddy. */
void smm_drain_pcp(struct smm_mm *mm, unsigned int cpu)
{
	unsigned int zi;

	for (zi = 0; zi < SMM_NR_ZONES; zi++) {
		struct smm_pcp *pcp = smm_pcp_of(mm, cpu, zi);

		smm_pcp_lock(pcp);
		smm_pcp_free_bulk(mm, &mm->zones[zi], pcp, pcp->count);
		smm_pcp_unlock(pcp);
	}
}

void smm_drain_all_pcp(struct smm_mm *mm)
{
	unsigned int cpu;

	for (cpu = 0; cpu < mm->nr_cpus; cpu++)
		smm_drain_pcp(mm, cpu);
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
