// SPDX-License-Identifier: GPL-2.0
/*
 * Where an allocation goes when its migratetype has nothing free, as
 * 6.1 decides: ALLOC_NOFRAGMENT (alloc_flags_nofragment() and
 * __rmqueue_fallback()'s min order), highatomic reserves, and where
 * freed blocks go on their lists (buddy_merge_likely()).
 */
#include "harness.h"
#include "common.h"

/* 64 MiB at 256 MiB, cut by position: DMA32 32 MiB, Normal 32 MiB. */
static const struct smm_test_section fb64m[] = { { 0x10000, 16384 } };
#define FB_ZONES	"DMA32:32M,Normal:rest"

/*
 * Take every frame of zone @zi as movable order-8 blocks from the buddy,
 * then give every second one back: each pageblock keeps one allocated
 * half and one free half, so the zone has movable blocks of order 8 and
 * no free pageblock.
 *
 *   pageblock: [ held 8 | free 8 ][ held 8 | free 8 ] ...
 */
static void fb_half_fill(struct smm_test *_t, struct smm_mm *mm, unsigned int zi)
{
	struct smm_zone *z = &mm->zones[zi];
	u64 idx, n = 0;

	for (;;) {
		smm_lock(&z->lock);
		idx = __smm_rmqueue_flags(mm, z, 8, SHADOWMM_MT_MOVABLE, 0);
		smm_unlock(&z->lock);
		if (idx == ~0ULL)
			break;
		n++;
	}
	ASSERT_EQ(z->free, 0);
	for (idx = z->start + 256; idx < z->end; idx += 512)
		smm_free_pages(mm, idx, 0);
	ASSERT_EQ(z->free, n / 2 * 256);
	ASSERT_EQ(z->area[8].nr_free[SHADOWMM_MT_MOVABLE], n / 2);
}

static unsigned int fb_pageblocks(const struct smm_mm *mm, unsigned int zi, unsigned int mt)
{
	const struct smm_zone *z = &mm->zones[zi];
	unsigned int n = 0;
	u64 idx;

	for (idx = z->start; idx < z->end; idx += SMM_PAGEBLOCK_FRAMES)
		n += smm_pageblock_mt(mm, idx) == mt;
	return n;
}

/*
 * An unmovable request prefers Normal, whose free blocks are all movable
 * halves of pageblocks: rather than mix one of them (the old shadow
 * stole an order-8 block there), it takes a whole free pageblock of
 * DMA32 (alloc_flags_nofragment(): ALLOC_NOFRAGMENT for Normal).
 */
static void fb_spills_to_dma32(struct smm_test *_t, bool pcp)
{
	struct smm_test_mm t;
	struct smm_zone *normal, *dma32;
	u64 idx;

	ASSERT_EQ(smm_test_mm_init(&t, fb64m, 1, FB_ZONES, pcp, 1), 0);
	normal = &t.mm.zones[SHADOWMM_ZONE_NORMAL];
	dma32 = &t.mm.zones[SHADOWMM_ZONE_DMA32];
	fb_half_fill(_t, &t.mm, SHADOWMM_ZONE_NORMAL);

	ASSERT_EQ(smm_alloc_pages(&t.mm, 0, 0, 0, &idx), 0);
	ASSERT_EQ(smm_zone_of(&t.mm, idx), SHADOWMM_ZONE_DMA32);
	ASSERT_EQ(normal->stats.mt_fallback, 0);
	ASSERT_EQ(fb_pageblocks(&t.mm, SHADOWMM_ZONE_NORMAL, SHADOWMM_MT_UNMOVABLE), 0);
	ASSERT_EQ(normal->watermark_boost, 0);
	ASSERT_EQ(dma32->stats.zone_fallback, 1);
	/* an order-10 block: both its pageblocks change hands, no boost */
	ASSERT_EQ(fb_pageblocks(&t.mm, SHADOWMM_ZONE_DMA32, SHADOWMM_MT_UNMOVABLE), 2);
	ASSERT_EQ(dma32->watermark_boost, 0);

	/* a movable request still finds its blocks in Normal */
	ASSERT_EQ(smm_alloc_pages(&t.mm, 0, SHADOWMM_GFP_MOVABLE, 0, &idx), 0);
	ASSERT_EQ(smm_zone_of(&t.mm, idx), SHADOWMM_ZONE_NORMAL);
	ASSERT_EQ(smm_test_check(&t.mm), 0);
	smm_test_mm_destroy(&t);
}

