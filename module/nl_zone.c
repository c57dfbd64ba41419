// SPDX-License-Identifier: GPL-2.0
/*
 * ZONE_GET: one message per zone with its sizes, watermarks, free area
 * (per order and migratetype, with fragmentation indexes) and counters.
 *
 * Each message is one picture of its zone, smm_zone_snapshot() (core/
 * zone.c), which copies again while the zone moves under it; a message
 * whose zone never had a still moment carries NLM_F_DUMP_INTR.
 */
#include "smm.h"
#include "netlink.h"
#include "core/compaction.h"

static int smm_nl_area_fill(struct sk_buff *skb, const struct smm_zone_snapshot *s, unsigned int o)
{
	struct nlattr *nest = nla_nest_start(skb, o + 1);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, SHADOWMM_A_AREA_ORDER, o) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_AREA_NR_FREE, s->nr_free[o], SHADOWMM_A_AREA_PAD) ||
	    smm_nl_put_u64_array(skb, SHADOWMM_A_AREA_NR_FREE_MT, s->nr_free_mt[o], SMM_NR_MT) ||
	    nla_put_s32(skb, SHADOWMM_A_AREA_UNUSABLE, smm_unusable_index(s->nr_free, o)) ||
	    nla_put_s32(skb, SHADOWMM_A_AREA_EXTFRAG, smm_extfrag_index(s->nr_free, o))) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int smm_nl_free_area_fill(struct sk_buff *skb, const struct smm_zone_snapshot *s)
{
	struct nlattr *nest = nla_nest_start(skb, SHADOWMM_A_ZONE_FREE_AREA);
	unsigned int o;

	if (!nest)
		return -EMSGSIZE;
	for (o = 0; o < SMM_NR_ORDERS; o++) {
		if (smm_nl_area_fill(skb, s, o)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int smm_nl_stats_fill(struct sk_buff *skb, const struct smm_zone_snapshot *s)
{
	const struct smm_zone_stats *st = &s->stats;
	struct nlattr *nest = nla_nest_start(skb, SHADOWMM_A_ZONE_STATS);

	if (!nest)
		return -EMSGSIZE;
	if (smm_nl_put_u64_array(skb, SHADOWMM_A_STATS_ALLOC, s->alloc_blocks, SMM_NR_ORDERS) ||
	    smm_nl_put_u64_array(skb, SHADOWMM_A_STATS_FREE, s->free_blocks, SMM_NR_ORDERS) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_STATS_MT_FALLBACK, st->mt_fallback,
			      SHADOWMM_A_STATS_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_STATS_MT_STEAL, st->mt_steal, SHADOWMM_A_STATS_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_STATS_ZONE_FALLBACK, st->zone_fallback,
			      SHADOWMM_A_STATS_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_STATS_WMARK_LOW, st->wmark_low, SHADOWMM_A_STATS_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_STATS_WMARK_MIN, st->wmark_min, SHADOWMM_A_STATS_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_STATS_ALLOC_FAIL, st->alloc_fail,
			      SHADOWMM_A_STATS_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_STATS_PCP_ALLOC, s->pcp_alloc, SHADOWMM_A_STATS_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_STATS_PCP_FREE, s->pcp_free, SHADOWMM_A_STATS_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_STATS_PCP_REFILL, s->pcp.refill,
			      SHADOWMM_A_STATS_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_STATS_PCP_DRAIN, s->pcp.drain,
			      SHADOWMM_A_STATS_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* The zone's LRU list sizes (core/lru.h), zoneinfo's nr_zone_* counts. */
static int smm_nl_lru_fill(struct sk_buff *skb, struct smm_mm *mm, unsigned int zi)
{
	unsigned int lru;

	for (lru = 0; lru < SMM_NR_LRU_LISTS; lru++)
		if (nla_put_u64_64bit(skb, SHADOWMM_A_ZONE_NR_INACTIVE_ANON + lru,
				      smm_lru_count(mm, zi, lru), SHADOWMM_A_ZONE_PAD))
			return -EMSGSIZE;
	return 0;
}

/*
 * Each online CPU's free_factor (nr_pcp_free()'s drain scale) as a nest
 * of u32 numbered cpu + 1, the CPUs zoneinfo lists pagesets for. Read
 * without the pcp lock, as the count is: one whole value each.
 */
static int smm_nl_pcp_free_factor_fill(struct sk_buff *skb, struct smm_mm *mm, unsigned int zi)
{
	struct nlattr *nest = nla_nest_start(skb, SHADOWMM_A_ZONE_PCP_FREE_FACTOR);
	unsigned int cpu;

	if (!nest)
		return -EMSGSIZE;
	for_each_online_cpu(cpu) {
		if (cpu >= mm->nr_cpus)
			break;
		if (nla_put_u32(skb, cpu + 1, READ_ONCE(smm_pcp_of(mm, cpu, zi)->free_factor))) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * Where the zone's compaction run is, or the last one stopped
 * (core/compaction.c's smm_compact_scan_snapshot(), no lock): the run
 * count alone until a run has scanned.
 */
static int smm_nl_compact_scan_fill(struct sk_buff *skb, struct smm_mm *mm, unsigned int zi)
{
	struct smm_compact_scan sc;

	smm_compact_scan_snapshot(mm, zi, &sc);
	if (nla_put_u64_64bit(skb, SHADOWMM_A_ZONE_COMPACT_RUNS, sc.runs, SHADOWMM_A_ZONE_PAD))
		return -EMSGSIZE;
	if (!sc.runs)
		return 0;
	if (nla_put_u8(skb, SHADOWMM_A_ZONE_COMPACT_RUNNING, sc.running) ||
	    nla_put_s32(skb, SHADOWMM_A_ZONE_COMPACT_ORDER, sc.order) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_ZONE_COMPACT_MIGRATE_PFN, sc.migrate_pfn,
			      SHADOWMM_A_ZONE_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_ZONE_COMPACT_FREE_PFN, sc.free_pfn,
			      SHADOWMM_A_ZONE_PAD))
		return -EMSGSIZE;
	return 0;
}

/* The watermarks, boost and highatomic reserve from the snapshot: one moment. */
static int smm_nl_zone_fill(struct sk_buff *skb, struct smm_mm *mm, unsigned int zi,
			    const struct smm_zone_snapshot *s)
{
	const struct smm_zone *z = &mm->zones[zi];
	const struct smm_pcp *pcp = smm_pcp_of(mm, 0, zi);

	if (nla_put_u32(skb, SHADOWMM_A_ZONE_ID, zi) ||
	    nla_put_string(skb, SHADOWMM_A_ZONE_NAME, z->name) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_ZONE_START, z->start, SHADOWMM_A_ZONE_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_ZONE_SPANNED, z->end - z->start, SHADOWMM_A_ZONE_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_ZONE_PRESENT, z->present, SHADOWMM_A_ZONE_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_ZONE_MANAGED, z->managed, SHADOWMM_A_ZONE_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_ZONE_FREE, s->free, SHADOWMM_A_ZONE_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_ZONE_PCP, s->pcp_frames, SHADOWMM_A_ZONE_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_ZONE_WMARK_MIN, s->wmark[SMM_WMARK_MIN],
			      SHADOWMM_A_ZONE_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_ZONE_WMARK_LOW, s->wmark[SMM_WMARK_LOW],
			      SHADOWMM_A_ZONE_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_ZONE_WMARK_HIGH, s->wmark[SMM_WMARK_HIGH],
			      SHADOWMM_A_ZONE_PAD) ||
	    smm_nl_put_u64_array(skb, SHADOWMM_A_ZONE_LOWMEM_RESERVE, z->lowmem_reserve,
				 SMM_NR_ZONES) ||
	    nla_put_u32(skb, SHADOWMM_A_ZONE_PCP_HIGH, pcp->high) ||
	    nla_put_u32(skb, SHADOWMM_A_ZONE_PCP_BATCH, pcp->batch) ||
	    smm_nl_free_area_fill(skb, s) ||
	    smm_nl_put_u64_array(skb, SHADOWMM_A_ZONE_PAGEBLOCKS, s->pageblocks, SMM_NR_MT) ||
	    smm_nl_stats_fill(skb, s) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_ZONE_BOOST, s->watermark_boost, SHADOWMM_A_ZONE_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_ZONE_NR_RESERVED_HIGHATOMIC,
			      s->nr_reserved_highatomic, SHADOWMM_A_ZONE_PAD) ||
	    smm_nl_pcp_free_factor_fill(skb, mm, zi) ||
	    smm_nl_lru_fill(skb, mm, zi) ||
	    smm_nl_compact_scan_fill(skb, mm, zi))
		return -EMSGSIZE;
	return 0;
}

/* Resumes at cb->args[0], the next zone. */
static int smm_nl_zone_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct smm_mm *mm = &smm_dev.mm;
	struct smm_zone_snapshot *snap;
	unsigned int zi = cb->args[0];

	snap = kmalloc(sizeof(*snap), GFP_KERNEL);
	if (!snap)
		return -ENOMEM;
	cb->seq = 1;	/* each message is a snapshot of its own zone */
	for (; zi < SMM_NR_ZONES; zi++) {
		void *hdr;
		bool still;

		/* HighMem and Movable only when a layout gave them memory */
		if (zi > SHADOWMM_ZONE_NORMAL && !smm_zone_populated(&mm->zones[zi]))
			continue;
		hdr = smm_nl_dump_put(skb, cb, SHADOWMM_CMD_ZONE_GET);
		if (!hdr)
			break;
		still = smm_zone_snapshot(mm, zi, snap);
		if (smm_nl_zone_fill(skb, mm, zi, snap)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		if (!still)
			genlmsg_nlhdr(hdr)->nlmsg_flags |= NLM_F_DUMP_INTR;
		genlmsg_end(skb, hdr);
	}
	kfree(snap);
	cb->args[0] = zi;
	return skb->len;
}

const struct smm_nl_ops smm_nl_zone_ops[] = {
	SMM_NL_OP(ZONE_GET, .dumpit = smm_nl_zone_get_dumpit),
	{ }
};
