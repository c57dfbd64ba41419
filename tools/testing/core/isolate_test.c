// SPDX-License-Identifier: GPL-2.0
/*
 * Isolation, offlining and CMA (isolate.c, cma.c) against 6.1's rules:
 *   - start_isolate_page_range() moves the free pages of its pageblocks
 *     to the Isolate lists, which nothing allocates from; undo gives each
 *     pageblock its type back (HighAtomic with its count) and the free
 *     lists their blocks, merged as before;
 *   - has_unmovable_pages(): a range holding an unmovable page is not
 *     isolated, and nothing changes;
 *   - offline_pages() migrates the movable pages out (contents kept),
 *     takes the free pages out of the buddy and out of present and
 *     managed; online_pages() gives them back;
 *   - CMA pageblocks serve movable requests only (ALLOC_CMA), first when
 *     more than half of the zone's free frames are CMA (__rmqueue()'s
 *     balance rule: the two then shrink together, request by request);
 *     cma_alloc() migrates movable pages out of the area and fails
 *     cleanly when an unmovable one is there, found by the shadow's
 *     pre-check before anything is isolated or migrated.
 *
 * One DMA32 zone of 16 MiB (8 pageblocks), one CPU with its lists, a
 * swap area, a shadow space whose anonymous pages are the movable ones
 * and netlink pages the unmovable ones:
 *
 *   0x10000                                              +4096 frames
 *   | pb0 | pb1 | pb2 | pb3 | pb4 | pb5 | pb6 | pb7 |
 *                           \____ cma=8M: CMA ______/   (the CMA tests)
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "common.h"
#include "../../../module/core/space.h"
#include "../../../module/core/owner.h"
#include "../../../module/core/migrate.h"
#include "../../../module/core/isolate.h"
#include "../../../module/core/cma.h"

#define PG		4096ULL
#define BASE		0x400000ULL
#define IS_FRAMES	4096ULL
#define IS_ZONE		SHADOWMM_ZONE_DMA32
#define IS_PAGES	1024
#define PB		SMM_PAGEBLOCK_FRAMES

struct is_env {
	struct smm_test_swap e;
	struct smm_space s;
	u64 value[IS_PAGES];
	bool mapped[IS_PAGES];
};

/* What isolation must leave as it found: types, lists, counts. */
struct is_state {
	u8 mt[IS_FRAMES / PB];
	u64 nr_free[SMM_NR_ORDERS][SMM_NR_MT];
	u64 free, present, managed, reserved;
};

static struct is_env *is_new(u64 cma_frames)
{
	struct is_env *c = calloc(1, sizeof(*c));
	const char *why;

	if (!c || smm_test_swap_init(&c->e, IS_FRAMES, 256) ||
	    smm_cma_init(&c->e.t.mm, cma_frames, &why) ||
	    smm_space_init(&c->s, &c->e.t.mm, 1, 4) ||
	    smm_vma_mmap(&c->s, BASE, IS_PAGES * PG, SHADOWMM_PROT_WRITE, &why)) {
		free(c);
		return NULL;
	}
	return c;
}

static void is_free(struct is_env *c)
{
	smm_cma_release_all(&c->e.t.mm);
	smm_space_destroy(&c->s);
	smm_free_owned(&c->e.t.mm, SMM_OWNER_NETLINK);
	smm_test_swap_destroy(&c->e);
	free(c);
}

static int is_write(struct is_env *c, u64 i, u64 value)
{
	struct smm_access res;
	const char *why;

	c->value[i] = value;
	c->mapped[i] = true;
	return smm_space_access(&c->s, BASE + i * PG, PG, SMM_ACCESS_WRITE, value, &res, &why);
}

/* Every written page reads back its value without a fault; CHECK holds. */
static int is_verify(struct is_env *c)
{
	const struct smm_space *sp = &c->s;
	struct smm_access res;
	const char *why;
	u64 i;

	for (i = 0; i < IS_PAGES; i++) {
		if (!c->mapped[i])
			continue;
		if (smm_space_access(&c->s, BASE + i * PG, PG, 0, 0, &res, &why) ||
		    res.csum != smm_test_csum_of(1, c->value[i]) || res.faults) {
			printf("# page %llu does not read back\n", (unsigned long long)i);
			return -1;
		}
	}
	return smm_test_check_reclaim(&c->e.t.mm, &sp, 1, true);
}

