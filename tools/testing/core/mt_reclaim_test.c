// SPDX-License-Identifier: GPL-2.0
/*
 * Reclaim under real concurrency (issue 17): the locks the glue and the
 * core take around faults and reclaim, exercised by pthreads at once.
 * Built with ThreadSanitizer (tsan_test, `make tsan` here, `make
 * test-tsan` at the top) and with ASan/UBSan in core_test.
 *
 *   range: 1024 frames (4 MiB, DMA32), swap: 2048 slots
 *   workers (2 or 4): one space each, 1536 pages in all -> ~half in swap
 *
 *   worker i (CPU i)       --+
 *   ...                      +-- the spaces' lock (a mutex: the glue's
 *   kshadowd (CPU n)       --+   smm_space_lock_all(), space_registry.c)
 *   page allocators (CPU n+1, n+2): smm_alloc_pages()/smm_free_pages()
 *       through their pcp lists, no spaces' lock (netlink PAGE_ALLOC's way)
 *
 * - Each worker runs a workload stream (smm_workload_next(): random,
 *   hot-cold 80, or seq, half writes) on its own space, in batches of
 *   16 accesses per hold of the spaces' lock, as module/workload.c does;
 *   a write puts a value of its own in every word of the page, a read
 *   must return the checksum its model (one value per page, 0 before the
 *   first write) gives. Faults allocate through direct reclaim (swap-out
 *   of any worker's pages) and swap-in.
 * - kshadowd sleeps on a condition variable that mm->wake_kswapd (called
 *   from any allocation, under the spaces' lock or not) signals; woken,
 *   it takes the spaces' lock and runs smm_balance_pgdat().
 * - The page allocators hold up to 16 blocks of order 0..2 each, with a
 *   token in the first and last word of every frame, compared before the
 *   free; an allocation may fail when memory is short (no reclaim on
 *   that path), never otherwise.
 *
 * The final state, after every thread joined: each worker's pages read
 * back (through the fault path, swap-in included) the values it wrote;
 * CHECK (buddy, LRU and rmap, VMAs, swap entries against swap_map)
 * holds; once the spaces are destroyed and the pcp lists drained, every
 * zone has the free frames it started with and the swap area is empty.
 * No fault may fail: the swap area is large enough for every page.
 *
 * SMM_SEED=N replays a run's seeds (the interleaving is the machine's).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "common.h"
#include "../../../module/core/space.h"
#include "../../../module/core/swap.h"
#include "../../../module/core/vmscan.h"
#include "../../../module/core/lru.h"
#include "../../../module/core/workload.h"
#include "../../../module/core/slab.h"

#define PG			4096ULL
#define RW			SHADOWMM_PROT_WRITE
#define BASE			0x400000ULL
#define MTR_FRAMES		1024
#define MTR_SLOTS		2048
#define MTR_TOTAL_PAGES		1536	/* the workers' pages, all together */
#define MTR_MAX_WORKERS		4
#define MTR_ALLOCATORS		2
#define MTR_BATCH		16	/* accesses per hold of the spaces' lock */
#define MTR_ACCESSES		2400	/* per worker */
#define MTR_ALLOC_OPS		4000	/* per page allocator */
#define MTR_LIVE		16	/* blocks a page allocator holds at most */

struct mtr_run;

struct mtr_worker {
	struct mtr_run *run;
	pthread_t tid;
	unsigned int cpu;
	struct smm_space s;
	u64 pages;
	u64 *value;		/* the model: each page's value, 0 before the first write */
	u64 rng;
	u64 writes, reads, faults;
	char error[200];
};

struct mtr_block {
	u64 idx;
	unsigned int order;
};

struct mtr_alloc {
	struct mtr_run *run;
	pthread_t tid;
	unsigned int cpu;
	u64 rng;
	struct mtr_block b[MTR_LIVE];
	unsigned int nr;
	u64 allocs, fails;
	char error[200];
};

