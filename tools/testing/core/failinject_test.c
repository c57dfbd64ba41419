// SPDX-License-Identifier: GPL-2.0
/*
 * Fault injection (failinject.c): should_fail_ex()'s order of checks
 * (times, space, interval, probability), the seeded generator that
 * makes a run repeat, fail_page_alloc's filters (min-order,
 * ignore-gfp-atomic, ignore-gfp-wait, zone), failslab's cache filter, and
 * the allocators left whole by the failures: CHECK passes and every
 * frame is free again once what succeeded is freed.
 *
 *   16 MiB, one zone, pcp lists, one CPU:
 *   [ DMA32 ............................................ 4096 frames ]
 */
#include "harness.h"
#include "common.h"
#include "../../../module/core/slab.h"
#include "../../../module/core/lru.h"

#define FI_FRAMES	4096
#define FI_CALLS	400

static int fi_init(struct smm_test_mm *t)
{
	static const struct smm_test_section sec = { 0x10000, FI_FRAMES };

	return smm_test_mm_init_mem(t, &sec, 1, NULL, true, 1);
}

static u64 fi_avail(const struct smm_mm *mm)
{
	return smm_test_free_frames(mm) + smm_test_pcp_frames(mm);
}

/* Set one value of @target, which must be accepted. */
static int fi_set(struct smm_mm *mm, unsigned int target, unsigned int attr, s64 v)
{
	const char *why = NULL;

	return smm_fail_set(&mm->fail[target], target, attr, v, &why);
}

/* Arm @target: probability @p, interval @i, times @n, no space, silent, seed @seed. */
static int fi_arm(struct smm_mm *mm, unsigned int target, s64 p, s64 i, s64 n, u64 seed)
{
	return fi_set(mm, target, SHADOWMM_A_FAULT_VERBOSE, 0) ||
	       fi_set(mm, target, SHADOWMM_A_FAULT_SEED, seed) ||
	       fi_set(mm, target, SHADOWMM_A_FAULT_INTERVAL, i) ||
	       fi_set(mm, target, SHADOWMM_A_FAULT_TIMES, n) ||
	       fi_set(mm, target, SHADOWMM_A_FAULT_PROBABILITY, p);
}

/* Free every block in @idx[@n] that is not ~0. */
static void fi_free_all(struct smm_mm *mm, const u64 *idx, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (idx[i] != ~0ULL)
			smm_free_pages(mm, idx[i], 0);
}

/*
 * Probability 10, interval 1, times -1, min-order 0, seed 42: FI_CALLS
 * order-0 allocations fail exactly where the same generator, stepped
 * once per call, draws below 10 (worked out here from
 * smm_fail_rand_below() and the seed); the counters say so; after
 * freeing what succeeded CHECK passes and every frame is free.
 */
SMM_TEST(failinject_probability_follows_seed)
{
	static u64 idx[FI_CALLS];
	struct smm_test_mm t;
	struct smm_mm *mm = &t.mm;
	u64 avail0, rng = 42, expected = 0;
	unsigned int i, wrong = 0;

	ASSERT_EQ(fi_init(&t), 0);
	avail0 = fi_avail(mm);
	ASSERT_EQ(fi_set(mm, SHADOWMM_FAULT_PAGE_ALLOC, SHADOWMM_A_FAULT_MIN_ORDER, 0), 0);
	ASSERT_EQ(fi_arm(mm, SHADOWMM_FAULT_PAGE_ALLOC, 10, 1, -1, 42), 0);
	for (i = 0; i < FI_CALLS; i++) {
		bool fail = smm_fail_rand_below(&rng, 100) < 10;
		int ret = smm_alloc_pages(mm, 0, 0, 0, &idx[i]);

		expected += fail;
		wrong += fail ? ret != -ENOMEM : ret != 0;
		if (ret)
			idx[i] = ~0ULL;
	}
	EXPECT_EQ(wrong, 0);
	EXPECT_TRUE(expected > 20 && expected < 60);	/* about 10% of 400 */
	EXPECT_EQ(smm_fail_get(&mm->fail[0], SHADOWMM_A_FAULT_CALLS), FI_CALLS);
	EXPECT_EQ(smm_fail_get(&mm->fail[0], SHADOWMM_A_FAULT_FAILURES), expected);
	EXPECT_EQ(smm_test_check(mm), 0);
	fi_free_all(mm, idx, FI_CALLS);
	EXPECT_EQ(smm_test_check(mm), 0);
	EXPECT_EQ(fi_avail(mm), avail0);
	smm_test_mm_destroy(&t);
}

