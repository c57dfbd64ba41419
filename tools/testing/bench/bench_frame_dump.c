// SPDX-License-Identifier: GPL-2.0
/*
 * The frame-dump rows of `make bench` (run by bench_vm.sh as root, with
 * the module on a 1 GiB range; not a selftest): a full FRAME_GET dump
 * parsed by the client library (smmc_frames_get), in records (runs) per
 * second and bytes per batch, against the receive buffer size.
 *
 * The batch size is the client's choice: netlink_recvmsg() records the
 * largest buffer a socket's recvmsg has passed (capped at
 * SKB_WITH_OVERHEAD(32768) on 6.1) and netlink_dump() sizes each batch's
 * skb from it (never below NLMSG_GOODSIZE). So each buffer size gets a
 * fresh socket whose every recvmsg is capped at that size (a --wrap of
 * mnl_socket_recvfrom, which also counts the batches and their bytes),
 * and one dump to warm it before the timed ones. Sizes above the cap
 * must give the same batches as the cap: the figures show it.
 *
 * First the range is fragmented: half of it allocated as order-0 pages
 * through PAGE_ALLOC, then every other page freed, so the dump has about
 * one run per frame of that half rather than a handful.
 *
 * Both reply formats: frame-dump is the nested RUN attributes (the
 * library told the module has no packed mode), frame-dump-packed the
 * packed records with marks, what the library asks for by default.
 * And the kernel's own per-page dump, for issue 22's goal:
 * /proc/self/pagemap of PAGEMAP_MIB touched, read in 64 KiB preads, in
 * entries per second, one pass after each packed dump at the goal's
 * 32 KiB, so that the two alternate under the same load (an emulated
 * guest's speed swings by several times over a run).
 *
 *	bench_frame_dump [REPS]		(5 by default)
 *	bench_frame_dump --replay N	no module: N dumps of the same map
 *					(131,072 runs in 34 messages of
 *					packed records, as the 32 KiB batches)
 *					replayed from a capture through
 *					smmc_frames_get(): the library's share
 *					of a run, for callgrind (N 1 and 2)
 *
 * Prints "bench: dump NAME buf B runs R batches N bytes_per_batch X
 * rate R1 R2 ..." per format and buffer size, and "bench: pagemap-64k
 * entries E rate R1 R2 ..." for bench-report.py, or "bench: error
 * frame-dump: why" and exits 1.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>
#include <linux/genetlink.h>

#include "../../lib/libsmm.h"
#include "../../lib/smmc_nl.h"

#define MAX_REPS	32
#define ALLOC_CALLS	32		/* of SHADOWMM_PAGE_BATCH_MAX order-0 pages */
#define FREE_BATCH	2048
#define PAGEMAP_MIB	256		/* touched, then read through pagemap */
#define PAGEMAP_CHUNK	(64 << 10)	/* bytes per pread: 8192 entries */
#define PAGEMAP_PAIR_BUF 32768		/* the packed dumps pagemap alternates with */

static const size_t buf_sizes[] = { 4096, 8192, 16384, 32768, 65536 };

/* The recvmsg cap and what went through it, for the wrapped recvfrom. */
static size_t recv_cap = SIZE_MAX;
static uint64_t recv_calls, recv_bytes;

ssize_t __real_mnl_socket_recvfrom(const struct mnl_socket *nl, void *buf, size_t size);

