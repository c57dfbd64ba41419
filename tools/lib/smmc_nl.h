/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The shadowmm netlink client shared by every tool: one generic netlink
 * socket, the family and its "events" group resolved through the genl
 * controller, requests whose whole reply is read (to the ack or to
 * NLMSG_DONE) through one callback per message, errors as text with the
 * kernel's extended ack, and table-driven attribute parsing that skips
 * attribute types it does not know.
 *
 *	struct smmc_nl nl;
 *
 *	if (smmc_nl_open(&nl))
 *		die(nl.err);
 *	nlh = smmc_nl_request(&nl, SHADOWMM_CMD_SECTION_GET, true);
 *	ret = smmc_nl_run(&nl, nlh, section_cb, &ctx);
 *	if (ret == -EINTR)
 *		retry: the state changed while the dump ran
 */
#ifndef _SMMC_NL_H
#define _SMMC_NL_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <libmnl/libmnl.h>
#include <linux/shadowmm.h>

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

/* What smmc_nl_run() returns for a dump the kernel flagged NLM_F_DUMP_INTR. */
#define SMMC_NL_DUMP_INTR	(-EINTR)

struct smmc_nl {
	struct mnl_socket *sock;
	unsigned int portid;
	uint16_t family;		/* generic netlink id of "shadowmm" */
	uint32_t version;		/* the module's SHADOWMM_GENL_VERSION */
	uint32_t events_group;		/* multicast group id of "events"; 0: none */
	uint32_t seq;			/* of the last request sent */
	char *buf;			/* requests are built and replies read here */
	size_t buf_size;
	char err[512];			/* why the last call failed */
	struct smmc_capture *record;	/* replies are also written here */
	struct smmc_capture *replay;	/* replies come from here, not a socket */
	int8_t frame_packed;		/* FRAME_GET's packed runs: 0 untried, 1 offered, -1 not */
};

int smmc_nl_open(struct smmc_nl *nl);
void smmc_nl_close(struct smmc_nl *nl);
int smmc_nl_open_replay(struct smmc_nl *nl, const char *path);
int smmc_nl_record(struct smmc_nl *nl, const char *path);

/* capture.c: replies saved as they came, to be answered again later */
struct smmc_capture;
int smmc_capture_create(struct smmc_capture **cap, const char *path);
int smmc_capture_put(struct smmc_capture *c, uint8_t cmd, bool first, const void *buf, size_t len);
int smmc_capture_open(struct smmc_capture **cap, const char *path);
ssize_t smmc_capture_get(struct smmc_capture *c, uint8_t cmd, bool first, uint32_t seq,
			 uint32_t portid, void *buf, size_t size);
void smmc_capture_close(struct smmc_capture *c);
unsigned int smmc_capture_count(const struct smmc_capture *c, uint8_t cmd);

struct nlmsghdr *smmc_nl_request(struct smmc_nl *nl, uint8_t cmd, bool dump);
int smmc_nl_run(struct smmc_nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data);

/*
 * Attribute parsing. A policy lists the mnl data type of each attribute
 * type of one nesting level that the tool understands; MNL_TYPE_UNSPEC
 * (a hole in the table) and types above max are skipped, never refused.
 *
 *	static const enum mnl_attr_data_type foo_types[SHADOWMM_A_FOO_MAX + 1] = {
 *		[SHADOWMM_A_FOO_BAR] = MNL_TYPE_U64,
 *	};
 *	static const struct smmc_attr_policy foo_policy = SMMC_ATTR_POLICY(foo_types);
 */
struct smmc_attr_policy {
	const enum mnl_attr_data_type *types;
	unsigned int max;
	const struct smmc_attr_field *fields;	/* instead of types (below) */
};

#define SMMC_ATTR_POLICY(types)	{ (types), ARRAY_SIZE(types) - 1, NULL }