/*
 * Probability 100, interval 3, times 2: of 9 calls the 3rd and the 6th
 * fail, then times is 0 and nothing more does; every call is counted.
 */
SMM_TEST(failinject_interval_and_times)
{
	static u64 idx[9];
	struct smm_test_mm t;
	struct smm_mm *mm = &t.mm;
	unsigned int i;

	ASSERT_EQ(fi_init(&t), 0);
	ASSERT_EQ(fi_set(mm, SHADOWMM_FAULT_PAGE_ALLOC, SHADOWMM_A_FAULT_MIN_ORDER, 0), 0);
	ASSERT_EQ(fi_arm(mm, SHADOWMM_FAULT_PAGE_ALLOC, 100, 3, 2, 1), 0);
	for (i = 0; i < 9; i++) {
		int ret = smm_alloc_pages(mm, 0, 0, 0, &idx[i]);

		EXPECT_EQ(ret, i == 2 || i == 5 ? -ENOMEM : 0);
		if (ret)
			idx[i] = ~0ULL;
	}
	EXPECT_EQ(smm_fail_get(&mm->fail[0], SHADOWMM_A_FAULT_TIMES), 0);
	EXPECT_EQ(smm_fail_get(&mm->fail[0], SHADOWMM_A_FAULT_CALLS), 9);
	EXPECT_EQ(smm_fail_get(&mm->fail[0], SHADOWMM_A_FAULT_FAILURES), 2);
	fi_free_all(mm, idx, 9);
	EXPECT_EQ(smm_test_check(mm), 0);
	smm_test_mm_destroy(&t);
}

/*
 * space 5 at probability 100: the size of a call (1 << order pages, as
 * the kernel's fail_page_alloc) is let through while space is above it:
 * order 0 takes 5 -> 4 -> 3 -> 2 -> 1, the fifth call fails (1 is not
 * above 1). Then space 5 again and order 2 (size 4): one through, then
 * a failure.
 */
SMM_TEST(failinject_space)
{
	u64 idx[6];
	struct smm_test_mm t;
	struct smm_mm *mm = &t.mm;
	unsigned int i;

	ASSERT_EQ(fi_init(&t), 0);
	ASSERT_EQ(fi_set(mm, SHADOWMM_FAULT_PAGE_ALLOC, SHADOWMM_A_FAULT_MIN_ORDER, 0), 0);
	ASSERT_EQ(fi_arm(mm, SHADOWMM_FAULT_PAGE_ALLOC, 100, 1, -1, 1), 0);
	ASSERT_EQ(fi_set(mm, SHADOWMM_FAULT_PAGE_ALLOC, SHADOWMM_A_FAULT_SPACE, 5), 0);
	for (i = 0; i < 5; i++) {
		int ret = smm_alloc_pages(mm, 0, 0, 0, &idx[i]);

		EXPECT_EQ(ret, i == 4 ? -ENOMEM : 0);
		if (ret)
			idx[i] = ~0ULL;
	}
	EXPECT_EQ(smm_fail_get(&mm->fail[0], SHADOWMM_A_FAULT_SPACE), 1);
	fi_free_all(mm, idx, 5);
	ASSERT_EQ(fi_set(mm, SHADOWMM_FAULT_PAGE_ALLOC, SHADOWMM_A_FAULT_SPACE, 5), 0);
	EXPECT_EQ(smm_alloc_pages(mm, 2, 0, 0, &idx[0]), 0);
	EXPECT_EQ(smm_alloc_pages(mm, 2, 0, 0, &idx[1]), -ENOMEM);
	smm_free_pages(mm, idx[0], 0);
	EXPECT_EQ(smm_test_check(mm), 0);
	smm_test_mm_destroy(&t);
}

/*
 * fail_page_alloc's filters at probability 100, times -1, from the
 * defaults: order 0 is below min-order 1 and passes; an ATOMIC order-1
 * request passes (ignore-gfp-atomic), one that may reclaim passes
 * (ignore-gfp-wait); a plain order-1 request fails. Only the last is
 * counted as a call. With the filters off each of them fails, and the
 * reclaiming allocation gives its CPU back on the way out.
 */
