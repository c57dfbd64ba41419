// SPDX-License-Identifier: GPL-2.0
/*
 * The HighAtomic reserve against 6.1's rules (mm/page_alloc.c):
 *   - get_page_from_freelist(): a successful attempt with ALLOC_HIGHATOMIC
 *     (the slow path of a high-order GFP_ATOMIC request) reserves the
 *     pageblock of its block (reserve_highatomic_pageblock()): at most
 *     managed / 100 + one pageblock, never a pageblock already reserved;
 *   - rmqueue_buddy(): ALLOC_HIGHATOMIC tries the HighAtomic lists first,
 *     a request that cannot block takes from them when nothing else is
 *     left, any other request never;
 *   - __zone_watermark_unusable_free() / __zone_watermark_ok(): without
 *     ALLOC_RESERVES the reserve counts as used; the HighAtomic lists
 *     count as a free block only for ALLOC_HIGHATOMIC;
 *   - unreserve_highatomic_pageblock(): a request that may block gives a
 *     reserved pageblock back (a zone keeps its last one) before its
 *     retry, and before what would be OOM (order <= 3) all of them;
 *   - free_unref_page(): a block of a reserved pageblock goes on the
 *     movable pcp list and back to the HighAtomic lists when drained.
 *
 * One DMA32 zone of 64 MiB (32 pageblocks): the cap is 16384 / 100 + 512
 * = 675 frames, two pageblocks.
 */
#include "harness.h"
#include "common.h"

static const struct smm_test_section ha64m[] = { { 0x10000, 16384 } };

#define HA_ATOMIC	(SHADOWMM_GFP_ATOMIC | SHADOWMM_GFP_HIGH)	/* GFP_ATOMIC */
#define HA_NOWAIT	SHADOWMM_GFP_ATOMIC				/* GFP_NOWAIT */
#define HA_CAP		(16384 / 100 + SMM_PAGEBLOCK_FRAMES)
#define HA_NONE		(~0ULL)

static struct smm_zone *ha_zone(struct smm_mm *mm)
{
	return &mm->zones[SHADOWMM_ZONE_DMA32];
}

static u64 ha_pb(u64 idx)
{
	return idx >> SMM_PAGEBLOCK_ORDER;
}

static bool ha_reserved(const struct smm_mm *mm, u64 idx)
{
	return smm_pageblock_mt(mm, idx) == SHADOWMM_MT_HIGHATOMIC;
}

/* Frames on the HighAtomic free lists. */
static u64 ha_free(const struct smm_zone *z)
{
	u64 n = 0;
	unsigned int o;

	for (o = 0; o < SMM_NR_ORDERS; o++)
		n += z->area[o].nr_free[SHADOWMM_MT_HIGHATOMIC] << o;
	return n;
}

/* Whether a list of a type requests ask for holds anything. */
static bool ha_other_free(const struct smm_zone *z)
{
	unsigned int o, mt;

	for (o = 0; o < SMM_NR_ORDERS; o++)
		for (mt = 0; mt < SMM_NR_PCPTYPES; mt++)
			if (z->area[o].nr_free[mt])
				return true;
	return false;
}

/*
 * Take every free frame as movable blocks of @order straight from the
 * buddy (no watermark, no reserve: the test's own setup), into @held.
 * Returns how many.
 */
static unsigned int ha_hold_all(struct smm_mm *mm, unsigned int order, u64 *held)
{
	struct smm_zone *z = ha_zone(mm);
	unsigned int n = 0;
	u64 idx;

	for (;;) {
		smm_lock(&z->lock);
		idx = __smm_rmqueue_flags(mm, z, order, SHADOWMM_MT_MOVABLE, 0);
		smm_unlock(&z->lock);
		if (idx == HA_NONE)
			return n;
		held[n++] = idx;
	}
}

/*
 * The zone with every pageblock held as an order-9 block but @nr_free
 * of them, every second one from the top (31, 29, ...: no two of them
 * buddies, so reserved pageblocks never merge into an order-10 block),
 * and watermarks of @mfk KiB; *@n gets the held count.
 */
