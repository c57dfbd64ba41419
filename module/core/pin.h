/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Long-term and short-term pins of a space's anonymous pages, after
 * mm/gup.c's pin_user_pages() (FOLL_PIN, FOLL_LONGTERM) in Linux 6.1
 * (Documentation/pin.md).
 *
 * The kernel counts a pin in the folio's refcount (GUP_PIN_COUNTING_BIAS
 * per pin, folio_maybe_dma_pinned()); the shadow's frame descriptor has
 * no refcount and must stay 8 bytes (frame.h), and an LRU record's flags
 * are all taken (lru.h). The pin counts therefore live beside both, in
 * one table per mm: pinned frames sorted by frame index, each with its
 * count, 8 bytes a pinned page, looked up by binary search (O(log n))
 * and inserted or removed by moving the tail (O(n)); nothing at all
 * while no page is pinned (every rule's check is one compare of nr).
 * The table is freed when its last pin goes.
 *
 * What a pin does to the rest (each rule a call to this file):
 *  - migration refuses a pinned page (smm_migrate_refusal(): the reason
 *    names the pin), so compaction's migrate scanner skips it and
 *    counts it, and cma alloc or range offline over it fails with
 *    -EBUSY and the page, nothing changed;
 *  - reclaim does not swap it out (swap.c refuses, the scan activates);
 *  - fork copies it into the child at once (copy_present_page());
 *  - munmap of a range holding one is refused (-EBUSY); destroy (and an
 *    OOM kill, which destroys) drops the pins with the pages.
 *
 * Locking: the spaces' lock (the glue's one mutex) over every call that
 * reads or writes the table; the counters are read without it, once.
 */
#ifndef _SMM_CORE_PIN_H
#define _SMM_CORE_PIN_H

#include "env.h"

struct smm_mm;
struct smm_space;

#define SMM_PIN_WRITE		(1U << 0)	/* FOLL_WRITE: fault in for writing */
#define SMM_PIN_LONGTERM	(1U << 1)	/* FOLL_LONGTERM: out of Movable and CMA first */
#define SMM_PIN_FLAGS		(SMM_PIN_WRITE | SMM_PIN_LONGTERM)
#define SMM_PIN_MAX_PAGES	SHADOWMM_PIN_MAX_PAGES	/* pages per request */
/*
 * Pins of one page: the kernel's refcount is an int raised by
 * GUP_PIN_COUNTING_BIAS (1024) per pin, so about 2^21 pins fill it
 * (try_grab_folio() refuses an overflow); the shadow stops at the same.
 */
#define SMM_PIN_MAX_COUNT	(1U << 21)

struct smm_pin {
	u32 frame;			/* frame index of the pinned page */
	u32 count;			/* pins held, >= 1 */
};

struct smm_pins {
	struct smm_pin *v;		/* sorted by frame, NULL when nr is 0 */
	u32 nr, cap;
	u64 acquired, released;		/* nr_foll_pin_acquired, nr_foll_pin_released (pages) */
	u64 skipped;			/* pinned pages migration or compaction left */
};

/* What one SPACE_PIN did. */
struct smm_pin_res {
	u64 pinned;			/* pages pinned */
	u64 faulted;			/* of which faulted in first */
	u64 migrated;			/* moved out of Movable or CMA first (longterm) */
	u64 fail_addr;			/* on failure: the page that failed */
};

u32 smm_page_pinned(const struct smm_mm *mm, u64 frame);
int smm_space_pin(struct smm_space *s, u64 va, u64 len, unsigned int flags,
		  struct smm_pin_res *res, const char **why);
int smm_space_unpin(struct smm_space *s, u64 va, u64 len, u64 *fail_addr, const char **why);
bool smm_space_range_pinned(struct smm_space *s, u64 va, u64 end);
u64 smm_space_pinned_pages(const struct smm_space *s);
void smm_pin_drop_frame(struct smm_mm *mm, u64 frame);
void smm_pin_count_skipped(struct smm_mm *mm);
int smm_pin_fork_copy(struct smm_space *p, struct smm_space *c, u64 va, u64 frame,
		      unsigned int prot, const char **why);
int smm_pin_check(struct smm_mm *mm, char *why, size_t len);

#endif /* _SMM_CORE_PIN_H */
