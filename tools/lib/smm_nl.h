/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The shadowmm netlink client shared by every tool: one generic netlink
 * socket, the family resolved through the controller, requests that wait
 * for their ack, dumps that run to NLMSG_DONE, and errors as text with
 * the kernel's extended ack message.
 */
#ifndef _SMM_NL_H
#define _SMM_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libmnl/libmnl.h>
#include <linux/shadowmm.h>

struct smm_nl {
	struct mnl_socket *sock;
	unsigned int portid;
	uint16_t family;
	uint32_t events_group;		/* multicast group id of "events" */
	uint32_t seq;
	char *buf;
	size_t buf_size;
	bool dump_intr;			/* a dump saw NLM_F_DUMP_INTR */
	char err[512];			/* why the last call failed */
};

int smm_nl_open(struct smm_nl *nl);
void smm_nl_close(struct smm_nl *nl);

struct nlmsghdr *smm_nl_request(struct smm_nl *nl, uint8_t cmd, bool dump);
int smm_nl_run(struct smm_nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data);

/* Attribute parsing: types[] gives each known type's mnl data type. */
struct smm_attr_spec {
	const enum mnl_attr_data_type *types;
	unsigned int max;
};

int smm_attr_parse_msg(const struct nlmsghdr *nlh, const struct smm_attr_spec *spec,
		       const struct nlattr **tb);
int smm_attr_parse_nest(const struct nlattr *nest, const struct smm_attr_spec *spec,
			const struct nlattr **tb);
unsigned int smm_attr_u64_array(const struct nlattr *nest, uint64_t *v, unsigned int n);

static inline uint64_t smm_attr_u64(const struct nlattr *a, uint64_t dflt)
{
	return a ? mnl_attr_get_u64(a) : dflt;
}

static inline uint32_t smm_attr_u32(const struct nlattr *a, uint32_t dflt)
{
	return a ? mnl_attr_get_u32(a) : dflt;
}

#endif /* _SMM_NL_H */
