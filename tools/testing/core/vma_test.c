// SPDX-License-Identifier: GPL-2.0
/*
 * Shadow processes (core/vma.h): VMAs that merge and split, refusals
 * with their reasons, the shadow MMU's accessed and dirty bits in every
 * page-table format, demand paging with its counts, data written and
 * read back, running out of memory in a fault and at vm.max_map_count,
 * and random sequences of mmap/munmap/access against a reference model.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "common.h"
#include "../../../module/core/space.h"
#include "../../../module/core/owner.h"

#define VMA_PFN		0x10000ULL
#define PG		4096ULL
#define RW		SHADOWMM_PROT_WRITE
#define RO		0U
#define RX		SHADOWMM_PROT_EXEC
#define NONE		SHADOWMM_PROT_NONE

static const struct smm_pt_fmt *const vma_fmts[] = {
	&smm_pt_x86_48, &smm_pt_x86_57, &smm_pt_arm64_v61_48, &smm_pt_arm64_v610_52,
};

/* @frames of memory at pfn 0x10000, one zone, per-CPU lists as asked. */
static int vma_env(struct smm_test_mm *t, u64 frames, bool pcp)
{
	const struct smm_test_section sec = { VMA_PFN, frames };

	return smm_test_mm_init_mem(t, &sec, 1, NULL, pcp, 1);
}

static u64 env_free(struct smm_test_mm *t)
{
	return smm_test_free_frames(&t->mm) + smm_test_pcp_frames(&t->mm);
}

static int vma_check(const struct smm_space *s)
{
	char why[160];
	int ret = smm_vma_check(s, why, sizeof(why));

	if (ret)
		printf("# %s\n", why);
	return ret;
}

/* The decoded flags of @va's leaf, or 0 for a hole. */
static u32 leaf_flags(const struct smm_space *s, u64 va)
{
	struct smm_walk w;

	if (smm_space_walk(s, va, &w) || w.kind != SHADOWMM_PT_PAGE)
		return 0;
	return w.flags;
}

static int do_access(struct smm_space *s, u64 addr, u64 len, unsigned int flags, u64 value,
		     struct smm_access *res)
{
	const char *why;

	return smm_space_access(s, addr, len, flags, value, res, &why);
}

/*
 * mmap merges as vma_merge() does. Pages of 4K, one VMA per box:
 *
 *   [0x10000 rw)              one VMA
 *   [0x10000 rw)[0x12000 rw)  still one: extends the previous
 *   ...        [0x16000 rw)   a second one, apart
 *   [0x10000 ............ 0x18000 rw)  the hole filled: joins both
 *   ... [0x18000 r--) [0x8000 rw)      other protection: apart;
 *                                      below: extends the next one
 */
SMM_TEST(vma_mmap_merges_neighbours)
{
	struct smm_test_mm t;
	struct smm_space s;
	const char *why;

	ASSERT_EQ(vma_env(&t, 256, true), 0);
	ASSERT_EQ(smm_space_init(&s, &t.mm, 1, 4), 0);
	ASSERT_EQ(smm_vma_mmap(&s, 0x10000, 2 * PG, RW, &why), 0);
	ASSERT_EQ(smm_vma_mmap(&s, 0x12000, 2 * PG, RW, &why), 0);
	EXPECT_EQ(s.vm.nr, 1);
	EXPECT_EQ(s.vm.vma[0].end, 0x14000);
	ASSERT_EQ(smm_vma_mmap(&s, 0x16000, 2 * PG, RW, &why), 0);
	EXPECT_EQ(s.vm.nr, 2);
	ASSERT_EQ(smm_vma_mmap(&s, 0x14000, 2 * PG, RW, &why), 0);
	ASSERT_EQ(s.vm.nr, 1);
	EXPECT_EQ(s.vm.vma[0].start, 0x10000);
	EXPECT_EQ(s.vm.vma[0].end, 0x18000);
	ASSERT_EQ(smm_vma_mmap(&s, 0x18000, PG, RO, &why), 0);
	EXPECT_EQ(s.vm.nr, 2);
	ASSERT_EQ(smm_vma_mmap(&s, 0x8000, 8 * PG, RW, &why), 0);
	ASSERT_EQ(s.vm.nr, 2);
	EXPECT_EQ(s.vm.vma[0].start, 0x8000);
	EXPECT_EQ(s.vm.vma[0].end, 0x18000);
	EXPECT_EQ(s.vm.vma[1].prot, RO);
	EXPECT_EQ(smm_vma_find(&s, 0x17fff), &s.vm.vma[0]);
	EXPECT_EQ(smm_vma_find(&s, 0x18000), &s.vm.vma[1]);
	EXPECT_EQ(smm_vma_find(&s, 0x19000), NULL);
	EXPECT_EQ(smm_vma_find(&s, 0x7fff), NULL);
	EXPECT_EQ(vma_check(&s), 0);
	/* nothing is mapped before an access */
	EXPECT_EQ(smm_space_frames(&s), 1);
	smm_space_destroy(&s);
	smm_test_mm_destroy(&t);
}