static struct smm_zone *is_zone(struct is_env *c)
{
	return &c->e.t.mm.zones[IS_ZONE];
}

static void is_snap(struct is_env *c, struct is_state *st)
{
	struct smm_mm *mm = &c->e.t.mm;
	struct smm_zone *z = is_zone(c);
	unsigned int o, mt;
	u64 i;

	smm_drain_all_pcp(mm);
	memset(st, 0, sizeof(*st));
	for (i = 0; i < IS_FRAMES / PB; i++)
		st->mt[i] = smm_pageblock_mt(mm, z->start + i * PB);
	for (o = 0; o < SMM_NR_ORDERS; o++)
		for (mt = 0; mt < SMM_NR_MT; mt++)
			st->nr_free[o][mt] = z->area[o].nr_free[mt];
	st->free = z->free;
	st->present = z->present;
	st->managed = z->managed;
	st->reserved = z->nr_reserved_highatomic;
}

static bool is_same(struct is_env *c, const struct is_state *a)
{
	struct is_state b;

	unsigned int o, mt;

	is_snap(c, &b);
	for (o = 0; o < SMM_NR_ORDERS; o++)
		for (mt = 0; mt < SMM_NR_MT; mt++)
			if (a->nr_free[o][mt] != b.nr_free[o][mt])
				printf("# order %u type %u: %llu free blocks before, %llu now\n", o, mt,
				       (unsigned long long)a->nr_free[o][mt],
				       (unsigned long long)b.nr_free[o][mt]);
	for (o = 0; o < IS_FRAMES / PB; o++)
		if (a->mt[o] != b.mt[o])
			printf("# pageblock %u: type %u before, %u now\n", o, a->mt[o], b.mt[o]);
	return !memcmp(a, &b, sizeof(b));
}

/* An unmovable netlink page, of migratetype @mt's request. */
static u64 is_netlink_page(struct smm_mm *mm, unsigned int gfp)
{
	u64 idx;

	if (smm_alloc_pages(mm, 0, gfp, 0, &idx))
		return ~0ULL;
	smm_frame_own(mm, idx, SMM_FRAME_PAGE, smm_owner_data(SMM_OWNER_NETLINK, 1), 0);
	return idx;
}

/*
 * The first pageblock (from @from) holding at least one anonymous page
 * and nothing that cannot move: where an offline can succeed.
 */
static u64 is_movable_pageblock(struct is_env *c, u64 from)
{
	struct smm_mm *mm = &c->e.t.mm;
	u64 pb, i;

	for (pb = from; pb + PB <= is_zone(c)->end; pb += PB) {
		unsigned int anon = 0, bad = 0;

		for (i = pb; i < pb + PB; i++) {
			struct smm_frame f = mm->frames[i];

			if (smm_frame_type(&f) == SMM_FRAME_TAIL || smm_frame_type(&f) == SMM_FRAME_FREE ||
			    smm_frame_type(&f) == SMM_FRAME_PCP)
				continue;
			if (smm_migrate_refusal(mm, i))
				bad++;
			else
				anon++;
		}
		if (anon && !bad)
			return pb;
	}
	return ~0ULL;
}

/* Nothing but free frames in [@start, @start + @count). */
static bool is_all_free(struct is_env *c, u64 start, u64 count)
{
	u64 i;

	for (i = start; i < start + count; i++) {
		unsigned int t = smm_frame_type(&c->e.t.mm.frames[i]);

		if (t != SMM_FRAME_FREE && t != SMM_FRAME_TAIL && t != SMM_FRAME_PCP)
			return false;
	}
	return true;
}

/*
 * Isolate three pageblocks, one of them a HighAtomic reserve: their free
 * pages go to the Isolate lists and no allocation, however long, lands
 * there; undo gives back the exact types, lists and counts, and CHECK
 * (which sees unmerged buddies) passes.
 *
 *   | pb0 | pb1 | pb2 | pb3 | ...
 *         \ISO  ISO(HA) ISO/
 */
