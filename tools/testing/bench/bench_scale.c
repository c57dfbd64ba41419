// SPDX-License-Identifier: GPL-2.0
/*
 * Scaling of the core's fast paths with real threads, natively (issue 22):
 * does an operation cost the same when N CPUs run it at once?
 *
 *   bench_scale [--threads N] [OUT.json]
 *
 * N pthreads (default: the host's cores, at least 2), thread i pinned to
 * core i mod cores and acting as CPU i of the core (its per-CPU page
 * lists and per-CPU slabs), run one kind of operation each:
 *   pcp    an order-0 alloc+free pair through the per-CPU lists;
 *   slab   a 256-byte object pair (kmalloc-256, the per-CPU fast path);
 *   churn  random frees and allocations of orders 0-3 over 256 live
 *          blocks of its own (the lists refill from and drain to the
 *          zone under its lock, shared by all);
 *   churn-hf8  the same churn with vm.percpu_pagelist_high_fraction 8
 *          on every mm of all three ways (pcp high = managed / 8 / N,
 *          not the low watermark's / N of 6.1's default, the churn row).
 * ns per operation, each the mean over the threads of their own time per
 * operation, best of 5 runs, three ways with the same set-up (one mm of
 * 256 MiB for N CPUs):
 *   one      thread 0 alone;
 *   shared   the N threads on the one mm;
 *   private  the N threads, each on an mm of its own (same size, same CPU
 *            index): what the machine itself costs N threads (shared
 *            caches, memory bandwidth, frequency), without sharing.
 * The rows are shared/one and shared/private, goal at most 1.10 each.
 * shared/private is the one that tells the core's own sharing apart from
 * the machine's: a 2-core VM on a busy host moves shared/one alone.
 *
 * Then the false-sharing check: the same shared runs of a build whose
 * per-CPU structures are not padded to a cache line (bench_scale_unpadded,
 * -DSMM_CPU_ALIGN=8; its JSON is "unpadded": true), and a control that
 * shows the machine punishes false sharing at all: N threads each
 * adding to their own word with a locked add, the words 8 bytes apart
 * (one line) and 64 bytes apart. Exits 1 when a row could not be measured.
 * Built with -DSMM_SCALE_TRACE it is bench_scale_trace instead, which
 * times the churn's pairs one by one (bench_scale_trace.h).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "../../../module/core/slab.h"

unsigned long smm_user_warnings;
unsigned long smm_user_reports;

#define REPS		5
#define MAX_THREADS	64
#define FRAMES		65536		/* 256 MiB */
#define PAIRS		(2 * 1000 * 1000)
#define CHURN_OPS	(1000 * 1000)
#define CHURN_LIVE	256
#define COUNT_OPS	(10 * 1000 * 1000)

enum kind { K_PCP, K_SLAB, K_CHURN, K_CHURN_HF8, NR_KINDS };
static const char *const kind_name[NR_KINDS] = { "pcp", "slab", "churn", "churn-hf8" };
/* vm.percpu_pagelist_high_fraction of every mm for the kind's runs */
static const unsigned int kind_hfrac[NR_KINDS] = { [K_CHURN_HF8] = 8 };

/* One mm and its slabs, for N CPUs. */
struct env {
	struct smm_test_mm t;
	struct smm_slabs s;
	struct smm_cache *c;
};

struct worker {
	pthread_t tid;
	struct env *e;
	pthread_barrier_t *go;
	enum kind kind;
	unsigned int cpu, core;
	double ns;		/* per operation, or < 0 on failure */
};

static unsigned int cores;

static double now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

static int env_init(struct env *e, unsigned int cpus)
{
	struct smm_test_section sec = { 0x100000, FRAMES };

	if (smm_test_mm_init_mem(&e->t, &sec, 1, NULL, true, cpus))
		return -1;
	if (smm_slabs_init(&e->s, &e->t.mm, 1, 0)) {
		smm_test_mm_destroy(&e->t);
		return -1;
	}
	e->c = smm_kmalloc_cache(&e->s, 256);
	return e->c ? 0 : -1;
}

