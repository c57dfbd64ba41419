/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Frame descriptors: one 64-bit word per 4 KiB frame.
 *
 * The kernel spends 64 bytes of struct page per frame; shadowmm spends 8.
 * It can because, like the kernel's buddy allocator, only the first frame
 * of a block (its head) says anything: a free or allocated block of order
 * N is described by its head alone, and the other 2^N - 1 frames are
 * TAIL. Walking the frames head to head therefore covers the whole range.
 *
 *   63          37 36          10 9  8 7    4 3    0
 *  +--------------+--------------+----+------+------+
 *  |     prev     |     next     | mt |order | type |   free, pcp
 *  +--------------+--------------+----+------+------+
 *  |          owner data         | mt |order | type |   allocated
 *  +-----------------------------+----+------+------+
 *
 * prev/next are frame indices (27 bits each, so at most 2^27 - 1 frames,
 * 512 GiB, per range) linking a block into a free list or a per-CPU list:
 * list operations stay O(1) and never touch the managed memory itself.
 * Allocated blocks reuse those 54 bits for whoever owns the block.
 */
#ifndef _SMM_CORE_FRAME_H
#define _SMM_CORE_FRAME_H

#include "env.h"

struct smm_frame {
	u64 word;
};

/* What a head frame is; TAIL is zero so fresh descriptors are all tails. */
enum smm_frame_type {
	SMM_FRAME_TAIL,		/* inside a block described by its head */
	SMM_FRAME_HOLE,		/* between sections: never managed */
	SMM_FRAME_FREE,		/* head of a free buddy block */
	SMM_FRAME_PCP,		/* on a per-CPU list */
	SMM_FRAME_PAGE,		/* head of a block handed out by the buddy */
	SMM_FRAME_SLAB,		/* head of a slab */
	SMM_FRAME_PGTABLE,	/* a page-table page of a shadow space */
	SMM_FRAME_SPACE,	/* data mapped into a shadow space */
	SMM_FRAME_NR_TYPES
};

#define SMM_FRAME_TYPE_BITS	4
#define SMM_FRAME_ORDER_BITS	4
#define SMM_FRAME_MT_BITS	2
#define SMM_FRAME_LINK_BITS	27

#define SMM_FRAME_ORDER_SHIFT	SMM_FRAME_TYPE_BITS
#define SMM_FRAME_MT_SHIFT	(SMM_FRAME_ORDER_SHIFT + SMM_FRAME_ORDER_BITS)
#define SMM_FRAME_NEXT_SHIFT	(SMM_FRAME_MT_SHIFT + SMM_FRAME_MT_BITS)
#define SMM_FRAME_PREV_SHIFT	(SMM_FRAME_NEXT_SHIFT + SMM_FRAME_LINK_BITS)
#define SMM_FRAME_DATA_SHIFT	SMM_FRAME_NEXT_SHIFT
#define SMM_FRAME_DATA_BITS	(2 * SMM_FRAME_LINK_BITS)

#define SMM_FRAME_MASK(bits)	((1ULL << (bits)) - 1)

/* "No frame": the end of a list. Also the bound on a range's span. */
#define SMM_FRAME_NONE		((u32)SMM_FRAME_MASK(SMM_FRAME_LINK_BITS))
#define SMM_MAX_SPAN_FRAMES	((u64)SMM_FRAME_NONE)

static inline unsigned int smm_frame_type(const struct smm_frame *f)
{
	return f->word & SMM_FRAME_MASK(SMM_FRAME_TYPE_BITS);
}

static inline unsigned int smm_frame_order(const struct smm_frame *f)
{
	return (f->word >> SMM_FRAME_ORDER_SHIFT) & SMM_FRAME_MASK(SMM_FRAME_ORDER_BITS);
}

static inline unsigned int smm_frame_mt(const struct smm_frame *f)
{
	return (f->word >> SMM_FRAME_MT_SHIFT) & SMM_FRAME_MASK(SMM_FRAME_MT_BITS);
}

static inline u32 smm_frame_next(const struct smm_frame *f)
{
	return (f->word >> SMM_FRAME_NEXT_SHIFT) & SMM_FRAME_MASK(SMM_FRAME_LINK_BITS);
}

static inline u32 smm_frame_prev(const struct smm_frame *f)
{
	return (f->word >> SMM_FRAME_PREV_SHIFT) & SMM_FRAME_MASK(SMM_FRAME_LINK_BITS);
}

static inline u64 smm_frame_data(const struct smm_frame *f)
{
	return f->word >> SMM_FRAME_DATA_SHIFT;
}

/* Make @f a head of @type and @order; links/data start out empty. */
static inline void smm_frame_set_head(struct smm_frame *f, unsigned int type,
				      unsigned int order, unsigned int mt)
{
	f->word = (u64)type | (u64)order << SMM_FRAME_ORDER_SHIFT |
		  (u64)mt << SMM_FRAME_MT_SHIFT |
		  (u64)SMM_FRAME_NONE << SMM_FRAME_NEXT_SHIFT |
		  (u64)SMM_FRAME_NONE << SMM_FRAME_PREV_SHIFT;
}

/* A head linked between @prev and @next, in one store (the list hot path). */
static inline void smm_frame_set_linked(struct smm_frame *f, unsigned int type,
					unsigned int order, unsigned int mt, u32 prev, u32 next)
{
	f->word = (u64)type | (u64)order << SMM_FRAME_ORDER_SHIFT |
		  (u64)mt << SMM_FRAME_MT_SHIFT |
		  (u64)next << SMM_FRAME_NEXT_SHIFT | (u64)prev << SMM_FRAME_PREV_SHIFT;
}

static inline void smm_frame_set_tail(struct smm_frame *f)
{
	f->word = SMM_FRAME_TAIL;
}

static inline void smm_frame_set_next(struct smm_frame *f, u32 next)
{
	f->word &= ~(SMM_FRAME_MASK(SMM_FRAME_LINK_BITS) << SMM_FRAME_NEXT_SHIFT);
	f->word |= (u64)next << SMM_FRAME_NEXT_SHIFT;
}

static inline void smm_frame_set_prev(struct smm_frame *f, u32 prev)
{
	f->word &= ~(SMM_FRAME_MASK(SMM_FRAME_LINK_BITS) << SMM_FRAME_PREV_SHIFT);
	f->word |= (u64)prev << SMM_FRAME_PREV_SHIFT;
}

static inline void smm_frame_set_data(struct smm_frame *f, u64 data)
{
	f->word &= SMM_FRAME_MASK(SMM_FRAME_DATA_SHIFT);
	f->word |= (data & SMM_FRAME_MASK(SMM_FRAME_DATA_BITS)) << SMM_FRAME_DATA_SHIFT;
}

#endif /* _SMM_CORE_FRAME_H */
