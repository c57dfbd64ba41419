// SPDX-License-Identifier: GPL-2.0
/*
 * Shadow address spaces (space.h): building, walking and tearing down
 * page tables made of shadow buddy pages.
 *
 * Invariants, for CHECK and the tests:
 *  - every table page reachable from the root is a PGTABLE head of this
 *    space, every leaf's frame a SPACE head of the order of its size;
 *  - no table page but the root is empty: whoever clears an entry looks
 *    at its table once it is done with that table, and frees it if empty;
 *  - tables[] and mapped[] count exactly what is reachable.
 * Requests are checked whole before anything changes (smm_space_check_*),
 * and a map that runs out of memory half way is undone.
 */
#include "space.h"
#include "owner.h"
#include "swap.h"
#include "lru.h"
#include "filemap.h"
#include "pin.h"
#include "mm_internal.h"

#define SMM_SPACE_RESCHED	64	/* pages between smm_cond_resched() */

/* A page table's memory: lowmem, at its permanent address (highmem.c). */
static u64 *smm_space_table(const struct smm_space *s, u64 idx)
{
	u64 *t = smm_lowmem_frame(s->mm, idx);

	WARN_ON_ONCE(!t);
	return t;
}

static u64 smm_space_pfn(const struct smm_space *s, u64 idx)
{
	u64 pfn = 0;

	WARN_ON_ONCE(!smm_range_idx_to_pfn(s->mm->range, idx, &pfn));
	return pfn;
}

/* The frame index an entry of ours points to; false if it is not ours. */
static bool smm_space_entry_idx(const struct smm_space *s, unsigned int level, u64 e, u64 *idx)
{
	return smm_range_pfn_to_idx(s->mm->range, smm_pte_pfn(s->fmt, level, e), idx);
}

static unsigned int smm_space_size_idx(unsigned int shift)
{
	return (shift - SMM_PAGE_SHIFT) / 9;
}

/* Leaf level of a page size: PTE for 4K, PMD for 2M, PUD for 1G. */
static unsigned int smm_space_leaf_level(unsigned int shift)
{
	return SHADOWMM_PT_PTE - smm_space_size_idx(shift);
}

static unsigned int smm_space_parent(const struct smm_space *s, unsigned int level)
{
	return level == SHADOWMM_PT_PUD && s->levels == 4 ? SHADOWMM_PT_PGD : level - 1;
}

/*
 * Take a block from the buddy and mark it @type of this space, with
 * @flags (SMM_ANON_BIT); with SMM_GFP_DIRECT_RECLAIM in @gfp reclaiming
 * on the way if need be (smm_alloc_pages_reclaim(): no CPU held here).
 */
static int smm_space_get(struct smm_space *s, unsigned int order, unsigned int gfp,
			 unsigned int type, u64 flags, u64 *idx)
{
	unsigned int cpu;
	int ret;

	ret = smm_alloc_pages_reclaim(s->mm, order, gfp, &cpu, idx);
	if (ret)
		return ret;
	smm_frame_own(s->mm, *idx, type, smm_owner_data(SMM_OWNER_SPACE, s->id) | flags, cpu);
	smm_cpu_put();
	return 0;
}

/* Give a block of @type back to the buddy, as the PAGE it was handed out as. */
static void smm_space_put(struct smm_space *s, u64 idx, unsigned int type)
{
	const struct smm_frame *f = &s->mm->frames[idx];
	unsigned int cpu;

	if (WARN_ON_ONCE(smm_frame_type(f) != type || smm_frame_owner(f) != SMM_OWNER_SPACE ||
			 smm_space_tag_id(smm_frame_tag(f)) != s->id))
		return;
	cpu = smm_cpu_get();
	smm_frame_own(s->mm, idx, SMM_FRAME_PAGE, smm_frame_data(f), cpu);
	smm_free_pages(s->mm, idx, cpu);
	smm_cpu_put();
}

/* A SPACE page no space maps (the swap cache's) back to the buddy. */
static void smm_space_cache_free_page(struct smm_mm *mm, u64 idx)
{
	const struct smm_frame *f = &mm->frames[idx];
	unsigned int cpu;

	if (WARN_ON_ONCE(smm_frame_type(f) != SMM_FRAME_SPACE))
		return;
	cpu = smm_cpu_get();
	smm_frame_own(mm, idx, SMM_FRAME_PAGE, smm_frame_data(f), cpu);
	smm_free_pages(mm, idx, cpu);
	smm_cpu_put();
}

static int smm_space_new_table(struct smm_space *s, unsigned int level, unsigned int gfp,
			       u64 *idx)
{
	int ret = smm_space_get(s, 0, SHADOWMM_GFP_ZERO | gfp, SMM_FRAME_PGTABLE, 0, idx);

	if (!ret)
		s->tables[level]++;
	return ret;
}

static void smm_space_free_table(struct smm_space *s, unsigned int level, u64 idx)
{
	smm_space_put(s, idx, SMM_FRAME_PGTABLE);
	s->tables[level]--;
}

/* The slots a descent went through: table frame and entry, by level. */
struct smm_space_path {
	u64 table[SMM_PT_MAX_LEVELS];
	u64 *slot[SMM_PT_MAX_LEVELS];
};

