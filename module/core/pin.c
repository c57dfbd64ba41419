// SPDX-License-Identifier: GPL-2.0
/*
 * Pins of anonymous pages (pin.h), after mm/gup.c of Linux 6.1:
 * __gup_longterm_locked() faulting pages in (faultin_page()), moving
 * the ones a long-term pin may not hold out of ZONE_MOVABLE and CMA
 * first (check_and_migrate_movable_pages()), then raising each page's
 * pin count (try_grab_folio() with FOLL_PIN); unpin_user_pages()
 * lowering it again.
 *
 * Invariants, for CHECK (smm_pin_check()):
 *  - the table is sorted by frame, without duplicates, every count
 *    between 1 and SMM_PIN_MAX_COUNT;
 *  - every pinned frame is an order-0 anonymous page mapped by the
 *    space its owner tag names (its LRU record names that space), never
 *    isolated, never shared copy-on-write (a pin unshares it first and
 *    fork copies it: page_needs_cow_for_dma());
 *  - the counts add up to nr_foll_pin_acquired - nr_foll_pin_released:
 *    no page holds more pins than pin calls gave it.
 *
 * Locking: the spaces' lock over every call (pin.h).
 */
#include "pin.h"
#include "space.h"
#include "owner.h"
#include "lru.h"
#include "migrate.h"
#include "page_owner.h"
#include "oom.h"
#include "mm_internal.h"

#define smm_pin_add(mm, ev, n)	WRITE_ONCE((mm)->pins.ev, (mm)->pins.ev + (n))

/*
 * The position of @frame in the table, or where it would go; true if
 * it is there. Binary search over the sorted frames.
 */
static bool smm_pin_find(const struct smm_pins *p, u64 frame, u32 *pos)
{
	u32 lo = 0, hi = p->nr;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (p->v[mid].frame < frame)
			lo = mid + 1;
		else
			hi = mid;
	}
	*pos = lo;
	return lo < p->nr && p->v[lo].frame == frame;
}

/* folio_maybe_dma_pinned(), exactly: the pins @frame holds, 0 if none. */
u32 smm_page_pinned(const struct smm_mm *mm, u64 frame)
{
	u32 pos;

	if (!mm->pins.nr)
		return 0;
	return smm_pin_find(&mm->pins, frame, &pos) ? mm->pins.v[pos].count : 0;
}

/* Room for @more entries beyond nr, so that a request cannot fail half way on it. */
static int smm_pin_reserve(struct smm_pins *p, u64 more)
{
	struct smm_pin *v;
	u64 cap = p->cap;

	if (p->nr + more <= p->cap)
		return 0;
	while (cap < p->nr + more)
		cap = cap ? cap * 2 : 64;
	if (cap > U32_MAX)
		return -ENOMEM;
	v = smm_zalloc_array(cap, sizeof(*v));
	if (!v)
		return -ENOMEM;
	if (p->nr)
		memcpy(v, p->v, p->nr * sizeof(*v));
	smm_free_array(p->v);
	p->v = v;
	p->cap = cap;
	return 0;
}

/* The table gone with its last pin: nothing is kept while nothing is pinned. */
static void smm_pin_shrink(struct smm_pins *p)
{
	if (p->nr)
		return;
	smm_free_array(p->v);
	p->v = NULL;
	p->cap = 0;
}

/* One more pin of @frame (room reserved); -EOVERFLOW at the refcount's limit. */
static int smm_pin_get(struct smm_mm *mm, u64 frame, const char **why)
{
	struct smm_pins *p = &mm->pins;
	u32 pos;

	if (smm_pin_find(p, frame, &pos)) {
		if (p->v[pos].count >= SMM_PIN_MAX_COUNT) {
			*why = "the page holds 2^21 pins already: its refcount would overflow";
			return -EOVERFLOW;
		}
		p->v[pos].count++;
	} else {
		if (WARN_ON_ONCE(p->nr >= p->cap))
			return -ENOMEM;
		memmove(&p->v[pos + 1], &p->v[pos], (p->nr - pos) * sizeof(*p->v));
		p->v[pos] = (struct smm_pin) { .frame = (u32)frame, .count = 1 };
		p->nr++;
	}
	smm_pin_add(mm, acquired, 1);
	return 0;
}

