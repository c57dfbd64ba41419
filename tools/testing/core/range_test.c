// SPDX-License-Identifier: GPL-2.0
/*
 * The frame index space: sections, holes, and index <-> pfn lookups.
 */
#include "harness.h"
#include "../../../module/core/range.h"

static u64 count_type(const struct smm_range *r, unsigned int type)
{
	u64 i, n = 0;

	for (i = 0; i < r->span; i++)
		n += smm_frame_type(&r->frames[i]) == type;
	return n;
}

/*
 * One reserved section at a 4 MiB-aligned pfn: no holes, index == offset.
 *
 *   pfn 0x10000                 0x14000
 *       [========== 16384 =========]
 *   idx 0                        16384
 */
SMM_TEST(range_one_aligned_section)
{
	struct smm_range r;
	u64 pfn, idx;

	ASSERT_EQ(smm_range_init(&r, 1), 0);
	ASSERT_EQ(smm_range_add_section(&r, 0x10000, 16384, NULL), 0);
	ASSERT_EQ(smm_range_finish(&r), 0);
	ASSERT_EQ(r.span, 16384);
	ASSERT_EQ(r.nr_frames, 16384);
	ASSERT_EQ(count_type(&r, SMM_FRAME_HOLE), 0);
	ASSERT_TRUE(smm_range_idx_to_pfn(&r, 16383, &pfn));
	ASSERT_EQ(pfn, 0x10000 + 16383);
	ASSERT_FALSE(smm_range_idx_to_pfn(&r, 16384, &pfn));
	ASSERT_TRUE(smm_range_pfn_to_idx(&r, 0x10005, &idx));
	ASSERT_EQ(idx, 5);
	ASSERT_FALSE(smm_range_pfn_to_idx(&r, 0xffff, &idx));
	smm_range_destroy(&r);
}

/*
 * Index and pfn agree modulo 1024, so an unaligned start leaves holes in
 * front and each later section starts on its own alignment.
 *
 *   idx 0   3                    1024  1024+8   2048+1   2048+1+100
 *       HHH [ sect 0: 600 ]HHHHHHHHHHHHHHHHHHH [ s1 ]HHH..[ sect 2 ]
 */
SMM_TEST(range_sections_keep_buddy_alignment)
{
	struct smm_range r;
	u64 pfn, idx;
	u32 i;

	ASSERT_EQ(smm_range_init(&r, 3), 0);
	ASSERT_EQ(smm_range_add_section(&r, 3, 600, NULL), 0);
	ASSERT_EQ(smm_range_add_section(&r, 5 * 1024 + 8, 16, NULL), 0);
	ASSERT_EQ(smm_range_add_section(&r, 9 * 1024 + 1, 100, NULL), 0);
	ASSERT_EQ(smm_range_finish(&r), 0);
	ASSERT_EQ(r.sections[0].start, 3);
	ASSERT_EQ(r.sections[1].start, 1024 + 8);
	ASSERT_EQ(r.sections[2].start, 2048 + 1);
	ASSERT_EQ(r.nr_frames, 716);
	ASSERT_EQ(r.span, 2048 + 1 + 100);
	ASSERT_EQ(count_type(&r, SMM_FRAME_HOLE), r.span - r.nr_frames);
	for (i = 0; i < r.nr_sections; i++) {
		const struct smm_section *s = &r.sections[i];

		ASSERT_EQ(s->start % 1024, s->pfn % 1024);
		ASSERT_TRUE(smm_range_idx_to_pfn(&r, s->start + s->nr_frames - 1, &pfn));
		ASSERT_EQ(pfn, s->pfn + s->nr_frames - 1);
		ASSERT_TRUE(smm_range_pfn_to_idx(&r, pfn, &idx));
		ASSERT_EQ(idx, s->start + s->nr_frames - 1);
		ASSERT_EQ(smm_range_section_of(&r, s->start), s);
	}
	ASSERT_EQ(smm_frame_type(&r.frames[1024 + 7]), SMM_FRAME_HOLE);
	ASSERT_EQ(smm_frame_type(&r.frames[1024 + 8]), SMM_FRAME_TAIL);
	ASSERT_EQ(smm_range_section_of(&r, 700), NULL);
	smm_range_destroy(&r);
}

