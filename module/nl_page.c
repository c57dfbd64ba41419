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
#include "core/oom.h"

static const struct nla_policy smm_nl_page_alloc_policy[SHADOWMM_A_PAGE_COUNT + 1] = {
	[SHADOWMM_A_PAGE_ORDER]		= NLA_POLICY_MAX(NLA_U32, SMM_MAX_ORDER),
	[SHADOWMM_A_PAGE_ZONE]		= NLA_POLICY_MAX(NLA_U32, SHADOWMM_ZONE_HIGHMEM),
	[SHADOWMM_A_PAGE_MIGRATETYPE]	= NLA_POLICY_MAX(NLA_U32, SHADOWMM_MT_RECLAIMABLE),
	[SHADOWMM_A_PAGE_FLAGS]		= NLA_POLICY_MASK(NLA_U32, SHADOWMM_GFP_ALL),
	[SHADOWMM_A_PAGE_COUNT]		= NLA_POLICY_RANGE(NLA_U32, 1, SHADOWMM_PAGE_BATCH_MAX),
};

static const struct nla_policy smm_nl_handle_policy[SHADOWMM_A_PAGE_HANDLE + 1] = {
	[SHADOWMM_A_PAGE_HANDLE]	= { .type = NLA_U64 },
};

static const struct nla_policy smm_nl_page_free_policy[SHADOWMM_A_PAGE_ALL + 1] = {
	[SHADOWMM_A_PAGE_HANDLES]	= NLA_POLICY_NESTED(smm_nl_handle_policy),
	[SHADOWMM_A_PAGE_ALL]		= { .type = NLA_FLAG },
};

#define SMM_GFP_ZONES	(SHADOWMM_GFP_DMA | SHADOWMM_GFP_DMA32 | SHADOWMM_GFP_HIGHMEM)
#define SMM_GFP_MTS	(SHADOWMM_GFP_MOVABLE | SHADOWMM_GFP_RECLAIMABLE)

/*
 * ZONE and MIGRATETYPE are the friendly spelling of the flag bits: zone
 * HighMem is __GFP_HIGHMEM; Movable has no modifier of its own (it is
 * highmem with type Movable, GFP_HIGHUSER_MOVABLE), so the policy stops
 * at HighMem. Two zone modifiers at once are GFP_ZONE_BAD.
 */
