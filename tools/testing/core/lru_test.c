// SPDX-License-Identifier: GPL-2.0
/*
 * LRU lists, the reverse map and aging (core/lru.h): faulted pages start
 * inactive, a second reference activates, active aging deactivates
 * everything anonymous, KEEP then RECLAIM through a pageout callback,
 * inactive_is_low()'s ratio, counts after munmap and teardown, -ENOMEM
 * when the record pool cannot grow, and random mmap/access/munmap/scan
 * sequences against a reference model of the lists (order included).
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "common.h"
#include "../../../module/core/space.h"
#include "../../../module/core/owner.h"
#include "../../../module/core/lru.h"

#define LRU_PFN		0x10000ULL
#define PG		4096ULL
#define RW		SHADOWMM_PROT_WRITE
#define BASE		0x400000ULL
#define INA		SMM_LRU_INACTIVE_ANON
#define ACT		SMM_LRU_ACTIVE_ANON

static const struct smm_pt_fmt *const lru_fmts[] = {
	&smm_pt_x86_48, &smm_pt_x86_57, &smm_pt_arm64_v61_48, &smm_pt_arm64_v610_52,
};

static int lru_env(struct smm_test_mm *t, u64 frames, bool pcp)
{
	const struct smm_test_section sec = { LRU_PFN, frames };

	return smm_test_mm_init_mem(t, &sec, 1, NULL, pcp, 1);
}

static u64 env_free(struct smm_test_mm *t)
{
	return smm_test_free_frames(&t->mm) + smm_test_pcp_frames(&t->mm);
}

static int lru_check(struct smm_mm *mm)
{
	char why[200];
	int ret = smm_lru_check(mm, why, sizeof(why));

	if (ret)
		printf("# LRU CHECK: %s\n", why);
	return ret;
}

/* The zone the pages of the test's one section are in. */
static unsigned int env_zone(struct smm_test_mm *t)
{
	return smm_zone_of(&t->mm, 0);
}

static u64 nr_lru(struct smm_test_mm *t, unsigned int lru)
{
	return smm_lru_count(&t->mm, env_zone(t), lru);
}

/* The leaf of @va, 0 if none. */
static u64 pte_of(struct smm_space *s, u64 va)
{
	unsigned int level;
	u64 *slot = smm_space_entry(s, va, &level);

	return slot && level == SHADOWMM_PT_PTE ? *slot : 0;
}

static bool young(struct smm_space *s, u64 va)
{
	struct smm_walk w;

	return !smm_space_walk(s, va, &w) && w.kind == SHADOWMM_PT_PAGE &&
	       (w.flags & SHADOWMM_PTF_ACCESSED);
}

/* The LRU record of the page at @va, or NULL. */
static const struct smm_lru_rec *rec_of(struct smm_test_mm *t, struct smm_space *s, u64 va)
{
	struct smm_walk w;
	u64 idx;

	if (smm_space_walk(s, va, &w) || w.kind != SHADOWMM_PT_PAGE ||
	    !smm_range_pfn_to_idx(&t->range, w.pfn, &idx))
		return NULL;
	return smm_lru_rec_of(&t->mm, idx);
}

static int touch(struct smm_space *s, u64 va, u64 pages)
{
	struct smm_access res;
	const char *why;

	return smm_space_access(s, va, pages * PG, 0, 0, &res, &why);
}

/* The flags of @va's record, 0 if none. */
static u32 flags_of(struct smm_test_mm *t, struct smm_space *s, u64 va)
{
	const struct smm_lru_rec *x = rec_of(t, s, va);

	return x ? x->flags : 0;
}

/* The list @va's page is on, -1 if none. */
static int list_of(struct smm_test_mm *t, struct smm_space *s, u64 va)
{
	const struct smm_lru_rec *x = rec_of(t, s, va);

	return x ? (int)(x->flags & SMM_LRU_F_LIST) : -1;
}

