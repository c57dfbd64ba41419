// SPDX-License-Identifier: GPL-2.0
/*
 * Slab caches: order and layout, the fast and slow paths, shrinking and
 * destroying, the lookups behind netlink's refusals, and each kind of
 * corruption being found. Every test runs on one 16 MiB section with
 * real memory behind it:
 *
 *   index 0                                             4096
 *         [ DMA32 ............................................ ]
 *           slabs (order 0..3) are taken from here by the buddy
 */
#include "harness.h"
#include "common.h"
#include "../../../module/core/slab.h"

#define SLAB_TEST_FRAMES	4096

struct slab_test {
	struct smm_test_mm t;
	struct smm_slabs s;
	u64 avail0;		/* free + pcp frames after the kmalloc caches */
};

static int slab_test_init(struct slab_test *st, unsigned int cpus)
{
	static const struct smm_test_section sec = { 0x10000, SLAB_TEST_FRAMES };
	int ret = smm_test_mm_init_mem(&st->t, &sec, 1, NULL, true, cpus);

	if (ret)
		return ret;
	ret = smm_slabs_init(&st->s, &st->t.mm, 0x12345678, 0);
	if (ret) {
		smm_test_mm_destroy(&st->t);
		return ret;
	}
	st->avail0 = smm_test_free_frames(&st->t.mm) + smm_test_pcp_frames(&st->t.mm);
	return 0;
}

static void slab_test_destroy(struct slab_test *st)
{
	smm_slabs_destroy(&st->s);
	smm_test_mm_destroy(&st->t);
}

/* Most tests: the section above on two CPUs. */
FIXTURE(slab) {
	struct slab_test st;
};

FIXTURE_SETUP(slab)
{
	ASSERT_EQ(slab_test_init(&self->st, 2), 0);
}

FIXTURE_TEARDOWN(slab)
{
	slab_test_destroy(&self->st);
}

static u64 slab_avail(struct slab_test *st)
{
	return smm_test_free_frames(&st->t.mm) + smm_test_pcp_frames(&st->t.mm);
}

/* VALIDATE's problem count, or ~0 when it could not validate at all. */
static u64 slab_validate(struct smm_cache *c)
{
	u64 problems;

	return smm_cache_validate(c, &problems) ? ~0ULL : problems;
}

static int slab_check(struct slab_test *st)
{
	char why[160];
	int ret = smm_test_check(&st->t.mm);

	if (!ret && smm_slabs_check(&st->s, why, sizeof(why))) {
		printf("# slab CHECK: %s\n", why);
		ret = -1;
	}
	return ret;
}

/*
 * The kmalloc caches exist after init, 8 B to 8 KiB, and a size maps
 * to the smallest class that holds it (kmalloc_slab()).
 */
TEST_F(slab, slab_kmalloc_caches)
{
	struct slab_test *st = &self->st;

	ASSERT_TRUE(smm_cache_find(&st->s, "kmalloc-8") != NULL);
	ASSERT_TRUE(smm_cache_find(&st->s, "kmalloc-96") != NULL);
	ASSERT_TRUE(smm_cache_find(&st->s, "kmalloc-8192") != NULL);
	ASSERT_EQ(st->s.nr_kmalloc, 13);
	ASSERT_TRUE(smm_kmalloc_cache(&st->s, 100) == smm_cache_find(&st->s, "kmalloc-128"));
	ASSERT_TRUE(smm_kmalloc_cache(&st->s, 8) == smm_cache_find(&st->s, "kmalloc-8"));
	ASSERT_TRUE(smm_kmalloc_cache(&st->s, 8193) == NULL);
	/* nothing allocated yet: no slab taken */
	ASSERT_EQ(slab_avail(st), (u64)SLAB_TEST_FRAMES);
	ASSERT_EQ(smm_cache_destroy(&st->s, smm_cache_find(&st->s, "kmalloc-64"), true, 0), -EPERM);
}

/*
 * calculate_order() with 2 CPUs wants 12 objects per slab, waste at
 * most 1/16 (then 1/8, 1/4). No header in the slab: the slab is objects
 * and waste, as SLUB's (kmalloc-256 16, kmalloc-8k 4 in /proc/slabinfo):
 *   256 B:  order 0, 4096 / 256 = 16 objects, nothing left
 *   1 KiB:  order 2, 16 objects, nothing left
 *   8 KiB:  order 3, 4 objects (12 impossible), nothing left
 */
TEST_F(slab, slab_order_like_slub)
{
	struct slab_test *st = &self->st;
	struct smm_cache *c;

	c = smm_cache_find(&st->s, "kmalloc-256");
	ASSERT_EQ(c->order, 0);
	ASSERT_EQ(c->objects, 16);
	c = smm_cache_find(&st->s, "kmalloc-1024");
	ASSERT_EQ(c->order, 2);
	ASSERT_EQ(c->objects, 16);
	c = smm_cache_find(&st->s, "kmalloc-8192");
	ASSERT_EQ(c->order, 3);
	ASSERT_EQ(c->objects, 4);
	/* hardware-cacheline alignment: 100 B objects in 128 B slots at 64 */
	ASSERT_EQ(smm_cache_create(&st->s, "hw", 100, 0, SHADOWMM_CACHE_HWCACHE_ALIGN, &c), 0);
	ASSERT_EQ(c->align, 64);
	ASSERT_EQ(c->size, 128);
	ASSERT_EQ(c->first, 0);
	/* red zone + poison + owner: 24 -> 24 + 8 red + 8 fp + 8 owner */
	ASSERT_EQ(smm_cache_create(&st->s, "dbg", 24, 0, SMM_CACHE_DEBUG_FLAGS, &c), 0);
	ASSERT_EQ(c->red_end, 32);
	ASSERT_EQ(c->fp_offset, 32);
	ASSERT_EQ(c->owner_offset, 40);
	ASSERT_EQ(c->size, 48);
}

