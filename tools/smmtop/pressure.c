// SPDX-License-Identifier: GPL-2.0
/*
 * Pressure: what reclaim is doing, shown with 'v'. Per zone the five LRU
 * lists (ZONE_GET); per refresh interval the rates of the vmstat counters
 * reclaim moves (pages/s from the deltas between two snapshots), the
 * reclaim efficiency (pages stolen per page scanned, in %, "-" when
 * nothing was scanned), swap use (SWAP_GET) and the OOM kills when the
 * module counts them; then the spaces as a process list, sortable like
 * top's:
 *
 *	Pressure: swap 812/16383 pages (5.0%), oom_kill 0
 *	zone     inact_anon  act_anon inact_file  act_file unevict
 *	Normal         3012       990          0         0       0
 *	scan/s kswapd 1200 direct 0  steal/s kswapd 1100 direct 0  efficiency 92%
 *	allocstall/s 0  pswpin/s 12  pswpout/s 800
 *	      ID    RSS kB   SWAP kB    PTE kB  VMAS
 *
 * '<' and '>' (or 's') step the sort column while the panel has focus,
 * 'I' turns the order around. Numbers sort largest first, IDs smallest.
 * A counter the module does not list (oom_kill before the OOM killer,
 * pswp* in a kernel without swap) is left out, not shown as 0.
 */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "smmtop.h"

enum pr_col { PR_ID, PR_RSS, PR_SWAP, PR_PTE, PR_VMAS, PR_NR_COLS };

static const struct {
	const char *head, *name;		/* name: for -o */
} pr_cols[PR_NR_COLS] = {
	[PR_ID]		= { "ID",		"id" },
	[PR_RSS]	= { "RSS kB",	"rss" },
	[PR_SWAP]	= { "SWAP kB",	"swap" },
	[PR_PTE]	= { "PTE kB",	"pte" },
	[PR_VMAS]	= { "VMAS",		"vmas" },
};

#define PR_COL_W	10	/* each column of the process list */

/* The counters with a rate, in the order shown */
static const char *const pr_counters[] = {
	"pgscan_kswapd", "pgscan_direct", "pgsteal_kswapd", "pgsteal_direct", "allocstall",
	"pswpin", "pswpout", "oom_kill",
};

#define PR_NR_COUNTERS	ARRAY_SIZE(pr_counters)

/* A space's page-table pages: every level's tables. */
static uint64_t pr_tables(const struct smmc_space_info *s)
{
	return smm_sum(s->tables, SMMC_PT_LEVELS);
}

static uint64_t pr_key(const struct smmc_space_info *s, enum pr_col col)
{
	switch (col) {
	case PR_RSS:	return s->rss_anon;
	case PR_SWAP:	return s->swap;
	case PR_PTE:	return pr_tables(s);
	case PR_VMAS:	return s->nr_vmas;
	default:	return s->id;
	}
}

/* Numbers largest first, as top sorts memory; IDs smallest first; ties by ID. */
static int pr_cmp(const void *a, const void *b, const struct smm_sort *t)
{
	const struct smmc_space_info *x = a, *y = b;
	int r = smm_sort_u64(pr_key(x, t->col), pr_key(y, t->col), t->col == PR_ID);

	return r ? r : smm_sort_u64(x->id, y->id, true);
}

static const void *const *Pressure_sort(struct smm_sort *t, const struct smm_snap *s)
{
	return smm_sort_rows(t, s->spaces, s->nr_spaces, sizeof(*s->spaces));
}

/*
 * Reclaim efficiency in tenths of a percent: pages stolen per page
 * scanned, kswapd and direct together, over the interval (@interval) or
 * since the module loaded; -1 when nothing was scanned.
 */
static int64_t pr_efficiency(const struct smm_view *v, bool interval)
{
	static const char *const scan[] = { "pgscan_kswapd", "pgscan_direct" };
	static const char *const steal[] = { "pgsteal_kswapd", "pgsteal_direct" };
	uint64_t sc = 0, st = 0, d;
	unsigned int i;

	for (i = 0; i < 2; i++) {
		if (interval) {
			if (smm_vmstat_rate(v, scan[i], &d) < 0)
				return -1;
			sc += d;
			if (smm_vmstat_rate(v, steal[i], &d) < 0)
				return -1;
			st += d;
		} else {
			if (!smm_vmstat_get(v->cur, scan[i], &d))
				return -1;
			sc += d;
			if (!smm_vmstat_get(v->cur, steal[i], &d))
				return -1;
			st += d;
		}
	}
	return sc ? (int64_t)(st * 1000 / sc) : -1;
}

