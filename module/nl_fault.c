// SPDX-License-Identifier: GPL-2.0
/*
 * Fault injection at run time (core/failinject.c): FAULT_GET and
 * FAULT_SET, and debugfs fail_page_alloc/ and failslab/ laid out as the
 * kernel's (Documentation/fault-injection/fault-injection.rst), one file
 * per setting plus seed, calls and failures. Both doors go through the
 * core's smm_fail_check()/smm_fail_set(), so they validate alike.
 *
 * Locking: none here; the core takes each target's lock. A SET checks
 * every value first, then sets them one by one: a caller in between may
 * see some new and some old settings, never a refused one.
 *
 * FAULT_GET has no GENL_ADMIN_PERM (settings and counters only, as
 * /proc/sys/vm); FAULT_SET has. The debugfs files are 0600 as the
 * kernel's, the counters 0400.
 */
#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/seq_file.h>

#include "compat.h"
#include "smm.h"
#include "netlink.h"

/* The policy is the types and the ranges; the core checks again and names the setting. */
static const struct nla_policy smm_nl_fault_policy[SHADOWMM_A_FAULT_MAX + 1] = {
	[SHADOWMM_A_FAULT_TARGET] = NLA_POLICY_MAX(NLA_U32, __SHADOWMM_FAULT_TARGET_CNT - 1),
	[SHADOWMM_A_FAULT_PROBABILITY] = NLA_POLICY_MAX(NLA_U32, SHADOWMM_FAULT_PROBABILITY_MAX),
	[SHADOWMM_A_FAULT_INTERVAL] = NLA_POLICY_MIN(NLA_U32, 1),
	[SHADOWMM_A_FAULT_TIMES] = NLA_POLICY_MIN(NLA_S32, -1),
	[SHADOWMM_A_FAULT_SPACE] = NLA_POLICY_MIN(NLA_S32, 0),
	[SHADOWMM_A_FAULT_VERBOSE] = NLA_POLICY_MAX(NLA_U32, SHADOWMM_FAULT_VERBOSE_MAX),
	[SHADOWMM_A_FAULT_SEED] = { .type = NLA_U64 },
	[SHADOWMM_A_FAULT_MIN_ORDER] = NLA_POLICY_MAX(NLA_U32, SMM_MAX_ORDER),
	[SHADOWMM_A_FAULT_IGNORE_GFP_WAIT] = NLA_POLICY_MAX(NLA_U8, 1),
	[SHADOWMM_A_FAULT_IGNORE_GFP_ATOMIC] = NLA_POLICY_MAX(NLA_U8, 1),
	[SHADOWMM_A_FAULT_CACHE_FILTER] = NLA_POLICY_MAX(NLA_U8, 1),
	[SHADOWMM_A_FAULT_ZONE] = NLA_POLICY_RANGE(NLA_S32, -1, __SHADOWMM_ZONE_CNT - 1),
};

/* A setting's value as the core takes it (the seed's 64 bits as they are). */
static s64 smm_nl_fault_val(const struct nlattr *a)
{
	switch (nla_type(a)) {
	case SHADOWMM_A_FAULT_TIMES:
	case SHADOWMM_A_FAULT_SPACE:
	case SHADOWMM_A_FAULT_ZONE:
		return nla_get_s32(a);
	case SHADOWMM_A_FAULT_SEED:
		return (s64)nla_get_u64(a);
	case SHADOWMM_A_FAULT_IGNORE_GFP_WAIT:
	case SHADOWMM_A_FAULT_IGNORE_GFP_ATOMIC:
	case SHADOWMM_A_FAULT_CACHE_FILTER:
		return nla_get_u8(a);
	default:
		return nla_get_u32(a);
	}
}

/* smm_nl_set_all()'s apply: check or set the setting @a names of target @fa. */
static int smm_nl_fault_apply(void *fa, const struct nlattr *a, bool set, const char **why)
{
	unsigned int target = (struct smm_fail_attr *)fa - smm_dev.mm.fail;

	return set ? smm_fail_set(fa, target, nla_type(a), smm_nl_fault_val(a), why) :
		     smm_fail_check(target, nla_type(a), smm_nl_fault_val(a), why);
}

/*
 * SET: TARGET and at least one setting; every setting checked for the
 * target before any is set (all or nothing), the first refusal naming
 * its attribute and the setting.
 */
