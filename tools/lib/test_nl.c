// SPDX-License-Identifier: GPL-2.0
/*
 * The netlink client without a module: replies are built by hand in a
 * buffer and fed to the same code that reads the socket, and the
 * parsers get messages with attributes they do not know. Checks:
 *
 *  - parsers keep known attributes, skip unknown ones (a newer module),
 *    refuse a known attribute of the wrong size, and tell an absent BASE;
 *  - a reply is read to its end (ack, NLMSG_DONE, error) and only the
 *    messages of our request reach the callback;
 *  - a dump flagged NLM_F_DUMP_INTR is read to NLMSG_DONE and reported
 *    as "dump interrupted: ...";
 *  - a failing callback stops the callbacks, not the reading;
 *  - kernel errors read "<extack message> (<errno text>; <where>)";
 *  - the controller's answer gives the family id and the "events" group;
 *  - on a kernel without the family, smmc_nl_open() says so;
 *  - a cache of CACHE_GET keeps every field, skipping unknown ones.
 *  - a capture answers its requests again (wrapping around), refuses a
 *    request it has no reply for and a damaged file; frame runs parse
 *    inline with the same rules (unknown types skipped, wrong sizes not);
 *  - zones are dumped again while a zone's message is flagged changing,
 *    and the last dump is kept when every try was;
 *  - an event parses, skipping zones and attributes it does not know.
 *
 * TAP output; exit 1 on any failure.
 */
#include "smmc_nl.c"

#include <inttypes.h>
#include <unistd.h>

#include "libsmm.h"
#include "test_check.h"

#define NR_TESTS	44
#define PORTID		4242
#define SEQ		77

/* ---- building replies ---- */

static union {
	char buf[16384];
	uint32_t align;
} msgs;
static size_t used;

static struct nlmsghdr *put_msg(uint16_t type, uint16_t flags, uint32_t seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(msgs.buf + used);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = PORTID;
	return nlh;
}

static struct nlmsghdr *put_genl(uint8_t cmd, uint16_t flags, uint32_t seq)
{
	struct nlmsghdr *nlh = put_msg(0x20, flags, seq);
	struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));

	g->cmd = cmd;
	g->version = SHADOWMM_GENL_VERSION;
	return nlh;
}

static void end_msg(struct nlmsghdr *nlh)
{
	used += MNL_ALIGN(nlh->nlmsg_len);
}

static void put_ack(int error, uint16_t flags, const char *msg, int offs, int miss)
{
	struct nlmsghdr *nlh = put_msg(NLMSG_ERROR, flags, SEQ);
	struct nlmsgerr *e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));

	e->error = error;
	e->msg.nlmsg_len = sizeof(e->msg);
	e->msg.nlmsg_seq = SEQ;
	if (!(flags & NLM_F_CAPPED)) {
		/* the echoed request: a header and 8 bytes of payload */
		e->msg.nlmsg_len += 8;
		memset(mnl_nlmsg_put_extra_header(nlh, 8), 0xee, 8);
	}
	if (msg)
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, msg);
	if (offs >= 0)
		mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS, offs);
	if (miss >= 0)
		mnl_attr_put_u32(nlh, NLMSGERR_ATTR_MISS_TYPE, miss);
	end_msg(nlh);
}

static void put_done(int error, const char *msg)
{
	struct nlmsghdr *nlh = put_msg(NLMSG_DONE, NLM_F_MULTI | (msg ? NLM_F_ACK_TLVS : 0), SEQ);

	memcpy(mnl_nlmsg_put_extra_header(nlh, sizeof(error)), &error, sizeof(error));
	if (msg)
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, msg);
	end_msg(nlh);
}

/* One SECTION_GET message carrying @index. */
static void put_section(uint16_t flags, uint32_t seq, uint32_t index)
{
	struct nlmsghdr *nlh = put_genl(SHADOWMM_CMD_SECTION_GET, flags, seq);

	mnl_attr_put_u32(nlh, SHADOWMM_A_SECTION_INDEX, index);
	mnl_attr_put_u64(nlh, SHADOWMM_A_SECTION_NR_FRAMES, 16);
	end_msg(nlh);
}

