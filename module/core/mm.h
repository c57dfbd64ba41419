/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The shadow memory manager: zones with buddy free areas and per-CPU page
 * lists over the frames of a range (range.h), after mm/page_alloc.c.
 *
 * This header is the API the kernel glue (the files of module/ outside
 * core/) may use: the structures it embeds or reads and the calls it
 * makes. What only the core's own files need (the buddy's and the pcp
 * lists' helpers, zone setup, the counters' and the generation's
 * writers) is in mm_internal.h, which the glue never includes
 * (scripts/check-names.sh).
 *
 * Lock order (outermost first):
 *   smm_pcp.lock	one CPU's per-CPU lists of one zone
 *     smm_zone.lock	a zone's free areas, pageblock types, zone counters
 *
 * A CPU's pcp lock is taken by that CPU on the fast path and by a drain
 * from any CPU; it is never contended otherwise, so the fast path takes
 * no shared lock. The zone lock is the slow path's, as in the kernel.
 *
 * smm_mm.sysctl_lock (a mutex, outside both) makes the writers of the
 * watermarks and pcp highs (zone.c, smm_set_min_free_kbytes() and
 * smm_set_watermark_scale_factor(); pcp.c,
 * smm_set_percpu_pagelist_high_fraction()) one at a time, as setup_per_zone_wmarks()'s
 * spinlock and pcp_batch_high_lock do; under it they take each zone lock,
 * then each pcp lock, one at a time. Readers take none of them.
 *
 * Each lock has a seqcount (smm_seq_t) its holder bumps around every
 * change a lockless reader could see: descriptors, free and pcp counts,
 * pageblock types. The generation of the mm, or of one zone, is the sum
 * of those counts (page_alloc.c, smm_mm_generation()); it is per lock
 * rather than one per zone so that the pcp fast path writes only its own
 * CPU's cache line, as it always did.
 *
 * Whole-range operations (CHECK here, VALIDATE and the slab census in
 * slab_check.c) never hold a spinlock for more than one chunk of about
 * SMM_SWEEP_FRAMES frames (mm_internal.h): they sweep the frame map with
 * a cursor, and the allocator keeps their census of what lies behind the
 * cursor current (the sweep fields below). Their outer mutexes (lock_all,
 * smm_slabs.mutex) sleep; between chunks they cond_resched().
 */
#ifndef _SMM_CORE_MM_H
#define _SMM_CORE_MM_H

#include "env.h"
#include "frame.h"
#include "range.h"
#include "lru.h"
#include "failinject.h"
#include "workingset.h"
#include "pin.h"

/* Sizes: the glue loops over zones, migratetypes and pcp orders. */
#define SMM_NR_ZONES		__SHADOWMM_ZONE_CNT
#define SMM_NR_MT		__SHADOWMM_MT_CNT	/* with HighAtomic, CMA, Isolate */
#define SMM_NR_PCPTYPES		3	/* MIGRATE_PCPTYPES: the types a request asks for */
/*
 * pageblock_order: 9 (2 MiB, as HUGETLB_PAGE_ORDER on x86-64) in the
 * module and every build but replay_native's variants, which set it with
 * -DSMM_PAGEBLOCK_ORDER=N (tools/testing/replay/Makefile, N from 1 to
 * SMM_MAX_ORDER, as the kernel's pageblock_order <= MAX_ORDER - 1).
 */
#ifndef SMM_PAGEBLOCK_ORDER
#define SMM_PAGEBLOCK_ORDER	9
#endif
#if SMM_PAGEBLOCK_ORDER < 1 || SMM_PAGEBLOCK_ORDER > 10
#error "SMM_PAGEBLOCK_ORDER is 1 to SMM_MAX_ORDER (10)"
#endif
#define SMM_PAGEBLOCK_FRAMES	(1ULL << SMM_PAGEBLOCK_ORDER)
#define SMM_PCP_MAX_ORDER	3	/* PAGE_ALLOC_COSTLY_ORDER */
/*
 * The per-CPU lists of 6.1 with CONFIG_TRANSPARENT_HUGEPAGE (Debian's):
 * one per low order and migratetype, then two of pageblock order (THP),
 * one for movable blocks and one for the rest (order_to_pindex()).
 */
