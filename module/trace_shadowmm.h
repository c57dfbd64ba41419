/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The shadow's tracepoints, system "shadowmm" (Documentation/tracing.md).
 *
 * Each event carries the fields, with the kernel's names and types, of
 * the kernel's event of the same name in include/trace/events/kmem.h,
 * vmscan.h, compaction.h and migrate.h of Linux 6.12 (6.1's differ only
 * where tracing.md says), so that a tool reading those fields through
 * the format files reads ours. The arguments are plain values: the glue
 * in trace.c turns the core's frame indexes and structures into them,
 * and only trace.c defines CREATE_TRACE_POINTS.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM shadowmm

#if !defined(_SMM_TRACE_SHADOWMM_H) || defined(TRACE_HEADER_MULTI_READ)
#define _SMM_TRACE_SHADOWMM_H

#include <linux/tracepoint.h>
#include <linux/compaction.h>
#include <linux/migrate_mode.h>
#include <uapi/linux/shadowmm.h>
#include "compat.h"

/* The shadow's allocation flags (SHADOWMM_GFP_*) by name; 0 is its GFP_KERNEL. */
#define SMM_TP_GFP_DIRECT_RECLAIM	(1UL << 16)	/* core/mm.h's SMM_GFP_DIRECT_RECLAIM */
#define smm_show_gfp_flags(flags)					\
	(flags) ? __print_flags(flags, "|",				\
		{ SHADOWMM_GFP_DMA,		"GFP_DMA" },		\
		{ SHADOWMM_GFP_DMA32,		"GFP_DMA32" },		\
		{ SHADOWMM_GFP_MOVABLE,		"__GFP_MOVABLE" },	\
		{ SHADOWMM_GFP_RECLAIMABLE,	"__GFP_RECLAIMABLE" },	\
		{ SHADOWMM_GFP_ZERO,		"__GFP_ZERO" },		\
		{ SHADOWMM_GFP_HIGH,		"__GFP_HIGH" },		\
		{ SHADOWMM_GFP_RESERVE,		"__GFP_MEMALLOC" },	\
		{ SHADOWMM_GFP_ATOMIC,		"GFP_ATOMIC" },		\
		{ SHADOWMM_GFP_NORETRY,		"__GFP_NORETRY" },	\
		{ SMM_TP_GFP_DIRECT_RECLAIM,	"__GFP_DIRECT_RECLAIM" }) : "GFP_KERNEL"

/* vmscan.h's reclaim flags, with the same values */
#define SMM_TP_RECLAIM_WB_ANON		0x0001u
#define SMM_TP_RECLAIM_WB_FILE		0x0002u
#define SMM_TP_RECLAIM_WB_ASYNC		0x0008u
#define smm_show_reclaim_flags(flags)					\
	(flags) ? __print_flags(flags, "|",				\
		{ SMM_TP_RECLAIM_WB_ANON,	"RECLAIM_WB_ANON" },	\
		{ SMM_TP_RECLAIM_WB_FILE,	"RECLAIM_WB_FILE" },	\
		{ SMM_TP_RECLAIM_WB_ASYNC,	"RECLAIM_WB_ASYNC" }) : "RECLAIM_WB_NONE"

/*
 * The enums the print formats name, exported so that user space sees
 * their values (TRACE_DEFINE_ENUM, as compaction.h and migrate.h do).
 */
TRACE_DEFINE_ENUM(COMPACT_SKIPPED);
TRACE_DEFINE_ENUM(COMPACT_DEFERRED);
TRACE_DEFINE_ENUM(COMPACT_CONTINUE);
TRACE_DEFINE_ENUM(COMPACT_COMPLETE);
TRACE_DEFINE_ENUM(COMPACT_PARTIAL_SKIPPED);
TRACE_DEFINE_ENUM(COMPACT_SUCCESS);
TRACE_DEFINE_ENUM(MIGRATE_ASYNC);
TRACE_DEFINE_ENUM(MIGRATE_SYNC_LIGHT);
TRACE_DEFINE_ENUM(MIGRATE_SYNC);
TRACE_DEFINE_ENUM(MR_COMPACTION);

