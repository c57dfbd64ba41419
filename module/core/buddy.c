// SPDX-License-Identifier: GPL-2.0
/*
 * The buddy allocator of one zone, after mm/page_alloc.c.
 *
 * Free blocks of order N sit on the zone's free list of (N, migratetype),
 * linked through their head descriptors. Allocation takes the smallest
 * block of the wanted migratetype and splits it, handing the upper halves
 * back (expand()); freeing merges a block with its buddy, the block of the
 * same order whose index differs only in bit N, for as long as that buddy
 * is free, whole and in the same zone. When a migratetype has nothing
 * left, the allocator falls back to another one, stealing whole 2 MiB
 * pageblocks when the request is large or long-lived enough, so that
 * unmovable allocations cluster instead of spreading (the kernel's
 * anti-fragmentation).
 *
 * Which lists hold a block is also a word per migratetype
 * (zone->nonempty[mt], bit N for order N), kept with the lists in the
 * same places that empty or fill one (an empty list's first block, a
 * last block unlinked), so that an allocation finds the smallest
 * non-empty list with one bit scan where the kernel probes list_empty()
 * order by order; CHECK compares it with the lists.
 *
 * Everything here runs with the zone lock held. The free counters
 * (zone->free, nr_free) are also read without it, by the watermark check
 * and by snapshots (zone.c): zone->free is stored with WRITE_ONCE(), and
 * nr_free moves with the kernel's own plain increment (smm_locked_count_add()),
 * one store each, so those READ_ONCE()s see whole values and the race is a
 * declared one.
 */
#include "mm_internal.h"
#include "trace_hooks.h"

#define SMM_NO_IDX	(~0ULL)

/*
 * The kernel's fallbacks[]: which free lists each migratetype a request
 * asks for may raid. HighAtomic is neither raided nor raiding: only
 * rmqueue_buddy()'s explicit tries take from it (__smm_rmqueue_buddy()).
 */
static const u8 smm_fallbacks[SMM_NR_PCPTYPES][SMM_NR_PCPTYPES - 1] = {
	[SHADOWMM_MT_UNMOVABLE]   = { SHADOWMM_MT_RECLAIMABLE, SHADOWMM_MT_MOVABLE },
	[SHADOWMM_MT_MOVABLE]     = { SHADOWMM_MT_RECLAIMABLE, SHADOWMM_MT_UNMOVABLE },
	[SHADOWMM_MT_RECLAIMABLE] = { SHADOWMM_MT_UNMOVABLE,   SHADOWMM_MT_MOVABLE },
};

/*
 * Make @idx a free block of @order and put it on its list: at the head,
 * where the next allocation takes it, or with @tail at the end, where it
 * stays longest (add_to_free_list() and add_to_free_list_tail()), @a
 * being the zone's free area of @order. @frames is mm->frames and
 * @census_end the zone's sweep.end, both read once by the caller (the
 * zone lock keeps them still): the loops pass a constant 0 when no
 * CHECK runs, and the census hook compiles away.
 */
static __always_inline void __smm_add_free_area(struct smm_frame *frames, struct smm_zone *z,
						struct smm_free_area *a, u64 idx,
						unsigned int order, unsigned int mt, bool tail,
						u64 census_end)
{
	u32 first = a->head[mt], last = a->tail[mt];

	if (tail && last != SMM_FRAME_NONE) {
		smm_frame_set_linked(&frames[idx], SMM_FRAME_FREE, order, mt, last,
				     SMM_FRAME_NONE);
		smm_frame_set_next(&frames[last], idx);
		a->tail[mt] = idx;
	} else {
		smm_frame_set_linked(&frames[idx], SMM_FRAME_FREE, order, mt, SMM_FRAME_NONE,
				     first);
		if (first != SMM_FRAME_NONE) {
			smm_frame_set_prev(&frames[first], idx);
		} else {
			a->tail[mt] = idx;
			z->nonempty[mt] |= 1U << order;
		}
		a->head[mt] = idx;
	}
	smm_locked_count_add(a->nr_free[mt], 1);
	if (unlikely(idx < census_end))	/* behind CHECK's cursor */
		z->sweep.nr_free[order][mt]++;
}

/* The same, the list's free area (&z->area[@order]) found here. */
static __always_inline void __smm_add_free(struct smm_frame *frames, struct smm_zone *z,
					   u64 idx, unsigned int order, unsigned int mt,
					   bool tail, u64 census_end)
{
	__smm_add_free_area(frames, z, &z->area[order], idx, order, mt, tail, census_end);
}

static __always_inline void smm_add_free(struct smm_mm *mm, struct smm_zone *z, u64 idx,
					 unsigned int order, unsigned int mt, bool tail)
{
	__smm_add_free(mm->frames, z, idx, order, mt, tail, z->sweep.end);
}

/*
 * Unlink the free block at @idx of @order whose descriptor word the
 * caller read (@f: it names the list) from free area @a, the zone's of
 * @order; the zone lock keeps it so. @frames and @census_end as for
 * __smm_add_free().
 */
static __always_inline void __smm_del_free_area(struct smm_frame *frames, struct smm_zone *z,
						struct smm_free_area *a, u64 idx,
						unsigned int order, struct smm_frame f,
						u64 census_end)
{
	unsigned int mt = smm_frame_mt(&f);
	u32 prev, next;

	/* alone on its list (every split and merge of a lone block): no decoding */
	if (smm_frame_data(&f) == smm_frame_links(SMM_FRAME_NONE, SMM_FRAME_NONE)) {
		a->head[mt] = SMM_FRAME_NONE;
		a->tail[mt] = SMM_FRAME_NONE;
		z->nonempty[mt] &= ~(1U << order);
		goto count;
	}
	prev = smm_frame_prev(&f);
	next = smm_frame_next(&f);
	if (prev != SMM_FRAME_NONE)
		smm_frame_set_next(&frames[prev], next);
	else
		a->head[mt] = next;
	if (next != SMM_FRAME_NONE)
		smm_frame_set_prev(&frames[next], prev);
	else
		a->tail[mt] = prev;
count:
	smm_locked_count_sub(a->nr_free[mt], 1);
	if (unlikely(idx < census_end))
		z->sweep.nr_free[order][mt]--;
}

