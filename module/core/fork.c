// SPDX-License-Identifier: GPL-2.0
/*
 * Fork of a shadow space and copy-on-write of its anonymous pages, after
 * kernel/fork.c's dup_mmap(), mm/memory.c's copy_page_range() and
 * do_wp_page(), and mm/rmap.c's anon_vma (Documentation/fork.md).
 *
 * The anon rmap: a space that was never forked has no anon_vma and its
 * anonymous pages keep lru.h's one-PTE rmap (the record's space and va),
 * at today's cost. A fork puts parent and child into one family
 * (struct smm_anon_vma, space.h: the kernel's anon_vma with its chain
 * flattened into one list of spaces); a page shared by fork is mapped at
 * the same address in every member that maps it (fork copies addresses,
 * nothing moves pages: no mremap), so its rmap walk is one PTE lookup
 * per member at the record's va, as rmap_walk_anon() looks up each VMA
 * of the anon_vma at the page's linear index. Its mapcount is counted
 * by that walk, not stored: the frame descriptor stays 8 bytes and the
 * LRU record 32. The record names one mapper (its space), the frame's
 * owner tag that mapper's id; when that mapper lets go of a page others
 * still map, record and tag move to another mapper
 * (smm_space_anon_retag()).
 *
 * Shared pages are swapped out as try_to_unmap() does (swap.c: every
 * family PTE gets the entry, the slot counts them), swap entries are
 * shared at fork (swap_duplicate()), a slot's page of the swap cache
 * may be mapped read-only by several members, and migration rewrites
 * every family PTE (migrate.c): Documentation/fork.md.
 *
 * Locking: the spaces' lock (the glue's one mutex) over every call.
 */
#include "space.h"
#include "owner.h"
#include "swap.h"
#include "lru.h"
#include "filemap.h"
#include "pin.h"
#include "mm_internal.h"

/*
 * The PTE of member @m mapping @frame at @va, or NULL. The spaces'
 * lock held.
 */
static u64 *smm_anon_pte(struct smm_space *m, u64 va, u64 frame)
{
	return smm_space_pte_of(m, va, frame);
}

/*
 * folio_mapcount() of the anonymous page @frame at @va of @s: the PTEs
 * of @s's family mapping it (1 without a family if @s maps it). O(family).
 */
u32 smm_anon_mapcount(struct smm_space *s, u64 va, u64 frame)
{
	struct smm_space *m;
	u32 n = 0;

	if (!s->anon_vma)
		return smm_anon_pte(s, va, frame) ? 1 : 0;
	for (m = s->anon_vma->head; m; m = m->av_next)
		n += !!smm_anon_pte(m, va, frame);
	return n;
}

/*
 * The anonymous page @frame at @va of @s has just gained or lost a
 * mapper: its SMM_SHARED_BIT (owner.h; FRAME_GET's shared mark) set to
 * mapcount > 1. Every place a family PTE of an anonymous page is made
 * or dropped while another member maps it calls this (smm_fork_anon()
 * sets the bit itself; the zap of a page others map, which a COW copy's
 * replaced PTE goes through too; a swap-cache hit); smm_anon_check()
 * holds them to it. O(family).
 * The spaces' lock held.
 */
void smm_anon_note_mappers(struct smm_space *s, u64 va, u64 frame)
{
	bool shared = smm_anon_mapcount(s, va, frame) > 1;

	smm_frame_own_bits(s->mm, frame, shared ? SMM_SHARED_BIT : 0,
			   shared ? 0 : SMM_SHARED_BIT);
}

/* A member of @s's family other than @s that maps @frame at @va, or NULL. */
struct smm_space *smm_anon_other_mapper(struct smm_space *s, u64 va, u64 frame)
{
	struct smm_space *m;

	for (m = s->anon_vma ? s->anon_vma->head : NULL; m; m = m->av_next)
		if (m != s && smm_anon_pte(m, va, frame))
			return m;
	return NULL;
}

/*
 * anon_vma_fork(): @child joins @parent's family, which is made when
 * @parent has none. -ENOMEM with nothing changed.
 */
static int smm_anon_vma_fork(struct smm_space *parent, struct smm_space *child)
{
	struct smm_anon_vma *av = parent->anon_vma;

	if (!av) {
		av = smm_zalloc_array(1, sizeof(*av));
		if (!av)
			return -ENOMEM;
		av->head = parent;
		av->nr = 1;
		parent->anon_vma = av;
	}
	child->anon_vma = av;
	child->av_next = av->head;
	av->head = child;
	av->nr++;
	return 0;
}

