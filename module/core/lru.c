// SPDX-License-Identifier: GPL-2.0
/*
 * LRU lists, the reverse map and aging of anonymous pages (lru.h), after
 * Linux 6.1's mm/vmscan.c (shrink_active_list(), shrink_inactive_list(),
 * shrink_folio_list()'s folio_check_references(), isolate_lru_folios(),
 * inactive_is_low(), move_folios_to_lru()), mm/swap.c
 * (lru_cache_add_inactive_or_unevictable()) and mm/rmap.c
 * (folio_referenced()).
 *
 * Lock order (outermost first):
 *   the glue's space mutex (smm_space_lock)   every caller of this file
 *     smm_lruvec.lock (lru_lock)              one zone's lists and counts
 *     smm_lru_pool.lock                       the free records, a leaf
 * The buddy's pcp and zone locks are taken by the pool's page allocations
 * and frees, which run with no lru_lock or pool lock held: the space
 * mutex nests them, nothing here does. A record's fields other than its
 * links are written by whoever holds the space mutex; the links and
 * flags of a record on a list under its zone's lru_lock.
 *
 * The lists and the pool are set up on the first record (smm_lru_ready):
 * an mm that never faults a page costs nothing, and smm_mm_init() stays
 * as it is. Links are record numbers from 1; 0 (SMM_LRU_NIL) ends a
 * list, so a zeroed lruvec is a valid empty one. The pool's directory
 * lives while the pool has pages: it goes with the last one.
 */
#include "space.h"
#include "owner.h"
#include "lru.h"
#include "swap.h"
#include "filemap.h"
#include "mm_internal.h"

const char *const smm_lru_zone_names[SMM_NR_LRU_LISTS] = {
	"nr_zone_inactive_anon", "nr_zone_active_anon", "nr_zone_inactive_file",
	"nr_zone_active_file", "nr_zone_unevictable",
};

/* The end of a list: record numbers start at 1, so zeroed lists are empty. */
#define SMM_LRU_NIL	0U

/*
 * The LRU record number an LRU page's descriptor holds: an anonymous
 * page's (owner.h), a page-cache page's tag; 0 for any other frame.
 */
static u32 smm_lru_rec_nr(const struct smm_frame *f)
{
	if (smm_frame_type(f) == SMM_FRAME_SPACE && (smm_frame_data(f) & SMM_ANON_BIT))
		return smm_anon_rec(f);
	if (smm_frame_is_file(f))
		return smm_frame_tag(f);
	return 0;
}

/* The isolated count of the lists @flags's list belongs to (anon or file). */
static u64 *smm_lru_isolated(struct smm_lruvec *v, u32 flags)
{
	return smm_lru_is_file(flags) ? &v->nr_isolated_file : &v->nr_isolated_anon;
}

/* Record number @r (from 1), in its pool page. */
struct smm_lru_rec *smm_lru_rec_at(const struct smm_mm *mm, u32 r)
{
	const struct smm_lru_pool *p = &mm->lru_pool;
	u32 n = (r - 1) / SMM_LRU_RECS_PER_PAGE;
	const struct smm_section *sec;
	u32 frame;

	if (WARN_ON_ONCE(!r || n >= p->dir_cap || p->dir[n] == SMM_LRU_NONE))
		return NULL;
	frame = p->dir[n];
	sec = smm_range_section_of(mm->range, frame);
	if (WARN_ON_ONCE(!sec || !sec->virt))
		return NULL;
	return (struct smm_lru_rec *)((char *)sec->virt + ((frame - sec->start) << SMM_PAGE_SHIFT)) +
	       (r - 1) % SMM_LRU_RECS_PER_PAGE;
}

/*
 * The directory and the locks, once: a directory slot per possible pool
 * page (span / SMM_LRU_RECS_PER_PAGE + 1: there are never more records
 * than frames). Called under the space mutex. Freed by smm_lru_destroy()
 * or when the last pool page goes.
 */
static int smm_lru_setup(struct smm_mm *mm)
{
	struct smm_lru_pool *p = &mm->lru_pool;
	u32 cap = mm->range->span / SMM_LRU_RECS_PER_PAGE + 1, i;
	unsigned int z;

	if (p->dir)
		return 0;
	if (!mm->lru_ready) {
		smm_lock_init(&p->lock);
		for (z = 0; z < SMM_NR_ZONES; z++)
			smm_lock_init(&mm->zones[z].lruvec.lock);
		mm->lru_ready = true;
	}
	p->dir = smm_zalloc_array(cap, sizeof(*p->dir));
	p->used = smm_zalloc_array(cap, sizeof(*p->used));
	if (!p->dir || !p->used) {
		smm_free_array(p->dir);
		smm_free_array(p->used);
		p->dir = NULL;
		p->used = NULL;
		return -ENOMEM;
	}
	for (i = 0; i < cap; i++)
		p->dir[i] = SMM_LRU_NONE;
	p->dir_cap = cap;
	return 0;
}

/* The directory, once no record is left. */
void smm_lru_destroy(struct smm_mm *mm)
{
	struct smm_lru_pool *p = &mm->lru_pool;

	WARN_ON_ONCE(p->pages || p->recs);
	smm_free_array(p->dir);
	smm_free_array(p->used);
	p->dir = NULL;
	p->used = NULL;
	p->dir_cap = 0;
}

/*
 * Free record @r onto the pool's free list (its prev/next are the free
 * list's links while it is free), pool lock held.
 */
static void smm_pool_push(struct smm_mm *mm, u32 r, struct smm_lru_rec *rec)
{
	struct smm_lru_pool *p = &mm->lru_pool;

	rec->flags = 0;
	rec->space = NULL;
	rec->prev = SMM_LRU_NIL;
	rec->next = p->free_head;
	if (p->free_head)
		smm_lru_rec_at(mm, p->free_head)->prev = r;
	p->free_head = r;
}

