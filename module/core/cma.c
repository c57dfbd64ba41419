// SPDX-License-Identifier: GPL-2.0
/*
 * The CMA area: cma_declare_contiguous(), cma_activate_area(),
 * cma_alloc() and cma_release() of Linux 6.1's mm/cma.c over the
 * shadow's pageblocks (cma.h). What is simplified is in
 * Documentation/cma.md.
 */
#include "cma.h"
#include "isolate.h"
#include "mm_internal.h"

/*
 * init_cma_reserved_pageblock() for the pageblock at @pb: made CMA, its
 * free blocks (all of it, at load) moved to the CMA lists and freed
 * again there, so that they merge with each other and not with the
 * neighbouring non-CMA pageblocks. Takes the zone lock.
 */
static void smm_cma_activate_pageblock(struct smm_mm *mm, struct smm_zone *z, u64 pb)
{
	u64 h = pb & ~((1ULL << SMM_MAX_ORDER) - 1);
	struct smm_frame f;

	smm_lock(&z->lock);
	smm_seq_write_begin(&z->seq);
	f = mm->frames[h];
	if (smm_frame_type(&f) == SMM_FRAME_FREE && smm_frame_order(&f) > SMM_PAGEBLOCK_ORDER)
		__smm_split_free_block(mm, z, h, pb);
	__smm_set_pageblock(mm, z, pb, SHADOWMM_MT_CMA);
	__smm_refree_pageblock(mm, z, pb, SHADOWMM_MT_CMA);
	WRITE_ONCE(z->cma_pages, z->cma_pages + SMM_PAGEBLOCK_FRAMES);
	smm_seq_write_end(&z->seq);
	smm_unlock(&z->lock);
}

/*
 * cma=SIZE at load: the area is the top @frames (whole pageblocks) of
 * the highest populated zone, below its last whole pageblock; it may
 * take at most half of the zone's managed frames (the rest must serve
 * the unmovable requests; the kernel's limit is that the area fits in
 * memblock). -EINVAL with the reason otherwise. Called right after
 * smm_mm_init(), before any allocation (the area's frames are all free).
 */
int smm_cma_init(struct smm_mm *mm, u64 frames, const char **why)
{
	struct smm_cma *cma;
	struct smm_zone *z;
	unsigned int zi = SMM_NR_ZONES;
	u64 base, pb;

	*why = NULL;
	if (!frames)
		return 0;
	while (zi-- > 0 && !smm_zone_populated(&mm->zones[zi]))
		;
	if (zi >= SMM_NR_ZONES) {
		*why = "cma= needs a populated zone";
		return -EINVAL;
	}
	z = &mm->zones[zi];
	if (frames & (SMM_PAGEBLOCK_FRAMES - 1)) {
		*why = "cma= must be a multiple of a pageblock (2 MiB)";
		return -EINVAL;
	}
	if (frames > z->managed / 2) {
		*why = "cma= is more than half of its zone";
		return -EINVAL;
	}
	base = (z->end & ~(SMM_PAGEBLOCK_FRAMES - 1)) - frames;
	if (base < z->start || smm_pageblock_range_refusal(mm, base, frames, &zi)) {
		*why = "cma= does not fit in whole pageblocks with memory at the top of the zone";
		return -EINVAL;
	}
	cma = smm_zalloc_array(1, sizeof(*cma));
	if (cma)
		cma->bitmap = smm_zalloc_array(frames, 1);
	if (!cma || !cma->bitmap) {
		smm_free_array(cma);
		*why = "no memory for the CMA area's bitmap";
		return -ENOMEM;
	}
	cma->base = base;
	cma->count = frames;
	cma->zone = zi;
	for (pb = base; pb < base + frames; pb += SMM_PAGEBLOCK_FRAMES)
		smm_cma_activate_pageblock(mm, z, pb);
	mm->cma = cma;
	return 0;
}

void smm_cma_destroy(struct smm_mm *mm)
{
	if (!mm->cma)
		return;
	smm_free_array(mm->cma->bitmap);
	smm_free_array(mm->cma);
	mm->cma = NULL;
}

/* bitmap_find_next_zero_area(): @count clear bytes from an aligned offset >= @from. */
static bool smm_cma_find(const struct smm_cma *cma, u64 from, u64 count, u64 mask, u64 *off)
{
	u64 o, i;

	for (o = ((cma->base + from + mask) & ~mask) - cma->base; o + count <= cma->count;
	     o = ((cma->base + o + 1 + mask) & ~mask) - cma->base) {
		for (i = 0; i < count && !cma->bitmap[o + i]; i++)
			;
		if (i == count) {
			*off = o;
			return true;
		}
	}
	return false;
}

