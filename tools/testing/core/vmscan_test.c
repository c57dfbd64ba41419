// SPDX-License-Identifier: GPL-2.0
/*
 * Reclaim that runs (core/vmscan.h): a space bigger than the free memory
 * written page by page keeps faulting through direct reclaim (allocstall,
 * pgsteal_direct, free never below min, every page's data intact through
 * swap); kshadowd's balance_pgdat() lifts free above high; the wakeup
 * callback fires below low; proactive reclaim reclaims what it is asked
 * or says -EAGAIN; without swap nothing anon is reclaimed and the fault
 * fails with -ENOMEM; a hot set stays resident while a cold set goes to
 * swap.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "common.h"
#include "../../../module/core/space.h"
#include "../../../module/core/swap.h"
#include "../../../module/core/vmscan.h"
#include "../../../module/core/trace_hooks.h"

#define PG		4096ULL
#define RW		SHADOWMM_PROT_WRITE
#define BASE		0x400000ULL
#define VS_FRAMES	1024		/* 4 MiB: all of it DMA32 at pfn 0x10000 */
#define VS_ZONE		SHADOWMM_ZONE_DMA32

static struct smm_zone *vs_zone(struct smm_test_swap *e)
{
	return &e->t.mm.zones[VS_ZONE];
}

/* CHECK of everything: the buddy, the lists and rmap, the swap area against @s. */
static int vs_check(struct smm_mm *mm, const struct smm_space *s)
{
	return smm_test_check_reclaim(mm, &s, 1, true);
}

static int vs_write(struct smm_space *s, u64 va, u64 value)
{
	struct smm_access res = { 0 };
	const char *why;

	return smm_space_access(s, va, PG, SMM_ACCESS_WRITE, value, &res, &why);
}

/* Read @va's page: its checksum in *@csum. */
static int vs_read(struct smm_space *s, u64 va, u64 *csum)
{
	struct smm_access res = { .csum = SMM_ACCESS_CSUM_INIT };
	const char *why;
	int ret = smm_space_access(s, va, PG, 0, 0, &res, &why);

	*csum = res.csum;
	return ret;
}

/* Is @va's page present (not swapped out, not absent)? */
static bool vs_resident(const struct smm_space *s, u64 va)
{
	struct smm_walk w;

	return !smm_space_walk(s, va, &w) && w.kind == SHADOWMM_PT_PAGE;
}

/*
 * The pressure workload: a space of 1.5 times the free memory written
 * page by page (value = page number + 1). Every fault succeeds through
 * direct reclaim; after each, free >= min. Returns the pages written.
 */
static u64 vs_fill(struct smm_test_swap *e, struct smm_space *s, int *err)
{
	struct smm_zone *z = vs_zone(e);
	u64 pages = z->free * 3 / 2, i;
	const char *why;

	*err = smm_vma_mmap(s, BASE, pages * PG, RW, &why);
	for (i = 0; !*err && i < pages; i++) {
		*err = vs_write(s, BASE + i * PG, i + 1);
		if (!*err && z->free < z->wmark[SMM_WMARK_MIN]) {
			printf("# page %llu: free %llu below min %llu\n", (unsigned long long)i,
			       (unsigned long long)z->free,
			       (unsigned long long)z->wmark[SMM_WMARK_MIN]);
			*err = -ERANGE;
		}
	}
	return i;
}