SMM_TEST(failinject_page_filters)
{
	struct smm_test_mm t;
	struct smm_mm *mm = &t.mm;
	struct smm_fail_attr *a = &mm->fail[SHADOWMM_FAULT_PAGE_ALLOC];
	unsigned int cpu;
	u64 idx[3];

	ASSERT_EQ(fi_init(&t), 0);
	ASSERT_EQ(fi_arm(mm, SHADOWMM_FAULT_PAGE_ALLOC, 100, 1, -1, 1), 0);
	EXPECT_EQ(smm_alloc_pages(mm, 0, 0, 0, &idx[0]), 0);
	EXPECT_EQ(smm_alloc_pages(mm, 1, SHADOWMM_GFP_ATOMIC, 0, &idx[1]), 0);
	EXPECT_EQ(smm_alloc_pages_reclaim(mm, 1, SMM_GFP_DIRECT_RECLAIM, &cpu, &idx[2]), 0);
	smm_cpu_put();
	EXPECT_EQ(smm_fail_get(a, SHADOWMM_A_FAULT_CALLS), 0);
	fi_free_all(mm, idx, 3);
	EXPECT_EQ(smm_alloc_pages(mm, 1, 0, 0, &idx[0]), -ENOMEM);
	EXPECT_EQ(smm_fail_get(a, SHADOWMM_A_FAULT_CALLS), 1);

	ASSERT_EQ(fi_set(mm, SHADOWMM_FAULT_PAGE_ALLOC, SHADOWMM_A_FAULT_MIN_ORDER, 0), 0);
	ASSERT_EQ(fi_set(mm, SHADOWMM_FAULT_PAGE_ALLOC, SHADOWMM_A_FAULT_IGNORE_GFP_ATOMIC, 0), 0);
	ASSERT_EQ(fi_set(mm, SHADOWMM_FAULT_PAGE_ALLOC, SHADOWMM_A_FAULT_IGNORE_GFP_WAIT, 0), 0);
	EXPECT_EQ(smm_alloc_pages(mm, 0, 0, 0, &idx[0]), -ENOMEM);
	EXPECT_EQ(smm_alloc_pages(mm, 1, SHADOWMM_GFP_ATOMIC, 0, &idx[0]), -ENOMEM);
	EXPECT_EQ(smm_alloc_pages_reclaim(mm, 1, SMM_GFP_DIRECT_RECLAIM, &cpu, &idx[0]), -ENOMEM);
	EXPECT_EQ(smm_fail_get(a, SHADOWMM_A_FAULT_FAILURES), 4);
	EXPECT_EQ(smm_test_check(mm), 0);
	smm_test_mm_destroy(&t);
}

/*
 * The zone filter (the shadow's own): with zone DMA32 only requests
 * whose zone modifier makes DMA32 their highest zone fail; a request
 * without one (highest Normal) passes the filter and is served from
 * DMA32, the only zone here; with zone DMA neither fails; with -1 (any)
 * both do. calls counts only what passed the filter.
 */
