// SPDX-License-Identifier: GPL-2.0
/*
 * PT_WALK: every level of the translation of a virtual range, in a
 * process's tables (PID), the kernel's (KERNEL) or a shadow space's
 * (SPACE), one message per step: a page, or a run of empty entries (a
 * hole), so a sparse range costs what is mapped, not its length. The dump resumes across batches at the next step; each batch
 * walks at most SMM_PT_BATCH_STEPS steps. With LEAVES, only the leaves,
 * as runs packed in one attribute per message (core/walk_runs.c; the
 * uapi header says what joins a run), one message per batch.
 *
 * Locks: a process's mm is looked up again and its mmap lock taken
 * (killable) for each batch, so a batch is one consistent picture and no
 * lock is held while user space reads; a space's batch holds
 * smm_space_lock (space_registry.c), which also moves the dump's generation.
 *
 * Who sees what: as /proc/PID/pagemap, frame numbers and raw entries
 * only go to CAP_SYS_ADMIN; others get indices, flags and sizes, and may
 * only walk processes of their own uid and gid that are dumpable. The
 * kernel's tables are CAP_SYS_ADMIN's alone, as the kernel's own ptdump
 * is: even without frames, which parts of the kernel half are mapped and
 * with what page sizes and NX would locate the kernel under KASLR.
 * Capabilities count in the initial user namespace (netlink_capable()).
 */
#include <linux/cred.h>
#include <linux/pid.h>
#include <linux/sched/coredump.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>

#include "arch.h"
#include "smm.h"
#include "compat.h"
#include "netlink.h"
#include "core/space.h"

#define SMM_PT_BATCH_STEPS	256
/* Leaves mode: entries read per message, which bounds a lock's hold (~ms under TCG). */
#define SMM_PT_LEAVES_STEPS	16384
#define SMM_PT_LEAVES_RUNS	2048	/* runs per message at most, room permitting */

/* Reply-only attributes stay NLA_UNSPEC: strict validation refuses them. */
static const struct nla_policy smm_nl_pt_walk_policy[SHADOWMM_A_PT_LEAVES + 1] = {
	[SHADOWMM_A_PT_PID]	= NLA_POLICY_MIN(NLA_U32, 1),
	[SHADOWMM_A_PT_KERNEL]	= { .type = NLA_FLAG },
	[SHADOWMM_A_PT_SPACE]	= NLA_POLICY_RANGE(NLA_U32, 1, SHADOWMM_SPACE_MAX),
	[SHADOWMM_A_PT_ADDR]	= { .type = NLA_U64 },
	[SHADOWMM_A_PT_LEN]	= NLA_POLICY_MIN(NLA_U64, 1),
	[SHADOWMM_A_PT_LEAVES]	= { .type = NLA_FLAG },
};

enum smm_pt_target { SMM_PT_PID = 1, SMM_PT_KERNEL, SMM_PT_SPACE };

struct smm_nl_pt_ctx {
	u64 pos, last;			/* next address, last address (inclusive) */
	u32 target, id;			/* enum smm_pt_target; pid or space id */
	bool started, done;
	bool leaves;			/* leaves mode: runs, not steps */
};