SMM_TEST(nofragment_spills_to_dma32)
{
	fb_spills_to_dma32(_t, false);
}

/* The same through the per-CPU lists: their refill gets the flags (rmqueue_bulk()). */
SMM_TEST(nofragment_spills_to_dma32_pcp)
{
	fb_spills_to_dma32(_t, true);
}

/*
 * When no zone can serve without mixing, the walk runs again without
 * ALLOC_NOFRAGMENT and Normal, the preferred zone, steals an order-8
 * block (and boosts its watermarks: a pageblock now mixes types).
 */
SMM_TEST(nofragment_retries_without)
{
	struct smm_test_mm t;
	struct smm_zone *normal;
	u64 idx;

	ASSERT_EQ(smm_test_mm_init(&t, fb64m, 1, FB_ZONES, false, 1), 0);
	normal = &t.mm.zones[SHADOWMM_ZONE_NORMAL];
	fb_half_fill(_t, &t.mm, SHADOWMM_ZONE_NORMAL);
	fb_half_fill(_t, &t.mm, SHADOWMM_ZONE_DMA32);

	ASSERT_EQ(smm_alloc_pages(&t.mm, 0, 0, 0, &idx), 0);
	ASSERT_EQ(smm_zone_of(&t.mm, idx), SHADOWMM_ZONE_NORMAL);
	ASSERT_EQ(normal->stats.mt_fallback, 1);
	ASSERT_EQ(t.mm.zones[SHADOWMM_ZONE_DMA32].stats.mt_fallback, 0);
	ASSERT_EQ(normal->watermark_boost, 512);
	ASSERT_EQ(fb_pageblocks(&t.mm, SHADOWMM_ZONE_NORMAL, SHADOWMM_MT_UNMOVABLE), 1);
	ASSERT_EQ(smm_test_check(&t.mm), 0);
	smm_test_mm_destroy(&t);
}

/*
 * A DMA32 request prefers DMA32: no ALLOC_NOFRAGMENT, so it mixes a
 * DMA32 pageblock at once, as the kernel does.
 */
SMM_TEST(nofragment_only_for_normal)
{
	struct smm_test_mm t;
	u64 idx;

	ASSERT_EQ(smm_test_mm_init(&t, fb64m, 1, "DMA:32M,DMA32:rest", false, 1), 0);
	fb_half_fill(_t, &t.mm, SHADOWMM_ZONE_DMA32);
	ASSERT_EQ(smm_alloc_pages(&t.mm, 0, SHADOWMM_GFP_DMA32, 0, &idx), 0);
	ASSERT_EQ(smm_zone_of(&t.mm, idx), SHADOWMM_ZONE_DMA32);
	ASSERT_EQ(t.mm.zones[SHADOWMM_ZONE_DMA32].stats.mt_fallback, 1);
	ASSERT_EQ(smm_test_check(&t.mm), 0);
	smm_test_mm_destroy(&t);
}

/* 64 MiB at 256 MiB, one DMA32 zone. */
static const struct smm_test_section fb_one[] = { { 0x10000, 16384 } };

/*
 * Where freed blocks go on their lists. The zone's memory was handed
 * over to the tail of the lists in address order (FPI_TO_TAIL), so the
 * first allocations count up from the zone's start: 0, 1, ... 7.
 *
 * Then 4 and 5 come back and merge into an order-1 block; 1 comes back
 * alone (its buddy 0 is held, and 0's order-1 buddy 2 too): head of the
 * order-0 list. 6 comes back alone too, but the block 6 would form with
 * 7 has a free buddy, 4: once 7 comes back, two merges follow, so
 * buddy_merge_likely() puts 6 at the tail, and the next order-0
 * allocation takes 1, not 6.
 *
 *   [0 H][1 f][2 H][3 H][4  f  5 ][6 f][7 H]   H held, f free
 */
