// SPDX-License-Identifier: GPL-2.0
/*
 * SLOB, after mm/slob.c (v6.3, the last kernel that had it): a first-fit
 * heap of pages shared by every SLOB cache, for machines too small for
 * per-cache slabs.
 *
 * Every small SLOB cache allocates from one heap, itself a built-in
 * cache ("slob-heap", made with the first SLOB cache), whose slabs are
 * order-0 pages. A page is cut into units of SMM_SLOB_UNIT bytes; its
 * free blocks are chained in address order, each headed by its size
 * and the offset of the next (one s16 holding -next when the block is
 * one unit long: slob_t). Pages with free units sit on one of three
 * lists by the size of the request that put them there (small < 256
 * bytes, medium < 1024, large), and an allocation walks its list
 * first-fit, page by page, block by block; the page that served it
 * goes to the front of the list (Knuth's roving pointer, as
 * list_rotate_to_front() does). A free merges the block with its free
 * neighbours; a page whose last block is freed goes back to the buddy.
 *
 *   heap page (4096 bytes, 2048 units)
 *   +-----+--------+------+--------+-------+--------+--------+
 *   | hdr | object | free | hdr    | object| free          |
 *   +-----+--------+------+--------+-------+--------+--------+
 *   hdr (8 bytes): units of the block | cache id | SMM_SLOB_MAGIC
 *   free block: units | next free block (unit offset; 2048 ends)
 *
 * Objects of kmem_cache_alloc() carried no header in the kernel (only
 * kmalloc()'s did, to find their size in kfree()); here every object is
 * headed by its block's size and its cache, as kmalloc's were, so a
 * position names its cache (smm_cache_of_pos()), VALIDATE can tile a
 * page into blocks, and a free of something that is not an allocated
 * object is refused instead of corrupting the lists. A free clears the
 * magic: that is all the checking there is; SLOB had no red zones or
 * poison, and a SLOB cache takes no debug flags.
 *
 * Objects too large for a page with their header and alignment come
 * straight from the buddy (slob_new_pages() of get_order(size)): they
 * are the SLOB cache's own slabs of one object each, on its full list,
 * and SLUB's VALIDATE, shrink and destroy serve them.
 *
 * The full pages stay on the heap's full list (the kernel forgot them
 * until a free) so that VALIDATE and a forced destroy can find them.
 *
 * Locks: the heap's list_lock is slob_lock, taken under the allocating
 * CPU's lock of the SLOB cache (smm_cache_alloc()'s slow path), and
 * dropped while a new page comes from the buddy. VALIDATE holds it for
 * a whole walk of the heap, under smm_slabs.mutex and every CPU's lock
 * of the cache it validates.
 */
#include "slab.h"
#include "mm_internal.h"

#define SMM_SLOB_UNIT		2
#define SMM_SLOB_PAGE_UNITS	(SMM_PAGE_SIZE / SMM_SLOB_UNIT)
#define SMM_SLOB_UNITS(b)	(((b) + SMM_SLOB_UNIT - 1) / SMM_SLOB_UNIT)
#define SMM_SLOB_HDR		8	/* an allocated block's header; objects 8-aligned */
#define SMM_SLOB_BREAK1		256	/* mm/slob.c SLOB_BREAK1 */
#define SMM_SLOB_BREAK2		1024	/* mm/slob.c SLOB_BREAK2 */
#define SMM_SLOB_MAGIC		0x510b0bedU
#define SMM_SLOB_FAIL		0xffffffffU
#define SMM_SLOB_HEAP_NAME	"slob-heap"

/* The header of an allocated block. */
struct smm_slob_hdr {
	u16 units;		/* the whole block's, header included */
	u16 cache;		/* the cache id */
	u32 magic;		/* SMM_SLOB_MAGIC while allocated */
};

static const struct smm_slab_ops smm_slob_ops, smm_slob_big_ops, smm_slob_heap_ops;

/* ---- blocks in a page (slob_units(), slob_next(), set_slob()) -------- */

static u32 smm_slob_units(const char *base, u32 b)
{
	s16 v = ((const s16 *)base)[b];

	return v > 0 ? v : 1;
}

static u32 smm_slob_next(const char *base, u32 b)
{
	const s16 *u = (const s16 *)base;

	return u[b] < 0 ? (u32)-u[b] : (u32)u[b + 1];
}

static void smm_slob_set(char *base, u32 b, u32 size, u32 next)
{
	s16 *u = (s16 *)base;

	if (size > 1) {
		u[b] = size;
		u[b + 1] = next;
	} else {
		u[b] = -(s16)next;
	}
}

static bool smm_slob_last(const char *base, u32 b)
{
	return smm_slob_next(base, b) >= SMM_SLOB_PAGE_UNITS;
}

/*
 * Is the free block at @b sound enough to follow: inside the page, and
 * its successor after it? An overrun into a free block (SLOB has no red
 * zones) can break either; the walks stop there rather than loop or
 * read past the page, and VALIDATE reports the page.
 */
static bool smm_slob_sound(const char *base, u32 b)
{
	return b < SMM_SLOB_PAGE_UNITS && smm_slob_units(base, b) <= SMM_SLOB_PAGE_UNITS - b &&
	       smm_slob_next(base, b) >= b + smm_slob_units(base, b);
}