SMM_TEST(isolate_undo_restores_types_and_free_counts)
{
	struct is_env *c = is_new(0);
	struct smm_isolation iso;
	struct is_state before;
	struct smm_mm *mm;
	struct smm_zone *z;
	const char *why;
	u64 idx, bad, start, *held, n = 0, i;

	ASSERT_TRUE(c != NULL);
	mm = &c->e.t.mm;
	z = is_zone(c);
	/* three free pageblocks, the middle one made a HighAtomic reserve */
	smm_drain_all_pcp(mm);
	for (idx = z->start, start = ~0ULL; idx + 3 * PB <= z->end && start == ~0ULL; idx += PB)
		if (is_all_free(c, idx, 3 * PB))
			start = idx;
	ASSERT_NE(start, ~0ULL);
	smm_reserve_highatomic(mm, z, start + PB);
	ASSERT_EQ(smm_pageblock_mt(mm, start + PB), SHADOWMM_MT_HIGHATOMIC);
	ASSERT_EQ(smm_test_check(mm), 0);
	/*
	 * reserve_highatomic_pageblock() moved a free order-10 block that
	 * spans its pageblock and a Movable one to the HighAtomic list, as
	 * the kernel's does; one isolation and undo leaves the two apart,
	 * each on its own type's list: the state from which the exact
	 * round trip is checked.
	 */
	ASSERT_EQ(smm_start_isolate_page_range(mm, &iso, start, 3 * PB, SHADOWMM_MT_MOVABLE, &bad,
					       &why), 0);
	smm_undo_isolate_page_range(mm, &iso);
	ASSERT_EQ(smm_test_check(mm), 0);
	is_snap(c, &before);
	ASSERT_EQ(smm_start_isolate_page_range(mm, &iso, start, 3 * PB, SHADOWMM_MT_MOVABLE, &bad,
					       &why), 0);
	for (i = 0; i < 3; i++)
		EXPECT_EQ(smm_pageblock_mt(mm, start + i * PB), SHADOWMM_MT_ISOLATE);
	EXPECT_EQ(z->nr_reserved_highatomic, before.reserved - PB);
	for (i = 0, n = 0; i < SMM_NR_ORDERS; i++)
		n += z->area[i].nr_free[SHADOWMM_MT_ISOLATE] << i;
	EXPECT_EQ(n, 3 * PB);
	ASSERT_EQ(smm_test_pages_isolated(mm, &iso, &bad, &why), 0);
	smm_undo_isolate_page_range(mm, &iso);
	EXPECT_TRUE(is_same(c, &before));
	EXPECT_EQ(smm_test_check(mm), 0);

	/* isolated again: nothing allocated lands in it, however much is taken */
	ASSERT_EQ(smm_start_isolate_page_range(mm, &iso, start, 3 * PB, SHADOWMM_MT_MOVABLE, &bad,
					       &why), 0);
	n = 0;
	held = calloc(IS_FRAMES, sizeof(*held));
	ASSERT_TRUE(held != NULL);
	while (n < IS_FRAMES && !smm_alloc_pages(mm, 0, SHADOWMM_GFP_RESERVE | SHADOWMM_GFP_ATOMIC |
						 SHADOWMM_GFP_HIGH, 0, &held[n]))
		n++;
	EXPECT_TRUE(n > 0);
	for (i = 0; i < n; i++)
		EXPECT_TRUE(held[i] < start || held[i] >= start + 3 * PB);
	for (i = 0; i < n; i++)
		smm_free_pages(mm, held[i], 0);
	free(held);
	smm_undo_isolate_page_range(mm, &iso);
	EXPECT_EQ(smm_pageblock_mt(mm, start + PB), SHADOWMM_MT_HIGHATOMIC);
	EXPECT_EQ(smm_test_check(mm), 0);
	is_free(c);
}

/*
 * Offline a pageblock full of a space's pages: each migrated out, read
 * back unchanged; the zone's present and managed drop by a pageblock,
 * zero frames of it free; online brings back the counts, and the zone
 * is as it was.
 */
