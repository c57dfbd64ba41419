// SPDX-License-Identifier: GPL-2.0
/*
 * Netlink fuzzer for the shadowmm family (a kselftest printing TAP).
 *
 *   nl_fuzz [-n MESSAGES] [-s SEED]   (run by test_nl_fuzz.sh)
 *
 * Sends MESSAGES requests (default 100000), mixing valid operations
 * (page and object allocations, frees of live handles, cache create,
 * destroy, shrink and validate) with malformed ones: unknown
 * commands, wrong attribute types and lengths, truncated headers and
 * attributes, bad nesting, boundary and overflowing numbers, huge counts,
 * stale and random handles; shadow space requests and page-table walks,
 * valid and not. Afterwards the module must still answer,
 * CHECK and VALIDATE must pass and RESET must bring every zone back to
 * fully free.
 * Meanwhile a second socket listens on the "events" group: the module's
 * aggregated events must arrive, parse and be numbered in order; and
 * EVENT, a notification, is refused as a request.
 * The seed is printed so that a failure can be replayed with -s.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "../tools/lib/libsmm.h"

#define FUZZ_BUF	65536
#define MAX_HANDLES	256
#define BATCH		16	/* messages per send(): netlink takes them in turn */
#define MSG_MAX		2048

static uint64_t rng;

static uint64_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717ULL;
}

static uint64_t rnd_below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

/* Numbers that sit on the edges policies check. */
static uint64_t rnd_edge(void)
{
	static const uint64_t edges[] = {
		0, 1, 2, 3, 9, 10, 11, 12, 255, 256, 4095, 4096, 4097, 65535, 65536,
		0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ULL, 0x7fffffffffffffffULL,
		~0ULL, ~0ULL - 1,
	};

	return rnd() & 1 ? edges[rnd_below(sizeof(edges) / sizeof(edges[0]))] : rnd();
}

struct fuzz {
	struct smmc_nl nl;
	uint64_t handles[MAX_HANDLES];
	unsigned int nr_handles;
	uint64_t objs[MAX_HANDLES];	/* object handles, of either fuzz cache */
	unsigned int nr_objs;
	uint64_t sent, errors, replies, silent;
	char *out;		/* where the next request is built */
	char buf[FUZZ_BUF];	/* replies */
	char sbuf[BATCH * MSG_MAX];
};

static void put_random_attr(struct nlmsghdr *nlh, int depth)
{
	uint16_t type = rnd_below(24);
	uint64_t v = rnd_edge();
	uint8_t junk[32];
	unsigned int i, len;
	struct nlattr *nest;

	switch (rnd_below(depth ? 6 : 7)) {
	case 0:
		mnl_attr_put_u32(nlh, type, v);
		break;
	case 1:
		mnl_attr_put_u64(nlh, type, v);
		break;
	case 2:
		mnl_attr_put_u8(nlh, type, v);
		break;
	case 3:
		mnl_attr_put(nlh, type, 0, NULL);
		break;
	case 4:
		len = rnd_below(sizeof(junk));
		for (i = 0; i < len; i++)
			junk[i] = rnd();
		mnl_attr_put(nlh, type, len, junk);
		break;
	case 5:
		mnl_attr_put_strz(nlh, type, "shadowmm");
		break;
	default:
		nest = mnl_attr_nest_start(nlh, type);
		for (i = rnd_below(5); i > 0; i--)
			put_random_attr(nlh, depth + 1);
		mnl_attr_nest_end(nlh, nest);
	}
}

static struct nlmsghdr *start_msg(struct fuzz *f, uint8_t cmd, bool dump)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(f->out);
	struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));

	nlh->nlmsg_type = f->nl.family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | (dump ? NLM_F_DUMP : 0);
	nlh->nlmsg_seq = ++f->nl.seq;
	g->cmd = cmd;
	g->version = rnd_below(8) ? SHADOWMM_GENL_VERSION : rnd();
	g->reserved = rnd_below(16) ? 0 : rnd();
	return nlh;
}

