// SPDX-License-Identifier: GPL-2.0
/*
 * VMSTAT_GET: the shadow's counters by /proc/vmstat's names, in the
 * order the module sends them. The names come in the reply, so a counter
 * the module adds shows up here without a change.
 */
#include <stdlib.h>
#include <string.h>

#include "libsmm.h"

static const enum mnl_attr_data_type smmc_vmstat_types[SHADOWMM_A_VMSTAT_MAX + 1] = {
	[SHADOWMM_A_VMSTAT_COUNTERS]	= MNL_TYPE_NESTED,
};

static const struct smmc_attr_policy smmc_vmstat_policy = SMMC_ATTR_POLICY(smmc_vmstat_types);

static const struct smmc_attr_field smmc_vmstat_ctr_fields[SHADOWMM_A_VMSTAT_CTR_MAX + 1] = {
	[SHADOWMM_A_VMSTAT_CTR_NAME]	= SMMC_ATTR_STR(struct smmc_vmstat, name),
	[SHADOWMM_A_VMSTAT_CTR_VALUE]	= SMMC_ATTR_U64(struct smmc_vmstat, value),
};

static const struct smmc_attr_policy smmc_vmstat_ctr_policy =
	SMMC_ATTR_FIELDS(smmc_vmstat_ctr_fields);

struct smmc_vmstat_ctx {
	struct smmc_vmstat *v;
	size_t n, cap;
};

/* One SHADOWMM_A_VMSTAT_COUNTER nest into @c: 0, or -1 for another member or one without a name. */
static int smmc_vmstat_ctr_parse(const struct nlattr *a, struct smmc_vmstat *c)
{
	const struct nlattr *ctr[SHADOWMM_A_VMSTAT_CTR_MAX + 1];

	if (mnl_attr_get_type(a) != SHADOWMM_A_VMSTAT_COUNTER ||
	    smmc_attr_parse_nested(a, &smmc_vmstat_ctr_policy, ctr) ||
	    !ctr[SHADOWMM_A_VMSTAT_CTR_NAME])
		return -1;
	memset(c, 0, sizeof(*c));
	smmc_attr_store(ctr, &smmc_vmstat_ctr_policy, c);
	return 0;
}

/*
 * The counters of a nest (VMSTAT_GET's COUNTERS, an event's VMSTAT) into
 * @v, at most @max; returns how many.
 */
size_t smmc_vmstat_parse_nest(const struct nlattr *nest, struct smmc_vmstat *v, size_t max)
{
	const struct nlattr *a;
	size_t n = 0;

	mnl_attr_for_each_nested(a, nest)
		if (n < max && !smmc_vmstat_ctr_parse(a, &v[n]))
			n++;
	return n;
}

/* Each counter with a name; other members of the nest are skipped. */
static int smmc_vmstat_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[SHADOWMM_A_VMSTAT_MAX + 1], *a;
	struct smmc_vmstat_ctx *ctx = data;

	if (smmc_attr_parse(nlh, &smmc_vmstat_policy, tb) || !tb[SHADOWMM_A_VMSTAT_COUNTERS])
		return MNL_CB_ERROR;
	mnl_attr_for_each_nested(a, tb[SHADOWMM_A_VMSTAT_COUNTERS]) {
		if (smmc_array_reserve((void **)&ctx->v, &ctx->cap, ctx->n, sizeof(*ctx->v), 32)) {
			errno = ENOMEM;
			return MNL_CB_ERROR;
		}
		if (!smmc_vmstat_ctr_parse(a, &ctx->v[ctx->n]))
			ctx->n++;
	}
	return MNL_CB_OK;
}

/* Every counter into a new array *@v of *@n (free() it). */
int smmc_vmstat_get(struct smmc_nl *nl, struct smmc_vmstat **v, size_t *n)
{
	struct nlmsghdr *nlh = smmc_nl_request(nl, SHADOWMM_CMD_VMSTAT_GET, false);
	struct smmc_vmstat_ctx ctx = { NULL, 0, 0 };
	int ret = smmc_nl_run(nl, nlh, smmc_vmstat_cb, &ctx);

	if (ret) {
		free(ctx.v);
		return ret;
	}
	*v = ctx.v;
	*n = ctx.n;
	return 0;
}

/* The counter called @name in @v, or NULL. */
const struct smmc_vmstat *smmc_vmstat_find(const struct smmc_vmstat *v, size_t n,
					   const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(v[i].name, name))
			return &v[i];
	return NULL;
}
