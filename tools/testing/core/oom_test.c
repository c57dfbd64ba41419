// SPDX-License-Identifier: GPL-2.0
/*
 * The shadow OOM killer (core/oom.h): badness and its ordering
 * (oom_score_adj, ties, -1000 never chosen), a kill that frees every
 * page and swap slot of the victim and leaves it refusing access and
 * mmap, and a fault under exhaustion with swap off that kills exactly
 * one space, the biggest, while the others keep every page.
 *
 *   range: [ space 1 | space 2 (biggest) | space 3 | free ... ]
 *   space 4 faults past the free memory -> space 2 is killed,
 *   its frames come back, space 4's fault retries and succeeds.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "common.h"
#include "../../../module/core/space.h"
#include "../../../module/core/swap.h"
#include "../../../module/core/oom.h"
#include "../../../module/core/lru.h"
#include "../../../module/core/shrinker.h"
#include "../../../module/core/vmscan.h"

#define PG		4096ULL
#define RW		SHADOWMM_PROT_WRITE
#define BASE		0x400000ULL
#define OOM_SPACES	4

/* A test mm with swap, up to OOM_SPACES spaces the killer sees, and its reports. */
struct oom_env {
	struct smm_test_swap e;
	struct smm_space s[OOM_SPACES];
	unsigned int n;			/* spaces set up */
	unsigned int reports;
	struct smm_oom_report last;
};

static struct oom_env *oom_env_of(struct smm_mm *mm)
{
	return (struct oom_env *)((char *)mm - offsetof(struct oom_env, e.t.mm));
}

/* The glue's iterator: every space of the env, in id order. */
static void oom_for_each(struct smm_mm *mm, int (*fn)(struct smm_space *s, void *arg), void *arg)
{
	struct oom_env *env = oom_env_of(mm);
	unsigned int i;

	for (i = 0; i < env->n; i++)
		if (fn(&env->s[i], arg))
			return;
}

static void oom_report(struct smm_mm *mm, const struct smm_oom_report *r)
{
	struct oom_env *env = oom_env_of(mm);

	env->reports++;
	env->last = *r;
	printf("# Out of memory: Killed space %u total-vm:%llukB, anon-rss:%llukB, swap:%llukB, pgtables:%llukB oom_score_adj:%d\n",
	       r->victim, (unsigned long long)r->total_vm * 4, (unsigned long long)r->anon_rss * 4,
	       (unsigned long long)r->swap_ents * 4, (unsigned long long)r->pgtables * 4,
	       r->oom_score_adj);
}

/* @frames frames, @slots swap slots, @n spaces with a VMA of @vma_pages each. */
static int oom_env_init(struct oom_env *env, u64 frames, u64 slots, unsigned int n, u64 vma_pages)
{
	const char *why;
	unsigned int i;
	int ret;

	memset(env, 0, sizeof(*env));
	ret = smm_test_swap_init(&env->e, frames, slots);
	if (ret)
		return ret;
	env->e.t.mm.oom_for_each_space = oom_for_each;
	env->e.t.mm.oom_report = oom_report;
	for (i = 0; i < n; i++) {
		ret = smm_space_init(&env->s[i], &env->e.t.mm, i + 1, 4);
		if (!ret)
			ret = smm_vma_mmap(&env->s[i], BASE, vma_pages * PG, RW, &why);
		if (ret)
			return ret;
		env->n++;
	}
	return 0;
}

static void oom_env_destroy(struct oom_env *env)
{
	unsigned int i;

	for (i = 0; i < env->n; i++)
		smm_space_destroy(&env->s[i]);
	smm_test_swap_destroy(&env->e);
}

/* CHECK: every space's VMAs, RSS and swap entries, the area, the LRU, the buddy. */
static int oom_check(struct oom_env *env)
{
	const struct smm_space *sp[OOM_SPACES];
	unsigned int i;

	for (i = 0; i < env->n; i++)
		sp[i] = &env->s[i];
	return smm_test_check_reclaim(&env->e.t.mm, sp, env->n, true);
}

/* Write @pages pages of @s, page i holding @tag + i in every word. */
static int oom_write(struct smm_space *s, u64 pages, u64 tag)
{
	struct smm_access res;
	const char *why;
	u64 i;
	int ret;

	for (i = 0; i < pages; i++) {
		ret = smm_space_access(s, BASE + i * PG, PG, SMM_ACCESS_WRITE, tag + i, &res, &why);
		if (ret)
			return ret;
	}
	return 0;
}

/* The checksum a read of those @pages returns, and the one the space gives. */
static u64 oom_csum_want(u64 pages, u64 tag)
{
	u64 c = SMM_ACCESS_CSUM_INIT, i, w;

	for (i = 0; i < pages; i++)
		for (w = 0; w < PG / 8; w++)
			c = smm_access_csum(c, tag + i);
	return c;
}

static int oom_csum(struct smm_space *s, u64 pages, u64 *csum)
{
	struct smm_access res;
	const char *why;
	int ret = smm_space_access(s, BASE, pages * PG, 0, 0, &res, &why);

	*csum = res.csum;
	return ret;
}