#define SMM_PCP_THP_ORDER	SMM_PAGEBLOCK_ORDER
#define SMM_NR_LOWORDER_PCP_LISTS ((SMM_PCP_MAX_ORDER + 1) * SMM_NR_PCPTYPES)
#define SMM_NR_PCP_LISTS	(SMM_NR_LOWORDER_PCP_LISTS + 2)
#define SMM_PCP_BATCH_SCALE_MAX	5	/* CONFIG_PCP_BATCH_SCALE_MAX */
#define SMM_WATERMARK_BOOST_FACTOR	15000	/* the kernel's default */
#define SMM_WATERMARK_BOOST_FACTOR_MAX	2147483647U	/* the sysctl's: INT_MAX */
#define SMM_WATERMARK_SCALE_FACTOR	10	/* vm.watermark_scale_factor's default */
#define SMM_WATERMARK_SCALE_FACTOR_MIN	1	/* its sysctl's range: SYSCTL_ONE.. */
#define SMM_WATERMARK_SCALE_FACTOR_MAX	3000	/* ..3000 */
#define SMM_EXTFRAG_THRESHOLD		500	/* vm.extfrag_threshold's default */
#define SMM_EXTFRAG_THRESHOLD_MAX	1000	/* its sysctl's range: 0..1000 */
#define SMM_COMPACTION_PROACTIVENESS	20	/* vm.compaction_proactiveness's default */
#define SMM_COMPACTION_PROACTIVENESS_MAX 100	/* its range: 0..100 */

/*
 * The structures. They are here rather than in mm_internal.h because the
 * glue embeds struct smm_mm in struct smm_dev (smm.h) and reads what they
 * hold: a zone's name, span, present, managed and lowmem reserves
 * (nl_zone.c, debugfs.c; the watermarks, boost and counters through
 * smm_zone_snapshot()), a CPU's pcp count, high, batch and free_factor
 * (debugfs zoneinfo, nl_zone.c), the hold stats (debugfs lock_holds); the structs
 * a zone and a pcp embed (free areas, the sweep census, stats) come with
 * them. The glue writes none of their fields: only core calls do.
 */
enum smm_wmark { SMM_WMARK_MIN, SMM_WMARK_LOW, SMM_WMARK_HIGH, SMM_NR_WMARK };

struct smm_free_area {
	u32 head[SMM_NR_MT];		/* first free block, SMM_FRAME_NONE if empty */
	u32 tail[SMM_NR_MT];		/* last free block, SMM_FRAME_NONE if empty */
	u64 nr_free[SMM_NR_MT];		/* blocks on each list */
};

/* Slow-path events of a zone, counted under its lock. */
struct smm_zone_stats {
	u64 alloc[SMM_NR_ORDERS];	/* served by the buddy directly */
	u64 free[SMM_NR_ORDERS];	/* returned to the buddy directly */
	u64 mt_fallback;		/* served from another migratetype's list */
	u64 mt_steal;			/* pageblocks claimed by a fallback */
	u64 zone_fallback;		/* served here for a higher preferred zone */
	u64 wmark_low;			/* attempts that found free below low */
	u64 wmark_min;			/* attempts that found free below min */
	u64 alloc_fail;			/* allocations that preferred this zone and failed */
	u64 kswapd_wake;		/* kshadowd woken for a request below low here */
};

/*
 * Per-CPU structures (a CPU's page lists, its slab of a cache) each start
 * on a cache line of their own, as the kernel's per-CPU areas keep one
 * CPU's fast path off the lines another CPU writes. bench_scale builds a
 * variant with 8 to measure what the padding buys (performance.md).
 */
#ifndef SMM_CPU_ALIGN
#define SMM_CPU_ALIGN	64
#endif

/* Fast-path events of one CPU in one zone, counted under its pcp lock. */
#define SMM_PCP_THP_SLOT	(SMM_PCP_MAX_ORDER + 1)	/* stats of pageblock order */

struct smm_pcp_stats {
	u64 alloc[SMM_PCP_THP_SLOT + 1];	/* orders 0-3, then THP */
	u64 free[SMM_PCP_THP_SLOT + 1];
	u64 refill;			/* batches taken from the buddy */
	u64 drain;			/* batches given back to the buddy */
};

/*
 * One CPU's lists of one zone, as struct per_cpu_pages. Frees and
 * allocations work at a list's head (hot), refills fill an empty list in
 * the order the buddy gives, drains take from the tail (cold). The
 * kernel's lists are doubly linked; these are linked through next only,
 * so the fast path writes no neighbour's descriptor, and a drain finds
 * the tail by walking (pcp.c). free_factor doubles the drain after each
 * drain without an allocation between (nr_pcp_free()).
 */
struct smm_mm;

struct smm_pcp {
	smm_lock_t lock;
	smm_seq_t seq;			/* write sections under lock */
	u32 count;			/* frames on the lists */
	u32 high;			/* drain a batch beyond this */
	u32 batch;
	u32 free_factor;		/* 0..SMM_PCP_BATCH_SCALE_MAX */
	u32 lists[SMM_NR_PCP_LISTS];	/* heads, SMM_FRAME_NONE if empty */
	/*
	 * Its mm and the mm's frames, set once (smm_pcp_setup()), so that the
	 * fast paths keep only the pcp across its lock calls (CHECK compares
	 * both with the mm's).
	 */
	struct smm_frame *frames;
	struct smm_mm *mm;
	u64 sweep_end;			/* = its zone's sweep.end */
	s64 sweep_delta;		/* frames pushed minus popped behind it */
	struct smm_pcp_stats stats;
} __attribute__((aligned(SMM_CPU_ALIGN)));

