// SPDX-License-Identifier: GPL-2.0
/*
 * SYSCTL_GET and SYSCTL_SET: the reclaim tunables by /proc/sys/vm's
 * names (min_free_kbytes, watermark_scale_factor, swappiness,
 * extfrag_threshold, compaction_proactiveness,
 * percpu_pagelist_high_fraction). SET sends
 * the ones marked in struct smmc_sysctl; the module takes all or none.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "libsmm.h"

/* In the order GET lists them; the attribute of each, and its width. */
const char *const smmc_sysctl_names[SMMC_SYSCTL_NR] = {
	"min_free_kbytes", "watermark_scale_factor", "swappiness", "extfrag_threshold",
	"compaction_proactiveness", "percpu_pagelist_high_fraction",
};

static const uint16_t smmc_sysctl_attrs[SMMC_SYSCTL_NR] = {
	SHADOWMM_A_SYSCTL_MIN_FREE_KBYTES,
	SHADOWMM_A_SYSCTL_WATERMARK_SCALE_FACTOR,
	SHADOWMM_A_SYSCTL_SWAPPINESS,
	SHADOWMM_A_SYSCTL_EXTFRAG_THRESHOLD,
	SHADOWMM_A_SYSCTL_COMPACTION_PROACTIVENESS,
	SHADOWMM_A_SYSCTL_PERCPU_PAGELIST_HIGH_FRACTION,
};

static const enum mnl_attr_data_type smmc_sysctl_types[SHADOWMM_A_SYSCTL_MAX + 1] = {
	[SHADOWMM_A_SYSCTL_MIN_FREE_KBYTES]		= MNL_TYPE_U64,
	[SHADOWMM_A_SYSCTL_WATERMARK_SCALE_FACTOR]	= MNL_TYPE_U32,
	[SHADOWMM_A_SYSCTL_SWAPPINESS]			= MNL_TYPE_U32,
	[SHADOWMM_A_SYSCTL_EXTFRAG_THRESHOLD]		= MNL_TYPE_U32,
	[SHADOWMM_A_SYSCTL_COMPACTION_PROACTIVENESS]	= MNL_TYPE_U32,
	[SHADOWMM_A_SYSCTL_PERCPU_PAGELIST_HIGH_FRACTION] = MNL_TYPE_U32,
};

static const struct smmc_attr_policy smmc_sysctl_policy = SMMC_ATTR_POLICY(smmc_sysctl_types);

/* The index of tunable @name, or -1. */
int smmc_sysctl_index(const char *name)
{
	int i;

	for (i = 0; i < SMMC_SYSCTL_NR; i++)
		if (!strcmp(name, smmc_sysctl_names[i]))
			return i;
	return -1;
}

/* Whether the tunable at @i travels as a u32 (the others as a u64). */
bool smmc_sysctl_is_u32(int i)
{
	return smmc_sysctl_types[smmc_sysctl_attrs[i]] == MNL_TYPE_U32;
}

/* Each tunable the module sent; one it does not know is skipped. */
static int smmc_sysctl_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[SHADOWMM_A_SYSCTL_MAX + 1];
	struct smmc_sysctl *s = data;
	int i;

	if (smmc_attr_parse(nlh, &smmc_sysctl_policy, tb))
		return MNL_CB_ERROR;
	for (i = 0; i < SMMC_SYSCTL_NR; i++) {
		const struct nlattr *a = tb[smmc_sysctl_attrs[i]];

		s->has[i] = a;
		s->v[i] = smmc_sysctl_is_u32(i) ? smmc_attr_u32(a, 0) : smmc_attr_u64(a, 0);
	}
	return MNL_CB_OK;
}

int smmc_sysctl_get(struct smmc_nl *nl, struct smmc_sysctl *s)
{
	memset(s, 0, sizeof(*s));
	return smmc_nl_run(nl, smmc_nl_request(nl, SHADOWMM_CMD_SYSCTL_GET, false),
			   smmc_sysctl_cb, s);
}

/* The tunables marked in @s->has; -ERANGE for a u32 one beyond 32 bits. */
int smmc_sysctl_set(struct smmc_nl *nl, const struct smmc_sysctl *s)
{
	struct nlmsghdr *nlh = smmc_nl_request(nl, SHADOWMM_CMD_SYSCTL_SET, false);
	int i;

	for (i = 0; i < SMMC_SYSCTL_NR; i++) {
		if (!s->has[i])
			continue;
		if (!smmc_sysctl_is_u32(i))
			mnl_attr_put_u64(nlh, smmc_sysctl_attrs[i], s->v[i]);
		else if (s->v[i] <= UINT32_MAX)
			mnl_attr_put_u32(nlh, smmc_sysctl_attrs[i], (uint32_t)s->v[i]);
		else
			return -ERANGE;
	}
	return smmc_nl_run(nl, nlh, NULL, NULL);
}
