// SPDX-License-Identifier: GPL-2.0
/*
 * The workload generator:
 *
 *   smmctl space run ID pattern { seq | random | hot-cold [ PCT ] | zipf [ S ] }
 *                    rate N [ write PCT ] [ for SECONDS ]
 *   smmctl space stop ID
 *   smmctl space workloads
 *
 * run starts a kernel thread that accesses the space's VMAs N times a
 * second (hot-cold: PCT % of the accesses, 80 by default, to the first
 * fifth of the pages; zipf: page r-1 with weight 1/r^S, S 0.01-4.00
 * with up to two decimals, 0.99 by default), PCT % of them writes, for SECONDS or until
 * stopped; workloads lists them with their accesses, faults and, once
 * ended, why; stop ends one and forgets it.
 */
#include <stdlib.h>
#include <string.h>

#include "smmctl.h"

#define RUN_USAGE "usage: smmctl space run ID pattern { seq | random | hot-cold [ PCT ] | zipf [ S ] } rate N [ write PCT ] [ for SECONDS ]"

/* A percentage word: 0-100. */
static int parse_pct(const char *word, const char *what, uint32_t *v)
{
	uint64_t x;

	if (smmctl_parse_u64(word, what, &x))
		return -1;
	if (x > 100) {
		fprintf(stderr, "Error: %s \"%s\" is not a percentage (0-100)\n", what, word);
		return -1;
	}
	*v = x;
	return 0;
}

/*
 * zipf's exponent: a decimal with up to two places, 0.01 to 4.00, in
 * hundredths ("0.99" -> 99, "2" -> 200, "1.5" -> 150).
 */
static int parse_zipf(const char *word, uint32_t *v)
{
	const char *p = word;
	uint32_t x = 0, places = 0;
	bool digits = false, dot = false;

	for (; *p; p++) {
		if (*p == '.' && !dot) {
			dot = true;
			continue;
		}
		if (*p < '0' || *p > '9' || (dot && places == 2) || x > 100000)
			goto bad;
		x = x * 10 + (*p - '0');
		places += dot;
		digits = true;
	}
	for (; places < 2; places++)
		x *= 10;
	if (!digits || x < SMMC_ZIPF_S_MIN || x > SMMC_ZIPF_S_MAX)
		goto bad;
	*v = x;
	return 0;
bad:
	fprintf(stderr, "Error: zipf exponent \"%s\" is not 0.01-4.00 (at most two decimals)\n", word);
	return -1;
}

/* A word that starts like a number: the pattern's optional parameter. */
static bool is_number(const char *word)
{
	return (word[0] >= '0' && word[0] <= '9') || word[0] == '.';
}

/* The pattern word and, for hot-cold and zipf, its optional parameter; words used in *@used. */
static int parse_pattern(int argc, char **argv, struct smmc_workload *w, int *used)
{
	unsigned int p;

	for (p = 0; p < ARRAY_SIZE(smmc_workload_patterns); p++)
		if (!strcmp(argv[0], smmc_workload_patterns[p]))
			break;
	if (p == ARRAY_SIZE(smmc_workload_patterns)) {
		fprintf(stderr, "Error: pattern \"%s\" is not seq, random, hot-cold or zipf\n", argv[0]);
		return -1;
	}
	w->pattern = p;
	*used = 1;
	w->param = p == SHADOWMM_WORKLOAD_HOT_COLD ? 80 : 0;
	if (p == SHADOWMM_WORKLOAD_ZIPF)
		w->param = SMMC_ZIPF_S_DEFAULT;
	if (p < SHADOWMM_WORKLOAD_HOT_COLD || argc < 2 || !is_number(argv[1]))
		return 0;
	*used = 2;
	if (p == SHADOWMM_WORKLOAD_ZIPF)
		return parse_zipf(argv[1], &w->param);
	return parse_pct(argv[1], "hot share", &w->param);
}

