// SPDX-License-Identifier: GPL-2.0
/*
 * smmctl zone [ show [ ZONE ] ]: per zone, what the allocator sees
 * smmctl zone history [ count N ] [ interval S ] [ svg FILE ]: free pages
 * and the fragmentation index per order over time, sampled live or read
 * from a capture's snapshots (smmctl --replay CAP)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "smmctl.h"

static void print_u64_row(const char *key, const char *label, const uint64_t *v, unsigned int n)
{
	unsigned int i;

	smmc_print_text("  %-12s", label);
	smmc_open_json_array(SMMC_PRINT_JSON, key);
	for (i = 0; i < n; i++)
		smmc_print_u64(SMMC_PRINT_ANY, NULL, " %6" PRIu64, v[i]);
	smmc_close_json_array(SMMC_PRINT_JSON, NULL);
	smmc_print_text("\n");
}

/* "  LABEL name v name v ..." in text, an object of @names under @key in JSON. */
static void print_u64_named(const char *key, const char *label, const char *const *names,
			    const uint64_t *v, unsigned int n)
{
	unsigned int i;

	smmc_print_text("  %-12s", label);
	smmc_open_json_object(key);
	for (i = 0; i < n; i++) {
		smmc_print_text(" %s", names[i]);
		smmc_print_u64(SMMC_PRINT_ANY, names[i], " %" PRIu64, v[i]);
	}
	smmc_close_json_object();
	smmc_print_text("\n");
}

/* The orders' values of @v as " %6s" words, or a JSON array under @key. */
static void print_milli_row_values(const char *key, const int32_t *v)
{
	unsigned int o;

	smmc_open_json_array(SMMC_PRINT_JSON, key);
	for (o = 0; o < SMMC_NR_ORDERS; o++)
		smmc_print_milli(SMMC_PRINT_ANY, NULL, " %6s", v[o]);
	smmc_close_json_array(SMMC_PRINT_JSON, NULL);
	smmc_print_text("\n");
}

static void print_milli_row(const char *key, const int32_t *v)
{
	smmc_print_text("  %-12s", key);
	print_milli_row_values(key, v);
}

static void print_free_area(const struct smmc_zone *z)
{
	static const uint64_t orders[SMMC_NR_ORDERS] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	uint64_t col[SMMC_NR_ORDERS];
	unsigned int mt, o;

	smmc_print_text("  %-12s", "order");
	for (o = 0; o < SMMC_NR_ORDERS; o++)
		smmc_print_text(" %6" PRIu64, orders[o]);
	smmc_print_text("\n");
	print_u64_row("nr_free", "nr_free", z->nr_free, SMMC_NR_ORDERS);
	smmc_open_json_object("nr_free_mt");
	for (mt = 0; mt < SMMC_NR_MT; mt++) {
		for (o = 0; o < SMMC_NR_ORDERS; o++)
			col[o] = z->nr_free_mt[o][mt];
		print_u64_row(smmc_mt_names[mt], smmc_mt_names[mt], col, SMMC_NR_ORDERS);
	}
	smmc_close_json_object();
	print_milli_row("unusable_index", z->unusable);
	print_milli_row("extfrag_index", z->extfrag);
}

#define STAT(member)	SMMC_FIELD(struct smmc_zone_stats, #member, member, 0)

static const struct smmc_field stats_fields[] = {
	STAT(mt_fallback), STAT(mt_steal), STAT(zone_fallback),
	STAT(wmark_low), STAT(wmark_min), STAT(alloc_fail),
	STAT(pcp_alloc), STAT(pcp_free), STAT(pcp_refill), STAT(pcp_drain),
};

static void print_stats(const struct smmc_zone_stats *s)
{
	smmc_open_json_object("stats");
	print_u64_row("alloc", "alloc", s->alloc, SMMC_NR_ORDERS);
	print_u64_row("free", "freed", s->free, SMMC_NR_ORDERS);
	smmc_print_text(" ");
	smmc_print_fields(s, stats_fields, 6, false);
	smmc_print_text("\n ");
	smmc_print_fields(s, stats_fields + 6, 4, false);
	smmc_print_text("\n");
	smmc_close_json_object();
}

