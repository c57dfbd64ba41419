// SPDX-License-Identifier: GPL-2.0
/*
 * The arm64 descriptor format (pgtable_arm64.h) and the walker over
 * hand-built arm64 tables, on any host: descriptor types at every level,
 * the attributes in the uapi's flags, 48-bit and LPA2 52-bit output
 * addresses, PROT_NONE and swap entries as Linux 6.1 and 6.10+ write
 * them, contiguous ranges whose A/D bits are gathered like ptep_get(),
 * 4 levels at 48-bit VA and 5 levels at 52-bit VA with the 16-entry top
 * table, and bad descriptors that are reported and never followed.
 *
 * Entries are written out bit by bit from the kernel's definitions
 * (pgtable-hwdef.h, pgtable-prot.h), not with smm_pte_make(), so that
 * the decoder is checked against the layout, not against itself.
 */
#include "harness.h"
#include "fake_pt.h"

#ifndef EXPECT_FALSE
#define EXPECT_FALSE(a)		_SMM_CMP(!!(a), ==, 0, 0)
#endif

#define V61	(&smm_pt_arm64_v61_48)
#define V610	(&smm_pt_arm64_v610_48)
#define V610_52	(&smm_pt_arm64_v610_52)

#define PTE	SHADOWMM_PT_PTE
#define PMD	SHADOWMM_PT_PMD
#define PUD	SHADOWMM_PT_PUD
#define P4D	SHADOWMM_PT_P4D
#define PGD	SHADOWMM_PT_PGD

/* The kernel's descriptor bits, as pgtable-hwdef.h and pgtable-prot.h name them. */
#define B(n)		(1ULL << (n))
#define T_PAGE		3ULL		/* PTE_TYPE_PAGE, PMD_TYPE_TABLE */
#define T_BLOCK		1ULL		/* PMD_TYPE_SECT */
#define ATTR(i)		((u64)(i) << 2)
#define USER		B(6)
#define RDONLY		B(7)
#define SHARED		(3ULL << 8)
#define AF		B(10)
#define NG		B(11)
#define DBM		B(51)		/* PTE_WRITE */
#define CONT		B(52)
#define PXN		B(53)
#define UXN		B(54)
#define SW_DIRTY	B(55)
#define SPECIAL		B(56)

/* _PAGE_DEFAULT | PTE_TYPE_PAGE: what every Linux page descriptor starts with. */
#define PAGE_BASE	(T_PAGE | AF | SHARED | ATTR(0))
/* PAGE_SHARED (clean, writable), PAGE_KERNEL, PAGE_KERNEL_ROX, PAGE_EXECONLY */
#define P_SHARED	(PAGE_BASE | USER | RDONLY | NG | PXN | UXN | DBM)
#define P_KERNEL	(PAGE_BASE | PXN | UXN | DBM | SW_DIRTY)
#define P_KERNEL_ROX	(PAGE_BASE | UXN | RDONLY | SW_DIRTY)
#define P_EXECONLY	(PAGE_BASE | RDONLY | NG | PXN)

/* __swp_entry() of each kernel, written out. */
static u64 swp61(unsigned int type, u64 offset)
{
	return (u64)type << 3 | offset << 8;
}

static u64 swp610(unsigned int type, u64 offset)
{
	return (u64)type << 6 | offset << 12;
}

/*
 * Pages as Linux maps them: a clean shared page (AP[2] set, DBM armed), the
 * same page after the hardware dirtied it (AP[2] cleared), kernel data,
 * kernel text, an exec-only user page, and the memory types.
 */