/* @n pins of the entry at @pos dropped (unpin_user_page(), n times). */
static void smm_pin_put(struct smm_mm *mm, u32 pos, u32 n)
{
	struct smm_pins *p = &mm->pins;

	if (WARN_ON_ONCE(pos >= p->nr || n > p->v[pos].count))
		return;
	p->v[pos].count -= n;
	smm_pin_add(mm, released, n);
	if (p->v[pos].count)
		return;
	memmove(&p->v[pos], &p->v[pos + 1], (p->nr - pos - 1) * sizeof(*p->v));
	p->nr--;
	smm_pin_shrink(p);
}

/*
 * A pinned page freed (its space destroyed, or killed by the OOM
 * killer): its pins go with it, counted as released. The kernel keeps
 * a pinned page alive until the last unpin; the shadow has no one left
 * to unpin it once its space is gone (Documentation/pin.md).
 */
void smm_pin_drop_frame(struct smm_mm *mm, u64 frame)
{
	u32 pos;

	if (mm->pins.nr && smm_pin_find(&mm->pins, frame, &pos))
		smm_pin_put(mm, pos, mm->pins.v[pos].count);
}

/* A pinned page left where it was by migration or compaction: counted. */
void smm_pin_count_skipped(struct smm_mm *mm)
{
	smm_pin_add(mm, skipped, 1);
}

/* The frame of the present 4K anonymous page at @va of @s, or false. */
static bool smm_pin_frame_at(struct smm_space *s, u64 va, u64 *frame)
{
	unsigned int level;
	u64 *slot = smm_space_entry(s, va, &level);

	return slot && level == SHADOWMM_PT_PTE && smm_space_pte_frame(s, *slot, frame) &&
	       (smm_frame_data(&s->mm->frames[*frame]) & SMM_ANON_BIT);
}

/* Is any page of [va, end) of @s pinned? For munmap, which refuses it. */
bool smm_space_range_pinned(struct smm_space *s, u64 va, u64 end)
{
	u64 frame;
	u32 i;

	if (!s->mm->pins.nr)
		return false;
	/* few pins: look at each pinned frame's rmap rather than at every page */
	for (i = 0; i < s->mm->pins.nr; i++) {
		const struct smm_lru_rec *x = smm_lru_rec_of(s->mm, s->mm->pins.v[i].frame);

		frame = s->mm->pins.v[i].frame;
		if (x && x->space == s && x->frame == frame && x->va >= va && x->va < end)
			return true;
	}
	return false;
}

/* Pages of @s holding at least one pin (SPACE_GET's PINNED). */
u64 smm_space_pinned_pages(const struct smm_space *s)
{
	const struct smm_pins *p = &s->mm->pins;
	u64 n = 0;
	u32 i;

	for (i = 0; i < p->nr; i++) {
		const struct smm_lru_rec *x = smm_lru_rec_of(s->mm, p->v[i].frame);

		n += x && x->space == s;
	}
	return n;
}

/*
 * is_longterm_pinnable_page() (6.1, include/linux/mm.h): not in a CMA
 * or isolated pageblock, not in ZONE_MOVABLE.
 */
static bool smm_pin_longterm_ok(const struct smm_mm *mm, u64 frame)
{
	unsigned int mt = smm_pageblock_mt(mm, frame);

	return mt != SHADOWMM_MT_CMA && mt != SHADOWMM_MT_ISOLATE &&
	       smm_zone_of(mm, frame) != SHADOWMM_ZONE_MOVABLE;
}

/* A target page the migration did not take, back to the buddy. */
static void smm_pin_free_target(struct smm_mm *mm, u64 frame)
{
	unsigned int cpu = smm_cpu_get();

	smm_frame_own(mm, frame, SMM_FRAME_PAGE, smm_owner_data(SMM_OWNER_NONE, 0), cpu);
	smm_free_pages(mm, frame, cpu);
	smm_cpu_put();
}

/*
 * migrate_longterm_unpinnable_pages() for one page: @frame moved to a
 * page of GFP_USER (no __GFP_MOVABLE, no HighMem: memalloc_pin_save()
 * takes the movable bit away), so into Normal, DMA32 or DMA and an
 * unmovable pageblock. Its new frame in *@to. -EBUSY when migration
 * refuses it (a pin held already: the kernel's migrate_pages() fails
 * on the extra references), -ENOMEM without a target. The spaces'
 * lock held.
 */
