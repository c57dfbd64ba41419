// SPDX-License-Identifier: GPL-2.0
/*
 * Zones: per populated zone, free frames of the managed ones as a bar
 * with the min, low and high watermarks (boost included) marked on it,
 * the watermark boost, the highatomic reserve when the screen is wide
 * enough, and the allocation and free rates since the previous refresh.
 *
 *	Normal  [===================l=h....]  9812  16384  512  1000  900
 *
 * The bar fills with free frames: when its end passes left of a mark the
 * zone is below that watermark, and the bar turns yellow (below high)
 * then red (below low).
 */
#include <curses.h>

#include "smmtop.h"

#define ZONES_BAR_MIN	10
#define ZONES_BAR_WIDE	40	/* room for the highatomic column beside this */
#define ZONES_COLS	(9 * 5)	/* free managed boost alloc/s free/s */
#define ZONES_HA_COLS	11	/* " %10" highatomic */

static unsigned int Zones_count(const struct smm_view *v)
{
	unsigned int z, n = 0;

	for (z = 0; z < v->cur->nr_zones; z++)
		n += v->cur->zones[z].managed != 0;
	return n;
}

static int Zones_rows(const struct smm_panel *p, const struct smm_view *v)
{
	(void)p;
	return 2 + Zones_count(v);
}

static int Zones_want(const struct smm_panel *p, const struct smm_view *v, int cols)
{
	(void)cols;
	return Zones_rows(p, v);
}

/*
 * 0 above high, 1 below high, 2 below low, 3 below min: the free lists
 * less the highatomic reserve against the marks (boost included), as the
 * module's events compute it (enum shadowmm_wmark_level): a mark is
 * passed when free > mark.
 */
static unsigned int Zones_level(const struct smmc_zone *z)
{
	uint64_t usable = z->free - (z->free < z->nr_reserved_highatomic ?
				     z->free : z->nr_reserved_highatomic);

	if (usable <= z->wmark_min)
		return SHADOWMM_WMARK_BELOW_MIN;
	if (usable <= z->wmark_low)
		return SHADOWMM_WMARK_BELOW_LOW;
	if (usable <= z->wmark_high)
		return SHADOWMM_WMARK_BELOW_HIGH;
	return SHADOWMM_WMARK_ABOVE_HIGH;
}

/* Blocks allocated (@free: freed) per second since the previous snapshot; -1: unknown. */
static double Zones_rate(const struct smm_view *v, unsigned int z, bool free)
{
	const struct smmc_zone *a, *b;
	uint64_t now, then;
	double dt;

	if (!v->prev || z >= v->prev->nr_zones)
		return -1;
	dt = v->cur->time - v->prev->time;
	if (dt <= 0)
		return -1;
	a = &v->cur->zones[z];
	b = &v->prev->zones[z];
	now = free ? smm_sum(a->stats.free, SMMC_NR_ORDERS) : smm_sum(a->stats.alloc, SMMC_NR_ORDERS);
	then = free ? smm_sum(b->stats.free, SMMC_NR_ORDERS) : smm_sum(b->stats.alloc, SMMC_NR_ORDERS);
	/* counters that went back: the module was reloaded, or a replay wrapped */
	return now >= then ? (now - then) / dt : -1;
}

static int Zones_col(uint64_t n, uint64_t managed, int width)
{
	return managed ? (int)(n * width / managed) : 0;
}

static void Zones_bar(struct smm_panel *p, int row, const struct smmc_zone *z, int width)
{
	static const int level_color[] = { SMM_C_OK, SMM_C_WARN, SMM_C_BAD, SMM_C_BAD };
	int fill = Zones_col(z->free + z->pcp, z->managed, width), i;
	int color = level_color[Zones_level(z)];

	smm_panel_putc(p, row, 8, SMM_C_NORMAL, A_BOLD, '[');
	for (i = 0; i < width; i++)
		smm_panel_putc(p, row, 9 + i, i < fill ? color : SMM_C_DIM, 0, i < fill ? '=' : '.');
	smm_panel_putc(p, row, 9 + Zones_col(z->wmark_min, z->managed, width), SMM_C_BAD, A_BOLD, 'm');
	smm_panel_putc(p, row, 9 + Zones_col(z->wmark_low, z->managed, width), SMM_C_WARN, A_BOLD, 'l');
	smm_panel_putc(p, row, 9 + Zones_col(z->wmark_high, z->managed, width), SMM_C_OK, A_BOLD, 'h');
	smm_panel_putc(p, row, 9 + width, SMM_C_NORMAL, A_BOLD, ']');
}