static void ha_setup(struct smm_test *_t, struct smm_test_mm *t, bool pcp, u64 *held,
		     unsigned int nr_free, u64 mfk, unsigned int *n)
{
	unsigned int i, m = 0;

	ASSERT_EQ(smm_test_mm_init(t, ha64m, 1, NULL, pcp, 1), 0);
	ASSERT_EQ(ha_hold_all(&t->mm, SMM_PAGEBLOCK_ORDER, held), 32);
	for (i = 0; i < 32; i++) {
		if (i % 2 && i >= 32 - 2 * nr_free)
			smm_free_pages(&t->mm, held[i], 0);
		else
			held[m++] = held[i];
	}
	*n = m;
	smm_drain_all_pcp(&t->mm);	/* the free pageblocks in the buddy */
	smm_zones_set_watermarks(&t->mm, mfk);
}

/*
 * Min 1024 frames (4096 KiB), low 1280: with three free pageblocks
 * (1536 frames), an order-9 request fails the fast path (1536 - 511 =
 * 1025 <= 1280); GFP_ATOMIC's slow path passes at min x 3/8 = 384.
 * Only that attempt reserves; the first block's pageblock becomes
 * HighAtomic, and its count is one pageblock's frames.
 */
SMM_TEST(highatomic_reserve_on_slow_atomic)
{
	struct smm_test_mm t;
	struct smm_zone *z;
	u64 held[32], idx, lows, res;
	unsigned int n;

	ha_setup(_t, &t, false, held, 3, 4096, &n);
	z = ha_zone(&t.mm);
	ASSERT_EQ(z->wmark[SMM_WMARK_MIN], 1024);
	ASSERT_EQ(z->wmark[SMM_WMARK_LOW], 1280);

	/* order 1 passes the fast path: no reserve */
	ASSERT_EQ(smm_alloc_pages(&t.mm, 1, HA_ATOMIC, 0, &idx), 0);
	ASSERT_EQ(z->nr_reserved_highatomic, 0);
	ASSERT_FALSE(ha_reserved(&t.mm, idx));
	smm_free_pages(&t.mm, idx, 0);

	/* the slow path of a non-atomic one: no reserve either */
	ASSERT_EQ(smm_alloc_pages(&t.mm, 9, HA_NOWAIT, 0, &idx), 0);
	ASSERT_EQ(z->nr_reserved_highatomic, 0);
	smm_free_pages(&t.mm, idx, 0);

	lows = z->stats.wmark_low;
	ASSERT_EQ(smm_alloc_pages(&t.mm, 9, HA_ATOMIC, 0, &idx), 0);
	ASSERT_EQ(z->stats.wmark_low, lows + 1);	/* the fast path gave up */
	ASSERT_EQ(z->nr_reserved_highatomic, SMM_PAGEBLOCK_FRAMES);
	ASSERT_TRUE(ha_reserved(&t.mm, idx));
	ASSERT_EQ(smm_test_check(&t.mm), 0);

	/* its block comes back to the reserve's lists */
	smm_free_pages(&t.mm, idx, 0);
	ASSERT_EQ(ha_free(z), SMM_PAGEBLOCK_FRAMES);
	ASSERT_EQ(z->area[9].nr_free[SHADOWMM_MT_HIGHATOMIC], 1);
	ASSERT_EQ(smm_test_check(&t.mm), 0);

	/*
	 * The next slow GFP_ATOMIC request (1536 - 15 - 512 <= 1280 fails
	 * the fast path) takes the reserve first, though two movable
	 * pageblocks are free; no second pageblock is reserved.
	 */
	res = idx;
	ASSERT_EQ(smm_alloc_pages(&t.mm, 4, HA_ATOMIC, 0, &idx), 0);
	ASSERT_EQ(ha_pb(idx), ha_pb(res));
	ASSERT_EQ(z->nr_reserved_highatomic, SMM_PAGEBLOCK_FRAMES);
	smm_free_pages(&t.mm, idx, 0);
	ASSERT_EQ(smm_test_check(&t.mm), 0);

	/*
	 * The reserved pageblock's buddy (held, movable) comes back: the two
	 * stay apart (__free_one_page(): a HighAtomic pageblock merges with
	 * no other type's), each on its own type's order-9 list.
	 */
	while (n && held[n - 1] != (res ^ SMM_PAGEBLOCK_FRAMES))
		n--;
	ASSERT_NE(n, 0);
	smm_free_pages(&t.mm, held[n - 1], 0);
	ASSERT_EQ(z->area[9].nr_free[SHADOWMM_MT_HIGHATOMIC], 1);
	ASSERT_EQ(smm_frame_order(&t.mm.frames[res]), 9);
	ASSERT_EQ(smm_frame_type(&t.mm.frames[res ^ SMM_PAGEBLOCK_FRAMES]), SMM_FRAME_FREE);
	ASSERT_EQ(smm_test_check(&t.mm), 0);
	smm_test_mm_destroy(&t);
}

