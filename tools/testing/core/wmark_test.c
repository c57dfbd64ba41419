// SPDX-License-Identifier: GPL-2.0
/*
 * The allocator's decisions against 6.1's: which watermark an attempt
 * checks and which reserves below it the request may use.
 *
 * The reference model below is written from mm/page_alloc.c's rules
 * (Linux 6.1), not from the core's code:
 *   - __alloc_pages() first calls get_page_from_freelist() with
 *     ALLOC_WMARK_LOW and nothing else: no reserve, whatever the gfp;
 *   - the slow path's gfp_to_alloc_flags(): ALLOC_WMARK_MIN, __GFP_HIGH
 *     gives ALLOC_MIN_RESERVE, no __GFP_DIRECT_RECLAIM gives
 *     ALLOC_NON_BLOCK (and with __GFP_HIGH at order > 0 ALLOC_HIGHATOMIC);
 *   - __zone_watermark_ok(): min = mark; with ALLOC_MIN_RESERVE
 *     min -= min / 2, then with ALLOC_NON_BLOCK min -= min / 4; the
 *     zone passes when free - (2^order - 1) > min + lowmem_reserve and,
 *     for order > 0, some free list of order >= the order is not empty;
 *   - __zone_watermark_unusable_free() and the list check: an attempt
 *     without ALLOC_RESERVES (the fast path, and a slow path with neither
 *     __GFP_HIGH nor a cannot-block request) also counts
 *     nr_reserved_highatomic as unusable; the HighAtomic lists count as
 *     a free block only with ALLOC_HIGHATOMIC;
 *   - __GFP_MEMALLOC (SHADOWMM_GFP_RESERVE) then gets ALLOC_NO_WATERMARKS.
 *
 * The seed is printed; SMM_SEED=N replays a run.
 */
#include "harness.h"
#include "common.h"

#define WM_HIGH		SHADOWMM_GFP_HIGH
#define WM_NOWAIT	SHADOWMM_GFP_ATOMIC		/* GFP_NOWAIT */
#define WM_ATOMIC	(SHADOWMM_GFP_ATOMIC | SHADOWMM_GFP_HIGH)	/* GFP_ATOMIC */

/* The model's mark for one attempt: @slow is gfp_to_alloc_flags()'s. */
static s64 ref_min(u64 mark, unsigned int gfp, bool slow)
{
	s64 min = mark;

	if (!slow || !(gfp & SHADOWMM_GFP_HIGH))
		return min;
	min -= min / 2;				/* ALLOC_MIN_RESERVE */
	if (gfp & SHADOWMM_GFP_ATOMIC)
		min -= min / 4;			/* ALLOC_NON_BLOCK */
	return min;
}

/*
 * The model's __zone_watermark_ok() on plain numbers: @reserved is
 * nr_reserved_highatomic, @block whether a list of a requested type has
 * a block of @order or more, @block_ha whether a HighAtomic list has.
 */
static bool ref_wmark_ok(u64 free, unsigned int order, u64 mark, u64 lowmem,
			 unsigned int gfp, bool slow, u64 reserved, bool block, bool block_ha)
{
	bool reserves = slow && (gfp & (SHADOWMM_GFP_HIGH | SHADOWMM_GFP_ATOMIC));
	bool highatomic = slow && order && (gfp & WM_ATOMIC) == WM_ATOMIC;
	s64 f = (s64)free - ((1LL << order) - 1) - (reserves ? 0 : (s64)reserved);

	if (f <= ref_min(mark, gfp, slow) + (s64)lowmem)
		return false;
	return !order || block || (highatomic && block_ha);
}

static u64 wm_rand(u64 *rng, u64 n)
{
	return smm_test_rand(rng) % n;
}

static unsigned int wm_gfp(u64 *rng)
{
	static const unsigned int g[] = {
		0, WM_HIGH, WM_NOWAIT, WM_ATOMIC, SHADOWMM_GFP_RESERVE,
		WM_ATOMIC | SHADOWMM_GFP_RESERVE, WM_HIGH | SHADOWMM_GFP_RESERVE,
	};

	return g[wm_rand(rng, ARRAY_SIZE(g))];
}

