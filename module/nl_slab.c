// SPDX-License-Identifier: GPL-2.0
/*
 * Slab caches through netlink: CACHE_CREATE, CACHE_DESTROY, CACHE_GET,
 * CACHE_SHRINK, CACHE_VALIDATE, OBJ_ALLOC, OBJ_FREE and the debug-only
 * OBJ_CORRUPT (see core/slab.h).
 *
 * Objects allocated through netlink are kept in an xarray by position,
 * with the tag of their handle (tag << 40 | position). That is what
 * makes a handle valid: a position that is not there, or whose tag
 * differs, is refused, and the core names the reason (outside the range,
 * not a slab, another cache, not on an object boundary, not allocated).
 * So double frees and foreign pointers are refused whatever the cache's
 * debug flags, and RESET knows which objects are user space's.
 *
 * nl_slab_lock serialises every command here and RESET, so a cache found
 * by name stays alive until the command ends (only these commands
 * destroy user caches), and a handle checked valid stays valid until
 * freed. Requests happen whole or not at all.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/random.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "smm.h"
#include "netlink.h"
#include "core/slab.h"

#define SMM_OBJ_POS_MASK	((1ULL << SHADOWMM_OBJ_POS_BITS) - 1)
#define SMM_OBJ_TAG_MASK	((1U << (64 - SHADOWMM_OBJ_POS_BITS)) - 1)

const struct nla_policy smm_nl_cache_create_policy[SHADOWMM_A_CACHE_FLAGS + 1] = {
	[SHADOWMM_A_CACHE_NAME]		= { .type = NLA_NUL_STRING, .len = SMM_CACHE_NAME_LEN - 1 },
	[SHADOWMM_A_CACHE_OBJECT_SIZE]	= NLA_POLICY_RANGE(NLA_U32, 1, SMM_SLAB_MAX_SIZE),
	[SHADOWMM_A_CACHE_ALIGN]	= NLA_POLICY_MAX(NLA_U32, SMM_PAGE_SIZE),
	[SHADOWMM_A_CACHE_FLAGS]	= NLA_POLICY_MASK(NLA_U32, SHADOWMM_CACHE_ALL),
};

const struct nla_policy smm_nl_cache_destroy_policy[SHADOWMM_A_CACHE_FORCE + 1] = {
	[SHADOWMM_A_CACHE_NAME]		= { .type = NLA_NUL_STRING, .len = SMM_CACHE_NAME_LEN - 1 },
	[SHADOWMM_A_CACHE_FORCE]	= { .type = NLA_FLAG },
};

/* CACHE_SHRINK and CACHE_VALIDATE: the cache (VALIDATE: or every cache) */
const struct nla_policy smm_nl_cache_name_policy[SHADOWMM_A_CACHE_NAME + 1] = {
	[SHADOWMM_A_CACHE_NAME]		= { .type = NLA_NUL_STRING, .len = SMM_CACHE_NAME_LEN - 1 },
};

const struct nla_policy smm_nl_obj_alloc_policy[SHADOWMM_A_CACHE_COUNT + 1] = {
	[SHADOWMM_A_CACHE_NAME]		= { .type = NLA_NUL_STRING, .len = SMM_CACHE_NAME_LEN - 1 },
	[SHADOWMM_A_CACHE_COUNT]	= NLA_POLICY_RANGE(NLA_U32, 1, SHADOWMM_OBJ_BATCH_MAX),
};

static const struct nla_policy smm_nl_obj_handle_policy[SHADOWMM_A_CACHE_HANDLE + 1] = {
	[SHADOWMM_A_CACHE_HANDLE]	= { .type = NLA_U64 },
};

const struct nla_policy smm_nl_obj_free_policy[SHADOWMM_A_CACHE_HANDLES + 1] = {
	[SHADOWMM_A_CACHE_NAME]		= { .type = NLA_NUL_STRING, .len = SMM_CACHE_NAME_LEN - 1 },
	[SHADOWMM_A_CACHE_HANDLES]	= NLA_POLICY_NESTED(smm_nl_obj_handle_policy),
};

