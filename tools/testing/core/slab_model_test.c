// SPDX-License-Identifier: GPL-2.0
/*
 * Property tests of the slab layer: random create / alloc / free /
 * shrink / validate / destroy sequences on several simulated CPUs,
 * checked against a reference model that only keeps, per cache, the
 * list of live objects.
 *
 * Each live object holds a pattern derived from its position, written
 * over its first and last bytes when allocated and compared when freed:
 * two objects that overlap, or an allocator write into a live object,
 * break a pattern. After every step the cache's live count must equal
 * the model's; a destroy must fail exactly when objects are live; every
 * allocation must succeed (the range is sized so memory never runs
 * out). Every `check_every` steps CHECK (buddy and slab) and VALIDATE
 * of every cache run; at the end, with every user cache destroyed and
 * the kmalloc caches shrunk, every frame is free again.
 *
 * The same model runs over each slab policy (SLUB, SLAB, SLOB, or a mix
 * of caches of them, whose SLOB caches share one heap of pages; with
 * SLAB, cache_reap() passes every 97 steps, and the kmalloc caches may
 * be SLAB's too, as slab_policy=slab makes them): the
 * policy only changes how the objects are placed, never what the model
 * may see. Caches take random flags, debug flags included where the
 * policy has them (SLUB: red_zone, poison, store_user; SLAB: red_zone
 * and poison; SLOB: none), and the slab_slab_model_debug_* runs give
 * every SLAB cache both; a debug check that fires (an error counted)
 * fails the run as VALIDATE's problems do.
 *
 * The seed is printed; SMM_SEED=N replays a run.
 */
#include "harness.h"
#include "common.h"
#include "../../../module/core/slab.h"

#define SM_CACHES	6		/* user caches at most, besides kmalloc */
#define SM_LIVE_MAX	3000		/* live objects per cache at most */
#define SM_FRAMES	16384		/* 64 MiB: far more than the live objects need */

struct sm_cache {
	struct smm_cache *c;		/* NULL: slot unused */
	u64 *live;
	u32 nr_live;
};

struct slab_model {
	struct smm_test_mm t;
	struct smm_slabs s;
	struct sm_cache caches[SM_CACHES + 2];	/* + kmalloc-64, kmalloc-1024 */
	unsigned int cpus;
	u32 policies;			/* 1 << SMM_SLUB | 1 << SMM_SLOB: what new caches use */
	u32 slab_debug;			/* flags every new SLAB cache gets besides its random ones */
	u64 rng, created;
	u64 nr_alloc, nr_free, nr_shrink, nr_destroy;
};

static u64 sm_rand(struct slab_model *m)
{
	return smm_test_rand(&m->rng);
}

static u8 sm_pattern(u64 pos)
{
	return (u8)(pos ^ pos >> 8 ^ pos >> 16 ^ 0x3c);
}

/* The first and last up-to-32 bytes of the object. */
static void sm_fill(struct smm_cache *c, void *p, u64 pos)
{
	u32 n = min(c->object_size, 32U);

	memset(p, sm_pattern(pos), n);
	memset((char *)p + c->object_size - n, sm_pattern(pos), n);
}

static bool sm_intact(struct smm_cache *c, u64 pos)
{
	const u8 *p = smm_slab_pos_virt(c->mm, pos);
	u32 n = min(c->object_size, 32U), i;

	for (i = 0; i < n; i++)
		if (p[i] != sm_pattern(pos) || p[c->object_size - n + i] != sm_pattern(pos))
			return false;
	return true;
}

static u32 sm_size(struct slab_model *m)
{
	/* log-uniform 1 .. 8192: many small objects, some large */
	u32 bits = sm_rand(m) % 14;

	return 1 + (u32)(sm_rand(m) % (1U << bits));
}

