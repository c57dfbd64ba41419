// SPDX-License-Identifier: GPL-2.0
/*
 * The reclaim and compaction tunables at run time, as /proc/sys/vm has
 * them: min_free_kbytes, watermark_scale_factor, swappiness,
 * extfrag_threshold, compaction_proactiveness and
 * percpu_pagelist_high_fraction, through
 * SYSCTL_GET / SYSCTL_SET and through debugfs vm/<name>. One table says,
 * per tunable, its attribute, how to read it and the core's check and
 * set (core/zone.c, core/vmscan.c, core/compaction.c, core/pcp.c), so both doors
 * validate alike.
 *
 * Locking: none here. The core's setters take mm->sysctl_lock; readers
 * read each value once (READ_ONCE()). A SET of several values checks
 * all of them first, then sets them one by one: a reader in between may
 * see some new and some old, never a value that was refused.
 *
 * SYSCTL_GET has no GENL_ADMIN_PERM, as /proc/sys/vm is world-readable;
 * SYSCTL_SET has.
 */
#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/seq_file.h>

#include "compat.h"
#include "smm.h"
#include "netlink.h"
#include "core/vmscan.h"
#include "core/compaction.h"

struct smm_sysctl {
	const char *name;		/* /proc/sys/vm's */
	u16 attr;			/* SHADOWMM_A_SYSCTL_* */
	u64 (*get)(const struct smm_mm *mm);
	int (*check)(const struct smm_mm *mm, u64 v, const char **why);
	int (*set)(struct smm_mm *mm, u64 v, const char **why);
};

/* smm_sysctl_NAME_get(): the value of mm->FIELD, read once without a lock. */
#define SMM_SYSCTL_GET(name, field)					\
static u64 smm_sysctl_ ## name ## _get(const struct smm_mm *mm)		\
{									\
	return READ_ONCE(mm->field);					\
}

SMM_SYSCTL_GET(mfk, min_free_kbytes)
SMM_SYSCTL_GET(wsf, watermark_scale_factor)
SMM_SYSCTL_GET(swappiness, swappiness)
SMM_SYSCTL_GET(extfrag, extfrag_threshold)
SMM_SYSCTL_GET(proactive, compaction_proactiveness)
SMM_SYSCTL_GET(hfrac, percpu_pagelist_high_fraction)

static int smm_sysctl_mfk_check(const struct smm_mm *mm, u64 v, const char **why)
{
	return smm_check_min_free_kbytes(mm, v, why);
}

static int smm_sysctl_mfk_set(struct smm_mm *mm, u64 v, const char **why)
{
	return smm_set_min_free_kbytes(mm, v, why);
}

static int smm_sysctl_wsf_check(const struct smm_mm *mm, u64 v, const char **why)
{
	return smm_check_watermark_scale_factor(min_t(u64, v, U32_MAX), why);
}

static int smm_sysctl_wsf_set(struct smm_mm *mm, u64 v, const char **why)
{
	return smm_set_watermark_scale_factor(mm, min_t(u64, v, U32_MAX), why);
}

static int smm_sysctl_swappiness_check(const struct smm_mm *mm, u64 v, const char **why)
{
	return smm_check_swappiness(min_t(u64, v, U32_MAX), why);
}

static int smm_sysctl_swappiness_set(struct smm_mm *mm, u64 v, const char **why)
{
	return smm_set_swappiness(mm, min_t(u64, v, U32_MAX), why);
}

static int smm_sysctl_extfrag_check(const struct smm_mm *mm, u64 v, const char **why)
{
	return smm_check_extfrag_threshold(min_t(u64, v, U32_MAX), why);
}

static int smm_sysctl_extfrag_set(struct smm_mm *mm, u64 v, const char **why)
{
	int ret = smm_sysctl_extfrag_check(mm, v, why);

	return ret ? : smm_set_extfrag_threshold(mm, v);
}

static int smm_sysctl_proactive_check(const struct smm_mm *mm, u64 v, const char **why)
{
	return smm_check_compaction_proactiveness(min_t(u64, v, U32_MAX), why);
}

static int smm_sysctl_proactive_set(struct smm_mm *mm, u64 v, const char **why)
{
	int ret = smm_sysctl_proactive_check(mm, v, why);

	return ret ? : smm_set_compaction_proactiveness(mm, v, why);
}

