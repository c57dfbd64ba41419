/* SPDX-License-Identifier: GPL-2.0 */
/*
 * LRU lists and the reverse map of anonymous pages (lru.c), after
 * mm/vmscan.c, mm/swap.c and mm/rmap.c of Linux 6.1 without MGLRU
 * (Debian's 6.1 builds CONFIG_LRU_GEN but leaves it off by default:
 * the classic two-list design is what its users run).
 *
 * The frame descriptor stays 8 bytes. Each page on an LRU list gets a
 * record of 32 bytes from a pool of shadow pages (SMM_FRAME_LRU), as
 * struct folio's lru, mapping and index fields are memory the kernel
 * spends per page:
 *
 *	prev, next	record numbers (from 1, 0 ends a list): the links,
 *			O(1) insert/delete as list_head's
 *	frame		the page's frame index
 *	flags		the list it is on, PG_referenced, isolated
 *	space, va	the reverse map: the one space and address mapping it
 *			(space NULL, va 0: an unmapped page of the swap
 *			cache, read ahead; its slot in the flags, swap.h)
 *	inode, va	a page-cache page (filemap.h), on a file list: its
 *			shadow inode in place of the space, its page index in
 *			place of the va (folio->mapping, folio->index); the
 *			PTEs mapping it (any number of spaces and file VMAs)
 *			are found through the inode's i_mmap, as
 *			rmap_walk_file() does, and its mapcount is computed
 *			by that walk (filemap.c), not stored: the record
 *			stays 32 bytes. Its frame is SMM_FRAME_PAGE with owner
 *			SMM_OWNER_FILE and the record number as tag; the
 *			list bits (a file list) are its PG_swapbacked clear.
 *
 * A record is found from its page in O(1): the anonymous page's
 * descriptor holds the record number (owner.h, smm_anon_rec()); record
 * number r lives in pool page r / SMM_LRU_RECS_PER_PAGE, whose frame the
 * pool's directory gives. Pool pages come from the buddy (unmovable) and
 * go back to it when their last record is freed; they are counted in
 * smm_lru_pool.pages, as the kernel counts nr_page_table_pages.
 *
 * Invariant of the rmap: a record's space pointer is valid while the
 * record is in use, because a space's every anonymous page leaves the
 * LRU (smm_space_clear()) before the struct goes (smm_space_destroy()),
 * and the record maps one PTE of its space. A space that was forked
 * shares anonymous pages with its family (fork.c, an anon_vma): the
 * record names one mapper, the frame's tag that mapper's id, and the
 * other PTEs are found by looking up the record's va in each member of
 * the space's family; the mapcount is counted by that walk, not stored
 * (no KSM: nothing else shares an anonymous page). A file record's inode pointer is valid likewise:
 * smm_inode_destroy() removes every page of the inode (and its record)
 * before the inode goes, under the same lock.
 *
 * Locks: see lru.c. Callers of everything that reads the rmap (aging,
 * scanning, smm_lru_check()) hold the spaces' lock, the glue's one
 * mutex over all spaces.
 */
#ifndef _SMM_CORE_LRU_H
#define _SMM_CORE_LRU_H

#include "env.h"

struct smm_mm;
struct smm_space;
struct smm_inode;
struct smm_pt_fmt;

/* enum lru_list, in the kernel's order */
enum smm_lru_list {
	SMM_LRU_INACTIVE_ANON,
	SMM_LRU_ACTIVE_ANON,
	SMM_LRU_INACTIVE_FILE,
	SMM_LRU_ACTIVE_FILE,
	SMM_LRU_UNEVICTABLE,
	SMM_NR_LRU_LISTS
};

#define SMM_LRU_NONE		0xffffffffU	/* a directory slot without a page */
#define SMM_SWAP_CLUSTER_MAX	32		/* SWAP_CLUSTER_MAX: one scan batch */

