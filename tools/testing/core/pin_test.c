// SPDX-License-Identifier: GPL-2.0
/*
 * Pins (core/pin.c) against 6.1's rules for FOLL_PIN pages:
 *   - migration refuses a pinned page, compaction's migrate scanner
 *     skips it and counts it (isolate_migratepages_block() skips
 *     folio_maybe_dma_pinned() anon pages);
 *   - cma alloc over a pinned page fails with -EBUSY, the page and the
 *     reason, nothing changed; after unpin it succeeds;
 *   - a long-term pin first moves a page out of ZONE_MOVABLE or a CMA
 *     pageblock (check_and_migrate_movable_pages()), bytes kept;
 *   - reclaim does not swap a pinned page out (it is activated);
 *   - fork copies a pinned page into the child at once
 *     (copy_present_page()): no COW fault on either side, the parent's
 *     page never changes by the child's writes;
 *   - munmap of a pinned page is refused, destroy drops the pins;
 *   - CHECK catches a pin count that is not the pin calls' sum.
 *
 * One section of 4096 frames (16 MiB, eight pageblocks) at pfn 0x10000,
 * a swap area, one space with a 4 MiB anonymous VMA at 0x400000:
 *
 *   0x10000                                              +4096 frames
 *   | pb0 | pb1 | pb2 | pb3 | pb4 | pb5 | pb6 | pb7 |
 *                           \____ cma=8M: CMA ______/   (the CMA test)
 *   zones=DMA32:8M,Movable:rest moves pb4..pb7 to Movable (the Movable test)
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "common.h"
#include "../../../module/core/space.h"
#include "../../../module/core/owner.h"
#include "../../../module/core/migrate.h"
#include "../../../module/core/compaction.h"
#include "../../../module/core/cma.h"
#include "../../../module/core/isolate.h"
#include "../../../module/core/vmscan.h"

#define PG		4096ULL
#define BASE		0x400000ULL
#define PN_FRAMES	4096ULL
#define PN_PAGES	1024
#define PB		SMM_PAGEBLOCK_FRAMES
#define PN_PIN_WHY	"pinned (FOLL_PIN): a page with a pin held does not move"

struct pn_env {
	struct smm_test_swap e;
	struct smm_space s;
	struct smm_mm *mm;
};

static struct pn_env *pn_new(u64 cma_frames)
{
	struct pn_env *c = calloc(1, sizeof(*c));
	const char *why;

	if (!c || smm_test_swap_init(&c->e, PN_FRAMES, 256) ||
	    (cma_frames && smm_cma_init(&c->e.t.mm, cma_frames, &why)) ||
	    smm_space_init(&c->s, &c->e.t.mm, 1, 4) ||
	    smm_vma_mmap(&c->s, BASE, PN_PAGES * PG, SHADOWMM_PROT_WRITE, &why)) {
		free(c);
		return NULL;
	}
	c->mm = &c->e.t.mm;
	return c;
}

static void pn_free(struct pn_env *c)
{
	if (c->mm->cma)
		smm_cma_release_all(c->mm);
	smm_space_destroy(&c->s);
	smm_test_swap_destroy(&c->e);
	free(c);
}

static int pn_write(struct smm_space *s, u64 i, u64 value)
{
	struct smm_access res;
	const char *why;

	return smm_space_access(s, BASE + i * PG, PG, SMM_ACCESS_WRITE, value, &res, &why);
}

/* Page @i of @s reads @value; its faults taken in *@faults. */
static bool pn_reads(struct smm_space *s, u64 i, u64 value, u64 *faults)
{
	struct smm_access res;
	const char *why;

	if (smm_space_access(s, BASE + i * PG, PG, 0, 0, &res, &why))
		return false;
	if (faults)
		*faults = res.faults;
	return res.csum == smm_test_csum_of(1, value);
}

/* The frame page @i of @s is mapped at, or ~0. */
static u64 pn_frame(struct smm_space *s, u64 i)
{
	unsigned int level;
	u64 *slot = smm_space_entry(s, BASE + i * PG, &level), idx;

	if (!slot || level != SHADOWMM_PT_PTE || !smm_space_pte_frame(s, *slot, &idx))
		return ~0ULL;
	return idx;
}