/* ---- reading them ---- */

static struct smmc_nl nl;

struct seen {
	unsigned int calls;
	uint32_t index[16];
	int fail_at;		/* the call that returns MNL_CB_ERROR, 0: none */
};

static int section_cb(const struct nlmsghdr *nlh, void *data)
{
	struct seen *seen = data;
	struct smmc_section s;

	if (smmc_section_parse(nlh, &s))
		return MNL_CB_ERROR;
	if (seen->calls < ARRAY_SIZE(seen->index))
		seen->index[seen->calls] = s.index;
	if (++seen->calls == (unsigned int)seen->fail_at)
		return MNL_CB_ERROR;
	return MNL_CB_OK;
}

/* Feed what was built as one datagram, as smmc_nl_run() would; reset the buffer. */
static int read_reply(struct seen *seen, bool *done)
{
	struct smmc_nl_reply r = { .nl = &nl, .cb = section_cb, .data = seen, .seq = SEQ };

	nl.portid = PORTID;
	nl.err[0] = '\0';
	smmc_nl_reply_batch(&r, msgs.buf, used);
	used = 0;
	*done = r.done;
	return smmc_nl_reply_result(&r);
}

/* ---- tests ---- */

static void test_info_parse(void)
{
	struct nlmsghdr *nlh = put_genl(SHADOWMM_CMD_INFO_GET, 0, SEQ);
	struct smmc_info info;

	mnl_attr_put_u32(nlh, 200, 0xdead);	/* a type far beyond ours */
	mnl_attr_put_u64(nlh, SHADOWMM_A_INFO_SIZE, 64 << 20);
	mnl_attr_put_u32(nlh, SHADOWMM_A_INFO_PAGE_SIZE, 4096);
	mnl_attr_put_u64(nlh, SHADOWMM_A_INFO_NR_FRAMES, 16384);
	mnl_attr_put_u32(nlh, SHADOWMM_A_INFO_MODE, SHADOWMM_MODE_BORROWED);
	mnl_attr_put_strz(nlh, SHADOWMM_A_INFO_VERSION, "0.1.0");
	mnl_attr_put(nlh, SHADOWMM_A_INFO_MAX + 1, 3, "new");	/* the next one appended */
	mnl_attr_put_u32(nlh, SHADOWMM_A_INFO_MAX_ORDER, 10);
	mnl_attr_put(nlh, SHADOWMM_A_INFO_UNSPEC, 2, "xx");
	CHECK(!smmc_info_parse(nlh, &info), "info: unknown attribute types are skipped");
	CHECK(info.size == 64 << 20 && info.page_size == 4096 && info.nr_frames == 16384 &&
	      info.max_order == 10 && !strcmp(info.version, "0.1.0"),
	      "info: known attributes around them are kept");
	CHECK(!info.has_base && !info.base && !info.kernel[0] && !info.span_frames,
	      "info: absent attributes read as 0 and has_base is false");
	CHECK(!strcmp(smmc_mode_name(info.mode), "borrowed"), "info: mode name");
	used = 0;

	nlh = put_genl(SHADOWMM_CMD_INFO_GET, 0, SEQ);
	mnl_attr_put_u32(nlh, SHADOWMM_A_INFO_SIZE, 1);		/* a u64 sent as u32 */
	CHECK(smmc_info_parse(nlh, &info) == -EBADMSG, "info: a known attribute of the wrong size "
	      "is refused");
	used = 0;

	nlh = put_genl(SHADOWMM_CMD_INFO_GET, 0, SEQ);
	mnl_attr_put(nlh, SHADOWMM_A_INFO_KERNEL, 3, "abc");	/* no NUL */
	CHECK(smmc_info_parse(nlh, &info) == -EBADMSG, "info: a string without its NUL is refused");
	used = 0;
}

