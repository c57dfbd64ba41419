/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The arm64 (VMSAv8-64, 4 KiB granule) descriptor format, as the hardware
 * and Linux read it (arch/arm64/include/asm/pgtable-hwdef.h,
 * pgtable-prot.h, pgtable.h of 6.1 and 6.12); included by pgtable.h.
 *
 *   63   59 58 57 56 55 54 53 52 51 50 49     12 11 10 9 8 7 6 5 4  2 1 0
 *  +-------+--+--+--+--+--+--+--+--+--+---------+--+--+---+-+-+-+-----+-+-+
 *  |  tbl  |sw|sw|SP|SD|UX|PX|CT|DB|GP| OA[49:12]|nG|AF|SH |R|U|N|Attr |T|V|
 *  +-------+--+--+--+--+--+--+--+--+--+---------+--+--+---+-+-+-+-----+-+-+
 *   tbl: table descriptors only: NSTable 63, APTable 62:61, UXNTable 60,
 *        PXNTable 59.    V: valid  T: table (levels 0-2) / page (level 3)
 *   R, U: AP[2] read-only, AP[1] EL0 access   N: NS   Attr: AttrIndx
 *   GP: BTI guarded  DB: DBM, which Linux also uses as PTE_WRITE
 *   CT: contiguous hint  PX/UX: PXN/UXN  SD: PTE_DIRTY  SP: PTE_SPECIAL
 *   OA: output address, bits 47:12 with 48-bit PA; with LPA2 bits 49:12
 *       and OA[51:50] in bits 9:8, where SH lives otherwise
 *
 * Descriptor type (bits 1:0): 00/10 invalid; 11 table at levels -1..2 and
 * page at level 3; 01 block at levels 1 and 2 (1 GiB, 2 MiB) and reserved
 * (a translation fault) at levels -1, 0 and 3: the walker reports those
 * as bad and does not follow them.
 *
 * Linux's encodings of entries that are not valid (bit 0 clear):
 *  6.1 .. 6.9:  PROT_NONE: bit 58 (PTE_PROT_NONE). A huge PMD being split
 *               (pmd_mkinvalid()): bit 59 (PMD_PRESENT_INVALID). Swap:
 *               type in bits 7:3, offset in bits 57:8 (bit 2: exclusive).
 *  6.10 ..:     "present-invalid" is nG (bit 11) with valid clear;
 *               PROT_NONE is present-invalid, !AP[1] and UXN. Swap: type in
 *               bits 10:6, offset in bits 61:12 (bit 2: exclusive, bit 3:
 *               uffd-wp), bit 11 clear.
 * Frame numbers are stored as they are (no L1TF inversion on arm64).
 */
#ifndef _SMM_CORE_PGTABLE_ARM64_H
#define _SMM_CORE_PGTABLE_ARM64_H

#define SMM_ARM64_VALID		(1ULL << 0)
#define SMM_ARM64_TABLE		(1ULL << 1)	/* table (0..2) or page (3) */
#define SMM_ARM64_TYPE_MASK	3ULL
#define SMM_ARM64_TYPE_BLOCK	1ULL
#define SMM_ARM64_TYPE_TABLE	3ULL
#define SMM_ARM64_TYPE_PAGE	3ULL
#define SMM_ARM64_ATTRINDX_SHIFT 2
#define SMM_ARM64_ATTRINDX_MASK	(7ULL << SMM_ARM64_ATTRINDX_SHIFT)
#define SMM_ARM64_USER		(1ULL << 6)	/* AP[1] */
#define SMM_ARM64_RDONLY	(1ULL << 7)	/* AP[2] */
#define SMM_ARM64_SHARED	(3ULL << 8)	/* SH[1:0], not with LPA2 */
#define SMM_ARM64_OA_HIGH	(3ULL << 8)	/* OA[51:50] with LPA2 */
#define SMM_ARM64_AF		(1ULL << 10)
#define SMM_ARM64_NG		(1ULL << 11)
#define SMM_ARM64_GP		(1ULL << 50)
#define SMM_ARM64_DBM		(1ULL << 51)	/* also Linux's PTE_WRITE */
#define SMM_ARM64_CONT		(1ULL << 52)
#define SMM_ARM64_PXN		(1ULL << 53)
#define SMM_ARM64_UXN		(1ULL << 54)
#define SMM_ARM64_SW_DIRTY	(1ULL << 55)	/* PTE_DIRTY */
#define SMM_ARM64_SW_SPECIAL	(1ULL << 56)	/* PTE_SPECIAL */
#define SMM_ARM64_V61_PROT_NONE	(1ULL << 58)	/* 6.1: only when !VALID */
#define SMM_ARM64_V61_PMD_PRESENT_INVALID (1ULL << 59)
#define SMM_ARM64_V610_PRESENT_INVALID SMM_ARM64_NG	/* 6.10+: only when !VALID */
#define SMM_ARM64_PXN_TABLE	(1ULL << 59)
#define SMM_ARM64_UXN_TABLE	(1ULL << 60)
#define SMM_ARM64_AP_TABLE_NO_EL0 (1ULL << 61)	/* APTable[0] */
#define SMM_ARM64_AP_TABLE_RDONLY (1ULL << 62)	/* APTable[1] */