/* Bad arguments and a taken name are refused; nothing is created. */
SMM_TEST(slab_create_refusals)
{
	struct slab_test st;
	struct smm_cache *c = NULL;

	ASSERT_EQ(slab_test_init(&st, 1), 0);
	ASSERT_EQ(smm_cache_create(&st.s, "", 64, 0, 0, &c), -EINVAL);
	ASSERT_EQ(smm_cache_create(&st.s, "has space", 64, 0, 0, &c), -EINVAL);
	ASSERT_EQ(smm_cache_create(&st.s, "a-name-that-is-far-too-long-to-fit", 64, 0, 0, &c),
		  -EINVAL);
	ASSERT_EQ(smm_cache_create(&st.s, "x", 0, 0, 0, &c), -EINVAL);
	ASSERT_EQ(smm_cache_create(&st.s, "x", 8193, 0, 0, &c), -EINVAL);
	ASSERT_EQ(smm_cache_create(&st.s, "x", 64, 24, 0, &c), -EINVAL);
	ASSERT_EQ(smm_cache_create(&st.s, "x", 64, 8192, 0, &c), -EINVAL);
	ASSERT_EQ(smm_cache_create(&st.s, "x", 64, 0, 1U << 10, &c), -EINVAL);
	ASSERT_EQ(smm_cache_create(&st.s, "kmalloc-64", 64, 0, 0, &c), -EEXIST);
	ASSERT_TRUE(c == NULL);
	ASSERT_TRUE(smm_cache_find(&st.s, "x") == NULL);
	slab_test_destroy(&st);
}

/*
 * 10,000 objects of 200 bytes: all distinct, inside slabs of the cache;
 * freed and shrunk, every frame is back where it was (the issue's
 * done-criterion, in user space).
 */
TEST_F(slab, slab_10000_objects_back_to_start)
{
	static u64 pos[10000];
	struct slab_test *st = &self->st;
	struct smm_cache *c;
	unsigned int i;
	u64 slabs;
	char *p;

	ASSERT_EQ(smm_cache_create(&st->s, "done", 200, 0, 0, &c), 0);
	for (i = 0; i < 10000; i++) {
		p = smm_cache_alloc(c, i % 2, 0, &pos[i]);
		ASSERT_TRUE(p != NULL);
		memset(p, 0x5a, 200);	/* ASan: the whole object is ours */
		ASSERT_TRUE(smm_cache_of_pos(&st->s, pos[i]) == c);
		ASSERT_TRUE(smm_cache_obj_lookup(c, pos[i]) == NULL);
	}
	ASSERT_EQ(smm_cache_live(c), 10000);
	ASSERT_EQ(slab_check(st), 0);
	for (i = 0; i < 10000; i++)
		ASSERT_EQ(smm_cache_free(c, pos[i], (i / 7) % 2), 0);
	ASSERT_EQ(smm_cache_live(c), 0);
	ASSERT_EQ(slab_validate(c), 0);
	slabs = c->nr_slabs;
	ASSERT_EQ(smm_cache_shrink(c, 0), slabs << c->order);
	ASSERT_EQ(c->nr_slabs, 0);
	ASSERT_EQ(slab_avail(st), st->avail0);
	ASSERT_EQ(slab_check(st), 0);
	ASSERT_EQ(smm_cache_destroy(&st->s, c, false, 0), 0);
}

/*
 * Fast and slow paths: CPU 0 allocates a slab's worth; CPU 1 frees them
 * (remote frees, slow); CPU 0 then refills from what CPU 1 left on the
 * slab's descriptor instead of taking a new slab.
 */
TEST_F(slab, slab_remote_free_refills)
{
	struct smm_cache_info info;
	struct slab_test *st = &self->st;
	struct smm_cache *c;
	u64 pos[16], p2;
	unsigned int i;

	c = smm_cache_find(&st->s, "kmalloc-256");
	for (i = 0; i < 16; i++)
		ASSERT_TRUE(smm_cache_alloc(c, 0, 0, &pos[i]) != NULL);
	ASSERT_EQ(c->nr_slabs, 1);
	for (i = 0; i < 16; i++)
		ASSERT_EQ(smm_cache_free(c, pos[i], 1), 0);
	ASSERT_TRUE(smm_cache_alloc(c, 0, 0, &p2) != NULL);
	ASSERT_EQ(c->nr_slabs, 1);
	ASSERT_EQ(smm_slab_head(c, p2), smm_slab_head(c, pos[0]));
	smm_cache_info(c, &info);
	ASSERT_EQ(info.stats.alloc_fast, 15);
	ASSERT_EQ(info.stats.alloc_slow, 2);
	ASSERT_EQ(info.stats.free_slow, 16);
	ASSERT_EQ(info.stats.free_fast, 0);
	ASSERT_EQ(info.active_objs, 1);
	ASSERT_EQ(info.num_objs, 16);
	ASSERT_EQ(smm_cache_free(c, p2, 0), 0);
	ASSERT_EQ(slab_validate(c), 0);
	ASSERT_EQ(slab_check(st), 0);
}