/*
 * munmap in the middle of a faulted VMA splits it as split_vma() does
 * and frees the pages of the middle only:
 *
 *   before: [0x400000 ........ 16 pages, all faulted ........ 0x410000)
 *   after:  [0x400000 4 pages) 8 pages gone [0x40c000 4 pages)
 */
SMM_TEST(vma_munmap_splits_and_frees)
{
	struct smm_test_mm t;
	struct smm_access res;
	struct smm_space s;
	const char *why;
	u64 free1;

	ASSERT_EQ(vma_env(&t, 512, true), 0);
	ASSERT_EQ(smm_space_init(&s, &t.mm, 1, 4), 0);
	ASSERT_EQ(smm_vma_mmap(&s, 0x400000, 16 * PG, RW, &why), 0);
	free1 = env_free(&t);
	ASSERT_EQ(do_access(&s, 0x400000, 16 * PG, SMM_ACCESS_WRITE, 7, &res), 0);
	EXPECT_EQ(res.faults, 16);
	EXPECT_EQ(s.vm.rss_anon, 16);
	/* 16 pages, a PUD, PMD and PTE table, and a page of LRU records */
	EXPECT_EQ(t.mm.lru_pool.pages, 1);
	EXPECT_EQ(env_free(&t), free1 - 20);

	ASSERT_EQ(smm_vma_munmap(&s, 0x404000, 8 * PG, &why), 0);
	ASSERT_EQ(s.vm.nr, 2);
	EXPECT_EQ(s.vm.vma[0].start, 0x400000);
	EXPECT_EQ(s.vm.vma[0].end, 0x404000);
	EXPECT_EQ(s.vm.vma[1].start, 0x40c000);
	EXPECT_EQ(s.vm.vma[1].end, 0x410000);
	EXPECT_EQ(s.vm.rss_anon, 8);
	EXPECT_EQ(env_free(&t), free1 - 12);
	EXPECT_EQ(leaf_flags(&s, 0x404000), 0);
	EXPECT_TRUE(leaf_flags(&s, 0x403000) & SHADOWMM_PTF_PRESENT);
	EXPECT_TRUE(leaf_flags(&s, 0x40c000) & SHADOWMM_PTF_PRESENT);
	EXPECT_EQ(do_access(&s, 0x404000, 8, 0, 0, &res), -EFAULT);
	EXPECT_EQ(vma_check(&s), 0);

	/* trim both VMAs from the sides, across the hole, and nothing at all */
	ASSERT_EQ(smm_vma_munmap(&s, 0x403000, 10 * PG, &why), 0);
	ASSERT_EQ(s.vm.nr, 2);
	EXPECT_EQ(s.vm.vma[0].end, 0x403000);
	EXPECT_EQ(s.vm.vma[1].start, 0x40d000);
	EXPECT_EQ(s.vm.rss_anon, 6);
	ASSERT_EQ(smm_vma_munmap(&s, 0x800000, PG, &why), 0);
	ASSERT_EQ(smm_vma_munmap(&s, 0x400000, 16 * PG, &why), 0);
	EXPECT_EQ(s.vm.nr, 0);
	EXPECT_EQ(s.vm.rss_anon, 0);
	/* the emptied tables went too */
	EXPECT_EQ(env_free(&t), free1);
	EXPECT_EQ(vma_check(&s), 0);
	EXPECT_EQ(smm_test_check(&t.mm), 0);
	smm_space_destroy(&s);
	smm_test_mm_destroy(&t);
}

