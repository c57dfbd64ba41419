// SPDX-License-Identifier: GPL-2.0
/*
 * Workingset refault detection (workingset.h), after Linux 6.1's
 * mm/workingset.c: workingset_age_nonresident(), workingset_eviction(),
 * workingset_refault(), workingset_update_node() and the shadow-node
 * shrinker (count_shadow_nodes(), shadow_lru_isolate()) as a cap applied
 * when a chunk becomes shadow-only.
 *
 * Lock: the spaces' lock around every call (the page cache's lock).
 */
#include "workingset.h"
#include "filemap.h"
#include "lru.h"
#include "mm_internal.h"
#include "swap.h"

#define smm_ws_add(mm, ev, n)	WRITE_ONCE((mm)->workingset.ev, (mm)->workingset.ev + (n))

/* workingset_age_nonresident(): the age moves by @nr pages. */
void smm_workingset_age(struct smm_mm *mm, u64 nr)
{
	smm_ws_add(mm, nonresident_age, nr);
}

/*
 * workingset_eviction(): the age read first, then moved by the page
 * going (so a page evicted and at once refaulted has distance 1), packed
 * with PG_workingset into a shadow entry (workingset.h). The spaces'
 * lock held.
 */
u32 smm_workingset_eviction(struct smm_mm *mm, bool workingset)
{
	u32 eviction = mm->workingset.nonresident_age & SMM_WS_EVICTION_MASK;

	smm_workingset_age(mm, 1);
	return SMM_WS_SHADOW | eviction << 1 | workingset;
}

/* The pages of list @lru over every zone (the node's lruvec). */
static u64 smm_ws_lru(struct smm_mm *mm, enum smm_lru_list lru)
{
	u64 n = 0;
	unsigned int z;

	for (z = 0; z < SMM_NR_ZONES; z++)
		n += READ_ONCE(mm->zones[z].lruvec.nr[lru]);
	return n;
}

/* mem_cgroup_get_nr_swap_pages() > 0: a swap area with a free slot. */
static bool smm_ws_swap_free(const struct smm_mm *mm)
{
	const struct smm_swap *sw = mm->swap;

	return sw && sw->inuse < smm_swap_size(sw);
}

/*
 * workingset_refault() of 6.1: refault distance = (age now - age at
 * eviction) & EVICTION_MASK, counted (workingset_refault_file or
 * _anon); the workingset size is the active file list, plus for an
 * anonymous page the inactive file list, plus when swap has room the
 * active anon list, and for a file page the inactive anon list too (the
 * pages each kind competes with); a distance at most that size
 * activates the page (workingset_activate_*, the age + 1), and a file
 * page that had been in the workingset when evicted is restored
 * (PG_workingset kept, workingset_restore_file).
 * lru_note_cost_refault() is not copied: the shadow's scan balance
 * keeps no cost (reclaim.md).
 */
void smm_workingset_refault(struct smm_mm *mm, u32 shadow, bool file, bool *active,
			    bool *workingset)
{
	u32 eviction = (shadow >> 1) & SMM_WS_EVICTION_MASK;
	u64 distance = (mm->workingset.nonresident_age - eviction) & SMM_WS_EVICTION_MASK;
	u64 size = smm_ws_lru(mm, SMM_LRU_ACTIVE_FILE);

	*active = *workingset = false;
	if (file)
		smm_ws_add(mm, refault_file, 1);
	else
		smm_ws_add(mm, refault_anon, 1);
	if (!file)
		size += smm_ws_lru(mm, SMM_LRU_INACTIVE_FILE);
	if (smm_ws_swap_free(mm)) {
		size += smm_ws_lru(mm, SMM_LRU_ACTIVE_ANON);
		if (file)
			size += smm_ws_lru(mm, SMM_LRU_INACTIVE_ANON);
	}
	if (distance > size)
		return;
	*active = true;
	smm_workingset_age(mm, 1);
	if (!file) {
		smm_ws_add(mm, activate_anon, 1);
		return;
	}
	smm_ws_add(mm, activate_file, 1);
	if (shadow & 1) {
		*workingset = true;
		smm_ws_add(mm, restore_file, 1);
	}
}

/*
 * count_shadow_nodes()'s max_nodes for the root: node_present_pages()
 * >> (XA_CHUNK_SHIFT - 3), with the index's chunk (2^9 entries) as the
 * node.
 */
u64 smm_workingset_max_nodes(const struct smm_mm *mm)
{
	u64 pages = 0;
	unsigned int z;

	for (z = 0; z < SMM_NR_ZONES; z++)
		pages += mm->zones[z].present;
	return pages >> (SMM_WS_CHUNK_SHIFT - 3);
}

/* The list's head, made the first time (an mm starts zeroed). */
static struct smm_wnode *smm_ws_head(struct smm_mm *mm)
{
	struct smm_wnode *h = &mm->workingset.shadow_nodes;

	if (!h->next)
		h->next = h->prev = h;
	return h;
}

/* list_lru_add(): @w at the list's tail (the newest). */
static void smm_ws_list_add(struct smm_mm *mm, struct smm_wnode *w)
{
	struct smm_wnode *h = smm_ws_head(mm);

	w->prev = h->prev;
	w->next = h;
	h->prev->next = w;
	h->prev = w;
	smm_ws_add(mm, nodes, 1);
}

