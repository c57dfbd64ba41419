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

#include <linux/types.h>

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
	SHADOWMM_CMD_CACHE_CREATE,	/* do (admin): a slab cache */
	SHADOWMM_CMD_CACHE_DESTROY,	/* do (admin): refused while objects live, unless FORCE */
	SHADOWMM_CMD_CACHE_GET,		/* dump: caches, slabinfo columns and counters */
	SHADOWMM_CMD_CACHE_SHRINK,	/* do (admin): give empty slabs back to the buddy */
	SHADOWMM_CMD_CACHE_VALIDATE,	/* do (admin): walk every slab, report problems */
	SHADOWMM_CMD_OBJ_ALLOC,		/* do (admin): allocate objects, get handles */
	SHADOWMM_CMD_OBJ_FREE,		/* do (admin): free object handles */
	SHADOWMM_CMD_OBJ_CORRUPT,	/* do (admin, debug_corrupt=1): corrupt an object */
	SHADOWMM_CMD_PT_WALK,		/* dump: page-table walk of a pid, the kernel or a space */
	SHADOWMM_CMD_SPACE_CREATE,	/* do (admin): a shadow address space */
	SHADOWMM_CMD_SPACE_MAP,		/* do (admin): map pages into a space */
	SHADOWMM_CMD_SPACE_UNMAP,	/* do (admin): unmap pages of a space */
	SHADOWMM_CMD_SPACE_TRANSLATE,	/* do: one address of a space */
	SHADOWMM_CMD_SPACE_DESTROY,	/* do (admin): a space and all it holds */
	SHADOWMM_CMD_SPACE_GET,		/* dump: spaces and their statistics */
	SHADOWMM_CMD_EVENT,		/* multicast "events" only: one per interval */
	SHADOWMM_CMD_SPACE_MMAP,	/* do (admin): an anonymous VMA in a space */
	SHADOWMM_CMD_SPACE_MUNMAP,	/* do (admin): VMAs of a range, and their pages */
	SHADOWMM_CMD_SPACE_ACCESS,	/* do (admin): read or write a range, faulting pages in */
	SHADOWMM_CMD_SPACE_VMA_GET,	/* dump: a space's VMAs, one message each */
	SHADOWMM_CMD_VMSTAT_GET,	/* do: counters by /proc/vmstat's names */
	SHADOWMM_CMD_SWAP_ON,		/* do (admin): a swap area of SWAP_SIZE bytes */
	SHADOWMM_CMD_SWAP_OFF,		/* do (admin): every page back in, the area freed */
	SHADOWMM_CMD_SWAP_GET,		/* do: the area, as /proc/swaps, and its counters */
	SHADOWMM_CMD_SPACE_PAGEOUT,	/* do (admin): MADV_PAGEOUT on a range of a space */
	SHADOWMM_CMD_RECLAIM,		/* do (admin): proactive reclaim, as memory.reclaim */
	SHADOWMM_CMD_SPACE_SET,		/* do (admin): a space's settings (OOM_SCORE_ADJ) */
	SHADOWMM_CMD_WORKLOAD_START,	/* do (admin): a workload on a space's VMAs */
	SHADOWMM_CMD_WORKLOAD_STOP,	/* do (admin): the space's workload stopped */
	SHADOWMM_CMD_WORKLOAD_GET,	/* dump (admin): the workloads and their counts */
	SHADOWMM_CMD_SYSCTL_GET,	/* do: the reclaim tunables, as /proc/sys/vm */
	SHADOWMM_CMD_SYSCTL_SET,	/* do (admin): any of them, all or nothing */
	SHADOWMM_CMD_CACHE_DROP,	/* do (admin): every shrinker to the end, as drop_caches 2 */
	SHADOWMM_CMD_FILE_OPEN,		/* do (admin): a shadow inode over a real file */
	SHADOWMM_CMD_FILE_READ,		/* do (admin): bytes read through the shadow page cache */
	SHADOWMM_CMD_FILE_GET,		/* dump (admin): the shadow inodes, as fincore */
	SHADOWMM_CMD_FILE_CLOSE,	/* do (admin): the inode's pages dropped, the file closed */
	SHADOWMM_CMD_COMPACT,		/* do (admin): compaction of one zone or all, as compact_memory */
	SHADOWMM_CMD_FILE_SYNC,		/* do (admin): a file's dirty pages written back, as fsync */
	SHADOWMM_CMD_FAULT_GET,		/* do: fault injection settings and counters, per target */
	SHADOWMM_CMD_FAULT_SET,		/* do (admin): one target's fault injection settings */
	SHADOWMM_CMD_OWNER_GET,		/* do/dump (admin): page_owner's record of blocks */
	SHADOWMM_CMD_CACHE_TUNE,	/* do (admin): a SLAB cache's limit, batchcount, shared */
	SHADOWMM_CMD_SPACE_FORK,	/* do (admin): SPACE_ID forked; replies the child's SPACE_ID */
	SHADOWMM_CMD_RANGE_OFFLINE,	/* do (admin): pageblocks taken offline, as memory hot-remove */
	SHADOWMM_CMD_RANGE_ONLINE,	/* do (admin): an offline range given back */
	SHADOWMM_CMD_RANGE_GET,		/* do (admin): the offline ranges */
	SHADOWMM_CMD_CMA_ALLOC,		/* do (admin): a contiguous range from the CMA area, as cma_alloc() */
	SHADOWMM_CMD_CMA_FREE,		/* do (admin): a CMA allocation back, as cma_release() */
	SHADOWMM_CMD_CMA_GET,		/* do (admin): the CMA area, its use and allocations */
	SHADOWMM_CMD_SPACE_PIN,		/* do (admin): pin_user_pages() of a range of a space */
	SHADOWMM_CMD_SPACE_UNPIN,	/* do (admin): unpin_user_pages() of a range of a space */

	__SHADOWMM_CMD_MAX,
	SHADOWMM_CMD_MAX = __SHADOWMM_CMD_MAX - 1
};

/*
 * Shadow zones, in the kernel's order (lowest first): a 32-bit kernel
 * with every zone has DMA, DMA32, Normal, HighMem, Movable. No real
 * config has both DMA32 and HighMem; the shadow has all five so that
 * one layout shows every zone (Documentation/design.md, "Zones").
 */
enum shadowmm_zone {
	SHADOWMM_ZONE_DMA,
	SHADOWMM_ZONE_DMA32,
	SHADOWMM_ZONE_NORMAL,
	SHADOWMM_ZONE_HIGHMEM,		/* not permanently mapped: kmap_local-like access */
	SHADOWMM_ZONE_MOVABLE,		/* movable allocations only (GFP_HIGHUSER_MOVABLE) */

	__SHADOWMM_ZONE_CNT
};

/* Migratetypes of pageblocks and free lists, as the kernel numbers them. */
enum shadowmm_migratetype {
	SHADOWMM_MT_UNMOVABLE,
	SHADOWMM_MT_MOVABLE,
	SHADOWMM_MT_RECLAIMABLE,
	SHADOWMM_MT_HIGHATOMIC,		/* reserve of high-order atomic requests, never asked for */
	SHADOWMM_MT_CMA,		/* the cma= area: movable allocations only */
	SHADOWMM_MT_ISOLATE,		/* isolated: never allocated (offline, cma alloc) */

	__SHADOWMM_MT_CNT
};

/*
 * Shadow allocation flags (a small GFP). With no zone modifier the
 * allocation prefers NORMAL and falls back to DMA32, then DMA; HIGHMEM
 * lets it use HighMem, HIGHMEM | MOVABLE (GFP_HIGHUSER_MOVABLE) Movable
 * and HighMem too, as 6.1's GFP_ZONE_TABLE (HIGHMEM with DMA or DMA32
 * is refused, the table's GFP_ZONE_BAD). The
 * kernel's GFP_KERNEL is 0 here, GFP_NOWAIT is ATOMIC and GFP_ATOMIC is
 * ATOMIC | HIGH (Documentation/fidelity.md). A request without ATOMIC
 * may reclaim directly and, below order 4 and not for DMA or DMA32
 * alone, call the OOM killer; NORETRY reclaims once and never kills
 * (Documentation/reclaim.md).
 */
