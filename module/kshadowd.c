// SPDX-License-Identifier: GPL-2.0
/*
 * kshadowd: the shadow mm's kswapd (mm/vmscan.c's kswapd(),
 * kswapd_try_to_sleep() and wakeup_kswapd(), simplified). One kthread
 * for the one shadow mm (the shadow has one node), started once the mm
 * and its slab layer exist and stopped at rmmod before the spaces go
 * (main.c): its passes read the spaces through the LRU's reverse map.
 *
 * Waking: the core calls smm_kshadowd_wake() (mm->wake_kswapd) from the
 * allocation path when a zone is found below its low watermark
 * (smm_wakeup_kshadowd() has already skipped a balanced or hopeless
 * node). The callback may run with or without the spaces' lock held,
 * on any CPU, with a CPU pinned: it only records the request (the
 * largest order, the highest zone) under a spinlock, sets a flag and
 * wakes the waitqueue; it never sleeps nor takes the spaces' lock.
 *
 * Work: each pass takes smm_space_lock_all() around one
 * smm_balance_pgdat() (bounded: at most 12 priorities of passes sized
 * by the lists), drops it and cond_resched()s, so faults and netlink
 * commands get the lock between passes.
 *
 * Sleep, as kswapd_try_to_sleep(): when the node is balanced (or
 * hopeless: 16 runs in a row freed nothing), a short nap (HZ/10); woken
 * during it -> kswapd_low_wmark_hit_quickly; not balanced after it ->
 * kswapd_high_wmark_hit_quickly, and another run; else sleep until
 * woken. Before the nap, as the kernel, kcompactd is woken for the
 * order the last run balanced for (smm_wakeup_kcompactd(): nothing for
 * order 0). mm->kswapd_running is false while it naps or sleeps
 * (task_is_running(): proactive compaction gives way to it otherwise).
 *
 * Locks: smm_kshadowd.lock (spinlock, leaf) guards the request fields;
 * the spaces' lock is taken only by the thread, never while holding it.
 */
#include <linux/kthread.h>
#include <linux/wait.h>
#include <linux/sched.h>
#include <linux/spinlock.h>

#include "smm.h"
#include "core/vmscan.h"
#include "core/compaction.h"
#include "trace_shadowmm.h"

static struct {
	struct task_struct *task;
	wait_queue_head_t wait;		/* pgdat->kswapd_wait */
	spinlock_t lock;		/* the request below */
	bool pending;			/* woken since the last pass started */
	unsigned int order;		/* pgdat->kswapd_order */
	unsigned int highest;		/* pgdat->kswapd_highest_zoneidx */
	struct smm_mm *mm;
} smm_kshadowd;

/*
 * mm->wake_kswapd: record the request and wake the thread. From the
 * allocation path: atomic context possible (a pinned CPU), so a
 * spinlock and wake_up_interruptible() only.
 */
static void smm_kshadowd_wake(struct smm_mm *mm, unsigned int order, unsigned int highest)
{
	unsigned long flags;

	spin_lock_irqsave(&smm_kshadowd.lock, flags);
	if (!smm_kshadowd.pending || order > smm_kshadowd.order)
		smm_kshadowd.order = order;
	if (!smm_kshadowd.pending || highest > smm_kshadowd.highest)
		smm_kshadowd.highest = highest;
	smm_kshadowd.pending = true;
	spin_unlock_irqrestore(&smm_kshadowd.lock, flags);
	wake_up_interruptible(&smm_kshadowd.wait);
}

/* Take the request (under its lock): false when none is pending. */
static bool smm_kshadowd_take(unsigned int *order, unsigned int *highest)
{
	bool pending;

	spin_lock_irq(&smm_kshadowd.lock);
	pending = smm_kshadowd.pending;
	*order = smm_kshadowd.order;
	*highest = smm_kshadowd.highest;
	smm_kshadowd.pending = false;
	spin_unlock_irq(&smm_kshadowd.lock);
	return pending;
}

