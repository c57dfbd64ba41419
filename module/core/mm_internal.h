/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The shadow memory manager's internals: what only the core's own files
 * (buddy.c, pcp.c, zone.c, page_alloc.c, check.c, frag.c and the slab and
 * space layers over them) and the host tests call, as mm/internal.h is
 * to mm/. The kernel glue (the files of module/ outside core/) includes
 * mm.h, never this file; scripts/check-names.sh fails if it does.
 *
 * Lock order and the structures are in mm.h.
 */
#ifndef _SMM_CORE_MM_INTERNAL_H
#define _SMM_CORE_MM_INTERNAL_H

#include "mm.h"

/* How many frames a sweep looks at under one taking of its locks. */
#define SMM_SWEEP_FRAMES	256

/*
 * Counters kept under a lock and read without it (smm_mm_generation(),
 * smm_zone_pcp_frames(), smm_cache_live()): each update is one store, so
 * those READ_ONCE()s race with it by design and see a whole value.
 */
#define smm_count_add(var, n)	WRITE_ONCE(var, (var) + (n))
#define smm_count_sub(var, n)	WRITE_ONCE(var, (var) - (n))

/*
 * The same for counters written on the fast paths under their own lock
 * and read without it: a pcp's count and stats (under the pcp lock) and
 * a free list's nr_free (under the zone lock). A plain add, as the
 * kernel's pcp->count update, __count_vm_events() (raw_cpu_add()) and
 * area->nr_free++ are, which x86-64 makes one add to memory, still one
 * store a READ_ONCE() sees whole (WRITE_ONCE() made it a load, an add
 * and a store). Under ThreadSanitizer (and KCSAN) the WRITE_ONCE(), as
 * smm_seq_bump().
 */
#ifndef __SANITIZE_THREAD__
#define smm_locked_count_add(var, n)	((var) += (n))
#define smm_locked_count_sub(var, n)	((var) -= (n))
#else
#define smm_locked_count_add(var, n)	smm_count_add(var, n)
#define smm_locked_count_sub(var, n)	smm_count_sub(var, n)
#endif

/* page_alloc.c: one zone's generation, and the store that moves it */
u64 smm_zone_generation(const struct smm_mm *mm, unsigned int zone);
bool smm_zone_generation_moved(const struct smm_mm *mm, unsigned int zone, u64 gen);
void smm_frame_publish(struct smm_mm *mm, u64 idx, u64 word, unsigned int cpu);

/* pcp.c: one CPU's lists back to the buddy (smm_drain_all_pcp() is mm.h's) */
void smm_drain_pcp(struct smm_mm *mm, unsigned int cpu);
void smm_pcp_update_high(struct smm_mm *mm);

/* check.c: a sweep's chunk ends, its hold is counted */
void smm_hold_end(struct smm_mm *mm, enum smm_hold_kind kind, u64 t0);

/*
 * highmem.c: a frame's bytes. HighMem frames only through a
 * map/unmap pair (kmap_local_page()/kunmap_local()), lowmem ones at
 * their permanent address too; smm_lowmem_frame() for frames that must
 * never be HighMem (page tables, LRU records). NULL: no memory there.
 */
void *smm_kmap_local_frame(struct smm_mm *mm, u64 idx);
void smm_kunmap_local_frame(struct smm_mm *mm, u64 idx, const void *addr);
void *smm_lowmem_frame(const struct smm_mm *mm, u64 idx);
u64 smm_kmap_open_wait(struct smm_mm *mm);

/* zone.c */
void smm_zones_setup(struct smm_mm *mm, const struct smm_zone_layout *l);
void smm_zones_set_watermarks(struct smm_mm *mm, u64 min_free_kbytes);
void smm_zones_managed_changed(struct smm_mm *mm);
bool __smm_zone_watermark_ok(const struct smm_zone *z, unsigned int order, u64 mark,
			     unsigned int highest, unsigned int alloc_flags, s64 free_pages);
bool smm_zone_watermark_ok(const struct smm_zone *z, unsigned int order, u64 mark,
			   unsigned int highest, unsigned int alloc_flags);