/* The same, the list's free area (&z->area[@order]) found here. */
static __always_inline void __smm_del_free(struct smm_frame *frames, struct smm_zone *z,
					   u64 idx, unsigned int order, struct smm_frame f,
					   u64 census_end)
{
	__smm_del_free_area(frames, z, &z->area[order], idx, order, f, census_end);
}

/* Unlink the free block at @idx; its descriptor names its list. */
static __always_inline void smm_del_free(struct smm_mm *mm, struct smm_zone *z, u64 idx)
{
	struct smm_frame f = mm->frames[idx];

	__smm_del_free(mm->frames, z, idx, smm_frame_order(&f), f, z->sweep.end);
}

/* move_to_free_list(): to the tail of @mt's list. */
static void smm_move_free(struct smm_mm *mm, struct smm_zone *z, u64 idx, unsigned int mt)
{
	unsigned int order = smm_frame_order(&mm->frames[idx]);

	smm_del_free(mm, z, idx);
	smm_add_free(mm, z, idx, order, mt, true);
}

/*
 * page_is_buddy(): the block at @buddy is the free buddy of order @order.
 * Its head says so only when the whole block is free (tails and holes are
 * never FREE heads), and the zone bound keeps merges inside the zone.
 * FREE is only ever written under the zone lock we hold; anything else
 * there may be changing under a pcp lock or an owner, hence one load.
 */
static __always_inline bool smm_free_head_of(const struct smm_frame *f, unsigned int order)
{
	/* type and order in one compare of the word's low byte */
	return (f->word & SMM_FRAME_MASK(SMM_FRAME_MT_SHIFT)) ==
	       smm_frame_head_word(SMM_FRAME_FREE, order, 0, 0);
}

static bool smm_is_free_buddy(const struct smm_mm *mm, const struct smm_zone *z,
			      u64 buddy, unsigned int order)
{
	struct smm_frame f;

	if (buddy < z->start || buddy >= z->end)
		return false;
	f = smm_frame_load(&mm->frames[buddy]);	/* held by someone else when not FREE */
	return smm_free_head_of(&f, order);
}

/*
 * buddy_merge_likely(): the block at @idx of @order could not merge with
 * its buddy, but the block they would form has a free buddy of its own:
 * once the missing buddy comes back, two merges follow. Such a block goes
 * to the tail of its list, so that it is less likely to be taken before.
 */
static __always_inline bool smm_buddy_merge_likely(const struct smm_mm *mm,
						   const struct smm_zone *z, u64 idx,
						   unsigned int order)
{
	u64 higher = idx & ~(1ULL << order);

	if (order >= SMM_MAX_ORDER - 1)
		return false;
	return smm_is_free_buddy(mm, z, higher ^ (1ULL << (order + 1)), order + 1);
}

/*
 * One level of __free_one_page()'s merge loop, as the kernel's: the
 * buddy of the block at *@idx (*@bit its size) found with one xor and
 * one load, unlinked from free area *@a, the higher of the two made a
 * tail. Returns false, changing nothing, when the buddy does not merge.
 * @alone is the word of a FREE head of this order and of @mt alone on
 * its list: a buddy whose word is exactly that (a block split off for
 * an allocation and freed back: every level of a split block) is known
 * by one compare to be a free head of the right order on @mt's list of
 * order @o with no neighbour, and is unlinked with two stores, no field
 * decoded, the list's bit in zone->nonempty[@mt] left for the caller to
 * clear (every level merged so, the ones in *@kept excepted).
 * Any other word takes the general test: page_is_buddy() as one compare
 * of the word's low byte with @alone's (FREE of this order), the
 * buddy's list from its own migratetype and links. With @checked, the
 * two tests that only some levels need: the zone bound (from
 * @bound_order on: below it the zone's start and end are multiples of
 * the block the two buddies form, so a buddy of a block in the zone is
 * in the zone) and, at pageblock order and above, the migratetypes
 * (whole pageblocks merge across types only when both are mergeable,
 * below MIGRATE_PCPTYPES: a HighAtomic block never joins another
 * type's, or the reserve's count would follow blocks that are not on
 * its lists; the lone-buddy case asks only that both pageblocks be of
 * @mt, and leaves any other pair to this rule).
 */
static __always_inline bool smm_merge_level(struct smm_mm *mm, struct smm_zone *z,
					    struct smm_frame *frames, u64 *idx, u64 bit,
					    u64 alone, struct smm_free_area *a, unsigned int o,
					    unsigned int mt, bool checked,
					    unsigned int bound_order, u64 census_end, u32 *kept)
{
	u64 buddy = *idx ^ bit;
	struct smm_frame f;

	if (checked && o >= bound_order && (buddy < z->start || buddy >= z->end))
		return false;
	f = smm_frame_load(&frames[buddy]);	/* held by someone else when not FREE */
	if (likely(f.word == alone) && (!checked || o < SMM_PAGEBLOCK_ORDER ||
					mt == smm_pageblock_mt(mm, buddy))) {
		/* __smm_del_free_area() of a block alone on @mt's list */
		a->head[mt] = SMM_FRAME_NONE;
		a->tail[mt] = SMM_FRAME_NONE;
		/* nonempty[mt]'s bit @o: the caller clears it with the other levels' */
		smm_locked_count_sub(a->nr_free[mt], 1);
		if (unlikely(buddy < census_end))
			z->sweep.nr_free[o][mt]--;
		goto merged;
	}
	if ((f.word & SMM_FRAME_MASK(SMM_FRAME_MT_SHIFT)) !=
	    (alone & SMM_FRAME_MASK(SMM_FRAME_MT_SHIFT)))
		return false;
	if (checked && o >= SMM_PAGEBLOCK_ORDER) {
		unsigned int buddy_mt = smm_pageblock_mt(mm, buddy);

		if (mt != buddy_mt && (mt >= SMM_NR_PCPTYPES || buddy_mt >= SMM_NR_PCPTYPES))
			return false;
	}
	__smm_del_free_area(frames, z, a, buddy, o, f, census_end);
	*kept |= bit;	/* that unlink kept the list's bit right itself */
merged:
	/* they differ in @bit only: the lower of the two the head, the higher a tail */
	*idx &= buddy;
	smm_frame_set_tail(&frames[*idx + bit]);
	return true;
}