SMM_TEST(free_to_tail_when_merge_likely)
{
	struct smm_test_mm t;
	struct smm_free_area *a0;
	u64 idx, i;

	ASSERT_EQ(smm_test_mm_init(&t, fb_one, 1, NULL, false, 1), 0);
	a0 = &t.mm.zones[SHADOWMM_ZONE_DMA32].area[0];
	for (i = 0; i < 8; i++) {
		ASSERT_EQ(smm_alloc_pages(&t.mm, 0, SHADOWMM_GFP_MOVABLE, 0, &idx), 0);
		ASSERT_EQ(idx, i);
	}
	smm_free_pages(&t.mm, 4, 0);
	smm_free_pages(&t.mm, 5, 0);
	smm_free_pages(&t.mm, 1, 0);
	ASSERT_EQ(a0->head[SHADOWMM_MT_MOVABLE], 1);
	smm_free_pages(&t.mm, 6, 0);
	ASSERT_EQ(a0->nr_free[SHADOWMM_MT_MOVABLE], 2);
	ASSERT_EQ(a0->head[SHADOWMM_MT_MOVABLE], 1);
	ASSERT_EQ(a0->tail[SHADOWMM_MT_MOVABLE], 6);
	ASSERT_EQ(smm_test_check(&t.mm), 0);
	ASSERT_EQ(smm_alloc_pages(&t.mm, 0, SHADOWMM_GFP_MOVABLE, 0, &idx), 0);
	ASSERT_EQ(idx, 1);
	smm_test_mm_destroy(&t);
}

/*
 * The fallback policies (mm->fallback_policy, buddy.c). The zone's
 * pageblocks are cut into quarters (order SMM_PAGEBLOCK_ORDER - 2, so
 * that the tests hold at any pageblock order), all taken as movable,
 * then @nfree odd quarters of each pageblock given back (never two
 * buddies, so that they stay quarters):
 *
 *   nfree 2: [ held | free | held | free ]  half free: the kernel claims
 *   nfree 1: [ held | held | held | free ]  a quarter: the kernel does not
 *
 * Then one unmovable order-0 request falls back (one DMA32 zone: no
 * ALLOC_NOFRAGMENT) into the largest free movable block, a quarter.
 */
#define FB_QUARTER	(SMM_PAGEBLOCK_ORDER - 2)

struct fb_policy_case {
	unsigned int policy, nfree;
	u64 steals;		/* mt_steal after the request */
	bool claimed;		/* the raided pageblock became unmovable */
};

static void fb_quarter_fill(struct smm_test *_t, struct smm_mm *mm, unsigned int nfree)
{
	struct smm_zone *z = &mm->zones[SHADOWMM_ZONE_DMA32];
	u64 idx, q, quarter = 1ULL << FB_QUARTER;

	for (;;) {
		smm_lock(&z->lock);
		idx = __smm_rmqueue_flags(mm, z, FB_QUARTER, SHADOWMM_MT_MOVABLE, 0);
		smm_unlock(&z->lock);
		if (idx == ~0ULL)
			break;
	}
	ASSERT_EQ(z->free, 0);
	for (idx = z->start; idx < z->end; idx += SMM_PAGEBLOCK_FRAMES)
		for (q = 5 - 2 * nfree; q < 4; q += 2)
			smm_free_pages(mm, idx + q * quarter, 0);
	ASSERT_EQ(z->free, (z->end - z->start) / 4 * nfree);
}

static void fb_policy_run(struct smm_test *_t, const struct fb_policy_case *c)
{
	struct smm_test_mm t;
	struct smm_zone *z;
	u64 idx, pb_free_movable;

	ASSERT_EQ(smm_test_mm_init(&t, fb_one, 1, NULL, false, 1), 0);
	z = &t.mm.zones[SHADOWMM_ZONE_DMA32];
	ASSERT_EQ(t.mm.fallback_policy, SMM_FALLBACK_KERNEL);
	ASSERT_EQ(smm_set_fallback_policy(&t.mm, c->policy), 0);
	fb_quarter_fill(_t, &t.mm, c->nfree);
	pb_free_movable = z->area[FB_QUARTER].nr_free[SHADOWMM_MT_MOVABLE];

	ASSERT_EQ(smm_alloc_pages(&t.mm, 0, 0, 0, &idx), 0);
	ASSERT_EQ(z->stats.mt_fallback, 1);
	ASSERT_EQ(z->stats.mt_steal, c->steals);
	ASSERT_EQ(smm_pageblock_mt(&t.mm, idx),
		  c->claimed ? SHADOWMM_MT_UNMOVABLE : SHADOWMM_MT_MOVABLE);
	ASSERT_EQ(fb_pageblocks(&t.mm, SHADOWMM_ZONE_DMA32, SHADOWMM_MT_UNMOVABLE), c->claimed);
	/* the block taken was split: one unmovable free block per order below it */
	ASSERT_EQ(z->area[FB_QUARTER - 1].nr_free[SHADOWMM_MT_UNMOVABLE], 1);
	/*
	 * A steal (kernel, claim) moves the pageblock's other free quarter
	 * to the unmovable lists too; nosteal leaves it movable.
	 */
	if (c->nfree == 2)
		ASSERT_EQ(z->area[FB_QUARTER].nr_free[SHADOWMM_MT_MOVABLE],
			  pb_free_movable - (c->policy == SMM_FALLBACK_NOSTEAL ? 1 : 2));
	ASSERT_EQ(smm_test_check(&t.mm), 0);
	/* the page comes back to its pageblock's type, merging as far as before */
	smm_free_pages(&t.mm, idx, 0);
	ASSERT_EQ(smm_test_check(&t.mm), 0);
	smm_test_mm_destroy(&t);
}

