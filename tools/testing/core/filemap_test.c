// SPDX-License-Identifier: GPL-2.0
/*
 * The shadow page cache (core/filemap.h) over a fake file: a read
 * returns the file's bytes and fills the cache (misses, pgpgin), a
 * second read is all hits and activates (folio_mark_accessed()); the
 * read callback failing leaves nothing half-inserted; reclaim drops
 * clean file pages with swap off; a random sequence of opens, reads,
 * reclaim passes and closes always reads the file's bytes, with CHECK
 * clean; CHECK finds a broken index.
 *
 * The fake file: byte o is fm_byte(seed, o), a pattern no two pages
 * share; a read may be made to fail from a given page on.
 *
 *	file:   | page 0 | page 1 | ... | page n-1 (maybe short) |
 *	index:  chunk 0 (pages 0..511) | chunk 1 (512..1023) | ...
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "common.h"
#include "../../../module/core/filemap.h"
#include "../../../module/core/lru.h"
#include "../../../module/core/owner.h"
#include "../../../module/core/vmscan.h"

#define PG		4096ULL
#define FM_FRAMES	1024		/* 4 MiB of shadow memory */

struct fm_file {
	u64 size;
	u8 seed;
	u64 fail_from;		/* pages at or past this index fail with -EIO */
	u64 reads;		/* callback calls */
};

static u8 fm_byte(u8 seed, u64 o)
{
	return (u8)((o * 2654435761ULL) >> 13) ^ (u8)(o >> 12) ^ seed;
}

/* The read callback: the pattern, or -EIO from fail_from on. */
static int fm_read(void *ctx, u64 off, void *buf, size_t len)
{
	struct fm_file *f = ctx;
	size_t i;

	f->reads++;
	if (off >> 12 >= f->fail_from)
		return -EIO;
	if (off + len > f->size)
		return -EIO;
	for (i = 0; i < len; i++)
		((u8 *)buf)[i] = fm_byte(f->seed, off + i);
	return 0;
}

/* The copy callback: into the buffer at priv, which starts at file offset base. */
struct fm_out {
	u8 *buf;
	u64 base;
};

static int fm_copy(void *priv, u64 off, const void *src, size_t len)
{
	struct fm_out *o = priv;

	memcpy(o->buf + (off - o->base), src, len);
	return 0;
}

static struct fm_file fm_file(u64 size, u8 seed)
{
	struct fm_file f = { .size = size, .seed = seed, .fail_from = ~0ULL };

	return f;
}

/* Read [off, off + len) through the cache and compare with the pattern; -1 on a mismatch. */
static int fm_read_cmp(struct smm_inode *ino, struct fm_file *f, u64 off, u64 len,
		       struct smm_file_read_res *res)
{
	u64 n = off >= f->size ? 0 : min(len, f->size - off), i;
	struct fm_out o = { calloc(1, len + 1), off };
	const char *why;
	int ret;

	if (!o.buf)
		return -1;
	ret = smm_file_read(ino, off, len, fm_copy, &o, res, &why);
	for (i = 0; !ret && i < n; i++)
		if (o.buf[i] != fm_byte(f->seed, off + i)) {
			printf("# byte %llu: %#x, expected %#x\n", (unsigned long long)(off + i),
			       o.buf[i], fm_byte(f->seed, off + i));
			ret = -1;
		}
	free(o.buf);
	return ret;
}

static int fm_check(struct smm_mm *mm)
{
	return smm_test_check_reclaim(mm, NULL, 0, false);
}

static int fm_init(struct smm_test_mm *t)
{
	const struct smm_test_section sec = { SMM_TEST_SWAP_PFN, FM_FRAMES };

	return smm_test_mm_init_mem(t, &sec, 1, NULL, false, 1);
}

static u64 fm_lru(struct smm_mm *mm, enum smm_lru_list lru)
{
	u64 n = 0;
	unsigned int z;

	for (z = 0; z < SMM_NR_ZONES; z++)
		n += smm_lru_count(mm, z, lru);
	return n;
}