static int sm_create(struct slab_model *m, struct sm_cache *mc)
{
	static const u32 aligns[] = { 0, 0, 8, 16, 64, 256 };
	char name[SMM_CACHE_NAME_LEN];
	u32 flags = sm_rand(m) & SHADOWMM_CACHE_ALL;
	u32 policy, nth = sm_rand(m) % __builtin_popcount(m->policies);

	/* the nth policy of the set, so no run of the generator can loop here */
	for (policy = 0; !(m->policies & 1U << policy) || nth--; policy++)
		;
	if (policy == SMM_SLOB)	/* SLOB takes no debug, hardening or reclaim flags */
		flags &= SHADOWMM_CACHE_HWCACHE_ALIGN;
	if (policy == SMM_SLAB)	/* SLAB takes red_zone and poison, not store_user */
		flags = (flags | m->slab_debug) & ~SHADOWMM_CACHE_STORE_USER;
	snprintf(name, sizeof(name), "model-%llu", (unsigned long long)m->created++);
	mc->nr_live = 0;
	return smm_cache_create_policy(&m->s, name, sm_size(m),
				       aligns[sm_rand(m) % ARRAY_SIZE(aligns)], flags, policy,
				       &mc->c);
}

static int sm_alloc(struct slab_model *m, struct sm_cache *mc)
{
	unsigned int cpu = sm_rand(m) % m->cpus;
	u64 pos;
	void *p;

	if (mc->nr_live == SM_LIVE_MAX)
		return 0;
	p = smm_cache_alloc(mc->c, cpu, cpu + 1, &pos);
	if (!p || smm_cache_of_pos(&m->s, pos) != mc->c ||
	    p != smm_slab_pos_virt(&m->t.mm, pos) || pos % mc->c->align)
		return -1;
	sm_fill(mc->c, p, pos);
	m->nr_alloc++;
	mc->live[mc->nr_live++] = pos;
	return 0;
}

static int sm_free(struct slab_model *m, struct sm_cache *mc)
{
	u32 i;
	u64 pos;

	if (!mc->nr_live)
		return 0;
	i = sm_rand(m) % mc->nr_live;
	pos = mc->live[i];
	if (!sm_intact(mc->c, pos) || smm_cache_obj_lookup(mc->c, pos))
		return -1;
	mc->live[i] = mc->live[--mc->nr_live];
	m->nr_free++;
	return smm_cache_free(mc->c, pos, sm_rand(m) % m->cpus);
}

static int sm_check_all(struct slab_model *m)
{
	char why[160];
	unsigned int i;

	if (smm_test_check(&m->t.mm))
		return -1;
	if (smm_slabs_check(&m->s, why, sizeof(why))) {
		printf("# slab CHECK: %s\n", why);
		return -1;
	}
	for (i = 0; i < ARRAY_SIZE(m->caches); i++) {
		struct smm_cache_info info;
		u64 problems = ~0ULL;

		if (!m->caches[i].c)
			continue;
		if (smm_cache_validate(m->caches[i].c, &problems) || problems) {
			printf("# VALIDATE of %s: %llu problems\n", m->caches[i].c->name,
			       (unsigned long long)problems);
			return -1;
		}
		/* the debug checks on alloc and free found nothing either */
		smm_cache_info(m->caches[i].c, &info);
		if (info.stats.errors) {
			printf("# %s counted %llu errors, expected none\n", info.name,
			       (unsigned long long)info.stats.errors);
			return -1;
		}
	}
	return 0;
}

/* One random step; 0 when the allocator behaved as the model says. */
static int sm_step(struct slab_model *m)
{
	struct sm_cache *mc = &m->caches[sm_rand(m) % ARRAY_SIZE(m->caches)];
	u64 r = sm_rand(m) % 1000;
	int ret;

	if (!mc->c)
		return r < 20 ? sm_create(m, mc) : 0;
	if (r < 520)
		ret = sm_alloc(m, mc);
	else if (r < 985)
		ret = sm_free(m, mc);
	else if (r < 995) {
		smm_cache_shrink(mc->c, sm_rand(m) % m->cpus);
		m->nr_shrink++;
		/* nothing empty is left, and no CPU holds a slab (a SLOB cache in the heap has none) */
		ret = mc->c->nr_partial + mc->c->nr_full != mc->c->nr_slabs ||
		      (mc->c->objects && mc->c->nr_slabs * mc->c->objects < mc->nr_live);
	}
	else if (mc->c->builtin)
		ret = 0;
	else {
		bool force = sm_rand(m) % 2;

		ret = smm_cache_destroy(&m->s, mc->c, force, sm_rand(m) % m->cpus);
		m->nr_destroy++;
		if (!force && mc->nr_live)
			return ret == -EBUSY ? 0 : -1;
		mc->c = NULL;
		mc->nr_live = 0;
	}
	if (ret)
		return -1;
	return mc->c && smm_cache_live(mc->c) != mc->nr_live ? -1 : 0;
}

