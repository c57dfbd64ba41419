// SPDX-License-Identifier: GPL-2.0
/*
 * The real walker against a process whose tables change under it (a
 * kselftest printing TAP; test_pt_race.sh runs it as root).
 *
 *	pt_race SECONDS MIN_WALKS
 *
 * A child mutates a 4 MiB region at an address of its own in an
 * otherwise empty 1 GiB (so that munmap() frees the region's PTE tables
 * and its PMD table): it maps it, touches some pages, asks for THP
 * (MADV_HUGEPAGE, then MADV_COLLAPSE where the kernel has it), write-
 * protects and unprotects it, drops pages (MADV_DONTNEED) and unmaps it,
 * over and over; every fifth round the region is shared memory (a memfd)
 * whose PTE-mapped pages MADV_COLLAPSE turns into a THP, which on 6.5+
 * retracts the PTE table under the mmap read lock and frees it after an
 * RCU grace period (collapse_pte_mapped_thp(), pte_free_defer()): the
 * kernel change module/compat.h's smm_pte_read_ro() is written for. Meanwhile the parent walks the region and its edges
 * through PT_WALK, one netlink dump per walk on one socket (two in 16 in
 * the leaves mode, runs in address order, those of 4 KiB pages inside the
 * range), for at least
 * SECONDS seconds and MIN_WALKS walks. Every walk must either complete
 * with steps that tile the range it asked for, or fail with EAGAIN ("the
 * tables changed under the walk"); anything else, or a child that died,
 * fails. What the kernel thinks of it (KASAN, lockdep, an oops) is judged
 * from its log by the runner.
 *
 *	   1 GiB, 1 GiB aligned, nothing else mapped in it
 *	  |--------------------------------------------------------------|
 *	  | 2 MiB gap | region: 2 x 2 MiB (THP-able)  | rest: unmapped     |
 *	              ^ base                          ^ base + 4 MiB
 *	the parent walks pages and runs of 8 pages across the region, and
 *	now and then [base - 2 MiB, base + 6 MiB) and the whole 1 GiB
 */
#define _GNU_SOURCE			/* memfd_create() */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../tools/lib/libsmm.h"

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE	25
#endif

#define PAGE		4096UL
#define HUGE		(2UL << 20)
#define REGION		(2 * HUGE)
#define SLOT		(1UL << 30)

static int test_nr, failed;

