/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The benchmarks' operation loops, one copy for bench_native.c and
 * bench_scale.c: an order-0 pair, a 256-byte slab pair and the churn of
 * orders 0-3, each run as a given CPU of the core. Every loop times
 * itself and returns ns per operation (per pair for the pairs), or -1
 * when an allocation failed. They are static inline so that a constant
 * CPU and a NULL note compile to the loop alone: the instructions
 * callgrind counts per pair (bench_native --pairs) are the loop's.
 */
#ifndef BENCH_LOOPS_H
#define BENCH_LOOPS_H

#include <time.h>

#include "common.h"
#include "../../../module/core/slab.h"

/*
 * Called by the churn with the frame index of each block it frees and
 * of each block it gets (bench_scale_trace.h stamps them); NULL: none.
 */
typedef void (*bench_note_fn)(unsigned int cpu, u64 idx);

static inline double bench_now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

/*
 * @n order-0 alloc+free pairs as @cpu: through its per-CPU lists, or the
 * buddy alone when @mm has none. ns per pair.
 */
static inline double bench_page_pairs(struct smm_mm *mm, unsigned int cpu, u64 n)
{
	double t0 = bench_now_ns();
	u64 i, idx;

	for (i = 0; i < n; i++) {
		if (smm_alloc_pages(mm, 0, SHADOWMM_GFP_MOVABLE, cpu, &idx))
			return -1;
		smm_free_pages(mm, idx, cpu);
	}
	return (bench_now_ns() - t0) / n;
}

/* @n object pairs of @c as @cpu (its per-CPU fast path). ns per pair. */
static inline double bench_slab_pairs(struct smm_cache *c, unsigned int cpu, u64 n)
{
	double t0 = bench_now_ns();
	u64 i, pos;

	for (i = 0; i < n; i++) {
		if (!smm_cache_alloc(c, cpu, 0, &pos))
			return -1;
		smm_cache_free(c, pos, cpu);
	}
	return (bench_now_ns() - t0) / n;
}

/*
 * The churn as @cpu: @nlive blocks of orders 0-3 allocated into @live
 * (untimed), then @n times a random one freed and a block of a random
 * order 0-3 allocated in its slot; every block is freed at the end,
 * after a failure too. The seed is fixed per CPU, so a CPU's sequence is
 * the same in every run. ns per operation (a free or an allocation).
 */
static inline double bench_churn(struct smm_mm *mm, unsigned int cpu, u64 *live,
				 unsigned int nlive, u64 n, bench_note_fn note)
{
	const unsigned int gfp = SHADOWMM_GFP_MOVABLE | SHADOWMM_GFP_RESERVE;
	u64 rng = 88172645463325252ULL + cpu, i;
	unsigned int k, made = 0;
	double t0, ns = -1;

	for (k = 0; k < nlive; k++, made++)
		if (smm_alloc_pages(mm, k & 3, gfp, cpu, &live[k]))
			goto out;
	t0 = bench_now_ns();
	for (i = 0; i < n; i++) {
		rng ^= rng << 13;
		rng ^= rng >> 7;
		rng ^= rng << 17;
		k = rng % nlive;
		if (note)
			note(cpu, live[k]);
		smm_free_pages(mm, live[k], cpu);
		if (smm_alloc_pages(mm, (rng >> 20) & 3, gfp, cpu, &live[k])) {
			live[k] = live[--made];	/* the slot freed: keep the rest */
			goto out;
		}
		if (note)
			note(cpu, live[k]);
	}
	ns = (bench_now_ns() - t0) / (2.0 * n);
out:
	while (made)
		smm_free_pages(mm, live[--made], cpu);
	return ns;
}

#endif /* BENCH_LOOPS_H */
