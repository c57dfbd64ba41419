// SPDX-License-Identifier: GPL-2.0
/*
 * The "events" multicast group: what the allocator did in the last
 * interval, aggregated per zone, one message per interval at most.
 *
 * A delayed work wakes every SMM_EVENT_INTERVAL_MS, reads each zone's
 * counters (smm_zone_snapshot(), the copy ZONE_GET sends) and compares
 * them with the previous reading. It sends one SHADOWMM_CMD_EVENT only
 * when someone listens and something changed, so an allocation storm
 * costs one message per interval and the allocation fast path never
 * sees this file. With no listener it only
 * forgets its previous reading, so the first message after a listener
 * joins covers one interval, not the time nobody was listening.
 *
 * Slab caches: the slab layer counts the caches it creates and destroys
 * (and keeps the last names) under its set mutex, which no allocation
 * path takes; the work compares those counts the same way and sends the
 * differences as their own attributes in the same message, never one
 * message per cache. A burst of a thousand creations reads as one count
 * and the last name.
 *
 * vmstat (issue 17): the work also reads every vmstat counter (the array
 * VMSTAT_GET sends, smm_vmstat_collect()) and sends those whose value
 * changed, with their values now, as VMSTAT_GET names them; and the OOM
 * killer's kills since the last message with the last victim. A kill
 * thus reaches a listener within an interval, without a message per kill.
 *
 * The work runs alone (one instance, rearming itself); smm_nl_event_stop()
 * cancels it before the family and the mm go away.
 */
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "smm.h"
#include "netlink.h"
#include "core/vmstat.h"

#define SMM_EVENT_INTERVAL_MS	1000

/* One zone's counters at one moment. */
struct smm_event_sample {
	u64 alloc, free, alloc_fail, wmark_low, wmark_min, free_frames;
	u64 boost, nr_reserved_highatomic;
	u32 level;
};

/* The slab layer's creations and destructions at one moment. */
struct smm_event_caches {
	u64 created, destroyed;
	char last_created[SMM_CACHE_NAME_LEN], last_destroyed[SMM_CACHE_NAME_LEN];
};

static struct smm_event_state {
	struct delayed_work work;
	struct smm_event_sample prev[SMM_NR_ZONES];
	struct smm_event_caches caches_prev;
	u64 *vmstat_prev;		/* smm_vmstat_nr values, NULL before a reading */
	struct smm_oom_kills oom_prev;
	bool have_prev;			/* prev is a reading of the last interval */
	u64 seq;			/* of the last message sent */
	/* the work's copy of a zone: too large for its stack under KASAN */
	struct smm_zone_snapshot snap;
} smm_event;

/*
 * The zone's pressure level as the allocator would decide it: the
 * highest watermark an order-0 request with no reserves (GFP_KERNEL)
 * preferring this zone would pass, zone_watermark_fast()'s "free less
 * what it may not use, above the mark" with the marks as the allocator
 * reads them, boost included (wmark_pages()). What it may not use is
 * the highatomic reserve (__zone_watermark_unusable_free() without
 * ALLOC_RESERVES). So a zone whose boost was raised by a fallback steal
 * reads below low as soon as a GFP_KERNEL request would go to the slow
 * path there, and "above high" is free > high, where kswapd counts the
 * zone balanced (pgdat_balanced()). Requests with reserves (__GFP_HIGH,
 * atomic) may still succeed below min. Marks and free are one moment
 * of the snapshot.
 */
static u32 smm_event_level(const struct smm_zone_snapshot *s)
{
	u64 usable = s->free - min(s->free, s->nr_reserved_highatomic);

	if (usable <= s->wmark[SMM_WMARK_MIN])
		return SHADOWMM_WMARK_BELOW_MIN;
	if (usable <= s->wmark[SMM_WMARK_LOW])
		return SHADOWMM_WMARK_BELOW_LOW;
	if (usable <= s->wmark[SMM_WMARK_HIGH])
		return SHADOWMM_WMARK_BELOW_HIGH;
	return SHADOWMM_WMARK_ABOVE_HIGH;
}

