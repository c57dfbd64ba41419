// SPDX-License-Identifier: GPL-2.0
/*
 * Frame map: the range (or the part zoomed into) as a grid, each cell a
 * run of frames showing the state most of its frames are in, by colour
 * and by a character of its own, so that it reads on a monochrome
 * terminal too. A cursor picks a cell; + zooms into it (4x), - out.
 * In the compaction view ('C') the cells of each zone's two scanners
 * read 'M' (migrate) and 'F' (free) over their state.
 *
 * Cells come from the snapshot's runs in one pass over the runs and one
 * over the cells: a run adds its overlap to each cell it covers.
 *
 * Pages with marks (a module with FRAME_GET's packed runs) count as a
 * kind of their own rather than as their state, each a character and a
 * colour on a background: 'a' anonymous, 'S' anonymous and shared after
 * fork, 'f' page cache, 'd' page cache and dirty. A map without marks
 * draws (and prints in batch) as before.
 */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "smmtop.h"

#define FM_ZOOM		4
#define FM_BATCH_COLS	64
#define FM_BATCH_ROWS	8

/* What a cell counts: the states, then the marked kinds (smmc_run_kind()). */
#define FM_NR_KINDS	SMMC_NR_KINDS

/* By state, then kind; unknown states (a newer module) read '?'. */
static const char fm_chars[FM_NR_KINDS] = {
	[0]			= '?',
	[SHADOWMM_FRAME_HOLE]	= '_',
	[SHADOWMM_FRAME_FREE]	= '.',
	[SHADOWMM_FRAME_PCP]	= ',',
	[SHADOWMM_FRAME_PAGE]	= '#',
	[SHADOWMM_FRAME_SLAB]	= 's',
	[SHADOWMM_FRAME_PGTABLE] = 't',
	[SHADOWMM_FRAME_SPACE]	= 'm',
	[SHADOWMM_FRAME_LRU]	= 'l',
	[SMMC_KIND_ANON]		= 'a',
	[SMMC_KIND_SHARED]		= 'S',
	[SMMC_KIND_FILE]		= 'f',
	[SMMC_KIND_DIRTY]		= 'd',
};

static const int fm_colors[FM_NR_KINDS] = {
	[SHADOWMM_FRAME_HOLE]	= SMM_C_HOLE,
	[SHADOWMM_FRAME_FREE]	= SMM_C_FREE,
	[SHADOWMM_FRAME_PCP]	= SMM_C_PCP,
	[SHADOWMM_FRAME_PAGE]	= SMM_C_PAGE,
	[SHADOWMM_FRAME_SLAB]	= SMM_C_SLAB,
	[SHADOWMM_FRAME_PGTABLE] = SMM_C_PGTABLE,
	[SHADOWMM_FRAME_SPACE]	= SMM_C_SPACE,
	[SHADOWMM_FRAME_LRU]	= SMM_C_PGTABLE,
	[SMMC_KIND_ANON]		= SMM_C_ANON,
	[SMMC_KIND_SHARED]		= SMM_C_SHARED,
	[SMMC_KIND_FILE]		= SMM_C_FILE,
	[SMMC_KIND_DIRTY]		= SMM_C_DIRTY,
};

struct FrameMap {
	uint64_t start, count;			/* the view; count 0: the whole span */
	uint64_t cursor;			/* a frame inside the view */
	uint64_t per_cell;			/* of the last draw */
	uint32_t (*cells)[FM_NR_KINDS];		/* frames per state (or kind) per cell */
	bool marked;				/* of the last fill: some run had marks */
	size_t cells_cap;
};

static uint64_t fm_span(const struct smm_view *v)
{
	return v->cur->info.span_frames;
}

