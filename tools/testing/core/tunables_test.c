// SPDX-License-Identifier: GPL-2.0
/*
 * vm.min_free_kbytes and vm.watermark_scale_factor written at run time
 * (and vm.percpu_pagelist_high_fraction, pcp.c, at the end)
 * (zone.c, smm_set_min_free_kbytes(), smm_set_watermark_scale_factor()):
 * the watermarks recomputed as 6.1's setup_per_zone_wmarks() does, the
 * per-CPU highs after them, bad values refused with nothing changed, and
 * the user's min_free_kbytes never derived again. The expected numbers
 * are worked out by hand from __setup_per_zone_wmarks():
 *   min  = pages_min * managed / lowmem
 *   gap  = max(min / 4, managed * watermark_scale_factor / 10000)
 *   low  = min + gap, high = low + gap
 */
#include "harness.h"
#include "common.h"

/* 1 GiB at 1 GiB: DMA 16 MiB (4096 pages) + DMA32 the rest (258048). */
static int tn_init_1g(struct smm_test_mm *t, u64 mfk)
{
	const struct smm_test_section s = { 0x40000, 262144 };

	return smm_test_mm_init_mfk(t, &s, 1, "DMA:16M,DMA32:rest", 2, mfk);
}

/* 64 MiB in three zones: 2048, 6144 and 8192 pages. */
static int tn_init_64m(struct smm_test_mm *t, u64 mfk)
{
	const struct smm_test_section s = { 0x10000, 16384 };

	return smm_test_mm_init_mfk(t, &s, 1, "DMA:8M,DMA32:24M,Normal:rest", 2, mfk);
}

static void tn_expect(struct smm_test *_t, const struct smm_zone *z, u64 min, u64 low,
		      u64 high)
{
	EXPECT_EQ(z->wmark[SMM_WMARK_MIN], min);
	EXPECT_EQ(z->wmark[SMM_WMARK_LOW], low);
	EXPECT_EQ(z->wmark[SMM_WMARK_HIGH], high);
}

/* Every CPU's pcp high is the zone's new low / split CPUs, >= 4 batches. */
static void tn_expect_pcp_high(struct smm_test *_t, struct smm_mm *mm)
{
	unsigned int cpu, zi;

	for (cpu = 0; cpu < mm->nr_cpus; cpu++)
		for (zi = 0; zi < SMM_NR_ZONES; zi++) {
			const struct smm_pcp *p = smm_pcp_of(mm, cpu, zi);
			u64 high = mm->zones[zi].wmark[SMM_WMARK_LOW] / mm->nr_split_cpus;

			EXPECT_EQ(p->high, max(high, (u64)p->batch * 4));
		}
}

/*
 * 1 GiB, loaded with 4096 KiB, then 8192 KiB written: 2048 pages.
 *   DMA:   2048 * 4096 / 262144 = 32, gap max(8, 4) = 8
 *   DMA32: 2048 * 258048 / 262144 = 2016, gap max(504, 258) = 504
 * A boost in place before the write is dropped.
 */
SMM_TEST(sysctl_min_free_kbytes_recomputes)
{
	struct smm_test_mm t;
	const char *why = NULL;

	ASSERT_EQ(tn_init_1g(&t, 4096), 0);
	t.mm.zones[SHADOWMM_ZONE_DMA32].watermark_boost = 5;
	ASSERT_EQ(smm_set_min_free_kbytes(&t.mm, 8192, &why), 0);
	EXPECT_EQ(t.mm.min_free_kbytes, 8192);
	tn_expect(_t, &t.mm.zones[SHADOWMM_ZONE_DMA], 32, 40, 48);
	tn_expect(_t, &t.mm.zones[SHADOWMM_ZONE_DMA32], 2016, 2520, 3024);
	EXPECT_EQ(t.mm.zones[SHADOWMM_ZONE_DMA32].watermark_boost, 0);
	tn_expect_pcp_high(_t, &t.mm);
	/* 0 is the kernel's minimum: no reserve, the gaps from the factor */
	ASSERT_EQ(smm_set_min_free_kbytes(&t.mm, 0, &why), 0);
	tn_expect(_t, &t.mm.zones[SHADOWMM_ZONE_DMA32], 0, 258, 516);
	ASSERT_EQ(smm_test_check(&t.mm), 0);
	smm_test_mm_destroy(&t);
}

