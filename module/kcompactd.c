// SPDX-License-Identifier: GPL-2.0
/*
 * kcompactd: the shadow node's compaction thread (mm/compaction.c's
 * kcompactd(), kcompactd_work_requested() and wakeup_kcompactd()'s
 * recording half, of Linux 6.1). One kthread for the one shadow node,
 * started after kshadowd and stopped at rmmod before the spaces go
 * (main.c): its runs migrate the spaces' pages. The work itself is the
 * core's (core/compact_proactive.c).
 *
 * Waking: the core calls smm_kcompactd_wake() (mm->wake_kcompactd):
 * from kshadowd about to sleep after balancing for an order above 0
 * (smm_wakeup_kcompactd() has checked the node is suitable), or with
 * order 0 when vm.compaction_proactiveness is set to a value above 0
 * (the proactive trigger). It only records the request under a spinlock
 * (the largest order, the lowest highest zone, as the kernel's
 * kcompactd_max_order and kcompactd_highest_zoneidx) and wakes the
 * waitqueue: it never sleeps nor takes the spaces' lock.
 *
 * Work: a request for an order: one smm_kcompactd_do_work() under the
 * spaces' lock. Otherwise every HPAGE_FRAG_CHECK_INTERVAL_MSEC (500 ms;
 * never while proactiveness is 0) or at the trigger: if the node's
 * fragmentation score (read without a lock) is above the high mark, one
 * smm_proactive_compact_node() under the spaces' lock; when the score did
 * not go down, the next check waits 500 ms << COMPACT_MAX_DEFER_SHIFT
 * (32 s).
 *
 * Locks: smm_kcompactd.lock (spinlock, leaf) guards the request; the
 * spaces' lock is taken only by the thread, never while holding it.
 */
#include <linux/kthread.h>
#include <linux/wait.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/jiffies.h>
#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "smm.h"
#include "core/compaction.h"

static struct {
	struct task_struct *task;
	wait_queue_head_t wait;		/* pgdat->kcompactd_wait */
	spinlock_t lock;		/* the request below */
	unsigned int max_order;		/* pgdat->kcompactd_max_order, 0: none */
	unsigned int highest;		/* pgdat->kcompactd_highest_zoneidx */
	bool trigger;			/* pgdat->proactive_compact_trigger */
	struct smm_mm *mm;
} smm_kcompactd;

/*
 * mm->wake_kcompactd: record an order's request (@order > 0) or the
 * proactive trigger (@order 0) and wake the thread. Any context: a
 * spinlock and wake_up_interruptible() only.
 */
static void smm_kcompactd_wake(struct smm_mm *mm, unsigned int order, unsigned int highest)
{
	unsigned long flags;

	spin_lock_irqsave(&smm_kcompactd.lock, flags);
	if (!order) {
		smm_kcompactd.trigger = true;
	} else {
		if (smm_kcompactd.max_order < order)
			smm_kcompactd.max_order = order;
		if (smm_kcompactd.highest > highest)
			smm_kcompactd.highest = highest;
	}
	spin_unlock_irqrestore(&smm_kcompactd.lock, flags);
	wake_up_interruptible(&smm_kcompactd.wait);
}

/* kcompactd_work_requested() */
static bool smm_kcompactd_requested(void)
{
	return READ_ONCE(smm_kcompactd.max_order) || READ_ONCE(smm_kcompactd.trigger) ||
	       kthread_should_stop();
}

/*
 * Take an order's request (under its lock): false when there is none
 * or the trigger is set too (the kernel then checks proactively first).
 */
static bool smm_kcompactd_take(unsigned int *order, unsigned int *highest)
{
	bool got;

	spin_lock_irq(&smm_kcompactd.lock);
	got = smm_kcompactd.max_order && !smm_kcompactd.trigger;
	*order = smm_kcompactd.max_order;
	*highest = smm_kcompactd.highest;
	if (got) {
		smm_kcompactd.max_order = 0;
		smm_kcompactd.highest = SMM_NR_ZONES - 1;
	}
	spin_unlock_irq(&smm_kcompactd.lock);
	return got;
}

static bool smm_kcompactd_should_stop(void)
{
	return kthread_should_stop();
}

/*
 * The proactive check: compact if the score is above high; the next
 * timeout. The score reads the zones' free counts without a lock (as
 * fragmentation_score_node() does), so the spaces' lock is taken only
 * to compact, and the score read again under it.
 */