/* Destroy waits for the last object unless forced; force frees the slabs. */
TEST_F(slab, slab_destroy_busy_and_forced)
{
	struct slab_test *st = &self->st;
	struct smm_cache *c;
	unsigned int i;
	u64 pos;

	ASSERT_EQ(smm_cache_create(&st->s, "busy", 3000, 0, SHADOWMM_CACHE_RECLAIM_ACCOUNT, &c), 0);
	for (i = 0; i < 100; i++)
		ASSERT_TRUE(smm_cache_alloc(c, i % 2, 0, &pos) != NULL);
	ASSERT_EQ(smm_frame_mt(&st->t.mm.frames[smm_slab_head(c, pos)]), SHADOWMM_MT_RECLAIMABLE);
	ASSERT_EQ(smm_cache_destroy(&st->s, c, false, 0), -EBUSY);
	ASSERT_TRUE(smm_cache_find(&st->s, "busy") == c);
	ASSERT_EQ(smm_cache_destroy(&st->s, c, true, 0), 0);
	ASSERT_TRUE(smm_cache_find(&st->s, "busy") == NULL);
	ASSERT_EQ(slab_avail(st), st->avail0);
	ASSERT_EQ(slab_check(st), 0);
}

/*
 * Each way a position sent back can be wrong has its reason, and the
 * lookup changes nothing.
 */
TEST_F(slab, slab_lookup_reasons)
{
	struct smm_cache *a, *b;
	struct slab_test *st = &self->st;
	u64 pa, pb, pfree;

	a = smm_cache_find(&st->s, "kmalloc-64");
	b = smm_cache_find(&st->s, "kmalloc-128");
	ASSERT_TRUE(smm_cache_alloc(a, 0, 0, &pa) != NULL);
	ASSERT_TRUE(smm_cache_alloc(b, 0, 0, &pb) != NULL);
	ASSERT_TRUE(smm_cache_alloc(a, 1, 0, &pfree) != NULL);
	ASSERT_EQ(smm_cache_free(a, pfree, 1), 0);

	ASSERT_TRUE(smm_cache_obj_lookup(a, pa) == NULL);
	ASSERT_STREQ(smm_cache_obj_lookup(a, (u64)SLAB_TEST_FRAMES << 12), "object is outside the range");
	ASSERT_STREQ(smm_cache_obj_lookup(a, 4000ULL << 12), "object does not point into a slab");
	ASSERT_STREQ(smm_cache_obj_lookup(a, pb), "object belongs to another cache");
	ASSERT_STREQ(smm_cache_obj_lookup(a, pa + 1),
		     "object is not on an object boundary (foreign pointer)");
	ASSERT_STREQ(smm_cache_obj_lookup(a, (pa & ~4095ULL) + 4095),
		     "object is not on an object boundary (foreign pointer)");
	ASSERT_STREQ(smm_cache_obj_lookup(a, pfree), "object is not allocated (double free?)");
	ASSERT_EQ(slab_validate(a), 0);
	ASSERT_EQ(slab_check(st), 0);
}

/*
 * The naive double free (the object heads the freelist it goes back
 * to) is refused and reported in every cache, on both paths.
 */
TEST_F(slab, slab_double_free_refused)
{
	unsigned long reports = smm_user_reports;
	struct smm_cache_info info;
	struct slab_test *st = &self->st;
	struct smm_cache *c;
	u64 p, q;

	c = smm_cache_find(&st->s, "kmalloc-32");
	ASSERT_TRUE(smm_cache_alloc(c, 0, 0, &p) != NULL);
	ASSERT_TRUE(smm_cache_alloc(c, 0, 0, &q) != NULL);
	ASSERT_EQ(smm_cache_free(c, p, 0), 0);
	ASSERT_EQ(smm_cache_free(c, p, 0), -EINVAL);	/* fast path */
	ASSERT_EQ(smm_cache_free(c, q, 1), 0);
	ASSERT_EQ(smm_cache_free(c, q, 1), -EINVAL);	/* slow path */
	ASSERT_EQ(smm_user_reports - reports, 2);
	smm_cache_info(c, &info);
	ASSERT_EQ(info.stats.errors, 2);
	ASSERT_EQ(info.active_objs, 0);
	ASSERT_EQ(slab_validate(c), 0);
}

/*
 * Red zones: an overrun shows in VALIDATE and again when the object is
 * freed (then repaired); a double free is told by the inactive zone and
 * refused even when the object is deep in a freelist.
 */
TEST_F(slab, slab_debug_redzone)
{
	unsigned long reports = smm_user_reports;
	struct slab_test *st = &self->st;
	struct smm_cache *c;
	u64 p[4];
	int i;

	ASSERT_EQ(smm_cache_create(&st->s, "rz", 40, 0, SHADOWMM_CACHE_RED_ZONE, &c), 0);
	for (i = 0; i < 4; i++)
		ASSERT_TRUE(smm_cache_alloc(c, 0, 0, &p[i]) != NULL);
	ASSERT_EQ(smm_cache_corrupt(c, p[1], SHADOWMM_CORRUPT_REDZONE, 0), 0);
	ASSERT_EQ(slab_validate(c), 1);
	ASSERT_EQ(smm_user_reports - reports, 1);
	ASSERT_EQ(smm_cache_free(c, p[1], 0), 0);	/* reported, repaired, freed */
	ASSERT_EQ(smm_user_reports - reports, 2);
	ASSERT_EQ(slab_validate(c), 0);
	ASSERT_EQ(smm_cache_free(c, p[0], 0), 0);
	ASSERT_EQ(smm_cache_free(c, p[1], 0), -EINVAL);	/* not the freelist head */
	ASSERT_EQ(smm_user_reports - reports, 3);
	ASSERT_EQ(smm_cache_free(c, p[2], 1), 0);
	ASSERT_EQ(smm_cache_free(c, p[3], 1), 0);
	ASSERT_EQ(smm_cache_free(c, p[2], 1), -EINVAL);
	ASSERT_EQ(smm_cache_live(c), 0);
	ASSERT_EQ(slab_validate(c), 0);
	ASSERT_EQ(smm_cache_destroy(&st->s, c, false, 0), 0);
	ASSERT_EQ(slab_check(st), 0);
}

