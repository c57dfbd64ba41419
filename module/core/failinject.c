// SPDX-License-Identifier: GPL-2.0
/*
 * Fault injection, as lib/fault-inject.c decides (should_fail_ex()) and
 * mm/fail_page_alloc.c and mm/failslab.c filter, over the shadow's page
 * allocator and slab caches. The kernel draws from prandom; the shadow
 * from its own seeded generator (xorshift64*, as workload.c), one per
 * target, so that a run repeats: the same seed and the same calls fail
 * the same calls. The kernel's fail_nth, task-filter and the stack
 * filters (require-start/-end, reject-start/-end, stacktrace-depth) are
 * not here: the shadow's callers are the module's own, not tasks'.
 *
 * Locking: struct smm_fail_attr's lock, a leaf (failinject.h).
 */
#include "mm_internal.h"
#include "slab.h"

/* One setting: its attribute, range and whose it is. */
struct smm_fail_field {
	s64 min, max;
	bool page, slab;	/* the targets that have it */
	bool ro;		/* a counter */
	const char *name;	/* the debugfs file's, in refusals */
};

static const struct smm_fail_field smm_fail_fields[SHADOWMM_A_FAULT_MAX + 1] = {
	[SHADOWMM_A_FAULT_PROBABILITY] = { 0, SHADOWMM_FAULT_PROBABILITY_MAX, true, true, false,
					   "probability" },
	[SHADOWMM_A_FAULT_INTERVAL] = { 1, U32_MAX, true, true, false, "interval" },
	[SHADOWMM_A_FAULT_TIMES] = { -1, S32_MAX, true, true, false, "times" },
	[SHADOWMM_A_FAULT_SPACE] = { 0, S32_MAX, true, true, false, "space" },
	[SHADOWMM_A_FAULT_VERBOSE] = { 0, SHADOWMM_FAULT_VERBOSE_MAX, true, true, false, "verbose" },
	[SHADOWMM_A_FAULT_SEED] = { S64_MIN, S64_MAX, true, true, false, "seed" },
	[SHADOWMM_A_FAULT_MIN_ORDER] = { 0, SMM_MAX_ORDER, true, false, false, "min-order" },
	[SHADOWMM_A_FAULT_IGNORE_GFP_WAIT] = { 0, 1, true, true, false, "ignore-gfp-wait" },
	[SHADOWMM_A_FAULT_IGNORE_GFP_ATOMIC] = { 0, 1, true, false, false, "ignore-gfp-atomic" },
	[SHADOWMM_A_FAULT_CACHE_FILTER] = { 0, 1, false, true, false, "cache-filter" },
	[SHADOWMM_A_FAULT_ZONE] = { -1, __SHADOWMM_ZONE_CNT - 1, true, false, false, "zone" },
	[SHADOWMM_A_FAULT_CALLS] = { 0, 0, true, true, true, "calls" },
	[SHADOWMM_A_FAULT_FAILURES] = { 0, 0, true, true, true, "failures" },
};

/*
 * FAULT_ATTR_INITIALIZER (probability 0, interval 1, times 1, space 0,
 * verbose 2) and the targets' own defaults: fail_page_alloc ignores
 * orders below 1 and requests that may reclaim (and the analogue of
 * highmem requests, ATOMIC ones), failslab requests that may reclaim,
 * every cache (no cache filter); every zone (the shadow's own filter).
 */
void smm_fail_attr_init(struct smm_fail_attr *a, unsigned int target)
{
	memset(a, 0, sizeof(*a));
	smm_lock_init(&a->lock);
	smm_ratelimit_init(&a->ratelimit);
	a->interval = 1;
	a->times = 1;
	a->verbose = 2;
	a->seed = a->rng = SMM_FAIL_SEED_DEFAULT;
	a->ignore_gfp_wait = true;
	if (target == SHADOWMM_FAULT_PAGE_ALLOC) {
		a->min_order = SMM_FAIL_PAGE_MIN_ORDER;
		a->ignore_gfp_atomic = true;
		a->zone = -1;
	}
}

/* xorshift64* (Vigna), one step; a number in [0, @n): the high half of rand * n. */
u32 smm_fail_rand_below(u64 *state, u32 n)
{
	u64 x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return ((x * 0x2545f4914f6cdd1dULL) >> 32) * n >> 32;
}

/* fail_dump(): outside the lock, ratelimited. */
static void smm_fail_dump(struct smm_fail_attr *a, u32 verbose)
{
	if (!verbose || !smm_ratelimit(&a->ratelimit))
		return;
	smm_notice("FAULT_INJECTION: forcing a failure.");
	if (verbose > 1)
		smm_dump_stack();
}

