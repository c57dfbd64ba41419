// SPDX-License-Identifier: GPL-2.0
/*
 * Memory-mapped files (core/vma.h's file VMAs, core/fault.c's file
 * faults, core/filemap.h's i_mmap rmap) over a fake file: read faults
 * map the one cached page in every space (mapcount, RssFile, one major
 * fault), fault-around maps cached neighbours, a private write copies
 * (the file and the other spaces still read the old bytes), reclaim
 * with swap off unmaps mapped file pages through i_mmap and drops them,
 * refusals, CHECK catching a broken rmap, and a random model over
 * three spaces and two files.
 *
 * The fake file: byte o is mm_byte(seed, o); bytes past its size in
 * its last page read 0, as the kernel's page past i_size.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "common.h"
#include "../../../module/core/filemap.h"
#include "../../../module/core/lru.h"
#include "../../../module/core/owner.h"
#include "../../../module/core/space.h"
#include "../../../module/core/vmscan.h"
#include "../../../module/core/mm_internal.h"
#include "../../../module/core/swap.h"
#include "../../../module/core/pgtable.h"

#define PG		4096ULL
#define MM_FRAMES	2048		/* 8 MiB of shadow memory */
#define MM_BASE		0x10000000ULL	/* where the tests map, 2 MiB aligned */

struct mm_file {
	u64 size;
	u8 seed;
	u64 reads;
};

static u8 mm_byte(u8 seed, u64 o)
{
	return (u8)((o * 2654435761ULL) >> 13) ^ (u8)(o >> 12) ^ seed;
}

static int mm_read(void *ctx, u64 off, void *buf, size_t len)
{
	struct mm_file *f = ctx;
	size_t i;

	f->reads++;
	if (off + len > f->size)
		return -EIO;
	for (i = 0; i < len; i++)
		((u8 *)buf)[i] = mm_byte(f->seed, off + i);
	return 0;
}

/* The 64-bit word of file @f at byte @o (8-aligned): 0 past its size. */
static u64 mm_word(const struct mm_file *f, u64 o)
{
	u64 w = 0;
	int i;

	for (i = 7; i >= 0; i--)
		w = w << 8 | (o + i < f->size ? mm_byte(f->seed, o + i) : 0);
	return w;
}

/* The csum a read of one whole page shows: the file's page @index, or @value everywhere. */
static u64 mm_page_csum(const struct mm_file *f, u64 index, bool written, u64 value)
{
	u64 c = SMM_ACCESS_CSUM_INIT, o;

	for (o = 0; o < PG; o += 8)
		c = smm_access_csum(c, written ? value : mm_word(f, index * PG + o));
	return c;
}

static int mm_init(struct smm_test_mm *t)
{
	const struct smm_test_section sec = { SMM_TEST_SWAP_PFN, MM_FRAMES };

	return smm_test_mm_init_mem(t, &sec, 1, NULL, false, 1);
}

/* CHECK of the mm, the spaces and the rmap between them (what the glue's CHECK does). */
static int mm_check(struct smm_mm *mm, struct smm_space *const *s, unsigned int n)
{
	u64 vmas = 0, rss = 0;
	char why[200];
	unsigned int i, j;
	int ret = smm_test_check_reclaim(mm, (const struct smm_space *const *)s, n, !!mm->swap);

	if (ret)
		return ret;
	for (i = 0; i < n; i++) {
		rss += s[i]->vm.rss_file;
		for (j = 0; j < s[i]->vm.nr; j++)
			vmas += s[i]->vm.vma[j].kind == SMM_VMA_FILE;
	}
	ret = smm_filemap_check_rmap(mm, vmas, rss, why, sizeof(why));
	if (ret)
		printf("# %s\n", why);
	return ret;
}

/* A read of the page at @va: its csum, or the fault's -errno. */
static int mm_read_page(struct smm_space *s, u64 va, u64 *csum, struct smm_access *res)
{
	const char *why;
	int ret = smm_space_access(s, va, PG, 0, 0, res, &why);

	if (ret)
		printf("# read at %#llx: %d %s\n", (unsigned long long)va, ret, why ? why : "");
	*csum = res->csum;
	return ret;
}

static u64 mm_frame_at(struct smm_space *s, u64 va)
{
	unsigned int level;
	u64 *slot = smm_space_entry(s, va, &level), frame;

	if (!slot || level != SHADOWMM_PT_PTE || !smm_space_pte_frame(s, *slot, &frame))
		return ~0ULL;
	return frame;
}

/*
 * Two spaces map one file (private read-only, shared read-only): the
 * first read of page 5 is a major fault that reads the page, maps it
 * and, by fault-around, its cached neighbours; the second space's read
 * is a minor fault on the same frame: mapcount 2, the page cached
 * once, RssFile 1 + neighbours in the first and 1 + neighbours in the
 * second; every page read shows the file's bytes.
 */