static int pn_pin(struct smm_space *s, u64 i, u64 n, unsigned int flags, struct smm_pin_res *r)
{
	const char *why;

	return smm_space_pin(s, BASE + i * PG, n * PG, flags, r, &why);
}

static int pn_unpin(struct smm_space *s, u64 i, u64 n)
{
	const char *why;
	u64 bad;

	return smm_space_unpin(s, BASE + i * PG, n * PG, &bad, &why);
}

static int pn_check(struct pn_env *c)
{
	const struct smm_space *sp = &c->s;

	return smm_test_check_reclaim(c->mm, &sp, 1, true);
}

/*
 * A pinned page does not move: migrate_page refuses it with the pin as
 * the reason; compaction of the zone leaves it in its frame and counts
 * it; after unpin it moves like any other.
 */
SMM_TEST(pin_migration_and_compaction_skip_pinned)
{
	struct pn_env *c = pn_new(0);
	struct smm_compact_zone_res res;
	struct smm_pin_res pr;
	const char *why;
	u64 i, frame, to, fail0;

	ASSERT_TRUE(c != NULL);
	for (i = 0; i < PN_PAGES; i++)
		ASSERT_EQ(pn_write(&c->s, i, 0x9100 + i), 0);
	/* every other page unmapped: holes for compaction to fill */
	for (i = 0; i < PN_PAGES; i += 2) {
		const char *w;

		ASSERT_EQ(smm_vma_munmap(&c->s, BASE + i * PG, PG, &w), 0);
	}
	ASSERT_EQ(pn_pin(&c->s, 1, 1, 0, &pr), 0);
	EXPECT_EQ(pr.pinned, 1);
	EXPECT_EQ(pr.faulted, 0);
	frame = pn_frame(&c->s, 1);
	EXPECT_EQ(smm_page_pinned(c->mm, frame), 1);
	fail0 = c->mm->compact.pgmigrate_fail;
	ASSERT_EQ(smm_migrate_page(c->mm, frame, &to, &why), -EBUSY);
	ASSERT_STREQ(why, PN_PIN_WHY);
	EXPECT_EQ(c->mm->compact.pgmigrate_fail, fail0 + 1);
	ASSERT_EQ(smm_compact_zone(c->mm, SHADOWMM_ZONE_DMA32, -1, &res), 0);
	printf("# compaction: migrated %llu, pinned skipped %llu\n",
	       (unsigned long long)res.migrated, (unsigned long long)res.pinned);
	EXPECT_TRUE(res.migrated > 0);
	EXPECT_EQ(res.pinned, 1);
	EXPECT_EQ(c->mm->pins.skipped, 1);
	EXPECT_EQ(pn_frame(&c->s, 1), frame);
	for (i = 1; i < PN_PAGES; i += 2)
		EXPECT_TRUE(pn_reads(&c->s, i, 0x9100 + i, NULL));
	EXPECT_EQ(pn_check(c), 0);
	ASSERT_EQ(pn_unpin(&c->s, 1, 1), 0);
	EXPECT_EQ(smm_page_pinned(c->mm, frame), 0);
	ASSERT_EQ(smm_migrate_page(c->mm, frame, &to, &why), 0);
	EXPECT_EQ(pn_frame(&c->s, 1), to);
	EXPECT_TRUE(pn_reads(&c->s, 1, 0x9101, NULL));
	EXPECT_EQ(pn_check(c), 0);
	pn_free(c);
}

/* Pageblock types and the zone's free count: what a refused cma alloc keeps. */
struct pn_state {
	u8 mt[PN_FRAMES / PB];
	u64 free, pcp;
};

static void pn_snap(struct pn_env *c, struct pn_state *st)
{
	unsigned int i;

	for (i = 0; i < PN_FRAMES / PB; i++)
		st->mt[i] = smm_pageblock_mt(c->mm, i * PB);
	st->free = smm_test_free_frames(c->mm);
	st->pcp = smm_test_pcp_frames(c->mm);
}

/*
 * A pinned (short-term) page in the CMA area: cma alloc of the whole
 * area fails with -EBUSY naming that page and the pin, pageblocks and
 * free counts as before, nothing moved; after unpin the same request
 * moves the page out and succeeds.
 */
