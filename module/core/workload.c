// SPDX-License-Identifier: GPL-2.0
/*
 * The workload generator's access stream (workload.h). A space's memory
 * is the pages of its VMAs in address order, numbered from 0; each step
 * picks one of them by the pattern:
 *
 *   SEQ       0, 1, 2, ... and round again: a streaming reader
 *   RANDOM    uniform over every page
 *   HOT_COLD  PARAM % of the accesses uniform over the first fifth of
 *             the pages (the hot set, at least one page), the others
 *             uniform over the rest: PARAM 80 is the 80/20 rule
 *   ZIPF      page r-1 (rank r: rank 1 is page 0, no permutation, so
 *             the hottest pages are the first ones, as for HOT_COLD)
 *             with probability proportional to 1/r^S, S = PARAM/100
 *             (0.01 to 4.00); see smm_zipf_next() for how, without
 *             floating point
 *
 * and whether it writes: WRITE_PCT % of the steps, at random. The
 * random numbers are xorshift64* (Vigna), reduced to a range by a
 * 64x64 -> 128-bit multiply's high half, so every page is reachable
 * and no division runs per step. The caller holds the spaces' lock for
 * the VMA helpers (the VMAs may change between batches: the page count
 * is read again each time).
 */
#include "workload.h"
#include "vma.h"

/* xorshift64*: a 64-bit state that is never 0, one step. */
static u64 smm_workload_rand(struct smm_workload_gen *g)
{
	g->rng ^= g->rng >> 12;
	g->rng ^= g->rng << 25;
	g->rng ^= g->rng >> 27;
	return g->rng * 0x2545f4914f6cdd1dULL;
}

/* A number in [0, @n), @n > 0: the high half of rand * n. */
static u64 smm_workload_below(struct smm_workload_gen *g, u64 n)
{
	return (u64)(((unsigned __int128)smm_workload_rand(g) * n) >> 64);
}

/*
 * Checks the pattern and its parameters (-EINVAL and *@why on a bad
 * one) and seeds the generator. @seed 0 is allowed (it is replaced).
 */
int smm_workload_init(struct smm_workload_gen *g, u32 pattern, u32 param, u32 write_pct,
		      u64 seed, const char **why)
{
	if (pattern > SHADOWMM_WORKLOAD_ZIPF) {
		*why = "unknown pattern: seq, random, hot-cold or zipf";
		return -EINVAL;
	}
	if (pattern == SHADOWMM_WORKLOAD_ZIPF &&
	    (param < SMM_ZIPF_S_MIN || param > SMM_ZIPF_S_MAX)) {
		*why = "zipf's exponent is 0.01-4.00 (1-400 hundredths)";
		return -EINVAL;
	}
	if (pattern == SHADOWMM_WORKLOAD_HOT_COLD && param > 100) {
		*why = "hot-cold's share is a percentage (0-100)";
		return -EINVAL;
	}
	if (pattern < SHADOWMM_WORKLOAD_HOT_COLD && param) {
		*why = "only hot-cold and zipf take a parameter";
		return -EINVAL;
	}
	if (write_pct > 100) {
		*why = "the share of writes is a percentage (0-100)";
		return -EINVAL;
	}
	memset(g, 0, sizeof(*g));
	g->pattern = pattern;
	g->param = param;
	g->write_pct = write_pct;
	g->rng = seed ? seed : 0x9e3779b97f4a7c15ULL;
	return 0;
}

/*
 * ZIPF without floating point. Rank r's weight r^-S is 2^(-S log2 r):
 * smm_zipf_log2() and smm_zipf_weight() are Q32 fixed point (32
 * fraction bits, error below 1e-8). The ranks 1..pages fall into at
 * most SMM_ZIPF_BUCKETS buckets (the first 32 ranks one each, then two
 * per octave), whose cumulative weights smm_zipf_build() tabulates
 * once per page count: memory independent of the pages. A sample draws
 * a bucket by binary search on that table (exact but for the weights'
 * rounding), then a rank in it by rejection: uniform in [lo, hi),
 * kept with probability (lo/x)^S, which makes it exactly 1/x^S inside
 * the bucket. A bucket spans at most 1.5x, so at S = 4 a try is kept
 * with probability above 1/5; after 32 tries the last one is taken
 * (a bias below 1e-3 of that bucket's draws, and only at S near 4,
 * where the buckets past rank 32 weigh less than 1e-5 together).
 * Bucket weights sum 8 midpoint slices each (exact below 9 ranks):
 * relative error below S(S+1)/24 * (1/16)^2, 0.01 % at S = 1.
 */