/*
 * Issue 20's case: with the free memory in the reserve, high-order
 * requests that may not use it fail (GFP_NOWAIT: no HighAtomic list
 * counts; a costly GFP_KERNEL one: the reserve counts as used and no
 * give-back of a zone's last pageblock), and GFP_ATOMIC's succeeds from
 * the reserve, whose pageblock does not change.
 */
SMM_TEST(highatomic_atomic_served_where_normal_fails)
{
	struct smm_test_mm t;
	struct smm_zone *z;
	u64 held[40], idx, res;
	unsigned int n;

	ha_setup(_t, &t, false, held, 3, 4096, &n);
	z = ha_zone(&t.mm);
	ASSERT_EQ(smm_alloc_pages(&t.mm, 9, HA_ATOMIC, 0, &idx), 0);
	ASSERT_TRUE(ha_reserved(&t.mm, idx));
	res = idx;
	/* the other two pageblocks are taken, the reserved one freed */
	n += ha_hold_all(&t.mm, SMM_PAGEBLOCK_ORDER, held + n);
	smm_free_pages(&t.mm, res, 0);
	ASSERT_EQ(z->free, SMM_PAGEBLOCK_FRAMES);
	ASSERT_FALSE(ha_other_free(z));
	smm_zones_set_watermarks(&t.mm, 128);		/* min 32 */

	ASSERT_EQ(smm_alloc_pages(&t.mm, 2, HA_NOWAIT, 0, &idx), -ENOMEM);
	ASSERT_EQ(smm_alloc_pages(&t.mm, 4, 0, 0, &idx), -ENOMEM);
	ASSERT_EQ(smm_alloc_pages(&t.mm, 4, SHADOWMM_GFP_HIGH, 0, &idx), -ENOMEM);
	ASSERT_EQ(z->nr_reserved_highatomic, SMM_PAGEBLOCK_FRAMES);

	ASSERT_EQ(smm_alloc_pages(&t.mm, 4, HA_ATOMIC, 0, &idx), 0);
	ASSERT_EQ(ha_pb(idx), ha_pb(res));
	ASSERT_EQ(z->nr_reserved_highatomic, SMM_PAGEBLOCK_FRAMES);
	ASSERT_EQ(ha_free(z), SMM_PAGEBLOCK_FRAMES - 16);
	ASSERT_EQ(smm_test_check(&t.mm), 0);
	smm_free_pages(&t.mm, idx, 0);
	while (n)
		smm_free_pages(&t.mm, held[--n], 0);
	ASSERT_EQ(smm_test_check(&t.mm), 0);
	smm_test_mm_destroy(&t);
}

/*
 * The cap: three slow-path GFP_ATOMIC order-9 successes, each in a new
 * pageblock (the reserve's lists are empty: its blocks are held). The
 * first two reserve (0 and 512 < 675), the third does not (1024).
 */