/* Each online CPU's pcp free_factor: " free_factor cpu0 0 cpu1 2", in JSON objects. */
static void print_free_factor(const struct smmc_zone *z)
{
	unsigned int i;

	if (z->nr_pcp_cpus)
		smmc_print_text(" free_factor");
	smmc_open_json_array(SMMC_PRINT_JSON, "pcp_free_factor");
	for (i = 0; i < z->nr_pcp_cpus; i++) {
		smmc_open_json_object(NULL);
		smmc_print_uint(SMMC_PRINT_ANY, "cpu", " cpu%u", z->pcp_cpus[i].cpu);
		smmc_print_uint(SMMC_PRINT_ANY, "free_factor", " %u", z->pcp_cpus[i].free_factor);
		smmc_close_json_object();
	}
	smmc_close_json_array(SMMC_PRINT_JSON, NULL);
	smmc_print_text("\n");
}

/*
 * The zone's compaction: runs since load and, while one scans, its
 * order and the two scanners' positions (frame indexes, as
 * compact_control's migrate_pfn and free_pfn); JSON has them always.
 */
static void print_compaction(const struct smmc_zone *z)
{
	enum smmc_output_type now = z->compact_running ? SMMC_PRINT_ANY : SMMC_PRINT_JSON;

	smmc_open_json_object("compaction");
	smmc_print_text("  %-12s", "compaction");
	smmc_print_u64(SMMC_PRINT_ANY, "runs", " runs %" PRIu64, z->compact_runs);
	smmc_print_bool(SMMC_PRINT_JSON, "running", NULL, z->compact_running);
	smmc_print_int(now, "order", " running order %d", z->compact_order);
	smmc_print_u64(now, "migrate_pfn", " migrate_pfn %" PRIu64, z->compact_migrate_pfn);
	smmc_print_u64(now, "free_pfn", " free_pfn %" PRIu64, z->compact_free_pfn);
	smmc_close_json_object();
	smmc_print_text("\n");
}

static void print_zone(const struct smmc_zone *z)
{
	unsigned int mt;

	smmc_open_json_object(NULL);
	smmc_print_u64(SMMC_PRINT_JSON, "id", NULL, z->id);
	smmc_print_string(SMMC_PRINT_ANY, "name", "zone %s", z->name);
	smmc_print_u64(SMMC_PRINT_ANY, "start", " start %" PRIu64, z->start);
	smmc_print_u64(SMMC_PRINT_ANY, "spanned", " spanned %" PRIu64, z->spanned);
	smmc_print_u64(SMMC_PRINT_ANY, "present", " present %" PRIu64, z->present);
	smmc_print_u64(SMMC_PRINT_ANY, "managed", " managed %" PRIu64 "\n", z->managed);
	smmc_print_text(" ");
	/* free .. high, boost, nr_reserved_highatomic */
	smmc_print_fields(z, smmc_zone_fields + 1, SMMC_NR_ZONE_FIELDS - 1, false);
	smmc_print_text("\n ");
	smmc_print_u64(SMMC_PRINT_ANY, "pcp_high", " pcp_high %" PRIu64, z->pcp_high);
	smmc_print_u64(SMMC_PRINT_ANY, "pcp_batch", " pcp_batch %" PRIu64, z->pcp_batch);
	print_free_factor(z);
	print_u64_row("lowmem_reserve", "protection", z->lowmem_reserve, SMMC_NR_ZONES);
	print_free_area(z);
	smmc_print_text("  %-12s", "pageblocks");
	smmc_open_json_object("pageblocks");
	for (mt = 0; mt < SMMC_NR_MT; mt++) {
		smmc_print_text(" %s", smmc_mt_names[mt]);
		smmc_print_u64(SMMC_PRINT_ANY, smmc_mt_names[mt], " %" PRIu64, z->pageblocks[mt]);
	}
	smmc_close_json_object();
	smmc_print_text("\n");
	print_u64_named("lru", "lru", smmc_lru_names, z->nr_lru, SMMC_NR_LRU_LISTS);
	print_compaction(z);
	print_stats(&z->stats);
	smmc_close_json_object();
}

