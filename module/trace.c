// SPDX-License-Identifier: GPL-2.0
/*
 * The shadow's tracepoints (trace_shadowmm.h, Documentation/tracing.md):
 * their definitions, and the glue the core's hooks call while an event
 * is enabled (trace_glue.h). Each glue function turns the core's values
 * into the kernel event's fields: a frame index into its pfn (the
 * section's first pfn plus the offset: the machine's real frame number,
 * -1 for none), a shadow compaction result into the kernel's enum
 * compact_result. They run in whatever context the hook is in (zone and
 * pcp locks held for the buddy's events) and take no lock.
 */
#include <linux/module.h>
#include "core/mm.h"
#include "core/compaction.h"
#include "core/slab.h"
#include "trace_glue.h"

#define CREATE_TRACE_POINTS
#include "trace_shadowmm.h"

/* The real pfn of frame @idx, or -1UL (SMM_NO_IDX, or outside every section). */
static unsigned long smm_tp_pfn(const struct smm_mm *mm, u64 idx)
{
	u64 pfn;

	if (!smm_range_idx_to_pfn(mm->range, idx, &pfn))
		return -1UL;
	return pfn;
}

void smm_tp_page_alloc(const struct smm_mm *mm, u64 idx, unsigned int order, unsigned int gfp,
		       unsigned int mt)
{
	trace_mm_page_alloc(smm_tp_pfn(mm, idx), order, gfp, mt);
}

void smm_tp_page_free(const struct smm_mm *mm, u64 idx, unsigned int order)
{
	trace_mm_page_free(smm_tp_pfn(mm, idx), order);
}

void smm_tp_page_alloc_zone_locked(const struct smm_mm *mm, u64 idx, unsigned int order,
				   unsigned int mt, bool percpu_refill)
{
	trace_mm_page_alloc_zone_locked(smm_tp_pfn(mm, idx), order, mt, percpu_refill);
}

void smm_tp_page_pcpu_drain(const struct smm_mm *mm, u64 idx, unsigned int order, unsigned int mt)
{
	trace_mm_page_pcpu_drain(smm_tp_pfn(mm, idx), order, mt);
}

/*
 * kmem_cache_alloc() without a node: NUMA_NO_NODE, as the kernel
 * records it. The shadow's caches take no allocation flags (0, its
 * GFP_KERNEL) and have no memory cgroups (accounted false).
 */
void smm_tp_cache_alloc(unsigned long call_site, const struct smm_cache *c, const void *obj)
{
	trace_kmem_cache_alloc(call_site, obj, c->object_size, c->size, 0, NUMA_NO_NODE, false);
}

void smm_tp_cache_free(unsigned long call_site, const struct smm_cache *c, u64 pos)
{
	trace_kmem_cache_free(call_site, smm_slab_pos_virt(c->mm, pos), c->name);
}

/* The shadow's results among the kernel's (compaction.c has no other). */
static int smm_tp_compact_status(int r)
{
	switch (r) {
	case SMM_COMPACT_SKIPPED:
		return COMPACT_SKIPPED;
	case SMM_COMPACT_CONTINUE:
		return COMPACT_CONTINUE;
	case SMM_COMPACT_COMPLETE:
		return COMPACT_COMPLETE;
	case SMM_COMPACT_SUCCESS:
		return COMPACT_SUCCESS;
	case SMM_COMPACT_DEFERRED:
		return COMPACT_DEFERRED;
	default:
		return COMPACT_PARTIAL_SKIPPED;
	}
}

/*
 * compact_zone()'s two events: the zone's first and one-past-last pfn,
 * the scanners' pfns; the shadow compacts in one mode, MIGRATE_SYNC_LIGHT,
 * which the kernel reports as sync.
 */
void smm_tp_compaction(const struct smm_mm *mm, bool end, u64 start, u64 migrate, u64 free,
		       u64 zone_end, int status)
{
	unsigned long s = smm_tp_pfn(mm, start), e = smm_tp_pfn(mm, zone_end - 1) + 1;
	unsigned long m = smm_tp_pfn(mm, migrate), f = smm_tp_pfn(mm, free);

	if (end)
		trace_mm_compaction_end(s, m, f, e, true, smm_tp_compact_status(status));
	else
		trace_mm_compaction_begin(s, m, f, e, true);
}
