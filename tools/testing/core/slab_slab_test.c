// SPDX-License-Identifier: GPL-2.0
/*
 * The SLAB policy (core/slab_slab.c): enable_cpucache()'s table, the
 * layout (OBJFREELIST or on-slab index array, colours), refill and
 * flush in batches, cache_reap() and free_limit, VALIDATE, lookups and
 * refusals. Every test runs on one 16 MiB section with real memory
 * behind it, two CPUs (slab_max_order 0: 32 MiB or less):
 *
 *   CPU 0 array [limit 120]   CPU 1 array [limit 120]
 *          \   batch 60 /            |
 *        shared array [8 x 60] ------+
 *               |  free_block() / refill
 *   partial list   full list   free list (beyond free_limit: to the buddy)
 *
 *   a slab of size-384 objects (OBJFREELIST, 10 a page, 256 bytes left):
 *   [ colour 0/64/128/192 | obj 0 | ... | obj 9 | rest of the 256 ]
 */
#include "harness.h"
#include "slab_common.h"

FIXTURE(slabp) {
	struct slab_test st;
};

FIXTURE_SETUP(slabp)
{
	ASSERT_EQ(slab_test_init(&self->st, 0x51ab51ab), 0);
}

FIXTURE_TEARDOWN(slabp)
{
	slab_test_destroy(&self->st);
}

static struct smm_cache *slabp_create(struct slab_test *st, const char *name, u32 size, u32 align)
{
	return slab_test_create(st, name, size, align, SMM_SLAB);
}

static void slabp_info(struct smm_cache *c, struct smm_cache_info *ci)
{
	smm_cache_info(c, ci);
}

/*
 * enable_cpucache(): limit 120 up to 256 bytes, 54 up to 1 KiB, 24 up to
 * a page, 8 up to 128 KiB, 1 above; batchcount (limit + 1) / 2; shared
 * 8 for objects up to a page on more than one CPU.
 */
