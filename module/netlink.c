// SPDX-License-Identifier: GPL-2.0
/*
 * The shadowmm generic netlink family: ops table and shared helpers.
 *
 * Policies are strict: resv_start_op is 0, so the genetlink core rejects
 * unknown attributes, trailing data and any attribute at all for ops
 * without a policy, each with an extended ack message. Ops that change
 * state carry GENL_ADMIN_PERM. parallel_ops is set: handlers take the
 * locks of what they touch instead of serialising on genl_mutex.
 */
#include "smm.h"
#include "netlink.h"

static const struct genl_ops smm_nl_ops[] = {
	{
		.cmd	= SHADOWMM_CMD_INFO_GET,
		.doit	= smm_nl_info_get_doit,
	},
	{
		.cmd	= SHADOWMM_CMD_SECTION_GET,
		.dumpit	= smm_nl_section_get_dumpit,
	},
	{
		.cmd	= SHADOWMM_CMD_ZONE_GET,
		.dumpit	= smm_nl_zone_get_dumpit,
	},
	{
		.cmd	= SHADOWMM_CMD_PAGE_ALLOC,
		.doit	= smm_nl_page_alloc_doit,
		.policy	= smm_nl_page_alloc_policy,
		.maxattr = ARRAY_SIZE(smm_nl_page_alloc_policy) - 1,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= SHADOWMM_CMD_PAGE_FREE,
		.doit	= smm_nl_page_free_doit,
		.policy	= smm_nl_page_free_policy,
		.maxattr = ARRAY_SIZE(smm_nl_page_free_policy) - 1,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= SHADOWMM_CMD_FRAME_GET,
		.dumpit	= smm_nl_frame_get_dumpit,
		.policy	= smm_nl_frame_get_policy,
		.maxattr = ARRAY_SIZE(smm_nl_frame_get_policy) - 1,
	},
	{
		.cmd	= SHADOWMM_CMD_CHECK,
		.doit	= smm_nl_check_doit,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= SHADOWMM_CMD_RESET,
		.doit	= smm_nl_reset_doit,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= SHADOWMM_CMD_CACHE_CREATE,
		.doit	= smm_nl_cache_create_doit,
		.policy	= smm_nl_cache_create_policy,
		.maxattr = ARRAY_SIZE(smm_nl_cache_create_policy) - 1,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= SHADOWMM_CMD_CACHE_DESTROY,
		.doit	= smm_nl_cache_destroy_doit,
		.policy	= smm_nl_cache_destroy_policy,
		.maxattr = ARRAY_SIZE(smm_nl_cache_destroy_policy) - 1,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= SHADOWMM_CMD_CACHE_GET,
		.dumpit	= smm_nl_cache_get_dumpit,
	},
	{
		.cmd	= SHADOWMM_CMD_CACHE_SHRINK,
		.doit	= smm_nl_cache_shrink_doit,
		.policy	= smm_nl_cache_name_policy,
		.maxattr = ARRAY_SIZE(smm_nl_cache_name_policy) - 1,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= SHADOWMM_CMD_CACHE_VALIDATE,
		.doit	= smm_nl_cache_validate_doit,
		.policy	= smm_nl_cache_name_policy,
		.maxattr = ARRAY_SIZE(smm_nl_cache_name_policy) - 1,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= SHADOWMM_CMD_OBJ_ALLOC,
		.doit	= smm_nl_obj_alloc_doit,
		.policy	= smm_nl_obj_alloc_policy,
		.maxattr = ARRAY_SIZE(smm_nl_obj_alloc_policy) - 1,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= SHADOWMM_CMD_OBJ_FREE,
		.doit	= smm_nl_obj_free_doit,
		.policy	= smm_nl_obj_free_policy,
		.maxattr = ARRAY_SIZE(smm_nl_obj_free_policy) - 1,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= SHADOWMM_CMD_OBJ_CORRUPT,
		.doit	= smm_nl_obj_corrupt_doit,
		.policy	= smm_nl_obj_corrupt_policy,
		.maxattr = ARRAY_SIZE(smm_nl_obj_corrupt_policy) - 1,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= SHADOWMM_CMD_PT_WALK,
		.dumpit	= smm_nl_pt_walk_dumpit,
		.policy	= smm_nl_pt_walk_policy,
		.maxattr = ARRAY_SIZE(smm_nl_pt_walk_policy) - 1,
	},
	{
		.cmd	= SHADOWMM_CMD_SPACE_CREATE,
		.doit	= smm_nl_space_create_doit,
		.policy	= smm_nl_space_policy,
		.maxattr = ARRAY_SIZE(smm_nl_space_policy) - 1,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= SHADOWMM_CMD_SPACE_MAP,
		.doit	= smm_nl_space_map_doit,
		.policy	= smm_nl_space_policy,
		.maxattr = ARRAY_SIZE(smm_nl_space_policy) - 1,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= SHADOWMM_CMD_SPACE_UNMAP,
		.doit	= smm_nl_space_unmap_doit,
		.policy	= smm_nl_space_policy,
		.maxattr = ARRAY_SIZE(smm_nl_space_policy) - 1,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= SHADOWMM_CMD_SPACE_TRANSLATE,
		.doit	= smm_nl_space_translate_doit,
		.policy	= smm_nl_space_policy,
		.maxattr = ARRAY_SIZE(smm_nl_space_policy) - 1,
	},
	{
		.cmd	= SHADOWMM_CMD_SPACE_DESTROY,
		.doit	= smm_nl_space_destroy_doit,
		.policy	= smm_nl_space_policy,
		.maxattr = ARRAY_SIZE(smm_nl_space_policy) - 1,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= SHADOWMM_CMD_SPACE_GET,
		.dumpit	= smm_nl_space_get_dumpit,
	},
};

