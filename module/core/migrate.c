// SPDX-License-Identifier: GPL-2.0
/*
 * Page migration of anonymous pages (migrate.h), after mm/migrate.c of
 * Linux 6.1: migrate_folio_unmap() and move_to_new_folio() folded into
 * one step, since the spaces' lock the caller holds keeps every access
 * to the page out while it moves.
 */
#include "migrate.h"
#include "mm_internal.h"
#include "owner.h"
#include "page_owner.h"
#include "pin.h"
#include "space.h"
#include "swap.h"

#define smm_migrate_count(mm, ev)	WRITE_ONCE((mm)->compact.ev, (mm)->compact.ev + 1)

/* Has frame @idx memory to copy through (its section mapped)? */
static bool smm_migrate_has_mem(const struct smm_mm *mm, u64 idx)
{
	const struct smm_section *sec = smm_range_section_of(mm->range, idx);

	return sec && sec->virt;
}

/* copy_highpage(): both frames mapped for the copy (highmem.c). */
static void smm_migrate_copy(struct smm_mm *mm, u64 frame, u64 target)
{
	const void *src = smm_kmap_local_frame(mm, frame);
	void *dst = smm_kmap_local_frame(mm, target);

	if (!WARN_ON_ONCE(!src || !dst))
		memcpy(dst, src, SMM_PAGE_SIZE);
	smm_kunmap_local_frame(mm, target, dst);
	smm_kunmap_local_frame(mm, frame, src);
}

/* Why the allocated head @f that is not an anonymous page cannot move. */
static const char *smm_migrate_refusal_type(const struct smm_frame *f)
{
	switch (smm_frame_type(f)) {
	case SMM_FRAME_FREE:
	case SMM_FRAME_PCP:
		return "a free page: nothing to move";
	case SMM_FRAME_TAIL:
		return "inside a larger block: only order-0 anonymous pages move";
	case SMM_FRAME_HOLE:
		return "a hole between sections: no memory";
	case SMM_FRAME_SLAB:
		return "a slab page: unmovable";
	case SMM_FRAME_PGTABLE:
		return "a page-table page: unmovable";
	case SMM_FRAME_LRU:
		return "a page of LRU records: unmovable";
	case SMM_FRAME_OFFLINE:
		return "offline: no memory";
	case SMM_FRAME_PAGE:
		if (smm_frame_owner(f) == SMM_OWNER_NETLINK)
			return "a netlink page handle: unmovable (PAGE_ALLOC makes no movable promise)";
		if (smm_frame_owner(f) == SMM_OWNER_FILE)
			return "a page-cache page: file pages do not move yet";
		return "an in-kernel allocation: unmovable";
	default:
		return "a page SPACE_MAP mapped: not anonymous, no reverse map";
	}
}

/*
 * Why the page at @frame cannot be migrated, or NULL when it can: an
 * order-0 anonymous page on an LRU list (a record in use naming this
 * frame, not isolated by a scan). The spaces' lock held.
 */
const char *smm_migrate_refusal(const struct smm_mm *mm, u64 frame)
{
	const struct smm_lru_rec *x;
	struct smm_frame f;

	if (frame >= mm->range->span)
		return "outside the range";
	f = smm_frame_load(&mm->frames[frame]);
	if (smm_frame_type(&f) != SMM_FRAME_SPACE || !(smm_frame_data(&f) & SMM_ANON_BIT))
		return smm_migrate_refusal_type(&f);
	if (smm_frame_order(&f))
		return "a block of several pages: only order-0 anonymous pages move";
	if (smm_page_pinned(mm, frame))
		return "pinned (FOLL_PIN): a page with a pin held does not move";
	x = smm_lru_rec_of(mm, frame);
	if (!x || !(x->flags & SMM_LRU_F_USED) || x->frame != frame)
		return "an anonymous page without its LRU record";
	if (x->flags & SMM_LRU_F_ISOLATED)
		return "isolated by a scan (reclaim or compaction)";
	return NULL;
}

/*
 * The leaf @e with its frame number @from replaced by @to, every other
 * bit kept: the two entries one format makes for the two frames with
 * the same protection differ in the frame's bits only, so their xor
 * swaps exactly those (x86's PFN field, arm64's OA with LPA2's bits).
 */
