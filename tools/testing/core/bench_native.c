// SPDX-License-Identifier: GPL-2.0
/*
 * Native benchmarks of the core (user space, -O2, no sanitizers): the
 * rows of `make bench` that need no kernel.
 *
 *   bench_native [OUT.json]           the table, and JSON to OUT.json
 *   bench_native --pairs N            N order-0 pcp pairs, nothing else
 *                                     (what callgrind counts)
 *
 * For range sizes from 16 MiB to 16 GiB: ns per order-0 alloc+free pair
 * through the per-CPU lists and through the buddy alone, ns per operation
 * of a random churn of orders 0-3 over 512 live blocks, and start-up
 * time per GiB (descriptors, zones, free lists). Then bytes of metadata
 * per frame, and instructions per pair from valgrind --tool=callgrind
 * when valgrind is there (repeatable whatever else the machine does),
 * and ns per 256-byte slab pair (kmalloc-256, per-CPU fast path).
 * Times are the best of 5 runs.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common.h"
#include "../../../module/core/slab.h"

unsigned long smm_user_warnings;
unsigned long smm_user_reports;

#define REPS		5
#define PAIRS		(4 * 1000 * 1000)
#define CHURN_OPS	(2 * 1000 * 1000)
#define CHURN_LIVE	512

static double now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

static int setup(struct smm_test_mm *t, u64 frames, bool pcp, double *ns)
{
	/* a 4 MiB-aligned pfn in DMA32 / Normal like a real reserved range */
	struct smm_test_section s = { 0x100000, frames };
	double t0 = now_ns();
	int ret = smm_test_mm_init(t, &s, 1, NULL, pcp, 1);

	*ns = now_ns() - t0;
	return ret;
}

static double pairs_ns(struct smm_mm *mm, u64 n)
{
	double t0 = now_ns();
	u64 i, idx;

	for (i = 0; i < n; i++) {
		if (smm_alloc_pages(mm, 0, SHADOWMM_GFP_MOVABLE, 0, &idx))
			return -1;
		smm_free_pages(mm, idx, 0);
	}
	return (now_ns() - t0) / n;
}

static double churn_ns(struct smm_mm *mm)
{
	static u64 live[CHURN_LIVE];
	u64 rng = 88172645463325252ULL, i;
	double t0;
	unsigned int k;

	for (k = 0; k < CHURN_LIVE; k++)
		if (smm_alloc_pages(mm, k & 3, SHADOWMM_GFP_MOVABLE | SHADOWMM_GFP_RESERVE, 0,
				    &live[k]))
			return -1;
	t0 = now_ns();
	for (i = 0; i < CHURN_OPS; i++) {
		rng ^= rng << 13;
		rng ^= rng >> 7;
		rng ^= rng << 17;
		k = rng % CHURN_LIVE;
		smm_free_pages(mm, live[k], 0);
		if (smm_alloc_pages(mm, (rng >> 20) & 3, SHADOWMM_GFP_MOVABLE | SHADOWMM_GFP_RESERVE,
				    0, &live[k]))
			return -1;
	}
	t0 = (now_ns() - t0) / (2.0 * CHURN_OPS);
	for (k = 0; k < CHURN_LIVE; k++)
		smm_free_pages(mm, live[k], 0);
	return t0;
}

struct row {
	u64 mib;
	double pcp, buddy, churn, startup_per_gib;
};

static int measure(u64 mib, struct row *r)
{
	u64 frames = mib << (20 - SMM_PAGE_SHIFT);
	struct smm_test_mm t;
	double ns, best;
	int rep;

	memset(r, 0, sizeof(*r));
	r->mib = mib;
	r->pcp = r->buddy = r->churn = r->startup_per_gib = 1e30;
	for (rep = 0; rep < REPS; rep++) {
		if (setup(&t, frames, true, &ns))
			return -1;
		best = ns * 1024.0 / mib;
		r->startup_per_gib = best < r->startup_per_gib ? best : r->startup_per_gib;
		ns = pairs_ns(&t.mm, PAIRS);
		r->pcp = ns < r->pcp ? ns : r->pcp;
		ns = churn_ns(&t.mm);
		r->churn = ns < r->churn ? ns : r->churn;
		smm_test_mm_destroy(&t);
		if (setup(&t, frames, false, &ns))
			return -1;
		ns = pairs_ns(&t.mm, PAIRS);
		r->buddy = ns < r->buddy ? ns : r->buddy;
		smm_test_mm_destroy(&t);
	}
	return r->pcp < 0 || r->buddy < 0 || r->churn < 0 ? -1 : 0;
}

/* ns per kmalloc-256 alloc+free pair, best of REPS; -1 on failure. */
static double slab_pairs_ns(void)
{
	struct smm_test_section sec = { 0x100000, 16384 };
	double best = 1e30, t0, ns;
	struct smm_test_mm t;
	struct smm_slabs s;
	struct smm_cache *c;
	int rep;
	u64 i, pos;

	if (smm_test_mm_init_mem(&t, &sec, 1, NULL, true, 1))
		return -1;
	if (smm_slabs_init(&s, &t.mm, 1)) {
		smm_test_mm_destroy(&t);
		return -1;
	}
	c = smm_kmalloc_cache(&s, 256);
	for (rep = 0; rep < REPS && best > 0; rep++) {
		t0 = now_ns();
		for (i = 0; i < PAIRS; i++) {
			if (!smm_cache_alloc(c, 0, 0, &pos)) {
				best = -1;
				break;
			}
			smm_cache_free(c, pos, 0);
		}
		ns = (now_ns() - t0) / PAIRS;
		best = best > 0 && ns < best ? ns : best;
	}
	smm_slabs_destroy(&s);
	smm_test_mm_destroy(&t);
	return best;
}

