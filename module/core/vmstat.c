// SPDX-License-Identifier: GPL-2.0
/*
 * The shadow's counters by /proc/vmstat's names (vmstat.h): the table,
 * in vmstat_text[]'s order, and the two readers.
 *
 * What each name counts here, against the kernel:
 *   nr_free_pages	frames on the buddy's free lists (NR_FREE_PAGES: not
 *			those on the CPUs' lists, as zoneinfo prints it)
 *   nr_free_cma	of which on the CMA lists (cma.h; 0 without cma=)
 *   numa_hit, numa_local	blocks allocated: one node, every allocation is
 *			local and a hit (zone_statistics() counts once per
 *			allocation, whatever its order)
 *   nr_slab_*		pages of the slabs of caches created with (or
 *			without) RECLAIM_ACCOUNT (NR_SLAB_*_B, shown in pages)
 *   nr_anon_pages	pages faulted into spaces and mapped (MM_ANONPAGES)
 *   nr_page_table_pages	table pages of every space, the root included
 *   pgalloc_<zone>	pages allocated in the zone, buddy and pcp lists
 *   pgfree		pages freed, to the buddy or the pcp lists
 *   pgfault, pgmajfault	faults handled by the shadow fault path
 *   pswpin, pswpout	pages read from and written to the swap area (swap.c)
 *   nr_swapcached	pages in the swap cache (swap.h: SwapCached)
 *   nr_file_pages	pages in the page cache (filemap.h); nr_isolated_file:
 *			file pages off the lists in a scan
 *   workingset_*	refault detection (workingset.h): chunks of a
 *			file's index holding shadow entries only (nodes)
 *			and those the cap freed (nodereclaim); refaults
 *			and activations of file pages and of anonymous
 *			pages (their shadows in the swap slots); restores
 *			of file pages only (anonymous pages carry no
 *			PG_workingset here: restore_anon is not listed)
 *   pgpgin		KiB read into the page cache, 4 per page read (the
 *			kernel counts the sectors of its block I/O, shown in KiB)
 *   nr_dirty, nr_writeback	page-cache pages dirty, and under writeback
 *			(always 0 at rest: writeback is synchronous, filemap.c)
 *   nr_dirtied, nr_written	pages that became dirty, and whose writeback
 *			to the inode's shadow store completed
 *   pgpgout		KiB written back from the page cache, 4 per page
 *   nr_foll_pin_*	pins taken and dropped by SPACE_PIN/_UNPIN, a page
 *			each (pin.c; a destroyed space's pins count as released)
 *   swap_ra, swap_ra_hit	pages read ahead on a swap-in fault, and of
 *			those the ones a later fault found in the cache
 *   nr_zone_*, nr_<lru>	pages on each LRU list (lru.h); a zone's list is
 *			its node's here, one node; nr_isolated_anon: off
 *			the lists in a scan
 *   pgactivate ... pgsteal_file	the scans' events (lru.c), pgscan and
 *			pgsteal by the kind of list; pgactivate also counts
 *			the page-cache reads that activate (folio_mark_accessed())
 *   allocstall_<zone>	direct reclaims, by the request's highest zone (vmscan.c)
 *   pgscan_kswapd ... pgsteal_direct	inactive pages scanned and reclaimed by
 *			kshadowd and by direct reclaim (proactive reclaim is
 *			cgroup reclaim: in pgscan_anon/pgsteal_anon only)
 *   slabs_scanned	objects the shrinkers scanned (shrinker.c, vmscan.c)
 *   kswapd_*_wmark_hit_quickly, pageoutrun	kshadowd's sleeps cut short
 *			and its balance_pgdat() runs
 *   oom_kill		spaces killed by the OOM killer (oom.c)
 *   pgmigrate_*	anonymous pages migrated, and those that could not be
 *			(migrate.c)
 *   compact_*		what compaction's scanners looked at and isolated
 *			(compaction.c); direct compactions and whether the
 *			allocation after them succeeded (compact_direct.c);
 *			kcompactd's runs for an order (compact_proactive.c)
 */
#include "vmstat.h"
#include "slab.h"
#include "space.h"
#include "swap.h"

#define SMM_VS(nm, s, a, type, field)					\
	{ .name = nm, .src = s, .arg = a, .off = offsetof(type, field),	\
	  .n = sizeof(((type *)0)->field) / sizeof(u64) }