SMM_TEST(highatomic_cap_one_percent)
{
	struct smm_test_mm t;
	struct smm_zone *z;
	u64 held[32], idx[3];
	unsigned int i, n;

	ha_setup(_t, &t, false, held, 5, 8192, &n);	/* min 2048, low 2560 */
	z = ha_zone(&t.mm);
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(smm_alloc_pages(&t.mm, 9, HA_ATOMIC, 0, &idx[i]), 0);
		ASSERT_EQ(ha_free(z), 0);
	}
	ASSERT_TRUE(ha_reserved(&t.mm, idx[0]));
	ASSERT_TRUE(ha_reserved(&t.mm, idx[1]));
	ASSERT_FALSE(ha_reserved(&t.mm, idx[2]));
	ASSERT_EQ(z->nr_reserved_highatomic, 2 * SMM_PAGEBLOCK_FRAMES);
	ASSERT_LT(SMM_PAGEBLOCK_FRAMES, HA_CAP);
	ASSERT_GE(2 * SMM_PAGEBLOCK_FRAMES, HA_CAP);
	ASSERT_EQ(smm_test_check(&t.mm), 0);
	smm_test_mm_destroy(&t);
}

/*
 * Give-back: two reserved pageblocks, both free on the reserve's lists,
 * and one movable pageblock free: 1536 free, 1024 of them reserved. A
 * costly GFP_KERNEL order-9 request fails both attempts (1536 - 511 -
 * 1024 = 1 <= 256), gives one pageblock back as its own type (the zone
 * keeps the other), and the retry (513 > 256) is served from it. Then,
 * with the movable pageblock held, one reserved pageblock left and
 * nothing else free: a costly request fails and gives nothing back; an
 * order-0 one (which the kernel would OOM on) gives the last one back
 * (force) and is served from it.
 */
SMM_TEST(highatomic_unreserve_then_retry)
{
	struct smm_test_mm t;
	struct smm_zone *z;
	u64 held[40], a, b, idx;
	unsigned int n;

	ha_setup(_t, &t, false, held, 3, 4096, &n);
	z = ha_zone(&t.mm);
	ASSERT_EQ(smm_alloc_pages(&t.mm, 9, HA_ATOMIC, 0, &a), 0);
	ASSERT_EQ(smm_alloc_pages(&t.mm, 9, HA_ATOMIC, 0, &b), 0);
	ASSERT_EQ(z->nr_reserved_highatomic, 2 * SMM_PAGEBLOCK_FRAMES);
	smm_free_pages(&t.mm, a, 0);
	smm_free_pages(&t.mm, b, 0);
	ASSERT_EQ(ha_free(z), 2 * SMM_PAGEBLOCK_FRAMES);
	ASSERT_EQ(z->free, 3 * SMM_PAGEBLOCK_FRAMES);
	smm_zones_set_watermarks(&t.mm, 1024);		/* min 256, low 320 */

	ASSERT_EQ(smm_alloc_pages(&t.mm, 9, 0, 0, &idx), 0);
	ASSERT_TRUE(ha_pb(idx) == ha_pb(a) || ha_pb(idx) == ha_pb(b));
	ASSERT_EQ(smm_pageblock_mt(&t.mm, idx), SHADOWMM_MT_UNMOVABLE);
	ASSERT_EQ(z->nr_reserved_highatomic, SMM_PAGEBLOCK_FRAMES);
	ASSERT_EQ(ha_free(z), SMM_PAGEBLOCK_FRAMES);
	ASSERT_EQ(smm_test_check(&t.mm), 0);
	held[n++] = idx;
	n += ha_hold_all(&t.mm, SMM_PAGEBLOCK_ORDER, held + n);
	ASSERT_EQ(z->free, SMM_PAGEBLOCK_FRAMES);

	ASSERT_EQ(smm_alloc_pages(&t.mm, 4, SHADOWMM_GFP_MOVABLE, 0, &idx), -ENOMEM);
	ASSERT_EQ(z->nr_reserved_highatomic, SMM_PAGEBLOCK_FRAMES);
	ASSERT_EQ(smm_alloc_pages(&t.mm, 0, SHADOWMM_GFP_MOVABLE, 0, &idx), 0);
	ASSERT_EQ(z->nr_reserved_highatomic, 0);
	ASSERT_EQ(ha_free(z), 0);
	ASSERT_EQ(smm_pageblock_mt(&t.mm, idx), SHADOWMM_MT_MOVABLE);
	ASSERT_EQ(smm_test_check(&t.mm), 0);
	held[n++] = idx;
	while (n)
		smm_free_pages(&t.mm, held[--n], 0);
	ASSERT_EQ(smm_test_check(&t.mm), 0);
	smm_test_mm_destroy(&t);
}

