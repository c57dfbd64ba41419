// SPDX-License-Identifier: GPL-2.0
/*
 * Walk: every level of one address's translation, as smmctl pt walk
 * prints it, refreshed with the rest of the view:
 *
 *	> Walk: pid 812 0x00007ffd3a2b1000: page 4 KiB, frame 0x1a2b3
 *	  PGD  255  0x000000001234e067  present write user accessed dirty
 *	  P4D       folded into the PGD (4-level paging)
 *	  ...
 *
 * 'w' opens a one-line prompt at the bottom (htop's F3 search, screen.c)
 * taking "PID ADDR", "pid PID ADDR", "space ID ADDR" or "kernel ADDR";
 * Enter walks it, Esc cancels; Esc in the focused panel closes it. Raw
 * entries and frames come to CAP_SYS_ADMIN only, as in smmctl. The panel
 * takes no room until a walk is asked for; smmtop -w asks at start (and
 * is how batch mode prints one).
 */
#include <curses.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "smmtop.h"

/* A number, hex with 0x; false if it is not one or out of [@min, @max]. */
static bool walk_number(const char *s, uint64_t min, uint64_t max, uint64_t *v)
{
	char *end;

	if (!s || *s == '-')
		return false;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return !errno && end != s && !*end && *v >= min && *v <= max;
}

/*
 * The prompt's text into @req; -EINVAL with @err saying what is wrong.
 * Nothing in @req changes on failure.
 */
int smm_walk_parse(const char *line, struct smmc_pt_req *req, char *err, size_t len)
{
	char buf[64], *w[4], *save = NULL;
	struct smmc_pt_req r = { 0 };
	unsigned int n = 0, a;
	uint64_t id;

	snprintf(buf, sizeof(buf), "%s", line);
	for (w[n] = strtok_r(buf, " \t", &save); w[n] && n < 3; w[++n] = strtok_r(NULL, " \t", &save))
		;
	if (n == 2 && !strcmp(w[0], "kernel")) {
		r.target = SMMC_PT_TARGET_KERNEL;
	} else if (n == 3 && (!strcmp(w[0], "pid") || !strcmp(w[0], "space"))) {
		if (!walk_number(w[1], 1, UINT32_MAX, &id)) {
			snprintf(err, len, "invalid %s \"%.20s\"", w[0], w[1]);
			return -EINVAL;
		}
		r.target = w[0][0] == 'p' ? SMMC_PT_TARGET_PID : SMMC_PT_TARGET_SPACE;
		r.id = id;
	} else if (n == 2) {
		if (!walk_number(w[0], 1, UINT32_MAX, &id)) {
			snprintf(err, len, "invalid pid \"%.20s\"", w[0]);
			return -EINVAL;
		}
		r.target = SMMC_PT_TARGET_PID;
		r.id = id;
	} else {
		snprintf(err, len, "walk wants PID ADDR, pid PID ADDR, space ID ADDR or kernel ADDR");
		return -EINVAL;
	}
	a = n - 1;
	if (!walk_number(w[a], 0, UINT64_MAX, &r.addr)) {
		snprintf(err, len, "invalid address \"%.24s\"", w[a]);
		return -EINVAL;
	}
	*req = r;
	return 0;
}

/* Every level or nothing: a walk cut short would read as a shallower one. */
static int Walk_rows(const struct smm_panel *p, const struct smm_view *v)
{
	(void)p;
	if (!v->walk_on)
		return 0;
	return 1 + (v->cur->walk_ret ? 1 : (int)v->cur->walk.nr);
}

static int Walk_want(const struct smm_panel *p, const struct smm_view *v, int cols)
{
	(void)cols;
	return Walk_rows(p, v);
}

/* "pid 812 0x00007ffd3a2b1000": what was asked for. */
static char *Walk_what(const struct smmc_pt_req *r, char *buf, size_t len)
{
	if (r->target == SMMC_PT_TARGET_KERNEL)
		snprintf(buf, len, "kernel 0x%016" PRIx64, r->addr);
	else
		snprintf(buf, len, "%s %u 0x%016" PRIx64, r->target == SMMC_PT_TARGET_PID ?
			 "pid" : "space", r->id, r->addr);
	return buf;
}

/*
 * What the last level maps: "page 4 KiB, frame 0x1a2b3", "hole 2 MiB",
 * "hole 1 GiB, outside every VMA".
 */
