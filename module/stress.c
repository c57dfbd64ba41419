// SPDX-License-Identifier: GPL-2.0
/*
 * In-kernel stress for the reliability tests: writing "THREADS SECONDS" to
 * /sys/kernel/debug/shadowmm/stress runs THREADS kthreads, spread over the
 * online CPUs, that allocate and free random blocks (orders 0-10, every
 * zone modifier and migratetype, single and bulk) and random kmalloc
 * objects (8 B to 8 KiB, written over) for SECONDS, while user space does
 * what it likes through netlink. Every block and object a thread got is
 * freed before the write returns. Reading the file gives the last run's
 * totals: "threads T seconds S allocs A frees F failures X obj_allocs A
 * obj_frees F obj_failures X obj_refused R" (R: frees the allocator
 * refused, which would be a bug).
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
#define SMM_STRESS_OBJS		256

struct smm_stress_obj {
	struct smm_cache *c;
	u64 pos;
};

struct smm_stress_thread {
	unsigned long deadline;
	u64 seed;
	u64 allocs, frees, failures;
	u64 live[SMM_STRESS_LIVE];
	unsigned int nr_live;
	u64 obj_allocs, obj_frees, obj_failures, obj_refused;
	struct smm_stress_obj objs[SMM_STRESS_OBJS];
	unsigned int nr_objs;
	struct completion done;
};

static DEFINE_MUTEX(smm_stress_lock);
static struct {
	unsigned int threads, seconds;
	u64 allocs, frees, failures;
	u64 obj_allocs, obj_frees, obj_failures, obj_refused;
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

static void smm_stress_obj_free(struct smm_stress_thread *t, unsigned int k)
{
	struct smm_stress_obj *o = &t->objs[k];

	if (smm_cache_free(o->c, o->pos, smm_cpu_get()))
		t->obj_refused++;	/* a refused free: a bug, reported in the log */
	smm_cpu_put();
	*o = t->objs[--t->nr_objs];
	t->obj_frees++;
}

/* A kmalloc object of a random size, mostly small, written over. */
static void smm_stress_obj_alloc(struct smm_stress_thread *t, u64 r)
{
	size_t size = 1 + (r >> 20) % ((r >> 40) & 1 ? SMM_SLAB_MAX_SIZE : 512);
	struct smm_cache *c = smm_kmalloc_cache(&smm_dev.slabs, size);
	struct smm_stress_obj *o = &t->objs[t->nr_objs];
	void *p = smm_cache_alloc(c, smm_cpu_get(), 0, &o->pos);

	if (p) {
		memset(p, 0x5a, size);
		o->c = c;
		t->nr_objs++;
		t->obj_allocs++;
	} else {
		t->obj_failures++;
	}
	smm_cpu_put();
}

static int smm_stress_fn(void *data)
{
	struct smm_stress_thread *t = data;
	u64 ops = 0;

	while (time_before(jiffies, t->deadline)) {
		u64 r = smm_stress_rand(t);

		if ((r >> 56) & 1) {
			if (t->nr_objs && (t->nr_objs == SMM_STRESS_OBJS || (r >> 60) < 7))
				smm_stress_obj_free(t, r % t->nr_objs);
			else
				smm_stress_obj_alloc(t, r);
		} else if (t->nr_live && (t->nr_live == SMM_STRESS_LIVE || (r >> 60) < 7)) {
			smm_stress_free(t, r % t->nr_live);
		} else {
			smm_stress_alloc(t, r);
		}
		if (!(++ops & 255))
			cond_resched();
	}
	while (t->nr_live)
		smm_stress_free(t, 0);
	while (t->nr_objs)
		smm_stress_obj_free(t, 0);
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
		smm_stress_last.obj_allocs += t[i].obj_allocs;
		smm_stress_last.obj_frees += t[i].obj_frees;
		smm_stress_last.obj_failures += t[i].obj_failures;
		smm_stress_last.obj_refused += t[i].obj_refused;
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
	seq_printf(m, "threads %u seconds %u allocs %llu frees %llu failures %llu "
		   "obj_allocs %llu obj_frees %llu obj_failures %llu obj_refused %llu\n",
		   smm_stress_last.threads, smm_stress_last.seconds, smm_stress_last.allocs,
		   smm_stress_last.frees, smm_stress_last.failures, smm_stress_last.obj_allocs,
		   smm_stress_last.obj_frees, smm_stress_last.obj_failures,
		   smm_stress_last.obj_refused);
	mutex_unlock(&smm_stress_lock);
	return 0;
}

const struct smm_dbg_cmd smm_stress_cmd = {
	.run	= smm_stress_cmd_run,
	.show	= smm_stress_show,
};
