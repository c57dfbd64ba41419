/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fault injection: the kernel's fault-injection framework
 * (lib/fault-inject.c, mm/fail_page_alloc.c, mm/failslab.c) over the
 * shadow allocators. One struct smm_fail_attr per target (enum
 * shadowmm_fault_target) in struct smm_mm; the page allocator's entry
 * (smm_alloc_pages()) asks smm_should_fail_alloc_page(), slab object
 * allocation (smm_cache_alloc()) smm_should_failslab(). Unarmed
 * (probability 0) the page allocator's costs one load; the slab's
 * nothing of its own, since arming failslab marks every cache's slow
 * byte (slab.h, smm_slabs_failslab_set()), which the fast path tests
 * anyway. Not to be confused with fault.c, which is page faults.
 * Documentation/debugging.md, "Fault injection".
 *
 * Locking: each attr's lock guards all of it; smm_should_fail() takes
 * it only when the attr is armed, the setters always. It is a leaf lock
 * (taken under zone, pcp and slab locks, taking none). failslab's
 * probability is set under smm_slabs.mutex as well when the attr has a
 * slab layer (slabs), so that the caches' bits and it agree there.
 */
#ifndef _SMM_CORE_FAILINJECT_H
#define _SMM_CORE_FAILINJECT_H

#include "env.h"

struct smm_slabs;

/* The kernel's defaults (FAULT_ATTR_INITIALIZER, fail_page_alloc, failslab). */
#define SMM_FAIL_SEED_DEFAULT		0x9e3779b97f4a7c15ULL
#define SMM_FAIL_PAGE_MIN_ORDER		1

struct smm_fail_attr {
	smm_lock_t lock;
	u32 probability;	/* percent; 0: off */
	u32 interval;		/* 1 or more */
	s32 times;		/* failures left, -1 unlimited */
	s32 space;		/* size left to let through first */
	u32 verbose;		/* 0, 1 a line, 2 and the stack */
	u64 seed, rng;		/* the generator's seed and state */
	u64 count;		/* calls that reached the interval test */
	u64 calls, failures;	/* since load: calls past the filters while armed, failures */
	/* the target's filters */
	u32 min_order;		/* fail_page_alloc */
	s32 zone;		/* fail_page_alloc: only requests of this gfp_zone(); -1 any */
	bool ignore_gfp_wait;	/* both: requests with SMM_GFP_DIRECT_RECLAIM */
	bool ignore_gfp_atomic;	/* fail_page_alloc: SHADOWMM_GFP_ATOMIC requests */
	bool cache_filter;	/* failslab: only SHADOWMM_CACHE_FAILSLAB caches */
	struct smm_slabs *slabs;	/* failslab: the caches whose slow byte it sets, or NULL */
	u8 *armed;		/* fail_page_alloc: the mm's order-0 gate byte it sets, or NULL */
	smm_ratelimit_t ratelimit;	/* fail_dump()'s */
};

void smm_fail_attr_init(struct smm_fail_attr *a, unsigned int target);
u32 smm_fail_rand_below(u64 *state, u32 n);
bool smm_should_fail(struct smm_fail_attr *a, u64 size);
bool __smm_should_fail_alloc_page(struct smm_fail_attr *a, unsigned int order, unsigned int gfp);
bool __smm_should_failslab(struct smm_fail_attr *a, u32 cache_flags, unsigned int gfp, u32 size);

/* One setting by its SHADOWMM_A_FAULT_* attribute, for netlink and debugfs alike. */
bool smm_fail_has(unsigned int target, unsigned int attr);
const char *smm_fail_name(unsigned int attr);
bool smm_fail_is_counter(unsigned int attr);
u64 smm_fail_get(struct smm_fail_attr *a, unsigned int attr);
int smm_fail_check(unsigned int target, unsigned int attr, s64 v, const char **why);
int smm_fail_set(struct smm_fail_attr *a, unsigned int target, unsigned int attr, s64 v,
		  const char **why);

/* Whether @a may fail anything (probability set): the fast paths' one load. */
static inline bool smm_fail_armed(struct smm_fail_attr *a)
{
	return READ_ONCE(a->probability) != 0;
}

/* should_fail_alloc_page(): one load while the target is not armed. */
static inline bool smm_should_fail_alloc_page(struct smm_fail_attr *a, unsigned int order,
					      unsigned int gfp)
{
	if (likely(!smm_fail_armed(a)))
		return false;
	return __smm_should_fail_alloc_page(a, order, gfp);
}

/* should_failslab(): one load while the target is not armed. */
static inline bool smm_should_failslab(struct smm_fail_attr *a, u32 cache_flags,
				       unsigned int gfp, u32 size)
{
	if (likely(!smm_fail_armed(a)))
		return false;
	return __smm_should_failslab(a, cache_flags, gfp, size);
}

#endif /* _SMM_CORE_FAILINJECT_H */
