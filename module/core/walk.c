// SPDX-License-Identifier: GPL-2.0
/*
 * The walker, and the decoding of entries into the flags users see.
 *
 * A walk starts at the PGD and goes down while the entry is a present
 * table; it ends on an empty entry (a hole as large as that entry maps),
 * a present or PROT_NONE leaf (a page of that size), a swap entry, or an
 * entry that cannot be followed (a huge bit where x86-64 allows none, a
 * block or reserved descriptor where arm64 allows none). The entries are
 * decoded by the format the walk's ops name (pgtable.h); the formats
 * themselves are defined here.
 */
#include "walk.h"

/* The formats (pgtable.h). */
const struct smm_pt_fmt smm_pt_x86_48 = {
	.name = "x86-64 4-level", .arch = SMM_PT_X86_64, .enc = SMM_PT_ENC_X86,
	.levels = 4, .va_bits = 48, .pa_bits = SMM_PTE_PHYS_BITS,
};
const struct smm_pt_fmt smm_pt_x86_57 = {
	.name = "x86-64 5-level", .arch = SMM_PT_X86_64, .enc = SMM_PT_ENC_X86,
	.levels = 5, .va_bits = 57, .pa_bits = SMM_PTE_PHYS_BITS,
};
const struct smm_pt_fmt smm_pt_arm64_v61_48 = {
	.name = "arm64 48-bit VA (6.1)", .arch = SMM_PT_ARM64, .enc = SMM_PT_ENC_ARM64_V61,
	.levels = 4, .va_bits = 48, .pa_bits = 48,
};
const struct smm_pt_fmt smm_pt_arm64_v61_52 = {
	.name = "arm64 52-bit VA, LPA2 (6.1 encodings)", .arch = SMM_PT_ARM64,
	.enc = SMM_PT_ENC_ARM64_V61, .levels = 5, .va_bits = 52, .pa_bits = 52, .lpa2 = true,
};
const struct smm_pt_fmt smm_pt_arm64_v610_48 = {
	.name = "arm64 48-bit VA (6.10+)", .arch = SMM_PT_ARM64, .enc = SMM_PT_ENC_ARM64_V610,
	.levels = 4, .va_bits = 48, .pa_bits = 48,
};
const struct smm_pt_fmt smm_pt_arm64_v610_52 = {
	.name = "arm64 52-bit VA, LPA2 (6.10+)", .arch = SMM_PT_ARM64,
	.enc = SMM_PT_ENC_ARM64_V610, .levels = 5, .va_bits = 52, .pa_bits = 52, .lpa2 = true,
};

static bool smm_pt_is_arm64(const struct smm_pt_fmt *f)
{
	return f->arch == SMM_PT_ARM64;
}

bool smm_pte_present(const struct smm_pt_fmt *f, u64 e)
{
	return smm_pt_is_arm64(f) ? smm_arm64_valid(e) : smm_x86_present(e);
}

bool smm_pte_protnone(const struct smm_pt_fmt *f, unsigned int level, u64 e)
{
	return smm_pt_is_arm64(f) ? smm_arm64_protnone(f, level, e) : smm_x86_protnone(e);
}

bool smm_pte_swap(const struct smm_pt_fmt *f, unsigned int level, u64 e)
{
	return smm_pt_is_arm64(f) ? smm_arm64_swap(f, level, e) : smm_x86_swap(e);
}

bool smm_pte_leaf(const struct smm_pt_fmt *f, unsigned int level, u64 e)
{
	return smm_pt_is_arm64(f) ? smm_arm64_leaf(level, e) : smm_x86_leaf(level, e);
}

bool smm_pte_bad(const struct smm_pt_fmt *f, unsigned int level, u64 e)
{
	return smm_pt_is_arm64(f) ? smm_arm64_bad(f, level, e) : smm_x86_bad(level, e);
}

u64 smm_pte_pfn(const struct smm_pt_fmt *f, unsigned int level, u64 e)
{
	return smm_pt_is_arm64(f) ? smm_arm64_pfn(f, level, e) : smm_x86_pfn(level, e);
}