SMM_TEST(pin_cma_alloc_fails_then_succeeds_after_unpin)
{
	struct pn_env *c = pn_new(4 * PB);
	struct pn_state before, after;
	struct smm_pin_res pr;
	struct smm_cma *cma;
	const char *why;
	u64 i, start, bad, moved, in = ~0ULL;

	ASSERT_TRUE(c != NULL);
	cma = c->mm->cma;
	for (i = 0; i < PN_PAGES && in == ~0ULL; i++) {
		ASSERT_EQ(pn_write(&c->s, i, 0xc0de00 + i), 0);
		if (pn_frame(&c->s, i) >= cma->base)
			in = i;
	}
	ASSERT_NE(in, ~0ULL);
	ASSERT_EQ(pn_pin(&c->s, in, 1, SMM_PIN_WRITE, &pr), 0);
	EXPECT_EQ(pr.migrated, 0);	/* a short-term pin leaves it in CMA */
	pn_snap(c, &before);
	moved = c->mm->compact.pgmigrate_success;
	EXPECT_EQ(smm_cma_alloc(c->mm, cma->count, 0, &start, &bad, &why), -EBUSY);
	EXPECT_EQ(bad, pn_frame(&c->s, in));
	ASSERT_STREQ(why, PN_PIN_WHY);
	EXPECT_EQ(c->mm->compact.pgmigrate_success, moved);
	pn_snap(c, &after);
	EXPECT_EQ(memcmp(before.mt, after.mt, sizeof(before.mt)), 0);
	EXPECT_EQ(before.free + before.pcp, after.free + after.pcp);
	EXPECT_EQ(cma->used, 0);
	EXPECT_EQ(pn_check(c), 0);
	ASSERT_EQ(pn_unpin(&c->s, in, 1), 0);
	ASSERT_EQ(smm_cma_alloc(c->mm, cma->count, 0, &start, &bad, &why), 0);
	EXPECT_TRUE(pn_frame(&c->s, in) < cma->base);
	EXPECT_TRUE(pn_reads(&c->s, in, 0xc0de00 + in, NULL));
	EXPECT_EQ(pn_check(c), 0);
	pn_free(c);
}

/*
 * Offline (memory hot-remove) of the pageblock that holds a pinned page:
 * refused with -EBUSY naming that frame and the pin, pageblock types and
 * free counts as before, the page where it was; after unpin the same
 * offline moves the page out (its bytes kept) and the block goes, and
 * online gives it back.
 */
SMM_TEST(pin_offline_fails_then_succeeds_after_unpin)
{
	struct pn_env *c = pn_new(0);
	struct pn_state before, after;
	struct smm_pin_res pr;
	const char *why;
	u64 frame, pb, bad;

	ASSERT_TRUE(c != NULL);
	ASSERT_EQ(pn_write(&c->s, 7, 0x0ff1e7), 0);
	frame = pn_frame(&c->s, 7);
	ASSERT_NE(frame, ~0ULL);
	pb = frame & ~(PB - 1);
	ASSERT_EQ(pn_pin(&c->s, 7, 1, 0, &pr), 0);
	pn_snap(c, &before);
	bad = ~0ULL;
	EXPECT_EQ(smm_offline_pages(c->mm, pb, PB, &bad, &why), -EBUSY);
	EXPECT_EQ(bad, frame);
	ASSERT_STREQ(why, PN_PIN_WHY);
	pn_snap(c, &after);
	EXPECT_EQ(memcmp(before.mt, after.mt, sizeof(before.mt)), 0);
	EXPECT_EQ(before.free + before.pcp, after.free + after.pcp);
	EXPECT_EQ(pn_frame(&c->s, 7), frame);
	EXPECT_EQ(pn_check(c), 0);

	ASSERT_EQ(pn_unpin(&c->s, 7, 1), 0);
	ASSERT_EQ(smm_offline_pages(c->mm, pb, PB, &bad, &why), 0);
	EXPECT_TRUE((pn_frame(&c->s, 7) & ~(PB - 1)) != pb);
	EXPECT_TRUE(pn_reads(&c->s, 7, 0x0ff1e7, NULL));
	EXPECT_EQ(pn_check(c), 0);
	ASSERT_EQ(smm_online_pages(c->mm, pb, PB, &why), 0);
	EXPECT_EQ(pn_check(c), 0);
	pn_free(c);
}