#define smm_show_compact_status(s)					\
	__print_symbolic(s,						\
		{ COMPACT_SKIPPED,		"skipped" },		\
		{ COMPACT_DEFERRED,		"deferred" },		\
		{ COMPACT_CONTINUE,		"continue" },		\
		{ COMPACT_COMPLETE,		"complete" },		\
		{ COMPACT_PARTIAL_SKIPPED,	"partial_skipped" },	\
		{ COMPACT_SUCCESS,		"success" })

TRACE_EVENT(mm_page_alloc,

	TP_PROTO(unsigned long pfn, unsigned int order, unsigned long gfp_flags, int migratetype),

	TP_ARGS(pfn, order, gfp_flags, migratetype),

	TP_STRUCT__entry(
		__field(unsigned long,	pfn)
		__field(unsigned int,	order)
		__field(unsigned long,	gfp_flags)
		__field(int,		migratetype)
	),

	TP_fast_assign(
		__entry->pfn		= pfn;
		__entry->order		= order;
		__entry->gfp_flags	= gfp_flags;
		__entry->migratetype	= migratetype;
	),

	TP_printk("pfn=0x%lx order=%d migratetype=%d gfp_flags=%s",
		__entry->pfn != -1UL ? __entry->pfn : 0,
		__entry->order,
		__entry->migratetype,
		smm_show_gfp_flags(__entry->gfp_flags))
);

TRACE_EVENT(mm_page_free,

	TP_PROTO(unsigned long pfn, unsigned int order),

	TP_ARGS(pfn, order),

	TP_STRUCT__entry(
		__field(unsigned long,	pfn)
		__field(unsigned int,	order)
	),

	TP_fast_assign(
		__entry->pfn	= pfn;
		__entry->order	= order;
	),

	TP_printk("pfn=0x%lx order=%d", __entry->pfn, __entry->order)
);

TRACE_EVENT(mm_page_alloc_zone_locked,

	TP_PROTO(unsigned long pfn, unsigned int order, int migratetype, int percpu_refill),

	TP_ARGS(pfn, order, migratetype, percpu_refill),

	TP_STRUCT__entry(
		__field(unsigned long,	pfn)
		__field(unsigned int,	order)
		__field(int,		migratetype)
		__field(int,		percpu_refill)
	),

	TP_fast_assign(
		__entry->pfn		= pfn;
		__entry->order		= order;
		__entry->migratetype	= migratetype;
		__entry->percpu_refill	= percpu_refill;
	),

	TP_printk("pfn=0x%lx order=%u migratetype=%d percpu_refill=%d",
		__entry->pfn, __entry->order, __entry->migratetype, __entry->percpu_refill)
);

TRACE_EVENT(mm_page_pcpu_drain,

	TP_PROTO(unsigned long pfn, unsigned int order, int migratetype),

	TP_ARGS(pfn, order, migratetype),

	TP_STRUCT__entry(
		__field(unsigned long,	pfn)
		__field(unsigned int,	order)
		__field(int,		migratetype)
	),

	TP_fast_assign(
		__entry->pfn		= pfn;
		__entry->order		= order;
		__entry->migratetype	= migratetype;
	),

	TP_printk("pfn=0x%lx order=%d migratetype=%d",
		__entry->pfn, __entry->order, __entry->migratetype)
);

TRACE_EVENT(kmem_cache_alloc,

	TP_PROTO(unsigned long call_site, const void *ptr, size_t bytes_req, size_t bytes_alloc,
		 unsigned long gfp_flags, int node, bool accounted),

	TP_ARGS(call_site, ptr, bytes_req, bytes_alloc, gfp_flags, node, accounted),

	TP_STRUCT__entry(
		__field(unsigned long,	call_site)
		__field(const void *,	ptr)
		__field(size_t,		bytes_req)
		__field(size_t,		bytes_alloc)
		__field(unsigned long,	gfp_flags)
		__field(int,		node)
		__field(bool,		accounted)
	),

	TP_fast_assign(
		__entry->call_site	= call_site;
		__entry->ptr		= ptr;
		__entry->bytes_req	= bytes_req;
		__entry->bytes_alloc	= bytes_alloc;
		__entry->gfp_flags	= gfp_flags;
		__entry->node		= node;
		__entry->accounted	= accounted;
	),

	TP_printk("call_site=%pS ptr=%p bytes_req=%zu bytes_alloc=%zu gfp_flags=%s node=%d accounted=%s",
		(void *)__entry->call_site,
		__entry->ptr,
		__entry->bytes_req,
		__entry->bytes_alloc,
		smm_show_gfp_flags(__entry->gfp_flags),
		__entry->node,
		__entry->accounted ? "true" : "false")
);

