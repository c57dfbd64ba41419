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

#endif /* _SMM_CORE_VMSTAT_H */