ssize_t __wrap_mnl_socket_recvfrom(const struct mnl_socket *nl, void *buf, size_t size)
{
	ssize_t len = __real_mnl_socket_recvfrom(nl, buf, size < recv_cap ? size : recv_cap);

	if (len > 0) {
		recv_calls++;
		recv_bytes += len;
	}
	return len;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int fail(const char *what, const char *err)
{
	printf("bench: error frame-dump: %s%s%s\n", what, err ? ": " : "", err ? err : "");
	return 1;
}

static int count_run(const struct smmc_run *run, void *data)
{
	(void)run;
	(*(uint64_t *)data)++;
	return 0;
}

/* Allocate half the range page by page and free every other page. */
static int fragment(struct smmc_nl *nl)
{
	static uint64_t handles[ALLOC_CALLS * SHADOWMM_PAGE_BATCH_MAX];
	uint64_t keep[FREE_BATCH], freed;
	struct smmc_page_req req = { .order = 0, .count = SHADOWMM_PAGE_BATCH_MAX,
				    .zone = -1, .mt = -1 };
	uint32_t n, total = 0, i, k = 0;

	for (i = 0; i < ALLOC_CALLS; i++) {
		if (smmc_page_alloc(nl, &req, handles + total, &n))
			return fail("PAGE_ALLOC", nl->err);
		total += n;
	}
	for (i = 0; i < total; i += 2) {
		keep[k++] = handles[i];
		if (k == FREE_BATCH || i + 2 >= total) {
			if (smmc_page_free(nl, keep, k, false, &freed))
				return fail("PAGE_FREE", nl->err);
			k = 0;
		}
	}
	return 0;
}

/* One whole dump on @nl: runs parsed, or -errno (after 3 interrupted tries). */
static long long dump(struct smmc_nl *nl)
{
	uint64_t runs;
	int ret, tries = 0;

	do {
		runs = 0;
		ret = smmc_frames_get(nl, 0, 0, count_run, &runs);
	} while (ret == SMMC_NL_DUMP_INTR && ++tries < 3);
	return ret ? ret : (long long)runs;
}

/* pagemap: PAGEMAP_MIB of anonymous memory touched, and the file open */
static char *pm_mem;
static int pm_fd = -1;
static double pm_rate[MAX_REPS];
static int pm_reps;

static int pagemap_setup(void)
{
	size_t len = (size_t)PAGEMAP_MIB << 20, i;

	pm_mem = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (pm_mem == MAP_FAILED)
		return fail("pagemap: mmap", NULL);
	madvise(pm_mem, len, MADV_NOHUGEPAGE);	/* a 4 KiB entry per page, as the runs */
	for (i = 0; i < len; i += 4096)
		pm_mem[i] = 1;
	pm_fd = open("/proc/self/pagemap", O_RDONLY);
	return pm_fd < 0 ? fail("cannot open /proc/self/pagemap", NULL) : 0;
}

/*
 * One pass of pagemap's entries for the touched memory in PAGEMAP_CHUNK
 * preads, each checked to say every page present: its entries per
 * second appended to pm_rate[]; 0, or 1 after printing the error.
 */
static int pagemap_once(void)
{
	static uint64_t buf[PAGEMAP_CHUNK / sizeof(uint64_t)];
	size_t pages = ((size_t)PAGEMAP_MIB << 20) / 4096, i, got;
	uint64_t present = 0;
	double t = now_s();

	for (i = 0; i < pages; i += got) {
		off_t off = (off_t)((uintptr_t)pm_mem / 4096 + i) * sizeof(uint64_t);
		size_t want = pages - i < ARRAY_SIZE(buf) ? pages - i : ARRAY_SIZE(buf);
		ssize_t n = pread(pm_fd, buf, want * sizeof(uint64_t), off);

		if (n <= 0)
			return fail("pagemap: pread", NULL);
		got = n / sizeof(uint64_t);
		for (size_t k = 0; k < got; k++)
			present += buf[k] >> 63;
	}
	t = now_s() - t;
	if (present != pages)
		return fail("pagemap: not every touched page present", NULL);
	pm_rate[pm_reps++] = pages / t;
	return 0;
}

static void pagemap_print(void)
{
	printf("bench: pagemap-64k entries %zu rate", ((size_t)PAGEMAP_MIB << 20) / 4096);
	for (int r = 0; r < pm_reps; r++)
		printf(" %.0f", pm_rate[r]);
	printf("\n");
}

/* Every repetition at one buffer size and format, on a fresh socket. */
static int bench_size(size_t size, int reps, bool packed)
{
	uint64_t calls = 0, bytes = 0;
	double rate[MAX_REPS], t;
	long long runs = 0;
	struct smmc_nl nl;

	recv_cap = size;
	if (smmc_nl_open(&nl))
		return fail("no shadowmm family", nl.err);
	if (!packed)
		nl.frame_packed = -1;	/* as a module without FRAME_PACKED */
	if (dump(&nl) < 0)		/* sets the socket's recvmsg size */
		return fail("warm-up dump", nl.err);
	for (int r = 0; r < reps; r++) {
		recv_calls = recv_bytes = 0;
		t = now_s();
		runs = dump(&nl);
		t = now_s() - t;
		if (runs <= 0)
			return fail("dump", runs ? nl.err : "no runs");
		rate[r] = runs / t;
		calls += recv_calls;
		bytes += recv_bytes;
		/* the goal's pair: a pagemap pass after each packed dump at 32 KiB */
		if (packed && size == PAGEMAP_PAIR_BUF && pagemap_once())
			return 1;
	}
	smmc_nl_close(&nl);
	if (packed != (nl.frame_packed > 0))
		return fail("the dump's format", packed ? "the module has no packed mode" : "packed");
	printf("bench: dump frame-dump%s buf %zu runs %lld batches %.0f bytes_per_batch %.0f rate",
	       packed ? "-packed" : "", size, runs, (double)calls / reps, (double)bytes / calls);
	for (int r = 0; r < reps; r++)
		printf(" %.0f", rate[r]);
	printf("\n");
	return 0;
}

#define REPLAY_RUNS	131072
#define REPLAY_MSG_RUNS	3856		/* a 32 KiB batch's records */

/*
 * The capture a packed dump of the fragmented map would give: page and
 * free runs of one frame in turn, REPLAY_MSG_RUNS a message, a message
 * a datagram, and DONE. 0, or 1 after printing the error.
 */
static int replay_capture(const char *path)
{
	static union {
		char buf[REPLAY_MSG_RUNS * sizeof(struct shadowmm_frame_rec) + 256];
		uint64_t align;
	} m;
	struct shadowmm_frame_rec rec = { .count = htole32(1) };
	struct smmc_capture *c;
	struct nlmsghdr *nlh;
	struct nlattr *recs;
	uint64_t start = 0;
	unsigned int i;
	int err = 0;

	if (smmc_capture_create(&c, path))
		return fail("replay: cannot create", path);
	while (start < REPLAY_RUNS && !err) {
		nlh = mnl_nlmsg_put_header(m.buf);
		nlh->nlmsg_type = GENL_MIN_ID;
		nlh->nlmsg_flags = NLM_F_MULTI;
		((struct genlmsghdr *)mnl_nlmsg_put_extra_header(nlh, sizeof(struct genlmsghdr)))->cmd =
			SHADOWMM_CMD_FRAME_GET;
		mnl_attr_put_u64(nlh, SHADOWMM_A_FRAME_PACKED_START, start);
		recs = mnl_attr_nest_start(nlh, SHADOWMM_A_FRAME_PACKED_RUNS);
		for (i = 0; i < REPLAY_MSG_RUNS && start < REPLAY_RUNS; i++, start++) {
			rec.state = start % 2 ? SHADOWMM_FRAME_FREE : SHADOWMM_FRAME_PAGE;
			memcpy(mnl_nlmsg_get_payload_tail(nlh), &rec, sizeof(rec));
			nlh->nlmsg_len += sizeof(rec);
		}
		mnl_attr_nest_end(nlh, recs);
		err = smmc_capture_put(c, SHADOWMM_CMD_FRAME_GET, start == i, m.buf,
				       nlh->nlmsg_len);
	}
	nlh = mnl_nlmsg_put_header(m.buf);
	nlh->nlmsg_type = NLMSG_DONE;
	nlh->nlmsg_flags = NLM_F_MULTI;
	memset(mnl_nlmsg_put_extra_header(nlh, sizeof(int)), 0, sizeof(int));
	if (err || smmc_capture_put(c, SHADOWMM_CMD_FRAME_GET, false, m.buf, nlh->nlmsg_len))
		err = 1;
	smmc_capture_close(c);
	return err ? fail("replay: cannot write", path) : 0;
}

/* --replay N: N replayed dumps, each checked to give REPLAY_RUNS runs. */
static int replay(int n)
{
	char path[64];
	struct smmc_nl nl;
	int r, ret = 0;

	snprintf(path, sizeof(path), "/tmp/bench_frame_dump.%d.cap", (int)getpid());
	if (replay_capture(path))
		return 1;
	if (smmc_nl_open_replay(&nl, path)) {
		unlink(path);
		return fail("replay", nl.err);
	}
	for (r = 0; r < n && !ret; r++)
		if (dump(&nl) != REPLAY_RUNS)
			ret = fail("replay: not every run", nl.err);
	smmc_nl_close(&nl);
	unlink(path);
	return ret;
}

int main(int argc, char **argv)
{
	int reps = argc > 1 ? atoi(argv[1]) : 5;
	struct smmc_nl nl;
	size_t i;

	if (argc == 3 && !strcmp(argv[1], "--replay"))
		return replay(atoi(argv[2]));
	if (reps < 1 || reps > MAX_REPS)
		return fail("usage: bench_frame_dump [REPS (1-32)]", NULL);
	if (smmc_nl_open(&nl))
		return fail("no shadowmm family", nl.err);
	if (fragment(&nl))
		return 1;
	smmc_nl_close(&nl);
	if (pagemap_setup())
		return 1;
	for (i = 0; i < ARRAY_SIZE(buf_sizes); i++)
		if (bench_size(buf_sizes[i], reps, false) || bench_size(buf_sizes[i], reps, true))
			return 1;
	pagemap_print();
	return 0;
}
