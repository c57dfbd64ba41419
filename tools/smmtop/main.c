// SPDX-License-Identifier: GPL-2.0
/*
 * smmtop [ OPTIONS ]: options, the refresh loop, and the events feed.
 *
 * One loop for every mode: fetch a snapshot, show it (the screen, or
 * text in batch mode), then wait for the next refresh while reading keys
 * and events. Batch mode prints like top -b; --replay answers the
 * requests from a capture instead of the module; --bench times replayed
 * refreshes drawn to /dev/null.
 */
#include <curses.h>
#include <getopt.h>
#include <locale.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "smmtop.h"

#define SMMTOP_VERSION	"0.1.0"

struct smmtop {
	struct smmc_nl nl;
	struct smmc_events ev;
	struct smm_view view;
	struct smm_screen screen;
	bool batch, json, mono, bench;
	long count;				/* refreshes before quitting; 0: no limit */
	const char *sort;			/* -s: the slab table's sort key */
	const char *space_sort;			/* -o: the spaces' sort column */
	const char *file_sort;			/* --sort-files: the files' sort column */
	struct smm_panel *slabs, *pressure, *pagecache;
	const char *record, *replay;
};

static volatile sig_atomic_t smmtop_quit;

static void smmtop_on_signal(int sig)
{
	(void)sig;
	smmtop_quit = 1;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: smmtop [ -b ] [ -n COUNT ] [ -d SECONDS ] [ -s KEY ] [ -o COLUMN ] [ -w WHAT ]\n"
		"              [ --sort-files COLUMN ]\n"
		"              [ -j ] [ -m ]\n"
		"              [ --record FILE | --replay FILE [ --bench ] ]\n"
		"  -b, --batch         plain-text snapshots on stdout, as top -b\n"
		"  -n, --iterations N  quit after N refreshes\n"
		"  -d, --delay SECS    seconds between refreshes (default 1; 0.25 to 3600)\n"
		"  -s, --sort KEY      sort the slab table by slabtop's KEY: o objects (default),\n"
		"                      a active, u use, z object size, l slabs, b objects per\n"
		"                      slab, c cache size, n name\n"
		"  -o, --sort-spaces C sort the pressure panel's spaces by C: rss (default), swap,\n"
		"                      pte, vmas, id\n"
		"      --sort-files C  sort the page-cache panel's files by C: cached (default),\n"
		"                      size, hit, ra, dirty, written, mapped, id\n"
		"  -w, --walk WHAT     walk an address every refresh: PID ADDR, pid PID ADDR,\n"
		"                      space ID ADDR or kernel ADDR (as the w key)\n"
		"  -j, --json          batch mode: one JSON object per refresh\n"
		"  -m, --mono          no colours (also when NO_COLOR is set)\n"
		"      --record FILE   save the module's replies of each refresh to FILE\n"
		"      --replay FILE   answer the requests from FILE instead of the module\n"
		"      --bench         with --replay: time -n refreshes (1000) drawn off-screen\n"
		"  -V, --version, -h, --help\n"
		"Keys: h or ? in the dashboard.\n");
}

