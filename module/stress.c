// SPDX-License-Identifier: GPL-2.0
/*
 * In-kernel stress for the reliability tests: writing "THREADS SECONDS" to
 * /sys/kernel/debug/shadowmm/stress runs THREADS kthreads, spread over the
 * online CPUs, that allocate and free random blocks (orders 0-10, every
 * zone modifier and migratetype, single and bulk) for SECONDS, while user
 * space does what it likes through netlink. Every block a thread got is
 * freed before the write returns. Reading the file gives the last run's
 * totals: "threads T seconds S allocs A frees F failures X".
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/mutex.h>
#include <linux/prandom.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "smm.h"

#define SMM_STRESS_MAX_THREADS	16
#define SMM_STRESS_MAX_SECONDS	600
#define SMM_STRESS_LIVE		64

struct smm_stress_thread {
	unsigned long deadline;
	u64 seed;
	u64 allocs, frees, failures;
	u64 live[SMM_STRESS_LIVE];
	unsigned int nr_live;
	struct completion done;
};

static DEFINE_MUTEX(smm_stress_lock);
static struct {
	unsigned int threads, seconds;
	u64 allocs, frees, failures;
} smm_stress_last;

static u64 smm_stress_rand(struct smm_stress_thread *t)
{
	t->seed ^= t->seed << 13;
	t->seed ^= t->seed >> 7;
	t->seed ^= t->seed << 17;
	return t->seed;
}

static unsigned int smm_stress_gfp(u64 r)
{
	static const unsigned int zone[] = { 0, 0, SHADOWMM_GFP_DMA32, SHADOWMM_GFP_DMA };
	static const unsigned int mt[] = {
		0, SHADOWMM_GFP_MOVABLE, SHADOWMM_GFP_MOVABLE, SHADOWMM_GFP_RECLAIMABLE
	};

	return zone[r & 3] | mt[(r >> 2) & 3] | ((r >> 4) & 1 ? SHADOWMM_GFP_HIGH : 0);
}

/* Free one live block (or all of them) on this CPU. */
static void smm_stress_free(struct smm_stress_thread *t, unsigned int k)
{
	smm_free_pages(&smm_dev.mm, t->live[k], smm_cpu_get());
	smm_cpu_put();
	t->live[k] = t->live[--t->nr_live];
	t->frees++;
}

static void smm_stress_alloc(struct smm_stress_thread *t, u64 r)
{
	struct smm_mm *mm = &smm_dev.mm;
	unsigned int gfp = smm_stress_gfp(r >> 8), n, cpu;
	/* mostly small orders, as real workloads */
	unsigned int order = (r & 0xff) < 200 ? (r >> 40) & 3 : (r >> 40) % SMM_NR_ORDERS;

	cpu = smm_cpu_get();
	if ((r >> 50) & 1 && t->nr_live + 8 <= SMM_STRESS_LIVE) {
		n = smm_alloc_pages_bulk(mm, gfp, cpu, 8, &t->live[t->nr_live]);
		t->nr_live += n;
		t->allocs += n;
		t->failures += n < 8;
	} else if (!smm_alloc_pages(mm, order, gfp, cpu, &t->live[t->nr_live])) {
		t->nr_live++;
		t->allocs++;
	} else {
		t->failures++;
	}
	smm_cpu_put();
}

static int smm_stress_fn(void *data)
{
	struct smm_stress_thread *t = data;
	u64 ops = 0;

	while (time_before(jiffies, t->deadline)) {
		u64 r = smm_stress_rand(t);

		if (t->nr_live && (t->nr_live == SMM_STRESS_LIVE || (r >> 60) < 7))
			smm_stress_free(t, r % t->nr_live);
		else
			smm_stress_alloc(t, r);
		if (!(++ops & 255))
			cond_resched();
	}
	while (t->nr_live)
		smm_stress_free(t, 0);
	complete(&t->done);
	return 0;
}

static int smm_stress_run(unsigned int threads, unsigned int seconds)
{
	struct smm_stress_thread *t;
	struct task_struct *k;
	unsigned int i, started = 0;
	int ret = 0;

	t = kcalloc(threads, sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	for (i = 0; i < threads; i++) {
		t[i].deadline = jiffies + seconds * HZ;
		t[i].seed = get_random_u64() | 1;
		init_completion(&t[i].done);
		k = kthread_create_on_cpu(smm_stress_fn, &t[i],
					  cpumask_nth(i % num_online_cpus(), cpu_online_mask),
					  "smm_stress/%u");
		if (IS_ERR(k)) {
			ret = PTR_ERR(k);
			break;
		}
		wake_up_process(k);
		started++;
	}
	memset(&smm_stress_last, 0, sizeof(smm_stress_last));
	smm_stress_last.threads = started;
	smm_stress_last.seconds = seconds;
	for (i = 0; i < started; i++) {
		wait_for_completion(&t[i].done);
		smm_stress_last.allocs += t[i].allocs;
		smm_stress_last.frees += t[i].frees;
		smm_stress_last.failures += t[i].failures;
	}
	kfree(t);
	return ret;
}

static int smm_stress_cmd_run(char *line)
{
	unsigned int threads, seconds;
	int ret;

	if (sscanf(line, "%u %u", &threads, &seconds) != 2 || !threads ||
	    threads > SMM_STRESS_MAX_THREADS || !seconds || seconds > SMM_STRESS_MAX_SECONDS)
		return -EINVAL;
	mutex_lock(&smm_stress_lock);
	ret = smm_stress_run(threads, seconds);
	mutex_unlock(&smm_stress_lock);
	return ret;
}

static int smm_stress_show(struct seq_file *m, void *v)
{
	mutex_lock(&smm_stress_lock);
	seq_printf(m, "threads %u seconds %u allocs %llu frees %llu failures %llu\n",
		   smm_stress_last.threads, smm_stress_last.seconds, smm_stress_last.allocs,
		   smm_stress_last.frees, smm_stress_last.failures);
	mutex_unlock(&smm_stress_lock);
	return 0;
}

const struct smm_dbg_cmd smm_stress_cmd = {
	.run	= smm_stress_cmd_run,
	.show	= smm_stress_show,
};
