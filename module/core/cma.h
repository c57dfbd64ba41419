/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The contiguous memory allocator's area (cma.c), after Linux 6.1's
 * mm/cma.c: the load parameter cma=SIZE makes the top pageblocks of the
 * highest populated zone MIGRATE_CMA (cma_declare_contiguous() and
 * cma_activate_area(), which frees the area's pageblocks as CMA). Until
 * cma alloc asks for them they serve movable allocations (ALLOC_CMA,
 * buddy.c's __rmqueue() balance); cma alloc (cma_alloc()) finds a free
 * stretch of the area's bitmap, takes it with smm_alloc_contig_range()
 * (isolate.h), migrating the movable pages there out, and hands it out
 * as one allocation named by its first frame; cma free (cma_release())
 * gives it back. Counts 6.1's vmstat events cma_alloc_success and
 * cma_alloc_fail in mm->compact (shown by cma show: Debian's 6.1 has
 * no CONFIG_CMA, so its /proc/vmstat has neither name).
 *
 * Locking: alloc and release run under the spaces' lock (migration),
 * which also keeps the bitmap and the allocation list; readers (show)
 * take it too.
 */
#ifndef _SMM_CORE_CMA_H
#define _SMM_CORE_CMA_H

#include "mm.h"

#define SMM_CMA_MAX_ALLOCS	SHADOWMM_CMA_MAX_ALLOCS	/* allocations held at once */
#define SMM_CMA_MAX_ALIGN	SHADOWMM_CMA_MAX_ALIGN	/* 6.1's CONFIG_CMA_ALIGNMENT is 8 */

struct smm_cma_alloc {
	u64 start, count;		/* frames; count 0: a free slot */
};

struct smm_cma {
	u64 base, count;		/* the area: frames, whole pageblocks */
	unsigned int zone;
	u64 used;			/* frames handed out */
	u8 *bitmap;			/* one byte per frame: handed out */
	struct smm_cma_alloc allocs[SMM_CMA_MAX_ALLOCS];
};

int smm_cma_init(struct smm_mm *mm, u64 frames, const char **why);
void smm_cma_destroy(struct smm_mm *mm);
int smm_cma_alloc(struct smm_mm *mm, u64 count, unsigned int align, u64 *start, u64 *bad,
		  const char **why);
int smm_cma_release(struct smm_mm *mm, u64 start, const char **why);
void smm_cma_release_all(struct smm_mm *mm);
u64 smm_cma_free_frames(const struct smm_mm *mm);

#endif /* _SMM_CORE_CMA_H */
