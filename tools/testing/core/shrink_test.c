// SPDX-License-Identifier: GPL-2.0
/*
 * Shrinkers (core/shrinker.h) and the cached objects of reclaimable
 * caches (core/slab_shrink.c): do_shrink_slab()'s proportion and
 * deferral against a hand computation; reclaim without swap freeing
 * cached objects, counting slabs_scanned and the slab frames it gave
 * back; kshadowd balancing a node from cached objects alone; objects
 * held by users never freed; a cache destroyed with its
 * shrinker registered; a cache that is not reclaimable refusing.
 *
 *   index 0                                             4096
 *         [ DMA32 ............................................ ]
 *           slabs of "dentry" (cached + held objects) from here
 */
#include <string.h>

#include "harness.h"
#include "common.h"
#include "../../../module/core/slab.h"
#include "../../../module/core/vmscan.h"

#define SH_FRAMES	4096

/* A shrinker over a counter that never frees: only the arithmetic shows. */
struct sh_fake {
	struct smm_shrinker sh;
	u64 freeable, scanned, calls;
};

static u64 sh_fake_count(struct smm_shrinker *sh, struct smm_shrink_control *sc)
{
	(void)sc;
	return ((struct sh_fake *)sh->priv)->freeable;
}

static u64 sh_fake_scan(struct smm_shrinker *sh, struct smm_shrink_control *sc)
{
	struct sh_fake *f = sh->priv;

	f->scanned += sc->nr_to_scan;
	f->calls++;
	return 0;
}

static void sh_fake_init(struct sh_fake *f, u64 freeable)
{
	memset(f, 0, sizeof(*f));
	f->freeable = freeable;
	f->sh = (struct smm_shrinker) { .count_objects = sh_fake_count,
					.scan_objects = sh_fake_scan, .priv = f,
					.seeks = SMM_DEFAULT_SEEKS, .id = -1 };
}

/*
 * 1000 freeable objects that never go, priority 12 down to 0, by hand:
 *   delta = (1000 >> p) * 4 / 2; total = min((deferred >> p) + delta, 2000)
 *   scanned in batches of 128 while total >= 128 (or >= 1000);
 *   deferred = deferred + delta - scanned
 *   p   delta  total  scanned  deferred
 *   9     2      2       0        2
 *   8     6      6       0        8
 *   7    14     14       0       22
 *   6    30     30       0       52
 *   5    62     63       0      114
 *   4   124    131     128      110
 *   3   250    263     256      104
 *   2   500    526     512       92
 *   1  1000   1046    1024       68
 *   0  2000   2000    1920      148
 * and 12..10 nothing at all. Then deferred work at its share (>> p),
 * a cache smaller than a batch, and an empty one.
 */
SMM_TEST(shrink_do_shrink_slab_arithmetic)
{
	static const u64 want[13][2] = {	/* [priority] = { scanned, deferred } */
		{ 1920, 148 }, { 1024, 68 }, { 512, 92 }, { 256, 104 }, { 128, 110 },
		{ 0, 114 }, { 0, 52 }, { 0, 22 }, { 0, 8 }, { 0, 2 }, { 0, 0 }, { 0, 0 }, { 0, 0 },
	};
	struct smm_shrink_control sc = { 0 };
	struct sh_fake f;
	int p;

	sh_fake_init(&f, 1000);
	for (p = SMM_DEF_PRIORITY; p >= 0; p--) {
		u64 scanned = 0, before = f.scanned;

		smm_do_shrink_slab(&sc, &f.sh, p, &scanned);
		printf("# priority %d: scanned %llu deferred %llu\n", p,
		       (unsigned long long)scanned, (unsigned long long)f.sh.nr_deferred);
		EXPECT_EQ(scanned, want[p][0]);
		EXPECT_EQ(f.scanned - before, want[p][0]);
		EXPECT_EQ(f.sh.nr_deferred, want[p][1]);
	}
	/* deferred work counts >> priority: 1000 deferred at 12 is 0 now, all kept */
	sh_fake_init(&f, 1000);
	f.sh.nr_deferred = 1000;
	{
		u64 scanned = 0;

		smm_do_shrink_slab(&sc, &f.sh, SMM_DEF_PRIORITY, &scanned);
		EXPECT_EQ(scanned, 0);
		EXPECT_EQ(f.sh.nr_deferred, 1000);
		smm_do_shrink_slab(&sc, &f.sh, 3, &scanned);	/* 125 + 250: two batches */
		EXPECT_EQ(scanned, 256);
		EXPECT_EQ(f.sh.nr_deferred, 1000 + 250 - 256);
	}
	/* smaller than a batch: emptied once the goal covers it (total >= freeable) */
	sh_fake_init(&f, 100);
	{
		u64 scanned = 0;

		smm_do_shrink_slab(&sc, &f.sh, 2, &scanned);	/* delta 50: no */
		EXPECT_EQ(scanned, 0);
		EXPECT_EQ(f.sh.nr_deferred, 50);
		f.sh.nr_deferred = 0;
		smm_do_shrink_slab(&sc, &f.sh, 1, &scanned);	/* delta 100: all */
		EXPECT_EQ(scanned, 100);
		EXPECT_EQ(f.calls, 1);
		EXPECT_EQ(f.sh.nr_deferred, 0);
	}
	/* nothing freeable: not called, nothing deferred */
	sh_fake_init(&f, 0);
	{
		u64 scanned = 0;

		smm_do_shrink_slab(&sc, &f.sh, 0, &scanned);
		EXPECT_EQ(f.calls, 0);
		EXPECT_EQ(f.sh.nr_deferred, 0);
	}
}