/*
 * Badness is RSS + swap entries + table pages + adj * (totalpages / 1000);
 * the highest is chosen, a tie goes to the last; -1000 and killed spaces
 * are never chosen; adj outside -1000..1000 is refused.
 */
SMM_TEST(oom_badness_ordering)
{
	struct oom_env env;
	struct smm_mm *mm;
	const char *why;
	u64 total, done;
	s64 points;

	ASSERT_EQ(oom_env_init(&env, 4096, 256, 3, 64), 0);
	mm = &env.e.t.mm;
	total = smm_oom_totalpages(mm);
	EXPECT_EQ(total, mm->zones[SHADOWMM_ZONE_DMA].managed + mm->zones[SHADOWMM_ZONE_DMA32].managed +
			 mm->zones[SHADOWMM_ZONE_NORMAL].managed + 255);
	ASSERT_GE(total / 1000, 4);
	ASSERT_EQ(oom_write(&env.s[0], 10, 100), 0);
	ASSERT_EQ(oom_write(&env.s[1], 30, 200), 0);
	ASSERT_EQ(oom_write(&env.s[2], 20, 300), 0);
	/* space 3: 8 of its 20 pages to swap: still 20 points for them */
	ASSERT_EQ(smm_swap_pageout(&env.s[2], BASE, 8 * PG, &done, &why), 0);
	ASSERT_EQ(done, 8);
	/* 4 levels of tables for one 2 MiB run: 4 table pages each */
	EXPECT_EQ(smm_oom_badness(&env.s[0], total), 10 + 4);
	EXPECT_EQ(smm_oom_badness(&env.s[1], total), 30 + 4);
	EXPECT_EQ(smm_oom_badness(&env.s[2], total), 12 + 8 + 4);
	EXPECT_EQ(smm_oom_select(mm, &points), &env.s[1]);
	EXPECT_EQ(points, 34);

	/* +3 * (total / 1000) lifts space 1 over space 2 */
	ASSERT_EQ(smm_oom_set_score_adj(&env.s[0], 6, &why), 0);
	EXPECT_EQ(smm_oom_badness(&env.s[0], total), 14 + 6 * (s64)(total / 1000));
	EXPECT_EQ(smm_oom_select(mm, &points), &env.s[0]);
	/* a negative adj can make the points negative: still a candidate */
	ASSERT_EQ(smm_oom_set_score_adj(&env.s[0], -999, &why), 0);
	EXPECT_TRUE(smm_oom_badness(&env.s[0], total) < 0);
	EXPECT_EQ(smm_oom_select(mm, &points), &env.s[1]);

	/* a tie goes to the last candidate, as oom_evaluate_task() */
	ASSERT_EQ(smm_oom_set_score_adj(&env.s[0], 0, &why), 0);
	ASSERT_EQ(oom_write(&env.s[0], 30, 100), 0);
	EXPECT_EQ(smm_oom_badness(&env.s[0], total), smm_oom_badness(&env.s[1], total));
	EXPECT_EQ(smm_oom_select(mm, &points), &env.s[1]);

	/* -1000: never, whatever it holds */
	ASSERT_EQ(smm_oom_set_score_adj(&env.s[1], -1000, &why), 0);
	EXPECT_EQ(smm_oom_badness(&env.s[1], total), SMM_OOM_POINTS_MIN);
	EXPECT_EQ(smm_oom_select(mm, &points), &env.s[0]);
	ASSERT_EQ(smm_oom_set_score_adj(&env.s[0], -1000, &why), 0);
	ASSERT_EQ(smm_oom_set_score_adj(&env.s[2], -1000, &why), 0);
	EXPECT_EQ(smm_oom_select(mm, &points), NULL);
	EXPECT_EQ(points, SMM_OOM_POINTS_MIN);

	/* refusals leave the value as it was */
	EXPECT_EQ(smm_oom_set_score_adj(&env.s[2], 1001, &why), -EINVAL);
	ASSERT_STREQ(why, "oom_score_adj must be -1000 to 1000");
	EXPECT_EQ(smm_oom_set_score_adj(&env.s[2], -1001, &why), -EINVAL);
	EXPECT_EQ(env.s[2].vm.oom_score_adj, -1000);
	ASSERT_EQ(smm_oom_set_score_adj(&env.s[2], 1000, &why), 0);
	EXPECT_EQ(smm_oom_badness(&env.s[2], total), 24 + 1000 * (s64)(total / 1000));

	/* no iterator: no candidate at all */
	mm->oom_for_each_space = NULL;
	EXPECT_EQ(smm_oom_select(mm, &points), NULL);
	EXPECT_EQ(oom_check(&env), 0);
	oom_env_destroy(&env);
}

/*
 * A kill frees every anonymous page and swap slot of the victim (the
 * free frames and the area's inuse back to what they were before its
 * faults), counts oom_kill, and leaves a space that refuses access and
 * mmap but can still be shown and destroyed; the others are untouched.
 */
