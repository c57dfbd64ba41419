// SPDX-License-Identifier: GPL-2.0
/*
 * libmnl plumbing: family resolution, request/ack, dumps, extended acks.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "smm_nl.h"

/* Large enough for a PAGE_ALLOC reply of SHADOWMM_PAGE_BATCH_MAX handles. */
#define SMM_NL_BUF_SIZE		(128 * 1024)

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK		11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK		10
#endif

static int smm_attr_cb(const struct nlattr *attr, void *data)
{
	const struct smm_attr_spec *spec = ((void **)data)[0];
	const struct nlattr **tb = ((void **)data)[1];
	unsigned int type = mnl_attr_get_type(attr);

	/* a newer module's attribute: skip it, never fail on it */
	if (type > spec->max || spec->types[type] == MNL_TYPE_UNSPEC)
		return MNL_CB_OK;
	if (mnl_attr_validate(attr, spec->types[type]) < 0)
		return MNL_CB_ERROR;
	tb[type] = attr;
	return MNL_CB_OK;
}

int smm_attr_parse_msg(const struct nlmsghdr *nlh, const struct smm_attr_spec *spec,
		       const struct nlattr **tb)
{
	const void *data[2] = { spec, tb };

	memset(tb, 0, (spec->max + 1) * sizeof(*tb));
	return mnl_attr_parse(nlh, GENL_HDRLEN, smm_attr_cb, data) < 0 ? -EINVAL : 0;
}

int smm_attr_parse_nest(const struct nlattr *nest, const struct smm_attr_spec *spec,
			const struct nlattr **tb)
{
	const void *data[2] = { spec, tb };

	memset(tb, 0, (spec->max + 1) * sizeof(*tb));
	return mnl_attr_parse_nested(nest, smm_attr_cb, data) < 0 ? -EINVAL : 0;
}

/* Arrays are nests whose member i + 1 is element i. */
unsigned int smm_attr_u64_array(const struct nlattr *nest, uint64_t *v, unsigned int n)
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

static struct nlmsghdr *smm_nl_request_family(struct smm_nl *nl, uint16_t family, uint8_t cmd,
				       uint8_t version, bool dump)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nl->buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | (dump ? NLM_F_DUMP : 0);
	nlh->nlmsg_seq = ++nl->seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = version;
	return nlh;
}

struct nlmsghdr *smm_nl_request(struct smm_nl *nl, uint8_t cmd, bool dump)
{
	return smm_nl_request_family(nl, nl->family, cmd, SHADOWMM_GENL_VERSION, dump);
}

/* The error of an NLMSG_ERROR or NLMSG_DONE, with its extack message. */
static int smm_nl_error(struct smm_nl *nl, const struct nlmsghdr *nlh, int error)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	const char *msg = NULL;
	const struct nlattr *a;
	unsigned int off = 0;

	if (nlh->nlmsg_type == NLMSG_ERROR && (nlh->nlmsg_flags & NLM_F_ACK_TLVS)) {
		size_t hlen = sizeof(*e);

		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			hlen += mnl_nlmsg_get_payload_len(&e->msg);
		mnl_attr_for_each(a, nlh, hlen) {
			if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG &&
			    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
				msg = mnl_attr_get_str(a);
			else if (mnl_attr_get_type(a) == NLMSGERR_ATTR_OFFS &&
				 mnl_attr_validate(a, MNL_TYPE_U32) == 0)
				off = mnl_attr_get_u32(a);
		}
	}
	if (msg && off)
		snprintf(nl->err, sizeof(nl->err), "%s (%s, attribute at offset %u)", msg,
			 strerror(error), off);
	else if (msg)
		snprintf(nl->err, sizeof(nl->err), "%s (%s)", msg, strerror(error));
	else
		snprintf(nl->err, sizeof(nl->err), "%s", strerror(error));
	return -error;
}

struct smm_nl_run_ctx {
	struct smm_nl *nl;
	mnl_cb_t cb;
	void *data;
	int error;
};

static int smm_nl_data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct smm_nl_run_ctx *ctx = data;

	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		ctx->nl->dump_intr = true;
	return ctx->cb ? ctx->cb(nlh, ctx->data) : MNL_CB_OK;
}

static int smm_nl_err_cb(const struct nlmsghdr *nlh, void *data)
{
	struct smm_nl_run_ctx *ctx = data;
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e)) {
		ctx->error = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (e->error == 0)
		return MNL_CB_STOP;	/* the ack */
	ctx->error = -e->error;
	smm_nl_error(ctx->nl, nlh, -e->error);
	return MNL_CB_ERROR;
}

static int smm_nl_done_cb(const struct nlmsghdr *nlh, void *data)
{
	struct smm_nl_run_ctx *ctx = data;
	const int *err = mnl_nlmsg_get_payload(nlh);

	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(*err) && *err < 0) {
		ctx->error = -*err;
		smm_nl_error(ctx->nl, nlh, -*err);
		return MNL_CB_ERROR;
	}
	return MNL_CB_STOP;
}