struct sh_env {
	struct smm_test_mm t;
	struct smm_slabs s;
};

static int sh_env_init(struct sh_env *e)
{
	static const struct smm_test_section sec = { 0x10000, SH_FRAMES };
	int ret = smm_test_mm_init_mem(&e->t, &sec, 1, NULL, true, 2);

	if (ret)
		return ret;
	ret = smm_slabs_init(&e->s, &e->t.mm, 0x5eed, 0);
	if (ret)
		smm_test_mm_destroy(&e->t);
	return ret;
}

static void sh_env_destroy(struct sh_env *e)
{
	smm_slabs_destroy(&e->s);
	smm_test_mm_destroy(&e->t);
}

#define SH_HELD		16
#define SH_CACHED	4000
#define SH_PATTERN	0x5a

/*
 * Swap off, a "dentry" cache (192 bytes, RECLAIM_ACCOUNT and POISON)
 * holding 4000 cached objects and 16 held ones filled with 0x5a: direct
 * reclaim gets its SWAP_CLUSTER_MAX from the shrinker alone (slab
 * frames given back count as reclaimed), slabs_scanned grows, the
 * cached count drops; proactive reclaim then empties the LRU. The held
 * objects keep their bytes (a freed one would be poisoned 0x6b), stay
 * live, and free normally after.
 */
SMM_TEST(shrink_reclaim_without_swap_frees_cached_objects)
{
	struct smm_cache_info info;
	struct smm_cache *c;
	struct sh_env e;
	struct smm_mm *mm;
	u64 held[SH_HELD], got, reclaimed = 0, i, j, slabs0;
	int ret;

	ASSERT_EQ(sh_env_init(&e), 0);
	mm = &e.t.mm;
	ASSERT_TRUE(mm->swap == NULL);
	ASSERT_EQ(smm_cache_create(&e.s, "dentry", 192, 0,
				   SHADOWMM_CACHE_RECLAIM_ACCOUNT | SHADOWMM_CACHE_POISON, &c), 0);
	for (i = 0; i < SH_HELD; i++) {
		char *obj = smm_cache_alloc(c, 0, 1, &held[i]);

		ASSERT_TRUE(obj != NULL);
		memset(obj, SH_PATTERN, 192);
	}
	ASSERT_EQ(smm_cache_alloc_cached(c, SH_CACHED), 0);
	EXPECT_EQ(smm_cache_nr_cached(c), SH_CACHED);
	smm_cache_info(c, &info);
	EXPECT_EQ(info.cached, SH_CACHED);
	EXPECT_EQ(info.active_objs, SH_CACHED + SH_HELD);
	slabs0 = info.num_slabs;

	got = smm_try_to_free_pages(mm, 0, SHADOWMM_GFP_MOVABLE);
	printf("# direct reclaim: %llu pages, slabs_scanned %llu, cached %llu\n",
	       (unsigned long long)got, (unsigned long long)mm->reclaim.slabs_scanned,
	       (unsigned long long)smm_cache_nr_cached(c));
	EXPECT_TRUE(got >= SMM_SWAP_CLUSTER_MAX);
	EXPECT_TRUE(mm->reclaim.slabs_scanned > 0);
	EXPECT_TRUE(smm_cache_nr_cached(c) < SH_CACHED);
	EXPECT_EQ(mm->reclaim.pgsteal_direct, 0);	/* no LRU page: all from slab */

	ret = smm_proactive_reclaim(mm, 1ULL << 20, &reclaimed);
	printf("# proactive: %d, %llu pages, cached %llu\n", ret,
	       (unsigned long long)reclaimed, (unsigned long long)smm_cache_nr_cached(c));
	EXPECT_EQ(ret, -EAGAIN);	/* nothing left after the LRU is empty */
	EXPECT_TRUE(reclaimed > 0);
	EXPECT_EQ(smm_cache_nr_cached(c), 0);
	EXPECT_EQ(smm_cache_live(c), SH_HELD);
	smm_cache_info(c, &info);
	EXPECT_TRUE(info.num_slabs < slabs0);
	for (i = 0; i < SH_HELD; i++) {
		const u8 *p = smm_slab_pos_virt(mm, held[i]);

		for (j = 0; j < 192; j++)
			if (p[j] != SH_PATTERN)
				break;
		EXPECT_EQ(j, 192);
	}
	{
		u64 problems = ~0ULL;

		EXPECT_EQ(smm_cache_validate(c, &problems), 0);
		EXPECT_EQ(problems, 0);
	}
	for (i = 0; i < SH_HELD; i++)
		EXPECT_EQ(smm_cache_free(c, held[i], 0), 0);
	EXPECT_EQ(smm_cache_live(c), 0);
	EXPECT_EQ(smm_test_check(mm), 0);
	sh_env_destroy(&e);
}

