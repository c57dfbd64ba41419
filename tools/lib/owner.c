// SPDX-License-Identifier: GPL-2.0
/* OWNER_GET: page_owner's record of one block, or of every allocated one. */
#include <string.h>

#include "libsmm.h"

const char *const smmc_owner_states[SMMC_OWNER_NR_STATES] = {
	[SHADOWMM_OWNER_NONE]		= "none",
	[SHADOWMM_OWNER_ALLOCATED]	= "allocated",
	[SHADOWMM_OWNER_FREED]		= "freed",
};

static const struct smmc_attr_field smmc_owner_fields[SHADOWMM_A_OWNER_MAX + 1] = {
	[SHADOWMM_A_OWNER_FRAME]	= SMMC_ATTR_U64(struct smmc_owner, frame),
	[SHADOWMM_A_OWNER_PFN]		= SMMC_ATTR_U64(struct smmc_owner, pfn),
	[SHADOWMM_A_OWNER_STATE]	= SMMC_ATTR_U32(struct smmc_owner, state),
	[SHADOWMM_A_OWNER_ORDER]	= SMMC_ATTR_U32(struct smmc_owner, order),
	[SHADOWMM_A_OWNER_FLAGS]	= SMMC_ATTR_U32(struct smmc_owner, flags),
	[SHADOWMM_A_OWNER_MIGRATETYPE]	= SMMC_ATTR_U32(struct smmc_owner, mt),
	[SHADOWMM_A_OWNER_PID]		= SMMC_ATTR_U32(struct smmc_owner, pid),
	[SHADOWMM_A_OWNER_TGID]		= SMMC_ATTR_U32(struct smmc_owner, tgid),
	[SHADOWMM_A_OWNER_COMM]		= SMMC_ATTR_STR(struct smmc_owner, comm),
	[SHADOWMM_A_OWNER_PORTID]	= SMMC_ATTR_U32(struct smmc_owner, portid),
	[SHADOWMM_A_OWNER_TS]		= SMMC_ATTR_U64(struct smmc_owner, ts_nsec),
	[SHADOWMM_A_OWNER_FREE_TS]	= SMMC_ATTR_U64(struct smmc_owner, free_ts_nsec),
	[SHADOWMM_A_OWNER_MIGRATE_REASON] = SMMC_ATTR_STR(struct smmc_owner, migrate_reason),
	[SHADOWMM_A_OWNER_STACK]	= SMMC_ATTR_STR(struct smmc_owner, stack),
	[SHADOWMM_A_OWNER_FREE_STACK]	= SMMC_ATTR_STR(struct smmc_owner, free_stack),
};

static const struct smmc_attr_policy smmc_owner_policy = SMMC_ATTR_FIELDS(smmc_owner_fields);

struct smmc_owner_ctx {
	smmc_owner_cb cb;
	void *data;
	struct smmc_owner rec;
};

static int smmc_owner_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[SHADOWMM_A_OWNER_MAX + 1];
	struct smmc_owner_ctx *ctx = data;
	int ret;

	if (smmc_attr_parse(nlh, &smmc_owner_policy, tb) || !tb[SHADOWMM_A_OWNER_FRAME])
		return MNL_CB_ERROR;
	memset(&ctx->rec, 0, sizeof(ctx->rec));
	smmc_attr_store(tb, &smmc_owner_policy, &ctx->rec);
	if (ctx->rec.state >= SMMC_OWNER_NR_STATES)
		ctx->rec.state = SHADOWMM_OWNER_NONE;
	ret = ctx->cb(&ctx->rec, ctx->data);
	if (ret) {
		errno = -ret;	/* smmc_nl_run() reports it */
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

/*
 * The record of the block holding @frame (@all false), or of every
 * allocated block (@all true, a dump), each to @cb, which returns 0 or
 * -errno to stop. The module refuses while page_owner is off.
 */
int smmc_owner_get(struct smmc_nl *nl, bool all, uint64_t frame, smmc_owner_cb cb, void *data)
{
	struct smmc_owner_ctx ctx = { .cb = cb, .data = data };
	struct nlmsghdr *nlh = smmc_nl_request(nl, SHADOWMM_CMD_OWNER_GET, all);

	if (!all)
		mnl_attr_put_u64(nlh, SHADOWMM_A_OWNER_FRAME, frame);
	return smmc_nl_run(nl, nlh, smmc_owner_msg_cb, &ctx);
}