/*
 * A well-formed request on shadow spaces (ids 1-4, a 128 MiB window, at
 * most 16 pages) or a short page-table walk, valid or refused by the
 * module's own checks (overlaps, holes, unknown spaces).
 */
static struct nlmsghdr *valid_space_op(struct fuzz *f)
{
	static const uint8_t cmds[] = {
		SHADOWMM_CMD_SPACE_CREATE, SHADOWMM_CMD_SPACE_MAP, SHADOWMM_CMD_SPACE_MAP,
		SHADOWMM_CMD_SPACE_UNMAP, SHADOWMM_CMD_SPACE_TRANSLATE, SHADOWMM_CMD_SPACE_DESTROY,
		SHADOWMM_CMD_SPACE_MMAP, SHADOWMM_CMD_SPACE_MUNMAP, SHADOWMM_CMD_SPACE_ACCESS,
		SHADOWMM_CMD_SPACE_ACCESS,
	};
	uint32_t shift = rnd_below(4) ? SHADOWMM_PAGE_4K : SHADOWMM_PAGE_2M;
	uint64_t va = rnd_below(64) << 21 | (shift == SHADOWMM_PAGE_4K ? rnd_below(512) << 12 : 0);
	uint8_t cmd = cmds[rnd_below(sizeof(cmds))];
	struct nlmsghdr *nlh;

	if (rnd_below(4) == 0) {	/* a walk: our own pid, the kernel, or a space */
		nlh = start_msg(f, SHADOWMM_CMD_PT_WALK, true);
		switch (rnd_below(3)) {
		case 0:
			mnl_attr_put_u32(nlh, SHADOWMM_A_PT_PID, getpid());
			break;
		case 1:
			mnl_attr_put(nlh, SHADOWMM_A_PT_KERNEL, 0, NULL);
			va |= 0xffff888000000000ULL;	/* the 4-level direct map */
			break;
		default:
			mnl_attr_put_u32(nlh, SHADOWMM_A_PT_SPACE, 1 + rnd_below(4));
		}
		mnl_attr_put_u64(nlh, SHADOWMM_A_PT_ADDR, va);
		mnl_attr_put_u64(nlh, SHADOWMM_A_PT_LEN, 1 + rnd_below(64 << 12));
		return nlh;
	}
	nlh = start_msg(f, cmd, false);
	if (cmd == SHADOWMM_CMD_SPACE_CREATE) {
		mnl_attr_put_u32(nlh, SHADOWMM_A_SPACE_LEVELS, 4 + rnd_below(2));
		return nlh;
	}
	mnl_attr_put_u32(nlh, SHADOWMM_A_SPACE_ID, 1 + rnd_below(4));
	if (cmd == SHADOWMM_CMD_SPACE_DESTROY)
		return nlh;
	mnl_attr_put_u64(nlh, SHADOWMM_A_SPACE_ADDR, va);
	if (cmd == SHADOWMM_CMD_SPACE_TRANSLATE)
		return nlh;
	if (cmd == SHADOWMM_CMD_SPACE_MMAP || cmd == SHADOWMM_CMD_SPACE_MUNMAP ||
	    cmd == SHADOWMM_CMD_SPACE_ACCESS) {	/* VMAs and faults: a few pages */
		mnl_attr_put_u64(nlh, SHADOWMM_A_SPACE_LEN, (1 + rnd_below(16)) << 12);
		if (cmd == SHADOWMM_CMD_SPACE_MMAP)
			mnl_attr_put_u32(nlh, SHADOWMM_A_SPACE_PROT, rnd_below(2));
		if (cmd == SHADOWMM_CMD_SPACE_ACCESS && rnd_below(2))
			mnl_attr_put(nlh, SHADOWMM_A_SPACE_WRITE, 0, NULL);
		return nlh;
	}
	mnl_attr_put_u64(nlh, SHADOWMM_A_SPACE_PAGES, 1 + rnd_below(16));
	mnl_attr_put_u32(nlh, SHADOWMM_A_SPACE_PAGE_SIZE, shift);
	if (cmd == SHADOWMM_CMD_SPACE_MAP)
		mnl_attr_put_u32(nlh, SHADOWMM_A_SPACE_PROT, rnd_below(SHADOWMM_PROT_ALL + 1));
	return nlh;
}