/*
 * Go down from the root towards @va's entry of @leaf, filling @p, until
 * @leaf or an entry that is empty or a leaf. With @alloc, empty entries
 * above @leaf get new tables. Returns the level reached, or -errno.
 */
static int smm_space_descend(struct smm_space *s, u64 va, unsigned int leaf, bool alloc,
			     unsigned int gfp,
			     struct smm_space_path *p)
{
	unsigned int level = SHADOWMM_PT_PGD;
	u64 idx = s->root, e;
	int ret;

	for (;;) {
		u64 *t = smm_space_table(s, idx);

		if (!t)
			return -EFAULT;
		p->table[level] = idx;
		p->slot[level] = &t[smm_pt_index(s->fmt, level, va)];
		if (level == leaf)
			return level;
		e = *p->slot[level];
		if (!e && !alloc)
			return level;
		if (!e) {
			ret = smm_space_new_table(s, smm_pt_next(s->fmt, level), gfp, &idx);
			if (ret)
				return ret;
			*p->slot[level] = smm_pte_make(s->fmt, level, smm_space_pfn(s, idx), 0, false);
		} else if (smm_pte_leaf(s->fmt, level, e)) {
			return alloc ? -EEXIST : (int)level;
		} else if (WARN_ON_ONCE(!smm_space_entry_idx(s, level, e, &idx))) {
			return -EFAULT;
		}
		level = smm_pt_next(s->fmt, level);
	}
}

static bool smm_space_table_empty(const struct smm_space *s, u64 idx)
{
	const u64 *t = smm_space_table(s, idx);
	unsigned int i;

	for (i = 0; t && i < SMM_PT_ENTRIES; i++)
		if (t[i])
			return false;
	return true;
}

/*
 * Free the tables of @p from @level up that have become empty, once the
 * work on [.., @end) is past them: @next, the next address to visit, lies
 * in another table (or at @end). The root stays.
 */
static void smm_space_prune(struct smm_space *s, struct smm_space_path *p, unsigned int level,
			    u64 va, u64 next, u64 end)
{
	while (level != SHADOWMM_PT_PGD) {
		unsigned int up = smm_space_parent(s, level), shift = smm_pt_shift(s->fmt, up);

		if (next < end && next >> shift == va >> shift)
			return;
		if (!smm_space_table_empty(s, p->table[level]))
			return;
		*p->slot[up] = 0;
		smm_space_free_table(s, level, p->table[level]);
		level = up;
	}
}

/*
 * The one path a mapped page of 2^@shift bytes, frame @idx, leaves its
 * leaf @slot by: munmap, SPACE_UNMAP, teardown (@e 0) and swap-out (@e
 * the swap entry that replaces it). The page goes back to the buddy; an
 * anonymous page leaves the space's RSS.
 */
static void smm_space_zap_leaf(struct smm_space *s, u64 *slot, u64 idx, unsigned int shift,
			       u64 e)
{
	bool anon = smm_frame_data(&s->mm->frames[idx]) & SMM_ANON_BIT;
	const struct smm_lru_rec *x = anon ? smm_lru_rec_of(s->mm, idx) : NULL;

	if (smm_frame_is_file(&s->mm->frames[idx])) {
		/* a page-cache page: only unmapped, it stays in the cache (filemap.h) */
		smm_space_zap_file_pte(s, slot);
		return;
	}
	if (x && s->anon_vma && smm_anon_mapcount(s, x->va, idx) > 1) {
		/* page_remove_rmap() of a page others map after fork: it stays (fork.c) */
		struct smm_space *to = x->space == s ? smm_anon_other_mapper(s, x->va, idx) : NULL;

		*slot = e;
		if (to)
			smm_space_anon_retag(to, idx);
		smm_anon_note_mappers(s, x->va, idx);
		s->mapped[0]--;
		s->vm.rss_anon--;
		return;
	}
	*slot = e;
	/* a page of the swap cache: its slot goes with it (swap-out took it out before) */
	if (x && (x->flags & SMM_LRU_F_SWAPCACHE))
		smm_swap_cache_unmap(s, idx, smm_lru_rec_slot(x->flags));
	/* the one place a mapped anonymous page is freed: off the LRU, its pins dropped */
	if (anon) {
		smm_pin_drop_frame(s->mm, idx);
		smm_lru_del(s->mm, idx);
	}
	smm_space_put(s, idx, SMM_FRAME_SPACE);
	s->mapped[smm_space_size_idx(shift)]--;
	s->vm.rss_anon -= anon;
}

/*
 * Swap-out's unmap (swap.c): the anonymous 4K page at the PTE @slot of
 * @s freed through smm_space_zap_leaf(), the PTE left holding @swp.
 */
void smm_space_zap_anon_pte(struct smm_space *s, u64 *slot, u64 swp)
{
	u64 idx;

	if (WARN_ON_ONCE(!smm_space_entry_idx(s, SHADOWMM_PT_PTE, *slot, &idx)))
		return;
	smm_space_zap_leaf(s, slot, idx, SMM_PAGE_SHIFT, swp);
}