static void env_destroy(struct env *e)
{
	smm_slabs_destroy(&e->s);
	smm_test_mm_destroy(&e->t);
}

static double run_pcp(struct smm_mm *mm, unsigned int cpu, u64 n)
{
	double t0 = now_ns();
	u64 i, idx;

	for (i = 0; i < n; i++) {
		if (smm_alloc_pages(mm, 0, SHADOWMM_GFP_MOVABLE, cpu, &idx))
			return -1;
		smm_free_pages(mm, idx, cpu);
	}
	return (now_ns() - t0) / n;
}

static double run_slab(struct smm_cache *c, unsigned int cpu, u64 n)
{
	double t0 = now_ns();
	u64 i, pos;

	for (i = 0; i < n; i++) {
		if (!smm_cache_alloc(c, cpu, 0, &pos))
			return -1;
		smm_cache_free(c, pos, cpu);
	}
	return (now_ns() - t0) / n;
}

#ifdef SMM_SCALE_TRACE
static double run_once(struct env *envs, unsigned int n, bool private, enum kind kind);
#include "bench_scale_trace.h"
#else
#define scale_note(cpu, idx)	do { } while (0)
#endif

/* bench_native's churn, per thread: its own live blocks and seed. */
static double run_churn(struct smm_mm *mm, unsigned int cpu, u64 n)
{
	const unsigned int gfp = SHADOWMM_GFP_MOVABLE | SHADOWMM_GFP_RESERVE;
	u64 live[CHURN_LIVE], rng = 88172645463325252ULL + cpu, i;
	double t0, ns = -1;
	unsigned int k, made = 0;

	for (k = 0; k < CHURN_LIVE; k++, made++)
		if (smm_alloc_pages(mm, k & 3, gfp, cpu, &live[k]))
			goto out;
	t0 = now_ns();
	for (i = 0; i < n; i++) {
		rng ^= rng << 13;
		rng ^= rng >> 7;
		rng ^= rng << 17;
		k = rng % CHURN_LIVE;
		scale_note(cpu, live[k]);
		smm_free_pages(mm, live[k], cpu);
		if (smm_alloc_pages(mm, (rng >> 20) & 3, gfp, cpu, &live[k])) {
			live[k] = live[--made];	/* the slot freed: keep the rest */
			goto out;
		}
		scale_note(cpu, live[k]);
	}
	ns = (now_ns() - t0) / (2.0 * n);
out:
	while (made)
		smm_free_pages(mm, live[--made], cpu);
	return ns;
}

/*
 * The refills and drains of CPUs 0..@n-1's lists on @e (pcp stats, all
 * zones), the times each took the zone lock on the fast paths' behalf.
 */
static u64 zone_trips(struct env *e, unsigned int n)
{
	u64 trips = 0;
	unsigned int cpu, zi;

	for (cpu = 0; cpu < n; cpu++) {
		for (zi = 0; zi < SMM_NR_ZONES; zi++) {
			const struct smm_pcp *pcp = smm_pcp_of(&e->t.mm, cpu, zi);

			trips += pcp->stats.refill + pcp->stats.drain;
		}
	}
	return trips;
}

static void pin_to(unsigned int core)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(core, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static void *worker_fn(void *arg)
{
	struct worker *w = arg;
	struct smm_mm *mm = &w->e->t.mm;

	pin_to(w->core);
	/* warm: the lists filled, the active slab made, the code in cache */
	if (run_pcp(mm, w->cpu, 1000) < 0 || run_slab(w->e->c, w->cpu, 1000) < 0) {
		w->ns = -1;
		pthread_barrier_wait(w->go);
		return NULL;
	}
	pthread_barrier_wait(w->go);
	switch (w->kind) {
	case K_PCP:
		w->ns = run_pcp(mm, w->cpu, PAIRS);
		break;
	case K_SLAB:
		w->ns = run_slab(w->e->c, w->cpu, PAIRS);
		break;
	default:
		w->ns = run_churn(mm, w->cpu, CHURN_OPS);
		break;
	}
	return NULL;
}

/* vm.percpu_pagelist_high_fraction @v on the @n mms (every CPU's high). */
static int set_hfrac(struct env *envs, unsigned int n, unsigned int v)
{
	const char *why = NULL;
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (smm_set_percpu_pagelist_high_fraction(&envs[i].t.mm, v, &why)) {
			fprintf(stderr, "bench_scale: fraction %u: %s\n", v, why);
			return -1;
		}
	}
	return 0;
}

