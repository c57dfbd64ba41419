// SPDX-License-Identifier: GPL-2.0
/*
 * Slabs: the shadow's slab caches as slabtop shows the kernel's, one row
 * per cache from the snapshot's CACHE_GET dump:
 *
 *	    OBJS  ACTIVE  USE OBJ SIZE  SLABS OBJ/SLAB  CACHE SIZE NAME
 *
 * sorted by any column, marked '*' in the heading and named in the
 * title so it reads without colour: slabtop's letters pick one (o a u l
 * b c n, and z for the object size, since 's' steps to the next column
 * as '>' and '<' do in htop; the panel takes '<' '>' from the interval
 * while it has focus); 'I' turns the order around. Up and down scroll
 * when the caches outnumber the rows.
 */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "smmtop.h"

enum slab_col {
	SLAB_OBJS, SLAB_ACTIVE, SLAB_USE, SLAB_OBJ_SIZE, SLAB_SLABS, SLAB_PER_SLAB,
	SLAB_CACHE_SIZE, SLAB_NAME, SLAB_NR_COLS
};

static const struct {
	const char *head;
	int width;
	char key;				/* slabtop's key for this column */
	const char *json;			/* batch -j member */
} slab_cols[SLAB_NR_COLS] = {
	[SLAB_OBJS]	  = { "OBJS",	    8, 'o', "num_objs" },
	[SLAB_ACTIVE]	  = { "ACTIVE",	    8, 'a', "active_objs" },
	[SLAB_USE]	  = { "USE",	    5, 'u', "use" },
	[SLAB_OBJ_SIZE]	  = { "OBJ SIZE",   9, 'z', "object_size" },
	[SLAB_SLABS]	  = { "SLABS",	    7, 'l', "num_slabs" },
	[SLAB_PER_SLAB]	  = { "OBJ/SLAB",   9, 'b', "objs_per_slab" },
	[SLAB_CACHE_SIZE] = { "CACHE SIZE", 12, 'c', "cache_bytes" },
	[SLAB_NAME]	  = { "NAME",	    0, 'n', "name" },
};

/* The bytes a cache's slabs hold: slabs of 2^order frames. */
static uint64_t slab_bytes(const struct smmc_cache *c, uint32_t page_size)
{
	return c->num_slabs * ((uint64_t)page_size << c->order);
}

/* Active objects in thousandths of all objects; an empty cache is 0. */
static uint64_t slab_use(const struct smmc_cache *c)
{
	return c->num_objs ? c->active_objs * 1000 / c->num_objs : 0;
}

static uint64_t slab_key(const struct smmc_cache *c, enum slab_col col, uint32_t page_size)
{
	switch (col) {
	case SLAB_OBJS:		return c->num_objs;
	case SLAB_ACTIVE:	return c->active_objs;
	case SLAB_USE:		return slab_use(c);
	case SLAB_OBJ_SIZE:	return c->object_size;
	case SLAB_SLABS:	return c->num_slabs;
	case SLAB_PER_SLAB:	return c->objs_per_slab;
	case SLAB_CACHE_SIZE:	return slab_bytes(c, page_size);
	default:		return 0;
	}
}

/* The snapshot's page size; 4 KiB when it has none. */
static uint32_t slab_page_size(const struct smm_snap *snap)
{
	return snap->info.page_size ? snap->info.page_size : 4096;
}

/*
 * Numbers largest first as slabtop sorts them, names A first; equal keys
 * fall back to the name so the order is the same every refresh.
 */
static int slab_cmp(const void *a, const void *b, const struct smm_sort *t)
{
	const struct smmc_cache *x = a, *y = b;
	uint32_t ps = slab_page_size(t->ctx);
	int r = 0;

	if (t->col != SLAB_NAME)
		r = smm_sort_u64(slab_key(x, t->col, ps), slab_key(y, t->col, ps), false);
	return r ? r : strcmp(x->name, y->name);
}

/* The snapshot's caches in the panel's order; NULL when out of memory. */
static const void *const *Slabs_sort(struct smm_sort *t, const struct smm_snap *snap)
{
	t->ctx = snap;
	return smm_sort_rows(t, snap->caches, snap->nr_caches, sizeof(*snap->caches));
}

