// SPDX-License-Identifier: GPL-2.0
/*
 * RECLAIM: proactive reclaim over netlink, as a write to memory.reclaim
 * (mm/memcontrol.c's memory_reclaim()): core/vmscan.c's
 * smm_proactive_reclaim() under the spaces' lock (the scans read the
 * spaces through the LRU's reverse map, swap-out writes them).
 *
 * Locking: smm_space_lock_all() around the whole request; the work is
 * bounded by the pages asked for, and by 16 empty rounds.
 */
#include "smm.h"
#include "netlink.h"
#include "core/vmscan.h"

static struct netlink_range_validation smm_nl_reclaim_range = {
	.min = 1,
	.max = SHADOWMM_RECLAIM_MAX_PAGES,
};

static const struct nla_policy smm_nl_reclaim_policy[SHADOWMM_A_RECLAIM_PAGES + 1] = {
	[SHADOWMM_A_RECLAIM_PAGES] = NLA_POLICY_FULL_RANGE(NLA_U64, &smm_nl_reclaim_range),
};

/*
 * PAGES pages reclaimed (swapped out) or -EAGAIN when reclaim can make
 * no progress (no swap, swap full, swappiness 0, nothing on the lists),
 * each with the reason. Replies the pages reclaimed.
 */
static int smm_nl_reclaim_prepare(struct sk_buff *skb, struct genl_info *info, void *data)
{
	struct nlattr *a = info->attrs[SHADOWMM_A_RECLAIM_PAGES];
	struct smm_nl_u64 *r = data;
	u64 got = 0;
	int ret;

	if (!a) {
		NL_SET_ERR_MSG(info->extack, "missing the number of pages to reclaim");
		return -EINVAL;
	}
	smm_space_lock_all();
	ret = smm_proactive_reclaim(&smm_dev.mm, nla_get_u64(a), &got);
	if (got)
		smm_space_changed();
	smm_space_unlock_all();
	if (ret) {
		NL_SET_ERR_MSG_ATTR(info->extack, a,
				    "reclaim made no progress: no swap, swap full, swappiness 0 or nothing to reclaim");
		return ret;
	}
	*r = (struct smm_nl_u64) { got, SHADOWMM_A_RECLAIM_PAGES, SHADOWMM_A_RECLAIM_PAD };
	return 0;
}

const struct smm_nl_ops smm_nl_reclaim_ops[] = {
	SMM_NL_ADMIN_OP(RECLAIM, SMM_NL_POLICY(smm_nl_reclaim_policy),
			.prepare = smm_nl_reclaim_prepare, SMM_NL_U64_REPLY),
	{ }
};
