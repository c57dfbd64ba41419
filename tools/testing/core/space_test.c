// SPDX-License-Identifier: GPL-2.0
/*
 * Shadow address spaces over a buddy whose section has real memory (the
 * tables are written through it): map, translate, unmap, the tables that
 * come and go, refusals that change nothing, running out of memory half
 * way, and random sequences against a reference model.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "common.h"
#include "../../../module/core/space.h"
#include "../../../module/core/owner.h"

#ifndef EXPECT_FALSE
#define EXPECT_FALSE(a)		_SMM_CMP(!!(a), ==, 0, 0)
#endif

#define SPACE_PFN	0x10000ULL	/* the section's first frame: 256 MiB */

struct space_env {
	struct smm_test_mm t;
	void *mem;
	u64 free0;			/* free + pcp frames before the test */
};

/* @frames of memory at pfn 0x10000, with per-CPU lists. */
static int space_env_init(struct space_env *e, u64 frames)
{
	struct smm_mm_config cfg = { .nr_cpus = 1, .pcp_enabled = true };
	int ret;

	memset(e, 0, sizeof(*e));
	e->mem = aligned_alloc(SMM_PAGE_SIZE, frames << SMM_PAGE_SHIFT);
	if (!e->mem)
		return -ENOMEM;
	ret = smm_range_init(&e->t.range, 1);
	if (!ret)
		ret = smm_range_add_section(&e->t.range, SPACE_PFN, frames, e->mem);
	if (!ret)
		ret = smm_range_finish(&e->t.range);
	if (!ret)
		ret = smm_mm_init(&e->t.mm, &e->t.range, &cfg);
	if (ret) {
		smm_range_destroy(&e->t.range);
		free(e->mem);
		return ret;
	}
	e->free0 = smm_test_free_frames(&e->t.mm) + smm_test_pcp_frames(&e->t.mm);
	return 0;
}

static u64 space_env_free(struct space_env *e)
{
	return smm_test_free_frames(&e->t.mm) + smm_test_pcp_frames(&e->t.mm);
}

static void space_env_destroy(struct space_env *e)
{
	smm_test_mm_destroy(&e->t);
	free(e->mem);
}

/* The frame an address translates to, or ~0 for a hole. */
static u64 translate(const struct smm_space *s, u64 va)
{
	struct smm_walk w;

	if (smm_space_walk(s, va, &w) || w.kind != SHADOWMM_PT_PAGE)
		return ~0ULL;
	return w.pfn;
}

static unsigned int frame_type_of_pfn(struct space_env *e, u64 pfn)
{
	u64 idx;

	if (!smm_range_pfn_to_idx(&e->t.range, pfn, &idx))
		return SMM_FRAME_NR_TYPES;
	return smm_frame_type(&e->t.mm.frames[idx]);
}

/*
 * 4-level space, 8 pages at 0x400000 and one at 0x7ffffffff000 (the top
 * of the lower half): two separate PUD/PMD/PTE chains under one PGD.
 *
 *   PGD[0]   -> PUD[0]   -> PMD[2]   -> PTE[0..7]
 *   PGD[255] -> PUD[511] -> PMD[511] -> PTE[511]
 */
