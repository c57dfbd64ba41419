// SPDX-License-Identifier: GPL-2.0
/*
 * Fork and copy-on-write of anonymous memory (core/fork.c): random
 * sequences of fork, write, read, munmap, pageout, reclaim and destroy
 * against a model of each space's page contents (every read sees what
 * that space last wrote or inherited; CHECK after every step), the COW
 * counts (a write after fork copies once, the last mapper reuses),
 * swap around fork (reclaim swaps a shared page out of every mapper
 * into one slot counting them, each faults it back through the swap
 * cache; a fork of swapped-out pages shares their slots,
 * swap_duplicate()), migration of a shared page, and fork over file
 * VMAs (private: COW of the page-cache page; shared: one frame).
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "common.h"
#include "../../../module/core/space.h"
#include "../../../module/core/swap.h"
#include "../../../module/core/lru.h"
#include "../../../module/core/vmscan.h"
#include "../../../module/core/migrate.h"
#include "../../../module/core/filemap.h"
#include "../../../module/core/pin.h"

#define PG		4096ULL
#define RW		SHADOWMM_PROT_WRITE
#define BASE		0x400000ULL
#define FK_PAGES	16
#define FK_SPACES	4

/* The checksum a read of one page holding @value in every word returns. */
static u64 fk_csum(u64 value)
{
	u64 c = SMM_ACCESS_CSUM_INIT, i;

	for (i = 0; i < PG / 8; i++)
		c = smm_access_csum(c, value);
	return c;
}

/* The checksum of a page whose low half holds @lo and high half @hi. */
static u64 fk_csum2(u64 lo, u64 hi)
{
	u64 c = SMM_ACCESS_CSUM_INIT, i;

	for (i = 0; i < PG / 8; i++)
		c = smm_access_csum(c, i < PG / 16 ? lo : hi);
	return c;
}

/* A write of @value into half @half (0 low, 1 high) of page @page. */
static int fk_write_half(struct smm_space *s, unsigned int page, unsigned int half, u64 value)
{
	struct smm_access res;
	const char *why;

	return smm_space_access(s, BASE + page * PG + half * (PG / 2), PG / 2, SMM_ACCESS_WRITE,
				value, &res, &why);
}

static int fk_write(struct smm_space *s, unsigned int page, u64 value)
{
	struct smm_access res;
	const char *why;

	return smm_space_access(s, BASE + page * PG, PG, SMM_ACCESS_WRITE, value, &res, &why);
}

/* The page's checksum, or 0 when the read failed. */
static u64 fk_read(struct smm_space *s, unsigned int page)
{
	struct smm_access res;
	const char *why;

	if (smm_space_access(s, BASE + page * PG, PG, 0, 0, &res, &why))
		return 0;
	return res.csum;
}

/* The frame mapped at page @page of @s, or ~0. */
static u64 fk_frame(const struct smm_space *s, unsigned int page)
{
	struct smm_walk w;
	u64 idx;

	if (smm_space_walk(s, BASE + page * PG, &w) || w.kind != SHADOWMM_PT_PAGE ||
	    !smm_range_pfn_to_idx(s->mm->range, w.pfn, &idx))
		return ~0ULL;
	return idx;
}

/* The live spaces of @s[] in @live[], their count returned. */
static unsigned int fk_live(struct smm_space *s, const bool *used, struct smm_space **live)
{
	unsigned int i, n = 0;

	for (i = 0; i < FK_SPACES; i++)
		if (used[i])
			live[n++] = &s[i];
	return n;
}

static int fk_check(struct smm_mm *mm, struct smm_space *s, const bool *used)
{
	struct smm_space *live[FK_SPACES];
	unsigned int n = fk_live(s, used, live);

	return smm_test_check_reclaim(mm, (const struct smm_space *const *)live, n, true);
}

