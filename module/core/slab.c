// SPDX-License-Identifier: GPL-2.0
/*
 * Slab caches: layout and order, the per-CPU fast path, the list slow
 * path, shrinking and destroying (see slab.h for the picture and the
 * lock order). Debugging is in slab_debug.c (red zones, poison, owners),
 * slab_check.c (validation, CHECK's census) and slab_corrupt.c.
 */
#include "slab.h"
#include "mm_internal.h"
#include "trace_hooks.h"

#define SMM_MIN_PARTIAL		5	/* mm/slub.c MIN_PARTIAL */
#define SMM_MAX_PARTIAL		10	/* mm/slub.c MAX_PARTIAL */
#define SMM_FP_MUL		0x9e3779b1U

/* The kmalloc size classes, as kmalloc_info[] (8 B .. 8 KiB). */
static const u32 smm_kmalloc_sizes[SMM_NR_KMALLOC] = {
	8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192,
};

static unsigned int smm_ilog2(u64 n)
{
	unsigned int l = 0;

	while (n >>= 1)
		l++;
	return l;
}

static unsigned int smm_fls(u32 n)
{
	return n ? smm_ilog2(n) + 1 : 0;
}

static bool smm_is_pow2(u32 n)
{
	return n && !(n & (n - 1));
}

/* ---- where things are ------------------------------------------------ */

/* The memory of the frame at @pos >> 12 plus the offset: slow paths only. */
void *smm_slab_pos_virt(const struct smm_mm *mm, u64 pos)
{
	u64 idx = pos >> SMM_PAGE_SHIFT;
	const struct smm_section *s = smm_range_section_of(mm->range, idx);

	if (!s || !s->virt)
		return NULL;
	return (char *)s->virt + ((idx - s->start) << SMM_PAGE_SHIFT) +
	       (pos & (SMM_PAGE_SIZE - 1));
}

/* Descriptor @i of the pool; the caller got @i from a slab head or the pool. */
static struct smm_slab *smm_slab_desc(const struct smm_slabs *s, u32 i)
{
	return READ_ONCE(s->desc_chunk[i >> SMM_SLAB_DESC_SHIFT]) + (i & (SMM_SLAB_DESC_CHUNK - 1));
}

/* The descriptor of the slab at @head, a SLAB head of @c (the caller's locks keep it). */
struct smm_slab *smm_slab_hdr(const struct smm_cache *c, u64 head)
{
	struct smm_frame f = smm_frame_load(&c->mm->frames[head]);

	return smm_slab_desc(c->slabs, smm_slab_frame_desc(&f));
}

/*
 * A free descriptor from the pool, or NULL: the free chain first, else
 * the next never used one, whose chunk is allocated with the first of
 * it. Called under a CPU's lock, so the chunk allocation must not sleep.
 * Takes desc_lock, which nests inside every other lock of the layer.
 */
struct smm_slab *smm_slab_desc_get(struct smm_slabs *s, u64 head)
{
	struct smm_slab *d = NULL, *chunk;
	u32 i;

	smm_lock(&s->desc_lock);
	if (s->desc_free != SMM_SLAB_END) {
		d = smm_slab_desc(s, s->desc_free);
		s->desc_free = d->freelist;
	} else if (s->desc_used < (u64)s->desc_chunks << SMM_SLAB_DESC_SHIFT) {
		i = s->desc_used;
		if (!(i & (SMM_SLAB_DESC_CHUNK - 1))) {
			chunk = smm_zalloc_atomic(SMM_SLAB_DESC_CHUNK, sizeof(*chunk));
			if (!chunk)
				goto out;
			WRITE_ONCE(s->desc_chunk[i >> SMM_SLAB_DESC_SHIFT], chunk);
		}
		d = smm_slab_desc(s, i);
		d->idx = i;
		WRITE_ONCE(s->desc_used, s->desc_used + 1);
	}
	if (d) {
		s->desc_live++;
		d->head = head;
	}
out:
	smm_unlock(&s->desc_lock);
	return d;
}

/* Back to the pool: @d names no slab any more. Takes desc_lock. */
static void smm_slab_desc_put(struct smm_slabs *s, struct smm_slab *d)
{
	smm_lock(&s->desc_lock);
	d->head = SMM_FRAME_NONE;
	d->freelist = s->desc_free;
	s->desc_free = d->idx;
	s->desc_live--;
	smm_unlock(&s->desc_lock);
}

/* ---- layout and order ------------------------------------------------ */

/* calculate_alignment(): cache lines, halved while two objects fit one. */
u32 smm_cache_alignment(u32 flags, u32 align, u32 size)
{
	if (flags & SHADOWMM_CACHE_HWCACHE_ALIGN) {
		u32 ralign = SMM_SLAB_CACHELINE;

		while (size <= ralign / 2)
			ralign /= 2;
		align = max(align, ralign);
	}
	return ALIGN(max(align, (u32)SMM_SLAB_MIN_ALIGN), SMM_SLAB_MIN_ALIGN);
}

static u32 smm_order_objects(unsigned int order, u32 size, u32 first)
{
	u32 bytes = SMM_PAGE_SIZE << order;

	return bytes > first ? (bytes - first) / size : 0;
}

/*
 * calc_slab_order(): the smallest order from the one that holds
 * @min_objects up to @max_order whose waste (what the objects do not
 * use) is at most 1/@fract of the slab.
 */
static unsigned int smm_calc_slab_order(u32 size, u32 first, u32 min_objects,
					unsigned int max_order, u32 fract)
{
	unsigned int order;

	for (order = 0; order <= max_order; order++) {
		u32 bytes = SMM_PAGE_SIZE << order;
		u32 n = smm_order_objects(order, size, first);

		if (n < min_objects || !n)
			continue;
		if (bytes - n * size <= bytes / fract)
			break;
	}
	return order;
}

/*
 * calculate_order(): at least 4 * (fls(nr_cpus) + 1) objects per slab
 * while the waste stays within 1/16, then 1/8, then 1/4 of the slab;
 * failing that fewer objects, down to one object in the largest order.
 * @nr_cpus is num_present_cpus(), or nr_cpu_ids when that is 1 or less.
 * @first is 0 (no header in the slab): the waste is SLUB's slab % size.
 */
static int smm_calculate_order(u32 size, u32 first, unsigned int nr_cpus)
{
	u32 min_objects = 4 * (smm_fls(nr_cpus) + 1);
	u32 max_objects = smm_order_objects(SMM_SLAB_MAX_ORDER, size, first);
	unsigned int order;
	u32 fract;

	min_objects = min(min_objects, max_objects);
	while (min_objects > 1) {
		for (fract = 16; fract >= 4; fract /= 2) {
			order = smm_calc_slab_order(size, first, min_objects,
						    SMM_SLAB_MAX_ORDER, fract);
			if (order <= SMM_SLAB_MAX_ORDER)
				return order;
		}
		min_objects--;
	}
	order = smm_calc_slab_order(size, first, 1, SMM_SLAB_MAX_ORDER, 1);
	return order <= SMM_SLAB_MAX_ORDER ? (int)order : -E2BIG;
}

/*
 * set_cpu_partial() and slub_set_cpu_partial(): how many objects a CPU's
 * partial list should hold, by object size (none for debug caches, as
 * kmem_cache_has_cpu_partial()), turned into a number of slabs assumed
 * half full: kmalloc-64 120 objects, 4 slabs.
 */
static void smm_cache_set_cpu_partial(struct smm_cache *c)
{
	u32 n;

	if (c->flags & SMM_CACHE_DEBUG_FLAGS)
		n = 0;
	else if (c->size >= SMM_PAGE_SIZE)
		n = 6;
	else if (c->size >= 1024)
		n = 24;
	else if (c->size >= 256)
		n = 52;
	else
		n = 120;
	c->cpu_partial = n;
	c->cpu_partial_slabs = (n * 2 + c->objects - 1) / c->objects;
}

