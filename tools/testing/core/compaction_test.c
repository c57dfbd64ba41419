// SPDX-License-Identifier: GPL-2.0
/*
 * Migration and compaction (core/migrate.h, core/compaction.h): a page
 * moves with its data, its PTE's bits and its LRU record; what cannot
 * move is refused with a reason; compaction of a zone fragmented by a
 * space's anonymous pages makes a free block of the order asked for
 * whenever enough movable memory can move (a property over random
 * layouts), leaving every page's data and mapping as they were, every
 * unmovable page where it was, and CHECK whole. The allocator's own
 * compaction (compact_direct.c, compact_proactive.c): direct compaction
 * of an order-9 PAGE_ALLOC, its refusal and deferral when only
 * unmovable pages fragment the zone, the deferral helpers and
 * should_compact_retry() alone, the fragmentation score by hand,
 * proactive compaction and kcompactd's work.
 *
 * The test zone: 4096 frames (16 MiB) at pfn 0x10000, one zone (DMA32),
 * eight pageblocks of 512 frames. Unmovable pages (tables, LRU records,
 * netlink pages) steal pageblocks of their own at the bottom; the
 * space's pages fill the rest, then half of them are unmapped:
 *
 *	pb 0     pb 1     pb 2  ...                       pb 7
 *	[UUUu a ][a.a.a.a.][.aa..a.a] ...              [a..a.aa.]
 *	U unmovable, a anonymous, . free (order 0 and 1 holes)
 *
 * Compaction for order 9 moves the a's of the lowest movable pageblocks
 * into the holes of the highest until one pageblock is all free.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "common.h"
#include "../../../module/core/space.h"
#include "../../../module/core/owner.h"
#include "../../../module/core/page_owner.h"
#include "../../../module/core/migrate.h"
#include "../../../module/core/compaction.h"
#include "../../../module/core/trace_hooks.h"
#include "../../../module/core/vmstat.h"
#include "../../../module/core/oom.h"

#define PG		4096ULL
#define RW		SHADOWMM_PROT_WRITE
#define BASE		0x400000ULL
#define CT_FRAMES	4096ULL
#define CT_ZONE		SHADOWMM_ZONE_DMA32
#define CT_MAX_PAGES	4096
#define CT_MAX_UNMOV	64

/* One layout: its space, which pages stay mapped with what, the unmovable pages. */
struct ct_env {
	struct smm_test_swap e;
	struct smm_space s;
	u64 pages;			/* pages of the VMA */
	bool mapped[CT_MAX_PAGES];
	u64 value[CT_MAX_PAGES];	/* what page i holds */
	u32 flags[CT_MAX_PAGES];	/* its PTE's flags before */
	u64 unmov[CT_MAX_UNMOV];	/* netlink pages, by frame */
	unsigned int nr_unmov;
};

static struct ct_env *ct_new(u64 pages)
{
	struct ct_env *c = calloc(1, sizeof(*c));
	const char *why;

	if (!c || smm_test_swap_init(&c->e, CT_FRAMES, 256) ||
	    smm_space_init(&c->s, &c->e.t.mm, 1, 4) ||
	    smm_vma_mmap(&c->s, BASE, pages * PG, RW, &why)) {
		free(c);
		return NULL;
	}
	c->pages = pages;
	return c;
}

static void ct_free(struct ct_env *c)
{
	smm_space_destroy(&c->s);
	smm_free_owned(&c->e.t.mm, SMM_OWNER_NETLINK);
	smm_test_swap_destroy(&c->e);
	free(c);
}

static void *ct_mem(struct smm_mm *mm, u64 idx)
{
	const struct smm_section *sec = smm_range_section_of(mm->range, idx);

	return (char *)sec->virt + ((idx - sec->start) << SMM_PAGE_SHIFT);
}

/* Page @i's PTE, or NULL. */
static u64 *ct_pte(struct ct_env *c, u64 i)
{
	unsigned int level;
	u64 *slot = smm_space_entry(&c->s, BASE + i * PG, &level);

	return slot && level == SHADOWMM_PT_PTE && *slot ? slot : NULL;
}

/* The frame page @i is mapped at, or ~0. */
static u64 ct_frame(struct ct_env *c, u64 i)
{
	u64 *pte = ct_pte(c, i), idx;

	if (!pte || !smm_range_pfn_to_idx(c->e.t.mm.range,
					  smm_pte_pfn(c->s.fmt, SHADOWMM_PT_PTE, *pte), &idx))
		return ~0ULL;
	return idx;
}

/* Write @value into every word of page @i (a write fault the first time). */
static int ct_write(struct ct_env *c, u64 i, u64 value)
{
	struct smm_access res;
	const char *why;

	c->value[i] = value;
	c->mapped[i] = true;
	return smm_space_access(&c->s, BASE + i * PG, PG, SMM_ACCESS_WRITE, value, &res, &why);
}

/*
 * Whether ct_unmovable() asks for a movable page: a netlink page in a
 * movable pageblock, among the anonymous pages, where both scanners
 * look (PAGE_ALLOC type Movable makes such pages).
 */
static bool ct_unmov_movable;

/* An unmovable netlink page (PAGE_ALLOC's owner), its memory filled with its frame. */
static int ct_unmovable(struct ct_env *c)
{
	struct smm_mm *mm = &c->e.t.mm;
	u64 idx, *w;
	unsigned int i;

	if (c->nr_unmov == CT_MAX_UNMOV ||
	    smm_alloc_pages(mm, 0, ct_unmov_movable ? SHADOWMM_GFP_MOVABLE : 0, 0, &idx))
		return -1;
	smm_frame_own(mm, idx, SMM_FRAME_PAGE, smm_owner_data(SMM_OWNER_NETLINK, 7), 0);
	w = ct_mem(mm, idx);
	for (i = 0; i < PG / 8; i++)
		w[i] = idx;
	c->unmov[c->nr_unmov++] = idx;
	return 0;
}

