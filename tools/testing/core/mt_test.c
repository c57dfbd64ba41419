// SPDX-License-Identifier: GPL-2.0
/*
 * The core under real concurrency: N pthreads (2, 4, 8), each the "CPU"
 * of its own per-CPU page lists and per-CPU slabs, run random programs
 * against one shadow mm at the same time. Built with ThreadSanitizer
 * (tsan_test, `make tsan` here, `make test-tsan` at the top) and with
 * ASan/UBSan in core_test; any TSan report ends the run with exit code
 * 66, which fails the TAP.
 *
 *   index 0                   8192                    16384
 *         [ DMA32 (32 MiB) ..... | Normal (32 MiB) ......... ]
 *           two sections with real memory behind them
 *
 * Each thread (CPU i) mixes, with its own seed:
 *   - blocks of order 0..5 (above 3 straight from the buddy under the
 *     zone lock, else through its pcp lists) with and without DMA32,
 *     movable, reclaimable and zeroing flags, single and in bulk;
 *   - objects of three shared caches (kmalloc-64, kmalloc-1024 and one
 *     with red zones, poison and owners) and of a cache of its own that
 *     it creates and destroys (destroy refused exactly while it holds
 *     objects); objects of the shared caches are often freed into slabs
 *     active on another thread's CPU (the remote slow path);
 *   - cached objects parked in its own cache when that is reclaimable,
 *     and shrink_slab() over every reclaimable cache (theirs included);
 *   - draining its pcp lists, shrinking a shared cache (which flushes
 *     every CPU's active slab), VALIDATE of a shared cache, CHECK of the
 *     buddy and of the slab layer, and cache snapshots, all concurrent
 *     with the others' fast paths (CHECK and VALIDATE must pass even
 *     then: they stop what they look at), and the lock-free reads the
 *     glue makes (generation, pcp frames, free counts, live objects).
 * Every block it holds has a token in the first and last word of each
 * frame, every object a pattern over its first and last bytes, both
 * written by the thread and compared before it frees them: memory
 * handed to two owners at once, or written by the allocator while live,
 * breaks them. Every block must be a PAGE head of its order, aligned,
 * in a zone its flags allow. Every allocation must succeed: the live
 * memory is bounded far below the watermarks.
 *
 * The final state, after every thread freed everything and joined:
 * each thread freed what it allocated; the shared caches counted exactly
 * the allocations and frees the threads made and hold no live object;
 * after shrinking every cache and draining every pcp list each zone's
 * free blocks per order are those it started with; CHECK and the slab
 * CHECK hold.
 *
 * SMM_SEED=N replays a run's seeds (the interleaving is the machine's).
 */
#include <pthread.h>

#include "harness.h"
#include "common.h"
#include "../../../module/core/slab.h"

#define MT_SECTION_FRAMES	8192
#define MT_OPS			10000	/* per thread */
#define MT_LIVE_BLOCKS		32	/* blocks a thread holds at most */
#define MT_LIVE_OBJS		192	/* objects a thread holds at most */
#define MT_MAX_ORDER		5
#define MT_SHARED		3	/* shared caches */
#define MT_MAX_THREADS		8

struct mt_run;

struct mt_block {
	u64 idx;
	unsigned int order;
};

struct mt_obj {
	struct smm_cache *c;
	u64 pos;
	void *p;
	int shared;		/* index in run->shared, or -1: the own cache */
};

struct mt_thread {
	struct mt_run *run;
	pthread_t tid;
	unsigned int cpu;
	u64 rng;
	struct mt_block blocks[MT_LIVE_BLOCKS];
	unsigned int nr_blocks;
	struct mt_obj objs[MT_LIVE_OBJS];
	unsigned int nr_objs;
	struct smm_cache *own;	/* its own cache, or NULL */
	unsigned int own_live, own_made;
	u64 generation;		/* the last smm_mm_generation() it saw */
	/* bookkeeping compared at the end */
	u64 blocks_alloc, blocks_free;
	u64 obj_alloc[MT_SHARED], obj_free[MT_SHARED];
	u64 own_alloc, own_free, own_destroyed, checks, validates;
	u64 cached, slabs_scanned;	/* objects parked, and scanned by its shrink_slab()s */
	char error[200];	/* the first thing that went wrong */
};

