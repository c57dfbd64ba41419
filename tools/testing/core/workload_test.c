// SPDX-License-Identifier: GPL-2.0
/*
 * The workload generator's access stream (core/workload.h): every
 * pattern stays within the pages, seq visits them in order and wraps,
 * random reaches every page about evenly, hot-cold sends its share to
 * the first fifth, writes come at their share; bad parameters are
 * refused; the page numbering follows the VMAs in address order.
 */
#include "harness.h"
#include "common.h"
#include "../../../module/core/workload.h"
#include "../../../module/core/vma.h"

#define STEPS	100000

static struct smm_workload_gen gen(u32 pattern, u32 param, u32 write_pct)
{
	struct smm_workload_gen g;
	const char *why = NULL;

	if (smm_workload_init(&g, pattern, param, write_pct, 42, &why))
		abort();
	return g;
}

SMM_TEST(workload_refuses_bad_parameters)
{
	struct smm_workload_gen g;
	const char *why = NULL;

	EXPECT_EQ(smm_workload_init(&g, SHADOWMM_WORKLOAD_HOT_COLD + 1, 0, 0, 1, &why), -EINVAL);
	EXPECT_TRUE(why != NULL);
	EXPECT_EQ(smm_workload_init(&g, SHADOWMM_WORKLOAD_HOT_COLD, 101, 0, 1, &why), -EINVAL);
	EXPECT_EQ(smm_workload_init(&g, SHADOWMM_WORKLOAD_RANDOM, 5, 0, 1, &why), -EINVAL);
	EXPECT_EQ(smm_workload_init(&g, SHADOWMM_WORKLOAD_SEQ, 0, 101, 1, &why), -EINVAL);
	EXPECT_EQ(smm_workload_init(&g, SHADOWMM_WORKLOAD_SEQ, 0, 100, 0, &why), 0);
	EXPECT_TRUE(g.rng != 0);
}

SMM_TEST(workload_seq_in_order_and_wraps)
{
	struct smm_workload_gen g = gen(SHADOWMM_WORKLOAD_SEQ, 0, 0);
	bool w;
	u64 i;

	for (i = 0; i < 25; i++)
		EXPECT_EQ(smm_workload_next(&g, 10, &w), i % 10);
	/* the VMAs shrank under it: it starts again inside them */
	EXPECT_EQ(smm_workload_next(&g, 3, &w), 0);
	EXPECT_EQ(!!(w), 0);
}

SMM_TEST(workload_random_is_even)
{
	struct smm_workload_gen g = gen(SHADOWMM_WORKLOAD_RANDOM, 0, 30);
	u64 seen[100] = { 0 }, writes = 0, i;
	bool w;

	for (i = 0; i < STEPS; i++) {
		u64 idx = smm_workload_next(&g, 100, &w);

		ASSERT_LT(idx, 100);
		seen[idx]++;
		writes += w;
	}
	/* 1,000 expected a page: each within 20 % */
	for (i = 0; i < 100; i++) {
		EXPECT_TRUE((seen[i]) >= (800));
		EXPECT_TRUE((seen[i]) <= (1200));
	}
	EXPECT_TRUE((writes) >= (STEPS * 28 / 100));
	EXPECT_TRUE((writes) <= (STEPS * 32 / 100));
}

SMM_TEST(workload_hot_cold_share)
{
	struct smm_workload_gen g = gen(SHADOWMM_WORKLOAD_HOT_COLD, 90, 0);
	u64 hot = 0, i, cold_seen = 0;
	u8 seen[1000] = { 0 };
	bool w;

	for (i = 0; i < STEPS; i++) {
		u64 idx = smm_workload_next(&g, 1000, &w);

		ASSERT_LT(idx, 1000);
		hot += idx < 200;
		seen[idx] = 1;
		EXPECT_EQ(!!(w), 0);
	}
	EXPECT_TRUE((hot) >= (STEPS * 88 / 100));
	EXPECT_TRUE((hot) <= (STEPS * 92 / 100));
	for (i = 200; i < 1000; i++)
		cold_seen += seen[i];
	EXPECT_EQ(cold_seen, 800);		/* 10,000 cold steps over 800 pages */
	/* one page: all of it is hot */
	EXPECT_EQ(smm_workload_next(&g, 1, &w), 0);
}

SMM_TEST(workload_pages_follow_the_vmas)
{
	struct smm_test_swap env;
	struct smm_space s;
	const char *why;

	ASSERT_EQ(smm_test_swap_init(&env, 1024, 64), 0);
	ASSERT_EQ(smm_space_init(&s, &env.t.mm, 1, 4), 0);
	EXPECT_EQ(smm_workload_pages(&s), 0);
	ASSERT_EQ(smm_vma_mmap(&s, 0x10000, 3 * 4096, SHADOWMM_PROT_WRITE, &why), 0);
	ASSERT_EQ(smm_vma_mmap(&s, 0x40000, 2 * 4096, SHADOWMM_PROT_WRITE, &why), 0);
	EXPECT_EQ(smm_workload_pages(&s), 5);
	EXPECT_EQ(smm_workload_addr(&s, 0), 0x10000);
	EXPECT_EQ(smm_workload_addr(&s, 2), 0x12000);
	EXPECT_EQ(smm_workload_addr(&s, 3), 0x40000);
	EXPECT_EQ(smm_workload_addr(&s, 4), 0x41000);
	smm_space_destroy(&s);
	smm_test_swap_destroy(&env);
}
