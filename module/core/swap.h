/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The shadow swap area (swap.c), after mm/swapfile.c: one area (type 0;
 * the kernel has MAX_SWAPFILES of them, one is enough to show the
 * mechanism), whose slots are 4 KiB pages of memory the glue allocates
 * outside the shadow range (vmalloc; malloc in the tests): swap must add
 * memory, as a disk does, not take it from the range it relieves.
 *
 *  - swap_map: one byte per slot, the number of swap entries that point
 *    to it (0 free; more than 1 for a slot a fork family shares: a fork
 *    of a swapped-out page, swap_duplicate(), or reclaim of a page
 *    several members map, try_to_unmap(), fork.c; at most
 *    SMM_SWAP_MAP_MAX; 1 for a slot of a shadow inode's store,
 *    filemap.c); slot 0 is SMM_SWAP_MAP_BAD, the place of the kernel's
 *    swap header, so that no swap entry is offset 0.
 *  - Clusters of SMM_SWAP_CLUSTER slots (SWAPFILE_CLUSTER) with a count
 *    of used slots, a free-cluster list (FIFO: freed clusters go to the
 *    tail, allocations take the head) and one cluster being filled (the
 *    kernel has one per CPU, percpu_cluster; the glue serialises every
 *    swap operation, so one is all a single allocator could use). When
 *    no cluster is free, slots are found by scanning swap_map from a
 *    next-slot hint (cluster_next), wrapping, as scan_swap_map_slots()
 *    falls back to. A last cluster cut short by the area's end counts
 *    its missing slots as used (setup_clusters()): it is never free.
 *  - Swap-out of one anonymous order-0 page (smm_swap_out_page(), the
 *    shape reclaim's pageout will call), MADV_PAGEOUT over a range,
 *    swap-in on a fault (do_swap_page()), slots freed by munmap and
 *    teardown (zap_pte_range()), swapoff (try_to_unuse()).
 *
 *  - The swap cache (swap_state.c): cache[] gives each slot's page in
 *    memory (frame + 1, 0 none), 4 bytes a slot; owner[] the id of the
 *    space whose swap entry took the slot, 1 byte a slot (so a page
 *    read ahead for a slot of another space is charged to that space,
 *    and that space's teardown drops it). swap_map counts the entries
 *    in its low bits and says SMM_SWAP_HAS_CACHE while the slot has a
 *    page in the cache. A cached page is an anonymous page with an LRU
 *    record flagged SMM_LRU_F_SWAPCACHE that names its slot (lru.h):
 *    mapped after a swap-in that kept the slot (by one space, count 0;
 *    or, a shared slot, read-only by members of a fork family while
 *    their other entries still count), or unmapped (the PTEs still swap
 *    entries, count 1 or more, the record's space NULL) after a
 *    readahead. owner[] of a shared slot is a member of the family.
 *  - Swap-in readahead (swap_cluster_readahead()): a fault that misses
 *    the cache reads the window of slots around its own, every slot in
 *    use without a cached page, into the cache and onto the inactive
 *    anon list. The window is swapin_nr_pages()'s, aligned to its size:
 *    read-ahead pages faulted on since the last window (hits) + 2,
 *    rounded up to a power of two from 4; with no hits 1 (no
 *    readahead) unless the slot is next to the last one without hits;
 *    at most SMM_SWAP_RA_PAGES (page_cluster 3), at least half the
 *    last window.
 *
 * Simplified against the kernel: no continuation counts (a slot's
 * users stop at SMM_SWAP_MAP_MAX); no discard, no priorities; no VMA-based
 * readahead (6.1 uses it on SSDs; the cluster one is its fallback);
 * page_cluster fixed at 3 (the window's maximum).
 *
 * Bytes per slot: 4 KiB of data, 1 of swap_map, 4 of cache[], 1 of
 * owner[], and a cluster's 8 bytes per 256 slots.
 *
 * Locking: the glue serialises every call that touches the area or a
 * space under its one space mutex (space_registry.c); the core takes no
 * lock of its own here. The buddy takes its own locks.
 */
#ifndef _SMM_CORE_SWAP_H
#define _SMM_CORE_SWAP_H

#include "env.h"

struct smm_mm;
struct smm_space;
struct smm_lru_rec;

#define SMM_SWAP_CLUSTER	256		/* SWAPFILE_CLUSTER */
#define SMM_SWAP_MAP_MAX	0x3e		/* SWAP_MAP_MAX: users of one slot */
#define SMM_SWAP_MAP_BAD	0x3f		/* SWAP_MAP_BAD: never handed out */
#define SMM_SWAP_NONE		(~0U)		/* no cluster */
#define SMM_SWAP_TYPE		0		/* the one area's type in entries */
#define SMM_SWAP_HAS_CACHE	0x40		/* SWAP_HAS_CACHE: a page in the cache */
#define SMM_SWAP_COUNT(m)	((m) & 0x3f)	/* swap_count(): the entries' users */
/* 64 GiB: the slot fits the 24 bits an LRU record keeps for it (lru.h) */
#define SMM_SWAP_MAX_SLOTS	(1ULL << 24)
#define SMM_SWAP_RA_PAGES	8		/* 1 << page_cluster (vm.page-cluster 3) */
#define SMM_SWAP_OWNER_FILE	0xff		/* owner[] of a slot of a shadow inode's store */

struct smm_swap_cluster {
	u32 count;			/* slots used (or past the area's end) */
	u32 next;			/* next on the free list, or SMM_SWAP_NONE */
};

struct smm_swap {
	void *data;			/* slots * 4 KiB, the glue's memory */
	u64 slots;			/* slot 0 (the header) included */
	u8 *map;			/* swap_map */
	struct smm_swap_cluster *cl;
	u32 nr_clusters;
	u32 free_head, free_tail;	/* free clusters, FIFO */
	u32 nr_free;			/* clusters on the free list */
	u32 cur;			/* cluster being filled, or SMM_SWAP_NONE */
	u64 cur_next;			/* next slot to try in it */
	u64 next;			/* the scan's hint (cluster_next) */
	u64 inuse;			/* inuse_pages */
	u32 *cache;			/* the swap cache: slot -> frame + 1, 0 none */
	u8 *owner;			/* slot -> the space id of its entry */
	u64 file_slots;			/* slots shadow inodes' stores hold (filemap.c) */
	u32 *shadow;			/* slot -> the shadow entry of its evicted page, 0 none */
	u64 nr_shadows;			/* slots with one (workingset.h) */
	/* swapin_nr_pages()'s state, per area here (the kernel's are global) */
	u32 ra_hits;			/* swapin_readahead_hits: read-ahead pages faulted on */
	u32 ra_win;			/* last_readahead_pages: the last window */
	u64 ra_prev;			/* prev_offset: the last fault's slot without hits */
};

/* The life of an area, and swapon/swapoff on an mm. */
int smm_swap_init(struct smm_swap *sw, void *data, u64 slots);
void smm_swap_destroy(struct smm_swap *sw);
int smm_swap_on(struct smm_mm *mm, struct smm_swap *sw, const char **why);
int smm_swap_unuse(struct smm_space *s, const char **why);
int smm_swap_off(struct smm_mm *mm, struct smm_swap **sw, const char **why);

/* Slots usable: the header slot is not (/proc/swaps' Size). */
static inline u64 smm_swap_size(const struct smm_swap *sw)
{
	return sw->slots - 1;
}

/* Swap-out, MADV_PAGEOUT, swap-in on a fault, a slot freed by an unmap. */
int smm_swap_out_page(struct smm_space *s, u64 va, const char **why);
int smm_swap_pageout(struct smm_space *s, u64 addr, u64 len, u64 *done, const char **why);
int smm_swap_fault(struct smm_space *s, u64 va, u64 e, unsigned int prot, bool write,
		   const char **why);
void smm_swap_free_entry(struct smm_space *s, u64 e);
int smm_swap_fork_entry(struct smm_space *parent, struct smm_space *child, u64 e, u64 *ce,
			const char **why);

/* Shared slots after fork (fork.c, space.c): a leaving member's slots, an owner, a count. */
void smm_swap_leave_family(struct smm_space *s);
void smm_swap_cache_owner(struct smm_mm *mm, u32 slot, u32 id);
u32 smm_swap_slot_count(const struct smm_mm *mm, u32 slot);

/* The swap cache: a mapped page's slot dropped (zap), an unmapped page reclaimed. */
void smm_swap_cache_unmap(struct smm_space *s, u64 frame, u32 slot);
int smm_swap_cache_reclaim(struct smm_mm *mm, u64 frame, const char **why);
bool smm_swap_free_activated(struct smm_mm *mm, struct smm_lru_rec *x);
bool smm_swap_cache_move(struct smm_mm *mm, u32 slot, u64 from, u64 to);

/*
 * A shadow inode's store (filemap.c): a written-back page-cache page's
 * 4 KiB in a slot of the area, owned by SMM_SWAP_OWNER_FILE, count 1,
 * never in the swap cache, held until the file is closed, as shmem
 * keeps a page's slot in its mapping (shmem_writepage()).
 */
int smm_swap_file_write(struct smm_mm *mm, u32 *slot, const void *src, size_t n);
int smm_swap_file_read(struct smm_mm *mm, u32 slot, void *dst);
void smm_swap_file_free(struct smm_mm *mm, u32 slot);
bool smm_swap_file_slot_ok(const struct smm_mm *mm, u32 slot);

/* vm_swap_full(): more than half the slots in use. */
static inline bool smm_swap_full(const struct smm_swap *sw)
{
	return sw->inuse * 2 > smm_swap_size(sw);
}

/*
 * CHECK: each space's swap entries counted into @seen (one byte per
 * slot, zeroed by the caller, sw->slots long) by smm_swap_check_space(),
 * then smm_swap_check() compares them with swap_map and the clusters.
 */
int smm_swap_check_space(const struct smm_space *s, u8 *seen, char *why, size_t len);
int smm_swap_check(const struct smm_mm *mm, const u8 *seen, char *why, size_t len);

#endif /* _SMM_CORE_SWAP_H */