/* Direct reclaim keeps a space 1.5x the free memory faulting, data intact. */
SMM_TEST(vmscan_direct_reclaim_under_pressure)
{
	struct smm_test_swap e;
	struct smm_space s;
	struct smm_mm *mm;
	u64 pages, i, csum, stall0;
	int err;

	ASSERT_EQ(smm_test_swap_init_pcp(&e, VS_FRAMES, 2048, false), 0);
	mm = &e.t.mm;
	ASSERT_EQ(smm_space_init(&s, mm, 1, 4), 0);
	stall0 = mm->reclaim.allocstall[VS_ZONE];
	pages = vs_fill(&e, &s, &err);
	ASSERT_EQ(err, 0);
	printf("# %llu pages written in %llu free; allocstall %llu, pgscan_direct %llu, "
	       "pgsteal_direct %llu, pswpout %llu\n", (unsigned long long)pages,
	       (unsigned long long)(pages * 2 / 3),
	       (unsigned long long)mm->reclaim.allocstall[VS_ZONE],
	       (unsigned long long)mm->reclaim.pgscan_direct,
	       (unsigned long long)mm->reclaim.pgsteal_direct,
	       (unsigned long long)mm->events.pswpout);
	EXPECT_TRUE(mm->reclaim.allocstall[VS_ZONE] > stall0);
	EXPECT_TRUE(mm->reclaim.pgsteal_direct > 0);
	EXPECT_TRUE(mm->reclaim.pgscan_direct >= mm->reclaim.pgsteal_direct);
	EXPECT_EQ(mm->events.pswpout, mm->reclaim.pgsteal_direct);
	EXPECT_EQ(mm->lru_events.pgsteal, mm->reclaim.pgsteal_direct);
	EXPECT_EQ(mm->reclaim.pgscan_kswapd, 0);
	EXPECT_EQ(mm->reclaim.pageoutrun, 0);
	EXPECT_EQ(s.vm.rss_anon + s.vm.swap_ents, pages);
	ASSERT_EQ(vs_check(mm, &s), 0);
	/* every page reads back what was written, through swap-in and more reclaim */
	for (i = 0; i < pages; i++) {
		ASSERT_EQ(vs_read(&s, BASE + i * PG, &csum), 0);
		ASSERT_EQ(csum, smm_test_csum_of(1, i + 1));
		ASSERT_TRUE(vs_zone(&e)->free >= vs_zone(&e)->wmark[SMM_WMARK_MIN]);
	}
	EXPECT_TRUE(mm->events.pswpin > 0);
	ASSERT_EQ(vs_check(mm, &s), 0);
	smm_space_destroy(&s);
	smm_test_swap_destroy(&e);
}

static unsigned int vs_wakes;
static unsigned int vs_wake_highest;

static void vs_wake(struct smm_mm *mm, unsigned int order, unsigned int highest)
{
	(void)mm;
	(void)order;
	vs_wakes++;
	vs_wake_highest = highest;
}

/*
 * Below low the allocation wakes kshadowd (counted per zone), and its
 * balance_pgdat() brings free back above high with pgscan/pgsteal_kswapd;
 * on a balanced node it does nothing.
 */
