// SPDX-License-Identifier: GPL-2.0
/*
 * Pageblock isolation, contiguous allocation and memory offlining, after
 * Linux 6.1's mm/page_isolation.c (start_isolate_page_range(),
 * undo_isolate_page_range(), test_pages_isolated(), has_unmovable_pages()),
 * mm/page_alloc.c (alloc_contig_range()) and mm/memory_hotplug.c
 * (offline_pages(), online_pages()). What this shadow leaves out is in
 * Documentation/cma.md.
 *
 * Locking: the caller holds the spaces' lock (migration and the
 * refusals read the reverse map under it) and no CPU. Each pageblock is
 * changed under its zone's lock, in a write section of the zone's
 * seqcount; the per-CPU lists are drained with their own locks.
 */
#include "isolate.h"
#include "mm_internal.h"
#include "migrate.h"
#include "frame_map.h"

#define SMM_PB_MASK	(SMM_PAGEBLOCK_FRAMES - 1)

/*
 * Why [@start, @start + @count) is not a range of whole pageblocks of one
 * zone with memory behind every frame (test_pages_in_a_zone() and the
 * memory block checks of offline_pages()), or NULL with its zone.
 */
const char *smm_pageblock_range_refusal(const struct smm_mm *mm, u64 start, u64 count,
					unsigned int *zone)
{
	const struct smm_zone *z;
	u64 pb;

	if (!count)
		return "the count is 0";
	if ((start | count) & SMM_PB_MASK)
		return "start and count must be whole pageblocks (multiples of 512 frames)";
	if (start >= mm->range->span || count > mm->range->span - start)
		return "the range goes past the end of the shadow range";
	*zone = smm_zone_of(mm, start);
	z = &mm->zones[*zone];
	if (start < z->start || start + count > z->end)
		return "the range crosses a zone boundary";
	for (pb = start; pb < start + count; pb += SMM_PAGEBLOCK_FRAMES) {
		const struct smm_section *s = smm_range_section_of(mm->range, pb);

		if (!s || pb + SMM_PAGEBLOCK_FRAMES > s->start + s->nr_frames)
			return "the range has a hole (frames without memory)";
	}
	return NULL;
}

/*
 * has_unmovable_pages() for the pageblock at @pb: the first block in it
 * that cannot move, in *@bad, and why. Free blocks and blocks on CPU
 * lists are fine; anything allocated must be a page migration would
 * take (smm_migrate_refusal()). A CMA pageblock counts as unmovable
 * unless the isolation is for CMA (@mt), as in the kernel. Unlike
 * 6.1, which lets alloc_contig_range() find unmovable pages of a CMA
 * area only when migrating them fails, the shadow checks CMA
 * pageblocks too, so that a refused request changes nothing. The
 * spaces' lock held.
 */
static const char *smm_unmovable_in_block(const struct smm_mm *mm, u64 pb, unsigned int mt,
					  u64 *bad)
{
	u64 i = pb, end = pb + SMM_PAGEBLOCK_FRAMES;
	const char *why;

	if (smm_pageblock_mt(mm, pb) == SHADOWMM_MT_CMA && mt != SHADOWMM_MT_CMA) {
		*bad = pb;
		return "a CMA pageblock: only cma alloc takes it";
	}
	while (i < end) {
		struct smm_frame f = smm_frame_load(&mm->frames[i]);
		u64 h = i;

		if (smm_frame_type(&f) == SMM_FRAME_TAIL) {
			h = smm_block_head(mm, i);
			f = smm_frame_load(&mm->frames[h]);
			if (h == i || smm_frame_type(&f) == SMM_FRAME_TAIL) {
				i++;	/* a block changing under its owner: look again later */
				continue;
			}
		}
		switch (smm_frame_type(&f)) {
		case SMM_FRAME_FREE:
		case SMM_FRAME_PCP:
			break;
		case SMM_FRAME_OFFLINE:
			*bad = h;
			return "a pageblock already offline";
		default:
			why = smm_migrate_refusal(mm, h);
			if (why) {
				*bad = h;
				return why;
			}
		}
		i = h + (1ULL << smm_frame_order(&f));
	}
	return NULL;
}