#define VS_ZONES(nm, field)	SMM_VS(nm, SMM_VS_ZONE, SMM_NR_ZONES, struct smm_zone_snapshot, field)
#define VS_ZONE(nm, z, field)	SMM_VS(nm, SMM_VS_ZONE, z, struct smm_zone_snapshot, field)
#define VS_MM(nm, field)	SMM_VS(nm, SMM_VS_MM, 0, struct smm_mm, field)
#define VS_SPACES(nm, field)	SMM_VS(nm, SMM_VS_SPACE, 0, struct smm_space, field)
#define VS_LRU(nm, field)	SMM_VS(nm, SMM_VS_LRU, 0, struct smm_lruvec, field)
#define VS_SLAB(nm, reclaimable) { .name = nm, .src = SMM_VS_SLAB, .arg = reclaimable, .n = 1 }

const struct smm_vmstat_item smm_vmstat_items[] = {
	VS_ZONES("nr_free_pages", free),
	VS_LRU("nr_zone_inactive_anon", nr[SMM_LRU_INACTIVE_ANON]),
	VS_LRU("nr_zone_active_anon", nr[SMM_LRU_ACTIVE_ANON]),
	VS_LRU("nr_zone_inactive_file", nr[SMM_LRU_INACTIVE_FILE]),
	VS_LRU("nr_zone_active_file", nr[SMM_LRU_ACTIVE_FILE]),
	VS_LRU("nr_zone_unevictable", nr[SMM_LRU_UNEVICTABLE]),
	VS_ZONES("nr_free_cma", free_cma),
	VS_ZONES("numa_hit", alloc_total),
	VS_ZONES("numa_local", alloc_total),
	VS_LRU("nr_inactive_anon", nr[SMM_LRU_INACTIVE_ANON]),
	VS_LRU("nr_active_anon", nr[SMM_LRU_ACTIVE_ANON]),
	VS_LRU("nr_inactive_file", nr[SMM_LRU_INACTIVE_FILE]),
	VS_LRU("nr_active_file", nr[SMM_LRU_ACTIVE_FILE]),
	VS_LRU("nr_unevictable", nr[SMM_LRU_UNEVICTABLE]),
	VS_SLAB("nr_slab_reclaimable", 1),
	VS_SLAB("nr_slab_unreclaimable", 0),
	VS_LRU("nr_isolated_anon", nr_isolated_anon),
	VS_LRU("nr_isolated_file", nr_isolated_file),
	VS_MM("workingset_nodes", workingset.nodes),
	VS_MM("workingset_refault_anon", workingset.refault_anon),
	VS_MM("workingset_refault_file", workingset.refault_file),
	VS_MM("workingset_activate_anon", workingset.activate_anon),
	VS_MM("workingset_activate_file", workingset.activate_file),
	VS_MM("workingset_restore_file", workingset.restore_file),
	VS_MM("workingset_nodereclaim", workingset.nodereclaim),
	VS_SPACES("nr_anon_pages", vm.rss_anon),
	VS_MM("nr_file_pages", nr_file_pages),
	VS_MM("nr_dirty", nr_dirty),
	VS_MM("nr_writeback", nr_writeback),
	VS_MM("nr_dirtied", nr_dirtied),
	VS_MM("nr_written", nr_written),
	VS_MM("nr_foll_pin_acquired", pins.acquired),
	VS_MM("nr_foll_pin_released", pins.released),
	VS_SPACES("nr_page_table_pages", tables),
	VS_MM("nr_swapcached", nr_swapcached),
	VS_MM("pgpgin", pgpgin),
	VS_MM("pgpgout", pgpgout),
	VS_MM("pswpin", events.pswpin),
	VS_MM("pswpout", events.pswpout),
	VS_ZONE("pgalloc_dma", SHADOWMM_ZONE_DMA, alloc_pages),
	VS_ZONE("pgalloc_dma32", SHADOWMM_ZONE_DMA32, alloc_pages),
	VS_ZONE("pgalloc_normal", SHADOWMM_ZONE_NORMAL, alloc_pages),
	VS_ZONE("pgalloc_movable", SHADOWMM_ZONE_MOVABLE, alloc_pages),
	VS_MM("allocstall_dma", reclaim.allocstall[SHADOWMM_ZONE_DMA]),
	VS_MM("allocstall_dma32", reclaim.allocstall[SHADOWMM_ZONE_DMA32]),
	VS_MM("allocstall_normal", reclaim.allocstall[SHADOWMM_ZONE_NORMAL]),
	VS_MM("allocstall_movable", reclaim.allocstall[SHADOWMM_ZONE_MOVABLE]),
	VS_ZONES("pgfree", free_pages),
	VS_MM("pgactivate", lru_events.pgactivate),
	VS_MM("pgdeactivate", lru_events.pgdeactivate),
	VS_MM("pgfault", events.pgfault),
	VS_MM("pgmajfault", events.pgmajfault),
	VS_MM("pgrefill", lru_events.pgrefill),
	VS_MM("pgsteal_kswapd", reclaim.pgsteal_kswapd),
	VS_MM("pgsteal_direct", reclaim.pgsteal_direct),
	VS_MM("pgscan_kswapd", reclaim.pgscan_kswapd),
	VS_MM("pgscan_direct", reclaim.pgscan_direct),
	VS_MM("pgscan_anon", lru_events.pgscan),
	VS_MM("pgscan_file", lru_events.pgscan_file),
	VS_MM("pgsteal_anon", lru_events.pgsteal),
	VS_MM("pgsteal_file", lru_events.pgsteal_file),
	VS_MM("slabs_scanned", reclaim.slabs_scanned),
	VS_MM("kswapd_low_wmark_hit_quickly", reclaim.kswapd_low_wmark_hit_quickly),
	VS_MM("kswapd_high_wmark_hit_quickly", reclaim.kswapd_high_wmark_hit_quickly),
	VS_MM("pageoutrun", reclaim.pageoutrun),
	VS_MM("oom_kill", events.oom_kill),
	VS_MM("pgmigrate_success", compact.pgmigrate_success),
	VS_MM("pgmigrate_fail", compact.pgmigrate_fail),
	VS_MM("compact_migrate_scanned", compact.compact_migrate_scanned),
	VS_MM("compact_free_scanned", compact.compact_free_scanned),
	VS_MM("compact_isolated", compact.compact_isolated),
	VS_MM("compact_stall", compact.compact_stall),
	VS_MM("compact_fail", compact.compact_fail),
	VS_MM("compact_success", compact.compact_success),
	VS_MM("compact_daemon_wake", compact.compact_daemon_wake),
	VS_MM("swap_ra", events.swap_ra),
	VS_MM("swap_ra_hit", events.swap_ra_hit),
};