/*
 * The watermark check alone, on a zone made up for each case: random
 * free count, lowmem reserve, marks and free lists, every gfp the model
 * knows, fast path (low, no reserve) and slow path (min with the
 * reserves), compared with smm_zone_watermark_fast() given
 * smm_gfp_to_alloc_flags().
 */
SMM_TEST(wmark_check_matches_the_kernel_rules)
{
	u64 rng = smm_test_seed(0x3a7e0001ULL), seed = rng;
	unsigned int i, differ = 0;
	static struct smm_zone z;

	printf("# seed %#llx\n", (unsigned long long)seed);
	for (i = 0; i < 20000; i++) {
		unsigned int order = wm_rand(&rng, 4) ? wm_rand(&rng, 4) : wm_rand(&rng, SMM_NR_ORDERS);
		unsigned int gfp = wm_gfp(&rng), highest = wm_rand(&rng, SMM_NR_ZONES);
		u64 mark = wm_rand(&rng, 4096), lowmem = wm_rand(&rng, 3) ? 0 : wm_rand(&rng, 2048);
		unsigned int o, mt, flags;
		bool block = false, block_ha = false, slow, want, got;

		memset(&z, 0, sizeof(z));
		z.free = wm_rand(&rng, 2 * (mark + lowmem) + 64);
		z.lowmem_reserve[highest] = lowmem;
		if (!wm_rand(&rng, 3))
			z.nr_reserved_highatomic = wm_rand(&rng, 4) * SMM_PAGEBLOCK_FRAMES;
		for (o = 0; o < SMM_NR_ORDERS; o++)
			for (mt = 0; mt < SMM_NR_MT; mt++)
				if (!wm_rand(&rng, 12)) {
					z.area[o].nr_free[mt] = 1;
					/* CMA lists count only with ALLOC_CMA (never here), Isolate never */
					if (mt == SHADOWMM_MT_HIGHATOMIC)
						block_ha |= o >= order;
					else if (mt < SMM_NR_PCPTYPES)
						block |= o >= order;
				}
		slow = wm_rand(&rng, 2);
		flags = slow ? smm_gfp_to_alloc_flags(gfp, order) : SMM_ALLOC_WMARK_LOW;
		want = ref_wmark_ok(z.free, order, mark, lowmem, gfp, slow,
				    z.nr_reserved_highatomic, block, block_ha);
		got = smm_zone_watermark_fast(&z, order, mark, highest, flags);
		if (want != got && differ++ < 5)
			printf("# free %llu reserved %llu order %u mark %llu lowmem %llu gfp %#x %s: core %d, kernel %d\n",
			       (unsigned long long)z.free,
			       (unsigned long long)z.nr_reserved_highatomic, order,
			       (unsigned long long)mark, (unsigned long long)lowmem, gfp,
			       slow ? "slow" : "fast", got, want);
	}
	ASSERT_EQ(differ, 0);
}

/*
 * gfp_to_alloc_flags() case by case: which reserves each kind of request
 * gets, with the kernel's flag values.
 */
SMM_TEST(wmark_gfp_to_alloc_flags)
{
	/* ALLOC_WMARK_MIN is WMARK_MIN, 0 */
	ASSERT_EQ(smm_gfp_to_alloc_flags(0, 0), 0x00);			/* GFP_KERNEL */
	ASSERT_EQ(smm_gfp_to_alloc_flags(0, 3), 0x00);
	ASSERT_EQ(smm_gfp_to_alloc_flags(WM_HIGH, 0), 0x20);		/* MIN_RESERVE */
	ASSERT_EQ(smm_gfp_to_alloc_flags(WM_HIGH, 3), 0x20);
	ASSERT_EQ(smm_gfp_to_alloc_flags(WM_NOWAIT, 0), 0x10);		/* NON_BLOCK */
	ASSERT_EQ(smm_gfp_to_alloc_flags(WM_NOWAIT, 2), 0x10);		/* no HIGHATOMIC */
	ASSERT_EQ(smm_gfp_to_alloc_flags(WM_ATOMIC, 0), 0x30);
	ASSERT_EQ(smm_gfp_to_alloc_flags(WM_ATOMIC, 1), 0x230);		/* + HIGHATOMIC */
	ASSERT_EQ(smm_gfp_to_alloc_flags(SHADOWMM_GFP_RESERVE, 0), 0x00);
}