/* A new space at slot @i with the test's VMA. */
static int fk_new(struct smm_test_swap *e, struct smm_space *s, unsigned int i)
{
	const char *why;
	int ret = smm_space_init(&s[i], &e->t.mm, i + 1, 4);

	return ret ? ret : smm_vma_mmap(&s[i], BASE, FK_PAGES * PG, RW, &why);
}

/*
 * Random fork/write/read/munmap/pageout/reclaim/destroy sequences on up
 * to four spaces against a model of what each page of each space holds
 * (0: never written, or unmapped since); CHECK (the mapcounts against
 * the PTEs of every space) after every step; at the end every space
 * destroyed gives back every frame.
 */
SMM_TEST(fork_random_against_model)
{
	u64 seed = smm_test_seed(0xf04c), model[FK_SPACES][FK_PAGES][2], before, done, got;
	struct smm_space s[FK_SPACES];
	bool used[FK_SPACES] = { 0 };
	struct smm_test_swap e;
	unsigned int step, i, j, p;
	const char *why;

	ASSERT_EQ(smm_test_swap_init(&e, 2048, 512), 0);
	before = smm_test_free_frames(&e.t.mm) + smm_test_pcp_frames(&e.t.mm);
	memset(model, 0, sizeof(model));
	ASSERT_EQ(fk_new(&e, s, 0), 0);
	used[0] = true;
	for (step = 0; step < 3000; step++) {
		unsigned int op = smm_test_rand(&seed) % 100;

		i = smm_test_rand(&seed) % FK_SPACES;
		p = smm_test_rand(&seed) % FK_PAGES;
		if (!used[i]) {
			if (op < 50)
				continue;
			ASSERT_EQ(fk_new(&e, s, i), 0);
			used[i] = true;
			memset(model[i], 0, sizeof(model[i]));
			continue;
		}
		if (op < 35) {
			/* half a page: the other half is what the copy kept */
			u64 v = smm_test_rand(&seed) | 1;
			unsigned int h = v >> 63;

			ASSERT_EQ(fk_write_half(&s[i], p, h, v), 0);
			model[i][p][h] = v;
		} else if (op < 65) {
			got = fk_read(&s[i], p);
			if (got != fk_csum2(model[i][p][0], model[i][p][1]))
				printf("# step %u: space %u page %u: read %#llx, model %#llx %#llx\n",
				       step, i + 1, p, (unsigned long long)got,
				       (unsigned long long)model[i][p][0],
				       (unsigned long long)model[i][p][1]);
			ASSERT_EQ(got, fk_csum2(model[i][p][0], model[i][p][1]));
		} else if (op < 78) {
			for (j = 0; j < FK_SPACES && used[j]; j++)
				;
			if (j == FK_SPACES)
				continue;
			ASSERT_EQ(smm_space_fork(&s[i], &s[j], j + 1, &why), 0);
			used[j] = true;
			memcpy(model[j], model[i], sizeof(model[j]));
		} else if (op < 84) {
			ASSERT_EQ(smm_vma_munmap(&s[i], BASE + p * PG, PG, &why), 0);
			ASSERT_EQ(smm_vma_mmap(&s[i], BASE + p * PG, PG, RW, &why), 0);
			memset(model[i][p], 0, sizeof(model[i][p]));
		} else if (op < 87) {
			ASSERT_EQ(smm_swap_pageout(&s[i], BASE, FK_PAGES * PG, &done, &why), 0);
		} else if (op < 91) {
			/* reclaim's pageout of one page: every mapper's PTE */
			int r = smm_swap_out_page(&s[i], BASE + p * PG, &why);

			ASSERT_TRUE(r == 0 || r == -ENOENT || r == -EALREADY);
		} else if (op < 94) {
			/* memory.reclaim's -EAGAIN: fewer pages than asked */
			int r = smm_proactive_reclaim(&e.t.mm, 8, &got);

			ASSERT_TRUE(r == 0 || r == -EAGAIN);
		} else {
			smm_space_destroy(&s[i]);
			used[i] = false;
		}
		if (fk_check(&e.t.mm, s, used)) {
			printf("# step %u op %u space %u page %u\n", step, op, i + 1, p);
			ASSERT_EQ(fk_check(&e.t.mm, s, used), 0);
		}
	}
	for (i = 0; i < FK_SPACES; i++)
		if (used[i])
			smm_space_destroy(&s[i]);
	memset(used, 0, sizeof(used));
	EXPECT_EQ(fk_check(&e.t.mm, s, used), 0);
	EXPECT_EQ(e.sw.inuse, 0);
	EXPECT_EQ(e.t.mm.lru_pool.pages, 0);
	EXPECT_EQ(smm_test_free_frames(&e.t.mm) + smm_test_pcp_frames(&e.t.mm), before);
	smm_test_swap_destroy(&e);
}