static struct smm_slob_hdr *smm_slob_hdr(char *base, u32 b)
{
	return (struct smm_slob_hdr *)(base + b * SMM_SLOB_UNIT);
}

/* The list a request of @bytes walks (slob_alloc()'s choice). */
static unsigned int smm_slob_list_of(u32 bytes)
{
	if (bytes < SMM_SLOB_BREAK1)
		return SMM_SLOB_SMALL;
	return bytes < SMM_SLOB_BREAK2 ? SMM_SLOB_MEDIUM : SMM_SLOB_LARGE;
}

static char *smm_slob_base(const struct smm_cache *h, u64 head)
{
	return smm_slab_pos_virt(h->mm, head << SMM_PAGE_SHIFT);
}

/* ---- the heap's lists (its list_lock held) --------------------------- */

/* set_slob_page_free(): @sp, on no list, first on list @l. */
static void smm_slob_list_add(struct smm_cache *h, u64 head, struct smm_slab *sp, unsigned int l)
{
	sp->list = SMM_SLAB_PARTIAL;
	sp->sublist = l;
	sp->prev = SMM_FRAME_NONE;
	sp->next = h->slob_list[l];
	if (sp->next != SMM_FRAME_NONE)
		smm_slab_hdr(h, sp->next)->prev = head;
	else
		h->slob_tail[l] = head;
	h->slob_list[l] = head;
	h->nr_partial++;
}

/* Off whichever list @sp is on: one of the three, or the full list. */
static void smm_slob_unlist(struct smm_cache *h, u64 head, struct smm_slab *sp)
{
	unsigned int l = sp->sublist;

	if (sp->list == SMM_SLAB_FULL) {
		smm_slab_list_del(h, head, sp);
		return;
	}
	if (sp->prev != SMM_FRAME_NONE)
		smm_slab_hdr(h, sp->prev)->next = sp->next;
	else
		h->slob_list[l] = sp->next;
	if (sp->next != SMM_FRAME_NONE)
		smm_slab_hdr(h, sp->next)->prev = sp->prev;
	else
		h->slob_tail[l] = sp->prev;
	sp->prev = sp->next = SMM_FRAME_NONE;
	sp->list = SMM_SLAB_ON_CPU;	/* on no list */
	h->nr_partial--;
}

/*
 * list_rotate_to_front(): @sp becomes the first of its list, the pages
 * before it move behind the last, in their order; the next search
 * starts where this one succeeded.
 */
static void smm_slob_rotate(struct smm_cache *h, u64 head, struct smm_slab *sp)
{
	unsigned int l = sp->sublist;
	u32 first = h->slob_list[l], tail = h->slob_tail[l];

	if (first == head)
		return;
	smm_slab_hdr(h, tail)->next = first;
	smm_slab_hdr(h, first)->prev = tail;
	h->slob_tail[l] = sp->prev;
	smm_slab_hdr(h, sp->prev)->next = SMM_FRAME_NONE;
	sp->prev = SMM_FRAME_NONE;
	h->slob_list[l] = head;
}

/* ---- allocating ------------------------------------------------------- */

/*
 * slob_page_alloc(): first fit of @units, the object (after the header)
 * aligned to @align, in the page @sp. A block with room but misaligned
 * is split, its head left free (the aligning fragment). A page left
 * with no free unit goes to the full list (*@full). Returns the block's
 * unit offset, or SMM_SLOB_FAIL with the page unchanged.
 */
static u32 smm_slob_page_alloc(struct smm_cache *h, u64 head, struct smm_slab *sp, char *base,
			       u32 units, u32 align, bool *full)
{
	u32 prev = SMM_SLOB_FAIL, cur = sp->freelist, avail, delta, next;

	for (;;) {
		if (unlikely(!smm_slob_sound(base, cur)))
			return SMM_SLOB_FAIL;
		avail = smm_slob_units(base, cur);
		delta = (ALIGN(cur * SMM_SLOB_UNIT + SMM_SLOB_HDR, align) - SMM_SLOB_HDR) /
			SMM_SLOB_UNIT - cur;
		if (avail >= units + delta)
			break;
		if (smm_slob_last(base, cur))
			return SMM_SLOB_FAIL;
		prev = cur;
		cur = smm_slob_next(base, cur);
	}
	if (delta) {	/* fragment the head to align */
		next = smm_slob_next(base, cur);
		smm_slob_set(base, cur + delta, avail - delta, next);
		smm_slob_set(base, cur, delta, cur + delta);
		prev = cur;
		cur += delta;
		avail -= delta;
	}
	next = smm_slob_next(base, cur);
	if (avail == units) {	/* exact fit: unlink */
		if (prev != SMM_SLOB_FAIL)
			smm_slob_set(base, prev, smm_slob_units(base, prev), next);
		else
			sp->freelist = next;
	} else {		/* fragment */
		if (prev != SMM_SLOB_FAIL)
			smm_slob_set(base, prev, smm_slob_units(base, prev), cur + units);
		else
			sp->freelist = cur + units;
		smm_slob_set(base, cur + units, avail - units, next);
	}
	sp->inuse += units;
	*full = sp->inuse == SMM_SLOB_PAGE_UNITS;
	if (*full) {
		smm_slob_unlist(h, head, sp);
		smm_slab_list_add(h, head, sp, SMM_SLAB_FULL, false);
	}
	return cur;
}

