// SPDX-License-Identifier: GPL-2.0
/*
 * The swap cache and swap-in readahead (core/swap.h): a major fault
 * reads the 8-slot window around its slot, later faults in the window
 * hit the cache; a page swapped in by a read fault keeps its slot, so
 * reclaiming it again writes nothing unless it was written; more than
 * half the area in use, or a write fault, frees the slot at swap-in;
 * reclaim drops readahead pages nobody faulted on; swapoff with pages
 * in the cache; CHECK finds a broken cache.
 *
 * Slots, as the tests below use them (slot 0 is the header):
 *
 *	slot   0   1 ...  7 | 8   9 ... 15 | 16 ...
 *	       hdr  window 0 | window 1     | window 2
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "common.h"
#include "../../../module/core/space.h"
#include "../../../module/core/swap.h"
#include "../../../module/core/vmscan.h"
#include "../../../module/core/lru.h"
#include "../../../module/core/walk.h"
#include "../../../module/core/range.h"

#define PG		4096ULL
#define RW		SHADOWMM_PROT_WRITE
#define BASE		0x400000ULL

/* CHECK of the area and the LRU against one space, with the frame rules. */
static int sc_check(struct smm_mm *mm, struct smm_space *s)
{
	const struct smm_space *sp = s;

	return smm_test_check_reclaim(mm, &sp, 1, true);
}

/* Read (or write @value into) page @i; returns the checksum read, faults in *@faults. */
static u64 sc_touch(struct smm_space *s, u64 i, bool write, u64 value, u64 *faults)
{
	struct smm_access res;
	const char *why;

	if (smm_space_access(s, BASE + i * PG, PG, write ? SMM_ACCESS_WRITE : 0, value, &res,
			     &why))
		return 0;
	if (faults)
		*faults += res.faults;
	return res.csum;
}

/* @pages pages at BASE, page i holding 100 + i, all swapped out to slots 1.. */
static int sc_setup(struct smm_test_swap *e, struct smm_space *s, u64 frames, u64 slots,
		    u64 pages)
{
	const char *why;
	u64 i, done;

	if (smm_test_swap_init(e, frames, slots) || smm_space_init(s, &e->t.mm, 1, 4) ||
	    smm_vma_mmap(s, BASE, pages * PG, RW, &why))
		return -1;
	for (i = 0; i < pages; i++)
		sc_touch(s, i, true, 100 + i, NULL);
	if (smm_swap_pageout(s, BASE, pages * PG, &done, &why) || done != pages)
		return -1;
	return 0;
}

/*
 * Sequential swap-in of the 8 pages of window 1 (pages 7..14 in slots
 * 8..15): the first fault is major and reads the other 7 ahead; the 7
 * next are swap-cache hits (minor faults). Data survive; nothing of
 * window 0 or 2 is read.
 */
SMM_TEST(swapcache_readahead_sequential)
{
	struct smm_test_swap e;
	struct smm_space s;
	u64 i, faults = 0;

	ASSERT_EQ(sc_setup(&e, &s, 512, 64, 16), 0);
	for (i = 7; i < 15; i++)
		EXPECT_EQ(sc_touch(&s, i, false, 0, &faults), smm_test_csum_of(1, 100 + i));
	EXPECT_EQ(faults, 8);
	EXPECT_EQ(s.vm.maj_flt, 1);
	EXPECT_EQ(e.t.mm.events.pgmajfault, 1);
	EXPECT_EQ(e.t.mm.events.swap_ra, 7);
	EXPECT_EQ(e.t.mm.events.swap_ra_hit, 7);
	EXPECT_EQ(e.t.mm.events.pswpin, 8);
	EXPECT_EQ(s.vm.swap_ents, 8);
	EXPECT_EQ(e.sw.inuse, 16);		/* 16 of 63: the slots stay */
	EXPECT_EQ(e.t.mm.nr_swapcached, 8);
	EXPECT_EQ(sc_check(&e.t.mm, &s), 0);
	smm_space_destroy(&s);
	EXPECT_EQ(e.sw.inuse, 0);
	EXPECT_EQ(e.t.mm.nr_swapcached, 0);
	smm_test_swap_destroy(&e);
}

