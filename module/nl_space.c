// SPDX-License-Identifier: GPL-2.0
/*
 * SPACE_CREATE, _FORK, _MAP, _UNMAP, _TRANSLATE, _DESTROY, _SET and the SPACE_GET
 * dump: shadow address spaces (core/space.h) by id, 1 to
 * SHADOWMM_SPACE_MAX, found in the registry (space_registry.c) under
 * its one lock. Every request is checked whole before it changes
 * anything; a map that runs out of memory is undone.
 */
#include <linux/slab.h>

#include "smm.h"
#include "netlink.h"
#include "core/space.h"
#include "core/oom.h"

static struct netlink_range_validation smm_nl_pages_range = {
	.min = 1,
	.max = SHADOWMM_SPACE_MAP_MAX,
};

static struct netlink_range_validation smm_nl_addr_range = {
	.min = 0,
	.max = (1ULL << 56) - 1,	/* the lower half of 5-level paging */
};

static const struct nla_policy smm_nl_space_policy[SHADOWMM_A_SPACE_PROT + 1] = {
	[SHADOWMM_A_SPACE_ID]		= NLA_POLICY_RANGE(NLA_U32, 1, SHADOWMM_SPACE_MAX),
	[SHADOWMM_A_SPACE_LEVELS]	= NLA_POLICY_RANGE(NLA_U32, 4, 5),
	[SHADOWMM_A_SPACE_ADDR]		= NLA_POLICY_FULL_RANGE(NLA_U64, &smm_nl_addr_range),
	[SHADOWMM_A_SPACE_PAGES]	= NLA_POLICY_FULL_RANGE(NLA_U64, &smm_nl_pages_range),
	[SHADOWMM_A_SPACE_PAGE_SIZE]	= NLA_POLICY_RANGE(NLA_U32, SHADOWMM_PAGE_4K,
							   SHADOWMM_PAGE_1G),
	[SHADOWMM_A_SPACE_PROT]		= NLA_POLICY_MASK(NLA_U32, SHADOWMM_PROT_ALL),
};

/* SPACE_SET: a space and the settings to change; the core checks their values. */
static const struct nla_policy smm_nl_space_set_policy[SHADOWMM_A_SPACE_OOM_SCORE_ADJ + 1] = {
	[SHADOWMM_A_SPACE_ID]		 = NLA_POLICY_RANGE(NLA_U32, 1, SHADOWMM_SPACE_MAX),
	[SHADOWMM_A_SPACE_OOM_SCORE_ADJ] = { .type = NLA_S32 },
};

/*
 * The space SPACE_ID in @tb names, with an extack when there is none
 * (netlink.h). The caller holds smm_space_lock.
 */
struct smm_space *smm_nl_space_of(struct nlattr **tb, struct netlink_ext_ack *extack)
{
	struct nlattr *a = tb[SHADOWMM_A_SPACE_ID];
	struct smm_space *s;

	if (!a) {
		NL_SET_ERR_MSG(extack, "missing space id");
		return NULL;
	}
	s = smm_space_find(nla_get_u32(a));
	if (!s)
		NL_SET_ERR_MSG_ATTR(extack, a, "no such space");
	return s;
}

static size_t smm_nl_space_create_size(const struct genl_info *info)
{
	return nla_total_size(sizeof(u32));
}

static int smm_nl_space_create_prepare(struct sk_buff *skb, struct genl_info *info, void *data)
{
	struct nlattr *a = info->attrs[SHADOWMM_A_SPACE_LEVELS];
	unsigned int levels = a ? nla_get_u32(a) : 4;
	struct smm_space *s;
	u32 *id = data;
	int ret;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	smm_space_lock_all();
	*id = smm_space_free_id();
	if (!*id) {
		NL_SET_ERR_MSG(info->extack, "too many spaces (at most 64): destroy one first");
		ret = -ENOSPC;
		goto err_unlock;
	}
	ret = smm_space_init(s, &smm_dev.mm, *id, levels);
	if (ret) {
		NL_SET_ERR_MSG(info->extack, "not enough free memory for the top-level table");
		goto err_unlock;
	}
	smm_space_set(*id, s);
	smm_space_unlock_all();
	return 0;

err_unlock:
	smm_space_unlock_all();
	kfree(s);
	return ret;
}

