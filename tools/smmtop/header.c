// SPDX-License-Identifier: GPL-2.0
/* The header: what is managed, by which module, and the totals. */
#include <curses.h>

#include "smmtop.h"

struct smm_totals {
	uint64_t managed, free, pcp, used;
};

static void smm_totals(const struct smm_snap *s, struct smm_totals *t)
{
	unsigned int z;

	*t = (struct smm_totals){ 0 };
	for (z = 0; z < s->nr_zones; z++) {
		t->managed += s->zones[z].managed;
		t->free += s->zones[z].free;
		t->pcp += s->zones[z].pcp;
	}
	t->used = t->managed - t->free - t->pcp;
}

static int Header_rows(const struct smm_panel *p, const struct smm_view *v)
{
	(void)p, (void)v;
	return 3;
}

static int Header_want(const struct smm_panel *p, const struct smm_view *v, int cols)
{
	(void)cols;
	return Header_rows(p, v);
}

static void Header_draw(struct smm_panel *p, const struct smm_view *v)
{
	const struct smmc_info *i = &v->cur->info;
	uint64_t page = i->page_size ? i->page_size : 4096;
	char size[32], fb[32], ub[32], base[32] = "", span[40] = "";
	struct smm_totals t;

	smm_totals(v->cur, &t);
	if (i->span_frames != i->nr_frames)
		snprintf(span, sizeof(span), " (span %" PRIu64 ")", i->span_frames);
	if (i->has_base)
		snprintf(base, sizeof(base), " at %#" PRIx64, i->base);
	smm_panel_put(p, 0, 0, SMM_C_NORMAL, A_BOLD, "smmtop - shadowmm %s on %s%s",
		      i->version, i->kernel, v->replay ? " (replay)" : "");
	smm_panel_put(p, 0, p->cols - 18, SMM_C_NORMAL, 0, "refresh %6.2f s", v->interval);
	smm_panel_put(p, 1, 0, SMM_C_NORMAL, 0,
		      "Range: %s %s%s, %" PRIu64 " frames of %u B%s, %u section%s",
		      smmc_fmt_bytes(size, sizeof(size), i->size), smmc_mode_name(i->mode), base,
		      i->nr_frames, i->page_size, span, i->nr_sections,
		      i->nr_sections == 1 ? "" : "s");
	smm_panel_put(p, 2, 0, SMM_C_NORMAL, 0,
		      "Frames: %" PRIu64 " managed, %" PRIu64 " free (%s), %" PRIu64 " pcp, %"
		      PRIu64 " used (%s)", t.managed, t.free,
		      smmc_fmt_bytes(fb, sizeof(fb), (t.free + t.pcp) * page), t.pcp, t.used,
		      smmc_fmt_bytes(ub, sizeof(ub), t.used * page));
}

static void Header_batch(struct smm_panel *p, const struct smm_view *v)
{
	const struct smmc_info *i = &v->cur->info;
	struct smm_totals t;

	(void)p;
	smm_totals(v->cur, &t);
	smmc_print_string(SMMC_PRINT_ANY, "version", "smmtop - shadowmm %s", i->version);
	smmc_print_string(SMMC_PRINT_ANY, "kernel", " on %s", i->kernel);
	smmc_print_milli(SMMC_PRINT_ANY, "interval", ", refresh %s s\n", (int64_t)(v->interval * 1000));
	smmc_print_u64(SMMC_PRINT_ANY, "size", "Range: %" PRIu64 " bytes", i->size);
	smmc_print_string(SMMC_PRINT_ANY, "mode", " %s", smmc_mode_name(i->mode));
	if (i->has_base)
		smmc_print_u64(SMMC_PRINT_ANY, "base", " at 0x%" PRIx64, i->base);
	smmc_print_u64(SMMC_PRINT_ANY, "nr_frames", ", %" PRIu64 " frames", i->nr_frames);
	smmc_print_uint(SMMC_PRINT_ANY, "page_size", " of %u B", i->page_size);
	smmc_print_u64(SMMC_PRINT_ANY, "span_frames", ", span %" PRIu64, i->span_frames);
	smmc_print_uint(SMMC_PRINT_ANY, "nr_sections", ", %u sections\n", i->nr_sections);
	smmc_print_u64(SMMC_PRINT_ANY, "managed", "Frames: %" PRIu64 " managed", t.managed);
	smmc_print_u64(SMMC_PRINT_ANY, "free", ", %" PRIu64 " free", t.free);
	smmc_print_u64(SMMC_PRINT_ANY, "pcp", ", %" PRIu64 " pcp", t.pcp);
	smmc_print_u64(SMMC_PRINT_ANY, "used", ", %" PRIu64 " used\n", t.used);
}

static const struct smm_panel_class Header_class = {
	.name		= "Header",
	.min_rows	= Header_rows,
	.want_rows	= Header_want,
	.draw		= Header_draw,
	.batch		= Header_batch,
};

struct smm_panel *Header_new(void)
{
	return smm_panel_new(&Header_class, 0);
}