/* A well-formed allocation or free, so real state moves under the fuzz. */
static void valid_op(struct fuzz *f, struct nlmsghdr **out)
{
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	unsigned int i, n;

	if (rnd_below(3) == 0) {
		*out = valid_space_op(f);
		return;
	}
	if (f->nr_handles && rnd() & 1) {
		nlh = start_msg(f, SHADOWMM_CMD_PAGE_FREE, false);
		nest = mnl_attr_nest_start(nlh, SHADOWMM_A_PAGE_HANDLES);
		n = 1 + rnd_below(4);
		for (i = 0; i < n && f->nr_handles; i++) {
			unsigned int k = rnd_below(f->nr_handles);

			mnl_attr_put_u64(nlh, SHADOWMM_A_PAGE_HANDLE, f->handles[k]);
			/* stale from now on: kept sometimes to be sent again */
			if (rnd_below(4))
				f->handles[k] = f->handles[--f->nr_handles];
		}
		mnl_attr_nest_end(nlh, nest);
	} else {
		nlh = start_msg(f, SHADOWMM_CMD_PAGE_ALLOC, false);
		mnl_attr_put_u32(nlh, SHADOWMM_A_PAGE_ORDER, rnd_below(12));
		mnl_attr_put_u32(nlh, SHADOWMM_A_PAGE_COUNT, 1 + rnd_below(8));
		if (rnd() & 1)
			mnl_attr_put_u32(nlh, SHADOWMM_A_PAGE_FLAGS, rnd_below(SHADOWMM_GFP_ALL + 1));
	}
	*out = nlh;
}

static const char *const fuzz_caches[] = { "kmalloc-64", "fuzz-a" };

/*
 * A well-formed slab request: creating and destroying "fuzz-a", objects
 * allocated from it or kmalloc-64 and freed (to either: half the frees
 * name the wrong cache), shrink, validate, and OBJ_CORRUPT (refused:
 * the module runs without debug_corrupt).
 */