/*
 * Unmap whatever lies in [va, end) (only the pages faults mapped,
 * anonymous and page-cache ones, with @anon_only), freeing pages and emptied tables. An anonymous page
 * leaves the space's RSS whoever unmaps it; a swap entry (anonymous
 * too) gives its slot back, as zap_pte_range()'s swap branch does.
 */
static void smm_space_clear(struct smm_space *s, u64 va, u64 end, bool anon_only)
{
	struct smm_space_path p;
	unsigned long n = 0;

	while (va < end) {
		int level = smm_space_descend(s, va, SHADOWMM_PT_PTE, false, 0, &p);
		unsigned int shift;
		u64 e, idx, next;

		if (level < 0)
			return;
		shift = smm_pt_shift(s->fmt, level);
		next = (va & ~((1ULL << shift) - 1)) + (1ULL << shift);
		e = *p.slot[level];
		if (e && smm_pte_swap(s->fmt, level, e)) {
			smm_swap_free_entry(s, e);
			*p.slot[level] = 0;
		} else if (e && !WARN_ON_ONCE(!smm_space_entry_idx(s, level, e, &idx))) {
			bool anon = smm_frame_data(&s->mm->frames[idx]) & SMM_ANON_BIT;

			/* demand-paged pages go with anon_only: anonymous and page-cache */
			if (anon || !anon_only || smm_frame_is_file(&s->mm->frames[idx]))
				smm_space_zap_leaf(s, p.slot[level], idx, shift, 0);
		}
		smm_space_prune(s, &p, level, va, next, end);
		va = next;
		if (!(++n % SMM_SPACE_RESCHED))
			smm_cond_resched();
	}
}

static int smm_space_read(void *priv, unsigned int level, u64 parent, u64 va, u64 *entry)
{
	const struct smm_space *s = priv;
	u64 idx = s->root;
	const u64 *t;

	if (parent && !smm_space_entry_idx(s, SHADOWMM_PT_PTE, parent, &idx))
		return -EFAULT;
	t = smm_space_table(s, idx);
	if (!t || WARN_ON_ONCE(smm_frame_type(&s->mm->frames[idx]) != SMM_FRAME_PGTABLE))
		return -EFAULT;
	*entry = READ_ONCE(t[smm_pt_index(s->fmt, level, va)]);
	return 0;
}

/* Walk @va in the space's own tables, in its format. */
int smm_space_walk(const struct smm_space *s, u64 va, struct smm_walk *w)
{
	const struct smm_walk_ops ops = { .read = smm_space_read, .fmt = s->fmt };

	return smm_walk_va(&ops, (void *)s, va, w);
}

/*
 * An empty space in format @fmt: only its root table. The module uses
 * the running architecture's (smm_space_init()); the tests build spaces
 * of every format on any host.
 */
int smm_space_init_fmt(struct smm_space *s, struct smm_mm *mm, u32 id,
		       const struct smm_pt_fmt *fmt)
{
	memset(s, 0, sizeof(*s));
	if (!fmt || (fmt->levels != 4 && fmt->levels != 5))
		return -EINVAL;
	s->mm = mm;
	s->id = id;
	s->levels = fmt->levels;
	s->fmt = fmt;
	return smm_space_new_table(s, SHADOWMM_PT_PGD, 0, &s->root);
}

/* An empty space of 4 or 5 levels in the running architecture's format. */
int smm_space_init(struct smm_space *s, struct smm_mm *mm, u32 id, unsigned int levels)
{
	if (levels != 4 && levels != 5) {
		memset(s, 0, sizeof(*s));
		return -EINVAL;
	}
	return smm_space_init_fmt(s, mm, id, smm_pt_native(levels));
}

/* Everything back to the buddy: mapped pages, tables, the root. */
void smm_space_destroy(struct smm_space *s)
{
	if (!s->mm)
		return;
	smm_space_clear(s, 0, smm_space_limit(s), false);
	smm_swap_leave_family(s);
	smm_anon_vma_unlink(s);
	smm_space_free_table(s, SHADOWMM_PT_PGD, s->root);
	smm_vma_destroy(s);
	memset(s, 0, sizeof(*s));
}

/* Is anything mapped in [va, end)? Holes are skipped whole. */
static bool smm_space_any_mapped(const struct smm_space *s, u64 va, u64 end)
{
	struct smm_walk w;

	while (va < end) {
		if (smm_space_walk(s, va, &w) || w.kind != SHADOWMM_PT_HOLE)
			return true;
		va = w.start + w.size;
	}
	return false;
}

/* The checks map and unmap share: page size, count, alignment, bounds. */
static const char *smm_space_check_range(const struct smm_space *s, u64 va, u64 pages,
					 unsigned int shift)
{
	if (shift != SHADOWMM_PAGE_4K && shift != SHADOWMM_PAGE_2M && shift != SHADOWMM_PAGE_1G)
		return "page size must be 4K, 2M or 1G";
	if (!pages || pages > SHADOWMM_SPACE_MAP_MAX)
		return "pages must be 1 to 262144 per request";
	if (va & ((1ULL << shift) - 1))
		return "address is not aligned to the page size";
	if (va >= smm_space_limit(s) || pages > (smm_space_limit(s) - va) >> shift)
		return "range runs past the lower half of the space's virtual addresses";
	return NULL;
}