SMM_TEST(space_map_translate_unmap)
{
	struct space_env e;
	struct smm_space s;
	u64 i, pfn, seen[8];

	ASSERT_EQ(space_env_init(&e, 4096), 0);
	ASSERT_EQ(smm_space_init(&s, &e.t.mm, 1, 4), 0);
	EXPECT_EQ(s.tables[SHADOWMM_PT_PGD], 1);
	ASSERT_EQ(smm_space_check_map(&s, 0x400000, 8, 12, SHADOWMM_PROT_WRITE), NULL);
	ASSERT_EQ(smm_space_map(&s, 0x400000, 8, 12, SHADOWMM_PROT_WRITE), 0);
	ASSERT_EQ(smm_space_map(&s, 0x7ffffffff000ULL, 1, 12, 0), 0);
	EXPECT_EQ(s.tables[SHADOWMM_PT_PUD], 2);
	EXPECT_EQ(s.tables[SHADOWMM_PT_PMD], 2);
	EXPECT_EQ(s.tables[SHADOWMM_PT_PTE], 2);
	EXPECT_EQ(s.mapped[0], 9);
	EXPECT_EQ(smm_space_frames(&s), 7 + 9);
	EXPECT_EQ(space_env_free(&e), e.free0 - 16);

	for (i = 0; i < 8; i++) {
		pfn = translate(&s, 0x400000 + i * 4096 + 123);
		ASSERT_NE(pfn, ~0ULL);
		EXPECT_EQ(frame_type_of_pfn(&e, pfn), SMM_FRAME_SPACE);
		seen[i] = pfn;
		if (i)
			EXPECT_TRUE(seen[i] != seen[i - 1]);
	}
	EXPECT_EQ(translate(&s, 0x408000), ~0ULL);
	EXPECT_EQ(translate(&s, 0x3ff000), ~0ULL);
	EXPECT_EQ(smm_test_check(&e.t.mm), 0);

	/* unmapping half a table keeps it; the other half frees the chain */
	ASSERT_EQ(smm_space_check_unmap(&s, 0x400000, 4, 12), NULL);
	smm_space_unmap(&s, 0x400000, 4, 12);
	EXPECT_EQ(s.tables[SHADOWMM_PT_PTE], 2);
	EXPECT_EQ(translate(&s, 0x403000), ~0ULL);
	EXPECT_EQ(translate(&s, 0x404000), seen[4]);
	smm_space_unmap(&s, 0x404000, 4, 12);
	EXPECT_EQ(s.tables[SHADOWMM_PT_PTE], 1);
	EXPECT_EQ(s.tables[SHADOWMM_PT_PMD], 1);
	EXPECT_EQ(s.tables[SHADOWMM_PT_PUD], 1);
	smm_space_destroy(&s);
	EXPECT_EQ(space_env_free(&e), e.free0);
	EXPECT_EQ(smm_test_check(&e.t.mm), 0);
	space_env_destroy(&e);
}

/*
 * Spaces in the arm64 formats, as the module builds them on arm64: 48-bit
 * (4 levels) with 6.1's encodings and 52-bit LPA2 (5 levels, 16-entry top
 * table) with 6.10+'s. 8 writable user pages at 0x400000, a 2 MiB
 * PROT_NONE page at 0x40000000 and one page at the top of the space's
 * half (2^47 - 4K, or 2^51 - 4K: top index 7 of 16):
 *
 *   48-bit: PGD[0] -> PUD[0] -> PMD[2] -> PTE[0..7], PUD[1] -> PMD[0] block
 *           PGD[255] -> PUD[511] -> PMD[511] -> PTE[511]
 *   52-bit: the same below PGD[0] -> P4D[0], and PGD[7] -> P4D[511] -> ...
 */
