// SPDX-License-Identifier: GPL-2.0
/*
 * HighMem and Movable: zones= and movablecore=, gfp_zone() against 6.1's
 * GFP_ZONE_TABLE written out by hand, lowmem_reserve and the watermarks
 * of a five-zone layout worked out by hand from 6.1's
 * setup_per_zone_lowmem_reserve() and __setup_per_zone_wmarks(), the
 * kernel's pages (slab, page tables, LRU records, plain GFP_KERNEL)
 * never in HighMem or Movable, user pages preferring Movable then
 * HighMem, and the kmap_local-like maps of HighMem frames balanced.
 */
#include "harness.h"
#include "common.h"
#include "../../../module/core/space.h"
#include "../../../module/core/vma.h"
#include "../../../module/core/slab.h"

#define ZT_PFN		0x40000ULL	/* 1 GiB: everything DMA32 by address */
#define PG		4096ULL

/*
 * The five zones of 64 MiB (16384 frames), as test_zones.sh's layout in
 * small:
 *
 *   | DMA 1024 | DMA32 3072 | Normal 4096 | HighMem 4096 | Movable 4096 |
 */
#define ZT_FIVE		"DMA:4M,DMA32:12M,Normal:16M,HighMem:16M,Movable:rest"

static int zt_init(struct smm_test_mm *t, const char *zones, u64 mfk)
{
	const struct smm_test_section s = { ZT_PFN, 16384 };

	return smm_test_mm_init_mfk(t, &s, 1, zones, 1, mfk);
}

static int zt_init_mem(struct smm_test_mm *t, const char *zones)
{
	const struct smm_test_section s = { ZT_PFN, 16384 };

	return smm_test_mm_init_mem(t, &s, 1, zones, true, 1);
}

/* zones= with HighMem and Movable: sizes in order, each bad spec named. */
SMM_TEST(zones_parse_highmem_movable)
{
	struct smm_zone_layout l;

	ASSERT_EQ(smm_parse_zones(ZT_FIVE, 16384, &l), NULL);
	ASSERT_EQ(l.frames[SHADOWMM_ZONE_DMA], 1024);
	ASSERT_EQ(l.frames[SHADOWMM_ZONE_DMA32], 3072);
	ASSERT_EQ(l.frames[SHADOWMM_ZONE_NORMAL], 4096);
	ASSERT_EQ(l.frames[SHADOWMM_ZONE_HIGHMEM], 4096);
	ASSERT_EQ(l.frames[SHADOWMM_ZONE_MOVABLE], ~0ULL);
	ASSERT_EQ(smm_parse_zones("normal:32M,highmem:rest", 16384, &l), NULL);
	ASSERT_EQ(l.frames[SHADOWMM_ZONE_MOVABLE], 0);
	ASSERT_EQ(smm_parse_zones("Normal:32M,Movable:32M", 16384, &l), NULL);
	ASSERT_STREQ(smm_parse_zones("Normal:16M,Movable:16M,HighMem:rest", 16384, &l),
		     "zones= lists zones out of order or twice");
	ASSERT_STREQ(smm_parse_zones("Normal:16M,HighMem:rest,Movable:8M", 16384, &l),
		     "zones= has a zone after the one taking the rest");
	ASSERT_STREQ(smm_parse_zones("HighMem:32M,Movable:rest", 16384, &l),
		     "zones= has no DMA, DMA32 or Normal memory (slab and page tables need lowmem)");
	ASSERT_STREQ(smm_parse_zones("Normal:16M,HighMem:3000,Movable:rest", 16384, &l),
		     "zones= size is not a non-zero multiple of the 4 KiB page");
	ASSERT_STREQ(smm_parse_zones("Normal:16M,HighMem:64M", 16384, &l),
		     "zones= sizes exceed the range");
	ASSERT_STREQ(smm_parse_zones("Normal:16M,Highmen:rest", 16384, &l),
		     "zones= names an unknown zone (DMA, DMA32, Normal, HighMem or Movable)");
	ASSERT_STREQ(smm_parse_zones("Normal:16M,Movable:16M", 16384, &l),
		     "zones= sizes do not cover the range (end with NAME:rest)");
}