/*
 * A reserved pageblock given back leaves its free block unmerged beside
 * a free buddy pageblock of the type it becomes, as 6.1's
 * unreserve_highatomic_pageblock() does (move_freepages_block() moves,
 * never merges): both order 9, both movable, apart; CHECK accepts that
 * (a fuzzed k612-rt run once saw CHECK refuse such a pair); a later
 * allocation and free of one merges them.
 */
SMM_TEST(highatomic_given_back_stays_unmerged)
{
	struct smm_test_mm t;
	u64 held[40], a, buddy, x, y;
	unsigned int n, i;

	ha_setup(_t, &t, false, held, 3, 4096, &n);
	ASSERT_EQ(smm_alloc_pages(&t.mm, 9, HA_ATOMIC, 0, &a), 0);
	ASSERT_TRUE(ha_reserved(&t.mm, a));
	smm_free_pages(&t.mm, a, 0);
	buddy = a ^ SMM_PAGEBLOCK_FRAMES;
	for (i = 0; i < n && held[i] != buddy; i++)
		;
	ASSERT_LT(i, n);			/* the held half of the pair */
	held[i] = held[--n];
	smm_free_pages(&t.mm, buddy, 0);	/* HighAtomic beside it: apart */
	ASSERT_EQ(smm_test_check(&t.mm), 0);
	ASSERT_TRUE(smm_unreserve_highatomic(&t.mm, SHADOWMM_ZONE_DMA32, SHADOWMM_MT_MOVABLE, true));
	ASSERT_EQ(smm_pageblock_mt(&t.mm, a), SHADOWMM_MT_MOVABLE);
	ASSERT_EQ(smm_frame_order(&t.mm.frames[a]), 9);
	ASSERT_EQ(smm_frame_order(&t.mm.frames[buddy]), 9);
	ASSERT_EQ(smm_test_check(&t.mm), 0);
	/* both taken and given back: the pair merges */
	ASSERT_EQ(smm_alloc_pages(&t.mm, 9, SHADOWMM_GFP_MOVABLE, 0, &x), 0);
	ASSERT_EQ(smm_alloc_pages(&t.mm, 9, SHADOWMM_GFP_MOVABLE, 0, &y), 0);
	smm_free_pages(&t.mm, x, 0);
	smm_free_pages(&t.mm, y, 0);
	ASSERT_EQ(smm_frame_order(&t.mm.frames[min(a, buddy)]), 10);
	ASSERT_EQ(smm_test_check(&t.mm), 0);
	while (n)
		smm_free_pages(&t.mm, held[--n], 0);
	ASSERT_EQ(smm_test_check(&t.mm), 0);
	smm_test_mm_destroy(&t);
}

/*
 * Order 0 and the reserve: a reserved pageblock with free blocks beside
 * movable free frames. Order-0 requests take the movable frames first:
 * GFP_KERNEL ones while the watermark (the reserve counted as used)
 * lets them, then GFP_ATOMIC and GFP_NOWAIT ones (no reserve counted),
 * never from the reserve while anything else is free. Once nothing else
 * is, those two take from the reserve (rmqueue_buddy()'s last resort)
 * without giving it back, and a GFP_KERNEL one never takes a HighAtomic
 * block: it is served only after the pageblock was given back.
 */
