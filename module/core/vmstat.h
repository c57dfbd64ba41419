/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The shadow's counters by /proc/vmstat's names (mm/vmstat.c's
 * vmstat_text[] of Linux 6.1), in its order, for the debugfs vmstat file,
 * VMSTAT_GET and smmctl vmstat.
 *
 * One table, smm_vmstat_items[] (vmstat.c), says for each name where its
 * value lies: a u64 (or an array of them, summed) of a zone snapshot, of
 * the mm, of every space, of the zones' LRU lists, or the pages of one kind of slab cache. A new
 * counter is one line there. Only what the shadow counts is listed: no
 * name stands for a feature it lacks (Documentation/debugfs.md).
 *
 * Reading is two steps, because the spaces belong to the glue's registry
 * and are serialised by its mutex: smm_vmstat_read() fills every value
 * from the zones (one snapshot each), the mm and the slab caches, and
 * leaves the space counters at 0; then smm_vmstat_add_space() adds each
 * space, with the caller's lock on the spaces held.
 */
#ifndef _SMM_CORE_VMSTAT_H
#define _SMM_CORE_VMSTAT_H

#include "mm.h"

struct smm_slabs;
struct smm_space;

enum smm_vmstat_src {
	SMM_VS_ZONE,	/* struct smm_zone_snapshot: zone @arg, or all (SMM_NR_ZONES) */
	SMM_VS_MM,	/* struct smm_mm */
	SMM_VS_SPACE,	/* struct smm_space, summed over the spaces */
	SMM_VS_SLAB,	/* slab pages of caches reclaimable (@arg 1) or not (0) */
	SMM_VS_LRU,	/* struct smm_lruvec, summed over the zones */
};

struct smm_vmstat_item {
	const char *name;
	u8 src;		/* enum smm_vmstat_src */
	u8 arg;		/* the zone (SMM_VS_ZONE), the kind (SMM_VS_SLAB) */
	u8 n;		/* u64s summed from @off: an array's length, else 1 */
	u32 off;	/* offsetof() in the source's struct */
};

extern const struct smm_vmstat_item smm_vmstat_items[];
extern const unsigned int smm_vmstat_nr;

int smm_vmstat_read(struct smm_mm *mm, struct smm_slabs *slabs, u64 *val);
void smm_vmstat_add_space(const struct smm_space *s, u64 *val);
int smm_vmstat_find(const char *name);

/*
 * The shadow's /proc/meminfo (fs/proc/meminfo.c of 6.1): the lines that
 * make sense for it, in the kernel's order, each in kB. Filled from a
 * vmstat reading (@val, spaces added) and the zones, the swap area and
 * the page cache's mapped pages (@mapped, smm_filemap_nr_mapped());
 * the spaces' lock held (the swap area).
 */
enum smm_meminfo_line {
	SMM_MI_MEMTOTAL, SMM_MI_MEMFREE, SMM_MI_MEMAVAILABLE, SMM_MI_BUFFERS, SMM_MI_CACHED,
	SMM_MI_SWAPCACHED, SMM_MI_ACTIVE, SMM_MI_INACTIVE, SMM_MI_ACTIVE_ANON,
	SMM_MI_INACTIVE_ANON, SMM_MI_ACTIVE_FILE, SMM_MI_INACTIVE_FILE, SMM_MI_UNEVICTABLE,
	SMM_MI_SWAPTOTAL, SMM_MI_SWAPFREE, SMM_MI_DIRTY, SMM_MI_WRITEBACK, SMM_MI_ANONPAGES,
	SMM_MI_MAPPED, SMM_MI_SHMEM, SMM_MI_KRECLAIMABLE, SMM_MI_SLAB, SMM_MI_SRECLAIMABLE,
	SMM_MI_SUNRECLAIM, SMM_MI_PAGETABLES, SMM_MI_CMATOTAL, SMM_MI_CMAFREE, SMM_NR_MEMINFO
};

extern const char *const smm_meminfo_names[SMM_NR_MEMINFO];

void smm_meminfo_fill(struct smm_mm *mm, const u64 *val, u64 mapped, u64 kb[SMM_NR_MEMINFO]);
u64 smm_mem_available(const struct smm_mm *mm, const u64 *val);

#endif /* _SMM_CORE_VMSTAT_H */
