// SPDX-License-Identifier: GPL-2.0
/*
 * replay_native: a real kernel's kmem trace (tracefs' trace, trace-cmd
 * report or perf script text, as smmctl replay reads it) replayed into
 * the kernel-agnostic core in user space, with the parameters asked, and
 * the fragmentation printed every N events (Documentation/replay.md):
 *
 *   replay_native [OPTIONS] FILE
 *     --size SIZE            the range (default 256M; K, M, G)
 *     --cpus N               CPUs (default 2; the replay runs on CPU 0)
 *     --pcp on|off           per-CPU lists (default on)
 *     --pcp-high N           every list's high (default: the core's)
 *     --pcp-batch N          every list's batch (default: the core's)
 *     --boost-factor N       vm.watermark_boost_factor (0: no boost)
 *     --min-free-kbytes N    vm.min_free_kbytes (default: as at boot)
 *     --mode pages|objects|all   what is replayed (default pages)
 *     --slab-policy slub|slab|slob   the replay's caches (default slub)
 *     --fallback kernel|nosteal|claim   the core's fallback rules (default kernel)
 *     --pageblock-order 7|9|10   the core's pageblock order (default 9: the
 *                            module's; 7 and 10 run replay_native-pb7, -pb10)
 *     --every N              a row every N events (default 10000) and at the end
 *     --limit N              at most N events
 *     -j                     JSON lines instead of the table
 *
 * A row: events replayed so far, free frames (the buddy's; pcp frames
 * apart), free blocks per order 0-10, the unusable free space index and
 * the fragmentation index for orders 3 and 9 as mm/vmstat.c computes
 * them (debugfs extfrag/unusable_index and extfrag_index: the core's
 * frag.c), pageblocks by type and the mixed ones. The last line is the
 * replay's counts (as smmctl replay's) and its time. The text table
 * opens with a line of the pageblock order and the fallback rules; the
 * JSON summary carries both.
 *
 * The pageblock order is a compile-time constant of the core
 * (SMM_PAGEBLOCK_ORDER): the module's hot paths shift by it. So each
 * order is a binary of its own, built beside this one (the Makefile's
 * PB_ORDERS), and --pageblock-order N other than this binary's own
 * replaces the process with replay_native-pbN (replay_native for 9),
 * the same arguments passed on, before any file is read.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "libsmm.h"
#include "replay_core.h"

struct nrp_main {
	struct nrp *n;
	bool json;
	uint64_t last;		/* events of the last row */
};

/* The pageblock orders built (tools/testing/replay/Makefile's PB_ORDERS, and 9). */
static const unsigned int nrp_pb_orders[] = { 7, 9, 10 };

static const char *const nrp_mt_names[NRP_MTS] = {
	"unmovable", "movable", "reclaimable", "highatomic", "cma", "isolate"
};

/* The synopsis, on a bad option. */
static void usage(void)
{
	fprintf(stderr, "usage: replay_native [ --size SIZE ] [ --cpus N ] [ --pcp on|off ] "
			"[ --pcp-high N ] [ --pcp-batch N ]\n"
			"       [ --boost-factor N ] [ --min-free-kbytes N ] "
			"[ --mode pages|objects|all ] [ --slab-policy slub|slab|slob ]\n"
			"       [ --fallback kernel|nosteal|claim ] [ --pageblock-order 7|9|10 ]\n"
			"       [ --every N ] [ --limit N ] [ -j ] FILE\n");
}

/* A size: a number with K, M or G (KiB, MiB, GiB), else bytes. */
static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	uint64_t v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	switch (*end) {
	case 'K': case 'k': v <<= 10; end++; break;
	case 'M': case 'm': v <<= 20; end++; break;
	case 'G': case 'g': v <<= 30; end++; break;
	default: break;
	}
	if (*end)
		return -1;
	*out = v;
	return 0;
}

/* A decimal number up to @max; -1 otherwise. */
static int parse_num(const char *s, uint64_t max, uint64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 10);
	return errno || end == s || *end || *out > max ? -1 : 0;
}