/*
 * One run: @n threads, thread i on envs[@private ? i : 0] as CPU i; the
 * mean of their ns per operation, or -1.
 */
static double run_once(struct env *envs, unsigned int n, bool private, enum kind kind)
{
	struct worker w[MAX_THREADS];
	pthread_barrier_t go;
	double sum = 0;
	unsigned int i;
	bool bad = false;

	pthread_barrier_init(&go, NULL, n);
	for (i = 0; i < n; i++) {
		w[i] = (struct worker) { .e = &envs[private ? i : 0], .go = &go, .kind = kind,
					 .cpu = i, .core = i % cores };
		if (pthread_create(&w[i].tid, NULL, worker_fn, &w[i])) {
			fprintf(stderr, "bench_scale: cannot start thread %u\n", i);
			exit(1);
		}
	}
	for (i = 0; i < n; i++) {
		pthread_join(w[i].tid, NULL);
		bad |= w[i].ns < 0;
		sum += w[i].ns;
	}
	pthread_barrier_destroy(&go);
	return bad ? -1 : sum / n;
}

static double best_of(struct env *envs, unsigned int n, bool private, enum kind kind)
{
	double best = 1e30, ns;
	int rep;

	for (rep = 0; rep < REPS; rep++) {
		ns = run_once(envs, n, private, kind);
		if (ns < 0)
			return -1;
		best = ns < best ? ns : best;
	}
	return best;
}

/* The control: ns per increment of a thread's own word, @stride bytes apart. */
static u64 *count_words;

struct counter {
	pthread_t tid;
	pthread_barrier_t *go;
	unsigned int i;
	size_t stride;
	double ns;
};

static void *count_fn(void *arg)
{
	struct counter *k = arg;
	u64 *p = (u64 *)((char *)count_words + k->i * k->stride);
	double t0;
	u64 i;

	pin_to(k->i % cores);
	pthread_barrier_wait(k->go);
	t0 = now_ns();
	/*
	 * A locked add, as a spinlock's exchange or the slab's cmpxchg: plain
	 * stores hide a shared line in the store buffer (a word per thread in
	 * one line cost no more than a line each here), locked ones do not.
	 */
	for (i = 0; i < COUNT_OPS; i++)
		__atomic_fetch_add(p, 1, __ATOMIC_RELAXED);
	k->ns = (now_ns() - t0) / COUNT_OPS;
	return NULL;
}

static double count_ns(unsigned int n, size_t stride)
{
	struct counter k[MAX_THREADS];
	pthread_barrier_t go;
	double best = 1e30, sum;
	unsigned int i;
	int rep;

	for (rep = 0; rep < REPS; rep++) {
		pthread_barrier_init(&go, NULL, n);
		for (i = 0; i < n; i++) {
			k[i] = (struct counter) { .go = &go, .i = i, .stride = stride };
			pthread_create(&k[i].tid, NULL, count_fn, &k[i]);
		}
		for (sum = 0, i = 0; i < n; i++) {
			pthread_join(k[i].tid, NULL);
			sum += k[i].ns;
		}
		pthread_barrier_destroy(&go);
		best = sum / n < best ? sum / n : best;
	}
	return best;
}