/*
 * A page from the buddy for the heap, one free block of all its units;
 * no lock needed: nobody knows it yet. Returns its descriptor or NULL.
 */
static struct smm_slab *smm_slob_new_page(struct smm_cache *h, unsigned int cpu, u64 *head,
					  char **basep)
{
	struct smm_slab *sp;
	char *base;

	if (smm_alloc_pages(h->mm, 0, h->gfp, cpu, head))
		return NULL;
	base = smm_slob_base(h, *head);
	sp = base ? smm_slab_desc_get(h->slabs, *head) : NULL;
	if (!sp) {
		WARN_ON_ONCE(!base);
		smm_free_pages(h->mm, *head, cpu);
		return NULL;
	}
	sp->inuse = 0;
	sp->freelist = 0;
	sp->list = SMM_SLAB_ON_CPU;
	sp->sublist = 0;
	sp->prev = sp->next = SMM_FRAME_NONE;
	sp->cpu = SMM_SLAB_NO_CPU;
	smm_slob_set(base, 0, SMM_SLOB_PAGE_UNITS, SMM_SLOB_PAGE_UNITS);
	*basep = base;
	return sp;
}

/*
 * The first fit on @l's pages, under the heap's lock. Returns the block
 * (its page in *@head, *@base) or SMM_SLOB_FAIL.
 */
static u32 smm_slob_find(struct smm_cache *h, unsigned int l, u32 units, u32 align, u64 *head,
			 char **base)
{
	struct smm_slab *sp;
	bool full;
	u32 b;

	for (*head = h->slob_list[l]; *head != SMM_FRAME_NONE; *head = sp->next) {
		sp = smm_slab_hdr(h, *head);
		if (SMM_SLOB_PAGE_UNITS - sp->inuse < units)
			continue;
		*base = smm_slob_base(h, *head);
		b = smm_slob_page_alloc(h, *head, sp, *base, units, align, &full);
		if (b == SMM_SLOB_FAIL)
			continue;
		if (!full)
			smm_slob_rotate(h, *head, sp);
		return b;
	}
	return SMM_SLOB_FAIL;
}

/*
 * slob_alloc(): a block for an object of @c from the heap: first fit on
 * the list for its size, else a new page (the lock dropped meanwhile,
 * as SLUB drops its list lock for the buddy). *@fresh says a page was
 * taken. Returns the object's position, or 0 when the buddy has nothing.
 */
static u64 smm_slob_alloc_block(struct smm_cache *h, struct smm_cache *c, unsigned int cpu,
				bool *fresh)
{
	u32 units = c->size / SMM_SLOB_UNIT, b;
	unsigned int l = smm_slob_list_of(c->size);
	struct smm_slob_hdr *hd;
	struct smm_slab *sp;
	char *base = NULL;
	bool full;
	u64 head;

	smm_lock(&h->list_lock);
	b = smm_slob_find(h, l, units, c->align, &head, &base);
	*fresh = b == SMM_SLOB_FAIL;
	if (*fresh) {
		smm_unlock(&h->list_lock);
		sp = smm_slob_new_page(h, cpu, &head, &base);
		if (!sp)
			return 0;
		smm_lock(&h->list_lock);
		smm_slab_set_made(h, head, sp, true, cpu);
		h->slabs_alloc++;
		smm_slob_list_add(h, head, sp, l);
		b = smm_slob_page_alloc(h, head, sp, base, units, c->align, &full);
		/* smm_slob_layout() made sure an empty page holds one */
		WARN_ON_ONCE(b == SMM_SLOB_FAIL);
	}
	hd = smm_slob_hdr(base, b);
	hd->units = units;
	hd->cache = c->id;
	hd->magic = SMM_SLOB_MAGIC;
	h->slob_blocks++;
	h->slob_units += units;
	smm_unlock(&h->list_lock);
	return (head << SMM_PAGE_SHIFT) + b * SMM_SLOB_UNIT + SMM_SLOB_HDR;
}

/* A small SLOB cache's allocation, under @cc's lock, which it drops. */
static void *smm_slob_alloc(struct smm_cache *c, struct smm_cache_cpu *cc, unsigned int cpu,
			    u64 *pos)
{
	bool fresh;
	u64 p = smm_slob_alloc_block(c->heap, c, cpu, &fresh);

	if (!p) {
		cc->stats.alloc_fail++;
		smm_unlock(&cc->lock);
		return NULL;
	}
	if (fresh)
		smm_count_add(cc->stats.alloc_slow, 1);
	else
		smm_count_add(cc->stats.alloc_fast, 1);
	smm_unlock(&cc->lock);
	*pos = p;
	return smm_slab_pos_virt(c->mm, p);
}

/* ---- freeing ---------------------------------------------------------- */