/* Unmap page @i (munmap of one page). */
static int ct_unmap(struct ct_env *c, u64 i)
{
	const char *why;

	c->mapped[i] = false;
	return smm_vma_munmap(&c->s, BASE + i * PG, PG, &why);
}

/* Note each mapped page's PTE flags: what must survive a move. */
static void ct_note_flags(struct ct_env *c)
{
	u64 i;

	for (i = 0; i < c->pages; i++)
		if (c->mapped[i])
			c->flags[i] = smm_pte_flags(c->s.fmt, SHADOWMM_PT_PTE, *ct_pte(c, i));
}

/*
 * Every mapped page reads back what was written and keeps its PTE's
 * flags; every unmovable page is where it was, as it was; CHECK holds.
 * Returns the first page (or 1000000 + unmovable index) that fails, -1 if none.
 */
static long ct_verify(struct ct_env *c)
{
	struct smm_mm *mm = &c->e.t.mm;
	const struct smm_space *sp = &c->s;
	struct smm_access res;
	const char *why;
	unsigned int j;
	u64 i;

	for (i = 0; i < c->pages; i++) {
		u64 *pte;

		if (!c->mapped[i])
			continue;
		pte = ct_pte(c, i);
		if (!pte || smm_pte_flags(c->s.fmt, SHADOWMM_PT_PTE, *pte) != c->flags[i])
			return i;
		if (smm_space_access(&c->s, BASE + i * PG, PG, 0, 0, &res, &why) ||
		    res.csum != smm_test_csum_of(1, c->value[i]) || res.faults)
			return i;
	}
	for (j = 0; j < c->nr_unmov; j++) {
		const struct smm_frame *f = &mm->frames[c->unmov[j]];
		const u64 *w = ct_mem(mm, c->unmov[j]);

		if (smm_frame_type(f) != SMM_FRAME_PAGE || smm_frame_owner(f) != SMM_OWNER_NETLINK ||
		    w[0] != c->unmov[j] || w[PG / 8 - 1] != c->unmov[j])
			return 1000000 + j;
	}
	return smm_test_check_reclaim(mm, &sp, 1, true) ? 2000000 : -1;
}

/* Free blocks of @order or more in the test zone, any type. */
static u64 ct_free_blocks(struct smm_mm *mm, unsigned int order)
{
	u64 n = 0;
	unsigned int o, mt;

	for (o = order; o <= SMM_MAX_ORDER; o++)
		for (mt = 0; mt < SMM_NR_MT; mt++)
			n += mm->zones[CT_ZONE].area[o].nr_free[mt];
	return n;
}

/* The head of some free block of the test zone. */
static u64 ct_free_head(struct smm_mm *mm)
{
	unsigned int o;

	for (o = 0; o <= SMM_MAX_ORDER; o++)
		if (mm->zones[CT_ZONE].area[o].head[SHADOWMM_MT_MOVABLE] != SMM_FRAME_NONE)
			return mm->zones[CT_ZONE].area[o].head[SHADOWMM_MT_MOVABLE];
	return 0;
}

/*
 * Could order 9 be made by moving pages, as the two scanners move them?
 * Per movable pageblock from the bottom: its anonymous pages (a), its
 * free pages (f), whether anything unmovable sits in it. A clean
 * pageblock m becomes free when the anonymous pages of the movable
 * pageblocks up to m fit in the free pages of those above it (the free
 * scanner only looks above the migrate scanner), less a margin for the
 * min watermark the free scanner keeps and a batch of targets.
 */
static bool ct_enough(struct smm_mm *mm)
{
	const struct smm_zone *z = &mm->zones[CT_ZONE];
	u64 a[16] = { 0 }, f[16] = { 0 }, idx, below = 0, above;
	bool clean[16], mov[16];
	unsigned int nb = (z->end - z->start) / SMM_PAGEBLOCK_FRAMES, b, k;

	for (b = 0; b < nb; b++) {
		clean[b] = true;
		mov[b] = smm_pageblock_mt(mm, z->start + b * SMM_PAGEBLOCK_FRAMES) ==
			 SHADOWMM_MT_MOVABLE;
	}
	for (idx = z->start; idx < z->end;) {
		const struct smm_frame *fr = &mm->frames[idx];
		unsigned int t = smm_frame_type(fr), o = smm_frame_order(fr);

		b = (idx - z->start) / SMM_PAGEBLOCK_FRAMES;
		if (t == SMM_FRAME_FREE || t == SMM_FRAME_PCP)
			f[b] += 1ULL << o;
		else if (t == SMM_FRAME_SPACE && (smm_frame_data(fr) & SMM_ANON_BIT))
			a[b]++;
		else if (t != SMM_FRAME_TAIL)
			clean[b] = false;
		idx += t == SMM_FRAME_TAIL ? 1 : 1ULL << o;
	}
	for (b = 0; b < nb; b++) {
		if (!mov[b])
			continue;
		below += a[b];
		for (above = 0, k = b + 1; k < nb; k++)
			if (mov[k])
				above += f[k];
		if (clean[b] && below + z->wmark[SMM_WMARK_MIN] + 2 * SMM_COMPACT_CLUSTER_MAX +
				SMM_PAGEBLOCK_FRAMES / 2 <= above)
			return true;
	}
	return false;
}

/*
 * A layout from @seed: @pages pages faulted in order, an unmovable page
 * now and then between them, then each page unmapped with probability
 * 1/2 (or every other one), some of what stays swapped out and read
 * back (mapped pages of the swap cache).
 */
static struct ct_env *ct_layout(u64 seed)
{
	u64 st = seed * 0x9e3779b97f4a7c15ULL + 1, pages = 2900 + smm_test_rand(&st) % 500, i;
	bool checker = smm_test_rand(&st) % 2;
	struct ct_env *c = ct_new(pages);
	struct smm_access res;
	const char *why;
	u64 done;

