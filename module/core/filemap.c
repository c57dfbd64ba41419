// SPDX-License-Identifier: GPL-2.0
/*
 * The shadow page cache (filemap.h), after Linux 6.1's mm/filemap.c:
 * filemap_get_folio() (a lookup in the index), filemap_add_folio() and
 * folio_add_lru() (a page read in on a miss), __filemap_remove_folio()
 * (reclaim, close), filemap_read() (the read path: a hit or a miss per
 * page, folio_mark_accessed() once per read).
 *
 * Readahead: mm/readahead.c's page_cache_sync_ra(), page_cache_async_ra()
 * and ondemand_readahead() with get_init_ra_size() and get_next_ra_size()
 * (smm_ondemand_readahead() below).
 *
 * Lock: the spaces' lock (smm_space_lock_all() in the glue) around every
 * call, held by reclaim too; the LRU's own locks are lru.c's.
 */
#include "filemap.h"
#include "lru.h"
#include "owner.h"
#include "mm_internal.h"
#include "space.h"
#include "swap.h"

static int smm_filemap_writepage(struct smm_inode *ino, u64 index, u64 frame);

/* The data of a page-cache page whose LRU record is @rec (owner.h, lru.h). */
u64 smm_file_data(u32 rec)
{
	return smm_owner_data(SMM_OWNER_FILE, rec);
}

/*
 * A page-cache page's bytes: mapped (kmap_local_page(), highmem.c) until
 * smm_filemap_kunmap(); NULL when the frame has no memory.
 */
static void *smm_filemap_kmap(struct smm_mm *mm, u64 idx)
{
	return smm_kmap_local_frame(mm, idx);
}

static void smm_filemap_kunmap(struct smm_mm *mm, u64 idx, const void *mem)
{
	smm_kunmap_local_frame(mm, idx, mem);
}

/* The index entry of page @index (frame + 1, 0 empty), or NULL if its chunk is not there. */
static u32 *smm_filemap_slot(const struct smm_inode *ino, u64 index)
{
	u32 *chunk;

	if (index >= ino->nr_index)
		return NULL;
	chunk = ino->chunk[index / SMM_FILEMAP_CHUNK];
	return chunk ? &chunk[index % SMM_FILEMAP_CHUNK] : NULL;
}

/* filemap_get_folio(): the frame cached at @index, or SMM_FILEMAP_NONE. */
u64 smm_filemap_get_folio(const struct smm_inode *ino, u64 index)
{
	const u32 *slot = smm_filemap_slot(ino, index);

	return slot && *slot && !smm_ws_is_shadow(*slot) ? *slot - 1 : SMM_FILEMAP_NONE;
}

/* The shadow entry at @index, 0 when the slot is empty or holds a page. */
u32 smm_filemap_shadow(const struct smm_inode *ino, u64 index)
{
	const u32 *slot = smm_filemap_slot(ino, index);

	return slot && smm_ws_is_shadow(*slot) ? *slot : 0;
}

/*
 * The chunk of @index, made if missing (an env allocation, never the
 * shadow buddy: so no reclaim runs here and the index does not change
 * under the caller). -ENOMEM with nothing changed.
 */
static int smm_filemap_chunk_get(struct smm_inode *ino, u64 index)
{
	u32 n = index / SMM_FILEMAP_CHUNK;

	if (ino->chunk[n])
		return 0;
	ino->chunk[n] = smm_zalloc_array(SMM_FILEMAP_CHUNK, sizeof(u32));
	return ino->chunk[n] ? 0 : -ENOMEM;
}

/*
 * The shadow store's entry of page @index (a swap slot, 0 none), or
 * NULL when its chunk is not there; with @make the chunk is made (an
 * env allocation, as the index's; NULL without memory).
 */
static u32 *smm_store_slot(struct smm_inode *ino, u64 index, bool make)
{
	u32 n = index / SMM_FILEMAP_CHUNK;

	if (index >= ino->nr_index)
		return NULL;
	if (!ino->store && make) {
		ino->store = smm_zalloc_array(ino->nr_chunks, sizeof(*ino->store));
		ino->store_used = smm_zalloc_array(ino->nr_chunks, sizeof(*ino->store_used));
		if (!ino->store || !ino->store_used) {
			smm_free_array(ino->store);
			smm_free_array(ino->store_used);
			ino->store = NULL;
			ino->store_used = NULL;
			return NULL;
		}
	}
	if (!ino->store)
		return NULL;
	if (!ino->store[n] && make)
		ino->store[n] = smm_zalloc_array(SMM_FILEMAP_CHUNK, sizeof(u32));
	return ino->store[n] ? &ino->store[n][index % SMM_FILEMAP_CHUNK] : NULL;
}

/* The store's slot of page @index, 0 when the page was never written back. */
static u32 smm_store_get(struct smm_inode *ino, u64 index)
{
	const u32 *slot = smm_store_slot(ino, index, false);

	return slot ? *slot : 0;
}

/* The last close: every slot of the store back to the swap area, the store freed. */
static void smm_store_destroy(struct smm_inode *ino)
{
	u32 n, i;

	for (n = 0; ino->store && n < ino->nr_chunks; n++) {
		for (i = 0; ino->store[n] && i < SMM_FILEMAP_CHUNK; i++)
			if (ino->store[n][i])
				smm_swap_file_free(ino->mm, ino->store[n][i]);
		smm_free_array(ino->store[n]);
	}
	smm_free_array(ino->store);
	smm_free_array(ino->store_used);
	ino->store = NULL;
	ino->store_used = NULL;
	ino->nr_stored = 0;
}

/*
 * The index's part of filemap_add_folio(): @frame at @index, the chunk
 * there. A shadow entry in the slot is replaced and returned (the
 * caller's workingset_refault()), 0 otherwise; the chunk leaves the
 * shadow-node list if it was on it.
 */
static u32 smm_filemap_insert(struct smm_inode *ino, u64 index, u64 frame)
{
	u32 n = index / SMM_FILEMAP_CHUNK, *slot = smm_filemap_slot(ino, index), shadow = 0;

	if (WARN_ON_ONCE(!slot || (*slot && !smm_ws_is_shadow(*slot))))
		return 0;
	if (*slot) {
		shadow = *slot;
		ino->chunk_shadows[n]--;
		ino->nr_shadows--;
	} else {
		ino->chunk_used[n]++;
	}
	*slot = frame + 1;
	ino->nrpages++;
	WRITE_ONCE(ino->mm->nr_file_pages, ino->mm->nr_file_pages + 1);
	if (shadow)
		smm_workingset_update_node(ino, n);
	return shadow;
}