#define SHADOWMM_GFP_DMA		(1U << 0)	/* zone modifier: DMA only */
#define SHADOWMM_GFP_DMA32		(1U << 1)	/* zone modifier: DMA32 and below */
#define SHADOWMM_GFP_MOVABLE		(1U << 2)	/* MIGRATE_MOVABLE */
#define SHADOWMM_GFP_RECLAIMABLE	(1U << 3)	/* MIGRATE_RECLAIMABLE */
#define SHADOWMM_GFP_ZERO		(1U << 4)	/* clear the memory */
#define SHADOWMM_GFP_HIGH		(1U << 5)	/* __GFP_HIGH: ALLOC_MIN_RESERVE */
#define SHADOWMM_GFP_RESERVE		(1U << 6)	/* __GFP_MEMALLOC: ALLOC_NO_WATERMARKS */
#define SHADOWMM_GFP_ATOMIC		(1U << 7)	/* cannot block: ALLOC_NON_BLOCK */
#define SHADOWMM_GFP_NORETRY		(1U << 8)	/* __GFP_NORETRY: one reclaim, no OOM */
#define SHADOWMM_GFP_HIGHMEM		(1U << 9)	/* zone modifier: __GFP_HIGHMEM */
#define SHADOWMM_GFP_ALL		((1U << 10) - 1)

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

/*
 * SHADOWMM_CMD_ZONE_GET dump: one message per zone, DMA, DMA32 and Normal
 * populated or not, HighMem and Movable when populated
 */
enum shadowmm_a_zone {
	SHADOWMM_A_ZONE_UNSPEC,
	SHADOWMM_A_ZONE_PAD,
	SHADOWMM_A_ZONE_ID,		/* u32: enum shadowmm_zone */
	SHADOWMM_A_ZONE_NAME,		/* string: "DMA", "DMA32", "Normal", "HighMem", "Movable" */
	SHADOWMM_A_ZONE_START,		/* u64: first frame index */
	SHADOWMM_A_ZONE_SPANNED,	/* u64: frames spanned, holes included */
	SHADOWMM_A_ZONE_PRESENT,	/* u64 */
	SHADOWMM_A_ZONE_MANAGED,	/* u64 */
	SHADOWMM_A_ZONE_FREE,		/* u64: frames on the free lists */
	SHADOWMM_A_ZONE_PCP,		/* u64: frames on per-CPU lists */
	SHADOWMM_A_ZONE_WMARK_MIN,	/* u64: with the boost, as zoneinfo */
	SHADOWMM_A_ZONE_WMARK_LOW,	/* u64 */
	SHADOWMM_A_ZONE_WMARK_HIGH,	/* u64 */
	SHADOWMM_A_ZONE_LOWMEM_RESERVE,	/* nest: u64 array by zone */
	SHADOWMM_A_ZONE_PCP_HIGH,	/* u32 */
	SHADOWMM_A_ZONE_PCP_BATCH,	/* u32 */
	SHADOWMM_A_ZONE_FREE_AREA,	/* nest: SHADOWMM_A_ZONE_AREA by order */
	SHADOWMM_A_ZONE_PAGEBLOCKS,	/* nest: u64 array by migratetype */
	SHADOWMM_A_ZONE_STATS,		/* nest: enum shadowmm_a_stats */
	SHADOWMM_A_ZONE_BOOST,		/* u64: watermark boost, in the marks above */
	SHADOWMM_A_ZONE_NR_RESERVED_HIGHATOMIC,	/* u64: frames in highatomic pageblocks */
	SHADOWMM_A_ZONE_PCP_FREE_FACTOR, /* nest: u32 by CPU (member cpu + 1), online CPUs */
	SHADOWMM_A_ZONE_NR_INACTIVE_ANON,	/* u64: pages on the LRU lists, */
	SHADOWMM_A_ZONE_NR_ACTIVE_ANON,		/* as zoneinfo's nr_zone_* lines */
	SHADOWMM_A_ZONE_NR_INACTIVE_FILE,
	SHADOWMM_A_ZONE_NR_ACTIVE_FILE,
	SHADOWMM_A_ZONE_NR_UNEVICTABLE,
	/*
	 * Compaction in this zone (Documentation/compaction.md, "Seen
	 * live"): the run in progress, or the last one; frames are indexes
	 * as ZONE_START's. COMPACT_RUNS 0: none yet, the others absent.
	 */
	SHADOWMM_A_ZONE_COMPACT_RUNS,		/* u64: runs that scanned, since load */
	SHADOWMM_A_ZONE_COMPACT_RUNNING,	/* u8: 1 while a run scans */
	SHADOWMM_A_ZONE_COMPACT_ORDER,		/* s32: the run's order, -1 the whole zone */
	SHADOWMM_A_ZONE_COMPACT_MIGRATE_PFN,	/* u64: the migrate scanner's next frame */
	SHADOWMM_A_ZONE_COMPACT_FREE_PFN,	/* u64: the free scanner's pageblock */

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
	SHADOWMM_FRAME_LRU,		/* LRU records and reverse map of anon pages */

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
	SHADOWMM_A_FRAME_PACKED,	/* flag (request): reply in PACKED_RUNS, with marks */
	SHADOWMM_A_FRAME_PACKED_START,	/* u64 (reply): the first frame of this message's records */
	SHADOWMM_A_FRAME_PACKED_RUNS,	/* binary (reply): struct shadowmm_frame_rec[] */

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

/*
 * What the pages of a run are (struct shadowmm_frame_rec's marks), for
 * allocated pages (states page, space): each bit as the kernel's page
 * flags would say it. Other states carry no marks.
 */
#define SHADOWMM_MARK_ANON	(1U << 0)	/* PageAnon(): a space's fault mapped it */
#define SHADOWMM_MARK_FILE	(1U << 1)	/* a page of the page cache */
#define SHADOWMM_MARK_DIRTY	(1U << 2)	/* PG_dirty of a page-cache page */
#define SHADOWMM_MARK_SHARED	(1U << 3)	/* anon page mapped by more than one space (fork) */

/*
 * FRAME_GET with SHADOWMM_A_FRAME_PACKED: each reply message carries
 * PACKED_START and one PACKED_RUNS, an array of these 8-byte records,
 * little-endian, one per run; a run starts where the one before it ends
 * (the first at PACKED_START). Runs split where state, pageblock
 * migratetype or marks change; a run is at most 2^32 - 1 frames.
 * Without the flag the reply is nested RUN attributes, no marks.
 */
struct shadowmm_frame_rec {
	__le32 count;		/* frames */
	__u8 state;		/* enum shadowmm_frame_state */
	__u8 mt;		/* migratetype of the pageblock(s) */
	__le16 marks;		/* SHADOWMM_MARK_* */
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
 * Slab caches (CACHE_* and OBJ_* commands).
 *
 * An object handle is tag << 40 | position, where the position is the
 * object's byte address in the frame index space (frame index << 12 |
 * offset); the 24-bit tag changes with every netlink allocation, so a
 * handle kept after its object was freed is refused as stale.
 */
#define SHADOWMM_CACHE_HWCACHE_ALIGN	(1U << 0)	/* align objects to cache lines */
#define SHADOWMM_CACHE_RED_ZONE		(1U << 1)	/* red zone after each object */
#define SHADOWMM_CACHE_POISON		(1U << 2)	/* poison free objects */
#define SHADOWMM_CACHE_STORE_USER	(1U << 3)	/* tag objects with their owner */
#define SHADOWMM_CACHE_RECLAIM_ACCOUNT	(1U << 4)	/* slabs are RECLAIMABLE */
#define SHADOWMM_CACHE_HARDENED		(1U << 5)	/* obfuscated freelist pointers */
#define SHADOWMM_CACHE_FAILSLAB		(1U << 6)	/* SLAB_FAILSLAB: failslab's cache-filter picks it */
#define SHADOWMM_CACHE_ALL		((1U << 7) - 1)

#define SHADOWMM_OBJ_BATCH_MAX		4096
#define SHADOWMM_OBJ_POS_BITS		40

/* SHADOWMM_CMD_OBJ_CORRUPT kinds */
enum shadowmm_corrupt {
	SHADOWMM_CORRUPT_REDZONE = 1,	/* write one byte past a live object */
	SHADOWMM_CORRUPT_AFTER_FREE,	/* free the object, then write into it */
	SHADOWMM_CORRUPT_FREELIST,	/* free it, then overwrite its free pointer */