bool smm_zone_watermark_fast(const struct smm_zone *z, unsigned int order, u64 mark,
			     unsigned int highest, unsigned int alloc_flags);
bool smm_boost_watermark(const struct smm_mm *mm, struct smm_zone *z);
u64 smm_zone_pcp_frames(const struct smm_mm *mm, unsigned int zone);
void smm_zone_nr_free(const struct smm_zone *z, u64 nr_free[SMM_NR_ORDERS]);

/*
 * The zone of frame @idx: the first zone whose end is above it, the last
 * one past them all (page_zone()). The zones' ends never go down from
 * one zone to the next (smm_zones_setup()), so two compares find Normal,
 * three at most any zone.
 */
static inline unsigned int smm_zone_of(const struct smm_mm *mm, u64 idx)
{
	_Static_assert(SMM_NR_ZONES == 5, "smm_zone_of() knows five zones");
	if (idx < mm->zones[SHADOWMM_ZONE_DMA32].end)
		return idx < mm->zones[SHADOWMM_ZONE_DMA].end ? SHADOWMM_ZONE_DMA :
								SHADOWMM_ZONE_DMA32;
	if (idx < mm->zones[SHADOWMM_ZONE_NORMAL].end)
		return SHADOWMM_ZONE_NORMAL;
	return idx < mm->zones[SHADOWMM_ZONE_HIGHMEM].end ? SHADOWMM_ZONE_HIGHMEM :
							     SHADOWMM_ZONE_MOVABLE;
}

/*
 * The allocator's decisions, as mm/internal.h's ALLOC_* flags and with
 * their values: the low bits index zone->wmark[], the others say which
 * reserves an attempt may use. smm_gfp_to_alloc_flags() derives them
 * from the shadow's GFP as gfp_to_alloc_flags() does (page_alloc.c).
 */
#define SMM_ALLOC_WMARK_MIN	SMM_WMARK_MIN
#define SMM_ALLOC_WMARK_LOW	SMM_WMARK_LOW
#define SMM_ALLOC_WMARK_HIGH	SMM_WMARK_HIGH
#define SMM_ALLOC_NO_WATERMARKS	0x04	/* don't check watermarks at all */
#define SMM_ALLOC_WMARK_MASK	(SMM_ALLOC_NO_WATERMARKS - 1)
#define SMM_ALLOC_NON_BLOCK	0x10	/* cannot block: 25% of min, 62.5% with MIN_RESERVE */
#define SMM_ALLOC_MIN_RESERVE	0x20	/* __GFP_HIGH: 50% of min */
#define SMM_ALLOC_NOFRAGMENT	0x100	/* avoid mixing pageblock types */
#define SMM_ALLOC_HIGHATOMIC	0x200	/* may use MIGRATE_HIGHATOMIC */
#define SMM_ALLOC_CMA		0x80	/* may use MIGRATE_CMA (movable requests) */
/* The flags that allow allocations below the min watermark (no ALLOC_OOM here). */
#define SMM_ALLOC_RESERVES	(SMM_ALLOC_NON_BLOCK | SMM_ALLOC_MIN_RESERVE | SMM_ALLOC_HIGHATOMIC)

/*
 * NR_FREE_CMA_PAGES of a zone: the frames on its CMA free lists (not
 * the ones on pcp lists nor isolated ones, as the kernel counts them).
 * Summed from the lists' counts rather than kept beside them, so that
 * the buddy's list operations stay as they were; read only where the
 * zone has a CMA area (cma_pages). Lockless, as the zone's free count.
 */
static inline u64 smm_zone_free_cma(const struct smm_zone *z)
{
	u64 n = 0;
	unsigned int o;

	for (o = 0; o < SMM_NR_ORDERS; o++)
		n += READ_ONCE(z->area[o].nr_free[SHADOWMM_MT_CMA]) << o;
	return n;
}

/*
 * zone_watermark_fast()'s order-0 shortcut, inline for the allocation
 * fast path (smm_alloc_pages()) and the shortcut of the full check: what
 * is free less what the attempt may not count (the HighAtomic reserve,
 * whole, unless @alloc_flags grant reserves; the free CMA frames unless
 * ALLOC_CMA) stays above @mark and the lowmem reserve. Lockless reads,
 * as the kernel's.
 */