SMM_TEST(vmscan_kshadowd_wakes_and_balances)
{
	struct smm_balance_result res;
	struct smm_test_swap e;
	struct smm_space s;
	struct smm_zone *z;
	struct smm_mm *mm;
	u64 pages, i, csum, direct, eaten[256];
	unsigned int n;
	int err;

	ASSERT_EQ(smm_test_swap_init_pcp(&e, VS_FRAMES, 2048, false), 0);
	mm = &e.t.mm;
	z = vs_zone(&e);
	vs_wakes = 0;
	mm->wake_kswapd = vs_wake;
	ASSERT_EQ(smm_space_init(&s, mm, 1, 4), 0);
	pages = vs_fill(&e, &s, &err);
	ASSERT_EQ(err, 0);
	EXPECT_TRUE(vs_wakes > 0);
	/* GFP_HIGHUSER_MOVABLE's highest zone, as wakeup_kswapd() is given it */
	EXPECT_EQ(vs_wake_highest, SHADOWMM_ZONE_MOVABLE);
	EXPECT_TRUE(z->stats.kswapd_wake > 0);
	/* the last direct reclaim may have lifted free: take it below low again */
	for (n = 0; n < ARRAY_SIZE(eaten) && z->free >= z->wmark[SMM_WMARK_LOW]; n++)
		ASSERT_EQ(smm_alloc_pages(mm, 0, 0, 0, &eaten[n]), 0);
	ASSERT_TRUE(z->free < z->wmark[SMM_WMARK_LOW]);
	ASSERT_FALSE(smm_pgdat_balanced(mm, 0, SHADOWMM_ZONE_NORMAL));
	direct = mm->reclaim.pgsteal_direct;

	smm_balance_pgdat(mm, 0, SHADOWMM_ZONE_NORMAL, &res);
	printf("# balance_pgdat: %llu reclaimed, %llu scanned, last priority %d, "
	       "free %llu high %llu\n", (unsigned long long)res.nr_reclaimed,
	       (unsigned long long)res.nr_scanned, res.priority, (unsigned long long)z->free,
	       (unsigned long long)z->wmark[SMM_WMARK_HIGH]);
	EXPECT_TRUE(res.balanced);
	EXPECT_TRUE(z->free > z->wmark[SMM_WMARK_HIGH]);
	EXPECT_TRUE(mm->reclaim.pgscan_kswapd > 0);
	EXPECT_EQ(mm->reclaim.pgsteal_kswapd, res.nr_reclaimed);
	EXPECT_EQ(mm->reclaim.pgsteal_direct, direct);
	EXPECT_EQ(mm->reclaim.pageoutrun, 1);
	EXPECT_EQ(mm->kswapd_failures, 0);
	/* the run's record: balanced, within the bound of passes */
	EXPECT_TRUE(res.passes > 0 && res.passes <= 2 * SMM_DEF_PRIORITY);
	EXPECT_EQ(mm->kswapd_runs.runs, 1);
	EXPECT_EQ(mm->kswapd_runs.balanced, 1);
	EXPECT_EQ(mm->kswapd_runs.passes, res.passes);
	EXPECT_EQ(mm->kswapd_runs.passes_max, res.passes);
	EXPECT_EQ(mm->kswapd_runs.passes_to_balance_max, res.passes);
	EXPECT_EQ(mm->kswapd_runs.unbalanced_passes, 0);
	EXPECT_EQ(mm->kswapd_runs.last_reclaimed, res.nr_reclaimed);
	EXPECT_TRUE(mm->kswapd_runs.last_balanced);
	ASSERT_EQ(vs_check(mm, &s), 0);

	/* balanced: no pass, nothing more reclaimed, no wakeup for a request */
	smm_balance_pgdat(mm, 0, SHADOWMM_ZONE_NORMAL, &res);
	EXPECT_EQ(res.nr_reclaimed, 0);
	EXPECT_EQ(res.nr_scanned, 0);
	EXPECT_TRUE(res.balanced);
	EXPECT_EQ(mm->reclaim.pageoutrun, 2);
	EXPECT_EQ(res.passes, 0);
	EXPECT_EQ(mm->kswapd_runs.runs, 2);
	EXPECT_EQ(mm->kswapd_runs.balanced, 2);
	EXPECT_EQ(mm->kswapd_runs.last_passes, 0);
	vs_wakes = 0;
	smm_wakeup_kshadowd(mm, 0, SHADOWMM_ZONE_NORMAL);
	EXPECT_EQ(vs_wakes, 0);

	for (i = 0; i < pages; i++) {
		ASSERT_EQ(vs_read(&s, BASE + i * PG, &csum), 0);
		ASSERT_EQ(csum, smm_test_csum_of(1, i + 1));
	}
	/* kswapd_try_to_sleep()'s counters */
	smm_kshadowd_hit_quickly(mm, true);
	smm_kshadowd_hit_quickly(mm, false);
	smm_kshadowd_hit_quickly(mm, false);
	EXPECT_EQ(mm->reclaim.kswapd_low_wmark_hit_quickly, 1);
	EXPECT_EQ(mm->reclaim.kswapd_high_wmark_hit_quickly, 2);
	mm->wake_kswapd = NULL;
	while (n)
		smm_free_pages(mm, eaten[--n], 0);
	smm_space_destroy(&s);
	smm_test_swap_destroy(&e);
}