SMM_TEST(oom_kill_frees_everything)
{
	struct smm_oom_report r;
	struct smm_access res;
	struct oom_env env;
	struct smm_mm *mm;
	u64 free0, csum, done;
	const char *why;

	ASSERT_EQ(oom_env_init(&env, 1024, 256, 2, 128), 0);
	mm = &env.e.t.mm;
	smm_drain_all_pcp(mm);
	free0 = smm_test_free_frames(mm);
	ASSERT_EQ(oom_write(&env.s[1], 128, 1), 0);
	smm_drain_all_pcp(mm);
	free0 -= free0 - smm_test_free_frames(mm);	/* space 2's pages taken */
	ASSERT_EQ(oom_write(&env.s[0], 100, 7), 0);
	ASSERT_EQ(smm_swap_pageout(&env.s[0], BASE + 40 * PG, 50 * PG, &done, &why), 0);
	ASSERT_EQ(done, 50);
	EXPECT_EQ(env.e.sw.inuse, 50);
	EXPECT_EQ(env.s[0].vm.rss_anon, 50);
	EXPECT_EQ(env.s[0].vm.swap_ents, 50);

	smm_oom_kill_space(&env.s[0], &r);
	EXPECT_EQ(r.victim, 1);
	EXPECT_EQ(r.anon_rss, 50);
	EXPECT_EQ(r.swap_ents, 50);
	EXPECT_EQ(r.pgtables, 4);
	EXPECT_EQ(r.total_vm, 128);
	EXPECT_EQ(mm->events.oom_kill, 1);
	EXPECT_TRUE(env.s[0].vm.oom_killed);
	EXPECT_EQ(env.s[0].vm.rss_anon, 0);
	EXPECT_EQ(env.s[0].vm.swap_ents, 0);
	EXPECT_EQ(env.e.sw.inuse, 0);
	/* every frame back but the root table */
	EXPECT_EQ(smm_space_frames(&env.s[0]), 1);
	smm_drain_all_pcp(mm);
	EXPECT_EQ(smm_test_free_frames(mm), free0);

	/* the corpse refuses access and mmap, and is never chosen again */
	EXPECT_EQ(smm_space_access(&env.s[0], BASE, 8, 0, 0, &res, &why), -ESRCH);
	ASSERT_STREQ(why, SMM_OOM_KILLED_WHY);
	EXPECT_EQ(smm_space_access(&env.s[0], BASE, 8, SMM_ACCESS_WRITE, 1, &res, &why), -ESRCH);
	EXPECT_EQ(smm_vma_mmap(&env.s[0], 0x10000000, PG, RW, &why), -ESRCH);
	ASSERT_STREQ(why, "the space was killed by the OOM killer");
	EXPECT_EQ(smm_oom_badness(&env.s[0], smm_oom_totalpages(mm)), SMM_OOM_POINTS_MIN);
	EXPECT_EQ(env.s[0].vm.nr, 1);	/* its VMAs stay for show */

	/* space 2 untouched */
	ASSERT_EQ(oom_csum(&env.s[1], 128, &csum), 0);
	EXPECT_EQ(csum, oom_csum_want(128, 1));
	EXPECT_EQ(oom_check(&env), 0);
	oom_env_destroy(&env);
}

/*
 * Swap off, three spaces, the middle one the biggest: a fourth space
 * faulting past the free memory kills exactly one space, the biggest,
 * reported once, and gets all its pages; the two others keep every page
 * (checksums). The same with the biggest protected (-1000): the next
 * biggest goes. Then with every other space protected, the faulting
 * space kills itself: -ESRCH.
 */