static int zone_show(int argc, char **argv)
{
	struct smmc_zone zones[SMMC_NR_ZONES];
	unsigned int n, i;
	int only = -1, ret;

	if (argc > 1)
		return smmctl_bad_arg(argv[1]);
	if (argc == 1) {
		only = smmc_zone_by_name(argv[0]);
		if (only < 0) {
			fprintf(stderr, "Error: unknown zone \"%s\" (DMA, DMA32, Normal, HighMem or Movable)\n",
				argv[0]);
			return 1;
		}
	}
	if (smmctl_connect())
		return 1;
	/*
	 * A zone allocated from on several CPUs at once may never stand still
	 * while the module copies it: its last copy is printed with a warning,
	 * as ip prints an interrupted dump.
	 */
	ret = smmc_zones_get(&smmctl_nl, zones, &n);
	if (ret == SMMC_NL_DUMP_INTR)
		fprintf(stderr, "Warning: the zones changed during each of %d dumps; each zone's numbers are whole but may be of different moments\n",
			SMMC_ZONE_DUMP_TRIES);
	else if (ret)
		return smmctl_error();
	smmc_open_json_array(SMMC_PRINT_JSON, "zones");
	for (i = 0; i < n; i++) {
		if ((only >= 0 && zones[i].id != (uint32_t)only) ||
		    (only < 0 && !zones[i].managed && !smmc_is_json_context()))
			continue;
		print_zone(&zones[i]);
	}
	smmc_close_json_array(SMMC_PRINT_JSON, NULL);
	return 0;
}


/* History: at most this many samples (each is the zones' whole replies). */
#define ZONE_HISTORY_MAX	3600
#define ZONE_HISTORY_LIVE	10	/* samples taken live by default, 1 s apart */

struct zone_history_args {
	uint64_t count;			/* 0: live 10, replayed every snapshot */
	double interval;		/* seconds; < 0: not given */
	const char *svg;
};

/* count N, interval S, svg FILE: each at most once is not enforced, the last wins. */
static int zone_history_parse(int argc, char **argv, struct zone_history_args *a)
{
	char *end;
	int i;

	for (i = 0; i < argc; i += 2) {
		if (strcmp(argv[i], "count") && strcmp(argv[i], "interval") && strcmp(argv[i], "svg"))
			return smmctl_bad_arg(argv[i]);
		if (i + 1 == argc) {
			fprintf(stderr, "Error: %s needs an argument\n", argv[i]);
			return 1;
		}
		if (argv[i][0] == 's') {
			a->svg = argv[i + 1];
		} else if (argv[i][0] == 'c') {
			if (smmctl_parse_u64(argv[i + 1], "count", &a->count))
				return 1;
			if (!a->count || a->count > ZONE_HISTORY_MAX) {
				fprintf(stderr, "Error: count is 1 to %u\n", ZONE_HISTORY_MAX);
				return 1;
			}
		} else {
			errno = 0;
			a->interval = strtod(argv[i + 1], &end);
			if (!*argv[i + 1] || *end || errno || !(a->interval >= 0.01 && a->interval <= 3600)) {
				fprintf(stderr, "Error: interval is 0.01 to 3600 seconds, not \"%s\"\n",
					argv[i + 1]);
				return 1;
			}
		}
	}
	return 0;
}

/* @s seconds, whatever signals interrupt the sleep. */
static void zone_history_sleep(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (time_t)s) * 1e9) };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Sample @i: each zone with managed pages, its free pages and extfrag indexes. */
static void zone_history_print(const struct smmc_svg_history *h, unsigned int i)
{
	unsigned int z;

	smmc_open_json_object(NULL);
	smmc_print_uint(SMMC_PRINT_ANY, "sample", "sample %u", i);
	if (h->interval > 0)
		smmc_print_milli(SMMC_PRINT_ANY, "time", " time %s",
				 (int32_t)(i * h->interval * 1000 + 0.5));
	smmc_print_text("\n");
	smmc_open_json_array(SMMC_PRINT_JSON, "zones");
	for (z = 0; z < h->nr_zones[i]; z++) {
		const struct smmc_zone *zn = &h->zones[i][z];

		if (!zn->managed)
			continue;
		smmc_open_json_object(NULL);
		smmc_print_string(SMMC_PRINT_ANY, "name", "  %-8s", zn->name);
		smmc_print_u64(SMMC_PRINT_ANY, "free", " free %8" PRIu64, zn->free);
		smmc_print_text(" extfrag");
		print_milli_row_values("extfrag_index", zn->extfrag);
		smmc_close_json_object();
	}
	smmc_close_json_array(SMMC_PRINT_JSON, NULL);
	smmc_close_json_object();
}

