// SPDX-License-Identifier: GPL-2.0
/* SECTION_GET: the sections backing the range, one dump message each. */
#include <stdlib.h>
#include <string.h>

#include "libsmm.h"

/* Sections do not change while the module is loaded; a retry is cheap. */
#define SMMC_SECTION_DUMP_TRIES	3

static const enum mnl_attr_data_type smmc_section_types[SHADOWMM_A_SECTION_MAX + 1] = {
	[SHADOWMM_A_SECTION_INDEX]	= MNL_TYPE_U32,
	[SHADOWMM_A_SECTION_BASE]	= MNL_TYPE_U64,
	[SHADOWMM_A_SECTION_START]	= MNL_TYPE_U64,
	[SHADOWMM_A_SECTION_NR_FRAMES]	= MNL_TYPE_U64,
};

static const struct smmc_attr_policy smmc_section_policy = SMMC_ATTR_POLICY(smmc_section_types);

/* One SECTION_GET message into @s; BASE is sent to CAP_SYS_ADMIN only. */
int smmc_section_parse(const struct nlmsghdr *nlh, struct smmc_section *s)
{
	const struct nlattr *tb[SHADOWMM_A_SECTION_MAX + 1];

	memset(s, 0, sizeof(*s));
	if (smmc_attr_parse(nlh, &smmc_section_policy, tb))
		return -EBADMSG;
	s->index = smmc_attr_u32(tb[SHADOWMM_A_SECTION_INDEX], 0);
	s->has_base = tb[SHADOWMM_A_SECTION_BASE];
	s->base = smmc_attr_u64(tb[SHADOWMM_A_SECTION_BASE], 0);
	s->start = smmc_attr_u64(tb[SHADOWMM_A_SECTION_START], 0);
	s->nr_frames = smmc_attr_u64(tb[SHADOWMM_A_SECTION_NR_FRAMES], 0);
	return 0;
}

struct smmc_sections_ctx {
	struct smmc_section *v;
	size_t n, cap;
};

static int smmc_section_cb(const struct nlmsghdr *nlh, void *data)
{
	struct smmc_sections_ctx *ctx = data;

	if (smmc_array_reserve((void **)&ctx->v, &ctx->cap, ctx->n, sizeof(*ctx->v), 16))
		return MNL_CB_ERROR;	/* errno is ENOMEM */
	if (smmc_section_parse(nlh, &ctx->v[ctx->n]))
		return MNL_CB_ERROR;
	ctx->n++;
	return MNL_CB_OK;
}

/*
 * Every section, in an array the caller frees. Returns 0, or -errno with
 * nl->err saying why (and *sections NULL).
 */
int smmc_sections_get(struct smmc_nl *nl, struct smmc_section **sections, size_t *n)
{
	struct smmc_sections_ctx ctx = { 0 };
	int tries = 0, ret;

	do {
		ctx.n = 0;
		ret = smmc_nl_run(nl, smmc_nl_request(nl, SHADOWMM_CMD_SECTION_GET, true),
				 smmc_section_cb, &ctx);
	} while (ret == SMMC_NL_DUMP_INTR && ++tries < SMMC_SECTION_DUMP_TRIES);
	if (ret) {
		free(ctx.v);
		ctx.v = NULL;
		ctx.n = 0;
	}
	*sections = ctx.v;
	*n = ctx.n;
	return ret;
}