SMM_TEST(oom_fault_kills_the_biggest)
{
	static const u64 sizes[3] = { 100, 900, 300 };
	struct smm_access res;
	struct oom_env env;
	struct smm_mm *mm;
	u64 free_now, want, csum;
	const char *why;
	unsigned int i;
	int ret;

	ASSERT_EQ(oom_env_init(&env, 2048, 64, 4, 2048), 0);
	mm = &env.e.t.mm;
	mm->swap = NULL;	/* swapoff before anything went out */
	for (i = 0; i < 3; i++)
		ASSERT_EQ(oom_write(&env.s[i], sizes[i], (i + 1) << 20), 0);
	EXPECT_EQ(env.reports, 0);
	smm_drain_all_pcp(mm);
	free_now = smm_test_free_frames(mm);
	/* past the free memory, but less than the biggest space gives back */
	ASSERT_TRUE(free_now + 40 < sizes[1]);
	want = free_now + 40;
	printf("# free %llu, space 4 writes %llu pages\n", (unsigned long long)free_now,
	       (unsigned long long)want);
	ret = oom_write(&env.s[3], want, 4 << 20);
	EXPECT_EQ(ret, 0);
	EXPECT_EQ(env.reports, 1);
	EXPECT_EQ(mm->events.oom_kill, 1);
	EXPECT_EQ(env.last.victim, 2);
	EXPECT_EQ(env.last.trigger, 4);
	EXPECT_EQ(env.last.anon_rss, 900);
	EXPECT_EQ(env.last.swap_ents, 0);
	for (i = 0; i < 4; i++)
		EXPECT_EQ(env.s[i].vm.oom_killed, i == 1);
	EXPECT_EQ(env.s[3].vm.rss_anon, want);
	for (i = 0; i < 3; i += 2) {
		ASSERT_EQ(oom_csum(&env.s[i], sizes[i], &csum), 0);
		EXPECT_EQ(csum, oom_csum_want(sizes[i], (i + 1) << 20));
		EXPECT_EQ(env.s[i].vm.rss_anon, sizes[i]);
	}
	ASSERT_EQ(oom_csum(&env.s[3], want, &csum), 0);
	EXPECT_EQ(csum, oom_csum_want(want, 4 << 20));
	EXPECT_EQ(oom_check(&env), 0);

	/* the biggest left (space 4) protected: space 3 (300) goes next */
	ASSERT_EQ(smm_oom_set_score_adj(&env.s[3], -1000, &why), 0);
	ASSERT_EQ(smm_vma_mmap(&env.s[3], 0x10000000, 2048 * PG, RW, &why), 0);
	for (i = 0; i < 2048; i++) {
		ret = smm_space_access(&env.s[3], 0x10000000 + i * PG, PG, SMM_ACCESS_WRITE, 9,
				       &res, &why);
		if (ret || env.reports == 2)
			break;
	}
	EXPECT_EQ(ret, 0);
	EXPECT_EQ(env.reports, 2);
	EXPECT_EQ(env.last.victim, 3);
	EXPECT_TRUE(env.s[2].vm.oom_killed);
	ASSERT_EQ(oom_csum(&env.s[0], sizes[0], &csum), 0);
	EXPECT_EQ(csum, oom_csum_want(sizes[0], 1 << 20));
	EXPECT_EQ(oom_check(&env), 0);

	/* space 1 protected too, space 4 unprotected: it kills itself */
	ASSERT_EQ(smm_oom_set_score_adj(&env.s[0], -1000, &why), 0);
	ASSERT_EQ(smm_oom_set_score_adj(&env.s[3], 0, &why), 0);
	for (; i < 2048; i++) {
		ret = smm_space_access(&env.s[3], 0x10000000 + i * PG, PG, SMM_ACCESS_WRITE, 9,
				       &res, &why);
		if (ret)
			break;
	}
	EXPECT_EQ(ret, -ESRCH);
	ASSERT_STREQ(why, SMM_OOM_KILLED_WHY);
	EXPECT_EQ(env.reports, 3);
	EXPECT_EQ(env.last.victim, 4);
	EXPECT_EQ(env.last.trigger, 4);
	EXPECT_EQ(env.s[3].vm.rss_anon, 0);
	EXPECT_EQ(mm->events.oom_kill, 3);
	ASSERT_EQ(oom_csum(&env.s[0], sizes[0], &csum), 0);
	EXPECT_EQ(csum, oom_csum_want(sizes[0], 1 << 20));
	EXPECT_EQ(oom_check(&env), 0);

	/* only -1000 left: no victim, -ENOMEM as without the killer */
	ret = oom_write(&env.s[0], 2048, 5);
	EXPECT_EQ(ret, -ENOMEM);
	EXPECT_EQ(env.reports, 3);
	EXPECT_EQ(env.s[0].vm.oom_killed, false);
	EXPECT_EQ(oom_check(&env), 0);
	oom_env_destroy(&env);
}

/* Direct reclaims so far, every zone's allocstall. */
static u64 oom_allocstall(const struct smm_mm *mm)
{
	u64 n = 0;
	unsigned int z;

	for (z = 0; z < SMM_NR_ZONES; z++)
		n += mm->reclaim.allocstall[z];
	return n;
}

/* What takes every free frame: past every watermark, no pageblock stolen. */
#define OOM_FILL	(SHADOWMM_GFP_MOVABLE | SHADOWMM_GFP_RESERVE)

/* Take every free frame into @held (from *@n on): past every watermark. */
static void oom_fill(struct smm_mm *mm, u64 *held, u64 *n, u64 max)
{
	while (*n < max && !smm_alloc_pages(mm, 0, OOM_FILL, smm_cpu_get(), &held[*n])) {
		smm_cpu_put();
		(*n)++;
	}
	smm_cpu_put();
}

/* The glue's PAGE_ALLOC for one block: smm_alloc_pages_oom(), CPU given back. */
static int oom_page_alloc(struct smm_mm *mm, unsigned int order, unsigned int gfp, u64 *idx)
{
	unsigned int cpu;
	int ret = smm_alloc_pages_oom(mm, order, gfp, &cpu, idx);

	if (!ret)
		smm_cpu_put();
	return ret;
}

/*
 * Allocations outside the fault path (the glue's PAGE_ALLOC) under
 * exhaustion with swap off, as __alloc_pages_slowpath(): ATOMIC fails
 * without reclaim; NORETRY, a costly order and a DMA32-only request
 * reclaim once and fail without the OOM killer; a GFP_KERNEL-like
 * order-0 request kills the biggest space (no trigger space: 0 in the
 * report) and gets a page, the others keeping theirs; further requests
 * kill the rest one at a time, then fail with no victim left.
 */