/*
 * Destroy with the shrinker registered: refused while a held object
 * lives (cached ones do not count), and the shrinker still scans then;
 * once the held object is freed, destroy without force frees the cached
 * ones, takes the shrinker out, and a later shrink_slab() scans nothing
 * (under ASan a scan of the freed cache would be a use after free).
 */
SMM_TEST(shrink_cache_destroy_unregisters)
{
	struct smm_cache *c;
	struct sh_env e;
	u64 held, scanned, pages, avail0;
	int err;

	ASSERT_EQ(sh_env_init(&e), 0);
	avail0 = smm_test_free_frames(&e.t.mm) + smm_test_pcp_frames(&e.t.mm);
	ASSERT_EQ(smm_cache_create(&e.s, "inode", 600, 0, SHADOWMM_CACHE_RECLAIM_ACCOUNT, &c), 0);
	ASSERT_TRUE(c->shrinker.id >= 0);
	ASSERT_TRUE(smm_cache_alloc(c, 0, 1, &held) != NULL);
	ASSERT_EQ(smm_cache_alloc_cached(c, 300), 0);
	EXPECT_TRUE(smm_cache_destroy_refusal(c, false, &err) != NULL);
	EXPECT_EQ(err, -EBUSY);
	EXPECT_EQ(smm_cache_destroy(&e.s, c, false, 0), -EBUSY);
	smm_shrink_slab(&e.s.shrinkers, 0, &scanned, &pages);
	EXPECT_TRUE(scanned > 0);
	EXPECT_TRUE(smm_cache_nr_cached(c) < 300);
	EXPECT_EQ(smm_cache_alloc_cached(c, 300), 0);
	EXPECT_EQ(smm_cache_free(c, held, 0), 0);
	EXPECT_TRUE(smm_cache_destroy_refusal(c, false, &err) == NULL);
	EXPECT_EQ(smm_cache_destroy(&e.s, c, false, 0), 0);
	smm_shrink_slab(&e.s.shrinkers, 0, &scanned, &pages);
	EXPECT_EQ(scanned, 0);
	EXPECT_EQ(smm_test_free_frames(&e.t.mm) + smm_test_pcp_frames(&e.t.mm), avail0);
	EXPECT_EQ(smm_test_check(&e.t.mm), 0);
	sh_env_destroy(&e);
}

/* A cache without RECLAIM_ACCOUNT holds no cached object and has no shrinker. */
SMM_TEST(shrink_unreclaimable_cache_refuses_cached)
{
	struct smm_cache *c;
	struct sh_env e;

	ASSERT_EQ(sh_env_init(&e), 0);
	ASSERT_EQ(smm_cache_create(&e.s, "plain", 64, 0, 0, &c), 0);
	EXPECT_TRUE(smm_cache_cached_refusal(c) != NULL);
	EXPECT_EQ(smm_cache_alloc_cached(c, 10), -EINVAL);
	EXPECT_EQ(c->shrinker.id, -1);
	EXPECT_EQ(smm_cache_live(c), 0);
	EXPECT_TRUE(smm_cache_cached_refusal(smm_kmalloc_cache(&e.s, 64)) != NULL);
	sh_env_destroy(&e);
}