const struct nla_policy smm_nl_obj_corrupt_policy[SHADOWMM_A_CACHE_CORRUPT + 1] = {
	[SHADOWMM_A_CACHE_NAME]		= { .type = NLA_NUL_STRING, .len = SMM_CACHE_NAME_LEN - 1 },
	[SHADOWMM_A_CACHE_HANDLE]	= { .type = NLA_U64 },
	[SHADOWMM_A_CACHE_CORRUPT]	= NLA_POLICY_RANGE(NLA_U32, SHADOWMM_CORRUPT_REDZONE,
							   __SHADOWMM_CORRUPT_CNT - 1),
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

static u64 smm_obj_handle(u64 pos, u32 tag)
{
	return (u64)tag << SHADOWMM_OBJ_POS_BITS | pos;
}

/* The cache named in the request, with an extack when there is none. */
static struct smm_cache *smm_nl_cache_get(struct genl_info *info)
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

static int smm_nl_cache_reply(struct genl_info *info, u8 cmd, int type, u64 v)
{
	struct sk_buff *msg = genlmsg_new(nla_total_size_64bit(sizeof(u64)), GFP_KERNEL);
	void *hdr;

	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &smm_nl_family, 0, cmd);
	if (!hdr || nla_put_u64_64bit(msg, type, v, SHADOWMM_A_CACHE_PAD)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* ---- CACHE_CREATE / CACHE_DESTROY ------------------------------------ */

int smm_nl_cache_create_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct smm_dev *d = &smm_dev;
	struct nlattr **tb = info->attrs;
	u32 align = tb[SHADOWMM_A_CACHE_ALIGN] ? nla_get_u32(tb[SHADOWMM_A_CACHE_ALIGN]) : 0;
	u32 flags = tb[SHADOWMM_A_CACHE_FLAGS] ? nla_get_u32(tb[SHADOWMM_A_CACHE_FLAGS]) : 0;
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
	mutex_lock(&d->nl_slab_lock);
	ret = smm_cache_create(&d->slabs, name, size, align, flags, &c);
	if (!ret)
		d->nl_slab_gen++;
	mutex_unlock(&d->nl_slab_lock);
	if (ret == -EEXIST)
		NL_SET_ERR_MSG_ATTR(info->extack, tb[SHADOWMM_A_CACHE_NAME],
				    "a cache with that name exists");
	else if (ret == -ENOSPC)
		NL_SET_ERR_MSG(info->extack, "too many caches");
	return ret;
}

/* Forget user space's objects of @c (a forced destroy frees them). */
static void smm_nl_forget_objs(struct smm_dev *d, struct smm_cache *c)
{
	unsigned long pos;
	void *e;

	xa_for_each(&d->nl_objs, pos, e)
		if (!c || smm_cache_of_pos(&d->slabs, pos) == c)
			xa_erase(&d->nl_objs, pos);
}

int smm_nl_cache_destroy_doit(struct sk_buff *skb, struct genl_info *info)
{
	bool force = nla_get_flag(info->attrs[SHADOWMM_A_CACHE_FORCE]);
	struct smm_dev *d = &smm_dev;
	struct smm_cache *c;
	int ret = -EINVAL;

	mutex_lock(&d->nl_slab_lock);
	c = smm_nl_cache_get(info);
	if (!c)
		goto out_unlock;
	ret = -EPERM;
	if (c->builtin) {
		NL_SET_ERR_MSG(info->extack, "the kmalloc caches are built in and cannot be destroyed");
		goto out_unlock;
	}
	ret = -EBUSY;
	if (!force && smm_cache_live(c)) {
		NL_SET_ERR_MSG(info->extack, "cache has live objects (force frees them)");
		goto out_unlock;
	}
	smm_nl_forget_objs(d, c);
	ret = smm_cache_destroy(&d->slabs, c, true, smm_nl_any_cpu());
	d->nl_slab_gen++;
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
	    SMM_PUT64(ERRORS, ci->stats.errors))
		return -EMSGSIZE;
#undef SMM_PUT64
	return 0;
}