/*
 * CHECK's census of one zone while it sweeps (check.c): everything below
 * @end was counted, and the buddy keeps the count of free blocks there
 * current as blocks come and go (smm_add_free()/smm_del_free()). @end is
 * 0 when no sweep runs, so the hooks cost a compare that fails. Written
 * with the zone lock and all of the zone's pcp locks held.
 */
struct smm_zone_sweep {
	u64 end;
	u64 nr_free[SMM_NR_ORDERS][SMM_NR_MT];
};

/*
 * A gap of a cache line between a zone's groups of fields, as the
 * kernel's ZONE_PADDING: whatever the zone's own alignment (the mm is
 * allocated with the 16 bytes malloc() and kvzalloc() promise), no line
 * holds fields of two groups, so the zone lock holder's writes never
 * take away the lines every allocation only reads.
 */
#define SMM_ZONE_PADDING(name)	char name[64]

/*
 * struct zone of 6.1 in its three groups: read-mostly fields (written
 * only under sysctl_lock, at init, or rarely under the lock), then the
 * free lists and the lock the refills and drains write, then the
 * counters (NR_FREE_PAGES and the events, the kernel's vm_stat[]) and
 * CHECK's census; the anon LRU lists, with their own lock, last.
 */
struct smm_zone {
	/* read-mostly: the fast path's watermark test and smm_zone_of() */
	const char *name;
	u64 start, end;			/* frame index interval, holes included */
	u64 present;			/* frames of sections inside */
	u64 managed;			/* frames the buddy manages */
	u64 wmark[SMM_NR_WMARK];
	u64 watermark_boost;		/* raised by fallback steals (smm_boost_watermark()) */
	u64 nr_reserved_highatomic;	/* frames of its HighAtomic pageblocks (buddy.c) */
	u64 highatomic_given_back;	/* pageblocks smm_unreserve_block() gave back */
	u64 cma_pages;			/* frames of its CMA area (cma.h), 0 without one */
	u64 lowmem_reserve[SMM_NR_ZONES];
	SMM_ZONE_PADDING(_pad1_);
	/* written by the buddy under the lock */
	/* bit o of [mt]: area[o]'s list of mt is not empty (list_empty()'s cache, buddy.c) */
	u32 nonempty[SMM_NR_MT];
	struct smm_free_area area[SMM_NR_ORDERS];
	smm_lock_t lock;
	smm_seq_t seq;			/* write sections under lock */
	SMM_ZONE_PADDING(_pad2_);
	/* counters, written under the lock */
	u64 free;			/* frames on free lists (not on pcp lists) */
	struct smm_zone_stats stats;
	struct smm_zone_sweep sweep;
	SMM_ZONE_PADDING(_pad3_);
	struct smm_lruvec lruvec;	/* anon LRU lists (lru.h), made on first use */
	SMM_ZONE_PADDING(_pad4_);
};

/*
 * The longest time a whole-range operation held spinlocks for one chunk
 * (smm_hold_end()): what the 4 GiB hold test and debugfs lock_holds read.
 */
enum smm_hold_kind {
	SMM_HOLD_CHECK,		/* CHECK of the buddy and pcp lists */
	SMM_HOLD_CENSUS,	/* CHECK of the slab frames */
	SMM_HOLD_VALIDATE,	/* VALIDATE of one cache */
	SMM_HOLD_SHRINK,	/* giving a cache's slabs back */
	SMM_NR_HOLDS
};

struct smm_hold_stats {
	u64 chunks;
	u64 max_ns;
	u64 total_ns;
};

/*
 * Events of the shadow processes (vma.h), by /proc/vmstat's names.
 * Written under the glue's space mutex, read with READ_ONCE().
 */
struct smm_vm_events {
	u64 pgfault;			/* faults handled, as handle_mm_fault() counts */
	u64 pgmajfault;			/* of which needed I/O: swap-ins (swap.h) */
	u64 pswpin, pswpout;		/* pages read from and written to swap */
	u64 swap_ra, swap_ra_hit;	/* pages read ahead; of which faulted on */
	u64 oom_kill;			/* spaces the OOM killer killed (oom.h) */
};

/*
 * Reclaim's events by /proc/vmstat's names (vmscan.c), written under the
 * spaces' lock (every reclaim runs under it), read with READ_ONCE().
 */