SMM_TEST(offline_migrates_movable_pages_and_online_gives_back)
{
	struct is_env *c = is_new(0);
	struct smm_mm *mm;
	struct smm_zone *z;
	struct is_state before;
	const char *why;
	u64 pb, bad, i, pos = 0, s, n, free0;
	unsigned int zi;

	ASSERT_TRUE(c != NULL);
	mm = &c->e.t.mm;
	z = is_zone(c);
	for (i = 0; i < 900; i++)
		ASSERT_EQ(is_write(c, i, 0x5eed0000 + i), 0);
	pb = is_movable_pageblock(c, z->start);
	ASSERT_NE(pb, ~0ULL);
	is_snap(c, &before);
	free0 = z->free;
	ASSERT_EQ(smm_offline_pages(mm, pb, PB, &bad, &why), 0);
	EXPECT_EQ(z->present, before.present - PB);
	EXPECT_EQ(z->managed, before.managed - PB);
	EXPECT_TRUE(z->free < free0);
	EXPECT_EQ(smm_frame_type(&mm->frames[pb]), SMM_FRAME_OFFLINE);
	EXPECT_EQ(is_verify(c), 0);
	ASSERT_TRUE(smm_next_offline_range(mm, &pos, &s, &n, &zi));
	EXPECT_EQ(s, pb);
	EXPECT_EQ(n, PB);
	EXPECT_EQ(zi, IS_ZONE);
	EXPECT_TRUE(!smm_next_offline_range(mm, &pos, &s, &n, &zi));
	/* overlapping, unaligned, crossing the end: refused with words */
	EXPECT_EQ(smm_offline_pages(mm, pb, PB, &bad, &why), -EBUSY);
	ASSERT_STREQ(why, "the range overlaps a range already offline");
	EXPECT_EQ(smm_offline_pages(mm, pb + 1, PB, &bad, &why), -EINVAL);
	EXPECT_EQ(smm_offline_pages(mm, z->end - PB, 2 * PB, &bad, &why), -EINVAL);
	EXPECT_EQ(smm_online_pages(mm, pb + PB == z->end ? pb - PB : pb + PB, PB, &why), -EINVAL);
	ASSERT_STREQ(why, "a pageblock of the range is not offline");
	ASSERT_EQ(smm_online_pages(mm, pb, PB, &why), 0);
	EXPECT_EQ(z->present, before.present);
	EXPECT_EQ(z->managed, before.managed);
	EXPECT_EQ(smm_pageblock_mt(mm, pb), SHADOWMM_MT_MOVABLE);
	EXPECT_EQ(is_verify(c), 0);
	pos = 0;
	EXPECT_TRUE(!smm_next_offline_range(mm, &pos, &s, &n, &zi));
	is_free(c);
}

/*
 * An unmovable (netlink) page in the range: the offline is refused with
 * that page and the reason, and the zone is exactly as before.
 */
SMM_TEST(offline_refused_by_an_unmovable_page_changes_nothing)
{
	struct is_env *c = is_new(0);
	struct is_state before;
	struct smm_mm *mm;
	const char *why;
	u64 nl, bad, pb;

	ASSERT_TRUE(c != NULL);
	mm = &c->e.t.mm;
	ASSERT_EQ(is_write(c, 0, 1), 0);
	nl = is_netlink_page(mm, SHADOWMM_GFP_MOVABLE);
	ASSERT_NE(nl, ~0ULL);
	pb = nl & ~(PB - 1);
	is_snap(c, &before);
	EXPECT_EQ(smm_offline_pages(mm, pb, PB, &bad, &why), -EBUSY);
	EXPECT_EQ(bad, nl);
	ASSERT_STREQ(why, "a netlink page handle: unmovable (PAGE_ALLOC makes no movable promise)");
	EXPECT_TRUE(is_same(c, &before));
	EXPECT_EQ(is_verify(c), 0);
	is_free(c);
}

/*
 * cma=4M: the top two pageblocks are CMA; unmovable and reclaimable
 * requests never get a CMA frame, down to the last one they can have;
 * movable ones do, and take CMA first once more than half of the zone's
 * free frames are CMA.
 */
