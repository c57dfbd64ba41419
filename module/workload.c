// SPDX-License-Identifier: GPL-2.0
/*
 * The workload generator's threads (`smmctl space run`, issue 17): one
 * kthread per workload accesses a space's VMAs by the pattern of
 * core/workload.c at a rate, the way a process's loads and stores
 * would, so that faults, LRU aging, kshadowd, direct reclaim and swap
 * can be watched building up. At most SHADOWMM_WORKLOAD_MAX_WORKLOADS at
 * once, one per space; the scheduler spreads them over the CPUs.
 *
 * Pacing: ticks of 10 ms (longer below 100 accesses a second); each
 * tick does what the rate owes since the start, in batches of at most
 * SMM_WORKLOAD_BATCH accesses per hold of the spaces' lock, so faults,
 * netlink commands and kshadowd get the lock between batches.
 *
 * A workload ends by itself when its time is up, its space is destroyed
 * or an access fails (SIGSEGV, out of memory); its thread then waits,
 * counts and reason kept for WORKLOAD_GET, until STOP or rmmod stops it
 * (kthread_stop() is the only way a thread goes, so a slot's task is
 * always valid while the slot is used).
 *
 * Lock order: smm_workloads_lock (mutex: slots and threads) -> the spaces'
 * lock. A slot's space and gone fields are written under the spaces'
 * lock (smm_workloads_space_gone() runs under it, from SPACE_DESTROY), its
 * counts by its thread under the spaces' lock and read with READ_ONCE().
 */
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/jiffies.h>
#include <linux/mutex.h>

#include "smm.h"
#include "core/vma.h"
#include "core/workload.h"

#define SMM_WORKLOAD_BATCH		64	/* accesses per hold of the spaces' lock */

struct smm_workload {
	struct task_struct *task;	/* NULL: a free slot */
	u32 space;
	bool gone;			/* its space was destroyed */
	u32 rate, seconds;
	struct smm_workload_gen gen;
	u64 accesses, faults;
	bool running;
	const char *reason;		/* a string constant: why it ended */
};

static struct smm_workload smm_workloads[SHADOWMM_WORKLOAD_MAX_WORKLOADS];
static DEFINE_MUTEX(smm_workloads_lock);

/*
 * Up to @n accesses under one hold of the spaces' lock: 0, or -1 with
 * r->reason set when the workload must end.
 */
static int smm_workload_batch(struct smm_workload *r, u64 n)
{
	struct smm_space *s;
	u64 pages, i, done = 0, faults = 0;
	const char *why = NULL;
	bool write;

	smm_space_lock_all();
	s = r->gone ? NULL : smm_space_find(r->space);
	pages = s ? smm_workload_pages(s) : 0;
	if (!s)
		why = "its space was destroyed";
	else if (!pages)
		why = "its space has no VMA";
	for (i = 0; !why && i < n; i++) {
		u64 va = smm_workload_addr(s, smm_workload_next(&r->gen, pages, &write));
		struct smm_access res = { };

		if (smm_space_access(s, va, sizeof(u64),
				     write ? SMM_ACCESS_WRITE | SMM_ACCESS_PATTERN : 0, 0, &res, &why)) {
			why = why ? : "an access failed";
			break;
		}
		done++;
		faults += res.faults;
	}
	WRITE_ONCE(r->accesses, r->accesses + done);
	WRITE_ONCE(r->faults, r->faults + faults);
	if (faults)
		smm_space_changed();
	smm_space_unlock_all();
	if (!why)
		return 0;
	WRITE_ONCE(r->reason, why);
	return -1;
}

/* The thread of one workload: paced batches until stopped or ended. */
static int smm_workload_fn(void *data)
{
	struct smm_workload *r = data;
	unsigned long start = jiffies, tick = msecs_to_jiffies(10);
	u64 owed, done = 0;

	if (r->rate < 100)
		tick = msecs_to_jiffies(1000 / r->rate);
	while (!kthread_should_stop()) {
		unsigned long ms = jiffies_to_msecs(jiffies - start);

		if (r->seconds && ms >= r->seconds * 1000ULL) {
			WRITE_ONCE(r->reason, "its time was up");
			break;
		}
		owed = div_u64((u64)ms * r->rate, 1000) + 1;
		while (done < owed && !kthread_should_stop()) {
			u64 n = min_t(u64, owed - done, SMM_WORKLOAD_BATCH);

			if (smm_workload_batch(r, n))
				goto ended;
			done += n;
			cond_resched();
		}
		schedule_timeout_interruptible(tick);
	}
ended:
	WRITE_ONCE(r->running, false);
	/* kept for WORKLOAD_GET until STOP or rmmod stops the thread */
	set_current_state(TASK_INTERRUPTIBLE);
	while (!kthread_should_stop()) {
		schedule();
		set_current_state(TASK_INTERRUPTIBLE);
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

/* The slot of @space's workload, or NULL. smm_workloads_lock held. */
static struct smm_workload *smm_workload_of(u32 space)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(smm_workloads); i++)
		if (smm_workloads[i].task && smm_workloads[i].space == space)
			return &smm_workloads[i];
	return NULL;
}