SMM_TEST(mmap_read_faults_share_the_cached_page)
{
	struct mm_file f = { .size = 40 * PG + 100, .seed = 3 };
	struct smm_space a, b, *sp[2] = { &a, &b };
	struct smm_test_mm t;
	struct smm_inode *ino;
	struct smm_access res;
	const char *why;
	u64 csum, frame, i, cached;

	ASSERT_EQ(mm_init(&t), 0);
	ASSERT_EQ(smm_inode_create(&t.mm, 1, f.size, mm_read, &f, &ino, &why), 0);
	smm_inode_set_ra_pages(ino, 0);	/* no read-around: one page read per miss */
	ASSERT_EQ(smm_space_init(&a, &t.mm, 1, 4), 0);
	ASSERT_EQ(smm_space_init(&b, &t.mm, 2, 4), 0);
	ASSERT_EQ(smm_vma_mmap_file(&a, MM_BASE, 64 * PG, 0, ino, 0, false, &why), 0);
	ASSERT_EQ(smm_vma_mmap_file(&b, MM_BASE, 64 * PG, 0, ino, 0, true, &why), 0);
	EXPECT_EQ(ino->nr_immap, 2);

	ASSERT_EQ(mm_read_page(&a, MM_BASE + 5 * PG, &csum, &res), 0);
	EXPECT_EQ(csum, mm_page_csum(&f, 5, false, 0));
	EXPECT_EQ(res.faults, 1);
	EXPECT_EQ(a.vm.maj_flt, 1);
	EXPECT_EQ(t.mm.events.pgmajfault, 1);
	EXPECT_EQ(t.mm.nr_file_pages, 1);
	EXPECT_EQ(a.vm.rss_file, 1);
	EXPECT_EQ(a.vm.rss_anon, 0);
	ASSERT_EQ(mm_read_page(&b, MM_BASE + 5 * PG, &csum, &res), 0);
	EXPECT_EQ(csum, mm_page_csum(&f, 5, false, 0));
	EXPECT_EQ(b.vm.min_flt, 1);
	EXPECT_EQ(b.vm.maj_flt, 0);
	EXPECT_EQ(t.mm.nr_file_pages, 1);
	frame = smm_filemap_get_folio(ino, 5);
	EXPECT_EQ(mm_frame_at(&a, MM_BASE + 5 * PG), frame);
	EXPECT_EQ(mm_frame_at(&b, MM_BASE + 5 * PG), frame);
	EXPECT_EQ(smm_filemap_mapcount(ino, 5, frame), 2);
	EXPECT_EQ(mm_check(&t.mm, sp, 2), 0);

	/* fault-around: pages 0-15 cached, a fault on 3 maps the 15 others old, 16+ not */
	for (i = 0; i < 16; i++)
		ASSERT_EQ(mm_read_page(&a, MM_BASE + i * PG, &csum, &res), 0);
	cached = t.mm.nr_file_pages;
	EXPECT_EQ(cached, 16);
	EXPECT_EQ(b.vm.rss_file, 1);
	ASSERT_EQ(mm_read_page(&b, MM_BASE + 3 * PG, &csum, &res), 0);
	EXPECT_EQ(b.vm.rss_file, 16);
	EXPECT_EQ(t.mm.nr_file_pages, cached);
	EXPECT_EQ(mm_frame_at(&b, MM_BASE + 16 * PG), ~0ULL);
	for (i = 0; i < 16; i++)
		EXPECT_EQ(smm_filemap_mapcount(ino, i, smm_filemap_get_folio(ino, i)), 2);
	EXPECT_EQ(mm_check(&t.mm, sp, 2), 0);

	/* the last page: its tail past i_size reads 0; the page after is SIGBUS */
	ASSERT_EQ(mm_read_page(&a, MM_BASE + 40 * PG, &csum, &res), 0);
	EXPECT_EQ(csum, mm_page_csum(&f, 40, false, 0));
	EXPECT_EQ(smm_space_access(&a, MM_BASE + 41 * PG, 8, 0, 0, &res, &why), -ENXIO);
	ASSERT_STREQ(why, "SIGBUS (BUS_ADRERR): access beyond the end of the file");

	/* munmap and destroy unmap; the pages stay cached */
	ASSERT_EQ(smm_vma_munmap(&a, MM_BASE, 64 * PG, &why), 0);
	EXPECT_EQ(a.vm.rss_file, 0);
	EXPECT_EQ(ino->nr_immap, 1);
	EXPECT_EQ(smm_filemap_mapcount(ino, 5, frame), 1);
	EXPECT_EQ(mm_check(&t.mm, sp, 2), 0);
	smm_space_destroy(&b);
	EXPECT_EQ(ino->nr_immap, 0);
	EXPECT_EQ(t.mm.nr_file_pages, cached + 1);
	EXPECT_EQ(mm_check(&t.mm, sp, 1), 0);
	smm_space_destroy(&a);
	smm_inode_destroy(ino);
	EXPECT_EQ(smm_test_check(&t.mm), 0);
	smm_test_mm_destroy(&t);
}

/*
 * A private writable mapping: a write to a page mapped read-only copies
 * it (wp_page_copy()), a write to an unmapped page copies straight
 * (do_cow_fault()); the writer reads its bytes, the other space and
 * the file read the old ones; the cached page keeps one mapping less.
 */
SMM_TEST(mmap_private_write_copies)
{
	struct mm_file f = { .size = 8 * PG, .seed = 9 };
	struct smm_space a, b, *sp[2] = { &a, &b };
	struct smm_test_mm t;
	struct smm_inode *ino;
	struct smm_access res;
	const char *why;
	u64 csum, frame;

	ASSERT_EQ(mm_init(&t), 0);
	ASSERT_EQ(smm_inode_create(&t.mm, 1, f.size, mm_read, &f, &ino, &why), 0);
	ASSERT_EQ(smm_space_init(&a, &t.mm, 1, 4), 0);
	ASSERT_EQ(smm_space_init(&b, &t.mm, 2, 4), 0);
	ASSERT_EQ(smm_vma_mmap_file(&a, MM_BASE, 8 * PG, SHADOWMM_PROT_WRITE, ino, 0, false, &why),
		  0);
	ASSERT_EQ(smm_vma_mmap_file(&b, MM_BASE, 8 * PG, 0, ino, 0, false, &why), 0);
	ASSERT_EQ(mm_read_page(&a, MM_BASE + 2 * PG, &csum, &res), 0);
	ASSERT_EQ(mm_read_page(&b, MM_BASE + 2 * PG, &csum, &res), 0);
	frame = smm_filemap_get_folio(ino, 2);
	EXPECT_EQ(smm_filemap_mapcount(ino, 2, frame), 2);
	/* b's VMA is read-only: SIGSEGV */
	EXPECT_EQ(smm_space_access(&b, MM_BASE + 2 * PG, 8, SMM_ACCESS_WRITE, 1, &res, &why),
		  -EACCES);

	ASSERT_EQ(smm_space_access(&a, MM_BASE + 2 * PG, PG, SMM_ACCESS_WRITE, 0x77, &res, &why),
		  0);
	EXPECT_EQ(res.faults, 1);
	EXPECT_EQ(a.vm.rss_anon, 1);
	ASSERT_NE(mm_frame_at(&a, MM_BASE + 2 * PG), frame);
	EXPECT_EQ(smm_filemap_mapcount(ino, 2, frame), 1);
	ASSERT_EQ(mm_read_page(&a, MM_BASE + 2 * PG, &csum, &res), 0);
	EXPECT_EQ(csum, mm_page_csum(&f, 2, true, 0x77));
	ASSERT_EQ(mm_read_page(&b, MM_BASE + 2 * PG, &csum, &res), 0);
	EXPECT_EQ(csum, mm_page_csum(&f, 2, false, 0));
	EXPECT_EQ(mm_check(&t.mm, sp, 2), 0);

	/* a half-page write to an unmapped page: the rest of the copy is the file's */
	ASSERT_EQ(smm_space_access(&a, MM_BASE + 6 * PG, 8, SMM_ACCESS_WRITE, 0x55, &res, &why),
		  0);
	ASSERT_EQ(mm_read_page(&a, MM_BASE + 6 * PG, &csum, &res), 0);
	{
		u64 c = SMM_ACCESS_CSUM_INIT, o;

		for (o = 0; o < PG; o += 8)
			c = smm_access_csum(c, o ? mm_word(&f, 6 * PG + o) : 0x55);
		EXPECT_EQ(csum, c);
	}
	EXPECT_EQ(a.vm.rss_anon, 2);
	EXPECT_EQ(mm_check(&t.mm, sp, 2), 0);
	smm_space_destroy(&a);
	smm_space_destroy(&b);
	smm_inode_destroy(ino);
	EXPECT_EQ(smm_test_check(&t.mm), 0);
	smm_test_mm_destroy(&t);
}