/* The view clamped to the span (a capture or module may have changed size). */
static void fm_view(struct FrameMap *fm, const struct smm_view *v, uint64_t *start,
		    uint64_t *count)
{
	uint64_t span = fm_span(v);

	*start = fm->start < span ? fm->start : 0;
	*count = fm->count && fm->count <= span - *start ? fm->count : span - *start;
	if (fm->cursor < *start || fm->cursor >= *start + *count)
		fm->cursor = *start;
}

/* fm_fill()'s walk: the cells from @start, @per frames each, up to @end. */
struct fm_walk {
	uint32_t (*cells)[FM_NR_KINDS];
	uint64_t start, per, end;
	uint32_t (*cell)[FM_NR_KINDS];		/* the cell frame @at is in */
	uint64_t at;				/* that cell's first frame */
};

/* Point @w at the cell frame @frame (inside the view) is in. */
static void fm_walk_seek(struct fm_walk *w, uint64_t frame)
{
	uint64_t c = (frame - w->start) / w->per;

	w->cell = &w->cells[c];
	w->at = w->start + c * w->per;
}

/*
 * A run that is not inside the current cell: the first one (it may
 * start before the view), one after a gap (a partial dump), one that
 * reaches the next cell or the end of the view. Its frames in the view
 * go to each cell they fall in, and the walk moves on to the cell of
 * the frame after it (past the last cell when the run reaches the end of
 * the view: no later run is in the view then, and none is counted).
 */
static void fm_walk_run(struct fm_walk *w, const struct smmc_run *r, unsigned int k)
{
	uint64_t a = r->start > w->start ? r->start : w->start;
	uint64_t b = r->start + r->count < w->end ? r->start + r->count : w->end;

	if (a < w->at || a >= w->at + w->per)
		fm_walk_seek(w, a);
	while (b > w->at + w->per) {
		(*w->cell)[k] += w->at + w->per - a;
		a = w->at += w->per;
		w->cell++;
	}
	(*w->cell)[k] += b - a;
	if (b == w->at + w->per) {	/* past the view's last cell only when b is its end */
		w->at += w->per;
		w->cell++;
	}
}

