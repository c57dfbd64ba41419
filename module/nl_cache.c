// SPDX-License-Identifier: GPL-2.0
/*
 * Slab caches through netlink: CACHE_CREATE, CACHE_DESTROY, the
 * CACHE_GET dump, CACHE_SHRINK, CACHE_VALIDATE, CACHE_TUNE, and RESET's slab part
 * (see core/slab.h). The objects are nl_obj.c's.
 *
 * nl_slab_lock serialises these commands, the OBJ_* ones and RESET, so
 * a cache found by name stays alive until the command ends (only these
 * commands destroy user caches). Requests happen whole or not at all.
 */
#include "smm.h"
#include "netlink.h"
#include "core/slab.h"

/* the attributes between FLAGS and POLICY are not the request's: strict refuses them */
static const struct nla_policy smm_nl_cache_create_policy[SHADOWMM_A_CACHE_POLICY + 1] = {
	[SHADOWMM_A_CACHE_NAME]		= { .type = NLA_NUL_STRING, .len = SMM_CACHE_NAME_LEN - 1 },
	[SHADOWMM_A_CACHE_OBJECT_SIZE]	= NLA_POLICY_RANGE(NLA_U32, 1, SMM_SLAB_MAX_SIZE),
	[SHADOWMM_A_CACHE_ALIGN]	= NLA_POLICY_MAX(NLA_U32, SMM_PAGE_SIZE),
	[SHADOWMM_A_CACHE_FLAGS]	= NLA_POLICY_MASK(NLA_U32, SHADOWMM_CACHE_ALL),
	[SHADOWMM_A_CACHE_POLICY]	= NLA_POLICY_MAX(NLA_U32, __SHADOWMM_CACHE_POLICY_CNT - 1),
};

static const struct nla_policy smm_nl_cache_destroy_policy[SHADOWMM_A_CACHE_FORCE + 1] = {
	[SHADOWMM_A_CACHE_NAME]		= { .type = NLA_NUL_STRING, .len = SMM_CACHE_NAME_LEN - 1 },
	[SHADOWMM_A_CACHE_FORCE]	= { .type = NLA_FLAG },
};

/* CACHE_SHRINK and CACHE_VALIDATE: the cache (VALIDATE: or every cache) */
static const struct nla_policy smm_nl_cache_name_policy[SHADOWMM_A_CACHE_NAME + 1] = {
	[SHADOWMM_A_CACHE_NAME]		= { .type = NLA_NUL_STRING, .len = SMM_CACHE_NAME_LEN - 1 },
};

/*
 * Shrinking and destroying free slabs to some CPU's page lists; those
 * are locked, so any CPU will do, and these paths may sleep (mutexes,
 * kvfree), so they are not pinned.
 */
static unsigned int smm_nl_any_cpu(void)
{
	return raw_smp_processor_id();
}

/* The cache named in the request, with an extack when there is none. */
struct smm_cache *smm_nl_cache_get(struct genl_info *info)
{
	struct nlattr *a = info->attrs[SHADOWMM_A_CACHE_NAME];
	struct smm_cache *c;

	if (!a) {
		NL_SET_ERR_MSG(info->extack, "missing cache name");
		return NULL;
	}
	c = smm_cache_find(&smm_dev.slabs, nla_data(a));
	if (!c)
		NL_SET_ERR_MSG_ATTR(info->extack, a, "no cache with that name");
	return c;
}

/* ---- CACHE_CREATE / CACHE_DESTROY ------------------------------------ */