/* A free record off the pool's free list, pool lock held. */
static void smm_pool_unlink(struct smm_mm *mm, struct smm_lru_rec *rec)
{
	struct smm_lru_pool *p = &mm->lru_pool;

	if (rec->prev)
		smm_lru_rec_at(mm, rec->prev)->next = rec->next;
	else
		p->free_head = rec->next;
	if (rec->next)
		smm_lru_rec_at(mm, rec->next)->prev = rec->prev;
}

/*
 * Pool page @idx back to the buddy, out of the directory already; the
 * directory goes with the last page. No lock held: the buddy takes its own.
 */
static void smm_pool_page_free(struct smm_mm *mm, u64 idx)
{
	unsigned int cpu = smm_cpu_get();

	smm_frame_own(mm, idx, SMM_FRAME_PAGE, smm_owner_data(SMM_OWNER_NONE, 0), cpu);
	smm_free_pages(mm, idx, cpu);
	smm_cpu_put();
	if (!mm->lru_pool.pages)
		smm_lru_destroy(mm);
}

/*
 * A new pool page from the buddy (unmovable, as page tables are), typed
 * SMM_FRAME_LRU, its records pushed on the free list. No lock held on
 * entry: the buddy takes its own. The page is taken before its
 * directory slot is chosen: a direct reclaim on the way (@gfp) frees
 * records and may give pool pages back, the directory with the last
 * (it is made again then).
 */
static int smm_pool_grow(struct smm_mm *mm, unsigned int gfp)
{
	struct smm_lru_pool *p = &mm->lru_pool;
	unsigned int cpu;
	u32 n, i;
	u64 idx;
	int ret;

	ret = smm_alloc_pages_reclaim(mm, 0, SHADOWMM_GFP_ZERO | gfp, &cpu, &idx);
	if (ret) {
		p->grow_fail++;
		return ret;
	}
	smm_frame_own(mm, idx, SMM_FRAME_LRU, smm_owner_data(SMM_OWNER_NONE, 0), cpu);
	smm_cpu_put();
	ret = smm_lru_setup(mm);
	for (n = 0; !ret && n < p->dir_cap && p->dir[n] != SMM_LRU_NONE; n++)
		;
	if (ret || WARN_ON_ONCE(n == p->dir_cap)) {
		smm_pool_page_free(mm, idx);
		return -ENOMEM;
	}
	smm_lock(&p->lock);
	p->dir[n] = idx;
	p->used[n] = 0;
	p->pages++;
	for (i = SMM_LRU_RECS_PER_PAGE; i > 0; i--) {
		u32 r = n * SMM_LRU_RECS_PER_PAGE + i;

		smm_pool_push(mm, r, smm_lru_rec_at(mm, r));
	}
	smm_unlock(&p->lock);
	return 0;
}

/*
 * A free record for a page about to be faulted in, its number in *@rec.
 * Grows the pool by a page when none is free; -ENOMEM when the buddy
 * has none, with nothing changed. @gfp: 0, or SMM_GFP_DIRECT_RECLAIM
 * for a fault that may reclaim to grow the pool. Under the space mutex.
 */
int smm_lru_rec_alloc(struct smm_mm *mm, unsigned int gfp, u32 *rec)
{
	struct smm_lru_pool *p = &mm->lru_pool;
	struct smm_lru_rec *x;
	int ret;

	ret = smm_lru_setup(mm);
	if (!ret && !p->free_head)
		ret = smm_pool_grow(mm, gfp);
	if (ret) {
		/* the directory goes with the last pool page, or with none */
		if (!p->pages)
			smm_lru_destroy(mm);
		return ret;
	}
	smm_lock(&p->lock);
	*rec = p->free_head;
	x = smm_lru_rec_at(mm, *rec);
	smm_pool_unlink(mm, x);
	memset(x, 0, sizeof(*x));
	x->flags = SMM_LRU_F_USED;
	p->used[(*rec - 1) / SMM_LRU_RECS_PER_PAGE]++;
	p->recs++;
	smm_unlock(&p->lock);
	return 0;
}

/*
 * Record @r back to the pool; its page goes back to the buddy with its
 * last record (its records leave the free list first).
 */
void smm_lru_rec_free(struct smm_mm *mm, u32 r)
{
	struct smm_lru_pool *p = &mm->lru_pool;
	u32 n = (r - 1) / SMM_LRU_RECS_PER_PAGE, i;
	struct smm_lru_rec *x = smm_lru_rec_at(mm, r);
	u64 idx;

	if (!x)
		return;
	smm_lock(&p->lock);
	smm_pool_push(mm, r, x);
	p->recs--;
	if (--p->used[n]) {
		smm_unlock(&p->lock);
		return;
	}
	for (i = 1; i <= SMM_LRU_RECS_PER_PAGE; i++)
		smm_pool_unlink(mm, smm_lru_rec_at(mm, n * SMM_LRU_RECS_PER_PAGE + i));
	idx = p->dir[n];
	p->dir[n] = SMM_LRU_NONE;
	p->pages--;
	smm_unlock(&p->lock);
	smm_pool_page_free(mm, idx);
}

/* list_add(): @r at the head (newest end) of @lru, lru_lock held. */
static void smm_lru_link(struct smm_mm *mm, struct smm_lruvec *v, u32 r,
			 struct smm_lru_rec *x, unsigned int lru)
{
	x->prev = SMM_LRU_NIL;
	x->next = v->head[lru];
	if (v->head[lru])
		smm_lru_rec_at(mm, v->head[lru])->prev = r;
	else
		v->tail[lru] = r;
	v->head[lru] = r;
	x->flags = (x->flags & ~SMM_LRU_F_LIST) | lru;
	WRITE_ONCE(v->nr[lru], v->nr[lru] + 1);
}

/* list_del(): @x off its list, lru_lock held. */
static void smm_lru_unlink(struct smm_mm *mm, struct smm_lruvec *v, struct smm_lru_rec *x)
{
	unsigned int lru = x->flags & SMM_LRU_F_LIST;

	if (x->prev)
		smm_lru_rec_at(mm, x->prev)->next = x->next;
	else
		v->head[lru] = x->next;
	if (x->next)
		smm_lru_rec_at(mm, x->next)->prev = x->prev;
	else
		v->tail[lru] = x->prev;
	x->prev = x->next = SMM_LRU_NIL;
	WRITE_ONCE(v->nr[lru], v->nr[lru] - 1);
}

