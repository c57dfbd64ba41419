// SPDX-License-Identifier: GPL-2.0
/*
 * The screen: panels stacked top to bottom, the header first, a status
 * line at the bottom, the help over everything when asked for.
 *
 * Layout: every visible panel gets its min_rows; what is left goes to the
 * focused panel up to its want_rows, then to the others in order, and
 * what is still left to the last. 'f' shows the focused panel alone.
 * Drawing erases and redraws the whole screen into curses' buffer and
 * refreshes once: curses sends only the cells that changed, so nothing
 * flickers.
 */
#include <curses.h>
#include <string.h>

#include "smmtop.h"

static const char *const smm_help_text[] = {
	"smmtop: the shadow memory manager, live",
	"",
	"  h ?        this help (any key closes it)",
	"  q          quit",
	"  Tab        focus the next panel (BackTab: the previous)",
	"  f          the focused panel alone, or all of them again",
	"  space p    pause / resume the refresh",
	"  < >        refresh interval: shorter / longer (sort column in Slabs)",
	"  r          refresh now",
	"  w          walk an address: [pid] PID ADDR, space ID ADDR, kernel ADDR",
	"  v          the pressure panel: LRU lists, reclaim rates, swap, spaces",
	"  C          the compaction view: scanners on the frame map, rates, fragmentation",
	"  F          the page-cache panel: meminfo's file lines, refaults, the files",
	NULL,
};

/* The compaction view's panels: the header, the compaction panel and the frame map. */
static bool smm_panel_compact(const struct smm_screen *s, unsigned int i)
{
	const char *name = s->panels[i]->cls->name;

	return i == 0 || !strcmp(name, "Compaction") || !strcmp(name, "Frame map");
}

static bool smm_panel_visible(const struct smm_screen *s, unsigned int i)
{
	if (s->compact && !s->zoomed)
		return i == s->focus || smm_panel_compact(s, i);
	return !s->zoomed || i == 0 || i == s->focus;
}

/* Rows 0 .. rows-2: panels; the last row: the status line. */
void smm_screen_layout(struct smm_screen *s, const struct smm_view *v, int rows, int cols)
{
	int want[SMM_MAX_PANELS], got[SMM_MAX_PANELS], left = rows - 1, y = 0;
	unsigned int i, last = 0, order[SMM_MAX_PANELS], n = 0;

	for (i = 0; i < s->nr_panels; i++) {
		struct smm_panel *p = s->panels[i];

		got[i] = 0;
		if (!smm_panel_visible(s, i))
			continue;
		got[i] = p->cls->min_rows(p, v);
		want[i] = p->cls->want_rows(p, v, cols);
		if (s->zoomed && i)
			want[i] = rows;		/* alone: take the screen */
		if (got[i] > left)
			got[i] = left > 0 ? left : 0;
		left -= got[i];
		last = i;
	}
	/* the focused panel first, then the rest in order */
	order[n++] = s->focus;
	for (i = 0; i < s->nr_panels; i++)
		if (i != s->focus)
			order[n++] = i;
	for (i = 0; i < n && left > 0; i++) {
		unsigned int k = order[i];
		int more;

		if (!smm_panel_visible(s, k) || want[k] <= got[k])
			continue;
		more = want[k] - got[k] < left ? want[k] - got[k] : left;
		got[k] += more;
		left -= more;
	}
	if (left > 0)
		got[last] += left;
	for (i = 0; i < s->nr_panels; i++) {
		struct smm_panel *p = s->panels[i];

		p->y = y;
		p->x = 0;
		p->rows = got[i];
		p->cols = cols;
		p->focus = i == s->focus;
		y += got[i];
	}
}

static void smm_screen_status(const struct smm_screen *s, const struct smm_view *v, int rows,
			      int cols)
{
	char buf[256];

	if (s->input)
		snprintf(buf, sizeof(buf), " walk (PID ADDR | space ID ADDR | kernel ADDR; "
			 "Enter, Esc cancels): %s_", s->line);
	else
		snprintf(buf, sizeof(buf), " %s%s  h:help q:quit Tab:focus f:alone space:pause "
			 "<>:interval w:walk v:pressure C:compaction F:files", v->paused ? "[PAUSED] " : "", v->status);
	attrset(smm_attr(SMM_C_TITLE, 0));
	mvhline(rows - 1, 0, ' ', cols);
	mvaddnstr(rows - 1, 0, buf, cols);
	attrset(A_NORMAL);
}