/*
 * kshadowd shrinks too: cached objects fill the zone until it is below
 * its high watermark; balance_pgdat() (swap off, no LRU page) brings it
 * back from the shrinker alone, counting slabs_scanned and no pgscan.
 */
SMM_TEST(shrink_kshadowd_balances_from_cached_objects)
{
	struct smm_balance_result res;
	struct smm_cache *c;
	struct sh_env e;
	struct smm_mm *mm;
	u64 n = 0;

	ASSERT_EQ(sh_env_init(&e), 0);
	mm = &e.t.mm;
	ASSERT_EQ(smm_cache_create(&e.s, "icache", 512, 0, SHADOWMM_CACHE_RECLAIM_ACCOUNT, &c), 0);
	while (smm_pgdat_balanced(mm, 0, SHADOWMM_ZONE_NORMAL) && n < 1000000) {
		ASSERT_EQ(smm_cache_alloc_cached(c, 256), 0);
		n += 256;
	}
	ASSERT_TRUE(!smm_pgdat_balanced(mm, 0, SHADOWMM_ZONE_NORMAL));
	smm_balance_pgdat(mm, 0, SHADOWMM_ZONE_NORMAL, &res);
	printf("# %llu cached: kshadowd reclaimed %llu pages, slabs_scanned %llu, cached %llu\n",
	       (unsigned long long)n, (unsigned long long)res.nr_reclaimed,
	       (unsigned long long)mm->reclaim.slabs_scanned,
	       (unsigned long long)smm_cache_nr_cached(c));
	EXPECT_TRUE(res.nr_reclaimed > 0);
	EXPECT_TRUE(res.balanced);
	EXPECT_TRUE(mm->reclaim.slabs_scanned > 0);
	EXPECT_EQ(mm->reclaim.pgscan_kswapd, 0);
	EXPECT_TRUE(smm_cache_nr_cached(c) < n);
	EXPECT_EQ(mm->kswapd_failures, 0);
	EXPECT_EQ(smm_test_check(mm), 0);
	sh_env_destroy(&e);
}

/*
 * drop_slab() (CACHE_DROP): rounds at priority 0 free every cached
 * object of every reclaimable cache, whatever their number, and leave
 * held objects; slabs_scanned counts them; a second drop frees nothing.
 */
SMM_TEST(shrink_drop_slab_empties_every_cache)
{
	struct smm_cache *a, *b;
	struct sh_env e;
	u64 held, pages, freed;

	ASSERT_EQ(sh_env_init(&e), 0);
	ASSERT_EQ(smm_cache_create(&e.s, "a", 64, 0, SHADOWMM_CACHE_RECLAIM_ACCOUNT, &a), 0);
	ASSERT_EQ(smm_cache_create(&e.s, "b", 1000, 0, SHADOWMM_CACHE_RECLAIM_ACCOUNT, &b), 0);
	ASSERT_EQ(smm_cache_alloc_cached(a, 5000), 0);
	ASSERT_EQ(smm_cache_alloc_cached(b, 7), 0);
	ASSERT_TRUE(smm_cache_alloc(b, 0, 1, &held) != NULL);
	freed = smm_drop_slab(&e.t.mm, &pages);
	printf("# drop: %llu objects, %llu pages, slabs_scanned %llu\n", (unsigned long long)freed,
	       (unsigned long long)pages, (unsigned long long)e.t.mm.reclaim.slabs_scanned);
	EXPECT_EQ(freed, 5007);
	EXPECT_EQ(smm_cache_nr_cached(a), 0);
	EXPECT_EQ(smm_cache_nr_cached(b), 0);
	EXPECT_EQ(smm_cache_live(b), 1);
	EXPECT_TRUE(pages > 0);
	EXPECT_TRUE(e.t.mm.reclaim.slabs_scanned >= 5007);
	EXPECT_EQ(smm_drop_slab(&e.t.mm, &pages), 0);
	EXPECT_EQ(smm_cache_free(b, held, 0), 0);
	EXPECT_EQ(smm_test_check(&e.t.mm), 0);
	sh_env_destroy(&e);
}
