// SPDX-License-Identifier: GPL-2.0
/*
 * Pictures as plain SVG text: a small emitter (rectangles, lines, text,
 * polylines, whole-pixel or one-decimal coordinates so that the same
 * input gives the same bytes), and the two pictures smmctl draws with
 * it: the frame map (smmctl frame show svg) and zone history (smmctl
 * zone history svg). No rasteriser and no library: a browser, or
 * rsvg-convert in the tests, draws them.
 *
 * The geometry below is part of the interface: tools/smmctl/test_svg.py
 * finds known cells and points at pixels computed from the same numbers
 * (keep the two in step).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libsmm.h"

/* Colours by frame state (smmc_state_names' order) and by migratetype. */
const char *const smmc_svg_state_colours[__SHADOWMM_FRAME_CNT] = {
	"#000000",	/* unknown */
	"#bdbdbd",	/* hole */
	"#a6dba0",	/* free */
	"#1b7837",	/* pcp */
	"#4575b4",	/* page */
	"#d73027",	/* slab */
	"#984ea3",	/* pgtable */
	"#fdae61",	/* space */
	"#fee08b",	/* lru */
};

/* Marked pages at frame scale, by kind from SMMC_KIND_ANON (smmc_run_kind()). */
const char *const smmc_svg_kind_colours[SMMC_NR_KINDS - __SHADOWMM_FRAME_CNT] = {
	"#00bcd4",	/* anon */
	"#e7298a",	/* shared */
	"#66a61e",	/* file */
	"#5e3c99",	/* dirty */
};

/* A run's fill at frame scale: its kind's colour (its state's, unless marked). */
static const char *smmc_svg_kind_colour(unsigned int kind)
{
	return kind < __SHADOWMM_FRAME_CNT ? smmc_svg_state_colours[kind] :
					     smmc_svg_kind_colours[kind - __SHADOWMM_FRAME_CNT];
}

const char *const smmc_svg_mt_colours[SMMC_NR_MT] = {
	"#8c510a",	/* Unmovable */
	"#01665e",	/* Movable */
	"#c51b7d",	/* Reclaimable */
	"#313695",	/* HighAtomic */
};

/* Lines of the history charts: zones, then orders 0 .. 10. */
static const char *const smmc_svg_line_colours[] = {
	"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
	"#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#000000",
};

/* The header and a white background; @title also as the SVG's <title>. */
void smmc_svg_begin(FILE *f, unsigned int width, unsigned int height, const char *title)
{
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%u\" height=\"%u\" viewBox=\"0 0 %u %u\" font-family=\"DejaVu Sans, sans-serif\" shape-rendering=\"crispEdges\">\n",
		width, height, width, height);
	fputs("<title>", f);
	smmc_svg_escape(f, title);
	fputs("</title>\n", f);
	smmc_svg_rect(f, 0, 0, width, height, "#ffffff");
}

void smmc_svg_end(FILE *f)
{
	fputs("</svg>\n", f);
}

/* @s with XML's five special characters as entities, control characters dropped. */
void smmc_svg_escape(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		default:
			if ((unsigned char)*s >= 0x20)
				fputc(*s, f);
		}
	}
}

void smmc_svg_rect(FILE *f, unsigned int x, unsigned int y, unsigned int w, unsigned int h,
		   const char *fill)
{
	fprintf(f, "<rect x=\"%u\" y=\"%u\" width=\"%u\" height=\"%u\" fill=\"%s\"/>\n", x, y, w, h,
		fill);
}

void smmc_svg_line(FILE *f, double x1, double y1, double x2, double y2, const char *stroke,
		   unsigned int width)
{
	fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"%u\"/>\n",
		x1, y1, x2, y2, stroke, width);
}

/* Text at (@x, @y) (its baseline), @anchor "start", "middle" or "end". */
void smmc_svg_text(FILE *f, double x, double y, const char *anchor, unsigned int size,
		   const char *text)
{
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%u\" text-anchor=\"%s\" fill=\"#000000\">",
		x, y, size, anchor);
	smmc_svg_escape(f, text);
	fputs("</text>\n", f);
}

/* A legend entry: a swatch SMMC_SVG_SWATCH square at (@x, @y), its name to the right. */
static void smmc_svg_legend(FILE *f, unsigned int x, unsigned int y, const char *colour,
			    const char *name)
{
	smmc_svg_rect(f, x, y, SMMC_SVG_SWATCH, SMMC_SVG_SWATCH, colour);
	smmc_svg_text(f, x + SMMC_SVG_SWATCH + 4, y + SMMC_SVG_SWATCH - 2, "start", 11, name);
}

