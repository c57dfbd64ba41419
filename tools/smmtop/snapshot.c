// SPDX-License-Identifier: GPL-2.0
/*
 * One snapshot per refresh, and what the view keeps across refreshes:
 * the previous snapshot (for rates), the fragmentation history and the
 * event log. Nothing else in smmtop talks to the kernel.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "smmtop.h"

#define SMM_FRAME_TRIES		3	/* dumps tried before showing a mixed map */
#define SMM_FRAG_ORDER		9	/* pageblock order: where huge pages come from */

static double smm_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * The frame map: a dump that the allocator changed meanwhile is thrown
 * away and tried again; after SMM_FRAME_TRIES the last one is kept and
 * flagged, since a busy allocator may never hold still.
 */
static int smm_snap_frames(struct smmc_nl *nl, struct smm_snap *s)
{
	struct smmc_runs runs = { s->runs, 0, s->runs_cap };
	int ret = 0, i;

	for (i = 0; i < SMM_FRAME_TRIES; i++) {
		runs.n = 0;
		ret = smmc_frames_get_array(nl, 0, 0, &runs);
		if (ret != SMMC_NL_DUMP_INTR)
			break;
	}
	s->runs = runs.v;
	s->nr_runs = runs.n;
	s->runs_cap = runs.cap;
	s->runs_mixed = ret == SMMC_NL_DUMP_INTR;
	return s->runs_mixed ? 0 : ret;
}

/*
 * The slab caches, a fresh array each time (a few dozen entries). A
 * capture recorded before the slab layer existed has no CACHE_GET reply:
 * the replay then shows no slab table rather than failing.
 */
static int smm_snap_caches(struct smmc_nl *nl, struct smm_snap *s)
{
	int ret;

	free(s->caches);
	ret = smmc_caches_get(nl, &s->caches, &s->nr_caches);
	s->has_caches = !ret;
	if (ret == -ENOENT && nl->replay)
		return 0;
	return ret == SMMC_NL_DUMP_INTR ? 0 : ret;
}

/* A request the capture has no reply to, or that the module does not know. */
static bool smm_snap_absent(struct smmc_nl *nl, int ret)
{
	return (ret == -ENOENT && nl->replay) || ret == -EOPNOTSUPP;
}

/* The pressure panel's vmstat and spaces, freed and emptied. */
static void smm_snap_pressure_free(struct smm_snap *s)
{
	free(s->vmstat);
	s->vmstat = NULL;
	s->nr_vmstat = 0;
	free(s->spaces);
	s->spaces = NULL;
	s->nr_spaces = 0;
	free(s->files);
	s->files = NULL;
	s->nr_files = 0;
}

/*
 * The page-cache panel's files. FILE_GET is an admin command (it names
 * paths): without CAP_NET_ADMIN, from a module without files, or in a
 * capture recorded before the panel, the files are absent (has_files
 * false, files_why says why) and the refresh goes on.
 */
static int smm_snap_files(struct smmc_nl *nl, struct smm_snap *s)
{
	int ret = smmc_files_get(nl, &s->files, &s->nr_files);

	s->has_files = !ret || ret == SMMC_NL_DUMP_INTR;
	s->files_why[0] = '\0';
	if (s->has_files)
		return 0;
	if (ret == -EPERM) {
		snprintf(s->files_why, sizeof(s->files_why), "FILE_GET needs CAP_NET_ADMIN");
		return 0;
	}
	if (!smm_snap_absent(nl, ret))
		return ret;
	snprintf(s->files_why, sizeof(s->files_why), "%s",
		 nl->replay ? "the capture has none" : "the module has no files");
	return 0;
}

/*
 * What the pressure, compaction and page-cache panels draw from: the
 * vmstat counters, the swap area, the files and the spaces. A capture
 * recorded before these existed, or a module without them, leaves them
 * absent (has_* false) rather than failing the refresh; a space dump the
 * module changed meanwhile is kept as it came.
 */