static int smm_nl_cache_create_prepare(struct sk_buff *skb, struct genl_info *info,
				       void *data)
{
	struct smm_dev *d = &smm_dev;
	struct nlattr **tb = info->attrs;
	u32 align = tb[SHADOWMM_A_CACHE_ALIGN] ? nla_get_u32(tb[SHADOWMM_A_CACHE_ALIGN]) : 0;
	u32 flags = tb[SHADOWMM_A_CACHE_FLAGS] ? nla_get_u32(tb[SHADOWMM_A_CACHE_FLAGS]) : 0;
	u32 policy = tb[SHADOWMM_A_CACHE_POLICY] ? nla_get_u32(tb[SHADOWMM_A_CACHE_POLICY]) :
		     SMM_SLUB;
	const char *name, *why;
	struct smm_cache *c;
	u32 size;
	int ret;

	if (!tb[SHADOWMM_A_CACHE_NAME] || !tb[SHADOWMM_A_CACHE_OBJECT_SIZE]) {
		NL_SET_ERR_MSG(info->extack, "missing cache name or object size");
		return -EINVAL;
	}
	name = nla_data(tb[SHADOWMM_A_CACHE_NAME]);
	size = nla_get_u32(tb[SHADOWMM_A_CACHE_OBJECT_SIZE]);
	why = smm_cache_check_args(name, size, align, flags);
	if (why) {
		smm_nl_set_err(info->extack, NULL, why);
		return -EINVAL;
	}
	why = smm_cache_check_policy(policy, flags);
	if (why) {
		smm_nl_set_err(info->extack, tb[SHADOWMM_A_CACHE_POLICY], why);
		return -EINVAL;
	}
	mutex_lock(&d->nl_slab_lock);
	ret = smm_cache_create_policy(&d->slabs, name, size, align, flags, policy, &c);
	if (!ret)
		d->nl_slab_gen++;
	mutex_unlock(&d->nl_slab_lock);
	if (!ret)
		smm_slab_reap_kick(d);
	if (ret == -EEXIST)
		NL_SET_ERR_MSG_ATTR(info->extack, tb[SHADOWMM_A_CACHE_NAME],
				    "a cache with that name exists");
	else if (ret == -ENOSPC)
		NL_SET_ERR_MSG(info->extack, "too many caches");
	return ret;
}

static int smm_nl_cache_destroy_prepare(struct sk_buff *skb, struct genl_info *info,
					void *data)
{
	bool force = nla_get_flag(info->attrs[SHADOWMM_A_CACHE_FORCE]);
	struct smm_dev *d = &smm_dev;
	struct smm_cache *c;
	const char *why;
	int ret = -EINVAL;

	mutex_lock(&d->nl_slab_lock);
	c = smm_nl_cache_get(info);
	if (!c)
		goto out_unlock;
	why = smm_cache_destroy_refusal(c, force, &ret);
	if (why) {
		smm_nl_set_err(info->extack, NULL, why);
		goto out_unlock;
	}
	smm_objs_forget(d, c);	/* a forced destroy frees them */
	__smm_cache_destroy(&d->slabs, c, smm_nl_any_cpu());
	d->nl_slab_gen++;
	mutex_unlock(&d->nl_slab_lock);
	smm_slab_reap_idle(d);
	return 0;
out_unlock:
	mutex_unlock(&d->nl_slab_lock);
	return ret;
}

/* ---- CACHE_GET ------------------------------------------------------- */