/*
 * slob_free(): block @b of @units goes back to page @sp. The page's last
 * block sends it to the buddy (returns true); a full page becomes
 * partially free, on the list of this block's size; else the block is
 * put in address order on the page's free chain, merged with the free
 * blocks right before and after it. Under the heap's lock.
 */
static bool __smm_slob_free(struct smm_cache *h, u64 head, struct smm_slab *sp, char *base,
			    u32 b, u32 units, unsigned int cpu)
{
	u32 prev, next;

	if (sp->inuse == units) {
		smm_slob_unlist(h, head, sp);
		smm_slab_discard(h, head, cpu);
		return true;
	}
	sp->inuse -= units;
	if (sp->list == SMM_SLAB_FULL) {
		sp->freelist = b;
		smm_slob_set(base, b, units, SMM_SLOB_PAGE_UNITS);
		smm_slab_list_del(h, head, sp);
		smm_slob_list_add(h, head, sp, smm_slob_list_of(units * SMM_SLOB_UNIT));
		return false;
	}
	if (b < sp->freelist) {
		next = sp->freelist;
		if (b + units == next) {
			units += smm_slob_units(base, next);
			next = smm_slob_next(base, next);
		}
		smm_slob_set(base, b, units, next);
		sp->freelist = b;
		return false;
	}
	prev = sp->freelist;
	next = smm_slob_next(base, prev);
	while (b > next && smm_slob_sound(base, next)) {
		prev = next;
		next = smm_slob_next(base, prev);
	}
	if (!smm_slob_last(base, prev) && b + units == next)
		smm_slob_set(base, b, units + smm_slob_units(base, next), smm_slob_next(base, next));
	else
		smm_slob_set(base, b, units, next);
	if (prev + smm_slob_units(base, prev) == b)
		smm_slob_set(base, prev, smm_slob_units(base, b) + smm_slob_units(base, prev),
			     smm_slob_next(base, b));
	else
		smm_slob_set(base, prev, smm_slob_units(base, prev), b);
	return false;
}

/*
 * The header of the allocated object of @c at @pos, if it is one, under
 * the heap's lock: in a heap page, 8-aligned, past a header with the
 * magic, @c's id and @c's block size. NULL otherwise.
 */
static struct smm_slob_hdr *smm_slob_obj_hdr(struct smm_cache *h, struct smm_cache *c, u64 pos,
					     struct smm_slab **sp, char **base)
{
	u32 off = pos & (SMM_PAGE_SIZE - 1);
	struct smm_slob_hdr *hd;

	*sp = smm_slab_at(h, pos >> SMM_PAGE_SHIFT);
	*base = *sp ? smm_slob_base(h, pos >> SMM_PAGE_SHIFT) : NULL;
	if (!*base || off < SMM_SLOB_HDR || off % SMM_SLOB_HDR)
		return NULL;
	hd = smm_slob_hdr(*base, (off - SMM_SLOB_HDR) / SMM_SLOB_UNIT);
	if (hd->magic != SMM_SLOB_MAGIC || hd->cache != c->id ||
	    hd->units != c->size / SMM_SLOB_UNIT)
		return NULL;
	return hd;
}

/*
 * kmem_cache_free() of a small SLOB cache: the object's header must say
 * it is an allocated object of @c (a double free finds the magic
 * cleared), else it is refused and reported. Under @cc's lock, which it
 * drops. Returns 0 or -EINVAL.
 */
static int smm_slob_free(struct smm_cache *c, struct smm_cache_cpu *cc, u64 pos, unsigned int cpu)
{
	struct smm_cache *h = c->heap;
	struct smm_slob_hdr *hd;
	struct smm_slab *sp;
	char *base;
	u32 units;

	smm_lock(&h->list_lock);
	hd = smm_slob_obj_hdr(h, c, pos, &sp, &base);
	if (!hd) {
		smm_unlock(&h->list_lock);
		smm_slab_report(c, pos, "free of an object that is not allocated (double free?)");
		cc->stats.errors++;
		smm_unlock(&cc->lock);
		return -EINVAL;
	}
	units = hd->units;
	hd->magic = 0;
	h->slob_blocks--;
	h->slob_units -= units;
	if (__smm_slob_free(h, pos >> SMM_PAGE_SHIFT, sp, base,
			    (u32)((pos & (SMM_PAGE_SIZE - 1)) - SMM_SLOB_HDR) / SMM_SLOB_UNIT, units,
			    cpu))
		smm_count_add(cc->stats.free_slow, 1);
	else
		smm_count_add(cc->stats.free_fast, 1);
	smm_unlock(&h->list_lock);
	smm_unlock(&cc->lock);
	return 0;
}

/* ---- big objects: straight from the buddy ----------------------------- */

/*
 * slob_new_pages() for an object larger than a page can hold: a slab of
 * one object, made and filed full at once. Under @cc's lock, dropped.
 */
