// SPDX-License-Identifier: GPL-2.0
/*
 * The shadow page cache (filemap.h), after Linux 6.1's mm/filemap.c:
 * filemap_get_folio() (a lookup in the index), filemap_add_folio() and
 * folio_add_lru() (a page read in on a miss), __filemap_remove_folio()
 * (reclaim, close), filemap_read() (the read path: a hit or a miss per
 * page, folio_mark_accessed() once per read).
 *
 * Lock: the spaces' lock (smm_space_lock_all() in the glue) around every
 * call, held by reclaim too; the LRU's own locks are lru.c's. No read
 * ahead yet: a read brings in exactly the pages it asks for.
 */
#include "filemap.h"
#include "lru.h"
#include "owner.h"
#include "mm_internal.h"

/* The data of a page-cache page whose LRU record is @rec (owner.h, lru.h). */
u64 smm_file_data(u32 rec)
{
	return smm_owner_data(SMM_OWNER_FILE, rec);
}

/* The memory of frame @idx, or NULL (its section unmapped). */
static void *smm_filemap_mem(struct smm_mm *mm, u64 idx)
{
	const struct smm_section *sec = smm_range_section_of(mm->range, idx);

	if (!sec || !sec->virt)
		return NULL;
	return (char *)sec->virt + ((idx - sec->start) << SMM_PAGE_SHIFT);
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

	return slot && *slot ? *slot - 1 : SMM_FILEMAP_NONE;
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

/* The index's part of filemap_add_folio(): @frame at @index, the chunk there. */
static void smm_filemap_insert(struct smm_inode *ino, u64 index, u64 frame)
{
	u32 *slot = smm_filemap_slot(ino, index);

	if (WARN_ON_ONCE(!slot || *slot))
		return;
	*slot = frame + 1;
	ino->chunk_used[index / SMM_FILEMAP_CHUNK]++;
	ino->nrpages++;
	WRITE_ONCE(ino->mm->nr_file_pages, ino->mm->nr_file_pages + 1);
}

/* The index's part of __filemap_remove_folio(): the entry cleared, an empty chunk freed. */
static void smm_filemap_erase(struct smm_inode *ino, u64 index)
{
	u32 n = index / SMM_FILEMAP_CHUNK, *slot = smm_filemap_slot(ino, index);

	if (WARN_ON_ONCE(!slot || !*slot))
		return;
	*slot = 0;
	ino->nrpages--;
	WRITE_ONCE(ino->mm->nr_file_pages, ino->mm->nr_file_pages - 1);
	if (!--ino->chunk_used[n]) {
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
 * @ino, at @frame, out of the index, off its LRU list (or out of the
 * isolated count if a scan holds it), its record and frame freed.
 */
static void smm_filemap_remove(struct smm_inode *ino, u64 index, u64 frame)
{
	smm_filemap_erase(ino, index);
	smm_lru_del(ino->mm, frame);
	smm_filemap_free_frame(ino->mm, frame);
}

/*
 * Reclaim's pageout of a page-cache page (vmscan.c): every shadow file
 * page is clean (the real file is never written, nothing writes the
 * shadow's copy), so it is dropped from the cache and freed at once, as
 * __remove_mapping() drops a clean page; a later read reads it again.
 * -EINVAL when @frame is not a page-cache page its inode's index holds
 * (a broken cache: the page is kept). The spaces' lock held.
 */
int smm_filemap_reclaim(struct smm_mm *mm, u64 frame)
{
	const struct smm_lru_rec *x = smm_lru_rec_of(mm, frame);
	struct smm_frame f = smm_frame_load(&mm->frames[frame]);

	if (WARN_ON_ONCE(!x || !smm_frame_is_file(&f) || !smm_lru_is_file(x->flags) ||
			 !x->inode || smm_filemap_get_folio(x->inode, x->va) != frame))
		return -EINVAL;
	smm_filemap_remove(x->inode, x->va, frame);
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
	if (ino->nr_chunks) {
		ino->chunk = smm_zalloc_array(ino->nr_chunks, sizeof(*ino->chunk));
		ino->chunk_used = smm_zalloc_array(ino->nr_chunks, sizeof(*ino->chunk_used));
		if (!ino->chunk || !ino->chunk_used)
			goto err_free_index;
	}
	ino->next = mm->inodes;
	mm->inodes = ino;
	*out = ino;
	return 0;

err_free_index:
	smm_free_array(ino->chunk);
	smm_free_array(ino->chunk_used);
	smm_free_array(ino);
err_nomem:
	*why = "out of memory for the inode's index";
	return -ENOMEM;
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
 * The last close (iput() with truncate_inode_pages_final()): every
 * cached page removed and freed, the index and the inode freed, the
 * inode off the mm's list. The glue closes its file after. The spaces'
 * lock held, so no scan holds one of its pages.
 */
void smm_inode_destroy(struct smm_inode *ino)
{
	struct smm_inode **pp;
	u64 index, frame;
	u32 n;

	for (n = 0; n < ino->nr_chunks; n++) {
		for (index = (u64)n * SMM_FILEMAP_CHUNK; ino->chunk[n] && index < ino->nr_index;
		     index++) {
			frame = smm_filemap_get_folio(ino, index);
			if (frame != SMM_FILEMAP_NONE)
				smm_filemap_remove(ino, index, frame);
		}
		smm_cond_resched();
	}
	WARN_ON_ONCE(ino->nrpages);
	for (pp = &ino->mm->inodes; *pp; pp = &(*pp)->next)
		if (*pp == ino) {
			*pp = ino->next;
			break;
		}
	smm_free_array(ino->chunk);
	smm_free_array(ino->chunk_used);
	smm_free_array(ino);
}

/*
 * A miss (filemap_create_folio() of 6.1): a record and a movable page
 * taken as a fault takes them (direct reclaim allowed: the spaces' lock
 * is held), the file's bytes of page @index read into it (the tail past
 * i_size zeroed), then the page enters the index and the inactive file
 * list (filemap_add_folio()). Reclaim during the allocation may drop
 * other pages of this inode, so the index is touched only after it. On
 * any error (the callback's -EIO, -ENOMEM) everything taken is given
 * back: nothing is left half-inserted. pgpgin +4 (KiB) per page read.
 */
static int smm_filemap_read_page(struct smm_inode *ino, u64 index, u64 *frame)
{
	struct smm_mm *mm = ino->mm;
	u64 off = index << SMM_PAGE_SHIFT;
	size_t n = min((u64)SMM_PAGE_SIZE, ino->size - off);
	unsigned int cpu;
	void *mem;
	u32 rec;
	int ret;

	ret = smm_lru_rec_alloc(mm, SMM_GFP_DIRECT_RECLAIM, &rec);
	if (ret)
		return ret;
	ret = smm_alloc_pages_reclaim(mm, 0, SHADOWMM_GFP_MOVABLE | SMM_GFP_DIRECT_RECLAIM,
				      &cpu, frame);
	if (ret)
		goto err_free_rec;
	smm_frame_own(mm, *frame, SMM_FRAME_PAGE, smm_file_data(rec), cpu);
	smm_cpu_put();
	mem = smm_filemap_mem(mm, *frame);
	ret = mem ? ino->read(ino->ctx, off, mem, n) : -EFAULT;
	if (!ret)
		ret = smm_filemap_chunk_get(ino, index);
	if (ret)
		goto err_free_page;
	if (n < SMM_PAGE_SIZE)
		memset((char *)mem + n, 0, SMM_PAGE_SIZE - n);
	smm_filemap_insert(ino, index, *frame);
	smm_lru_add_file(mm, rec, ino, index, *frame);
	WRITE_ONCE(mm->pgpgin, mm->pgpgin + SMM_PAGE_SIZE / 1024);
	return 0;

err_free_page:
	smm_filemap_free_frame(mm, *frame);
err_free_rec:
	smm_lru_rec_free(mm, rec);
	return ret;
}

/*
 * filemap_read(): @len bytes of @ino at @off, page by page: a page in
 * the index is a hit, one that is not is read in (a miss,
 * smm_filemap_read_page()); its part of the range goes to @copy, and it
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
	u64 end, index, first, frame;
	int ret;

	memset(res, 0, sizeof(*res));
	if (off >= ino->size || !len)
		return 0;
	end = off + min(len, ino->size - off);
	first = off >> SMM_PAGE_SHIFT;
	for (index = first; index << SMM_PAGE_SHIFT < end; index++) {
		u64 from = max(off, index << SMM_PAGE_SHIFT);
		u64 to = min(end, (index + 1) << SMM_PAGE_SHIFT);
		const void *mem;

		frame = smm_filemap_get_folio(ino, index);
		if (frame != SMM_FILEMAP_NONE) {
			res->hits++;
			ino->hits++;
		} else {
			ret = smm_filemap_read_page(ino, index, &frame);
			if (ret) {
				*why = ret == -ENOMEM ? "out of memory for a page-cache page" :
							"the file could not be read";
				return ret;
			}
			res->misses++;
			ino->misses++;
		}
		mem = smm_filemap_mem(ino->mm, frame);
		ret = mem ? copy(priv, from, (const char *)mem + (from & (SMM_PAGE_SIZE - 1)),
				 to - from) : -EFAULT;
		if (ret) {
			*why = "the bytes read could not be copied out";
			return ret;
		}
		if (index != first || index + 1 != ino->prev_index)
			smm_folio_mark_accessed(ino->mm, frame);
		smm_cond_resched();
	}
	ino->prev_index = ((end - 1) >> SMM_PAGE_SHIFT) + 1;
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
				   char *why, size_t len)
{
	u64 index, nr = 0;
	u32 n, used;
	int ret;

	for (n = 0; n < ino->nr_chunks; n++) {
		if (!ino->chunk[n]) {
			if (ino->chunk_used[n])
				return smm_filemap_bad("inode %u chunk %u: counted %u, not there",
						       ino->id, n, ino->chunk_used[n]);
			continue;
		}
		used = 0;
		for (index = (u64)n * SMM_FILEMAP_CHUNK; index < (u64)(n + 1) * SMM_FILEMAP_CHUNK;
		     index++) {
			u32 e = ino->chunk[n][index % SMM_FILEMAP_CHUNK];

			if (!e)
				continue;
			if (index >= ino->nr_index)
				return smm_filemap_bad("inode %u: a page at index %llu past i_size",
						       ino->id, (unsigned long long)index);
			ret = smm_filemap_check_entry(mm, ino, index, e - 1, why, len);
			if (ret)
				return ret;
			used++;
		}
		if (!used || used != ino->chunk_used[n])
			return smm_filemap_bad("inode %u chunk %u: %u entries, counted %u", ino->id, n,
					       used, ino->chunk_used[n]);
		nr += used;
	}
	if (nr != ino->nrpages)
		return smm_filemap_bad("inode %u: %llu pages in its index, nrpages %llu", ino->id,
				       (unsigned long long)nr, (unsigned long long)ino->nrpages);
	*pages += nr;
	return 0;
}

/*
 * CHECK of the page cache: every inode's index entries are page-cache
 * pages whose LRU records name that inode and index, the chunk counts
 * and nrpages match the entries; the pages of all indices in *@pages
 * (smm_lru_check() compares them with the file lists, the file frames
 * and nr_file_pages). The spaces' lock held.
 */
int smm_filemap_check(struct smm_mm *mm, u64 *pages, char *why, size_t len)
{
	const struct smm_inode *ino;
	int ret;

	*pages = 0;
	for (ino = mm->inodes; ino; ino = ino->next) {
		if (ino->mm != mm)
			return smm_filemap_bad("inode %u belongs to another mm", ino->id);
		ret = smm_filemap_check_inode(mm, ino, pages, why, len);
		if (ret)
			return ret;
		smm_cond_resched();
	}
	return 0;
}