/* The address in record @r, ~0 if there is no such record. */
static u64 va_at(struct smm_test_mm *t, u32 r)
{
	const struct smm_lru_rec *x = r ? smm_lru_rec_at(&t->mm, r) : NULL;

	return x ? x->va : ~0ULL;
}

/* A pageout that reclaims by unmapping, or refuses with -EAGAIN. */
struct pageout_ctl {
	unsigned int calls;
	int refuse;		/* 1: refuse all, 0: reclaim all */
	u64 step;		/* random model: refuse when (vpn + step) % 3 == 0 */
	bool by_vpn;
};

static int test_pageout(void *priv, struct smm_mm *mm, struct smm_space *s, u64 va, u64 frame)
{
	struct pageout_ctl *c = priv;

	(void)frame;
	(void)mm;
	c->calls++;
	if (c->by_vpn ? !(((va >> 12) + c->step) % 3) : c->refuse)
		return -EAGAIN;
	smm_space_unmap_anon(s, va, va + PG);
	return 0;
}

/*
 * A fault puts its page on the inactive anon list's head (5.9+), with a
 * record whose rmap names the space and the address, in every format.
 */
SMM_TEST(lru_fault_goes_inactive)
{
	unsigned int fmt;

	for (fmt = 0; fmt < ARRAY_SIZE(lru_fmts); fmt++) {
		struct smm_test_mm t;
		struct smm_space s;
		const char *why;
		unsigned int i;

		ASSERT_EQ(lru_env(&t, 256, fmt & 1), 0);
		ASSERT_EQ(smm_space_init_fmt(&s, &t.mm, 5, lru_fmts[fmt]), 0);
		ASSERT_EQ(smm_vma_mmap(&s, BASE, 8 * PG, RW, &why), 0);
		EXPECT_EQ(nr_lru(&t, INA), 0);
		ASSERT_EQ(touch(&s, BASE, 8), 0);
		EXPECT_EQ(nr_lru(&t, INA), 8);
		EXPECT_EQ(nr_lru(&t, ACT), 0);
		for (i = 0; i < 8; i++) {
			const struct smm_lru_rec *x = rec_of(&t, &s, BASE + i * PG);

			ASSERT_TRUE(x != NULL);
			EXPECT_EQ(x->space, &s);
			EXPECT_EQ(x->va, BASE + i * PG);
			EXPECT_EQ(x->flags & SMM_LRU_F_LIST, INA);
			EXPECT_EQ(x->flags & SMM_LRU_F_REFERENCED, 0);
			EXPECT_TRUE(young(&s, BASE + i * PG));
		}
		/* newest at the head */
		EXPECT_EQ(va_at(&t, t.mm.zones[env_zone(&t)].lruvec.head[INA]), BASE + 7 * PG);
		EXPECT_EQ(va_at(&t, t.mm.zones[env_zone(&t)].lruvec.tail[INA]), BASE);
		EXPECT_EQ(t.mm.lru_pool.recs, 8);
		EXPECT_EQ(t.mm.lru_pool.pages, 1);
		EXPECT_EQ(lru_check(&t.mm), 0);
		EXPECT_EQ(smm_test_check(&t.mm), 0);
		smm_space_destroy(&s);
		EXPECT_EQ(t.mm.lru_pool.pages, 0);
		smm_test_mm_destroy(&t);
	}
}

/*
 * folio_check_references(): the fault's accessed bit makes the first
 * scan KEEP the page with PG_referenced; touched again, the next scan
 * activates it; the accessed bit is cleared by each look.
 */
