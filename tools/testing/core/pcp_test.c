// SPDX-License-Identifier: GPL-2.0
/*
 * The per-CPU lists against 6.1's rules (mm/page_alloc.c), written down
 * here a second time as a reference model and compared block by block:
 *
 *   free_unref_page_commit()  list_add() to the head of
 *                             order_to_pindex(mt, order); past
 *                             nr_pcp_high() drain nr_pcp_free() frames,
 *                             starting at that list
 *   nr_pcp_high()             0 for a free_high free, else high
 *   nr_pcp_free()             everything for free_high (a free of order
 *                             1-3 while free_factor > 0); 1 if high <
 *                             batch; else batch << free_factor clamped to
 *                             [batch, high - batch], free_factor growing
 *                             up to PCP_BATCH_SCALE_MAX while below the top
 *   free_pcppages_bulk()      round robin from the list, each list emptied
 *                             from its tail before the next, until the
 *                             count is gone (a block may overshoot it)
 *   rmqueue_pcplist()         free_factor >>= 1, then the list's head;
 *                             an empty list first takes batch blocks of
 *                             order 0, max(batch >> order, 2) of a higher
 *                             order, 1 at every order when batch is 1,
 *                             appended at the tail (rmqueue_bulk())
 *   __alloc_pages_bulk()      as rmqueue_pcplist() but free_factor kept
 *   drain_pages_zone()        chunks of batch << PCP_BATCH_SCALE_MAX
 *                             from list 0
 *
 * What the model cannot know is which blocks the buddy hands a refill:
 * it predicts how many (the request, or what the zone can still split
 * into blocks of the order) and takes the identities from the core's
 * list. Everything else, which block an allocation gets, which blocks a
 * drain gives back, every list's order from head to tail, each CPU's
 * count and free_factor, is compared after every step.
 *
 * The seed is printed; SMM_SEED=N replays a run.
 */
#include "harness.h"
#include "common.h"

#define NO_IDX		(~0ULL)
#define NCPU		2
#define ZI		SHADOWMM_ZONE_NORMAL
#define MAX_LIVE	4096

/* 1 GiB above 4 GiB: one Normal zone, batch 63 */
static const struct smm_test_section sect1g[] = { { 0x100000, 262144 } };
/* 16 MiB above 4 GiB: batch 1 */
static const struct smm_test_section sect16m[] = { { 0x100000, 4096 } };

struct mlist {
	u32 *v;			/* v[0] is the head */
	u32 n;
};

struct mpcp {
	struct mlist l[SMM_NR_PCP_LISTS];
	u32 count, free_factor;
	u64 drains, refills;
};

struct pmodel {
	struct smm_test_mm t;
	struct mpcp cpu[NCPU];
	u64 live[MAX_LIVE];
	unsigned int nr_live;
	u64 live_frames;
	u64 rng;
	u64 steps, refills, drains;
	u32 max_ff;		/* the highest free_factor seen */
};

static struct smm_zone *pm_zone(struct pmodel *m)
{
	return &m->t.mm.zones[ZI];
}

static struct smm_pcp *pm_pcp(struct pmodel *m, unsigned int cpu)
{
	return smm_pcp_of(&m->t.mm, cpu, ZI);
}

static void ml_add_head(struct mlist *l, u32 idx)
{
	memmove(l->v + 1, l->v, l->n * sizeof(*l->v));
	l->v[0] = idx;
	l->n++;
}

static u32 ml_del_head(struct mlist *l)
{
	u32 idx = l->v[0];

	memmove(l->v, l->v + 1, --l->n * sizeof(*l->v));
	return idx;
}

/* free_pcppages_bulk() in the model: the lists' tails go, from @pindex on. */
static void pm_free_bulk(struct pmodel *m, unsigned int cpu, s64 count, unsigned int pindex)
{
	struct mpcp *p = &m->cpu[cpu];

	if (count > p->count)
		count = p->count;
	if (count <= 0)
		return;
	while (count > 0) {
		struct mlist *l = &p->l[pindex];
		unsigned int order = pindex >= SMM_NR_LOWORDER_PCP_LISTS ? SMM_PCP_THP_ORDER
									: pindex / SMM_NR_PCPTYPES;

		while (count > 0 && l->n) {
			l->n--;
			p->count -= 1U << order;
			count -= 1 << order;
		}
		pindex = (pindex + 1) % SMM_NR_PCP_LISTS;
	}
	p->drains++;
}

