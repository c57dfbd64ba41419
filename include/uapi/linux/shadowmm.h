/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * shadowmm: generic netlink interface of the shadow memory manager.
 *
 * Family "shadowmm", version SHADOWMM_GENL_VERSION. Enumerations are
 * append-only: a new attribute or command goes at the end so that older
 * tools keep working (they skip attribute types they do not know).
 *
 * Physical addresses (SHADOWMM_A_*_BASE) are only sent to callers with
 * CAP_SYS_ADMIN; everything else in INFO_GET and SECTION_GET is readable
 * by any user. Commands that change state carry GENL_ADMIN_PERM.
 */
#ifndef _UAPI_LINUX_SHADOWMM_H
#define _UAPI_LINUX_SHADOWMM_H

#define SHADOWMM_GENL_NAME		"shadowmm"
#define SHADOWMM_GENL_VERSION		1
#define SHADOWMM_MCGRP_EVENTS		"events"

enum shadowmm_cmd {
	SHADOWMM_CMD_UNSPEC,
	SHADOWMM_CMD_INFO_GET,		/* do: range, mode, sizes, versions */
	SHADOWMM_CMD_SECTION_GET,	/* dump: the backing sections */
	SHADOWMM_CMD_ZONE_GET,		/* dump: zones, free areas, counters */
	SHADOWMM_CMD_PAGE_ALLOC,	/* do (admin): allocate blocks, get handles */
	SHADOWMM_CMD_PAGE_FREE,		/* do (admin): free handles, or all */
	SHADOWMM_CMD_FRAME_GET,		/* dump: frame states, run-length encoded */
	SHADOWMM_CMD_CHECK,		/* do (admin): verify every invariant */
	SHADOWMM_CMD_RESET,		/* do (admin): free every shadow allocation */
	SHADOWMM_CMD_EVENT,		/* multicast "events" only: one per interval */

	__SHADOWMM_CMD_MAX,
	SHADOWMM_CMD_MAX = __SHADOWMM_CMD_MAX - 1
};

/* Shadow zones, in the kernel's order (lowest first). */
enum shadowmm_zone {
	SHADOWMM_ZONE_DMA,
	SHADOWMM_ZONE_DMA32,
	SHADOWMM_ZONE_NORMAL,

	__SHADOWMM_ZONE_CNT
};

/* Migratetypes of pageblocks and free lists, as the kernel numbers them. */
enum shadowmm_migratetype {
	SHADOWMM_MT_UNMOVABLE,
	SHADOWMM_MT_MOVABLE,
	SHADOWMM_MT_RECLAIMABLE,

	__SHADOWMM_MT_CNT
};

/*
 * Shadow allocation flags (a small GFP). With no zone modifier the
 * allocation prefers NORMAL and falls back to DMA32, then DMA.
 */
#define SHADOWMM_GFP_DMA		(1U << 0)	/* zone modifier: DMA only */
#define SHADOWMM_GFP_DMA32		(1U << 1)	/* zone modifier: DMA32 and below */
#define SHADOWMM_GFP_MOVABLE		(1U << 2)	/* MIGRATE_MOVABLE */
#define SHADOWMM_GFP_RECLAIMABLE	(1U << 3)	/* MIGRATE_RECLAIMABLE */
#define SHADOWMM_GFP_ZERO		(1U << 4)	/* clear the memory */
#define SHADOWMM_GFP_HIGH		(1U << 5)	/* may dip to half of min */
#define SHADOWMM_GFP_RESERVE		(1U << 6)	/* may use the reserves below min */
#define SHADOWMM_GFP_ALL		((1U << 7) - 1)

/* How the managed frames are backed. */
enum shadowmm_mode {
	SHADOWMM_MODE_RESERVED = 1,	/* a range reserved by firmware/boot */
	SHADOWMM_MODE_BORROWED,		/* blocks taken from the page allocator */
};