static int smmtop_options(struct smmtop *t, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "batch", no_argument, NULL, 'b' },
		{ "iterations", required_argument, NULL, 'n' },
		{ "delay", required_argument, NULL, 'd' },
		{ "sort", required_argument, NULL, 's' },
		{ "sort-spaces", required_argument, NULL, 'o' },
		{ "sort-files", required_argument, NULL, 'S' },
		{ "walk", required_argument, NULL, 'w' },
		{ "json", no_argument, NULL, 'j' },
		{ "mono", no_argument, NULL, 'm' },
		{ "record", required_argument, NULL, 'R' },
		{ "replay", required_argument, NULL, 'P' },
		{ "bench", no_argument, NULL, 'B' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end, err[128];
	int c;

	while ((c = getopt_long(argc, argv, "bn:d:s:o:w:jmVh", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			t->batch = true;
			break;
		case 'n':
			t->count = strtol(optarg, &end, 10);
			if (*end || end == optarg || t->count < 1) {
				fprintf(stderr, "smmtop: -n wants a count of 1 or more, not \"%s\"\n",
					optarg);
				return -1;
			}
			break;
		case 'd':
			t->view.interval = strtod(optarg, &end);
			if (*end || end == optarg || !(t->view.interval >= 0.25) ||
			    t->view.interval > 3600) {
				fprintf(stderr, "smmtop: -d wants seconds from 0.25 to 3600, not \"%s\"\n",
					optarg);
				return -1;
			}
			break;
		case 's':
			t->sort = optarg;
			break;
		case 'o':
			t->space_sort = optarg;
			break;
		case 'S':
			t->file_sort = optarg;
			break;
		case 'w':
			if (smm_walk_parse(optarg, &t->view.walk, err, sizeof(err))) {
				fprintf(stderr, "smmtop: -w: %s\n", err);
				return -1;
			}
			t->view.walk_on = true;
			break;
		case 'j':
			t->json = true;
			break;
		case 'm':
			t->mono = true;
			break;
		case 'R':
			t->record = optarg;
			break;
		case 'P':
			t->replay = optarg;
			break;
		case 'B':
			t->bench = true;
			break;
		case 'V':
			printf("smmtop %s\n", SMMTOP_VERSION);
			exit(0);
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "smmtop: unexpected argument \"%s\"\n", argv[optind]);
		return -1;
	}
	if (t->record && t->replay) {
		fprintf(stderr, "smmtop: --record and --replay exclude each other\n");
		return -1;
	}
	if (t->bench && !t->replay) {
		fprintf(stderr, "smmtop: --bench needs --replay FILE\n");
		return -1;
	}
	if (t->json && !t->batch) {
		fprintf(stderr, "smmtop: -j is for batch mode (-b)\n");
		return -1;
	}
	return 0;
}

/* ---- events ---- */

static const char *smmtop_clock(char *buf, size_t len)
{
	time_t now = time(NULL);

	strftime(buf, len, "%H:%M:%S", localtime(&now));
	return buf;
}

/* "2 created (last dentry), 1 destroyed (last inode)": the slab part of an event. */
static void smmtop_event_caches(struct smm_evlog *l, const struct smmc_event *e, const char *ts)
{
	char made[96] = "", gone[80] = "";

	if (!e->caches_created && !e->caches_destroyed)
		return;
	if (e->caches_created)
		snprintf(made, sizeof(made), "%" PRIu64 " created (last %s)%s", e->caches_created,
			 e->cache_created, e->caches_destroyed ? ", " : "");
	if (e->caches_destroyed)
		snprintf(gone, sizeof(gone), "%" PRIu64 " destroyed (last %s)",
			 e->caches_destroyed, e->cache_destroyed);
	smm_evlog_add(l, SMM_C_SLAB, "%s caches %s%s in %u ms", ts, made, gone, e->interval_ms);
}

/* "OOM killed space 3 (2048 pages freed)": the OOM killer's part of an event. */
static void smmtop_event_oom(struct smm_evlog *l, const struct smmc_event *e, const char *ts)
{
	if (!e->oom_kills)
		return;
	smm_evlog_add(l, SMM_C_BAD, "%s OOM killed space %u (%" PRIu64 " pages freed)%s", ts,
		      e->oom_victim, e->oom_victim_pages, e->oom_kills > 1 ? " and others" : "");
}

/*
 * One line per zone that did something, one for the slab caches created
 * or destroyed, one for OOM kills; gaps in the sequence say events were
 * lost.
 */
static void smmtop_event(const struct smmc_event *e, void *data)
{
	struct smm_view *v = data;
	struct smm_evlog *l = &v->evlog;
	unsigned int zi;
	char ts[16];

	smmtop_clock(ts, sizeof(ts));
	if (l->last_seq && e->seq > l->last_seq + 1)
		smm_evlog_add(l, SMM_C_WARN, "%s %" PRIu64 " event(s) lost", ts,
			      e->seq - l->last_seq - 1);
	l->last_seq = e->seq;
	for (zi = 0; zi < SMMC_NR_ZONES; zi++) {
		const struct smmc_event_zone *z = &e->zones[zi];
		char cross[48] = "", fail[32] = "";
		bool worse = z->level > z->level_prev;

		if (!z->present || (!z->alloc && !z->free && !z->alloc_fail &&
				    z->level == z->level_prev))
			continue;
		if (z->level != z->level_prev)
			snprintf(cross, sizeof(cross), ", now %s (was %s)",
				 smmc_wmark_level_names[z->level],
				 smmc_wmark_level_names[z->level_prev]);
		if (z->alloc_fail)
			snprintf(fail, sizeof(fail), ", %" PRIu64 " FAILED", z->alloc_fail);
		smm_evlog_add(l, z->alloc_fail || worse ? SMM_C_BAD : z->level != z->level_prev ?
			      SMM_C_OK : SMM_C_NORMAL,
			      "%s %-6s %" PRIu64 " alloc, %" PRIu64 " free in %u ms%s%s", ts,
			      smmc_zone_names[zi], z->alloc, z->free, e->interval_ms, fail, cross);
	}
	smmtop_event_caches(l, e, ts);
	smmtop_event_oom(l, e, ts);
}

/*
 * Read what the events socket holds. ENOBUFS: the kernel dropped events
 * because we read too slowly; say so and have the caller dump again.
 * Returns true when a new snapshot is needed.
 */
static bool smmtop_read_events(struct smmtop *t)
{
	char ts[16];
	int ret;

	if (!t->view.events)
		return false;
	ret = smmc_events_read(&t->ev, smmtop_event, &t->view);
	if (ret != -ENOBUFS)
		return false;
	smm_evlog_add(&t->view.evlog, SMM_C_WARN,
		      "%s events lost (socket overflow): resynchronised with a dump",
		      smmtop_clock(ts, sizeof(ts)));
	snprintf(t->view.status, sizeof(t->view.status), "events lost: resynchronised");
	t->view.evlog.last_seq = 0;
	return true;
}

/* ---- the loop ---- */

static double smmtop_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int smmtop_refresh(struct smmtop *t)
{
	int ret = smm_view_refresh(&t->view, &t->nl);

	if (ret)
		snprintf(t->view.status, sizeof(t->view.status), "refresh failed: %.100s",
			 t->nl.err);
	return ret;
}

static int smmtop_screen_init(struct smmtop *t)
{
	struct smm_screen *s = &t->screen;
	struct smm_panel *(*const ctors[])(void) = {
		Header_new, Zones_new, FreeArea_new, FrameMap_new, Slabs_new, Pressure_new, Walk_new,
		Events_new, Compaction_new, PageCache_new,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ctors); i++) {
		s->panels[i] = ctors[i]();
		if (!s->panels[i])
			return -ENOMEM;
		s->nr_panels++;
		if (ctors[i] == Slabs_new)
			t->slabs = s->panels[i];
		if (ctors[i] == Pressure_new)
			t->pressure = s->panels[i];
		if (ctors[i] == PageCache_new)
			t->pagecache = s->panels[i];
	}
	s->focus = 1;
	return 0;
}

