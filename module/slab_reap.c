// SPDX-License-Identifier: GPL-2.0
/*
 * cache_reap() for the SLAB caches (core/slab_slab.c): a delayed work
 * item makes a pass every 2 s (REAPTIMEOUT_AC) while a SLAB cache
 * exists. Each pass runs under nl_slab_lock, under which caches are
 * made and destroyed, so it never meets a cache half torn down.
 *
 * The work re-arms itself only while a SLAB cache is left; creating one
 * kicks it; destroying the last one, RESET and unload cancel it and wait
 * for a pass in progress (never under nl_slab_lock, which the pass takes).
 */
#include <linux/workqueue.h>
#include <linux/timer.h>

#include "smm.h"

#define SMM_SLAB_REAP_MS	2000	/* REAPTIMEOUT_AC */

static void smm_slab_reap_arm(struct smm_dev *d)
{
	schedule_delayed_work(&d->slab_reap,
			      round_jiffies_relative(msecs_to_jiffies(SMM_SLAB_REAP_MS)));
}

/* One pass over every SLAB cache; again in 2 s while one is left. */
static void smm_slab_reap_fn(struct work_struct *w)
{
	struct smm_dev *d = container_of(to_delayed_work(w), struct smm_dev, slab_reap);
	bool again;

	mutex_lock(&d->nl_slab_lock);
	smm_slabs_reap(&d->slabs, raw_smp_processor_id());
	again = smm_slabs_have_slab(&d->slabs);
	mutex_unlock(&d->nl_slab_lock);
	if (again)
		smm_slab_reap_arm(d);
}

void smm_slab_reap_init(struct smm_dev *d)
{
	INIT_DELAYED_WORK(&d->slab_reap, smm_slab_reap_fn);
}

/* A SLAB cache may have been made: passes run (nothing if one is pending). */
void smm_slab_reap_kick(struct smm_dev *d)
{
	if (smm_slabs_have_slab(&d->slabs))
		smm_slab_reap_arm(d);
}

/*
 * After a destroy or RESET: with no SLAB cache left, cancel the work and
 * wait for a pass in progress; then kick again, in case a creation
 * raced in meanwhile. Not under nl_slab_lock.
 */
void smm_slab_reap_idle(struct smm_dev *d)
{
	if (smm_slabs_have_slab(&d->slabs))
		return;
	cancel_delayed_work_sync(&d->slab_reap);
	smm_slab_reap_kick(d);
}

/* Unload: no pass runs once this returns, whatever caches are left. */
void smm_slab_reap_stop(struct smm_dev *d)
{
	cancel_delayed_work_sync(&d->slab_reap);
}