/* A free block crossing into the pageblock at @pb from above its order: cut. */
static void __smm_split_at(struct smm_mm *mm, struct smm_zone *z, u64 pb)
{
	u64 h = smm_block_head(mm, pb);
	struct smm_frame f = mm->frames[h];

	if (smm_frame_type(&f) == SMM_FRAME_FREE && smm_frame_order(&f) > SMM_PAGEBLOCK_ORDER)
		__smm_split_free_block(mm, z, h, pb);
}

/*
 * set_migratetype_isolate() for one pageblock: refused if it is isolated
 * already or holds an unmovable page; else its type saved in *@saved
 * (a HighAtomic pageblock leaves the reserve's count, undo puts it
 * back), a free block crossing its edges cut, and its free blocks moved
 * to the Isolate lists. Takes the zone lock.
 */
static const char *smm_isolate_pageblock(struct smm_mm *mm, struct smm_zone *z, u64 pb,
					 unsigned int mt, u8 *saved, u64 *bad)
{
	const char *why = NULL;
	unsigned int old;

	smm_lock(&z->lock);
	old = smm_pageblock_mt(mm, pb);
	if (old == SHADOWMM_MT_ISOLATE) {
		*bad = pb;
		why = "a pageblock already isolated (another offline or cma alloc)";
	} else {
		why = smm_unmovable_in_block(mm, pb, mt, bad);
	}
	if (!why) {
		smm_seq_write_begin(&z->seq);
		*saved = old;
		if (old == SHADOWMM_MT_HIGHATOMIC)
			WRITE_ONCE(z->nr_reserved_highatomic,
				   z->nr_reserved_highatomic - SMM_PAGEBLOCK_FRAMES);
		__smm_split_at(mm, z, pb);
		__smm_split_at(mm, z, pb + SMM_PAGEBLOCK_FRAMES - 1);
		__smm_set_pageblock(mm, z, pb, SHADOWMM_MT_ISOLATE);
		smm_seq_write_end(&z->seq);
	}
	smm_unlock(&z->lock);
	return why;
}

/*
 * After the drain: blocks that sat on CPU lists when their pageblock was
 * isolated came back under their old type; move them to the Isolate
 * lists (what free_pcppages_bulk()'s isolated_pageblocks check does).
 * Frees since the isolation may have merged two isolated pageblocks
 * into one block: cut it first, so that each walk starts on a head.
 */
static void smm_isolate_fixup(struct smm_mm *mm, const struct smm_isolation *iso)
{
	struct smm_zone *z = &mm->zones[iso->zone];
	u64 pb;

	for (pb = iso->start; pb < iso->start + iso->count; pb += SMM_PAGEBLOCK_FRAMES) {
		smm_lock(&z->lock);
		smm_seq_write_begin(&z->seq);
		__smm_split_at(mm, z, pb);
		__smm_set_pageblock(mm, z, pb, SHADOWMM_MT_ISOLATE);
		smm_seq_write_end(&z->seq);
		smm_unlock(&z->lock);
	}
}

/*
 * start_isolate_page_range(): isolate every pageblock of [@start,
 * @start + @count) for a user of migratetype @mt (Movable: offlining;
 * CMA: cma alloc), all or none: the first refusal undoes the pageblocks
 * done so far and returns -EBUSY with the block in *@bad and the reason.
 * A range that is not whole pageblocks of one zone is -EINVAL. On
 * success the CPU lists are drained (drain_all_pages()) and what they
 * gave back moved to the Isolate lists. The spaces' lock held.
 */
