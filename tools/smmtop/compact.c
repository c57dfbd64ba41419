// SPDX-License-Identifier: GPL-2.0
/*
 * Compaction: what compaction is doing, shown with 'C' (with the frame
 * map, whose cells under the two scanners then read 'M' and 'F'). Per
 * zone the run in progress or the last one (ZONE_GET's COMPACT_*
 * attributes: run count, scanning or done, the order it aims for, the
 * migrate scanner's frame and the free scanner's pageblock), a bar of
 * the zone with both scanners on it, and the fragmentation at that
 * order (extfrag and unusable index; -1, a whole-zone run, shows them
 * at pageblock order, 9), and, as wide as the screen allows, the
 * unusable index at order 9 over the last refreshes (the free area's
 * history, newest at the right); then the vmstat counters compaction
 * moves, with their rates between two snapshots:
 *
 *	COMPACT  RUNS STATE    ORDER  MIGRATE     FREE  EXTFRAG UNUSABLE
 *	Normal      3 scanning     9     7168    12800    0.912    0.750
 *	  |>>>>>>>>>>>>M................................F<<<<<<<<<<<|
 *	migrated/s 1600  isolated/s 3200  migrate_scanned/s 8000 ...
 *	kcompactd wakes 3 (+1)  direct stalls 0 (+0)
 *
 * The fragmentation shown is the snapshot's (the zone's free area when
 * it was read): it falls as the run frees larger blocks.
 */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "smmtop.h"

#define CP_ORDER_DEFAULT	9	/* a whole-zone run: pageblock order */
#define CP_BATCH_BAR		64
#define CP_ROW_WIDTH		66	/* a zone's line before its history */

/* The counters with a rate, in the order shown; the first four are per-second rates. */
static const char *const cp_counters[] = {
	"pgmigrate_success", "compact_isolated", "compact_migrate_scanned",
	"compact_free_scanned", "compact_daemon_wake", "compact_stall",
};

/* ... and how the panel names them */
static const char *const cp_labels[] = {
	"migrated", "isolated", "migrate_scanned", "free_scanned", "kcompactd wakes",
	"direct stalls",
};

#define CP_NR_COUNTERS	ARRAY_SIZE(cp_counters)

/* The zones with frames (DMA32 of a capture may have none). */
static unsigned int cp_zones(const struct smm_snap *s)
{
	unsigned int z, n = 0;

	for (z = 0; z < s->nr_zones; z++)
		n += s->zones[z].managed > 0;
	return n;
}

/* The run's order, -1 for a whole zone (or no run yet). */
static int cp_run_order(const struct smmc_zone *z)
{
	return z->compact_runs ? z->compact_order : -1;
}

/* The order whose indexes are shown: the run's, pageblock order for a whole-zone run. */
static unsigned int cp_order(const struct smmc_zone *z)
{
	return z->compact_runs && z->compact_order >= 0 && z->compact_order < SMMC_NR_ORDERS ?
	       (unsigned int)z->compact_order : CP_ORDER_DEFAULT;
}

static const char *cp_state(const struct smmc_zone *z)
{
	if (!z->compact_runs)
		return "never";
	return z->compact_running ? "scanning" : "done";
}

/*
 * The zone as @n characters: '>' what the migrate scanner has passed,
 * 'M' where it is, '<' what the free scanner has passed (from the end)
 * and the migrate scanner has not, 'F' its pageblock, '.' the rest; all
 * '.' before any run. Scanners that met and crossed read ">>F>>M<<".
 */
static void cp_bar(char *buf, unsigned int n, const struct smmc_zone *z)
{
	uint64_t span = z->spanned ? z->spanned : 1, m, f;
	unsigned int i;

	memset(buf, '.', n);
	buf[n] = '\0';
	if (!z->compact_runs || !n)
		return;
	m = z->compact_migrate_pfn > z->start ? (z->compact_migrate_pfn - z->start) * n / span : 0;
	f = z->compact_free_pfn > z->start ? (z->compact_free_pfn - z->start) * n / span : 0;
	if (m >= n)
		m = n - 1;
	if (f >= n)
		f = n - 1;
	for (i = 0; i < m; i++)
		buf[i] = '>';
	for (i = (f > m ? f : m) + 1; i < n; i++)
		buf[i] = '<';
	buf[f] = 'F';
	buf[m] = 'M';
}