static void smmtop_screen_exit(struct smmtop *t)
{
	unsigned int i;

	for (i = 0; i < t->screen.nr_panels; i++)
		smm_panel_delete(t->screen.panels[i]);
}

/*
 * Wait until @deadline reading keys (when interactive) and events.
 * Returns SMM_KEY_* flags of what happened.
 */
static int smmtop_wait(struct smmtop *t, double deadline)
{
	struct pollfd fds[2];
	int flags = 0, nfds = 0, ms, ch;

	if (!t->batch)
		fds[nfds++] = (struct pollfd){ .fd = STDIN_FILENO, .events = POLLIN };
	if (t->view.events)
		fds[nfds++] = (struct pollfd){ .fd = smmc_events_fd(&t->ev), .events = POLLIN };
	ms = (int)ceil((deadline - smmtop_now()) * 1000);
	if (ms < 0)
		ms = 0;
	poll(fds, nfds, t->view.paused && !t->batch ? -1 : ms);
	if (smmtop_read_events(t))
		flags |= SMM_KEY_REFETCH;
	if (t->view.events && !t->batch)
		flags |= SMM_KEY_REDRAW;
	if (t->batch)
		return flags;
	while ((ch = getch()) != ERR) {
		t->view.status[0] = '\0';
		flags |= smm_screen_key(&t->screen, &t->view, ch);
		if (flags & SMM_KEY_QUIT)
			break;
	}
	return flags;
}

static void smmtop_batch_print(struct smmtop *t)
{
	smmc_new_json_obj(t->json);
	smm_screen_batch(&t->screen, &t->view);
	smmc_delete_json_obj();
	if (!t->json)
		printf("\n");
	fflush(stdout);
}

/* The one loop of batch and interactive mode. */
static int smmtop_run(struct smmtop *t)
{
	double next = smmtop_now();
	int flags = SMM_KEY_REFETCH;
	long done = 0;

	while (!smmtop_quit) {
		if ((flags & SMM_KEY_REFETCH) || (!t->view.paused && smmtop_now() >= next)) {
			if (t->count && done == t->count)
				break;
			if (smmtop_refresh(t) && t->batch) {
				fprintf(stderr, "smmtop: %s\n", t->nl.err);
				return 1;
			}
			done++;
			next = smmtop_now() + t->view.interval;
			if (t->batch)
				smmtop_batch_print(t);
			flags |= SMM_KEY_REDRAW;
			if (t->batch && t->count && done == t->count)
				break;
		}
		if (!t->batch && (flags & SMM_KEY_REDRAW))
			smm_screen_draw(&t->screen, &t->view);
		flags = smmtop_wait(t, next);
		if (flags & SMM_KEY_QUIT)
			break;
	}
	return 0;
}

/*
 * --bench: @count refreshes from the capture, each parsed and drawn into
 * curses' screen and sent to /dev/null, timed as a whole: by the wall
 * clock, and by the process's CPU time (what the wall clock would say on
 * an idle machine; on a busy one the two differ).
 */