int smm_start_isolate_page_range(struct smm_mm *mm, struct smm_isolation *iso, u64 start,
				 u64 count, unsigned int mt, u64 *bad, const char **why)
{
	u64 i;

	*bad = start;
	*why = smm_pageblock_range_refusal(mm, start, count, &iso->zone);
	if (*why)
		return -EINVAL;
	iso->start = start;
	iso->saved = smm_zalloc_array(count >> SMM_PAGEBLOCK_ORDER, 1);
	if (!iso->saved) {
		*why = "no memory for the isolation's record";
		return -ENOMEM;
	}
	for (i = 0; i < count >> SMM_PAGEBLOCK_ORDER; i++) {
		*why = smm_isolate_pageblock(mm, &mm->zones[iso->zone],
					     start + (i << SMM_PAGEBLOCK_ORDER), mt, &iso->saved[i], bad);
		if (*why) {
			iso->count = i << SMM_PAGEBLOCK_ORDER;
			smm_undo_isolate_page_range(mm, iso);
			return -EBUSY;
		}
	}
	iso->count = count;
	if (mm->pcp_enabled) {
		smm_drain_all_pcp(mm);
		smm_isolate_fixup(mm, iso);
	}
	return 0;
}

/*
 * undo_isolate_page_range(): each pageblock gets back the type it had
 * (a HighAtomic one its place in the reserve's count), then its free
 * blocks are freed again under that type, merging with their buddies
 * (unset_migratetype_isolate()), in three passes so that each merge
 * sees its neighbours' final types. Frees the record. The spaces' lock
 * held.
 */
void smm_undo_isolate_page_range(struct smm_mm *mm, struct smm_isolation *iso)
{
	struct smm_zone *z = &mm->zones[iso->zone];
	u64 i, n = iso->count >> SMM_PAGEBLOCK_ORDER, pb;
	unsigned int pass;

	for (pass = 0; pass < 3; pass++) {
		for (i = 0; i < n; i++) {
			pb = iso->start + (i << SMM_PAGEBLOCK_ORDER);
			smm_lock(&z->lock);
			smm_seq_write_begin(&z->seq);
			if (pass == 0) {
				WRITE_ONCE(mm->pageblock_mt[pb >> SMM_PAGEBLOCK_ORDER], iso->saved[i]);
				if (iso->saved[i] == SHADOWMM_MT_HIGHATOMIC)
					WRITE_ONCE(z->nr_reserved_highatomic,
						   z->nr_reserved_highatomic + SMM_PAGEBLOCK_FRAMES);
			} else if (pass == 1) {
				__smm_split_at(mm, z, pb);
			} else {
				__smm_refree_pageblock(mm, z, pb, iso->saved[i]);
			}
			smm_seq_write_end(&z->seq);
			smm_unlock(&z->lock);
		}
	}
	smm_free_array(iso->saved);
	iso->saved = NULL;
	iso->count = 0;
}

/*
 * test_pages_isolated(): every frame of the isolated range is free on
 * the Isolate lists; else -EBUSY with the first block that is not, and
 * why. Takes each zone lock for one pageblock at a time.
 */
int smm_test_pages_isolated(struct smm_mm *mm, const struct smm_isolation *iso, u64 *bad,
			    const char **why)
{
	struct smm_zone *z = &mm->zones[iso->zone];
	u64 i = iso->start, end = iso->start + iso->count;

	*why = NULL;
	while (i < end && !*why) {
		struct smm_frame f;

		smm_lock(&z->lock);
		f = mm->frames[i];
		if (smm_frame_type(&f) != SMM_FRAME_FREE)
			*why = smm_frame_type(&f) == SMM_FRAME_PCP ? "a free page still on a CPU's list" :
			       smm_migrate_refusal(mm, i) ? : "a page still in use";
		else if (smm_frame_mt(&f) != SHADOWMM_MT_ISOLATE)
			*why = "a free page outside the Isolate lists";
		smm_unlock(&z->lock);
		if (*why)
			*bad = i;
		i += 1ULL << smm_frame_order(&f);
	}
	return *why ? -EBUSY : 0;
}

