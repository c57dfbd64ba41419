// SPDX-License-Identifier: GPL-2.0
/*
 * libmnl plumbing: the socket, family resolution, requests and dumps,
 * extended acks, attribute parsing.
 *
 * Replies are read with our own message loop instead of mnl_cb_run():
 * libmnl stops at the first NLM_F_DUMP_INTR message and on any sequence
 * number it does not expect, which leaves the rest of the reply in the
 * socket to poison the next request. Here every reply is read to its end
 * (the ack, NLMSG_DONE or an error), whatever the callback said, so the
 * socket is clean for the next request; messages of other requests and
 * multicast events are skipped by sequence number.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "smmc_nl.h"

/*
 * Replies are read whole or not at all (a datagram larger than the buffer
 * is cut and lost). The largest is a PAGE_ALLOC reply with
 * SHADOWMM_PAGE_BATCH_MAX handles, 16 bytes each with their padding: 64 KiB
 * and headers. Dump batches are at most 32 KiB (the kernel sizes them by
 * our receive buffer, up to that). Requests are built in the same buffer;
 * a PAGE_FREE of SHADOWMM_PAGE_BATCH_MAX handles takes 48 KiB.
 */
#define SMMC_NL_BUF_SIZE		(128 * 1024)
#define SMMC_NL_RCVBUF			(1024 * 1024)	/* SO_RCVBUF asked for: iproute2's */

/* ---- attributes ---- */

struct smmc_attr_ctx {
	const struct smmc_attr_policy *policy;
	const struct nlattr **tb;
};

/*
 * One attribute of the level a policy describes: a type the tool knows is
 * validated and kept; any other type is a newer module's addition and is
 * skipped, so an older tool keeps working.
 */
static int smmc_attr_cb(const struct nlattr *attr, void *data)
{
	const struct smmc_attr_ctx *ctx = data;
	uint16_t type = mnl_attr_get_type(attr);
	enum mnl_attr_data_type t;

	if (mnl_attr_type_valid(attr, ctx->policy->max) < 0)
		return MNL_CB_OK;
	t = ctx->policy->fields ? ctx->policy->fields[type].type : ctx->policy->types[type];
	if (t == MNL_TYPE_UNSPEC)
		return MNL_CB_OK;
	if (mnl_attr_validate(attr, t) < 0) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	ctx->tb[type] = attr;
	return MNL_CB_OK;
}

static int smmc_attr_parse_at(const struct nlmsghdr *nlh, size_t offset,
			      const struct smmc_attr_policy *policy, const struct nlattr **tb)
{
	struct smmc_attr_ctx ctx = { policy, tb };

	memset(tb, 0, (policy->max + 1) * sizeof(*tb));
	if (mnl_nlmsg_get_payload_len(nlh) < offset) {
		errno = EBADMSG;
		return -EBADMSG;
	}
	return mnl_attr_parse(nlh, offset, smmc_attr_cb, &ctx) < 0 ? -EBADMSG : 0;
}

/*
 * Parse the attributes of a generic netlink message into a zeroed
 * tb[policy->max + 1]. Returns 0, or -EBADMSG (errno too) when an
 * attribute the policy knows has the wrong size.
 */
int smmc_attr_parse(const struct nlmsghdr *nlh, const struct smmc_attr_policy *policy,
		    const struct nlattr **tb)
{
	return smmc_attr_parse_at(nlh, GENL_HDRLEN, policy, tb);
}

/* The same for the members of a nest. */
int smmc_attr_parse_nested(const struct nlattr *nest, const struct smmc_attr_policy *policy,
			   const struct nlattr **tb)
{
	struct smmc_attr_ctx ctx = { policy, tb };

	memset(tb, 0, (policy->max + 1) * sizeof(*tb));
	return mnl_attr_parse_nested(nest, smmc_attr_cb, &ctx) < 0 ? -EBADMSG : 0;
}

/*
 * Each attribute smmc_attr_parse() kept in @tb into the member of @rec
 * that @policy->fields names for it; a member whose attribute is absent
 * keeps its value.
 */