/*
 * A 10-page file (the last page short: 40,000 bytes) read whole: ten
 * misses, the bytes equal the file's, nr_file_pages and the inactive
 * file list 10, pgpgin 40 (KiB); read again: ten hits, no callback
 * call, and every page active (read twice: PG_referenced then
 * activation, pgactivate 10). Closing frees every page and record.
 */
SMM_TEST(filemap_read_hits_and_activates)
{
	struct smm_test_mm t;
	struct fm_file f = fm_file(40000, 7);
	struct smm_file_read_res res;
	struct smm_inode *ino;
	const char *why;
	u64 free0;

	ASSERT_EQ(fm_init(&t), 0);
	free0 = smm_test_free_frames(&t.mm);
	ASSERT_EQ(smm_inode_create(&t.mm, 1, f.size, fm_read, &f, &ino, &why), 0);
	ASSERT_EQ(fm_read_cmp(ino, &f, 0, f.size, &res), 0);
	EXPECT_EQ(res.misses, 10);
	EXPECT_EQ(res.hits, 0);
	EXPECT_EQ(t.mm.nr_file_pages, 10);
	EXPECT_EQ(ino->nrpages, 10);
	EXPECT_EQ(t.mm.pgpgin, 40);
	EXPECT_EQ(fm_lru(&t.mm, SMM_LRU_INACTIVE_FILE), 10);
	EXPECT_EQ(fm_check(&t.mm), 0);

	f.reads = 0;
	ASSERT_EQ(fm_read_cmp(ino, &f, 0, f.size, &res), 0);
	EXPECT_EQ(res.hits, 10);
	EXPECT_EQ(res.misses, 0);
	EXPECT_EQ(f.reads, 0);
	EXPECT_EQ(fm_lru(&t.mm, SMM_LRU_ACTIVE_FILE), 10);
	EXPECT_EQ(fm_lru(&t.mm, SMM_LRU_INACTIVE_FILE), 0);
	EXPECT_EQ(t.mm.lru_events.pgactivate, 10);
	EXPECT_EQ(fm_check(&t.mm), 0);

	/* a read past the end reads nothing; one across it is cut */
	ASSERT_EQ(fm_read_cmp(ino, &f, f.size, 100, &res), 0);
	EXPECT_EQ(res.hits + res.misses, 0);
	ASSERT_EQ(fm_read_cmp(ino, &f, f.size - 10, 100, &res), 0);
	EXPECT_EQ(res.hits, 1);

	smm_inode_destroy(ino);
	EXPECT_EQ(t.mm.nr_file_pages, 0);
	EXPECT_EQ(t.mm.lru_pool.recs, 0);
	EXPECT_EQ(t.mm.lru_pool.pages, 0);
	EXPECT_EQ(smm_test_free_frames(&t.mm), free0);
	EXPECT_EQ(fm_check(&t.mm), 0);
	smm_test_mm_destroy(&t);
}

/*
 * Small reads walking through one page mark it accessed once: the first
 * read of page 0 sets PG_referenced, the next reads that start in the
 * page the previous one ended in do not activate it (filemap_read()'s
 * same-folio test); a read of page 0 after one of page 1 does.
 */
SMM_TEST(filemap_small_reads_in_one_page_do_not_activate)
{
	struct smm_test_mm t;
	struct fm_file f = fm_file(3 * PG, 9);
	struct smm_file_read_res res;
	struct smm_inode *ino;
	const char *why;
	u64 o;

	ASSERT_EQ(fm_init(&t), 0);
	ASSERT_EQ(smm_inode_create(&t.mm, 1, f.size, fm_read, &f, &ino, &why), 0);
	for (o = 0; o < PG; o += 512)
		ASSERT_EQ(fm_read_cmp(ino, &f, o, 512, &res), 0);
	EXPECT_EQ(fm_lru(&t.mm, SMM_LRU_ACTIVE_FILE), 0);
	ASSERT_EQ(fm_read_cmp(ino, &f, PG, 16, &res), 0);
	ASSERT_EQ(fm_read_cmp(ino, &f, 0, 16, &res), 0);
	EXPECT_EQ(fm_lru(&t.mm, SMM_LRU_ACTIVE_FILE), 1);
	EXPECT_EQ(fm_check(&t.mm), 0);
	smm_inode_destroy(ino);
	smm_test_mm_destroy(&t);
}

