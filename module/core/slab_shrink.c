// SPDX-License-Identifier: GPL-2.0
/*
 * Cached objects and the shrinker of a reclaimable cache (slab.h,
 * shrinker.h). A cache created with RECLAIM_ACCOUNT may hold, besides
 * the objects users hold by handle (in use, never shrunk, as a dentry
 * with references), *cached* objects: allocated, referenced by no one,
 * kept for reuse on the cache's own LRU as unused dentries and inodes
 * sit on the dcache and icache LRUs. The cache's shrinker counts them
 * and frees them from the oldest end, as prune_dcache_sb() walks its
 * list_lru; reclaim calls it through shrink_slab() (vmscan.c).
 *
 * The LRU is a ring of object positions under c->lru_mutex (it grows
 * by doubling, which may sleep, so a mutex and not a spinlock).
 * Lock order: shrinkers' registry mutex, c->lru_mutex, then the slab
 * locks smm_cache_free() takes (slab.h). The shrinker is registered
 * when the cache is created and unregistered first thing when it is
 * destroyed, before its cached objects are freed; the registry mutex
 * makes the unregistering wait for a scan in progress, so a scan never
 * sees a cache being torn down (the kernel's shrinker_rwsem).
 */
#include "slab.h"

#define SMM_LRU_MIN_CAP	64

/* Why @c may not hold cached objects, or NULL. */
const char *smm_cache_cached_refusal(const struct smm_cache *c)
{
	if (!(c->flags & SHADOWMM_CACHE_RECLAIM_ACCOUNT))
		return "cached objects need a reclaimable cache (created with reclaim_account)";
	return NULL;
}

/* Objects on @c's LRU; read without the lock (list_lru_count()). */
u64 smm_cache_nr_cached(const struct smm_cache *c)
{
	return READ_ONCE(c->nr_cached);
}

/* Room for @more positions in the ring, oldest moved to slot 0. Under lru_mutex. */
static int smm_cache_lru_reserve(struct smm_cache *c, u64 more)
{
	u64 cap = c->lru_cap, i, *ring;

	if (c->nr_cached + more <= cap)
		return 0;
	cap = max(max(cap * 2, c->nr_cached + more), (u64)SMM_LRU_MIN_CAP);
	ring = smm_zalloc_array(cap, sizeof(*ring));
	if (!ring)
		return -ENOMEM;
	for (i = 0; i < c->nr_cached; i++)
		ring[i] = c->lru[(c->lru_first + i) % c->lru_cap];
	smm_free_array(c->lru);
	c->lru = ring;
	c->lru_cap = cap;
	c->lru_first = 0;
	return 0;
}

/*
 * Park @count allocated objects of @c at @pos on its LRU, newest end,
 * all or none (-ENOMEM: none, the caller still owns them). Takes lru_mutex.
 */
int smm_cache_cache_objs(struct smm_cache *c, const u64 *pos, u64 count)
{
	u64 i;
	int ret;

	if (smm_cache_cached_refusal(c))
		return -EINVAL;
	smm_mutex_lock(&c->lru_mutex);
	ret = smm_cache_lru_reserve(c, count);
	if (!ret) {
		for (i = 0; i < count; i++)
			c->lru[(c->lru_first + c->nr_cached + i) % c->lru_cap] = pos[i];
		WRITE_ONCE(c->nr_cached, c->nr_cached + count);
	}
	smm_mutex_unlock(&c->lru_mutex);
	return ret;
}

/* One object back to the cache, on the caller's CPU for that moment. */
static void smm_cache_free_here(struct smm_cache *c, u64 pos)
{
	smm_cache_free(c, pos, smm_cpu_get());
	smm_cpu_put();
}

/*
 * Allocate @count objects of the reclaimable cache @c and park them
 * cached: all or none (-EINVAL for a cache that is not reclaimable,
 * -ENOMEM when the buddy runs out; nothing is left allocated then).
 * Takes the CPU's slab locks per object, then lru_mutex.
 */
