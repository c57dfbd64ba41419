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
 *   63 62         37 36          11 10  8 7    4 3    0
 *  +-+-------------+--------------+-----+------+------+
 *  |0|    prev     |     next     | mt  |order | type |   free, pcp
 *  +-+-------------+--------------+-----+------+------+
 *  |0|        owner data          | mt  |order | type |   allocated
 *  +-+----------------------------+-----+------+------+
 *
 * prev/next are frame indices (26 bits each, so at most 2^26 - 1 frames,
 * 256 GiB, per range) linking a block into a free list or a per-CPU list:
 * list operations stay O(1) and never touch the managed memory itself.
 * Allocated blocks reuse those 52 bits for whoever owns the block. The
 * migratetype takes 3 bits since CMA and Isolate joined HighAtomic
 * (issue 20); the top bit is spare.
 *
 * Readers that hold no allocator lock (FRAME_GET, the owner walks, the
 * cache lookup) see a descriptor change as one event: every change is a
 * single store of the whole word (WRITE_ONCE), and such a reader takes
 * the word with one load (smm_frame_load()) and decodes its copy. The
 * getters below read whatever they are given with plain loads, so they
 * are for that copy, or for a descriptor the caller's locks keep still.
 * Whether several descriptors read that way form one picture is what
 * the generation says (smm_mm_generation()).
 */
#ifndef _SMM_CORE_FRAME_H
#define _SMM_CORE_FRAME_H

#include "env.h"

/*
 * SMM_FRAME_PAD_TEST=N (a power of two, 64: a cache line, as the kernel's
 * struct page): each descriptor takes N bytes, the word first. For the
 * benchmark builds only (tools/testing/bench: bench_scale_padded), the
 * experiment that tells what the 8-byte descriptors' sharing of lines
 * costs two CPUs; never the module, whose goal is 8 bytes a frame. Every
 * user indexes the array by the type, so only sizeof changes.
 */
#ifdef SMM_FRAME_PAD_TEST
#ifdef __KERNEL__
#error "SMM_FRAME_PAD_TEST is for the user-space benchmark builds only"
#endif
#if SMM_FRAME_PAD_TEST < 64
#error "SMM_FRAME_PAD_TEST=N: N bytes a descriptor, 64 or more (a bare -D is 1)"
#endif
struct smm_frame {
	u64 word;
} __attribute__((aligned(SMM_FRAME_PAD_TEST)));
#else
struct smm_frame {
	u64 word;
};
#endif

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
	SMM_FRAME_LRU,		/* records of LRU pages and their rmap (lru.h) */
	SMM_FRAME_OFFLINE,	/* a pageblock taken offline (isolate.h): out of the buddy */
	SMM_FRAME_NR_TYPES
};

#define SMM_FRAME_TYPE_BITS	4
#define SMM_FRAME_ORDER_BITS	4
#define SMM_FRAME_MT_BITS	3
#define SMM_FRAME_LINK_BITS	26

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

/* The descriptor as it is now, in one load: for readers without the locks. */
static inline struct smm_frame smm_frame_load(const struct smm_frame *f)
{
	struct smm_frame v = { READ_ONCE(f->word) };

	return v;
}

/* The one way a descriptor changes: the whole word in one store. */
static inline void smm_frame_store(struct smm_frame *f, u64 word)
{
	WRITE_ONCE(f->word, word);
}

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

/* The word of a head: type, order, migratetype and the 54 bits above. */
static inline u64 smm_frame_head_word(unsigned int type, unsigned int order, unsigned int mt,
				      u64 data)
{
	return (u64)type | (u64)order << SMM_FRAME_ORDER_SHIFT |
	       (u64)mt << SMM_FRAME_MT_SHIFT |
	       (data & SMM_FRAME_MASK(SMM_FRAME_DATA_BITS)) << SMM_FRAME_DATA_SHIFT;
}

static inline u64 smm_frame_links(u32 prev, u32 next)
{
	return (u64)next | (u64)prev << SMM_FRAME_LINK_BITS;
}

/* Make @f a head of @type and @order; links/data start out empty. */
static inline void smm_frame_set_head(struct smm_frame *f, unsigned int type,
				      unsigned int order, unsigned int mt)
{
	smm_frame_store(f, smm_frame_head_word(type, order, mt,
					       smm_frame_links(SMM_FRAME_NONE, SMM_FRAME_NONE)));
}

/* A head linked between @prev and @next, in one store (the list hot path). */
static inline void smm_frame_set_linked(struct smm_frame *f, unsigned int type,
					unsigned int order, unsigned int mt, u32 prev, u32 next)
{
	smm_frame_store(f, smm_frame_head_word(type, order, mt, smm_frame_links(prev, next)));
}

static inline void smm_frame_set_tail(struct smm_frame *f)
{
	smm_frame_store(f, SMM_FRAME_TAIL);
}

/*
 * The read-modify-write setters: the caller's locks make it the only
 * writer of @f, so the plain load sees its own last store; the store
 * is still one, for the readers without locks.
 */
static inline void smm_frame_set_next(struct smm_frame *f, u32 next)
{
	u64 mask = SMM_FRAME_MASK(SMM_FRAME_LINK_BITS) << SMM_FRAME_NEXT_SHIFT;

	smm_frame_store(f, (f->word & ~mask) | (u64)next << SMM_FRAME_NEXT_SHIFT);
}

static inline void smm_frame_set_prev(struct smm_frame *f, u32 prev)
{
	u64 mask = SMM_FRAME_MASK(SMM_FRAME_LINK_BITS) << SMM_FRAME_PREV_SHIFT;

	smm_frame_store(f, (f->word & ~mask) | (u64)prev << SMM_FRAME_PREV_SHIFT);
}

static inline void smm_frame_set_data(struct smm_frame *f, u64 data)
{
	smm_frame_store(f, (f->word & SMM_FRAME_MASK(SMM_FRAME_DATA_SHIFT)) |
			   (data & SMM_FRAME_MASK(SMM_FRAME_DATA_BITS)) << SMM_FRAME_DATA_SHIFT);
}

#endif /* _SMM_CORE_FRAME_H */
