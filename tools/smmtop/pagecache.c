// SPDX-License-Identifier: GPL-2.0
/*
 * Page cache: the shadow page cache over real files, shown with 'F'. A
 * header with /proc/meminfo's page-cache lines (Cached, Active(file),
 * Inactive(file), Dirty, Writeback from VMSTAT_GET; Mapped, the files'
 * mapped pages summed, as debugfs meminfo sums them), the workingset's
 * refaults and activations per second (smm_vmstat_rate() between two
 * snapshots), then the open files (FILE_GET), sortable like slabtop's
 * table:
 *
 *	Cached 8448 kB  Active(file) 8192 kB  Inactive(file) 256 kB
 *	Dirty 12 kB  Writeback 0 kB  Mapped 256 kB
 *	refault/s file 64 anon 16  activate/s file 32 anon 8  pgpgin/s 256 kB
 *	  ID   SIZE kB CACHED*   HIT% RA NOW/MAX  DIRTY WRITTEN MAPPED PATH
 *	   1      8192    2048  99.6%     32/32      0       0      0 /tmp/f8m
 *	   3       256      64  62.5%       0/0      3       5     64 ...ed.bin
 *
 * HIT% is hits / (hits + misses) of the pages reads asked for since the
 * file was opened ("-" before any read); RA is the readahead window now
 * and its largest; WRITTEN counts pages written back to the file's shadow
 * store, ever (writeback is synchronous in the shadow, so no file has a
 * page under writeback when it is read: the header's Writeback says so);
 * the path is cut from the left ("...") to the width left for it.
 *
 * '<' and '>' (or 's') step the sort column while the panel has focus,
 * 'I' turns the order around. Numbers sort largest first, IDs smallest.
 */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "smmtop.h"

enum pc_col { PC_ID, PC_SIZE, PC_CACHED, PC_HIT, PC_RA, PC_DIRTY, PC_WRITTEN, PC_MAPPED,
	      PC_NR_COLS };

static const struct {
	const char *head, *name;	/* name: for the status line and batch mode */
	int width;
} pc_cols[PC_NR_COLS] = {
	[PC_ID]		= { "ID",		"id",		4 },
	[PC_SIZE]	= { "SIZE kB",		"size",		9 },
	[PC_CACHED]	= { "CACHED",		"cached",	8 },
	[PC_HIT]	= { "HIT%",		"hit",		7 },
	[PC_RA]		= { "RA NOW/MAX",	"ra",		11 },
	[PC_DIRTY]	= { "DIRTY",		"dirty",	7 },
	[PC_WRITTEN]	= { "WRITTEN",		"written",	8 },
	[PC_MAPPED]	= { "MAPPED",		"mapped",	7 },
};

/* The meminfo-like totals: the line's name and the vmstat counter behind it. */
static const struct {
	const char *label, *counter;
} pc_totals[] = {
	{ "Cached",		"nr_file_pages" },
	{ "Active(file)",	"nr_active_file" },
	{ "Inactive(file)",	"nr_inactive_file" },
	{ "Dirty",		"nr_dirty" },
	{ "Writeback",		"nr_writeback" },
};

#define PC_NR_TOTALS	ARRAY_SIZE(pc_totals)

/* The counters with a rate, in the order shown */
static const char *const pc_counters[] = {
	"workingset_refault_file", "workingset_refault_anon", "workingset_activate_file",
	"workingset_activate_anon", "pgpgin",
};

#define PC_NR_COUNTERS	ARRAY_SIZE(pc_counters)

/*
 * The hit ratio in tenths of a percent: pages found cached among the
 * pages reads asked for, -1 before any read.
 */
static int64_t pc_hit_ratio(const struct smmc_file *f)
{
	uint64_t all = f->hits + f->misses;

	return all ? (int64_t)(f->hits * 1000 / all) : -1;
}

static uint64_t pc_key(const struct smmc_file *f, enum pc_col col)
{
	switch (col) {
	case PC_SIZE:		return f->size;
	case PC_CACHED:		return f->nrpages;
	case PC_HIT:		return (uint64_t)(pc_hit_ratio(f) + 1);	/* no reads: lowest */
	case PC_RA:		return f->ra_size;
	case PC_DIRTY:		return f->dirty;
	case PC_WRITTEN:	return f->written;
	case PC_MAPPED:		return f->mapped;
	default:		return f->id;
	}
}