/*
 * unlink_anon_vmas(): @s (whose pages are all unmapped) leaves its
 * family; the family goes with its last member. A family of one stays
 * until then (the kernel keeps the anon_vma as long as a page or VMA
 * points to it; shadowmm keeps it simple).
 */
void smm_anon_vma_unlink(struct smm_space *s)
{
	struct smm_anon_vma *av = s->anon_vma;
	struct smm_space **pp;

	if (!av)
		return;
	for (pp = &av->head; *pp; pp = &(*pp)->av_next) {
		if (*pp == s) {
			*pp = s->av_next;
			break;
		}
	}
	s->anon_vma = NULL;
	s->av_next = NULL;
	if (!--av->nr)
		smm_free_array(av);
}

/*
 * A PTE @e write-protected (ptep_set_wrprotect()): the page's own
 * protection without write, the accessed state kept. The dirty state
 * is dropped: an anonymous page is written to swap whether it is dirty
 * or not (swap.c), so nothing reads it.
 */
static u64 smm_fork_wrprotect(struct smm_space *s, u64 e, unsigned int prot)
{
	u64 pfn = smm_pte_pfn(s->fmt, SHADOWMM_PT_PTE, e);
	u32 fl = smm_pte_flags(s->fmt, SHADOWMM_PT_PTE, e);
	u64 n = smm_pte_make(s->fmt, SHADOWMM_PT_PTE, pfn,
			     (prot & ~SHADOWMM_PROT_WRITE) | SHADOWMM_PROT_USER, true);

	return (fl & SHADOWMM_PTF_ACCESSED) ? smm_pte_hw_update(s->fmt, n, false) : n;
}

/*
 * copy_present_pte() of the anonymous page @frame at @va: a mapped page
 * of the swap cache leaves it first (its slot goes back, or stays with
 * the family's swap entries that name it: swap.c), then the parent's
 * PTE @ps and the child's empty @cs map it write-protected (the
 * child's old, pte_mkold()). The child's RSS and mapped pages count it,
 * as MM_ANONPAGES counts a shared page in each.
 */
static void smm_fork_anon(struct smm_space *p, struct smm_space *c, const struct smm_vma *v,
			  u64 *ps, u64 *cs, u64 frame)
{
	struct smm_lru_rec *x = smm_lru_rec_of_mut(p->mm, frame);

	if (x && (x->flags & SMM_LRU_F_SWAPCACHE))
		smm_swap_cache_unmap(p, frame, smm_lru_rec_slot(x->flags));
	*ps = smm_fork_wrprotect(p, *ps, v->prot);
	*cs = *ps & ~smm_pte_young_bit(c->fmt);
	c->mapped[0]++;
	c->vm.rss_anon++;
	/* mapped by parent and child now: what smm_anon_note_mappers() would say */
	smm_frame_own_bits(p->mm, frame, SMM_SHARED_BIT, 0);
}

/*
 * copy_present_pte() of a page-cache page: the child's PTE is the
 * parent's, old (private mappings map it read-only already; a shared
 * one keeps its write and dirty state), one more in the child's
 * RssFile; the inode's i_mmap has the child's VMA (smm_vma_dup()).
 */
static void smm_fork_file(struct smm_space *p, struct smm_space *c, u64 *ps, u64 *cs)
{
	*cs = *ps & ~smm_pte_young_bit(p->fmt);
	c->vm.rss_file++;
}

/*
 * copy_pte_range() for the page at @va of VMA @v, whose parent's entry
 * @e is present or a swap entry. Pages of SPACE_MAP inside a VMA are
 * not copied (the kernel copies no VM_PFNMAP-like raw mappings without
 * their own rules; shadowmm's have no fault path to rebuild them).
 */
