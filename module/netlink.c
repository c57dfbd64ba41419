// SPDX-License-Identifier: GPL-2.0
/*
 * The shadowmm generic netlink family: the genl ops built from each
 * nl_*.c's table of struct smm_nl_ops, the shared doit, and the helpers
 * every table uses (after net/ethtool/netlink.c).
 *
 * Policies are strict: resv_start_op is 0, so the genetlink core rejects
 * unknown attributes, trailing data and any attribute at all for ops
 * without a policy, each with an extended ack message. Ops that change
 * state carry GENL_ADMIN_PERM. parallel_ops is set: handlers take the
 * locks of what they touch instead of serialising on genl_mutex.
 */
#include <linux/slab.h>

#include "smm.h"
#include "netlink.h"

static const struct smm_nl_ops *const smm_nl_tables[] = {
	smm_nl_info_ops, smm_nl_zone_ops, smm_nl_page_ops, smm_nl_frame_ops, smm_nl_check_ops,
	smm_nl_cache_ops, smm_nl_obj_ops, smm_nl_walk_ops, smm_nl_space_ops, smm_nl_vma_ops,
	smm_nl_vmstat_ops, smm_nl_swap_ops, smm_nl_reclaim_ops, smm_nl_workload_ops,
	smm_nl_sysctl_ops, smm_nl_file_ops, smm_nl_compact_ops, smm_nl_fault_ops,
	smm_nl_range_ops, smm_nl_cma_ops, smm_nl_pin_ops,
	smm_nl_owner_ops,
};

static const struct smm_nl_ops *smm_nl_by_cmd[SHADOWMM_CMD_MAX + 1] __ro_after_init;
static struct genl_ops smm_genl_ops[SHADOWMM_CMD_MAX] __ro_after_init;

static const struct genl_multicast_group smm_nl_mcgrps[] = {
	{ .name = SHADOWMM_MCGRP_EVENTS },
};

struct genl_family smm_nl_family __ro_after_init = {
	.name		= SHADOWMM_GENL_NAME,
	.version	= SHADOWMM_GENL_VERSION,
	.module		= THIS_MODULE,
	.parallel_ops	= true,
	.ops		= smm_genl_ops,
	.mcgrps		= smm_nl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(smm_nl_mcgrps),
};

/*
 * The doit of every request kind (see struct smm_nl_ops). After a fill
 * over its size, what prepare changed stays: RESET frees, SPACE_GET shows.
 */
static int smm_nl_doit(struct sk_buff *skb, struct genl_info *info)
{
	const struct smm_nl_ops *ops = smm_nl_by_cmd[info->genlhdr->cmd];
	struct sk_buff *msg = NULL;
	void *data = NULL, *hdr;
	size_t size = 0;
	int ret = -ENOMEM, po_slot;

	if (ops->data_size) {
		data = kzalloc(ops->data_size, GFP_KERNEL);
		if (!data)
			return -ENOMEM;
	}
	if (ops->reply_size) {
		size = ops->reply_size(info);
		msg = genlmsg_new(size, GFP_KERNEL);
		if (!msg)
			goto out_free_data;
	}
	po_slot = smm_page_owner_nl_enter(info->snd_portid);	/* page_owner's port */
	ret = ops->prepare(skb, info, data);
	smm_page_owner_nl_exit(po_slot);
	if (ret || !msg)
		goto out_cleanup;
	hdr = genlmsg_put_reply(msg, info, &smm_nl_family, 0, ops->cmd);
	ret = hdr ? ops->fill(msg, data) : -EMSGSIZE;
	if (ret) {
		WARN_ONCE(ret == -EMSGSIZE, "shadowmm: command %u: reply over its %zu bytes\n",
			  ops->cmd, size);
		goto out_cleanup;
	}
	genlmsg_end(msg, hdr);
	ret = genlmsg_reply(msg, info);
	msg = NULL;	/* sent, or freed by genlmsg_reply() */
out_cleanup:
	if (ops->cleanup)
		ops->cleanup(data);
	nlmsg_free(msg);
out_free_data:
	kfree(data);
	return ret;
}

size_t smm_nl_u64_size(const struct genl_info *info)
{
	return nla_total_size_64bit(sizeof(u64));
}

int smm_nl_u64_fill(struct sk_buff *skb, const void *data)
{
	const struct smm_nl_u64 *r = data;

	return nla_put_u64_64bit(skb, r->attr, r->v, r->pad);
}

/* The reply to a batch of the COUNT attribute @count (1 when absent). */
size_t smm_nl_batch_size(const struct nlattr *count)
{
	u32 n = count ? nla_get_u32(count) : 1;

	return nla_total_size(0) + n * nla_total_size_64bit(sizeof(u64));
}