SMM_TEST(highatomic_order0_takes_reserve_last)
{
	struct smm_test_mm t;
	struct smm_zone *z;
	u64 held[40], *small, a;
	unsigned int n, ns = 0;

	small = calloc(1024, sizeof(*small));
	ASSERT_TRUE(small);
	ha_setup(_t, &t, false, held, 3, 4096, &n);
	z = ha_zone(&t.mm);
	ASSERT_EQ(smm_alloc_pages(&t.mm, 9, HA_ATOMIC, 0, &a), 0);
	n += ha_hold_all(&t.mm, SMM_PAGEBLOCK_ORDER, held + n);
	smm_free_pages(&t.mm, a, 0);			/* 512 reserved, free */
	smm_free_pages(&t.mm, held[--n], 0);		/* 512 movable, free */
	smm_zones_set_watermarks(&t.mm, 128);		/* min 32 */

	while (ha_other_free(z)) {
		bool kernel = z->free - z->nr_reserved_highatomic > 2 * z->wmark[SMM_WMARK_LOW];
		unsigned int gfp = SHADOWMM_GFP_MOVABLE | (kernel ? 0 : ns & 1 ? HA_ATOMIC : HA_NOWAIT);

		ASSERT_EQ(smm_alloc_pages(&t.mm, 0, gfp, 0, &small[ns]), 0);
		ASSERT_FALSE(ha_reserved(&t.mm, small[ns]));
		ns++;
	}
	ASSERT_EQ(ns, SMM_PAGEBLOCK_FRAMES);
	ASSERT_EQ(ha_free(z), SMM_PAGEBLOCK_FRAMES);

	ASSERT_EQ(smm_alloc_pages(&t.mm, 0, HA_ATOMIC | SHADOWMM_GFP_MOVABLE, 0, &small[ns]), 0);
	ASSERT_TRUE(ha_reserved(&t.mm, small[ns]));
	ASSERT_EQ(z->nr_reserved_highatomic, SMM_PAGEBLOCK_FRAMES);
	ns++;
	ASSERT_EQ(smm_alloc_pages(&t.mm, 0, HA_NOWAIT | SHADOWMM_GFP_MOVABLE, 0, &small[ns]), 0);
	ASSERT_TRUE(ha_reserved(&t.mm, small[ns]));
	ns++;

	/* __GFP_HIGH passes the watermark (the reserve is not counted) */
	ASSERT_EQ(smm_alloc_pages(&t.mm, 0, SHADOWMM_GFP_HIGH | SHADOWMM_GFP_MOVABLE, 0,
				  &small[ns]), 0);
	ASSERT_FALSE(ha_reserved(&t.mm, small[ns]));
	ASSERT_EQ(z->nr_reserved_highatomic, 0);
	ns++;
	ASSERT_EQ(smm_test_check(&t.mm), 0);
	while (ns)
		smm_free_pages(&t.mm, small[--ns], 0);
	while (n)
		smm_free_pages(&t.mm, held[--n], 0);
	ASSERT_EQ(smm_test_check(&t.mm), 0);
	free(small);
	smm_test_mm_destroy(&t);
}

/*
 * Frees into a reserved pageblock with the per-CPU lists on: the block
 * goes on the movable list of its order keeping its HighAtomic type,
 * and a drain puts it back on the HighAtomic lists. Without the lists
 * it goes there at once (the other tests).
 */
