// SPDX-License-Identifier: GPL-2.0
/*
 * Workingset refault detection (core/workingset.h) and the shadow's
 * meminfo (core/vmstat.h), against a reference model of 6.1's
 * mm/workingset.c: a page evicted leaves a shadow entry (the age at
 * eviction, PG_workingset); its refault is counted; a distance up to the
 * workingset size (the active file list, no swap here) activates it, one
 * page more does not; a page evicted from the workingset is restored;
 * the age moves on evictions and activations; shadows leave with a
 * refault or the last close; shadow-only chunks are capped at
 * max_nodes, the oldest freed first. meminfo's lines are the sums of
 * the zones, lists and counters they stand for.
 *
 * Pages are evicted one by one through reclaim's pageout of a page-cache
 * page (smm_filemap_reclaim()), so each test knows the order; readahead
 * is off (ra_pages 0) so only the pages read are cached.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "common.h"
#include "../../../module/core/filemap.h"
#include "../../../module/core/lru.h"
#include "../../../module/core/vmstat.h"
#include "../../../module/core/workingset.h"
#include "../../../module/core/space.h"
#include "../../../module/core/vma.h"
#include "../../../module/core/walk.h"

#define PG		4096ULL
#define WS_FRAMES	1024		/* 4 MiB of shadow memory: max_nodes 16 */

/* The fake file: byte o is (o * 7) ^ (o >> 12); nothing else. */
static int ws_read(void *ctx, u64 off, void *buf, size_t len)
{
	size_t i;

	(void)ctx;
	for (i = 0; i < len; i++)
		((u8 *)buf)[i] = (u8)((off + i) * 7) ^ (u8)((off + i) >> 12);
	return 0;
}

static int ws_sink(void *priv, u64 off, const void *src, size_t len)
{
	(void)priv; (void)off; (void)src; (void)len;
	return 0;
}

static int ws_init(struct smm_test_mm *t)
{
	const struct smm_test_section sec = { SMM_TEST_SWAP_PFN, WS_FRAMES };

	return smm_test_mm_init_mem(t, &sec, 1, NULL, false, 1);
}

/* An inode of @pages pages, readahead off. */
static struct smm_inode *ws_open(struct smm_mm *mm, u32 id, u64 pages)
{
	struct smm_inode *ino;
	const char *why;

	if (smm_inode_create(mm, id, pages * PG, ws_read, NULL, &ino, &why))
		return NULL;
	smm_inode_set_ra_pages(ino, 0);
	return ino;
}

/* One read of page @index (a hit or a miss, folio_mark_accessed() once). */
static int ws_touch(struct smm_inode *ino, u64 index)
{
	struct smm_file_read_res res;
	const char *why;

	return smm_file_read(ino, index * PG, PG, ws_sink, NULL, &res, &why);
}

/* Reclaim's pageout of page @index, which must be cached. */
static int ws_evict(struct smm_inode *ino, u64 index)
{
	u64 frame = smm_filemap_get_folio(ino, index);

	if (frame == SMM_FILEMAP_NONE)
		return -ENOENT;
	return smm_filemap_reclaim(ino->mm, frame);
}

/* The list page @index of @ino is on, or -1. */
static int ws_list_of(struct smm_inode *ino, u64 index)
{
	u64 frame = smm_filemap_get_folio(ino, index);
	const struct smm_lru_rec *x;

	if (frame == SMM_FILEMAP_NONE)
		return -1;
	x = smm_lru_rec_of(ino->mm, frame);
	return x ? (int)(x->flags & SMM_LRU_F_LIST) : -1;
}

static u64 ws_lru(struct smm_mm *mm, enum smm_lru_list lru)
{
	u64 n = 0;
	unsigned int z;

	for (z = 0; z < SMM_NR_ZONES; z++)
		n += smm_lru_count(mm, z, lru);
	return n;
}

static int ws_check(struct smm_mm *mm)
{
	return smm_test_check_reclaim(mm, NULL, 0, false);
}

/*
 * Pages 1..@n (@n >= 2) of @ino read in two passes: @n pages on the
 * active file list (a page read twice in a row is marked once:
 * filemap_read()'s same-folio rule).
 */
static int ws_make_active(struct smm_inode *ino, u64 n)
{
	u64 i;

	for (i = 1; i <= 2 * n; i++)
		if (ws_touch(ino, 1 + (i - 1) % n))
			return -1;
	return 0;
}

