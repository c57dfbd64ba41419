/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bench_scale_trace: where the churn's shared runs lose their time
 * (performance.md, "Natively: scaling"). bench_scale.c built with
 * -DSMM_SCALE_TRACE includes this: each churn thread stamps (TSC) the
 * frame index of the block it frees and of the block it gets, into a
 * buffer of its own; after one run of the threads on one mm (shared)
 * and one on an mm each (private) the stamps of both threads are
 * merged in time order and each thread's free+alloc pairs classified:
 *   alone       the other thread stamped nothing within 300 ns of it
 *               (it was not running: a busy host's time slices);
 *   plain       the other was running, and neither block's descriptor
 *               line (8 descriptors of 8 bytes; 1 built with
 *               -DSMM_FRAME_PAD_TEST=64 or more, bench_scale_trace_padded)
 *               was last stamped by it;
 *   line        one of them was: a line the other CPU had written;
 *   trip        (before the two above) the pair took the zone lock: its
 *               free drained or its allocation refilled the CPU's lists
 *               (the pcp's refill and drain counts moved between the
 *               two stamps), where the zone's lines and the buddy's
 *               descriptors are shared by design;
 * with the median and the mean of the fastest 99 % of each class, and
 * what the pairs with the other thread running cost more than those
 * without. Private mms share no line, so there the "line" class is only
 * the same index in the other mm: it shows what the class costs when
 * nothing is shared. Only threads 0 and 1 are traced.
 *
 * SMM_TRACE_HIGH and SMM_TRACE_BATCH in the environment, when set,
 * replace every CPU's pcp high and batch (6.1's sizes otherwise) before
 * the runs: an experiment, to see how the penalty follows the traffic
 * of blocks between the CPUs' lists through the buddy.
 */
#include <x86intrin.h>

#define TRACE_RECS	(2 * CHURN_OPS)
#define TRACE_WINDOW_NS	300
/* descriptors a cache line holds */
#define TRACE_LINE_FRAMES	(sizeof(struct smm_frame) < 64 ? 64 / sizeof(struct smm_frame) : 1)
#define NCLS			4	/* alone, plain, line, trip */

struct trace_rec {
	u64 tsc;
	u32 idx;
	u16 line;	/* set when the other thread stamped its line last */
	u16 trips;	/* the CPU's pcp refills + drains so far (low bits) */
};

/* each traced CPU's Normal lists in the run now going (their stats) */
static const struct smm_pcp *trace_pcp[2];

/* a buffer per thread, its count on a line of its own */
static struct trace_buf {
	struct trace_rec *rec;
	u64 n;
} __attribute__((aligned(128))) trace_bufs[2];

static inline void scale_note(unsigned int cpu, u64 idx)
{
	struct trace_buf *b = &trace_bufs[cpu & 1];
	const struct smm_pcp *p = trace_pcp[cpu & 1];

	if (cpu < 2 && b->n < TRACE_RECS)
		b->rec[b->n++] = (struct trace_rec) { __rdtsc(), (u32)idx, 0,
						      (u16)(p->stats.refill + p->stats.drain) };
}

static int trace_cmp_tsc(const void *a, const void *b)
{
	const struct trace_rec *x = *(struct trace_rec *const *)a, *y = *(struct trace_rec *const *)b;

	return x->tsc < y->tsc ? -1 : x->tsc > y->tsc;
}

static int trace_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* Mark the stamps whose descriptor line the other thread stamped last. */
static void trace_mark_lines(void)
{
	u64 n = trace_bufs[0].n + trace_bufs[1].n, i, j = 0;
	struct trace_rec **all = malloc(n * sizeof(*all));
	unsigned char *who = calloc(env_frames / TRACE_LINE_FRAMES + 1, 1);
	unsigned int c;

	if (!all || !who)
		exit(1);
	for (c = 0; c < 2; c++)
		for (i = 0; i < trace_bufs[c].n; i++)
			all[j++] = &trace_bufs[c].rec[i];
	qsort(all, n, sizeof(*all), trace_cmp_tsc);
	for (i = 0; i < n; i++) {
		u64 line = (all[i]->idx % env_frames) / TRACE_LINE_FRAMES;
		unsigned int me = all[i] >= trace_bufs[1].rec &&
				  all[i] < trace_bufs[1].rec + TRACE_RECS ? 2 : 1;

		all[i]->line = who[line] && who[line] != me;
		who[line] = me;
	}
	free(all);
	free(who);
}

