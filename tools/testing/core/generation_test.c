// SPDX-License-Identifier: GPL-2.0
/*
 * The generation lockless readers check (smm_mm_generation()): it moves
 * with every change a reader of the frame map could see, retypes by the
 * slab and space owners included, by exactly one write section (2) per
 * locked change; it shows a write section left open; and it stays still
 * when nothing changes, so an idle dump is never flagged; and with a
 * writer on another thread, no walk it calls still was torn. Every test runs
 * on one 16 MiB section with real memory behind it, two CPUs:
 *
 *   index 0                                             4096
 *         [ DMA32 ............................................ ]
 *           slabs, space tables and pages come from here
 */
#include <pthread.h>
#include <time.h>

#include "harness.h"
#include "common.h"
#include "../../../module/core/frame_map.h"
#include "../../../module/core/handle.h"
#include "../../../module/core/slab.h"
#include "../../../module/core/space.h"

#ifndef EXPECT_FALSE
#define EXPECT_FALSE(a)		_SMM_CMP(!!(a), ==, 0, 0)
#endif

#define GEN_FRAMES	4096
#define GEN_SECTION	0x10000ULL	/* pfn of the section: 256 MiB */

/* What one write section adds to the generation: begin and end. */
#define GEN_SECTION_STEP	2

static int gen_init(struct smm_test_mm *t)
{
	static const struct smm_test_section sec = { GEN_SECTION, GEN_FRAMES };

	return smm_test_mm_init_mem(t, &sec, 1, NULL, true, 2);
}

/* Frames the map shows in FRAME_GET @state, walked as FRAME_GET walks it. */
static u64 frames_in(const struct smm_mm *mm, u32 state)
{
	struct smm_run run;
	u64 pos = 0, n = 0;

	while (smm_next_run(mm, &pos, mm->range->span, &run))
		if (run.state == state)
			n += run.count;
	return n;
}

/*
 * A retype alone, the change the old generation (a sum of allocation
 * counters) missed: a block already allocated becomes a slab head and a
 * page head again. Each store is one write section: +2, and the frame
 * map shows the new type. The other zones' generations do not move.
 */
SMM_TEST(generation_moves_on_a_bare_retype)
{
	struct smm_test_mm t;
	u64 idx, gen, zgen[SMM_NR_ZONES];
	unsigned int zi, z;

	ASSERT_EQ(gen_init(&t), 0);
	ASSERT_EQ(smm_alloc_pages(&t.mm, 0, 0, 0, &idx), 0);
	zi = smm_zone_of(&t.mm, idx);
	for (z = 0; z < SMM_NR_ZONES; z++)
		zgen[z] = smm_zone_generation(&t.mm, z);
	gen = smm_mm_generation(&t.mm);
	EXPECT_EQ(gen & 1, 0);
	EXPECT_EQ(frames_in(&t.mm, SHADOWMM_FRAME_SLAB), 0);

	smm_frame_own(&t.mm, idx, SMM_FRAME_SLAB, smm_owner_data(SMM_OWNER_SLAB, 7), 1);
	EXPECT_TRUE(smm_mm_generation_moved(&t.mm, gen));
	EXPECT_EQ(smm_mm_generation(&t.mm), gen + GEN_SECTION_STEP);
	EXPECT_EQ(frames_in(&t.mm, SHADOWMM_FRAME_SLAB), 1);
	for (z = 0; z < SMM_NR_ZONES; z++)
		EXPECT_EQ(smm_zone_generation_moved(&t.mm, z, zgen[z]), z == zi);

	smm_frame_own(&t.mm, idx, SMM_FRAME_PAGE, 0, 0);
	EXPECT_EQ(smm_mm_generation(&t.mm), gen + 2 * GEN_SECTION_STEP);
	EXPECT_EQ(frames_in(&t.mm, SHADOWMM_FRAME_SLAB), 0);
	smm_free_pages(&t.mm, idx, 0);
	EXPECT_EQ(smm_test_check(&t.mm), 0);
	smm_test_mm_destroy(&t);
}

/*
 * Slab growth and shrink: a new slab is a block from the per-CPU lists
 * (one section) retyped SLAB (another), a discarded one retyped PAGE and
 * freed to the lists: 2 sections per slab each way, so the generation
 * moves by 4 per slab, 2 of them the retype's.
 */