struct mtr_run {
	struct smm_test_swap e;
	pthread_mutex_t spaces_lock;	/* the glue's one mutex over all spaces */
	pthread_mutex_t wake_lock;	/* kshadowd's waitqueue */
	pthread_cond_t wake_cond;
	bool wake, stop;		/* under wake_lock */
	unsigned int wake_order, wake_highest;
	pthread_t kshadowd;
	unsigned int kshadowd_cpu;
	u64 kshadowd_runs, kshadowd_reclaimed;	/* under spaces_lock */
	pthread_barrier_t start;
	unsigned int nr_workers;
	unsigned int workers_left;	/* atomic: the page allocators run until 0 */
	struct mtr_worker w[MTR_MAX_WORKERS];
	struct mtr_alloc a[MTR_ALLOCATORS];
	u64 zone_free0[SMM_NR_ZONES];
};

/* The one run going on: what mm->wake_kswapd signals. */
static struct mtr_run *mtr_cur;

#define mtr_fail(x, fmt, ...) ({					\
	if (!(x)->error[0])						\
		snprintf((x)->error, sizeof((x)->error), "cpu %u: " fmt, \
			 (x)->cpu, ##__VA_ARGS__);			\
	-1;								\
})

/* wakeup_kswapd()'s target: set the flag and signal, never the spaces' lock. */
static void mtr_wake(struct smm_mm *mm, unsigned int order, unsigned int highest)
{
	struct mtr_run *run = mtr_cur;

	(void)mm;
	pthread_mutex_lock(&run->wake_lock);
	run->wake = true;
	run->wake_order = order;
	run->wake_highest = highest;
	pthread_cond_signal(&run->wake_cond);
	pthread_mutex_unlock(&run->wake_lock);
}

/* kshadowd: sleep until woken, then balance_pgdat() under the spaces' lock. */
static void *mtr_kshadowd_fn(void *arg)
{
	struct mtr_run *run = arg;
	struct smm_balance_result res;
	unsigned int order, highest;

	smm_user_cpu = run->kshadowd_cpu;
	pthread_barrier_wait(&run->start);
	for (;;) {
		pthread_mutex_lock(&run->wake_lock);
		while (!run->wake && !run->stop)
			pthread_cond_wait(&run->wake_cond, &run->wake_lock);
		if (run->stop) {
			pthread_mutex_unlock(&run->wake_lock);
			return NULL;
		}
		run->wake = false;
		order = run->wake_order;
		highest = run->wake_highest;
		pthread_mutex_unlock(&run->wake_lock);

		pthread_mutex_lock(&run->spaces_lock);
		smm_balance_pgdat(&run->e.t.mm, order, highest, &res);
		run->kshadowd_runs++;
		run->kshadowd_reclaimed += res.nr_reclaimed;
		pthread_mutex_unlock(&run->spaces_lock);
	}
}

/* The value worker @w writes into page @p at its @n-th write: never 0. */
static u64 mtr_value(const struct mtr_worker *w, u64 p, u64 n)
{
	return ((u64)(w->cpu + 1) << 56) ^ (p << 32) ^ (n + 1);
}

/* One access of page @p of the worker's space; spaces' lock held. */
static int mtr_access(struct mtr_worker *w, u64 p, bool write)
{
	struct smm_access res;
	const char *why;
	u64 v = write ? mtr_value(w, p, w->writes) : 0;
	int ret;

	ret = smm_space_access(&w->s, BASE + p * PG, PG, write ? SMM_ACCESS_WRITE : 0, v, &res,
			       &why);
	if (ret)
		return mtr_fail(w, "access of page %llu: %d (%s)", (unsigned long long)p, ret,
				why ? why : "");
	w->faults += res.faults;
	if (write) {
		w->value[p] = v;
		w->writes++;
		return 0;
	}
	w->reads++;
	if (res.csum != smm_test_csum_of(1, w->value[p]))
		return mtr_fail(w, "page %llu does not read back %#llx", (unsigned long long)p,
				(unsigned long long)w->value[p]);
	return 0;
}