/* ---- the frame map ---- */

/*
 * Which run holds frame @frame: runs are sorted and do not overlap, so
 * the search goes on from the last answer (*@i) while frames increase.
 * NULL in a gap.
 */
static const struct smmc_run *smmc_svg_run_at(const struct smmc_run *runs, size_t n, size_t *i,
					      uint64_t frame)
{
	while (*i < n && runs[*i].start + runs[*i].count <= frame)
		(*i)++;
	if (*i < n && runs[*i].start <= frame)
		return &runs[*i];
	return NULL;
}

/*
 * A pageblock's colours: the state most of its frames are in (ties to
 * the lower state number; frames no run covers do not count) and the
 * migratetype of its first frame's run.
 */
static void smmc_svg_block(const struct smmc_run *runs, size_t n, size_t *i, uint64_t first,
			   uint32_t *state, uint32_t *mt)
{
	uint64_t frames[__SHADOWMM_FRAME_CNT] = { 0 }, end = first + SMMC_PAGEBLOCK_FRAMES, best = 0;
	const struct smmc_run *r = smmc_svg_run_at(runs, n, i, first);
	size_t j;
	unsigned int s;

	*mt = r && r->mt < SMMC_NR_MT ? r->mt : SMMC_NR_MT;
	for (j = *i; j < n && runs[j].start < end; j++) {
		uint64_t a = runs[j].start > first ? runs[j].start : first;
		uint64_t b = runs[j].start + runs[j].count < end ? runs[j].start + runs[j].count : end;

		if (b > a)
			frames[runs[j].state < __SHADOWMM_FRAME_CNT ? runs[j].state : 0] += b - a;
	}
	*state = 0;
	for (s = 0; s < __SHADOWMM_FRAME_CNT; s++) {
		if (frames[s] > best) {
			best = frames[s];
			*state = s;
		}
	}
}

/* Frame scale: each run as one rectangle per row it crosses. */
static void smmc_svg_map_frames(FILE *f, const struct smmc_svg_map *m)
{
	unsigned int cols = SMMC_SVG_FRAME_COLS, c = SMMC_SVG_FRAME_CELL;
	size_t i;

	for (i = 0; i < m->nr_runs; i++) {
		const struct smmc_run *r = &m->runs[i];
		uint64_t a = r->start > m->start ? r->start : m->start;
		uint64_t b = r->start + r->count;
		const char *fill = smmc_svg_kind_colour(smmc_run_kind(r));

		if (b > m->start + m->count)
			b = m->start + m->count;
		while (a < b) {
			uint64_t cell = a - m->start, row = cell / cols, col = cell % cols;
			uint64_t len = b - a < cols - col ? b - a : cols - col;

			smmc_svg_rect(f, SMMC_SVG_MARGIN + col * c, SMMC_SVG_MAP_TOP + row * c,
				      len * c, c, fill);
			a += len;
		}
	}
}

/* Pageblock scale: each block's state above, its migratetype in the lower third. */
static void smmc_svg_map_blocks(FILE *f, const struct smmc_svg_map *m)
{
	unsigned int cols = SMMC_SVG_BLOCK_COLS, c = SMMC_SVG_BLOCK_CELL, mt_h = c / 3;
	uint64_t b, nr = (m->count + SMMC_PAGEBLOCK_FRAMES - 1) / SMMC_PAGEBLOCK_FRAMES;
	size_t i = 0;

	for (b = 0; b < nr; b++) {
		unsigned int x = SMMC_SVG_MARGIN + (b % cols) * c;
		unsigned int y = SMMC_SVG_MAP_TOP + (b / cols) * c;
		uint32_t state, mt;

		smmc_svg_block(m->runs, m->nr_runs, &i, m->start + b * SMMC_PAGEBLOCK_FRAMES,
			       &state, &mt);
		smmc_svg_rect(f, x, y, c, c - mt_h, smmc_svg_state_colours[state]);
		smmc_svg_rect(f, x, y + c - mt_h, c, mt_h,
			      mt < SMMC_NR_MT ? smmc_svg_mt_colours[mt] : "#000000");
	}
}

/* The rows the map takes, and the legend's top. */
static unsigned int smmc_svg_map_rows(const struct smmc_svg_map *m)
{
	uint64_t cells = m->pageblock ?
		(m->count + SMMC_PAGEBLOCK_FRAMES - 1) / SMMC_PAGEBLOCK_FRAMES : m->count;
	unsigned int cols = m->pageblock ? SMMC_SVG_BLOCK_COLS : SMMC_SVG_FRAME_COLS;

	return (cells + cols - 1) / cols;
}