/*
 * lru_cache_add_inactive_or_unevictable(): a page just faulted in, mapped
 * at @va of @s, goes to the head of its zone's inactive anon list (the
 * 5.9+ rule: new anonymous pages start inactive, and must prove
 * themselves by a second reference). Nothing is unevictable (no mlock).
 * The kernel batches these adds per CPU (lru_add pagevecs); here each
 * goes to the list at once.
 */
void smm_lru_add_new(struct smm_mm *mm, u32 r, struct smm_space *s, u64 va, u64 frame)
{
	struct smm_lruvec *v = &mm->zones[smm_zone_of(mm, frame)].lruvec;
	struct smm_lru_rec *x = smm_lru_rec_at(mm, r);

	if (!x)
		return;
	x->frame = frame;
	x->space = s;
	x->va = va;
	smm_lock(&v->lock);
	smm_lru_link(mm, v, r, x, SMM_LRU_INACTIVE_ANON);
	smm_unlock(&v->lock);
}

/*
 * A page read ahead into the swap cache for @slot (swap.c): unmapped, so
 * its record names no space (the rmap of an unmapped swap-cache page is
 * its slot), flagged PG_swapcache and PG_readahead, at the head of its
 * zone's inactive anon list as add_to_swap_cache()'s caller puts it.
 */
void smm_lru_add_cached(struct smm_mm *mm, u32 r, u64 frame, u32 slot)
{
	struct smm_lruvec *v = &mm->zones[smm_zone_of(mm, frame)].lruvec;
	struct smm_lru_rec *x = smm_lru_rec_at(mm, r);

	if (!x)
		return;
	x->frame = frame;
	x->space = NULL;
	x->va = 0;
	x->flags |= SMM_LRU_F_SWAPCACHE | SMM_LRU_F_READAHEAD | slot << SMM_LRU_SLOT_SHIFT;
	smm_lock(&v->lock);
	smm_lru_link(mm, v, r, x, SMM_LRU_INACTIVE_ANON);
	smm_unlock(&v->lock);
}

/*
 * folio_add_lru() of a page just added to the page cache
 * (filemap_add_folio()): the head of its zone's inactive file list, or
 * of the active one when workingset_refault() activated it (@active,
 * with PG_workingset if @workingset: restored), its rmap the inode and
 * the page index. Not yet referenced: the read that brought it in marks
 * it accessed (smm_folio_mark_accessed()).
 */
void smm_lru_add_file(struct smm_mm *mm, u32 r, struct smm_inode *ino, u64 index, u64 frame,
		      bool active, bool workingset)
{
	struct smm_lruvec *v = &mm->zones[smm_zone_of(mm, frame)].lruvec;
	struct smm_lru_rec *x = smm_lru_rec_at(mm, r);

	if (!x)
		return;
	x->frame = frame;
	x->inode = ino;
	x->va = index;
	if (workingset)
		x->flags |= SMM_LRU_F_WORKINGSET;
	smm_lock(&v->lock);
	smm_lru_link(mm, v, r, x, active ? SMM_LRU_ACTIVE_FILE : SMM_LRU_INACTIVE_FILE);
	smm_unlock(&v->lock);
}

/*
 * folio_mark_accessed() of 6.1 mm/swap.c (without MGLRU) for a page-cache
 * page a read used: not referenced -> PG_referenced; referenced and
 * inactive -> to the active list's head (folio_activate(), pgactivate)
 * with PG_referenced cleared, the nonresident age + 1
 * (workingset_activation()); active and referenced: nothing. So a page
 * read twice (by two reads, filemap_read() marks once per read) goes
 * active. A page isolated by a scan is not moved (the kernel's
 * folio_activate() skips folios off the LRU); no scan runs here, the
 * spaces' lock held.
 */
void smm_folio_mark_accessed(struct smm_mm *mm, u64 frame)
{
	struct smm_lruvec *v = &mm->zones[smm_zone_of(mm, frame)].lruvec;
	struct smm_lru_rec *x = smm_lru_rec_of_mut(mm, frame);
	u32 r;

	if (WARN_ON_ONCE(!x || !smm_lru_is_file(x->flags)))
		return;
	if (!(x->flags & SMM_LRU_F_REFERENCED)) {
		x->flags |= SMM_LRU_F_REFERENCED;
		return;
	}
	if ((x->flags & SMM_LRU_F_LIST) == SMM_LRU_ACTIVE_FILE || (x->flags & SMM_LRU_F_ISOLATED))
		return;
	r = smm_lru_rec_nr(&mm->frames[frame]);
	smm_lock(&v->lock);
	smm_lru_unlink(mm, v, x);
	smm_lru_link(mm, v, r, x, SMM_LRU_ACTIVE_FILE);
	x->flags &= ~SMM_LRU_F_REFERENCED;
	smm_unlock(&v->lock);
	WRITE_ONCE(mm->lru_events.pgactivate, mm->lru_events.pgactivate + 1);
	smm_workingset_age(mm, 1);
}

/*
 * workingset_refault()'s folio_set_active() for an anonymous page just
 * read from its swap slot (swap.c), already on the inactive anon list:
 * moved to the active one's head (no pgactivate: the kernel sets the
 * folio active before it reaches the LRU). A page a scan holds, or not
 * on the inactive anon list, is left where it is.
 */
void smm_lru_activate_new(struct smm_mm *mm, u64 frame)
{
	struct smm_lruvec *v = &mm->zones[smm_zone_of(mm, frame)].lruvec;
	struct smm_lru_rec *x = smm_lru_rec_of_mut(mm, frame);

	if (!x || (x->flags & SMM_LRU_F_ISOLATED) ||
	    (x->flags & SMM_LRU_F_LIST) != SMM_LRU_INACTIVE_ANON)
		return;
	smm_lock(&v->lock);
	smm_lru_unlink(mm, v, x);
	smm_lru_link(mm, v, smm_lru_rec_nr(&mm->frames[frame]), x, SMM_LRU_ACTIVE_ANON);
	smm_unlock(&v->lock);
}