/* free_unref_page_commit() in the model. */
static void pm_commit(struct pmodel *m, unsigned int cpu, u64 idx, unsigned int order)
{
	struct mpcp *p = &m->cpu[cpu];
	const struct smm_pcp *pcp = pm_pcp(m, cpu);
	unsigned int pbmt = smm_pageblock_mt(&m->t.mm, idx);
	/* a HighAtomic block goes on the movable list (free_unref_page()) */
	unsigned int mt = pbmt < SMM_NR_PCPTYPES ? pbmt : SHADOWMM_MT_MOVABLE;
	unsigned int pindex = order > SMM_PCP_MAX_ORDER ?
			      SMM_NR_LOWORDER_PCP_LISTS + (mt == SHADOWMM_MT_MOVABLE) :
			      order * SMM_NR_PCPTYPES + mt;
	bool free_high = p->free_factor && order && order <= SMM_PCP_MAX_ORDER;
	s64 high = free_high ? 0 : pcp->high, batch = pcp->batch, nr;

	ml_add_head(&p->l[pindex], idx);
	p->count += 1U << order;
	if (p->count < high)
		return;
	if (free_high) {
		nr = p->count;
	} else if (high < batch) {
		nr = 1;
	} else {
		s64 lo = batch, hi = high - batch;

		batch <<= p->free_factor;
		if (batch < hi && p->free_factor < 5)	/* CONFIG_PCP_BATCH_SCALE_MAX */
			p->free_factor++;
		if (p->free_factor > m->max_ff)
			m->max_ff = p->free_factor;
		nr = batch < lo ? lo : batch > hi ? hi : batch;
	}
	pm_free_bulk(m, cpu, nr, pindex);
}

/*
 * How many blocks of @order the zone can hand out now: every free block
 * of that order or above splits into 2^(o - order) of them, and every
 * pcp type falls back on every other.
 */
static u64 pm_zone_blocks(struct pmodel *m, unsigned int order)
{
	const struct smm_zone *z = pm_zone(m);
	unsigned int o, mt;
	u64 n = 0;

	for (o = order; o < SMM_NR_ORDERS; o++)
		for (mt = 0; mt < SMM_NR_PCPTYPES; mt++)
			n += z->area[o].nr_free[mt] << (o - order);
	return n;
}

static u32 pm_refill_size(const struct smm_pcp *pcp, unsigned int order)
{
	u32 batch = pcp->batch;

	if (batch > 1)
		batch = (batch >> order) > 2 ? batch >> order : 2;
	return batch;
}

/* The core's list @pindex of @cpu, head to tail, into @l. */
static int pm_read_list(struct pmodel *m, unsigned int cpu, unsigned int pindex, struct mlist *l)
{
	const struct smm_pcp *pcp = pm_pcp(m, cpu);
	u32 idx;

	l->n = 0;
	for (idx = pcp->lists[pindex]; idx != SMM_FRAME_NONE;
	     idx = smm_frame_next(&m->t.mm.frames[idx])) {
		if (l->n == 262144) {
			printf("# cpu %u list %u: a loop\n", cpu, pindex);
			return -1;
		}
		l->v[l->n++] = idx;
	}
	return 0;
}

static struct mlist pm_scratch;

/* Every list, count and free_factor of every CPU, the core's against the model's. */
static int pm_compare(struct pmodel *m, const char *op)
{
	unsigned int cpu, p, i;

	for (cpu = 0; cpu < NCPU; cpu++) {
		const struct smm_pcp *pcp = pm_pcp(m, cpu);
		struct mpcp *mp = &m->cpu[cpu];

		if (pcp->count != mp->count || pcp->free_factor != mp->free_factor ||
		    pcp->stats.drain != mp->drains) {
			printf("# step %llu (%s) cpu %u: expected count %u free_factor %u drains %llu,"
			       " saw %u %u %llu\n", (unsigned long long)m->steps, op, cpu, mp->count,
			       mp->free_factor, (unsigned long long)mp->drains, pcp->count,
			       pcp->free_factor, (unsigned long long)pcp->stats.drain);
			return -1;
		}
		for (p = 0; p < SMM_NR_PCP_LISTS; p++) {
			if (pm_read_list(m, cpu, p, &pm_scratch))
				return -1;
			for (i = 0; i < pm_scratch.n || i < mp->l[p].n; i++) {
				if (i >= pm_scratch.n || i >= mp->l[p].n ||
				    pm_scratch.v[i] != mp->l[p].v[i]) {
					printf("# step %llu (%s) cpu %u list %u: %u blocks, expected %u;"
					       " first difference at %u\n",
					       (unsigned long long)m->steps, op, cpu, p, pm_scratch.n,
					       mp->l[p].n, i);
					return -1;
				}
			}
		}
	}
	return 0;
}

/*
 * One allocation of @order on @cpu, through smm_alloc_pages() with the
 * reserves (no watermark in the way). Returns -1 on a mismatch, 0 when
 * done or skipped (the zone could not refill the list: the allocator
 * would drain every CPU and retry, which is not the pcp's policy).
 */
