// SPDX-License-Identifier: GPL-2.0
/*
 * smm_zone_snapshot(): the one copy of a zone that netlink (ZONE_GET),
 * debugfs and the events group read instead of taking the zone lock
 * themselves. Each test says what the copy must agree with.
 */
#include "harness.h"
#include "common.h"

/* 64 MiB at 256 MiB: one section, 32 pageblocks, all in DMA32. */
static const struct smm_test_section snap64m[] = { { 0x10000, 16384 } };

/*
 * 2,100 MiB at 4 GiB, in Normal: 1,050 pageblocks, so the pageblock
 * count crosses the 1,024-per-lock-hold chunk boundary.
 *
 *   pb 0                 1023 | 1024          1049
 *      [ first chunk ........ ][ second chunk ... ]
 */
static const struct smm_test_section snap_big[] = { { 0x100000, 1050 * 512 } };

/* Pageblocks of zone @z of each type, read straight from the map. */
static void count_pageblocks(const struct smm_mm *mm, const struct smm_zone *z,
			     u64 pb_count[SMM_NR_MT])
{
	u64 pb;

	memset(pb_count, 0, SMM_NR_MT * sizeof(*pb_count));
	for (pb = z->start >> SMM_PAGEBLOCK_ORDER; pb <= (z->end - 1) >> SMM_PAGEBLOCK_ORDER; pb++)
		pb_count[smm_pageblock_mt(mm, pb << SMM_PAGEBLOCK_ORDER)]++;
}

/*
 * A fresh zone: everything free in order-10 movable blocks, every
 * pageblock movable, no counts, nothing on the CPUs' lists; the copy is
 * still (nothing moves) and says so.
 */
SMM_TEST(zone_snapshot_fresh)
{
	struct smm_zone_snapshot s;
	struct smm_test_mm t;
	unsigned int o;

	ASSERT_EQ(smm_test_mm_init(&t, snap64m, 1, NULL, true, 2), 0);
	ASSERT_TRUE(smm_zone_snapshot(&t.mm, SHADOWMM_ZONE_DMA32, &s));
	EXPECT_EQ(s.free, 16384);
	EXPECT_EQ(s.pcp_frames, 0);
	EXPECT_EQ(s.nr_free_mt[10][SHADOWMM_MT_MOVABLE], 16);
	EXPECT_EQ(s.nr_free[10], 16);
	for (o = 0; o < 10; o++)
		EXPECT_EQ(s.nr_free[o], 0);
	EXPECT_EQ(s.pageblocks[SHADOWMM_MT_MOVABLE], 32);
	EXPECT_EQ(s.pageblocks[SHADOWMM_MT_UNMOVABLE], 0);
	EXPECT_EQ(s.stats.alloc[0], 0);
	EXPECT_EQ(s.pcp.alloc[0], 0);
	/* an empty zone: all zeros, still */
	ASSERT_TRUE(smm_zone_snapshot(&t.mm, SHADOWMM_ZONE_NORMAL, &s));
	EXPECT_EQ(s.free, 0);
	EXPECT_EQ(s.pageblocks[SHADOWMM_MT_MOVABLE], 0);
	smm_test_mm_destroy(&t);
}

/*
 * After allocations on two CPUs (order 0 through the pcp lists, order 5
 * from the buddy) and one unmovable allocation that claims pageblocks,
 * the copy agrees with the zone itself: free counts per order and type,
 * the per-order sums buddyinfo prints, the frames on the pcp lists, the
 * CPUs' counters summed, and the pageblock types read from the map.
 */
