/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Generic netlink family "shadowmm": each object's handlers live in their
 * own nl_<object>.c and are listed in the ops table of netlink.c.
 */
#ifndef _SMM_NETLINK_H
#define _SMM_NETLINK_H

#include <net/genetlink.h>

extern struct genl_family smm_nl_family;

/* Physical addresses go to CAP_SYS_ADMIN only, as /proc/PID/pagemap does. */
static inline bool smm_nl_admin(const struct sk_buff *skb)
{
	return netlink_capable(skb, CAP_SYS_ADMIN);
}

void *smm_nl_dump_put(struct sk_buff *skb, struct netlink_callback *cb, u8 cmd);

/* nl_info.c */
int smm_nl_info_get_doit(struct sk_buff *skb, struct genl_info *info);
int smm_nl_section_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);

#endif /* _SMM_NETLINK_H */
