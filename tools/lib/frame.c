// SPDX-License-Identifier: GPL-2.0
/*
 * FRAME_GET: the frame map as runs, from either reply format: nested RUN
 * attributes (an older module, an older capture) or the packed array of
 * struct shadowmm_frame_rec with the page marks, which is asked for
 * whenever the module takes the FRAME_PACKED flag.
 */
#include <endian.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "libsmm.h"

const char *const smmc_state_names[__SHADOWMM_FRAME_CNT] = {
	[0]			= "unknown",
	[SHADOWMM_FRAME_HOLE]	= "hole",
	[SHADOWMM_FRAME_FREE]	= "free",
	[SHADOWMM_FRAME_PCP]	= "pcp",
	[SHADOWMM_FRAME_PAGE]	= "page",
	[SHADOWMM_FRAME_SLAB]	= "slab",
	[SHADOWMM_FRAME_PGTABLE] = "pgtable",
	[SHADOWMM_FRAME_SPACE]	= "space",
	[SHADOWMM_FRAME_LRU]	= "lru",
};

const char *const smmc_mark_names[SMMC_NR_MARKS] = { "anon", "file", "dirty", "shared" };

static const char *const smmc_kind_names[SMMC_NR_KINDS - __SHADOWMM_FRAME_CNT] = {
	"anon", "shared", "file", "dirty",
};

/* A run's kind by its marks: shared over anon, anon over dirty, dirty over file. */
#define SMMC_MARK_KIND(m)						\
	((m) & SHADOWMM_MARK_SHARED ? SMMC_KIND_SHARED :		\
	 (m) & SHADOWMM_MARK_ANON ? SMMC_KIND_ANON :			\
	 (m) & SHADOWMM_MARK_DIRTY ? SMMC_KIND_DIRTY :			\
	 (m) & SHADOWMM_MARK_FILE ? SMMC_KIND_FILE : 0)

_Static_assert((SHADOWMM_MARK_ANON | SHADOWMM_MARK_FILE | SHADOWMM_MARK_DIRTY |
		SHADOWMM_MARK_SHARED) == SMMC_MARKS_MASK, "a kind for every set of marks");

const uint8_t smmc_mark_kinds[1u << SMMC_NR_MARKS] = {
	SMMC_MARK_KIND(0),  SMMC_MARK_KIND(1),  SMMC_MARK_KIND(2),  SMMC_MARK_KIND(3),
	SMMC_MARK_KIND(4),  SMMC_MARK_KIND(5),  SMMC_MARK_KIND(6),  SMMC_MARK_KIND(7),
	SMMC_MARK_KIND(8),  SMMC_MARK_KIND(9),  SMMC_MARK_KIND(10), SMMC_MARK_KIND(11),
	SMMC_MARK_KIND(12), SMMC_MARK_KIND(13), SMMC_MARK_KIND(14), SMMC_MARK_KIND(15),
};

/* A state's name, or a marked kind's ("anon", "shared", "file", "dirty"). */
const char *smmc_kind_name(unsigned int kind)
{
	if (kind < __SHADOWMM_FRAME_CNT)
		return smmc_state_names[kind];
	return kind < SMMC_NR_KINDS ? smmc_kind_names[kind - __SHADOWMM_FRAME_CNT] : "?";
}

static const enum mnl_attr_data_type smmc_frame_types[SHADOWMM_A_FRAME_MAX + 1] = {
	[SHADOWMM_A_FRAME_RUNS]		= MNL_TYPE_NESTED,
	[SHADOWMM_A_FRAME_PACKED_START]	= MNL_TYPE_U64,
	[SHADOWMM_A_FRAME_PACKED_RUNS]	= MNL_TYPE_BINARY,
};

static const struct smmc_attr_policy smmc_frame_policy = SMMC_ATTR_POLICY(smmc_frame_types);

/*
 * One run from its nest, or -1 if an attribute we know has the wrong
 * size. This is the hot path of every dashboard refresh (a 1 GiB map is
 * tens of thousands of runs), so the attributes are walked inline
 * instead of through libmnl's per-attribute callbacks: same rules, each
 * length checked, unknown types skipped.
 */
