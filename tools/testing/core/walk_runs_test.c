// SPDX-License-Identifier: GPL-2.0
/*
 * The leaves mode's runs (module/core/walk_runs.c) against a per-page
 * model: on random tables (hand-built in the x86-64 and arm64 formats,
 * and a shadow space's), the runs expanded back page by page must give
 * exactly the leaves a walk of each address from the top gives, and no
 * two runs of one call may be joinable. Then each joining rule on its
 * own: a break in frames, flags, page size or virtual addresses starts
 * a run, and without frames (no CAP_SYS_ADMIN) frames do not count.
 *
 *   PGD[0] -> PUD: [0] -> PMD table, [1] a 1G leaf or empty
 *   PMD: 512 entries, each a PTE table (5 of them), a 2M leaf, or empty
 *   PTE: empty, present or PROT_NONE 4K leaves (frames mostly following
 *        on, flags from a few), swap entries; arm64: contiguous bits
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "common.h"
#include "fake_pt.h"
#include "../../../module/core/space.h"

#define RUNS_SPAN	(2ULL << 30)		/* PUD entries 0 and 1 */
#define RUNS_MAX	(1U << 20)

/* One leaf as the model sees it: a page, its first frame, size, flags. */
struct leaf {
	u64 addr, pfn;
	unsigned int shift;
	u32 flags;
};

static struct leaf model[RUNS_MAX], got[RUNS_MAX];
static struct shadowmm_pt_run runs[64];
static unsigned int nruns;		/* runs made by runs_of() */

static const unsigned int prots[] = {
	SHADOWMM_PROT_WRITE | SHADOWMM_PROT_USER,
	SHADOWMM_PROT_USER,
	SHADOWMM_PROT_WRITE | SHADOWMM_PROT_USER | SHADOWMM_PROT_EXEC,
	SHADOWMM_PROT_NONE,
};

/* A leaf of @level in @pt's format with a random protection of prots[]. */
static u64 rand_leaf(const struct fake_pt *pt, unsigned int level, u64 pfn)
{
	unsigned int prot = prots[random() % 4 ? 0 : random() % ARRAY_SIZE(prots)];

	return smm_pte_make(pt->fmt, level, pfn, prot, true);
}

/* The random tables of the picture above. */
static void rand_tables(struct fake_pt *pt, const struct smm_pt_fmt *fmt)
{
	unsigned int i, j, ptes = 3;
	u64 pfn = 0x100000;
	bool arm = fmt->arch == SMM_PT_ARM64;

	fake_init(pt, fmt, 0x10);
	pt->t[0][0] = fake_table(pt, 1);
	pt->t[1][0] = fake_table(pt, 2);
	if (random() % 2)
		pt->t[1][1] = rand_leaf(pt, SHADOWMM_PT_PUD, 0x400000);
	for (i = 0; i < SMM_PT_ENTRIES; i++) {
		unsigned int r = random() % 8;

		if (r < 2 && ptes < FAKE_PT_TABLES) {
			pt->t[2][i] = fake_table(pt, ptes++);
		} else if (r < 4) {
			pfn = random() % 3 ? pfn + 512 : pfn + 512 * (1 + random() % 4);
			pt->t[2][i] = rand_leaf(pt, SHADOWMM_PT_PMD, pfn);
		}
	}
	for (i = 3; i < FAKE_PT_TABLES; i++) {
		for (j = 0; j < SMM_PT_ENTRIES; j++) {
			unsigned int r = random() % 16;

			pfn = random() % 8 ? pfn + 1 : pfn + 2 + random() % 100;
			if (r == 0)
				continue;				/* empty */
			if (r == 1 && !arm) {
				pt->t[i][j] = (pfn << 14) | 0x40;	/* a swap entry */
				continue;
			}
			pt->t[i][j] = rand_leaf(pt, SHADOWMM_PT_PTE, pfn);
			if (r < 4) {
				/* a few flags of their own: accessed, dirty */
				pt->t[i][j] |= arm ? SMM_ARM64_CONT : SMM_PTE_DIRTY;
				if (!arm)
					pt->t[i][j] &= ~SMM_PTE_ACCESSED;
			}
			/* arm64: a dirty member makes its contiguous range's flags dirty */
			if (arm && r == 4)
				pt->t[i][j] |= SMM_ARM64_CONT | SMM_ARM64_SW_DIRTY;
		}
	}
}