/*
 * The zone's counters, from the snapshot ZONE_GET sends, summed over
 * orders. From the event work alone: smm_event.snap is its scratch copy.
 */
static void smm_event_read(struct smm_mm *mm, unsigned int zi, struct smm_event_sample *s)
{
	struct smm_zone_snapshot *snap = &smm_event.snap;

	memset(s, 0, sizeof(*s));
	smm_zone_snapshot(mm, zi, snap);
	s->alloc = snap->alloc_total;
	s->free = snap->free_total;
	s->alloc_fail = snap->stats.alloc_fail;
	s->wmark_low = snap->stats.wmark_low;
	s->wmark_min = snap->stats.wmark_min;
	/* the watermark checks look at the buddy's free frames, as the kernel's do */
	s->level = smm_event_level(snap);
	s->free_frames = snap->free + snap->pcp_frames;
	s->boost = snap->watermark_boost;
	s->nr_reserved_highatomic = snap->nr_reserved_highatomic;
}

/* Under the set's mutex: it orders us after a whole creation or destruction. */
static void smm_event_read_caches(struct smm_slabs *slabs, struct smm_event_caches *c)
{
	smm_mutex_lock(&slabs->mutex);
	c->created = slabs->nr_created;
	c->destroyed = slabs->nr_destroyed;
	memcpy(c->last_created, slabs->last_created, sizeof(c->last_created));
	memcpy(c->last_destroyed, slabs->last_destroyed, sizeof(c->last_destroyed));
	smm_mutex_unlock(&slabs->mutex);
}

static bool smm_event_changed(const struct smm_event_sample *now,
			      const struct smm_event_sample *prev)
{
	return now->alloc != prev->alloc || now->free != prev->free ||
	       now->alloc_fail != prev->alloc_fail || now->wmark_low != prev->wmark_low ||
	       now->wmark_min != prev->wmark_min || now->level != prev->level ||
	       now->boost != prev->boost ||
	       now->nr_reserved_highatomic != prev->nr_reserved_highatomic;
}

static int smm_event_zone_fill(struct sk_buff *skb, unsigned int zi,
			       const struct smm_event_sample *now,
			       const struct smm_event_sample *prev)
{
	struct nlattr *nest = nla_nest_start(skb, zi + 1);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, SHADOWMM_A_EVZONE_ID, zi) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_EVZONE_ALLOC, now->alloc - prev->alloc,
			      SHADOWMM_A_EVZONE_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_EVZONE_FREE, now->free - prev->free,
			      SHADOWMM_A_EVZONE_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_EVZONE_ALLOC_FAIL, now->alloc_fail - prev->alloc_fail,
			      SHADOWMM_A_EVZONE_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_EVZONE_WMARK_LOW, now->wmark_low - prev->wmark_low,
			      SHADOWMM_A_EVZONE_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_EVZONE_WMARK_MIN, now->wmark_min - prev->wmark_min,
			      SHADOWMM_A_EVZONE_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_EVZONE_FREE_FRAMES, now->free_frames,
			      SHADOWMM_A_EVZONE_PAD) ||
	    nla_put_u32(skb, SHADOWMM_A_EVZONE_LEVEL, now->level) ||
	    nla_put_u32(skb, SHADOWMM_A_EVZONE_LEVEL_PREV, prev->level) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_EVZONE_BOOST, now->boost, SHADOWMM_A_EVZONE_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_EVZONE_NR_RESERVED_HIGHATOMIC,
			      now->nr_reserved_highatomic, SHADOWMM_A_EVZONE_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* The counts since the last message, and the last names when there are any. */