/* Numbers largest first, IDs smallest first; ties by ID. */
static int pc_cmp(const void *a, const void *b, const struct smm_sort *t)
{
	const struct smmc_file *x = a, *y = b;
	int r = smm_sort_u64(pc_key(x, t->col), pc_key(y, t->col), t->col == PC_ID);

	return r ? r : smm_sort_u64(x->id, y->id, true);
}

static const void *const *PageCache_sort(struct smm_sort *t, const struct smm_snap *s)
{
	return smm_sort_rows(t, s->files, s->nr_files, sizeof(*s->files));
}

static uint64_t pc_kb(const struct smm_snap *s, uint64_t pages)
{
	return pages * (s->info.page_size ? s->info.page_size : 4096) / 1024;
}

/* Mapped: the files' mapped pages, as debugfs meminfo's Mapped sums them. */
static uint64_t pc_mapped(const struct smm_snap *s)
{
	uint64_t n = 0;
	size_t i;

	for (i = 0; i < s->nr_files; i++)
		n += s->files[i].mapped;
	return n;
}

/* "50.0%", or "-" before any read */
static char *pc_fmt_hit(char *buf, size_t len, const struct smmc_file *f)
{
	int64_t h = pc_hit_ratio(f);

	if (h < 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%" PRId64 ".%" PRId64 "%%", h / 10, h % 10);
	return buf;
}

/* @path in at most @width characters, its beginning cut ("...") when longer. */
static const char *pc_fmt_path(char *buf, size_t len, const char *path, int width)
{
	size_t n = strlen(path);

	if (width < 4 || n <= (size_t)width)
		return path;
	snprintf(buf, len, "...%s", path + n - (width - 3));
	return buf;
}

/* title, two lines of totals, rates, the table's heading */
static int PageCache_rows(const struct smm_panel *p, const struct smm_view *v)
{
	(void)p;
	return v->pagecache_on ? 5 : 0;
}

static int PageCache_want(const struct smm_panel *p, const struct smm_view *v, int cols)
{
	size_t n = v->cur->nr_files;

	(void)cols;
	if (!v->pagecache_on)
		return 0;
	return PageCache_rows(p, v) + (int)(n ? n : 1);
}

/*
 * The totals, in kB as /proc/meminfo gives them, on two lines (the LRU
 * lines, then Dirty, Writeback and Mapped) so they fit in 80 columns; a
 * counter the module lacks is left out.
 */
static void pc_draw_totals(struct smm_panel *p, int row, const struct smm_snap *s)
{
	char line[2][160] = { "", "" };
	int len[2] = { 0, 0 }, l;
	unsigned int i;
	uint64_t val;

	for (i = 0; i < PC_NR_TOTALS; i++) {
		if (!smm_vmstat_get(s, pc_totals[i].counter, &val))
			continue;
		l = i >= 3;
		len[l] += snprintf(line[l] + len[l], sizeof(line[l]) - len[l], "%s %" PRIu64 " kB  ",
				   pc_totals[i].label, pc_kb(s, val));
	}
	if (s->has_files)
		snprintf(line[1] + len[1], sizeof(line[1]) - len[1], "Mapped %" PRIu64 " kB",
			 pc_kb(s, pc_mapped(s)));
	smm_panel_put(p, row, 0, SMM_C_NORMAL, 0, "%s", line[0]);
	smm_panel_put(p, row + 1, 0, SMM_C_NORMAL, 0, "%s", line[1]);
}

static char *pc_fmt_rate(char *buf, size_t len, double r)
{
	if (r < 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.0f", r);
	return buf;
}

/* One file's row of the table. */
static void pc_draw_file(struct smm_panel *p, int row, const struct smmc_file *f)
{
	char hit[32], ra[32], path[SHADOWMM_FILE_PATH_MAX];
	int col = 0, c;

	for (c = 0; c < PC_NR_COLS; c++)
		col += pc_cols[c].width;
	snprintf(ra, sizeof(ra), "%u/%u", f->ra_size, f->ra_pages);
	smm_panel_put(p, row, 0, f->dirty ? SMM_C_WARN : SMM_C_NORMAL, 0,
		      "%*u%*" PRIu64 "%*" PRIu64 "%*s%*s%*" PRIu64 "%*" PRIu64 "%*" PRIu64 " %s",
		      pc_cols[PC_ID].width, f->id, pc_cols[PC_SIZE].width, f->size / 1024,
		      pc_cols[PC_CACHED].width, f->nrpages, pc_cols[PC_HIT].width,
		      pc_fmt_hit(hit, sizeof(hit), f), pc_cols[PC_RA].width, ra,
		      pc_cols[PC_DIRTY].width, f->dirty, pc_cols[PC_WRITTEN].width, f->written,
		      pc_cols[PC_MAPPED].width, f->mapped,
		      pc_fmt_path(path, sizeof(path), f->path, p->cols - col - 1));
}

static void PageCache_draw(struct smm_panel *p, const struct smm_view *v)
{
	const struct smm_snap *s = v->cur;
	struct smm_sort *t = p->priv;
	const void *const *order;
	char r[PC_NR_COUNTERS][32];
	int row, col, c, shown;
	unsigned int i;
	uint64_t d;
	size_t k;

	row = smm_panel_title(p, "Page cache: %zu file%s open; sorted by %s%s (F: off)",
			      s->nr_files, s->nr_files == 1 ? "" : "s", pc_cols[t->col].name,
			      t->reverse ? ", reversed" : "");
	if (!s->has_vmstat) {
		smm_panel_put(p, row, 0, SMM_C_DIM, 0, "  (no vmstat counters: %s)", v->replay ?
			      "the capture has none" : "the module sends none");
		return;
	}
	pc_draw_totals(p, row, s);
	row += 2;
	for (i = 0; i < PC_NR_COUNTERS; i++)
		pc_fmt_rate(r[i], sizeof(r[i]), smm_vmstat_rate(v, pc_counters[i], &d));
	smm_panel_put(p, row++, 0, SMM_C_NORMAL, 0, "refault/s file %s anon %s  activate/s "
		      "file %s anon %s  pgpgin/s %s kB", r[0], r[1], r[2], r[3], r[4]);
	for (c = 0, col = 0; c < PC_NR_COLS; col += pc_cols[c].width, c++) {
		bool sort = t->col == c;

		smm_panel_put(p, row, col, SMM_C_NORMAL, A_BOLD | (sort ? A_UNDERLINE : 0), "%*s%s",
			      pc_cols[c].width - sort, pc_cols[c].head, sort ? "*" : "");
	}
	smm_panel_put(p, row++, col, SMM_C_NORMAL, A_BOLD, " PATH");
	if (!s->has_files) {
		smm_panel_put(p, row, 0, SMM_C_DIM, 0, "  (no FILE_GET reply: %s)", s->files_why);
		return;
	}
	order = PageCache_sort(t, s);
	shown = p->rows - row;
	if (!order || shown < 1)
		return;
	for (k = smm_sort_first(t, s->nr_files, shown); k < s->nr_files && row < p->rows; k++, row++)
		pc_draw_file(p, row, order[k]);
}

static int PageCache_key(struct smm_panel *p, struct smm_view *v, int ch)
{
	struct smm_sort *t = p->priv;

	if (!smm_sort_key(t, ch))
		return SMM_KEY_IGNORED;
	snprintf(v->status, sizeof(v->status), "files sorted by %s%s", pc_cols[t->col].name,
		 t->reverse ? ", reversed" : "");
	return SMM_KEY_HANDLED | SMM_KEY_REDRAW;
}

/* One file in batch mode: the table's columns, the full path last. */
static void pc_batch_file(const struct smmc_file *f)
{
	int64_t h = pc_hit_ratio(f);

	smmc_open_json_object(NULL);
	smmc_print_uint(SMMC_PRINT_ANY, "id", "%4u", f->id);
	smmc_print_u64(SMMC_PRINT_ANY, "size_kb", " %10" PRIu64, f->size / 1024);
	smmc_print_u64(SMMC_PRINT_ANY, "cached", " %8" PRIu64, f->nrpages);
	smmc_print_u64(SMMC_PRINT_JSON, "hits", NULL, f->hits);
	smmc_print_u64(SMMC_PRINT_JSON, "misses", NULL, f->misses);
	if (h < 0)
		smmc_print_string(SMMC_PRINT_FP, NULL, " %8s", "-");
	else
		smmc_print_milli(SMMC_PRINT_ANY, "hit_pct", " %8s", h * 100);
	smmc_print_uint(SMMC_PRINT_ANY, "ra_size", " %6u", f->ra_size);
	smmc_print_uint(SMMC_PRINT_ANY, "ra_pages", " %6u", f->ra_pages);
	smmc_print_u64(SMMC_PRINT_ANY, "dirty", " %7" PRIu64, f->dirty);
	smmc_print_u64(SMMC_PRINT_ANY, "written", " %7" PRIu64, f->written);
	smmc_print_u64(SMMC_PRINT_ANY, "mapped", " %7" PRIu64, f->mapped);
	smmc_print_string(SMMC_PRINT_ANY, "path", " %s\n", f->path);
	smmc_close_json_object();
}

/* A meminfo line, /proc/meminfo's way ("Cached:  8192 kB"); JSON "Cached": 8192 */
static void pc_batch_kb(const char *label, uint64_t kb)
{
	smmc_print_text("%s:%*s", label, (int)(15 - strlen(label)), "");
	smmc_print_u64(SMMC_PRINT_ANY, label, "%8" PRIu64 " kB\n", kb);
}

/*
 * The panel as text, whether shown or not, once the snapshot has the
 * vmstat counters (batch mode fetches them): the totals in kB, each
 * counter's total and rate, then the files in the panel's order.
 */
static void PageCache_batch(struct smm_panel *p, const struct smm_view *v)
{
	const struct smm_snap *s = v->cur;
	struct smm_sort *t = p->priv;
	const void *const *order;
	unsigned int i;
	uint64_t val;
	size_t k;

	if (!s->has_vmstat)
		return;
	smmc_open_json_object("pagecache");
	smmc_print_text("\nPAGECACHE:\n");
	for (i = 0; i < PC_NR_TOTALS; i++)
		if (smm_vmstat_get(s, pc_totals[i].counter, &val))
			pc_batch_kb(pc_totals[i].label, pc_kb(s, val));
	if (s->has_files)
		pc_batch_kb("Mapped", pc_kb(s, pc_mapped(s)));
	smmc_print_text("%-24s %12s %12s\n", "COUNTER", "TOTAL", "PER_SEC");
	smmc_open_json_object("counters");
	for (i = 0; i < PC_NR_COUNTERS; i++)
		smm_batch_counter(v, pc_counters[i], 24);
	smmc_close_json_object();
	smmc_close_json_object();
	if (!s->has_files)
		return;
	order = PageCache_sort(t, s);
	if (!order)
		return;
	smmc_print_text("\nFILES: %zu, sorted by %s%s\n", s->nr_files, pc_cols[t->col].name,
			t->reverse ? ", reversed" : "");
	smmc_print_text("%4s %10s %8s %8s %6s %6s %7s %7s %7s %s\n", "ID", "SIZE_KB", "CACHED",
			"HIT_PCT", "RA_NOW", "RA_MAX", "DIRTY", "WRITTEN", "MAPPED", "PATH");
	smmc_open_json_array(SMMC_PRINT_JSON, "files");
	for (k = 0; k < s->nr_files; k++)
		pc_batch_file(order[k]);
	smmc_close_json_array(SMMC_PRINT_JSON, NULL);
}

static void PageCache_delete(struct smm_panel *p)
{
	struct smm_sort *t = p->priv;

	smm_sort_free(t);
	free(t);
}

static const struct smm_panel_class PageCache_class = {
	.name		= "Page cache",
	.min_rows	= PageCache_rows,
	.want_rows	= PageCache_want,
	.draw		= PageCache_draw,
	.key		= PageCache_key,
	.batch		= PageCache_batch,
	.delete		= PageCache_delete,
	.keys_help	= "  s < > I    page cache: the files' next / previous sort column; I reverse",
	.grab_keys	= "<>",
};

/* smmtop --sort-files NAME: the files sorted by that column; -1 if it is none. */
int PageCache_sort_by(struct smm_panel *p, const char *name)
{
	struct smm_sort *t = p->priv;
	int c;

	for (c = 0; c < PC_NR_COLS; c++) {
		if (!strcmp(pc_cols[c].name, name)) {
			t->col = c;
			return 0;
		}
	}
	return -1;
}

struct smm_panel *PageCache_new(void)
{
	struct smm_panel *p = smm_panel_new(&PageCache_class, sizeof(struct smm_sort));

	if (p)
		*(struct smm_sort *)p->priv = (struct smm_sort){
			.col = PC_CACHED, .nr_cols = PC_NR_COLS, .cmp = pc_cmp };
	return p;
}
