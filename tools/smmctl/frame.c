// SPDX-License-Identifier: GPL-2.0
/*
 * smmctl frame [ show [ START [ COUNT ] ] ]: the frame map as runs
 * smmctl frame show [ START [ COUNT ] ] svg FILE [ scale SCALE ]: as an SVG picture
 * smmctl frame show owner [ FRAME ]: page_owner's records (OWNER_GET)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smmctl.h"

#define FRAME_DUMP_TRIES	5

struct runs {
	struct smmc_run *v;
	size_t n, cap;
};

static int collect_run(const struct smmc_run *r, void *data)
{
	struct runs *runs = data;

	if (smmc_array_reserve((void **)&runs->v, &runs->cap, runs->n, sizeof(*runs->v), 256))
		return -ENOMEM;
	runs->v[runs->n++] = *r;
	return 0;
}

/*
 * A run's page marks, only when it has some (so a map without any prints
 * as before): after the migratetype in text, "anon,shared"; a "marks"
 * array of the same names in JSON.
 */
static void print_marks(uint32_t marks)
{
	const char *sep = " ";
	unsigned int b;

	if (!marks)
		return;
	smmc_open_json_array(SMMC_PRINT_JSON, "marks");
	for (b = 0; b < ARRAY_SIZE(smmc_mark_names); b++) {
		if (!(marks & (1u << b)))
			continue;
		smmc_print_text("%s", sep);
		smmc_print_string(SMMC_PRINT_ANY, NULL, "%s", smmc_mark_names[b]);
		sep = ",";
	}
	smmc_close_json_array(SMMC_PRINT_JSON, NULL);
}

static void print_run(const struct smmc_run *r)
{
	smmc_open_json_object(NULL);
	smmc_print_u64(SMMC_PRINT_ANY, "start", "%10" PRIu64, r->start);
	smmc_print_u64(SMMC_PRINT_ANY, "count", " %10" PRIu64, r->count);
	smmc_print_string(SMMC_PRINT_ANY, "state", "  %-8s", smmc_state_names[r->state]);
	smmc_print_string(SMMC_PRINT_ANY, "migratetype", " %s",
			  r->mt < SMMC_NR_MT ? smmc_mt_names[r->mt] : "?");
	print_marks(r->marks);
	smmc_print_text("\n");
	smmc_close_json_object();
}

/* A stack's lines (" symbol+off/len [module]") as a JSON array or indented text. */
static void print_stack(const char *key, const char *title, const char *stack)
{
	char line[256];
	const char *p = stack, *nl;
	size_t len;

	if (!*stack)
		return;
	smmc_print_text("  %s:\n", title);
	smmc_open_json_array(SMMC_PRINT_JSON, key);
	for (; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p);
		while (*p == ' ' && p < nl)
			p++;
		len = (size_t)(nl - p) < sizeof(line) - 1 ? (size_t)(nl - p) : sizeof(line) - 1;
		memcpy(line, p, len);
		line[len] = '\0';
		smmc_print_string(SMMC_PRINT_ANY, NULL, "    %s\n", line);
		if (!*nl)
			break;
	}
	smmc_close_json_array(SMMC_PRINT_JSON, NULL);
}

static int print_owner(const struct smmc_owner *o, void *data)
{
	(void)data;
	smmc_open_json_object(NULL);
	smmc_print_u64(SMMC_PRINT_ANY, "frame", "frame %" PRIu64, o->frame);
	smmc_print_u64(SMMC_PRINT_ANY, "pfn", " pfn %#" PRIx64, o->pfn);
	smmc_print_string(SMMC_PRINT_ANY, "state", " %s", smmc_owner_states[o->state]);
	smmc_print_uint(SMMC_PRINT_ANY, "order", " order %u", o->order);
	smmc_print_uint(SMMC_PRINT_ANY, "flags", " flags %#x", o->flags);
	smmc_print_string(SMMC_PRINT_ANY, "migratetype", " migratetype %s\n",
			  o->mt < SMMC_NR_MT ? smmc_mt_names[o->mt] : "?");
	smmc_print_uint(SMMC_PRINT_ANY, "pid", "  pid %u", o->pid);
	smmc_print_uint(SMMC_PRINT_ANY, "tgid", " tgid %u", o->tgid);
	smmc_print_string(SMMC_PRINT_ANY, "comm", " comm %s", o->comm);
	smmc_print_uint(SMMC_PRINT_ANY, "portid", " port %u", o->portid);
	smmc_print_u64(SMMC_PRINT_ANY, "ts_nsec", " ts %" PRIu64 " ns", o->ts_nsec);
	smmc_print_u64(SMMC_PRINT_ANY, "free_ts_nsec", " free_ts %" PRIu64 " ns\n",
		       o->free_ts_nsec);
	if (o->migrate_reason[0])
		smmc_print_string(SMMC_PRINT_ANY, "migrate_reason",
				  "  last migrate reason: %s\n", o->migrate_reason);
	print_stack("stack", "allocated at", o->stack);
	print_stack("free_stack", "freed at", o->free_stack);
	smmc_close_json_object();
	return 0;
}