/*
 * A page a read fault brought back keeps its slot, clean: paged out
 * again it is not written (pswpout unchanged), the same slot named. A
 * page written since is written again. Both read back intact.
 */
SMM_TEST(swapcache_clean_not_rewritten)
{
	struct smm_test_swap e;
	struct smm_space s;
	const char *why;
	u64 out, done;

	ASSERT_EQ(sc_setup(&e, &s, 512, 64, 2), 0);
	out = e.t.mm.events.pswpout;
	EXPECT_EQ(sc_touch(&s, 0, false, 0, NULL), smm_test_csum_of(1, 100));
	EXPECT_EQ(sc_touch(&s, 1, false, 0, NULL), smm_test_csum_of(1, 101));
	EXPECT_EQ(e.t.mm.nr_swapcached, 2);
	sc_touch(&s, 1, true, 7, NULL);		/* page 1 dirtied, its slot kept */
	EXPECT_EQ(e.sw.inuse, 2);
	ASSERT_EQ(smm_swap_pageout(&s, BASE, 2 * PG, &done, &why), 0);
	EXPECT_EQ(done, 2);
	EXPECT_EQ(e.t.mm.events.pswpout, out + 1);	/* only the dirty one */
	EXPECT_EQ(e.sw.inuse, 2);
	EXPECT_EQ(e.t.mm.nr_swapcached, 0);
	EXPECT_EQ(s.vm.swap_ents, 2);
	EXPECT_EQ(sc_check(&e.t.mm, &s), 0);
	EXPECT_EQ(sc_touch(&s, 0, false, 0, NULL), smm_test_csum_of(1, 100));
	EXPECT_EQ(sc_touch(&s, 1, false, 0, NULL), smm_test_csum_of(1, 7));
	EXPECT_EQ(sc_check(&e.t.mm, &s), 0);
	smm_space_destroy(&s);
	smm_test_swap_destroy(&e);
}

/*
 * vm_swap_full(): with more than half the slots in use a swap-in frees
 * its slot (8 of 15 here); a write fault frees it whatever the fill.
 */
SMM_TEST(swapcache_full_or_write_frees_slot)
{
	struct smm_test_swap e;
	struct smm_space s;

	ASSERT_EQ(sc_setup(&e, &s, 512, 16, 8), 0);
	EXPECT_TRUE(smm_swap_full(&e.sw));
	EXPECT_EQ(sc_touch(&s, 0, false, 0, NULL), smm_test_csum_of(1, 100));
	EXPECT_EQ(e.sw.inuse, 7);		/* slot 1 freed; 2..7 read ahead */
	EXPECT_EQ(e.t.mm.nr_swapcached, 6);
	EXPECT_EQ(sc_check(&e.t.mm, &s), 0);
	smm_space_destroy(&s);
	smm_test_swap_destroy(&e);

	ASSERT_EQ(sc_setup(&e, &s, 512, 64, 8), 0);
	EXPECT_TRUE(!smm_swap_full(&e.sw));
	sc_touch(&s, 0, true, 5, NULL);		/* write fault: slot 1 freed */
	sc_touch(&s, 1, true, 6, NULL);		/* a hit, written: slot 2 freed */
	EXPECT_EQ(e.sw.inuse, 6);
	EXPECT_EQ(e.t.mm.nr_swapcached, 5);
	EXPECT_EQ(e.t.mm.events.swap_ra_hit, 1);
	EXPECT_EQ(sc_touch(&s, 0, false, 0, NULL), smm_test_csum_of(1, 5));
	EXPECT_EQ(sc_touch(&s, 1, false, 0, NULL), smm_test_csum_of(1, 6));
	EXPECT_EQ(sc_check(&e.t.mm, &s), 0);
	smm_space_destroy(&s);
	smm_test_swap_destroy(&e);
}