/*
 * calculate_sizes(): the slot is the object, then a red zone of at
 * least 8 bytes (RED_ZONE), then the free pointer when poison would
 * overwrite it inside the object (POISON) or it would reach into the red
 * zone (objects under 4 bytes), then the owner (STORE_USER),
 * rounded up to the alignment.
 */
static int smm_cache_layout(struct smm_cache *c, u32 size, u32 align, unsigned int nr_cpus)
{
	u32 off = ALIGN(size, SMM_SLAB_MIN_ALIGN);
	int order;

	c->object_size = size;
	c->align = smm_cache_alignment(c->flags, align, size);
	if (c->flags & SHADOWMM_CACHE_RED_ZONE)
		off += SMM_SLAB_MIN_ALIGN;
	c->red_end = off;
	c->fp_offset = 0;
	if (c->flags & SHADOWMM_CACHE_POISON ||
	    (c->flags & SHADOWMM_CACHE_RED_ZONE && size < sizeof(u32))) {
		c->fp_offset = off;
		off += SMM_SLAB_MIN_ALIGN;
	}
	c->owner_offset = off;
	if (c->flags & SHADOWMM_CACHE_STORE_USER)
		off += sizeof(u64);
	c->size = ALIGN(off, c->align);
	c->first = 0;

	order = smm_calculate_order(c->size, c->first, nr_cpus);
	if (order < 0)
		return order;
	c->order = order;
	c->slab_bytes = SMM_PAGE_SIZE << order;
	c->objects = smm_order_objects(order, c->size, c->first);
	smm_cache_set_stride(c);
	/* set_min_partial() */
	c->min_partial = min(max(smm_ilog2(c->size) / 2, (unsigned int)SMM_MIN_PARTIAL),
			     (unsigned int)SMM_MAX_PARTIAL);
	smm_cache_set_cpu_partial(c);
	return 0;
}

/* ---- lists (list_lock held) ------------------------------------------ */

static u32 *smm_slab_list_head(struct smm_cache *c, unsigned int list)
{
	return list == SMM_SLAB_FULL ? &c->full : &c->partial;
}

/*
 * Lists change under the list lock; VALIDATE's counts follow
 * (slab_check.c). add_partial(): at the head, or with @tail at the end
 * (the partial list only, which keeps its last slab).
 */
void smm_slab_list_add(struct smm_cache *c, u64 head, struct smm_slab *s, unsigned int list,
		       bool tail)
{
	u32 *first = smm_slab_list_head(c, list);

	if (unlikely(head < c->sweep_end))
		c->sweep_list[list]++;
	s->list = list;
	if (list == SMM_SLAB_PARTIAL && tail && c->partial_tail != SMM_FRAME_NONE) {
		s->next = SMM_FRAME_NONE;
		s->prev = c->partial_tail;
		smm_slab_hdr(c, c->partial_tail)->next = head;
		c->partial_tail = head;
	} else {
		s->prev = SMM_FRAME_NONE;
		s->next = *first;
		if (*first != SMM_FRAME_NONE)
			smm_slab_hdr(c, *first)->prev = head;
		else if (list == SMM_SLAB_PARTIAL)
			c->partial_tail = head;
		*first = head;
	}
	if (list == SMM_SLAB_FULL)
		c->nr_full++;
	else
		c->nr_partial++;
}

void smm_slab_list_del(struct smm_cache *c, u64 head, struct smm_slab *s)
{
	u32 *first = smm_slab_list_head(c, s->list);

	if (unlikely(head < c->sweep_end))
		c->sweep_list[s->list]--;
	if (s->prev != SMM_FRAME_NONE)
		smm_slab_hdr(c, s->prev)->next = s->next;
	else
		*first = s->next;
	if (s->next != SMM_FRAME_NONE)
		smm_slab_hdr(c, s->next)->prev = s->prev;
	else if (s->list == SMM_SLAB_PARTIAL)
		c->partial_tail = s->prev;
	if (s->list == SMM_SLAB_FULL)
		c->nr_full--;
	else
		c->nr_partial--;
	s->list = SMM_SLAB_ON_CPU;
	s->prev = s->next = SMM_FRAME_NONE;
}

/* ---- slabs from and to the buddy ------------------------------------- */

/*
 * A slab head made (@made) or unmade at @head: the descriptor's store,
 * nr_slabs and the sweeps' counts of slabs behind their cursors move
 * together, under the list lock (held by the caller) and census_lock.
 */
void smm_slab_set_made(struct smm_cache *c, u64 head, const struct smm_slab *desc, bool made,
		       unsigned int cpu)
{
	struct smm_slabs *s = c->slabs;
	u64 data = made ? smm_slab_frame_data(c->id, desc->idx) :
		   smm_frame_links(SMM_FRAME_NONE, SMM_FRAME_NONE);
	s64 d = made ? 1 : -1;

	smm_lock(&s->census_lock);
	/* unmade: a PAGE head with empty links, as the buddy hands blocks out */
	smm_frame_own(c->mm, head, made ? SMM_FRAME_SLAB : SMM_FRAME_PAGE, data, cpu);
	c->nr_slabs += d;
	if (unlikely(head < s->census_end))
		c->census_slabs += d;
	if (unlikely(head < c->sweep_end))
		c->sweep_slabs += d;
	smm_unlock(&s->census_lock);
}

/*
 * Give an empty slab (on no list) back to the buddy: its head becomes
 * a PAGE head again, which is what smm_free_pages() takes, and its
 * descriptor goes back to the pool. Under the list lock (the buddy's
 * locks come after it).
 */
void smm_slab_discard(struct smm_cache *c, u64 head, unsigned int cpu)
{
	struct smm_slab *d = smm_slab_hdr(c, head);

	c->slabs_free++;
	smm_slab_set_made(c, head, d, false, cpu);
	smm_slab_desc_put(c->slabs, d);
	smm_free_pages(c->mm, head, cpu);
}

/* ---- the CPUs' partial lists (the CPU's lock and the list lock held) -- */

/* Push @s, on no list, on @cc's partial list (@cc is CPU @cpu's). */
static void smm_slab_cpu_partial_push(struct smm_cache *c, struct smm_cache_cpu *cc,
				      unsigned int cpu, u64 head, struct smm_slab *s)
{
	if (unlikely(head < c->sweep_end))
		c->sweep_list[SMM_SLAB_CPU_PARTIAL]++;
	s->list = SMM_SLAB_CPU_PARTIAL;
	s->cpu = cpu;
	s->prev = SMM_FRAME_NONE;
	s->next = cc->partial;
	cc->partial = head;
	cc->nr_partial++;
}

/* Pop the first slab of @cc's partial list (not empty); it is on no list then. */
static struct smm_slab *smm_slab_cpu_partial_pop(struct smm_cache *c, struct smm_cache_cpu *cc,
						 u64 *head)
{
	struct smm_slab *s;

	*head = cc->partial;
	s = smm_slab_hdr(c, *head);
	if (unlikely(*head < c->sweep_end))
		c->sweep_list[SMM_SLAB_CPU_PARTIAL]--;
	cc->partial = s->next;
	cc->nr_partial--;
	s->list = SMM_SLAB_ON_CPU;
	s->cpu = SMM_SLAB_NO_CPU;
	s->next = SMM_FRAME_NONE;
	return s;
}

static u64 smm_slab_file(struct smm_cache *c, u64 head, struct smm_slab *s, bool discard,
			 bool tail, unsigned int cpu);

/*
 * __unfreeze_partials(): every slab of @cc's partial list to the end of
 * the cache's partial list, an empty one back to the buddy when
 * min_partial slabs are on the partial list already (or @discard).
 * Returns the frames given back.
 */
static u64 smm_slab_unfreeze_partials(struct smm_cache *c, struct smm_cache_cpu *cc,
				      bool discard, unsigned int cpu)
{
	u64 frames = 0, head;
	struct smm_slab *s;

	while (cc->partial != SMM_FRAME_NONE) {
		s = smm_slab_cpu_partial_pop(c, cc, &head);
		frames += smm_slab_file(c, head, s, discard, true, cpu);
	}
	return frames;
}