SMM_TEST(cma_area_serves_movable_requests_only)
{
	struct is_env *c = is_new(2 * PB);
	struct smm_mm *mm;
	struct smm_zone *z;
	struct smm_cma *cma;
	u64 idx, n = 0, in_cma = 0;

	ASSERT_TRUE(c != NULL);
	mm = &c->e.t.mm;
	z = is_zone(c);
	cma = mm->cma;
	ASSERT_TRUE(cma != NULL);
	EXPECT_EQ(cma->base, z->end - 2 * PB);
	EXPECT_EQ(z->cma_pages, 2 * PB);
	EXPECT_EQ(smm_pageblock_mt(mm, cma->base), SHADOWMM_MT_CMA);
	EXPECT_EQ(smm_zone_free_cma(z), 2 * PB);
	EXPECT_EQ(smm_test_check(mm), 0);
	/* half the free frames are CMA, not more: a movable request takes a regular one */
	smm_drain_all_pcp(mm);
	ASSERT_TRUE(smm_zone_free_cma(z) * 2 <= z->free);
	ASSERT_EQ(smm_alloc_pages(mm, 0, SHADOWMM_GFP_MOVABLE, 0, &idx), 0);
	EXPECT_TRUE(idx < cma->base);
	smm_free_pages(mm, idx, 0);
	/* unmovable pages until more than half the free frames are CMA: movable takes CMA first */
	while (smm_drain_all_pcp(mm), smm_zone_free_cma(z) * 2 <= z->free) {
		ASSERT_EQ(smm_alloc_pages(mm, 0, 0, 0, &idx), 0);
		smm_frame_own(mm, idx, SMM_FRAME_PAGE, smm_owner_data(SMM_OWNER_NETLINK, 1), 0);
	}
	ASSERT_TRUE(z->free > smm_zone_free_cma(z));	/* regular frames are left */
	ASSERT_EQ(smm_alloc_pages(mm, 0, SHADOWMM_GFP_MOVABLE, 0, &idx), 0);
	EXPECT_TRUE(idx >= cma->base);
	smm_free_pages(mm, idx, 0);
	while (!smm_alloc_pages(mm, 0, SHADOWMM_GFP_RECLAIMABLE | SHADOWMM_GFP_RESERVE, 0, &idx) &&
	       n < IS_FRAMES) {
		in_cma += idx >= cma->base;
		smm_frame_own(mm, idx, SMM_FRAME_PAGE, smm_owner_data(SMM_OWNER_NETLINK, 1), 0);
		n++;
	}
	while (!smm_alloc_pages(mm, 0, SHADOWMM_GFP_RESERVE, 0, &idx) && n < IS_FRAMES) {
		in_cma += idx >= cma->base;
		smm_frame_own(mm, idx, SMM_FRAME_PAGE, smm_owner_data(SMM_OWNER_NETLINK, 1), 0);
		n++;
	}
	EXPECT_EQ(in_cma, 0);
	EXPECT_TRUE(n > 0);
	/* now nearly all free frames are CMA: movable takes them */
	ASSERT_EQ(smm_alloc_pages(mm, 0, SHADOWMM_GFP_MOVABLE, 0, &idx), 0);
	EXPECT_TRUE(idx >= cma->base);
	smm_free_pages(mm, idx, 0);
	EXPECT_EQ(smm_test_check(mm), 0);
	is_free(c);
}

/*
 * cma alloc of the whole area while a space's pages fill part of it:
 * each is migrated out once, reads back unchanged, the allocation is the
 * area, and release gives it back.
 */
SMM_TEST(cma_alloc_migrates_movable_pages_out)
{
	struct is_env *c = is_new(4 * PB);
	struct smm_mm *mm;
	struct smm_cma *cma;
	const char *why;
	u64 i, start, bad, in_area = 0, moved;

	ASSERT_TRUE(c != NULL);
	mm = &c->e.t.mm;
	cma = mm->cma;
	for (i = 0; i < IS_PAGES; i++)
		ASSERT_EQ(is_write(c, i, 0xc3a0000 + i), 0);
	for (i = cma->base; i < cma->base + cma->count; i++)
		in_area += smm_frame_type(&mm->frames[i]) == SMM_FRAME_SPACE;
	printf("# %llu of the space's pages in the area\n", (unsigned long long)in_area);
	ASSERT_TRUE(in_area > 0);
	moved = mm->compact.pgmigrate_success;
	ASSERT_EQ(smm_cma_alloc(mm, cma->count, SMM_PAGEBLOCK_ORDER, &start, &bad, &why), 0);
	EXPECT_EQ(start, cma->base);
	EXPECT_EQ(cma->used, cma->count);
	EXPECT_EQ(mm->compact.pgmigrate_success, moved + in_area);	/* each moved once */
	for (i = start; i < start + cma->count; i++)
		ASSERT_EQ(smm_frame_type(&mm->frames[i]), SMM_FRAME_PAGE);
	EXPECT_EQ(smm_pageblock_mt(mm, start), SHADOWMM_MT_CMA);
	EXPECT_EQ(is_verify(c), 0);
	EXPECT_EQ(smm_cma_release(mm, start + 1, &why), -ENOENT);
	ASSERT_EQ(smm_cma_release(mm, start, &why), 0);
	EXPECT_EQ(cma->used, 0);
	EXPECT_EQ(mm->compact.cma_alloc_success, 1);
	EXPECT_EQ(is_verify(c), 0);
	is_free(c);
}

