// SPDX-License-Identifier: GPL-2.0
/*
 * smmctl replay FILE [ pages | objects | all ] [ cache-policy slub|slab|slob ]
 *                    [ limit N ] [ speed fast | recorded | xFACTOR ]
 * smmctl trace replay FILE ...   the same (the older spelling)
 *
 * Replays a real kernel's kmem trace (the text of tracefs' "trace" file,
 * of trace-cmd report or of perf script) into the shadow: page allocations and frees as PAGE_ALLOC/PAGE_FREE,
 * kmalloc/kmem_cache_alloc and their frees as objects of the caches
 * replay-SIZE (Documentation/replay.md). The whole file is read first: a
 * malformed line is refused with its number before anything is sent.
 * Prints what was read, replayed and skipped (by reason), the shadow's
 * refusals and the peaks; the shadow's state is zone show's, cache show's.
 * speed recorded waits between batches to follow the trace's timestamps
 * (xFACTOR: FACTOR times faster, x0.5 slower); fast (the default) does not
 * wait.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "smmctl.h"

#define REPLAY_ARGS "FILE [ pages | objects | all ] [ cache-policy POLICY ] [ limit N ] " \
		    "[ speed SPEED ]"

/* speed fast | recorded | xFACTOR (a positive number, x2 twice as fast) */
static int trace_replay_speed(const char *arg, double *speed)
{
	char *end;
	double v;

	if (!strcmp(arg, "fast"))
		return *speed = 0, 0;
	if (!strcmp(arg, "recorded"))
		return *speed = 1, 0;
	if (arg[0] != 'x' || !arg[1])
		goto bad;
	errno = 0;
	v = strtod(arg + 1, &end);
	if (errno || *end || !isfinite(v) || v < 0.001 || v > 1000000)
		goto bad;
	*speed = v;
	return 0;
bad:
	fprintf(stderr, "Error: speed is fast, recorded or xFACTOR (0.001 to 1000000, "
			"x2: twice as fast), not \"%s\"\n", arg);
	return -1;
}

static int trace_replay_args(int argc, char **argv, const char **file,
			     struct smmc_replay_opts *o, const char **speed)
{
	uint64_t v;
	int p;

	*o = (struct smmc_replay_opts) { .mode = SMMC_REPLAY_ALL,
					 .policy = SMMC_CACHE_POLICY_DEFAULT };
	if (argc < 1) {
		fprintf(stderr, "Error: usage: smmctl replay " REPLAY_ARGS "\n");
		return -1;
	}
	*file = argv[0];
	for (argc--, argv++; argc > 0; argc--, argv++) {
		bool more = argc > 1;

		if (!strcmp(argv[0], "pages")) {
			o->mode = SMMC_REPLAY_PAGES;
		} else if (!strcmp(argv[0], "objects")) {
			o->mode = SMMC_REPLAY_OBJECTS;
		} else if (!strcmp(argv[0], "all")) {
			o->mode = SMMC_REPLAY_ALL;
		} else if (more && !strcmp(argv[0], "cache-policy")) {
			p = smmc_cache_policy_by_name(argv[1]);
			if (p < 0) {
				fprintf(stderr, "Error: cache-policy is slub, slab or slob\n");
				return -1;
			}
			o->policy = p;
			argc--, argv++;
		} else if (more && !strcmp(argv[0], "limit")) {
			if (smmctl_parse_u64(argv[1], "limit", &v) || !v) {
				fprintf(stderr, "Error: limit is a number of events, at least 1\n");
				return -1;
			}
			o->limit = v;
			argc--, argv++;
		} else if (more && !strcmp(argv[0], "speed")) {
			if (trace_replay_speed(argv[1], &o->speed))
				return -1;
			*speed = argv[1];
			argc--, argv++;
		} else {
			smmctl_bad_arg(argv[0]);
			return -1;
		}
	}
	return 0;
}

/* " NAME VALUE" in text, "NAME": VALUE in JSON */
static void trace_print_named(const char *name, uint64_t v)
{
	char fmt[64];

	snprintf(fmt, sizeof(fmt), " %s %%" PRIu64, name);
	smmc_print_u64(SMMC_PRINT_ANY, name, fmt, v);
}