struct mt_run {
	struct smm_test_mm t;
	struct smm_slabs s;
	struct smm_cache *shared[MT_SHARED];
	u64 nr_free0[SMM_NR_ZONES][SMM_NR_ORDERS];
	u64 zone_free0[SMM_NR_ZONES];
	pthread_barrier_t start;
	struct mt_thread th[MT_MAX_THREADS];
	unsigned int nr_threads;
	u32 kmalloc_policy;	/* SLAB: kmalloc and own caches SLAB's, reaped (slab_slab.c) */
};

static u64 mt_rand(struct mt_thread *th)
{
	return smm_test_rand(&th->rng);
}

static u64 mt_seed(void)
{
	return smm_test_seed(0x7a5a7a5aULL);
}

#define mt_fail(th, fmt, ...) ({					\
	if (!(th)->error[0])						\
		snprintf((th)->error, sizeof((th)->error), "cpu %u: " fmt, \
			 (th)->cpu, ##__VA_ARGS__);			\
	-1;								\
})

/* ---- blocks ----------------------------------------------------------- */

static u64 mt_token(const struct mt_thread *th, u64 idx, u64 i)
{
	return (u64)(th->cpu + 1) << 56 ^ (idx + i) * 0x9e3779b97f4a7c15ULL;
}

static u64 *mt_frame_words(struct mt_thread *th, u64 idx)
{
	return smm_slab_pos_virt(&th->run->t.mm, idx << SMM_PAGE_SHIFT);
}

static void mt_block_fill(struct mt_thread *th, const struct mt_block *b)
{
	u64 i;

	for (i = 0; i < 1ULL << b->order; i++) {
		u64 *w = mt_frame_words(th, b->idx + i);

		w[0] = mt_token(th, b->idx, i);
		w[SMM_PAGE_SIZE / 8 - 1] = ~mt_token(th, b->idx, i);
	}
}

static int mt_block_intact(struct mt_thread *th, const struct mt_block *b)
{
	u64 i;

	for (i = 0; i < 1ULL << b->order; i++) {
		const u64 *w = mt_frame_words(th, b->idx + i);

		if (w[0] != mt_token(th, b->idx, i) ||
		    w[SMM_PAGE_SIZE / 8 - 1] != ~mt_token(th, b->idx, i))
			return mt_fail(th, "block %llu order %u: frame %llu overwritten while held",
				       (unsigned long long)b->idx, b->order,
				       (unsigned long long)(b->idx + i));
	}
	return 0;
}

/* A block just handed out: a PAGE head of @order, aligned, zone allowed. */
static int mt_block_take(struct mt_thread *th, u64 idx, unsigned int order, unsigned int gfp)
{
	struct smm_mm *mm = &th->run->t.mm;
	const struct smm_frame *f;
	struct mt_block *b;

	if (idx >= mm->range->span || idx & ((1ULL << order) - 1))
		return mt_fail(th, "block %llu of order %u misaligned or outside",
			       (unsigned long long)idx, order);
	f = &mm->frames[idx];
	if (smm_frame_type(f) != SMM_FRAME_PAGE || smm_frame_order(f) != order)
		return mt_fail(th, "block %llu: head type %u order %u, expected PAGE order %u",
			       (unsigned long long)idx, smm_frame_type(f), smm_frame_order(f),
			       order);
	if (smm_zone_of(mm, idx) > smm_gfp_zone(gfp))
		return mt_fail(th, "block %llu in zone %u for flags %#x",
			       (unsigned long long)idx, smm_zone_of(mm, idx), gfp);
	if (gfp & SHADOWMM_GFP_ZERO) {
		const u64 *w = mt_frame_words(th, idx);

		if (w[0] || w[SMM_PAGE_SIZE / 8 - 1])
			return mt_fail(th, "block %llu asked zeroed is not",
				       (unsigned long long)idx);
	}
	b = &th->blocks[th->nr_blocks++];
	b->idx = idx;
	b->order = order;
	mt_block_fill(th, b);
	th->blocks_alloc++;
	return 0;
}