/* Output address fields: 47:12 (48-bit PA), 49:12 plus 9:8 (LPA2). */
#define SMM_ARM64_OA_LOW_48	(((1ULL << 48) - 1) & ~0xfffULL)
#define SMM_ARM64_OA_LOW_50	(((1ULL << 50) - 1) & ~0xfffULL)
#define SMM_ARM64_OA_HIGH_SHIFT	42		/* bits 9:8 -> 51:50 */

/* Contiguous hint: 16 entries (64 KiB of PTEs, 32 MiB of PMDs) with 4 KiB pages. */
#define SMM_ARM64_CONT_ENTRIES	16

#define SMM_ARM64_V61_SWP_TYPE_SHIFT	3
#define SMM_ARM64_V61_SWP_OFFSET_SHIFT	8
#define SMM_ARM64_V610_SWP_TYPE_SHIFT	6
#define SMM_ARM64_V610_SWP_OFFSET_SHIFT	12
#define SMM_ARM64_SWP_TYPE_BITS		5
#define SMM_ARM64_SWP_OFFSET_BITS	50

/* Linux's MAIR layout (asm/memory.h): the AttrIndx values it uses. */
#define SMM_ARM64_MT_NORMAL		0
#define SMM_ARM64_MT_NORMAL_TAGGED	1
#define SMM_ARM64_MT_NORMAL_NC		2
#define SMM_ARM64_MT_DEVICE_nGnRnE	3
#define SMM_ARM64_MT_DEVICE_nGnRE	4

static inline bool smm_arm64_valid(u64 e)
{
	return e & SMM_ARM64_VALID;
}

static inline bool smm_arm64_v610(const struct smm_pt_fmt *f)
{
	return f->enc == SMM_PT_ENC_ARM64_V610;
}

/* Blocks exist at levels 1 and 2 (PUD, PMD) only. */
static inline bool smm_arm64_block_level(unsigned int level)
{
	return level == SHADOWMM_PT_PUD || level == SHADOWMM_PT_PMD;
}

/* pte_present_invalid() of 6.10+, pmd_present_invalid() of 6.1. */
static inline bool smm_arm64_present_invalid(const struct smm_pt_fmt *f, unsigned int level,
					     u64 e)
{
	if (smm_arm64_valid(e))
		return false;
	if (smm_arm64_v610(f))
		return e & SMM_ARM64_V610_PRESENT_INVALID;
	return smm_arm64_block_level(level) && (e & SMM_ARM64_V61_PMD_PRESENT_INVALID);
}

/* pte_protnone(): 6.1 bit 58; 6.10+ present-invalid, not EL0, UXN. */
static inline bool smm_arm64_protnone(const struct smm_pt_fmt *f, unsigned int level, u64 e)
{
	if (smm_arm64_valid(e))
		return false;
	if (smm_arm64_v610(f))
		return smm_arm64_present_invalid(f, level, e) &&
		       (e & (SMM_ARM64_USER | SMM_ARM64_UXN)) == SMM_ARM64_UXN;
	return e & SMM_ARM64_V61_PROT_NONE;
}

/* Not empty, not valid, not present to Linux: a swap (or migration) entry. */
static inline bool smm_arm64_swap(const struct smm_pt_fmt *f, unsigned int level, u64 e)
{
	return e && !smm_arm64_valid(e) && !smm_arm64_protnone(f, level, e) &&
	       !smm_arm64_present_invalid(f, level, e);
}

/*
 * A valid descriptor of a type its level does not have (see above), or
 * a leaf Linux keeps present (PROT_NONE, present-invalid) at a level
 * without blocks above level 3.
 */
static inline bool smm_arm64_bad(const struct smm_pt_fmt *f, unsigned int level, u64 e)
{
	if (smm_arm64_valid(e))
		return !(e & SMM_ARM64_TABLE) && !smm_arm64_block_level(level);
	if (level != SHADOWMM_PT_PGD && level != SHADOWMM_PT_P4D)
		return false;
	return smm_arm64_protnone(f, level, e) || smm_arm64_present_invalid(f, level, e);
}