static int smm_snap_pressure(struct smmc_nl *nl, struct smm_snap *s)
{
	int ret;

	smm_snap_pressure_free(s);
	ret = smmc_vmstat_get(nl, &s->vmstat, &s->nr_vmstat);
	s->has_vmstat = !ret;
	if (ret && !smm_snap_absent(nl, ret))
		return ret;
	/*
	 * A replayed capture without counters was recorded before the panel:
	 * a SPACE_GET it holds (smmctl's) belongs to no refresh, and asking
	 * for it would move the replay past the refreshes that follow.
	 */
	s->has_swap = s->has_spaces = s->has_files = false;
	snprintf(s->files_why, sizeof(s->files_why), "the capture has none");
	if (ret && nl->replay)
		return 0;
	ret = smmc_swap_get(nl, &s->swap);
	s->has_swap = !ret;
	if (ret && !smm_snap_absent(nl, ret))
		return ret;
	ret = smm_snap_files(nl, s);
	if (ret)
		return ret;
	ret = smmc_spaces_get(nl, &s->spaces, &s->nr_spaces);
	s->has_spaces = !ret || ret == SMMC_NL_DUMP_INTR;
	if (ret && ret != SMMC_NL_DUMP_INTR && !smm_snap_absent(nl, ret))
		return ret;
	return 0;
}

/*
 * @name's value in the snapshot's vmstat; false when it has no such
 * counter. "allocstall" is the sum of allocstall_<zone>, as the kernel
 * counts a stall in the zone asked for.
 */
bool smm_vmstat_get(const struct smm_snap *s, const char *name, uint64_t *v)
{
	const struct smmc_vmstat *c;
	bool found = false;
	size_t i;

	if (!strcmp(name, "allocstall")) {
		*v = 0;
		for (i = 0; s->has_vmstat && i < s->nr_vmstat; i++) {
			if (strncmp(s->vmstat[i].name, "allocstall_", 11))
				continue;
			*v += s->vmstat[i].value;
			found = true;
		}
		return found;
	}
	c = s->has_vmstat ? smmc_vmstat_find(s->vmstat, s->nr_vmstat, name) : NULL;
	*v = c ? c->value : 0;
	return c;
}

/*
 * @name's growth since the previous snapshot into *@delta, and its rate
 * per second (-1: no previous snapshot, no such counter, or a counter
 * that went back: the module was reloaded, or a replay wrapped).
 */
double smm_vmstat_rate(const struct smm_view *v, const char *name, uint64_t *delta)
{
	uint64_t now, then;
	double dt;

	*delta = 0;
	if (!v->prev || !smm_vmstat_get(v->cur, name, &now) ||
	    !smm_vmstat_get(v->prev, name, &then))
		return -1;
	dt = v->cur->time - v->prev->time;
	if (dt <= 0 || now < then)
		return -1;
	*delta = now - then;
	return *delta / dt;
}

/*
 * Batch mode: one counter's line, its name in @width columns, the total
 * now and its rate ("-": none yet); JSON {"total": ..., "rate": ...}.
 */
void smm_batch_counter(const struct smm_view *v, const char *name, int width)
{
	uint64_t total, d;
	double r;

	if (!smm_vmstat_get(v->cur, name, &total))
		return;
	r = smm_vmstat_rate(v, name, &d);
	smmc_open_json_object(name);
	smmc_print_text("%-*s", width, name);
	smmc_print_u64(SMMC_PRINT_ANY, "total", " %12" PRIu64, total);
	if (r < 0)
		smmc_print_string(SMMC_PRINT_FP, NULL, " %12s\n", "-");
	else
		smmc_print_milli(SMMC_PRINT_ANY, "rate", " %12s\n", (int64_t)(r * 1000 + 0.5));
	smmc_close_json_object();
}

/*
 * Fetch a whole snapshot into @s (its runs array is reused); the counters,
 * swap, files and spaces only when @pressure (the pressure, compaction or
 * page-cache panel shown, or batch mode), so that hidden panels cost the
 * module four requests less a refresh.
 */
int smm_snap_fetch(struct smmc_nl *nl, struct smm_snap *s, bool pressure)
{
	int ret;

	ret = smmc_info_get(nl, &s->info);
	if (ret)
		return ret;
	ret = smmc_zones_get(nl, s->zones, &s->nr_zones);
	if (ret && ret != SMMC_NL_DUMP_INTR)
		return ret;
	ret = smm_snap_frames(nl, s);
	if (!ret)
		ret = smm_snap_caches(nl, s);
	if (!ret && pressure) {
		ret = smm_snap_pressure(nl, s);
	} else if (!ret) {
		smm_snap_pressure_free(s);
		s->has_vmstat = s->has_swap = s->has_spaces = s->has_files = false;
	}
	if (!ret)
		s->time = smm_now();
	return ret;
}

void smm_snap_free(struct smm_snap *s)
{
	free(s->runs);
	s->runs = NULL;
	free(s->caches);
	s->caches = NULL;
	s->nr_caches = 0;
	smm_snap_pressure_free(s);
	s->nr_runs = s->runs_cap = 0;
}

