// SPDX-License-Identifier: GPL-2.0
/*
 * The trace reader and the replay (trace.c) without a module. The sample
 * lines are written by hand from the kmem events' TP_printk formats of
 * 6.1 and 6.12 (include/trace/events/kmem.h) and the trace file's header
 * columns (task-pid, [cpu], irq flags, seconds.micros:); the shadow is a
 * model here (struct model): handles counted up, a frame budget that
 * refuses a whole batch when it would overflow, as PAGE_ALLOC does, and a
 * free of a handle that is not live fails the test. Checks:
 *
 *  - each event's fields (pfn hex or decimal, order, migratetype, gfp;
 *    ptr, bytes_alloc) and the lines passed over (comments, blank, LOST
 *    marks, other events);
 *  - malformed lines refused with the reason, and by smmc_trace_read()
 *    with their line number;
 *  - the kernel's gfp text and migratetype mapped to the shadow's flags;
 *  - frees matched by pfn and ptr to the handle their allocation got;
 *    unmatched frees, failed allocations, duplicates, large objects, the
 *    mode and the limit counted as skips; every event counted once;
 *  - allocations batched by run, a refused batch retried one by one;
 *  - a second replay of the same events gives the same counts.
 *
 * TAP output; exit 1 on any failure.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "libsmm.h"
#include "test_check.h"

#define NR_TESTS	57

/* 6.1's header: task-pid, [cpu], five irq-flag columns, seconds */
#define H61	"            bash-4242    [001] d..1.   151.123456: "
/* 6.12's as trace prints it with a task name holding a blank and a colon-free pid */
#define H612	" kworker/u8:2 x-77      [000] ..... 2201.000017: "

/*
 * trace-cmd report's header (task-pid, [cpu], seconds: no irq flags by
 * default) and perf script's (comm, pid, [cpu], seconds, the event with
 * its system, padded to a column)
 */
#define HTC	"          <idle>-0     [001]   105.271366: "
#define HPERF	"            bash 17506 [000] 68772.894614:        "

/* ---- the model shadow ---- */

#define MODEL_MAX	4096

struct model {
	uint64_t frames, budget;	/* frames live, at most */
	uint32_t order[MODEL_MAX];	/* by page handle */
	bool page_live[MODEL_MAX], obj_live[MODEL_MAX];
	uint64_t next_page, next_obj;
	char obj_cache[MODEL_MAX][32];
	unsigned int requests, caches, bad_frees, batch_max;
	uint32_t last_gfp;
	char cache_names[8][32];
	uint32_t cache_policy;
	unsigned int ticks;
	uint64_t tick_frames;
};

static int m_page_alloc(void *ctx, uint32_t order, uint32_t gfp, uint32_t count, uint64_t *h)
{
	struct model *m = ctx;
	uint32_t i;

	m->requests++;
	m->last_gfp = gfp;
	if (count > m->batch_max)
		m->batch_max = count;
	if (m->frames + ((uint64_t)count << order) > m->budget ||
	    m->next_page + count >= MODEL_MAX)
		return -ENOMEM;
	for (i = 0; i < count; i++) {
		h[i] = ++m->next_page;
		m->page_live[h[i]] = true;
		m->order[h[i]] = order;
		m->frames += 1ULL << order;
	}
	return 0;
}

static int m_page_free(void *ctx, const uint64_t *h, uint32_t n)
{
	struct model *m = ctx;
	uint32_t i;

	m->requests++;
	for (i = 0; i < n; i++) {
		if (h[i] >= MODEL_MAX || !m->page_live[h[i]]) {
			m->bad_frees++;
			return -ENOENT;
		}
		m->page_live[h[i]] = false;
		m->frames -= 1ULL << m->order[h[i]];
	}
	return 0;
}

static int m_cache_create(void *ctx, const char *name, uint32_t size, uint32_t policy)
{
	struct model *m = ctx;

	(void)size;
	if (m->caches < 8)
		snprintf(m->cache_names[m->caches], 32, "%s", name);
	m->caches++;
	m->cache_policy = policy;
	return 0;
}