static inline bool smm_arm64_leaf(unsigned int level, u64 e)
{
	return level == SHADOWMM_PT_PTE || !smm_arm64_valid(e) || !(e & SMM_ARM64_TABLE);
}

/*
 * The output address: bits 47:12, or with LPA2 bits 49:12 and 9:8 as
 * OA[51:50]; a block's is aligned to its size (the bits below are RES0
 * or, with FEAT_BBM, nT). Invalid entries that Linux keeps present
 * (PROT_NONE, present-invalid) hold it the same way.
 */
static inline u64 smm_arm64_pfn(const struct smm_pt_fmt *f, unsigned int level, u64 e)
{
	u64 pa;

	if (f->lpa2)
		pa = (e & SMM_ARM64_OA_LOW_50) |
		     ((e & SMM_ARM64_OA_HIGH) << SMM_ARM64_OA_HIGH_SHIFT);
	else
		pa = e & SMM_ARM64_OA_LOW_48;
	if (level != SHADOWMM_PT_PTE && !(e & SMM_ARM64_TABLE))
		pa &= ~((1ULL << (SMM_PAGE_SHIFT + 9 * (SHADOWMM_PT_PTE - level))) - 1);
	return pa >> SMM_PAGE_SHIFT;
}

static inline unsigned int smm_arm64_swp_type(const struct smm_pt_fmt *f, u64 e)
{
	unsigned int shift = smm_arm64_v610(f) ? SMM_ARM64_V610_SWP_TYPE_SHIFT :
						 SMM_ARM64_V61_SWP_TYPE_SHIFT;

	return (e >> shift) & ((1U << SMM_ARM64_SWP_TYPE_BITS) - 1);
}

static inline u64 smm_arm64_swp_offset(const struct smm_pt_fmt *f, u64 e)
{
	unsigned int shift = smm_arm64_v610(f) ? SMM_ARM64_V610_SWP_OFFSET_SHIFT :
						 SMM_ARM64_V61_SWP_OFFSET_SHIFT;

	return (e >> shift) & ((1ULL << SMM_ARM64_SWP_OFFSET_BITS) - 1);
}

/*
 * The swap entry of (@type, @offset) as __swp_entry() writes it in the
 * format's encoding (6.1: type 7:3, offset 57:8; 6.10+: type 10:6,
 * offset 61:12), valid and the other software bits clear. Offset 0 with
 * type 0 would be an empty entry: swap areas never hand out slot 0.
 */
static inline u64 smm_arm64_swp_entry(const struct smm_pt_fmt *f, unsigned int type, u64 offset)
{
	bool v610 = smm_arm64_v610(f);

	return ((u64)(type & ((1U << SMM_ARM64_SWP_TYPE_BITS) - 1)) <<
		(v610 ? SMM_ARM64_V610_SWP_TYPE_SHIFT : SMM_ARM64_V61_SWP_TYPE_SHIFT)) |
	       ((offset & ((1ULL << SMM_ARM64_SWP_OFFSET_BITS) - 1)) <<
		(v610 ? SMM_ARM64_V610_SWP_OFFSET_SHIFT : SMM_ARM64_V61_SWP_OFFSET_SHIFT));
}

/* pte_dirty(): the software dirty bit, or DBM with AP[2] cleared by hardware. */
static inline bool smm_arm64_dirty(u64 e)
{
	return (e & SMM_ARM64_SW_DIRTY) ||
	       ((e & SMM_ARM64_DBM) && !(e & SMM_ARM64_RDONLY));
}

/*
 * What the MMU checks on an EL0 data access to a valid leaf: AP[1], and
 * for a write AP[2] clear, or DBM set (FEAT_HAFDBS then clears AP[2]
 * itself instead of faulting: the hardware half of pte_dirty()).
 */
static inline bool smm_arm64_user_access(u64 e, bool write)
{
	if (!smm_arm64_valid(e) || !(e & SMM_ARM64_USER))
		return false;
	return !write || !(e & SMM_ARM64_RDONLY) || (e & SMM_ARM64_DBM);
}

/*
 * What FEAT_HAFDBS writes back into a leaf it used: AF, and on a write
 * to a DBM (writable-clean) entry AP[2] cleared, which pte_dirty() reads
 * as dirty. PTE_DIRTY (bit 55) is software's and stays as it is.
 */
static inline u64 smm_arm64_hw_update(u64 e, bool write)
{
	e |= SMM_ARM64_AF;
	if (write && (e & SMM_ARM64_DBM))
		e &= ~SMM_ARM64_RDONLY;
	return e;
}

#endif /* _SMM_CORE_PGTABLE_ARM64_H */