static __always_inline bool __smm_zone_watermark_order0(const struct smm_zone *z, u64 mark,
							u64 lowmem_reserve,
							unsigned int alloc_flags)
{
	s64 usable = READ_ONCE(z->free);
	s64 unusable = 0;

	if (!(alloc_flags & SMM_ALLOC_RESERVES))
		unusable = READ_ONCE(z->nr_reserved_highatomic);
	if (!(alloc_flags & SMM_ALLOC_CMA) && unlikely(READ_ONCE(z->cma_pages)))
		unusable += smm_zone_free_cma(z);
	/*
	 * The kernel clamps (usable -= min(usable, unusable): the reserve's
	 * count may over-estimate it) and then compares; the mark and the
	 * lowmem reserve are never negative, so a negative difference fails
	 * the compare as the clamped 0 does: the same answer, no clamp.
	 */
	return usable - unusable > (s64)(mark + lowmem_reserve);
}

/* The same, the reserve lowmem_reserve[@highest] of @z. */
static __always_inline bool smm_zone_watermark_order0(const struct smm_zone *z, u64 mark,
						      unsigned int highest,
						      unsigned int alloc_flags)
{
	return __smm_zone_watermark_order0(z, mark, z->lowmem_reserve[highest], alloc_flags);
}

/* Migratetype of an allocation, from its flags (gfp_migratetype()). */
static inline unsigned int smm_gfp_mt(unsigned int gfp)
{
	if (gfp & SHADOWMM_GFP_MOVABLE)
		return SHADOWMM_MT_MOVABLE;
	if (gfp & SHADOWMM_GFP_RECLAIMABLE)
		return SHADOWMM_MT_RECLAIMABLE;
	return SHADOWMM_MT_UNMOVABLE;
}

/* gfp_to_alloc_flags_cma(): only movable requests may use CMA pageblocks. */
static inline unsigned int smm_gfp_alloc_cma(unsigned int gfp)
{
	return smm_gfp_mt(gfp) == SHADOWMM_MT_MOVABLE ? SMM_ALLOC_CMA : 0;
}

/*
 * Highest zone an allocation may use, from its zone modifiers, as 6.1's
 * gfp_zone() reads GFP_ZONE_TABLE: DMA or DMA32 (MOVABLE or not) name
 * their zone; HIGHMEM alone HighMem; HIGHMEM | MOVABLE (GFP_HIGHUSER_MOVABLE)
 * Movable; MOVABLE alone, or nothing, Normal. The table's bad pairs
 * (smm_gfp_zone_bad(): HIGHMEM with DMA or DMA32, DMA with DMA32) are
 * refused at the netlink door; here the lowest zone named wins.
 */
static inline unsigned int smm_gfp_zone(unsigned int gfp)
{
	if (gfp & SHADOWMM_GFP_DMA)
		return SHADOWMM_ZONE_DMA;
	if (gfp & SHADOWMM_GFP_DMA32)
		return SHADOWMM_ZONE_DMA32;
	if (gfp & SHADOWMM_GFP_HIGHMEM)
		return gfp & SHADOWMM_GFP_MOVABLE ? SHADOWMM_ZONE_MOVABLE : SHADOWMM_ZONE_HIGHMEM;
	return SHADOWMM_ZONE_NORMAL;
}

/*
 * The fast request of @gfp (mm.h's struct smm_fast_req): its slot is
 * the four low GFP bits (DMA, DMA32, MOVABLE, RECLAIMABLE) and HIGHMEM,
 * the only ones gfp_zone() and gfp_migratetype() read, in place (one
 * mask: the slots between, with bits 4-8, are never asked for).
 */
static inline unsigned int smm_fast_req_index(unsigned int gfp)
{
	return gfp & SMM_FAST_REQ_MASK;
}

/* A zone that is not lowmem: never for slab, page tables, LRU records. */
static inline bool smm_zone_is_high(unsigned int zone)
{
	return zone == SHADOWMM_ZONE_HIGHMEM || zone == SHADOWMM_ZONE_MOVABLE;
}

