// SPDX-License-Identifier: GPL-2.0
/* PAGE_ALLOC, PAGE_FREE and RESET. */
#include <errno.h>
#include <string.h>

#include "libsmm.h"

/* The GFP flags' names, bit by bit. */
static const char *const smmc_gfp_bits[] = {
	"dma", "dma32", "movable", "reclaimable", "zero", "high", "reserve",
	"atomic", "noretry", "highmem",
};

_Static_assert((1U << ARRAY_SIZE(smmc_gfp_bits)) - 1 == SHADOWMM_GFP_ALL, "a name per GFP bit");

int smmc_gfp_flag(const char *name, uint32_t *flag)
{
	return smmc_flag_by_name(smmc_gfp_bits, ARRAY_SIZE(smmc_gfp_bits), name, flag);
}

int smmc_mt_by_name(const char *name)
{
	/* the types a request may ask for: HighAtomic is only the reserve's */
	return smmc_name_index(smmc_mt_names, SHADOWMM_MT_HIGHATOMIC, name);
}

static const enum mnl_attr_data_type smmc_page_types[SHADOWMM_A_PAGE_MAX + 1] = {
	[SHADOWMM_A_PAGE_HANDLES]	= MNL_TYPE_NESTED,
	[SHADOWMM_A_PAGE_FREED]		= MNL_TYPE_U64,
};

static const struct smmc_attr_policy smmc_page_policy = SMMC_ATTR_POLICY(smmc_page_types);

/* @handles holds req->count entries; *n gets how many came back. */
int smmc_page_alloc(struct smmc_nl *nl, const struct smmc_page_req *req, uint64_t *handles,
		    uint32_t *n)
{
	struct smmc_reply_u64 r = {
		.policy = &smmc_page_policy, .type = SHADOWMM_A_PAGE_HANDLES,
		.member = SHADOWMM_A_PAGE_HANDLE, .v = handles, .max = req->count,
	};
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
	ret = smmc_nl_run(nl, nlh, smmc_reply_u64_cb, &r);
	*n = r.n;
	return ret;
}

int smmc_page_free(struct smmc_nl *nl, const uint64_t *handles, uint32_t n, bool all,
		   uint64_t *freed)
{
	struct nlmsghdr *nlh = smmc_nl_request(nl, SHADOWMM_CMD_PAGE_FREE, false);
	struct smmc_reply_u64 r = {
		.policy = &smmc_page_policy, .type = SHADOWMM_A_PAGE_FREED, .v = freed,
	};

	*freed = 0;
	if (all)
		mnl_attr_put(nlh, SHADOWMM_A_PAGE_ALL, 0, NULL);
	else
		smmc_attr_put_u64_list(nlh, SHADOWMM_A_PAGE_HANDLES, SHADOWMM_A_PAGE_HANDLE, handles, n);
	return smmc_nl_run(nl, nlh, smmc_reply_u64_cb, &r);
}
