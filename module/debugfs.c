// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/shadowmm/: the shadow allocator in the text formats of
 * the kernel's own files (mm/vmstat.c of Linux 6.1), so that the scripts
 * and habits users have for /proc/buddyinfo and friends work unchanged:
 *
 *   buddyinfo        /proc/buddyinfo
 *   pagetypeinfo     /proc/pagetypeinfo
 *   zoneinfo         /proc/zoneinfo (the fields that apply)
 *   extfrag_index    /sys/kernel/debug/extfrag/extfrag_index
 *   unusable_index   /sys/kernel/debug/extfrag/unusable_index
 *   slabinfo         /proc/slabinfo (version 2.1)
 *   vmstat           /proc/vmstat: the counters the shadow keeps (core/vmstat.h)
 *   meminfo          /proc/meminfo: the lines that make sense for the shadow (core/vmstat.h)
 *   compaction       fragmentation scores and deferral (kcompactd.c; no kernel file)
 *   page_owner       /sys/kernel/debug/page_owner, with page_owner=on (page_owner.c)
 *   kmap             HighMem's temporary maps (core/highmem.c; no kernel file)
 *
 * As in the kernel, only populated zones appear, except in zoneinfo,
 * which shows empty zones in short. The shadow has one node, "Node 0",
 * and no per-node statistics, so zoneinfo leaves that block out. The
 * migratetype the shadow lacks (Isolate) is listed with zero counts so
 * every line keeps the kernel's layout.
 *
 * Each zone is copied (smm_zone_snapshot()) and printed from the copy,
 * so the allocator is never held up by seq_file. The files are root-only: they
 * show physical frame numbers (start_pfn).
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "smm.h"
#include "core/vmstat.h"
#include "core/filemap.h"

/*
 * The kernel's migratetype_names[] of 6.1 with CONFIG_CMA and
 * CONFIG_MEMORY_ISOLATION (Debian's has no CMA: its files lack that
 * column), in the order of enum shadowmm_migratetype.
 */
static const char *const smm_mt_names[] = {
	"Unmovable", "Movable", "Reclaimable", "HighAtomic", "CMA", "Isolate",
};

#define SMM_KERNEL_MT	ARRAY_SIZE(smm_mt_names)

/*
 * walk_zones_in_node(): call @show for each zone (populated ones unless
 * @all) with a snapshot of it.
 */
static int smm_dbg_walk(struct seq_file *m, bool all,
			void (*show)(struct seq_file *m, struct smm_zone *z,
				     unsigned int zi, const struct smm_zone_snapshot *s))
{
	struct smm_mm *mm = m->private;
	struct smm_zone_snapshot *s;
	unsigned int zi;

	s = kmalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	for (zi = 0; zi < SMM_NR_ZONES; zi++) {
		struct smm_zone *z = &mm->zones[zi];

		if (!all && !smm_zone_populated(z))
			continue;
		smm_zone_snapshot(mm, zi, s);
		show(m, z, zi, s);
	}
	kfree(s);
	return 0;
}

/* frag_show_print() */
static void smm_buddyinfo_zone(struct seq_file *m, struct smm_zone *z, unsigned int zi,
			       const struct smm_zone_snapshot *s)
{
	unsigned int o;

	seq_printf(m, "Node %d, zone %8s ", 0, z->name);
	for (o = 0; o < SMM_NR_ORDERS; o++)
		seq_printf(m, "%6llu ", s->nr_free[o]);
	seq_putc(m, '\n');
}

static int smm_buddyinfo_show(struct seq_file *m, void *v)
{
	return smm_dbg_walk(m, false, smm_buddyinfo_zone);
}
DEFINE_SHOW_ATTRIBUTE(smm_buddyinfo);

/* pagetypeinfo_showfree_print(); the kernel caps a count at 100000 */
static void smm_pagetypeinfo_free(struct seq_file *m, struct smm_zone *z, unsigned int zi,
				  const struct smm_zone_snapshot *s)
{
	unsigned int mt, o;

	for (mt = 0; mt < SMM_KERNEL_MT; mt++) {
		seq_printf(m, "Node %4d, zone %8s, type %12s ", 0, z->name, smm_mt_names[mt]);
		for (o = 0; o < SMM_NR_ORDERS; o++) {
			u64 n = mt < SMM_NR_MT ? s->nr_free_mt[o][mt] : 0;

			seq_printf(m, "%s%6llu ", n >= 100000 ? ">" : "", min(n, 100000ULL));
		}
		seq_putc(m, '\n');
	}
}