static int m_obj_alloc(void *ctx, const char *cache, uint32_t count, uint64_t *h)
{
	struct model *m = ctx;
	uint32_t i;

	m->requests++;
	if (m->next_obj + count >= MODEL_MAX)
		return -ENOMEM;
	for (i = 0; i < count; i++) {
		h[i] = ++m->next_obj;
		m->obj_live[h[i]] = true;
		snprintf(m->obj_cache[h[i]], 32, "%s", cache);
	}
	return 0;
}

static int m_obj_free(void *ctx, const char *cache, const uint64_t *h, uint32_t n)
{
	struct model *m = ctx;
	uint32_t i;

	m->requests++;
	for (i = 0; i < n; i++) {
		if (h[i] >= MODEL_MAX || !m->obj_live[h[i]] || strcmp(m->obj_cache[h[i]], cache)) {
			m->bad_frees++;
			return -ENOENT;
		}
		m->obj_live[h[i]] = false;
	}
	return 0;
}

static const struct smmc_replay_ops model_ops = {
	.page_alloc = m_page_alloc, .page_free = m_page_free, .cache_create = m_cache_create,
	.obj_alloc = m_obj_alloc, .obj_free = m_obj_free,
};

/* ---- reading ---- */

static int parse(const char *line, struct smmc_trace_event *ev, const char **why)
{
	bool lost;

	*why = "";
	return smmc_trace_parse_line(line, ev, &lost, why);
}

static void test_page_events(void)
{
	struct smmc_trace_event ev;
	const char *why;
	int ret;

	ret = parse(H61 "mm_page_alloc: page=00000000c0ffee11 pfn=0x1a2b3 order=2 migratetype=1 "
		    "gfp_flags=GFP_HIGHUSER_MOVABLE|__GFP_COMP\n", &ev, &why);
	CHECK(ret == 1 && ev.type == SMMC_TRACE_PAGE_ALLOC && ev.key == 0x1a2b3 &&
	      ev.order == 2 && ev.gfp == SHADOWMM_GFP_MOVABLE && !ev.failed,
	      "6.1 mm_page_alloc: pfn 0x1a2b3 (hex), order 2, movable");
	ret = parse(H612 "mm_page_alloc: page=000000007e57ab1e pfn=0x40000 order=0 migratetype=0 "
		    "gfp_flags=GFP_KERNEL\n", &ev, &why);
	CHECK(ret == 1 && ev.key == 0x40000 && ev.order == 0 && ev.gfp == 0,
	      "6.12 header (task name with a blank): mm_page_alloc read");
	ret = parse(H61 "mm_page_alloc: page=ffffea0000068ac0 pfn=107203 order=1 migratetype=0 "
		    "gfp_flags=GFP_KERNEL\n", &ev, &why);
	CHECK(ret == 1 && ev.key == 107203 && ev.order == 1, "a decimal pfn (older kernels' %%lu)");
	ret = parse(H61 "mm_page_alloc: page=0000000000000000 pfn=0x0 order=3 migratetype=0 "
		    "gfp_flags=GFP_NOWAIT|__GFP_NOWARN\n", &ev, &why);
	CHECK(ret == 1 && ev.failed, "a failed allocation (page NULL, pfn 0) is marked failed");
	ret = parse(H612 "mm_page_alloc: page=0000000000000000 pfn=0xffffffffffffffff order=3 "
		    "migratetype=0 gfp_flags=GFP_NOWAIT|__GFP_NOWARN\n", &ev, &why);
	CHECK(ret == 1 && ev.failed, "a failed allocation (pfn -1UL, 6.1 and 6.12) is marked failed");
	ret = parse(H612 "mm_page_free: page=00000000c0ffee11 pfn=0x1a2b3 order=2\n", &ev, &why);
	CHECK(ret == 1 && ev.type == SMMC_TRACE_PAGE_FREE && ev.key == 0x1a2b3 && ev.order == 2,
	      "mm_page_free: pfn and order");
	ret = parse(H61 "mm_page_free_batched: page=00000000c0ffee12 pfn=0x1a2b4 order=0\n", &ev,
		    &why);
	CHECK(ret == 1 && ev.type == SMMC_TRACE_PAGE_FREE_BATCHED && ev.key == 0x1a2b4 &&
	      ev.order == 0, "mm_page_free_batched: pfn, order 0");
}