	if (!c)
		return NULL;
	for (i = 0; i < pages; i++) {
		if (ct_write(c, i, smm_test_rand(&st)))
			goto fail;
		if (!(smm_test_rand(&st) % 128) && ct_unmovable(c))
			goto fail;
	}
	for (i = 0; i < pages; i++)
		if ((checker ? i % 2 : smm_test_rand(&st) % 2) && ct_unmap(c, i))
			goto fail;
	for (i = 0; i < pages; i += 97)
		if (c->mapped[i] && !smm_swap_pageout(&c->s, BASE + i * PG, PG, &done, &why) &&
		    (smm_space_access(&c->s, BASE + i * PG, PG, 0, 0, &res, &why) ||
		     res.csum != smm_test_csum_of(1, c->value[i])))	/* read back: a swap-cache page */
			goto fail;
	smm_drain_all_pcp(&c->e.t.mm);
	ct_note_flags(c);
	return c;
fail:
	ct_free(c);
	return NULL;
}

/*
 * The property, over 40 random layouts (SMM_SEED picks the first):
 * compaction for order 9 leaves a free block of order 9 whenever the
 * zone was suitable and enough movable memory could move (ct_enough()),
 * and in every case data, mappings, unmovable pages and CHECK intact.
 * At least some layouts must be fragmented enough to need a move.
 */
SMM_TEST(compact_property_random_layouts)
{
	u64 seed0 = smm_test_seed(1), seed;
	unsigned int moved_runs = 0, success = 0;

	for (seed = seed0; seed < seed0 + 40; seed++) {
		struct ct_env *c = ct_layout(seed);
		struct smm_compact_zone_res res;
		enum smm_compact_result before;
		bool enough;

		ASSERT_TRUE(c != NULL);
		ASSERT_EQ(ct_verify(c), -1);
		before = smm_compaction_suitable(&c->e.t.mm, CT_ZONE, 9);
		enough = ct_enough(&c->e.t.mm);
		ASSERT_EQ(smm_compact_zone(&c->e.t.mm, CT_ZONE, 9, &res), 0);
		if (before != SMM_COMPACT_SKIPPED && enough && !ct_free_blocks(&c->e.t.mm, 9))
			printf("# seed %llu: suitable, enough to move, no order-9 block (%s, %llu moved)\n",
			       (unsigned long long)seed, smm_compact_result_name(res.result),
			       (unsigned long long)res.migrated);
		if (before != SMM_COMPACT_SKIPPED && enough)
			EXPECT_TRUE(ct_free_blocks(&c->e.t.mm, 9) > 0);
		if (res.result == SMM_COMPACT_SUCCESS)
			EXPECT_TRUE(ct_free_blocks(&c->e.t.mm, 9) > 0);
		EXPECT_EQ(res.failed, 0);
		EXPECT_EQ(ct_verify(c), -1);
		moved_runs += res.migrated > 0;
		success += res.result == SMM_COMPACT_SUCCESS && res.migrated > 0;
		ct_free(c);
	}
	printf("# %u of 40 layouts moved pages, %u made order 9 by moving\n", moved_runs, success);
	EXPECT_TRUE(success >= 10);
}

/*
 * Netlink pages in movable pageblocks (PAGE_ALLOC with type Movable)
 * among the anonymous ones, over 10 layouts: compaction of the whole
 * zone neither moves them nor takes them as targets (each still holds
 * its frame number in every word, still the netlink page it was), and
 * every anonymous page keeps its data and mapping. Pages may fail to
 * move for want of targets here (the netlink pages take room at the
 * top), so failures are not asserted.
 */
SMM_TEST(compact_leaves_netlink_pages_in_movable_blocks)
{
	struct smm_compact_zone_res res;
	unsigned int seed, moved = 0;

	ct_unmov_movable = true;
	for (seed = 1; seed <= 10; seed++) {
		struct ct_env *c = ct_layout(seed);

		ASSERT_TRUE(c != NULL);
		ASSERT_TRUE(c->nr_unmov > 0);
		ASSERT_EQ(smm_compact_zone(&c->e.t.mm, CT_ZONE, -1, &res), 0);
		EXPECT_EQ(ct_verify(c), -1);
		moved += res.migrated > 0;
		ct_free(c);
	}
	ct_unmov_movable = false;
	EXPECT_TRUE(moved > 0);
}

/*
 * Every other page of 3500 unmapped (a checkerboard: no free order-1
 * block among them): order 9 was not free before, the run succeeds by
 * moving pages, the counters say so, and the whole zone compacted
 * after (order -1) leaves the scanners met (complete) with everything
 * still intact.
 */