/*
 * do_migrate_range() over an isolated range: every allocated block
 * migrated out (the targets come from outside: the range's free pages
 * are isolated, and its freed pages go to the Isolate lists). The first
 * block that cannot move stops it: -EBUSY (refused), -ENOMEM (no target)
 * or -EFAULT, with the block and the reason. The spaces' lock held.
 */
static int smm_migrate_range(struct smm_mm *mm, const struct smm_isolation *iso, u64 *bad,
			     const char **why)
{
	u64 i = iso->start, end = iso->start + iso->count, to;
	int ret;

	while (i < end) {
		struct smm_frame f = smm_frame_load(&mm->frames[i]);

		switch (smm_frame_type(&f)) {
		case SMM_FRAME_TAIL:
			i++;
			continue;
		case SMM_FRAME_FREE:
		case SMM_FRAME_PCP:
		case SMM_FRAME_OFFLINE:
			break;
		default:
			ret = smm_migrate_page(mm, i, &to, why);
			if (ret) {
				*bad = i;
				return ret;
			}
		}
		i += 1ULL << smm_frame_order(&f);
	}
	return 0;
}

/*
 * Isolate [@start, @start + @count), migrate what is in it out, and see
 * that it is all free and isolated: the common first half of
 * alloc_contig_range() and offline_pages(). On failure the isolation is
 * undone (pages already migrated stay where they went, as in the
 * kernel) and the reason returned.
 */
static int smm_isolate_and_empty(struct smm_mm *mm, struct smm_isolation *iso, u64 start,
				 u64 count, unsigned int mt, u64 *bad, const char **why)
{
	int ret = smm_start_isolate_page_range(mm, iso, start, count, mt, bad, why);

	if (ret)
		return ret;
	ret = smm_migrate_range(mm, iso, bad, why);
	if (!ret && mm->pcp_enabled) {
		smm_drain_all_pcp(mm);
		smm_isolate_fixup(mm, iso);
	}
	if (!ret)
		ret = smm_test_pages_isolated(mm, iso, bad, why);
	if (ret)
		smm_undo_isolate_page_range(mm, iso);
	return ret;
}

/*
 * Take every free block of the pageblock at @pb off the Isolate lists
 * and out of the zone's free count, cut into order-0 PAGE heads the
 * caller owns (isolate_freepages_range()). Takes the zone lock.
 */
static void smm_take_pageblock(struct smm_mm *mm, struct smm_zone *z, u64 pb)
{
	u64 i = pb;

	smm_lock(&z->lock);
	smm_seq_write_begin(&z->seq);
	__smm_split_at(mm, z, pb);
	while (i < pb + SMM_PAGEBLOCK_FRAMES) {
		struct smm_frame f = mm->frames[i];

		if (smm_frame_type(&f) == SMM_FRAME_FREE)
			i += 1ULL << __smm_isolate_free_block(mm, z, i, SHADOWMM_MT_ISOLATE);
		else
			i += 1ULL << smm_frame_order(&f);
	}
	smm_seq_write_end(&z->seq);
	smm_unlock(&z->lock);
}

/*
 * alloc_contig_range(): the @count frames from @start, each an order-0
 * PAGE head of no owner for the caller, taken from an area of
 * migratetype @mt (CMA for cma alloc): the pageblocks around them are
 * isolated, their pages migrated out, the free pages taken, the
 * pageblocks given their types back and the frames outside the request
 * freed again. -EINVAL (a range not of one zone), -EBUSY (an unmovable
 * page, *@bad), -ENOMEM, each with the reason; nothing is taken then.
 * The spaces' lock held, no CPU.
 */