/* Every refusal names its reason and changes nothing. */
SMM_TEST(vma_refusals_change_nothing)
{
	static const struct {
		u64 addr, len;
		unsigned int prot;
		int err;
		const char *why;
	} mm_cases[] = {
		{ 0x10800, PG, RW, -EINVAL, "address is not page aligned" },
		{ 0x20000, 0, RW, -EINVAL, "length is 0" },
		{ 0x20000, 100, RW, -EINVAL, "length is not a multiple of the page size" },
		{ 0x7ffffffff000ULL, 2 * PG, RW, -EINVAL,
		  "range runs past the lower half of the space's virtual addresses" },
		{ 0x20000, PG, SHADOWMM_PROT_USER, -EINVAL,
		  "protection must be write, exec, or none alone" },
		{ 0x20000, PG, NONE | RW, -EINVAL, "PROT_NONE excludes write and exec" },
		{ 0xf000, 2 * PG, RW, -EEXIST,
		  "range overlaps a VMA of the space (MAP_FIXED_NOREPLACE)" },
		{ 0x13000, PG, RO, -EEXIST,
		  "range overlaps a VMA of the space (MAP_FIXED_NOREPLACE)" },
	};
	struct smm_test_mm t;
	struct smm_access res;
	struct smm_space s;
	const char *why;
	unsigned int i;

	ASSERT_EQ(vma_env(&t, 256, true), 0);
	ASSERT_EQ(smm_space_init(&s, &t.mm, 1, 4), 0);
	ASSERT_EQ(smm_vma_mmap(&s, 0x10000, 4 * PG, RW, &why), 0);
	for (i = 0; i < ARRAY_SIZE(mm_cases); i++) {
		why = NULL;
		EXPECT_EQ(smm_vma_mmap(&s, mm_cases[i].addr, mm_cases[i].len, mm_cases[i].prot,
				       &why), mm_cases[i].err);
		ASSERT_TRUE(why);
		ASSERT_STREQ(why, mm_cases[i].why);
		ASSERT_EQ(s.vm.nr, 1);
		EXPECT_EQ(s.vm.vma[0].start, 0x10000);
		EXPECT_EQ(s.vm.vma[0].end, 0x14000);
	}
	EXPECT_EQ(smm_vma_munmap(&s, 0x10001, PG, &why), -EINVAL);
	ASSERT_STREQ(why, "address is not page aligned");
	EXPECT_EQ(smm_vma_munmap(&s, 0x10000, 0, &why), -EINVAL);
	ASSERT_STREQ(why, "length is 0");

	/* the MMU's refusals: SIGSEGV-like, with the address */
	ASSERT_EQ(smm_vma_mmap(&s, 0x20000, PG, RO, &why), 0);
	ASSERT_EQ(smm_vma_mmap(&s, 0x30000, PG, NONE, &why), 0);
	EXPECT_EQ(smm_space_access(&s, 0x14000, 8, 0, 0, &res, &why), -EFAULT);
	ASSERT_STREQ(why, "SIGSEGV (SEGV_MAPERR): no mapping at the address");
	EXPECT_EQ(res.fault_addr, 0x14000);
	EXPECT_EQ(smm_space_access(&s, 0x20000, 8, SMM_ACCESS_WRITE, 1, &res, &why), -EACCES);
	ASSERT_STREQ(why, "SIGSEGV (SEGV_ACCERR): write to a read-only mapping");
	EXPECT_EQ(smm_space_access(&s, 0x30008, 8, 0, 0, &res, &why), -EACCES);
	ASSERT_STREQ(why, "SIGSEGV (SEGV_ACCERR): access to a PROT_NONE mapping");
	EXPECT_EQ(res.fault_addr, 0x30008);
	EXPECT_EQ(smm_space_access(&s, 0x20000, 0, 0, 0, &res, &why), -EINVAL);
	ASSERT_STREQ(why, "length must be 1 byte to 1 GiB");
	EXPECT_EQ(smm_space_access(&s, 0x20000, 8, 4, 0, &res, &why), -EINVAL);
	ASSERT_STREQ(why, "unknown access flags");
	EXPECT_EQ(smm_space_access(&s, 0x7ffffffff000ULL, 2 * PG, 0, 0, &res, &why), -EINVAL);
	/* a fault that ends in SIGSEGV is no pgfault, nor a minor fault */
	EXPECT_EQ(t.mm.events.pgfault, 0);
	EXPECT_EQ(s.vm.min_flt, 0);
	EXPECT_EQ(smm_space_frames(&s), 1);
	EXPECT_EQ(vma_check(&s), 0);
	smm_space_destroy(&s);
	smm_test_mm_destroy(&t);
}

/*
 * In every format: a read fault maps the page young and clean, a write
 * young and dirty; a later write to a clean page makes it dirty (x86 D,
 * arm64 DBM clearing AP[2]) without a fault; counts per space and mm.
 */
