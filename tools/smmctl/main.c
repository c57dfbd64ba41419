// SPDX-License-Identifier: GPL-2.0
/*
 * smmctl [ OPTIONS ] OBJECT [ COMMAND [ ARGS ] ]: the shadowmm command
 * line. Options, the table of objects, and the dispatch every level of
 * commands goes through.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "smmctl.h"

#define SMMCTL_VERSION	"0.1.0"
#define SMMCTL_PATH_MAX	128

struct smmc_nl smmctl_nl;

/* The words of the command being run, "smmctl page alloc", for messages. */
static char smmctl_path[SMMCTL_PATH_MAX] = "smmctl";

static const struct smm_cmd smmctl_objects[] = {
	SMM_OBJ("info",	   smmctl_info_cmds,	"what is managed, how, by which module"),
	SMM_OBJ("section", smmctl_section_cmds,	"the sections backing the range"),
	SMM_OBJ("zone",	   smmctl_zone_cmds,	"zones: free areas, watermarks, counters"),
	SMM_OBJ("page",	   smmctl_page_cmds,	"allocate and free shadow pages"),
	SMM_OBJ("frame",   smmctl_frame_cmds,	"the frame map"),
	SMM_OBJ("cache",   smmctl_cache_cmds,	"slab caches: create, show, shrink, validate"),
	SMM_OBJ("obj",	   smmctl_obj_cmds,	"allocate and free slab objects"),
	SMM_CMD("check",   smmctl_check, NULL,	"verify every allocator invariant"),
	SMM_CMD("reset",   smmctl_reset, NULL,	"free every shadow allocation"),
	SMM_OBJ("pt",	   smmctl_pt_cmds,	"walk real or shadow page tables"),
	SMM_OBJ("space",   smmctl_space_cmds,	"shadow address spaces"),
	SMM_OBJ("swap",	   smmctl_swap_cmds,	"the shadow swap area: on, off, show"),
	SMM_OBJ("reclaim", smmctl_reclaim_cmds,	"proactive reclaim, as memory.reclaim"),
	SMM_OBJ("vm",	   smmctl_vm_cmds,	"reclaim and compaction tunables, as /proc/sys/vm"),
	SMM_OBJ("fault",   smmctl_fault_cmds,	"fault injection, as fail_page_alloc and failslab"),
	SMM_OBJ("file",	   smmctl_file_cmds,	"the shadow page cache over real files"),
	SMM_OBJ("trace",   smmctl_trace_cmds,	"replay a real kernel's allocation trace"),
	SMM_CMD("replay",  smmctl_replay, "FILE [ pages | objects | all ] [ cache-policy POLICY ] "
		"[ limit N ] [ speed SPEED ]",
		"replay a kernel's kmem trace (tracefs, trace-cmd report or perf script text)"),
	SMM_OBJ("range",   smmctl_range_cmds,	"offline and online ranges, as memory hot-remove"),
	SMM_OBJ("cma",	   smmctl_cma_cmds,	"the CMA area: alloc, free, show"),
	SMM_CMD("compact", smmctl_compact, "[ zone ZONE ] [ order N ]",
		"compaction on demand, as /proc/sys/vm/compact_memory"),
	SMM_CMD("vmstat",  smmctl_vmstat, "[ show ] [ NAME... ]",
		"counters by /proc/vmstat's names, \"name value\" a line"),
	SMM_CMD("monitor", smmctl_monitor, "[ count N ] [ vmstat ]",
		"print the allocator's events as they come"),
	SMM_OBJ("stats",   smmctl_stats_cmds,	"metrics in the Prometheus text format"),
	SMM_CMD_END("OPTIONS := { -j[son] | -p[retty] | -P[rometheus] | -V[ersion] | -h[elp] }\n"
		    "       -P: smmctl stats show prometheus, the words after it its own\n"
		    "       --replay FILE: answers from a capture of smmtop --record, not the module\n"),
};

/* ---- help ---- */

static const struct smm_cmd *smmctl_table_end(const struct smm_cmd *cmds)
{
	while (cmds->name)
		cmds++;
	return cmds;
}

/* "  name args   help", the help on a line of its own when the rest is long. */
static void smmctl_help_entry(FILE *f, const struct smm_cmd *c, bool dflt)
{
	char line[160];

	snprintf(line, sizeof(line), "%s%s%s", c->name, c->args ? " " : "", c->args ? c->args : "");
	if (strlen(line) > 18)
		fprintf(f, "  %s\n  %-18s", line, "");
	else
		fprintf(f, "  %-18s", line);
	fprintf(f, " %s%s\n", c->help ? c->help : "", dflt ? " (the default)" : "");
}

