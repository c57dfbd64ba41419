// SPDX-License-Identifier: GPL-2.0
/*
 * The x86-64 entry format and the walker over hand-built tables: flags,
 * frame numbers of every page size, PROT_NONE and swap encodings as
 * Linux 6.1 writes them, canonical addresses, 4- and 5-level walks.
 */
#include <string.h>

#include "harness.h"
#include "fake_pt.h"

#define X86	(&smm_pt_x86_48)
#define X86_5	(&smm_pt_x86_57)

#ifndef EXPECT_FALSE
#define EXPECT_FALSE(a)		_SMM_CMP(!!(a), ==, 0, 0)
#endif

/* The kernel's __swp_entry() (pgtable_64.h), written out for the test. */
static u64 swp_entry(unsigned int type, u64 offset)
{
	return (~offset << SMM_SWP_OFFSET_SHIFT >> SMM_SWP_TYPE_BITS) |
	       (u64)type << (64 - SMM_SWP_TYPE_BITS);
}

/* Present, writable, user, accessed, dirty, NX, soft-dirty, global 4K leaf. */
SMM_TEST(pgtable_flags_of_a_pte)
{
	u64 e = 0x8000000123456867ULL | SMM_PTE_SOFT_DIRTY | SMM_PTE_GLOBAL;
	u32 f = smm_pte_flags(X86, SHADOWMM_PT_PTE, e);

	EXPECT_EQ(f, SHADOWMM_PTF_PRESENT | SHADOWMM_PTF_WRITE | SHADOWMM_PTF_USER |
		     SHADOWMM_PTF_ACCESSED | SHADOWMM_PTF_DIRTY | SHADOWMM_PTF_NX |
		     SHADOWMM_PTF_SOFT_DIRTY | SHADOWMM_PTF_GLOBAL);
	EXPECT_EQ(smm_pte_pfn(X86, SHADOWMM_PT_PTE, e), 0x123456);
	EXPECT_TRUE(smm_pte_leaf(X86, SHADOWMM_PT_PTE, e));
	/* bit 7 is PAT on a PTE, not huge */
	EXPECT_EQ(smm_pte_flags(X86, SHADOWMM_PT_PTE, 0x81) & SHADOWMM_PTF_HUGE, 0);
	/* a table entry: dirty and global mean nothing there */
	f = smm_pte_flags(X86, SHADOWMM_PT_PMD, 0x1000067 | SMM_PTE_GLOBAL);
	EXPECT_EQ(f, SHADOWMM_PTF_PRESENT | SHADOWMM_PTF_WRITE | SHADOWMM_PTF_USER |
		     SHADOWMM_PTF_ACCESSED);
	EXPECT_EQ(smm_pte_flags(X86, SHADOWMM_PT_PTE, 0x18), SHADOWMM_PTF_SWAP);	/* not present */
	EXPECT_EQ(smm_pte_flags(X86, SHADOWMM_PT_PTE, 0x19),
		  SHADOWMM_PTF_PRESENT | SHADOWMM_PTF_PWT | SHADOWMM_PTF_PCD);
}

/*
 * Huge leaves: bit 12 is PAT there, so a 2 MiB frame number drops the
 * low 9 bits and a 1 GiB one the low 18.
 */
SMM_TEST(pgtable_huge_leaves)
{
	u64 pmd = 0x40201000ULL | SMM_PTE_PRESENT | SMM_PTE_PSE;	/* PAT set */
	u64 pud = 0x80000000ULL | 0x3000 | SMM_PTE_PRESENT | SMM_PTE_PSE;

	EXPECT_TRUE(smm_pte_leaf(X86, SHADOWMM_PT_PMD, pmd));
	EXPECT_EQ(smm_pte_pfn(X86, SHADOWMM_PT_PMD, pmd), 0x40200);
	EXPECT_EQ(smm_pte_flags(X86, SHADOWMM_PT_PMD, pmd) & SHADOWMM_PTF_HUGE, SHADOWMM_PTF_HUGE);
	EXPECT_EQ(smm_pte_pfn(X86, SHADOWMM_PT_PUD, pud), 0x80000);
	EXPECT_TRUE(smm_pte_leaf(X86, SHADOWMM_PT_PUD, pud));
	EXPECT_FALSE(smm_pte_leaf(X86, SHADOWMM_PT_PUD, pud & ~SMM_PTE_PSE));
}

