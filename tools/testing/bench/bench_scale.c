// SPDX-License-Identifier: GPL-2.0
/*
 * Scaling of the core's fast paths with real threads, natively (issue 22):
 * does an operation cost the same when N CPUs run it at once?
 *
 *   bench_scale [--threads N] [--mib M] [--rows KIND,...] [OUT.json]
 *
 * N pthreads (default: the host's cores, at least 2), thread i pinned to
 * core i mod cores and acting as CPU i of the core (its per-CPU page
 * lists and per-CPU slabs), run one kind of operation each:
 *   pcp    an order-0 alloc+free pair through the per-CPU lists;
 *   slab   a 256-byte object pair (kmalloc-256, the per-CPU fast path);
 *   churn  random frees and allocations of orders 0-3 over 256 live
 *          blocks of its own (the lists refill from and drain to the
 *          zone under its lock, shared by all);
 *   churn-1g, churn-4g  the same churn on a zone of 1 GiB and of 4 GiB:
 *          6.1's default pcp sizes grow with the zone (batch and high,
 *          from the core as for the churn row);
 *   churn-hf8  the churn with vm.percpu_pagelist_high_fraction 8
 *          on every mm of all three ways (pcp high = managed / 8 / N,
 *          not the low watermark's / N of 6.1's default, the churn row).
 *   pcp-64m  the pcp pair on a 64 MiB zone, the VM's allocation rows'
 *          range: 6.1's batch there is 3, and the two CPUs' list heads
 *          share a line of 8-byte descriptors (performance.md).
 * ns per operation, each the mean over the threads of their own time per
 * operation, best of 5 runs, three ways with the same set-up (one mm of
 * the row's size for N CPUs: M MiB, default 256, except the churn-1g,
 * churn-4g and pcp-64m rows):
 *   one      thread 0 alone;
 *   shared   the N threads on the one mm;
 *   private  the N threads, each on an mm of its own (same size, same CPU
 *            index): what the machine itself costs N threads (shared
 *            caches, memory bandwidth, frequency), without sharing.
 * The rows are shared/one and shared/private, goal at most 1.10 each.
 * shared/private is the one that tells the core's own sharing apart from
 * the machine's: a 2-core VM on a busy host moves shared/one alone.
 * Each row also gives its zone size and the pcp batch and high the core
 * set for it (CPU 0's Normal lists, read back), and each churn row how
 * often its shared runs took the zone lock (ops_per_zone_lock in JSON).
 * --rows measures only the kinds named (the others are left out of the
 * table and the JSON).
 *
 * Then the false-sharing check: the same shared runs of a build whose
 * per-CPU structures are not padded to a cache line (bench_scale_unpadded,
 * -DSMM_CPU_ALIGN=8; its JSON is "unpadded": true), and a control that
 * shows the machine punishes false sharing at all: N threads each
 * adding to their own word with a locked add, the words 8 bytes apart
 * (one line) and 64 bytes apart. Exits 1 when a row could not be measured.
 * Built with -DSMM_FRAME_PAD_TEST=64 it is bench_scale_padded: each frame
 * descriptor on a cache line of its own (module/core/frame.h), the
 * control that shows what the 8-byte descriptors' shared lines cost the
 * churn (its JSON has "frame_bytes": 64; make bench runs its churn row).
 * Built with -DSMM_SCALE_TRACE it is bench_scale_trace instead, which
 * times the churn's pairs one by one (bench_scale_trace.h).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "../../../module/core/slab.h"
#include "bench_loops.h"

unsigned long smm_user_warnings;
unsigned long smm_user_reports;

#define REPS		5
#define MAX_THREADS	64
#define MIB_DEFAULT	256
#define MIB_MIN		16
#define MIB_MAX		16384
#define PAIRS		(2 * 1000 * 1000)
#define CHURN_OPS	(1000 * 1000)
#define CHURN_LIVE	256
#define COUNT_OPS	(10 * 1000 * 1000)

/*
 * In this order, the --mib rows first, one after the other on the same
 * mms (churn-hf8 after churn, as before the rows by size came), then
 * each size's mms set up afresh.
 */