/*
 * __free_one_page()'s merge loop: merge the block at @idx of *@order
 * with its free buddies and return the head of the result (*@order its
 * order), level by level (smm_merge_level()). The levels below both
 * @bound_order and pageblock order need neither of its checks and run
 * in a loop of their own; the free area, the buddy's distance and the
 * compared word go from level to level with an add or a shift; the
 * lists the lone buddies of @mt leave empty are cleared from
 * zone->nonempty[@mt] once, at the end. *@area is the free area of the
 * result's order. @frames and @census_end as for __smm_add_free().
 */
static __always_inline u64 smm_merge(struct smm_mm *mm, struct smm_zone *z,
				     struct smm_frame *frames, u64 idx, unsigned int *order,
				     struct smm_free_area **area, unsigned int mt,
				     unsigned int bound_order, u64 census_end)
{
	const unsigned int plain = min(bound_order, (unsigned int)SMM_PAGEBLOCK_ORDER);
	unsigned int o = *order;
	struct smm_free_area *a = &z->area[o];
	/* 1 << o and the word of a lone free buddy, kept level to level */
	u64 bit = 1ULL << o;
	u64 alone = smm_frame_head_word(SMM_FRAME_FREE, o, mt,
					smm_frame_links(SMM_FRAME_NONE, SMM_FRAME_NONE));
	const u64 step = 1ULL << SMM_FRAME_ORDER_SHIFT;
	/*
	 * The bits of nonempty[mt] the final clear leaves: the orders below
	 * the first, and the levels whose buddy took the general unlink
	 * (which kept its list's bit right itself).
	 */
	u32 kept = (u32)bit - 1;

	/* the plain levels counted by @bit alone; @o is its log, found after */
	for (; bit < 1ULL << plain; a++, bit <<= 1, alone += step)
		if (!smm_merge_level(mm, z, frames, &idx, bit, alone, a, __builtin_ctzll(bit), mt,
				     false, bound_order, census_end, &kept))
			break;
	o = __builtin_ctzll(bit);
	if (o < plain)
		goto done;
	for (; o < SMM_MAX_ORDER; o++, a++, bit <<= 1, alone += step)
		if (!smm_merge_level(mm, z, frames, &idx, bit, alone, a, o, mt, true,
				     bound_order, census_end, &kept))
			break;
done:
	/* the other levels below @o merged a lone buddy: their lists of @mt emptied */
	z->nonempty[mt] &= ~((u32)(bit - 1) & ~kept);
	*order = o;
	*area = a;
	return idx;
}

/*
 * __free_one_page(): return the block at @idx to the free lists, merging
 * it with its buddies. The head that ends up inside the merged block is
 * made a tail so that only the merged head describes it. @to_tail is
 * FPI_TO_TAIL (memory handed over at setup); otherwise the merged block
 * goes to the tail when buddy_merge_likely() says so.
 */
static __always_inline void __smm_free_one_inline(struct smm_mm *mm, struct smm_zone *z, u64 idx,
						  unsigned int order, unsigned int mt, bool to_tail)
{
	/* the zone lock keeps these still: loaded once, not per level */
	struct smm_frame *frames = mm->frames;
	const u64 census_end = z->sweep.end;
	/* the largest alignment both bounds share, MAX_ORDER at most */
	unsigned int bound_order = __builtin_ctzll(z->start | z->end | (1ULL << SMM_MAX_ORDER));
	struct smm_free_area *a;	/* the merged block's, from the merge */

	WRITE_ONCE(z->free, z->free + (1ULL << order));
	/* two copies of the loop: without CHECK the census hook folds away */
	if (likely(!census_end))
		idx = smm_merge(mm, z, frames, idx, &order, &a, mt, bound_order, 0);
	else
		idx = smm_merge(mm, z, frames, idx, &order, &a, mt, bound_order, census_end);
	if (!to_tail)
		to_tail = smm_buddy_merge_likely(mm, z, idx, order);
	__smm_add_free_area(frames, z, a, idx, order, mt, to_tail, census_end);
}

static void smm_free_one(struct smm_mm *mm, struct smm_zone *z, u64 idx, unsigned int order,
			 unsigned int mt, bool to_tail)
{
	__smm_free_one_inline(mm, z, idx, order, mt, to_tail);
}

void __smm_free_one(struct smm_mm *mm, struct smm_zone *z, u64 idx, unsigned int order,
		    unsigned int mt)
{
	smm_free_one(mm, z, idx, order, mt, false);
}

/*
 * free_one_page(): a block straight back to the buddy (page_alloc.c's
 * frees that the per-CPU lists do not take): __free_one_page() under
 * the zone lock, in a write section of its seqcount, with the zone's
 * count of such frees. One function with the merge inline, so that what
 * the merge needs survives the lock call in the registers it uses.
 */
void smm_free_one_page(struct smm_mm *mm, struct smm_zone *z, u64 idx, unsigned int order,
		       unsigned int mt)
{
	smm_lock(&z->lock);
	smm_seq_write_begin(&z->seq);
	/* counted first: the merge then leaves @order behind */
	smm_count_add(z->stats.free[order], 1);
	__smm_free_one_inline(mm, z, idx, order, mt, false);
	smm_seq_write_end(&z->seq);
	smm_unlock(&z->lock);
}

/*
 * expand(): split a block of order @high down to @low, freeing upper
 * halves at the head of their lists; the free area, the half's size
 * and the word of a lone free head go from level to level with a
 * subtraction and a shift. When zone->nonempty[@mt] says every list
 * the halves go to is empty (the first split of a large block), each
 * half is written as that lone word and made its list's head and tail,
 * with no list head read, and the lists' bits are set at once;
 * otherwise each half is added as __smm_add_free_area() does. @frames
 * and @census_end as for __smm_add_free().
 */
