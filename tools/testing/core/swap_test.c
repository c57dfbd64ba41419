// SPDX-License-Identifier: GPL-2.0
/*
 * The shadow swap area (core/swap.h): swap entries encoded as each
 * architecture writes them and decoded by the walker, data that survive
 * swap-out and swap-in, major faults counted, slots allocated cluster by
 * cluster and reused, refusals (swap full, pages that are not order-0
 * anonymous), slots freed by munmap, SPACE_UNMAP and teardown, swapoff
 * with and without enough memory, and random sequences of
 * mmap/access/pageout/munmap/swapoff against a reference model.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "common.h"
#include "../../../module/core/space.h"
#include "../../../module/core/swap.h"
#include "../../../module/core/owner.h"

#define SW_PFN		SMM_TEST_SWAP_PFN
#define PG		4096ULL
#define RW		SHADOWMM_PROT_WRITE
#define BASE		0x400000ULL

static const struct smm_pt_fmt *const sw_fmts[] = {
	&smm_pt_x86_48, &smm_pt_x86_57, &smm_pt_arm64_v61_48, &smm_pt_arm64_v610_52,
};

/* CHECK of the area against @n spaces, with the VMA and frame rules. */
static int sw_check(struct smm_mm *mm, struct smm_space *const *s, unsigned int n)
{
	u8 *seen = calloc(mm->swap ? mm->swap->slots : 1, 1);
	char why[200];
	unsigned int i;
	int ret = 0;

	for (i = 0; !ret && i < n; i++) {
		ret = smm_vma_check(s[i], why, sizeof(why));
		if (!ret)
			ret = smm_swap_check_space(s[i], mm->swap ? seen : NULL, why, sizeof(why));
	}
	if (!ret)
		ret = smm_swap_check(mm, seen, why, sizeof(why));
	free(seen);
	if (ret)
		printf("# %s\n", why);
	return ret ? ret : smm_test_check(mm);
}

static int sw_access(struct smm_space *s, u64 addr, u64 len, bool write, u64 value,
		     struct smm_access *res)
{
	const char *why;

	return smm_space_access(s, addr, len, write ? SMM_ACCESS_WRITE : 0, value, res, &why);
}

/* The checksum a read of @pages pages all holding @value returns. */
/* The slot of @va's swap entry as the walker decodes it, or 0. */
static u64 sw_slot_of(const struct smm_space *s, u64 va)
{
	struct smm_walk w;

	if (smm_space_walk(s, va, &w) || w.kind != SHADOWMM_PT_SWAP || w.swap_type)
		return 0;
	return w.swap_offset;
}

/* What the encoders write the walker reads back, in every format. */
SMM_TEST(swap_entry_encode_decode)
{
	static const u64 offs[] = { 1, 2, 255, 256, 0x12345, 1ULL << 30, (1ULL << 49) + 3 };
	unsigned int f, i, type;

	for (f = 0; f < ARRAY_SIZE(sw_fmts); f++) {
		for (i = 0; i < ARRAY_SIZE(offs); i++) {
			for (type = 0; type < 32; type += 31) {
				u64 e = smm_swp_entry(sw_fmts[f], type, offs[i]);

				ASSERT_NE(e, 0);
				EXPECT_TRUE(smm_pte_swap(sw_fmts[f], SHADOWMM_PT_PTE, e));
				ASSERT_FALSE(smm_pte_present(sw_fmts[f], e));
				ASSERT_FALSE(smm_pte_protnone(sw_fmts[f], SHADOWMM_PT_PTE, e));
				EXPECT_EQ(smm_swp_type(sw_fmts[f], e), type);
				EXPECT_EQ(smm_swp_offset(sw_fmts[f], e), offs[i]);
			}
		}
	}
	/* x86: offset inverted in bits 58..9 (L1TF), type in 63..59 */
	EXPECT_EQ(smm_swp_entry(&smm_pt_x86_48, 0, 1), 0x07fffffffffffc00ULL);
	/* arm64 6.10+: type bits 10:6, offset 61:12 */
	EXPECT_EQ(smm_swp_entry(&smm_pt_arm64_v610_48, 1, 1), (1ULL << 12) | (1ULL << 6));
	EXPECT_EQ(smm_swp_entry(&smm_pt_arm64_v61_48, 1, 1), (1ULL << 8) | (1ULL << 3));
}

/*
 * Data survive: a pattern written, paged out (RSS to swap), read back
 * with the same checksum through major faults, in every format.
 */