static void *smm_slob_big_alloc(struct smm_cache *c, struct smm_cache_cpu *cc, unsigned int cpu,
				u64 *pos)
{
	struct smm_slab *s;
	char *base;
	u64 head;

	s = smm_slab_new(c, cpu, &head, &base);
	if (!s) {
		cc->stats.alloc_fail++;
		smm_unlock(&cc->lock);
		return NULL;
	}
	s->freelist = SMM_SLAB_END;
	s->inuse = 1;
	smm_lock(&c->list_lock);
	smm_slab_set_made(c, head, s, true, cpu);
	c->slabs_alloc++;
	smm_slab_list_add(c, head, s, SMM_SLAB_FULL, false);
	smm_unlock(&c->list_lock);
	smm_count_add(cc->stats.alloc_slow, 1);
	smm_unlock(&cc->lock);
	*pos = head << SMM_PAGE_SHIFT;
	return base;
}

/* free_pages() of a big object: its slab back to the buddy. Under @cc's lock, dropped. */
static int smm_slob_big_free(struct smm_cache *c, struct smm_cache_cpu *cc, u64 pos,
			     unsigned int cpu)
{
	u64 head = pos >> SMM_PAGE_SHIFT;
	struct smm_slab *s;

	smm_lock(&c->list_lock);
	s = pos & (c->slab_bytes - 1) ? NULL : smm_slab_at(c, head);
	if (s) {
		smm_slab_list_del(c, head, s);
		smm_slab_discard(c, head, cpu);
	}
	smm_unlock(&c->list_lock);
	if (!s) {
		smm_slab_report(c, pos, "free of an object that is not allocated (double free?)");
		cc->stats.errors++;
		smm_unlock(&cc->lock);
		return -EINVAL;
	}
	smm_count_add(cc->stats.free_slow, 1);
	smm_unlock(&cc->lock);
	return 0;
}

/* ---- walking a page: VALIDATE, lookups, forced destroy ---------------- */

/*
 * Tile the page at @head into its free blocks (the chain, which must
 * rise and stay in the page) and its allocated blocks (between them,
 * each with a sound header): @visit is called for each allocated one
 * (return true to stop). Returns NULL, or what is wrong with the page.
 * Under the heap's lock.
 */
static const char *smm_slob_walk(const struct smm_slab *sp, char *base,
				 bool (*visit)(void *arg, u32 b, const struct smm_slob_hdr *hd),
				 void *arg)
{
	u32 b = 0, f = sp->freelist, free = 0, nr = 0;
	const struct smm_slob_hdr *hd;

	if (sp->inuse == SMM_SLOB_PAGE_UNITS)
		f = SMM_SLOB_PAGE_UNITS;
	while (b < SMM_SLOB_PAGE_UNITS) {
		if (++nr > SMM_SLOB_PAGE_UNITS)
			return "page's blocks do not end";
		if (b == f) {
			if (!smm_slob_sound(base, f))
				return "free blocks overlap or leave the page";
			free += smm_slob_units(base, f);
			b += smm_slob_units(base, f);
			f = smm_slob_next(base, f);
			continue;
		}
		if (f < b)
			return "free chain is not in address order";
		if (b % (SMM_SLOB_HDR / SMM_SLOB_UNIT))	/* headers are 8-aligned, as objects */
			return "allocated block is misaligned (a free block's size is corrupted)";
		hd = smm_slob_hdr(base, b);
		if (hd->magic != SMM_SLOB_MAGIC || hd->units <= SMM_SLOB_HDR / SMM_SLOB_UNIT ||
		    b + hd->units > min(f, (u32)SMM_SLOB_PAGE_UNITS))
			return "allocated block's header is corrupted";
		if (visit && visit(arg, b, hd))
			return NULL;
		b += hd->units;
	}
	if (free != SMM_SLOB_PAGE_UNITS - sp->inuse)
		return "page's free units disagree with its free blocks";
	return NULL;
}

/* What VALIDATE of the heap counts. */
struct smm_slob_census {
	struct smm_slabs *s;
	struct smm_cache *c;	/* the cache validated, or the heap */
	u64 blocks, units, mine, bad;
	u32 found;		/* the lookup's block, or SMM_SLOB_FAIL */
};

static bool smm_slob_count(void *arg, u32 b, const struct smm_slob_hdr *hd)
{
	struct smm_slob_census *cs = arg;

	(void)b;
	struct smm_cache *o = hd->cache < SMM_MAX_CACHES ? cs->s->caches[hd->cache] : NULL;

	cs->blocks++;
	cs->units += hd->units;
	if (!o || o->policy != SMM_SLOB || !o->heap)
		cs->bad++;
	cs->mine += hd->cache == cs->c->id;
	return false;
}

/*
 * One page of the heap on list @list (@l of the three, or the full
 * list): its frame and descriptor, its list, its blocks. Returns the
 * problems found (reported).
 */