SMM_TEST(generation_moves_on_slab_grow_and_shrink)
{
	struct smm_test_mm t;
	struct smm_slabs s;
	struct smm_cache *c;
	u64 gen, pos, slabs;
	u64 per_slab = 2 * GEN_SECTION_STEP;

	ASSERT_EQ(gen_init(&t), 0);
	ASSERT_EQ(smm_slabs_init(&s, &t.mm, 0x5eed, 0), 0);
	c = smm_kmalloc_cache(&s, 256);
	ASSERT_TRUE(c != NULL);
	ASSERT_LE(c->order, SMM_PCP_MAX_ORDER);

	/* grow: the first object of an empty cache makes its first slab */
	slabs = c->nr_slabs;
	gen = smm_mm_generation(&t.mm);
	ASSERT_TRUE(smm_cache_alloc(c, 1, 0, &pos) != NULL);
	EXPECT_EQ(c->nr_slabs, slabs + 1);
	EXPECT_EQ(smm_mm_generation(&t.mm), gen + per_slab);
	EXPECT_EQ(frames_in(&t.mm, SHADOWMM_FRAME_SLAB), 1ULL << c->order);

	/* objects served from the slab change no descriptor */
	gen = smm_mm_generation(&t.mm);
	EXPECT_EQ(smm_cache_free(c, pos, 1), 0);
	EXPECT_FALSE(smm_mm_generation_moved(&t.mm, gen));

	/* shrink: the empty slab goes back to the buddy */
	gen = smm_mm_generation(&t.mm);
	EXPECT_EQ(smm_cache_shrink(c, 1), 1ULL << c->order);
	EXPECT_EQ(c->nr_slabs, slabs);
	EXPECT_EQ(smm_mm_generation(&t.mm), gen + per_slab);
	EXPECT_EQ(frames_in(&t.mm, SHADOWMM_FRAME_SLAB), 0);

	smm_slabs_destroy(&s);
	EXPECT_EQ(smm_test_check(&t.mm), 0);
	smm_test_mm_destroy(&t);
}

/*
 * Space map and unmap: every order-0 block a space takes (tables and the
 * page) or gives back is an allocation or free plus a retype, 4 each.
 *
 *   map 0x400000: PUD, PMD, PTE tables + 1 page = 4 blocks
 *   unmap it:     the page and the 3 tables that became empty
 */
SMM_TEST(generation_moves_on_space_map_and_unmap)
{
	struct smm_test_mm t;
	struct smm_space sp;
	u64 gen, frames;
	u64 per_block = 2 * GEN_SECTION_STEP;

	ASSERT_EQ(gen_init(&t), 0);
	gen = smm_mm_generation(&t.mm);
	ASSERT_EQ(smm_space_init(&sp, &t.mm, 3, 4), 0);
	EXPECT_EQ(smm_mm_generation(&t.mm), gen + per_block);	/* the root */

	frames = smm_space_frames(&sp);
	gen = smm_mm_generation(&t.mm);
	ASSERT_EQ(smm_space_map(&sp, 0x400000, 1, 12, SHADOWMM_PROT_WRITE), 0);
	EXPECT_EQ(smm_space_frames(&sp), frames + 4);
	EXPECT_EQ(smm_mm_generation(&t.mm), gen + 4 * per_block);
	EXPECT_EQ(frames_in(&t.mm, SHADOWMM_FRAME_SPACE), 1);
	EXPECT_EQ(frames_in(&t.mm, SHADOWMM_FRAME_PGTABLE), 4);

	gen = smm_mm_generation(&t.mm);
	smm_space_unmap(&sp, 0x400000, 1, 12);
	EXPECT_EQ(smm_space_frames(&sp), frames);
	EXPECT_EQ(smm_mm_generation(&t.mm), gen + 4 * per_block);
	EXPECT_EQ(frames_in(&t.mm, SHADOWMM_FRAME_SPACE), 0);

	smm_space_destroy(&sp);
	EXPECT_EQ(frames_in(&t.mm, SHADOWMM_FRAME_PGTABLE), 0);
	EXPECT_EQ(smm_test_check(&t.mm), 0);
	smm_test_mm_destroy(&t);
}

/*
 * A write section still open when a reader starts (a CPU between its
 * seqcount's begin and end) makes the generation odd, and odd counts as
 * moved even if nothing else changes before the reader looks again; once
 * it closes, a fresh generation is even and still.
 */
SMM_TEST(generation_shows_an_open_write_section)
{
	struct smm_test_mm t;
	struct smm_pcp *pcp;
	struct smm_zone *z;
	u64 gen;

	ASSERT_EQ(gen_init(&t), 0);
	pcp = smm_pcp_of(&t.mm, 1, SHADOWMM_ZONE_DMA32);
	z = &t.mm.zones[SHADOWMM_ZONE_DMA32];

	smm_seq_write_begin(&pcp->seq);
	gen = smm_mm_generation(&t.mm);
	EXPECT_EQ(gen & 1, 1);
	EXPECT_TRUE(smm_mm_generation_moved(&t.mm, gen));
	EXPECT_TRUE(smm_zone_generation_moved(&t.mm, SHADOWMM_ZONE_DMA32,
					      smm_zone_generation(&t.mm, SHADOWMM_ZONE_DMA32)));
	/* two open sections must not cancel out into an even sum */
	smm_seq_write_begin(&z->seq);
	EXPECT_EQ(smm_mm_generation(&t.mm) & 1, 1);
	smm_seq_write_end(&z->seq);
	smm_seq_write_end(&pcp->seq);

	gen = smm_mm_generation(&t.mm);
	EXPECT_EQ(gen & 1, 0);
	EXPECT_FALSE(smm_mm_generation_moved(&t.mm, gen));
	smm_test_mm_destroy(&t);
}