SMM_TEST(swap_data_survive)
{
	unsigned int f;

	for (f = 0; f < ARRAY_SIZE(sw_fmts); f++) {
		struct smm_space *sp;
		struct smm_access res;
		struct smm_space s;
		struct smm_test_swap e;
		const char *why;
		u64 csum, done, i;

		ASSERT_EQ(smm_test_swap_init(&e, 512, 64), 0);
		ASSERT_EQ(smm_space_init_fmt(&s, &e.t.mm, 1, sw_fmts[f]), 0);
		sp = &s;
		ASSERT_EQ(smm_vma_mmap(&s, BASE, 8 * PG, RW, &why), 0);
		ASSERT_EQ(smm_space_access(&s, BASE, 8 * PG, SMM_ACCESS_WRITE | SMM_ACCESS_PATTERN,
					   0, &res, &why), 0);
		ASSERT_EQ(sw_access(&s, BASE, 8 * PG, false, 0, &res), 0);
		csum = res.csum;
		ASSERT_EQ(s.vm.rss_anon, 8);

		ASSERT_EQ(smm_swap_pageout(&s, BASE, 8 * PG, &done, &why), 0);
		EXPECT_EQ(done, 8);
		EXPECT_EQ(s.vm.rss_anon, 0);
		EXPECT_EQ(s.vm.swap_ents, 8);
		EXPECT_EQ(e.sw.inuse, 8);
		EXPECT_EQ(e.t.mm.events.pswpout, 8);
		for (i = 0; i < 8; i++)
			EXPECT_EQ(sw_slot_of(&s, BASE + i * PG), 1 + i);
		EXPECT_EQ(sw_check(&e.t.mm, &sp, 1), 0);

		/*
		 * slots 1..8: the fault at slot 1 reads 2..7 ahead (window
		 * 0..7, 0 the header: a new area's 4 hits + 2 make 8), slot 8
		 * opens the next (6 hits + 2: 8 again); the slots stay, the
		 * pages in the swap cache (8 of 63 in use)
		 */
		ASSERT_EQ(sw_access(&s, BASE, 8 * PG, false, 0, &res), 0);
		EXPECT_EQ(res.csum, csum);
		EXPECT_EQ(res.faults, 8);
		EXPECT_EQ(s.vm.maj_flt, 2);
		EXPECT_EQ(s.vm.min_flt, 8 + 6);
		EXPECT_EQ(e.t.mm.events.pgmajfault, 2);
		EXPECT_EQ(e.t.mm.events.pswpin, 8);
		EXPECT_EQ(e.t.mm.events.swap_ra, 6);
		EXPECT_EQ(e.t.mm.events.swap_ra_hit, 6);
		EXPECT_EQ(s.vm.rss_anon, 8);
		EXPECT_EQ(s.vm.swap_ents, 0);
		EXPECT_EQ(e.sw.inuse, 8);
		EXPECT_EQ(e.t.mm.nr_swapcached, 8);
		/* a read fault maps the page accessed, not dirty */
		{
			struct smm_walk w;

			ASSERT_EQ(smm_space_walk(&s, BASE, &w), 0);
			EXPECT_EQ(w.kind, SHADOWMM_PT_PAGE);
			EXPECT_TRUE(w.flags & SHADOWMM_PTF_ACCESSED);
			ASSERT_FALSE(w.flags & SHADOWMM_PTF_DIRTY);
		}
		EXPECT_EQ(sw_check(&e.t.mm, &sp, 1), 0);
		smm_space_destroy(&s);
		smm_test_swap_destroy(&e);
	}
}

/*
 * One read fault on page @r of @s: the pages it read ahead (swap_ra's
 * change); *@maj set if it was a major fault.
 */
static u64 sw_ra_fault(struct smm_test_swap *e, struct smm_space *s, u64 r, bool *maj)
{
	u64 ra = e->t.mm.events.swap_ra, majf = s->vm.maj_flt;
	struct smm_access res;

	if (sw_access(s, BASE + r * PG, PG, false, 0, &res) || res.faults != 1)
		return ~0ULL;
	*maj = s->vm.maj_flt != majf;
	return e->t.mm.events.swap_ra - ra;
}

/*
 * swapin_nr_pages()'s adaptive window (128 pages in slots 256..383, 1024
 * slots so none is freed on swap-in; r below is slot - 256, windows
 * align alike). Random faults without hits shrink it to 1 (no
 * readahead), halving at most each time: 8 (the start's 4 hits), 4, 2,
 * 1, 1. Then sequential faults: next to the last slot without hits 2,
 * each read-ahead page faulted on a hit: 4, 8, capped at 8 (9 hits + 2
 * rounds up to 16). Each rule broken once fails here: 1 without the
 * adjacency (r 102 reads nothing), no 1 without hits (r 60 reads r 61),
 * no halving floor (r 10 reads nothing), no hits counted (r 104 reads
 * nothing), no cap (window 16 at r 120).
 */
SMM_TEST(swap_readahead_window)
{
	/* r, pages read ahead, the window after (0: a hit, no window) */
	static const struct { u64 r, ra, win; } steps[] = {
		{ 40, 7, 8 },	/* 41..47 */
		{ 10, 3, 4 },	/* 8, 9, 11: 1 by rule, half of 8 */
		{ 25, 1, 2 },	/* 24 */
		{ 60, 0, 1 },	/* no readahead */
		{ 100, 0, 1 },
		{ 101, 0, 2 },	/* next to 100: 100..101, 100 cached */
		{ 102, 1, 2 },	/* 103 */
		{ 103, 0, 0 },	/* hit */
		{ 104, 3, 4 },	/* 1 hit + 2 -> 4: 105..107 */
		{ 105, 0, 0 }, { 106, 0, 0 }, { 107, 0, 0 },
		{ 108, 3, 8 },	/* 3 hits + 2 -> 8: 104..111, 109..111 */
		{ 109, 0, 0 }, { 110, 0, 0 }, { 111, 0, 0 },
		{ 112, 7, 8 },	/* 113..119 */
		{ 113, 0, 0 }, { 114, 0, 0 }, { 115, 0, 0 }, { 116, 0, 0 },
		{ 117, 0, 0 }, { 118, 0, 0 }, { 119, 0, 0 },
		{ 120, 7, 8 },	/* 7 hits + 2 -> 16, capped */
	};
	struct smm_access res;
	struct smm_space s, *sp = &s;
	struct smm_test_swap e;
	const char *why;
	unsigned int i;
	u64 done, ra;
	bool maj;

	ASSERT_EQ(smm_test_swap_init(&e, 1024, 1024), 0);
	ASSERT_EQ(smm_space_init(&s, &e.t.mm, 1, 4), 0);
	ASSERT_EQ(smm_vma_mmap(&s, BASE, 128 * PG, RW, &why), 0);
	ASSERT_EQ(sw_access(&s, BASE, 128 * PG, true, 1, &res), 0);
	ASSERT_EQ(smm_swap_pageout(&s, BASE, 128 * PG, &done, &why), 0);
	ASSERT_EQ(done, 128);
	for (i = 0; i < 128; i++)
		ASSERT_EQ(sw_slot_of(&s, BASE + i * PG), 256 + i);
	EXPECT_EQ(e.sw.ra_hits, 4);
	for (i = 0; i < ARRAY_SIZE(steps); i++) {
		ra = sw_ra_fault(&e, &s, steps[i].r, &maj);
		if (ra != steps[i].ra || maj != !!steps[i].win ||
		    (steps[i].win && e.sw.ra_win != steps[i].win)) {
			printf("# r %llu: read ahead %llu, major %d, window %u; want %llu %d %llu\n",
			       (unsigned long long)steps[i].r, (unsigned long long)ra, maj,
			       e.sw.ra_win, (unsigned long long)steps[i].ra, !!steps[i].win,
			       (unsigned long long)steps[i].win);
			ASSERT_TRUE(0);
		}
	}
	EXPECT_EQ(e.t.mm.events.swap_ra, 7 + 3 + 1 + 1 + 3 + 3 + 7 + 7);
	EXPECT_EQ(e.sw.ra_hits, 0);
	EXPECT_EQ(sw_check(&e.t.mm, &sp, 1), 0);
	smm_space_destroy(&s);
	smm_test_swap_destroy(&e);
}