SMM_TEST(failinject_zone_filter)
{
	struct smm_test_mm t;
	struct smm_mm *mm = &t.mm;
	struct smm_fail_attr *a = &mm->fail[SHADOWMM_FAULT_PAGE_ALLOC];
	u64 idx[2];

	ASSERT_EQ(fi_init(&t), 0);
	EXPECT_EQ((s64)smm_fail_get(a, SHADOWMM_A_FAULT_ZONE), -1);
	ASSERT_EQ(fi_arm(mm, SHADOWMM_FAULT_PAGE_ALLOC, 100, 1, -1, 1), 0);
	ASSERT_EQ(fi_set(mm, SHADOWMM_FAULT_PAGE_ALLOC, SHADOWMM_A_FAULT_MIN_ORDER, 0), 0);
	ASSERT_EQ(fi_set(mm, SHADOWMM_FAULT_PAGE_ALLOC, SHADOWMM_A_FAULT_ZONE,
			 SHADOWMM_ZONE_DMA32), 0);
	EXPECT_EQ(smm_alloc_pages(mm, 0, 0, 0, &idx[0]), 0);
	EXPECT_EQ(smm_alloc_pages(mm, 0, SHADOWMM_GFP_DMA32, 0, &idx[1]), -ENOMEM);
	EXPECT_EQ(smm_fail_get(a, SHADOWMM_A_FAULT_CALLS), 1);
	smm_free_pages(mm, idx[0], 0);

	ASSERT_EQ(fi_set(mm, SHADOWMM_FAULT_PAGE_ALLOC, SHADOWMM_A_FAULT_ZONE,
			 SHADOWMM_ZONE_DMA), 0);
	EXPECT_EQ(smm_alloc_pages(mm, 0, 0, 0, &idx[0]), 0);
	EXPECT_EQ(smm_alloc_pages(mm, 0, SHADOWMM_GFP_DMA32, 0, &idx[1]), 0);
	fi_free_all(mm, idx, 2);
	EXPECT_EQ(smm_fail_get(a, SHADOWMM_A_FAULT_CALLS), 1);

	ASSERT_EQ(fi_set(mm, SHADOWMM_FAULT_PAGE_ALLOC, SHADOWMM_A_FAULT_ZONE, -1), 0);
	EXPECT_EQ(smm_alloc_pages(mm, 0, 0, 0, &idx[0]), -ENOMEM);
	EXPECT_EQ(smm_alloc_pages(mm, 0, SHADOWMM_GFP_DMA32, 0, &idx[1]), -ENOMEM);
	EXPECT_EQ(smm_fail_get(a, SHADOWMM_A_FAULT_FAILURES), 3);
	EXPECT_EQ(smm_test_check(mm), 0);
	smm_test_mm_destroy(&t);
}

/*
 * The LRU record pool's first page refused (debug-quick's kmemleak found
 * this): the directory smm_lru_setup() made for it goes again, as it
 * goes with the last pool page, so nothing is left behind.
 */
SMM_TEST(failinject_lru_pool_first_page)
{
	struct smm_test_mm t;
	struct smm_mm *mm = &t.mm;
	u32 rec;

	ASSERT_EQ(fi_init(&t), 0);
	ASSERT_EQ(fi_arm(mm, SHADOWMM_FAULT_PAGE_ALLOC, 100, 1, -1, 1), 0);
	ASSERT_EQ(fi_set(mm, SHADOWMM_FAULT_PAGE_ALLOC, SHADOWMM_A_FAULT_MIN_ORDER, 0), 0);
	EXPECT_EQ(smm_lru_rec_alloc(mm, 0, &rec), -ENOMEM);
	EXPECT_TRUE(mm->lru_pool.dir == NULL);
	EXPECT_TRUE(mm->lru_pool.used == NULL);
	EXPECT_EQ(mm->lru_pool.pages, 0);
	ASSERT_EQ(fi_set(mm, SHADOWMM_FAULT_PAGE_ALLOC, SHADOWMM_A_FAULT_PROBABILITY, 0), 0);
	ASSERT_EQ(smm_lru_rec_alloc(mm, 0, &rec), 0);
	smm_lru_rec_free(mm, rec);
	EXPECT_TRUE(mm->lru_pool.dir == NULL);
	EXPECT_EQ(smm_test_check(mm), 0);
	smm_test_mm_destroy(&t);
}

/*
 * failslab at probability 100, times -1: with cache-filter only the
 * cache created with SHADOWMM_CACHE_FAILSLAB fails; without it both
 * do. The object size is the call's size (space 100 lets a 64-byte
 * object through once). Everything freed, the slab layer's CHECK
 * passes and the frames are back.
 */