static int Slabs_rows(const struct smm_panel *p, const struct smm_view *v)
{
	(void)p, (void)v;
	return 3;
}

static int Slabs_want(const struct smm_panel *p, const struct smm_view *v, int cols)
{
	size_t n = v->cur->nr_caches;

	(void)p, (void)cols;
	return 2 + (int)(n < 40 ? (n ? n : 1) : 40);
}

/* "1234.5K" as slabtop prints a cache size, in kibibytes. */
static char *slab_fmt_kib(char *buf, size_t len, uint64_t bytes)
{
	snprintf(buf, len, "%" PRIu64 ".%" PRIu64 "K", bytes / 1024, bytes % 1024 * 10 / 1024);
	return buf;
}

/* The heading: each column right-aligned but NAME, the sort column marked '*'. */
static void Slabs_heading(struct smm_panel *p, const struct smm_sort *t, int row)
{
	int col = 0, c;

	for (c = 0; c < SLAB_NR_COLS; c++) {
		bool sort = t->col == c;
		int attr = A_BOLD | (sort ? A_UNDERLINE : 0);

		if (c == SLAB_NAME)
			smm_panel_put(p, row, col + 1, SMM_C_NORMAL, attr, "%s%s", slab_cols[c].head,
				      sort ? "*" : "");
		else
			smm_panel_put(p, row, col, SMM_C_NORMAL, attr, "%*s%s",
				      slab_cols[c].width - sort, slab_cols[c].head, sort ? "*" : "");
		col += slab_cols[c].width;
	}
}

static void Slabs_row(struct smm_panel *p, int row, const struct smmc_cache *c, uint32_t page_size)
{
	char kib[32];
	uint64_t use = slab_use(c);

	smm_panel_put(p, row, 0, c->errors || c->alloc_fail ? SMM_C_BAD : SMM_C_NORMAL, 0,
		      "%8" PRIu64 "%8" PRIu64 "%4" PRIu64 "%%%8.2fK%7" PRIu64 "%9u%12s %s",
		      c->num_objs, c->active_objs, (use + 5) / 10, c->object_size / 1024.0,
		      c->num_slabs, c->objs_per_slab, slab_fmt_kib(kib, sizeof(kib),
		      slab_bytes(c, page_size)), c->name);
}

static void Slabs_draw(struct smm_panel *p, const struct smm_view *v)
{
	const struct smm_snap *snap = v->cur;
	struct smm_sort *t = p->priv;
	const void *const *order;
	uint64_t active = 0, objs = 0, bytes = 0;
	uint32_t ps = slab_page_size(snap);
	int row, shown;
	size_t i;

	for (i = 0; i < snap->nr_caches; i++) {
		active += snap->caches[i].active_objs;
		objs += snap->caches[i].num_objs;
		bytes += slab_bytes(&snap->caches[i], ps);
	}
	row = smm_panel_title(p, "Slabs: %zu caches, %" PRIu64 "/%" PRIu64 " objects active, "
			      "%" PRIu64 "K in slabs; sorted by %s%s", snap->nr_caches, active, objs,
			      bytes / 1024, slab_cols[t->col].head, t->reverse ? ", reversed" : "");
	if (!snap->has_caches) {
		smm_panel_put(p, row, 0, SMM_C_DIM, 0, "  (no cache list: %s)", v->replay ?
			      "the capture has none" : "the caches changed during every dump");
		return;
	}
	Slabs_heading(p, t, row++);
	order = Slabs_sort(t, snap);
	if (!order)
		return;
	shown = p->rows - row;
	if (shown < 1)
		return;
	for (i = smm_sort_first(t, snap->nr_caches, shown); i < snap->nr_caches && row < p->rows; i++, row++)
		Slabs_row(p, row, order[i], ps);
}

/* The column sorted by slabtop's key @ch, or -1. */
static int slab_col_of(int ch)
{
	int c;

	for (c = 0; c < SLAB_NR_COLS; c++)
		if (slab_cols[c].key == ch)
			return c;
	return -1;
}