SMM_TEST(zone_snapshot_matches_zone)
{
	u64 idx[8], nr_free[SMM_NR_ORDERS], pb[SMM_NR_MT];
	struct smm_zone_snapshot s;
	struct smm_test_mm t;
	struct smm_zone *z;
	unsigned int i, o, mt;

	ASSERT_EQ(smm_test_mm_init(&t, snap64m, 1, NULL, true, 2), 0);
	z = &t.mm.zones[SHADOWMM_ZONE_DMA32];
	for (i = 0; i < 4; i++)
		ASSERT_EQ(smm_alloc_pages(&t.mm, 0, SHADOWMM_GFP_MOVABLE, i % 2, &idx[i]), 0);
	ASSERT_EQ(smm_alloc_pages(&t.mm, 5, SHADOWMM_GFP_MOVABLE, 0, &idx[4]), 0);
	ASSERT_EQ(smm_alloc_pages(&t.mm, 0, 0, 1, &idx[5]), 0);
	ASSERT_TRUE(smm_zone_snapshot(&t.mm, SHADOWMM_ZONE_DMA32, &s));

	EXPECT_EQ(s.free, z->free);
	EXPECT_EQ(s.pcp_frames, smm_zone_pcp_frames(&t.mm, SHADOWMM_ZONE_DMA32));
	EXPECT_EQ(s.free + s.pcp_frames, 16384 - 5 - 32);
	smm_zone_nr_free(z, nr_free);
	for (o = 0; o < SMM_NR_ORDERS; o++) {
		EXPECT_EQ(s.nr_free[o], nr_free[o]);
		for (mt = 0; mt < SMM_NR_MT; mt++)
			EXPECT_EQ(s.nr_free_mt[o][mt], z->area[o].nr_free[mt]);
	}
	EXPECT_EQ(s.pcp.alloc[0], 5);
	EXPECT_EQ(s.stats.alloc[5], 1);
	EXPECT_TRUE(s.pcp.refill >= 2);		/* each CPU filled its list once at least */
	count_pageblocks(&t.mm, z, pb);
	for (mt = 0; mt < SMM_NR_MT; mt++)
		EXPECT_EQ(s.pageblocks[mt], pb[mt]);
	EXPECT_TRUE(s.pageblocks[SHADOWMM_MT_UNMOVABLE] >= 1);
	EXPECT_EQ(s.pageblocks[SHADOWMM_MT_UNMOVABLE] + s.pageblocks[SHADOWMM_MT_MOVABLE], 32);

	for (i = 0; i < 6; i++)
		smm_free_pages(&t.mm, idx[i], i % 2);
	smm_drain_all_pcp(&t.mm);
	ASSERT_TRUE(smm_zone_snapshot(&t.mm, SHADOWMM_ZONE_DMA32, &s));
	EXPECT_EQ(s.free, 16384);
	EXPECT_EQ(s.pcp_frames, 0);
	EXPECT_EQ(s.pcp.free[0], 5);
	EXPECT_EQ(smm_test_check(&t.mm), 0);
	smm_test_mm_destroy(&t);
}

/*
 * A zone of 1,050 pageblocks is counted in two lock holds; the counts
 * still cover every pageblock once, including the one an unmovable
 * allocation from the top of the zone claimed.
 */
SMM_TEST(zone_snapshot_pageblocks_in_chunks)
{
	struct smm_zone_snapshot s;
	u64 pb[SMM_NR_MT], idx;
	struct smm_test_mm t;
	unsigned int mt;

	ASSERT_EQ(smm_test_mm_init(&t, snap_big, 1, NULL, false, 1), 0);
	ASSERT_TRUE(smm_zone_snapshot(&t.mm, SHADOWMM_ZONE_NORMAL, &s));
	EXPECT_EQ(s.pageblocks[SHADOWMM_MT_MOVABLE], 1050);
	EXPECT_EQ(s.free, 1050 * 512);
	ASSERT_EQ(smm_alloc_pages(&t.mm, 0, 0, 0, &idx), 0);
	ASSERT_TRUE(smm_zone_snapshot(&t.mm, SHADOWMM_ZONE_NORMAL, &s));
	count_pageblocks(&t.mm, &t.mm.zones[SHADOWMM_ZONE_NORMAL], pb);
	for (mt = 0; mt < SMM_NR_MT; mt++)
		EXPECT_EQ(s.pageblocks[mt], pb[mt]);
	EXPECT_TRUE(s.pageblocks[SHADOWMM_MT_UNMOVABLE] >= 1);
	EXPECT_EQ(s.pageblocks[SHADOWMM_MT_UNMOVABLE] + s.pageblocks[SHADOWMM_MT_MOVABLE], 1050);
	smm_free_pages(&t.mm, idx, 0);
	smm_test_mm_destroy(&t);
}

/*
 * The watermarks, the boost and the highatomic reserve come from one
 * hold of the zone lock: after a boost (64 MiB DMA32: min 256, low 320,
 * high 384, one pageblock of boost) each mark is the raw mark plus the
 * boost, as smm_wmark_pages() reads it, and the boost is there too; the
 * reserve is copied as the zone has it. Clearing the boost drops it from
 * the next copy's marks.
 */