/*
 * A netlink page (movable request, no movable promise) in the area
 * pins it: a cma alloc of the whole area fails with that page and the
 * reason, and the zone, the area and its pageblocks are as before.
 */
SMM_TEST(cma_alloc_fails_cleanly_on_a_pinned_page)
{
	struct is_env *c = is_new(4 * PB);
	struct is_state before;
	struct smm_mm *mm;
	struct smm_cma *cma;
	const char *why;
	u64 nl = ~0ULL, start, bad, tries = 0, held[IS_FRAMES / 2], nh = 0, moved;

	ASSERT_TRUE(c != NULL);
	mm = &c->e.t.mm;
	cma = mm->cma;
	/* movable netlink pages until one lands in the area; the others freed */
	while (tries++ < IS_FRAMES && nl == ~0ULL) {
		u64 idx = is_netlink_page(mm, SHADOWMM_GFP_MOVABLE);

		ASSERT_NE(idx, ~0ULL);
		if (idx >= cma->base)
			nl = idx;
		else if (nh < IS_FRAMES / 2)
			held[nh++] = idx;
	}
	ASSERT_NE(nl, ~0ULL);
	while (nh)
		smm_frame_own(mm, held[--nh], SMM_FRAME_PAGE, smm_owner_data(SMM_OWNER_NONE, 0), 0),
		smm_free_pages(mm, held[nh], 0);
	ASSERT_EQ(is_write(c, 0, 7), 0);
	ASSERT_EQ(is_write(c, 1, 8), 0);
	is_snap(c, &before);
	moved = mm->compact.pgmigrate_success;
	EXPECT_EQ(smm_cma_alloc(mm, cma->count, 0, &start, &bad, &why), -EBUSY);
	EXPECT_EQ(mm->compact.pgmigrate_success, moved);	/* refused before moving anything */
	EXPECT_EQ(bad, nl);
	ASSERT_STREQ(why, "a netlink page handle: unmovable (PAGE_ALLOC makes no movable promise)");
	EXPECT_TRUE(is_same(c, &before));
	EXPECT_EQ(cma->used, 0);
	EXPECT_EQ(mm->compact.cma_alloc_fail, 1);
	EXPECT_EQ(is_verify(c), 0);
	is_free(c);
}

/* The frame page @i of the space is mapped at, or ~0. */
static u64 is_frame_of(struct is_env *c, u64 i)
{
	unsigned int level;
	u64 *slot = smm_space_entry(&c->s, BASE + i * PG, &level), idx;

	if (!slot || level != SHADOWMM_PT_PTE || !*slot ||
	    !smm_range_pfn_to_idx(c->e.t.mm.range, smm_pte_pfn(c->s.fmt, SHADOWMM_PT_PTE, *slot),
				  &idx))
		return ~0ULL;
	return idx;
}

static u64 is_isolate_free(struct smm_zone *z)
{
	u64 n = 0;
	unsigned int o;

	for (o = 0; o < SMM_NR_ORDERS; o++)
		n += z->area[o].nr_free[SHADOWMM_MT_ISOLATE] << o;
	return n;
}

/*
 * A page of an isolated pageblock freed (munmap) goes to the Isolate
 * lists, not to a CPU's list where the next allocation would find it
 * (free_unref_page()); and undo merges what isolation split: a free
 * order-10 block half isolated is whole again after.
 *
 *   | order-10 free block |          | pageblock of space pages |
 *   |  pb   | pb (ISO)    |          |       (ISO), one unmapped |
 */