/*
 * The counts of copy-on-write: fork copies no data page; a write in
 * the child copies the page once (cow_faults 1, the parent's bytes
 * unchanged, one page more); a second write there takes no fault; the
 * parent's write to that page, mapped once again, reuses it without a
 * copy (cow_reuse 1, no new page); RSS counts a shared page in each.
 */
SMM_TEST(fork_cow_counts)
{
	struct smm_space s[2];
	bool used[FK_SPACES] = { true, true };
	struct smm_test_swap e;
	u64 free0, free1;
	const char *why;
	unsigned int p;

	ASSERT_EQ(smm_test_swap_init(&e, 1024, 64), 0);
	ASSERT_EQ(fk_new(&e, s, 0), 0);
	for (p = 0; p < 4; p++)
		ASSERT_EQ(fk_write(&s[0], p, 0x1000 + p), 0);
	free0 = smm_test_free_frames(&e.t.mm);
	ASSERT_EQ(smm_space_fork(&s[0], &s[1], 2, &why), 0);
	free1 = smm_test_free_frames(&e.t.mm);
	/* only the child's tables: a PGD, a PUD, a PMD and a PTE table (and the root) */
	EXPECT_EQ(free0 - free1, smm_space_frames(&s[1]) - s[1].mapped[0]);
	EXPECT_EQ(s[0].vm.rss_anon, 4);
	EXPECT_EQ(s[1].vm.rss_anon, 4);
	EXPECT_EQ(smm_anon_mapcount(&s[0], BASE, fk_frame(&s[0], 0)), 2);
	EXPECT_EQ(fk_frame(&s[0], 0), fk_frame(&s[1], 0));
	EXPECT_EQ(fk_read(&s[1], 2), fk_csum(0x1002));
	EXPECT_EQ(fk_check(&e.t.mm, s, used), 0);

	ASSERT_EQ(fk_write(&s[1], 0, 0xbeef), 0);
	EXPECT_EQ(s[1].vm.cow_faults, 1);
	EXPECT_EQ(s[1].vm.cow_reuse, 0);
	EXPECT_EQ(smm_test_free_frames(&e.t.mm), free1 - 1);
	EXPECT_EQ(fk_read(&s[0], 0), fk_csum(0x1000));
	EXPECT_EQ(fk_read(&s[1], 0), fk_csum(0xbeef));
	ASSERT_EQ(fk_write(&s[1], 0, 0xbeef2), 0);
	EXPECT_EQ(s[1].vm.cow_faults, 1);
	EXPECT_EQ(fk_check(&e.t.mm, s, used), 0);

	/* the parent is the last mapper of page 0: reused, not copied */
	ASSERT_EQ(fk_write(&s[0], 0, 0xcafe), 0);
	EXPECT_EQ(s[0].vm.cow_faults, 0);
	EXPECT_EQ(s[0].vm.cow_reuse, 1);
	EXPECT_EQ(smm_test_free_frames(&e.t.mm), free1 - 1);
	EXPECT_EQ(fk_read(&s[1], 0), fk_csum(0xbeef2));
	EXPECT_EQ(fk_check(&e.t.mm, s, used), 0);

	/* the parent goes: the child keeps its data, the shared pages are its own */
	smm_space_destroy(&s[0]);
	used[0] = false;
	for (p = 1; p < 4; p++)
		EXPECT_EQ(fk_read(&s[1], p), fk_csum(0x1000 + p));
	EXPECT_EQ(fk_check(&e.t.mm, s, used), 0);
	ASSERT_EQ(fk_write(&s[1], 3, 7), 0);
	EXPECT_EQ(s[1].vm.cow_faults, 1);
	EXPECT_EQ(s[1].vm.cow_reuse, 1);
	smm_space_destroy(&s[1]);
	smm_test_swap_destroy(&e);
}