/*
 * Clusters: with 3 clusters and 10 slots (the last one cut short, never
 * free), slots go cluster 1 (256..511), cluster 2 (512..767), then the
 * scan from the hint: 768..777, wrapping to 1..255. Full: -ENOSPC and
 * the page stays. A freed slot is found again by the scan; a cluster
 * emptied whole goes back on the free list and is taken from its start.
 */
SMM_TEST(swap_cluster_order_and_reuse)
{
	const u64 slots = 3 * SMM_SWAP_CLUSTER + 10, n = slots - 1;
	struct smm_space *sp;
	struct smm_access res;
	struct smm_space s;
	struct smm_test_swap e;
	const char *why;
	u64 i, *slot_of;

	ASSERT_EQ(smm_test_swap_init(&e, 1024, slots), 0);
	EXPECT_EQ(e.sw.nr_clusters, 4);
	EXPECT_EQ(e.sw.nr_free, 2);
	ASSERT_EQ(smm_space_init(&s, &e.t.mm, 1, 4), 0);
	sp = &s;
	slot_of = calloc(n + 1, sizeof(*slot_of));
	ASSERT_TRUE(slot_of);
	ASSERT_EQ(smm_vma_mmap(&s, BASE, (n + 1) * PG, RW, &why), 0);
	ASSERT_EQ(sw_access(&s, BASE, (n + 1) * PG, true, 5, &res), 0);
	for (i = 0; i < n; i++) {
		ASSERT_EQ(smm_swap_out_page(&s, BASE + i * PG, &why), 0);
		slot_of[i] = sw_slot_of(&s, BASE + i * PG);
	}
	for (i = 0; i < 512; i++)
		EXPECT_EQ(slot_of[i], 256 + i);
	for (i = 0; i < 10; i++)
		EXPECT_EQ(slot_of[512 + i], 768 + i);
	for (i = 0; i < 255; i++)
		EXPECT_EQ(slot_of[522 + i], 1 + i);
	EXPECT_EQ(e.sw.inuse, n);

	/* full: refused, the page stays mapped and counted */
	EXPECT_EQ(smm_swap_out_page(&s, BASE + n * PG, &why), -ENOSPC);
	ASSERT_STREQ(why, "the swap area is full");
	EXPECT_EQ(s.vm.rss_anon, 1);
	EXPECT_EQ(sw_slot_of(&s, BASE + n * PG), 0);
	EXPECT_EQ(sw_check(&e.t.mm, &sp, 1), 0);

	/* one slot freed by munmap: the scan finds it */
	ASSERT_EQ(smm_vma_munmap(&s, BASE + 44 * PG, PG, &why), 0);
	EXPECT_EQ(e.sw.inuse, n - 1);
	ASSERT_EQ(smm_swap_out_page(&s, BASE + n * PG, &why), 0);
	EXPECT_EQ(sw_slot_of(&s, BASE + n * PG), slot_of[44]);

	/* cluster 2 emptied (pages 256..511): back on the free list, taken from its start */
	ASSERT_EQ(smm_vma_munmap(&s, BASE + 256 * PG, 256 * PG, &why), 0);
	EXPECT_EQ(e.sw.nr_free, 1);
	EXPECT_EQ(sw_check(&e.t.mm, &sp, 1), 0);
	ASSERT_EQ(smm_vma_mmap(&s, BASE + 256 * PG, 2 * PG, RW, &why), 0);
	ASSERT_EQ(sw_access(&s, BASE + 256 * PG, 2 * PG, true, 9, &res), 0);
	ASSERT_EQ(smm_swap_out_page(&s, BASE + 257 * PG, &why), 0);
	ASSERT_EQ(smm_swap_out_page(&s, BASE + 256 * PG, &why), 0);
	EXPECT_EQ(sw_slot_of(&s, BASE + 257 * PG), 512);
	EXPECT_EQ(sw_slot_of(&s, BASE + 256 * PG), 513);
	EXPECT_EQ(e.sw.nr_free, 0);
	EXPECT_EQ(sw_check(&e.t.mm, &sp, 1), 0);

	/* teardown frees every slot */
	smm_space_destroy(&s);
	EXPECT_EQ(e.sw.inuse, 0);
	/* cluster 1 free, cluster 2 empty but still the one being filled */
	EXPECT_EQ(e.sw.nr_free, 1);
	EXPECT_EQ(e.sw.cur, 2);
	EXPECT_EQ(sw_check(&e.t.mm, NULL, 0), 0);
	free(slot_of);
	smm_test_swap_destroy(&e);
}

/*
 * A cluster emptied while it is the one being filled: its slots are all
 * taken (cluster 1, 256..511), then all freed, so it is empty but not on
 * the free list (put_slot leaves the current cluster alone). The next
 * allocation finds it full from its cursor and moves on to cluster 2;
 * cluster 1 must then go back on the free list, and be taken from its
 * start once cluster 2 is full. Without that it was lost until swapoff
 * (CHECK: "0 clusters on the free list, 1 empty").
 */