/* The model: walk each address from the top, stepping by what it maps. */
static unsigned int model_leaves(smm_walk_va_fn walk, void *priv, u64 va, u64 last)
{
	struct smm_walk w;
	unsigned int n = 0;
	u64 next;

	for (;;) {
		if (walk(priv, va, &w))
			return ~0U;
		if (w.kind == SHADOWMM_PT_PAGE && n < RUNS_MAX) {
			model[n].addr = w.start;
			model[n].pfn = w.pfn - ((va - w.start) >> SMM_PAGE_SHIFT);
			model[n].shift = __builtin_ctzll(w.size);
			model[n].flags = w.flags;
			n++;
		}
		next = w.start + w.size;
		if (!next || next - 1 >= last)
			return n;
		va = next;
	}
}

/* Append the pages of @r's runs to got[] from *@n; false on joinable neighbours. */
static bool expand(const struct smm_runs *r, unsigned int *n)
{
	unsigned int i, p;

	for (i = 0; i < r->nr; i++) {
		const struct shadowmm_pt_run *run = &r->run[i];

		if (i) {
			const struct shadowmm_pt_run *prev = &r->run[i - 1];
			bool joinable = prev->shift == run->shift && prev->flags == run->flags &&
					prev->addr + ((u64)prev->pages << prev->shift) == run->addr &&
					(!r->pfns || prev->pfn + ((u64)prev->pages <<
					 (prev->shift - SMM_PAGE_SHIFT)) == run->pfn);
			if (joinable) {
				printf("# runs %u and %u of a call could be one\n", i - 1, i);
				return false;
			}
		}
		for (p = 0; p < run->pages && *n < RUNS_MAX; p++, (*n)++) {
			got[*n].addr = run->addr + ((u64)p << run->shift);
			got[*n].pfn = r->pfns ? run->pfn + ((u64)p << (run->shift - SMM_PAGE_SHIFT)) : 0;
			got[*n].shift = run->shift;
			got[*n].flags = run->flags;
		}
	}
	return true;
}

/* Compare got[] with model[]; print the first difference. */
static bool same_leaves(unsigned int n_got, unsigned int n_model, bool pfns)
{
	unsigned int i;

	if (n_got != n_model) {
		printf("# %u pages in the runs, the per-page walk has %u\n", n_got, n_model);
		return false;
	}
	for (i = 0; i < n_got; i++) {
		if (got[i].addr == model[i].addr && got[i].shift == model[i].shift &&
		    got[i].flags == model[i].flags && (!pfns || got[i].pfn == model[i].pfn))
			continue;
		printf("# page %u: runs say %#llx pfn %#llx shift %u flags %#x, the walk %#llx pfn %#llx shift %u flags %#x\n",
		       i, (unsigned long long)got[i].addr, (unsigned long long)got[i].pfn,
		       got[i].shift, got[i].flags, (unsigned long long)model[i].addr,
		       (unsigned long long)model[i].pfn, model[i].shift, model[i].flags);
		return false;
	}
	return true;
}

/*
 * Build the runs of [va, last] in calls of at most @max runs and @steps
 * entries, through the table-following walker (@ops) or the per-address
 * one (@walk); got[] gets their pages. Returns the pages, ~0U on error.
 */
static unsigned int runs_of(const struct smm_walk_ops *ops, smm_walk_va_fn walk, void *priv,
			    u64 va, u64 last, unsigned int max, unsigned int steps, bool pfns)
{
	struct smm_runs r = { .run = runs, .max = max, .pfns = pfns };
	unsigned int n = 0, calls = 0;
	int ret;

	do {
		r.nr = 0;
		r.steps = steps;
		ret = ops ? smm_walk_leaves(ops, priv, &va, last, &r) :
			    smm_walk_leaves_by(walk, priv, &va, last, &r);
		if (ret < 0 || !expand(&r, &n) || ++calls > 10000000)
			return ~0U;
		nruns += r.nr;
	} while (!ret);
	return n;
}

static const struct smm_walk_ops *fake_ops;

static int fake_walk(void *priv, u64 va, struct smm_walk *w)
{
	return smm_walk_va(fake_ops, priv, va, w);
}

/*
 * Random tables in each format, random ranges, random limits on a call:
 * the runs expanded equal the per-page walk, frames shown or not.
 */