/*
 * A long-term pin of a page in a CMA pageblock moves it out first (the
 * migration counted, page_owner's reason longterm_pin), bytes kept;
 * a long-term pin of a page already pinned there is refused (migration
 * cannot move it), nothing pinned.
 */
SMM_TEST(pin_longterm_moves_out_of_cma)
{
	struct pn_env *c = pn_new(4 * PB);
	struct smm_pin_res pr;
	struct smm_cma *cma;
	u64 i, in = ~0ULL, in2 = ~0ULL, acq;

	ASSERT_TRUE(c != NULL);
	cma = c->mm->cma;
	for (i = 0; i < PN_PAGES && in2 == ~0ULL; i++) {
		ASSERT_EQ(pn_write(&c->s, i, 0x1e0000 + i), 0);
		if (pn_frame(&c->s, i) >= cma->base)
			*(in == ~0ULL ? &in : &in2) = i;
	}
	ASSERT_NE(in2, ~0ULL);
	ASSERT_EQ(pn_pin(&c->s, in, 1, SMM_PIN_LONGTERM, &pr), 0);
	EXPECT_EQ(pr.migrated, 1);
	EXPECT_TRUE(pn_frame(&c->s, in) < cma->base);
	EXPECT_TRUE(smm_pageblock_mt(c->mm, pn_frame(&c->s, in)) != SHADOWMM_MT_CMA);
	EXPECT_EQ(smm_page_pinned(c->mm, pn_frame(&c->s, in)), 1);
	EXPECT_TRUE(pn_reads(&c->s, in, 0x1e0000 + in, NULL));
	/* pinned short-term in CMA, then asked long-term: cannot move */
	ASSERT_EQ(pn_pin(&c->s, in2, 1, 0, &pr), 0);
	acq = c->mm->pins.acquired;
	EXPECT_EQ(pn_pin(&c->s, in2, 1, SMM_PIN_LONGTERM, &pr), -EBUSY);
	EXPECT_EQ(c->mm->pins.acquired, acq);
	EXPECT_EQ(smm_page_pinned(c->mm, pn_frame(&c->s, in2)), 1);
	EXPECT_EQ(pn_check(c), 0);
	pn_free(c);
}

/* The same out of ZONE_MOVABLE: zones=DMA32:8M,Movable:rest. */
SMM_TEST(pin_longterm_moves_out_of_movable)
{
	const struct smm_test_section sec = { SMM_TEST_SWAP_PFN, PN_FRAMES };
	struct smm_test_mm *t = calloc(1, sizeof(*t));
	struct smm_pin_res pr;
	struct smm_space s;
	const char *why;
	u64 frame, to, i;

	ASSERT_TRUE(t != NULL);
	ASSERT_EQ(smm_test_mm_init_mem(t, &sec, 1, "DMA32:8M,Movable:rest", true, 1), 0);
	ASSERT_EQ(smm_space_init(&s, &t->mm, 1, 4), 0);
	ASSERT_EQ(smm_vma_mmap(&s, BASE, 64 * PG, SHADOWMM_PROT_WRITE, &why), 0);
	for (i = 0; i < 4; i++)
		ASSERT_EQ(pn_write(&s, i, 0x77 + i), 0);
	frame = pn_frame(&s, 2);
	ASSERT_EQ(smm_zone_of(&t->mm, frame), SHADOWMM_ZONE_MOVABLE);	/* user pages go high */
	ASSERT_EQ(pn_pin(&s, 2, 1, SMM_PIN_LONGTERM | SMM_PIN_WRITE, &pr), 0);
	EXPECT_EQ(pr.migrated, 1);
	to = pn_frame(&s, 2);
	EXPECT_TRUE(to != frame);
	EXPECT_EQ(smm_zone_of(&t->mm, to), SHADOWMM_ZONE_DMA32);
	EXPECT_TRUE(pn_reads(&s, 2, 0x79, NULL));
	/* a short-term pin leaves a page in Movable */
	ASSERT_EQ(pn_pin(&s, 3, 1, 0, &pr), 0);
	EXPECT_EQ(pr.migrated, 0);
	EXPECT_EQ(smm_zone_of(&t->mm, pn_frame(&s, 3)), SHADOWMM_ZONE_MOVABLE);
	{
		const struct smm_space *sp = &s;

		EXPECT_EQ(smm_test_check_reclaim(&t->mm, &sp, 1, false), 0);
	}
	smm_space_destroy(&s);
	EXPECT_EQ(t->mm.pins.acquired, t->mm.pins.released);
	EXPECT_EQ(t->mm.pins.nr, 0);
	smm_test_mm_destroy(t);
	free(t);
}