static void test_section_parse(void)
{
	struct nlmsghdr *nlh = put_genl(SHADOWMM_CMD_SECTION_GET, NLM_F_MULTI, SEQ);
	struct smmc_section s;

	mnl_attr_put_u32(nlh, SHADOWMM_A_SECTION_INDEX, 3);
	mnl_attr_put_u64(nlh, SHADOWMM_A_SECTION_BASE, 0x10000000);
	mnl_attr_put_u64(nlh, SHADOWMM_A_SECTION_START, 4096);
	mnl_attr_put_u64(nlh, SHADOWMM_A_SECTION_NR_FRAMES, 1024);
	mnl_attr_put_u64(nlh, SHADOWMM_A_SECTION_MAX + 7, 1);
	CHECK(!smmc_section_parse(nlh, &s) && s.index == 3 && s.has_base && s.base == 0x10000000 &&
	      s.start == 4096 && s.nr_frames == 1024, "section: every field, BASE present");
	used = 0;
}

static void test_cache_parse(void)
{
	struct nlmsghdr *nlh = put_genl(SHADOWMM_CMD_CACHE_GET, NLM_F_MULTI, SEQ);
	struct smmc_cache c;

	mnl_attr_put_strz(nlh, SHADOWMM_A_CACHE_NAME, "kmalloc-256");
	mnl_attr_put_u32(nlh, SHADOWMM_A_CACHE_ID, 7);
	mnl_attr_put_u8(nlh, SHADOWMM_A_CACHE_BUILTIN, 1);
	mnl_attr_put_u32(nlh, SHADOWMM_A_CACHE_OBJECT_SIZE, 256);
	mnl_attr_put_u32(nlh, SHADOWMM_A_CACHE_FLAGS, SHADOWMM_CACHE_HARDENED);
	mnl_attr_put_u32(nlh, SHADOWMM_A_CACHE_ORDER, 0);
	mnl_attr_put_u32(nlh, SHADOWMM_A_CACHE_OBJS_PER_SLAB, 15);
	mnl_attr_put_u64(nlh, SHADOWMM_A_CACHE_MAX + 3, 1);	/* newer module */
	mnl_attr_put_u64(nlh, SHADOWMM_A_CACHE_ACTIVE_OBJS, 20);
	mnl_attr_put_u64(nlh, SHADOWMM_A_CACHE_NUM_OBJS, 30);
	mnl_attr_put_u64(nlh, SHADOWMM_A_CACHE_ERRORS, 2);
	CHECK(!smmc_cache_parse(nlh, &c) && !strcmp(c.name, "kmalloc-256") && c.id == 7 &&
	      c.builtin && c.object_size == 256 && c.flags == SHADOWMM_CACHE_HARDENED &&
	      c.objs_per_slab == 15 && c.active_objs == 20 && c.num_objs == 30 && c.errors == 2 &&
	      !c.num_slabs, "cache: known fields kept, unknown skipped, absent read as 0");
	used = 0;

	nlh = put_genl(SHADOWMM_CMD_CACHE_GET, NLM_F_MULTI, SEQ);
	mnl_attr_put_u32(nlh, SHADOWMM_A_CACHE_NUM_SLABS, 1);	/* a u64 sent as u32 */
	CHECK(smmc_cache_parse(nlh, &c) == -EBADMSG, "cache: a known attribute of the wrong size "
	      "is refused");
	used = 0;
}

static void test_doit(void)
{
	struct seen seen = { 0 };
	bool done;
	int ret;

	put_section(0, SEQ, 5);
	put_ack(0, NLM_F_CAPPED, NULL, -1, -1);
	put_section(0, SEQ, 6);		/* after the ack: not ours to read */
	ret = read_reply(&seen, &done);
	CHECK(!ret && done && seen.calls == 1 && seen.index[0] == 5,
	      "doit: the reply reaches the callback, the ack ends it");
}

static void test_foreign(void)
{
	struct seen seen = { 0 };
	bool done;
	int ret;

	put_section(NLM_F_MULTI, SEQ - 1, 1);	/* left over from an earlier request */
	put_section(0, 0, 2);			/* a multicast event */
	put_section(NLM_F_MULTI, SEQ, 3);
	put_done(0, NULL);
	ret = read_reply(&seen, &done);
	CHECK(!ret && done && seen.calls == 1 && seen.index[0] == 3,
	      "dump: messages of other requests and events are skipped");
}

