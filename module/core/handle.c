// SPDX-License-Identifier: GPL-2.0
/*
 * Netlink handles: turning what user space sends back into a block, with
 * a reason for every way it can be wrong. The caller serialises lookups
 * with the frees of the same owner, so a block found here stays allocated
 * until the caller frees it.
 */
#include "handle.h"

const char *smm_handle_lookup(const struct smm_mm *mm, u64 handle, u64 *idx)
{
	u64 i = handle & 0xffffffffULL;
	struct smm_frame fv;
	const struct smm_frame *f = &fv;

	if (i >= mm->range->span)
		return "handle is outside the range";
	/* another owner's block may be changing: judge one reading of it */
	fv = smm_frame_load(&mm->frames[i]);
	switch (smm_frame_type(f)) {
	case SMM_FRAME_PAGE:
		break;
	case SMM_FRAME_SLAB:
	case SMM_FRAME_PGTABLE:
	case SMM_FRAME_SPACE:
	case SMM_FRAME_LRU:
		return "handle belongs to another kind of allocation";
	default:
		return "handle names no allocated block (already freed?)";
	}
	if (smm_frame_owner(f) != SMM_OWNER_NETLINK)
		return "handle belongs to another kind of allocation";
	if (smm_frame_tag(f) != handle >> 32)
		return "handle is stale: its block was freed and allocated again";
	if (smm_frame_data(f) & SMM_MARK_BIT)
		return "handle is listed twice";
	*idx = i;
	return NULL;
}

/*
 * Mark blocks while a request is checked, so a repeated handle shows.
 * Only the data bits change, which no dump shows: one store, and no
 * generation to move.
 */
void smm_handle_mark(struct smm_mm *mm, u64 idx, bool mark)
{
	struct smm_frame *f = &mm->frames[idx];
	u64 data = smm_frame_data(f);

	smm_frame_set_data(f, mark ? data | SMM_MARK_BIT : data & ~SMM_MARK_BIT);
}