/* Which tables, and is [addr, addr + len) a range they can hold? */
static int smm_nl_pt_target(struct netlink_callback *cb, struct smm_nl_pt_ctx *ctx,
			    u64 *limit_lo, u64 *limit_hi)
{
	struct nlattr **tb = smm_genl_dump_attrs(cb);
	const struct smm_pt_fmt *f = smm_pt_real_fmt();
	u64 half = smm_pt_user_limit(f);
	int n = !!tb[SHADOWMM_A_PT_PID] + !!tb[SHADOWMM_A_PT_KERNEL] + !!tb[SHADOWMM_A_PT_SPACE];

	if (n != 1) {
		NL_SET_ERR_MSG(cb->extack, "give exactly one of pid, kernel or space");
		return -EINVAL;
	}
	if (tb[SHADOWMM_A_PT_PID]) {
		ctx->target = SMM_PT_PID;
		ctx->id = nla_get_u32(tb[SHADOWMM_A_PT_PID]);
		*limit_lo = 0;
		*limit_hi = half - 1;
	} else if (tb[SHADOWMM_A_PT_KERNEL]) {
		if (!smm_nl_admin(cb->skb)) {
			NL_SET_ERR_MSG_ATTR(cb->extack, tb[SHADOWMM_A_PT_KERNEL],
					    "walking the kernel's tables needs CAP_SYS_ADMIN");
			return -EPERM;
		}
		ctx->target = SMM_PT_KERNEL;
		*limit_lo = -half;
		*limit_hi = ~0ULL;
	} else {
		struct smm_space *s;

		ctx->target = SMM_PT_SPACE;
		ctx->id = nla_get_u32(tb[SHADOWMM_A_PT_SPACE]);
		smm_space_lock_all();
		s = smm_space_find(ctx->id);
		*limit_lo = 0;
		*limit_hi = s ? smm_space_limit(s) - 1 : 0;
		smm_space_unlock_all();
		if (!s) {
			NL_SET_ERR_MSG_ATTR(cb->extack, tb[SHADOWMM_A_PT_SPACE], "no such space");
			return -ENOENT;
		}
	}
	return 0;
}

/*
 * Checked in the first dumpit call: on 6.1 only the dumpit's extended
 * ack reaches user space.
 */
static int smm_nl_pt_start(struct netlink_callback *cb, struct smm_nl_pt_ctx *ctx)
{
	struct nlattr **tb = smm_genl_dump_attrs(cb);
	struct nlattr *addr_attr = tb[SHADOWMM_A_PT_ADDR];
	u64 addr, len, lo, hi;
	int ret;

	ret = smm_nl_pt_target(cb, ctx, &lo, &hi);
	if (ret)
		return ret;
	if (!addr_attr) {
		NL_SET_ERR_MSG(cb->extack, "missing address");
		return -EINVAL;
	}
	addr = nla_get_u64(addr_attr);
	len = tb[SHADOWMM_A_PT_LEN] ? nla_get_u64(tb[SHADOWMM_A_PT_LEN]) : 1;
	if (!smm_pt_canonical(smm_pt_real_fmt(), addr)) {
		NL_SET_ERR_MSG_ATTR(cb->extack, addr_attr,
				    "address is not canonical for the paging in use");
		return -ERANGE;
	}
	if (addr < lo || addr > hi) {
		if (ctx->target == SMM_PT_KERNEL)
			NL_SET_ERR_MSG_ATTR(cb->extack, addr_attr, "address is not in the kernel half");
		else
			NL_SET_ERR_MSG_ATTR(cb->extack, addr_attr,
					    "address is past the lower (user) half");
		return -ERANGE;
	}
	if (len - 1 > hi - addr) {
		NL_SET_ERR_MSG_ATTR(cb->extack, tb[SHADOWMM_A_PT_LEN],
				    "length runs past the end of the half the address is in");
		return -ERANGE;
	}
	/* after the checks of the input, which hold on every architecture (arch.h) */
	if (ctx->target == SMM_PT_KERNEL && !smm_arch_walks_kernel_tables()) {
		NL_SET_ERR_MSG_ATTR(cb->extack, tb[SHADOWMM_A_PT_KERNEL],
				    SMM_ARCH_NO_KERNEL_WALK_WHY);
		return -EOPNOTSUPP;
	}
	ctx->pos = addr;
	ctx->last = addr + (len - 1);
	ctx->leaves = !!tb[SHADOWMM_A_PT_LEAVES];
	ctx->started = true;
	return 0;
}

/* May the caller see @task's tables? Admins may; others, their own. */
static bool smm_nl_pt_may_walk(struct netlink_callback *cb, struct task_struct *task,
			       struct mm_struct *mm)
{
	const struct cred *c = current_cred(), *t;
	bool ok;

	if (smm_nl_admin(cb->skb))
		return true;
	rcu_read_lock();
	t = __task_cred(task);
	ok = uid_eq(c->uid, t->euid) && uid_eq(c->uid, t->suid) && uid_eq(c->uid, t->uid) &&
	     gid_eq(c->gid, t->egid) && gid_eq(c->gid, t->sgid) && gid_eq(c->gid, t->gid);
	rcu_read_unlock();
	return ok && get_dumpable(mm) == SUID_DUMP_USER;
}

