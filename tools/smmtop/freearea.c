// SPDX-License-Identifier: GPL-2.0
/*
 * Free area: per zone, free blocks of each order with a bar character
 * for the frames they hold (or per migratetype, key m), the
 * fragmentation index of each order, and a sparkline of the zone's
 * fragmentation over the last refreshes (the unusable free space index
 * at pageblock order: how much free memory cannot give a 2 MiB block),
 * newest at the right. No kernel tool shows that history.
 */
#include <curses.h>
#include <stdlib.h>

#include "smmtop.h"

#define FA_LABEL	12	/* columns before the first order */
#define FA_CELL		6	/* columns per order */

struct FreeArea {
	bool per_mt;
};

static unsigned int FreeArea_zone_rows(const struct FreeArea *fa)
{
	return (fa->per_mt ? SMMC_NR_MT : 1) + 2;
}

static unsigned int FreeArea_nr_zones(const struct smm_view *v)
{
	unsigned int z, n = 0;

	for (z = 0; z < v->cur->nr_zones; z++)
		n += v->cur->zones[z].managed != 0;
	return n;
}

static int FreeArea_rows(const struct smm_panel *p, const struct smm_view *v)
{
	(void)p;
	return 2 + FreeArea_nr_zones(v);
}

static int FreeArea_want(const struct smm_panel *p, const struct smm_view *v, int cols)
{
	(void)cols;
	return 2 + FreeArea_nr_zones(v) * FreeArea_zone_rows(p->priv);
}

/* One row of counts by order, each with a bar character for its frames. */
static void FreeArea_counts(struct smm_panel *p, int row, const char *label, const uint64_t *n,
			    unsigned int stride)
{
	uint64_t max = 0, frames;
	unsigned int o;
	char buf[16];

	for (o = 0; o < SMMC_NR_ORDERS; o++)
		if ((n[o * stride] << o) > max)
			max = n[o * stride] << o;
	smm_panel_put(p, row, 0, SMM_C_NORMAL, 0, "%-*s", FA_LABEL, label);
	for (o = 0; o < SMMC_NR_ORDERS; o++) {
		frames = n[o * stride] << o;
		smm_panel_put(p, row, FA_LABEL + o * FA_CELL, SMM_C_NORMAL, 0, "%5s",
			      smm_fmt_count(buf, sizeof(buf), n[o * stride], 5));
		smm_panel_putc(p, row, FA_LABEL + o * FA_CELL + 5, SMM_C_FREE, A_BOLD,
			       smm_level_char(frames, max));
	}
}

/* Thousandths as "0.123"; -1000 (the kernel's "it would fit") as "-". */
static const char *FreeArea_milli(char *buf, size_t len, int v)
{
	if (v < 0)
		snprintf(buf, len, "%5s", "-");
	else
		snprintf(buf, len, "%d.%03d", v / 1000, v % 1000);
	return buf;
}

static void FreeArea_frag(struct smm_panel *p, int row, const struct smmc_zone *z)
{
	unsigned int o;
	char buf[16];

	smm_panel_put(p, row, 0, SMM_C_NORMAL, 0, "%-*s", FA_LABEL, "  extfrag");
	for (o = 0; o < SMMC_NR_ORDERS; o++)
		smm_panel_put(p, row, FA_LABEL + o * FA_CELL, z->extfrag[o] > 500 ? SMM_C_WARN :
			      SMM_C_NORMAL, 0, "%5s", FreeArea_milli(buf, sizeof(buf), z->extfrag[o]));
}

/* The history of zone @zi: one character per refresh, newest at the right. */
static void FreeArea_spark(struct smm_panel *p, int row, const struct smm_view *v,
			   unsigned int zi)
{
	int width = p->cols - FA_LABEL - 7, col, s;
	char buf[16];

	smm_panel_put(p, row, 0, SMM_C_NORMAL, 0, "%-*s", FA_LABEL, "  frag hist");
	for (col = 0; col < width; col++) {
		s = smm_hist_get(&v->hist, zi, width - 1 - col);
		if (s < 0)
			continue;
		smm_panel_putc(p, row, FA_LABEL + col, s > 500 ? SMM_C_WARN : SMM_C_OK, 0,
			       smm_level_char(s, 1000));
	}
	s = smm_hist_get(&v->hist, zi, 0);
	smm_panel_put(p, row, p->cols - 6, SMM_C_NORMAL, A_BOLD, "%s",
		      FreeArea_milli(buf, sizeof(buf), s));
}