/* The swap slot page @page of @s's entry names, or 0 when it is no swap entry. */
static u64 fk_slot(const struct smm_space *s, unsigned int page)
{
	struct smm_walk w;

	if (smm_space_walk(s, BASE + page * PG, &w) || w.kind != SHADOWMM_PT_SWAP)
		return 0;
	return w.swap_offset;
}

/*
 * Swap-out of shared pages: MADV_PAGEOUT still skips a page mapped
 * twice (the kernel's mapcount != 1 rule); reclaim's pageout unmaps it
 * from both spaces (try_to_unmap()): one slot per page, its count 2,
 * both spaces' VmSwap; a read in each brings the same bytes back
 * through the swap cache (one page, mapped read-only by both), a write
 * then copies; a slot is freed with its last entry (munmap of one
 * mapper keeps it, of the other frees it).
 */
SMM_TEST(fork_swap_shared)
{
	struct smm_space s[2];
	bool used[FK_SPACES] = { true, true };
	struct smm_test_swap e;
	u64 done, got, off;
	const char *why;
	unsigned int p;

	ASSERT_EQ(smm_test_swap_init(&e, 1024, 64), 0);
	ASSERT_EQ(fk_new(&e, s, 0), 0);
	for (p = 0; p < 4; p++)
		ASSERT_EQ(fk_write(&s[0], p, 0x2000 + p), 0);
	ASSERT_EQ(smm_space_fork(&s[0], &s[1], 2, &why), 0);
	ASSERT_EQ(smm_swap_pageout(&s[0], BASE, 4 * PG, &done, &why), 0);
	EXPECT_EQ(done, 0);
	EXPECT_EQ(e.sw.inuse, 0);

	/* reclaim's pageout: both PTEs get the entry, one slot counts two */
	for (p = 0; p < 4; p++)
		ASSERT_EQ(smm_swap_out_page(&s[1], BASE + p * PG, &why), 0);
	EXPECT_EQ(e.sw.inuse, 4);
	EXPECT_EQ(s[0].vm.swap_ents, 4);
	EXPECT_EQ(s[1].vm.swap_ents, 4);
	EXPECT_EQ(s[0].vm.rss_anon, 0);
	EXPECT_EQ(s[1].vm.rss_anon, 0);
	for (p = 0; p < 4; p++) {
		off = fk_slot(&s[0], p);
		ASSERT_NE(off, 0);
		EXPECT_EQ(fk_slot(&s[1], p), off);
		EXPECT_EQ(SMM_SWAP_COUNT(e.sw.map[off]), 2);
	}
	EXPECT_EQ(fk_check(&e.t.mm, s, used), 0);

	/* a read in each: the same page of the swap cache, the same bytes */
	EXPECT_EQ(fk_read(&s[0], 0), fk_csum(0x2000));
	EXPECT_EQ(fk_check(&e.t.mm, s, used), 0);
	EXPECT_EQ(fk_read(&s[1], 0), fk_csum(0x2000));
	EXPECT_EQ(fk_frame(&s[0], 0), fk_frame(&s[1], 0));
	EXPECT_EQ(smm_anon_mapcount(&s[0], BASE, fk_frame(&s[0], 0)), 2);
	EXPECT_EQ(fk_check(&e.t.mm, s, used), 0);
	/* a write copies; the other keeps the old bytes */
	ASSERT_EQ(fk_write(&s[1], 0, 0x3000), 0);
	EXPECT_EQ(fk_read(&s[0], 0), fk_csum(0x2000));
	EXPECT_EQ(fk_read(&s[1], 0), fk_csum(0x3000));
	EXPECT_EQ(fk_check(&e.t.mm, s, used), 0);

	/* a write fault on a shared entry: a page of its own, the slot kept for the other */
	off = fk_slot(&s[0], 1);
	ASSERT_EQ(fk_write(&s[0], 1, 0x4001), 0);
	EXPECT_EQ(SMM_SWAP_COUNT(e.sw.map[off]), 1);
	EXPECT_EQ(fk_read(&s[1], 1), fk_csum(0x2001));
	EXPECT_EQ(fk_check(&e.t.mm, s, used), 0);

	/* the last entry frees the slot */
	off = fk_slot(&s[0], 2);
	got = e.sw.inuse;
	ASSERT_EQ(smm_vma_munmap(&s[0], BASE + 2 * PG, PG, &why), 0);
	EXPECT_EQ(SMM_SWAP_COUNT(e.sw.map[off]), 1);
	EXPECT_EQ(e.sw.inuse, got);
	ASSERT_EQ(smm_vma_munmap(&s[1], BASE + 2 * PG, PG, &why), 0);
	EXPECT_EQ(SMM_SWAP_COUNT(e.sw.map[off]), 0);
	EXPECT_EQ(e.sw.inuse, got - 1);
	EXPECT_EQ(fk_check(&e.t.mm, s, used), 0);
	EXPECT_EQ(fk_read(&s[0], 3), fk_csum(0x2003));
	EXPECT_EQ(fk_read(&s[1], 3), fk_csum(0x2003));
	EXPECT_EQ(fk_read(&s[0], 1), fk_csum(0x4001));
	EXPECT_EQ(fk_check(&e.t.mm, s, used), 0);
	smm_space_destroy(&s[0]);
	used[0] = false;
	EXPECT_EQ(fk_check(&e.t.mm, s, used), 0);
	smm_space_destroy(&s[1]);
	memset(used, 0, sizeof(used));
	EXPECT_EQ(fk_check(&e.t.mm, s, used), 0);
	EXPECT_EQ(e.sw.inuse, 0);
	smm_test_swap_destroy(&e);
}

