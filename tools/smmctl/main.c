// SPDX-License-Identifier: GPL-2.0
/*
 * smmctl [OPTIONS] OBJECT [COMMAND [ARGS]]: the shadowmm command line.
 * Options: -j/--json, -p/--pretty (with -j), -V/--version, -h/--help.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smmctl.h"

#define SMMCTL_VERSION	"0.1.0"

struct smm_nl smmctl_nl;

static const struct smm_cmd smmctl_objects[] = {
	{ "info",	do_info,	"what is managed, how, by which module" },
	{ "section",	do_section,	"the backing sections" },
	{ "zone",	do_zone,	"zones: free areas, watermarks, counters" },
	{ "page",	do_page,	"allocate and free shadow pages" },
	{ "frame",	do_frame,	"the frame map" },
	{ "check",	do_check,	"verify every allocator invariant" },
	{ "reset",	do_reset,	"free every shadow allocation" },
	{ NULL }
};

bool smmctl_matches(const char *word, const char *name)
{
	return *word && !strncmp(word, name, strlen(word));
}

static void smmctl_help(const char *object, const struct smm_cmd *cmds, FILE *f)
{
	const struct smm_cmd *c;

	fprintf(f, "Usage: smmctl [-j] [-p] %s%s\n", object ? object : "OBJECT",
		object ? " COMMAND" : " [COMMAND [ARGS]]");
	fprintf(f, "where %s := {\n", object ? "COMMAND" : "OBJECT");
	for (c = cmds; c->name; c++)
		fprintf(f, "\t%-10s %s\n", c->name, c->help);
	fprintf(f, "}\n");
}

/*
 * Find argv[0] in @cmds by unique prefix (an exact name always wins) and
 * run it with the remaining words. No word means the first entry (show).
 */
int smmctl_dispatch(const char *object, const struct smm_cmd *cmds, int argc, char **argv)
{
	const struct smm_cmd *c, *found = NULL;
	int n = 0;

	if (argc < 1)
		return cmds[0].fn(0, argv);
	if (!strcmp(argv[0], "help") || !strcmp(argv[0], "-h")) {
		smmctl_help(object, cmds, stdout);
		return 0;
	}
	for (c = cmds; c->name; c++) {
		if (!strcmp(argv[0], c->name)) {
			found = c;
			n = 1;
			break;
		}
		if (smmctl_matches(argv[0], c->name)) {
			found = c;
			n++;
		}
	}
	if (n != 1) {
		fprintf(stderr, "Command \"%s\" %s, try \"smmctl %s%shelp\".\n", argv[0],
			n ? "is ambiguous" : "not found", object ? object : "", object ? " " : "");
		return 1;
	}
	return found->fn(argc - 1, argv + 1);
}

int smmctl_error(const char *what)
{
	fprintf(stderr, "Error: %s: %s\n", what, smmctl_nl.err);
	return 1;
}

int smmctl_connect(void)
{
	if (smmctl_nl.sock)
		return 0;
	if (smm_nl_open(&smmctl_nl)) {
		fprintf(stderr, "Error: %s\n", smmctl_nl.err);
		return 1;
	}
	return 0;
}

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

static void smmctl_usage(FILE *f)
{
	fprintf(f, "Usage: smmctl [OPTIONS] OBJECT [COMMAND [ARGS]]\n"
		   "       smmctl help\n"
		   "OPTIONS := { -j[son] | -p[retty] | -V[ersion] | -h[elp] }\n");
	smmctl_help(NULL, smmctl_objects, f);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	bool json = false, pretty = false;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "+jpVh", opts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			json = true;
			break;
		case 'p':
			pretty = true;
			break;
		case 'V':
			printf("smmctl %s\n", SMMCTL_VERSION);
			return 0;
		case 'h':
			smmctl_usage(stdout);
			return 0;
		default:
			smmctl_usage(stderr);
			return 1;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		smmctl_usage(stderr);
		return 1;
	}
	if (!strcmp(argv[0], "help")) {
		smmctl_usage(stdout);
		return 0;
	}
	new_json_obj(json, pretty);
	ret = smmctl_dispatch(NULL, smmctl_objects, argc, argv);
	delete_json_obj();
	smm_nl_close(&smmctl_nl);
	return ret;
}
