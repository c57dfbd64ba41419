// SPDX-License-Identifier: GPL-2.0
/*
 * The buddy allocator, zones, watermarks and per-CPU lists, one scenario
 * per test.
 */
#include "harness.h"
#include "common.h"

/* 64 MiB at 256 MiB: one section, all in DMA32 by physical address. */
static const struct smm_test_section sect64m[] = { { 0x10000, 16384 } };

/* Most tests: that section on one CPU, without per-CPU lists. */
FIXTURE(mm64m) {
	struct smm_test_mm t;
};

FIXTURE_SETUP(mm64m)
{
	ASSERT_EQ(smm_test_mm_init(&self->t, sect64m, 1, NULL, false, 1), 0);
}

FIXTURE_TEARDOWN(mm64m)
{
	smm_test_mm_destroy(&self->t);
}

static u64 nr_free_order(const struct smm_zone *z, unsigned int order)
{
	unsigned int mt;
	u64 n = 0;

	for (mt = 0; mt < SMM_NR_MT; mt++)
		n += z->area[order].nr_free[mt];
	return n;
}

/*
 * A fresh aligned range is all order-10 movable blocks:
 *
 *   [ 4M ][ 4M ][ 4M ] ... 16 blocks, DMA32
 */
TEST_F(mm64m, buddy_init_max_order_blocks)
{
	struct smm_test_mm *t = &self->t;
	struct smm_zone *z;

	z = &t->mm.zones[SHADOWMM_ZONE_DMA32];
	ASSERT_EQ(z->managed, 16384);
	ASSERT_EQ(z->free, 16384);
	ASSERT_EQ(z->area[10].nr_free[SHADOWMM_MT_MOVABLE], 16);
	ASSERT_EQ(t->mm.zones[SHADOWMM_ZONE_DMA].managed, 0);
	ASSERT_EQ(t->mm.zones[SHADOWMM_ZONE_NORMAL].managed, 0);
	ASSERT_EQ(smm_test_check(&t->mm), 0);
}

/*
 * One order-0 allocation splits a 4M block into one free block of each
 * order 0..9; freeing it merges everything back.
 *
 *   [P][0][ 1 ][  2  ][    3    ] ... [          9          ]
 */
TEST_F(mm64m, buddy_split_and_merge)
{
	struct smm_test_mm *t = &self->t;
	struct smm_zone *z;
	unsigned int o;
	u64 idx;

	z = &t->mm.zones[SHADOWMM_ZONE_DMA32];
	ASSERT_EQ(smm_alloc_pages(&t->mm, 0, SHADOWMM_GFP_MOVABLE, 0, &idx), 0);
	ASSERT_EQ(idx % 1024, 0);
	for (o = 0; o < 10; o++)
		ASSERT_EQ(nr_free_order(z, o), 1);
	ASSERT_EQ(nr_free_order(z, 10), 15);
	ASSERT_EQ(z->free, 16383);
	ASSERT_EQ(smm_test_check(&t->mm), 0);
	smm_free_pages(&t->mm, idx, 0);
	ASSERT_EQ(nr_free_order(z, 0), 0);
	ASSERT_EQ(nr_free_order(z, 10), 16);
	ASSERT_EQ(z->stats.alloc[0], 1);
	ASSERT_EQ(z->stats.free[0], 1);
	ASSERT_EQ(smm_test_check(&t->mm), 0);
}

/*
 * Zones by physical address: a section across 16 MiB splits into DMA and
 * DMA32, and no block is merged across the boundary.
 *
 *   pfn 0x800        0x1000 (16 MiB)       0x1800
 *       [ DMA: 2048   |   DMA32: 2048       ]
 */