/*
 * The reference model of workingset_refault() without swap: distance
 * (age now - age at eviction) masked, activated when at most the active
 * file list. Here: ten active pages, page 0 evicted, the age moved so
 * the distance is 10 (activated: distance == size) and then 11 (not):
 * each refault counted, one activation, the shadow gone each time.
 */
SMM_TEST(workingset_refault_distance_against_model)
{
	struct smm_test_mm t;
	struct smm_inode *ino;
	struct smm_workingset *ws = &t.mm.workingset;
	u64 age, shadow;

	ASSERT_EQ(ws_init(&t), 0);
	ino = ws_open(&t.mm, 1, 20);
	ASSERT_TRUE(ino != NULL);
	ASSERT_EQ(ws_make_active(ino, 10), 0);
	ASSERT_EQ(ws_lru(&t.mm, SMM_LRU_ACTIVE_FILE), 10);
	EXPECT_EQ(ws->nonresident_age, 10);	/* ten activations by a second read */

	/* short distance: evicted, 9 more ages, refault at distance 10 = size */
	ASSERT_EQ(ws_touch(ino, 0), 0);
	age = ws->nonresident_age;
	ASSERT_EQ(ws_evict(ino, 0), 0);
	shadow = smm_filemap_shadow(ino, 0);
	ASSERT_TRUE(smm_ws_is_shadow(shadow));
	EXPECT_EQ((shadow >> 1) & SMM_WS_EVICTION_MASK, age);
	EXPECT_EQ(shadow & 1, 0);			/* never active: not workingset */
	EXPECT_EQ(ws->nonresident_age, age + 1);
	EXPECT_EQ(ino->nr_shadows, 1);
	EXPECT_EQ(ws_check(&t.mm), 0);
	smm_workingset_age(&t.mm, 9);
	ASSERT_EQ(ws_touch(ino, 0), 0);
	EXPECT_EQ(ws->refault_file, 1);
	EXPECT_EQ(ws->activate_file, 1);
	EXPECT_EQ(ws->restore_file, 0);
	EXPECT_EQ(ws_list_of(ino, 0), SMM_LRU_ACTIVE_FILE);
	EXPECT_EQ(smm_filemap_shadow(ino, 0), 0);
	EXPECT_EQ(ino->nr_shadows, 0);
	EXPECT_EQ(ws->nonresident_age, age + 11);	/* the activation ages too */
	EXPECT_EQ(ws_check(&t.mm), 0);

	/* long distance: 11 > the 10 other active pages: inactive */
	ASSERT_EQ(ws_evict(ino, 0), 0);
	smm_workingset_age(&t.mm, 10);
	ASSERT_EQ(ws_touch(ino, 0), 0);
	EXPECT_EQ(ws->refault_file, 2);
	EXPECT_EQ(ws->activate_file, 1);
	EXPECT_EQ(ws_list_of(ino, 0), SMM_LRU_INACTIVE_FILE);
	EXPECT_EQ(ws_check(&t.mm), 0);

	/* a first read of a page never evicted is no refault */
	ASSERT_EQ(ws_touch(ino, 15), 0);
	EXPECT_EQ(ws->refault_file, 2);
	smm_inode_destroy(ino);
	smm_test_mm_destroy(&t);
}

/*
 * PG_workingset: a page deactivated by the active list's scan carries it
 * (folio_set_workingset()), its shadow says so, and its refault at a
 * short distance restores it (workingset_restore_file, the flag kept on
 * the new page).
 */
