// SPDX-License-Identifier: GPL-2.0
/*
 * SPACE_MMAP, _MUNMAP, _ACCESS and the SPACE_VMA_GET dump: the shadow
 * processes of core/vma.h over netlink. Each request takes the registry's
 * one lock (space_registry.c) around the core call, which checks the
 * request whole and returns its reason for the extack. A fault that
 * stops an access is a reply (SIGNAL, FAULT_ADDR, REASON), not an error.
 */
#include "smm.h"
#include "netlink.h"
#include "compat.h"
#include "core/space.h"
#include "core/oom.h"
#include "core/filemap.h"

static struct netlink_range_validation smm_nl_vma_addr_range = {
	.min = 0,
	.max = (1ULL << 56) - 1,	/* the lower half of 5-level paging */
};

static struct netlink_range_validation smm_nl_vma_len_range = {
	.min = 1,
	.max = 1ULL << 56,
};

static struct netlink_range_validation smm_nl_vma_offset_range = {
	.min = 0,
	.max = 16 * SMM_FILE_MAX_BYTES,	/* the core's largest file offset mapped */
};

static const struct nla_policy smm_nl_vma_policy[SHADOWMM_A_SPACE_SHARED + 1] = {
	[SHADOWMM_A_SPACE_ID]		= NLA_POLICY_RANGE(NLA_U32, 1, SHADOWMM_SPACE_MAX),
	[SHADOWMM_A_SPACE_ADDR]		= NLA_POLICY_FULL_RANGE(NLA_U64, &smm_nl_vma_addr_range),
	[SHADOWMM_A_SPACE_LEN]		= NLA_POLICY_FULL_RANGE(NLA_U64, &smm_nl_vma_len_range),
	[SHADOWMM_A_SPACE_PROT]		= NLA_POLICY_MASK(NLA_U32, SMM_VMA_PROT_ALL),
	[SHADOWMM_A_SPACE_WRITE]	= { .type = NLA_FLAG },
	[SHADOWMM_A_SPACE_VALUE]	= { .type = NLA_U64 },
	[SHADOWMM_A_SPACE_FILE]		= NLA_POLICY_RANGE(NLA_U32, 1, SHADOWMM_FILE_MAX),
	[SHADOWMM_A_SPACE_OFFSET]	= NLA_POLICY_FULL_RANGE(NLA_U64, &smm_nl_vma_offset_range),
	[SHADOWMM_A_SPACE_SHARED]	= { .type = NLA_FLAG },
};

/* ADDR and LEN, both required. */
static int smm_nl_vma_range(struct genl_info *info, u64 *addr, u64 *len)
{
	struct nlattr **tb = info->attrs;

	if (!tb[SHADOWMM_A_SPACE_ADDR] || !tb[SHADOWMM_A_SPACE_LEN]) {
		NL_SET_ERR_MSG(info->extack, "missing address or length");
		return -EINVAL;
	}
	*addr = nla_get_u64(tb[SHADOWMM_A_SPACE_ADDR]);
	*len = nla_get_u64(tb[SHADOWMM_A_SPACE_LEN]);
	return 0;
}

/*
 * The file attributes of a request: FILE for a file mapping, OFFSET and
 * SHARED only with it, none of them for munmap. 0 or -EINVAL with the
 * extack.
 */
static int smm_nl_vma_file_attrs(struct genl_info *info, bool map)
{
	struct nlattr **tb = info->attrs;
	struct nlattr *extra = tb[SHADOWMM_A_SPACE_OFFSET] ? : tb[SHADOWMM_A_SPACE_SHARED];

	if (!map && (tb[SHADOWMM_A_SPACE_FILE] || extra)) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[SHADOWMM_A_SPACE_FILE] ? : extra,
				    "munmap takes no file, offset or sharing");
		return -EINVAL;
	}
	if (!tb[SHADOWMM_A_SPACE_FILE] && extra) {
		NL_SET_ERR_MSG_ATTR(info->extack, extra, "offset and shared are for file mappings");
		return -EINVAL;
	}
	return 0;
}