static void test_dump_intr(void)
{
	struct seen seen = { 0 };
	bool done;
	int ret;

	put_section(NLM_F_MULTI, SEQ, 0);
	put_section(NLM_F_MULTI | NLM_F_DUMP_INTR, SEQ, 1);
	put_section(NLM_F_MULTI, SEQ, 2);
	put_done(0, NULL);
	ret = read_reply(&seen, &done);
	CHECK(ret == SMMC_NL_DUMP_INTR && done && seen.calls == 3,
	      "dump: NLM_F_DUMP_INTR is read to NLMSG_DONE and returns SMMC_NL_DUMP_INTR");
	CHECK_STR(nl.err, "dump interrupted: state changed during the dump",
		  "dump: the interruption's message");
}

static void test_cb_error(void)
{
	struct seen seen = { .fail_at = 1 };
	bool done;
	int ret;

	put_section(NLM_F_MULTI, SEQ, 0);
	put_section(NLM_F_MULTI, SEQ, 1);
	put_done(0, NULL);
	ret = read_reply(&seen, &done);
	CHECK(ret == -EBADMSG && done && seen.calls == 1,
	      "dump: after a callback fails the rest is drained, not parsed");
	CHECK_STR(nl.err, "malformed reply from the kernel (Bad message)",
		  "dump: a callback failure without errno reads as a malformed reply");
}

static void test_errors(void)
{
	struct seen seen = { 0 };
	bool done;
	int ret;

	put_ack(-ERANGE, NLM_F_CAPPED | NLM_F_ACK_TLVS, "order is out of range", 20, -1);
	ret = read_reply(&seen, &done);
	CHECK(ret == -ERANGE && done, "error: the errno comes back negative");
	CHECK_STR(nl.err, "order is out of range (Numerical result out of range; "
		  "attribute at offset 20)", "error: extack message, errno text, offset");

	put_ack(-EINVAL, NLM_F_ACK_TLVS, "give either handles or all", -1, -1);
	read_reply(&seen, &done);
	CHECK_STR(nl.err, "give either handles or all (Invalid argument)",
		  "error: extack found after an echoed request (no NETLINK_CAP_ACK)");

	put_ack(-EINVAL, NLM_F_CAPPED | NLM_F_ACK_TLVS, NULL, -1, SHADOWMM_A_PAGE_ORDER);
	read_reply(&seen, &done);
	CHECK_STR(nl.err, "Invalid argument (missing attribute 2)",
		  "error: a missing attribute without a message");

	put_ack(-EPERM, NLM_F_CAPPED, NULL, -1, -1);
	ret = read_reply(&seen, &done);
	CHECK(ret == -EPERM, "error: EPERM without an extended ack");
	CHECK_STR(nl.err, "Operation not permitted", "error: the errno text alone");

	put_section(NLM_F_MULTI, SEQ, 0);
	put_done(-ERANGE, "start is past the end of the range");
	ret = read_reply(&seen, &done);
	CHECK(ret == -ERANGE && done, "error: a dump that fails in NLMSG_DONE");
	CHECK_STR(nl.err, "start is past the end of the range (Numerical result out of range)",
		  "error: NLMSG_DONE's extended ack");
}

static void test_truncated(void)
{
	struct seen seen = { 0 };
	struct nlmsghdr *nlh = put_msg(NLMSG_ERROR, 0, SEQ);
	bool done;
	int ret;

	mnl_nlmsg_put_extra_header(nlh, 4);	/* an error code and nothing else */
	end_msg(nlh);
	ret = read_reply(&seen, &done);
	CHECK(ret == -EBADMSG && done, "error: a truncated NLMSG_ERROR is a malformed reply");
}