static char *Walk_result(const struct smmc_pt_step *st, char *buf, size_t len)
{
	char size[32];
	int n;

	n = snprintf(buf, len, "%s %s", smmc_pt_kind_names[st->kind],
		     smmc_fmt_bytes(size, sizeof(size), st->size));
	if (st->kind == SHADOWMM_PT_PAGE && st->has_pfn && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - n, ", frame %#" PRIx64 "%s", st->pfn,
			 st->in_shadow ? " (shadowmm's)" : "");
	else if (st->kind == SHADOWMM_PT_SWAP && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - n, ", swap type %u offset %#" PRIx64, st->swap_type,
			 st->swap_offset);
	else if (st->no_vma && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - n, ", outside every VMA");
	return buf;
}

static void Walk_level(struct smm_panel *p, int row, const struct smmc_pt_level *l)
{
	char flags[160] = "";
	unsigned int i;
	size_t n = 0;

	if (l->folded) {
		smm_panel_put(p, row, 0, SMM_C_DIM, 0, "  %-4s      folded into the PGD (4-level "
			      "paging)", smmc_pt_level_names[l->level]);
		return;
	}
	for (i = 0; i < SMMC_PTF_BITS && n < sizeof(flags); i++)
		if (l->flags & (1U << i))
			n += snprintf(flags + n, sizeof(flags) - n, " %s", smmc_ptf_names[i]);
	if (l->has_entry)
		smm_panel_put(p, row, 0, SMM_C_NORMAL, 0, "  %-4s %3u  0x%016" PRIx64 " %s",
			      smmc_pt_level_names[l->level], l->index, l->entry, flags);
	else
		smm_panel_put(p, row, 0, SMM_C_NORMAL, 0, "  %-4s %3u %s",
			      smmc_pt_level_names[l->level], l->index, flags);
}

static void Walk_draw(struct smm_panel *p, const struct smm_view *v)
{
	const struct smm_snap *s = v->cur;
	char what[64], res[128];
	unsigned int i;
	int row;

	if (s->walk_ret) {
		row = smm_panel_title(p, "Walk: %s (Esc closes)", Walk_what(&v->walk, what,
				      sizeof(what)));
		smm_panel_put(p, row, 0, SMM_C_BAD, 0, "  cannot walk: %s", s->walk_err);
		return;
	}
	row = smm_panel_title(p, "Walk: %s: %s (Esc closes)", Walk_what(&v->walk, what,
			      sizeof(what)), Walk_result(&s->walk, res, sizeof(res)));
	for (i = 0; i < s->walk.nr && row < p->rows; i++, row++)
		Walk_level(p, row, &s->walk.lv[i]);
}

static int Walk_key(struct smm_panel *p, struct smm_view *v, int ch)
{
	(void)p;
	if (ch != 27 || !v->walk_on)
		return SMM_KEY_IGNORED;
	v->walk_on = false;
	snprintf(v->status, sizeof(v->status), "walk closed");
	return SMM_KEY_HANDLED | SMM_KEY_REDRAW;
}

/*
 * smmtop -b -w WHAT: the walk as smmctl pt walk prints it, under a title
 * naming what was asked; in JSON a "walk" array of the one step, as
 * smmctl's "steps", or "walk_error".
 */
static void Walk_batch(struct smm_panel *p, const struct smm_view *v)
{
	const struct smm_snap *s = v->cur;
	char what[64];

	(void)p;
	if (!v->walk_on)
		return;
	smmc_print_text("\nWALK: %s\n", Walk_what(&v->walk, what, sizeof(what)));
	if (s->walk_ret) {
		smmc_print_string(SMMC_PRINT_ANY, "walk_error", "cannot walk: %s\n", s->walk_err);
		return;
	}
	smmc_open_json_array(SMMC_PRINT_JSON, "walk");
	smmc_pt_print_step(&s->walk);
	smmc_close_json_array(SMMC_PRINT_JSON, NULL);
}

static const struct smm_panel_class Walk_class = {
	.name		= "Walk",
	.min_rows	= Walk_rows,
	.want_rows	= Walk_want,
	.draw		= Walk_draw,
	.key		= Walk_key,
	.batch		= Walk_batch,
	.keys_help	= "  Esc        walk: close it (while focused); cancel its input line",
};

struct smm_panel *Walk_new(void)
{
	return smm_panel_new(&Walk_class, 0);
}
