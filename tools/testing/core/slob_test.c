// SPDX-License-Identifier: GPL-2.0
/*
 * The SLOB policy (core/slob.c): layout, the shared first-fit heap,
 * big objects from the buddy, refusals, VALIDATE and slabinfo. Every
 * test runs on one 16 MiB section with real memory behind it, two CPUs:
 *
 *   index 0                                             4096
 *         [ DMA32 ............................................ ]
 *           heap pages (order 0) and big objects come from here
 *
 * A heap page, after allocating a (24 B), b (40 B), a (24 B):
 *
 *   0    8        32   40             80   88       112          4096
 *   [hdr][ a0     ][hdr][ b0          ][hdr][ a1    ][ free ......]
 *   (a block: an 8-byte header, then the object, rounded to 2-byte units)
 */
#include "harness.h"
#include "slab_common.h"

FIXTURE(slob) {
	struct slab_test st;
};

FIXTURE_SETUP(slob)
{
	ASSERT_EQ(slab_test_init(&self->st, 0x12345678), 0);
}

FIXTURE_TEARDOWN(slob)
{
	slab_test_destroy(&self->st);
}

static struct smm_cache *slob_create(struct slab_test *st, const char *name, u32 size, u32 align)
{
	return slab_test_create(st, name, size, align, SMM_SLOB);
}

/*
 * The heap comes with the first small SLOB cache, as a built-in cache
 * of 2-byte units in order-0 pages. A block is the object behind an
 * 8-byte header in units; an object that does not fit an empty page
 * with its header and alignment is a slab of one from the buddy.
 */
TEST_F(slob, slob_layout)
{
	struct slab_test *st = &self->st;
	struct smm_cache *c, *h;

	ASSERT_TRUE(smm_cache_find(&st->s, "slob-heap") == NULL);
	c = slob_create(st, "s24", 24, 0);
	ASSERT_TRUE(c != NULL);
	h = smm_cache_find(&st->s, "slob-heap");
	ASSERT_TRUE(h != NULL && h == st->s.slob_heap && c->heap == h);
	EXPECT_TRUE(h->builtin);
	EXPECT_EQ(h->policy, SMM_SLOB);
	EXPECT_EQ(h->order, 0);
	EXPECT_EQ(h->objects, 2048);
	EXPECT_EQ(c->policy, SMM_SLOB);
	EXPECT_EQ(c->size, 32);
	EXPECT_EQ(c->align, 8);
	c = slob_create(st, "s4000", 4000, 0);	/* 4008 bytes: still a page's */
	ASSERT_TRUE(c != NULL);
	EXPECT_TRUE(c->heap == h);
	c = slob_create(st, "s4096", 4096, 0);	/* from the buddy, order 0 */
	ASSERT_TRUE(c != NULL);
	EXPECT_TRUE(c->heap == NULL);
	EXPECT_EQ(c->order, 0);
	EXPECT_EQ(c->objects, 1);
	c = slob_create(st, "s5000", 5000, 0);	/* order 1 */
	ASSERT_TRUE(c != NULL);
	EXPECT_EQ(c->order, 1);
	c = slob_create(st, "a2048", 2048, 2048);	/* 2048 + 2048 alignment: a page */
	ASSERT_TRUE(c != NULL);
	EXPECT_TRUE(c->heap == h);
	c = slob_create(st, "a2049", 2049, 2048);
	ASSERT_TRUE(c != NULL);
	EXPECT_TRUE(c->heap == NULL);
	/* nothing allocated: nothing taken */
	EXPECT_EQ(slab_test_avail(st), st->avail0);
}