/*
 * Reclaim drops readahead pages nobody faulted on, and, once a later
 * pass finds it unreferenced, the clean mapped one back to its slot:
 * 8 pages reclaimed, none written (pswpout unchanged); every page
 * still reads back.
 */
SMM_TEST(swapcache_reclaim_drops_readahead)
{
	struct smm_test_swap e;
	struct smm_space s;
	u64 out, i, got;

	ASSERT_EQ(sc_setup(&e, &s, 512, 64, 16), 0);
	EXPECT_EQ(sc_touch(&s, 7, false, 0, NULL), smm_test_csum_of(1, 107));	/* slot 8: 9..15 ahead */
	EXPECT_EQ(e.t.mm.nr_swapcached, 8);
	out = e.t.mm.events.pswpout;
	got = smm_try_to_free_pages(&e.t.mm, 0, SHADOWMM_GFP_MOVABLE);
	EXPECT_EQ(got, 8);
	EXPECT_EQ(e.t.mm.events.pswpout, out);
	EXPECT_EQ(e.t.mm.nr_swapcached, 0);
	EXPECT_EQ(s.vm.swap_ents, 16);
	EXPECT_EQ(e.sw.inuse, 16);
	EXPECT_EQ(sc_check(&e.t.mm, &s), 0);
	for (i = 0; i < 16; i++)
		EXPECT_EQ(sc_touch(&s, i, false, 0, NULL), smm_test_csum_of(1, 100 + i));
	EXPECT_EQ(sc_check(&e.t.mm, &s), 0);
	smm_space_destroy(&s);
	smm_test_swap_destroy(&e);
}

/*
 * shrink_folio_list()'s activate_locked: a page a read fault brought
 * back while the area was at most half full keeps its slot; once the
 * area is more than half full, a scan that activates the page (found
 * referenced twice) gives the slot back (folio_free_swap()), and the
 * page stays mapped with its data. While the area is at most half
 * full, the same activation keeps the slot.
 */
static u32 sc_activate_twice(struct smm_test_swap *e, struct smm_space *s)
{
	const struct smm_lru_rec *x;
	struct smm_walk w;
	u64 idx;

	struct smm_lru_scan res;
	unsigned int pass, zi;

	/* one scan each, without a pageout: KEEP (referenced), then ACTIVATE */
	for (pass = 0; pass < 2; pass++) {
		sc_touch(s, 0, false, 0, NULL);
		for (zi = 0; zi < SMM_NR_ZONES; zi++)
			smm_shrink_inactive_list(&e->t.mm, zi, 1024, NULL, NULL, &res);
	}
	if (smm_space_walk(s, BASE, &w) || w.kind != SHADOWMM_PT_PAGE ||
	    !smm_range_pfn_to_idx(&e->t.range, w.pfn, &idx))
		return ~0U;
	x = smm_lru_rec_of(&e->t.mm, idx);
	return x ? x->flags : ~0U;
}