/*
 * A file MMAP: the inode FILE names (FILE_OPEN's id), under the lock,
 * mapped from OFFSET (default 0), MAP_SHARED with SHARED. -ENOENT for
 * an unknown file.
 */
static int smm_nl_vma_mmap_file(struct genl_info *info, struct smm_space *s, u64 addr, u64 len,
				unsigned int prot, const char **why)
{
	struct nlattr **tb = info->attrs;
	struct smm_inode *ino = smm_inode_find(s->mm, nla_get_u32(tb[SHADOWMM_A_SPACE_FILE]));

	if (!ino) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[SHADOWMM_A_SPACE_FILE], "no such file");
		*why = NULL;
		return -ENOENT;
	}
	return smm_vma_mmap_file(s, addr, len, prot, ino,
				 tb[SHADOWMM_A_SPACE_OFFSET] ?
				 nla_get_u64(tb[SHADOWMM_A_SPACE_OFFSET]) : 0,
				 nla_get_flag(tb[SHADOWMM_A_SPACE_SHARED]), why);
}

/* MMAP and MUNMAP: the core refuses with its reason, or changes the space. */
static int smm_nl_vma_change(struct genl_info *info, bool map)
{
	struct nlattr *prot = info->attrs[SHADOWMM_A_SPACE_PROT];
	unsigned int p = prot ? nla_get_u32(prot) : 0;
	struct smm_space *s;
	const char *why = NULL;
	u64 addr, len;
	int ret;

	ret = smm_nl_vma_range(info, &addr, &len);
	if (ret)
		return ret;
	if (!map && prot) {
		NL_SET_ERR_MSG_ATTR(info->extack, prot, "munmap takes no protection");
		return -EINVAL;
	}
	ret = smm_nl_vma_file_attrs(info, map);
	if (ret)
		return ret;
	smm_space_lock_all();
	s = smm_nl_space_of(info->attrs, info->extack);
	ret = -ENOENT;
	if (!s)
		goto out_unlock;
	if (map && info->attrs[SHADOWMM_A_SPACE_FILE])
		ret = smm_nl_vma_mmap_file(info, s, addr, len, p, &why);
	else
		ret = map ? smm_vma_mmap(s, addr, len, p, &why) :
			    smm_vma_munmap(s, addr, len, &why);
	if (ret && why)
		smm_nl_set_err(info->extack, info->attrs[SHADOWMM_A_SPACE_ADDR], why);
	else
		smm_space_changed();
out_unlock:
	smm_space_unlock_all();
	return ret;
}

static int smm_nl_vma_mmap_prepare(struct sk_buff *skb, struct genl_info *info, void *data)
{
	return smm_nl_vma_change(info, true);
}

static int smm_nl_vma_munmap_prepare(struct sk_buff *skb, struct genl_info *info, void *data)
{
	return smm_nl_vma_change(info, false);
}

/* What ACCESS did, and why it stopped if it did. */
struct smm_nl_access {
	struct smm_access res;
	int signal;			/* 0, or the core's -errno of a fault */
	const char *why;
};

static size_t smm_nl_vma_access_size(const struct genl_info *info)
{
	return 4 * nla_total_size_64bit(sizeof(u64)) + nla_total_size(sizeof(u32)) +
	       nla_total_size(128);	/* the core's reasons are shorter */
}

/*
 * ACCESS: the core's MMU on [addr, addr + len). A bad request is an
 * error with the core's reason; a fault that stopped the access (SIGSEGV
 * out of memory, or the OOM killer killing this very space) is part of
 * the reply. A space killed before is refused (-ESRCH).
 */
