/* SPDX-License-Identifier: GPL-2.0 */
/* Building a range and a shadow mm for a test. */
#ifndef _SMM_TEST_COMMON_H
#define _SMM_TEST_COMMON_H

#include "../../../module/core/mm_internal.h"
#include "../../../module/core/swap.h"
#include "../../../module/core/space.h"

struct smm_test_mm {
	struct smm_range range;
	struct smm_mm mm;
	void *mem[8];		/* section memory, for tests that need it */
};

struct smm_test_section {
	u64 pfn, frames;
};

int smm_test_mm_init(struct smm_test_mm *t, const struct smm_test_section *s, unsigned int n,
		     const char *zones, bool pcp, unsigned int cpus);
int smm_test_mm_init_mem(struct smm_test_mm *t, const struct smm_test_section *s,
			 unsigned int n, const char *zones, bool pcp, unsigned int cpus);
int smm_test_mm_init_split(struct smm_test_mm *t, const struct smm_test_section *s,
			   unsigned int n, unsigned int cpus, unsigned int split_cpus);
int smm_test_mm_init_mfk(struct smm_test_mm *t, const struct smm_test_section *s,
			 unsigned int n, const char *zones, unsigned int cpus, u64 min_free_kbytes);
void smm_test_mm_destroy(struct smm_test_mm *t);

/*
 * A test's look at a space page's bytes (pfn @pfn of @s): mapped and
 * given back at once, so the kmap count stays balanced; the tests'
 * buffer stays readable after.
 */
const u64 *smm_test_page_peek(const struct smm_space *s, u64 pfn);
u64 smm_test_free_frames(const struct smm_mm *mm);
u64 smm_test_pcp_frames(const struct smm_mm *mm);
int smm_test_check(struct smm_mm *mm);

struct smm_space;
int smm_test_check_reclaim(struct smm_mm *mm, const struct smm_space *const *s, unsigned int n,
			   bool area);

/*
 * A test's mm of @frames frames at pfn SMM_TEST_SWAP_PFN (one section
 * with memory, default zones, one CPU) and a swap area of @slots slots
 * switched on (malloc'd, as the glue vmallocs): swap_test.c and
 * vmscan_test.c. _pcp: with or without per-CPU lists.
 */
#define SMM_TEST_SWAP_PFN	0x10000ULL

struct smm_test_swap {
	struct smm_test_mm t;
	struct smm_swap sw;
	void *data;
};

int smm_test_swap_init(struct smm_test_swap *e, u64 frames, u64 slots);
int smm_test_swap_init_pcp(struct smm_test_swap *e, u64 frames, u64 slots, bool pcp);
void smm_test_swap_destroy(struct smm_test_swap *e);

/* xorshift64*: fast, and the same sequence on every machine. */
static inline u64 smm_test_rand(u64 *state)
{
	*state ^= *state >> 12;
	*state ^= *state << 25;
	*state ^= *state >> 27;
	return *state * 2685821657736338717ULL;
}

/* The seed of a randomised test: SMM_SEED from the environment, or @dflt. */
static inline u64 smm_test_seed(u64 dflt)
{
	const char *s = getenv("SMM_SEED");

	return s ? strtoull(s, NULL, 0) : dflt;
}

/*
 * What smm_space_access() reads back (its csum) from @pages pages whose
 * every word is @value: the tests' way of checking a page's bytes.
 */
static inline u64 smm_test_csum_of(u64 pages, u64 value)
{
	u64 c = SMM_ACCESS_CSUM_INIT, i;

	for (i = 0; i < pages * (SMM_PAGE_SIZE / 8); i++)
		c = smm_access_csum(c, value);
	return c;
}

#endif