struct smm_reclaim_events {
	u64 pgsteal_kswapd, pgsteal_direct;
	u64 pgscan_kswapd, pgscan_direct;
	u64 allocstall[SMM_NR_ZONES];	/* direct reclaims, by the request's zone */
	u64 kswapd_low_wmark_hit_quickly;
	u64 kswapd_high_wmark_hit_quickly;
	u64 pageoutrun;			/* balance_pgdat() runs */
	u64 slabs_scanned;		/* objects shrinkers scanned (shrink_slab()) */
};

/*
 * kshadowd's runs of smm_balance_pgdat(), which no /proc/vmstat counter
 * shows (the kernel's tracepoints mm_vmscan_kswapd_wake/sleep do): how
 * many ended with the node balanced at the high watermark, how many
 * passes of shrink_node() they took, and how many passes it took to get
 * from unbalanced to balanced (a run may end unbalanced after its last
 * priority; kshadowd then runs again without sleeping). Under the
 * spaces' lock; the debugfs file kshadowd prints them.
 */
struct smm_kswapd_runs {
	u64 runs;			/* pageoutrun, from the same runs */
	u64 balanced;			/* ended pgdat_balanced() */
	u64 passes;			/* shrink_node() passes, all runs */
	u64 passes_max;			/* the most one run took */
	u64 unbalanced_passes;		/* since the last run that ended balanced */
	u64 passes_to_balance_max;	/* the most passes from unbalanced to balanced */
	u64 last_passes, last_reclaimed;
	bool last_balanced;
};

/*
 * Migration's and compaction's events by /proc/vmstat's names
 * (migrate.c, compaction.c), written under the spaces' lock (both run
 * under it), read with READ_ONCE(). compact_stall, compact_fail and
 * compact_success count direct compactions (compact_direct.c: entered,
 * the allocation failed after it, succeeded); compact_daemon_wake
 * kcompactd's runs for an order (kcompactd_core.c).
 */
struct smm_compact_events {
	u64 pgmigrate_success, pgmigrate_fail;
	u64 compact_migrate_scanned, compact_free_scanned, compact_isolated;
	u64 compact_stall, compact_fail, compact_success, compact_daemon_wake;
	u64 cma_alloc_success, cma_alloc_fail;	/* cma.c (CONFIG_CMA's events) */
};

/*
 * A zone's deferred compaction (struct zone's compact_considered,
 * compact_defer_shift, compact_order_failed; compact_direct.c), under
 * the spaces' lock (every compaction runs under it); read without it
 * for show.
 */
struct smm_compact_defer {
	unsigned int considered;	/* attempts skipped since the last failure */
	unsigned int defer_shift;	/* 1 << shift attempts are skipped, up to 6 */
	int order_failed;		/* the lowest order that failed; orders below never defer */
};

/*
 * Where a zone's compaction run is, or where the last one stopped
 * (compaction.c), for show: written by the run (under the spaces'
 * lock) field by field with WRITE_ONCE(), read without a lock by
 * smm_compact_scan_snapshot(); a reader may see the two scanners one
 * batch apart, never a torn value.
 */
struct smm_compact_scan {
	u64 runs;			/* runs that scanned, since load; 0: the rest unset */
	u64 migrate_pfn, free_pfn;	/* compact_control's two scanners */
	int order;			/* the run's order, -1 the whole zone */
	bool running;
};

/*
 * The fallback rules (buddy.c, __smm_rmqueue_fallback()): what a request
 * whose migratetype has nothing free does to the pageblock it raids.
 * The module runs the kernel's; the others are for comparing policies
 * on a replayed trace (replay_native --fallback, Documentation/replay.md).
 */
enum smm_fallback_policy {
	SMM_FALLBACK_KERNEL,	/* 6.1: can_steal_fallback(), claim at half free or alike */
	SMM_FALLBACK_NOSTEAL,	/* never claim a partly used pageblock: the one block only */
	SMM_FALLBACK_CLAIM,	/* always claim the raided pageblock, however full */
	SMM_NR_FALLBACK_POLICIES
};

struct smm_swap;
struct smm_page_owner;
struct smm_space;
struct smm_inode;
struct smm_shrinker_list;
struct smm_oom_report;
struct smm_cma;

/*
 * The allocation fast path's reading of a request, decoded once per
 * combination of the GFP bits that choose its zones and migratetype
 * (DMA, DMA32, MOVABLE, RECLAIMABLE, HIGHMEM: smm_fast_req_index()),
 * as 6.1 reads gfp_zone() from GFP_ZONE_TABLE: set at init
 * (smm_set_fast_reqs(), page_alloc.c) beside preferred_zone[], read
 * without a lock. @zone is -1 when the request must take the full path
 * (no populated zone, or a pair of zone modifiers GFP_ZONE_BAD refuses).
 */