static int smm_nl_cache_fill(struct sk_buff *skb, const struct smm_cache_info *ci)
{
#define SMM_PUT64(a, v)	nla_put_u64_64bit(skb, SHADOWMM_A_CACHE_##a, v, SHADOWMM_A_CACHE_PAD)
	if (nla_put_string(skb, SHADOWMM_A_CACHE_NAME, ci->name) ||
	    nla_put_u32(skb, SHADOWMM_A_CACHE_ID, ci->id) ||
	    nla_put_u8(skb, SHADOWMM_A_CACHE_BUILTIN, ci->builtin) ||
	    nla_put_u32(skb, SHADOWMM_A_CACHE_OBJECT_SIZE, ci->object_size) ||
	    nla_put_u32(skb, SHADOWMM_A_CACHE_ALIGN, ci->align) ||
	    nla_put_u32(skb, SHADOWMM_A_CACHE_FLAGS, ci->flags) ||
	    nla_put_u32(skb, SHADOWMM_A_CACHE_SIZE, ci->size) ||
	    nla_put_u32(skb, SHADOWMM_A_CACHE_ORDER, ci->order) ||
	    nla_put_u32(skb, SHADOWMM_A_CACHE_POLICY, ci->policy) ||
	    nla_put_u32(skb, SHADOWMM_A_CACHE_OBJS_PER_SLAB, ci->objects) ||
	    SMM_PUT64(ACTIVE_OBJS, ci->active_objs) ||
	    SMM_PUT64(NUM_OBJS, ci->num_objs) ||
	    SMM_PUT64(NUM_SLABS, ci->num_slabs) ||
	    SMM_PUT64(PARTIAL_SLABS, ci->partial_slabs) ||
	    SMM_PUT64(FULL_SLABS, ci->full_slabs) ||
	    SMM_PUT64(CPU_SLABS, ci->cpu_slabs) ||
	    SMM_PUT64(ALLOC_FAST, ci->stats.alloc_fast) ||
	    SMM_PUT64(ALLOC_SLOW, ci->stats.alloc_slow) ||
	    SMM_PUT64(FREE_FAST, ci->stats.free_fast) ||
	    SMM_PUT64(FREE_SLOW, ci->stats.free_slow) ||
	    SMM_PUT64(ALLOC_FAIL, ci->stats.alloc_fail) ||
	    SMM_PUT64(SLABS_ALLOC, ci->slabs_alloc) ||
	    SMM_PUT64(SLABS_FREE, ci->slabs_free) ||
	    SMM_PUT64(ERRORS, ci->stats.errors) ||
	    nla_put_u32(skb, SHADOWMM_A_CACHE_CPU_PARTIAL, ci->cpu_partial) ||
	    SMM_PUT64(CPU_PARTIAL_SLABS, ci->cpu_partial_slabs) ||
	    SMM_PUT64(SLABINFO_ACTIVE, ci->num_objs - ci->partial_free) ||
	    SMM_PUT64(NR_CACHED, ci->cached) ||
	    nla_put_u32(skb, SHADOWMM_A_CACHE_LIMIT, ci->limit) ||
	    nla_put_u32(skb, SHADOWMM_A_CACHE_BATCHCOUNT, ci->batchcount) ||
	    nla_put_u32(skb, SHADOWMM_A_CACHE_SHARED, ci->shared))
		return -EMSGSIZE;
#undef SMM_PUT64
	return 0;
}

/*
 * One message per cache, by id; resumes at cb->args[0]. A cache created
 * or destroyed between batches flags the dump NLM_F_DUMP_INTR.
 */
static int smm_nl_cache_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct smm_dev *d = &smm_dev;
	struct smm_cache_info ci;
	unsigned int id = cb->args[0];

	mutex_lock(&d->nl_slab_lock);
	cb->seq = d->nl_slab_gen + 1;
	for (; id < SMM_MAX_CACHES; id++) {
		struct smm_cache *c = READ_ONCE(d->slabs.caches[id]);
		void *hdr;

		if (!c)
			continue;
		hdr = smm_nl_dump_put(skb, cb, SHADOWMM_CMD_CACHE_GET);
		if (!hdr)
			break;
		smm_cache_info(c, &ci);
		if (smm_nl_cache_fill(skb, &ci)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
	}
	mutex_unlock(&d->nl_slab_lock);
	cb->args[0] = id;
	return skb->len;
}

/* ---- CACHE_SHRINK / CACHE_VALIDATE ----------------------------------- */

static int smm_nl_cache_shrink_prepare(struct sk_buff *skb, struct genl_info *info, void *data)
{
	struct smm_dev *d = &smm_dev;
	struct smm_nl_u64 *r = data;
	struct smm_cache *c;

	mutex_lock(&d->nl_slab_lock);
	c = smm_nl_cache_get(info);
	if (c)
		*r = (struct smm_nl_u64) { smm_cache_shrink(c, smm_nl_any_cpu()),
					   SHADOWMM_A_CACHE_FREED, SHADOWMM_A_CACHE_PAD };
	mutex_unlock(&d->nl_slab_lock);
	return c ? 0 : -EINVAL;
}