SMM_TEST(workingset_restore_of_a_deactivated_page)
{
	struct smm_test_mm t;
	struct smm_inode *ino;
	const struct smm_lru_rec *x;
	unsigned int z;

	ASSERT_EQ(ws_init(&t), 0);
	ino = ws_open(&t.mm, 1, 8);
	ASSERT_TRUE(ino != NULL);
	ASSERT_EQ(ws_make_active(ino, 4), 0);		/* pages 1..4 active */
	for (z = 0; z < SMM_NR_ZONES; z++)
		smm_shrink_active_file(&t.mm, z, 1);	/* the oldest, page 1, deactivated */
	ASSERT_EQ(ws_list_of(ino, 1), SMM_LRU_INACTIVE_FILE);
	x = smm_lru_rec_of(&t.mm, smm_filemap_get_folio(ino, 1));
	ASSERT_TRUE(x != NULL);
	EXPECT_TRUE(x->flags & SMM_LRU_F_WORKINGSET);
	ASSERT_EQ(ws_evict(ino, 1), 0);
	EXPECT_EQ(smm_filemap_shadow(ino, 1) & 1, 1);
	ASSERT_EQ(ws_touch(ino, 1), 0);
	EXPECT_EQ(t.mm.workingset.refault_file, 1);
	EXPECT_EQ(t.mm.workingset.activate_file, 1);
	EXPECT_EQ(t.mm.workingset.restore_file, 1);
	x = smm_lru_rec_of(&t.mm, smm_filemap_get_folio(ino, 1));
	ASSERT_TRUE(x != NULL);
	EXPECT_TRUE(x->flags & SMM_LRU_F_WORKINGSET);
	EXPECT_EQ(ws_check(&t.mm), 0);
	smm_inode_destroy(ino);
	smm_test_mm_destroy(&t);
}

/*
 * The age: 0 at start; +1 per activation by a second read, +1 per
 * eviction; nothing for a miss, for a hit on an active page, nor for a
 * scan that keeps its pages (no pageout: no eviction, no activation).
 */
SMM_TEST(workingset_age_advances_on_evictions_and_activations)
{
	struct smm_test_mm t;
	struct smm_inode *ino;
	struct smm_lru_scan res;
	u64 *age = &t.mm.workingset.nonresident_age;
	unsigned int z;

	ASSERT_EQ(ws_init(&t), 0);
	ino = ws_open(&t.mm, 1, 8);
	ASSERT_TRUE(ino != NULL);
	EXPECT_EQ(*age, 0);
	ASSERT_EQ(ws_touch(ino, 0), 0);
	ASSERT_EQ(ws_touch(ino, 1), 0);
	EXPECT_EQ(*age, 0);			/* misses: PG_referenced, no activation */
	ASSERT_EQ(ws_touch(ino, 0), 0);
	EXPECT_EQ(*age, 1);			/* activated */
	ASSERT_EQ(ws_touch(ino, 1), 0);
	EXPECT_EQ(*age, 2);
	ASSERT_EQ(ws_touch(ino, 0), 0);
	EXPECT_EQ(*age, 2);			/* active already */
	ASSERT_EQ(ws_evict(ino, 0), 0);
	EXPECT_EQ(*age, 3);
	ASSERT_EQ(ws_touch(ino, 2), 0);
	ASSERT_EQ(ws_touch(ino, 3), 0);
	for (z = 0; z < SMM_NR_ZONES; z++) {
		smm_shrink_inactive_file(&t.mm, z, 32, NULL, NULL, &res);
		EXPECT_EQ(res.activated, 0);
	}
	EXPECT_EQ(*age, 3);			/* kept, not activated: no age */
	EXPECT_EQ(ws_check(&t.mm), 0);
	smm_inode_destroy(ino);
	smm_test_mm_destroy(&t);
}

/*
 * Shadows leave: a chunk with a page and a shadow is no shadow node; the
 * last page evicted makes it one (workingset_nodes 1); a refault takes
 * the shadow back (no node again); the last close drops every shadow
 * and node, frees every chunk, and every frame is back.
 */