SMM_TEST(swapcache_activation_frees_slot_when_full)
{
	struct smm_test_swap e;
	struct smm_space s;
	const char *why;
	u64 done, inuse;
	u32 flags;

	/* 24 of 63 slots: the read-fault page 0 keeps slot 1 when activated */
	ASSERT_EQ(sc_setup(&e, &s, 512, 64, 24), 0);
	EXPECT_EQ(sc_touch(&s, 0, false, 0, NULL), smm_test_csum_of(1, 100));
	inuse = e.sw.inuse;
	flags = sc_activate_twice(&e, &s);
	EXPECT_TRUE(flags != ~0U && (flags & SMM_LRU_F_SWAPCACHE));
	EXPECT_EQ(e.sw.inuse, inuse);
	EXPECT_EQ(sc_check(&e.t.mm, &s), 0);
	smm_space_destroy(&s);
	smm_test_swap_destroy(&e);

	/* then 10 more pages swapped out: 34 of 63, more than half full */
	ASSERT_EQ(sc_setup(&e, &s, 512, 64, 24), 0);
	EXPECT_EQ(sc_touch(&s, 0, false, 0, NULL), smm_test_csum_of(1, 100));
	ASSERT_EQ(smm_vma_mmap(&s, BASE + 64 * PG, 10 * PG, RW, &why), 0);
	for (done = 0; done < 10; done++)
		sc_touch(&s, 64 + done, true, 200 + done, NULL);
	ASSERT_EQ(smm_swap_pageout(&s, BASE + 64 * PG, 10 * PG, &done, &why), 0);
	EXPECT_TRUE(smm_swap_full(&e.sw));
	inuse = e.sw.inuse;
	flags = sc_activate_twice(&e, &s);
	EXPECT_TRUE(flags != ~0U && !(flags & SMM_LRU_F_SWAPCACHE));
	EXPECT_EQ(e.sw.inuse, inuse - 1);
	EXPECT_EQ(sc_touch(&s, 0, false, 0, NULL), smm_test_csum_of(1, 100));
	EXPECT_EQ(sc_check(&e.t.mm, &s), 0);
	smm_space_destroy(&s);
	EXPECT_EQ(e.sw.inuse, 0);
	smm_test_swap_destroy(&e);
}

/*
 * Swapoff with pages in the cache, mapped (the read one) and not (read
 * ahead): every slot goes, the area comes off, the data stay.
 */
SMM_TEST(swapcache_swapoff_with_cached_pages)
{
	struct smm_test_swap e;
	struct smm_swap *off;
	struct smm_space s;
	const char *why;
	u64 i, faults = 0;

	ASSERT_EQ(sc_setup(&e, &s, 512, 64, 12), 0);
	EXPECT_EQ(sc_touch(&s, 0, false, 0, NULL), smm_test_csum_of(1, 100));
	EXPECT_EQ(e.t.mm.nr_swapcached, 7);
	EXPECT_EQ(smm_swap_unuse(&s, &why), 0);
	EXPECT_EQ(e.sw.inuse, 0);
	EXPECT_EQ(e.t.mm.nr_swapcached, 0);
	ASSERT_EQ(smm_swap_off(&e.t.mm, &off, &why), 0);
	EXPECT_EQ(sc_check(&e.t.mm, &s), 0);
	for (i = 0; i < 12; i++)
		EXPECT_EQ(sc_touch(&s, i, false, 0, &faults), smm_test_csum_of(1, 100 + i));
	EXPECT_EQ(faults, 0);
	smm_space_destroy(&s);
	smm_test_swap_destroy(&e);
}

/* CHECK finds a broken cache: a slot's page lost, its bit lost, the count. */
SMM_TEST(swapcache_check_catches_corruption)
{
	struct smm_test_swap e;
	struct smm_space s;
	u32 keep;

	ASSERT_EQ(sc_setup(&e, &s, 512, 64, 4), 0);
	sc_touch(&s, 0, false, 0, NULL);	/* slot 1 mapped, 2..4 read ahead */
	ASSERT_EQ(sc_check(&e.t.mm, &s), 0);
	keep = e.sw.cache[2];
	e.sw.cache[2] = 0;
	EXPECT_TRUE(sc_check(&e.t.mm, &s) != 0);
	e.sw.cache[2] = e.sw.cache[3];		/* a page in the cache twice */
	EXPECT_TRUE(sc_check(&e.t.mm, &s) != 0);
	e.sw.cache[2] = keep;
	e.sw.map[1] &= ~SMM_SWAP_HAS_CACHE;
	EXPECT_TRUE(sc_check(&e.t.mm, &s) != 0);
	e.sw.map[1] |= SMM_SWAP_HAS_CACHE;
	e.t.mm.nr_swapcached++;
	EXPECT_TRUE(sc_check(&e.t.mm, &s) != 0);
	e.t.mm.nr_swapcached--;
	EXPECT_EQ(sc_check(&e.t.mm, &s), 0);
	smm_space_destroy(&s);
	smm_test_swap_destroy(&e);
}
