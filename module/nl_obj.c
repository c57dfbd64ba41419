// SPDX-License-Identifier: GPL-2.0
/*
 * Slab objects through netlink: OBJ_ALLOC, OBJ_FREE and the debug-only
 * OBJ_CORRUPT, by handle (obj_registry.c says what makes one valid), in
 * a cache nl_cache.c finds by name. nl_slab_lock serialises them with
 * the CACHE_* commands and RESET, so a handle checked valid stays valid
 * until freed. Requests happen whole or not at all.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/sched.h>

#include "smm.h"
#include "netlink.h"
#include "core/slab.h"

static const struct nla_policy smm_nl_obj_alloc_policy[SHADOWMM_A_CACHE_CACHED + 1] = {
	[SHADOWMM_A_CACHE_NAME]		= { .type = NLA_NUL_STRING, .len = SMM_CACHE_NAME_LEN - 1 },
	[SHADOWMM_A_CACHE_COUNT]	= NLA_POLICY_RANGE(NLA_U32, 1, SHADOWMM_OBJ_BATCH_MAX),
	[SHADOWMM_A_CACHE_CACHED]	= { .type = NLA_FLAG },
};

static const struct nla_policy smm_nl_obj_handle_policy[SHADOWMM_A_CACHE_HANDLE + 1] = {
	[SHADOWMM_A_CACHE_HANDLE]	= { .type = NLA_U64 },
};

static const struct nla_policy smm_nl_obj_free_policy[SHADOWMM_A_CACHE_HANDLES + 1] = {
	[SHADOWMM_A_CACHE_NAME]		= { .type = NLA_NUL_STRING, .len = SMM_CACHE_NAME_LEN - 1 },
	[SHADOWMM_A_CACHE_HANDLES]	= NLA_POLICY_NESTED(smm_nl_obj_handle_policy),
};

static const struct nla_policy smm_nl_obj_corrupt_policy[SHADOWMM_A_CACHE_CORRUPT + 1] = {
	[SHADOWMM_A_CACHE_NAME]		= { .type = NLA_NUL_STRING, .len = SMM_CACHE_NAME_LEN - 1 },
	[SHADOWMM_A_CACHE_HANDLE]	= { .type = NLA_U64 },
	[SHADOWMM_A_CACHE_CORRUPT]	= NLA_POLICY_RANGE(NLA_U32, SHADOWMM_CORRUPT_REDZONE,
							   __SHADOWMM_CORRUPT_CNT - 1),
};

/* ---- OBJ_ALLOC ------------------------------------------------------- */

/* One object of an OBJ_ALLOC batch, registered as user space's. Under nl_slab_lock. */
static int smm_nl_obj_get(void *ctx, u64 *handle)
{
	struct smm_cache *c = ctx;
	u64 pos;
	int ret;

	if (!smm_cache_alloc(c, smm_cpu_get(), current->tgid, &pos)) {
		smm_cpu_put();
		return -ENOMEM;
	}
	smm_cpu_put();
	ret = smm_objs_add(&smm_dev, pos, handle);
	if (ret) {
		smm_cache_free(c, pos, smm_cpu_get());
		smm_cpu_put();
	}
	return ret;
}

static void smm_nl_obj_put(void *ctx, u64 handle)
{
	smm_objs_release(&smm_dev, ctx, handle & ((1ULL << SHADOWMM_OBJ_POS_BITS) - 1));
}

static size_t smm_nl_obj_alloc_size(const struct genl_info *info)
{
	return smm_nl_batch_size(info->attrs[SHADOWMM_A_CACHE_COUNT]);
}

/*
 * OBJ_ALLOC with CACHED: the objects go on the reclaimable cache's LRU
 * (core/slab_shrink.c), all or none, and the reply's handle nest is
 * empty: nobody holds them, the cache's shrinker frees them. Under
 * nl_slab_lock, so the cache stays.
 */
static int smm_nl_obj_alloc_cached(struct genl_info *info, struct smm_cache *c, u32 count)
{
	const char *why = smm_cache_cached_refusal(c);
	int ret;

	if (why) {
		smm_nl_set_err(info->extack, info->attrs[SHADOWMM_A_CACHE_CACHED], why);
		return -EINVAL;
	}
	ret = smm_cache_alloc_cached(c, count);
	if (ret)
		NL_SET_ERR_MSG(info->extack,
			       "not enough free memory for every object asked for; nothing was allocated");
	return ret;
}