/*
 * put_cpu_partial(): @s, on no list, goes first on CPU @cpu's partial
 * list. With @drain (a free made it partial) a list already holding
 * cpu_partial_slabs slabs is first emptied to the cache's lists.
 */
static void smm_slab_put_cpu_partial(struct smm_cache *c, struct smm_cache_cpu *cc,
				     unsigned int cpu, u64 head, struct smm_slab *s, bool drain)
{
	if (drain && cc->nr_partial >= c->cpu_partial_slabs)
		smm_slab_unfreeze_partials(c, cc, false, cpu);
	smm_slab_cpu_partial_push(c, cc, cpu, head, s);
}

/*
 * allocate_slab(): a block from the buddy and a descriptor from the
 * pool, with every slot on the descriptor's freelist in address order.
 * No lock of the cache is needed: nobody else knows the slab yet. The
 * caller marks it SLAB for this cache (smm_slab_set_made()) under the
 * list lock.
 */
struct smm_slab *smm_slab_new(struct smm_cache *c, unsigned int cpu, u64 *head, char **basep)
{
	struct smm_slab *s;
	char *base;
	u32 i, off;

	if (smm_alloc_pages(c->mm, c->order, c->gfp, cpu, head))
		return NULL;
	base = smm_slab_pos_virt(c->mm, *head << SMM_PAGE_SHIFT);
	s = base ? smm_slab_desc_get(c->slabs, *head) : NULL;
	if (!s) {
		WARN_ON_ONCE(!base);
		smm_free_pages(c->mm, *head, cpu);
		return NULL;
	}
	*basep = base;
	s->freelist = 0;
	s->inuse = 0;
	s->list = SMM_SLAB_ON_CPU;
	s->sublist = 0;
	s->prev = s->next = SMM_FRAME_NONE;
	s->cpu = SMM_SLAB_NO_CPU;
	for (i = 0, off = c->first; i < c->objects; i++, off += c->size) {
		if (unlikely(c->flags & SMM_CACHE_DEBUG_FLAGS))
			smm_slab_debug_init(c, base + off);
		smm_slab_fp_set(c, base, off, i + 1 < c->objects ? off + c->size : SMM_SLAB_END);
	}
	s->freelist = c->first;
	return s;
}

/*
 * Make @s the active slab of @cc: the CPU owns its whole freelist. Only
 * CPU @cpu itself, under its lock: base, fp_base and desc are written
 * before the word that lets its fast path use them.
 */
static void smm_slab_activate(struct smm_cache *c, struct smm_cache_cpu *cc, unsigned int cpu,
			      u64 head, struct smm_slab *s)
{
	cc->base = smm_slab_pos_virt(c->mm, head << SMM_PAGE_SHIFT);
	cc->fp_base = cc->base + c->fp_offset;
	cc->desc = s;
	smm_cc_set(cc, head, s->freelist);
	s->freelist = SMM_SLAB_END;
	s->inuse = c->objects;
	s->cpu = cpu;
	s->list = SMM_SLAB_ON_CPU;
}

/*
 * File a slab that is on no list by how full it is. An empty slab is
 * kept on the partial list while fewer than min_partial are there
 * (unless @discard), else it goes back to the buddy. A partial slab
 * goes at the head of the partial list, or with @tail at its end
 * (SLUB's DEACTIVATE_TO_TAIL). Returns the frames given back.
 */
static u64 smm_slab_file(struct smm_cache *c, u64 head, struct smm_slab *s, bool discard,
			 bool tail, unsigned int cpu)
{
	if (!s->inuse && (discard || c->nr_partial >= c->min_partial)) {
		smm_slab_discard(c, head, cpu);
		return 1ULL << c->order;
	}
	smm_slab_list_add(c, head, s, s->inuse == c->objects ? SMM_SLAB_FULL : SMM_SLAB_PARTIAL,
			  tail);
	return 0;
}

/*
 * The free pointer of the object at @off of the active slab leaves the
 * slab: report and count it; the objects after it on the freelist are lost.
 */
static void smm_cache_bad_fp(struct smm_cache *c, struct smm_cache_cpu *cc, u64 head, u32 off)
{
	smm_slab_report(c, (head << SMM_PAGE_SHIFT) + off,
			"freelist pointer corrupted (objects after it are lost)");
	cc->stats.errors++;
}

/*
 * deactivate_slab(): hand the CPU's freelist back to the slab descriptor,
 * ahead of what remote frees put there, and file the slab: at the end
 * of the partial list if the CPU's freelist still held objects, else at
 * its head. The walk is
 * bounded by the slab's object count and stops at a pointer that leaves
 * the slab, so a corrupted freelist loses objects but never memory
 * outside the slab. Under @cc's lock and the list lock, with @w the
 * CPU's word (its own, or frozen by another CPU: smm_cc_freeze()),
 * which is left SMM_CC_NONE. Returns the frames given back to the buddy.
 */
static u64 smm_slab_deactivate(struct smm_cache *c, struct smm_cache_cpu *cc, u64 w,
			       bool discard, unsigned int cpu)
{
	struct smm_slab *s = cc->desc;
	u64 head = smm_cc_word_slab(w);
	u32 first = smm_cc_word_free(w), off = first, tail = SMM_SLAB_END, n = 0;

	while (off != SMM_SLAB_END && n < c->objects && smm_slab_slot_ok(c, off)) {
		tail = off;
		n++;
		off = smm_slab_fp_get(c, cc->base, off);
	}
	if (off != SMM_SLAB_END)
		smm_cache_bad_fp(c, cc, head, tail != SMM_SLAB_END ? tail : 0);
	if (tail != SMM_SLAB_END) {
		smm_slab_fp_set(c, cc->base, tail, s->freelist);
		s->freelist = first;
	}
	s->inuse -= n;
	s->cpu = SMM_SLAB_NO_CPU;
	smm_cc_thaw(cc, SMM_CC_NONE);
	return smm_slab_file(c, head, s, discard, n > 0, cpu);
}

/* ---- the fast and slow paths ----------------------------------------- */

/*
 * ___slab_alloc(): the active slab's freelist is empty. Take what remote
 * frees left on its descriptor, else file it as full and take the first
 * slab of this CPU's partial list, else the first of the cache's partial
 * list, moving more of them to this CPU's list until it holds more than
 * half of cpu_partial_slabs (get_partial_node()), else a new slab from
 * the buddy (with the list lock dropped: the buddy may drain every CPU's
 * page lists). Under @cc's lock; returns false when the buddy has
 * nothing.
 */
static bool smm_cache_refill(struct smm_cache *c, struct smm_cache_cpu *cc, unsigned int cpu)
{
	struct smm_slab *s;
	char *base;
	u64 head;

	smm_lock(&c->list_lock);
	head = smm_cc_slab(cc);
	if (head != SMM_FRAME_NONE) {
		s = cc->desc;
		if (s->freelist != SMM_SLAB_END) {
			smm_slab_activate(c, cc, cpu, head, s);
			smm_unlock(&c->list_lock);
			return true;
		}
		smm_slab_deactivate(c, cc, READ_ONCE(cc->fast), false, cpu);
	}
	if (cc->partial != SMM_FRAME_NONE) {
		s = smm_slab_cpu_partial_pop(c, cc, &head);
		smm_slab_activate(c, cc, cpu, head, s);
		smm_unlock(&c->list_lock);
		return true;
	}
	if (c->partial != SMM_FRAME_NONE) {
		unsigned int moved = 0;

		head = c->partial;
		s = smm_slab_hdr(c, head);
		smm_slab_list_del(c, head, s);
		smm_slab_activate(c, cc, cpu, head, s);
		while (c->cpu_partial_slabs && c->partial != SMM_FRAME_NONE &&
		       moved <= c->cpu_partial_slabs / 2) {
			head = c->partial;
			s = smm_slab_hdr(c, head);
			smm_slab_list_del(c, head, s);
			smm_slab_put_cpu_partial(c, cc, cpu, head, s, false);
			moved++;
		}
		smm_unlock(&c->list_lock);
		return true;
	}
	smm_unlock(&c->list_lock);

	s = smm_slab_new(c, cpu, &head, &base);
	if (!s)
		return false;
	smm_lock(&c->list_lock);
	smm_slab_set_made(c, head, s, true, cpu);
	c->slabs_alloc++;
	smm_unlock(&c->list_lock);
	smm_slab_activate(c, cc, cpu, head, s);
	return true;
}