/* What SLOB never had is refused, with a reason; so is the heap's name. */
TEST_F(slob, slob_refusals)
{
	struct slab_test *st = &self->st;
	struct smm_cache *c = NULL;

	EXPECT_TRUE(smm_cache_check_policy(SMM_SLOB, SHADOWMM_CACHE_RED_ZONE) != NULL);
	EXPECT_TRUE(smm_cache_check_policy(SMM_SLOB, SHADOWMM_CACHE_POISON) != NULL);
	EXPECT_TRUE(smm_cache_check_policy(SMM_SLOB, SHADOWMM_CACHE_HARDENED) != NULL);
	EXPECT_TRUE(smm_cache_check_policy(SMM_SLOB, SHADOWMM_CACHE_RECLAIM_ACCOUNT) != NULL);
	EXPECT_TRUE(smm_cache_check_policy(SMM_SLOB, SHADOWMM_CACHE_HWCACHE_ALIGN) == NULL);
	/* SLAB is built: only store_user is refused (slab_slab_test.c) */
	EXPECT_TRUE(smm_cache_check_policy(SMM_SLAB, 0) == NULL);
	EXPECT_TRUE(smm_cache_check_policy(SMM_SLAB, SHADOWMM_CACHE_STORE_USER) != NULL);
	EXPECT_TRUE(smm_cache_check_policy(3, 0) != NULL);
	EXPECT_EQ(smm_cache_create_policy(&st->s, "x", 64, 0, SHADOWMM_CACHE_POISON, SMM_SLOB, &c),
		  -EINVAL);
	EXPECT_EQ(smm_cache_create_policy(&st->s, "x", 64, 0, SHADOWMM_CACHE_STORE_USER, SMM_SLAB,
					  &c), -EINVAL);
	EXPECT_EQ(smm_cache_create_policy(&st->s, "slob-heap", 64, 0, 0, SMM_SLUB, &c), -EINVAL);
	EXPECT_TRUE(c == NULL);
	c = slob_create(st, "x", 64, 0);
	ASSERT_TRUE(c != NULL);
	EXPECT_TRUE(smm_cache_corrupt_refusal(c, SHADOWMM_CORRUPT_FREELIST) != NULL);
	EXPECT_TRUE(smm_cache_cached_refusal(c) != NULL);
	/* the heap is built in; it hands out nothing of its own */
	EXPECT_EQ(smm_cache_destroy(&st->s, st->s.slob_heap, true, 0), -EPERM);
	EXPECT_TRUE(smm_cache_alloc(st->s.slob_heap, 0, 0, &(u64){0}) == NULL);
}

/*
 * Two caches share one page, first fit, in address order (the picture
 * at the top); b0's hole (48 bytes) takes the next a (32), and what is
 * left of the page stays one free block. Each position names its cache.
 * Freeing everything gives the page back.
 */
TEST_F(slob, slob_shared_heap_first_fit)
{
	struct slab_test *st = &self->st;
	struct smm_cache *a = slob_create(st, "a", 24, 0), *b = slob_create(st, "b", 40, 0);
	u64 a0, b0, a1, a2, page;

	ASSERT_TRUE(a && b);
	ASSERT_TRUE(smm_cache_alloc(a, 0, 0, &a0) != NULL);
	ASSERT_TRUE(smm_cache_alloc(b, 1, 0, &b0) != NULL);
	ASSERT_TRUE(smm_cache_alloc(a, 0, 0, &a1) != NULL);
	page = a0 & ~(u64)(SMM_PAGE_SIZE - 1);
	EXPECT_EQ(a0, page + 8);
	EXPECT_EQ(b0, page + 32 + 8);
	EXPECT_EQ(a1, page + 32 + 48 + 8);
	EXPECT_EQ(st->s.slob_heap->nr_slabs, 1);
	EXPECT_TRUE(smm_cache_of_pos(&st->s, a0) == a);
	EXPECT_TRUE(smm_cache_of_pos(&st->s, b0) == b);
	EXPECT_EQ(smm_cache_free(b, b0, 0), 0);
	ASSERT_TRUE(smm_cache_alloc(a, 1, 0, &a2) != NULL);
	EXPECT_EQ(a2, b0);
	EXPECT_EQ(slab_test_validate(a), 0);
	EXPECT_EQ(slab_test_validate(st->s.slob_heap), 0);
	EXPECT_EQ(slab_test_check(st), 0);
	EXPECT_EQ(smm_cache_free(a, a0, 1), 0);
	EXPECT_EQ(smm_cache_free(a, a1, 0), 0);
	EXPECT_EQ(smm_cache_free(a, a2, 0), 0);
	EXPECT_EQ(st->s.slob_heap->nr_slabs, 0);
	EXPECT_EQ(slab_test_avail(st), st->avail0);
}

/*
 * The done-criterion in user space: 10,000 objects of 200 bytes, freed
 * in random order, every page back to the buddy; VALIDATE and CHECK
 * clean on the way.
 */
