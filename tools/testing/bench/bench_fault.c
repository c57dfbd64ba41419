// SPDX-License-Identifier: GPL-2.0
/*
 * The fault and reclaim rows of `make bench` (issue 17), run in the VM by
 * bench_vm.sh with the module loaded on a 64 MiB range:
 *
 *   fault    ns per minor fault: one SPACE_ACCESS write over a fresh
 *            anonymous VMA of MiB (each page faulted in, zeroed, mapped,
 *            put on the LRU, then every word of it written), against the
 *            kernel doing the same to a fresh MAP_ANONYMOUS region of this
 *            process (MADV_NOHUGEPAGE: 4 KiB faults, every word written).
 *            Both are timed from user space; the shadow's one netlink
 *            round trip is spread over all the pages.
 *   reclaim  with a swap area on, a space of 1.5 times the range's free
 *            memory written in 1 MiB accesses: pages kshadowd reclaimed
 *            (pgsteal_kswapd) and direct reclaim did (pgsteal_direct) per
 *            second of that writing. No kernel row: a figure to watch.
 *
 * Under TCG both times are emulated: compare the fault row's ratio, and
 * the reclaim rate between runs of the same machine only.
 *
 *   bench_fault [MiB (1-48) [REPS (1-32)]]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "../../lib/libsmm.h"

#define PAGE		4096UL
#define CHUNK		(1UL << 20)
#define VA		0x40000000ULL	/* the shadow VMA's start */
#define MAX_REPS	32

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int fail(const char *what, const char *why)
{
	printf("bench: error %s: %s\n", what, why);
	return 1;
}

/* The counter @name of the module's vmstat, or -1. */
static long long vmstat(struct smmc_nl *nl, const char *name)
{
	const struct smmc_vmstat *c;
	struct smmc_vmstat *v;
	long long val = -1;
	size_t n;

	if (smmc_vmstat_get(nl, &v, &n))
		return -1;
	c = smmc_vmstat_find(v, n, name);
	if (c)
		val = (long long)c->value;
	free(v);
	return val;
}

/* A new space with one rw- anonymous VMA of @len at VA; its id in *@id. */
static int space_with_vma(struct smmc_nl *nl, uint64_t len, uint32_t *id)
{
	if (smmc_space_create(nl, 0, id))
		return -1;
	if (smmc_space_mmap(nl, *id, VA, len, SHADOWMM_PROT_WRITE)) {
		smmc_space_destroy(nl, *id);
		return -1;
	}
	return 0;
}

/*
 * One write access of [@addr, @addr + @len) in space @id: 0 when every
 * page was written and *@faults says how many faulted in; else -1 and
 * why in nl->err.
 */
static int write_range(struct smmc_nl *nl, uint32_t id, uint64_t addr, uint64_t len,
		       uint64_t *faults)
{
	struct smmc_access_req req = { .id = id, .addr = addr, .len = len, .write = true };
	struct smmc_access_res res;

	if (smmc_space_access(nl, &req, &res))
		return -1;
	*faults = res.faults;
	if (!res.signal && res.touched == len / PAGE)
		return 0;
	snprintf(nl->err, sizeof(nl->err), "%llu of %lu pages touched, signal %u: %s",
		 (unsigned long long)res.touched, len / PAGE, res.signal, res.reason);
	return -1;
}

/* ns per fault of the shadow: a fresh space's VMA written once. */
static double fault_ours(struct smmc_nl *nl, uint64_t len, char *why, size_t wlen)
{
	uint64_t faults = 0;
	uint32_t id;
	double t;
	int ret;

	if (space_with_vma(nl, len, &id)) {
		snprintf(why, wlen, "cannot make a space: %s", nl->err);
		return -1;
	}
	t = now_ns();
	ret = write_range(nl, id, VA, len, &faults);
	t = now_ns() - t;
	if (ret || faults != len / PAGE)
		snprintf(why, wlen, "%llu of %lu pages faulted: %s", (unsigned long long)faults,
			 len / PAGE, ret ? nl->err : "not one fault per page");
	smmc_space_destroy(nl, id);
	return ret || faults != len / PAGE ? -1 : t / (len / PAGE);
}