void smmc_attr_store(const struct nlattr **tb, const struct smmc_attr_policy *policy, void *rec)
{
	const struct smmc_attr_field *f;
	unsigned int type;
	char *dst;

	for (type = 0; type <= policy->max; type++) {
		f = &policy->fields[type];
		dst = (char *)rec + f->off;
		if (!tb[type] || !f->len)
			continue;
		if (f->type == MNL_TYPE_NUL_STRING)
			smmc_attr_strcpy(dst, f->len, tb[type], "");
		else if (f->type == MNL_TYPE_U8)
			*(bool *)dst = mnl_attr_get_u8(tb[type]);
		else if (f->type == MNL_TYPE_FLAG)
			*(bool *)dst = true;
		else
			memcpy(dst, mnl_attr_get_payload(tb[type]), f->len);
	}
}

/*
 * Arrays are nests whose member i + 1 holds element i. Fills v[0..n-1]
 * (zero where absent) and returns how many members were found; members
 * past n (a newer module's larger array) are skipped.
 */
unsigned int smmc_attr_u64_array(const struct nlattr *nest, uint64_t *v, unsigned int n)
{
	const struct nlattr *a;
	unsigned int got = 0;

	memset(v, 0, n * sizeof(*v));
	if (!nest)
		return 0;
	mnl_attr_for_each_nested(a, nest) {
		unsigned int i = mnl_attr_get_type(a);

		if (i >= 1 && i <= n && mnl_attr_validate(a, MNL_TYPE_U64) == 0) {
			v[i - 1] = mnl_attr_get_u64(a);
			got++;
		}
	}
	return got;
}

/* A string attribute (validated as NUL-terminated) into dst, cut to fit. */
void smmc_attr_strcpy(char *dst, size_t len, const struct nlattr *a, const char *dflt)
{
	snprintf(dst, len, "%s", a ? mnl_attr_get_str(a) : dflt);
}

/* @n u64 attributes of type @member in a nest @type: handles, in a request. */
void smmc_attr_put_u64_list(struct nlmsghdr *nlh, uint16_t type, uint16_t member,
			    const uint64_t *v, uint32_t n)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, type);
	uint32_t i;

	for (i = 0; i < n; i++)
		mnl_attr_put_u64(nlh, member, v[i]);
	mnl_attr_nest_end(nlh, nest);
}

/*
 * The one reply parser for numbers (struct smmc_reply_u64): a count such
 * as FREED, or the handles of an allocation. Members of other types in
 * the nest, and handles past @max, are skipped; a handle reply without
 * its nest is refused.
 */
int smmc_reply_u64_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[SMMC_REPLY_MAX_ATTRS], *a;
	struct smmc_reply_u64 *r = data;

	if (r->policy->max >= ARRAY_SIZE(tb)) {
		errno = EINVAL;
		return MNL_CB_ERROR;
	}
	if (smmc_attr_parse(nlh, r->policy, tb) || (r->member && !tb[r->type]))
		return MNL_CB_ERROR;
	if (!r->member) {
		*r->v = smmc_attr_u64(tb[r->type], 0);
		return MNL_CB_OK;
	}
	mnl_attr_for_each_nested(a, tb[r->type]) {
		if (mnl_attr_get_type(a) != r->member || mnl_attr_validate(a, MNL_TYPE_U64) < 0)
			continue;
		if (r->n < r->max)
			r->v[r->n++] = mnl_attr_get_u64(a);
	}
	return MNL_CB_OK;
}

/* ---- errors ---- */

static int __attribute__((format(printf, 3, 4)))
smmc_nl_fail(struct smmc_nl *nl, int error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(nl->err, sizeof(nl->err), fmt, ap);
	va_end(ap);
	return -error;
}

static const enum mnl_attr_data_type smmc_extack_types[NLMSGERR_ATTR_MISS_NEST + 1] = {
	[NLMSGERR_ATTR_MSG]		= MNL_TYPE_NUL_STRING,
	[NLMSGERR_ATTR_OFFS]		= MNL_TYPE_U32,
	[NLMSGERR_ATTR_MISS_TYPE]	= MNL_TYPE_U32,
	[NLMSGERR_ATTR_MISS_NEST]	= MNL_TYPE_U32,
};

