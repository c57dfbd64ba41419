// SPDX-License-Identifier: GPL-2.0
/*
 * Compaction of one zone on demand (compaction.h), after Linux 6.1's
 * mm/compaction.c: compact_zone(), compaction_suitable(),
 * __compact_finished(), isolate_migratepages(_block)(),
 * isolate_freepages(_block)(), compaction_alloc()/compaction_free() and
 * release_freepages().
 *
 *   zone start                                              zone end
 *   |  pb  |  pb  |  pb  |  pb  |  pb  |  pb  |  pb  |  pb  |
 *   migrate scanner -->                      <-- free scanner
 *   (anonymous LRU pages of                  (free pages of movable
 *    movable pageblocks, isolated)            pageblocks, isolated)
 *
 * Each round isolates up to SMM_COMPACT_CLUSTER_MAX pages from the
 * migrate scanner's pageblock, enough free pages from the free
 * scanner's side to hold them, migrates each (migrate.c) and puts the
 * moved pages back on their LRU lists; the round's freed pages reach
 * the buddy when the per-CPU lists are drained after it. The run ends
 * when the scanners meet in one pageblock (COMPLETE) or, for an order,
 * when a free block of that order (or above) of a type a movable
 * allocation may take exists (SUCCESS). Unused free pages go back.
 *
 * Simplified against the kernel (Documentation/compaction.md): one
 * mode, MIGRATE_SYNC_LIGHT as a user's request runs it, but the migrate
 * scanner skips every pageblock that is not movable (6.1's sync mode
 * would also empty unmovable pageblocks of their LRU pages); no
 * pageblock skip bits, no cached scanner positions
 * between runs, no fast free-page search (fast_isolate_freepages());
 * no contention checks (the spaces' lock serialises runs).
 */
#include "compaction.h"
#include "migrate.h"
#include "mm_internal.h"
#include "trace_hooks.h"

/* Frames one run may hold as free targets: a batch plus one block below pageblock order. */
#define SMM_COMPACT_FREE_MAX	(SMM_COMPACT_CLUSTER_MAX + (SMM_PAGEBLOCK_FRAMES >> 1))

/* struct compact_control: one run in one zone */
struct smm_compact_control {
	struct smm_mm *mm;
	struct smm_zone *z;
	unsigned int zi;
	int order;			/* -1: the whole zone */
	bool proactive;			/* proactive_compaction: until the score is low */
	u64 migrate_pfn;		/* next frame the migrate scanner looks at */
	u64 free_pfn;			/* start of the free scanner's pageblock */
	u64 free_pos;			/* next frame it looks at in that pageblock */
	unsigned int nr_migrate, nr_free;
	u64 migratepages[SMM_COMPACT_CLUSTER_MAX];
	u64 freepages[SMM_COMPACT_FREE_MAX];
	struct smm_compact_zone_res *res;
};

#define smm_compact_count(mm, ev, n)	WRITE_ONCE((mm)->compact.ev, (mm)->compact.ev + (n))

static inline u64 smm_pageblock_start(u64 idx)
{
	return idx & ~(SMM_PAGEBLOCK_FRAMES - 1);
}

/* The end of the pageblock of @idx, or the zone's end if that comes first. */
static u64 smm_compact_block_end(const struct smm_compact_control *cc, u64 idx)
{
	return min(smm_pageblock_start(idx) + SMM_PAGEBLOCK_FRAMES, cc->z->end);
}

/* The names the kernel's compaction tracepoints print (compaction_status_string). */
const char *smm_compact_result_name(enum smm_compact_result r)
{
	switch (r) {
	case SMM_COMPACT_SKIPPED:
		return "skipped";
	case SMM_COMPACT_CONTINUE:
		return "continue";
	case SMM_COMPACT_COMPLETE:
		return "complete";
	case SMM_COMPACT_SUCCESS:
		return "success";
	case SMM_COMPACT_DEFERRED:
		return "deferred";
	case SMM_COMPACT_PARTIAL_SKIPPED:
		return "partial_skipped";
	}
	return "unknown";
}

/*
 * compaction_suitable(): may compacting zone @zone for @order help?
 * SUCCESS when the order is free already (the min watermark met at that
 * order), SKIPPED when the zone lacks the free pages to migrate into
 * (the min, for costly orders the low, watermark plus compact_gap(),
 * twice the order's pages) or when, for a costly order, the
 * fragmentation index is 0 .. SMM_EXTFRAG_THRESHOLD (a failure would be
 * for lack of memory, not fragmentation; vm.extfrag_threshold), else CONTINUE. Order -1
 * always continues. Reads the zone without its lock, as the kernel does.
 */
