// SPDX-License-Identifier: GPL-2.0
/*
 * Reading the frame map without the allocator's locks: descriptors are
 * single words, stored whole and read once (smm_frame_load()), a walk
 * always moves forward, and a reader that needs a consistent picture
 * checks the generation around it (smm_mm_generation_moved(); the
 * netlink dump does, and flags NLM_F_DUMP_INTR).
 */
#include "frame_map.h"
#include "owner.h"

/* A state for every value of the type bits; those no type has read as a page, as a tail */
static const u8 smm_state_of_type[1 << SMM_FRAME_TYPE_BITS] = {
	[SMM_FRAME_TAIL]	= SHADOWMM_FRAME_PAGE,	/* only seen in a race */
	[SMM_FRAME_HOLE]	= SHADOWMM_FRAME_HOLE,
	[SMM_FRAME_FREE]	= SHADOWMM_FRAME_FREE,
	[SMM_FRAME_PCP]		= SHADOWMM_FRAME_PCP,
	[SMM_FRAME_PAGE]	= SHADOWMM_FRAME_PAGE,
	[SMM_FRAME_SLAB]	= SHADOWMM_FRAME_SLAB,
	[SMM_FRAME_PGTABLE]	= SHADOWMM_FRAME_PGTABLE,
	[SMM_FRAME_SPACE]	= SHADOWMM_FRAME_SPACE,
	[SMM_FRAME_LRU]		= SHADOWMM_FRAME_LRU,
	[SMM_FRAME_OFFLINE]	= SHADOWMM_FRAME_HOLE,	/* offline: no memory, as a hole */
	[SMM_FRAME_NR_TYPES ... (1 << SMM_FRAME_TYPE_BITS) - 1] = SHADOWMM_FRAME_PAGE,
};

/*
 * The head of the block containing @idx: the nearest non-tail frame at
 * an index aligned down to 2^o, for growing o. Inside a block only tails
 * lie between the head and @idx, so the first one found is the head.
 */
u64 smm_block_head(const struct smm_mm *mm, u64 idx)
{
	unsigned int o;

	for (o = 0; o <= SMM_MAX_ORDER; o++) {
		u64 h = idx & ~((1ULL << o) - 1);
		struct smm_frame f = smm_frame_load(&mm->frames[h]);

		if (smm_frame_type(&f) != SMM_FRAME_TAIL)
			return smm_frame_order(&f) >= o ? h : idx;
	}
	return idx;
}

/*
 * The page marks of a block from its head's word alone (a lockless
 * reader's copy): anonymous (SPACE with the anon bit), file (a page
 * cache PAGE), dirty (a page-cache page's PG_dirty, mirrored in the head
 * by lru.c) and shared (an anonymous page two spaces map, kept by
 * fork.c). Every other block has none. Inline for the packed walk.
 */
static __always_inline u32 __smm_frame_marks(const struct smm_frame *f)
{
	u64 d = smm_frame_data(f);

	if (smm_frame_type(f) == SMM_FRAME_SPACE && smm_frame_owner(f) == SMM_OWNER_SPACE &&
	    (d & SMM_ANON_BIT))
		return SHADOWMM_MARK_ANON | ((d & SMM_SHARED_BIT) ? SHADOWMM_MARK_SHARED : 0);
	if (smm_frame_is_file(f))
		return SHADOWMM_MARK_FILE | ((d & SMM_DIRTY_BIT) ? SHADOWMM_MARK_DIRTY : 0);
	return 0;
}

/* The page marks of a block from its head's word (__smm_frame_marks()). */
u32 smm_frame_marks(const struct smm_frame *f)
{
	return __smm_frame_marks(f);
}

/*
 * The next run from *pos (below @end): consecutive frames with one state
 * and one pageblock migratetype (FRAME_GET's nested runs; the packed
 * ones, with the marks, are smm_frame_recs()'s). Returns false at the end.
 */
bool smm_next_run(const struct smm_mm *mm, u64 *pos, u64 end, struct smm_run *run)
{
	u64 idx = *pos;

	if (idx >= end)
		return false;
	run->start = idx;
	run->count = 0;
	while (idx < end) {
		u64 head = smm_block_head(mm, idx);
		struct smm_frame f = smm_frame_load(&mm->frames[head]);
		unsigned int type = smm_frame_type(&f);
		u64 stop = head + (1ULL << min(smm_frame_order(&f), (unsigned int)SMM_MAX_ORDER));
		u32 state = smm_state_of_type[type];
		u32 mt = smm_pageblock_mt(mm, idx);

		if (run->count && (state != run->state || mt != run->mt))
			break;
		run->state = state;
		run->mt = mt;
		stop = min(max(stop, idx + 1), end);
		stop = min(stop, (idx | (SMM_PAGEBLOCK_FRAMES - 1)) + 1);
		run->count += stop - idx;
		idx = stop;
	}
	*pos = idx;
	return true;
}

