// SPDX-License-Identifier: GPL-2.0
/*
 * FRAME_GET: the frame map of any part of the range as runs of frames in
 * one state, resumable across any number of dump batches. The map is read
 * without the allocator's locks, each descriptor in one load; when the
 * allocator's generation (smm_mm_generation(): every change of a
 * descriptor, retypes by slab and space owners included) moves during a
 * batch or between two, a message carries NLM_F_DUMP_INTR and the reader
 * knows to dump again. A dump nothing changed under is never flagged.
 *
 * Two reply formats: nested RUN attributes (44 bytes a run, the format
 * of old clients, unchanged), or, when the request has FRAME_PACKED,
 * one PACKED_RUNS array of 8-byte struct shadowmm_frame_rec per message
 * with the marks (smm_frame_recs()), the runs' starts implied by
 * PACKED_START and the counts before them.
 */
#include "smm.h"
#include "compat.h"
#include "netlink.h"
#include "core/frame_map.h"

static const struct nla_policy smm_nl_frame_get_policy[SHADOWMM_A_FRAME_PACKED + 1] = {
	[SHADOWMM_A_FRAME_START]	= { .type = NLA_U64 },
	[SHADOWMM_A_FRAME_COUNT]	= NLA_POLICY_MIN(NLA_U64, 1),
	[SHADOWMM_A_FRAME_PACKED]	= { .type = NLA_FLAG },
};

/* The records one PACKED_RUNS holds: its length is a u16 */
#define SMM_NL_FRAME_RECS_MAX	((U16_MAX - NLA_HDRLEN) / sizeof(struct shadowmm_frame_rec))

struct smm_nl_frame_ctx {
	u64 pos, end;
	bool started, packed;
};

/*
 * Checked in the first dumpit call rather than in .start: on 6.1 only
 * the dumpit's extended ack reaches user space (in NLMSG_DONE).
 */
static int smm_nl_frame_range(struct netlink_callback *cb, struct smm_nl_frame_ctx *ctx)
{
	struct nlattr **tb = smm_genl_dump_attrs(cb);
	u64 span = smm_dev.range.span, start = 0, count;

	if (tb[SHADOWMM_A_FRAME_START])
		start = nla_get_u64(tb[SHADOWMM_A_FRAME_START]);
	if (start >= span) {
		NL_SET_ERR_MSG_ATTR(cb->extack, tb[SHADOWMM_A_FRAME_START],
				    "start is past the end of the range");
		return -ERANGE;
	}
	count = tb[SHADOWMM_A_FRAME_COUNT] ? nla_get_u64(tb[SHADOWMM_A_FRAME_COUNT]) : span - start;
	if (count > span - start) {
		NL_SET_ERR_MSG_ATTR(cb->extack, tb[SHADOWMM_A_FRAME_COUNT],
				    "count runs past the end of the range");
		return -ERANGE;
	}
	ctx->pos = start;
	ctx->end = start + count;
	ctx->packed = nla_get_flag(tb[SHADOWMM_A_FRAME_PACKED]);
	ctx->started = true;
	return 0;
}

static int smm_nl_run_put(struct sk_buff *skb, const struct smm_run *run)
{
	struct nlattr *nest = nla_nest_start(skb, SHADOWMM_A_FRAME_RUN);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, SHADOWMM_A_RUN_START, run->start, SHADOWMM_A_RUN_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_RUN_COUNT, run->count, SHADOWMM_A_RUN_PAD) ||
	    nla_put_u32(skb, SHADOWMM_A_RUN_STATE, run->state) ||
	    nla_put_u32(skb, SHADOWMM_A_RUN_MIGRATETYPE, run->mt)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* Nested runs from ctx->pos into @skb's message: how many fit. */
static unsigned int smm_nl_frame_fill_nested(struct sk_buff *skb, struct smm_nl_frame_ctx *ctx)
{
	struct nlattr *runs = nla_nest_start(skb, SHADOWMM_A_FRAME_RUNS);
	struct smm_run run;
	unsigned int n = 0;
	u64 pos;

	if (!runs)
		return 0;
	for (pos = ctx->pos; smm_next_run(&smm_dev.mm, &pos, ctx->end, &run); n++) {
		if (smm_nl_run_put(skb, &run))
			break;
		ctx->pos = pos;
	}
	if (n)
		nla_nest_end(skb, runs);
	return n;
}

/*
 * Packed runs from ctx->pos: PACKED_START, then as many records as the
 * batch's tailroom holds in one PACKED_RUNS (its header written first,
 * its length set at the end, as a nest's), filled by the core in place
 * (smm_frame_recs()): the room is counted once per message. How many fit.
 */
static unsigned int smm_nl_frame_fill_packed(struct sk_buff *skb, struct smm_nl_frame_ctx *ctx)
{
	struct nlattr *recs;
	unsigned int room, n;

	if (nla_put_u64_64bit(skb, SHADOWMM_A_FRAME_PACKED_START, ctx->pos, SHADOWMM_A_FRAME_PAD))
		return 0;
	recs = nla_nest_start_noflag(skb, SHADOWMM_A_FRAME_PACKED_RUNS);
	if (!recs)
		return 0;
	room = min_t(unsigned int, SMM_NL_FRAME_RECS_MAX,
		     max(skb_tailroom(skb), 0) / sizeof(struct shadowmm_frame_rec));
	n = smm_frame_recs(&smm_dev.mm, &ctx->pos, ctx->end, (void *)skb_tail_pointer(skb), room);
	if (n) {
		skb_put(skb, n * sizeof(struct shadowmm_frame_rec));
		nla_nest_end(skb, recs);
	}
	return n;
}

/* One message of as many runs as fit, in the dump's format; false when nothing fit. */
static bool smm_nl_frame_msg(struct sk_buff *skb, struct netlink_callback *cb,
			     struct smm_nl_frame_ctx *ctx, void **hdrp)
{
	void *hdr = smm_nl_dump_put(skb, cb, SHADOWMM_CMD_FRAME_GET);

	if (!hdr)
		return false;
	if (!(ctx->packed ? smm_nl_frame_fill_packed(skb, ctx) :
			    smm_nl_frame_fill_nested(skb, ctx))) {
		genlmsg_cancel(skb, hdr);
		return false;
	}
	genlmsg_end(skb, hdr);
	*hdrp = hdr;
	return true;
}

static int smm_nl_frame_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct smm_nl_frame_ctx *ctx = (void *)cb->ctx;
	u64 gen = smm_mm_generation(&smm_dev.mm);
	void *hdr = NULL;
	int ret;

	BUILD_BUG_ON(sizeof(*ctx) > sizeof(cb->ctx));
	if (!ctx->started) {
		ret = smm_nl_frame_range(cb, ctx);
		if (ret)
			return ret;
	}

	/* a change between batches flags the next message (nl_dump_check_consistent) */
	cb->seq = (u32)gen ? : 1;
	while (ctx->pos < ctx->end && smm_nl_frame_msg(skb, cb, ctx, &hdr))
		cond_resched();
	/* a change during this batch (or one under way at its start) flags its last message */
	if (hdr && smm_mm_generation_moved(&smm_dev.mm, gen))
		genlmsg_nlhdr(hdr)->nlmsg_flags |= NLM_F_DUMP_INTR;
	return skb->len;
}

const struct smm_nl_ops smm_nl_frame_ops[] = {
	SMM_NL_OP(FRAME_GET, SMM_NL_POLICY(smm_nl_frame_get_policy),
		  .dumpit = smm_nl_frame_get_dumpit),
	{ }
};