static int smm_fork_page(struct smm_space *p, struct smm_space *c, const struct smm_vma *v,
			 u64 va, const char **why)
{
	unsigned int level;
	u64 *ps = smm_space_entry(p, va, &level), *cs, frame, ce;
	int ret;

	if (!ps || level != SHADOWMM_PT_PTE || !*ps)
		return 0;	/* a hole, or a huge leaf of SPACE_MAP */
	if (!smm_pte_swap(p->fmt, level, *ps) &&
	    (!smm_space_pte_frame(p, *ps, &frame) ||
	     (!smm_space_page_anon(p, smm_pte_pfn(p->fmt, level, *ps)) &&
	      !smm_frame_is_file(&p->mm->frames[frame]))))
		return 0;	/* SPACE_MAP's page */
	if (!smm_pte_swap(p->fmt, level, *ps) && smm_page_pinned(p->mm, frame))
		return smm_pin_fork_copy(p, c, va, frame, v->prot | SHADOWMM_PROT_USER, why);
	ret = smm_space_pte_alloc_noreclaim(c, va, &cs);
	if (ret) {
		*why = "out of memory for the child's page tables";
		return ret;
	}
	if (smm_pte_swap(p->fmt, level, *ps)) {
		/* copy_nonpresent_pte(): swap_duplicate(), the same slot (swap.h) */
		ret = smm_swap_fork_entry(p, c, *ps, &ce, why);
		if (!ret)
			*cs = ce;
		return ret;
	}
	if (smm_frame_is_file(&p->mm->frames[frame]))
		smm_fork_file(p, c, ps, cs);
	else
		smm_fork_anon(p, c, v, ps, cs, frame);
	return 0;
}

/* copy_page_range() of VMA @v: its mapped pages, holes skipped whole. */
static int smm_fork_vma(struct smm_space *p, struct smm_space *c, const struct smm_vma *v,
			const char **why)
{
	u64 va = v->start, n = 0;
	struct smm_walk w;
	int ret;

	while (va < v->end) {
		if (smm_space_walk(p, va, &w)) {
			*why = "the parent's tables cannot be read";
			return -EFAULT;
		}
		if (w.kind != SHADOWMM_PT_HOLE) {
			ret = smm_fork_page(p, c, v, va, why);
			if (ret)
				return ret;
		}
		va = w.start + w.size > va ? w.start + w.size : va + SMM_PAGE_SIZE;
		if (!(++n % 64))
			smm_cond_resched();
	}
	return 0;
}

/*
 * fork()'s dup_mm(): @child, a new space with id @id in @parent's
 * format, gets a copy of every VMA (smm_vma_dup()) and of every page
 * those map: anonymous pages shared write-protected in both (the
 * family's rmap, above), page-cache pages mapped as in the parent,
 * swap entries shared (swap_duplicate(), swap.h). Pages of
 * SPACE_MAP are not copied. All or nothing: on a failure the child is
 * destroyed whole and the parent's pages are left write-protected
 * (harmless: the next write reuses a page mapped once, do_wp_page()).
 * Returns 0, -ESRCH for a parent the OOM killer killed, -ENOMEM,
 * -EBUSY (a swap slot's count at SWAP_MAP_MAX), with the reason in
 * *@why. The spaces' lock held.
 */
int smm_space_fork(struct smm_space *parent, struct smm_space *child, u32 id, const char **why)
{
	u32 i;
	int ret;

	if (parent->vm.oom_killed) {
		*why = "the space was killed by the OOM killer";
		return -ESRCH;
	}
	ret = smm_space_init_fmt(child, parent->mm, id, parent->fmt);
	if (ret) {
		*why = "not enough free memory for the child's top-level table";
		return ret;
	}
	ret = smm_anon_vma_fork(parent, child);
	if (ret)
		*why = "out of memory for the family's anon_vma";
	if (!ret)
		ret = smm_vma_dup(child, parent, why);
	for (i = 0; !ret && i < parent->vm.nr; i++)
		ret = smm_fork_vma(parent, child, &parent->vm.vma[i], why);
	if (ret)
		smm_space_destroy(child);
	return ret;
}

/*
 * A page mapped once made exclusive (PageAnonExclusive) for a write
 * (wp_page_reuse()) or a pin (gup_must_unshare()): if it is a page of
 * the swap cache whose slot swap entries of the family still name (a
 * shared slot), it leaves the cache, the slot keeping the bytes those
 * entries will read (the page was read-only, so they are the same), so
 * no other mapper's fault maps it again. The kernel copies there
 * (folio_free_swap() fails while the slot is shared); leaving the cache
 * costs no page. The spaces' lock held.
 */
void smm_anon_make_exclusive(struct smm_space *s, u64 frame)
{
	const struct smm_lru_rec *x = smm_lru_rec_of(s->mm, frame);
	u32 slot = x ? smm_lru_rec_slot(x->flags) : 0;

	if (x && (x->flags & SMM_LRU_F_SWAPCACHE) && smm_swap_slot_count(s->mm, slot))
		smm_swap_cache_unmap(s, frame, slot);
}