unsigned int smm_swp_type(const struct smm_pt_fmt *f, u64 e)
{
	return smm_pt_is_arm64(f) ? smm_arm64_swp_type(f, e) : smm_x86_swp_type(e);
}

u64 smm_swp_offset(const struct smm_pt_fmt *f, u64 e)
{
	return smm_pt_is_arm64(f) ? smm_arm64_swp_offset(f, e) : smm_x86_swp_offset(e);
}

/* A PTE holding the swap entry (@type, @offset), in the format's encoding. */
u64 smm_swp_entry(const struct smm_pt_fmt *f, unsigned int type, u64 offset)
{
	return smm_pt_is_arm64(f) ? smm_arm64_swp_entry(f, type, offset) :
				    smm_x86_swp_entry(type, offset);
}

/* What a present x86-64 entry of @level says, in uapi flags. */
static u32 smm_x86_present_flags(unsigned int level, u64 e)
{
	bool huge_level = smm_x86_huge_level(level);
	bool leaf = level == SHADOWMM_PT_PTE || (huge_level && (e & SMM_PTE_PSE));
	u32 f = 0;

	if (e & SMM_PTE_RW)
		f |= SHADOWMM_PTF_WRITE;
	if (e & SMM_PTE_USER)
		f |= SHADOWMM_PTF_USER;
	if (e & SMM_PTE_PWT)
		f |= SHADOWMM_PTF_PWT;
	if (e & SMM_PTE_PCD)
		f |= SHADOWMM_PTF_PCD;
	if (e & SMM_PTE_ACCESSED)
		f |= SHADOWMM_PTF_ACCESSED;
	if (leaf && (e & SMM_PTE_DIRTY))
		f |= SHADOWMM_PTF_DIRTY;
	if (huge_level && (e & SMM_PTE_PSE))
		f |= SHADOWMM_PTF_HUGE;
	/* G is ignored in table entries; PROT_NONE reuses it when not present */
	if (leaf && (e & SMM_PTE_GLOBAL) && smm_x86_present(e))
		f |= SHADOWMM_PTF_GLOBAL;
	if (e & SMM_PTE_NX)
		f |= SHADOWMM_PTF_NX;
	if (leaf && (e & SMM_PTE_SOFT_DIRTY))
		f |= SHADOWMM_PTF_SOFT_DIRTY;
	return f;
}

/*
 * Decode @e, an x86-64 entry of @level. A PROT_NONE entry keeps the bits
 * of the protection it had (pte_modify() only swaps PRESENT for
 * PROTNONE); a swap entry keeps only soft-dirty, which it moves to bit 1.
 */
static u32 smm_x86_flags(unsigned int level, u64 e)
{
	if (smm_x86_present(e))
		return SHADOWMM_PTF_PRESENT | smm_x86_present_flags(level, e);
	if (smm_x86_protnone(e))
		return SHADOWMM_PTF_PROTNONE |
		       (smm_x86_present_flags(level, e) & ~SHADOWMM_PTF_GLOBAL);
	if (e)
		return SHADOWMM_PTF_SWAP | (e & SMM_PTE_RW ? SHADOWMM_PTF_SOFT_DIRTY : 0);
	return 0;
}

/*
 * An arm64 table descriptor's limits on everything below it: APTable
 * (read-only, no EL0), and XN when both PXNTable and UXNTable are set.
 * Table descriptors have no access flag.
 */
static u32 smm_arm64_table_flags(u64 e)
{
	u32 f = SHADOWMM_PTF_PRESENT;

	if (!(e & SMM_ARM64_AP_TABLE_RDONLY))
		f |= SHADOWMM_PTF_WRITE;
	if (!(e & SMM_ARM64_AP_TABLE_NO_EL0))
		f |= SHADOWMM_PTF_USER;
	if ((e & (SMM_ARM64_PXN_TABLE | SMM_ARM64_UXN_TABLE)) ==
	    (SMM_ARM64_PXN_TABLE | SMM_ARM64_UXN_TABLE))
		f |= SHADOWMM_PTF_NX;
	return f;
}