/*
 * Swap off, a file mapped and read whole by two spaces: proactive
 * reclaim finds the mapped pages on the file lists, unmaps them from
 * both spaces through i_mmap (RssFile falls) and drops them; later
 * reads fault them back with the file's bytes. A page both spaces keep
 * touching between two looks is activated instead.
 */
SMM_TEST(mmap_reclaim_unmaps_and_drops_mapped_file_pages)
{
	struct mm_file f = { .size = 64 * PG, .seed = 21 };
	struct smm_space a, b, *sp[2] = { &a, &b };
	struct smm_test_mm t;
	struct smm_inode *ino;
	struct smm_access res;
	const char *why;
	u64 csum, i, got, rss, maj;

	ASSERT_EQ(mm_init(&t), 0);
	ASSERT_EQ(smm_inode_create(&t.mm, 1, f.size, mm_read, &f, &ino, &why), 0);
	ASSERT_EQ(smm_space_init(&a, &t.mm, 1, 4), 0);
	ASSERT_EQ(smm_space_init(&b, &t.mm, 2, 4), 0);
	ASSERT_EQ(smm_vma_mmap_file(&a, MM_BASE, 64 * PG, 0, ino, 0, false, &why), 0);
	ASSERT_EQ(smm_vma_mmap_file(&b, MM_BASE + 64 * PG, 64 * PG, 0, ino, 0, true, &why), 0);
	for (i = 0; i < 64; i++) {
		ASSERT_EQ(mm_read_page(&a, MM_BASE + i * PG, &csum, &res), 0);
		ASSERT_EQ(mm_read_page(&b, MM_BASE + (64 + i) * PG, &csum, &res), 0);
	}
	EXPECT_EQ(a.vm.rss_file, 64);
	EXPECT_EQ(b.vm.rss_file, 64);
	EXPECT_EQ(t.mm.nr_file_pages, 64);
	EXPECT_EQ(mm_check(&t.mm, sp, 2), 0);

	/* first look: every PTE young, PG_referenced set, kept; second: dropped */
	ASSERT_EQ(smm_proactive_reclaim(&t.mm, 64, &got), 0);
	EXPECT_TRUE(got > 0);
	EXPECT_TRUE(t.mm.lru_events.pgsteal_file > 0);
	EXPECT_EQ(t.mm.lru_events.pgsteal, 0);
	rss = a.vm.rss_file;
	EXPECT_TRUE(rss < 64);
	EXPECT_EQ(a.vm.rss_file + b.vm.rss_file, 2 * t.mm.nr_file_pages);
	EXPECT_EQ(mm_check(&t.mm, sp, 2), 0);
	maj = a.vm.maj_flt + b.vm.maj_flt;
	for (i = 0; i < 64; i++) {
		ASSERT_EQ(mm_read_page(&a, MM_BASE + i * PG, &csum, &res), 0);
		EXPECT_EQ(csum, mm_page_csum(&f, i, false, 0));
		ASSERT_EQ(mm_read_page(&b, MM_BASE + (64 + i) * PG, &csum, &res), 0);
		EXPECT_EQ(csum, mm_page_csum(&f, i, false, 0));
	}
	EXPECT_EQ(a.vm.rss_file, 64);
	EXPECT_TRUE(a.vm.maj_flt + b.vm.maj_flt > maj);	/* read back from the file */
	EXPECT_EQ(mm_check(&t.mm, sp, 2), 0);
	smm_space_destroy(&a);
	smm_space_destroy(&b);
	smm_inode_destroy(ino);
	EXPECT_EQ(smm_test_check(&t.mm), 0);
	smm_test_mm_destroy(&t);
}

/*
 * A mapped file page referenced through its PTEs at two looks of the
 * inactive list is activated (folio_check_references(): referenced
 * PTEs with PG_referenced already set), never dropped.
 */
SMM_TEST(mmap_referenced_mapped_file_page_is_activated)
{
	struct mm_file f = { .size = PG, .seed = 2 };
	struct smm_space a, *sp[1] = { &a };
	struct smm_lru_scan scan;
	struct smm_test_mm t;
	struct smm_inode *ino;
	struct smm_access res;
	const char *why;
	u64 csum, frame;
	unsigned int z;

	ASSERT_EQ(mm_init(&t), 0);
	ASSERT_EQ(smm_inode_create(&t.mm, 1, f.size, mm_read, &f, &ino, &why), 0);
	ASSERT_EQ(smm_space_init(&a, &t.mm, 1, 4), 0);
	ASSERT_EQ(smm_vma_mmap_file(&a, MM_BASE, PG, 0, ino, 0, false, &why), 0);
	ASSERT_EQ(mm_read_page(&a, MM_BASE, &csum, &res), 0);
	frame = smm_filemap_get_folio(ino, 0);
	z = smm_zone_of(&t.mm, frame);
	smm_shrink_inactive_file(&t.mm, z, 32, NULL, NULL, &scan);
	EXPECT_EQ(scan.kept, 1);
	ASSERT_EQ(mm_read_page(&a, MM_BASE, &csum, &res), 0);
	smm_shrink_inactive_file(&t.mm, z, 32, NULL, NULL, &scan);
	EXPECT_EQ(scan.activated, 1);
	EXPECT_EQ(smm_lru_rec_of(&t.mm, frame)->flags & SMM_LRU_F_LIST, SMM_LRU_ACTIVE_FILE);
	EXPECT_EQ(mm_check(&t.mm, sp, 1), 0);
	smm_space_destroy(&a);
	smm_inode_destroy(ino);
	smm_test_mm_destroy(&t);
}