static void test_family(void)
{
	struct nlmsghdr *nlh = put_genl(CTRL_CMD_NEWFAMILY, 0, SEQ);
	struct nlattr *groups, *g;
	struct smmc_nl f = { 0 };
	static const char *const names[] = { "other", SHADOWMM_MCGRP_EVENTS };
	unsigned int i;

	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, SHADOWMM_GENL_NAME);
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, 0x1c);
	mnl_attr_put_u32(nlh, CTRL_ATTR_VERSION, 1);
	groups = mnl_attr_nest_start(nlh, CTRL_ATTR_MCAST_GROUPS);
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		g = mnl_attr_nest_start(nlh, i + 1);
		mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_ID, 8 + i);
		mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME, names[i]);
		mnl_attr_nest_end(nlh, g);
	}
	mnl_attr_nest_end(nlh, groups);
	CHECK(smmc_nl_family_cb(nlh, &f) == MNL_CB_OK && f.family == 0x1c && f.version == 1 &&
	      f.events_group == 9, "family: id, version and the events group");
	used = 0;
}

static void test_units(void)
{
	char buf[32];

	CHECK_STR(smmc_fmt_bytes(buf, sizeof(buf), 64 << 20), "64 MiB", "units: 64 MiB");
	CHECK_STR(smmc_fmt_bytes(buf, sizeof(buf), 3ULL << 29), "1.5 GiB", "units: 1.5 GiB");
	CHECK_STR(smmc_fmt_bytes(buf, sizeof(buf), 1000), "1000 B", "units: below 1 KiB");
}

/* The real controller, on a kernel where shadowmm is not loaded. */
static void test_open(void)
{
	struct smmc_nl n;
	int ret;

	if (!access("/sys/module/shadowmm", F_OK)) {
		printf("ok %d open: family not found # SKIP shadowmm is loaded\n", ++tests);
		return;
	}
	ret = smmc_nl_open(&n);
	if (ret != -ENOENT && strstr(n.err, "netlink socket")) {
		printf("ok %d open: family not found # SKIP %s\n", ++tests, n.err);
		return;
	}
	CHECK(ret == -ENOENT && !n.sock && !n.buf &&
	      !strcmp(n.err, "shadowmm: generic netlink family not found "
			     "(is shadowmm.ko loaded?)"), "open: family not found (saw \"%s\")",
	      n.err);
	smmc_nl_close(&n);
}

/* ---- captures ---- */

static char cap_path[64];

/* Write what was built as one datagram (the first of a reply to @cmd), and a DONE. */
static void cap_reply(struct smmc_capture *c, uint8_t cmd)
{
	smmc_capture_put(c, cmd, true, msgs.buf, used);
	used = 0;
	put_done(0, NULL);
	smmc_capture_put(c, cmd, false, msgs.buf, used);
	used = 0;
}

static void put_run(struct nlmsghdr *nlh, uint64_t start, uint64_t count, bool bad)
{
	struct nlattr *r = mnl_attr_nest_start(nlh, SHADOWMM_A_FRAME_RUN);

	mnl_attr_put_u64(nlh, SHADOWMM_A_RUN_START, start);
	if (bad)
		mnl_attr_put_u32(nlh, SHADOWMM_A_RUN_COUNT, count);	/* u64 expected */
	else
		mnl_attr_put_u64(nlh, SHADOWMM_A_RUN_COUNT, count);
	mnl_attr_put_u32(nlh, 99, 0xdead);				/* a newer module's */
	mnl_attr_put_u32(nlh, SHADOWMM_A_RUN_STATE, SHADOWMM_FRAME_PAGE);
	mnl_attr_nest_end(nlh, r);
}

static int run_cb(const struct smmc_run *run, void *data)
{
	uint64_t *sum = data;

	sum[0]++;
	sum[1] += run->count;
	sum[2] += run->state;
	return 0;
}

/*
 * One ZONE_GET message: Normal with its marks (boost included), the boost,
 * the highatomic reserve and free_factor of CPUs 0 and 2 (1 and 3 offline),
 * then members the parser must skip: 0, CPU 1 after 2, CPU 3 as a u64.
 */