/*
 * smm_cache_alloc() past its fast path: the active slab's freelist is
 * empty (refill, perhaps more than once), or the cache has debug flags.
 * Under @cc's lock, which it drops. Counts as smm_cache_alloc() always did.
 */
static noinline void *smm_cache_alloc_slow(struct smm_cache *c, struct smm_cache_cpu *cc,
					   unsigned int cpu, u64 owner, u64 *pos)
{
	bool slow = false;
	u32 off, next;
	char *obj;
	u64 head;

	if (unlikely(c->ops))
		return c->ops->alloc(c, cc, cpu, pos);
	for (;;) {
		off = smm_cc_free(cc);
		if (likely(off != SMM_SLAB_END)) {
			next = smm_slab_fp_get(c, cc->base, off);
			if (unlikely(next != SMM_SLAB_END && !smm_slab_slot_ok(c, next))) {
				smm_cache_bad_fp(c, cc, smm_cc_slab(cc), off);
				next = SMM_SLAB_END;
			}
			break;
		}
		if (!smm_cache_refill(c, cc, cpu)) {
			cc->stats.alloc_fail++;
			smm_unlock(&cc->lock);
			return NULL;
		}
		slow = true;
	}
	if (slow)
		smm_count_add(cc->stats.alloc_slow, 1);
	else
		smm_count_add(cc->stats.alloc_fast, 1);
	head = smm_cc_slab(cc);
	smm_cc_set(cc, head, next);
	obj = cc->base + off;
	*pos = (head << SMM_PAGE_SHIFT) + off;
	if (unlikely(c->flags & SMM_CACHE_DEBUG_FLAGS))
		cc->stats.errors += smm_slab_debug_alloc(c, obj, *pos, owner);
	smm_unlock(&cc->lock);
	return obj;
}

/*
 * smm_cache_alloc() when failslab is armed, the cache has debug flags or
 * another policy than SLUB's (its slow byte, SMM_CACHE_SLOW_*):
 * the fault injection's verdict first, then all of it under @cpu's lock
 * in smm_cache_alloc_slow() (which pops as the fast path does when the
 * freelist holds an object). Out of line, so that @owner and @cpu do
 * not live across the fast path's lock call.
 */
static noinline void *smm_cache_alloc_cold(struct smm_cache *c, unsigned int cpu, u64 owner,
					   u64 *pos)
{
	struct smm_cache_cpu *cc = &c->cpu[cpu];

	if (smm_should_failslab(&c->mm->fail[SHADOWMM_FAULT_SLAB], c->flags, c->gfp, c->object_size))
		return NULL;
	smm_lock(&cc->lock);
	return smm_cache_alloc_slow(c, cc, cpu, owner, pos);
}

/*
 * smm_cache_alloc() when its lockless fast path cannot pop: the freelist
 * is empty, its next pointer is not sound, or another CPU froze the word
 * (smm_cc_freeze()) or changed it meanwhile. All of it again under the
 * lock, where the word holds still.
 */
static noinline void *smm_cache_alloc_locked(struct smm_cache *c, struct smm_cache_cpu *cc,
					     u64 *pos)
{
	smm_lock(&cc->lock);
	return smm_cache_alloc_slow(c, cc, cc - c->cpu, 0, pos);
}

/*
 * Allocate one object on behalf of @cpu (the caller stays on it) and
 * return its memory, its position in *@pos. The fast path pops the
 * active slab's freelist without a lock, as SLUB's does: it reads the
 * CPU's word (active slab and first free object), the first object's
 * free pointer (checked, smm_slab_slot_ok(), and hardened,
 * smm_slab_fp_get(), always), and swaps in the next one with cmpxchg,
 * which fails if another CPU froze or changed the word meanwhile. With
 * preemption off, nothing else of this CPU runs between the read and
 * the swap; another CPU only takes the word under the lock
 * (smm_cc_freeze()), so a word that compares equal still names the same
 * freelist. The free pointer is read before the swap, perhaps of an
 * object another CPU just got (then the swap fails): data_race(), as
 * get_freepointer_safe() reads it. Anything else goes on under the lock
 * (smm_cache_alloc_locked()). @owner is kept with the object
 * (STORE_USER, a debug flag). Fault injection (failslab) may fail it
 * first (smm_cache_alloc_cold()).
 */
static __always_inline void *__smm_cache_alloc(struct smm_cache *c, unsigned long cpu, u64 owner,
					       u64 *pos)
{
	struct smm_cache_cpu *cc;
	u32 off, next;
	char *base;
	u64 w, hi;

	/* debug flags, another policy or failslab armed: one byte (slab.h) */
	if (unlikely(smm_cache_slow(c) || !SMM_LOCKLESS_FAST_PATH))
		return smm_cache_alloc_cold(c, cpu, owner, pos);
	cc = &c->cpu[cpu];
	smm_preempt_disable();
	w = READ_ONCE(cc->fast);
	off = smm_cc_word_free(w);
	if (unlikely(off == SMM_SLAB_END))
		goto locked;
	base = cc->base;
	next = data_race(smm_slab_fp_get(c, base, off));
	if (unlikely(!smm_slab_slot_ok(c, next)) && next != SMM_SLAB_END)
		goto locked;
	/* the same slab, next in off's place */
	hi = smm_cc_word_hi(w);
	if (unlikely(!smm_cmpxchg64(&cc->fast, &w, hi + next)))
		goto locked;
	smm_count_inc_cpu(cc->stats.alloc_fast);
	smm_preempt_enable();
	*pos = smm_cc_hi_pos(hi) + off;
	return base + off;
locked:
	smm_preempt_enable();
	return smm_cache_alloc_locked(c, cc, pos);
}

/* The above, traced as kmem_cache_alloc() is (a failure too: ptr NULL). */
void *smm_cache_alloc(struct smm_cache *c, unsigned long cpu, u64 owner, u64 *pos)
{
	void *obj = __smm_cache_alloc(c, cpu, owner, pos);

	smm_trace_cache_alloc(c, obj);
	return obj;
}

/*
 * __slab_free(): @pos is in a slab that is not this CPU's active one.
 * Push it on the slab descriptor's freelist under the list lock. A slab
 * active on a CPU or on a CPU's partial list (frozen) stays there; a
 * full one goes on this CPU's partial list (put_cpu_partial(), unless
 * the cache has none: then to the end of the partial list). A slab that
 * becomes empty goes back to the buddy when min_partial slabs are on the
 * partial list (itself included, as SLUB counts), else stays where it
 * is. Under @cc's lock.
 */
static int smm_cache_free_slow(struct smm_cache *c, struct smm_cache_cpu *cc, u64 head,
			       u32 off, unsigned int cpu)
{
	char *base = smm_slab_pos_virt(c->mm, head << SMM_PAGE_SHIFT);
	struct smm_slab *s;

	smm_lock(&c->list_lock);
	s = smm_slab_at(c, head);
	if (unlikely(!s || !base || s->freelist == off || !s->inuse)) {
		smm_unlock(&c->list_lock);
		return -EINVAL;
	}
	smm_slab_fp_set(c, base, off, s->freelist);
	s->freelist = off;
	s->inuse--;
	smm_count_add(cc->stats.free_slow, 1);
	if (s->list == SMM_SLAB_FULL && c->cpu_partial_slabs) {
		smm_slab_list_del(c, head, s);
		smm_slab_put_cpu_partial(c, cc, cpu, head, s, true);
	} else if ((s->list == SMM_SLAB_PARTIAL || s->list == SMM_SLAB_FULL) && !s->inuse &&
		   c->nr_partial >= c->min_partial) {
		smm_slab_list_del(c, head, s);
		smm_slab_discard(c, head, cpu);
	} else if (s->list == SMM_SLAB_FULL) {
		smm_slab_list_del(c, head, s);
		smm_slab_list_add(c, head, s, SMM_SLAB_PARTIAL, true);
	}
	smm_unlock(&c->list_lock);
	return 0;
}