static const struct genl_multicast_group smm_nl_mcgrps[] = {
	{ .name = SHADOWMM_MCGRP_EVENTS },
};

struct genl_family smm_nl_family __ro_after_init = {
	.name		= SHADOWMM_GENL_NAME,
	.version	= SHADOWMM_GENL_VERSION,
	.module		= THIS_MODULE,
	.parallel_ops	= true,
	.ops		= smm_nl_ops,
	.n_ops		= ARRAY_SIZE(smm_nl_ops),
	.mcgrps		= smm_nl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(smm_nl_mcgrps),
};

/*
 * Start one message of a dump; the dump is flagged NLM_F_DUMP_INTR when
 * smm_dev.generation moved since it began (the caller sets cb->seq).
 */
void *smm_nl_dump_put(struct sk_buff *skb, struct netlink_callback *cb, u8 cmd)
{
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &smm_nl_family, NLM_F_MULTI, cmd);
	if (hdr)
		genl_dump_check_consistent(cb, hdr);
	return hdr;
}

/*
 * The handle lists of PAGE_FREE and OBJ_FREE: at least one entry, at most
 * @max, each of @type; @mark looks a handle up and marks it, so that a
 * repeat is refused, or says why not. The first refusal stops the walk and
 * is reported on its attribute; the caller then unmarks what was marked.
 */
int smm_nl_handles_check(struct genl_info *info, const struct nlattr *nest, int type,
			 int max, const char *(*mark)(void *ctx, u64 handle), void *ctx)
{
	const struct nlattr *a;
	const char *why;
	int rem, n = 0;

	nla_for_each_nested(a, nest, rem) {
		if (nla_type(a) != type)
			why = "only handles may be listed";
		else if (++n > max)
			why = "too many handles in one request";
		else
			why = mark(ctx, nla_get_u64(a));
		if (why) {
			smm_nl_set_err(info->extack, a, why);
			return -EINVAL;
		}
	}
	if (!n) {
		smm_nl_set_err(info->extack, nest, "no handles listed");
		return -EINVAL;
	}
	return 0;
}

/* The events work starts with the family and stops before it goes. */
int smm_nl_register(void)
{
	int ret = genl_register_family(&smm_nl_family);

	if (!ret)
		smm_nl_event_start();
	return ret;
}

void smm_nl_unregister(void)
{
	smm_nl_event_stop();
	genl_unregister_family(&smm_nl_family);
}
