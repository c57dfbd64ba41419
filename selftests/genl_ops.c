// SPDX-License-Identifier: GPL-2.0
/*
 * genl_ops NAME: the operations the generic netlink controller lists for
 * family NAME, one "ID FLAGS" line each, in decimal (FLAGS: GENL_ADMIN_PERM
 * 1, GENL_CMD_CAP_DO 2, GENL_CMD_CAP_DUMP 4, GENL_CMD_CAP_HASPOL 8).
 *
 * iproute2's genl prints an op's capabilities only for a family of version
 * 2 or later (it takes the family's version for the controller's), and
 * shadowmm is version 1; test_genl.sh reads the flags through this
 * instead. It asks the controller (CTRL_CMD_GETFAMILY) directly, not
 * through our client library, so it sees what any client sees.
 * Exit status: 0, or 1 with a message on stderr.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

/* One op of CTRL_ATTR_OPS: its id and flags; unknown attributes skipped. */
static int op_attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(a);

	if (type != CTRL_ATTR_OP_ID && type != CTRL_ATTR_OP_FLAGS)
		return MNL_CB_OK;
	if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
		return MNL_CB_ERROR;
	tb[type] = a;
	return MNL_CB_OK;
}

static int print_ops(const struct nlattr *ops)
{
	const struct nlattr *op;
	int n = 0;

	mnl_attr_for_each_nested(op, ops) {
		const struct nlattr *tb[CTRL_ATTR_OP_MAX + 1] = { NULL };

		if (mnl_attr_parse_nested(op, op_attr_cb, tb) < 0 || !tb[CTRL_ATTR_OP_ID]) {
			fprintf(stderr, "genl_ops: an op without a valid id\n");
			return -1;
		}
		printf("%u %u\n", mnl_attr_get_u32(tb[CTRL_ATTR_OP_ID]),
		       tb[CTRL_ATTR_OP_FLAGS] ? mnl_attr_get_u32(tb[CTRL_ATTR_OP_FLAGS]) : 0);
		n++;
	}
	return n;
}

/* The family's attributes: only CTRL_ATTR_OPS matters here. */
static int family_attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_get_type(a) != CTRL_ATTR_OPS)
		return MNL_CB_OK;
	if (mnl_attr_validate(a, MNL_TYPE_NESTED) < 0)
		return MNL_CB_ERROR;
	tb[CTRL_ATTR_OPS] = a;
	return MNL_CB_OK;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1] = { NULL };
	int *listed = data;

	if (mnl_attr_parse(nlh, sizeof(struct genlmsghdr), family_attr_cb, tb) < 0)
		return MNL_CB_ERROR;
	*listed = tb[CTRL_ATTR_OPS] ? print_ops(tb[CTRL_ATTR_OPS]) : 0;
	return *listed < 0 ? MNL_CB_ERROR : MNL_CB_OK;
}

int main(int argc, char **argv)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *nl;
	struct genlmsghdr *genl;
	struct nlmsghdr *nlh;
	unsigned int seq = time(NULL), portid;
	int ret, listed = 0, status = 1;

	if (argc != 2) {
		fprintf(stderr, "usage: genl_ops FAMILY\n");
		return 1;
	}
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = CTRL_CMD_GETFAMILY;
	genl->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, argv[1]);

	nl = mnl_socket_open(NETLINK_GENERIC);
	if (!nl) {
		perror("genl_ops: mnl_socket_open");
		return 1;
	}
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("genl_ops: mnl_socket_bind");
		goto err_close;
	}
	portid = mnl_socket_get_portid(nl);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		perror("genl_ops: mnl_socket_sendto");
		goto err_close;
	}
	do {
		ret = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (ret <= 0)
			break;
		ret = mnl_cb_run(buf, ret, seq, portid, family_cb, &listed);
	} while (ret > 0);
	if (ret < 0) {
		fprintf(stderr, "genl_ops: family %s: %s\n", argv[1], strerror(errno));
		goto err_close;
	}
	status = 0;
err_close:
	mnl_socket_close(nl);
	return status;
}