/*
 * watermark_scale_factor on two ranges.
 * 1 GiB at 4096 KiB (1024 pages), factor 1000 (10%):
 *   DMA:   min 16, gap max(4, 409) = 409: low 425, high 834
 *   DMA32: min 1008, gap max(252, 25804): low 26812, high 52616
 * 64 MiB at 1024 KiB (256 pages), factor 3000 (the maximum, 30%):
 *   DMA:    min 32, gap max(8, 614): low 646, high 1260
 *   DMA32:  min 96, gap max(24, 1843): low 1939, high 3782
 *   Normal: min 128, gap max(32, 2457): low 2585, high 5042
 * and factor 1 (the minimum): Normal's gap is min / 4 = 32 again.
 */
SMM_TEST(sysctl_watermark_scale_factor_recomputes)
{
	struct smm_test_mm t;
	const char *why = NULL;

	ASSERT_EQ(tn_init_1g(&t, 4096), 0);
	EXPECT_EQ(t.mm.watermark_scale_factor, SMM_WATERMARK_SCALE_FACTOR);
	ASSERT_EQ(smm_set_watermark_scale_factor(&t.mm, 1000, &why), 0);
	tn_expect(_t, &t.mm.zones[SHADOWMM_ZONE_DMA], 16, 425, 834);
	tn_expect(_t, &t.mm.zones[SHADOWMM_ZONE_DMA32], 1008, 26812, 52616);
	tn_expect_pcp_high(_t, &t.mm);
	smm_test_mm_destroy(&t);

	ASSERT_EQ(tn_init_64m(&t, 1024), 0);
	ASSERT_EQ(smm_set_watermark_scale_factor(&t.mm, 3000, &why), 0);
	EXPECT_EQ(t.mm.watermark_scale_factor, 3000);
	tn_expect(_t, &t.mm.zones[SHADOWMM_ZONE_DMA], 32, 646, 1260);
	tn_expect(_t, &t.mm.zones[SHADOWMM_ZONE_DMA32], 96, 1939, 3782);
	tn_expect(_t, &t.mm.zones[SHADOWMM_ZONE_NORMAL], 128, 2585, 5042);
	tn_expect_pcp_high(_t, &t.mm);
	ASSERT_EQ(smm_set_watermark_scale_factor(&t.mm, 1, &why), 0);
	tn_expect(_t, &t.mm.zones[SHADOWMM_ZONE_NORMAL], 128, 160, 192);
	ASSERT_EQ(smm_test_check(&t.mm), 0);
	smm_test_mm_destroy(&t);
}

/*
 * Out of range: the factor outside 1..3000, min_free_kbytes above a
 * quarter of the range (1 GiB: 262144 KiB taken, one more refused).
 * Each refusal says why and changes nothing.
 */
SMM_TEST(sysctl_bad_values_refused)
{
	static const unsigned int bad_factor[] = { 0, 3001, 4000000000U };
	struct smm_test_mm t;
	const char *why;
	u64 before[SMM_NR_WMARK];
	unsigned int i;

	ASSERT_EQ(tn_init_1g(&t, 4096), 0);
	memcpy(before, t.mm.zones[SHADOWMM_ZONE_DMA32].wmark, sizeof(before));
	for (i = 0; i < ARRAY_SIZE(bad_factor); i++) {
		why = NULL;
		EXPECT_EQ(smm_set_watermark_scale_factor(&t.mm, bad_factor[i], &why), -EINVAL);
		ASSERT_STREQ(why, "watermark_scale_factor is out of range (1 to 3000)");
	}
	why = NULL;
	EXPECT_EQ(smm_min_free_kbytes_max(&t.mm), 262144);
	EXPECT_EQ(smm_set_min_free_kbytes(&t.mm, 262145, &why), -EINVAL);
	ASSERT_STREQ(why, "min_free_kbytes exceeds a quarter of the range");
	EXPECT_EQ(t.mm.min_free_kbytes, 4096);
	EXPECT_EQ(t.mm.watermark_scale_factor, SMM_WATERMARK_SCALE_FACTOR);
	EXPECT_EQ(memcmp(before, t.mm.zones[SHADOWMM_ZONE_DMA32].wmark, sizeof(before)), 0);
	/* the bound itself is taken */
	EXPECT_EQ(smm_set_min_free_kbytes(&t.mm, 262144, &why), 0);
	EXPECT_EQ(t.mm.zones[SHADOWMM_ZONE_DMA32].wmark[SMM_WMARK_MIN], 64512);
	smm_test_mm_destroy(&t);
}