/* Thread @c's pairs by class; prints them, @tag the run. */
static void trace_report(const char *tag, unsigned int c, double tsc_per_ns)
{
	static const char *const name[NCLS] = { "alone", "plain", "line", "trip" };
	struct trace_buf *me = &trace_bufs[c], *other = &trace_bufs[!c];
	u64 pairs = me->n / 2, win = TRACE_WINDOW_NS * tsc_per_ns, oi = 0, j, k;
	u64 *d[NCLS], nd[NCLS] = { 0 }, running;
	double mean[NCLS] = { 0 }, active = 0;

	for (k = 0; k < NCLS; k++)
		if (!(d[k] = malloc(pairs * sizeof(u64))))
			exit(1);
	for (j = 0; j < pairs; j++) {
		struct trace_rec *f = &me->rec[2 * j], *a = &me->rec[2 * j + 1];
		unsigned int cls;

		while (oi < other->n && other->rec[oi].tsc + win < f->tsc)
			oi++;
		if (oi >= other->n || other->rec[oi].tsc > a->tsc + win)
			cls = 0;
		else if (a->trips != f->trips)
			cls = 3;
		else
			cls = f->line || a->line ? 2 : 1;
		d[cls][nd[cls]++] = a->tsc - f->tsc;
	}
	running = nd[1] + nd[2] + nd[3];
	printf("%s, thread %u: %llu pairs, the other thread running in %llu\n", tag, c,
	       (unsigned long long)pairs, (unsigned long long)running);
	for (k = 0; k < NCLS; k++) {
		u64 keep = nd[k] * 99 / 100, i;

		qsort(d[k], nd[k], sizeof(u64), trace_cmp_u64);
		for (i = 0; i < keep; i++)
			mean[k] += d[k][i];
		mean[k] = keep ? mean[k] / keep / tsc_per_ns : 0;
		printf("  %-6s %9llu  %6.4f of those  median %6.1f ns  mean (99 %%) %6.1f ns\n", name[k],
		       (unsigned long long)nd[k], k && running ? (double)nd[k] / running : 0,
		       nd[k] ? d[k][nd[k] / 2] / tsc_per_ns : 0, mean[k]);
		free(d[k]);
	}
	if (!running) {
		printf("  no pair ran while the other thread did (a busy host: run again)\n");
		return;
	}
	active = (mean[1] * nd[1] + mean[2] * nd[2] + mean[3] * nd[3]) / running;
	printf("  the other thread running: %+.1f ns a pair (%+.1f of it the line pairs, "
	       "%+.1f the trip pairs)\n", active - mean[0], (mean[2] - mean[0]) * nd[2] / running,
	       (mean[3] - mean[0]) * nd[3] / running);
}

/* The SMM_TRACE_HIGH/BATCH overrides on @e's per-CPU lists, if set. */
static void trace_pcp_sizes(struct env *e)
{
	const char *high = getenv("SMM_TRACE_HIGH"), *batch = getenv("SMM_TRACE_BATCH");
	unsigned int cpu, zi;

	for (cpu = 0; cpu < e->t.mm.nr_cpus; cpu++) {
		for (zi = 0; zi < SMM_NR_ZONES; zi++) {
			struct smm_pcp *pcp = smm_pcp_of(&e->t.mm, cpu, zi);

			if (high)
				pcp->high = strtoul(high, NULL, 0);
			if (batch)
				pcp->batch = strtoul(batch, NULL, 0);
		}
	}
}

static int scale_trace_main(struct env *envs)
{
	double t0 = bench_now_ns(), tsc_per_ns;
	const struct smm_pcp *pcp;
	u64 c0 = __rdtsc();
	unsigned int c;
	int pass;

	while (bench_now_ns() - t0 < 2e7)
		;
	tsc_per_ns = (__rdtsc() - c0) / (bench_now_ns() - t0);
	trace_pcp_sizes(&envs[0]);
	trace_pcp_sizes(&envs[1]);
	pcp = smm_pcp_of(&envs[0].t.mm, 0, SHADOWMM_ZONE_NORMAL);
	printf("descriptors of %zu bytes, %zu a line; pcp high %u, batch %u\n",
	       sizeof(struct smm_frame), TRACE_LINE_FRAMES, pcp->high, pcp->batch);
	for (c = 0; c < 2; c++)
		if (!(trace_bufs[c].rec = malloc(TRACE_RECS * sizeof(struct trace_rec))))
			return 1;
	for (pass = 0; pass < 2; pass++) {
		trace_bufs[0].n = trace_bufs[1].n = 0;
		for (c = 0; c < 2; c++)
			trace_pcp[c] = smm_pcp_of(&envs[pass ? c : 0].t.mm, c, SHADOWMM_ZONE_NORMAL);
		if (run_once(envs, 2, pass, K_CHURN) < 0)
			return 1;
		trace_mark_lines();
		for (c = 0; c < 2; c++)
			trace_report(pass ? "private" : "shared", c, tsc_per_ns);
	}
	return 0;
}
