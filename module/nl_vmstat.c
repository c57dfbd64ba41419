// SPDX-License-Identifier: GPL-2.0
/*
 * VMSTAT_GET, and the reading it shares with debugfs's vmstat file: the
 * shadow's counters by /proc/vmstat's names (core/vmstat.h), each a nest
 * of {name, value}, so that a counter added to the core's table reaches
 * smmctl with no change to the uapi or the library.
 *
 * No GENL_ADMIN_PERM, as ZONE_GET: counts of pages and events say nothing
 * of where the range lies (no physical address, no frame number).
 */
#include <linux/slab.h>

#include "smm.h"
#include "netlink.h"
#include "core/space.h"
#include "core/vmstat.h"

/*
 * Every counter into a new array of smm_vmstat_nr values (kfree() it):
 * the zones, the mm and the slab caches, then each space, all under
 * smm_space_lock (which the core's locks nest inside), so that the
 * counters reclaim, faults and the OOM killer move under it are one
 * moment's; with @oom, the OOM killer's kills of that same moment.
 * Returns NULL when out of memory.
 */
u64 *smm_vmstat_collect(struct smm_dev *d, struct smm_oom_kills *oom)
{
	u64 *val = kmalloc_array(smm_vmstat_nr, sizeof(*val), GFP_KERNEL);
	u32 id;

	if (!val)
		return NULL;
	smm_space_lock_all();
	if (smm_vmstat_read(&d->mm, &d->slabs, val)) {
		smm_space_unlock_all();
		kfree(val);
		return NULL;
	}
	for (id = 1; id <= SHADOWMM_SPACE_MAX; id++) {
		struct smm_space *s = smm_space_find(id);

		if (s)
			smm_vmstat_add_space(s, val);
	}
	if (oom)
		__smm_spaces_oom_kills(oom);
	smm_space_unlock_all();
	return val;
}

struct smm_nl_vmstat {
	u64 *val;
};

/*
 * The size of smm_nl_put_vmstat()'s nest with every counter: the names
 * are the table's, so the size follows it.
 */
size_t smm_nl_vmstat_size_all(void)
{
	size_t size = nla_total_size(0);	/* the nest */
	unsigned int i;

	for (i = 0; i < smm_vmstat_nr; i++)
		size += nla_total_size(0) +
			nla_total_size(strlen(smm_vmstat_items[i].name) + 1) +
			nla_total_size_64bit(sizeof(u64));
	return size;
}

static size_t smm_nl_vmstat_size(const struct genl_info *info)
{
	return smm_nl_vmstat_size_all();
}

static int smm_nl_vmstat_prepare(struct sk_buff *skb, struct genl_info *info, void *data)
{
	struct smm_nl_vmstat *r = data;

	r->val = smm_vmstat_collect(&smm_dev, NULL);
	return r->val ? 0 : -ENOMEM;
}

/*
 * A nest @attrtype of SHADOWMM_A_VMSTAT_COUNTER nests, {name, value} each,
 * for every counter of @val, or with @prev only for those whose value
 * differs from @prev's (the events group's "what changed"). Cancels the
 * nest and returns -EMSGSIZE when the message is full.
 */
int smm_nl_put_vmstat(struct sk_buff *skb, int attrtype, const u64 *val, const u64 *prev)
{
	struct nlattr *nest = nla_nest_start(skb, attrtype), *ctr;
	unsigned int i;

	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < smm_vmstat_nr; i++) {
		if (prev && prev[i] == val[i])
			continue;
		ctr = nla_nest_start(skb, SHADOWMM_A_VMSTAT_COUNTER);
		if (!ctr ||
		    nla_put_string(skb, SHADOWMM_A_VMSTAT_CTR_NAME, smm_vmstat_items[i].name) ||
		    nla_put_u64_64bit(skb, SHADOWMM_A_VMSTAT_CTR_VALUE, val[i],
				      SHADOWMM_A_VMSTAT_CTR_PAD)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
		nla_nest_end(skb, ctr);
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int smm_nl_vmstat_fill(struct sk_buff *skb, const void *data)
{
	const struct smm_nl_vmstat *r = data;

	return smm_nl_put_vmstat(skb, SHADOWMM_A_VMSTAT_COUNTERS, r->val, NULL);
}

static void smm_nl_vmstat_cleanup(void *data)
{
	struct smm_nl_vmstat *r = data;

	kfree(r->val);
}

const struct smm_nl_ops smm_nl_vmstat_ops[] = {
	SMM_NL_OP(VMSTAT_GET, .data_size = sizeof(struct smm_nl_vmstat),
		  .reply_size = smm_nl_vmstat_size, .prepare = smm_nl_vmstat_prepare,
		  .fill = smm_nl_vmstat_fill, .cleanup = smm_nl_vmstat_cleanup),
	{ }
};