/* The refusals of a file mmap, each with its reason; nothing changed (shared writable is allowed). */
SMM_TEST(mmap_file_refusals)
{
	struct mm_file f = { .size = 4 * PG, .seed = 1 };
	struct smm_space a, *sp[1] = { &a };
	struct smm_test_mm t;
	struct smm_inode *ino;
	const char *why;
	unsigned int i;

	ASSERT_EQ(mm_init(&t), 0);
	ASSERT_EQ(smm_inode_create(&t.mm, 1, f.size, mm_read, &f, &ino, &why), 0);
	ASSERT_EQ(smm_space_init(&a, &t.mm, 1, 4), 0);
	EXPECT_EQ(smm_vma_mmap_file(&a, MM_BASE, PG, 0, ino, 100, false, &why), -EINVAL);
	ASSERT_STREQ(why, "file offset is not page aligned");
	EXPECT_EQ(smm_vma_mmap_file(&a, MM_BASE, PG, 0, ino, 1ULL << 40, false, &why), -EINVAL);
	EXPECT_EQ(a.vm.nr, 0);
	EXPECT_EQ(ino->nr_immap, 0);
	EXPECT_EQ(smm_vma_mmap_file(&a, MM_BASE, PG, SHADOWMM_PROT_WRITE, ino, 0, true, &why), 0);
	EXPECT_EQ(smm_vma_munmap(&a, MM_BASE, PG, &why), 0);
	/* past the end is allowed (touching it is SIGBUS) */
	EXPECT_EQ(smm_vma_mmap_file(&a, MM_BASE, 16 * PG, 0, ino, 8 * PG, false, &why), 0);
	/* i_mmap holds SMM_IMMAP_MAX VMAs */
	for (i = 1; i < SMM_IMMAP_MAX; i++)
		ASSERT_EQ(smm_vma_mmap_file(&a, MM_BASE + i * 32 * PG, PG, 0, ino, 0, false, &why),
			  0);
	EXPECT_EQ(smm_vma_mmap_file(&a, MM_BASE + i * 32 * PG, PG, 0, ino, 0, false, &why),
		  -ENOMEM);
	ASSERT_STREQ(why, "the file is mapped by too many VMAs (i_mmap holds 256)");
	/* nor may a split take one more */
	EXPECT_EQ(smm_vma_munmap(&a, MM_BASE + 4 * PG, PG, &why), -ENOMEM);
	EXPECT_EQ(mm_check(&t.mm, sp, 1), 0);
	smm_space_destroy(&a);
	EXPECT_EQ(ino->nr_immap, 0);
	smm_inode_destroy(ino);
	smm_test_mm_destroy(&t);
}

/*
 * CHECK sees a broken rmap: an i_mmap entry missing, a file PTE
 * pointing at another page of the cache, RssFile off by one.
 */
SMM_TEST(mmap_check_catches_a_broken_rmap)
{
	struct mm_file f = { .size = 4 * PG, .seed = 7 };
	struct smm_space a, *sp[1] = { &a };
	struct smm_test_mm t;
	struct smm_inode *ino;
	struct smm_access res;
	struct smm_immap saved;
	const char *why;
	unsigned int level;
	u64 csum, *slot, e;

	ASSERT_EQ(mm_init(&t), 0);
	ASSERT_EQ(smm_inode_create(&t.mm, 1, f.size, mm_read, &f, &ino, &why), 0);
	ASSERT_EQ(smm_space_init(&a, &t.mm, 1, 4), 0);
	ASSERT_EQ(smm_vma_mmap_file(&a, MM_BASE, 4 * PG, 0, ino, 0, false, &why), 0);
	ASSERT_EQ(mm_read_page(&a, MM_BASE, &csum, &res), 0);
	ASSERT_EQ(mm_read_page(&a, MM_BASE + PG, &csum, &res), 0);
	ASSERT_EQ(mm_check(&t.mm, sp, 1), 0);

	saved = ino->i_mmap[0];
	ino->i_mmap[0].start += PG;
	ASSERT_NE(mm_check(&t.mm, sp, 1), 0);
	ino->i_mmap[0] = saved;

	slot = smm_space_entry(&a, MM_BASE, &level);
	e = *slot;
	*slot = *smm_space_entry(&a, MM_BASE + PG, &level);
	ASSERT_NE(mm_check(&t.mm, sp, 1), 0);
	*slot = e;

	a.vm.rss_file++;
	ASSERT_NE(mm_check(&t.mm, sp, 1), 0);
	a.vm.rss_file--;
	EXPECT_EQ(mm_check(&t.mm, sp, 1), 0);
	smm_space_destroy(&a);
	smm_inode_destroy(ino);
	smm_test_mm_destroy(&t);
}

/* smm_file_read()'s sink: the bytes into the u8 array @priv, from offset 0. */
static int mm_copy(void *priv, u64 off, const void *src, size_t len)
{
	memcpy((u8 *)priv + off, src, len);
	return 0;
}

/* The PTE flags (SHADOWMM_PTF_*) of @va's 4K leaf in @s. */
static u32 mm_pte_flags(struct smm_space *s, u64 va)
{
	unsigned int level;
	u64 *slot = smm_space_entry(s, va, &level);

	return slot && level == SHADOWMM_PT_PTE ? smm_pte_flags(s->fmt, SHADOWMM_PT_PTE, *slot) : 0;
}

/* Is every byte of @n at @p @value's bytes, word by word (what a write of @value leaves)? */
static bool mm_bytes_are(const u8 *p, size_t n, u64 value)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != (u8)(value >> (8 * (i % 8))))
			return false;
	return true;
}