int smm_alloc_contig_range(struct smm_mm *mm, u64 start, u64 count, unsigned int mt,
			   u64 *bad, const char **why)
{
	u64 outer = start & ~SMM_PB_MASK, end = start + count, pb, i;
	u64 outer_end = (end + SMM_PB_MASK) & ~SMM_PB_MASK;
	struct smm_isolation iso;
	unsigned int cpu;
	int ret;

	if (!count || end < start) {
		*why = "the count is 0";
		return -EINVAL;
	}
	ret = smm_isolate_and_empty(mm, &iso, outer, outer_end - outer, mt, bad, why);
	if (ret)
		return ret;
	for (pb = outer; pb < outer_end; pb += SMM_PAGEBLOCK_FRAMES)
		smm_take_pageblock(mm, &mm->zones[iso.zone], pb);
	smm_undo_isolate_page_range(mm, &iso);
	cpu = smm_cpu_get();
	for (i = outer; i < outer_end; i++)
		if (i < start || i >= end)
			smm_free_pages(mm, i, cpu);
	smm_cpu_put();
	return 0;
}

/* free_contig_range(): the frames alloc_contig_range() gave, back one by one. */
void smm_free_contig_range(struct smm_mm *mm, u64 start, u64 count)
{
	unsigned int cpu = smm_cpu_get();
	u64 i;

	for (i = start; i < start + count; i++)
		smm_free_pages(mm, i, cpu);
	smm_cpu_put();
}

/*
 * Whether some pageblock of [@start, @start + @count) is offline (its
 * first frame an OFFLINE head), and which, in *@bad.
 */
static bool smm_any_offline(const struct smm_mm *mm, u64 start, u64 count, u64 *bad)
{
	u64 pb;

	for (pb = start; pb < start + count; pb += SMM_PAGEBLOCK_FRAMES) {
		if (smm_frame_type(&mm->frames[pb]) == SMM_FRAME_OFFLINE) {
			*bad = pb;
			return true;
		}
	}
	return false;
}

/* The pageblock at @pb, all of it taken, becomes one OFFLINE block out of the zone. */
static void smm_pageblock_set_offline(struct smm_mm *mm, struct smm_zone *z, u64 pb)
{
	u64 i;

	smm_lock(&z->lock);
	smm_seq_write_begin(&z->seq);
	for (i = 1; i < SMM_PAGEBLOCK_FRAMES; i++)
		smm_frame_set_tail(&mm->frames[pb + i]);
	smm_frame_set_head(&mm->frames[pb], SMM_FRAME_OFFLINE, SMM_PAGEBLOCK_ORDER,
			   SHADOWMM_MT_ISOLATE);
	WRITE_ONCE(z->present, z->present - SMM_PAGEBLOCK_FRAMES);
	WRITE_ONCE(z->managed, z->managed - SMM_PAGEBLOCK_FRAMES);
	smm_seq_write_end(&z->seq);
	smm_unlock(&z->lock);
}

/*
 * offline_pages(): take [@start, @start + @count) out of the shadow, as
 * memory hot-remove does: whole pageblocks of one zone, none offline
 * already, not the zone's last managed frames (the shadow's zone lists
 * are fixed at load). The range is isolated (refused, unchanged, when
 * it holds an unmovable page: -EBUSY with the page in *@bad and the
 * reason), its pages migrated out, and its free pages taken out of the
 * buddy, out of the zone's present and managed counts
 * (adjust_managed_page_count()); the pageblocks stay Isolate, as the
 * kernel leaves them; the watermarks follow the new managed counts. The
 * spaces' lock held, no CPU.
 */