/* pagetypeinfo_showblockcount_print(): pageblocks starting in the zone */
static void smm_pagetypeinfo_blocks(struct seq_file *m, struct smm_zone *z, unsigned int zi,
				    const struct smm_zone_snapshot *s)
{
	struct smm_mm *mm = m->private;
	u64 count[SMM_KERNEL_MT] = { 0 };
	u64 pb, idx;
	unsigned int mt;

	for (pb = ALIGN(z->start, SMM_PAGEBLOCK_FRAMES); pb < z->end; pb += SMM_PAGEBLOCK_FRAMES) {
		/* only pageblocks with memory: holes are not pageblocks */
		for (idx = pb; idx < min(pb + SMM_PAGEBLOCK_FRAMES, z->end); idx++)
			if (smm_range_section_of(mm->range, idx))
				break;
		if (idx < min(pb + SMM_PAGEBLOCK_FRAMES, z->end))
			count[smm_pageblock_mt(mm, pb)]++;
	}
	seq_printf(m, "Node %d, zone %8s ", 0, z->name);
	for (mt = 0; mt < SMM_KERNEL_MT; mt++)
		seq_printf(m, "%12llu ", count[mt]);
	seq_putc(m, '\n');
}

static int smm_pagetypeinfo_show(struct seq_file *m, void *v)
{
	unsigned int o, mt;
	int ret;

	seq_printf(m, "Page block order: %d\n", SMM_PAGEBLOCK_ORDER);
	seq_printf(m, "Pages per block:  %llu\n", SMM_PAGEBLOCK_FRAMES);
	seq_putc(m, '\n');
	seq_printf(m, "%-43s ", "Free pages count per migrate type at order");
	for (o = 0; o < SMM_NR_ORDERS; o++)
		seq_printf(m, "%6d ", o);
	seq_putc(m, '\n');
	ret = smm_dbg_walk(m, false, smm_pagetypeinfo_free);
	if (ret)
		return ret;
	seq_printf(m, "\n%-23s", "Number of blocks type ");
	for (mt = 0; mt < SMM_KERNEL_MT; mt++)
		seq_printf(m, "%12s ", smm_mt_names[mt]);
	seq_putc(m, '\n');
	return smm_dbg_walk(m, false, smm_pagetypeinfo_blocks);
}
DEFINE_SHOW_ATTRIBUTE(smm_pagetypeinfo);

static void smm_zoneinfo_pagesets(struct seq_file *m, unsigned int zi)
{
	struct smm_mm *mm = m->private;
	unsigned int cpu;

	seq_puts(m, "\n  pagesets");
	for_each_online_cpu(cpu) {
		const struct smm_pcp *pcp;

		if (cpu >= mm->nr_cpus)
			break;
		pcp = smm_pcp_of(mm, cpu, zi);
		seq_printf(m, "\n    cpu: %u\n              count: %u\n              high:  %u"
			   "\n              batch: %u", cpu, READ_ONCE(pcp->count), pcp->high,
			   pcp->batch);
	}
}

/*
 * zoneinfo prints a protection entry per zone the kernel was built with
 * (MAX_NR_ZONES). The shadow is a kernel with every zone: DMA, DMA32,
 * Normal, HighMem, Movable and, as Debian's 6.1 has CONFIG_ZONE_DEVICE,
 * Device, which never manages a page: it adds nothing to the sums of
 * setup_per_zone_lowmem_reserve(), so its entry repeats Movable's (the
 * last zone's own entries are 0).
 */
#define SMM_KERNEL_NR_ZONES	(SMM_NR_ZONES + 1)

static void smm_zoneinfo_protection(struct seq_file *m, const struct smm_zone *z)
{
	unsigned int i;

	seq_printf(m, "\n        protection: (%llu", z->lowmem_reserve[0]);
	for (i = 1; i < SMM_KERNEL_NR_ZONES; i++)
		seq_printf(m, ", %llu", z->lowmem_reserve[min_t(unsigned int, i, SMM_NR_ZONES - 1)]);
	seq_putc(m, ')');
}

