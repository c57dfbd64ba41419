// SPDX-License-Identifier: GPL-2.0
/* INFO_GET: what is managed, how, by which module and kernel. */
#include <string.h>

#include "libsmm.h"

static const enum mnl_attr_data_type smmc_info_types[SHADOWMM_A_INFO_MAX + 1] = {
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

static const struct smmc_attr_policy smmc_info_policy = SMMC_ATTR_POLICY(smmc_info_types);

const char *smmc_mode_name(uint32_t mode)
{
	switch (mode) {
	case SHADOWMM_MODE_RESERVED:
		return "reserved";
	case SHADOWMM_MODE_BORROWED:
		return "borrowed";
	default:
		return "unknown";
	}
}

/*
 * An INFO_GET reply into @info. Absent attributes read as 0 (or ""):
 * BASE is absent for callers without CAP_SYS_ADMIN, which has_base says.
 */
int smmc_info_parse(const struct nlmsghdr *nlh, struct smmc_info *info)
{
	const struct nlattr *tb[SHADOWMM_A_INFO_MAX + 1];

	memset(info, 0, sizeof(*info));
	if (smmc_attr_parse(nlh, &smmc_info_policy, tb))
		return -EBADMSG;
	info->has_base = tb[SHADOWMM_A_INFO_BASE];
	info->base = smmc_attr_u64(tb[SHADOWMM_A_INFO_BASE], 0);
	info->size = smmc_attr_u64(tb[SHADOWMM_A_INFO_SIZE], 0);
	info->nr_frames = smmc_attr_u64(tb[SHADOWMM_A_INFO_NR_FRAMES], 0);
	info->span_frames = smmc_attr_u64(tb[SHADOWMM_A_INFO_SPAN_FRAMES], 0);
	info->page_size = smmc_attr_u32(tb[SHADOWMM_A_INFO_PAGE_SIZE], 0);
	info->mode = smmc_attr_u32(tb[SHADOWMM_A_INFO_MODE], 0);
	info->nr_sections = smmc_attr_u32(tb[SHADOWMM_A_INFO_NR_SECTIONS], 0);
	info->desc_bytes = smmc_attr_u32(tb[SHADOWMM_A_INFO_DESC_BYTES], 0);
	info->max_order = smmc_attr_u32(tb[SHADOWMM_A_INFO_MAX_ORDER], 0);
	smmc_attr_strcpy(info->version, sizeof(info->version), tb[SHADOWMM_A_INFO_VERSION], "");
	smmc_attr_strcpy(info->kernel, sizeof(info->kernel), tb[SHADOWMM_A_INFO_KERNEL], "");
	return 0;
}

static int smmc_info_cb(const struct nlmsghdr *nlh, void *data)
{
	return smmc_info_parse(nlh, data) ? MNL_CB_ERROR : MNL_CB_OK;
}

int smmc_info_get(struct smmc_nl *nl, struct smmc_info *info)
{
	struct nlmsghdr *nlh = smmc_nl_request(nl, SHADOWMM_CMD_INFO_GET, false);

	memset(info, 0, sizeof(*info));
	return smmc_nl_run(nl, nlh, smmc_info_cb, info);
}