/*
 * One packed record in one 8-byte store: the count in the low half, the
 * key (state, migratetype, marks: smm_frame_key()) above it, struct
 * shadowmm_frame_rec's layout read as a little-endian u64 (@count is
 * below 2^26, a range's span at most); @rec needs 4-byte alignment only
 * (a netlink payload's).
 */
static __always_inline void smm_frame_rec_put(struct shadowmm_frame_rec *rec, u64 count, u32 key)
{
	u64 w = smm_cpu_to_le64(count | (u64)key << 32);

	memcpy(rec, &w, sizeof(w));
}

/*
 * A block's state and marks from its head's word (a lockless reader's
 * copy), in the bits they take in a packed record's upper half: state
 * in 0-7, marks in 16-31 (the migratetype, 8-15, is the pageblock's).
 */
static __always_inline u32 smm_frame_key(const struct smm_frame *f)
{
	return smm_state_of_type[smm_frame_type(f)] | __smm_frame_marks(f) << 16;
}

/*
 * The key of the block holding @idx and its end (> @idx): the slow path
 * of smm_frame_recs(), for the first frame of a call (it may lie inside
 * a block) and for a tail where a head was due (a block merged or split
 * under the reader). As smm_next_run() reads a block.
 */
static noinline u32 smm_frame_block(const struct smm_mm *mm, u64 idx, u64 *blk_end)
{
	u64 head = smm_block_head(mm, idx);
	struct smm_frame f = smm_frame_load(&mm->frames[head]);

	*blk_end = max(head + (1ULL << min(smm_frame_order(&f), (unsigned int)SMM_MAX_ORDER)),
		       idx + 1);
	return smm_frame_key(&f);
}

/*
 * FRAME_GET's packed records of the runs from *pos (below @end), at most
 * @max into @recs: how many were written, *pos moved to the end of the
 * last. Each record is a whole run: one that @max cuts short is left for
 * the next call. The runs are smm_next_run()'s, split where the marks
 * change too, found in one pass that reads each block's head once and
 * steps over the block (2^order frames), reads a pageblock's
 * migratetype once, and writes a record when the key (state,
 * migratetype, marks) changes: no call and no bounds check a run but
 * the one against @max (the caller counts its room once).
 */
unsigned int smm_frame_recs(const struct smm_mm *mm, u64 *pos, u64 end,
			    struct shadowmm_frame_rec *recs, unsigned int max)
{
	const struct smm_frame *frames = mm->frames;
	u64 idx = *pos, start = idx, blk_end, pb_end, e;
	u32 bkey, mt, key, run_key;
	unsigned int n = 0;

	if (idx >= end || !max)
		return 0;
	bkey = smm_frame_block(mm, idx, &e);
	blk_end = e;	/* in a register: its address is not taken */
	mt = smm_pageblock_mt(mm, idx) << 8;
	pb_end = (idx | (SMM_PAGEBLOCK_FRAMES - 1)) + 1;
	run_key = bkey | mt;
	idx = min(min(blk_end, pb_end), end);
	while (idx < end) {
		if (idx >= blk_end) {
			struct smm_frame f = smm_frame_load(&frames[idx]);

			if (likely(smm_frame_type(&f) != SMM_FRAME_TAIL)) {
				bkey = smm_frame_key(&f);
				blk_end = idx + (1ULL << min(smm_frame_order(&f),
							     (unsigned int)SMM_MAX_ORDER));
			} else {
				bkey = smm_frame_block(mm, idx, &e);
				blk_end = e;
			}
		}
		if (idx >= pb_end) {	/* steps never cross a pageblock's end */
			mt = smm_pageblock_mt(mm, idx) << 8;
			pb_end = idx + SMM_PAGEBLOCK_FRAMES;
		}
		key = bkey | mt;
		if (key != run_key) {
			smm_frame_rec_put(&recs[n], idx - start, run_key);
			start = idx;
			if (++n == max)
				goto out;
			run_key = key;
		}
		idx = min(min(blk_end, pb_end), end);
	}
	smm_frame_rec_put(&recs[n++], end - start, run_key);
	start = end;
out:
	*pos = start;
	return n;
}