	__SHADOWMM_CORRUPT_CNT
};

/*
 * A cache's allocator, chosen at creation (Documentation/slab.md): the
 * three designs the kernel had in mm/slub.c, mm/slab.c and mm/slob.c,
 * here side by side.
 */
enum shadowmm_cache_policy {
	SHADOWMM_CACHE_POLICY_SLUB,	/* the default */
	SHADOWMM_CACHE_POLICY_SLAB,	/* mm/slab.c (v6.7): array caches (slab_slab.c) */
	SHADOWMM_CACHE_POLICY_SLOB,	/* mm/slob.c (v6.3) */

	__SHADOWMM_CACHE_POLICY_CNT
};

enum shadowmm_a_cache {
	SHADOWMM_A_CACHE_UNSPEC,
	SHADOWMM_A_CACHE_PAD,
	SHADOWMM_A_CACHE_NAME,		/* string: the cache (requests and replies) */
	SHADOWMM_A_CACHE_OBJECT_SIZE,	/* u32: bytes asked for (create) */
	SHADOWMM_A_CACHE_ALIGN,		/* u32: 0 or a power of two (create) */
	SHADOWMM_A_CACHE_FLAGS,		/* u32: SHADOWMM_CACHE_* (create) */
	SHADOWMM_A_CACHE_FORCE,		/* flag: destroy frees live objects */
	SHADOWMM_A_CACHE_ID,		/* u32 */
	SHADOWMM_A_CACHE_BUILTIN,	/* u8: a kmalloc cache, never destroyed */
	SHADOWMM_A_CACHE_SIZE,		/* u32: object stride with metadata */
	SHADOWMM_A_CACHE_ORDER,		/* u32: buddy order of a slab */
	SHADOWMM_A_CACHE_OBJS_PER_SLAB,	/* u32 */
	SHADOWMM_A_CACHE_ACTIVE_OBJS,	/* u64: allocated objects */
	SHADOWMM_A_CACHE_NUM_OBJS,	/* u64: objects in all slabs */
	SHADOWMM_A_CACHE_NUM_SLABS,	/* u64 */
	SHADOWMM_A_CACHE_PARTIAL_SLABS,	/* u64 */
	SHADOWMM_A_CACHE_FULL_SLABS,	/* u64 */
	SHADOWMM_A_CACHE_CPU_SLABS,	/* u64: active on a CPU */
	SHADOWMM_A_CACHE_ALLOC_FAST,	/* u64 */
	SHADOWMM_A_CACHE_ALLOC_SLOW,	/* u64 */
	SHADOWMM_A_CACHE_FREE_FAST,	/* u64 */
	SHADOWMM_A_CACHE_FREE_SLOW,	/* u64 */
	SHADOWMM_A_CACHE_ALLOC_FAIL,	/* u64 */
	SHADOWMM_A_CACHE_SLABS_ALLOC,	/* u64: slabs taken from the buddy */
	SHADOWMM_A_CACHE_SLABS_FREE,	/* u64: slabs given back */
	SHADOWMM_A_CACHE_ERRORS,	/* u64: corruption and misuse detected */
	SHADOWMM_A_CACHE_COUNT,		/* u32: objects, 1..SHADOWMM_OBJ_BATCH_MAX (alloc) */
	SHADOWMM_A_CACHE_HANDLES,	/* nest: SHADOWMM_A_CACHE_HANDLE (u64) */
	SHADOWMM_A_CACHE_HANDLE,	/* u64: inside HANDLES */
	SHADOWMM_A_CACHE_FREED,		/* u64 (reply): objects or frames freed */
	SHADOWMM_A_CACHE_PROBLEMS,	/* u64 (validate reply): problems found */
	SHADOWMM_A_CACHE_CORRUPT,	/* u32: enum shadowmm_corrupt */
	SHADOWMM_A_CACHE_CPU_PARTIAL,	/* u32: objects a CPU's partial list aims at (SLUB's cpu_partial) */
	SHADOWMM_A_CACHE_CPU_PARTIAL_SLABS,	/* u64: slabs on the CPUs' partial lists */
	SHADOWMM_A_CACHE_SLABINFO_ACTIVE,	/* u64: active_objs as /proc/slabinfo counts them */
	SHADOWMM_A_CACHE_CACHED,	/* flag (alloc): park the objects on the cache's LRU, no handles */
	SHADOWMM_A_CACHE_NR_CACHED,	/* u64: cached objects, freed by the cache's shrinker */
	SHADOWMM_A_CACHE_POLICY,	/* u32: enum shadowmm_cache_policy (create; GET replies) */
	SHADOWMM_A_CACHE_LIMIT,		/* u32: SLAB: objects a CPU's array holds (tune; GET) */
	SHADOWMM_A_CACHE_BATCHCOUNT,	/* u32: SLAB: objects a refill or flush moves (tune; GET) */
	SHADOWMM_A_CACHE_SHARED,	/* u32: SLAB: the shared array, in batches (tune; GET) */

	__SHADOWMM_A_CACHE_CNT,
	SHADOWMM_A_CACHE_MAX = __SHADOWMM_A_CACHE_CNT - 1
};

/* ---- page tables: PT_WALK and the SPACE_* commands ---- */

/* Page-table levels, top first; P4D is folded under 4-level paging. */
enum shadowmm_pt_level {
	SHADOWMM_PT_PGD,
	SHADOWMM_PT_P4D,
	SHADOWMM_PT_PUD,
	SHADOWMM_PT_PMD,
	SHADOWMM_PT_PTE,

	__SHADOWMM_PT_CNT
};

/* Decoded entry flags (SHADOWMM_A_PTL_FLAGS), from the x86-64 entry format. */
#define SHADOWMM_PTF_PRESENT		(1U << 0)
#define SHADOWMM_PTF_WRITE		(1U << 1)
#define SHADOWMM_PTF_USER		(1U << 2)
#define SHADOWMM_PTF_PWT		(1U << 3)	/* write-through */
#define SHADOWMM_PTF_PCD		(1U << 4)	/* cache disabled */
#define SHADOWMM_PTF_ACCESSED		(1U << 5)
#define SHADOWMM_PTF_DIRTY		(1U << 6)
#define SHADOWMM_PTF_HUGE		(1U << 7)	/* PSE: a leaf above the PTE level */
#define SHADOWMM_PTF_GLOBAL		(1U << 8)
#define SHADOWMM_PTF_NX			(1U << 9)	/* no-execute */
#define SHADOWMM_PTF_PROTNONE		(1U << 10)	/* PROT_NONE: mapped, not present */
#define SHADOWMM_PTF_SOFT_DIRTY		(1U << 11)
#define SHADOWMM_PTF_SWAP		(1U << 12)	/* a swap (or migration) entry */
#define SHADOWMM_PTF_CONT		(1U << 13)	/* arm64: contiguous hint */
#define SHADOWMM_PTF_DBM		(1U << 14)	/* arm64: DBM (Linux's PTE_WRITE) */
#define SHADOWMM_PTF_SPECIAL		(1U << 15)	/* arm64: PTE_SPECIAL (no struct page) */
#define SHADOWMM_PTF_ALL		((1U << 16) - 1)

/* What a walk step ended on (SHADOWMM_A_PT_KIND) */
enum shadowmm_pt_kind {
	SHADOWMM_PT_HOLE = 1,		/* nothing mapped: an empty entry */
	SHADOWMM_PT_PAGE,		/* a present leaf (or PROT_NONE) */
	SHADOWMM_PT_SWAP,		/* a swap or migration entry */
	SHADOWMM_PT_BAD,		/* an entry the walker cannot follow */