/* thousandths as the kernel's extfrag files print them: -1.000, 0.124 */
static void print_milli(char *buf, size_t len, int v)
{
	snprintf(buf, len, "%s%d.%03d", v < 0 ? "-" : "", abs(v) / 1000, abs(v) % 1000);
}

/* The table's first line, the policies the core runs, and its column names. */
static void print_header(unsigned int fallback)
{
	int o;

	printf("# pageblock order %u (%u frames), fallback %s\n", nrp_pageblock_order(),
	       1U << nrp_pageblock_order(), nrp_fallback_name(fallback));
	printf("%10s %9s %6s", "events", "free", "pcp");
	for (o = 0; o < NRP_ORDERS; o++)
		printf(" %5s%-2d", "o", o);
	printf(" %7s %7s %7s %7s %5s %5s %5s %5s\n", "unus3", "unus9", "frag3", "frag9",
	       "pb", "unmov", "recl", "mixed");
}

/* One row of the fragmentation after @events events: the table's, or a JSON line. */
static void print_row(const struct nrp_main *m, uint64_t events, const struct nrp_frag *f)
{
	char u3[16], u9[16], e3[16], e9[16];
	int o;

	print_milli(u3, sizeof(u3), f->unusable3);
	print_milli(u9, sizeof(u9), f->unusable9);
	print_milli(e3, sizeof(e3), f->extfrag3);
	print_milli(e9, sizeof(e9), f->extfrag9);
	if (!m->json) {
		printf("%10" PRIu64 " %9" PRIu64 " %6" PRIu64, events, f->free_frames, f->pcp_frames);
		for (o = 0; o < NRP_ORDERS; o++)
			printf(" %7" PRIu64, f->nr_free[o]);
		printf(" %7s %7s %7s %7s %5" PRIu64 " %5" PRIu64 " %5" PRIu64 " %5" PRIu64 "\n",
		       u3, u9, e3, e9, f->pageblocks, f->by_mt[0], f->by_mt[2], f->mixed);
		return;
	}
	printf("{\"events\":%" PRIu64 ",\"free_frames\":%" PRIu64 ",\"pcp_frames\":%" PRIu64
	       ",\"nr_free\":[", events, f->free_frames, f->pcp_frames);
	for (o = 0; o < NRP_ORDERS; o++)
		printf("%s%" PRIu64, o ? "," : "", f->nr_free[o]);
	printf("],\"unusable_index\":{\"3\":%s,\"9\":%s},\"extfrag_index\":{\"3\":%s,\"9\":%s},"
	       "\"pageblocks\":%" PRIu64 ",\"mixed_pageblocks\":%" PRIu64 ",\"pageblock_types\":{",
	       u3, u9, e3, e9, f->pageblocks, f->mixed);
	for (o = 0; o < NRP_MTS; o++)
		printf("%s\"%s\":%" PRIu64, o ? "," : "", nrp_mt_names[o], f->by_mt[o]);
	printf("},\"mt_fallback\":%" PRIu64 ",\"mt_steal\":%" PRIu64 "}\n", f->mt_fallback,
	       f->mt_steal);
}

/* The replay's tick: a row of the fragmentation after @events events. */
static int nrp_tick(void *ctx, uint64_t events)
{
	struct nrp_main *m = ctx;
	struct nrp_frag f;

	if (events == m->last)
		return 0;
	m->last = events;
	nrp_frag(m->n, &f);
	print_row(m, events, &f);
	return 0;
}

/* The replay's ops on the core; ctx is the struct nrp_main. */
static int op_page_alloc(void *ctx, uint32_t o, uint32_t gfp, uint32_t c, uint64_t *h)
{
	return nrp_page_alloc(((struct nrp_main *)ctx)->n, o, gfp, c, h);
}

static int op_page_free(void *ctx, const uint64_t *h, uint32_t c)
{
	return nrp_page_free(((struct nrp_main *)ctx)->n, h, c);
}

static int op_cache_create(void *ctx, const char *name, uint32_t size, uint32_t policy)
{
	return nrp_cache_create(((struct nrp_main *)ctx)->n, name, size, policy);
}