/* The mm of the walked process, with a reference; NULL and an extack if none. */
static struct mm_struct *smm_nl_pt_mm(struct netlink_callback *cb, u32 nr, int *err)
{
	struct pid *pid = find_get_pid(nr);
	struct task_struct *task = pid ? get_pid_task(pid, PIDTYPE_PID) : NULL;
	struct mm_struct *mm = task ? get_task_mm(task) : NULL;

	put_pid(pid);
	*err = 0;
	if (!task) {
		NL_SET_ERR_MSG(cb->extack, "no such process");
		*err = -ESRCH;
	} else if (!mm) {
		NL_SET_ERR_MSG(cb->extack, "the process has no memory map (a kernel thread?)");
		*err = -EINVAL;
	} else if (!smm_nl_pt_may_walk(cb, task, mm)) {
		NL_SET_ERR_MSG(cb->extack, "not allowed to read that process's page tables");
		*err = -EPERM;
		mmput(mm);
		mm = NULL;
	}
	if (task)
		put_task_struct(task);
	return mm;
}

static int smm_nl_ptl_put(struct sk_buff *skb, const struct smm_walk_level *l, bool admin)
{
	struct nlattr *nest = nla_nest_start(skb, SHADOWMM_A_PT_LEVEL);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, SHADOWMM_A_PTL_LEVEL, l->level) ||
	    nla_put_u32(skb, SHADOWMM_A_PTL_INDEX, l->index) ||
	    nla_put_u32(skb, SHADOWMM_A_PTL_FLAGS, l->flags) ||
	    (l->folded && nla_put_flag(skb, SHADOWMM_A_PTL_FOLDED)) ||
	    (admin && !l->folded &&
	     nla_put_u64_64bit(skb, SHADOWMM_A_PTL_ENTRY, l->entry, SHADOWMM_A_PTL_PAD))) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int smm_nl_pt_fill(struct sk_buff *skb, const struct smm_walk *w, bool admin,
			  bool in_shadow)
{
	struct nlattr *levels;
	unsigned int i;

	if (nla_put_u32(skb, SHADOWMM_A_PT_PAGING_LEVELS, smm_pt_real_fmt()->levels) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_PT_ADDR, w->va, SHADOWMM_A_PT_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_PT_SIZE, w->size, SHADOWMM_A_PT_PAD) ||
	    nla_put_u32(skb, SHADOWMM_A_PT_KIND, w->kind) ||
	    (w->no_vma && nla_put_flag(skb, SHADOWMM_A_PT_NO_VMA)))
		return -EMSGSIZE;
	if (w->kind == SHADOWMM_PT_PAGE && admin &&
	    (nla_put_u64_64bit(skb, SHADOWMM_A_PT_PFN, w->pfn, SHADOWMM_A_PT_PAD) ||
	     nla_put_u8(skb, SHADOWMM_A_PT_IN_SHADOW, in_shadow)))
		return -EMSGSIZE;
	if (w->kind == SHADOWMM_PT_SWAP &&
	    (nla_put_u32(skb, SHADOWMM_A_PT_SWAP_TYPE, w->swap_type) ||
	     nla_put_u64_64bit(skb, SHADOWMM_A_PT_SWAP_OFFSET, w->swap_offset,
			       SHADOWMM_A_PT_PAD)))
		return -EMSGSIZE;
	levels = nla_nest_start(skb, SHADOWMM_A_PT_LEVELS);
	if (!levels)
		return -EMSGSIZE;
	for (i = 0; i < w->nr; i++)
		if (smm_nl_ptl_put(skb, &w->lv[i], admin))
			return -EMSGSIZE;
	nla_nest_end(skb, levels);
	return 0;
}

static int smm_nl_pt_walk_one(struct smm_nl_pt_ctx *ctx, struct mm_struct *mm, u64 va,
			      struct smm_walk *w)
{
	struct smm_space *s;

	switch (ctx->target) {
	case SMM_PT_SPACE:
		s = smm_space_find(ctx->id);
		return s ? smm_space_walk(s, va, w) : -ENOENT;
	case SMM_PT_KERNEL:
		return smm_pt_real_walk_kernel(va, w);
	default:
		return smm_pt_real_walk_user(mm, va,
					     smm_pt_user_limit(smm_pt_real_fmt()),
					     w);
	}
}

