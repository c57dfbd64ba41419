// SPDX-License-Identifier: GPL-2.0
/* ZONE_GET: zones, their free areas and counters; printing their fields. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "libsmm.h"
#include "json_print.h"

const char *const smmc_zone_names[SMMC_NR_ZONES] = { "DMA", "DMA32", "Normal" };
const char *const smmc_mt_names[SMMC_NR_MT] = { "Unmovable", "Movable", "Reclaimable" };

static const enum mnl_attr_data_type smmc_zone_types[SHADOWMM_A_ZONE_MAX + 1] = {
	[SHADOWMM_A_ZONE_ID]		 = MNL_TYPE_U32,
	[SHADOWMM_A_ZONE_NAME]		 = MNL_TYPE_NUL_STRING,
	[SHADOWMM_A_ZONE_START]		 = MNL_TYPE_U64,
	[SHADOWMM_A_ZONE_SPANNED]	 = MNL_TYPE_U64,
	[SHADOWMM_A_ZONE_PRESENT]	 = MNL_TYPE_U64,
	[SHADOWMM_A_ZONE_MANAGED]	 = MNL_TYPE_U64,
	[SHADOWMM_A_ZONE_FREE]		 = MNL_TYPE_U64,
	[SHADOWMM_A_ZONE_PCP]		 = MNL_TYPE_U64,
	[SHADOWMM_A_ZONE_WMARK_MIN]	 = MNL_TYPE_U64,
	[SHADOWMM_A_ZONE_WMARK_LOW]	 = MNL_TYPE_U64,
	[SHADOWMM_A_ZONE_WMARK_HIGH]	 = MNL_TYPE_U64,
	[SHADOWMM_A_ZONE_LOWMEM_RESERVE] = MNL_TYPE_NESTED,
	[SHADOWMM_A_ZONE_PCP_HIGH]	 = MNL_TYPE_U32,
	[SHADOWMM_A_ZONE_PCP_BATCH]	 = MNL_TYPE_U32,
	[SHADOWMM_A_ZONE_FREE_AREA]	 = MNL_TYPE_NESTED,
	[SHADOWMM_A_ZONE_PAGEBLOCKS]	 = MNL_TYPE_NESTED,
	[SHADOWMM_A_ZONE_STATS]		 = MNL_TYPE_NESTED,
	[SHADOWMM_A_ZONE_BOOST]		 = MNL_TYPE_U64,
	[SHADOWMM_A_ZONE_NR_RESERVED_HIGHATOMIC] = MNL_TYPE_U64,
	[SHADOWMM_A_ZONE_PCP_FREE_FACTOR] = MNL_TYPE_NESTED,
};

static const struct smmc_attr_policy smmc_zone_policy = SMMC_ATTR_POLICY(smmc_zone_types);

static const enum mnl_attr_data_type smmc_area_types[SHADOWMM_A_AREA_MAX + 1] = {
	[SHADOWMM_A_AREA_ORDER]		= MNL_TYPE_U32,
	[SHADOWMM_A_AREA_NR_FREE]	= MNL_TYPE_U64,
	[SHADOWMM_A_AREA_NR_FREE_MT]	= MNL_TYPE_NESTED,
	[SHADOWMM_A_AREA_UNUSABLE]	= MNL_TYPE_U32,
	[SHADOWMM_A_AREA_EXTFRAG]	= MNL_TYPE_U32,
};

static const struct smmc_attr_policy smmc_area_policy = SMMC_ATTR_POLICY(smmc_area_types);

static const enum mnl_attr_data_type smmc_stats_types[SHADOWMM_A_STATS_MAX + 1] = {
	[SHADOWMM_A_STATS_ALLOC]	 = MNL_TYPE_NESTED,
	[SHADOWMM_A_STATS_FREE]		 = MNL_TYPE_NESTED,
	[SHADOWMM_A_STATS_MT_FALLBACK]	 = MNL_TYPE_U64,
	[SHADOWMM_A_STATS_MT_STEAL]	 = MNL_TYPE_U64,
	[SHADOWMM_A_STATS_ZONE_FALLBACK] = MNL_TYPE_U64,
	[SHADOWMM_A_STATS_WMARK_LOW]	 = MNL_TYPE_U64,
	[SHADOWMM_A_STATS_WMARK_MIN]	 = MNL_TYPE_U64,
	[SHADOWMM_A_STATS_ALLOC_FAIL]	 = MNL_TYPE_U64,
	[SHADOWMM_A_STATS_PCP_ALLOC]	 = MNL_TYPE_U64,
	[SHADOWMM_A_STATS_PCP_FREE]	 = MNL_TYPE_U64,
	[SHADOWMM_A_STATS_PCP_REFILL]	 = MNL_TYPE_U64,
	[SHADOWMM_A_STATS_PCP_DRAIN]	 = MNL_TYPE_U64,
};

static const struct smmc_attr_policy smmc_stats_policy = SMMC_ATTR_POLICY(smmc_stats_types);

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
	s->mt_fallback = smmc_attr_u64(tb[SHADOWMM_A_STATS_MT_FALLBACK], 0);
	s->mt_steal = smmc_attr_u64(tb[SHADOWMM_A_STATS_MT_STEAL], 0);
	s->zone_fallback = smmc_attr_u64(tb[SHADOWMM_A_STATS_ZONE_FALLBACK], 0);
	s->wmark_low = smmc_attr_u64(tb[SHADOWMM_A_STATS_WMARK_LOW], 0);
	s->wmark_min = smmc_attr_u64(tb[SHADOWMM_A_STATS_WMARK_MIN], 0);
	s->alloc_fail = smmc_attr_u64(tb[SHADOWMM_A_STATS_ALLOC_FAIL], 0);
	s->pcp_alloc = smmc_attr_u64(tb[SHADOWMM_A_STATS_PCP_ALLOC], 0);
	s->pcp_free = smmc_attr_u64(tb[SHADOWMM_A_STATS_PCP_FREE], 0);
	s->pcp_refill = smmc_attr_u64(tb[SHADOWMM_A_STATS_PCP_REFILL], 0);
	s->pcp_drain = smmc_attr_u64(tb[SHADOWMM_A_STATS_PCP_DRAIN], 0);
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
	z->id = smmc_attr_u32(tb[SHADOWMM_A_ZONE_ID], 0);
	smmc_attr_strcpy(z->name, sizeof(z->name), tb[SHADOWMM_A_ZONE_NAME], "?");
	z->start = smmc_attr_u64(tb[SHADOWMM_A_ZONE_START], 0);
	z->spanned = smmc_attr_u64(tb[SHADOWMM_A_ZONE_SPANNED], 0);
	z->present = smmc_attr_u64(tb[SHADOWMM_A_ZONE_PRESENT], 0);
	z->managed = smmc_attr_u64(tb[SHADOWMM_A_ZONE_MANAGED], 0);
	z->free = smmc_attr_u64(tb[SHADOWMM_A_ZONE_FREE], 0);
	z->pcp = smmc_attr_u64(tb[SHADOWMM_A_ZONE_PCP], 0);
	z->wmark_min = smmc_attr_u64(tb[SHADOWMM_A_ZONE_WMARK_MIN], 0);
	z->wmark_low = smmc_attr_u64(tb[SHADOWMM_A_ZONE_WMARK_LOW], 0);
	z->wmark_high = smmc_attr_u64(tb[SHADOWMM_A_ZONE_WMARK_HIGH], 0);
	smmc_attr_u64_array(tb[SHADOWMM_A_ZONE_LOWMEM_RESERVE], z->lowmem_reserve, SMMC_NR_ZONES);
	z->pcp_high = smmc_attr_u32(tb[SHADOWMM_A_ZONE_PCP_HIGH], 0);
	z->pcp_batch = smmc_attr_u32(tb[SHADOWMM_A_ZONE_PCP_BATCH], 0);
	z->boost = smmc_attr_u64(tb[SHADOWMM_A_ZONE_BOOST], 0);
	z->nr_reserved_highatomic = smmc_attr_u64(tb[SHADOWMM_A_ZONE_NR_RESERVED_HIGHATOMIC], 0);
	smmc_pcp_free_factor_parse(tb[SHADOWMM_A_ZONE_PCP_FREE_FACTOR], z);
	if (tb[SHADOWMM_A_ZONE_FREE_AREA])
		mnl_attr_for_each_nested(a, tb[SHADOWMM_A_ZONE_FREE_AREA])
			if (smmc_area_parse(a, z))
				return MNL_CB_ERROR;
	smmc_attr_u64_array(tb[SHADOWMM_A_ZONE_PAGEBLOCKS], z->pageblocks, SMMC_NR_MT);
	smmc_stats_parse(tb[SHADOWMM_A_ZONE_STATS], &z->stats);
	return MNL_CB_OK;
}

int smmc_zones_get(struct smmc_nl *nl, struct smmc_zone zones[SMMC_NR_ZONES], unsigned int *n)
{
	struct smmc_zones_ctx ctx = { .zones = zones };
	int ret = smmc_nl_run(nl, smmc_nl_request(nl, SHADOWMM_CMD_ZONE_GET, true), smmc_zone_cb,
			      &ctx);

	*n = ctx.n;
	return ret;
}

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
