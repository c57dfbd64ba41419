// SPDX-License-Identifier: GPL-2.0
/*
 * Shrinkers (shrinker.h): the registry and do_shrink_slab()'s
 * proportion, as mm/vmscan.c of Linux 6.1 computes it.
 */
#include "shrinker.h"
#include "mm.h"

void smm_shrinkers_init(struct smm_shrinker_list *l)
{
	smm_mutex_init(&l->mutex);
	memset(l->slot, 0, sizeof(l->slot));
	l->nr = 0;
}

/*
 * register_shrinker(): @sh into the first free slot, with no deferred
 * work. -ENOSPC when every slot is taken. Takes the registry mutex.
 */
int smm_shrinker_register(struct smm_shrinker_list *l, struct smm_shrinker *sh)
{
	unsigned int i;
	int ret = -ENOSPC;

	smm_mutex_lock(&l->mutex);
	for (i = 0; i < SMM_MAX_SHRINKERS; i++) {
		if (l->slot[i])
			continue;
		sh->id = i;
		sh->nr_deferred = 0;
		l->slot[i] = sh;
		if (i >= l->nr)
			l->nr = i + 1;
		ret = 0;
		break;
	}
	smm_mutex_unlock(&l->mutex);
	return ret;
}

/*
 * unregister_shrinker(): out of the registry. Once the mutex is had no
 * shrink_slab() runs, so no scan uses @sh after this returns.
 */
void smm_shrinker_unregister(struct smm_shrinker_list *l, struct smm_shrinker *sh)
{
	smm_mutex_lock(&l->mutex);
	if (sh->id >= 0 && !WARN_ON_ONCE(l->slot[sh->id] != sh))
		l->slot[sh->id] = NULL;
	sh->id = -1;
	smm_mutex_unlock(&l->mutex);
}

/*
 * do_shrink_slab() of 6.1: of the @freeable objects, scan
 *   delta = (freeable >> priority) * 4 / seeks	(freeable / 2 if seeks is 0)
 *   total_scan = min(nr_deferred >> priority + delta, 2 * freeable)
 * in batches of batch_size while total_scan >= batch_size or total_scan
 * >= freeable (a cache smaller than a batch is still emptied when the
 * goal covers it); what is not scanned, nr_deferred + delta - scanned
 * (at least 0, at most 2 * freeable), is deferred to the next call.
 * Registry mutex held (it guards nr_deferred: the kernel's xchg).
 */
u64 smm_do_shrink_slab(struct smm_shrink_control *sc, struct smm_shrinker *sh, int priority,
		       u64 *scanned)
{
	u64 batch = sh->batch ? sh->batch : SMM_SHRINK_BATCH;
	u64 freeable, nr, delta, total_scan, next, done = 0, freed = 0;

	freeable = sh->count_objects(sh, sc);
	if (!freeable)
		return 0;
	nr = sh->nr_deferred;
	sh->nr_deferred = 0;
	if (sh->seeks)
		delta = (freeable >> priority) * 4 / sh->seeks;
	else
		delta = freeable / 2;
	total_scan = min((nr >> priority) + delta, 2 * freeable);

	while (total_scan >= batch || total_scan >= freeable) {
		u64 ret;

		sc->nr_to_scan = min(batch, total_scan);
		sc->nr_scanned = sc->nr_to_scan;
		ret = sh->scan_objects(sh, sc);
		if (ret == SMM_SHRINK_STOP)
			break;
		freed += ret;
		*scanned += sc->nr_scanned;
		total_scan -= min(total_scan, sc->nr_scanned);
		done += sc->nr_scanned;
		smm_cond_resched();
	}
	next = nr + delta > done ? nr + delta - done : 0;
	sh->nr_deferred = min(next, 2 * freeable);
	return freed;
}

/*
 * shrink_slab() for the root memcg: each registered shrinker in slot
 * order. The kernel takes shrinker_rwsem for read with a trylock and
 * gives up when it is contended; here the registry mutex is taken and
 * held over the walk (registering waits for it).
 */
u64 smm_shrink_slab(struct smm_shrinker_list *l, int priority, u64 *scanned, u64 *pages)
{
	struct smm_shrink_control sc = { 0 };
	u64 freed = 0;
	unsigned int i;

	*scanned = 0;
	smm_mutex_lock(&l->mutex);
	for (i = 0; i < l->nr; i++)
		if (l->slot[i])
			freed += smm_do_shrink_slab(&sc, l->slot[i], priority, scanned);
	smm_mutex_unlock(&l->mutex);
	*pages = sc.reclaimed_pages;
	return freed;
}

/*
 * drop_slab() of 6.1 for the one node: rounds of shrink_slab() at
 * priority 0 while a round freed more than 2^round objects (1, 2, 4
 * ...), so a cache refilled as fast as it is freed cannot hold it
 * forever. Before 5.19 the rule was "until a round frees 10 or fewer".
 */
u64 smm_drop_slab(struct smm_mm *mm, u64 *pages)
{
	u64 freed, total = 0, scanned, got;
	unsigned int shift = 0;

	*pages = 0;
	if (!mm->shrinkers)
		return 0;
	do {
		freed = smm_shrink_slab(mm->shrinkers, 0, &scanned, &got);
		WRITE_ONCE(mm->reclaim.slabs_scanned, mm->reclaim.slabs_scanned + scanned);
		*pages += got;
		total += freed;
		smm_cond_resched();
	} while (shift < 64 && (freed >> shift++) > 1);
	return total;
}