static int pm_alloc(struct pmodel *m, unsigned int cpu, unsigned int order, unsigned int mt)
{
	static const unsigned int gfp_of[SMM_NR_PCPTYPES] = {
		[SHADOWMM_MT_UNMOVABLE] = 0,
		[SHADOWMM_MT_MOVABLE] = SHADOWMM_GFP_MOVABLE,
		[SHADOWMM_MT_RECLAIMABLE] = SHADOWMM_GFP_RECLAIMABLE,
	};
	struct mpcp *p = &m->cpu[cpu];
	unsigned int pindex = smm_pcp_index(order, mt);
	struct mlist *l = &p->l[pindex];
	u64 idx, want = NO_IDX, got_blocks = 0;

	if (m->nr_live == MAX_LIVE || m->live_frames + (1ULL << order) > 32768)
		return 0;
	if (!smm_pcp_allowed_order(order)) {
		/* the buddy's alone: nothing of the lists moves */
		if (!pm_zone_blocks(m, order))
			return 0;
	} else if (!l->n) {
		u64 can = pm_zone_blocks(m, order);
		u32 n = pm_refill_size(pm_pcp(m, cpu), order);

		if (!can)
			return 0;
		got_blocks = can < n ? can : n;
	} else {
		want = l->v[0];
	}
	if (smm_alloc_pages(&m->t.mm, order, gfp_of[mt] | SHADOWMM_GFP_RESERVE, cpu, &idx)) {
		printf("# step %llu: order-%u allocation failed\n", (unsigned long long)m->steps,
		       order);
		return -1;
	}
	if (!smm_pcp_allowed_order(order)) {
		m->live[m->nr_live++] = idx;
		m->live_frames += 1ULL << order;
		return pm_compare(m, "buddy alloc");
	}
	p->free_factor >>= 1;
	if (got_blocks) {
		/* the refill, as the core's list now holds it after the block handed out */
		if (pm_read_list(m, cpu, pindex, l))
			return -1;
		if (l->n != got_blocks - 1) {
			printf("# step %llu: refill of order %u took %u blocks, expected %llu\n",
			       (unsigned long long)m->steps, order, l->n + 1,
			       (unsigned long long)got_blocks);
			return -1;
		}
		p->count += (got_blocks - 1) << order;
		p->refills++;
		m->refills++;
	} else {
		if (idx != want) {
			printf("# step %llu: order %u got frame %llu, expected the head %llu\n",
			       (unsigned long long)m->steps, order, (unsigned long long)idx,
			       (unsigned long long)want);
			return -1;
		}
		ml_del_head(l);
		p->count -= 1U << order;
	}
	m->live[m->nr_live++] = idx;
	m->live_frames += 1ULL << order;
	return pm_compare(m, "alloc");
}

static u64 pm_take_live(struct pmodel *m, unsigned int i)
{
	u64 idx = m->live[i];

	m->live[i] = m->live[--m->nr_live];
	m->live_frames -= 1ULL << smm_frame_order(&m->t.mm.frames[idx]);
	return idx;
}

static int pm_free(struct pmodel *m, unsigned int cpu)
{
	u64 idx;
	unsigned int order;

	if (!m->nr_live)
		return 0;
	idx = pm_take_live(m, smm_test_rand(&m->rng) % m->nr_live);
	order = smm_frame_order(&m->t.mm.frames[idx]);
	if (smm_pcp_allowed_order(order))
		pm_commit(m, cpu, idx, order);
	smm_free_pages(&m->t.mm, idx, cpu);
	return pm_compare(m, "free");
}

/* free_unref_page_list(): up to 16 blocks in one call, each committed in turn. */
static int pm_free_bulk_op(struct pmodel *m, unsigned int cpu)
{
	u64 idx[16];
	unsigned int n = smm_test_rand(&m->rng) % 16 + 1, i;

	if (n > m->nr_live)
		n = m->nr_live;
	for (i = 0; i < n; i++) {
		idx[i] = pm_take_live(m, smm_test_rand(&m->rng) % m->nr_live);
		if (smm_pcp_allowed_order(smm_frame_order(&m->t.mm.frames[idx[i]])))
			pm_commit(m, cpu, idx[i], smm_frame_order(&m->t.mm.frames[idx[i]]));
	}
	smm_free_pages_bulk(&m->t.mm, cpu, n, idx);
	return pm_compare(m, "free bulk");
}

/* __alloc_pages_bulk(): order 0, free_factor untouched. */
static int pm_alloc_bulk_op(struct pmodel *m, unsigned int cpu, unsigned int mt)
{
	static const unsigned int gfp_of[SMM_NR_PCPTYPES] = {
		[SHADOWMM_MT_MOVABLE] = SHADOWMM_GFP_MOVABLE,
		[SHADOWMM_MT_RECLAIMABLE] = SHADOWMM_GFP_RECLAIMABLE,
	};
	struct mpcp *p = &m->cpu[cpu];
	struct mlist *l = &p->l[smm_pcp_index(0, mt)];
	unsigned int n = smm_test_rand(&m->rng) % 16 + 1, i, got;
	u64 idx[16];

	if (m->nr_live + n > MAX_LIVE || m->live_frames + n > 32768 ||
	    pm_zone(m)->free < 64 * (u64)pm_pcp(m, cpu)->batch)
		return 0;
	got = smm_alloc_pages_bulk(&m->t.mm, gfp_of[mt] | SHADOWMM_GFP_RESERVE, cpu, n, idx);
	if (got != n) {
		printf("# step %llu: bulk of %u got %u\n", (unsigned long long)m->steps, n, got);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (!l->n) {
			/*
			 * A refill: its first blocks are the ones handed out
			 * next; what the call did not hand out is still on the
			 * core's list.
			 */
			u32 take = pm_refill_size(pm_pcp(m, cpu), 0), j;

			for (j = 0; j < take && i + j < n; j++)
				l->v[j] = idx[i + j];
			if (i + take > n) {
				if (pm_read_list(m, cpu, smm_pcp_index(0, mt), &pm_scratch))
					return -1;
				if (pm_scratch.n != i + take - n) {
					printf("# step %llu: bulk refill left %u blocks, expected %u\n",
					       (unsigned long long)m->steps, pm_scratch.n, i + take - n);
					return -1;
				}
				for (; j < take; j++)
					l->v[j] = pm_scratch.v[j - (n - i)];
			}
			l->n = take;
			p->count += take;
			p->refills++;
			m->refills++;
		}
		if (l->v[0] != idx[i]) {
			printf("# step %llu: bulk block %u is %llu, expected %u\n",
			       (unsigned long long)m->steps, i, (unsigned long long)idx[i], l->v[0]);
			return -1;
		}
		ml_del_head(l);
		p->count--;
		m->live[m->nr_live++] = idx[i];
		m->live_frames++;
	}
	return pm_compare(m, "alloc bulk");
}

