/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the slab policies' host tests share (slab_slab_test.c,
 * slob_test.c): one 16 MiB section with real memory behind it and two
 * CPUs, a slab layer over it, the frames free at the start, and the
 * checks each test ends with.
 */
#ifndef _SMM_TEST_SLAB_COMMON_H
#define _SMM_TEST_SLAB_COMMON_H

#include "common.h"
#include "../../../module/core/slab.h"

#define SLAB_TEST_FRAMES	4096

struct slab_test {
	struct smm_test_mm t;
	struct smm_slabs s;
	u64 avail0;		/* free and pcp frames once the slab layer is up */
};

/* Frames free in the buddy or on the pcp lists. */
static inline u64 slab_test_avail(struct slab_test *st)
{
	return smm_test_free_frames(&st->t.mm) + smm_test_pcp_frames(&st->t.mm);
}

/* The section at 0x10000, two CPUs, a slab layer seeded with @seed. */
static inline int slab_test_init(struct slab_test *st, u32 seed)
{
	static const struct smm_test_section sec = { 0x10000, SLAB_TEST_FRAMES };

	if (smm_test_mm_init_mem(&st->t, &sec, 1, NULL, true, 2))
		return -1;
	if (smm_slabs_init(&st->s, &st->t.mm, seed, 0)) {
		smm_test_mm_destroy(&st->t);
		return -1;
	}
	st->avail0 = slab_test_avail(st);
	return 0;
}

static inline void slab_test_destroy(struct slab_test *st)
{
	smm_slabs_destroy(&st->s);
	smm_test_mm_destroy(&st->t);
}

/* VALIDATE's problems, ~0 if it could not run. */
static inline u64 slab_test_validate(struct smm_cache *c)
{
	u64 problems;

	return smm_cache_validate(c, &problems) ? ~0ULL : problems;
}

/* CHECK of the buddy and of the slab layer; 0 when both pass. */
static inline int slab_test_check(struct slab_test *st)
{
	char why[160];

	if (smm_test_check(&st->t.mm))
		return -1;
	if (smm_slabs_check(&st->s, why, sizeof(why))) {
		printf("# slab CHECK: %s\n", why);
		return -1;
	}
	return 0;
}

/* A cache of @policy, or NULL. */
static inline struct smm_cache *slab_test_create(struct slab_test *st, const char *name,
						 u32 size, u32 align, u32 policy)
{
	struct smm_cache *c = NULL;

	if (smm_cache_create_policy(&st->s, name, size, align, 0, policy, &c))
		return NULL;
	return c;
}

#endif /* _SMM_TEST_SLAB_COMMON_H */