/* 64 MiB at 256 MiB: one DMA32 zone; min 256, low 320 (min_free_kbytes 1024). */
static const struct smm_test_section wm64m[] = { { 0x10000, 16384 } };

/* Allocate order-0 blocks (no watermark in the way) until @free are left. */
static void wm_fill_to(struct smm_test *_t, struct smm_mm *mm, u64 free)
{
	struct smm_zone *z = &mm->zones[SHADOWMM_ZONE_DMA32];
	u64 idx;

	while (z->free > free)
		ASSERT_EQ(smm_alloc_pages(mm, 0, SHADOWMM_GFP_RESERVE, 0, &idx), 0);
}

/*
 * The kernel's arithmetic at min = 256, order 0, one zone:
 *   GFP_KERNEL, GFP_NOWAIT   min 256: free 257 passes, 256 fails
 *   __GFP_HIGH               256 - 128 = 128: 129 passes, 128 fails
 *   GFP_ATOMIC               128 - 128 / 4 = 96: 97 passes, 96 fails
 *   __GFP_MEMALLOC           no watermark: down to 0
 * Each step allocates one block, so the free count falls by one.
 */
SMM_TEST(wmark_reserves_per_gfp)
{
	struct smm_test_mm t;
	struct smm_zone *z;
	u64 idx;

	ASSERT_EQ(smm_test_mm_init(&t, wm64m, 1, NULL, false, 1), 0);
	z = &t.mm.zones[SHADOWMM_ZONE_DMA32];
	ASSERT_EQ(z->wmark[SMM_WMARK_MIN], 256);
	ASSERT_EQ(z->wmark[SMM_WMARK_LOW], 320);

	/* the fast path: low, no reserve, even for GFP_ATOMIC */
	wm_fill_to(_t, &t.mm, 321);
	ASSERT_EQ(smm_alloc_pages(&t.mm, 0, WM_ATOMIC, 0, &idx), 0);
	ASSERT_EQ(z->stats.wmark_low, 0);
	ASSERT_EQ(smm_alloc_pages(&t.mm, 0, WM_ATOMIC, 0, &idx), 0);
	ASSERT_EQ(z->stats.wmark_low, 1);		/* 320 is not above low */

	wm_fill_to(_t, &t.mm, 257);
	ASSERT_EQ(smm_alloc_pages(&t.mm, 0, 0, 0, &idx), 0);
	ASSERT_EQ(smm_alloc_pages(&t.mm, 0, 0, 0, &idx), -ENOMEM);
	ASSERT_EQ(smm_alloc_pages(&t.mm, 0, WM_NOWAIT, 0, &idx), -ENOMEM);

	wm_fill_to(_t, &t.mm, 129);
	ASSERT_EQ(smm_alloc_pages(&t.mm, 0, WM_HIGH, 0, &idx), 0);
	ASSERT_EQ(smm_alloc_pages(&t.mm, 0, WM_HIGH, 0, &idx), -ENOMEM);

	wm_fill_to(_t, &t.mm, 97);
	ASSERT_EQ(smm_alloc_pages(&t.mm, 0, WM_ATOMIC, 0, &idx), 0);
	ASSERT_EQ(z->free, 96);
	ASSERT_EQ(smm_alloc_pages(&t.mm, 0, WM_ATOMIC, 0, &idx), -ENOMEM);

	wm_fill_to(_t, &t.mm, 0);
	ASSERT_EQ(smm_alloc_pages(&t.mm, 0, SHADOWMM_GFP_RESERVE, 0, &idx), -ENOMEM);
	ASSERT_EQ(smm_test_check(&t.mm), 0);
	smm_test_mm_destroy(&t);
}

/*
 * Order 2 counts the three frames after the first as used: at min 256
 * GFP_ATOMIC passes with 100 free (100 - 3 = 97 > 96) and fails with 99;
 * __GFP_HIGH alone fails with 100 (97 <= 128).
 */