/*
 * memory.reclaim: N pages asked, at least N reclaimed (a batch of
 * SWAP_CLUSTER_MAX may overshoot, as in the kernel), pswpout by as many,
 * counted as neither kswapd nor direct; -EAGAIN with swappiness 0 and
 * when the area is full.
 */
SMM_TEST(vmscan_proactive_reclaim)
{
	u64 got, out0, scan_anon0, i, csum;
	struct smm_test_swap e;
	struct smm_space s;
	struct smm_mm *mm;
	const char *why;

	ASSERT_EQ(smm_test_swap_init_pcp(&e, VS_FRAMES, 100, false), 0);
	mm = &e.t.mm;
	ASSERT_EQ(smm_space_init(&s, mm, 1, 4), 0);
	ASSERT_EQ(smm_vma_mmap(&s, BASE, 300 * PG, RW, &why), 0);
	for (i = 0; i < 300; i++)
		ASSERT_EQ(vs_write(&s, BASE + i * PG, i + 7), 0);
	EXPECT_EQ(mm->events.pswpout, 0);

	out0 = mm->events.pswpout;
	scan_anon0 = mm->lru_events.pgscan;
	memset(smm_user_trace, 0, sizeof(smm_user_trace));
	ASSERT_EQ(smm_proactive_reclaim(mm, 40, &got), 0);
	/* mm_vmscan_lru_shrink_inactive: each step's scanned and reclaimed add up */
	EXPECT_TRUE(smm_user_trace[SMM_TE_SHRINK_INACTIVE].count > 0);
	EXPECT_EQ(smm_user_trace[SMM_TE_SHRINK_INACTIVE].sum_a, mm->lru_events.pgscan - scan_anon0);
	EXPECT_EQ(smm_user_trace[SMM_TE_SHRINK_INACTIVE].sum_b, got);
	printf("# proactive 40: %llu reclaimed, %llu scanned\n", (unsigned long long)got,
	       (unsigned long long)(mm->lru_events.pgscan - scan_anon0));
	EXPECT_TRUE(got >= 40);
	EXPECT_TRUE(got < 40 + SMM_SWAP_CLUSTER_MAX);
	EXPECT_EQ(mm->events.pswpout - out0, got);
	EXPECT_EQ(s.vm.swap_ents, got);
	EXPECT_EQ(mm->reclaim.pgscan_kswapd + mm->reclaim.pgscan_direct, 0);
	EXPECT_EQ(mm->reclaim.pgsteal_kswapd + mm->reclaim.pgsteal_direct, 0);
	EXPECT_EQ(mm->reclaim.allocstall[VS_ZONE], 0);
	ASSERT_EQ(vs_check(mm, &s), 0);

	/* swappiness 0: cgroup reclaim leaves anon alone */
	ASSERT_EQ(smm_set_swappiness(mm, 0, &why), 0);
	out0 = mm->events.pswpout;
	EXPECT_EQ(smm_proactive_reclaim(mm, 10, &got), -EAGAIN);
	EXPECT_EQ(got, 0);
	EXPECT_EQ(mm->events.pswpout, out0);
	EXPECT_EQ(smm_set_swappiness(mm, 201, &why), -EINVAL);
	ASSERT_EQ(smm_set_swappiness(mm, 200, &why), 0);

	/* the area (99 usable slots) fills: what fits goes, then -EAGAIN */
	EXPECT_EQ(smm_proactive_reclaim(mm, 200, &got), -EAGAIN);
	EXPECT_EQ(mm->swap->inuse, smm_swap_size(mm->swap));
	EXPECT_EQ(s.vm.swap_ents, smm_swap_size(mm->swap));
	ASSERT_EQ(vs_check(mm, &s), 0);
	for (i = 0; i < 300; i++) {
		ASSERT_EQ(vs_read(&s, BASE + i * PG, &csum), 0);
		ASSERT_EQ(csum, smm_test_csum_of(1, i + 7));
	}
	smm_space_destroy(&s);
	smm_test_swap_destroy(&e);
}

