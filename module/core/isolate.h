/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pageblock isolation and memory offlining (isolate.c), after Linux 6.1's
 * mm/page_isolation.c, alloc_contig_range() of mm/page_alloc.c and
 * offline_pages()/online_pages() of mm/memory_hotplug.c.
 *
 * Isolating a range of pageblocks (MIGRATE_ISOLATE) takes its free pages
 * away from the allocator: they move to the Isolate free lists, which no
 * request asks for and no fallback raids; the per-CPU lists are drained
 * of them, and a page freed in an isolated pageblock goes straight to
 * the buddy's Isolate lists (smm_free_pages()). Isolation is refused
 * when a pageblock holds a page that cannot move (has_unmovable_pages()),
 * with that page and the reason. Undoing it gives each pageblock its
 * type from before and frees its free blocks again, merged.
 *
 * On isolation sit the two users: offlining (smm_offline_pages(): the
 * movable pages migrated out, the free pages taken out of the buddy and
 * out of the zone's present and managed counts, as frames of type
 * SMM_FRAME_OFFLINE; smm_online_pages() gives them back) and the
 * contiguous allocation of CMA (smm_alloc_contig_range(), cma.h).
 *
 * Ranges are whole pageblocks of one zone, inside the range's sections.
 * Every call here runs with the spaces' lock held (migration needs it)
 * and no CPU pinned; the zone lock and the pcp locks are taken inside.
 */
#ifndef _SMM_CORE_ISOLATE_H
#define _SMM_CORE_ISOLATE_H

#include "mm.h"

/* An isolated range and what undoing it restores. */
struct smm_isolation {
	u64 start, count;		/* frames, whole pageblocks */
	unsigned int zone;
	u8 *saved;			/* each pageblock's type before */
};

const char *smm_pageblock_range_refusal(const struct smm_mm *mm, u64 start, u64 count,
					unsigned int *zone);
int smm_start_isolate_page_range(struct smm_mm *mm, struct smm_isolation *iso, u64 start,
				 u64 count, unsigned int mt, u64 *bad, const char **why);
void smm_undo_isolate_page_range(struct smm_mm *mm, struct smm_isolation *iso);
int smm_test_pages_isolated(struct smm_mm *mm, const struct smm_isolation *iso, u64 *bad,
			    const char **why);
int smm_alloc_contig_range(struct smm_mm *mm, u64 start, u64 count, unsigned int mt,
			   u64 *bad, const char **why);
void smm_free_contig_range(struct smm_mm *mm, u64 start, u64 count);

int smm_offline_pages(struct smm_mm *mm, u64 start, u64 count, u64 *bad, const char **why);
int smm_online_pages(struct smm_mm *mm, u64 start, u64 count, const char **why);
bool smm_next_offline_range(const struct smm_mm *mm, u64 *pos, u64 *start, u64 *count,
			    unsigned int *zone);

#endif /* _SMM_CORE_ISOLATE_H */