/*
 * Loaded as a THP kernel boots (45056 KiB, khugepaged's raise, see
 * min_free_test.c), then 2048 KiB written: the user's value stays
 * through a later watermark_scale_factor write, which recomputes from
 * it, not from a derived one. DMA32: 512 * 258048 / 262144 = 504, gap
 * max(126, 258048 * 20 / 10000 = 516).
 */
SMM_TEST(sysctl_user_min_free_kbytes_kept)
{
	struct smm_test_mm t;
	const char *why = NULL;

	ASSERT_EQ(tn_init_1g(&t, SMM_MIN_FREE_KBYTES_AUTO_THP), 0);
	ASSERT_EQ(t.mm.min_free_kbytes, 45056);
	ASSERT_EQ(smm_set_min_free_kbytes(&t.mm, 2048, &why), 0);
	ASSERT_EQ(smm_set_watermark_scale_factor(&t.mm, 20, &why), 0);
	EXPECT_EQ(t.mm.min_free_kbytes, 2048);
	tn_expect(_t, &t.mm.zones[SHADOWMM_ZONE_DMA32], 504, 1020, 1536);
	smm_test_mm_destroy(&t);
}

/* Every CPU's pcp high in zone @zi is @high (and its batch @batch). */
static void tn_expect_zone_pcp(struct smm_test *_t, struct smm_mm *mm, unsigned int zi,
			       u32 high, u32 batch)
{
	unsigned int cpu;

	for (cpu = 0; cpu < mm->nr_cpus; cpu++) {
		EXPECT_EQ(smm_pcp_of(mm, cpu, zi)->high, high);
		EXPECT_EQ(smm_pcp_of(mm, cpu, zi)->batch, batch);
	}
}

/*
 * vm.percpu_pagelist_high_fraction (pcp.c): zone_highsize()'s
 * managed / fraction split between the 2 CPUs, at least 4 batches
 * (zone_batchsize(): DMA 1, DMA32 63 on 1 GiB; 1 on each 64 MiB zone).
 * 1 GiB (DMA 4096, DMA32 258048 managed):
 *   8:      DMA 4096 / 8 / 2 = 256,   DMA32 258048 / 8 / 2 = 16128
 *   100:    DMA 40 / 2 = 20,          DMA32 2580 / 2 = 1290
 *   100000: DMA 0 -> 4 batches = 4,   DMA32 2 / 2 = 1 -> 4 * 63 = 252
 * 64 MiB (2048, 6144, 8192) at 8: 128, 384, 512.
 * A watermark write in between keeps the fraction's highs; 0 brings
 * back the low watermark's (tn_expect_pcp_high()).
 */