/*
 * The help of one level: its usage line, the words it takes, and the
 * table's notes.
 */
static void smmctl_help_table(FILE *f, const struct smm_cmd *cmds, bool top)
{
	const struct smm_cmd *c;
	const char *sep = "";

	if (top)
		fprintf(f, "Usage: smmctl [ OPTIONS ] OBJECT [ COMMAND [ ARGS ] ]\n"
			   "       smmctl help\n"
			   "       smmctl OBJECT help\n"
			   "where  OBJECT := { ");
	else
		fprintf(f, "Usage: %s [ COMMAND [ ARGS ] ]\n"
			   "       %s [ COMMAND ] help\n"
			   "where  COMMAND := { ", smmctl_path, smmctl_path);
	for (c = cmds; c->name; c++, sep = " | ")
		fprintf(f, "%s%s", sep, c->name);
	fprintf(f, " }\n");
	for (c = cmds; c->name; c++)
		smmctl_help_entry(f, c, !top && !strcmp(c->name, "show") && cmds[1].name);
	if (smmctl_table_end(cmds)->help)
		fputs(smmctl_table_end(cmds)->help, f);
}

/* The help of one command: its usage and the notes of its table. */
static void smmctl_help_cmd(FILE *f, const struct smm_cmd *cmds, const struct smm_cmd *c,
			    bool top)
{
	fprintf(f, "Usage: %s%s%s\n", smmctl_path, c->args ? " " : "", c->args ? c->args : "");
	if (c->help)
		fprintf(f, "       %s\n", c->help);
	if (!top && smmctl_table_end(cmds)->help)
		fputs(smmctl_table_end(cmds)->help, f);
}

/* ---- dispatch ---- */

/* The command smmctl_dispatch() runs, and the table it is in. */
static struct {
	const struct smm_cmd *cmds, *c;
	bool top;
} smmctl_running;

static bool smmctl_is_prefix(const char *word, const char *name)
{
	return *word && !strncmp(word, name, strlen(word));
}

/*
 * The entry @word names: the one with that exact name, else the only one
 * it is a prefix of. NULL when none matches or several do (*ambiguous).
 */
static const struct smm_cmd *smmctl_lookup(const struct smm_cmd *cmds, const char *word,
					   bool *ambiguous)
{
	const struct smm_cmd *c, *found = NULL;

	*ambiguous = false;
	for (c = cmds; c->name; c++) {
		if (!strcmp(word, c->name))
			return c;
		if (!smmctl_is_prefix(word, c->name))
			continue;
		if (found)
			*ambiguous = true;
		found = c;
	}
	return *ambiguous ? NULL : found;
}

static void smmctl_path_push(const char *name)
{
	size_t len = strlen(smmctl_path);

	snprintf(smmctl_path + len, sizeof(smmctl_path) - len, " %s", name);
}

static int smmctl_not_found(const char *word, bool ambiguous)
{
	fprintf(stderr, "Command \"%s\" %s, try \"%s help\".\n", word,
		ambiguous ? "is ambiguous" : "not found", smmctl_path);
	return 1;
}

/* No word means "show"; a table without one answers with its help. */
static const struct smm_cmd *smmctl_default(const struct smm_cmd *cmds, bool top)
{
	const struct smm_cmd *c;

	for (c = cmds; c->name; c++)
		if (!strcmp(c->name, "show"))
			return c;
	smmctl_help_table(stderr, cmds, top);
	return NULL;
}

/*
 * Run the command @argv names in @cmds: no word runs "show", "help"
 * prints this level's help, a word that names a table descends into it,
 * and a command gets the words after its name (or prints its own help
 * when the next word is "help").
 */
static int smmctl_dispatch(const struct smm_cmd *cmds, int argc, char **argv, bool top)
{
	const struct smm_cmd *c;
	bool ambiguous;

	if (argc < 1) {
		c = smmctl_default(cmds, top);
		if (!c)
			return 1;
	} else if (!strcmp(argv[0], "help")) {
		smmctl_help_table(stdout, cmds, top);
		return 0;
	} else {
		c = smmctl_lookup(cmds, argv[0], &ambiguous);
		if (!c)
			return smmctl_not_found(argv[0], ambiguous);
		argc--;
		argv++;
	}
	smmctl_path_push(c->name);
	if (c->sub)
		return smmctl_dispatch(c->sub, argc, argv, false);
	smmctl_running.cmds = cmds;
	smmctl_running.c = c;
	smmctl_running.top = top;
	if (argc > 0 && !strcmp(argv[0], "help"))
		return smmctl_help_running();
	return c->fn(argc, argv);
}

