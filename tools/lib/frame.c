// SPDX-License-Identifier: GPL-2.0
/* FRAME_GET: the frame map as runs. */
#include <errno.h>

#include "libsmm.h"

const char *const smm_state_names[__SHADOWMM_FRAME_CNT] = {
	[0]			= "unknown",
	[SHADOWMM_FRAME_HOLE]	= "hole",
	[SHADOWMM_FRAME_FREE]	= "free",
	[SHADOWMM_FRAME_PCP]	= "pcp",
	[SHADOWMM_FRAME_PAGE]	= "page",
	[SHADOWMM_FRAME_SLAB]	= "slab",
	[SHADOWMM_FRAME_PGTABLE] = "pgtable",
	[SHADOWMM_FRAME_SPACE]	= "space",
};

static const enum mnl_attr_data_type smm_frame_types[SHADOWMM_A_FRAME_MAX + 1] = {
	[SHADOWMM_A_FRAME_RUNS]	= MNL_TYPE_NESTED,
};

static const struct smm_attr_policy smm_frame_policy = SMM_ATTR_POLICY(smm_frame_types);

static const enum mnl_attr_data_type smm_run_types[SHADOWMM_A_RUN_MAX + 1] = {
	[SHADOWMM_A_RUN_START]		= MNL_TYPE_U64,
	[SHADOWMM_A_RUN_COUNT]		= MNL_TYPE_U64,
	[SHADOWMM_A_RUN_STATE]		= MNL_TYPE_U32,
	[SHADOWMM_A_RUN_MIGRATETYPE]	= MNL_TYPE_U32,
};

static const struct smm_attr_policy smm_run_policy = SMM_ATTR_POLICY(smm_run_types);

struct smm_frames_ctx {
	smm_run_cb cb;
	void *data;
};

static int smm_frames_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[SHADOWMM_A_FRAME_MAX + 1], *rb[SHADOWMM_A_RUN_MAX + 1], *a;
	struct smm_frames_ctx *ctx = data;
	int ret;

	if (smm_attr_parse(nlh, &smm_frame_policy, tb) || !tb[SHADOWMM_A_FRAME_RUNS])
		return MNL_CB_ERROR;
	mnl_attr_for_each_nested(a, tb[SHADOWMM_A_FRAME_RUNS]) {
		struct smm_run run;

		if (mnl_attr_get_type(a) != SHADOWMM_A_FRAME_RUN ||
		    smm_attr_parse_nested(a, &smm_run_policy, rb))
			continue;
		run.start = smm_attr_u64(rb[SHADOWMM_A_RUN_START], 0);
		run.count = smm_attr_u64(rb[SHADOWMM_A_RUN_COUNT], 0);
		run.state = smm_attr_u32(rb[SHADOWMM_A_RUN_STATE], 0);
		run.mt = smm_attr_u32(rb[SHADOWMM_A_RUN_MIGRATETYPE], 0);
		if (run.state >= __SHADOWMM_FRAME_CNT)
			run.state = 0;
		ret = ctx->cb(&run, ctx->data);
		if (ret) {
			errno = -ret;	/* smm_nl_run() reports it */
			return MNL_CB_ERROR;
		}
	}
	return MNL_CB_OK;
}

/*
 * Each run of frames from @start (@count frames, 0: to the end of the
 * range) to @cb, which returns 0 or -errno to stop. SMM_NL_DUMP_INTR
 * means the allocator changed during the dump: @cb saw a mix, so throw
 * the runs away and call again.
 */
int smm_frames_get(struct smm_nl *nl, uint64_t start, uint64_t count, smm_run_cb cb, void *data)
{
	struct smm_frames_ctx ctx = { cb, data };
	struct nlmsghdr *nlh = smm_nl_request(nl, SHADOWMM_CMD_FRAME_GET, true);

	mnl_attr_put_u64(nlh, SHADOWMM_A_FRAME_START, start);
	if (count)
		mnl_attr_put_u64(nlh, SHADOWMM_A_FRAME_COUNT, count);
	return smm_nl_run(nl, nlh, smm_frames_cb, &ctx);
}