static void test_slab_events(void)
{
	struct smmc_trace_event ev;
	const char *why;
	int ret;

	ret = parse(H61 "kmalloc: call_site=alloc_pipe_info+0x9e/0x1b0 ptr=00000000deadbeef "
		    "bytes_req=320 bytes_alloc=512 gfp_flags=GFP_KERNEL_ACCOUNT|__GFP_ZERO node=-1 "
		    "accounted=true\n", &ev, &why);
	CHECK(ret == 1 && ev.type == SMMC_TRACE_KMALLOC && ev.key == 0xdeadbeef &&
	      ev.bytes == 512 && ev.gfp == SHADOWMM_GFP_ZERO,
	      "kmalloc: ptr, bytes_alloc 512 (the slot, not bytes_req), gfp");
	ret = parse(H612 "kmem_cache_alloc: call_site=getname_flags+0x4b/0x1e0 "
		    "ptr=000000001111aaaa bytes_req=4096 bytes_alloc=4096 gfp_flags=GFP_KERNEL "
		    "node=-1 accounted=false\n", &ev, &why);
	CHECK(ret == 1 && ev.type == SMMC_TRACE_CACHE_ALLOC && ev.key == 0x1111aaaa &&
	      ev.bytes == 4096, "kmem_cache_alloc: ptr, bytes_alloc");
	ret = parse(H61 "kfree: call_site=free_pipe_info+0x6d/0xa0 ptr=00000000deadbeef\n", &ev,
		    &why);
	CHECK(ret == 1 && ev.type == SMMC_TRACE_KFREE && ev.key == 0xdeadbeef, "kfree: ptr");
	ret = parse(H612 "kmem_cache_free: call_site=putname+0x50/0x60 ptr=000000001111aaaa "
		    "name=names_cache\n", &ev, &why);
	CHECK(ret == 1 && ev.type == SMMC_TRACE_CACHE_FREE && ev.key == 0x1111aaaa,
	      "kmem_cache_free: ptr (name= read past)");
	ret = parse(H61 "kfree: call_site=kvfree+0x2c/0x40 ptr=(null)\n", &ev, &why);
	CHECK(ret == 1 && ev.key == 0, "kfree(NULL): ptr (null) reads as 0");
}

static void test_passed_over(void)
{
	struct smmc_trace_event ev;
	const char *why;
	bool lost;

	CHECK(parse("# tracer: nop\n", &ev, &why) == 0 && parse("#\n", &ev, &why) == 0 &&
	      parse("\n", &ev, &why) == 0, "comments and blank lines passed over");
	CHECK(smmc_trace_parse_line("CPU:1 [LOST 1823 EVENTS]\n", &ev, &lost, &why) == 0 && lost,
	      "a LOST mark passed over and reported");
	CHECK(parse(H61 "sched_switch: prev_comm=bash prev_pid=1 ==> next_comm=sh\n", &ev,
		    &why) == 0 &&
	      parse(H61 "mm_page_alloc_zone_locked: page=00000000c0ffee11 pfn=0x1a2b3 order=0 "
		    "migratetype=1 percpu_refill=1\n", &ev, &why) == 0,
	      "other events (sched_switch, mm_page_alloc_zone_locked) passed over");
}