struct smm_fast_req {
	s8 zone;			/* the preferred zone: preferred_zone[highest] */
	u8 highest;			/* gfp_zone(): lowmem_reserve[]'s index */
	u8 mt;				/* gfp_migratetype() */
	u8 pindex;			/* order 0's pcp list: smm_pcp_index(0, mt) */
	u32 alloc_flags;		/* step 1's: ALLOC_WMARK_LOW, _CMA, _NOFRAGMENT */
};

/*
 * The addresses a fast request's order-0 path reads, as byte offsets it
 * adds (smm_alloc_page_pcp()), in an array of their own beside
 * fast_req[] (same slot, same stride): from the mm, its zone
 * (zones[zone]) and the lowmem reserve it checks
 * (zones[zone].lowmem_reserve[highest]); from a CPU's first pcp, the
 * zone's. 0 when the request's zone is -1.
 */
struct smm_fast_off {
	u16 zone;
	u16 reserve;
	u16 pcp;
	u16 unused;
};

#define SMM_FAST_REQ_MASK	(SHADOWMM_GFP_DMA | SHADOWMM_GFP_DMA32 | SHADOWMM_GFP_MOVABLE | \
				 SHADOWMM_GFP_RECLAIMABLE | SHADOWMM_GFP_HIGHMEM)
#define SMM_NR_FAST_REQ		(SMM_FAST_REQ_MASK + 1)

struct smm_mm {
	struct smm_range *range;
	struct smm_frame *frames;
	struct smm_zone zones[SMM_NR_ZONES];
	u8 *pageblock_mt;		/* one migratetype per 2 MiB of index space */
	struct smm_pcp *pcp;		/* [cpu * SMM_NR_ZONES + zone] */
	unsigned long nr_cpus;		/* a long: compared with the fast paths' CPU as one */
	unsigned int nr_split_cpus;	/* zone_highsize()'s divisor */
	bool pcp_enabled;
	/*
	 * smm_alloc_pages()'s one test before the order-0 fast path: nonzero
	 * sends the request the general way. Two bytes, each with its own
	 * writer: pcp_off is !pcp_enabled (smm_pcp_set_enabled()),
	 * fail_armed is fail_page_alloc's probability != 0 (smm_fail_set(),
	 * through the target's armed pointer). CHECK compares both.
	 */
	union {
		struct {
			u8 pcp_off;
			u8 fail_armed;
		};
		u16 any;
	} order0_gate;
	/*
	 * The first populated zone at or below each zone, -1 when none: the
	 * zone an allocation of that highest zone prefers (set once at
	 * init, the zones never change), for the fast path.
	 */
	int preferred_zone[SMM_NR_ZONES];
	struct smm_fast_req fast_req[SMM_NR_FAST_REQ];	/* by smm_fast_req_index() */
	struct smm_fast_off fast_off[SMM_NR_FAST_REQ];	/* likewise */
	u64 min_free_kbytes;		/* vm.min_free_kbytes, written under sysctl_lock */
	unsigned int watermark_scale_factor;	/* vm.watermark_scale_factor, likewise */
	unsigned int watermark_boost_factor;	/* vm.watermark_boost_factor, 0: no boost */
	unsigned int percpu_pagelist_high_fraction; /* vm.*, under sysctl_lock; 0: from low */
	unsigned int fallback_policy;	/* enum smm_fallback_policy, read on fallback only */
	smm_mutex_t sysctl_lock;	/* one writer of the watermarks at a time (zone.c) */
	smm_mutex_t lock_all;		/* one CHECK at a time */
	/*
	 * HighMem's temporary maps (highmem.c): maps of HighMem frames
	 * taken (kmap_local_page()), and those not given back yet.
	 */
	smm_atomic64_t kmap_local;
	smm_atomic64_t kmap_open;
	smm_lock_t hold_lock;		/* holds[] */
	struct smm_hold_stats holds[SMM_NR_HOLDS];
	struct smm_vm_events events;	/* shadow processes (vma.h) */
	bool lru_ready;			/* lru locks initialised (lru.c) */
	struct smm_lru_pool lru_pool;	/* LRU records (lru.h) */
	struct smm_lru_events lru_events;	/* reclaim's counters (lru.h) */
	struct smm_swap *swap;		/* the swap area (swap.h), NULL when off */
	struct smm_page_owner *page_owner;	/* per frame (page_owner.h), NULL when off */
	u64 nr_swapcached;		/* NR_SWAPCACHE: pages in the swap cache */
	struct smm_inode *inodes;	/* the page cache's shadow inodes (filemap.h) */
	u64 nr_file_pages;		/* NR_FILE_PAGES: pages in the page cache */
	u64 pgpgin;			/* PGPGIN: KiB read into the page cache */
	u64 pgpgout;			/* PGPGOUT: KiB written back from it (filemap.c) */
	u64 nr_dirty;			/* NR_FILE_DIRTY: page-cache pages with PG_dirty */
	u64 nr_writeback;		/* NR_WRITEBACK: under writeback (0 at rest: synchronous) */
	u64 nr_dirtied;			/* NR_DIRTIED: pages that became dirty */
	u64 nr_written;			/* NR_WRITTEN: pages whose writeback completed */
	struct smm_workingset workingset;	/* refault detection (workingset.h) */
	struct smm_reclaim_events reclaim;	/* vmscan.h */
	struct smm_kswapd_runs kswapd_runs;	/* vmscan.h */
	struct smm_compact_events compact;	/* migrate.h, compaction.h */
	struct smm_shrinker_list *shrinkers;	/* the slab layer's (shrinker.h), NULL without one */
	unsigned int swappiness;	/* vm.swappiness (vmscan.h) */
	unsigned int extfrag_threshold;	/* vm.extfrag_threshold (compaction.h) */
	unsigned int compaction_proactiveness;	/* vm.compaction_proactiveness (compaction.h) */
	struct smm_compact_defer compact_defer[SMM_NR_ZONES];	/* compaction.h */
	struct smm_compact_scan compact_scan[SMM_NR_ZONES];	/* compaction.h */
	struct smm_cma *cma;		/* the cma= area (cma.h), NULL without one */
	struct smm_pins pins;		/* pinned pages and their counts (pin.h) */
	/*
	 * kswapd_is_running(): set by the glue while kshadowd works (between
	 * its wakeup and its next sleep), read by proactive compaction,
	 * which gives way to it. false in tests unless one sets it.
	 */
	bool kswapd_running;
	unsigned int kswapd_failures;	/* balance_pgdat() runs in a row that freed nothing */
	/*
	 * wakeup_kswapd()'s target, set by the glue (kshadowd.c), NULL in
	 * tests unless one sets it: called from any allocation, with or
	 * without the spaces' lock, so it must not sleep nor take that lock.
	 */
	void (*wake_kswapd)(struct smm_mm *mm, unsigned int order, unsigned int highest);
	/*
	 * wakeup_kcompactd()'s target (kcompactd.c), NULL in tests unless
	 * one sets it; same rules as wake_kswapd, and also called for a
	 * change of vm.compaction_proactiveness (@order 0: the proactive
	 * trigger).
	 */
	void (*wake_kcompactd)(struct smm_mm *mm, unsigned int order, unsigned int highest);
	/*
	 * The OOM killer's view of the glue's spaces (oom.h), NULL in tests
	 * unless one sets them; called with the spaces' lock held, so they
	 * must not take it. for_each_space calls @fn on every space until it
	 * returns non-zero; report logs a kill (struct smm_oom_report).
	 */
	void (*oom_for_each_space)(struct smm_mm *mm, int (*fn)(struct smm_space *s, void *arg),
				   void *arg);
	void (*oom_report)(struct smm_mm *mm, const struct smm_oom_report *r);
	/* fail_page_alloc and failslab, by enum shadowmm_fault_target (failinject.h) */
	struct smm_fail_attr fail[__SHADOWMM_FAULT_TARGET_CNT];
};