/*
 * The index's part of __filemap_remove_folio(): the entry cleared, or
 * left as @shadow (page_cache_delete() with a shadow: reclaim's
 * eviction), an empty chunk freed; a chunk left with shadows only joins
 * the shadow-node list (which may free it: the caller looks no more).
 */
static void smm_filemap_erase(struct smm_inode *ino, u64 index, u32 shadow)
{
	u32 n = index / SMM_FILEMAP_CHUNK, *slot = smm_filemap_slot(ino, index);

	if (WARN_ON_ONCE(!slot || !*slot || smm_ws_is_shadow(*slot)))
		return;
	*slot = shadow;
	ino->nrpages--;
	WRITE_ONCE(ino->mm->nr_file_pages, ino->mm->nr_file_pages - 1);
	if (shadow) {
		ino->chunk_shadows[n]++;
		ino->nr_shadows++;
		smm_workingset_update_node(ino, n);
	} else if (!--ino->chunk_used[n]) {
		smm_free_array(ino->chunk[n]);
		ino->chunk[n] = NULL;
	}
}

/* A page-cache page (or one being made) back to the buddy, its record freed before. */
static void smm_filemap_free_frame(struct smm_mm *mm, u64 frame)
{
	unsigned int cpu = smm_cpu_get();

	smm_frame_own(mm, frame, SMM_FRAME_PAGE, smm_owner_data(SMM_OWNER_NONE, 0), cpu);
	smm_free_pages(mm, frame, cpu);
	smm_cpu_put();
}

/*
 * __filemap_remove_folio() and the free that follows: page @index of
 * @ino, at @frame, out of the index (its slot left to @shadow, 0 for
 * none), off its LRU list (or out of the isolated count if a scan holds
 * it), its record and frame freed.
 */
static void smm_filemap_remove(struct smm_inode *ino, u64 index, u64 frame, u32 shadow)
{
	if (smm_lru_file_flags(ino->mm, frame, 0, SMM_LRU_F_DIRTY) & SMM_LRU_F_DIRTY) {
		/* close: what was not written back goes with the store */
		ino->nr_dirty--;
		WRITE_ONCE(ino->mm->nr_dirty, ino->mm->nr_dirty - 1);
	}
	smm_filemap_erase(ino, index, shadow);
	if (smm_lru_file_flags(ino->mm, frame, 0, 0) & SMM_LRU_F_FILE_RA)
		ino->ra_wasted++;
	smm_lru_del(ino->mm, frame);
	smm_filemap_free_frame(ino->mm, frame);
}

/*
 * Reclaim's pageout of a page-cache page (vmscan.c), shrink_folio_list()
 * for a file folio: every PTE mapping it is cleared through i_mmap
 * (try_to_unmap(), which moves dirty PTEs' state to the page); a dirty
 * page is then written back to the inode's store (pageout(), written
 * synchronously: clean at once) or kept when that cannot be done (no
 * swap area, or no free slot: -ENOSPC, activated by the scan, as the
 * kernel keeps a page it cannot write); the clean page is dropped from
 * the cache and freed, as __remove_mapping() drops it, leaving a shadow
 * entry in its slot (workingset_eviction(): the age and PG_workingset);
 * a later read or fault reads it again, from the store if it was
 * written back, and workingset_refault() judges it. -EBUSY
 * (kept) if a PTE still maps it. -EINVAL when @frame is not a
 * page-cache page its inode's index holds (a broken cache: the page is
 * kept). The spaces' lock held.
 */
int smm_filemap_reclaim(struct smm_mm *mm, u64 frame)
{
	const struct smm_lru_rec *x = smm_lru_rec_of(mm, frame);
	struct smm_frame f = smm_frame_load(&mm->frames[frame]);
	u32 shadow;

	if (WARN_ON_ONCE(!x || !smm_frame_is_file(&f) || !smm_lru_is_file(x->flags) ||
			 !x->inode || smm_filemap_get_folio(x->inode, x->va) != frame))
		return -EINVAL;
	/* shrink_folio_list(): try_to_unmap() first; a page still mapped is kept */
	smm_filemap_unmap(x->inode, x->va, frame);
	if (smm_filemap_mapcount(x->inode, x->va, frame))
		return -EBUSY;
	if ((x->flags & SMM_LRU_F_DIRTY) && smm_filemap_writepage(x->inode, x->va, frame))
		return -ENOSPC;
	shadow = smm_workingset_eviction(mm, x->flags & SMM_LRU_F_WORKINGSET);
	smm_filemap_remove(x->inode, x->va, frame, shadow);
	return 0;
}

/*
 * A shadow inode of @size bytes for the glue's file @ctx (read through
 * @read), id @id, on the mm's list. Its index is sized now: the top
 * level for the pages @size spans, no chunk yet. -EFBIG beyond
 * SMM_FILE_MAX_BYTES, -EEXIST for an id in use, -ENOMEM; the reason in
 * @why. The spaces' lock held.
 */
int smm_inode_create(struct smm_mm *mm, u32 id, u64 size, smm_file_read_t read, void *ctx,
		     struct smm_inode **out, const char **why)
{
	struct smm_inode *ino;

	if (size > SMM_FILE_MAX_BYTES) {
		*why = "the file is larger than the shadow page cache takes (4 GiB)";
		return -EFBIG;
	}
	if (!id || smm_inode_find(mm, id)) {
		*why = "the inode id is in use";
		return -EEXIST;
	}
	ino = smm_zalloc_array(1, sizeof(*ino));
	if (!ino)
		goto err_nomem;
	ino->mm = mm;
	ino->id = id;
	ino->size = size;
	ino->nr_index = (size + SMM_PAGE_SIZE - 1) >> SMM_PAGE_SHIFT;
	ino->nr_chunks = (ino->nr_index + SMM_FILEMAP_CHUNK - 1) / SMM_FILEMAP_CHUNK;
	ino->read = read;
	ino->ctx = ctx;
	ino->prev_pos = -1;
	ino->ra.ra_pages = SMM_RA_PAGES_DEFAULT;
	if (ino->nr_chunks) {
		ino->chunk = smm_zalloc_array(ino->nr_chunks, sizeof(*ino->chunk));
		ino->chunk_used = smm_zalloc_array(ino->nr_chunks, sizeof(*ino->chunk_used));
		ino->chunk_shadows = smm_zalloc_array(ino->nr_chunks, sizeof(*ino->chunk_shadows));
		ino->wnode = smm_zalloc_array(ino->nr_chunks, sizeof(*ino->wnode));
		if (!ino->chunk || !ino->chunk_used || !ino->chunk_shadows || !ino->wnode)
			goto err_free_index;
	}
	ino->next = mm->inodes;
	mm->inodes = ino;
	*out = ino;
	return 0;

err_free_index:
	smm_free_array(ino->chunk);
	smm_free_array(ino->chunk_used);
	smm_free_array(ino->chunk_shadows);
	smm_free_array(ino->wnode);
	smm_free_array(ino);
err_nomem:
	*why = "out of memory for the inode's index";
	return -ENOMEM;
}

