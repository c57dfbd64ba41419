// SPDX-License-Identifier: GPL-2.0
/*
 * SLUB, SLAB and SLOB side by side on two object workloads (issue 20;
 * Documentation/slab.md, "Side by side on two workloads"), natively: the
 * core at -O2, one CPU, the same requests in the same order for every
 * policy (fixed seed).
 *
 * Sizes: every request's size is drawn from the guest kernel's own
 * kmalloc() requests (bytes_req) while a small everyday workload ran,
 * as `scripts/vm.sh demo kmalloc-mix` prints them (Debian's
 * 6.1.0-57-amd64 under QEMU, 8,597 kmalloc events; mix_sizes[] below).
 *
 * Workloads:
 *   mix        4,096 live objects, then each step frees a random one and
 *              allocates another (steady churn of mixed sizes)
 *   longshort  rounds of 256 allocations; one in 8 objects lives 32
 *              rounds, the others are freed at the end of their round in
 *              random order: the long-lived ones pin the slabs the
 *              short-lived ones leave behind (fragmentation builds)
 *
 * Policies: SLUB's and SLAB's kmalloc caches (slab_policy=slub, =slab:
 * a request goes to its kmalloc class, kmalloc-512 for 296 bytes), and
 * SLOB as its kmalloc() was: the exact size plus a header, first fit in
 * the shared heap (here a SLOB cache per size, all in the one heap of
 * pages; a size over a page's room straight from the buddy).
 *
 * Measured per workload and policy: ns per operation (alloc or free) of
 * the steady part, best of MIX_REPS; instructions per operation from
 * valgrind --tool=callgrind, the difference of a run with a steady part
 * twice as long and one with it once, so the warm-up and the end do not
 * count; and at the end of a run (objects still live) the slab pages
 * split into what the users asked for, internal fragmentation (bytes
 * rounded up inside objects: slot or block minus request, SLOB's header
 * included), external fragmentation (the rest of the slabs holding live
 * objects: free objects, array caches' objects, tail waste and colour,
 * SLOB's free blocks) and empty slabs the policy keeps; memory overhead
 * (slab pages x 4096 / live bytes asked) at the end and at the peak (the
 * most pages the run held over the most live bytes it had); and the
 * share of operations each policy counts as fast (SLUB: on the CPU's
 * active slab; SLAB: on the array cache; SLOB: without a page from or
 * back to the buddy), warm-up included. No
 * cache_reap() pass runs (the module's runs every 2 s; a run lasts
 * milliseconds).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "../../../module/core/slab.h"
#include "bench_loops.h"
#include "bench_slab_mix.h"

#define MIX_REPS	7
#define MIX_SEED	0x5eed51abULL
#define MIX_FRAMES	16384		/* 64 MiB: far more than any run holds */
#define MIX_LIVE	4096		/* mix: live objects */
#define MIX_STEPS	100000		/* mix: steady steps per scale */
#define LS_ROUND	256		/* longshort: allocations per round */
#define LS_LONG		8		/* one in LS_LONG lives long */
#define LS_LIFE		32		/* rounds a long-lived object lives */
#define LS_ROUNDS	200		/* steady rounds per scale */
#define LS_MAX_LIVE	(LS_ROUND * (LS_LIFE + 1))

/*
 * The guest kernel's kmalloc() requests by size (bytes_req) and how
 * many: `scripts/vm.sh demo kmalloc-mix` (selftests/trace_capture.sh
 * around dd, find, tar and 200 short shell pipelines; Debian 6.1.0-57,
 * 8,597 requests, 8,566 freed before the trace ended).
 */
static const struct mix_size {
	u32 bytes, count;
} mix_sizes[] = {
	{ 11, 1812 }, { 16, 1211 }, { 25, 604 }, { 32, 157 }, { 49, 4 }, { 50, 8 },
	{ 51, 7 }, { 52, 1 }, { 55, 1 }, { 64, 101 }, { 72, 607 }, { 168, 202 },
	{ 296, 604 }, { 416, 604 }, { 560, 604 }, { 640, 202 }, { 4096, 1868 },
};
#define NR_MIX_SIZES	ARRAY_SIZE(mix_sizes)

enum mix_policy { MIX_SLUB, MIX_SLAB, MIX_SLOB, NR_MIX_POLICIES };
static const char *const mix_policy_names[] = { "slub", "slab", "slob" };