/*
 * swap_duplicate() at fork: a fork of swapped-out pages shares their
 * slots (the area's used slots do not grow, each slot's count is 2),
 * both read the same bytes back, the parent's destroy leaves the
 * child's entries and the slots with them, the child's last frees them.
 */
SMM_TEST(fork_swap_duplicate)
{
	struct smm_space s[3];
	bool used[FK_SPACES] = { true, false, false };
	struct smm_test_swap e;
	u64 done, off;
	const char *why;
	unsigned int p;

	ASSERT_EQ(smm_test_swap_init(&e, 1024, 64), 0);
	ASSERT_EQ(fk_new(&e, s, 0), 0);
	for (p = 0; p < 4; p++)
		ASSERT_EQ(fk_write(&s[0], p, 0x5000 + p), 0);
	ASSERT_EQ(smm_swap_pageout(&s[0], BASE, 4 * PG, &done, &why), 0);
	EXPECT_EQ(done, 4);
	EXPECT_EQ(e.sw.inuse, 4);
	ASSERT_EQ(smm_space_fork(&s[0], &s[1], 2, &why), 0);
	used[1] = true;
	EXPECT_EQ(e.sw.inuse, 4);
	EXPECT_EQ(s[1].vm.swap_ents, 4);
	for (p = 0; p < 4; p++) {
		off = fk_slot(&s[1], p);
		ASSERT_NE(off, 0);
		EXPECT_EQ(fk_slot(&s[0], p), off);
		EXPECT_EQ(SMM_SWAP_COUNT(e.sw.map[off]), 2);
	}
	EXPECT_EQ(fk_check(&e.t.mm, s, used), 0);
	/* a grandchild: a third count on each slot */
	ASSERT_EQ(smm_space_fork(&s[1], &s[2], 3, &why), 0);
	used[2] = true;
	EXPECT_EQ(e.sw.inuse, 4);
	EXPECT_EQ(SMM_SWAP_COUNT(e.sw.map[fk_slot(&s[2], 0)]), 3);
	EXPECT_EQ(fk_read(&s[2], 0), fk_csum(0x5000));
	EXPECT_EQ(fk_read(&s[1], 1), fk_csum(0x5001));
	EXPECT_EQ(fk_read(&s[0], 0), fk_csum(0x5000));
	EXPECT_EQ(fk_check(&e.t.mm, s, used), 0);
	/* the parent goes first: its slots' owner moves to a member left */
	smm_space_destroy(&s[0]);
	used[0] = false;
	EXPECT_EQ(fk_check(&e.t.mm, s, used), 0);
	for (p = 0; p < 4; p++) {
		EXPECT_EQ(fk_read(&s[1], p), fk_csum(0x5000 + p));
		EXPECT_EQ(fk_read(&s[2], p), fk_csum(0x5000 + p));
	}
	EXPECT_EQ(fk_check(&e.t.mm, s, used), 0);
	smm_space_destroy(&s[2]);
	used[2] = false;
	smm_space_destroy(&s[1]);
	used[1] = false;
	EXPECT_EQ(fk_check(&e.t.mm, s, used), 0);
	EXPECT_EQ(e.sw.inuse, 0);
	smm_test_swap_destroy(&e);
}