/* Why a map request would fail, or NULL: then only memory can fail it. */
const char *smm_space_check_map(const struct smm_space *s, u64 va, u64 pages,
				unsigned int shift, unsigned int prot)
{
	const char *why = smm_space_check_range(s, va, pages, shift);

	if (why)
		return why;
	if (prot & ~SHADOWMM_PROT_ALL)
		return "unknown protection bits";
	if (shift - SMM_PAGE_SHIFT > SMM_MAX_ORDER)
		return "1 GiB pages need 2^18 contiguous frames; the buddy's largest block is 2^10";
	if (smm_space_any_mapped(s, va, va + (pages << shift)))
		return "range overlaps a mapping of the space";
	return NULL;
}

/*
 * Map @pages pages of 2^@shift bytes from @va, each a fresh block of the
 * buddy, after smm_space_check_map() found nothing wrong. All or
 * nothing: on -ENOMEM what was mapped is unmapped again.
 */
int smm_space_map(struct smm_space *s, u64 va, u64 pages, unsigned int shift,
		  unsigned int prot)
{
	unsigned int level = smm_space_leaf_level(shift);
	struct smm_space_path p;
	u64 i, data;
	int ret = 0;

	for (i = 0; i < pages; i++) {
		u64 addr = va + (i << shift);

		ret = smm_space_descend(s, addr, level, true, 0, &p);
		if (ret >= 0)
			ret = smm_space_get(s, shift - SMM_PAGE_SHIFT, SMM_GFP_HIGHUSER_MOVABLE,
					    SMM_FRAME_SPACE, 0, &data);
		if (ret < 0)
			break;
		*p.slot[level] = smm_pte_make(s->fmt, level, smm_space_pfn(s, data), prot, true);
		s->mapped[smm_space_size_idx(shift)]++;
		if (!((i + 1) % SMM_SPACE_RESCHED))
			smm_cond_resched();
	}
	if (ret >= 0)
		return 0;
	/* page i may have left new, empty tables: clear up to its end */
	smm_space_clear(s, va, va + ((i + 1) << shift), false);
	return ret;
}

/* Why an unmap request would fail: holes, or a larger page cut in two. */
const char *smm_space_check_unmap(const struct smm_space *s, u64 va, u64 pages,
				  unsigned int shift)
{
	const char *why = smm_space_check_range(s, va, pages, shift);
	u64 end = va + (pages << shift), n = 0;
	struct smm_walk w;

	if (why)
		return why;
	while (va < end) {
		if (smm_space_walk(s, va, &w))
			return "the space's tables cannot be read";
		if (w.kind == SHADOWMM_PT_HOLE)
			return "part of the range is not mapped";
		if (w.start < va || w.start + w.size > end)
			return "the range cuts a larger page in two";
		va = w.start + w.size;
		if (!(++n % SMM_SPACE_RESCHED))
			smm_cond_resched();
	}
	return NULL;
}

void smm_space_unmap(struct smm_space *s, u64 va, u64 pages, unsigned int shift)
{
	smm_space_clear(s, va, va + (pages << shift), false);
}

/* Frames the space holds: its tables and its mapped pages. */
u64 smm_space_frames(const struct smm_space *s)
{
	u64 n = 0;
	unsigned int i;

	for (i = 0; i < SMM_PT_MAX_LEVELS; i++)
		n += s->tables[i];
	for (i = 0; i < SMM_SPACE_NR_SIZES; i++)
		n += s->mapped[i] << (9 * i);
	return n;
}

/*
 * Hooks for demand paging (fault.c, vma.c). The entry that translates
 * @va: a leaf at *@level, or the empty entry where the descent stopped
 * (a missing table or page). NULL if the tables cannot be read.
 */
u64 *smm_space_entry(struct smm_space *s, u64 va, unsigned int *level)
{
	struct smm_space_path p;
	int ret = smm_space_descend(s, va, SHADOWMM_PT_PTE, false, 0, &p);

	if (ret < 0)
		return NULL;
	*level = ret;
	return p.slot[ret];
}

/*
 * do_anonymous_page()'s mapping: a zeroed order-0 page of the user's
 * movable kind (GFP_HIGHUSER_MOVABLE: no zone modifier, so the highest
 * zone, MIGRATE_MOVABLE) at @va's PTE, missing tables made on the way,
 * marked anonymous and charged to the RSS. The leaf carries @prot and
 * the accessed bit, and the dirty state for a @write fault, as
 * pte_mkyoung() and pte_mkdirty() leave it. The page gets its LRU
 * record first (the reverse map, lru.h) and goes on the inactive anon
 * list last. All or nothing: on -ENOMEM the record, the page and the
 * tables made for it are freed again.
 */
int smm_space_map_anon(struct smm_space *s, u64 va, unsigned int prot, bool write)
{
	return smm_space_map_anon_from(s, va, prot, true, write, NULL, NULL);
}