enum mix_workload { MIX_MIX, MIX_LONGSHORT, NR_MIX_WORKLOADS };
static const char *const mix_workload_names[] = { "mix", "longshort" };

struct mix_obj {
	u64 pos;		/* 0 is a position too (frame 0, offset 0) */
	u32 size;		/* index in mix_sizes[] */
	bool live;
};

/* One policy's slab layer on its own buddy, and the cache for each size. */
struct mix_env {
	struct smm_test_mm t;
	struct smm_slabs s;
	struct smm_cache *cache[NR_MIX_SIZES];
	u64 avail0;		/* free frames before the run */
};

/* A run: its objects, its random numbers, and what it measured. */
struct mix_run {
	struct mix_env *e;
	u64 rng;
	bool measure;		/* count pages after every operation */
	u64 ops;		/* allocations and frees of the steady part */
	u64 live_bytes, peak_bytes, peak_pages;
	int failed;
};

struct mix_result {
	double ns_per_op, ir_per_op;
	double overhead_peak, overhead_end;
	double fast;		/* share of allocs and frees on the fast path (SLAB: the array) */
	u64 pages_end, live_bytes, internal, external, empty, peak_pages, peak_bytes;
};

static u64 mix_pages(const struct mix_env *e)
{
	return e->avail0 - smm_test_free_frames(&e->t.mm) - smm_test_pcp_frames(&e->t.mm);
}

/* A size index drawn by the trace's counts. */
static u32 mix_draw(struct mix_run *r)
{
	static u32 total;
	u32 i, x;

	if (!total)
		for (i = 0; i < NR_MIX_SIZES; i++)
			total += mix_sizes[i].count;
	x = smm_test_rand(&r->rng) % total;
	for (i = 0; x >= mix_sizes[i].count; i++)
		x -= mix_sizes[i].count;
	return i;
}

/*
 * The policy's caches for each size on a fresh 64 MiB buddy, one CPU:
 * the kmalloc caches of SLUB or SLAB, or one SLOB cache per size.
 */
static int mix_env_init(struct mix_env *e, enum mix_policy p)
{
	static const struct smm_test_section sec = { 0x100000, MIX_FRAMES };
	char name[SMM_CACHE_NAME_LEN];
	unsigned int i;

	memset(e, 0, sizeof(*e));
	if (smm_test_mm_init_mem(&e->t, &sec, 1, NULL, true, 1))
		return -1;
	if (smm_slabs_init_policy(&e->s, &e->t.mm, 1, 0, p == MIX_SLAB ? SMM_SLAB : SMM_SLUB))
		goto err_mm;
	for (i = 0; i < NR_MIX_SIZES; i++) {
		if (p != MIX_SLOB) {
			e->cache[i] = smm_kmalloc_cache(&e->s, mix_sizes[i].bytes);
			if (!e->cache[i])
				goto err_slabs;
			continue;
		}
		snprintf(name, sizeof(name), "mix-slob-%u", mix_sizes[i].bytes);
		if (smm_cache_create_policy(&e->s, name, mix_sizes[i].bytes, 0, 0, SMM_SLOB,
					    &e->cache[i]))
			goto err_slabs;
	}
	e->avail0 = smm_test_free_frames(&e->t.mm) + smm_test_pcp_frames(&e->t.mm);
	return 0;

err_slabs:
	smm_slabs_destroy(&e->s);
err_mm:
	smm_test_mm_destroy(&e->t);
	return -1;
}

static void mix_env_destroy(struct mix_env *e)
{
	smm_slabs_destroy(&e->s);
	smm_test_mm_destroy(&e->t);
}

/* After an operation of a measured run: the peaks of pages and live bytes. */
static void mix_sample(struct mix_run *r)
{
	u64 pages;

	if (!r->measure)
		return;
	pages = mix_pages(r->e);
	if (pages > r->peak_pages)
		r->peak_pages = pages;
	if (r->live_bytes > r->peak_bytes)
		r->peak_bytes = r->live_bytes;
}

static void mix_alloc(struct mix_run *r, struct mix_obj *o)
{
	o->size = mix_draw(r);
	o->live = smm_cache_alloc(r->e->cache[o->size], 0, 0, &o->pos);
	if (!o->live) {
		r->failed = 1;
		return;
	}
	r->live_bytes += mix_sizes[o->size].bytes;
	mix_sample(r);
}