static int smm_nl_space_create_fill(struct sk_buff *skb, const void *data)
{
	return nla_put_u32(skb, SHADOWMM_A_SPACE_ID, *(const u32 *)data);
}

/*
 * SPACE_FORK: fork() of space SPACE_ID (core/fork.c), the child's id
 * in the reply. All or nothing: a refusal (no such space, every id
 * taken, a killed parent, no memory or swap for the copy) leaves no
 * child behind, with the reason in the extack.
 */
static int smm_nl_space_fork_prepare(struct sk_buff *skb, struct genl_info *info, void *data)
{
	struct smm_space *parent, *child;
	const char *why = NULL;
	u32 *id = data;
	int ret;

	child = kzalloc(sizeof(*child), GFP_KERNEL);
	if (!child) {
		NL_SET_ERR_MSG(info->extack, "out of memory for the child space");
		return -ENOMEM;
	}
	smm_space_lock_all();
	parent = smm_nl_space_of(info->attrs, info->extack);
	ret = parent ? 0 : -ENOENT;
	*id = parent ? smm_space_free_id() : 0;
	if (parent && !*id) {
		NL_SET_ERR_MSG(info->extack, "too many spaces (at most 64): destroy one first");
		ret = -ENOSPC;
	}
	if (!ret)
		ret = smm_space_fork(parent, child, *id, &why);
	if (ret && why)
		smm_nl_set_err(info->extack, info->attrs[SHADOWMM_A_SPACE_ID], why);
	if (!ret)
		smm_space_set(*id, child);
	else if (parent)
		smm_space_changed();	/* the parent's PTEs may be write-protected */
	smm_space_unlock_all();
	if (ret)
		kfree(child);
	return ret;
}

/* ADDR, PAGES and PAGE_SIZE of a map or unmap request. */
static int smm_nl_space_range(struct genl_info *info, u64 *va, u64 *pages, unsigned int *shift)
{
	struct nlattr **tb = info->attrs;

	if (!tb[SHADOWMM_A_SPACE_ADDR] || !tb[SHADOWMM_A_SPACE_PAGES]) {
		NL_SET_ERR_MSG(info->extack, "missing address or page count");
		return -EINVAL;
	}
	*va = nla_get_u64(tb[SHADOWMM_A_SPACE_ADDR]);
	*pages = nla_get_u64(tb[SHADOWMM_A_SPACE_PAGES]);
	*shift = tb[SHADOWMM_A_SPACE_PAGE_SIZE] ? nla_get_u32(tb[SHADOWMM_A_SPACE_PAGE_SIZE])
						: SHADOWMM_PAGE_4K;
	return 0;
}

/*
 * MAP and UNMAP: the range, the space, the core's check of the request
 * (which names what is wrong, so nothing changes on a refusal), then the
 * change, all under smm_space_lock. A map that runs out of memory undoes
 * itself in the core.
 */
static int smm_nl_space_change_prepare(struct sk_buff *skb, struct genl_info *info, void *data)
{
	bool map = info->genlhdr->cmd == SHADOWMM_CMD_SPACE_MAP;
	struct nlattr *prot_attr = info->attrs[SHADOWMM_A_SPACE_PROT];
	unsigned int shift, prot = prot_attr ? nla_get_u32(prot_attr) : 0;
	struct smm_space *s;
	const char *why;
	u64 va, pages;
	int ret;

	ret = smm_nl_space_range(info, &va, &pages, &shift);
	if (ret)
		return ret;
	smm_space_lock_all();
	s = smm_nl_space_of(info->attrs, info->extack);
	ret = -ENOENT;
	if (!s)
		goto out_unlock;
	why = map ? smm_space_check_map(s, va, pages, shift, prot) :
		    smm_space_check_unmap(s, va, pages, shift);
	ret = -EINVAL;
	if (why) {
		smm_nl_set_err(info->extack, info->attrs[SHADOWMM_A_SPACE_ADDR], why);
		goto out_unlock;
	}
	if (map) {
		ret = smm_space_map(s, va, pages, shift, prot);
		if (ret)
			NL_SET_ERR_MSG(info->extack,
				       "not enough free memory for every page and table; nothing was mapped");
	} else {
		smm_space_unmap(s, va, pages, shift);
		ret = 0;
	}
	smm_space_changed();
out_unlock:
	smm_space_unlock_all();
	return ret;
}

