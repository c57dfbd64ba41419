// SPDX-License-Identifier: GPL-2.0
/*
 * Freeing by owner (owner.h): RESET gives back every block of one owner
 * by walking the range head to head, without the zone locks (each free
 * takes them).
 */
#include "owner.h"

/*
 * Free every block of @owner, walking the range head to head. Other
 * owners may split and merge blocks meanwhile; the walk only reads their
 * descriptors, and steps one frame where a racing merge left a tail.
 * Returns the frames freed.
 */
u64 smm_free_owned(struct smm_mm *mm, unsigned int owner)
{
	u64 idx = 0, freed = 0;

	while (idx < mm->range->span) {
		struct smm_frame f = smm_frame_load(&mm->frames[idx]);
		u64 size = 1ULL << min(smm_frame_order(&f), (unsigned int)SMM_MAX_ORDER);

		if (smm_frame_type(&f) == SMM_FRAME_TAIL || idx & (size - 1)) {
			idx++;
			continue;
		}
		if (smm_frame_type(&f) == SMM_FRAME_PAGE && smm_frame_owner(&f) == owner) {
			smm_free_pages(mm, idx, smm_cpu_get());
			smm_cpu_put();
			freed += size;
		}
		idx += size;
		if (!(idx & (SMM_MAX_BLOCK_FRAMES - 1)))
			smm_cond_resched();
	}
	return freed;
}