static int smm_nl_vma_access_prepare(struct sk_buff *skb, struct genl_info *info, void *data)
{
	struct nlattr *value = info->attrs[SHADOWMM_A_SPACE_VALUE];
	bool write = nla_get_flag(info->attrs[SHADOWMM_A_SPACE_WRITE]);
	struct smm_nl_access *r = data;
	unsigned int flags = 0;
	struct smm_space *s;
	u64 addr, len;
	int ret;

	ret = smm_nl_vma_range(info, &addr, &len);
	if (ret)
		return ret;
	if (value && !write) {
		NL_SET_ERR_MSG_ATTR(info->extack, value, "a value is for writes only");
		return -EINVAL;
	}
	if (info->attrs[SHADOWMM_A_SPACE_FILE] || info->attrs[SHADOWMM_A_SPACE_OFFSET] ||
	    info->attrs[SHADOWMM_A_SPACE_SHARED]) {
		NL_SET_ERR_MSG(info->extack, "access takes no file, offset or sharing");
		return -EINVAL;
	}
	if (write)
		flags = SMM_ACCESS_WRITE | (value ? 0 : SMM_ACCESS_PATTERN);
	smm_space_lock_all();
	s = smm_nl_space_of(info->attrs, info->extack);
	ret = -ENOENT;
	if (!s)
		goto out_unlock;
	ret = -ESRCH;
	if (s->vm.oom_killed) {
		/* killed before: a refusal; killed by this access: a signal */
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[SHADOWMM_A_SPACE_ID],
				    SMM_OOM_KILLED_WHY);
		goto out_unlock;
	}
	ret = smm_space_access(s, addr, len, flags, value ? nla_get_u64(value) : 0, &r->res,
			       &r->why);
	if (ret == -EINVAL) {
		smm_nl_set_err(info->extack, info->attrs[SHADOWMM_A_SPACE_ADDR], r->why);
		goto out_unlock;
	}
	r->signal = ret;
	ret = 0;
	smm_space_changed();
out_unlock:
	smm_space_unlock_all();
	return ret;
}

static int smm_nl_vma_access_fill(struct sk_buff *skb, const void *data)
{
	const struct smm_nl_access *r = data;

	if (nla_put_u64_64bit(skb, SHADOWMM_A_SPACE_TOUCHED, r->res.pages, SHADOWMM_A_SPACE_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_SPACE_FAULTS, r->res.faults, SHADOWMM_A_SPACE_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_SPACE_CSUM, r->res.csum, SHADOWMM_A_SPACE_PAD))
		return -EMSGSIZE;
	if (r->signal &&
	    (nla_put_u32(skb, SHADOWMM_A_SPACE_SIGNAL, -r->signal) ||
	     nla_put_u64_64bit(skb, SHADOWMM_A_SPACE_FAULT_ADDR, r->res.fault_addr,
			       SHADOWMM_A_SPACE_PAD) ||
	     nla_put_string(skb, SHADOWMM_A_SPACE_REASON, r->why ? r->why : "")))
		return -EMSGSIZE;
	return 0;
}

/* SPACE_GET's process part of one space (nl_space.c calls it). */
int smm_nl_space_put_vm(struct sk_buff *skb, const struct smm_space *s)
{
	if (nla_put_u64_64bit(skb, SHADOWMM_A_SPACE_RSS_ANON, s->vm.rss_anon,
			      SHADOWMM_A_SPACE_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_SPACE_RSS_FILE, s->vm.rss_file,
			      SHADOWMM_A_SPACE_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_SPACE_MIN_FLT, s->vm.min_flt, SHADOWMM_A_SPACE_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_SPACE_MAJ_FLT, s->vm.maj_flt, SHADOWMM_A_SPACE_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_SPACE_COW_FAULTS, s->vm.cow_faults,
			      SHADOWMM_A_SPACE_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_SPACE_COW_REUSE, s->vm.cow_reuse,
			      SHADOWMM_A_SPACE_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_SPACE_PINNED, smm_space_pinned_pages(s),
			      SHADOWMM_A_SPACE_PAD) ||
	    nla_put_u32(skb, SHADOWMM_A_SPACE_NR_VMAS, s->vm.nr) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_SPACE_SWAP, s->vm.swap_ents, SHADOWMM_A_SPACE_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_SPACE_PGFAULT, READ_ONCE(s->mm->events.pgfault),
			      SHADOWMM_A_SPACE_PAD) ||
	    nla_put_s32(skb, SHADOWMM_A_SPACE_OOM_SCORE_ADJ, s->vm.oom_score_adj) ||
	    (s->vm.oom_killed && nla_put_flag(skb, SHADOWMM_A_SPACE_OOM_KILLED)))
		return -EMSGSIZE;
	return 0;
}