unsigned int smmc_svg_map_legend_top(const struct smmc_svg_map *m)
{
	unsigned int cell = m->pageblock ? SMMC_SVG_BLOCK_CELL : SMMC_SVG_FRAME_CELL;

	return SMMC_SVG_MAP_TOP + smmc_svg_map_rows(m) * cell + SMMC_SVG_GAP;
}

/* Does any run of @m carry page marks? (Their legend entries only then.) */
static bool smmc_svg_map_marked(const struct smmc_svg_map *m)
{
	size_t i;

	for (i = 0; i < m->nr_runs; i++)
		if (m->runs[i].marks)
			return true;
	return false;
}

/*
 * The frame map of @m as an SVG document on @f: the title (range, scale,
 * @m->when), the cells from @m->start on in rows of a fixed width, the
 * legend below (every state; at pageblock scale every migratetype; at
 * frame scale, when some run has marks, the four marked kinds, drawn in
 * their own colours: anon, shared, file, dirty). @m->start must be
 * pageblock-aligned at pageblock scale. Returns 0, or -EINVAL for an
 * empty range or one too large to draw.
 */
int smmc_svg_frame_map(FILE *f, const struct smmc_svg_map *m)
{
	unsigned int cols = m->pageblock ? SMMC_SVG_BLOCK_COLS : SMMC_SVG_FRAME_COLS;
	unsigned int cell = m->pageblock ? SMMC_SVG_BLOCK_CELL : SMMC_SVG_FRAME_CELL;
	unsigned int width = 2 * SMMC_SVG_MARGIN + cols * cell, top, i, nr_legend, height;
	char title[256], line[128];

	if (!m->count || smmc_svg_map_rows(m) > SMMC_SVG_MAX_ROWS)
		return -EINVAL;
	top = smmc_svg_map_legend_top(m);
	nr_legend = __SHADOWMM_FRAME_CNT + (m->pageblock ? SMMC_NR_MT :
					    smmc_svg_map_marked(m) ? SMMC_NR_KINDS - __SHADOWMM_FRAME_CNT : 0);
	height = top + ((nr_legend + SMMC_SVG_LEGEND_COLS - 1) / SMMC_SVG_LEGEND_COLS) *
		SMMC_SVG_LEGEND_ROW + SMMC_SVG_MARGIN;
	snprintf(title, sizeof(title), "shadowmm frame map: frames %" PRIu64 "-%" PRIu64 " (%" PRIu64 " KiB), one cell per %s, %s",
		 m->start, m->start + m->count - 1, m->count * 4, m->pageblock ? "pageblock" : "frame",
		 m->when);
	smmc_svg_begin(f, width, height, title);
	snprintf(line, sizeof(line), "shadowmm frame map: frames %" PRIu64 "-%" PRIu64 " (%" PRIu64 " KiB)",
		 m->start, m->start + m->count - 1, m->count * 4);
	smmc_svg_text(f, SMMC_SVG_MARGIN, 18, "start", 13, line);
	snprintf(line, sizeof(line), "%u %ss a row%s; %s", cols, m->pageblock ? "pageblock" : "frame",
		 m->pageblock ? " (state above, migratetype below)" : "", m->when);
	smmc_svg_text(f, SMMC_SVG_MARGIN, 34, "start", 11, line);
	if (m->pageblock)
		smmc_svg_map_blocks(f, m);
	else
		smmc_svg_map_frames(f, m);
	for (i = 0; i < nr_legend; i++) {
		unsigned int x = SMMC_SVG_MARGIN + (i % SMMC_SVG_LEGEND_COLS) * SMMC_SVG_LEGEND_COL;
		unsigned int y = top + (i / SMMC_SVG_LEGEND_COLS) * SMMC_SVG_LEGEND_ROW;

		if (i < __SHADOWMM_FRAME_CNT || !m->pageblock)
			smmc_svg_legend(f, x, y, smmc_svg_kind_colour(i), smmc_kind_name(i));
		else
			smmc_svg_legend(f, x, y, smmc_svg_mt_colours[i - __SHADOWMM_FRAME_CNT],
					smmc_mt_names[i - __SHADOWMM_FRAME_CNT]);
	}
	smmc_svg_end(f);
	return ferror(f) ? -EIO : 0;
}

/* ---- zone history ---- */