SMM_TEST(wmark_reserves_high_order)
{
	struct smm_test_mm t;
	struct smm_zone *z;
	u64 idx;

	ASSERT_EQ(smm_test_mm_init(&t, wm64m, 1, NULL, false, 1), 0);
	z = &t.mm.zones[SHADOWMM_ZONE_DMA32];
	wm_fill_to(_t, &t.mm, 100);
	ASSERT_EQ(smm_alloc_pages(&t.mm, 2, WM_ATOMIC, 0, &idx), 0);
	smm_free_pages(&t.mm, idx, 0);
	ASSERT_EQ(z->free, 100);
	ASSERT_EQ(smm_alloc_pages(&t.mm, 2, WM_HIGH, 0, &idx), -ENOMEM);	/* 97 <= 128 */
	wm_fill_to(_t, &t.mm, 99);
	ASSERT_EQ(smm_alloc_pages(&t.mm, 2, WM_ATOMIC, 0, &idx), -ENOMEM);	/* 96 <= 96 */
	ASSERT_EQ(smm_test_check(&t.mm), 0);
	smm_test_mm_destroy(&t);
}

/*
 * One order-0 block for a fill, whatever lists have it: as a request
 * that cannot block takes the HighAtomic reserve when nothing else is
 * left (rmqueue_buddy()), so that a fill reaches any free count.
 */
static u64 wm_take(struct smm_mm *mm, struct smm_zone *z)
{
	u64 idx;

	smm_lock(&z->lock);
	idx = __smm_rmqueue_buddy(mm, z, 0, SHADOWMM_MT_MOVABLE, SMM_ALLOC_NON_BLOCK);
	smm_unlock(&z->lock);
	return idx;
}

/*
 * The whole of smm_alloc_pages() against the model, one zone, no per-CPU
 * lists: for random watermarks (min_free_kbytes), free counts around
 * them, orders and gfps, the model says whether the request succeeds
 * and whether the fast path (low, no reserve) had to give up first; the
 * allocator's result and its wmark_low counter must agree. High-order
 * GFP_ATOMIC successes reserve HighAtomic pageblocks on the way, which
 * the model reads back from the zone (nr_reserved_highatomic, the lists)
 * before each request. A request that may block and that the model
 * fails while a reserve exists would then give pageblocks back and
 * retry (smm_unreserve_highatomic()): highatomic_test.c judges those,
 * here they are counted and left out.
 */
SMM_TEST(wmark_alloc_matches_the_kernel_rules)
{
	u64 rng = smm_test_seed(0x3a7e0002ULL), seed = rng;
	struct smm_test_mm t;
	struct smm_zone *z;
	u64 *held, nr_held = 0;
	unsigned int i, differ = 0, give_back = 0, reserved_seen = 0;

	printf("# seed %#llx\n", (unsigned long long)seed);
	ASSERT_EQ(smm_test_mm_init(&t, wm64m, 1, NULL, false, 1), 0);
	z = &t.mm.zones[SHADOWMM_ZONE_DMA32];
	held = calloc(16384, sizeof(*held));
	ASSERT_TRUE(held);
	for (i = 0; i < 5000; i++) {
		unsigned int order = wm_rand(&rng, 3) ? wm_rand(&rng, 3) : wm_rand(&rng, SMM_NR_ORDERS);
		unsigned int gfp = wm_gfp(&rng), o, mt;
		u64 target, lows = z->stats.wmark_low, idx, res;
		bool block = false, block_ha = false, fast, want, got;

		smm_zones_set_watermarks(&t.mm, 128 + wm_rand(&rng, 4096));
		target = wm_rand(&rng, z->wmark[SMM_WMARK_LOW] + 64);
		while (z->free > target) {
			idx = wm_take(&t.mm, z);
			ASSERT_NE(idx, ~0ULL);
			held[nr_held++] = idx;
		}
		while (z->free < target)
			smm_free_pages(&t.mm, held[--nr_held], 0);
		/* the fill may have stolen from a given-back (unmovable) block */
		smm_zones_clear_boost(&t.mm);
		for (o = order; o < SMM_NR_ORDERS; o++)
			for (mt = 0; mt < SMM_NR_MT; mt++) {
				if (mt == SHADOWMM_MT_HIGHATOMIC)
					block_ha |= z->area[o].nr_free[mt] != 0;
				else
					block |= z->area[o].nr_free[mt] != 0;
			}
		res = z->nr_reserved_highatomic;
		reserved_seen += res != 0;

		fast = ref_wmark_ok(z->free, order, z->wmark[SMM_WMARK_LOW], 0, gfp, false, res,
				    block, block_ha);
		want = fast || ref_wmark_ok(z->free, order, z->wmark[SMM_WMARK_MIN], 0, gfp, true,
					    res, block, block_ha) ||
		       ((gfp & SHADOWMM_GFP_RESERVE) && block);
		got = !smm_alloc_pages(&t.mm, order, gfp, 0, &idx);
		if (!want && got && res && !(gfp & SHADOWMM_GFP_ATOMIC) &&
		    fast == (z->stats.wmark_low == lows)) {
			give_back++;
			smm_free_pages(&t.mm, idx, 0);
			continue;
		}
		if ((want != got || fast != (z->stats.wmark_low == lows)) && differ++ < 5)
			printf("# free %llu min %llu order %u gfp %#x: core %d (low %s), kernel %d (low %s)\n",
			       (unsigned long long)z->free + (got << order),
			       (unsigned long long)z->wmark[SMM_WMARK_MIN], order, gfp, got,
			       z->stats.wmark_low == lows ? "ok" : "failed", want,
			       fast ? "ok" : "failed");
		if (got)
			smm_free_pages(&t.mm, idx, 0);
	}
	printf("# %u requests with a HighAtomic reserve, %u served after giving it back\n",
	       reserved_seen, give_back);
	ASSERT_EQ(differ, 0);
	ASSERT_NE(reserved_seen, 0);
	while (nr_held)
		smm_free_pages(&t.mm, held[--nr_held], 0);
	free(held);
	ASSERT_EQ(smm_test_check(&t.mm), 0);
	smm_test_mm_destroy(&t);
}

