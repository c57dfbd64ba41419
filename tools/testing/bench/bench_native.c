// SPDX-License-Identifier: GPL-2.0
/*
 * Native benchmarks of the core (user space, -O2, no sanitizers): the
 * rows of `make bench` that need no kernel.
 *
 *   bench_native [OUT.json]           the table, and JSON to OUT.json
 *   bench_native --pairs KIND N       N pairs of KIND (pcp, buddy or slab)
 *                                     and nothing else: what callgrind counts
 *                                     (KIND leaves: one leaves walk of N pages;
 *                                     KIND frames: N packed FRAME_GET records
 *                                     of a fragmented 1 GiB map, frames_dump())
 *   bench_native --slab-mix           only the slab policies on two
 *                                     workloads (bench_slab_mix.c)
 *   bench_native --slab-mix-run W P S one run of workload W on policy P,
 *                                     steady part S units: what callgrind counts
 *
 * For range sizes from 16 MiB to 16 GiB: ns per order-0 alloc+free pair
 * through the per-CPU lists and through the buddy alone, ns per operation
 * of a random churn of orders 0-3 over 512 live blocks, and start-up
 * time per GiB (descriptors, zones, free lists). Then bytes of metadata
 * per frame, ns per 256-byte slab pair (kmalloc-256, per-CPU fast path),
 * and instructions per pair of each kind from valgrind --tool=callgrind
 * (repeatable whatever else the machine does): the difference between
 * runs of 200,000 and 100,000 pairs, so set-up and exit do not count.
 * Times are the best of 5 runs. Last, the slab policies side by side on
 * a mixed-size and a long/short-lived workload (bench_slab_mix.c). Also
 * the instructions per page of the PT_WALK leaves walk (walk_runs.c) over
 * fake tables of a touched THP-off region (leaves_walk()). Exits
 * 1, saying which, when a row could not be measured (valgrind missing
 * included).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "../../../module/core/frame_map.h"
#include "../../../module/core/slab.h"
#include "bench_loops.h"
#include "bench_slab_mix.h"
#include "fake_pt.h"

unsigned long smm_user_warnings;
unsigned long smm_user_reports;

#define REPS		5
#define PAIRS		(4 * 1000 * 1000)
#define CHURN_OPS	(2 * 1000 * 1000)
#define CHURN_LIVE	512

static int setup(struct smm_test_mm *t, u64 frames, bool pcp, double *ns)
{
	/* a 4 MiB-aligned pfn in DMA32 / Normal like a real reserved range */
	struct smm_test_section s = { 0x100000, frames };
	double t0 = bench_now_ns();
	int ret = smm_test_mm_init(t, &s, 1, NULL, pcp, 1);

	*ns = bench_now_ns() - t0;
	return ret;
}

/* the churn's blocks: CHURN_LIVE of them, on one CPU */
static double churn_ns(struct smm_mm *mm)
{
	static u64 live[CHURN_LIVE];

	return bench_churn(mm, 0, live, CHURN_LIVE, CHURN_OPS, NULL);
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
		ns = bench_page_pairs(&t.mm, 0, PAIRS);
		r->pcp = ns < r->pcp ? ns : r->pcp;
		ns = churn_ns(&t.mm);
		r->churn = ns < r->churn ? ns : r->churn;
		smm_test_mm_destroy(&t);
		if (setup(&t, frames, false, &ns))
			return -1;
		ns = bench_page_pairs(&t.mm, 0, PAIRS);
		r->buddy = ns < r->buddy ? ns : r->buddy;
		smm_test_mm_destroy(&t);
	}
	return r->pcp < 0 || r->buddy < 0 || r->churn < 0 ? -1 : 0;
}

/*
 * ns per 256-byte alloc+free pair, best of @reps runs of @n (with @reps
 * 1 and a small @n: the run callgrind counts); -1 on failure. SLUB's is
 * kmalloc-256 (hardened, as in a Debian kernel); SLAB's and SLOB's a
 * cache "bench-256" of that policy (neither has free pointers to harden).
 */
