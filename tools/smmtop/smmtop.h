/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smmtop: the live dashboard of the shadow memory manager.
 *
 * Every refresh fetches one snapshot (snapshot.c: INFO_GET, ZONE_GET,
 * FRAME_GET, CACHE_GET, VMSTAT_GET, SWAP_GET, FILE_GET, SPACE_GET, and PT_WALK when
 * a walk is asked for, through the client library, or from a capture being
 * replayed) into a struct smm_view, and every panel draws from that view
 * alone; no panel talks to the kernel.
 *
 * Panels are small classes, after htop's Panel: a struct smm_panel_class
 * of function pointers per kind of panel (header, zones, free area,
 * frame map, slabs, pressure, walk, events, compaction, page cache), instances made by Type_new(), drawn into the
 * rectangle the layout gives them, handed the keys while focused (their
 * handler returns SMM_KEY_* flags), and printed as plain text in batch
 * mode. Documentation/smmtop.md says how to add one.
 */
#ifndef _SMMTOP_H
#define _SMMTOP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../lib/libsmm.h"
#include "../lib/json_print.h"

/* ---- the snapshot of one refresh (snapshot.c) ---- */

struct smm_snap {
	double time;				/* seconds, monotonic (or replayed) */
	struct smmc_info info;
	struct smmc_zone zones[SMMC_NR_ZONES];
	unsigned int nr_zones;
	struct smmc_run *runs;			/* the frame map, whole range, in order */
	size_t nr_runs, runs_cap;
	bool runs_mixed;			/* the map changed during every dump tried */
	struct smmc_cache *caches;		/* the slab caches, as CACHE_GET lists them */
	size_t nr_caches;
	bool has_caches;			/* false: a capture made before caches existed */
	struct smmc_vmstat *vmstat;		/* the counters, as VMSTAT_GET lists them */
	size_t nr_vmstat;
	bool has_vmstat;			/* false: a capture (or module) without them */
	struct smmc_swap swap;
	bool has_swap;
	struct smmc_space_info *spaces;		/* the spaces, as SPACE_GET dumps them */
	size_t nr_spaces;
	bool has_spaces;
	struct smmc_file *files;		/* the open files, as FILE_GET dumps them */
	size_t nr_files;
	bool has_files;				/* false: see files_why */
	char files_why[64];			/* why there is no FILE_GET reply */
	struct smmc_pt_step walk;		/* the view's walk, when it asks for one */
	int walk_ret;				/* 0, or why the walk failed: walk_err */
	char walk_err[128];
};

#define SMM_HIST_LEN	240			/* fragmentation samples kept per zone */
#define SMM_EVLOG_LEN	128			/* event lines kept */

/* A zone's fragmentation over time: the unusable index at pageblock order. */
struct smm_history {
	int16_t v[SMMC_NR_ZONES][SMM_HIST_LEN];	/* thousandths, ring */
	unsigned int head, len;
};

struct smm_evlog {
	char line[SMM_EVLOG_LEN][96];
	int attr[SMM_EVLOG_LEN];		/* SMM_C_* colour pair of the line */
	unsigned int head, len;
	uint64_t total;				/* lines ever added */
	uint64_t last_seq;			/* of the last event seen, 0: none */
};

/* Everything the panels draw from. */
struct smm_view {
	struct smm_snap snaps[2];
	struct smm_snap *cur, *prev;		/* prev: NULL before the second refresh */
	struct smm_history hist;
	struct smm_evlog evlog;
	double interval;			/* seconds between refreshes */
	bool paused, replay, color, events;	/* events: subscribed to the group */
	unsigned int refreshes;
	char status[128];			/* the bottom line's message, "" if none */
	struct smmc_pt_req walk;			/* walked each refresh when walk_on */
	bool walk_on;
	bool pressure_on;			/* the pressure panel is shown ('v') */
	bool pressure_always;			/* batch mode: its counters every refresh */
	bool compact_on;			/* the compaction view is shown ('C') */
	bool pagecache_on;			/* the page-cache panel is shown ('F') */
};

