// SPDX-License-Identifier: GPL-2.0
/*
 * SPACE_PIN and SPACE_UNPIN: pin_user_pages() and unpin_user_pages() of
 * a range of a shadow space (core/pin.h) over netlink. Each takes the
 * registry's one lock around the core call, which checks the request
 * whole and returns its reason for the extack; a failed pin leaves no
 * pin of its own behind.
 */
#include "smm.h"
#include "netlink.h"
#include "core/space.h"
#include "core/pin.h"

static struct netlink_range_validation smm_nl_pin_addr_range = {
	.min = 0,
	.max = (1ULL << 56) - 1,	/* the lower half of 5-level paging */
};

static struct netlink_range_validation smm_nl_pin_len_range = {
	.min = SMM_PAGE_SIZE,
	.max = SHADOWMM_PIN_MAX_PAGES * SMM_PAGE_SIZE,
};

static const struct nla_policy smm_nl_pin_policy[SHADOWMM_A_SPACE_LONGTERM + 1] = {
	[SHADOWMM_A_SPACE_ID]		= NLA_POLICY_RANGE(NLA_U32, 1, SHADOWMM_SPACE_MAX),
	[SHADOWMM_A_SPACE_ADDR]		= NLA_POLICY_FULL_RANGE(NLA_U64, &smm_nl_pin_addr_range),
	[SHADOWMM_A_SPACE_LEN]		= NLA_POLICY_FULL_RANGE(NLA_U64, &smm_nl_pin_len_range),
	[SHADOWMM_A_SPACE_WRITE]	= { .type = NLA_FLAG },
	[SHADOWMM_A_SPACE_LONGTERM]	= { .type = NLA_FLAG },
};

/* What a PIN did: pages pinned, faulted in and moved first. */
struct smm_nl_pin {
	struct smm_pin_res res;
};

/* ADDR and LEN, both required; 0 or -EINVAL with the extack. */
static int smm_nl_pin_range(struct genl_info *info, u64 *addr, u64 *len)
{
	struct nlattr **tb = info->attrs;

	if (!tb[SHADOWMM_A_SPACE_ADDR] || !tb[SHADOWMM_A_SPACE_LEN]) {
		NL_SET_ERR_MSG(info->extack, "missing address or length");
		return -EINVAL;
	}
	*addr = nla_get_u64(tb[SHADOWMM_A_SPACE_ADDR]);
	*len = nla_get_u64(tb[SHADOWMM_A_SPACE_LEN]);
	return 0;
}

/*
 * PIN: [ADDR, ADDR + LEN) of space ID faulted in and pinned, for writing
 * with WRITE, long-term with LONGTERM. The core's reason on a refusal.
 */
static int smm_nl_pin_prepare(struct sk_buff *skb, struct genl_info *info, void *data)
{
	unsigned int flags = 0;
	struct smm_nl_pin *r = data;
	struct smm_space *s;
	const char *why;
	u64 addr, len;
	int ret;

	ret = smm_nl_pin_range(info, &addr, &len);
	if (ret)
		return ret;
	if (nla_get_flag(info->attrs[SHADOWMM_A_SPACE_WRITE]))
		flags |= SMM_PIN_WRITE;
	if (nla_get_flag(info->attrs[SHADOWMM_A_SPACE_LONGTERM]))
		flags |= SMM_PIN_LONGTERM;
	smm_space_lock_all();
	s = smm_nl_space_of(info->attrs, info->extack);
	ret = -ENOENT;
	if (!s)
		goto out_unlock;
	ret = smm_space_pin(s, addr, len, flags, &r->res, &why);
	if (ret)
		smm_nl_set_err(info->extack, info->attrs[SHADOWMM_A_SPACE_ADDR], why);
	/* faults and moves may have happened even when it failed */
	smm_space_changed();
out_unlock:
	smm_space_unlock_all();
	return ret;
}

static size_t smm_nl_pin_size(const struct genl_info *info)
{
	return 3 * nla_total_size_64bit(sizeof(u64));
}

static int smm_nl_pin_fill(struct sk_buff *skb, const void *data)
{
	const struct smm_nl_pin *r = data;

	if (nla_put_u64_64bit(skb, SHADOWMM_A_SPACE_PINNED, r->res.pinned, SHADOWMM_A_SPACE_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_SPACE_FAULTS, r->res.faulted, SHADOWMM_A_SPACE_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_SPACE_MIGRATED, r->res.migrated,
			      SHADOWMM_A_SPACE_PAD))
		return -EMSGSIZE;
	return 0;
}

/* UNPIN: one pin of each page of [ADDR, ADDR + LEN) dropped, all or none. */
static int smm_nl_unpin_prepare(struct sk_buff *skb, struct genl_info *info, void *data)
{
	struct nlattr **tb = info->attrs;
	struct nlattr *extra = tb[SHADOWMM_A_SPACE_WRITE] ? : tb[SHADOWMM_A_SPACE_LONGTERM];
	struct smm_space *s;
	const char *why;
	u64 addr, len, bad;
	int ret;

	ret = smm_nl_pin_range(info, &addr, &len);
	if (ret)
		return ret;
	if (extra) {
		NL_SET_ERR_MSG_ATTR(info->extack, extra, "unpin takes no write or longterm");
		return -EINVAL;
	}
	smm_space_lock_all();
	s = smm_nl_space_of(info->attrs, info->extack);
	ret = -ENOENT;
	if (!s)
		goto out_unlock;
	ret = smm_space_unpin(s, addr, len, &bad, &why);
	if (ret)
		smm_nl_set_err(info->extack, tb[SHADOWMM_A_SPACE_ADDR], why);
	else
		smm_space_changed();
out_unlock:
	smm_space_unlock_all();
	return ret;
}

const struct smm_nl_ops smm_nl_pin_ops[] = {
	SMM_NL_ADMIN_OP(SPACE_PIN, SMM_NL_POLICY(smm_nl_pin_policy),
			.data_size = sizeof(struct smm_nl_pin), .reply_size = smm_nl_pin_size,
			.prepare = smm_nl_pin_prepare, .fill = smm_nl_pin_fill),
	SMM_NL_ADMIN_OP(SPACE_UNPIN, SMM_NL_POLICY(smm_nl_pin_policy),
			.prepare = smm_nl_unpin_prepare),
	{ }
};