/*
 * A shared writable mapping: a write fault maps the page-cache page
 * itself writable and dirty and dirties the page (nr_dirty, nr_dirtied;
 * a second write does not fault); another space's shared mapping, a
 * private read-only one and a file read all see the written bytes; the
 * file is never read for it again. fsync writes it back to a swap
 * slot (nr_written, pgpgout, the PTE made read-only and clean, the
 * page clean); the next write faults and dirties it again (wp_page_shared);
 * reclaim unmaps it, writes it back into the same slot and drops it;
 * a later fault reads the slot, not the file. Swapoff is refused while
 * the store holds the slot; close frees it.
 */
SMM_TEST(mmap_shared_write_dirties_and_writes_back)
{
	struct mm_file f = { .size = 8 * PG, .seed = 11 };
	struct smm_space a, b, c, *sp[3] = { &a, &b, &c };
	struct smm_test_swap e;
	struct smm_inode *ino;
	struct smm_access res;
	struct smm_swap *off;
	u8 *buf = calloc(8, PG);
	const char *why;
	u64 csum, reads, got, v1 = 0x1122334455667788ULL, v2 = 0x0badcafe0badcafeULL;
	u64 frame;

	ASSERT_TRUE(buf != NULL);
	ASSERT_EQ(smm_test_swap_init_pcp(&e, MM_FRAMES, 64, false), 0);
	ASSERT_EQ(smm_inode_create(&e.t.mm, 1, f.size, mm_read, &f, &ino, &why), 0);
	ASSERT_EQ(smm_inode_set_ra_pages(ino, 0), 0);
	ASSERT_EQ(smm_space_init(&a, &e.t.mm, 1, 4), 0);
	ASSERT_EQ(smm_space_init(&b, &e.t.mm, 2, 4), 0);
	ASSERT_EQ(smm_space_init(&c, &e.t.mm, 3, 4), 0);
	ASSERT_EQ(smm_vma_mmap_file(&a, MM_BASE, 8 * PG, SHADOWMM_PROT_WRITE, ino, 0, true, &why),
		  0);
	ASSERT_EQ(smm_vma_mmap_file(&b, MM_BASE, 8 * PG, SHADOWMM_PROT_WRITE, ino, 0, true, &why),
		  0);
	ASSERT_EQ(smm_vma_mmap_file(&c, MM_BASE, 8 * PG, 0, ino, 0, false, &why), 0);

	/* b maps page 2 read-only first; a's write then dirties the one page */
	ASSERT_EQ(mm_read_page(&b, MM_BASE + 2 * PG, &csum, &res), 0);
	EXPECT_EQ(csum, mm_page_csum(&f, 2, false, 0));
	ASSERT_EQ(smm_space_access(&a, MM_BASE + 2 * PG, PG, SMM_ACCESS_WRITE, v1, &res, &why), 0);
	EXPECT_EQ(res.faults, 1);
	frame = smm_filemap_get_folio(ino, 2);
	EXPECT_EQ(mm_frame_at(&a, MM_BASE + 2 * PG), frame);
	EXPECT_TRUE(smm_filemap_page_dirty(&e.t.mm, frame));
	EXPECT_EQ(mm_pte_flags(&a, MM_BASE + 2 * PG) & (SHADOWMM_PTF_WRITE | SHADOWMM_PTF_DIRTY),
		  SHADOWMM_PTF_WRITE | SHADOWMM_PTF_DIRTY);
	EXPECT_EQ(e.t.mm.nr_dirty, 1);
	EXPECT_EQ(e.t.mm.nr_dirtied, 1);
	EXPECT_EQ(ino->nr_dirty, 1);
	EXPECT_EQ(a.vm.rss_file, 1);
	EXPECT_EQ(a.vm.rss_anon, 0);
	ASSERT_EQ(smm_space_access(&a, MM_BASE + 2 * PG, PG, SMM_ACCESS_WRITE, v1, &res, &why), 0);
	EXPECT_EQ(res.faults, 0);
	EXPECT_EQ(e.t.mm.nr_dirtied, 1);
	/* every mapping and the read path see it */
	ASSERT_EQ(mm_read_page(&b, MM_BASE + 2 * PG, &csum, &res), 0);
	EXPECT_EQ(csum, mm_page_csum(&f, 2, true, v1));
	ASSERT_EQ(mm_read_page(&c, MM_BASE + 2 * PG, &csum, &res), 0);
	EXPECT_EQ(csum, mm_page_csum(&f, 2, true, v1));
	{
		struct smm_file_read_res rr;

		ASSERT_EQ(smm_file_read(ino, 0, 8 * PG, mm_copy, buf, &rr, &why), 0);
		EXPECT_TRUE(mm_bytes_are(buf + 2 * PG, PG, v1));
		EXPECT_EQ(buf[3 * PG], mm_byte(f.seed, 3 * PG));
	}
	EXPECT_EQ(mm_check(&e.t.mm, sp, 3), 0);

	/* fsync: written back to a slot, every PTE read-only and clean */
	ASSERT_EQ(smm_file_sync(ino, &got, &why), 0);
	EXPECT_EQ(got, 1);
	EXPECT_EQ(e.t.mm.nr_dirty, 0);
	EXPECT_EQ(e.t.mm.nr_writeback, 0);
	EXPECT_EQ(e.t.mm.nr_written, 1);
	EXPECT_EQ(e.t.mm.pgpgout, 4);
	EXPECT_EQ(ino->nr_stored, 1);
	EXPECT_EQ(e.sw.file_slots, 1);
	EXPECT_EQ(mm_pte_flags(&a, MM_BASE + 2 * PG) & (SHADOWMM_PTF_WRITE | SHADOWMM_PTF_DIRTY), 0);
	EXPECT_TRUE(!smm_filemap_page_dirty(&e.t.mm, frame));
	EXPECT_EQ(mm_check(&e.t.mm, sp, 3), 0);
	/* the next write faults again (wp_page_shared) and dirties it */
	ASSERT_EQ(smm_space_access(&b, MM_BASE + 2 * PG, PG, SMM_ACCESS_WRITE, v2, &res, &why), 0);
	EXPECT_EQ(res.faults, 1);
	EXPECT_EQ(e.t.mm.nr_dirty, 1);
	EXPECT_EQ(e.t.mm.nr_dirtied, 2);
	EXPECT_EQ(mm_check(&e.t.mm, sp, 3), 0);

	/* reclaim: unmapped from all three, written back into the same slot, dropped */
	smm_proactive_reclaim(&e.t.mm, 64, &got);
	smm_proactive_reclaim(&e.t.mm, 64, &got);
	EXPECT_EQ(smm_filemap_get_folio(ino, 2), SMM_FILEMAP_NONE);
	EXPECT_EQ(e.t.mm.nr_dirty, 0);
	EXPECT_EQ(e.t.mm.nr_written, 2);
	EXPECT_EQ(e.sw.file_slots, 1);
	EXPECT_EQ(e.t.mm.nr_file_pages, 0);
	EXPECT_EQ(mm_check(&e.t.mm, sp, 3), 0);
	/* read back from the store, not the file */
	reads = f.reads;
	ASSERT_EQ(mm_read_page(&c, MM_BASE + 2 * PG, &csum, &res), 0);
	EXPECT_EQ(csum, mm_page_csum(&f, 2, true, v2));
	EXPECT_EQ(f.reads, reads);
	ASSERT_EQ(mm_read_page(&a, MM_BASE + 3 * PG, &csum, &res), 0);
	EXPECT_EQ(csum, mm_page_csum(&f, 3, false, 0));
	EXPECT_EQ(f.reads, reads + 1);
	EXPECT_EQ(mm_check(&e.t.mm, sp, 3), 0);

	/* swapoff refused while the store holds a slot; close frees it */
	EXPECT_EQ(smm_swap_off(&e.t.mm, &off, &why), -EBUSY);
	ASSERT_STREQ(why, "written-back pages of shadow files are in swap: close the files first");
	smm_space_destroy(&a);
	smm_space_destroy(&b);
	smm_space_destroy(&c);
	smm_inode_destroy(ino);
	EXPECT_EQ(e.sw.file_slots, 0);
	EXPECT_EQ(e.sw.inuse, 0);
	EXPECT_EQ(smm_test_check_reclaim(&e.t.mm, NULL, 0, true), 0);
	free(buf);
	smm_test_swap_destroy(&e);
}