/* movablecore=: checked against the range and against zones=. */
SMM_TEST(zones_movablecore_checks)
{
	struct smm_zone_layout l = { 0 };

	ASSERT_EQ(smm_check_movablecore(0, 16384, &l), NULL);
	ASSERT_EQ(smm_check_movablecore(8 << 20, 16384, &l), NULL);
	ASSERT_STREQ(smm_check_movablecore(3000, 16384, &l),
		     "movablecore= is not a multiple of the 4 KiB page");
	ASSERT_STREQ(smm_check_movablecore(64 << 20, 16384, &l),
		     "movablecore= leaves no memory below the Movable zone");
	ASSERT_EQ(smm_parse_zones("Normal:32M,HighMem:rest", 16384, &l), NULL);
	ASSERT_EQ(smm_check_movablecore(8 << 20, 16384, &l), NULL);
	ASSERT_EQ(smm_parse_zones(ZT_FIVE, 16384, &l), NULL);
	ASSERT_STREQ(smm_check_movablecore(8 << 20, 16384, &l),
		     "movablecore= and a zones= naming Movable both place the Movable zone");
}

/* An mm of 16384 frames by address with movablecore= @frames. */
static int zt_init_movablecore(struct smm_test_mm *t, const char *zones, u64 frames)
{
	struct smm_mm_config cfg = { .nr_cpus = 1 };
	int ret;

	ret = smm_range_init(&t->range, 1);
	if (!ret)
		ret = smm_range_add_section(&t->range, ZT_PFN, 16384, NULL);
	if (!ret)
		ret = smm_range_finish(&t->range);
	if (!ret && zones && smm_parse_zones(zones, 16384, &cfg.layout))
		ret = -EINVAL;
	cfg.layout.movablecore_frames = frames;
	memset(t->mem, 0, sizeof(t->mem));
	if (!ret)
		ret = smm_mm_init(&t->mm, &t->range, &cfg);
	if (ret)
		smm_range_destroy(&t->range);
	return ret;
}

/*
 * movablecore= as find_zone_movable_pfns_for_nodes(): the top frames of
 * the highest populated zone, Movable's start rounded up to 1024 frames
 * (MAX_ORDER_NR_PAGES), so 3000 frames asked give 2048:
 *
 *   by address, 8 MiB:  | DMA32 0..14336 | Movable 14336..16384 |
 *   3000 frames:        | DMA32 0..14336 | Movable 14336..16384 |
 *   zones=Normal:32M,HighMem:rest, 8 MiB: HighMem 8192..14336, Movable after
 */
SMM_TEST(zones_movablecore_carves_the_top)
{
	struct smm_test_mm t;
	const struct smm_zone *z;

	ASSERT_EQ(zt_init_movablecore(&t, NULL, 2048), 0);
	z = t.mm.zones;
	EXPECT_EQ(z[SHADOWMM_ZONE_DMA32].start, 0);
	EXPECT_EQ(z[SHADOWMM_ZONE_DMA32].end, 14336);
	EXPECT_EQ(z[SHADOWMM_ZONE_NORMAL].start, 14336);
	EXPECT_EQ(z[SHADOWMM_ZONE_NORMAL].end, 14336);
	EXPECT_EQ(z[SHADOWMM_ZONE_MOVABLE].start, 14336);
	EXPECT_EQ(z[SHADOWMM_ZONE_MOVABLE].end, 16384);
	EXPECT_EQ(z[SHADOWMM_ZONE_MOVABLE].managed, 2048);
	ASSERT_EQ(smm_test_check(&t.mm), 0);
	smm_test_mm_destroy(&t);

	ASSERT_EQ(zt_init_movablecore(&t, NULL, 3000), 0);
	EXPECT_EQ(t.mm.zones[SHADOWMM_ZONE_MOVABLE].start, 14336);
	EXPECT_EQ(t.mm.zones[SHADOWMM_ZONE_MOVABLE].managed, 2048);
	smm_test_mm_destroy(&t);

	ASSERT_EQ(zt_init_movablecore(&t, "Normal:32M,HighMem:rest", 2048), 0);
	z = t.mm.zones;
	EXPECT_EQ(z[SHADOWMM_ZONE_NORMAL].end, 8192);
	EXPECT_EQ(z[SHADOWMM_ZONE_HIGHMEM].start, 8192);
	EXPECT_EQ(z[SHADOWMM_ZONE_HIGHMEM].end, 14336);
	EXPECT_EQ(z[SHADOWMM_ZONE_MOVABLE].start, 14336);
	ASSERT_EQ(smm_test_check(&t.mm), 0);
	smm_test_mm_destroy(&t);
}