/* A box in the middle listing the keys: the screen's, then each panel's. */
static void smm_screen_help(const struct smm_screen *s, int rows, int cols)
{
	const char *lines[48];
	int n = 0, w = 0, y, x, i;
	unsigned int k;

	for (i = 0; smm_help_text[i]; i++)
		lines[n++] = smm_help_text[i];
	for (k = 0; k < s->nr_panels && n < 46; k++)
		if (s->panels[k]->cls->keys_help)
			lines[n++] = s->panels[k]->cls->keys_help;
	for (i = 0; i < n; i++)
		if ((int)strlen(lines[i]) > w)
			w = strlen(lines[i]);
	w += 4;
	if (w > cols)
		w = cols;
	if (n + 2 > rows)
		n = rows - 2;
	y = (rows - n - 2) / 2;
	x = (cols - w) / 2;
	attrset(A_BOLD);
	for (i = 0; i < n + 2; i++)
		mvhline(y + i, x, ' ', w);
	mvhline(y, x, '-', w);
	mvhline(y + n + 1, x, '-', w);
	for (i = 0; i < n; i++)
		mvaddnstr(y + 1 + i, x + 2, lines[i], w - 3);
	attrset(A_NORMAL);
}

void smm_screen_draw(struct smm_screen *s, const struct smm_view *v)
{
	unsigned int i;

	erase();
	smm_screen_layout(s, v, LINES, COLS);
	for (i = 0; i < s->nr_panels; i++)
		if (s->panels[i]->rows > 0)
			s->panels[i]->cls->draw(s->panels[i], v);
	smm_screen_status(s, v, LINES, COLS);
	if (s->help)
		smm_screen_help(s, LINES, COLS);
	refresh();
}

static const double smm_intervals[] = { 0.25, 0.5, 1, 2, 3, 5, 10 };

static int smm_screen_interval(struct smm_view *v, int dir)
{
	int i, n = ARRAY_SIZE(smm_intervals);

	for (i = 0; i < n - 1 && smm_intervals[i] < v->interval; i++)
		;
	i += dir;
	v->interval = smm_intervals[i < 0 ? 0 : i >= n ? n - 1 : i];
	snprintf(v->status, sizeof(v->status), "interval %.2f s", v->interval);
	return SMM_KEY_HANDLED | SMM_KEY_REDRAW;
}

/*
 * The next panel from the focused one in @dir that has rows to show (Walk
 * may not), among the compaction view's while it is on.
 */
static unsigned int smm_screen_next(struct smm_screen *s, const struct smm_view *v, int dir)
{
	unsigned int i = s->focus, n;

	for (n = 0; n < s->nr_panels; n++) {
		i = (i + s->nr_panels + dir) % s->nr_panels;
		if (s->compact && !smm_panel_compact(s, i))
			continue;
		if (s->panels[i]->cls->min_rows(s->panels[i], v) > 0)
			break;
	}
	return i;
}

/*
 * The walk's input line: printable characters are typed, Backspace
 * erases, Enter closes the line and asks the view for the walk, showing
 * its panel alone ('f' shows the others again), Esc closes it and changes nothing. A line that does not
 * parse changes nothing either; the status line says why.
 */
static int smm_screen_input(struct smm_screen *s, struct smm_view *v, int ch)
{
	size_t len = strlen(s->line);
	struct smmc_pt_req req;
	unsigned int i;

	switch (ch) {
	case 27:
		s->input = false;
		return SMM_KEY_HANDLED | SMM_KEY_REDRAW;
	case KEY_BACKSPACE:
	case 127:
	case 8:
		if (len)
			s->line[len - 1] = '\0';
		return SMM_KEY_HANDLED | SMM_KEY_REDRAW;
	case '\r':
	case '\n':
	case KEY_ENTER:
		s->input = false;
		if (smm_walk_parse(s->line, &req, v->status, sizeof(v->status)))
			return SMM_KEY_HANDLED | SMM_KEY_REDRAW;
		v->walk = req;
		v->walk_on = true;
		/* alone with the header: every level fits even at 80x24 */
		for (i = 0; i < s->nr_panels; i++)
			if (!strcmp(s->panels[i]->cls->name, "Walk"))
				s->focus = i;
		s->zoomed = true;
		return SMM_KEY_HANDLED | SMM_KEY_REDRAW | SMM_KEY_REFETCH;
	}
	if (ch >= ' ' && ch < 127 && len < sizeof(s->line) - 1) {
		s->line[len] = ch;
		s->line[len + 1] = '\0';
	}
	return SMM_KEY_HANDLED | SMM_KEY_REDRAW;
}

/*
 * 'v': show the pressure panel, focused and alone under the header (so
 * its zones and spaces fit at 80x24; 'f' shows the others too), or hide
 * it and give its focus to the next panel that has rows.
 */
static int smm_screen_pressure(struct smm_screen *s, struct smm_view *v)
{
	unsigned int i;

	v->pressure_on = !v->pressure_on;
	s->zoomed = v->pressure_on;
	for (i = 0; i < s->nr_panels; i++) {
		if (strcmp(s->panels[i]->cls->name, "Pressure"))
			continue;
		if (v->pressure_on)
			s->focus = i;
		else if (s->focus == i)
			s->focus = smm_screen_next(s, v, 1);
	}
	/* its counters are fetched only while it is shown: fetch them now */
	return SMM_KEY_HANDLED | SMM_KEY_REDRAW | (v->pressure_on ? SMM_KEY_REFETCH : 0);
}