static int smm_nl_fault_set_prepare(struct sk_buff *skb, struct genl_info *info, void *data)
{
	const struct nlattr *t = info->attrs[SHADOWMM_A_FAULT_TARGET];

	if (!t) {
		NL_SET_ERR_MSG(info->extack, "missing fault injection target");
		return -EINVAL;
	}
	return smm_nl_set_all(info, SHADOWMM_A_FAULT_PROBABILITY, SHADOWMM_A_FAULT_MAX,
			      "no fault injection setting to set", smm_nl_fault_apply,
			      &smm_dev.mm.fail[nla_get_u32(t)]);
}

struct smm_nl_fault_values {
	u64 v[__SHADOWMM_FAULT_TARGET_CNT][SHADOWMM_A_FAULT_MAX + 1];
};

/* Per target: a nest, TARGET, and every attribute as a u64-sized one at most. */
static size_t smm_nl_fault_get_size(const struct genl_info *info)
{
	return __SHADOWMM_FAULT_TARGET_CNT *
	       (nla_total_size(0) + nla_total_size(sizeof(u32)) +
		(SHADOWMM_A_FAULT_MAX + 1) * nla_total_size_64bit(sizeof(u64)));
}

/* GET: every target's settings and counters, each read under its target's lock. */
static int smm_nl_fault_get_prepare(struct sk_buff *skb, struct genl_info *info, void *data)
{
	struct smm_nl_fault_values *r = data;
	unsigned int target, attr;

	for (target = 0; target < __SHADOWMM_FAULT_TARGET_CNT; target++)
		for (attr = 0; attr <= SHADOWMM_A_FAULT_MAX; attr++)
			if (smm_fail_has(target, attr))
				r->v[target][attr] = smm_fail_get(&smm_dev.mm.fail[target], attr);
	return 0;
}

/* One attribute in its uapi width. */
static int smm_nl_fault_put(struct sk_buff *skb, unsigned int attr, u64 v)
{
	switch (attr) {
	case SHADOWMM_A_FAULT_TIMES:
	case SHADOWMM_A_FAULT_SPACE:
	case SHADOWMM_A_FAULT_ZONE:
		return nla_put_s32(skb, attr, (s32)v);
	case SHADOWMM_A_FAULT_SEED:
	case SHADOWMM_A_FAULT_CALLS:
	case SHADOWMM_A_FAULT_FAILURES:
		return nla_put_u64_64bit(skb, attr, v, SHADOWMM_A_FAULT_PAD);
	case SHADOWMM_A_FAULT_IGNORE_GFP_WAIT:
	case SHADOWMM_A_FAULT_IGNORE_GFP_ATOMIC:
	case SHADOWMM_A_FAULT_CACHE_FILTER:
		return nla_put_u8(skb, attr, v);
	default:
		return nla_put_u32(skb, attr, v);
	}
}

/* One ENTRY nest per target: TARGET, then what the target has. */
static int smm_nl_fault_get_fill(struct sk_buff *skb, const void *data)
{
	const struct smm_nl_fault_values *r = data;
	unsigned int target, attr;
	struct nlattr *nest;

	for (target = 0; target < __SHADOWMM_FAULT_TARGET_CNT; target++) {
		nest = nla_nest_start(skb, SHADOWMM_A_FAULT_ENTRY);
		if (!nest || nla_put_u32(skb, SHADOWMM_A_FAULT_TARGET, target))
			return -EMSGSIZE;
		for (attr = 0; attr <= SHADOWMM_A_FAULT_MAX; attr++)
			if (smm_fail_has(target, attr) &&
			    smm_nl_fault_put(skb, attr, r->v[target][attr]))
				return -EMSGSIZE;
		nla_nest_end(skb, nest);
	}
	return 0;
}

const struct smm_nl_ops smm_nl_fault_ops[] = {
	/* anyone, as /proc/sys/vm */
	SMM_NL_OP(FAULT_GET, .data_size = sizeof(struct smm_nl_fault_values),
		  .reply_size = smm_nl_fault_get_size, .prepare = smm_nl_fault_get_prepare,
		  .fill = smm_nl_fault_get_fill),
	SMM_NL_ADMIN_OP(FAULT_SET, SMM_NL_POLICY(smm_nl_fault_policy),
			.prepare = smm_nl_fault_set_prepare),
	{ }
};

/* The failures of both targets (netlink.h says what for). */
u64 smm_nl_fault_failures(void)
{
	unsigned int target;
	u64 n = 0;

	for (target = 0; target < __SHADOWMM_FAULT_TARGET_CNT; target++)
		n += smm_fail_get(&smm_dev.mm.fail[target], SHADOWMM_A_FAULT_FAILURES);
	return n;
}