/*
 * An owner's change to the head of a block it holds: @type and @data,
 * order and migratetype kept, published in one store that moves the
 * generation (smm_frame_publish()). The owner is the only writer of the
 * head while it holds the block, so the plain loads here are its own.
 */
static inline void smm_frame_own(struct smm_mm *mm, u64 idx, unsigned int type, u64 data,
				 unsigned int cpu)
{
	const struct smm_frame *f = &mm->frames[idx];

	smm_frame_publish(mm, idx, smm_frame_head_word(type, smm_frame_order(f),
						       smm_frame_mt(f), data), cpu);
}

/*
 * An owner's change of some data bits of its head @idx (@set, @clear:
 * owner.h's SMM_DIRTY_BIT, SMM_SHARED_BIT), type kept; published only
 * when they change. The owner's serialization (the spaces' lock)
 * keeps other writers of the head away.
 */
static inline void smm_frame_own_bits(struct smm_mm *mm, u64 idx, u64 set, u64 clear)
{
	const struct smm_frame *f = &mm->frames[idx];
	u64 old = smm_frame_data(f), data = (old & ~clear) | set;
	unsigned int cpu;

	if (data == old)
		return;
	cpu = smm_cpu_get();
	smm_frame_own(mm, idx, smm_frame_type(f), data, cpu);
	smm_cpu_put();
}

/* buddy.c: the HighAtomic reserve; each takes the zone locks itself */
void smm_reserve_highatomic(struct smm_mm *mm, struct smm_zone *z, u64 idx);
bool smm_unreserve_highatomic(struct smm_mm *mm, unsigned int highest, unsigned int mt,
			      bool force);

/* buddy.c: the zone lock is held. */
u64 __smm_rmqueue(struct smm_mm *mm, struct smm_zone *z, unsigned int order, unsigned int mt);
u64 __smm_rmqueue_flags(struct smm_mm *mm, struct smm_zone *z, unsigned int order,
			unsigned int mt, unsigned int alloc_flags);
u64 __smm_rmqueue_buddy(struct smm_mm *mm, struct smm_zone *z, unsigned int order,
			unsigned int mt, unsigned int alloc_flags);
/* buddy.c: __smm_rmqueue_buddy() with the zone lock taken and a success counted */
u64 smm_rmqueue_buddy(struct smm_mm *mm, struct smm_zone *z, unsigned int order, unsigned int mt,
		      unsigned int alloc_flags);
void __smm_free_one(struct smm_mm *mm, struct smm_zone *z, u64 idx, unsigned int order,
		    unsigned int mt);
/* buddy.c: __smm_free_one() with the zone lock taken and the free counted */
void smm_free_one_page(struct smm_mm *mm, struct smm_zone *z, u64 idx, unsigned int order,
		       unsigned int mt);
void smm_buddy_init_zone(struct smm_mm *mm, struct smm_zone *z);
unsigned int __smm_isolate_free_block(struct smm_mm *mm, struct smm_zone *z, u64 idx,
				      unsigned int mt);
void __smm_split_free_block(struct smm_mm *mm, struct smm_zone *z, u64 head, u64 pb);
u64 __smm_set_pageblock(struct smm_mm *mm, struct smm_zone *z, u64 pb, unsigned int mt);
void __smm_refree_pageblock(struct smm_mm *mm, struct smm_zone *z, u64 pb, unsigned int mt);

/*
 * pcp_allowed_order(): the orders the per-CPU lists take (orders up to
 * PAGE_ALLOC_COSTLY_ORDER and, with THP as in Debian's 6.1, pageblock
 * order), and order_to_pindex()/pindex_to_order() for their lists.
 */
static inline bool smm_pcp_allowed_order(unsigned int order)
{
	return order <= SMM_PCP_MAX_ORDER || order == SMM_PCP_THP_ORDER;
}