/*
 * smm_space_map_anon(), and swap-in's mapping (swap.c) when @src is not
 * NULL: then @va's PTE holds a swap entry (its tables exist), the page
 * is not zeroed but filled with the 4 KiB at @src, and the PTE gets the
 * accessed bit only if @young (a fault; swapoff maps pages old, as
 * unuse_pte() does). On -ENOMEM the swap entry stays as it was.
 *
 * A fault (@young) may reclaim directly: its record, tables and page are
 * asked for with SMM_GFP_DIRECT_RECLAIM, since every fault runs under
 * the spaces' lock that reclaim needs (mm.h). Reclaim swaps other pages
 * out, which frees pages and records but never a table, so the path
 * descended stays valid. Swapoff does not reclaim: it would swap out
 * what it brings back. The page's frame in *@frame if not NULL.
 */
static int smm_space_map_anon_page(struct smm_space *s, u64 va, unsigned int prot, bool young,
				   bool write, const void *src, bool swapin, u64 *frame)
{
	unsigned int reclaim = young ? SMM_GFP_DIRECT_RECLAIM : 0;
	unsigned int gfp = SMM_GFP_HIGHUSER_MOVABLE | (src ? 0 : SHADOWMM_GFP_ZERO) | reclaim;
	struct smm_space_path p;
	u64 idx, e, old;
	void *mem;
	u32 rec;
	int ret;

	ret = smm_lru_rec_alloc(s->mm, reclaim, &rec);
	if (ret)
		return ret;
	ret = smm_space_descend(s, va, SHADOWMM_PT_PTE, !swapin, reclaim, &p);
	if (ret >= 0 && ret != SHADOWMM_PT_PTE)
		ret = -EFAULT;	/* a swap entry's tables went missing */
	if (ret >= 0) {
		old = *p.slot[SHADOWMM_PT_PTE];
		if (WARN_ON_ONCE(swapin ? !smm_pte_swap(s->fmt, SHADOWMM_PT_PTE, old) : !!old))
			ret = -EEXIST;
	}
	if (ret >= 0)
		ret = smm_space_get(s, 0, gfp, SMM_FRAME_SPACE, smm_anon_data(s->id, rec), &idx);
	if (ret < 0) {
		if (ret != -EEXIST && !swapin)
			smm_space_clear(s, va, va + SMM_PAGE_SIZE, true);
		smm_lru_rec_free(s->mm, rec);
		return ret;
	}
	if (src) {
		mem = smm_kmap_local_frame(s->mm, idx);
		if (WARN_ON_ONCE(!mem)) {
			smm_space_put(s, idx, SMM_FRAME_SPACE);
			smm_lru_rec_free(s->mm, rec);
			return -EFAULT;
		}
		memcpy(mem, src, SMM_PAGE_SIZE);
		smm_kunmap_local_frame(s->mm, idx, mem);
	}
	e = smm_pte_make(s->fmt, SHADOWMM_PT_PTE, smm_space_pfn(s, idx), prot, true);
	*p.slot[SHADOWMM_PT_PTE] = young ? smm_pte_hw_update(s->fmt, e, write) : e;
	s->mapped[0]++;
	s->vm.rss_anon++;
	smm_lru_add_new(s->mm, rec, s, va, idx);
	if (frame)
		*frame = idx;
	return 0;
}

int smm_space_map_anon_from(struct smm_space *s, u64 va, unsigned int prot, bool young,
			    bool write, const void *src, u64 *frame)
{
	return smm_space_map_anon_page(s, va, prot, young, write, src, !!src, frame);
}

/*
 * wp_page_copy() and do_cow_fault()'s page: a new anonymous page at
 * @va's empty PTE (tables made as needed, direct reclaim allowed),
 * filled with the 4 KiB at @src (the page-cache page's bytes, copied
 * by the caller before: reclaim here may drop the cached page), mapped
 * young with @prot (dirty on a @write), on the anon LRU with its rmap.
 * All or nothing, as smm_space_map_anon().
 */
int smm_space_map_anon_copy(struct smm_space *s, u64 va, unsigned int prot, bool write,
			    const void *src)
{
	return smm_space_map_anon_page(s, va, prot, true, write, src, false, NULL);
}

/*
 * __pte_alloc(): the tables down to @va's PTE made as needed with @gfp's
 * reclaim rule, the PTE slot in *@slot. On -ENOMEM the tables made are
 * freed again. The two callers below say why they reclaim or not.
 */
static int __smm_space_pte_alloc(struct smm_space *s, u64 va, unsigned int gfp, u64 **slot)
{
	struct smm_space_path p;
	int ret = smm_space_descend(s, va, SHADOWMM_PT_PTE, true, gfp, &p);

	if (ret >= 0 && ret != SHADOWMM_PT_PTE)
		ret = -EFAULT;
	if (ret < 0) {
		if (ret != -EEXIST)
			smm_space_clear(s, va, va + SMM_PAGE_SIZE, true);
		return ret;
	}
	*slot = p.slot[SHADOWMM_PT_PTE];
	return 0;
}

/*
 * __pte_alloc() for a file fault, direct reclaim allowed: reclaim never
 * frees a table, so the slot stays valid across the page-cache lookup
 * and read that follow.
 */