/* Stops a slot's thread and frees the slot. smm_workloads_lock held, not the spaces'. */
static void smm_workload_free(struct smm_workload *r)
{
	kthread_stop(r->task);
	smm_space_lock_all();
	r->task = NULL;
	r->space = 0;
	smm_space_unlock_all();
}

/* Slot @r takes workload @a with generator @gen, running. Spaces' lock held. */
static void smm_workload_slot_fill(struct smm_workload *r, const struct smm_workload_args *a,
				   const struct smm_workload_gen *gen)
{
	memset(r, 0, sizeof(*r));
	r->space = a->space;
	r->rate = a->rate;
	r->seconds = a->seconds;
	r->gen = *gen;
	r->running = true;
}

/*
 * Starts a workload on space @a->space, replacing an ended one there.
 * -ENOENT no such space, -EBUSY one runs there, -ENOSPC every slot
 * taken, -EINVAL a bad pattern (*@why says which), -ENOMEM, or the
 * kthread's error. The generator (zipf's table: about 1 KiB) is built
 * on the heap, not the stack, and copied into the slot.
 */
int smm_workload_start(const struct smm_workload_args *a, const char **why)
{
	struct smm_workload_gen *gen;
	struct task_struct *t;
	struct smm_workload *r;
	unsigned int i;
	int ret;

	gen = kmalloc(sizeof(*gen), GFP_KERNEL);
	*why = "no memory for the workload's generator";
	if (!gen)
		return -ENOMEM;
	ret = smm_workload_init(gen, a->pattern, a->param, a->write_pct, get_random_u64(), why);
	if (ret)
		goto out_free;
	mutex_lock(&smm_workloads_lock);
	r = smm_workload_of(a->space);
	ret = -EBUSY;
	*why = "a workload runs on that space: stop it first";
	if (r && READ_ONCE(r->running))
		goto out;
	if (r)
		smm_workload_free(r);
	for (i = 0, r = NULL; i < ARRAY_SIZE(smm_workloads) && !r; i++)
		r = smm_workloads[i].task ? NULL : &smm_workloads[i];
	ret = -ENOSPC;
	*why = "every workload slot is taken (at most 8 at once)";
	if (!r)
		goto out;
	smm_space_lock_all();
	ret = smm_space_find(a->space) ? 0 : -ENOENT;
	*why = "no such space";
	if (!ret)
		smm_workload_slot_fill(r, a, gen);
	smm_space_unlock_all();
	if (ret)
		goto out;
	t = kthread_run(smm_workload_fn, r, "smm_workload/%u", a->space);
	ret = PTR_ERR_OR_ZERO(t);
	*why = "cannot start the workload's thread";
	if (!ret)
		r->task = t;
out:
	mutex_unlock(&smm_workloads_lock);
out_free:
	kfree(gen);
	return ret;
}

/* Stops and forgets @space's workload: -ENOENT when it has none. */
int smm_workload_stop(u32 space)
{
	struct smm_workload *r;

	mutex_lock(&smm_workloads_lock);
	r = smm_workload_of(space);
	if (r)
		smm_workload_free(r);
	mutex_unlock(&smm_workloads_lock);
	return r ? 0 : -ENOENT;
}

/* Every workload stopped (rmmod, before the spaces go). */
void smm_workloads_stop_all(void)
{
	unsigned int i;

	mutex_lock(&smm_workloads_lock);
	for (i = 0; i < ARRAY_SIZE(smm_workloads); i++)
		if (smm_workloads[i].task)
			smm_workload_free(&smm_workloads[i]);
	mutex_unlock(&smm_workloads_lock);
}

/* SPACE_DESTROY of @space, under the spaces' lock: its workload ends. */
void smm_workloads_space_gone(u32 space)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(smm_workloads); i++)
		if (smm_workloads[i].space == space)
			smm_workloads[i].gone = true;
}

/*
 * The state of the @idx-th used slot on, in *@st; the slot's index + 1
 * to resume from, or 0 when there is none.
 */
unsigned int smm_workload_get(unsigned int idx, struct smm_workload_state *st)
{
	unsigned int i;

	mutex_lock(&smm_workloads_lock);
	for (i = idx; i < ARRAY_SIZE(smm_workloads) && !smm_workloads[i].task; i++)
		;
	if (i < ARRAY_SIZE(smm_workloads)) {
		const struct smm_workload *r = &smm_workloads[i];

		*st = (struct smm_workload_state) {
			.args = { .space = r->space, .pattern = r->gen.pattern,
				  .param = r->gen.param, .rate = r->rate,
				  .write_pct = r->gen.write_pct, .seconds = r->seconds },
			.accesses = READ_ONCE(r->accesses), .faults = READ_ONCE(r->faults),
			.running = READ_ONCE(r->running), .reason = READ_ONCE(r->reason),
		};
	}
	mutex_unlock(&smm_workloads_lock);
	return i < ARRAY_SIZE(smm_workloads) ? i + 1 : 0;
}