/* trace-cmd report and perf script text of the same events; timestamps */
static void test_other_formats(void)
{
	struct smmc_trace_event ev;
	const char *why;
	int ret;

	ret = parse(HTC "mm_page_alloc:        page=0xffffea0000a1b2c0 pfn=0x286cb order=1 "
		    "migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE|__GFP_COMP\n", &ev, &why);
	CHECK(ret == 1 && ev.type == SMMC_TRACE_PAGE_ALLOC && ev.key == 0x286cb && ev.order == 1 &&
	      ev.gfp == SHADOWMM_GFP_MOVABLE && ev.ts_ns == 105271366000ULL,
	      "trace-cmd report: mm_page_alloc (name padded), timestamp 105.271366 s");
	ret = parse(HTC "kmem_cache_free:      call_site=putname+0x50 ptr=0xffff888003a4b000 "
		    "name=names_cache\n", &ev, &why);
	CHECK(ret == 1 && ev.type == SMMC_TRACE_CACHE_FREE && ev.key == 0xffff888003a4b000ULL,
	      "trace-cmd report: kmem_cache_free, ptr with 0x");
	ret = parse(HPERF "kmem:mm_page_alloc: page=0x11c00c pfn=0x11c00c order=0 migratetype=0 "
		    "gfp_flags=GFP_NOWAIT\n", &ev, &why);
	CHECK(ret == 1 && ev.type == SMMC_TRACE_PAGE_ALLOC && ev.key == 0x11c00c &&
	      ev.gfp == SHADOWMM_GFP_ATOMIC && ev.ts_ns == 68772894614000ULL,
	      "perf script: kmem:mm_page_alloc (system prefix, padding), timestamp");
	ret = parse(HPERF "kmem:kmalloc: call_site=load_elf_phdrs+0x49 ptr=0xffff888109b7c800 "
		    "bytes_req=728 bytes_alloc=1024 gfp_flags=GFP_KERNEL node=-1 accounted=false\n",
		    &ev, &why);
	CHECK(ret == 1 && ev.type == SMMC_TRACE_KMALLOC && ev.bytes == 1024 &&
	      ev.key == 0xffff888109b7c800ULL, "perf script: kmem:kmalloc");
	ret = parse(HPERF "sched:sched_switch: prev_comm=bash prev_pid=1\n", &ev, &why);
	CHECK(ret == 0, "perf script: another system's event passed over");
	ret = parse(HPERF "kmem:kfree: call_site=vm_area_free+0x1c ptr=(nil)\n", &ev, &why);
	CHECK(ret == 1 && ev.type == SMMC_TRACE_KFREE && ev.key == 0,
	      "perf script: kfree(NULL) prints ptr=(nil)");
	CHECK(parse("cpus=2\n", &ev, &why) == 0 && parse("version = 6\n", &ev, &why) == 0 &&
	      parse("CPU 1 is empty\n", &ev, &why) == 0 &&
	      parse("cpus=2x\n", &ev, &why) == -EINVAL,
	      "trace-cmd report's header lines passed over (cpus=2x is not one)");
	ret = parse("  bash-1 [000] 7.000000001: mm_page_free: page=0 pfn=0x1 order=0\n", &ev, &why);
	CHECK(ret == 1 && ev.ts_ns == 7000000001ULL, "a nanosecond timestamp (trace-cmd -t)");
}

static void test_malformed(void)
{
	struct smmc_replay_stats st = { 0 };
	struct smmc_trace_event ev, *evs = NULL;
	unsigned long bad = 0;
	const char *why;
	size_t n = 7;
	FILE *f;
	int ret;

	ret = parse("bash-4242 [001] mm_page_alloc: pfn=0x1 order=0\n", &ev, &why);
	CHECK(ret == -EINVAL && strstr(why, "not a trace line"), "no timestamp: refused (%s)", why);
	ret = parse(H61 "mm_page_alloc: page=00000000c0ffee11 order=0 migratetype=1 "
		    "gfp_flags=GFP_KERNEL\n", &ev, &why);
	CHECK(ret == -EINVAL && strstr(why, "pfn"), "mm_page_alloc without pfn: refused (%s)", why);
	ret = parse(H61 "mm_page_free: page=00000000c0ffee11 pfn=0x10 order=11\n", &ev, &why);
	CHECK(ret == -EINVAL && strstr(why, "order"), "order 11: refused (%s)", why);
	ret = parse(H61 "kmalloc: call_site=x+0x1/0x2 ptr=zz bytes_req=8 bytes_alloc=8 "
		    "gfp_flags=GFP_KERNEL\n", &ev, &why);
	CHECK(ret == -EINVAL && strstr(why, "ptr"), "kmalloc with ptr=zz: refused (%s)", why);
	ret = parse(H61 "kmalloc: call_site=x+0x1/0x2 ptr=00000000000000ab bytes_req=8 "
		    "gfp_flags=GFP_KERNEL\n", &ev, &why);
	CHECK(ret == -EINVAL && strstr(why, "bytes_alloc"), "kmalloc without bytes_alloc: refused");

	f = tmpfile();
	fputs("# tracer: nop\n#\n" H61 "mm_page_free: page=0 pfn=0x10 order=0\n"
	      H61 "mm_page_free: page=0 pfn=0x11 ordr=0\n" H61 "kfree: call_site=a ptr=1\n", f);
	rewind(f);
	ret = smmc_trace_read(f, &evs, &n, &st, &bad, &why);
	fclose(f);
	CHECK(ret == -EINVAL && bad == 4 && !evs && n == 0,
	      "smmc_trace_read: the malformed line's number (4, saw %lu), no events", bad);
}