int smm_space_pte_alloc(struct smm_space *s, u64 va, u64 **slot)
{
	return __smm_space_pte_alloc(s, va, SMM_GFP_DIRECT_RECLAIM, slot);
}

/*
 * do_set_pte() for a page-cache page: @frame mapped at the empty PTE
 * @slot of @s read-only (@prot without write: a private mapping's
 * write copies, a shared one's write fault maps it writable), accessed if
 * @young (fault-around maps its neighbours old, as on arm64), counted
 * in RssFile. Not in mapped[]: the frame is the page cache's, not the
 * space's (smm_space_frames()). The spaces' lock held.
 */
void smm_space_set_file_pte(struct smm_space *s, u64 *slot, u64 frame, unsigned int prot,
			    bool young)
{
	u64 e = smm_pte_make(s->fmt, SHADOWMM_PT_PTE, smm_space_pfn(s, frame),
			     (prot & ~SHADOWMM_PROT_WRITE) | SHADOWMM_PROT_USER, true);

	*slot = young ? smm_pte_hw_update(s->fmt, e, false) : e;
	s->vm.rss_file++;
}

/*
 * A page-cache page's PTE cleared (munmap, COW, try_to_unmap()): out of
 * RssFile, not freed. A dirty PTE's state moves to the page first
 * (zap_pte_range() and try_to_unmap_one(): pte_dirty() ->
 * folio_mark_dirty()).
 */
void smm_space_zap_file_pte(struct smm_space *s, u64 *slot)
{
	u64 frame;

	if ((smm_pte_flags(s->fmt, SHADOWMM_PT_PTE, *slot) & SHADOWMM_PTF_DIRTY) &&
	    smm_space_pte_frame(s, *slot, &frame))
		smm_filemap_mark_dirty(s->mm, frame);
	*slot = 0;
	s->vm.rss_file--;
}

/*
 * wp_page_shared() and do_shared_fault()'s finish_fault(): the
 * page-cache page @frame mapped writable at @slot of a shared writable
 * file VMA (@prot), young and dirty as the write that faulted leaves
 * it (maybe_mkwrite(pte_mkdirty())); @slot empty (RssFile + 1) or
 * holding the page read-only already. The caller marks the page dirty.
 */
void smm_space_set_file_pte_write(struct smm_space *s, u64 *slot, u64 frame, unsigned int prot)
{
	u64 e = smm_pte_make(s->fmt, SHADOWMM_PT_PTE, smm_space_pfn(s, frame),
			     prot | SHADOWMM_PROT_USER, true);

	if (!*slot)
		s->vm.rss_file++;
	*slot = smm_pte_hw_update(s->fmt, e, true);
}

/*
 * page_mkclean_one() on one PTE of a page-cache page: made read-only
 * and clean, its young state kept, so the next write faults and dirties
 * the page again. Returns whether it was dirty (the caller moves that
 * to the page: folio_clear_dirty_for_io() gathers it).
 */
bool smm_space_mkclean_file_pte(struct smm_space *s, u64 *slot, unsigned int prot)
{
	u32 fl = smm_pte_flags(s->fmt, SHADOWMM_PT_PTE, *slot);
	u64 frame, e;

	if (!smm_space_pte_frame(s, *slot, &frame))
		return false;
	e = smm_pte_make(s->fmt, SHADOWMM_PT_PTE, smm_space_pfn(s, frame),
			 (prot & ~SHADOWMM_PROT_WRITE) | SHADOWMM_PROT_USER, true);
	*slot = (fl & SHADOWMM_PTF_ACCESSED) ? smm_pte_hw_update(s->fmt, e, false) : e;
	return fl & SHADOWMM_PTF_DIRTY;
}

/* The frame a present 4K leaf @e of @s maps, or false. */
bool smm_space_pte_frame(const struct smm_space *s, u64 e, u64 *frame)
{
	return e && !smm_pte_swap(s->fmt, SHADOWMM_PT_PTE, e) &&
	       smm_pte_leaf(s->fmt, SHADOWMM_PT_PTE, e) &&
	       smm_space_entry_idx(s, SHADOWMM_PT_PTE, e, frame);
}

/*
 * A page read ahead into the swap cache for @slot of the space with id
 * @id (the slot's owner, swap.h): an LRU record and a movable order-0
 * page, neither reclaiming (readahead is a guess: it takes what is
 * free, as __read_swap_cache_async() gives up quietly), filled with
 * the 4 KiB at @src, owned by that space as an anonymous page, on the
 * inactive anon list unmapped (smm_lru_add_cached()). -ENOMEM with
 * nothing changed.
 */