SMM_TEST(compact_checkerboard_order9_then_whole_zone)
{
	struct ct_env *c = ct_new(3500);
	struct smm_mm *mm;
	struct smm_compact_zone_res res;
	u64 i, v[SMM_NR_ORDERS];
	int fi;

	ASSERT_TRUE(c != NULL);
	mm = &c->e.t.mm;
	for (i = 0; i < 3500; i++)
		ASSERT_EQ(ct_write(c, i, 0x1000 + i), 0);
	EXPECT_EQ(mm->events.pswpout, 0);	/* no reclaim: the layout is ours */
	for (i = 0; i < 3500; i += 2)
		ASSERT_EQ(ct_unmap(c, i), 0);
	smm_drain_all_pcp(mm);
	ct_note_flags(c);
	ASSERT_EQ(ct_free_blocks(mm, 9), 0);
	smm_zone_nr_free(&mm->zones[CT_ZONE], v);
	fi = smm_extfrag_index(v, 9);
	ASSERT_TRUE(fi > SMM_EXTFRAG_THRESHOLD);
	memset(smm_user_trace, 0, sizeof(smm_user_trace));
	ASSERT_EQ(smm_compact_zone(mm, CT_ZONE, 9, &res), 0);
	ASSERT_STREQ(smm_compact_result_name(res.result), "success");
	ASSERT_TRUE(ct_free_blocks(mm, 9) > 0);
	ASSERT_TRUE(res.migrated > 0);
	/* the tracepoints: one run, its batches' migrate_pages() adding up */
	EXPECT_EQ(smm_user_trace[SMM_TE_COMPACT_BEGIN].count, 1);
	EXPECT_EQ(smm_user_trace[SMM_TE_COMPACT_END].count, 1);
	EXPECT_EQ(smm_user_trace[SMM_TE_COMPACT_END].b, SMM_COMPACT_SUCCESS);
	EXPECT_EQ(smm_user_trace[SMM_TE_MIGRATE].sum_a, res.migrated);
	EXPECT_EQ(smm_user_trace[SMM_TE_MIGRATE].sum_b, res.failed);
	EXPECT_EQ(mm->compact.pgmigrate_success, res.migrated);
	EXPECT_EQ(mm->compact.pgmigrate_fail, 0);
	/* compact_success/fail are direct compaction's: an on-demand run counts neither */
	EXPECT_EQ(mm->compact.compact_success, 0);
	EXPECT_EQ(mm->compact.compact_fail, 0);
	EXPECT_EQ(mm->compact.compact_migrate_scanned, res.migrate_scanned);
	EXPECT_EQ(mm->compact.compact_free_scanned, res.free_scanned);
	EXPECT_EQ(mm->compact.compact_isolated, res.isolated);
	EXPECT_EQ(ct_verify(c), -1);
	/* again for order 9: there already, nothing to do */
	ASSERT_EQ(smm_compact_zone(mm, CT_ZONE, 9, &res), 0);
	ASSERT_STREQ(smm_compact_result_name(res.result), "success");
	EXPECT_EQ(res.migrated, 0);
	/* the whole zone: the scanners meet */
	ASSERT_EQ(smm_compact_zone(mm, CT_ZONE, -1, &res), 0);
	ASSERT_STREQ(smm_compact_result_name(res.result), "complete");
	EXPECT_EQ(mm->compact.compact_success, 0);	/* no run counts an outcome */
	EXPECT_EQ(ct_verify(c), -1);
	ct_free(c);
}

/*
 * compaction_suitable(): a zone whose free memory is mostly one block of
 * order 10 has order 9 already (success, nothing done); a zone almost
 * full is skipped for order 9 (less than low + compact_gap() free).
 */
SMM_TEST(compact_suitable_success_and_skipped)
{
	struct ct_env *c = ct_new(4000);
	struct smm_compact_zone_res res;
	u64 i;

	ASSERT_TRUE(c != NULL);
	EXPECT_EQ(smm_compaction_suitable(&c->e.t.mm, CT_ZONE, 9), SMM_COMPACT_SUCCESS);
	for (i = 0; i < 3700; i++)
		if (ct_write(c, i, i))
			break;
	smm_drain_all_pcp(&c->e.t.mm);
	EXPECT_EQ(smm_compaction_suitable(&c->e.t.mm, CT_ZONE, 9), SMM_COMPACT_SKIPPED);
	ASSERT_EQ(smm_compact_zone(&c->e.t.mm, CT_ZONE, 9, &res), 0);
	EXPECT_EQ(res.result, SMM_COMPACT_SKIPPED);
	EXPECT_EQ(res.migrate_scanned + res.free_scanned, 0);
	EXPECT_EQ(c->e.t.mm.compact.compact_fail + c->e.t.mm.compact.compact_success, 0);
	/* an empty zone is skipped whatever the order */
	EXPECT_EQ(smm_compaction_suitable(&c->e.t.mm, SHADOWMM_ZONE_NORMAL, -1),
		  SMM_COMPACT_SKIPPED);
	ct_free(c);
}

/*
 * smm_migrate_page() of one anonymous page: it moves to another frame,
 * reads back the same, keeps its PTE's flags (dirty, accessed, write),
 * its record follows; then every kind of page that cannot move is
 * refused with its reason and counted in pgmigrate_fail.
 */
SMM_TEST(migrate_page_moves_and_refuses)
{
	struct ct_env *c = ct_new(16);
	struct smm_page_owner po_from, po_to;
	struct smm_mm *mm;
	const char *why;
	u64 from, to, fail0, head;

	ASSERT_TRUE(c != NULL);
	mm = &c->e.t.mm;
	ASSERT_EQ(smm_page_owner_init(mm), 0);
	ASSERT_EQ(ct_write(c, 3, 0xabcdef), 0);
	ASSERT_EQ(ct_unmovable(c), 0);
	ct_note_flags(c);
	from = ct_frame(c, 3);
	ASSERT_EQ(smm_page_owner_get(mm, from, &head, &po_from), 0);
	ASSERT_EQ(smm_migrate_page(mm, from, &to, &why), 0);
	ASSERT_NE(to, from);
	/* folio_copy_owner(): the record follows, with the reason; the old page's is freed */
	ASSERT_EQ(smm_page_owner_get(mm, to, &head, &po_to), 0);
	EXPECT_EQ(po_to.state, SMM_PAGE_OWNER_ALLOCATED);
	EXPECT_EQ(po_to.ts_nsec, po_from.ts_nsec);
	EXPECT_EQ(po_to.last_migrate_reason, SMM_MR_SYSCALL);
	ASSERT_EQ(smm_page_owner_get(mm, from, &head, &po_from), 0);
	EXPECT_EQ(po_from.state, SMM_PAGE_OWNER_FREED);
	EXPECT_EQ(ct_frame(c, 3), to);
	EXPECT_EQ(smm_lru_rec_of(mm, to)->frame, to);
	EXPECT_EQ(smm_frame_type(&mm->frames[from]) == SMM_FRAME_SPACE, 0);
	EXPECT_EQ(mm->compact.pgmigrate_success, 1);
	EXPECT_EQ(ct_verify(c), -1);
	fail0 = mm->compact.pgmigrate_fail;
	ASSERT_NE(smm_migrate_page(mm, c->unmov[0], &to, &why), 0);
	ASSERT_STREQ(why, "a netlink page handle: unmovable (PAGE_ALLOC makes no movable promise)");
	/* the space's top table */
	ASSERT_EQ(smm_migrate_page(mm, c->s.root, &to, &why), -EBUSY);
	ASSERT_STREQ(why, "a page-table page: unmovable");
	ASSERT_EQ(smm_migrate_page(mm, mm->lru_pool.dir[0], &to, &why), -EBUSY);
	ASSERT_STREQ(why, "a page of LRU records: unmovable");
	ASSERT_EQ(smm_migrate_page(mm, ct_free_head(mm), &to, &why), -EBUSY);
	ASSERT_STREQ(why, "a free page: nothing to move");
	/* isolated by a scan: refused */
	ASSERT_TRUE(smm_lru_isolate_page(mm, ct_frame(c, 3)));
	ASSERT_EQ(smm_migrate_page(mm, ct_frame(c, 3), &to, &why), -EBUSY);
	ASSERT_STREQ(why, "isolated by a scan (reclaim or compaction)");
	smm_lru_putback_page(mm, ct_frame(c, 3));
	EXPECT_EQ(mm->compact.pgmigrate_fail, fail0 + 5);
	EXPECT_EQ(mm->compact.pgmigrate_success, 1);
	EXPECT_EQ(ct_verify(c), -1);
	ct_free(c);
}