static void FreeArea_draw(struct smm_panel *p, const struct smm_view *v)
{
	const struct FreeArea *fa = p->priv;
	int row = smm_panel_title(p, "Free area: blocks per order%s (m: %s)",
				  fa->per_mt ? " and migratetype" : "",
				  fa->per_mt ? "all types" : "per migratetype");
	unsigned int z, o, mt;
	char label[32];

	smm_panel_put(p, row, 0, SMM_C_NORMAL, A_BOLD, "%-*s", FA_LABEL, "zone  order");
	for (o = 0; o < SMMC_NR_ORDERS; o++)
		smm_panel_put(p, row, FA_LABEL + o * FA_CELL, SMM_C_NORMAL, A_BOLD, "%5u ", o);
	row++;
	for (z = 0; z < v->cur->nr_zones; z++) {
		const struct smmc_zone *zn = &v->cur->zones[z];

		if (!zn->managed)
			continue;
		if (!fa->per_mt) {
			FreeArea_counts(p, row++, zn->name, zn->nr_free, 1);
		} else {
			for (mt = 0; mt < SMMC_NR_MT; mt++) {
				snprintf(label, sizeof(label), "%-6.6s %-.5s", mt ? "" : zn->name,
					 smmc_mt_names[mt]);
				FreeArea_counts(p, row++, label, &zn->nr_free_mt[0][mt], SMMC_NR_MT);
			}
		}
		FreeArea_frag(p, row++, zn);
		FreeArea_spark(p, row++, v, z);
	}
}

static int FreeArea_key(struct smm_panel *p, struct smm_view *v, int ch)
{
	struct FreeArea *fa = p->priv;

	(void)v;
	if (ch != 'm')
		return SMM_KEY_IGNORED;
	fa->per_mt = !fa->per_mt;
	return SMM_KEY_HANDLED | SMM_KEY_REDRAW;
}

static void FreeArea_row(const char *key, const char *label, const uint64_t *n,
			 unsigned int stride)
{
	unsigned int o;

	smmc_print_text("  %-12s", label);
	smmc_open_json_array(SMMC_PRINT_JSON, key);
	for (o = 0; o < SMMC_NR_ORDERS; o++)
		smmc_print_u64(SMMC_PRINT_ANY, NULL, " %6" PRIu64, n[o * stride]);
	smmc_close_json_array(SMMC_PRINT_JSON, NULL);
	smmc_print_text("\n");
}

static void FreeArea_batch(struct smm_panel *p, const struct smm_view *v)
{
	unsigned int z, o, mt;

	(void)p;
	smmc_print_text("\nFREE AREA   order");
	for (o = 0; o < SMMC_NR_ORDERS; o++)
		smmc_print_text(" %6u", o);
	smmc_print_text("\n");
	smmc_open_json_array(SMMC_PRINT_JSON, "free_area");
	for (z = 0; z < v->cur->nr_zones; z++) {
		const struct smmc_zone *zn = &v->cur->zones[z];

		if (!zn->managed)
			continue;
		smmc_open_json_object(NULL);
		smmc_print_string(SMMC_PRINT_ANY, "zone", "%s\n", zn->name);
		FreeArea_row("nr_free", "nr_free", zn->nr_free, 1);
		for (mt = 0; mt < SMMC_NR_MT; mt++)
			FreeArea_row(smmc_mt_names[mt], smmc_mt_names[mt], &zn->nr_free_mt[0][mt],
				     SMMC_NR_MT);
		smmc_print_text("  %-12s", "extfrag");
		smmc_open_json_array(SMMC_PRINT_JSON, "extfrag");
		for (o = 0; o < SMMC_NR_ORDERS; o++)
			smmc_print_milli(SMMC_PRINT_ANY, NULL, " %6s", zn->extfrag[o]);
		smmc_close_json_array(SMMC_PRINT_JSON, NULL);
		smmc_print_text("\n");
		smmc_print_milli(SMMC_PRINT_ANY, "frag", "  frag (unusable index at order 9) %s\n",
				 zn->unusable[9]);
		smmc_close_json_object();
	}
	smmc_close_json_array(SMMC_PRINT_JSON, NULL);
}

static const struct smm_panel_class FreeArea_class = {
	.name		= "Free area",
	.min_rows	= FreeArea_rows,
	.want_rows	= FreeArea_want,
	.draw		= FreeArea_draw,
	.key		= FreeArea_key,
	.batch		= FreeArea_batch,
	.keys_help	= "  m          free area: per migratetype / all types",
};

struct smm_panel *FreeArea_new(void)
{
	return smm_panel_new(&FreeArea_class, sizeof(struct FreeArea));
}