/* How the range is cut into zones: frames per zone from the start. */
struct smm_zone_layout {
	bool by_position;		/* else by physical address */
	u64 frames[SMM_NR_ZONES];	/* by_position: ~0ULL means "rest" */
	u64 movablecore_frames;		/* movablecore=: the top frames into Movable */
};

struct smm_mm_config {
	struct smm_zone_layout layout;
	unsigned int nr_cpus;		/* CPU ids 0..nr_cpus-1 (nr_cpu_ids) */
	unsigned int nr_split_cpus;	/* CPUs pcp high is split between; 0: nr_cpus */
	bool pcp_enabled;
	/*
	 * The first populated zone at or below each zone, -1 when none: the
	 * zone an allocation of that highest zone prefers (set once at
	 * init, the zones never change), for the fast path.
	 */
	int preferred_zone[SMM_NR_ZONES];
	u64 min_free_kbytes;		/* KiB, or SMM_MIN_FREE_KBYTES_AUTO* */
	unsigned int watermark_boost_factor;	/* vm.watermark_boost_factor, 0: no boost */
	unsigned int watermark_scale_factor;	/* vm.watermark_scale_factor, 0: the default */
};

/*
 * smm_mm_config.min_free_kbytes derived as the kernel derives it at boot
 * (zone.c, smm_zones_set_watermarks()): without THP, or with THP enabled
 * (khugepaged raises it). Any other value is the user's, in KiB.
 */
#define SMM_MIN_FREE_KBYTES_AUTO	0ULL
#define SMM_MIN_FREE_KBYTES_AUTO_THP	(~0ULL)