/*
 * The model over caches of @policies, the kmalloc caches of
 * @kmalloc_policy; every new SLAB cache gets @slab_debug's flags besides
 * its random ones (0: only the random ones, a quarter with both).
 */
static void sm_run_kmalloc(struct smm_test *_t, unsigned int cpus, u64 steps, u64 check_every,
			   u64 seed, u32 policies, u32 kmalloc_policy, u32 slab_debug)
{
	static const struct smm_test_section sec = { 0x40000, SM_FRAMES };
	struct slab_model m;
	u64 step, avail0;
	unsigned int i;

	memset(&m, 0, sizeof(m));
	m.cpus = cpus;
	m.policies = policies;
	m.slab_debug = slab_debug;
	m.rng = seed;
	printf("# seed %#llx, %u CPUs, %llu steps\n", (unsigned long long)seed, cpus,
	       (unsigned long long)steps);
	ASSERT_EQ(smm_test_mm_init_mem(&m.t, &sec, 1, NULL, true, cpus), 0);
	ASSERT_EQ(smm_slabs_init_policy(&m.s, &m.t.mm, (u32)seed, 0, kmalloc_policy), 0);
	avail0 = smm_test_free_frames(&m.t.mm) + smm_test_pcp_frames(&m.t.mm);
	for (i = 0; i < ARRAY_SIZE(m.caches); i++)
		m.caches[i].live = calloc(SM_LIVE_MAX, sizeof(u64));
	m.caches[SM_CACHES].c = smm_cache_find(&m.s, "kmalloc-64");
	m.caches[SM_CACHES + 1].c = smm_cache_find(&m.s, "kmalloc-1024");

	for (step = 0; step < steps; step++) {
		if (sm_step(&m)) {
			printf("# step %llu: the allocator disagrees with the model\n",
			       (unsigned long long)step);
			_t->failed = 1;
			break;
		}
		/* cache_reap()'s pass, as the module's work item makes every 2 s */
		if (policies & 1U << SMM_SLAB && step % 97 == 0)
			smm_slabs_reap(&m.s, step % cpus);
		if (step % check_every == 0 && sm_check_all(&m)) {
			printf("# step %llu: CHECK or VALIDATE failed\n", (unsigned long long)step);
			_t->failed = 1;
			break;
		}
	}
	printf("# %llu allocs, %llu frees, %llu shrinks, %llu destroys, %llu caches created\n",
	       (unsigned long long)m.nr_alloc, (unsigned long long)m.nr_free,
	       (unsigned long long)m.nr_shrink, (unsigned long long)m.nr_destroy,
	       (unsigned long long)m.created);
	for (i = 0; i < ARRAY_SIZE(m.caches); i++) {
		struct sm_cache *mc = &m.caches[i];

		while (!_t->failed && mc->c && mc->nr_live)
			EXPECT_EQ(sm_free(&m, mc), 0);
		if (mc->c && !mc->c->builtin) {
			EXPECT_EQ(smm_cache_destroy(&m.s, mc->c, false, 0), 0);
			mc->c = NULL;
		} else if (mc->c) {
			smm_cache_shrink(mc->c, 0);
		}
		free(mc->live);
	}
	if (!_t->failed) {
		EXPECT_EQ(smm_test_free_frames(&m.t.mm) + smm_test_pcp_frames(&m.t.mm), avail0);
		EXPECT_EQ(sm_check_all(&m), 0);
	}
	smm_slabs_destroy(&m.s);
	smm_test_mm_destroy(&m.t);
}

static void sm_run_policies(struct smm_test *_t, unsigned int cpus, u64 steps, u64 check_every,
			    u64 seed, u32 policies)
{
	sm_run_kmalloc(_t, cpus, steps, check_every, seed, policies, SMM_SLUB, 0);
}

