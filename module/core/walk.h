/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One page-table walker over tables in any format of pgtable.h: the
 * real ones of a process or of the kernel (the backend lives in the
 * kernel glue, on the kernel's accessors and locks) and the shadow
 * spaces' (the backend lives in space.c). A backend only answers "the
 * entry of level L for address A, in the table the entry one level up
 * points to"; the walker decides where to stop and what was found.
 */
#ifndef _SMM_CORE_WALK_H
#define _SMM_CORE_WALK_H

#include "pgtable.h"

struct smm_walk_ops {
	/*
	 * Read the entry of @level for @va into *@entry. @parent is the
	 * entry one level up that led here, 0 at the top. On arm64 the
	 * walker also reads the other entries of a contiguous range, with
	 * the same @level and @parent and their own @va. Returns 0 or
	 * -errno, which ends the walk with that error.
	 */
	int (*read)(void *priv, unsigned int level, u64 parent, u64 va, u64 *entry);
	/*
	 * Optional, for the leaves walk: @n entries of @level from @va's on,
	 * all in the one table below @parent, into @entries. 0 or -errno.
	 */
	int (*read_n)(void *priv, unsigned int level, u64 parent, u64 va, unsigned int n,
		      u64 *entries);
	/*
	 * Optional, for the leaves walk's pages that follow on: how many of
	 * the @n PTEs from @va's on, all in the one table below @parent, are
	 * @e, @e + @step, @e + 2 * @step, ... in a row (0 to @n, in *@count),
	 * all read under one check that the table held. 0 or -errno.
	 */
	int (*count_seq)(void *priv, u64 parent, u64 va, unsigned int n, u64 e, u64 step,
			 unsigned int *count);
	const struct smm_pt_fmt *fmt;	/* the tables' format and paging levels */
};

struct smm_walk_level {
	unsigned int level;		/* SHADOWMM_PT_* */
	unsigned int index;		/* in its table */
	bool folded;			/* 4-level P4D: no table of its own */
	u64 entry;			/* raw; for a folded level, the PGD's */
	u32 flags;			/* SHADOWMM_PTF_* */
};

/* Where a walk of one address ended. */
struct smm_walk {
	u64 va;				/* the address walked */
	u64 start, size;		/* what the last entry covers (page or hole) */
	unsigned int kind;		/* SHADOWMM_PT_HOLE/PAGE/SWAP/BAD */
	unsigned int nr;		/* levels in lv[] */
	struct smm_walk_level lv[SMM_PT_MAX_LEVELS];
	u64 pfn;			/* PAGE: the frame holding va */
	unsigned int swap_type;		/* SWAP */
	u64 swap_offset;
	u32 flags;			/* of the last entry */
	bool no_vma;			/* HOLE: outside every VMA, no table read */
};

int smm_walk_va(const struct smm_walk_ops *ops, void *priv, u64 va, struct smm_walk *w);
int smm_walk_leaf(const struct smm_walk_ops *ops, void *priv, unsigned int level, u64 parent,
		  u64 e, struct smm_walk *w);
void smm_walk_no_vma(struct smm_walk *w, u64 va, u64 end);
u64 smm_pte_attrs(const struct smm_pt_fmt *f, unsigned int level, u64 e, u64 *pfn);

/*
 * Leaf runs (walk_runs.c), the PT_WALK leaves mode: the leaves of a
 * range as struct shadowmm_pt_run, neighbours joined (uapi shadowmm.h
 * says when). The caller owns run[] (max entries) and sets pfns when the
 * reader may see frames; steps bounds the entries one call reads.
 */
struct smm_runs {
	struct shadowmm_pt_run *run;
	unsigned int nr, max;
	unsigned int steps;		/* entries left to read in this call */
	bool pfns;			/* frames are shown, and must follow on */
};

/* A walk of one address, for backends that only offer that (a space). */
typedef int (*smm_walk_va_fn)(void *priv, u64 va, struct smm_walk *w);

bool smm_runs_add(struct smm_runs *r, const struct smm_walk *w);
int smm_walk_leaves(const struct smm_walk_ops *ops, void *priv, u64 *pos, u64 last,
		    struct smm_runs *r);
int smm_walk_leaves_by(smm_walk_va_fn walk, void *priv, u64 *pos, u64 last, struct smm_runs *r);

#endif /* _SMM_CORE_WALK_H */