SMM_TEST(lru_referenced_twice_activates)
{
	struct smm_test_mm t;
	struct smm_lru_scan sc;
	struct smm_space s;
	const char *why;

	ASSERT_EQ(lru_env(&t, 256, false), 0);
	ASSERT_EQ(smm_space_init(&s, &t.mm, 1, 4), 0);
	ASSERT_EQ(smm_vma_mmap(&s, BASE, 2 * PG, RW, &why), 0);
	ASSERT_EQ(touch(&s, BASE, 2), 0);
	smm_shrink_inactive_list(&t.mm, env_zone(&t), 32, NULL, NULL, &sc);
	EXPECT_EQ(sc.scanned, 2);
	EXPECT_EQ(sc.kept, 2);
	EXPECT_EQ(sc.activated, 0);
	EXPECT_EQ(!!(young(&s, BASE)), 0);
	EXPECT_TRUE(flags_of(&t, &s, BASE) & SMM_LRU_F_REFERENCED);
	/* the second page only is used again */
	ASSERT_EQ(touch(&s, BASE + PG, 1), 0);
	smm_shrink_inactive_list(&t.mm, env_zone(&t), 32, NULL, NULL, &sc);
	EXPECT_EQ(sc.activated, 1);
	EXPECT_EQ(sc.kept, 1);
	EXPECT_EQ(list_of(&t, &s, BASE + PG), ACT);
	EXPECT_EQ(list_of(&t, &s, BASE), INA);
	/* not referenced, no pageout: RECLAIM keeps it, PG_referenced gone */
	EXPECT_EQ(!!(flags_of(&t, &s, BASE) & SMM_LRU_F_REFERENCED), 0);
	EXPECT_EQ(t.mm.lru_events.pgscan, 4);
	EXPECT_EQ(t.mm.lru_events.pgactivate, 1);
	EXPECT_EQ(t.mm.lru_events.pgsteal, 0);
	EXPECT_EQ(t.mm.zones[env_zone(&t)].lruvec.nr_isolated_anon, 0);
	EXPECT_EQ(lru_check(&t.mm), 0);
	smm_space_destroy(&s);
	smm_test_mm_destroy(&t);
}

/*
 * shrink_active_list(): every anon page leaves the active list, used or
 * not, its accessed bit cleared, PG_referenced kept; pgrefill and
 * pgdeactivate count them; at most nr_to_scan from the tail.
 */
SMM_TEST(lru_active_aging_deactivates)
{
	struct smm_test_mm t;
	struct smm_lru_scan sc;
	struct smm_space s;
	const char *why;
	unsigned int i;

	ASSERT_EQ(lru_env(&t, 256, false), 0);
	ASSERT_EQ(smm_space_init(&s, &t.mm, 1, 4), 0);
	ASSERT_EQ(smm_vma_mmap(&s, BASE, 40 * PG, RW, &why), 0);
	ASSERT_EQ(touch(&s, BASE, 40), 0);
	smm_shrink_inactive_list(&t.mm, env_zone(&t), 40, NULL, NULL, &sc);
	ASSERT_EQ(touch(&s, BASE, 40), 0);
	smm_shrink_inactive_list(&t.mm, env_zone(&t), 40, NULL, NULL, &sc);
	ASSERT_EQ(sc.activated, 40);
	EXPECT_EQ(nr_lru(&t, ACT), 40);
	EXPECT_TRUE(smm_inactive_is_low(&t.mm, env_zone(&t)));
	/* half of them used again: aging does not care */
	ASSERT_EQ(touch(&s, BASE, 20), 0);
	EXPECT_EQ(smm_shrink_active_list(&t.mm, env_zone(&t), 35), 35);
	EXPECT_EQ(nr_lru(&t, ACT), 5);
	EXPECT_EQ(nr_lru(&t, INA), 35);
	EXPECT_EQ(t.mm.lru_events.pgrefill, 35);
	EXPECT_EQ(t.mm.lru_events.pgdeactivate, 35);
	/* activated last is at the head: the last 5 activated stay */
	for (i = 0; i < 40; i++) {
		int l = list_of(&t, &s, BASE + i * PG);

		/* the activation order: the scan took the tail (BASE) first */
		EXPECT_EQ(l, i >= 35 ? ACT : INA);
		EXPECT_EQ(young(&s, BASE + i * PG), i >= 35 && i < 20);
		EXPECT_TRUE(flags_of(&t, &s, BASE + i * PG) & SMM_LRU_F_REFERENCED);
	}
	EXPECT_EQ(!!(smm_inactive_is_low(&t.mm, env_zone(&t))), 0);
	EXPECT_EQ(lru_check(&t.mm), 0);
	smm_space_destroy(&s);
	smm_test_mm_destroy(&t);
}