/* Out-of-order, overlapping, empty and surplus sections are refused. */
SMM_TEST(range_refuses_bad_sections)
{
	struct smm_range r;

	ASSERT_EQ(smm_range_init(&r, 0), -EINVAL);
	ASSERT_EQ(smm_range_init(&r, 2), 0);
	ASSERT_EQ(smm_range_finish(&r), -EINVAL);
	ASSERT_EQ(smm_range_add_section(&r, 1024, 0, NULL), -EINVAL);
	ASSERT_EQ(smm_range_add_section(&r, 1024, 1024, NULL), 0);
	ASSERT_EQ(smm_range_add_section(&r, 2047, 1, NULL), -EINVAL);
	ASSERT_EQ(smm_range_add_section(&r, 2048, 1, NULL), 0);
	ASSERT_EQ(smm_range_add_section(&r, 4096, 1, NULL), -EINVAL);
	ASSERT_EQ(smm_range_finish(&r), 0);
	ASSERT_EQ(smm_range_finish(&r), -EINVAL);
	smm_range_destroy(&r);
}

/*
 * Indices must stay below SMM_FRAME_NONE, the 27-bit end-of-list marker:
 * a section reaching past it is refused.
 */
SMM_TEST(range_refuses_span_past_descriptor_limit)
{
	struct smm_range r;

	ASSERT_EQ(smm_range_init(&r, 2), 0);
	ASSERT_EQ(smm_range_add_section(&r, 0, SMM_MAX_SPAN_FRAMES + 1, NULL), -E2BIG);
	ASSERT_EQ(smm_range_add_section(&r, 1, SMM_MAX_SPAN_FRAMES, NULL), -E2BIG);
	ASSERT_EQ(smm_range_add_section(&r, 0, SMM_MAX_SPAN_FRAMES - 1, NULL), 0);
	ASSERT_EQ(smm_range_add_section(&r, SMM_MAX_SPAN_FRAMES + 1024, 1, NULL), -E2BIG);
	smm_range_destroy(&r);
}

/* Descriptor fields round-trip without disturbing each other. */
SMM_TEST(frame_fields_round_trip)
{
	struct smm_frame f;

	ASSERT_EQ(sizeof(f), 8);
	smm_frame_set_head(&f, SMM_FRAME_FREE, 10, 3);
	ASSERT_EQ(smm_frame_type(&f), SMM_FRAME_FREE);
	ASSERT_EQ(smm_frame_order(&f), 10);
	ASSERT_EQ(smm_frame_mt(&f), 3);
	ASSERT_EQ(smm_frame_next(&f), SMM_FRAME_NONE);
	ASSERT_EQ(smm_frame_prev(&f), SMM_FRAME_NONE);
	smm_frame_set_next(&f, 12345);
	smm_frame_set_prev(&f, SMM_FRAME_NONE - 1);
	ASSERT_EQ(smm_frame_next(&f), 12345);
	ASSERT_EQ(smm_frame_prev(&f), SMM_FRAME_NONE - 1);
	ASSERT_EQ(smm_frame_order(&f), 10);
	smm_frame_set_data(&f, ~0ULL);
	ASSERT_EQ(smm_frame_data(&f), (1ULL << SMM_FRAME_DATA_BITS) - 1);
	ASSERT_EQ(smm_frame_type(&f), SMM_FRAME_FREE);
	ASSERT_EQ(smm_frame_mt(&f), 3);
	smm_frame_set_tail(&f);
	ASSERT_EQ(smm_frame_type(&f), SMM_FRAME_TAIL);
}