/* drain_pages_zone() for every CPU. */
static int pm_drain_all(struct pmodel *m)
{
	unsigned int cpu;

	for (cpu = 0; cpu < NCPU; cpu++) {
		struct mpcp *p = &m->cpu[cpu];
		u32 chunk = pm_pcp(m, cpu)->batch << 5;

		while (p->count)
			pm_free_bulk(m, cpu, p->count < chunk ? p->count : chunk, 0);
	}
	smm_drain_all_pcp(&m->t.mm);
	return pm_compare(m, "drain");
}

static int pm_init(struct pmodel *m, const struct smm_test_section *s, u32 high, u32 batch)
{
	unsigned int cpu, p;

	memset(m, 0, sizeof(*m));
	if (smm_test_mm_init(&m->t, s, 1, NULL, true, NCPU))
		return -1;
	if (!pm_scratch.v)
		pm_scratch.v = calloc(262144 + 1, sizeof(u32));
	for (cpu = 0; cpu < NCPU; cpu++) {
		struct smm_pcp *pcp = pm_pcp(m, cpu);

		if (high)
			pcp->high = high;
		if (batch)
			pcp->batch = batch;
		for (p = 0; p < SMM_NR_PCP_LISTS; p++)
			m->cpu[cpu].l[p].v = calloc(262144, sizeof(u32));
	}
	return 0;
}

static void pm_destroy(struct pmodel *m)
{
	unsigned int cpu, p;

	for (cpu = 0; cpu < NCPU; cpu++)
		for (p = 0; p < SMM_NR_PCP_LISTS; p++)
			free(m->cpu[cpu].l[p].v);
	smm_test_mm_destroy(&m->t);
}

/*
 * @steps random operations. Phases of 64 to 1,024 steps give each CPU a
 * role: one that mostly allocates, one that mostly frees (what makes
 * free_factor climb), or both mixed. Orders: mostly 0, 1-3 often, 9
 * (the THP lists) and 4 (the buddy alone) sometimes.
 */
static int pm_run(struct pmodel *m, u64 steps, u64 seed)
{
	unsigned int phase_left = 0, allocer = 0, freer = 1;

	m->rng = seed;
	for (m->steps = 0; m->steps < steps; m->steps++) {
		u64 r = smm_test_rand(&m->rng);
		unsigned int cpu, order, mt = r % SMM_NR_PCPTYPES, pick = (r >> 8) % 1000;
		/* allocations lead while few blocks live, frees while many */
		unsigned int alloc_bar = m->nr_live < 64 ? 820 : m->live_frames > 24576 ? 220 : 520;
		int ret;

		if (!phase_left) {
			phase_left = 64 + (r >> 20) % 960;
			allocer = (r >> 32) & 1;
			freer = (r >> 33) & 3 ? !allocer : allocer;
		}
		phase_left--;
		order = (r >> 40) % 100;
		order = order < 60 ? 0 : order < 90 ? 1 + order % 3 : order < 95 ? 9 : 4;
		if (pick < 20)
			ret = pm_alloc_bulk_op(m, allocer, mt);
		else if (pick < 40)
			ret = pm_free_bulk_op(m, freer);
		else if (pick < 42)
			ret = pm_drain_all(m);
		else if (pick < alloc_bar) {
			cpu = (r >> 50) % 32 ? allocer : !allocer;
			ret = pm_alloc(m, cpu, order, mt);
		} else {
			cpu = (r >> 50) % 8 ? freer : !freer;
			ret = pm_free(m, cpu);
		}
		if (ret)
			return -1;
		if (m->steps % 4096 == 0 && smm_test_check(&m->t.mm))
			return -1;
	}
	m->drains = m->cpu[0].drains + m->cpu[1].drains;
	return smm_test_check(&m->t.mm);
}

/*
 * The model against the core, at the zone's own batch (63) and high, at
 * a small high that drains all the time, at a high far above the batch
 * (free_factor reaches PCP_BATCH_SCALE_MAX), at batch 1 (zones under 32
 * MiB), and at high below batch (nr_pcp_free()'s "free 1").
 */