SMM_TEST(swap_cluster_emptied_while_filled_is_free_again)
{
	const u64 slots = 3 * SMM_SWAP_CLUSTER + 10, c = SMM_SWAP_CLUSTER;
	struct smm_space *sp;
	struct smm_access res;
	struct smm_space s;
	struct smm_test_swap e;
	const char *why;
	u64 i;

	ASSERT_EQ(smm_test_swap_init(&e, 1024, slots), 0);
	ASSERT_EQ(smm_space_init(&s, &e.t.mm, 1, 4), 0);
	sp = &s;
	ASSERT_EQ(smm_vma_mmap(&s, BASE, 2 * c * PG, RW, &why), 0);
	ASSERT_EQ(sw_access(&s, BASE, 2 * c * PG, true, 3, &res), 0);
	for (i = 0; i < c; i++)
		ASSERT_EQ(smm_swap_out_page(&s, BASE + i * PG, &why), 0);
	EXPECT_EQ(sw_slot_of(&s, BASE + (c - 1) * PG), 2 * c - 1);
	ASSERT_EQ(smm_vma_munmap(&s, BASE, c * PG, &why), 0);
	EXPECT_EQ(e.sw.inuse, 0);
	EXPECT_EQ(e.sw.cur, 1);
	EXPECT_EQ(e.sw.nr_free, 1);		/* cluster 2; 1 is still being filled */

	/* the next slot: cluster 1 left, full from its cursor; 2 taken, 1 free again */
	ASSERT_EQ(smm_swap_out_page(&s, BASE + c * PG, &why), 0);
	EXPECT_EQ(sw_slot_of(&s, BASE + c * PG), 2 * c);
	EXPECT_EQ(e.sw.cur, 2);
	EXPECT_EQ(e.sw.nr_free, 1);
	EXPECT_EQ(sw_check(&e.t.mm, &sp, 1), 0);

	/* cluster 2 filled: the next slot is cluster 1's first */
	for (i = 1; i < c; i++)
		ASSERT_EQ(smm_swap_out_page(&s, BASE + (c + i) * PG, &why), 0);
	ASSERT_EQ(smm_vma_mmap(&s, BASE, PG, RW, &why), 0);
	ASSERT_EQ(sw_access(&s, BASE, PG, true, 4, &res), 0);
	ASSERT_EQ(smm_swap_out_page(&s, BASE, &why), 0);
	EXPECT_EQ(sw_slot_of(&s, BASE), c);
	EXPECT_EQ(e.sw.nr_free, 0);
	EXPECT_EQ(sw_check(&e.t.mm, &sp, 1), 0);
	smm_space_destroy(&s);
	smm_test_swap_destroy(&e);
}

/* Every refusal names its reason and leaves the page as it was. */
SMM_TEST(swap_refusals)
{
	struct smm_space *sp;
	struct smm_access res;
	struct smm_swap other;
	struct smm_space s;
	struct smm_test_swap e;
	const char *why;
	u64 done, buf[8];

	ASSERT_EQ(smm_test_swap_init(&e, 2048, 16), 0);
	ASSERT_EQ(smm_space_init(&s, &e.t.mm, 1, 4), 0);
	sp = &s;
	ASSERT_EQ(smm_vma_mmap(&s, BASE, 4 * PG, RW, &why), 0);
	ASSERT_EQ(sw_access(&s, BASE, PG, true, 1, &res), 0);
	ASSERT_EQ(smm_space_map(&s, 0x10000000, 1, SHADOWMM_PAGE_4K, RW | SHADOWMM_PROT_USER), 0);
	ASSERT_EQ(smm_space_map(&s, 0x20000000, 1, SHADOWMM_PAGE_2M, RW | SHADOWMM_PROT_USER), 0);

	EXPECT_EQ(smm_swap_out_page(&s, BASE + PG, &why), -ENOENT);
	ASSERT_STREQ(why, "nothing is mapped at the address");
	EXPECT_EQ(smm_swap_out_page(&s, BASE + 8, &why), -EINVAL);
	ASSERT_STREQ(why, "address is not a page of the space");
	EXPECT_EQ(smm_swap_out_page(&s, 0x10000000, &why), -EINVAL);
	ASSERT_STREQ(why, "not an anonymous page (pages of SPACE_MAP are not swapped)");
	EXPECT_EQ(smm_swap_out_page(&s, 0x20000000, &why), -EINVAL);
	ASSERT_STREQ(why, "a huge page: only order-0 anonymous pages are swapped");
	EXPECT_EQ(smm_swap_pageout(&s, BASE, 3 * PG + 1, &done, &why), -EINVAL);
	EXPECT_EQ(smm_swap_pageout(&s, BASE, 0, &done, &why), -EINVAL);
	EXPECT_EQ(s.vm.rss_anon, 1);
	EXPECT_EQ(e.sw.inuse, 0);

	/* the SPACE_MAP pages are skipped by a pageout over them; a hole outside VMAs is ENOMEM */
	EXPECT_EQ(smm_swap_pageout(&s, 0x10000000, PG, &done, &why), -ENOMEM);
	EXPECT_EQ(done, 0);
	EXPECT_EQ(smm_swap_out_page(&s, BASE, &why), 0);
	EXPECT_EQ(smm_swap_out_page(&s, BASE, &why), -EALREADY);
	ASSERT_STREQ(why, "the page is swapped out already");
	EXPECT_EQ(sw_check(&e.t.mm, &sp, 1), 0);

	/* one area: a second swapon is refused; swapoff refused while entries remain */
	EXPECT_EQ(smm_swap_init(&other, buf, 1), -EINVAL);
	EXPECT_EQ(smm_swap_init(&other, NULL, 16), -EINVAL);
	EXPECT_EQ(smm_swap_init(&other, buf, SMM_SWAP_MAX_SLOTS + 1), -EINVAL);
	EXPECT_EQ(smm_swap_on(&e.t.mm, &e.sw, &why), -EBUSY);
	{
		struct smm_swap *off;

		EXPECT_EQ(smm_swap_off(&e.t.mm, &off, &why), -EBUSY);
		EXPECT_EQ(off, NULL);
	}

	/* SPACE_UNMAP of the range frees the slot like munmap */
	smm_space_unmap(&s, BASE, 4, SHADOWMM_PAGE_4K);
	EXPECT_EQ(e.sw.inuse, 0);
	EXPECT_EQ(s.vm.swap_ents, 0);
	EXPECT_EQ(sw_check(&e.t.mm, &sp, 1), 0);

	/* without swap */
	ASSERT_EQ(sw_access(&s, BASE, PG, true, 1, &res), 0);
	{
		struct smm_swap *off;

		ASSERT_EQ(smm_swap_off(&e.t.mm, &off, &why), 0);
		EXPECT_EQ(off, &e.sw);
		EXPECT_EQ(smm_swap_off(&e.t.mm, &off, &why), -ENODEV);
	}
	EXPECT_EQ(smm_swap_out_page(&s, BASE, &why), -ENODEV);
	ASSERT_STREQ(why, "no swap area is on");
	EXPECT_EQ(smm_swap_pageout(&s, BASE, PG, &done, &why), -ENODEV);
	EXPECT_EQ(s.vm.rss_anon, 1);
	smm_space_destroy(&s);
	smm_test_swap_destroy(&e);
}

