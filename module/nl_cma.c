// SPDX-License-Identifier: GPL-2.0
/*
 * CMA_ALLOC, CMA_FREE, CMA_GET: the cma= area (core/cma.c) as cma_alloc()
 * and cma_release() use it, and what it holds.
 *
 * Locking: smm_space_lock_all() around each request: alloc migrates the
 * area's movable pages out (rewriting the spaces' PTEs), and the area's
 * bitmap and allocation list are kept under it.
 */
#include "smm.h"
#include "netlink.h"
#include "core/cma.h"

static struct netlink_range_validation smm_nl_cma_count = {
	.min = 1,
	.max = SMM_MAX_SPAN_FRAMES,
};

static const struct nla_policy smm_nl_cma_alloc_policy[SHADOWMM_A_CMA_ALIGN + 1] = {
	[SHADOWMM_A_CMA_COUNT]	= NLA_POLICY_FULL_RANGE(NLA_U64, &smm_nl_cma_count),
	[SHADOWMM_A_CMA_ALIGN]	= NLA_POLICY_MAX(NLA_U32, SHADOWMM_CMA_MAX_ALIGN),
};

static struct netlink_range_validation smm_nl_cma_handle = {
	.max = SMM_MAX_SPAN_FRAMES - 1,
};

static const struct nla_policy smm_nl_cma_free_policy[SHADOWMM_A_CMA_HANDLE + 1] = {
	[SHADOWMM_A_CMA_HANDLE]	= NLA_POLICY_FULL_RANGE(NLA_U64, &smm_nl_cma_handle),
};

/* cma_alloc(): COUNT frames, ALIGN; the reply's HANDLE names them. */
static int smm_nl_cma_alloc_prepare(struct sk_buff *skb, struct genl_info *info, void *data)
{
	struct nlattr *ca = info->attrs[SHADOWMM_A_CMA_COUNT];
	struct nlattr *aa = info->attrs[SHADOWMM_A_CMA_ALIGN];
	struct smm_nl_u64 *r = data;
	const char *why;
	u64 start, bad;
	int ret;

	if (!ca) {
		NL_SET_ERR_MSG(info->extack, "cma alloc needs COUNT");
		return -EINVAL;
	}
	smm_space_lock_all();
	ret = smm_cma_alloc(&smm_dev.mm, nla_get_u64(ca), aa ? nla_get_u32(aa) : 0, &start, &bad,
			    &why);
	smm_space_changed();	/* pages may have moved even when it failed */
	smm_space_unlock_all();
	if (ret) {
		smm_nl_set_err(info->extack, ca, why);
		return ret;
	}
	*r = (struct smm_nl_u64) { start, SHADOWMM_A_CMA_HANDLE, SHADOWMM_A_CMA_PAD };
	return 0;
}

/* cma_release() of the allocation HANDLE names. */
static int smm_nl_cma_free_prepare(struct sk_buff *skb, struct genl_info *info, void *data)
{
	struct nlattr *ha = info->attrs[SHADOWMM_A_CMA_HANDLE];
	const char *why;
	int ret;

	if (!ha) {
		NL_SET_ERR_MSG(info->extack, "cma free needs HANDLE");
		return -EINVAL;
	}
	smm_space_lock_all();
	ret = smm_cma_release(&smm_dev.mm, nla_get_u64(ha), &why);
	smm_space_unlock_all();
	if (ret)
		smm_nl_set_err(info->extack, ha, why);
	return ret;
}

struct smm_nl_cma_get {
	struct smm_cma cma;		/* a copy, bitmap pointer not followed */
	u64 free, success, fail;
};

static size_t smm_nl_cma_get_size(const struct genl_info *info)
{
	return 6 * nla_total_size_64bit(sizeof(u64)) + nla_total_size(sizeof(u32)) +
	       SMM_CMA_MAX_ALLOCS * (nla_total_size(0) + 2 * nla_total_size_64bit(sizeof(u64)));
}

/* The area copied under the spaces' lock; its free frames counted from the lists. */
static int smm_nl_cma_get_prepare(struct sk_buff *skb, struct genl_info *info, void *data)
{
	struct smm_nl_cma_get *g = data;
	struct smm_mm *mm = &smm_dev.mm;

	smm_space_lock_all();
	if (mm->cma) {
		g->cma = *mm->cma;
		g->free = smm_cma_free_frames(mm);
		g->success = READ_ONCE(mm->compact.cma_alloc_success);
		g->fail = READ_ONCE(mm->compact.cma_alloc_fail);
	}
	smm_space_unlock_all();
	if (!g->cma.count) {
		NL_SET_ERR_MSG(info->extack, "no CMA area (load parameter cma=)");
		return -ENODEV;
	}
	return 0;
}

static int smm_nl_cma_put_allocs(struct sk_buff *skb, const struct smm_cma *cma)
{
	unsigned int i;

	for (i = 0; i < SMM_CMA_MAX_ALLOCS; i++) {
		struct nlattr *nest;

		if (!cma->allocs[i].count)
			continue;
		nest = nla_nest_start(skb, SHADOWMM_A_CMA_ALLOCATION);
		if (!nest ||
		    nla_put_u64_64bit(skb, SHADOWMM_A_CMA_HANDLE, cma->allocs[i].start,
				      SHADOWMM_A_CMA_PAD) ||
		    nla_put_u64_64bit(skb, SHADOWMM_A_CMA_COUNT, cma->allocs[i].count,
				      SHADOWMM_A_CMA_PAD))
			return -EMSGSIZE;
		nla_nest_end(skb, nest);
	}
	return 0;
}

static int smm_nl_cma_get_fill(struct sk_buff *skb, const void *data)
{
	const struct smm_nl_cma_get *g = data;
	const struct smm_cma *c = &g->cma;

	if (nla_put_u64_64bit(skb, SHADOWMM_A_CMA_BASE, c->base, SHADOWMM_A_CMA_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_CMA_COUNT, c->count, SHADOWMM_A_CMA_PAD) ||
	    nla_put_u32(skb, SHADOWMM_A_CMA_ZONE, c->zone) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_CMA_USED, c->used, SHADOWMM_A_CMA_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_CMA_FREE, g->free, SHADOWMM_A_CMA_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_CMA_ALLOC_SUCCESS, g->success,
			      SHADOWMM_A_CMA_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_CMA_ALLOC_FAIL, g->fail, SHADOWMM_A_CMA_PAD))
		return -EMSGSIZE;
	return smm_nl_cma_put_allocs(skb, c);
}

const struct smm_nl_ops smm_nl_cma_ops[] = {
	SMM_NL_ADMIN_OP(CMA_ALLOC, SMM_NL_POLICY(smm_nl_cma_alloc_policy),
			.prepare = smm_nl_cma_alloc_prepare, SMM_NL_U64_REPLY),
	SMM_NL_ADMIN_OP(CMA_FREE, SMM_NL_POLICY(smm_nl_cma_free_policy),
			.prepare = smm_nl_cma_free_prepare),
	SMM_NL_ADMIN_OP(CMA_GET, .data_size = sizeof(struct smm_nl_cma_get),
			.reply_size = smm_nl_cma_get_size, .prepare = smm_nl_cma_get_prepare,
			.fill = smm_nl_cma_get_fill),
	{ }
};