/*
 * The page cache's flags of a file page's record (PG_readahead,
 * SMM_LRU_F_FILE_RA): @set and @clear applied under the lru_lock, the
 * flags before returned (0 for a frame that is not a file page).
 */
u32 smm_lru_file_flags(struct smm_mm *mm, u64 frame, u32 set, u32 clear)
{
	struct smm_lruvec *v = &mm->zones[smm_zone_of(mm, frame)].lruvec;
	struct smm_lru_rec *x = smm_lru_rec_of_mut(mm, frame);
	u32 old;

	if (WARN_ON_ONCE(!x || !smm_lru_is_file(x->flags) ||
			 ((set | clear) & ~(SMM_LRU_F_READAHEAD | SMM_LRU_F_FILE_RA | SMM_LRU_F_DIRTY))))
		return 0;
	smm_lock(&v->lock);
	old = x->flags;
	x->flags = (old & ~clear) | set;
	smm_unlock(&v->lock);
	/* PG_dirty mirrored in the head for FRAME_GET's lockless marks (owner.h) */
	if ((old ^ x->flags) & SMM_LRU_F_DIRTY)
		smm_frame_own_bits(mm, frame, (x->flags & SMM_LRU_F_DIRTY) ? SMM_DIRTY_BIT : 0,
				   (x->flags & SMM_LRU_F_DIRTY) ? 0 : SMM_DIRTY_BIT);
	return old;
}

/*
 * The page at @frame leaves the LRU as it is freed (space.c's one free
 * path of anonymous pages): off its list, or, if a scan holds it
 * isolated, out of the isolated count; its record back to the pool.
 */
void smm_lru_del(struct smm_mm *mm, u64 frame)
{
	struct smm_lruvec *v = &mm->zones[smm_zone_of(mm, frame)].lruvec;
	u32 r = smm_lru_rec_nr(&mm->frames[frame]);
	struct smm_lru_rec *x = smm_lru_rec_at(mm, r);

	if (!x || WARN_ON_ONCE(!(x->flags & SMM_LRU_F_USED) || x->frame != frame))
		return;
	smm_lock(&v->lock);
	if (x->flags & SMM_LRU_F_ISOLATED) {
		u64 *iso = smm_lru_isolated(v, x->flags);

		WRITE_ONCE(*iso, *iso - 1);
	} else
		smm_lru_unlink(mm, v, x);
	smm_unlock(&v->lock);
	smm_lru_rec_free(mm, r);
}

/*
 * The record of the anonymous or page-cache page at @frame, or NULL.
 * Under the space mutex.
 */
const struct smm_lru_rec *smm_lru_rec_of(const struct smm_mm *mm, u64 frame)
{
	struct smm_frame f = smm_frame_load(&mm->frames[frame]);
	u32 r = smm_lru_rec_nr(&f);

	if (!r || !mm->lru_pool.dir)
		return NULL;
	return smm_lru_rec_at(mm, r);
}

/* smm_lru_rec_of() for its owner, who changes the rmap or the flags. */
struct smm_lru_rec *smm_lru_rec_of_mut(struct smm_mm *mm, u64 frame)
{
	return (struct smm_lru_rec *)smm_lru_rec_of(mm, frame);
}

/*
 * Pages on list @lru of zone @zone: written under the lru_lock, read
 * without it, one whole value (zoneinfo, ZONE_GET).
 */
u64 smm_lru_count(struct smm_mm *mm, unsigned int zone, enum smm_lru_list lru)
{
	return READ_ONCE(mm->zones[zone].lruvec.nr[lru]);
}

/* The accessed bit of a leaf: x86's A, arm64's AF. */
u64 smm_pte_young_bit(const struct smm_pt_fmt *f)
{
	return f->arch == SMM_PT_ARM64 ? SMM_ARM64_AF : SMM_PTE_ACCESSED;
}

/*
 * The PTE of @x's space that maps @x's frame at @x's va, or NULL when it
 * does not (a broken rmap).
 */
static u64 *smm_rmap_pte(struct smm_mm *mm, const struct smm_lru_rec *x)
{
	struct smm_space *s = x->space;
	unsigned int level;
	u64 *slot, idx;

	if (!s || s->mm != mm)
		return NULL;
	slot = smm_space_entry(s, x->va, &level);
	if (!slot || level != SHADOWMM_PT_PTE || !*slot ||
	    !smm_pte_leaf(s->fmt, level, *slot) ||
	    !smm_range_pfn_to_idx(mm->range, smm_pte_pfn(s->fmt, level, *slot), &idx) ||
	    idx != x->frame)
		return NULL;
	return slot;
}

/*
 * folio_referenced() of an anonymous page of a forked space: every
 * member of its family that maps it at the record's va (rmap_walk_anon()
 * over the anon_vma), each young PTE counted and made old.
 */
static int smm_folio_referenced_anon(const struct smm_lru_rec *x)
{
	struct smm_space *m;
	int n = 0;
	u64 *pte;

	for (m = x->space->anon_vma->head; m; m = m->av_next) {
		pte = smm_space_pte_of(m, x->va, x->frame);
		if (pte && (*pte & smm_pte_young_bit(m->fmt))) {
			*pte &= ~smm_pte_young_bit(m->fmt);
			n++;
		}
	}
	return n;
}

/*
 * folio_referenced(): through the reverse map, the PTEs mapping the page
 * that were accessed since the last look, each one's accessed bit
 * cleared (ptep_clear_flush_young(); no TLB to flush here). An anon
 * page has one PTE: 0 or 1; 0 for an unmapped page of the swap cache
 * (no PTE maps it). A page-cache page's PTEs are found through its
 * inode's i_mmap (rmap_walk_file(), filemap.c): 0 to its mapcount.
 * The space mutex held.
 */