static void Zones_draw(struct smm_panel *p, const struct smm_view *v)
{
	int row = smm_panel_title(p, "Zones (free frames of managed; m l h: watermarks)");
	int width = p->cols - 9 - 1 - ZONES_COLS;
	bool ha = width - ZONES_HA_COLS >= ZONES_BAR_WIDE;
	unsigned int z;

	if (ha)
		width -= ZONES_HA_COLS;
	if (width < ZONES_BAR_MIN)
		width = ZONES_BAR_MIN;
	smm_panel_put(p, row, 0, SMM_C_NORMAL, A_BOLD, "%-8s%-*s %8s %8s %8s", "zone",
		      width + 2, "", "free", "managed", "boost");
	if (ha)
		smm_panel_put(p, row, 9 + width + 1 + 27, SMM_C_NORMAL, A_BOLD, " %10s",
			      "highatomic");
	smm_panel_put(p, row++, 9 + width + 1 + 27 + (ha ? ZONES_HA_COLS : 0), SMM_C_NORMAL,
		      A_BOLD, " %8s %8s", "alloc/s", "free/s");
	for (z = 0; z < v->cur->nr_zones; z++) {
		const struct smmc_zone *zn = &v->cur->zones[z];
		double ra = Zones_rate(v, z, false), rf = Zones_rate(v, z, true);
		char a[16] = "-", f[16] = "-";

		if (!zn->managed)
			continue;
		if (ra >= 0)
			snprintf(a, sizeof(a), "%.0f", ra);
		if (rf >= 0)
			snprintf(f, sizeof(f), "%.0f", rf);
		smm_panel_put(p, row, 0, SMM_C_NORMAL, A_BOLD, "%-8s", zn->name);
		Zones_bar(p, row, zn, width);
		smm_panel_put(p, row, 9 + width + 1, SMM_C_NORMAL, 0, " %8" PRIu64 " %8" PRIu64
			      " %8" PRIu64, zn->free + zn->pcp, zn->managed, zn->boost);
		if (ha)
			smm_panel_put(p, row, 9 + width + 1 + 27, SMM_C_NORMAL, 0, " %10" PRIu64,
				      zn->nr_reserved_highatomic);
		smm_panel_put(p, row, 9 + width + 1 + 27 + (ha ? ZONES_HA_COLS : 0), SMM_C_NORMAL, 0,
			      " %8s %8s", a, f);
		row++;
	}
}

/* A rate, or "-" (and no JSON member) before there are two snapshots. */
static void Zones_batch_rate(const char *key, double r)
{
	if (r < 0)
		smmc_print_string(SMMC_PRINT_FP, NULL, " %9s", "-");
	else
		smmc_print_milli(SMMC_PRINT_ANY, key, " %9s", (int64_t)(r * 1000 + 0.5));
}

static void Zones_batch(struct smm_panel *p, const struct smm_view *v)
{
	unsigned int z;

	(void)p;
	smmc_print_text("\n%-8s %9s %9s %7s %7s %7s %7s %7s %10s %9s %9s %-10s\n", "ZONE", "MANAGED",
			"FREE", "PCP", "MIN", "LOW", "HIGH", "BOOST", "HIGHATOMIC", "ALLOC/s", "FREE/s",
			"LEVEL");
	smmc_open_json_array(SMMC_PRINT_JSON, "zones");
	for (z = 0; z < v->cur->nr_zones; z++) {
		const struct smmc_zone *zn = &v->cur->zones[z];
		double ra = Zones_rate(v, z, false), rf = Zones_rate(v, z, true);

		if (!zn->managed)
			continue;
		smmc_open_json_object(NULL);
		smmc_print_string(SMMC_PRINT_ANY, "name", "%-8s", zn->name);
		smmc_print_fields(zn, smmc_zone_fields, ARRAY_SIZE(smmc_zone_fields), true);
		Zones_batch_rate("alloc_rate", ra);
		Zones_batch_rate("free_rate", rf);
		smmc_print_string(SMMC_PRINT_ANY, "level", " %s\n", smmc_wmark_level_names[Zones_level(zn)]);
		smmc_close_json_object();
	}
	smmc_close_json_array(SMMC_PRINT_JSON, NULL);
}

static const struct smm_panel_class Zones_class = {
	.name		= "Zones",
	.min_rows	= Zones_rows,
	.want_rows	= Zones_want,
	.draw		= Zones_draw,
	.batch		= Zones_batch,
};

struct smm_panel *Zones_new(void)
{
	return smm_panel_new(&Zones_class, 0);
}