/* Under smm_space_lock: walk @va, or say why not. */
static int smm_nl_space_walk(struct genl_info *info, u64 va, struct smm_walk *w)
{
	struct nlattr *a = info->attrs[SHADOWMM_A_SPACE_ADDR];
	struct smm_space *s = smm_nl_space_of(info->attrs, info->extack);

	if (!s)
		return -ENOENT;
	if (va >= smm_space_limit(s)) {
		NL_SET_ERR_MSG_ATTR(info->extack, a, "address is past the lower half of the space");
		return -ERANGE;
	}
	if (smm_space_walk(s, va, w) || w->kind != SHADOWMM_PT_PAGE) {
		NL_SET_ERR_MSG_ATTR(info->extack, a, "address is not mapped in the space");
		return -ENOENT;
	}
	return 0;
}

/* What TRANSLATE found, and whether the caller may see frames. */
struct smm_nl_translate {
	struct smm_walk w;
	u64 va;
	bool admin;
};

static size_t smm_nl_space_translate_size(const struct genl_info *info)
{
	return 2 * nla_total_size(sizeof(u32)) + 2 * nla_total_size_64bit(sizeof(u64));
}

static int smm_nl_space_translate_prepare(struct sk_buff *skb, struct genl_info *info,
					  void *data)
{
	struct smm_nl_translate *r = data;
	int ret;

	if (!info->attrs[SHADOWMM_A_SPACE_ADDR]) {
		NL_SET_ERR_MSG(info->extack, "missing address");
		return -EINVAL;
	}
	r->admin = smm_nl_admin(skb);
	r->va = nla_get_u64(info->attrs[SHADOWMM_A_SPACE_ADDR]);
	smm_space_lock_all();
	ret = smm_nl_space_walk(info, r->va, &r->w);
	smm_space_unlock_all();
	return ret;
}

static int smm_nl_space_translate_fill(struct sk_buff *skb, const void *data)
{
	const struct smm_nl_translate *r = data;

	if (nla_put_u32(skb, SHADOWMM_A_SPACE_FLAGS, r->w.flags) ||
	    nla_put_u32(skb, SHADOWMM_A_SPACE_PAGE_SIZE, ilog2(r->w.size)) ||
	    (r->admin && (nla_put_u64_64bit(skb, SHADOWMM_A_SPACE_PFN, r->w.pfn,
					    SHADOWMM_A_SPACE_PAD) ||
			  nla_put_u64_64bit(skb, SHADOWMM_A_SPACE_PHYS,
					    r->w.pfn << PAGE_SHIFT | (r->va & ~PAGE_MASK),
					    SHADOWMM_A_SPACE_PAD))))
		return -EMSGSIZE;
	return 0;
}

static int smm_nl_space_destroy_prepare(struct sk_buff *skb, struct genl_info *info,
					void *data)
{
	struct smm_space *s;

	smm_space_lock_all();
	s = smm_nl_space_of(info->attrs, info->extack);
	if (s) {
		smm_workloads_space_gone(s->id);	/* its workload ends, not a later space's */
		smm_space_set(s->id, NULL);
		smm_space_destroy(s);
	}
	smm_space_unlock_all();
	kfree(s);
	return s ? 0 : -ENOENT;
}

/*
 * SET: /proc/PID/oom_score_adj's write for a space (-1000..1000, the
 * core's check names a bad value). A killed space still takes it.
 */