/*
 * The read callback fails from page 5 on: the read returns -EIO, pages
 * 0..4 are cached (read before the failure), page 5 is not, its frame
 * and record are back (free frames and the record pool say so), CHECK
 * is clean; a later read that does not fail brings the rest in.
 */
SMM_TEST(filemap_read_error_leaves_nothing_half_inserted)
{
	struct smm_test_mm t;
	struct fm_file f = fm_file(8 * PG, 3);
	struct smm_file_read_res res;
	struct smm_inode *ino;
	const char *why;
	u64 free0;

	ASSERT_EQ(fm_init(&t), 0);
	ASSERT_EQ(smm_inode_create(&t.mm, 1, f.size, fm_read, &f, &ino, &why), 0);
	free0 = smm_test_free_frames(&t.mm);
	f.fail_from = 5;
	EXPECT_EQ(fm_read_cmp(ino, &f, 0, f.size, &res), -EIO);
	EXPECT_EQ(ino->nrpages, 5);
	EXPECT_EQ(t.mm.nr_file_pages, 5);
	EXPECT_EQ(smm_filemap_get_folio(ino, 5), SMM_FILEMAP_NONE);
	EXPECT_EQ(t.mm.lru_pool.recs, 5);
	/* five pages and the one pool page are out of the buddy, no more */
	EXPECT_EQ(free0 - smm_test_free_frames(&t.mm), 5 + t.mm.lru_pool.pages);
	EXPECT_EQ(fm_check(&t.mm), 0);
	f.fail_from = ~0ULL;
	ASSERT_EQ(fm_read_cmp(ino, &f, 0, f.size, &res), 0);
	EXPECT_EQ(res.hits, 5);
	EXPECT_EQ(res.misses, 3);
	EXPECT_EQ(fm_check(&t.mm), 0);
	smm_inode_destroy(ino);
	smm_test_mm_destroy(&t);
}

/*
 * Swap off: a file of 1.5 times the shadow memory read through the
 * cache keeps finding pages through direct reclaim, which can only drop
 * file pages (pgsteal_file, pgsteal_direct); every byte read is the
 * file's; a proactive reclaim then frees the pages still cached, and a
 * re-read reads them again (misses) with the same bytes.
 */
SMM_TEST(filemap_reclaim_drops_file_pages_without_swap)
{
	struct smm_test_mm t;
	struct fm_file f = fm_file(FM_FRAMES * 3 / 2 * PG, 11);
	struct smm_file_read_res res;
	struct smm_inode *ino;
	const char *why;
	u64 o, got, cached;

	ASSERT_EQ(fm_init(&t), 0);
	ASSERT_EQ(smm_inode_create(&t.mm, 1, f.size, fm_read, &f, &ino, &why), 0);
	for (o = 0; o < f.size; o += 16 * PG)
		ASSERT_EQ(fm_read_cmp(ino, &f, o, 16 * PG, &res), 0);
	EXPECT_EQ(f.reads, FM_FRAMES * 3 / 2);
	EXPECT_TRUE(t.mm.lru_events.pgsteal_file > 0);
	EXPECT_EQ(t.mm.lru_events.pgsteal, 0);
	EXPECT_TRUE(t.mm.reclaim.pgsteal_direct > 0);
	EXPECT_TRUE(ino->nrpages < FM_FRAMES);
	EXPECT_EQ(fm_check(&t.mm), 0);

	cached = ino->nrpages;
	ASSERT_EQ(smm_proactive_reclaim(&t.mm, cached / 2, &got), 0);
	EXPECT_TRUE(got >= cached / 2);
	EXPECT_EQ(ino->nrpages, cached - got);
	EXPECT_EQ(fm_check(&t.mm), 0);
	f.reads = 0;
	ASSERT_EQ(fm_read_cmp(ino, &f, 0, 64 * PG, &res), 0);
	EXPECT_TRUE(res.misses > 0);
	EXPECT_TRUE(f.reads >= res.misses);	/* readahead may read beyond the range */
	EXPECT_EQ(fm_check(&t.mm), 0);
	smm_inode_destroy(ino);
	smm_test_mm_destroy(&t);
}