SMM_TEST(pcp_model_random_ops)
{
	static const struct { u32 high, batch; u64 steps; } cfgs[] = {
		{ 0, 0, 60000 }, { 96, 7, 60000 }, { 2000, 7, 60000 }, { 6, 1, 20000 },
		{ 3, 5, 10000 },
	};
	u64 seed = smm_test_seed(0x9c9c0001ULL);
	struct pmodel *m = calloc(1, sizeof(*m));
	unsigned int i;

	ASSERT_TRUE(m);
	printf("# seed %#llx\n", (unsigned long long)seed);
	for (i = 0; i < ARRAY_SIZE(cfgs); i++) {
		ASSERT_EQ(pm_init(m, sect1g, cfgs[i].high, cfgs[i].batch), 0);
		if (pm_run(m, cfgs[i].steps, seed + i)) {
			printf("# config high %u batch %u failed\n", cfgs[i].high, cfgs[i].batch);
			pm_destroy(m);
			free(m);
			ASSERT_TRUE(0);
		}
		printf("# high %u batch %u: %llu steps, %llu refills, %llu drains, free_factor up to %u,"
		       " %llu thp frees\n",
		       pm_pcp(m, 0)->high, pm_pcp(m, 0)->batch, (unsigned long long)m->steps,
		       (unsigned long long)m->refills, (unsigned long long)m->drains, m->max_ff,
		       (unsigned long long)(pm_pcp(m, 0)->stats.free[SMM_PCP_THP_SLOT] +
					    pm_pcp(m, 1)->stats.free[SMM_PCP_THP_SLOT]));
		/* the run must have reached the rules it claims to test */
		EXPECT_TRUE(m->drains > 10 && m->refills > 10);
		EXPECT_EQ(m->max_ff >= (cfgs[i].high == 2000 ? 5U : 1U), cfgs[i].high >= cfgs[i].batch);
		EXPECT_TRUE(pm_pcp(m, 0)->stats.alloc[SMM_PCP_THP_SLOT] + pm_pcp(m, 1)->stats.alloc[SMM_PCP_THP_SLOT] > 0);
		pm_destroy(m);
	}
	free(m);
}

/*
 * 12,000 order-0 frees on a CPU that allocates nothing, batch 63 and
 * high 1,548: 6.1 drains 63, 126, 252, 504, 1,008 frames (free_factor
 * 0 to 5), then 1,485 (high - batch) each time: 11 drains. The blocks
 * come from another CPU.
 */
SMM_TEST(pcp_free_factor_doubles_drains)
{
	static const u32 want[] = { 63, 126, 252, 504, 1008, 1485, 1485, 1485, 1485, 1485, 1485 };
	struct smm_test_mm t;
	struct smm_pcp *pcp;
	u64 *idx = calloc(12000, sizeof(*idx));
	u32 seen[32], before;
	unsigned int i, n = 0;

	ASSERT_TRUE(idx);
	ASSERT_EQ(smm_test_mm_init(&t, sect1g, 1, NULL, true, 2), 0);
	pcp = smm_pcp_of(&t.mm, 0, ZI);
	ASSERT_EQ(pcp->batch, 63);
	pcp->high = 1548;
	for (i = 0; i < 12000; i++)
		ASSERT_EQ(smm_alloc_pages(&t.mm, 0, SHADOWMM_GFP_MOVABLE, 1, &idx[i]), 0);
	for (i = 0; i < 12000; i++) {
		before = pcp->count;
		smm_free_pages(&t.mm, idx[i], 0);
		if (pcp->count != before + 1) {
			ASSERT_LT(n, ARRAY_SIZE(seen));
			seen[n++] = before + 1 - pcp->count;
		}
	}
	for (i = 0; i < n; i++)
		printf("# drain %u: %u frames\n", i + 1, seen[i]);
	ASSERT_EQ(n, ARRAY_SIZE(want));
	for (i = 0; i < n; i++)
		ASSERT_EQ(seen[i], want[i]);
	ASSERT_EQ(pcp->free_factor, 5);
	/* one allocation halves it */
	ASSERT_EQ(smm_alloc_pages(&t.mm, 0, SHADOWMM_GFP_MOVABLE, 0, &idx[0]), 0);
	ASSERT_EQ(pcp->free_factor, 2);
	ASSERT_EQ(smm_test_check(&t.mm), 0);
	smm_test_mm_destroy(&t);
	free(idx);
}

/*
 * A free of order 1-3 after a drain (free_factor > 0) gives every frame
 * of the CPU back (free_high), and the drain starts at that list: with
 * order-0 blocks on the list too, the order-1 block goes first.
 */