static void test_gfp(void)
{
	CHECK(smmc_trace_gfp("GFP_KERNEL", 0) == 0, "GFP_KERNEL, unmovable: 0");
	CHECK(smmc_trace_gfp("GFP_ATOMIC|__GFP_NOWARN", 0) ==
	      (SHADOWMM_GFP_ATOMIC | SHADOWMM_GFP_HIGH), "GFP_ATOMIC: atomic | high");
	CHECK(smmc_trace_gfp("GFP_NOWAIT|__GFP_NOWARN", 0) == SHADOWMM_GFP_ATOMIC,
	      "GFP_NOWAIT: atomic (no direct reclaim)");
	CHECK(smmc_trace_gfp("__GFP_KSWAPD_RECLAIM|__GFP_COMP", 0) == SHADOWMM_GFP_ATOMIC,
	      "bits without __GFP_DIRECT_RECLAIM: atomic");
	CHECK(smmc_trace_gfp("GFP_KERNEL|__GFP_DMA32|__GFP_ZERO", 0) ==
	      (SHADOWMM_GFP_DMA32 | SHADOWMM_GFP_ZERO), "zone modifier DMA32 and zero kept");
	CHECK(smmc_trace_gfp("GFP_DMA", 0) == (SHADOWMM_GFP_DMA | SHADOWMM_GFP_ATOMIC),
	      "GFP_DMA alone (no reclaim bit): DMA, atomic");
	CHECK(smmc_trace_gfp("GFP_NOFS|__GFP_RECLAIMABLE", 2) == SHADOWMM_GFP_RECLAIMABLE &&
	      smmc_trace_gfp("GFP_KERNEL", 2) == SHADOWMM_GFP_RECLAIMABLE,
	      "migratetype 2: reclaimable");
	CHECK(smmc_trace_gfp("GFP_HIGHUSER_MOVABLE", 0) == 0,
	      "the event's migratetype wins over the flags' (0: unmovable)");
	CHECK(smmc_trace_gfp("GFP_KERNEL|__GFP_NORETRY|__GFP_MEMALLOC", 4) ==
	      (SHADOWMM_GFP_NORETRY | SHADOWMM_GFP_RESERVE),
	      "noretry, memalloc kept; migratetype 4 (CMA): the flags' type");
}

/* ---- replaying ---- */

#define PA(pfn, order, mt) H61 "mm_page_alloc: page=00000000c0ffee11 pfn=" #pfn " order=" #order \
	" migratetype=" #mt " gfp_flags=GFP_KERNEL\n"
#define PF(pfn, order) H61 "mm_page_free: page=00000000c0ffee11 pfn=" #pfn " order=" #order "\n"
#define KM(ptr, bytes) H61 "kmalloc: call_site=f+0x1/0x2 ptr=" #ptr " bytes_req=" #bytes \
	" bytes_alloc=" #bytes " gfp_flags=GFP_KERNEL node=-1 accounted=false\n"
#define KF(ptr) H61 "kfree: call_site=f+0x1/0x2 ptr=" #ptr "\n"

static const char trace_text[] =
	"# tracer: nop\n"
	PF(0x99, 0)			/* allocated before tracing: unmatched */
	PA(0x100, 0, 1) PA(0x101, 0, 1) PA(0x102, 0, 1)	/* one batch of 3 */
	PA(0x200, 2, 0)			/* another order: another batch */
	PF(0x101, 0)
	PA(0x101, 0, 1)			/* the pfn again, after its free */
	PA(0x101, 0, 1)			/* again without a free: duplicate */
	KM(00000000000000a0, 64) KM(00000000000000b0, 64) KM(00000000000000c0, 192)
	KM(00000000000000d0, 16384)	/* large */
	KF(00000000000000b0) KF(00000000000000e0)	/* matched, unmatched */
	KF(0000000000000000)		/* kfree(NULL) */
	PF(0x100, 0) PF(0x200, 2)
	"CPU:0 [LOST 3 EVENTS]\n";

static int read_text(const char *text, struct smmc_trace_event **evs, size_t *n,
		     struct smmc_replay_stats *st)
{
	unsigned long bad = 0;
	const char *why = "";
	FILE *f = tmpfile();
	int ret;