/* A worker: a workload stream on its own space, MTR_BATCH accesses per lock hold. */
static void *mtr_worker_fn(void *arg)
{
	struct mtr_worker *w = arg;
	struct mtr_run *run = w->run;
	struct smm_workload_gen g;
	u32 pattern = w->cpu % 3;
	const char *why;
	u64 done = 0;

	smm_user_cpu = w->cpu;
	if (smm_workload_init(&g, pattern, pattern == SHADOWMM_WORKLOAD_HOT_COLD ? 80 : 0, 50,
			      w->rng, &why))
		mtr_fail(w, "workload: %s", why);
	pthread_barrier_wait(&run->start);
	while (!w->error[0] && done < MTR_ACCESSES) {
		unsigned int i;

		pthread_mutex_lock(&run->spaces_lock);
		for (i = 0; i < MTR_BATCH && !w->error[0]; i++, done++) {
			bool write;
			u64 p = smm_workload_next(&g, w->pages, &write);

			mtr_access(w, p, write);
		}
		pthread_mutex_unlock(&run->spaces_lock);
	}
	__atomic_sub_fetch(&run->workers_left, 1, __ATOMIC_RELEASE);
	return NULL;
}

static u64 *mtr_frame(struct mtr_run *run, u64 idx)
{
	return smm_slab_pos_virt(&run->e.t.mm, idx << SMM_PAGE_SHIFT);
}

static u64 mtr_token(const struct mtr_alloc *a, u64 idx)
{
	return ((u64)(a->cpu + 1) << 56) ^ (idx * 0x9e3779b97f4a7c15ULL);
}

/* Free the page allocator's block @i after checking its tokens. */
static int mtr_block_free(struct mtr_alloc *a, unsigned int i)
{
	struct mtr_block b = a->b[i];
	u64 f;

	for (f = b.idx; f < b.idx + (1ULL << b.order); f++) {
		u64 *m = mtr_frame(a->run, f);

		if (m[0] != mtr_token(a, f) || m[PG / 8 - 1] != mtr_token(a, f))
			return mtr_fail(a, "frame %llu of block %llu was written by someone else",
					(unsigned long long)f, (unsigned long long)b.idx);
	}
	smm_free_pages(&a->run->e.t.mm, b.idx, a->cpu);
	a->b[i] = a->b[--a->nr];
	return 0;
}

/*
 * A page allocator: blocks of order 0..2 through its pcp lists, no
 * spaces' lock; at least MTR_ALLOC_OPS steps, and on until every worker
 * is done, so that it overlaps all of their reclaim.
 */
static void *mtr_alloc_fn(void *arg)
{
	struct mtr_alloc *a = arg;
	struct smm_mm *mm = &a->run->e.t.mm;
	u64 op;

	smm_user_cpu = a->cpu;
	pthread_barrier_wait(&a->run->start);
	for (op = 0; (op < MTR_ALLOC_OPS || __atomic_load_n(&a->run->workers_left,
							   __ATOMIC_ACQUIRE)) && !a->error[0];
	     op++) {
		unsigned int order = smm_test_rand(&a->rng) % 3;
		u64 idx, f;

		if (a->nr == MTR_LIVE || (a->nr && smm_test_rand(&a->rng) % 2)) {
			mtr_block_free(a, smm_test_rand(&a->rng) % a->nr);
			continue;
		}
		if (smm_alloc_pages(mm, order, SHADOWMM_GFP_MOVABLE, a->cpu, &idx)) {
			a->fails++;
			continue;
		}
		a->allocs++;
		for (f = idx; f < idx + (1ULL << order); f++) {
			u64 *m = mtr_frame(a->run, f);

			m[0] = m[PG / 8 - 1] = mtr_token(a, f);
		}
		a->b[a->nr++] = (struct mtr_block){ idx, order };
	}
	while (a->nr && !a->error[0])
		mtr_block_free(a, a->nr - 1);
	return NULL;
}