static int smmc_run_parse(const struct nlattr *nest, struct smmc_run *run)
{
	const char *p = mnl_attr_get_payload(nest);
	size_t left = mnl_attr_get_payload_len(nest);
	uint64_t count = 0;
	uint32_t state = 0, mt = 0;
	const struct nlattr *a;

	memset(run, 0, sizeof(*run));
	while (left >= sizeof(*a)) {
		a = (const struct nlattr *)p;
		if (a->nla_len < sizeof(*a) || a->nla_len > left)
			return -1;
		switch (a->nla_type & NLA_TYPE_MASK) {
		case SHADOWMM_A_RUN_START:
		case SHADOWMM_A_RUN_COUNT:
			if (a->nla_len != MNL_ATTR_HDRLEN + sizeof(uint64_t))
				return -1;
			memcpy((a->nla_type & NLA_TYPE_MASK) == SHADOWMM_A_RUN_START ?
			       &run->start : &count, p + MNL_ATTR_HDRLEN, sizeof(uint64_t));
			break;
		case SHADOWMM_A_RUN_STATE:
		case SHADOWMM_A_RUN_MIGRATETYPE:
			if (a->nla_len != MNL_ATTR_HDRLEN + sizeof(uint32_t))
				return -1;
			memcpy((a->nla_type & NLA_TYPE_MASK) == SHADOWMM_A_RUN_STATE ?
			       &state : &mt, p + MNL_ATTR_HDRLEN, sizeof(uint32_t));
			break;
		}
		if ((size_t)MNL_ALIGN(a->nla_len) >= left)
			break;
		left -= MNL_ALIGN(a->nla_len);
		p += MNL_ALIGN(a->nla_len);
	}
	if (count > UINT32_MAX)
		return -1;
	run->count = count;
	run->state = state < __SHADOWMM_FRAME_CNT ? state : 0;
	run->mt = mt < 256 ? mt : 255;
	return 0;
}

/* Where the runs go: @cb each, or (@cb NULL) appended to @runs. */
struct smmc_frames_ctx {
	smmc_run_cb cb;
	void *data;
	struct smmc_runs *runs;
};

/* smmc_frames_get_array()'s callback for runs that come one at a time (nested). */
static int smmc_frames_append(const struct smmc_run *run, void *data)
{
	struct smmc_runs *runs = data;

	if (runs->n == runs->cap &&
	    smmc_array_reserve((void **)&runs->v, &runs->cap, runs->n, sizeof(*runs->v), 1024))
		return -ENOMEM;
	runs->v[runs->n++] = *run;
	return 0;
}

static int smmc_frames_stop(int ret)
{
	errno = -ret;	/* smmc_nl_run() reports it */
	return MNL_CB_ERROR;
}

/*
 * A packed message: the records one after the other from PACKED_START,
 * little-endian, read with memcpy (the array is 4-byte aligned); a
 * trailing part record is malformed.
 */
/*
 * A packed record is laid out as the last 8 bytes of struct smmc_run
 * (count, state, mt, marks): smmc_frames_packed_array() copies it whole.
 */
_Static_assert(sizeof(struct shadowmm_frame_rec) == 8 && sizeof(struct smmc_run) == 16 &&
	       offsetof(struct smmc_run, count) == 8 &&
	       offsetof(struct smmc_run, state) - 8 == offsetof(struct shadowmm_frame_rec, state) &&
	       offsetof(struct smmc_run, mt) - 8 == offsetof(struct shadowmm_frame_rec, mt) &&
	       offsetof(struct smmc_run, marks) - 8 == offsetof(struct shadowmm_frame_rec, marks),
	       "a packed record is a run's tail");

/*
 * @n packed records at @p, the first at frame @start, appended to @runs:
 * room for them all once, then a tight loop that copies each record
 * over the run's tail (count and marks turned to host order, a no-op on
 * a little-endian host; an unknown state made 0, as everywhere), with
 * the next start in a register and the array's length stored once.
 */
static int smmc_frames_packed_array(const char *p, size_t n, uint64_t start,
				    struct smmc_runs *runs)
{
	struct smmc_run *r, *last;

	while (runs->n + n > runs->cap)
		if (smmc_array_reserve((void **)&runs->v, &runs->cap, runs->cap,
				       sizeof(*runs->v), 1024))
			return smmc_frames_stop(-ENOMEM);
	r = runs->v + runs->n;
	for (last = r + n; r < last; r++, p += sizeof(struct shadowmm_frame_rec)) {
		r->start = start;
		memcpy(&r->count, p, sizeof(struct shadowmm_frame_rec));
		if (__BYTE_ORDER != __LITTLE_ENDIAN) {
			r->count = le32toh(r->count);
			r->marks = le16toh(r->marks);
		}
		if (r->state >= __SHADOWMM_FRAME_CNT)
			r->state = 0;
		start += r->count;
	}
	runs->n += n;
	return MNL_CB_OK;
}

static int smmc_frames_packed(const struct nlattr *start, const struct nlattr *recs,
			      struct smmc_frames_ctx *ctx)
{
	const char *p = mnl_attr_get_payload(recs);
	size_t len = mnl_attr_get_payload_len(recs), i;
	struct shadowmm_frame_rec rec;
	struct smmc_run run = { 0 };
	int ret;