SMM_TEST(arm64_flags_of_pages)
{
	u64 pa = 0x123456000ULL;
	u32 rw = SHADOWMM_PTF_PRESENT | SHADOWMM_PTF_WRITE | SHADOWMM_PTF_ACCESSED;

	EXPECT_EQ(smm_pte_flags(V610, PTE, P_SHARED | pa),
		  rw | SHADOWMM_PTF_USER | SHADOWMM_PTF_NX | SHADOWMM_PTF_DBM);
	EXPECT_EQ(smm_pte_flags(V610, PTE, (P_SHARED & ~RDONLY) | pa),
		  rw | SHADOWMM_PTF_USER | SHADOWMM_PTF_NX | SHADOWMM_PTF_DBM | SHADOWMM_PTF_DIRTY);
	EXPECT_EQ(smm_pte_pfn(V610, PTE, P_SHARED | pa), 0x123456);
	/* kernel data: global, software-dirty, no EL0 */
	EXPECT_EQ(smm_pte_flags(V61, PTE, P_KERNEL | pa),
		  rw | SHADOWMM_PTF_DIRTY | SHADOWMM_PTF_GLOBAL | SHADOWMM_PTF_NX |
		  SHADOWMM_PTF_DBM);
	/* kernel text: read-only, executable at EL1 */
	EXPECT_EQ(smm_pte_flags(V61, PTE, P_KERNEL_ROX | pa),
		  SHADOWMM_PTF_PRESENT | SHADOWMM_PTF_ACCESSED | SHADOWMM_PTF_DIRTY |
		  SHADOWMM_PTF_GLOBAL);
	/* exec-only user: no AP[1], executable at EL0, so not NX */
	EXPECT_EQ(smm_pte_flags(V610, PTE, P_EXECONLY | pa),
		  SHADOWMM_PTF_PRESENT | SHADOWMM_PTF_ACCESSED);
	/* AF clear: not young; PTE_SPECIAL; contiguous */
	EXPECT_EQ(smm_pte_flags(V610, PTE, (P_SHARED & ~AF) | SPECIAL | CONT) &
		  (SHADOWMM_PTF_ACCESSED | SHADOWMM_PTF_SPECIAL | SHADOWMM_PTF_CONT),
		  SHADOWMM_PTF_SPECIAL | SHADOWMM_PTF_CONT);
	/* memory types: Normal-NC as UC-, Device as UC, tagged Normal as WB */
	EXPECT_EQ(smm_pte_flags(V610, PTE, P_KERNEL | ATTR(2)) &
		  (SHADOWMM_PTF_PCD | SHADOWMM_PTF_PWT), SHADOWMM_PTF_PCD);
	EXPECT_EQ(smm_pte_flags(V610, PTE, P_KERNEL | ATTR(3)) &
		  (SHADOWMM_PTF_PCD | SHADOWMM_PTF_PWT), SHADOWMM_PTF_PCD | SHADOWMM_PTF_PWT);
	EXPECT_EQ(smm_pte_flags(V610, PTE, P_KERNEL | ATTR(4)) &
		  (SHADOWMM_PTF_PCD | SHADOWMM_PTF_PWT), SHADOWMM_PTF_PCD | SHADOWMM_PTF_PWT);
	EXPECT_EQ(smm_pte_flags(V610, PTE, P_KERNEL | ATTR(1)) &
		  (SHADOWMM_PTF_PCD | SHADOWMM_PTF_PWT), 0);
	/* read-only without DBM is not writable; nor is an empty entry anything */
	EXPECT_EQ(smm_pte_flags(V610, PTE, (P_SHARED & ~DBM)) & SHADOWMM_PTF_WRITE, 0);
	EXPECT_EQ(smm_pte_flags(V610, PTE, 0), 0);
}

/*
 * Descriptor types by level: 11 is a table above level 3 and a page at
 * it; 01 is a block at levels 1-2 and reserved at 0 and 3.
 */
SMM_TEST(arm64_descriptor_types)
{
	u64 blk = 0x40000000ULL | T_BLOCK | AF | SHARED | PXN | UXN;
	u64 tbl = 0x5000ULL | T_PAGE;

	EXPECT_FALSE(smm_pte_leaf(V610, PMD, tbl));
	EXPECT_FALSE(smm_pte_leaf(V610, PUD, tbl));
	EXPECT_FALSE(smm_pte_leaf(V610, PGD, tbl));
	EXPECT_TRUE(smm_pte_leaf(V610, PTE, tbl));		/* a page there */
	EXPECT_FALSE(smm_pte_bad(V610, PTE, tbl));
	EXPECT_TRUE(smm_pte_leaf(V610, PMD, blk));
	EXPECT_FALSE(smm_pte_bad(V610, PMD, blk));
	EXPECT_FALSE(smm_pte_bad(V610, PUD, blk));
	EXPECT_EQ(smm_pte_flags(V610, PUD, blk) & SHADOWMM_PTF_HUGE, SHADOWMM_PTF_HUGE);
	EXPECT_EQ(smm_pte_flags(V610, PTE, P_SHARED) & SHADOWMM_PTF_HUGE, 0);
	EXPECT_TRUE(smm_pte_bad(V610, PTE, blk));		/* reserved at level 3 */
	EXPECT_TRUE(smm_pte_bad(V610, PGD, blk));		/* no level 0 blocks */
	EXPECT_TRUE(smm_pte_bad(V610, P4D, blk));
	EXPECT_TRUE(smm_pte_leaf(V610, PGD, blk));		/* never followed */
	EXPECT_EQ(smm_pte_flags(V610, PTE, blk), SHADOWMM_PTF_PRESENT);
	EXPECT_FALSE(smm_pte_bad(V610, PMD, blk & ~1ULL));	/* invalid is not bad */
	/* a block's address is aligned to its size; bits below are not OA */
	EXPECT_EQ(smm_pte_pfn(V610, PMD, 0x40201000ULL | T_BLOCK), 0x40200);
	EXPECT_EQ(smm_pte_pfn(V610, PUD, 0x80203000ULL | T_BLOCK), 0x80000);
	/* table descriptors: APTable and XNTable limit everything below */
	EXPECT_EQ(smm_pte_flags(V610, PMD, tbl),
		  SHADOWMM_PTF_PRESENT | SHADOWMM_PTF_WRITE | SHADOWMM_PTF_USER);
	EXPECT_EQ(smm_pte_flags(V610, PMD, tbl | B(62) | B(61) | B(59)), SHADOWMM_PTF_PRESENT);
	EXPECT_EQ(smm_pte_flags(V610, PMD, tbl | B(60) | B(59)),
		  SHADOWMM_PTF_PRESENT | SHADOWMM_PTF_WRITE | SHADOWMM_PTF_USER | SHADOWMM_PTF_NX);
}