/* smm_lru_rec.flags: the list in the low bits, then the page flags */
#define SMM_LRU_F_LIST		0x7U
#define SMM_LRU_F_REFERENCED	(1U << 3)	/* PG_referenced */
#define SMM_LRU_F_ISOLATED	(1U << 4)	/* off the lists for a scan */
#define SMM_LRU_F_USED		(1U << 5)	/* the record is in use */
#define SMM_LRU_F_SWAPCACHE	(1U << 6)	/* PG_swapcache: the page of a slot */
#define SMM_LRU_F_READAHEAD	(1U << 7)	/* PG_readahead: read ahead, not yet hit */
#define SMM_LRU_SLOT_SHIFT	8		/* a swap-cache page's slot, 24 bits */
/* a page-cache page has no slot: its record uses bits 8 and 9 for the page cache's own flags */
#define SMM_LRU_F_FILE_RA	(1U << 8)	/* read ahead of any read, not yet read (filemap.c) */
#define SMM_LRU_F_DIRTY		(1U << 9)	/* PG_dirty of a page-cache page (filemap.c) */
#define SMM_LRU_F_WORKINGSET	(1U << 10)	/* PG_workingset of a page-cache page (workingset.h) */

/* The slot of a swap-cache page's record (swap.h). */
static inline u32 smm_lru_rec_slot(u32 flags)
{
	return flags >> SMM_LRU_SLOT_SHIFT;
}

struct smm_lru_rec {
	u32 prev, next;
	u32 frame;
	u32 flags;
	union {
		struct smm_space *space;	/* an anon page's */
		struct smm_inode *inode;	/* a file page's (on a file list) */
	};
	u64 va;					/* the anon page's address, the file page's index */
};

/* folio_is_file_lru(): the record is on (or isolated from) a file list. */
static inline bool smm_lru_is_file(u32 flags)
{
	u32 lru = flags & SMM_LRU_F_LIST;

	return lru == SMM_LRU_INACTIVE_FILE || lru == SMM_LRU_ACTIVE_FILE;
}

_Static_assert(sizeof(struct smm_lru_rec) == 32, "an LRU record is 32 bytes");
#define SMM_LRU_RECS_PER_PAGE	(SMM_PAGE_SIZE / sizeof(struct smm_lru_rec))

/* A zone's lists, as struct lruvec (one per node and memcg in the kernel). */
struct smm_lruvec {
	smm_lock_t lock;			/* lruvec->lru_lock */
	u32 head[SMM_NR_LRU_LISTS];		/* newest, 0 if empty */
	u32 tail[SMM_NR_LRU_LISTS];		/* oldest: where scans take from */
	u64 nr[SMM_NR_LRU_LISTS];		/* NR_ZONE_INACTIVE_ANON + list */
	u64 nr_isolated_anon;			/* NR_ISOLATED_ANON */
	u64 nr_isolated_file;			/* NR_ISOLATED_FILE */
};

/*
 * The record pool: pages of SMM_LRU_RECS_PER_PAGE records, free records
 * on one doubly linked list (so a page's records leave it in O(page)
 * when the page goes back), under its own lock.
 */
struct smm_lru_pool {
	smm_lock_t lock;
	u32 *dir;			/* pool page n -> frame, SMM_LRU_NONE: unused */
	u16 *used;			/* records in use per pool page */
	u32 dir_cap;			/* slots in dir[] and used[] */
	u32 free_head;			/* free records, 0 if none */
	u64 pages;			/* pool pages held (like nr_page_table_pages) */
	u64 recs;			/* records in use */
	u64 grow_fail;			/* pool pages the buddy refused */
};

/* Reclaim's events, by /proc/vmstat's names; under the spaces' lock. */
struct smm_lru_events {
	u64 pgscan;			/* isolated from an inactive anon list */
	u64 pgsteal;			/* of which reclaimed */
	u64 pgscan_file;		/* isolated from an inactive file list */
	u64 pgsteal_file;		/* of which reclaimed (dropped from the cache) */
	u64 pgactivate;			/* moved to an active list */
	u64 pgdeactivate;		/* moved to an inactive list */
	u64 pgrefill;			/* isolated from an active list */
};