enum kind { K_PCP, K_SLAB, K_CHURN, K_CHURN_HF8, K_CHURN_1G, K_CHURN_4G, K_PCP_64M, NR_KINDS };
static const char *const kind_name[NR_KINDS] = {
	"pcp", "slab", "churn", "churn-hf8", "churn-1g", "churn-4g", "pcp-64m"
};
/* the kinds that churn (zone lock trips counted) */
#define KIND_CHURNS(k)	((k) >= K_CHURN && (k) <= K_CHURN_4G)
/* vm.percpu_pagelist_high_fraction of every mm for the kind's runs */
static const unsigned int kind_hfrac[NR_KINDS] = { [K_CHURN_HF8] = 8 };
/* the size of the kind's mms in MiB; 0: --mib's */
static const unsigned int kind_mib[NR_KINDS] = {
	[K_CHURN_1G] = 1024, [K_CHURN_4G] = 4096, [K_PCP_64M] = 64
};

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
static u64 env_frames;	/* of each mm now set up */

/* An mm of @frames frames (one Normal zone) for @cpus CPUs, and kmalloc-256. */
static int env_init(struct env *e, u64 frames, unsigned int cpus)
{
	struct smm_test_section sec = { 0x100000, frames };

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

#ifdef SMM_SCALE_TRACE
static double run_once(struct env *envs, unsigned int n, bool private, enum kind kind);
#include "bench_scale_trace.h"
#define SCALE_NOTE	scale_note
#else
#define SCALE_NOTE	NULL
#endif

/* bench_native's churn, per thread: its own live blocks and seed. */
static double run_churn(struct smm_mm *mm, unsigned int cpu, u64 n)
{
	u64 live[CHURN_LIVE];

	return bench_churn(mm, cpu, live, CHURN_LIVE, n, SCALE_NOTE);
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
	if (bench_page_pairs(mm, w->cpu, 1000) < 0 || bench_slab_pairs(w->e->c, w->cpu, 1000) < 0) {
		w->ns = -1;
		pthread_barrier_wait(w->go);
		return NULL;
	}
	pthread_barrier_wait(w->go);
	switch (w->kind) {
	case K_PCP:
	case K_PCP_64M:
		w->ns = bench_page_pairs(mm, w->cpu, PAIRS);
		break;
	case K_SLAB:
		w->ns = bench_slab_pairs(w->e->c, w->cpu, PAIRS);
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
	t0 = bench_now_ns();
	/*
	 * A locked add, as a spinlock's exchange or the slab's cmpxchg: plain
	 * stores hide a shared line in the store buffer (a word per thread in
	 * one line cost no more than a line each here), locked ones do not.
	 */
	for (i = 0; i < COUNT_OPS; i++)
		__atomic_fetch_add(p, 1, __ATOMIC_RELAXED);
	k->ns = (bench_now_ns() - t0) / COUNT_OPS;
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

/* The @n mms at @mib MiB each: set up again when the size changes (0: none). */
static int envs_resize(struct env *envs, unsigned int n, unsigned int mib)
{
	static unsigned int cur;
	unsigned int i;

	if (mib == cur)
		return 0;
	for (i = 0; cur && i < n; i++)
		env_destroy(&envs[i]);
	cur = 0;
	if (!mib)
		return 0;
	env_frames = (u64)mib << (20 - SMM_PAGE_SHIFT);
	for (i = 0; i < n; i++) {
		if (env_init(&envs[i], env_frames, n)) {
			fprintf(stderr, "bench_scale: cannot set up mm %u of %u MiB\n", i, mib);
			goto err_destroy;
		}
	}
	cur = mib;
	return 0;
err_destroy:
	while (i--)
		env_destroy(&envs[i]);
	return -1;
}

/* A kind's row: its zone, the pcp sizes the core gave it, the three ways. */
struct row {
	unsigned int mib;
	u32 batch, high;	/* CPU 0's Normal lists, as the runs had them */
	double one, shared, priv;
	u64 trips;		/* zone lock trips of the shared runs' CPUs */
};

/* Measure kind @k on @n threads with mms of @mib MiB; -1 if a run failed. */
static int measure(struct env *envs, unsigned int n, enum kind k, unsigned int mib,
		   struct row *r)
{
	const struct smm_pcp *pcp;

	if (envs_resize(envs, n, mib) || set_hfrac(envs, n, kind_hfrac[k]))
		return -1;
	pcp = smm_pcp_of(&envs[0].t.mm, 0, SHADOWMM_ZONE_NORMAL);
	*r = (struct row) { .mib = mib, .batch = pcp->batch, .high = pcp->high };
	r->one = best_of(envs, 1, false, k);
	r->trips = zone_trips(&envs[0], n);
	r->shared = best_of(envs, n, false, k);
	r->trips = zone_trips(&envs[0], n) - r->trips;
	r->priv = best_of(envs, n, true, k);
	return r->one < 0 || r->shared < 0 || r->priv < 0 ? -1 : 0;
}

/*
 * A churn thread's operations per zone lock trip over the shared runs
 * (their warm-ups and set-ups included); 0 when it never took the lock.
 */
static double ops_per_trip(const struct row *r, unsigned int n)
{
	return r->trips ? 2.0 * CHURN_OPS * REPS * n / r->trips : 0;
}

static int write_json(const char *out, const struct row *rows, const bool *want,
		      unsigned int n, bool unpadded, double line, double apart)
{
	const char *sep = "";
	unsigned int k;
	FILE *f = fopen(out, "w");

	if (!f) {
		perror(out);
		return 1;
	}
	fprintf(f, "{\"threads\":%u,\"cores\":%u,\"unpadded\":%s,\"frame_bytes\":%zu,\"rows\":{",
		n, cores, unpadded ? "true" : "false", sizeof(struct smm_frame));
	for (k = 0; k < NR_KINDS; k++) {
		const struct row *r = &rows[k];

		if (!want[k])
			continue;
		fprintf(f, "%s\"%s\":{\"one\":%.2f,\"shared\":%.2f,\"private\":%.2f,\"mib\":%u,"
			"\"batch\":%u,\"high\":%u", sep, kind_name[k], r->one, r->shared,
			r->priv, r->mib, r->batch, r->high);
		sep = ",";
		if (KIND_CHURNS(k) && r->trips)
			fprintf(f, ",\"ops_per_zone_lock\":%.0f", ops_per_trip(r, n));
		else if (KIND_CHURNS(k))
			fprintf(f, ",\"ops_per_zone_lock\":null");
		fprintf(f, "}");
	}
	fprintf(f, "},\"control\":{\"one_line\":%.3f,\"line_each\":%.3f}}\n", line, apart);
	return fclose(f) ? 1 : 0;
}

/* --rows: the kinds named in @list (comma-separated) in @want; -1 on a bad name. */
static int parse_rows(const char *list, bool *want)
{
	char buf[128], *tok, *save;
	unsigned int k;

	memset(want, 0, NR_KINDS * sizeof(*want));
	snprintf(buf, sizeof(buf), "%s", list);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		for (k = 0; k < NR_KINDS && strcmp(tok, kind_name[k]); k++)
			;
		if (k == NR_KINDS) {
			fprintf(stderr, "bench_scale: no row %s\n", tok);
			return -1;
		}
		want[k] = true;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct env envs[MAX_THREADS];
	struct row rows[NR_KINDS];
	bool want[NR_KINDS];
	unsigned int n = 0, mib = MIB_DEFAULT, i, k;
	bool unpadded = SMM_CPU_ALIGN < 64;
	const char *out = NULL;
	double line, apart;

	for (k = 0; k < NR_KINDS; k++)
		want[k] = true;
	for (i = 1; i < (unsigned int)argc; i++) {
		if (!strcmp(argv[i], "--rows") && i + 1 < (unsigned int)argc) {
			if (parse_rows(argv[++i], want))
				return 2;
		} else if (!strcmp(argv[i], "--threads") && i + 1 < (unsigned int)argc) {
			n = strtoul(argv[++i], NULL, 0);
		} else if (!strcmp(argv[i], "--mib") && i + 1 < (unsigned int)argc) {
			mib = strtoul(argv[++i], NULL, 0);
		} else if (argv[i][0] != '-' && !out) {
			out = argv[i];
		} else {	/* not an output path: nothing written */
			bool help = !strcmp(argv[i], "-h") || !strcmp(argv[i], "--help");

			fprintf(help ? stdout : stderr, "usage: bench_scale [--threads N] [--mib M] "
				"[--rows KIND,...] [OUT.json]\n");
			return help ? 0 : 2;
		}
	}
	cores = sysconf(_SC_NPROCESSORS_ONLN);
	if (!n)
		n = cores < 2 ? 2 : cores;
	if (n < 2 || n > MAX_THREADS) {
		fprintf(stderr, "bench_scale: --threads takes 2 to %d\n", MAX_THREADS);
		return 2;
	}
	if (mib < MIB_MIN || mib > MIB_MAX || mib % 4) {
		fprintf(stderr, "bench_scale: --mib takes %d to %d, a multiple of 4\n", MIB_MIN,
			MIB_MAX);
		return 2;
	}
#ifdef SMM_SCALE_TRACE
	if (envs_resize(envs, n, mib))
		return 1;
	return scale_trace_main(envs);
#endif
	printf("bench_scale: %u threads on %u cores%s%s, an mm of the row's MiB per way, best of %d\n",
	       n, cores, unpadded ? ", per-CPU structures NOT padded (SMM_CPU_ALIGN 8)" : "",
	       sizeof(struct smm_frame) > 8 ? ", frame descriptors padded (SMM_FRAME_PAD_TEST)" : "",
	       REPS);
	printf("%-9s %6s %5s %5s %9s %9s %9s %12s %14s\n", "kind", "MiB", "batch", "high", "one ns",
	       "shared ns", "private ns", "shared/one", "shared/private");
	for (k = 0; k < NR_KINDS; k++) {
		struct row *r = &rows[k];

		if (!want[k])
			continue;
		if (measure(envs, n, k, kind_mib[k] ? kind_mib[k] : mib, r)) {
			fprintf(stderr, "bench_scale: the %s row could not be measured\n", kind_name[k]);
			return 1;
		}
		printf("%-9s %6u %5u %5u %9.1f %9.1f %9.1f %12.2f %14.2f\n", kind_name[k], r->mib,
		       r->batch, r->high, r->one, r->shared, r->priv, r->shared / r->one,
		       r->shared / r->priv);
	}
	for (k = K_CHURN; k < NR_KINDS; k++) {
		if (!want[k] || !KIND_CHURNS(k))
			continue;
		if (!rows[k].trips)
			printf("%s, shared: never took the zone lock\n", kind_name[k]);
		else
			printf("%s, shared: the zone lock once per %.0f operations of a thread "
			       "(refills and drains of its lists, %u MiB, batch %u, high %u)\n",
			       kind_name[k], ops_per_trip(&rows[k], n), rows[k].mib, rows[k].batch,
			       rows[k].high);
	}
	count_words = aligned_alloc(64, 64 * MAX_THREADS);
	line = count_ns(n, 8);
	apart = count_ns(n, 64);
	printf("control: a word per thread, one line %.2f ns, a line each %.2f ns: %.1fx\n", line,
	       apart, line / apart);
	envs_resize(envs, n, 0);
	return out ? write_json(out, rows, want, n, unpadded, line, apart) : 0;
}