static const struct smmc_attr_policy smmc_extack_policy = SMMC_ATTR_POLICY(smmc_extack_types);

/*
 * The text of an error the kernel answered: its extended ack message if
 * it sent one, then the errno text, then where in our request the fault
 * is (the offset of the offending attribute counts from the start of the
 * request's netlink header), e.g.
 *
 *	order is out of range (Numerical result out of range; attribute at offset 20)
 *
 * @tlvs is where the extended ack attributes start in @nlh's payload.
 */
static int smmc_nl_kernel_error(struct smmc_nl *nl, const struct nlmsghdr *nlh, int error,
				size_t tlvs)
{
	const struct nlattr *tb[NLMSGERR_ATTR_MISS_NEST + 1] = { NULL };
	const char *msg = NULL;
	char where[64] = "";

	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
		smmc_attr_parse_at(nlh, tlvs, &smmc_extack_policy, tb);	/* best effort */
	if (tb[NLMSGERR_ATTR_MSG])
		msg = mnl_attr_get_str(tb[NLMSGERR_ATTR_MSG]);
	if (tb[NLMSGERR_ATTR_OFFS])
		snprintf(where, sizeof(where), "attribute at offset %u",
			 mnl_attr_get_u32(tb[NLMSGERR_ATTR_OFFS]));
	else if (tb[NLMSGERR_ATTR_MISS_TYPE])
		snprintf(where, sizeof(where), "missing attribute %u",
			 mnl_attr_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]));

	if (msg && *where)
		return smmc_nl_fail(nl, error, "%s (%s; %s)", msg, strerror(error), where);
	if (msg)
		return smmc_nl_fail(nl, error, "%s (%s)", msg, strerror(error));
	if (*where)
		return smmc_nl_fail(nl, error, "%s (%s)", strerror(error), where);
	return smmc_nl_fail(nl, error, "%s", strerror(error));
}

/* ---- requests and replies ---- */

/* One request being answered: the state of reading its reply. */
struct smmc_nl_reply {
	struct smmc_nl *nl;
	mnl_cb_t cb;
	void *data;
	uint32_t seq;
	int error;		/* the first error, a positive errno; nl->err says why */
	bool done;		/* the ack, NLMSG_DONE or an error arrived */
	bool stopped;		/* cb returned MNL_CB_STOP: drain the rest */
	bool intr;		/* a message carried NLM_F_DUMP_INTR */
};

static void smmc_nl_reply_error(struct smmc_nl_reply *r, const struct nlmsghdr *nlh, int error,
				size_t tlvs)
{
	if (r->error)
		return;		/* the first error is the one that explains */
	r->error = error;
	if (nlh)
		smmc_nl_kernel_error(r->nl, nlh, error, tlvs);
	else if (error == EBADMSG)
		smmc_nl_fail(r->nl, error, "malformed reply from the kernel (%s)", strerror(error));
	else
		smmc_nl_fail(r->nl, error, "reading the reply: %s", strerror(error));
}

/* NLMSG_ERROR: the ack of a request (error 0) or why it failed. */
static void smmc_nl_reply_ack(struct smmc_nl_reply *r, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	size_t tlvs = sizeof(*e);

	r->done = true;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e)) {
		smmc_nl_reply_error(r, NULL, EBADMSG, 0);
		return;
	}
	if (!e->error)
		return;
	/* without NETLINK_CAP_ACK (an old kernel) our request is echoed first */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		tlvs += mnl_nlmsg_get_payload_len(&e->msg);
	smmc_nl_reply_error(r, nlh, e->error < 0 ? -e->error : e->error, tlvs);
}

/* NLMSG_DONE: the end of a dump, with the dump's error if it failed. */
static void smmc_nl_reply_done(struct smmc_nl_reply *r, const struct nlmsghdr *nlh)
{
	int err = 0;

	r->done = true;
	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(err))
		memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
	if (err < 0)
		smmc_nl_reply_error(r, nlh, -err, sizeof(err));
}

/*
 * A data message goes to the callback unless the reply already failed
 * or the callback asked to stop; then it is only drained. A callback
 * that fails says why in errno (EBADMSG when unset).
 */