/*
 * Without swap nothing anon is scanned or reclaimed: the fault that
 * finds free at min fails with -ENOMEM after a direct reclaim that got
 * nothing (allocstall counted), and kshadowd's runs count failures until
 * it is no longer woken.
 */
SMM_TEST(vmscan_without_swap_fails_with_enomem)
{
	struct smm_balance_result res;
	struct smm_test_swap e;
	struct smm_space s;
	struct smm_zone *z;
	struct smm_mm *mm;
	const char *why;
	u64 i, pages;
	int ret = 0;

	ASSERT_EQ(smm_test_swap_init_pcp(&e, VS_FRAMES, 64, false), 0);
	mm = &e.t.mm;
	mm->swap = NULL;	/* swapped off before anything went out */
	z = vs_zone(&e);
	ASSERT_EQ(smm_space_init(&s, mm, 1, 4), 0);
	pages = z->free * 3 / 2;
	ASSERT_EQ(smm_vma_mmap(&s, BASE, pages * PG, RW, &why), 0);
	for (i = 0; i < pages; i++) {
		ret = vs_write(&s, BASE + i * PG, i + 1);
		if (ret)
			break;
		ASSERT_TRUE(z->free >= z->wmark[SMM_WMARK_MIN]);
	}
	printf("# without swap: %llu pages faulted, then %d\n", (unsigned long long)i, ret);
	EXPECT_EQ(ret, -ENOMEM);
	EXPECT_TRUE(i < pages);
	EXPECT_EQ(s.vm.rss_anon, i);
	EXPECT_TRUE(mm->reclaim.allocstall[VS_ZONE] > 0);
	EXPECT_EQ(mm->reclaim.pgscan_direct, 0);
	EXPECT_EQ(mm->lru_events.pgscan, 0);
	EXPECT_EQ(mm->events.pswpout, 0);
	EXPECT_EQ(smm_try_to_free_pages(mm, 0, SHADOWMM_GFP_MOVABLE), 0);

	mm->wake_kswapd = vs_wake;
	for (i = 0; i < SMM_MAX_RECLAIM_RETRIES; i++) {
		vs_wakes = 0;
		smm_wakeup_kshadowd(mm, 0, SHADOWMM_ZONE_NORMAL);
		EXPECT_EQ(vs_wakes, 1);
		smm_balance_pgdat(mm, 0, SHADOWMM_ZONE_NORMAL, &res);
		EXPECT_EQ(res.nr_reclaimed, 0);
		EXPECT_TRUE(!res.balanced);
	}
	EXPECT_EQ(mm->kswapd_failures, SMM_MAX_RECLAIM_RETRIES);
	/* unbalanced runs: their passes add up, none ended balanced */
	EXPECT_EQ(mm->kswapd_runs.balanced, 0);
	EXPECT_EQ(mm->kswapd_runs.passes_to_balance_max, 0);
	EXPECT_EQ(mm->kswapd_runs.unbalanced_passes, mm->kswapd_runs.passes);
	EXPECT_TRUE(mm->kswapd_runs.passes > 0);
	vs_wakes = 0;
	smm_wakeup_kshadowd(mm, 0, SHADOWMM_ZONE_NORMAL);
	EXPECT_EQ(vs_wakes, 0);		/* hopeless: left to direct reclaim */
	mm->wake_kswapd = NULL;
	ASSERT_EQ(vs_check(mm, &s), 0);
	smm_space_destroy(&s);
	smm_test_swap_destroy(&e);
}

/*
 * Aging works: 32 hot pages read before every step of a cold stream of
 * twice the free memory stay resident; the cold pages go to swap.
 */