static u64 smm_slob_validate_page(struct smm_cache *h, u64 head, unsigned int list,
				  unsigned int l, struct smm_slob_census *cs)
{
	struct smm_slab *sp = smm_slab_at(h, head);
	const struct smm_frame *f = &h->mm->frames[head];
	u64 pos0 = head << SMM_PAGE_SHIFT, bad = cs->bad;
	const char *why;
	char *base;

	if (!sp || smm_frame_order(f) || !(base = smm_slob_base(h, head))) {
		smm_slab_report(h, pos0, "page descriptor does not name the heap");
		return 1;
	}
	if (sp->list != list || (list == SMM_SLAB_PARTIAL && sp->sublist != l) ||
	    (list == SMM_SLAB_FULL) != (sp->inuse == SMM_SLOB_PAGE_UNITS) || !sp->inuse) {
		smm_slab_report(h, pos0, "page is on the wrong list for its free units");
		return 1;
	}
	why = smm_slob_walk(sp, base, smm_slob_count, cs);
	if (why) {
		smm_slab_report(h, pos0, why);
		return 1;
	}
	if (cs->bad != bad) {
		smm_slab_report(h, pos0, "allocated block names no SLOB cache");
		return 1;
	}
	return 0;
}

/* A list's pages, linked both ways, at most @max of them. Returns the problems. */
static u64 smm_slob_validate_list(struct smm_cache *h, u32 first, unsigned int list,
				  unsigned int l, u64 *pages, struct smm_slob_census *cs)
{
	u64 problems = 0, n = 0, prev = SMM_FRAME_NONE, head;
	struct smm_slab *sp;

	for (head = first; head != SMM_FRAME_NONE; head = sp->next) {
		sp = smm_slab_at(h, head);
		if (!sp || sp->prev != prev || ++n > h->nr_slabs) {
			smm_slab_report(h, head << SMM_PAGE_SHIFT, "heap lists are broken");
			return problems + 1;
		}
		problems += smm_slob_validate_page(h, head, list, l, cs);
		prev = head;
	}
	if (list == SMM_SLAB_PARTIAL && h->slob_tail[l] != prev) {
		smm_report("slab error: cache %s: list %u's tail is not its last page", h->name, l);
		problems++;
	}
	*pages += n;
	return problems;
}

/* The heap's counters against what the walk found. Returns the problems. */
static u64 smm_slob_validate_totals(struct smm_cache *h, const struct smm_slob_census *cs,
				    u64 partial, u64 full)
{
	if (partial != h->nr_partial || full != h->nr_full || partial + full != h->nr_slabs ||
	    cs->blocks != h->slob_blocks || cs->units != h->slob_units) {
		smm_report("slab error: cache %s: %llu pages on the lists + %llu full, %llu blocks of %llu units found; counters say %llu + %llu of %llu pages, %llu blocks of %llu units",
			   h->name, (unsigned long long)partial, (unsigned long long)full,
			   (unsigned long long)cs->blocks, (unsigned long long)cs->units,
			   (unsigned long long)h->nr_partial, (unsigned long long)h->nr_full,
			   (unsigned long long)h->nr_slabs, (unsigned long long)h->slob_blocks,
			   (unsigned long long)h->slob_units);
		return 1;
	}
	return 0;
}

/*
 * VALIDATE of a small SLOB cache @c, or of the heap itself: walk every
 * page of the heap's lists under its lock (one hold: SLOB had one lock
 * for everything), tile each into blocks, and compare the pages,
 * blocks and units with the heap's counters, and the blocks of @c with
 * its live objects (every CPU's lock of @c held, so none is counted in
 * flight). Returns 0 with the problems in *@nr_problems.
 */
static int smm_slob_validate(struct smm_cache *c, u64 *nr_problems)
{
	struct smm_slabs *s = c->slabs;
	struct smm_cache *h = c->heap ? c->heap : c;	/* a SLOB cache's, or the heap */
	struct smm_slob_census cs = { .s = s, .c = c };
	u64 problems = 0, partial = 0, full = 0;
	unsigned int i, l;

	smm_mutex_lock(&s->mutex);
	for (i = 0; i < c->mm->nr_cpus; i++)
		smm_lock_nest(&c->cpu[i].lock, &s->mutex);
	smm_lock(&h->list_lock);
	for (l = 0; l < SMM_SLOB_NR_LISTS; l++)
		problems += smm_slob_validate_list(h, h->slob_list[l], SMM_SLAB_PARTIAL, l,
						   &partial, &cs);
	problems += smm_slob_validate_list(h, h->full, SMM_SLAB_FULL, 0, &full, &cs);
	problems += smm_slob_validate_totals(h, &cs, partial, full);
	smm_unlock(&h->list_lock);
	if (c != h && cs.mine != smm_cache_live(c)) {
		smm_report("slab error: cache %s: %llu objects in the heap, %llu live",
			   c->name, (unsigned long long)cs.mine,
			   (unsigned long long)smm_cache_live(c));
		problems++;
	}
	c->cpu[0].stats.errors += problems;
	for (i = c->mm->nr_cpus; i-- > 0; )
		smm_unlock_nested(&c->cpu[i].lock);
	smm_mutex_unlock(&s->mutex);
	*nr_problems = problems;
	return 0;
}

static bool smm_slob_find_obj(void *arg, u32 b, const struct smm_slob_hdr *hd)
{
	struct smm_slob_census *cs = arg;

	if (hd->cache != cs->c->id)
		return false;
	cs->found = b;
	return cs->mine == SMM_SLOB_FAIL || b == cs->mine;
}