SMM_TEST(vma_faults_set_accessed_and_dirty)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vma_fmts); i++) {
		struct smm_test_mm t;
		struct smm_access res;
		struct smm_space s;
		const char *why;
		u32 f;

		printf("# %s\n", vma_fmts[i]->name);
		ASSERT_EQ(vma_env(&t, 256, true), 0);
		ASSERT_EQ(smm_space_init_fmt(&s, &t.mm, 3, vma_fmts[i]), 0);
		ASSERT_EQ(smm_vma_mmap(&s, 0x400000, 4 * PG, RW, &why), 0);
		ASSERT_EQ(smm_vma_mmap(&s, 0x500000, PG, RX, &why), 0);

		ASSERT_EQ(do_access(&s, 0x400010, 8, 0, 0, &res), 0);
		EXPECT_EQ(res.faults, 1);
		EXPECT_EQ(res.pages, 1);
		f = leaf_flags(&s, 0x400000);
		EXPECT_EQ(f & (SHADOWMM_PTF_PRESENT | SHADOWMM_PTF_USER | SHADOWMM_PTF_WRITE |
			       SHADOWMM_PTF_ACCESSED | SHADOWMM_PTF_DIRTY | SHADOWMM_PTF_NX),
			  SHADOWMM_PTF_PRESENT | SHADOWMM_PTF_USER | SHADOWMM_PTF_WRITE |
			  SHADOWMM_PTF_ACCESSED | SHADOWMM_PTF_NX);
		ASSERT_EQ(do_access(&s, 0x400000, 8, SMM_ACCESS_WRITE, 5, &res), 0);
		EXPECT_EQ(res.faults, 0);
		EXPECT_TRUE(leaf_flags(&s, 0x400000) & SHADOWMM_PTF_DIRTY);

		ASSERT_EQ(do_access(&s, 0x401000, 8, SMM_ACCESS_WRITE, 5, &res), 0);
		EXPECT_EQ(res.faults, 1);
		f = leaf_flags(&s, 0x401000);
		EXPECT_EQ(f & (SHADOWMM_PTF_ACCESSED | SHADOWMM_PTF_DIRTY),
			  SHADOWMM_PTF_ACCESSED | SHADOWMM_PTF_DIRTY);

		ASSERT_EQ(do_access(&s, 0x500000, 8, 0, 0, &res), 0);
		f = leaf_flags(&s, 0x500000);
		EXPECT_EQ(f & (SHADOWMM_PTF_WRITE | SHADOWMM_PTF_NX | SHADOWMM_PTF_DIRTY), 0);
		EXPECT_EQ(do_access(&s, 0x500000, 8, SMM_ACCESS_WRITE, 1, &res), -EACCES);

		EXPECT_EQ(s.vm.min_flt, 3);
		EXPECT_EQ(s.vm.maj_flt, 0);
		EXPECT_EQ(s.vm.rss_anon, 3);
		EXPECT_EQ(t.mm.events.pgfault, 3);
		EXPECT_EQ(vma_check(&s), 0);
		EXPECT_EQ(smm_test_check(&t.mm), 0);
		smm_space_destroy(&s);
		smm_test_mm_destroy(&t);
	}
}

/*
 * Pages of SPACE_MAP inside and outside VMAs: the MMU uses them (A set,
 * no fault), RSS does not count them, munmap leaves them, and a read-
 * only or kernel-only one refuses a user write or any user access.
 */
SMM_TEST(vma_explicit_pages_stay)
{
	struct smm_test_mm t;
	struct smm_access res;
	struct smm_space s;
	const char *why;

	ASSERT_EQ(vma_env(&t, 256, true), 0);
	ASSERT_EQ(smm_space_init(&s, &t.mm, 1, 4), 0);
	ASSERT_EQ(smm_space_map(&s, 0x401000, 1, 12, RW | SHADOWMM_PROT_USER), 0);
	ASSERT_EQ(smm_space_map(&s, 0x600000, 1, 12, SHADOWMM_PROT_USER), 0);
	ASSERT_EQ(smm_space_map(&s, 0x700000, 1, 12, RW), 0);
	ASSERT_EQ(smm_vma_mmap(&s, 0x400000, 4 * PG, RW, &why), 0);
	ASSERT_EQ(do_access(&s, 0x400000, 4 * PG, SMM_ACCESS_WRITE, 9, &res), 0);
	EXPECT_EQ(res.faults, 3);
	EXPECT_EQ(res.pages, 4);
	EXPECT_EQ(s.vm.rss_anon, 3);
	EXPECT_EQ(s.mapped[0], 6);
	EXPECT_TRUE(leaf_flags(&s, 0x401000) & SHADOWMM_PTF_DIRTY);
	/* outside any VMA, an explicit page works as its entry says */
	EXPECT_EQ(do_access(&s, 0x600000, 8, 0, 0, &res), 0);
	EXPECT_EQ(res.faults, 0);
	EXPECT_EQ(smm_space_access(&s, 0x600000, 8, SMM_ACCESS_WRITE, 1, &res, &why), -EACCES);
	ASSERT_STREQ(why, "SIGSEGV (SEGV_ACCERR): the page's entry forbids the access");
	EXPECT_EQ(do_access(&s, 0x700000, 8, 0, 0, &res), -EACCES);
	EXPECT_EQ(vma_check(&s), 0);
	ASSERT_EQ(smm_vma_munmap(&s, 0x400000, 4 * PG, &why), 0);
	EXPECT_EQ(s.vm.rss_anon, 0);
	EXPECT_EQ(s.mapped[0], 3);
	EXPECT_TRUE(leaf_flags(&s, 0x401000) & SHADOWMM_PTF_PRESENT);
	/* SPACE_UNMAP of a faulted page takes it out of the RSS too */
	ASSERT_EQ(smm_vma_mmap(&s, 0x800000, PG, RW, &why), 0);
	ASSERT_EQ(do_access(&s, 0x800000, 8, 0, 0, &res), 0);
	EXPECT_EQ(s.vm.rss_anon, 1);
	ASSERT_EQ(smm_space_check_unmap(&s, 0x800000, 1, 12), NULL);
	smm_space_unmap(&s, 0x800000, 1, 12);
	EXPECT_EQ(s.vm.rss_anon, 0);
	EXPECT_EQ(vma_check(&s), 0);
	smm_space_destroy(&s);
	smm_test_mm_destroy(&t);
}