static inline unsigned int smm_pcp_index(unsigned int order, unsigned int mt)
{
	/* free_unref_page(): a HighAtomic block goes on the movable list */
	if (mt >= SMM_NR_PCPTYPES)
		mt = SHADOWMM_MT_MOVABLE;
	if (order > SMM_PCP_MAX_ORDER)
		return SMM_NR_LOWORDER_PCP_LISTS + (mt == SHADOWMM_MT_MOVABLE);
	return order * SMM_NR_PCPTYPES + mt;
}

/*
 * smm_pcp_index(0, mt) by table, for the free's push: one load where the
 * clamp of HighAtomic and CMA to the movable list takes a compare and a
 * conditional move. Indexed by the descriptor's 3-bit field, so that no
 * pageblock byte, whatever it holds, reads past it; every slot past the
 * list types is the movable list, as smm_pcp_index() clamps them
 * (pcp_index0_is_smm_pcp_index).
 */
static const u8 smm_pcp_index0[1 << SMM_FRAME_MT_BITS] = {
	SHADOWMM_MT_UNMOVABLE, SHADOWMM_MT_MOVABLE, SHADOWMM_MT_RECLAIMABLE,
	SHADOWMM_MT_MOVABLE, SHADOWMM_MT_MOVABLE, SHADOWMM_MT_MOVABLE,
	SHADOWMM_MT_MOVABLE, SHADOWMM_MT_MOVABLE,
};

static inline unsigned int smm_pcp_order(unsigned int pindex)
{
	return pindex >= SMM_NR_LOWORDER_PCP_LISTS ? SMM_PCP_THP_ORDER : pindex / SMM_NR_PCPTYPES;
}

/* page_alloc.c: what an attempt may do, from the request (gfp_to_alloc_flags()) */
unsigned int smm_gfp_to_alloc_flags(unsigned int gfp, unsigned int order);
/* page_alloc.c: should_reclaim_retry(), the slow path's reclaim loop decision */
bool smm_should_reclaim_retry(struct smm_mm *mm, unsigned int order, unsigned int gfp,
			      bool progress, unsigned int *no_progress_loops);

/* pcp.c */
void smm_pcp_setup(struct smm_mm *mm);
u64 smm_pcp_alloc(struct smm_mm *mm, struct smm_zone *z, unsigned int order,
		  unsigned int mt, unsigned int alloc_flags, unsigned int cpu);
void smm_pcp_free(struct smm_mm *mm, unsigned int zone, u64 idx, unsigned int order,
		  unsigned int mt, unsigned int cpu);
unsigned int smm_pcp_alloc_many(struct smm_mm *mm, struct smm_zone *z, unsigned int mt,
				unsigned int cpu, unsigned int nr, u64 *idx);
void smm_pcp_free_many(struct smm_mm *mm, struct smm_zone *z, unsigned int cpu,
		       unsigned int nr, const u64 *idx);

/* pcp.c's fast path, inline where page_alloc.c calls it */
/* Lock @pcp and open a write section: what follows may change descriptors. */
static __always_inline void smm_pcp_lock(struct smm_pcp *pcp)
{
	smm_lock(&pcp->lock);
	smm_seq_write_begin(&pcp->seq);
}

static __always_inline void smm_pcp_unlock(struct smm_pcp *pcp)
{
	smm_seq_write_end(&pcp->seq);
	smm_unlock(&pcp->lock);
}

/*
 * The list operations keep CHECK's census current for blocks behind its
 * cursor (sweep_end, 0 when no CHECK runs; see check.c). Each change of
 * a descriptor is one store (frame.h); a list is consistent again when
 * the pcp lock is dropped.
 */
static __always_inline void smm_pcp_census(struct smm_pcp *pcp, u64 idx, s64 frames)
{
	if (unlikely(idx < pcp->sweep_end))
		pcp->sweep_delta += frames;
}

/* The stats slot of @order: itself up to order 3, then the THP slot. */
static __always_inline unsigned int smm_pcp_stat_slot(unsigned int order)
{
	return order <= SMM_PCP_MAX_ORDER ? order : SMM_PCP_THP_SLOT;
}