/* 4 GiB at 4 GiB: one Normal zone of 1,048,576 frames. */
static const struct smm_test_section wm4g[] = { { 0x100000, 1048576 } };

/* The first held block that starts a pageblock not used yet; 0 if none. */
static u64 wm_fresh_pageblock_block(u64 *held, u64 n, u8 *used)
{
	u64 i;

	for (i = 0; i < n; i++) {
		if (held[i] == ~0ULL || held[i] % SMM_PAGEBLOCK_FRAMES || used[held[i] >> 9])
			continue;
		used[held[i] >> 9] = 1;
		return i;
	}
	return n;
}

/*
 * Fill the 4 GiB layout's Normal zone with movable order-8 blocks, then
 * @rounds times free one that starts a fresh pageblock and take an
 * unmovable order-8 block, which only a fallback steal can give: the
 * boost after each steal goes to @boost[]. With @keep the mm is left
 * there, on success, for the caller to look at and destroy; else it is
 * checked and destroyed here. On a failure nothing is left.
 */
static void wm_boost_rounds(struct smm_test *_t, struct smm_test_mm *keep,
			    unsigned int factor, unsigned int rounds, u64 *boost)
{
	struct smm_test_mm own, *t = keep ? keep : &own;
	struct smm_zone *z;
	u64 *held, n = 0, idx, i;
	unsigned int round = 0;
	u8 *used;

	ASSERT_EQ(smm_test_mm_init(t, wm4g, 1, NULL, false, 1), 0);
	held = calloc(4096, sizeof(*held));
	used = calloc(2048, 1);
	if (t->mm.watermark_boost_factor != 15000 ||	/* the kernel's default */
	    smm_set_watermark_boost_factor(&t->mm, factor) || !held || !used)
		goto out;
	z = &t->mm.zones[SHADOWMM_ZONE_NORMAL];
	while (!smm_alloc_pages(&t->mm, 8, SHADOWMM_GFP_MOVABLE | SHADOWMM_GFP_RESERVE, 0, &idx))
		held[n++] = idx;
	if (n != 4096 || z->watermark_boost)	/* no fallback yet */
		goto out;
	for (round = 0; round < rounds; round++) {
		i = wm_fresh_pageblock_block(held, n, used);
		if (i >= n)
			goto out;
		smm_free_pages(&t->mm, held[i], 0);
		held[i] = ~0ULL;
		if (smm_alloc_pages(&t->mm, 8, SHADOWMM_GFP_RESERVE, 0, &idx) ||
		    z->stats.mt_fallback != round + 1)
			goto out;
		boost[round] = z->watermark_boost;
	}
	free(held);
	free(used);
	if (!keep) {
		EXPECT_EQ(smm_test_check(&t->mm), 0);
		smm_test_mm_destroy(t);
	}
	return;
out:
	printf("# boost rounds: factor %u: failed after %llu movable blocks, steal %u\n",
	       factor, (unsigned long long)n, round + 1);
	_t->failed = 1;
	free(held);
	free(used);
	smm_test_mm_destroy(t);
}