SMM_TEST(slab_slab_tunables_table)
{
	static const struct { u32 size, cpus, limit, batch, shared; } tab[] = {
		{ 8, 2, 120, 60, 8 },		{ 256, 2, 120, 60, 8 },
		{ 257, 2, 54, 27, 8 },		{ 1024, 4, 54, 27, 8 },
		{ 1025, 2, 24, 12, 8 },		{ 4096, 2, 24, 12, 8 },
		{ 4097, 2, 8, 4, 0 },		{ 8192, 2, 8, 4, 0 },
		{ 131072, 2, 8, 4, 0 },		{ 131073, 2, 1, 1, 0 },
		{ 64, 1, 120, 60, 0 },		{ 4096, 1, 24, 12, 0 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(tab); i++) {
		u32 limit, batch, shared;

		smm_slabp_tunables(tab[i].size, tab[i].cpus, &limit, &batch, &shared);
		if (limit != tab[i].limit || batch != tab[i].batch || shared != tab[i].shared)
			printf("# size %u on %u CPUs: expected %u %u %u, got %u %u %u\n",
			       tab[i].size, tab[i].cpus, tab[i].limit, tab[i].batch, tab[i].shared,
			       limit, batch, shared);
		EXPECT_EQ(limit, tab[i].limit);
		EXPECT_EQ(batch, tab[i].batch);
		EXPECT_EQ(shared, tab[i].shared);
	}
}

/*
 * __kmem_cache_create()'s layout: 256-byte objects keep the index array
 * in an object (16 of 2 bytes fit in 256: OBJFREELIST), 16 a page, no
 * colour; 64-byte objects cannot (64 x 2 > 64), so the array is on-slab:
 * 4096 / 66 = 62 a page, 4 bytes left; 384-byte objects: 10 a page, 256
 * bytes left, 4 colours of 64. free_limit = (1 + CPUs) x batch + objects.
 */
TEST_F(slabp, slab_slab_layout)
{
	struct slab_test *st = &self->st;
	struct smm_cache_info ci;
	struct smm_cache *c;

	EXPECT_TRUE(!smm_slabs_have_slab(&st->s));	/* the reaper has nothing to do */
	c = slabp_create(st, "s256", 256, 0);
	ASSERT_TRUE(c != NULL);
	EXPECT_TRUE(smm_slabs_have_slab(&st->s));
	slabp_info(c, &ci);
	EXPECT_EQ(ci.objects, 16);
	EXPECT_EQ(ci.order, 0);
	EXPECT_EQ(ci.colour, 0);
	EXPECT_EQ(ci.limit, 120);
	EXPECT_EQ(ci.batchcount, 60);
	EXPECT_EQ(ci.shared, 8);
	EXPECT_EQ(ci.free_limit, 3 * 60 + 16);
	EXPECT_EQ(ci.policy, SMM_SLAB);

	c = slabp_create(st, "s64", 64, 0);
	ASSERT_TRUE(c != NULL);
	slabp_info(c, &ci);
	EXPECT_EQ(ci.objects, 62);
	EXPECT_EQ(ci.colour, 0);

	c = slabp_create(st, "s384", 384, 0);
	ASSERT_TRUE(c != NULL);
	slabp_info(c, &ci);
	EXPECT_EQ(ci.objects, 10);
	EXPECT_EQ(ci.colour, 4);
	EXPECT_EQ(ci.colour_off, 64);
	EXPECT_EQ(ci.limit, 54);

	/* 8 KiB objects: none fits a page, one in order 1 */
	c = slabp_create(st, "s8k", 8192, 0);
	ASSERT_TRUE(c != NULL);
	slabp_info(c, &ci);
	EXPECT_EQ(ci.objects, 1);
	EXPECT_EQ(ci.order, 1);
	EXPECT_EQ(ci.limit, 8);
	EXPECT_EQ(ci.shared, 0);
}

/*
 * cache_alloc_refill(): the first allocation on an untouched array
 * takes 16 (BATCHREFILL_LIMIT) from the shared array, not batchcount
 * (60); once the array was used, a refill takes the full batch. A new
 * slab fills the array with its objects only (16 of 256 bytes). Only
 * refills are slow.
 */
TEST_F(slabp, slab_slab_refill_in_batches)
{
	struct slab_test *st = &self->st;
	struct smm_cache_info ci;
	struct smm_cache *c = slabp_create(st, "r", 256, 0);
	u64 pos[600], mine[17], a1;
	unsigned int i;

	ASSERT_TRUE(c != NULL);
	/* a fresh slab: its 16 objects, whatever the batch */
	ASSERT_TRUE(smm_cache_alloc(c, 1, 0, &pos[0]) != NULL);
	slabp_info(c, &ci);
	EXPECT_EQ(ci.array_avail, 15);
	EXPECT_EQ(ci.stats.alloc_slow, 1);
	/* CPU 1 fills the shared array: 600 allocated, 600 freed */
	for (i = 1; i < 600; i++)
		ASSERT_TRUE(smm_cache_alloc(c, 1, 0, &pos[i]) != NULL);
	for (i = 0; i < 600; i++)
		EXPECT_EQ(smm_cache_free(c, pos[i], 1), 0);
	slabp_info(c, &ci);
	EXPECT_EQ(ci.shared_avail, 480);
	a1 = ci.array_avail;
	/* CPU 0's array was never used: 16 */
	ASSERT_TRUE(smm_cache_alloc(c, 0, 0, &mine[0]) != NULL);
	slabp_info(c, &ci);
	EXPECT_EQ(ci.shared_avail, 480 - 16);
	EXPECT_EQ(ci.array_avail, a1 + 15);
	for (i = 1; i < 17; i++)
		ASSERT_TRUE(smm_cache_alloc(c, 0, 0, &mine[i]) != NULL);
	/* 15 from the array, then a refill of the whole batch */
	slabp_info(c, &ci);
	EXPECT_EQ(ci.shared_avail, 480 - 16 - 60);
	EXPECT_EQ(ci.array_avail, a1 + 59);
	EXPECT_EQ(slab_test_validate(c), 0);
	for (i = 0; i < 17; i++)
		EXPECT_EQ(smm_cache_free(c, mine[i], 0), 0);
	EXPECT_EQ(slab_test_validate(c), 0);
	EXPECT_EQ(smm_cache_destroy(&st->s, c, false, 0), 0);
	EXPECT_EQ(slab_test_avail(st), st->avail0);
}

/*
 * cache_flusharray(): a free into a full array (120) first moves its
 * 60 oldest objects to the shared array while that has room (8 x 60),
 * then, with the shared array full, back to their slabs; slabs that
 * become free beyond free_limit (3 x 60 + 16 = 196 free objects) go
 * back to the buddy at once.
 */
TEST_F(slabp, slab_slab_flush_in_batches)
{
	struct slab_test *st = &self->st;
	struct smm_cache_info ci;
	struct smm_cache *c = slabp_create(st, "f", 256, 0);
	u64 *pos = calloc(2000, sizeof(u64));
	unsigned int i;

	ASSERT_TRUE(c != NULL && pos != NULL);
	for (i = 0; i < 2000; i++)
		ASSERT_TRUE(smm_cache_alloc(c, 1, 0, &pos[i]) != NULL);
	/* CPU 0's array is empty and untouched: its frees fill it */
	for (i = 0; i < 120; i++)
		EXPECT_EQ(smm_cache_free(c, pos[i], 0), 0);
	slabp_info(c, &ci);
	EXPECT_EQ(ci.stats.free_slow, 0);
	EXPECT_EQ(ci.shared_avail, 0);
	EXPECT_EQ(smm_cache_free(c, pos[120], 0), 0);
	slabp_info(c, &ci);
	EXPECT_EQ(ci.stats.free_slow, 1);
	EXPECT_EQ(ci.shared_avail, 60);
	/* seven more flushes fill the shared array (480), the next goes to slabs */
	for (i = 121; i < 121 + 7 * 60; i++)
		EXPECT_EQ(smm_cache_free(c, pos[i], 0), 0);
	slabp_info(c, &ci);
	EXPECT_EQ(ci.shared_avail, 480);
	EXPECT_EQ(ci.partial_free, 0);
	for (; i < 2000; i++)
		EXPECT_EQ(smm_cache_free(c, pos[i], 0), 0);
	slabp_info(c, &ci);
	EXPECT_EQ(ci.shared_avail, 480);
	EXPECT_TRUE(ci.array_avail <= 120);
	/* at most free_limit free on slabs, plus what one free_block() frees */
	EXPECT_TRUE(ci.partial_free <= ci.free_limit);
	EXPECT_TRUE(ci.slabs_free > 0);
	EXPECT_EQ(ci.partial_free, ci.free_slabs * 16 + (ci.num_slabs - ci.free_slabs) * 16 -
		  (ci.num_slabs * 16 - ci.partial_free));
	EXPECT_EQ(ci.num_objs - ci.partial_free, ci.array_avail + ci.shared_avail);
	EXPECT_EQ(slab_test_validate(c), 0);
	EXPECT_EQ(slab_test_check(st), 0);
	free(pos);
	EXPECT_EQ(smm_cache_destroy(&st->s, c, false, 0), 0);
	EXPECT_EQ(slab_test_avail(st), st->avail0);
}

/*
 * cache_reap(): a pass leaves an array used since the last one (only
 * marks it unused) and drains a fifth of the limit (24 of 120) of an
 * unused one; every other pass (the first included) also drains a
 * fifth of the shared array's limit (96 of 480) and, the free list
 * untouched, (free_limit + 5 x 16 - 1) / (5 x 16) = 3 free slabs.
 * Enough passes empty everything: every frame is back.
 */
TEST_F(slabp, slab_slab_reap)
{
	struct slab_test *st = &self->st;
	struct smm_cache_info ci;
	struct smm_cache *c = slabp_create(st, "reap", 256, 0);
	u64 pos[1200], a0, s0, f0;
	unsigned int i;

	ASSERT_TRUE(c != NULL);
	for (i = 0; i < 1200; i++)
		ASSERT_TRUE(smm_cache_alloc(c, 0, 0, &pos[i]) != NULL);
	for (i = 0; i < 1200; i++)
		EXPECT_EQ(smm_cache_free(c, pos[i], 0), 0);
	slabp_info(c, &ci);
	a0 = ci.array_avail;
	s0 = ci.shared_avail;
	f0 = ci.free_slabs;
	EXPECT_TRUE(a0 >= 48);
	EXPECT_EQ(s0, 480);
	EXPECT_TRUE(f0 >= 3);
	EXPECT_TRUE(ci.partial_free <= ci.free_limit);

	smm_slabs_reap(&st->s, 0);	/* pass 0 */
	slabp_info(c, &ci);
	EXPECT_EQ(ci.array_avail, a0);		/* used since: marked only */
	EXPECT_EQ(ci.shared_avail, s0 - 96);	/* never refilled from: drained */
	EXPECT_EQ(ci.reaped, 3);
	f0 = ci.free_slabs;
	smm_slabs_reap(&st->s, 0);	/* pass 1: the arrays only */
	slabp_info(c, &ci);
	EXPECT_EQ(ci.array_avail, a0 - 24);
	EXPECT_EQ(ci.shared_avail, s0 - 96);
	EXPECT_TRUE(ci.partial_free <= ci.free_limit);
	for (i = 0; i < 60; i++)
		smm_slabs_reap(&st->s, 0);
	slabp_info(c, &ci);
	EXPECT_EQ(ci.array_avail, 0);
	EXPECT_EQ(ci.shared_avail, 0);
	EXPECT_EQ(ci.free_slabs, 0);
	EXPECT_EQ(ci.num_slabs, 0);
	EXPECT_EQ(slab_test_validate(c), 0);
	EXPECT_EQ(slab_test_avail(st), st->avail0);
	EXPECT_EQ(slab_test_check(st), 0);
	(void)f0;
}

/*
 * Colouring: each new slab starts its objects colour_next x colour_off
 * in, colour_next cycling 0, 1, 2, 3, 0, ...: 384-byte objects, 4
 * colours of 64 bytes. Objects stay aligned and inside their slab.
 */
TEST_F(slabp, slab_slab_colouring_cycles)
{
	struct slab_test *st = &self->st;
	struct smm_cache *c = slabp_create(st, "col", 384, 0);
	u64 pos[100], heads[10];
	unsigned int i, n = 0, k;

	ASSERT_TRUE(c != NULL);
	for (i = 0; i < 100; i++) {
		u64 head;
		bool seen = false;

		ASSERT_TRUE(smm_cache_alloc(c, 0, 0, &pos[i]) != NULL);
		EXPECT_EQ(pos[i] % 8, 0);
		head = pos[i] >> SMM_PAGE_SHIFT;
		EXPECT_TRUE((pos[i] & (SMM_PAGE_SIZE - 1)) + 384 <= SMM_PAGE_SIZE);
		for (k = 0; k < n; k++)
			seen |= heads[k] == head;
		if (!seen && n < ARRAY_SIZE(heads))
			heads[n++] = head;
	}
	EXPECT_EQ(n, 10);
	for (k = 0; k < n; k++) {
		struct smm_slab *s = smm_slab_at(c, heads[k]);

		ASSERT_TRUE(s != NULL);
		if (s->s_mem != (k % 4) * 64)
			printf("# slab %u: colour at %u, expected %u\n", k, s->s_mem, (k % 4) * 64);
		EXPECT_EQ(s->s_mem, (k % 4) * 64);
	}
	for (i = 0; i < 100; i++)
		EXPECT_EQ(smm_cache_free(c, pos[i], 1), 0);
	EXPECT_EQ(slab_test_validate(c), 0);
	EXPECT_EQ(smm_cache_destroy(&st->s, c, false, 0), 0);
	EXPECT_EQ(slab_test_avail(st), st->avail0);
}

/*
 * Lookups and misuse: a live object is allocated; one freed (in an
 * array, or back on its slab) is not; a position between objects is a
 * foreign pointer; the naive double free (the object already on top of
 * the array) is refused and reported. VALIDATE finds a broken count.
 */
TEST_F(slabp, slab_slab_lookup_and_validate)
{
	struct slab_test *st = &self->st;
	struct smm_cache *c = slabp_create(st, "lk", 200, 0);
	unsigned long reports = smm_user_reports;
	u64 a, b, problems;

	ASSERT_TRUE(c != NULL);
	ASSERT_TRUE(smm_cache_alloc(c, 0, 0, &a) != NULL);
	ASSERT_TRUE(smm_cache_alloc(c, 0, 0, &b) != NULL);
	EXPECT_TRUE(smm_cache_obj_lookup(c, a) == NULL);
	EXPECT_TRUE(smm_cache_obj_lookup(c, a + 8) != NULL);
	EXPECT_EQ(smm_cache_free(c, a, 0), 0);
	EXPECT_TRUE(smm_cache_obj_lookup(c, a) != NULL);
	EXPECT_EQ(smm_cache_free(c, a, 0), -EINVAL);
	EXPECT_EQ(smm_user_reports - reports, 1);
	EXPECT_EQ(slab_test_validate(c), 0);
	/* a count that lies: VALIDATE says so */
	c->cpu[1].stats.alloc_slow++;
	EXPECT_EQ(smm_cache_validate(c, &problems), 0);
	EXPECT_EQ(problems, 1);
	EXPECT_EQ(smm_user_reports - reports, 2);
	c->cpu[1].stats.alloc_slow--;
	EXPECT_EQ(smm_cache_free(c, b, 1), 0);
	EXPECT_EQ(smm_cache_shrink(c, 0), 1);
	EXPECT_TRUE(smm_cache_obj_lookup(c, b) != NULL);
	EXPECT_EQ(slab_test_check(st), 0);
}

/* What SLAB never had here is refused with a reason; the rest is taken. */
TEST_F(slabp, slab_slab_refusals)
{
	struct slab_test *st = &self->st;
	struct smm_cache *c = NULL;

	EXPECT_TRUE(smm_cache_check_policy(SMM_SLAB, SHADOWMM_CACHE_STORE_USER) != NULL);
	EXPECT_TRUE(smm_cache_check_policy(SMM_SLAB, SHADOWMM_CACHE_RED_ZONE |
					   SHADOWMM_CACHE_POISON | SHADOWMM_CACHE_HWCACHE_ALIGN |
					   SHADOWMM_CACHE_RECLAIM_ACCOUNT |
					   SHADOWMM_CACHE_HARDENED) == NULL);
	EXPECT_EQ(smm_cache_create_policy(&st->s, "x", 64, 0, SHADOWMM_CACHE_STORE_USER, SMM_SLAB,
					  &c), -EINVAL);
	EXPECT_EQ(smm_cache_create_policy(&st->s, "x", 64, 0, SHADOWMM_CACHE_RECLAIM_ACCOUNT,
					  SMM_SLAB, &c), 0);
	ASSERT_TRUE(c != NULL);
	EXPECT_TRUE(smm_cache_corrupt_refusal(c, SHADOWMM_CORRUPT_REDZONE) != NULL);
	EXPECT_TRUE(smm_cache_corrupt_refusal(c, SHADOWMM_CORRUPT_AFTER_FREE) != NULL);
	EXPECT_TRUE(smm_cache_corrupt_refusal(c, SHADOWMM_CORRUPT_FREELIST) != NULL);
}

/*
 * SLAB's DEBUG build: red_zone and poison on a 100-byte cache. The slot
 * is the object, a word of red zone, aligned (112 bytes), the index
 * array on-slab (no OBJFREELIST: a poisoned free object cannot hold
 * it). New objects come poisoned with inactive red zones; an allocated
 * one has an active red zone. An overrun of a live object, a write
 * after free into an object in an array cache and one into an object
 * free on its slab are each found by VALIDATE (and counted); a double
 * free of an object in an array is refused; the allocation of the
 * object written after free reports it. Without debug flags nothing is
 * checked: the same 100-byte cache is 104 bytes a slot.
 */
TEST_F(slabp, slab_slab_debug)
{
	struct slab_test *st = &self->st;
	struct smm_cache *c, *plain;
	struct smm_cache_info ci;
	unsigned long reports = smm_user_reports;
	const char *why = NULL;
	u64 pos[40], errs;
	unsigned int i, j;
	char *obj;

	plain = slabp_create(st, "plain", 100, 0);
	ASSERT_TRUE(plain != NULL);
	EXPECT_EQ(plain->size, 104);
	ASSERT_EQ(smm_cache_create_policy(&st->s, "dbg", 100, 0, SHADOWMM_CACHE_RED_ZONE |
					  SHADOWMM_CACHE_POISON, SMM_SLAB, &c), 0);
	EXPECT_EQ(c->size, 112);
	EXPECT_EQ(c->red_end, 112);
	slabp_info(c, &ci);
	EXPECT_EQ(ci.objects, (4096 - 0) / (112 + 2));

	for (i = 0; i < 40; i++)
		ASSERT_TRUE(smm_cache_alloc(c, 0, 0, &pos[i]) != NULL);
	obj = smm_slab_pos_virt(&st->t.mm, pos[0]);
	EXPECT_EQ((u8)obj[100], SMM_RED_ACTIVE);
	EXPECT_EQ(slab_test_validate(c), 0);

	/* an overrun of a live object */
	obj[100] = 0x42;
	EXPECT_EQ(slab_test_validate(c), 1);
	obj[100] = (char)SMM_RED_ACTIVE;
	EXPECT_EQ(slab_test_validate(c), 0);

	/* freed: in CPU 0's array, poisoned; a write after free; a double free */
	EXPECT_EQ(smm_cache_free(c, pos[1], 0), 0);
	obj = smm_slab_pos_virt(&st->t.mm, pos[1]);
	EXPECT_EQ((u8)obj[0], SMM_POISON_FREE);
	EXPECT_EQ((u8)obj[99], SMM_POISON_END);
	EXPECT_EQ((u8)obj[100], SMM_RED_INACTIVE);
	EXPECT_EQ(smm_cache_free(c, pos[2], 0), 0);
	EXPECT_EQ(smm_cache_free(c, pos[1], 0), -EINVAL);
	obj[7] = 0x42;
	EXPECT_EQ(slab_test_validate(c), 1);
	obj[7] = (char)SMM_POISON_FREE;
	EXPECT_EQ(slab_test_validate(c), 0);

	/* a write after free into an object free on its slab, which pos[0] keeps partial */
	for (i = 3; i < 40; i++)
		EXPECT_EQ(smm_cache_free(c, pos[i], 0), 0);
	EXPECT_EQ(smm_cache_tune(c, 1, 1, 0, 0, &why), 0);	/* the arrays back to the slabs */
	slabp_info(c, &ci);
	EXPECT_EQ(ci.array_avail + ci.shared_avail, 0);
	for (j = 1; j < 40 && smm_slab_head(c, pos[j]) != smm_slab_head(c, pos[0]); j++)
		;
	ASSERT_TRUE(j < 40);
	obj = smm_slab_pos_virt(&st->t.mm, pos[j]);
	obj[50] = 0x42;
	EXPECT_EQ(slab_test_validate(c), 1);

	/* allocating it reports the write after free and hands it out */
	slabp_info(c, &ci);	/* VALIDATE counted its problem too */
	errs = ci.stats.errors;
	for (i = 1; i < 40; i++)
		ASSERT_TRUE(smm_cache_alloc(c, 0, 0, &pos[i]) != NULL);
	slabp_info(c, &ci);
	EXPECT_EQ(ci.stats.errors, errs + 1);
	for (i = 0; i < 40; i++)
		EXPECT_EQ(smm_cache_free(c, pos[i], 0), 0);
	EXPECT_EQ(slab_test_validate(c), 0);
	EXPECT_TRUE(smm_user_reports > reports);
	EXPECT_EQ(slab_test_check(st), 0);
}

/*
 * cache tune (do_tune_cpucache()): 600 objects of 256 bytes freed on CPU
 * 1 leave 480 in the shared array and some in CPU 1's; tuned to limit
 * 10, batchcount 5, shared 2, every old array's objects go back to the
 * slabs (arrays hold nothing), the new arrays have the new sizes, and
 * free_limit is (1 + 2) x 5 + 16. Then a free of 11 objects flushes a
 * batch of 5 to the shared array (10 at most). Refusals change nothing:
 * batchcount 0 or above limit, limit 0 or 4097, shared 65, a SLUB cache.
 * VALIDATE and CHECK pass; shrunk, every frame is back.
 */
TEST_F(slabp, slab_slab_tune)
{
	struct slab_test *st = &self->st;
	struct smm_cache_info ci;
	struct smm_cache *c = slabp_create(st, "t", 256, 0), *slub = NULL;
	static const u32 bad[][3] = { { 10, 0, 2 }, { 10, 11, 2 }, { 0, 1, 0 }, { 4097, 5, 0 },
				      { 10, 5, 65 } };
	const char *why;
	u64 pos[600];
	unsigned int i;

	ASSERT_TRUE(c != NULL);
	for (i = 0; i < 600; i++)
		ASSERT_TRUE(smm_cache_alloc(c, 1, 0, &pos[i]) != NULL);
	for (i = 0; i < 600; i++)
		EXPECT_EQ(smm_cache_free(c, pos[i], 1), 0);
	slabp_info(c, &ci);
	EXPECT_EQ(ci.shared_avail, 480);
	EXPECT_TRUE(ci.array_avail > 0);

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		why = NULL;
		EXPECT_EQ(smm_cache_tune(c, bad[i][0], bad[i][1], bad[i][2], 0, &why), -EINVAL);
		EXPECT_TRUE(why != NULL);
		slabp_info(c, &ci);
		EXPECT_EQ(ci.limit, 120);
		EXPECT_EQ(ci.shared_avail, 480);
	}
	ASSERT_EQ(smm_cache_create(&st->s, "t_slub", 256, 0, 0, &slub), 0);
	EXPECT_EQ(smm_cache_tune(slub, 10, 5, 2, 0, &why), -EINVAL);
	EXPECT_TRUE(why && strstr(why, "SLAB"));

	ASSERT_EQ(smm_cache_tune(c, 10, 5, 2, 0, &why), 0);
	slabp_info(c, &ci);
	EXPECT_EQ(ci.limit, 10);
	EXPECT_EQ(ci.batchcount, 5);
	EXPECT_EQ(ci.shared, 2);
	EXPECT_EQ(ci.array_avail, 0);
	EXPECT_EQ(ci.shared_avail, 0);
	EXPECT_EQ(ci.free_limit, 3 * 5 + 16);
	EXPECT_EQ(ci.active_objs, 0);
	EXPECT_EQ(slab_test_validate(c), 0);

	/* the new sizes at work: 11 frees on CPU 0 flush one batch of 5 */
	for (i = 0; i < 11; i++)
		ASSERT_TRUE(smm_cache_alloc(c, 0, 0, &pos[i]) != NULL);
	for (i = 0; i < 11; i++)
		EXPECT_EQ(smm_cache_free(c, pos[i], 0), 0);
	slabp_info(c, &ci);
	EXPECT_TRUE(ci.array_avail <= 10);
	EXPECT_EQ(ci.shared_avail, 5);
	EXPECT_EQ(slab_test_validate(c), 0);
	EXPECT_EQ(slab_test_check(st), 0);
	smm_cache_shrink(c, 0);
	smm_cache_shrink(slub, 0);
	EXPECT_EQ(slab_test_avail(st), st->avail0);
}