SMM_TEST(pcp_free_high_empties_the_cpu)
{
	struct smm_test_mm t;
	struct smm_pcp *pcp;
	u64 idx[64], big;
	unsigned int i;

	ASSERT_EQ(smm_test_mm_init(&t, sect1g, 1, NULL, true, 2), 0);
	pcp = smm_pcp_of(&t.mm, 0, ZI);
	pcp->high = 40;
	pcp->batch = 7;
	for (i = 0; i < 64; i++)
		ASSERT_EQ(smm_alloc_pages(&t.mm, 0, SHADOWMM_GFP_MOVABLE, 1, &idx[i]), 0);
	ASSERT_EQ(smm_alloc_pages(&t.mm, 1, SHADOWMM_GFP_MOVABLE, 1, &big), 0);
	for (i = 0; i < 40; i++)
		smm_free_pages(&t.mm, idx[i], 0);
	ASSERT_EQ(pcp->count, 33);		/* 40 - a batch of 7 */
	ASSERT_EQ(pcp->free_factor, 1);
	smm_free_pages(&t.mm, big, 0);
	ASSERT_EQ(pcp->count, 0);
	ASSERT_EQ(pcp->stats.drain, 2);
	/* and an order-0 free after it is an ordinary one */
	smm_free_pages(&t.mm, idx[40], 0);
	ASSERT_EQ(pcp->count, 1);
	ASSERT_EQ(smm_test_check(&t.mm), 0);
	smm_test_mm_destroy(&t);
}

/*
 * free_pcppages_bulk() takes the coldest blocks: those the list has had
 * longest. Frees push at the head, so after freeing A, B, C, ... the
 * drain of a batch gives back the first ones freed.
 */
SMM_TEST(pcp_drain_takes_the_cold_tail)
{
	struct smm_test_mm t;
	struct smm_pcp *pcp;
	u64 idx[16];
	unsigned int i, n;

	ASSERT_EQ(smm_test_mm_init(&t, sect1g, 1, NULL, true, 2), 0);
	pcp = smm_pcp_of(&t.mm, 0, ZI);
	pcp->high = 12;
	pcp->batch = 3;
	for (i = 0; i < 16; i++)
		ASSERT_EQ(smm_alloc_pages(&t.mm, 0, SHADOWMM_GFP_MOVABLE, 1, &idx[i]), 0);
	for (i = 0; i < 12; i++)
		smm_free_pages(&t.mm, idx[i], 0);
	ASSERT_EQ(pcp->count, 9);
	/* idx[0..2] went back to the buddy, idx[11] is the head, idx[3] the tail */
	for (i = 0; i < 3; i++)
		ASSERT_NE(smm_frame_type(&t.mm.frames[idx[i]]), SMM_FRAME_PCP);
	ASSERT_EQ(pcp->lists[smm_pcp_index(0, SHADOWMM_MT_MOVABLE)], idx[11]);
	for (i = pcp->lists[smm_pcp_index(0, SHADOWMM_MT_MOVABLE)], n = 0;
	     smm_frame_next(&t.mm.frames[i]) != SMM_FRAME_NONE; n++)
		i = smm_frame_next(&t.mm.frames[i]);
	ASSERT_EQ(i, idx[3]);
	ASSERT_EQ(n, 8);
	ASSERT_EQ(smm_test_check(&t.mm), 0);
	smm_test_mm_destroy(&t);
}

/*
 * Batch 1 (a 16 MiB zone): every refill takes one block, whatever the
 * order, so the CPU keeps nothing after an allocation; with batch 63 an
 * order-3 refill takes max(63 >> 3, 2) = 7 blocks and a THP refill 2.
 */
SMM_TEST(pcp_refill_sizes)
{
	static const unsigned int orders[] = { 0, 1, 2, 3, 9 };
	struct smm_test_mm t;
	struct smm_pcp *pcp;
	unsigned int i;
	u64 idx, free0;

	ASSERT_EQ(smm_test_mm_init(&t, sect16m, 1, NULL, true, 1), 0);
	pcp = smm_pcp_of(&t.mm, 0, ZI);
	ASSERT_EQ(t.mm.zones[ZI].managed, 4096);
	ASSERT_EQ(pcp->batch, 1);
	for (i = 0; i < ARRAY_SIZE(orders); i++) {
		free0 = t.mm.zones[ZI].free;
		ASSERT_EQ(smm_alloc_pages(&t.mm, orders[i], SHADOWMM_GFP_MOVABLE |
					  SHADOWMM_GFP_RESERVE, 0, &idx), 0);
		ASSERT_EQ(pcp->count, 0);
		ASSERT_EQ(pcp->stats.refill, i + 1);
		ASSERT_EQ(t.mm.zones[ZI].free, free0 - (1ULL << orders[i]));
	}
	ASSERT_EQ(pcp->stats.alloc[SMM_PCP_THP_SLOT], 1);
	ASSERT_EQ(smm_test_check(&t.mm), 0);
	smm_test_mm_destroy(&t);

	ASSERT_EQ(smm_test_mm_init(&t, sect1g, 1, NULL, true, 1), 0);
	pcp = smm_pcp_of(&t.mm, 0, ZI);
	ASSERT_EQ(smm_alloc_pages(&t.mm, 3, SHADOWMM_GFP_MOVABLE, 0, &idx), 0);
	ASSERT_EQ(pcp->count, 6 * 8);
	ASSERT_EQ(smm_alloc_pages(&t.mm, 9, SHADOWMM_GFP_MOVABLE, 0, &idx), 0);
	ASSERT_EQ(pcp->count, 6 * 8 + 512);
	ASSERT_EQ(smm_test_check(&t.mm), 0);
	smm_test_mm_destroy(&t);
}