static unsigned int mt_order(struct mt_thread *th)
{
	u64 r = mt_rand(th) % 100;

	if (r < 60)
		return 0;
	if (r < 90)
		return 1 + mt_rand(th) % 3;
	return 4 + mt_rand(th) % (MT_MAX_ORDER - 3);
}

static unsigned int mt_gfp(struct mt_thread *th)
{
	static const unsigned int gfps[] = {
		0, SHADOWMM_GFP_MOVABLE, SHADOWMM_GFP_RECLAIMABLE, SHADOWMM_GFP_DMA32,
		SHADOWMM_GFP_DMA32 | SHADOWMM_GFP_MOVABLE, SHADOWMM_GFP_ZERO,
	};

	return gfps[mt_rand(th) % ARRAY_SIZE(gfps)];
}

static int mt_alloc_block(struct mt_thread *th)
{
	unsigned int order = mt_order(th), gfp = mt_gfp(th);
	u64 idx;
	int ret;

	if (th->nr_blocks == MT_LIVE_BLOCKS)
		return 0;
	ret = smm_alloc_pages(&th->run->t.mm, order, gfp, th->cpu, &idx);
	if (ret)
		return mt_fail(th, "order %u flags %#x: allocation failed (%d)", order, gfp, ret);
	return mt_block_take(th, idx, order, gfp);
}

static int mt_alloc_bulk(struct mt_thread *th)
{
	unsigned int want = 1 + mt_rand(th) % 8, gfp = mt_gfp(th), n, i;
	u64 idx[8];

	if (th->nr_blocks + want > MT_LIVE_BLOCKS)
		return 0;
	n = smm_alloc_pages_bulk(&th->run->t.mm, gfp, th->cpu, want, idx);
	if (n != want)
		return mt_fail(th, "bulk of %u flags %#x: got %u", want, gfp, n);
	for (i = 0; i < n; i++)
		if (mt_block_take(th, idx[i], 0, gfp))
			return -1;
	return 0;
}

/* Take block @i out of the thread's list, after checking its tokens. */
static int mt_block_release(struct mt_thread *th, unsigned int i, u64 *idx)
{
	if (mt_block_intact(th, &th->blocks[i]))
		return -1;
	*idx = th->blocks[i].idx;
	th->blocks[i] = th->blocks[--th->nr_blocks];
	th->blocks_free++;
	return 0;
}

static int mt_free_block(struct mt_thread *th)
{
	u64 idx;

	if (!th->nr_blocks)
		return 0;
	if (mt_block_release(th, mt_rand(th) % th->nr_blocks, &idx))
		return -1;
	smm_free_pages(&th->run->t.mm, idx, th->cpu);
	return 0;
}

static int mt_free_bulk(struct mt_thread *th)
{
	unsigned int n = 1 + mt_rand(th) % 8, i;
	u64 idx[8];

	n = min(n, th->nr_blocks);
	for (i = 0; i < n; i++)
		if (mt_block_release(th, mt_rand(th) % th->nr_blocks, &idx[i]))
			return -1;
	smm_free_pages_bulk(&th->run->t.mm, th->cpu, n, idx);
	return 0;
}

/* ---- objects ---------------------------------------------------------- */

static u8 mt_pattern(const struct mt_thread *th, u64 pos)
{
	return (u8)(pos ^ pos >> 8 ^ pos >> 16 ^ th->cpu * 0x35 ^ 0xa7);
}

static void mt_obj_fill(struct mt_thread *th, const struct mt_obj *o)
{
	u32 n = min(o->c->object_size, 24U);

	memset(o->p, mt_pattern(th, o->pos), n);
	memset((char *)o->p + o->c->object_size - n, mt_pattern(th, o->pos), n);
}