/* kernel, half free: the pageblock is claimed (free >= half). */
SMM_TEST(fallback_policy_kernel_claims_half_free)
{
	fb_policy_run(_t, &(struct fb_policy_case){ SMM_FALLBACK_KERNEL, 2, 1, true });
}

/* kernel, a quarter free: not claimed; only the block moves. */
SMM_TEST(fallback_policy_kernel_keeps_quarter_free)
{
	fb_policy_run(_t, &(struct fb_policy_case){ SMM_FALLBACK_KERNEL, 1, 0, false });
}

/* nosteal, half free: the kernel would claim; nosteal takes one quarter only. */
SMM_TEST(fallback_policy_nosteal_takes_one_block)
{
	fb_policy_run(_t, &(struct fb_policy_case){ SMM_FALLBACK_NOSTEAL, 2, 0, false });
}

/* claim, a quarter free: the kernel would not claim; claim does. */
SMM_TEST(fallback_policy_claim_takes_full_pageblock)
{
	fb_policy_run(_t, &(struct fb_policy_case){ SMM_FALLBACK_CLAIM, 1, 1, true });
}

/*
 * Whole free pageblocks change type under every policy: nothing else
 * lives in them. An empty zone, one unmovable request: the largest
 * free block (of MAX_ORDER) becomes unmovable whole, 2^(10 - order)
 * pageblocks, one steal, no boost.
 */
SMM_TEST(fallback_policy_whole_pageblocks_claimed_by_all)
{
	unsigned int p;

	for (p = 0; p < SMM_NR_FALLBACK_POLICIES; p++) {
		struct smm_test_mm t;
		struct smm_zone *z;
		u64 idx;

		ASSERT_EQ(smm_test_mm_init(&t, fb_one, 1, NULL, false, 1), 0);
		z = &t.mm.zones[SHADOWMM_ZONE_DMA32];
		ASSERT_EQ(smm_set_fallback_policy(&t.mm, p), 0);
		ASSERT_EQ(smm_alloc_pages(&t.mm, 0, 0, 0, &idx), 0);
		ASSERT_EQ(z->stats.mt_steal, 1);
		ASSERT_EQ(fb_pageblocks(&t.mm, SHADOWMM_ZONE_DMA32, SHADOWMM_MT_UNMOVABLE),
			  1U << (SMM_MAX_ORDER - SMM_PAGEBLOCK_ORDER));
		ASSERT_EQ(z->watermark_boost, 0);
		ASSERT_EQ(smm_test_check(&t.mm), 0);
		smm_test_mm_destroy(&t);
	}
}

/* The setter refuses what is not a policy; names go both ways. */
SMM_TEST(fallback_policy_names_and_bad_values)
{
	struct smm_test_mm t;
	unsigned int p;

	ASSERT_EQ(smm_test_mm_init(&t, fb_one, 1, NULL, false, 1), 0);
	ASSERT_EQ(smm_set_fallback_policy(&t.mm, SMM_FALLBACK_CLAIM), 0);
	ASSERT_EQ(smm_set_fallback_policy(&t.mm, SMM_NR_FALLBACK_POLICIES), -EINVAL);
	ASSERT_EQ(smm_set_fallback_policy(&t.mm, ~0U), -EINVAL);
	ASSERT_EQ(t.mm.fallback_policy, SMM_FALLBACK_CLAIM);
	for (p = 0; p < SMM_NR_FALLBACK_POLICIES; p++)
		ASSERT_EQ(smm_fallback_policy_by_name(smm_fallback_policy_name(p)), (int)p);
	ASSERT_EQ(strcmp(smm_fallback_policy_name(SMM_FALLBACK_KERNEL), "kernel"), 0);
	ASSERT_EQ(smm_fallback_policy_name(SMM_NR_FALLBACK_POLICIES) == NULL, 1);
	ASSERT_EQ(smm_fallback_policy_by_name("Kernel"), -1);
	ASSERT_EQ(smm_fallback_policy_by_name(""), -1);
	smm_test_mm_destroy(&t);
}
