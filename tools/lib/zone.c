// SPDX-License-Identifier: GPL-2.0
/* ZONE_GET: zones, their free areas and counters; printing their fields. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "libsmm.h"
#include "json_print.h"

const char *const smmc_zone_names[SMMC_NR_ZONES] = {
	"DMA", "DMA32", "Normal", "HighMem", "Movable",
};
const char *const smmc_mt_names[SMMC_NR_MT] = {
	"Unmovable", "Movable", "Reclaimable", "HighAtomic", "CMA", "Isolate",
};

#define SMMC_ZONE_U32(m)	SMMC_ATTR_U32(struct smmc_zone, m)
#define SMMC_ZONE_U64(m)	SMMC_ATTR_U64(struct smmc_zone, m)

static const struct smmc_attr_field smmc_zone_attr_fields[SHADOWMM_A_ZONE_MAX + 1] = {
	[SHADOWMM_A_ZONE_ID]		 = SMMC_ZONE_U32(id),
	[SHADOWMM_A_ZONE_NAME]		 = SMMC_ATTR_STR(struct smmc_zone, name),
	[SHADOWMM_A_ZONE_START]		 = SMMC_ZONE_U64(start),
	[SHADOWMM_A_ZONE_SPANNED]	 = SMMC_ZONE_U64(spanned),
	[SHADOWMM_A_ZONE_PRESENT]	 = SMMC_ZONE_U64(present),
	[SHADOWMM_A_ZONE_MANAGED]	 = SMMC_ZONE_U64(managed),
	[SHADOWMM_A_ZONE_FREE]		 = SMMC_ZONE_U64(free),
	[SHADOWMM_A_ZONE_PCP]		 = SMMC_ZONE_U64(pcp),
	[SHADOWMM_A_ZONE_WMARK_MIN]	 = SMMC_ZONE_U64(wmark_min),
	[SHADOWMM_A_ZONE_WMARK_LOW]	 = SMMC_ZONE_U64(wmark_low),
	[SHADOWMM_A_ZONE_WMARK_HIGH]	 = SMMC_ZONE_U64(wmark_high),
	[SHADOWMM_A_ZONE_LOWMEM_RESERVE] = { MNL_TYPE_NESTED },
	[SHADOWMM_A_ZONE_PCP_HIGH]	 = SMMC_ZONE_U32(pcp_high),
	[SHADOWMM_A_ZONE_PCP_BATCH]	 = SMMC_ZONE_U32(pcp_batch),
	[SHADOWMM_A_ZONE_FREE_AREA]	 = { MNL_TYPE_NESTED },
	[SHADOWMM_A_ZONE_PAGEBLOCKS]	 = { MNL_TYPE_NESTED },
	[SHADOWMM_A_ZONE_STATS]		 = { MNL_TYPE_NESTED },
	[SHADOWMM_A_ZONE_BOOST]		 = SMMC_ZONE_U64(boost),
	[SHADOWMM_A_ZONE_NR_RESERVED_HIGHATOMIC] = SMMC_ZONE_U64(nr_reserved_highatomic),
	[SHADOWMM_A_ZONE_PCP_FREE_FACTOR] = { MNL_TYPE_NESTED },
	[SHADOWMM_A_ZONE_NR_INACTIVE_ANON] = SMMC_ZONE_U64(nr_lru[0]),
	[SHADOWMM_A_ZONE_NR_ACTIVE_ANON] = SMMC_ZONE_U64(nr_lru[1]),
	[SHADOWMM_A_ZONE_NR_INACTIVE_FILE] = SMMC_ZONE_U64(nr_lru[2]),
	[SHADOWMM_A_ZONE_NR_ACTIVE_FILE] = SMMC_ZONE_U64(nr_lru[3]),
	[SHADOWMM_A_ZONE_NR_UNEVICTABLE] = SMMC_ZONE_U64(nr_lru[4]),
	[SHADOWMM_A_ZONE_COMPACT_RUNS]	 = SMMC_ZONE_U64(compact_runs),
	[SHADOWMM_A_ZONE_COMPACT_RUNNING] = SMMC_ATTR_BOOL(struct smmc_zone, compact_running),
	[SHADOWMM_A_ZONE_COMPACT_ORDER]	 = SMMC_ZONE_U32(compact_order),
	[SHADOWMM_A_ZONE_COMPACT_MIGRATE_PFN] = SMMC_ZONE_U64(compact_migrate_pfn),
	[SHADOWMM_A_ZONE_COMPACT_FREE_PFN] = SMMC_ZONE_U64(compact_free_pfn),
};

static const struct smmc_attr_policy smmc_zone_policy = SMMC_ATTR_FIELDS(smmc_zone_attr_fields);

static const enum mnl_attr_data_type smmc_area_types[SHADOWMM_A_AREA_MAX + 1] = {
	[SHADOWMM_A_AREA_ORDER]		= MNL_TYPE_U32,
	[SHADOWMM_A_AREA_NR_FREE]	= MNL_TYPE_U64,
	[SHADOWMM_A_AREA_NR_FREE_MT]	= MNL_TYPE_NESTED,
	[SHADOWMM_A_AREA_UNUSABLE]	= MNL_TYPE_U32,
	[SHADOWMM_A_AREA_EXTFRAG]	= MNL_TYPE_U32,
};

static const struct smmc_attr_policy smmc_area_policy = SMMC_ATTR_POLICY(smmc_area_types);

#define SMMC_STATS_U64(m)	SMMC_ATTR_U64(struct smmc_zone_stats, m)

static const struct smmc_attr_field smmc_stats_attr_fields[SHADOWMM_A_STATS_MAX + 1] = {
	[SHADOWMM_A_STATS_ALLOC]	 = { MNL_TYPE_NESTED },
	[SHADOWMM_A_STATS_FREE]		 = { MNL_TYPE_NESTED },
	[SHADOWMM_A_STATS_MT_FALLBACK]	 = SMMC_STATS_U64(mt_fallback),
	[SHADOWMM_A_STATS_MT_STEAL]	 = SMMC_STATS_U64(mt_steal),
	[SHADOWMM_A_STATS_ZONE_FALLBACK] = SMMC_STATS_U64(zone_fallback),
	[SHADOWMM_A_STATS_WMARK_LOW]	 = SMMC_STATS_U64(wmark_low),
	[SHADOWMM_A_STATS_WMARK_MIN]	 = SMMC_STATS_U64(wmark_min),
	[SHADOWMM_A_STATS_ALLOC_FAIL]	 = SMMC_STATS_U64(alloc_fail),
	[SHADOWMM_A_STATS_PCP_ALLOC]	 = SMMC_STATS_U64(pcp_alloc),
	[SHADOWMM_A_STATS_PCP_FREE]	 = SMMC_STATS_U64(pcp_free),
	[SHADOWMM_A_STATS_PCP_REFILL]	 = SMMC_STATS_U64(pcp_refill),
	[SHADOWMM_A_STATS_PCP_DRAIN]	 = SMMC_STATS_U64(pcp_drain),
};

static const struct smmc_attr_policy smmc_stats_policy = SMMC_ATTR_FIELDS(smmc_stats_attr_fields);

int smmc_zone_by_name(const char *name)
{
	return smmc_name_index(smmc_zone_names, SMMC_NR_ZONES, name);
}

static int smmc_area_parse(const struct nlattr *nest, struct smmc_zone *z)
{
	const struct nlattr *tb[SHADOWMM_A_AREA_MAX + 1];
	uint32_t o;

	if (smmc_attr_parse_nested(nest, &smmc_area_policy, tb) || !tb[SHADOWMM_A_AREA_ORDER])
		return -1;
	o = mnl_attr_get_u32(tb[SHADOWMM_A_AREA_ORDER]);
	if (o >= SMMC_NR_ORDERS)
		return 0;	/* a larger MAX_ORDER than we know: skip */
	z->nr_free[o] = smmc_attr_u64(tb[SHADOWMM_A_AREA_NR_FREE], 0);
	smmc_attr_u64_array(tb[SHADOWMM_A_AREA_NR_FREE_MT], z->nr_free_mt[o], SMMC_NR_MT);
	z->unusable[o] = (int32_t)smmc_attr_u32(tb[SHADOWMM_A_AREA_UNUSABLE], 0);
	z->extfrag[o] = (int32_t)smmc_attr_u32(tb[SHADOWMM_A_AREA_EXTFRAG], 0);
	return 0;
}

