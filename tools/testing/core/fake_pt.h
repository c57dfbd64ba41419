/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A fake walker backend for the page-table tests: tables are arrays
 * named by the frame number in their parent entry (table n has frame
 * base + n + 1; table 0 is the top), so the walker and the decoders are
 * tested without the shadow buddy, in any format of pgtable.h.
 */
#ifndef _SMM_TEST_FAKE_PT_H
#define _SMM_TEST_FAKE_PT_H

#include <string.h>

#include "../../../module/core/walk.h"

#define FAKE_PT_TABLES	8

struct fake_pt {
	u64 t[FAKE_PT_TABLES][SMM_PT_ENTRIES];
	const struct smm_pt_fmt *fmt;
	u64 base;			/* frame of table n is base + n + 1 */
	unsigned int reads;
};

static inline int fake_read(void *priv, unsigned int level, u64 parent, u64 va, u64 *entry)
{
	struct fake_pt *pt = priv;
	u64 n = parent ? smm_pte_pfn(pt->fmt, SHADOWMM_PT_PTE, parent) - pt->base - 1 : 0;

	if (n >= FAKE_PT_TABLES)
		return -EFAULT;
	if (level == SHADOWMM_PT_P4D && pt->fmt->levels == 4)
		return -EINVAL;		/* folded: never read (pt_real.c has no table there) */
	pt->reads++;
	*entry = pt->t[n][smm_pt_index(pt->fmt, level, va)];
	return 0;
}

/*
 * The table below @parent (fake_read()'s checks), and @va's index in it:
 * NULL when @parent names no table, @level is a folded P4D, or @n entries
 * from @va's on do not fit in the one table.
 */
static inline const u64 *fake_entries(struct fake_pt *pt, unsigned int level, u64 parent, u64 va,
				      unsigned int n)
{
	u64 t = parent ? smm_pte_pfn(pt->fmt, SHADOWMM_PT_PTE, parent) - pt->base - 1 : 0;
	unsigned int i = smm_pt_index(pt->fmt, level, va);

	if (t >= FAKE_PT_TABLES || !n || i + n > smm_pt_entries(pt->fmt, level) ||
	    (level == SHADOWMM_PT_P4D && pt->fmt->levels == 4))
		return NULL;
	pt->reads += n;
	return &pt->t[t][i];
}

/* read_n: @n entries of one table, copied as pt_real.c's read_n does. */
static inline int fake_read_n(void *priv, unsigned int level, u64 parent, u64 va, unsigned int n,
			      u64 *entries)
{
	const u64 *e = fake_entries(priv, level, parent, va, n);
	unsigned int i;

	if (!e)
		return -ERANGE;
	for (i = 0; i < n; i++)
		entries[i] = e[i];
	return 0;
}

/* count_seq: the PTEs that are @e, @e + @step, ... in a row, as pt_real.c's counts them. */
static inline int fake_count_seq(void *priv, u64 parent, u64 va, unsigned int n, u64 e, u64 step,
				 unsigned int *count)
{
	const u64 *t = fake_entries(priv, SHADOWMM_PT_PTE, parent, va, n);
	unsigned int i;

	if (!t)
		return -ERANGE;
	for (i = 0; i < n && t[i] == e; i++)
		e += step;
	*count = i;
	return 0;
}

static inline void fake_init(struct fake_pt *pt, const struct smm_pt_fmt *fmt, u64 base)
{
	memset(pt, 0, sizeof(*pt));
	pt->fmt = fmt;
	pt->base = base;
}

/* A table entry of the format pointing to fake table @n. */
static inline u64 fake_table(const struct fake_pt *pt, unsigned int n)
{
	return smm_pte_make(pt->fmt, SHADOWMM_PT_PGD, pt->base + n + 1, 0, false);
}

#endif /* _SMM_TEST_FAKE_PT_H */
