// SPDX-License-Identifier: GPL-2.0
/*
 * The workload generator: WORKLOAD_START, WORKLOAD_STOP and the
 * WORKLOAD_GET dump (one message per workload).
 */
#include <errno.h>
#include <string.h>

#include "libsmm.h"

static const struct smmc_attr_field smmc_workload_fields[SHADOWMM_A_WORKLOAD_MAX + 1] = {
	[SHADOWMM_A_WORKLOAD_SPACE]	= SMMC_ATTR_U32(struct smmc_workload, space),
	[SHADOWMM_A_WORKLOAD_PATTERN]	= SMMC_ATTR_U32(struct smmc_workload, pattern),
	[SHADOWMM_A_WORKLOAD_PARAM]	= SMMC_ATTR_U32(struct smmc_workload, param),
	[SHADOWMM_A_WORKLOAD_RATE]	= SMMC_ATTR_U32(struct smmc_workload, rate),
	[SHADOWMM_A_WORKLOAD_WRITE_PCT]	= SMMC_ATTR_U32(struct smmc_workload, write_pct),
	[SHADOWMM_A_WORKLOAD_SECONDS]	= SMMC_ATTR_U32(struct smmc_workload, seconds),
	[SHADOWMM_A_WORKLOAD_ACCESSES]	= SMMC_ATTR_U64(struct smmc_workload, accesses),
	[SHADOWMM_A_WORKLOAD_FAULTS]	= SMMC_ATTR_U64(struct smmc_workload, faults),
	[SHADOWMM_A_WORKLOAD_STATE]	= SMMC_ATTR_U32(struct smmc_workload, running),
	[SHADOWMM_A_WORKLOAD_REASON]	= SMMC_ATTR_STR(struct smmc_workload, reason),
};

static const struct smmc_attr_policy smmc_workload_policy = SMMC_ATTR_FIELDS(smmc_workload_fields);

const char *const smmc_workload_patterns[4] = { "seq", "random", "hot-cold", "zipf" };

/* A workload on @w->space by @w's pattern, rate, writes and time. */
int smmc_workload_start(struct smmc_nl *nl, const struct smmc_workload *w)
{
	struct nlmsghdr *nlh = smmc_nl_request(nl, SHADOWMM_CMD_WORKLOAD_START, false);

	mnl_attr_put_u32(nlh, SHADOWMM_A_WORKLOAD_SPACE, w->space);
	mnl_attr_put_u32(nlh, SHADOWMM_A_WORKLOAD_PATTERN, w->pattern);
	if (w->pattern == SHADOWMM_WORKLOAD_HOT_COLD || w->pattern == SHADOWMM_WORKLOAD_ZIPF)
		mnl_attr_put_u32(nlh, SHADOWMM_A_WORKLOAD_PARAM, w->param);
	mnl_attr_put_u32(nlh, SHADOWMM_A_WORKLOAD_RATE, w->rate);
	mnl_attr_put_u32(nlh, SHADOWMM_A_WORKLOAD_WRITE_PCT, w->write_pct);
	mnl_attr_put_u32(nlh, SHADOWMM_A_WORKLOAD_SECONDS, w->seconds);
	return smmc_nl_run(nl, nlh, NULL, NULL);
}

/* The workload of space @space stopped and forgotten. */
int smmc_workload_stop(struct smmc_nl *nl, uint32_t space)
{
	struct nlmsghdr *nlh = smmc_nl_request(nl, SHADOWMM_CMD_WORKLOAD_STOP, false);

	mnl_attr_put_u32(nlh, SHADOWMM_A_WORKLOAD_SPACE, space);
	return smmc_nl_run(nl, nlh, NULL, NULL);
}

/* One WORKLOAD_GET message into the struct smmc_workload at @w (a smmc_dump's parse). */
static int smmc_workload_parse(const struct nlmsghdr *nlh, void *w)
{
	const struct nlattr *tb[SHADOWMM_A_WORKLOAD_MAX + 1];

	memset(w, 0, sizeof(struct smmc_workload));
	if (smmc_attr_parse(nlh, &smmc_workload_policy, tb))
		return -EBADMSG;
	smmc_attr_store(tb, &smmc_workload_policy, w);
	return 0;
}

/* Every workload, running or ended, in an array the caller frees (smmc_dump_array()). */
int smmc_workloads_get(struct smmc_nl *nl, struct smmc_workload **v, size_t *n)
{
	static const struct smmc_dump d = { SHADOWMM_CMD_WORKLOAD_GET, sizeof(**v), 8, 1,
					    smmc_workload_parse };

	return smmc_dump_array(nl, &d, (void **)v, n);
}
