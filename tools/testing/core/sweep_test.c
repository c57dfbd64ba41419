// SPDX-License-Identifier: GPL-2.0
/*
 * Sweeps: CHECK, the slab census and VALIDATE look at the frame map one
 * chunk at a time and let the allocator run between chunks, where the
 * kernel would cond_resched(). Here the test itself runs there
 * (smm_user_resched): at every chunk boundary it allocates and frees
 * blocks of orders 0..4 in every zone on two CPUs and objects of two
 * caches, so blocks split and merge across the cursor, go through the
 * per-CPU lists, and slabs are made, unmade and change lists behind and
 * ahead of it. The sweeps must still find the mm consistent, and must
 * still find a counter broken in the middle of a sweep.
 *
 *   index 0x10000                                        +16384 frames
 *         [ DMA 8M ][ DMA32 24M ][ Normal 32M ........................ ]
 *                       ^ cursor: behind it, the hooks keep the census
 */
#include "harness.h"
#include "common.h"
#include "../../../module/core/slab.h"

#define SW_FRAMES	16384
#define SW_BLOCKS	768
#define SW_OBJS		2048
#define SW_STEPS	8	/* allocator steps per chunk boundary */

struct sw_state {
	struct smm_test_mm t;
	struct smm_slabs s;
	struct smm_cache *c[2];
	u64 blocks[SW_BLOCKS];
	unsigned int nr_blocks;
	u64 objs[SW_OBJS];
	unsigned int obj_cache[SW_OBJS];
	unsigned int nr_objs;
	u64 rng;
	unsigned long pauses;		/* chunk boundaries the test ran at */
	unsigned long steps;		/* allocator calls that changed something */
	unsigned long break_at;		/* the pause at which to break a counter */
	u64 *broken;			/* that counter */
};

static struct sw_state *sw;

static const unsigned int sw_gfp[] = {
	0, SHADOWMM_GFP_MOVABLE, SHADOWMM_GFP_RECLAIMABLE, SHADOWMM_GFP_DMA32, SHADOWMM_GFP_DMA,
};

static void sw_block_step(struct sw_state *st, u64 r, unsigned int cpu)
{
	u64 idx;

	if (st->nr_blocks < SW_BLOCKS && (r & 1)) {
		if (!smm_alloc_pages(&st->t.mm, (r >> 1) % 5, sw_gfp[(r >> 4) % 5], cpu, &idx)) {
			st->blocks[st->nr_blocks++] = idx;
			st->steps++;
		}
	} else if (st->nr_blocks) {
		unsigned int i = (r >> 8) % st->nr_blocks;

		smm_free_pages(&st->t.mm, st->blocks[i], cpu);
		st->blocks[i] = st->blocks[--st->nr_blocks];
		st->steps++;
	}
}

static void sw_obj_step(struct sw_state *st, u64 r, unsigned int cpu)
{
	if (st->nr_objs < SW_OBJS && (r & 1)) {
		unsigned int k = (r >> 1) & 1;

		if (smm_cache_alloc(st->c[k], cpu, 0, &st->objs[st->nr_objs])) {
			st->obj_cache[st->nr_objs++] = k;
			st->steps++;
		}
	} else if (st->nr_objs) {
		unsigned int i = (r >> 8) % st->nr_objs;

		if (smm_cache_free(st->c[st->obj_cache[i]], st->objs[i], cpu) == 0)
			st->steps++;
		st->objs[i] = st->objs[--st->nr_objs];
		st->obj_cache[i] = st->obj_cache[st->nr_objs];
	}
}

/* What runs at each chunk boundary (not at the allocator's own, inside it). */
static void sw_pause(void)
{
	static bool inside;
	unsigned int i;

	if (inside)
		return;
	inside = true;
	sw->pauses++;
	for (i = 0; i < SW_STEPS; i++) {
		u64 r = smm_test_rand(&sw->rng);
		unsigned int cpu = r & 1;

		r >>= 1;
		switch (r % 8) {
		case 0:
			smm_drain_pcp(&sw->t.mm, cpu);
			break;
		case 1:
			smm_cache_shrink(sw->c[(r >> 3) & 1], cpu);
			break;
		case 2:
		case 3:
		case 4:
			sw_block_step(sw, r >> 3, cpu);
			break;
		default:
			sw_obj_step(sw, r >> 3, cpu);
		}
	}
	if (sw->pauses == sw->break_at)
		(*sw->broken)++;
	inside = false;
}