SMM_TEST(oom_page_alloc_kills_as_gfp_says)
{
	static const u64 sizes[3] = { 100, 900, 300 };
	u64 *held, n = 0, stall, idx, csum;
	struct oom_env env;
	struct smm_mm *mm;
	unsigned int i;

	ASSERT_EQ(oom_env_init(&env, 2048, 64, 3, 2048), 0);
	mm = &env.e.t.mm;
	mm->swap = NULL;
	for (i = 0; i < 3; i++)
		ASSERT_EQ(oom_write(&env.s[i], sizes[i], (i + 1) << 20), 0);
	held = calloc(2048, sizeof(*held));
	ASSERT_TRUE(held != NULL);
	oom_fill(mm, held, &n, 2048);
	ASSERT_TRUE(n > 0);

	stall = oom_allocstall(mm);
	EXPECT_EQ(oom_page_alloc(mm, 0, SHADOWMM_GFP_ATOMIC, &idx), -ENOMEM);
	EXPECT_EQ(oom_allocstall(mm), stall);
	EXPECT_EQ(oom_page_alloc(mm, 0, SHADOWMM_GFP_NORETRY, &idx), -ENOMEM);
	EXPECT_EQ(oom_allocstall(mm), stall + 1);
	EXPECT_EQ(oom_page_alloc(mm, 0, SHADOWMM_GFP_DMA32, &idx), -ENOMEM);
	EXPECT_EQ(oom_page_alloc(mm, 4, 0, &idx), -ENOMEM);
	EXPECT_EQ(oom_allocstall(mm), stall + 3);
	EXPECT_EQ(env.reports, 0);

	ASSERT_EQ(oom_page_alloc(mm, 0, 0, &held[n]), 0);
	n++;
	EXPECT_EQ(env.reports, 1);
	EXPECT_EQ(env.last.victim, 2);
	EXPECT_EQ(env.last.trigger, 0);
	EXPECT_EQ(env.last.order, 0);
	EXPECT_EQ(env.last.anon_rss, 900);
	for (i = 0; i < 3; i += 2) {
		ASSERT_EQ(oom_csum(&env.s[i], sizes[i], &csum), 0);
		EXPECT_EQ(csum, oom_csum_want(sizes[i], (i + 1) << 20));
	}
	EXPECT_EQ(oom_check(&env), 0);

	/* the rest of the memory, then the two other spaces, then nothing */
	while (n < 2048 && !oom_page_alloc(mm, 0, 0, &held[n]))
		n++;
	EXPECT_TRUE(n < 2048);
	EXPECT_EQ(env.reports, 3);
	EXPECT_EQ(mm->events.oom_kill, 3);
	for (i = 0; i < 3; i++)
		EXPECT_TRUE(env.s[i].vm.oom_killed);
	EXPECT_EQ(oom_page_alloc(mm, 0, 0, &idx), -ENOMEM);
	EXPECT_EQ(env.reports, 3);
	while (n)
		smm_free_pages(mm, held[--n], 0);
	free(held);
	EXPECT_EQ(oom_check(&env), 0);
	oom_env_destroy(&env);
}

/*
 * With swap on, the space's 600 pages interleaved with held ones (so
 * that what reclaim frees never merges above order 0): NORETRY reclaims
 * once (not enough to pass min) and fails; a costly order (4) reclaims
 * once and fails; a GFP_KERNEL-like request, memory taken again,
 * reclaims while that makes progress and succeeds without a kill. The
 * watermark boost the space's first page table raised (an unmovable
 * steal) is cleared first, as kshadowd would.
 */
SMM_TEST(oom_page_alloc_reclaims_before_killing)
{
	u64 *held, n = 0, idx, csum, stall, out;
	struct smm_access res;
	struct oom_env env;
	struct smm_mm *mm;
	const char *why;
	unsigned int i;

	ASSERT_EQ(oom_env_init(&env, 2048, 1024, 1, 2048), 0);
	mm = &env.e.t.mm;
	held = calloc(2048, sizeof(*held));
	ASSERT_TRUE(held != NULL);
	for (i = 0; i < 600; i++) {
		ASSERT_EQ(smm_space_access(&env.s[0], BASE + i * PG, PG, SMM_ACCESS_WRITE,
					   (1 << 20) + i, &res, &why), 0);
		ASSERT_EQ(smm_alloc_pages(mm, 0, OOM_FILL, smm_cpu_get(), &held[n++]), 0);
		smm_cpu_put();
	}
	oom_fill(mm, held, &n, 2048);
	smm_zones_clear_boost(mm);

	stall = oom_allocstall(mm);
	EXPECT_EQ(oom_page_alloc(mm, 0, SHADOWMM_GFP_MOVABLE | SHADOWMM_GFP_NORETRY, &idx),
		  -ENOMEM);
	EXPECT_EQ(oom_allocstall(mm), stall + 1);
	out = mm->events.pswpout;
	EXPECT_TRUE(out > 0 && out < 90);
	EXPECT_EQ(oom_page_alloc(mm, 4, SHADOWMM_GFP_MOVABLE, &idx), -ENOMEM);
	EXPECT_EQ(oom_allocstall(mm), stall + 2);

	oom_fill(mm, held, &n, 2048);
	ASSERT_EQ(oom_page_alloc(mm, 0, SHADOWMM_GFP_MOVABLE, &held[n]), 0);
	n++;
	EXPECT_TRUE(oom_allocstall(mm) >= stall + 4);
	EXPECT_EQ(env.reports, 0);
	printf("# allocstall %llu, pswpout %llu\n", (unsigned long long)(oom_allocstall(mm) - stall),
	       (unsigned long long)mm->events.pswpout);
	while (n)
		smm_free_pages(mm, held[--n], 0);
	free(held);
	ASSERT_EQ(oom_csum(&env.s[0], 600, &csum), 0);
	EXPECT_EQ(csum, oom_csum_want(600, 1 << 20));
	EXPECT_EQ(oom_check(&env), 0);
	oom_env_destroy(&env);
}

