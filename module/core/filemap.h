/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The shadow page cache over real files (filemap.c), after Linux 6.1's
 * mm/filemap.c: shadow inodes whose pages are shadow frames, looked up by
 * page index (filemap_get_folio()), added on a miss (filemap_add_folio()
 * and folio_add_lru()), dropped by reclaim or by closing the file
 * (__filemap_remove_folio()).
 *
 * The core never sees a struct file: the file's bytes come through the
 * glue's read callback (kernel_read() in the module, a byte pattern in
 * the tests); the bytes read go out through the caller's copy callback
 * (the netlink reply's buffer, a test's array).
 *
 * The index (struct address_space's i_pages xarray here) is a two-level
 * paged array: chunk n holds the frames of page indices n * 512 to
 * n * 512 + 511 (frame + 1, 0 empty, or a shadow entry left by an
 * evicted page, workingset.h: 4 bytes an entry, 2 KiB a chunk,
 * allocated with the chunk's first page and freed with its last entry), the
 * top level one pointer and one count per chunk, sized at create from
 * the file's size. A file may be at most SMM_FILE_MAX_BYTES (4 GiB,
 * 2^20 pages): a top level of 2048 pointers at most, 16 KiB.
 *
 * A page-cache page is a block of order 0 from the buddy (movable, as
 * GFP_HIGHUSER_MOVABLE file pages are), its head SMM_FRAME_PAGE with
 * owner SMM_OWNER_FILE and its LRU record's number as tag
 * (smm_file_data()). Its LRU record is on a file list, with the inode in
 * place of the space and the page index in place of the va (lru.h).
 *
 * Readahead after mm/readahead.c's on-demand algorithm (filemap.c,
 * smm_ondemand_readahead()): a window per inode, sized at a sequential
 * miss, moved and grown at the PG_readahead page, up to ra_pages.
 *
 * Shared writable mappings dirty pages (PG_dirty: SMM_LRU_F_DIRTY in
 * the LRU record). Writeback (reclaim's pageout, smm_file_sync()) never
 * writes the real file: a written page goes to the inode's shadow
 * store, a swap slot per page index (swap.h's SMM_SWAP_OWNER_FILE),
 * held until close; a later miss at that index reads the slot.
 *
 * Locking: the glue calls everything here with the spaces' lock held
 * (smm_space_lock_all()), the lock reclaim runs under, which is what
 * keeps an inode, its index and its pages still while reclaim looks at
 * them. The read callback is called with that lock held, so it may
 * sleep (kernel_read()) but must not take it.
 */
#ifndef _SMM_CORE_FILEMAP_H
#define _SMM_CORE_FILEMAP_H

#include "env.h"
#include "workingset.h"

struct smm_mm;
struct smm_space;
struct smm_lru_rec;

#define SMM_FILE_MAX_BYTES	(4ULL << 30)	/* the largest file a shadow inode takes */
#define SMM_FILEMAP_CHUNK	512U		/* index entries per chunk: 2 MiB of file */
#define SMM_FILEMAP_NONE	(~0ULL)		/* no page at this index */
#define SMM_RA_PAGES_DEFAULT	32U		/* VM_READAHEAD_PAGES: 128 KiB, bdi->ra_pages */
#define SMM_RA_PAGES_MAX	1024U		/* 4 MiB: the largest window a file may have */

/*
 * struct file_ra_state: the on-demand readahead window, pages
 * [start, start + size), of which the last async_size are read ahead of
 * need; the page at start + size - async_size carries PG_readahead.
 * ra_pages is the largest window (0: no readahead).
 */
struct smm_file_ra {
	u64 start, size, async_size;
	u32 ra_pages;
};

/*
 * i_mmap: the file VMAs mapping an inode, as struct address_space's
 * i_mmap interval tree, here an array of (space, VMA start) (a VMA is
 * found again by smm_vma_find(); the entry follows its start when
 * munmap trims the front, a split adds one). At most SMM_IMMAP_MAX
 * entries per inode: a mmap or split beyond is refused (-ENOMEM).
 */
#define SMM_IMMAP_MAX		256U

struct smm_immap {
	struct smm_space *space;
	u64 start;
};

/* The glue's file: @len bytes at @off into @buf; 0 or -errno (a short read is -EIO). */
typedef int (*smm_file_read_t)(void *ctx, u64 off, void *buf, size_t len);

/* The caller's sink: @len bytes of the file at @off, from @src; 0 or -errno. */
typedef int (*smm_file_copy_t)(void *priv, u64 off, const void *src, size_t len);

/* A shadow inode: struct inode and its struct address_space, what the shadow uses. */
struct smm_inode {
	struct smm_mm *mm;
	struct smm_inode *next;		/* the mm's list of inodes */
	u32 id;				/* the glue's id, from 1 */
	u64 size;			/* i_size, as seen at open */
	u64 nr_index;			/* pages the size spans */
	u32 **chunk;			/* the index: chunk n -> 512 entries of frame + 1 */
	u16 *chunk_used;		/* entries in use per chunk: pages and shadows */
	u16 *chunk_shadows;		/* of which shadow entries (workingset.h) */
	struct smm_wnode *wnode;	/* per chunk: its place on the shadow-node list */
	u64 nr_shadows;			/* shadow entries in the index (mapping->nrexceptional) */
	u32 nr_chunks;
	u64 nrpages;			/* mapping->nrpages */
	u64 hits, misses;		/* pages found in the cache by reads, and read in */
	s64 prev_pos;			/* file_ra_state.prev_pos: the byte after the last read, -1 */
	struct smm_file_ra ra;		/* file_ra_state */
	u64 ra_read;			/* pages read ahead of any read */
	u64 ra_hits;			/* of which a read found (each once) */
	u64 ra_wasted;			/* of which reclaim dropped before any read */
	smm_file_read_t read;
	void *ctx;			/* the glue's struct file */
	struct smm_immap *i_mmap;	/* the file VMAs mapping it, unordered */
	u32 nr_immap, cap_immap;
	u64 maj_faults;			/* faults that read the page (misses, counted there too) */
	u64 nr_dirty;			/* its pages with PG_dirty */
	u64 written;			/* pages written back to its store */
	u32 **store;			/* the shadow store: chunk n -> 512 slots, 0 none */
	u16 *store_used;		/* slots held per store chunk */
	u64 nr_stored;			/* slots held in all */
};

/* What one smm_file_read() did, in pages of the range read. */
struct smm_file_read_res {
	u64 hits, misses;		/* cached when the read began, or not */
	u64 ra_hits;			/* of the hits: read ahead, not read before */
};

/* Life of an inode; the spaces' lock held. */
int smm_inode_create(struct smm_mm *mm, u32 id, u64 size, smm_file_read_t read, void *ctx,
		     struct smm_inode **out, const char **why);
void smm_inode_destroy(struct smm_inode *ino);
struct smm_inode *smm_inode_find(struct smm_mm *mm, u32 id);
int smm_inode_set_ra_pages(struct smm_inode *ino, u32 pages);

/* filemap_read(): @len bytes at @off through the cache into @copy. */
int smm_file_read(struct smm_inode *ino, u64 off, u64 len, smm_file_copy_t copy, void *priv,
		  struct smm_file_read_res *res, const char **why);

/* The index: filemap_get_folio() (the frame or SMM_FILEMAP_NONE). */
u64 smm_filemap_get_folio(const struct smm_inode *ino, u64 index);
/* The shadow entry at @index (workingset.h), 0 when there is none. */
u32 smm_filemap_shadow(const struct smm_inode *ino, u64 index);
/* NR_FILE_MAPPED: page-cache pages some PTE maps (an i_mmap walk per page). */
u64 smm_filemap_nr_mapped(struct smm_mm *mm);

/* Reclaim's pageout of a clean page-cache page: out of the cache, freed. */
int smm_filemap_reclaim(struct smm_mm *mm, u64 frame);

/* i_mmap (vma.c): a file VMA's entry added, removed, moved with its start */
int smm_immap_add(struct smm_inode *ino, struct smm_space *s, u64 start, const char **why);
void smm_immap_del(struct smm_inode *ino, const struct smm_space *s, u64 start);
void smm_immap_move(struct smm_inode *ino, const struct smm_space *s, u64 from, u64 to);
bool smm_immap_has(const struct smm_inode *ino, const struct smm_space *s, u64 start);

/* filemap_fault() (fault.c): the page at @index, read (with read-around) on a miss */
int smm_filemap_fault(struct smm_inode *ino, u64 index, u64 *frame, bool *major,
		      const char **why);

int smm_filemap_copy_page(struct smm_mm *mm, u64 frame, void *buf);

/* The rmap of a page-cache page through i_mmap (rmap_walk_file()) */
u32 smm_filemap_mapcount(struct smm_inode *ino, u64 index, u64 frame);
int smm_filemap_referenced(struct smm_mm *mm, const struct smm_lru_rec *x);
void smm_filemap_unmap(struct smm_inode *ino, u64 index, u64 frame);

/*
 * CHECK of the rmap against the spaces (the glue sums them): i_mmap
 * entries as many as file VMAs (each VMA found on its inode's by
 * smm_vma_check()), every entry a file VMA of its inode, and the PTEs
 * the i_mmap walk finds as many as the spaces' RssFile.
 */
int smm_filemap_check_rmap(struct smm_mm *mm, u64 file_vmas, u64 rss_file, char *why,
			   size_t len);

/*
 * Dirty pages and writeback (shared writable mappings): folio_mark_dirty()
 * of a page-cache page; writeback of its dirty pages into the inode's
 * shadow store (swap slots, never the real file), as fsync() would.
 */
void smm_filemap_mark_dirty(struct smm_mm *mm, u64 frame);
bool smm_filemap_page_dirty(const struct smm_mm *mm, u64 frame);
int smm_file_sync(struct smm_inode *ino, u64 *written, const char **why);

/* The data of a page-cache page whose LRU record is @rec (owner.h's layout). */
u64 smm_file_data(u32 rec);

/*
 * CHECK of every inode's index against the frames and their records;
 * the file pages in the range counted into *@pages. The spaces' lock held.
 */
int smm_filemap_check(struct smm_mm *mm, u64 *pages, char *why, size_t len);

#endif /* _SMM_CORE_FILEMAP_H */