/* The largest readahead window of @ino, 0 (none) to SMM_RA_PAGES_MAX pages. */
int smm_inode_set_ra_pages(struct smm_inode *ino, u32 pages)
{
	if (pages > SMM_RA_PAGES_MAX)
		return -EINVAL;
	ino->ra.ra_pages = pages;
	return 0;
}

/* The inode of id @id, or NULL. The spaces' lock held. */
struct smm_inode *smm_inode_find(struct smm_mm *mm, u32 id)
{
	struct smm_inode *ino;

	for (ino = mm->inodes; ino; ino = ino->next)
		if (ino->id == id)
			return ino;
	return NULL;
}

/*
 * The last close (iput() with truncate_inode_pages_final()), of an
 * inode no VMA maps (the glue refuses to close a mapped file): every
 * shadow entry dropped (its nodes off the shadow-node list), every
 * cached page removed and freed, the index and the inode freed, the
 * inode off the mm's list. The glue closes its file after. The spaces'
 * lock held, so no scan holds one of its pages.
 */
void smm_inode_destroy(struct smm_inode *ino)
{
	struct smm_inode **pp;
	u64 index, frame;
	u32 n;

	smm_workingset_drop_inode(ino);
	for (n = 0; n < ino->nr_chunks; n++) {
		for (index = (u64)n * SMM_FILEMAP_CHUNK; ino->chunk[n] && index < ino->nr_index;
		     index++) {
			frame = smm_filemap_get_folio(ino, index);
			if (frame != SMM_FILEMAP_NONE)
				smm_filemap_remove(ino, index, frame, 0);
		}
		smm_cond_resched();
	}
	WARN_ON_ONCE(ino->nrpages || ino->nr_immap || ino->nr_dirty || ino->nr_shadows);
	smm_store_destroy(ino);
	smm_free_array(ino->i_mmap);
	for (pp = &ino->mm->inodes; *pp; pp = &(*pp)->next)
		if (*pp == ino) {
			*pp = ino->next;
			break;
		}
	smm_free_array(ino->chunk);
	smm_free_array(ino->chunk_used);
	smm_free_array(ino->chunk_shadows);
	smm_free_array(ino->wnode);
	smm_free_array(ino);
}

/*
 * A miss (filemap_create_folio() of 6.1): a record and a movable page
 * taken as a fault takes them (@gfp SMM_GFP_DIRECT_RECLAIM: direct
 * reclaim allowed, the spaces' lock is held; 0 for readahead, which
 * gives up rather than reclaim, as readahead_gfp_mask()'s NORETRY), the file's bytes of page @index read into it (the tail past
 * i_size zeroed; a page written back reads its store's slot instead,
 * never the file), then the page enters the index and the inactive file
 * list (filemap_add_folio()), or the active one when a shadow entry was
 * in its slot and workingset_refault() activates it (the shadow is read
 * as the page goes in, after the allocation, as __filemap_add_folio()
 * reads it under the xarray's lock). Reclaim during the allocation may drop
 * other pages of this inode, so the index is touched only after it. On
 * any error (the callback's -EIO, -ENOMEM) everything taken is given
 * back: nothing is left half-inserted. pgpgin +4 (KiB) per page read.
 */
static int smm_filemap_read_page(struct smm_inode *ino, u64 index, unsigned int gfp, u64 *frame)
{
	struct smm_mm *mm = ino->mm;
	u64 off = index << SMM_PAGE_SHIFT;
	size_t n = min((u64)SMM_PAGE_SIZE, ino->size - off);
	bool active = false, workingset = false;
	unsigned int cpu;
	void *mem;
	u32 rec, shadow;
	int ret;

	ret = smm_lru_rec_alloc(mm, gfp, &rec);
	if (ret)
		return ret;
	ret = smm_alloc_pages_reclaim(mm, 0, SMM_GFP_HIGHUSER_MOVABLE | gfp, &cpu, frame);
	if (ret)
		goto err_free_rec;
	smm_frame_own(mm, *frame, SMM_FRAME_PAGE, smm_file_data(rec), cpu);
	smm_cpu_put();
	mem = smm_filemap_kmap(mm, *frame);
	if (!mem)
		ret = -EFAULT;
	else if (smm_store_get(ino, index))	/* written back: the store, not the file */
		ret = smm_swap_file_read(mm, smm_store_get(ino, index), mem);
	else
		ret = ino->read(ino->ctx, off, mem, n);
	if (!ret && n < SMM_PAGE_SIZE)
		memset((char *)mem + n, 0, SMM_PAGE_SIZE - n);
	smm_filemap_kunmap(mm, *frame, mem);
	if (!ret)
		ret = smm_filemap_chunk_get(ino, index);
	if (ret)
		goto err_free_page;
	shadow = smm_filemap_insert(ino, index, *frame);
	if (shadow)
		smm_workingset_refault(mm, shadow, true, &active, &workingset);
	smm_lru_add_file(mm, rec, ino, index, *frame, active, workingset);
	WRITE_ONCE(mm->pgpgin, mm->pgpgin + SMM_PAGE_SIZE / 1024);
	return 0;

err_free_page:
	smm_filemap_free_frame(mm, *frame);
err_free_rec:
	smm_lru_rec_free(mm, rec);
	return ret;
}

/* get_init_ra_size(): the first window for a read of @size pages. */
static u64 smm_ra_init_size(u64 size, u64 max)
{
	u64 n = 1;

	while (n < size)
		n <<= 1;
	if (n <= max / 32)
		return n * 4;
	if (n <= max / 4)
		return n * 2;
	return max;
}

/* get_next_ra_size(): the window after @ra's: x4 while small, x2, then max. */
static u64 smm_ra_next_size(const struct smm_file_ra *ra, u64 max)
{
	if (ra->size < max / 16)
		return 4 * ra->size;
	if (ra->size <= max / 2)
		return 2 * ra->size;
	return max;
}

/*
 * page_cache_ra_unbounded() through do_page_cache_ra(): pages [start,
 * start + nr), cut at i_size, read in unless cached, the one @lookahead
 * from the end marked PG_readahead; those at or past @req_end (beyond
 * the read that asked) flagged SMM_LRU_F_FILE_RA and counted in
 * ra_read. Stops quietly at the first page that cannot be had without
 * reclaim or read: readahead is a guess, the read itself retries.
 */