/* The pixel column of sample @i of @n. */
static double smmc_svg_x(unsigned int i, unsigned int n)
{
	if (n < 2)
		return SMMC_SVG_PLOT_X + SMMC_SVG_PLOT_W / 2.0;
	return SMMC_SVG_PLOT_X + (double)i * SMMC_SVG_PLOT_W / (n - 1);
}

/* The pixel row of @v on a chart whose plot starts at @top and spans @lo .. @hi. */
static double smmc_svg_y(unsigned int top, double v, double lo, double hi)
{
	return top + SMMC_SVG_PLOT_H - (v - lo) * SMMC_SVG_PLOT_H / (hi - lo);
}

/* A chart's frame, title, y ticks (@ticks + 1 of them, labelled by @fmt) and x ticks. */
static void smmc_svg_axes(FILE *f, const struct smmc_svg_history *h, unsigned int top,
			  const char *title, double lo, double hi, unsigned int ticks,
			  const char *fmt)
{
	unsigned int i, step, x0 = SMMC_SVG_PLOT_X, x1 = SMMC_SVG_PLOT_X + SMMC_SVG_PLOT_W;
	char label[64];

	smmc_svg_text(f, x0, top - 8, "start", 12, title);
	for (i = 0; i <= ticks; i++) {
		double v = lo + (hi - lo) * i / ticks, y = smmc_svg_y(top, v, lo, hi);

		smmc_svg_line(f, x0, y, x1, y, "#e0e0e0", 1);
		smmc_svg_line(f, x0 - 5, y, x0, y, "#000000", 1);
		snprintf(label, sizeof(label), fmt, v);
		smmc_svg_text(f, x0 - 8, y + 4, "end", 10, label);
	}
	step = h->nr_samples > 10 ? (h->nr_samples + 9) / 10 : 1;
	for (i = 0; i < h->nr_samples; i += step) {
		double x = smmc_svg_x(i, h->nr_samples);

		smmc_svg_line(f, x, top + SMMC_SVG_PLOT_H, x, top + SMMC_SVG_PLOT_H + 5, "#000000", 1);
		if (h->interval > 0)
			snprintf(label, sizeof(label), "%g", i * h->interval);
		else
			snprintf(label, sizeof(label), "%u", i);
		smmc_svg_text(f, x, top + SMMC_SVG_PLOT_H + 17, "middle", 10, label);
	}
	smmc_svg_text(f, x0 + SMMC_SVG_PLOT_W / 2.0, top + SMMC_SVG_PLOT_H + 32, "middle", 11,
		      h->interval > 0 ? "seconds" : "snapshot");
	smmc_svg_line(f, x0, top, x0, top + SMMC_SVG_PLOT_H, "#000000", 1);
	smmc_svg_line(f, x0, top + SMMC_SVG_PLOT_H, x1, top + SMMC_SVG_PLOT_H, "#000000", 1);
}

/*
 * One series: a polyline through its samples and a marker square
 * SMMC_SVG_MARKER wide centred on each (while there are at most
 * SMMC_SVG_MAX_MARKERS samples), and its legend entry number @k.
 */
static void smmc_svg_series(FILE *f, const struct smmc_svg_history *h, unsigned int top,
			    const double *v, double lo, double hi, const char *colour,
			    unsigned int k, const char *name)
{
	unsigned int i, m = SMMC_SVG_MARKER;

	fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"", colour);
	for (i = 0; i < h->nr_samples; i++)
		fprintf(f, "%s%.1f,%.1f", i ? " " : "", smmc_svg_x(i, h->nr_samples),
			smmc_svg_y(top, v[i], lo, hi));
	fputs("\"/>\n", f);
	for (i = 0; h->nr_samples <= SMMC_SVG_MAX_MARKERS && i < h->nr_samples; i++)
		fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%u\" height=\"%u\" fill=\"%s\"/>\n",
			smmc_svg_x(i, h->nr_samples) - m / 2.0, smmc_svg_y(top, v[i], lo, hi) - m / 2.0,
			m, m, colour);
	smmc_svg_legend(f, SMMC_SVG_LEGEND_X, top + k * SMMC_SVG_LEGEND_ROW, colour, name);
}

/* Whether zone @z is drawn: managed in some sample. */
static bool smmc_svg_zone_drawn(const struct smmc_svg_history *h, unsigned int z)
{
	unsigned int i;

	for (i = 0; i < h->nr_samples; i++)
		if (z < h->nr_zones[i] && h->zones[i][z].managed)
			return true;
	return false;
}