/* page_alloc.c: life of the mm, and the generation lockless readers compare */
int smm_mm_init(struct smm_mm *mm, struct smm_range *r, const struct smm_mm_config *cfg);
void smm_mm_destroy(struct smm_mm *mm);
u64 smm_mm_generation(const struct smm_mm *mm);
bool smm_mm_generation_moved(const struct smm_mm *mm, u64 gen);

/*
 * GFP_HIGHUSER_MOVABLE: what user pages (a space's anonymous, swap-cache
 * and page-cache pages) are asked for with, as do_anonymous_page() and
 * the page cache ask: Movable first, then HighMem, Normal, DMA32, DMA.
 */
#define SMM_GFP_HIGHUSER_MOVABLE	(SHADOWMM_GFP_HIGHMEM | SHADOWMM_GFP_MOVABLE)

/* GFP_ZONE_BAD: more than one of DMA, DMA32 and HIGHMEM. */
static inline bool smm_gfp_zone_bad(unsigned int gfp)
{
	unsigned int m = gfp & (SHADOWMM_GFP_DMA | SHADOWMM_GFP_DMA32 | SHADOWMM_GFP_HIGHMEM);

	return m & (m - 1);
}

/*
 * An allocation flag the core's own callers add, outside
 * SHADOWMM_GFP_ALL so that the netlink path (whose policy masks with
 * SHADOWMM_GFP_ALL) cannot set it: "may reclaim directly, the spaces'
 * lock is held" (__GFP_DIRECT_RECLAIM's "may sleep and reclaim", plus
 * the lock reclaim needs). The fault path (space.c, lru.c's pool) sets
 * it through smm_alloc_pages_reclaim(), the glue's PAGE_ALLOC through
 * smm_alloc_pages_oom() (oom.h), each under the spaces' lock.
 */
#define SMM_GFP_DIRECT_RECLAIM	(1U << 16)

/* page_alloc.c, pcp.c: allocation and freeing, one block or many; the drain */
int smm_alloc_pages(struct smm_mm *mm, unsigned int order, unsigned int gfp,
		    unsigned long cpu, u64 *idx);
void smm_free_pages(struct smm_mm *mm, u64 idx, unsigned long cpu);
int smm_alloc_pages_reclaim(struct smm_mm *mm, unsigned int order, unsigned int gfp,
			    unsigned int *cpu, u64 *idx);
unsigned int smm_alloc_pages_bulk(struct smm_mm *mm, unsigned int gfp, unsigned int cpu,
				  unsigned int nr, u64 *idx);
void smm_free_pages_bulk(struct smm_mm *mm, unsigned int cpu, unsigned int nr, const u64 *idx);
void smm_drain_all_pcp(struct smm_mm *mm);
void smm_pcp_set_enabled(struct smm_mm *mm, bool on);

/* check.c: CHECK, every invariant, the first broken one's reason in @why */
int smm_check(struct smm_mm *mm, char *why, size_t len);

/* check.c: lock hold accounting of the sweeps */
extern const char *const smm_hold_names[SMM_NR_HOLDS];
void smm_hold_read(struct smm_mm *mm, enum smm_hold_kind kind, struct smm_hold_stats *st);
void smm_hold_reset(struct smm_mm *mm);

/* zone.c: the zones= layout, parsed for smm_mm_config */
const char *smm_parse_zones(const char *s, u64 nr_frames, struct smm_zone_layout *l);
const char *smm_check_movablecore(u64 bytes, u64 nr_frames, const struct smm_zone_layout *l);

/*
 * zone.c: what a reader outside the core sees of one zone, copied at one
 * moment, and the few lockless reads the glue makes of a zone beside it.
 */
struct smm_zone_snapshot {
	u64 free;				/* on the buddy's free lists */
	u64 pcp_frames;				/* on the CPUs' lists */
	u64 watermark_boost;			/* at the moment of @wmark */
	u64 wmark[SMM_NR_WMARK];		/* boost included, as smm_wmark_pages() */
	u64 nr_reserved_highatomic;		/* frames of HighAtomic pageblocks */
	u64 free_cma;				/* NR_FREE_CMA_PAGES: on the CMA lists */
	u64 cma_pages;				/* the zone's CMA area, frames */
	u64 nr_free_mt[SMM_NR_ORDERS][SMM_NR_MT];
	u64 nr_free[SMM_NR_ORDERS];		/* summed over migratetypes */
	u64 pageblocks[SMM_NR_MT];		/* overlapping the zone, by type */
	struct smm_zone_stats stats;		/* the buddy's own */
	struct smm_pcp_stats pcp;		/* summed over the CPUs, THP slot too */
	u64 alloc_blocks[SMM_NR_ORDERS];	/* allocated: buddy + pcp lists */
	u64 free_blocks[SMM_NR_ORDERS];		/* freed: buddy + pcp lists */
	u64 alloc_total, free_total;		/* the two summed over orders */
	u64 alloc_pages, free_pages;		/* the same in pages: blocks << order */
	u64 pcp_alloc, pcp_free;		/* pcp.alloc[], pcp.free[] summed */
};