static int mt_obj_intact(struct mt_thread *th, const struct mt_obj *o)
{
	const u8 *p = o->p;
	u32 n = min(o->c->object_size, 24U), i;

	for (i = 0; i < n; i++)
		if (p[i] != mt_pattern(th, o->pos) ||
		    p[o->c->object_size - n + i] != mt_pattern(th, o->pos))
			return mt_fail(th, "object %llu of %s overwritten while held",
				       (unsigned long long)o->pos, o->c->name);
	return 0;
}

static int mt_alloc_obj(struct mt_thread *th)
{
	int k = mt_rand(th) % (MT_SHARED + 1);
	struct mt_obj *o;
	struct smm_cache *c;

	if (th->nr_objs == MT_LIVE_OBJS)
		return 0;
	if (k == MT_SHARED && !th->own)
		k = 0;
	c = k == MT_SHARED ? th->own : th->run->shared[k];
	o = &th->objs[th->nr_objs];
	o->c = c;
	o->shared = k == MT_SHARED ? -1 : k;
	o->p = smm_cache_alloc(c, th->cpu, th->cpu + 1, &o->pos);
	if (!o->p)
		return mt_fail(th, "allocation from %s failed", c->name);
	if (o->p != smm_slab_pos_virt(c->mm, o->pos) || smm_cache_of_pos(&th->run->s, o->pos) != c)
		return mt_fail(th, "object %llu of %s: position and memory disagree",
			       (unsigned long long)o->pos, c->name);
	if (c->flags & SHADOWMM_CACHE_STORE_USER && smm_cache_owner(c, o->pos) != th->cpu + 1)
		return mt_fail(th, "object %llu of %s: owner %llu, expected %u",
			       (unsigned long long)o->pos, c->name,
			       (unsigned long long)smm_cache_owner(c, o->pos), th->cpu + 1);
	mt_obj_fill(th, o);
	th->nr_objs++;
	if (o->shared < 0) {
		th->own_alloc++;
		th->own_live++;
	} else {
		th->obj_alloc[o->shared]++;
	}
	return 0;
}

static int mt_free_obj_at(struct mt_thread *th, unsigned int i)
{
	struct mt_obj o = th->objs[i];
	int ret;

	if (mt_obj_intact(th, &o))
		return -1;
	th->objs[i] = th->objs[--th->nr_objs];
	ret = smm_cache_free(o.c, o.pos, th->cpu);
	if (ret)
		return mt_fail(th, "free of object %llu of %s refused (%d)",
			       (unsigned long long)o.pos, o.c->name, ret);
	if (o.shared < 0) {
		th->own_free++;
		th->own_live--;
	} else {
		th->obj_free[o.shared]++;
	}
	return 0;
}

static int mt_free_obj(struct mt_thread *th)
{
	return th->nr_objs ? mt_free_obj_at(th, mt_rand(th) % th->nr_objs) : 0;
}

/* Create the thread's own cache, or destroy it: refused while it has objects. */
static int mt_own_cache(struct mt_thread *th)
{
	static const u32 flags[] = {
		0, SHADOWMM_CACHE_HARDENED, SHADOWMM_CACHE_RED_ZONE | SHADOWMM_CACHE_POISON,
		SHADOWMM_CACHE_HWCACHE_ALIGN | SHADOWMM_CACHE_STORE_USER,
		SHADOWMM_CACHE_RECLAIM_ACCOUNT,
	};
	char name[SMM_CACHE_NAME_LEN];
	u32 f, policy;
	int ret;

	if (!th->own) {
		snprintf(name, sizeof(name), "mt-%u-%u", th->cpu, th->own_made++);
		f = flags[mt_rand(th) % ARRAY_SIZE(flags)];
		/* a third of them SLOB: the threads' SLOB caches share one heap */
		policy = mt_rand(th) % 3 ? SMM_SLUB : SMM_SLOB;
		if (policy == SMM_SLUB && th->run->kmalloc_policy == SMM_SLAB)
			policy = SMM_SLAB;
		if (policy == SMM_SLOB)
			f &= SHADOWMM_CACHE_HWCACHE_ALIGN;
		if (policy == SMM_SLAB)
			f &= ~(SHADOWMM_CACHE_RED_ZONE | SHADOWMM_CACHE_POISON |
			       SHADOWMM_CACHE_STORE_USER);
		ret = smm_cache_create_policy(&th->run->s, name, 1 + mt_rand(th) % 2048, 0, f,
					      policy, &th->own);
		if (ret)
			return mt_fail(th, "creating %s: %d", name, ret);
		return 0;
	}
	ret = smm_cache_destroy(&th->run->s, th->own, false, th->cpu);
	if (ret != (th->own_live ? -EBUSY : 0))
		return mt_fail(th, "destroying %s with %u live objects: %d", th->own->name,
			       th->own_live, ret);
	if (!ret) {
		th->own = NULL;
		th->own_destroyed++;
	}
	return 0;
}