static int smm_pin_migrate(struct smm_mm *mm, u64 frame, u64 *to, const char **why)
{
	unsigned int cpu;
	u64 target;
	int ret;

	*why = smm_migrate_refusal(mm, frame);
	if (*why || !smm_lru_isolate_page(mm, frame)) {
		if (!*why)
			*why = "isolated by a scan (reclaim or compaction)";
		WRITE_ONCE(mm->compact.pgmigrate_fail, mm->compact.pgmigrate_fail + 1);
		return -EBUSY;
	}
	cpu = smm_cpu_get();
	ret = smm_alloc_pages(mm, 0, 0, cpu, &target);
	smm_cpu_put();
	if (ret) {
		*why = "no free page outside ZONE_MOVABLE and CMA to move the page to";
		WRITE_ONCE(mm->compact.pgmigrate_fail, mm->compact.pgmigrate_fail + 1);
		smm_lru_putback_page(mm, frame);
		return -ENOMEM;
	}
	ret = smm_migrate_isolated(mm, frame, target, why);
	if (ret) {
		smm_pin_free_target(mm, target);
		smm_lru_putback_page(mm, frame);
		return ret;
	}
	smm_page_owner_migrate(mm, target, target, SMM_MR_LONGTERM_PIN);	/* the reason */
	smm_lru_putback_page(mm, target);
	*to = target;
	return 0;
}

/*
 * gup_must_unshare(): a page shared copy-on-write after fork is copied
 * for this space before it is pinned (FAULT_FLAG_UNSHARE; a write pin's
 * fault did it already), so that the pinned page is this space's alone;
 * a page mapped once but still in the swap cache for a slot that other
 * members' swap entries name leaves the cache, or their next fault
 * would map the pinned page (smm_anon_make_exclusive()).
 */
static int smm_pin_unshare(struct smm_space *s, const struct smm_vma *v, u64 va, u64 *frame,
			   const char **why)
{
	int ret;

	if (!s->anon_vma)
		return 0;
	if (smm_anon_mapcount(s, va, *frame) <= 1) {
		/* a swap-cache page of a shared slot: not exclusive yet */
		smm_anon_make_exclusive(s, *frame);
		return 0;
	}
	ret = smm_space_cow_anon(s, va, v->prot | SHADOWMM_PROT_USER, *frame);
	if (ret) {
		*why = "out of memory for the unshared copy of the page";
		return ret;
	}
	s->vm.cow_faults++;
	if (!smm_pin_frame_at(s, va, frame)) {
		*why = "the unshared page is not mapped";
		return -EFAULT;
	}
	return 0;
}

/* The VMA rules of check_vma_flags() for the whole of [va, end), before anything. */
static const char *smm_pin_check_vmas(struct smm_space *s, u64 va, u64 end, bool write)
{
	while (va < end) {
		const struct smm_vma *v = smm_vma_find(s, va);

		if (!v)
			return "part of the range has no mapping (-EFAULT, as GUP)";
		if (v->kind != SMM_VMA_ANON)
			return "file pages cannot be pinned yet: only anonymous mappings";
		if (v->prot == SHADOWMM_PROT_NONE)
			return "part of the range is PROT_NONE";
		if (write && !(v->prot & SHADOWMM_PROT_WRITE))
			return "a write pin of a read-only mapping";
		va = v->end;
	}
	return NULL;
}

/* The request's own checks: alignment, length, bounds, flags. */
static const char *smm_pin_check_args(const struct smm_space *s, u64 va, u64 len,
				      unsigned int flags)
{
	if (flags & ~SMM_PIN_FLAGS)
		return "unknown pin flags";
	if (va & (SMM_PAGE_SIZE - 1) || len & (SMM_PAGE_SIZE - 1))
		return "address and length must be multiples of 4 KiB";
	if (!len || len / SMM_PAGE_SIZE > SMM_PIN_MAX_PAGES)
		return "length must be 1 to 65536 pages";
	if (va >= smm_space_limit(s) || len > smm_space_limit(s) - va)
		return "range runs past the lower half of the space's virtual addresses";
	if (s->vm.oom_killed)
		return SMM_OOM_KILLED_WHY;
	return NULL;
}