static void smmc_stats_parse(const struct nlattr *nest, struct smmc_zone_stats *s)
{
	const struct nlattr *tb[SHADOWMM_A_STATS_MAX + 1];

	if (!nest || smmc_attr_parse_nested(nest, &smmc_stats_policy, tb))
		return;
	smmc_attr_u64_array(tb[SHADOWMM_A_STATS_ALLOC], s->alloc, SMMC_NR_ORDERS);
	smmc_attr_u64_array(tb[SHADOWMM_A_STATS_FREE], s->free, SMMC_NR_ORDERS);
	smmc_attr_store(tb, &smmc_stats_policy, s);
}

/*
 * The per-CPU free_factor nest: members numbered cpu + 1, u32 each, in
 * CPU order. A member of another type, or CPU ids that do not increase,
 * are skipped; CPUs past SMMC_PCP_MAX_CPUS are left out.
 */
static void smmc_pcp_free_factor_parse(const struct nlattr *nest, struct smmc_zone *z)
{
	const struct nlattr *a;

	z->nr_pcp_cpus = 0;
	if (!nest)
		return;
	mnl_attr_for_each_nested(a, nest) {
		unsigned int type = mnl_attr_get_type(a);
		struct smmc_pcp_cpu *c;

		if (!type || mnl_attr_validate(a, MNL_TYPE_U32) < 0)
			continue;
		if (z->nr_pcp_cpus == SMMC_PCP_MAX_CPUS)
			break;
		if (z->nr_pcp_cpus && type - 1 <= z->pcp_cpus[z->nr_pcp_cpus - 1].cpu)
			continue;
		c = &z->pcp_cpus[z->nr_pcp_cpus++];
		c->cpu = type - 1;
		c->free_factor = mnl_attr_get_u32(a);
	}
}

