// SPDX-License-Identifier: GPL-2.0
/* PT_WALK: the translation of a range, level by level, one step at a time. */
#include <errno.h>
#include <string.h>

#include <linux/genetlink.h>

#include "libsmm.h"

const char *const smmc_pt_level_names[SMMC_PT_LEVELS] = { "PGD", "P4D", "PUD", "PMD", "PTE" };

const char *const smmc_pt_kind_names[__SHADOWMM_PT_KIND_CNT] = {
	[0]			= "unknown",
	[SHADOWMM_PT_HOLE]	= "hole",
	[SHADOWMM_PT_PAGE]	= "page",
	[SHADOWMM_PT_SWAP]	= "swap",
	[SHADOWMM_PT_BAD]	= "bad",
};

/* Flag names, bit i of SHADOWMM_PTF_*. */
const char *const smmc_ptf_names[SMMC_PTF_BITS] = {
	"present", "write", "user", "write-through", "cache-disable", "accessed", "dirty",
	"huge", "global", "nx", "protnone", "soft-dirty", "swap", "contiguous", "dbm", "special",
};

#define SMMC_PT_U32(m)	SMMC_ATTR_U32(struct smmc_pt_step, m)
#define SMMC_PT_U64(m)	SMMC_ATTR_U64(struct smmc_pt_step, m)

static const struct smmc_attr_field smmc_pt_fields[SHADOWMM_A_PT_MAX + 1] = {
	[SHADOWMM_A_PT_PAGING_LEVELS]	= SMMC_PT_U32(paging_levels),
	[SHADOWMM_A_PT_ADDR]		= SMMC_PT_U64(addr),
	[SHADOWMM_A_PT_SIZE]		= SMMC_PT_U64(size),
	[SHADOWMM_A_PT_KIND]		= SMMC_PT_U32(kind),
	[SHADOWMM_A_PT_LEVELS]		= { MNL_TYPE_NESTED },
	[SHADOWMM_A_PT_PFN]		= SMMC_PT_U64(pfn),
	[SHADOWMM_A_PT_IN_SHADOW]	= SMMC_ATTR_BOOL(struct smmc_pt_step, in_shadow),
	[SHADOWMM_A_PT_SWAP_TYPE]	= SMMC_PT_U32(swap_type),
	[SHADOWMM_A_PT_SWAP_OFFSET]	= SMMC_PT_U64(swap_offset),
	[SHADOWMM_A_PT_NO_VMA]		= SMMC_ATTR_FLAG(struct smmc_pt_step, no_vma),
};

static const struct smmc_attr_policy smmc_pt_policy = SMMC_ATTR_FIELDS(smmc_pt_fields);

static const struct smmc_attr_field smmc_ptl_fields[SHADOWMM_A_PTL_MAX + 1] = {
	[SHADOWMM_A_PTL_LEVEL]	= SMMC_ATTR_U32(struct smmc_pt_level, level),
	[SHADOWMM_A_PTL_INDEX]	= SMMC_ATTR_U32(struct smmc_pt_level, index),
	[SHADOWMM_A_PTL_ENTRY]	= SMMC_ATTR_U64(struct smmc_pt_level, entry),
	[SHADOWMM_A_PTL_FLAGS]	= SMMC_ATTR_U32(struct smmc_pt_level, flags),
	[SHADOWMM_A_PTL_FOLDED]	= SMMC_ATTR_FLAG(struct smmc_pt_level, folded),
};

static const struct smmc_attr_policy smmc_ptl_policy = SMMC_ATTR_FIELDS(smmc_ptl_fields);

static void smmc_pt_levels_parse(const struct nlattr *nest, struct smmc_pt_step *st)
{
	const struct nlattr *tb[SHADOWMM_A_PTL_MAX + 1], *a;

	mnl_attr_for_each_nested(a, nest) {
		struct smmc_pt_level *l;

		if (mnl_attr_get_type(a) != SHADOWMM_A_PT_LEVEL || st->nr == SMMC_PT_LEVELS ||
		    smmc_attr_parse_nested(a, &smmc_ptl_policy, tb))
			continue;
		l = &st->lv[st->nr++];
		smmc_attr_store(tb, &smmc_ptl_policy, l);
		if (l->level >= SMMC_PT_LEVELS)
			l->level = 0;
		l->has_entry = tb[SHADOWMM_A_PTL_ENTRY] != NULL;
	}
}

struct smmc_pt_ctx {
	smmc_pt_cb cb;
	void *data;
};

