// SPDX-License-Identifier: GPL-2.0
/*
 * A sortable table, as top and slabtop keep one: the sort column, its
 * direction, the first row shown when the table is scrolled, and the
 * snapshot's rows in that order. The pressure panel's spaces, the page
 * cache panel's files and the slab panel's caches are such tables; each
 * says only how two of its rows compare by a column.
 */
#include <curses.h>
#include <stdlib.h>

#include "smmtop.h"

/* qsort has no context argument: the table being sorted, one at a time. */
static const struct smm_sort *sort_running;

static int sort_cmp(const void *a, const void *b)
{
	const struct smm_sort *t = sort_running;
	int r = t->cmp(*(const void *const *)a, *(const void *const *)b, t);

	return t->reverse ? -r : r;
}

/*
 * The @nr rows of @size bytes at @rows in @t's order: an array of
 * pointers into @rows, @t's own until the next call; NULL when out of
 * memory.
 */
const void *const *smm_sort_rows(struct smm_sort *t, const void *rows, size_t nr, size_t size)
{
	size_t i;

	if (smmc_array_reserve((void **)&t->order, &t->order_cap, 0, sizeof(*t->order),
			       nr ? nr : 1))
		return NULL;
	for (i = 0; i < nr; i++)
		t->order[i] = (const char *)rows + i * size;
	sort_running = t;
	qsort(t->order, nr, sizeof(*t->order), sort_cmp);
	return t->order;
}

/*
 * The keys every such table takes: '<' and '>' (or 's') step the sort
 * column, 'I' turns the order around, the arrows scroll. False when @ch
 * is none of them.
 */
bool smm_sort_key(struct smm_sort *t, int ch)
{
	switch (ch) {
	case '<':
		t->col = (t->col + t->nr_cols - 1) % t->nr_cols;
		break;
	case '>':
	case 's':
		t->col = (t->col + 1) % t->nr_cols;
		break;
	case 'I':
		t->reverse = !t->reverse;
		break;
	case KEY_UP:
		if (t->top)
			t->top--;
		break;
	case KEY_DOWN:
		t->top++;			/* smm_sort_first() clamps it */
		break;
	default:
		return false;
	}
	return true;
}

/*
 * The first of @nr rows to draw when @shown fit: the scrolled position,
 * pulled back so that the last row is on screen when all would not fit.
 */
size_t smm_sort_first(struct smm_sort *t, size_t nr, int shown)
{
	if (t->top + (size_t)shown > nr)
		t->top = nr > (size_t)shown ? nr - shown : 0;
	return t->top;
}

/*
 * Numbers largest first, as top sorts memory; @asc (an ID column)
 * smallest first; 0 on a tie, for the caller's own tie-break.
 */
int smm_sort_u64(uint64_t x, uint64_t y, bool asc)
{
	int r = x > y ? -1 : x < y;

	return asc ? -r : r;
}

void smm_sort_free(struct smm_sort *t)
{
	free(t->order);
	t->order = NULL;
	t->order_cap = 0;
}
