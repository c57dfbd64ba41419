// SPDX-License-Identifier: GPL-2.0
/*
 * SPACE_CREATE, _MAP, _UNMAP, _TRANSLATE, _DESTROY and the SPACE_GET
 * dump: shadow address spaces (core/space.h) by id, 1 to
 * SHADOWMM_SPACE_MAX.
 *
 * One mutex, smm_space_lock, serialises every request on every space:
 * requests are bounded (SHADOWMM_SPACE_MAP_MAX pages) and reschedule
 * as they go, so nothing waits long. Lock order: smm_space_lock, then
 * the allocator's own locks (core/mm.h). Every request is checked whole
 * before it changes anything; a map that runs out of memory is undone.
 */
#include <linux/slab.h>

#include "smm.h"
#include "netlink.h"
#include "core/space.h"

static DEFINE_MUTEX(smm_space_lock);
static struct smm_space *smm_spaces[SHADOWMM_SPACE_MAX];
static u32 smm_space_gen;	/* moves on every change, for dumps */

static struct netlink_range_validation smm_nl_pages_range = {
	.min = 1,
	.max = SHADOWMM_SPACE_MAP_MAX,
};

static struct netlink_range_validation smm_nl_addr_range = {
	.min = 0,
	.max = (1ULL << 56) - 1,	/* the lower half of 5-level paging */
};

const struct nla_policy smm_nl_space_policy[SHADOWMM_A_SPACE_PROT + 1] = {
	[SHADOWMM_A_SPACE_ID]		= NLA_POLICY_RANGE(NLA_U32, 1, SHADOWMM_SPACE_MAX),
	[SHADOWMM_A_SPACE_LEVELS]	= NLA_POLICY_RANGE(NLA_U32, 4, 5),
	[SHADOWMM_A_SPACE_ADDR]		= NLA_POLICY_FULL_RANGE(NLA_U64, &smm_nl_addr_range),
	[SHADOWMM_A_SPACE_PAGES]	= NLA_POLICY_FULL_RANGE(NLA_U64, &smm_nl_pages_range),
	[SHADOWMM_A_SPACE_PAGE_SIZE]	= NLA_POLICY_RANGE(NLA_U32, SHADOWMM_PAGE_4K,
							   SHADOWMM_PAGE_1G),
	[SHADOWMM_A_SPACE_PROT]		= NLA_POLICY_MASK(NLA_U32, SHADOWMM_PROT_ALL),
};

/* With smm_space_lock held: the space @id names, or NULL. */
struct smm_space *smm_space_find(u32 id)
{
	lockdep_assert_held(&smm_space_lock);
	return id >= 1 && id <= SHADOWMM_SPACE_MAX ? smm_spaces[id - 1] : NULL;
}

u32 smm_space_generation(void)
{
	lockdep_assert_held(&smm_space_lock);
	return smm_space_gen;
}

void smm_space_lock_all(void)
{
	mutex_lock(&smm_space_lock);
}

void smm_space_unlock_all(void)
{
	mutex_unlock(&smm_space_lock);
}

/* RESET and unload: every space back to the buddy. Returns frames freed. */
u64 smm_spaces_destroy_all(void)
{
	u64 frames = 0;
	unsigned int i;

	mutex_lock(&smm_space_lock);
	for (i = 0; i < SHADOWMM_SPACE_MAX; i++) {
		if (!smm_spaces[i])
			continue;
		frames += smm_space_frames(smm_spaces[i]);
		smm_space_destroy(smm_spaces[i]);
		kfree(smm_spaces[i]);
		smm_spaces[i] = NULL;
		smm_space_gen++;
		cond_resched();
	}
	mutex_unlock(&smm_space_lock);
	return frames;
}

/* The space a request names, with an extack when there is none. */
static struct smm_space *smm_nl_space_of(struct genl_info *info)
{
	struct nlattr *a = info->attrs[SHADOWMM_A_SPACE_ID];
	struct smm_space *s;

	if (!a) {
		NL_SET_ERR_MSG(info->extack, "missing space id");
		return NULL;
	}
	s = smm_space_find(nla_get_u32(a));
	if (!s)
		NL_SET_ERR_MSG_ATTR(info->extack, a, "no such space");
	return s;
}

