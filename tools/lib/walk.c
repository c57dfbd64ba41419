// SPDX-License-Identifier: GPL-2.0
/* PT_WALK: the translation of a range, level by level, one step at a time. */
#include <errno.h>
#include <string.h>

#include "libsmm.h"

const char *const smmc_pt_level_names[SMMC_PT_LEVELS] = { "PGD", "P4D", "PUD", "PMD", "PTE" };

const char *const smmc_pt_kind_names[__SHADOWMM_PT_KIND_CNT] = {
	[0]			= "unknown",
	[SHADOWMM_PT_HOLE]	= "hole",
	[SHADOWMM_PT_PAGE]	= "page",
	[SHADOWMM_PT_SWAP]	= "swap",
	[SHADOWMM_PT_BAD]	= "bad",
};

/* Flag names, bit i of SHADOWMM_PTF_*. */
const char *const smmc_ptf_names[SMMC_PTF_BITS] = {
	"present", "write", "user", "write-through", "cache-disable", "accessed", "dirty",
	"huge", "global", "nx", "protnone", "soft-dirty", "swap", "contiguous", "dbm", "special",
};

static const enum mnl_attr_data_type smmc_pt_types[SHADOWMM_A_PT_MAX + 1] = {
	[SHADOWMM_A_PT_PAGING_LEVELS]	= MNL_TYPE_U32,
	[SHADOWMM_A_PT_ADDR]		= MNL_TYPE_U64,
	[SHADOWMM_A_PT_SIZE]		= MNL_TYPE_U64,
	[SHADOWMM_A_PT_KIND]		= MNL_TYPE_U32,
	[SHADOWMM_A_PT_LEVELS]		= MNL_TYPE_NESTED,
	[SHADOWMM_A_PT_PFN]		= MNL_TYPE_U64,
	[SHADOWMM_A_PT_IN_SHADOW]	= MNL_TYPE_U8,
	[SHADOWMM_A_PT_SWAP_TYPE]	= MNL_TYPE_U32,
	[SHADOWMM_A_PT_SWAP_OFFSET]	= MNL_TYPE_U64,
	[SHADOWMM_A_PT_NO_VMA]		= MNL_TYPE_FLAG,
};

static const struct smmc_attr_policy smmc_pt_policy = SMMC_ATTR_POLICY(smmc_pt_types);

static const enum mnl_attr_data_type smmc_ptl_types[SHADOWMM_A_PTL_MAX + 1] = {
	[SHADOWMM_A_PTL_LEVEL]	= MNL_TYPE_U32,
	[SHADOWMM_A_PTL_INDEX]	= MNL_TYPE_U32,
	[SHADOWMM_A_PTL_ENTRY]	= MNL_TYPE_U64,
	[SHADOWMM_A_PTL_FLAGS]	= MNL_TYPE_U32,
	[SHADOWMM_A_PTL_FOLDED]	= MNL_TYPE_FLAG,
};

static const struct smmc_attr_policy smmc_ptl_policy = SMMC_ATTR_POLICY(smmc_ptl_types);

static void smmc_pt_levels_parse(const struct nlattr *nest, struct smmc_pt_step *st)
{
	const struct nlattr *tb[SHADOWMM_A_PTL_MAX + 1], *a;

	mnl_attr_for_each_nested(a, nest) {
		struct smmc_pt_level *l;

		if (mnl_attr_get_type(a) != SHADOWMM_A_PT_LEVEL || st->nr == SMMC_PT_LEVELS ||
		    smmc_attr_parse_nested(a, &smmc_ptl_policy, tb))
			continue;
		l = &st->lv[st->nr++];
		l->level = smmc_attr_u32(tb[SHADOWMM_A_PTL_LEVEL], 0);
		if (l->level >= SMMC_PT_LEVELS)
			l->level = 0;
		l->index = smmc_attr_u32(tb[SHADOWMM_A_PTL_INDEX], 0);
		l->flags = smmc_attr_u32(tb[SHADOWMM_A_PTL_FLAGS], 0);
		l->folded = tb[SHADOWMM_A_PTL_FOLDED] != NULL;
		l->has_entry = tb[SHADOWMM_A_PTL_ENTRY] != NULL;
		l->entry = smmc_attr_u64(tb[SHADOWMM_A_PTL_ENTRY], 0);
	}
}

struct smmc_pt_ctx {
	smmc_pt_cb cb;
	void *data;
};

static int smmc_pt_step_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[SHADOWMM_A_PT_MAX + 1];
	struct smmc_pt_ctx *ctx = data;
	struct smmc_pt_step st;
	int ret;

	if (smmc_attr_parse(nlh, &smmc_pt_policy, tb))
		return MNL_CB_ERROR;
	memset(&st, 0, sizeof(st));
	st.paging_levels = smmc_attr_u32(tb[SHADOWMM_A_PT_PAGING_LEVELS], 0);
	st.addr = smmc_attr_u64(tb[SHADOWMM_A_PT_ADDR], 0);
	st.size = smmc_attr_u64(tb[SHADOWMM_A_PT_SIZE], 0);
	st.kind = smmc_attr_u32(tb[SHADOWMM_A_PT_KIND], 0);
	if (st.kind >= __SHADOWMM_PT_KIND_CNT)
		st.kind = 0;
	st.has_pfn = tb[SHADOWMM_A_PT_PFN] != NULL;
	st.pfn = smmc_attr_u64(tb[SHADOWMM_A_PT_PFN], 0);
	st.in_shadow = smmc_attr_u8(tb[SHADOWMM_A_PT_IN_SHADOW], 0);
	st.swap_type = smmc_attr_u32(tb[SHADOWMM_A_PT_SWAP_TYPE], 0);
	st.swap_offset = smmc_attr_u64(tb[SHADOWMM_A_PT_SWAP_OFFSET], 0);
	st.no_vma = tb[SHADOWMM_A_PT_NO_VMA] != NULL;
	if (tb[SHADOWMM_A_PT_LEVELS])
		smmc_pt_levels_parse(tb[SHADOWMM_A_PT_LEVELS], &st);
	ret = ctx->cb(&st, ctx->data);
	if (ret) {
		errno = -ret;	/* smmc_nl_run() reports it */
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

/*
 * Each step of the walk @req asks for to @cb, which returns 0 or -errno
 * to stop. A process's walk is consistent batch by batch (its mmap lock
 * is taken per batch); a space's dump returns SMMC_NL_DUMP_INTR when the
 * space changed during it.
 */
int smmc_pt_walk(struct smmc_nl *nl, const struct smmc_pt_req *req, smmc_pt_cb cb, void *data)
{
	struct smmc_pt_ctx ctx = { cb, data };
	struct nlmsghdr *nlh = smmc_nl_request(nl, SHADOWMM_CMD_PT_WALK, true);

	switch (req->target) {
	case SMMC_PT_TARGET_PID:
		mnl_attr_put_u32(nlh, SHADOWMM_A_PT_PID, req->id);
		break;
	case SMMC_PT_TARGET_KERNEL:
		mnl_attr_put(nlh, SHADOWMM_A_PT_KERNEL, 0, NULL);
		break;
	case SMMC_PT_TARGET_SPACE:
		mnl_attr_put_u32(nlh, SHADOWMM_A_PT_SPACE, req->id);
		break;
	}
	mnl_attr_put_u64(nlh, SHADOWMM_A_PT_ADDR, req->addr);
	if (req->len)
		mnl_attr_put_u64(nlh, SHADOWMM_A_PT_LEN, req->len);
	return smmc_nl_run(nl, nlh, smmc_pt_step_cb, &ctx);
}