SMM_TEST(isolate_frees_and_splits)
{
	struct is_env *c = is_new(0);
	struct smm_isolation iso;
	struct is_state before;
	struct smm_mm *mm;
	struct smm_zone *z;
	const char *why;
	u64 i, pb, bad, frame = ~0ULL, iso_free, h;

	ASSERT_TRUE(c != NULL);
	mm = &c->e.t.mm;
	z = is_zone(c);
	for (i = 0; i < 900; i++)
		ASSERT_EQ(is_write(c, i, i), 0);
	pb = is_movable_pageblock(c, z->start);
	ASSERT_NE(pb, ~0ULL);
	for (i = 0; i < 900 && frame == ~0ULL; i++)
		if ((is_frame_of(c, i) & ~(PB - 1)) == pb)
			frame = is_frame_of(c, i);
	ASSERT_NE(frame, ~0ULL);
	ASSERT_EQ(smm_start_isolate_page_range(mm, &iso, pb, PB, SHADOWMM_MT_MOVABLE, &bad, &why),
		  0);
	iso_free = is_isolate_free(z);
	c->mapped[i - 1] = false;
	ASSERT_EQ(smm_vma_munmap(&c->s, BASE + (i - 1) * PG, PG, &why), 0);
	EXPECT_EQ(is_isolate_free(z), iso_free + 1);
	EXPECT_TRUE(smm_frame_type(&mm->frames[frame]) != SMM_FRAME_PCP);
	smm_undo_isolate_page_range(mm, &iso);
	EXPECT_EQ(is_verify(c), 0);

	/* the upper half of a free order-10 block isolated, then given back */
	for (h = z->start; h < z->end; h += 2 * PB)
		if (smm_frame_type(&mm->frames[h]) == SMM_FRAME_FREE &&
		    smm_frame_order(&mm->frames[h]) == SMM_MAX_ORDER)
			break;
	ASSERT_TRUE(h < z->end);
	is_snap(c, &before);
	ASSERT_EQ(smm_start_isolate_page_range(mm, &iso, h + PB, PB, SHADOWMM_MT_MOVABLE, &bad,
					       &why), 0);
	EXPECT_EQ(smm_frame_order(&mm->frames[h]), SMM_PAGEBLOCK_ORDER);
	smm_undo_isolate_page_range(mm, &iso);
	EXPECT_TRUE(is_same(c, &before));
	EXPECT_EQ(smm_test_check(mm), 0);
	is_free(c);
}

/* Free frames on the zone's lists of migratetype @mt. */
static u64 is_free_of(struct smm_zone *z, unsigned int mt)
{
	u64 n = 0;
	unsigned int o;

	for (o = 0; o < SMM_NR_ORDERS; o++)
		n += z->area[o].nr_free[mt] << o;
	return n;
}

/*
 * __rmqueue()'s balance rule (6.1): a movable request takes from the CMA
 * lists first exactly when more than half of the zone's free frames are
 * CMA ones, even while its own Movable lists still have blocks. cma=8M
 * (half the zone; the rest is a Movable and an Unmovable part, the
 * latter holding the space's page tables); order-4 movable blocks (past
 * the CPU lists, so each request meets the rule) one by one:
 *
 *   free: | Unmovable | Movable ..... | CMA (pb4 .. pb7) ......... |
 *   CMA free >  free / 2: from the CMA lists, Movable blocks still there;
 *   CMA free <= free / 2: from the Movable lists;
 *   so the two alternate, CMA free within a block of half the free
 *   frames, until the Movable lists run dry.
 *
 * Without the rule every request takes the Movable lists until they are
 * empty, and the area fills last.
 */