/*
 * The THP lists: one for movable blocks, one shared by unmovable and
 * reclaimable ones (order_to_pindex()); a freed pageblock-order block
 * waits on its CPU and the next allocation of its kind gets it back.
 */
SMM_TEST(pcp_thp_lists)
{
	struct smm_test_mm t;
	struct smm_pcp *pcp;
	u64 a, b;

	ASSERT_EQ(smm_test_mm_init(&t, sect1g, 1, NULL, true, 1), 0);
	pcp = smm_pcp_of(&t.mm, 0, ZI);
	ASSERT_EQ(smm_pcp_index(9, SHADOWMM_MT_UNMOVABLE), SMM_NR_LOWORDER_PCP_LISTS);
	ASSERT_EQ(smm_pcp_index(9, SHADOWMM_MT_RECLAIMABLE), SMM_NR_LOWORDER_PCP_LISTS);
	ASSERT_EQ(smm_pcp_index(9, SHADOWMM_MT_MOVABLE), SMM_NR_LOWORDER_PCP_LISTS + 1);
	ASSERT_FALSE(smm_pcp_allowed_order(4));
	ASSERT_FALSE(smm_pcp_allowed_order(8));
	ASSERT_TRUE(smm_pcp_allowed_order(9));
	ASSERT_EQ(smm_alloc_pages(&t.mm, 9, SHADOWMM_GFP_RECLAIMABLE, 0, &a), 0);
	ASSERT_EQ(pcp->count, 512);	/* the second block of the refill */
	smm_free_pages(&t.mm, a, 0);
	ASSERT_EQ(pcp->count, 1024);
	ASSERT_EQ(pcp->lists[SMM_NR_LOWORDER_PCP_LISTS], a);
	ASSERT_EQ(smm_frame_type(&t.mm.frames[a]), SMM_FRAME_PCP);
	/* an unmovable THP comes off the shared list: the block just freed */
	ASSERT_EQ(smm_alloc_pages(&t.mm, 9, 0, 0, &b), 0);
	ASSERT_EQ(b, a);
	ASSERT_EQ(pcp->stats.alloc[SMM_PCP_THP_SLOT], 2);
	ASSERT_EQ(pcp->stats.free[SMM_PCP_THP_SLOT], 1);
	ASSERT_EQ(smm_test_check(&t.mm), 0);
	smm_drain_all_pcp(&t.mm);
	ASSERT_EQ(pcp->count, 0);
	ASSERT_EQ(smm_test_check(&t.mm), 0);
	smm_test_mm_destroy(&t);
}

/*
 * zone_highsize(): the low watermark split between nr_split_cpus (the
 * CPUs of the node), not between every possible CPU id: 4 ids of which
 * 1 is online give each CPU the whole low watermark.
 */
SMM_TEST(pcp_high_split_between_online_cpus)
{
	struct smm_test_mm t;
	struct smm_pcp *pcp;
	u64 low;

	ASSERT_EQ(smm_test_mm_init_split(&t, sect1g, 1, 4, 1), 0);
	pcp = smm_pcp_of(&t.mm, 3, ZI);
	low = t.mm.zones[ZI].wmark[SMM_WMARK_LOW];
	ASSERT_TRUE(low / 4 > 4 * pcp->batch);
	ASSERT_EQ(pcp->high, low);
	smm_test_mm_destroy(&t);

	ASSERT_EQ(smm_test_mm_init_split(&t, sect1g, 1, 4, 0), 0);
	pcp = smm_pcp_of(&t.mm, 3, ZI);
	ASSERT_EQ(pcp->high, low / 4);
	smm_test_mm_destroy(&t);
}

/*
 * rmqueue_bulk() appends at the tail: from a fresh buddy the refill's
 * blocks come in ascending frames (each split hands out its low half and
 * the next takes the buddy above), so the list runs ascending from head
 * to tail, after the block handed out. Pushed at the head instead, it
 * would run descending.
 */
SMM_TEST(pcp_refill_keeps_physical_order)
{
	struct smm_test_mm t;
	struct smm_pcp *pcp;
	unsigned int n = 0;
	u64 idx, prev;
	u32 i;

	ASSERT_EQ(smm_test_mm_init(&t, sect1g, 1, NULL, true, 1), 0);
	pcp = smm_pcp_of(&t.mm, 0, ZI);
	ASSERT_EQ(smm_alloc_pages(&t.mm, 0, SHADOWMM_GFP_MOVABLE, 0, &idx), 0);
	prev = idx;
	for (i = pcp->lists[smm_pcp_index(0, SHADOWMM_MT_MOVABLE)]; i != SMM_FRAME_NONE;
	     i = smm_frame_next(&t.mm.frames[i]), n++) {
		ASSERT_EQ(i, prev + 1);
		prev = i;
	}
	ASSERT_EQ(n, 62);
	smm_test_mm_destroy(&t);
}