static void trace_replay_print(const char *file, const char *speed,
			       const struct smmc_replay_stats *st)
{
	int i;

	smmc_print_string(SMMC_PRINT_ANY, "file", "trace %s:", file);
	smmc_print_u64(SMMC_PRINT_ANY, "lines", " lines %" PRIu64, st->lines);
	smmc_print_u64(SMMC_PRINT_ANY, "events", " events %" PRIu64, st->events);
	smmc_print_u64(SMMC_PRINT_ANY, "other", " other %" PRIu64, st->other);
	smmc_print_u64(SMMC_PRINT_ANY, "lost_marks", " lost_marks %" PRIu64 "\n", st->lost);
	smmc_open_json_object("read");
	smmc_print_text("  read");
	for (i = 0; i < __SMMC_TRACE_EV_CNT; i++)
		trace_print_named(smmc_trace_event_name(i), st->read[i]);
	smmc_close_json_object();
	smmc_print_nl();
	smmc_print_u64(SMMC_PRINT_ANY, "replayed", "  replayed %" PRIu64, st->replayed);
	smmc_print_u64(SMMC_PRINT_ANY, "page_allocs", ": page_allocs %" PRIu64, st->page_allocs);
	smmc_print_u64(SMMC_PRINT_ANY, "page_frees", " page_frees %" PRIu64, st->page_frees);
	smmc_print_u64(SMMC_PRINT_ANY, "obj_allocs", " obj_allocs %" PRIu64, st->obj_allocs);
	smmc_print_u64(SMMC_PRINT_ANY, "obj_frees", " obj_frees %" PRIu64, st->obj_frees);
	smmc_print_u64(SMMC_PRINT_ANY, "requests", " in %" PRIu64 " requests\n", st->requests);
	smmc_print_u64(SMMC_PRINT_ANY, "skipped", "  skipped %" PRIu64 ":", smmc_replay_skipped(st));
	smmc_open_json_object("skips");
	for (i = 0; i < __SMMC_SKIP_CNT; i++)
		trace_print_named(smmc_replay_skip_name(i), st->skipped[i]);
	smmc_close_json_object();
	smmc_print_nl();
	smmc_print_u64(SMMC_PRINT_ANY, "failures", "  failures %" PRIu64, st->failures);
	smmc_print_u64(SMMC_PRINT_ANY, "caches_created", " caches_created %" PRIu64 "\n",
		       st->caches);
	smmc_print_u64(SMMC_PRINT_ANY, "peak_frames", "  peak_frames %" PRIu64, st->peak_frames);
	smmc_print_u64(SMMC_PRINT_ANY, "live_frames", " live_frames %" PRIu64, st->live_frames);
	smmc_print_u64(SMMC_PRINT_ANY, "peak_objs", " peak_objs %" PRIu64, st->peak_objs);
	smmc_print_u64(SMMC_PRINT_ANY, "live_objs", " live_objs %" PRIu64 "\n", st->live_objs);
	smmc_print_string(SMMC_PRINT_ANY, "speed", "  speed %s", speed);
	smmc_print_u64(SMMC_PRINT_ANY, "waits", " waits %" PRIu64, st->waits);
	smmc_print_u64(SMMC_PRINT_ANY, "waited_ms", " waited_ms %" PRIu64 "\n",
		       st->waited_ns / 1000000);
}

int smmctl_replay(int argc, char **argv)
{
	struct smmc_replay_stats st = { 0 };
	struct smmc_trace_event *evs;
	struct smmc_replay_opts o;
	unsigned long bad = 0;
	const char *file, *why = "", *speed = "fast";
	size_t n;
	FILE *f;
	int ret;

	if (trace_replay_args(argc, argv, &file, &o, &speed))
		return 1;
	f = strcmp(file, "-") ? fopen(file, "r") : stdin;
	if (!f) {
		fprintf(stderr, "Error: %s: %s\n", file, strerror(errno));
		return 1;
	}
	ret = smmc_trace_read(f, &evs, &n, &st, &bad, &why);
	if (f != stdin)
		fclose(f);
	if (ret) {
		if (bad)
			fprintf(stderr, "Error: %s:%lu: %s; nothing replayed\n", file, bad, why);
		else
			fprintf(stderr, "Error: %s: %s\n", file, why);
		return 1;
	}
	if (smmctl_connect()) {
		free(evs);
		return 1;
	}
	ret = smmc_replay(evs, n, &smmc_replay_nl_ops, &smmctl_nl, &o, &st);
	free(evs);
	if (ret) {
		if (ret == -ENOSPC)
			fprintf(stderr, "Error: more than %d object sizes\n", SMMC_REPLAY_MAX_CACHES);
		else
			smmctl_error();
		fprintf(stderr, "Error: replay stopped after %" PRIu64 " events\n", st.replayed);
		return 1;
	}
	trace_replay_print(file, speed, &st);
	return 0;
}

#define REPLAY_HELP "FILE := kmem events as tracefs' trace, trace-cmd report or perf script " \
		    "print them, or - (stdin)\n" \
		    "POLICY := { slub | slab | slob }\n" \
		    "SPEED := { fast | recorded | xFACTOR }   (fast: no waits, the default)\n"

const struct smm_cmd smmctl_trace_cmds[] = {
	SMM_CMD("replay", smmctl_replay, REPLAY_ARGS,
		"replay a kernel's kmem trace into the shadow (as smmctl replay)"),
	SMM_CMD_END(REPLAY_HELP),
};