static int smm_event_caches_fill(struct sk_buff *skb, const struct smm_event_caches *now)
{
	const struct smm_event_caches *prev = &smm_event.caches_prev;
	u64 created = now->created - prev->created, destroyed = now->destroyed - prev->destroyed;

	if (!created && !destroyed)
		return 0;
	if (nla_put_u64_64bit(skb, SHADOWMM_A_EVENT_CACHES_CREATED, created,
			      SHADOWMM_A_EVENT_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_EVENT_CACHES_DESTROYED, destroyed,
			      SHADOWMM_A_EVENT_PAD))
		return -EMSGSIZE;
	if (created && nla_put_string(skb, SHADOWMM_A_EVENT_CACHE_CREATED, now->last_created))
		return -EMSGSIZE;
	if (destroyed && nla_put_string(skb, SHADOWMM_A_EVENT_CACHE_DESTROYED,
					now->last_destroyed))
		return -EMSGSIZE;
	return 0;
}

/* The kills since the last message, and the last victim, when there were any. */
static int smm_event_oom_fill(struct sk_buff *skb, const struct smm_oom_kills *now)
{
	u64 kills = now->kills - smm_event.oom_prev.kills;

	if (!kills)
		return 0;
	if (nla_put_u64_64bit(skb, SHADOWMM_A_EVENT_OOM_KILLS, kills, SHADOWMM_A_EVENT_PAD) ||
	    nla_put_u32(skb, SHADOWMM_A_EVENT_OOM_VICTIM, now->victim) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_EVENT_OOM_VICTIM_PAGES, now->victim_pages,
			      SHADOWMM_A_EVENT_PAD))
		return -EMSGSIZE;
	return 0;
}

/* The size of a message for @nr_zones zones, computed before it is filled. */
static size_t smm_event_size(unsigned int nr_zones)
{
	size_t zone = nla_total_size(0) +			/* the zone's nest */
		      3 * nla_total_size(sizeof(u32)) +		/* ID, LEVEL, LEVEL_PREV */
		      8 * nla_total_size_64bit(sizeof(u64));	/* the counts, boost, highatomic */

	return nla_total_size_64bit(sizeof(u64)) +		/* SEQ */
	       nla_total_size(sizeof(u32)) +			/* INTERVAL_MS */
	       nla_total_size(0) +				/* ZONES */
	       nr_zones * zone +
	       2 * nla_total_size_64bit(sizeof(u64)) +		/* CACHES_CREATED, _DESTROYED */
	       2 * nla_total_size(SMM_CACHE_NAME_LEN) +		/* their last names */
	       smm_nl_vmstat_size_all() +			/* VMSTAT, at most all */
	       2 * nla_total_size_64bit(sizeof(u64)) +		/* OOM_KILLS, _VICTIM_PAGES */
	       nla_total_size(sizeof(u32));			/* OOM_VICTIM */
}

/* What the work read in one interval, beside the zones. */
struct smm_event_now {
	struct smm_event_caches caches;
	u64 *vmstat;			/* NULL: none this time (out of memory) */
	struct smm_oom_kills oom;
};

/*
 * One message with every populated zone; the caller knows something
 * changed. On failure the caller keeps its previous reading, so the next
 * message covers this interval too.
 */