SMM_TEST(space_arm64_formats)
{
	const struct smm_pt_fmt *fmts[] = { &smm_pt_arm64_v61_48, &smm_pt_arm64_v610_52 };
	unsigned int i, k;

	for (i = 0; i < ARRAY_SIZE(fmts); i++) {
		const struct smm_pt_fmt *f = fmts[i];
		u64 top = (1ULL << (f->va_bits - 1)) - 4096;
		struct space_env e;
		struct smm_space s;
		struct smm_walk w;

		ASSERT_EQ(space_env_init(&e, 4096), 0);
		ASSERT_EQ(smm_space_init_fmt(&s, &e.t.mm, 7, f), 0);
		EXPECT_EQ(smm_space_limit(&s), top + 4096);
		ASSERT_EQ(smm_space_map(&s, 0x400000, 8, 12,
					SHADOWMM_PROT_WRITE | SHADOWMM_PROT_USER), 0);
		ASSERT_EQ(smm_space_map(&s, 0x40000000, 1, 21, SHADOWMM_PROT_NONE), 0);
		ASSERT_EQ(smm_space_map(&s, top, 1, 12, SHADOWMM_PROT_EXEC), 0);
		EXPECT_EQ(s.tables[SHADOWMM_PT_PTE], 2);
		EXPECT_EQ(s.tables[SHADOWMM_PT_PMD], 3);
		EXPECT_EQ(s.tables[SHADOWMM_PT_P4D], f->levels == 5 ? 2 : 0);

		for (k = 0; k < 8; k++) {
			ASSERT_EQ(smm_space_walk(&s, 0x400000 + k * 4096 + 5, &w), 0);
			ASSERT_EQ(w.kind, SHADOWMM_PT_PAGE);
			EXPECT_EQ(frame_type_of_pfn(&e, w.pfn), SMM_FRAME_SPACE);
			EXPECT_EQ(w.flags, SHADOWMM_PTF_PRESENT | SHADOWMM_PTF_WRITE |
				  SHADOWMM_PTF_USER | SHADOWMM_PTF_ACCESSED | SHADOWMM_PTF_NX |
				  SHADOWMM_PTF_DBM);
			/* the leaf really is an arm64 page descriptor */
			EXPECT_EQ(w.lv[w.nr - 1].entry & 3, 3);
		}
		ASSERT_EQ(smm_space_walk(&s, 0x40000000 + 0x3000, &w), 0);
		ASSERT_EQ(w.kind, SHADOWMM_PT_PAGE);
		EXPECT_EQ(w.size, 2ULL << 20);
		EXPECT_EQ(w.flags & (SHADOWMM_PTF_PRESENT | SHADOWMM_PTF_PROTNONE |
				     SHADOWMM_PTF_HUGE), SHADOWMM_PTF_PROTNONE | SHADOWMM_PTF_HUGE);
		EXPECT_EQ(frame_type_of_pfn(&e, w.pfn - 3), SMM_FRAME_SPACE);
		ASSERT_EQ(smm_space_walk(&s, top, &w), 0);
		ASSERT_EQ(w.kind, SHADOWMM_PT_PAGE);
		EXPECT_EQ(w.lv[0].index, f->levels == 5 ? 7 : 255);
		EXPECT_EQ(w.flags & (SHADOWMM_PTF_NX | SHADOWMM_PTF_GLOBAL | SHADOWMM_PTF_WRITE), 0);
		EXPECT_EQ(smm_test_check(&e.t.mm), 0);

		ASSERT_EQ(smm_space_check_unmap(&s, 0x400000, 8, 12), NULL);
		smm_space_unmap(&s, 0x400000, 8, 12);
		EXPECT_EQ(s.tables[SHADOWMM_PT_PTE], 1);
		smm_space_destroy(&s);
		EXPECT_EQ(space_env_free(&e), e.free0);
		EXPECT_EQ(smm_test_check(&e.t.mm), 0);
		space_env_destroy(&e);
	}
}

/*
 * 2 MiB pages are order-9 blocks mapped by one PMD entry each, with no
 * PTE table; every 4 KiB inside translates to the block's frames in turn.
 */