static void smm_ra_read(struct smm_inode *ino, u64 start, u64 nr, u64 lookahead, u64 req_end)
{
	u64 i, frame;

	if (start >= ino->nr_index)
		return;
	nr = min(nr, ino->nr_index - start);
	for (i = 0; i < nr; i++) {
		u32 set = 0;

		if (smm_filemap_get_folio(ino, start + i) != SMM_FILEMAP_NONE)
			continue;
		if (smm_filemap_read_page(ino, start + i, 0, &frame))
			break;
		if (i + lookahead == nr)
			set |= SMM_LRU_F_READAHEAD;
		if (start + i >= req_end) {
			set |= SMM_LRU_F_FILE_RA;
			ino->ra_read++;
		}
		if (set)
			smm_lru_file_flags(ino->mm, frame, set, 0);
	}
}

/*
 * ondemand_readahead() of 6.1 for a read of @req pages at @index, found
 * missing (@marker false: page_cache_sync_ra()) or at a PG_readahead
 * page (@marker true: page_cache_async_ra()). The window moves on and
 * grows when the read is where it expected (the marker, or the
 * window's end); a marker without that state restarts from the next
 * missing page; a read at 0, larger than ra_pages, or right after the
 * previous one (prev_pos) starts a window of get_init_ra_size(); any
 * other miss is a random read and reads only its own pages. The
 * kernel's context readahead (page_cache_prev_miss() history) is not
 * copied: a read not sequential to the last one is random here.
 */
static void smm_ondemand_readahead(struct smm_inode *ino, bool marker, u64 index, u64 req)
{
	struct smm_file_ra *ra = &ino->ra;
	u64 max = ra->ra_pages, prev, next;

	if (!index)
		goto initial;
	if (index == ra->start + ra->size - ra->async_size || index == ra->start + ra->size) {
		ra->start += ra->size;
		ra->size = smm_ra_next_size(ra, max);
		ra->async_size = ra->size;
		goto readit;
	}
	if (marker) {
		for (next = index + 1; next < index + 1 + max &&
		     smm_filemap_get_folio(ino, next) != SMM_FILEMAP_NONE; next++)
			;
		if (next - index > max)
			return;
		ra->start = next;
		ra->size = next - index + req;
		ra->size = smm_ra_next_size(ra, max);
		ra->async_size = ra->size;
		goto readit;
	}
	prev = (u64)ino->prev_pos >> SMM_PAGE_SHIFT;
	if (req > max || index - prev <= 1)
		goto initial;
	smm_ra_read(ino, index, req, 0, index + req);
	return;
initial:
	ra->start = index;
	ra->size = smm_ra_init_size(req, max);
	ra->async_size = ra->size > req ? ra->size - req : ra->size;
readit:
	if (!marker && index == ra->start && ra->size == ra->async_size) {
		next = smm_ra_next_size(ra, max);
		if (ra->size + next <= max) {
			ra->async_size = next;
			ra->size += next;
		} else {
			ra->size = max;
			ra->async_size = max >> 1;
		}
	}
	smm_ra_read(ino, ra->start, ra->size, ra->async_size, index + req);
}

/*
 * What a read of pages [first, last] finds before it reads anything:
 * the pages cached (hits; a hit on a page read ahead and never read is
 * a readahead hit, counted once) and not (misses), as fincore would
 * have counted them then. A page reclaim drops during the read is read
 * again but stays counted as found.
 */
static void smm_filemap_count(struct smm_inode *ino, u64 first, u64 last,
			      struct smm_file_read_res *res)
{
	u64 index, frame;

	for (index = first; index <= last; index++) {
		frame = smm_filemap_get_folio(ino, index);
		if (frame == SMM_FILEMAP_NONE) {
			res->misses++;
			continue;
		}
		res->hits++;
		if (smm_lru_file_flags(ino->mm, frame, 0, SMM_LRU_F_FILE_RA) & SMM_LRU_F_FILE_RA)
			res->ra_hits++;
	}
	ino->hits += res->hits;
	ino->misses += res->misses;
	ino->ra_hits += res->ra_hits;
}

/*
 * filemap_read(): @len bytes of @ino at @off, page by page, counted
 * first (smm_filemap_count()); a page missing from the index starts
 * page_cache_sync_ra() (smm_ondemand_readahead()), and is read alone
 * (smm_filemap_read_page(), with direct reclaim) if readahead did not
 * bring it; a page carrying PG_readahead, the marker clears and starts
 * page_cache_async_ra(). Each page's part of the range goes to @copy, and it
 * is marked accessed (folio_mark_accessed(): PG_referenced, then the
 * active list on a second read), except the first page when it is the
 * page the previous read ended in (filemap_read()'s pos_same_folio()
 * test, so that small reads walking through one page do not activate
 * it). A read from or past i_size returns nothing; one crossing it is
 * cut there. Counts in @res and the inode. On an error the pages read so
 * far stay cached and counted, and nothing is half-inserted. The
 * spaces' lock held.
 */
int smm_file_read(struct smm_inode *ino, u64 off, u64 len, smm_file_copy_t copy, void *priv,
		  struct smm_file_read_res *res, const char **why)
{
	u64 end, index, first, last, frame;
	int ret;

	memset(res, 0, sizeof(*res));
	if (off >= ino->size || !len)
		return 0;
	end = off + min(len, ino->size - off);
	first = off >> SMM_PAGE_SHIFT;
	last = (end - 1) >> SMM_PAGE_SHIFT;
	smm_filemap_count(ino, first, last, res);
	for (index = first; index <= last; index++) {
		u64 from = max(off, index << SMM_PAGE_SHIFT);
		u64 to = min(end, (index + 1) << SMM_PAGE_SHIFT);
		const void *mem;

		frame = smm_filemap_get_folio(ino, index);
		if (frame == SMM_FILEMAP_NONE && ino->ra.ra_pages) {
			smm_ondemand_readahead(ino, false, index, last + 1 - index);
			frame = smm_filemap_get_folio(ino, index);
		} else if (frame != SMM_FILEMAP_NONE &&
			   (smm_lru_file_flags(ino->mm, frame, 0, SMM_LRU_F_READAHEAD) &
			    SMM_LRU_F_READAHEAD)) {
			smm_ondemand_readahead(ino, true, index, last + 1 - index);
		}
		if (frame == SMM_FILEMAP_NONE) {
			ret = smm_filemap_read_page(ino, index, SMM_GFP_DIRECT_RECLAIM, &frame);
			if (ret) {
				*why = ret == -ENOMEM ? "out of memory for a page-cache page" :
							"the file could not be read";
				return ret;
			}
		}
		mem = smm_filemap_kmap(ino->mm, frame);
		ret = mem ? copy(priv, from, (const char *)mem + (from & (SMM_PAGE_SIZE - 1)),
				 to - from) : -EFAULT;
		smm_filemap_kunmap(ino->mm, frame, mem);
		if (ret) {
			*why = "the bytes read could not be copied out";
			return ret;
		}
		/* a page this read's readahead brought in is read now: no longer ahead */
		smm_lru_file_flags(ino->mm, frame, 0, SMM_LRU_F_FILE_RA);
		if (index != first || ino->prev_pos <= 0 ||
		    index != (u64)(ino->prev_pos - 1) >> SMM_PAGE_SHIFT)
			smm_folio_mark_accessed(ino->mm, frame);
		ino->prev_pos = to;
		smm_cond_resched();
	}
	return 0;
}