void smm_view_init(struct smm_view *v, double interval)
{
	memset(v, 0, sizeof(*v));
	v->interval = interval;
	v->cur = &v->snaps[0];
}

static void smm_hist_push(struct smm_history *h, const struct smm_snap *s)
{
	unsigned int z;

	h->head = (h->head + 1) % SMM_HIST_LEN;
	for (z = 0; z < SMMC_NR_ZONES; z++)
		h->v[z][h->head] = z < s->nr_zones && s->zones[z].managed ?
				   s->zones[z].unusable[SMM_FRAG_ORDER] : -1;
	if (h->len < SMM_HIST_LEN)
		h->len++;
}

/* Sample @back refreshes ago of @zone (0: the latest), -1 if none. */
int smm_hist_get(const struct smm_history *h, unsigned int zone, unsigned int back)
{
	if (back >= h->len)
		return -1;
	return h->v[zone][(h->head + SMM_HIST_LEN - back) % SMM_HIST_LEN];
}

static int smm_snap_walk_cb(const struct smmc_pt_step *step, void *data)
{
	struct smm_snap *s = data;

	s->walk = *step;
	return 0;
}

/*
 * The walk the view asks for, one address: a walk that fails (no such
 * process, a space destroyed) is shown as its error, not a failed refresh.
 */
static void smm_snap_walk(struct smmc_nl *nl, struct smm_snap *s, const struct smmc_pt_req *req)
{
	memset(&s->walk, 0, sizeof(s->walk));
	s->walk_err[0] = '\0';
	s->walk_ret = smmc_pt_walk(nl, req, smm_snap_walk_cb, s);
	if (!s->walk_ret && !s->walk.nr)
		s->walk_ret = -ENODATA;
	if (s->walk_ret)
		snprintf(s->walk_err, sizeof(s->walk_err), "%.120s", s->walk_ret == -ENODATA ?
			 "no step came back" : nl->err[0] ? nl->err : strerror(-s->walk_ret));
}

/*
 * A new snapshot into the slot that is not current, then the two swap:
 * a failed fetch leaves the view as it was. A replayed capture has no
 * clock of its own: its snapshots are one interval apart.
 */
int smm_view_refresh(struct smm_view *v, struct smmc_nl *nl)
{
	struct smm_snap *next = v->cur == &v->snaps[0] ? &v->snaps[1] : &v->snaps[0];
	int ret = smm_snap_fetch(nl, next, v->pressure_on || v->pressure_always || v->compact_on ||
				 v->pagecache_on);

	if (ret)
		return ret;
	if (v->walk_on)
		smm_snap_walk(nl, next, &v->walk);
	if (v->replay)
		next->time = v->refreshes ? v->cur->time + v->interval : 0;
	if (v->refreshes)
		v->prev = v->cur;
	v->cur = next;
	v->refreshes++;
	smm_hist_push(&v->hist, next);
	return 0;
}

void smm_view_free(struct smm_view *v)
{
	smm_snap_free(&v->snaps[0]);
	smm_snap_free(&v->snaps[1]);
}

void smm_evlog_add(struct smm_evlog *l, int attr, const char *fmt, ...)
{
	va_list ap;

	l->head = (l->head + 1) % SMM_EVLOG_LEN;
	va_start(ap, fmt);
	vsnprintf(l->line[l->head], sizeof(l->line[0]), fmt, ap);
	va_end(ap);
	l->attr[l->head] = attr;
	l->total++;
	if (l->len < SMM_EVLOG_LEN)
		l->len++;
}

/* The line @back lines before the newest, NULL past the oldest. */
const char *smm_evlog_get(const struct smm_evlog *l, unsigned int back, int *attr)
{
	unsigned int i;

	if (back >= l->len)
		return NULL;
	i = (l->head + SMM_EVLOG_LEN - back) % SMM_EVLOG_LEN;
	*attr = l->attr[i];
	return l->line[i];
}

uint64_t smm_sum(const uint64_t *v, unsigned int n)
{
	uint64_t s = 0;

	while (n--)
		s += v[n];
	return s;
}

/* @n in at most @width characters: 1234567 reads "1234k" in 5. */
char *smm_fmt_count(char *buf, size_t len, uint64_t n, unsigned int width)
{
	static const char units[] = "kMGT";
	unsigned int u = 0;

	snprintf(buf, len, "%" PRIu64, n);
	while (strlen(buf) > width && u < sizeof(units) - 1) {
		n /= 1000;
		snprintf(buf, len, "%" PRIu64 "%c", n, units[u++]);
	}
	return buf;
}