/*
 * KEEP, then RECLAIM through the pageout callback: the page unmapped and
 * freed (pgsteal), its record gone; a refusing pageout activates it.
 */
SMM_TEST(lru_keep_then_reclaim)
{
	struct pageout_ctl ctl = { 0 };
	struct smm_test_mm t;
	struct smm_lru_scan sc;
	struct smm_space s;
	const char *why;
	u64 free0;

	ASSERT_EQ(lru_env(&t, 256, false), 0);
	ASSERT_EQ(smm_space_init(&s, &t.mm, 1, 4), 0);
	ASSERT_EQ(smm_vma_mmap(&s, BASE, 4 * PG, RW, &why), 0);
	ASSERT_EQ(touch(&s, BASE, 4), 0);
	free0 = env_free(&t);
	smm_shrink_inactive_list(&t.mm, env_zone(&t), 32, test_pageout, &ctl, &sc);
	EXPECT_EQ(sc.kept, 4);
	EXPECT_EQ(ctl.calls, 0);
	smm_shrink_inactive_list(&t.mm, env_zone(&t), 2, test_pageout, &ctl, &sc);
	EXPECT_EQ(sc.scanned, 2);
	EXPECT_EQ(sc.reclaimed, 2);
	EXPECT_EQ(ctl.calls, 2);
	EXPECT_EQ(s.vm.rss_anon, 2);
	EXPECT_EQ(pte_of(&s, BASE), 0);
	EXPECT_EQ(pte_of(&s, BASE + PG), 0);
	EXPECT_EQ(nr_lru(&t, INA), 2);
	EXPECT_EQ(t.mm.lru_pool.recs, 2);
	EXPECT_EQ(env_free(&t), free0 + 2);
	EXPECT_EQ(t.mm.lru_events.pgsteal, 2);
	ctl.refuse = 1;
	smm_shrink_inactive_list(&t.mm, env_zone(&t), 32, test_pageout, &ctl, &sc);
	EXPECT_EQ(sc.activated, 2);
	EXPECT_EQ(sc.reclaimed, 0);
	EXPECT_EQ(nr_lru(&t, ACT), 2);
	EXPECT_EQ(t.mm.zones[env_zone(&t)].lruvec.nr_isolated_anon, 0);
	EXPECT_EQ(lru_check(&t.mm), 0);
	EXPECT_EQ(smm_test_check(&t.mm), 0);
	/* a fault again where a page was reclaimed: a fresh inactive page */
	ASSERT_EQ(touch(&s, BASE, 1), 0);
	EXPECT_EQ(list_of(&t, &s, BASE), INA);
	smm_space_destroy(&s);
	smm_test_mm_destroy(&t);
}

/*
 * inactive_is_low(): inactive * int_sqrt(10 * GiB) < active, ratio 1
 * below 1 GiB; the counts set by hand on an mm without pages, at each
 * boundary.
 */
SMM_TEST(lru_inactive_is_low_ratio)
{
	static const struct { u64 inactive, active; bool low; } c[] = {
		{ 0, 0, false }, { 0, 1, true }, { 5, 5, false }, { 5, 6, true },
		/* 1 GiB = 262144 pages: ratio int_sqrt(10) = 3 */
		{ 65536, 196608, false }, { 65535, 196609, true },
		/* just below 1 GiB: ratio 1 */
		{ 65535, 196608, true }, { 131071, 131072, true }, { 131000, 131000, false },
		/* 10 GiB: ratio 10 */
		{ 238313, 2383130, false }, { 238313, 2383131, true },
		/* 100 GiB: ratio int_sqrt(1000) = 31 */
		{ 819200, 25395200, false }, { 819200, 25395201, true },
	};
	struct smm_test_mm t;
	unsigned int i, z;

	ASSERT_EQ(lru_env(&t, 64, false), 0);
	z = env_zone(&t);
	for (i = 0; i < ARRAY_SIZE(c); i++) {
		t.mm.zones[z].lruvec.nr[INA] = c[i].inactive;
		t.mm.zones[z].lruvec.nr[ACT] = c[i].active;
		if (smm_inactive_is_low(&t.mm, z) != c[i].low)
			printf("# case %u: %llu inactive, %llu active\n", i,
			       (unsigned long long)c[i].inactive, (unsigned long long)c[i].active);
		EXPECT_EQ(smm_inactive_is_low(&t.mm, z), c[i].low);
	}
	t.mm.zones[z].lruvec.nr[INA] = 0;
	t.mm.zones[z].lruvec.nr[ACT] = 0;
	smm_test_mm_destroy(&t);
}