/*
 * smm_vma_check() names each broken rule: an anonymous page outside
 * every VMA, RSS off by one, VMAs out of order, mergeable ones apart,
 * an unaligned one. Each is broken behind the core's back and undone.
 */
SMM_TEST(vma_check_catches_corruption)
{
	struct smm_test_mm t;
	struct smm_access res;
	struct smm_space s;
	struct smm_vma keep;
	const char *why;
	char msg[160];

	ASSERT_EQ(vma_env(&t, 256, true), 0);
	ASSERT_EQ(smm_space_init(&s, &t.mm, 2, 4), 0);
	ASSERT_EQ(smm_vma_mmap(&s, 0x400000, 2 * PG, RW, &why), 0);
	ASSERT_EQ(smm_vma_mmap(&s, 0x500000, 2 * PG, RO, &why), 0);
	ASSERT_EQ(do_access(&s, 0x400000, 2 * PG, SMM_ACCESS_WRITE, 1, &res), 0);
	ASSERT_EQ(smm_vma_check(&s, msg, sizeof(msg)), 0);

	s.vm.vma[0].end = 0x401000;		/* page 0x401000 now outside */
	EXPECT_EQ(smm_vma_check(&s, msg, sizeof(msg)), -EUCLEAN);
	ASSERT_STREQ(msg, "space 2: anonymous page at 0x401000 outside every VMA");
	s.vm.vma[0].end = 0x402000;
	s.vm.rss_anon++;
	EXPECT_EQ(smm_vma_check(&s, msg, sizeof(msg)), -EUCLEAN);
	ASSERT_STREQ(msg, "space 2: 2 anonymous pages mapped, RSS says 3");
	s.vm.rss_anon--;
	keep = s.vm.vma[0];
	s.vm.vma[0] = s.vm.vma[1];
	s.vm.vma[1] = keep;
	EXPECT_EQ(smm_vma_check(&s, msg, sizeof(msg)), -EUCLEAN);
	ASSERT_STREQ(msg, "space 2: VMAs 0 and 1 overlap or are out of order");
	s.vm.vma[1] = s.vm.vma[0];
	s.vm.vma[0] = keep;
	s.vm.vma[1].start = 0x402000;
	s.vm.vma[1].prot = RW;
	EXPECT_EQ(smm_vma_check(&s, msg, sizeof(msg)), -EUCLEAN);
	ASSERT_STREQ(msg, "space 2: VMAs 0 and 1 should have been merged");
	s.vm.vma[1].prot = RO;
	s.vm.vma[1].start = 0x500800;
	EXPECT_EQ(smm_vma_check(&s, msg, sizeof(msg)), -EUCLEAN);
	s.vm.vma[1].start = 0x500000;
	EXPECT_EQ(smm_vma_check(&s, msg, sizeof(msg)), 0);
	smm_space_destroy(&s);
	smm_test_mm_destroy(&t);
}

/* The expected checksum of @n words of @value (or the pattern from @va). */
static u64 csum_words(u64 csum, u64 va, u64 n, bool pattern, u64 value)
{
	for (; n; n--, va += 8)
		csum = smm_access_csum(csum, pattern ? va : value);
	return csum;
}

/*
 * Data: a fresh page reads as zeros; what a write stored reads back,
 * across pages and in part of a word range; the pattern stores each
 * word's address; the words really are in the frame's memory.
 */
SMM_TEST(vma_data_written_reads_back)
{
	struct smm_test_mm t;
	struct smm_access res;
	struct smm_space s;
	struct smm_walk w;
	const char *why;
	const u64 *mem;
	u64 c;

	ASSERT_EQ(vma_env(&t, 256, true), 0);
	ASSERT_EQ(smm_space_init(&s, &t.mm, 1, 4), 0);
	ASSERT_EQ(smm_vma_mmap(&s, 0x400000, 4 * PG, RW, &why), 0);
	ASSERT_EQ(do_access(&s, 0x400000, 2 * PG, 0, 0, &res), 0);
	EXPECT_EQ(res.csum, csum_words(SMM_ACCESS_CSUM_INIT, 0, 1024, false, 0));
	ASSERT_EQ(do_access(&s, 0x400ff8, 16, SMM_ACCESS_WRITE, 0xabcdULL, &res), 0);
	EXPECT_EQ(res.pages, 2);
	ASSERT_EQ(do_access(&s, 0x400ff0, 32, 0, 0, &res), 0);
	c = csum_words(SMM_ACCESS_CSUM_INIT, 0, 1, false, 0);
	c = csum_words(c, 0, 2, false, 0xabcd);
	EXPECT_EQ(res.csum, csum_words(c, 0, 1, false, 0));
	/* unaligned bytes widen to their words */
	ASSERT_EQ(do_access(&s, 0x400ffd, 2, 0, 0, &res), 0);
	EXPECT_EQ(res.csum, csum_words(SMM_ACCESS_CSUM_INIT, 0, 1, false, 0xabcd));
	ASSERT_EQ(do_access(&s, 0x402000, 2 * PG, SMM_ACCESS_WRITE | SMM_ACCESS_PATTERN, 0, &res), 0);
	ASSERT_EQ(do_access(&s, 0x402000, 2 * PG, 0, 0, &res), 0);
	EXPECT_EQ(res.csum, csum_words(SMM_ACCESS_CSUM_INIT, 0x402000, 1024, true, 0));
	ASSERT_EQ(smm_space_walk(&s, 0x403000, &w), 0);
	mem = smm_test_page_peek(&s, w.pfn);
	ASSERT_TRUE(mem);
	EXPECT_EQ(mem[0], 0x403000);
	EXPECT_EQ(mem[511], 0x403ff8);
	smm_space_destroy(&s);
	smm_test_mm_destroy(&t);
}

