/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The frame map: what every frame of the range is, as runs of frames in
 * the same state and pageblock migratetype (FRAME_GET, smmtop's map),
 * and, for FRAME_GET's packed reply, the same page marks.
 */
#ifndef _SMM_CORE_FRAME_MAP_H
#define _SMM_CORE_FRAME_MAP_H

#include "mm.h"

struct smm_run {
	u64 start, count;
	u32 state;		/* enum shadowmm_frame_state */
	u32 mt;
};

u64 smm_block_head(const struct smm_mm *mm, u64 idx);
bool smm_next_run(const struct smm_mm *mm, u64 *pos, u64 end, struct smm_run *run);
u32 smm_frame_marks(const struct smm_frame *f);
unsigned int smm_frame_recs(const struct smm_mm *mm, u64 *pos, u64 end,
			    struct shadowmm_frame_rec *recs, unsigned int max);

#endif /* _SMM_CORE_FRAME_MAP_H */