/* PROT_NONE keeps its protection bits and stores the frame inverted. */
SMM_TEST(pgtable_protnone)
{
	u64 e = smm_pte_make(X86, SHADOWMM_PT_PTE, 0x1234,
			     SHADOWMM_PROT_NONE | SHADOWMM_PROT_WRITE | SHADOWMM_PROT_USER, true);

	ASSERT_FALSE(smm_pte_present(X86, e));
	ASSERT_TRUE(smm_pte_protnone(X86, SHADOWMM_PT_PTE, e));
	EXPECT_FALSE(smm_pte_swap(X86, SHADOWMM_PT_PTE, e));
	EXPECT_EQ(smm_pte_pfn(X86, SHADOWMM_PT_PTE, e), 0x1234);
	EXPECT_EQ((e >> 12) & 0xffff, (~0x1234ULL) & 0xffff);	/* inverted in place */
	EXPECT_EQ(smm_pte_flags(X86, SHADOWMM_PT_PTE, e), SHADOWMM_PTF_PROTNONE | SHADOWMM_PTF_WRITE |
		  SHADOWMM_PTF_USER | SHADOWMM_PTF_NX);
	e = smm_pte_make(X86, SHADOWMM_PT_PMD, 0x40000, SHADOWMM_PROT_NONE, true);
	EXPECT_EQ(smm_pte_pfn(X86, SHADOWMM_PT_PMD, e), 0x40000);
	EXPECT_TRUE(smm_pte_leaf(X86, SHADOWMM_PT_PMD, e));
}

