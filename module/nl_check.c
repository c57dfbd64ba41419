// SPDX-License-Identifier: GPL-2.0
/*
 * CHECK: stop the allocator (every pcp and zone lock), verify every
 * invariant and say which one broke first; then the same for the slab
 * caches (every cache's locks): slab frames against the caches' counts;
 * then each shadow space's VMAs and faulted pages. A broken invariant is a bug
 * in shadowmm, so it is also logged.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "smm.h"
#include "netlink.h"

#define SMM_CHECK_REASON_LEN	192

struct smm_nl_check {
	char why[SMM_CHECK_REASON_LEN];
	bool bad;
};

static size_t smm_nl_check_size(const struct genl_info *info)
{
	return nla_total_size(sizeof(u8)) + nla_total_size(SMM_CHECK_REASON_LEN);
}

static int smm_nl_check_prepare(struct sk_buff *skb, struct genl_info *info, void *data)
{
	struct smm_nl_check *r = data;

	r->bad = smm_check(&smm_dev.mm, r->why, sizeof(r->why));
	if (!r->bad)
		r->bad = smm_slabs_check(&smm_dev.slabs, r->why, sizeof(r->why));
	if (!r->bad)
		r->bad = smm_spaces_check(r->why, sizeof(r->why));
	if (r->bad)
		pr_err("CHECK failed: %s\n", r->why);
	return 0;
}

static int smm_nl_check_fill(struct sk_buff *skb, const void *data)
{
	const struct smm_nl_check *r = data;

	if (nla_put_u8(skb, SHADOWMM_A_CHECK_OK, !r->bad) ||
	    nla_put_string(skb, SHADOWMM_A_CHECK_REASON, r->why))
		return -EMSGSIZE;
	return 0;
}

const struct smm_nl_ops smm_nl_check_ops[] = {
	SMM_NL_ADMIN_OP(CHECK, .data_size = sizeof(struct smm_nl_check),
			.reply_size = smm_nl_check_size, .prepare = smm_nl_check_prepare,
			.fill = smm_nl_check_fill),
	{ }
};
