/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The x86-64 page-table entry format, as the hardware and Linux 6.1 read
 * it, for real tables and the shadow spaces alike.
 *
 *   63 62..59 58  52 51                      12 11  9 8 7 6 5 4 3 2 1 0
 *  +--+------+------+--------------------------+----+-+-+-+-+-+-+-+-+-+
 *  |NX| pkey | soft |     frame number         |soft|G|S|D|A|C|T|U|W|P|
 *  +--+------+------+--------------------------+----+-+-+-+-+-+-+-+-+-+
 *                                               11: soft-dirty  S: PSE
 *
 * A leaf is a PTE, or a PUD/PMD with PSE set (1 GiB, 2 MiB); on a huge
 * leaf bit 12 is PAT, so its frame number starts at bit 13 and is
 * aligned to the page. Linux's own encodings of entries that are not
 * present (pgtable_64.h, pgtable_types.h):
 *  - PROT_NONE: present clear, bit 8 set. Its frame number is stored
 *    inverted (the L1TF mitigation), and so is any non-present entry's.
 *  - swap (and migration, hwpoison...) entries: present and PROT_NONE
 *    clear, type in bits 63..59, offset inverted in bits 58..14.
 */
#ifndef _SMM_CORE_PGTABLE_H
#define _SMM_CORE_PGTABLE_H

#include "env.h"

#define SMM_PTE_PRESENT		(1ULL << 0)
#define SMM_PTE_RW		(1ULL << 1)
#define SMM_PTE_USER		(1ULL << 2)
#define SMM_PTE_PWT		(1ULL << 3)
#define SMM_PTE_PCD		(1ULL << 4)
#define SMM_PTE_ACCESSED	(1ULL << 5)
#define SMM_PTE_DIRTY		(1ULL << 6)
#define SMM_PTE_PSE		(1ULL << 7)
#define SMM_PTE_GLOBAL		(1ULL << 8)
#define SMM_PTE_PROTNONE	SMM_PTE_GLOBAL	/* when not present */
#define SMM_PTE_SOFT_DIRTY	(1ULL << 11)
#define SMM_PTE_NX		(1ULL << 63)

#define SMM_PTE_PHYS_BITS	52
#define SMM_PTE_PFN_MASK	(((1ULL << SMM_PTE_PHYS_BITS) - 1) & ~0xfffULL)

#define SMM_SWP_TYPE_BITS	5
#define SMM_SWP_OFFSET_SHIFT	(9 + SMM_SWP_TYPE_BITS)

#define SMM_PT_ENTRIES		512
#define SMM_PT_MAX_LEVELS	__SHADOWMM_PT_CNT

/*
 * Bits of address one entry of @level maps: 12 + 9 per level below it.
 * Under 4-level paging P4D is folded into the PGD, whose entries then
 * map what a P4D entry would (PGDIR_SHIFT is 39, not 48).
 */
static inline unsigned int smm_pt_shift(unsigned int level, unsigned int paging_levels)
{
	if (level == SHADOWMM_PT_PGD && paging_levels == 4)
		level = SHADOWMM_PT_P4D;
	return SMM_PAGE_SHIFT + 9 * (SHADOWMM_PT_PTE - level);
}

static inline unsigned int smm_pt_index(unsigned int level, unsigned int paging_levels, u64 va)
{
	return (va >> smm_pt_shift(level, paging_levels)) & (SMM_PT_ENTRIES - 1);
}

/* Virtual address bits: 48 for 4-level paging, 57 for 5-level. */
static inline unsigned int smm_pt_va_bits(unsigned int paging_levels)
{
	return SMM_PAGE_SHIFT + 9 * paging_levels;
}

/* Sign-extended from the top virtual address bit, as the CPU requires. */
static inline bool smm_pt_canonical(u64 va, unsigned int paging_levels)
{
	unsigned int unused = 64 - smm_pt_va_bits(paging_levels);

	return (u64)((s64)(va << unused) >> unused) == va;
}

static inline bool smm_pte_present(u64 e)
{
	return e & SMM_PTE_PRESENT;
}

static inline bool smm_pte_protnone(u64 e)
{
	return (e & (SMM_PTE_PRESENT | SMM_PTE_PROTNONE)) == SMM_PTE_PROTNONE;
}

/* Not empty, not present, not PROT_NONE: Linux keeps a swap entry there. */
static inline bool smm_pte_swap(u64 e)
{
	return e && !smm_pte_present(e) && !smm_pte_protnone(e);
}

/* Does the walk stop at this entry of @level (leaf or nothing below)? */
static inline bool smm_pte_leaf(unsigned int level, u64 e)
{
	if (level == SHADOWMM_PT_PTE)
		return true;
	if (!smm_pte_present(e))
		return true;
	return (level == SHADOWMM_PT_PUD || level == SHADOWMM_PT_PMD) && (e & SMM_PTE_PSE);
}

/* The frame a leaf (or a table entry) points to; inverted when not present. */
static inline u64 smm_pte_pfn(unsigned int level, u64 e)
{
	u64 mask = SMM_PTE_PFN_MASK;

	if ((level == SHADOWMM_PT_PUD || level == SHADOWMM_PT_PMD) && (e & SMM_PTE_PSE))
		mask &= ~((1ULL << smm_pt_shift(level, 4)) - 1);
	if (!smm_pte_present(e))
		e = ~e;
	return (e & mask) >> SMM_PAGE_SHIFT;
}

static inline unsigned int smm_swp_type(u64 e)
{
	return e >> (64 - SMM_SWP_TYPE_BITS);
}

static inline u64 smm_swp_offset(u64 e)
{
	return ~e << SMM_SWP_TYPE_BITS >> SMM_SWP_OFFSET_SHIFT;
}

u32 smm_pte_flags(unsigned int level, u64 e);
u64 smm_pte_make(unsigned int level, u64 pfn, unsigned int prot, bool leaf);

#endif /* _SMM_CORE_PGTABLE_H */
