// SPDX-License-Identifier: GPL-2.0
/*
 * smmctl fault { show [ TARGET ] | set TARGET NAME VALUE [ NAME VALUE... ] }:
 * fault injection, as the kernel's fail_page_alloc/ and failslab/
 * debugfs directories (Documentation/debugging.md). show prints one line
 * per target, "fail_page_alloc: probability 10 interval 1 ..." (JSON:
 * {"fail_page_alloc": {"probability": 10, ...}, "failslab": {...}});
 * set sends every pair in one request, which the module takes whole or
 * refuses whole. Every word and value is checked first, and a bad one
 * is refused naming its setting.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smmctl.h"

/* The target @word names, or -1 after saying so. */
static int fault_target(const char *word)
{
	int t = smmc_fault_target(word);

	if (t < 0)
		fprintf(stderr, "Error: unknown fault injection target \"%s\", try \"page\" or \"slab\".\n",
			word);
	return t;
}

static bool fault_is_bool(const struct smmc_fault_setting *s)
{
	return s->type == MNL_TYPE_U8;
}

/*
 * One setting, as debugfs's word and value; a bool as on or off (JSON:
 * true, false); the zone filter by the zone's name or "any" (debugfs
 * has the number).
 */
static void fault_print_one(const struct smmc_fault_setting *s, int64_t v)
{
	if (fault_is_bool(s)) {
		smmc_print_text(" %s %s", s->name, v ? "on" : "off");
		smmc_print_bool(SMMC_PRINT_JSON, s->key, NULL, v);
	} else if (s->attr == SHADOWMM_A_FAULT_ZONE) {
		smmc_print_text(" %s", s->name);
		smmc_print_string(SMMC_PRINT_ANY, s->key, " %s",
				  v >= 0 && v < SMMC_NR_ZONES ? smmc_zone_names[v] : "any");
	} else if (s->attr == SHADOWMM_A_FAULT_TIMES || s->attr == SHADOWMM_A_FAULT_SPACE) {
		smmc_print_text(" %s", s->name);
		smmc_print_s64(SMMC_PRINT_ANY, s->key, " %" PRId64, v);
	} else {
		smmc_print_text(" %s", s->name);
		smmc_print_u64(SMMC_PRINT_ANY, s->key, " %" PRIu64, (uint64_t)v);
	}
}

static void fault_print(const struct smmc_fault *f, unsigned int t)
{
	unsigned int i;

	smmc_open_json_object(smmc_fault_dirs[t]);
	smmc_print_text("%s:", smmc_fault_dirs[t]);
	for (i = 0; i < SMMC_FAULT_NR_SETTINGS; i++) {
		const struct smmc_fault_setting *s = &smmc_fault_settings[i];

		if (f->has[s->attr])
			fault_print_one(s, f->v[s->attr]);
	}
	smmc_print_text("\n");
	smmc_close_json_object();
}

static int fault_show(int argc, char **argv)
{
	struct smmc_fault f[SMMC_FAULT_NR_TARGETS];
	int t = -1;
	unsigned int i;

	if (argc > 1)
		return smmctl_bad_arg(argv[1]);
	if (argc && (t = fault_target(argv[0])) < 0)
		return 1;
	if (smmctl_connect())
		return 1;
	if (smmc_fault_get(&smmctl_nl, f))
		return smmctl_error();
	for (i = 0; i < SMMC_FAULT_NR_TARGETS; i++)
		if (t < 0 || (unsigned int)t == i)
			fault_print(&f[i], i);
	return 0;
}

/*
 * @word as @s's value: on/off for a bool, a zone's name or "any" for the
 * zone filter (or its number, as debugfs takes it), else a number in its
 * range.
 */