	fputs(text, f);
	rewind(f);
	ret = smmc_trace_read(f, evs, n, st, &bad, &why);
	fclose(f);
	if (ret)
		printf("# line %lu: %s\n", bad, why);
	return ret;
}

static void test_replay(void)
{
	struct smmc_replay_opts o = { .mode = SMMC_REPLAY_ALL, .policy = 2 };
	struct smmc_replay_stats st = { 0 }, st2;
	struct smmc_trace_event *evs;
	struct model *m = calloc(1, sizeof(*m));
	size_t n;
	int ret;

	m->budget = 1 << 20;
	ret = read_text(trace_text, &evs, &n, &st);
	CHECK(!ret && st.events == 17 && st.read[SMMC_TRACE_PAGE_ALLOC] == 6 &&
	      st.read[SMMC_TRACE_KFREE] == 3 && st.lost == 1 && st.other == 2,
	      "read: 17 events (6 page allocations, 3 kfree), 1 LOST mark, 2 other lines");
	st2 = st;
	ret = smmc_replay(evs, n, &model_ops, m, &o, &st);
	printf("# replayed %" PRIu64 " skipped %" PRIu64 " requests %" PRIu64 "\n", st.replayed,
	       smmc_replay_skipped(&st), st.requests);
	CHECK(!ret && !m->bad_frees && st.page_allocs == 5 && st.page_frees == 3 &&
	      st.skipped[SMMC_SKIP_UNMATCHED] == 2 && st.skipped[SMMC_SKIP_DUPLICATE] == 1 &&
	      st.skipped[SMMC_SKIP_NULL_FREE] == 1,
	      "frees matched by pfn to their handles; unmatched, duplicate, NULL counted");
	CHECK(st.obj_allocs == 3 && st.obj_frees == 1 && st.skipped[SMMC_SKIP_LARGE] == 1 &&
	      m->caches == 2 && !strcmp(m->cache_names[0], "replay-64") &&
	      !strcmp(m->cache_names[1], "replay-192") && m->cache_policy == 2,
	      "objects by ptr in caches replay-64 and replay-192 of the policy asked");
	CHECK(st.replayed + smmc_replay_skipped(&st) + st.failures == st.events,
	      "every event replayed, skipped or failed once (%" PRIu64 " of %" PRIu64 ")",
	      st.replayed + smmc_replay_skipped(&st) + st.failures, st.events);
	CHECK(st.live_frames == m->frames && st.live_frames == 2 && st.peak_frames == 7 &&
	      st.live_objs == 2 && st.peak_objs == 3,
	      "live frames 2 (as the model), peak 7; objects live 2, peak 3");
	/* handles 1-3: pfns 0x100-0x102, 4: 0x200, 5: 0x101 again */
	CHECK(!m->page_live[1] && !m->page_live[2] && m->page_live[3] && !m->page_live[4] &&
	      m->page_live[5] && m->obj_live[1] && !m->obj_live[2] && m->obj_live[3],
	      "the blocks left live are 0x102's and 0x101's second, the objects 0xa0's and 0xc0's");
	CHECK(st.requests == 8, "requests: one per run (8, saw %" PRIu64 ")", st.requests);
	memset(m, 0, sizeof(*m));
	m->budget = 1 << 20;
	ret = smmc_replay(evs, n, &model_ops, m, &o, &st2);
	CHECK(!ret && !memcmp(&st, &st2, sizeof(st)), "a second replay: the same counts");
	free(evs);
	free(m);
}