SMM_TEST(space_huge_pages)
{
	struct space_env e;
	struct smm_space s;
	struct smm_walk w;
	u64 base;

	ASSERT_EQ(space_env_init(&e, 4096), 0);
	ASSERT_EQ(smm_space_init(&s, &e.t.mm, 2, 5), 0);
	ASSERT_EQ(smm_space_map(&s, 0x40000000, 2, 21, SHADOWMM_PROT_USER), 0);
	EXPECT_EQ(s.tables[SHADOWMM_PT_P4D], 1);
	EXPECT_EQ(s.tables[SHADOWMM_PT_PTE], 0);
	EXPECT_EQ(s.mapped[1], 2);
	ASSERT_EQ(smm_space_walk(&s, 0x40000000, &w), 0);
	ASSERT_EQ(w.kind, SHADOWMM_PT_PAGE);
	EXPECT_EQ(w.size, 2ULL << 20);
	EXPECT_EQ(w.nr, 4);
	EXPECT_EQ(w.flags & (SHADOWMM_PTF_HUGE | SHADOWMM_PTF_USER | SHADOWMM_PTF_NX),
		  SHADOWMM_PTF_HUGE | SHADOWMM_PTF_USER | SHADOWMM_PTF_NX);
	base = w.pfn;
	EXPECT_EQ(base % 512, 0);
	EXPECT_EQ(translate(&s, 0x40000000 + 511 * 4096), base + 511);
	EXPECT_EQ(frame_type_of_pfn(&e, base), SMM_FRAME_SPACE);
	EXPECT_EQ(frame_type_of_pfn(&e, base + 1), SMM_FRAME_TAIL);
	EXPECT_EQ(smm_test_check(&e.t.mm), 0);

	/* unmapping a huge page by 4K pages is fine when it covers it whole */
	ASSERT_EQ(smm_space_check_unmap(&s, 0x40000000, 512, 12), NULL);
	smm_space_unmap(&s, 0x40000000, 512, 12);
	EXPECT_EQ(s.mapped[1], 1);
	smm_space_destroy(&s);
	EXPECT_EQ(space_env_free(&e), e.free0);
	space_env_destroy(&e);
}

/* Every refusal names its reason and leaves the space as it was. */
SMM_TEST(space_refusals_change_nothing)
{
	struct space_env e;
	struct smm_space s;
	u64 free1, tables;

	ASSERT_EQ(space_env_init(&e, 4096), 0);
	ASSERT_EQ(smm_space_init(&s, &e.t.mm, 3, 4), 0);
	ASSERT_EQ(smm_space_map(&s, 0x200000, 1, 21, 0), 0);
	ASSERT_EQ(smm_space_map(&s, 0x1000, 2, 12, 0), 0);
	free1 = space_env_free(&e);
	tables = smm_space_frames(&s);

	ASSERT_STREQ(smm_space_check_map(&s, 0x3ff000, 2, 12, 0),
		     "range overlaps a mapping of the space");
	ASSERT_STREQ(smm_space_check_map(&s, 0x0, 1, 21, 0), "range overlaps a mapping of the space");
	ASSERT_STREQ(smm_space_check_map(&s, 0x201000, 1, 21, 0),
		     "address is not aligned to the page size");
	ASSERT_STREQ(smm_space_check_map(&s, 0, 1, 13, 0), "page size must be 4K, 2M or 1G");
	ASSERT_STREQ(smm_space_check_map(&s, 0x40000000, 1, 30, 0),
		     "1 GiB pages need 2^18 contiguous frames; the buddy's largest block is 2^10");
	ASSERT_STREQ(smm_space_check_map(&s, 0, 0, 12, 0), "pages must be 1 to 262144 per request");
	ASSERT_STREQ(smm_space_check_map(&s, 0, 262145, 12, 0),
		     "pages must be 1 to 262144 per request");
	ASSERT_STREQ(smm_space_check_map(&s, 0x7ffffffff000ULL, 2, 12, 0),
		     "range runs past the lower half of the space's virtual addresses");
	ASSERT_STREQ(smm_space_check_map(&s, 0x800000000000ULL, 1, 12, 0),
		     "range runs past the lower half of the space's virtual addresses");
	ASSERT_STREQ(smm_space_check_map(&s, 0x10000000, 1, 12, 1U << 7), "unknown protection bits");
	ASSERT_STREQ(smm_space_check_unmap(&s, 0x1000, 3, 12), "part of the range is not mapped");
	ASSERT_STREQ(smm_space_check_unmap(&s, 0x300000, 1, 12),
		     "the range cuts a larger page in two");
	ASSERT_STREQ(smm_space_check_unmap(&s, 0x10000000, 1, 12), "part of the range is not mapped");
	EXPECT_EQ(space_env_free(&e), free1);
	EXPECT_EQ(smm_space_frames(&s), tables);
	smm_space_destroy(&s);
	EXPECT_EQ(space_env_free(&e), e.free0);
	space_env_destroy(&e);
}