/*
 * The attributes of an arm64 page or block, valid or kept present by
 * Linux (PROT_NONE, present-invalid), in the uapi's x86 vocabulary:
 *  write:  Linux's pte_write() (DBM, its PTE_WRITE), or AP[2] clear, which
 *          the hardware writes through whatever DBM says;
 *  user:   AP[1], EL0 may read (exec-only user pages have it clear);
 *  accessed: AF; dirty: pte_dirty(), PTE_DIRTY or DBM with AP[2] clear;
 *  global: nG clear, valid entries only (6.10+ reuses nG when invalid);
 *  nx:     nobody may execute it: PXN and UXN both set;
 *  pcd/pwt: the memory type AttrIndx selects in Linux's MAIR: Normal-NC
 *          as x86's UC- (PCD), Device as x86's UC (PCD | PWT);
 *  huge:   a block (levels 1, 2); contiguous, dbm, special: their bits.
 */
static u32 smm_arm64_leaf_flags(unsigned int level, u64 e)
{
	unsigned int attr = (e & SMM_ARM64_ATTRINDX_MASK) >> SMM_ARM64_ATTRINDX_SHIFT;
	u32 f = 0;

	if ((e & SMM_ARM64_DBM) || !(e & SMM_ARM64_RDONLY))
		f |= SHADOWMM_PTF_WRITE;
	if (e & SMM_ARM64_USER)
		f |= SHADOWMM_PTF_USER;
	if (e & SMM_ARM64_AF)
		f |= SHADOWMM_PTF_ACCESSED;
	if (smm_arm64_dirty(e))
		f |= SHADOWMM_PTF_DIRTY;
	if (smm_arm64_valid(e) && !(e & SMM_ARM64_NG))
		f |= SHADOWMM_PTF_GLOBAL;
	if ((e & (SMM_ARM64_PXN | SMM_ARM64_UXN)) == (SMM_ARM64_PXN | SMM_ARM64_UXN))
		f |= SHADOWMM_PTF_NX;
	if (attr == SMM_ARM64_MT_NORMAL_NC)
		f |= SHADOWMM_PTF_PCD;
	if (attr == SMM_ARM64_MT_DEVICE_nGnRnE || attr == SMM_ARM64_MT_DEVICE_nGnRE)
		f |= SHADOWMM_PTF_PCD | SHADOWMM_PTF_PWT;
	if (level != SHADOWMM_PT_PTE)
		f |= SHADOWMM_PTF_HUGE;
	if (e & SMM_ARM64_CONT)
		f |= SHADOWMM_PTF_CONT;
	if (e & SMM_ARM64_DBM)
		f |= SHADOWMM_PTF_DBM;
	if (e & SMM_ARM64_SW_SPECIAL)
		f |= SHADOWMM_PTF_SPECIAL;
	return f;
}

/*
 * Decode @e, an arm64 descriptor of @level. A bad descriptor (reserved
 * type) shows only "present"; a swap entry only "swap" (arm64 has no
 * soft-dirty). A present-invalid huge entry that is not PROT_NONE (a THP
 * being split) shows its attributes with neither present nor protnone.
 */
static u32 smm_arm64_flags(const struct smm_pt_fmt *f, unsigned int level, u64 e)
{
	if (smm_arm64_valid(e)) {
		if (smm_arm64_bad(f, level, e))
			return SHADOWMM_PTF_PRESENT;
		if (!smm_arm64_leaf(level, e))
			return smm_arm64_table_flags(e);
		return SHADOWMM_PTF_PRESENT | smm_arm64_leaf_flags(level, e);
	}
	if (smm_arm64_protnone(f, level, e))
		return SHADOWMM_PTF_PROTNONE | smm_arm64_leaf_flags(level, e);
	if (smm_arm64_present_invalid(f, level, e))
		return smm_arm64_leaf_flags(level, e);
	if (e)
		return SHADOWMM_PTF_SWAP;
	return 0;
}

/* Decode @e, an entry of @level in format @f, into SHADOWMM_PTF_* flags. */
u32 smm_pte_flags(const struct smm_pt_fmt *f, unsigned int level, u64 e)
{
	return smm_pt_is_arm64(f) ? smm_arm64_flags(f, level, e) : smm_x86_flags(level, e);
}