/*
 * The pageout callback of a scan: reclaim the page of @rec's space at
 * @rec's va (@s NULL, @va 0: an unmapped page of the swap cache, to be
 * dropped from it; @s NULL on a file list: a page-cache page, @va its
 * index, to be dropped from the cache). Returns 0 once the page was freed through the anonymous
 * free path (smm_space_unmap_anon(): it leaves the LRU there), or
 * -errno to keep it: it is activated, as 6.1 does when add_to_swap()
 * fails. Called without lru locks, with the spaces' lock held.
 */
typedef int (*smm_pageout_t)(void *priv, struct smm_mm *mm, struct smm_space *s, u64 va,
			     u64 frame);

/* What one shrink_inactive_list() step did. */
struct smm_lru_scan {
	u64 scanned, reclaimed, activated, kept;
};

/* The pool's directory, freed with the pool's last page; idempotent */
void smm_lru_destroy(struct smm_mm *mm);

/* The fault's and the free path's (space.c) */
int smm_lru_rec_alloc(struct smm_mm *mm, unsigned int gfp, u32 *rec);
void smm_lru_rec_free(struct smm_mm *mm, u32 rec);
void smm_lru_add_new(struct smm_mm *mm, u32 rec, struct smm_space *s, u64 va, u64 frame);
void smm_lru_add_cached(struct smm_mm *mm, u32 rec, u64 frame, u32 slot);
void smm_lru_del(struct smm_mm *mm, u64 frame);

/* The page cache's (filemap.c): a new page (active after a refault), folio_mark_accessed() */
void smm_lru_add_file(struct smm_mm *mm, u32 rec, struct smm_inode *ino, u64 index, u64 frame,
		      bool active, bool workingset);
void smm_folio_mark_accessed(struct smm_mm *mm, u64 frame);
u32 smm_lru_file_flags(struct smm_mm *mm, u64 frame, u32 set, u32 clear);
/* swap.c's: an anonymous page just read from its slot, activated by its refault */
void smm_lru_activate_new(struct smm_mm *mm, u64 frame);

/* Migration's (migrate.c): one page off its list, moved, back */
bool smm_lru_isolate_page(struct smm_mm *mm, u64 frame);
void smm_lru_move_isolated(struct smm_mm *mm, u64 from, u64 to);
void smm_lru_putback_page(struct smm_mm *mm, u64 frame);

/* Aging and scanning, zone by zone */
bool smm_inactive_is_low(struct smm_mm *mm, unsigned int zone);
u64 smm_shrink_active_list(struct smm_mm *mm, unsigned int zone, u64 nr_to_scan);
void smm_shrink_inactive_list(struct smm_mm *mm, unsigned int zone, u64 nr_to_scan,
			      smm_pageout_t pageout, void *priv, struct smm_lru_scan *res);
int smm_folio_referenced(struct smm_mm *mm, const struct smm_lru_rec *r);
u64 smm_pte_young_bit(const struct smm_pt_fmt *f);

/* The same for the file lists (the pageout gets a NULL space for a file page) */
bool smm_inactive_file_is_low(struct smm_mm *mm, unsigned int zone);
u64 smm_shrink_active_file(struct smm_mm *mm, unsigned int zone, u64 nr_to_scan);
void smm_shrink_inactive_file(struct smm_mm *mm, unsigned int zone, u64 nr_to_scan,
			      smm_pageout_t pageout, void *priv, struct smm_lru_scan *res);

/* zoneinfo's names of the counts, by list */
extern const char *const smm_lru_zone_names[SMM_NR_LRU_LISTS];

/* Reading: a record by number or by frame, a list's counts */
struct smm_lru_rec *smm_lru_rec_at(const struct smm_mm *mm, u32 r);
const struct smm_lru_rec *smm_lru_rec_of(const struct smm_mm *mm, u64 frame);
struct smm_lru_rec *smm_lru_rec_of_mut(struct smm_mm *mm, u64 frame);
u64 smm_lru_count(struct smm_mm *mm, unsigned int zone, enum smm_lru_list lru);

/* CHECK of the lists and the rmap; the spaces' lock held */
int smm_lru_check(struct smm_mm *mm, char *why, size_t len);

#endif /* _SMM_CORE_LRU_H */