/*
 * One page of a pin request: faulted in, unshared, moved out of
 * Movable or CMA for a long-term pin, then pinned.
 */
static int smm_pin_one(struct smm_space *s, u64 va, unsigned int flags, struct smm_pin_res *res,
		       const char **why)
{
	const struct smm_vma *v = smm_vma_find(s, va);
	bool faulted;
	u64 frame, to;
	int ret;

	ret = smm_space_fault_in(s, va, flags & SMM_PIN_WRITE, &faulted, why);
	if (ret)
		return ret;
	res->faulted += faulted;
	if (!smm_pin_frame_at(s, va, &frame)) {
		*why = "the page is not an anonymous 4 KiB page";
		return -EFAULT;
	}
	ret = smm_pin_unshare(s, v, va, &frame, why);
	if (ret)
		return ret;
	if ((flags & SMM_PIN_LONGTERM) && !smm_pin_longterm_ok(s->mm, frame)) {
		ret = smm_pin_migrate(s->mm, frame, &to, why);
		if (ret)
			return ret;
		frame = to;
		res->migrated++;
	}
	ret = smm_pin_get(s->mm, frame, why);
	if (!ret)
		res->pinned++;
	return ret;
}

/* One pin of each page of [va, end) dropped: a failed request undone. */
static void smm_pin_undo(struct smm_space *s, u64 va, u64 end)
{
	u64 frame;
	u32 pos;

	for (; va < end; va += SMM_PAGE_SIZE)
		if (smm_pin_frame_at(s, va, &frame) && smm_pin_find(&s->mm->pins, frame, &pos))
			smm_pin_put(s->mm, pos, 1);
}

/*
 * pin_user_pages() of [va, va + len) of @s with FOLL_PIN, FOLL_WRITE
 * (SMM_PIN_WRITE) and FOLL_LONGTERM (SMM_PIN_LONGTERM): each page
 * faulted in as an access would (counted as faults), a page shared
 * after fork copied first, for a long-term pin a page in ZONE_MOVABLE
 * or a CMA pageblock migrated out, then its pin count raised. All or
 * nothing for the pins: on a failure the pins this request took are
 * dropped again (the pages faulted in or moved stay so, as in the
 * kernel) and the page that failed is in res->fail_addr. Returns 0 or
 * -errno with the reason. The spaces' lock held.
 */
int smm_space_pin(struct smm_space *s, u64 va, u64 len, unsigned int flags,
		  struct smm_pin_res *res, const char **why)
{
	u64 end = va + len, addr;
	int ret = 0;

	memset(res, 0, sizeof(*res));
	*why = smm_pin_check_args(s, va, len, flags);
	if (*why)
		return s->vm.oom_killed && !(flags & ~SMM_PIN_FLAGS) ? -ESRCH : -EINVAL;
	*why = smm_pin_check_vmas(s, va, end, flags & SMM_PIN_WRITE);
	if (*why)
		return -EFAULT;
	if (smm_pin_reserve(&s->mm->pins, len / SMM_PAGE_SIZE)) {
		*why = "out of memory for the pin table";
		return -ENOMEM;
	}
	for (addr = va; addr < end && !ret; addr += SMM_PAGE_SIZE) {
		ret = smm_pin_one(s, addr, flags, res, why);
		if (!(addr / SMM_PAGE_SIZE % 64))
			smm_cond_resched();
	}
	if (!ret)
		return 0;
	addr -= SMM_PAGE_SIZE;
	res->fail_addr = addr;
	smm_pin_undo(s, va, addr);
	res->pinned = 0;
	smm_pin_shrink(&s->mm->pins);
	return ret;
}

/*
 * unpin_user_pages() of [va, va + len) of @s: one pin of each page
 * dropped. All or nothing: every page must be mapped and pinned, else
 * -EINVAL with the first that is not in *@fail_addr and nothing changed.
 */