/* Take every free frame of @mm; returns how many (their indices in @idx). */
static u64 sw_eat(struct smm_mm *mm, u64 *idx, u64 max)
{
	u64 n = 0;

	while (n < max && !smm_alloc_pages(mm, 0, 0, 0, &idx[n]))
		n++;
	return n;
}

/*
 * Swap-in without memory: the fault fails with -ENOMEM and the entry
 * stays; swapoff brings back what fits, says -ENOMEM, stays on; with
 * memory again it brings back the rest, all data intact, and goes off.
 */
SMM_TEST(swap_off_and_out_of_memory)
{
	const u64 pages = 40;
	struct smm_space *sps[2];
	struct smm_access res;
	struct smm_space s[2];
	struct smm_swap *off;
	struct smm_test_swap e;
	const char *why;
	u64 *eaten, n, i, done;
	unsigned int k;

	ASSERT_EQ(smm_test_swap_init(&e, 512, 128), 0);
	eaten = calloc(512, sizeof(*eaten));
	ASSERT_TRUE(eaten);
	for (k = 0; k < 2; k++) {
		ASSERT_EQ(smm_space_init(&s[k], &e.t.mm, k + 1, 4), 0);
		sps[k] = &s[k];
		ASSERT_EQ(smm_vma_mmap(&s[k], BASE, pages * PG, RW, &why), 0);
		for (i = 0; i < pages; i++)
			ASSERT_EQ(sw_access(&s[k], BASE + i * PG, PG, true, k * 1000 + i, &res), 0);
		ASSERT_EQ(smm_swap_pageout(&s[k], BASE, pages * PG, &done, &why), 0);
		ASSERT_EQ(done, pages);
	}
	EXPECT_EQ(e.sw.inuse, 2 * pages);
	smm_drain_all_pcp(&e.t.mm);
	n = sw_eat(&e.t.mm, eaten, 512);

	/* the fault finds no memory: -ENOMEM, the entry intact */
	EXPECT_EQ(sw_access(&s[0], BASE, 8, false, 0, &res), -ENOMEM);
	ASSERT_NE(sw_slot_of(&s[0], BASE), 0);
	EXPECT_EQ(s[0].vm.swap_ents, pages);
	EXPECT_EQ(s[0].vm.maj_flt, 0);

	/*
	 * room for 10 pages and the page of their LRU records (lru.h):
	 * swapoff brings 10 back, keeps the rest, stays on
	 */
	ASSERT_GE(n, 11);
	for (i = 0; i < 11; i++)
		smm_free_pages(&e.t.mm, eaten[--n], 0);
	EXPECT_EQ(smm_swap_unuse(&s[0], &why), -ENOMEM);
	ASSERT_STREQ(why, "out of memory: swap stays on with the pages that could not come back");
	EXPECT_EQ(s[0].vm.swap_ents, pages - 10);
	EXPECT_EQ(s[0].vm.rss_anon, 10);
	EXPECT_EQ(smm_swap_off(&e.t.mm, &off, &why), -EBUSY);
	EXPECT_EQ(e.t.mm.swap, &e.sw);
	EXPECT_EQ(sw_check(&e.t.mm, sps, 2), 0);

	/* memory back: everything comes in, swap goes off */
	while (n)
		smm_free_pages(&e.t.mm, eaten[--n], 0);
	for (k = 0; k < 2; k++)
		EXPECT_EQ(smm_swap_unuse(&s[k], &why), 0);
	EXPECT_EQ(e.sw.inuse, 0);
	EXPECT_EQ(e.t.mm.events.pswpin, 2 * pages);
	EXPECT_EQ(s[0].vm.maj_flt + s[1].vm.maj_flt, 0);
	ASSERT_EQ(smm_swap_off(&e.t.mm, &off, &why), 0);
	EXPECT_EQ(off, &e.sw);
	EXPECT_EQ(sw_check(&e.t.mm, sps, 2), 0);
	/* swapoff maps the pages old and clean, as unuse_pte() does */
	{
		struct smm_walk w;

		ASSERT_EQ(smm_space_walk(&s[1], BASE, &w), 0);
		EXPECT_EQ(w.kind, SHADOWMM_PT_PAGE);
		ASSERT_FALSE(w.flags & (SHADOWMM_PTF_ACCESSED | SHADOWMM_PTF_DIRTY));
	}
	for (k = 0; k < 2; k++) {
		for (i = 0; i < pages; i++) {
			ASSERT_EQ(sw_access(&s[k], BASE + i * PG, PG, false, 0, &res), 0);
			EXPECT_EQ(res.csum, smm_test_csum_of(1, k * 1000 + i));
			EXPECT_EQ(res.faults, 0);
		}
		EXPECT_EQ(s[k].vm.rss_anon, pages);
		smm_space_destroy(&s[k]);
	}
	free(eaten);
	smm_test_swap_destroy(&e);
}

