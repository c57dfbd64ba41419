// SPDX-License-Identifier: GPL-2.0
/* INFO_GET and SECTION_GET. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libsmm.h"

static const enum mnl_attr_data_type smm_info_types[SHADOWMM_A_INFO_MAX + 1] = {
	[SHADOWMM_A_INFO_BASE]		= MNL_TYPE_U64,
	[SHADOWMM_A_INFO_SIZE]		= MNL_TYPE_U64,
	[SHADOWMM_A_INFO_PAGE_SIZE]	= MNL_TYPE_U32,
	[SHADOWMM_A_INFO_NR_FRAMES]	= MNL_TYPE_U64,
	[SHADOWMM_A_INFO_SPAN_FRAMES]	= MNL_TYPE_U64,
	[SHADOWMM_A_INFO_MODE]		= MNL_TYPE_U32,
	[SHADOWMM_A_INFO_NR_SECTIONS]	= MNL_TYPE_U32,
	[SHADOWMM_A_INFO_DESC_BYTES]	= MNL_TYPE_U32,
	[SHADOWMM_A_INFO_VERSION]	= MNL_TYPE_NUL_STRING,
	[SHADOWMM_A_INFO_KERNEL]	= MNL_TYPE_NUL_STRING,
	[SHADOWMM_A_INFO_MAX_ORDER]	= MNL_TYPE_U32,
};

static const struct smm_attr_spec smm_info_spec = { smm_info_types, SHADOWMM_A_INFO_MAX };

static const enum mnl_attr_data_type smm_section_types[SHADOWMM_A_SECTION_MAX + 1] = {
	[SHADOWMM_A_SECTION_INDEX]	= MNL_TYPE_U32,
	[SHADOWMM_A_SECTION_BASE]	= MNL_TYPE_U64,
	[SHADOWMM_A_SECTION_START]	= MNL_TYPE_U64,
	[SHADOWMM_A_SECTION_NR_FRAMES]	= MNL_TYPE_U64,
};

static const struct smm_attr_spec smm_section_spec = {
	smm_section_types, SHADOWMM_A_SECTION_MAX
};

const char *smm_mode_name(uint32_t mode)
{
	switch (mode) {
	case SHADOWMM_MODE_RESERVED: return "reserved";
	case SHADOWMM_MODE_BORROWED: return "borrowed";
	default: return "unknown";
	}
}

static void smm_copy_str(char *dst, size_t len, const struct nlattr *a)
{
	snprintf(dst, len, "%s", a ? mnl_attr_get_str(a) : "");
}

static int smm_info_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[SHADOWMM_A_INFO_MAX + 1];
	struct smm_info *info = data;

	if (smm_attr_parse_msg(nlh, &smm_info_spec, tb))
		return MNL_CB_ERROR;
	info->has_base = tb[SHADOWMM_A_INFO_BASE];
	info->base = smm_attr_u64(tb[SHADOWMM_A_INFO_BASE], 0);
	info->size = smm_attr_u64(tb[SHADOWMM_A_INFO_SIZE], 0);
	info->nr_frames = smm_attr_u64(tb[SHADOWMM_A_INFO_NR_FRAMES], 0);
	info->span_frames = smm_attr_u64(tb[SHADOWMM_A_INFO_SPAN_FRAMES], 0);
	info->page_size = smm_attr_u32(tb[SHADOWMM_A_INFO_PAGE_SIZE], 0);
	info->mode = smm_attr_u32(tb[SHADOWMM_A_INFO_MODE], 0);
	info->nr_sections = smm_attr_u32(tb[SHADOWMM_A_INFO_NR_SECTIONS], 0);
	info->desc_bytes = smm_attr_u32(tb[SHADOWMM_A_INFO_DESC_BYTES], 0);
	info->max_order = smm_attr_u32(tb[SHADOWMM_A_INFO_MAX_ORDER], 0);
	smm_copy_str(info->version, sizeof(info->version), tb[SHADOWMM_A_INFO_VERSION]);
	smm_copy_str(info->kernel, sizeof(info->kernel), tb[SHADOWMM_A_INFO_KERNEL]);
	return MNL_CB_OK;
}

int smm_info_get(struct smm_nl *nl, struct smm_info *info)
{
	memset(info, 0, sizeof(*info));
	return smm_nl_run(nl, smm_nl_request(nl, SHADOWMM_CMD_INFO_GET, false), smm_info_cb, info);
}

struct smm_sections_ctx {
	struct smm_section *v;
	size_t n, cap;
};

static int smm_section_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[SHADOWMM_A_SECTION_MAX + 1];
	struct smm_sections_ctx *ctx = data;
	struct smm_section *s;

	if (smm_attr_parse_msg(nlh, &smm_section_spec, tb))
		return MNL_CB_ERROR;
	if (ctx->n == ctx->cap) {
		size_t cap = ctx->cap ? 2 * ctx->cap : 16;
		void *v = realloc(ctx->v, cap * sizeof(*ctx->v));

		if (!v)
			return MNL_CB_ERROR;
		ctx->v = v;
		ctx->cap = cap;
	}
	s = &ctx->v[ctx->n++];
	s->index = smm_attr_u32(tb[SHADOWMM_A_SECTION_INDEX], 0);
	s->has_base = tb[SHADOWMM_A_SECTION_BASE];
	s->base = smm_attr_u64(tb[SHADOWMM_A_SECTION_BASE], 0);
	s->start = smm_attr_u64(tb[SHADOWMM_A_SECTION_START], 0);
	s->nr_frames = smm_attr_u64(tb[SHADOWMM_A_SECTION_NR_FRAMES], 0);
	return MNL_CB_OK;
}

int smm_sections_get(struct smm_nl *nl, struct smm_section **sections, size_t *n)
{
	struct smm_sections_ctx ctx = { 0 };
	int ret = smm_nl_run(nl, smm_nl_request(nl, SHADOWMM_CMD_SECTION_GET, true),
			     smm_section_cb, &ctx);

	if (ret) {
		free(ctx.v);
		return ret;
	}
	*sections = ctx.v;
	*n = ctx.n;
	return 0;
}