static int fault_parse_value(const struct smmc_fault_setting *s, const char *word, int64_t *v)
{
	char *end;
	int z;

	if (fault_is_bool(s)) {
		if (!strcmp(word, "on") || !strcmp(word, "1"))
			*v = 1;
		else if (!strcmp(word, "off") || !strcmp(word, "0"))
			*v = 0;
		else
			goto bad;
		return 0;
	}
	if (s->attr == SHADOWMM_A_FAULT_ZONE) {
		z = smmc_zone_by_name(word);
		if (z >= 0 || !strcmp(word, "any")) {
			*v = z >= 0 ? z : -1;
			return 0;
		}
	}
	errno = 0;
	if (s->attr == SHADOWMM_A_FAULT_SEED) {
		*v = (int64_t)strtoull(word, &end, 0);
		if (!*word || *end || errno || *word == '-')
			goto bad;
		return 0;
	}
	*v = strtoll(word, &end, 0);
	if (!*word || *end || errno || *v < s->min || *v > s->max)
		goto bad;
	return 0;
bad:
	if (fault_is_bool(s))
		fprintf(stderr, "Error: invalid %s \"%s\": on or off\n", s->name, word);
	else if (s->attr == SHADOWMM_A_FAULT_SEED)
		fprintf(stderr, "Error: invalid seed \"%s\": a number of 64 bits\n", word);
	else if (s->attr == SHADOWMM_A_FAULT_ZONE)
		fprintf(stderr, "Error: invalid zone \"%s\": a zone's name, \"any\" or -1 to %d\n",
			word, SMMC_NR_ZONES - 1);
	else
		fprintf(stderr, "Error: invalid %s \"%s\": %" PRId64 " to %" PRId64 "\n", s->name,
			word, s->min, s->max);
	return -1;
}

/* The pairs into @f for target @t; each name once, a setting of @t, its value in range. */
static int fault_set_args(int argc, char **argv, int t, struct smmc_fault *f)
{
	const struct smmc_fault_setting *s;
	int a;

	memset(f, 0, sizeof(*f));
	if (!argc || argc % 2) {
		fprintf(stderr, "Error: usage: smmctl fault set TARGET NAME VALUE [ NAME VALUE... ]\n");
		return -1;
	}
	for (a = 0; a < argc; a += 2) {
		s = smmc_fault_setting(argv[a]);
		if (!s || s->min > s->max) {
			fprintf(stderr, "Error: unknown setting \"%s\", try \"smmctl fault help\".\n",
				argv[a]);
			return -1;
		}
		if (!smmc_fault_has(s, t)) {
			fprintf(stderr, "Error: %s is not a setting of %s\n", s->name,
				smmc_fault_dirs[t]);
			return -1;
		}
		if (f->has[s->attr]) {
			fprintf(stderr, "Error: \"%s\" given twice\n", argv[a]);
			return -1;
		}
		if (fault_parse_value(s, argv[a + 1], &f->v[s->attr]))
			return -1;
		f->has[s->attr] = true;
	}
	return 0;
}

static int fault_set(int argc, char **argv)
{
	struct smmc_fault f;
	int t;

	if (!argc) {
		fprintf(stderr, "Error: usage: smmctl fault set TARGET NAME VALUE [ NAME VALUE... ]\n");
		return 1;
	}
	t = fault_target(argv[0]);
	if (t < 0 || fault_set_args(argc - 1, argv + 1, t, &f) || smmctl_connect())
		return 1;
	if (smmc_fault_set(&smmctl_nl, t, &f))
		return smmctl_error();
	return 0;
}

const struct smm_cmd smmctl_fault_cmds[] = {
	SMM_CMD("show", fault_show, "[ TARGET ]", "settings and counters, a line per target"),
	SMM_CMD("set", fault_set, "TARGET NAME VALUE [ NAME VALUE... ]",
		"set a target's settings, all or none (admin)"),
	SMM_CMD_END("TARGET := { page | slab }  (fail_page_alloc, failslab)\n"
		    "NAME := { probability | interval | times | space | verbose | seed |\n"
		    "          ignore-gfp-wait | min-order | ignore-gfp-atomic | zone | cache-filter }\n"
		    "       probability: 0 to 100 (percent); interval: 1 or more\n"
		    "       times: -1 (unlimited) or more; space: 0 or more (pages, bytes)\n"
		    "       verbose: 0 to 2; seed: 64 bits, restarts the generator\n"
		    "       ignore-gfp-wait, ignore-gfp-atomic, cache-filter: on or off\n"
		    "       min-order (0 to 10), ignore-gfp-atomic, zone (a name or any): page only;\n"
		    "       cache-filter: slab only\n"),
};