SMM_TEST(failinject_failslab_cache_filter)
{
	struct smm_test_mm t;
	struct smm_mm *mm = &t.mm;
	struct smm_slabs s;
	struct smm_cache *marked, *plain;
	char why[160];
	u64 pos[2], avail0;

	ASSERT_EQ(fi_init(&t), 0);
	ASSERT_EQ(smm_slabs_init(&s, mm, 0x12345678, 0), 0);
	ASSERT_EQ(smm_cache_create(&s, "fi_marked", 64, 0, SHADOWMM_CACHE_FAILSLAB, &marked), 0);
	ASSERT_EQ(smm_cache_create(&s, "fi_plain", 64, 0, 0, &plain), 0);
	avail0 = fi_avail(mm);
	ASSERT_EQ(fi_arm(mm, SHADOWMM_FAULT_SLAB, 100, 1, -1, 1), 0);
	ASSERT_EQ(fi_set(mm, SHADOWMM_FAULT_SLAB, SHADOWMM_A_FAULT_CACHE_FILTER, 1), 0);
	EXPECT_TRUE(smm_cache_alloc(marked, 0, 0, &pos[0]) == NULL);
	ASSERT_TRUE(smm_cache_alloc(plain, 0, 0, &pos[1]) != NULL);
	EXPECT_EQ(smm_cache_free(plain, pos[1], 0), 0);

	ASSERT_EQ(fi_set(mm, SHADOWMM_FAULT_SLAB, SHADOWMM_A_FAULT_CACHE_FILTER, 0), 0);
	EXPECT_TRUE(smm_cache_alloc(plain, 0, 0, &pos[1]) == NULL);
	ASSERT_EQ(fi_set(mm, SHADOWMM_FAULT_SLAB, SHADOWMM_A_FAULT_SPACE, 100), 0);
	ASSERT_TRUE(smm_cache_alloc(marked, 0, 0, &pos[0]) != NULL);
	EXPECT_TRUE(smm_cache_alloc(marked, 0, 0, &pos[1]) == NULL);
	EXPECT_EQ(smm_cache_free(marked, pos[0], 0), 0);
	EXPECT_EQ(smm_fail_get(&mm->fail[SHADOWMM_FAULT_SLAB], SHADOWMM_A_FAULT_FAILURES), 3);

	ASSERT_EQ(fi_set(mm, SHADOWMM_FAULT_SLAB, SHADOWMM_A_FAULT_PROBABILITY, 0), 0);
	EXPECT_EQ(smm_slabs_check(&s, why, sizeof(why)), 0);
	smm_cache_shrink(marked, 0);
	smm_cache_shrink(plain, 0);
	EXPECT_EQ(fi_avail(mm), avail0);
	EXPECT_EQ(smm_test_check(mm), 0);
	smm_slabs_destroy(&s);
	smm_test_mm_destroy(&t);
}

/*
 * The slow byte (slab.h, SMM_CACHE_SLOW_*) follows failslab: arming
 * sets FAILSLAB on every cache (a debug cache keeps LOCKED beside it),
 * a cache made while armed has it from the start, disarming clears it,
 * and CHECK passes throughout. A byte that lies is caught by CHECK: a
 * plain cache without FAILSLAB while armed (its allocations would skip
 * failslab: one does, to show the harm), and one with LOCKED that has
 * no debug flag.
 *
 *   cache     plain    red zone         made while armed
 *   unarmed   0        LOCKED           -
 *   armed     FAILSLAB LOCKED|FAILSLAB  FAILSLAB
 */