/* Too large a file, an id in use: refused, nothing made. */
SMM_TEST(filemap_refuses_large_files_and_used_ids)
{
	struct smm_test_mm t;
	struct fm_file f = fm_file(PG, 1);
	struct smm_inode *ino, *other;
	const char *why;

	ASSERT_EQ(fm_init(&t), 0);
	EXPECT_EQ(smm_inode_create(&t.mm, 1, SMM_FILE_MAX_BYTES + 1, fm_read, &f, &ino, &why),
		  -EFBIG);
	EXPECT_EQ(t.mm.inodes, NULL);
	ASSERT_EQ(smm_inode_create(&t.mm, 1, SMM_FILE_MAX_BYTES, fm_read, &f, &ino, &why), 0);
	EXPECT_EQ(ino->nr_chunks, 2048);
	EXPECT_EQ(smm_inode_create(&t.mm, 1, PG, fm_read, &f, &other, &why), -EEXIST);
	ASSERT_EQ(smm_inode_create(&t.mm, 2, 0, fm_read, &f, &other, &why), 0);
	EXPECT_EQ(smm_inode_find(&t.mm, 2), other);
	smm_inode_destroy(other);
	smm_inode_destroy(ino);
	EXPECT_EQ(t.mm.inodes, NULL);
	smm_test_mm_destroy(&t);
}

/*
 * CHECK sees a broken page cache: an index entry naming a page whose
 * record says another index, and an nr_file_pages off by one.
 */
SMM_TEST(filemap_check_catches_a_broken_cache)
{
	struct smm_test_mm t;
	struct fm_file f = fm_file(4 * PG, 5);
	struct smm_file_read_res res;
	struct smm_inode *ino;
	const char *why;
	u32 saved;

	ASSERT_EQ(fm_init(&t), 0);
	ASSERT_EQ(smm_inode_create(&t.mm, 1, f.size, fm_read, &f, &ino, &why), 0);
	ASSERT_EQ(fm_read_cmp(ino, &f, 0, f.size, &res), 0);
	ASSERT_EQ(fm_check(&t.mm), 0);
	saved = ino->chunk[0][1];
	ino->chunk[0][1] = ino->chunk[0][2];
	EXPECT_TRUE(fm_check(&t.mm) != 0);
	ino->chunk[0][1] = saved;
	t.mm.nr_file_pages++;
	EXPECT_TRUE(fm_check(&t.mm) != 0);
	t.mm.nr_file_pages--;
	EXPECT_EQ(fm_check(&t.mm), 0);
	smm_inode_destroy(ino);
	smm_test_mm_destroy(&t);
}

#define FM_FILES	3

/*
 * The model: three files of different sizes (one empty, one crossing a
 * chunk), 3,000 random steps of: open (if closed), close (if open), a
 * read of a random range (the bytes must be the file's; hits + misses
 * the pages of the range; misses exactly the pages the index did not
 * hold before; readahead on, at its default), a read that fails half way (nothing half-inserted),
 * and reclaim passes at random priorities. CHECK every 50 steps and at
 * the end; every page back when all are closed.
 */