static void valid_slab_op(struct fuzz *f, struct nlmsghdr **out)
{
	const char *cache = fuzz_caches[rnd_below(2)];
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	unsigned int i, n;

	switch (rnd_below(8)) {
	case 0:
		nlh = start_msg(f, SHADOWMM_CMD_CACHE_CREATE, false);
		mnl_attr_put_strz(nlh, SHADOWMM_A_CACHE_NAME, "fuzz-a");
		mnl_attr_put_u32(nlh, SHADOWMM_A_CACHE_OBJECT_SIZE, 1 + rnd_below(8192));
		if (rnd() & 1)
			mnl_attr_put_u32(nlh, SHADOWMM_A_CACHE_ALIGN, 1U << rnd_below(13));
		mnl_attr_put_u32(nlh, SHADOWMM_A_CACHE_FLAGS, rnd() & SHADOWMM_CACHE_ALL &
				 ~SHADOWMM_CACHE_STORE_USER);
		break;
	case 1:
		nlh = start_msg(f, SHADOWMM_CMD_CACHE_DESTROY, false);
		mnl_attr_put_strz(nlh, SHADOWMM_A_CACHE_NAME, cache);
		if (rnd() & 1)
			mnl_attr_put(nlh, SHADOWMM_A_CACHE_FORCE, 0, NULL);
		break;
	case 2:
	case 3:
		nlh = start_msg(f, SHADOWMM_CMD_OBJ_ALLOC, false);
		mnl_attr_put_strz(nlh, SHADOWMM_A_CACHE_NAME, cache);
		mnl_attr_put_u32(nlh, SHADOWMM_A_CACHE_COUNT, 1 + rnd_below(8));
		break;
	case 4:
	case 5:
		nlh = start_msg(f, SHADOWMM_CMD_OBJ_FREE, false);
		mnl_attr_put_strz(nlh, SHADOWMM_A_CACHE_NAME, cache);
		nest = mnl_attr_nest_start(nlh, SHADOWMM_A_CACHE_HANDLES);
		n = 1 + rnd_below(4);
		for (i = 0; i < n && f->nr_objs; i++) {
			unsigned int k = rnd_below(f->nr_objs);

			mnl_attr_put_u64(nlh, SHADOWMM_A_CACHE_HANDLE, f->objs[k]);
			if (rnd_below(4))
				f->objs[k] = f->objs[--f->nr_objs];
		}
		mnl_attr_nest_end(nlh, nest);
		break;
	case 6:
		nlh = start_msg(f, rnd() & 1 ? SHADOWMM_CMD_CACHE_SHRINK
					     : SHADOWMM_CMD_CACHE_VALIDATE, false);
		mnl_attr_put_strz(nlh, SHADOWMM_A_CACHE_NAME, cache);
		break;
	default:
		nlh = start_msg(f, SHADOWMM_CMD_OBJ_CORRUPT, false);
		mnl_attr_put_strz(nlh, SHADOWMM_A_CACHE_NAME, cache);
		mnl_attr_put_u64(nlh, SHADOWMM_A_CACHE_HANDLE,
				 f->nr_objs ? f->objs[rnd_below(f->nr_objs)] : rnd());
		mnl_attr_put_u32(nlh, SHADOWMM_A_CACHE_CORRUPT, 1 + rnd_below(3));
	}
	*out = nlh;
}

/*
 * One request at f->out. A message whose length field is mangled ends the
 * batch (netlink stops parsing a batch there); *last says so.
 */
static struct nlmsghdr *fuzz_msg(struct fuzz *f, bool *last)
{
	struct nlmsghdr *nlh;
	unsigned int i;

	*last = false;
	switch (rnd_below(11)) {
	case 0:
	case 1:
		valid_op(f, &nlh);
		return nlh;
	case 2:
		valid_slab_op(f, &nlh);
		return nlh;
	case 3:		/* unknown or reserved command numbers */
		nlh = start_msg(f, rnd_below(2) ? rnd() : SHADOWMM_CMD_MAX + 1 + rnd_below(4),
				rnd() & 1);
		break;
	default:	/* a real command with random attributes */
		nlh = start_msg(f, 1 + rnd_below(SHADOWMM_CMD_MAX), rnd_below(3) == 0);
	}
	for (i = rnd_below(7); i > 0; i--)
		put_random_attr(nlh, 0);
	switch (rnd_below(12)) {
	case 0:		/* truncated: claim less than was written */
		nlh->nlmsg_len = rnd_below(nlh->nlmsg_len + 1);
		*last = true;
		break;
	case 1:		/* overlong: claim more (the rest is stale buffer) */
		nlh->nlmsg_len += rnd_below(64);
		*last = true;
		break;
	case 2:		/* a torn last attribute */
		if (nlh->nlmsg_len > NLMSG_HDRLEN + GENL_HDRLEN + 2)
			nlh->nlmsg_len -= 1 + rnd_below(3);
		*last = true;
		break;
	}
	return nlh;
}

static void collect_handles(struct fuzz *f, const struct nlmsghdr *nlh)
{
	const struct nlattr *a, *h;

	if (nlh->nlmsg_type != f->nl.family)
		return;
	mnl_attr_for_each(a, nlh, GENL_HDRLEN) {
		if (mnl_attr_get_type(a) == SHADOWMM_A_PAGE_HANDLES) {
			mnl_attr_for_each_nested(h, a)
				if (mnl_attr_get_payload_len(h) == 8 && f->nr_handles < MAX_HANDLES)
					f->handles[f->nr_handles++] = mnl_attr_get_u64(h);
		} else if (mnl_attr_get_type(a) == SHADOWMM_A_CACHE_HANDLES) {
			mnl_attr_for_each_nested(h, a)
				if (mnl_attr_get_payload_len(h) == 8 && f->nr_objs < MAX_HANDLES)
					f->objs[f->nr_objs++] = mnl_attr_get_u64(h);
		}
	}
}