static struct smm_cma_alloc *smm_cma_slot(struct smm_cma *cma, u64 start)
{
	unsigned int i;

	for (i = 0; i < SMM_CMA_MAX_ALLOCS; i++)
		if (cma->allocs[i].count && cma->allocs[i].start == start)
			return &cma->allocs[i];
	return NULL;
}

/*
 * cma_alloc(): @count frames of the area whose first frame is aligned
 * to 2^@align, in *@start. Each free stretch of the bitmap is tried in
 * turn with alloc_contig_range() until one is taken; one refused for an
 * unmovable page (-EBUSY) moves on to the next stretch, as the kernel's
 * loop does. When none is taken: -ENOMEM (no stretch of the size is
 * free in the bitmap) or the last refusal, its reason and page; the
 * area and its pageblocks are then as before (pages migrated stay
 * moved). The spaces' lock held, no CPU.
 */
int smm_cma_alloc(struct smm_mm *mm, u64 count, unsigned int align, u64 *start, u64 *bad,
		  const char **why)
{
	struct smm_cma *cma = mm->cma;
	struct smm_cma_alloc *slot;
	u64 mask = (1ULL << align) - 1, off = 0, i;
	int ret = -ENOMEM;

	*why = "no free stretch of the area is that large";
	*bad = 0;
	if (!cma) {
		*why = "no CMA area (load parameter cma=)";
		return -ENODEV;
	}
	if (!count || count > cma->count || align > SMM_CMA_MAX_ALIGN) {
		*why = !count ? "the count is 0" : align > SMM_CMA_MAX_ALIGN ?
		       "align is above the largest order" : "the count is larger than the area";
		return -EINVAL;
	}
	for (i = 0, slot = NULL; i < SMM_CMA_MAX_ALLOCS && !slot; i++)
		if (!cma->allocs[i].count)
			slot = &cma->allocs[i];
	if (!slot) {
		*why = "too many CMA allocations held";
		return -ENOSPC;
	}
	while (smm_cma_find(cma, off, count, mask, &off)) {
		ret = smm_alloc_contig_range(mm, cma->base + off, count, SHADOWMM_MT_CMA, bad, why);
		if (!ret)
			break;
		if (ret != -EBUSY)
			goto fail;
		off++;
	}
	if (ret)
		goto fail;
	memset(&cma->bitmap[off], 1, count);
	slot->start = cma->base + off;
	slot->count = count;
	cma->used += count;
	*start = slot->start;
	WRITE_ONCE(mm->compact.cma_alloc_success, mm->compact.cma_alloc_success + 1);
	return 0;
fail:
	WRITE_ONCE(mm->compact.cma_alloc_fail, mm->compact.cma_alloc_fail + 1);
	return ret;
}

/* cma_release(): the allocation whose first frame is @start, back to the area. */
int smm_cma_release(struct smm_mm *mm, u64 start, const char **why)
{
	struct smm_cma *cma = mm->cma;
	struct smm_cma_alloc *slot = cma ? smm_cma_slot(cma, start) : NULL;

	if (!slot) {
		*why = cma ? "no CMA allocation starts at that frame" :
		       "no CMA area (load parameter cma=)";
		return -ENOENT;
	}
	smm_free_contig_range(mm, slot->start, slot->count);
	memset(&cma->bitmap[slot->start - cma->base], 0, slot->count);
	cma->used -= slot->count;
	slot->count = 0;
	return 0;
}

/* Every allocation back (RESET, unload). The spaces' lock held. */
void smm_cma_release_all(struct smm_mm *mm)
{
	const char *why;
	unsigned int i;

	for (i = 0; mm->cma && i < SMM_CMA_MAX_ALLOCS; i++)
		if (mm->cma->allocs[i].count)
			smm_cma_release(mm, mm->cma->allocs[i].start, &why);
}

/*
 * The area's frames on the free lists (NR_FREE_CMA_PAGES: the area is
 * the zone's only CMA pageblocks), for show and meminfo's CmaFree.
 */
u64 smm_cma_free_frames(const struct smm_mm *mm)
{
	return mm->cma ? smm_zone_free_cma(&mm->zones[mm->cma->zone]) : 0;
}
