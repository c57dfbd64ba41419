// SPDX-License-Identifier: GPL-2.0
/* CHECK and RESET */
#include <stdio.h>

#include "libsmm.h"

static const enum mnl_attr_data_type smm_check_types[SHADOWMM_A_CHECK_MAX + 1] = {
	[SHADOWMM_A_CHECK_OK]		= MNL_TYPE_U8,
	[SHADOWMM_A_CHECK_REASON]	= MNL_TYPE_NUL_STRING,
	[SHADOWMM_A_CHECK_FREED]	= MNL_TYPE_U64,
};

static const struct smm_attr_policy smm_check_policy = SMM_ATTR_POLICY(smm_check_types);

struct smm_check_ctx {
	bool *ok;
	char *reason;
	size_t len;
};

static int smm_check_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[SHADOWMM_A_CHECK_MAX + 1];
	struct smm_check_ctx *ctx = data;

	if (smm_attr_parse(nlh, &smm_check_policy, tb) || !tb[SHADOWMM_A_CHECK_OK])
		return MNL_CB_ERROR;
	*ctx->ok = mnl_attr_get_u8(tb[SHADOWMM_A_CHECK_OK]);
	smm_attr_strcpy(ctx->reason, ctx->len, tb[SHADOWMM_A_CHECK_REASON], "");
	return MNL_CB_OK;
}

int smm_check(struct smm_nl *nl, bool *ok, char *reason, size_t len)
{
	struct smm_check_ctx ctx = { ok, reason, len };

	*ok = false;
	return smm_nl_run(nl, smm_nl_request(nl, SHADOWMM_CMD_CHECK, false), smm_check_cb, &ctx);
}

static int smm_reset_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[SHADOWMM_A_CHECK_MAX + 1];

	if (smm_attr_parse(nlh, &smm_check_policy, tb))
		return MNL_CB_ERROR;
	*(uint64_t *)data = smm_attr_u64(tb[SHADOWMM_A_CHECK_FREED], 0);
	return MNL_CB_OK;
}

int smm_reset(struct smm_nl *nl, uint64_t *freed)
{
	*freed = 0;
	return smm_nl_run(nl, smm_nl_request(nl, SHADOWMM_CMD_RESET, false), smm_reset_cb, freed);
}
