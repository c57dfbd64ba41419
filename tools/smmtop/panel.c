// SPDX-License-Identifier: GPL-2.0
/*
 * What every panel shares: construction, colours, and drawing clipped to
 * the panel's rectangle, so a panel never writes outside it whatever the
 * terminal's size.
 */
#include <curses.h>
#include <stdarg.h>
#include <stdlib.h>

#include "smmtop.h"

bool smm_use_color;

/* Ten levels, darkest last: bars and sparklines a vt100 can show. */
const char smm_levels[] = " .:-=+*#%@";

/* @v of @max as one of the levels; any v > 0 shows at least the second. */
char smm_level_char(uint64_t v, uint64_t max)
{
	unsigned int n = sizeof(smm_levels) - 2, i;

	if (!v || !max)
		return smm_levels[0];
	i = 1 + (v >= max ? n - 1 : (unsigned int)(v * (n - 1) / max));
	return smm_levels[i > n ? n : i];
}

/* A panel of @cls with @priv_size zeroed bytes of its own (none for 0). */
struct smm_panel *smm_panel_new(const struct smm_panel_class *cls, size_t priv_size)
{
	struct smm_panel *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->cls = cls;
	if (priv_size) {
		p->priv = calloc(1, priv_size);
		if (!p->priv) {
			free(p);
			return NULL;
		}
	}
	return p;
}

void smm_panel_delete(struct smm_panel *p)
{
	if (!p)
		return;
	if (p->cls->delete)
		p->cls->delete(p);
	else
		free(p->priv);
	free(p);
}

void smm_colors_init(bool mono)
{
	static const short pairs[SMM_C_CNT][2] = {
		[SMM_C_TITLE]	= { COLOR_BLACK, COLOR_CYAN },
		[SMM_C_OK]	= { COLOR_GREEN, -1 },
		[SMM_C_WARN]	= { COLOR_YELLOW, -1 },
		[SMM_C_BAD]	= { COLOR_RED, -1 },
		[SMM_C_FREE]	= { COLOR_GREEN, -1 },
		[SMM_C_PCP]	= { COLOR_CYAN, -1 },
		[SMM_C_PAGE]	= { COLOR_RED, -1 },
		[SMM_C_SLAB]	= { COLOR_MAGENTA, -1 },
		[SMM_C_PGTABLE]	= { COLOR_YELLOW, -1 },
		[SMM_C_SPACE]	= { COLOR_BLUE, -1 },
		[SMM_C_HOLE]	= { COLOR_WHITE, -1 },
		[SMM_C_DIM]	= { COLOR_BLUE, -1 },
		[SMM_C_ANON]	= { COLOR_BLACK, COLOR_BLUE },
		[SMM_C_SHARED]	= { COLOR_BLACK, COLOR_MAGENTA },
		[SMM_C_FILE]	= { COLOR_BLACK, COLOR_GREEN },
		[SMM_C_DIRTY]	= { COLOR_BLACK, COLOR_RED },
	};
	int i;

	smm_use_color = !mono && has_colors() && start_color() == OK;
	if (!smm_use_color)
		return;
	use_default_colors();
	for (i = 1; i < SMM_C_CNT; i++)
		init_pair(i, pairs[i][0], pairs[i][1]);
}

/* Colour @color where there is colour; the attribute alone otherwise. */
int smm_attr(int color, int attr)
{
	if (color == SMM_C_TITLE && !smm_use_color)
		return attr | A_REVERSE;
	return attr | (smm_use_color && color ? COLOR_PAIR(color) : 0);
}

/* Text at (@row, @col) of the panel, cut at its right edge. */
void smm_panel_put(struct smm_panel *p, int row, int col, int color, int attr, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (row < 0 || row >= p->rows || col < 0 || col >= p->cols)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	attrset(smm_attr(color, attr));
	mvaddnstr(p->y + row, p->x + col, buf, p->cols - col);
	attrset(A_NORMAL);
}

void smm_panel_putc(struct smm_panel *p, int row, int col, int color, int attr, char c)
{
	if (row < 0 || row >= p->rows || col < 0 || col >= p->cols)
		return;
	mvaddch(p->y + row, p->x + col, (chtype)(unsigned char)c | smm_attr(color, attr));
}

/*
 * The title line across the panel: "> Title" reversed (or coloured) when
 * focused, "  Title" in bold otherwise, so focus reads without colour.
 * Returns the first row below it.
 */
int smm_panel_title(struct smm_panel *p, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	buf[0] = p->focus ? '>' : ' ';
	buf[1] = ' ';
	va_start(ap, fmt);
	vsnprintf(buf + 2, sizeof(buf) - 2, fmt, ap);
	va_end(ap);
	attrset(p->focus ? smm_attr(SMM_C_TITLE, A_BOLD) : (int)A_BOLD);
	mvhline(p->y, p->x, ' ', p->cols);
	mvaddnstr(p->y, p->x, buf, p->cols);
	attrset(A_NORMAL);
	return 1;
}