/*
 * boost_watermark() on a 4 GiB Normal zone with the kernel's defaults:
 * min_free_kbytes 8192, so min 2048, low 3096, high 4144, and the boost
 * cap is 4144 x 15000 / 10000 = 6216. Each fallback steal of a block
 * smaller than a pageblock adds a pageblock (512) to the boost:
 *
 *   steal:  1    2    3   ...  12    13    14
 *   boost: 512 1024 1536 ... 6144  6216  6216
 *
 * The zone is filled with movable order-8 blocks; each round frees one
 * that starts a pageblock not used before and asks for an unmovable
 * order-8 block, which can only come from it.
 */
SMM_TEST(wmark_boost_steps_and_cap)
{
	struct smm_test_mm t;
	struct smm_zone *z;
	u64 boost[14];
	unsigned int round;

	wm_boost_rounds(_t, &t, 15000, 14, boost);
	if (_t->failed)
		return;
	z = &t.mm.zones[SHADOWMM_ZONE_NORMAL];
	EXPECT_EQ(z->managed, 1048576);
	EXPECT_EQ(t.mm.min_free_kbytes, 8192);
	EXPECT_EQ(z->wmark[SMM_WMARK_MIN], 2048);
	EXPECT_EQ(z->wmark[SMM_WMARK_LOW], 3096);
	EXPECT_EQ(z->wmark[SMM_WMARK_HIGH], 4144);
	for (round = 1; round <= 14; round++)
		EXPECT_EQ(boost[round - 1], round < 13 ? 512 * round : 6216);
	/* what zoneinfo prints: the marks with the boost */
	EXPECT_EQ(smm_wmark_pages(z, SMM_WMARK_MIN), 2048 + 6216);
	EXPECT_EQ(smm_wmark_pages(z, SMM_WMARK_HIGH), 4144 + 6216);
	smm_zones_clear_boost(&t.mm);
	EXPECT_EQ(z->watermark_boost, 0);
	EXPECT_EQ(smm_test_check(&t.mm), 0);
	smm_test_mm_destroy(&t);
}

/*
 * vm.watermark_boost_factor scales boost_watermark()'s cap, high x
 * factor / 10000 (mult_frac()), never under a pageblock; 0 turns the
 * boost off. 4 GiB Normal, high 4144:
 *
 *   factor    cap                         boost after steals 1..6
 *   0         (none)                      0    0    0    0    0    0
 *   100       max(41, 512) = 512          512  512  512  512  512  512
 *   5000      2072                        512 1024 1536 2048 2072 2072
 *   15000     6216                        512 1024 1536 2048 2560 3072
 *
 * The factor is the sysctl's int: above INT_MAX is refused.
 */
SMM_TEST(wmark_boost_factor_scales_the_cap)
{
	static const struct {
		unsigned int factor;
		u64 boost[6];
	} cases[] = {
		{ 0, { 0, 0, 0, 0, 0, 0 } },
		{ 100, { 512, 512, 512, 512, 512, 512 } },
		{ 5000, { 512, 1024, 1536, 2048, 2072, 2072 } },
		{ 15000, { 512, 1024, 1536, 2048, 2560, 3072 } },
	};
	struct smm_mm mm = { .watermark_boost_factor = 7 };
	unsigned int c, r;
	u64 boost[6];

	for (c = 0; c < ARRAY_SIZE(cases); c++) {
		wm_boost_rounds(_t, NULL, cases[c].factor, 6, boost);
		if (_t->failed)
			return;
		for (r = 0; r < 6; r++) {
			if (boost[r] != cases[c].boost[r])
				printf("# factor %u, steal %u: expected boost %llu, saw %llu\n",
				       cases[c].factor, r + 1,
				       (unsigned long long)cases[c].boost[r],
				       (unsigned long long)boost[r]);
			EXPECT_EQ(boost[r], cases[c].boost[r]);
		}
	}
	ASSERT_EQ(smm_set_watermark_boost_factor(&mm, SMM_WATERMARK_BOOST_FACTOR_MAX), 0);
	ASSERT_EQ(mm.watermark_boost_factor, SMM_WATERMARK_BOOST_FACTOR_MAX);
	ASSERT_EQ(smm_set_watermark_boost_factor(&mm, SMM_WATERMARK_BOOST_FACTOR_MAX + 1U),
		  -ERANGE);
	ASSERT_EQ(mm.watermark_boost_factor, SMM_WATERMARK_BOOST_FACTOR_MAX);
}

