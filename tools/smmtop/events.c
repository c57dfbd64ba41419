// SPDX-License-Identifier: GPL-2.0
/*
 * Events: the live feed of the "events" multicast group, newest first,
 * as main.c logged it into the view (one line per zone per message:
 * allocation and free counts, failed allocations, watermark crossings;
 * one for slab caches created and destroyed, with the last names; and
 * lost events with the resynchronisation that followed).
 */
#include <curses.h>
#include <stdlib.h>

#include "smmtop.h"

struct Events {
	uint64_t printed;			/* batch: lines already printed */
};

static int Events_rows(const struct smm_panel *p, const struct smm_view *v)
{
	(void)p, (void)v;
	return 2;
}

static int Events_want(const struct smm_panel *p, const struct smm_view *v, int cols)
{
	(void)p, (void)cols;
	return 1 + (v->evlog.len > 8 ? 8 : (v->evlog.len ? v->evlog.len : 1));
}

static void Events_draw(struct smm_panel *p, const struct smm_view *v)
{
	const char *line;
	unsigned int i;
	int row, attr;

	row = smm_panel_title(p, "Events%s", v->replay ? " (none in a replay)" :
			      v->events ? " (aggregated per interval by the module)" :
			      " (not subscribed)");
	if (!v->evlog.len)
		smm_panel_put(p, row, 0, SMM_C_DIM, 0, "  (no events yet: the module sends one "
			      "per interval when something changed)");
	for (i = 0; row < p->rows && (line = smm_evlog_get(&v->evlog, i, &attr)); i++, row++)
		smm_panel_put(p, row, 0, attr, 0, "%s", line);
}

/* The lines logged since the last batch iteration, oldest first. */
static void Events_batch(struct smm_panel *p, const struct smm_view *v)
{
	struct Events *e = p->priv;
	uint64_t n = v->evlog.total - e->printed;
	const char *line;
	int attr;

	if (n > v->evlog.len)
		n = v->evlog.len;
	smmc_print_text("\nEVENTS: %" PRIu64 " new\n", n);
	smmc_open_json_array(SMMC_PRINT_JSON, "events");
	while (n--) {
		line = smm_evlog_get(&v->evlog, n, &attr);
		smmc_print_string(SMMC_PRINT_ANY, NULL, "  %s\n", line);
	}
	smmc_close_json_array(SMMC_PRINT_JSON, NULL);
	e->printed = v->evlog.total;
}

static const struct smm_panel_class Events_class = {
	.name		= "Events",
	.min_rows	= Events_rows,
	.want_rows	= Events_want,
	.draw		= Events_draw,
	.batch		= Events_batch,
};

struct smm_panel *Events_new(void)
{
	return smm_panel_new(&Events_class, sizeof(struct Events));
}