static __always_inline void __smm_expand(struct smm_frame *frames, struct smm_zone *z, u64 idx,
					 unsigned int low, unsigned int high, unsigned int mt,
					 u64 census_end)
{
	struct smm_free_area *a = &z->area[high];
	u64 size = 1ULL << high;
	u64 lone = smm_frame_head_word(SMM_FRAME_FREE, high, mt,
				       smm_frame_links(SMM_FRAME_NONE, SMM_FRAME_NONE));
	const u64 step = 1ULL << SMM_FRAME_ORDER_SHIFT;
	/* the bits of orders @low to @high - 1 */
	const u32 lists = (u32)(size - (1ULL << low));

	if (unlikely(z->nonempty[mt] & lists)) {
		while (high > low) {
			high--;
			a--;
			size >>= 1;
			__smm_add_free_area(frames, z, a, idx + size, high, mt, false, census_end);
		}
		return;
	}
	z->nonempty[mt] |= lists;
	while (high > low) {
		u64 half;

		high--;
		a--;
		size >>= 1;
		lone -= step;
		half = idx + size;
		/* __smm_add_free_area() onto an empty list */
		smm_frame_store(&frames[half], lone);
		a->head[mt] = half;
		a->tail[mt] = half;
		smm_locked_count_add(a->nr_free[mt], 1);
		if (unlikely(half < census_end))
			z->sweep.nr_free[high][mt]++;
	}
}

static __always_inline void smm_expand(struct smm_frame *frames, struct smm_zone *z, u64 idx,
				       unsigned int low, unsigned int high, unsigned int mt)
{
	u64 census_end = z->sweep.end;

	/* two copies of the loop: without CHECK the census hook folds away */
	if (likely(!census_end))
		__smm_expand(frames, z, idx, low, high, mt, 0);
	else
		__smm_expand(frames, z, idx, low, high, mt, census_end);
}

/*
 * __smm_del_free_area() of the first block of @mt's list of order @o:
 * its prev link is none, so only its next is read from its word.
 * @frames is mm->frames, read once by the caller.
 */
static __always_inline void smm_del_free_head(struct smm_frame *frames, struct smm_zone *z,
					      u32 idx, unsigned int o, unsigned int mt)
{
	struct smm_free_area *a = &z->area[o];
	u32 next = smm_frame_next(&frames[idx]);

	a->head[mt] = next;
	if (next != SMM_FRAME_NONE) {
		smm_frame_set_prev(&frames[next], SMM_FRAME_NONE);
	} else {
		a->tail[mt] = SMM_FRAME_NONE;
		z->nonempty[mt] &= ~(1U << o);
	}
	smm_locked_count_sub(a->nr_free[mt], 1);
	if (unlikely(idx < z->sweep.end))
		z->sweep.nr_free[o][mt]--;
}

/* @frames is mm->frames, read once by the caller (the zone lock keeps it still). */
static __always_inline u64 __smm_rmqueue_smallest_inline(struct smm_frame *frames,
							  struct smm_zone *z, unsigned int order,
							  unsigned int mt)
{
	/* the lists of @mt from @order up that hold a block: the lowest is the one */
	u32 lists = z->nonempty[mt] >> order << order;
	unsigned int o;
	u32 idx;

	if (!lists)
		return SMM_NO_IDX;
	o = __builtin_ctz(lists);
	idx = z->area[o].head[mt];
	smm_del_free_head(frames, z, idx, o, mt);
	smm_expand(frames, z, idx, order, o, mt);
	return idx;
}

/* __rmqueue_smallest(): the smallest block of @mt's lists, split down to @order. */
static u64 __smm_rmqueue_smallest(struct smm_mm *mm, struct smm_zone *z, unsigned int order,
				  unsigned int mt)
{
	return __smm_rmqueue_smallest_inline(mm->frames, z, order, mt);
}

/*
 * The fallback rules, by policy (enum smm_fallback_policy, mm.h). All
 * three raid the same lists in the same order (smm_fallbacks[]) and
 * change the type of a free block of a whole pageblock or more outright
 * (nothing else lives in it); they differ in what happens to a
 * pageblock that is only partly free:
 *
 * - kernel: 6.1's. Unmovable and reclaimable requests, and large ones,
 *   may steal (can_steal_fallback()); a steal moves the pageblock's free
 *   blocks and claims the pageblock when at least half of it is free or
 *   alike. The balance the other two bracket.
 * - nosteal: can_steal_fallback() always says no: the fallback takes the
 *   one block it needs (for a movable request the smallest, as the
 *   kernel does then), and the pageblock keeps its type. Without claims
 *   unmovable pages spread over movable pageblocks, each freed piece
 *   going back to the movable lists: what grouping by mobility was made
 *   to stop (mixed pageblocks, no steals).
 * - claim: every fallback claims the raided pageblock, however full of
 *   the other type it is. Unmovable pageblocks multiply, and the movable
 *   pages left in them sit in blocks async compaction does not scan:
 *   the other way to mix (a steal on every fallback).
 */
static const char *const smm_fallback_names[SMM_NR_FALLBACK_POLICIES] = {
	[SMM_FALLBACK_KERNEL]	= "kernel",
	[SMM_FALLBACK_NOSTEAL]	= "nosteal",
	[SMM_FALLBACK_CLAIM]	= "claim",
};

const char *smm_fallback_policy_name(unsigned int policy)
{
	return policy < SMM_NR_FALLBACK_POLICIES ? smm_fallback_names[policy] : NULL;
}

int smm_fallback_policy_by_name(const char *name)
{
	int i;

	for (i = 0; i < SMM_NR_FALLBACK_POLICIES; i++)
		if (!strcmp(name, smm_fallback_names[i]))
			return i;
	return -1;
}

/* Set before or between allocations; each fallback reads it once, under the zone lock. */
int smm_set_fallback_policy(struct smm_mm *mm, unsigned int policy)
{
	if (policy >= SMM_NR_FALLBACK_POLICIES)
		return -EINVAL;
	WRITE_ONCE(mm->fallback_policy, policy);
	return 0;
}