static void mix_free(struct mix_run *r, struct mix_obj *o)
{
	if (!o->live)
		return;
	if (smm_cache_free(r->e->cache[o->size], o->pos, 0))
		r->failed = 1;
	r->live_bytes -= mix_sizes[o->size].bytes;
	o->live = false;
	mix_sample(r);
}

/* Fisher-Yates over @n objects: the order short-lived ones are freed in. */
static void mix_shuffle(struct mix_run *r, struct mix_obj *o, u32 n)
{
	struct mix_obj tmp;
	u32 i, j;

	for (i = n; i > 1; i--) {
		j = smm_test_rand(&r->rng) % i;
		tmp = o[i - 1];
		o[i - 1] = o[j];
		o[j] = tmp;
	}
}

/*
 * mix: MIX_LIVE objects, then @steps steps of freeing a random one and
 * allocating another in its place. @live keeps what is left live.
 * Returns the steady part's ns (the ramp not timed).
 */
static double mix_mix(struct mix_run *r, struct mix_obj *live, u64 steps)
{
	double t0;
	u64 i;
	u32 k;

	for (k = 0; k < MIX_LIVE; k++)
		mix_alloc(r, &live[k]);
	t0 = bench_now_ns();
	for (i = 0; i < steps && !r->failed; i++) {
		k = smm_test_rand(&r->rng) % MIX_LIVE;
		mix_free(r, &live[k]);
		mix_alloc(r, &live[k]);
	}
	r->ops += 2 * i;
	return bench_now_ns() - t0;
}

/*
 * One round of longshort: the long-lived objects of LS_LIFE rounds ago
 * are freed, LS_ROUND objects allocated (one in LS_LONG, drawn, kept in
 * this round's slot of @ring), the others freed in random order.
 */
static void mix_round(struct mix_run *r, struct mix_obj ring[][LS_ROUND / LS_LONG + 1],
		      u32 *nr_long, u64 round, struct mix_obj *shortl)
{
	struct mix_obj *lng = ring[round % LS_LIFE];
	u32 *nl = &nr_long[round % LS_LIFE], ns = 0, k;

	for (k = 0; k < *nl; k++)
		mix_free(r, &lng[k]);
	r->ops += *nl;
	*nl = 0;
	for (k = 0; k < LS_ROUND; k++) {
		bool keep = smm_test_rand(&r->rng) % LS_LONG == 0 && *nl < LS_ROUND / LS_LONG + 1;

		mix_alloc(r, keep ? &lng[(*nl)++] : &shortl[ns++]);
	}
	mix_shuffle(r, shortl, ns);
	for (k = 0; k < ns; k++)
		mix_free(r, &shortl[k]);
	r->ops += LS_ROUND + ns;
}

/*
 * longshort: LS_LIFE rounds of warm-up, then @rounds timed; the
 * long-lived objects stay live in @ring. Returns the steady part's ns.
 */
static double mix_longshort(struct mix_run *r, struct mix_obj ring[][LS_ROUND / LS_LONG + 1],
			    u32 *nr_long, u64 rounds)
{
	struct mix_obj shortl[LS_ROUND];
	double t0 = 0;
	u64 i;

	for (i = 0; i < LS_LIFE + rounds && !r->failed; i++) {
		if (i == LS_LIFE) {
			r->ops = 0;
			t0 = bench_now_ns();
		}
		mix_round(r, ring, nr_long, i, shortl);
	}
	return bench_now_ns() - t0;
}

/*
 * The end of a run: each live object's slab (its head frame, order of
 * its cache), so the pages split into asked, internal, external, empty.
 */
static int mix_split(struct mix_env *e, const struct mix_obj *o, u32 n, struct mix_result *res)
{
	u64 span = e->t.range.span, used = 0, slots = 0, head;
	u8 *seen = calloc(span, 1);
	u32 k;

	if (!seen)
		return -1;
	res->pages_end = mix_pages(e);
	res->live_bytes = res->internal = 0;
	for (k = 0; k < n; k++) {
		struct smm_cache *c;

		if (!o[k].live)
			continue;
		c = e->cache[o[k].size];
		head = smm_slab_head(c, o[k].pos);
		if (head >= span)
			break;
		if (!seen[head]) {
			seen[head] = 1;
			used += c->slab_bytes;
		}
		slots += c->size;
		res->live_bytes += mix_sizes[o[k].size].bytes;
		res->internal += c->size - mix_sizes[o[k].size].bytes;
	}
	free(seen);
	if (k < n || used > res->pages_end * SMM_PAGE_SIZE || slots > used)
		return -1;
	res->external = used - slots;
	res->empty = res->pages_end * SMM_PAGE_SIZE - used;
	return 0;
}