/*
 * 6.1's GFP_ZONE_TABLE and GFP_ZONE_BAD (include/linux/gfp.h), indexed
 * by the kernel's bits ___GFP_DMA 1, ___GFP_HIGHMEM 2, ___GFP_DMA32 4,
 * ___GFP_MOVABLE 8, on a config with every zone; -1: GFP_ZONE_BAD.
 */
static const int zt_gfp_zone_table[16] = {
	[0]		= SHADOWMM_ZONE_NORMAL,
	[1]		= SHADOWMM_ZONE_DMA,
	[2]		= SHADOWMM_ZONE_HIGHMEM,
	[1 | 2]		= -1,
	[4]		= SHADOWMM_ZONE_DMA32,
	[4 | 1]		= -1,
	[4 | 2]		= -1,
	[4 | 2 | 1]	= -1,
	[8]		= SHADOWMM_ZONE_NORMAL,
	[8 | 1]		= SHADOWMM_ZONE_DMA,
	[8 | 2]		= SHADOWMM_ZONE_MOVABLE,
	[8 | 2 | 1]	= -1,
	[8 | 4]		= SHADOWMM_ZONE_DMA32,
	[8 | 4 | 1]	= -1,
	[8 | 4 | 2]	= -1,
	[8 | 4 | 2 | 1]	= -1,
};

/* gfp_zone() of every combination of the four zone bits. */
SMM_TEST(zones_gfp_zone_as_6_1_table)
{
	unsigned int bits;

	for (bits = 0; bits < 16; bits++) {
		unsigned int gfp = (bits & 1 ? SHADOWMM_GFP_DMA : 0) |
				   (bits & 2 ? SHADOWMM_GFP_HIGHMEM : 0) |
				   (bits & 4 ? SHADOWMM_GFP_DMA32 : 0) |
				   (bits & 8 ? SHADOWMM_GFP_MOVABLE : 0);
		int want = zt_gfp_zone_table[bits];

		if (smm_gfp_zone_bad(gfp) != (want < 0))
			printf("# bits %#x: bad %d, table %d\n", bits, smm_gfp_zone_bad(gfp), want);
		ASSERT_EQ(smm_gfp_zone_bad(gfp), want < 0);
		if (want < 0)
			continue;
		if ((int)smm_gfp_zone(gfp) != want)
			printf("# bits %#x: zone %u, table %d\n", bits, smm_gfp_zone(gfp), want);
		ASSERT_EQ((int)smm_gfp_zone(gfp), want);
	}
	EXPECT_EQ(smm_gfp_zone(SMM_GFP_HIGHUSER_MOVABLE), SHADOWMM_ZONE_MOVABLE);
}

/*
 * The five zones of ZT_FIVE with min_free_kbytes 1024 (256 pages), by
 * hand from 6.1:
 *
 * lowmem_reserve[j] of zone i: managed of zones i+1..j / ratio[i], ratios
 * 256, 256, 32, 0, 0 (0 clears):
 *   DMA     (0, 3072/256 = 12, 7168/256 = 28, 11264/256 = 44, 15360/256 = 60)
 *   DMA32   (0, 0, 4096/256 = 16, 8192/256 = 32, 12288/256 = 48)
 *   Normal  (0, 0, 0, 4096/32 = 128, 8192/32 = 256)
 *   HighMem (0, 0, 0, 0, 0)       Movable (0, 0, 0, 0, 0)
 *
 * Watermarks: lowmem_pages is every zone but HighMem: 12288. tmp =
 * 256 * managed / 12288; gap = max(tmp / 4, managed * 10 / 10000):
 *   DMA      21 + 5  -> 21 26 31
 *   DMA32    64 + 16 -> 64 80 96
 *   Normal   85 + 21 -> 85 106 127
 *   HighMem  min clamp(4096 / 1024, 32, 128) = 32, gap 21 -> 32 53 74
 *   Movable  85 + 21 -> 85 106 127 (6.1 does not cap Movable)
 *
 * min_free_kbytes derived: nr_free_buffer_pages() counts DMA..Normal
 * only, 8192 pages = 32768 KiB: sqrt(16 * 32768) = 724 (all zones
 * would give 1024).
 */