/*
 * Migration of a shared page (remove_migration_ptes() over the rmap):
 * both spaces' PTEs name the new frame, each reads its data, CHECK
 * passes; then a write in one still copies.
 */
SMM_TEST(fork_migrate_shared)
{
	struct smm_space s[2];
	bool used[FK_SPACES] = { true, true };
	struct smm_test_swap e;
	u64 from, to;
	const char *why;

	ASSERT_EQ(smm_test_swap_init(&e, 1024, 64), 0);
	ASSERT_EQ(fk_new(&e, s, 0), 0);
	ASSERT_EQ(fk_write(&s[0], 0, 0x6000), 0);
	ASSERT_EQ(smm_space_fork(&s[0], &s[1], 2, &why), 0);
	from = fk_frame(&s[0], 0);
	ASSERT_EQ(smm_migrate_page(&e.t.mm, from, &to, &why), 0);
	EXPECT_TRUE(to != from);
	EXPECT_EQ(fk_frame(&s[0], 0), to);
	EXPECT_EQ(fk_frame(&s[1], 0), to);
	EXPECT_EQ(smm_anon_mapcount(&s[1], BASE, to), 2);
	EXPECT_EQ(fk_check(&e.t.mm, s, used), 0);
	EXPECT_EQ(fk_read(&s[0], 0), fk_csum(0x6000));
	EXPECT_EQ(fk_read(&s[1], 0), fk_csum(0x6000));
	ASSERT_EQ(fk_write(&s[1], 0, 0x6001), 0);
	EXPECT_EQ(s[1].vm.cow_faults, 1);
	EXPECT_EQ(fk_read(&s[0], 0), fk_csum(0x6000));
	EXPECT_EQ(fk_check(&e.t.mm, s, used), 0);
	smm_space_destroy(&s[0]);
	smm_space_destroy(&s[1]);
	smm_test_swap_destroy(&e);
}

#define FK_FBASE	0x10000000ULL	/* the private file mapping */
#define FK_SBASE	0x10200000ULL	/* the shared one */

/* The fake file: every word of page i holds 0xf11e0000 + i. */
static int fk_file_read(void *ctx, u64 off, void *buf, size_t len)
{
	u64 *w = buf, i;

	(void)ctx;
	for (i = 0; i < len / 8; i++)
		w[i] = 0xf11e0000ULL + ((off + i * 8) >> 12);
	return 0;
}

static u64 fk_read_at(struct smm_space *s, u64 va)
{
	struct smm_access res;
	const char *why;

	return smm_space_access(s, va, PG, 0, 0, &res, &why) ? 0 : res.csum;
}