TRACE_EVENT(kmem_cache_free,

	TP_PROTO(unsigned long call_site, const void *ptr, const char *name),

	TP_ARGS(call_site, ptr, name),

	TP_STRUCT__entry(
		__field(unsigned long,	call_site)
		__field(const void *,	ptr)
		__string(name,		name)
	),

	TP_fast_assign(
		__entry->call_site	= call_site;
		__entry->ptr		= ptr;
		smm_assign_str(name, name);
	),

	TP_printk("call_site=%pS ptr=%p name=%s",
		(void *)__entry->call_site, __entry->ptr, __get_str(name))
);

TRACE_EVENT(mm_vmscan_kswapd_wake,

	TP_PROTO(int nid, int zid, int order),

	TP_ARGS(nid, zid, order),

	TP_STRUCT__entry(
		__field(int,	nid)
		__field(int,	zid)
		__field(int,	order)
	),

	TP_fast_assign(
		__entry->nid	= nid;
		__entry->zid	= zid;
		__entry->order	= order;
	),

	TP_printk("nid=%d order=%d", __entry->nid, __entry->order)
);

/* The reclaim_stat fields the shadow has; the others (dirty, writeback, ...) are 0. */
TRACE_EVENT(mm_vmscan_lru_shrink_inactive,

	TP_PROTO(int nid, unsigned long nr_scanned, unsigned long nr_reclaimed,
		 unsigned int nr_activate0, unsigned int nr_activate1, unsigned long nr_ref_keep,
		 int priority, int reclaim_flags),

	TP_ARGS(nid, nr_scanned, nr_reclaimed, nr_activate0, nr_activate1, nr_ref_keep,
		priority, reclaim_flags),

	TP_STRUCT__entry(
		__field(int,		nid)
		__field(unsigned long,	nr_scanned)
		__field(unsigned long,	nr_reclaimed)
		__field(unsigned long,	nr_dirty)
		__field(unsigned long,	nr_writeback)
		__field(unsigned long,	nr_congested)
		__field(unsigned long,	nr_immediate)
		__field(unsigned int,	nr_activate0)
		__field(unsigned int,	nr_activate1)
		__field(unsigned long,	nr_ref_keep)
		__field(unsigned long,	nr_unmap_fail)
		__field(int,		priority)
		__field(int,		reclaim_flags)
	),

	TP_fast_assign(
		__entry->nid		= nid;
		__entry->nr_scanned	= nr_scanned;
		__entry->nr_reclaimed	= nr_reclaimed;
		__entry->nr_dirty	= 0;
		__entry->nr_writeback	= 0;
		__entry->nr_congested	= 0;
		__entry->nr_immediate	= 0;
		__entry->nr_activate0	= nr_activate0;
		__entry->nr_activate1	= nr_activate1;
		__entry->nr_ref_keep	= nr_ref_keep;
		__entry->nr_unmap_fail	= 0;
		__entry->priority	= priority;
		__entry->reclaim_flags	= reclaim_flags;
	),

	TP_printk("nid=%d nr_scanned=%ld nr_reclaimed=%ld nr_dirty=%ld nr_writeback=%ld nr_congested=%ld nr_immediate=%ld nr_activate_anon=%d nr_activate_file=%d nr_ref_keep=%ld nr_unmap_fail=%ld priority=%d flags=%s",
		__entry->nid,
		__entry->nr_scanned, __entry->nr_reclaimed,
		__entry->nr_dirty, __entry->nr_writeback,
		__entry->nr_congested, __entry->nr_immediate,
		__entry->nr_activate0, __entry->nr_activate1,
		__entry->nr_ref_keep, __entry->nr_unmap_fail,
		__entry->priority,
		smm_show_reclaim_flags(__entry->reclaim_flags))
);