/*
 * slab_policy=slab: the kmalloc caches are SLAB's (no hardening: SLAB
 * has no free pointers), 10,000 objects of kmalloc-256 come and go in
 * random order, and every frame comes back after a shrink.
 */
SMM_TEST(slab_slab_kmalloc_policy)
{
	static const struct smm_test_section sec = { 0x10000, SLAB_TEST_FRAMES };
	struct smm_test_mm t;
	struct smm_slabs s;
	struct smm_cache *c;
	u64 *pos = calloc(10000, sizeof(u64)), avail0, rng = 0x51ab;
	unsigned int i;

	ASSERT_TRUE(pos != NULL);
	ASSERT_EQ(smm_test_mm_init_mem(&t, &sec, 1, NULL, true, 2), 0);
	EXPECT_EQ(smm_slabs_init_policy(&s, &t.mm, 1, 0, 7), -EINVAL);
	ASSERT_EQ(smm_slabs_init_policy(&s, &t.mm, 1, 0, SMM_SLAB), 0);
	avail0 = smm_test_free_frames(&t.mm) + smm_test_pcp_frames(&t.mm);
	for (i = 0; i < s.nr_kmalloc; i++) {
		EXPECT_EQ(s.caches[i]->policy, SMM_SLAB);
		EXPECT_EQ(s.caches[i]->flags & SHADOWMM_CACHE_HARDENED, 0);
	}
	c = smm_kmalloc_cache(&s, 200);
	ASSERT_TRUE(c != NULL);
	ASSERT_STREQ(c->name, "kmalloc-256");
	for (i = 0; i < 10000; i++)
		ASSERT_TRUE(smm_cache_alloc(c, i % 2, 0, &pos[i]) != NULL);
	for (i = 10000; i > 1; i--) {
		unsigned int j = smm_test_rand(&rng) % i;
		u64 p = pos[j];

		pos[j] = pos[i - 1];
		pos[i - 1] = p;
	}
	for (i = 0; i < 10000; i++)
		EXPECT_EQ(smm_cache_free(c, pos[i], i % 2), 0);
	EXPECT_EQ(smm_cache_live(c), 0);
	smm_cache_shrink(c, 0);
	EXPECT_EQ(smm_test_free_frames(&t.mm) + smm_test_pcp_frames(&t.mm), avail0);
	free(pos);
	smm_slabs_destroy(&s);
	smm_test_mm_destroy(&t);
}