	__SHADOWMM_PT_KIND_CNT
};

/*
 * SHADOWMM_CMD_PT_WALK: request PID, KERNEL or SPACE, with ADDR and LEN;
 * one reply message per step: a page (the page of SIZE bytes holding
 * ADDR), or a hole ([ADDR, ADDR + SIZE): a run of empty entries; SIZE 0
 * means up to 2^64). LEVELS are those of ADDR. ENTRY, PFN and IN_SHADOW
 * go to CAP_SYS_ADMIN only, and so does a walk of the KERNEL's tables. A
 * process is walked only inside its VMAs, as /proc/PID/pagemap does:
 * between them a hole carries NO_VMA and no LEVELS.
 */
enum shadowmm_a_pt {
	SHADOWMM_A_PT_UNSPEC,
	SHADOWMM_A_PT_PAD,
	SHADOWMM_A_PT_PID,		/* u32: walk this process's tables */
	SHADOWMM_A_PT_KERNEL,		/* flag: walk the kernel's tables */
	SHADOWMM_A_PT_SPACE,		/* u32: walk this shadow space */
	SHADOWMM_A_PT_ADDR,		/* u64: first virtual address */
	SHADOWMM_A_PT_LEN,		/* u64: bytes (default 1: one page) */
	SHADOWMM_A_PT_PAGING_LEVELS,	/* u32 (reply): 4 or 5 */
	SHADOWMM_A_PT_KIND,		/* u32 (reply): enum shadowmm_pt_kind */
	SHADOWMM_A_PT_SIZE,		/* u64 (reply): page size, or hole length */
	SHADOWMM_A_PT_LEVELS,		/* nest (reply): SHADOWMM_A_PT_LEVEL entries */
	SHADOWMM_A_PT_LEVEL,		/* nest: enum shadowmm_a_ptl */
	SHADOWMM_A_PT_PFN,		/* u64 (reply, admin): frame of ADDR */
	SHADOWMM_A_PT_IN_SHADOW,	/* u8 (reply, admin): the frame is shadowmm's */
	SHADOWMM_A_PT_SWAP_TYPE,	/* u32 (reply): of a swap entry */
	SHADOWMM_A_PT_SWAP_OFFSET,	/* u64 (reply): of a swap entry */
	SHADOWMM_A_PT_NO_VMA,		/* flag (reply): a hole outside every VMA, no table read */
	SHADOWMM_A_PT_LEAVES,		/* flag (request): leaf runs only, see below */
	SHADOWMM_A_PT_RUNS,		/* binary (reply): struct shadowmm_pt_run[] */

	__SHADOWMM_A_PT_CNT,
	SHADOWMM_A_PT_MAX = __SHADOWMM_A_PT_CNT - 1
};

/*
 * The leaves mode (request flag SHADOWMM_A_PT_LEAVES): no levels and no
 * holes, only the translations the leaves give, as runs. Each reply
 * message carries PAGING_LEVELS and one RUNS attribute, an array of
 * struct shadowmm_pt_run in address order (several hundred a message);
 * the dump resumes at the next address as the per-level one does.
 *  - A run is whole pages of one size (1 << shift bytes): it may start
 *    before ADDR and end after ADDR + LEN when a huge page straddles them.
 *  - Only present and PROT_NONE leaves (flags say which) make runs; empty
 *    entries, swap and migration entries and entries the walker cannot
 *    follow are skipped (the per-level mode shows them).
 *  - A leaf joins the run before it when it follows it in virtual
 *    memory, has the same page size and flags, and (CAP_SYS_ADMIN only)
 *    its frame follows the run's last frame. Without CAP_SYS_ADMIN pfn is
 *    0 and frames are neither shown nor compared, so a run's length says
 *    nothing about physical memory.
 *  - A run never spans two messages, nor holds more than 2^32 - 1 pages.
 */
struct shadowmm_pt_run {
	__u64 addr;			/* first virtual address (page aligned) */
	__u64 pfn;			/* first frame; 0 without CAP_SYS_ADMIN */
	__u32 pages;			/* pages of 1 << shift bytes */
	__u16 flags;			/* SHADOWMM_PTF_* of every leaf in the run */
	__u8 shift;			/* page size: 12, 21 or 30 (x86-64, arm64 4K) */
	__u8 reserved;			/* 0 */
};

/* One level of a walk step */
enum shadowmm_a_ptl {
	SHADOWMM_A_PTL_UNSPEC,
	SHADOWMM_A_PTL_PAD,
	SHADOWMM_A_PTL_LEVEL,		/* u32: enum shadowmm_pt_level */
	SHADOWMM_A_PTL_INDEX,		/* u32: entry index in its table */
	SHADOWMM_A_PTL_ENTRY,		/* u64 (admin): the raw entry */
	SHADOWMM_A_PTL_FLAGS,		/* u32: SHADOWMM_PTF_* */
	SHADOWMM_A_PTL_FOLDED,		/* flag: the level is folded (4-level P4D) */

	__SHADOWMM_A_PTL_CNT,
	SHADOWMM_A_PTL_MAX = __SHADOWMM_A_PTL_CNT - 1
};

/* Page sizes of SHADOWMM_A_SPACE_PAGE_SIZE, as a shift */
#define SHADOWMM_PAGE_4K		12
#define SHADOWMM_PAGE_2M		21
#define SHADOWMM_PAGE_1G		30

/* Protection of a shadow mapping (SHADOWMM_A_SPACE_PROT) */
#define SHADOWMM_PROT_WRITE		(1U << 0)
#define SHADOWMM_PROT_USER		(1U << 1)
#define SHADOWMM_PROT_EXEC		(1U << 2)
#define SHADOWMM_PROT_GLOBAL		(1U << 3)
#define SHADOWMM_PROT_NONE		(1U << 4)	/* mapped but not present */
#define SHADOWMM_PROT_ALL		((1U << 5) - 1)

#define SHADOWMM_SPACE_MAX		64	/* spaces at once */
#define SHADOWMM_SPACE_MAP_MAX		262144	/* pages per SPACE_MAP/UNMAP request */
#define SHADOWMM_OOM_SCORE_ADJ_MIN	(-1000)	/* OOM_SCORE_ADJ_MIN: never OOM-killed */
#define SHADOWMM_OOM_SCORE_ADJ_MAX	1000	/* OOM_SCORE_ADJ_MAX */

/*
 * Shadow processes: a VMA's protection is SHADOWMM_PROT_WRITE and
 * SHADOWMM_PROT_EXEC (read implied, as Linux's protection_map[] gives
 * on x86 and arm64) or SHADOWMM_PROT_NONE alone. An access reads or
 * writes whole 64-bit words, at most SHADOWMM_ACCESS_MAX bytes; a fault
 * it cannot resolve stops it (SIGNAL: EFAULT no VMA, EACCES against the
 * protection, ENOMEM no memory, ENXIO SIGBUS past a mapped file's end,
 * EIO the file could not be read) and is a reply, not an error, as a
 * signal is to a tracer: the request itself was valid.
 */
#define SHADOWMM_VMA_ANON		1
#define SHADOWMM_VMA_FILE		2	/* a mapping of a shadow inode (FILE_OPEN) */
#define SHADOWMM_VMA_MAX_COUNT		65530	/* vm.max_map_count's default */
#define SHADOWMM_ACCESS_MAX		(1ULL << 30)
#define SHADOWMM_PIN_MAX_PAGES		65536	/* pages per SPACE_PIN/_UNPIN request */

/* SPACE_CREATE, _MAP, _UNMAP, _TRANSLATE, _DESTROY, and the SPACE_GET dump */
enum shadowmm_a_space {
	SHADOWMM_A_SPACE_UNSPEC,
	SHADOWMM_A_SPACE_PAD,
	SHADOWMM_A_SPACE_ID,		/* u32: from SPACE_CREATE */
	SHADOWMM_A_SPACE_LEVELS,	/* u32: 4 or 5 (create; default 4) */
	SHADOWMM_A_SPACE_ADDR,		/* u64: first virtual address */
	SHADOWMM_A_SPACE_PAGES,		/* u64: pages of PAGE_SIZE (map, unmap) */
	SHADOWMM_A_SPACE_PAGE_SIZE,	/* u32: SHADOWMM_PAGE_4K/2M/1G (default 4K) */
	SHADOWMM_A_SPACE_PROT,		/* u32: SHADOWMM_PROT_* (map) */
	SHADOWMM_A_SPACE_TABLES,	/* nest (reply): u64 table pages by level, from PGD */
	SHADOWMM_A_SPACE_MAPPED,	/* nest (reply): u64 pages mapped by size 4K, 2M, 1G */
	SHADOWMM_A_SPACE_PFN,		/* u64 (translate reply, admin): frame of ADDR */
	SHADOWMM_A_SPACE_PHYS,		/* u64 (translate reply, admin): physical address */
	SHADOWMM_A_SPACE_FLAGS,		/* u32 (translate reply): SHADOWMM_PTF_* of the leaf */
	SHADOWMM_A_SPACE_FRAMES,	/* u64 (reply): frames the space holds, tables included */
	/* shadow processes: VMAs and demand paging (SPACE_MMAP, _MUNMAP, _ACCESS, _VMA_GET) */
	SHADOWMM_A_SPACE_LEN,		/* u64: bytes (mmap, munmap, access; a VMA's length) */
	SHADOWMM_A_SPACE_WRITE,		/* flag (access): write instead of read */
	SHADOWMM_A_SPACE_VALUE,		/* u64 (access): word to write; default each word's address */
	SHADOWMM_A_SPACE_CSUM,		/* u64 (access reply): FNV-1a of the 64-bit words read */
	SHADOWMM_A_SPACE_TOUCHED,	/* u64 (access reply): pages touched */
	SHADOWMM_A_SPACE_FAULTS,	/* u64 (access reply): minor faults taken */
	SHADOWMM_A_SPACE_SIGNAL,	/* u32 (access reply): errno of the fault that stopped it */
	SHADOWMM_A_SPACE_FAULT_ADDR,	/* u64 (access reply): where it stopped */
	SHADOWMM_A_SPACE_REASON,	/* string (access reply): why */
	SHADOWMM_A_SPACE_RSS_ANON,	/* u64 (SPACE_GET): anonymous pages mapped (RssAnon) */
	SHADOWMM_A_SPACE_MIN_FLT,	/* u64 (SPACE_GET): minor faults */
	SHADOWMM_A_SPACE_MAJ_FLT,	/* u64 (SPACE_GET): major faults */
	SHADOWMM_A_SPACE_NR_VMAS,	/* u32 (SPACE_GET): VMAs */
	SHADOWMM_A_SPACE_VMA_KIND,	/* u32 (VMA_GET): SHADOWMM_VMA_ANON */
	SHADOWMM_A_SPACE_PGFAULT,	/* u64 (SPACE_GET): the mm's pgfault, all spaces */
	SHADOWMM_A_SPACE_SWAP,		/* u64 (SPACE_GET): swap entries (VmSwap, pages) */
	SHADOWMM_A_SPACE_PAGED_OUT,	/* u64 (PAGEOUT reply): pages written to swap */
	SHADOWMM_A_SPACE_OOM_SCORE_ADJ,	/* s32 (SET; SPACE_GET): -1000..1000, -1000 never killed */
	SHADOWMM_A_SPACE_OOM_KILLED,	/* flag (SPACE_GET): killed by the OOM killer */
	/* file mappings (issue 18): SPACE_MMAP's optional attributes, VMA_GET's */
	SHADOWMM_A_SPACE_FILE,		/* u32 (mmap, VMA_GET): the shadow inode's FILE_ID */
	SHADOWMM_A_SPACE_OFFSET,	/* u64 (mmap, VMA_GET): byte offset in the file, page aligned */
	SHADOWMM_A_SPACE_SHARED,	/* flag (mmap, VMA_GET): MAP_SHARED (default MAP_PRIVATE) */
	SHADOWMM_A_SPACE_RSS_FILE,	/* u64 (SPACE_GET): page-cache pages mapped (RssFile) */
	/* fork (issue 18): SPACE_GET's copy-on-write counts (Documentation/fork.md) */
	SHADOWMM_A_SPACE_COW_FAULTS,	/* u64 (SPACE_GET): anonymous pages copied on write */
	SHADOWMM_A_SPACE_COW_REUSE,	/* u64 (SPACE_GET): write faults that reused the page */
	/* pins (Documentation/pin.md): SPACE_PIN/_UNPIN take ID, ADDR, LEN; PIN also WRITE */
	SHADOWMM_A_SPACE_LONGTERM,	/* flag (pin): FOLL_LONGTERM, out of Movable and CMA first */
	SHADOWMM_A_SPACE_PINNED,	/* u64 (pin reply: pages pinned; SPACE_GET: pages with pins) */
	SHADOWMM_A_SPACE_MIGRATED,	/* u64 (pin reply): pages moved out of Movable or CMA */