/*
 * Walk the next step from ctx->pos into @w. A hole goes on over the
 * empty entries that follow it (up to the end of the range and at most
 * SMM_PT_BATCH_STEPS walks), so a run of holes is one step whose size
 * is the run's: w->size becomes the bytes from w->va to its end. A hole
 * between VMAs and one inside a VMA stay apart: they say different things.
 */
static int smm_nl_pt_step(struct smm_nl_pt_ctx *ctx, struct mm_struct *mm, struct smm_walk *w)
{
	struct smm_walk more;
	unsigned int n;
	u64 end;
	int ret;

	ret = smm_nl_pt_walk_one(ctx, mm, ctx->pos, w);
	if (ret || w->kind != SHADOWMM_PT_HOLE)
		return ret;
	end = w->start + w->size;
	for (n = 0; n < SMM_PT_BATCH_STEPS && end && end - 1 < ctx->last; n++) {
		ret = smm_nl_pt_walk_one(ctx, mm, end, &more);
		if (ret)
			return ret;
		if (more.kind != SHADOWMM_PT_HOLE || more.no_vma != w->no_vma)
			break;
		end = more.start + more.size;
	}
	if (!end || end - 1 > ctx->last)	/* past the range, or wrapped */
		end = ctx->last + 1;
	w->size = end - w->va;			/* 2^64 - va when end wrapped to 0 */
	return 0;
}

/* Up to SMM_PT_BATCH_STEPS steps into @skb; the target's lock is held. */
static int smm_nl_pt_batch(struct sk_buff *skb, struct netlink_callback *cb,
			   struct smm_nl_pt_ctx *ctx, struct mm_struct *mm)
{
	bool admin = smm_nl_admin(cb->skb);
	unsigned int n;
	u64 idx, next;
	int ret;

	for (n = 0; n < SMM_PT_BATCH_STEPS && !ctx->done; n++) {
		struct smm_walk w;
		void *hdr;

		ret = smm_nl_pt_step(ctx, mm, &w);
		if (ret)
			return ret;
		hdr = smm_nl_dump_put(skb, cb, SHADOWMM_CMD_PT_WALK);
		if (!hdr)
			break;
		if (smm_nl_pt_fill(skb, &w, admin, ctx->target == SMM_PT_SPACE ||
				   smm_range_pfn_to_idx(&smm_dev.range, w.pfn, &idx))) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		next = w.kind == SHADOWMM_PT_HOLE ? w.va + w.size : w.start + w.size;
		if (!next || next - 1 >= ctx->last)	/* wrapped, or past the end */
			ctx->done = true;
		else
			ctx->pos = next;
	}
	return 0;
}

/* A space's walk of one address, for smm_walk_leaves_by(). */
static int smm_nl_pt_space_walk(void *priv, u64 va, struct smm_walk *w)
{
	return smm_space_walk(priv, va, w);
}

/* The leaves from ctx->pos into @r, from the target's tables; its lock is held. */
static int smm_nl_pt_leaves(struct smm_nl_pt_ctx *ctx, struct mm_struct *mm,
			    struct smm_runs *r)
{
	struct smm_space *s;

	switch (ctx->target) {
	case SMM_PT_SPACE:
		s = smm_space_find(ctx->id);
		if (!s)
			return -ENOENT;
		return smm_walk_leaves_by(smm_nl_pt_space_walk, s, &ctx->pos, ctx->last, r);
	case SMM_PT_KERNEL:
		return smm_pt_real_leaves_kernel(&ctx->pos, ctx->last, r);
	default:
		return smm_pt_real_leaves_user(mm, &ctx->pos, ctx->last, r);
	}
}

/*
 * Leaves mode: one message of runs, as many as the skb has room for (at
 * most SMM_PT_LEAVES_RUNS), built in place in the RUNS attribute, which
 * is then cut to the runs made. A message with no runs is kept while the
 * range goes on (the dump must not look finished) and dropped at its end.
 * Frames only to CAP_SYS_ADMIN, who alone sees runs split where frames do.
 */