SMM_TEST(workingset_shadows_removed_on_refault_and_close)
{
	struct smm_test_mm t;
	struct smm_inode *ino;
	u64 free0, i;

	ASSERT_EQ(ws_init(&t), 0);
	free0 = smm_test_free_frames(&t.mm);
	ino = ws_open(&t.mm, 1, 600);		/* two chunks */
	ASSERT_TRUE(ino != NULL);
	for (i = 0; i < 3; i++)
		ASSERT_EQ(ws_touch(ino, i), 0);
	ASSERT_EQ(ws_touch(ino, 520), 0);
	ASSERT_EQ(ws_evict(ino, 0), 0);
	ASSERT_EQ(ws_evict(ino, 1), 0);
	EXPECT_EQ(ino->nr_shadows, 2);
	EXPECT_EQ(t.mm.workingset.nodes, 0);	/* page 2 still in chunk 0 */
	ASSERT_EQ(ws_evict(ino, 2), 0);
	EXPECT_EQ(t.mm.workingset.nodes, 1);
	EXPECT_EQ(ws_check(&t.mm), 0);
	ASSERT_EQ(ws_touch(ino, 1), 0);		/* a refault: shadow out, page in */
	EXPECT_EQ(ino->nr_shadows, 2);
	EXPECT_EQ(t.mm.workingset.nodes, 0);
	EXPECT_EQ(ws_check(&t.mm), 0);
	ASSERT_EQ(ws_evict(ino, 1), 0);
	ASSERT_EQ(ws_evict(ino, 520), 0);
	EXPECT_EQ(t.mm.workingset.nodes, 2);
	EXPECT_EQ(ino->nrpages, 0);
	EXPECT_EQ(ws_check(&t.mm), 0);
	smm_inode_destroy(ino);
	EXPECT_EQ(t.mm.workingset.nodes, 0);
	EXPECT_EQ(t.mm.nr_file_pages, 0);
	EXPECT_EQ(t.mm.lru_pool.recs, 0);
	EXPECT_EQ(smm_test_free_frames(&t.mm), free0);
	EXPECT_EQ(ws_check(&t.mm), 0);
	smm_test_mm_destroy(&t);
}

/*
 * The cap: max_nodes = 1024 present pages >> 6 = 16. One page read and
 * evicted in each of 40 chunks: nodes grow to 16 and stay there, each
 * one past it freeing the oldest (nodereclaim 24: chunks 0..23 lose
 * their shadows, 24..39 keep theirs); a refault where a shadow was
 * dropped is a plain miss, not a refault.
 */
SMM_TEST(workingset_shadow_nodes_capped_oldest_first)
{
	struct smm_test_mm t;
	struct smm_inode *ino;
	struct smm_workingset *ws = &t.mm.workingset;
	u64 c;

	ASSERT_EQ(ws_init(&t), 0);
	ASSERT_EQ(smm_workingset_max_nodes(&t.mm), 16);
	ino = ws_open(&t.mm, 1, 40 * SMM_FILEMAP_CHUNK);
	ASSERT_TRUE(ino != NULL);
	for (c = 0; c < 40; c++) {
		ASSERT_EQ(ws_touch(ino, c * SMM_FILEMAP_CHUNK), 0);
		ASSERT_EQ(ws_evict(ino, c * SMM_FILEMAP_CHUNK), 0);
		EXPECT_EQ(ws->nodes, min(c + 1, 16ULL));
		EXPECT_EQ(ws->nodereclaim, c + 1 > 16 ? c + 1 - 16 : 0);
	}
	for (c = 0; c < 40; c++) {
		EXPECT_EQ(smm_ws_is_shadow(smm_filemap_shadow(ino, c * SMM_FILEMAP_CHUNK)), c >= 24);
		EXPECT_EQ(ino->chunk[c] != NULL, c >= 24);
	}
	EXPECT_EQ(ino->nr_shadows, 16);
	EXPECT_EQ(ws_check(&t.mm), 0);
	ASSERT_EQ(ws_touch(ino, 0), 0);
	EXPECT_EQ(ws->refault_file, 0);
	ASSERT_EQ(ws_touch(ino, 39 * SMM_FILEMAP_CHUNK), 0);
	EXPECT_EQ(ws->refault_file, 1);
	EXPECT_EQ(ws->nodes, 15);
	EXPECT_EQ(ws_check(&t.mm), 0);
	smm_inode_destroy(ino);
	smm_test_mm_destroy(&t);
}

/* CHECK sees broken shadows: a chunk's shadow count, nr_shadows, workingset_nodes. */
SMM_TEST(workingset_check_catches_broken_shadows)
{
	struct smm_test_mm t;
	struct smm_inode *ino;

	ASSERT_EQ(ws_init(&t), 0);
	ino = ws_open(&t.mm, 1, 4);
	ASSERT_TRUE(ino != NULL);
	ASSERT_EQ(ws_touch(ino, 0), 0);
	ASSERT_EQ(ws_evict(ino, 0), 0);
	ASSERT_EQ(ws_check(&t.mm), 0);
	ino->chunk_shadows[0]++;
	EXPECT_TRUE(ws_check(&t.mm) != 0);
	ino->chunk_shadows[0]--;
	ino->nr_shadows++;
	EXPECT_TRUE(ws_check(&t.mm) != 0);
	ino->nr_shadows--;
	t.mm.workingset.nodes++;
	EXPECT_TRUE(ws_check(&t.mm) != 0);
	t.mm.workingset.nodes--;
	EXPECT_EQ(ws_check(&t.mm), 0);
	smm_inode_destroy(ino);
	smm_test_mm_destroy(&t);
}