/*
 * Poison: a write after free shows in VALIDATE and when the object is
 * handed out again (LIFO: the next allocation on that CPU).
 */
TEST_F(slab, slab_debug_poison)
{
	unsigned long reports = smm_user_reports;
	struct smm_cache_info info;
	struct slab_test *st = &self->st;
	struct smm_cache *c;
	u64 p, q;

	ASSERT_EQ(smm_cache_create(&st->s, "poison", 64, 0,
				   SHADOWMM_CACHE_POISON | SHADOWMM_CACHE_STORE_USER, &c), 0);
	ASSERT_TRUE(smm_cache_alloc(c, 0, 77, &p) != NULL);
	ASSERT_EQ(smm_cache_owner(c, p), 77);
	ASSERT_EQ(smm_cache_corrupt(c, p, SHADOWMM_CORRUPT_REDZONE, 0), -EOPNOTSUPP);
	ASSERT_EQ(smm_cache_corrupt(c, p, SHADOWMM_CORRUPT_AFTER_FREE, 0), 0);
	ASSERT_EQ(slab_validate(c), 1);
	ASSERT_TRUE(smm_cache_alloc(c, 0, 0, &q) != NULL);
	ASSERT_EQ(q, p);
	ASSERT_EQ(smm_user_reports - reports, 2);
	smm_cache_info(c, &info);
	ASSERT_EQ(info.stats.errors, 2);
	ASSERT_EQ(smm_cache_free(c, q, 0), 0);
	ASSERT_EQ(slab_validate(c), 0);
}

/*
 * VALIDATE that cannot get its bitmap of free objects says so (-ENOMEM)
 * instead of calling a damaged cache clean: with the one allocation it
 * makes failed, it returns the error, leaves the count alone and looks
 * at nothing (no report, no error counted); the next VALIDATE finds the
 * overrun as usual.
 */
TEST_F(slab, slab_validate_reports_enomem)
{
	unsigned long reports = smm_user_reports;
	struct smm_cache_info info;
	struct slab_test *st = &self->st;
	struct smm_cache *c;
	u64 p, problems = 42;

	ASSERT_EQ(smm_cache_create(&st->s, "rz-nomem", 40, 0, SHADOWMM_CACHE_RED_ZONE, &c), 0);
	ASSERT_TRUE(smm_cache_alloc(c, 0, 0, &p) != NULL);
	ASSERT_EQ(smm_cache_corrupt(c, p, SHADOWMM_CORRUPT_REDZONE, 0), 0);
	smm_user_fail_alloc = 1;
	ASSERT_EQ(smm_cache_validate(c, &problems), -ENOMEM);
	ASSERT_EQ(smm_user_fail_alloc, 0);
	ASSERT_EQ(problems, 42);
	ASSERT_EQ(smm_user_reports - reports, 0);
	smm_cache_info(c, &info);
	ASSERT_EQ(info.stats.errors, 0);
	ASSERT_EQ(smm_cache_validate(c, &problems), 0);
	ASSERT_EQ(problems, 1);
	ASSERT_EQ(smm_user_reports - reports, 1);
	ASSERT_EQ(smm_cache_free(c, p, 0), 0);		/* reported, repaired, freed */
	ASSERT_EQ(slab_validate(c), 0);
}

/*
 * Hardened freelists: an overwritten free pointer is caught when the
 * object is popped; the rest of that freelist is given up, nothing
 * outside the slab is touched, and the cache keeps working.
 */
TEST_F(slab, slab_freelist_corruption_caught)
{
	unsigned long reports = smm_user_reports;
	struct slab_test *st = &self->st;
	struct smm_cache *c;
	u64 p, q, r;
	unsigned int i;

	c = smm_cache_find(&st->s, "kmalloc-512");
	ASSERT_TRUE(smm_cache_alloc(c, 0, 0, &p) != NULL);
	ASSERT_EQ(smm_cache_corrupt(c, p, SHADOWMM_CORRUPT_FREELIST, 0), 0);
	ASSERT_EQ(slab_validate(c), 1);
	ASSERT_TRUE(smm_cache_alloc(c, 0, 0, &q) != NULL);	/* p itself */
	ASSERT_EQ(q, p);
	ASSERT_TRUE(smm_cache_alloc(c, 0, 0, &r) != NULL);	/* caught: a new slab */
	ASSERT_NE(smm_slab_head(c, r), smm_slab_head(c, p));
	ASSERT_EQ(smm_user_reports - reports, 2);
	for (i = 0; i < 100; i++)
		ASSERT_TRUE(smm_cache_alloc(c, 0, 0, &r) != NULL);
	ASSERT_EQ(slab_check(st), 0);
}

