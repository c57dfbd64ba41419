/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The handles user space holds for the blocks it allocated through
 * netlink. The handle given out is tag << 32 | index, the tag being the
 * one kept in the block's data bits (owner.h), so a handle kept after its
 * block was freed and reallocated no longer matches, and the frame
 * number alone cannot be guessed into a handle.
 */
#ifndef _SMM_CORE_HANDLE_H
#define _SMM_CORE_HANDLE_H

#include "owner.h"

static inline u64 smm_handle(u64 idx, u32 tag)
{
	return (u64)tag << 32 | idx;
}

const char *smm_handle_lookup(const struct smm_mm *mm, u64 handle, u64 *idx);
void smm_handle_mark(struct smm_mm *mm, u64 idx, bool mark);

#endif /* _SMM_CORE_HANDLE_H */