enum smm_compact_result smm_compaction_suitable(struct smm_mm *mm, unsigned int zone, int order)
{
	const struct smm_zone *z = &mm->zones[zone];
	u64 nr_free[SMM_NR_ORDERS], mark;
	int fragindex;

	if (!smm_zone_populated(z))
		return SMM_COMPACT_SKIPPED;
	if (order < 0)
		return SMM_COMPACT_CONTINUE;
	mark = smm_wmark_pages(z, SMM_WMARK_MIN);
	if (smm_zone_watermark_ok(z, order, mark, zone, 0))
		return SMM_COMPACT_SUCCESS;
	if (order > SMM_PCP_MAX_ORDER)
		mark = smm_wmark_pages(z, SMM_WMARK_LOW);
	mark += 2ULL << order;			/* compact_gap() */
	if (!smm_zone_watermark_ok(z, 0, mark, zone, 0))
		return SMM_COMPACT_SKIPPED;
	if (order > SMM_PCP_MAX_ORDER) {
		smm_zone_nr_free(z, nr_free);
		fragindex = smm_extfrag_index(nr_free, order);
		if (fragindex >= 0 && fragindex <= (int)READ_ONCE(mm->extfrag_threshold))
			return SMM_COMPACT_SKIPPED;	/* COMPACT_NOT_SUITABLE_ZONE */
	}
	return SMM_COMPACT_CONTINUE;
}

/* vm.extfrag_threshold's range, as its sysctl's: 0 to 1000. */
int smm_check_extfrag_threshold(unsigned int threshold, const char **why)
{
	if (threshold > SMM_EXTFRAG_THRESHOLD_MAX) {
		*why = "extfrag_threshold is out of range (0 to 1000)";
		return -EINVAL;
	}
	return 0;
}

/*
 * vm.extfrag_threshold at run time: one store, read once by each
 * compaction_suitable(). -EINVAL out of range, nothing changed.
 */
int smm_set_extfrag_threshold(struct smm_mm *mm, unsigned int threshold)
{
	const char *why;

	if (smm_check_extfrag_threshold(threshold, &why))
		return -EINVAL;
	WRITE_ONCE(mm->extfrag_threshold, threshold);
	return 0;
}

/* compact_scanners_met(): both scanners in one pageblock, or crossed. */
static bool smm_compact_met(const struct smm_compact_control *cc)
{
	return smm_pageblock_start(cc->free_pfn) <= smm_pageblock_start(cc->migrate_pfn);
}

/* can_steal_fallback() for a movable request: half a pageblock and up. */
static bool smm_compact_can_steal(unsigned int order)
{
	return order >= SMM_PAGEBLOCK_ORDER / 2;
}

/*
 * __compact_finished()'s proactive branch: PARTIAL_SKIPPED when
 * kshadowd runs (compaction gives way), SUCCESS once the zone's
 * fragmentation score is at or below the low mark, CONTINUE above it.
 */
static enum smm_compact_result smm_compact_finished_proactive(const struct smm_compact_control *cc)
{
	if (READ_ONCE(cc->mm->kswapd_running))
		return SMM_COMPACT_PARTIAL_SKIPPED;
	if (smm_fragmentation_score_zone(cc->mm, cc->zi) >
	    smm_fragmentation_score_wmark(cc->mm, true))
		return SMM_COMPACT_CONTINUE;
	return SMM_COMPACT_SUCCESS;
}

/*
 * __compact_finished(): COMPLETE once the scanners met; a proactive run
 * by the score (above); for an order,
 * SUCCESS once a free block of that order or above is on the movable
 * lists, or on another type's lists and large enough for a movable
 * allocation to steal (find_suitable_fallback(), only_stealable);
 * CONTINUE otherwise. The free counts are read without the zone lock.
 */
static enum smm_compact_result smm_compact_finished(const struct smm_compact_control *cc)
{
	unsigned int o, mt;