static void test_failures(void)
{
	struct smmc_replay_opts o = { .mode = SMMC_REPLAY_PAGES,
				      .policy = SMMC_CACHE_POLICY_DEFAULT };
	struct smmc_replay_stats st = { 0 };
	struct smmc_trace_event *evs;
	struct model *m = calloc(1, sizeof(*m));
	size_t n;

	/* 4 frames: the batch of 3 order-0 fits, order 2 then does not */
	m->budget = 4;
	read_text(PA(0x100, 0, 1) PA(0x101, 0, 1) PA(0x102, 0, 1) PA(0x200, 2, 0)
		  PA(0x300, 0, 1) PF(0x200, 2) PF(0x100, 0) KM(00000000000000a0, 64),
		  &evs, &n, &st);
	smmc_replay(evs, n, &model_ops, m, &o, &st);
	CHECK(st.failures == 1 && st.skipped[SMMC_SKIP_AFTER_FAILURE] == 1 && !m->bad_frees &&
	      st.page_allocs == 4 && st.page_frees == 1,
	      "a refused allocation counted, the trace goes on, its free skipped");
	CHECK(st.skipped[SMMC_SKIP_MODE] == 1 && st.obj_allocs == 0,
	      "pages mode: the kmalloc counted as skipped by mode");
	free(evs);

	/* a refused batch of 3 with room for 2: retried one by one */
	memset(m, 0, sizeof(*m));
	memset(&st, 0, sizeof(st));
	m->budget = 2;
	read_text(PA(0x100, 0, 1) PA(0x101, 0, 1) PA(0x102, 0, 1), &evs, &n, &st);
	smmc_replay(evs, n, &model_ops, m, &o, &st);
	CHECK(st.page_allocs == 2 && st.failures == 1 && m->frames == 2,
	      "a refused batch retried one by one: 2 allocated, 1 failure");
	free(evs);

	/* limit 2 of 3 */
	memset(m, 0, sizeof(*m));
	memset(&st, 0, sizeof(st));
	m->budget = 100;
	o.limit = 2;
	read_text(PA(0x100, 0, 1) PA(0x101, 0, 1) PA(0x102, 0, 1), &evs, &n, &st);
	smmc_replay(evs, n, &model_ops, m, &o, &st);
	CHECK(st.page_allocs == 2 && st.skipped[SMMC_SKIP_LIMIT] == 1, "limit 2: 2 replayed, 1 skipped");
	free(evs);

	/* mm_page_free then mm_page_free_batched: one free; the batched one alone frees */
	memset(m, 0, sizeof(*m));
	memset(&st, 0, sizeof(st));
	m->budget = 100;
	o.limit = 0;
	read_text(PA(0x100, 0, 1) PF(0x100, 0)
		  H61 "mm_page_free_batched: page=0 pfn=0x100 order=0\n"
		  PA(0x101, 0, 1) H61 "mm_page_free_batched: page=0 pfn=0x101 order=0\n"
		  H61 "mm_page_free_batched: page=0 pfn=0x102 order=0\n", &evs, &n, &st);
	smmc_replay(evs, n, &model_ops, m, &o, &st);
	CHECK(st.page_frees == 2 && st.skipped[SMMC_SKIP_BATCHED] == 2 &&
	      !st.skipped[SMMC_SKIP_UNMATCHED] && !m->bad_frees && m->frames == 0,
	      "mm_page_free_batched after mm_page_free: one free (batched_twin); alone: a free");
	free(evs);

	/* a large object's free is told from the free of an object allocated before */
	memset(m, 0, sizeof(*m));
	memset(&st, 0, sizeof(st));
	m->budget = 100;
	o.limit = 0;
	o.mode = SMMC_REPLAY_OBJECTS;
	read_text(KM(00000000000000d0, 16384) KF(00000000000000d0) KF(00000000000000e0), &evs, &n,
		  &st);
	smmc_replay(evs, n, &model_ops, m, &o, &st);
	CHECK(st.skipped[SMMC_SKIP_LARGE] == 1 && st.skipped[SMMC_SKIP_FREE_OF_LARGE] == 1 &&
	      st.skipped[SMMC_SKIP_UNMATCHED] == 1,
	      "a large object and its free skipped (large, free_of_large), another free unmatched");
	free(evs);
	free(m);
}

/* 3,000 allocations of one kind in a row: requests of SMMC_REPLAY_BATCH */
static void test_batch(void)
{
	struct smmc_replay_opts o = { .policy = SMMC_CACHE_POLICY_DEFAULT };
	struct smmc_replay_stats st = { 0 };
	struct smmc_trace_event *evs;
	struct model *m = calloc(1, sizeof(*m));
	size_t n, len = 0;
	char *text = malloc(3000 * 160);
	int i;

	for (i = 0; i < 3000; i++)
		len += sprintf(text + len, H61 "mm_page_alloc: page=0 pfn=0x%x order=0 migratetype=1 "
			       "gfp_flags=GFP_HIGHUSER_MOVABLE\n", 0x1000 + i);
	m->budget = 1 << 20;
	read_text(text, &evs, &n, &st);
	smmc_replay(evs, n, &model_ops, m, &o, &st);
	CHECK(st.page_allocs == 3000 && st.requests == 3 && m->batch_max == SMMC_REPLAY_BATCH &&
	      m->last_gfp == SHADOWMM_GFP_MOVABLE,
	      "3,000 allocations in 3 requests of at most %d, movable", SMMC_REPLAY_BATCH);
	free(evs);
	free(text);
	free(m);
}