SMM_TEST(zones_by_physical_address)
{
	static const struct smm_test_section s[] = { { 0x800, 4096 } };
	struct smm_test_mm t;

	ASSERT_EQ(smm_test_mm_init(&t, s, 1, NULL, false, 1), 0);
	ASSERT_EQ(t.mm.zones[SHADOWMM_ZONE_DMA].managed, 2048);
	ASSERT_EQ(t.mm.zones[SHADOWMM_ZONE_DMA32].managed, 2048);
	ASSERT_EQ(t.mm.zones[SHADOWMM_ZONE_DMA].end, t.mm.zones[SHADOWMM_ZONE_DMA32].start);
	ASSERT_EQ(nr_free_order(&t.mm.zones[SHADOWMM_ZONE_DMA], 10), 2);
	ASSERT_EQ(smm_test_check(&t.mm), 0);
	smm_test_mm_destroy(&t);
}

/* zones= by position: sizes in order, the rest last, with reasons. */
SMM_TEST(zones_parameter)
{
	struct smm_zone_layout l;
	struct smm_test_mm t;

	ASSERT_EQ(smm_parse_zones("DMA:8M,DMA32:24M,Normal:rest", 16384, &l), NULL);
	ASSERT_EQ(l.frames[0], 2048);
	ASSERT_EQ(l.frames[1], 6144);
	ASSERT_EQ(l.frames[2], ~0ULL);
	ASSERT_EQ(smm_parse_zones("dma32:32M,NORMAL:32M", 16384, &l), NULL);
	ASSERT_STREQ(smm_parse_zones("DMA:8M,Device:rest", 16384, &l),
		     "zones= names an unknown zone (DMA, DMA32, Normal, HighMem or Movable)");
	ASSERT_STREQ(smm_parse_zones("DMA32:8M,DMA:rest", 16384, &l),
		     "zones= lists zones out of order or twice");
	ASSERT_STREQ(smm_parse_zones("DMA:8M,DMA:8M", 16384, &l),
		     "zones= lists zones out of order or twice");
	ASSERT_STREQ(smm_parse_zones("DMA:3000,Normal:rest", 16384, &l),
		     "zones= size is not a non-zero multiple of the 4 KiB page");
	ASSERT_STREQ(smm_parse_zones("DMA:rest,Normal:8M", 16384, &l),
		     "zones= has a zone after the one taking the rest");
	ASSERT_STREQ(smm_parse_zones("DMA:8M,Normal:8M", 16384, &l),
		     "zones= sizes do not cover the range (end with NAME:rest)");
	ASSERT_STREQ(smm_parse_zones("DMA:128M", 16384, &l), "zones= sizes exceed the range");
	ASSERT_STREQ(smm_parse_zones("DMA:64M,Normal:rest", 16384, &l),
		     "zones= leaves nothing for the rest");
	ASSERT_STREQ(smm_parse_zones("DMA8M", 16384, &l),
		     "zones= item without ':' (expected NAME:SIZE)");
	ASSERT_STREQ(smm_parse_zones("DMA:x", 16384, &l), "zones= size is not a number");
	ASSERT_STREQ(smm_parse_zones("", 16384, &l), "zones= is empty");

	ASSERT_EQ(smm_test_mm_init(&t, sect64m, 1, "DMA:8M,DMA32:24M,Normal:rest", true, 2), 0);
	ASSERT_EQ(t.mm.zones[0].managed, 2048);
	ASSERT_EQ(t.mm.zones[1].managed, 6144);
	ASSERT_EQ(t.mm.zones[2].managed, 8192);
	ASSERT_EQ(smm_test_check(&t.mm), 0);
	smm_test_mm_destroy(&t);
}

/*
 * Watermarks as the kernel derives them: min_free_kbytes = sqrt(16 *
 * 65536) = 1024 KiB = 256 pages for 64 MiB; low and high 64 pages apart.
 * Without the reserve flag allocation stops at min; with it, it goes on.
 */