static int smmtop_bench(struct smmtop *t)
{
	long n = t->count ? t->count : 1000, i;
	double start, fetch = 0, draw = 0, a, cpu;
	struct timespec c0, c1;
	FILE *out = fopen("/dev/null", "w"), *in = fopen("/dev/null", "r");
	SCREEN *scr;

	if (!out || !in)
		return 1;
	scr = newterm(getenv("TERM") ? NULL : "xterm-256color", out, in);
	if (!scr) {
		fprintf(stderr, "smmtop: no terminal description for the benchmark\n");
		return 1;
	}
	if (!getenv("LINES") && !getenv("COLUMNS"))
		resizeterm(50, 160);
	smm_colors_init(t->mono);
	start = smmtop_now();
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
	for (i = 0; i < n; i++) {
		a = smmtop_now();
		if (smmtop_refresh(t)) {
			endwin();
			delscreen(scr);
			fprintf(stderr, "smmtop: %s\n", t->nl.err);
			return 1;
		}
		fetch += smmtop_now() - a;
		a = smmtop_now();
		smm_screen_draw(&t->screen, &t->view);
		draw += smmtop_now() - a;
	}
	a = smmtop_now() - start;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
	cpu = (c1.tv_sec - c0.tv_sec) + (c1.tv_nsec - c0.tv_nsec) / 1e9;
	endwin();
	delscreen(scr);
	printf("smmtop bench: %ld refreshes of %s at %dx%d, %zu runs in the frame map\n", n,
	       t->replay, LINES, COLS, t->view.cur->nr_runs);
	printf("  per refresh: %.3f ms (parse %.3f ms, draw %.3f ms)\n", a * 1e3 / n,
	       fetch * 1e3 / n, draw * 1e3 / n);
	printf("  cpu per refresh: %.3f ms\n", cpu * 1e3 / n);
	fclose(out);
	fclose(in);
	return 0;
}

static int smmtop_open(struct smmtop *t)
{
	int ret;

	if (t->replay) {
		t->view.replay = true;
		ret = smmc_nl_open_replay(&t->nl, t->replay);
	} else {
		ret = smmc_nl_open(&t->nl);
		if (!ret && t->record)
			ret = smmc_nl_record(&t->nl, t->record);
		if (!ret)
			t->view.events = !smmc_events_open(&t->nl, &t->ev);
	}
	if (ret)
		fprintf(stderr, "smmtop: %s\n", t->nl.err);
	return ret;
}

static int smmtop_interactive(struct smmtop *t)
{
	int ret;

	if (!initscr())
		return 1;
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	set_escdelay(25);		/* Esc closes the walk's input line at once */
	smm_colors_init(t->mono);
	ret = smmtop_run(t);
	endwin();
	return ret;
}

int main(int argc, char **argv)
{
	static struct smmtop t;
	struct sigaction sa = { .sa_handler = smmtop_on_signal };
	int ret;

	setlocale(LC_ALL, "");
	smm_view_init(&t.view, 1.0);
	if (smmtop_options(&t, argc, argv))
		return 2;
	t.view.pressure_always = t.batch;
	t.mono |= getenv("NO_COLOR") && *getenv("NO_COLOR");
	if (smmtop_screen_init(&t)) {
		fprintf(stderr, "smmtop: out of memory\n");
		return 1;
	}
	if (t.sort && (strlen(t.sort) != 1 || Slabs_sort_by(t.slabs, t.sort[0]))) {
		fprintf(stderr, "smmtop: -s wants one of o a u z l b c n, not \"%s\"\n", t.sort);
		smmtop_screen_exit(&t);
		return 2;
	}
	if (t.space_sort && Pressure_sort_by(t.pressure, t.space_sort)) {
		fprintf(stderr, "smmtop: -o wants one of rss swap pte vmas id, not \"%s\"\n",
			t.space_sort);
		smmtop_screen_exit(&t);
		return 2;
	}
	if (t.file_sort && PageCache_sort_by(t.pagecache, t.file_sort)) {
		fprintf(stderr, "smmtop: --sort-files wants one of cached size hit ra dirty written "
			"mapped id, not \"%s\"\n", t.file_sort);
		smmtop_screen_exit(&t);
		return 2;
	}
	ret = smmtop_open(&t) ? 1 : 0;
	if (!ret) {
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		if (t.bench)
			ret = smmtop_bench(&t);
		else if (t.batch)
			ret = smmtop_run(&t);
		else
			ret = smmtop_interactive(&t);
	}
	if (t.view.events)
		smmc_events_close(&t.ev);
	smmc_nl_close(&t.nl);
	smmtop_screen_exit(&t);
	smm_view_free(&t.view);
	return ret;
}