/*
 * smm_cache_free() past its fast path, under @cc's lock, which it drops:
 * the debug checks, a free to another slab, a refused double free.
 */
static noinline int smm_cache_free_locked(struct smm_cache *c, struct smm_cache_cpu *cc, u64 pos,
					  u64 head, u32 off, unsigned int cpu)
{
	int ret = 0;

	if (unlikely(c->ops))
		return c->ops->free(c, cc, pos, cpu);
	if (unlikely(c->flags & SMM_CACHE_DEBUG_FLAGS)) {
		ret = smm_slab_debug_free(c, pos);
		if (ret < 0)
			goto out_error;
		cc->stats.errors += ret;
		ret = 0;
	}
	if (likely(head == smm_cc_slab(cc))) {
		u32 free = smm_cc_free(cc);

		if (unlikely(off == free)) {
			ret = -EINVAL;
			goto out_double;
		}
		smm_slab_fp_set(c, cc->base, off, free);
		smm_cc_set(cc, head, off);
		smm_count_add(cc->stats.free_fast, 1);
		smm_unlock(&cc->lock);
		return 0;
	}
	ret = smm_cache_free_slow(c, cc, head, off, cpu);
	if (!ret) {
		smm_unlock(&cc->lock);
		return 0;
	}
out_double:
	smm_slab_report(c, pos, "double free");
out_error:
	cc->stats.errors++;
	smm_unlock(&cc->lock);
	return ret;
}

/*
 * smm_cache_free() past its lockless fast path: take the lock and do it
 * all there. Out of line, so that nothing lives across the lock call on
 * the fast path; @pos second, where smm_cache_free() has it, so the tail
 * call moves nothing and the fast path keeps no copy.
 */
static noinline int smm_cache_free_lock(struct smm_cache *c, u64 pos, struct smm_cache_cpu *cc)
{
	u64 head = smm_slab_head(c, pos);

	smm_lock(&cc->lock);
	return smm_cache_free_locked(c, cc, pos, head, (u32)(pos - (head << SMM_PAGE_SHIFT)),
				     cc - c->cpu);
}

/*
 * smm_cache_free_lock() from the fast path's registers: @pos was @off
 * past the slab position of the word's slab half @hi (smm_cc_word_hi()),
 * whatever the word held (no active slab too: the sum wraps back), so
 * the fast path keeps no copy of @pos.
 */
static noinline int smm_cache_free_lock_off(struct smm_cache *c, u64 off,
					    struct smm_cache_cpu *cc, u64 hi)
{
	return smm_cache_free_lock(c, smm_cc_hi_pos(hi) + off, cc);
}

/*
 * Free the object at @pos on behalf of @cpu. An object of the CPU's
 * active slab goes on its freelist (the fast path, lockless as the
 * allocation's: its free pointer is set, then the word swapped with
 * cmpxchg; the object is the caller's until the swap succeeds, so a
 * failed swap wrote only into it); any other takes the slow path under
 * the lock. The naive double free (the object already heads the
 * freelist it would go on) is refused as SLUB's hardened
 * set_freepointer() check does; the debug flags catch the rest.
 * Returns 0, or -EINVAL for a free that was refused and reported.
 */
int smm_cache_free(struct smm_cache *c, u64 pos, unsigned long cpu)
{
	struct smm_cache_cpu *cc = &c->cpu[cpu];
	u64 off, w, hi;
	u32 free;

	smm_trace_cache_free(c, pos);
	if (unlikely((smm_cache_slow(c) & SMM_CACHE_SLOW_LOCKED) || !SMM_LOCKLESS_FAST_PATH))
		return smm_cache_free_lock(c, pos, cc);
	smm_preempt_disable();
	w = READ_ONCE(cc->fast);
	free = smm_cc_word_free(w);
	/*
	 * In the active slab when its offset from the slab's start is below
	 * the slab's size: the head compare, without finding the head (no
	 * active slab, SMM_FRAME_NONE, starts above every position).
	 */
	hi = smm_cc_word_hi(w);
	off = pos - smm_cc_hi_pos(hi);
	if (likely(off < c->slab_bytes && (u32)off != free)) {
		/* smm_slab_fp_set() with the free pointer's address from fp_base */
		*(u32 *)(cc->fp_base + off) = smm_slab_fp_code(c, off) ^ free;
		/* the same slab, off in free's place */
		if (likely(smm_cmpxchg64(&cc->fast, &w, hi + off))) {
			smm_count_inc_cpu(cc->stats.free_fast);
			smm_preempt_enable();
			return 0;
		}
	}
	smm_preempt_enable();
	return smm_cache_free_lock_off(c, off, cc, hi);
}

/*
 * count_partial(count_free): the free objects of the slabs on the
 * cache's partial list, a walk of it as SLUB's. Under the list lock.
 */
static u64 smm_cache_count_partial_free(struct smm_cache *c)
{
	u64 head = c->partial, n = 0, free = 0;

	while (head != SMM_FRAME_NONE && n++ < c->nr_partial) {
		const struct smm_slab *s = smm_slab_hdr(c, head);

		free += c->objects - s->inuse;
		head = s->next;
	}
	return free;
}

/*
 * A snapshot for netlink and slabinfo. active_objs is exact (allocations
 * minus frees); SLUB's slabinfo counts objects on CPU freelists as
 * active too. The list lock and each CPU's lock are taken in turn.
 */
void smm_cache_info(struct smm_cache *c, struct smm_cache_info *info)
{
	unsigned int i;

	memset(info, 0, sizeof(*info));
	memcpy(info->name, c->name, sizeof(info->name));
	info->id = c->id;
	info->flags = c->flags;
	info->object_size = c->object_size;
	info->size = c->size;
	info->align = c->align;
	info->order = c->order;
	info->objects = c->objects;
	info->builtin = c->builtin;
	info->cpu_partial = c->cpu_partial;
	smm_lock(&c->list_lock);
	info->num_slabs = c->nr_slabs;
	info->partial_slabs = c->nr_partial;
	info->full_slabs = c->nr_full;
	info->slabs_alloc = c->slabs_alloc;
	info->slabs_free = c->slabs_free;
	info->partial_free = smm_cache_count_partial_free(c);
	smm_unlock(&c->list_lock);
	info->cached = smm_cache_nr_cached(c);
	for (i = 0; i < c->mm->nr_cpus; i++) {
		struct smm_cache_cpu *cc = &c->cpu[i];

		smm_lock(&cc->lock);
		info->cpu_slabs += smm_cc_slab(cc) != SMM_FRAME_NONE;
		info->cpu_partial_slabs += cc->nr_partial;
		/* the fast paths count without the lock: their own CPU's counters */
		info->stats.alloc_fast += READ_ONCE(cc->stats.alloc_fast);
		info->stats.alloc_slow += cc->stats.alloc_slow;
		info->stats.free_fast += READ_ONCE(cc->stats.free_fast);
		info->stats.free_slow += cc->stats.free_slow;
		info->stats.alloc_fail += cc->stats.alloc_fail;
		info->stats.errors += cc->stats.errors;
		smm_unlock(&cc->lock);
	}
	info->active_objs = info->stats.alloc_fast + info->stats.alloc_slow -
			    info->stats.free_fast - info->stats.free_slow;
	info->num_objs = info->num_slabs * c->objects;
	info->policy = c->policy;
	info->active_slabs = info->num_slabs;
	if (c->ops && c->ops->info)
		c->ops->info(c, info);
}