static int op_obj_alloc(void *ctx, const char *cache, uint32_t c, uint64_t *h)
{
	return nrp_obj_alloc(((struct nrp_main *)ctx)->n, cache, c, h);
}

static int op_obj_free(void *ctx, const char *cache, const uint64_t *h, uint32_t c)
{
	return nrp_obj_free(((struct nrp_main *)ctx)->n, cache, h, c);
}

static const struct smmc_replay_ops nrp_ops = {
	.page_alloc	= op_page_alloc,
	.page_free	= op_page_free,
	.cache_create	= op_cache_create,
	.obj_alloc	= op_obj_alloc,
	.obj_free	= op_obj_free,
	.tick		= nrp_tick,
};

/* The last line: the replay's counts, as smmctl replay's, and its time. */
static void print_summary(bool json, const char *file, const struct smmc_replay_stats *st,
			  double secs, unsigned int fallback)
{
	double rate = secs > 0 ? st->events / secs : 0;

	int i;

	if (json) {
		printf("{\"file\":\"%s\",\"events\":%" PRIu64 ",\"replayed\":%" PRIu64
		       ",\"page_allocs\":%" PRIu64 ",\"page_frees\":%" PRIu64 ",\"obj_allocs\":%"
		       PRIu64 ",\"obj_frees\":%" PRIu64 ",\"skipped\":%" PRIu64 ",\"skips\":{",
		       file, st->events, st->replayed, st->page_allocs, st->page_frees,
		       st->obj_allocs, st->obj_frees, smmc_replay_skipped(st));
		for (i = 0; i < __SMMC_SKIP_CNT; i++)
			printf("%s\"%s\":%" PRIu64, i ? "," : "", smmc_replay_skip_name(i),
			       st->skipped[i]);
		printf("},\"failures\":%" PRIu64 ",\"peak_frames\":%" PRIu64 ",\"live_frames\":%"
		       PRIu64 ",\"pageblock_order\":%u,\"fallback\":\"%s\",\"seconds\":%.6f,"
		       "\"events_per_second\":%.0f}\n", st->failures, st->peak_frames,
		       st->live_frames, nrp_pageblock_order(), nrp_fallback_name(fallback), secs,
		       rate);
		return;
	}
	printf("trace %s: events %" PRIu64 " replayed %" PRIu64 " (page_allocs %" PRIu64
	       " page_frees %" PRIu64 " obj_allocs %" PRIu64 " obj_frees %" PRIu64 ") skipped %"
	       PRIu64 " (unmatched_free %" PRIu64 ") failures %" PRIu64 " peak_frames %" PRIu64
	       " in %.3f s (%.0f events/s)\n", file, st->events, st->replayed, st->page_allocs,
	       st->page_frees, st->obj_allocs, st->obj_frees, smmc_replay_skipped(st),
	       st->skipped[SMMC_SKIP_UNMATCHED], st->failures, st->peak_frames, secs, rate);
}

/* CLOCK_MONOTONIC in seconds. */
static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

enum { O_SIZE = 256, O_CPUS, O_PCP, O_HIGH, O_BATCH, O_BOOST, O_MFK, O_MODE, O_POLICY,
       O_EVERY, O_LIMIT, O_FALLBACK, O_PB_ORDER };