struct smmc_zones_ctx {
	struct smmc_zone *zones;
	unsigned int n;
};

static int smmc_zone_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[SHADOWMM_A_ZONE_MAX + 1], *a;
	struct smmc_zones_ctx *ctx = data;
	struct smmc_zone *z;

	if (smmc_attr_parse(nlh, &smmc_zone_policy, tb))
		return MNL_CB_ERROR;
	if (ctx->n == SMMC_NR_ZONES)
		return MNL_CB_OK;	/* more zones than we know: skip */
	z = &ctx->zones[ctx->n++];
	memset(z, 0, sizeof(*z));
	smmc_attr_store(tb, &smmc_zone_policy, z);
	smmc_attr_strcpy(z->name, sizeof(z->name), tb[SHADOWMM_A_ZONE_NAME], "?");
	smmc_attr_u64_array(tb[SHADOWMM_A_ZONE_LOWMEM_RESERVE], z->lowmem_reserve, SMMC_NR_ZONES);
	smmc_pcp_free_factor_parse(tb[SHADOWMM_A_ZONE_PCP_FREE_FACTOR], z);
	if (tb[SHADOWMM_A_ZONE_FREE_AREA])
		mnl_attr_for_each_nested(a, tb[SHADOWMM_A_ZONE_FREE_AREA])
			if (smmc_area_parse(a, z))
				return MNL_CB_ERROR;
	smmc_attr_u64_array(tb[SHADOWMM_A_ZONE_PAGEBLOCKS], z->pageblocks, SMMC_NR_MT);
	smmc_stats_parse(tb[SHADOWMM_A_ZONE_STATS], &z->stats);
	return MNL_CB_OK;
}

/*
 * ZONE_GET, dumped again while the module flags a zone's message
 * NLM_F_DUMP_INTR (it never saw that zone still while copying it),
 * SMMC_ZONE_DUMP_TRIES times in all. Returns 0; SMMC_NL_DUMP_INTR with
 * the last dump in @zones when every try was flagged (each zone's parts
 * are whole, they may be of different moments: a zone under constant
 * allocation on several CPUs); or -errno with nl->err saying why.
 */
int smmc_zones_get(struct smmc_nl *nl, struct smmc_zone zones[SMMC_NR_ZONES], unsigned int *n)
{
	struct smmc_zones_ctx ctx;
	unsigned int tries = 0;
	int ret;

	do {
		ctx = (struct smmc_zones_ctx){ .zones = zones };
		ret = smmc_nl_run(nl, smmc_nl_request(nl, SHADOWMM_CMD_ZONE_GET, true), smmc_zone_cb,
				  &ctx);
	} while (ret == SMMC_NL_DUMP_INTR && ++tries < SMMC_ZONE_DUMP_TRIES);
	*n = ctx.n;
	return ret;
}

const char *const smmc_lru_names[SMMC_NR_LRU_LISTS] = {
	"inactive_anon", "active_anon", "inactive_file", "active_file", "unevictable",
};

const struct smmc_field smmc_zone_fields[SMMC_NR_ZONE_FIELDS] = {
	SMMC_FIELD(struct smmc_zone, "managed", managed, 9),
	SMMC_FIELD(struct smmc_zone, "free", free, 9),
	SMMC_FIELD(struct smmc_zone, "pcp", pcp, 7),
	SMMC_FIELD(struct smmc_zone, "min", wmark_min, 7),
	SMMC_FIELD(struct smmc_zone, "low", wmark_low, 7),
	SMMC_FIELD(struct smmc_zone, "high", wmark_high, 7),
	SMMC_FIELD(struct smmc_zone, "boost", boost, 7),
	SMMC_FIELD(struct smmc_zone, "nr_reserved_highatomic", nr_reserved_highatomic, 10),
};

/* The @n fields @f of @rec, as " KEY VALUE" words or, with @columns, as columns. */
void smmc_print_fields(const void *rec, const struct smmc_field *f, unsigned int n, bool columns)
{
	char fmt[32];
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (columns)
			snprintf(fmt, sizeof(fmt), " %%%d" PRIu64, f[i].width);
		else
			snprintf(fmt, sizeof(fmt), " %s %%" PRIu64, f[i].key);
		smmc_print_u64(SMMC_PRINT_ANY, f[i].key, fmt, *(const uint64_t *)((const char *)rec + f[i].off));
	}
}