static void put_zone(uint16_t flags)
{
	struct nlmsghdr *nlh = put_genl(SHADOWMM_CMD_ZONE_GET, NLM_F_MULTI | flags, 5);
	struct nlattr *ff;

	mnl_attr_put_u32(nlh, SHADOWMM_A_ZONE_ID, 2);
	mnl_attr_put_strz(nlh, SHADOWMM_A_ZONE_NAME, "Normal");
	mnl_attr_put_u64(nlh, SHADOWMM_A_ZONE_MANAGED, 262144);
	mnl_attr_put_u64(nlh, SHADOWMM_A_ZONE_WMARK_MIN, 1280);
	mnl_attr_put_u64(nlh, SHADOWMM_A_ZONE_BOOST, 512);
	mnl_attr_put_u64(nlh, SHADOWMM_A_ZONE_NR_RESERVED_HIGHATOMIC, 1024);
	ff = mnl_attr_nest_start(nlh, SHADOWMM_A_ZONE_PCP_FREE_FACTOR);
	mnl_attr_put_u32(nlh, 0 + 1, 3);
	mnl_attr_put_u32(nlh, 2 + 1, 5);
	mnl_attr_put_u32(nlh, 0, 4);
	mnl_attr_put_u32(nlh, 1 + 1, 1);
	mnl_attr_put_u64(nlh, 3 + 1, 2);
	mnl_attr_nest_end(nlh, ff);
	end_msg(nlh);
}

static void test_capture(void)
{
	struct smmc_zone zones[SMMC_NR_ZONES];
	struct smmc_section *sec = NULL;
	unsigned int nz = 0;
	struct smmc_capture *c;
	struct nlmsghdr *nlh;
	struct nlattr *runs;
	uint64_t sum[3] = { 0 };
	struct smmc_nl r;
	size_t n = 0;
	FILE *f;
	int ret;

	snprintf(cap_path, sizeof(cap_path), "/tmp/test_nl.%d.cap", (int)getpid());
	CHECK(!smmc_capture_create(&c, cap_path), "capture: create %s", cap_path);
	put_section(NLM_F_MULTI, 5, 0);
	put_section(NLM_F_MULTI, 5, 1);
	cap_reply(c, SHADOWMM_CMD_SECTION_GET);
	nlh = put_genl(SHADOWMM_CMD_FRAME_GET, NLM_F_MULTI, 5);
	runs = mnl_attr_nest_start(nlh, SHADOWMM_A_FRAME_RUNS);
	put_run(nlh, 0, 10, false);
	put_run(nlh, 10, 5, true);
	put_run(nlh, 15, 7, false);
	mnl_attr_nest_end(nlh, runs);
	end_msg(nlh);
	cap_reply(c, SHADOWMM_CMD_FRAME_GET);
	put_zone(0);
	cap_reply(c, SHADOWMM_CMD_ZONE_GET);
	smmc_capture_close(c);

	ret = smmc_nl_open_replay(&r, cap_path);
	CHECK(!ret, "capture: opened for replay (%s)", r.err);
	if (ret)
		return;
	ret = smmc_sections_get(&r, &sec, &n);
	CHECK(!ret && n == 2 && sec[1].index == 1, "capture: a dump replayed (%d, %zu)", ret, n);
	free(sec);
	sec = NULL;
	ret = smmc_frames_get(&r, 0, 0, run_cb, sum);
	CHECK(!ret && sum[0] == 2 && sum[1] == 17 && sum[2] == 2 * SHADOWMM_FRAME_PAGE,
	      "capture: runs inline, unknown type skipped, a wrong size refused (%" PRIu64
	      " runs)", sum[0]);
	ret = smmc_sections_get(&r, &sec, &n);
	CHECK(!ret && n == 2, "capture: wraps around for the next refresh");
	free(sec);
	ret = smmc_zones_get(&r, zones, &nz);
	CHECK(!ret && nz == 1 && zones[0].wmark_min == 1280 && zones[0].boost == 512 &&
	      zones[0].nr_reserved_highatomic == 1024 && zones[0].nr_pcp_cpus == 2 &&
	      zones[0].pcp_cpus[0].cpu == 0 && zones[0].pcp_cpus[0].free_factor == 3 &&
	      zones[0].pcp_cpus[1].cpu == 2 && zones[0].pcp_cpus[1].free_factor == 5,
	      "capture: a zone's boost, highatomic reserve and per-CPU free_factor; a wrong "
	      "size, a CPU out of order and member 0 skipped (%d, %u zones, %u CPUs)", ret, nz,
	      nz ? zones[0].nr_pcp_cpus : 0);
	ret = smmc_info_get(&r, &(struct smmc_info){ 0 });
	CHECK_STR(r.err, "replay: the capture has no reply to this request",
		  "capture: a request it has no reply for");
	smmc_nl_close(&r);

	f = fopen(cap_path, "r+b");
	if (f) {
		fseek(f, 12, SEEK_SET);			/* the first record's length */
		fputc(0x7f, f);
		fputc(0x7f, f);
		fclose(f);
	}
	ret = smmc_nl_open_replay(&r, cap_path);
	CHECK(ret == -EBADMSG, "capture: a damaged record is refused (%s)", r.err);
	smmc_nl_close(&r);
	unlink(cap_path);
}