SMM_TEST(filemap_random_against_model)
{
	static const u64 sizes[FM_FILES] = { 0, 700 * PG + 123, 37 * PG };
	struct fm_file f[FM_FILES];
	struct smm_inode *ino[FM_FILES] = { NULL };
	struct smm_test_mm t;
	u64 seed = 0x5eed, step, free0;
	unsigned int i;
	const char *why;

	ASSERT_EQ(fm_init(&t), 0);
	free0 = smm_test_free_frames(&t.mm);
	for (i = 0; i < FM_FILES; i++)
		f[i] = fm_file(sizes[i], (u8)(i * 40 + 1));
	for (step = 0; step < 3000 && !_t->failed; step++) {
		u64 r = smm_test_rand(&seed), op = r % 16;
		struct smm_file_read_res res;

		i = (r >> 8) % FM_FILES;
		if (!ino[i]) {
			ASSERT_EQ(smm_inode_create(&t.mm, i + 1, f[i].size, fm_read, &f[i], &ino[i],
						   &why), 0);
		} else if (op == 0) {
			smm_inode_destroy(ino[i]);
			ino[i] = NULL;
		} else if (op < 12) {
			u64 off = (r >> 16) % (f[i].size + PG);
			u64 len = 1 + (r >> 40) % (64 * PG), idx, absent = 0, pages = 0;

			for (idx = off / PG; f[i].size && off < f[i].size &&
			     idx * PG < min(off + len, f[i].size); idx++, pages++)
				absent += smm_filemap_get_folio(ino[i], idx) == SMM_FILEMAP_NONE;
			ASSERT_EQ(fm_read_cmp(ino[i], &f[i], off, len, &res), 0);
			EXPECT_EQ(res.hits + res.misses, pages);
			/* counted when the read begins: the pages the index lacked */
			EXPECT_EQ(res.misses, absent);
		} else if (op < 14 && f[i].size) {
			u64 off = (r >> 16) % f[i].size;

			f[i].fail_from = off / PG + 1 + (r >> 40) % 4;
			fm_read_cmp(ino[i], &f[i], off, 8 * PG, &res);
			f[i].fail_from = ~0ULL;
		} else {
			struct smm_scan_control sc = {
				.nr_to_reclaim = SMM_SWAP_CLUSTER_MAX,
				.reclaim_idx = SMM_NR_ZONES - 1,
				.kind = SMM_RECLAIM_KSWAPD,
				.priority = (int)((r >> 20) % (SMM_DEF_PRIORITY + 1)),
			};

			smm_shrink_node(&t.mm, &sc);
		}
		if (!(step % 50))
			ASSERT_EQ(fm_check(&t.mm), 0);
	}
	EXPECT_EQ(fm_check(&t.mm), 0);
	for (i = 0; i < FM_FILES; i++)
		if (ino[i])
			smm_inode_destroy(ino[i]);
	EXPECT_EQ(t.mm.nr_file_pages, 0);
	EXPECT_EQ(smm_test_free_frames(&t.mm), free0);
	EXPECT_EQ(fm_check(&t.mm), 0);
	smm_test_mm_destroy(&t);
}

/*
 * Sequential 32 KiB reads (8 pages, as smmctl's requests) of a 2 MiB
 * file: the first misses its 8 pages and opens a window of 16
 * (get_init_ra_size(8, 32)), PG_readahead on page 8; each read that
 * reaches the marker moves the window on, 32 pages (ra_pages) from the
 * second on; every later page is a readahead hit. So: 8 misses, 504
 * pages read ahead and all of them hit, none wasted, the window at 32.
 *
 *	read 1: pages 0-7    window [0, 16)   marker 8
 *	read 2: pages 8-15   window [16, 48)  marker 16
 *	read 3: pages 16-23  window [48, 80)  marker 48 ...
 */
SMM_TEST(filemap_readahead_window_grows_to_ra_pages)
{
	struct smm_test_mm t;
	struct fm_file f = fm_file(512 * PG, 13);
	struct smm_file_read_res res;
	struct smm_inode *ino;
	const char *why;
	u64 o, misses = 0, hits = 0;

	ASSERT_EQ(fm_init(&t), 0);
	ASSERT_EQ(smm_inode_create(&t.mm, 1, f.size, fm_read, &f, &ino, &why), 0);
	ASSERT_EQ(fm_read_cmp(ino, &f, 0, 8 * PG, &res), 0);
	EXPECT_EQ(res.misses, 8);
	EXPECT_EQ(ino->nrpages, 16);
	EXPECT_EQ(ino->ra.size, 16);
	ASSERT_EQ(fm_read_cmp(ino, &f, 8 * PG, 8 * PG, &res), 0);
	EXPECT_EQ(res.ra_hits, 8);
	EXPECT_EQ(ino->ra.start, 16);
	EXPECT_EQ(ino->ra.size, 32);
	for (o = 16 * PG; o < f.size; o += 8 * PG) {
		ASSERT_EQ(fm_read_cmp(ino, &f, o, 8 * PG, &res), 0);
		misses += res.misses;
		hits += res.ra_hits;
	}
	EXPECT_EQ(misses, 0);
	EXPECT_EQ(hits, 512 - 16);
	EXPECT_EQ(ino->ra.size, SMM_RA_PAGES_DEFAULT);
	EXPECT_EQ(ino->misses, 8);
	EXPECT_EQ(ino->ra_read, 504);
	EXPECT_EQ(ino->ra_hits, 504);
	EXPECT_EQ(ino->ra_wasted, 0);
	EXPECT_EQ(f.reads, 512);
	EXPECT_EQ(fm_check(&t.mm), 0);
	smm_inode_destroy(ino);
	smm_test_mm_destroy(&t);
}