int smm_folio_referenced(struct smm_mm *mm, const struct smm_lru_rec *x)
{
	u64 *pte, young;

	if (smm_lru_is_file(x->flags))
		return smm_filemap_referenced(mm, x);	/* through its inode's i_mmap */
	if (!x->space && (x->flags & SMM_LRU_F_SWAPCACHE))
		return 0;	/* no PTE maps it: unmapped swap cache */
	if (x->space && x->space->anon_vma)
		return smm_folio_referenced_anon(x);	/* the family's PTEs (fork.c) */
	pte = smm_rmap_pte(mm, x);
	if (WARN_ON_ONCE(!pte))
		return 0;
	young = smm_pte_young_bit(x->space->fmt);
	if (!(*pte & young))
		return 0;
	*pte &= ~young;
	return 1;
}

/* int_sqrt(): the integer square root, bit by bit. */
static u64 smm_int_sqrt64(u64 x)
{
	u64 r = 0, b = 1ULL << 62;

	while (b > x)
		b >>= 2;
	while (b) {
		if (x >= r + b) {
			x -= r + b;
			r = (r >> 1) + b;
		} else {
			r >>= 1;
		}
		b >>= 2;
	}
	return r;
}

/*
 * inactive_is_low() for the anon lists: the inactive list should hold
 * at least 1/inactive_ratio of the pages, inactive_ratio being
 * int_sqrt(10 * size in GiB), or 1 below 1 GiB.
 */
static bool smm_lru_inactive_is_low(struct smm_mm *mm, unsigned int zone, unsigned int lru)
{
	const struct smm_lruvec *v = &mm->zones[zone].lruvec;
	u64 inactive = READ_ONCE(v->nr[lru]);
	u64 active = READ_ONCE(v->nr[lru + 1]);
	u64 gb = (inactive + active) >> (30 - SMM_PAGE_SHIFT);
	u64 ratio = gb ? smm_int_sqrt64(10 * gb) : 1;

	return inactive * ratio < active;
}

bool smm_inactive_is_low(struct smm_mm *mm, unsigned int zone)
{
	return smm_lru_inactive_is_low(mm, zone, SMM_LRU_INACTIVE_ANON);
}

/* inactive_is_low() for the file lists: the same ratio (6.1 has one rule for both). */
bool smm_inactive_file_is_low(struct smm_mm *mm, unsigned int zone)
{
	return smm_lru_inactive_is_low(mm, zone, SMM_LRU_INACTIVE_FILE);
}

/*
 * isolate_lru_folios(): up to @nr records from the tail (oldest end) of
 * @lru into @batch, oldest first, flagged isolated and counted in
 * nr_isolated_anon while off the lists. Returns how many.
 */
static unsigned int smm_lru_isolate(struct smm_mm *mm, struct smm_lruvec *v, unsigned int lru,
				    unsigned int nr, u32 *batch)
{
	unsigned int n = 0;

	smm_lock(&v->lock);
	while (n < nr && v->tail[lru]) {
		u32 r = v->tail[lru];
		struct smm_lru_rec *x = smm_lru_rec_at(mm, r);

		smm_lru_unlink(mm, v, x);
		x->flags |= SMM_LRU_F_ISOLATED;
		batch[n++] = r;
	}
	if (lru == SMM_LRU_INACTIVE_FILE || lru == SMM_LRU_ACTIVE_FILE)
		WRITE_ONCE(v->nr_isolated_file, v->nr_isolated_file + n);
	else
		WRITE_ONCE(v->nr_isolated_anon, v->nr_isolated_anon + n);
	smm_unlock(&v->lock);
	return n;
}

/* move_folios_to_lru() of one record: to the head of @lru, isolation over. */
static void smm_lru_putback(struct smm_mm *mm, struct smm_lruvec *v, u32 r, unsigned int lru)
{
	struct smm_lru_rec *x = smm_lru_rec_at(mm, r);
	u64 *iso = smm_lru_isolated(v, x->flags);

	smm_lock(&v->lock);
	x->flags &= ~SMM_LRU_F_ISOLATED;
	WRITE_ONCE(*iso, *iso - 1);
	smm_lru_link(mm, v, r, x, lru);
	smm_unlock(&v->lock);
}

/*
 * isolate_lru_page() of one page, for migration (migrate.c): the record
 * of the anonymous page at @frame off its list, flagged isolated and
 * counted in nr_isolated_anon. False, nothing changed, when the page
 * has no record or a scan holds it isolated already. The space mutex
 * held; takes the zone's lru_lock.
 */
bool smm_lru_isolate_page(struct smm_mm *mm, u64 frame)
{
	struct smm_lruvec *v = &mm->zones[smm_zone_of(mm, frame)].lruvec;
	struct smm_lru_rec *x = smm_lru_rec_of_mut(mm, frame);
	bool ok;

	if (!x || WARN_ON_ONCE(!(x->flags & SMM_LRU_F_USED) || x->frame != frame))
		return false;
	smm_lock(&v->lock);
	ok = !(x->flags & SMM_LRU_F_ISOLATED);
	if (ok) {
		smm_lru_unlink(mm, v, x);
		x->flags |= SMM_LRU_F_ISOLATED;
		WRITE_ONCE(v->nr_isolated_anon, v->nr_isolated_anon + 1);
	}
	smm_unlock(&v->lock);
	return ok;
}

/*
 * The isolated record of the page at @from now names @to, the frame its
 * page moved to (the descriptor of @to holds the record number already).
 * A move to another zone takes the isolated count along, each zone's
 * under its own lru_lock, one after the other. The space mutex held.
 */
void smm_lru_move_isolated(struct smm_mm *mm, u64 from, u64 to)
{
	unsigned int zf = smm_zone_of(mm, from), zt = smm_zone_of(mm, to);
	struct smm_lru_rec *x = smm_lru_rec_of_mut(mm, to);

	if (WARN_ON_ONCE(!x || !(x->flags & SMM_LRU_F_ISOLATED) || x->frame != from))
		return;
	x->frame = to;
	if (zf == zt)
		return;
	smm_lock(&mm->zones[zf].lruvec.lock);
	WRITE_ONCE(mm->zones[zf].lruvec.nr_isolated_anon,
		   mm->zones[zf].lruvec.nr_isolated_anon - 1);
	smm_unlock(&mm->zones[zf].lruvec.lock);
	smm_lock(&mm->zones[zt].lruvec.lock);
	WRITE_ONCE(mm->zones[zt].lruvec.nr_isolated_anon,
		   mm->zones[zt].lruvec.nr_isolated_anon + 1);
	smm_unlock(&mm->zones[zt].lruvec.lock);
}