/* ns per fault of the kernel: a fresh anonymous region, every word written. */
static double fault_kernel(uint64_t len)
{
	volatile uint64_t *p;
	double t;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	madvise((void *)p, len, MADV_NOHUGEPAGE);
	t = now_ns();
	for (uint64_t i = 0; i < len / sizeof(*p); i++)
		p[i] = (uint64_t)&p[i];	/* as the shadow's write: each word its address */
	t = now_ns() - t;
	munmap((void *)p, len);
	return t / (len / PAGE);
}

/* The reclaim rate: see the head of the file. */
static int reclaim_rate(struct smmc_nl *nl)
{
	long long free0, k0, d0, k1, d1;
	uint64_t len, faults, off;
	struct smmc_swap sw;
	uint32_t id;
	double t;

	free0 = vmstat(nl, "nr_free_pages");
	if (free0 <= 0 || smmc_swap_get(nl, &sw))
		return fail("reclaim", "no nr_free_pages or SWAP_GET");
	len = (uint64_t)free0 * PAGE * 3 / 2 / CHUNK * CHUNK;
	/* room for the half beyond free memory, and some */
	if (smmc_swap_on(nl, sw.limit < len ? sw.limit / CHUNK * CHUNK : len))
		return fail("reclaim", nl->err);
	if (space_with_vma(nl, len, &id)) {
		smmc_swap_off(nl);
		return fail("reclaim", nl->err);
	}
	k0 = vmstat(nl, "pgsteal_kswapd");
	d0 = vmstat(nl, "pgsteal_direct");
	t = now_ns();
	for (off = 0; off < len; off += CHUNK)
		if (write_range(nl, id, VA + off, CHUNK, &faults))
			break;
	t = now_ns() - t;
	k1 = vmstat(nl, "pgsteal_kswapd");
	d1 = vmstat(nl, "pgsteal_direct");
	smmc_space_destroy(nl, id);
	smmc_swap_off(nl);
	if (off < len)
		return fail("reclaim", nl->err);
	if (k0 < 0 || k1 < k0 || d1 < d0)
		return fail("reclaim", "no pgsteal_kswapd/pgsteal_direct counters");
	printf("bench: reclaim pages %llu kswapd %lld direct %lld seconds %.3f\n",
	       (unsigned long long)(len / PAGE), k1 - k0, d1 - d0, t / 1e9);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long mib = argc > 1 ? strtoul(argv[1], NULL, 0) : 32;
	int reps = argc > 2 ? atoi(argv[2]) : 5, r, ret = 0;
	double ours[MAX_REPS], kern[MAX_REPS];
	uint64_t len = mib << 20;
	struct smmc_nl nl;
	char why[600];

	if (!mib || mib > 48 || reps < 1 || reps > MAX_REPS)
		return fail("fault", "usage: bench_fault [MiB (1-48) [REPS (1-32)]]");
	if (smmc_nl_open(&nl))
		return fail("fault", nl.err);
	for (r = 0; r < reps; r++) {
		ours[r] = fault_ours(&nl, len, why, sizeof(why));
		kern[r] = fault_kernel(len);
		if (ours[r] < 0 || kern[r] < 0) {
			ret = fail("fault", ours[r] < 0 ? why : "cannot map the region");
			break;
		}
	}
	if (!ret) {
		printf("bench: row fault cpus 1 ours");
		for (r = 0; r < reps; r++)
			printf(" %.1f", ours[r]);
		printf(" kernel");
		for (r = 0; r < reps; r++)
			printf(" %.1f", kern[r]);
		printf(" ops %lu\n", len / PAGE);
	}
	ret |= reclaim_rate(&nl);
	smmc_nl_close(&nl);
	return ret;
}