/* Swap entries: type on top, offset inverted below, soft-dirty in bit 1. */
SMM_TEST(pgtable_swap_entries)
{
	static const struct { unsigned int type; u64 offset; } cases[] = {
		{ 0, 0 }, { 0, 1 }, { 1, 0x12345 }, { 31, (1ULL << 45) - 1 }, { 7, 0xabcdef01 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		u64 e = swp_entry(cases[i].type, cases[i].offset);

		ASSERT_TRUE(smm_pte_swap(X86, SHADOWMM_PT_PTE, e));
		EXPECT_EQ(smm_swp_type(X86, e), cases[i].type);
		EXPECT_EQ(smm_swp_offset(X86, e), cases[i].offset);
		EXPECT_EQ(smm_pte_flags(X86, SHADOWMM_PT_PTE, e) & ~SHADOWMM_PTF_SOFT_DIRTY,
			  SHADOWMM_PTF_SWAP);
	}
	EXPECT_EQ(smm_pte_flags(X86, SHADOWMM_PT_PTE, swp_entry(1, 5) | SMM_PTE_RW),
		  SHADOWMM_PTF_SWAP | SHADOWMM_PTF_SOFT_DIRTY);
}

SMM_TEST(pgtable_canonical_and_indices)
{
	EXPECT_TRUE(smm_pt_canonical(X86, 0x00007fffffffffffULL));
	EXPECT_FALSE(smm_pt_canonical(X86, 0x0000800000000000ULL));
	EXPECT_TRUE(smm_pt_canonical(X86, 0xffff800000000000ULL));
	EXPECT_FALSE(smm_pt_canonical(X86, 0xff00000000000000ULL));
	EXPECT_TRUE(smm_pt_canonical(X86_5, 0x0000800000000000ULL));
	EXPECT_TRUE(smm_pt_canonical(X86_5, 0xff00000000000000ULL));
	EXPECT_FALSE(smm_pt_canonical(X86_5, 0x0100000000000000ULL));
	EXPECT_EQ(smm_pt_shift(X86, SHADOWMM_PT_PGD), 39);
	EXPECT_EQ(smm_pt_shift(X86_5, SHADOWMM_PT_PGD), 48);
	EXPECT_EQ(smm_pt_shift(X86_5, SHADOWMM_PT_PMD), 21);
	EXPECT_EQ(smm_pt_index(X86, SHADOWMM_PT_PGD, 0x00007fffffffffffULL), 255);
	EXPECT_EQ(smm_pt_index(X86_5, SHADOWMM_PT_PGD, 0xff00000000000000ULL), 256);
	EXPECT_EQ(smm_pt_index(X86, SHADOWMM_PT_PTE, 0x5000), 5);
}

/*
 * 4-level: PGD[1] -> PUD table 1; PUD[0] is a 1 GiB page at pfn 0x40000,
 * PUD[1] -> PMD table 2, whose PMD[3] -> PTE table 3 with PTE[7] present.
 *
 *   va 0x8000000000          1 GiB page
 *   va 0x8040600000+7*4K     4 KiB page 0x777
 */
SMM_TEST(walk_four_levels_with_folded_p4d)
{
	static struct fake_pt pt;
	struct smm_walk_ops ops = { .read = fake_read, .fmt = X86 };
	u64 base = 1ULL << 39;
	struct smm_walk w;

	fake_init(&pt, X86, 0);
	pt.t[0][1] = fake_table(&pt, 1);
	pt.t[1][0] = smm_pte_make(X86, SHADOWMM_PT_PUD, 0x40000, SHADOWMM_PROT_WRITE, true);
	pt.t[1][1] = fake_table(&pt, 2);
	pt.t[2][3] = fake_table(&pt, 3);
	pt.t[3][7] = smm_pte_make(X86, SHADOWMM_PT_PTE, 0x777, SHADOWMM_PROT_USER, true);

	ASSERT_EQ(smm_walk_va(&ops, &pt, base + 0x12345678, &w), 0);
	EXPECT_EQ(w.kind, SHADOWMM_PT_PAGE);
	EXPECT_EQ(w.size, 1ULL << 30);
	EXPECT_EQ(w.start, base);
	EXPECT_EQ(w.pfn, 0x40000 + 0x12345);
	ASSERT_EQ(w.nr, 3);
	EXPECT_EQ(w.lv[0].level, SHADOWMM_PT_PGD);
	EXPECT_EQ(w.lv[0].index, 1);
	EXPECT_EQ(w.lv[1].level, SHADOWMM_PT_P4D);
	EXPECT_TRUE(w.lv[1].folded);
	EXPECT_EQ(w.lv[2].level, SHADOWMM_PT_PUD);
	EXPECT_EQ(w.flags & SHADOWMM_PTF_HUGE, SHADOWMM_PTF_HUGE);

	ASSERT_EQ(smm_walk_va(&ops, &pt, base + (1ULL << 30) + (3ULL << 21) + 7 * 4096 + 5, &w), 0);
	EXPECT_EQ(w.kind, SHADOWMM_PT_PAGE);
	EXPECT_EQ(w.size, 4096);
	EXPECT_EQ(w.pfn, 0x777);
	ASSERT_EQ(w.nr, 5);
	EXPECT_EQ(w.lv[4].level, SHADOWMM_PT_PTE);
	EXPECT_EQ(w.lv[4].index, 7);
	EXPECT_EQ(w.flags & SHADOWMM_PTF_USER, SHADOWMM_PTF_USER);

	/* holes are as large as the empty entry that ends them */
	ASSERT_EQ(smm_walk_va(&ops, &pt, 0x1000, &w), 0);
	EXPECT_EQ(w.kind, SHADOWMM_PT_HOLE);
	EXPECT_EQ(w.size, 1ULL << 39);
	EXPECT_EQ(w.nr, 2);
	ASSERT_EQ(smm_walk_va(&ops, &pt, base + (1ULL << 30) + (4ULL << 21), &w), 0);
	EXPECT_EQ(w.kind, SHADOWMM_PT_HOLE);
	EXPECT_EQ(w.size, 1ULL << 21);
	ASSERT_EQ(smm_walk_va(&ops, &pt, base + (1ULL << 30) + (3ULL << 21), &w), 0);
	EXPECT_EQ(w.kind, SHADOWMM_PT_HOLE);
	EXPECT_EQ(w.size, 4096);
}

/* 5-level: PGD and P4D both real; a swap entry and a bad huge P4D. */
SMM_TEST(walk_five_levels_swap_and_bad)
{
	static struct fake_pt pt;
	struct smm_walk_ops ops = { .read = fake_read, .fmt = X86_5 };
	struct smm_walk w;

	fake_init(&pt, X86_5, 0);
	pt.t[0][0] = fake_table(&pt, 1);		/* P4D */
	pt.t[1][0] = fake_table(&pt, 2);		/* PUD */
	pt.t[1][1] = 0x1000 | SMM_PTE_PRESENT | SMM_PTE_PSE;	/* no huge P4D on x86 */
	pt.t[2][0] = fake_table(&pt, 3);		/* PMD */
	pt.t[3][0] = fake_table(&pt, 4);		/* PTE */
	pt.t[4][2] = swp_entry(3, 0x4242);

	ASSERT_EQ(smm_walk_va(&ops, &pt, 0x2000, &w), 0);
	EXPECT_EQ(w.kind, SHADOWMM_PT_SWAP);
	EXPECT_EQ(w.swap_type, 3);
	EXPECT_EQ(w.swap_offset, 0x4242);
	ASSERT_EQ(w.nr, 5);
	EXPECT_FALSE(w.lv[1].folded);
	EXPECT_EQ(w.lv[1].level, SHADOWMM_PT_P4D);

	ASSERT_EQ(smm_walk_va(&ops, &pt, 1ULL << 39, &w), 0);
	EXPECT_EQ(w.kind, SHADOWMM_PT_BAD);
	EXPECT_EQ(w.nr, 2);
	ASSERT_EQ(smm_walk_va(&ops, &pt, 1ULL << 48, &w), 0);
	EXPECT_EQ(w.kind, SHADOWMM_PT_HOLE);
	EXPECT_EQ(w.size, 1ULL << 48);
	/* PROT_NONE where no huge page can be: bad as well, not a page */
	pt.t[1][2] = (~0x1000ULL & SMM_PTE_PFN_MASK) | SMM_PTE_PROTNONE;
	ASSERT_TRUE(smm_pte_protnone(X86_5, SHADOWMM_PT_P4D, pt.t[1][2]));
	ASSERT_EQ(smm_walk_va(&ops, &pt, 2ULL << 39, &w), 0);
	EXPECT_EQ(w.kind, SHADOWMM_PT_BAD);
	EXPECT_EQ(w.nr, 2);
}