/*
 * Take the samples: from a capture, its ZONE_GET replies in turn (what
 * smmtop --record asked once a refresh), all of them unless count says
 * fewer; live, count dumps interval seconds apart. A dump the zones kept
 * interrupting is used as it is (smmc_zones_get's last), with a warning.
 */
static int zone_history_take(const struct zone_history_args *a, struct smmc_svg_history *h,
			     bool print)
{
	bool intr = false;
	unsigned int i;
	int ret;

	h->nr_samples = a->count;
	if (smmctl_nl.replay) {
		unsigned int have = smmc_capture_count(smmctl_nl.replay, SHADOWMM_CMD_ZONE_GET);

		if (!a->count || a->count > have)
			h->nr_samples = have > ZONE_HISTORY_MAX ? ZONE_HISTORY_MAX : have;
		h->interval = a->interval > 0 ? a->interval : 0;
	} else {
		if (!a->count)
			h->nr_samples = ZONE_HISTORY_LIVE;
		h->interval = a->interval > 0 ? a->interval : 1;
	}
	if (!h->nr_samples) {
		fprintf(stderr, "Error: the capture has no zone snapshot\n");
		return 1;
	}
	h->zones = calloc(h->nr_samples, sizeof(*h->zones));
	h->nr_zones = calloc(h->nr_samples, sizeof(*h->nr_zones));
	if (!h->zones || !h->nr_zones) {
		fprintf(stderr, "Error: %s\n", strerror(ENOMEM));
		return 1;
	}
	for (i = 0; i < h->nr_samples; i++) {
		if (i && !smmctl_nl.replay)
			zone_history_sleep(h->interval);
		ret = smmc_zones_get(&smmctl_nl, h->zones[i], &h->nr_zones[i]);
		if (ret == SMMC_NL_DUMP_INTR)
			intr = true;
		else if (ret)
			return smmctl_error();
		if (print)
			zone_history_print(h, i);
	}
	if (intr)
		fprintf(stderr, "Warning: some samples' zones changed during each of %d dumps\n",
			SMMC_ZONE_DUMP_TRIES);
	return 0;
}

/*
 * zone history: the samples printed as they come (text or JSON), or
 * drawn into FILE once all are taken (svg FILE), FILE replaced whole.
 */
static int zone_history(int argc, char **argv)
{
	struct zone_history_args a = { .interval = -1 };
	struct smmc_svg_history h = { 0 };
	char tmp[4096], when[64];
	FILE *f;
	int ret;

	if (zone_history_parse(argc, argv, &a) || smmctl_connect())
		return 1;
	smmctl_svg_when(when, sizeof(when));
	h.when = when;
	if (!a.svg) {
		/* each sample printed as it is taken, as vmstat's lines */
		smmc_open_json_array(SMMC_PRINT_JSON, "samples");
		ret = zone_history_take(&a, &h, true);
		smmc_close_json_array(SMMC_PRINT_JSON, NULL);
		goto out;
	}
	ret = zone_history_take(&a, &h, false);
	if (ret)
		goto out;
	ret = 1;
	f = smmctl_svg_create(a.svg, tmp, sizeof(tmp));
	if (f)
		ret = smmctl_svg_commit(f, tmp, a.svg, smmc_svg_zone_history(f, &h));
out:
	free(h.zones);
	free(h.nr_zones);
	return ret;
}

const struct smm_cmd smmctl_zone_cmds[] = {
	SMM_CMD("show", zone_show, "[ ZONE ]",
		"sizes, free areas, watermarks and boost, pcp free_factor, counters"),
	SMM_CMD("history", zone_history, "[ count N ] [ interval S ] [ svg FILE ]",
		"free pages and extfrag index per order over time; live, or a capture's snapshots"),
	SMM_CMD_END("ZONE := { DMA | DMA32 | Normal | HighMem | Movable }\n"),
};