/* munmap and teardown take their pages off the lists, records and pool with them. */
SMM_TEST(lru_counts_after_munmap_teardown)
{
	struct smm_test_mm t;
	struct smm_lru_scan sc;
	struct smm_space s, s2;
	const char *why;
	u64 free0;

	ASSERT_EQ(lru_env(&t, 1024, true), 0);
	free0 = env_free(&t);
	ASSERT_EQ(smm_space_init(&s, &t.mm, 1, 4), 0);
	ASSERT_EQ(smm_space_init(&s2, &t.mm, 2, 4), 0);
	ASSERT_EQ(smm_vma_mmap(&s, BASE, 200 * PG, RW, &why), 0);
	ASSERT_EQ(smm_vma_mmap(&s2, BASE, 100 * PG, RW, &why), 0);
	ASSERT_EQ(touch(&s, BASE, 200), 0);
	ASSERT_EQ(touch(&s2, BASE, 100), 0);
	smm_shrink_inactive_list(&t.mm, env_zone(&t), 300, NULL, NULL, &sc);
	ASSERT_EQ(touch(&s, BASE, 50), 0);
	smm_shrink_inactive_list(&t.mm, env_zone(&t), 300, NULL, NULL, &sc);
	EXPECT_EQ(nr_lru(&t, ACT), 50);
	EXPECT_EQ(nr_lru(&t, INA), 250);
	EXPECT_EQ(t.mm.lru_pool.pages, 3);
	/* munmap of 20 active and 20 inactive pages */
	ASSERT_EQ(smm_vma_munmap(&s, BASE + 30 * PG, 40 * PG, &why), 0);
	EXPECT_EQ(nr_lru(&t, ACT), 30);
	EXPECT_EQ(nr_lru(&t, INA), 230);
	EXPECT_EQ(lru_check(&t.mm), 0);
	smm_space_destroy(&s2);
	EXPECT_EQ(nr_lru(&t, INA), 130);
	EXPECT_EQ(t.mm.lru_pool.recs, 160);
	EXPECT_EQ(lru_check(&t.mm), 0);
	smm_space_destroy(&s);
	EXPECT_EQ(nr_lru(&t, INA) + nr_lru(&t, ACT), 0);
	EXPECT_EQ(t.mm.lru_pool.recs, 0);
	EXPECT_EQ(t.mm.lru_pool.pages, 0);
	EXPECT_TRUE(t.mm.lru_pool.dir == NULL);
	smm_drain_all_pcp(&t.mm);
	EXPECT_EQ(env_free(&t), free0);
	EXPECT_EQ(lru_check(&t.mm), 0);
	EXPECT_EQ(smm_test_check(&t.mm), 0);
	smm_test_mm_destroy(&t);
}

/*
 * A fault that cannot get a record fails with -ENOMEM and leaves nothing:
 * 128 pages fill the first pool page, the rest of memory is taken; with
 * one frame back the pool gets it and the page cannot; with two both.
 */