static char *pr_fmt_eff(char *buf, size_t len, int64_t e)
{
	if (e < 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%" PRId64 ".%" PRId64 "%%", e / 10, e % 10);
	return buf;
}

static char *pr_fmt_rate(char *buf, size_t len, double r)
{
	if (r < 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.0f", r);
	return buf;
}

static uint64_t pr_kb(const struct smm_snap *s, uint64_t pages)
{
	return pages * (s->info.page_size ? s->info.page_size : 4096) / 1024;
}

static unsigned int pr_zones(const struct smm_snap *s)
{
	unsigned int z, n = 0;

	for (z = 0; z < s->nr_zones; z++)
		n += s->zones[z].managed != 0;
	return n;
}

/* title, LRU heading, a row per zone, two rate lines, the list's heading */
static int Pressure_rows(const struct smm_panel *p, const struct smm_view *v)
{
	(void)p;
	return v->pressure_on ? 5 + (int)pr_zones(v->cur) + 1 : 0;
}

static int Pressure_want(const struct smm_panel *p, const struct smm_view *v, int cols)
{
	size_t n = v->cur->nr_spaces;

	(void)cols;
	if (!v->pressure_on)
		return 0;
	return Pressure_rows(p, v) + (int)(n < 40 ? (n ? n : 1) : 40);
}

/* "swap 812/16383 pages (5.0%)", or "swap off" */
static void pr_swap_str(char *buf, size_t len, const struct smm_snap *s)
{
	uint64_t page = s->info.page_size ? s->info.page_size : 4096;
	uint64_t used = s->swap.used / page, total = s->swap.size / page;

	if (!s->has_swap)
		snprintf(buf, len, "swap: no SWAP_GET reply");
	else if (!s->swap.on)
		snprintf(buf, len, "swap off");
	else
		snprintf(buf, len, "swap %" PRIu64 "/%" PRIu64 " pages (%" PRIu64 ".%" PRIu64 "%%)",
			 used, total, total ? used * 1000 / total / 10 : 0,
			 total ? used * 1000 / total % 10 : 0);
}

/* A row of the process list: a space with pages in swap stands out. */
static void pr_draw_space(struct smm_panel *p, int row, const struct smm_snap *s,
			  const struct smmc_space_info *sp)
{
	smm_panel_put(p, row, 0, sp->swap ? SMM_C_WARN : SMM_C_NORMAL, 0,
		      "%*u%*" PRIu64 "%*" PRIu64 "%*" PRIu64 "%*u", PR_COL_W, sp->id,
		      PR_COL_W, pr_kb(s, sp->rss_anon), PR_COL_W, pr_kb(s, sp->swap),
		      PR_COL_W, pr_kb(s, pr_tables(sp)), PR_COL_W, sp->nr_vmas);
}

static void Pressure_draw(struct smm_panel *p, const struct smm_view *v)
{
	const struct smm_snap *s = v->cur;
	struct smm_sort *t = p->priv;
	const void *const *order;
	char sw[96], oom[32] = "", r[4][32], eff[32];
	uint64_t d, kills;
	int row, col, shown, c;
	unsigned int z, i;
	size_t k;

	pr_swap_str(sw, sizeof(sw), s);
	if (smm_vmstat_get(s, "oom_kill", &kills))
		snprintf(oom, sizeof(oom), ", oom_kill %" PRIu64, kills);
	row = smm_panel_title(p, "Pressure: %s%s; spaces sorted by %s%s", sw, oom,
			      pr_cols[t->col].name, t->reverse ? ", reversed" : "");
	if (!s->has_vmstat) {
		smm_panel_put(p, row, 0, SMM_C_DIM, 0, "  (no vmstat counters: %s)", v->replay ?
			      "the capture has none" : "the module sends none");
		return;
	}
	smm_panel_put(p, row++, 0, SMM_C_NORMAL, A_BOLD, "%-8s%11s%10s%11s%10s%8s", "zone",
		      "inact_anon", "act_anon", "inact_file", "act_file", "unevict");
	for (z = 0; z < s->nr_zones; z++) {
		const struct smmc_zone *zn = &s->zones[z];

		if (!zn->managed)
			continue;
		smm_panel_put(p, row++, 0, SMM_C_NORMAL, 0, "%-8s%11" PRIu64 "%10" PRIu64 "%11"
			      PRIu64 "%10" PRIu64 "%8" PRIu64, zn->name, zn->nr_lru[0], zn->nr_lru[1],
			      zn->nr_lru[2], zn->nr_lru[3], zn->nr_lru[4]);
	}
	for (i = 0; i < 4; i++)
		pr_fmt_rate(r[i], sizeof(r[i]), smm_vmstat_rate(v, pr_counters[i], &d));
	pr_fmt_eff(eff, sizeof(eff), pr_efficiency(v, true));
	smm_panel_put(p, row++, 0, SMM_C_NORMAL, 0, "scan/s kswapd %s direct %s  steal/s kswapd %s "
		      "direct %s  efficiency %s", r[0], r[1], r[2], r[3], eff);
	for (i = 0; i < 3; i++)
		pr_fmt_rate(r[i], sizeof(r[i]), smm_vmstat_rate(v, pr_counters[4 + i], &d));
	smm_panel_put(p, row++, 0, SMM_C_NORMAL, 0, "allocstall/s %s  pswpin/s %s  pswpout/s %s",
		      r[0], r[1], r[2]);
	for (c = 0, col = 0; c < PR_NR_COLS; c++, col += PR_COL_W) {
		bool sort = t->col == c;

		smm_panel_put(p, row, col, SMM_C_NORMAL, A_BOLD | (sort ? A_UNDERLINE : 0), "%*s%s",
			      PR_COL_W - sort, pr_cols[c].head, sort ? "*" : "");
	}
	row++;
	order = Pressure_sort(t, s);
	shown = p->rows - row;
	if (!order || shown < 1)
		return;
	for (k = smm_sort_first(t, s->nr_spaces, shown); k < s->nr_spaces && row < p->rows; k++, row++)
		pr_draw_space(p, row, s, order[k]);
}

static int Pressure_key(struct smm_panel *p, struct smm_view *v, int ch)
{
	struct smm_sort *t = p->priv;

	if (!smm_sort_key(t, ch))
		return SMM_KEY_IGNORED;
	snprintf(v->status, sizeof(v->status), "spaces sorted by %s%s", pr_cols[t->col].name,
		 t->reverse ? ", reversed" : "");
	return SMM_KEY_HANDLED | SMM_KEY_REDRAW;
}

static void pr_batch_eff(const char *key, int64_t e, const char *fmt)
{
	if (e < 0)
		smmc_print_string(SMMC_PRINT_FP, NULL, fmt, "-");
	else
		smmc_print_milli(SMMC_PRINT_ANY, key, fmt, e * 100);
}

/* One space in batch mode, in KiB. */
static void pr_batch_space(const struct smm_snap *s, const struct smmc_space_info *sp)
{
	smmc_open_json_object(NULL);
	smmc_print_uint(SMMC_PRINT_ANY, "id", "%8u", sp->id);
	smmc_print_u64(SMMC_PRINT_ANY, "rss_kb", " %10" PRIu64, pr_kb(s, sp->rss_anon));
	smmc_print_u64(SMMC_PRINT_ANY, "swap_kb", " %10" PRIu64, pr_kb(s, sp->swap));
	smmc_print_u64(SMMC_PRINT_ANY, "pte_kb", " %10" PRIu64, pr_kb(s, pr_tables(sp)));
	smmc_print_uint(SMMC_PRINT_ANY, "nr_vmas", " %6u\n", sp->nr_vmas);
	smmc_close_json_object();
}

/*
 * The panel as text, whether shown or not: the LRU lists per zone, each
 * counter's total (as smmctl vmstat prints it) and rate, the reclaim
 * efficiency since the module loaded and over the interval, the swap
 * area, then the spaces in the panel's order.
 */
static void Pressure_batch(struct smm_panel *p, const struct smm_view *v)
{
	const struct smm_snap *s = v->cur;
	struct smm_sort *t = p->priv;
	const void *const *order;
	uint64_t page = s->info.page_size ? s->info.page_size : 4096;
	unsigned int z, i;
	size_t k;

	if (!s->has_vmstat)
		return;
	smmc_open_json_object("pressure");
	smmc_print_text("\nPRESSURE:\n%-8s %13s %13s %13s %13s %13s\n", "LRU", "INACTIVE_ANON",
			"ACTIVE_ANON", "INACTIVE_FILE", "ACTIVE_FILE", "UNEVICTABLE");
	smmc_open_json_array(SMMC_PRINT_JSON, "lru");
	for (z = 0; z < s->nr_zones; z++) {
		const struct smmc_zone *zn = &s->zones[z];

		if (!zn->managed)
			continue;
		smmc_open_json_object(NULL);
		smmc_print_string(SMMC_PRINT_ANY, "name", "%-8s", zn->name);
		for (i = 0; i < SMMC_NR_LRU_LISTS; i++)
			smmc_print_u64(SMMC_PRINT_ANY, smmc_lru_names[i], " %13" PRIu64, zn->nr_lru[i]);
		smmc_print_text("\n");
		smmc_close_json_object();
	}
	smmc_close_json_array(SMMC_PRINT_JSON, NULL);
	smmc_print_text("%-16s %12s %12s\n", "COUNTER", "TOTAL", "PER_SEC");
	smmc_open_json_object("counters");
	for (i = 0; i < PR_NR_COUNTERS; i++)
		smm_batch_counter(v, pr_counters[i], 16);
	smmc_close_json_object();
	smmc_print_text("%-16s", "efficiency_pct");
	pr_batch_eff("efficiency", pr_efficiency(v, false), " %12s");
	pr_batch_eff("efficiency_interval", pr_efficiency(v, true), " %12s\n");
	if (s->has_swap) {
		smmc_print_bool(SMMC_PRINT_JSON, "swap_on", NULL, s->swap.on);
		smmc_print_u64(SMMC_PRINT_ANY, "swap_used", "swap used %" PRIu64, s->swap.used / page);
		smmc_print_u64(SMMC_PRINT_ANY, "swap_total", " total %" PRIu64 " pages\n",
			       s->swap.size / page);
	}
	smmc_close_json_object();
	if (!s->has_spaces)
		return;
	order = Pressure_sort(t, s);
	if (!order)
		return;
	smmc_print_text("\nSPACES: %zu, sorted by %s%s\n", s->nr_spaces, pr_cols[t->col].name,
			t->reverse ? ", reversed" : "");
	smmc_print_text("%8s %10s %10s %10s %6s\n", "ID", "RSS_KB", "SWAP_KB", "PTE_KB", "VMAS");
	smmc_open_json_array(SMMC_PRINT_JSON, "spaces");
	for (k = 0; k < s->nr_spaces; k++)
		pr_batch_space(s, order[k]);
	smmc_close_json_array(SMMC_PRINT_JSON, NULL);
}

static void Pressure_delete(struct smm_panel *p)
{
	struct smm_sort *t = p->priv;

	smm_sort_free(t);
	free(t);
}

static const struct smm_panel_class Pressure_class = {
	.name		= "Pressure",
	.min_rows	= Pressure_rows,
	.want_rows	= Pressure_want,
	.draw		= Pressure_draw,
	.key		= Pressure_key,
	.batch		= Pressure_batch,
	.delete		= Pressure_delete,
	.keys_help	= "  s < > I    pressure: the spaces' next / previous sort column; I reverse",
	.grab_keys	= "<>",
};

/* smmtop -o NAME: the process list sorted by that column; -1 if it is none. */
int Pressure_sort_by(struct smm_panel *p, const char *name)
{
	struct smm_sort *t = p->priv;
	int c;

	for (c = 0; c < PR_NR_COLS; c++) {
		if (!strcmp(pr_cols[c].name, name)) {
			t->col = c;
			return 0;
		}
	}
	return -1;
}

struct smm_panel *Pressure_new(void)
{
	struct smm_panel *p = smm_panel_new(&Pressure_class, sizeof(struct smm_sort));

	if (p)
		*(struct smm_sort *)p->priv = (struct smm_sort){
			.col = PR_RSS, .nr_cols = PR_NR_COLS, .cmp = pr_cmp };
	return p;
}