static void sm_run(struct smm_test *_t, unsigned int cpus, u64 steps, u64 check_every,
		   u64 seed)
{
	sm_run_policies(_t, cpus, steps, check_every, seed, 1U << SMM_SLUB);
}

static u64 sm_seed(u64 dflt)
{
	return smm_test_seed(dflt);
}

/* Every step checked (CHECK walks 64 MiB of frames): short, on two CPUs. */
SMM_TEST(slab_model_checked_every_step)
{
	sm_run(_t, 2, 3000, 1, sm_seed(0x51ab0001));
}

/* One million steps on two CPUs, checked every 50,000 steps. */
SMM_TEST(slab_model_one_million_2cpu)
{
	sm_run(_t, 2, 1000000, 50000, sm_seed(0x51ab0002));
}

/* 200,000 steps on four CPUs: more remote frees and active slabs. */
SMM_TEST(slab_model_4cpu)
{
	sm_run(_t, 4, 200000, 20000, sm_seed(0x51ab0003));
}

/* SLOB caches only, every step checked: the heap's pages tile exactly. */
SMM_TEST(slob_model_checked_every_step)
{
	sm_run_policies(_t, 2, 3000, 1, sm_seed(0x510b0001), 1U << SMM_SLOB);
}

/* 300,000 steps of SLOB caches on two CPUs, checked every 10,000. */
SMM_TEST(slob_model_2cpu)
{
	sm_run_policies(_t, 2, 300000, 10000, sm_seed(0x510b0002), 1U << SMM_SLOB);
}

/* SLAB caches only, every step checked: arrays, lists and slabs agree. */
SMM_TEST(slab_slab_model_checked_every_step)
{
	sm_run_policies(_t, 2, 3000, 1, sm_seed(0x51ab0001), 1U << SMM_SLAB);
}

/* 300,000 steps of SLAB caches on two CPUs, checked every 10,000. */
SMM_TEST(slab_slab_model_2cpu)
{
	sm_run_policies(_t, 2, 300000, 10000, sm_seed(0x51ab0002), 1U << SMM_SLAB);
}

/* SLAB's kmalloc caches (slab_policy=slab) under the model, with SLAB caches beside them. */
SMM_TEST(slab_slab_model_kmalloc_slab)
{
	sm_run_kmalloc(_t, 2, 100000, 5000, sm_seed(0x51ab0003), 1U << SMM_SLAB, SMM_SLAB, 0);
}

/*
 * SLAB caches that all have red zones and poison (CONFIG_DEBUG_SLAB's
 * paths: poisoned new slabs, checks on every alloc and free, VALIDATE
 * of every object, in arrays or not), every step checked: no report,
 * no error counted, the model's patterns intact.
 */
SMM_TEST(slab_slab_model_debug_checked_every_step)
{
	sm_run_kmalloc(_t, 2, 3000, 1, sm_seed(0x51ab0005), 1U << SMM_SLAB, SMM_SLUB,
		       SHADOWMM_CACHE_RED_ZONE | SHADOWMM_CACHE_POISON);
}

/* The same on four CPUs for 200,000 steps (arrays, shared array, reaps), checked every 10,000. */
SMM_TEST(slab_slab_model_debug_4cpu)
{
	sm_run_kmalloc(_t, 4, 200000, 10000, sm_seed(0x51ab0006), 1U << SMM_SLAB, SMM_SLUB,
		       SHADOWMM_CACHE_RED_ZONE | SHADOWMM_CACHE_POISON);
}

/* The three policies side by side on four CPUs: one buddy, three designs. */
SMM_TEST(slab_policies_three_4cpu)
{
	sm_run_policies(_t, 4, 200000, 20000, sm_seed(0x51ab0004),
			1U << SMM_SLUB | 1U << SMM_SLAB | 1U << SMM_SLOB);
}

/* SLUB and SLOB caches side by side on four CPUs: one buddy, two designs. */
SMM_TEST(slab_policies_mixed_4cpu)
{
	sm_run_policies(_t, 4, 200000, 20000, sm_seed(0x510b0003),
			1U << SMM_SLUB | 1U << SMM_SLOB);
}