	if (smm_compact_met(cc))
		return SMM_COMPACT_COMPLETE;
	if (cc->proactive)
		return smm_compact_finished_proactive(cc);
	if (cc->order < 0)
		return SMM_COMPACT_CONTINUE;
	for (o = cc->order; o <= SMM_MAX_ORDER; o++) {
		if (READ_ONCE(cc->z->area[o].nr_free[SHADOWMM_MT_MOVABLE]))
			return SMM_COMPACT_SUCCESS;
		for (mt = 0; mt < SMM_NR_PCPTYPES; mt++)
			if (mt != SHADOWMM_MT_MOVABLE && smm_compact_can_steal(o) &&
			    READ_ONCE(cc->z->area[o].nr_free[mt]))
				return SMM_COMPACT_SUCCESS;
	}
	return SMM_COMPACT_CONTINUE;
}

/*
 * How many frames the migrate scanner steps over at the head @f: a
 * block's (free or allocated) by its order, one otherwise; never past
 * @end. A racing change of a block we do not own only makes it step
 * differently: every page it isolates is checked under the spaces' lock.
 */
static u64 smm_compact_step(const struct smm_frame *f, u64 idx, u64 end)
{
	unsigned int type = smm_frame_type(f);
	u64 n = 1;

	if (type != SMM_FRAME_TAIL && type != SMM_FRAME_HOLE)
		n = 1ULL << smm_frame_order(f);
	return min(n, end - idx);
}

/*
 * isolate_migratepages_block() over the rest of the migrate scanner's
 * pageblock: each anonymous page on an LRU list taken off it
 * (smm_lru_isolate_page()) into cc->migratepages, until a batch is full
 * or the pageblock ends; free blocks and other allocations stepped over
 * by their order. The pageblock's lru_lock is taken per page.
 */
static void smm_isolate_migratepages_block(struct smm_compact_control *cc, u64 end)
{
	struct smm_mm *mm = cc->mm;
	u64 idx = cc->migrate_pfn;

	while (idx < end && cc->nr_migrate < SMM_COMPACT_CLUSTER_MAX) {
		struct smm_frame f = smm_frame_load(&mm->frames[idx]);

		cc->res->migrate_scanned++;
		if (smm_frame_type(&f) == SMM_FRAME_SPACE && smm_page_pinned(mm, idx)) {
			/* folio_maybe_dma_pinned() anon pages: skipped, and counted */
			cc->res->pinned++;
			smm_pin_count_skipped(mm);
		} else if (smm_frame_type(&f) == SMM_FRAME_SPACE && !smm_migrate_refusal(mm, idx) &&
		    smm_lru_isolate_page(mm, idx)) {
			cc->migratepages[cc->nr_migrate++] = idx;
			cc->res->isolated++;
		}
		idx += smm_compact_step(&f, idx, end);
	}
	cc->migrate_pfn = idx;
}

/*
 * isolate_migratepages(): pageblock after pageblock from the migrate
 * scanner's position until a batch holds pages or the scanners meet.
 * Only movable pageblocks are scanned (suitable_migration_source() of
 * async mode; see the top of the file). Returns the pages isolated.
 */
static unsigned int smm_isolate_migratepages(struct smm_compact_control *cc)
{
	while (!cc->nr_migrate && !smm_compact_met(cc)) {
		u64 end = smm_compact_block_end(cc, cc->migrate_pfn);

		if (smm_pageblock_mt(cc->mm, cc->migrate_pfn) == SHADOWMM_MT_MOVABLE)
			smm_isolate_migratepages_block(cc, end);
		else
			cc->migrate_pfn = end;
		if (cc->migrate_pfn >= end)
			cc->migrate_pfn = smm_pageblock_start(end - 1) + SMM_PAGEBLOCK_FRAMES;
	}
	return cc->nr_migrate;
}

/*
 * suitable_migration_target(): a movable pageblock (no CMA here) that
 * is not one free block of pageblock order or more already.
 */
static bool smm_compact_free_target(const struct smm_compact_control *cc, u64 pb)
{
	u64 head = max(pb, cc->z->start);
	struct smm_frame f = smm_frame_load(&cc->mm->frames[head]);

	if (smm_frame_type(&f) == SMM_FRAME_FREE && smm_frame_order(&f) >= SMM_PAGEBLOCK_ORDER)
		return false;
	return smm_pageblock_mt(cc->mm, head) == SHADOWMM_MT_MOVABLE;
}

/*
 * isolate_freepages_block() over the rest of the free scanner's
 * pageblock, under the zone lock (one pageblock at most per hold):
 * each free buddy block below pageblock order taken whole and split
 * into order-0 targets, until there are as many as pages to migrate.
 * __isolate_free_page()'s rule: the zone keeps its min watermark plus
 * the block, else the scanner stops (*@low set). Returns true when the
 * pageblock was scanned to its end.
 */