/*
 * A file refault's workingset counts both anon lists when the swap area
 * has room (6.1: the anon pages compete with it), not otherwise: two
 * active file pages and a space's eight anonymous pages; a page
 * refaulting at distance 10 is activated with swap on (2 + 8) and not
 * with it off (2).
 */
static int ws_distance_10(struct smm_mm *mm, bool *activated)
{
	struct smm_inode *ino = ws_open(mm, 1, 8);
	struct smm_space sp;
	struct smm_access acc;
	const char *why;
	u64 act;

	if (!ino || ws_make_active(ino, 2) || smm_space_init(&sp, mm, 1, 4))
		return -1;
	if (smm_vma_mmap(&sp, 0x400000, 8 * PG, SHADOWMM_PROT_WRITE, &why) ||
	    smm_space_access(&sp, 0x400000, 8 * PG, SMM_ACCESS_WRITE, 7, &acc, &why) ||
	    ws_touch(ino, 0) || ws_evict(ino, 0))
		return -1;
	act = mm->workingset.activate_file;
	smm_workingset_age(mm, 9);
	if (ws_touch(ino, 0))
		return -1;
	*activated = mm->workingset.activate_file > act;
	smm_space_destroy(&sp);
	smm_inode_destroy(ino);
	return 0;
}

SMM_TEST(workingset_file_refault_counts_anon_with_swap_room)
{
	struct smm_test_swap e;
	struct smm_test_mm t;
	bool activated;

	ASSERT_EQ(smm_test_swap_init(&e, WS_FRAMES, 64), 0);
	ASSERT_EQ(ws_distance_10(&e.t.mm, &activated), 0);
	EXPECT_TRUE(activated);
	smm_test_swap_destroy(&e);
	ASSERT_EQ(ws_init(&t), 0);
	ASSERT_EQ(ws_distance_10(&t.mm, &activated), 0);
	EXPECT_TRUE(!activated);
	smm_test_mm_destroy(&t);
}

/* A vmstat reading of @mm with no spaces (none here). */
static u64 ws_vs(const u64 *val, const char *name)
{
	int i = smm_vmstat_find(name);

	return i < 0 ? ~0ULL : val[i];
}

/*
 * meminfo against the model: each line the sum it stands for, in kB:
 * MemTotal the zones' managed pages, MemFree the zones' free pages,
 * Active + Inactive the four lists (a space's eight anonymous pages,
 * four of them activated by two scans that find them referenced, six
 * active and two inactive file pages), AnonPages the space's, Active(file)/Inactive(file) the
 * lists, Cached nr_file_pages, SwapTotal/SwapFree the area, Slab the
 * two slab lines, MemAvailable si_mem_available()'s rule recomputed
 * here from the zones.
 */
