// SPDX-License-Identifier: GPL-2.0
/* FRAME_GET: the frame map as runs. */
#include <errno.h>
#include <string.h>

#include "libsmm.h"

const char *const smmc_state_names[__SHADOWMM_FRAME_CNT] = {
	[0]			= "unknown",
	[SHADOWMM_FRAME_HOLE]	= "hole",
	[SHADOWMM_FRAME_FREE]	= "free",
	[SHADOWMM_FRAME_PCP]	= "pcp",
	[SHADOWMM_FRAME_PAGE]	= "page",
	[SHADOWMM_FRAME_SLAB]	= "slab",
	[SHADOWMM_FRAME_PGTABLE] = "pgtable",
	[SHADOWMM_FRAME_SPACE]	= "space",
	[SHADOWMM_FRAME_LRU]	= "lru",
};

static const enum mnl_attr_data_type smmc_frame_types[SHADOWMM_A_FRAME_MAX + 1] = {
	[SHADOWMM_A_FRAME_RUNS]	= MNL_TYPE_NESTED,
};

static const struct smmc_attr_policy smmc_frame_policy = SMMC_ATTR_POLICY(smmc_frame_types);

/*
 * One run from its nest, or -1 if an attribute we know has the wrong
 * size. This is the hot path of every dashboard refresh (a 1 GiB map is
 * tens of thousands of runs), so the attributes are walked inline
 * instead of through libmnl's per-attribute callbacks: same rules, each
 * length checked, unknown types skipped.
 */
static int smmc_run_parse(const struct nlattr *nest, struct smmc_run *run)
{
	const char *p = mnl_attr_get_payload(nest);
	size_t left = mnl_attr_get_payload_len(nest);
	const struct nlattr *a;

	memset(run, 0, sizeof(*run));
	while (left >= sizeof(*a)) {
		a = (const struct nlattr *)p;
		if (a->nla_len < sizeof(*a) || a->nla_len > left)
			return -1;
		switch (a->nla_type & NLA_TYPE_MASK) {
		case SHADOWMM_A_RUN_START:
		case SHADOWMM_A_RUN_COUNT:
			if (a->nla_len != MNL_ATTR_HDRLEN + sizeof(uint64_t))
				return -1;
			memcpy((a->nla_type & NLA_TYPE_MASK) == SHADOWMM_A_RUN_START ?
			       &run->start : &run->count, p + MNL_ATTR_HDRLEN, sizeof(uint64_t));
			break;
		case SHADOWMM_A_RUN_STATE:
		case SHADOWMM_A_RUN_MIGRATETYPE:
			if (a->nla_len != MNL_ATTR_HDRLEN + sizeof(uint32_t))
				return -1;
			memcpy((a->nla_type & NLA_TYPE_MASK) == SHADOWMM_A_RUN_STATE ?
			       &run->state : &run->mt, p + MNL_ATTR_HDRLEN, sizeof(uint32_t));
			break;
		}
		if ((size_t)MNL_ALIGN(a->nla_len) >= left)
			break;
		left -= MNL_ALIGN(a->nla_len);
		p += MNL_ALIGN(a->nla_len);
	}
	return 0;
}

struct smmc_frames_ctx {
	smmc_run_cb cb;
	void *data;
};

static int smmc_frames_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[SHADOWMM_A_FRAME_MAX + 1], *a;
	struct smmc_frames_ctx *ctx = data;
	int ret;

	if (smmc_attr_parse(nlh, &smmc_frame_policy, tb) || !tb[SHADOWMM_A_FRAME_RUNS])
		return MNL_CB_ERROR;
	mnl_attr_for_each_nested(a, tb[SHADOWMM_A_FRAME_RUNS]) {
		struct smmc_run run;

		if (mnl_attr_get_type(a) != SHADOWMM_A_FRAME_RUN || smmc_run_parse(a, &run))
			continue;
		if (run.state >= __SHADOWMM_FRAME_CNT)
			run.state = 0;
		ret = ctx->cb(&run, ctx->data);
		if (ret) {
			errno = -ret;	/* smmc_nl_run() reports it */
			return MNL_CB_ERROR;
		}
	}
	return MNL_CB_OK;
}

/*
 * Each run of frames from @start (@count frames, 0: to the end of the
 * range) to @cb, which returns 0 or -errno to stop. SMMC_NL_DUMP_INTR
 * means the allocator changed during the dump: @cb saw a mix, so throw
 * the runs away and call again.
 */
int smmc_frames_get(struct smmc_nl *nl, uint64_t start, uint64_t count, smmc_run_cb cb, void *data)
{
	struct smmc_frames_ctx ctx = { cb, data };
	struct nlmsghdr *nlh = smmc_nl_request(nl, SHADOWMM_CMD_FRAME_GET, true);

	mnl_attr_put_u64(nlh, SHADOWMM_A_FRAME_START, start);
	if (count)
		mnl_attr_put_u64(nlh, SHADOWMM_A_FRAME_COUNT, count);
	return smmc_nl_run(nl, nlh, smmc_frames_cb, &ctx);
}