	__SHADOWMM_A_SPACE_CNT,
	SHADOWMM_A_SPACE_MAX = __SHADOWMM_A_SPACE_CNT - 1
};

/*
 * SHADOWMM_CMD_EVENT, on the "events" multicast group: at most one message
 * per interval, aggregated from the zone counters, the slab layer's
 * cache creations and destructions, the vmstat counters and the OOM
 * killer's kills, sent only when someone listens and something changed. A listener that misses messages (its
 * socket overflowed: ENOBUFS) or sees SEQ jump should dump ZONE_GET again.
 */
enum shadowmm_a_event {
	SHADOWMM_A_EVENT_UNSPEC,
	SHADOWMM_A_EVENT_PAD,
	SHADOWMM_A_EVENT_SEQ,		/* u64: numbers the messages, from 1 */
	SHADOWMM_A_EVENT_INTERVAL_MS,	/* u32: what the counts cover */
	SHADOWMM_A_EVENT_ZONES,		/* nest: SHADOWMM_A_EVENT_ZONE by zone */
	/* slab caches (issue 6), sent when the counts are not both 0 */
	SHADOWMM_A_EVENT_CACHES_CREATED,	/* u64: caches created in the interval */
	SHADOWMM_A_EVENT_CACHES_DESTROYED,	/* u64: caches destroyed in the interval */
	SHADOWMM_A_EVENT_CACHE_CREATED,		/* string: the last one created, if any */
	SHADOWMM_A_EVENT_CACHE_DESTROYED,	/* string: the last one destroyed, if any */
	/*
	 * vmstat (issue 17): the counters whose value changed in the
	 * interval, with their values now, as VMSTAT_GET sends them (a nest
	 * of SHADOWMM_A_VMSTAT_COUNTER, enum shadowmm_a_vmstat_counter)
	 */
	SHADOWMM_A_EVENT_VMSTAT,
	/* the OOM killer, sent when it killed in the interval */
	SHADOWMM_A_EVENT_OOM_KILLS,		/* u64: spaces killed in the interval */
	SHADOWMM_A_EVENT_OOM_VICTIM,		/* u32: the last one's id */
	SHADOWMM_A_EVENT_OOM_VICTIM_PAGES,	/* u64: its anon RSS and swap entries, freed */

	__SHADOWMM_A_EVENT_CNT,
	SHADOWMM_A_EVENT_MAX = __SHADOWMM_A_EVENT_CNT - 1
};

/*
 * Watermark level of a zone: where its free frames are against the marks
 * the allocator uses (boost included), less the highatomic reserve, as
 * an order-0 GFP_KERNEL request's check sees them: it passes a mark when
 * free > mark, so "below" includes equal.
 */
enum shadowmm_wmark_level {
	SHADOWMM_WMARK_ABOVE_HIGH,	/* high < free */
	SHADOWMM_WMARK_BELOW_HIGH,	/* low < free <= high */
	SHADOWMM_WMARK_BELOW_LOW,	/* min < free <= low */
	SHADOWMM_WMARK_BELOW_MIN,	/* free <= min */
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
	SHADOWMM_A_EVZONE_BOOST,	/* u64: watermark boost now */
	SHADOWMM_A_EVZONE_NR_RESERVED_HIGHATOMIC, /* u64: highatomic reserve now */

	__SHADOWMM_A_EVZONE_CNT,
	SHADOWMM_A_EVZONE_MAX = __SHADOWMM_A_EVZONE_CNT - 1
};

/*
 * SHADOWMM_CMD_VMSTAT_GET reply: the counters the shadow keeps, by the
 * names /proc/vmstat gives them and in its order, each a nest of its
 * name and value; which counters exist is the module's to say, so a new
 * one needs no change here. The request takes no attribute.
 */
enum shadowmm_a_vmstat {
	SHADOWMM_A_VMSTAT_UNSPEC,
	SHADOWMM_A_VMSTAT_COUNTERS,	/* nest: SHADOWMM_A_VMSTAT_COUNTER each */

	__SHADOWMM_A_VMSTAT_CNT,
	SHADOWMM_A_VMSTAT_MAX = __SHADOWMM_A_VMSTAT_CNT - 1
};

/* One counter (SHADOWMM_A_VMSTAT_COUNTER) */
#define SHADOWMM_A_VMSTAT_COUNTER	1

enum shadowmm_a_vmstat_counter {
	SHADOWMM_A_VMSTAT_CTR_UNSPEC,
	SHADOWMM_A_VMSTAT_CTR_PAD,
	SHADOWMM_A_VMSTAT_CTR_NAME,	/* string: e.g. "pgfree" */
	SHADOWMM_A_VMSTAT_CTR_VALUE,	/* u64 */

