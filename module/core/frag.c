// SPDX-License-Identifier: GPL-2.0
/*
 * Fragmentation metrics of a zone's free areas, computed exactly as
 * mm/vmstat.c computes /sys/kernel/debug/extfrag/{unusable,extfrag}_index,
 * in thousandths so that the same "%d.%03d" printing applies.
 */
#include "mm_internal.h"

/* fill_contig_page_info() */
void smm_frag_info(const u64 nr_free[SMM_NR_ORDERS], unsigned int order, struct smm_frag *f)
{
	unsigned int o;

	memset(f, 0, sizeof(*f));
	for (o = 0; o < SMM_NR_ORDERS; o++) {
		f->free_blocks_total += nr_free[o];
		f->free_pages += nr_free[o] << o;
		if (o >= order)
			f->free_blocks_suitable += nr_free[o] << (o - order);
	}
}

/*
 * unusable_free_index(): the share of free memory that cannot serve an
 * allocation of @order, 0 (all usable) to 1000 (none usable). A zone
 * with no free memory reads 1000, as in the kernel: nothing is usable.
 */
int smm_unusable_index(const u64 nr_free[SMM_NR_ORDERS], unsigned int order)
{
	struct smm_frag f;

	smm_frag_info(nr_free, order, &f);
	if (!f.free_pages)
		return 1000;
	return (f.free_pages - (f.free_blocks_suitable << order)) * 1000ULL / f.free_pages;
}

/*
 * __fragmentation_index(): why an allocation of @order would fail. Near
 * 0 the zone lacks memory, near 1000 the memory is there but in pieces;
 * -1000 when the allocation would succeed.
 */
int smm_extfrag_index(const u64 nr_free[SMM_NR_ORDERS], unsigned int order)
{
	struct smm_frag f;

	smm_frag_info(nr_free, order, &f);
	if (!f.free_blocks_total)
		return 0;
	if (f.free_blocks_suitable)
		return -1000;
	return 1000 - (int)((1000 + f.free_pages * 1000ULL / (1ULL << order)) /
			    f.free_blocks_total);
}