SMM_TEST(failinject_failslab_slow_byte)
{
	struct smm_test_mm t;
	struct smm_mm *mm = &t.mm;
	struct smm_slabs s;
	struct smm_cache *plain, *dbg, *late;
	char why[160];
	u64 pos;

	ASSERT_EQ(fi_init(&t), 0);
	ASSERT_EQ(smm_slabs_init(&s, mm, 0x12345678, 0), 0);
	ASSERT_EQ(smm_cache_create(&s, "fi_plain", 64, 0, 0, &plain), 0);
	ASSERT_EQ(smm_cache_create(&s, "fi_dbg", 64, 0, SHADOWMM_CACHE_RED_ZONE, &dbg), 0);
	EXPECT_EQ(plain->slow, 0);
	EXPECT_EQ(dbg->slow, SMM_CACHE_SLOW_LOCKED);

	ASSERT_EQ(fi_arm(mm, SHADOWMM_FAULT_SLAB, 100, 1, -1, 1), 0);
	EXPECT_EQ(plain->slow, SMM_CACHE_SLOW_FAILSLAB);
	EXPECT_EQ(dbg->slow, SMM_CACHE_SLOW_LOCKED | SMM_CACHE_SLOW_FAILSLAB);
	EXPECT_EQ(s.kmalloc[0]->slow, SMM_CACHE_SLOW_FAILSLAB);
	ASSERT_EQ(smm_cache_create(&s, "fi_late", 64, 0, 0, &late), 0);
	EXPECT_EQ(late->slow, SMM_CACHE_SLOW_FAILSLAB);
	EXPECT_TRUE(smm_cache_alloc(plain, 0, 0, &pos) == NULL);
	EXPECT_TRUE(smm_cache_alloc(late, 0, 0, &pos) == NULL);
	EXPECT_EQ(smm_slabs_check(&s, why, sizeof(why)), 0);

	/* a lie: failslab armed but the plain cache's bit gone */
	plain->slow = 0;
	ASSERT_TRUE(smm_cache_alloc(plain, 0, 0, &pos) != NULL);
	EXPECT_EQ(smm_cache_free(plain, pos, 0), 0);
	EXPECT_EQ(smm_slabs_check(&s, why, sizeof(why)), -EUCLEAN);
	EXPECT_TRUE(strstr(why, "fi_plain") && strstr(why, "slow byte"));
	/* another: LOCKED without a debug flag or a policy */
	plain->slow = SMM_CACHE_SLOW_LOCKED | SMM_CACHE_SLOW_FAILSLAB;
	EXPECT_EQ(smm_slabs_check(&s, why, sizeof(why)), -EUCLEAN);
	plain->slow = SMM_CACHE_SLOW_FAILSLAB;
	EXPECT_EQ(smm_slabs_check(&s, why, sizeof(why)), 0);

	ASSERT_EQ(fi_set(mm, SHADOWMM_FAULT_SLAB, SHADOWMM_A_FAULT_PROBABILITY, 0), 0);
	EXPECT_EQ(plain->slow, 0);
	EXPECT_EQ(late->slow, 0);
	EXPECT_EQ(dbg->slow, SMM_CACHE_SLOW_LOCKED);
	ASSERT_TRUE(smm_cache_alloc(plain, 0, 0, &pos) != NULL);
	EXPECT_EQ(smm_cache_free(plain, pos, 0), 0);
	EXPECT_EQ(smm_slabs_check(&s, why, sizeof(why)), 0);
	EXPECT_EQ(smm_fail_get(&mm->fail[SHADOWMM_FAULT_SLAB], SHADOWMM_A_FAULT_FAILURES), 2);
	smm_slabs_destroy(&s);
	EXPECT_TRUE(mm->fail[SHADOWMM_FAULT_SLAB].slabs == NULL);
	EXPECT_EQ(smm_test_check(mm), 0);
	smm_test_mm_destroy(&t);
}

/*
 * Bad values are refused with a reason naming the setting, and change
 * nothing: probability 101, interval 0, times -2, verbose 3, min-order
 * 11, a bool 2, zone -2 and past the last zone, min-order,
 * ignore-gfp-atomic and zone on failslab, cache-filter on
 * fail_page_alloc, the counters.
 */
SMM_TEST(failinject_refuses_bad_values)
{
	static const struct { unsigned int target, attr; s64 v; const char *word; } bad[] = {
		{ SHADOWMM_FAULT_PAGE_ALLOC, SHADOWMM_A_FAULT_PROBABILITY, 101, "probability" },
		{ SHADOWMM_FAULT_SLAB, SHADOWMM_A_FAULT_PROBABILITY, -1, "probability" },
		{ SHADOWMM_FAULT_PAGE_ALLOC, SHADOWMM_A_FAULT_INTERVAL, 0, "interval" },
		{ SHADOWMM_FAULT_PAGE_ALLOC, SHADOWMM_A_FAULT_TIMES, -2, "times" },
		{ SHADOWMM_FAULT_PAGE_ALLOC, SHADOWMM_A_FAULT_SPACE, -1, "space" },
		{ SHADOWMM_FAULT_SLAB, SHADOWMM_A_FAULT_VERBOSE, 3, "verbose" },
		{ SHADOWMM_FAULT_PAGE_ALLOC, SHADOWMM_A_FAULT_MIN_ORDER, 11, "min-order" },
		{ SHADOWMM_FAULT_PAGE_ALLOC, SHADOWMM_A_FAULT_IGNORE_GFP_WAIT, 2, "ignore-gfp-wait" },
		{ SHADOWMM_FAULT_SLAB, SHADOWMM_A_FAULT_MIN_ORDER, 0, "min-order" },
		{ SHADOWMM_FAULT_SLAB, SHADOWMM_A_FAULT_IGNORE_GFP_ATOMIC, 0, "ignore-gfp-atomic" },
		{ SHADOWMM_FAULT_PAGE_ALLOC, SHADOWMM_A_FAULT_CACHE_FILTER, 1, "cache-filter" },
		{ SHADOWMM_FAULT_PAGE_ALLOC, SHADOWMM_A_FAULT_ZONE, -2, "zone" },
		{ SHADOWMM_FAULT_PAGE_ALLOC, SHADOWMM_A_FAULT_ZONE, __SHADOWMM_ZONE_CNT, "zone" },
		{ SHADOWMM_FAULT_SLAB, SHADOWMM_A_FAULT_ZONE, 0, "zone" },
		{ SHADOWMM_FAULT_PAGE_ALLOC, SHADOWMM_A_FAULT_CALLS, 0, "counter" },
		{ 2, SHADOWMM_A_FAULT_PROBABILITY, 1, "target" },
	};
	struct smm_test_mm t;
	struct smm_mm *mm = &t.mm;
	unsigned int i, a;

	ASSERT_EQ(fi_init(&t), 0);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		const char *why = NULL;
		struct smm_fail_attr *fa = &mm->fail[bad[i].target % 2];
		u64 before = smm_fail_get(fa, bad[i].attr);

		EXPECT_EQ(smm_fail_set(fa, bad[i].target, bad[i].attr, bad[i].v, &why), -EINVAL);
		EXPECT_TRUE(why && strstr(why, bad[i].word));
		EXPECT_EQ(smm_fail_get(fa, bad[i].attr), before);
	}
	for (a = SHADOWMM_A_FAULT_PROBABILITY; a <= SHADOWMM_A_FAULT_FAILURES; a++)
		EXPECT_TRUE(smm_fail_has(SHADOWMM_FAULT_PAGE_ALLOC, a) !=
			    (a == SHADOWMM_A_FAULT_CACHE_FILTER));
	smm_test_mm_destroy(&t);
}