SMM_TEST(highatomic_free_through_pcp_returns_to_reserve)
{
	struct smm_test_mm t;
	struct smm_zone *z;
	struct smm_pcp *pcp;
	u64 held[40], a, b[3], idx;
	unsigned int n, i;

	ha_setup(_t, &t, true, held, 3, 4096, &n);
	z = ha_zone(&t.mm);
	pcp = smm_pcp_of(&t.mm, 0, SHADOWMM_ZONE_DMA32);
	ASSERT_EQ(smm_alloc_pages(&t.mm, 9, HA_ATOMIC, 0, &a), 0);
	ASSERT_TRUE(ha_reserved(&t.mm, a));
	smm_drain_all_pcp(&t.mm);
	n += ha_hold_all(&t.mm, SMM_PAGEBLOCK_ORDER, held + n);
	ASSERT_EQ(z->free, 0);
	smm_free_pages(&t.mm, a, 0);		/* order 9: past high, drained at once */
	smm_drain_all_pcp(&t.mm);
	ASSERT_EQ(ha_free(z), SMM_PAGEBLOCK_FRAMES);
	smm_zones_set_watermarks(&t.mm, 128);

	/*
	 * Order-2 blocks from the reserve (the lists' refill finds nothing:
	 * rmqueue_buddy()); three allocations halve free_factor to 0, so
	 * that the free stays on the list (no free_high): the movable one.
	 */
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(smm_alloc_pages(&t.mm, 2, HA_ATOMIC, 0, &b[i]), 0);
		ASSERT_TRUE(ha_reserved(&t.mm, b[i]));
	}
	ASSERT_EQ(pcp->free_factor, 0);
	smm_free_pages(&t.mm, b[0], 0);
	smm_free_pages(&t.mm, b[1], 0);
	idx = b[2];
	smm_free_pages(&t.mm, idx, 0);
	ASSERT_EQ(pcp->lists[smm_pcp_index(2, SHADOWMM_MT_MOVABLE)], idx);
	ASSERT_EQ(smm_frame_mt(&t.mm.frames[idx]), SHADOWMM_MT_HIGHATOMIC);
	ASSERT_EQ(pcp->lists[smm_pcp_index(2, SHADOWMM_MT_UNMOVABLE)], SMM_FRAME_NONE);
	ASSERT_EQ(smm_test_check(&t.mm), 0);
	smm_drain_all_pcp(&t.mm);
	ASSERT_EQ(ha_free(z), SMM_PAGEBLOCK_FRAMES);
	ASSERT_EQ(z->area[9].nr_free[SHADOWMM_MT_HIGHATOMIC], 1);
	ASSERT_EQ(smm_test_check(&t.mm), 0);
	while (n)
		smm_free_pages(&t.mm, held[--n], 0);
	smm_test_mm_destroy(&t);
}

/*
 * A random sequence against a model of the reserve: the set of reserved
 * pageblocks, changed only as 6.1's rules allow:
 *   - a GFP_ATOMIC request of order > 0 that succeeds after its fast
 *     path gave up adds its block's pageblock, if not reserved and the
 *     count is below the cap; nothing else adds one;
 *   - only requests that may block give pageblocks back: a costly one
 *     (order > 3) at most one and never a zone's last, and one of order
 *     <= 3 that fails leaves no HighAtomic block free;
 *   - a request that may block is never served from a reserved
 *     pageblock, and one that cannot block only when no other list has
 *     anything.
 * nr_reserved_highatomic is 512 x the model's count after every step,
 * CHECK passes every 64 steps. SMM_SEED=N replays a run.
 */