/* list_lru_del(): @w off the list. */
static void smm_ws_list_del(struct smm_mm *mm, struct smm_wnode *w)
{
	w->prev->next = w->next;
	w->next->prev = w->prev;
	w->prev = w->next = NULL;
	WRITE_ONCE(mm->workingset.nodes, mm->workingset.nodes - 1);
}

/*
 * Every shadow entry of chunk @n of @ino cleared (the entries' part of
 * shadow_lru_isolate() and of the last close), the chunk off the list
 * and freed when nothing is left in it.
 */
static void smm_ws_clear_chunk(struct smm_inode *ino, u32 n)
{
	u32 i, *chunk = ino->chunk[n];

	for (i = 0; chunk && ino->chunk_shadows[n] && i < SMM_FILEMAP_CHUNK; i++) {
		if (!smm_ws_is_shadow(chunk[i]))
			continue;
		chunk[i] = 0;
		ino->chunk_shadows[n]--;
		ino->chunk_used[n]--;
		ino->nr_shadows--;
	}
	if (ino->wnode[n].next)
		smm_ws_list_del(ino->mm, &ino->wnode[n]);
	if (chunk && !ino->chunk_used[n]) {
		smm_free_array(chunk);
		ino->chunk[n] = NULL;
	}
}

/*
 * The shadow-node shrinker, run as a node joins the list: while more
 * than max_nodes chunks hold only shadows, the oldest one's shadows are
 * dropped and the chunk freed (workingset_nodereclaim + 1 each).
 */
static void smm_ws_shrink(struct smm_mm *mm)
{
	struct smm_wnode *h = smm_ws_head(mm);
	u64 max = smm_workingset_max_nodes(mm);

	while (mm->workingset.nodes > max && h->next != h) {
		struct smm_wnode *w = h->next;

		smm_ws_clear_chunk(w->ino, w->n);
		smm_ws_add(mm, nodereclaim, 1);
	}
}

/*
 * workingset_update_node() for chunk @n of @ino after its counts changed:
 * on the shadow-node list while it holds entries and all are shadows,
 * off it otherwise; joining it may free the oldest nodes past the cap
 * (this one too, which the callers allow: they look no more at it).
 */
void smm_workingset_update_node(struct smm_inode *ino, u32 n)
{
	struct smm_wnode *w = &ino->wnode[n];
	bool shadow_only = ino->chunk_used[n] && ino->chunk_used[n] == ino->chunk_shadows[n];

	if (shadow_only && !w->next) {
		w->ino = ino;
		w->n = n;
		smm_ws_list_add(ino->mm, w);
		smm_ws_shrink(ino->mm);
	} else if (!shadow_only && w->next) {
		smm_ws_list_del(ino->mm, w);
	}
}

/* The last close: every chunk's shadows dropped, chunks with no page left freed. */
void smm_workingset_drop_inode(struct smm_inode *ino)
{
	u32 n;

	for (n = 0; ino->nr_shadows && n < ino->nr_chunks; n++)
		if (ino->chunk_shadows[n])
			smm_ws_clear_chunk(ino, n);
}

#define smm_ws_bad(fmt, ...)	(snprintf(why, len, fmt, ##__VA_ARGS__), -EUCLEAN)

/*
 * CHECK of the shadow-node list (filemap.c checks each chunk's counts
 * against its entries): every node on it is a chunk of an inode of
 * this mm holding shadows only, linked both ways; as many as
 * workingset_nodes, and every shadow-only chunk of every inode is on
 * it; no more than max_nodes. The spaces' lock held.
 */
int smm_workingset_check(struct smm_mm *mm, char *why, size_t len)
{
	struct smm_wnode *h = smm_ws_head(mm), *w;
	const struct smm_inode *ino;
	u64 on_list = 0, shadow_only = 0;
	u32 n;

	for (w = h->next; w != h; w = w->next) {
		if (w->next->prev != w || w->ino->mm != mm || w->n >= w->ino->nr_chunks ||
		    &w->ino->wnode[w->n] != w || !w->ino->chunk_used[w->n] ||
		    w->ino->chunk_used[w->n] != w->ino->chunk_shadows[w->n])
			return smm_ws_bad("a shadow node on the list is not a chunk of shadows only");
		if (++on_list > READ_ONCE(mm->workingset.nodes))
			break;
	}
	for (ino = mm->inodes; ino; ino = ino->next)
		for (n = 0; n < ino->nr_chunks; n++)
			shadow_only += ino->chunk_used[n] &&
				       ino->chunk_used[n] == ino->chunk_shadows[n];
	if (on_list != READ_ONCE(mm->workingset.nodes) || shadow_only != on_list)
		return smm_ws_bad("%llu shadow nodes on the list, %llu chunks of shadows only, workingset_nodes %llu",
				  (unsigned long long)on_list, (unsigned long long)shadow_only,
				  (unsigned long long)READ_ONCE(mm->workingset.nodes));
	if (on_list > smm_workingset_max_nodes(mm))
		return smm_ws_bad("%llu shadow nodes, more than max_nodes %llu",
				  (unsigned long long)on_list,
				  (unsigned long long)smm_workingset_max_nodes(mm));
	return 0;
}
