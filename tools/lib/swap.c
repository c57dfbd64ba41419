// SPDX-License-Identifier: GPL-2.0
/*
 * The shadow swap area: SWAP_ON, SWAP_OFF, SWAP_GET, SPACE_PAGEOUT
 * (MADV_PAGEOUT on a range of a space), and RECLAIM (memory.reclaim).
 */
#include <errno.h>
#include <string.h>

#include "libsmm.h"

static const enum mnl_attr_data_type smmc_swap_types[SHADOWMM_A_SWAP_MAX + 1] = {
	[SHADOWMM_A_SWAP_SIZE]		= MNL_TYPE_U64,
	[SHADOWMM_A_SWAP_USED]		= MNL_TYPE_U64,
	[SHADOWMM_A_SWAP_PRIORITY]	= MNL_TYPE_U32,
	[SHADOWMM_A_SWAP_CLUSTERS]	= MNL_TYPE_U32,
	[SHADOWMM_A_SWAP_CLUSTERS_FREE]	= MNL_TYPE_U32,
	[SHADOWMM_A_SWAP_PSWPIN]	= MNL_TYPE_U64,
	[SHADOWMM_A_SWAP_PSWPOUT]	= MNL_TYPE_U64,
	[SHADOWMM_A_SWAP_PGMAJFAULT]	= MNL_TYPE_U64,
	[SHADOWMM_A_SWAP_LIMIT]		= MNL_TYPE_U64,
	[SHADOWMM_A_SWAP_CACHED]	= MNL_TYPE_U64,
};

static const struct smmc_attr_policy smmc_swap_policy = SMMC_ATTR_POLICY(smmc_swap_types);

static const enum mnl_attr_data_type smmc_pageout_types[SHADOWMM_A_SPACE_MAX + 1] = {
	[SHADOWMM_A_SPACE_PAGED_OUT]	= MNL_TYPE_U64,
};

static const struct smmc_attr_policy smmc_pageout_policy = SMMC_ATTR_POLICY(smmc_pageout_types);

/* A swap area of @size bytes (whole pages; the first is the header's). */
int smmc_swap_on(struct smmc_nl *nl, uint64_t size)
{
	struct nlmsghdr *nlh = smmc_nl_request(nl, SHADOWMM_CMD_SWAP_ON, false);

	mnl_attr_put_u64(nlh, SHADOWMM_A_SWAP_SIZE, size);
	return smmc_nl_run(nl, nlh, NULL, NULL);
}

/* Every swapped page back in, the area freed; -ENOMEM leaves it on. */
int smmc_swap_off(struct smmc_nl *nl)
{
	return smmc_nl_run(nl, smmc_nl_request(nl, SHADOWMM_CMD_SWAP_OFF, false), NULL, NULL);
}

static int smmc_swap_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[SHADOWMM_A_SWAP_MAX + 1];
	struct smmc_swap *sw = data;

	if (smmc_attr_parse(nlh, &smmc_swap_policy, tb))
		return MNL_CB_ERROR;
	sw->on = tb[SHADOWMM_A_SWAP_SIZE];
	sw->size = smmc_attr_u64(tb[SHADOWMM_A_SWAP_SIZE], 0);
	sw->used = smmc_attr_u64(tb[SHADOWMM_A_SWAP_USED], 0);
	sw->priority = (int32_t)smmc_attr_u32(tb[SHADOWMM_A_SWAP_PRIORITY], 0);
	sw->clusters = smmc_attr_u32(tb[SHADOWMM_A_SWAP_CLUSTERS], 0);
	sw->clusters_free = smmc_attr_u32(tb[SHADOWMM_A_SWAP_CLUSTERS_FREE], 0);
	sw->pswpin = smmc_attr_u64(tb[SHADOWMM_A_SWAP_PSWPIN], 0);
	sw->pswpout = smmc_attr_u64(tb[SHADOWMM_A_SWAP_PSWPOUT], 0);
	sw->pgmajfault = smmc_attr_u64(tb[SHADOWMM_A_SWAP_PGMAJFAULT], 0);
	sw->cached = smmc_attr_u64(tb[SHADOWMM_A_SWAP_CACHED], 0);
	sw->limit = smmc_attr_u64(tb[SHADOWMM_A_SWAP_LIMIT], 0);
	return MNL_CB_OK;
}

/* The area (on or not) and the swap counters. */
int smmc_swap_get(struct smmc_nl *nl, struct smmc_swap *sw)
{
	memset(sw, 0, sizeof(*sw));
	return smmc_nl_run(nl, smmc_nl_request(nl, SHADOWMM_CMD_SWAP_GET, false), smmc_swap_cb,
			   sw);
}

/* MADV_PAGEOUT on [addr, addr + len) of space @id; *@done: pages written to swap. */
int smmc_space_pageout(struct smmc_nl *nl, uint32_t id, uint64_t addr, uint64_t len,
		       uint64_t *done)
{
	struct nlmsghdr *nlh = smmc_nl_request(nl, SHADOWMM_CMD_SPACE_PAGEOUT, false);
	struct smmc_reply_u64 r = {
		.policy = &smmc_pageout_policy, .type = SHADOWMM_A_SPACE_PAGED_OUT, .v = done,
	};

	*done = 0;
	mnl_attr_put_u32(nlh, SHADOWMM_A_SPACE_ID, id);
	mnl_attr_put_u64(nlh, SHADOWMM_A_SPACE_ADDR, addr);
	mnl_attr_put_u64(nlh, SHADOWMM_A_SPACE_LEN, len);
	return smmc_nl_run(nl, nlh, smmc_reply_u64_cb, &r);
}

static const enum mnl_attr_data_type smmc_reclaim_types[SHADOWMM_A_RECLAIM_MAX + 1] = {
	[SHADOWMM_A_RECLAIM_PAGES]	= MNL_TYPE_U64,
};

static const struct smmc_attr_policy smmc_reclaim_policy = SMMC_ATTR_POLICY(smmc_reclaim_types);

/* Proactive reclaim (memory.reclaim) of @pages pages; *@done: pages reclaimed. */
int smmc_reclaim(struct smmc_nl *nl, uint64_t pages, uint64_t *done)
{
	struct nlmsghdr *nlh = smmc_nl_request(nl, SHADOWMM_CMD_RECLAIM, false);
	struct smmc_reply_u64 r = {
		.policy = &smmc_reclaim_policy, .type = SHADOWMM_A_RECLAIM_PAGES, .v = done,
	};

	*done = 0;
	mnl_attr_put_u64(nlh, SHADOWMM_A_RECLAIM_PAGES, pages);
	return smmc_nl_run(nl, nlh, smmc_reply_u64_cb, &r);
}