/*
 * should_reclaim_retry()'s tests below: a space of RETRY_PAGES pages,
 * every other frame held, so that each PAGE_ALLOC of order 0 reaches
 * direct reclaim.
 *
 *   range: [ space 1: RETRY_PAGES pages | held ... | free: none ]
 *
 * A "toucher", the test's stand-in for the space's own thread using its
 * memory while reclaim runs, is a shrinker: reclaim calls it after
 * every pass over the lists (smm_shrink_node()), and it reads every page
 * of the space, which makes each PTE young again. Each page the lists
 * look at is then referenced: kept, activated, deactivated and
 * activated again, never reclaimed. It touches during reclaim number
 * @until (counted by allocstall) or, @until 0, always; only while the
 * space is whole (a page swapped out would fault, in the middle of
 * reclaim) and not killed. It frees nothing itself.
 */
#define RETRY_PAGES	600

struct retry_toucher {
	struct smm_shrinker sh;
	struct smm_shrinker_list list;
	struct smm_space *s;
	u64 until;		/* the allocstall count it touches at, 0: any */
	u64 calls;		/* passes it touched after */
	u64 steal_seen;		/* pgsteal_direct at its last touch */
};

static u64 retry_touch(struct smm_shrinker *sh, struct smm_shrink_control *sc)
{
	struct retry_toucher *t = sh->priv;
	struct smm_mm *mm = t->s->mm;
	struct smm_access res;
	const char *why;

	(void)sc;
	if ((t->until && oom_allocstall(mm) != t->until) || t->s->vm.oom_killed ||
	    t->s->vm.rss_anon != RETRY_PAGES)
		return 0;
	if (!smm_space_access(t->s, BASE, RETRY_PAGES * PG, 0, 0, &res, &why))
		t->calls++;
	t->steal_seen = mm->reclaim.pgsteal_direct;
	return 0;
}

static u64 retry_no_scan(struct smm_shrinker *sh, struct smm_shrink_control *sc)
{
	(void)sh;
	(void)sc;
	return SMM_SHRINK_STOP;
}

/* The env of the tests: @slots swap slots (0: swap off), the space written, the rest held. */
static int retry_env_init(struct oom_env *env, struct retry_toucher *t, u64 slots, u64 *held,
			  u64 *n)
{
	int ret;

	ret = oom_env_init(env, 2048, slots ? slots : 64, 1, 2048);
	if (ret)
		return ret;
	if (!slots)
		env->e.t.mm.swap = NULL;	/* swapoff before anything went out */
	ret = oom_write(&env->s[0], RETRY_PAGES, 1 << 20);
	if (ret)
		return ret;
	memset(t, 0, sizeof(*t));
	t->s = &env->s[0];
	t->sh.count_objects = retry_touch;
	t->sh.scan_objects = retry_no_scan;
	t->sh.priv = t;
	t->sh.seeks = SMM_DEFAULT_SEEKS;
	smm_shrinkers_init(&t->list);
	ret = smm_shrinker_register(&t->list, &t->sh);
	if (ret)
		return ret;
	env->e.t.mm.shrinkers = &t->list;
	oom_fill(&env->e.t.mm, held, n, 2048);
	smm_zones_clear_boost(&env->e.t.mm);
	return 0;
}

static void retry_env_destroy(struct oom_env *env, struct retry_toucher *t, u64 *held, u64 n)
{
	env->e.t.mm.shrinkers = NULL;
	smm_shrinker_unregister(&t->list, &t->sh);
	while (n)
		smm_free_pages(&env->e.t.mm, held[--n], 0);
	oom_env_destroy(env);
}

/*
 * should_reclaim_retry(): a first direct reclaim that finds only
 * referenced pages (the toucher at work during it) frees nothing; as
 * the space's pages are reclaimable (swap has free slots), the zone
 * could still pass min, so the kernel loops again instead of going
 * OOM: the next reclaim (the toucher idle) finds the pages it
 * deactivated unreferenced, swaps them out, and the allocation succeeds
 * with no kill. (Giving up after the first fruitless reclaim kills the
 * space here.)
 */