/* Zone @z's name, from the first sample that has it. */
static const char *smmc_svg_zone_name(const struct smmc_svg_history *h, unsigned int z)
{
	unsigned int i;

	for (i = 0; i < h->nr_samples; i++)
		if (z < h->nr_zones[i])
			return h->zones[i][z].name;
	return "?";
}

/* The largest managed of the drawn zones over all samples: the free chart's top. */
static uint64_t smmc_svg_max_managed(const struct smmc_svg_history *h)
{
	uint64_t max = 0;
	unsigned int i, z;

	for (i = 0; i < h->nr_samples; i++)
		for (z = 0; z < h->nr_zones[i]; z++)
			if (h->zones[i][z].managed > max)
				max = h->zones[i][z].managed;
	return max ? max : 1;
}

/* Chart 0: free pages of each drawn zone, 0 .. the largest managed. */
static int smmc_svg_free_chart(FILE *f, const struct smmc_svg_history *h, double *v)
{
	double hi = (double)smmc_svg_max_managed(h);
	unsigned int top = SMMC_SVG_CHART_TOP, z, i, k = 0;

	smmc_svg_axes(f, h, top, "free pages per zone (the axis ends at the largest managed)",
		      0, hi, 4, "%.0f");
	for (z = 0; z < SMMC_NR_ZONES; z++) {
		if (!smmc_svg_zone_drawn(h, z))
			continue;
		for (i = 0; i < h->nr_samples; i++)
			v[i] = z < h->nr_zones[i] ? (double)h->zones[i][z].free : 0;
		smmc_svg_series(f, h, top, v, 0, hi, smmc_svg_line_colours[k], k,
				smmc_svg_zone_name(h, z));
		k++;
	}
	return 0;
}

/* Chart 1 + @k: zone @z's extfrag index per order, -1 .. 1. */
static void smmc_svg_frag_chart(FILE *f, const struct smmc_svg_history *h, unsigned int z,
				unsigned int k, double *v)
{
	unsigned int top = SMMC_SVG_CHART_TOP + (1 + k) * SMMC_SVG_CHART_H, o, i;
	char title[96], name[16];

	snprintf(title, sizeof(title),
		 "%s: fragmentation (extfrag) index per order; -1: the order is free",
		 smmc_svg_zone_name(h, z));
	smmc_svg_axes(f, h, top, title, -1, 1, 4, "%.1f");
	for (o = 0; o < SMMC_NR_ORDERS; o++) {
		for (i = 0; i < h->nr_samples; i++)
			v[i] = z < h->nr_zones[i] ? h->zones[i][z].extfrag[o] / 1000.0 : -1;
		snprintf(name, sizeof(name), "order %u", o);
		smmc_svg_series(f, h, top, v, -1, 1, smmc_svg_line_colours[o], o, name);
	}
}

/* How many charts @h makes: free pages, and one per drawn zone. */
unsigned int smmc_svg_history_charts(const struct smmc_svg_history *h)
{
	unsigned int z, n = 1;

	for (z = 0; z < SMMC_NR_ZONES; z++)
		n += smmc_svg_zone_drawn(h, z);
	return n;
}

/*
 * Zone history as an SVG document on @f: a chart of each zone's free
 * pages over the samples, then one chart per zone of its extfrag index
 * per order, each with axes, ticks and a legend on its right. Zones
 * with no managed pages in any sample are left out. 0, -EINVAL (no
 * sample) or -ENOMEM.
 */
int smmc_svg_zone_history(FILE *f, const struct smmc_svg_history *h)
{
	unsigned int charts = smmc_svg_history_charts(h), z, k = 0;
	char title[256];
	double *v;

	if (!h->nr_samples)
		return -EINVAL;
	v = calloc(h->nr_samples, sizeof(*v));
	if (!v)
		return -ENOMEM;
	snprintf(title, sizeof(title), "shadowmm zone history: %u samples%s, %s", h->nr_samples,
		 h->interval > 0 ? "" : " (no interval known: numbered)", h->when);
	smmc_svg_begin(f, SMMC_SVG_HIST_W, SMMC_SVG_CHART_TOP + charts * SMMC_SVG_CHART_H, title);
	smmc_svg_text(f, SMMC_SVG_MARGIN, 18, "start", 13, title);
	smmc_svg_free_chart(f, h, v);
	for (z = 0; z < SMMC_NR_ZONES; z++)
		if (smmc_svg_zone_drawn(h, z))
			smmc_svg_frag_chart(f, h, z, k++, v);
	smmc_svg_end(f);
	free(v);
	return ferror(f) ? -EIO : 0;
}