static const struct option nrp_longopts[] = {
	{ "size", required_argument, NULL, O_SIZE },
	{ "cpus", required_argument, NULL, O_CPUS },
	{ "pcp", required_argument, NULL, O_PCP },
	{ "pcp-high", required_argument, NULL, O_HIGH },
	{ "pcp-batch", required_argument, NULL, O_BATCH },
	{ "boost-factor", required_argument, NULL, O_BOOST },
	{ "min-free-kbytes", required_argument, NULL, O_MFK },
	{ "mode", required_argument, NULL, O_MODE },
	{ "slab-policy", required_argument, NULL, O_POLICY },
	{ "every", required_argument, NULL, O_EVERY },
	{ "limit", required_argument, NULL, O_LIMIT },
	{ "fallback", required_argument, NULL, O_FALLBACK },
	{ "pageblock-order", required_argument, NULL, O_PB_ORDER },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

/* @order one of nrp_pb_orders[]? */
static bool pb_order_built(uint64_t order)
{
	size_t i;

	for (i = 0; i < sizeof(nrp_pb_orders) / sizeof(nrp_pb_orders[0]); i++)
		if (nrp_pb_orders[i] == order)
			return true;
	return false;
}

/*
 * The options into @p and @o, the pageblock order asked into @pb_order;
 * -1 (said why) on a bad one.
 */
static int parse_args(int argc, char **argv, struct nrp_params *p, struct smmc_replay_opts *o,
		      bool *json, unsigned int *pb_order)
{
	uint64_t v, size = 256ULL << 20;
	int c, pol;

	while ((c = getopt_long(argc, argv, "jh", nrp_longopts, NULL)) != -1) {
		const char *a = optarg;

		switch (c) {
		case 'j': *json = true; break;
		case O_SIZE:
			if (parse_size(a, &size) || size < (4ULL << 20) || size > (64ULL << 30) ||
			    size & ((2ULL << 20) - 1))
				return fprintf(stderr, "replay_native: --size is 4M to 64G, "
					       "a multiple of 2M\n"), -1;
			break;
		case O_CPUS:
			if (parse_num(a, 64, &v) || !v)
				return fprintf(stderr, "replay_native: --cpus is 1 to 64\n"), -1;
			p->cpus = v;
			break;
		case O_PCP:
			if (strcmp(a, "on") && strcmp(a, "off"))
				return fprintf(stderr, "replay_native: --pcp is on or off\n"), -1;
			p->pcp = !strcmp(a, "on");
			break;
		case O_HIGH:
		case O_BATCH:
			if (parse_num(a, 1U << 20, &v) || (c == O_BATCH && !v))
				return fprintf(stderr, "replay_native: --pcp-high is 0 to 1048576, "
					       "--pcp-batch 1 to 1048576\n"), -1;
			*(c == O_HIGH ? &p->pcp_high : &p->pcp_batch) = v;
			break;
		case O_BOOST:
			if (parse_num(a, 2147483647, &v))
				return fprintf(stderr, "replay_native: --boost-factor is 0 to "
					       "2147483647\n"), -1;
			p->boost_factor = v;
			break;
		case O_MFK:
			if (parse_num(a, 1ULL << 30, &v) || !v)
				return fprintf(stderr, "replay_native: --min-free-kbytes is a "
					       "positive number\n"), -1;
			p->min_free_kbytes = v;
			break;
		case O_MODE:
			if (!strcmp(a, "pages"))
				o->mode = SMMC_REPLAY_PAGES;
			else if (!strcmp(a, "objects"))
				o->mode = SMMC_REPLAY_OBJECTS;
			else if (!strcmp(a, "all"))
				o->mode = SMMC_REPLAY_ALL;
			else
				return fprintf(stderr, "replay_native: --mode is pages, objects "
					       "or all\n"), -1;
			break;
		case O_POLICY:
			pol = smmc_cache_policy_by_name(a);
			if (pol < 0)
				return fprintf(stderr, "replay_native: --slab-policy is slub, slab "
					       "or slob\n"), -1;
			o->policy = pol;
			p->kmalloc_policy = pol;
			break;
		case O_EVERY:
		case O_LIMIT:
			if (parse_num(a, UINT64_MAX, &v) || !v)
				return fprintf(stderr, "replay_native: --%s is at least 1\n",
					       c == O_EVERY ? "every" : "limit"), -1;
			*(c == O_EVERY ? &o->every : &o->limit) = v;
			break;
		case O_FALLBACK:
			pol = nrp_fallback_by_name(a);
			if (pol < 0)
				return fprintf(stderr, "replay_native: --fallback is kernel, "
					       "nosteal or claim\n"), -1;
			p->fallback = pol;
			break;
		case O_PB_ORDER:
			if (parse_num(a, 64, &v) || !pb_order_built(v))
				return fprintf(stderr, "replay_native: --pageblock-order is 7, 9 "
					       "or 10 (the orders built)\n"), -1;
			*pb_order = v;
			break;
		default:
			usage();
			return -1;
		}
	}
	if (optind != argc - 1) {
		usage();
		return -1;
	}
	if (size & ((4096ULL << *pb_order) - 1))
		return fprintf(stderr, "replay_native: --size is a multiple of the pageblock "
			       "(%lluM at --pageblock-order %u)\n",
			       (4096ULL << *pb_order) >> 20, *pb_order), -1;
	p->frames = size >> 12;
	p->objects = o->mode != SMMC_REPLAY_PAGES;
	return 0;
}

/*
 * Replace this process with the binary of pageblock order @order beside
 * it (replay_native for 9, replay_native-pbN otherwise), @argv passed on
 * whole. NRP_PB_EXEC marks the hop, so that a binary of the wrong order
 * under the right name stops rather than loops. Returns only on a
 * failure, said.
 */
static int exec_pb_variant(unsigned int order, char **argv)
{
	char self[4096], path[4200];
	ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	if (getenv("NRP_PB_EXEC"))
		return fprintf(stderr, "replay_native: the binary run for --pageblock-order %u "
			       "has pageblock order %u\n", order, nrp_pageblock_order()), -1;
	if (len < 0)
		return fprintf(stderr, "replay_native: /proc/self/exe: %s\n",
			       strerror(errno)), -1;
	self[len] = '\0';
	slash = strrchr(self, '/');
	if (slash)
		slash[1] = '\0';
	if (order == 9)
		snprintf(path, sizeof(path), "%sreplay_native", slash ? self : "");
	else
		snprintf(path, sizeof(path), "%sreplay_native-pb%u", slash ? self : "", order);
	setenv("NRP_PB_EXEC", "1", 1);
	execv(path, argv);
	return fprintf(stderr, "replay_native: --pageblock-order %u: %s: %s (make -C "
		       "tools/testing/replay builds it)\n", order, path, strerror(errno)), -1;
}

/* Read the whole file, build the core, replay with a row every --every events. */
int main(int argc, char **argv)
{
	struct nrp_params p = { .cpus = 2, .pcp = true, .pcp_high = -1, .pcp_batch = -1,
				.boost_factor = -1 };
	struct smmc_replay_opts o = { .mode = SMMC_REPLAY_PAGES, .policy = 0, .every = 10000 };
	struct smmc_replay_stats st = { 0 };
	struct nrp_main m = { 0 };
	struct smmc_trace_event *evs;
	const char *file, *why = "";
	unsigned long bad = 0;
	unsigned int pb_order = nrp_pageblock_order();
	double t0, secs;
	size_t n;
	FILE *f;
	int ret;

	if (parse_args(argc, argv, &p, &o, &m.json, &pb_order))
		return 2;
	if (pb_order != nrp_pageblock_order())
		return exec_pb_variant(pb_order, argv) ? 1 : 0;
	file = argv[optind];
	f = strcmp(file, "-") ? fopen(file, "r") : stdin;
	if (!f) {
		fprintf(stderr, "replay_native: %s: %s\n", file, strerror(errno));
		return 1;
	}
	ret = smmc_trace_read(f, &evs, &n, &st, &bad, &why);
	if (f != stdin)
		fclose(f);
	if (ret) {
		fprintf(stderr, "replay_native: %s:%lu: %s\n", file, bad, why);
		return 1;
	}
	ret = nrp_create(&p, &m.n);
	if (ret) {
		fprintf(stderr, "replay_native: the core refused the parameters: %s\n",
			strerror(-ret));
		free(evs);
		return 1;
	}
	if (!m.json)
		print_header(p.fallback);
	t0 = now_s();
	ret = smmc_replay(evs, n, &nrp_ops, &m, &o, &st);
	secs = now_s() - t0;
	free(evs);
	if (ret)
		fprintf(stderr, "replay_native: replay stopped after %" PRIu64 " events: %s\n",
			st.replayed, strerror(-ret));
	else
		print_summary(m.json, file, &st, secs, p.fallback);
	nrp_destroy(m.n);
	return ret ? 1 : 0;
}