/*
 * Output addresses: bits 47:12 with 48-bit PA, where bits 9:8 are SH
 * and 49:48 are not address; with LPA2 bits 49:12 and 9:8 as OA[51:50].
 */
SMM_TEST(arm64_output_addresses)
{
	u64 pa48 = 0xfedcba987000ULL;
	u64 pa52 = 0xf3456789ab000ULL;		/* bits 51:48 = 0xf */
	u64 lpa2 = (pa52 & (((1ULL << 50) - 1) & ~0xfffULL)) | ((pa52 >> 50) & 3) << 8;

	EXPECT_EQ(smm_pte_pfn(V610, PTE, pa48 | SHARED | T_PAGE), pa48 >> 12);
	EXPECT_EQ(smm_pte_pfn(V610, PTE, pa48 | B(48) | B(49) | T_PAGE), pa48 >> 12);
	EXPECT_EQ(smm_pte_pfn(V610_52, PTE, lpa2 | T_PAGE | AF), pa52 >> 12);
	EXPECT_EQ(smm_pte_pfn(V610_52, PMD, (lpa2 & ~0x1fffffULL) | (lpa2 & SHARED) | 0x3000 |
		  T_BLOCK),
		  (pa52 & ~0x1fffffULL) >> 12);
	/* made and decoded again, at every level, with and without LPA2 */
	EXPECT_EQ(smm_pte_pfn(V610_52, PTE, smm_pte_make(V610_52, PTE, pa52 >> 12,
							 SHADOWMM_PROT_WRITE, true)), pa52 >> 12);
	EXPECT_EQ(smm_pte_make(V610_52, PTE, pa52 >> 12, 0, false), lpa2 | T_PAGE);
	EXPECT_EQ(smm_pte_make(V610, PMD, pa48 >> 12, 0, false), pa48 | T_PAGE);
	EXPECT_EQ(smm_pte_pfn(V610, PUD, smm_pte_make(V610, PUD, 0x40000, 0, true)), 0x40000);
	/* with LPA2 there is no SH field: made entries leave bits 9:8 to the OA */
	EXPECT_EQ(smm_pte_make(V610_52, PTE, 0x1000, 0, true) & SHARED, 0);
	EXPECT_EQ(smm_pte_make(V610, PTE, 0x1000, 0, true) & SHARED, SHARED);
}

/*
 * Debian's 6.12 arm64 kernel is built for 52-bit VA with LPA2 and runs
 * either way (module/arch.h): with FEAT_LPA2, 5 levels and OA[51:50] in
 * bits 9:8; without it (QEMU's max,lpa2=off), 4 levels, and the kernel
 * writes SH (PTE_MAYBE_SHARED = PTE_SHARED) into bits 9:8 again. The
 * same bits are an address in one format and shareability in the
 * other: the format the level count picks must be the one decoding.
 */
SMM_TEST(arm64_612_lpa2_off_keeps_sh_out_of_the_address)
{
	u64 page = P_SHARED | 0x777000ULL;		/* SH = 3 in bits 9:8 */
	u64 block = 0x80200000ULL | T_BLOCK | AF | SHARED | USER | NG | PXN | UXN;

	EXPECT_EQ(V610->levels, 4);
	EXPECT_EQ(V610->va_bits, 48);
	EXPECT_FALSE(V610->lpa2);
	EXPECT_EQ(V610_52->levels, 5);
	EXPECT_EQ(V610_52->va_bits, 52);
	EXPECT_TRUE(V610_52->lpa2);
	/* lpa2=off: SH is not address */
	EXPECT_EQ(smm_pte_pfn(V610, PTE, page), 0x777);
	EXPECT_EQ(smm_pte_pfn(V610, PMD, block), 0x80200);
	/* the same bits under LPA2 are OA[51:50] */
	EXPECT_EQ(smm_pte_pfn(V610_52, PTE, page), 0x777 + (3ULL << (50 - 12)));
	EXPECT_EQ(smm_pte_pfn(V610_52, PMD, block), 0x80200 + (3ULL << (50 - 12)));
	/* 48-bit VA folds the top: level 0 indexes VA bits 47:39, 512 entries */
	EXPECT_EQ(smm_pt_entries(V610, PGD), 512);
	EXPECT_EQ(smm_pt_shift(V610, PGD), 39);
	EXPECT_EQ(smm_pt_index(V610, PGD, 0x0000ff8000000000ULL), 511);
	EXPECT_EQ(smm_pt_index(V610_52, PGD, 0x0000ff8000000000ULL), 0);
	EXPECT_EQ(smm_pt_index(V610_52, P4D, 0x0000ff8000000000ULL), 511);
	EXPECT_FALSE(smm_pt_canonical(V610, 0x000a000000000000ULL));
	EXPECT_TRUE(smm_pt_canonical(V610_52, 0x000a000000000000ULL));
}