/* The counters' names, in /proc/vmstat's order after oom_kill. */
SMM_TEST(compact_vmstat_names_in_order)
{
	static const char *const names[] = {
		"oom_kill", "pgmigrate_success", "pgmigrate_fail", "compact_migrate_scanned",
		"compact_free_scanned", "compact_isolated", "compact_stall", "compact_fail",
		"compact_success", "compact_daemon_wake", "swap_ra",
	};
	unsigned int i;

	for (i = 1; i < sizeof(names) / sizeof(names[0]); i++) {
		ASSERT_TRUE(smm_vmstat_find(names[i]) >= 0);
		EXPECT_EQ(smm_vmstat_find(names[i]), smm_vmstat_find(names[i - 1]) + 1);
	}
}

/*
 * The checkerboard of compact_checkerboard_order9_then_whole_zone: 3500
 * anonymous pages written, every other one unmapped, the lists drained:
 * half the zone free, no free block of order 1 among the holes, none of
 * order 9 at all.
 */
static struct ct_env *ct_checkerboard(void)
{
	struct ct_env *c = ct_new(3500);
	u64 i;

	if (!c)
		return NULL;
	for (i = 0; i < 3500; i++)
		if (ct_write(c, i, 0x1000 + i))
			goto fail;
	for (i = 0; i < 3500; i += 2)
		if (ct_unmap(c, i))
			goto fail;
	smm_drain_all_pcp(&c->e.t.mm);
	ct_note_flags(c);
	return c;
fail:
	ct_free(c);
	return NULL;
}

/*
 * smm_compact_scan_snapshot(), what ZONE_GET and smmtop show: nothing
 * before a run; after an order-9 run in the checkerboard, one run, not
 * running, order 9, the migrate scanner past the pages it moved and the
 * free scanner below the zone's end, apart (success before they met);
 * a run that compaction_suitable() ends at once (the block is there)
 * leaves them as they were; the whole zone leaves them met.
 */
SMM_TEST(compact_scan_snapshot_follows_the_run)
{
	struct ct_env *c = ct_checkerboard();
	struct smm_compact_zone_res res;
	struct smm_compact_scan sc, again;
	const struct smm_zone *z;
	struct smm_mm *mm;

	ASSERT_TRUE(c != NULL);
	mm = &c->e.t.mm;
	z = &mm->zones[CT_ZONE];
	smm_compact_scan_snapshot(mm, CT_ZONE, &sc);
	EXPECT_EQ(sc.runs, 0);
	EXPECT_TRUE(!sc.running);
	ASSERT_EQ(smm_compact_zone(mm, CT_ZONE, 9, &res), 0);
	ASSERT_EQ(res.result, SMM_COMPACT_SUCCESS);
	smm_compact_scan_snapshot(mm, CT_ZONE, &sc);
	EXPECT_EQ(sc.runs, 1);
	EXPECT_TRUE(!sc.running);
	EXPECT_EQ(sc.order, 9);
	EXPECT_TRUE(sc.migrate_pfn > z->start && sc.migrate_pfn < z->end);
	EXPECT_TRUE(sc.free_pfn >= z->start && sc.free_pfn < z->end - 1);
	EXPECT_TRUE(sc.free_pfn / SMM_PAGEBLOCK_FRAMES > sc.migrate_pfn / SMM_PAGEBLOCK_FRAMES);
	/* suitable says success: no scan, nothing published */
	ASSERT_EQ(smm_compact_zone(mm, CT_ZONE, 9, &res), 0);
	smm_compact_scan_snapshot(mm, CT_ZONE, &again);
	EXPECT_EQ(again.runs, 1);
	EXPECT_EQ(again.migrate_pfn, sc.migrate_pfn);
	EXPECT_EQ(again.free_pfn, sc.free_pfn);
	ASSERT_EQ(smm_compact_zone(mm, CT_ZONE, -1, &res), 0);
	ASSERT_EQ(res.result, SMM_COMPACT_COMPLETE);
	smm_compact_scan_snapshot(mm, CT_ZONE, &sc);
	EXPECT_EQ(sc.runs, 2);
	EXPECT_EQ(sc.order, -1);
	EXPECT_TRUE(!sc.running);
	EXPECT_TRUE(sc.free_pfn / SMM_PAGEBLOCK_FRAMES <= sc.migrate_pfn / SMM_PAGEBLOCK_FRAMES);
	EXPECT_EQ(ct_verify(c), -1);
	ct_free(c);
}

/*
 * Direct compaction in the PAGE_ALLOC path (smm_alloc_pages_oom()): an
 * order-9 request in the checkerboard, which has no free order-9 block
 * but enough movable pages, succeeds by the first (async) compaction,
 * before any reclaim: compact_stall and compact_success 1, no
 * compact_fail, no allocstall, no page swapped; every page still reads
 * back what it had. Without direct compaction the request fails (one
 * reclaim cannot make an order-9 block here).
 */