/*
 * Why @pos is no allocated object of small SLOB cache @c, or NULL: the
 * page must be the heap's and tile with a block of @c starting right
 * before @pos (a freed object's header names no cache any more, so the
 * caller asks here too). Takes the heap's lock.
 */
static const char *smm_slob_obj_lookup(struct smm_cache *c, u64 pos)
{
	struct smm_cache *h = c->heap;
	u32 off = pos & (SMM_PAGE_SIZE - 1);
	struct smm_slob_census cs = { .s = c->slabs, .c = c, .found = SMM_SLOB_FAIL };
	const char *why = "object is not allocated (double free?)";
	struct smm_slab *sp;
	char *base;

	if (off < SMM_SLOB_HDR || off % SMM_SLOB_HDR)
		return "object is not on an object boundary (foreign pointer)";
	cs.mine = (off - SMM_SLOB_HDR) / SMM_SLOB_UNIT;
	smm_lock(&h->list_lock);
	sp = smm_slab_at(h, pos >> SMM_PAGE_SHIFT);
	base = sp ? smm_slob_base(h, pos >> SMM_PAGE_SHIFT) : NULL;
	if (!base)
		why = "object does not point into a slab";
	else if (!smm_slob_walk(sp, base, smm_slob_find_obj, &cs) && cs.found == cs.mine)
		why = NULL;
	smm_unlock(&h->list_lock);
	return why;
}

/*
 * A forced destroy of @c: free every block of @c in the heap, page by
 * page over the frame map (a page may go back to the buddy on the way).
 * Nobody uses @c any more; the heap's lock is taken per page.
 */
static void smm_slob_destroy(struct smm_cache *c, unsigned int cpu)
{
	struct smm_cache *h = c->heap;
	u64 idx;

	if (!smm_cache_live(c))
		return;
	for (idx = 0; idx < c->mm->range->span; idx++) {
		struct smm_slob_census cs = { .s = c->slabs, .c = c };
		struct smm_slab *sp;
		char *base;
		bool gone = false;

		smm_lock(&h->list_lock);
		while (!gone && (sp = smm_slab_at(h, idx)) && (base = smm_slob_base(h, idx))) {
			struct smm_slob_hdr *hd;

			cs.found = SMM_SLOB_FAIL;
			cs.mine = SMM_SLOB_FAIL;	/* the first block of @c */
			if (smm_slob_walk(sp, base, smm_slob_find_obj, &cs) ||
			    cs.found == SMM_SLOB_FAIL)
				break;
			hd = smm_slob_hdr(base, cs.found);
			hd->magic = 0;
			h->slob_blocks--;
			h->slob_units -= hd->units;
			gone = __smm_slob_free(h, idx, sp, base, cs.found, hd->units, cpu);
		}
		smm_unlock(&h->list_lock);
		if (!(idx & 1023))
			smm_cond_resched();
	}
}

/* ---- the heap's own ops, info --------------------------------------- */

/* The heap hands out no objects of its own. */
static void *smm_slob_heap_alloc(struct smm_cache *c, struct smm_cache_cpu *cc, unsigned int cpu,
				 u64 *pos)
{
	(void)c;
	(void)cpu;
	(void)pos;
	cc->stats.alloc_fail++;
	smm_unlock(&cc->lock);
	return NULL;
}

static int smm_slob_heap_free(struct smm_cache *c, struct smm_cache_cpu *cc, u64 pos,
			      unsigned int cpu)
{
	(void)cpu;
	smm_slab_report(c, pos, "free of an object the SLOB heap never handed out");
	cc->stats.errors++;
	smm_unlock(&cc->lock);
	return -EINVAL;
}

static const char *smm_slob_heap_lookup(struct smm_cache *c, u64 pos)
{
	(void)c;
	(void)pos;
	return "the SLOB heap hands out no objects of its own";
}

/* At unload, the heap goes last: every page on the three lists back. */
static void smm_slob_heap_destroy(struct smm_cache *h, unsigned int cpu)
{
	unsigned int l;

	smm_lock(&h->list_lock);
	for (l = 0; l < SMM_SLOB_NR_LISTS; l++) {
		while (h->slob_list[l] != SMM_FRAME_NONE) {
			u64 head = h->slob_list[l];

			smm_slob_unlist(h, head, smm_slab_hdr(h, head));
			smm_slab_discard(h, head, cpu);
		}
	}
	h->slob_blocks = h->slob_units = 0;
	smm_unlock(&h->list_lock);
}

/*
 * The heap's slabinfo: its objects are units (objsize 2, 2048 a
 * page), active ones those in allocated blocks; the free units of
 * partially free pages stand for SLUB's count_partial().
 */
static void smm_slob_heap_info(struct smm_cache *h, struct smm_cache_info *info)
{
	smm_lock(&h->list_lock);
	info->active_objs = h->slob_units;
	info->num_objs = h->nr_slabs * SMM_SLOB_PAGE_UNITS;
	info->partial_free = info->num_objs - h->slob_units;
	smm_unlock(&h->list_lock);
}

/* A small SLOB cache has no slabs: all its objects are in use. */
static void smm_slob_info(struct smm_cache *c, struct smm_cache_info *info)
{
	(void)c;
	info->num_objs = info->active_objs;
}