bool smm_zone_snapshot(struct smm_mm *mm, unsigned int zone, struct smm_zone_snapshot *s);

static inline bool smm_zone_populated(const struct smm_zone *z)
{
	return z->managed != 0;
}

/*
 * wmark_pages(): a watermark as the allocator and /proc/zoneinfo use it,
 * raised by the boost. The boost is written under the zone lock and read
 * without it, once.
 */
static inline u64 smm_wmark_pages(const struct smm_zone *z, enum smm_wmark w)
{
	return READ_ONCE(z->wmark[w]) + READ_ONCE(z->watermark_boost);
}

/* zone.c: drop every zone's boost (what kswapd does once it balanced) */
void smm_zones_clear_boost(struct smm_mm *mm);

/*
 * zone.c: vm.watermark_boost_factor, 0 (no boost) to
 * SMM_WATERMARK_BOOST_FACTOR_MAX; smm_mm_init() sets the kernel's default.
 */
int smm_set_watermark_boost_factor(struct smm_mm *mm, unsigned int factor);

/*
 * buddy.c: the fallback rules (enum smm_fallback_policy), -EINVAL for
 * a value out of range; smm_mm_init() sets SMM_FALLBACK_KERNEL. Their
 * names ("kernel", "nosteal", "claim"), NULL out of range, and the
 * policy of a name, -1 if none.
 */
int smm_set_fallback_policy(struct smm_mm *mm, unsigned int policy);
const char *smm_fallback_policy_name(unsigned int policy);
int smm_fallback_policy_by_name(const char *name);

/*
 * zone.c: vm.min_free_kbytes (0 to a quarter of the range, in KiB) and
 * vm.watermark_scale_factor (1 to 3000) at run time, as their sysctl
 * handlers: the watermarks and the per-CPU highs recomputed
 * (setup_per_zone_wmarks()). -EINVAL with the reason in @why, nothing
 * changed. The _check variants only validate (all before any, for a
 * request that sets several). Sleep: they take mm->sysctl_lock.
 */
int smm_check_min_free_kbytes(const struct smm_mm *mm, u64 kbytes, const char **why);
int smm_check_watermark_scale_factor(unsigned int factor, const char **why);
int smm_set_min_free_kbytes(struct smm_mm *mm, u64 kbytes, const char **why);
int smm_set_watermark_scale_factor(struct smm_mm *mm, unsigned int factor, const char **why);
u64 smm_min_free_kbytes_max(const struct smm_mm *mm);

/*
 * pcp.c: vm.percpu_pagelist_high_fraction (0, the default: pcp high from
 * the low watermark; else at least 8: high = managed / fraction, split
 * between the CPUs), as its sysctl handler: every CPU's high recomputed.
 * -EINVAL with the reason in @why, nothing changed. Sleeps: sysctl_lock.
 */
#define SMM_MIN_PERCPU_PAGELIST_HIGH_FRACTION	8
#define SMM_PERCPU_PAGELIST_HIGH_FRACTION_MAX	2147483647U	/* the sysctl's: INT_MAX */
int smm_check_percpu_pagelist_high_fraction(u64 fraction, const char **why);
int smm_set_percpu_pagelist_high_fraction(struct smm_mm *mm, u64 fraction, const char **why);

/* Written under the zone lock, read without it too: one byte, read once. */
static inline unsigned int smm_pageblock_mt(const struct smm_mm *mm, u64 idx)
{
	return READ_ONCE(mm->pageblock_mt[idx >> SMM_PAGEBLOCK_ORDER]);
}

static inline struct smm_pcp *smm_pcp_of(struct smm_mm *mm, unsigned long cpu,
					 unsigned int zone)
{
	return &mm->pcp[cpu * SMM_NR_ZONES + zone];
}

/* The CPU of @pcp: smm_pcp_of() undone. */
static inline unsigned int smm_pcp_cpu(const struct smm_mm *mm, const struct smm_pcp *pcp)
{
	return (pcp - mm->pcp) / SMM_NR_ZONES;
}

/* frag.c: per-order fragmentation, in thousandths as mm/vmstat.c keeps them */
int smm_unusable_index(const u64 nr_free[SMM_NR_ORDERS], unsigned int order);
int smm_extfrag_index(const u64 nr_free[SMM_NR_ORDERS], unsigned int order);

#endif /* _SMM_CORE_MM_H */