/* CHECK notices a cache whose slab count disagrees with the frame map. */
SMM_TEST(slab_check_catches_bad_count)
{
	struct slab_test st;
	struct smm_cache *c;
	char why[160];
	u64 p;

	ASSERT_EQ(slab_test_init(&st, 1), 0);
	c = smm_cache_find(&st.s, "kmalloc-16");
	ASSERT_TRUE(smm_cache_alloc(c, 0, 0, &p) != NULL);
	ASSERT_EQ(smm_slabs_check(&st.s, why, sizeof(why)), 0);
	c->nr_slabs++;
	ASSERT_EQ(smm_slabs_check(&st.s, why, sizeof(why)), -EUCLEAN);
	ASSERT_TRUE(strstr(why, "kmalloc-16") != NULL);
	c->nr_slabs--;
	slab_test_destroy(&st);
}

/*
 * CHECK notices an active slab whose fp_base (where the free's fast path
 * stores the free pointer) is not its base plus the free pointer's
 * offset: a free through it would write outside the object's pointer.
 * Put back, CHECK passes and a free to the active slab goes on.
 */
SMM_TEST(slab_check_catches_bad_fp_base)
{
	struct slab_test st;
	struct smm_cache *c;
	char why[160];
	u64 p;

	ASSERT_EQ(slab_test_init(&st, 1), 0);
	c = smm_cache_find(&st.s, "kmalloc-256");
	ASSERT_TRUE(smm_cache_alloc(c, 0, 0, &p) != NULL);
	ASSERT_EQ(smm_slabs_check(&st.s, why, sizeof(why)), 0);
	EXPECT_TRUE(c->cpu[0].fp_base == c->cpu[0].base + c->fp_offset);
	c->cpu[0].fp_base += 8;
	ASSERT_EQ(smm_slabs_check(&st.s, why, sizeof(why)), -EUCLEAN);
	ASSERT_TRUE(strstr(why, "kmalloc-256") && strstr(why, "fp_base is 8 bytes"));
	c->cpu[0].fp_base -= 8;
	ASSERT_EQ(smm_slabs_check(&st.s, why, sizeof(why)), 0);
	ASSERT_EQ(smm_cache_free(c, p, 0), 0);
	ASSERT_EQ(slab_check(&st), 0);
	slab_test_destroy(&st);
}

/*
 * The events group's source: creations and destructions counted and the
 * last names kept; a refused creation or destruction counts nothing.
 */
SMM_TEST(slab_counts_creations_for_events)
{
	struct slab_test st;
	struct smm_cache *a, *b, *dup;
	u64 made;

	ASSERT_EQ(slab_test_init(&st, 1), 0);
	made = st.s.nr_created;
	ASSERT_EQ(st.s.nr_destroyed, 0);
	ASSERT_EQ(smm_cache_create(&st.s, "ev_a", 100, 0, 0, &a), 0);
	ASSERT_EQ(smm_cache_create(&st.s, "ev_b", 200, 0, 0, &b), 0);
	ASSERT_EQ(smm_cache_create(&st.s, "ev_a", 100, 0, 0, &dup), -EEXIST);
	ASSERT_EQ(st.s.nr_created, made + 2);
	ASSERT_EQ(strcmp(st.s.last_created, "ev_b"), 0);
	ASSERT_EQ(smm_cache_destroy(&st.s, smm_cache_find(&st.s, "kmalloc-64"), true, 0), -EPERM);
	ASSERT_EQ(st.s.nr_destroyed, 0);
	ASSERT_EQ(smm_cache_destroy(&st.s, a, false, 0), 0);
	ASSERT_EQ(st.s.nr_destroyed, 1);
	ASSERT_EQ(strcmp(st.s.last_destroyed, "ev_a"), 0);
	ASSERT_EQ(smm_cache_destroy(&st.s, b, false, 0), 0);
	ASSERT_EQ(st.s.nr_destroyed, 2);
	ASSERT_EQ(strcmp(st.s.last_destroyed, "ev_b"), 0);
	slab_test_destroy(&st);
}

/*
 * The reference: 6.1's calculate_sizes() for a cache without debug
 * flags (the object rounded up to a word, then to calculate_alignment())
 * and calculate_order()/calc_slab_order() as mm/slub.c writes them
 * (get_order() of min_objects objects as the first order tried, the
 * waste slab_size % size), with slub_max_order 3 and 4 KiB pages.
 */
static unsigned int ref_fls(unsigned int n)
{
	return n ? 32 - __builtin_clz(n) : 0;
}

static unsigned int ref_get_order(unsigned long bytes)
{
	unsigned int order = 0;

	while ((4096UL << order) < bytes)
		order++;
	return order;
}

static unsigned int ref_calc_slab_order(unsigned int size, unsigned int min_objects,
					unsigned int max_order, unsigned int fract)
{
	unsigned int order;

	for (order = ref_get_order((unsigned long)min_objects * size); order <= max_order;
	     order++) {
		unsigned int slab_size = 4096U << order;

		if (slab_size % size <= slab_size / fract)
			break;
	}
	return order;
}

static void ref_slub(unsigned int object_size, unsigned int align, bool hw, unsigned int cpus,
		     unsigned int *size, unsigned int *order, unsigned int *objects)
{
	unsigned int min_objects, max_objects, fraction, ralign, o;

	if (hw) {
		for (ralign = 64; object_size <= ralign / 2; ralign /= 2)
			;
		align = align > ralign ? align : ralign;
	}
	align = align > 8 ? align : 8;
	*size = (((object_size + 7) & ~7U) + align - 1) & ~(align - 1);
	min_objects = 4 * (ref_fls(cpus) + 1);
	max_objects = (4096U << 3) / *size;
	if (min_objects > max_objects)
		min_objects = max_objects;
	for (; min_objects > 1; min_objects--) {
		for (fraction = 16; fraction >= 4; fraction /= 2) {
			o = ref_calc_slab_order(*size, min_objects, 3, fraction);
			if (o <= 3)
				goto done;
		}
	}
	o = ref_calc_slab_order(*size, 1, 3, 1);
done:
	*order = o;
	*objects = (4096U << o) / *size;
}