SMM_TEST(oom_reclaim_retries_after_a_fruitless_reclaim)
{
	struct retry_toucher t;
	struct oom_env env;
	struct smm_mm *mm;
	u64 *held, n = 0, stall, steal, csum;

	held = calloc(2048, sizeof(*held));
	ASSERT_TRUE(held != NULL);
	ASSERT_EQ(retry_env_init(&env, &t, 1024, held, &n), 0);
	mm = &env.e.t.mm;
	stall = oom_allocstall(mm);
	steal = mm->reclaim.pgsteal_direct;
	t.until = stall + 1;

	ASSERT_EQ(oom_page_alloc(mm, 0, SHADOWMM_GFP_MOVABLE, &held[n]), 0);
	n++;
	printf("# toucher %llu passes, allocstall %llu, pgsteal_direct %llu\n",
	       (unsigned long long)t.calls, (unsigned long long)(oom_allocstall(mm) - stall),
	       (unsigned long long)(mm->reclaim.pgsteal_direct - steal));
	EXPECT_TRUE(t.calls > 0);
	EXPECT_EQ(t.steal_seen, steal);		/* the first reclaim freed nothing */
	EXPECT_TRUE(oom_allocstall(mm) >= stall + 2);
	EXPECT_TRUE(mm->reclaim.pgsteal_direct > steal);
	EXPECT_EQ(env.reports, 0);
	EXPECT_EQ(mm->events.oom_kill, 0);
	EXPECT_EQ(env.s[0].vm.oom_killed, false);
	ASSERT_EQ(oom_csum(&env.s[0], RETRY_PAGES, &csum), 0);
	EXPECT_EQ(csum, oom_csum_want(RETRY_PAGES, 1 << 20));
	EXPECT_EQ(oom_check(&env), 0);
	retry_env_destroy(&env, &t, held, n);
	free(held);
}

/*
 * MAX_RECLAIM_RETRIES: with the toucher at work through every reclaim,
 * none frees anything while the space's pages still count as
 * reclaimable; the request loops until the 17th reclaim without
 * progress (no_progress_loops > 16), then the OOM killer runs, once,
 * and the allocation gets the victim's memory.
 */
SMM_TEST(oom_reclaim_no_progress_loops_bounded)
{
	struct retry_toucher t;
	struct oom_env env;
	struct smm_mm *mm;
	u64 *held, n = 0, stall, steal;

	held = calloc(2048, sizeof(*held));
	ASSERT_TRUE(held != NULL);
	ASSERT_EQ(retry_env_init(&env, &t, 1024, held, &n), 0);
	mm = &env.e.t.mm;
	stall = oom_allocstall(mm);
	steal = mm->reclaim.pgsteal_direct;

	ASSERT_EQ(oom_page_alloc(mm, 0, SHADOWMM_GFP_MOVABLE, &held[n]), 0);
	n++;
	printf("# toucher %llu passes, allocstall %llu\n", (unsigned long long)t.calls,
	       (unsigned long long)(oom_allocstall(mm) - stall));
	EXPECT_EQ(oom_allocstall(mm), stall + SMM_MAX_RECLAIM_RETRIES + 1);
	EXPECT_EQ(mm->reclaim.pgsteal_direct, steal);
	EXPECT_EQ(env.reports, 1);
	EXPECT_EQ(env.last.victim, 1);
	EXPECT_TRUE(env.s[0].vm.oom_killed);
	EXPECT_EQ(oom_check(&env), 0);
	retry_env_destroy(&env, &t, held, n);
	free(held);
}

/*
 * Nothing reclaimable: swap off, only anonymous pages. With no free
 * page either, not even every reclaimable page could lift the zone
 * over min: one reclaim, then the OOM killer. With k free pages, min / 2
 * < k <= min, zone_reclaimable_pages() counts the free pages for the
 * empty lists (the 6.1 and 6.12 sources built here do), so the zone
 * would pass min with 2k: the request loops through the 17 fruitless
 * reclaims MAX_RECLAIM_RETRIES allows, then the killer runs.
 */
SMM_TEST(oom_reclaim_nothing_reclaimable_goes_oom)
{
	struct retry_toucher t;
	struct oom_env env;
	struct smm_mm *mm;
	struct smm_zone *z;
	u64 *held, n = 0, stall, min, k, idx;

	held = calloc(2048, sizeof(*held));
	ASSERT_TRUE(held != NULL);
	ASSERT_EQ(retry_env_init(&env, &t, 0, held, &n), 0);
	mm = &env.e.t.mm;
	z = &mm->zones[SHADOWMM_ZONE_DMA32];
	t.until = ~0ULL;	/* the toucher stays idle */
	smm_drain_all_pcp(mm);
	ASSERT_EQ(z->free, 0);

	stall = oom_allocstall(mm);
	ASSERT_EQ(oom_page_alloc(mm, 0, SHADOWMM_GFP_MOVABLE, &idx), 0);
	EXPECT_EQ(oom_allocstall(mm), stall + 1);
	EXPECT_EQ(env.reports, 1);
	EXPECT_TRUE(env.s[0].vm.oom_killed);

	/* again, with k free frames: the victim's memory taken, k given back */
	held[n++] = idx;
	oom_fill(mm, held, &n, 2048);
	min = smm_wmark_pages(z, SMM_WMARK_MIN);
	k = min / 2 + 1;
	ASSERT_TRUE(k <= min && n > k);
	while (k--)
		smm_free_pages(mm, held[--n], 0);
	smm_drain_all_pcp(mm);
	printf("# min %llu, free %llu\n", (unsigned long long)min, (unsigned long long)z->free);
	stall = oom_allocstall(mm);
	EXPECT_EQ(oom_page_alloc(mm, 0, SHADOWMM_GFP_MOVABLE, &idx), -ENOMEM);
	EXPECT_EQ(oom_allocstall(mm), stall + SMM_MAX_RECLAIM_RETRIES + 1);
	EXPECT_EQ(env.reports, 1);	/* no victim left */
	EXPECT_EQ(oom_check(&env), 0);
	retry_env_destroy(&env, &t, held, n);
	free(held);
}