/* One VMA of @s as /proc/PID/maps shows it: range, protection, kind, file. */
static int smm_nl_vma_put(struct sk_buff *skb, const struct smm_space *s, const struct smm_vma *v)
{
	if (nla_put_u32(skb, SHADOWMM_A_SPACE_ID, s->id) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_SPACE_ADDR, v->start, SHADOWMM_A_SPACE_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_SPACE_LEN, v->end - v->start, SHADOWMM_A_SPACE_PAD) ||
	    nla_put_u32(skb, SHADOWMM_A_SPACE_PROT, v->prot) ||
	    nla_put_u32(skb, SHADOWMM_A_SPACE_VMA_KIND, v->kind))
		return -EMSGSIZE;
	if (v->inode &&
	    (nla_put_u32(skb, SHADOWMM_A_SPACE_FILE, v->inode->id) ||
	     nla_put_u64_64bit(skb, SHADOWMM_A_SPACE_OFFSET, v->pgoff << PAGE_SHIFT,
			       SHADOWMM_A_SPACE_PAD) ||
	     (v->shared && nla_put_flag(skb, SHADOWMM_A_SPACE_SHARED))))
		return -EMSGSIZE;
	return 0;
}

/*
 * One message per VMA of the space ID names, resumed at the VMA index
 * in cb->args[0]; cb->seq is the registry's generation, so a dump that
 * a change interrupted is flagged NLM_F_DUMP_INTR.
 */
static int smm_nl_vma_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nlattr **tb = smm_genl_dump_attrs(cb);
	struct smm_space *s;
	unsigned long i;
	void *hdr;

	if (!tb[SHADOWMM_A_SPACE_ID]) {
		NL_SET_ERR_MSG(cb->extack, "missing space id");
		return -EINVAL;
	}
	smm_space_lock_all();
	cb->seq = smm_space_generation() ? : 1;
	s = smm_nl_space_of(tb, cb->extack);
	if (!s) {
		smm_space_unlock_all();
		return -ENOENT;
	}
	for (i = cb->args[0]; i < s->vm.nr; i++) {
		hdr = smm_nl_dump_put(skb, cb, SHADOWMM_CMD_SPACE_VMA_GET);
		if (!hdr)
			break;
		if (smm_nl_vma_put(skb, s, &s->vm.vma[i])) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
	}
	cb->args[0] = i;
	smm_space_unlock_all();
	return skb->len;
}

const struct smm_nl_ops smm_nl_vma_ops[] = {
	SMM_NL_ADMIN_OP(SPACE_MMAP, SMM_NL_POLICY(smm_nl_vma_policy),
			.prepare = smm_nl_vma_mmap_prepare),
	SMM_NL_ADMIN_OP(SPACE_MUNMAP, SMM_NL_POLICY(smm_nl_vma_policy),
			.prepare = smm_nl_vma_munmap_prepare),
	SMM_NL_ADMIN_OP(SPACE_ACCESS, SMM_NL_POLICY(smm_nl_vma_policy),
			.data_size = sizeof(struct smm_nl_access),
			.reply_size = smm_nl_vma_access_size, .prepare = smm_nl_vma_access_prepare,
			.fill = smm_nl_vma_access_fill),
	/* anyone, as /proc/PID/maps */
	SMM_NL_OP(SPACE_VMA_GET, SMM_NL_POLICY(smm_nl_vma_policy), .dumpit = smm_nl_vma_get_dumpit),
	{ }
};