int smm_snap_fetch(struct smmc_nl *nl, struct smm_snap *s, bool pressure);
void smm_snap_free(struct smm_snap *s);
void smm_view_init(struct smm_view *v, double interval);
int smm_view_refresh(struct smm_view *v, struct smmc_nl *nl);
void smm_view_free(struct smm_view *v);
int smm_hist_get(const struct smm_history *h, unsigned int zone, unsigned int back);
void smm_evlog_add(struct smm_evlog *l, int attr, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
const char *smm_evlog_get(const struct smm_evlog *l, unsigned int back, int *attr);
uint64_t smm_sum(const uint64_t *v, unsigned int n);
char *smm_fmt_count(char *buf, size_t len, uint64_t n, unsigned int width);

/* ---- panels (panel.c and one file per kind) ---- */

/* What a key handler did: flags. */
enum {
	SMM_KEY_IGNORED	= 0,
	SMM_KEY_HANDLED	= 1 << 0,	/* the key was this panel's */
	SMM_KEY_REDRAW	= 1 << 1,	/* draw again without fetching */
	SMM_KEY_REFETCH	= 1 << 2,	/* fetch a new snapshot now */
	SMM_KEY_QUIT	= 1 << 3,
};

/* Colour pairs; monochrome terminals get the attribute alone. */
enum {
	SMM_C_NORMAL,
	SMM_C_TITLE,
	SMM_C_OK,
	SMM_C_WARN,
	SMM_C_BAD,
	SMM_C_FREE,
	SMM_C_PCP,
	SMM_C_PAGE,
	SMM_C_SLAB,
	SMM_C_PGTABLE,
	SMM_C_SPACE,
	SMM_C_HOLE,
	SMM_C_DIM,
	SMM_C_ANON,		/* the frame map's marked pages (framemap.c) */
	SMM_C_SHARED,
	SMM_C_FILE,
	SMM_C_DIRTY,
	SMM_C_CNT
};

struct smm_panel;

struct smm_panel_class {
	const char *name;			/* the title */
	/* rows wanted: at least min_rows, more up to want_rows when room */
	int (*min_rows)(const struct smm_panel *p, const struct smm_view *v);
	int (*want_rows)(const struct smm_panel *p, const struct smm_view *v, int cols);
	void (*draw)(struct smm_panel *p, const struct smm_view *v);
	int (*key)(struct smm_panel *p, struct smm_view *v, int ch);	/* optional */
	void (*batch)(struct smm_panel *p, const struct smm_view *v);	/* optional */
	void (*delete)(struct smm_panel *p);				/* optional */
	const char *keys_help;			/* its keys, for the help screen */
	const char *grab_keys;			/* keys it takes before the screen while focused */
};

struct smm_panel {
	const struct smm_panel_class *cls;
	int y, x, rows, cols;			/* where the layout put it; rows 0: hidden */
	bool focus;
	void *priv;				/* the kind's own state */
};

struct smm_panel *smm_panel_new(const struct smm_panel_class *cls, size_t priv_size);
void smm_panel_delete(struct smm_panel *p);
int smm_panel_title(struct smm_panel *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void smm_panel_put(struct smm_panel *p, int row, int col, int color, int attr, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
void smm_panel_putc(struct smm_panel *p, int row, int col, int color, int attr, char c);
int smm_attr(int color, int attr);
extern bool smm_use_color;

/* A sortable table's state (sort.c): pressure's spaces, page cache's files, slabs. */
struct smm_sort {
	int col;				/* the sort column */
	int nr_cols;
	bool reverse;
	unsigned int top;			/* the first row shown, when scrolled */
	/* two rows by column t->col: < 0 when @x goes first, before the reversal */
	int (*cmp)(const void *x, const void *y, const struct smm_sort *t);
	const void *ctx;			/* for cmp: the table's own */
	const void **order;
	size_t order_cap;
};

const void *const *smm_sort_rows(struct smm_sort *t, const void *rows, size_t nr, size_t size);
bool smm_sort_key(struct smm_sort *t, int ch);
size_t smm_sort_first(struct smm_sort *t, size_t nr, int shown);
int smm_sort_u64(uint64_t x, uint64_t y, bool asc);
void smm_sort_free(struct smm_sort *t);

struct smm_panel *Header_new(void);
struct smm_panel *Zones_new(void);
struct smm_panel *FreeArea_new(void);
struct smm_panel *FrameMap_new(void);
struct smm_panel *Slabs_new(void);
int Slabs_sort_by(struct smm_panel *p, int key);
struct smm_panel *Pressure_new(void);
int Pressure_sort_by(struct smm_panel *p, const char *name);
bool smm_vmstat_get(const struct smm_snap *s, const char *name, uint64_t *v);
double smm_vmstat_rate(const struct smm_view *v, const char *name, uint64_t *delta);
void smm_batch_counter(const struct smm_view *v, const char *name, int width);
struct smm_panel *Walk_new(void);
int smm_walk_parse(const char *line, struct smmc_pt_req *req, char *err, size_t len);
struct smm_panel *Events_new(void);
struct smm_panel *Compaction_new(void);
struct smm_panel *PageCache_new(void);
int PageCache_sort_by(struct smm_panel *p, const char *name);
bool smm_compact_marks(const struct smm_view *v);

/* sparkline and bar characters, ASCII so a vt100 shows them */
extern const char smm_levels[];
char smm_level_char(uint64_t v, uint64_t max);

/* ---- screen (screen.c) ---- */

#define SMM_MAX_PANELS	10

struct smm_screen {
	struct smm_panel *panels[SMM_MAX_PANELS];
	unsigned int nr_panels, focus;
	bool help, zoomed;			/* zoomed: the focused panel alone */
	bool compact;				/* 'C': the compaction panel and the frame map */
	bool input;				/* the walk's input line is open */
	char line[64];				/* what was typed into it */
};

void smm_screen_layout(struct smm_screen *s, const struct smm_view *v, int rows, int cols);
void smm_screen_draw(struct smm_screen *s, const struct smm_view *v);
int smm_screen_key(struct smm_screen *s, struct smm_view *v, int ch);
void smm_screen_batch(struct smm_screen *s, const struct smm_view *v);
void smm_colors_init(bool mono);

#endif /* _SMMTOP_H */