const unsigned int smm_vmstat_nr = ARRAY_SIZE(smm_vmstat_items);

/* The @n u64s at @off of @base, summed; each read once (written without our locks). */
static u64 smm_vmstat_sum(const void *base, const struct smm_vmstat_item *it)
{
	const u64 *p = (const u64 *)((const char *)base + it->off);
	u64 v = 0;
	unsigned int i;

	for (i = 0; i < it->n; i++)
		v += READ_ONCE(p[i]);
	return v;
}

/*
 * Pages of the slabs of every cache, reclaimable ones (the buddy's
 * RECLAIMABLE type, RECLAIM_ACCOUNT) in @pages[1], others in @pages[0].
 * Under the set's mutex, so no cache comes or goes; each cache's slab
 * count is read once, without its list lock.
 */
static void smm_vmstat_slab_pages(struct smm_slabs *slabs, u64 pages[2])
{
	unsigned int i;

	pages[0] = pages[1] = 0;
	if (!slabs)
		return;
	smm_mutex_lock(&slabs->mutex);
	for (i = 0; i < SMM_MAX_CACHES; i++) {
		const struct smm_cache *c = slabs->caches[i];

		if (c)
			pages[!!(c->gfp & SHADOWMM_GFP_RECLAIMABLE)] +=
				READ_ONCE(c->nr_slabs) << c->order;
	}
	smm_mutex_unlock(&slabs->mutex);
}

/*
 * Fill @val[smm_vmstat_nr] in one pass: one snapshot per zone (each
 * consistent in itself, smm_zone_snapshot()) whose items take their
 * part, then the mm's events and the slab pages (@slabs may be NULL: no
 * slab layer, 0). Space items are left at 0 for smm_vmstat_add_space().
 * Takes and drops the zone locks and the slab set's mutex; may sleep.
 * Returns 0 or -ENOMEM (no room for the snapshot).
 */