SMM_TEST(highatomic_random_against_model)
{
	static const unsigned int gfps[] = {
		0, SHADOWMM_GFP_MOVABLE, SHADOWMM_GFP_HIGH, HA_NOWAIT, HA_ATOMIC, HA_ATOMIC,
	};
	u64 rng = smm_test_seed(0x4a70a001ULL), seed = rng;
	unsigned int step, reserves = 0, give_backs = 0, from_reserve = 0;
	bool model[32] = { false };
	unsigned int count = 0;
	struct smm_test_mm t;
	struct smm_zone *z;
	u64 *held, nr_held = 0;

	printf("# seed %#llx\n", (unsigned long long)seed);
	held = calloc(16384, sizeof(*held));
	ASSERT_TRUE(held);
	ASSERT_EQ(smm_test_mm_init(&t, ha64m, 1, NULL, false, 1), 0);
	z = ha_zone(&t.mm);
	for (step = 0; step < 20000; step++) {
		u64 r = smm_test_rand(&rng), idx = HA_NONE, lows = z->stats.wmark_low;
		unsigned int gfp = gfps[r % ARRAY_SIZE(gfps)], order, pb, added = 0, gone = 0;
		bool other = ha_other_free(z), got, now, was;

		if (step % 500 == 0)
			smm_zones_set_watermarks(&t.mm, 128 + (r >> 40) % 8192);
		/* keep free around the watermarks: allocate more than free */
		if (nr_held && (r >> 8) % 100 < (z->free < z->wmark[SMM_WMARK_HIGH] ? 45 : 15)) {
			u64 i = (r >> 16) % nr_held;

			smm_free_pages(&t.mm, held[i], 0);
			held[i] = held[--nr_held];
			continue;
		}
		order = (r >> 24) % 4 ? (r >> 28) % 4 : (r >> 28) % SMM_NR_ORDERS;
		got = !smm_alloc_pages(&t.mm, order, gfp, 0, &idx);
		was = got && model[ha_pb(idx)];
		for (pb = 0; pb < 32; pb++) {
			now = smm_pageblock_mt(&t.mm, (u64)pb << SMM_PAGEBLOCK_ORDER) ==
			      SHADOWMM_MT_HIGHATOMIC;
			if (now && !model[pb]) {
				ASSERT_TRUE(got && order && (gfp & HA_ATOMIC) == HA_ATOMIC);
				ASSERT_EQ(pb, ha_pb(idx));
				ASSERT_NE(z->stats.wmark_low, lows);
				ASSERT_LT(count * SMM_PAGEBLOCK_FRAMES, HA_CAP);
				added++;
			} else if (!now && model[pb]) {
				ASSERT_FALSE(gfp & SHADOWMM_GFP_ATOMIC);
				gone++;
			}
			model[pb] = now;
		}
		ASSERT_LE(added, 1);
		if (order > SMM_PCP_MAX_ORDER && gone)
			ASSERT_TRUE(gone == 1 && count >= 2);
		if (!got && !(gfp & SHADOWMM_GFP_ATOMIC) && order <= SMM_PCP_MAX_ORDER)
			ASSERT_EQ(ha_free(z), 0);
		/* a slow GFP_ATOMIC success below the cap reserves */
		if (got && order && (gfp & HA_ATOMIC) == HA_ATOMIC && z->stats.wmark_low != lows &&
		    count * SMM_PAGEBLOCK_FRAMES < HA_CAP && !was)
			ASSERT_EQ(added, 1);
		count += added;
		count -= gone;
		reserves += added;
		give_backs += gone;
		ASSERT_EQ(z->nr_reserved_highatomic, (u64)count * SMM_PAGEBLOCK_FRAMES);
		if (got) {
			if (ha_reserved(&t.mm, idx)) {
				ASSERT_TRUE(gfp & SHADOWMM_GFP_ATOMIC);
				if (!added && !(order && (gfp & HA_ATOMIC) == HA_ATOMIC))
					ASSERT_FALSE(other);
				from_reserve++;
			}
			held[nr_held++] = idx;
		}
		if (step % 64 == 0)
			ASSERT_EQ(smm_test_check(&t.mm), 0);
	}
	printf("# %u reserves, %u give-backs, %u served from a reserved pageblock\n",
	       reserves, give_backs, from_reserve);
	ASSERT_NE(reserves, 0);
	ASSERT_NE(give_backs, 0);
	while (nr_held)
		smm_free_pages(&t.mm, held[--nr_held], 0);
	ASSERT_EQ(smm_test_check(&t.mm), 0);
	free(held);
	smm_test_mm_destroy(&t);
}