SMM_TEST(meminfo_lines_are_their_sums)
{
	struct smm_test_swap e;
	struct smm_mm *mm;
	struct smm_inode *ino;
	struct smm_space sp;
	struct smm_access acc;
	struct smm_lru_scan res;
	const char *why;
	u64 val[512], kb[SMM_NR_MEMINFO], total = 0, free = 0, low = 0, reserve = 0, lists = 0;
	u64 pc, avail;
	unsigned int z, j, l;

	ASSERT_EQ(smm_test_swap_init(&e, WS_FRAMES, 64), 0);
	mm = &e.t.mm;
	ASSERT_TRUE(smm_vmstat_nr <= 512);
	ino = ws_open(mm, 1, 40);
	ASSERT_TRUE(ino != NULL);
	ASSERT_EQ(ws_make_active(ino, 6), 0);
	ASSERT_EQ(ws_touch(ino, 20), 0);
	ASSERT_EQ(ws_touch(ino, 21), 0);
	ASSERT_EQ(smm_space_init(&sp, mm, 1, 4), 0);
	ASSERT_EQ(smm_vma_mmap(&sp, 0x400000, 8 * PG, SHADOWMM_PROT_WRITE, &why), 0);
	ASSERT_EQ(smm_space_access(&sp, 0x400000, 8 * PG, SMM_ACCESS_WRITE, 7, &acc, &why), 0);
	for (j = 0; j < 2; j++) {
		/* referenced at two scans in a row: activated */
		ASSERT_EQ(smm_space_access(&sp, 0x400000, 4 * PG, SMM_ACCESS_WRITE, 7, &acc, &why), 0);
		for (z = 0; z < SMM_NR_ZONES; z++)
			smm_shrink_inactive_list(mm, z, 64, NULL, NULL, &res);
	}
	ASSERT_EQ(smm_vmstat_read(mm, NULL, val), 0);
	smm_vmstat_add_space(&sp, val);
	smm_meminfo_fill(mm, val, 0, kb);
	for (z = 0; z < SMM_NR_ZONES; z++) {
		const struct smm_zone *zn = &mm->zones[z];
		u64 r = 0;

		total += zn->managed;
		free += zn->free;
		low += zn->wmark[SMM_WMARK_LOW] + zn->watermark_boost;
		for (j = z; j < SMM_NR_ZONES; j++)
			r = max(r, zn->lowmem_reserve[j]);
		reserve += min(r + zn->wmark[SMM_WMARK_HIGH], zn->managed);
		for (l = 0; l < SMM_LRU_UNEVICTABLE; l++)
			lists += smm_lru_count(mm, z, l);
	}
	EXPECT_EQ(kb[SMM_MI_MEMTOTAL], total * 4);
	EXPECT_EQ(kb[SMM_MI_MEMFREE], free * 4);
	EXPECT_EQ(kb[SMM_MI_ACTIVE] + kb[SMM_MI_INACTIVE], lists * 4);
	EXPECT_EQ(kb[SMM_MI_ACTIVE_FILE], ws_lru(mm, SMM_LRU_ACTIVE_FILE) * 4);
	EXPECT_EQ(kb[SMM_MI_ACTIVE_FILE], 6 * 4);
	EXPECT_EQ(kb[SMM_MI_INACTIVE_FILE], 2 * 4);
	EXPECT_EQ(kb[SMM_MI_ACTIVE], kb[SMM_MI_ACTIVE_ANON] + kb[SMM_MI_ACTIVE_FILE]);
	EXPECT_EQ(kb[SMM_MI_ACTIVE_ANON], 4 * 4);
	EXPECT_EQ(kb[SMM_MI_INACTIVE_ANON], 4 * 4);
	EXPECT_EQ(kb[SMM_MI_ANONPAGES], 8 * 4);
	EXPECT_EQ(kb[SMM_MI_PAGETABLES], ws_vs(val, "nr_page_table_pages") * 4);
	EXPECT_EQ(kb[SMM_MI_CACHED], mm->nr_file_pages * 4);
	EXPECT_EQ(kb[SMM_MI_CACHED], 8 * 4);
	EXPECT_EQ(kb[SMM_MI_SWAPTOTAL], 63 * 4);
	EXPECT_EQ(kb[SMM_MI_SWAPFREE], (63 - mm->swap->inuse) * 4);
	EXPECT_EQ(kb[SMM_MI_BUFFERS] + kb[SMM_MI_SHMEM], 0);
	EXPECT_EQ(kb[SMM_MI_SLAB], kb[SMM_MI_SRECLAIMABLE] + kb[SMM_MI_SUNRECLAIM]);
	EXPECT_EQ(kb[SMM_MI_KRECLAIMABLE], kb[SMM_MI_SRECLAIMABLE]);
	EXPECT_EQ(kb[SMM_MI_DIRTY], ws_vs(val, "nr_dirty") * 4);
	pc = ws_lru(mm, SMM_LRU_ACTIVE_FILE) + ws_lru(mm, SMM_LRU_INACTIVE_FILE);
	pc -= min(pc / 2, low);
	avail = free + pc > reserve ? free + pc - reserve : 0;
	EXPECT_EQ(kb[SMM_MI_MEMAVAILABLE], avail * 4);
	EXPECT_EQ(strcmp(smm_meminfo_names[SMM_MI_INACTIVE_FILE], "Inactive(file)"), 0);
	smm_space_destroy(&sp);
	smm_inode_destroy(ino);
	smm_test_swap_destroy(&e);
}