/* Nothing but the command: a strict policy refuses any attribute. */
static const struct nla_policy smm_nl_cache_drop_policy[SHADOWMM_A_CACHE_PAD + 1] = { };

/*
 * CACHE_DROP: drop_caches' 2, every reclaimable cache's cached objects
 * freed through its shrinker (core/shrinker.c). Under the spaces' lock,
 * which reclaim's counters are kept under; the shrinkers' registry keeps
 * the caches from going meanwhile. Replies the objects freed.
 */
static int smm_nl_cache_drop_prepare(struct sk_buff *skb, struct genl_info *info, void *data)
{
	struct smm_nl_u64 *r = data;
	u64 pages, freed;

	smm_space_lock_all();
	freed = smm_drop_slab(&smm_dev.mm, &pages);
	smm_space_unlock_all();
	*r = (struct smm_nl_u64) { freed, SHADOWMM_A_CACHE_FREED, SHADOWMM_A_CACHE_PAD };
	return 0;
}

/*
 * One cache, or every cache when no name is given. Problems go to the
 * log. A cache the core could not validate (no memory for its bitmap)
 * fails the whole request: a count that skipped it would call it clean.
 */
static int smm_nl_cache_validate_prepare(struct sk_buff *skb, struct genl_info *info,
					 void *data)
{
	struct smm_nl_u64 *r = data;
	struct smm_dev *d = &smm_dev;
	struct smm_cache *c = NULL;
	u64 problems = 0, n;
	unsigned int id;
	int ret = 0;

	mutex_lock(&d->nl_slab_lock);
	if (info->attrs[SHADOWMM_A_CACHE_NAME]) {
		c = smm_nl_cache_get(info);
		if (!c) {
			mutex_unlock(&d->nl_slab_lock);
			return -EINVAL;
		}
		ret = smm_cache_validate(c, &problems);
	} else {
		for (id = 0; id < SMM_MAX_CACHES; id++) {
			c = READ_ONCE(d->slabs.caches[id]);
			if (!c)
				continue;
			ret = smm_cache_validate(c, &n);
			if (ret)
				break;
			problems += n;
		}
	}
	mutex_unlock(&d->nl_slab_lock);
	if (ret) {
		NL_SET_ERR_MSG(info->extack, "out of memory validating a cache: nothing reported");
		return ret;
	}
	*r = (struct smm_nl_u64) { problems, SHADOWMM_A_CACHE_PROBLEMS, SHADOWMM_A_CACHE_PAD };
	return 0;
}

/* ---- CACHE_TUNE -------------------------------------------------------- */

/* the core names the bounds (smm_cache_tune_refusal()); the policy only the types */
static const struct nla_policy smm_nl_cache_tune_policy[SHADOWMM_A_CACHE_SHARED + 1] = {
	[SHADOWMM_A_CACHE_NAME]		= { .type = NLA_NUL_STRING, .len = SMM_CACHE_NAME_LEN - 1 },
	[SHADOWMM_A_CACHE_LIMIT]	= { .type = NLA_U32 },
	[SHADOWMM_A_CACHE_BATCHCOUNT]	= { .type = NLA_U32 },
	[SHADOWMM_A_CACHE_SHARED]	= { .type = NLA_U32 },
};

/*
 * CACHE_TUNE: /proc/slabinfo's write ("NAME limit batchcount shared"),
 * for a SLAB cache. LIMIT and BATCHCOUNT are needed; without SHARED the
 * cache keeps its shared factor. A refusal names the rule and changes
 * nothing; so does -ENOMEM (the new arrays are made first).
 */