/*
 * can_steal_fallback(): large requests, and unmovable or reclaimable ones
 * (which would otherwise pollute many pageblocks), take whole pageblocks;
 * under the other policies never (nosteal) or always (claim).
 */
static bool smm_can_steal(unsigned int policy, unsigned int order, unsigned int start_mt)
{
	if (unlikely(policy != SMM_FALLBACK_KERNEL))
		return policy == SMM_FALLBACK_CLAIM;
	if (order >= SMM_PAGEBLOCK_ORDER / 2)
		return true;
	return start_mt == SHADOWMM_MT_RECLAIMABLE || start_mt == SHADOWMM_MT_UNMOVABLE;
}

static int smm_find_fallback(const struct smm_zone *z, unsigned int policy, unsigned int order,
			     unsigned int start_mt, bool *can_steal)
{
	unsigned int i;

	for (i = 0; i < SMM_NR_PCPTYPES - 1; i++) {
		unsigned int mt = smm_fallbacks[start_mt][i];

		if (z->area[order].nr_free[mt]) {
			*can_steal = smm_can_steal(policy, order, start_mt);
			return mt;
		}
	}
	return -1;
}

/*
 * change_pageblock_range(): a block of pageblock order or more changes
 * type whole. A HighAtomic pageblock inside it (a block freed to a pcp
 * list before its pageblock was reserved merges as its old type) stays
 * reserved: the kernel looks at the first pageblock only and would leave
 * nr_reserved_highatomic counting a block that is no longer reserved.
 */
static void smm_set_pageblock_range(struct smm_mm *mm, u64 idx, unsigned int order,
				    unsigned int mt)
{
	u64 pb = idx >> SMM_PAGEBLOCK_ORDER;
	u64 end = (idx + (1ULL << order) - 1) >> SMM_PAGEBLOCK_ORDER;

	for (; pb <= end; pb++)
		if (mm->pageblock_mt[pb] != SHADOWMM_MT_HIGHATOMIC)
			WRITE_ONCE(mm->pageblock_mt[pb], mt);
}

/*
 * move_freepages_block(): move every free block of the pageblock of @idx
 * to @mt's lists. Returns the free frames found; *movable counts the
 * allocated frames of movable allocations, the "alike" pages that let a
 * movable request claim the block.
 */
static u64 smm_move_pageblock(struct smm_mm *mm, struct smm_zone *z, u64 idx,
			      unsigned int mt, u64 *movable)
{
	u64 start = max(idx & ~(SMM_PAGEBLOCK_FRAMES - 1), z->start);
	u64 end = min((idx | (SMM_PAGEBLOCK_FRAMES - 1)) + 1, z->end);
	u64 i, moved = 0;
	struct smm_frame f;

	*movable = 0;
	for (i = start; i < end; i += 1ULL << smm_frame_order(&f)) {
		/* allocated heads change under their owners' locks: one load */
		f = smm_frame_load(&mm->frames[i]);
		switch (smm_frame_type(&f)) {
		case SMM_FRAME_FREE:
			if (smm_frame_mt(&f) != mt)
				smm_move_free(mm, z, i, mt);
			moved += 1ULL << smm_frame_order(&f);
			break;
		case SMM_FRAME_PAGE:
			if (smm_frame_mt(&f) == SHADOWMM_MT_MOVABLE)
				*movable += 1ULL << smm_frame_order(&f);
			break;
		case SMM_FRAME_TAIL:
			WARN_ON_ONCE(1);	/* a walk head to head never lands on a tail */
			return moved;
		}
	}
	return moved;
}

/*
 * steal_suitable_fallback(): take the fallback block at @idx for @start_mt.
 * A block of a whole pageblock or more changes type outright; otherwise
 * the zone's watermarks are boosted and, when stealing is allowed, the
 * pageblock's free blocks all move and the pageblock changes type if at
 * least half of it is free or alike (under SMM_FALLBACK_CLAIM whatever
 * is free or alike).
 */
static void smm_steal_fallback(struct smm_mm *mm, struct smm_zone *z, u64 idx,
			       unsigned int start_mt, bool whole_block, unsigned int policy)
{
	unsigned int order = smm_frame_order(&mm->frames[idx]);
	unsigned int old_mt = smm_pageblock_mt(mm, idx);
	u64 free, movable, alike;

	/* a stale block of a reserved pageblock: the reserve keeps its block */
	if (old_mt == SHADOWMM_MT_HIGHATOMIC)
		goto single_block;
	if (order >= SMM_PAGEBLOCK_ORDER) {
		smm_set_pageblock_range(mm, idx, order, start_mt);
		smm_count_add(z->stats.mt_steal, 1);
		goto single_block;
	}
	/* a pageblock is about to mix types: raise the watermarks */
	smm_boost_watermark(mm, z);
	if (!whole_block)
		goto single_block;

	free = smm_move_pageblock(mm, z, idx, start_mt, &movable);
	if (!free)
		goto single_block;
	if (start_mt == SHADOWMM_MT_MOVABLE)
		alike = movable;
	else if (old_mt == SHADOWMM_MT_MOVABLE)
		alike = SMM_PAGEBLOCK_FRAMES - (free + movable);
	else
		alike = 0;
	if (free + alike >= SMM_PAGEBLOCK_FRAMES / 2 || policy == SMM_FALLBACK_CLAIM) {
		WRITE_ONCE(mm->pageblock_mt[idx >> SMM_PAGEBLOCK_ORDER], start_mt);
		smm_count_add(z->stats.mt_steal, 1);
	}
	return;

single_block:
	smm_move_free(mm, z, idx, start_mt);
}

/*
 * __rmqueue_fallback(): move a block of another migratetype onto
 * @start_mt's lists. The largest block is taken, so that a steal claims
 * as much as possible at once; a movable request that may not steal takes
 * the smallest instead, to break up as little as possible. With
 * ALLOC_NOFRAGMENT only whole pageblocks may change hands: the zone walk
 * tries the next zone, and only then all zones again without the flag.
 */