/* SHADOWMM_CMD_INFO_GET reply */
enum shadowmm_a_info {
	SHADOWMM_A_INFO_UNSPEC,
	SHADOWMM_A_INFO_PAD,
	SHADOWMM_A_INFO_BASE,		/* u64: first physical address (admin) */
	SHADOWMM_A_INFO_SIZE,		/* u64: bytes managed */
	SHADOWMM_A_INFO_PAGE_SIZE,	/* u32: bytes per frame */
	SHADOWMM_A_INFO_NR_FRAMES,	/* u64: frames managed */
	SHADOWMM_A_INFO_SPAN_FRAMES,	/* u64: frame index space, holes included */
	SHADOWMM_A_INFO_MODE,		/* u32: enum shadowmm_mode */
	SHADOWMM_A_INFO_NR_SECTIONS,	/* u32 */
	SHADOWMM_A_INFO_DESC_BYTES,	/* u32: descriptor bytes per frame */
	SHADOWMM_A_INFO_VERSION,	/* string: module version */
	SHADOWMM_A_INFO_KERNEL,		/* string: running kernel release */
	SHADOWMM_A_INFO_MAX_ORDER,	/* u32: largest buddy order */

	__SHADOWMM_A_INFO_CNT,
	SHADOWMM_A_INFO_MAX = __SHADOWMM_A_INFO_CNT - 1
};

/* SHADOWMM_CMD_SECTION_GET dump: one message per section */
enum shadowmm_a_section {
	SHADOWMM_A_SECTION_UNSPEC,
	SHADOWMM_A_SECTION_PAD,
	SHADOWMM_A_SECTION_INDEX,	/* u32: section number */
	SHADOWMM_A_SECTION_BASE,	/* u64: physical address (admin) */
	SHADOWMM_A_SECTION_START,	/* u64: first frame index */
	SHADOWMM_A_SECTION_NR_FRAMES,	/* u64 */

	__SHADOWMM_A_SECTION_CNT,
	SHADOWMM_A_SECTION_MAX = __SHADOWMM_A_SECTION_CNT - 1
};

/*
 * Arrays are nests whose members are numbered from 1: member i + 1 holds
 * element i (order i, migratetype i, zone i).
 */

/* SHADOWMM_CMD_ZONE_GET dump: one message per zone, populated or not */
enum shadowmm_a_zone {
	SHADOWMM_A_ZONE_UNSPEC,
	SHADOWMM_A_ZONE_PAD,
	SHADOWMM_A_ZONE_ID,		/* u32: enum shadowmm_zone */
	SHADOWMM_A_ZONE_NAME,		/* string: "DMA", "DMA32", "Normal" */
	SHADOWMM_A_ZONE_START,		/* u64: first frame index */
	SHADOWMM_A_ZONE_SPANNED,	/* u64: frames spanned, holes included */
	SHADOWMM_A_ZONE_PRESENT,	/* u64 */
	SHADOWMM_A_ZONE_MANAGED,	/* u64 */
	SHADOWMM_A_ZONE_FREE,		/* u64: frames on the free lists */
	SHADOWMM_A_ZONE_PCP,		/* u64: frames on per-CPU lists */
	SHADOWMM_A_ZONE_WMARK_MIN,	/* u64 */
	SHADOWMM_A_ZONE_WMARK_LOW,	/* u64 */
	SHADOWMM_A_ZONE_WMARK_HIGH,	/* u64 */
	SHADOWMM_A_ZONE_LOWMEM_RESERVE,	/* nest: u64 array by zone */
	SHADOWMM_A_ZONE_PCP_HIGH,	/* u32 */
	SHADOWMM_A_ZONE_PCP_BATCH,	/* u32 */
	SHADOWMM_A_ZONE_FREE_AREA,	/* nest: SHADOWMM_A_ZONE_AREA by order */
	SHADOWMM_A_ZONE_PAGEBLOCKS,	/* nest: u64 array by migratetype */
	SHADOWMM_A_ZONE_STATS,		/* nest: enum shadowmm_a_stats */

	__SHADOWMM_A_ZONE_CNT,
	SHADOWMM_A_ZONE_MAX = __SHADOWMM_A_ZONE_CNT - 1
};

/* One order of a zone's free area (a member of SHADOWMM_A_ZONE_FREE_AREA) */
enum shadowmm_a_area {
	SHADOWMM_A_AREA_UNSPEC,
	SHADOWMM_A_AREA_PAD,
	SHADOWMM_A_AREA_ORDER,		/* u32 */
	SHADOWMM_A_AREA_NR_FREE,	/* u64: free blocks, all types */
	SHADOWMM_A_AREA_NR_FREE_MT,	/* nest: u64 array by migratetype */
	SHADOWMM_A_AREA_UNUSABLE,	/* s32: unusable free space index x1000 */
	SHADOWMM_A_AREA_EXTFRAG,	/* s32: fragmentation index x1000, -1000 fits */