SMM_TEST(zones_lowmem_reserve_and_watermarks_five_zones)
{
	static const u64 reserve[SMM_NR_ZONES][SMM_NR_ZONES] = {
		{ 0, 12, 28, 44, 60 },
		{ 0, 0, 16, 32, 48 },
		{ 0, 0, 0, 128, 256 },
		{ 0, 0, 0, 0, 0 },
		{ 0, 0, 0, 0, 0 },
	};
	static const u64 wmark[SMM_NR_ZONES][3] = {
		{ 21, 26, 31 }, { 64, 80, 96 }, { 85, 106, 127 }, { 32, 53, 74 }, { 85, 106, 127 },
	};
	struct smm_test_mm t;
	unsigned int i, j;

	ASSERT_EQ(zt_init(&t, ZT_FIVE, 1024), 0);
	for (i = 0; i < SMM_NR_ZONES; i++) {
		const struct smm_zone *z = &t.mm.zones[i];

		for (j = 0; j < SMM_NR_ZONES; j++) {
			if (z->lowmem_reserve[j] != reserve[i][j])
				printf("# %s protection[%u] %llu, by hand %llu\n", z->name, j,
				       (unsigned long long)z->lowmem_reserve[j],
				       (unsigned long long)reserve[i][j]);
			EXPECT_EQ(z->lowmem_reserve[j], reserve[i][j]);
		}
		for (j = 0; j < 3; j++) {
			if (z->wmark[j] != wmark[i][j])
				printf("# %s wmark[%u] %llu, by hand %llu\n", z->name, j,
				       (unsigned long long)z->wmark[j], (unsigned long long)wmark[i][j]);
			EXPECT_EQ(z->wmark[j], wmark[i][j]);
		}
	}
	smm_test_mm_destroy(&t);

	ASSERT_EQ(zt_init(&t, ZT_FIVE, SMM_MIN_FREE_KBYTES_AUTO), 0);
	EXPECT_EQ(t.mm.min_free_kbytes, 724);
	smm_test_mm_destroy(&t);
}

/*
 * An empty HighMem zone still gets 6.1's clamped min (32), as the kernel
 * prints for it; the default layouts' other marks do not move.
 */
SMM_TEST(zones_empty_highmem_min_clamped)
{
	struct smm_test_mm t;

	ASSERT_EQ(zt_init(&t, "DMA:4M,DMA32:rest", 1024), 0);
	EXPECT_EQ(t.mm.zones[SHADOWMM_ZONE_HIGHMEM].managed, 0);
	EXPECT_EQ(t.mm.zones[SHADOWMM_ZONE_HIGHMEM].wmark[SMM_WMARK_MIN], 32);
	EXPECT_EQ(t.mm.zones[SHADOWMM_ZONE_MOVABLE].wmark[SMM_WMARK_MIN], 0);
	/* DMA 1024 of 16384 lowmem pages: 256 * 1024 / 16384 = 16 */
	EXPECT_EQ(t.mm.zones[SHADOWMM_ZONE_DMA].wmark[SMM_WMARK_MIN], 16);
	smm_test_mm_destroy(&t);
}

/*
 * Unmovable (GFP_KERNEL) and movable-without-HIGHMEM requests drain the
 * lowmem zones and then fail: none lands in HighMem or Movable, though
 * 8192 frames are free there. HIGHMEM lands in HighMem, HIGHMEM |
 * MOVABLE in Movable.
 */