static bool smm_isolate_freepages_block(struct smm_compact_control *cc, bool *low)
{
	struct smm_mm *mm = cc->mm;
	struct smm_zone *z = cc->z;
	u64 end = smm_compact_block_end(cc, cc->free_pfn), idx = cc->free_pos;

	smm_lock(&z->lock);
	smm_seq_write_begin(&z->seq);
	while (idx < end && cc->nr_free < cc->nr_migrate) {
		struct smm_frame f = smm_frame_load(&mm->frames[idx]);
		unsigned int order = smm_frame_order(&f), o;
		u64 i;

		cc->res->free_scanned++;
		if (smm_frame_type(&f) == SMM_FRAME_FREE && order < SMM_PAGEBLOCK_ORDER) {
			if (READ_ONCE(z->free) < z->wmark[SMM_WMARK_MIN] + (1ULL << order)) {
				*low = true;
				break;
			}
			o = __smm_isolate_free_block(mm, z, idx, SHADOWMM_MT_MOVABLE);
			for (i = 0; i < 1ULL << o; i++)
				cc->freepages[cc->nr_free++] = idx + i;
			cc->res->isolated += 1ULL << o;
		}
		idx += smm_compact_step(&f, idx, end);
	}
	smm_seq_write_end(&z->seq);
	smm_unlock(&z->lock);
	cc->free_pos = idx;
	return idx >= end;
}

/*
 * isolate_freepages(): pageblock after pageblock down from the free
 * scanner's position, suitable ones scanned, until the free pages match
 * the pages to migrate or the scanner reaches the migrate scanner's
 * pageblock. A pageblock left half scanned is where the next call goes on.
 */
static void smm_isolate_freepages(struct smm_compact_control *cc)
{
	bool low = false;

	while (cc->nr_free < cc->nr_migrate && !low && !smm_compact_met(cc)) {
		if (smm_compact_free_target(cc, cc->free_pfn) &&
		    !smm_isolate_freepages_block(cc, &low))
			break;
		if (low)
			break;
		cc->free_pfn -= SMM_PAGEBLOCK_FRAMES;
		cc->free_pos = max(cc->free_pfn, cc->z->start);
	}
}

/*
 * migrate_pages() of the batch: each isolated page to a free page from
 * compaction_alloc() (the free scanner refills an empty list), moved
 * ones back on their lists at their new frames, failures back at their
 * old ones (their targets back to the free list, compaction_free()).
 * Without a target the rest of the batch fails (-ENOMEM), as
 * migrate_pages() does.
 */
static void smm_compact_migrate(struct smm_compact_control *cc)
{
	struct smm_mm *mm = cc->mm;
	u64 moved = cc->res->migrated, failed = cc->res->failed;
	unsigned int i;
	const char *why;

	for (i = 0; i < cc->nr_migrate; i++) {
		u64 src = cc->migratepages[i], dst;

		if (!cc->nr_free)
			smm_isolate_freepages(cc);
		if (!cc->nr_free) {
			smm_compact_count(mm, pgmigrate_fail, 1);
			cc->res->failed++;
			smm_lru_putback_page(mm, src);
			continue;
		}
		dst = cc->freepages[--cc->nr_free];
		if (smm_migrate_isolated(mm, src, dst, &why)) {
			cc->freepages[cc->nr_free++] = dst;
			cc->res->failed++;
			smm_lru_putback_page(mm, src);
			continue;
		}
		cc->res->migrated++;
		smm_lru_putback_page(mm, dst);
	}
	cc->nr_migrate = 0;
	smm_trace_migrate_pages(cc->res->migrated - moved, cc->res->failed - failed);
}

/* release_freepages(): the free pages no page moved into back to the buddy. */
static void smm_compact_release(struct smm_compact_control *cc)
{
	unsigned int cpu = smm_cpu_get();

	while (cc->nr_free)
		smm_free_pages(cc->mm, cc->freepages[--cc->nr_free], cpu);
	smm_cpu_put();
}

/*
 * The run's counts into the mm's events. compact_success and
 * compact_fail are direct compaction's (compact_direct.c), as the
 * kernel's: compact_zone() counts only what it scanned and isolated.
 */