	__SHADOWMM_A_VMSTAT_CTR_CNT,
	SHADOWMM_A_VMSTAT_CTR_MAX = __SHADOWMM_A_VMSTAT_CTR_CNT - 1
};

/*
 * SHADOWMM_CMD_SWAP_ON / _OFF / _GET: one swap area (type 0) of memory
 * the module allocates outside the range; sizes in bytes, as /proc/swaps
 * shows KiB. The module refuses areas over SHADOWMM_SWAP_MAX_BYTES or
 * over an eighth of the machine's RAM.
 */
#define SHADOWMM_SWAP_MAX_BYTES		(4ULL << 30)

enum shadowmm_a_swap {
	SHADOWMM_A_SWAP_UNSPEC,
	SHADOWMM_A_SWAP_PAD,
	SHADOWMM_A_SWAP_SIZE,		/* u64: bytes asked for (ON); usable (GET) */
	SHADOWMM_A_SWAP_USED,		/* u64 (GET): bytes in use */
	SHADOWMM_A_SWAP_PRIORITY,	/* s32 (GET): as swapon gives the first area, -2 */
	SHADOWMM_A_SWAP_CLUSTERS,	/* u32 (GET): clusters of 256 slots */
	SHADOWMM_A_SWAP_CLUSTERS_FREE,	/* u32 (GET): on the free-cluster list */
	SHADOWMM_A_SWAP_PSWPIN,		/* u64 (GET): pages read from swap, ever */
	SHADOWMM_A_SWAP_PSWPOUT,	/* u64 (GET): pages written to swap, ever */
	SHADOWMM_A_SWAP_PGMAJFAULT,	/* u64 (GET): major faults, ever */
	SHADOWMM_A_SWAP_LIMIT,		/* u64 (GET): the largest size SWAP_ON accepts */
	SHADOWMM_A_SWAP_CACHED,		/* u64 (GET): pages in the swap cache (SwapCached) */

	__SHADOWMM_A_SWAP_CNT,
	SHADOWMM_A_SWAP_MAX = __SHADOWMM_A_SWAP_CNT - 1
};

/*
 * SHADOWMM_CMD_RECLAIM: proactive reclaim of RECLAIM_PAGES pages (what
 * memory.reclaim does with a size: smmctl converts bytes to pages,
 * rounding down). The reply carries RECLAIM_PAGES: the pages reclaimed
 * (a batch of 32 may overshoot). -EAGAIN, as memory.reclaim, when 16
 * rounds in a row reclaimed nothing.
 */
#define SHADOWMM_RECLAIM_MAX_PAGES	(1ULL << 40)

enum shadowmm_a_reclaim {
	SHADOWMM_A_RECLAIM_UNSPEC,
	SHADOWMM_A_RECLAIM_PAD,
	SHADOWMM_A_RECLAIM_PAGES,	/* u64: pages asked for; in the reply, reclaimed */

	__SHADOWMM_A_RECLAIM_CNT,
	SHADOWMM_A_RECLAIM_MAX = __SHADOWMM_A_RECLAIM_CNT - 1
};

/*
 * SHADOWMM_CMD_WORKLOAD_START / _STOP / _GET: the workload generator. START
 * runs a kernel thread that accesses WORKLOAD_SPACE's VMAs (every page of
 * them, in address order, numbered from 0) WORKLOAD_RATE times a second by
 * WORKLOAD_PATTERN, WORKLOAD_WRITE_PCT % of them writes, for WORKLOAD_SECONDS (0:
 * until stopped). One workload per space, at most
 * SHADOWMM_WORKLOAD_MAX_WORKLOADS at once. It ends by itself when its time
 * is up, the space goes or an access fails (SIGSEGV, out of memory):
 * WORKLOAD_GET then says WORKLOAD_STATE 0 and WORKLOAD_REASON. STOP ends it and
 * forgets it; rmmod stops every one.
 */
#define SHADOWMM_WORKLOAD_MAX_WORKLOADS	8
#define SHADOWMM_WORKLOAD_MAX_RATE	100000	/* accesses per second */
#define SHADOWMM_WORKLOAD_MAX_SECONDS	86400

enum shadowmm_workload_pattern {
	SHADOWMM_WORKLOAD_SEQ,		/* page 0, 1, 2, ... and again */
	SHADOWMM_WORKLOAD_RANDOM,	/* uniform */
	SHADOWMM_WORKLOAD_HOT_COLD,	/* WORKLOAD_PARAM % to the first fifth */
	SHADOWMM_WORKLOAD_ZIPF,		/* page r-1 with weight 1/r^(PARAM/100), 1-400 */
};

enum shadowmm_a_workload {
	SHADOWMM_A_WORKLOAD_UNSPEC,
	SHADOWMM_A_WORKLOAD_PAD,
	SHADOWMM_A_WORKLOAD_SPACE,	/* u32: the space's id */
	SHADOWMM_A_WORKLOAD_PATTERN,	/* u32: enum shadowmm_workload_pattern */
	SHADOWMM_A_WORKLOAD_PARAM,	/* u32: HOT_COLD's percentage, ZIPF's exponent x100 */
	SHADOWMM_A_WORKLOAD_RATE,	/* u32: accesses per second */
	SHADOWMM_A_WORKLOAD_WRITE_PCT,	/* u32: % of the accesses that write */
	SHADOWMM_A_WORKLOAD_SECONDS,	/* u32: 0, until stopped */
	SHADOWMM_A_WORKLOAD_ACCESSES,	/* u64 (GET): accesses done */
	SHADOWMM_A_WORKLOAD_FAULTS,	/* u64 (GET): faults they took */
	SHADOWMM_A_WORKLOAD_STATE,	/* u32 (GET): 1 running, 0 ended */
	SHADOWMM_A_WORKLOAD_REASON,	/* string (GET): why it ended */

	__SHADOWMM_A_WORKLOAD_CNT,
	SHADOWMM_A_WORKLOAD_MAX = __SHADOWMM_A_WORKLOAD_CNT - 1
};

/*
 * SHADOWMM_CMD_SYSCTL_GET / _SET: the reclaim and compaction tunables by /proc/sys/vm's
 * names, with the kernel's ranges (Documentation/reclaim.md, Tunables).
 * GET replies all six; SET takes any of them, checks every one before
 * it changes any, and refuses the request whole, naming the bad one.
 * MIN_FREE_KBYTES is at most a quarter of the range (checked by the
 * module; the policy's ceiling is the sysctl's INT_MAX).
 */
#define SHADOWMM_WATERMARK_SCALE_FACTOR_MAX	3000
#define SHADOWMM_SWAPPINESS_MAX			200
#define SHADOWMM_EXTFRAG_THRESHOLD_MAX		1000
#define SHADOWMM_COMPACTION_PROACTIVENESS_MAX	100

enum shadowmm_a_sysctl {
	SHADOWMM_A_SYSCTL_UNSPEC,
	SHADOWMM_A_SYSCTL_PAD,
	SHADOWMM_A_SYSCTL_MIN_FREE_KBYTES,	/* u64: vm.min_free_kbytes, KiB */
	SHADOWMM_A_SYSCTL_WATERMARK_SCALE_FACTOR, /* u32: 1 to 3000 */
	SHADOWMM_A_SYSCTL_SWAPPINESS,		/* u32: 0 to 200 */
	SHADOWMM_A_SYSCTL_EXTFRAG_THRESHOLD,	/* u32: 0 to 1000 (compaction's) */
	SHADOWMM_A_SYSCTL_COMPACTION_PROACTIVENESS, /* u32: 0 to 100 (kcompactd's) */
	SHADOWMM_A_SYSCTL_PERCPU_PAGELIST_HIGH_FRACTION, /* u32: 0, or 8 to INT_MAX (pcp high) */