/* The first of the runs from @lo that ends after @frame (nr_runs: none does). */
static size_t fm_first_run(const struct smm_snap *s, size_t lo, uint64_t frame)
{
	size_t hi = s->nr_runs;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (s->runs[mid].start + s->runs[mid].count <= frame)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Count the frames of each state (or marked kind) in each of @ncells
 * cells of @per frames from @start. Runs are in order: skip to the first
 * that reaches @start, then walk runs and cells together (no division
 * per run: a 16 GiB map is a quarter of a million runs a refresh). Most
 * runs lie inside the cell the one before ended in: for them the loop
 * is a table look-up for the kind and one add, fm_walk_run() takes the
 * others; fm->marked comes from the marks of the runs seen, ORed.
 */
static int fm_fill(struct FrameMap *fm, const struct smm_snap *s, uint64_t start, uint64_t per,
		   size_t ncells)
{
	const struct smmc_run *r = s->runs, *last;
	struct fm_walk w = { .start = start, .per = per, .end = start + per * ncells };
	unsigned int marks = 0, k;
	size_t lo;
	uint64_t off;

	if (ncells > fm->cells_cap) {
		void *c = realloc(fm->cells, ncells * sizeof(*fm->cells));

		if (!c)
			return -ENOMEM;
		fm->cells = c;
		fm->cells_cap = ncells;
	}
	memset(fm->cells, 0, ncells * sizeof(*fm->cells));
	lo = fm_first_run(s, 0, start);
	last = s->runs + fm_first_run(s, lo, w.end - 1);
	if (last < s->runs + s->nr_runs && last->start < w.end)
		last++;		/* the run that holds the view's last frame */
	w.cells = fm->cells;
	fm_walk_seek(&w, start);
	for (r += lo; r < last; r++) {
		k = smmc_run_kind(r);
		marks |= r->marks;
		off = r->start - w.at;
		if (r->start >= w.at && off + r->count < per)	/* inside the cell */
			(*w.cell)[k] += r->count;
		else
			fm_walk_run(&w, r, k);
	}
	fm->marked = marks & SMMC_MARKS_MASK;
	return 0;
}

/* The state (or kind) most frames of a cell are in; ties go to the later one. */
static unsigned int fm_dominant(const uint32_t *n)
{
	unsigned int st, best = 0;

	for (st = 1; st < FM_NR_KINDS; st++)
		if (n[st] && n[st] >= n[best])
			best = st;
	return best;
}

#define FM_NR_MARKS	(2 * SMMC_NR_ZONES)

struct fm_mark {
	uint64_t cell;
	char c;
};

/*
 * The scanners' cells in a view of @count frames from @start, @per a
 * cell, when the compaction view is on: 'M' the migrate scanner's
 * frame, 'F' the free scanner's pageblock, of each zone that has had a
 * run. Returns how many are in the view.
 */
static unsigned int fm_marks(const struct smm_view *v, uint64_t start, uint64_t count,
			     uint64_t per, struct fm_mark *m)
{
	const struct smm_snap *s = v->cur;
	unsigned int z, n = 0;

	if (!smm_compact_marks(v))
		return 0;
	for (z = 0; z < s->nr_zones; z++) {
		const struct smmc_zone *zn = &s->zones[z];
		const uint64_t pfn[2] = { zn->compact_migrate_pfn, zn->compact_free_pfn };
		unsigned int k;

		if (!zn->compact_runs)
			continue;
		for (k = 0; k < 2; k++) {
			if (pfn[k] < start || pfn[k] >= start + count)
				continue;
			m[n].cell = (pfn[k] - start) / per;
			m[n++].c = k ? 'F' : 'M';
		}
	}
	return n;
}

static int FrameMap_rows(const struct smm_panel *p, const struct smm_view *v)
{
	(void)p, (void)v;
	return 5;
}

/* Enough rows for one frame per cell, capped at 4 per 1,000 frames... or the screen. */
static int FrameMap_want(const struct smm_panel *p, const struct smm_view *v, int cols)
{
	uint64_t span = fm_span(v), rows = cols > 0 ? (span + cols - 1) / cols : 1;

	(void)p;
	return 3 + (int)(rows < 1000 ? rows : 1000);
}

/* The states, then the marked kinds when the map has any. */
static void FrameMap_legend(struct smm_panel *p, int row, bool marked)
{
	unsigned int st, last = marked ? FM_NR_KINDS : __SHADOWMM_FRAME_CNT;
	int col = 0;

	for (st = SHADOWMM_FRAME_HOLE; st < last; st++) {
		smm_panel_putc(p, row, col, fm_colors[st], A_BOLD, fm_chars[st]);
		smm_panel_put(p, row, col + 1, SMM_C_NORMAL, 0, " %s", smmc_kind_name(st));
		col += 3 + strlen(smmc_kind_name(st));
	}
}

/* What the cursor's cell holds: "frames 1024-1279: 200 page, 56 free". */
static void FrameMap_cursor(struct smm_panel *p, int row, uint64_t first, uint64_t n,
			    const uint32_t *cell)
{
	char buf[256];
	int len, st;

	len = snprintf(buf, sizeof(buf), "cursor: frames %" PRIu64 "-%" PRIu64 ":", first,
		       first + n - 1);
	for (st = FM_NR_KINDS - 1; st >= 0; st--)
		if (cell[st] && len < (int)sizeof(buf))
			len += snprintf(buf + len, sizeof(buf) - len, " %u %s", cell[st],
					smmc_kind_name(st));
	smm_panel_put(p, row, 0, SMM_C_NORMAL, 0, "%s", buf);
}

static void FrameMap_draw(struct smm_panel *p, const struct smm_view *v)
{
	struct FrameMap *fm = p->priv;
	int grid = p->rows - 3, row, col, cols = p->cols;
	uint64_t start, count, per, ncells, c, cur;
	struct fm_mark marks[FM_NR_MARKS];
	unsigned int nmarks, k;

	fm_view(fm, v, &start, &count);
	if (grid < 1 || cols < 1 || !count) {
		smm_panel_title(p, "Frame map (no room)");
		return;
	}
	per = (count + (uint64_t)grid * cols - 1) / ((uint64_t)grid * cols);
	ncells = (count + per - 1) / per;
	fm->per_cell = per;
	smm_panel_title(p, "Frame map: frames %" PRIu64 "-%" PRIu64 " of %" PRIu64
			", %" PRIu64 " per cell (+/- zoom, arrows move)%s", start,
			start + count - 1, fm_span(v), per,
			v->cur->runs_mixed ? " [changed during dump]" : "");
	if (fm_fill(fm, v->cur, start, per, ncells))
		return;
	nmarks = fm_marks(v, start, count, per, marks);
	cur = (fm->cursor - start) / per;
	/* a row at a time: addchnstr() copies cells without the wide-character path */
	for (row = 0; (uint64_t)row * cols < ncells; row++) {
		chtype line[cols];

		for (col = 0; col < cols && (c = (uint64_t)row * cols + col) < ncells; col++) {
			unsigned int st = fm_dominant(fm->cells[c]);

			line[col] = (chtype)(unsigned char)fm_chars[st] |
				    smm_attr(fm_colors[st], c == cur && p->focus ? A_REVERSE : 0);
			for (k = 0; k < nmarks; k++)
				if (marks[k].cell == c)
					line[col] = (chtype)(unsigned char)marks[k].c |
						    smm_attr(SMM_C_BAD, A_BOLD | A_REVERSE);
		}
		mvaddchnstr(p->y + 1 + row, p->x, line, col);
	}
	FrameMap_legend(p, p->rows - 2, fm->marked);
	FrameMap_cursor(p, p->rows - 1, start + cur * per,
			cur + 1 == ncells ? count - cur * per : per, fm->cells[cur]);
}

/* Zoom @dir > 0 in around the cursor, < 0 out, 0 back to the whole range. */
static void FrameMap_zoom(struct FrameMap *fm, const struct smm_view *v, int dir)
{
	uint64_t start, count, span = fm_span(v);

	fm_view(fm, v, &start, &count);
	if (dir > 0)
		count = count / FM_ZOOM ? count / FM_ZOOM : 1;
	else if (dir < 0)
		count = count * FM_ZOOM < span ? count * FM_ZOOM : span;
	else
		count = span;
	start = fm->cursor > count / 2 ? fm->cursor - count / 2 : 0;
	if (start + count > span)
		start = span - count;
	fm->start = start;
	fm->count = count == span ? 0 : count;
}

static int FrameMap_key(struct smm_panel *p, struct smm_view *v, int ch)
{
	struct FrameMap *fm = p->priv;
	uint64_t start, count, step = fm->per_cell ? fm->per_cell : 1;
	int64_t move = 0;

	switch (ch) {
	case '+':
	case '=':
		FrameMap_zoom(fm, v, 1);
		return SMM_KEY_HANDLED | SMM_KEY_REDRAW;
	case '-':
		FrameMap_zoom(fm, v, -1);
		return SMM_KEY_HANDLED | SMM_KEY_REDRAW;
	case '0':
		FrameMap_zoom(fm, v, 0);
		return SMM_KEY_HANDLED | SMM_KEY_REDRAW;
	case KEY_LEFT:
		move = -1;
		break;
	case KEY_RIGHT:
		move = 1;
		break;
	case KEY_UP:
		move = -p->cols;
		break;
	case KEY_DOWN:
		move = p->cols;
		break;
	default:
		return SMM_KEY_IGNORED;
	}
	fm_view(fm, v, &start, &count);
	if (move < 0 && fm->cursor - start < (uint64_t)-move * step)
		return SMM_KEY_HANDLED;
	if (move > 0 && fm->cursor + move * step >= start + count)
		return SMM_KEY_HANDLED;
	fm->cursor += move * (int64_t)step;
	return SMM_KEY_HANDLED | SMM_KEY_REDRAW;
}

/*
 * Batch: frames per state, the marked pages by mark when there are any
 * ("marked: 12 anon 0 file 0 dirty 4 shared"; a "marks" object in JSON),
 * and the whole range as a small grid.
 */
static void FrameMap_batch(struct smm_panel *p, const struct smm_view *v)
{
	struct FrameMap *fm = p->priv;
	uint64_t total[__SHADOWMM_FRAME_CNT] = { 0 }, span = fm_span(v), per, ncells, c;
	uint64_t marked[ARRAY_SIZE(smmc_mark_names)] = { 0 };
	const struct smm_snap *s = v->cur;
	unsigned int st, b;
	bool any = false;
	size_t i;

	for (i = 0; i < s->nr_runs; i++) {
		total[s->runs[i].state] += s->runs[i].count;
		for (b = 0; b < ARRAY_SIZE(marked); b++)
			if (s->runs[i].marks & (1u << b)) {
				marked[b] += s->runs[i].count;
				any = true;
			}
	}
	smmc_print_u64(SMMC_PRINT_ANY, "runs", "\nFRAME MAP: %" PRIu64 " runs;", s->nr_runs);
	smmc_open_json_object("frames");
	for (st = 1; st < __SHADOWMM_FRAME_CNT; st++) {
		smmc_print_u64(SMMC_PRINT_ANY, smmc_state_names[st], " %" PRIu64, total[st]);
		smmc_print_string(SMMC_PRINT_FP, NULL, " %s", smmc_state_names[st]);
	}
	smmc_close_json_object();
	smmc_print_text("\n");
	if (any) {
		smmc_print_text("  marked:");
		smmc_open_json_object("marks");
		for (b = 0; b < ARRAY_SIZE(marked); b++) {
			smmc_print_u64(SMMC_PRINT_ANY, smmc_mark_names[b], " %" PRIu64, marked[b]);
			smmc_print_string(SMMC_PRINT_FP, NULL, " %s", smmc_mark_names[b]);
		}
		smmc_close_json_object();
		smmc_print_text("\n");
	}
	if (!span)
		return;
	per = (span + FM_BATCH_COLS * FM_BATCH_ROWS - 1) / (FM_BATCH_COLS * FM_BATCH_ROWS);
	ncells = (span + per - 1) / per;
	if (fm_fill(fm, s, 0, per, ncells))
		return;
	for (c = 0; c < ncells; c++) {
		if (c % FM_BATCH_COLS == 0)
			smmc_print_text("  |");
		smmc_print_text("%c", fm_chars[fm_dominant(fm->cells[c])]);
		if (c % FM_BATCH_COLS == FM_BATCH_COLS - 1 || c + 1 == ncells)
			smmc_print_text("|\n");
	}
	smmc_print_text("  (%" PRIu64 " frames per character)\n", per);
}

static void FrameMap_delete(struct smm_panel *p)
{
	struct FrameMap *fm = p->priv;

	free(fm->cells);
	free(fm);
}

static const struct smm_panel_class FrameMap_class = {
	.name		= "Frame map",
	.min_rows	= FrameMap_rows,
	.want_rows	= FrameMap_want,
	.draw		= FrameMap_draw,
	.key		= FrameMap_key,
	.batch		= FrameMap_batch,
	.delete		= FrameMap_delete,
	.keys_help	= "  + - 0      frame map: zoom in / out / whole range; arrows move",
};

struct smm_panel *FrameMap_new(void)
{
	return smm_panel_new(&FrameMap_class, sizeof(struct FrameMap));
}