/*
 * Read what the kernel says until every request of the batch (sequence
 * numbers first..last) has its ack, error or NLMSG_DONE, or a quiet second.
 */
static void drain(struct fuzz *f, uint32_t first, uint32_t last, unsigned int expect)
{
	struct pollfd p = { .fd = mnl_socket_get_fd(f->nl.sock), .events = POLLIN };

	while (expect) {
		const struct nlmsghdr *nlh;
		int len;

		if (poll(&p, 1, 1000) <= 0) {
			f->silent += expect;
			return;
		}
		len = recv(p.fd, f->buf, sizeof(f->buf), 0);
		if (len < 0) {
			if (errno == ENOBUFS)	/* replies overran the socket */
				continue;
			return;
		}
		for (nlh = (void *)f->buf; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_seq < first || nlh->nlmsg_seq > last)
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

				f->errors += e->error != 0;
				expect -= expect > 0;
			} else if (nlh->nlmsg_type == NLMSG_DONE) {
				expect -= expect > 0;
			} else {
				f->replies++;
				collect_handles(f, nlh);
			}
		}
	}
}

/*
 * Build up to BATCH requests back to back and send them in one go. The
 * kernel answers each message it parses; a mangled length ends the batch,
 * and a length below a header is not parsed (nor answered) at all.
 */
static uint64_t send_batch(struct fuzz *f, uint64_t left)
{
	uint32_t first = f->nl.seq + 1;
	unsigned int n = 0, expect = 0;
	size_t off = 0, len;
	bool last = false;

	while (n < BATCH && n < left && !last && off + MSG_MAX <= sizeof(f->sbuf)) {
		struct nlmsghdr *nlh;

		f->out = f->sbuf + off;
		nlh = fuzz_msg(f, &last);
		n++;
		len = nlh->nlmsg_len;
		if (len < NLMSG_HDRLEN)
			break;
		len = len < MSG_MAX ? len : MSG_MAX;
		expect++;
		off += NLMSG_ALIGN(len);
	}
	/* a lone message too short for a header is dropped by us as by netlink */
	if (off && mnl_socket_sendto(f->nl.sock, f->sbuf, off) < 0)
		return n;
	f->sent += n;
	drain(f, first, f->nl.seq, expect);
	return n;
}

static int zones_fully_free(struct smmc_nl *nl, char *why, size_t len)
{
	struct smmc_zone z[SMMC_NR_ZONES];
	unsigned int n, i;

	if (smmc_zones_get(nl, z, &n)) {
		snprintf(why, len, "zone dump: %.200s", nl->err);
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (z[i].free != z[i].managed) {
			snprintf(why, len, "%s: free %llu of %llu", z[i].name,
				 (unsigned long long)z[i].free, (unsigned long long)z[i].managed);
			return 0;
		}
	}
	return 1;
}

struct fuzz_events {
	uint64_t n, last_seq, blocks;
	bool in_order;
};

static void fuzz_event(const struct smmc_event *e, void *data)
{
	struct fuzz_events *fe = data;
	unsigned int z;

	fe->in_order &= e->seq > fe->last_seq;
	fe->last_seq = e->seq;
	fe->n++;
	for (z = 0; z < SMMC_NR_ZONES; z++)
		fe->blocks += e->zones[z].alloc + e->zones[z].free;
}

/* What is queued on the events socket now; 0 or the errno that stopped it. */
static int fuzz_events_read(struct smmc_events *ev, struct fuzz_events *fe)
{
	int ret = smmc_events_read(ev, fuzz_event, fe);

	return ret < 0 ? -ret : 0;
}

