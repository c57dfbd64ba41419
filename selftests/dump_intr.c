// SPDX-License-Identifier: GPL-2.0
/*
 * Dumps and NLM_F_DUMP_INTR, for test_dump_intr.sh: each dump is taken
 * once and counted as flagged or not (smmctl and smmtop dump again when
 * flagged, so they cannot say).
 *
 *	dump_intr idle DUMPS	DUMPS frame dumps (FRAME_GET of the whole
 *				range), then DUMPS zone dumps (ZONE_GET),
 *				with nothing else going on
 *	dump_intr retype SECS	frame dumps, each followed by a zone dump,
 *				while a child process retypes frames through
 *				netlink: slabs grown (OBJ_ALLOC into an empty
 *				cache) and shrunk (OBJ_FREE, CACHE_SHRINK), a
 *				space's tables and pages mapped and unmapped;
 *				until a frame dump is flagged or SECS pass
 *
 * Prints one JSON object: {"frame_dumps": N, "frame_intr": N,
 * "zone_dumps": N, "zone_intr": N, "retype_rounds": N}, and exits 0;
 * the judging is the script's. Exits 1 with "dump_intr: why" on stderr
 * when a dump fails otherwise or the child's netlink calls fail.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../tools/lib/libsmm.h"

#define CACHE_NAME	"dump-intr"
#define CACHE_OBJ_SIZE	512		/* 8 per 4 KiB slab */
#define CHURN_OBJS	64		/* 8 slabs grown and shrunk per round */
#define SPACE_VA	0x40000000ULL
#define SPACE_PAGES	16		/* one PTE table, under new PMD and PUD */

struct counts {
	unsigned long frame_dumps, frame_intr, zone_dumps, zone_intr, rounds;
};

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static int fail(const char *what, const char *err)
{
	fprintf(stderr, "dump_intr: %s%s%s\n", what, err ? ": " : "", err ? err : "");
	return 1;
}

static int count_run(const struct smmc_run *run, void *data)
{
	(void)run;
	(void)data;
	return 0;
}

static int count_msg(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return MNL_CB_OK;
}

/* A dump's outcome counted: 0, 1 when it was flagged, -1 on another failure. */
static int dump_outcome(struct smmc_nl *nl, int ret, const char *what, unsigned long *dumps,
			unsigned long *intr)
{
	(*dumps)++;
	if (ret == SMMC_NL_DUMP_INTR) {
		(*intr)++;
		return 1;
	}
	if (ret) {
		fail(what, nl->err);
		return -1;
	}
	return 0;
}

/* One whole frame dump. */
static int frame_dump(struct smmc_nl *nl, struct counts *c)
{
	return dump_outcome(nl, smmc_frames_get(nl, 0, 0, count_run, NULL), "FRAME_GET",
			    &c->frame_dumps, &c->frame_intr);
}

/* One zone dump, raw: the library's smmc_zones_get() would dump again while flagged. */
static int zone_dump(struct smmc_nl *nl, struct counts *c)
{
	return dump_outcome(nl, smmc_nl_run(nl, smmc_nl_request(nl, SHADOWMM_CMD_ZONE_GET, true),
					    count_msg, NULL),
			    "ZONE_GET", &c->zone_dumps, &c->zone_intr);
}

/* One round of retypes: 8 slabs grown and given back, a space mapped and unmapped. */
static int churn_round(struct smmc_nl *nl, uint32_t space)
{
	struct smmc_space_range r = { .id = space, .page_shift = 12, .addr = SPACE_VA,
				     .pages = SPACE_PAGES };
	uint64_t h[CHURN_OBJS], freed, frames;
	uint32_t n;

	if (smmc_obj_alloc(nl, CACHE_NAME, CHURN_OBJS, h, &n) || n != CHURN_OBJS)
		return fail("OBJ_ALLOC", nl->err);
	if (smmc_obj_free(nl, CACHE_NAME, h, n, &freed))
		return fail("OBJ_FREE", nl->err);
	if (smmc_cache_shrink(nl, CACHE_NAME, &frames))
		return fail("CACHE_SHRINK", nl->err);
	if (smmc_space_map(nl, &r, SHADOWMM_PROT_WRITE))
		return fail("SPACE_MAP", nl->err);
	if (smmc_space_unmap(nl, &r))
		return fail("SPACE_UNMAP", nl->err);
	return 0;
}