static int smm_nl_cache_tune_prepare(struct sk_buff *skb, struct genl_info *info, void *data)
{
	struct nlattr **tb = info->attrs;
	struct smm_dev *d = &smm_dev;
	struct smm_cache_info ci;
	const char *why = NULL;
	struct smm_cache *c;
	u32 shared;
	int ret = -EINVAL;

	if (!tb[SHADOWMM_A_CACHE_LIMIT] || !tb[SHADOWMM_A_CACHE_BATCHCOUNT]) {
		NL_SET_ERR_MSG(info->extack, "missing limit or batchcount");
		return -EINVAL;
	}
	mutex_lock(&d->nl_slab_lock);
	c = smm_nl_cache_get(info);
	if (!c)
		goto out_unlock;
	smm_cache_info(c, &ci);
	shared = tb[SHADOWMM_A_CACHE_SHARED] ? nla_get_u32(tb[SHADOWMM_A_CACHE_SHARED]) :
		 ci.shared;
	ret = smm_cache_tune(c, nla_get_u32(tb[SHADOWMM_A_CACHE_LIMIT]),
			     nla_get_u32(tb[SHADOWMM_A_CACHE_BATCHCOUNT]), shared,
			     smm_nl_any_cpu(), &why);
	if (ret == -EINVAL)
		smm_nl_set_err(info->extack, NULL, why);
	else if (ret)
		NL_SET_ERR_MSG(info->extack, "out of memory for the new arrays: nothing changed");
out_unlock:
	mutex_unlock(&d->nl_slab_lock);
	return ret;
}

/* ---- RESET ---------------------------------------------------------- */

/*
 * RESET's slab part: free user space's objects, destroy the caches user
 * space created (the built-in ones stay), and give every empty slab of
 * the built-in caches back.
 */
void smm_nl_cache_reset(struct smm_dev *d)
{
	unsigned int id;

	mutex_lock(&d->nl_slab_lock);
	smm_objs_release_all(d);
	for (id = 0; id < SMM_MAX_CACHES; id++) {
		struct smm_cache *c = READ_ONCE(d->slabs.caches[id]);

		if (c && !c->builtin)
			smm_cache_destroy(&d->slabs, c, true, smm_nl_any_cpu());
		else if (c && smm_cache_is_kmalloc(&d->slabs, c))
			smm_cache_shrink(c, smm_nl_any_cpu());
	}
	d->nl_slab_gen++;
	mutex_unlock(&d->nl_slab_lock);
	smm_slab_reap_idle(d);
}

const struct smm_nl_ops smm_nl_cache_ops[] = {
	SMM_NL_ADMIN_OP(CACHE_CREATE, SMM_NL_POLICY(smm_nl_cache_create_policy),
			.prepare = smm_nl_cache_create_prepare),
	SMM_NL_ADMIN_OP(CACHE_DESTROY, SMM_NL_POLICY(smm_nl_cache_destroy_policy),
			.prepare = smm_nl_cache_destroy_prepare),
	SMM_NL_OP(CACHE_GET, .dumpit = smm_nl_cache_get_dumpit),
	SMM_NL_ADMIN_OP(CACHE_SHRINK, SMM_NL_POLICY(smm_nl_cache_name_policy),
			.prepare = smm_nl_cache_shrink_prepare, SMM_NL_U64_REPLY),
	SMM_NL_ADMIN_OP(CACHE_VALIDATE, SMM_NL_POLICY(smm_nl_cache_name_policy),
			.prepare = smm_nl_cache_validate_prepare, SMM_NL_U64_REPLY),
	SMM_NL_ADMIN_OP(CACHE_DROP, SMM_NL_POLICY(smm_nl_cache_drop_policy),
			.prepare = smm_nl_cache_drop_prepare, SMM_NL_U64_REPLY),
	SMM_NL_ADMIN_OP(CACHE_TUNE, SMM_NL_POLICY(smm_nl_cache_tune_policy),
			.prepare = smm_nl_cache_tune_prepare),
	{ }
};