/*
 * Objects and pages per slab equal SLUB's for every object size from 1
 * to 8192 bytes, with alignments 0 to 4096, with and without
 * hwcache_align, sized for 1, 2, 3, 4, 8 and 64 CPUs: created caches
 * and, through the same path, the kmalloc caches.
 */
TEST_F(slab, slab_per_slab_as_slub)
{
	static const unsigned int cpus[] = { 1, 2, 3, 4, 8, 64 };
	static const unsigned int aligns[] = { 0, 8, 16, 32, 64, 128, 256, 512, 4096 };
	struct slab_test *st = &self->st;
	unsigned int ci, ai, size, sz, order, objects, n = 0;
	struct smm_cache *c;
	char name[32];
	int hw;

	for (ci = 0; ci < ARRAY_SIZE(cpus); ci++) {
		st->s.order_cpus = cpus[ci];
		for (ai = 0; ai < ARRAY_SIZE(aligns); ai++) {
			for (hw = 0; hw <= 1; hw++) {
				for (size = 1; size <= 8192; size += size < 256 ? 1 : 7) {
					snprintf(name, sizeof(name), "r%u", size);
					ASSERT_EQ(smm_cache_create(&st->s, name, size, aligns[ai],
								   hw ? SHADOWMM_CACHE_HWCACHE_ALIGN : 0,
								   &c), 0);
					ref_slub(size, aligns[ai], hw, cpus[ci], &sz, &order, &objects);
					if (c->size != sz || c->order != order || c->objects != objects)
						fprintf(stderr, "# size %u align %u hw %d cpus %u: %u/%u/%u, SLUB %u/%u/%u\n",
							size, aligns[ai], hw, cpus[ci], c->size, c->order,
							c->objects, sz, order, objects);
					ASSERT_EQ(c->size, sz);
					ASSERT_EQ(c->order, order);
					ASSERT_EQ(c->objects, objects);
					ASSERT_EQ(smm_cache_destroy(&st->s, c, false, 0), 0);
					n++;
				}
			}
		}
	}
	/* kmalloc-256 and kmalloc-8k as /proc/slabinfo shows them on 2 CPUs */
	ref_slub(256, 0, false, 2, &sz, &order, &objects);
	ASSERT_EQ(objects, 16);
	ref_slub(8192, 0, false, 2, &sz, &order, &objects);
	ASSERT_EQ(objects * 1000 + order, 4003);
	fprintf(stderr, "# %u layouts as SLUB's\n", n);
}

/* The free pointer check as it reads in words: a slot boundary inside the slab. */
static bool ref_slot_ok(const struct smm_cache *c, u32 off)
{
	return off < c->slab_bytes && off % c->size == 0 && off / c->size < c->objects;
}

/*
 * smm_slab_slot_ok(), the fast paths' free pointer check, is one
 * multiply and two compares with no bound compare: it must say what the
 * bounds say for every offset a corrupted pointer may hold. Every
 * kmalloc cache and caches of odd sizes (with waste after the last slot:
 * 96 B has 64 bytes of it) are asked about every offset up to twice
 * the slab, the top of the 32-bit range (pointers xor a key) and every
 * 65,521st offset between.
 *
 *   slab:  | slot 0 | slot 1 | ... | slot n-1 | waste |   past the slab ... 2^32
 *            ok       ok             ok         no        no
 */
TEST_F(slab, slab_slot_ok_is_the_bound_check)
{
	static const u32 sizes[] = { 24, 40, 56, 200, 1000, 3000 };
	struct slab_test *st = &self->st;
	struct smm_cache *cs[SMM_NR_KMALLOC + ARRAY_SIZE(sizes)];
	unsigned int i, n = 0, bad = 0;
	u64 asked = 0, off;
	char name[32];

	for (i = 0; i < st->s.nr_kmalloc; i++)
		cs[n++] = st->s.kmalloc[i];
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		snprintf(name, sizeof(name), "odd-%u", sizes[i]);
		ASSERT_EQ(smm_cache_create(&st->s, name, sizes[i], 0, 0, &cs[n]), 0);
		n++;
	}
	for (i = 0; i < n; i++) {
		const struct smm_cache *c = cs[i];
		u64 edge = 2ULL * c->slab_bytes;

		for (off = 0; off <= U32_MAX; ) {
			if (smm_slab_slot_ok(c, (u32)off) != ref_slot_ok(c, (u32)off) && bad++ < 5)
				printf("# %s: offset %llu: %d, the bounds say %d\n", c->name,
				       (unsigned long long)off, smm_slab_slot_ok(c, (u32)off),
				       ref_slot_ok(c, (u32)off));
			asked++;
			if (off < edge || off >= U32_MAX - edge)
				off++;
			else
				off = min(off + 65521, (u64)U32_MAX - edge);
		}
	}
	printf("# %llu offsets asked of %u caches\n", (unsigned long long)asked, n);
	ASSERT_EQ(bad, 0);
}

/*
 * The descriptors live outside the slabs: a full order-0 slab of
 * kmalloc-64 is 64 objects and nothing else, every slab's head names a
 * descriptor that names it back, descriptors are reused after their
 * slab goes, and CHECK and VALIDATE find a head that names another
 * slab's descriptor.
 *
 *   frame word (head): | desc idx | cache id | SLAB |  ->  pool[desc idx].head == frame
 */