static int smm_sysctl_hfrac_check(const struct smm_mm *mm, u64 v, const char **why)
{
	return smm_check_percpu_pagelist_high_fraction(v, why);
}

static int smm_sysctl_hfrac_set(struct smm_mm *mm, u64 v, const char **why)
{
	return smm_set_percpu_pagelist_high_fraction(mm, v, why);
}

static const struct smm_sysctl smm_sysctls[] = {
	{ "min_free_kbytes", SHADOWMM_A_SYSCTL_MIN_FREE_KBYTES,
	  smm_sysctl_mfk_get, smm_sysctl_mfk_check, smm_sysctl_mfk_set },
	{ "watermark_scale_factor", SHADOWMM_A_SYSCTL_WATERMARK_SCALE_FACTOR,
	  smm_sysctl_wsf_get, smm_sysctl_wsf_check, smm_sysctl_wsf_set },
	{ "swappiness", SHADOWMM_A_SYSCTL_SWAPPINESS,
	  smm_sysctl_swappiness_get, smm_sysctl_swappiness_check, smm_sysctl_swappiness_set },
	{ "extfrag_threshold", SHADOWMM_A_SYSCTL_EXTFRAG_THRESHOLD,
	  smm_sysctl_extfrag_get, smm_sysctl_extfrag_check, smm_sysctl_extfrag_set },
	{ "compaction_proactiveness", SHADOWMM_A_SYSCTL_COMPACTION_PROACTIVENESS,
	  smm_sysctl_proactive_get, smm_sysctl_proactive_check, smm_sysctl_proactive_set },
	{ "percpu_pagelist_high_fraction", SHADOWMM_A_SYSCTL_PERCPU_PAGELIST_HIGH_FRACTION,
	  smm_sysctl_hfrac_get, smm_sysctl_hfrac_check, smm_sysctl_hfrac_set },
};

static_assert(ARRAY_SIZE(smm_sysctls) ==
	      SHADOWMM_A_SYSCTL_MAX - SHADOWMM_A_SYSCTL_MIN_FREE_KBYTES + 1);

/* The sysctl's own ceiling (an int); the quarter of the range is the core's. */
static struct netlink_range_validation smm_nl_mfk_range = {
	.min = 0,
	.max = INT_MAX,
};

/* The int's range; 1 to 7 are the core's to refuse, with the handler's reason. */
static struct netlink_range_validation smm_nl_hfrac_range = {
	.min = 0,
	.max = INT_MAX,
};

static const struct nla_policy smm_nl_sysctl_policy[SHADOWMM_A_SYSCTL_MAX + 1] = {
	[SHADOWMM_A_SYSCTL_MIN_FREE_KBYTES] = NLA_POLICY_FULL_RANGE(NLA_U64, &smm_nl_mfk_range),
	[SHADOWMM_A_SYSCTL_WATERMARK_SCALE_FACTOR] =
		NLA_POLICY_RANGE(NLA_U32, 1, SHADOWMM_WATERMARK_SCALE_FACTOR_MAX),
	[SHADOWMM_A_SYSCTL_SWAPPINESS] = NLA_POLICY_MAX(NLA_U32, SHADOWMM_SWAPPINESS_MAX),
	[SHADOWMM_A_SYSCTL_EXTFRAG_THRESHOLD] =
		NLA_POLICY_MAX(NLA_U32, SHADOWMM_EXTFRAG_THRESHOLD_MAX),
	[SHADOWMM_A_SYSCTL_COMPACTION_PROACTIVENESS] =
		NLA_POLICY_MAX(NLA_U32, SHADOWMM_COMPACTION_PROACTIVENESS_MAX),
	[SHADOWMM_A_SYSCTL_PERCPU_PAGELIST_HIGH_FRACTION] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &smm_nl_hfrac_range),
};

static u64 smm_nl_sysctl_val(const struct nlattr *a)
{
	return nla_type(a) == SHADOWMM_A_SYSCTL_MIN_FREE_KBYTES ? nla_get_u64(a) : nla_get_u32(a);
}