/*
 * A caller of the page allocator: slab growth. fail_page_alloc armed
 * (probability 100, every order, ignore-gfp-wait off, failslab not):
 * the first object of a new cache needs a slab, whose pages are
 * refused, so the object is refused too and the cache counts the
 * failure; nothing is left half made (CHECK of both layers, no frame
 * taken). Disarmed, the same allocation succeeds.
 */
SMM_TEST(failinject_slab_growth_fails_cleanly)
{
	struct smm_test_mm t;
	struct smm_mm *mm = &t.mm;
	struct smm_cache_info info;
	struct smm_slabs s;
	struct smm_cache *c;
	char why[160];
	u64 pos, avail0;

	ASSERT_EQ(fi_init(&t), 0);
	ASSERT_EQ(smm_slabs_init(&s, mm, 0x12345678, 0), 0);
	ASSERT_EQ(smm_cache_create(&s, "fi_grow", 512, 0, 0, &c), 0);
	avail0 = fi_avail(mm);
	ASSERT_EQ(fi_set(mm, SHADOWMM_FAULT_PAGE_ALLOC, SHADOWMM_A_FAULT_MIN_ORDER, 0), 0);
	ASSERT_EQ(fi_set(mm, SHADOWMM_FAULT_PAGE_ALLOC, SHADOWMM_A_FAULT_IGNORE_GFP_WAIT, 0), 0);
	ASSERT_EQ(fi_arm(mm, SHADOWMM_FAULT_PAGE_ALLOC, 100, 1, -1, 1), 0);
	EXPECT_TRUE(smm_cache_alloc(c, 0, 0, &pos) == NULL);
	smm_cache_info(c, &info);
	EXPECT_EQ(info.stats.alloc_fail, 1);
	EXPECT_EQ(info.num_slabs, 0);
	EXPECT_EQ(fi_avail(mm), avail0);
	EXPECT_EQ(smm_slabs_check(&s, why, sizeof(why)), 0);
	EXPECT_EQ(smm_test_check(mm), 0);

	ASSERT_EQ(fi_set(mm, SHADOWMM_FAULT_PAGE_ALLOC, SHADOWMM_A_FAULT_PROBABILITY, 0), 0);
	ASSERT_TRUE(smm_cache_alloc(c, 0, 0, &pos) != NULL);
	EXPECT_EQ(smm_cache_free(c, pos, 0), 0);
	smm_cache_shrink(c, 0);
	EXPECT_EQ(fi_avail(mm), avail0);
	EXPECT_EQ(smm_test_check(mm), 0);
	smm_slabs_destroy(&s);
	smm_test_mm_destroy(&t);
}