/*
 * rmqueue_pcplist() when @pcp's list @p (smm_pcp_index()) holds a block: pcp.c's
 * smm_pcp_alloc() without the refill, inline in the allocation fast path,
 * the pcp lock held (it is dropped before the return). An empty list
 * is left as it was (no write section, free_factor untouched) and
 * SMM_NO_IDX returned,
 * so the caller's full path does exactly what it would have done. The
 * descriptor is read once: its link and its type come from that load.
 */
static __always_inline u64 __smm_pcp_alloc_fast(struct smm_pcp *pcp, unsigned int order,
						unsigned int p)
{
	struct smm_frame f;
	u32 idx;

	idx = pcp->lists[p];
	if (unlikely(idx == SMM_FRAME_NONE)) {
		smm_unlock(&pcp->lock);
		return ~0ULL;	/* SMM_NO_IDX */
	}
	smm_seq_write_begin(&pcp->seq);
	pcp->free_factor >>= 1;
	f = pcp->frames[idx];
	pcp->lists[p] = smm_frame_next(&f);
	smm_pcp_census(pcp, idx, -(1LL << order));
	/* its own type: a THP list holds unmovable and reclaimable blocks */
	smm_frame_store(&pcp->frames[idx],
			smm_frame_head_word(SMM_FRAME_PAGE, order, smm_frame_mt(&f),
					    smm_frame_links(SMM_FRAME_NONE, SMM_FRAME_NONE)));
	smm_locked_count_sub(pcp->count, 1U << order);
	smm_locked_count_add(pcp->stats.alloc[smm_pcp_stat_slot(order)], 1);
	smm_pcp_unlock(pcp);
	return idx;
}

/* The same, the pcp lock taken here: __smm_pcp_alloc_fast() expects it held. */
static __always_inline u64 smm_pcp_alloc_fast(struct smm_pcp *pcp, unsigned int order,
					      unsigned int p)
{
	smm_lock(&pcp->lock);
	return __smm_pcp_alloc_fast(pcp, order, p);
}

void smm_pcp_free_high(struct smm_mm *mm, struct smm_pcp *pcp, unsigned int p);

/*
 * free_unref_page() of an order-0 block onto @pcp: pcp.c's smm_pcp_free() with
 * the order a constant, inline in page_alloc.c's free path. The
 * descriptor's word is made before the lock (only its next link comes
 * from the list), and the drain past high is out of line
 * (smm_pcp_free_high()): the same stores in the same order as
 * smm_pcp_commit()'s, with fewer values live across the lock call. The
 * caller fires the free's trace hook.
 */
static __always_inline void smm_pcp_free_fast(struct smm_pcp *pcp, u64 idx, unsigned int mt)
{
	unsigned int p;
	u64 word;
	u32 count;

	smm_pcp_lock(pcp);
	/* the word and the list's index made after the lock call: only @mt kept across it */
	smm_hide_var(mt);
	/* the descriptor's 3-bit field: a no-op on a real type */
	mt &= SMM_FRAME_MASK(SMM_FRAME_MT_BITS);
	p = smm_pcp_index0[mt];
	word = smm_frame_head_word(SMM_FRAME_PCP, 0, mt, smm_frame_links(SMM_FRAME_NONE, 0));
	/* smm_pcp_add_head(): list_add(); the frames loaded after the lock call */
	smm_frame_store(&pcp->frames[idx], word | (u64)pcp->lists[p] << SMM_FRAME_NEXT_SHIFT);
	pcp->lists[p] = idx;
	smm_pcp_census(pcp, idx, 1);
	count = pcp->count + 1;		/* the value stored, not loaded again */
	WRITE_ONCE(pcp->count, count);
	smm_locked_count_add(pcp->stats.free[0], 1);
	if (unlikely(count >= pcp->high))
		smm_pcp_free_high(pcp->mm, pcp, p);
	smm_pcp_unlock(pcp);
}

/* frag.c: the counts behind the indexes mm.h declares */
struct smm_frag {
	u64 free_pages;
	u64 free_blocks_total;
	u64 free_blocks_suitable;
};

void smm_frag_info(const u64 nr_free[SMM_NR_ORDERS], unsigned int order, struct smm_frag *f);

#endif /* _SMM_CORE_MM_INTERNAL_H */