static int smm_nl_pt_leaves_batch(struct sk_buff *skb, struct netlink_callback *cb,
				  struct smm_nl_pt_ctx *ctx, struct mm_struct *mm)
{
	const size_t sz = sizeof(struct shadowmm_pt_run);
	struct smm_runs r = {
		.steps = SMM_PT_LEAVES_STEPS,
		.pfns = smm_nl_admin(cb->skb),
	};
	struct nlattr *attr;
	int room, ret;
	void *hdr;

	hdr = smm_nl_dump_put(skb, cb, SHADOWMM_CMD_PT_WALK);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, SHADOWMM_A_PT_PAGING_LEVELS, smm_pt_real_fmt()->levels))
		goto err_cancel;
	room = skb_tailroom(skb) - nla_total_size_64bit(0);
	if (room < (int)sz)
		goto err_cancel;
	r.max = min_t(size_t, room / sz, SMM_PT_LEAVES_RUNS);
	attr = nla_reserve_64bit(skb, SHADOWMM_A_PT_RUNS, r.max * sz, SHADOWMM_A_PT_PAD);
	if (!attr)
		goto err_cancel;
	r.run = nla_data(attr);
	ret = smm_nl_pt_leaves(ctx, mm, &r);
	if (ret < 0) {
		genlmsg_cancel(skb, hdr);
		return ret;
	}
	ctx->done = ret == 1;
	if (!r.nr && ctx->done) {
		genlmsg_cancel(skb, hdr);
		return 0;
	}
	/* the attribute is last in the skb: cut the runs not made */
	attr->nla_len = nla_attr_size(r.nr * sz);
	skb_trim(skb, skb->len - (r.max - r.nr) * sz);
	genlmsg_end(skb, hdr);
	return 0;

err_cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/* One batch of either mode; the target's lock is held. */
static int smm_nl_pt_batch_any(struct sk_buff *skb, struct netlink_callback *cb,
			       struct smm_nl_pt_ctx *ctx, struct mm_struct *mm)
{
	if (ctx->leaves)
		return smm_nl_pt_leaves_batch(skb, cb, ctx, mm);
	return smm_nl_pt_batch(skb, cb, ctx, mm);
}

static int smm_nl_pt_batch_pid(struct sk_buff *skb, struct netlink_callback *cb,
			       struct smm_nl_pt_ctx *ctx)
{
	struct mm_struct *mm;
	int ret;

	mm = smm_nl_pt_mm(cb, ctx->id, &ret);
	if (!mm)
		return ret;
	ret = mmap_read_lock_killable(mm);
	if (!ret) {
		ret = smm_nl_pt_batch_any(skb, cb, ctx, mm);
		mmap_read_unlock(mm);
	}
	mmput(mm);
	if (ret == -EAGAIN)
		NL_SET_ERR_MSG(cb->extack, "the tables changed under the walk; walk again");
	return ret;
}

static int smm_nl_pt_walk_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct smm_nl_pt_ctx *ctx = (void *)cb->ctx;
	int ret;

	BUILD_BUG_ON(sizeof(*ctx) > sizeof(cb->ctx));
	if (!ctx->started) {
		ret = smm_nl_pt_start(cb, ctx);
		if (ret)
			return ret;
	}
	if (ctx->done)
		return 0;
	switch (ctx->target) {
	case SMM_PT_PID:
		ret = smm_nl_pt_batch_pid(skb, cb, ctx);
		break;
	case SMM_PT_SPACE:
		smm_space_lock_all();
		cb->seq = smm_space_generation() ? : 1;
		ret = smm_nl_pt_batch_any(skb, cb, ctx, NULL);
		smm_space_unlock_all();
		if (ret == -ENOENT)
			NL_SET_ERR_MSG(cb->extack, "the space was destroyed during the walk");
		break;
	default:
		ret = smm_nl_pt_batch_any(skb, cb, ctx, NULL);
	}
	return ret ? ret : skb->len;
}

const struct smm_nl_ops smm_nl_walk_ops[] = {
	SMM_NL_OP(PT_WALK, SMM_NL_POLICY(smm_nl_pt_walk_policy), .dumpit = smm_nl_pt_walk_dumpit),
	{ }
};