TRACE_EVENT(mm_compaction_begin,

	TP_PROTO(unsigned long zone_start, unsigned long migrate_pfn, unsigned long free_pfn,
		 unsigned long zone_end, bool sync),

	TP_ARGS(zone_start, migrate_pfn, free_pfn, zone_end, sync),

	TP_STRUCT__entry(
		__field(unsigned long,	zone_start)
		__field(unsigned long,	migrate_pfn)
		__field(unsigned long,	free_pfn)
		__field(unsigned long,	zone_end)
		__field(bool,		sync)
	),

	TP_fast_assign(
		__entry->zone_start	= zone_start;
		__entry->migrate_pfn	= migrate_pfn;
		__entry->free_pfn	= free_pfn;
		__entry->zone_end	= zone_end;
		__entry->sync		= sync;
	),

	TP_printk("zone_start=0x%lx migrate_pfn=0x%lx free_pfn=0x%lx zone_end=0x%lx, mode=%s",
		__entry->zone_start,
		__entry->migrate_pfn,
		__entry->free_pfn,
		__entry->zone_end,
		__entry->sync ? "sync" : "async")
);

TRACE_EVENT(mm_compaction_end,

	TP_PROTO(unsigned long zone_start, unsigned long migrate_pfn, unsigned long free_pfn,
		 unsigned long zone_end, bool sync, int status),

	TP_ARGS(zone_start, migrate_pfn, free_pfn, zone_end, sync, status),

	TP_STRUCT__entry(
		__field(unsigned long,	zone_start)
		__field(unsigned long,	migrate_pfn)
		__field(unsigned long,	free_pfn)
		__field(unsigned long,	zone_end)
		__field(bool,		sync)
		__field(int,		status)
	),

	TP_fast_assign(
		__entry->zone_start	= zone_start;
		__entry->migrate_pfn	= migrate_pfn;
		__entry->free_pfn	= free_pfn;
		__entry->zone_end	= zone_end;
		__entry->sync		= sync;
		__entry->status		= status;
	),

	TP_printk("zone_start=0x%lx migrate_pfn=0x%lx free_pfn=0x%lx zone_end=0x%lx, mode=%s status=%s",
		__entry->zone_start,
		__entry->migrate_pfn,
		__entry->free_pfn,
		__entry->zone_end,
		__entry->sync ? "sync" : "async",
		smm_show_compact_status(__entry->status))
);

TRACE_EVENT(mm_migrate_pages,

	TP_PROTO(unsigned long succeeded, unsigned long failed, enum migrate_mode mode, int reason),

	TP_ARGS(succeeded, failed, mode, reason),

	TP_STRUCT__entry(
		__field(unsigned long,		succeeded)
		__field(unsigned long,		failed)
		__field(unsigned long,		thp_succeeded)
		__field(unsigned long,		thp_failed)
		__field(unsigned long,		thp_split)
		__field(unsigned long,		large_folio_split)
		__field(enum migrate_mode,	mode)
		__field(int,			reason)
	),

	TP_fast_assign(
		__entry->succeeded		= succeeded;
		__entry->failed			= failed;
		__entry->thp_succeeded		= 0;
		__entry->thp_failed		= 0;
		__entry->thp_split		= 0;
		__entry->large_folio_split	= 0;
		__entry->mode			= mode;
		__entry->reason			= reason;
	),

	TP_printk("nr_succeeded=%lu nr_failed=%lu nr_thp_succeeded=%lu nr_thp_failed=%lu nr_thp_split=%lu nr_split=%lu mode=%s reason=%s",
		__entry->succeeded,
		__entry->failed,
		__entry->thp_succeeded,
		__entry->thp_failed,
		__entry->thp_split,
		__entry->large_folio_split,
		__print_symbolic(__entry->mode,
				 { MIGRATE_ASYNC,	"MIGRATE_ASYNC" },
				 { MIGRATE_SYNC_LIGHT,	"MIGRATE_SYNC_LIGHT" },
				 { MIGRATE_SYNC,	"MIGRATE_SYNC" }),
		__print_symbolic(__entry->reason, { MR_COMPACTION, "compaction" }))
);

#endif /* _SMM_TRACE_SHADOWMM_H */

/* outside the guard: define_trace.h reads the file again */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace_shadowmm
#include <trace/define_trace.h>