/*
 * One message per cache, by id; resumes at cb->args[0]. A cache created
 * or destroyed between batches flags the dump NLM_F_DUMP_INTR.
 */
int smm_nl_cache_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
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

int smm_nl_cache_shrink_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct smm_dev *d = &smm_dev;
	struct smm_cache *c;
	u64 frames = 0;

	mutex_lock(&d->nl_slab_lock);
	c = smm_nl_cache_get(info);
	if (c)
		frames = smm_cache_shrink(c, smm_nl_any_cpu());
	mutex_unlock(&d->nl_slab_lock);
	if (!c)
		return -EINVAL;
	return smm_nl_cache_reply(info, SHADOWMM_CMD_CACHE_SHRINK, SHADOWMM_A_CACHE_FREED, frames);
}

/*
 * One cache, or every cache when no name is given. Problems go to the
 * log. A cache the core could not validate (no memory for its bitmap)
 * fails the whole request: a count that skipped it would call it clean.
 */
int smm_nl_cache_validate_doit(struct sk_buff *skb, struct genl_info *info)
{
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
	return smm_nl_cache_reply(info, SHADOWMM_CMD_CACHE_VALIDATE, SHADOWMM_A_CACHE_PROBLEMS,
				  problems);
}

/* ---- OBJ_ALLOC ------------------------------------------------------- */

static u32 smm_nl_next_tag(struct smm_dev *d)
{
	d->nl_obj_tag = (d->nl_obj_tag + 1) & SMM_OBJ_TAG_MASK;
	if (!d->nl_obj_tag)
		d->nl_obj_tag = 1;
	return d->nl_obj_tag;
}

static void smm_nl_obj_release(struct smm_dev *d, struct smm_cache *c, u64 pos)
{
	xa_erase(&d->nl_objs, pos);
	smm_cache_free(c, pos, smm_cpu_get());
	smm_cpu_put();
}

/* Allocate @count objects into @pos[], all or none. Under nl_slab_lock. */
static int smm_nl_obj_alloc_all(struct smm_dev *d, struct smm_cache *c, u32 count, u64 *pos,
				u32 *tags)
{
	u32 i;
	int ret = 0;

	for (i = 0; i < count; i++) {
		void *p = smm_cache_alloc(c, smm_cpu_get(), current->tgid, &pos[i]);

		smm_cpu_put();
		if (!p) {
			ret = -ENOMEM;
			break;
		}
		tags[i] = smm_nl_next_tag(d);
		ret = xa_err(xa_store(&d->nl_objs, pos[i], xa_mk_value(tags[i]), GFP_KERNEL));
		if (ret) {
			smm_cache_free(c, pos[i], smm_cpu_get());
			smm_cpu_put();
			break;
		}
		cond_resched();
	}
	if (!ret)
		return 0;
	while (i--)
		smm_nl_obj_release(d, c, pos[i]);
	return ret;
}

static int smm_nl_put_obj_handles(struct sk_buff *msg, const u64 *pos, const u32 *tags,
				  u32 count)
{
	struct nlattr *nest = nla_nest_start(msg, SHADOWMM_A_CACHE_HANDLES);
	u32 i;

	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < count; i++)
		if (nla_put_u64_64bit(msg, SHADOWMM_A_CACHE_HANDLE, smm_obj_handle(pos[i], tags[i]),
				      SHADOWMM_A_CACHE_PAD))
			return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