/* The 4 KiB of the page-cache page @frame into @buf (COW's copy, fault.c). */
int smm_filemap_copy_page(struct smm_mm *mm, u64 frame, void *buf)
{
	const void *mem = smm_filemap_kmap(mm, frame);

	if (!mem)
		return -EFAULT;
	memcpy(buf, mem, SMM_PAGE_SIZE);
	smm_filemap_kunmap(mm, frame, mem);
	return 0;
}

/* The i_mmap slot of (@s, @start), or -1. */
static int smm_immap_find(const struct smm_inode *ino, const struct smm_space *s, u64 start)
{
	u32 i;

	for (i = 0; i < ino->nr_immap; i++)
		if (ino->i_mmap[i].space == s && ino->i_mmap[i].start == start)
			return i;
	return -1;
}

bool smm_immap_has(const struct smm_inode *ino, const struct smm_space *s, u64 start)
{
	return smm_immap_find(ino, s, start) >= 0;
}

/*
 * vma_interval_tree_insert(): the file VMA of @s starting at @start on
 * @ino's i_mmap. The array doubles from 4 up to SMM_IMMAP_MAX; -ENOMEM
 * with the reason beyond it or without memory, nothing changed.
 */
int smm_immap_add(struct smm_inode *ino, struct smm_space *s, u64 start, const char **why)
{
	struct smm_immap *a;
	u32 cap;

	if (ino->nr_immap >= SMM_IMMAP_MAX) {
		*why = "the file is mapped by too many VMAs (i_mmap holds 256)";
		return -ENOMEM;
	}
	if (ino->nr_immap == ino->cap_immap) {
		cap = ino->cap_immap ? min(ino->cap_immap * 2, SMM_IMMAP_MAX) : 4;
		a = smm_zalloc_array(cap, sizeof(*a));
		if (!a) {
			*why = "out of memory for the file's i_mmap";
			return -ENOMEM;
		}
		if (ino->nr_immap)
			memcpy(a, ino->i_mmap, ino->nr_immap * sizeof(*a));
		smm_free_array(ino->i_mmap);
		ino->i_mmap = a;
		ino->cap_immap = cap;
	}
	ino->i_mmap[ino->nr_immap].space = s;
	ino->i_mmap[ino->nr_immap].start = start;
	ino->nr_immap++;
	return 0;
}

/* vma_interval_tree_remove(): the last entry takes the slot; the array goes with the last. */
void smm_immap_del(struct smm_inode *ino, const struct smm_space *s, u64 start)
{
	int i = smm_immap_find(ino, s, start);

	if (WARN_ON_ONCE(i < 0))
		return;
	ino->i_mmap[i] = ino->i_mmap[--ino->nr_immap];
	if (!ino->nr_immap) {
		smm_free_array(ino->i_mmap);
		ino->i_mmap = NULL;
		ino->cap_immap = 0;
	}
}

/* The entry of a VMA whose front munmap trimmed: its new start. */
void smm_immap_move(struct smm_inode *ino, const struct smm_space *s, u64 from, u64 to)
{
	int i = smm_immap_find(ino, s, from);

	if (!WARN_ON_ONCE(i < 0))
		ino->i_mmap[i].start = to;
}

/* What one PTE of a rmap walk does: count, test-and-clear young, clear, or clean. */
enum smm_rmap_op { SMM_RMAP_COUNT, SMM_RMAP_YOUNG, SMM_RMAP_UNMAP, SMM_RMAP_MKCLEAN };

/*
 * rmap_walk_file(): for every VMA on @ino's i_mmap whose file range
 * holds @index, the PTE at vma->start + (index - pgoff) pages, if it
 * maps @frame (a COWed anon page there, a swap entry or nothing is
 * skipped); @op applied to each (SMM_RMAP_MKCLEAN: page_mkclean_one(),
 * write-protected and cleaned, a dirty PTE's state moved to the page). Returns the PTEs found (for
 * SMM_RMAP_YOUNG: of which were young). O(i_mmap entries) VMA lookups
 * and walks. The spaces' lock held.
 */
static u32 smm_rmap_walk_file(struct smm_inode *ino, u64 index, u64 frame, enum smm_rmap_op op)
{
	u32 i, n = 0;

	for (i = 0; i < ino->nr_immap; i++) {
		struct smm_space *s = ino->i_mmap[i].space;
		const struct smm_vma *v = smm_vma_find(s, ino->i_mmap[i].start);
		unsigned int level;
		u64 *pte, f, va;

		if (WARN_ON_ONCE(!v || v->inode != ino || v->start != ino->i_mmap[i].start))
			continue;
		if (index < v->pgoff || index - v->pgoff >= (v->end - v->start) >> SMM_PAGE_SHIFT)
			continue;
		va = v->start + ((index - v->pgoff) << SMM_PAGE_SHIFT);
		pte = smm_space_entry(s, va, &level);
		if (!pte || level != SHADOWMM_PT_PTE || !smm_space_pte_frame(s, *pte, &f) ||
		    f != frame)
			continue;
		if (op == SMM_RMAP_YOUNG) {
			u64 young = smm_pte_young_bit(s->fmt);

			if (!(*pte & young))
				continue;
			*pte &= ~young;
		} else if (op == SMM_RMAP_UNMAP) {
			smm_space_zap_file_pte(s, pte);
		} else if (op == SMM_RMAP_MKCLEAN) {
			if (smm_space_mkclean_file_pte(s, pte, v->prot))
				smm_filemap_mark_dirty(ino->mm, frame);
		}
		n++;
	}
	return n;
}

/* folio_mapcount() of the cached page @frame at @index: its PTEs, by the i_mmap walk. */
u32 smm_filemap_mapcount(struct smm_inode *ino, u64 index, u64 frame)
{
	return smm_rmap_walk_file(ino, index, frame, SMM_RMAP_COUNT);
}

/* folio_referenced() of a page-cache page (lru.c): its young PTEs, each cleared. */
int smm_filemap_referenced(struct smm_mm *mm, const struct smm_lru_rec *x)
{
	if (WARN_ON_ONCE(!x->inode || x->inode->mm != mm))
		return 0;
	return smm_rmap_walk_file(x->inode, x->va, x->frame, SMM_RMAP_YOUNG);
}