SMM_TEST(lru_enomem_when_the_pool_cannot_grow)
{
	struct smm_test_mm t;
	struct smm_space s;
	const char *why;
	u64 *hog, nhog = 0, free1, fails;

	ASSERT_EQ(lru_env(&t, 512, false), 0);
	hog = calloc(512, sizeof(*hog));
	ASSERT_TRUE(hog != NULL);
	ASSERT_EQ(smm_space_init(&s, &t.mm, 1, 4), 0);
	ASSERT_EQ(smm_vma_mmap(&s, BASE, 200 * PG, RW, &why), 0);
	ASSERT_EQ(touch(&s, BASE, SMM_LRU_RECS_PER_PAGE), 0);
	EXPECT_EQ(t.mm.lru_pool.pages, 1);
	EXPECT_EQ(t.mm.lru_pool.free_head, 0);
	while (!smm_alloc_pages(&t.mm, 0, SHADOWMM_GFP_MOVABLE, 0, &hog[nhog]))
		nhog++;
	ASSERT_TRUE(nhog > 2);
	free1 = env_free(&t);
	fails = t.mm.lru_pool.grow_fail;
	EXPECT_EQ(touch(&s, BASE + 128 * PG, 1), -ENOMEM);
	EXPECT_EQ(t.mm.lru_pool.grow_fail, fails + 1);
	EXPECT_EQ(pte_of(&s, BASE + 128 * PG), 0);
	EXPECT_EQ(s.vm.rss_anon, 128);
	EXPECT_EQ(nr_lru(&t, INA), 128);
	EXPECT_EQ(env_free(&t), free1);
	EXPECT_EQ(t.mm.lru_pool.pages, 1);
	/* one frame: the pool takes it, the page finds none, all undone */
	smm_free_pages(&t.mm, hog[--nhog], 0);
	EXPECT_EQ(touch(&s, BASE + 128 * PG, 1), -ENOMEM);
	EXPECT_EQ(t.mm.lru_pool.grow_fail, fails + 1);
	EXPECT_EQ(t.mm.lru_pool.pages, 1);
	EXPECT_EQ(t.mm.lru_pool.recs, 128);
	EXPECT_EQ(env_free(&t), free1 + 1);
	EXPECT_EQ(lru_check(&t.mm), 0);
	EXPECT_EQ(smm_test_check(&t.mm), 0);
	/* two: it works */
	smm_free_pages(&t.mm, hog[--nhog], 0);
	EXPECT_EQ(touch(&s, BASE + 128 * PG, 1), 0);
	EXPECT_EQ(t.mm.lru_pool.pages, 2);
	EXPECT_EQ(nr_lru(&t, INA), 129);
	EXPECT_EQ(lru_check(&t.mm), 0);
	while (nhog)
		smm_free_pages(&t.mm, hog[--nhog], 0);
	free(hog);
	smm_space_destroy(&s);
	EXPECT_EQ(smm_test_check(&t.mm), 0);
	smm_test_mm_destroy(&t);
}

/* CHECK sees a page off its list, a wrong count, a broken rmap. */
SMM_TEST(lru_check_catches_corruption)
{
	struct smm_test_mm t;
	struct smm_space s;
	struct smm_lru_rec *x;
	const char *why;
	char buf[200];
	unsigned int z;

	ASSERT_EQ(lru_env(&t, 256, false), 0);
	z = env_zone(&t);
	ASSERT_EQ(smm_space_init(&s, &t.mm, 1, 4), 0);
	ASSERT_EQ(smm_vma_mmap(&s, BASE, 4 * PG, RW, &why), 0);
	ASSERT_EQ(touch(&s, BASE, 4), 0);
	ASSERT_EQ(lru_check(&t.mm), 0);
	t.mm.zones[z].lruvec.nr[INA]++;
	EXPECT_TRUE(smm_lru_check(&t.mm, buf, sizeof(buf)) != 0);
	t.mm.zones[z].lruvec.nr[INA]--;
	x = (struct smm_lru_rec *)rec_of(&t, &s, BASE + PG);
	x->va += PG;
	EXPECT_TRUE(smm_lru_check(&t.mm, buf, sizeof(buf)) != 0);
	printf("# %s\n", buf);
	x->va -= PG;
	x->flags ^= SMM_LRU_F_LIST & ACT;
	EXPECT_TRUE(smm_lru_check(&t.mm, buf, sizeof(buf)) != 0);
	x->flags ^= SMM_LRU_F_LIST & ACT;
	ASSERT_EQ(lru_check(&t.mm), 0);
	smm_space_destroy(&s);
	smm_test_mm_destroy(&t);
}