static bool __smm_rmqueue_fallback(struct smm_mm *mm, struct smm_zone *z, unsigned int order,
				   unsigned int start_mt, unsigned int alloc_flags)
{
	unsigned int policy = READ_ONCE(mm->fallback_policy);
	int o, mt = -1, min_order = order;
	bool can_steal = false;

	if (order < SMM_PAGEBLOCK_ORDER && (alloc_flags & SMM_ALLOC_NOFRAGMENT))
		min_order = SMM_PAGEBLOCK_ORDER;
	for (o = SMM_MAX_ORDER; o >= min_order; o--) {
		mt = smm_find_fallback(z, policy, o, start_mt, &can_steal);
		if (mt >= 0)
			break;
	}
	if (mt < 0)
		return false;
	if (!can_steal && start_mt == SHADOWMM_MT_MOVABLE && o > (int)order) {
		for (o = order; o <= SMM_MAX_ORDER; o++) {
			mt = smm_find_fallback(z, policy, o, start_mt, &can_steal);
			if (mt >= 0)
				break;
		}
	}
	z->stats.mt_fallback++;
	smm_steal_fallback(mm, z, z->area[o].head[mt], start_mt, can_steal, policy);
	return true;
}

/*
 * __rmqueue()'s CMA balance (6.1): a request that may use CMA
 * (ALLOC_CMA: movable ones) takes from the CMA lists first when more
 * than half of the zone's free frames are CMA ones, so that the area
 * is used rather than left to fill last. Zones without a CMA area skip
 * it on one load.
 */
static bool smm_cma_first(const struct smm_zone *z, unsigned int alloc_flags)
{
	return (alloc_flags & SMM_ALLOC_CMA) && unlikely(z->cma_pages) &&
	       smm_zone_free_cma(z) > z->free / 2;
}

/*
 * __rmqueue(): the CMA lists first when smm_cma_first() says so; then
 * @mt's lists; when they are empty the CMA lists (__rmqueue_cma_fallback(),
 * ALLOC_CMA only), then the fallbacks @alloc_flags allow; the raw block.
 */
static u64 __smm_rmqueue_mt(struct smm_mm *mm, struct smm_zone *z, unsigned int order,
			    unsigned int mt, unsigned int alloc_flags)
{
	u64 idx;

	if (unlikely(smm_cma_first(z, alloc_flags))) {
		idx = __smm_rmqueue_smallest(mm, z, order, SHADOWMM_MT_CMA);
		if (idx != SMM_NO_IDX)
			return idx;
	}
	do {
		idx = __smm_rmqueue_smallest(mm, z, order, mt);
		if (idx == SMM_NO_IDX && (alloc_flags & SMM_ALLOC_CMA) && z->cma_pages)
			idx = __smm_rmqueue_smallest(mm, z, order, SHADOWMM_MT_CMA);
	} while (idx == SMM_NO_IDX && __smm_rmqueue_fallback(mm, z, order, mt, alloc_flags));
	return idx;
}

/*
 * A block off the free lists (@idx, not SMM_NO_IDX) becomes a PAGE head
 * of the request's @mt; @frames is mm->frames, read once by the caller.
 */
static __always_inline void __smm_take(struct smm_mm *mm, struct smm_frame *frames,
				       struct smm_zone *z, u64 idx, unsigned int order,
				       unsigned int mt)
{
	smm_frame_set_head(&frames[idx], SMM_FRAME_PAGE, order, mt);
	WRITE_ONCE(z->free, z->free - (1ULL << order));
	smm_trace_page_alloc_zone_locked(mm, idx, order, mt);
}

/* The same for any @idx: SMM_NO_IDX changes nothing. */
static u64 smm_take(struct smm_mm *mm, struct smm_zone *z, u64 idx, unsigned int order,
		    unsigned int mt)
{
	if (idx != SMM_NO_IDX)
		__smm_take(mm, mm->frames, z, idx, order, mt);
	return idx;
}

/*
 * __rmqueue(): a block of @order for @mt, or SMM_NO_IDX, falling back to
 * other migratetypes as @alloc_flags allow (ALLOC_NOFRAGMENT). The
 * block's head becomes a PAGE head; the caller may retype it (the pcp
 * lists do).
 */
u64 __smm_rmqueue_flags(struct smm_mm *mm, struct smm_zone *z, unsigned int order,
			unsigned int mt, unsigned int alloc_flags)
{
	return smm_take(mm, z, __smm_rmqueue_mt(mm, z, order, mt, alloc_flags), order, mt);
}

/*
 * rmqueue_buddy(): a block straight from the buddy (orders the per-CPU
 * lists do not take, or after they came back empty). A high-order
 * atomic request (ALLOC_HIGHATOMIC) tries the HighAtomic reserve first;
 * then the request's type and its fallbacks; and when those have
 * nothing, a request that cannot block (ALLOC_NON_BLOCK, order 0 too)
 * may still take from the reserve: failing it now is worse than failing
 * a high-order atomic request later. Requests that may block never
 * touch the reserve until it is given back (smm_unreserve_highatomic()).
 */
u64 __smm_rmqueue_buddy(struct smm_mm *mm, struct smm_zone *z, unsigned int order,
			unsigned int mt, unsigned int alloc_flags)
{
	u64 idx = SMM_NO_IDX;

	if (alloc_flags & SMM_ALLOC_HIGHATOMIC)
		idx = __smm_rmqueue_smallest(mm, z, order, SHADOWMM_MT_HIGHATOMIC);
	if (idx == SMM_NO_IDX) {
		idx = __smm_rmqueue_mt(mm, z, order, mt, alloc_flags);
		if (idx == SMM_NO_IDX && (alloc_flags & SMM_ALLOC_NON_BLOCK))
			idx = __smm_rmqueue_smallest(mm, z, order, SHADOWMM_MT_HIGHATOMIC);
	}
	return smm_take(mm, z, idx, order, mt);
}