TEST_F(slob, slob_10000_objects_back_to_start)
{
	static u64 pos[10000];
	struct slab_test *st = &self->st;
	struct smm_cache *c = slob_create(st, "done", 200, 0);
	u64 rng = 0x510b, t;
	unsigned int i, j;
	char *p;

	ASSERT_TRUE(c != NULL);
	for (i = 0; i < 10000; i++) {
		p = smm_cache_alloc(c, i % 2, 0, &pos[i]);
		ASSERT_TRUE(p != NULL);
		memset(p, 0x5a, 200);
		ASSERT_TRUE(smm_cache_of_pos(&st->s, pos[i]) == c);
	}
	EXPECT_EQ(smm_cache_live(c), 10000);
	/* 208-byte blocks: 19 to a 4096-byte page, 527 pages */
	EXPECT_EQ(st->s.slob_heap->nr_slabs, (10000 + 18) / 19);
	EXPECT_EQ(slab_test_validate(c), 0);
	EXPECT_EQ(slab_test_check(st), 0);
	for (i = 10000; i > 1; i--) {
		j = smm_test_rand(&rng) % i;
		t = pos[j];
		pos[j] = pos[i - 1];
		pos[i - 1] = t;
	}
	for (i = 0; i < 10000; i++)
		ASSERT_EQ(smm_cache_free(c, pos[i], (i / 7) % 2), 0);
	EXPECT_EQ(smm_cache_live(c), 0);
	EXPECT_EQ(st->s.slob_heap->nr_slabs, 0);
	EXPECT_EQ(slab_test_validate(c), 0);
	EXPECT_EQ(slab_test_avail(st), st->avail0);
	EXPECT_EQ(slab_test_check(st), 0);
	EXPECT_EQ(smm_cache_destroy(&st->s, c, false, 0), 0);
}

/*
 * A double free finds the header's magic cleared and is refused, as is
 * a position inside an object; the lookups behind netlink say why.
 */
TEST_F(slob, slob_double_free_refused)
{
	struct slab_test *st = &self->st;
	struct smm_cache *c = slob_create(st, "df", 64, 0);
	struct smm_cache_info ci;
	u64 p0, p1;

	ASSERT_TRUE(c != NULL);
	ASSERT_TRUE(smm_cache_alloc(c, 0, 0, &p0) != NULL);
	ASSERT_TRUE(smm_cache_alloc(c, 0, 0, &p1) != NULL);
	EXPECT_TRUE(smm_cache_obj_lookup(c, p0) == NULL);
	EXPECT_TRUE(smm_cache_obj_lookup(c, p0 + 8) != NULL);
	EXPECT_EQ(smm_cache_free(c, p0 + 8, 0), -EINVAL);
	EXPECT_EQ(smm_cache_free(c, p0, 0), 0);
	/* the header's magic (its last 4 bytes) is cleared by the free */
	EXPECT_EQ(*(u32 *)((char *)smm_slab_pos_virt(&st->t.mm, p0) - 4), 0);
	EXPECT_TRUE(smm_cache_obj_lookup(c, p0) != NULL &&
		    !strcmp(smm_cache_obj_lookup(c, p0), "object is not allocated (double free?)"));
	EXPECT_EQ(smm_cache_free(c, p0, 1), -EINVAL);
	smm_cache_info(c, &ci);
	EXPECT_EQ(ci.stats.errors, 2);
	EXPECT_EQ(ci.active_objs, 1);
	EXPECT_EQ(slab_test_validate(c), 0);
	/* a forced destroy frees what is left: the page goes back */
	EXPECT_EQ(smm_cache_destroy(&st->s, c, false, 0), -EBUSY);
	EXPECT_EQ(smm_cache_destroy(&st->s, c, true, 0), 0);
	EXPECT_EQ(st->s.slob_heap->nr_slabs, 0);
	EXPECT_EQ(slab_test_avail(st), st->avail0);
}

/*
 * Alignment: 100-byte objects at 256 put the header at 248 mod 256;
 * what lies before it stays free (the aligning fragment), and the page
 * still tiles.
 */
TEST_F(slob, slob_alignment)
{
	struct slab_test *st = &self->st;
	struct smm_cache *c = slob_create(st, "al", 100, 256), *d = slob_create(st, "d", 10, 0);
	u64 pos[40], q;
	unsigned int i;

	ASSERT_TRUE(c && d);
	for (i = 0; i < 40; i++) {
		ASSERT_TRUE(smm_cache_alloc(c, i % 2, 0, &pos[i]) != NULL);
		EXPECT_EQ(pos[i] % 256, 0);
		/* small objects fill the fragments first-fit */
		ASSERT_TRUE(smm_cache_alloc(d, 0, 0, &q) != NULL);
		EXPECT_EQ(q % 8, 0);
	}
	EXPECT_EQ(slab_test_validate(c), 0);
	EXPECT_EQ(slab_test_validate(d), 0);
	EXPECT_EQ(slab_test_check(st), 0);
	EXPECT_EQ(smm_cache_destroy(&st->s, c, true, 0), 0);
	EXPECT_EQ(smm_cache_destroy(&st->s, d, true, 0), 0);
	EXPECT_EQ(slab_test_avail(st), st->avail0);
}