/*
 * The boost in the watermark check, 64 MiB DMA32 zone (min 256, low 320,
 * high 384; cap max(384 x 1.5, 512) = 576): one steal boosts by 512, so
 * a GFP_KERNEL request stops at min + boost = 768 free instead of 256.
 * An order-0 __GFP_HIGH request at min ignores the boost
 * (zone_watermark_fast()): with 200 free, (256 + 512) / 2 = 384 fails
 * but 256 / 2 = 128 passes; order 1 has no such exception. A zone under
 * four pageblocks, or a factor of 0, never boosts.
 */
SMM_TEST(wmark_boost_raises_the_marks)
{
	struct smm_test_mm t;
	struct smm_zone *z;
	u64 held[64], n = 0, idx, i;

	ASSERT_EQ(smm_test_mm_init(&t, wm64m, 1, NULL, false, 1), 0);
	z = &t.mm.zones[SHADOWMM_ZONE_DMA32];
	while (!smm_alloc_pages(&t.mm, 8, SHADOWMM_GFP_MOVABLE | SHADOWMM_GFP_RESERVE, 0, &idx))
		held[n++] = idx;
	ASSERT_EQ(n, 64);
	for (i = 0; i < 5; i++)
		smm_free_pages(&t.mm, held[2 * i], 0);	/* five pageblocks, one half each */
	ASSERT_EQ(smm_alloc_pages(&t.mm, 0, SHADOWMM_GFP_RESERVE, 0, &idx), 0);
	ASSERT_EQ(z->watermark_boost, 512);
	ASSERT_EQ(z->free, 5 * 256 - 1);
	while (!smm_alloc_pages(&t.mm, 0, SHADOWMM_GFP_MOVABLE, 0, &idx))
		;
	ASSERT_EQ(z->watermark_boost, 512);
	ASSERT_EQ(z->free, 768);
	wm_fill_to(_t, &t.mm, 200);
	ASSERT_EQ(smm_alloc_pages(&t.mm, 1, SHADOWMM_GFP_HIGH, 0, &idx), -ENOMEM);
	ASSERT_EQ(smm_alloc_pages(&t.mm, 0, SHADOWMM_GFP_HIGH, 0, &idx), 0);
	smm_zones_clear_boost(&t.mm);
	ASSERT_EQ(smm_alloc_pages(&t.mm, 1, SHADOWMM_GFP_HIGH, 0, &idx), 0);	/* 199 - 1 > 128 */
	ASSERT_EQ(smm_test_check(&t.mm), 0);
	smm_test_mm_destroy(&t);

	/* 6 MiB of DMA: 1536 frames, under 4 x 512 */
	ASSERT_EQ(smm_test_mm_init(&t, wm64m, 1, "DMA:6M,DMA32:rest", false, 1), 0);
	z = &t.mm.zones[SHADOWMM_ZONE_DMA];
	ASSERT_EQ(z->managed, 1536);
	ASSERT_FALSE(smm_boost_watermark(&t.mm, z));
	ASSERT_TRUE(smm_boost_watermark(&t.mm, &t.mm.zones[SHADOWMM_ZONE_DMA32]));
	t.mm.watermark_boost_factor = 0;
	ASSERT_FALSE(smm_boost_watermark(&t.mm, &t.mm.zones[SHADOWMM_ZONE_DMA32]));
	ASSERT_EQ(t.mm.zones[SHADOWMM_ZONE_DMA32].watermark_boost, 512);
	smm_test_mm_destroy(&t);
}