/*
 * putback_lru_page(): the isolated page at @frame back at the head of
 * the list it was taken from (its record keeps the list in its flags).
 * The space mutex held.
 */
void smm_lru_putback_page(struct smm_mm *mm, u64 frame)
{
	struct smm_lruvec *v = &mm->zones[smm_zone_of(mm, frame)].lruvec;
	u32 r = smm_anon_rec(&mm->frames[frame]);
	struct smm_lru_rec *x = smm_lru_rec_at(mm, r);

	if (!x || WARN_ON_ONCE(!(x->flags & SMM_LRU_F_ISOLATED) || x->frame != frame))
		return;
	smm_lru_putback(mm, v, r, x->flags & SMM_LRU_F_LIST);
}

#define smm_lru_event_add(mm, ev, n) \
	WRITE_ONCE((mm)->lru_events.ev, (mm)->lru_events.ev + (n))

/*
 * shrink_active_list() for the anon lists: @nr_to_scan pages taken from
 * the active list's tail in batches of SWAP_CLUSTER_MAX (pgrefill), each
 * one's referenced bits read and cleared through the rmap, and, since
 * 6.1 keeps only referenced executable file pages active, every anon
 * page moved to the inactive list's head (pgdeactivate), referenced or
 * not. At most the list's length at the start is scanned (a pass of
 * get_scan_count() never asks for more). Returns the pages deactivated.
 * The space mutex held.
 */
static u64 __smm_shrink_active(struct smm_mm *mm, unsigned int zone, unsigned int inactive,
			       u64 nr_to_scan)
{
	struct smm_lruvec *v = &mm->zones[zone].lruvec;
	u32 batch[SMM_SWAP_CLUSTER_MAX];
	u64 done = 0;

	if (!mm->lru_ready)
		return 0;
	/* at most the list once, as get_scan_count() sizes a pass */
	nr_to_scan = min(nr_to_scan, READ_ONCE(v->nr[inactive + 1]));
	while (nr_to_scan) {
		unsigned int n = smm_lru_isolate(mm, v, inactive + 1,
						 min(nr_to_scan, (u64)SMM_SWAP_CLUSTER_MAX), batch);
		unsigned int i;

		if (!n)
			break;
		nr_to_scan -= n;
		smm_lru_event_add(mm, pgrefill, n);
		for (i = 0; i < n; i++) {
			struct smm_lru_rec *x = smm_lru_rec_at(mm, batch[i]);

			smm_folio_referenced(mm, x);
			/*
			 * folio_clear_active(): PG_referenced stays as it was;
			 * folio_set_workingset() (a file page's record has the bit)
			 */
			if (inactive == SMM_LRU_INACTIVE_FILE)
				x->flags |= SMM_LRU_F_WORKINGSET;
			smm_lru_putback(mm, v, batch[i], inactive);
		}
		smm_lru_event_add(mm, pgdeactivate, n);
		done += n;
		smm_cond_resched();
	}
	return done;
}

u64 smm_shrink_active_list(struct smm_mm *mm, unsigned int zone, u64 nr_to_scan)
{
	return __smm_shrink_active(mm, zone, SMM_LRU_INACTIVE_ANON, nr_to_scan);
}

/*
 * shrink_active_list() for the file lists: the same steps. A mapped
 * page's young PTEs are cleared through i_mmap on the way; none is kept
 * active as a referenced VM_EXEC page would be (shadow VMAs carry no
 * executable-text rule): all are deactivated.
 */
u64 smm_shrink_active_file(struct smm_mm *mm, unsigned int zone, u64 nr_to_scan)
{
	return __smm_shrink_active(mm, zone, SMM_LRU_INACTIVE_FILE, nr_to_scan);
}

enum smm_folioref { SMM_FOLIOREF_RECLAIM, SMM_FOLIOREF_KEEP, SMM_FOLIOREF_ACTIVATE };

/*
 * folio_check_references() for an anon page: referenced PTEs and
 * PG_referenced before (cleared by the look) decide. A page referenced
 * again after a first KEEP, or by more than one PTE, is activated; a
 * first reference sets PG_referenced and keeps it inactive; no
 * reference: reclaim.
 */
static enum smm_folioref smm_check_references(struct smm_mm *mm, struct smm_lru_rec *x)
{
	int referenced_ptes = smm_folio_referenced(mm, x);
	bool referenced_folio = x->flags & SMM_LRU_F_REFERENCED;

	x->flags &= ~SMM_LRU_F_REFERENCED;
	if (referenced_ptes) {
		x->flags |= SMM_LRU_F_REFERENCED;
		if (referenced_folio || referenced_ptes > 1)
			return SMM_FOLIOREF_ACTIVATE;
		return SMM_FOLIOREF_KEEP;
	}
	return SMM_FOLIOREF_RECLAIM;
}

/*
 * shrink_inactive_list() and shrink_folio_list() for the anon lists:
 * @nr_to_scan pages from the inactive list's tail in batches of
 * SWAP_CLUSTER_MAX (pgscan), each judged by smm_check_references():
 * ACTIVATE to the active list (pgactivate; an anon page of the swap
 * cache gives its slot back once the area is more than half full,
 * smm_swap_free_activated()), KEEP back to the inactive
 * list, RECLAIM through @pageout (pgsteal when it returns 0 and the page
 * is gone; an error activates it, as a failed add_to_swap() does).
 * Without @pageout, RECLAIM keeps the page. At most the list's length
 * at the start is scanned, so no page is looked at twice in one call
 * (get_scan_count() sizes a pass by the list). The pages of a batch go
 * back in the order they were taken, each to its list's head. The space
 * mutex held; @pageout called without lru locks.
 */