int smm_nl_obj_alloc_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **tb = info->attrs;
	u32 count = tb[SHADOWMM_A_CACHE_COUNT] ? nla_get_u32(tb[SHADOWMM_A_CACHE_COUNT]) : 1;
	struct smm_dev *d = &smm_dev;
	struct sk_buff *msg;
	struct smm_cache *c;
	u32 *tags = NULL;
	u64 *pos = NULL;
	void *hdr;
	int ret;

	msg = genlmsg_new(nla_total_size(0) + count * nla_total_size_64bit(sizeof(u64)),
			  GFP_KERNEL);
	pos = kvmalloc_array(count, sizeof(*pos), GFP_KERNEL);
	tags = kvmalloc_array(count, sizeof(*tags), GFP_KERNEL);
	ret = -ENOMEM;
	if (!msg || !pos || !tags)
		goto err_free;

	mutex_lock(&d->nl_slab_lock);
	c = smm_nl_cache_get(info);
	ret = c ? smm_nl_obj_alloc_all(d, c, count, pos, tags) : -EINVAL;
	mutex_unlock(&d->nl_slab_lock);
	if (ret) {
		if (c)
			NL_SET_ERR_MSG(info->extack,
				       "not enough free memory for every object asked for; nothing was allocated");
		goto err_free;
	}

	hdr = genlmsg_put_reply(msg, info, &smm_nl_family, 0, SHADOWMM_CMD_OBJ_ALLOC);
	ret = hdr ? smm_nl_put_obj_handles(msg, pos, tags, count) : -EMSGSIZE;
	if (WARN_ON_ONCE(ret))
		goto err_free;	/* the objects stay allocated; RESET frees them */
	genlmsg_end(msg, hdr);
	kvfree(pos);
	kvfree(tags);
	return genlmsg_reply(msg, info);

err_free:
	kvfree(pos);
	kvfree(tags);
	nlmsg_free(msg);
	return ret;
}

/* ---- OBJ_FREE / OBJ_CORRUPT ------------------------------------------ */

/*
 * Why @handle names no live netlink object of @c, or NULL (and its
 * position in *@pos). A handle already marked in this request is a
 * repeat. Under nl_slab_lock.
 */
static const char *smm_nl_obj_lookup(struct smm_dev *d, struct smm_cache *c, u64 handle,
				     u64 *pos)
{
	u64 p = handle & SMM_OBJ_POS_MASK;
	void *e = xa_load(&d->nl_objs, p);
	const char *why;

	if (e && xa_to_value(e) == handle >> SHADOWMM_OBJ_POS_BITS) {
		if (smm_cache_of_pos(&d->slabs, p) != c)
			return "object belongs to another cache";
		if (xa_get_mark(&d->nl_objs, p, XA_MARK_0))
			return "handle is listed twice";
		*pos = p;
		return NULL;
	}
	why = smm_cache_obj_lookup(c, p);
	if (why)
		return why;
	return e ? "handle is stale: its object was freed and allocated again"
		 : "object was not allocated through netlink";
}

/* The cache an OBJ_FREE names. */
struct smm_nl_obj_free {
	struct smm_dev		*d;
	struct smm_cache	*c;
};

/* One handle of OBJ_FREE: looked up and marked against repeats. */
static const char *smm_nl_obj_mark(void *ctx, u64 handle)
{
	struct smm_nl_obj_free *of = ctx;
	const char *why;
	u64 pos;

	why = smm_nl_obj_lookup(of->d, of->c, handle, &pos);
	if (!why)
		xa_set_mark(&of->d->nl_objs, pos, XA_MARK_0);
	return why;
}

/* Free (or, after a refusal, unmark) what smm_nl_obj_mark() marked. */
static u64 smm_nl_obj_finish(struct smm_dev *d, struct smm_cache *c, bool free)
{
	unsigned long pos;
	u64 n = 0;
	void *e;

	xa_for_each_marked(&d->nl_objs, pos, e, XA_MARK_0) {
		if (free) {
			smm_nl_obj_release(d, c, pos);
			n++;
		} else {
			xa_clear_mark(&d->nl_objs, pos, XA_MARK_0);
		}
	}
	return n;
}