/*
 * Anonymous pages: a page swapped out leaves a shadow entry in its slot
 * (the age it was evicted at; the age + 1), its swap-in is a refault
 * (workingset_refault_anon), the shadow gone. Without file pages the
 * workingset of an anon refault (active file + inactive file + active
 * anon with swap room) is empty: distance 1 is too long, the page stays
 * inactive. With four inactive file pages it is activated (active
 * anon list, workingset_activate_anon, the age + 1). A slot freed with its
 * entry (munmap) drops its shadow.
 *
 *	space: | a0 | a1 | a2 | a3 |   swap: slot of a0 -> shadow, then a page again
 */
SMM_TEST(workingset_anon_refault_through_swap_slots)
{
	struct smm_test_swap e;
	struct smm_mm *mm;
	struct smm_space sp;
	const struct smm_space *spp = &sp;
	struct smm_access acc;
	struct smm_inode *ino;
	const struct smm_lru_rec *x;
	struct smm_walk w;
	const char *why;
	u64 age, frame;

	ASSERT_EQ(smm_test_swap_init(&e, WS_FRAMES, 64), 0);
	mm = &e.t.mm;
	ASSERT_EQ(smm_space_init(&sp, mm, 1, 4), 0);
	ASSERT_EQ(smm_vma_mmap(&sp, 0x400000, 4 * PG, SHADOWMM_PROT_WRITE, &why), 0);
	ASSERT_EQ(smm_space_access(&sp, 0x400000, 4 * PG, SMM_ACCESS_WRITE, 7, &acc, &why), 0);

	age = mm->workingset.nonresident_age;
	ASSERT_EQ(smm_swap_out_page(&sp, 0x400000, &why), 0);
	EXPECT_EQ(mm->swap->nr_shadows, 1);
	EXPECT_EQ(mm->workingset.nonresident_age, age + 1);
	EXPECT_EQ(smm_test_check_reclaim(mm, &spp, 1, true), 0);
	ASSERT_EQ(smm_space_access(&sp, 0x400000, 8, 0, 0, &acc, &why), 0);
	EXPECT_EQ(mm->workingset.refault_anon, 1);
	EXPECT_EQ(mm->workingset.activate_anon, 0);
	EXPECT_EQ(mm->swap->nr_shadows, 0);
	EXPECT_EQ(ws_lru(mm, SMM_LRU_ACTIVE_ANON), 0);
	EXPECT_EQ(smm_test_check_reclaim(mm, &spp, 1, true), 0);

	ino = ws_open(mm, 1, 8);
	ASSERT_TRUE(ino != NULL);
	for (age = 0; age < 4; age++)		/* four inactive file pages */
		ASSERT_EQ(ws_touch(ino, age), 0);
	ASSERT_EQ(smm_swap_out_page(&sp, 0x401000, &why), 0);
	ASSERT_EQ(smm_space_access(&sp, 0x401000, 8, 0, 0, &acc, &why), 0);
	EXPECT_EQ(mm->workingset.refault_anon, 2);
	EXPECT_EQ(mm->workingset.activate_anon, 1);
	EXPECT_EQ(mm->workingset.refault_file, 0);
	EXPECT_EQ(ws_lru(mm, SMM_LRU_ACTIVE_ANON), 1);
	ASSERT_EQ(smm_space_walk(&sp, 0x401000, &w), 0);
	ASSERT_TRUE(smm_range_pfn_to_idx(&e.t.range, w.pfn, &frame));
	x = smm_lru_rec_of(mm, frame);
	ASSERT_TRUE(x != NULL);
	EXPECT_EQ(x->flags & SMM_LRU_F_LIST, SMM_LRU_ACTIVE_ANON);
	EXPECT_EQ(smm_test_check_reclaim(mm, &spp, 1, true), 0);

	/* a shadow leaves with its slot */
	ASSERT_EQ(smm_swap_out_page(&sp, 0x402000, &why), 0);
	EXPECT_EQ(mm->swap->nr_shadows, 1);
	ASSERT_EQ(smm_vma_munmap(&sp, 0x402000, PG, &why), 0);
	EXPECT_EQ(mm->swap->nr_shadows, 0);
	EXPECT_EQ(smm_test_check_reclaim(mm, &spp, 1, true), 0);
	smm_space_destroy(&sp);
	smm_inode_destroy(ino);
	smm_test_swap_destroy(&e);
}