/* The help of the command running, for one that takes words first ("vmstat show help"). */
int smmctl_help_running(void)
{
	smmctl_help_cmd(stdout, smmctl_running.cmds, smmctl_running.c, smmctl_running.top);
	return 0;
}

/* ---- helpers for the commands ---- */

/* Open the netlink socket on first use, so that help needs no module. */
int smmctl_connect(void)
{
	if (smmctl_nl.sock || smmctl_nl.replay)
		return 0;
	if (smmc_nl_open(&smmctl_nl))
		return smmctl_error();
	return 0;
}

/* Report the library's last error; returns the exit code, 1. */
int smmctl_error(void)
{
	fprintf(stderr, "Error: %s\n", smmctl_nl.err);
	return 1;
}

int smmctl_bad_arg(const char *word)
{
	fprintf(stderr, "Error: unexpected argument \"%s\", try \"%s help\".\n", word,
		smmctl_path);
	return 1;
}

/* For commands that take no arguments: 0, or 1 after saying so. */
int smmctl_no_args(int argc, char **argv)
{
	return argc > 0 ? smmctl_bad_arg(argv[0]) : 0;
}

/* A non-negative number in C notation (decimal, 0x hex, 0 octal). */
int smmctl_parse_u64(const char *word, const char *what, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(word, &end, 0);
	if (!*word || *end || errno || *word == '-') {
		fprintf(stderr, "Error: invalid %s \"%s\"\n", what, word);
		return -1;
	}
	return 0;
}

/* What an alloc command prints: one handle a line, or a JSON array; frees them. */
int smmctl_print_handles(uint64_t *handles, uint32_t n)
{
	uint32_t i;

	smmc_open_json_array(SMMC_PRINT_JSON, "handles");
	for (i = 0; i < n; i++)
		smmc_print_u64(SMMC_PRINT_ANY, NULL, "%#" PRIx64 "\n", handles[i]);
	smmc_close_json_array(SMMC_PRINT_JSON, NULL);
	free(handles);
	return 0;
}

/* ---- main ---- */

static int smmctl_finish(int ret)
{
	smmc_delete_json_obj();
	smmc_nl_close(&smmctl_nl);
	/* a full disk or a closed pipe must not look like success */
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "Error: writing the output: %s\n", strerror(errno));
		return 1;
	}
	return ret;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json",	no_argument, NULL, 'j' },
		{ "pretty",	no_argument, NULL, 'p' },
		{ "prometheus",	no_argument, NULL, 'P' },
		{ "replay",	required_argument, NULL, 'R' },
		{ "version",	no_argument, NULL, 'V' },
		{ "help",	no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static char *prometheus[] = { "stats", "show", "prometheus" };
	bool json = false, prom = false;
	const char *replay = NULL;
	char **words;
	int opt, ret, n;

	/* "+": options end at the first word, which may start with '-' later */
	while ((opt = getopt_long(argc, argv, "+jpPVh", opts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			json = true;
			break;
		case 'p':
			smmc_set_json_pretty(true);	/* only JSON is pretty-printed */
			break;
		case 'P':
			prom = true;
			break;
		case 'R':
			replay = optarg;
			break;
		case 'V':
			printf("smmctl %s (shadowmm netlink version %d)\n", SMMCTL_VERSION,
			       SHADOWMM_GENL_VERSION);
			return 0;
		case 'h':
			smmctl_help_table(stdout, smmctl_objects, true);
			return 0;
		default:
			smmctl_help_table(stderr, smmctl_objects, true);
			return 1;
		}
	}
	argc -= optind;
	argv += optind;
	if (replay && smmc_nl_open_replay(&smmctl_nl, replay))
		return smmctl_error();
	if (prom) {
		/* -P WORDS...: stats show prometheus WORDS...; -P help: stats show help */
		n = argc && !strcmp(argv[0], "help") ? 2 : ARRAY_SIZE(prometheus);
		words = calloc(argc + n + 1, sizeof(*words));
		if (!words) {
			fprintf(stderr, "Error: %s\n", strerror(ENOMEM));
			return 1;
		}
		memcpy(words, prometheus, n * sizeof(*words));
		memcpy(words + n, argv, argc * sizeof(*argv));
		argc += n;
		argv = words;
	}
	smmc_new_json_obj(json);
	ret = smmctl_finish(smmctl_dispatch(smmctl_objects, argc, argv, true));
	if (prom)
		free(argv);
	return ret;
}