SMM_TEST(vmscan_hot_set_stays_cold_set_goes)
{
	u64 cold, i, h, hot_out = 0, cold_out = 0, csum;
	const u64 hot = 32, step = 8;
	struct smm_test_swap e;
	struct smm_space s;
	struct smm_mm *mm;
	const char *why;

	ASSERT_EQ(smm_test_swap_init_pcp(&e, VS_FRAMES, 4096, false), 0);
	mm = &e.t.mm;
	ASSERT_EQ(smm_space_init(&s, mm, 1, 4), 0);
	cold = vs_zone(&e)->free * 2;
	ASSERT_EQ(smm_vma_mmap(&s, BASE, (hot + cold) * PG, RW, &why), 0);
	for (h = 0; h < hot; h++)
		ASSERT_EQ(vs_write(&s, BASE + h * PG, 0xa000 + h), 0);
	for (i = 0; i < cold; i++) {
		if (!(i % step))
			for (h = 0; h < hot; h++)
				ASSERT_EQ(vs_read(&s, BASE + h * PG, &csum), 0);
		ASSERT_EQ(vs_write(&s, BASE + (hot + i) * PG, i), 0);
	}
	for (h = 0; h < hot; h++)
		hot_out += !vs_resident(&s, BASE + h * PG);
	for (i = 0; i < cold; i++)
		cold_out += !vs_resident(&s, BASE + (hot + i) * PG);
	printf("# hot %llu pages: %llu swapped; cold %llu pages: %llu swapped; "
	       "pgactivate %llu\n", (unsigned long long)hot, (unsigned long long)hot_out,
	       (unsigned long long)cold, (unsigned long long)cold_out,
	       (unsigned long long)mm->lru_events.pgactivate);
	EXPECT_EQ(hot_out, 0);
	EXPECT_TRUE(cold_out >= cold / 2);
	EXPECT_TRUE(mm->lru_events.pgactivate > 0);
	for (h = 0; h < hot; h++) {
		ASSERT_EQ(vs_read(&s, BASE + h * PG, &csum), 0);
		ASSERT_EQ(csum, smm_test_csum_of(1, 0xa000 + h));
	}
	ASSERT_EQ(vs_check(mm, &s), 0);
	smm_space_destroy(&s);
	smm_test_swap_destroy(&e);
}

/* The internal flag is outside what a netlink request may carry. */
SMM_TEST(vmscan_reclaim_flag_not_user_settable)
{
	EXPECT_EQ(SMM_GFP_DIRECT_RECLAIM & SHADOWMM_GFP_ALL, 0);
}

/*
 * Active aging: a set made active (referenced in two scans) and then
 * left idle is deactivated while the inactive list is low, and the
 * deactivated part goes to swap while a stream of twice the free memory
 * passes, until the lists balance; without aging it would sit on the
 * active list for ever.
 */
SMM_TEST(vmscan_idle_active_set_is_aged_out)
{
	struct smm_test_swap e;
	struct smm_lru_scan res;
	struct smm_space s;
	struct smm_mm *mm;
	u64 a, b, i, csum, a_out = 0;
	const char *why;
	int pass;

	ASSERT_EQ(smm_test_swap_init_pcp(&e, VS_FRAMES, 4096, false), 0);
	mm = &e.t.mm;
	ASSERT_EQ(smm_space_init(&s, mm, 1, 4), 0);
	a = vs_zone(&e)->free / 2;
	b = vs_zone(&e)->free * 2;
	ASSERT_EQ(smm_vma_mmap(&s, BASE, (a + b) * PG, RW, &why), 0);
	for (i = 0; i < a; i++)
		ASSERT_EQ(vs_write(&s, BASE + i * PG, i + 3), 0);
	/* two scans that find every page of A referenced: KEEP, then ACTIVATE */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; pass && i < a; i++)
			ASSERT_EQ(vs_read(&s, BASE + i * PG, &csum), 0);
		smm_shrink_inactive_list(mm, VS_ZONE, a, NULL, NULL, &res);
	}
	ASSERT_EQ(smm_lru_count(mm, VS_ZONE, SMM_LRU_ACTIVE_ANON), a);
	for (i = 0; i < b; i++)
		ASSERT_EQ(vs_write(&s, BASE + (a + i) * PG, i), 0);
	for (i = 0; i < a; i++)
		a_out += !vs_resident(&s, BASE + i * PG);
	printf("# idle active set of %llu pages: %llu swapped after a stream of %llu; "
	       "pgdeactivate %llu; lists: %llu inactive, %llu active\n", (unsigned long long)a,
	       (unsigned long long)a_out, (unsigned long long)b,
	       (unsigned long long)mm->lru_events.pgdeactivate,
	       (unsigned long long)smm_lru_count(mm, VS_ZONE, SMM_LRU_INACTIVE_ANON),
	       (unsigned long long)smm_lru_count(mm, VS_ZONE, SMM_LRU_ACTIVE_ANON));
	/* aged until the lists balance (ratio 1 below 1 GiB): not all of A */
	EXPECT_TRUE(a_out > 0);
	EXPECT_TRUE(mm->lru_events.pgdeactivate >= a_out);
	EXPECT_TRUE(!smm_inactive_is_low(mm, VS_ZONE));
	for (i = 0; i < a; i++) {
		ASSERT_EQ(vs_read(&s, BASE + i * PG, &csum), 0);
		ASSERT_EQ(csum, smm_test_csum_of(1, i + 3));
	}
	ASSERT_EQ(vs_check(mm, &s), 0);
	smm_space_destroy(&s);
	smm_test_swap_destroy(&e);
}