SMM_TEST(zone_snapshot_boost_and_marks)
{
	static const enum smm_wmark w[] = { SMM_WMARK_MIN, SMM_WMARK_LOW, SMM_WMARK_HIGH };
	static const u64 raw[] = { 256, 320, 384 };
	struct smm_zone_snapshot s;
	struct smm_test_mm t;
	struct smm_zone *z;
	unsigned int i;

	ASSERT_EQ(smm_test_mm_init(&t, snap64m, 1, NULL, false, 1), 0);
	z = &t.mm.zones[SHADOWMM_ZONE_DMA32];
	for (i = 0; i < 3; i++)
		ASSERT_EQ(z->wmark[w[i]], raw[i]);
	ASSERT_TRUE(smm_zone_snapshot(&t.mm, SHADOWMM_ZONE_DMA32, &s));
	EXPECT_EQ(s.watermark_boost, 0);
	EXPECT_EQ(s.nr_reserved_highatomic, 0);
	for (i = 0; i < 3; i++)
		EXPECT_EQ(s.wmark[w[i]], raw[i]);

	smm_lock(&z->lock);
	ASSERT_TRUE(smm_boost_watermark(&t.mm, z));
	z->nr_reserved_highatomic = 512;
	smm_unlock(&z->lock);
	ASSERT_TRUE(smm_zone_snapshot(&t.mm, SHADOWMM_ZONE_DMA32, &s));
	EXPECT_EQ(s.watermark_boost, 512);
	EXPECT_EQ(s.nr_reserved_highatomic, 512);
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(s.wmark[w[i]], raw[i] + 512);
		EXPECT_EQ(s.wmark[w[i]], smm_wmark_pages(z, w[i]));
	}

	smm_zones_clear_boost(&t.mm);
	ASSERT_TRUE(smm_zone_snapshot(&t.mm, SHADOWMM_ZONE_DMA32, &s));
	EXPECT_EQ(s.watermark_boost, 0);
	for (i = 0; i < 3; i++)
		EXPECT_EQ(s.wmark[w[i]], raw[i]);
	smm_lock(&z->lock);
	z->nr_reserved_highatomic = 0;
	smm_unlock(&z->lock);
	smm_test_mm_destroy(&t);
}

/*
 * The totals readers print (ZONE_GET's per-order counts, the events'
 * sums, vmstat's pgalloc_* and pgfree): per order, what the buddy served
 * directly and what the CPUs' lists served, the THP lists' blocks at
 * pageblock order. Two CPUs: four order-0 blocks and one order-3 and one
 * order-9 block through the lists, one order-5 block from the buddy;
 * then one of each order-0, 5 and 9 given back.
 */
SMM_TEST(zone_snapshot_totals)
{
	static const unsigned int order[] = { 0, 0, 0, 0, 3, 5, 9 };
	u64 idx[ARRAY_SIZE(order)], nr = 0;
	struct smm_zone_snapshot s;
	struct smm_test_mm t;
	unsigned int i, o;

	ASSERT_EQ(smm_test_mm_init(&t, snap64m, 1, NULL, true, 2), 0);
	for (i = 0; i < ARRAY_SIZE(order); i++)
		ASSERT_EQ(smm_alloc_pages(&t.mm, order[i], SHADOWMM_GFP_MOVABLE, i % 2, &idx[i]), 0);
	smm_free_pages(&t.mm, idx[0], 1);
	smm_free_pages(&t.mm, idx[5], 0);
	smm_free_pages(&t.mm, idx[6], 1);
	ASSERT_TRUE(smm_zone_snapshot(&t.mm, SHADOWMM_ZONE_DMA32, &s));
	for (o = 0; o < SMM_NR_ORDERS; o++) {
		EXPECT_EQ(s.alloc_blocks[o], (u64)(o == 0 ? 4 : o == 3 || o == 5 || o == 9));
		EXPECT_EQ(s.free_blocks[o], (u64)(o == 0 || o == 5 || o == 9));
		nr += s.alloc_blocks[o] << o;
	}
	EXPECT_EQ(nr, 4 + 8 + 32 + 512);
	EXPECT_EQ(s.alloc_total, 7);
	EXPECT_EQ(s.free_total, 3);
	EXPECT_EQ(s.stats.alloc[5], 1);
	EXPECT_EQ(s.stats.free[5], 1);
	EXPECT_EQ(s.pcp.alloc[SMM_PCP_THP_SLOT], 1);
	EXPECT_EQ(s.pcp.free[SMM_PCP_THP_SLOT], 1);
	EXPECT_EQ(s.pcp_alloc, 6);
	EXPECT_EQ(s.pcp_free, 2);
	for (i = 1; i < ARRAY_SIZE(order); i++)
		if (i != 5 && i != 6)
			smm_free_pages(&t.mm, idx[i], 0);
	EXPECT_EQ(smm_test_check(&t.mm), 0);
	smm_test_mm_destroy(&t);
}