static void tap(int ok, const char *name)
{
	printf("%s %d %s\n", ok ? "ok" : "not ok", ++test_nr, name);
	fflush(stdout);
	failed += !ok;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A 1 GiB-aligned slot with nothing mapped in it: reserve 2 GiB, keep none. */
static char *empty_slot(void)
{
	char *p = mmap(NULL, 2 * SLOT, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		       -1, 0);
	char *slot;

	if (p == MAP_FAILED)
		return NULL;
	slot = (char *)(((unsigned long)p + SLOT - 1) & ~(SLOT - 1));
	munmap(p, 2 * SLOT);
	return slot;
}

static void touch(char *p, size_t len, size_t stride)
{
	for (size_t i = 0; i < len; i += stride)
		p[i] = (char)i | 1;
}

/*
 * The region as shared memory: a memfd of REGION bytes mapped at @base,
 * the file closed (the mapping keeps it). NULL if the kernel refuses.
 */
static char *map_shared(char *base)
{
	int fd = memfd_create("pt_race", 0);
	char *p = MAP_FAILED;

	if (fd < 0)
		return NULL;
	if (!ftruncate(fd, REGION))
		p = mmap(base, REGION, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0);
	close(fd);
	return p == MAP_FAILED ? NULL : p;
}

/*
 * The child's loop, one kind of change per round so that every kind
 * overlaps many walks; runs until killed.
 */
static void mutate(char *base)
{
	unsigned long round;

	for (round = 0;; round++) {
		char *p;

		if (round % 5 == 4) {	/* shmem: a PTE table retracted */
			p = map_shared(base);
			if (!p)
				_exit(3);
			touch(p + HUGE, HUGE, PAGE);
			madvise(p + HUGE, HUGE, MADV_HUGEPAGE);
			madvise(p + HUGE, HUGE, MADV_COLLAPSE);
			touch(p, HUGE, 32 * PAGE);
			munmap(base, REGION);
			continue;
		}
		p = mmap(base, REGION, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		if (p == MAP_FAILED)
			_exit(2);
		switch (round % 5) {
		case 0:		/* sparse pages, then all dropped */
			touch(p, REGION, 16 * PAGE);
			madvise(p, REGION, MADV_DONTNEED);
			touch(p, REGION, 64 * PAGE);
			break;
		case 1:		/* a THP fault, then split by mprotect of half */
			madvise(p, REGION, MADV_HUGEPAGE);
			touch(p, HUGE, PAGE);
			mprotect(p, HUGE / 2, PROT_READ);
			mprotect(p, HUGE / 2, PROT_READ | PROT_WRITE);
			break;
		case 2:		/* PTE-mapped pages collapsed into a THP */
			touch(p + HUGE, HUGE, PAGE);
			madvise(p + HUGE, HUGE, MADV_HUGEPAGE);
			madvise(p + HUGE, HUGE, MADV_COLLAPSE);
			madvise(p, HUGE, MADV_DONTNEED);
			break;
		case 3:		/* PROT_NONE over touched pages, then a hole punched */
			touch(p, REGION, 8 * PAGE);
			mprotect(p, REGION, PROT_NONE);
			munmap(p + HUGE / 2, HUGE);
			break;
		}
		munmap(base, REGION);	/* frees the PTE and PMD tables */
	}
}

struct tile {
	uint64_t next;			/* where the next step must start */
	unsigned long steps;
	char why[200];
};

/* Steps come in address order and cover the range without gaps. */
static int tile_step(const struct smmc_pt_step *st, void *data)
{
	struct tile *t = data;

	if (st->addr != t->next && !t->why[0])
		snprintf(t->why, sizeof(t->why), "step at %#llx, expected %#llx",
			 (unsigned long long)st->addr, (unsigned long long)t->next);
	if (st->no_vma && st->nr && !t->why[0])
		snprintf(t->why, sizeof(t->why), "a hole outside every VMA with %u levels read",
			 st->nr);
	t->next = st->kind == SHADOWMM_PT_HOLE ? st->addr + st->size :
		  (st->addr & ~(st->size - 1)) + st->size;
	t->steps++;
	return 0;
}

struct tally {
	unsigned long walks, done, changed, steps;
	char why[600];
};

/*
 * Count a walk of [@addr, @addr + @len) that returned @ret, @units steps
 * or runs: EAGAIN is "the tables changed"; any other error, or @why
 * (what its callback found wrong), is kept as the first failure.
 */
static void tally_walk(struct tally *ty, const struct smmc_nl *nl, const char *mode, int ret,
		       uint64_t addr, uint64_t len, const char *why, unsigned long units)
{
	ty->walks++;
	if (ret == -EAGAIN) {
		ty->changed++;
		return;
	}
	if (ret && !ty->why[0])
		snprintf(ty->why, sizeof(ty->why), "%s %lu of %#llx+%#llx: %s", mode, ty->walks,
			 (unsigned long long)addr, (unsigned long long)len, nl->err);
	else if (!ret && why[0] && !ty->why[0])
		snprintf(ty->why, sizeof(ty->why), "%s %lu: %s", mode, ty->walks, why);
	if (!ret)
		ty->done++;
	ty->steps += units;
}

/* One walk of [addr, addr + len) of @pid; anything but EAGAIN is kept. */
static void walk_once(struct smmc_nl *nl, struct tally *ty, pid_t pid, uint64_t addr,
		      uint64_t len)
{
	struct smmc_pt_req req = { .target = SMMC_PT_TARGET_PID, .id = pid, .addr = addr,
				  .len = len };
	struct tile t = { .next = addr };
	int ret = smmc_pt_walk(nl, &req, tile_step, &t);

	if (!ret && !t.why[0] && t.next < addr + len)
		snprintf(t.why, sizeof(t.why), "ended at %#llx, short of %#llx",
			 (unsigned long long)t.next, (unsigned long long)(addr + len));
	tally_walk(ty, nl, "walk", ret, addr, len, t.why, t.steps);
}

struct run_order {
	uint64_t first, last, end;	/* the range asked; where the last run ended */
	unsigned long runs;
	char why[200];
};

/*
 * Runs come in address order, apart, each touching the range asked for;
 * a run of 4 KiB pages lies inside it (only a huge page may cross an end).
 */
static int order_run(const struct smmc_pt_run *run, void *data)
{
	struct run_order *o = data;
	uint64_t end = run->addr + (run->pages << run->shift);
	bool small = run->shift == 12;

	if (!o->why[0] && (!run->pages || run->addr < o->end || end <= o->first ||
			   run->addr > o->last ||
			   (small && (run->addr < (o->first & ~(PAGE - 1)) || end - 1 > o->last))))
		snprintf(o->why, sizeof(o->why), "run %lu at %#llx+%llu pages of 2^%u, after %#llx",
			 o->runs, (unsigned long long)run->addr, (unsigned long long)run->pages,
			 run->shift, (unsigned long long)o->end);
	o->end = end;
	o->runs++;
	return 0;
}

/* One leaves-mode walk (runs, the tables read a table at a time), kept as walk_once(). */
static void leaves_once(struct smmc_nl *nl, struct tally *ty, pid_t pid, uint64_t addr,
			uint64_t len)
{
	struct smmc_pt_req req = { .target = SMMC_PT_TARGET_PID, .id = pid, .addr = addr,
				  .len = len };
	struct run_order o = { .first = addr, .last = addr + len - 1 };
	int ret = smmc_pt_leaves(nl, &req, order_run, &o);

	tally_walk(ty, nl, "leaves walk", ret, addr, len, o.why, o.runs);
}

int main(int argc, char **argv)
{
	double seconds, start, elapsed;
	unsigned long min_walks, i;
	struct tally ty = { 0 };
	struct smmc_nl nl;
	int status = 0;
	char *slot, *base;
	pid_t child;

	if (argc != 3 || (seconds = atof(argv[1])) <= 0 ||
	    !(min_walks = strtoul(argv[2], NULL, 0))) {
		fprintf(stderr, "usage: pt_race SECONDS MIN_WALKS\n");
		return 2;
	}
	printf("TAP version 13\n1..4\n");
	if (smmc_nl_open(&nl)) {
		printf("# %s\n", nl.err);
		tap(0, "the shadowmm family is there");
		return 1;
	}
	slot = empty_slot();
	if (!slot) {
		tap(0, "an empty 1 GiB slot for the region");
		return 1;
	}
	base = slot + HUGE;
	child = fork();
	if (child < 0) {
		perror("fork");
		return 1;
	}
	if (!child)
		mutate(base);

	start = now();
	for (i = 0; (elapsed = now() - start) < seconds || ty.walks < min_walks; i++) {
		uint64_t b = (uint64_t)base, off;

		/*
		 * Mostly short walks at offsets that move through the region
		 * (a prime stride of pages, so every PTE table and both PMDs
		 * get their turn), and now and then the region with the gaps
		 * around it and the whole slot: many walks a second even on
		 * the KASAN kernel, each landing while the child changes
		 * something.
		 */
		off = (i * 37 * PAGE) % REGION;
		switch (i % 16) {
		case 0:		/* the region with a gap on both sides */
			walk_once(&nl, &ty, child, b - HUGE, REGION + 2 * HUGE);
			break;
		case 8:		/* the whole slot: everything past the region is unmapped */
			walk_once(&nl, &ty, child, (uint64_t)slot, SLOT);
			break;
		case 2:		/* the leaves mode, the region with its gaps */
			leaves_once(&nl, &ty, child, b - HUGE, REGION + 2 * HUGE);
			break;
		case 10:	/* and 40 pages, ending inside a PTE table */
			leaves_once(&nl, &ty, child, b + off, 40 * PAGE);
			break;
		case 4:		/* from inside the region into the gap after it */
			walk_once(&nl, &ty, child, b + REGION - 4 * PAGE, 8 * PAGE);
			break;
		default:	/* one page, or eight */
			walk_once(&nl, &ty, child, b + off, i & 1 ? PAGE : 8 * PAGE);
			break;
		}
		if (ty.why[0] || waitpid(child, &status, WNOHANG) == child)
			break;
		if (elapsed > 20 * seconds)
			break;		/* bounded, whatever the walk rate */
	}
	if (!ty.why[0] && waitpid(child, &status, WNOHANG) == 0) {
		kill(child, SIGKILL);
		waitpid(child, &status, 0);
		status = 0;
	}
	printf("# %lu walks in %.1f s: %lu completed, %lu saw the tables change; %lu steps or runs\n",
	       ty.walks, elapsed, ty.done, ty.changed, ty.steps);
	if (ty.why[0])
		printf("# %s\n", ty.why);
	tap(!ty.why[0], "every walk completed or returned EAGAIN, steps tiling the range, runs in order");
	tap(status == 0, "the mutating child ran until stopped");
	if (status)
		printf("# child status %#x\n", status);
	tap(elapsed >= seconds && ty.walks >= min_walks, "ran for the time and walks asked for");
	tap(ty.done > ty.walks / 2, "most walks completed");
	smmc_nl_close(&nl);
	return failed ? 1 : 0;
}
