// SPDX-License-Identifier: GPL-2.0
/*
 * Handles and the frame map: what netlink builds PAGE_FREE, RESET and
 * FRAME_GET on.
 */
#include "harness.h"
#include "common.h"
#include "../../../module/core/handle.h"
#include "../../../module/core/frame_map.h"

static const struct smm_test_section sect8m[] = { { 0x10000, 2048 } };

static u64 alloc_owned(struct smm_mm *mm, unsigned int order, u32 tag)
{
	u64 idx;

	if (smm_alloc_pages(mm, order, SHADOWMM_GFP_MOVABLE, 0, &idx))
		return ~0ULL;
	smm_frame_set_data(&mm->frames[idx], smm_owner_data(SMM_OWNER_NETLINK, tag));
	return idx;
}

/* Every way a handle can be wrong has its own reason. */
SMM_TEST(handle_lookup_reasons)
{
	struct smm_test_mm t;
	u64 a, b, idx;

	ASSERT_EQ(smm_test_mm_init(&t, sect8m, 1, NULL, false, 1), 0);
	a = alloc_owned(&t.mm, 2, 7);
	ASSERT_NE(a, ~0ULL);
	ASSERT_EQ(smm_alloc_pages(&t.mm, 0, 0, 0, &b), 0);	/* an in-kernel owner */

	ASSERT_EQ(smm_handle_lookup(&t.mm, smm_handle(a, 7), &idx), NULL);
	ASSERT_EQ(idx, a);
	ASSERT_STREQ(smm_handle_lookup(&t.mm, smm_handle(a, 8), &idx),
		     "handle is stale: its block was freed and allocated again");
	ASSERT_STREQ(smm_handle_lookup(&t.mm, smm_handle(a + 1, 7), &idx),
		     "handle names no allocated block (already freed?)");
	ASSERT_STREQ(smm_handle_lookup(&t.mm, smm_handle(b, 0), &idx),
		     "handle belongs to another kind of allocation");
	ASSERT_STREQ(smm_handle_lookup(&t.mm, smm_handle(1 << 20, 7), &idx),
		     "handle is outside the range");
	smm_handle_mark(&t.mm, a, true);
	ASSERT_STREQ(smm_handle_lookup(&t.mm, smm_handle(a, 7), &idx), "handle is listed twice");
	smm_handle_mark(&t.mm, a, false);
	ASSERT_EQ(smm_handle_lookup(&t.mm, smm_handle(a, 7), &idx), NULL);

	smm_free_pages(&t.mm, a, 0);
	ASSERT_STREQ(smm_handle_lookup(&t.mm, smm_handle(a, 7), &idx),
		     "handle names no allocated block (already freed?)");
	smm_free_pages(&t.mm, b, 0);
	ASSERT_EQ(smm_test_check(&t.mm), 0);
	smm_test_mm_destroy(&t);
}

/* Freeing by owner frees exactly that owner's blocks. */
SMM_TEST(free_owned_frees_only_that_owner)
{
	struct smm_test_mm t;
	u64 kept, i;

	ASSERT_EQ(smm_test_mm_init(&t, sect8m, 1, NULL, true, 1), 0);
	ASSERT_EQ(smm_alloc_pages(&t.mm, 3, 0, 0, &kept), 0);
	for (i = 0; i < 100; i++)
		ASSERT_NE(alloc_owned(&t.mm, i % 4, i + 1), ~0ULL);
	ASSERT_EQ(smm_free_owned(&t.mm, SMM_OWNER_NETLINK), 25 * (1 + 2 + 4 + 8));
	ASSERT_EQ(smm_frame_type(&t.mm.frames[kept]), SMM_FRAME_PAGE);
	ASSERT_EQ(smm_free_owned(&t.mm, SMM_OWNER_NETLINK), 0);
	smm_drain_all_pcp(&t.mm);
	ASSERT_EQ(smm_test_free_frames(&t.mm), 2048 - 8);
	ASSERT_EQ(smm_test_check(&t.mm), 0);
	smm_test_mm_destroy(&t);
}

/*
 * Runs split where the state or the pageblock type changes and cover the
 * asked interval exactly, from any starting frame, even one inside a block.
 *
 *   [ hole x3 ][ P:8 ][ free ... ]       (4 MiB section at pfn 3)
 */
SMM_TEST(frame_runs_cover_and_split)
{
	static const struct smm_test_section s[] = { { 3, 1021 }, { 1024 + 1024, 1024 } };
	struct smm_test_mm t;
	struct smm_run run;
	u64 pos, idx, covered = 0, last_end;

	ASSERT_EQ(smm_test_mm_init(&t, s, 2, NULL, false, 1), 0);
	ASSERT_EQ(smm_alloc_pages(&t.mm, 3, SHADOWMM_GFP_MOVABLE, 0, &idx), 0);
	ASSERT_EQ(idx, 8);
	pos = 0;
	ASSERT_TRUE(smm_next_run(&t.mm, &pos, t.range.span, &run));
	ASSERT_EQ(run.state, SHADOWMM_FRAME_HOLE);
	ASSERT_EQ(run.count, 3);
	ASSERT_TRUE(smm_next_run(&t.mm, &pos, t.range.span, &run));
	ASSERT_EQ(run.state, SHADOWMM_FRAME_FREE);
	ASSERT_EQ(run.start, 3);
	ASSERT_EQ(run.count, 5);
	ASSERT_TRUE(smm_next_run(&t.mm, &pos, t.range.span, &run));
	ASSERT_EQ(run.state, SHADOWMM_FRAME_PAGE);
	ASSERT_EQ(run.count, 8);
	/* from the middle of the allocated block */
	pos = 10;
	ASSERT_TRUE(smm_next_run(&t.mm, &pos, 13, &run));
	ASSERT_EQ(run.start, 10);
	ASSERT_EQ(run.count, 3);
	ASSERT_EQ(run.state, SHADOWMM_FRAME_PAGE);
	ASSERT_FALSE(smm_next_run(&t.mm, &pos, 13, &run));
	/* the whole span, contiguous, ending exactly */
	pos = 0;
	last_end = 0;
	while (smm_next_run(&t.mm, &pos, t.range.span, &run)) {
		ASSERT_EQ(run.start, last_end);
		ASSERT_TRUE(run.count > 0);
		last_end = run.start + run.count;
		covered += run.count;
	}
	ASSERT_EQ(covered, t.range.span);
	smm_free_pages(&t.mm, idx, 0);
	smm_test_mm_destroy(&t);
}