static int smm_nl_page_gfp(struct genl_info *info, unsigned int *gfp)
{
	static const unsigned int zone_gfp[] = {
		SHADOWMM_GFP_DMA, SHADOWMM_GFP_DMA32, 0, SHADOWMM_GFP_HIGHMEM,
	};
	static const unsigned int mt_gfp[] = { 0, SHADOWMM_GFP_MOVABLE, SHADOWMM_GFP_RECLAIMABLE };
	struct nlattr **tb = info->attrs;
	unsigned int g = tb[SHADOWMM_A_PAGE_FLAGS] ? nla_get_u32(tb[SHADOWMM_A_PAGE_FLAGS]) : 0;

	if (smm_gfp_zone_bad(g)) {
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

/* What each block of a PAGE_ALLOC is asked for with. */
struct smm_nl_page_req {
	unsigned int order, gfp;
};

/*
 * One block of a PAGE_ALLOC batch, tagged as user space's. A request
 * that reaches the reclaim step (-EAGAIN: it may block, and every
 * watermark and reserve it may use is missed) takes the spaces' lock
 * and goes on as __alloc_pages_slowpath(): direct reclaim, then the OOM
 * killer (smm_alloc_pages_oom()). Under nl_page_lock, which is taken
 * before the spaces' lock and never inside it.
 */
static int smm_nl_page_get(void *ctx, u64 *handle)
{
	const struct smm_nl_page_req *req = ctx;
	struct smm_dev *d = &smm_dev;
	unsigned int cpu;
	u64 idx;
	u32 tag;
	int ret;

	ret = smm_alloc_pages(&d->mm, req->order, req->gfp | SMM_GFP_DIRECT_RECLAIM,
			      smm_cpu_get(), &idx);
	smm_cpu_put();
	if (ret == -EAGAIN) {
		smm_space_lock_all();
		ret = smm_alloc_pages_oom(&d->mm, req->order, req->gfp, &cpu, &idx);
		smm_space_unlock_all();
		if (!ret)
			smm_cpu_put();
	}
	if (ret)
		return ret;
	tag = ++d->nl_page_tag ? : ++d->nl_page_tag;
	smm_frame_set_data(&d->mm.frames[idx], smm_owner_data(SMM_OWNER_NETLINK, tag));
	*handle = smm_handle(idx, tag);
	return 0;
}

static void smm_nl_page_put(void *ctx, u64 handle)
{
	smm_free_pages(&smm_dev.mm, (u32)handle, smm_cpu_get());
	smm_cpu_put();
}

static size_t smm_nl_page_alloc_size(const struct genl_info *info)
{
	return smm_nl_batch_size(info->attrs[SHADOWMM_A_PAGE_COUNT]);
}

static int smm_nl_page_alloc_prepare(struct sk_buff *skb, struct genl_info *info, void *data)
{
	struct smm_nl_batch *b = data;
	struct smm_dev *d = &smm_dev;
	struct nlattr **tb = info->attrs;
	u32 count = tb[SHADOWMM_A_PAGE_COUNT] ? nla_get_u32(tb[SHADOWMM_A_PAGE_COUNT]) : 1;
	struct smm_nl_page_req req;
	u64 injected;
	int ret;

	if (!tb[SHADOWMM_A_PAGE_ORDER]) {
		NL_SET_ERR_MSG(info->extack, "missing order");
		return -EINVAL;
	}
	req.order = nla_get_u32(tb[SHADOWMM_A_PAGE_ORDER]);
	ret = smm_nl_page_gfp(info, &req.gfp);
	if (ret)
		return ret;
	*b = (struct smm_nl_batch) { .nest = SHADOWMM_A_PAGE_HANDLES,
				     .type = SHADOWMM_A_PAGE_HANDLE, .pad = SHADOWMM_A_PAGE_PAD };
	mutex_lock(&d->nl_page_lock);
	injected = smm_nl_fault_failures();
	ret = smm_nl_batch_alloc(b, count, smm_nl_page_get, smm_nl_page_put, &req);
	mutex_unlock(&d->nl_page_lock);
	if (ret && b->handles)
		smm_nl_set_err(info->extack, NULL, smm_nl_alloc_failed(injected,
			       "not enough free memory for every block asked for; nothing was allocated"));
	return ret;
}

/* One handle of PAGE_FREE: looked up, marked against repeats, counted in @ctx. */
static const char *smm_nl_page_mark(void *ctx, u64 handle)
{
	struct smm_mm *mm = &smm_dev.mm;
	const char *why;
	u64 idx;

	why = smm_handle_lookup(mm, handle, &idx);
	if (why)
		return why;
	smm_handle_mark(mm, idx, true);
	*(u64 *)ctx += 1ULL << smm_frame_order(&mm->frames[idx]);
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

static int smm_nl_page_free_prepare(struct sk_buff *skb, struct genl_info *info, void *data)
{
	struct smm_dev *d = &smm_dev;
	bool all = nla_get_flag(info->attrs[SHADOWMM_A_PAGE_ALL]);
	struct smm_nl_u64 *r = data;
	int ret = 0;

	if (all == !!info->attrs[SHADOWMM_A_PAGE_HANDLES]) {
		NL_SET_ERR_MSG(info->extack, "give either handles or all, not both or neither");
		return -EINVAL;
	}
	*r = (struct smm_nl_u64) { 0, SHADOWMM_A_PAGE_FREED, SHADOWMM_A_PAGE_PAD };
	mutex_lock(&d->nl_page_lock);
	if (all) {
		r->v = smm_free_owned(&d->mm, SMM_OWNER_NETLINK);
	} else {
		ret = smm_nl_handles_check(info, info->attrs[SHADOWMM_A_PAGE_HANDLES],
					   SHADOWMM_A_PAGE_HANDLE, SHADOWMM_PAGE_BATCH_MAX,
					   smm_nl_page_mark, &r->v);
		smm_nl_handles_finish(d, info, !ret);
	}
	mutex_unlock(&d->nl_page_lock);
	return ret;
}

/*
 * RESET: free everything user space allocated (pages, shadow spaces,
 * open files and their page cache, objects, and the caches it created,
 * CMA allocations; offline ranges come back online),
 * give the kmalloc caches' empty slabs back, drain the per-CPU lists and drop the watermark boosts
 * (what kswapd would do, Documentation/fidelity.md), so the free areas
 * and watermarks are back where they were after loading. The reply counts the page frames freed.
 */
static int smm_nl_reset_prepare(struct sk_buff *skb, struct genl_info *info, void *data)
{
	struct smm_dev *d = &smm_dev;
	struct smm_nl_u64 *r = data;
	u64 frames;

	frames = smm_spaces_destroy_all();
	frames += smm_files_close_all();
	smm_nl_range_reset(d);
	smm_nl_cache_reset(d);
	mutex_lock(&d->nl_page_lock);
	frames += smm_free_owned(&d->mm, SMM_OWNER_NETLINK);
	smm_drain_all_pcp(&d->mm);
	smm_zones_clear_boost(&d->mm);
	mutex_unlock(&d->nl_page_lock);
	*r = (struct smm_nl_u64) { frames, SHADOWMM_A_CHECK_FREED, SHADOWMM_A_CHECK_PAD };
	return 0;
}

const struct smm_nl_ops smm_nl_page_ops[] = {
	SMM_NL_ADMIN_OP(PAGE_ALLOC, SMM_NL_POLICY(smm_nl_page_alloc_policy),
			.reply_size = smm_nl_page_alloc_size, .prepare = smm_nl_page_alloc_prepare,
			SMM_NL_BATCH_REPLY),
	SMM_NL_ADMIN_OP(PAGE_FREE, SMM_NL_POLICY(smm_nl_page_free_policy),
			.prepare = smm_nl_page_free_prepare, SMM_NL_U64_REPLY),
	SMM_NL_ADMIN_OP(RESET, .prepare = smm_nl_reset_prepare, SMM_NL_U64_REPLY),
	{ }
};
