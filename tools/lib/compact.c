// SPDX-License-Identifier: GPL-2.0
/* COMPACT: compaction on demand of one zone or every zone, a result per zone. */
#include <string.h>

#include <linux/genetlink.h>

#include "libsmm.h"

#define SMMC_CZ_U32(m)	SMMC_ATTR_U32(struct smmc_compact_zone, m)
#define SMMC_CZ_U64(m)	SMMC_ATTR_U64(struct smmc_compact_zone, m)

static const struct smmc_attr_field smmc_compact_zone_fields[SHADOWMM_A_COMPACT_ZONE_MAX + 1] = {
	[SHADOWMM_A_COMPACT_ZONE_ID]			= SMMC_CZ_U32(zone),
	[SHADOWMM_A_COMPACT_ZONE_RESULT]		= SMMC_CZ_U32(result),
	[SHADOWMM_A_COMPACT_ZONE_MIGRATED]		= SMMC_CZ_U64(migrated),
	[SHADOWMM_A_COMPACT_ZONE_FAILED]		= SMMC_CZ_U64(failed),
	[SHADOWMM_A_COMPACT_ZONE_MIGRATE_SCANNED]	= SMMC_CZ_U64(migrate_scanned),
	[SHADOWMM_A_COMPACT_ZONE_FREE_SCANNED]		= SMMC_CZ_U64(free_scanned),
	[SHADOWMM_A_COMPACT_ZONE_PINNED]		= SMMC_CZ_U64(pinned),
};

static const struct smmc_attr_policy smmc_compact_zone_policy =
	SMMC_ATTR_FIELDS(smmc_compact_zone_fields);

struct smmc_compact_ctx {
	struct smmc_compact_zone *res;
	unsigned int n;
};

/* Each ZONE_RES nest with a zone id, at most one per zone; other attributes skipped. */
static int smmc_compact_cb(const struct nlmsghdr *nlh, void *data)
{
	struct smmc_compact_ctx *ctx = data;
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		const struct nlattr *tb[SHADOWMM_A_COMPACT_ZONE_MAX + 1];
		struct smmc_compact_zone *z;

		if (mnl_attr_get_type(a) != SHADOWMM_A_COMPACT_ZONE_RES || ctx->n >= SMMC_NR_ZONES)
			continue;
		if (smmc_attr_parse_nested(a, &smmc_compact_zone_policy, tb))
			return MNL_CB_ERROR;
		if (!tb[SHADOWMM_A_COMPACT_ZONE_ID])
			continue;
		z = &ctx->res[ctx->n++];
		memset(z, 0, sizeof(*z));
		smmc_attr_store(tb, &smmc_compact_zone_policy, z);
	}
	return MNL_CB_OK;
}

/*
 * Compact zone @zone (-1: every populated zone) for @order (-1: the
 * whole zone); the results in @res[SMMC_NR_ZONES], *@n of them.
 */
int smmc_compact(struct smmc_nl *nl, int zone, int order, struct smmc_compact_zone *res,
		 unsigned int *n)
{
	struct nlmsghdr *nlh = smmc_nl_request(nl, SHADOWMM_CMD_COMPACT, false);
	struct smmc_compact_ctx ctx = { .res = res };
	int ret;

	if (zone >= 0)
		mnl_attr_put_u32(nlh, SHADOWMM_A_COMPACT_ZONE, zone);
	if (order != -1)
		mnl_attr_put_u32(nlh, SHADOWMM_A_COMPACT_ORDER, (uint32_t)order);
	ret = smmc_nl_run(nl, nlh, smmc_compact_cb, &ctx);
	*n = ctx.n;
	return ret;
}

/* The result's name as the kernel's compaction tracepoints print it. */
const char *smmc_compact_result_name(uint32_t result)
{
	static const char *const names[] = {
		[SHADOWMM_COMPACT_SKIPPED] = "skipped", [SHADOWMM_COMPACT_CONTINUE] = "continue",
		[SHADOWMM_COMPACT_COMPLETE] = "complete", [SHADOWMM_COMPACT_SUCCESS] = "success",
	};

	return result < sizeof(names) / sizeof(names[0]) ? names[result] : "unknown";
}