static void smmc_nl_reply_data(struct smmc_nl_reply *r, const struct nlmsghdr *nlh)
{
	int ret;

	if (r->error || r->stopped || !r->cb)
		return;
	errno = 0;
	ret = r->cb(nlh, r->data);
	if (ret == MNL_CB_STOP)
		r->stopped = true;
	else if (ret < MNL_CB_STOP)
		smmc_nl_reply_error(r, NULL, errno ? errno : EBADMSG, 0);
}

static void smmc_nl_reply_msg(struct smmc_nl_reply *r, const struct nlmsghdr *nlh)
{
	/* a late answer to an earlier request, or a multicast event */
	if (nlh->nlmsg_seq != r->seq || (nlh->nlmsg_pid && nlh->nlmsg_pid != r->nl->portid))
		return;
	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		r->intr = true;
	switch (nlh->nlmsg_type) {
	case NLMSG_ERROR:
		smmc_nl_reply_ack(r, nlh);
		break;
	case NLMSG_DONE:
		smmc_nl_reply_done(r, nlh);
		break;
	default:
		if (nlh->nlmsg_type >= NLMSG_MIN_TYPE)
			smmc_nl_reply_data(r, nlh);
		break;	/* NLMSG_NOOP, NLMSG_OVERRUN */
	}
}

/* One datagram: any number of messages, stopping at the end of the reply. */
static void smmc_nl_reply_batch(struct smmc_nl_reply *r, const void *buf, size_t len)
{
	const struct nlmsghdr *nlh = buf;
	int left = len;

	for (; !r->done && mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left))
		smmc_nl_reply_msg(r, nlh);
}

/* What a reply that has ended comes to; an error outranks an interruption. */
static int smmc_nl_reply_result(struct smmc_nl_reply *r)
{
	if (r->error)
		return -r->error;
	if (r->intr)
		return smmc_nl_fail(r->nl, EINTR, "dump interrupted: state changed during the dump");
	return 0;
}

static struct nlmsghdr *smmc_nl_put_request(struct smmc_nl *nl, uint16_t family, uint8_t cmd,
					    uint8_t version, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nl->buf);
	struct genlmsghdr *g;

	/* 0 is the sequence number of multicast events: never ours */
	if (!++nl->seq)
		++nl->seq;
	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = nl->seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = version;
	return nlh;
}

/*
 * Start a request for @cmd in nl->buf, to which the caller may add
 * attributes. A do request asks for an ack, so that its end is known
 * with or without a reply; a dump ends with NLMSG_DONE.
 */
struct nlmsghdr *smmc_nl_request(struct smmc_nl *nl, uint8_t cmd, bool dump)
{
	return smmc_nl_put_request(nl, nl->family, cmd, SHADOWMM_GENL_VERSION,
				   dump ? NLM_F_DUMP : NLM_F_ACK);
}

/*
 * The next datagram of a reply: from the socket, or from the capture
 * being replayed; recorded when a capture is being written. @first says
 * it is the reply's first. -errno with nl->err set, or its length.
 */
static ssize_t smmc_nl_recv(struct smmc_nl *nl, uint8_t cmd, uint32_t seq, bool first)
{
	ssize_t len;

	if (nl->replay) {
		len = smmc_capture_get(nl->replay, cmd, first, seq, nl->portid, nl->buf,
				       nl->buf_size);
		if (len < 0)
			return smmc_nl_fail(nl, -len, "replay: %s", len == -ENOENT ?
					    "the capture has no reply to this request" :
					   strerror(-len));
		return len;
	}
	do
		len = mnl_socket_recvfrom(nl->sock, nl->buf, nl->buf_size);
	while (len < 0 && errno == EINTR);
	if (len < 0 && errno == ENOSPC)
		return smmc_nl_fail(nl, EMSGSIZE, "receive: a reply larger than %zu bytes",
				    nl->buf_size);
	if (len < 0)
		return smmc_nl_fail(nl, errno, "receive: %s", strerror(errno));
	if (len == 0)
		return smmc_nl_fail(nl, EPROTO, "receive: the socket was closed");
	if (nl->record && smmc_capture_put(nl->record, cmd, first, nl->buf, len))
		return smmc_nl_fail(nl, EIO, "record: cannot write the capture");
	return len;
}