SMM_TEST(walk_runs_random_tables_against_per_page_walk)
{
	static const struct smm_pt_fmt *const fmts[] = {
		&smm_pt_x86_48, &smm_pt_x86_57, &smm_pt_arm64_v61_48, &smm_pt_arm64_v610_48,
	};
	static struct fake_pt pt;
	unsigned int f, round, joined = 0, pages = 0;

	srandom(22);
	for (f = 0; f < ARRAY_SIZE(fmts); f++) {
		struct smm_walk_ops ops = { .read = fake_read, .fmt = fmts[f] }, ops_n;

		fake_ops = &ops;
		for (round = 0; round < 12; round++) {
			u64 va = (random() % (RUNS_SPAN >> 12)) << 12, last;
			unsigned int max = 1 + random() % 64, steps = 1 + random() % 2000;
			unsigned int nm, ng;
			bool pfns = round % 3 != 2;

			if (round < 4)
				va = 0;
			last = va + (random() % (RUNS_SPAN - va)) + (round % 2 ? 0 : 4095);
			if (round == 0)
				last = RUNS_SPAN - 1;
			if (round % 4 == 0)
				rand_tables(&pt, fmts[f]);
			nm = model_leaves(fake_walk, &pt, va, last);
			ASSERT_NE(nm, ~0U);
			ng = runs_of(&ops, NULL, &pt, va, last, max, steps, pfns);
			ASSERT_NE(ng, ~0U);
			ASSERT_TRUE(same_leaves(ng, nm, pfns));
			/* the same with a backend that reads a batch at a time */
			ops_n = ops;
			ops_n.read_n = fake_read_n;
			ng = runs_of(&ops_n, NULL, &pt, va, last, max, steps, pfns);
			ASSERT_TRUE(same_leaves(ng, nm, pfns));
			/* and one that also counts the pages that follow on */
			ops_n.count_seq = fake_count_seq;
			ng = runs_of(&ops_n, NULL, &pt, va, last, max, steps, pfns);
			ASSERT_TRUE(same_leaves(ng, nm, pfns));
			ops_n.count_seq = NULL;
			/* the same through the per-address walker */
			ng = runs_of(NULL, fake_walk, &pt, va, last, max, steps, pfns);
			ASSERT_TRUE(same_leaves(ng, nm, pfns));
			pages += nm;
			/* one call with room for all: runs are fewer than pages */
			/* with room: the runs count */
			nruns = 0;
			ng = runs_of(&ops, NULL, &pt, va, last, 64, ~0U, pfns);
			ASSERT_TRUE(same_leaves(ng, nm, pfns));
			joined += nruns;
		}
	}
	printf("# %u leaves compared, %u runs with room\n", pages, joined);
	/* tables that hold nothing test nothing; runs that join nothing neither */
	ASSERT_TRUE(pages > 20000 && joined < pages * 3 / 4);
}

/* The walk of a shadow space, for smm_walk_leaves_by(). */
static int space_walk(void *priv, u64 va, struct smm_walk *w)
{
	return smm_space_walk(priv, va, w);
}

#define SP_PFN		0x10000ULL
#define SP_VA		0x40000000ULL
#define SP_PAGES	4096U

/* A shadow space mapped at random (4K runs, 2M pages, prots): the same check. */
SMM_TEST(walk_runs_random_space_against_per_page_walk)
{
	struct smm_mm_config cfg = { .nr_cpus = 1, .pcp_enabled = true };
	struct smm_test_mm t;
	struct smm_space s;
	void *mem;
	unsigned int i, nm, ng, maps = 0;

	srandom(23);
	memset(&t, 0, sizeof(t));
	mem = aligned_alloc(SMM_PAGE_SIZE, 16384ULL << SMM_PAGE_SHIFT);
	ASSERT_TRUE(mem != NULL);
	ASSERT_EQ(smm_range_init(&t.range, 1), 0);
	ASSERT_EQ(smm_range_add_section(&t.range, SP_PFN, 16384, mem), 0);
	ASSERT_EQ(smm_range_finish(&t.range), 0);
	ASSERT_EQ(smm_mm_init(&t.mm, &t.range, &cfg), 0);
	ASSERT_EQ(smm_space_init(&s, &t.mm, 7, 4), 0);
	for (i = 0; i < 400; i++) {
		unsigned int p = random() % SP_PAGES, n = 1 + random() % 24;
		unsigned int prot = prots[random() % ARRAY_SIZE(prots)];

		if (random() % 16 == 0) {
			p &= ~511U;
			if (!smm_space_check_map(&s, SP_VA + p * 4096ULL, 1, 21, prot) &&
			    !smm_space_map(&s, SP_VA + p * 4096ULL, 1, 21, prot))
				maps++;
		} else if (p + n <= SP_PAGES &&
			   !smm_space_check_map(&s, SP_VA + p * 4096ULL, n, 12, prot) &&
			   !smm_space_map(&s, SP_VA + p * 4096ULL, n, 12, prot)) {
			maps++;
		}
	}
	for (i = 0; i < 8; i++) {
		u64 va = SP_VA - 0x200000 + (random() % (SP_PAGES + 1024)) * 4096ULL;
		u64 last = va + (random() % (SP_PAGES + 512)) * 4096ULL + 4095;
		bool pfns = i % 4 != 3;

		if (i == 0) {
			va = 0;
			last = SP_VA + (1ULL << 30);
		}
		nm = model_leaves(space_walk, &s, va, last);
		ASSERT_NE(nm, ~0U);
		ng = runs_of(NULL, space_walk, &s, va, last, 1 + random() % 64,
			     1 + random() % 3000, pfns);
		ASSERT_TRUE(same_leaves(ng, nm, pfns));
	}
	printf("# %u maps, %u leaves in the whole window\n", maps, nm);
	ASSERT_TRUE(maps > 100 && nm > 1000);
	smm_space_destroy(&s);
	smm_test_mm_destroy(&t);
	free(mem);
}

