// SPDX-License-Identifier: GPL-2.0
/*
 * RANGE_OFFLINE, RANGE_ONLINE, RANGE_GET: memory hot-remove of a range
 * of pageblocks and its way back (core/isolate.c's smm_offline_pages()
 * and smm_online_pages()), and the offline runs.
 *
 * Locking: smm_space_lock_all() around offline and online (migration
 * rewrites the spaces' PTEs through the LRU's reverse map, as COMPACT);
 * the core takes each zone lock for one pageblock at a time. GET reads
 * the frames without a lock: a run changing meanwhile may be cut.
 */
#include "smm.h"
#include "netlink.h"
#include "core/isolate.h"
#include "core/cma.h"

static struct netlink_range_validation smm_nl_range_count = {
	.min = SMM_PAGEBLOCK_FRAMES,
	.max = SMM_MAX_SPAN_FRAMES,
};

static struct netlink_range_validation smm_nl_range_start = {
	.max = SMM_MAX_SPAN_FRAMES - 1,
};

static const struct nla_policy smm_nl_range_policy[SHADOWMM_A_RANGE_COUNT + 1] = {
	[SHADOWMM_A_RANGE_START]	= NLA_POLICY_FULL_RANGE(NLA_U64, &smm_nl_range_start),
	[SHADOWMM_A_RANGE_COUNT]	= NLA_POLICY_FULL_RANGE(NLA_U64, &smm_nl_range_count),
};

/* START and COUNT, both required, or -EINVAL with the extack. */
static int smm_nl_range_args(struct genl_info *info, u64 *start, u64 *count)
{
	if (!info->attrs[SHADOWMM_A_RANGE_START] || !info->attrs[SHADOWMM_A_RANGE_COUNT]) {
		NL_SET_ERR_MSG(info->extack, "a range needs START and COUNT");
		return -EINVAL;
	}
	*start = nla_get_u64(info->attrs[SHADOWMM_A_RANGE_START]);
	*count = nla_get_u64(info->attrs[SHADOWMM_A_RANGE_COUNT]);
	return 0;
}

/* offline_pages() under the spaces' lock; a refusal's reason in the extack. */
static int smm_nl_range_offline_prepare(struct sk_buff *skb, struct genl_info *info, void *data)
{
	const char *why;
	u64 start, count, bad;
	int ret = smm_nl_range_args(info, &start, &count);

	if (ret)
		return ret;
	smm_space_lock_all();
	ret = smm_offline_pages(&smm_dev.mm, start, count, &bad, &why);
	smm_space_changed();	/* pages may have moved even when it failed */
	smm_space_unlock_all();
	if (ret)
		smm_nl_set_err(info->extack, info->attrs[SHADOWMM_A_RANGE_START], why);
	return ret;
}

static int smm_nl_range_online_prepare(struct sk_buff *skb, struct genl_info *info, void *data)
{
	const char *why;
	u64 start, count;
	int ret = smm_nl_range_args(info, &start, &count);

	if (ret)
		return ret;
	smm_space_lock_all();
	ret = smm_online_pages(&smm_dev.mm, start, count, &why);
	smm_space_unlock_all();
	if (ret)
		smm_nl_set_err(info->extack, info->attrs[SHADOWMM_A_RANGE_START], why);
	return ret;
}

/*
 * RESET's part (nl_page.c): every CMA allocation released, every offline
 * run onlined, under the spaces' lock, so that the zones are whole again.
 */
void smm_nl_range_reset(struct smm_dev *d)
{
	const char *why;
	unsigned int zone;
	u64 pos = 0, start, count;

	smm_space_lock_all();
	smm_cma_release_all(&d->mm);
	while (smm_next_offline_range(&d->mm, &pos, &start, &count, &zone))
		WARN_ON_ONCE(smm_online_pages(&d->mm, start, count, &why));
	smm_space_unlock_all();
}

struct smm_nl_range_list {
	unsigned int n;
	u64 start[SHADOWMM_RANGE_MAX_REPLY], count[SHADOWMM_RANGE_MAX_REPLY];
	unsigned int zone[SHADOWMM_RANGE_MAX_REPLY];
};

static size_t smm_nl_range_get_size(const struct genl_info *info)
{
	return SHADOWMM_RANGE_MAX_REPLY * (nla_total_size(0) + nla_total_size(sizeof(u32)) +
					   2 * nla_total_size_64bit(sizeof(u64)));
}

/* The first SHADOWMM_RANGE_MAX_REPLY runs of offline pageblocks. */
static int smm_nl_range_get_prepare(struct sk_buff *skb, struct genl_info *info, void *data)
{
	struct smm_nl_range_list *l = data;
	u64 pos = 0;

	while (l->n < SHADOWMM_RANGE_MAX_REPLY &&
	       smm_next_offline_range(&smm_dev.mm, &pos, &l->start[l->n], &l->count[l->n],
				      &l->zone[l->n]))
		l->n++;
	return 0;
}

static int smm_nl_range_get_fill(struct sk_buff *skb, const void *data)
{
	const struct smm_nl_range_list *l = data;
	unsigned int i;

	for (i = 0; i < l->n; i++) {
		struct nlattr *nest = nla_nest_start(skb, SHADOWMM_A_RANGE_OFFLINE);

		if (!nest ||
		    nla_put_u64_64bit(skb, SHADOWMM_A_RANGE_START, l->start[i], SHADOWMM_A_RANGE_PAD) ||
		    nla_put_u64_64bit(skb, SHADOWMM_A_RANGE_COUNT, l->count[i], SHADOWMM_A_RANGE_PAD) ||
		    nla_put_u32(skb, SHADOWMM_A_RANGE_ZONE, l->zone[i]))
			return -EMSGSIZE;
		nla_nest_end(skb, nest);
	}
	return 0;
}

const struct smm_nl_ops smm_nl_range_ops[] = {
	SMM_NL_ADMIN_OP(RANGE_OFFLINE, SMM_NL_POLICY(smm_nl_range_policy),
			.prepare = smm_nl_range_offline_prepare),
	SMM_NL_ADMIN_OP(RANGE_ONLINE, SMM_NL_POLICY(smm_nl_range_policy),
			.prepare = smm_nl_range_online_prepare),
	SMM_NL_ADMIN_OP(RANGE_GET, .data_size = sizeof(struct smm_nl_range_list),
			.reply_size = smm_nl_range_get_size, .prepare = smm_nl_range_get_prepare,
			.fill = smm_nl_range_get_fill),
	{ }
};