/* The mm: MTR_FRAMES frames with memory, a CPU per thread, swap on. */
static int mtr_init_mm(struct mtr_run *run, unsigned int cpus)
{
	const struct smm_test_section sec = { SMM_TEST_SWAP_PFN, MTR_FRAMES };
	struct smm_test_swap *e = &run->e;
	const char *why;
	int ret = smm_test_mm_init_mem(&e->t, &sec, 1, NULL, true, cpus);

	if (ret)
		return ret;
	e->data = calloc(MTR_SLOTS, SMM_PAGE_SIZE);
	if (!e->data)
		return -ENOMEM;
	ret = smm_swap_init(&e->sw, e->data, MTR_SLOTS);
	return ret ? ret : smm_swap_on(&e->t.mm, &e->sw, &why);
}

/* CHECK of everything, spaces' lock held (or every thread joined). */
static int mtr_check(struct mtr_run *run)
{
	const struct smm_space *sp[MTR_MAX_WORKERS];
	unsigned int i;

	for (i = 0; i < run->nr_workers; i++)
		sp[i] = &run->w[i].s;
	return smm_test_check_reclaim(&run->e.t.mm, sp, run->nr_workers, true);
}

/* Every page of every worker reads back the value it wrote last; joined. */
static int mtr_read_back(struct mtr_run *run)
{
	unsigned int i;
	u64 p;

	for (i = 0; i < run->nr_workers; i++) {
		struct mtr_worker *w = &run->w[i];

		smm_user_cpu = w->cpu;
		for (p = 0; p < w->pages && !w->error[0]; p++)
			mtr_access(w, p, false);
		if (w->error[0])
			return -1;
	}
	smm_user_cpu = 0;
	return 0;
}