static u64 smm_pte_move_pfn(const struct smm_pt_fmt *fmt, u64 e, u64 from, u64 to)
{
	u64 a = smm_pte_make(fmt, SHADOWMM_PT_PTE, from, SHADOWMM_PROT_USER, true);
	u64 b = smm_pte_make(fmt, SHADOWMM_PT_PTE, to, SHADOWMM_PROT_USER, true);

	return e ^ a ^ b;
}

/*
 * remove_migration_ptes() without the migration entry, for one PTE: the
 * one of @s at @va, mapping @from, now maps @to with its other bits as
 * they were. -EFAULT when it does not map @from.
 */
static int smm_migrate_remap_one(struct smm_mm *mm, struct smm_space *s, u64 va, u64 from,
				 u64 to, const char **why)
{
	u64 *slot, pfn_from, pfn_to, e, idx;
	unsigned int level;

	slot = s && s->mm == mm ? smm_space_entry(s, va, &level) : NULL;
	if (!slot || level != SHADOWMM_PT_PTE || !smm_pte_leaf(s->fmt, level, *slot) ||
	    !smm_range_pfn_to_idx(mm->range, smm_pte_pfn(s->fmt, level, *slot), &idx) ||
	    idx != from || !smm_range_idx_to_pfn(mm->range, from, &pfn_from) ||
	    !smm_range_idx_to_pfn(mm->range, to, &pfn_to)) {
		*why = "the reverse map does not lead to a PTE mapping the page";
		return -EFAULT;
	}
	e = smm_pte_move_pfn(s->fmt, *slot, pfn_from, pfn_to);
	if (WARN_ON_ONCE(smm_pte_pfn(s->fmt, level, e) != pfn_to)) {
		*why = "the PTE cannot be rewritten to the target";
		return -EFAULT;
	}
	WRITE_ONCE(*slot, e);
	return 0;
}

/*
 * remove_migration_ptes() over the rmap: every PTE that maps @from at
 * the record @x's va, the record's space's (which CHECK says maps it)
 * and, for a page shared after fork, every other member's of its family
 * (rmap_walk_anon(), fork.c), now maps @to. The spaces' lock held, so
 * nothing maps or unmaps the page between the PTEs. -EFAULT when the
 * record's space does not map @from (nothing changed then).
 */
static int smm_migrate_remap(struct smm_mm *mm, const struct smm_lru_rec *x, u64 from, u64 to,
			     const char **why)
{
	struct smm_space *s = x->space, *m;
	int ret = smm_migrate_remap_one(mm, s, x->va, from, to, why);

	for (m = !ret && s->anon_vma ? s->anon_vma->head : NULL; m; m = m->av_next)
		if (m != s && smm_space_pte_of(m, x->va, from))
			smm_migrate_remap_one(mm, m, x->va, from, to, why);
	return ret;
}

/*
 * The old page @frame, now nobody's, back to the buddy as the PAGE it
 * was handed out as (its pcp list if order-0 pages go there).
 */
static void smm_migrate_free_old(struct smm_mm *mm, u64 frame)
{
	unsigned int cpu = smm_cpu_get();

	smm_frame_own(mm, frame, SMM_FRAME_PAGE, smm_owner_data(SMM_OWNER_NONE, 0), cpu);
	smm_free_pages(mm, frame, cpu);
	smm_cpu_put();
}

/* Does the swap cache hold the page at @frame at the slot its record @x names? */
static bool smm_migrate_cached(const struct smm_mm *mm, const struct smm_lru_rec *x, u64 frame)
{
	const struct smm_swap *sw = mm->swap;
	u32 slot = smm_lru_rec_slot(x->flags);

	return sw && slot && slot < sw->slots && sw->cache[slot] == frame + 1;
}

/*
 * migrate_folio() of the isolated anonymous page at @frame to @target,
 * an order-0 PAGE the caller allocated (and still owns on failure): the
 * data copied, the PTE or the swap-cache slot moved to the target, the
 * target's descriptor made the page's (owner, record number), the
 * record's frame changed, the old page freed. The page stays isolated:
 * the caller puts it back (smm_lru_putback_page() on the returned
 * frame). Counts pgmigrate_success or pgmigrate_fail. Returns 0, or
 * -errno with the reason and nothing changed. The spaces' lock held.
 */
