// SPDX-License-Identifier: GPL-2.0
/*
 * min_free_kbytes as the booting kernel derives it, with and without THP
 * (calculate_min_free_kbytes(), then khugepaged's
 * set_recommended_min_free_kbytes()), the watermarks and reserves that
 * follow, and zones= sized in pages, as a guest's managed counts are.
 * The expected numbers are worked out by hand from the kernel's rules.
 */
#include "harness.h"
#include "common.h"

/* A range of one section at @pfn, zones= @zones, min_free_kbytes @mfk. */
static int wm_init(struct smm_test_mm *t, u64 pfn, u64 frames, const char *zones, u64 mfk)
{
	const struct smm_test_section s = { pfn, frames };

	return smm_test_mm_init_mfk(t, &s, 1, zones, 2, mfk);
}

/*
 * 1 GiB as DMA 16 MiB (4096 pages) + DMA32 the rest (258048), Normal
 * empty. Bare: sqrt(16 * 1048576 KiB) = 4096 KiB. THP: two populated
 * zones, 512 * 2 * (2 + 3 * 3) = 11264 pages = 45056 KiB, under the cap
 * (5% of 260596 pages above the bare high watermarks: 13029).
 * Watermarks of 45056 KiB = 11264 pages: DMA min 11264 * 4096 / 262144
 * = 176, gap max(44, 4) = 44; DMA32 min 11088, gap max(2772, 258).
 */
SMM_TEST(min_free_kbytes_thp_raise)
{
	struct smm_test_mm t;
	struct smm_zone *dma, *dma32;

	ASSERT_EQ(wm_init(&t, 0x40000, 262144, "DMA:16M,DMA32:rest", SMM_MIN_FREE_KBYTES_AUTO), 0);
	ASSERT_EQ(t.mm.min_free_kbytes, 4096);
	smm_test_mm_destroy(&t);

	ASSERT_EQ(wm_init(&t, 0x40000, 262144, "DMA:16M,DMA32:rest",
			  SMM_MIN_FREE_KBYTES_AUTO_THP), 0);
	dma = &t.mm.zones[SHADOWMM_ZONE_DMA];
	dma32 = &t.mm.zones[SHADOWMM_ZONE_DMA32];
	ASSERT_EQ(t.mm.min_free_kbytes, 45056);
	ASSERT_EQ(dma->wmark[SMM_WMARK_MIN], 176);
	ASSERT_EQ(dma->wmark[SMM_WMARK_LOW], 220);
	ASSERT_EQ(dma->wmark[SMM_WMARK_HIGH], 264);
	ASSERT_EQ(dma32->wmark[SMM_WMARK_MIN], 11088);
	ASSERT_EQ(dma32->wmark[SMM_WMARK_LOW], 13860);
	ASSERT_EQ(dma32->wmark[SMM_WMARK_HIGH], 16632);
	/* the reserves do not depend on min_free_kbytes: 258048 / 256 */
	ASSERT_EQ(dma->lowmem_reserve[SHADOWMM_ZONE_DMA32], 1008);
	ASSERT_EQ(dma->lowmem_reserve[SHADOWMM_ZONE_NORMAL], 1008);
	ASSERT_EQ(dma32->lowmem_reserve[SHADOWMM_ZONE_NORMAL], 0);
	smm_test_mm_destroy(&t);
}

/*
 * 64 MiB in three zones (2048, 6144, 8192 pages): bare 1024 KiB. THP
 * recommends 512 * 3 * 11 = 16896 pages, but the cap is 5% of the pages
 * above the bare high watermarks (48, 144, 192): 16000 / 20 = 800 pages,
 * 3200 KiB.
 */
SMM_TEST(min_free_kbytes_thp_capped_at_5_percent)
{
	struct smm_test_mm t;

	ASSERT_EQ(wm_init(&t, 0x10000, 16384, "DMA:8M,DMA32:24M,Normal:rest",
			  SMM_MIN_FREE_KBYTES_AUTO_THP), 0);
	ASSERT_EQ(t.mm.min_free_kbytes, 3200);
	ASSERT_EQ(t.mm.zones[SHADOWMM_ZONE_DMA].wmark[SMM_WMARK_MIN], 100);
	ASSERT_EQ(t.mm.zones[SHADOWMM_ZONE_NORMAL].wmark[SMM_WMARK_HIGH], 600);
	smm_test_mm_destroy(&t);
}

/*
 * 4 MiB of Normal (above 4 GiB): bare sqrt(16 * 4096) = 256 KiB; the
 * THP cap is 5% of 1024 - 96 = 928 pages: 46 pages, 184 KiB, below the
 * bare value, which khugepaged never lowers.
 */
SMM_TEST(min_free_kbytes_thp_never_lowers)
{
	struct smm_test_mm t;

	ASSERT_EQ(wm_init(&t, 0x100000, 1024, NULL, SMM_MIN_FREE_KBYTES_AUTO_THP), 0);
	ASSERT_EQ(t.mm.min_free_kbytes, 256);
	ASSERT_EQ(t.mm.zones[SHADOWMM_ZONE_NORMAL].wmark[SMM_WMARK_MIN], 64);
	smm_test_mm_destroy(&t);
}

/* The user's value is kept as it is, neither derived nor raised. */
SMM_TEST(min_free_kbytes_user_value_kept)
{
	struct smm_test_mm t;

	ASSERT_EQ(wm_init(&t, 0x40000, 262144, "DMA:16M,DMA32:rest", 2048), 0);
	ASSERT_EQ(t.mm.min_free_kbytes, 2048);
	/* 512 pages: DMA32 gets 512 * 258048 / 262144 = 504 */
	ASSERT_EQ(t.mm.zones[SHADOWMM_ZONE_DMA32].wmark[SMM_WMARK_MIN], 504);
	smm_test_mm_destroy(&t);
}

/*
 * zones= in pages, as a guest's managed counts are: 15880 KiB is 3970
 * pages; the DMA32 zone starts mid-pageblock and the range still
 * checks. Sizes that are not whole pages are refused.
 */
SMM_TEST(zones_in_pages)
{
	struct smm_zone_layout l;
	struct smm_test_mm t;

	ASSERT_EQ(wm_init(&t, 0x40000, 262144, "DMA:15880K,DMA32:rest", 4096), 0);
	ASSERT_EQ(t.mm.zones[SHADOWMM_ZONE_DMA].managed, 3970);
	ASSERT_EQ(t.mm.zones[SHADOWMM_ZONE_DMA32].managed, 262144 - 3970);
	ASSERT_EQ(t.mm.zones[SHADOWMM_ZONE_DMA32].start, 3970);
	ASSERT_EQ(smm_test_check(&t.mm), 0);
	smm_test_mm_destroy(&t);
	ASSERT_STREQ(smm_parse_zones("DMA:4097,Normal:rest", 16384, &l),
		     "zones= size is not a non-zero multiple of the 4 KiB page");
	ASSERT_STREQ(smm_parse_zones("DMA:0,Normal:rest", 16384, &l),
		     "zones= size is not a non-zero multiple of the 4 KiB page");
}
