/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The core's tracepoint hooks (Documentation/tracing.md), in env.h's
 * pattern: one vocabulary, two halves.
 *
 * In the module each hook is a static branch on its event's key
 * (trace_<event>_enabled(), a NOP while the event is off) around a call
 * to the glue (module/trace_glue.h, module/trace.c), which turns frame
 * indexes into pfns and fires the event: nothing but the NOP on the fast
 * paths while tracing is off. In user space the hooks are no-ops, so the
 * benchmarks count the same instructions; a build with SMM_TRACE_COUNT
 * (tools/testing/core's core_test) counts each hook's calls in the
 * calling thread's smm_user_trace[], keeps the last call's two key
 * values and their sums, for the host tests (trace_test.c among them)
 * to check each fires where the kernel's does.
 *
 * Hooks (each one line where it fires):
 *   smm_trace_page_alloc(mm, idx, order, gfp, mt)   idx SMM_NO_IDX: failed
 *     (the module's order-0 fast path asks smm_trace_page_alloc_on()
 *     before its lock instead: page_alloc.c's smm_alloc_fast_hooks_on())
 *   smm_trace_page_free(mm, idx, order)
 *   smm_trace_page_alloc_zone_locked(mm, idx, order, mt)
 *   smm_trace_page_pcpu_drain(mm, idx, order, mt)
 *   smm_trace_cache_alloc(c, obj)                   obj NULL: failed
 *   smm_trace_cache_free(c, pos)
 *   smm_trace_lru_shrink_inactive(file, res, priority)  res: struct smm_lru_scan *
 *   smm_trace_compaction_begin(mm, start, migrate, free, end)
 *   smm_trace_compaction_end(mm, start, migrate, free, end, status)
 *   smm_trace_migrate_pages(succeeded, failed)
 * The arguments are plain expressions without side effects: the module
 * evaluates them only while the event is on.
 */
#ifndef _SMM_CORE_TRACE_HOOKS_H
#define _SMM_CORE_TRACE_HOOKS_H

#include "env.h"

#ifdef __KERNEL__

#include "../trace_glue.h"

#else /* user space */

enum smm_trace_event {
	SMM_TE_PAGE_ALLOC,
	SMM_TE_PAGE_FREE,
	SMM_TE_ZONE_LOCKED,
	SMM_TE_PCPU_DRAIN,
	SMM_TE_CACHE_ALLOC,
	SMM_TE_CACHE_FREE,
	SMM_TE_SHRINK_INACTIVE,
	SMM_TE_COMPACT_BEGIN,
	SMM_TE_COMPACT_END,
	SMM_TE_MIGRATE,
	SMM_TE_NR
};

#ifdef SMM_TRACE_COUNT
struct smm_trace_hits {
	unsigned long count;
	u64 a, b;		/* the last call's key values (see each hook) */
	u64 sum_a, sum_b;	/* and their sums over the calls */
};

extern __thread struct smm_trace_hits smm_user_trace[SMM_TE_NR];

static inline void smm_user_trace_hit(enum smm_trace_event e, u64 a, u64 b)
{
	smm_user_trace[e].count++;
	smm_user_trace[e].a = a;
	smm_user_trace[e].b = b;
	smm_user_trace[e].sum_a += a;
	smm_user_trace[e].sum_b += b;
}
#else
#define smm_user_trace_hit(e, a, b)	((void)(e), (void)(a), (void)(b))
#endif

/* a: the frame index (pfn when traced), b: the order */
#define smm_trace_page_alloc(mm, idx, order, gfp, mt)			\
	((void)(mm), (void)(gfp), (void)(mt), smm_user_trace_hit(SMM_TE_PAGE_ALLOC, idx, order))
#define smm_trace_page_free(mm, idx, order)				\
	((void)(mm), smm_user_trace_hit(SMM_TE_PAGE_FREE, idx, order))
#define smm_trace_page_alloc_zone_locked(mm, idx, order, mt)		\
	((void)(mm), (void)(mt), smm_user_trace_hit(SMM_TE_ZONE_LOCKED, idx, order))
#define smm_trace_page_pcpu_drain(mm, idx, order, mt)			\
	((void)(mm), (void)(mt), smm_user_trace_hit(SMM_TE_PCPU_DRAIN, idx, order))
/* a: the object's address, b: the cache's object size */
#define smm_trace_cache_alloc(c, obj)					\
	smm_user_trace_hit(SMM_TE_CACHE_ALLOC, (u64)(uintptr_t)(obj), (c)->object_size)
/* a: the object's position, b: the cache's object size */
#define smm_trace_cache_free(c, pos)					\
	smm_user_trace_hit(SMM_TE_CACHE_FREE, pos, (c)->object_size)
/* a: pages scanned, b: pages reclaimed */
#define smm_trace_lru_shrink_inactive(file, res, priority)		\
	((void)(file), (void)(priority),				\
	 smm_user_trace_hit(SMM_TE_SHRINK_INACTIVE, (res)->scanned, (res)->reclaimed))
/* a: the migrate scanner's index, b: the free scanner's */
#define smm_trace_compaction_begin(mm, start, migrate, free, end)	\
	((void)(mm), (void)(start), (void)(end),			\
	 smm_user_trace_hit(SMM_TE_COMPACT_BEGIN, migrate, free))
/* a: the migrate scanner's index, b: the status */
#define smm_trace_compaction_end(mm, start, migrate, free, end, status)	\
	((void)(mm), (void)(start), (void)(free), (void)(end),		\
	 smm_user_trace_hit(SMM_TE_COMPACT_END, migrate, status))
/* a: pages moved, b: pages that could not */
#define smm_trace_migrate_pages(succeeded, failed)			\
	smm_user_trace_hit(SMM_TE_MIGRATE, succeeded, failed)

#endif /* __KERNEL__ */

#endif /* _SMM_CORE_TRACE_HOOKS_H */
