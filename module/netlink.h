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

/*
 * Extended ack from a reason the core returns. NL_SET_ERR_MSG_ATTR()
 * wants a literal; the core's reasons are string constants too, so they
 * outlive the request as extack requires.
 */
static inline void smm_nl_set_err(struct netlink_ext_ack *extack, const struct nlattr *attr,
				  const char *why)
{
	if (extack) {
		extack->_msg = why;
		extack->bad_attr = attr;
	}
}

void *smm_nl_dump_put(struct sk_buff *skb, struct netlink_callback *cb, u8 cmd);

/* nl_info.c */
int smm_nl_info_get_doit(struct sk_buff *skb, struct genl_info *info);
int smm_nl_section_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);

/* nl_zone.c */
int smm_nl_zone_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);

/* nl_page.c */
extern const struct nla_policy smm_nl_page_alloc_policy[SHADOWMM_A_PAGE_COUNT + 1];
extern const struct nla_policy smm_nl_page_free_policy[SHADOWMM_A_PAGE_ALL + 1];
int smm_nl_page_alloc_doit(struct sk_buff *skb, struct genl_info *info);
int smm_nl_page_free_doit(struct sk_buff *skb, struct genl_info *info);
int smm_nl_reset_doit(struct sk_buff *skb, struct genl_info *info);

/* nl_frame.c */
extern const struct nla_policy smm_nl_frame_get_policy[SHADOWMM_A_FRAME_COUNT + 1];
int smm_nl_frame_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);

/* nl_check.c */
int smm_nl_check_doit(struct sk_buff *skb, struct genl_info *info);

/* nl_event.c: the "events" multicast group */
void smm_nl_event_start(void);
void smm_nl_event_stop(void);

#endif /* _SMM_NETLINK_H */