/*
 * Out of memory in a fault: -ENOMEM at the address, nothing of the
 * fault left (no page, no table made for it), the pages before it kept;
 * the space works again once memory is back.
 */
SMM_TEST(vma_fault_enomem_leaves_nothing)
{
	struct smm_test_mm t;
	struct smm_access res;
	struct smm_space s;
	const char *why;
	u64 free1, tables1, far = 0x7f0000000000ULL;
	unsigned int l;

	ASSERT_EQ(vma_env(&t, 128, false), 0);
	ASSERT_EQ(smm_space_init(&s, &t.mm, 1, 4), 0);
	ASSERT_EQ(smm_vma_mmap(&s, 0x400000, 256 * PG, RW, &why), 0);
	ASSERT_EQ(smm_vma_mmap(&s, far, PG, RW, &why), 0);
	EXPECT_EQ(smm_space_access(&s, 0x400000, 256 * PG, SMM_ACCESS_WRITE, 1, &res, &why),
		  -ENOMEM);
	EXPECT_EQ(res.fault_addr, 0x400000 + res.pages * PG);
	EXPECT_EQ(s.vm.rss_anon, res.pages);
	EXPECT_EQ(leaf_flags(&s, res.fault_addr), 0);
	ASSERT_TRUE(res.pages > 8);
	/* a pgfault counted for the failed one, no minor fault */
	EXPECT_EQ(t.mm.events.pgfault, res.pages + 1);
	EXPECT_EQ(s.vm.min_flt, res.pages);
	/* one page back: the far fault gets a table or two, then fails */
	ASSERT_EQ(smm_vma_munmap(&s, 0x400000, PG, &why), 0);
	free1 = env_free(&t);
	tables1 = smm_space_frames(&s) - s.vm.rss_anon;
	EXPECT_EQ(do_access(&s, far, 8, 0, 0, &res), -ENOMEM);
	EXPECT_EQ(env_free(&t), free1);
	EXPECT_EQ(smm_space_frames(&s) - s.vm.rss_anon, tables1);
	for (l = SHADOWMM_PT_P4D; l <= SHADOWMM_PT_PTE; l++)
		EXPECT_EQ(s.tables[l], l == SHADOWMM_PT_P4D ? 0 : 1);
	EXPECT_EQ(vma_check(&s), 0);
	EXPECT_EQ(smm_test_check(&t.mm), 0);
	/* memory back: it works */
	ASSERT_EQ(smm_vma_munmap(&s, 0x400000, 256 * PG, &why), 0);
	EXPECT_EQ(do_access(&s, far, 8, SMM_ACCESS_WRITE, 3, &res), 0);
	EXPECT_EQ(s.vm.rss_anon, 1);
	smm_space_destroy(&s);
	smm_test_mm_destroy(&t);
}

/*
 * vm.max_map_count: 65530 VMAs one page apart; the next mmap and a split
 * by munmap are -ENOMEM, a merge and a trim still work; without memory
 * for the array an mmap is -ENOMEM and changes nothing.
 */