/* A batch's failure reason: fault injection's when it failed something meanwhile. */
const char *smm_nl_alloc_failed(u64 before, const char *otherwise)
{
	return smm_nl_fault_failures() != before ?
	       "fault injection failed an allocation (debugfs fail_page_alloc/, failslab/); nothing was allocated" :
	       otherwise;
}

/* debugfs: a file names its target and setting. */
struct smm_fail_file {
	u8 target, attr;
};

static struct smm_fail_file smm_fail_files[__SHADOWMM_FAULT_TARGET_CNT][SHADOWMM_A_FAULT_MAX + 1];

static bool smm_fail_is_bool(unsigned int attr)
{
	return attr == SHADOWMM_A_FAULT_IGNORE_GFP_WAIT ||
	       attr == SHADOWMM_A_FAULT_IGNORE_GFP_ATOMIC || attr == SHADOWMM_A_FAULT_CACHE_FILTER;
}

/* The value and a newline; bools as Y or N, as debugfs_create_bool() prints them. */
static int smm_fail_show(struct seq_file *m, void *v)
{
	const struct smm_fail_file *f = m->private;
	u64 val = smm_fail_get(&smm_dev.mm.fail[f->target], f->attr);

	if (smm_fail_is_bool(f->attr))
		seq_puts(m, val ? "Y\n" : "N\n");
	else if (f->attr == SHADOWMM_A_FAULT_TIMES || f->attr == SHADOWMM_A_FAULT_ZONE)
		seq_printf(m, "%lld\n", (s64)val);
	else
		seq_printf(m, "%llu\n", val);
	return 0;
}

/* The text written: a bool as kstrtobool() reads it, the seed unsigned, the rest signed. */
static int smm_fail_parse(const struct smm_fail_file *f, const char __user *ubuf, size_t len,
			   s64 *v)
{
	bool b;
	u64 u;
	int ret;

	if (smm_fail_is_bool(f->attr)) {
		ret = kstrtobool_from_user(ubuf, len, &b);
		*v = b;
	} else if (f->attr == SHADOWMM_A_FAULT_SEED) {
		ret = kstrtoull_from_user(ubuf, len, 0, &u);
		*v = (s64)u;
	} else {
		ret = kstrtoll_from_user(ubuf, len, 10, v);
	}
	return ret;
}

/*
 * A write is one value (a trailing newline allowed); bad text or a
 * value out of range is -EINVAL with nothing changed, the reason in the
 * kernel log at debug level.
 */
static ssize_t smm_fail_write(struct file *file, const char __user *ubuf, size_t len,
			       loff_t *ppos)
{
	const struct smm_fail_file *f = file_inode(file)->i_private;
	const char *why = NULL;
	s64 v;
	int ret;

	if (smm_fail_parse(f, ubuf, len, &v))
		return -EINVAL;
	ret = smm_fail_set(&smm_dev.mm.fail[f->target], f->target, f->attr, v, &why);
	if (ret) {
		pr_debug("fault injection %s: %lld refused: %s\n", smm_fail_name(f->attr), v,
			 why ? : "");
		return ret;
	}
	return len;
}

DEFINE_SHOW_STORE_ATTRIBUTE(smm_fail);

/* fail_page_alloc/ and failslab/, each with its target's settings and counters. */
void smm_fail_debugfs_init(struct dentry *dir)
{
	static const char *const dirs[__SHADOWMM_FAULT_TARGET_CNT] = {
		[SHADOWMM_FAULT_PAGE_ALLOC] = "fail_page_alloc",
		[SHADOWMM_FAULT_SLAB] = "failslab",
	};
	unsigned int target, attr;

	for (target = 0; target < __SHADOWMM_FAULT_TARGET_CNT; target++) {
		struct dentry *d = debugfs_create_dir(dirs[target], dir);

		for (attr = 0; attr <= SHADOWMM_A_FAULT_MAX; attr++) {
			struct smm_fail_file *f = &smm_fail_files[target][attr];

			if (!smm_fail_has(target, attr))
				continue;
			f->target = target;
			f->attr = attr;
			debugfs_create_file(smm_fail_name(attr),
					    smm_fail_is_counter(attr) ? 0400 : 0600, d, f,
					    &smm_fail_fops);
		}
	}
}