/*
 * Each rule alone, on one PTE table of hand-made leaves and a 2M page:
 *
 *   4K page  0   1   2   3   4   5   6   7   8 ...  511 | 2M page 1
 *   pfn     100 101 102 300 301 301 302  -  304     511 | 512
 *   flags    rw  rw  ro  ro  ro  ro  ro  -  ro      ro  | ro, huge
 *
 * frames shown: {0,1} {2} {3,4} {5,6} {8} {511} {2M}: flags, frames
 * jumping, a frame repeated, a virtual gap (7 is empty), the page size
 * (which on x86-64 changes the flags too: huge) each start a run.
 * Frames hidden: {0,1} {2..6} {8} {511} {2M}.
 */
SMM_TEST(walk_runs_each_rule)
{
	static struct fake_pt pt;
	const struct smm_pt_fmt *fmt = &smm_pt_x86_48;
	struct smm_walk_ops ops = { .read = fake_read, .fmt = fmt };
	static const u64 pfn[] = { 100, 101, 102, 300, 301, 301, 302, 0, 304 };
	const unsigned int prot_ro = 0;
	struct smm_runs r = { .run = runs, .max = 64, .steps = ~0U, .pfns = true };
	unsigned int i;
	u64 va = 0;

	fake_init(&pt, fmt, 0x10);
	pt.t[0][0] = fake_table(&pt, 1);
	pt.t[1][0] = fake_table(&pt, 2);
	pt.t[2][0] = fake_table(&pt, 3);
	for (i = 0; i < ARRAY_SIZE(pfn); i++)
		if (pfn[i])
			pt.t[3][i] = smm_pte_make(fmt, SHADOWMM_PT_PTE, pfn[i],
						  i < 2 ? SHADOWMM_PROT_WRITE : prot_ro, true);
	pt.t[3][511] = smm_pte_make(fmt, SHADOWMM_PT_PTE, 511, prot_ro, true);
	pt.t[2][1] = smm_pte_make(fmt, SHADOWMM_PT_PMD, 512, prot_ro, true);

	ASSERT_EQ(smm_walk_leaves(&ops, &pt, &va, (4ULL << 20) - 1, &r), 1);
	ASSERT_EQ(r.nr, 7);
	EXPECT_EQ(runs[0].addr, 0);
	EXPECT_EQ(runs[0].pfn, 100);
	EXPECT_EQ(runs[0].pages, 2);			/* frames and flags follow on */
	EXPECT_EQ(runs[1].pfn, 102);
	EXPECT_EQ(runs[1].pages, 1);			/* flags differ from run 0 */
	EXPECT_EQ(runs[2].pfn, 300);
	EXPECT_EQ(runs[2].pages, 2);			/* frames jump from 102 */
	EXPECT_EQ(runs[3].pfn, 301);
	EXPECT_EQ(runs[3].pages, 2);			/* frame 301 again */
	EXPECT_EQ(runs[4].addr, 8 * 4096);		/* a virtual gap at page 7 */
	EXPECT_EQ(runs[4].pages, 1);
	EXPECT_EQ(runs[5].pfn, 511);
	EXPECT_EQ(runs[6].addr, 2ULL << 20);		/* a new page size */
	EXPECT_EQ(runs[6].shift, 21);
	EXPECT_EQ(runs[6].pfn, 512);
	EXPECT_EQ(runs[6].pages, 1);
	EXPECT_EQ(runs[6].flags & SHADOWMM_PTF_HUGE, SHADOWMM_PTF_HUGE);
	EXPECT_EQ(runs[0].flags & SHADOWMM_PTF_WRITE, SHADOWMM_PTF_WRITE);
	EXPECT_EQ(runs[1].flags & SHADOWMM_PTF_WRITE, 0);

	/* without frames, only flags, size and addresses split */
	va = 0;
	r.nr = 0;
	r.pfns = false;
	ASSERT_EQ(smm_walk_leaves(&ops, &pt, &va, (4ULL << 20) - 1, &r), 1);
	ASSERT_EQ(r.nr, 5);
	EXPECT_EQ(runs[0].pages, 2);
	EXPECT_EQ(runs[1].pages, 5);
	EXPECT_EQ(runs[1].pfn, 0);
	EXPECT_EQ(runs[2].addr, 8 * 4096);
	EXPECT_EQ(runs[3].addr, 511 * 4096);
	EXPECT_EQ(runs[4].shift, 21);

	/* a full run[] stops the call at the page it could not take */
	va = 0;
	r.nr = 0;
	r.max = 2;
	r.pfns = true;
	ASSERT_EQ(smm_walk_leaves(&ops, &pt, &va, (4ULL << 20) - 1, &r), 0);
	EXPECT_EQ(r.nr, 2);
	EXPECT_EQ(va, 3 * 4096);
	/* and spent steps stop it at the next entry */
	va = 0;
	r.nr = 0;
	r.max = 64;
	r.steps = 3;
	ASSERT_EQ(smm_walk_leaves(&ops, &pt, &va, (4ULL << 20) - 1, &r), 0);
	EXPECT_EQ(va, 3 * 4096);
	EXPECT_EQ(r.nr, 2);
	/* along the PGD: empty entries, then a 1G page below PGD[2] */
	pt.t[0][2] = fake_table(&pt, 4);
	pt.t[4][0] = smm_pte_make(fmt, SHADOWMM_PT_PUD, 0x80000, prot_ro, true);
	va = 1ULL << 30;
	r.nr = 0;
	r.steps = ~0U;
	ASSERT_EQ(smm_walk_leaves(&ops, &pt, &va, (3ULL << 39) - 1, &r), 1);
	ASSERT_EQ(r.nr, 1);
	EXPECT_EQ(runs[0].addr, 2ULL << 39);
	EXPECT_EQ(runs[0].shift, 30);
	EXPECT_EQ(runs[0].pfn, 0x80000);

	/*
	 * A 2M page at 2G, a 1G page at 3G, flags equal, and frames and
	 * addresses as a run of two pages of the second's size would have
	 * them: only the page size tells them apart.
	 */
	pt.t[1][2] = fake_table(&pt, 5);
	pt.t[5][0] = smm_pte_make(fmt, SHADOWMM_PT_PMD, 0x40000, prot_ro, true);
	pt.t[1][3] = smm_pte_make(fmt, SHADOWMM_PT_PUD, 0x80000, prot_ro, true);
	va = 2ULL << 30;
	r.nr = 0;
	ASSERT_EQ(smm_walk_leaves(&ops, &pt, &va, (4ULL << 30) - 1, &r), 1);
	ASSERT_EQ(r.nr, 2);
	EXPECT_EQ(runs[0].shift, 21);
	EXPECT_EQ(runs[0].flags, runs[1].flags);
	EXPECT_EQ(runs[1].shift, 30);
	EXPECT_EQ(runs[1].addr, 3ULL << 30);

	/* a range inside a huge page gives the whole page, once */
	va = (2ULL << 20) + 5 * 4096;
	r.nr = 0;
	r.steps = ~0U;
	ASSERT_EQ(smm_walk_leaves(&ops, &pt, &va, va + 4096, &r), 1);
	ASSERT_EQ(r.nr, 1);
	EXPECT_EQ(runs[0].addr, 2ULL << 20);
	EXPECT_EQ(runs[0].pages, 1);
}