/*
 * smmc_zones_get() over a capture whose ZONE_GET replies are @flagged
 * dumps flagged NLM_F_DUMP_INTR, then a clean one.
 */
static int zones_after(unsigned int flagged, unsigned int *nz, uint64_t *wmark_min)
{
	struct smmc_zone zones[SMMC_NR_ZONES];
	struct smmc_capture *c;
	struct smmc_nl r;
	unsigned int i;
	int ret;

	if (smmc_capture_create(&c, cap_path))
		return -EIO;
	for (i = 0; i <= flagged; i++) {
		put_zone(i < flagged ? NLM_F_DUMP_INTR : 0);
		cap_reply(c, SHADOWMM_CMD_ZONE_GET);
	}
	smmc_capture_close(c);
	ret = smmc_nl_open_replay(&r, cap_path);
	if (!ret)
		ret = smmc_zones_get(&r, zones, nz);
	*wmark_min = *nz ? zones[0].wmark_min : 0;
	smmc_nl_close(&r);
	unlink(cap_path);
	return ret;
}

static void test_zone_retry(void)
{
	unsigned int flagged = SMMC_ZONE_DUMP_TRIES - 1, nz = 0;
	uint64_t wmark_min;
	int ret;

	ret = zones_after(flagged, &nz, &wmark_min);
	CHECK(!ret && nz == 1, "zones: dumped again while flagged, %u times (%d)", flagged, ret);
	ret = zones_after(flagged + 1, &nz, &wmark_min);
	CHECK(ret == SMMC_NL_DUMP_INTR && nz == 1 && wmark_min == 1280,
	      "zones: the last of %d flagged dumps is kept, SMMC_NL_DUMP_INTR (%d, %u zones)",
	      SMMC_ZONE_DUMP_TRIES, ret, nz);
}

/* One SHADOWMM_A_VMSTAT_COUNTER nest, as the module puts it */
static void put_vmstat_ctr(struct nlmsghdr *nlh, const char *name, uint64_t value)
{
	struct nlattr *c = mnl_attr_nest_start(nlh, SHADOWMM_A_VMSTAT_COUNTER);

	mnl_attr_put_strz(nlh, SHADOWMM_A_VMSTAT_CTR_NAME, name);
	mnl_attr_put_u64(nlh, SHADOWMM_A_VMSTAT_CTR_VALUE, value);
	mnl_attr_nest_end(nlh, c);
}

