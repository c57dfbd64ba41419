// SPDX-License-Identifier: GPL-2.0
/*
 * The workload generator's access stream (core/workload.h): every
 * pattern stays within the pages, seq visits them in order and wraps,
 * random reaches every page about evenly, hot-cold sends its share to
 * the first fifth, writes come at their share; bad parameters are
 * refused; the page numbering follows the VMAs in address order.
 */
#include <math.h>
#include <stdlib.h>

#include "harness.h"
#include "common.h"
#include "../../../module/core/workload.h"
#include "../../../module/core/vma.h"

#define STEPS	100000

static struct smm_workload_gen gen(u32 pattern, u32 param, u32 write_pct)
{
	struct smm_workload_gen g;
	const char *why = NULL;

	if (smm_workload_init(&g, pattern, param, write_pct, 42, &why))
		abort();
	return g;
}

SMM_TEST(workload_refuses_bad_parameters)
{
	struct smm_workload_gen g;
	const char *why = NULL;

	EXPECT_EQ(smm_workload_init(&g, SHADOWMM_WORKLOAD_HOT_COLD + 1, 0, 0, 1, &why), -EINVAL);
	EXPECT_TRUE(why != NULL);
	EXPECT_EQ(smm_workload_init(&g, SHADOWMM_WORKLOAD_HOT_COLD, 101, 0, 1, &why), -EINVAL);
	EXPECT_EQ(smm_workload_init(&g, SHADOWMM_WORKLOAD_RANDOM, 5, 0, 1, &why), -EINVAL);
	EXPECT_EQ(smm_workload_init(&g, SHADOWMM_WORKLOAD_SEQ, 0, 101, 1, &why), -EINVAL);
	EXPECT_EQ(smm_workload_init(&g, SHADOWMM_WORKLOAD_SEQ, 0, 100, 0, &why), 0);
	EXPECT_TRUE(g.rng != 0);
}

SMM_TEST(workload_seq_in_order_and_wraps)
{
	struct smm_workload_gen g = gen(SHADOWMM_WORKLOAD_SEQ, 0, 0);
	bool w;
	u64 i;

	for (i = 0; i < 25; i++)
		EXPECT_EQ(smm_workload_next(&g, 10, &w), i % 10);
	/* the VMAs shrank under it: it starts again inside them */
	EXPECT_EQ(smm_workload_next(&g, 3, &w), 0);
	EXPECT_EQ(!!(w), 0);
}

SMM_TEST(workload_random_is_even)
{
	struct smm_workload_gen g = gen(SHADOWMM_WORKLOAD_RANDOM, 0, 30);
	u64 seen[100] = { 0 }, writes = 0, i;
	bool w;

	for (i = 0; i < STEPS; i++) {
		u64 idx = smm_workload_next(&g, 100, &w);

		ASSERT_LT(idx, 100);
		seen[idx]++;
		writes += w;
	}
	/* 1,000 expected a page: each within 20 % */
	for (i = 0; i < 100; i++) {
		EXPECT_TRUE((seen[i]) >= (800));
		EXPECT_TRUE((seen[i]) <= (1200));
	}
	EXPECT_TRUE((writes) >= (STEPS * 28 / 100));
	EXPECT_TRUE((writes) <= (STEPS * 32 / 100));
}

SMM_TEST(workload_hot_cold_share)
{
	struct smm_workload_gen g = gen(SHADOWMM_WORKLOAD_HOT_COLD, 90, 0);
	u64 hot = 0, i, cold_seen = 0;
	u8 seen[1000] = { 0 };
	bool w;

	for (i = 0; i < STEPS; i++) {
		u64 idx = smm_workload_next(&g, 1000, &w);

		ASSERT_LT(idx, 1000);
		hot += idx < 200;
		seen[idx] = 1;
		EXPECT_EQ(!!(w), 0);
	}
	EXPECT_TRUE((hot) >= (STEPS * 88 / 100));
	EXPECT_TRUE((hot) <= (STEPS * 92 / 100));
	for (i = 200; i < 1000; i++)
		cold_seen += seen[i];
	EXPECT_EQ(cold_seen, 800);		/* 10,000 cold steps over 800 pages */
	/* one page: all of it is hot */
	EXPECT_EQ(smm_workload_next(&g, 1, &w), 0);
}