static int sw_init(struct sw_state *st, u64 seed)
{
	static const struct smm_test_section sec = { 0x10000, SW_FRAMES };
	int ret;

	memset(st, 0, sizeof(*st));
	st->rng = seed;
	ret = smm_test_mm_init_mem(&st->t, &sec, 1, "DMA:8M,DMA32:24M,Normal:rest", true, 2);
	if (ret)
		return ret;
	ret = smm_slabs_init(&st->s, &st->t.mm, 0x5eeb, 0);
	if (!ret)
		ret = smm_cache_create(&st->s, "sw-64", 64, 0, 0, &st->c[0]);
	if (!ret)
		ret = smm_cache_create(&st->s, "sw-rz-700", 700, 0,
				       SHADOWMM_CACHE_RED_ZONE | SHADOWMM_CACHE_POISON, &st->c[1]);
	if (ret)
		return ret;
	/* something everywhere before the first sweep */
	sw = st;
	while (st->nr_blocks < SW_BLOCKS / 2 || st->nr_objs < SW_OBJS / 2)
		sw_pause();
	st->pauses = 0;
	st->steps = 0;
	return 0;
}

static void sw_destroy(struct sw_state *st)
{
	smm_user_resched = NULL;
	while (st->nr_objs) {
		st->nr_objs--;
		smm_cache_free(st->c[st->obj_cache[st->nr_objs]], st->objs[st->nr_objs], 0);
	}
	while (st->nr_blocks)
		smm_free_pages(&st->t.mm, st->blocks[--st->nr_blocks], 0);
	smm_slabs_destroy(&st->s);
	smm_test_mm_destroy(&st->t);
}

/*
 * CHECK of the buddy, the slab census and VALIDATE of both caches, each
 * 20 times with the allocator running at every chunk boundary: all say
 * the mm is consistent, and each CHECK had at least 16 boundaries (a
 * chunk ends after 256 frames looked at, a block's frames all counted:
 * 16384 frames in largely free 4 MiB blocks make about 30 chunks).
 */
SMM_TEST(sweeps_while_allocating)
{
	static struct sw_state st;
	unsigned long pauses;
	char why[192];
	u64 problems;
	int i;

	ASSERT_EQ(sw_init(&st, smm_test_seed(0x5ee9)), 0);
	smm_user_resched = sw_pause;
	for (i = 0; i < 20; i++) {
		pauses = st.pauses;
		ASSERT_EQ(smm_check(&st.t.mm, why, sizeof(why)), 0);
		ASSERT_GE(st.pauses - pauses, 16);
		ASSERT_EQ(smm_slabs_check(&st.s, why, sizeof(why)), 0);
		problems = ~0ULL;
		ASSERT_EQ(smm_cache_validate(st.c[i & 1], &problems), 0);
		ASSERT_EQ(problems, 0);
	}
	printf("# %lu chunk boundaries, %lu allocator changes during the sweeps\n",
	       st.pauses, st.steps);
	ASSERT_GE(st.steps, 20UL * 16 * SW_STEPS / 2);
	smm_user_resched = NULL;
	ASSERT_EQ(smm_test_check(&st.t.mm), 0);
	sw_destroy(&st);
}

/*
 * A counter broken halfway through a sweep, while the allocator runs, is
 * found by that sweep: zone->free (CHECK), a cache's nr_slabs (the
 * census) and its nr_partial (VALIDATE).
 */
SMM_TEST(sweeps_find_a_counter_broken_midway)
{
	static struct sw_state st;
	char why[192];
	u64 problems;

	ASSERT_EQ(sw_init(&st, smm_test_seed(0x5eea)), 0);
	smm_user_resched = sw_pause;

	st.broken = &st.t.mm.zones[SHADOWMM_ZONE_NORMAL].free;
	st.break_at = st.pauses + 30;
	ASSERT_EQ(smm_check(&st.t.mm, why, sizeof(why)), -EUCLEAN);
	ASSERT_TRUE(strstr(why, "Normal: free=") != NULL);
	(*st.broken)--;
	ASSERT_EQ(smm_check(&st.t.mm, why, sizeof(why)), 0);

	st.broken = &st.c[0]->nr_slabs;
	st.break_at = st.pauses + 30;
	ASSERT_EQ(smm_slabs_check(&st.s, why, sizeof(why)), -EUCLEAN);
	ASSERT_TRUE(strstr(why, "cache sw-64: nr_slabs=") != NULL);
	(*st.broken)--;
	ASSERT_EQ(smm_slabs_check(&st.s, why, sizeof(why)), 0);

	st.broken = &st.c[1]->nr_partial;
	st.break_at = st.pauses + 30;
	ASSERT_EQ(smm_cache_validate(st.c[1], &problems), 0);
	ASSERT_GE(problems, 1);
	(*st.broken)--;
	ASSERT_EQ(smm_cache_validate(st.c[1], &problems), 0);
	ASSERT_EQ(problems, 0);
	sw_destroy(&st);
}
