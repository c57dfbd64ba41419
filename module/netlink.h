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
int smm_nl_handles_check(struct genl_info *info, const struct nlattr *nest, int type,
			 int max, const char *(*mark)(void *ctx, u64 handle), void *ctx);

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

/* nl_slab.c */
extern const struct nla_policy smm_nl_cache_create_policy[SHADOWMM_A_CACHE_FLAGS + 1];
extern const struct nla_policy smm_nl_cache_destroy_policy[SHADOWMM_A_CACHE_FORCE + 1];
extern const struct nla_policy smm_nl_cache_name_policy[SHADOWMM_A_CACHE_NAME + 1];
extern const struct nla_policy smm_nl_obj_alloc_policy[SHADOWMM_A_CACHE_COUNT + 1];
extern const struct nla_policy smm_nl_obj_free_policy[SHADOWMM_A_CACHE_HANDLES + 1];
extern const struct nla_policy smm_nl_obj_corrupt_policy[SHADOWMM_A_CACHE_CORRUPT + 1];
int smm_nl_cache_create_doit(struct sk_buff *skb, struct genl_info *info);
int smm_nl_cache_destroy_doit(struct sk_buff *skb, struct genl_info *info);
int smm_nl_cache_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int smm_nl_cache_shrink_doit(struct sk_buff *skb, struct genl_info *info);
int smm_nl_cache_validate_doit(struct sk_buff *skb, struct genl_info *info);
int smm_nl_obj_alloc_doit(struct sk_buff *skb, struct genl_info *info);
int smm_nl_obj_free_doit(struct sk_buff *skb, struct genl_info *info);
int smm_nl_obj_corrupt_doit(struct sk_buff *skb, struct genl_info *info);

/* nl_space.c: shadow address spaces; smm_space_lock_all() guards them all */
extern const struct nla_policy smm_nl_space_policy[SHADOWMM_A_SPACE_PROT + 1];
int smm_nl_space_create_doit(struct sk_buff *skb, struct genl_info *info);
int smm_nl_space_map_doit(struct sk_buff *skb, struct genl_info *info);
int smm_nl_space_unmap_doit(struct sk_buff *skb, struct genl_info *info);
int smm_nl_space_translate_doit(struct sk_buff *skb, struct genl_info *info);
int smm_nl_space_destroy_doit(struct sk_buff *skb, struct genl_info *info);
int smm_nl_space_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
struct smm_space *smm_space_find(u32 id);
u32 smm_space_generation(void);
void smm_space_lock_all(void);
void smm_space_unlock_all(void);

/* nl_walk.c */
extern const struct nla_policy smm_nl_pt_walk_policy[SHADOWMM_A_PT_LEN + 1];
int smm_nl_pt_walk_dumpit(struct sk_buff *skb, struct netlink_callback *cb);

/* nl_event.c: the "events" multicast group */
void smm_nl_event_start(void);
void smm_nl_event_stop(void);

#endif /* _SMM_NETLINK_H */