static const u32 smm_zipf_root2[32] = {	/* 2^(2^-k) in Q31, k = 1..32 */
	0xb504f334U, 0x9837f052U, 0x8b95c1e4U, 0x85aac368U,
	0x82cd8699U, 0x8164d1f4U, 0x80b1ed50U, 0x8058d7d3U,
	0x802c6437U, 0x8016302fU, 0x800b179dU, 0x80058bafU,
	0x8002c5d0U, 0x800162e6U, 0x8000b173U, 0x800058b9U,
	0x80002c5dU, 0x8000162eU, 0x80000b17U, 0x8000058cU,
	0x800002c6U, 0x80000163U, 0x800000b1U, 0x80000059U,
	0x8000002cU, 0x80000016U, 0x8000000bU, 0x80000006U,
	0x80000003U, 0x80000001U, 0x80000001U, 0x80000000U,
};

/* log2(@x) in Q32, @x >= 1: the integer part, then the fraction bit by bit by squaring. */
u64 smm_zipf_log2(u64 x)
{
	int i = 63 - __builtin_clzll(x), k;
	u64 m = i >= 31 ? x >> (i - 31) : x << (31 - i);	/* Q31, in [1, 2) */
	u64 r = (u64)i << 32;

	for (k = 1; k <= 32; k++) {
		m = (m * m) >> 31;
		if (m >= (1ULL << 32)) {
			m >>= 1;
			r |= 1ULL << (32 - k);
		}
	}
	return r;
}

/* 2^@f in Q31 for a Q32 fraction @f in [0, 1): a product of 2^(2^-k). */
static u64 smm_zipf_exp2_frac(u32 f)
{
	u64 r = 1ULL << 31;
	int k;

	for (k = 0; k < 32; k++)
		if (f & (1U << (31 - k)))
			r = (r * smm_zipf_root2[k]) >> 31;
	return r;
}

/*
 * @count * 2^(@shift - @e), @e in Q32 (>= 0), rounded down: the weight
 * of @count ranks of weight 2^-e each on a scale where rank 1 weighs
 * 2^@shift. The caller keeps the result below 2^64.
 */
u64 smm_zipf_weight(u64 count, u64 e, int shift)
{
	u32 f = (u32)e;
	u64 ip = e >> 32, mant = 1ULL << 31;
	unsigned __int128 prod;
	int d;

	if (f) {		/* 2^-e = 2^(1 - f) * 2^-(ip + 1) */
		mant = smm_zipf_exp2_frac((u32)(0x100000000ULL - f));
		ip++;
	}
	if (ip > 200)
		return 0;
	prod = (unsigned __int128)count * mant;
	d = 31 + (int)ip - shift;
	if (d >= 128)
		return 0;
	return d >= 0 ? (u64)(prod >> d) : (u64)(prod << -d);
}

/* Bucket @k's ranks, [*@lo, *@hi). */
static void smm_zipf_bucket(u32 k, u64 *lo, u64 *hi)
{
	u32 o;

	if (k < SMM_ZIPF_SINGLES) {
		*lo = k + 1;
		*hi = k + 2;
		return;
	}
	o = 5 + (k - SMM_ZIPF_SINGLES) / 2;
	*lo = (k - SMM_ZIPF_SINGLES) % 2 ? 3ULL << (o - 1) : 1ULL << o;
	*hi = (k - SMM_ZIPF_SINGLES) % 2 ? 1ULL << (o + 1) : 3ULL << (o - 1);
}

/* S log2(@x2 / 2) in Q32, @x2 >= 2: the exponent of the weight at rank @x2/2. */
static u64 smm_zipf_exp_half(u32 s, u64 x2)
{
	return s * (smm_zipf_log2(x2) - (1ULL << 32)) / 100;
}

/* The weight of ranks [@lo, @hi) at exponent @s/100, rank 1 = 2^@shift. */
static u64 smm_zipf_mass(u32 s, u64 lo, u64 hi, int shift)
{
	u64 sum = 0, c, d, i;

	if (hi - lo <= 8) {
		for (c = lo; c < hi; c++)
			sum += smm_zipf_weight(1, s * smm_zipf_log2(c) / 100, shift);
		return sum;
	}
	for (i = 0; i < 8; i++) {	/* slice [c, d): its middle rank (c + d - 1) / 2 */
		c = lo + (hi - lo) * i / 8;
		d = lo + (hi - lo) * (i + 1) / 8;
		sum += smm_zipf_weight(d - c, smm_zipf_exp_half(s, c + d - 1), shift);
	}
	return sum;
}