SMM_TEST(compact_direct_order9_page_alloc)
{
	struct ct_env *c = ct_checkerboard();
	struct smm_mm *mm;
	unsigned int cpu, z;
	u64 idx, stalls = 0;

	ASSERT_TRUE(c != NULL);
	mm = &c->e.t.mm;
	ASSERT_EQ(ct_free_blocks(mm, 9), 0);
	ASSERT_EQ(smm_alloc_pages_oom(mm, 9, 0, &cpu, &idx), 0);
	smm_frame_own(mm, idx, SMM_FRAME_PAGE, smm_owner_data(SMM_OWNER_NETLINK, 7), cpu);
	smm_cpu_put();
	EXPECT_EQ(mm->compact.compact_stall, 1);
	EXPECT_EQ(mm->compact.compact_success, 1);
	EXPECT_EQ(mm->compact.compact_fail, 0);
	EXPECT_TRUE(mm->compact.pgmigrate_success > 0);
	for (z = 0; z < SMM_NR_ZONES; z++)
		stalls += mm->reclaim.allocstall[z];
	EXPECT_EQ(stalls, 0);
	EXPECT_EQ(mm->events.pswpout, 0);
	EXPECT_EQ(mm->compact_defer[CT_ZONE].order_failed, 10);	/* reset past 9 */
	EXPECT_EQ(ct_verify(c), -1);
	ct_free(c);
}

/*
 * The zone taken by unmovable pages (netlink pages, no watermark) and
 * every one at an even frame freed: half of it free in order-0 pieces
 * that nothing can join. An order-9 PAGE_ALLOC fails: compaction runs
 * (async, then sync after a reclaim that finds nothing) and moves
 * nothing, and the sync failure defers the zone (shift 1; the failed
 * order stays 0, where a zone starts, until a success). The next requests find it deferred until the considered
 * count reaches 1 << shift, and each sync failure raises the shift:
 *   request 2: async deferred (1 of 2), sync runs (2 of 2), shift 2
 *   request 3: both deferred (1, 2 of 4), no stall
 *   request 4: async deferred (3 of 4), sync runs (4 of 4), shift 3
 */
SMM_TEST(compact_direct_unmovable_refused_and_deferred)
{
	struct ct_env *c = ct_new(16);
	struct smm_compact_defer *d;
	struct smm_mm *mm;
	unsigned int cpu;
	u64 idx;

	ASSERT_TRUE(c != NULL);
	mm = &c->e.t.mm;
	d = &mm->compact_defer[CT_ZONE];
	while (!smm_alloc_pages(mm, 0, SHADOWMM_GFP_RESERVE, 0, &idx))
		smm_frame_own(mm, idx, SMM_FRAME_PAGE, smm_owner_data(SMM_OWNER_NETLINK, 7), 0);
	smm_drain_all_pcp(mm);
	for (idx = mm->zones[CT_ZONE].start; idx < mm->zones[CT_ZONE].end; idx += 2)
		if (smm_frame_type(&mm->frames[idx]) == SMM_FRAME_PAGE)
			smm_free_pages(mm, idx, 0);
	smm_drain_all_pcp(mm);
	ASSERT_EQ(ct_free_blocks(mm, 1), 0);
	ASSERT_EQ(smm_compaction_suitable(mm, CT_ZONE, 9), SMM_COMPACT_CONTINUE);

	EXPECT_EQ(smm_alloc_pages_oom(mm, 9, 0, &cpu, &idx), -ENOMEM);
	EXPECT_EQ(mm->compact.compact_stall, 2);
	EXPECT_EQ(mm->compact.compact_fail, 2);
	EXPECT_EQ(mm->compact.compact_success, 0);
	EXPECT_EQ(mm->compact.pgmigrate_success, 0);
	EXPECT_EQ(d->defer_shift, 1);
	EXPECT_EQ(d->considered, 0);
	EXPECT_EQ(d->order_failed, 0);	/* as the kernel's zone: 0 until a success */

	EXPECT_EQ(smm_alloc_pages_oom(mm, 9, 0, &cpu, &idx), -ENOMEM);
	EXPECT_EQ(mm->compact.compact_stall, 3);
	EXPECT_EQ(d->defer_shift, 2);
	EXPECT_EQ(d->considered, 0);

	EXPECT_EQ(smm_alloc_pages_oom(mm, 9, 0, &cpu, &idx), -ENOMEM);
	EXPECT_EQ(mm->compact.compact_stall, 3);
	EXPECT_EQ(d->considered, 2);

	EXPECT_EQ(smm_alloc_pages_oom(mm, 9, 0, &cpu, &idx), -ENOMEM);
	EXPECT_EQ(mm->compact.compact_stall, 4);
	EXPECT_EQ(d->defer_shift, 3);
	EXPECT_EQ(mm->compact.compact_success, 0);
	EXPECT_EQ(smm_test_check(mm), 0);
	ct_free(c);
}

/*
 * The deferral helpers alone, from a success at order 4 (failed order
 * 5): after a failure at order 5 with shift s,
 * compaction_deferred() is true for the next (1 << s) - 1 attempts at
 * order 5 or above and false at the (1 << s)th and after; an order
 * below the failed one is never deferred; the shift stops at 6; a reset
 * after a successful allocation clears it, and lifts the failed order.
 */