/*
 * Random steps against a model of every page of a window in two spaces:
 * absent / present / swapped, its value (each page holds one value in
 * every word), and the swap cache: a present page may keep its slot
 * (a copy in swap, clean or dirty), a swapped page may have a page in
 * the cache (read ahead). The model knows each page's slot (read from
 * the walker at pageout: which slot is the allocator's business, tested
 * above) and predicts from it the readahead window of a major fault,
 * hits, the slot freed when swap is more than half full or on a write
 * fault, writes skipped for clean pages, and pswpin, pswpout, swap_ra,
 * swap_ra_hit, SwapCached and inuse. mmap, write, read (checksum),
 * pageout of a range, munmap, swapoff and swapon; after every step the
 * core's entries, counts and CHECK equal the model's.
 */
#define RM_PAGES	96
#define RM_SPACES	2
#define RM_SLOTS	25

enum { RM_ABSENT, RM_PRESENT, RM_SWAPPED };

struct rm_page {
	bool vma;
	u8 state;
	u64 value;
	u64 slot;	/* present: the slot it keeps (0 none); swapped: its slot */
	bool cached;	/* swapped: a page in the swap cache */
	bool ra;	/* swapped and cached: read ahead, not yet hit */
	bool dirty;	/* present with a slot: written since it came in */
};

static struct rm_page rm[RM_SPACES][RM_PAGES];

struct rm_events {
	u64 pswpin, pswpout, swap_ra, swap_ra_hit, maj;
};

static struct rm_events rm_ev;

/* swapin_nr_pages()'s state: hits since the last window, it, prev_offset */
static struct {
	u64 hits, win, prev;
} rm_ra;

/*
 * The model's swapin_nr_pages() for a miss at @slot: hits + 2 rounded up
 * to a power of two from 4, or with no hits 1 unless next to prev (2);
 * at most 8, at least half the last window. Hits taken; prev kept when
 * there were none.
 */
static u64 rm_window(u64 slot)
{
	u64 pages = rm_ra.hits + 2;

	if (!rm_ra.hits) {
		if (slot != rm_ra.prev + 1 && slot + 1 != rm_ra.prev)
			pages = 1;
		rm_ra.prev = slot;
	} else {
		pages = pages <= 4 ? 4 : 8;
	}
	if (pages < rm_ra.win / 2)
		pages = rm_ra.win / 2;
	rm_ra.hits = 0;
	rm_ra.win = pages;
	return pages;
}

/* Slots the model holds: swapped pages' and present pages' kept ones. */
static u64 rm_slots_used(void)
{
	u64 n = 0;
	unsigned int k, p;

	for (k = 0; k < RM_SPACES; k++)
		for (p = 0; p < RM_PAGES; p++)
			n += rm[k][p].state != RM_ABSENT && rm[k][p].slot;
	return n;
}

static u64 rm_cached(void)
{
	u64 n = 0;
	unsigned int k, p;

	for (k = 0; k < RM_SPACES; k++)
		for (p = 0; p < RM_PAGES; p++)
			n += (rm[k][p].state == RM_PRESENT && rm[k][p].slot) ||
			     (rm[k][p].state == RM_SWAPPED && rm[k][p].cached);
	return n;
}

/*
 * The model of a fault on swapped page (@k, @p): a hit maps the cached
 * page (a read-ahead one counts a hit for the next window); a miss
 * reads it and every other swapped page of its window (rm_window()'s
 * size, aligned to it) without a cached page. The slot stays unless
 * @write or more than half the slots are in use.
 */
static void rm_swap_in(unsigned int k, unsigned int p, bool write)
{
	struct rm_page *x = &rm[k][p];
	u64 lo = 0, n = 0;
	unsigned int j, q;

	if (x->cached) {
		rm_ev.swap_ra_hit += x->ra;
		rm_ra.hits += x->ra;
	} else {
		n = rm_window(x->slot);
		lo = x->slot & ~(n - 1);
		rm_ev.pswpin++;
		rm_ev.maj++;
		for (j = 0; j < RM_SPACES; j++) {
			for (q = 0; q < RM_PAGES; q++) {
				struct rm_page *y = &rm[j][q];

				if (n == 1 || y == x || y->state != RM_SWAPPED || y->cached ||
				    y->slot < lo || y->slot >= lo + n)
					continue;
				y->cached = y->ra = true;
				rm_ev.pswpin++;
				rm_ev.swap_ra++;
			}
		}
	}
	x->state = RM_PRESENT;
	x->cached = x->ra = false;
	x->dirty = false;
	if (write || rm_slots_used() * 2 > RM_SLOTS - 1)
		x->slot = 0;
}