/*
 * should_fail_ex() in its order: probability 0 never fails; times 0
 * (none left) never; while space is above @size the call only uses it
 * up; with an interval above 1 only every interval-th call goes on; and
 * that one fails when the generator's number below 100 is under the
 * probability. A failure spends one of times (unless -1). Counts every
 * call that gets past probability 0 (calls) and every failure.
 */
bool smm_should_fail(struct smm_fail_attr *a, u64 size)
{
	bool fail = false;
	u32 verbose;

	if (!READ_ONCE(a->probability))
		return false;
	smm_lock(&a->lock);
	if (!a->probability)
		goto out;
	a->calls++;
	if (!a->times)
		goto out;
	if (a->space > 0 && (u64)a->space > size) {
		a->space -= size;
		goto out;
	}
	if (a->interval > 1 && ++a->count % a->interval)
		goto out;
	if (a->probability <= smm_fail_rand_below(&a->rng, 100))
		goto out;
	if (a->times != -1)
		a->times--;
	a->failures++;
	fail = true;
out:
	verbose = a->verbose;
	smm_unlock(&a->lock);
	if (fail)
		smm_fail_dump(a, verbose);
	return fail;
}

/*
 * __should_fail_alloc_page(): orders below min-order, ATOMIC requests
 * (ignore-gfp-atomic, where the kernel ignores highmem ones) and those
 * that may reclaim (ignore-gfp-wait) pass; the size is 1 << order, in
 * pages, as the kernel's. The shadow has no __GFP_NOFAIL. The zone
 * filter is the shadow's own (the kernel's nearest is
 * ignore-gfp-highmem): with one set, only requests whose zone modifier
 * names that zone as their highest (smm_gfp_zone()) go on, so a test
 * can fail GFP_DMA32 requests and leave the rest alone.
 */
bool __smm_should_fail_alloc_page(struct smm_fail_attr *a, unsigned int order, unsigned int gfp)
{
	s32 zone = READ_ONCE(a->zone);

	if (order < READ_ONCE(a->min_order))
		return false;
	if (zone >= 0 && smm_gfp_zone(gfp) != (unsigned int)zone)
		return false;
	if (READ_ONCE(a->ignore_gfp_atomic) && (gfp & SHADOWMM_GFP_ATOMIC))
		return false;
	if (READ_ONCE(a->ignore_gfp_wait) && (gfp & SMM_GFP_DIRECT_RECLAIM))
		return false;
	return smm_should_fail(a, 1ULL << order);
}

/*
 * __should_failslab(): with cache-filter only caches created with
 * SHADOWMM_CACHE_FAILSLAB fail; caches whose slabs may reclaim pass
 * with ignore-gfp-wait; the size is the object's.
 */
bool __smm_should_failslab(struct smm_fail_attr *a, u32 cache_flags, unsigned int gfp, u32 size)
{
	if (READ_ONCE(a->cache_filter) && !(cache_flags & SHADOWMM_CACHE_FAILSLAB))
		return false;
	if (READ_ONCE(a->ignore_gfp_wait) && (gfp & SMM_GFP_DIRECT_RECLAIM))
		return false;
	return smm_should_fail(a, size);
}

/* Whether @target has setting or counter @attr. */
bool smm_fail_has(unsigned int target, unsigned int attr)
{
	const struct smm_fail_field *f;

	if (attr > SHADOWMM_A_FAULT_MAX || !smm_fail_fields[attr].name)
		return false;
	f = &smm_fail_fields[attr];
	return target == SHADOWMM_FAULT_PAGE_ALLOC ? f->page :
	       target == SHADOWMM_FAULT_SLAB ? f->slab : false;
}

/* The setting's debugfs name ("probability", "min-order", ...), or NULL. */
const char *smm_fail_name(unsigned int attr)
{
	return attr <= SHADOWMM_A_FAULT_MAX ? smm_fail_fields[attr].name : NULL;
}

/* Whether @attr is a counter (read-only). */
bool smm_fail_is_counter(unsigned int attr)
{
	return attr <= SHADOWMM_A_FAULT_MAX && smm_fail_fields[attr].ro;
}

/* One value, read under the lock (the seed's bits as they are). */
u64 smm_fail_get(struct smm_fail_attr *a, unsigned int attr)
{
	u64 v = 0;

	smm_lock(&a->lock);
	switch (attr) {
	case SHADOWMM_A_FAULT_PROBABILITY: v = a->probability; break;
	case SHADOWMM_A_FAULT_INTERVAL: v = a->interval; break;
	case SHADOWMM_A_FAULT_TIMES: v = (u64)(s64)a->times; break;
	case SHADOWMM_A_FAULT_SPACE: v = a->space; break;
	case SHADOWMM_A_FAULT_VERBOSE: v = a->verbose; break;
	case SHADOWMM_A_FAULT_SEED: v = a->seed; break;
	case SHADOWMM_A_FAULT_MIN_ORDER: v = a->min_order; break;
	case SHADOWMM_A_FAULT_IGNORE_GFP_WAIT: v = a->ignore_gfp_wait; break;
	case SHADOWMM_A_FAULT_IGNORE_GFP_ATOMIC: v = a->ignore_gfp_atomic; break;
	case SHADOWMM_A_FAULT_CACHE_FILTER: v = a->cache_filter; break;
	case SHADOWMM_A_FAULT_ZONE: v = (u64)(s64)a->zone; break;
	case SHADOWMM_A_FAULT_CALLS: v = a->calls; break;
	case SHADOWMM_A_FAULT_FAILURES: v = a->failures; break;
	}
	smm_unlock(&a->lock);
	return v;
}