/*
 * The table for @pages (1 .. 2^48 - 1): rank 1 weighs 2^(60 - bits of
 * pages), so the sum of all weights (at most pages times rank 1's)
 * stays below 2^61.
 */
static void smm_zipf_build(struct smm_zipf *z, u32 s, u64 pages)
{
	int shift = 60 - (64 - __builtin_clzll(pages));
	u64 lo, hi, sum = 0;
	u32 k;

	for (k = 0; k < SMM_ZIPF_BUCKETS; k++) {
		smm_zipf_bucket(k, &lo, &hi);
		if (lo > pages)
			break;
		sum += smm_zipf_mass(s, lo, hi <= pages ? hi : pages + 1, shift);
		z->cdf[k] = sum;
	}
	z->nr = k;
	z->pages = pages;
}

/*
 * A ZIPF page in [0, @pages): the bucket by binary search on the
 * cumulative weights, the rank in it by rejection (see above). The
 * table is rebuilt when the VMAs' page count changed (about 1,000
 * fixed-point powers, under the spaces' lock like every step).
 */
static u64 smm_zipf_next(struct smm_workload_gen *g, u64 pages)
{
	struct smm_zipf *z = &g->zipf;
	u64 u, lo, hi, x, base;
	u32 a = 0, b, tries;

	if (pages >= (1ULL << SMM_ZIPF_MAX_BITS))
		pages = (1ULL << SMM_ZIPF_MAX_BITS) - 1;
	if (z->pages != pages)
		smm_zipf_build(z, g->param, pages);
	u = smm_workload_below(g, z->cdf[z->nr - 1]);
	for (b = z->nr - 1; a < b; ) {	/* the first bucket whose cdf exceeds u */
		u32 mid = a + (b - a) / 2;

		if (z->cdf[mid] > u)
			b = mid;
		else
			a = mid + 1;
	}
	smm_zipf_bucket(a, &lo, &hi);
	if (hi > pages + 1)
		hi = pages + 1;
	if (hi - lo == 1)
		return lo - 1;
	base = smm_zipf_log2(lo);
	for (tries = 0; ; tries++) {
		x = lo + smm_workload_below(g, hi - lo);
		if (tries == 31 || smm_workload_below(g, 1ULL << 32) <
		    smm_zipf_weight(1, g->param * (smm_zipf_log2(x) - base) / 100, 32))
			return x - 1;
	}
}

/* The next page index in [0, @pages) (@pages > 0), and *@write. */
u64 smm_workload_next(struct smm_workload_gen *g, u64 pages, bool *write)
{
	u64 hot, idx;

	*write = g->write_pct && smm_workload_below(g, 100) < g->write_pct;
	switch (g->pattern) {
	case SHADOWMM_WORKLOAD_SEQ:
		idx = g->pos < pages ? g->pos : 0;
		g->pos = idx + 1;
		return idx;
	case SHADOWMM_WORKLOAD_HOT_COLD:
		hot = pages / 5 ? pages / 5 : 1;
		if (hot == pages || smm_workload_below(g, 100) < g->param)
			return smm_workload_below(g, hot);
		return hot + smm_workload_below(g, pages - hot);
	case SHADOWMM_WORKLOAD_ZIPF:
		return smm_zipf_next(g, pages);
	default:
		return smm_workload_below(g, pages);
	}
}

/* The pages the workload draws from: all of the space's VMAs. Spaces' lock held. */
u64 smm_workload_pages(const struct smm_space *s)
{
	return smm_vma_pages(s);
}

/* The address of page @idx of the VMAs (idx < smm_workload_pages()). Spaces' lock held. */
u64 smm_workload_addr(const struct smm_space *s, u64 idx)
{
	u32 i;

	for (i = 0; i < s->vm.nr; i++) {
		u64 n = (s->vm.vma[i].end - s->vm.vma[i].start) >> SMM_PAGE_SHIFT;

		if (idx < n)
			return s->vm.vma[i].start + (idx << SMM_PAGE_SHIFT);
		idx -= n;
	}
	return 0;
}
