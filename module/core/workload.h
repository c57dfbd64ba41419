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

struct smm_workload_gen {
	u32 pattern;			/* SHADOWMM_WORKLOAD_SEQ ... */
	u32 param;			/* HOT_COLD: % of accesses to the hot fifth */
	u32 write_pct;			/* % of accesses that write */
	u64 pos;			/* SEQ: the next page */
	u64 rng;			/* xorshift64* state, never 0 */
};

int smm_workload_init(struct smm_workload_gen *g, u32 pattern, u32 param, u32 write_pct,
		      u64 seed, const char **why);
u64 smm_workload_next(struct smm_workload_gen *g, u64 pages, bool *write);
u64 smm_workload_pages(const struct smm_space *s);
u64 smm_workload_addr(const struct smm_space *s, u64 idx);

#endif /* _SMM_CORE_WORKLOAD_H */