/*
 * slab_policy=slob: the SLOB heap is made with the first kmalloc cache
 * and takes a cache id before it, yet every size still finds its class,
 * and the kmalloc caches are SLOB's; slab_policy=slab's likewise SLAB's.
 */
SMM_TEST(slab_slab_kmalloc_classes_any_policy)
{
	static const struct smm_test_section sec = { 0x10000, SLAB_TEST_FRAMES };
	static const u32 policies[] = { SMM_SLUB, SMM_SLAB, SMM_SLOB };
	static const struct { u32 size; const char *name; } cls[] = {
		{ 1, "kmalloc-8" }, { 65, "kmalloc-96" }, { 200, "kmalloc-256" },
		{ 4097, "kmalloc-8192" },
	};
	unsigned int p, i;

	for (p = 0; p < ARRAY_SIZE(policies); p++) {
		struct smm_test_mm t;
		struct smm_slabs s;

		ASSERT_EQ(smm_test_mm_init_mem(&t, &sec, 1, NULL, true, 2), 0);
		ASSERT_EQ(smm_slabs_init_policy(&s, &t.mm, 1, 0, policies[p]), 0);
		EXPECT_EQ(s.nr_kmalloc, SMM_NR_KMALLOC);
		for (i = 0; i < ARRAY_SIZE(cls); i++) {
			struct smm_cache *c = smm_kmalloc_cache(&s, cls[i].size);
			u64 pos;

			ASSERT_TRUE(c != NULL);
			ASSERT_STREQ(c->name, cls[i].name);
			EXPECT_EQ(c->policy, policies[p]);
			EXPECT_TRUE(smm_cache_is_kmalloc(&s, c));
			ASSERT_TRUE(smm_cache_alloc(c, 0, 0, &pos) != NULL);
			EXPECT_EQ(smm_cache_free(c, pos, 1), 0);
		}
		EXPECT_TRUE(!s.slob_heap || !smm_cache_is_kmalloc(&s, s.slob_heap));
		smm_slabs_destroy(&s);
		smm_test_mm_destroy(&t);
	}
}
