/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The workload generator's access stream (issue 17): which page of a
 * shadow process's memory the next access touches, and whether it
 * writes, for the patterns of `smmctl space run`. Pure arithmetic on
 * the generator's state: the glue (module/workload.c) runs it in a
 * kthread and does the accesses; the host tests check its
 * distributions.
 */
#ifndef _SMM_CORE_WORKLOAD_H
#define _SMM_CORE_WORKLOAD_H

#include "env.h"
#include "space.h"

/*
 * ZIPF's rank buckets: ranks 1..32 one each, then two per octave
 * ([2^o, 3*2^(o-1)) and [3*2^(o-1), 2^(o+1))) up to 2^48 pages, more
 * than any space's VMAs can hold (a 57-bit address space).
 */
#define SMM_ZIPF_S_MIN		1	/* zipf's exponent in hundredths: 0.01 */
#define SMM_ZIPF_S_MAX		400	/* 4.00 */
#define SMM_ZIPF_S_DEFAULT	99	/* 0.99, as YCSB */

#define SMM_ZIPF_SINGLES	32
#define SMM_ZIPF_MAX_BITS	48
#define SMM_ZIPF_BUCKETS	(SMM_ZIPF_SINGLES + 2 * (SMM_ZIPF_MAX_BITS - 5))

/* ZIPF's cumulative bucket weights for one page count (built on first use). */
struct smm_zipf {
	u64 pages;			/* built for this many pages; 0: not built */
	u32 nr;				/* buckets in use */
	u64 cdf[SMM_ZIPF_BUCKETS];	/* weight of buckets 0..k, rank 1 = 2^shift */
};

struct smm_workload_gen {
	u32 pattern;			/* SHADOWMM_WORKLOAD_SEQ ... */
	u32 param;			/* HOT_COLD: % to the hot fifth; ZIPF: exponent x100 */
	u32 write_pct;			/* % of accesses that write */
	u64 pos;			/* SEQ: the next page */
	u64 rng;			/* xorshift64* state, never 0 */
	struct smm_zipf zipf;		/* ZIPF only */
};

int smm_workload_init(struct smm_workload_gen *g, u32 pattern, u32 param, u32 write_pct,
		      u64 seed, const char **why);
u64 smm_workload_next(struct smm_workload_gen *g, u64 pages, bool *write);
u64 smm_zipf_log2(u64 x);
u64 smm_zipf_weight(u64 count, u64 e, int shift);
u64 smm_workload_pages(const struct smm_space *s);
u64 smm_workload_addr(const struct smm_space *s, u64 idx);

#endif /* _SMM_CORE_WORKLOAD_H */