/* try_to_unmap() of a page-cache page: every PTE mapping it cleared, RssFile down. */
void smm_filemap_unmap(struct smm_inode *ino, u64 index, u64 frame)
{
	smm_rmap_walk_file(ino, index, frame, SMM_RMAP_UNMAP);
}

/*
 * folio_mark_dirty() of the page-cache page @frame (a shared write
 * fault, or a dirty PTE's state gathered by zap, try_to_unmap() or
 * page_mkclean()): PG_dirty set, and counted when it was clean
 * (nr_dirty, nr_dirtied: folio_account_dirtied()).
 */
void smm_filemap_mark_dirty(struct smm_mm *mm, u64 frame)
{
	const struct smm_lru_rec *x = smm_lru_rec_of(mm, frame);

	if (WARN_ON_ONCE(!x || !smm_lru_is_file(x->flags) || !x->inode))
		return;
	if (smm_lru_file_flags(mm, frame, SMM_LRU_F_DIRTY, 0) & SMM_LRU_F_DIRTY)
		return;
	x->inode->nr_dirty++;
	WRITE_ONCE(mm->nr_dirty, mm->nr_dirty + 1);
	WRITE_ONCE(mm->nr_dirtied, mm->nr_dirtied + 1);
}

/* folio_test_dirty() of the page-cache page @frame. */
bool smm_filemap_page_dirty(const struct smm_mm *mm, u64 frame)
{
	const struct smm_lru_rec *x = smm_lru_rec_of(mm, frame);

	return x && smm_lru_is_file(x->flags) && (x->flags & SMM_LRU_F_DIRTY);
}

/*
 * The writeback of one dirty page, @frame at @index of @ino, after
 * folio_clear_dirty_for_io() and the file's writepage: every PTE
 * mapping it write-protected and cleaned (page_mkclean(): the next
 * write faults and dirties it again), PG_dirty cleared (nr_dirty - 1),
 * under writeback (nr_writeback + 1) while its bytes (those before
 * i_size) go to the inode's store, a swap slot (taken at the first
 * writeback of the index, kept and rewritten after: the file's block),
 * then written (nr_writeback - 1, nr_written + 1, pgpgout + 4 KiB).
 * Synchronous: nr_writeback is back to 0 when it returns. -ENOSPC
 * without a swap area or a free slot, -ENOMEM without memory for the
 * store's chunk: the page is dirty again (folio_redirty_for_writepage()).
 */
static int smm_filemap_writepage(struct smm_inode *ino, u64 index, u64 frame)
{
	struct smm_mm *mm = ino->mm;
	u64 off = index << SMM_PAGE_SHIFT;
	const void *mem;
	u32 *slot, had;
	int ret;

	smm_rmap_walk_file(ino, index, frame, SMM_RMAP_MKCLEAN);
	if (!(smm_lru_file_flags(mm, frame, 0, SMM_LRU_F_DIRTY) & SMM_LRU_F_DIRTY))
		return 0;
	ino->nr_dirty--;
	WRITE_ONCE(mm->nr_dirty, mm->nr_dirty - 1);
	WRITE_ONCE(mm->nr_writeback, mm->nr_writeback + 1);
	mem = smm_filemap_kmap(mm, frame);
	slot = mem && mm->swap ? smm_store_slot(ino, index, true) : NULL;
	had = slot ? *slot : 0;
	ret = !mem ? -EFAULT : !mm->swap ? -ENOSPC : !slot ? -ENOMEM :
	      smm_swap_file_write(mm, slot, mem, min((u64)SMM_PAGE_SIZE, ino->size - off));
	smm_filemap_kunmap(mm, frame, mem);
	WRITE_ONCE(mm->nr_writeback, mm->nr_writeback - 1);
	if (ret) {
		smm_filemap_mark_dirty(mm, frame);
		WRITE_ONCE(mm->nr_dirtied, mm->nr_dirtied - 1);	/* redirtied, not dirtied */
		return ret;
	}
	if (!had) {
		ino->store_used[index / SMM_FILEMAP_CHUNK]++;
		ino->nr_stored++;
	}
	ino->written++;
	WRITE_ONCE(mm->nr_written, mm->nr_written + 1);
	WRITE_ONCE(mm->pgpgout, mm->pgpgout + SMM_PAGE_SIZE / 1024);
	return 0;
}

/*
 * fsync() of a shadow file (file_write_and_wait_range() over all of
 * it): every dirty page written back (smm_filemap_writepage()), in
 * index order; the pages stay cached, clean. The pages written in
 * *@written. Stops at the first that cannot be written (-ENOSPC: no
 * swap area or no free slot; -ENOMEM), with the reason; those before
 * stay written. The spaces' lock held.
 */
int smm_file_sync(struct smm_inode *ino, u64 *written, const char **why)
{
	u64 index, frame;
	int ret;

	*written = 0;
	for (index = 0; ino->nr_dirty && index < ino->nr_index; index++) {
		frame = smm_filemap_get_folio(ino, index);
		if (frame == SMM_FILEMAP_NONE || !smm_filemap_page_dirty(ino->mm, frame))
			continue;
		ret = smm_filemap_writepage(ino, index, frame);
		if (ret) {
			*why = ret == -ENOSPC ?
			       "no swap slot for the file's shadow store (swapon first)" :
			       "out of memory for the file's shadow store";
			return ret;
		}
		(*written)++;
		if (!(index % 512))
			smm_cond_resched();
	}
	return 0;
}

/*
 * do_sync_mmap_readahead() for a fault that missed at @index, without
 * VM_SEQ_READ or VM_RAND_READ: read-around, a window of ra_pages
 * centred on the fault ([index - ra_pages / 2, + ra_pages), cut at 0
 * and i_size), its last ra_pages / 4 pages marked with PG_readahead's
 * page. The kernel stops reading around after MMAP_LOTSAMISS misses
 * (ra->mmap_miss): not copied.
 */
static void smm_filemap_read_around(struct smm_inode *ino, u64 index)
{
	struct smm_file_ra *ra = &ino->ra;
	u64 half = ra->ra_pages / 2;

	ra->start = index > half ? index - half : 0;
	ra->size = ra->ra_pages;
	ra->async_size = ra->ra_pages / 4;
	smm_ra_read(ino, ra->start, ra->size, ra->async_size, index + 1);
}

