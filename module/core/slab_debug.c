// SPDX-License-Identifier: GPL-2.0
/*
 * Slab debugging on every allocation and free, after SLUB_DEBUG: red
 * zones, poison and owners (STORE_USER) set and checked per object, the
 * reports, and the lookups that let netlink refuse foreign pointers and
 * double frees with a reason. The whole-cache checks (VALIDATE, the
 * slab part of CHECK) are in slab_check.c, deliberate corruption for the
 * tests in slab_corrupt.c.
 *
 * A red zone (at least 8 bytes after the object) holds SMM_RED_ACTIVE
 * while the object is allocated and SMM_RED_INACTIVE while it is free,
 * so it also tells a double free from an overrun. Poison fills a free
 * object with SMM_POISON_FREE and ends it with SMM_POISON_END, so any
 * write after free shows on the next allocation or validation.
 *
 * Every problem is reported (smm_report(): the kernel log) naming the
 * cache, the slab's frame index and the object's offset in the slab,
 * and counted in the cache's errors.
 *
 * Locks: none taken by the hooks; slab.c calls them under the locks it
 * holds (the CPU's lock for allocation and free). smm_cache_obj_lookup()
 * takes each CPU's lock, then the list lock, one at a time.
 */
#include "slab.h"

/* A report about a live object (@slot not NULL) names its owner too (STORE_USER). */
static void smm_slab_report_live(const struct smm_cache *c, const char *slot, u64 pos,
				 const char *what)
{
	u64 head = smm_slab_head(c, pos);

	if (!slot || !(c->flags & SHADOWMM_CACHE_STORE_USER))
		smm_report("slab error: cache %s slab %llu offset %llu: %s", c->name,
			   (unsigned long long)head,
			   (unsigned long long)(pos - (head << SMM_PAGE_SHIFT)), what);
	else
		smm_report("slab error: cache %s slab %llu offset %llu: %s (owner %llu)", c->name,
			   (unsigned long long)head,
			   (unsigned long long)(pos - (head << SMM_PAGE_SHIFT)), what,
			   (unsigned long long)*(const u64 *)(slot + c->owner_offset));
}

void smm_slab_report(const struct smm_cache *c, u64 pos, const char *what)
{
	smm_slab_report_live(c, NULL, pos, what);
}

/* The first byte of [from, to) of @slot that is not @v, or -1. */
static int smm_slab_first_bad(const char *slot, u32 from, u32 to, u8 v)
{
	u32 i;

	for (i = from; i < to; i++)
		if ((u8)slot[i] != v)
			return i;
	return -1;
}

static void smm_slab_poison(const struct smm_cache *c, char *slot)
{
	memset(slot, SMM_POISON_FREE, c->object_size - 1);
	slot[c->object_size - 1] = (char)SMM_POISON_END;
}

static int smm_slab_poison_bad(const struct smm_cache *c, const char *slot)
{
	int bad = smm_slab_first_bad(slot, 0, c->object_size - 1, SMM_POISON_FREE);

	if (bad < 0 && (u8)slot[c->object_size - 1] != SMM_POISON_END)
		bad = c->object_size - 1;
	return bad;
}

static void smm_slab_set_red(const struct smm_cache *c, char *slot, u8 v)
{
	memset(slot + c->object_size, v, c->red_end - c->object_size);
}

/* A free slot (of a new slab, or just freed): red zone inactive, poisoned, no owner. */
void smm_slab_debug_init(struct smm_cache *c, char *slot)
{
	if (c->flags & SHADOWMM_CACHE_RED_ZONE)
		smm_slab_set_red(c, slot, SMM_RED_INACTIVE);
	if (c->flags & SHADOWMM_CACHE_POISON)
		smm_slab_poison(c, slot);
	if (c->flags & SHADOWMM_CACHE_STORE_USER)
		*(u64 *)(slot + c->owner_offset) = 0;
}

/*
 * Check a slot against what its state says it must hold; report each
 * kind of damage once and return how many were found.
 */
unsigned int smm_slab_debug_check(const struct smm_cache *c, const char *slot, u64 pos,
				  bool free)
{
	unsigned int problems = 0;

	if (c->flags & SHADOWMM_CACHE_RED_ZONE &&
	    smm_slab_first_bad(slot, c->object_size, c->red_end,
			       free ? SMM_RED_INACTIVE : SMM_RED_ACTIVE) >= 0) {
		if (free)
			smm_slab_report(c, pos, "red zone overwritten (free object)");
		else
			smm_slab_report_live(c, slot, pos,
					     "red zone overwritten (write past the object)");
		problems++;
	}
	if (free && c->flags & SHADOWMM_CACHE_POISON && smm_slab_poison_bad(c, slot) >= 0) {
		smm_slab_report(c, pos, "poison overwritten (write after free)");
		problems++;
	}
	return problems;
}

/*
 * On allocation (alloc_debug_processing()): the slot must still be as
 * it was freed. Damage is reported and repaired, and the object handed
 * out. Returns the problems found. Under the CPU's lock.
 */
unsigned int smm_slab_debug_alloc(struct smm_cache *c, char *slot, u64 pos, u64 owner)
{
	unsigned int problems = smm_slab_debug_check(c, slot, pos, true);

	if (c->flags & SHADOWMM_CACHE_RED_ZONE)
		smm_slab_set_red(c, slot, SMM_RED_ACTIVE);
	if (c->flags & SHADOWMM_CACHE_STORE_USER)
		*(u64 *)(slot + c->owner_offset) = owner;
	return problems;
}

/*
 * On free (free_debug_processing()): a position that is no object of
 * this cache and, with red zones, an object already free are refused
 * (-EINVAL, reported). An overrun is reported and the red zone
 * repaired; the object is then freed. Returns the problems found.
 */