/*
 * Shrinkers beside everything else: park up to 64 cached objects in
 * the thread's own cache when it is reclaimable, or run shrink_slab()
 * at a random priority over every registered cache, the other threads'
 * own caches included while they create, fill and destroy them.
 */
static int mt_shrink(struct mt_thread *th)
{
	u64 scanned, pages;
	int ret;

	if (th->own && !smm_cache_cached_refusal(th->own) && mt_rand(th) % 2) {
		u64 n = 1 + mt_rand(th) % 64;

		ret = smm_cache_alloc_cached(th->own, n);
		if (ret)
			return mt_fail(th, "caching objects in %s: %d", th->own->name, ret);
		th->cached += n;
		return 0;
	}
	smm_shrink_slab(&th->run->s.shrinkers, mt_rand(th) % 13, &scanned, &pages);
	th->slabs_scanned += scanned;
	return 0;
}

/* ---- whole-mm operations from one thread while the others run -------- */

static int mt_validate(struct mt_thread *th)
{
	struct smm_cache *c = th->run->shared[mt_rand(th) % MT_SHARED];
	u64 problems = ~0ULL;
	int ret = smm_cache_validate(c, &problems);

	if (ret || problems)
		return mt_fail(th, "VALIDATE %s: %d, %llu problems", c->name, ret,
			       (unsigned long long)problems);
	th->validates++;
	return 0;
}

static int mt_check(struct mt_thread *th)
{
	char why[160];

	if (smm_check(&th->run->t.mm, why, sizeof(why)))
		return mt_fail(th, "CHECK: %s", why);
	if (smm_slabs_check(&th->run->s, why, sizeof(why)))
		return mt_fail(th, "slab CHECK: %s", why);
	th->checks++;
	return 0;
}

/*
 * A cache snapshot takes the list lock and then each CPU's lock in turn,
 * so its fields are not from one instant and no relation between them
 * can be asserted while others run; it is here for the races TSan would
 * see, and for the one thing that must hold: its fixed layout.
 */
static int mt_info(struct mt_thread *th)
{
	struct smm_cache *c = th->run->shared[mt_rand(th) % MT_SHARED];
	struct smm_cache_info info;

	smm_cache_info(c, &info);
	if (info.objects != c->objects || info.num_objs != info.num_slabs * c->objects)
		return mt_fail(th, "%s snapshot: %u objects per slab (%u), %llu objects in %llu slabs",
			       c->name, info.objects, c->objects,
			       (unsigned long long)info.num_objs,
			       (unsigned long long)info.num_slabs);
	return 0;
}

/*
 * What the glue reads without taking locks while others run: the
 * generation, the frames on pcp lists, the free blocks per order, a
 * cache's live count (so TSan sees those reads race the updates). Only
 * the generation promises something: a sum of counters that only grow,
 * it never goes back as seen from one thread.
 */