static void __smm_shrink_inactive(struct smm_mm *mm, unsigned int zone, unsigned int lru,
				  u64 nr_to_scan, smm_pageout_t pageout, void *priv,
				  struct smm_lru_scan *res)
{
	struct smm_lruvec *v = &mm->zones[zone].lruvec;
	bool file = lru == SMM_LRU_INACTIVE_FILE;
	u32 batch[SMM_SWAP_CLUSTER_MAX];

	memset(res, 0, sizeof(*res));
	if (!mm->lru_ready)
		return;
	nr_to_scan = min(nr_to_scan, READ_ONCE(v->nr[lru]));
	while (nr_to_scan) {
		unsigned int n = smm_lru_isolate(mm, v, lru,
						 min(nr_to_scan, (u64)SMM_SWAP_CLUSTER_MAX), batch);
		unsigned int i;

		if (!n)
			break;
		nr_to_scan -= n;
		res->scanned += n;
		if (file)
			smm_lru_event_add(mm, pgscan_file, n);
		else
			smm_lru_event_add(mm, pgscan, n);
		for (i = 0; i < n; i++) {
			struct smm_lru_rec *x = smm_lru_rec_at(mm, batch[i]);
			enum smm_folioref ref = smm_check_references(mm, x);

			if (ref == SMM_FOLIOREF_RECLAIM && pageout) {
				/* a file page's rmap is its inode: the pageout gets no space */
				if (!pageout(priv, mm, file ? NULL : x->space, x->va, x->frame)) {
					/* freed: smm_lru_del() ended its isolation */
					res->reclaimed++;
					if (file)
						smm_lru_event_add(mm, pgsteal_file, 1);
					else
						smm_lru_event_add(mm, pgsteal, 1);
					continue;
				}
				ref = SMM_FOLIOREF_ACTIVATE;
			}
			if (ref == SMM_FOLIOREF_ACTIVATE) {
				/* activate_locked: no candidate for swap, its slot back */
				if (!file)
					smm_swap_free_activated(mm, x);
				res->activated++;
				smm_lru_event_add(mm, pgactivate, 1);
				/* move_folios_to_lru(): workingset_age_nonresident() */
				smm_workingset_age(mm, 1);
				smm_lru_putback(mm, v, batch[i], lru + 1);
			} else {
				res->kept++;
				smm_lru_putback(mm, v, batch[i], lru);
			}
		}
		smm_cond_resched();
	}
}

void smm_shrink_inactive_list(struct smm_mm *mm, unsigned int zone, u64 nr_to_scan,
			      smm_pageout_t pageout, void *priv, struct smm_lru_scan *res)
{
	__smm_shrink_inactive(mm, zone, SMM_LRU_INACTIVE_ANON, nr_to_scan, pageout, priv, res);
}

/*
 * shrink_inactive_list() for the file lists: the same judgement
 * (folio_check_references() for a file page without VM_EXEC: young
 * PTEs through i_mmap, a mapped page referenced twice or by two PTEs
 * activated, once kept), which for an unmapped page-cache page is
 * always RECLAIM (6.1's FOLIOREF_RECLAIM_CLEAN when PG_referenced was
 * set), and the pageout unmaps the clean page from every PTE
 * (try_to_unmap()) and drops it from the cache (pgscan_file,
 * pgsteal_file). Without @pageout nothing is reclaimed.
 */
void smm_shrink_inactive_file(struct smm_mm *mm, unsigned int zone, u64 nr_to_scan,
			      smm_pageout_t pageout, void *priv, struct smm_lru_scan *res)
{
	__smm_shrink_inactive(mm, zone, SMM_LRU_INACTIVE_FILE, nr_to_scan, pageout, priv, res);
}

#define smm_lru_bad(fmt, ...)	(snprintf(why, len, fmt, ##__VA_ARGS__), -EUCLEAN)

/* records CHECK walks per hold of a zone's lru_lock (each walk reads a PTE) */
#define SMM_LRU_CHECK_CHUNK	4096

/* Does the swap cache hold @x's page at the slot @x names? */
static bool smm_lru_check_cached(const struct smm_mm *mm, const struct smm_lru_rec *x)
{
	const struct smm_swap *sw = mm->swap;
	u32 slot = smm_lru_rec_slot(x->flags);

	return sw && slot && slot < sw->slots && sw->cache[slot] == x->frame + 1 &&
	       (sw->map[slot] & SMM_SWAP_HAS_CACHE);
}

/* One zone's lists walked head to tail: links, flags, the rmap of each. */
/* A file list's record: a page-cache page pointing back to it, no slot. */
static int smm_lru_check_file_rec(const struct smm_lru_rec *x, u32 r, const struct smm_frame *f,
				  char *why, size_t len)
{
	if (!smm_frame_is_file(f) || smm_frame_tag(f) != r)
		return smm_lru_bad("frame %u: record %u on a file list is not a page-cache page pointing back to it",
				   x->frame, r);
	if (x->flags & SMM_LRU_F_SWAPCACHE || !x->inode)
		return smm_lru_bad("frame %u: a page-cache page's record %u with a slot or no inode",
				   x->frame, r);
	return 0;
}