/* zoneinfo_show_print(), without the per-node and NUMA statistics */
static void smm_zoneinfo_zone(struct seq_file *m, struct smm_zone *z, unsigned int zi,
			      const struct smm_zone_snapshot *s)
{
	struct smm_mm *mm = m->private;
	unsigned int i;
	u64 pfn = 0;

	seq_printf(m, "Node %d, zone %8s", 0, z->name);
	/*
	 * The marks as wmark_pages() reads them, boost included, and the
	 * boost (zone->watermark_boost) from the snapshot: the values
	 * ZONE_GET sends, taken together under the zone lock.
	 */
	seq_printf(m, "\n  pages free     %llu\n        boost    %llu\n        min      %llu"
		   "\n        low      %llu\n        high     %llu\n        spanned  %llu"
		   "\n        present  %llu\n        managed  %llu\n        cma      %d",
		   s->free, s->watermark_boost, s->wmark[SMM_WMARK_MIN],
		   s->wmark[SMM_WMARK_LOW], s->wmark[SMM_WMARK_HIGH],
		   z->end - z->start, z->present, z->managed, 0);
	smm_zoneinfo_protection(m, z);
	if (!smm_zone_populated(z)) {
		seq_putc(m, '\n');
		return;
	}
	seq_printf(m, "\n      %-12s %llu", "nr_free_pages", s->free);
	/* NR_ZONE_LRU_BASE + lru, in enum lru_list's order (core/lru.h) */
	for (i = 0; i < SMM_NR_LRU_LISTS; i++)
		seq_printf(m, "\n      %-12s %llu", smm_lru_zone_names[i],
			   smm_lru_count(mm, zi, i));
	smm_zoneinfo_pagesets(m, zi);
	for (i = z->start; i < z->end; i++)
		if (smm_range_idx_to_pfn(mm->range, i, &pfn))
			break;
	seq_printf(m, "\n  node_unreclaimable:  %u\n  start_pfn:           %llu\n", 0, pfn);
}

static int smm_zoneinfo_show(struct seq_file *m, void *v)
{
	return smm_dbg_walk(m, true, smm_zoneinfo_zone);
}
DEFINE_SHOW_ATTRIBUTE(smm_zoneinfo);

/*
 * One row of an index per order, in thousandths: extfrag_show_print()
 * prints "%2d.%03d " (so -1000 reads "-1.000"), unusable_show_print()
 * "%d.%03d ".
 */
static void smm_index_row(struct seq_file *m, struct smm_zone *z,
			  const struct smm_zone_snapshot *s,
			  int (*index)(const u64 *nr_free, unsigned int order), bool wide)
{
	unsigned int o;

	seq_printf(m, "Node %d, zone %8s ", 0, z->name);
	for (o = 0; o < SMM_NR_ORDERS; o++) {
		int i = index(s->nr_free, o);

		seq_printf(m, wide ? "%2d.%03d " : "%d.%03d ", i / 1000, i % 1000);
	}
	seq_putc(m, '\n');
}

static void smm_extfrag_zone(struct seq_file *m, struct smm_zone *z, unsigned int zi,
			     const struct smm_zone_snapshot *s)
{
	smm_index_row(m, z, s, smm_extfrag_index, true);
}

static int smm_extfrag_show(struct seq_file *m, void *v)
{
	return smm_dbg_walk(m, false, smm_extfrag_zone);
}
DEFINE_SHOW_ATTRIBUTE(smm_extfrag);

static void smm_unusable_zone(struct seq_file *m, struct smm_zone *z, unsigned int zi,
			      const struct smm_zone_snapshot *s)
{
	smm_index_row(m, z, s, smm_unusable_index, false);
}

static int smm_unusable_show(struct seq_file *m, void *v)
{
	return smm_dbg_walk(m, false, smm_unusable_zone);
}
DEFINE_SHOW_ATTRIBUTE(smm_unusable);

/*
 * slabinfo: /proc/slabinfo 2.1 as SLUB prints it (mm/slab_common.c):
 * newest cache first, objsize is the slot stride, no tunables, and
 * active_slabs = num_slabs. active_objs is get_slabinfo()'s: every
 * object but the free ones of the partial list's slabs, so objects free
 * in the CPUs' slabs and on their partial lists count as active.
 * A SLAB cache's line is as 6.7's mm/slab.c printed it: the tunables
 * (limit, batchcount, sharedfactor), active_objs all but the objects
 * free on slabs (those in array caches count as active), active_slabs
 * all but the free slabs, sharedavail the shared array's objects.
 * nl_slab_lock keeps the caches.
 */
