// SPDX-License-Identifier: GPL-2.0
/*
 * The frame map's packed records (smm_frame_recs(), FRAME_GET with
 * FRAME_PACKED) against a frame-by-frame model: every frame's state,
 * pageblock migratetype and marks found on its own (smm_block_head(),
 * smm_frame_marks()), equal neighbours joined. The maps are random
 * descriptor arrays, not an allocator's: blocks of every order and type,
 * owners and mark bits, pageblock types, and heads turned into tails as
 * a lockless reader sees a block merge or split under it.
 */
#include "harness.h"
#include "common.h"
#include "../../../module/core/frame_map.h"
#include "../../../module/core/owner.h"

#define FM_FRAMES	(8 * SMM_PAGEBLOCK_FRAMES)	/* 8 pageblocks */

/* What FRAME_GET says of each type (frame_map.c's table, written again) */
static u32 fm_state(unsigned int type)
{
	switch (type) {
	case SMM_FRAME_HOLE:	return SHADOWMM_FRAME_HOLE;
	case SMM_FRAME_FREE:	return SHADOWMM_FRAME_FREE;
	case SMM_FRAME_PCP:	return SHADOWMM_FRAME_PCP;
	case SMM_FRAME_SLAB:	return SHADOWMM_FRAME_SLAB;
	case SMM_FRAME_PGTABLE:	return SHADOWMM_FRAME_PGTABLE;
	case SMM_FRAME_SPACE:	return SHADOWMM_FRAME_SPACE;
	case SMM_FRAME_LRU:	return SHADOWMM_FRAME_LRU;
	case SMM_FRAME_OFFLINE:	return SHADOWMM_FRAME_HOLE;
	default:		return SHADOWMM_FRAME_PAGE;	/* tails, unknown types */
	}
}

/* A frame's key, found on its own: state | mt << 8 | marks << 16, as a record's upper half */
static u32 fm_key(const struct smm_mm *mm, u64 idx)
{
	struct smm_frame f = mm->frames[smm_block_head(mm, idx)];

	return fm_state(smm_frame_type(&f)) | smm_pageblock_mt(mm, idx) << 8 |
	       smm_frame_marks(&f) << 16;
}

/* Random owner data with the bits the marks read, for a head of @type */
static u64 fm_data(u64 *rng, unsigned int type)
{
	u64 r = smm_test_rand(rng), owner = r % 4 ? SMM_OWNER_SPACE : SMM_OWNER_FILE;

	if (type == SMM_FRAME_PAGE && r % 3 == 0)
		owner = SMM_OWNER_FILE;
	return owner | (r & (SMM_ANON_BIT | SMM_DIRTY_BIT | SMM_SHARED_BIT));
}

/*
 * A random map: blocks of random order (aligned, at most SMM_MAX_ORDER,
 * mostly 0 to 2), runs of blocks alike so that runs join, every type value (unknown ones
 * too), 1 in 16 heads a tail instead; random pageblock types.
 */
static void fm_random_map(struct smm_mm *mm, u64 *rng)
{
	u64 i = 0, k, type = SMM_FRAME_FREE, data = 0, mt_word;
	unsigned int o, order = 0;

	for (k = 0; k < FM_FRAMES / SMM_PAGEBLOCK_FRAMES; k++)
		mm->pageblock_mt[k] = smm_test_rand(rng) % 3 ? 0 : smm_test_rand(rng) % 5;
	while (i < FM_FRAMES) {
		u64 r = smm_test_rand(rng);

		if (r % 2 == 0) {	/* else the block is like the one before */
			type = 1 + (r >> 8) % 15;
			data = fm_data(rng, type);
			order = (r >> 16) % 8 ? (r >> 20) % 3 : (r >> 24) % (SMM_MAX_ORDER + 1);
		}
		for (o = order; o && (i & ((1ULL << o) - 1) || i + (1ULL << o) > FM_FRAMES); o--)
			;
		mt_word = (r >> 32) % 8;
		smm_frame_store(&mm->frames[i], (r >> 40) % 16 ? smm_frame_head_word(type, o, mt_word,
										     data) : 0);
		for (k = 1; k < 1ULL << o; k++)
			smm_frame_set_tail(&mm->frames[i + k]);
		i += 1ULL << o;
	}
}

/*
 * The records from @start, @max a call until the end: each record a run
 * of the model (same key, next frame's key differs or the end), every
 * call ending where its last record does. Returns the records, or ~0U
 * with the first difference printed.
 */
static unsigned int fm_check_from(const struct smm_mm *mm, u64 start, unsigned int max)
{
	static struct shadowmm_frame_rec recs[FM_FRAMES];
	u64 pos = start, at = start, j;
	unsigned int n, i, total = 0;

	while (pos < FM_FRAMES) {
		n = smm_frame_recs(mm, &pos, FM_FRAMES, recs, max);
		if (!n || n > max) {
			printf("# from %" PRIu64 " max %u: %u records at %" PRIu64 "\n",
			       start, max, n, pos);
			return ~0U;
		}
		for (i = 0; i < n; i++) {
			u32 key = recs[i].state | recs[i].mt << 8 | (u32)recs[i].marks << 16;

			for (j = at; j < at + recs[i].count && j < FM_FRAMES; j++)
				if (fm_key(mm, j) != key)
					break;
			if (!recs[i].count || j != at + recs[i].count ||
			    (j < FM_FRAMES && fm_key(mm, j) == key)) {
				printf("# from %" PRIu64 " max %u: record at %" PRIu64 " count %u key "
				       "%#x; the model's key at %" PRIu64 " is %#x\n", start, max, at,
				       recs[i].count, key, j, j < FM_FRAMES ? fm_key(mm, j) : 0);
				return ~0U;
			}
			at = j;
		}
		total += n;
		if (pos != at) {
			printf("# from %" PRIu64 " max %u: pos %" PRIu64 ", records end at %" PRIu64
			       "\n", start, max, pos, at);
			return ~0U;
		}
	}
	return total;
}