/*
 * An x86-64 entry for the shadow tables: a table entry as Linux writes
 * them (_PAGE_TABLE: present, writable, user, accessed, dirty), or a leaf
 * with @prot's protection. A PROT_NONE leaf stores its frame inverted, as
 * Linux does for every non-present entry.
 */
static u64 smm_x86_make(unsigned int level, u64 pfn, unsigned int prot, bool leaf)
{
	u64 e, addr = pfn << SMM_PAGE_SHIFT;

	if (!leaf)
		return (addr & SMM_PTE_PFN_MASK) | SMM_PTE_PRESENT | SMM_PTE_RW | SMM_PTE_USER |
		       SMM_PTE_ACCESSED | SMM_PTE_DIRTY;
	e = prot & SHADOWMM_PROT_NONE ? SMM_PTE_PROTNONE : SMM_PTE_PRESENT;
	if (prot & SHADOWMM_PROT_WRITE)
		e |= SMM_PTE_RW;
	if (prot & SHADOWMM_PROT_USER)
		e |= SMM_PTE_USER;
	if ((prot & SHADOWMM_PROT_GLOBAL) && !(prot & SHADOWMM_PROT_NONE))
		e |= SMM_PTE_GLOBAL;
	if (!(prot & SHADOWMM_PROT_EXEC))
		e |= SMM_PTE_NX;
	if (level != SHADOWMM_PT_PTE)
		e |= SMM_PTE_PSE;
	if (prot & SHADOWMM_PROT_NONE)
		addr = ~addr;
	return e | (addr & SMM_PTE_PFN_MASK);
}

/* The output address bits of @pfn: 47:12, or 49:12 and 9:8 with LPA2. */
static u64 smm_arm64_oa(const struct smm_pt_fmt *f, u64 pfn)
{
	u64 pa = pfn << SMM_PAGE_SHIFT;

	if (!f->lpa2)
		return pa & SMM_ARM64_OA_LOW_48;
	return (pa & SMM_ARM64_OA_LOW_50) | ((pa >> SMM_ARM64_OA_HIGH_SHIFT) & SMM_ARM64_OA_HIGH);
}

/*
 * The bits of @e other than its output address, and its frame in *@pfn.
 * Flags and kind never depend on the address bits, so two present leaves
 * of one level with the same such bits decode alike: the leaves walk
 * decodes a table's run of like entries once (walk_runs.c).
 */
u64 smm_pte_attrs(const struct smm_pt_fmt *f, unsigned int level, u64 e, u64 *pfn)
{
	*pfn = smm_pte_pfn(f, level, e);
	if (smm_pt_is_arm64(f))
		return e ^ smm_arm64_oa(f, *pfn);
	return e ^ ((*pfn << SMM_PAGE_SHIFT) & SMM_PTE_PFN_MASK);
}

/*
 * An arm64 descriptor for the shadow tables, as Linux writes them: a
 * table descriptor (type 11, no limits), or a page/block with @prot's
 * protection on _PAGE_DEFAULT (AF, inner shareable unless LPA2, Normal
 * memory): writable as clean-writable (DBM with AP[2] set, Linux's
 * _PAGE_SHARED), nG unless global, PXN and UXN unless executable (then
 * the one of the other privilege). PROT_NONE is PAGE_NONE of the format's
 * kernel: the protection is replaced, as pte_modify() does.
 */