#define FOLLOW_VA	(1ULL << 44)		/* PGD[32]: room below for a long run */
#define FOLLOW_PFN	0x100000000ULL

/*
 * The leaves of [FOLLOW_VA + @from pages, @last] in calls of @steps
 * entries, through a backend that reads entry by entry (@how 0), a batch
 * at a time (1) or also counts the pages that follow on (2); @pre, when
 * set, is a run already in run[] before the first call. The runs in
 * runs[], their number returned; *@calls gets the calls made.
 */
static unsigned int follow_runs(struct fake_pt *pt, unsigned int how, unsigned int from,
				u64 last, unsigned int steps, const struct shadowmm_pt_run *pre,
				unsigned int *calls)
{
	struct smm_walk_ops ops = { .read = fake_read, .fmt = pt->fmt };
	struct smm_runs r = { .run = runs, .max = 64, .pfns = true };
	u64 va = FOLLOW_VA + ((u64)from << SMM_PAGE_SHIFT);
	int ret;

	if (how > 0)
		ops.read_n = fake_read_n;
	if (how > 1)
		ops.count_seq = fake_count_seq;
	if (pre)
		runs[r.nr++] = *pre;
	*calls = 0;
	do {
		r.steps = steps;
		ret = smm_walk_leaves(&ops, pt, &va, last, &r);
		++*calls;
	} while (!ret && *calls < 1000);
	return ret == 1 ? r.nr : ~0U;
}

