// SPDX-License-Identifier: GPL-2.0
/* PAGE_ALLOC, PAGE_FREE and RESET. */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "libsmm.h"

static const struct {
	const char *name;
	uint32_t flag;
} smmc_gfp_names[] = {
	{ "dma",	 SHADOWMM_GFP_DMA },
	{ "dma32",	 SHADOWMM_GFP_DMA32 },
	{ "movable",	 SHADOWMM_GFP_MOVABLE },
	{ "reclaimable", SHADOWMM_GFP_RECLAIMABLE },
	{ "zero",	 SHADOWMM_GFP_ZERO },
	{ "high",	 SHADOWMM_GFP_HIGH },
	{ "reserve",	 SHADOWMM_GFP_RESERVE },
};

int smmc_gfp_flag(const char *name, uint32_t *flag)
{
	unsigned int i;

	for (i = 0; i < sizeof(smmc_gfp_names) / sizeof(smmc_gfp_names[0]); i++) {
		if (!strcasecmp(name, smmc_gfp_names[i].name)) {
			*flag = smmc_gfp_names[i].flag;
			return 0;
		}
	}
	return -EINVAL;
}

int smmc_mt_by_name(const char *name)
{
	int mt;

	for (mt = 0; mt < SMMC_NR_MT; mt++)
		if (!strcasecmp(name, smmc_mt_names[mt]))
			return mt;
	return -1;
}

static const enum mnl_attr_data_type smmc_page_types[SHADOWMM_A_PAGE_MAX + 1] = {
	[SHADOWMM_A_PAGE_HANDLES]	= MNL_TYPE_NESTED,
	[SHADOWMM_A_PAGE_FREED]		= MNL_TYPE_U64,
};

static const struct smmc_attr_policy smmc_page_policy = SMMC_ATTR_POLICY(smmc_page_types);

struct smmc_handles_ctx {
	uint64_t *handles;
	uint32_t n, max;
};

static int smmc_handles_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[SHADOWMM_A_PAGE_MAX + 1], *a;
	struct smmc_handles_ctx *ctx = data;

	if (smmc_attr_parse(nlh, &smmc_page_policy, tb) || !tb[SHADOWMM_A_PAGE_HANDLES])
		return MNL_CB_ERROR;
	mnl_attr_for_each_nested(a, tb[SHADOWMM_A_PAGE_HANDLES]) {
		if (mnl_attr_get_type(a) != SHADOWMM_A_PAGE_HANDLE ||
		    mnl_attr_validate(a, MNL_TYPE_U64) < 0)
			continue;
		if (ctx->n < ctx->max)
			ctx->handles[ctx->n++] = mnl_attr_get_u64(a);
	}
	return MNL_CB_OK;
}

/* @handles holds req->count entries; *n gets how many came back. */
int smmc_page_alloc(struct smmc_nl *nl, const struct smmc_page_req *req, uint64_t *handles,
		   uint32_t *n)
{
	struct smmc_handles_ctx ctx = { .handles = handles, .max = req->count };
	struct nlmsghdr *nlh = smmc_nl_request(nl, SHADOWMM_CMD_PAGE_ALLOC, false);
	int ret;

	mnl_attr_put_u32(nlh, SHADOWMM_A_PAGE_ORDER, req->order);
	mnl_attr_put_u32(nlh, SHADOWMM_A_PAGE_COUNT, req->count);
	if (req->flags)
		mnl_attr_put_u32(nlh, SHADOWMM_A_PAGE_FLAGS, req->flags);
	if (req->zone >= 0)
		mnl_attr_put_u32(nlh, SHADOWMM_A_PAGE_ZONE, req->zone);
	if (req->mt >= 0)
		mnl_attr_put_u32(nlh, SHADOWMM_A_PAGE_MIGRATETYPE, req->mt);
	ret = smmc_nl_run(nl, nlh, smmc_handles_cb, &ctx);
	*n = ctx.n;
	return ret;
}

static int smmc_freed_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[SHADOWMM_A_PAGE_MAX + 1];

	if (smmc_attr_parse(nlh, &smmc_page_policy, tb))
		return MNL_CB_ERROR;
	*(uint64_t *)data = smmc_attr_u64(tb[SHADOWMM_A_PAGE_FREED], 0);
	return MNL_CB_OK;
}

int smmc_page_free(struct smmc_nl *nl, const uint64_t *handles, uint32_t n, bool all,
		  uint64_t *freed)
{
	struct nlmsghdr *nlh = smmc_nl_request(nl, SHADOWMM_CMD_PAGE_FREE, false);
	struct nlattr *nest;
	uint32_t i;

	*freed = 0;
	if (all) {
		mnl_attr_put(nlh, SHADOWMM_A_PAGE_ALL, 0, NULL);
	} else {
		nest = mnl_attr_nest_start(nlh, SHADOWMM_A_PAGE_HANDLES);
		for (i = 0; i < n; i++)
			mnl_attr_put_u64(nlh, SHADOWMM_A_PAGE_HANDLE, handles[i]);
		mnl_attr_nest_end(nlh, nest);
	}
	return smmc_nl_run(nl, nlh, smmc_freed_cb, freed);
}
