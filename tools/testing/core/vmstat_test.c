// SPDX-License-Identifier: GPL-2.0
/*
 * The vmstat table (core/vmstat.h): its names are /proc/vmstat's, unique
 * and in the kernel's order, and each value moves by exactly what an
 * allocation, a free, a fault or a slab did.
 */
#include <string.h>

#include "harness.h"
#include "common.h"
#include "../../../module/core/vmstat.h"
#include "../../../module/core/slab.h"
#include "../../../module/core/space.h"

/*
 * The counter names of /proc/vmstat in a Debian 6.1 guest (the project's
 * QEMU guest, CONFIG_NUMA, no CMA), in the file's order.
 */
static const char *const kernel_vmstat[] = {
	"nr_free_pages", "nr_zone_inactive_anon", "nr_zone_active_anon",
	"nr_zone_inactive_file", "nr_zone_active_file", "nr_zone_unevictable",
	"nr_zone_write_pending", "nr_mlock", "nr_bounce", "nr_zspages", "nr_free_cma",
	"numa_hit", "numa_miss", "numa_foreign", "numa_interleave", "numa_local", "numa_other",
	"nr_inactive_anon", "nr_active_anon", "nr_inactive_file", "nr_active_file",
	"nr_unevictable", "nr_slab_reclaimable", "nr_slab_unreclaimable", "nr_isolated_anon",
	"nr_isolated_file", "workingset_nodes", "workingset_refault_anon",
	"workingset_refault_file", "workingset_activate_anon", "workingset_activate_file",
	"workingset_restore_anon", "workingset_restore_file", "workingset_nodereclaim",
	"nr_anon_pages", "nr_mapped", "nr_file_pages", "nr_dirty", "nr_writeback",
	"nr_writeback_temp", "nr_shmem", "nr_shmem_hugepages", "nr_shmem_pmdmapped",
	"nr_file_hugepages", "nr_file_pmdmapped", "nr_anon_transparent_hugepages",
	"nr_vmscan_write", "nr_vmscan_immediate_reclaim", "nr_dirtied", "nr_written",
	"nr_throttled_written", "nr_kernel_misc_reclaimable", "nr_foll_pin_acquired",
	"nr_foll_pin_released", "nr_kernel_stack", "nr_page_table_pages",
	"nr_sec_page_table_pages", "nr_swapcached", "pgpromote_success", "pgpromote_candidate",
	"nr_dirty_threshold", "nr_dirty_background_threshold", "pgpgin", "pgpgout", "pswpin",
	"pswpout", "pgalloc_dma", "pgalloc_dma32", "pgalloc_normal", "pgalloc_movable",
	"pgalloc_device", "allocstall_dma", "allocstall_dma32", "allocstall_normal",
	"allocstall_movable", "allocstall_device", "pgskip_dma", "pgskip_dma32",
	"pgskip_normal", "pgskip_movable", "pgskip_device", "pgfree", "pgactivate",
	"pgdeactivate", "pglazyfree", "pgfault", "pgmajfault", "pglazyfreed", "pgrefill",
	"pgreuse", "pgsteal_kswapd", "pgsteal_direct", "pgdemote_kswapd", "pgdemote_direct",
	"pgscan_kswapd", "pgscan_direct", "pgscan_direct_throttle", "pgscan_anon",
	"pgscan_file", "pgsteal_anon", "pgsteal_file", "zone_reclaim_failed", "pginodesteal",
	"slabs_scanned", "kswapd_inodesteal", "kswapd_low_wmark_hit_quickly",
	"kswapd_high_wmark_hit_quickly", "pageoutrun", "pgrotated", "drop_pagecache",
	"drop_slab", "oom_kill", "numa_pte_updates", "numa_huge_pte_updates",
	"numa_hint_faults", "numa_hint_faults_local", "numa_pages_migrated",
	"pgmigrate_success", "pgmigrate_fail", "thp_migration_success", "thp_migration_fail",
	"thp_migration_split", "compact_migrate_scanned", "compact_free_scanned",
	"compact_isolated", "compact_stall", "compact_fail", "compact_success",
	"compact_daemon_wake", "compact_daemon_migrate_scanned", "compact_daemon_free_scanned",
	"htlb_buddy_alloc_success", "htlb_buddy_alloc_fail", "unevictable_pgs_culled",
	"unevictable_pgs_scanned", "unevictable_pgs_rescued", "unevictable_pgs_mlocked",
	"unevictable_pgs_munlocked", "unevictable_pgs_cleared", "unevictable_pgs_stranded",
	"thp_fault_alloc", "thp_fault_fallback", "thp_fault_fallback_charge",
	"thp_collapse_alloc", "thp_collapse_alloc_failed", "thp_file_alloc",
	"thp_file_fallback", "thp_file_fallback_charge", "thp_file_mapped", "thp_split_page",
	"thp_split_page_failed", "thp_deferred_split_page", "thp_split_pmd",
	"thp_scan_exceed_none_pte", "thp_scan_exceed_swap_pte", "thp_scan_exceed_share_pte",
	"thp_split_pud", "thp_zero_page_alloc", "thp_zero_page_alloc_failed", "thp_swpout",
	"thp_swpout_fallback", "balloon_inflate", "balloon_deflate", "balloon_migrate",
	"swap_ra", "swap_ra_hit", "ksm_swpin_copy", "cow_ksm", "zswpin", "zswpout",
	"direct_map_level2_splits", "direct_map_level3_splits", "nr_unstable",
};