/*
 * The reference model: per page of a small window, whether a VMA holds
 * it, whether it is mapped, its accessed bit and PG_referenced; the
 * lists as arrays, head first.
 */
#define WIN		48U

struct lru_model {
	bool vma[WIN], mapped[WIN], young[WIN], ref[WIN];
	unsigned int list[2][WIN], n[2];	/* page numbers, [0] = head */
};

static void model_del(struct lru_model *m, unsigned int l, unsigned int p)
{
	unsigned int i;

	for (i = 0; i < m->n[l]; i++)
		if (m->list[l][i] == p) {
			memmove(&m->list[l][i], &m->list[l][i + 1], (m->n[l] - i - 1) * sizeof(unsigned int));
			m->n[l]--;
			return;
		}
}

static void model_add(struct lru_model *m, unsigned int l, unsigned int p)
{
	memmove(&m->list[l][1], &m->list[l][0], m->n[l] * sizeof(unsigned int));
	m->list[l][0] = p;
	m->n[l]++;
}

static void model_unmap(struct lru_model *m, unsigned int p)
{
	if (!m->mapped[p])
		return;
	model_del(m, 0, p);
	model_del(m, 1, p);
	m->mapped[p] = m->young[p] = m->ref[p] = false;
}

/* The scans, as the core does them: batches of 32 from the tail. */
static void model_scan(struct lru_model *m, bool active, unsigned int nr, u64 step)
{
	unsigned int batch[SMM_SWAP_CLUSTER_MAX];

	nr = min(nr, m->n[active]);
	while (nr) {
		unsigned int n = 0, i, l = active;

		while (n < nr && n < SMM_SWAP_CLUSTER_MAX && m->n[l])
			batch[n++] = m->list[l][--m->n[l]];
		if (!n)
			break;
		nr -= n;
		for (i = 0; i < n; i++) {
			unsigned int p = batch[i];
			bool ptes = m->young[p], was = m->ref[p];

			m->young[p] = false;
			if (active) {
				model_add(m, 0, p);
				continue;
			}
			m->ref[p] = ptes;
			if (ptes) {
				model_add(m, was ? 1 : 0, p);
			} else if (!((BASE / PG + p + step) % 3)) {
				model_add(m, 1, p);	/* pageout refused */
			} else {
				m->mapped[p] = false;	/* reclaimed */
			}
		}
	}
}

static int model_compare(struct smm_test_mm *t, struct smm_space *s, const struct lru_model *m)
{
	const struct smm_lruvec *v = &t->mm.zones[env_zone(t)].lruvec;
	unsigned int l, p, i;
	u64 rss = 0;

	for (l = 0; l < 2; l++) {
		u32 r = v->head[l];

		if (v->nr[l] != m->n[l]) {
			printf("# list %u: %llu pages, model %u\n", l, (unsigned long long)v->nr[l],
			       m->n[l]);
			return -1;
		}
		for (i = 0; i < m->n[l]; i++) {
			const struct smm_lru_rec *x = r ? smm_lru_rec_at(&t->mm, r) : NULL;

			if (!x || x->va != BASE + m->list[l][i] * PG) {
				printf("# list %u position %u: %#llx, model page %u\n", l, i,
				       x ? (unsigned long long)x->va : 0ULL, m->list[l][i]);
				return -1;
			}
			r = x->next;
		}
	}
	for (p = 0; p < WIN; p++) {
		u64 va = BASE + p * PG;
		const struct smm_lru_rec *x = rec_of(t, s, va);

		if (!!x != m->mapped[p] || (x && (young(s, va) != m->young[p] ||
						 !!(x->flags & SMM_LRU_F_REFERENCED) != m->ref[p]))) {
			printf("# page %u: mapped %d young %d ref %d, model %d %d %d\n", p, !!x,
			       x && young(s, va), x && (x->flags & SMM_LRU_F_REFERENCED),
			       m->mapped[p], m->young[p], m->ref[p]);
			return -1;
		}
		rss += m->mapped[p];
	}
	if (rss != s->vm.rss_anon)
		return -1;
	return lru_check(&t->mm);
}