SMM_TEST(workload_pages_follow_the_vmas)
{
	struct smm_test_swap env;
	struct smm_space s;
	const char *why;

	ASSERT_EQ(smm_test_swap_init(&env, 1024, 64), 0);
	ASSERT_EQ(smm_space_init(&s, &env.t.mm, 1, 4), 0);
	EXPECT_EQ(smm_workload_pages(&s), 0);
	ASSERT_EQ(smm_vma_mmap(&s, 0x10000, 3 * 4096, SHADOWMM_PROT_WRITE, &why), 0);
	ASSERT_EQ(smm_vma_mmap(&s, 0x40000, 2 * 4096, SHADOWMM_PROT_WRITE, &why), 0);
	EXPECT_EQ(smm_workload_pages(&s), 5);
	EXPECT_EQ(smm_workload_addr(&s, 0), 0x10000);
	EXPECT_EQ(smm_workload_addr(&s, 2), 0x12000);
	EXPECT_EQ(smm_workload_addr(&s, 3), 0x40000);
	EXPECT_EQ(smm_workload_addr(&s, 4), 0x41000);
	smm_space_destroy(&s);
	smm_test_swap_destroy(&env);
}

/*
 * ZIPF against the exact distribution, computed in double here: rank r
 * (page r-1) has probability r^-S / sum_{i=1..n} i^-S. The fixed-point
 * sampler's ranks 1..10 and rank deciles (pages [n*i/10, n*(i+1)/10))
 * must each be within 5 standard deviations of the expected count, plus
 * 0.1 % of the draws for the sampler's own rounding. Uniform (or hot-
 * cold) draws miss by hundreds of sigmas at every S below.
 */
#define ZIPF_DRAWS	200000

/* The exact probabilities of ranks [lo, hi) (1-based) out of n at exponent s. */
static double zipf_share(double s, uint64_t n, uint64_t lo, uint64_t hi)
{
	double all = 0, part = 0;
	uint64_t r;

	for (r = 1; r <= n; r++) {
		double w = pow((double)r, -s);

		all += w;
		if (r >= lo && r < hi)
			part += w;
	}
	return part / all;
}

/* Is @seen within tolerance of ZIPF_DRAWS * @p? Says both when not. */
static int zipf_close(uint64_t seen, double p, const char *what, uint64_t a, uint64_t b)
{
	double want = ZIPF_DRAWS * p, tol = 5 * sqrt(want * (1 - p)) + ZIPF_DRAWS * 0.001;

	if (fabs((double)seen - want) <= tol)
		return 1;
	printf("# %s [%" PRIu64 ", %" PRIu64 "): expected %.1f +- %.1f draws, seen %" PRIu64 "\n",
	       what, a, b, want, tol, seen);
	return 0;
}

