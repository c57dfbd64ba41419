// SPDX-License-Identifier: GPL-2.0
/* CHECK and RESET */
#include <stdio.h>

#include "libsmm.h"

static const enum mnl_attr_data_type smmc_check_types[SHADOWMM_A_CHECK_MAX + 1] = {
	[SHADOWMM_A_CHECK_OK]		= MNL_TYPE_U8,
	[SHADOWMM_A_CHECK_REASON]	= MNL_TYPE_NUL_STRING,
	[SHADOWMM_A_CHECK_FREED]	= MNL_TYPE_U64,
};

static const struct smmc_attr_policy smmc_check_policy = SMMC_ATTR_POLICY(smmc_check_types);

struct smmc_check_ctx {
	bool *ok;
	char *reason;
	size_t len;
};

static int smmc_check_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[SHADOWMM_A_CHECK_MAX + 1];
	struct smmc_check_ctx *ctx = data;

	if (smmc_attr_parse(nlh, &smmc_check_policy, tb) || !tb[SHADOWMM_A_CHECK_OK])
		return MNL_CB_ERROR;
	*ctx->ok = mnl_attr_get_u8(tb[SHADOWMM_A_CHECK_OK]);
	smmc_attr_strcpy(ctx->reason, ctx->len, tb[SHADOWMM_A_CHECK_REASON], "");
	return MNL_CB_OK;
}

int smmc_check(struct smmc_nl *nl, bool *ok, char *reason, size_t len)
{
	struct smmc_check_ctx ctx = { ok, reason, len };

	*ok = false;
	return smmc_nl_run(nl, smmc_nl_request(nl, SHADOWMM_CMD_CHECK, false), smmc_check_cb, &ctx);
}

int smmc_reset(struct smmc_nl *nl, uint64_t *freed)
{
	struct smmc_reply_u64 r = {
		.policy = &smmc_check_policy, .type = SHADOWMM_A_CHECK_FREED, .v = freed,
	};

	*freed = 0;
	return smmc_nl_run(nl, smmc_nl_request(nl, SHADOWMM_CMD_RESET, false), smmc_reply_u64_cb,
			   &r);
}