/*
 * Progress resets no_progress_loops: with min_free_kbytes at its
 * highest (a quarter of the range), a request needs the zone above a
 * min of a thousand pages, which reclaim's 32 pages a loop reach only
 * after far more than 16 loops. Every loop makes progress, so the
 * kernel keeps going and the allocation succeeds with no kill (a count
 * of all loops, progress or not, would give up at 17 and kill).
 */
SMM_TEST(oom_reclaim_progress_resets_the_loops)
{
	struct oom_env env;
	struct smm_mm *mm;
	u64 *held, n = 0, stall, csum, min;
	const char *why;

	held = calloc(4096, sizeof(*held));
	ASSERT_TRUE(held != NULL);
	ASSERT_EQ(oom_env_init(&env, 4096, 4096, 1, 4096), 0);
	mm = &env.e.t.mm;
	ASSERT_EQ(oom_write(&env.s[0], 2400, 1 << 20), 0);
	oom_fill(mm, held, &n, 4096);
	smm_zones_clear_boost(mm);
	ASSERT_EQ(smm_set_min_free_kbytes(mm, smm_min_free_kbytes_max(mm), &why), 0);
	min = smm_wmark_pages(&mm->zones[SHADOWMM_ZONE_DMA32], SMM_WMARK_MIN);
	ASSERT_TRUE(min > (SMM_MAX_RECLAIM_RETRIES + 1) * SMM_SWAP_CLUSTER_MAX * 3 / 2);
	stall = oom_allocstall(mm);

	ASSERT_EQ(oom_page_alloc(mm, 0, SHADOWMM_GFP_MOVABLE, &held[n]), 0);
	n++;
	printf("# min %llu, allocstall %llu, pgsteal_direct %llu\n", (unsigned long long)min,
	       (unsigned long long)(oom_allocstall(mm) - stall),
	       (unsigned long long)mm->reclaim.pgsteal_direct);
	EXPECT_TRUE(oom_allocstall(mm) > stall + SMM_MAX_RECLAIM_RETRIES + 1);
	EXPECT_EQ(env.reports, 0);
	EXPECT_EQ(env.s[0].vm.oom_killed, false);
	while (n)
		smm_free_pages(mm, held[--n], 0);
	free(held);
	ASSERT_EQ(oom_csum(&env.s[0], 2400, &csum), 0);
	EXPECT_EQ(csum, oom_csum_want(2400, 1 << 20));
	EXPECT_EQ(oom_check(&env), 0);
	oom_env_destroy(&env);
}

/*
 * The same rule in direct compaction's loop (an order above 0, through
 * smm_alloc_pages_compact()): k free frames under min, some of them
 * whole order-1 blocks; the first reclaim, the toucher at work, frees
 * nothing, but the zone has an order-1 block and could pass min with
 * the space's pages, so the loop reclaims again instead of going OOM,
 * and the order-1 request succeeds with no kill.
 */
SMM_TEST(oom_compact_loop_retries_after_a_fruitless_reclaim)
{
	u64 nr_free[SMM_NR_ORDERS], *held, n = 0, stall, steal, min, k;
	struct retry_toucher t;
	struct oom_env env;
	struct smm_mm *mm;
	struct smm_zone *z;
	unsigned int o;
	u64 blocks = 0;

	held = calloc(2048, sizeof(*held));
	ASSERT_TRUE(held != NULL);
	ASSERT_EQ(retry_env_init(&env, &t, 1024, held, &n), 0);
	mm = &env.e.t.mm;
	z = &mm->zones[SHADOWMM_ZONE_DMA32];
	min = smm_wmark_pages(z, SMM_WMARK_MIN);
	for (k = min - 20; k; k--)
		smm_free_pages(mm, held[--n], 0);
	smm_drain_all_pcp(mm);
	smm_zone_nr_free(z, nr_free);
	for (o = 1; o < SMM_NR_ORDERS; o++)
		blocks += nr_free[o];
	printf("# min %llu, free %llu, blocks of order 1 and above %llu\n",
	       (unsigned long long)min, (unsigned long long)z->free, (unsigned long long)blocks);
	ASSERT_TRUE(blocks > 0 && z->free <= min);
	stall = oom_allocstall(mm);
	steal = mm->reclaim.pgsteal_direct;
	t.until = stall + 1;

	ASSERT_EQ(oom_page_alloc(mm, 1, SHADOWMM_GFP_MOVABLE, &held[n]), 0);
	n++;
	printf("# allocstall %llu, pgsteal_direct %llu\n",
	       (unsigned long long)(oom_allocstall(mm) - stall),
	       (unsigned long long)(mm->reclaim.pgsteal_direct - steal));
	EXPECT_TRUE(t.calls > 0);
	EXPECT_EQ(t.steal_seen, steal);
	EXPECT_TRUE(oom_allocstall(mm) >= stall + 2);
	EXPECT_EQ(env.reports, 0);
	EXPECT_EQ(env.s[0].vm.oom_killed, false);
	EXPECT_EQ(oom_check(&env), 0);
	retry_env_destroy(&env, &t, held, n);
	free(held);
}