/*
 * The pages that follow on (the next frame, the same bits), one PTE
 * table of them with a break in frames at page 300:
 *
 *   page   0 1 2 ... 299 | 300 301 ... 511      (then nothing mapped)
 *   frame  F F+1 ... F+299 | F+1000 ... F+1211
 *
 * through each backend: two runs {0..299} {300..511}; a range that ends
 * mid-table (page 100, at a byte inside it) stops the run there; calls
 * of 7 entries each give the same runs in 512 / 7 calls; and a run that
 * reaches 2^32 - 1 pages stops growing: the next page starts a run.
 */
SMM_TEST(walk_runs_follow_on_limits)
{
	static struct fake_pt pt;
	const struct smm_pt_fmt *fmt = &smm_pt_x86_48;
	const unsigned int prot = SHADOWMM_PROT_WRITE | SHADOWMM_PROT_USER;
	struct shadowmm_pt_run pre;
	unsigned int i, how, calls;
	u64 end = FOLLOW_VA + (2ULL << 20) - 1;

	fake_init(&pt, fmt, 0x10);
	pt.t[0][32] = fake_table(&pt, 1);
	pt.t[1][0] = fake_table(&pt, 2);
	pt.t[2][0] = fake_table(&pt, 3);
	for (i = 0; i < SMM_PT_ENTRIES; i++)
		pt.t[3][i] = smm_pte_make(fmt, SHADOWMM_PT_PTE, FOLLOW_PFN + i + (i < 300 ? 0 : 1000),
					  prot, true);
	for (how = 0; how < 3; how++) {
		printf("# backend %u\n", how);
		ASSERT_EQ(follow_runs(&pt, how, 0, end, ~0U, NULL, &calls), 2);
		EXPECT_EQ(runs[0].pages, 300);
		EXPECT_EQ(runs[1].pfn, FOLLOW_PFN + 1300);
		EXPECT_EQ(runs[1].pages, 212);
		/* the range ends inside page 100 */
		ASSERT_EQ(follow_runs(&pt, how, 0, FOLLOW_VA + 100 * 4096 + 17, ~0U, NULL, &calls), 1);
		EXPECT_EQ(runs[0].pages, 101);
		/* from page 5, 7 entries a call */
		ASSERT_EQ(follow_runs(&pt, how, 5, end, 7, NULL, &calls), 2);
		EXPECT_EQ(runs[0].addr, FOLLOW_VA + 5 * 4096);
		EXPECT_EQ(runs[0].pages, 295);
		EXPECT_EQ(runs[1].pages, 212);
		EXPECT_EQ(calls, (507 + 6) / 7);
		/* a run 10 pages short of the limit before the first page */
		pre = runs[0];
		pre.pages = 0xffffffffU - 10;
		pre.addr = FOLLOW_VA - ((u64)pre.pages << SMM_PAGE_SHIFT);
		pre.pfn = FOLLOW_PFN - pre.pages;
		ASSERT_EQ(follow_runs(&pt, how, 0, end, ~0U, &pre, &calls), 3);
		EXPECT_EQ(runs[0].pages, 0xffffffffU);
		EXPECT_EQ(runs[1].addr, FOLLOW_VA + 10 * 4096);
		EXPECT_EQ(runs[1].pfn, FOLLOW_PFN + 10);
		EXPECT_EQ(runs[1].pages, 290);
		EXPECT_EQ(runs[2].pages, 212);
	}
}