/* ---- flushing, shrinking, destroying --------------------------------- */

/*
 * flush_cpu_slab() for every CPU: its active slab and its partial list
 * back to the cache's lists; each CPU's lock, then the list lock. The
 * CPU may be another than the caller's, running its lockless fast path:
 * its word is frozen (smm_cc_freeze()) before the freelist is walked,
 * and stays SMM_CC_NONE. Returns the frames of empty slabs given back on
 * the way.
 */
static u64 smm_cache_flush(struct smm_cache *c, bool discard, unsigned int cpu)
{
	unsigned int i;
	u64 frames = 0, w;

	for (i = 0; i < c->mm->nr_cpus; i++) {
		struct smm_cache_cpu *cc = &c->cpu[i];

		smm_lock(&cc->lock);
		smm_lock(&c->list_lock);
		w = smm_cc_freeze(cc);
		if (smm_cc_word_slab(w) != SMM_FRAME_NONE)
			frames += smm_slab_deactivate(c, cc, w, discard, cpu);
		frames += smm_slab_unfreeze_partials(c, cc, discard, cpu);
		smm_unlock(&c->list_lock);
		smm_unlock(&cc->lock);
	}
	return frames;
}

/*
 * The descriptor of the slab of @c whose head is @idx, or NULL if there
 * is none (or the head names a descriptor that is not its own).
 */
struct smm_slab *smm_slab_at(struct smm_cache *c, u64 idx)
{
	struct smm_slabs *s = c->slabs;
	struct smm_slab *d;
	struct smm_frame f;
	u32 i;

	if (idx >= c->mm->range->span)
		return NULL;
	f = smm_frame_load(&c->mm->frames[idx]);
	if (smm_frame_type(&f) != SMM_FRAME_SLAB || smm_frame_owner(&f) != SMM_OWNER_SLAB ||
	    smm_slab_frame_cache(&f) != c->id)
		return NULL;
	i = smm_slab_frame_desc(&f);
	if (i >= READ_ONCE(s->desc_used))
		return NULL;
	d = smm_slab_desc(s, i);
	return d->head == idx ? d : NULL;
}

/*
 * Discard the empty slabs of the partial list, SMM_SLAB_BATCH slabs
 * looked at per taking of the list lock. The walk resumes at the slab
 * it stopped before, if that is still on the partial list; if it was
 * taken meanwhile, the walk ends there: a shrink racing with the
 * cache's users gives back what was empty when it passed, as any does.
 */
static u64 smm_cache_discard_empty(struct smm_cache *c, unsigned int cpu)
{
	u64 head = SMM_FRAME_NONE, frames = 0;
	bool start = true;
	unsigned int n;

	do {
		struct smm_slab *s;
		u64 t0;

		smm_lock(&c->list_lock);
		t0 = smm_clock_ns();
		if (start)
			head = c->partial;
		else if (!(s = smm_slab_at(c, head)) || s->list != SMM_SLAB_PARTIAL)
			head = SMM_FRAME_NONE;
		start = false;
		for (n = 0; head != SMM_FRAME_NONE && n < SMM_SLAB_BATCH; n++) {
			u64 next;

			s = smm_slab_hdr(c, head);
			next = s->next;
			if (!s->inuse) {
				smm_slab_list_del(c, head, s);
				smm_slab_discard(c, head, cpu);
				frames += 1ULL << c->order;
			}
			head = next;
		}
		smm_hold_end(c->mm, SMM_HOLD_SHRINK, t0);
		smm_unlock(&c->list_lock);
		smm_cond_resched();
	} while (head != SMM_FRAME_NONE);
	return frames;
}

/*
 * kmem_cache_shrink(): take every CPU's active slab back, then give
 * every empty slab to the buddy, min_partial or not. Returns the frames
 * given back. @cpu is the caller's, for the buddy's per-CPU lists.
 */
u64 smm_cache_shrink(struct smm_cache *c, unsigned int cpu)
{
	u64 frames;

	if (c->ops && c->ops->shrink)
		return c->ops->shrink(c, cpu);
	frames = smm_cache_flush(c, true, cpu);
	return frames + smm_cache_discard_empty(c, cpu);
}

/* Objects allocated and not freed, from the CPUs' counters. */
u64 smm_cache_live(const struct smm_cache *c)
{
	u64 n = 0;
	unsigned int i;

	for (i = 0; i < c->mm->nr_cpus; i++) {
		const struct smm_cache_cpu_stats *st = &c->cpu[i].stats;

		n += READ_ONCE(st->alloc_fast) + READ_ONCE(st->alloc_slow);
		n -= READ_ONCE(st->free_fast) + READ_ONCE(st->free_slow);
	}
	return n;
}

/*
 * Give every slab of the lists back, whatever it holds, SMM_SLAB_BATCH
 * per taking of the list lock. Nobody uses the cache any more.
 */
static void smm_cache_discard_all(struct smm_cache *c, unsigned int cpu)
{
	unsigned int list, n;

	do {
		u64 t0;

		smm_lock(&c->list_lock);
		t0 = smm_clock_ns();
		for (n = 0, list = SMM_SLAB_PARTIAL; list <= SMM_SLAB_FULL; list++) {
			u32 *first = smm_slab_list_head(c, list);

			for (; *first != SMM_FRAME_NONE && n < SMM_SLAB_BATCH; n++) {
				u64 head = *first;

				smm_slab_list_del(c, head, smm_slab_hdr(c, head));
				smm_slab_discard(c, head, cpu);
			}
		}
		smm_hold_end(c->mm, SMM_HOLD_SHRINK, t0);
		smm_unlock(&c->list_lock);
		smm_cond_resched();
	} while (n == SMM_SLAB_BATCH);
}

static void smm_cache_free_struct(struct smm_cache *c)
{
	smm_slabp_release(c);
	smm_free_array(c->cpu);
	smm_free_array(c);
}

/*
 * Tear a cache down whatever it holds: its shrinker out and its cached
 * objects freed (slab_shrink.c), every CPU's slab back, every slab
 * to the buddy, the cache out of the set. The caller makes sure nobody
 * uses the cache any more and forgets its objects.
 */
void __smm_cache_destroy(struct smm_slabs *s, struct smm_cache *c, unsigned int cpu)
{
	/* no shrinker may scan it any more; its cached objects go first */
	smm_cache_shrinker_exit(c);
	/* what the policy keeps beside SLUB's lists (SLOB: objects in the heap) */
	if (c->ops && c->ops->destroy)
		c->ops->destroy(c, cpu);
	/* slabs first: CHECK must never see a slab of a cache it cannot find */
	smm_cache_flush(c, true, cpu);
	smm_cache_discard_all(c, cpu);
	smm_lock(&c->list_lock);
	WARN_ON_ONCE(c->nr_slabs || c->nr_partial || c->nr_full);
	smm_unlock(&c->list_lock);

	smm_mutex_lock(&s->mutex);
	WRITE_ONCE(s->caches[c->id], NULL);
	s->nr_destroyed++;
	memcpy(s->last_destroyed, c->name, sizeof(s->last_destroyed));
	smm_mutex_unlock(&s->mutex);
	smm_cache_free_struct(c);
}

/*
 * Why smm_cache_destroy() refuses @c, or NULL: built-in caches (kmalloc,
 * and those the module uses itself; *@err = -EPERM), and caches with
 * live objects unless @force (-EBUSY). Cached objects are not live for
 * this (destroy frees them, as unmounting prunes unused dentries). The
 * caller keeps the cache alive.
 */
const char *smm_cache_destroy_refusal(const struct smm_cache *c, bool force, int *err)
{
	*err = -EPERM;
	if (c->builtin && c == c->slabs->slob_heap)
		return "slob-heap is built in: it holds the objects of every slob cache";
	if (c->builtin)
		return "the kmalloc caches are built in and cannot be destroyed";
	*err = -EBUSY;
	if (!force && smm_cache_live(c) > smm_cache_nr_cached(c))
		return "cache has live objects (force frees them)";
	*err = 0;
	return NULL;
}