/*
 * Without swap a dirty page cannot be written back: reclaim unmaps it
 * but keeps it (activated, still dirty) while it drops the clean
 * pages; fsync says why; the bytes stay. The last page's bytes past
 * i_size are not kept by writeback (zeroed, as block_write_full_page()
 * writes them): re-read after reclaim they read 0.
 */
SMM_TEST(mmap_dirty_page_kept_without_swap)
{
	struct mm_file f = { .size = 4 * PG, .seed = 12 };
	struct mm_file g = { .size = 96, .seed = 13 };
	struct smm_space a, *sp[1] = { &a };
	struct smm_test_swap e;
	struct smm_swap *sw;
	struct smm_inode *ino, *ino2;
	struct smm_access res;
	const char *why;
	u64 csum, got, i, v = 0x5a5a5a5a12345678ULL;

	ASSERT_EQ(smm_test_swap_init_pcp(&e, MM_FRAMES, 64, false), 0);
	ASSERT_EQ(smm_swap_off(&e.t.mm, &sw, &why), 0);
	ASSERT_EQ(smm_inode_create(&e.t.mm, 1, f.size, mm_read, &f, &ino, &why), 0);
	ASSERT_EQ(smm_space_init(&a, &e.t.mm, 1, 4), 0);
	ASSERT_EQ(smm_vma_mmap_file(&a, MM_BASE, 4 * PG, SHADOWMM_PROT_WRITE, ino, 0, true, &why),
		  0);
	for (i = 0; i < 4; i++)
		ASSERT_EQ(mm_read_page(&a, MM_BASE + i * PG, &csum, &res), 0);
	ASSERT_EQ(smm_space_access(&a, MM_BASE + PG, PG, SMM_ACCESS_WRITE, v, &res, &why), 0);
	EXPECT_EQ(e.t.mm.nr_dirty, 1);
	for (i = 0; i < 4; i++)
		smm_proactive_reclaim(&e.t.mm, 64, &got);
	EXPECT_EQ(e.t.mm.nr_file_pages, 1);
	EXPECT_TRUE(smm_filemap_get_folio(ino, 1) != SMM_FILEMAP_NONE);
	EXPECT_EQ(e.t.mm.nr_dirty, 1);
	EXPECT_EQ(e.t.mm.nr_written, 0);
	EXPECT_EQ(a.vm.rss_file, 0);
	EXPECT_EQ(mm_check(&e.t.mm, sp, 1), 0);
	ASSERT_EQ(mm_read_page(&a, MM_BASE + PG, &csum, &res), 0);
	EXPECT_EQ(csum, mm_page_csum(&f, 1, true, v));
	EXPECT_EQ(smm_file_sync(ino, &got, &why), -ENOSPC);
	ASSERT_STREQ(why, "no swap slot for the file's shadow store (swapon first)");
	EXPECT_EQ(got, 0);

	/* swap on: the short page's tail past i_size does not survive writeback */
	ASSERT_EQ(smm_swap_on(&e.t.mm, sw, &why), 0);
	ASSERT_EQ(smm_inode_create(&e.t.mm, 2, g.size, mm_read, &g, &ino2, &why), 0);
	ASSERT_EQ(smm_vma_mmap_file(&a, MM_BASE + 8 * PG, PG, SHADOWMM_PROT_WRITE, ino2, 0, true,
				    &why), 0);
	ASSERT_EQ(smm_space_access(&a, MM_BASE + 8 * PG, PG, SMM_ACCESS_WRITE, v, &res, &why), 0);
	ASSERT_EQ(mm_read_page(&a, MM_BASE + 8 * PG, &csum, &res), 0);
	EXPECT_EQ(csum, mm_page_csum(&g, 0, true, v));
	for (i = 0; i < 4; i++)
		smm_proactive_reclaim(&e.t.mm, 64, &got);
	EXPECT_EQ(e.t.mm.nr_file_pages, 0);
	EXPECT_EQ(e.t.mm.nr_written, 2);
	ASSERT_EQ(mm_read_page(&a, MM_BASE + 8 * PG, &csum, &res), 0);
	{
		u64 c = SMM_ACCESS_CSUM_INIT, o;

		for (o = 0; o < PG; o += 8)
			c = smm_access_csum(c, o < g.size ? v : 0);
		EXPECT_EQ(csum, c);
	}
	EXPECT_EQ(mm_check(&e.t.mm, sp, 1), 0);
	smm_space_destroy(&a);
	smm_inode_destroy(ino);
	smm_inode_destroy(ino2);
	EXPECT_EQ(e.sw.inuse, 0);
	smm_test_swap_destroy(&e);
}