static int smmc_pt_step_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[SHADOWMM_A_PT_MAX + 1];
	struct smmc_pt_ctx *ctx = data;
	struct smmc_pt_step st;
	int ret;

	if (smmc_attr_parse(nlh, &smmc_pt_policy, tb))
		return MNL_CB_ERROR;
	memset(&st, 0, sizeof(st));
	smmc_attr_store(tb, &smmc_pt_policy, &st);
	if (st.kind >= __SHADOWMM_PT_KIND_CNT)
		st.kind = 0;
	st.has_pfn = tb[SHADOWMM_A_PT_PFN] != NULL;
	if (tb[SHADOWMM_A_PT_LEVELS])
		smmc_pt_levels_parse(tb[SHADOWMM_A_PT_LEVELS], &st);
	ret = ctx->cb(&st, ctx->data);
	if (ret) {
		errno = -ret;	/* smmc_nl_run() reports it */
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

struct smmc_pt_run_ctx {
	smmc_pt_run_cb cb;
	void *data;
};

/*
 * The runs of one leaves-mode message to the callback, in order. RUNS is
 * an array of the uapi's fixed struct, copied out run by run (the array
 * need not be aligned in the receive buffer); other attributes are
 * skipped, as newer modules may add some.
 */
static int smmc_pt_runs_cb(const struct nlmsghdr *nlh, void *data)
{
	const size_t sz = sizeof(struct shadowmm_pt_run);
	struct smmc_pt_run_ctx *ctx = data;
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		const uint8_t *p = mnl_attr_get_payload(a);
		uint16_t len = mnl_attr_get_payload_len(a);
		uint16_t off;

		if (mnl_attr_get_type(a) != SHADOWMM_A_PT_RUNS)
			continue;
		if (len % sz) {
			errno = EPROTO;
			return MNL_CB_ERROR;
		}
		for (off = 0; off < len; off += sz) {
			struct shadowmm_pt_run raw;
			struct smmc_pt_run run;
			int ret;

			memcpy(&raw, p + off, sz);
			if (raw.shift < 12 || raw.shift > 63 || !raw.pages) {
				errno = EPROTO;
				return MNL_CB_ERROR;
			}
			run.addr = raw.addr;
			run.pfn = raw.pfn;
			run.pages = raw.pages;
			run.flags = raw.flags;
			run.shift = raw.shift;
			ret = ctx->cb(&run, ctx->data);
			if (ret) {
				errno = -ret;	/* smmc_nl_run() reports it */
				return MNL_CB_ERROR;
			}
		}
	}
	return MNL_CB_OK;
}

/* The request of @req, in either mode. */
static struct nlmsghdr *smmc_pt_request(struct smmc_nl *nl, const struct smmc_pt_req *req)
{
	struct nlmsghdr *nlh = smmc_nl_request(nl, SHADOWMM_CMD_PT_WALK, true);

	switch (req->target) {
	case SMMC_PT_TARGET_PID:
		mnl_attr_put_u32(nlh, SHADOWMM_A_PT_PID, req->id);
		break;
	case SMMC_PT_TARGET_KERNEL:
		mnl_attr_put(nlh, SHADOWMM_A_PT_KERNEL, 0, NULL);
		break;
	case SMMC_PT_TARGET_SPACE:
		mnl_attr_put_u32(nlh, SHADOWMM_A_PT_SPACE, req->id);
		break;
	}
	mnl_attr_put_u64(nlh, SHADOWMM_A_PT_ADDR, req->addr);
	if (req->len)
		mnl_attr_put_u64(nlh, SHADOWMM_A_PT_LEN, req->len);
	if (req->leaves)
		mnl_attr_put(nlh, SHADOWMM_A_PT_LEAVES, 0, NULL);
	return nlh;
}

/*
 * Each run of leaves of @req's range to @cb, in address order; @cb
 * returns 0 or -errno to stop. A run may start before the range and end
 * after it (a huge page across its ends); runs never span two messages,
 * so two runs in a row may be joinable. Consistency as smmc_pt_walk().
 */
int smmc_pt_leaves(struct smmc_nl *nl, const struct smmc_pt_req *req, smmc_pt_run_cb cb,
		   void *data)
{
	struct smmc_pt_run_ctx ctx = { cb, data };
	struct smmc_pt_req r = *req;

	r.leaves = true;
	return smmc_nl_run(nl, smmc_pt_request(nl, &r), smmc_pt_runs_cb, &ctx);
}

/*
 * Each step of the walk @req asks for to @cb, which returns 0 or -errno
 * to stop. A process's walk is consistent batch by batch (its mmap lock
 * is taken per batch); a space's dump returns SMMC_NL_DUMP_INTR when the
 * space changed during it.
 */
int smmc_pt_walk(struct smmc_nl *nl, const struct smmc_pt_req *req, smmc_pt_cb cb, void *data)
{
	struct smmc_pt_ctx ctx = { cb, data };
	struct smmc_pt_req r = *req;

	r.leaves = false;
	return smmc_nl_run(nl, smmc_pt_request(nl, &r), smmc_pt_step_cb, &ctx);
}
