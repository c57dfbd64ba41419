// SPDX-License-Identifier: GPL-2.0
/*
 * CHECK: stop the allocator (every pcp and zone lock), verify every
 * invariant and say which one broke first; then the same for the slab
 * caches (every cache's locks): slab frames against the caches' counts. A broken invariant is a bug
 * in shadowmm, so it is also logged.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "smm.h"
#include "netlink.h"

#define SMM_CHECK_REASON_LEN	192

int smm_nl_check_doit(struct sk_buff *skb, struct genl_info *info)
{
	char why[SMM_CHECK_REASON_LEN];
	struct sk_buff *msg;
	void *hdr;
	int bad;

	msg = genlmsg_new(nla_total_size(sizeof(u8)) + nla_total_size(sizeof(why)), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	bad = smm_check(&smm_dev.mm, why, sizeof(why));
	if (!bad)
		bad = smm_slabs_check(&smm_dev.slabs, why, sizeof(why));
	if (bad)
		pr_err("CHECK failed: %s\n", why);
	hdr = genlmsg_put_reply(msg, info, &smm_nl_family, 0, SHADOWMM_CMD_CHECK);
	if (!hdr || nla_put_u8(msg, SHADOWMM_A_CHECK_OK, !bad) ||
	    nla_put_string(msg, SHADOWMM_A_CHECK_REASON, why)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}