/*
 * PROT_NONE, as each kernel encodes PAGE_NONE: 6.1 sets bit 58; 6.10+
 * marks the entry present-invalid with nG and tells PROT_NONE from a
 * huge PMD being split by !AP[1] and UXN.
 */
SMM_TEST(arm64_protnone_both_encodings)
{
	u64 pa = 0x77000ULL;
	u64 none61 = (PAGE_BASE & ~1ULL) | B(58) | RDONLY | NG | PXN | UXN | pa;
	u64 none610 = (PAGE_BASE & ~1ULL) | RDONLY | NG | PXN | UXN | pa;
	u64 split610 = (P_SHARED & ~3ULL) | 0x40000000ULL;	/* pmd_mkinvalid() */

	EXPECT_TRUE(smm_pte_protnone(V61, PTE, none61));
	EXPECT_FALSE(smm_pte_swap(V61, PTE, none61));
	EXPECT_EQ(smm_pte_pfn(V61, PTE, none61), 0x77);
	EXPECT_EQ(smm_pte_flags(V61, PTE, none61),
		  SHADOWMM_PTF_PROTNONE | SHADOWMM_PTF_ACCESSED | SHADOWMM_PTF_NX);
	EXPECT_TRUE(smm_pte_protnone(V610, PTE, none610));
	EXPECT_FALSE(smm_pte_swap(V610, PTE, none610));
	EXPECT_EQ(smm_pte_flags(V610, PTE, none610),
		  SHADOWMM_PTF_PROTNONE | SHADOWMM_PTF_ACCESSED | SHADOWMM_PTF_NX);
	/* 6.1 reads the 6.10 encoding as a swap entry: the encodings differ */
	EXPECT_FALSE(smm_pte_protnone(V61, PTE, none610));
	EXPECT_TRUE(smm_pte_swap(V61, PTE, none610));
	/* 6.10+: present-invalid with EL0 access is a split THP, not PROT_NONE */
	EXPECT_FALSE(smm_pte_protnone(V610, PMD, split610));
	EXPECT_FALSE(smm_pte_swap(V610, PMD, split610));
	EXPECT_EQ(smm_pte_flags(V610, PMD, split610) &
		  (SHADOWMM_PTF_PRESENT | SHADOWMM_PTF_PROTNONE | SHADOWMM_PTF_USER |
		   SHADOWMM_PTF_HUGE), SHADOWMM_PTF_USER | SHADOWMM_PTF_HUGE);
	/* 6.1: PMD_PRESENT_INVALID (bit 59) on a PMD only */
	EXPECT_FALSE(smm_pte_swap(V61, PMD, (P_SHARED & ~3ULL) | B(59) | 0x40000000ULL));
	EXPECT_TRUE(smm_pte_swap(V61, PTE, swp61(1, 1ULL << 51)));	/* bit 59 is offset */
	/* made PROT_NONE entries decode as PROT_NONE in their own encoding */
	EXPECT_TRUE(smm_pte_protnone(V61, PTE, smm_pte_make(V61, PTE, 5, SHADOWMM_PROT_NONE, true)));
	EXPECT_TRUE(smm_pte_protnone(V610, PMD,
				     smm_pte_make(V610, PMD, 512, SHADOWMM_PROT_NONE, true)));
	EXPECT_EQ(smm_pte_pfn(V610, PMD, smm_pte_make(V610, PMD, 512, SHADOWMM_PROT_NONE, true)),
		  512);
}