/* Big objects are slabs of one straight from the buddy; SLUB's VALIDATE serves them. */
TEST_F(slob, slob_big_objects_from_buddy)
{
	struct slab_test *st = &self->st;
	struct smm_cache *c = slob_create(st, "big", 5000, 0);
	u64 pos[3];
	unsigned int i;

	ASSERT_TRUE(c != NULL);
	for (i = 0; i < 3; i++) {
		ASSERT_TRUE(smm_cache_alloc(c, i % 2, 0, &pos[i]) != NULL);
		EXPECT_EQ(pos[i] % (2 * SMM_PAGE_SIZE), 0);
		EXPECT_TRUE(smm_cache_of_pos(&st->s, pos[i]) == c);
	}
	EXPECT_EQ(c->nr_slabs, 3);
	EXPECT_EQ(slab_test_avail(st), st->avail0 - 6);
	EXPECT_EQ(slab_test_validate(c), 0);
	EXPECT_EQ(slab_test_check(st), 0);
	EXPECT_EQ(smm_cache_free(c, pos[1], 0), 0);
	EXPECT_EQ(smm_cache_free(c, pos[1], 0), -EINVAL);
	EXPECT_EQ(smm_cache_free(c, pos[0], 1), 0);
	EXPECT_EQ(smm_cache_free(c, pos[2], 1), 0);
	EXPECT_EQ(c->nr_slabs, 0);
	EXPECT_EQ(slab_test_avail(st), st->avail0);
}

/*
 * SLOB had no debugging: an overrun goes unseen until it breaks a
 * header, and then VALIDATE finds the page's blocks do not tile.
 */
TEST_F(slob, slob_validate_catches_broken_header)
{
	struct slab_test *st = &self->st;
	struct smm_cache *c = slob_create(st, "hdr", 24, 0);
	u64 p0, p1;
	char *obj;
	u32 saved;

	ASSERT_TRUE(c != NULL);
	obj = smm_cache_alloc(c, 0, 0, &p0);
	ASSERT_TRUE(obj != NULL);
	ASSERT_TRUE(smm_cache_alloc(c, 0, 0, &p1) != NULL);
	EXPECT_EQ(slab_test_validate(c), 0);
	/* 32 bytes written into a 24-byte object: the next header's magic */
	memcpy(&saved, obj + 24 + 4, 4);
	memset(obj + 24 + 4, 0x42, 4);
	EXPECT_TRUE(slab_test_validate(c) != 0);
	EXPECT_EQ(smm_cache_free(c, p1, 0), -EINVAL);
	memcpy(obj + 24 + 4, &saved, 4);
	EXPECT_EQ(slab_test_validate(c), 0);
	EXPECT_EQ(smm_cache_free(c, p1, 0), 0);
	EXPECT_EQ(smm_cache_free(c, p0, 0), 0);
}

/*
 * slabinfo: a SLOB cache in the heap has no slabs of its own (all its
 * objects are active); the heap's objects are its units.
 */
TEST_F(slob, slob_info)
{
	struct slab_test *st = &self->st;
	struct smm_cache *c = slob_create(st, "inf", 24, 0);
	struct smm_cache_info ci;
	u64 p[3];
	unsigned int i;

	ASSERT_TRUE(c != NULL);
	for (i = 0; i < 3; i++)
		ASSERT_TRUE(smm_cache_alloc(c, 0, 0, &p[i]) != NULL);
	smm_cache_info(c, &ci);
	EXPECT_EQ(ci.policy, SMM_SLOB);
	EXPECT_EQ(ci.active_objs, 3);
	EXPECT_EQ(ci.num_objs, 3);
	EXPECT_EQ(ci.num_slabs, 0);
	smm_cache_info(st->s.slob_heap, &ci);
	EXPECT_EQ(ci.policy, SMM_SLOB);
	EXPECT_EQ(ci.num_slabs, 1);
	EXPECT_EQ(ci.active_objs, 3 * 16);
	EXPECT_EQ(ci.num_objs, 2048);
	EXPECT_EQ(ci.partial_slabs, 1);
	smm_cache_info(smm_cache_find(&st->s, "kmalloc-64"), &ci);
	EXPECT_EQ(ci.policy, SMM_SLUB);
	for (i = 0; i < 3; i++)
		EXPECT_EQ(smm_cache_free(c, p[i], 1), 0);
}
