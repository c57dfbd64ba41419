/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Who owns an allocated block: the owner encoding of an allocated head's
 * data bits, and freeing every block of one owner (RESET).
 *
 * An allocated head's 54 data bits hold its owner and, for netlink
 * allocations, a 32-bit tag (handle.h makes the handles from it).
 *
 *   data: 53      38 37  36  35          4 3     0
 *        +----------+---+---+-------------+-------+
 *        |    0     | A | M |     tag     | owner |   M: marked for freeing
 *        +----------+---+---+-------------+-------+
 *
 * A: an anonymous page a shadow space's fault handler mapped (fault.c),
 * as PageAnon() tells the kernel's anonymous pages apart; a page mapped
 * by SPACE_MAP has it clear (and counts in no RSS).
 */
#ifndef _SMM_CORE_OWNER_H
#define _SMM_CORE_OWNER_H

#include "mm.h"

enum smm_owner {
	SMM_OWNER_NONE,		/* in-kernel users: benchmarks, stress threads */
	SMM_OWNER_NETLINK,	/* PAGE_ALLOC; freed by PAGE_FREE or RESET */
	SMM_OWNER_SLAB,
	SMM_OWNER_SPACE,
};

#define SMM_OWNER_BITS		4
#define SMM_TAG_SHIFT		SMM_OWNER_BITS
#define SMM_MARK_BIT		(1ULL << (SMM_TAG_SHIFT + 32))
#define SMM_ANON_BIT		(1ULL << (SMM_TAG_SHIFT + 33))

static inline u64 smm_owner_data(unsigned int owner, u32 tag)
{
	return owner | (u64)tag << SMM_TAG_SHIFT;
}

static inline unsigned int smm_frame_owner(const struct smm_frame *f)
{
	return smm_frame_data(f) & SMM_FRAME_MASK(SMM_OWNER_BITS);
}

static inline u32 smm_frame_tag(const struct smm_frame *f)
{
	return smm_frame_data(f) >> SMM_TAG_SHIFT;
}

u64 smm_free_owned(struct smm_mm *mm, unsigned int owner);

#endif /* _SMM_CORE_OWNER_H */