int smm_migrate_isolated(struct smm_mm *mm, u64 frame, u64 target, const char **why)
{
	const struct smm_lru_rec *x = smm_lru_rec_of(mm, frame);
	struct smm_frame t = smm_frame_load(&mm->frames[target]);
	unsigned int cpu;
	int ret = -EINVAL;

	if (!x || !(x->flags & SMM_LRU_F_ISOLATED) || x->frame != frame)
		*why = "not an isolated anonymous page";
	else if (smm_frame_type(&t) != SMM_FRAME_PAGE || smm_frame_order(&t) || target == frame)
		*why = "the target is not an order-0 page the caller holds";
	else if (!smm_migrate_has_mem(mm, frame) || !smm_migrate_has_mem(mm, target))
		*why = "the page or the target has no mapping to copy through";
	else if (!x->space && !(x->flags & SMM_LRU_F_SWAPCACHE))
		*why = "an unmapped page outside the swap cache";
	else if ((x->flags & SMM_LRU_F_SWAPCACHE) && !smm_migrate_cached(mm, x, frame))
		*why = "the swap cache does not hold the page at its slot";
	else
		ret = 0;
	if (ret)
		goto fail;
	smm_migrate_copy(mm, frame, target);
	if (x->space)
		ret = smm_migrate_remap(mm, x, frame, target, why);
	if (ret)
		goto fail;
	/* folio_migrate_mapping(): a cached page's slot names the target (checked above) */
	if (x->flags & SMM_LRU_F_SWAPCACHE)
		smm_swap_cache_move(mm, smm_lru_rec_slot(x->flags), frame, target);
	cpu = smm_cpu_get();
	smm_frame_own(mm, target, SMM_FRAME_SPACE, smm_frame_data(&mm->frames[frame]), cpu);
	smm_cpu_put();
	smm_lru_move_isolated(mm, frame, target);
	smm_page_owner_migrate(mm, frame, target, SMM_MR_COMPACTION);
	smm_migrate_free_old(mm, frame);
	smm_migrate_count(mm, pgmigrate_success);
	return 0;
fail:
	smm_migrate_count(mm, pgmigrate_fail);
	return ret;
}

/*
 * Migrate the page at @frame on its own (what move_pages(2) does for
 * one page): refused with the reason when it cannot move, else
 * isolated, moved to an order-0 movable page the buddy gives (any zone
 * the allocator picks, without reclaim), put back on its list. Its new
 * frame in *@to. Returns 0, -EBUSY (refused: unmovable or isolated),
 * -ENOMEM (no target), -EFAULT (a broken rmap), each counted in
 * pgmigrate_fail, with the reason. The spaces' lock held.
 */
int smm_migrate_page(struct smm_mm *mm, u64 frame, u64 *to, const char **why)
{
	unsigned int cpu;
	u64 target;
	int ret;

	*why = smm_migrate_refusal(mm, frame);
	if (*why || !smm_lru_isolate_page(mm, frame)) {
		if (!*why)
			*why = "isolated by a scan (reclaim or compaction)";
		smm_migrate_count(mm, pgmigrate_fail);
		return -EBUSY;
	}
	cpu = smm_cpu_get();
	ret = smm_alloc_pages(mm, 0, SHADOWMM_GFP_MOVABLE, cpu, &target);
	smm_cpu_put();
	if (ret) {
		*why = "no free page to move it to";
		smm_migrate_count(mm, pgmigrate_fail);
		smm_lru_putback_page(mm, frame);
		return -ENOMEM;
	}
	ret = smm_migrate_isolated(mm, frame, target, why);
	if (ret) {
		smm_migrate_free_old(mm, target);
		smm_lru_putback_page(mm, frame);
		return ret;
	}
	smm_page_owner_migrate(mm, target, target, SMM_MR_SYSCALL);	/* the reason only */
	smm_lru_putback_page(mm, target);
	*to = target;
	return 0;
}