/*
 * PAGE_ALLOC and OBJ_ALLOC: @count handles from @get into b->handles,
 * all or none: after the first failure @put gives back, newest first,
 * what was got. The caller holds the lock that keeps the handles valid.
 */
int smm_nl_batch_alloc(struct smm_nl_batch *b, u32 count, int (*get)(void *ctx, u64 *handle),
		       void (*put)(void *ctx, u64 handle), void *ctx)
{
	int ret = 0;

	b->handles = kvmalloc_array(count, sizeof(*b->handles), GFP_KERNEL);
	if (!b->handles)
		return -ENOMEM;
	for (b->count = 0; b->count < count; b->count++) {
		ret = get(ctx, &b->handles[b->count]);
		if (ret)
			break;
		cond_resched();
	}
	while (ret && b->count)
		put(ctx, b->handles[--b->count]);
	return ret;
}

int smm_nl_batch_fill(struct sk_buff *skb, const void *data)
{
	const struct smm_nl_batch *b = data;

	return smm_nl_put_u64s(skb, b->nest, b->type, b->handles, b->count, b->pad);
}

void smm_nl_batch_cleanup(void *data)
{
	struct smm_nl_batch *b = data;

	kvfree(b->handles);
}

/*
 * @n u64s in a nest @nest, each of @type, or with type 0 numbered: the
 * member i + 1 is element i (and 0 is free for padding).
 */
int smm_nl_put_u64s(struct sk_buff *skb, int nest_type, int type, const u64 *v, unsigned int n,
		    int pad)
{
	struct nlattr *nest = nla_nest_start(skb, nest_type);
	unsigned int i;

	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < n; i++) {
		if (nla_put_u64_64bit(skb, type ? : i + 1, v[i], pad)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(skb, nest);
	return 0;
}

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

/*
 * A SET of several settings, all or nothing: @apply(@priv, a, false, ...)
 * checks every attribute of [@first, @last] the request has before
 * @apply(@priv, a, true, ...) sets each. The first refusal names its
 * attribute; a request with none is refused with @none. The checks
 * depend on nothing that moves, so a set after them cannot fail.
 */
int smm_nl_set_all(struct genl_info *info, u16 first, u16 last, const char *none,
		   int (*apply)(void *priv, const struct nlattr *a, bool set, const char **why),
		   void *priv)
{
	const char *why = NULL;
	unsigned int n = 0;
	int set, ret;
	u16 attr;

	for (set = 0; set <= 1; set++) {
		for (attr = first; attr <= last; attr++) {
			const struct nlattr *a = info->attrs[attr];

			if (!a)
				continue;
			n++;
			ret = apply(priv, a, set, &why);
			WARN_ON_ONCE(ret && set);
			if (ret) {
				smm_nl_set_err(info->extack, a, why);
				return ret;
			}
		}
		if (!n) {
			smm_nl_set_err(info->extack, NULL, none);
			return -EINVAL;
		}
	}
	return 0;
}

/* The genl ops in command order, from the tables; a command listed twice is a bug. */
static void __init smm_nl_build_ops(void)
{
	const struct smm_nl_ops *o;
	unsigned int i, cmd, n = 0;

	for (i = 0; i < ARRAY_SIZE(smm_nl_tables); i++)
		for (o = smm_nl_tables[i]; o->cmd; o++)
			if (!WARN_ON_ONCE(o->cmd > SHADOWMM_CMD_MAX || smm_nl_by_cmd[o->cmd]))
				smm_nl_by_cmd[o->cmd] = o;
	for (cmd = 1; cmd <= SHADOWMM_CMD_MAX; cmd++) {
		o = smm_nl_by_cmd[cmd];
		if (!o)
			continue;
		smm_genl_ops[n++] = (struct genl_ops) {
			.cmd	= cmd,
			.doit	= o->prepare ? smm_nl_doit : NULL,
			.dumpit	= o->dumpit,
			.policy	= o->policy,
			.maxattr = o->maxattr,
			.flags	= o->flags,
		};
	}
	smm_nl_family.n_ops = n;
}

/* The events work starts with the family and stops before it goes. */
int __init smm_nl_register(void)
{
	int ret;

	smm_nl_build_ops();
	ret = genl_register_family(&smm_nl_family);
	if (!ret)
		smm_nl_event_start();
	return ret;
}

void smm_nl_unregister(void)
{
	smm_nl_event_stop();
	genl_unregister_family(&smm_nl_family);
}