/*
 * Reclaim leaves pinned pages: MADV_PAGEOUT of the range and proactive
 * reclaim swap the unpinned pages out, the pinned ones stay mapped in
 * their frames (activated), and read back without a fault.
 */
SMM_TEST(pin_reclaim_leaves_pinned_pages)
{
	struct pn_env *c = pn_new(0);
	struct smm_pin_res pr;
	const char *why;
	u64 i, done = 0, reclaimed = 0, faults, frame[16];

	ASSERT_TRUE(c != NULL);
	for (i = 0; i < 16; i++)
		ASSERT_EQ(pn_write(&c->s, i, 0x5a00 + i), 0);
	ASSERT_EQ(pn_pin(&c->s, 4, 4, 0, &pr), 0);
	EXPECT_EQ(pr.pinned, 4);
	for (i = 4; i < 8; i++)
		frame[i] = pn_frame(&c->s, i);
	ASSERT_EQ(smm_swap_pageout(&c->s, BASE, 16 * PG, &done, &why), 0);
	EXPECT_EQ(done, 12);
	/* nothing but the pinned pages is left to reclaim: -EAGAIN, all four kept */
	EXPECT_EQ(smm_proactive_reclaim(c->mm, 64, &reclaimed), -EAGAIN);
	EXPECT_EQ(reclaimed, 0);
	for (i = 0; i < 16; i++) {
		ASSERT_TRUE(pn_reads(&c->s, i, 0x5a00 + i, &faults));
		if (i >= 4 && i < 8) {
			EXPECT_EQ(faults, 0);
			EXPECT_EQ(pn_frame(&c->s, i), frame[i]);
		} else {
			EXPECT_EQ(faults, 1);	/* swapped in */
		}
	}
	EXPECT_EQ(pn_check(c), 0);
	pn_free(c);
}

/*
 * Fork of a pinned page: the child gets its own copy at once, mapped
 * writable; the parent's PTE stays writable; neither takes a COW fault;
 * the child's write leaves the parent's pinned page as it was. An
 * unpinned page beside it is shared copy-on-write as usual.
 */
SMM_TEST(pin_fork_copies_pinned_pages)
{
	struct pn_env *c = pn_new(0);
	struct smm_space *child = calloc(1, sizeof(*child));
	struct smm_pin_res pr;
	const char *why;
	u64 pf, faults;

	ASSERT_TRUE(c != NULL && child != NULL);
	ASSERT_EQ(pn_write(&c->s, 0, 0xaaaa), 0);
	ASSERT_EQ(pn_write(&c->s, 1, 0xbbbb), 0);
	ASSERT_EQ(pn_pin(&c->s, 0, 1, SMM_PIN_WRITE | SMM_PIN_LONGTERM, &pr), 0);
	pf = pn_frame(&c->s, 0);
	ASSERT_EQ(smm_space_fork(&c->s, child, 2, &why), 0);
	EXPECT_TRUE(pn_frame(child, 0) != pf);			/* copied */
	EXPECT_EQ(pn_frame(child, 1), pn_frame(&c->s, 1));	/* shared */
	EXPECT_TRUE(pn_reads(child, 0, 0xaaaa, NULL));
	EXPECT_EQ(pn_write(child, 0, 0xcccc), 0);
	EXPECT_EQ(pn_write(&c->s, 0, 0xdddd), 0);
	EXPECT_EQ(child->vm.cow_faults + child->vm.cow_reuse, 0);
	EXPECT_EQ(c->s.vm.cow_faults + c->s.vm.cow_reuse, 0);
	EXPECT_TRUE(pn_reads(&c->s, 0, 0xdddd, &faults));
	EXPECT_EQ(pn_frame(&c->s, 0), pf);
	EXPECT_TRUE(pn_reads(child, 0, 0xcccc, NULL));
	EXPECT_EQ(smm_page_pinned(c->mm, pf), 1);
	EXPECT_EQ(smm_page_pinned(c->mm, pn_frame(child, 0)), 0);
	{
		const struct smm_space *sp[2] = { &c->s, child };

		EXPECT_EQ(smm_test_check_reclaim(c->mm, sp, 2, true), 0);
	}
	/* a read pin of the page shared after fork unshares it first */
	ASSERT_EQ(pn_pin(child, 1, 1, 0, &pr), 0);
	EXPECT_TRUE(pn_frame(child, 1) != pn_frame(&c->s, 1));
	EXPECT_TRUE(pn_reads(child, 1, 0xbbbb, NULL));
	smm_space_destroy(child);
	free(child);
	EXPECT_EQ(pn_check(c), 0);
	pn_free(c);
}