	__SHADOWMM_A_AREA_CNT,
	SHADOWMM_A_AREA_MAX = __SHADOWMM_A_AREA_CNT - 1
};

/* A zone's counters (in SHADOWMM_A_ZONE_STATS), since load */
enum shadowmm_a_stats {
	SHADOWMM_A_STATS_UNSPEC,
	SHADOWMM_A_STATS_PAD,
	SHADOWMM_A_STATS_ALLOC,		/* nest: u64 array by order */
	SHADOWMM_A_STATS_FREE,		/* nest: u64 array by order */
	SHADOWMM_A_STATS_MT_FALLBACK,	/* u64: served from another migratetype */
	SHADOWMM_A_STATS_MT_STEAL,	/* u64: pageblocks changing type */
	SHADOWMM_A_STATS_ZONE_FALLBACK,	/* u64: served for a higher zone */
	SHADOWMM_A_STATS_WMARK_LOW,	/* u64: attempts finding free below low */
	SHADOWMM_A_STATS_WMARK_MIN,	/* u64: attempts finding free below min */
	SHADOWMM_A_STATS_ALLOC_FAIL,	/* u64 */
	SHADOWMM_A_STATS_PCP_ALLOC,	/* u64: allocations served by pcp lists */
	SHADOWMM_A_STATS_PCP_FREE,	/* u64: frees onto pcp lists */
	SHADOWMM_A_STATS_PCP_REFILL,	/* u64: batches from the buddy */
	SHADOWMM_A_STATS_PCP_DRAIN,	/* u64: batches back to the buddy */

	__SHADOWMM_A_STATS_CNT,
	SHADOWMM_A_STATS_MAX = __SHADOWMM_A_STATS_CNT - 1
};

/* SHADOWMM_CMD_PAGE_ALLOC / SHADOWMM_CMD_PAGE_FREE */
enum shadowmm_a_page {
	SHADOWMM_A_PAGE_UNSPEC,
	SHADOWMM_A_PAGE_PAD,
	SHADOWMM_A_PAGE_ORDER,		/* u32: 0..max_order (alloc, required) */
	SHADOWMM_A_PAGE_ZONE,		/* u32: highest zone (alloc) */
	SHADOWMM_A_PAGE_MIGRATETYPE,	/* u32 (alloc) */
	SHADOWMM_A_PAGE_FLAGS,		/* u32: SHADOWMM_GFP_* (alloc) */
	SHADOWMM_A_PAGE_COUNT,		/* u32: blocks, 1..SHADOWMM_PAGE_BATCH_MAX */
	SHADOWMM_A_PAGE_HANDLES,	/* nest: SHADOWMM_A_PAGE_HANDLE (u64) */
	SHADOWMM_A_PAGE_HANDLE,		/* u64: inside HANDLES */
	SHADOWMM_A_PAGE_ALL,		/* flag: free every netlink allocation */
	SHADOWMM_A_PAGE_FREED,		/* u64 (reply): frames freed */

	__SHADOWMM_A_PAGE_CNT,
	SHADOWMM_A_PAGE_MAX = __SHADOWMM_A_PAGE_CNT - 1
};

#define SHADOWMM_PAGE_BATCH_MAX		4096

/* What a run of frames is (SHADOWMM_A_RUN_STATE) */
enum shadowmm_frame_state {
	SHADOWMM_FRAME_HOLE = 1,	/* not backed: between sections */
	SHADOWMM_FRAME_FREE,		/* on a free list */
	SHADOWMM_FRAME_PCP,		/* free on a per-CPU list */
	SHADOWMM_FRAME_PAGE,		/* allocated pages */
	SHADOWMM_FRAME_SLAB,		/* a slab */
	SHADOWMM_FRAME_PGTABLE,		/* a page-table page of a shadow space */
	SHADOWMM_FRAME_SPACE,		/* mapped into a shadow space */

	__SHADOWMM_FRAME_CNT
};

/* SHADOWMM_CMD_FRAME_GET: request START/COUNT; replies carry RUNS */
enum shadowmm_a_frame {
	SHADOWMM_A_FRAME_UNSPEC,
	SHADOWMM_A_FRAME_PAD,
	SHADOWMM_A_FRAME_START,		/* u64: first frame index (default 0) */
	SHADOWMM_A_FRAME_COUNT,		/* u64: frames (default: to the end) */
	SHADOWMM_A_FRAME_RUNS,		/* nest: SHADOWMM_A_FRAME_RUN entries */
	SHADOWMM_A_FRAME_RUN,		/* nest: enum shadowmm_a_run */