static void mtr_run_threads(struct smm_test *_t, unsigned int nr_workers)
{
	struct mtr_run *run = calloc(1, sizeof(*run));
	unsigned int i, z, cpus = nr_workers + 1 + MTR_ALLOCATORS;
	u64 seed = smm_test_seed(0x3ec1a1), swapped = 0, faults = 0;
	struct smm_mm *mm;
	const char *why;

	ASSERT_TRUE(run);
	mtr_cur = run;
	run->nr_workers = nr_workers;
	run->workers_left = nr_workers;
	run->kshadowd_cpu = nr_workers;
	ASSERT_EQ(mtr_init_mm(run, cpus), 0);
	mm = &run->e.t.mm;
	for (z = 0; z < SMM_NR_ZONES; z++)
		run->zone_free0[z] = mm->zones[z].free;
	mm->wake_kswapd = mtr_wake;
	pthread_mutex_init(&run->spaces_lock, NULL);
	pthread_mutex_init(&run->wake_lock, NULL);
	pthread_cond_init(&run->wake_cond, NULL);
	pthread_barrier_init(&run->start, NULL, nr_workers + 1 + MTR_ALLOCATORS + 1);
	for (i = 0; i < nr_workers; i++) {
		struct mtr_worker *w = &run->w[i];

		*w = (struct mtr_worker){ .run = run, .cpu = i, .rng = seed + i * 0x1000193,
					  .pages = MTR_TOTAL_PAGES / nr_workers };
		w->value = calloc(w->pages, sizeof(*w->value));
		ASSERT_TRUE(w->value);
		ASSERT_EQ(smm_space_init(&w->s, mm, i + 1, 4), 0);
		ASSERT_EQ(smm_vma_mmap(&w->s, BASE, w->pages * PG, RW, &why), 0);
	}
	for (i = 0; i < MTR_ALLOCATORS; i++)
		run->a[i] = (struct mtr_alloc){ .run = run, .cpu = nr_workers + 1 + i,
						.rng = seed ^ (0xa110c + i) };
	ASSERT_EQ(pthread_create(&run->kshadowd, NULL, mtr_kshadowd_fn, run), 0);
	for (i = 0; i < nr_workers; i++)
		ASSERT_EQ(pthread_create(&run->w[i].tid, NULL, mtr_worker_fn, &run->w[i]), 0);
	for (i = 0; i < MTR_ALLOCATORS; i++)
		ASSERT_EQ(pthread_create(&run->a[i].tid, NULL, mtr_alloc_fn, &run->a[i]), 0);
	pthread_barrier_wait(&run->start);
	for (i = 0; i < nr_workers; i++)
		pthread_join(run->w[i].tid, NULL);
	for (i = 0; i < MTR_ALLOCATORS; i++)
		pthread_join(run->a[i].tid, NULL);
	pthread_mutex_lock(&run->wake_lock);
	run->stop = true;
	pthread_cond_signal(&run->wake_cond);
	pthread_mutex_unlock(&run->wake_lock);
	pthread_join(run->kshadowd, NULL);

	for (i = 0; i < nr_workers; i++) {
		if (run->w[i].error[0])
			printf("# %s\n", run->w[i].error);
		EXPECT_EQ(run->w[i].error[0], 0);
		swapped += run->w[i].s.vm.swap_ents;
		faults += run->w[i].faults;
	}
	for (i = 0; i < MTR_ALLOCATORS; i++) {
		if (run->a[i].error[0])
			printf("# %s\n", run->a[i].error);
		EXPECT_EQ(run->a[i].error[0], 0);
		EXPECT_EQ(run->a[i].nr, 0);
	}
	printf("# seed %#llx, %u workers: %llu faults, %llu in swap at the end; kshadowd %llu runs "
	       "reclaimed %llu; pgsteal_direct %llu, allocstall %llu; page allocators %llu+%llu "
	       "blocks, %llu+%llu refused\n", (unsigned long long)seed, nr_workers,
	       (unsigned long long)faults, (unsigned long long)swapped,
	       (unsigned long long)run->kshadowd_runs, (unsigned long long)run->kshadowd_reclaimed,
	       (unsigned long long)mm->reclaim.pgsteal_direct,
	       (unsigned long long)mm->reclaim.allocstall[SHADOWMM_ZONE_DMA32],
	       (unsigned long long)run->a[0].allocs, (unsigned long long)run->a[1].allocs,
	       (unsigned long long)run->a[0].fails, (unsigned long long)run->a[1].fails);
	/* memory was short: pages went to swap, by direct reclaim or kshadowd */
	EXPECT_TRUE(mm->events.pswpout > 0);
	EXPECT_TRUE(mm->reclaim.pgsteal_direct + mm->reclaim.pgsteal_kswapd > 0);
	EXPECT_EQ(mtr_check(run), 0);
	EXPECT_EQ(mtr_read_back(run), 0);
	EXPECT_TRUE(mm->events.pswpin > 0);
	EXPECT_EQ(mtr_check(run), 0);

	for (i = 0; i < nr_workers; i++) {
		smm_space_destroy(&run->w[i].s);
		free(run->w[i].value);
	}
	EXPECT_EQ(mm->swap->inuse, 0);
	smm_drain_all_pcp(mm);
	for (z = 0; z < SMM_NR_ZONES; z++)
		EXPECT_EQ(mm->zones[z].free, run->zone_free0[z]);
	EXPECT_EQ(smm_test_check(mm), 0);
	pthread_barrier_destroy(&run->start);
	pthread_cond_destroy(&run->wake_cond);
	pthread_mutex_destroy(&run->wake_lock);
	pthread_mutex_destroy(&run->spaces_lock);
	smm_test_swap_destroy(&run->e);
	mtr_cur = NULL;
	free(run);
}

/* 2 workers of 768 pages, kshadowd, 2 page allocators: 5 threads on 1024 frames. */
SMM_TEST(mt_reclaim_2_workers)
{
	mtr_run_threads(_t, 2);
}

/* 4 workers of 384 pages, kshadowd, 2 page allocators: 7 threads on 1024 frames. */
SMM_TEST(mt_reclaim_4_workers)
{
	mtr_run_threads(_t, 4);
}
