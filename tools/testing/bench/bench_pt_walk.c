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
 * The leaves mode (PT_WALK with LEAVES: runs of leaves, packed) against
 * the same 64 KiB preads of pagemap: row pt-leaves over the same region
 * (THP off), then row pt-leaves-thp over a second touched 1 GiB region
 * with MADV_HUGEPAGE (the first is unmapped before), where the kernel
 * gives 2 MiB pages: how many it gave is printed (pt-leaves-thp-huge,
 * the fraction of the region in 2 MiB pages); none is an error, since the
 * row would measure 4 KiB pages again. Before a region's timed blocks,
 * its runs are checked once against pagemap page by page, frames
 * included (root sees them): a run that disagrees is an error. Each
 * leaves row's reply bytes per page are printed (ptleaves-bytes-per-page,
 * ptleaves-thp-bytes-per-page).
 *
 *	bench_pt_walk [MiB [REPS]]	(1024 and 5 by default)
 *
 * Prints "bench: row pt-walk cpus 1 ours NS... kernel NS... ops PAGES"
 * (and the pread1, pt-leaves and pt-leaves-thp rows) for bench-report.py,
 * or "bench: error pt-walk: why" and exits 1.
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
#define PM_PFN_MASK		((1ULL << 55) - 1)
#define HUGE			(2UL << 20)
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

/* Pages of a run inside [lo, hi); runs are whole pages and may stick out. */
struct leaves_count {
	uint64_t lo, hi, pages, huge;
};

static int count_run(const struct smmc_pt_run *run, void *data)
{
	struct leaves_count *c = data;
	uint64_t a = run->addr, e = run->addr + (run->pages << run->shift);

	if (a < c->lo)
		a = c->lo;
	if (e > c->hi)
		e = c->hi;
	if (e > a && (run->flags & SHADOWMM_PTF_PRESENT)) {
		c->pages += (e - a) / PAGE;
		if (run->shift > 12)
			c->huge += (e - a) / PAGE;
	}
	return 0;
}

/* One leaves block: the region's runs in one dump; present pages or -errno. */
static long long leaves_block(struct smmc_nl *nl, char *p, uint64_t len, uint64_t *huge)
{
	struct smmc_pt_req req = {
		.target = SMMC_PT_TARGET_PID, .id = getpid(),
		.addr = (uint64_t)p, .len = len,
	};
	struct leaves_count c = { (uint64_t)p, (uint64_t)p + len, 0, 0 };
	int ret = smmc_pt_leaves(nl, &req, count_run, &c);

	if (huge)
		*huge = c.huge;
	return ret ? ret : (long long)c.pages;
}

/* The frame of every page of the region by the runs, for the check against pagemap. */
struct leaves_frames {
	uint64_t lo, pages, *pfn;
};

static int frames_run(const struct smmc_pt_run *run, void *data)
{
	struct leaves_frames *f = data;
	uint64_t i, n = run->pages << (run->shift - 12);

	for (i = 0; i < n; i++) {
		uint64_t va = run->addr + i * PAGE;

		if (va >= f->lo && (va - f->lo) / PAGE < f->pages)
			f->pfn[(va - f->lo) / PAGE] = run->pfn + i;
	}
	return 0;
}

/*
 * The runs of [p, p + len) against pagemap page by page: the same frame
 * for each page. 0, or -1 with @why filled.
 */