int smm_offline_pages(struct smm_mm *mm, u64 start, u64 count, u64 *bad, const char **why)
{
	struct smm_isolation iso;
	unsigned int zi;
	u64 pb;
	int ret;

	*bad = start;
	*why = smm_pageblock_range_refusal(mm, start, count, &zi);
	if (*why)
		return -EINVAL;
	if (smm_any_offline(mm, start, count, bad)) {
		*why = "the range overlaps a range already offline";
		return -EBUSY;
	}
	if (count >= READ_ONCE(mm->zones[zi].managed)) {
		*why = "the range would leave its zone without memory";
		return -EINVAL;
	}
	ret = smm_isolate_and_empty(mm, &iso, start, count, SHADOWMM_MT_MOVABLE, bad, why);
	if (ret)
		return ret;
	for (pb = start; pb < start + count; pb += SMM_PAGEBLOCK_FRAMES) {
		smm_take_pageblock(mm, &mm->zones[zi], pb);
		smm_pageblock_set_offline(mm, &mm->zones[zi], pb);
	}
	smm_free_array(iso.saved);	/* no undo: the pageblocks stay isolated */
	smm_zones_managed_changed(mm);
	return 0;
}

/*
 * online_pages(): give an offline range back: every pageblock of it must
 * be offline (-EINVAL otherwise, nothing changed). Each becomes a
 * Movable pageblock freed to the buddy whole, merging with its
 * neighbours, and counts in present and managed again; the watermarks
 * follow. The spaces' lock held, no CPU.
 */
int smm_online_pages(struct smm_mm *mm, u64 start, u64 count, const char **why)
{
	struct smm_zone *z;
	unsigned int zi;
	u64 pb;

	*why = smm_pageblock_range_refusal(mm, start, count, &zi);
	if (*why)
		return -EINVAL;
	for (pb = start; pb < start + count; pb += SMM_PAGEBLOCK_FRAMES) {
		if (smm_frame_type(&mm->frames[pb]) != SMM_FRAME_OFFLINE) {
			*why = "a pageblock of the range is not offline";
			return -EINVAL;
		}
	}
	z = &mm->zones[zi];
	for (pb = start; pb < start + count; pb += SMM_PAGEBLOCK_FRAMES) {
		smm_lock(&z->lock);
		smm_seq_write_begin(&z->seq);
		WRITE_ONCE(mm->pageblock_mt[pb >> SMM_PAGEBLOCK_ORDER], SHADOWMM_MT_MOVABLE);
		WRITE_ONCE(z->present, z->present + SMM_PAGEBLOCK_FRAMES);
		WRITE_ONCE(z->managed, z->managed + SMM_PAGEBLOCK_FRAMES);
		__smm_free_one(mm, z, pb, SMM_PAGEBLOCK_ORDER, SHADOWMM_MT_MOVABLE);
		smm_seq_write_end(&z->seq);
		smm_unlock(&z->lock);
	}
	smm_zones_managed_changed(mm);
	return 0;
}

/*
 * The next run of offline pageblocks at or after *@pos: its first frame,
 * length and zone in *@start, *@count and *@zone, *@pos past it (a run
 * ends at a zone's end too). False when none is
 * left. Lockless: a run read while it changes may be cut.
 */
bool smm_next_offline_range(const struct smm_mm *mm, u64 *pos, u64 *start, u64 *count,
			    unsigned int *zone)
{
	u64 pb = (*pos + SMM_PB_MASK) & ~SMM_PB_MASK, span = mm->range->span;

	for (; pb + SMM_PAGEBLOCK_FRAMES <= span; pb += SMM_PAGEBLOCK_FRAMES) {
		struct smm_frame f = smm_frame_load(&mm->frames[pb]);

		if (smm_frame_type(&f) != SMM_FRAME_OFFLINE)
			continue;
		*start = pb;
		*zone = smm_zone_of(mm, pb);
		while (pb + SMM_PAGEBLOCK_FRAMES <= span) {
			f = smm_frame_load(&mm->frames[pb]);
			if (smm_frame_type(&f) != SMM_FRAME_OFFLINE || smm_zone_of(mm, pb) != *zone)
				break;
			pb += SMM_PAGEBLOCK_FRAMES;
		}
		*count = pb - *start;
		*pos = pb;
		return true;
	}
	*pos = span;
	return false;
}