/*
 * Random one-page reads (never at page 0, never next to the last one)
 * read only their page: nothing read ahead. With ra_pages 0 even a
 * sequential read reads only what it asks.
 */
SMM_TEST(filemap_random_reads_do_not_read_ahead)
{
	static const u64 pages[] = { 300, 100, 200, 17, 450, 60, 250 };
	struct smm_test_mm t;
	struct fm_file f = fm_file(512 * PG, 17);
	struct smm_file_read_res res;
	struct smm_inode *ino;
	const char *why;
	unsigned int i;

	ASSERT_EQ(fm_init(&t), 0);
	ASSERT_EQ(smm_inode_create(&t.mm, 1, f.size, fm_read, &f, &ino, &why), 0);
	for (i = 0; i < ARRAY_SIZE(pages); i++)
		ASSERT_EQ(fm_read_cmp(ino, &f, pages[i] * PG + 5, 100, &res), 0);
	EXPECT_EQ(ino->nrpages, ARRAY_SIZE(pages));
	EXPECT_EQ(ino->misses, ARRAY_SIZE(pages));
	EXPECT_EQ(ino->ra_read, 0);
	smm_inode_destroy(ino);

	ASSERT_EQ(smm_inode_create(&t.mm, 1, f.size, fm_read, &f, &ino, &why), 0);
	ASSERT_EQ(smm_inode_set_ra_pages(ino, 0), 0);
	EXPECT_EQ(smm_inode_set_ra_pages(ino, SMM_RA_PAGES_MAX + 1), -EINVAL);
	ASSERT_EQ(fm_read_cmp(ino, &f, 0, 8 * PG, &res), 0);
	ASSERT_EQ(fm_read_cmp(ino, &f, 8 * PG, 8 * PG, &res), 0);
	EXPECT_EQ(ino->nrpages, 16);
	EXPECT_EQ(ino->ra_read, 0);
	EXPECT_EQ(fm_check(&t.mm), 0);
	smm_inode_destroy(ino);
	smm_test_mm_destroy(&t);
}

/*
 * Pages read ahead and dropped by reclaim before any read are wasted:
 * one 8-page read leaves 8 pages ahead in the window; a reclaim of
 * everything drops them (ra_wasted 8); the 8 read stay uncounted.
 */
SMM_TEST(filemap_readahead_wasted_when_reclaimed_unread)
{
	struct smm_test_mm t;
	struct fm_file f = fm_file(64 * PG, 19);
	struct smm_file_read_res res;
	struct smm_inode *ino;
	const char *why;
	u64 got;

	ASSERT_EQ(fm_init(&t), 0);
	ASSERT_EQ(smm_inode_create(&t.mm, 1, f.size, fm_read, &f, &ino, &why), 0);
	ASSERT_EQ(fm_read_cmp(ino, &f, 0, 8 * PG, &res), 0);
	EXPECT_EQ(ino->ra_read, 8);
	smm_proactive_reclaim(&t.mm, 16, &got);
	EXPECT_EQ(ino->nrpages, 0);
	EXPECT_EQ(ino->ra_wasted, 8);
	EXPECT_EQ(fm_check(&t.mm), 0);
	smm_inode_destroy(ino);
	smm_test_mm_destroy(&t);
}
