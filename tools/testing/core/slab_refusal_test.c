// SPDX-License-Identifier: GPL-2.0
/*
 * The reasons the slab layer gives for refusing a destroy or a
 * corruption, which netlink passes on as its extended ack word for word
 * (nl_cache.c, nl_obj.c): each refusal names its reason and errno, and
 * the refused call changes nothing. One 16 MiB section with memory.
 */
#include <string.h>

#include "harness.h"
#include "common.h"
#include "../../../module/core/slab.h"

struct refusal_test {
	struct smm_test_mm t;
	struct smm_slabs s;
};

static int refusal_init(struct refusal_test *rt)
{
	static const struct smm_test_section sec = { 0x10000, 4096 };
	int ret = smm_test_mm_init_mem(&rt->t, &sec, 1, NULL, true, 1);

	if (!ret && smm_slabs_init(&rt->s, &rt->t.mm, 0x12345678, 0)) {
		smm_test_mm_destroy(&rt->t);
		ret = -ENOMEM;
	}
	return ret;
}

static void refusal_destroy(struct refusal_test *rt)
{
	smm_slabs_destroy(&rt->s);
	smm_test_mm_destroy(&rt->t);
}

/*
 * kmalloc-64 is built in: refused with -EPERM, forced or not. A user
 * cache with one live object: refused with -EBUSY unless forced; empty,
 * it may go, and the errno slot says 0.
 */
SMM_TEST(slab_refusal_destroy)
{
	struct smm_cache *km, *c;
	struct refusal_test rt;
	const char *why;
	int err;
	u64 pos;

	ASSERT_EQ(refusal_init(&rt), 0);
	km = smm_cache_find(&rt.s, "kmalloc-64");
	ASSERT_TRUE(km != NULL);
	why = smm_cache_destroy_refusal(km, true, &err);
	ASSERT_TRUE(why && !strcmp(why, "the kmalloc caches are built in and cannot be destroyed"));
	EXPECT_EQ(err, -EPERM);
	EXPECT_EQ(smm_cache_destroy(&rt.s, km, true, 0), -EPERM);

	ASSERT_EQ(smm_cache_create(&rt.s, "live", 100, 0, 0, &c), 0);
	ASSERT_TRUE(smm_cache_alloc(c, 0, 0, &pos) != NULL);
	why = smm_cache_destroy_refusal(c, false, &err);
	ASSERT_TRUE(why && !strcmp(why, "cache has live objects (force frees them)"));
	EXPECT_EQ(err, -EBUSY);
	EXPECT_EQ(smm_cache_destroy(&rt.s, c, false, 0), -EBUSY);
	EXPECT_TRUE(smm_cache_find(&rt.s, "live") == c);
	EXPECT_TRUE(smm_cache_destroy_refusal(c, true, &err) == NULL);
	EXPECT_EQ(err, 0);
	ASSERT_EQ(smm_cache_free(c, pos, 0), 0);
	EXPECT_TRUE(smm_cache_destroy_refusal(c, false, &err) == NULL);
	EXPECT_EQ(smm_cache_destroy(&rt.s, c, false, 0), 0);
	EXPECT_TRUE(smm_cache_find(&rt.s, "live") == NULL);
	refusal_destroy(&rt);
}

/*
 * A red-zone write needs red zones, a write after free needs poison: a
 * plain cache refuses both with their reasons (and -EOPNOTSUPP from the
 * corruption itself, which leaves the object alone); the free-pointer
 * kind needs nothing, and a cache with both debug flags accepts all.
 */
SMM_TEST(slab_refusal_corrupt)
{
	struct smm_cache *plain, *dbg;
	struct refusal_test rt;
	const char *why;
	u64 pos;

	ASSERT_EQ(refusal_init(&rt), 0);
	ASSERT_EQ(smm_cache_create(&rt.s, "plain", 64, 0, 0, &plain), 0);
	ASSERT_EQ(smm_cache_create(&rt.s, "dbg", 64, 0,
				   SHADOWMM_CACHE_RED_ZONE | SHADOWMM_CACHE_POISON, &dbg), 0);
	why = smm_cache_corrupt_refusal(plain, SHADOWMM_CORRUPT_REDZONE);
	ASSERT_TRUE(why && !strcmp(why, "red zone corruption needs a cache with red zones"));
	why = smm_cache_corrupt_refusal(plain, SHADOWMM_CORRUPT_AFTER_FREE);
	ASSERT_TRUE(why && !strcmp(why, "write after free needs a cache with poisoning"));
	EXPECT_TRUE(smm_cache_corrupt_refusal(plain, SHADOWMM_CORRUPT_FREELIST) == NULL);
	EXPECT_TRUE(smm_cache_corrupt_refusal(dbg, SHADOWMM_CORRUPT_REDZONE) == NULL);
	EXPECT_TRUE(smm_cache_corrupt_refusal(dbg, SHADOWMM_CORRUPT_AFTER_FREE) == NULL);

	ASSERT_TRUE(smm_cache_alloc(plain, 0, 0, &pos) != NULL);
	EXPECT_EQ(smm_cache_corrupt(plain, pos, SHADOWMM_CORRUPT_AFTER_FREE, 0), -EOPNOTSUPP);
	EXPECT_EQ(smm_cache_live(plain), 1);	/* not freed by the refused call */
	ASSERT_EQ(smm_cache_free(plain, pos, 0), 0);
	EXPECT_EQ(smm_cache_destroy(&rt.s, plain, false, 0), 0);
	EXPECT_EQ(smm_cache_destroy(&rt.s, dbg, false, 0), 0);
	refusal_destroy(&rt);
}