	__SHADOWMM_A_SYSCTL_CNT,
	SHADOWMM_A_SYSCTL_MAX = __SHADOWMM_A_SYSCTL_CNT - 1
};

/*
 * SHADOWMM_CMD_FILE_OPEN / _READ / _GET / _CLOSE / _SYNC: the shadow page cache
 * over real files (Documentation/pagecache.md). OPEN opens FILE_PATH
 * read-only in the kernel (a regular file of at most
 * SHADOWMM_FILE_MAX_BYTES) and replies FILE_ID and FILE_SIZE (the size
 * seen at open: reads stop there). READ replies FILE_LEN bytes (at most
 * SHADOWMM_FILE_READ_MAX, fewer at the end of the file) from FILE_OFFSET
 * as FILE_DATA, read through the shadow page cache, with this read's
 * FILE_HITS and FILE_MISSES (pages cached or not when it began) and
 * FILE_RA_HITS. OPEN's optional FILE_RA_PAGES bounds the file's readahead
 * window (0: none). GET dumps every inode: id, path, size, pages cached
 * (FILE_NRPAGES), its hits and misses ever, and its readahead: window,
 * largest window, pages read ahead, hit, wasted; its dirty pages
 * (FILE_DIRTY: written through shared writable mappings), the pages
 * written back ever (FILE_WRITTEN) and held in its shadow store
 * (FILE_STORED: swap slots; the real file is never written). SYNC
 * (SHADOWMM_CMD_FILE_SYNC, FILE_ID) writes every dirty page back to the
 * store, as fsync, and replies FILE_WRITTEN; without a swap area it is
 * refused (-ENOSPC). CLOSE drops the inode's pages, its store and what
 * was never written back, and closes the file. All need CAP_NET_ADMIN:
 * the module opens the path with its own rights, and a path can say
 * what a user may not see.
 */
#define SHADOWMM_FILE_MAX		16		/* shadow inodes at once */
#define SHADOWMM_FILE_MAX_BYTES		(4ULL << 30)	/* the largest file */
#define SHADOWMM_FILE_READ_MAX		32768		/* bytes per READ: one attribute */
#define SHADOWMM_FILE_PATH_MAX		4096		/* PATH_MAX, the NUL included */
#define SHADOWMM_FILE_RA_PAGES_MAX	1024		/* a 4 MiB readahead window */

enum shadowmm_a_file {
	SHADOWMM_A_FILE_UNSPEC,
	SHADOWMM_A_FILE_PAD,
	SHADOWMM_A_FILE_ID,		/* u32: 1 to SHADOWMM_FILE_MAX */
	SHADOWMM_A_FILE_PATH,		/* string: OPEN's path; GET's, as given */
	SHADOWMM_A_FILE_SIZE,		/* u64: bytes, i_size at open */
	SHADOWMM_A_FILE_OFFSET,		/* u64 (READ): the first byte */
	SHADOWMM_A_FILE_LEN,		/* u32 (READ): bytes wanted, 1 to SHADOWMM_FILE_READ_MAX */
	SHADOWMM_A_FILE_DATA,		/* binary (READ reply): the bytes read */
	SHADOWMM_A_FILE_HITS,		/* u64: pages found cached (READ: this read; GET: ever) */
	SHADOWMM_A_FILE_MISSES,		/* u64: pages read from the file (likewise) */
	SHADOWMM_A_FILE_NRPAGES,	/* u64 (GET): pages in the cache now */
	SHADOWMM_A_FILE_RA_PAGES,	/* u32: the largest readahead window (OPEN: 0 to
					 * SHADOWMM_FILE_RA_PAGES_MAX, 32 if absent) */
	SHADOWMM_A_FILE_RA_SIZE,	/* u32 (GET): the readahead window now, pages */
	SHADOWMM_A_FILE_RA_READ,	/* u64 (GET): pages read ahead of any read */
	SHADOWMM_A_FILE_RA_HITS,	/* u64: of the hits, pages read ahead (READ: this read) */
	SHADOWMM_A_FILE_RA_WASTED,	/* u64 (GET): pages read ahead, dropped unread */
	SHADOWMM_A_FILE_MAPPINGS,	/* u32 (GET): file VMAs mapping it (i_mmap entries) */
	SHADOWMM_A_FILE_DIRTY,		/* u64 (GET): pages dirty now (shared writes) */
	SHADOWMM_A_FILE_WRITTEN,	/* u64: pages written back (GET: ever; SYNC: by this sync) */
	SHADOWMM_A_FILE_STORED,		/* u64 (GET): pages in its shadow store (swap slots) */
	SHADOWMM_A_FILE_MAPPED,		/* u64 (GET): cached pages some PTE maps (NR_FILE_MAPPED's share) */

	__SHADOWMM_A_FILE_CNT,
	SHADOWMM_A_FILE_MAX = __SHADOWMM_A_FILE_CNT - 1
};

/*
 * SHADOWMM_CMD_COMPACT: compaction on demand (Documentation/compaction.md).
 * Request: COMPACT_ZONE (optional; absent: every populated zone) and
 * COMPACT_ORDER (optional; absent or -1: the whole zone, as a write to
 * /proc/sys/vm/compact_memory; 0 .. SHADOWMM_COMPACT_MAX_ORDER: until a
 * free block of that order exists). Reply: one COMPACT_ZONE_RES nest per
 * zone compacted, in zone order.
 */
#define SHADOWMM_COMPACT_MAX_ORDER	10	/* MAX_ORDER - 1 of 6.1 */

enum shadowmm_compact_result {
	SHADOWMM_COMPACT_SKIPPED,	/* COMPACT_SKIPPED: not suitable, nothing done */
	SHADOWMM_COMPACT_CONTINUE,	/* never replied */
	SHADOWMM_COMPACT_COMPLETE,	/* COMPACT_COMPLETE: the scanners met */
	SHADOWMM_COMPACT_SUCCESS,	/* COMPACT_SUCCESS: a block of the order is free */
};

enum shadowmm_a_compact {
	SHADOWMM_A_COMPACT_UNSPEC,
	SHADOWMM_A_COMPACT_PAD,
	SHADOWMM_A_COMPACT_ZONE,	/* u32: enum shadowmm_zone */
	SHADOWMM_A_COMPACT_ORDER,	/* s32: -1 .. SHADOWMM_COMPACT_MAX_ORDER */
	SHADOWMM_A_COMPACT_ZONE_RES,	/* nest (reply): enum shadowmm_a_compact_zone, one per zone */

	__SHADOWMM_A_COMPACT_CNT,
	SHADOWMM_A_COMPACT_MAX = __SHADOWMM_A_COMPACT_CNT - 1
};

enum shadowmm_a_compact_zone {
	SHADOWMM_A_COMPACT_ZONE_UNSPEC,
	SHADOWMM_A_COMPACT_ZONE_PAD,
	SHADOWMM_A_COMPACT_ZONE_ID,		/* u32: enum shadowmm_zone */
	SHADOWMM_A_COMPACT_ZONE_RESULT,		/* u32: enum shadowmm_compact_result */
	SHADOWMM_A_COMPACT_ZONE_MIGRATED,	/* u64: pages moved */
	SHADOWMM_A_COMPACT_ZONE_FAILED,		/* u64: isolated pages that did not move */
	SHADOWMM_A_COMPACT_ZONE_MIGRATE_SCANNED, /* u64: frames the migrate scanner looked at */
	SHADOWMM_A_COMPACT_ZONE_FREE_SCANNED,	/* u64: frames the free scanner looked at */
	SHADOWMM_A_COMPACT_ZONE_PINNED,		/* u64: pinned pages the migrate scanner skipped */

	__SHADOWMM_A_COMPACT_ZONE_CNT,
	SHADOWMM_A_COMPACT_ZONE_MAX = __SHADOWMM_A_COMPACT_ZONE_CNT - 1
};

/*
 * SHADOWMM_CMD_FAULT_GET / _SET: fault injection, as the kernel's
 * fail_page_alloc and failslab (Documentation/debugging.md). SET names
 * one TARGET and any of its settings, checks all of them, then sets
 * them (all or nothing); MIN_ORDER and IGNORE_GFP_ATOMIC are
 * fail_page_alloc's only, CACHE_FILTER failslab's. GET replies one
 * ENTRY per target with every setting and the two counters.
 */
enum shadowmm_fault_target {
	SHADOWMM_FAULT_PAGE_ALLOC,	/* fail_page_alloc: the page allocator's entry */
	SHADOWMM_FAULT_SLAB,		/* failslab: slab object allocation */