int smm_cache_alloc_cached(struct smm_cache *c, u64 count)
{
	u64 *pos, i;
	int ret = -ENOMEM;

	if (smm_cache_cached_refusal(c))
		return -EINVAL;
	pos = smm_zalloc_array(count ? count : 1, sizeof(*pos));
	if (!pos)
		return -ENOMEM;
	for (i = 0; i < count; i++) {
		void *obj = smm_cache_alloc(c, smm_cpu_get(), 0, &pos[i]);

		smm_cpu_put();
		if (!obj)
			goto err_free_objs;
		smm_cond_resched();
	}
	ret = smm_cache_cache_objs(c, pos, count);
	if (ret)
		goto err_free_objs;
	smm_free_array(pos);
	return 0;

err_free_objs:
	while (i--)
		smm_cache_free_here(c, pos[i]);
	smm_free_array(pos);
	return ret;
}

/*
 * Free up to @nr cached objects from the oldest end; returns how many.
 * The frames of the slabs this gave back to the buddy (each slab that
 * became empty with min_partial slabs already on the partial list, as
 * any free decides) are added to *@pages, from the cache's slabs_free
 * before and after: a concurrent free elsewhere in the same cache that
 * discards a slab meanwhile counts too, as a task's reclaim_state would
 * not, a small overcount we accept. Takes lru_mutex.
 */
u64 smm_cache_drop_cached(struct smm_cache *c, u64 nr, u64 *pages)
{
	u64 n = 0, before;

	smm_mutex_lock(&c->lru_mutex);
	before = data_race(READ_ONCE(c->slabs_free));
	while (n < nr && c->nr_cached) {
		u64 pos = c->lru[c->lru_first];

		c->lru_first = (c->lru_first + 1) % c->lru_cap;
		WRITE_ONCE(c->nr_cached, c->nr_cached - 1);
		smm_cache_free_here(c, pos);
		n++;
	}
	*pages += (data_race(READ_ONCE(c->slabs_free)) - before) << c->order;
	smm_mutex_unlock(&c->lru_mutex);
	return n;
}

/* count_objects: the cached objects (super_cache_count()'s dentries). */
static u64 smm_cache_shrink_count(struct smm_shrinker *sh, struct smm_shrink_control *sc)
{
	(void)sc;
	return smm_cache_nr_cached(sh->priv);
}

/*
 * scan_objects: free up to nr_to_scan from the oldest end. nr_scanned
 * stays nr_to_scan, as list_lru walks leave it, so a list emptied under
 * the scan still ends do_shrink_slab()'s loop.
 */
static u64 smm_cache_shrink_scan(struct smm_shrinker *sh, struct smm_shrink_control *sc)
{
	return smm_cache_drop_cached(sh->priv, sc->nr_to_scan, &sc->reclaimed_pages);
}

/* The cache's shrinker, not yet registered; at creation (lru_mutex too). */
void smm_cache_shrinker_init(struct smm_cache *c)
{
	smm_mutex_init(&c->lru_mutex);
	c->shrinker = (struct smm_shrinker) {
		.count_objects	= smm_cache_shrink_count,
		.scan_objects	= smm_cache_shrink_scan,
		.priv		= c,
		.seeks		= SMM_DEFAULT_SEEKS,
		.id		= -1,
	};
}

/*
 * Destroy's first step: the shrinker out of the registry (waiting for a
 * scan in progress), then every cached object freed and the ring gone.
 */
void smm_cache_shrinker_exit(struct smm_cache *c)
{
	u64 pages = 0;

	if (c->shrinker.id >= 0)
		smm_shrinker_unregister(&c->slabs->shrinkers, &c->shrinker);
	smm_cache_drop_cached(c, ~0ULL, &pages);
	smm_free_array(c->lru);
	c->lru = NULL;
	c->lru_cap = c->lru_first = 0;
}
