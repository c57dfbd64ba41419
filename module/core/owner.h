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
 *
 * A shadow space's page (owner SPACE) needs only 8 bits of the tag for
 * its space's id (at most SHADOWMM_SPACE_MAX = 64). An anonymous page
 * keeps the number of its LRU record (lru.h) in the other 24 bits of
 * the tag (low part) and in bits 38-53 (high part):
 *
 *   data: 51 50 49  38 37  36  35        12 11      4 3     0
 *        +--+--+------+---+---+------------+---------+-------+
 *        |S |D |rec hi| 1 | M |   rec lo   |space id | owner |
 *        +--+--+------+---+---+------------+---------+-------+
 *
 * S and D are what FRAME_GET's marks read without a lock (frame_map.c):
 * S (SMM_SHARED_BIT) an anonymous page more than one space maps
 * (fork.c keeps it with the mapcount, and its CHECK compares them), D
 * (SMM_DIRTY_BIT) PG_dirty of a page-cache page (lru.c keeps it with
 * the record's SMM_LRU_F_DIRTY). Record numbers are below 2^26, so the
 * high part needs 2 of its 12 bits.
 */
#ifndef _SMM_CORE_OWNER_H
#define _SMM_CORE_OWNER_H

#include "mm.h"

enum smm_owner {
	SMM_OWNER_NONE,		/* in-kernel users: benchmarks, stress threads */
	SMM_OWNER_NETLINK,	/* PAGE_ALLOC; freed by PAGE_FREE or RESET */
	SMM_OWNER_SLAB,
	SMM_OWNER_SPACE,
	SMM_OWNER_FILE,		/* the page cache's (filemap.h): the tag is the LRU record */
};

#define SMM_OWNER_BITS		4
#define SMM_TAG_SHIFT		SMM_OWNER_BITS
#define SMM_MARK_BIT		(1ULL << (SMM_TAG_SHIFT + 32))
#define SMM_ANON_BIT		(1ULL << (SMM_TAG_SHIFT + 33))
#define SMM_DIRTY_BIT		(1ULL << 50)
#define SMM_SHARED_BIT		(1ULL << 51)
#define SMM_PAGE_MARK_BITS	(SMM_DIRTY_BIT | SMM_SHARED_BIT)

static inline u64 smm_owner_data(unsigned int owner, u32 tag)
{
	return owner | (u64)tag << SMM_TAG_SHIFT;
}

#define SMM_SPACE_ID_BITS	8
#define SMM_ANON_REC_LO_BITS	(32 - SMM_SPACE_ID_BITS)
#define SMM_ANON_REC_HI_SHIFT	(SMM_TAG_SHIFT + 34)

/* The space id in a SPACE page's tag. */
static inline u32 smm_space_tag_id(u32 tag)
{
	return tag & SMM_FRAME_MASK(SMM_SPACE_ID_BITS);
}

/* The data of an anonymous page of space @id whose LRU record is @rec. */
static inline u64 smm_anon_data(u32 id, u32 rec)
{
	u32 tag = id | (rec & SMM_FRAME_MASK(SMM_ANON_REC_LO_BITS)) << SMM_SPACE_ID_BITS;

	return smm_owner_data(SMM_OWNER_SPACE, tag) | SMM_ANON_BIT |
	       (u64)(rec >> SMM_ANON_REC_LO_BITS) << SMM_ANON_REC_HI_SHIFT;
}

static inline unsigned int smm_frame_owner(const struct smm_frame *f)
{
	return smm_frame_data(f) & SMM_FRAME_MASK(SMM_OWNER_BITS);
}

static inline u32 smm_frame_tag(const struct smm_frame *f)
{
	return smm_frame_data(f) >> SMM_TAG_SHIFT;
}

/* The LRU record number of an anonymous page (0: none). */
static inline u32 smm_anon_rec(const struct smm_frame *f)
{
	u64 d = smm_frame_data(f);

	return (u32)((d & ~SMM_PAGE_MARK_BITS) >> SMM_ANON_REC_HI_SHIFT) << SMM_ANON_REC_LO_BITS |
	       smm_frame_tag(f) >> SMM_SPACE_ID_BITS;
}

/* A page-cache page (filemap.h): a PAGE head owned by the page cache. */
static inline bool smm_frame_is_file(const struct smm_frame *f)
{
	return smm_frame_type(f) == SMM_FRAME_PAGE && smm_frame_owner(f) == SMM_OWNER_FILE;
}

u64 smm_free_owned(struct smm_mm *mm, unsigned int owner);

#endif /* _SMM_CORE_OWNER_H */