static bool smm_kshadowd_woken(void)
{
	return READ_ONCE(smm_kshadowd.pending) || kthread_should_stop();
}

/*
 * prepare_kswapd_sleep(): sleep when balanced for the request, or when
 * the node is hopeless (16 runs in a row freed nothing: direct reclaim
 * is left to deal with it, and the core no longer wakes us).
 */
static bool smm_kshadowd_may_sleep(struct smm_mm *mm, unsigned int order, unsigned int highest)
{
	return READ_ONCE(mm->kswapd_failures) >= SMM_MAX_RECLAIM_RETRIES ||
	       smm_pgdat_balanced(mm, order, highest);
}

/*
 * kswapd_try_to_sleep(): a short nap when it may sleep, the counters
 * when the nap was cut short (low) or the node was unbalanced after it
 * (high), else the long sleep until woken. Returns with the node
 * needing a pass (or the thread stopping).
 */
static void smm_kshadowd_try_to_sleep(struct smm_mm *mm, unsigned int order,
				      unsigned int highest)
{
	long remaining = 0;

	if (smm_kshadowd_may_sleep(mm, order, highest)) {
		smm_wakeup_kcompactd(mm, order, highest);
		WRITE_ONCE(mm->kswapd_running, false);
		remaining = wait_event_interruptible_timeout(smm_kshadowd.wait,
							     smm_kshadowd_woken(), HZ / 10);
		WRITE_ONCE(mm->kswapd_running, true);
	}
	if (kthread_should_stop())
		return;
	if (!remaining && !smm_kshadowd_woken() && smm_kshadowd_may_sleep(mm, order, highest)) {
		WRITE_ONCE(mm->kswapd_running, false);
		wait_event_interruptible(smm_kshadowd.wait, smm_kshadowd_woken());
		WRITE_ONCE(mm->kswapd_running, true);
		return;
	}
	smm_space_lock_all();
	smm_kshadowd_hit_quickly(mm, remaining > 0);
	smm_space_unlock_all();
}

/*
 * kswapd(): sleep, take the request a wakeup left (or keep the last one
 * when it runs again unbalanced), one balance_pgdat() under the spaces'
 * lock, again. A run that frees nothing counts a failure (core), so an
 * unbalanced node without anything to reclaim ends in the long sleep
 * after 16 runs.
 */
static int smm_kshadowd_fn(void *arg)
{
	struct smm_mm *mm = arg;
	unsigned int order = 0, highest = 0;

	while (!kthread_should_stop()) {
		struct smm_balance_result res;
		unsigned int o, h;

		smm_kshadowd_try_to_sleep(mm, order, highest);
		if (kthread_should_stop())
			break;
		if (smm_kshadowd_take(&o, &h)) {
			order = o;
			highest = h;
		}
		trace_mm_vmscan_kswapd_wake(0, highest, order);
		smm_space_lock_all();
		smm_balance_pgdat(mm, order, highest, &res);
		smm_space_unlock_all();
		cond_resched();
	}
	return 0;
}

/* Start kshadowd for @mm and point the core's wakeups at it. */
int smm_kshadowd_start(struct smm_mm *mm)
{
	struct task_struct *t;

	init_waitqueue_head(&smm_kshadowd.wait);
	spin_lock_init(&smm_kshadowd.lock);
	smm_kshadowd.pending = false;
	smm_kshadowd.mm = mm;
	t = kthread_run(smm_kshadowd_fn, mm, "kshadowd");
	if (IS_ERR(t))
		return PTR_ERR(t);
	smm_kshadowd.task = t;
	WRITE_ONCE(mm->wake_kswapd, smm_kshadowd_wake);
	return 0;
}

/*
 * Stop it (rmmod, before the spaces go): no new wakeups, then
 * kthread_stop() waits for a pass under way to finish.
 */
void smm_kshadowd_stop(void)
{
	if (!smm_kshadowd.task)
		return;
	WRITE_ONCE(smm_kshadowd.mm->wake_kswapd, NULL);
	kthread_stop(smm_kshadowd.task);
	smm_kshadowd.task = NULL;
}