SMM_TEST(compact_defer_shift_and_reset)
{
	struct ct_env *c = ct_new(16);
	struct smm_mm *mm;
	unsigned int s, i;

	ASSERT_TRUE(c != NULL);
	mm = &c->e.t.mm;
	EXPECT_EQ(!!(smm_compaction_deferred(mm, CT_ZONE, 9)), 0);	/* never failed */
	smm_compaction_defer_reset(mm, CT_ZONE, 4, true);
	EXPECT_EQ(mm->compact_defer[CT_ZONE].order_failed, 5);
	for (s = 1; s <= 8; s++) {
		unsigned int shift = s > SMM_COMPACT_MAX_DEFER_SHIFT ? SMM_COMPACT_MAX_DEFER_SHIFT : s;

		smm_defer_compaction(mm, CT_ZONE, 5);
		EXPECT_EQ(mm->compact_defer[CT_ZONE].defer_shift, shift);
		EXPECT_EQ(!!(smm_compaction_deferred(mm, CT_ZONE, 4)), 0);
		for (i = 1; i < 1U << shift; i++)
			EXPECT_TRUE(smm_compaction_deferred(mm, CT_ZONE, i % 2 ? 5 : 9));
		EXPECT_EQ(!!(smm_compaction_deferred(mm, CT_ZONE, 5)), 0);
		EXPECT_EQ(!!(smm_compaction_deferred(mm, CT_ZONE, 5)), 0);
	}
	smm_defer_compaction(mm, CT_ZONE, 5);
	smm_compaction_defer_reset(mm, CT_ZONE, 5, false);	/* compaction, not the allocation */
	EXPECT_EQ(mm->compact_defer[CT_ZONE].defer_shift, SMM_COMPACT_MAX_DEFER_SHIFT);
	EXPECT_EQ(mm->compact_defer[CT_ZONE].order_failed, 6);
	EXPECT_EQ(!!(smm_compaction_deferred(mm, CT_ZONE, 5)), 0);
	EXPECT_TRUE(smm_compaction_deferred(mm, CT_ZONE, 6));
	smm_compaction_defer_reset(mm, CT_ZONE, 9, true);
	EXPECT_EQ(mm->compact_defer[CT_ZONE].defer_shift, 0);
	EXPECT_EQ(mm->compact_defer[CT_ZONE].order_failed, 10);
	smm_defer_compaction(mm, CT_ZONE, 3);		/* a lower order failing lowers it */
	EXPECT_EQ(mm->compact_defer[CT_ZONE].order_failed, 3);
	ct_free(c);
}

/*
 * should_compact_retry(): a success that did not get the block retries
 * up to MAX_COMPACT_RETRIES times; a completed run raises the priority
 * (async -> sync light -> sync full) with the retries reset, then gives
 * up; a skipped run retries only if reclaim could give it its pages.
 */
SMM_TEST(compact_should_compact_retry)
{
	enum smm_compact_priority prio = SMM_COMPACT_PRIO_ASYNC;
	unsigned int retries = 0, i;

	EXPECT_EQ(!!(smm_should_compact_retry(0, SMM_COMPACT_SUCCESS, &prio, &retries, true)), 0);
	for (i = 1; i <= SMM_MAX_COMPACT_RETRIES; i++)
		EXPECT_TRUE(smm_should_compact_retry(2, SMM_COMPACT_SUCCESS, &prio, &retries, true));
	EXPECT_EQ(prio, SMM_COMPACT_PRIO_ASYNC);
	/* the 17th: out of retries, the priority rises instead */
	EXPECT_TRUE(smm_should_compact_retry(2, SMM_COMPACT_SUCCESS, &prio, &retries, true));
	EXPECT_EQ(prio, SMM_COMPACT_PRIO_SYNC_LIGHT);
	EXPECT_EQ(retries, 0);
	EXPECT_TRUE(smm_should_compact_retry(2, SMM_COMPACT_COMPLETE, &prio, &retries, true));
	EXPECT_EQ(prio, SMM_COMPACT_PRIO_SYNC_FULL);
	EXPECT_EQ(!!(smm_should_compact_retry(2, SMM_COMPACT_COMPLETE, &prio, &retries, true)), 0);
	EXPECT_TRUE(smm_should_compact_retry(2, SMM_COMPACT_SKIPPED, &prio, &retries, true));
	EXPECT_EQ(!!(smm_should_compact_retry(2, SMM_COMPACT_SKIPPED, &prio, &retries, false)), 0);
	/* costly: a quarter of the retries, and never below sync light */
	prio = SMM_COMPACT_PRIO_SYNC_LIGHT;
	retries = 0;
	for (i = 1; i <= SMM_MAX_COMPACT_RETRIES / 4; i++)
		EXPECT_TRUE(smm_should_compact_retry(9, SMM_COMPACT_SUCCESS, &prio, &retries, true));
	EXPECT_EQ(!!(smm_should_compact_retry(9, SMM_COMPACT_SUCCESS, &prio, &retries, true)), 0);
	EXPECT_EQ(!!(smm_should_compact_retry(9, SMM_COMPACT_DEFERRED, &prio, &retries, true)), 0);
}

/*
 * fragmentation_score_zone() on a layout computed by hand: the zone
 * emptied (no watermark), then one whole pageblock freed (an order-9
 * block) and every other frame of the next one (256 order-0 pages):
 * 768 free, 256 of them not in a block of order 9, score 256 * 100 / 768
 * = 33; the node's, weighted by present pages / (present + 1), 32. The
 * marks: low max(100 - p, 5), high min(low + 10, 100).
 */