static int mt_observe(struct mt_thread *th)
{
	struct smm_mm *mm = &th->run->t.mm;
	u64 gen = smm_mm_generation(mm), nr_free[SMM_NR_ORDERS];
	unsigned int z;

	if (gen < th->generation)
		return mt_fail(th, "generation went back from %llu to %llu",
			       (unsigned long long)th->generation, (unsigned long long)gen);
	th->generation = gen;
	for (z = 0; z < SMM_NR_ZONES; z++) {
		smm_zone_nr_free(&mm->zones[z], nr_free);
		smm_zone_pcp_frames(mm, z);
	}
	smm_cache_live(th->run->shared[mt_rand(th) % MT_SHARED]);
	return 0;
}

static int mt_step(struct mt_thread *th)
{
	u64 r = mt_rand(th) % 1000;

	if (r < 250)
		return mt_alloc_block(th);
	if (r < 480)
		return mt_free_block(th);
	if (r < 510)
		return mt_alloc_bulk(th);
	if (r < 540)
		return mt_free_bulk(th);
	if (r < 760)
		return mt_alloc_obj(th);
	if (r < 970)
		return mt_free_obj(th);
	if (r < 973)
		return mt_own_cache(th);
	if (r < 976)
		return mt_shrink(th);
	if (r < 982) {
		smm_drain_pcp(&th->run->t.mm, th->cpu);
		return 0;
	}
	if (r < 986) {
		struct smm_cache *c = th->run->shared[mt_rand(th) % MT_SHARED];

		/* with SLAB, half of them cache_reap() passes over a shared cache */
		if (th->run->kmalloc_policy == SMM_SLAB && mt_rand(th) % 2)
			smm_cache_reap(c, th->cpu);
		else
			smm_cache_shrink(c, th->cpu);
		return 0;
	}
	if (r < 990)
		return mt_validate(th);
	if (r < 993)
		return mt_check(th);
	if (r < 997)
		return mt_observe(th);
	return mt_info(th);
}

/* Give everything back: objects, blocks, the own cache. */
static int mt_release_all(struct mt_thread *th)
{
	u64 idx;

	while (th->nr_objs)
		if (mt_free_obj_at(th, th->nr_objs - 1))
			return -1;
	while (th->nr_blocks) {
		if (mt_block_release(th, th->nr_blocks - 1, &idx))
			return -1;
		smm_free_pages(&th->run->t.mm, idx, th->cpu);
	}
	if (th->own && mt_own_cache(th))
		return -1;
	return 0;
}

static void *mt_thread_fn(void *arg)
{
	struct mt_thread *th = arg;
	unsigned int i;

	smm_user_cpu = th->cpu;		/* smm_cpu_get() in the core */
	pthread_barrier_wait(&th->run->start);
	for (i = 0; i < MT_OPS; i++)
		if (mt_step(th))
			return NULL;
	mt_release_all(th);
	return NULL;
}

/* ---- the run ---------------------------------------------------------- */

static int mt_setup(struct mt_run *run, unsigned int nr_threads, u32 kmalloc_policy)
{
	static const struct smm_test_section secs[] = {
		{ 0x100000, MT_SECTION_FRAMES }, { 0x180000, MT_SECTION_FRAMES },
	};
	unsigned int z;
	int ret;

	memset(run, 0, sizeof(*run));
	run->nr_threads = nr_threads;
	run->kmalloc_policy = kmalloc_policy;
	ret = smm_test_mm_init_mem(&run->t, secs, 2, "DMA32:32M,Normal:rest", true, nr_threads);
	if (ret)
		return ret;
	ret = smm_slabs_init_policy(&run->s, &run->t.mm, 0x5eed, 0, kmalloc_policy);
	if (ret)
		goto err_mm;
	run->shared[0] = smm_cache_find(&run->s, "kmalloc-64");
	run->shared[1] = smm_cache_find(&run->s, "kmalloc-1024");
	ret = smm_cache_create(&run->s, "mt-debug", 200, 0,
			       SHADOWMM_CACHE_RED_ZONE | SHADOWMM_CACHE_POISON |
			       SHADOWMM_CACHE_STORE_USER | SHADOWMM_CACHE_HARDENED, &run->shared[2]);
	if (ret)
		goto err_slabs;
	for (z = 0; z < SMM_NR_ZONES; z++) {
		smm_zone_nr_free(&run->t.mm.zones[z], run->nr_free0[z]);
		run->zone_free0[z] = run->t.mm.zones[z].free;
	}
	return pthread_barrier_init(&run->start, NULL, nr_threads) ? -EAGAIN : 0;

err_slabs:
	smm_slabs_destroy(&run->s);
err_mm:
	smm_test_mm_destroy(&run->t);
	return ret;
}

