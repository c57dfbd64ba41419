/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The managed range: sections of physically contiguous frames laid out in
 * one frame index space, with the descriptor array over that space.
 *
 * A reserved range is one section. Borrowed memory is many blocks from
 * the kernel's page allocator, scattered in physical memory; each becomes
 * a section. Sections are placed so that a frame's index and its physical
 * frame number agree modulo the largest block (2^SMM_MAX_ORDER frames):
 * buddy blocks aligned in index space are then aligned physically too,
 * as the real buddy allocator's blocks are. Where a section ends off that
 * alignment, HOLE frames pad up to the next section, and since a hole is
 * never free, no buddy block can span two sections.
 *
 *   index: 0         1024      2048      3072
 *          |---------|---------|---------|-----
 *          [ sect 0 ][H][ sect 1   ][HHHH][sect 2 ...
 */
#ifndef _SMM_CORE_RANGE_H
#define _SMM_CORE_RANGE_H

#include "env.h"
#include "frame.h"

/* Largest buddy order: 2^10 frames = 4 MiB, as MAX_ORDER - 1 on x86-64. */
#define SMM_MAX_ORDER		10
#define SMM_NR_ORDERS		(SMM_MAX_ORDER + 1)
#define SMM_MAX_BLOCK_FRAMES	(1ULL << SMM_MAX_ORDER)

struct smm_section {
	u64 pfn;		/* first physical frame number */
	u64 start;		/* first frame index in the range */
	u64 nr_frames;
	void *virt;		/* where the glue mapped it; NULL in tests */
};

struct smm_range {
	struct smm_section *sections;
	u32 nr_sections;
	u32 max_sections;
	u64 nr_frames;		/* frames in sections */
	u64 span;		/* frame index space, holes included */
	struct smm_frame *frames;	/* span descriptors */
};

int smm_range_init(struct smm_range *r, u32 max_sections);
int smm_range_add_section(struct smm_range *r, u64 pfn, u64 nr_frames, void *virt);
int smm_range_finish(struct smm_range *r);
void smm_range_destroy(struct smm_range *r);

const struct smm_section *smm_range_section_of(const struct smm_range *r, u64 idx);
bool smm_range_idx_to_pfn(const struct smm_range *r, u64 idx, u64 *pfn);
bool smm_range_pfn_to_idx(const struct smm_range *r, u64 pfn, u64 *idx);

#endif /* _SMM_CORE_RANGE_H */