SMM_TEST(vma_max_map_count)
{
	struct smm_test_mm t;
	struct smm_space s;
	const char *why;
	u64 i;

	ASSERT_EQ(vma_env(&t, 64, true), 0);
	ASSERT_EQ(smm_space_init(&s, &t.mm, 1, 4), 0);
	smm_user_fail_alloc = 1;
	EXPECT_EQ(smm_vma_mmap(&s, 0x10000, PG, RW, &why), -ENOMEM);
	ASSERT_STREQ(why, "out of memory for the space's VMAs");
	EXPECT_EQ(s.vm.nr, 0);
	for (i = 0; i < SMM_VMA_MAX_COUNT; i++)
		ASSERT_EQ(smm_vma_mmap(&s, 0x100000 + i * 2 * PG, PG, RW, &why), 0);
	EXPECT_EQ(s.vm.nr, SMM_VMA_MAX_COUNT);
	EXPECT_EQ(smm_vma_mmap(&s, 0x10000, PG, RW, &why), -ENOMEM);
	ASSERT_STREQ(why, "too many VMAs in the space (vm.max_map_count, 65530)");
	/* filling a gap merges: one VMA fewer */
	ASSERT_EQ(smm_vma_mmap(&s, 0x101000, PG, RW, &why), 0);
	EXPECT_EQ(s.vm.nr, SMM_VMA_MAX_COUNT - 1);
	ASSERT_EQ(smm_vma_mmap(&s, 0x10000, PG, RW, &why), 0);
	EXPECT_EQ(s.vm.nr, SMM_VMA_MAX_COUNT);
	/* [0x100000, 0x103000) cut in the middle would make one more */
	EXPECT_EQ(smm_vma_munmap(&s, 0x101000, PG, &why), -ENOMEM);
	ASSERT_STREQ(why, "splitting the VMA would pass vm.max_map_count (65530)");
	EXPECT_EQ(smm_vma_munmap(&s, 0x100000, PG, &why), 0);
	EXPECT_EQ(s.vm.vma[1].start, 0x101000);
	EXPECT_EQ(vma_check(&s), 0);
	smm_space_destroy(&s);
	smm_test_mm_destroy(&t);
}

/*
 * Random mmap/munmap/access steps on a 160-page window across a PMD
 * boundary (0x3b0000 .. 0x450000), in a range small enough to run out,
 * against a model of each page: its VMA's protection, faulted in or
 * not, written value (or the address pattern) and dirty. After every
 * step the core's VMAs, leaves, A/D bits, data, RSS and counts equal
 * the model's; CHECK holds. -ENOMEM comes from the buddy (faults) and
 * from smm_user_fail_alloc (the VMA array).
 */
#define WIN_BASE	0x3b0000ULL
#define WIN_PAGES	160

struct vma_model_page {
	int prot;		/* -1: no VMA */
	bool mapped, dirty, pattern;
	u64 value;
};

static struct vma_model_page vm_model[WIN_PAGES];

static u64 model_page_csum(u64 csum, unsigned int p)
{
	const struct vma_model_page *m = &vm_model[p];

	return csum_words(csum, WIN_BASE + p * PG, 512, m->pattern, m->pattern ? 0 : m->value);
}

/*
 * Replay an access of pages [p, p + n) on the model from page p +
 * @acc->pages on, adding to @acc: 0 when done, -EFAULT/-EACCES as the
 * core should refuse, 1 at a page to fault in (the caller decides).
 */
static int model_access(unsigned int p, unsigned int n, bool write, bool pattern, u64 value,
			struct smm_access *acc)
{
	unsigned int i;

	for (i = p + acc->pages; i < p + n; i++) {
		struct vma_model_page *m = &vm_model[i];

		acc->fault_addr = WIN_BASE + i * PG;
		if (m->prot < 0)
			return -EFAULT;
		if (m->prot == NONE || (write && !(m->prot & RW)))
			return -EACCES;
		if (!m->mapped)
			return 1;
		if (write) {
			m->dirty = true;
			m->pattern = pattern;
			m->value = value;
		} else {
			acc->csum = model_page_csum(acc->csum, i);
		}
		acc->pages++;
	}
	return 0;
}

static int model_compare(struct smm_test_mm *t, struct smm_space *s)
{
	unsigned int p, runs = 0, v = 0;
	u64 rss = 0;

	for (p = 0; p < WIN_PAGES; p++) {
		const struct vma_model_page *m = &vm_model[p];
		u64 va = WIN_BASE + p * PG;
		const struct smm_vma *vma = smm_vma_find(s, va);
		u32 f = leaf_flags(s, va);

		if (m->prot >= 0 && (!p || vm_model[p - 1].prot != m->prot))
			runs++;
		if ((m->prot < 0) != !vma || (vma && (int)vma->prot != m->prot)) {
			printf("# page %u: VMA %d, model %d\n", p, vma ? (int)vma->prot : -1, m->prot);
			return -1;
		}
		if (!!(f & SHADOWMM_PTF_PRESENT) != m->mapped) {
			printf("# page %u: flags %#x, model mapped %d\n", p, f, m->mapped);
			return -1;
		}
		if (!m->mapped)
			continue;
		rss++;
		if (!(f & SHADOWMM_PTF_ACCESSED) || !!(f & SHADOWMM_PTF_DIRTY) != m->dirty) {
			printf("# page %u: flags %#x, model dirty %d\n", p, f, m->dirty);
			return -1;
		}
		{
			struct smm_walk w;
			const u64 *mem;

			if (smm_space_walk(s, va, &w))
				return -1;
			mem = smm_test_page_peek(s, w.pfn);
			if (mem[0] != (m->pattern ? va : m->value) ||
			    mem[511] != (m->pattern ? va + 4088 : m->value)) {
				printf("# page %u: data %#llx, model %#llx\n", p,
				       (unsigned long long)mem[0], (unsigned long long)m->value);
				return -1;
			}
		}
	}
	for (v = 0; v < s->vm.nr; v++)
		if (s->vm.vma[v].start < WIN_BASE || s->vm.vma[v].end > WIN_BASE + WIN_PAGES * PG)
			return -1;
	if (runs != s->vm.nr || rss != s->vm.rss_anon) {
		printf("# %u VMAs, model %u; RSS %llu, model %llu\n", s->vm.nr, runs,
		       (unsigned long long)s->vm.rss_anon, (unsigned long long)rss);
		return -1;
	}
	(void)t;
	return vma_check(s);
}