int smm_vmstat_read(struct smm_mm *mm, struct smm_slabs *slabs, u64 *val)
{
	struct smm_zone_snapshot *snap = smm_zalloc_array(1, sizeof(*snap));
	const struct smm_vmstat_item *it;
	u64 slab[2];
	unsigned int i, zi;

	if (!snap)
		return -ENOMEM;
	memset(val, 0, smm_vmstat_nr * sizeof(*val));
	for (zi = 0; zi < SMM_NR_ZONES; zi++) {
		smm_zone_snapshot(mm, zi, snap);
		for (i = 0, it = smm_vmstat_items; i < smm_vmstat_nr; i++, it++)
			if (it->src == SMM_VS_ZONE && (it->arg == zi || it->arg == SMM_NR_ZONES))
				val[i] += smm_vmstat_sum(snap, it);
	}
	smm_free_array(snap);
	smm_vmstat_slab_pages(slabs, slab);
	for (i = 0, it = smm_vmstat_items; i < smm_vmstat_nr; i++, it++) {
		if (it->src == SMM_VS_MM)
			val[i] = smm_vmstat_sum(mm, it);
		else if (it->src == SMM_VS_SLAB)
			val[i] = slab[it->arg];
		else if (it->src == SMM_VS_LRU)
			for (zi = 0; zi < SMM_NR_ZONES; zi++)
				val[i] += smm_vmstat_sum(&mm->zones[zi].lruvec, it);
	}
	return 0;
}

/* Add space @s's counters to @val; the caller serialises the spaces. */
void smm_vmstat_add_space(const struct smm_space *s, u64 *val)
{
	unsigned int i;

	for (i = 0; i < smm_vmstat_nr; i++)
		if (smm_vmstat_items[i].src == SMM_VS_SPACE)
			val[i] += smm_vmstat_sum(s, &smm_vmstat_items[i]);
}

/* The index of counter @name, or -1. */
int smm_vmstat_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < smm_vmstat_nr; i++)
		if (!strcmp(smm_vmstat_items[i].name, name))
			return i;
	return -1;
}

/* /proc/meminfo's names, as fs/proc/meminfo.c prints them (the colon added there). */
const char *const smm_meminfo_names[SMM_NR_MEMINFO] = {
	"MemTotal", "MemFree", "MemAvailable", "Buffers", "Cached", "SwapCached", "Active",
	"Inactive", "Active(anon)", "Inactive(anon)", "Active(file)", "Inactive(file)",
	"Unevictable", "SwapTotal", "SwapFree", "Dirty", "Writeback", "AnonPages", "Mapped",
	"Shmem", "KReclaimable", "Slab", "SReclaimable", "SUnreclaim", "PageTables",
	"CmaTotal", "CmaFree",
};

/* The value of vmstat counter @name in @val (the table has it: 0 otherwise). */
static u64 smm_vs(const u64 *val, const char *name)
{
	int i = smm_vmstat_find(name);

	return WARN_ON_ONCE(i < 0) ? 0 : val[i];
}

/*
 * si_mem_available() of 6.1 over the shadow's zones, in pages: free
 * pages less totalreserve_pages (per zone its largest lowmem_reserve
 * plus its high watermark, at most its managed pages:
 * calculate_totalreserve_pages(), boost left out as it is when that
 * runs), plus the file LRU pages less min(half of them, the zones' low
 * watermarks), plus the reclaimable slab pages less min(half, low
 * watermarks); 0 if that is negative. No NR_KERNEL_MISC_RECLAIMABLE.
 */
u64 smm_mem_available(const struct smm_mm *mm, const u64 *val)
{
	u64 wmark_low = 0, reserve = 0, pagecache, reclaimable;
	s64 available;
	unsigned int z, j;

	for (z = 0; z < SMM_NR_ZONES; z++) {
		const struct smm_zone *zn = &mm->zones[z];
		u64 res = 0;

		wmark_low += READ_ONCE(zn->wmark[SMM_WMARK_LOW]) + READ_ONCE(zn->watermark_boost);
		for (j = z; j < SMM_NR_ZONES; j++)
			res = max(res, READ_ONCE(zn->lowmem_reserve[j]));
		res += READ_ONCE(zn->wmark[SMM_WMARK_HIGH]);
		reserve += min(res, zn->managed);
	}
	available = (s64)smm_vs(val, "nr_free_pages") - (s64)reserve;
	pagecache = smm_vs(val, "nr_active_file") + smm_vs(val, "nr_inactive_file");
	pagecache -= min(pagecache / 2, wmark_low);
	available += pagecache;
	reclaimable = smm_vs(val, "nr_slab_reclaimable");
	available += reclaimable - min(reclaimable / 2, wmark_low);
	return available < 0 ? 0 : available;
}