/*
 * Send @nlh and feed every reply to @cb until the ack (a request) or
 * NLMSG_DONE (a dump). Returns 0, or -errno with nl->err saying why;
 * -EINTR when a dump was interrupted by a change (retry it).
 */
int smm_nl_run(struct smm_nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	struct smm_nl_run_ctx ctx = { .nl = nl, .cb = cb, .data = data };
	mnl_cb_t ctl[NLMSG_MIN_TYPE] = {
		[NLMSG_ERROR] = smm_nl_err_cb,
		[NLMSG_DONE] = smm_nl_done_cb,
	};
	uint32_t seq = nlh->nlmsg_seq;
	int ret;

	nl->dump_intr = false;
	nl->err[0] = '\0';
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0) {
		snprintf(nl->err, sizeof(nl->err), "send: %s", strerror(errno));
		return -errno;
	}
	do {
		ret = mnl_socket_recvfrom(nl->sock, nl->buf, nl->buf_size);
		if (ret < 0) {
			snprintf(nl->err, sizeof(nl->err), "receive: %s", strerror(errno));
			return -errno;
		}
		ret = mnl_cb_run2(nl->buf, ret, seq, nl->portid, smm_nl_data_cb, &ctx, ctl,
				  NLMSG_MIN_TYPE);
	} while (ret > MNL_CB_STOP);
	if (ret < 0) {
		if (!ctx.error) {
			ctx.error = errno ? errno : EPROTO;
			snprintf(nl->err, sizeof(nl->err), "%s", strerror(ctx.error));
		}
		return -ctx.error;
	}
	if (nl->dump_intr) {
		snprintf(nl->err, sizeof(nl->err),
			 "dump interrupted: the state changed during the dump");
		return -EINTR;
	}
	return 0;
}

struct smm_family_ctx {
	struct smm_nl *nl;
	bool found;
};

static int smm_mcgrp_cb(const struct nlattr *grp, struct smm_nl *nl)
{
	const struct nlattr *a, *name = NULL, *id = NULL;

	mnl_attr_for_each_nested(a, grp) {
		if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_NAME &&
		    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
			name = a;
		else if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_ID &&
			 mnl_attr_validate(a, MNL_TYPE_U32) == 0)
			id = a;
	}
	if (name && id && !strcmp(mnl_attr_get_str(name), SHADOWMM_MCGRP_EVENTS))
		nl->events_group = mnl_attr_get_u32(id);
	return 0;
}

static int smm_family_cb(const struct nlmsghdr *nlh, void *data)
{
	struct smm_family_ctx *ctx = data;
	const struct nlattr *a, *g;

	mnl_attr_for_each(a, nlh, GENL_HDRLEN) {
		switch (mnl_attr_get_type(a)) {
		case CTRL_ATTR_FAMILY_ID:
			if (mnl_attr_validate(a, MNL_TYPE_U16) == 0) {
				ctx->nl->family = mnl_attr_get_u16(a);
				ctx->found = true;
			}
			break;
		case CTRL_ATTR_MCAST_GROUPS:
			mnl_attr_for_each_nested(g, a)
				smm_mcgrp_cb(g, ctx->nl);
			break;
		}
	}
	return MNL_CB_OK;
}

static int smm_nl_resolve(struct smm_nl *nl)
{
	struct smm_family_ctx ctx = { .nl = nl };
	struct nlmsghdr *nlh;
	int ret;

	nlh = smm_nl_request_family(nl, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, false);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, SHADOWMM_GENL_NAME);
	ret = smm_nl_run(nl, nlh, smm_family_cb, &ctx);
	if (ret == -ENOENT || (!ret && !ctx.found)) {
		snprintf(nl->err, sizeof(nl->err),
			 "shadowmm: generic netlink family not found (is shadowmm.ko loaded?)");
		return -ENOENT;
	}
	return ret;
}

int smm_nl_open(struct smm_nl *nl)
{
	int one = 1, ret;

	memset(nl, 0, sizeof(*nl));
	nl->buf_size = SMM_NL_BUF_SIZE;
	nl->buf = malloc(nl->buf_size);
	nl->seq = time(NULL);
	nl->sock = mnl_socket_open(NETLINK_GENERIC);
	if (!nl->buf || !nl->sock) {
		snprintf(nl->err, sizeof(nl->err), "netlink socket: %s", strerror(errno));
		ret = -errno;
		goto err_close;
	}
	/* extended acks, without our request echoed back in every error */
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		snprintf(nl->err, sizeof(nl->err), "netlink bind: %s", strerror(errno));
		ret = -errno;
		goto err_close;
	}
	nl->portid = mnl_socket_get_portid(nl->sock);
	ret = smm_nl_resolve(nl);
	if (ret)
		goto err_close;
	return 0;

err_close:
	if (nl->sock)
		mnl_socket_close(nl->sock);
	free(nl->buf);
	nl->sock = NULL;
	nl->buf = NULL;
	return ret;
}

void smm_nl_close(struct smm_nl *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
	free(nl->buf);
	nl->sock = NULL;
	nl->buf = NULL;
}