/* 16 MiB at 256 MiB, all DMA32, with memory behind it for the spaces. */
static const struct smm_test_section vs_sec = { 0x10000, 4096 };

static u64 vs_get(const u64 *val, const char *name)
{
	int i = smm_vmstat_find(name);

	return i < 0 ? ~0ULL : val[i];
}

/* The values now, spaces @s[0..n) included. */
static int vs_read(struct smm_mm *mm, struct smm_slabs *slabs, struct smm_space *s,
		   unsigned int n, u64 *val)
{
	int ret = smm_vmstat_read(mm, slabs, val);

	while (!ret && n--)
		smm_vmstat_add_space(&s[n], val);
	return ret;
}

/*
 * Every name is one of the kernel's, listed once, in the kernel's order:
 * a tool that reads /proc/vmstat reads the shadow's file the same way.
 */
SMM_TEST(vmstat_names_are_the_kernels_in_order)
{
	unsigned int i, k = 0, j;

	ASSERT_TRUE(smm_vmstat_nr > 0);
	for (i = 0; i < smm_vmstat_nr; i++) {
		const char *name = smm_vmstat_items[i].name;

		for (j = k; j < ARRAY_SIZE(kernel_vmstat); j++)
			if (!strcmp(kernel_vmstat[j], name))
				break;
		if (j == ARRAY_SIZE(kernel_vmstat))
			printf("# %s: not in /proc/vmstat, or out of its order (after %s)\n",
			       name, k ? kernel_vmstat[k - 1] : "the start");
		EXPECT_TRUE(j < ARRAY_SIZE(kernel_vmstat));
		k = j + 1;
		EXPECT_EQ(smm_vmstat_find(name), (int)i);
		EXPECT_TRUE(smm_vmstat_items[i].n >= 1);
	}
	EXPECT_EQ(smm_vmstat_find("pgscan_kswapd_nonexistent"), -1);
	EXPECT_EQ(smm_vmstat_find(""), -1);
}

/*
 * Blocks of orders 0, 2 and 9 (the THP lists) allocated and freed; a
 * space created, four pages of a VMA faulted in; one slab of each kind.
 * pgalloc_dma32 and pgfree move by the pages, numa_hit by the blocks,
 * pgfault and nr_anon_pages by the faults, nr_page_table_pages by the
 * tables of a 4-level walk to one PTE table, the slab counters by each
 * slab's pages; the zones without memory never move.
 */