/* @draws ZIPF samples over @n pages at exponent @s100/100 against the exact law; 1 if close. */
static int zipf_check(struct smm_test *_t, u32 s100, uint64_t n)
{
	struct smm_workload_gen *g = malloc(sizeof(*g));
	uint64_t top[10] = { 0 }, dec[10] = { 0 }, i, ok = 1;
	const char *why;
	double s = s100 / 100.0;
	bool w;

	if (!g || smm_workload_init(g, SHADOWMM_WORKLOAD_ZIPF, s100, 0, 7, &why))
		abort();
	for (i = 0; i < ZIPF_DRAWS; i++) {
		uint64_t idx = smm_workload_next(g, n, &w);

		if (idx >= n) {
			printf("# S %u n %" PRIu64 ": page %" PRIu64 " out of range\n", s100, n, idx);
			_t->failed = 1;
			free(g);
			return 0;
		}
		if (idx < 10)
			top[idx]++;
		if (n >= 10)
			dec[idx * 10 / n]++;
	}
	free(g);
	for (i = 0; i < 10 && i < n; i++)
		ok &= zipf_close(top[i], zipf_share(s, n, i + 1, i + 2), "rank", i + 1, i + 2);
	for (i = 0; i < 10 && n >= 10; i++)
		ok &= zipf_close(dec[i], zipf_share(s, n, n * i / 10 + 1, n * (i + 1) / 10 + 1),
				 "decile ranks", n * i / 10 + 1, n * (i + 1) / 10 + 1);
	if (!ok) {
		printf("# zipf S %.2f over %" PRIu64 " pages is off\n", s, n);
		_t->failed = 1;
	}
	return ok;
}

SMM_TEST(workload_zipf_matches_the_exact_law)
{
	static const u32 exps[] = { 50, 99, 120, 200 };
	static const uint64_t pages[] = { 1, 2, 1000, 1 << 20 };
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(exps); i++)
		for (j = 0; j < ARRAY_SIZE(pages); j++)
			zipf_check(_t, exps[i], pages[j]);
}

/* The exponent's bounds: 0.01 to 4.00; the extremes stay in range. */
SMM_TEST(workload_zipf_bounds)
{
	struct smm_workload_gen *g = malloc(sizeof(*g));
	const char *why = NULL;
	uint64_t i, first = 0;
	bool w;

	ASSERT_TRUE(g != NULL);
	EXPECT_EQ(smm_workload_init(g, SHADOWMM_WORKLOAD_ZIPF, 0, 0, 1, &why), -EINVAL);
	EXPECT_TRUE(why != NULL);
	EXPECT_EQ(smm_workload_init(g, SHADOWMM_WORKLOAD_ZIPF, 401, 0, 1, &why), -EINVAL);
	EXPECT_EQ(smm_workload_init(g, SHADOWMM_WORKLOAD_ZIPF, 400, 0, 1, &why), 0);
	for (i = 0; i < 10000; i++)
		first += smm_workload_next(g, 1ULL << 40, &w) == 0;
	/* S = 4: rank 1 is 1/zeta(4) = 92.4 % of the draws */
	EXPECT_TRUE(first >= 9100 && first <= 9380);
	EXPECT_EQ(smm_workload_init(g, SHADOWMM_WORKLOAD_ZIPF, 1, 0, 1, &why), 0);
	for (i = 0; i < 10000; i++)
		ASSERT_LT(smm_workload_next(g, 1ULL << 47, &w), 1ULL << 47);
	/* the VMAs shrink: the table follows */
	for (i = 0; i < 1000; i++)
		ASSERT_LT(smm_workload_next(g, 3, &w), 3);
	free(g);
}

/* The fixed-point log2 and powers against libm: relative error below 1e-7. */
SMM_TEST(workload_zipf_fixed_point)
{
	static const uint64_t xs[] = { 1, 2, 3, 7, 1000, 12345, 1ULL << 20, 999999937, 1ULL << 47 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(xs); i++) {
		double l = smm_zipf_log2(xs[i]) / 4294967296.0;
		double wgt = smm_zipf_weight(1, 99 * smm_zipf_log2(xs[i]) / 100, 60) / 0x1p60;
		double want = pow((double)xs[i], -0.99);

		EXPECT_TRUE(fabs(l - log2((double)xs[i])) < 1e-8);
		if (fabs(wgt - want) > 1e-7 * want + 0x1p-58) {
			printf("# %" PRIu64 "^-0.99: expected %.12g, seen %.12g\n", xs[i], want, wgt);
			_t->failed = 1;
		}
	}
}