/* Whether the frame map should mark the scanners: the view is on. */
bool smm_compact_marks(const struct smm_view *v)
{
	return v->compact_on;
}

static int Compaction_rows(const struct smm_panel *p, const struct smm_view *v)
{
	(void)p;
	return v->compact_on ? 2 + 2 * (int)cp_zones(v->cur) + 3 : 0;
}

static int Compaction_want(const struct smm_panel *p, const struct smm_view *v, int cols)
{
	(void)cols;
	return Compaction_rows(p, v);
}

static const char *cp_milli(char *buf, size_t len, int v)
{
	if (v < 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%d.%03d", v / 1000, v % 1000);
	return buf;
}

/* Zone @zi's unusable index at order 9, one character a refresh, after its line. */
static void cp_draw_hist(struct smm_panel *p, int row, const struct smm_view *v, unsigned int zi)
{
	int width = p->cols - CP_ROW_WIDTH - 2, col, s;

	for (col = 0; col < width; col++) {
		s = smm_hist_get(&v->hist, zi, width - 1 - col);
		if (s >= 0)
			smm_panel_putc(p, row, CP_ROW_WIDTH + 2 + col, s > 500 ? SMM_C_WARN : SMM_C_OK,
				       0, smm_level_char(s, 1000));
	}
}

/* Zone @zi's line, its history and its bar, from @row; the rows used. */
static int cp_draw_zone(struct smm_panel *p, int row, const struct smm_view *v, unsigned int zi)
{
	const struct smmc_zone *z = &v->cur->zones[zi];
	unsigned int o = cp_order(z), w = p->cols > 4 ? p->cols - 4 : 0;
	char ef[16], un[16], ord[16] = "-", mg[24] = "-", fr[24] = "-", bar[512];

	if (z->compact_runs) {
		snprintf(ord, sizeof(ord), "%d", cp_run_order(z));
		snprintf(mg, sizeof(mg), "%" PRIu64, z->compact_migrate_pfn);
		snprintf(fr, sizeof(fr), "%" PRIu64, z->compact_free_pfn);
	}
	smm_panel_put(p, row, 0, z->compact_running ? SMM_C_WARN : SMM_C_NORMAL, 0,
		      "%-8s %6" PRIu64 " %-8s %5s %8s %8s %8s %8s", z->name, z->compact_runs,
		      cp_state(z), ord, mg, fr, cp_milli(ef, sizeof(ef), z->extfrag[o]),
		      cp_milli(un, sizeof(un), z->unusable[o]));
	if (w >= sizeof(bar))
		w = sizeof(bar) - 1;
	cp_draw_hist(p, row, v, zi);
	cp_bar(bar, w, z);
	smm_panel_put(p, row + 1, 0, SMM_C_NORMAL, 0, "  |%s|", bar);
	return 2;
}

static void Compaction_draw(struct smm_panel *p, const struct smm_view *v)
{
	const struct smm_snap *s = v->cur;
	char line[256], num[16];
	unsigned int z, i;
	int row = 1, len = 0;
	uint64_t d, total;
	double r;

	smm_panel_title(p, "Compaction: the scanners are M and F on the frame map (C: off)");
	smm_panel_put(p, row++, 0, SMM_C_TITLE, 0, "%-8s %6s %-8s %5s %8s %8s %8s %8s", "COMPACT",
		      "RUNS", "STATE", "ORDER", "MIGRATE", "FREE", "EXTFRAG", "UNUSABLE");
	for (z = 0; z < s->nr_zones; z++)
		if (s->zones[z].managed)
			row += cp_draw_zone(p, row, v, z);
	for (i = 0; i < 4; i++) {
		r = smm_vmstat_rate(v, cp_counters[i], &d);
		len += snprintf(line + len, sizeof(line) - len, "%s/s %s  ",
				cp_labels[i],
				r < 0 ? "-" : smm_fmt_count(num, sizeof(num), (uint64_t)(r + 0.5), 6));
	}
	smm_panel_put(p, row++, 0, SMM_C_NORMAL, 0, "%s", line);
	len = 0;
	for (i = 4; i < CP_NR_COUNTERS; i++) {
		if (!smm_vmstat_get(s, cp_counters[i], &total))
			continue;
		smm_vmstat_rate(v, cp_counters[i], &d);
		len += snprintf(line + len, sizeof(line) - len, "%s %" PRIu64 " (+%" PRIu64 ")  ",
				cp_labels[i], total, d);
	}
	smm_panel_put(p, row, 0, SMM_C_NORMAL, 0, "%s", len ? line : "no compaction counters");
}

/* A zone's line in batch mode, and its bar. */
static void cp_batch_zone(const struct smmc_zone *z)
{
	unsigned int o = cp_order(z);
	char bar[CP_BATCH_BAR + 1];

	smmc_open_json_object(NULL);
	smmc_print_string(SMMC_PRINT_ANY, "name", "%-8s", z->name);
	smmc_print_u64(SMMC_PRINT_ANY, "runs", " %6" PRIu64, z->compact_runs);
	smmc_print_string(SMMC_PRINT_ANY, "state", " %-8s", cp_state(z));
	smmc_print_uint(SMMC_PRINT_JSON, "index_order", NULL, o);
	if (z->compact_runs) {
		smmc_print_int(SMMC_PRINT_ANY, "order", " %5d", cp_run_order(z));
		smmc_print_u64(SMMC_PRINT_ANY, "migrate_pfn", " %8" PRIu64, z->compact_migrate_pfn);
		smmc_print_u64(SMMC_PRINT_ANY, "free_pfn", " %8" PRIu64, z->compact_free_pfn);
	} else {
		smmc_print_text(" %5s %8s %8s", "-", "-", "-");
	}
	smmc_print_milli(SMMC_PRINT_ANY, "extfrag", " %8s", z->extfrag[o]);
	smmc_print_milli(SMMC_PRINT_ANY, "unusable", " %8s\n", z->unusable[o]);
	cp_bar(bar, CP_BATCH_BAR, z);
	smmc_print_string(SMMC_PRINT_FP, NULL, "  |%s|\n", bar);
	smmc_close_json_object();
}

/*
 * The panel as text, whether shown or not, once the snapshot has the
 * vmstat counters (batch mode fetches them): per zone the run and its
 * bar, then each counter's total and rate.
 */
static void Compaction_batch(struct smm_panel *p, const struct smm_view *v)
{
	const struct smm_snap *s = v->cur;
	unsigned int z, i;

	(void)p;
	if (!s->has_vmstat)
		return;
	smmc_open_json_object("compaction");
	smmc_print_text("\nCOMPACTION:\n%-8s %6s %-8s %5s %8s %8s %8s %8s\n", "COMPACT", "RUNS",
			"STATE", "ORDER", "MIGRATE", "FREE", "EXTFRAG", "UNUSABLE");
	smmc_open_json_array(SMMC_PRINT_JSON, "zones");
	for (z = 0; z < s->nr_zones; z++)
		if (s->zones[z].managed)
			cp_batch_zone(&s->zones[z]);
	smmc_close_json_array(SMMC_PRINT_JSON, NULL);
	smmc_print_text("%-24s %12s %12s\n", "COUNTER", "TOTAL", "PER_SEC");
	smmc_open_json_object("counters");
	for (i = 0; i < CP_NR_COUNTERS; i++)
		smm_batch_counter(v, cp_counters[i], 24);
	smmc_close_json_object();
	smmc_close_json_object();
}

static const struct smm_panel_class Compaction_class = {
	.name		= "Compaction",
	.min_rows	= Compaction_rows,
	.want_rows	= Compaction_want,
	.draw		= Compaction_draw,
	.batch		= Compaction_batch,
};

struct smm_panel *Compaction_new(void)
{
	return smm_panel_new(&Compaction_class, 0);
}