SMM_TEST(vmstat_counts_move_exactly)
{
	static const unsigned int order[] = { 0, 0, 0, 2, 9 };
	u64 v0[96], v1[96], idx[ARRAY_SIZE(order)], pages = 0, pos[2];
	struct smm_cache *rcl, *unr;
	struct smm_access res;
	struct smm_test_mm t;
	struct smm_slabs sl;
	struct smm_space s;
	const char *why;
	unsigned int i;

	ASSERT_TRUE(smm_vmstat_nr <= ARRAY_SIZE(v0));
	ASSERT_EQ(smm_test_mm_init_mem(&t, &vs_sec, 1, NULL, true, 1), 0);
	ASSERT_EQ(smm_slabs_init(&sl, &t.mm, 0x12345678, 0), 0);
	ASSERT_EQ(vs_read(&t.mm, &sl, NULL, 0, v0), 0);
	EXPECT_EQ(vs_get(v0, "nr_free_pages"), smm_test_free_frames(&t.mm));
	EXPECT_EQ(vs_get(v0, "pgfault"), 0);

	for (i = 0; i < ARRAY_SIZE(order); i++) {
		ASSERT_EQ(smm_alloc_pages(&t.mm, order[i], SHADOWMM_GFP_MOVABLE, 0, &idx[i]), 0);
		pages += 1ULL << order[i];
	}
	ASSERT_EQ(vs_read(&t.mm, &sl, NULL, 0, v1), 0);
	EXPECT_EQ(vs_get(v1, "pgalloc_dma32") - vs_get(v0, "pgalloc_dma32"), 3 + 4 + 512);
	EXPECT_EQ(vs_get(v1, "numa_hit") - vs_get(v0, "numa_hit"), ARRAY_SIZE(order));
	EXPECT_EQ(vs_get(v1, "numa_local"), vs_get(v1, "numa_hit"));
	EXPECT_EQ(vs_get(v1, "pgfree"), vs_get(v0, "pgfree"));
	EXPECT_EQ(vs_get(v1, "nr_free_pages"), smm_test_free_frames(&t.mm));
	for (i = 0; i < ARRAY_SIZE(order); i++)
		smm_free_pages(&t.mm, idx[i], 0);
	ASSERT_EQ(vs_read(&t.mm, &sl, NULL, 0, v0), 0);
	EXPECT_EQ(vs_get(v0, "pgfree") - vs_get(v1, "pgfree"), pages);
	EXPECT_EQ(vs_get(v0, "pgalloc_dma32"), vs_get(v1, "pgalloc_dma32"));
	EXPECT_EQ(vs_get(v0, "pgalloc_dma"), 0);
	EXPECT_EQ(vs_get(v0, "pgalloc_normal"), 0);

	/*
	 * a space: its root table, then 4 faults under one PUD, PMD and PTE
	 * table, their LRU records in one pool page (lru.h)
	 */
	ASSERT_EQ(smm_space_init(&s, &t.mm, 1, 4), 0);
	ASSERT_EQ(vs_read(&t.mm, &sl, &s, 1, v1), 0);
	EXPECT_EQ(vs_get(v1, "nr_page_table_pages") - vs_get(v0, "nr_page_table_pages"), 1);
	EXPECT_EQ(vs_get(v1, "pgalloc_dma32") - vs_get(v0, "pgalloc_dma32"), 1);
	ASSERT_EQ(smm_vma_mmap(&s, 0x400000, 4 * 4096, SHADOWMM_PROT_WRITE, &why), 0);
	ASSERT_EQ(smm_space_access(&s, 0x400000, 4 * 4096, SMM_ACCESS_WRITE, 7, &res, &why), 0);
	ASSERT_EQ(vs_read(&t.mm, &sl, &s, 1, v0), 0);
	EXPECT_EQ(vs_get(v0, "pgfault") - vs_get(v1, "pgfault"), 4);
	EXPECT_EQ(vs_get(v0, "pgmajfault"), 0);
	EXPECT_EQ(vs_get(v0, "nr_anon_pages") - vs_get(v1, "nr_anon_pages"), 4);
	EXPECT_EQ(vs_get(v0, "nr_page_table_pages") - vs_get(v1, "nr_page_table_pages"), 3);
	EXPECT_EQ(vs_get(v0, "pgalloc_dma32") - vs_get(v1, "pgalloc_dma32"), 4 + 3 + 1);
	EXPECT_EQ(vs_get(v0, "nr_inactive_anon"), 4);
	EXPECT_EQ(vs_get(v0, "nr_zone_inactive_anon"), 4);
	EXPECT_EQ(vs_get(v0, "nr_active_anon"), 0);
	smm_space_destroy(&s);
	ASSERT_EQ(vs_read(&t.mm, &sl, NULL, 0, v1), 0);
	EXPECT_EQ(vs_get(v1, "pgfree") - vs_get(v0, "pgfree"), 4 + 4 + 1);
	EXPECT_EQ(vs_get(v1, "nr_inactive_anon"), 0);
	EXPECT_EQ(vs_get(v1, "pgfault"), vs_get(v0, "pgfault"));

	/* one slab of a RECLAIM_ACCOUNT cache, one of a plain one */
	ASSERT_EQ(smm_cache_create(&sl, "vs_rcl", 512, 0, SHADOWMM_CACHE_RECLAIM_ACCOUNT, &rcl), 0);
	ASSERT_EQ(smm_cache_create(&sl, "vs_unr", 1024, 0, 0, &unr), 0);
	ASSERT_NE(smm_cache_alloc(rcl, 0, 0, &pos[0]), NULL);
	ASSERT_EQ(vs_read(&t.mm, &sl, NULL, 0, v0), 0);
	EXPECT_EQ(vs_get(v0, "nr_slab_reclaimable") - vs_get(v1, "nr_slab_reclaimable"),
		  1ULL << rcl->order);
	EXPECT_EQ(vs_get(v0, "nr_slab_unreclaimable"), vs_get(v1, "nr_slab_unreclaimable"));
	ASSERT_NE(smm_cache_alloc(unr, 0, 0, &pos[1]), NULL);
	ASSERT_EQ(vs_read(&t.mm, &sl, NULL, 0, v1), 0);
	EXPECT_EQ(vs_get(v1, "nr_slab_unreclaimable") - vs_get(v0, "nr_slab_unreclaimable"),
		  1ULL << unr->order);
	EXPECT_EQ(vs_get(v1, "nr_slab_reclaimable"), vs_get(v0, "nr_slab_reclaimable"));
	EXPECT_EQ(vs_get(v1, "pgalloc_dma32") - vs_get(v0, "pgalloc_dma32"), 1ULL << unr->order);
	EXPECT_EQ(smm_cache_free(rcl, pos[0], 0), 0);
	EXPECT_EQ(smm_cache_free(unr, pos[1], 0), 0);
	smm_slabs_destroy(&sl);
	EXPECT_EQ(smm_test_check(&t.mm), 0);
	smm_test_mm_destroy(&t);
}