/*
 * Every cache of the run VALIDATEs clean (the numbers are of a sound
 * heap); the share of its operations that took the fast paths in *@fast
 * (a kmalloc class serving two sizes counted once).
 */
static int mix_validate(struct mix_env *e, double *fast)
{
	u64 nfast = 0, all = 0;
	unsigned int i, j;

	for (i = 0; i < NR_MIX_SIZES; i++) {
		struct smm_cache_info info;
		u64 problems = ~0ULL;

		if (smm_cache_validate(e->cache[i], &problems) || problems)
			return -1;
		for (j = 0; j < i && e->cache[j] != e->cache[i]; j++)
			;
		if (j < i)
			continue;
		smm_cache_info(e->cache[i], &info);
		nfast += info.stats.alloc_fast + info.stats.free_fast;
		all += info.stats.alloc_fast + info.stats.free_fast + info.stats.alloc_slow +
		       info.stats.free_slow;
	}
	*fast = all ? (double)nfast / all : 0;
	return 0;
}

/*
 * One run of @w on @p with a steady part of @scale units; with @res,
 * measured (pages after every operation, the split at the end) and the
 * steady ns per op. *@ops gets the steady part's operations.
 */
static int mix_one(enum mix_workload w, enum mix_policy p, u64 scale, struct mix_result *res,
		   double *ns, u64 *ops)
{
	static struct mix_obj live[MIX_LIVE], ring[LS_LIFE][LS_ROUND / LS_LONG + 1];
	u32 nr_long[LS_LIFE] = { 0 };
	struct mix_run r = { .rng = MIX_SEED, .measure = !!res };
	struct mix_env e;
	double t;
	int ret = 0;

	if (mix_env_init(&e, p))
		return -1;
	r.e = &e;
	memset(live, 0, sizeof(live));
	memset(ring, 0, sizeof(ring));
	if (w == MIX_MIX)
		t = mix_mix(&r, live, scale * MIX_STEPS);
	else
		t = mix_longshort(&r, ring, nr_long, scale * LS_ROUNDS);
	*ns = r.ops ? t / r.ops : 0;
	*ops = r.ops;
	if (res && !r.failed) {
		res->peak_pages = r.peak_pages;
		res->peak_bytes = r.peak_bytes;
		ret = w == MIX_MIX ? mix_split(&e, live, MIX_LIVE, res) :
				     mix_split(&e, &ring[0][0], sizeof(ring) / sizeof(ring[0][0]), res);
		ret = ret ?: mix_validate(&e, &res->fast);
	}
	mix_env_destroy(&e);
	return r.failed ? -1 : ret;
}

/* Instructions of one run under callgrind, from its "Collected" line; -1 without. */
static double mix_callgrind(const char *self, enum mix_workload w, enum mix_policy p, u64 scale)
{
	char cmd[512], line[256];
	double ir = -1;
	FILE *f;

	snprintf(cmd, sizeof(cmd),
		 "valgrind --tool=callgrind --callgrind-out-file=/dev/null %s --slab-mix-run %s %s %llu 2>&1",
		 self, mix_workload_names[w], mix_policy_names[p], (unsigned long long)scale);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *c = strstr(line, "Collected : ");

		if (c)
			ir = strtod(c + 12, NULL);
	}
	return pclose(f) == 0 ? ir : -1;
}

/* Instructions per steady operation: runs of scale 2 and 1, the difference. */
static double mix_ir_per_op(const char *self, enum mix_workload w, enum mix_policy p)
{
	double ir1 = mix_callgrind(self, w, p, 1), ir2 = mix_callgrind(self, w, p, 2), ns;
	u64 ops1, ops2;

	if (ir1 <= 0 || ir2 <= ir1 || mix_one(w, p, 1, NULL, &ns, &ops1) ||
	    mix_one(w, p, 2, NULL, &ns, &ops2) || ops2 <= ops1)
		return -1;
	return (ir2 - ir1) / (ops2 - ops1);
}