TEST_F(mm64m, watermarks_guard_the_reserve)
{
	struct smm_test_mm *t = &self->t;
	struct smm_zone *z;
	u64 idx, n = 0;

	z = &t->mm.zones[SHADOWMM_ZONE_DMA32];
	ASSERT_EQ(t->mm.min_free_kbytes, 1024);
	ASSERT_EQ(z->wmark[SMM_WMARK_MIN], 256);
	ASSERT_EQ(z->wmark[SMM_WMARK_LOW], 320);
	ASSERT_EQ(z->wmark[SMM_WMARK_HIGH], 384);
	while (!smm_alloc_pages(&t->mm, 0, 0, 0, &idx))
		n++;
	/* free - 0 > min fails once free == min */
	ASSERT_EQ(z->free, 256);
	ASSERT_EQ(n, 16384 - 256);
	ASSERT_EQ(z->stats.alloc_fail, 1);
	ASSERT_TRUE(z->stats.wmark_min >= 1);
	ASSERT_EQ(smm_alloc_pages(&t->mm, 0, SHADOWMM_GFP_HIGH, 0, &idx), 0);
	ASSERT_EQ(z->free, 255);
	while (!smm_alloc_pages(&t->mm, 0, SHADOWMM_GFP_RESERVE, 0, &idx))
		n++;
	ASSERT_EQ(z->free, 0);
	ASSERT_EQ(smm_test_check(&t->mm), 0);
}

/*
 * Exhausting Normal falls back to DMA32, then DMA; a DMA32 allocation
 * never lands in Normal, and lower zones keep their lowmem reserve.
 */
SMM_TEST(zone_fallback_and_lowmem_reserve)
{
	struct smm_test_mm t;
	struct smm_zone *dma, *dma32, *normal;
	u64 idx;

	ASSERT_EQ(smm_test_mm_init(&t, sect64m, 1, "DMA:8M,DMA32:24M,Normal:rest", false, 1), 0);
	dma = &t.mm.zones[0];
	dma32 = &t.mm.zones[1];
	normal = &t.mm.zones[2];
	/* ratio 256 for DMA and DMA32: reserve = upper zones' pages / 256 */
	ASSERT_EQ(dma->lowmem_reserve[SHADOWMM_ZONE_NORMAL], (6144 + 8192) / 256);
	ASSERT_EQ(dma32->lowmem_reserve[SHADOWMM_ZONE_NORMAL], 8192 / 256);
	ASSERT_EQ(smm_alloc_pages(&t.mm, 0, SHADOWMM_GFP_DMA32, 0, &idx), 0);
	ASSERT_TRUE(idx >= dma32->start && idx < dma32->end);
	while (!smm_alloc_pages(&t.mm, 0, 0, 0, &idx))
		if (idx < normal->start)
			break;
	ASSERT_TRUE(idx >= dma32->start && idx < dma32->end);
	ASSERT_EQ(dma32->stats.zone_fallback, 1);
	while (!smm_alloc_pages(&t.mm, 0, 0, 0, &idx))
		;
	/* Normal stopped at its min, DMA32 and DMA above min + reserve */
	ASSERT_EQ(normal->free, normal->wmark[SMM_WMARK_MIN]);
	ASSERT_EQ(dma32->free, dma32->wmark[SMM_WMARK_MIN] +
			       dma32->lowmem_reserve[SHADOWMM_ZONE_NORMAL]);
	ASSERT_EQ(dma->free, dma->wmark[SMM_WMARK_MIN] + dma->lowmem_reserve[SHADOWMM_ZONE_NORMAL]);
	/* a DMA-only allocation may still use what the reserve kept */
	ASSERT_EQ(smm_alloc_pages(&t.mm, 0, SHADOWMM_GFP_DMA, 0, &idx), 0);
	ASSERT_TRUE(idx < dma->end);
	ASSERT_EQ(smm_test_check(&t.mm), 0);
	smm_test_mm_destroy(&t);
}

/*
 * An unmovable request in an all-movable zone steals: the largest block
 * is taken and its whole pageblock changes type.
 */