static const struct smm_slab_ops smm_slob_ops = {
	.alloc		= smm_slob_alloc,
	.free		= smm_slob_free,
	.validate	= smm_slob_validate,
	.info		= smm_slob_info,
	.obj_lookup	= smm_slob_obj_lookup,
	.destroy	= smm_slob_destroy,
};

static const struct smm_slab_ops smm_slob_big_ops = {
	.alloc		= smm_slob_big_alloc,
	.free		= smm_slob_big_free,
};

static const struct smm_slab_ops smm_slob_heap_ops = {
	.alloc		= smm_slob_heap_alloc,
	.free		= smm_slob_heap_free,
	.validate	= smm_slob_validate,
	.info		= smm_slob_heap_info,
	.obj_lookup	= smm_slob_heap_lookup,
	.destroy	= smm_slob_heap_destroy,
};

/* ---- creating ---------------------------------------------------------- */

/*
 * The heap, made the first time a small SLOB cache needs it (a built-in
 * cache; never destroyed before unload). Returns it or NULL (-ENOMEM).
 */
static struct smm_cache *smm_slob_heap_get(struct smm_slabs *s)
{
	struct smm_cache *h;
	int ret;

	smm_mutex_lock(&s->mutex);
	h = s->slob_heap;
	smm_mutex_unlock(&s->mutex);
	if (h)
		return h;
	ret = smm_cache_create_policy(s, SMM_SLOB_HEAP_NAME, SMM_SLOB_UNIT, 0,
				      SMM_CACHE_BUILTIN | SMM_CACHE_SLOB_HEAP, SMM_SLOB, &h);
	if (ret && ret != -EEXIST)
		return NULL;
	smm_mutex_lock(&s->mutex);	/* made by us, or by a racing creation */
	h = s->slob_heap;
	smm_mutex_unlock(&s->mutex);
	return h;
}

/* The heap's name is not for users' caches. */
bool smm_slob_name_reserved(const char *name)
{
	return !strcmp(name, SMM_SLOB_HEAP_NAME);
}

/*
 * The layout of a SLOB cache: objects 8-aligned (at least) behind an
 * 8-byte header, the block rounded up to units, in the heap when an
 * empty page holds one (object size plus alignment at most a page),
 * else straight from the buddy, a slab of one object of the smallest
 * order that holds it. The heap itself (@flags SMM_CACHE_SLOB_HEAP)
 * is a cache of units in order-0 pages.
 */
int smm_slob_layout(struct smm_slabs *s, struct smm_cache *c, u32 size, u32 align, u32 flags)
{
	unsigned int order = 0;

	c->object_size = size;
	c->align = smm_cache_alignment(c->flags, align, size);
	c->red_end = c->owner_offset = size;
	c->fp_offset = 0;
	c->first = 0;
	c->min_partial = c->cpu_partial = c->cpu_partial_slabs = 0;
	for (order = 0; order < SMM_SLOB_NR_LISTS; order++)
		c->slob_list[order] = c->slob_tail[order] = SMM_FRAME_NONE;
	order = 0;
	if (flags & SMM_CACHE_SLOB_HEAP) {
		c->ops = &smm_slob_heap_ops;
		c->size = SMM_SLOB_UNIT;
		c->objects = SMM_SLOB_PAGE_UNITS;
	} else if (c->align + size <= SMM_PAGE_SIZE) {
		c->ops = &smm_slob_ops;
		c->size = SMM_SLOB_UNITS(size + SMM_SLOB_HDR) * SMM_SLOB_UNIT;
		c->objects = 0;
		c->heap = smm_slob_heap_get(s);
		if (!c->heap)
			return -ENOMEM;
	} else {
		while ((SMM_PAGE_SIZE << order) < size)
			order++;
		c->ops = &smm_slob_big_ops;
		c->size = SMM_PAGE_SIZE << order;
		c->objects = 1;
	}
	c->order = order;
	c->slab_bytes = SMM_PAGE_SIZE << order;
	smm_cache_set_stride(c);
	return 0;
}

/*
 * smm_cache_of_pos() in the heap: the cache an object's header names,
 * if that is a SLOB cache. Without the heap's lock (a racing free
 * leaves the answer stale, as any lookup without the caller's
 * ownership of the object would be).
 */
struct smm_cache *smm_slob_cache_of_pos(struct smm_slabs *s, u64 pos)
{
	u32 off = pos & (SMM_PAGE_SIZE - 1);
	const struct smm_slob_hdr *hd;
	struct smm_cache *c;
	char *base;

	if (off < SMM_SLOB_HDR || off % SMM_SLOB_HDR)
		return NULL;
	base = smm_slab_pos_virt(s->mm, pos - off);
	if (!base)
		return NULL;
	hd = smm_slob_hdr(base, (off - SMM_SLOB_HDR) / SMM_SLOB_UNIT);
	if (READ_ONCE(hd->magic) != SMM_SLOB_MAGIC)
		return NULL;
	c = READ_ONCE(s->caches[READ_ONCE(hd->cache) & (SMM_MAX_CACHES - 1)]);
	return c && c->policy == SMM_SLOB && c->heap ? c : NULL;
}
