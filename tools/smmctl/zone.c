// SPDX-License-Identifier: GPL-2.0
/* smmctl zone [ show [ ZONE ] ]: per zone, what the allocator sees */
#include <stdio.h>
#include <string.h>

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

static void print_milli_row(const char *key, const int32_t *v)
{
	unsigned int o;

	smmc_print_text("  %-12s", key);
	smmc_open_json_array(SMMC_PRINT_JSON, key);
	for (o = 0; o < SMMC_NR_ORDERS; o++)
		smmc_print_milli(SMMC_PRINT_ANY, NULL, " %6s", v[o]);
	smmc_close_json_array(SMMC_PRINT_JSON, NULL);
	smmc_print_text("\n");
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

const struct smm_cmd smmctl_zone_cmds[] = {
	SMM_CMD("show", zone_show, "[ ZONE ]",
		"sizes, free areas, watermarks and boost, pcp free_factor, counters"),
	SMM_CMD_END("ZONE := { DMA | DMA32 | Normal | HighMem | Movable }\n"),
};