/*
 * A policy that also says where each attribute of a reply goes: a table
 * by attribute type of its mnl data type and the member of the record
 * it fills (len 0: validated, kept in tb[], stored by hand). After
 * smmc_attr_parse(), smmc_attr_store() copies each attribute present
 * into the record; a U8 is a bool, a FLAG's presence sets a bool.
 *
 *	static const struct smmc_attr_field foo_fields[SHADOWMM_A_FOO_MAX + 1] = {
 *		[SHADOWMM_A_FOO_BAR] = SMMC_ATTR_U64(struct smmc_foo, bar),
 *	};
 *	static const struct smmc_attr_policy foo_policy = SMMC_ATTR_FIELDS(foo_fields);
 */
struct smmc_attr_field {
	enum mnl_attr_data_type type;
	uint16_t off, len;
};

/* The member @m of @rec, checked at build time to be @n bytes (any size if @n is 0). */
#define SMMC_ATTR_MEMBER(t, rec, m, n)						\
	{ (t), offsetof(rec, m), sizeof(((rec *)0)->m) +				\
	  0 * sizeof(struct { int x : !(n) || sizeof(((rec *)0)->m) == (n) ? 1 : -1; }) }
#define SMMC_ATTR_U64(rec, m)	SMMC_ATTR_MEMBER(MNL_TYPE_U64, rec, m, 8)
#define SMMC_ATTR_U32(rec, m)	SMMC_ATTR_MEMBER(MNL_TYPE_U32, rec, m, 4)
#define SMMC_ATTR_BOOL(rec, m)	SMMC_ATTR_MEMBER(MNL_TYPE_U8, rec, m, sizeof(bool))
#define SMMC_ATTR_FLAG(rec, m)	SMMC_ATTR_MEMBER(MNL_TYPE_FLAG, rec, m, sizeof(bool))
#define SMMC_ATTR_STR(rec, m)	SMMC_ATTR_MEMBER(MNL_TYPE_NUL_STRING, rec, m, 0)
#define SMMC_ATTR_FIELDS(fields) { NULL, ARRAY_SIZE(fields) - 1, (fields) }

int smmc_attr_parse(const struct nlmsghdr *nlh, const struct smmc_attr_policy *policy,
		    const struct nlattr **tb);
int smmc_attr_parse_nested(const struct nlattr *nest, const struct smmc_attr_policy *policy,
			   const struct nlattr **tb);
void smmc_attr_store(const struct nlattr **tb, const struct smmc_attr_policy *policy, void *rec);
unsigned int smmc_attr_u64_array(const struct nlattr *nest, uint64_t *v, unsigned int n);
void smmc_attr_strcpy(char *dst, size_t len, const struct nlattr *a, const char *dflt);

/*
 * A reply that carries numbers: the u64 attribute @type (member 0), or
 * the u64 members of type @member in the nest @type (handles), into @v,
 * which has room for @max; @n counts the handles stored.
 *
 *	uint64_t freed = 0;
 *	struct smmc_reply_u64 r = {
 *		.policy = &page_policy, .type = SHADOWMM_A_PAGE_FREED, .v = &freed,
 *	};
 *
 *	ret = smmc_nl_run(nl, nlh, smmc_reply_u64_cb, &r);
 */
#define SMMC_REPLY_MAX_ATTRS	64	/* room for any reply level's tb[] */

struct smmc_reply_u64 {
	const struct smmc_attr_policy *policy;	/* of the reply's top level */
	uint16_t type, member;
	uint64_t *v;
	uint32_t n, max;
};

int smmc_reply_u64_cb(const struct nlmsghdr *nlh, void *data);
void smmc_attr_put_u64_list(struct nlmsghdr *nlh, uint16_t type, uint16_t member,
			    const uint64_t *v, uint32_t n);

static inline uint64_t smmc_attr_u64(const struct nlattr *a, uint64_t dflt)
{
	return a ? mnl_attr_get_u64(a) : dflt;
}

static inline uint32_t smmc_attr_u32(const struct nlattr *a, uint32_t dflt)
{
	return a ? mnl_attr_get_u32(a) : dflt;
}

#endif /* _SMMC_NL_H */
