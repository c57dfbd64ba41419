/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Workingset refault detection for page-cache and anonymous pages
 * (workingset.c), after Linux 6.1's mm/workingset.c.
 *
 * When reclaim drops a clean page-cache page (filemap.c), the slot of its
 * index keeps a shadow entry instead of 0 (workingset_eviction()): the
 * nonresident age at eviction and whether the page was in the workingset
 * (PG_workingset: it had been active). A later miss at that index finds
 * the shadow (filemap_add_folio()) and workingset_refault() compares the
 * refault distance (the age now less the age at eviction) with the
 * workingset size: a page that would have stayed resident had the active
 * list given it room goes straight to the active list.
 *
 * One nonresident age for the whole shadow (struct lruvec's is per node
 * and memcg; the shadow is one node without memcgs), so a shadow entry
 * packs no memcg id and no node: bit 31 says "shadow" (an index entry is
 * otherwise frame + 1, frames below 2^31), bits 1..30 the eviction age
 * (EVICTION_MASK: 30 bits, bucket_order 0: 2^30 pages is more than a
 * range can hold), bit 0 PG_workingset.
 *
 * Anonymous pages: an evicted page's swap slot keeps the shadow entry
 * (swap.h's shadow[], where the kernel's swap cache xarray keeps it);
 * a swap-in or swap readahead of the slot is the refault. PG_workingset
 * is not tracked for them (no bit in their LRU record): never restored.
 *
 * The age moves by one page at each eviction, file or anonymous, at
 * each activation by a scan (move_folios_to_lru()), by a second read
 * (folio_mark_accessed(): its workingset_activation()) and by a refault
 * that activates.
 *
 * Shadow nodes: a chunk of an inode's index (filemap.h: 512 entries)
 * holding shadow entries and no page is the xa_node on the kernel's
 * shadow_nodes list_lru (workingset_update_node()); they are counted in
 * workingset_nodes and kept on one list, oldest first. At most
 * max_nodes = present pages >> (9 - 3) of them (count_shadow_nodes():
 * pages >> (XA_CHUNK_SHIFT - 3), a worst-case density of 1/8 of a node's
 * slots, with the shadow's 512-entry chunks in place of 64-slot nodes);
 * each one past that is freed at once, oldest first, all its shadows
 * dropped (shadow_lru_isolate(), workingset_nodereclaim + 1), where the
 * kernel's shrinker would do it at the next shrink_slab().
 *
 * Locking: the spaces' lock, as for everything of the page cache.
 */
#ifndef _SMM_CORE_WORKINGSET_H
#define _SMM_CORE_WORKINGSET_H

#include "env.h"

struct smm_mm;
struct smm_inode;

#define SMM_WS_SHADOW		(1U << 31)	/* an index entry that is a shadow */
#define SMM_WS_EVICTION_BITS	30
#define SMM_WS_EVICTION_MASK	((1U << SMM_WS_EVICTION_BITS) - 1)
#define SMM_WS_CHUNK_SHIFT	9		/* log2 of SMM_FILEMAP_CHUNK */

/* Is index entry @e a shadow (xa_is_value())? */
static inline bool smm_ws_is_shadow(u32 e)
{
	return e & SMM_WS_SHADOW;
}

/* A chunk of an inode's index on the shadow-node list (the xa_node's private_list). */
struct smm_wnode {
	struct smm_wnode *prev, *next;	/* NULL, NULL: not on the list */
	struct smm_inode *ino;
	u32 n;				/* the chunk */
};

/* The mm's workingset state and its /proc/vmstat counters. */
struct smm_workingset {
	u64 nonresident_age;		/* lruvec->nonresident_age, one for the shadow */
	struct smm_wnode shadow_nodes;	/* the list's head (made on first use) */
	u64 nodes;			/* WORKINGSET_NODES: chunks of shadows only */
	u64 refault_anon;		/* WORKINGSET_REFAULT_ANON */
	u64 refault_file;		/* WORKINGSET_REFAULT_FILE */
	u64 activate_anon;		/* WORKINGSET_ACTIVATE_ANON */
	u64 activate_file;		/* WORKINGSET_ACTIVATE_FILE */
	u64 restore_file;		/* WORKINGSET_RESTORE_FILE */
	u64 nodereclaim;		/* WORKINGSET_NODERECLAIM */
};

/* workingset_age_nonresident(): @nr pages evicted or activated. */
void smm_workingset_age(struct smm_mm *mm, u64 nr);

/* workingset_eviction(): the shadow entry of a page evicted now; the age moves. */
u32 smm_workingset_eviction(struct smm_mm *mm, bool workingset);

/*
 * workingset_refault() of a page (@file: a page-cache page; else an
 * anonymous page read from its swap slot) read in where @shadow was:
 * counted; *@active when its distance is within the workingset size,
 * *@workingset when it also was in the workingset at eviction (restored).
 */
void smm_workingset_refault(struct smm_mm *mm, u32 shadow, bool file, bool *active,
			    bool *workingset);

/* The largest number of shadow-only chunks (count_shadow_nodes()'s max_nodes). */
u64 smm_workingset_max_nodes(const struct smm_mm *mm);

/* workingset_update_node(): chunk @n of @ino's counts changed. */
void smm_workingset_update_node(struct smm_inode *ino, u32 n);

/* Every shadow entry of @ino dropped (the last close), its nodes off the list. */
void smm_workingset_drop_inode(struct smm_inode *ino);

/* CHECK: the list holds exactly the shadow-only chunks, as many as nodes. */
int smm_workingset_check(struct smm_mm *mm, char *why, size_t len);

#endif /* _SMM_CORE_WORKINGSET_H */