/*
 * Random maps, from the first frame and from random ones (inside blocks
 * too), with room for 1, 2, 3, 7 and all records a call: the records are
 * the model's runs, and a call ends on a record's end.
 *
 *   [ F:8 ][ P ][ P ][ t t t t ][ S:4 anon ] ...   (F free, P page, t a
 *   tail where a head was due, S space; one pageblock's type differs)
 */
SMM_TEST(frame_recs_random_maps_against_per_frame_model)
{
	static const unsigned int maxes[] = { 1, 2, 3, 7, FM_FRAMES };
	static struct smm_frame frames[FM_FRAMES];
	static u8 pb_mt[FM_FRAMES / SMM_PAGEBLOCK_FRAMES];
	static struct smm_mm mm;
	u64 rng = smm_test_seed(0x22f2a3e), recs = 0, start;
	unsigned int round, m, n, most = 0;

	mm.frames = frames;
	mm.pageblock_mt = pb_mt;
	for (round = 0; round < 40; round++) {
		fm_random_map(&mm, &rng);
		for (m = 0; m < ARRAY_SIZE(maxes); m++) {
			start = round % 2 ? smm_test_rand(&rng) % FM_FRAMES : 0;
			n = fm_check_from(&mm, start, maxes[m]);
			ASSERT_NE(n, ~0U);
			recs += n;
			most = n > most ? n : most;
		}
		/* nothing past the end, nothing for no room */
		start = FM_FRAMES;
		ASSERT_EQ(smm_frame_recs(&mm, &start, FM_FRAMES, NULL, 8), 0);
		start = 0;
		ASSERT_EQ(smm_frame_recs(&mm, &start, FM_FRAMES, NULL, 0), 0);
		ASSERT_EQ(start, 0);
	}
	printf("# %" PRIu64 " records checked, at most %u in a map\n", recs, most);
	/* maps of one run, or of a run a frame, would test little */
	ASSERT_TRUE(most > 100 && most < FM_FRAMES / 2);
}

/*
 * The record's bytes on the wire: count little-endian in the first four,
 * then state, migratetype, marks (little-endian), one per run.
 *
 *   [ FREE order 2 ][ SPACE anon+shared order 0 ][ PAGE file dirty order 0 ]...
 */
SMM_TEST(frame_recs_layout_and_marks)
{
	static struct smm_frame frames[SMM_PAGEBLOCK_FRAMES];
	static u8 pb_mt[1] = { SHADOWMM_MT_RECLAIMABLE };
	static struct smm_mm mm;
	struct shadowmm_frame_rec recs[4];
	u64 pos = 0, k;
	u8 *b = (u8 *)recs;

	mm.frames = frames;
	mm.pageblock_mt = pb_mt;
	smm_frame_store(&frames[0], smm_frame_head_word(SMM_FRAME_FREE, 2, 0, 0));
	smm_frame_store(&frames[4], smm_frame_head_word(SMM_FRAME_SPACE, 0, 0,
			(SMM_OWNER_SPACE | SMM_ANON_BIT | SMM_SHARED_BIT)));
	smm_frame_store(&frames[5], smm_frame_head_word(SMM_FRAME_PAGE, 0, 0,
			SMM_OWNER_FILE | SMM_DIRTY_BIT));
	for (k = 6; k < SMM_PAGEBLOCK_FRAMES; k++)
		smm_frame_store(&frames[k], smm_frame_head_word(SMM_FRAME_PAGE, 0, 0, 0));
	ASSERT_EQ(smm_frame_recs(&mm, &pos, SMM_PAGEBLOCK_FRAMES, recs, 4), 4);
	ASSERT_EQ(pos, SMM_PAGEBLOCK_FRAMES);
	ASSERT_EQ(b[0] | b[1] << 8 | b[2] << 16 | (u32)b[3] << 24, 4);
	ASSERT_EQ(b[4], SHADOWMM_FRAME_FREE);
	ASSERT_EQ(b[5], SHADOWMM_MT_RECLAIMABLE);
	ASSERT_EQ(b[6] | b[7] << 8, 0);
	ASSERT_EQ(b[8] | b[9] << 8 | b[10] << 16 | (u32)b[11] << 24, 1);
	ASSERT_EQ(b[12], SHADOWMM_FRAME_SPACE);
	ASSERT_EQ(b[14] | b[15] << 8, SHADOWMM_MARK_ANON | SHADOWMM_MARK_SHARED);
	ASSERT_EQ(b[20], SHADOWMM_FRAME_PAGE);
	ASSERT_EQ(b[22] | b[23] << 8, SHADOWMM_MARK_FILE | SHADOWMM_MARK_DIRTY);
	ASSERT_EQ(b[24] | b[25] << 8 | b[26] << 16 | (u32)b[27] << 24, SMM_PAGEBLOCK_FRAMES - 6);
	ASSERT_EQ(b[28], SHADOWMM_FRAME_PAGE);
	ASSERT_EQ(b[30] | b[31] << 8, 0);
}