/* Instructions for N pairs, from valgrind's "Collected" line; -1 without it. */
static double callgrind_ir(const char *self, u64 pairs)
{
	char cmd[512], line[256];
	double ir = -1;
	FILE *p;

	snprintf(cmd, sizeof(cmd),
		 "valgrind --tool=callgrind --callgrind-out-file=/dev/null %s --pairs %llu 2>&1",
		 self, (unsigned long long)pairs);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	while (fgets(line, sizeof(line), p)) {
		char *c = strstr(line, "Collected : ");

		if (c)
			ir = strtod(c + 12, NULL);
	}
	return pclose(p) == 0 ? ir : -1;
}

static int pairs_only(u64 n)
{
	struct smm_test_mm t;
	double ns;

	if (setup(&t, 16384, true, &ns))
		return 1;
	pairs_ns(&t.mm, n);
	smm_test_mm_destroy(&t);
	return 0;
}

int main(int argc, char **argv)
{
	static const u64 sizes_mib[] = { 16, 256, 1024, 4096, 16384 };
	struct row rows[sizeof(sizes_mib) / sizeof(sizes_mib[0])];
	double ir1, ir2, ir_per_pair = -1;
	struct smm_test_mm t;
	unsigned int i, n = sizeof(sizes_mib) / sizeof(sizes_mib[0]);
	double meta, ns, slab;
	FILE *out = NULL;

	if (argc == 3 && !strcmp(argv[1], "--pairs"))
		return pairs_only(strtoull(argv[2], NULL, 0));
	printf("%-10s %12s %12s %12s %16s\n", "range", "pcp ns/pair", "buddy ns/pair",
	       "churn ns/op", "startup ms/GiB");
	for (i = 0; i < n; i++) {
		if (measure(sizes_mib[i], &rows[i])) {
			fprintf(stderr, "bench_native: %llu MiB: an allocation failed\n",
				(unsigned long long)sizes_mib[i]);
			return 1;
		}
		printf("%7llu MiB %12.1f %12.1f %12.1f %16.2f\n", (unsigned long long)rows[i].mib,
		       rows[i].pcp, rows[i].buddy, rows[i].churn, rows[i].startup_per_gib / 1e6);
	}
	if (setup(&t, 1 << 18, true, &ns))
		return 1;
	meta = (double)(t.range.span * sizeof(struct smm_frame) + (t.range.span >> 9) + 1 +
			t.mm.nr_cpus * SMM_NR_ZONES * sizeof(struct smm_pcp)) / t.range.nr_frames;
	smm_test_mm_destroy(&t);
	printf("descriptor: %zu bytes per frame; all metadata: %.3f bytes per frame (1 GiB)\n",
	       sizeof(struct smm_frame), meta);
	slab = slab_pairs_ns();
	if (slab < 0) {
		fprintf(stderr, "bench_native: a slab allocation failed\n");
		return 1;
	}
	printf("slab: %.1f ns per 256-byte object pair (kmalloc-256, per-CPU fast path)\n", slab);
	ir1 = callgrind_ir(argv[0], 100000);
	ir2 = callgrind_ir(argv[0], 200000);
	if (ir1 > 0 && ir2 > ir1)
		ir_per_pair = (ir2 - ir1) / 100000;
	if (ir_per_pair > 0)
		printf("callgrind: %.0f instructions per order-0 pcp pair\n", ir_per_pair);
	else
		printf("callgrind: not measured (valgrind missing or failed)\n");

	if (argc > 1)
		out = fopen(argv[1], "w");
	if (argc > 1 && !out) {
		perror(argv[1]);
		return 1;
	}
	if (!out)
		return 0;
	fprintf(out, "{\n  \"ranges\": [\n");
	for (i = 0; i < n; i++)
		fprintf(out, "    {\"mib\": %llu, \"pcp_ns_per_pair\": %.1f, \"buddy_ns_per_pair\": %.1f, "
			"\"churn_ns_per_op\": %.1f, \"startup_ms_per_gib\": %.2f}%s\n",
			(unsigned long long)rows[i].mib, rows[i].pcp, rows[i].buddy, rows[i].churn,
			rows[i].startup_per_gib / 1e6, i + 1 < n ? "," : "");
	fprintf(out, "  ],\n  \"descriptor_bytes_per_frame\": %zu,\n"
		"  \"metadata_bytes_per_frame\": %.3f,\n  \"instructions_per_pcp_pair\": %.0f,\n"
		"  \"slab256_ns_per_pair\": %.1f\n}\n",
		sizeof(struct smm_frame), meta, ir_per_pair, slab);
	fclose(out);
	return 0;
}