TEST_F(slab, slab_descriptors_outside)
{
	struct slab_test *st = &self->st;
	struct smm_cache *c = smm_cache_find(&st->s, "kmalloc-64");
	struct smm_frame *f;
	u64 pos[128], h0, h1, saved;
	unsigned int i;
	char why[128];

	for (i = 0; i < 128; i++)
		ASSERT_TRUE(smm_cache_alloc(c, 0, 0, &pos[i]) != NULL);
	ASSERT_EQ(c->nr_slabs, 2);
	h0 = smm_slab_head(c, pos[0]);
	h1 = smm_slab_head(c, pos[64]);
	ASSERT_TRUE(h0 != h1);
	for (i = 0; i < 64; i++) {
		ASSERT_EQ(smm_slab_head(c, pos[i]), h0);
		ASSERT_EQ(pos[i] - (h0 << 12), (u64)i * 64);
	}
	ASSERT_TRUE(smm_slab_at(c, h0) != NULL);
	ASSERT_EQ(smm_slab_at(c, h0)->head, h0);
	ASSERT_EQ(smm_slab_at(c, h1)->head, h1);
	ASSERT_TRUE(smm_slab_at(c, h0) != smm_slab_at(c, h1));
	ASSERT_EQ(st->s.desc_live, 2);

	/* head 0 names head 1's descriptor: both sweeps say so */
	f = &st->t.mm.frames[h0];
	saved = f->word;
	f->word = st->t.mm.frames[h1].word;
	ASSERT_EQ(smm_slabs_check(&st->s, why, sizeof(why)), -EUCLEAN);
	ASSERT_TRUE(strstr(why, "not its own") != NULL);
	ASSERT_TRUE(slab_validate(c) != 0);
	f->word = saved;
	ASSERT_EQ(slab_check(st), 0);

	for (i = 0; i < 128; i++)
		ASSERT_EQ(smm_cache_free(c, pos[i], 0), 0);
	smm_cache_shrink(c, 0);
	ASSERT_EQ(c->nr_slabs, 0);
	ASSERT_EQ(st->s.desc_live, 0);
	ASSERT_EQ(smm_slab_at(c, h0), NULL);
	/* the pool hands the same descriptors out again: its high-water stays */
	saved = st->s.desc_used;
	for (i = 0; i < 128; i++)
		ASSERT_TRUE(smm_cache_alloc(c, 0, 0, &pos[i]) != NULL);
	ASSERT_EQ(st->s.desc_used, saved);
	ASSERT_EQ(st->s.desc_live, 2);
	ASSERT_EQ(slab_validate(c), 0);
	ASSERT_EQ(slab_check(st), 0);
}

/* A descriptor chunk that cannot be had fails the allocation and leaks nothing. */
TEST_F(slab, slab_descriptor_chunk_enomem)
{
	struct slab_test *st = &self->st;
	struct smm_cache *c = smm_cache_find(&st->s, "kmalloc-64");
	u64 pos;

	ASSERT_EQ(st->s.desc_used, 0);
	smm_user_fail_alloc = 1;
	ASSERT_TRUE(smm_cache_alloc(c, 0, 0, &pos) == NULL);
	smm_user_fail_alloc = 0;
	ASSERT_EQ(slab_avail(st), st->avail0);
	ASSERT_EQ(st->s.desc_live, 0);
	ASSERT_TRUE(smm_cache_alloc(c, 0, 0, &pos) != NULL);
	ASSERT_EQ(st->s.desc_live, 1);
	ASSERT_EQ(smm_cache_free(c, pos, 0), 0);
	ASSERT_EQ(slab_check(st), 0);
}

/*
 * set_cpu_partial() and slub_set_cpu_partial() of 6.1: objects by slot
 * size, then slabs assumed half full, DIV_ROUND_UP(2 * objects, per slab):
 *   kmalloc-8    120 -> 1     kmalloc-64   120 -> 4   kmalloc-256  52 -> 7
 *   kmalloc-1024  24 -> 3     kmalloc-4096   6 -> 2   kmalloc-8192  6 -> 3
 * and none for a cache with debug flags (kmem_cache_has_cpu_partial()).
 */
TEST_F(slab, slab_cpu_partial_sizes)
{
	static const struct { const char *name; u32 objects, slabs; } want[] = {
		{ "kmalloc-8", 120, 1 }, { "kmalloc-64", 120, 4 }, { "kmalloc-256", 52, 7 },
		{ "kmalloc-1024", 24, 3 }, { "kmalloc-4096", 6, 2 }, { "kmalloc-8192", 6, 3 },
	};
	struct slab_test *st = &self->st;
	struct smm_cache *c;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(want); i++) {
		c = smm_cache_find(&st->s, want[i].name);
		ASSERT_EQ(c->cpu_partial, want[i].objects);
		ASSERT_EQ(c->cpu_partial_slabs, want[i].slabs);
	}
	ASSERT_EQ(smm_cache_create(&st->s, "dbg", 64, 0, SHADOWMM_CACHE_RED_ZONE, &c), 0);
	ASSERT_EQ(c->cpu_partial, 0);
	ASSERT_EQ(c->cpu_partial_slabs, 0);
}