static u64 smm_arm64_make(const struct smm_pt_fmt *f, unsigned int level, u64 pfn,
			  unsigned int prot, bool leaf)
{
	u64 e = smm_arm64_oa(f, pfn);

	if (!leaf)
		return e | SMM_ARM64_TYPE_TABLE;
	e |= level == SHADOWMM_PT_PTE ? SMM_ARM64_TYPE_PAGE : SMM_ARM64_TYPE_BLOCK;
	e |= SMM_ARM64_AF | (f->lpa2 ? 0 : SMM_ARM64_SHARED);
	if (prot & SHADOWMM_PROT_NONE) {
		e &= ~SMM_ARM64_VALID;
		e |= SMM_ARM64_RDONLY | SMM_ARM64_NG | SMM_ARM64_PXN | SMM_ARM64_UXN;
		if (!smm_arm64_v610(f))
			e |= SMM_ARM64_V61_PROT_NONE;
		return e;
	}
	e |= SMM_ARM64_RDONLY;
	if (prot & SHADOWMM_PROT_WRITE)
		e |= SMM_ARM64_DBM;
	if (prot & SHADOWMM_PROT_USER)
		e |= SMM_ARM64_USER;
	if (!(prot & SHADOWMM_PROT_GLOBAL))
		e |= SMM_ARM64_NG;
	if (!(prot & SHADOWMM_PROT_EXEC))
		e |= SMM_ARM64_PXN | SMM_ARM64_UXN;
	else
		e |= prot & SHADOWMM_PROT_USER ? SMM_ARM64_PXN : SMM_ARM64_UXN;
	return e;
}

/* An entry of @level in format @f: a table pointing to @pfn, or a leaf mapping it. */
u64 smm_pte_make(const struct smm_pt_fmt *f, unsigned int level, u64 pfn, unsigned int prot,
		 bool leaf)
{
	if (smm_pt_is_arm64(f))
		return smm_arm64_make(f, level, pfn, prot, leaf);
	return smm_x86_make(level, pfn, prot, leaf);
}

bool smm_pte_user_access(const struct smm_pt_fmt *f, u64 e, bool write)
{
	return smm_pt_is_arm64(f) ? smm_arm64_user_access(e, write) : smm_x86_user_access(e, write);
}

u64 smm_pte_hw_update(const struct smm_pt_fmt *f, u64 e, bool write)
{
	return smm_pt_is_arm64(f) ? smm_arm64_hw_update(e, write) : smm_x86_hw_update(e, write);
}

static void smm_walk_record(struct smm_walk *w, const struct smm_pt_fmt *f, unsigned int level,
			    unsigned int index, bool folded, u64 e)
{
	struct smm_walk_level *l = &w->lv[w->nr++];

	l->level = level;
	l->index = index;
	l->folded = folded;
	l->entry = e;
	l->flags = smm_pte_flags(f, level, e);
}

/*
 * The A/D bits of an arm64 contiguous range, as ptep_get() (6.9+, contpte)
 * and huge_ptep_get() return them: the hardware sets AF and clears AP[2]
 * in whichever of the 16 entries the TLB entry came from, so the range is
 * young (dirty) if any member is. Members are the valid entries with the
 * contiguous bit in the 16-aligned group around @va's entry; others
 * (which Linux never leaves in a range) do not count. Reads through the
 * backend like the walk; returns @e with AF and PTE_DIRTY added, or the
 * backend's error in *@ret.
 */
static u64 smm_walk_cont_gather(const struct smm_walk_ops *ops, void *priv, unsigned int level,
				u64 parent, u64 va, u64 e, int *ret)
{
	const struct smm_pt_fmt *f = ops->fmt;
	unsigned int shift = smm_pt_shift(f, level), i;
	u64 base = va & ~(((u64)SMM_ARM64_CONT_ENTRIES << shift) - 1);

	*ret = 0;
	for (i = 0; i < SMM_ARM64_CONT_ENTRIES; i++) {
		u64 x, addr = base + ((u64)i << shift);

		if (addr >> shift == va >> shift)
			continue;
		*ret = ops->read(priv, level, parent, addr, &x);
		if (*ret)
			return e;
		if (!smm_arm64_valid(x) || !(x & SMM_ARM64_CONT))
			continue;
		if (x & SMM_ARM64_AF)
			e |= SMM_ARM64_AF;
		if (smm_arm64_dirty(x))
			e |= SMM_ARM64_SW_DIRTY;
	}
	return e;
}