SMM_TEST(lru_random_against_model)
{
	u64 seed = smm_test_seed(0x1a5eed), rnd = seed;
	unsigned int fmt, step, scans = 0, reclaimed = 0, activated = 0;

	printf("# seed %#llx\n", (unsigned long long)seed);
	for (fmt = 0; fmt < ARRAY_SIZE(lru_fmts); fmt++) {
		struct pageout_ctl ctl = { .by_vpn = true };
		static struct lru_model m;
		struct smm_test_mm t;
		struct smm_space s;

		memset(&m, 0, sizeof(m));
		ASSERT_EQ(lru_env(&t, 256, fmt & 1), 0);
		ASSERT_EQ(smm_space_init_fmt(&s, &t.mm, 3, lru_fmts[fmt]), 0);
		for (step = 0; step < 2000; step++) {
			unsigned int op = smm_test_rand(&rnd) % 10;
			unsigned int p = smm_test_rand(&rnd) % WIN;
			unsigned int n = 1 + smm_test_rand(&rnd) % 8, i, ok;
			struct smm_lru_scan sc;
			const char *why;

			n = min(n, WIN - p);
			if (op == 0) {		/* mmap */
				for (i = 0, ok = 1; i < n; i++)
					ok &= !m.vma[p + i];
				ASSERT_EQ(smm_vma_mmap(&s, BASE + p * PG, n * PG, RW, &why) == 0, ok);
				for (i = 0; ok && i < n; i++)
					m.vma[p + i] = true;
			} else if (op == 1) {	/* munmap */
				ASSERT_EQ(smm_vma_munmap(&s, BASE + p * PG, n * PG, &why), 0);
				for (i = 0; i < n; i++) {
					m.vma[p + i] = false;
					model_unmap(&m, p + i);
				}
			} else if (op <= 6) {	/* access */
				for (i = 0, ok = 1; i < n; i++)
					ok &= m.vma[p + i];
				ASSERT_EQ(touch(&s, BASE + p * PG, n) == 0, ok);
				for (i = 0; i < n && m.vma[p + i]; i++) {
					if (!m.mapped[p + i]) {
						m.mapped[p + i] = true;
						model_add(&m, 0, p + i);
					}
					m.young[p + i] = true;
				}
			} else if (op <= 8) {	/* inactive scan */
				ctl.step = step;
				smm_shrink_inactive_list(&t.mm, env_zone(&t), n * 5, test_pageout,
							 &ctl, &sc);
				model_scan(&m, false, n * 5, step);
				scans++;
				reclaimed += sc.reclaimed;
				activated += sc.activated;
			} else {		/* aging, when inactive is low or at random */
				if (smm_inactive_is_low(&t.mm, env_zone(&t)) != (m.n[0] < m.n[1])) {
					printf("# inactive_is_low disagrees\n");
					ASSERT_TRUE(0);
				}
				smm_shrink_active_list(&t.mm, env_zone(&t), n * 5);
				model_scan(&m, true, n * 5, step);
			}
			if (model_compare(&t, &s, &m)) {
				printf("# step %u op %u page %u n %u (format %u)\n", step, op, p, n, fmt);
				ASSERT_TRUE(0);
			}
		}
		smm_space_destroy(&s);
		EXPECT_EQ(t.mm.lru_pool.pages, 0);
		EXPECT_EQ(smm_test_check(&t.mm), 0);
		smm_test_mm_destroy(&t);
	}
	printf("# %u scans, %u reclaimed, %u activated\n", scans, reclaimed, activated);
	EXPECT_TRUE(reclaimed > 50 && activated > 50);
}