/* smm_nl_set_all()'s apply: check or set the tunable @a names (smm_sysctls[] is in its order). */
static int smm_nl_sysctl_apply(void *mm, const struct nlattr *a, bool set, const char **why)
{
	const struct smm_sysctl *s = &smm_sysctls[nla_type(a) - SHADOWMM_A_SYSCTL_MIN_FREE_KBYTES];
	u64 v = smm_nl_sysctl_val(a);

	return set ? s->set(mm, v, why) : s->check(mm, v, why);
}

/*
 * SET: every given value checked before any is set (all or nothing);
 * the first refusal names its attribute. At least one value.
 */
static int smm_nl_sysctl_set_prepare(struct sk_buff *skb, struct genl_info *info, void *data)
{
	return smm_nl_set_all(info, SHADOWMM_A_SYSCTL_MIN_FREE_KBYTES,
			      SHADOWMM_A_SYSCTL_MAX, "no tunable to set",
			      smm_nl_sysctl_apply, &smm_dev.mm);
}

struct smm_nl_sysctl_values {
	u64 v[ARRAY_SIZE(smm_sysctls)];
};

static size_t smm_nl_sysctl_get_size(const struct genl_info *info)
{
	return nla_total_size_64bit(sizeof(u64)) +
	       (ARRAY_SIZE(smm_sysctls) - 1) * nla_total_size(sizeof(u32));
}

static int smm_nl_sysctl_get_prepare(struct sk_buff *skb, struct genl_info *info, void *data)
{
	struct smm_nl_sysctl_values *r = data;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(smm_sysctls); i++)
		r->v[i] = smm_sysctls[i].get(&smm_dev.mm);
	return 0;
}

static int smm_nl_sysctl_get_fill(struct sk_buff *skb, const void *data)
{
	const struct smm_nl_sysctl_values *r = data;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(smm_sysctls); i++) {
		u16 attr = smm_sysctls[i].attr;
		int ret = attr == SHADOWMM_A_SYSCTL_MIN_FREE_KBYTES ?
			nla_put_u64_64bit(skb, attr, r->v[i], SHADOWMM_A_SYSCTL_PAD) :
			nla_put_u32(skb, attr, r->v[i]);

		if (ret)
			return -EMSGSIZE;
	}
	return 0;
}

const struct smm_nl_ops smm_nl_sysctl_ops[] = {
	/* anyone, as /proc/sys/vm */
	SMM_NL_OP(SYSCTL_GET, .data_size = sizeof(struct smm_nl_sysctl_values),
		  .reply_size = smm_nl_sysctl_get_size, .prepare = smm_nl_sysctl_get_prepare,
		  .fill = smm_nl_sysctl_get_fill),
	SMM_NL_ADMIN_OP(SYSCTL_SET, SMM_NL_POLICY(smm_nl_sysctl_policy),
			.prepare = smm_nl_sysctl_set_prepare),
	{ }
};

/* debugfs vm/<name>: the value and a newline, as /proc/sys/vm prints it. */
static int smm_sysctl_show(struct seq_file *m, void *v)
{
	const struct smm_sysctl *s = m->private;

	seq_printf(m, "%llu\n", s->get(&smm_dev.mm));
	return 0;
}

/*
 * A write is one decimal (a trailing newline allowed); bad text or a
 * value out of range is -EINVAL with nothing changed, the reason in the
 * kernel log at debug level.
 */
static ssize_t smm_sysctl_write(struct file *file, const char __user *ubuf, size_t len,
				loff_t *ppos)
{
	const struct smm_sysctl *s = file_inode(file)->i_private;
	const char *why = NULL;
	u64 v;
	int ret;

	ret = kstrtoull_from_user(ubuf, len, 10, &v);
	if (ret)
		return -EINVAL;
	ret = s->set(&smm_dev.mm, v, &why);
	if (ret) {
		pr_debug("vm/%s: %llu refused: %s\n", s->name, v, why ? : "");
		return ret;
	}
	return len;
}

DEFINE_SHOW_STORE_ATTRIBUTE(smm_sysctl);

void smm_sysctl_debugfs_init(struct dentry *dir)
{
	struct dentry *vm = debugfs_create_dir("vm", dir);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(smm_sysctls); i++)
		debugfs_create_file(smm_sysctls[i].name, 0644, vm, (void *)&smm_sysctls[i],
				    &smm_sysctl_fops);
}
