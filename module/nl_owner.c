// SPDX-License-Identifier: GPL-2.0
/*
 * OWNER_GET: page_owner's records (core/page_owner.h) over netlink. do:
 * the block holding FRAME, allocated or freed; dump: every allocated
 * block, one message each, resumable, as debugfs page_owner lists them.
 * Admin only (stacks name kernel symbols); refused with a reason while
 * the module records nothing (page_owner=off, the default).
 */
#include <linux/slab.h>

#include "smm.h"
#include "compat.h"
#include "netlink.h"
#include "core/page_owner.h"

/* A stack is at most SMM_PAGE_OWNER_DEPTH lines of "symbol+off/len [module]". */
#define SMM_NL_OWNER_STACK	2048

static const struct nla_policy smm_nl_owner_policy[SHADOWMM_A_OWNER_FRAME + 1] = {
	[SHADOWMM_A_OWNER_FRAME]	= { .type = NLA_U64 },
};

struct smm_nl_owner {
	u64 head;
	struct smm_page_owner po;
	char stack[SMM_NL_OWNER_STACK], free_stack[SMM_NL_OWNER_STACK];
};

static size_t smm_nl_owner_size(const struct genl_info *info)
{
	return 4 * nla_total_size_64bit(sizeof(u64)) + 8 * nla_total_size(sizeof(u32)) +
	       nla_total_size(SMM_PAGE_OWNER_COMM_LEN) + nla_total_size(32) +
	       2 * nla_total_size(SMM_NL_OWNER_STACK);
}

static bool smm_nl_owner_off(struct netlink_ext_ack *extack)
{
	if (smm_dev.mm.page_owner)
		return false;
	NL_SET_ERR_MSG(extack, "page_owner is off: load with page_owner=on");
	return true;
}

/* The two stacks of a record as text, for the reply. */
static void smm_nl_owner_stacks(struct smm_nl_owner *r)
{
	smm_page_owner_snprint_stack(r->po.handle, r->stack, sizeof(r->stack));
	if (r->po.state == SMM_PAGE_OWNER_FREED)
		smm_page_owner_snprint_stack(r->po.free_handle, r->free_stack,
					     sizeof(r->free_stack));
}

static int smm_nl_owner_prepare(struct sk_buff *skb, struct genl_info *info, void *data)
{
	struct nlattr *a = info->attrs[SHADOWMM_A_OWNER_FRAME];
	struct smm_nl_owner *r = data;
	int ret;

	if (!a) {
		NL_SET_ERR_MSG(info->extack, "a frame is required (a dump lists every block)");
		return -EINVAL;
	}
	if (smm_nl_owner_off(info->extack))
		return -EOPNOTSUPP;
	ret = smm_page_owner_get(&smm_dev.mm, nla_get_u64(a), &r->head, &r->po);
	if (ret == -EINVAL)
		NL_SET_ERR_MSG_ATTR(info->extack, a, "frame is past the end of the range");
	else if (ret == -EBUSY)
		NL_SET_ERR_MSG_ATTR(info->extack, a, "the block's record kept changing: try again");
	if (!ret)
		smm_nl_owner_stacks(r);
	return ret;
}

static int smm_nl_owner_put(struct sk_buff *skb, const struct smm_nl_owner *r)
{
	const struct smm_page_owner *po = &r->po;
	u64 pfn = 0;

	smm_range_idx_to_pfn(&smm_dev.range, r->head, &pfn);
	if (nla_put_u64_64bit(skb, SHADOWMM_A_OWNER_FRAME, r->head, SHADOWMM_A_OWNER_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_OWNER_PFN, pfn, SHADOWMM_A_OWNER_PAD) ||
	    nla_put_u32(skb, SHADOWMM_A_OWNER_STATE, po->state) ||
	    nla_put_u32(skb, SHADOWMM_A_OWNER_ORDER, po->order) ||
	    nla_put_u32(skb, SHADOWMM_A_OWNER_FLAGS, po->gfp) ||
	    nla_put_u32(skb, SHADOWMM_A_OWNER_MIGRATETYPE, po->mt) ||
	    nla_put_u32(skb, SHADOWMM_A_OWNER_PID, po->pid) ||
	    nla_put_u32(skb, SHADOWMM_A_OWNER_TGID, po->tgid) ||
	    nla_put_string(skb, SHADOWMM_A_OWNER_COMM, po->comm) ||
	    nla_put_u32(skb, SHADOWMM_A_OWNER_PORTID, po->portid) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_OWNER_TS, po->ts_nsec, SHADOWMM_A_OWNER_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_OWNER_FREE_TS, po->free_ts_nsec,
			      SHADOWMM_A_OWNER_PAD))
		return -EMSGSIZE;
	if (po->last_migrate_reason != SMM_MR_NONE &&
	    nla_put_string(skb, SHADOWMM_A_OWNER_MIGRATE_REASON,
			   smm_migrate_reason_name(po->last_migrate_reason)))
		return -EMSGSIZE;
	if (po->state != SMM_PAGE_OWNER_NONE &&
	    nla_put_string(skb, SHADOWMM_A_OWNER_STACK, r->stack))
		return -EMSGSIZE;
	if (po->state == SMM_PAGE_OWNER_FREED &&
	    nla_put_string(skb, SHADOWMM_A_OWNER_FREE_STACK, r->free_stack))
		return -EMSGSIZE;
	return 0;
}

static int smm_nl_owner_fill(struct sk_buff *skb, const void *data)
{
	return smm_nl_owner_put(skb, data);
}

struct smm_nl_owner_ctx {
	u64 pos;
	bool started;
};

/*
 * The dump: from where the last batch stopped, one allocated block a
 * message. Refusals in the first call (6.1 carries a dump's extack only
 * in NLMSG_DONE).
 */
static int smm_nl_owner_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct smm_nl_owner_ctx *ctx = (void *)cb->ctx;
	struct smm_nl_owner *r;
	u64 pos;
	void *hdr;

	BUILD_BUG_ON(sizeof(*ctx) > sizeof(cb->ctx));
	if (!ctx->started) {
		if (smm_nl_owner_off(cb->extack))
			return -EOPNOTSUPP;
		ctx->started = true;
	}
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	for (pos = ctx->pos; smm_page_owner_next(&smm_dev.mm, &pos, &r->head, &r->po);
	     ctx->pos = pos) {
		smm_nl_owner_stacks(r);
		hdr = smm_nl_dump_put(skb, cb, SHADOWMM_CMD_OWNER_GET);
		if (!hdr)
			break;
		if (smm_nl_owner_put(skb, r)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cond_resched();
	}
	kfree(r);
	return skb->len;
}

const struct smm_nl_ops smm_nl_owner_ops[] = {
	SMM_NL_ADMIN_OP(OWNER_GET, SMM_NL_POLICY(smm_nl_owner_policy),
			.data_size = sizeof(struct smm_nl_owner), .reply_size = smm_nl_owner_size,
			.prepare = smm_nl_owner_prepare, .fill = smm_nl_owner_fill,
			.dumpit = smm_nl_owner_dumpit),
	{ }
};