int smm_nl_obj_free_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct smm_dev *d = &smm_dev;
	struct smm_cache *c;
	u64 n = 0;
	int ret = -EINVAL;

	if (!info->attrs[SHADOWMM_A_CACHE_HANDLES]) {
		NL_SET_ERR_MSG(info->extack, "missing handles");
		return -EINVAL;
	}
	mutex_lock(&d->nl_slab_lock);
	c = smm_nl_cache_get(info);
	if (c) {
		struct smm_nl_obj_free of = { .d = d, .c = c };

		ret = smm_nl_handles_check(info, info->attrs[SHADOWMM_A_CACHE_HANDLES],
					   SHADOWMM_A_CACHE_HANDLE, SHADOWMM_OBJ_BATCH_MAX,
					   smm_nl_obj_mark, &of);
		n = smm_nl_obj_finish(d, c, !ret);
	}
	mutex_unlock(&d->nl_slab_lock);
	if (ret)
		return ret;
	return smm_nl_cache_reply(info, SHADOWMM_CMD_OBJ_FREE, SHADOWMM_A_CACHE_FREED, n);
}

bool smm_param_debug_corrupt;
module_param_named(debug_corrupt, smm_param_debug_corrupt, bool, 0444);
MODULE_PARM_DESC(debug_corrupt, "Allow OBJ_CORRUPT and the stress file's corrupt option, which damage memory on purpose (tests only; default off)");

/* Whether @kind can be done to @c, with the reason when not. */
static const char *smm_nl_corrupt_refusal(const struct smm_cache *c, u32 kind)
{
	if (kind == SHADOWMM_CORRUPT_REDZONE && !(c->flags & SHADOWMM_CACHE_RED_ZONE))
		return "red zone corruption needs a cache with red zones";
	if (kind == SHADOWMM_CORRUPT_AFTER_FREE && !(c->flags & SHADOWMM_CACHE_POISON))
		return "write after free needs a cache with poisoning";
	return NULL;
}

int smm_nl_obj_corrupt_doit(struct sk_buff *skb, struct genl_info *info)
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
	why = smm_nl_obj_lookup(d, c, nla_get_u64(tb[SHADOWMM_A_CACHE_HANDLE]), &pos);
	if (!why)
		why = smm_nl_corrupt_refusal(c, kind);
	if (why) {
		smm_nl_set_err(info->extack, tb[SHADOWMM_A_CACHE_HANDLE], why);
		goto out_unlock;
	}
	if (kind != SHADOWMM_CORRUPT_REDZONE)
		xa_erase(&d->nl_objs, pos);	/* it is freed before the write */
	ret = smm_cache_corrupt(c, pos, kind, smm_cpu_get());
	smm_cpu_put();
	pr_info("OBJ_CORRUPT: cache %s position %#llx kind %u\n", c->name, pos, kind);
out_unlock:
	mutex_unlock(&d->nl_slab_lock);
	return ret;
}

/* ---- RESET and unload ------------------------------------------------ */

/*
 * RESET's slab part: free user space's objects, destroy the caches user
 * space created (the built-in ones stay), and give every empty slab of
 * the built-in caches back.
 */
void smm_nl_slab_reset(struct smm_dev *d)
{
	unsigned long pos;
	unsigned int id;
	void *e;

	mutex_lock(&d->nl_slab_lock);
	xa_for_each(&d->nl_objs, pos, e) {
		struct smm_cache *c = smm_cache_of_pos(&d->slabs, pos);

		if (!WARN_ON_ONCE(!c))
			smm_nl_obj_release(d, c, pos);
		else
			xa_erase(&d->nl_objs, pos);
	}
	for (id = 0; id < SMM_MAX_CACHES; id++) {
		struct smm_cache *c = READ_ONCE(d->slabs.caches[id]);

		if (c && !c->builtin)
			smm_cache_destroy(&d->slabs, c, true, smm_nl_any_cpu());
		else if (c && c->id < d->slabs.nr_kmalloc)
			smm_cache_shrink(c, smm_nl_any_cpu());
	}
	d->nl_slab_gen++;
	mutex_unlock(&d->nl_slab_lock);
}

int smm_nl_slab_init(struct smm_dev *d)
{
	mutex_init(&d->nl_slab_lock);
	xa_init(&d->nl_objs);
	return smm_slabs_init(&d->slabs, &d->mm, get_random_u32());
}

void smm_nl_slab_exit(struct smm_dev *d)
{
	smm_nl_forget_objs(d, NULL);
	xa_destroy(&d->nl_objs);
	smm_slabs_destroy(&d->slabs);
}