SMM_TEST(zones_kernel_requests_never_high)
{
	static const unsigned int gfps[] = { 0, SHADOWMM_GFP_MOVABLE, SHADOWMM_GFP_RECLAIMABLE };
	struct smm_test_mm t;
	unsigned int k;
	u64 idx, n = 0;

	ASSERT_EQ(zt_init(&t, ZT_FIVE, 1024), 0);
	for (k = 0; k < ARRAY_SIZE(gfps); k++) {
		while (!smm_alloc_pages(&t.mm, 0, gfps[k], 0, &idx)) {
			unsigned int zi = smm_zone_of(&t.mm, idx);

			if (smm_zone_is_high(zi))
				printf("# gfp %#x: frame %llu in %s\n", gfps[k],
				       (unsigned long long)idx, t.mm.zones[zi].name);
			ASSERT_TRUE(!smm_zone_is_high(zi));
			n++;
		}
	}
	EXPECT_TRUE(n > 7000);
	EXPECT_EQ(t.mm.zones[SHADOWMM_ZONE_HIGHMEM].free, 4096);
	EXPECT_EQ(t.mm.zones[SHADOWMM_ZONE_MOVABLE].free, 4096);
	ASSERT_EQ(smm_alloc_pages(&t.mm, 0, SHADOWMM_GFP_HIGHMEM, 0, &idx), 0);
	EXPECT_EQ(smm_zone_of(&t.mm, idx), SHADOWMM_ZONE_HIGHMEM);
	ASSERT_EQ(smm_alloc_pages(&t.mm, 0, SMM_GFP_HIGHUSER_MOVABLE, 0, &idx), 0);
	EXPECT_EQ(smm_zone_of(&t.mm, idx), SHADOWMM_ZONE_MOVABLE);
	/* GFP_ZONE_BAD is refused */
	EXPECT_EQ(smm_alloc_pages(&t.mm, 0, SHADOWMM_GFP_HIGHMEM | SHADOWMM_GFP_DMA, 0, &idx),
		  -EINVAL);
	ASSERT_EQ(smm_test_check(&t.mm), 0);
	smm_test_mm_destroy(&t);
}

/*
 * Slab pages, page tables and LRU record pages stay in lowmem while a
 * space's pages go to Movable first, then HighMem: 64 pages written
 * through a space land in Movable; after Movable is used up, in
 * HighMem. CHECK (which rejects a slab, table or record page in
 * HighMem or Movable) passes, and every map was given back.
 */