/*
 * The order-0 fast path (smm_alloc_page_pcp()) finds the request's zone
 * and its pcp from the offsets smm_set_fast_reqs() stored: with a block
 * on each of CPU 0's DMA, DMA32 and Normal lists, a request of each zone
 * gets its own zone's block, and the other lists keep theirs.
 */
SMM_TEST(pcp_fast_path_takes_the_request_zone)
{
	static const struct smm_test_section s[] = { { 0, 16384 } };
	/* movable: the blocks go back to the lists they were taken from */
	static const unsigned int gfp[] = { SHADOWMM_GFP_DMA | SHADOWMM_GFP_MOVABLE,
					    SHADOWMM_GFP_DMA32 | SHADOWMM_GFP_MOVABLE,
					    SHADOWMM_GFP_MOVABLE };
	static const unsigned int zone[] = { SHADOWMM_ZONE_DMA, SHADOWMM_ZONE_DMA32,
					     SHADOWMM_ZONE_NORMAL };
	struct smm_test_mm t;
	u64 idx[3], got;
	unsigned int i, j;

	ASSERT_EQ(smm_test_mm_init(&t, s, 1, "DMA:8M,DMA32:24M,Normal:rest", true, 2), 0);
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(smm_alloc_pages(&t.mm, 0, gfp[i], 0, &idx[i]), 0);
		ASSERT_EQ(smm_zone_of(&t.mm, idx[i]), zone[i]);
	}
	/* each list's head is the block just freed to it */
	for (i = 0; i < 3; i++)
		smm_free_pages(&t.mm, idx[i], 0);
	for (i = 3; i-- > 0;) {
		u64 before[3];

		for (j = 0; j < 3; j++)
			before[j] = smm_pcp_of(&t.mm, 0, zone[j])->count;
		ASSERT_EQ(smm_alloc_pages(&t.mm, 0, gfp[i], 0, &got), 0);
		ASSERT_EQ(got, idx[i]);
		for (j = 0; j < 3; j++)
			ASSERT_EQ(smm_pcp_of(&t.mm, 0, zone[j])->count, before[j] - (j == i));
	}
	for (i = 0; i < 3; i++)
		smm_free_pages(&t.mm, idx[i], 0);
	ASSERT_EQ(smm_test_check(&t.mm), 0);
	smm_test_mm_destroy(&t);
}

/*
 * __GFP_ZERO through the per-CPU lists: an order-0 frame written and
 * freed is at the head of its list; a zeroing request of the same type
 * gets that frame back (the order-0 fast path leaves it to
 * smm_alloc_pages_any(), which pops the same list) with every byte 0,
 * and a request without the flag gets the bytes as they were.
 *
 *   list: [idx] -> ...    alloc(MOVABLE | ZERO) = idx, 4096 bytes of 0
 */
SMM_TEST(pcp_fast_path_zeroes_on_request)
{
	static const struct smm_test_section s[] = { { 0x10000, 16384 } };
	struct smm_test_mm t;
	unsigned char *p;
	unsigned int i, nonzero = 0;
	u64 idx, got;

	ASSERT_EQ(smm_test_mm_init_mem(&t, s, 1, NULL, true, 1), 0);
	ASSERT_EQ(smm_alloc_pages(&t.mm, 0, SHADOWMM_GFP_MOVABLE, 0, &idx), 0);
	p = smm_lowmem_frame(&t.mm, idx);
	ASSERT_TRUE(p != NULL);
	memset(p, 0xaa, 4096);
	smm_free_pages(&t.mm, idx, 0);
	/* without the flag: the same frame, its bytes kept */
	ASSERT_EQ(smm_alloc_pages(&t.mm, 0, SHADOWMM_GFP_MOVABLE, 0, &got), 0);
	ASSERT_EQ(got, idx);
	EXPECT_EQ(p[100], 0xaa);
	smm_free_pages(&t.mm, idx, 0);
	ASSERT_EQ(smm_alloc_pages(&t.mm, 0, SHADOWMM_GFP_MOVABLE | SHADOWMM_GFP_ZERO, 0, &got), 0);
	ASSERT_EQ(got, idx);
	for (i = 0; i < 4096; i++)
		nonzero += p[i] != 0;
	EXPECT_EQ(nonzero, 0);
	smm_free_pages(&t.mm, idx, 0);
	ASSERT_EQ(smm_test_check(&t.mm), 0);
	smm_test_mm_destroy(&t);
}

/*
 * The order-0 push's list by table (smm_pcp_index0[], mm_internal.h)
 * against smm_pcp_index(0, mt) for every value of the descriptor's
 * 3-bit field: the list types their own lists, HighAtomic, CMA and the
 * rest the movable one.
 */
SMM_TEST(pcp_index0_is_smm_pcp_index)
{
	unsigned int mt;

	for (mt = 0; mt < ARRAY_SIZE(smm_pcp_index0); mt++)
		EXPECT_EQ(smm_pcp_index0[mt], smm_pcp_index(0, mt));
	ASSERT_EQ(ARRAY_SIZE(smm_pcp_index0), 1U << SMM_FRAME_MT_BITS);
}