int smm_slab_debug_free(struct smm_cache *c, u64 pos)
{
	u64 head = smm_slab_head(c, pos);
	u32 off = (u32)(pos - (head << SMM_PAGE_SHIFT));
	char *slot;

	slot = smm_cache_of_pos(c->slabs, pos) == c && smm_slab_slot_ok(c, off) ?
	       smm_slab_pos_virt(c->mm, pos) : NULL;
	if (!slot) {
		smm_slab_report(c, pos, "free of a pointer that is no object of this cache");
		return -EINVAL;
	}
	return smm_slab_debug_free_slot(c, slot, pos);
}

/*
 * The checks of a free at @slot, an object of @c (SLUB's
 * free_debug_processing(), SLAB's cache_free_debugcheck()): with red
 * zones an object already free is refused (-EINVAL, reported), an
 * overrun reported and repaired; then the slot is made free (poison,
 * red zone inactive). Returns the problems found.
 */
int smm_slab_debug_free_slot(struct smm_cache *c, char *slot, u64 pos)
{
	unsigned int problems = 0;

	if (c->flags & SHADOWMM_CACHE_RED_ZONE) {
		if (smm_slab_first_bad(slot, c->object_size, c->red_end, SMM_RED_INACTIVE) < 0) {
			smm_slab_report(c, pos, "double free");
			return -EINVAL;
		}
		problems = smm_slab_debug_check(c, slot, pos, false);
	}
	smm_slab_debug_init(c, slot);
	return problems;
}

/* The owner kept with a live object (STORE_USER), 0 without. */
u64 smm_cache_owner(struct smm_cache *c, u64 pos)
{
	const char *slot = smm_slab_pos_virt(c->mm, pos);

	if (!(c->flags & SHADOWMM_CACHE_STORE_USER) || !slot)
		return 0;
	return *(const u64 *)(slot + c->owner_offset);
}

/* ---- walking a slab's freelists -------------------------------------- */

/*
 * Mark the objects of one freelist in @free (a bitmap by object index).
 * Stops at a pointer that leaves the slab or an object seen before
 * (reported when @report). Returns the objects marked, or -1 if broken.
 */
int smm_slab_mark_free(const struct smm_cache *c, u64 head, const char *base, u32 off,
		       u8 *free, bool report)
{
	u64 pos0 = head << SMM_PAGE_SHIFT;
	u32 n = 0, i;

	while (off != SMM_SLAB_END) {
		if (!smm_slab_slot_ok(c, off) || n >= c->objects) {
			if (report)
				smm_slab_report(c, pos0, "freelist pointer corrupted");
			return -1;
		}
		i = (u32)(((u64)(off - c->first) * c->recip) >> 32);
		if (free[i / 8] & (1U << (i % 8))) {
			if (report)
				smm_slab_report(c, pos0 + off, "object on a freelist twice");
			return -1;
		}
		free[i / 8] |= 1U << (i % 8);
		n++;
		off = smm_slab_fp_get(c, base, off);
	}
	return n;
}

/* Is the object at @off of slab @head free? Takes the locks itself. */
static bool smm_slab_obj_free(struct smm_cache *c, u64 head, u32 off, u8 *free)
{
	const char *base = smm_slab_pos_virt(c->mm, head << SMM_PAGE_SHIFT);
	u32 i = (u32)(((u64)(off - c->first) * c->recip) >> 32);
	const struct smm_slab *d;
	unsigned int cpu;

	memset(free, 0, c->objects / 8 + 1);
	for (cpu = 0; cpu < c->mm->nr_cpus; cpu++) {
		struct smm_cache_cpu *cc = &c->cpu[cpu];

		u64 w;

		smm_lock(&cc->lock);
		w = smm_cc_freeze(cc);	/* the CPU's fast path keeps off meanwhile */
		if (smm_cc_word_slab(w) == head)
			smm_slab_mark_free(c, head, base, smm_cc_word_free(w), free, false);
		smm_cc_thaw(cc, w);
		smm_unlock(&cc->lock);
	}
	smm_lock(&c->list_lock);
	d = smm_slab_at(c, head);
	if (d)
		smm_slab_mark_free(c, head, base, d->freelist, free, false);
	smm_unlock(&c->list_lock);
	return free[i / 8] & (1U << (i % 8));
}

/*
 * Why @pos cannot be freed to @c, or NULL when it is an allocated
 * object of @c. For netlink: every way a position sent by user space
 * can be wrong gets its own reason, and nothing is changed.
 */
const char *smm_cache_obj_lookup(struct smm_cache *c, u64 pos)
{
	struct smm_cache *owner;
	const char *why = NULL;
	u64 head;
	u8 *free;
	u32 off;

	if ((pos >> SMM_PAGE_SHIFT) >= c->mm->range->span)
		return "object is outside the range";
	owner = smm_cache_of_pos(c->slabs, pos);
	/* a freed SLOB object names no cache: the heap's walk says what it is */
	if (!owner && c->heap)
		return c->ops->obj_lookup(c, pos);
	if (!owner)
		return "object does not point into a slab";
	if (owner != c)
		return "object belongs to another cache";
	if (c->ops && c->ops->obj_lookup)
		return c->ops->obj_lookup(c, pos);
	head = smm_slab_head(c, pos);
	off = (u32)(pos - (head << SMM_PAGE_SHIFT));
	if (!smm_slab_slot_ok(c, off))
		return "object is not on an object boundary (foreign pointer)";
	free = smm_zalloc_array(c->objects / 8 + 1, 1);
	if (!free)
		return "out of memory checking the object";
	if (smm_slab_obj_free(c, head, off, free))
		why = "object is not allocated (double free?)";
	smm_free_array(free);
	return why;
}