static void mt_teardown(struct mt_run *run)
{
	pthread_barrier_destroy(&run->start);
	smm_slabs_destroy(&run->s);
	smm_test_mm_destroy(&run->t);
}

/* The threads' sums for shared cache @k against the cache's own counters. */
static int mt_shared_counts_ok(struct mt_run *run, unsigned int k)
{
	struct smm_cache_info info;
	u64 alloc = 0, freed = 0;
	unsigned int i;

	for (i = 0; i < run->nr_threads; i++) {
		alloc += run->th[i].obj_alloc[k];
		freed += run->th[i].obj_free[k];
	}
	smm_cache_info(run->shared[k], &info);
	if (info.stats.alloc_fast + info.stats.alloc_slow != alloc ||
	    info.stats.free_fast + info.stats.free_slow != freed || info.active_objs ||
	    info.stats.errors || info.stats.alloc_fail) {
		printf("# %s: threads allocated %llu and freed %llu; the cache counted %llu and %llu, %llu live, %llu errors, %llu failures\n",
		       run->shared[k]->name, (unsigned long long)alloc, (unsigned long long)freed,
		       (unsigned long long)(info.stats.alloc_fast + info.stats.alloc_slow),
		       (unsigned long long)(info.stats.free_fast + info.stats.free_slow),
		       (unsigned long long)info.active_objs, (unsigned long long)info.stats.errors,
		       (unsigned long long)info.stats.alloc_fail);
		return -1;
	}
	return 0;
}

/* After shrinking and draining: every zone as it started, order by order. */
static int mt_zones_as_started(struct mt_run *run)
{
	unsigned int z, o;
	u64 nr_free[SMM_NR_ORDERS];

	for (z = 0; z < SMM_NR_ZONES; z++) {
		const struct smm_zone *zone = &run->t.mm.zones[z];

		smm_zone_nr_free(zone, nr_free);
		for (o = 0; o < SMM_NR_ORDERS; o++) {
			if (nr_free[o] != run->nr_free0[z][o]) {
				printf("# zone %s order %u: %llu free blocks, %llu at the start\n",
				       zone->name, o, (unsigned long long)nr_free[o],
				       (unsigned long long)run->nr_free0[z][o]);
				return -1;
			}
		}
		if (zone->free != run->zone_free0[z]) {
			printf("# zone %s: %llu free frames, %llu at the start\n", zone->name,
			       (unsigned long long)zone->free,
			       (unsigned long long)run->zone_free0[z]);
			return -1;
		}
	}
	return 0;
}

static void mt_summary(const struct mt_run *run)
{
	u64 blocks = 0, objs = 0, caches = 0, checks = 0, validates = 0, cached = 0, scanned = 0;
	unsigned int i, k;

	for (i = 0; i < run->nr_threads; i++) {
		const struct mt_thread *th = &run->th[i];

		blocks += th->blocks_alloc;
		objs += th->own_alloc;
		for (k = 0; k < MT_SHARED; k++)
			objs += th->obj_alloc[k];
		caches += th->own_destroyed;
		checks += th->checks;
		validates += th->validates;
		cached += th->cached;
		scanned += th->slabs_scanned;
	}
	printf("# %u threads: %llu blocks, %llu objects, %llu own caches destroyed, %llu CHECKs, %llu VALIDATEs\n",
	       run->nr_threads, (unsigned long long)blocks, (unsigned long long)objs,
	       (unsigned long long)caches, (unsigned long long)checks,
	       (unsigned long long)validates);
	printf("# %llu objects cached, %llu scanned by shrink_slab()\n",
	       (unsigned long long)cached, (unsigned long long)scanned);
}