static void test_event_parse(void)
{
	struct nlmsghdr *nlh = put_genl(SHADOWMM_CMD_EVENT, 0, 0);
	struct nlattr *zones, *z;
	struct smmc_event ev;
	unsigned int id;

	mnl_attr_put_u64(nlh, SHADOWMM_A_EVENT_SEQ, 42);
	mnl_attr_put_u32(nlh, SHADOWMM_A_EVENT_INTERVAL_MS, 1000);
	mnl_attr_put_u32(nlh, 77, 1);			/* a newer module's */
	zones = mnl_attr_nest_start(nlh, SHADOWMM_A_EVENT_ZONES);
	for (id = 2; id <= 7; id += 5) {		/* Normal, and a zone we do not know */
		z = mnl_attr_nest_start(nlh, id + 1);
		mnl_attr_put_u32(nlh, SHADOWMM_A_EVZONE_ID, id);
		mnl_attr_put_u64(nlh, SHADOWMM_A_EVZONE_ALLOC, 300);
		mnl_attr_put_u64(nlh, SHADOWMM_A_EVZONE_FREE, 200);
		mnl_attr_put_u64(nlh, SHADOWMM_A_EVZONE_ALLOC_FAIL, 1);
		mnl_attr_put_u32(nlh, SHADOWMM_A_EVZONE_LEVEL, SHADOWMM_WMARK_BELOW_LOW);
		mnl_attr_put_u32(nlh, SHADOWMM_A_EVZONE_LEVEL_PREV, SHADOWMM_WMARK_ABOVE_HIGH);
		mnl_attr_put_u64(nlh, SHADOWMM_A_EVZONE_BOOST, 1024);
		mnl_attr_nest_end(nlh, z);
	}
	mnl_attr_nest_end(nlh, zones);
	mnl_attr_put_u64(nlh, SHADOWMM_A_EVENT_CACHES_CREATED, 3);
	mnl_attr_put_u64(nlh, SHADOWMM_A_EVENT_CACHES_DESTROYED, 1);
	mnl_attr_put_strz(nlh, SHADOWMM_A_EVENT_CACHE_CREATED, "dentry");
	mnl_attr_put_u64(nlh, SHADOWMM_A_EVENT_OOM_KILLS, 2);
	mnl_attr_put_u32(nlh, SHADOWMM_A_EVENT_OOM_VICTIM, 5);
	mnl_attr_put_u64(nlh, SHADOWMM_A_EVENT_OOM_VICTIM_PAGES, 4096);
	z = mnl_attr_nest_start(nlh, SHADOWMM_A_EVENT_VMSTAT);
	put_vmstat_ctr(nlh, "pgscan_kswapd", 1234);
	mnl_attr_put_u32(nlh, 9, 1);			/* not a counter: skipped */
	put_vmstat_ctr(nlh, "oom_kill", 2);
	mnl_attr_nest_end(nlh, z);
	CHECK(!smmc_event_parse(nlh, &ev) && ev.seq == 42 && ev.interval_ms == 1000,
	      "event: sequence and interval");
	CHECK(ev.zones[2].present && ev.zones[2].alloc == 300 && ev.zones[2].free == 200 &&
	      ev.zones[2].alloc_fail == 1 && ev.zones[2].level == SHADOWMM_WMARK_BELOW_LOW &&
	      ev.zones[2].level_prev == SHADOWMM_WMARK_ABOVE_HIGH && ev.zones[2].boost == 1024 &&
	      !ev.zones[2].nr_reserved_highatomic && !ev.zones[0].present,
	      "event: a zone's counts, boost and watermark crossing; unknown zones skipped");
	CHECK(ev.caches_created == 3 && ev.caches_destroyed == 1 &&
	      !strcmp(ev.cache_created, "dentry") && !ev.cache_destroyed[0],
	      "event: caches created and destroyed, the last name; none absent");
	CHECK(ev.oom_kills == 2 && ev.oom_victim == 5 && ev.oom_victim_pages == 4096,
	      "event: OOM kills, the last victim and the pages it held");
	CHECK(ev.nr_vmstat == 2 && !strcmp(ev.vmstat[0].name, "pgscan_kswapd") &&
	      ev.vmstat[0].value == 1234 && !strcmp(ev.vmstat[1].name, "oom_kill") &&
	      ev.vmstat[1].value == 2,
	      "event: the vmstat counters that changed, in order, other members skipped");
	used = 0;
}

int main(void)
{
	printf("TAP version 13\n1..%d\n", NR_TESTS);
	test_info_parse();
	test_section_parse();
	test_cache_parse();
	test_doit();
	test_foreign();
	test_dump_intr();
	test_cb_error();
	test_errors();
	test_truncated();
	test_family();
	test_units();
	test_open();
	test_capture();
	test_zone_retry();
	test_event_parse();
	if (tests != NR_TESTS)
		printf("# planned %d tests, ran %d\n", NR_TESTS, tests);
	return failed || tests != NR_TESTS ? 1 : 0;
}