	__SHADOWMM_FAULT_TARGET_CNT
};

#define SHADOWMM_FAULT_PROBABILITY_MAX	100
#define SHADOWMM_FAULT_VERBOSE_MAX	2

enum shadowmm_a_fault {
	SHADOWMM_A_FAULT_UNSPEC,
	SHADOWMM_A_FAULT_PAD,
	SHADOWMM_A_FAULT_TARGET,	/* u32: enum shadowmm_fault_target */
	SHADOWMM_A_FAULT_PROBABILITY,	/* u32: percent, 0 to 100 (0: off) */
	SHADOWMM_A_FAULT_INTERVAL,	/* u32: fail one call in INTERVAL at most, 1 or more */
	SHADOWMM_A_FAULT_TIMES,		/* s32: failures left, -1 unlimited */
	SHADOWMM_A_FAULT_SPACE,		/* s32: bytes let through before any failure, 0 or more */
	SHADOWMM_A_FAULT_VERBOSE,	/* u32: 0 silent, 1 a log line, 2 and a stack */
	SHADOWMM_A_FAULT_SEED,		/* u64: the generator's seed (setting it restarts it) */
	SHADOWMM_A_FAULT_MIN_ORDER,	/* u32: fail_page_alloc: orders below are never failed */
	SHADOWMM_A_FAULT_IGNORE_GFP_WAIT, /* u8: requests that may reclaim directly never fail */
	SHADOWMM_A_FAULT_IGNORE_GFP_ATOMIC, /* u8: fail_page_alloc: ATOMIC requests never fail */
	SHADOWMM_A_FAULT_CACHE_FILTER,	/* u8: failslab: only SHADOWMM_CACHE_FAILSLAB caches fail */
	SHADOWMM_A_FAULT_CALLS,		/* u64 (reply): calls that passed the filters, while armed */
	SHADOWMM_A_FAULT_FAILURES,	/* u64 (reply): failures injected */
	SHADOWMM_A_FAULT_ENTRY,		/* nest (GET reply): enum shadowmm_a_fault, one per target */
	SHADOWMM_A_FAULT_ZONE,		/* s32: fail_page_alloc: only requests whose highest zone
					 * (the zone modifier's, gfp_zone()) is this enum
					 * shadowmm_zone fail; -1 (the default): any */

	__SHADOWMM_A_FAULT_CNT,
	SHADOWMM_A_FAULT_MAX = __SHADOWMM_A_FAULT_CNT - 1
};

/*
 * SHADOWMM_CMD_OWNER_GET: page_owner (Documentation/debugging.md), with the
 * module loaded page_owner=on. do: FRAME names any frame; the reply is the
 * record of the block holding it (FRAME: the block's head), allocated or
 * freed. dump (no FRAME): one message per allocated block, as
 * /sys/kernel/debug/shadowmm/page_owner lists them. Admin only: stacks
 * show kernel addresses' symbols and the layout of the range.
 */
enum shadowmm_owner_state {
	SHADOWMM_OWNER_NONE,		/* never allocated while recording */
	SHADOWMM_OWNER_ALLOCATED,
	SHADOWMM_OWNER_FREED,
};

enum shadowmm_a_owner {
	SHADOWMM_A_OWNER_UNSPEC,
	SHADOWMM_A_OWNER_PAD,
	SHADOWMM_A_OWNER_FRAME,		/* u64: a frame (request); the block's head (reply) */
	SHADOWMM_A_OWNER_PFN,		/* u64: the head's physical frame number */
	SHADOWMM_A_OWNER_STATE,		/* u32: enum shadowmm_owner_state */
	SHADOWMM_A_OWNER_ORDER,		/* u32 */
	SHADOWMM_A_OWNER_FLAGS,		/* u32: SHADOWMM_GFP_* of the allocation */
	SHADOWMM_A_OWNER_MIGRATETYPE,	/* u32: the allocation's (its flags') */
	SHADOWMM_A_OWNER_PID,		/* u32: the allocating task's pid, 0 none */
	SHADOWMM_A_OWNER_TGID,		/* u32 */
	SHADOWMM_A_OWNER_COMM,		/* string: its name (an in-kernel thread's too) */
	SHADOWMM_A_OWNER_PORTID,	/* u32: the netlink port of the request, 0: in-kernel */
	SHADOWMM_A_OWNER_TS,		/* u64: allocated at, ns (local_clock()) */
	SHADOWMM_A_OWNER_FREE_TS,	/* u64: last freed at, ns, 0 never */
	SHADOWMM_A_OWNER_MIGRATE_REASON, /* string: the last migration's reason, if moved */
	SHADOWMM_A_OWNER_STACK,		/* string: the allocation's stack, a frame a line */
	SHADOWMM_A_OWNER_FREE_STACK,	/* string: the last free's stack */

	__SHADOWMM_A_OWNER_CNT,
	SHADOWMM_A_OWNER_MAX = __SHADOWMM_A_OWNER_CNT - 1
};

/*
 * SHADOWMM_CMD_RANGE_OFFLINE / _ONLINE (Documentation/cma.md): RANGE_START
 * and RANGE_COUNT, frame indexes (as FRAME_GET's), whole pageblocks of
 * one zone. Offline migrates the range's movable pages out and takes
 * its free pages out of the zone (present, managed); it is refused, the
 * range unchanged, when a page there cannot move (the extack says why).
 * Online gives an offline range back. SHADOWMM_CMD_RANGE_GET replies one
 * RANGE_OFFLINE nest (START, COUNT, ZONE) per run of offline pageblocks.
 */
enum shadowmm_a_range {
	SHADOWMM_A_RANGE_UNSPEC,
	SHADOWMM_A_RANGE_PAD,
	SHADOWMM_A_RANGE_START,		/* u64: first frame index */
	SHADOWMM_A_RANGE_COUNT,		/* u64: frames, a multiple of 512 */
	SHADOWMM_A_RANGE_ZONE,		/* u32 (reply): enum shadowmm_zone */
	SHADOWMM_A_RANGE_OFFLINE,	/* nest (reply of GET): START, COUNT, ZONE */

	__SHADOWMM_A_RANGE_CNT,
	SHADOWMM_A_RANGE_MAX = __SHADOWMM_A_RANGE_CNT - 1
};

#define SHADOWMM_RANGE_MAX_REPLY	64	/* offline runs one RANGE_GET lists */

/*
 * SHADOWMM_CMD_CMA_ALLOC: CMA_COUNT frames (CMA_ALIGN: the first frame's
 * alignment order, 0 .. SHADOWMM_CMA_MAX_ALIGN, default 0) from the area
 * the load parameter cma= made; the reply's CMA_HANDLE (the first frame
 * index) names it for CMA_FREE. CMA_GET replies the area (CMA_BASE,
 * CMA_COUNT, CMA_ZONE), CMA_USED, the counters and one CMA_ALLOCATION
 * nest (HANDLE, COUNT) per allocation held; without an area, -ENODEV.
 */
#define SHADOWMM_CMA_MAX_ALIGN		10
#define SHADOWMM_CMA_MAX_ALLOCS		64

enum shadowmm_a_cma {
	SHADOWMM_A_CMA_UNSPEC,
	SHADOWMM_A_CMA_PAD,
	SHADOWMM_A_CMA_COUNT,		/* u64: frames (request, allocation, area) */
	SHADOWMM_A_CMA_ALIGN,		/* u32: alignment order of the first frame */
	SHADOWMM_A_CMA_HANDLE,		/* u64: an allocation's first frame index */
	SHADOWMM_A_CMA_BASE,		/* u64 (GET): the area's first frame index */
	SHADOWMM_A_CMA_ZONE,		/* u32 (GET): enum shadowmm_zone */
	SHADOWMM_A_CMA_USED,		/* u64 (GET): frames handed out */
	SHADOWMM_A_CMA_FREE,		/* u64 (GET): the area's frames on the free lists */
	SHADOWMM_A_CMA_ALLOC_SUCCESS,	/* u64 (GET): cma_alloc_success */
	SHADOWMM_A_CMA_ALLOC_FAIL,	/* u64 (GET): cma_alloc_fail */
	SHADOWMM_A_CMA_ALLOCATION,	/* nest (GET): HANDLE, COUNT */

	__SHADOWMM_A_CMA_CNT,
	SHADOWMM_A_CMA_MAX = __SHADOWMM_A_CMA_CNT - 1
};

#endif /* _UAPI_LINUX_SHADOWMM_H */
