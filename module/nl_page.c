// SPDX-License-Identifier: GPL-2.0
/*
 * PAGE_ALLOC, PAGE_FREE and RESET: user space allocating and freeing
 * shadow blocks by handle (see core/handle.h).
 *
 * A request either happens whole or not at all: an allocation that cannot
 * get every block gives back the ones it got, a free with one bad handle
 * frees nothing. nl_page_lock serialises the handle lookups with the
 * frees, so a handle checked valid stays valid until freed.
 */
#include <linux/slab.h>

#include "smm.h"
#include "netlink.h"
#include "core/handle.h"

const struct nla_policy smm_nl_page_alloc_policy[SHADOWMM_A_PAGE_COUNT + 1] = {
	[SHADOWMM_A_PAGE_ORDER]		= NLA_POLICY_MAX(NLA_U32, SMM_MAX_ORDER),
	[SHADOWMM_A_PAGE_ZONE]		= NLA_POLICY_MAX(NLA_U32, SHADOWMM_ZONE_NORMAL),
	[SHADOWMM_A_PAGE_MIGRATETYPE]	= NLA_POLICY_MAX(NLA_U32, SHADOWMM_MT_RECLAIMABLE),
	[SHADOWMM_A_PAGE_FLAGS]		= NLA_POLICY_MASK(NLA_U32, SHADOWMM_GFP_ALL),
	[SHADOWMM_A_PAGE_COUNT]		= NLA_POLICY_RANGE(NLA_U32, 1, SHADOWMM_PAGE_BATCH_MAX),
};

static const struct nla_policy smm_nl_handle_policy[SHADOWMM_A_PAGE_HANDLE + 1] = {
	[SHADOWMM_A_PAGE_HANDLE]	= { .type = NLA_U64 },
};

const struct nla_policy smm_nl_page_free_policy[SHADOWMM_A_PAGE_ALL + 1] = {
	[SHADOWMM_A_PAGE_HANDLES]	= NLA_POLICY_NESTED(smm_nl_handle_policy),
	[SHADOWMM_A_PAGE_ALL]		= { .type = NLA_FLAG },
};

#define SMM_GFP_ZONES	(SHADOWMM_GFP_DMA | SHADOWMM_GFP_DMA32)
#define SMM_GFP_MTS	(SHADOWMM_GFP_MOVABLE | SHADOWMM_GFP_RECLAIMABLE)

/* ZONE and MIGRATETYPE are the friendly spelling of the flag bits. */
static int smm_nl_page_gfp(struct genl_info *info, unsigned int *gfp)
{
	static const unsigned int zone_gfp[] = { SHADOWMM_GFP_DMA, SHADOWMM_GFP_DMA32, 0 };
	static const unsigned int mt_gfp[] = { 0, SHADOWMM_GFP_MOVABLE, SHADOWMM_GFP_RECLAIMABLE };
	struct nlattr **tb = info->attrs;
	unsigned int g = tb[SHADOWMM_A_PAGE_FLAGS] ? nla_get_u32(tb[SHADOWMM_A_PAGE_FLAGS]) : 0;

	if ((g & SMM_GFP_ZONES) == SMM_GFP_ZONES) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[SHADOWMM_A_PAGE_FLAGS], "flags name two zones");
		return -EINVAL;
	}
	if ((g & SMM_GFP_MTS) == SMM_GFP_MTS) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[SHADOWMM_A_PAGE_FLAGS],
				    "flags name two migratetypes");
		return -EINVAL;
	}
	if (tb[SHADOWMM_A_PAGE_ZONE]) {
		if (g & SMM_GFP_ZONES) {
			NL_SET_ERR_MSG_ATTR(info->extack, tb[SHADOWMM_A_PAGE_ZONE],
					    "zone given both as zone and in flags");
			return -EINVAL;
		}
		g |= zone_gfp[nla_get_u32(tb[SHADOWMM_A_PAGE_ZONE])];
	}
	if (tb[SHADOWMM_A_PAGE_MIGRATETYPE]) {
		if (g & SMM_GFP_MTS) {
			NL_SET_ERR_MSG_ATTR(info->extack, tb[SHADOWMM_A_PAGE_MIGRATETYPE],
					    "migratetype given both as type and in flags");
			return -EINVAL;
		}
		g |= mt_gfp[nla_get_u32(tb[SHADOWMM_A_PAGE_MIGRATETYPE])];
	}
	*gfp = g;
	return 0;
}

