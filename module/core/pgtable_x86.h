/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The x86-64 page-table entry format, as the hardware and Linux (6.1 and
 * 6.12 alike) read it; included by pgtable.h, which describes the format.
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
 *    clear, type in bits 63..59, offset inverted in bits 58..9.
 */
#ifndef _SMM_CORE_PGTABLE_X86_H
#define _SMM_CORE_PGTABLE_X86_H

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

static inline bool smm_x86_huge_level(unsigned int level)
{
	return level == SHADOWMM_PT_PUD || level == SHADOWMM_PT_PMD;
}

static inline bool smm_x86_present(u64 e)
{
	return e & SMM_PTE_PRESENT;
}

static inline bool smm_x86_protnone(u64 e)
{
	return (e & (SMM_PTE_PRESENT | SMM_PTE_PROTNONE)) == SMM_PTE_PROTNONE;
}

/* Not empty, not present, not PROT_NONE: Linux keeps a swap entry there. */
static inline bool smm_x86_swap(u64 e)
{
	return e && !smm_x86_present(e) && !smm_x86_protnone(e);
}

/*
 * A leaf where x86-64 has no huge pages (PGD, P4D): a present entry with
 * the huge bit, or a PROT_NONE one. Reported, not followed.
 */
static inline bool smm_x86_bad(unsigned int level, u64 e)
{
	if (level != SHADOWMM_PT_PGD && level != SHADOWMM_PT_P4D)
		return false;
	return (smm_x86_present(e) && (e & SMM_PTE_PSE)) || smm_x86_protnone(e);
}

/* Does the walk stop at this entry of @level (leaf or nothing below)? */
static inline bool smm_x86_leaf(unsigned int level, u64 e)
{
	if (level == SHADOWMM_PT_PTE || !smm_x86_present(e))
		return true;
	return (e & SMM_PTE_PSE) || smm_x86_bad(level, e);
}

/* The frame a leaf (or a table entry) points to; inverted when not present. */
static inline u64 smm_x86_pfn(unsigned int level, u64 e)
{
	u64 mask = SMM_PTE_PFN_MASK;

	if (smm_x86_huge_level(level) && (e & SMM_PTE_PSE))
		mask &= ~((1ULL << (SMM_PAGE_SHIFT + 9 * (SHADOWMM_PT_PTE - level))) - 1);
	if (!smm_x86_present(e))
		e = ~e;
	return (e & mask) >> SMM_PAGE_SHIFT;
}

static inline unsigned int smm_x86_swp_type(u64 e)
{
	return e >> (64 - SMM_SWP_TYPE_BITS);
}

static inline u64 smm_x86_swp_offset(u64 e)
{
	return ~e << SMM_SWP_TYPE_BITS >> SMM_SWP_OFFSET_SHIFT;
}

/*
 * The swap entry of (@type, @offset) as __swp_entry() writes it: type in
 * bits 63..59, the offset inverted in bits 58..9, bits 8..0 clear (not
 * present, not PROT_NONE, neither soft-dirty nor exclusive here). The
 * decoders above read back what this writes for offsets below 2^50.
 */
static inline u64 smm_x86_swp_entry(unsigned int type, u64 offset)
{
	return ((u64)type << (64 - SMM_SWP_TYPE_BITS)) |
	       (~offset << SMM_SWP_OFFSET_SHIFT >> SMM_SWP_TYPE_BITS);
}

/*
 * What the MMU checks on a user-mode data access to a present leaf: U,
 * and RW for a write (CR0.WP makes it binding for the kernel too).
 */
static inline bool smm_x86_user_access(u64 e, bool write)
{
	return smm_x86_present(e) && (e & SMM_PTE_USER) && (!write || (e & SMM_PTE_RW));
}

/* What the MMU writes back into a leaf it used: A, and D on a write. */
static inline u64 smm_x86_hw_update(u64 e, bool write)
{
	return e | SMM_PTE_ACCESSED | (write ? SMM_PTE_DIRTY : 0);
}

#endif /* _SMM_CORE_PGTABLE_X86_H */