/*
 * CHECK sees broken dirty state and a broken store: a writable PTE of
 * a clean page, nr_dirty off by one, a store entry naming another
 * slot, the area's count of store slots off by one.
 */
SMM_TEST(mmap_check_catches_broken_dirty_state)
{
	struct mm_file f = { .size = 4 * PG, .seed = 14 };
	struct smm_space a, *sp[1] = { &a };
	struct smm_test_swap e;
	struct smm_inode *ino;
	struct smm_access res;
	const char *why;
	u64 got, frame;
	u32 *entry, saved;

	ASSERT_EQ(smm_test_swap_init_pcp(&e, MM_FRAMES, 64, false), 0);
	ASSERT_EQ(smm_inode_create(&e.t.mm, 1, f.size, mm_read, &f, &ino, &why), 0);
	ASSERT_EQ(smm_space_init(&a, &e.t.mm, 1, 4), 0);
	ASSERT_EQ(smm_vma_mmap_file(&a, MM_BASE, 4 * PG, SHADOWMM_PROT_WRITE, ino, 0, true, &why),
		  0);
	ASSERT_EQ(smm_space_access(&a, MM_BASE, PG, SMM_ACCESS_WRITE, 1, &res, &why), 0);
	ASSERT_EQ(smm_space_access(&a, MM_BASE + PG, PG, SMM_ACCESS_WRITE, 2, &res, &why), 0);
	ASSERT_EQ(mm_check(&e.t.mm, sp, 1), 0);
	frame = smm_filemap_get_folio(ino, 0);

	/* a writable, dirty PTE on a page that says clean (counts kept right) */
	smm_lru_file_flags(&e.t.mm, frame, 0, SMM_LRU_F_DIRTY);
	ino->nr_dirty--;
	e.t.mm.nr_dirty--;
	ASSERT_NE(mm_check(&e.t.mm, sp, 1), 0);
	smm_lru_file_flags(&e.t.mm, frame, SMM_LRU_F_DIRTY, 0);
	ino->nr_dirty++;
	e.t.mm.nr_dirty++;
	ASSERT_EQ(mm_check(&e.t.mm, sp, 1), 0);

	e.t.mm.nr_dirty++;
	ASSERT_NE(mm_check(&e.t.mm, sp, 1), 0);
	e.t.mm.nr_dirty--;

	ASSERT_EQ(smm_file_sync(ino, &got, &why), 0);
	EXPECT_EQ(got, 2);
	ASSERT_EQ(mm_check(&e.t.mm, sp, 1), 0);
	entry = &ino->store[0][0];
	saved = *entry;
	*entry = ino->store[0][1];
	ASSERT_NE(mm_check(&e.t.mm, sp, 1), 0);
	*entry = saved;
	e.sw.file_slots++;
	ASSERT_NE(mm_check(&e.t.mm, sp, 1), 0);
	e.sw.file_slots--;
	EXPECT_EQ(mm_check(&e.t.mm, sp, 1), 0);
	smm_space_destroy(&a);
	smm_inode_destroy(ino);
	smm_test_swap_destroy(&e);
}

#define MM_SPACES	3
#define MM_FILES	2
#define MM_WIN		48	/* pages of the window each space maps into */

/* The model of one space's window: what each page should read, and whether mapped. */
struct mm_model {
	int file[MM_WIN];		/* -1: no VMA; else the file */
	u64 index[MM_WIN];		/* its page index */
	bool writable[MM_WIN];
	bool shared[MM_WIN];		/* MAP_SHARED: a write goes to the page cache */
	bool written[MM_WIN];		/* a private copy holds value[] */
	u64 value[MM_WIN];
};

/*
 * The model: three spaces, two files (one with a short last page),
 * a swap area, 4,000 random steps of: mmap a file VMA (private
 * read-only, private writable, shared read-only, or shared writable
 * on the file whose pages are all whole) at a random free place of a
 * space's window, munmap a random range (splits and trims included),
 * read a page (its bytes: what this space's private copy holds, else
 * what the last shared write to that file page left, else the
 * file's), write a page (COW when private; when shared the page-cache
 * page itself, dirty, seen by every mapping), reclaim passes at random
 * priorities (dirty file pages written back to the store and read back
 * from it, anonymous copies swapped), fsync of a file. CHECK (spaces,
 * swap, LRU, cache, dirty state, stores, i_mmap and mapcounts against
 * RssFile) every 50 steps; every frame and slot back at the end.
 */