SMM_TEST(vma_random_against_model)
{
	static const unsigned int prots[] = { RW, RO, RX, NONE, RW | RX };
	u64 seed = smm_test_seed(0x5eed17), rnd = seed;
	unsigned int step, fmt, nomem_fault = 0, nomem_vma = 0;

	printf("# seed %#llx\n", (unsigned long long)seed);
	for (fmt = 0; fmt < ARRAY_SIZE(vma_fmts); fmt++) {
		struct smm_test_mm t;
		struct smm_space s;
		u64 pgfault = 0;

		ASSERT_EQ(vma_env(&t, 64, fmt & 1), 0);
		ASSERT_EQ(smm_space_init_fmt(&s, &t.mm, 9, vma_fmts[fmt]), 0);
		for (step = 0; step < WIN_PAGES; step++)
			vm_model[step] = (struct vma_model_page){ .prot = -1 };
		for (step = 0; step < 1500; step++) {
			unsigned int op = smm_test_rand(&rnd) % 8;
			unsigned int p = smm_test_rand(&rnd) % WIN_PAGES;
			unsigned int n = 1 + smm_test_rand(&rnd) % 12, i;
			u64 va = WIN_BASE + p * PG;
			const char *why;
			int ret, exp;

			if (p + n > WIN_PAGES)
				n = WIN_PAGES - p;
			if (op < 2) {
				unsigned int prot = prots[smm_test_rand(&rnd) % ARRAY_SIZE(prots)];
				bool fail = !(smm_test_rand(&rnd) % 8);

				exp = 0;
				for (i = p; i < p + n; i++)
					if (vm_model[i].prot >= 0)
						exp = -EEXIST;
				smm_user_fail_alloc = fail;
				ret = smm_vma_mmap(&s, va, n * PG, prot, &why);
				smm_user_fail_alloc = 0;
				if (ret == -ENOMEM && fail && !exp) {
					nomem_vma++;
				} else {
					ASSERT_EQ(ret, exp);
					for (i = p; !exp && i < p + n; i++)
						vm_model[i].prot = prot;
				}
			} else if (op < 4) {
				ASSERT_EQ(smm_vma_munmap(&s, va, n * PG, &why), 0);
				for (i = p; i < p + n; i++)
					vm_model[i] = (struct vma_model_page){ .prot = -1 };
			} else {
				bool write = smm_test_rand(&rnd) & 1;
				bool pattern = write && !(smm_test_rand(&rnd) % 4);
				u64 value = smm_test_rand(&rnd);
				unsigned int flags = (write ? SMM_ACCESS_WRITE : 0) |
						     (pattern ? SMM_ACCESS_PATTERN : 0);
				struct smm_access res, want = { .csum = SMM_ACCESS_CSUM_INIT };
				u64 faults = 0;

				ret = smm_space_access(&s, va, n * PG, flags, value, &res, &why);
				/* replay on the model, faulting in where the core did */
				while ((exp = model_access(p, n, write, pattern, value, &want)) == 1) {
					struct vma_model_page *m = &vm_model[p + want.pages];

					pgfault++;
					if (ret == -ENOMEM && res.fault_addr == want.fault_addr) {
						exp = -ENOMEM;
						nomem_fault++;
						break;
					}
					*m = (struct vma_model_page){ .prot = m->prot, .mapped = true,
								      .dirty = write };
					faults++;
				}
				ASSERT_EQ(ret, exp);
				EXPECT_EQ(res.pages, want.pages);
				EXPECT_EQ(res.faults, faults);
				if (ret)
					EXPECT_EQ(res.fault_addr, want.fault_addr);
				else if (!write)
					EXPECT_EQ(res.csum, want.csum);
			}
			ASSERT_EQ(model_compare(&t, &s), 0);
			EXPECT_EQ(t.mm.events.pgfault, pgfault);
			if (!(step % 100))
				ASSERT_EQ(smm_test_check(&t.mm), 0);
		}
		smm_space_destroy(&s);
		EXPECT_EQ(smm_test_check(&t.mm), 0);
		smm_test_mm_destroy(&t);
	}
	printf("# -ENOMEM: %u in faults, %u for the VMA array\n", nomem_fault, nomem_vma);
	EXPECT_TRUE(nomem_fault > 0);
	EXPECT_TRUE(nomem_vma > 0);
}