/*
 * do_wp_page() on an anonymous page: a write to @frame, mapped
 * read-only at @slot (@va) of a writable VMA (@prot). Mapped once
 * (the last mapper, or never shared): wp_page_reuse(), the PTE made
 * writable, young and dirty, no copy. Shared: wp_page_copy(), a new
 * page with the bytes mapped writable in this space only, the old one
 * left to the others (smm_space_cow_anon()). Counted in the space's
 * cow_reuse or cow_faults. Returns 0, or -ENOMEM with nothing changed
 * (the fault's OOM path retries, fault.c).
 */
int smm_do_wp_page(struct smm_space *s, u64 va, u64 *slot, u64 frame, unsigned int prot,
		   const char **why)
{
	int ret;

	if (smm_anon_mapcount(s, va, frame) <= 1) {
		u64 e = smm_pte_make(s->fmt, SHADOWMM_PT_PTE,
				     smm_pte_pfn(s->fmt, SHADOWMM_PT_PTE, *slot), prot, true);

		smm_anon_make_exclusive(s, frame);
		*slot = smm_pte_hw_update(s->fmt, e, true);
		s->vm.cow_reuse++;
		return 0;
	}
	ret = smm_space_cow_anon(s, va, prot, frame);
	if (ret) {
		*why = "out of memory for the copied page (VM_FAULT_OOM)";
		return ret;
	}
	s->vm.cow_faults++;
	return 0;
}

#define smm_anon_bad(fmt, ...)	(snprintf(why, len, fmt, ##__VA_ARGS__), -EUCLEAN)

/*
 * CHECK of @s's anonymous pages against every space of its family:
 * each page's record names @s, or (a forked space) a member of @s's
 * family that maps the page at the same address; a page mapped more
 * than once (the mapcount the walk counts), or a page of the swap
 * cache whose slot swap entries still name, is mapped read-only in
 * every PTE. Walks every mapped page.
 */
int smm_anon_check(struct smm_space *s, char *why, size_t len)
{
	u64 va = 0, n = 0, frame;
	const struct smm_lru_rec *x;
	struct smm_walk w;

	while (va < smm_space_limit(s)) {
		if (smm_space_walk(s, va, &w))
			return smm_anon_bad("space %u: tables unreadable at %#llx", s->id,
					    (unsigned long long)va);
		if (w.kind == SHADOWMM_PT_PAGE && w.size == SMM_PAGE_SIZE &&
		    smm_space_page_anon(s, w.pfn) &&
		    smm_range_pfn_to_idx(s->mm->range, w.pfn, &frame)) {
			x = smm_lru_rec_of(s->mm, frame);
			if (!x || (x->va & ~(SMM_PAGE_SIZE - 1)) != w.start ||
			    (x->space != s && (!s->anon_vma || !x->space ||
					       x->space->anon_vma != s->anon_vma)))
				return smm_anon_bad("space %u: anonymous page at %#llx (frame %llu) has an rmap outside its family",
						    s->id, (unsigned long long)w.start,
						    (unsigned long long)frame);
			if ((w.flags & SHADOWMM_PTF_WRITE) &&
			    smm_anon_mapcount(s, w.start, frame) > 1)
				return smm_anon_bad("space %u: shared anonymous page at %#llx (mapcount %u) mapped writable",
						    s->id, (unsigned long long)w.start,
						    smm_anon_mapcount(s, w.start, frame));
			if ((w.flags & SHADOWMM_PTF_WRITE) && (x->flags & SMM_LRU_F_SWAPCACHE) &&
			    smm_swap_slot_count(s->mm, smm_lru_rec_slot(x->flags)))
				return smm_anon_bad("space %u: page of the swap cache at %#llx mapped writable while %u swap entries name its slot",
						    s->id, (unsigned long long)w.start,
						    smm_swap_slot_count(s->mm, smm_lru_rec_slot(x->flags)));
			if (!!(smm_frame_data(&s->mm->frames[frame]) & SMM_SHARED_BIT) !=
			    (smm_anon_mapcount(s, w.start, frame) > 1))
				return smm_anon_bad("space %u: anonymous page at %#llx (frame %llu, mapcount %u) has its shared mark %s",
						    s->id, (unsigned long long)w.start,
						    (unsigned long long)frame,
						    smm_anon_mapcount(s, w.start, frame),
						    smm_frame_data(&s->mm->frames[frame]) & SMM_SHARED_BIT ?
						    "set" : "clear");
		}
		if (!w.size || w.start + w.size <= va)
			break;
		va = w.start + w.size;
		if (!(++n % 64))
			smm_cond_resched();
	}
	return 0;
}