int main(int argc, char **argv)
{
	static struct env envs[MAX_THREADS];
	double one[NR_KINDS], shared[NR_KINDS], priv[NR_KINDS], line, apart;
	u64 trips[NR_KINDS];
	u32 high[NR_KINDS], batch;
	const char *out = NULL;
	unsigned int n = 0, i, k;
	bool unpadded = SMM_CPU_ALIGN < 64;
	FILE *f;

	for (i = 1; i < (unsigned int)argc; i++) {
		if (!strcmp(argv[i], "--threads") && i + 1 < (unsigned int)argc)
			n = strtoul(argv[++i], NULL, 0);
		else
			out = argv[i];
	}
	cores = sysconf(_SC_NPROCESSORS_ONLN);
	if (!n)
		n = cores < 2 ? 2 : cores;
	if (n < 2 || n > MAX_THREADS) {
		fprintf(stderr, "bench_scale: --threads takes 2 to %d\n", MAX_THREADS);
		return 2;
	}
	for (i = 0; i < n; i++) {
		if (env_init(&envs[i], n)) {
			fprintf(stderr, "bench_scale: cannot set up mm %u\n", i);
			return 1;
		}
	}
#ifdef SMM_SCALE_TRACE
	return scale_trace_main(envs);
#endif
	printf("bench_scale: %u threads on %u cores%s, 256 MiB per mm, best of %d\n", n, cores,
	       unpadded ? ", per-CPU structures NOT padded (SMM_CPU_ALIGN 8)" : "", REPS);
	printf("%-9s %9s %9s %9s %12s %14s\n", "kind", "one ns", "shared ns", "private ns",
	       "shared/one", "shared/private");
	for (k = 0; k < NR_KINDS; k++) {
		if (set_hfrac(envs, n, kind_hfrac[k]))
			return 1;
		high[k] = smm_pcp_of(&envs[0].t.mm, 0, SHADOWMM_ZONE_NORMAL)->high;
		one[k] = best_of(envs, 1, false, k);
		trips[k] = zone_trips(&envs[0], n);
		shared[k] = best_of(envs, n, false, k);
		trips[k] = zone_trips(&envs[0], n) - trips[k];
		priv[k] = best_of(envs, n, true, k);
		if (one[k] < 0 || shared[k] < 0 || priv[k] < 0) {
			fprintf(stderr, "bench_scale: the %s row could not be measured\n", kind_name[k]);
			return 1;
		}
		printf("%-9s %9.1f %9.1f %9.1f %12.2f %14.2f\n", kind_name[k], one[k], shared[k],
		       priv[k], shared[k] / one[k], shared[k] / priv[k]);
	}
	/* over the churns' shared runs, their warm-ups and set-ups included */
	batch = smm_pcp_of(&envs[0].t.mm, 0, SHADOWMM_ZONE_NORMAL)->batch;
	for (k = K_CHURN; k <= K_CHURN_HF8; k++)
		printf("%s, shared: the zone lock once per %.0f operations of a thread (refills and "
		       "drains of its lists, batch %u, high %u)\n", kind_name[k],
		       2.0 * CHURN_OPS * REPS * n / (trips[k] ? trips[k] : 1), batch, high[k]);
	count_words = aligned_alloc(64, 64 * MAX_THREADS);
	line = count_ns(n, 8);
	apart = count_ns(n, 64);
	printf("control: a word per thread, one line %.2f ns, a line each %.2f ns: %.1fx\n", line,
	       apart, line / apart);
	for (i = 0; i < n; i++)
		env_destroy(&envs[i]);
	if (!out)
		return 0;
	f = fopen(out, "w");
	if (!f) {
		perror(out);
		return 1;
	}
	fprintf(f, "{\"threads\":%u,\"cores\":%u,\"unpadded\":%s,\"rows\":{", n, cores,
		unpadded ? "true" : "false");
	for (k = 0; k < NR_KINDS; k++)
		fprintf(f, "%s\"%s\":{\"one\":%.2f,\"shared\":%.2f,\"private\":%.2f}", k ? "," : "",
			kind_name[k], one[k], shared[k], priv[k]);
	fprintf(f, "},\"control\":{\"one_line\":%.3f,\"line_each\":%.3f}}\n", line, apart);
	return fclose(f) ? 1 : 0;
}