/*
 * kmem_cache_destroy(), unless smm_cache_destroy_refusal() names a
 * reason: @force gives every slab back with whatever is in it.
 */
int smm_cache_destroy(struct smm_slabs *s, struct smm_cache *c, bool force, unsigned int cpu)
{
	int err;

	if (smm_cache_destroy_refusal(c, force, &err))
		return err;
	__smm_cache_destroy(s, c, cpu);
	return 0;
}

/* ---- creating -------------------------------------------------------- */

static bool smm_cache_name_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.' || ch == ':';
}

/* What is wrong with these creation arguments, or NULL. */
const char *smm_cache_check_args(const char *name, u32 size, u32 align, u32 flags)
{
	size_t i, len = strlen(name);

	if (!len || len >= SMM_CACHE_NAME_LEN)
		return "cache name must be 1 to 31 characters";
	for (i = 0; i < len; i++)
		if (!smm_cache_name_char(name[i]))
			return "cache name may hold only letters, digits and - _ . :";
	if (!size || size > SMM_SLAB_MAX_SIZE)
		return "object size must be 1 to 8192 bytes";
	if (align && (!smm_is_pow2(align) || align > SMM_PAGE_SIZE))
		return "alignment must be 0 or a power of two up to 4096";
	if (flags & ~(SHADOWMM_CACHE_ALL | SMM_CACHE_INTERNAL))
		return "unknown cache flags";
	if (!(flags & SMM_CACHE_SLOB_HEAP) && smm_slob_name_reserved(name))
		return "the name slob-heap is SLOB's own (the pages of every slob cache)";
	return NULL;
}

/*
 * What is wrong with @policy for a cache with @flags, or NULL. SLOB had
 * none of the debug options, no freelist hardening and no reclaimable
 * accounting of its own (its pages are shared by every SLOB cache), so
 * those flags are refused rather than silently ignored.
 */
const char *smm_cache_check_policy(u32 policy, u32 flags)
{
	switch (policy) {
	case SMM_SLUB:
		return NULL;
	case SMM_SLAB:
		if (flags & SHADOWMM_CACHE_STORE_USER)
			return "slab caches take red_zone and poison, not store_user (mm/slab.c's owner word is not modelled)";
		return NULL;
	case SMM_SLOB:
		if (flags & (SMM_CACHE_DEBUG_FLAGS | SHADOWMM_CACHE_HARDENED |
			     SHADOWMM_CACHE_RECLAIM_ACCOUNT))
			return "slob caches take no flags but hwcache_align (SLOB had no debugging, hardening or reclaim accounting)";
		return NULL;
	}
	return "unknown slab policy";
}

struct smm_cache *smm_cache_find(struct smm_slabs *s, const char *name)
{
	struct smm_cache *found = NULL;
	unsigned int i;

	smm_mutex_lock(&s->mutex);
	for (i = 0; i < SMM_MAX_CACHES && !found; i++)
		if (s->caches[i] && !strcmp(s->caches[i]->name, name))
			found = s->caches[i];
	smm_mutex_unlock(&s->mutex);
	return found;
}

static struct smm_cache *smm_cache_alloc_struct(struct smm_slabs *s, const char *name,
						u32 flags)
{
	struct smm_cache *c = smm_zalloc_array(1, sizeof(*c));
	unsigned int i;

	if (!c)
		return NULL;
	c->cpu = smm_zalloc_array(s->mm->nr_cpus, sizeof(*c->cpu));
	if (!c->cpu) {
		smm_free_array(c);
		return NULL;
	}
	memcpy(c->name, name, strlen(name) + 1);
	c->builtin = flags & SMM_CACHE_BUILTIN;
	c->flags = flags & ~SMM_CACHE_INTERNAL;
	c->slabs = s;
	c->mm = s->mm;
	c->gfp = flags & SHADOWMM_CACHE_RECLAIM_ACCOUNT ? SHADOWMM_GFP_RECLAIMABLE : 0;
	smm_lock_init(&c->list_lock);
	smm_cache_shrinker_init(c);
	c->partial = c->full = c->partial_tail = SMM_FRAME_NONE;
	for (i = 0; i < s->mm->nr_cpus; i++) {
		smm_lock_init(&c->cpu[i].lock);
		c->cpu[i].fast = SMM_CC_NONE;
		c->cpu[i].frozen = SMM_CC_NONE;
		c->cpu[i].partial = SMM_FRAME_NONE;
	}
	return c;
}

/* A key per cache from the seed, never 0 so hardening is never a no-op. */
static u32 smm_cache_key(struct smm_slabs *s, u32 id)
{
	u32 k = (s->seed ^ (id * 0x85ebca6bU)) * 0xc2b2ae35U;

	return k ^ (k >> 16) ? : 0x5a5a5a5aU;
}

/* The layout of @policy: SLUB's calculate_sizes(), or the policy's. */
static int smm_cache_policy_layout(struct smm_slabs *s, struct smm_cache *c, u32 size,
				   u32 align, u32 flags, u32 policy)
{
	c->policy = policy;
	if (policy == SMM_SLOB)
		return smm_slob_layout(s, c, size, align, flags);
	if (policy == SMM_SLAB)
		return smm_slabp_layout(c, size, align);
	return smm_cache_layout(c, size, align, s->order_cpus);
}

/*
 * kmem_cache_create(): a cache named @name (unique) for objects of
 * @size bytes aligned to @align (0: 8), with SHADOWMM_CACHE_* @flags,
 * served by @policy (enum smm_slab_policy). Returns -EINVAL for bad
 * arguments, -EEXIST for a taken name, -ENOSPC when every cache id is
 * in use, -ENOMEM.
 */
int smm_cache_create_policy(struct smm_slabs *s, const char *name, u32 size, u32 align,
			    u32 flags, u32 policy, struct smm_cache **out)
{
	struct smm_cache *c;
	unsigned int id;
	int ret;

	if (smm_cache_check_args(name, size, align, flags) || smm_cache_check_policy(policy, flags))
		return -EINVAL;
	c = smm_cache_alloc_struct(s, name, flags);
	if (!c)
		return -ENOMEM;
	ret = smm_cache_policy_layout(s, c, size, align, flags, policy);
	if (ret)
		goto err_free;
	/* what the fast paths test first: LOCKED never changes after creation */
	c->slow = smm_cache_slow_locked(c);
	/* before the set's mutex: the registry never nests under it */
	if (flags & SHADOWMM_CACHE_RECLAIM_ACCOUNT) {
		ret = smm_shrinker_register(&s->shrinkers, &c->shrinker);
		if (ret)
			goto err_free;
	}

	smm_mutex_lock(&s->mutex);
	ret = -ENOSPC;
	for (id = 0; id < SMM_MAX_CACHES; id++) {
		if (s->caches[id] && !strcmp(s->caches[id]->name, name)) {
			ret = -EEXIST;
			break;
		}
		if (!s->caches[id] && ret == -ENOSPC) {
			c->id = id;
			ret = 0;
		}
	}
	if (!ret) {
		/* failslab's arming and disarming hold the mutex too */
		if (smm_fail_armed(&s->mm->fail[SHADOWMM_FAULT_SLAB]))
			c->slow |= SMM_CACHE_SLOW_FAILSLAB;
		if (flags & SHADOWMM_CACHE_HARDENED) {
			c->fp_key = smm_cache_key(s, c->id);
			c->fp_mul = SMM_FP_MUL;
		}
		WRITE_ONCE(s->caches[c->id], c);
		if (flags & SMM_CACHE_SLOB_HEAP)
			WRITE_ONCE(s->slob_heap, c);
		s->nr_created++;
		memcpy(s->last_created, c->name, sizeof(s->last_created));
	}
	smm_mutex_unlock(&s->mutex);
	if (ret)
		goto err_unregister;
	*out = c;
	return 0;

err_unregister:
	if (c->shrinker.id >= 0)
		smm_shrinker_unregister(&s->shrinkers, &c->shrinker);
err_free:
	smm_cache_free_struct(c);
	return ret;
}