static uint8_t smmc_nl_cmd_of(const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);

	return nlh->nlmsg_len >= NLMSG_HDRLEN + GENL_HDRLEN ? g->cmd : 0;
}

/*
 * Send @nlh and give every message of its reply to @cb (which may be
 * NULL), reading until the reply ends even when @cb fails, so that the
 * next request starts on a clean socket.
 *
 * Returns 0; -errno with nl->err saying why (the kernel's extended ack
 * message included); or SMMC_NL_DUMP_INTR when the kernel flagged the dump
 * as interrupted by a change: @cb has seen a mix of old and new state,
 * and the caller should throw it away and dump again.
 */
int smmc_nl_run(struct smmc_nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	struct smmc_nl_reply r = { .nl = nl, .cb = cb, .data = data, .seq = nlh->nlmsg_seq };
	uint8_t cmd = smmc_nl_cmd_of(nlh);
	bool first = true;
	ssize_t len;

	nl->err[0] = '\0';
	if (!nl->replay && mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return smmc_nl_fail(nl, errno, "send: %s", strerror(errno));
	while (!r.done) {
		len = smmc_nl_recv(nl, cmd, r.seq, first);
		if (len < 0)
			return len;
		first = false;
		smmc_nl_reply_batch(&r, nl->buf, len);
	}
	return smmc_nl_reply_result(&r);
}

/* ---- family resolution ---- */

static const enum mnl_attr_data_type smmc_ctrl_types[CTRL_ATTR_MCAST_GROUPS + 1] = {
	[CTRL_ATTR_FAMILY_ID]		= MNL_TYPE_U16,
	[CTRL_ATTR_VERSION]		= MNL_TYPE_U32,
	[CTRL_ATTR_MCAST_GROUPS]	= MNL_TYPE_NESTED,
};

static const struct smmc_attr_policy smmc_ctrl_policy = SMMC_ATTR_POLICY(smmc_ctrl_types);

static const enum mnl_attr_data_type smmc_mcgrp_types[CTRL_ATTR_MCAST_GRP_ID + 1] = {
	[CTRL_ATTR_MCAST_GRP_NAME]	= MNL_TYPE_NUL_STRING,
	[CTRL_ATTR_MCAST_GRP_ID]	= MNL_TYPE_U32,
};

static const struct smmc_attr_policy smmc_mcgrp_policy = SMMC_ATTR_POLICY(smmc_mcgrp_types);

/* CTRL_ATTR_MCAST_GROUPS is an array of nests, each a name and an id. */
static void smmc_nl_mcgrps(struct smmc_nl *nl, const struct nlattr *groups)
{
	const struct nlattr *tb[CTRL_ATTR_MCAST_GRP_ID + 1], *g;

	mnl_attr_for_each_nested(g, groups) {
		if (smmc_attr_parse_nested(g, &smmc_mcgrp_policy, tb) ||
		    !tb[CTRL_ATTR_MCAST_GRP_NAME] || !tb[CTRL_ATTR_MCAST_GRP_ID])
			continue;
		if (!strcmp(mnl_attr_get_str(tb[CTRL_ATTR_MCAST_GRP_NAME]), SHADOWMM_MCGRP_EVENTS))
			nl->events_group = mnl_attr_get_u32(tb[CTRL_ATTR_MCAST_GRP_ID]);
	}
}

static int smmc_nl_family_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[CTRL_ATTR_MCAST_GROUPS + 1];
	struct smmc_nl *nl = data;

	if (smmc_attr_parse(nlh, &smmc_ctrl_policy, tb) || !tb[CTRL_ATTR_FAMILY_ID])
		return MNL_CB_ERROR;
	nl->family = mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	nl->version = smmc_attr_u32(tb[CTRL_ATTR_VERSION], 0);
	if (tb[CTRL_ATTR_MCAST_GROUPS])
		smmc_nl_mcgrps(nl, tb[CTRL_ATTR_MCAST_GROUPS]);
	return MNL_CB_OK;
}