/*
 * 'F': show the page-cache panel, focused and alone under the header (so
 * its files fit at 80x24; 'f' shows the others too), or hide it and give
 * its focus to the next panel that has rows. The pressure view gives
 * way to it, and it to the pressure view.
 */
static int smm_screen_pagecache(struct smm_screen *s, struct smm_view *v)
{
	unsigned int i;

	v->pagecache_on = !v->pagecache_on;
	s->zoomed = v->pagecache_on;
	if (v->pagecache_on)
		v->pressure_on = false;
	for (i = 0; i < s->nr_panels; i++) {
		if (strcmp(s->panels[i]->cls->name, "Page cache"))
			continue;
		if (v->pagecache_on)
			s->focus = i;
		else if (s->focus == i)
			s->focus = smm_screen_next(s, v, 1);
	}
	/* its files and counters are fetched only while it is shown: fetch them now */
	return SMM_KEY_HANDLED | SMM_KEY_REDRAW | (v->pagecache_on ? SMM_KEY_REFETCH : 0);
}

/*
 * 'C': the compaction view, the compaction panel focused above the frame
 * map (whose scanner cells it marks) under the header, the other panels
 * hidden ('f' shows the compaction panel alone); again: all panels back.
 * The pressure view gives way to it.
 */
static int smm_screen_compact(struct smm_screen *s, struct smm_view *v)
{
	unsigned int i;

	v->compact_on = !v->compact_on;
	s->compact = v->compact_on;
	s->zoomed = false;
	if (v->compact_on)
		v->pressure_on = false;
	for (i = 0; i < s->nr_panels; i++) {
		if (strcmp(s->panels[i]->cls->name, "Compaction"))
			continue;
		if (v->compact_on)
			s->focus = i;
		else if (s->focus == i)
			s->focus = smm_screen_next(s, v, 1);
	}
	/* its counters are fetched only while it is shown: fetch them now */
	return SMM_KEY_HANDLED | SMM_KEY_REDRAW | (v->compact_on ? SMM_KEY_REFETCH : 0);
}

/* The screen's keys first, then the focused panel's. */
int smm_screen_key(struct smm_screen *s, struct smm_view *v, int ch)
{
	struct smm_panel *p = s->panels[s->focus];
	int flags;

	if (s->input)
		return smm_screen_input(s, v, ch);
	if (s->help) {
		s->help = false;
		return ch == 'q' ? SMM_KEY_QUIT : SMM_KEY_HANDLED | SMM_KEY_REDRAW;
	}
	if (p->cls->grab_keys && ch > 0 && ch < 256 && strchr(p->cls->grab_keys, ch))
		return p->cls->key(p, v, ch);
	switch (ch) {
	case 'q':
		return SMM_KEY_QUIT;
	case 'h':
	case '?':
		s->help = true;
		return SMM_KEY_HANDLED | SMM_KEY_REDRAW;
	case '\t':
		s->focus = smm_screen_next(s, v, 1);
		return SMM_KEY_HANDLED | SMM_KEY_REDRAW;
	case KEY_BTAB:
		s->focus = smm_screen_next(s, v, -1);
		return SMM_KEY_HANDLED | SMM_KEY_REDRAW;
	case 'w':
		s->input = true;
		s->line[0] = '\0';
		return SMM_KEY_HANDLED | SMM_KEY_REDRAW;
	case 'f':
		s->zoomed = !s->zoomed;
		return SMM_KEY_HANDLED | SMM_KEY_REDRAW;
	case 'v':
		if (v->compact_on)
			smm_screen_compact(s, v);
		v->pagecache_on = false;
		return smm_screen_pressure(s, v);
	case 'C':
		v->pagecache_on = false;
		return smm_screen_compact(s, v);
	case 'F':
		if (v->compact_on)
			smm_screen_compact(s, v);
		return smm_screen_pagecache(s, v);
	case ' ':
	case 'p':
		v->paused = !v->paused;
		return SMM_KEY_HANDLED | SMM_KEY_REDRAW;
	case '<':
		return smm_screen_interval(v, -1);
	case '>':
		return smm_screen_interval(v, 1);
	case 'r':
		return SMM_KEY_HANDLED | SMM_KEY_REFETCH;
	case KEY_RESIZE:
		return SMM_KEY_HANDLED | SMM_KEY_REDRAW;
	}
	if (!p->cls->key)
		return SMM_KEY_IGNORED;
	flags = p->cls->key(p, v, ch);
	/* a panel that has nothing left to show (a closed walk) gives up focus */
	if (!p->cls->min_rows(p, v)) {
		s->focus = smm_screen_next(s, v, 1);
		s->zoomed = false;
	}
	return flags;
}

/* Batch mode: each panel that has a text form, in screen order. */
void smm_screen_batch(struct smm_screen *s, const struct smm_view *v)
{
	unsigned int i;

	for (i = 0; i < s->nr_panels; i++)
		if (s->panels[i]->cls->batch)
			s->panels[i]->cls->batch(s->panels[i], v);
}