/* Fill in what the last entry @e of @level (with @shift) says about w->va. */
static void smm_walk_finish(struct smm_walk *w, const struct smm_pt_fmt *f, unsigned int level,
			    unsigned int shift, u64 e)
{
	w->size = 1ULL << shift;
	w->start = w->va & ~(w->size - 1);
	w->flags = smm_pte_flags(f, level, e);
	if (!e) {
		w->kind = SHADOWMM_PT_HOLE;
	} else if (smm_pte_swap(f, level, e)) {
		w->kind = SHADOWMM_PT_SWAP;
		w->swap_type = smm_swp_type(f, e);
		w->swap_offset = smm_swp_offset(f, e);
	} else if (smm_pte_bad(f, level, e)) {
		w->kind = SHADOWMM_PT_BAD;
	} else {
		w->kind = SHADOWMM_PT_PAGE;
		w->pfn = smm_pte_pfn(f, level, e) + ((w->va - w->start) >> SMM_PAGE_SHIFT);
	}
}

/*
 * What the leaf @e of @level (read below @parent) says about w->va: the
 * end of every walk, the full one (smm_walk_va()) and the leaves walk's
 * next entry of the same table (walk_runs.c). On arm64 a valid
 * contiguous PTE or PMD leaf reports the A/D bits of its whole range.
 * Returns 0 or the backend's error.
 */
int smm_walk_leaf(const struct smm_walk_ops *ops, void *priv, unsigned int level, u64 parent,
		  u64 e, struct smm_walk *w)
{
	const struct smm_pt_fmt *f = ops->fmt;
	u64 gathered;
	int ret;

	smm_walk_finish(w, f, level, smm_pt_shift(f, level), e);
	if (smm_pt_is_arm64(f) && w->kind == SHADOWMM_PT_PAGE && smm_arm64_valid(e) &&
	    (e & SMM_ARM64_CONT) && (level == SHADOWMM_PT_PTE || level == SHADOWMM_PT_PMD)) {
		gathered = smm_walk_cont_gather(ops, priv, level, parent, w->va, e, &ret);
		if (ret)
			return ret;
		w->flags = smm_pte_flags(f, level, gathered);
	}
	return 0;
}

/*
 * Walk @va down from the top through @ops, in the format ops->fmt. Every
 * level read is recorded in w->lv[], top first, with a folded P4D after a
 * 4-level PGD. On arm64 a valid contiguous PTE or PMD leaf reports the
 * A/D bits of its whole range in its flags (lv[] keeps the raw entry).
 * Returns 0 (w->kind says what was found) or the backend's error.
 */
int smm_walk_va(const struct smm_walk_ops *ops, void *priv, u64 va, struct smm_walk *w)
{
	const struct smm_pt_fmt *f = ops->fmt;
	unsigned int level = SHADOWMM_PT_PGD;
	u64 parent = 0, e;
	int ret;

	memset(w, 0, sizeof(*w));
	w->va = va;
	if (WARN_ON_ONCE(!f || (f->levels != 4 && f->levels != 5)))
		return -EINVAL;
	for (;;) {
		ret = ops->read(priv, level, parent, va, &e);
		if (ret)
			return ret;
		smm_walk_record(w, f, level, smm_pt_index(f, level, va), false, e);
		if (level == SHADOWMM_PT_PGD && f->levels == 4)
			smm_walk_record(w, f, SHADOWMM_PT_P4D, 0, true, e);
		if (smm_pte_leaf(f, level, e))
			break;
		parent = e;
		level = smm_pt_next(f, level);
	}
	ret = smm_walk_leaf(ops, priv, level, parent, e, w);
	w->lv[w->nr - 1].flags = w->flags;	/* an arm64 range's A/D bits */
	return ret;
}

/*
 * A process's address that no VMA covers: a hole from @va to @end (the
 * next VMA, or the end of the user half) that the backend reports without
 * reading a table, since nothing keeps the tables there (see pt_real.c).
 * No levels are recorded.
 */
void smm_walk_no_vma(struct smm_walk *w, u64 va, u64 end)
{
	memset(w, 0, sizeof(*w));
	w->va = va;
	w->start = va;
	w->size = end - va;
	w->kind = SHADOWMM_PT_HOLE;
	w->no_vma = true;
}