/* Ask the genl controller for the family's id and its "events" group. */
static int smmc_nl_resolve(struct smmc_nl *nl)
{
	struct nlmsghdr *nlh;
	int ret;

	nlh = smmc_nl_put_request(nl, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, NLM_F_ACK);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, SHADOWMM_GENL_NAME);
	ret = smmc_nl_run(nl, nlh, smmc_nl_family_cb, nl);
	if (ret == -ENOENT || (!ret && !nl->family))
		return smmc_nl_fail(nl, ENOENT, "%s: generic netlink family not found "
				    "(is shadowmm.ko loaded?)", SHADOWMM_GENL_NAME);
	return ret;
}

/*
 * Open a generic netlink socket and resolve the family. Returns 0, or
 * -errno with nl->err saying why; on failure nothing is left open and
 * smmc_nl_close() is harmless.
 */
int smmc_nl_open(struct smmc_nl *nl)
{
	int one = 1, rcvbuf = SMMC_NL_RCVBUF, ret;

	memset(nl, 0, sizeof(*nl));
	nl->seq = time(NULL);
	nl->buf_size = SMMC_NL_BUF_SIZE;
	nl->buf = malloc(nl->buf_size);
	if (!nl->buf)
		return smmc_nl_fail(nl, ENOMEM, "%s", strerror(ENOMEM));
	nl->sock = mnl_socket_open(NETLINK_GENERIC);
	if (!nl->sock) {
		ret = smmc_nl_fail(nl, errno, "netlink socket: %s", strerror(errno));
		goto err_free;
	}
	/*
	 * Extended acks carry the kernel's reason for a refusal; capped acks
	 * leave our request out of the error, which is all that comes back
	 * then. A kernel without either still answers, with less: ignore.
	 */
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	/*
	 * A receive buffer for the largest replies whatever the system's
	 * default (rmem_default may be a few KiB: VMSTAT_GET's reply alone
	 * is more), as iproute2's rtnl_open() asks for; the kernel caps it
	 * at rmem_max, which still holds every reply here.
	 */
	setsockopt(mnl_socket_get_fd(nl->sock), SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = smmc_nl_fail(nl, errno, "netlink bind: %s", strerror(errno));
		goto err_close;
	}
	nl->portid = mnl_socket_get_portid(nl->sock);
	ret = smmc_nl_resolve(nl);
	if (ret)
		goto err_close;
	return 0;

err_close:
	mnl_socket_close(nl->sock);
	nl->sock = NULL;
err_free:
	free(nl->buf);
	nl->buf = NULL;
	return ret;
}

/*
 * A client without a socket whose requests are answered from the capture
 * at @path (see capture.c). 0, or -errno with nl->err saying why.
 */
int smmc_nl_open_replay(struct smmc_nl *nl, const char *path)
{
	int ret;

	memset(nl, 0, sizeof(*nl));
	nl->buf_size = SMMC_NL_BUF_SIZE;
	nl->buf = malloc(nl->buf_size);
	if (!nl->buf)
		return smmc_nl_fail(nl, ENOMEM, "%s", strerror(ENOMEM));
	ret = smmc_capture_open(&nl->replay, path);
	if (ret) {
		free(nl->buf);
		nl->buf = NULL;
		return smmc_nl_fail(nl, -ret, "%s: %s", path, ret == -EBADMSG ?
				    "not a shadowmm capture, or a damaged one" : strerror(-ret));
	}
	nl->family = GENL_MIN_ID;
	nl->version = SHADOWMM_GENL_VERSION;
	nl->portid = 1;
	return 0;
}

/* Record every reply from now on into a new capture at @path. */
int smmc_nl_record(struct smmc_nl *nl, const char *path)
{
	int ret = smmc_capture_create(&nl->record, path);

	if (ret)
		return smmc_nl_fail(nl, -ret, "%s: %s", path, strerror(-ret));
	return 0;
}

void smmc_nl_close(struct smmc_nl *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
	smmc_capture_close(nl->record);
	smmc_capture_close(nl->replay);
	free(nl->buf);
	nl->sock = NULL;
	nl->buf = NULL;
	nl->record = NULL;
	nl->replay = NULL;
}