int smm_space_unpin(struct smm_space *s, u64 va, u64 len, u64 *fail_addr, const char **why)
{
	u64 end = va + len, addr, frame;
	u32 pos;

	*fail_addr = 0;
	*why = smm_pin_check_args(s, va, len, 0);
	if (*why && s->vm.oom_killed)
		*why = NULL;	/* a killed space has no pins left: the lookup says so */
	if (*why)
		return -EINVAL;
	for (addr = va; addr < end; addr += SMM_PAGE_SIZE) {
		if (!smm_pin_frame_at(s, addr, &frame) || !smm_page_pinned(s->mm, frame)) {
			*fail_addr = addr;
			*why = "a page of the range is not pinned";
			return -EINVAL;
		}
	}
	for (addr = va; addr < end; addr += SMM_PAGE_SIZE)
		if (smm_pin_frame_at(s, addr, &frame) && smm_pin_find(&s->mm->pins, frame, &pos))
			smm_pin_put(s->mm, pos, 1);
	return 0;
}

/*
 * copy_present_page(): fork of a pinned anonymous page (@frame at @va
 * of @p, page_needs_cow_for_dma()) gives the child @c a copy at once,
 * mapped writable if the VMA is (@prot) and dirty, the parent's PTE
 * left as it was: the pinned page stays the parent's alone, and
 * neither side takes a COW fault. No reclaim (fork holds the parent's
 * PTEs). -ENOMEM with the reason.
 */
int smm_pin_fork_copy(struct smm_space *p, struct smm_space *c, u64 va, u64 frame,
		      unsigned int prot, const char **why)
{
	const void *src = smm_kmap_local_frame(p->mm, frame);
	int ret;

	if (WARN_ON_ONCE(!src)) {
		*why = "the pinned page's memory cannot be reached";
		return -EFAULT;
	}
	ret = smm_space_map_anon_fork(c, va, prot, src);
	smm_kunmap_local_frame(p->mm, frame, src);
	if (ret)
		*why = "out of memory for the child's copy of a pinned page";
	return ret;
}

#define smm_pin_bad(fmt, ...)	(snprintf(why, len, fmt, ##__VA_ARGS__), -EUCLEAN)

/* CHECK of one entry: an order-0 anonymous page of the space its record names. */
static int smm_pin_check_one(struct smm_mm *mm, const struct smm_pin *e, char *why, size_t len)
{
	const struct smm_lru_rec *x;
	struct smm_frame f;

	if (e->frame >= mm->range->span)
		return smm_pin_bad("pinned frame %u outside the range", e->frame);
	f = smm_frame_load(&mm->frames[e->frame]);
	if (smm_frame_type(&f) != SMM_FRAME_SPACE || !(smm_frame_data(&f) & SMM_ANON_BIT) ||
	    smm_frame_order(&f))
		return smm_pin_bad("pinned frame %u is not an anonymous page of a space", e->frame);
	if (!e->count || e->count > SMM_PIN_MAX_COUNT)
		return smm_pin_bad("pinned frame %u has a pin count of %u", e->frame, e->count);
	x = smm_lru_rec_of(mm, e->frame);
	if (!x || x->frame != e->frame || !x->space || x->space->mm != mm ||
	    x->space->id != smm_space_tag_id(smm_frame_tag(&f)) ||
	    (x->flags & SMM_LRU_F_ISOLATED))
		return smm_pin_bad("pinned frame %u is not mapped by the space it belongs to",
				   e->frame);
	if (x->space->anon_vma && smm_anon_mapcount(x->space, x->va, e->frame) > 1)
		return smm_pin_bad("pinned frame %u is shared copy-on-write", e->frame);
	return 0;
}

/*
 * CHECK of the pin table (the invariants at the top); the spaces' lock
 * held. Non-zero with the first broken rule in @why.
 */
int smm_pin_check(struct smm_mm *mm, char *why, size_t len)
{
	const struct smm_pins *p = &mm->pins;
	u64 sum = 0;
	u32 i;
	int ret;

	if (p->nr > p->cap || (p->nr && !p->v))
		return smm_pin_bad("pin table: %u entries in room for %u", p->nr, p->cap);
	for (i = 0; i < p->nr; i++) {
		if (i && p->v[i - 1].frame >= p->v[i].frame)
			return smm_pin_bad("pin table not sorted at entry %u", i);
		ret = smm_pin_check_one(mm, &p->v[i], why, len);
		if (ret)
			return ret;
		sum += p->v[i].count;
	}
	if (p->released > p->acquired || sum != p->acquired - p->released)
		return smm_pin_bad("pin counts add up to %llu, pin calls less unpins to %llu",
				   (unsigned long long)sum,
				   (unsigned long long)(p->acquired - p->released));
	return 0;
}