/*
 * Reading changes nothing: walking the map, CHECK (which takes every
 * lock), handle lookups, and marking a handle (only data bits no dump
 * shows) leave the generation where it was, so a dump with nothing
 * happening around it is never flagged.
 */
SMM_TEST(generation_still_while_only_reading)
{
	struct smm_test_mm t;
	u64 idx, gen, got;
	char why[128];

	ASSERT_EQ(gen_init(&t), 0);
	ASSERT_EQ(smm_alloc_pages(&t.mm, 2, 0, 0, &idx), 0);
	smm_frame_set_data(&t.mm.frames[idx], smm_owner_data(SMM_OWNER_NETLINK, 42));
	gen = smm_mm_generation(&t.mm);

	EXPECT_EQ(frames_in(&t.mm, SHADOWMM_FRAME_PAGE), 4);
	EXPECT_EQ(smm_check(&t.mm, why, sizeof(why)), 0);
	EXPECT_EQ(smm_handle_lookup(&t.mm, smm_handle(idx, 42), &got), NULL);
	EXPECT_EQ(got, idx);
	smm_handle_mark(&t.mm, idx, true);
	smm_handle_mark(&t.mm, idx, false);
	EXPECT_FALSE(smm_mm_generation_moved(&t.mm, gen));

	smm_free_pages(&t.mm, idx, 0);
	EXPECT_TRUE(smm_mm_generation_moved(&t.mm, gen));
	smm_test_mm_destroy(&t);
}

/* ---- a reader beside a writer ---------------------------------------- */

#define TORN_BLOCKS	64
#define TORN_WALKS	100000

struct torn_writer {
	struct smm_mm *mm;
	u64 low, high;		/* the lowest and highest of its blocks */
	volatile int stop;
	unsigned long moves;
};

/*
 * CPU 1's side: one slab "token" moves between two of its blocks, the
 * lowest and the highest, by retypes alone (no allocation, so only the
 * retypes can move the generation): the one it leaves becomes a PAGE,
 * then the other a SLAB. At any moment at most one frame is a slab; a
 * walk from low to high that read the low block before a move up and
 * the high one after it saw two, and must have been told.
 */
static void *torn_writer_fn(void *arg)
{
	struct torn_writer *w = arg;
	struct timespec pause = { 0, 10000 };
	u64 from = w->low, to = w->high, t;

	while (!w->stop) {
		smm_frame_own(w->mm, from, SMM_FRAME_PAGE, 0, 1);
		smm_frame_own(w->mm, to, SMM_FRAME_SLAB, smm_owner_data(SMM_OWNER_SLAB, 1), 1);
		t = from;
		from = to;
		to = t;
		w->moves++;
		nanosleep(&pause, NULL);
	}
	return NULL;
}

/*
 * A FRAME_GET-style reader on CPU 0 walks the map TORN_WALKS times while
 * CPU 1's writer moves its token. A walk the generation calls still must
 * show a possible moment: at most one slab frame. A torn walk that was
 * not flagged fails the test; how many walks were flagged is said, not
 * judged (it depends on timing). A generation blind to retypes (the sum
 * of allocation counters it replaced) passes most torn walks as still.
 */
SMM_TEST(generation_flags_every_torn_walk)
{
	struct torn_writer w = { 0 };
	struct smm_test_mm t;
	unsigned long still = 0, flagged = 0, torn_unflagged = 0, r;
	u64 blk[TORN_BLOCKS];
	pthread_t thread;
	unsigned int i;

	ASSERT_EQ(gen_init(&t), 0);
	w.mm = &t.mm;
	w.low = ~0ULL;
	for (i = 0; i < TORN_BLOCKS; i++) {
		ASSERT_EQ(smm_alloc_pages(&t.mm, 0, 0, 1, &blk[i]), 0);
		w.low = min(w.low, blk[i]);
		w.high = max(w.high, blk[i]);
	}
	ASSERT_LT(w.low, w.high);
	smm_frame_own(&t.mm, w.low, SMM_FRAME_SLAB, smm_owner_data(SMM_OWNER_SLAB, 1), 1);
	ASSERT_EQ(pthread_create(&thread, NULL, torn_writer_fn, &w), 0);
	for (r = 0; r < TORN_WALKS; r++) {
		u64 gen = smm_mm_generation(&t.mm);
		u64 slabs = frames_in(&t.mm, SHADOWMM_FRAME_SLAB);

		if (smm_mm_generation_moved(&t.mm, gen)) {
			flagged++;
			continue;
		}
		still++;
		torn_unflagged += slabs > 1;
	}
	w.stop = 1;
	pthread_join(thread, NULL);
	printf("# %lu walks: %lu still, %lu flagged; the writer moved its slab %lu times\n",
	       r, still, flagged, w.moves);
	EXPECT_EQ(torn_unflagged, 0);
	for (i = 0; i < TORN_BLOCKS; i++) {
		smm_frame_own(&t.mm, blk[i], SMM_FRAME_PAGE, 0, 1);
		smm_free_pages(&t.mm, blk[i], 1);
	}
	EXPECT_EQ(smm_test_check(&t.mm), 0);
	smm_test_mm_destroy(&t);
}