SMM_TEST(mmap_random_against_model)
{
	struct mm_file f[MM_FILES] = { { .size = 30 * PG + 777, .seed = 5 },
				       { .size = 70 * PG, .seed = 99 } };
	struct smm_space spaces[MM_SPACES], *sp[MM_SPACES];
	struct smm_inode *ino[MM_FILES];
	struct mm_model *m = calloc(MM_SPACES, sizeof(*m));
	struct smm_test_swap e;
	struct smm_test_mm *tp = &e.t;
	/* the last shared write to each page of each file, if any */
	bool fw[MM_FILES][80] = { { false } };
	u64 fval[MM_FILES][80];
	u64 seed = smm_test_seed(0x3a9f), step, free0, file_reads = 0, cows = 0, sigbus = 0, shared_w = 0;
	unsigned int i, p;
	const char *why;

	ASSERT_TRUE(m != NULL);
	ASSERT_EQ(smm_test_swap_init_pcp(&e, MM_FRAMES, 256, false), 0);
	free0 = smm_test_free_frames(&tp->mm);
	for (i = 0; i < MM_FILES; i++)
		ASSERT_EQ(smm_inode_create(&tp->mm, i + 1, f[i].size, mm_read, &f[i], &ino[i], &why),
			  0);
	for (i = 0; i < MM_SPACES; i++) {
		sp[i] = &spaces[i];
		ASSERT_EQ(smm_space_init(sp[i], &tp->mm, i + 1, 4), 0);
		for (p = 0; p < MM_WIN; p++)
			m[i].file[p] = -1;
	}
	for (step = 0; step < 4000 && !_t->failed; step++) {
		u64 r = smm_test_rand(&seed), op = r % 16, csum;
		struct mm_model *ms;
		struct smm_access res;
		struct smm_space *s;

		i = (r >> 8) % MM_SPACES;
		s = sp[i];
		ms = &m[i];
		p = (r >> 12) % MM_WIN;
		if (op < 3) {
			unsigned int fi = (r >> 20) % MM_FILES, len = 1 + (r >> 24) % 8, k;
			u64 pgoff = (r >> 32) % 40;
			/* private ro, private rw (twice as likely), shared ro, shared rw */
			static const unsigned int kinds[6] = { 0, 1, 1, 2, 3, 3 };
			unsigned int kind = kinds[(r >> 40) % 6];
			bool shared = kind >= 2, wr = kind == 1 || kind == 3;
			int ret;

			if (p + len > MM_WIN)
				len = MM_WIN - p;
			if (kind == 3)	/* shared writes to the file of whole pages only */
				fi = 1;
			ret = smm_vma_mmap_file(s, MM_BASE + p * PG, len * PG,
						wr ? SHADOWMM_PROT_WRITE : 0, ino[fi],
						pgoff * PG, shared, &why);
			for (k = 0; k < len && ret == 0; k++) {
				ASSERT_EQ(ms->file[p + k], -1);
				ms->file[p + k] = fi;
				ms->index[p + k] = pgoff + k;
				ms->writable[p + k] = wr;
				ms->shared[p + k] = shared;
				ms->written[p + k] = false;
			}
			if (ret) {
				EXPECT_EQ(ret, -EEXIST);
			}
		} else if (op < 5) {
			unsigned int len = 1 + (r >> 24) % 12, k;

			if (p + len > MM_WIN)
				len = MM_WIN - p;
			ASSERT_EQ(smm_vma_munmap(s, MM_BASE + p * PG, len * PG, &why), 0);
			for (k = 0; k < len; k++)
				ms->file[p + k] = -1;
		} else if (op < 11) {
			int ret = smm_space_access(s, MM_BASE + p * PG, PG, 0, 0, &res, &why);

			if (ms->file[p] < 0) {
				EXPECT_EQ(ret, -EFAULT);
			} else if (!ms->written[p] && ms->index[p] * PG >= f[ms->file[p]].size) {
				EXPECT_EQ(ret, -ENXIO);
				sigbus++;
			} else {
				int fi = ms->file[p];
				u64 ix = ms->index[p];
				bool fwr = !ms->written[p] && fw[fi][ix];

				ASSERT_EQ(ret, 0);
				csum = mm_page_csum(&f[fi], ix, ms->written[p] || fwr,
						    fwr ? fval[fi][ix] : ms->value[p]);
				EXPECT_EQ(res.csum, csum);
				file_reads += !ms->written[p];
			}
		} else if (op < 14) {
			u64 value = r >> 20;
			int ret = smm_space_access(s, MM_BASE + p * PG, PG, SMM_ACCESS_WRITE, value,
						   &res, &why);

			if (ms->file[p] < 0) {
				EXPECT_EQ(ret, -EFAULT);
			} else if (!ms->writable[p]) {
				EXPECT_EQ(ret, -EACCES);
			} else if (!ms->written[p] && ms->index[p] * PG >= f[ms->file[p]].size) {
				EXPECT_EQ(ret, -ENXIO);
			} else if (ms->shared[p]) {
				ASSERT_EQ(ret, 0);
				fw[ms->file[p]][ms->index[p]] = true;
				fval[ms->file[p]][ms->index[p]] = value;
				shared_w++;
			} else {
				ASSERT_EQ(ret, 0);
				cows += !ms->written[p];
				ms->written[p] = true;
				ms->value[p] = value;
			}
		} else if (op == 15 && (r >> 20) % 4 == 0) {
			u64 got;

			ASSERT_EQ(smm_file_sync(ino[(r >> 24) % MM_FILES], &got, &why), 0);
		} else {
			struct smm_scan_control sc = {
				.nr_to_reclaim = SMM_SWAP_CLUSTER_MAX,
				.reclaim_idx = SMM_NR_ZONES - 1,
				.kind = SMM_RECLAIM_KSWAPD,
				.may_swap = true,
				.priority = (int)((r >> 20) % (SMM_DEF_PRIORITY + 1)),
			};

			smm_shrink_node(&tp->mm, &sc);
		}
		if (!(step % 50))
			ASSERT_EQ(mm_check(&tp->mm, sp, MM_SPACES), 0);
	}
	EXPECT_EQ(mm_check(&tp->mm, sp, MM_SPACES), 0);
	printf("# %llu file page reads, %llu copies, %llu SIGBUS, %llu file pages reclaimed, %llu major faults\n",
	       (unsigned long long)file_reads, (unsigned long long)cows,
	       (unsigned long long)sigbus, (unsigned long long)tp->mm.lru_events.pgsteal_file,
	       (unsigned long long)tp->mm.events.pgmajfault);
	printf("# %llu shared writes, %llu pages dirtied, %llu written back, %llu store slots\n",
	       (unsigned long long)shared_w, (unsigned long long)tp->mm.nr_dirtied,
	       (unsigned long long)tp->mm.nr_written, (unsigned long long)e.sw.file_slots);
	/* the sequence reaches every path */
	EXPECT_TRUE(file_reads > 300 && cows > 50 && sigbus > 10);
	EXPECT_TRUE(tp->mm.lru_events.pgsteal_file > 50);
	EXPECT_TRUE(shared_w > 50 && tp->mm.nr_written > 20);
	for (i = 0; i < MM_SPACES; i++)
		smm_space_destroy(sp[i]);
	for (i = 0; i < MM_FILES; i++) {
		EXPECT_EQ(ino[i]->nr_immap, 0);
		smm_inode_destroy(ino[i]);
	}
	EXPECT_EQ(tp->mm.nr_file_pages, 0);
	EXPECT_EQ(tp->mm.nr_dirty, 0);
	EXPECT_EQ(e.sw.inuse, 0);
	EXPECT_EQ(smm_test_free_frames(&tp->mm), free0);
	EXPECT_EQ(smm_test_check(&tp->mm), 0);
	free(m);
	smm_test_swap_destroy(&e);
}