static int leaves_check(struct smmc_nl *nl, int fd, char *p, uint64_t len, char *why,
			size_t whylen)
{
	struct smmc_pt_req req = {
		.target = SMMC_PT_TARGET_PID, .id = getpid(),
		.addr = (uint64_t)p, .len = len,
	};
	uint64_t pages = len / PAGE, i, v;
	struct leaves_frames f = { (uint64_t)p, pages, calloc(pages, sizeof(uint64_t)) };
	int ret = -1;

	if (!f.pfn) {
		snprintf(why, whylen, "no memory for the check");
		return -1;
	}
	if (smmc_pt_leaves(nl, &req, frames_run, &f)) {
		snprintf(why, whylen, "the leaves walk failed: %s", nl->err);
		goto out;
	}
	for (i = 0; i < pages; i++) {
		if (pread(fd, &v, sizeof(v), ((uint64_t)p / PAGE + i) * sizeof(v)) != sizeof(v)) {
			snprintf(why, whylen, "cannot read pagemap");
			goto out;
		}
		if (!(v & PM_PRESENT) || (v & PM_PFN_MASK) != f.pfn[i]) {
			snprintf(why, whylen, "leaves say pfn %#llx for page %llu, pagemap %#llx%s",
				 (unsigned long long)f.pfn[i], (unsigned long long)i,
				 (unsigned long long)(v & PM_PFN_MASK),
				 v & PM_PRESENT ? "" : " (not present)");
			goto out;
		}
	}
	ret = 0;
out:
	free(f.pfn);
	return ret;
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
	double leaves[MAX_REPS], kernl[MAX_REPS], thp[MAX_REPS], kernt[MAX_REPS];
	uint64_t len = mib << 20, pages = len / PAGE, *buf, leaves_bytes = 0, thp_bytes = 0;
	uint64_t huge = 0, recv_bytes_walk = 0;
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
	if (leaves_check(&nl, fd, p, len, why, sizeof(why)))
		return fail(why);

	for (int r = 0; r < reps; r++) {
		recv_bytes = 0;
		t = now_ns();
		got = walk_block(&nl, p, len);
		ours[r] = (now_ns() - t) / pages;
		recv_bytes_walk = recv_bytes;
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
		/* the leaves mode against the same 64 KiB preads */
		t = now_ns();
		got = pagemap_block(fd, buf, p, pages);
		kernl[r] = (now_ns() - t) / pages;
		recv_bytes = 0;
		t = now_ns();
		got = got == (long long)pages ? leaves_block(&nl, p, len, NULL) : -1;
		leaves[r] = (now_ns() - t) / pages;
		leaves_bytes = recv_bytes;
		if (got != (long long)pages) {
			snprintf(why, sizeof(why), "leaves (or pagemap) saw %lld of %llu present "
				 "pages%s%s", got, (unsigned long long)pages, got < 0 ? ": " : "",
				 got < 0 ? nl.err : "");
			return fail(why);
		}
	}
	print_row("pt-walk", ours, kern, reps, pages);
	print_row("pt-walk-pread1", ours, kern1, reps, pages);
	print_row("pt-leaves", leaves, kernl, reps, pages);
	printf("bench: ptwalk-bytes-per-page %.0f\n", (double)recv_bytes_walk / pages);
	printf("bench: ptleaves-bytes-per-page %.2f\n", (double)leaves_bytes / pages);
	fflush(stdout);

	/* THP on: a second region, 2 MiB aligned, the first one gone */
	munmap(p, len);
	p = mmap(NULL, len + HUGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return fail("cannot map the THP region");
	p = (char *)(((uintptr_t)p + HUGE - 1) & ~(HUGE - 1));
	if (madvise(p, len, MADV_HUGEPAGE))
		return fail("madvise(MADV_HUGEPAGE) failed: no THP in this kernel?");
	for (uint64_t i = 0; i < len; i += PAGE)
		p[i] = 1;
	if (mlock(p, len))
		return fail("cannot mlock the THP region");
	if (leaves_check(&nl, fd, p, len, why, sizeof(why)))
		return fail(why);
	got = leaves_block(&nl, p, len, &huge);
	printf("bench: pt-leaves-thp-huge %.3f\n", (double)huge / pages);
	if (!huge)
		return fail("pt-leaves-thp: the kernel gave no 2 MiB page (THP off?)");
	for (int r = 0; r < reps; r++) {
		t = now_ns();
		got = pagemap_block(fd, buf, p, pages);
		kernt[r] = (now_ns() - t) / pages;
		recv_bytes = 0;
		t = now_ns();
		got = got == (long long)pages ? leaves_block(&nl, p, len, NULL) : -1;
		thp[r] = (now_ns() - t) / pages;
		thp_bytes = recv_bytes;
		if (got != (long long)pages) {
			snprintf(why, sizeof(why), "THP leaves (or pagemap) saw %lld of %llu present "
				 "pages%s%s", got, (unsigned long long)pages, got < 0 ? ": " : "",
				 got < 0 ? nl.err : "");
			return fail(why);
		}
	}
	print_row("pt-leaves-thp", thp, kernt, reps, pages);
	printf("bench: ptleaves-thp-bytes-per-page %.3f\n", (double)thp_bytes / pages);
	smmc_nl_close(&nl);
	return 0;
}