static int smm_nl_space_reply(struct genl_info *info, struct sk_buff *msg, void *hdr)
{
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

int smm_nl_space_create_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *a = info->attrs[SHADOWMM_A_SPACE_LEVELS];
	unsigned int levels = a ? nla_get_u32(a) : 4, i;
	struct smm_space *s;
	struct sk_buff *msg;
	void *hdr;
	int ret;

	msg = genlmsg_new(nla_total_size(sizeof(u32)), GFP_KERNEL);
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	ret = -ENOMEM;
	if (!msg || !s)
		goto err_free;

	mutex_lock(&smm_space_lock);
	for (i = 0; i < SHADOWMM_SPACE_MAX && smm_spaces[i]; i++)
		;
	if (i == SHADOWMM_SPACE_MAX) {
		NL_SET_ERR_MSG(info->extack, "too many spaces (at most 64): destroy one first");
		ret = -ENOSPC;
		goto err_unlock;
	}
	ret = smm_space_init(s, &smm_dev.mm, i + 1, levels);
	if (ret) {
		NL_SET_ERR_MSG(info->extack, "not enough free memory for the top-level table");
		goto err_unlock;
	}
	smm_spaces[i] = s;
	smm_space_gen++;
	mutex_unlock(&smm_space_lock);

	hdr = genlmsg_put_reply(msg, info, &smm_nl_family, 0, SHADOWMM_CMD_SPACE_CREATE);
	if (WARN_ON_ONCE(!hdr || nla_put_u32(msg, SHADOWMM_A_SPACE_ID, i + 1))) {
		nlmsg_free(msg);	/* the space stays; SPACE_GET shows it */
		return -EMSGSIZE;
	}
	return smm_nl_space_reply(info, msg, hdr);

err_unlock:
	mutex_unlock(&smm_space_lock);
err_free:
	kfree(s);
	nlmsg_free(msg);
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
static int smm_nl_space_change(struct genl_info *info, bool map)
{
	struct nlattr *prot_attr = info->attrs[SHADOWMM_A_SPACE_PROT];
	unsigned int shift, prot = prot_attr ? nla_get_u32(prot_attr) : 0;
	struct smm_space *s;
	const char *why;
	u64 va, pages;
	int ret;

	ret = smm_nl_space_range(info, &va, &pages, &shift);
	if (ret)
		return ret;
	mutex_lock(&smm_space_lock);
	s = smm_nl_space_of(info);
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
	smm_space_gen++;
out_unlock:
	mutex_unlock(&smm_space_lock);
	return ret;
}

int smm_nl_space_map_doit(struct sk_buff *skb, struct genl_info *info)
{
	return smm_nl_space_change(info, true);
}

int smm_nl_space_unmap_doit(struct sk_buff *skb, struct genl_info *info)
{
	return smm_nl_space_change(info, false);
}

/* Under smm_space_lock: walk @va, or say why not. */
static int smm_nl_space_walk(struct genl_info *info, u64 va, struct smm_walk *w)
{
	struct nlattr *a = info->attrs[SHADOWMM_A_SPACE_ADDR];
	struct smm_space *s = smm_nl_space_of(info);

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

int smm_nl_space_translate_doit(struct sk_buff *skb, struct genl_info *info)
{
	bool admin = smm_nl_admin(skb);
	struct smm_walk w;
	struct sk_buff *msg;
	void *hdr;
	u64 va;
	int ret;

	if (!info->attrs[SHADOWMM_A_SPACE_ADDR]) {
		NL_SET_ERR_MSG(info->extack, "missing address");
		return -EINVAL;
	}
	va = nla_get_u64(info->attrs[SHADOWMM_A_SPACE_ADDR]);
	mutex_lock(&smm_space_lock);
	ret = smm_nl_space_walk(info, va, &w);
	mutex_unlock(&smm_space_lock);
	if (ret)
		return ret;

	msg = genlmsg_new(2 * nla_total_size(sizeof(u32)) + 2 * nla_total_size_64bit(sizeof(u64)),
			  GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &smm_nl_family, 0, SHADOWMM_CMD_SPACE_TRANSLATE);
	if (!hdr || nla_put_u32(msg, SHADOWMM_A_SPACE_FLAGS, w.flags) ||
	    nla_put_u32(msg, SHADOWMM_A_SPACE_PAGE_SIZE, ilog2(w.size)) ||
	    (admin && (nla_put_u64_64bit(msg, SHADOWMM_A_SPACE_PFN, w.pfn, SHADOWMM_A_SPACE_PAD) ||
		       nla_put_u64_64bit(msg, SHADOWMM_A_SPACE_PHYS,
					 w.pfn << PAGE_SHIFT | (va & ~PAGE_MASK),
					 SHADOWMM_A_SPACE_PAD)))) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return smm_nl_space_reply(info, msg, hdr);
}

int smm_nl_space_destroy_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct smm_space *s;

	mutex_lock(&smm_space_lock);
	s = smm_nl_space_of(info);
	if (!s) {
		mutex_unlock(&smm_space_lock);
		return -ENOENT;
	}
	smm_spaces[s->id - 1] = NULL;
	smm_space_destroy(s);
	smm_space_gen++;
	mutex_unlock(&smm_space_lock);
	kfree(s);
	return 0;
}

/* A u64 array as a nest whose members are numbered from 1. */
static int smm_nl_put_u64_array(struct sk_buff *skb, int type, const u64 *v, unsigned int n,
				int pad)
{
	struct nlattr *nest = nla_nest_start(skb, type);
	unsigned int i;

	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < n; i++)
		if (nla_put_u64_64bit(skb, i + 1, v[i], pad))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int smm_nl_space_put(struct sk_buff *skb, const struct smm_space *s)
{
	if (nla_put_u32(skb, SHADOWMM_A_SPACE_ID, s->id) ||
	    nla_put_u32(skb, SHADOWMM_A_SPACE_LEVELS, s->levels) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_SPACE_FRAMES, smm_space_frames(s),
			      SHADOWMM_A_SPACE_PAD) ||
	    smm_nl_put_u64_array(skb, SHADOWMM_A_SPACE_TABLES, s->tables, SMM_PT_MAX_LEVELS,
				 SHADOWMM_A_SPACE_PAD) ||
	    smm_nl_put_u64_array(skb, SHADOWMM_A_SPACE_MAPPED, s->mapped, SMM_SPACE_NR_SIZES,
				 SHADOWMM_A_SPACE_PAD))
		return -EMSGSIZE;
	return 0;
}

/* One message per space, resumed at the slot in cb->args[0]. */
int smm_nl_space_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	unsigned long i;
	void *hdr;

	mutex_lock(&smm_space_lock);
	cb->seq = smm_space_gen ? : 1;
	for (i = cb->args[0]; i < SHADOWMM_SPACE_MAX; i++) {
		if (!smm_spaces[i])
			continue;
		hdr = smm_nl_dump_put(skb, cb, SHADOWMM_CMD_SPACE_GET);
		if (!hdr)
			break;
		if (smm_nl_space_put(skb, smm_spaces[i])) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
	}
	cb->args[0] = i;
	mutex_unlock(&smm_space_lock);
	return skb->len;
}