/*
 * meminfo_proc_show() for the shadow, each line in kB (pages << 2):
 * MemTotal the zones' managed pages (totalram_pages()), MemFree
 * nr_free_pages, Cached nr_file_pages (the shadow's swap cache is not
 * in it, so nothing is subtracted), Buffers and Shmem 0 (no block
 * device, no shmem), the LRU lines from the lists, SwapTotal and
 * SwapFree the area's usable and free slots (0 without an area), Dirty
 * and Writeback, AnonPages nr_anon_pages, Mapped @mapped, the slab
 * lines from the caches' pages (KReclaimable: SReclaimable, no other
 * reclaimable kernel memory), PageTables the spaces' table pages,
 * CmaTotal the cma= area (the zones' cma_pages), CmaFree nr_free_cma.
 */
void smm_meminfo_fill(struct smm_mm *mm, const u64 *val, u64 mapped, u64 kb[SMM_NR_MEMINFO])
{
	const struct smm_swap *sw = mm->swap;
	u64 total = 0;
	unsigned int z;

	for (z = 0; z < SMM_NR_ZONES; z++)
		total += mm->zones[z].managed;
	kb[SMM_MI_MEMTOTAL] = total;
	kb[SMM_MI_MEMFREE] = smm_vs(val, "nr_free_pages");
	kb[SMM_MI_MEMAVAILABLE] = smm_mem_available(mm, val);
	kb[SMM_MI_BUFFERS] = 0;
	kb[SMM_MI_CACHED] = smm_vs(val, "nr_file_pages");
	kb[SMM_MI_SWAPCACHED] = smm_vs(val, "nr_swapcached");
	kb[SMM_MI_ACTIVE_ANON] = smm_vs(val, "nr_active_anon");
	kb[SMM_MI_INACTIVE_ANON] = smm_vs(val, "nr_inactive_anon");
	kb[SMM_MI_ACTIVE_FILE] = smm_vs(val, "nr_active_file");
	kb[SMM_MI_INACTIVE_FILE] = smm_vs(val, "nr_inactive_file");
	kb[SMM_MI_ACTIVE] = kb[SMM_MI_ACTIVE_ANON] + kb[SMM_MI_ACTIVE_FILE];
	kb[SMM_MI_INACTIVE] = kb[SMM_MI_INACTIVE_ANON] + kb[SMM_MI_INACTIVE_FILE];
	kb[SMM_MI_UNEVICTABLE] = smm_vs(val, "nr_unevictable");
	kb[SMM_MI_SWAPTOTAL] = sw ? smm_swap_size(sw) : 0;
	kb[SMM_MI_SWAPFREE] = sw ? smm_swap_size(sw) - READ_ONCE(sw->inuse) : 0;
	kb[SMM_MI_DIRTY] = smm_vs(val, "nr_dirty");
	kb[SMM_MI_WRITEBACK] = smm_vs(val, "nr_writeback");
	kb[SMM_MI_ANONPAGES] = smm_vs(val, "nr_anon_pages");
	kb[SMM_MI_MAPPED] = mapped;
	kb[SMM_MI_SHMEM] = 0;
	kb[SMM_MI_SRECLAIMABLE] = smm_vs(val, "nr_slab_reclaimable");
	kb[SMM_MI_SUNRECLAIM] = smm_vs(val, "nr_slab_unreclaimable");
	kb[SMM_MI_KRECLAIMABLE] = kb[SMM_MI_SRECLAIMABLE];
	kb[SMM_MI_SLAB] = kb[SMM_MI_SRECLAIMABLE] + kb[SMM_MI_SUNRECLAIM];
	kb[SMM_MI_PAGETABLES] = smm_vs(val, "nr_page_table_pages");
	kb[SMM_MI_CMATOTAL] = 0;
	for (z = 0; z < SMM_NR_ZONES; z++)
		kb[SMM_MI_CMATOTAL] += READ_ONCE(mm->zones[z].cma_pages);
	kb[SMM_MI_CMAFREE] = smm_vs(val, "nr_free_cma");
	for (z = 0; z < SMM_NR_MEMINFO; z++)
		kb[z] <<= SMM_PAGE_SHIFT - 10;
}