static int rm_compare(struct smm_test_swap *e, struct smm_space *s, struct smm_space *const *sps)
{
	u64 rss[RM_SPACES] = { 0 }, swp[RM_SPACES] = { 0 };
	const struct smm_vm_events *ev = &e->t.mm.events;
	unsigned int k, p;
	struct smm_walk w;

	for (k = 0; k < RM_SPACES; k++) {
		for (p = 0; p < RM_PAGES; p++) {
			unsigned int want = rm[k][p].state, kind;

			if (smm_space_walk(&s[k], BASE + p * PG, &w))
				return -1;
			kind = w.kind == SHADOWMM_PT_PAGE ? RM_PRESENT :
			       w.kind == SHADOWMM_PT_SWAP ? RM_SWAPPED : RM_ABSENT;
			if (kind != want || (!!smm_vma_find(&s[k], BASE + p * PG)) != rm[k][p].vma ||
			    (want == RM_SWAPPED && w.swap_offset != rm[k][p].slot)) {
				printf("# space %u page %u: state %u, model %u\n", k, p, kind, want);
				return -1;
			}
			rss[k] += want == RM_PRESENT;
			swp[k] += want == RM_SWAPPED;
		}
		if (s[k].vm.rss_anon != rss[k] || s[k].vm.swap_ents != swp[k]) {
			printf("# space %u: rss %llu swap %llu, model %llu %llu\n", k,
			       (unsigned long long)s[k].vm.rss_anon,
			       (unsigned long long)s[k].vm.swap_ents, (unsigned long long)rss[k],
			       (unsigned long long)swp[k]);
			return -1;
		}
	}
	if ((e->t.mm.swap && e->t.mm.swap->inuse != rm_slots_used()) ||
	    e->t.mm.nr_swapcached != rm_cached()) {
		printf("# inuse %llu cached %llu, model %llu %llu\n",
		       (unsigned long long)(e->t.mm.swap ? e->t.mm.swap->inuse : 0),
		       (unsigned long long)e->t.mm.nr_swapcached,
		       (unsigned long long)rm_slots_used(), (unsigned long long)rm_cached());
		return -1;
	}
	if (ev->pswpin != rm_ev.pswpin || ev->pswpout != rm_ev.pswpout ||
	    ev->swap_ra != rm_ev.swap_ra || ev->swap_ra_hit != rm_ev.swap_ra_hit ||
	    ev->pgmajfault != rm_ev.maj) {
		printf("# pswpin %llu pswpout %llu swap_ra %llu hit %llu maj %llu, model %llu %llu %llu %llu %llu\n",
		       (unsigned long long)ev->pswpin, (unsigned long long)ev->pswpout,
		       (unsigned long long)ev->swap_ra, (unsigned long long)ev->swap_ra_hit,
		       (unsigned long long)ev->pgmajfault, (unsigned long long)rm_ev.pswpin,
		       (unsigned long long)rm_ev.pswpout, (unsigned long long)rm_ev.swap_ra,
		       (unsigned long long)rm_ev.swap_ra_hit, (unsigned long long)rm_ev.maj);
		return -1;
	}
	return sw_check(&e->t.mm, sps, RM_SPACES);
}

/* The model of MADV_PAGEOUT over [p, p + n) of space @k: returns the error it expects. */
static int rm_pageout(struct smm_space *sk, unsigned int k, unsigned int p, unsigned int n,
		      u64 avail, u64 *done)
{
	unsigned int i;
	bool hole = false;

	*done = 0;
	for (i = p; i < p + n; i++)
		hole |= !rm[k][i].vma;
	for (i = p; i < p + n; i++) {
		struct rm_page *x = &rm[k][i];

		if (x->state != RM_PRESENT)
			continue;
		if (!x->slot) {
			if (!avail)
				return -ENOSPC;
			avail--;
			rm_ev.pswpout++;
			x->slot = sw_slot_of(sk, BASE + i * PG);
		} else {
			rm_ev.pswpout += x->dirty;
			if (sw_slot_of(sk, BASE + i * PG) != x->slot)
				x->slot = ~0ULL;	/* the compare says so */
		}
		x->state = RM_SWAPPED;
		x->cached = x->ra = x->dirty = false;
		(*done)++;
	}
	return hole ? -ENOMEM : 0;
}

