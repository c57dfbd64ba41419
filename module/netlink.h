/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Generic netlink family "shadowmm", after net/ethtool/netlink.h: each
 * request kind is one struct smm_nl_ops, each nl_<object>.c exports one
 * table of them, and netlink.c builds the genl ops from the tables and
 * runs every doit through one shared function.
 */
#ifndef _SMM_NETLINK_H
#define _SMM_NETLINK_H

#include <net/genetlink.h>

extern struct genl_family smm_nl_family;

/*
 * One request kind. A doit runs: reply_size (from the request alone,
 * before anything changes, so a state change never fails for want of a
 * reply buffer), prepare (checks, takes and drops its locks, changes
 * state, gathers the reply into @data), fill (puts the attributes; more
 * than reply_size is a bug, warned once), cleanup. Without reply_size
 * the request is answered by the ack alone. A dump has its own dumpit.
 */
struct smm_nl_ops {
	u8 cmd;
	u8 flags;				/* GENL_ADMIN_PERM: changes state */
	const struct nla_policy *policy;	/* NULL: no attribute accepted */
	unsigned int maxattr;
	size_t data_size;			/* per-request data, zeroed */
	size_t (*reply_size)(const struct genl_info *info);
	int (*prepare)(struct sk_buff *skb, struct genl_info *info, void *data);
	int (*fill)(struct sk_buff *skb, const void *data);
	void (*cleanup)(void *data);
	int (*dumpit)(struct sk_buff *skb, struct netlink_callback *cb);
};

#define SMM_NL_POLICY(p)	.policy = (p), .maxattr = ARRAY_SIZE(p) - 1

/*
 * A table entry, one form for every request: SMM_NL_OP(CMD, fields...)
 * is SHADOWMM_CMD_CMD with SMM_NL_POLICY() among the fields when it takes
 * attributes; SMM_NL_ADMIN_OP, the same with GENL_ADMIN_PERM, for every
 * request that changes state or shows the layout.
 */
#define SMM_NL_OP(c, ...)	{ .cmd = SHADOWMM_CMD_##c, __VA_ARGS__ }
#define SMM_NL_ADMIN_OP(c, ...)	{ .cmd = SHADOWMM_CMD_##c, .flags = GENL_ADMIN_PERM, __VA_ARGS__ }

/* The tables, each ended by an entry with cmd 0. */
extern const struct smm_nl_ops smm_nl_info_ops[], smm_nl_zone_ops[], smm_nl_page_ops[],
	smm_nl_frame_ops[], smm_nl_check_ops[], smm_nl_cache_ops[], smm_nl_obj_ops[],
	smm_nl_walk_ops[], smm_nl_space_ops[], smm_nl_vma_ops[], smm_nl_swap_ops[];
extern const struct smm_nl_ops smm_nl_vmstat_ops[], smm_nl_reclaim_ops[], smm_nl_workload_ops[],
	smm_nl_sysctl_ops[], smm_nl_file_ops[], smm_nl_compact_ops[], smm_nl_fault_ops[],
	smm_nl_owner_ops[], smm_nl_range_ops[], smm_nl_cma_ops[], smm_nl_pin_ops[];

/* nl_vma.c: a space's process part of a SPACE_GET message */
struct smm_space;
int smm_nl_space_put_vm(struct sk_buff *skb, const struct smm_space *s);
/* nl_space.c: the space SPACE_ID names, or NULL with the extack (under smm_space_lock) */
struct smm_space *smm_nl_space_of(struct nlattr **tb, struct netlink_ext_ack *extack);

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

/* A reply of one u64: prepare sets all three, the shared size and fill send it. */
struct smm_nl_u64 {
	u64 v;
	u16 attr, pad;
};

size_t smm_nl_u64_size(const struct genl_info *info);
int smm_nl_u64_fill(struct sk_buff *skb, const void *data);

#define SMM_NL_U64_REPLY	.data_size = sizeof(struct smm_nl_u64), \
				.reply_size = smm_nl_u64_size, .fill = smm_nl_u64_fill

/*
 * A batch allocation's handles, got all or none (smm_nl_batch_alloc()),
 * replied as a nest @nest of @type attributes (smm_nl_batch_fill()).
 */
struct smm_nl_batch {
	u64 *handles;
	u32 count;
	u16 nest, type, pad;
};

size_t smm_nl_batch_size(const struct nlattr *count);
int smm_nl_batch_alloc(struct smm_nl_batch *b, u32 count, int (*get)(void *ctx, u64 *handle),
		       void (*put)(void *ctx, u64 handle), void *ctx);
int smm_nl_batch_fill(struct sk_buff *skb, const void *data);
void smm_nl_batch_cleanup(void *data);

#define SMM_NL_BATCH_REPLY	.data_size = sizeof(struct smm_nl_batch), \
				.fill = smm_nl_batch_fill, .cleanup = smm_nl_batch_cleanup

int smm_nl_set_all(struct genl_info *info, u16 first, u16 last, const char *none,
		   int (*apply)(void *priv, const struct nlattr *a, bool set, const char **why),
		   void *priv);

void *smm_nl_dump_put(struct sk_buff *skb, struct netlink_callback *cb, u8 cmd);
int smm_nl_put_u64s(struct sk_buff *skb, int nest_type, int type, const u64 *v, unsigned int n,
		    int pad);
#define smm_nl_put_u64_array(skb, type, v, n)	smm_nl_put_u64s(skb, type, 0, v, n, 0)
int smm_nl_handles_check(struct genl_info *info, const struct nlattr *nest, int type,
			 int max, const char *(*mark)(void *ctx, u64 handle), void *ctx);

/* nl_cache.c: the cache a request names, with an extack when there is none */
struct smm_cache *smm_nl_cache_get(struct genl_info *info);

/* nl_vmstat.c: the counters as a nest, all or those that differ from @prev */
size_t smm_nl_vmstat_size_all(void);
int smm_nl_put_vmstat(struct sk_buff *skb, int attrtype, const u64 *val, const u64 *prev);

/*
 * nl_fault.c: the failures fault injection has made (both targets), and
 * the reason a batch allocation failed: @otherwise, or fault injection's
 * when the count moved since @before (another caller's injected failure
 * in between would be taken for this request's: fault injection is a
 * testing aid, armed on purpose).
 */
u64 smm_nl_fault_failures(void);
const char *smm_nl_alloc_failed(u64 before, const char *otherwise);

/* nl_event.c: the "events" multicast group */
void smm_nl_event_start(void);
void smm_nl_event_stop(void);

#endif /* _SMM_NETLINK_H */