static int smm_slabinfo_show(struct seq_file *m, void *v)
{
	struct smm_dev *d = m->private;
	struct smm_cache_info ci;
	unsigned int id;

	seq_puts(m, "slabinfo - version: 2.1\n");
	seq_puts(m, "# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>\n");
	mutex_lock(&d->nl_slab_lock);
	for (id = SMM_MAX_CACHES; id-- > 0; ) {
		struct smm_cache *c = READ_ONCE(d->slabs.caches[id]);

		if (!c)
			continue;
		smm_cache_info(c, &ci);
		seq_printf(m, "%-17s %6llu %6llu %6u %4u %4d", ci.name,
			   ci.num_objs - ci.partial_free, ci.num_objs,
			   ci.size, ci.objects, 1 << ci.order);
		seq_printf(m, " : tunables %4u %4u %4u", ci.limit, ci.batchcount, ci.shared);
		seq_printf(m, " : slabdata %6llu %6llu %6llu\n", ci.active_slabs, ci.num_slabs,
			   ci.shared_avail);
	}
	mutex_unlock(&d->nl_slab_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(smm_slabinfo);

/* vmstat_show(): "name value" lines, the core's table's names and order. */
static int smm_vmstat_show(struct seq_file *m, void *v)
{
	u64 *val = smm_vmstat_collect(m->private, NULL);
	unsigned int i;

	if (!val)
		return -ENOMEM;
	for (i = 0; i < smm_vmstat_nr; i++)
		seq_printf(m, "%s %llu\n", smm_vmstat_items[i].name, val[i]);
	kfree(val);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(smm_vmstat);

/*
 * meminfo: /proc/meminfo's format (show_val_kb(): the name and its colon
 * padded to 16, the value right-aligned in 8, " kB"), the lines the
 * shadow has (core/vmstat.h, smm_meminfo_fill()). A vmstat reading, then
 * the mapped page-cache pages and the swap area under the spaces' lock:
 * two moments, as the kernel's lines are read one by one.
 */
static int smm_meminfo_show(struct seq_file *m, void *v)
{
	struct smm_dev *d = m->private;
	u64 *val = smm_vmstat_collect(d, NULL), kb[SMM_NR_MEMINFO];
	char name[20];
	unsigned int i;

	if (!val)
		return -ENOMEM;
	smm_space_lock_all();
	smm_meminfo_fill(&d->mm, val, smm_filemap_nr_mapped(&d->mm), kb);
	smm_space_unlock_all();
	kfree(val);
	for (i = 0; i < SMM_NR_MEMINFO; i++) {
		snprintf(name, sizeof(name), "%s:", smm_meminfo_names[i]);
		seq_printf(m, "%-16s%8llu kB\n", name, kb[i]);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(smm_meminfo);

/*
 * kshadowd: its balance_pgdat() runs (core/mm.h struct smm_kswapd_runs),
 * "name value" lines as vmstat's: runs, those that ended balanced at the
 * high watermark, shrink_node() passes in all and the most one run
 * took, the passes since the last balanced end and the most it ever
 * took from unbalanced to balanced, and the last run's passes, pages
 * reclaimed and end. One copy
 * under the spaces' lock, which every run holds.
 */
static int smm_kshadowd_show(struct seq_file *m, void *v)
{
	struct smm_mm *mm = m->private;
	struct smm_kswapd_runs k;

	smm_space_lock_all();
	k = mm->kswapd_runs;
	smm_space_unlock_all();
	seq_printf(m, "runs %llu\nbalanced %llu\npasses %llu\npasses_max %llu\n",
		   k.runs, k.balanced, k.passes, k.passes_max);
	seq_printf(m, "unbalanced_passes %llu\npasses_to_balance_max %llu\n",
		   k.unbalanced_passes, k.passes_to_balance_max);
	seq_printf(m, "last_passes %llu\nlast_reclaimed %llu\nlast_balanced %d\n",
		   k.last_passes, k.last_reclaimed, k.last_balanced);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(smm_kshadowd);

/*
 * kmap: HighMem frames mapped for an access since load (kmap_local,
 * what kmap_local_page() would count) and maps not given back yet
 * (kmap_open: 0 between requests; CHECK reports one left open). The
 * kernel keeps no such counter, so it is no vmstat line.
 */
static int smm_kmap_show(struct seq_file *m, void *v)
{
	struct smm_mm *mm = m->private;

	seq_printf(m, "kmap_local %lld\nkmap_open %lld\n",
		   (long long)smm_atomic64_read(&mm->kmap_local),
		   (long long)smm_atomic64_read(&mm->kmap_open));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(smm_kmap);

/*
 * A command file: what is written (one short line) runs cmd->run, reading
 * shows cmd->show. The benchmarks and the stress threads use it.
 */
#define SMM_DBG_CMD_LEN	64

static ssize_t smm_dbg_cmd_write(struct file *file, const char __user *ubuf, size_t len,
				 loff_t *ppos)
{
	const struct smm_dbg_cmd *cmd = file_inode(file)->i_private;
	char buf[SMM_DBG_CMD_LEN];
	int ret;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	ret = cmd->run(buf);
	return ret ?: len;
}

static int smm_dbg_cmd_open(struct inode *inode, struct file *file)
{
	const struct smm_dbg_cmd *cmd = inode->i_private;

	return single_open(file, cmd->show, NULL);
}

static const struct file_operations smm_dbg_cmd_fops = {
	.owner		= THIS_MODULE,
	.open		= smm_dbg_cmd_open,
	.read		= seq_read,
	.write		= smm_dbg_cmd_write,
	.llseek		= seq_lseek,
	.release	= single_release,
};

static void smm_debugfs_cmd(struct dentry *dir, const char *name,
			    const struct smm_dbg_cmd *cmd)
{
	debugfs_create_file(name, 0600, dir, (void *)cmd, &smm_dbg_cmd_fops);
}

/*
 * lock_holds: the longest time one chunk of each whole-range operation
 * (CHECK, the slab census, VALIDATE, shrinking) held its spinlocks, as
 * lock_stat's holdtime-max; "reset" written to it starts over.
 */
static int smm_holds_show(struct seq_file *m, void *v)
{
	struct smm_hold_stats st;
	unsigned int k;

	seq_printf(m, "%-12s %12s %12s %12s\n", "operation", "chunks", "max_ns", "avg_ns");
	for (k = 0; k < SMM_NR_HOLDS; k++) {
		smm_hold_read(&smm_dev.mm, k, &st);
		seq_printf(m, "%-12s %12llu %12llu %12llu\n", smm_hold_names[k], st.chunks,
			   st.max_ns, st.chunks ? div64_u64(st.total_ns, st.chunks) : 0);
	}
	return 0;
}

static int smm_holds_run(char *line)
{
	if (strcmp(strim(line), "reset"))
		return -EINVAL;
	smm_hold_reset(&smm_dev.mm);
	return 0;
}

static const struct smm_dbg_cmd smm_holds_cmd = {
	.run	= smm_holds_run,
	.show	= smm_holds_show,
};

/* debugfs may be missing or fail: the module works without it. */
int smm_debugfs_init(struct smm_dev *d)
{
	struct smm_mm *mm = &d->mm;

	d->debugfs = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("buddyinfo", 0400, d->debugfs, mm, &smm_buddyinfo_fops);
	debugfs_create_file("pagetypeinfo", 0400, d->debugfs, mm, &smm_pagetypeinfo_fops);
	debugfs_create_file("zoneinfo", 0400, d->debugfs, mm, &smm_zoneinfo_fops);
	debugfs_create_file("extfrag_index", 0400, d->debugfs, mm, &smm_extfrag_fops);
	debugfs_create_file("unusable_index", 0400, d->debugfs, mm, &smm_unusable_fops);
	debugfs_create_file("slabinfo", 0400, d->debugfs, d, &smm_slabinfo_fops);
	debugfs_create_file("vmstat", 0400, d->debugfs, d, &smm_vmstat_fops);
	debugfs_create_file("meminfo", 0400, d->debugfs, d, &smm_meminfo_fops);
	debugfs_create_file("kshadowd", 0400, d->debugfs, mm, &smm_kshadowd_fops);
	debugfs_create_file("kmap", 0400, d->debugfs, mm, &smm_kmap_fops);
	smm_swap_debugfs_init(d->debugfs);
	smm_sysctl_debugfs_init(d->debugfs);
	smm_fail_debugfs_init(d->debugfs);
	smm_kcompactd_debugfs_init(d->debugfs, mm);
	smm_debugfs_cmd(d->debugfs, "bench", &smm_bench_cmd);
	smm_debugfs_cmd(d->debugfs, "stress", &smm_stress_cmd);
	smm_debugfs_cmd(d->debugfs, "lock_holds", &smm_holds_cmd);
	smm_pt_debugfs_init(d->debugfs);
	smm_page_owner_debugfs_init(d->debugfs, mm);
	return 0;
}

void smm_debugfs_exit(struct smm_dev *d)
{
	debugfs_remove_recursive(d->debugfs);
	d->debugfs = NULL;
	smm_pt_debugfs_exit();
}