/*
 * filemap_fault(): the page-cache page of @ino at @index (below
 * nr_index: the caller raised SIGBUS past it) in *@frame. Cached: a
 * hit, and a PG_readahead page there starts page_cache_async_ra()
 * (do_async_mmap_readahead()). Not cached: read-around
 * (smm_filemap_read_around()), then the page itself read with direct
 * reclaim if readahead did not bring it; *@major set (VM_FAULT_MAJOR).
 * Counted in the inode's hits or misses, as reads are. -ENOMEM or
 * -EIO with the reason; nothing half-inserted. The spaces' lock held.
 */
int smm_filemap_fault(struct smm_inode *ino, u64 index, u64 *frame, bool *major,
		      const char **why)
{
	int ret;

	*major = false;
	*frame = smm_filemap_get_folio(ino, index);
	if (*frame != SMM_FILEMAP_NONE) {
		ino->hits++;
		if (smm_lru_file_flags(ino->mm, *frame, 0, SMM_LRU_F_FILE_RA) & SMM_LRU_F_FILE_RA)
			ino->ra_hits++;
		if (ino->ra.ra_pages &&
		    (smm_lru_file_flags(ino->mm, *frame, 0, SMM_LRU_F_READAHEAD) &
		     SMM_LRU_F_READAHEAD))
			smm_ondemand_readahead(ino, true, index, 1);
		return 0;
	}
	*major = true;
	ino->misses++;
	ino->maj_faults++;
	if (ino->ra.ra_pages) {
		smm_filemap_read_around(ino, index);
		*frame = smm_filemap_get_folio(ino, index);
		if (*frame != SMM_FILEMAP_NONE) {
			/* the faulting page is wanted now: not a readahead page */
			smm_lru_file_flags(ino->mm, *frame, 0, SMM_LRU_F_FILE_RA);
			return 0;
		}
	}
	ret = smm_filemap_read_page(ino, index, SMM_GFP_DIRECT_RECLAIM, frame);
	if (ret)
		*why = ret == -ENOMEM ? "out of memory for a page-cache page (VM_FAULT_OOM)" :
					"SIGBUS (BUS_ADRERR): the file could not be read";
	return ret;
}

/*
 * The rmap against the spaces: @file_vmas file VMAs and @rss_file
 * PTEs of page-cache pages counted by the glue over every space (after
 * smm_vma_check() found each VMA on its inode's i_mmap and each PTE on
 * the cache's page for its index). Here: i_mmap entries as many, each
 * one once and a file VMA of its inode, and the i_mmap walk of every
 * cached page finds as many PTEs (so mapcounts agree).
 */
int smm_filemap_check_rmap(struct smm_mm *mm, u64 file_vmas, u64 rss_file, char *why,
			   size_t len)
{
	struct smm_inode *ino;
	u64 entries = 0, mapped = 0, index, frame;
	u32 i;

	for (ino = mm->inodes; ino; ino = ino->next)
		entries += ino->nr_immap;
	if (entries != file_vmas)
		return snprintf(why, len, "%llu i_mmap entries, %llu file VMAs in the spaces",
				(unsigned long long)entries, (unsigned long long)file_vmas), -EUCLEAN;
	for (ino = mm->inodes; ino; ino = ino->next) {
		for (i = 0; i < ino->nr_immap; i++) {
			const struct smm_vma *v = smm_vma_find(ino->i_mmap[i].space,
							       ino->i_mmap[i].start);

			if (!v || v->inode != ino || v->start != ino->i_mmap[i].start ||
			    smm_immap_find(ino, ino->i_mmap[i].space, v->start) != (int)i)
				return snprintf(why, len, "inode %u: i_mmap entry %u is not a file VMA of the inode, or twice there",
						ino->id, i), -EUCLEAN;
		}
		for (index = 0; ino->nr_immap && index < ino->nr_index; index++) {
			frame = smm_filemap_get_folio(ino, index);
			if (frame != SMM_FILEMAP_NONE)
				mapped += smm_filemap_mapcount(ino, index, frame);
			if (!(index % 4096))
				smm_cond_resched();
		}
	}
	if (mapped != rss_file)
		return snprintf(why, len, "the i_mmap walk finds %llu PTEs of page-cache pages, RssFile of the spaces says %llu",
				(unsigned long long)mapped, (unsigned long long)rss_file), -EUCLEAN;
	return 0;
}

#define smm_filemap_bad(fmt, ...)	(snprintf(why, len, fmt, ##__VA_ARGS__), -EUCLEAN)

/* One index entry: a page-cache page whose record names @ino and @index. */
static int smm_filemap_check_entry(struct smm_mm *mm, const struct smm_inode *ino, u64 index,
				   u64 frame, char *why, size_t len)
{
	const struct smm_lru_rec *x;
	struct smm_frame f;

	if (frame >= mm->range->span)
		return smm_filemap_bad("inode %u index %llu: frame %llu outside the range", ino->id,
				       (unsigned long long)index, (unsigned long long)frame);
	f = smm_frame_load(&mm->frames[frame]);
	if (!smm_frame_is_file(&f) || smm_frame_order(&f))
		return smm_filemap_bad("inode %u index %llu: frame %llu is not a page-cache page",
				       ino->id, (unsigned long long)index, (unsigned long long)frame);
	x = smm_lru_rec_of(mm, frame);
	if (!x || !(x->flags & SMM_LRU_F_USED) || !smm_lru_is_file(x->flags) ||
	    x->frame != frame || x->inode != ino || x->va != index)
		return smm_filemap_bad("inode %u index %llu: frame %llu's record does not say this file and index",
				       ino->id, (unsigned long long)index, (unsigned long long)frame);
	return 0;
}