static int fk_write_at(struct smm_space *s, u64 va, u64 value)
{
	struct smm_access res;
	const char *why;

	return smm_space_access(s, va, PG, SMM_ACCESS_WRITE, value, &res, &why);
}

static u64 fk_frame_at(const struct smm_space *s, u64 va)
{
	struct smm_walk w;
	u64 idx;

	if (smm_space_walk(s, va, &w) || w.kind != SHADOWMM_PT_PAGE ||
	    !smm_range_pfn_to_idx(s->mm->range, w.pfn, &idx))
		return ~0ULL;
	return idx;
}

/*
 * Fork over file VMAs: a private file mapping shares the page-cache
 * page (the same frame in both, mapcount 2 through i_mmap) until one
 * writes: that one gets an anonymous copy, the other and the file keep
 * the file's bytes; a private page the parent had copied before the
 * fork is shared copy-on-write like any anonymous page. A shared file
 * mapping maps the same frame in both and each sees the other's
 * writes. CHECK after every step.
 */
SMM_TEST(fork_file_vmas)
{
	struct smm_space s[2];
	bool used[FK_SPACES] = { true, false };
	struct smm_test_swap e;
	struct smm_inode *ino;
	u64 fr;
	const char *why;

	ASSERT_EQ(smm_test_swap_init(&e, 1024, 64), 0);
	ASSERT_EQ(smm_inode_create(&e.t.mm, 1, 8 * PG, fk_file_read, NULL, &ino, &why), 0);
	ASSERT_EQ(smm_space_init(&s[0], &e.t.mm, 1, 4), 0);
	ASSERT_EQ(smm_vma_mmap_file(&s[0], FK_FBASE, 8 * PG, RW, ino, 0, false, &why), 0);
	ASSERT_EQ(smm_vma_mmap_file(&s[0], FK_SBASE, 8 * PG, RW, ino, 0, true, &why), 0);
	/* private: page 0 read (the cache's page), page 1 written (a copy) */
	EXPECT_EQ(fk_read_at(&s[0], FK_FBASE), fk_csum(0xf11e0000));
	ASSERT_EQ(fk_write_at(&s[0], FK_FBASE + PG, 0xa1), 0);
	/* shared: page 2 written (the cache's page, dirty) */
	ASSERT_EQ(fk_write_at(&s[0], FK_SBASE + 2 * PG, 0xb2), 0);
	ASSERT_EQ(smm_space_fork(&s[0], &s[1], 2, &why), 0);
	used[1] = true;
	EXPECT_EQ(fk_check(&e.t.mm, s, used), 0);

	/* private page 0: the same page-cache frame, mapcount 2, until the child writes */
	fr = smm_filemap_get_folio(ino, 0);
	EXPECT_EQ(fk_frame_at(&s[0], FK_FBASE), fr);
	EXPECT_EQ(fk_frame_at(&s[1], FK_FBASE), fr);
	EXPECT_EQ(smm_filemap_mapcount(ino, 0, fr), 2);
	ASSERT_EQ(fk_write_at(&s[1], FK_FBASE, 0xc0), 0);
	EXPECT_EQ(fk_read_at(&s[1], FK_FBASE), fk_csum(0xc0));
	EXPECT_EQ(fk_read_at(&s[0], FK_FBASE), fk_csum(0xf11e0000));
	EXPECT_EQ(smm_filemap_mapcount(ino, 0, fr), 1);
	EXPECT_EQ(fk_check(&e.t.mm, s, used), 0);
	/* private page 1: the parent's copy, now shared COW; the parent's write copies again */
	EXPECT_EQ(fk_frame_at(&s[0], FK_FBASE + PG), fk_frame_at(&s[1], FK_FBASE + PG));
	ASSERT_EQ(fk_write_at(&s[0], FK_FBASE + PG, 0xa2), 0);
	EXPECT_EQ(fk_read_at(&s[1], FK_FBASE + PG), fk_csum(0xa1));
	EXPECT_EQ(fk_read_at(&s[0], FK_FBASE + PG), fk_csum(0xa2));
	EXPECT_EQ(s[0].vm.cow_faults, 1);
	/* private page 3, never touched before fork: the file's bytes in both */
	EXPECT_EQ(fk_read_at(&s[1], FK_FBASE + 3 * PG), fk_csum(0xf11e0003));
	EXPECT_EQ(fk_check(&e.t.mm, s, used), 0);

	/* shared page 2: one frame, each sees the other's writes */
	EXPECT_EQ(fk_read_at(&s[1], FK_SBASE + 2 * PG), fk_csum(0xb2));
	EXPECT_EQ(fk_frame_at(&s[1], FK_SBASE + 2 * PG), fk_frame_at(&s[0], FK_SBASE + 2 * PG));
	ASSERT_EQ(fk_write_at(&s[1], FK_SBASE + 2 * PG, 0xb3), 0);
	EXPECT_EQ(fk_read_at(&s[0], FK_SBASE + 2 * PG), fk_csum(0xb3));
	ASSERT_EQ(fk_write_at(&s[0], FK_SBASE + 5 * PG, 0xb5), 0);
	EXPECT_EQ(fk_read_at(&s[1], FK_SBASE + 5 * PG), fk_csum(0xb5));
	EXPECT_EQ(fk_frame_at(&s[1], FK_SBASE + 5 * PG), smm_filemap_get_folio(ino, 5));
	/* the private mapping of the same file page still reads the file's bytes */
	EXPECT_EQ(fk_read_at(&s[0], FK_FBASE + 3 * PG), fk_csum(0xf11e0003));
	EXPECT_EQ(fk_check(&e.t.mm, s, used), 0);

	smm_space_destroy(&s[0]);
	used[0] = false;
	EXPECT_EQ(fk_read_at(&s[1], FK_FBASE + PG), fk_csum(0xa1));
	EXPECT_EQ(fk_read_at(&s[1], FK_SBASE + 2 * PG), fk_csum(0xb3));
	EXPECT_EQ(fk_check(&e.t.mm, s, used), 0);
	smm_space_destroy(&s[1]);
	smm_inode_destroy(ino);
	used[1] = false;
	EXPECT_EQ(fk_check(&e.t.mm, s, used), 0);
	smm_test_swap_destroy(&e);
}

