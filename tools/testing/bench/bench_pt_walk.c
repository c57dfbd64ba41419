// SPDX-License-Identifier: GPL-2.0
/*
 * The pt-walk row of `make bench` (run by bench_vm.sh as root, not a
 * selftest): the real page-table walker (PT_WALK of our own pid through
 * the client library) against /proc/self/pagemap, the kernel's own
 * answer, over one touched anonymous region, in ns per page.
 *
 * Fair terms for both: the region is touched page by page with THP off
 * (MADV_NOHUGEPAGE), so each side reports one entry per 4 KiB page; the
 * walker dumps the whole range in one request, and pagemap is read the
 * way its users read it, in large preads (SMM_PAGEMAP_CHUNK pages each),
 * so neither pays a system call per page (row pt-walk). Row pt-walk-pread1
 * is the same walker against one 8-byte pread of pagemap per page, what a
 * tool asking page by page pays. The sides alternate, one block each per
 * repetition; each block covers the whole region, and a block that sees
 * fewer present pages than were touched is an error (the figure would be
 * for less work).
 *
 * The walker's reply is one message per page with every level of its
 * translation, so its cost follows its bytes: a --wrap of
 * mnl_socket_recvfrom counts them, printed as ptwalk-bytes-per-page.
 *
 *	bench_pt_walk [MiB [REPS]]	(1024 and 5 by default)
 *
 * Prints "bench: row pt-walk cpus 1 ours NS... kernel NS... ops PAGES"
 * (and the pread1 row) for bench-report.py, or
 * "bench: error pt-walk: why" and exits 1.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "../../lib/libsmm.h"

#define PAGE			4096UL
#define PM_PRESENT		(1ULL << 63)
#define SMM_PAGEMAP_CHUNK	8192UL		/* pages per pread: 64 KiB of entries */
#define MAX_REPS		32

static uint64_t recv_bytes;

ssize_t __real_mnl_socket_recvfrom(const struct mnl_socket *nl, void *buf, size_t size);

/* Every reply byte the library reads, for the bytes per page. */
ssize_t __wrap_mnl_socket_recvfrom(const struct mnl_socket *nl, void *buf, size_t size)
{
	ssize_t len = __real_mnl_socket_recvfrom(nl, buf, size);

	if (len > 0)
		recv_bytes += len;
	return len;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int fail(const char *why)
{
	printf("bench: error pt-walk: %s\n", why);
	return 1;
}

/* Count the pages the walker found present; the count is checked after. */
static int count_step(const struct smmc_pt_step *st, void *data)
{
	if (st->kind == SHADOWMM_PT_PAGE)
		*(uint64_t *)data += st->size / PAGE;
	return 0;
}

/* One walker block: the whole region in one dump; present pages or -errno. */
static long long walk_block(struct smmc_nl *nl, char *p, uint64_t len)
{
	struct smmc_pt_req req = {
		.target = SMMC_PT_TARGET_PID, .id = getpid(),
		.addr = (uint64_t)p, .len = len,
	};
	uint64_t pages = 0;
	int ret = smmc_pt_walk(nl, &req, count_step, &pages);

	return ret ? ret : (long long)pages;
}

/* One pagemap block: the region's entries in chunks; present pages or -1. */
static long long pagemap_block(int fd, uint64_t *buf, char *p, uint64_t pages)
{
	uint64_t i, j, n, present = 0;
	off_t off = (uint64_t)p / PAGE * sizeof(*buf);

	for (i = 0; i < pages; i += n) {
		n = pages - i < SMM_PAGEMAP_CHUNK ? pages - i : SMM_PAGEMAP_CHUNK;
		if (pread(fd, buf, n * sizeof(*buf), off + i * sizeof(*buf)) !=
		    (ssize_t)(n * sizeof(*buf)))
			return -1;
		for (j = 0; j < n; j++)
			present += !!(buf[j] & PM_PRESENT);
	}
	return present;
}

/* The same with one pread per page: present pages or -1. */
static long long pagemap_block1(int fd, char *p, uint64_t pages)
{
	uint64_t i, v, present = 0;
	off_t off = (uint64_t)p / PAGE * sizeof(v);

	for (i = 0; i < pages; i++) {
		if (pread(fd, &v, sizeof(v), off + i * sizeof(v)) != sizeof(v))
			return -1;
		present += !!(v & PM_PRESENT);
	}
	return present;
}

static void print_row(const char *name, const double *ours, const double *kern, int reps,
		      uint64_t pages)
{
	printf("bench: row %s cpus 1 ours", name);
	for (int r = 0; r < reps; r++)
		printf(" %.1f", ours[r]);
	printf(" kernel");
	for (int r = 0; r < reps; r++)
		printf(" %.1f", kern[r]);
	printf(" ops %llu\n", (unsigned long long)pages);
}

int main(int argc, char **argv)
{
	unsigned long mib = argc > 1 ? strtoul(argv[1], NULL, 0) : 1024;
	int reps = argc > 2 ? atoi(argv[2]) : 5;
	double ours[MAX_REPS], kern[MAX_REPS], kern1[MAX_REPS], t;
	uint64_t len = mib << 20, pages = len / PAGE, *buf;
	char why[600];
	struct smmc_nl nl;
	long long got;
	char *p;
	int fd;

	if (!mib || reps < 1 || reps > MAX_REPS)
		return fail("usage: bench_pt_walk [MiB (>= 1) [REPS (1-32)]]");
	fd = open("/proc/self/pagemap", O_RDONLY);
	if (fd < 0)
		return fail("cannot open /proc/self/pagemap");
	if (smmc_nl_open(&nl)) {
		snprintf(why, sizeof(why), "no shadowmm family: %s", nl.err);
		return fail(why);
	}
	buf = malloc(SMM_PAGEMAP_CHUNK * sizeof(*buf));
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!buf || p == MAP_FAILED)
		return fail("cannot map the region");
	madvise(p, len, MADV_NOHUGEPAGE);
	/* locked, so no page leaves between the blocks; touching faults them in */
	if (mlock(p, len))
		return fail("cannot mlock the region (not enough memory for it?)");
	for (uint64_t i = 0; i < len; i += PAGE)
		p[i] = 1;

	for (int r = 0; r < reps; r++) {
		recv_bytes = 0;
		t = now_ns();
		got = walk_block(&nl, p, len);
		ours[r] = (now_ns() - t) / pages;
		if (got != (long long)pages) {
			snprintf(why, sizeof(why), "the walker saw %lld of %llu present pages%s%s",
				 got, (unsigned long long)pages, got < 0 ? ": " : "",
				 got < 0 ? nl.err : "");
			return fail(why);
		}
		t = now_ns();
		got = pagemap_block(fd, buf, p, pages);
		kern[r] = (now_ns() - t) / pages;
		if (got != (long long)pages) {
			snprintf(why, sizeof(why), "pagemap saw %lld of %llu present pages",
				 got, (unsigned long long)pages);
			return fail(why);
		}
		t = now_ns();
		got = pagemap_block1(fd, p, pages);
		kern1[r] = (now_ns() - t) / pages;
		if (got != (long long)pages) {
			snprintf(why, sizeof(why), "pagemap (a pread per page) saw %lld of %llu "
				 "present pages", got, (unsigned long long)pages);
			return fail(why);
		}
	}
	print_row("pt-walk", ours, kern, reps, pages);
	print_row("pt-walk-pread1", ours, kern1, reps, pages);
	printf("bench: ptwalk-bytes-per-page %.0f\n", (double)recv_bytes / pages);
	smmc_nl_close(&nl);
	return 0;
}
