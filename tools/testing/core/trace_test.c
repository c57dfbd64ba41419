// SPDX-License-Identifier: GPL-2.0
/*
 * The core's tracepoint hooks (core/trace_hooks.h): in this build each
 * counts its calls in smm_user_trace[] (SMM_TRACE_COUNT), so a test can
 * say where each fires, as the kernel's events do:
 *   mm_page_alloc            every smm_alloc_pages() outcome, a failure
 *                            too (the kernel's page NULL: SMM_NO_IDX)
 *   mm_page_free             every smm_free_pages()
 *   mm_page_alloc_zone_locked  every block leaving the buddy's lists for
 *                            an allocation: the per-CPU refill's blocks
 *                            and the buddy's own (__rmqueue_smallest())
 *   mm_page_pcpu_drain       every block a drain gives back
 *   kmem_cache_alloc/free    every object, a failed allocation too
 * (compaction_test.c and vmscan_test.c check the compaction, migration
 * and reclaim hooks in their own scenarios.) One zone, DMA32, 4096
 * frames at pfn 0x10000, one CPU with its lists:
 *
 *   0                                                    4096
 *   [ DMA32: four order-10 blocks .......................... ]
 */
#include <string.h>

#include "harness.h"
#include "common.h"
#include "../../../module/core/slab.h"
#include "../../../module/core/trace_hooks.h"

__thread struct smm_trace_hits smm_user_trace[SMM_TE_NR];

#define TR_FRAMES	4096

static const struct smm_test_section tr_sec = { 0x10000, TR_FRAMES };

#define HITS(e)		(smm_user_trace[SMM_TE_##e])

/*
 * Three order-2 blocks (the per-CPU list's path: one refill of the
 * list under the zone lock, then the list), freed to the list, the
 * list drained; an order-5 block from the buddy; order-10 atomic
 * requests until one fails.
 */
SMM_TEST(trace_page_hooks_fire_where_the_kernels_do)
{
	struct smm_test_mm t;
	u64 idx[3], big, refills;
	unsigned int i;
	int ret = 0;

	ASSERT_EQ(smm_test_mm_init(&t, &tr_sec, 1, NULL, true, 1), 0);
	memset(smm_user_trace, 0, sizeof(smm_user_trace));
	for (i = 0; i < 3; i++)
		ASSERT_EQ(smm_alloc_pages(&t.mm, 2, 0, 0, &idx[i]), 0);
	EXPECT_EQ(HITS(PAGE_ALLOC).count, 3);
	EXPECT_EQ(HITS(PAGE_ALLOC).a, idx[2]);
	EXPECT_EQ(HITS(PAGE_ALLOC).b, 2);
	/* the refill: a batch of order-2 blocks off the buddy, each one event */
	refills = HITS(ZONE_LOCKED).count;
	EXPECT_TRUE(refills >= 3);
	EXPECT_EQ(HITS(ZONE_LOCKED).sum_b, 2 * refills);
	EXPECT_EQ(HITS(PAGE_FREE).count, 0);

	for (i = 0; i < 3; i++)
		smm_free_pages(&t.mm, idx[i], 0);
	EXPECT_EQ(HITS(PAGE_FREE).count, 3);
	EXPECT_EQ(HITS(PAGE_FREE).sum_a, idx[0] + idx[1] + idx[2]);
	EXPECT_EQ(HITS(PAGE_FREE).sum_b, 6);
	EXPECT_EQ(HITS(PCPU_DRAIN).count, 0);

	/* the drain gives every block of the refill back, each one event */
	smm_drain_pcp(&t.mm, 0);
	EXPECT_EQ(HITS(PCPU_DRAIN).count, refills);
	EXPECT_EQ(HITS(PCPU_DRAIN).sum_b, 2 * refills);

	/* above the lists' orders: straight from the buddy, one more each */
	ASSERT_EQ(smm_alloc_pages(&t.mm, 5, 0, 0, &big), 0);
	EXPECT_EQ(HITS(ZONE_LOCKED).count, refills + 1);
	EXPECT_EQ(HITS(ZONE_LOCKED).a, big);
	EXPECT_EQ(HITS(ZONE_LOCKED).b, 5);
	EXPECT_EQ(HITS(PAGE_ALLOC).count, 4);
	smm_free_pages(&t.mm, big, 0);

	/* a failure is traced too, with no frame */
	for (i = 0; i < 8 && !ret; i++) {
		ret = smm_alloc_pages(&t.mm, 10, SHADOWMM_GFP_ATOMIC, 0, &big);
		EXPECT_EQ(HITS(PAGE_ALLOC).count, 5 + i);
		EXPECT_EQ(HITS(PAGE_ALLOC).b, 10);
	}
	EXPECT_EQ(ret, -ENOMEM);
	EXPECT_EQ(HITS(PAGE_ALLOC).a, ~0ULL);
	smm_test_mm_destroy(&t);
}

/* One object of a new cache, allocated and freed: one event each, its address and position. */
SMM_TEST(trace_cache_hooks_fire_per_object)
{
	struct smm_test_mm t;
	struct smm_slabs s;
	struct smm_cache *c;
	u64 pos;
	void *obj;

	ASSERT_EQ(smm_test_mm_init_mem(&t, &tr_sec, 1, NULL, true, 1), 0);
	ASSERT_EQ(smm_slabs_init(&s, &t.mm, 0x1234, 0), 0);
	ASSERT_EQ(smm_cache_create(&s, "trc", 200, 0, 0, &c), 0);
	memset(smm_user_trace, 0, sizeof(smm_user_trace));
	obj = smm_cache_alloc(c, 0, 1, &pos);
	ASSERT_TRUE(obj != NULL);
	EXPECT_EQ(HITS(CACHE_ALLOC).count, 1);
	EXPECT_EQ(HITS(CACHE_ALLOC).a, (u64)(uintptr_t)obj);
	EXPECT_EQ(HITS(CACHE_ALLOC).b, 200);
	EXPECT_EQ(HITS(CACHE_FREE).count, 0);
	EXPECT_EQ(smm_cache_free(c, pos, 0), 0);
	EXPECT_EQ(HITS(CACHE_FREE).count, 1);
	EXPECT_EQ(HITS(CACHE_FREE).a, pos);
	EXPECT_EQ(HITS(CACHE_FREE).b, 200);
	EXPECT_EQ(HITS(CACHE_ALLOC).count, 1);
	smm_slabs_destroy(&s);
	smm_test_mm_destroy(&t);
}