/*
 * The child: once its cache and space exist (the space's root is a
 * retype too) it says so on @fd, then runs rounds, at least one, until
 * SIGTERM; it tidies up and writes its count of rounds to @fd.
 */
static int churn(int fd)
{
	char ready = 1;
	unsigned long rounds = 0;
	struct smmc_nl nl;
	uint32_t space;
	int ret = 0;

	if (smmc_nl_open(&nl))
		return fail("no shadowmm family", nl.err);
	if (smmc_cache_create(&nl, CACHE_NAME, CACHE_OBJ_SIZE, 0, 0))
		return fail("CACHE_CREATE", nl.err);
	if (smmc_space_create(&nl, 4, &space))
		return fail("SPACE_CREATE", nl.err);
	if (write(fd, &ready, 1) != 1)
		return fail("writing ready", NULL);
	do {
		ret = churn_round(&nl, space);
		rounds += !ret;
	} while (!stop && !ret);
	if (smmc_space_destroy(&nl, space))
		ret = fail("SPACE_DESTROY", nl.err);
	if (smmc_cache_destroy(&nl, CACHE_NAME, false))
		ret = fail("CACHE_DESTROY", nl.err);
	if (write(fd, &rounds, sizeof(rounds)) != sizeof(rounds))
		ret = fail("writing the count", NULL);
	smmc_nl_close(&nl);
	return ret;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int run_idle(struct smmc_nl *nl, long dumps, struct counts *c)
{
	long i;

	for (i = 0; i < dumps; i++)
		if (frame_dump(nl, c) < 0)
			return 1;
	for (i = 0; i < dumps; i++)
		if (zone_dump(nl, c) < 0)
			return 1;
	return 0;
}

static int run_retype(struct smmc_nl *nl, long secs, struct counts *c)
{
	int fds[2], status, ret = 0;
	double end;
	char ready;
	pid_t pid;

	if (pipe(fds))
		return fail("pipe", NULL);
	signal(SIGTERM, on_term);
	pid = fork();
	if (pid < 0)
		return fail("fork", NULL);
	if (!pid) {
		close(fds[0]);
		_exit(churn(fds[1]));
	}
	close(fds[1]);
	/* the dumps start once the child has nothing left to set up */
	if (read(fds[0], &ready, 1) != 1)
		ret = -1;
	end = now_s() + secs;
	/* stop at the first flagged frame dump, or at a failed dump */
	while (!ret && now_s() < end) {
		ret = frame_dump(nl, c);
		if (ret >= 0 && zone_dump(nl, c) < 0)
			ret = -1;
	}
	kill(pid, SIGTERM);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		return fail("the retyping child failed", NULL);
	if (read(fds[0], &c->rounds, sizeof(c->rounds)) != sizeof(c->rounds))
		return fail("reading the child's count", NULL);
	close(fds[0]);
	return ret < 0;
}

int main(int argc, char **argv)
{
	struct counts c = { 0 };
	struct smmc_nl nl;
	long n;
	int ret;

	if (argc != 3 || (strcmp(argv[1], "idle") && strcmp(argv[1], "retype")) ||
	    (n = strtol(argv[2], NULL, 10)) <= 0) {
		fprintf(stderr, "usage: dump_intr { idle DUMPS | retype SECS }\n");
		return 1;
	}
	if (smmc_nl_open(&nl))
		return fail("no shadowmm family", nl.err);
	ret = !strcmp(argv[1], "idle") ? run_idle(&nl, n, &c) : run_retype(&nl, n, &c);
	smmc_nl_close(&nl);
	if (ret)
		return 1;
	printf("{\"frame_dumps\": %lu, \"frame_intr\": %lu, \"zone_dumps\": %lu, "
	       "\"zone_intr\": %lu, \"retype_rounds\": %lu}\n",
	       c.frame_dumps, c.frame_intr, c.zone_dumps, c.zone_intr, c.rounds);
	return 0;
}