/*
 * Whether @v may be set as @attr of @target: -EINVAL and *@why naming
 * the setting when the target has no such setting, it is a counter or
 * @v is out of its range. The seed takes any 64 bits.
 */
int smm_fail_check(unsigned int target, unsigned int attr, s64 v, const char **why)
{
	const struct smm_fail_field *f;

	if (!smm_fail_has(target, attr)) {
		*why = "not a setting of this target (min-order, ignore-gfp-atomic and zone are fail_page_alloc's, cache-filter failslab's)";
		return -EINVAL;
	}
	f = &smm_fail_fields[attr];
	if (f->ro) {
		*why = "a counter, not a setting";
		return -EINVAL;
	}
	if (v < f->min || v > f->max) {
		switch (attr) {
		case SHADOWMM_A_FAULT_PROBABILITY: *why = "probability: 0 to 100 (percent)"; break;
		case SHADOWMM_A_FAULT_INTERVAL: *why = "interval: 1 or more"; break;
		case SHADOWMM_A_FAULT_TIMES: *why = "times: -1 (unlimited) or 0 or more"; break;
		case SHADOWMM_A_FAULT_SPACE: *why = "space: 0 or more"; break;
		case SHADOWMM_A_FAULT_VERBOSE: *why = "verbose: 0, 1 or 2"; break;
		case SHADOWMM_A_FAULT_MIN_ORDER: *why = "min-order: 0 to 10"; break;
		case SHADOWMM_A_FAULT_ZONE: *why = "zone: -1 (any) or a zone's number (0 DMA, 1 DMA32, 2 Normal...)"; break;
		default: *why = "ignore-gfp-wait, ignore-gfp-atomic, cache-filter: 0 or 1"; break;
		}
		return -EINVAL;
	}
	return 0;
}

/*
 * Set @attr of @target to @v after smm_fail_check(). Setting the seed
 * restarts the generator (a seed of 0 stands for the default one, as
 * xorshift's state is never 0) and the interval's count, so a run can
 * be repeated from the same point.
 */
int smm_fail_set(struct smm_fail_attr *a, unsigned int target, unsigned int attr, s64 v,
		  const char **why)
{
	int ret = smm_fail_check(target, attr, v, why);

	if (ret)
		return ret;
	/* failslab's arming marks the caches too (under their set's mutex: sleeps) */
	if (target == SHADOWMM_FAULT_SLAB && attr == SHADOWMM_A_FAULT_PROBABILITY && a->slabs) {
		smm_slabs_failslab_set(a->slabs, v);
		return 0;
	}
	smm_lock(&a->lock);
	switch (attr) {
	case SHADOWMM_A_FAULT_PROBABILITY:
		/* disarming: the gate opens after the probability is 0 */
		WRITE_ONCE(a->probability, v);
		if (a->armed)
			WRITE_ONCE(*a->armed, v != 0);
		break;
	case SHADOWMM_A_FAULT_INTERVAL: a->interval = v; break;
	case SHADOWMM_A_FAULT_TIMES: a->times = v; break;
	case SHADOWMM_A_FAULT_SPACE: a->space = v; break;
	case SHADOWMM_A_FAULT_VERBOSE: a->verbose = v; break;
	case SHADOWMM_A_FAULT_SEED:
		a->seed = v;
		a->rng = v ? (u64)v : SMM_FAIL_SEED_DEFAULT;
		a->count = 0;
		break;
	case SHADOWMM_A_FAULT_MIN_ORDER: WRITE_ONCE(a->min_order, v); break;
	case SHADOWMM_A_FAULT_IGNORE_GFP_WAIT: WRITE_ONCE(a->ignore_gfp_wait, v); break;
	case SHADOWMM_A_FAULT_IGNORE_GFP_ATOMIC: WRITE_ONCE(a->ignore_gfp_atomic, v); break;
	case SHADOWMM_A_FAULT_CACHE_FILTER: WRITE_ONCE(a->cache_filter, v); break;
	case SHADOWMM_A_FAULT_ZONE: WRITE_ONCE(a->zone, v); break;
	}
	smm_unlock(&a->lock);
	return 0;
}