static double slab_pairs_ns(int reps, u64 n, u32 policy)
{
	struct smm_cache *c = NULL;
	struct smm_test_section sec = { 0x100000, 16384 };
	double best = 1e30, ns;
	struct smm_test_mm t;
	struct smm_slabs s;
	int rep;

	if (smm_test_mm_init_mem(&t, &sec, 1, NULL, true, 1))
		return -1;
	if (smm_slabs_init(&s, &t.mm, 1, 0)) {
		smm_test_mm_destroy(&t);
		return -1;
	}
	if (policy == SMM_SLUB)
		c = smm_kmalloc_cache(&s, 256);
	else if (smm_cache_create_policy(&s, "bench-256", 256, 0, 0, policy, &c))
		best = -1;
	for (rep = 0; rep < reps && best > 0; rep++) {
		ns = bench_slab_pairs(c, 0, n);
		best = ns < 0 || ns < best ? ns : best;
	}
	smm_slabs_destroy(&s);
	smm_test_mm_destroy(&t);
	return best;
}

#define LEAVES_STEPS	16384	/* entries per call: nl_walk.c's SMM_PT_LEAVES_STEPS */
#define LEAVES_RUNS	2048	/* runs per call: its SMM_PT_LEAVES_RUNS */

/*
 * The leaves walk (walk_runs.c) of @pages 4 KiB pages (at most 1 GiB) in
 * fake x86-64 tables (tools/testing/core/fake_pt.h) shaped as a touched
 * region with THP off, read through the backend calls pt_real.c offers:
 *
 *   PGD[0] -> PUD[0] -> PMD[0..511] -> one PTE table of 512 present,
 *   writable pages, frames 0x100000.. in a row
 *
 * so each table is one run (its frames start again). Made in calls of
 * LEAVES_STEPS entries, as PT_WALK's messages are. Returns 0, or -1 when
 * the runs are not one per table and all pages.
 */
static int leaves_walk(u64 pages)
{
	static struct fake_pt pt;
	static struct shadowmm_pt_run run[LEAVES_RUNS];
	struct smm_walk_ops ops = {
		.read = fake_read, .read_n = fake_read_n, .count_seq = fake_count_seq,
		.fmt = &smm_pt_x86_48,
	};
	struct smm_runs r = { .run = run, .max = LEAVES_RUNS, .pfns = true };
	u64 pos = 0, got = 0, runs = 0;
	unsigned int i;
	int ret;

	if (!pages || pages > SMM_PT_ENTRIES * SMM_PT_ENTRIES)
		return -1;
	fake_init(&pt, ops.fmt, 0x10);
	pt.t[0][0] = fake_table(&pt, 1);
	pt.t[1][0] = fake_table(&pt, 2);
	for (i = 0; i < SMM_PT_ENTRIES; i++) {
		pt.t[2][i] = fake_table(&pt, 3);
		pt.t[3][i] = smm_pte_make(ops.fmt, SHADOWMM_PT_PTE, 0x100000 + i,
					  SHADOWMM_PROT_WRITE | SHADOWMM_PROT_USER, true);
	}
	do {
		r.nr = 0;
		r.steps = LEAVES_STEPS;
		ret = smm_walk_leaves(&ops, &pt, &pos, pages * SMM_PAGE_SIZE - 1, &r);
		for (i = 0; i < r.nr; i++)
			got += run[i].pages;
		runs += r.nr;
	} while (!ret);
	return ret == 1 && got == pages && runs == (pages + 511) / 512 ? 0 : -1;
}

#define FRAMES_RANGE	262144		/* 1 GiB */
#define FRAMES_PER_MSG	4088		/* records in a 32 KiB batch's message */

/*
 * @n packed records of FRAME_GET over the map of the VM's frame-dump
 * bench (bench_frame_dump.c): a 1 GiB range, half of it allocated as
 * order-0 pages, every other one freed (131,074 runs), dumped from the
 * start again as often as @n needs (each pass checked to cover the range), FRAMES_PER_MSG records a message as
 * module/nl_frame.c fills them. -1 when a run is missing or the range
 * cannot be set up.
 */