static uint64_t mono_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000ULL + t.tv_nsec;
}

static int m_tick(void *ctx, uint64_t events)
{
	struct model *m = ctx;

	m->ticks++;
	m->tick_frames += events == 2 ? m->frames : 0;
	return 0;
}

/*
 * speed: three events 40 ms apart take 80 ms or more at the recorded
 * speed, half of that at speed 2, much less as fast as possible; each
 * wait sends the open batch first. every 2: the tick after 2 events
 * (the batch sent: 2 frames live) and at the end.
 */
static void test_speed(void)
{
	struct smmc_replay_opts o = { .policy = SMMC_CACHE_POLICY_DEFAULT };
	struct smmc_replay_stats st = { 0 };
	struct smmc_replay_ops ops = model_ops;
	struct smmc_trace_event *evs;
	struct model *m = calloc(1, sizeof(*m));
	uint64_t t0, fast, rec, x2;
	size_t n;

	read_text("  a-1 [000] 10.000000: mm_page_alloc: page=0 pfn=0x1 order=0 migratetype=1 "
		  "gfp_flags=GFP_KERNEL\n"
		  "  a-1 [000] 10.040000: mm_page_alloc: page=0 pfn=0x2 order=0 migratetype=1 "
		  "gfp_flags=GFP_KERNEL\n"
		  "  a-1 [000] 10.080000: mm_page_alloc: page=0 pfn=0x3 order=0 migratetype=1 "
		  "gfp_flags=GFP_KERNEL\n", &evs, &n, &st);
	m->budget = 100;
	t0 = mono_ns();
	smmc_replay(evs, n, &model_ops, m, &o, &st);
	fast = mono_ns() - t0;
	CHECK(st.requests == 1 && st.waits == 0, "fast: one request, no waits");
	memset(m, 0, sizeof(*m));
	memset(&st, 0, sizeof(st));
	m->budget = 100;
	o.speed = 1;
	t0 = mono_ns();
	smmc_replay(evs, n, &model_ops, m, &o, &st);
	rec = mono_ns() - t0;
	CHECK(rec >= 80000000ULL && st.waits == 2 && st.requests == 3 && st.page_allocs == 3,
	      "recorded speed: 2 waits, 3 requests, %" PRIu64 " ms (>= 80)", rec / 1000000);
	memset(m, 0, sizeof(*m));
	memset(&st, 0, sizeof(st));
	m->budget = 100;
	o.speed = 2;
	t0 = mono_ns();
	smmc_replay(evs, n, &model_ops, m, &o, &st);
	x2 = mono_ns() - t0;
	CHECK(x2 >= 40000000ULL && x2 < rec && fast < 40000000ULL,
	      "speed 2: %" PRIu64 " ms (>= 40, < recorded); fast %" PRIu64 " ms", x2 / 1000000,
	      fast / 1000000);
	memset(m, 0, sizeof(*m));
	memset(&st, 0, sizeof(st));
	m->budget = 100;
	o.speed = 0;
	o.every = 2;
	ops.tick = m_tick;
	smmc_replay(evs, n, &ops, m, &o, &st);
	CHECK(m->ticks == 2 && m->tick_frames == 2,
	      "every 2: a tick after 2 events with their batch sent, one at the end");
	free(evs);
	free(m);
}

int main(void)
{
	printf("TAP version 13\n1..%d\n", NR_TESTS);
	test_page_events();
	test_slab_events();
	test_passed_over();
	test_other_formats();
	test_malformed();
	test_gfp();
	test_replay();
	test_failures();
	test_batch();
	test_speed();
	if (tests != NR_TESTS)
		printf("# planned %d tests, ran %d\n", NR_TESTS, tests);
	return failed || tests != NR_TESTS ? 1 : 0;
}