SMM_TEST(zones_user_pages_high_kernel_pages_low)
{
	struct smm_test_mm t;
	struct smm_slabs sl;
	struct smm_cache *c;
	struct smm_access res;
	struct smm_space s;
	struct smm_walk w;
	const char *why;
	u64 va, idx, n, pos, hog[4096];
	unsigned int i, zi, in_movable = 0, in_high = 0;

	ASSERT_EQ(zt_init_mem(&t, ZT_FIVE), 0);
	ASSERT_EQ(smm_slabs_init(&sl, &t.mm, 0x5eed, 0), 0);
	ASSERT_EQ(smm_cache_create(&sl, "zt", 512, 0, 0, &c), 0);
	for (i = 0; i < 2000; i++)
		ASSERT_TRUE(smm_cache_alloc(c, 0, 0, &pos));
	ASSERT_EQ(smm_space_init(&s, &t.mm, 1, 4), 0);
	ASSERT_EQ(smm_vma_mmap(&s, 0x400000, 64 * PG, SHADOWMM_PROT_WRITE, &why), 0);
	ASSERT_EQ(smm_space_access(&s, 0x400000, 64 * PG, SMM_ACCESS_WRITE | SMM_ACCESS_PATTERN,
				   0, &res, &why), 0);
	for (va = 0x400000; va < 0x400000 + 64 * PG; va += PG) {
		ASSERT_EQ(smm_space_walk(&s, va, &w), 0);
		ASSERT_TRUE(smm_range_pfn_to_idx(&t.range, w.pfn, &idx));
		in_movable += smm_zone_of(&t.mm, idx) == SHADOWMM_ZONE_MOVABLE;
	}
	EXPECT_EQ(in_movable, 64);
	/* Movable used up: the next user pages come from HighMem */
	for (n = 0; n < ARRAY_SIZE(hog) &&
	     !smm_alloc_pages(&t.mm, 0, SMM_GFP_HIGHUSER_MOVABLE | SHADOWMM_GFP_ATOMIC, 0, &hog[n]) &&
	     smm_zone_of(&t.mm, hog[n]) == SHADOWMM_ZONE_MOVABLE; n++)
		;
	ASSERT_EQ(smm_vma_mmap(&s, 0x800000, 16 * PG, SHADOWMM_PROT_WRITE, &why), 0);
	ASSERT_EQ(smm_space_access(&s, 0x800000, 16 * PG, SMM_ACCESS_WRITE | SMM_ACCESS_PATTERN,
				   0, &res, &why), 0);
	for (va = 0x800000; va < 0x800000 + 16 * PG; va += PG) {
		ASSERT_EQ(smm_space_walk(&s, va, &w), 0);
		ASSERT_TRUE(smm_range_pfn_to_idx(&t.range, w.pfn, &idx));
		in_high += smm_zone_of(&t.mm, idx) == SHADOWMM_ZONE_HIGHMEM;
	}
	EXPECT_EQ(in_high, 16);
	EXPECT_TRUE(smm_atomic64_read(&t.mm.kmap_local) >= 32);	/* zeroed and written */
	EXPECT_EQ(smm_atomic64_read(&t.mm.kmap_open), 0);
	/* every frame of a slab, a table or a record page is lowmem: CHECK */
	for (idx = 0; idx < t.range.span; idx++) {
		unsigned int type = smm_frame_type(&t.mm.frames[idx]);

		zi = smm_zone_of(&t.mm, idx);
		if (type == SMM_FRAME_SLAB || type == SMM_FRAME_PGTABLE || type == SMM_FRAME_LRU)
			ASSERT_TRUE(!smm_zone_is_high(zi));
	}
	ASSERT_EQ(smm_test_check(&t.mm), 0);
	smm_space_destroy(&s);
	smm_slabs_destroy(&sl);
	smm_test_mm_destroy(&t);
}

/*
 * kmap balance: a HighMem frame's map is counted and given back; a map
 * left open is what CHECK reports; lowmem frames are not counted.
 */
SMM_TEST(zones_kmap_balance)
{
	struct smm_test_mm t;
	u64 low, high;
	void *m;

	ASSERT_EQ(zt_init_mem(&t, ZT_FIVE), 0);
	ASSERT_EQ(smm_alloc_pages(&t.mm, 0, SHADOWMM_GFP_ZERO, 0, &low), 0);
	EXPECT_EQ(smm_atomic64_read(&t.mm.kmap_local), 0);
	ASSERT_EQ(smm_alloc_pages(&t.mm, 0, SHADOWMM_GFP_HIGHMEM | SHADOWMM_GFP_ZERO, 0, &high), 0);
	ASSERT_EQ(smm_zone_of(&t.mm, high), SHADOWMM_ZONE_HIGHMEM);
	EXPECT_EQ(smm_atomic64_read(&t.mm.kmap_local), 1);	/* clear_highpage() */
	EXPECT_EQ(smm_atomic64_read(&t.mm.kmap_open), 0);
	m = smm_kmap_local_frame(&t.mm, high);
	ASSERT_TRUE(m);
	EXPECT_EQ(smm_atomic64_read(&t.mm.kmap_open), 1);
	EXPECT_EQ(smm_test_check(&t.mm), -EUCLEAN);	/* a map left open */
	smm_kunmap_local_frame(&t.mm, high, m);
	EXPECT_EQ(smm_atomic64_read(&t.mm.kmap_open), 0);
	ASSERT_EQ(smm_test_check(&t.mm), 0);
	/* a lowmem frame has its address: no count, and no warning */
	EXPECT_TRUE(smm_lowmem_frame(&t.mm, low));
	EXPECT_EQ(smm_atomic64_read(&t.mm.kmap_local), 2);
	smm_test_mm_destroy(&t);
}