/* One inode's index: entries, chunk counts, nrpages; its pages added to *@pages. */
static int smm_filemap_check_inode(struct smm_mm *mm, const struct smm_inode *ino, u64 *pages,
				   u64 *dirty_pages, char *why, size_t len)
{
	u64 index, nr = 0, dirty = 0, all_shadows = 0;
	u32 n, used, shadows;
	int ret;

	for (n = 0; n < ino->nr_chunks; n++) {
		if (!ino->chunk[n]) {
			if (ino->chunk_used[n] || ino->chunk_shadows[n] || ino->wnode[n].next)
				return smm_filemap_bad("inode %u chunk %u: counted %u, not there",
						       ino->id, n, ino->chunk_used[n]);
			continue;
		}
		used = shadows = 0;
		for (index = (u64)n * SMM_FILEMAP_CHUNK; index < (u64)(n + 1) * SMM_FILEMAP_CHUNK;
		     index++) {
			u32 e = ino->chunk[n][index % SMM_FILEMAP_CHUNK];

			if (!e)
				continue;
			if (index >= ino->nr_index)
				return smm_filemap_bad("inode %u: a page at index %llu past i_size",
						       ino->id, (unsigned long long)index);
			used++;
			if (smm_ws_is_shadow(e)) {
				shadows++;
				continue;
			}
			ret = smm_filemap_check_entry(mm, ino, index, e - 1, why, len);
			if (ret)
				return ret;
			dirty += smm_filemap_page_dirty(mm, e - 1);
		}
		if (!used || used != ino->chunk_used[n] || shadows != ino->chunk_shadows[n])
			return smm_filemap_bad("inode %u chunk %u: %u entries (%u shadows), counted %u (%u)",
					       ino->id, n, used, shadows, ino->chunk_used[n],
					       ino->chunk_shadows[n]);
		nr += used - shadows;
		all_shadows += shadows;
	}
	if (all_shadows != ino->nr_shadows)
		return smm_filemap_bad("inode %u: %llu shadow entries in its index, nr_shadows %llu",
				       ino->id, (unsigned long long)all_shadows,
				       (unsigned long long)ino->nr_shadows);
	if (nr != ino->nrpages)
		return smm_filemap_bad("inode %u: %llu pages in its index, nrpages %llu", ino->id,
				       (unsigned long long)nr, (unsigned long long)ino->nrpages);
	if (dirty != ino->nr_dirty)
		return smm_filemap_bad("inode %u: %llu dirty pages in its index, it counts %llu",
				       ino->id, (unsigned long long)dirty,
				       (unsigned long long)ino->nr_dirty);
	*pages += nr;
	*dirty_pages += dirty;
	return 0;
}

/*
 * One inode's shadow store: every entry a slot of the swap area held
 * for a file's store (smm_swap_file_slot_ok()), named by no other entry
 * of any inode (@seen, one byte per slot), the chunk counts and
 * nr_stored its entries; the slots added to *@slots.
 */
static int smm_filemap_check_store(struct smm_mm *mm, const struct smm_inode *ino, u8 *seen,
				   u64 *slots, char *why, size_t len)
{
	u64 nr = 0;
	u32 n, i, used, e;

	for (n = 0; ino->store && n < ino->nr_chunks; n++) {
		for (i = 0, used = 0; ino->store[n] && i < SMM_FILEMAP_CHUNK; i++) {
			e = ino->store[n][i];
			if (!e)
				continue;
			if ((u64)n * SMM_FILEMAP_CHUNK + i >= ino->nr_index ||
			    !smm_swap_file_slot_ok(mm, e) || seen[e]++)
				return smm_filemap_bad("inode %u: the store's entry of index %llu names slot %u, not a store's slot of its own",
						       ino->id, (unsigned long long)n *
						       SMM_FILEMAP_CHUNK + i, e);
			used++;
		}
		if (used != ino->store_used[n])
			return smm_filemap_bad("inode %u store chunk %u: %u slots, counted %u",
					       ino->id, n, used, ino->store_used[n]);
		nr += used;
	}
	if (nr != ino->nr_stored)
		return smm_filemap_bad("inode %u: %llu slots in its store, nr_stored %llu", ino->id,
				       (unsigned long long)nr, (unsigned long long)ino->nr_stored);
	*slots += nr;
	return 0;
}

/* The stores of every inode against the swap area's file slots. */
static int smm_filemap_check_stores(struct smm_mm *mm, char *why, size_t len)
{
	const struct smm_swap *sw = mm->swap;
	const struct smm_inode *ino;
	u64 slots = 0;
	u8 *seen;
	int ret = 0;

	if (!sw) {
		for (ino = mm->inodes; ino; ino = ino->next)
			if (ino->nr_stored)
				return smm_filemap_bad("inode %u has a store without a swap area",
						       ino->id);
		return 0;
	}
	seen = smm_zalloc_array(sw->slots, 1);
	if (!seen) {
		snprintf(why, len, "out of memory for the store check");
		return -ENOMEM;
	}
	for (ino = mm->inodes; !ret && ino; ino = ino->next)
		ret = smm_filemap_check_store(mm, ino, seen, &slots, why, len);
	smm_free_array(seen);
	if (!ret && slots != sw->file_slots)
		return smm_filemap_bad("the files' stores hold %llu slots, the swap area %llu",
				       (unsigned long long)slots,
				       (unsigned long long)sw->file_slots);
	return ret;
}

/*
 * CHECK of the page cache: every inode's index entries are page-cache
 * pages whose LRU records name that inode and index, the chunk counts
 * and nrpages match the entries, the dirty ones each inode's nr_dirty
 * and all of them nr_dirty (nr_writeback 0: writeback is synchronous);
 * every store entry is a slot of the swap area's files' slots, each
 * named once, as many as the area counts; the pages of all indices in *@pages
 * (smm_lru_check() compares them with the file lists, the file frames
 * and nr_file_pages). The spaces' lock held.
 */
int smm_filemap_check(struct smm_mm *mm, u64 *pages, char *why, size_t len)
{
	const struct smm_inode *ino;
	u64 dirty = 0;
	int ret;

	*pages = 0;
	for (ino = mm->inodes; ino; ino = ino->next) {
		if (ino->mm != mm)
			return smm_filemap_bad("inode %u belongs to another mm", ino->id);
		ret = smm_filemap_check_inode(mm, ino, pages, &dirty, why, len);
		if (ret)
			return ret;
		smm_cond_resched();
	}
	if (dirty != READ_ONCE(mm->nr_dirty) || READ_ONCE(mm->nr_writeback))
		return smm_filemap_bad("%llu dirty page-cache pages, nr_dirty %llu, nr_writeback %llu (writeback is synchronous)",
				       (unsigned long long)dirty,
				       (unsigned long long)READ_ONCE(mm->nr_dirty),
				       (unsigned long long)READ_ONCE(mm->nr_writeback));
	ret = smm_workingset_check(mm, why, len);
	return ret ? ret : smm_filemap_check_stores(mm, why, len);
}

/*
 * NR_FILE_MAPPED (meminfo's Mapped): the page-cache pages at least one
 * PTE maps, found by the i_mmap walk of every cached page of every
 * mapped inode (the kernel counts at the first and last mapping; the
 * shadow keeps no mapcount, so this walks: O(cached pages x file VMAs)
 * of mapped files). The spaces' lock held.
 */
u64 smm_filemap_nr_mapped(struct smm_mm *mm)
{
	struct smm_inode *ino;
	u64 mapped = 0, index, frame;

	for (ino = mm->inodes; ino; ino = ino->next) {
		for (index = 0; ino->nr_immap && index < ino->nr_index; index++) {
			frame = smm_filemap_get_folio(ino, index);
			if (frame != SMM_FILEMAP_NONE && smm_filemap_mapcount(ino, index, frame))
				mapped++;
			if (!(index % 4096))
				smm_cond_resched();
		}
	}
	return mapped;
}
