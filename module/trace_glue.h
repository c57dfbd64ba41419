/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel half of the core's tracepoint hooks (core/trace_hooks.h):
 * each hook tests its event's static key (trace_<event>_enabled(), a
 * NOP until the event is enabled) and only then calls its glue function
 * in trace.c, out of line, which computes the event's fields and fires
 * it. The hooks are macros, expanded where the core calls them, so they
 * may read the core's structures there; the glue functions take plain
 * values and the mm, whose range turns frame indexes into pfns.
 */
#ifndef _SMM_TRACE_GLUE_H
#define _SMM_TRACE_GLUE_H

#include <linux/types.h>
#include <linux/kernel.h>
#include "trace_shadowmm.h"

struct smm_mm;
struct smm_cache;

void smm_tp_page_alloc(const struct smm_mm *mm, u64 idx, unsigned int order, unsigned int gfp,
		       unsigned int mt);
void smm_tp_page_free(const struct smm_mm *mm, u64 idx, unsigned int order);
void smm_tp_page_alloc_zone_locked(const struct smm_mm *mm, u64 idx, unsigned int order,
				   unsigned int mt, bool percpu_refill);
void smm_tp_page_pcpu_drain(const struct smm_mm *mm, u64 idx, unsigned int order, unsigned int mt);
void smm_tp_cache_alloc(unsigned long call_site, const struct smm_cache *c, const void *obj);
void smm_tp_cache_free(unsigned long call_site, const struct smm_cache *c, u64 pos);
void smm_tp_compaction(const struct smm_mm *mm, bool end, u64 start, u64 migrate, u64 free,
		       u64 zone_end, int status);

#define smm_trace_page_alloc(mm, idx, order, gfp, mt) do {			\
	if (trace_mm_page_alloc_enabled())					\
		smm_tp_page_alloc(mm, idx, order, gfp, mt);			\
} while (0)

/*
 * The order-0 fast path asks the page_alloc event's key before its lock
 * and takes the general path while the event is on, so after its unlock
 * it fires nothing and keeps no value for the event (page_alloc.c's
 * smm_alloc_fast_hooks_on()).
 */
#define smm_trace_page_alloc_on()	trace_mm_page_alloc_enabled()

#define smm_trace_page_free(mm, idx, order) do {				\
	if (trace_mm_page_free_enabled())					\
		smm_tp_page_free(mm, idx, order);				\
} while (0)

/*
 * percpu_refill as __rmqueue_smallest() computes it: the order and type
 * are ones the per-CPU lists hold (the kernel's MIGRATE_PCPTYPES are
 * the shadow's types below HighAtomic). The core's caller has
 * smm_pcp_allowed_order() (core/mm_internal.h, which the glue does not
 * include).
 */
#define smm_trace_page_alloc_zone_locked(mm, idx, order, mt) do {		\
	if (trace_mm_page_alloc_zone_locked_enabled())				\
		smm_tp_page_alloc_zone_locked(mm, idx, order, mt,		\
			smm_pcp_allowed_order(order) && (mt) < SHADOWMM_MT_HIGHATOMIC); \
} while (0)

#define smm_trace_page_pcpu_drain(mm, idx, order, mt) do {			\
	if (trace_mm_page_pcpu_drain_enabled())					\
		smm_tp_page_pcpu_drain(mm, idx, order, mt);			\
} while (0)

/* call_site: the return address of the function the hook is in (_RET_IP_) */
#define smm_trace_cache_alloc(c, obj) do {					\
	if (trace_kmem_cache_alloc_enabled())					\
		smm_tp_cache_alloc(_RET_IP_, c, obj);				\
} while (0)

#define smm_trace_cache_free(c, pos) do {					\
	if (trace_kmem_cache_free_enabled())					\
		smm_tp_cache_free(_RET_IP_, c, pos);				\
} while (0)

/* shrink_inactive_list()'s event: one node, vmscan.h's trace_reclaim_flags() */
#define smm_trace_lru_shrink_inactive(file, res, priority)			\
	trace_mm_vmscan_lru_shrink_inactive(0, (res)->scanned, (res)->reclaimed,	\
		(file) ? 0 : (res)->activated, (file) ? (res)->activated : 0,	\
		(res)->kept, priority,						\
		((file) ? SMM_TP_RECLAIM_WB_FILE : SMM_TP_RECLAIM_WB_ANON) |	\
		SMM_TP_RECLAIM_WB_ASYNC)

#define smm_trace_compaction_begin(mm, start, migrate, free, end) do {	\
	if (trace_mm_compaction_begin_enabled())				\
		smm_tp_compaction(mm, false, start, migrate, free, end, 0);	\
} while (0)

#define smm_trace_compaction_end(mm, start, migrate, free, end, status) do {	\
	if (trace_mm_compaction_end_enabled())					\
		smm_tp_compaction(mm, true, start, migrate, free, end, status);	\
} while (0)

/* compaction's migrate_pages(): the shadow's one mode and reason */
#define smm_trace_migrate_pages(succeeded, failed)				\
	trace_mm_migrate_pages(succeeded, failed, MIGRATE_SYNC_LIGHT, MR_COMPACTION)

#endif /* _SMM_TRACE_GLUE_H */