/* Swap entries: 6.1 type 7:3 offset 57:8; 6.10+ type 10:6 offset 61:12. */
SMM_TEST(arm64_swap_entries_both_encodings)
{
	static const struct { unsigned int type; u64 offset; } cases[] = {
		{ 0, 1 }, { 1, 0x12345 }, { 31, (1ULL << 50) - 1 }, { 7, 0xabcdef01 }, { 30, 0 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		u64 e61 = swp61(cases[i].type, cases[i].offset) | B(2);	/* exclusive */
		u64 e610 = swp610(cases[i].type, cases[i].offset) | B(2) | B(3);

		ASSERT_TRUE(smm_pte_swap(V61, PTE, e61));
		EXPECT_EQ(smm_swp_type(V61, e61), cases[i].type);
		EXPECT_EQ(smm_swp_offset(V61, e61), cases[i].offset);
		EXPECT_EQ(smm_pte_flags(V61, PTE, e61), SHADOWMM_PTF_SWAP);
		ASSERT_TRUE(smm_pte_swap(V610, PMD, e610));
		EXPECT_EQ(smm_swp_type(V610, e610), cases[i].type);
		EXPECT_EQ(smm_swp_offset(V610, e610), cases[i].offset);
		EXPECT_EQ(smm_pte_flags(V610, PTE, e610), SHADOWMM_PTF_SWAP);
	}
	/* a 6.1 entry whose offset sets bit 11 is present-invalid to 6.10+ */
	EXPECT_FALSE(smm_pte_swap(V610, PTE, swp61(2, 8)));
	EXPECT_TRUE(smm_pte_swap(V61, PTE, swp61(2, 8)));
}

SMM_TEST(arm64_canonical_and_indices)
{
	EXPECT_TRUE(smm_pt_canonical(V610, 0x0000ffffffffffffULL));	/* all of TTBR0 */
	EXPECT_FALSE(smm_pt_canonical(V610, 0x0001000000000000ULL));
	EXPECT_TRUE(smm_pt_canonical(V610, 0xffff000000000000ULL));
	EXPECT_FALSE(smm_pt_canonical(V610, 0xfffe000000000000ULL));
	EXPECT_TRUE(smm_pt_canonical(V610_52, 0x000fffffffffffffULL));
	EXPECT_TRUE(smm_pt_canonical(V610_52, 0xfff0000000000000ULL));
	EXPECT_FALSE(smm_pt_canonical(V610_52, 0x0010000000000000ULL));
	EXPECT_EQ(smm_pt_user_limit(V610), 1ULL << 48);
	EXPECT_EQ(smm_pt_user_limit(V610_52), 1ULL << 52);
	EXPECT_EQ(smm_pt_entries(V610, PGD), 512);
	EXPECT_EQ(smm_pt_entries(V610_52, PGD), 16);
	EXPECT_EQ(smm_pt_entries(V610_52, P4D), 512);
	EXPECT_EQ(smm_pt_shift(V610, PGD), 39);
	EXPECT_EQ(smm_pt_shift(V610_52, PGD), 48);
	EXPECT_EQ(smm_pt_index(V610_52, PGD, 0x000a000000000000ULL), 10);
	EXPECT_EQ(smm_pt_index(V610_52, PGD, 0xfff5000000000000ULL), 5);
	EXPECT_EQ(smm_pt_index(V610, PGD, 0xffff800000000000ULL), 256);
}

/* Every protection made into every arm64 format decodes to what was asked. */
SMM_TEST(arm64_make_decodes_back)
{
	const struct smm_pt_fmt *fmts[] = {
		&smm_pt_arm64_v61_48, &smm_pt_arm64_v61_52, V610, V610_52,
	};
	unsigned int i, prot, level;

	for (i = 0; i < ARRAY_SIZE(fmts); i++) {
		for (prot = 0; prot < SHADOWMM_PROT_NONE; prot++) {
			for (level = PUD; level <= PTE; level++) {
				u64 e = smm_pte_make(fmts[i], level, 0x40000, prot, true);
				u32 f = smm_pte_flags(fmts[i], level, e);

				EXPECT_TRUE(f & SHADOWMM_PTF_PRESENT);
				EXPECT_EQ(!!(f & SHADOWMM_PTF_WRITE), !!(prot & SHADOWMM_PROT_WRITE));
				EXPECT_EQ(!!(f & SHADOWMM_PTF_USER), !!(prot & SHADOWMM_PROT_USER));
				EXPECT_EQ(!!(f & SHADOWMM_PTF_NX), !(prot & SHADOWMM_PROT_EXEC));
				EXPECT_EQ(!!(f & SHADOWMM_PTF_GLOBAL),
					  !!(prot & SHADOWMM_PROT_GLOBAL));
				EXPECT_EQ(!!(f & SHADOWMM_PTF_HUGE), level != PTE);
				EXPECT_TRUE(smm_pte_leaf(fmts[i], level, e));
				EXPECT_FALSE(smm_pte_bad(fmts[i], level, e));
				EXPECT_EQ(smm_pte_pfn(fmts[i], level, e), 0x40000);
			}
		}
	}
}

/*
 * 48-bit VA, 4 levels (L0 = PGD, P4D folded, L1..L3):
 *   PGD[1] -> PUD table 1: PUD[0] a 1 GiB block at 0x40000000,
 *   PUD[1] -> PMD table 2: PMD[2] a 2 MiB block, PMD[3] -> PTE table 3,
 *   PTE[7] a user page 0x777, PTE[8] a swap entry (6.10+ encoding).
 */
SMM_TEST(walk_arm64_48_four_levels)
{
	static struct fake_pt pt;
	struct smm_walk_ops ops = { .read = fake_read, .fmt = V610 };
	u64 base = 1ULL << 39, pmd_base = base + (1ULL << 30);
	struct smm_walk w;

	fake_init(&pt, V610, 0x100);
	pt.t[0][1] = fake_table(&pt, 1);
	pt.t[1][0] = 0x40000000ULL | T_BLOCK | AF | SHARED | PXN | UXN | DBM | SW_DIRTY;
	pt.t[1][1] = fake_table(&pt, 2);
	pt.t[2][2] = 0x80200000ULL | T_BLOCK | AF | SHARED | USER | RDONLY | NG | PXN | UXN;
	pt.t[2][3] = fake_table(&pt, 3);
	pt.t[3][7] = P_SHARED | 0x777000ULL;
	pt.t[3][8] = swp610(3, 0x4242);

	ASSERT_EQ(smm_walk_va(&ops, &pt, base + 0x12345678, &w), 0);
	EXPECT_EQ(w.kind, SHADOWMM_PT_PAGE);
	EXPECT_EQ(w.size, 1ULL << 30);
	EXPECT_EQ(w.pfn, 0x40000 + 0x12345);
	ASSERT_EQ(w.nr, 3);
	EXPECT_EQ(w.lv[0].index, 1);
	EXPECT_TRUE(w.lv[1].folded);
	EXPECT_EQ(w.lv[2].level, PUD);
	EXPECT_EQ(w.flags, SHADOWMM_PTF_PRESENT | SHADOWMM_PTF_WRITE | SHADOWMM_PTF_ACCESSED |
		  SHADOWMM_PTF_DIRTY | SHADOWMM_PTF_HUGE | SHADOWMM_PTF_GLOBAL |
		  SHADOWMM_PTF_NX | SHADOWMM_PTF_DBM);

	ASSERT_EQ(smm_walk_va(&ops, &pt, pmd_base + (2ULL << 21) + 0x5000, &w), 0);
	EXPECT_EQ(w.kind, SHADOWMM_PT_PAGE);
	EXPECT_EQ(w.size, 1ULL << 21);
	EXPECT_EQ(w.pfn, 0x80200 + 5);
	EXPECT_EQ(w.flags & (SHADOWMM_PTF_USER | SHADOWMM_PTF_WRITE | SHADOWMM_PTF_GLOBAL),
		  SHADOWMM_PTF_USER);

	ASSERT_EQ(smm_walk_va(&ops, &pt, pmd_base + (3ULL << 21) + 7 * 4096 + 5, &w), 0);
	EXPECT_EQ(w.kind, SHADOWMM_PT_PAGE);
	EXPECT_EQ(w.size, 4096);
	EXPECT_EQ(w.pfn, 0x777);
	ASSERT_EQ(w.nr, 5);
	EXPECT_EQ(w.lv[3].level, PMD);
	EXPECT_EQ(w.lv[3].index, 3);
	EXPECT_EQ(w.lv[4].index, 7);

	ASSERT_EQ(smm_walk_va(&ops, &pt, pmd_base + (3ULL << 21) + 8 * 4096, &w), 0);
	EXPECT_EQ(w.kind, SHADOWMM_PT_SWAP);
	EXPECT_EQ(w.swap_type, 3);
	EXPECT_EQ(w.swap_offset, 0x4242);

	/* holes are as large as the empty entry that ends them */
	ASSERT_EQ(smm_walk_va(&ops, &pt, 0x1000, &w), 0);
	EXPECT_EQ(w.kind, SHADOWMM_PT_HOLE);
	EXPECT_EQ(w.size, 1ULL << 39);
	ASSERT_EQ(smm_walk_va(&ops, &pt, pmd_base + (4ULL << 21), &w), 0);
	EXPECT_EQ(w.kind, SHADOWMM_PT_HOLE);
	EXPECT_EQ(w.size, 1ULL << 21);
}

/*
 * 52-bit VA with LPA2, 5 levels: a 16-entry level -1 table, then levels
 * 0..3. The tables and the page sit above 2^50, so every descriptor on
 * the way carries OA[51:50] in bits 9:8. A kernel (TTBR1) address and a
 * user one use the same top-table index rule.
 *
 *   PGD[10] (va bits 51:48 = 0xa) -> P4D table 1 -> [0] PUD table 2
 *   -> [0] PMD table 3 -> [0] PTE table 4: PTE[1] page at 2^51 + 0x5000
 *   PGD[15] (kernel 0xffff...) -> P4D table 1 as well
 */
SMM_TEST(walk_arm64_52_lpa2_five_levels)
{
	static struct fake_pt pt;
	struct smm_walk_ops ops = { .read = fake_read, .fmt = V610_52 };
	u64 va = 0x000a000000001000ULL, page = (1ULL << 51) + 0x5000;
	struct smm_walk w;

	fake_init(&pt, V610_52, (3ULL << 50) >> 12);	/* tables at PA 0xc000000000000+ */
	pt.t[0][10] = fake_table(&pt, 1);
	pt.t[0][15] = fake_table(&pt, 1);
	pt.t[1][0] = fake_table(&pt, 2);
	pt.t[2][0] = fake_table(&pt, 3);
	pt.t[3][0] = fake_table(&pt, 4);
	pt.t[4][1] = (page & (((1ULL << 50) - 1) & ~0xfffULL)) | ((page >> 50) & 3) << 8 |
		     T_PAGE | AF | USER | NG | PXN | UXN | DBM;
	ASSERT_EQ(pt.t[0][10] & SHARED, SHARED);	/* OA[51:50] = 3 */

	ASSERT_EQ(smm_walk_va(&ops, &pt, va + 0x123, &w), 0);
	EXPECT_EQ(w.kind, SHADOWMM_PT_PAGE);
	EXPECT_EQ(w.pfn, page >> 12);
	ASSERT_EQ(w.nr, 5);
	EXPECT_EQ(w.lv[0].level, PGD);
	EXPECT_EQ(w.lv[0].index, 10);
	EXPECT_FALSE(w.lv[1].folded);
	EXPECT_EQ(w.lv[1].level, P4D);
	EXPECT_EQ(w.lv[4].index, 1);

	ASSERT_EQ(smm_walk_va(&ops, &pt, 0xffff000000001000ULL, &w), 0);
	EXPECT_EQ(w.lv[0].index, 15);
	EXPECT_EQ(w.kind, SHADOWMM_PT_PAGE);
	EXPECT_EQ(w.pfn, page >> 12);

	/* an empty top entry is a hole of 2^48 bytes */
	ASSERT_EQ(smm_walk_va(&ops, &pt, 0x0001000000000000ULL, &w), 0);
	EXPECT_EQ(w.kind, SHADOWMM_PT_HOLE);
	EXPECT_EQ(w.size, 1ULL << 48);
	EXPECT_EQ(w.nr, 1);
}

/*
 * A contiguous range of 16 PTEs (64 KiB) where the hardware set AF only
 * in entry 5 and dirtied (cleared AP[2] of) only entry 9: every page of
 * the range reads young and dirty, as ptep_get() returns it, while the
 * raw entry stays as it is. An entry in the range without the contiguous
 * bit, and the range after it, do not count. The same at the PMD level
 * for a 32 MiB range of blocks.
 */
SMM_TEST(walk_arm64_contiguous_gathers_young_and_dirty)
{
	static struct fake_pt pt;
	struct smm_walk_ops ops = { .read = fake_read, .fmt = V610 };
	u64 clean_old = (P_SHARED & ~AF) | CONT;
	struct smm_walk w;
	unsigned int i;

	fake_init(&pt, V610, 0);
	pt.t[0][0] = fake_table(&pt, 1);
	pt.t[1][0] = fake_table(&pt, 2);
	pt.t[2][0] = fake_table(&pt, 3);
	for (i = 0; i < 32; i++)
		pt.t[3][i] = clean_old | (0x100000ULL + i * 0x1000);
	pt.t[3][5] |= AF;
	pt.t[3][9] &= ~RDONLY;
	pt.t[3][16 + 3] |= AF | SW_DIRTY;	/* next range: must not leak */

	ASSERT_EQ(smm_walk_va(&ops, &pt, 0x0, &w), 0);
	EXPECT_EQ(w.kind, SHADOWMM_PT_PAGE);
	EXPECT_EQ(w.flags & (SHADOWMM_PTF_ACCESSED | SHADOWMM_PTF_DIRTY | SHADOWMM_PTF_CONT),
		  SHADOWMM_PTF_ACCESSED | SHADOWMM_PTF_DIRTY | SHADOWMM_PTF_CONT);
	EXPECT_EQ(w.lv[w.nr - 1].flags, w.flags);
	EXPECT_EQ(w.lv[w.nr - 1].entry, pt.t[3][0]);	/* raw */
	EXPECT_EQ(w.flags & SHADOWMM_PTF_WRITE, SHADOWMM_PTF_WRITE);
	ASSERT_EQ(smm_walk_va(&ops, &pt, 15 * 4096, &w), 0);
	EXPECT_EQ(w.flags & (SHADOWMM_PTF_ACCESSED | SHADOWMM_PTF_DIRTY),
		  SHADOWMM_PTF_ACCESSED | SHADOWMM_PTF_DIRTY);

	/* the second range: young and dirty only through entry 19 */
	ASSERT_EQ(smm_walk_va(&ops, &pt, 20 * 4096, &w), 0);
	EXPECT_EQ(w.flags & (SHADOWMM_PTF_ACCESSED | SHADOWMM_PTF_DIRTY),
		  SHADOWMM_PTF_ACCESSED | SHADOWMM_PTF_DIRTY);
	pt.t[3][16 + 3] &= ~CONT;		/* no longer a member */
	ASSERT_EQ(smm_walk_va(&ops, &pt, 20 * 4096, &w), 0);
	EXPECT_EQ(w.flags & (SHADOWMM_PTF_ACCESSED | SHADOWMM_PTF_DIRTY), 0);

	/* without the contiguous bit nothing else is read */
	pt.t[3][0] &= ~CONT;
	pt.reads = 0;
	ASSERT_EQ(smm_walk_va(&ops, &pt, 0x0, &w), 0);
	EXPECT_EQ(pt.reads, 4);
	EXPECT_EQ(w.flags & (SHADOWMM_PTF_ACCESSED | SHADOWMM_PTF_DIRTY), 0);

	/* 16 contiguous 2 MiB blocks, entry 12 young and software-dirty */
	fake_init(&pt, V610, 0);
	pt.t[0][0] = fake_table(&pt, 1);
	pt.t[1][1] = fake_table(&pt, 2);
	for (i = 0; i < 16; i++)
		pt.t[2][16 + i] = (0x40000000ULL + ((u64)i << 21)) | T_BLOCK | SHARED | NG |
				  PXN | UXN | CONT;
	pt.t[2][16 + 12] |= AF | SW_DIRTY;
	ASSERT_EQ(smm_walk_va(&ops, &pt, (1ULL << 30) + (17ULL << 21), &w), 0);
	EXPECT_EQ(w.kind, SHADOWMM_PT_PAGE);
	EXPECT_EQ(w.pfn, (0x40000000ULL + (1ULL << 21)) >> 12);
	EXPECT_EQ(w.flags & (SHADOWMM_PTF_ACCESSED | SHADOWMM_PTF_DIRTY | SHADOWMM_PTF_HUGE),
		  SHADOWMM_PTF_ACCESSED | SHADOWMM_PTF_DIRTY | SHADOWMM_PTF_HUGE);
}

/*
 * Bad descriptors end the walk where they are, unfollowed: a block at
 * level 0 (PGD of 4-level), a block at level -1 (PGD of LPA2), and the
 * reserved type 01 at level 3. Invalid descriptors with other bits set
 * (not Linux's) are not followed either.
 */
SMM_TEST(walk_arm64_bad_descriptors_not_followed)
{
	static struct fake_pt pt;
	struct smm_walk_ops ops = { .read = fake_read, .fmt = V610 };
	struct smm_walk w;

	fake_init(&pt, V610, 0);
	pt.t[0][0] = (1ULL << 12) | T_BLOCK | AF;	/* would "point" at table 0 */
	pt.t[0][1] = fake_table(&pt, 1);
	pt.t[1][0] = fake_table(&pt, 2);
	pt.t[2][0] = fake_table(&pt, 3);
	pt.t[3][0] = 0x5000ULL | T_BLOCK | AF;		/* reserved at level 3 */
	pt.t[3][1] = 0x6000ULL | 2;			/* invalid with the table bit */

	pt.reads = 0;
	ASSERT_EQ(smm_walk_va(&ops, &pt, 0x1000, &w), 0);
	EXPECT_EQ(w.kind, SHADOWMM_PT_BAD);
	EXPECT_EQ(w.nr, 2);
	EXPECT_EQ(pt.reads, 1);
	EXPECT_EQ(w.size, 1ULL << 39);

	ASSERT_EQ(smm_walk_va(&ops, &pt, 1ULL << 39, &w), 0);
	EXPECT_EQ(w.kind, SHADOWMM_PT_BAD);
	EXPECT_EQ(w.nr, 5);
	EXPECT_EQ(w.flags, SHADOWMM_PTF_PRESENT);

	ASSERT_EQ(smm_walk_va(&ops, &pt, (1ULL << 39) + 0x1000, &w), 0);
	EXPECT_EQ(w.kind, SHADOWMM_PT_SWAP);		/* not valid: never a page */

	fake_init(&pt, V610_52, 0);
	ops.fmt = V610_52;
	pt.t[0][2] = (1ULL << 12) | T_BLOCK | AF;
	pt.reads = 0;
	ASSERT_EQ(smm_walk_va(&ops, &pt, 2ULL << 48, &w), 0);
	EXPECT_EQ(w.kind, SHADOWMM_PT_BAD);
	EXPECT_EQ(w.nr, 1);
	EXPECT_EQ(pt.reads, 1);
	/* PROT_NONE at level -1 (no blocks there): bad, not a 2^48-byte page */
	pt.t[0][3] = smm_pte_make(V610_52, PMD, 0x1000, SHADOWMM_PROT_NONE, true);
	ASSERT_TRUE(smm_pte_protnone(V610_52, PMD, pt.t[0][3]));
	ASSERT_EQ(smm_walk_va(&ops, &pt, 3ULL << 48, &w), 0);
	EXPECT_EQ(w.kind, SHADOWMM_PT_BAD);
	EXPECT_FALSE(smm_pte_bad(V610_52, PMD, pt.t[0][3]));
}
