// SPDX-License-Identifier: GPL-2.0
/* INFO_GET: what is managed, how, by which module and kernel. */
#include <string.h>

#include "libsmm.h"

#define SMMC_INFO_U32(m)	SMMC_ATTR_U32(struct smmc_info, m)
#define SMMC_INFO_U64(m)	SMMC_ATTR_U64(struct smmc_info, m)

static const struct smmc_attr_field smmc_info_fields[SHADOWMM_A_INFO_MAX + 1] = {
	[SHADOWMM_A_INFO_BASE]		= SMMC_INFO_U64(base),
	[SHADOWMM_A_INFO_SIZE]		= SMMC_INFO_U64(size),
	[SHADOWMM_A_INFO_PAGE_SIZE]	= SMMC_INFO_U32(page_size),
	[SHADOWMM_A_INFO_NR_FRAMES]	= SMMC_INFO_U64(nr_frames),
	[SHADOWMM_A_INFO_SPAN_FRAMES]	= SMMC_INFO_U64(span_frames),
	[SHADOWMM_A_INFO_MODE]		= SMMC_INFO_U32(mode),
	[SHADOWMM_A_INFO_NR_SECTIONS]	= SMMC_INFO_U32(nr_sections),
	[SHADOWMM_A_INFO_DESC_BYTES]	= SMMC_INFO_U32(desc_bytes),
	[SHADOWMM_A_INFO_VERSION]	= SMMC_ATTR_STR(struct smmc_info, version),
	[SHADOWMM_A_INFO_KERNEL]	= SMMC_ATTR_STR(struct smmc_info, kernel),
	[SHADOWMM_A_INFO_MAX_ORDER]	= SMMC_INFO_U32(max_order),
};

static const struct smmc_attr_policy smmc_info_policy = SMMC_ATTR_FIELDS(smmc_info_fields);

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
	smmc_attr_store(tb, &smmc_info_policy, info);
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
