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
	if (pattern > SHADOWMM_WORKLOAD_HOT_COLD) {
		*why = "unknown pattern: seq, random or hot-cold";
		return -EINVAL;
	}
	if (pattern == SHADOWMM_WORKLOAD_HOT_COLD ? param > 100 : param != 0) {
		*why = "only hot-cold takes a parameter, a percentage (0-100)";
		return -EINVAL;
	}
	if (write_pct > 100) {
		*why = "the share of writes is a percentage (0-100)";
		return -EINVAL;
	}
	*g = (struct smm_workload_gen) {
		.pattern = pattern, .param = param, .write_pct = write_pct,
		.rng = seed ? seed : 0x9e3779b97f4a7c15ULL,
	};
	return 0;
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
	default:
		return smm_workload_below(g, pages);
	}
}

/* The pages of the space's VMAs. Spaces' lock held. */
u64 smm_workload_pages(const struct smm_space *s)
{
	u64 pages = 0;
	u32 i;

	for (i = 0; i < s->vm.nr; i++)
		pages += (s->vm.vma[i].end - s->vm.vma[i].start) >> SMM_PAGE_SHIFT;
	return pages;
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
