/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shrinkers, after mm/vmscan.c of Linux 6.1 (shrinker_list,
 * do_shrink_slab(), shrink_slab()): a registry of objects that count
 * and free what they cache, called by reclaim in proportion to what it
 * scans. The slab layer registers one per reclaimable cache that holds
 * cached objects (slab_shrink.c); vmscan.c's smm_shrink_node() calls
 * smm_shrink_slab() after the lists, as shrink_node_memcgs() does.
 *
 * Lock order (outermost first):
 *   the glue's spaces' lock (reclaim runs under it, vmscan.h)
 *     smm_shrinker_list.mutex	the registry; held over a whole
 *				shrink_slab() (the kernel's shrinker_rwsem
 *				taken for read), so unregistering waits for
 *				a running scan and a shrinker is never used
 *				after smm_shrinker_unregister() returns
 *       what scan_objects takes: for a cache, its cached-list mutex,
 *       then the slab locks of slab.h (CPU lock, list lock, buddy)
 * Registering and unregistering take only the registry's mutex, never
 * under a slab lock nor under smm_slabs.mutex.
 */
#ifndef _SMM_CORE_SHRINKER_H
#define _SMM_CORE_SHRINKER_H

#include "env.h"

#define SMM_DEFAULT_SEEKS	2	/* DEFAULT_SEEKS */
#define SMM_SHRINK_BATCH	128	/* SHRINK_BATCH */
#define SMM_SHRINK_STOP		(~0ULL)	/* SHRINK_STOP: scan_objects can do nothing now */
#define SMM_MAX_SHRINKERS	256	/* one per cache at most */

/* struct shrink_control, what the shadow uses of it */
struct smm_shrink_control {
	u64 nr_to_scan;		/* in: objects to look at */
	u64 nr_scanned;		/* in: nr_to_scan; out: looked at, if not that */
	u64 reclaimed_pages;	/* out, summed: frames the freeing gave back (reclaim_state) */
};

struct smm_shrinker {
	/* freeable objects now (0: nothing to do) */
	u64 (*count_objects)(struct smm_shrinker *sh, struct smm_shrink_control *sc);
	/* free up to sc->nr_to_scan of them, return how many, or SMM_SHRINK_STOP */
	u64 (*scan_objects)(struct smm_shrinker *sh, struct smm_shrink_control *sc);
	void *priv;
	int seeks;		/* cost to recreate an object: DEFAULT_SEEKS; 0: trim half */
	u64 batch;		/* objects per scan_objects call, 0: SHRINK_BATCH */
	u64 nr_deferred;	/* work left over from earlier calls; registry mutex */
	int id;			/* slot in the registry, -1 when not registered */
};

struct smm_shrinker_list {
	smm_mutex_t mutex;
	struct smm_shrinker *slot[SMM_MAX_SHRINKERS];
	unsigned int nr;	/* slots ever used: the walk's end */
};

void smm_shrinkers_init(struct smm_shrinker_list *l);
int smm_shrinker_register(struct smm_shrinker_list *l, struct smm_shrinker *sh);
void smm_shrinker_unregister(struct smm_shrinker_list *l, struct smm_shrinker *sh);

/*
 * do_shrink_slab(): one shrinker at @priority; returns objects freed and
 * adds the objects scanned to *@scanned (slabs_scanned). Registry mutex held.
 */
u64 smm_do_shrink_slab(struct smm_shrink_control *sc, struct smm_shrinker *sh, int priority,
		       u64 *scanned);

/*
 * shrink_slab(): every registered shrinker at @priority. Returns objects
 * freed; *@scanned gets the objects scanned, *@pages the frames given
 * back to the buddy (reclaim_state->reclaimed_slab). Takes the registry mutex.
 */
u64 smm_shrink_slab(struct smm_shrinker_list *l, int priority, u64 *scanned, u64 *pages);

struct smm_mm;

/*
 * drop_slab() (echo 2 > drop_caches): shrink_slab() at priority 0 until
 * a round frees no more than 1 << its number (6.1's (freed >> shift++)
 * > 1). Returns objects freed, *@pages the frames given back; counts
 * slabs_scanned. The spaces' lock held (the counter's), no slab lock.
 */
u64 smm_drop_slab(struct smm_mm *mm, u64 *pages);

#endif /* _SMM_CORE_SHRINKER_H */