static int smm_nl_obj_alloc_prepare(struct sk_buff *skb, struct genl_info *info, void *data)
{
	struct nlattr *a = info->attrs[SHADOWMM_A_CACHE_COUNT];
	u32 count = a ? nla_get_u32(a) : 1;
	struct smm_nl_batch *b = data;
	struct smm_dev *d = &smm_dev;
	struct smm_cache *c;
	u64 injected;
	int ret = -EINVAL;

	*b = (struct smm_nl_batch) { .nest = SHADOWMM_A_CACHE_HANDLES,
				     .type = SHADOWMM_A_CACHE_HANDLE, .pad = SHADOWMM_A_CACHE_PAD };
	mutex_lock(&d->nl_slab_lock);
	c = smm_nl_cache_get(info);
	if (c && nla_get_flag(info->attrs[SHADOWMM_A_CACHE_CACHED])) {
		ret = smm_nl_obj_alloc_cached(info, c, count);
		mutex_unlock(&d->nl_slab_lock);
		return ret;
	}
	injected = smm_nl_fault_failures();
	if (c)
		ret = smm_nl_batch_alloc(b, count, smm_nl_obj_get, smm_nl_obj_put, c);
	mutex_unlock(&d->nl_slab_lock);
	if (ret && b->handles)
		smm_nl_set_err(info->extack, NULL, smm_nl_alloc_failed(injected,
			       "not enough free memory for every object asked for; nothing was allocated"));
	return ret;
}

/* ---- OBJ_FREE / OBJ_CORRUPT ------------------------------------------ */

/* One handle of OBJ_FREE, of the cache @ctx: looked up and marked against repeats. */
static const char *smm_nl_obj_mark(void *ctx, u64 handle)
{
	u64 pos;

	return smm_objs_lookup(&smm_dev, ctx, handle, true, &pos);
}

static int smm_nl_obj_free_prepare(struct sk_buff *skb, struct genl_info *info, void *data)
{
	struct smm_dev *d = &smm_dev;
	struct smm_nl_u64 *r = data;
	struct smm_cache *c;
	int ret = -EINVAL;

	if (!info->attrs[SHADOWMM_A_CACHE_HANDLES]) {
		NL_SET_ERR_MSG(info->extack, "missing handles");
		return -EINVAL;
	}
	mutex_lock(&d->nl_slab_lock);
	c = smm_nl_cache_get(info);
	if (c) {
		ret = smm_nl_handles_check(info, info->attrs[SHADOWMM_A_CACHE_HANDLES],
					   SHADOWMM_A_CACHE_HANDLE, SHADOWMM_OBJ_BATCH_MAX,
					   smm_nl_obj_mark, c);
		*r = (struct smm_nl_u64) { smm_objs_finish(d, c, !ret), SHADOWMM_A_CACHE_FREED,
					   SHADOWMM_A_CACHE_PAD };
	}
	mutex_unlock(&d->nl_slab_lock);
	return ret;
}

static int smm_nl_obj_corrupt_prepare(struct sk_buff *skb, struct genl_info *info, void *data)
{
	struct nlattr **tb = info->attrs;
	struct smm_dev *d = &smm_dev;
	const char *why = NULL;
	struct smm_cache *c;
	u32 kind;
	u64 pos;
	int ret = -EINVAL;

	if (!smm_param_debug_corrupt) {
		NL_SET_ERR_MSG(info->extack, "corruption needs the debug_corrupt=1 module parameter");
		return -EPERM;
	}
	if (!tb[SHADOWMM_A_CACHE_HANDLE] || !tb[SHADOWMM_A_CACHE_CORRUPT]) {
		NL_SET_ERR_MSG(info->extack, "missing handle or corruption kind");
		return -EINVAL;
	}
	kind = nla_get_u32(tb[SHADOWMM_A_CACHE_CORRUPT]);
	mutex_lock(&d->nl_slab_lock);
	c = smm_nl_cache_get(info);
	if (!c)
		goto out_unlock;
	why = smm_objs_lookup(d, c, nla_get_u64(tb[SHADOWMM_A_CACHE_HANDLE]), false, &pos);
	if (!why)
		why = smm_cache_corrupt_refusal(c, kind);
	if (why) {
		smm_nl_set_err(info->extack, tb[SHADOWMM_A_CACHE_HANDLE], why);
		goto out_unlock;
	}
	if (kind != SHADOWMM_CORRUPT_REDZONE)
		smm_objs_drop(d, pos);	/* it is freed before the write */
	ret = smm_cache_corrupt(c, pos, kind, smm_cpu_get());
	smm_cpu_put();
	pr_info("OBJ_CORRUPT: cache %s position %#llx kind %u\n", c->name, pos, kind);
out_unlock:
	mutex_unlock(&d->nl_slab_lock);
	return ret;
}

const struct smm_nl_ops smm_nl_obj_ops[] = {
	SMM_NL_ADMIN_OP(OBJ_ALLOC, SMM_NL_POLICY(smm_nl_obj_alloc_policy),
			.reply_size = smm_nl_obj_alloc_size, .prepare = smm_nl_obj_alloc_prepare,
			SMM_NL_BATCH_REPLY),
	SMM_NL_ADMIN_OP(OBJ_FREE, SMM_NL_POLICY(smm_nl_obj_free_policy),
			.prepare = smm_nl_obj_free_prepare, SMM_NL_U64_REPLY),
	SMM_NL_ADMIN_OP(OBJ_CORRUPT, SMM_NL_POLICY(smm_nl_obj_corrupt_policy),
			.prepare = smm_nl_obj_corrupt_prepare),
	{ }
};