/*
 * 256 frames cannot hold 300 pages: the map fails with -ENOMEM half way
 * and gives back every page and table it took.
 */
SMM_TEST(space_map_rolls_back_on_enomem)
{
	struct space_env e;
	struct smm_space s;
	u64 free1;

	ASSERT_EQ(space_env_init(&e, 256), 0);
	ASSERT_EQ(smm_space_init(&s, &e.t.mm, 4, 4), 0);
	free1 = space_env_free(&e);
	ASSERT_EQ(smm_space_check_map(&s, 0x10000000, 300, 12, 0), NULL);
	EXPECT_EQ(smm_space_map(&s, 0x10000000, 300, 12, 0), -ENOMEM);
	EXPECT_EQ(space_env_free(&e), free1);
	EXPECT_EQ(smm_space_frames(&s), 1);
	EXPECT_EQ(translate(&s, 0x10000000), ~0ULL);
	EXPECT_EQ(smm_test_check(&e.t.mm), 0);
	smm_space_destroy(&s);
	EXPECT_EQ(space_env_free(&e), e.free0);
	space_env_destroy(&e);
}

/*
 * A sparse 1 GiB: one 4K page every 2 MiB (512 PTE tables), all
 * translated, then unmapped one by one until only the root is left.
 */
SMM_TEST(space_sparse_gigabyte)
{
	struct space_env e;
	struct smm_space s;
	u64 i, va0 = 0x7f0000000000ULL;

	ASSERT_EQ(space_env_init(&e, 4096), 0);
	ASSERT_EQ(smm_space_init(&s, &e.t.mm, 5, 4), 0);
	for (i = 0; i < 512; i++)
		ASSERT_EQ(smm_space_map(&s, va0 + (i << 21) + ((i % 512) << 12), 1, 12, 0), 0);
	EXPECT_EQ(s.tables[SHADOWMM_PT_PTE], 512);
	EXPECT_EQ(s.tables[SHADOWMM_PT_PMD], 1);
	for (i = 0; i < 512; i++)
		ASSERT_NE(translate(&s, va0 + (i << 21) + ((i % 512) << 12)), ~0ULL);
	EXPECT_EQ(smm_test_check(&e.t.mm), 0);
	for (i = 0; i < 512; i++)
		smm_space_unmap(&s, va0 + (i << 21) + ((i % 512) << 12), 1, 12);
	EXPECT_EQ(smm_space_frames(&s), 1);
	EXPECT_EQ(space_env_free(&e), e.free0 - 1);
	smm_space_destroy(&s);
	EXPECT_EQ(space_env_free(&e), e.free0);
	space_env_destroy(&e);
}

/*
 * Random maps and unmaps (4K runs, 2M pages) over an 8 MiB window,
 * against a model: page p is 0 (unmapped), 1 (4K) or 2 (inside a 2M
 * page). The space must refuse exactly what the model says overlaps,
 * holes or cuts, and translate every page as the model has it.
 */
#define WIN_PAGES	2048
#define WIN_VA		0x7fff00000000ULL

static u8 model[WIN_PAGES];

static bool model_all(unsigned int p, unsigned int n, u8 v)
{
	unsigned int i;

	for (i = p; i < p + n; i++)
		if (model[i] != v)
			return false;
	return true;
}

/* Unmapping [p, p+n) is valid when all is mapped and no 2M page is cut. */
static bool model_unmap_ok(unsigned int p, unsigned int n)
{
	unsigned int i;

	for (i = p; i < p + n; i++)
		if (!model[i])
			return false;
	if (model[p] == 2 && p % 512)
		return false;
	return !(model[p + n - 1] == 2 && (p + n) % 512);
}

