// SPDX-License-Identifier: GPL-2.0
/*
 * The walker, and the decoding of entries into the flags users see.
 *
 * A walk starts at the PGD and goes down while the entry is a present
 * table; it ends on an empty entry (a hole as large as that entry maps),
 * a present or PROT_NONE leaf (a page of that size), a swap entry, or an
 * entry that cannot be followed (a huge bit where x86-64 allows none).
 */
#include "walk.h"

/* What a present entry of @level says, in uapi flags. */
static u32 smm_pte_present_flags(unsigned int level, u64 e)
{
	bool huge_level = level == SHADOWMM_PT_PUD || level == SHADOWMM_PT_PMD;
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
	if (leaf && (e & SMM_PTE_GLOBAL) && smm_pte_present(e))
		f |= SHADOWMM_PTF_GLOBAL;
	if (e & SMM_PTE_NX)
		f |= SHADOWMM_PTF_NX;
	if (leaf && (e & SMM_PTE_SOFT_DIRTY))
		f |= SHADOWMM_PTF_SOFT_DIRTY;
	return f;
}

/*
 * Decode @e, an entry of @level. A PROT_NONE entry keeps the bits of the
 * protection it had (pte_modify() only swaps PRESENT for PROTNONE); a
 * swap entry keeps only soft-dirty, which it moves to bit 1.
 */
u32 smm_pte_flags(unsigned int level, u64 e)
{
	if (smm_pte_present(e))
		return SHADOWMM_PTF_PRESENT | smm_pte_present_flags(level, e);
	if (smm_pte_protnone(e))
		return SHADOWMM_PTF_PROTNONE |
		       (smm_pte_present_flags(level, e) & ~SHADOWMM_PTF_GLOBAL);
	if (e)
		return SHADOWMM_PTF_SWAP | (e & SMM_PTE_RW ? SHADOWMM_PTF_SOFT_DIRTY : 0);
	return 0;
}

/*
 * An entry for the shadow tables: a table entry as Linux writes them
 * (_PAGE_TABLE: present, writable, user, accessed, dirty), or a leaf with
 * @prot's protection. A PROT_NONE leaf stores its frame inverted, as
 * Linux does for every non-present entry.
 */
u64 smm_pte_make(unsigned int level, u64 pfn, unsigned int prot, bool leaf)
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

/* The level below @level: PGD is followed by PUD when P4D is folded. */
static unsigned int smm_pt_next(unsigned int level, unsigned int paging_levels)
{
	if (level == SHADOWMM_PT_PGD && paging_levels == 4)
		return SHADOWMM_PT_PUD;
	return level + 1;
}

static void smm_walk_record(struct smm_walk *w, unsigned int level, unsigned int index,
			    bool folded, u64 e)
{
	struct smm_walk_level *l = &w->lv[w->nr++];

	l->level = level;
	l->index = index;
	l->folded = folded;
	l->entry = e;
	l->flags = smm_pte_flags(level, e);
}

/* Fill in what the last entry @e of @level (with @shift) says about w->va. */
static void smm_walk_finish(struct smm_walk *w, unsigned int level, unsigned int shift, u64 e)
{
	w->size = 1ULL << shift;
	w->start = w->va & ~(w->size - 1);
	w->flags = smm_pte_flags(level, e);
	if (!e) {
		w->kind = SHADOWMM_PT_HOLE;
	} else if (smm_pte_swap(e)) {
		w->kind = SHADOWMM_PT_SWAP;
		w->swap_type = smm_swp_type(e);
		w->swap_offset = smm_swp_offset(e);
	} else if (level == SHADOWMM_PT_PGD || level == SHADOWMM_PT_P4D) {
		w->kind = SHADOWMM_PT_BAD;	/* x86-64 has no huge PGD/P4D */
	} else {
		w->kind = SHADOWMM_PT_PAGE;
		w->pfn = smm_pte_pfn(level, e) + ((w->va - w->start) >> SMM_PAGE_SHIFT);
	}
}

/*
 * Walk @va down from the top through @ops. Every level read is recorded
 * in w->lv[], top first, with a folded P4D after a 4-level PGD. Returns 0
 * (w->kind says what was found) or the backend's error.
 */
int smm_walk_va(const struct smm_walk_ops *ops, void *priv, u64 va, struct smm_walk *w)
{
	unsigned int pl = ops->paging_levels, level = SHADOWMM_PT_PGD, shift;
	u64 parent = 0, e;
	int ret;

	memset(w, 0, sizeof(*w));
	w->va = va;
	if (WARN_ON_ONCE(pl != 4 && pl != 5))
		return -EINVAL;
	for (;;) {
		shift = smm_pt_shift(level, pl);
		ret = ops->read(priv, level, parent, va, &e);
		if (ret)
			return ret;
		smm_walk_record(w, level, smm_pt_index(level, pl, va), false, e);
		if (level == SHADOWMM_PT_PGD && pl == 4)
			smm_walk_record(w, SHADOWMM_PT_P4D, 0, true, e);
		if (smm_pte_leaf(level, e) ||
		    ((level == SHADOWMM_PT_PGD || level == SHADOWMM_PT_P4D) && (e & SMM_PTE_PSE)))
			break;
		parent = e;
		level = smm_pt_next(level, pl);
	}
	smm_walk_finish(w, level, shift, e);
	return 0;
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