static int run_parse(int argc, char **argv, struct smmc_workload *w)
{
	bool has_pattern = false, has_rate = false;
	uint64_t x;
	int used;

	memset(w, 0, sizeof(*w));
	if (argc < 1 || smmctl_space_id(argv[0], &w->space))
		return -1;
	for (argc--, argv++; argc > 0; argc -= used, argv += used) {
		used = 2;
		if (argc < 2) {
			smmctl_bad_arg(argv[0]);
			return -1;
		} else if (!strcmp(argv[0], "pattern")) {
			if (parse_pattern(argc - 1, argv + 1, w, &used))
				return -1;
			used++;
			has_pattern = true;
		} else if (!strcmp(argv[0], "rate")) {
			if (smmctl_parse_u64(argv[1], "rate", &x))
				return -1;
			if (!x || x > SHADOWMM_WORKLOAD_MAX_RATE) {
				fprintf(stderr, "Error: rate \"%s\" is not 1-%u accesses a second\n",
					argv[1], SHADOWMM_WORKLOAD_MAX_RATE);
				return -1;
			}
			w->rate = x;
			has_rate = true;
		} else if (!strcmp(argv[0], "write")) {
			if (parse_pct(argv[1], "write share", &w->write_pct))
				return -1;
		} else if (!strcmp(argv[0], "for")) {
			if (smmctl_parse_u64(argv[1], "seconds", &x))
				return -1;
			if (!x || x > SHADOWMM_WORKLOAD_MAX_SECONDS) {
				fprintf(stderr, "Error: \"for %s\" is not 1-%u seconds\n", argv[1],
					SHADOWMM_WORKLOAD_MAX_SECONDS);
				return -1;
			}
			w->seconds = x;
		} else {
			smmctl_bad_arg(argv[0]);
			return -1;
		}
	}
	if (!has_pattern || !has_rate) {
		fprintf(stderr, "Error: " RUN_USAGE "\n");
		return -1;
	}
	return 0;
}

int smmctl_space_run(int argc, char **argv)
{
	struct smmc_workload w;

	if (run_parse(argc, argv, &w) || smmctl_connect())
		return 1;
	if (smmc_workload_start(&smmctl_nl, &w))
		return smmctl_error();
	return 0;
}

int smmctl_space_stop(int argc, char **argv)
{
	uint32_t id;

	if (argc != 1) {
		fprintf(stderr, "Error: usage: smmctl space stop ID\n");
		return 1;
	}
	if (smmctl_space_id(argv[0], &id) || smmctl_connect())
		return 1;
	if (smmc_workload_stop(&smmctl_nl, id))
		return smmctl_error();
	return 0;
}

/* zipf's exponent: " 0.99" in text, "zipf_s": 0.990 in JSON. */
static void print_zipf(uint32_t s100)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%u.%02u", s100 / 100, s100 % 100);
	smmc_print_string(SMMC_PRINT_FP, NULL, " %s", buf);
	smmc_print_milli(SMMC_PRINT_JSON, "zipf_s", NULL, (int64_t)s100 * 10);
}

static void workload_print(const struct smmc_workload *w)
{
	smmc_open_json_object(NULL);
	smmc_print_uint(SMMC_PRINT_ANY, "space", "space %u", w->space);
	smmc_print_string(SMMC_PRINT_ANY, "pattern", " pattern %s", smmc_workload_patterns[w->pattern]);
	if (w->pattern == SHADOWMM_WORKLOAD_HOT_COLD)
		smmc_print_uint(SMMC_PRINT_ANY, "hot_pct", " %u", w->param);
	if (w->pattern == SHADOWMM_WORKLOAD_ZIPF)
		print_zipf(w->param);
	smmc_print_uint(SMMC_PRINT_ANY, "rate", " rate %u", w->rate);
	smmc_print_uint(SMMC_PRINT_ANY, "write_pct", " write %u%%", w->write_pct);
	smmc_print_uint(SMMC_PRINT_ANY, "seconds", " for %u", w->seconds);
	smmc_print_u64(SMMC_PRINT_ANY, "accesses", " accesses %" PRIu64, w->accesses);
	smmc_print_u64(SMMC_PRINT_ANY, "faults", " faults %" PRIu64, w->faults);
	smmc_print_bool(SMMC_PRINT_ANY, "running", w->running ? " running" : " ended", w->running);
	if (!w->running)
		smmc_print_string(SMMC_PRINT_ANY, "reason", ": %s", w->reason);
	smmc_print_text("\n");
	smmc_close_json_object();
}

int smmctl_space_workloads(int argc, char **argv)
{
	struct smmc_workload *v;
	size_t n, i;

	if (smmctl_no_args(argc, argv) || smmctl_connect())
		return 1;
	if (smmc_workloads_get(&smmctl_nl, &v, &n))
		return smmctl_error();
	smmc_open_json_array(SMMC_PRINT_JSON, "workloads");
	for (i = 0; i < n; i++)
		workload_print(&v[i]);
	smmc_close_json_array(SMMC_PRINT_JSON, NULL);
	free(v);
	return 0;
}