/* frame show owner [ FRAME ]: one block's record, or every allocated block's. */
static int frame_show_owner(int argc, char **argv)
{
	uint64_t frame = 0;
	int ret;

	if (argc > 1)
		return smmctl_bad_arg(argv[1]);
	if (argc > 0 && smmctl_parse_u64(argv[0], "frame", &frame))
		return 1;
	if (smmctl_connect())
		return 1;
	smmc_open_json_array(SMMC_PRINT_JSON, "owners");
	ret = smmc_owner_get(&smmctl_nl, argc == 0, frame, print_owner, NULL);
	smmc_close_json_array(SMMC_PRINT_JSON, NULL);
	return ret ? smmctl_error() : 0;
}

/* frame show's words: START, COUNT, svg FILE, scale { frame | pageblock }. */
struct frame_args {
	uint64_t start, count;
	const char *svg;
	int scale;			/* -1: by size; 0: frame; 1: pageblock */
};

static int frame_parse(int argc, char **argv, struct frame_args *a)
{
	int i, nums = 0;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "svg") || !strcmp(argv[i], "scale")) {
			if (i + 1 == argc) {
				fprintf(stderr, "Error: %s needs an argument\n", argv[i]);
				return 1;
			}
			if (argv[i][1] == 'v') {
				a->svg = argv[++i];
			} else if (!strcmp(argv[++i], "frame") || !strcmp(argv[i], "pageblock")) {
				a->scale = argv[i][0] == 'p';
			} else {
				fprintf(stderr, "Error: scale is frame or pageblock, not \"%s\"\n", argv[i]);
				return 1;
			}
		} else if (a->svg || a->scale >= 0 || nums == 2) {
			return smmctl_bad_arg(argv[i]);
		} else if (smmctl_parse_u64(argv[i], nums ? "count" : "start",
					    nums ? &a->count : &a->start)) {
			return 1;
		} else if (nums++ && !a->count) {
			fprintf(stderr, "Error: count must be at least 1\n");
			return 1;
		}
	}
	if (a->scale >= 0 && !a->svg) {
		fprintf(stderr, "Error: scale is for svg FILE\n");
		return 1;
	}
	return 0;
}

/*
 * svg FILE: the runs drawn from @a->start to the end of the last run
 * (COUNT frames when given); pageblock scale when asked, or by default
 * when that is more than SMMC_SVG_AUTO_FRAMES frames, from the pageblock
 * holding START.
 */
#define SMMC_SVG_AUTO_FRAMES	(64u << 10)

static int frame_svg(const struct frame_args *a, const struct runs *runs)
{
	const struct smmc_run *last = runs->n ? &runs->v[runs->n - 1] : NULL;
	uint64_t end = a->count ? a->start + a->count : last ? last->start + last->count : a->start;
	struct smmc_svg_map m = { .runs = runs->v, .nr_runs = runs->n, .start = a->start };
	char tmp[4096], when[64];
	FILE *f;

	m.pageblock = a->scale >= 0 ? a->scale : end - a->start > SMMC_SVG_AUTO_FRAMES;
	if (m.pageblock)
		m.start -= m.start % SMMC_PAGEBLOCK_FRAMES;
	m.count = end > m.start ? end - m.start : 0;
	smmctl_svg_when(when, sizeof(when));
	m.when = when;
	f = smmctl_svg_create(a->svg, tmp, sizeof(tmp));
	if (!f)
		return 1;
	return smmctl_svg_commit(f, tmp, a->svg, smmc_svg_frame_map(f, &m));
}

/*
 * The map is read without stopping the allocator; a dump that the
 * allocator interrupted is thrown away and taken again, so what is
 * printed (or drawn) is one consistent picture.
 */
static int frame_show(int argc, char **argv)
{
	struct frame_args a = { .scale = -1 };
	struct runs runs = { 0 };
	int tries, ret = 0;
	size_t i;

	if (argc > 0 && !strcmp(argv[0], "owner"))
		return frame_show_owner(argc - 1, argv + 1);
	if (frame_parse(argc, argv, &a))
		return 1;
	if (smmctl_connect())
		return 1;
	for (tries = 0; tries < FRAME_DUMP_TRIES; tries++) {
		runs.n = 0;
		ret = smmc_frames_get(&smmctl_nl, a.start, a.count, collect_run, &runs);
		if (ret != SMMC_NL_DUMP_INTR)
			break;
	}
	if (ret) {
		free(runs.v);
		return smmctl_error();
	}
	if (a.svg) {
		ret = frame_svg(&a, &runs);
		free(runs.v);
		return ret;
	}
	smmc_print_text("%10s %10s  %-8s %s\n", "start", "frames", "state", "migratetype");
	smmc_open_json_array(SMMC_PRINT_JSON, "runs");
	for (i = 0; i < runs.n; i++)
		print_run(&runs.v[i]);
	smmc_close_json_array(SMMC_PRINT_JSON, NULL);
	free(runs.v);
	return 0;
}

const struct smm_cmd smmctl_frame_cmds[] = {
	SMM_CMD("show", frame_show,
		"[ START [ COUNT ] ] [ svg FILE [ scale SCALE ] ] | owner [ FRAME ]",
		"runs of frames in one state, from frame START, or their picture; or page_owner's records"),
	SMM_CMD_END("SCALE := { frame | pageblock }  (default: pageblock above 65536 frames)\n"),
};