/*
 * Set failslab's probability to @probability (smm_fail_set(), checked
 * there) with every cache's SMM_CACHE_SLOW_FAILSLAB bit agreeing, as
 * should_failslab()'s static key is enabled before the target is armed:
 * the bits go up before the probability becomes nonzero and down after
 * it becomes zero, so a fast path that misses the bit finds failslab
 * disarmed, and one that sees a stale bit asks it in
 * smm_cache_alloc_cold() and goes on. Under smm_slabs.mutex, which
 * cache creation holds to set the bit of a new cache; the target's lock
 * inside it (a leaf).
 */
void smm_slabs_failslab_set(struct smm_slabs *s, u32 probability)
{
	struct smm_fail_attr *a = &s->mm->fail[SHADOWMM_FAULT_SLAB];
	unsigned int id;

	smm_mutex_lock(&s->mutex);
	if (!probability) {
		smm_lock(&a->lock);
		WRITE_ONCE(a->probability, 0);
		smm_unlock(&a->lock);
	}
	for (id = 0; id < SMM_MAX_CACHES; id++) {
		struct smm_cache *c = s->caches[id];

		if (c)
			WRITE_ONCE(c->slow, (c->slow & ~SMM_CACHE_SLOW_FAILSLAB) |
					    (probability ? SMM_CACHE_SLOW_FAILSLAB : 0));
	}
	if (probability) {
		smm_lock(&a->lock);
		WRITE_ONCE(a->probability, probability);
		smm_unlock(&a->lock);
	}
	smm_mutex_unlock(&s->mutex);
}

/* smm_cache_create_policy() for SLUB, the default. */
int smm_cache_create(struct smm_slabs *s, const char *name, u32 size, u32 align, u32 flags,
		     struct smm_cache **out)
{
	return smm_cache_create_policy(s, name, size, align, flags, SMM_SLUB, out);
}

/* kmalloc_slab(): the smallest size class that holds @size. */
struct smm_cache *smm_kmalloc_cache(struct smm_slabs *s, size_t size)
{
	unsigned int i;

	for (i = 0; i < s->nr_kmalloc; i++)
		if (size <= smm_kmalloc_sizes[i])
			return s->kmalloc[i];
	return NULL;
}

/* Is @c one of the kmalloc caches? */
bool smm_cache_is_kmalloc(const struct smm_slabs *s, const struct smm_cache *c)
{
	unsigned int i;

	for (i = 0; i < s->nr_kmalloc; i++)
		if (s->kmalloc[i] == c)
			return true;
	return false;
}

/*
 * The slab layer of @mm, with the kmalloc-8 .. kmalloc-8192 caches
 * (ids 0..12) of @kmalloc_policy, as CONFIG_SLUB, CONFIG_SLAB or
 * CONFIG_SLOB chose one allocator for all of them: SLUB's with
 * hardened freelists as in a Debian kernel; SLAB's and SLOB's without
 * (they have no free pointers to harden).
 */
int smm_slabs_init_policy(struct smm_slabs *s, struct smm_mm *mm, u32 seed,
			  unsigned int order_cpus, u32 kmalloc_policy)
{
	u32 flags = SMM_CACHE_BUILTIN;
	char name[SMM_CACHE_NAME_LEN];
	struct smm_cache *c;
	unsigned int i;
	int ret;

	if (smm_cache_check_policy(kmalloc_policy, 0))
		return -EINVAL;
	if (kmalloc_policy == SMM_SLUB)
		flags |= SHADOWMM_CACHE_HARDENED;
	memset(s, 0, sizeof(*s));
	s->kmalloc_policy = kmalloc_policy;
	s->mm = mm;
	s->seed = seed;
	s->order_cpus = order_cpus ? order_cpus : mm->nr_cpus;
	smm_mutex_init(&s->mutex);
	smm_shrinkers_init(&s->shrinkers);
	mm->shrinkers = &s->shrinkers;
	mm->fail[SHADOWMM_FAULT_SLAB].slabs = s;
	smm_lock_init(&s->census_lock);
	smm_lock_init(&s->desc_lock);
	s->desc_free = SMM_SLAB_END;
	/* at most one slab per frame: enough chunks for that, taken on demand */
	s->desc_chunks = (mm->range->span + SMM_SLAB_DESC_CHUNK - 1) >> SMM_SLAB_DESC_SHIFT;
	s->desc_chunk = smm_zalloc_array(s->desc_chunks, sizeof(*s->desc_chunk));
	if (!s->desc_chunk)
		return -ENOMEM;
	for (i = 0; i < ARRAY_SIZE(smm_kmalloc_sizes); i++) {
		snprintf(name, sizeof(name), "kmalloc-%u", smm_kmalloc_sizes[i]);
		ret = smm_cache_create_policy(s, name, smm_kmalloc_sizes[i], 0, flags,
					      kmalloc_policy, &c);
		if (ret) {
			smm_slabs_destroy(s);
			return ret;
		}
		s->kmalloc[s->nr_kmalloc++] = c;
	}
	return 0;
}

/* The slab layer with SLUB's kmalloc caches, the default. */
int smm_slabs_init(struct smm_slabs *s, struct smm_mm *mm, u32 seed, unsigned int order_cpus)
{
	return smm_slabs_init_policy(s, mm, seed, order_cpus, SMM_SLUB);
}

/* Unload: every cache goes, with whatever it holds. */
void smm_slabs_destroy(struct smm_slabs *s)
{
	unsigned int i;

	for (i = 0; i < SMM_MAX_CACHES; i++) {
		struct smm_cache *c = s->caches[i];

		/* the SLOB heap last: the SLOB caches' objects are in it */
		if (c && c != s->slob_heap)
			__smm_cache_destroy(s, c, 0);
	}
	if (s->slob_heap)
		__smm_cache_destroy(s, s->slob_heap, 0);
	s->slob_heap = NULL;
	s->nr_kmalloc = 0;
	if (s->mm->fail[SHADOWMM_FAULT_SLAB].slabs == s)
		s->mm->fail[SHADOWMM_FAULT_SLAB].slabs = NULL;
	WARN_ON_ONCE(s->desc_live);
	for (i = 0; s->desc_chunk && i < s->desc_chunks; i++)
		smm_free_array(s->desc_chunk[i]);
	smm_free_array(s->desc_chunk);
	s->desc_chunk = NULL;
	s->desc_chunks = 0;
	s->desc_used = 0;
	s->desc_free = SMM_SLAB_END;
}

/*
 * The cache whose slab holds @pos (any position in it), or NULL. In the
 * SLOB heap, whose pages all SLOB caches share, @pos must be an object's
 * own position: its header names the cache (slob.c).
 */
struct smm_cache *smm_cache_of_pos(struct smm_slabs *s, u64 pos)
{
	const struct smm_mm *mm = s->mm;
	u64 idx = pos >> SMM_PAGE_SHIFT, h;
	struct smm_cache *c;
	struct smm_frame f;
	unsigned int i;

	if (idx >= mm->range->span)
		return NULL;
	for (i = 0; i <= SMM_SLAB_MAX_ORDER; i++) {
		h = idx & ~((1ULL << i) - 1);
		f = smm_frame_load(&mm->frames[h]);
		if (smm_frame_type(&f) != SMM_FRAME_TAIL)
			break;
	}
	if (smm_frame_type(&f) != SMM_FRAME_SLAB || smm_frame_owner(&f) != SMM_OWNER_SLAB ||
	    h + (1ULL << smm_frame_order(&f)) <= idx)
		return NULL;
	i = smm_slab_frame_cache(&f);
	/* without smm_slabs.mutex: the caller keeps the cache alive */
	c = READ_ONCE(s->caches[i]);
	if (unlikely(c && c == READ_ONCE(s->slob_heap)))
		return smm_slob_cache_of_pos(s, pos);	/* the object's header names it */
	return c;
}