	__SHADOWMM_A_FRAME_CNT,
	SHADOWMM_A_FRAME_MAX = __SHADOWMM_A_FRAME_CNT - 1
};

enum shadowmm_a_run {
	SHADOWMM_A_RUN_UNSPEC,
	SHADOWMM_A_RUN_PAD,
	SHADOWMM_A_RUN_START,		/* u64: first frame index */
	SHADOWMM_A_RUN_COUNT,		/* u64: frames */
	SHADOWMM_A_RUN_STATE,		/* u32: enum shadowmm_frame_state */
	SHADOWMM_A_RUN_MIGRATETYPE,	/* u32: of the pageblock(s) */

	__SHADOWMM_A_RUN_CNT,
	SHADOWMM_A_RUN_MAX = __SHADOWMM_A_RUN_CNT - 1
};

/* SHADOWMM_CMD_CHECK and SHADOWMM_CMD_RESET replies */
enum shadowmm_a_check {
	SHADOWMM_A_CHECK_UNSPEC,
	SHADOWMM_A_CHECK_PAD,
	SHADOWMM_A_CHECK_OK,		/* u8: 1 when every invariant holds */
	SHADOWMM_A_CHECK_REASON,	/* string: "ok" or the first violation */
	SHADOWMM_A_CHECK_FREED,		/* u64 (RESET): frames freed */

	__SHADOWMM_A_CHECK_CNT,
	SHADOWMM_A_CHECK_MAX = __SHADOWMM_A_CHECK_CNT - 1
};

/*
 * SHADOWMM_CMD_EVENT, on the "events" multicast group: at most one message
 * per interval, aggregated from the zone counters, sent only when someone
 * listens and something changed. A listener that misses messages (its
 * socket overflowed: ENOBUFS) or sees SEQ jump should dump ZONE_GET again.
 */
enum shadowmm_a_event {
	SHADOWMM_A_EVENT_UNSPEC,
	SHADOWMM_A_EVENT_PAD,
	SHADOWMM_A_EVENT_SEQ,		/* u64: numbers the messages, from 1 */
	SHADOWMM_A_EVENT_INTERVAL_MS,	/* u32: what the counts cover */
	SHADOWMM_A_EVENT_ZONES,		/* nest: SHADOWMM_A_EVENT_ZONE by zone */

	__SHADOWMM_A_EVENT_CNT,
	SHADOWMM_A_EVENT_MAX = __SHADOWMM_A_EVENT_CNT - 1
};

/* Watermark level of a zone: where its free frames are. */
enum shadowmm_wmark_level {
	SHADOWMM_WMARK_ABOVE_HIGH,
	SHADOWMM_WMARK_BELOW_HIGH,	/* low <= free < high */
	SHADOWMM_WMARK_BELOW_LOW,	/* min <= free < low */
	SHADOWMM_WMARK_BELOW_MIN,
};

/* One zone in an event (member zone + 1 of SHADOWMM_A_EVENT_ZONES) */
enum shadowmm_a_event_zone {
	SHADOWMM_A_EVZONE_UNSPEC,
	SHADOWMM_A_EVZONE_PAD,
	SHADOWMM_A_EVZONE_ID,		/* u32: enum shadowmm_zone */
	SHADOWMM_A_EVZONE_ALLOC,	/* u64: blocks allocated in the interval */
	SHADOWMM_A_EVZONE_FREE,		/* u64: blocks freed in the interval */
	SHADOWMM_A_EVZONE_ALLOC_FAIL,	/* u64: failed allocations in the interval */
	SHADOWMM_A_EVZONE_WMARK_LOW,	/* u64: attempts below low in the interval */
	SHADOWMM_A_EVZONE_WMARK_MIN,	/* u64: attempts below min in the interval */
	SHADOWMM_A_EVZONE_FREE_FRAMES,	/* u64: free frames now, pcp included */
	SHADOWMM_A_EVZONE_LEVEL,	/* u32: enum shadowmm_wmark_level now */
	SHADOWMM_A_EVZONE_LEVEL_PREV,	/* u32: at the previous message */

	__SHADOWMM_A_EVZONE_CNT,
	SHADOWMM_A_EVZONE_MAX = __SHADOWMM_A_EVZONE_CNT - 1
};

#endif /* _UAPI_LINUX_SHADOWMM_H */