/*
 * rmqueue_buddy() with its lock: __smm_rmqueue_buddy() under the zone
 * lock, in a write section of its seqcount, a success counted in the
 * zone's buddy allocations. The common case first, with the split
 * inline: no reserve to try first and no CMA balance, so @mt's own
 * lists are what __smm_rmqueue_buddy() would try first; when they have
 * nothing, nothing has changed and it runs whole.
 */
u64 smm_rmqueue_buddy(struct smm_mm *mm, struct smm_zone *z, unsigned int order, unsigned int mt,
		      unsigned int alloc_flags)
{
	u64 idx = SMM_NO_IDX;
	struct smm_frame *frames;

	smm_lock(&z->lock);
	smm_seq_write_begin(&z->seq);
	frames = mm->frames;
	if (likely(!(alloc_flags & SMM_ALLOC_HIGHATOMIC) && !smm_cma_first(z, alloc_flags)))
		idx = __smm_rmqueue_smallest_inline(frames, z, order, mt);
	if (likely(idx != SMM_NO_IDX))
		__smm_take(mm, frames, z, idx, order, mt);
	else
		idx = __smm_rmqueue_buddy(mm, z, order, mt, alloc_flags);
	if (idx != SMM_NO_IDX)
		smm_count_add(z->stats.alloc[order], 1);
	smm_seq_write_end(&z->seq);
	smm_unlock(&z->lock);
	return idx;
}

/*
 * __isolate_free_page() and split_map_pages() for compaction's free
 * scanner (compaction.c): the free block whose head is @idx off its
 * list and out of the zone's free count, cut into 2^order order-0 PAGE
 * heads of type @mt that the caller holds as migration targets and
 * frees like any page. Returns the block's order. The zone lock held,
 * in a write section of the zone's seqcount.
 */
unsigned int __smm_isolate_free_block(struct smm_mm *mm, struct smm_zone *z, u64 idx,
				      unsigned int mt)
{
	unsigned int order = smm_frame_order(&mm->frames[idx]);
	u64 i;

	smm_del_free(mm, z, idx);
	WRITE_ONCE(z->free, z->free - (1ULL << order));
	for (i = 0; i < 1ULL << order; i++)
		smm_frame_set_head(&mm->frames[idx + i], SMM_FRAME_PAGE, 0, mt);
	return order;
}

/*
 * reserve_highatomic_pageblock(): after a high-order atomic allocation
 * succeeded in zone @z, make the pageblock of its block (@idx) a
 * HighAtomic reserve, its free blocks moved to the HighAtomic lists, so
 * that the next such request finds order > 0 blocks that no other
 * request may take. At most 1% of the zone's managed frames plus one
 * pageblock are reserved, and only pageblocks of a type a request asks
 * for (never an already reserved one). nr_reserved_highatomic counts
 * the reserved pageblocks' frames. Unlike the kernel (whose zones are
 * pageblock-aligned), a shadow zone may end inside a pageblock: such a
 * pageblock is never reserved, so each reserved one is counted by one
 * zone. Takes the zone lock.
 */
void smm_reserve_highatomic(struct smm_mm *mm, struct smm_zone *z, u64 idx)
{
	u64 max_managed = z->managed / 100 + SMM_PAGEBLOCK_FRAMES;
	u64 start = idx & ~(SMM_PAGEBLOCK_FRAMES - 1), movable;
	unsigned int mt;

	/* racy, as the kernel's: rechecked under the lock */
	if (READ_ONCE(z->nr_reserved_highatomic) >= max_managed)
		return;
	if (start < z->start || start + SMM_PAGEBLOCK_FRAMES > z->end)
		return;
	smm_lock(&z->lock);
	mt = smm_pageblock_mt(mm, idx);
	if (z->nr_reserved_highatomic < max_managed && mt < SMM_NR_PCPTYPES) {
		smm_seq_write_begin(&z->seq);
		WRITE_ONCE(z->nr_reserved_highatomic,
			   z->nr_reserved_highatomic + SMM_PAGEBLOCK_FRAMES);
		WRITE_ONCE(mm->pageblock_mt[idx >> SMM_PAGEBLOCK_ORDER], SHADOWMM_MT_HIGHATOMIC);
		smm_move_pageblock(mm, z, idx, SHADOWMM_MT_HIGHATOMIC, &movable);
		smm_seq_write_end(&z->seq);
	}
	smm_unlock(&z->lock);
}

/*
 * The pageblock of the free HighAtomic block @idx becomes @mt, and
 * leaves the count if it was reserved (it may be a pageblock given back
 * already, whose block was freed as HighAtomic from a pcp list). As in
 * the kernel only that pageblock changes, also under a block of order
 * 10: a reserved pageblock in its upper half stays reserved and counted,
 * and its frames go back to the reserve when they are next freed. The
 * zone lock is held.
 */
static void smm_unreserve_block(struct smm_mm *mm, struct smm_zone *z, u64 idx, unsigned int mt)
{
	u64 pb = idx >> SMM_PAGEBLOCK_ORDER;

	if (mm->pageblock_mt[pb] == SHADOWMM_MT_HIGHATOMIC)
		WRITE_ONCE(z->nr_reserved_highatomic, z->nr_reserved_highatomic -
			   min(z->nr_reserved_highatomic, SMM_PAGEBLOCK_FRAMES));
	WRITE_ONCE(mm->pageblock_mt[pb], mt);
	/* its free blocks move unmerged: CHECK's merge rule knows (check.c) */
	WRITE_ONCE(z->highatomic_given_back, z->highatomic_given_back + 1);
}

/*
 * unreserve_highatomic_pageblock(): an allocation of @mt that may use
 * zones up to @highest is about to fail; give one reserved pageblock
 * back to @mt, from the highest zone down, taking the first free
 * HighAtomic block of the lowest order and moving its pageblock's free
 * blocks to @mt's lists (no stealing heuristics: the caller needs the
 * frames). Without @force a zone keeps its last reserved pageblock.
 * Returns whether a pageblock was given back. Takes each zone's lock.
 */