TEST_F(mm64m, migratetype_fallback_steals_pageblocks)
{
	struct smm_test_mm *t = &self->t;
	struct smm_zone *z;
	u64 idx, idx2;

	z = &t->mm.zones[SHADOWMM_ZONE_DMA32];
	ASSERT_EQ(smm_alloc_pages(&t->mm, 0, 0, 0, &idx), 0);
	ASSERT_EQ(z->stats.mt_fallback, 1);
	ASSERT_EQ(z->stats.mt_steal, 1);
	ASSERT_EQ(smm_pageblock_mt(&t->mm, idx), SHADOWMM_MT_UNMOVABLE);
	/* the whole 4M block (two pageblocks) went unmovable */
	ASSERT_EQ(smm_pageblock_mt(&t->mm, idx ^ 512), SHADOWMM_MT_UNMOVABLE);
	ASSERT_EQ(z->area[9].nr_free[SHADOWMM_MT_UNMOVABLE], 1);
	/* the next unmovable request is served without falling back */
	ASSERT_EQ(smm_alloc_pages(&t->mm, 0, 0, 0, &idx2), 0);
	ASSERT_EQ(z->stats.mt_fallback, 1);
	ASSERT_EQ(idx2 >> 10, idx >> 10);
	/* a movable one stays in movable pageblocks */
	ASSERT_EQ(smm_alloc_pages(&t->mm, 0, SHADOWMM_GFP_MOVABLE, 0, &idx2), 0);
	ASSERT_EQ(smm_pageblock_mt(&t->mm, idx2), SHADOWMM_MT_MOVABLE);
	ASSERT_EQ(smm_test_check(&t->mm), 0);
}

/*
 * Per-CPU lists: the first order-0 allocation refills a batch, frees go
 * back to the CPU's list, past `high` a batch drains, and a drain empties
 * the lists so every block merges again.
 */
SMM_TEST(pcp_refill_high_and_drain)
{
	struct smm_test_mm t;
	struct smm_zone *z;
	struct smm_pcp *pcp;
	u64 idx[512];
	unsigned int i;

	ASSERT_EQ(smm_test_mm_init(&t, sect64m, 1, NULL, true, 2), 0);
	z = &t.mm.zones[SHADOWMM_ZONE_DMA32];
	pcp = smm_pcp_of(&t.mm, 1, SHADOWMM_ZONE_DMA32);
	ASSERT_EQ(pcp->batch, 3);
	ASSERT_EQ(pcp->high, 160);
	ASSERT_EQ(smm_alloc_pages(&t.mm, 0, SHADOWMM_GFP_MOVABLE, 1, &idx[0]), 0);
	ASSERT_EQ(pcp->count, 2);
	ASSERT_EQ(pcp->stats.refill, 1);
	ASSERT_EQ(z->free, 16384 - 3);
	for (i = 1; i < 512; i++)
		ASSERT_EQ(smm_alloc_pages(&t.mm, 0, SHADOWMM_GFP_MOVABLE, 1, &idx[i]), 0);
	for (i = 0; i < 512; i++) {
		smm_free_pages(&t.mm, idx[i], 1);
		ASSERT_TRUE(pcp->count < pcp->high);
	}
	ASSERT_TRUE(pcp->stats.drain > 0);
	ASSERT_EQ(pcp->stats.free[0], 512);
	ASSERT_EQ(smm_test_check(&t.mm), 0);
	smm_drain_all_pcp(&t.mm);
	ASSERT_EQ(pcp->count, 0);
	ASSERT_EQ(z->free, 16384);
	ASSERT_EQ(nr_free_order(z, 10), 16);
	ASSERT_EQ(smm_test_check(&t.mm), 0);
	smm_test_mm_destroy(&t);
}