/*
 * A read pin of a page swapped in from a slot that another space of the
 * family still names: the kernel's GUP unshares it (the page is not
 * PageAnonExclusive while the swap count is over 1), so the other
 * space's later fault maps the swap cache's copy, never the pinned page.
 */
SMM_TEST(fork_pin_of_shared_swap_slot_unshares)
{
	struct smm_space s[2];
	bool used[FK_SPACES] = { true, true };
	struct smm_test_swap e;
	struct smm_pin_res r;
	const char *why;

	ASSERT_EQ(smm_test_swap_init(&e, 1024, 64), 0);
	ASSERT_EQ(fk_new(&e, s, 0), 0);
	ASSERT_EQ(fk_write(&s[0], 0, 0x2000), 0);
	ASSERT_EQ(smm_space_fork(&s[0], &s[1], 2, &why), 0);
	ASSERT_EQ(smm_swap_out_page(&s[1], BASE, &why), 0);
	ASSERT_EQ(smm_space_pin(&s[0], BASE, PG, 0, &r, &why), 0);
	EXPECT_EQ(fk_read(&s[1], 0), fk_csum(0x2000));
	EXPECT_TRUE(fk_frame(&s[0], 0) != fk_frame(&s[1], 0));
	EXPECT_EQ(fk_check(&e.t.mm, s, used), 0);
	EXPECT_EQ(smm_space_unpin(&s[0], BASE, PG, &r.fail_addr, &why), 0);
	smm_space_destroy(&s[1]);
	smm_space_destroy(&s[0]);
	smm_test_swap_destroy(&e);
}