/*
 * Run @nr threads to the end and judge the final state. Returns 0 when
 * every check held; prints what was expected and seen otherwise.
 */
static int mt_run_threads_policy(unsigned int nr, u32 kmalloc_policy)
{
	static struct mt_run run;
	u64 seed = mt_seed();
	unsigned int i, k, started = 0;
	int bad = 0;

	if (mt_setup(&run, nr, kmalloc_policy)) {
		printf("# setup failed\n");
		return -1;
	}
	for (i = 0; i < nr; i++) {
		struct mt_thread *th = &run.th[i];

		th->run = &run;
		th->cpu = i;
		th->rng = (seed ^ (i + 1) * 0x9e3779b97f4a7c15ULL) | 1;
	}
	for (i = 0; i < nr; i++) {
		if (pthread_create(&run.th[i].tid, NULL, mt_thread_fn, &run.th[i]))
			break;
		started++;
	}
	if (started != nr) {
		/* the barrier waits for all: no thread that started can finish */
		printf("# only %u of %u threads started\n", started, nr);
		exit(1);
	}
	for (i = 0; i < nr; i++)
		pthread_join(run.th[i].tid, NULL);
	printf("# seed %#llx\n", (unsigned long long)seed);
	mt_summary(&run);

	for (i = 0; i < nr; i++) {
		const struct mt_thread *th = &run.th[i];

		if (th->error[0]) {
			printf("# %s\n", th->error);
			bad = 1;
			continue;
		}
		if (th->nr_blocks || th->nr_objs || th->own || th->blocks_alloc != th->blocks_free ||
		    th->own_alloc != th->own_free) {
			printf("# cpu %u: %llu blocks allocated, %llu freed; %llu own objects allocated, %llu freed\n",
			       i, (unsigned long long)th->blocks_alloc,
			       (unsigned long long)th->blocks_free,
			       (unsigned long long)th->own_alloc, (unsigned long long)th->own_free);
			bad = 1;
		}
	}
	for (k = 0; k < MT_SHARED; k++)
		bad |= mt_shared_counts_ok(&run, k) != 0;
	if (!bad && smm_cache_destroy(&run.s, run.shared[2], false, 0)) {
		printf("# mt-debug could not be destroyed\n");
		bad = 1;
	}
	for (k = 0; !bad && k < SMM_MAX_CACHES; k++)
		if (run.s.caches[k])
			smm_cache_shrink(run.s.caches[k], 0);
	if (!bad) {
		smm_drain_all_pcp(&run.t.mm);
		bad = mt_zones_as_started(&run) || mt_check(&run.th[0]);
		if (run.th[0].error[0])
			printf("# %s\n", run.th[0].error);
	}
	mt_teardown(&run);
	return bad ? -1 : 0;
}

static int mt_run_threads(unsigned int nr)
{
	return mt_run_threads_policy(nr, SMM_SLUB);
}

/*
 * Four threads with slab_policy=slab: the kmalloc caches and the
 * threads' own caches (but SLOB's) are SLAB's; array caches, the shared
 * array and cache_reap() passes race with allocations and frees on the
 * other CPUs, VALIDATE and CHECK.
 */
SMM_TEST(mt_4_threads_slab)
{
	ASSERT_EQ(mt_run_threads_policy(4, SMM_SLAB), 0);
}

/*
 * Two threads: most of their frees of shared objects go to slabs active
 * on the other CPU, and each thread's drains and shrinks meet the other's
 * fast path.
 */
SMM_TEST(mt_2_threads)
{
	ASSERT_EQ(mt_run_threads(2), 0);
}

/* Four threads, as the smp4 VM run has vCPUs. */
SMM_TEST(mt_4_threads)
{
	ASSERT_EQ(mt_run_threads(4), 0);
}

/* Eight threads on two cores: every lock contended and preempted holders. */
SMM_TEST(mt_8_threads)
{
	ASSERT_EQ(mt_run_threads(8), 0);
}