/* One row: measured once, timed MIX_REPS times (best), counted by callgrind. */
static int mix_row(const char *self, enum mix_workload w, enum mix_policy p,
		   struct mix_result *res)
{
	double ns, best = 1e30;
	unsigned int rep;
	u64 ops;

	memset(res, 0, sizeof(*res));
	if (mix_one(w, p, 1, res, &ns, &ops))
		return -1;
	for (rep = 0; rep < MIX_REPS; rep++) {
		if (mix_one(w, p, 1, NULL, &ns, &ops))
			return -1;
		best = ns < best ? ns : best;
	}
	res->ns_per_op = best;
	res->ir_per_op = mix_ir_per_op(self, w, p);
	if (res->ir_per_op < 0)
		return -1;
	res->overhead_end = (double)res->pages_end * SMM_PAGE_SIZE / res->live_bytes;
	res->overhead_peak = (double)res->peak_pages * SMM_PAGE_SIZE / res->peak_bytes;
	return 0;
}

int bench_slab_mix(const char *self, FILE *json)
{
	struct mix_result res;
	unsigned int w, p;
	bool first = true;

	printf("slab policies on two workloads (kmalloc sizes of `scripts/vm.sh demo kmalloc-mix`;"
	       " KiB at the end of the run)\n");
	printf("%-10s %-5s %7s %9s %6s %9s %9s %8s %9s %9s %7s\n", "workload", "pol", "ns/op",
	       "instr/op", "fast%", "ovh-peak", "ovh-end", "live", "internal", "external", "empty");
	for (w = 0; w < NR_MIX_WORKLOADS; w++) {
		for (p = 0; p < NR_MIX_POLICIES; p++) {
			if (mix_row(self, w, p, &res)) {
				fprintf(stderr, "bench_native: slab-mix %s %s: not measured (an "
					"allocation failed, VALIDATE disagreed, or valgrind is missing)\n",
					mix_workload_names[w], mix_policy_names[p]);
				return 1;
			}
			printf("%-10s %-5s %7.1f %9.0f %6.1f %9.2f %9.2f %8.0f %9.0f %9.0f %7.0f\n",
			       mix_workload_names[w], mix_policy_names[p], res.ns_per_op,
			       res.ir_per_op, 100 * res.fast, res.overhead_peak, res.overhead_end,
			       res.live_bytes / 1024.0, res.internal / 1024.0,
			       res.external / 1024.0, res.empty / 1024.0);
			if (!json)
				continue;
			fprintf(json, "%s    {\"workload\": \"%s\", \"policy\": \"%s\", "
				"\"ns_per_op\": %.1f, \"instructions_per_op\": %.0f, "
				"\"fast_share\": %.3f, "
				"\"overhead_peak\": %.3f, \"overhead_end\": %.3f, "
				"\"pages_end\": %llu, \"live_bytes\": %llu, "
				"\"internal_bytes\": %llu, \"external_bytes\": %llu, "
				"\"empty_bytes\": %llu, \"peak_pages\": %llu, \"peak_bytes\": %llu}",
				first ? "" : ",\n", mix_workload_names[w], mix_policy_names[p],
				res.ns_per_op, res.ir_per_op, res.fast, res.overhead_peak,
				res.overhead_end,
				(unsigned long long)res.pages_end,
				(unsigned long long)res.live_bytes,
				(unsigned long long)res.internal,
				(unsigned long long)res.external, (unsigned long long)res.empty,
				(unsigned long long)res.peak_pages,
				(unsigned long long)res.peak_bytes);
			first = false;
		}
	}
	if (json)
		fprintf(json, "\n");
	return 0;
}

int bench_slab_mix_run_only(const char *workload, const char *policy, const char *scale)
{
	unsigned int w, p;
	double ns;
	u64 ops;

	for (w = 0; w < NR_MIX_WORKLOADS && strcmp(workload, mix_workload_names[w]); w++)
		;
	for (p = 0; p < NR_MIX_POLICIES && strcmp(policy, mix_policy_names[p]); p++)
		;
	if (w == NR_MIX_WORKLOADS || p == NR_MIX_POLICIES)
		return 2;
	return mix_one(w, p, strtoull(scale, NULL, 0), NULL, &ns, &ops) ? 1 : 0;
}