static void smm_compact_account(struct smm_mm *mm, const struct smm_compact_control *cc)
{
	const struct smm_compact_zone_res *res = cc->res;

	smm_compact_count(mm, compact_migrate_scanned, res->migrate_scanned);
	smm_compact_count(mm, compact_free_scanned, res->free_scanned);
	smm_compact_count(mm, compact_isolated, res->isolated);
}

/*
 * The run's scanners where a reader can see them (mm->compact_scan[],
 * smm_compact_scan_snapshot()): at the start with @start (runs counted),
 * after every batch, and at the end with @running false. The spaces'
 * lock held: one writer.
 */
static void smm_compact_publish(const struct smm_compact_control *cc, bool running, bool start)
{
	struct smm_compact_scan *sc = &cc->mm->compact_scan[cc->zi];

	WRITE_ONCE(sc->migrate_pfn, cc->migrate_pfn);
	WRITE_ONCE(sc->free_pfn, cc->free_pfn);
	if (start) {
		WRITE_ONCE(sc->order, cc->order);
		WRITE_ONCE(sc->runs, sc->runs + 1);
	}
	WRITE_ONCE(sc->running, running);
}

/*
 * Zone @zone's compaction state for show (ZONE_GET, smmtop): the run in
 * progress or the last one, each field read once without a lock (a
 * reader may see the scanners one batch apart). runs 0: no run yet.
 */
void smm_compact_scan_snapshot(const struct smm_mm *mm, unsigned int zone,
			       struct smm_compact_scan *out)
{
	const struct smm_compact_scan *sc = &mm->compact_scan[zone];

	out->runs = READ_ONCE(sc->runs);
	out->migrate_pfn = READ_ONCE(sc->migrate_pfn);
	out->free_pfn = READ_ONCE(sc->free_pfn);
	out->order = READ_ONCE(sc->order);
	out->running = READ_ONCE(sc->running);
}

/*
 * compact_zone(): compact zone @zone for @order (-1: the whole zone;
 * with @proactive, until the zone's fragmentation score is at or below
 * the low mark), what it did in *@res. The CPUs' lists are drained
 * first and after every batch, so that the pages freed come together
 * in the buddy (drain_local_pages() after each pageblock for an order,
 * and compact_memory's drain). An order first asks
 * smm_compaction_suitable(): SKIPPED and SUCCESS end the run there, with
 * nothing counted. Returns 0, or -ENOMEM (no room for the run's state).
 * The spaces' lock held.
 */
int smm_compact_zone_mode(struct smm_mm *mm, unsigned int zone, int order, bool proactive,
			  struct smm_compact_zone_res *res)
{
	struct smm_compact_control *cc;
	enum smm_compact_result r;

	memset(res, 0, sizeof(*res));
	smm_drain_all_pcp(mm);
	r = smm_compaction_suitable(mm, zone, proactive ? -1 : order);
	if (r != SMM_COMPACT_CONTINUE) {
		res->result = r;
		return 0;
	}
	cc = smm_zalloc_array(1, sizeof(*cc));
	if (!cc)
		return -ENOMEM;
	cc->mm = mm;
	cc->z = &mm->zones[zone];
	cc->zi = zone;
	cc->order = proactive ? -1 : order;
	cc->proactive = proactive;
	cc->res = res;
	cc->migrate_pfn = cc->z->start;
	cc->free_pfn = smm_pageblock_start(cc->z->end - 1);
	cc->free_pos = max(cc->free_pfn, cc->z->start);
	smm_trace_compaction_begin(mm, cc->z->start, cc->migrate_pfn, cc->free_pfn, cc->z->end);
	smm_compact_publish(cc, true, true);
	while ((r = smm_compact_finished(cc)) == SMM_COMPACT_CONTINUE) {
		if (smm_isolate_migratepages(cc))
			smm_compact_migrate(cc);
		smm_compact_publish(cc, true, false);
		smm_drain_all_pcp(mm);
		smm_cond_resched();
	}
	smm_compact_publish(cc, false, false);
	smm_trace_compaction_end(mm, cc->z->start, cc->migrate_pfn, cc->free_pfn, cc->z->end, r);
	smm_compact_release(cc);
	smm_drain_all_pcp(mm);
	smm_compact_account(mm, cc);
	res->result = r;
	smm_free_array(cc);
	return 0;
}

/* compact_zone() on demand, for an order or the whole zone (above). */
int smm_compact_zone(struct smm_mm *mm, unsigned int zone, int order,
		     struct smm_compact_zone_res *res)
{
	return smm_compact_zone_mode(mm, zone, order, false, res);
}