/* Order-10 fails once the zone is fragmented, and works after frees. */
TEST_F(mm64m, fragmentation_then_coalescing)
{
	struct smm_test_mm *t = &self->t;
	static u64 idx[16384];
	u64 nr_free[SMM_NR_ORDERS];
	u64 n = 0, i, big;

	while (!smm_alloc_pages(&t->mm, 0, SHADOWMM_GFP_RESERVE, 0, &idx[n]))
		n++;
	ASSERT_EQ(n, 16384);
	/* free every other frame: half the zone free, nothing above order 0 */
	for (i = 0; i < n; i += 2)
		smm_free_pages(&t->mm, idx[i], 0);
	ASSERT_EQ(smm_alloc_pages(&t->mm, 10, SHADOWMM_GFP_RESERVE, 0, &big), -ENOMEM);
	smm_zone_nr_free(&t->mm.zones[1], nr_free);
	ASSERT_EQ(nr_free[0], 8192);
	ASSERT_EQ(smm_unusable_index(nr_free, 1), 1000);
	ASSERT_EQ(smm_extfrag_index(nr_free, 10), 1000 - (1000 + 8192 * 1000 / 1024) / 8192);
	for (i = 1; i < n; i += 2)
		smm_free_pages(&t->mm, idx[i], 0);
	ASSERT_EQ(smm_alloc_pages(&t->mm, 10, 0, 0, &big), 0);
	ASSERT_EQ(smm_test_check(&t->mm), 0);
}

/*
 * The fragmentation indexes against values worked out from mm/vmstat.c:
 * 100 free order-0 blocks and nothing else.
 */
SMM_TEST(fragmentation_indexes)
{
	u64 nr_free[SMM_NR_ORDERS] = { 100 };
	u64 whole[SMM_NR_ORDERS] = { [10] = 16 };

	ASSERT_EQ(smm_unusable_index(nr_free, 0), 0);
	ASSERT_EQ(smm_unusable_index(nr_free, 1), 1000);
	ASSERT_EQ(smm_extfrag_index(nr_free, 0), -1000);
	/* 1000 - (1000 + 100 * 1000 / 2) / 100 */
	ASSERT_EQ(smm_extfrag_index(nr_free, 1), 490);
	ASSERT_EQ(smm_extfrag_index(nr_free, 10), 1000 - (1000 + 100000 / 1024) / 100);
	ASSERT_EQ(smm_unusable_index(whole, 10), 0);
	ASSERT_EQ(smm_extfrag_index(whole, 10), -1000);
	/* no free memory: all of it unusable, as unusable_free_index() says */
	nr_free[0] = 0;
	ASSERT_EQ(smm_unusable_index(nr_free, 3), 1000);
	ASSERT_EQ(smm_extfrag_index(nr_free, 3), 0);
}