static int smm_lru_check_zone(struct smm_mm *mm, unsigned int zi, u64 *on_lists, u64 *on_file,
			      char *why, size_t len)
{
	struct smm_lruvec *v = &mm->zones[zi].lruvec;
	unsigned int lru;
	int ret = 0;

	smm_lock(&v->lock);
	if (v->nr_isolated_anon || v->nr_isolated_file)
		ret = smm_lru_bad("zone %u: %llu anon and %llu file pages isolated outside a scan", zi,
				  (unsigned long long)v->nr_isolated_anon,
				  (unsigned long long)v->nr_isolated_file);
	for (lru = 0; !ret && lru < SMM_NR_LRU_LISTS; lru++) {
		u32 r = v->head[lru], prev = SMM_LRU_NIL;
		u64 n = 0;

		while (r && !ret) {
			const struct smm_lru_rec *x = smm_lru_rec_at(mm, r);
			struct smm_frame f;

			if (!x)
				ret = smm_lru_bad("zone %u list %u: record %u outside the pool", zi, lru, r);
			else if (++n > v->nr[lru])
				ret = smm_lru_bad("zone %u list %u: longer than its count %llu", zi, lru,
						  (unsigned long long)v->nr[lru]);
			else if (x->prev != prev || (x->flags & SMM_LRU_F_LIST) != lru ||
				 (x->flags & (SMM_LRU_F_USED | SMM_LRU_F_ISOLATED)) != SMM_LRU_F_USED)
				ret = smm_lru_bad("zone %u list %u: record %u has bad links or flags %#x",
						  zi, lru, r, x->flags);
			else if (x->frame >= mm->range->span || smm_zone_of(mm, x->frame) != zi)
				ret = smm_lru_bad("zone %u list %u: record %u's frame %u is not in the zone",
						  zi, lru, r, x->frame);
			if (ret)
				break;
			f = smm_frame_load(&mm->frames[x->frame]);
			if (smm_lru_is_file(lru))
				ret = smm_lru_check_file_rec(x, r, &f, why, len);
			else if (smm_frame_type(&f) != SMM_FRAME_SPACE || smm_frame_owner(&f) != SMM_OWNER_SPACE ||
			    !(smm_frame_data(&f) & SMM_ANON_BIT) || smm_anon_rec(&f) != r)
				ret = smm_lru_bad("frame %u: record %u's page is not an anonymous page pointing back to it",
						  x->frame, r);
			else if ((x->flags & SMM_LRU_F_SWAPCACHE) && !smm_lru_check_cached(mm, x))
				ret = smm_lru_bad("frame %u: a swap-cache page the cache does not hold at slot %u",
						  x->frame, smm_lru_rec_slot(x->flags));
			else if (!x->space && (x->flags & SMM_LRU_F_SWAPCACHE))
				;	/* unmapped in the swap cache: its slot is its rmap */
			else if (!x->space || smm_space_tag_id(smm_frame_tag(&f)) != x->space->id)
				ret = smm_lru_bad("frame %u: the rmap names another space than the frame's",
						  x->frame);
			else if (!smm_rmap_pte(mm, x))
				ret = smm_lru_bad("frame %u: no PTE of space %u maps it at %#llx", x->frame,
						  x->space->id, (unsigned long long)x->va);
			prev = r;
			r = x->next;
			/*
			 * a bounded hold: the lists change only under the
			 * space mutex, which the caller keeps, so the walk
			 * goes on from r after the break
			 */
			if (!(n % SMM_LRU_CHECK_CHUNK)) {
				smm_unlock(&v->lock);
				smm_cond_resched();
				smm_lock(&v->lock);
			}
		}
		if (!ret && (n != v->nr[lru] || v->tail[lru] != prev))
			ret = smm_lru_bad("zone %u list %u: %llu records, count %llu, or a bad tail", zi,
					  lru, (unsigned long long)n, (unsigned long long)v->nr[lru]);
		if (!ret && lru == SMM_LRU_UNEVICTABLE && n)
			ret = smm_lru_bad("zone %u: unevictable pages without mlock", zi);
		if (smm_lru_is_file(lru))
			*on_file += n;
		else
			*on_lists += n;
	}
	smm_unlock(&v->lock);
	return ret;
}

/*
 * CHECK of the LRU: each zone's lists (smm_lru_check_zone()), then every
 * anonymous page of the range counted: as many as records on the lists
 * (each of which points back to its page, so every anonymous page is on
 * exactly one list), the page cache's indices (smm_filemap_check()),
 * every page-cache page counted as the file lists' records, the
 * indices' entries and nr_file_pages (each record points back to its
 * page and each index entry to a page whose record names that inode and
 * index: one list and one index entry per page), and the pool's counts.
 * Under the space mutex, no scan running.
 */
int smm_lru_check(struct smm_mm *mm, char *why, size_t len)
{
	struct smm_lru_pool *p = &mm->lru_pool;
	u64 on_lists = 0, on_file = 0, anon = 0, file = 0, cached = 0, pool = 0, idx;
	unsigned int zi;
	int ret = 0;

	for (zi = 0; zi < SMM_NR_ZONES && !ret && mm->lru_ready; zi++)
		ret = smm_lru_check_zone(mm, zi, &on_lists, &on_file, why, len);
	if (!ret)
		ret = smm_filemap_check(mm, &cached, why, len);
	if (ret)
		return ret;
	for (idx = 0; idx < mm->range->span; idx++) {
		struct smm_frame f = smm_frame_load(&mm->frames[idx]);

		if (smm_frame_type(&f) == SMM_FRAME_SPACE && (smm_frame_data(&f) & SMM_ANON_BIT))
			anon++;
		file += smm_frame_is_file(&f);
		pool += smm_frame_type(&f) == SMM_FRAME_LRU;
		if (!(idx % 65536))
			smm_cond_resched();
	}
	if (anon != on_lists)
		return smm_lru_bad("%llu anonymous pages, %llu on LRU lists", (unsigned long long)anon,
				   (unsigned long long)on_lists);
	if (file != on_file || file != cached || file != READ_ONCE(mm->nr_file_pages))
		return smm_lru_bad("%llu page-cache pages, %llu on file lists, %llu in the inodes' indices, nr_file_pages %llu",
				   (unsigned long long)file, (unsigned long long)on_file,
				   (unsigned long long)cached,
				   (unsigned long long)READ_ONCE(mm->nr_file_pages));
	if (anon + file != p->recs || pool != p->pages ||
	    p->recs > p->pages * SMM_LRU_RECS_PER_PAGE)
		return smm_lru_bad("record pool: %llu records in use for %llu pages, %llu pool pages for %llu frames typed lru",
				   (unsigned long long)p->recs, (unsigned long long)(anon + file),
				   (unsigned long long)p->pages, (unsigned long long)pool);
	snprintf(why, len, "ok");
	return 0;
}