/*
 * An LRU record whose pool must grow with free at min gets its page
 * through direct reclaim (the fault path's first allocation), and
 * without SMM_GFP_DIRECT_RECLAIM the same request fails.
 */
SMM_TEST(vmscan_pool_growth_reclaims)
{
	u64 pages, stall0, i, csum, eaten[1024];
	unsigned int n = 0, nr = 0;
	struct smm_test_swap e;
	struct smm_space s;
	struct smm_mm *mm;
	const char *why;
	u32 *recs, rec;

	ASSERT_EQ(smm_test_swap_init_pcp(&e, VS_FRAMES, 4096, false), 0);
	mm = &e.t.mm;
	recs = calloc(VS_FRAMES, sizeof(*recs));
	ASSERT_TRUE(recs != NULL);
	ASSERT_EQ(smm_space_init(&s, mm, 1, 4), 0);
	pages = vs_zone(&e)->free * 3 / 4;
	ASSERT_EQ(smm_vma_mmap(&s, BASE, pages * PG, RW, &why), 0);
	for (i = 0; i < pages; i++)
		ASSERT_EQ(vs_write(&s, BASE + i * PG, i), 0);
	/* free down to min, every free record taken */
	while (n < ARRAY_SIZE(eaten) && !smm_alloc_pages(mm, 0, 0, 0, &eaten[n]))
		n++;
	ASSERT_TRUE(n < ARRAY_SIZE(eaten));
	while (nr < VS_FRAMES - 1 && mm->lru_pool.free_head && !smm_lru_rec_alloc(mm, 0, &recs[nr]))
		nr++;
	ASSERT_TRUE(nr < VS_FRAMES - 1);
	ASSERT_EQ(smm_lru_rec_alloc(mm, 0, &rec), -ENOMEM);
	stall0 = mm->reclaim.allocstall[VS_ZONE];
	ASSERT_EQ(smm_lru_rec_alloc(mm, SMM_GFP_DIRECT_RECLAIM, &recs[nr]), 0);
	nr++;
	EXPECT_TRUE(mm->reclaim.allocstall[VS_ZONE] > stall0);
	EXPECT_TRUE(mm->reclaim.pgsteal_direct > 0);
	while (nr)
		smm_lru_rec_free(mm, recs[--nr]);
	free(recs);
	while (n)
		smm_free_pages(mm, eaten[--n], 0);
	ASSERT_EQ(vs_check(mm, &s), 0);
	for (i = 0; i < pages; i++) {
		ASSERT_EQ(vs_read(&s, BASE + i * PG, &csum), 0);
		ASSERT_EQ(csum, smm_test_csum_of(1, i));
	}
	smm_space_destroy(&s);
	smm_test_swap_destroy(&e);
}
