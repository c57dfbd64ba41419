// SPDX-License-Identifier: GPL-2.0
/*
 * HighMem is not permanently mapped: on a 32-bit kernel the frames of
 * ZONE_HIGHMEM have no address of their own, and every access to their
 * bytes goes through kmap_local_page() and kunmap_local() (mm/highmem.c),
 * a short-lived map of the CPU's own. The shadow keeps the rule: the
 * core reaches a HighMem frame's bytes only between
 * smm_kmap_local_frame() and smm_kunmap_local_frame() (zeroing,
 * anonymous and swap-cache pages, the page cache, swap I/O, migration's
 * copy). The range itself is mapped (the module's linear mapping of it,
 * the tests' buffer), so the map is the section's address: the pair
 * counts instead, maps taken (kmap_local) and maps still open
 * (kmap_open), and CHECK reports a map left open. A lowmem frame maps to
 * its address uncounted, as kmap_local_page() of a lowmem page is
 * page_address(). Frames that must never be HighMem (page tables, LRU
 * records) are reached through smm_lowmem_frame(), which warns on one.
 *
 * Lockless: the counts are atomics any CPU moves.
 */
#include "mm_internal.h"

/* The section's address of frame @idx, or NULL (a hole, or unmapped). */
static void *smm_frame_addr(const struct smm_mm *mm, u64 idx)
{
	const struct smm_section *sec = smm_range_section_of(mm->range, idx);

	if (!sec || !sec->virt)
		return NULL;
	return (char *)sec->virt + ((idx - sec->start) << SMM_PAGE_SHIFT);
}

static bool smm_frame_highmem(const struct smm_mm *mm, u64 idx)
{
	return smm_zone_of(mm, idx) == SHADOWMM_ZONE_HIGHMEM;
}

/*
 * kmap_local_page(): the bytes of frame @idx until
 * smm_kunmap_local_frame(); a HighMem frame's map is counted. NULL (and
 * nothing to unmap) when the frame has no memory.
 */
void *smm_kmap_local_frame(struct smm_mm *mm, u64 idx)
{
	void *addr = smm_frame_addr(mm, idx);

	if (addr && smm_frame_highmem(mm, idx)) {
		smm_atomic64_inc(&mm->kmap_local);
		smm_atomic64_inc(&mm->kmap_open);
	}
	return addr;
}

/* kunmap_local(): gives back the map of frame @idx at @addr. */
void smm_kunmap_local_frame(struct smm_mm *mm, u64 idx, const void *addr)
{
	if (!addr || !smm_frame_highmem(mm, idx))
		return;
	WARN_ON_ONCE(smm_atomic64_read(&mm->kmap_open) <= 0);
	smm_atomic64_dec(&mm->kmap_open);
}

/*
 * page_address() of a frame that must be lowmem: the permanent address,
 * NULL (with a warning) for a HighMem frame, which has none.
 */
void *smm_lowmem_frame(const struct smm_mm *mm, u64 idx)
{
	if (WARN_ON_ONCE(smm_frame_highmem(mm, idx)))
		return NULL;
	return smm_frame_addr(mm, idx);
}

#define SMM_KMAP_WAIT_NS	(100 * 1000 * 1000ULL)

/*
 * CHECK's question: is a map left open? A map is open only for one
 * copy of a page, so one still open after 100 ms of waiting is a leak;
 * the maps open then (0 when none).
 */
u64 smm_kmap_open_wait(struct smm_mm *mm)
{
	u64 t0 = smm_clock_ns();
	s64 open;

	while ((open = smm_atomic64_read(&mm->kmap_open)) > 0 &&
	       smm_clock_ns() - t0 < SMM_KMAP_WAIT_NS)
		smm_cond_resched();
	return open > 0 ? open : 0;
}