static int smm_nl_space_set_prepare(struct sk_buff *skb, struct genl_info *info, void *data)
{
	struct nlattr *adj = info->attrs[SHADOWMM_A_SPACE_OOM_SCORE_ADJ];
	struct smm_space *s;
	const char *why;
	int ret;

	if (!adj) {
		NL_SET_ERR_MSG(info->extack, "nothing to set: give oom_score_adj");
		return -EINVAL;
	}
	smm_space_lock_all();
	s = smm_nl_space_of(info->attrs, info->extack);
	ret = -ENOENT;
	if (!s)
		goto out_unlock;
	ret = smm_oom_set_score_adj(s, nla_get_s32(adj), &why);
	if (ret)
		smm_nl_set_err(info->extack, adj, why);
	else
		smm_space_changed();
out_unlock:
	smm_space_unlock_all();
	return ret;
}

static int smm_nl_space_put(struct sk_buff *skb, const struct smm_space *s)
{
	if (nla_put_u32(skb, SHADOWMM_A_SPACE_ID, s->id) ||
	    nla_put_u32(skb, SHADOWMM_A_SPACE_LEVELS, s->levels) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_SPACE_FRAMES, smm_space_frames(s),
			      SHADOWMM_A_SPACE_PAD) ||
	    smm_nl_put_u64_array(skb, SHADOWMM_A_SPACE_TABLES, s->tables, SMM_PT_MAX_LEVELS) ||
	    smm_nl_put_u64_array(skb, SHADOWMM_A_SPACE_MAPPED, s->mapped, SMM_SPACE_NR_SIZES) ||
	    smm_nl_space_put_vm(skb, s))
		return -EMSGSIZE;
	return 0;
}

/* One message per space, resumed at the slot in cb->args[0]. */
static int smm_nl_space_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct smm_space *s;
	unsigned long i;
	void *hdr;

	smm_space_lock_all();
	cb->seq = smm_space_generation() ? : 1;
	for (i = cb->args[0]; i < SHADOWMM_SPACE_MAX; i++) {
		s = smm_space_find(i + 1);
		if (!s)
			continue;
		hdr = smm_nl_dump_put(skb, cb, SHADOWMM_CMD_SPACE_GET);
		if (!hdr)
			break;
		if (smm_nl_space_put(skb, s)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
	}
	cb->args[0] = i;
	smm_space_unlock_all();
	return skb->len;
}

const struct smm_nl_ops smm_nl_space_ops[] = {
	SMM_NL_ADMIN_OP(SPACE_CREATE, SMM_NL_POLICY(smm_nl_space_policy), .data_size = sizeof(u32),
			.reply_size = smm_nl_space_create_size,
			.prepare = smm_nl_space_create_prepare, .fill = smm_nl_space_create_fill),
	SMM_NL_ADMIN_OP(SPACE_FORK, SMM_NL_POLICY(smm_nl_space_policy), .data_size = sizeof(u32),
			.reply_size = smm_nl_space_create_size, .prepare = smm_nl_space_fork_prepare,
			.fill = smm_nl_space_create_fill),
	SMM_NL_ADMIN_OP(SPACE_MAP, SMM_NL_POLICY(smm_nl_space_policy),
			.prepare = smm_nl_space_change_prepare),
	SMM_NL_ADMIN_OP(SPACE_UNMAP, SMM_NL_POLICY(smm_nl_space_policy),
			.prepare = smm_nl_space_change_prepare),
	/* anyone; frames to admins */
	SMM_NL_OP(SPACE_TRANSLATE, SMM_NL_POLICY(smm_nl_space_policy),
		  .data_size = sizeof(struct smm_nl_translate),
		  .reply_size = smm_nl_space_translate_size,
		  .prepare = smm_nl_space_translate_prepare, .fill = smm_nl_space_translate_fill),
	SMM_NL_ADMIN_OP(SPACE_DESTROY, SMM_NL_POLICY(smm_nl_space_policy),
			.prepare = smm_nl_space_destroy_prepare),
	SMM_NL_ADMIN_OP(SPACE_SET, SMM_NL_POLICY(smm_nl_space_set_policy),
			.prepare = smm_nl_space_set_prepare),
	SMM_NL_OP(SPACE_GET, .dumpit = smm_nl_space_get_dumpit),
	{ }
};