/* Allocate @count blocks into @idx[], all or none. Under nl_page_lock. */
static int smm_nl_page_alloc_all(struct smm_dev *d, unsigned int order, unsigned int gfp,
				 u32 count, u64 *idx, u32 *tags)
{
	u32 i;
	int ret = 0;

	for (i = 0; i < count; i++) {
		ret = smm_alloc_pages(&d->mm, order, gfp, smm_cpu_get(), &idx[i]);
		smm_cpu_put();
		if (ret)
			break;
		tags[i] = ++d->nl_page_tag ? : ++d->nl_page_tag;
		smm_frame_set_data(&d->mm.frames[idx[i]], smm_owner_data(SMM_OWNER_NETLINK, tags[i]));
		cond_resched();
	}
	if (!ret)
		return 0;
	while (i--) {
		smm_free_pages(&d->mm, idx[i], smm_cpu_get());
		smm_cpu_put();
	}
	return ret;
}

static int smm_nl_put_handles(struct sk_buff *msg, const u64 *idx, const u32 *tags, u32 count)
{
	struct nlattr *nest = nla_nest_start(msg, SHADOWMM_A_PAGE_HANDLES);
	u32 i;

	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < count; i++)
		if (nla_put_u64_64bit(msg, SHADOWMM_A_PAGE_HANDLE, smm_handle(idx[i], tags[i]),
				      SHADOWMM_A_PAGE_PAD))
			return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

int smm_nl_page_alloc_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct smm_dev *d = &smm_dev;
	struct nlattr **tb = info->attrs;
	u32 count = tb[SHADOWMM_A_PAGE_COUNT] ? nla_get_u32(tb[SHADOWMM_A_PAGE_COUNT]) : 1;
	unsigned int order, gfp;
	struct sk_buff *msg;
	u32 *tags = NULL;
	u64 *idx = NULL;
	void *hdr;
	int ret;

	if (!tb[SHADOWMM_A_PAGE_ORDER]) {
		NL_SET_ERR_MSG(info->extack, "missing order");
		return -EINVAL;
	}
	order = nla_get_u32(tb[SHADOWMM_A_PAGE_ORDER]);
	ret = smm_nl_page_gfp(info, &gfp);
	if (ret)
		return ret;

	msg = genlmsg_new(nla_total_size(0) + count * nla_total_size_64bit(sizeof(u64)),
			  GFP_KERNEL);
	idx = kvmalloc_array(count, sizeof(*idx), GFP_KERNEL);
	tags = kvmalloc_array(count, sizeof(*tags), GFP_KERNEL);
	ret = -ENOMEM;
	if (!msg || !idx || !tags)
		goto err_free;

	mutex_lock(&d->nl_page_lock);
	ret = smm_nl_page_alloc_all(d, order, gfp, count, idx, tags);
	mutex_unlock(&d->nl_page_lock);
	if (ret) {
		NL_SET_ERR_MSG(info->extack,
			       "not enough free memory for every block asked for; nothing was allocated");
		goto err_free;
	}

	hdr = genlmsg_put_reply(msg, info, &smm_nl_family, 0, SHADOWMM_CMD_PAGE_ALLOC);
	ret = hdr ? smm_nl_put_handles(msg, idx, tags, count) : -EMSGSIZE;
	if (WARN_ON_ONCE(ret))
		goto err_free;	/* the blocks stay allocated; RESET frees them */
	genlmsg_end(msg, hdr);
	kvfree(idx);
	kvfree(tags);
	return genlmsg_reply(msg, info);

err_free:
	kvfree(idx);
	kvfree(tags);
	nlmsg_free(msg);
	return ret;
}

/* What PAGE_FREE has checked and marked so far. */
struct smm_nl_page_free {
	struct smm_dev	*d;
	u64		frames;
};