static void tap(int ok, int n, const char *name, const char *why)
{
	if (!ok && why)
		printf("# %s\n", why);
	printf("%s %d %s\n", ok ? "ok" : "not ok", n, name);
}

int main(int argc, char **argv)
{
	uint64_t count = 100000, seed = time(NULL), i, freed, problems = 0;
	struct fuzz_events fe = { .in_order = true };
	struct smmc_events ev;
	struct smmc_info info;
	bool has_events;
	int events_err = 0;
	static struct fuzz f;
	char why[256];
	bool ok;
	int opt, failed = 0, good;

	while ((opt = getopt(argc, argv, "n:s:")) != -1) {
		if (opt == 'n')
			count = strtoull(optarg, NULL, 0);
		else if (opt == 's')
			seed = strtoull(optarg, NULL, 0);
	}
	rng = seed ? seed : 1;
	printf("TAP version 13\n");
	if (smmc_nl_open(&f.nl)) {
		printf("1..0 # SKIP %s\n", f.nl.err);
		return 4;
	}
	printf("1..7\n# seed %llu, %llu messages (replay: -s %llu -n %llu)\n",
	       (unsigned long long)seed, (unsigned long long)count,
	       (unsigned long long)seed, (unsigned long long)count);
	has_events = !smmc_events_open(&f.nl, &ev);
	for (i = 0; i < count; ) {
		i += send_batch(&f, count - i);
		/* read as the fuzz goes: over a long run the events would overflow the socket */
		if (has_events && !events_err)
			events_err = fuzz_events_read(&ev, &fe);
	}
	printf("# sent %llu: %llu errors, %llu replies, %llu without an answer\n",
	       (unsigned long long)f.sent, (unsigned long long)f.errors,
	       (unsigned long long)f.replies, (unsigned long long)f.silent);
	good = f.sent == count;
	tap(good, 1, "every message was sent", "some messages could not be sent");
	failed |= !good;

	good = !smmc_info_get(&f.nl, &info) && info.nr_frames > 0;
	tap(good, 2, "the module still answers", f.nl.err);
	failed |= !good;

	good = !smmc_check(&f.nl, &ok, why, sizeof(why)) && ok;
	tap(good, 3, "CHECK passes", why);
	failed |= !good;

	good = !smmc_cache_validate(&f.nl, NULL, &problems) && !problems;
	snprintf(why, sizeof(why), "%.200s; %llu problems", f.nl.err,
		 (unsigned long long)problems);
	tap(good, 4, "VALIDATE finds every cache intact", why);
	failed |= !good;

	good = !smmc_reset(&f.nl, &freed) && zones_fully_free(&f.nl, why, sizeof(why));
	tap(good, 5, "RESET returns every zone to fully free", why);
	failed |= !good;

	/* the interval the fuzz ended in is sent at the next tick */
	sleep(2);
	if (has_events && !events_err)
		events_err = fuzz_events_read(&ev, &fe);
	good = has_events && !events_err && fe.n > 0 && fe.in_order && fe.blocks > 0;
	snprintf(why, sizeof(why), "events: %.100s; %llu read, %s, %llu blocks counted",
		 !has_events ? f.nl.err : events_err ? strerror(events_err) : "subscribed",
		 (unsigned long long)fe.n,
		 fe.in_order ? "in order" : "OUT OF ORDER", (unsigned long long)fe.blocks);
	printf("# %s\n", why);
	tap(good, 6, "events arrive during the fuzz, parse, in order", why);
	failed |= !good;
	if (has_events)
		smmc_events_close(&ev);

	good = smmc_nl_run(&f.nl, smmc_nl_request(&f.nl, SHADOWMM_CMD_EVENT, false), NULL,
			   NULL) == -EOPNOTSUPP;
	tap(good, 7, "EVENT as a request is refused (EOPNOTSUPP)", f.nl.err);
	failed |= !good;

	smmc_nl_close(&f.nl);
	return failed;
}