SMM_TEST(space_random_against_model)
{
	struct space_env e;
	struct smm_space s;
	unsigned int op, i, done[3] = { 0 };

	srandom(5);
	memset(model, 0, sizeof(model));
	ASSERT_EQ(space_env_init(&e, 8192), 0);
	ASSERT_EQ(smm_space_init(&s, &e.t.mm, 6, 4), 0);
	for (op = 0; op < 3000; op++) {
		unsigned int kind = random() % 4, p, n;	/* 2, 3: unmap */
		bool ok_model, ok_space;

		if (kind == 0) {		/* map a 4K run */
			n = 1 + random() % 16;
			/* the last 2 slots stay free of 4K pages, for 2M ones */
			p = random() % (WIN_PAGES - 1024 - n + (random() % 8 ? 0 : 1024));
			ok_model = model_all(p, n, 0);
			ok_space = !smm_space_check_map(&s, WIN_VA + p * 4096ULL, n, 12, 0);
			ASSERT_EQ(ok_space, ok_model);
			if (ok_space) {
				ASSERT_EQ(smm_space_map(&s, WIN_VA + p * 4096ULL, n, 12, 0), 0);
				memset(&model[p], 1, n);
				done[0]++;
			}
		} else if (kind == 1) {		/* map a 2M page */
			p = (random() % (WIN_PAGES / 512)) * 512;
			ok_model = model_all(p, 512, 0);
			ok_space = !smm_space_check_map(&s, WIN_VA + p * 4096ULL, 1, 21, 0);
			ASSERT_EQ(ok_space, ok_model);
			if (ok_space) {
				ASSERT_EQ(smm_space_map(&s, WIN_VA + p * 4096ULL, 1, 21, 0), 0);
				memset(&model[p], 2, 512);
				done[1]++;
			}
		} else {			/* unmap a 4K-granular range */
			n = 1 + random() % (random() % 4 ? 32 : 1024);
			p = random() % (WIN_PAGES - n);
			if (random() % 4 && model[p] == 2) {	/* aim at what is mapped */
				p -= p % 512;
				n = 512;
			} else if (random() % 4 && model[p] == 1) {
				for (n = 1; p + n < WIN_PAGES && model[p + n] == 1 && n < 64; n++)
					;
			}
			ok_model = model_unmap_ok(p, n);
			ok_space = !smm_space_check_unmap(&s, WIN_VA + p * 4096ULL, n, 12);
			if (ok_space != ok_model)
				printf("# op %u: unmap %u+%u: model %d space %d\n", op, p, n,
				       ok_model, ok_space);
			ASSERT_EQ(ok_space, ok_model);
			if (ok_space) {
				smm_space_unmap(&s, WIN_VA + p * 4096ULL, n, 12);
				memset(&model[p], 0, n);
				done[2]++;
			}
		}
		if (op % 100)
			continue;
		for (i = 0; i < WIN_PAGES; i++)
			ASSERT_EQ(translate(&s, WIN_VA + i * 4096ULL) != ~0ULL, model[i] != 0);
		ASSERT_EQ(smm_test_check(&e.t.mm), 0);
	}
	for (i = 0; i < WIN_PAGES; i++)
		ASSERT_EQ(translate(&s, WIN_VA + i * 4096ULL) != ~0ULL, model[i] != 0);
	printf("# done: %u 4K maps, %u 2M maps, %u unmaps\n", done[0], done[1], done[2]);
	/* a sequence that never succeeds at something tests nothing */
	ASSERT_TRUE(done[0] > 100 && done[1] > 10 && done[2] > 100);
	smm_space_destroy(&s);
	EXPECT_EQ(space_env_free(&e), e.free0);
	EXPECT_EQ(smm_test_check(&e.t.mm), 0);
	space_env_destroy(&e);
}