/* One handle of PAGE_FREE: looked up, marked against repeats, counted. */
static const char *smm_nl_page_mark(void *ctx, u64 handle)
{
	struct smm_nl_page_free *pf = ctx;
	const char *why;
	u64 idx;

	why = smm_handle_lookup(&pf->d->mm, handle, &idx);
	if (why)
		return why;
	smm_handle_mark(&pf->d->mm, idx, true);
	pf->frames += 1ULL << smm_frame_order(&pf->d->mm.frames[idx]);
	return NULL;
}

/* Free (or, after a refusal, unmark) the handles checked above. */
static void smm_nl_handles_finish(struct smm_dev *d, struct genl_info *info, bool free)
{
	struct nlattr *a;
	int rem;

	nla_for_each_nested(a, info->attrs[SHADOWMM_A_PAGE_HANDLES], rem) {
		u64 idx = nla_get_u64(a) & 0xffffffffULL;
		struct smm_frame *f;

		if (nla_type(a) != SHADOWMM_A_PAGE_HANDLE || idx >= d->mm.range->span)
			break;
		f = &d->mm.frames[idx];
		if (smm_frame_type(f) != SMM_FRAME_PAGE || !(smm_frame_data(f) & SMM_MARK_BIT) ||
		    smm_frame_tag(f) != nla_get_u64(a) >> 32)
			break;	/* the first handle that was not marked */
		if (free) {
			smm_free_pages(&d->mm, idx, smm_cpu_get());
			smm_cpu_put();
		} else {
			smm_handle_mark(&d->mm, idx, false);
		}
	}
}

static int smm_nl_reply_u64(struct genl_info *info, u8 cmd, int type, int pad, u64 v)
{
	struct sk_buff *msg = genlmsg_new(nla_total_size_64bit(sizeof(u64)), GFP_KERNEL);
	void *hdr;

	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &smm_nl_family, 0, cmd);
	if (!hdr || nla_put_u64_64bit(msg, type, v, pad)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

int smm_nl_page_free_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct smm_dev *d = &smm_dev;
	bool all = nla_get_flag(info->attrs[SHADOWMM_A_PAGE_ALL]);
	struct smm_nl_page_free pf = { .d = d };
	int ret;

	if (all == !!info->attrs[SHADOWMM_A_PAGE_HANDLES]) {
		NL_SET_ERR_MSG(info->extack, "give either handles or all, not both or neither");
		return -EINVAL;
	}
	mutex_lock(&d->nl_page_lock);
	if (all) {
		pf.frames = smm_free_owned(&d->mm, SMM_OWNER_NETLINK);
		ret = 0;
	} else {
		ret = smm_nl_handles_check(info, info->attrs[SHADOWMM_A_PAGE_HANDLES],
					   SHADOWMM_A_PAGE_HANDLE, SHADOWMM_PAGE_BATCH_MAX,
					   smm_nl_page_mark, &pf);
		smm_nl_handles_finish(d, info, !ret);
	}
	mutex_unlock(&d->nl_page_lock);
	if (ret)
		return ret;
	return smm_nl_reply_u64(info, SHADOWMM_CMD_PAGE_FREE, SHADOWMM_A_PAGE_FREED,
				SHADOWMM_A_PAGE_PAD, pf.frames);
}

/*
 * RESET: free everything user space allocated (pages, shadow spaces,
 * objects, and the caches it created), give the kmalloc caches' empty
 * slabs back and drain the per-CPU lists, so the free areas are back
 * where they were after loading. The reply counts the page frames freed.
 */
int smm_nl_reset_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct smm_dev *d = &smm_dev;
	u64 frames;

	frames = smm_spaces_destroy_all();
	smm_nl_slab_reset(d);
	mutex_lock(&d->nl_page_lock);
	frames += smm_free_owned(&d->mm, SMM_OWNER_NETLINK);
	smm_drain_all_pcp(&d->mm);
	mutex_unlock(&d->nl_page_lock);
	return smm_nl_reply_u64(info, SHADOWMM_CMD_RESET, SHADOWMM_A_CHECK_FREED,
				SHADOWMM_A_CHECK_PAD, frames);
}