static int smm_event_send(const struct smm_event_sample *now, const struct smm_event_now *n)
{
	struct smm_mm *mm = &smm_dev.mm;
	struct nlattr *zones;
	struct sk_buff *skb;
	unsigned int zi;
	void *hdr;

	skb = genlmsg_new(smm_event_size(SMM_NR_ZONES), GFP_KERNEL);
	if (!skb)
		return -ENOMEM;
	hdr = genlmsg_put(skb, 0, 0, &smm_nl_family, 0, SHADOWMM_CMD_EVENT);
	if (!hdr)
		goto err_free;
	if (nla_put_u64_64bit(skb, SHADOWMM_A_EVENT_SEQ, smm_event.seq + 1, SHADOWMM_A_EVENT_PAD) ||
	    nla_put_u32(skb, SHADOWMM_A_EVENT_INTERVAL_MS, SMM_EVENT_INTERVAL_MS))
		goto err_free;
	zones = nla_nest_start(skb, SHADOWMM_A_EVENT_ZONES);
	if (!zones)
		goto err_free;
	for (zi = 0; zi < SMM_NR_ZONES; zi++)
		if (smm_zone_populated(&mm->zones[zi]) &&
		    smm_event_zone_fill(skb, zi, &now[zi], &smm_event.prev[zi]))
			goto err_free;
	nla_nest_end(skb, zones);
	if (smm_event_caches_fill(skb, &n->caches) || smm_event_oom_fill(skb, &n->oom))
		goto err_free;
	if (n->vmstat && smm_event.vmstat_prev &&
	    smm_nl_put_vmstat(skb, SHADOWMM_A_EVENT_VMSTAT, n->vmstat, smm_event.vmstat_prev))
		goto err_free;
	genlmsg_end(skb, hdr);
	smm_event.seq++;
	/* -ESRCH: the last listener left meanwhile; nothing to do */
	genlmsg_multicast(&smm_nl_family, skb, 0, 0, GFP_KERNEL);
	return 0;

err_free:
	nlmsg_free(skb);
	return -EMSGSIZE;
}

/* Did a vmstat counter or the kills change since the last message? */
static bool smm_event_vm_changed(const struct smm_event_now *n)
{
	if (n->oom.kills != smm_event.oom_prev.kills)
		return true;
	return n->vmstat && smm_event.vmstat_prev &&
	       memcmp(n->vmstat, smm_event.vmstat_prev, smm_vmstat_nr * sizeof(u64));
}

/* The reading becomes the previous one: what the next message is against. */
static void smm_event_keep(const struct smm_event_sample *now, struct smm_event_now *n)
{
	memcpy(smm_event.prev, now, sizeof(smm_event.prev));
	smm_event.caches_prev = n->caches;
	smm_event.oom_prev = n->oom;
	if (n->vmstat) {
		kfree(smm_event.vmstat_prev);
		smm_event.vmstat_prev = n->vmstat;
		n->vmstat = NULL;
	}
	smm_event.have_prev = true;
}

static void smm_event_work(struct work_struct *work)
{
	struct smm_event_sample now[SMM_NR_ZONES] = {};
	struct smm_mm *mm = &smm_dev.mm;
	struct smm_event_now n;
	bool changed = false;
	unsigned int zi;

	if (!genl_has_listeners(&smm_nl_family, &init_net, 0)) {
		smm_event.have_prev = false;
		goto rearm;
	}
	for (zi = 0; zi < SMM_NR_ZONES; zi++) {
		if (!smm_zone_populated(&mm->zones[zi]))
			continue;
		smm_event_read(mm, zi, &now[zi]);
		changed |= smm_event_changed(&now[zi], &smm_event.prev[zi]);
	}
	smm_event_read_caches(&smm_dev.slabs, &n.caches);
	changed |= n.caches.created != smm_event.caches_prev.created ||
		   n.caches.destroyed != smm_event.caches_prev.destroyed;
	n.vmstat = smm_vmstat_collect(&smm_dev, &n.oom);
	changed |= smm_event_vm_changed(&n);
	if (!smm_event.have_prev || !changed || !smm_event_send(now, &n))
		smm_event_keep(now, &n);
	kfree(n.vmstat);
rearm:
	schedule_delayed_work(&smm_event.work, msecs_to_jiffies(SMM_EVENT_INTERVAL_MS));
}

void smm_nl_event_start(void)
{
	memset(&smm_event, 0, sizeof(smm_event));
	INIT_DELAYED_WORK(&smm_event.work, smm_event_work);
	schedule_delayed_work(&smm_event.work, msecs_to_jiffies(SMM_EVENT_INTERVAL_MS));
}

/* The work rearms itself: cancel_delayed_work_sync() handles that. */
void smm_nl_event_stop(void)
{
	cancel_delayed_work_sync(&smm_event.work);
	kfree(smm_event.vmstat_prev);
	smm_event.vmstat_prev = NULL;
}