bool smm_unreserve_highatomic(struct smm_mm *mm, unsigned int highest, unsigned int mt,
			      bool force)
{
	int zi;

	for (zi = highest; zi >= 0; zi--) {
		struct smm_zone *z = &mm->zones[zi];
		unsigned int o;
		u64 movable;

		if (!smm_zone_populated(z))
			continue;
		if (!force && READ_ONCE(z->nr_reserved_highatomic) <= SMM_PAGEBLOCK_FRAMES)
			continue;
		smm_lock(&z->lock);
		for (o = 0; o < SMM_NR_ORDERS; o++) {
			u32 idx = z->area[o].head[SHADOWMM_MT_HIGHATOMIC];
			bool moved;

			if (idx == SMM_FRAME_NONE)
				continue;
			smm_seq_write_begin(&z->seq);
			smm_unreserve_block(mm, z, idx, mt);
			moved = smm_move_pageblock(mm, z, idx, mt, &movable) != 0;
			smm_seq_write_end(&z->seq);
			if (moved) {
				smm_unlock(&z->lock);
				return true;
			}
		}
		smm_unlock(&z->lock);
	}
	return false;
}

/*
 * split_free_page() at a pageblock: cut the free block at @head, of an
 * order above a pageblock's, so that the pageblock of @pb (inside the
 * block) is a free block of its own: halve it toward @pb, each half
 * that does not hold @pb freed whole onto the list of its first
 * pageblock's type. What isolate_single_pageblock() does to a free
 * block that crosses the edge of a range being isolated, so that no free
 * block spans an isolated and a non-isolated pageblock; the halves stay
 * as large as they can, so that the pageblock, given back, merges into
 * the whole block again (at pageblock order 9 a block of order 10 is
 * two pageblocks either way, freed in the same order; below it,
 * cutting every pageblock apart would leave buddies CHECK finds
 * unmerged). The zone's free count does not change. The zone lock is held, in a write section.
 */
void __smm_split_free_block(struct smm_mm *mm, struct smm_zone *z, u64 head, u64 pb)
{
	unsigned int order = smm_frame_order(&mm->frames[head]), n = 0;
	unsigned int right_order[SMM_MAX_ORDER] = { 0 };
	u64 right[SMM_MAX_ORDER] = { 0 }, half;

	/* the second test says what holds anyway, for pageblock order 10 */
	if (order <= SMM_PAGEBLOCK_ORDER || order > SMM_MAX_ORDER)
		return;
	smm_del_free(mm, z, head);
	/* freed in address order, as the pageblocks once were: the lists' order kept */
	while (order > SMM_PAGEBLOCK_ORDER) {
		half = 1ULL << --order;
		if (pb < head + half) {
			right[n] = head + half;
			right_order[n++] = order;
		} else {
			smm_add_free(mm, z, head, order, smm_pageblock_mt(mm, head), false);
			head += half;
		}
	}
	smm_add_free(mm, z, head, order, smm_pageblock_mt(mm, head), false);
	while (n--)
		smm_add_free(mm, z, right[n], right_order[n], smm_pageblock_mt(mm, right[n]),
			     false);
}

/*
 * move_freepages_block() for isolation (isolate.c): the pageblock at
 * @pb (aligned, no free block crossing its edges: split first) becomes
 * @mt and its free blocks go to @mt's lists. Returns the free frames
 * moved. The zone lock is held, in a write section.
 */
u64 __smm_set_pageblock(struct smm_mm *mm, struct smm_zone *z, u64 pb, unsigned int mt)
{
	u64 movable;

	WRITE_ONCE(mm->pageblock_mt[pb >> SMM_PAGEBLOCK_ORDER], mt);
	return smm_move_pageblock(mm, z, pb, mt, &movable);
}

/*
 * __putback_isolated_page() for every free block of the pageblock at
 * @pb (unset_migratetype_isolate()): each unlinked and freed again as
 * @mt, merging with its buddies as far as they go, so that a range
 * given back after isolation is merged as if it had never been
 * isolated. A free block above pageblock order must have been split
 * (__smm_split_free_block()). The tails a merge leaves behind are
 * stepped over one by one: at most a pageblock's frames. The zone lock
 * is held, in a write section.
 */
void __smm_refree_pageblock(struct smm_mm *mm, struct smm_zone *z, u64 pb, unsigned int mt)
{
	u64 i = pb, end = pb + SMM_PAGEBLOCK_FRAMES;

	while (i < end) {
		struct smm_frame f = mm->frames[i];
		unsigned int order = smm_frame_order(&f);

		if (smm_frame_type(&f) == SMM_FRAME_TAIL) {
			i++;
			continue;
		}
		if (smm_frame_type(&f) == SMM_FRAME_FREE) {
			smm_del_free(mm, z, i);
			WRITE_ONCE(z->free, z->free - (1ULL << order));
			smm_free_one(mm, z, i, order, mt, false);
		}
		i += 1ULL << order;
	}
}

/* __rmqueue() with any fallback allowed: the per-CPU lists' refills. */
u64 __smm_rmqueue(struct smm_mm *mm, struct smm_zone *z, unsigned int order, unsigned int mt)
{
	return __smm_rmqueue_flags(mm, z, order, mt, 0);
}

/*
 * Hand every frame of the zone's sections to the buddy, in the largest
 * aligned blocks that fit, each to the tail of its list
 * (memblock_free_all() and __free_pages_core() do the same at boot).
 */
void smm_buddy_init_zone(struct smm_mm *mm, struct smm_zone *z)
{
	const struct smm_range *r = mm->range;
	u32 i;

	for (i = 0; i < r->nr_sections; i++) {
		const struct smm_section *s = &r->sections[i];
		u64 lo = max(s->start, z->start);
		u64 hi = min(s->start + s->nr_frames, z->end);
		u64 idx;

		for (idx = lo; idx < hi; ) {
			unsigned int order = SMM_MAX_ORDER;

			while (order && ((idx & ((1ULL << order) - 1)) || idx + (1ULL << order) > hi))
				order--;
			smm_free_one(mm, z, idx, order, smm_pageblock_mt(mm, idx), true);
			idx += 1ULL << order;
		}
		if (hi > lo)
			z->present += hi - lo;
	}
	z->managed = z->present;
}