int smm_space_cache_new(struct smm_mm *mm, u32 id, u32 slot, const void *src, u64 *frame)
{
	unsigned int cpu;
	void *mem;
	u32 rec;
	int ret;

	ret = smm_lru_rec_alloc(mm, 0, &rec);
	if (ret)
		return ret;
	ret = smm_alloc_pages_reclaim(mm, 0, SMM_GFP_HIGHUSER_MOVABLE, &cpu, frame);
	if (ret) {
		smm_lru_rec_free(mm, rec);
		return ret;
	}
	smm_frame_own(mm, *frame, SMM_FRAME_SPACE, smm_anon_data(id, rec), cpu);
	smm_cpu_put();
	mem = smm_kmap_local_frame(mm, *frame);
	if (WARN_ON_ONCE(!mem)) {
		smm_space_cache_free_page(mm, *frame);
		smm_lru_rec_free(mm, rec);
		return -EFAULT;
	}
	memcpy(mem, src, SMM_PAGE_SIZE);
	smm_kunmap_local_frame(mm, *frame, mem);
	smm_lru_add_cached(mm, rec, *frame, slot);
	return 0;
}

/*
 * A swap-cache hit (do_swap_page() finding the page): the cached page
 * @frame mapped at @va of @s in place of its swap entry, as
 * smm_space_map_anon_from() would map a new one (@young, @write). An
 * unmapped page's record and tag become @s's (its rmap); a page other
 * members of @s's family map already (a shared slot, swap.c maps it
 * read-only) keeps its record, which names one of them at the same va.
 * PG_readahead is left for the caller to read. Nothing is allocated:
 * the swap entry's tables exist. -EFAULT if they do not.
 */
int smm_space_map_cached(struct smm_space *s, u64 va, unsigned int prot, bool young, bool write,
			 u64 frame)
{
	struct smm_lru_rec *x = smm_lru_rec_of_mut(s->mm, frame);
	struct smm_space_path p;
	u64 e;

	if (WARN_ON_ONCE(!x || (x->space && (!s->anon_vma || x->space->anon_vma != s->anon_vma)) ||
			 (!s->anon_vma &&
			  smm_space_tag_id(smm_frame_tag(&s->mm->frames[frame])) != s->id)))
		return -EFAULT;
	if (smm_space_descend(s, va, SHADOWMM_PT_PTE, false, 0, &p) != SHADOWMM_PT_PTE ||
	    WARN_ON_ONCE(!smm_pte_swap(s->fmt, SHADOWMM_PT_PTE, *p.slot[SHADOWMM_PT_PTE])))
		return -EFAULT;
	e = smm_pte_make(s->fmt, SHADOWMM_PT_PTE, smm_space_pfn(s, frame), prot, true);
	*p.slot[SHADOWMM_PT_PTE] = young ? smm_pte_hw_update(s->fmt, e, write) : e;
	s->mapped[0]++;
	s->vm.rss_anon++;
	if (!x->space) {
		x->va = va;
		smm_space_anon_retag(s, frame);
	}
	return 0;
}

/*
 * An unmapped page of the swap cache freed (swap.c drops it from the
 * cache first): off the LRU, back to the buddy. No space needed: the
 * page is in none's tables.
 */
void smm_space_cache_free(struct smm_mm *mm, u64 frame)
{
	smm_lru_del(mm, frame);
	smm_space_cache_free_page(mm, frame);
}

/* munmap()'s zap: the anonymous pages in [va, end) unmapped and freed. */
void smm_space_unmap_anon(struct smm_space *s, u64 va, u64 end)
{
	smm_space_clear(s, va, end, true);
}

/*
 * The memory of the page of pfn @pfn (ours), mapped (kmap_local_page())
 * until smm_space_page_unmap(); NULL when it has none.
 */
void *smm_space_page_map(const struct smm_space *s, u64 pfn)
{
	u64 idx;

	if (WARN_ON_ONCE(!smm_range_pfn_to_idx(s->mm->range, pfn, &idx)))
		return NULL;
	return smm_kmap_local_frame(s->mm, idx);
}

/* kunmap_local() of smm_space_page_map()'s @mem. */
void smm_space_page_unmap(const struct smm_space *s, u64 pfn, const void *mem)
{
	u64 idx;

	if (smm_range_pfn_to_idx(s->mm->range, pfn, &idx))
		smm_kunmap_local_frame(s->mm, idx, mem);
}

/* Was the page of pfn @pfn (ours) mapped by a fault? */
bool smm_space_page_anon(const struct smm_space *s, u64 pfn)
{
	u64 idx;

	if (!smm_range_pfn_to_idx(s->mm->range, pfn, &idx))
		return false;
	return smm_frame_data(&s->mm->frames[idx]) & SMM_ANON_BIT;
}

/*
 * The PTE of @s that maps @frame at @va (a present 4K leaf), or NULL:
 * one step of the anon rmap walk (fork.c).
 */
u64 *smm_space_pte_of(struct smm_space *s, u64 va, u64 frame)
{
	unsigned int level;
	u64 *slot = smm_space_entry(s, va, &level), idx;

	if (!slot || level != SHADOWMM_PT_PTE || !smm_space_pte_frame(s, *slot, &idx) ||
	    idx != frame)
		return NULL;
	return slot;
}

/*
 * The shared anonymous page @frame's record and owner tag move to @to,
 * a space that maps it at the record's va, when the mapper they named
 * lets go of it (fork.c): the rmap's record names a mapper, the tag its
 * id (lru.h's invariants).
 */