/*
 * munmap of a pinned page is refused with -EBUSY and nothing changed;
 * unpin of a page that holds no pin is refused; destroy drops the pins
 * with the pages, counted as released.
 */
SMM_TEST(pin_munmap_refused_destroy_drops)
{
	struct pn_env *c = pn_new(0);
	struct smm_pin_res pr;
	const char *why;
	u64 bad;

	ASSERT_TRUE(c != NULL);
	ASSERT_EQ(pn_pin(&c->s, 8, 3, SMM_PIN_WRITE, &pr), 0);
	EXPECT_EQ(pr.faulted, 3);	/* faulted in by the pin */
	ASSERT_EQ(pn_pin(&c->s, 9, 1, 0, &pr), 0);
	EXPECT_EQ(smm_page_pinned(c->mm, pn_frame(&c->s, 9)), 2);
	EXPECT_EQ(smm_vma_munmap(&c->s, BASE, 16 * PG, &why), -EBUSY);
	ASSERT_STREQ(why, "a page of the range is pinned: unpin it first");
	EXPECT_EQ(c->s.vm.rss_anon, 3);
	EXPECT_EQ(smm_space_unpin(&c->s, BASE + 7 * PG, 2 * PG, &bad, &why), -EINVAL);
	EXPECT_EQ(bad, BASE + 7 * PG);
	EXPECT_EQ(smm_space_pinned_pages(&c->s), 3);
	EXPECT_EQ(c->mm->pins.acquired, 4);
	/* a pin past the VMA pins nothing */
	EXPECT_EQ(pn_pin(&c->s, PN_PAGES - 1, 2, 0, &pr), -EFAULT);
	EXPECT_EQ(c->mm->pins.acquired, 4);
	EXPECT_EQ(pn_check(c), 0);
	smm_space_destroy(&c->s);
	EXPECT_EQ(c->mm->pins.released, 4);
	EXPECT_EQ(c->mm->pins.nr, 0);
	ASSERT_EQ(smm_space_init(&c->s, c->mm, 1, 4), 0);
	pn_free(c);
}

/* CHECK catches a pin count above the pin calls, and a pin on a page not a space's. */
SMM_TEST(pin_check_catches_broken_counts)
{
	struct pn_env *c = pn_new(0);
	struct smm_pin_res pr;
	char why[200];

	ASSERT_TRUE(c != NULL);
	ASSERT_EQ(pn_pin(&c->s, 0, 2, SMM_PIN_WRITE, &pr), 0);
	ASSERT_EQ(smm_pin_check(c->mm, why, sizeof(why)), 0);
	c->mm->pins.v[1].count++;
	EXPECT_EQ(smm_pin_check(c->mm, why, sizeof(why)), -EUCLEAN);
	printf("# %s\n", why);
	c->mm->pins.v[1].count--;
	c->mm->pins.v[0].frame = c->s.root;
	EXPECT_EQ(smm_pin_check(c->mm, why, sizeof(why)), -EUCLEAN);
	printf("# %s\n", why);
	c->mm->pins.v[0].frame = pn_frame(&c->s, 0);
	EXPECT_EQ(smm_pin_check(c->mm, why, sizeof(why)), 0);
	pn_free(c);
}