static int Slabs_key(struct smm_panel *p, struct smm_view *v, int ch)
{
	struct smm_sort *t = p->priv;
	int c;

	if (!smm_sort_key(t, ch)) {
		c = slab_col_of(ch);
		if (c < 0)
			return SMM_KEY_IGNORED;
		t->col = c;
	}
	snprintf(v->status, sizeof(v->status), "slabs sorted by %s%s", slab_cols[t->col].head,
		 t->reverse ? ", reversed" : "");
	return SMM_KEY_HANDLED | SMM_KEY_REDRAW;
}

/* The table as slabtop -o prints it, in the panel's order. */
static void Slabs_batch(struct smm_panel *p, const struct smm_view *v)
{
	const struct smm_snap *snap = v->cur;
	struct smm_sort *t = p->priv;
	uint32_t ps = slab_page_size(snap);
	const void *const *order;
	char kib[32];
	size_t i;

	if (!snap->has_caches)
		return;
	order = Slabs_sort(t, snap);
	if (!order)
		return;
	smmc_print_text("\nSLABS: %zu caches, sorted by %s\n", snap->nr_caches, slab_cols[t->col].head);
	smmc_print_text("%8s %8s %4s %9s %7s %8s %11s %s\n", "OBJS", "ACTIVE", "USE", "OBJ SIZE",
			"SLABS", "OBJ/SLAB", "CACHE SIZE", "NAME");
	smmc_open_json_array(SMMC_PRINT_JSON, "slabs");
	for (i = 0; i < snap->nr_caches; i++) {
		const struct smmc_cache *c = order[i];

		smmc_open_json_object(NULL);
		smmc_print_u64(SMMC_PRINT_ANY, "num_objs", "%8" PRIu64, c->num_objs);
		smmc_print_u64(SMMC_PRINT_ANY, "active_objs", " %8" PRIu64, c->active_objs);
		smmc_print_u64(SMMC_PRINT_FP, NULL, " %3" PRIu64 "%%", (slab_use(c) + 5) / 10);
		smmc_print_uint(SMMC_PRINT_ANY, "object_size", " %9u", c->object_size);
		smmc_print_u64(SMMC_PRINT_ANY, "num_slabs", " %7" PRIu64, c->num_slabs);
		smmc_print_uint(SMMC_PRINT_ANY, "objs_per_slab", " %8u", c->objs_per_slab);
		smmc_print_string(SMMC_PRINT_FP, NULL, " %11s", slab_fmt_kib(kib, sizeof(kib),
			     slab_bytes(c, ps)));
		smmc_print_u64(SMMC_PRINT_JSON, "cache_bytes", NULL, slab_bytes(c, ps));
		smmc_print_string(SMMC_PRINT_ANY, "name", " %s\n", c->name);
		smmc_close_json_object();
	}
	smmc_close_json_array(SMMC_PRINT_JSON, NULL);
}

static void Slabs_delete(struct smm_panel *p)
{
	struct smm_sort *t = p->priv;

	smm_sort_free(t);
	free(t);
}

static const struct smm_panel_class Slabs_class = {
	.name		= "Slabs",
	.min_rows	= Slabs_rows,
	.want_rows	= Slabs_want,
	.draw		= Slabs_draw,
	.key		= Slabs_key,
	.batch		= Slabs_batch,
	.delete		= Slabs_delete,
	.keys_help	= "  o a u z l b c n  slabs: sort by that column; s < > step through; I reverse",
	.grab_keys	= "<>",
};

/* smmtop -s KEY: start sorted by that key's column; -1 if it is none. */
int Slabs_sort_by(struct smm_panel *p, int key)
{
	struct smm_sort *t = p->priv;
	int c = slab_col_of(key);

	if (c < 0)
		return -1;
	t->col = c;
	return 0;
}

struct smm_panel *Slabs_new(void)
{
	struct smm_panel *p = smm_panel_new(&Slabs_class, sizeof(struct smm_sort));

	if (p)
		*(struct smm_sort *)p->priv = (struct smm_sort){
			.nr_cols = SLAB_NR_COLS, .cmp = slab_cmp };
	return p;
}
