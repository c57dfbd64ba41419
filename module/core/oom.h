/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The shadow OOM killer (oom.c), after mm/oom_kill.c of Linux 6.1.
 *
 * When a fault's allocation still fails after reclaim (no swap, swap
 * full, nothing reclaimable), the fault path calls smm_out_of_memory()
 * once: the space with the highest badness (oom_badness(): anonymous
 * RSS + swap entries + page-table pages, plus oom_score_adj *
 * totalpages / 1000) is killed: every anonymous page and swap slot it
 * holds is freed through the unmap path (smm_space_zap_leaf() and
 * zap_pte_range()'s swap branch), and it is marked oom_killed, so that
 * access and mmap on it are refused (-ESRCH) while show and destroy
 * still work. The fault then retries its allocation once. The glue's
 * PAGE_ALLOC goes through smm_alloc_pages_oom(): reclaim, then the
 * killer under __alloc_pages_may_oom()'s conditions, as many times as
 * it takes or while there is a victim.
 *
 * The core cannot see the list of spaces (the glue's registry), so the
 * glue gives an iterator (mm->oom_for_each_space) and a reporter
 * (mm->oom_report, pr_err in the module); without an iterator (most host
 * tests) there is no victim and the fault fails with -ENOMEM as before.
 *
 * Locking: the caller holds the glue's one mutex over all spaces (every
 * fault does); the iterator must not take it again.
 */
#ifndef _SMM_CORE_OOM_H
#define _SMM_CORE_OOM_H

#include "mm.h"

struct smm_space;

#define SMM_OOM_SCORE_ADJ_MIN	SHADOWMM_OOM_SCORE_ADJ_MIN	/* OOM_SCORE_ADJ_MIN: never */
#define SMM_OOM_SCORE_ADJ_MAX	SHADOWMM_OOM_SCORE_ADJ_MAX	/* OOM_SCORE_ADJ_MAX */
#define SMM_OOM_POINTS_MIN	(-0x7fffffffffffffffLL - 1)	/* LONG_MIN: not a candidate */

/* Why access or mmap on a killed space fails (-ESRCH). */
#define SMM_OOM_KILLED_WHY	"the space was killed by the OOM killer"

/* What the kill report prints (the kernel's __oom_kill_process() line). */
struct smm_oom_report {
	u32 victim;			/* the space killed */
	u32 trigger;			/* the space whose fault invoked the killer, 0: none */
	unsigned int order;		/* of the allocation that failed */
	int oom_score_adj;		/* the victim's */
	s64 points;			/* its badness */
	u64 total_vm;			/* pages in its VMAs */
	u64 anon_rss;			/* pages freed: anonymous RSS */
	u64 swap_ents;			/* swap slots freed */
	u64 pgtables;			/* its table pages before the kill */
	u64 totalpages;			/* managed frames + swap slots */
};

/* Called by the glue's iterator for each space; returns non-zero to stop. */
typedef int (*smm_oom_space_fn)(struct smm_space *s, void *arg);

u64 smm_oom_totalpages(const struct smm_mm *mm);
s64 smm_oom_badness(const struct smm_space *s, u64 totalpages);
struct smm_space *smm_oom_select(struct smm_mm *mm, s64 *points);
void smm_oom_kill_space(struct smm_space *s, struct smm_oom_report *r);
int smm_out_of_memory(struct smm_mm *mm, struct smm_space *trigger, unsigned int order);
int smm_alloc_pages_oom(struct smm_mm *mm, unsigned int order, unsigned int gfp,
			unsigned int *cpu, u64 *idx);
int smm_oom_set_score_adj(struct smm_space *s, s64 adj, const char **why);

#endif /* _SMM_CORE_OOM_H */