SMM_TEST(sysctl_percpu_pagelist_high_fraction)
{
	struct smm_test_mm t;
	const char *why = NULL;

	ASSERT_EQ(tn_init_1g(&t, 4096), 0);
	EXPECT_EQ(t.mm.percpu_pagelist_high_fraction, 0);
	tn_expect_pcp_high(_t, &t.mm);
	ASSERT_EQ(smm_set_percpu_pagelist_high_fraction(&t.mm, 8, &why), 0);
	EXPECT_EQ(t.mm.percpu_pagelist_high_fraction, 8);
	tn_expect_zone_pcp(_t, &t.mm, SHADOWMM_ZONE_DMA, 256, 1);
	tn_expect_zone_pcp(_t, &t.mm, SHADOWMM_ZONE_DMA32, 16128, 63);
	ASSERT_EQ(smm_set_percpu_pagelist_high_fraction(&t.mm, 100, &why), 0);
	tn_expect_zone_pcp(_t, &t.mm, SHADOWMM_ZONE_DMA, 20, 1);
	tn_expect_zone_pcp(_t, &t.mm, SHADOWMM_ZONE_DMA32, 1290, 63);
	ASSERT_EQ(smm_set_percpu_pagelist_high_fraction(&t.mm, 100000, &why), 0);
	tn_expect_zone_pcp(_t, &t.mm, SHADOWMM_ZONE_DMA, 4, 1);
	tn_expect_zone_pcp(_t, &t.mm, SHADOWMM_ZONE_DMA32, 252, 63);
	ASSERT_EQ(smm_set_percpu_pagelist_high_fraction(&t.mm, 8, &why), 0);
	ASSERT_EQ(smm_set_watermark_scale_factor(&t.mm, 1000, &why), 0);
	tn_expect_zone_pcp(_t, &t.mm, SHADOWMM_ZONE_DMA32, 16128, 63);
	ASSERT_EQ(smm_set_percpu_pagelist_high_fraction(&t.mm, 0, &why), 0);
	EXPECT_EQ(t.mm.percpu_pagelist_high_fraction, 0);
	tn_expect_pcp_high(_t, &t.mm);
	/* low 26812 after the factor of 1000: 13406 a CPU */
	tn_expect_zone_pcp(_t, &t.mm, SHADOWMM_ZONE_DMA32, 13406, 63);
	ASSERT_EQ(smm_test_check(&t.mm), 0);
	smm_test_mm_destroy(&t);

	ASSERT_EQ(tn_init_64m(&t, 1024), 0);
	ASSERT_EQ(smm_set_percpu_pagelist_high_fraction(&t.mm, 8, &why), 0);
	tn_expect_zone_pcp(_t, &t.mm, SHADOWMM_ZONE_DMA, 128, 1);
	tn_expect_zone_pcp(_t, &t.mm, SHADOWMM_ZONE_DMA32, 384, 1);
	tn_expect_zone_pcp(_t, &t.mm, SHADOWMM_ZONE_NORMAL, 512, 1);
	ASSERT_EQ(smm_test_check(&t.mm), 0);
	smm_test_mm_destroy(&t);
}

/*
 * 1 to 7 refused, as the handler's MIN_PERCPU_PAGELIST_HIGH_FRACTION
 * check (and above INT_MAX, the int's), with the reason; the fraction
 * and every high stay as they were (here 100's).
 */
SMM_TEST(sysctl_percpu_pagelist_high_fraction_refused)
{
	static const u64 bad[] = { 1, 5, 7, 2147483648ULL };
	struct smm_test_mm t;
	const char *why;
	unsigned int i;

	ASSERT_EQ(tn_init_1g(&t, 4096), 0);
	ASSERT_EQ(smm_set_percpu_pagelist_high_fraction(&t.mm, 100, &why), 0);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		why = NULL;
		EXPECT_EQ(smm_check_percpu_pagelist_high_fraction(bad[i], &why), -EINVAL);
		why = NULL;
		EXPECT_EQ(smm_set_percpu_pagelist_high_fraction(&t.mm, bad[i], &why), -EINVAL);
		ASSERT_STREQ(why, "percpu_pagelist_high_fraction must be 0 or 8 to 2147483647");
		EXPECT_EQ(t.mm.percpu_pagelist_high_fraction, 100);
		tn_expect_zone_pcp(_t, &t.mm, SHADOWMM_ZONE_DMA, 20, 1);
		tn_expect_zone_pcp(_t, &t.mm, SHADOWMM_ZONE_DMA32, 1290, 63);
	}
	EXPECT_EQ(smm_check_percpu_pagelist_high_fraction(8, &why), 0);
	EXPECT_EQ(smm_check_percpu_pagelist_high_fraction(2147483647, &why), 0);
	smm_test_mm_destroy(&t);
}