void smm_space_anon_retag(struct smm_space *to, u64 frame)
{
	struct smm_lru_rec *x = smm_lru_rec_of_mut(to->mm, frame);

	if (WARN_ON_ONCE(!x))
		return;
	x->space = to;
	smm_space_cache_retag(to->mm, frame, to->id);
	/* a page of the swap cache: its slot's owner is its tag (swap.h) */
	if (x->flags & SMM_LRU_F_SWAPCACHE)
		smm_swap_cache_owner(to->mm, smm_lru_rec_slot(x->flags), to->id);
}

/*
 * The anonymous page @frame's owner tag becomes space @id's, its record
 * number and mark kept: a retag (above), or an unmapped page of the
 * swap cache whose slot changes owner (swap.c).
 */
void smm_space_cache_retag(struct smm_mm *mm, u64 frame, u32 id)
{
	const struct smm_frame *f = &mm->frames[frame];
	unsigned int cpu = smm_cpu_get();

	smm_frame_own(mm, frame, SMM_FRAME_SPACE,
		      smm_anon_data(id, smm_anon_rec(f)) |
		      (smm_frame_data(f) & (SMM_MARK_BIT | SMM_PAGE_MARK_BITS)), cpu);
	smm_cpu_put();
}

/*
 * smm_space_pte_alloc() without direct reclaim, for fork: the parent's
 * PTEs that fork holds stay put (nothing is swapped out meanwhile).
 */
int smm_space_pte_alloc_noreclaim(struct smm_space *s, u64 va, u64 **slot)
{
	return __smm_space_pte_alloc(s, va, 0, slot);
}

/*
 * copy_present_page()'s page (pin.c): a new anonymous page at @va of
 * the child @s with the 4 KiB at @src, tables made as needed, mapped
 * with @prot and dirty but not young, on the anon LRU with its rmap;
 * no reclaim (fork holds the parent's PTEs). All or nothing, as
 * smm_space_map_anon().
 */
int smm_space_map_anon_fork(struct smm_space *s, u64 va, unsigned int prot, const void *src)
{
	return smm_space_map_anon_page(s, va, prot, false, true, src, false, NULL);
}

/*
 * wp_page_copy()'s new page (fork.c): a new anonymous page with the
 * bytes of @old, the shared page @s maps read-only at @va, allocated
 * first (direct reclaim allowed: smm_space_cow_anon() keeps @old off
 * the LRU meanwhile, and reclaim takes no table), then @s's mapping of
 * @old dropped through smm_space_zap_leaf() (the others keep it) and
 * the new page mapped there writable, young and dirty (@prot), on the
 * anon LRU with its rmap. -ENOMEM with nothing changed.
 */
static int smm_space_cow_copy(struct smm_space *s, u64 va, unsigned int prot, u64 old)
{
	struct smm_space_path p;
	const void *src = smm_space_table(s, old);
	u64 idx, e;
	void *mem;
	u32 rec;
	int ret;

	ret = smm_lru_rec_alloc(s->mm, SMM_GFP_DIRECT_RECLAIM, &rec);
	if (ret)
		return ret;
	ret = smm_space_get(s, 0, SHADOWMM_GFP_MOVABLE | SMM_GFP_DIRECT_RECLAIM, SMM_FRAME_SPACE,
			    smm_anon_data(s->id, rec), &idx);
	if (ret) {
		smm_lru_rec_free(s->mm, rec);
		return ret;
	}
	mem = smm_space_table(s, idx);
	if (WARN_ON_ONCE(!mem || !src ||
			 smm_space_descend(s, va, SHADOWMM_PT_PTE, false, 0, &p) != SHADOWMM_PT_PTE ||
			 !smm_space_pte_of(s, va, old))) {
		smm_space_put(s, idx, SMM_FRAME_SPACE);
		smm_lru_rec_free(s->mm, rec);
		return -EFAULT;
	}
	memcpy(mem, src, SMM_PAGE_SIZE);
	smm_space_zap_leaf(s, p.slot[SHADOWMM_PT_PTE], old, SMM_PAGE_SHIFT, 0);
	e = smm_pte_make(s->fmt, SHADOWMM_PT_PTE, smm_space_pfn(s, idx), prot, true);
	*p.slot[SHADOWMM_PT_PTE] = smm_pte_hw_update(s->fmt, e, true);
	s->mapped[0]++;
	s->vm.rss_anon++;
	smm_lru_add_new(s->mm, rec, s, va, idx);
	return 0;
}

/*
 * wp_page_copy() of the shared page @old at @va of @s (fork.c):
 * smm_space_cow_copy() with @old isolated from the LRU while the new
 * page is allocated (direct reclaim may run, and it swaps shared pages
 * out: the kernel's copy holds a reference, which makes reclaim keep
 * the folio), put back after. -ENOMEM with nothing changed.
 */
int smm_space_cow_anon(struct smm_space *s, u64 va, unsigned int prot, u64 old)
{
	bool isolated;
	int ret;

	/* reclaim swaps shared pages out: @old stays off the lists meanwhile (its page ref) */
	isolated = smm_lru_isolate_page(s->mm, old);
	ret = smm_space_cow_copy(s, va, prot, old);
	if (isolated)
		smm_lru_putback_page(s->mm, old);
	return ret;
}