SMM_TEST(swap_random_against_model)
{
	u64 seed = smm_test_seed(0x5a17), st = seed;
	struct smm_space s[RM_SPACES], *sps[RM_SPACES];
	unsigned int step, k, p, n, i;
	struct smm_access res;
	struct smm_swap *off;
	struct smm_test_swap e;
	const char *why;
	u64 done, paged = 0, full = 0, offs = 0, clean = 0;
	int ret;

	/* 24 slots against 2 x 96 pages: swap fills up now and then */
	ASSERT_EQ(smm_test_swap_init(&e, 1024, RM_SLOTS), 0);
	memset(rm, 0, sizeof(rm));
	memset(&rm_ev, 0, sizeof(rm_ev));
	rm_ra.hits = 4;
	rm_ra.win = rm_ra.prev = 0;
	for (k = 0; k < RM_SPACES; k++) {
		ASSERT_EQ(smm_space_init(&s[k], &e.t.mm, k + 1, 4), 0);
		sps[k] = &s[k];
	}
	for (step = 0; step < 3000; step++) {
		unsigned int op = smm_test_rand(&st) % 100;

		k = smm_test_rand(&st) % RM_SPACES;
		p = smm_test_rand(&st) % RM_PAGES;
		n = 1 + smm_test_rand(&st) % 8;
		if (p + n > RM_PAGES)
			n = RM_PAGES - p;
		if (op < 15) {		/* mmap: only over pages without a VMA */
			for (i = p; i < p + n && !rm[k][i].vma; i++)
				;
			n = i - p;
			if (!n)
				continue;
			ASSERT_EQ(smm_vma_mmap(&s[k], BASE + p * PG, n * PG, RW, &why), 0);
			for (i = p; i < p + n; i++)
				rm[k][i].vma = true;
		} else if (op < 35) {	/* write a value into one page */
			u64 v = smm_test_rand(&st);

			ret = sw_access(&s[k], BASE + p * PG, PG, true, v, &res);
			if (!rm[k][p].vma) {
				ASSERT_EQ(ret, -EFAULT);
			} else {
				ASSERT_EQ(ret, 0);
				EXPECT_EQ(res.faults, rm[k][p].state != RM_PRESENT);
				if (rm[k][p].state == RM_SWAPPED)
					rm_swap_in(k, p, true);
				rm[k][p].state = RM_PRESENT;
				rm[k][p].value = v;
				rm[k][p].dirty = true;
			}
		} else if (op < 55) {	/* read one page: its value comes back */
			ret = sw_access(&s[k], BASE + p * PG, PG, false, 0, &res);
			if (!rm[k][p].vma) {
				ASSERT_EQ(ret, -EFAULT);
			} else {
				ASSERT_EQ(ret, 0);
				if (rm[k][p].state == RM_ABSENT)
					rm[k][p].value = 0;
				EXPECT_EQ(res.csum, smm_test_csum_of(1, rm[k][p].value));
				if (rm[k][p].state == RM_SWAPPED)
					rm_swap_in(k, p, false);
				rm[k][p].state = RM_PRESENT;
			}
		} else if (op < 80) {	/* MADV_PAGEOUT over [p, p + n) */
			u64 avail = e.t.mm.swap ? smm_swap_size(e.t.mm.swap) - e.t.mm.swap->inuse : 0;
			u64 want_done, out0 = rm_ev.pswpout;
			int want;

			ret = smm_swap_pageout(&s[k], BASE + p * PG, n * PG, &done, &why);
			if (!e.t.mm.swap) {
				ASSERT_EQ(ret, -ENODEV);
				continue;
			}
			want = rm_pageout(&s[k], k, p, n, avail, &want_done);
			EXPECT_EQ(done, want_done);
			EXPECT_EQ(ret, want);
			paged += done;
			clean += done - (rm_ev.pswpout - out0);
			full += ret == -ENOSPC;
		} else if (op < 90) {	/* munmap */
			ASSERT_EQ(smm_vma_munmap(&s[k], BASE + p * PG, n * PG, &why), 0);
			for (i = p; i < p + n; i++)
				rm[k][i] = (struct rm_page){ 0 };
		} else if (op < 91) {	/* swapoff, when memory allows it */
			if (!e.t.mm.swap)
				continue;
			for (i = 0; i < RM_SPACES; i++)
				ASSERT_EQ(smm_swap_unuse(&s[i], &why), 0);
			ASSERT_EQ(smm_swap_off(&e.t.mm, &off, &why), 0);
			offs++;
			for (i = 0; i < RM_SPACES * RM_PAGES; i++) {
				struct rm_page *x = &rm[i / RM_PAGES][i % RM_PAGES];

				/*
				 * an uncached one is read; a cached one mapped (no
				 * pswpin), a hit if read ahead (lookup_swap_cache())
				 */
				if (x->state == RM_SWAPPED) {
					rm_ev.pswpin += !x->cached;
					rm_ev.swap_ra_hit += x->ra;
					rm_ra.hits += x->ra;
				}
				if (x->state != RM_ABSENT)
					x->state = RM_PRESENT;
				x->slot = 0;
				x->cached = x->ra = x->dirty = false;
			}
		} else {		/* swapon again */
			if (e.t.mm.swap)
				continue;
			ASSERT_EQ(smm_swap_on(&e.t.mm, &e.sw, &why), 0);
		}
		if (rm_compare(&e, s, sps)) {
			printf("# seed %#llx step %u op %u space %u page %u n %u\n",
			       (unsigned long long)seed, step, op, k, p, n);
			ASSERT_TRUE(0);
		}
	}
	printf("# seed %#llx: %llu pages swapped out (%llu clean, not written), %llu pageouts found swap full, %llu major faults, %llu read ahead, %llu hits, %llu swapoffs\n",
	       (unsigned long long)seed, (unsigned long long)paged, (unsigned long long)clean,
	       (unsigned long long)full, (unsigned long long)rm_ev.maj,
	       (unsigned long long)rm_ev.swap_ra, (unsigned long long)rm_ev.swap_ra_hit,
	       (unsigned long long)offs);
	/* the sequence reached every state it is meant to test */
	EXPECT_TRUE(paged && full && offs && rm_ev.maj && clean && rm_ev.swap_ra &&
		    rm_ev.swap_ra_hit);
	for (k = 0; k < RM_SPACES; k++)
		smm_space_destroy(&s[k]);
	EXPECT_EQ(e.t.mm.swap ? e.t.mm.swap->inuse : 0, 0);
	EXPECT_EQ(e.t.mm.nr_swapcached, 0);
	smm_test_swap_destroy(&e);
}

/* CHECK finds each kind of broken swap state, with its reason; mended, it passes. */
SMM_TEST(swap_check_catches_corruption)
{
	struct smm_space *sp;
	struct smm_access res;
	struct smm_space s;
	struct smm_test_swap e;
	const char *why;
	u64 done;
	u32 c;

	ASSERT_EQ(smm_test_swap_init(&e, 512, 3 * SMM_SWAP_CLUSTER), 0);
	ASSERT_EQ(smm_space_init(&s, &e.t.mm, 1, 4), 0);
	sp = &s;
	ASSERT_EQ(smm_vma_mmap(&s, BASE, 4 * PG, RW, &why), 0);
	ASSERT_EQ(sw_access(&s, BASE, 4 * PG, true, 3, &res), 0);
	ASSERT_EQ(smm_swap_pageout(&s, BASE, 2 * PG, &done, &why), 0);
	ASSERT_EQ(sw_check(&e.t.mm, &sp, 1), 0);

	/* a slot used that no entry names */
	e.sw.map[700] = 1;
	ASSERT_NE(sw_check(&e.t.mm, &sp, 1), 0);
	e.sw.map[700] = 0;
	/* inuse off by one */
	e.sw.inuse++;
	ASSERT_NE(sw_check(&e.t.mm, &sp, 1), 0);
	e.sw.inuse--;
	/* VmSwap off by one */
	s.vm.swap_ents++;
	ASSERT_NE(sw_check(&e.t.mm, &sp, 1), 0);
	s.vm.swap_ents--;
	/* a cluster's count */
	e.sw.cl[1].count++;
	ASSERT_NE(sw_check(&e.t.mm, &sp, 1), 0);
	e.sw.cl[1].count--;
	/* the free list loses its cluster */
	c = e.sw.free_head;
	ASSERT_NE(c, SMM_SWAP_NONE);
	e.sw.free_head = e.sw.free_tail = SMM_SWAP_NONE;
	ASSERT_NE(sw_check(&e.t.mm, &sp, 1), 0);
	e.sw.free_head = e.sw.free_tail = c;
	/* the header slot */
	e.sw.map[0] = 0;
	ASSERT_NE(sw_check(&e.t.mm, &sp, 1), 0);
	e.sw.map[0] = SMM_SWAP_MAP_BAD;
	EXPECT_EQ(sw_check(&e.t.mm, &sp, 1), 0);
	smm_space_destroy(&s);
	smm_test_swap_destroy(&e);
}