/*
 * The slabs move as SLUB moves them (kmalloc-64: 64 objects a slab, a
 * CPU's partial list holds 4 slabs):
 *
 *   CPU 0 allocates 6 slabs' worth     full: s0..s4       active(0): s5
 *   CPU 1 frees one object of s0..s3   CPU 1's partial: s3 s2 s1 s0
 *   CPU 1 frees one of s4              the list held 4: drained to the
 *                                      partial list, then CPU 1's: s4
 *   CPU 0 allocates once more          s5 full; the first partial slab
 *                                      active, the next 3 to CPU 0's list
 *                                      (more than half of 4: get_partial_node())
 *   CPU 1 allocates                    takes s4 from its own list first
 *
 * slabinfo's active_objs counts every object but the free ones of the
 * partial list's slabs (get_slabinfo()); shrink empties the CPUs' lists.
 */
TEST_F(slab, slab_cpu_partial_moves)
{
	struct slab_test *st = &self->st;
	struct smm_cache *c = smm_cache_find(&st->s, "kmalloc-64");
	struct smm_cache_info info;
	static u64 pos[6 * 64];
	u64 p, s4;
	unsigned int i;

	for (i = 0; i < 6 * 64; i++)
		ASSERT_TRUE(smm_cache_alloc(c, 0, 0, &pos[i]) != NULL);
	ASSERT_EQ(c->nr_slabs, 6);
	ASSERT_EQ(c->nr_full, 5);
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(smm_cache_free(c, pos[i * 64], 1), 0);
		ASSERT_EQ(c->cpu[1].nr_partial, i + 1);
		ASSERT_EQ(c->cpu[1].partial, smm_slab_head(c, pos[i * 64]));
	}
	ASSERT_EQ(c->nr_full, 1);
	ASSERT_EQ(c->nr_partial, 0);
	/* a fifth: drain the 4 to the partial list, then the new one on CPU 1's */
	ASSERT_EQ(smm_cache_free(c, pos[4 * 64], 1), 0);
	s4 = smm_slab_head(c, pos[4 * 64]);
	ASSERT_EQ(c->cpu[1].nr_partial, 1);
	ASSERT_EQ(c->cpu[1].partial, s4);
	ASSERT_EQ(c->nr_partial, 4);
	ASSERT_EQ(c->nr_full, 0);
	smm_cache_info(c, &info);
	ASSERT_EQ(info.cpu_partial_slabs, 1);
	ASSERT_EQ(info.partial_free, 4);
	ASSERT_EQ(info.num_objs - info.partial_free, 6 * 64 - 4);
	ASSERT_EQ(info.active_objs, 6 * 64 - 5);
	ASSERT_EQ(slab_validate(c), 0);
	ASSERT_EQ(slab_check(st), 0);

	/* CPU 0's active slab is full: one from the partial list, 3 more to its own */
	ASSERT_TRUE(smm_cache_alloc(c, 0, 0, &p) != NULL);
	ASSERT_EQ(c->cpu[0].nr_partial, 3);
	ASSERT_EQ(c->nr_partial, 0);
	ASSERT_EQ(c->nr_full, 1);
	ASSERT_EQ(smm_slab_at(c, smm_slab_head(c, p))->list, SMM_SLAB_ON_CPU);
	ASSERT_EQ(slab_validate(c), 0);
	ASSERT_EQ(slab_check(st), 0);

	/* CPU 1 has no active slab: its own partial list comes first */
	ASSERT_TRUE(smm_cache_alloc(c, 1, 0, &pos[4 * 64]) != NULL);
	ASSERT_EQ(smm_slab_head(c, pos[4 * 64]), s4);
	ASSERT_EQ(c->cpu[1].nr_partial, 0);
	ASSERT_EQ(smm_cc_slab(&c->cpu[1]), s4);

	/* everything back; shrink empties the CPUs' lists and gives every slab back */
	ASSERT_EQ(smm_cache_free(c, p, 0), 0);
	for (i = 0; i < 6 * 64; i++)
		if (i % 64 || i >= 4 * 64)
			ASSERT_EQ(smm_cache_free(c, pos[i], i % 2), 0);
	ASSERT_EQ(slab_validate(c), 0);
	smm_cache_shrink(c, 0);
	ASSERT_EQ(c->nr_slabs, 0);
	ASSERT_EQ(c->cpu[0].nr_partial + c->cpu[1].nr_partial, 0);
	ASSERT_EQ(slab_avail(st), st->avail0);
	ASSERT_EQ(slab_check(st), 0);
}

/* Without per-CPU partial lists (debug flags) a full slab freed into goes to the partial list. */
TEST_F(slab, slab_cpu_partial_off_for_debug)
{
	struct slab_test *st = &self->st;
	struct smm_cache *c;
	u64 pos[2 * 64];
	unsigned int i;

	ASSERT_EQ(smm_cache_create(&st->s, "dbg", 56, 0, SHADOWMM_CACHE_RED_ZONE, &c), 0);
	ASSERT_EQ(c->objects, 64);
	for (i = 0; i < 2 * 64; i++)
		ASSERT_TRUE(smm_cache_alloc(c, 0, 0, &pos[i]) != NULL);
	ASSERT_EQ(c->nr_full, 1);
	ASSERT_EQ(smm_cache_free(c, pos[0], 1), 0);
	ASSERT_EQ(c->cpu[1].nr_partial, 0);
	ASSERT_EQ(c->nr_partial, 1);
	ASSERT_EQ(c->nr_full, 0);
	for (i = 1; i < 2 * 64; i++)
		ASSERT_EQ(smm_cache_free(c, pos[i], 0), 0);
	ASSERT_EQ(slab_validate(c), 0);
	ASSERT_EQ(smm_cache_destroy(&st->s, c, false, 0), 0);
	ASSERT_EQ(slab_check(st), 0);
}