/* CHECK finds a corrupted descriptor, count, list bit or pcp pointer and says where. */
TEST_F(mm64m, check_reports_corruption)
{
	struct smm_test_mm *t = &self->t;
	char why[160];
	u64 idx;

	ASSERT_EQ(smm_alloc_pages(&t->mm, 3, SHADOWMM_GFP_MOVABLE, 0, &idx), 0);
	smm_frame_set_head(&t->mm.frames[idx + 1], SMM_FRAME_PAGE, 0, 0);
	ASSERT_EQ(smm_check(&t->mm, why, sizeof(why)), -EUCLEAN);
	ASSERT_TRUE(strstr(why, "but not a tail") != NULL);
	smm_frame_set_tail(&t->mm.frames[idx + 1]);
	t->mm.zones[1].free++;
	ASSERT_EQ(smm_check(&t->mm, why, sizeof(why)), -EUCLEAN);
	ASSERT_TRUE(strstr(why, "free=") != NULL);
	t->mm.zones[1].free--;
	ASSERT_EQ(smm_check(&t->mm, why, sizeof(why)), 0);
	/* the order-0 movable list is empty: its nonempty bit must say so */
	t->mm.zones[1].nonempty[SHADOWMM_MT_MOVABLE] ^= 1;
	ASSERT_EQ(smm_check(&t->mm, why, sizeof(why)), -EUCLEAN);
	ASSERT_TRUE(strstr(why, "nonempty says a block") != NULL);
	t->mm.zones[1].nonempty[SHADOWMM_MT_MOVABLE] ^= 1;
	ASSERT_EQ(smm_check(&t->mm, why, sizeof(why)), 0);
	/* a pcp's own pointers, which its fast paths use for the mm's */
	smm_pcp_of(&t->mm, 0, 1)->frames++;
	ASSERT_EQ(smm_check(&t->mm, why, sizeof(why)), -EUCLEAN);
	ASSERT_TRUE(strstr(why, "mm or frames pointer") != NULL);
	smm_pcp_of(&t->mm, 0, 1)->frames--;
	smm_pcp_of(&t->mm, 0, 1)->mm = NULL;
	ASSERT_EQ(smm_check(&t->mm, why, sizeof(why)), -EUCLEAN);
	ASSERT_TRUE(strstr(why, "mm or frames pointer") != NULL);
	smm_pcp_of(&t->mm, 0, 1)->mm = &t->mm;
	ASSERT_EQ(smm_check(&t->mm, why, sizeof(why)), 0);
	/* the order-0 gate: each byte against what it stands for */
	ASSERT_EQ(t->mm.order0_gate.fail_armed, 0);
	t->mm.order0_gate.pcp_off ^= 1;
	ASSERT_EQ(smm_check(&t->mm, why, sizeof(why)), -EUCLEAN);
	ASSERT_TRUE(strstr(why, "order-0 gate") != NULL);
	t->mm.order0_gate.pcp_off ^= 1;
	t->mm.fail[SHADOWMM_FAULT_PAGE_ALLOC].probability = 1;
	ASSERT_EQ(smm_check(&t->mm, why, sizeof(why)), -EUCLEAN);
	ASSERT_TRUE(strstr(why, "fail_page_alloc armed") != NULL);
	t->mm.fail[SHADOWMM_FAULT_PAGE_ALLOC].probability = 0;
	ASSERT_EQ(smm_check(&t->mm, why, sizeof(why)), 0);
}

/*
 * The bulk calls: 16 blocks under one pcp lock, the rest one by one when
 * the lists cannot serve; bulk frees group blocks by zone and fall back
 * for blocks the lists do not take.
 */
SMM_TEST(bulk_alloc_and_free)
{
	struct smm_test_mm t;
	u64 idx[40], big;
	unsigned int i;

	ASSERT_EQ(smm_test_mm_init(&t, sect64m, 1, "DMA:8M,DMA32:24M,Normal:rest", true, 2), 0);
	ASSERT_EQ(smm_alloc_pages_bulk(&t.mm, SHADOWMM_GFP_MOVABLE, 1, 16, idx), 16);
	for (i = 0; i < 16; i++) {
		ASSERT_EQ(smm_frame_type(&t.mm.frames[idx[i]]), SMM_FRAME_PAGE);
		ASSERT_TRUE(idx[i] >= t.mm.zones[2].start);
	}
	ASSERT_EQ(smm_alloc_pages_bulk(&t.mm, SHADOWMM_GFP_DMA, 0, 24, idx + 16), 24);
	ASSERT_TRUE(idx[39] < t.mm.zones[0].end);
	ASSERT_EQ(smm_alloc_pages(&t.mm, 9, 0, 0, &big), 0);
	ASSERT_EQ(smm_test_check(&t.mm), 0);
	smm_free_pages_bulk(&t.mm, 1, 40, idx);
	smm_free_pages_bulk(&t.mm, 0, 1, &big);
	ASSERT_EQ(smm_test_check(&t.mm), 0);
	smm_drain_all_pcp(&t.mm);
	ASSERT_EQ(smm_test_free_frames(&t.mm), 16384);
	ASSERT_EQ(smm_alloc_pages_bulk(&t.mm, ~0U, 0, 4, idx), 0);
	smm_test_mm_destroy(&t);
}
