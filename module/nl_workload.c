// SPDX-License-Identifier: GPL-2.0
/*
 * WORKLOAD_START / _STOP / _GET: the workload generator over netlink
 * (workload.c runs the threads). Every request is the admin's: a
 * workload changes state, and its counts follow a space's layout.
 *
 * Locking: workload.c's own (smm_workloads_lock, then the spaces' lock).
 */
#include "smm.h"
#include "netlink.h"
#include "core/workload.h"

static struct netlink_range_validation smm_nl_workload_rate = {
	.min = 1, .max = SHADOWMM_WORKLOAD_MAX_RATE,
};

static struct netlink_range_validation smm_nl_workload_seconds = {
	.max = SHADOWMM_WORKLOAD_MAX_SECONDS,
};

static const struct nla_policy smm_nl_workload_policy[SHADOWMM_A_WORKLOAD_SECONDS + 1] = {
	[SHADOWMM_A_WORKLOAD_SPACE]		= NLA_POLICY_MIN(NLA_U32, 1),
	[SHADOWMM_A_WORKLOAD_PATTERN]	= NLA_POLICY_MAX(NLA_U32, SHADOWMM_WORKLOAD_ZIPF),
	[SHADOWMM_A_WORKLOAD_PARAM]		= NLA_POLICY_MAX(NLA_U32, SMM_ZIPF_S_MAX),
	[SHADOWMM_A_WORKLOAD_RATE]		= NLA_POLICY_FULL_RANGE(NLA_U32, &smm_nl_workload_rate),
	[SHADOWMM_A_WORKLOAD_WRITE_PCT]	= NLA_POLICY_MAX(NLA_U32, 100),
	[SHADOWMM_A_WORKLOAD_SECONDS]	= NLA_POLICY_FULL_RANGE(NLA_U32, &smm_nl_workload_seconds),
};

/* u32 attribute @type, or @dflt when absent. */
static u32 smm_nl_workload_u32(const struct genl_info *info, int type, u32 dflt)
{
	return info->attrs[type] ? nla_get_u32(info->attrs[type]) : dflt;
}

/* PARAM's default: hot-cold 80 %, zipf 0.99 (YCSB's), none for the others. */
static u32 smm_nl_workload_param(u32 pattern)
{
	if (pattern == SHADOWMM_WORKLOAD_HOT_COLD)
		return 80;
	return pattern == SHADOWMM_WORKLOAD_ZIPF ? SMM_ZIPF_S_DEFAULT : 0;
}

/*
 * A workload on SPACE: PATTERN and RATE required, PARAM for hot-cold
 * and zipf (smm_nl_workload_param() when absent; the core checks its
 * range per pattern), WRITE_PCT 0 and SECONDS 0 (until stopped) by
 * default.
 */
static int smm_nl_workload_start_prepare(struct sk_buff *skb, struct genl_info *info, void *data)
{
	struct smm_workload_args a;
	const char *why = NULL;
	int ret;

	if (!info->attrs[SHADOWMM_A_WORKLOAD_SPACE] || !info->attrs[SHADOWMM_A_WORKLOAD_PATTERN] ||
	    !info->attrs[SHADOWMM_A_WORKLOAD_RATE]) {
		NL_SET_ERR_MSG(info->extack, "a workload needs a space, a pattern and a rate");
		return -EINVAL;
	}
	a.space = nla_get_u32(info->attrs[SHADOWMM_A_WORKLOAD_SPACE]);
	a.pattern = nla_get_u32(info->attrs[SHADOWMM_A_WORKLOAD_PATTERN]);
	a.param = smm_nl_workload_u32(info, SHADOWMM_A_WORKLOAD_PARAM,
				      smm_nl_workload_param(a.pattern));
	a.rate = nla_get_u32(info->attrs[SHADOWMM_A_WORKLOAD_RATE]);
	a.write_pct = smm_nl_workload_u32(info, SHADOWMM_A_WORKLOAD_WRITE_PCT, 0);
	a.seconds = smm_nl_workload_u32(info, SHADOWMM_A_WORKLOAD_SECONDS, 0);
	ret = smm_workload_start(&a, &why);
	if (ret)
		smm_nl_set_err(info->extack,
			       ret == -EINVAL ? info->attrs[SHADOWMM_A_WORKLOAD_PARAM] :
			       info->attrs[SHADOWMM_A_WORKLOAD_SPACE], why);
	return ret;
}

static int smm_nl_workload_stop_prepare(struct sk_buff *skb, struct genl_info *info, void *data)
{
	struct nlattr *a = info->attrs[SHADOWMM_A_WORKLOAD_SPACE];

	if (!a) {
		NL_SET_ERR_MSG(info->extack, "missing the space id");
		return -EINVAL;
	}
	if (smm_workload_stop(nla_get_u32(a))) {
		NL_SET_ERR_MSG_ATTR(info->extack, a, "no workload on that space");
		return -ENOENT;
	}
	return 0;
}

static int smm_nl_workload_fill(struct sk_buff *skb, const struct smm_workload_state *st)
{
	const struct smm_workload_args *a = &st->args;

	if (nla_put_u32(skb, SHADOWMM_A_WORKLOAD_SPACE, a->space) ||
	    nla_put_u32(skb, SHADOWMM_A_WORKLOAD_PATTERN, a->pattern) ||
	    nla_put_u32(skb, SHADOWMM_A_WORKLOAD_PARAM, a->param) ||
	    nla_put_u32(skb, SHADOWMM_A_WORKLOAD_RATE, a->rate) ||
	    nla_put_u32(skb, SHADOWMM_A_WORKLOAD_WRITE_PCT, a->write_pct) ||
	    nla_put_u32(skb, SHADOWMM_A_WORKLOAD_SECONDS, a->seconds) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_WORKLOAD_ACCESSES, st->accesses, SHADOWMM_A_WORKLOAD_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_WORKLOAD_FAULTS, st->faults, SHADOWMM_A_WORKLOAD_PAD) ||
	    nla_put_u32(skb, SHADOWMM_A_WORKLOAD_STATE, st->running) ||
	    (st->reason && nla_put_string(skb, SHADOWMM_A_WORKLOAD_REASON, st->reason)))
		return -EMSGSIZE;
	return 0;
}

/* One message per workload, resumed at the slot in cb->args[0]. */
static int smm_nl_workload_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct smm_workload_state st;
	unsigned int next;
	void *hdr;

	while ((next = smm_workload_get(cb->args[0], &st))) {
		hdr = smm_nl_dump_put(skb, cb, SHADOWMM_CMD_WORKLOAD_GET);
		if (!hdr)
			break;
		if (smm_nl_workload_fill(skb, &st)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[0] = next;
	}
	return skb->len;
}

const struct smm_nl_ops smm_nl_workload_ops[] = {
	SMM_NL_ADMIN_OP(WORKLOAD_START, SMM_NL_POLICY(smm_nl_workload_policy),
			.prepare = smm_nl_workload_start_prepare),
	SMM_NL_ADMIN_OP(WORKLOAD_STOP, SMM_NL_POLICY(smm_nl_workload_policy),
			.prepare = smm_nl_workload_stop_prepare),
	SMM_NL_ADMIN_OP(WORKLOAD_GET, .dumpit = smm_nl_workload_get_dumpit),
	{ }
};
