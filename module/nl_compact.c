// SPDX-License-Identifier: GPL-2.0
/*
 * COMPACT: compaction on demand over netlink, as a write to
 * /proc/sys/vm/compact_memory (order -1, every zone) or to a node's
 * compact file, with an order and a zone added: core/compaction.c's
 * smm_compact_zone() for the zone asked for, or each populated zone in
 * turn, under the spaces' lock (migration rewrites the spaces' PTEs
 * through the LRU's reverse map).
 *
 * Locking: smm_space_lock_all() around the whole request, as RECLAIM
 * holds it; the work is bounded by the zone's pageblocks, done in
 * batches of 32 pages with cond_resched() between, and no zone lock is
 * held for more than one pageblock's scan.
 */
#include "smm.h"
#include "netlink.h"
#include "core/compaction.h"

static const struct nla_policy smm_nl_compact_policy[SHADOWMM_A_COMPACT_ORDER + 1] = {
	[SHADOWMM_A_COMPACT_ZONE]	= NLA_POLICY_MAX(NLA_U32, __SHADOWMM_ZONE_CNT - 1),
	[SHADOWMM_A_COMPACT_ORDER]	= NLA_POLICY_RANGE(NLA_S32, -1, SHADOWMM_COMPACT_MAX_ORDER),
};

struct smm_nl_compact {
	bool done[SMM_NR_ZONES];
	struct smm_compact_zone_res res[SMM_NR_ZONES];
};

static size_t smm_nl_compact_size(const struct genl_info *info)
{
	size_t zone = nla_total_size(0) + 2 * nla_total_size(sizeof(u32)) +
		      5 * nla_total_size_64bit(sizeof(u64));

	return SMM_NR_ZONES * zone;
}

/*
 * The zone asked for (an empty one is refused: nothing to compact), or
 * every populated zone, compacted for ORDER (-1 when absent).
 */
static int smm_nl_compact_prepare(struct sk_buff *skb, struct genl_info *info, void *data)
{
	struct nlattr *za = info->attrs[SHADOWMM_A_COMPACT_ZONE];
	struct nlattr *oa = info->attrs[SHADOWMM_A_COMPACT_ORDER];
	int order = oa ? nla_get_s32(oa) : -1;
	struct smm_mm *mm = &smm_dev.mm;
	struct smm_nl_compact *r = data;
	unsigned int z, first = 0, last = SMM_NR_ZONES - 1;
	u64 moved = 0;
	int ret = 0;

	if (za) {
		first = last = nla_get_u32(za);
		if (!smm_zone_populated(&mm->zones[first])) {
			NL_SET_ERR_MSG_ATTR(info->extack, za, "the zone is empty: nothing to compact");
			return -EINVAL;
		}
	}
	smm_space_lock_all();
	for (z = first; z <= last && !ret; z++) {
		if (!smm_zone_populated(&mm->zones[z]))
			continue;
		ret = smm_compact_zone(mm, z, order, &r->res[z]);
		r->done[z] = !ret;
		moved += r->res[z].migrated;
	}
	if (moved)	/* the spaces' PTEs point elsewhere now */
		smm_space_changed();
	smm_space_unlock_all();
	if (ret)
		NL_SET_ERR_MSG(info->extack, "no memory for compaction's state");
	return ret;
}

static int smm_nl_compact_put_zone(struct sk_buff *skb, unsigned int z,
				   const struct smm_compact_zone_res *res)
{
	struct nlattr *nest = nla_nest_start(skb, SHADOWMM_A_COMPACT_ZONE_RES);

	if (!nest ||
	    nla_put_u32(skb, SHADOWMM_A_COMPACT_ZONE_ID, z) ||
	    nla_put_u32(skb, SHADOWMM_A_COMPACT_ZONE_RESULT, res->result) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_COMPACT_ZONE_MIGRATED, res->migrated,
			      SHADOWMM_A_COMPACT_ZONE_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_COMPACT_ZONE_FAILED, res->failed,
			      SHADOWMM_A_COMPACT_ZONE_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_COMPACT_ZONE_MIGRATE_SCANNED, res->migrate_scanned,
			      SHADOWMM_A_COMPACT_ZONE_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_COMPACT_ZONE_FREE_SCANNED, res->free_scanned,
			      SHADOWMM_A_COMPACT_ZONE_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_COMPACT_ZONE_PINNED, res->pinned,
			      SHADOWMM_A_COMPACT_ZONE_PAD))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int smm_nl_compact_fill(struct sk_buff *skb, const void *data)
{
	const struct smm_nl_compact *r = data;
	unsigned int z;

	for (z = 0; z < SMM_NR_ZONES; z++)
		if (r->done[z] && smm_nl_compact_put_zone(skb, z, &r->res[z]))
			return -EMSGSIZE;
	return 0;
}

const struct smm_nl_ops smm_nl_compact_ops[] = {
	SMM_NL_ADMIN_OP(COMPACT, SMM_NL_POLICY(smm_nl_compact_policy),
			.data_size = sizeof(struct smm_nl_compact),
			.reply_size = smm_nl_compact_size, .prepare = smm_nl_compact_prepare,
			.fill = smm_nl_compact_fill),
	{ }
};