static int frames_dump(u64 n)
{
	static struct shadowmm_frame_rec recs[FRAMES_PER_MSG];
	struct smm_test_section s = { 0x100000, FRAMES_RANGE };
	static u64 idx[FRAMES_RANGE / 2];
	u64 got = 0, pos = 0, covered = 0, i;
	struct smm_test_mm t;
	unsigned int k;

	if (smm_test_mm_init(&t, &s, 1, NULL, false, 1))
		return -1;
	for (i = 0; i < FRAMES_RANGE / 2; i++)
		if (smm_alloc_pages(&t.mm, 0, SHADOWMM_GFP_MOVABLE, 0, &idx[i]))
			return -1;
	for (i = 0; i < FRAMES_RANGE / 2; i += 2)
		smm_free_pages(&t.mm, idx[i], 0);
	while (got < n) {
		k = smm_frame_recs(&t.mm, &pos, t.range.span, recs, FRAMES_PER_MSG);
		if (!k)
			return -1;
		for (i = 0; i < k; i++)
			covered += recs[i].count;
		got += k;
		if (pos == t.range.span) {
			if (covered != FRAMES_RANGE)
				return -1;
			covered = 0;
			pos = 0;
		}
	}
	smm_test_mm_destroy(&t);
	return 0;
}

/* Instructions for N pairs of KIND, from valgrind's "Collected" line; -1 without it. */
static double callgrind_ir(const char *self, const char *kind, u64 pairs)
{
	char cmd[512], line[256];
	double ir = -1;
	FILE *p;

	snprintf(cmd, sizeof(cmd),
		 "valgrind --tool=callgrind --callgrind-out-file=/dev/null %s --pairs %s %llu 2>&1",
		 self, kind, (unsigned long long)pairs);
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

/* --pairs KIND N: only N pairs of KIND on a 64 MiB range, for callgrind. */
static int pairs_only(const char *kind, u64 n)
{
	struct smm_test_mm t;
	double ns;

	if (!strcmp(kind, "slab"))
		return slab_pairs_ns(1, n, SMM_SLUB) < 0;
	if (!strcmp(kind, "slab-slab"))
		return slab_pairs_ns(1, n, SMM_SLAB) < 0;
	if (!strcmp(kind, "slab-slob"))
		return slab_pairs_ns(1, n, SMM_SLOB) < 0;
	if (!strcmp(kind, "leaves"))
		return leaves_walk(n) < 0;
	if (!strcmp(kind, "frames"))
		return frames_dump(n) < 0;
	if (strcmp(kind, "pcp") && strcmp(kind, "buddy"))
		return 2;
	if (setup(&t, 16384, !strcmp(kind, "pcp"), &ns))
		return 1;
	ns = bench_page_pairs(&t.mm, 0, n);
	smm_test_mm_destroy(&t);
	return ns < 0;
}

/* "slab" is SLUB's kmalloc-256 (the goal's row); then SLAB's and SLOB's pair */
static const char *const ir_kinds[] = { "pcp", "buddy", "slab", "slab-slab", "slab-slob" };
#define NR_IR_KINDS	(sizeof(ir_kinds) / sizeof(ir_kinds[0]))

/*
 * Instructions per pair of each kind: the difference of two run lengths,
 * so the set-up both runs share cancels out. -1 when valgrind is missing
 * or a run failed.
 */
static double ir_per_pair(const char *self, const char *kind)
{
	double ir1 = callgrind_ir(self, kind, 100000);
	double ir2 = callgrind_ir(self, kind, 200000);

	return ir1 > 0 && ir2 > ir1 ? (ir2 - ir1) / 100000 : -1;
}

int main(int argc, char **argv)
{
	static const u64 sizes_mib[] = { 16, 256, 1024, 4096, 16384 };
	struct row rows[sizeof(sizes_mib) / sizeof(sizes_mib[0])];
	double ir[NR_IR_KINDS];
	struct smm_test_mm t;
	unsigned int i, n = sizeof(sizes_mib) / sizeof(sizes_mib[0]);
	double meta, ns, slab, slab_slab, slab_slob, leaves_ir;
	char *mix_json = NULL;
	size_t mix_len = 0;
	FILE *out = NULL, *mix;

	if (argc == 4 && !strcmp(argv[1], "--pairs"))
		return pairs_only(argv[2], strtoull(argv[3], NULL, 0));
	if (argc == 5 && !strcmp(argv[1], "--slab-mix-run"))
		return bench_slab_mix_run_only(argv[2], argv[3], argv[4]);
	if (argc == 2 && !strcmp(argv[1], "--slab-mix"))
		return bench_slab_mix(argv[0], NULL);
	/* an option it does not know is not an output path: nothing written */
	if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
		bool help = argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"));

		fprintf(help ? stdout : stderr,
			"usage: bench_native [OUT.json] | --pairs KIND N | --slab-mix |\n"
			"       --slab-mix-run WORKLOAD POLICY STEADY\n");
		return help ? 0 : 2;
	}
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
	slab = slab_pairs_ns(REPS, PAIRS, SMM_SLUB);
	slab_slab = slab_pairs_ns(REPS, PAIRS, SMM_SLAB);
	slab_slob = slab_pairs_ns(REPS, PAIRS, SMM_SLOB);
	if (slab < 0 || slab_slab < 0 || slab_slob < 0) {
		fprintf(stderr, "bench_native: a slab allocation failed\n");
		return 1;
	}
	printf("slab: %.1f ns per 256-byte object pair (kmalloc-256, per-CPU fast path)\n", slab);
	printf("slab policies, ns per 256-byte pair: slub %.1f, slab %.1f (array cache), slob %.1f (first fit)\n",
	       slab, slab_slab, slab_slob);
	for (i = 0; i < NR_IR_KINDS; i++) {
		ir[i] = ir_per_pair(argv[0], ir_kinds[i]);
		if (ir[i] < 0) {
			fprintf(stderr, "bench_native: callgrind-%s: not measured (valgrind missing "
				"or the run failed; scripts/deps.sh bench installs it)\n", ir_kinds[i]);
			return 1;
		}
		printf("callgrind: %.0f instructions per %s pair\n", ir[i], ir_kinds[i]);
	}
	/* the leaves walk: 200,000 pages less 100,000, per page */
	leaves_ir = ir_per_pair(argv[0], "leaves");
	if (leaves_ir < 0) {
		fprintf(stderr, "bench_native: callgrind-leaves: not measured\n");
		return 1;
	}
	printf("callgrind: %.1f instructions per page of the leaves walk\n", leaves_ir);
	/* the slab mix's JSON members, kept until the file is written */
	mix = open_memstream(&mix_json, &mix_len);
	if (!mix || bench_slab_mix(argv[0], mix)) {
		if (mix)
			fclose(mix);
		free(mix_json);
		return 1;
	}
	fclose(mix);

	if (argc > 1)
		out = fopen(argv[1], "w");
	if (argc > 1 && !out) {
		perror(argv[1]);
		free(mix_json);
		return 1;
	}
	if (!out) {
		free(mix_json);
		return 0;
	}
	fprintf(out, "{\n  \"ranges\": [\n");
	for (i = 0; i < n; i++)
		fprintf(out, "    {\"mib\": %llu, \"pcp_ns_per_pair\": %.1f, \"buddy_ns_per_pair\": %.1f, "
			"\"churn_ns_per_op\": %.1f, \"startup_ms_per_gib\": %.2f}%s\n",
			(unsigned long long)rows[i].mib, rows[i].pcp, rows[i].buddy, rows[i].churn,
			rows[i].startup_per_gib / 1e6, i + 1 < n ? "," : "");
	fprintf(out, "  ],\n  \"descriptor_bytes_per_frame\": %zu,\n"
		"  \"metadata_bytes_per_frame\": %.3f,\n  \"instructions_per_pcp_pair\": %.0f,\n"
		"  \"instructions_per_buddy_pair\": %.0f,\n"
		"  \"instructions_per_slab256_pair\": %.0f,\n"
		"  \"slab256_ns_per_pair\": %.1f,\n"
		"  \"instructions_per_slab256_pair_slab\": %.0f,\n"
		"  \"slab256_ns_per_pair_slab\": %.1f,\n"
		"  \"instructions_per_slab256_pair_slob\": %.0f,\n"
		"  \"slab256_ns_per_pair_slob\": %.1f,\n"
		"  \"instructions_per_leaves_page\": %.1f,\n"
		"  \"slab_mix\": [\n%s  ]\n}\n",
		sizeof(struct smm_frame), meta, ir[0], ir[1], ir[2], slab, ir[3], slab_slab, ir[4],
		slab_slob, leaves_ir, mix_json);
	free(mix_json);
	fclose(out);
	return 0;
}