SMM_TEST(cma_balance_rule_takes_cma_when_over_half_free)
{
	struct is_env *c = is_new(4 * PB);
	u64 idx, from_cma = 0, from_movable = 0, n;
	struct smm_mm *mm;
	struct smm_zone *z;
	struct smm_cma *cma;
	bool over;

	ASSERT_TRUE(c != NULL);
	mm = &c->e.t.mm;
	z = is_zone(c);
	cma = mm->cma;
	smm_drain_all_pcp(mm);
	printf("# free %llu: CMA %llu, Movable %llu, Unmovable %llu\n", (unsigned long long)z->free,
	       (unsigned long long)smm_zone_free_cma(z),
	       (unsigned long long)is_free_of(z, SHADOWMM_MT_MOVABLE),
	       (unsigned long long)is_free_of(z, SHADOWMM_MT_UNMOVABLE));
	for (n = 0; n < IS_FRAMES / 16 && is_free_of(z, SHADOWMM_MT_MOVABLE) >= 16; n++) {
		over = smm_zone_free_cma(z) * 2 > z->free;
		ASSERT_EQ(smm_alloc_pages(mm, 4, SHADOWMM_GFP_MOVABLE | SHADOWMM_GFP_RESERVE, 0, &idx),
			  0);
		if (over != (idx >= cma->base)) {
			printf("# block %llu: CMA free %llu of %llu, so %s expected, got frame %#llx "
			       "(area from %#llx)\n", (unsigned long long)n,
			       (unsigned long long)smm_zone_free_cma(z), (unsigned long long)z->free,
			       over ? "CMA" : "a Movable list's", (unsigned long long)idx,
			       (unsigned long long)cma->base);
			_t->failed = 1;
			break;
		}
		from_cma += over;
		from_movable += !over;
		/* CMA free stays within one block of half the free frames */
		if (smm_zone_free_cma(z) * 2 + 2 * 16 < z->free ||
		    smm_zone_free_cma(z) * 2 > z->free + 2 * 16) {
			printf("# block %llu: CMA free %llu is not about half of %llu\n",
			       (unsigned long long)n, (unsigned long long)smm_zone_free_cma(z),
			       (unsigned long long)z->free);
			_t->failed = 1;
			break;
		}
	}
	printf("# %llu blocks from the Movable lists, %llu from CMA\n",
	       (unsigned long long)from_movable, (unsigned long long)from_cma);
	EXPECT_TRUE(from_movable >= 16);
	EXPECT_TRUE(from_cma >= 16);
	EXPECT_EQ(smm_test_check(mm), 0);
	is_free(c);
}

/*
 * cma alloc's pre-check: the shadow looks for unmovable pages in the
 * area's CMA pageblocks before isolating or migrating anything (6.1's
 * has_unmovable_pages() passes CMA pageblocks for a CMA request and
 * finds a pinned page only when migrating it fails, pages moved before
 * staying moved). A space's pages fill part of the area, a netlink page
 * pins it; a cma alloc of the whole area fails with that page and
 * nothing has moved: no migration counted, every space page on the
 * frame it had, lists, counts and pageblock types as before.
 *
 *   area: | pb4: space pages ... | pb5 ... netlink (pinned) ... | pb6 | pb7 |
 */
SMM_TEST(cma_alloc_precheck_moves_nothing_before_refusing)
{
	struct is_env *c = is_new(4 * PB);
	u64 nl = ~0ULL, start, bad, moved, in_area = 0, i, tries = 0;
	static u64 frame[IS_PAGES];
	struct is_state before;
	struct smm_mm *mm;
	struct smm_cma *cma;
	const char *why;

	ASSERT_TRUE(c != NULL);
	mm = &c->e.t.mm;
	cma = mm->cma;
	/* the area is half the zone: movable requests take it first */
	for (i = 0; i < IS_PAGES / 2; i++)
		ASSERT_EQ(is_write(c, i, 0x9c0000 + i), 0);
	for (i = 0; i < IS_PAGES / 2; i++) {
		frame[i] = is_frame_of(c, i);
		in_area += frame[i] >= cma->base && frame[i] < cma->base + cma->count;
	}
	while (tries++ < IS_FRAMES && nl == ~0ULL) {
		u64 idx = is_netlink_page(mm, SHADOWMM_GFP_MOVABLE);

		ASSERT_NE(idx, ~0ULL);
		if (idx >= cma->base && idx < cma->base + cma->count)
			nl = idx;
	}
	printf("# %llu space pages in the area, the netlink page at %#llx\n",
	       (unsigned long long)in_area, (unsigned long long)nl);
	ASSERT_TRUE(in_area > 0);
	ASSERT_NE(nl, ~0ULL);
	is_snap(c, &before);
	moved = mm->compact.pgmigrate_success;
	EXPECT_EQ(smm_cma_alloc(mm, cma->count, SMM_PAGEBLOCK_ORDER, &start, &bad, &why), -EBUSY);
	EXPECT_EQ(bad, nl);
	EXPECT_EQ(mm->compact.pgmigrate_success, moved);	/* nothing migrated */
	for (i = 0; i < IS_PAGES / 2; i++)
		if (is_frame_of(c, i) != frame[i]) {
			printf("# space page %llu moved from %#llx to %#llx\n", (unsigned long long)i,
			       (unsigned long long)frame[i], (unsigned long long)is_frame_of(c, i));
			_t->failed = 1;
			break;
		}
	EXPECT_TRUE(is_same(c, &before));
	EXPECT_EQ(cma->used, 0);
	EXPECT_EQ(is_verify(c), 0);
	is_free(c);
}