	if (!start || len % sizeof(rec))
		return MNL_CB_ERROR;
	run.start = mnl_attr_get_u64(start);
	if (!ctx->cb)
		return smmc_frames_packed_array(p, len / sizeof(rec), run.start, ctx->runs);
	for (i = 0; i < len; i += sizeof(rec)) {
		memcpy(&rec, p + i, sizeof(rec));
		run.count = le32toh(rec.count);
		run.state = rec.state < __SHADOWMM_FRAME_CNT ? rec.state : 0;
		run.mt = rec.mt;
		run.marks = le16toh(rec.marks);
		ret = ctx->cb(&run, ctx->data);
		if (ret)
			return smmc_frames_stop(ret);
		run.start += run.count;
	}
	return MNL_CB_OK;
}

static int smmc_frames_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[SHADOWMM_A_FRAME_MAX + 1], *a;
	struct smmc_frames_ctx *ctx = data;
	int ret;

	if (smmc_attr_parse(nlh, &smmc_frame_policy, tb))
		return MNL_CB_ERROR;
	if (tb[SHADOWMM_A_FRAME_PACKED_RUNS])
		return smmc_frames_packed(tb[SHADOWMM_A_FRAME_PACKED_START],
					  tb[SHADOWMM_A_FRAME_PACKED_RUNS], ctx);
	if (!tb[SHADOWMM_A_FRAME_RUNS])
		return MNL_CB_ERROR;
	mnl_attr_for_each_nested(a, tb[SHADOWMM_A_FRAME_RUNS]) {
		struct smmc_run run;

		if (mnl_attr_get_type(a) != SHADOWMM_A_FRAME_RUN || smmc_run_parse(a, &run))
			continue;
		ret = ctx->cb ? ctx->cb(&run, ctx->data) : smmc_frames_append(&run, ctx->runs);
		if (ret)
			return smmc_frames_stop(ret);
	}
	return MNL_CB_OK;
}

/* One FRAME_GET dump, with or without FRAME_PACKED. */
static int smmc_frames_request(struct smmc_nl *nl, uint64_t start, uint64_t count, bool packed,
			       struct smmc_frames_ctx *ctx)
{
	struct nlmsghdr *nlh = smmc_nl_request(nl, SHADOWMM_CMD_FRAME_GET, true);

	mnl_attr_put_u64(nlh, SHADOWMM_A_FRAME_START, start);
	if (count)
		mnl_attr_put_u64(nlh, SHADOWMM_A_FRAME_COUNT, count);
	if (packed)
		mnl_attr_put(nlh, SHADOWMM_A_FRAME_PACKED, 0, NULL);
	return smmc_nl_run(nl, nlh, smmc_frames_cb, ctx);
}

/*
 * Each run of frames from @start (@count frames, 0: to the end of the
 * range) to @cb, which returns 0 or -errno to stop. SMMC_NL_DUMP_INTR
 * means the allocator changed during the dump: @cb saw a mix, so throw
 * the runs away and call again. Packed runs with their marks when the
 * module has them: the first call asks for them, and a module that
 * refuses the flag as an unknown attribute (EINVAL, before any run) is
 * asked again without it, and never again with it on this socket.
 */
static int smmc_frames_dump(struct smmc_nl *nl, uint64_t start, uint64_t count,
			    struct smmc_frames_ctx *c)
{
	struct smmc_frames_ctx ctx = *c;
	int ret;

	if (nl->frame_packed < 0)
		return smmc_frames_request(nl, start, count, false, &ctx);
	ret = smmc_frames_request(nl, start, count, true, &ctx);
	if (!nl->frame_packed && ret == -EINVAL && !nl->replay) {
		nl->frame_packed = -1;
		return smmc_frames_request(nl, start, count, false, &ctx);
	}
	if (!ret || ret == SMMC_NL_DUMP_INTR)
		nl->frame_packed = 1;
	return ret;
}

int smmc_frames_get(struct smmc_nl *nl, uint64_t start, uint64_t count, smmc_run_cb cb, void *data)
{
	struct smmc_frames_ctx ctx = { .cb = cb, .data = data };

	return smmc_frames_dump(nl, start, count, &ctx);
}

/*
 * smmc_frames_get() into @runs, appended (a dump again after
 * SMMC_NL_DUMP_INTR resets runs->n first): packed records are decoded
 * straight into the array, a message at a time, without a call per run;
 * smmtop's refresh of a large range is this loop.
 */
int smmc_frames_get_array(struct smmc_nl *nl, uint64_t start, uint64_t count,
			  struct smmc_runs *runs)
{
	struct smmc_frames_ctx ctx = { .runs = runs };

	return smmc_frames_dump(nl, start, count, &ctx);
}