static long smm_kcompactd_proactive(struct smm_mm *mm, long timeout)
{
	bool progress = true;

	if (smm_should_proactive_compact_node(mm)) {
		smm_space_lock_all();
		if (smm_should_proactive_compact_node(mm))
			progress = smm_proactive_compact_node(mm);
		smm_space_unlock_all();
	}
	WRITE_ONCE(smm_kcompactd.trigger, false);
	return progress ? timeout : timeout << SMM_COMPACT_MAX_DEFER_SHIFT;
}

/* kcompactd(): wait for a request or the check interval, work, again. */
static int smm_kcompactd_fn(void *arg)
{
	long interval = msecs_to_jiffies(SMM_FRAG_CHECK_INTERVAL_MSEC), timeout = interval;
	struct smm_mm *mm = arg;
	unsigned int order, highest;

	while (!kthread_should_stop()) {
		if (!READ_ONCE(mm->compaction_proactiveness))
			timeout = MAX_SCHEDULE_TIMEOUT;
		wait_event_interruptible_timeout(smm_kcompactd.wait, smm_kcompactd_requested(),
						 timeout);
		if (kthread_should_stop())
			break;
		timeout = interval;
		if (smm_kcompactd_take(&order, &highest)) {
			smm_space_lock_all();
			smm_kcompactd_do_work(mm, order, highest, smm_kcompactd_should_stop);
			smm_space_unlock_all();
		} else {
			timeout = smm_kcompactd_proactive(mm, interval);
		}
		cond_resched();
	}
	return 0;
}

/*
 * debugfs compaction: what proactive compaction and deferral look at,
 * read without locks (a snapshot of racing values):
 *   proactiveness P / score_node S / wmark_low L / wmark_high H, one a line;
 *   then per populated zone "zone NAME score S considered C defer_shift D
 *   order_failed O" (struct zone's compact_* fields).
 */
static int smm_compaction_show(struct seq_file *m, void *v)
{
	struct smm_mm *mm = m->private;
	unsigned int z;

	seq_printf(m, "proactiveness %u\nscore_node %u\nwmark_low %u\nwmark_high %u\n",
		   READ_ONCE(mm->compaction_proactiveness), smm_fragmentation_score_node(mm),
		   smm_fragmentation_score_wmark(mm, true), smm_fragmentation_score_wmark(mm, false));
	for (z = 0; z < SMM_NR_ZONES; z++) {
		const struct smm_compact_defer *d = &mm->compact_defer[z];

		if (!smm_zone_populated(&mm->zones[z]))
			continue;
		seq_printf(m, "zone %s score %u considered %u defer_shift %u order_failed %d\n",
			   mm->zones[z].name, smm_fragmentation_score_zone(mm, z),
			   READ_ONCE(d->considered), READ_ONCE(d->defer_shift),
			   READ_ONCE(d->order_failed));
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(smm_compaction);

/* debugfs compaction (above), root-only as the others. */
void smm_kcompactd_debugfs_init(struct dentry *dir, struct smm_mm *mm)
{
	debugfs_create_file("compaction", 0400, dir, mm, &smm_compaction_fops);
}

/* Start kcompactd for @mm and point the core's wakeups at it. */
int smm_kcompactd_start(struct smm_mm *mm)
{
	struct task_struct *t;

	init_waitqueue_head(&smm_kcompactd.wait);
	spin_lock_init(&smm_kcompactd.lock);
	smm_kcompactd.max_order = 0;
	smm_kcompactd.highest = SMM_NR_ZONES - 1;
	smm_kcompactd.trigger = false;
	smm_kcompactd.mm = mm;
	t = kthread_run(smm_kcompactd_fn, mm, "kcompactd_smm");
	if (IS_ERR(t))
		return PTR_ERR(t);
	smm_kcompactd.task = t;
	WRITE_ONCE(mm->wake_kcompactd, smm_kcompactd_wake);
	return 0;
}

/*
 * Stop it (rmmod, before the spaces go): no new wakeups, then
 * kthread_stop() waits for a run under way (it checks between zones).
 */
void smm_kcompactd_stop(void)
{
	if (!smm_kcompactd.task)
		return;
	WRITE_ONCE(smm_kcompactd.mm->wake_kcompactd, NULL);
	kthread_stop(smm_kcompactd.task);
	smm_kcompactd.task = NULL;
}