SMM_TEST(compact_fragmentation_score)
{
	struct ct_env *c = ct_new(16);
	struct smm_mm *mm;
	struct smm_zone *z;
	u64 idx, pb;

	ASSERT_TRUE(c != NULL);
	mm = &c->e.t.mm;
	z = &mm->zones[CT_ZONE];
	while (!smm_alloc_pages(mm, 0, SHADOWMM_GFP_RESERVE, 0, &idx))
		smm_frame_own(mm, idx, SMM_FRAME_PAGE, smm_owner_data(SMM_OWNER_NETLINK, 7), 0);
	smm_drain_all_pcp(mm);
	ASSERT_EQ(z->free, 0);
	EXPECT_EQ(smm_fragmentation_score_zone(mm, CT_ZONE), 0);	/* nothing free */
	pb = (z->start + 2 * SMM_PAGEBLOCK_FRAMES - 1) & ~(SMM_PAGEBLOCK_FRAMES - 1);
	ASSERT_TRUE(pb + 2 * SMM_PAGEBLOCK_FRAMES <= z->end);
	for (idx = pb; idx < pb + SMM_PAGEBLOCK_FRAMES; idx++)
		if (smm_frame_type(&mm->frames[idx]) == SMM_FRAME_PAGE)
			smm_free_pages(mm, idx, 0);
	for (idx = pb + SMM_PAGEBLOCK_FRAMES; idx < pb + 2 * SMM_PAGEBLOCK_FRAMES; idx += 2)
		if (smm_frame_type(&mm->frames[idx]) == SMM_FRAME_PAGE)
			smm_free_pages(mm, idx, 0);
	smm_drain_all_pcp(mm);
	ASSERT_EQ(z->free, 768);
	ASSERT_EQ(ct_free_blocks(mm, 9), 1);
	EXPECT_EQ(smm_fragmentation_score_zone(mm, CT_ZONE), 33);
	EXPECT_EQ(smm_fragmentation_score_node(mm), 33 * z->present / (z->present + 1));
	EXPECT_EQ(smm_fragmentation_score_node(mm), 32);
	EXPECT_EQ(smm_fragmentation_score_wmark(mm, true), 80);	/* the default 20 */
	EXPECT_EQ(smm_fragmentation_score_wmark(mm, false), 90);
	EXPECT_EQ(!!(smm_should_proactive_compact_node(mm)), 0);	/* 32 <= 90 */
	mm->compaction_proactiveness = 100;
	EXPECT_EQ(smm_fragmentation_score_wmark(mm, true), 5);
	EXPECT_EQ(smm_fragmentation_score_wmark(mm, false), 15);
	EXPECT_TRUE(smm_should_proactive_compact_node(mm));
	mm->kswapd_running = true;
	EXPECT_EQ(!!(smm_should_proactive_compact_node(mm)), 0);	/* gives way to kshadowd */
	mm->kswapd_running = false;
	mm->compaction_proactiveness = 0;
	EXPECT_EQ(smm_fragmentation_score_wmark(mm, true), 100);
	EXPECT_EQ(!!(smm_should_proactive_compact_node(mm)), 0);	/* off */
	ct_free(c);
}

/*
 * Proactive compaction of the checkerboard (score 100: no free block of
 * order 9): with proactiveness 0 the node is not compacted; with 60
 * (low 40, high 50) proactive_compact_node() moves pages until the
 * zone's score is at or below 40 and says it made progress; data and
 * mappings intact. With 100 (low 5) it cannot get there (the pages at
 * the bottom and where the scanners meet stay) but still lowers it.
 */
SMM_TEST(compact_proactive_lowers_score)
{
	struct ct_env *c = ct_checkerboard();
	struct smm_mm *mm;
	unsigned int before, after;
	const char *why;

	ASSERT_TRUE(c != NULL);
	mm = &c->e.t.mm;
	before = smm_fragmentation_score_zone(mm, CT_ZONE);
	EXPECT_EQ(before, 100);
	ASSERT_EQ(smm_set_compaction_proactiveness(mm, 0, &why), 0);
	EXPECT_EQ(!!(smm_should_proactive_compact_node(mm)), 0);
	EXPECT_EQ(smm_set_compaction_proactiveness(mm, 101, &why), -EINVAL);
	ASSERT_STREQ(why, "compaction_proactiveness is out of range (0 to 100)");
	EXPECT_EQ(mm->compaction_proactiveness, 0);
	ASSERT_EQ(smm_set_compaction_proactiveness(mm, 60, &why), 0);
	EXPECT_TRUE(smm_should_proactive_compact_node(mm));
	EXPECT_TRUE(smm_proactive_compact_node(mm));
	after = smm_fragmentation_score_zone(mm, CT_ZONE);
	printf("# score %u -> %u (low 40), %llu pages moved\n", before, after,
	       (unsigned long long)mm->compact.pgmigrate_success);
	EXPECT_TRUE(after <= 40);
	EXPECT_TRUE(mm->compact.pgmigrate_success > 0);
	EXPECT_EQ(mm->compact.compact_stall + mm->compact.compact_success, 0);
	EXPECT_EQ(ct_verify(c), -1);
	ct_free(c);
}

/*
 * kcompactd_do_work() for order 9 in the checkerboard: one
 * compact_daemon_wake, an order-9 block free after, the zone's failed
 * order lifted past 9; again for a zone deferred at order 9 with shift
 * 1: skipped once (deferred), nothing scanned, one more wake.
 */
SMM_TEST(compact_kcompactd_do_work)
{
	struct ct_env *c = ct_checkerboard();
	struct smm_mm *mm;
	u64 scanned;

	ASSERT_TRUE(c != NULL);
	mm = &c->e.t.mm;
	EXPECT_TRUE(smm_kcompactd_node_suitable(mm, 9, SHADOWMM_ZONE_NORMAL));
	smm_kcompactd_do_work(mm, 9, SHADOWMM_ZONE_NORMAL, NULL);
	EXPECT_EQ(mm->compact.compact_daemon_wake, 1);
	EXPECT_TRUE(ct_free_blocks(mm, 9) > 0);
	EXPECT_EQ(mm->compact_defer[CT_ZONE].order_failed, 10);
	EXPECT_EQ(!!(smm_kcompactd_node_suitable(mm, 9, SHADOWMM_ZONE_NORMAL)), 0);	/* there */
	smm_defer_compaction(mm, CT_ZONE, 9);
	scanned = mm->compact.compact_migrate_scanned;
	smm_kcompactd_do_work(mm, 9, SHADOWMM_ZONE_NORMAL, NULL);
	EXPECT_EQ(mm->compact.compact_daemon_wake, 2);
	EXPECT_EQ(mm->compact.compact_migrate_scanned, scanned);
	EXPECT_EQ(mm->compact_defer[CT_ZONE].considered, 1);
	EXPECT_EQ(ct_verify(c), -1);
	ct_free(c);
}
