// SPDX-License-Identifier: GPL-2.0
/*
 * Memory hot-remove of the shadow (RANGE_OFFLINE, RANGE_ONLINE,
 * RANGE_GET) and the CMA area (CMA_ALLOC, CMA_FREE, CMA_GET).
 */
#include <string.h>

#include <linux/genetlink.h>

#include "libsmm.h"

#define SMMC_RG_U64(m)	SMMC_ATTR_U64(struct smmc_range, m)

static const struct smmc_attr_field smmc_range_fields[SHADOWMM_A_RANGE_MAX + 1] = {
	[SHADOWMM_A_RANGE_START]	= SMMC_RG_U64(start),
	[SHADOWMM_A_RANGE_COUNT]	= SMMC_RG_U64(count),
	[SHADOWMM_A_RANGE_ZONE]		= SMMC_ATTR_U32(struct smmc_range, zone),
};

static const struct smmc_attr_policy smmc_range_policy = SMMC_ATTR_FIELDS(smmc_range_fields);

static int smmc_range_put(struct smmc_nl *nl, uint8_t cmd, uint64_t start, uint64_t count)
{
	struct nlmsghdr *nlh = smmc_nl_request(nl, cmd, false);

	mnl_attr_put_u64(nlh, SHADOWMM_A_RANGE_START, start);
	mnl_attr_put_u64(nlh, SHADOWMM_A_RANGE_COUNT, count);
	return smmc_nl_run(nl, nlh, NULL, NULL);
}

/* offline_pages() of @count frames from @start (whole pageblocks). */
int smmc_range_offline(struct smmc_nl *nl, uint64_t start, uint64_t count)
{
	return smmc_range_put(nl, SHADOWMM_CMD_RANGE_OFFLINE, start, count);
}

/* online_pages() of an offline range. */
int smmc_range_online(struct smmc_nl *nl, uint64_t start, uint64_t count)
{
	return smmc_range_put(nl, SHADOWMM_CMD_RANGE_ONLINE, start, count);
}

struct smmc_range_ctx {
	struct smmc_range *r;
	unsigned int n, max;
};

/* Each RANGE_OFFLINE nest; other attributes skipped. */
static int smmc_range_cb(const struct nlmsghdr *nlh, void *data)
{
	struct smmc_range_ctx *ctx = data;
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		const struct nlattr *tb[SHADOWMM_A_RANGE_MAX + 1];

		if (mnl_attr_get_type(a) != SHADOWMM_A_RANGE_OFFLINE || ctx->n >= ctx->max)
			continue;
		if (smmc_attr_parse_nested(a, &smmc_range_policy, tb))
			return MNL_CB_ERROR;
		memset(&ctx->r[ctx->n], 0, sizeof(ctx->r[0]));
		smmc_attr_store(tb, &smmc_range_policy, &ctx->r[ctx->n++]);
	}
	return MNL_CB_OK;
}

/* The offline runs, at most @max into @r, *@n of them. */
int smmc_range_get(struct smmc_nl *nl, struct smmc_range *r, unsigned int max, unsigned int *n)
{
	struct smmc_range_ctx ctx = { .r = r, .max = max };
	int ret = smmc_nl_run(nl, smmc_nl_request(nl, SHADOWMM_CMD_RANGE_GET, false),
			      smmc_range_cb, &ctx);

	*n = ctx.n;
	return ret;
}

#define SMMC_CMA_U64(m)	SMMC_ATTR_U64(struct smmc_cma, m)

static const struct smmc_attr_field smmc_cma_fields[SHADOWMM_A_CMA_MAX + 1] = {
	[SHADOWMM_A_CMA_BASE]		= SMMC_CMA_U64(base),
	[SHADOWMM_A_CMA_COUNT]		= SMMC_CMA_U64(count),
	[SHADOWMM_A_CMA_ZONE]		= SMMC_ATTR_U32(struct smmc_cma, zone),
	[SHADOWMM_A_CMA_USED]		= SMMC_CMA_U64(used),
	[SHADOWMM_A_CMA_FREE]		= SMMC_CMA_U64(free),
	[SHADOWMM_A_CMA_ALLOC_SUCCESS]	= SMMC_CMA_U64(alloc_success),
	[SHADOWMM_A_CMA_ALLOC_FAIL]	= SMMC_CMA_U64(alloc_fail),
	[SHADOWMM_A_CMA_ALLOCATION]	= { MNL_TYPE_NESTED },
	[SHADOWMM_A_CMA_HANDLE]		= { MNL_TYPE_U64 },
};

static const struct smmc_attr_policy smmc_cma_policy = SMMC_ATTR_FIELDS(smmc_cma_fields);

/* cma_alloc(): @count frames aligned to 2^@align; the handle in *@handle. */
int smmc_cma_alloc(struct smmc_nl *nl, uint64_t count, uint32_t align, uint64_t *handle)
{
	struct nlmsghdr *nlh = smmc_nl_request(nl, SHADOWMM_CMD_CMA_ALLOC, false);
	struct smmc_reply_u64 r = {
		.policy = &smmc_cma_policy, .type = SHADOWMM_A_CMA_HANDLE, .v = handle, .max = 1,
	};

	mnl_attr_put_u64(nlh, SHADOWMM_A_CMA_COUNT, count);
	mnl_attr_put_u32(nlh, SHADOWMM_A_CMA_ALIGN, align);
	return smmc_nl_run(nl, nlh, smmc_reply_u64_cb, &r);
}

/* cma_release() of the allocation @handle names. */
int smmc_cma_free(struct smmc_nl *nl, uint64_t handle)
{
	struct nlmsghdr *nlh = smmc_nl_request(nl, SHADOWMM_CMD_CMA_FREE, false);

	mnl_attr_put_u64(nlh, SHADOWMM_A_CMA_HANDLE, handle);
	return smmc_nl_run(nl, nlh, NULL, NULL);
}

/* The area's fields, then each ALLOCATION nest (HANDLE, COUNT). */
static int smmc_cma_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[SHADOWMM_A_CMA_MAX + 1];
	struct smmc_cma *c = data;
	const struct nlattr *a;

	if (smmc_attr_parse(nlh, &smmc_cma_policy, tb))
		return MNL_CB_ERROR;
	smmc_attr_store(tb, &smmc_cma_policy, c);
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		const struct nlattr *nt[SHADOWMM_A_CMA_MAX + 1];

		if (mnl_attr_get_type(a) != SHADOWMM_A_CMA_ALLOCATION ||
		    c->nr_allocs >= SMMC_CMA_MAX_ALLOCS)
			continue;
		if (smmc_attr_parse_nested(a, &smmc_cma_policy, nt))
			return MNL_CB_ERROR;
		c->allocs[c->nr_allocs].handle = smmc_attr_u64(nt[SHADOWMM_A_CMA_HANDLE], 0);
		c->allocs[c->nr_allocs++].count = smmc_attr_u64(nt[SHADOWMM_A_CMA_COUNT], 0);
	}
	return MNL_CB_OK;
}

/* The CMA area and its allocations; -ENODEV without one. */
int smmc_cma_get(struct smmc_nl *nl, struct smmc_cma *c)
{
	memset(c, 0, sizeof(*c));
	return smmc_nl_run(nl, smmc_nl_request(nl, SHADOWMM_CMD_CMA_GET, false), smmc_cma_cb, c);
}
