// SPDX-License-Identifier: GPL-2.0
/*
 * SLAB, after mm/slab.c (v6.7, the last kernel that had it): per-CPU
 * array caches of object pointers in front of three lists of slabs.
 *
 * Each CPU has an array cache (struct smm_slabp_ac, the kernel's struct
 * array_cache): a stack of up to `limit` free objects. An allocation
 * pops it, a free pushes it, under that CPU's lock only. An empty array
 * is refilled with `batchcount` objects (cache_alloc_refill()): from the
 * shared array if it has any, else from the slabs of the partial list,
 * then of the free list, else from a new slab (cache_grow_begin()). A
 * full array gives its `batchcount` oldest objects to the shared array
 * while it has room, else back to their slabs (cache_flusharray(),
 * free_block()); free slabs beyond `free_limit` free objects go back
 * to the buddy at once. cache_reap() (smm_slabs_reap(), which the glue
 * calls every 2 s) drains a fifth of each untouched array cache and,
 * every other pass (4 s), a fifth of the shared array and a fifth of
 * free_limit's worth of free slabs, unless the free list was used since.
 *
 *   slab (2^order frames), on-slab management:
 *   +--------+-------+-------+-----+---------+------+------------------+
 *   | colour | obj 0 | obj 1 | ... | obj n-1 | left | freelist: u16[n] |
 *   +--------+-------+-------+-----+---------+------+------------------+
 *   colour: colour_next * colour_off, colour_next cycling 0 .. colour-1
 *
 *   OBJFREELIST_SLAB (objects of at least 2n bytes, as 6.7 chooses):
 *   the u16[n] index array lives in a free object of the slab, the last
 *   one handed out; a full slab has no array (freelist SMM_SLAB_END).
 *
 * A slab's descriptor (struct smm_slab, shared with SLUB) keeps `inuse`
 * (the kernel's slab->active: objects not free on the slab; objects in
 * array caches count as in use), `s_mem` (offset of object 0, the
 * colour) and `freelist` (the offset of the index array). The free
 * objects of a slab are the indices freelist[inuse .. n-1], taken from
 * inuse up and put back from inuse down (slab_get_obj()/slab_put_obj()).
 *
 * The lists: partial and full are SLUB's (c->partial, c->full), the free
 * list is this file's (node->free_list), its slabs on list PARTIAL with
 * sublist SMM_SLABP_FREE, so SLUB's census (active + partial + full =
 * nr_slabs) holds and nr_partial counts free slabs too.
 *
 * Locks: a CPU's array cache under its smm_cache_cpu.lock; the lists,
 * the shared array, colour_next and free_objects under the cache's
 * list_lock, nested inside a CPU's lock as in SLUB (slab.h's order).
 * The glue keeps the caches alive across smm_slabs_reap().
 *
 * Debugging (6.7's DEBUG build): red_zone and poison, with SLUB's
 * per-byte values (slab_debug.c) set on new slabs, checked on every
 * allocation and free (a free of an object whose red zone is inactive
 * is a double free, refused), and by VALIDATE over every object.
 *
 * Not modelled: off-slab index arrays (6.7 used them only when neither
 * OBJFREELIST nor the left-over fits the array: such caches keep it
 * on-slab here, with fewer objects), alien caches and nodes (one node),
 * the owner word (store_user) and the red zone before the object,
 * slab_max_order as a boot parameter. Documentation/slab.md.
 */
#include "slab.h"
#include "mm_internal.h"

#define SMM_SLABP_BATCHREFILL	16	/* BATCHREFILL_LIMIT */
#define SMM_SLABP_FREE		1	/* sublist of a free slab */
#define SMM_SLABP_MAX_ORDER_HI	1	/* SLAB_MAX_ORDER_HI, above 32 MiB of memory */
#define SMM_SLABP_LIMIT_MAX	4096	/* cache tune: objects per CPU array (the kernel: none) */
#define SMM_SLABP_SHARED_MAX	64	/* cache tune: batches in the shared array (none) */

typedef u16 smm_slabp_idx_t;		/* freelist_idx_t on 4 KiB pages */

/* struct array_cache: a stack of free objects' positions. */
struct smm_slabp_ac {
	u32 avail, limit, batchcount;
	u32 touched;
	u64 entry[];
};

/*
 * SLAB's per-cache state beside SLUB's: the tunables, the layout's
 * colouring and management, and the node (kmem_cache_node): the free
 * list, its counters, the shared array. ac[] are the CPUs' array caches.
 */
struct smm_slab_node {
	u32 limit, batchcount, shared;	/* enable_cpucache()'s tunables */
	u32 colour, colour_off, colour_next;
	u32 freelist_size;		/* bytes of a slab's index array */
	bool objfreelist;		/* the array in a free object (OBJFREELIST_SLAB) */
	bool free_touched;		/* the free list gave a slab since the last reap */
	u32 free_list, free_tail;	/* slabs_free (frame indices) */
	u64 free_slabs, free_objects, free_limit;
	u64 reaps, reaped;		/* reap passes; slabs they gave back */
	struct smm_slabp_ac *shared_ac;	/* NULL without a shared array */
	struct smm_slabp_ac *ac[];	/* [nr_cpus] */
};

static const struct smm_slab_ops smm_slabp_ops;

/* ---- a slab's objects and index array --------------------------------- */

static char *smm_slabp_base(const struct smm_cache *c, u64 head)
{
	return smm_slab_pos_virt(c->mm, head << SMM_PAGE_SHIFT);
}

static smm_slabp_idx_t *smm_slabp_fl(char *base, const struct smm_slab *s)
{
	return (smm_slabp_idx_t *)(base + s->freelist);
}

/* obj_to_index(): the index of the object at @off, or c->objects if none. */
static u32 smm_slabp_index(const struct smm_cache *c, const struct smm_slab *s, u32 off)
{
	u32 i;

	if (off < s->s_mem)
		return c->objects;
	i = (u32)(((u64)(off - s->s_mem) * c->recip) >> 32);
	return i < c->objects && s->s_mem + i * c->size == off ? i : c->objects;
}

/* slab_get_obj(): the next free object of @s (one is left). */
static u64 smm_slabp_get_obj(struct smm_cache *c, u64 head, struct smm_slab *s, char *base)
{
	u32 i = smm_slabp_fl(base, s)[s->inuse++];

	return (head << SMM_PAGE_SHIFT) + s->s_mem + i * c->size;
}

/*
 * slab_put_obj(): object @i back on @s. With OBJFREELIST a full slab
 * has no index array: the object freed first holds it from now on.
 */
static void smm_slabp_put_obj(struct smm_cache *c, struct smm_slab *s, char *base, u32 i)
{
	s->inuse--;
	if (s->freelist == SMM_SLAB_END)
		s->freelist = s->s_mem + i * c->size;
	smm_slabp_fl(base, s)[s->inuse] = i;
}

/* ---- the free list (list_lock held) ---------------------------------- */

static void smm_slabp_free_add(struct smm_cache *c, u64 head, struct smm_slab *s, bool tail)
{
	struct smm_slab_node *n = c->node;

	s->list = SMM_SLAB_PARTIAL;
	s->sublist = SMM_SLABP_FREE;
	if (tail && n->free_tail != SMM_FRAME_NONE) {
		s->prev = n->free_tail;
		s->next = SMM_FRAME_NONE;
		smm_slab_hdr(c, n->free_tail)->next = head;
		n->free_tail = head;
	} else {
		s->prev = SMM_FRAME_NONE;
		s->next = n->free_list;
		if (n->free_list != SMM_FRAME_NONE)
			smm_slab_hdr(c, n->free_list)->prev = head;
		else
			n->free_tail = head;
		n->free_list = head;
	}
	n->free_slabs++;
	c->nr_partial++;
}

static void smm_slabp_free_del(struct smm_cache *c, struct smm_slab *s)
{
	struct smm_slab_node *n = c->node;

	if (s->prev != SMM_FRAME_NONE)
		smm_slab_hdr(c, s->prev)->next = s->next;
	else
		n->free_list = s->next;
	if (s->next != SMM_FRAME_NONE)
		smm_slab_hdr(c, s->next)->prev = s->prev;
	else
		n->free_tail = s->prev;
	s->prev = s->next = SMM_FRAME_NONE;
	s->list = SMM_SLAB_ON_CPU;	/* on no list */
	s->sublist = 0;
	n->free_slabs--;
	c->nr_partial--;
}

/* Off whichever of the three lists @s is on. */
static void smm_slabp_unlist(struct smm_cache *c, u64 head, struct smm_slab *s)
{
	if (s->sublist == SMM_SLABP_FREE)
		smm_slabp_free_del(c, s);
	else
		smm_slab_list_del(c, head, s);
}

/*
 * fixup_slab_list(): @s (on no list) on the list its fill says: full
 * (an OBJFREELIST slab loses its array: no object is free to hold it),
 * partial at the head, or free at the head.
 */
static void smm_slabp_file(struct smm_cache *c, u64 head, struct smm_slab *s)
{
	if (s->inuse == c->objects) {
		if (c->node->objfreelist)
			s->freelist = SMM_SLAB_END;
		smm_slab_list_add(c, head, s, SMM_SLAB_FULL, false);
	} else if (s->inuse) {
		smm_slab_list_add(c, head, s, SMM_SLAB_PARTIAL, false);
	} else {
		smm_slabp_free_add(c, head, s, false);
	}
}

/* ---- slabs from and to the buddy ------------------------------------- */

/*
 * cache_grow_begin(): a new slab, coloured at @colour bytes, its index
 * array set up (cache_init_objs()). Not on a list, not yet made. No
 * list lock held (the buddy may take its time).
 */
static struct smm_slab *smm_slabp_grow(struct smm_cache *c, unsigned int cpu, u32 colour,
				       u64 *head, char **basep)
{
	struct smm_slab *s = smm_slab_new(c, cpu, head, basep);
	smm_slabp_idx_t *fl;
	u32 i;

	if (!s)
		return NULL;
	s->inuse = 0;
	s->s_mem = colour;
	if (c->node->objfreelist)
		s->freelist = colour + (c->objects - 1) * c->size;
	else
		s->freelist = c->slab_bytes - c->node->freelist_size;
	fl = smm_slabp_fl(*basep, s);
	for (i = 0; i < c->objects; i++) {
		fl[i] = i;
		if (unlikely(c->flags & SMM_CACHE_DEBUG_FLAGS))	/* cache_init_objs_debug() */
			smm_slab_debug_init(c, *basep + colour + i * c->size);
	}
	return s;
}

/* Give a free slab (on no list) back; list_lock held. */
static void smm_slabp_destroy_slab(struct smm_cache *c, u64 head, unsigned int cpu)
{
	c->node->free_objects -= c->objects;
	smm_slab_discard(c, head, cpu);
}

/*
 * free_block(): @nr objects of @entry back on their slabs. A slab that
 * becomes free goes on the free list's head, any other to the partial
 * list's tail (the most time for its other objects to come back). Then
 * free slabs beyond free_limit free objects go back to the buddy, the
 * coldest (the list's tail) first. list_lock held.
 */
static void smm_slabp_free_block(struct smm_cache *c, const u64 *entry, u32 nr, unsigned int cpu)
{
	struct smm_slab_node *n = c->node;
	u32 k;

	n->free_objects += nr;
	for (k = 0; k < nr; k++) {
		u64 head = smm_slab_head(c, entry[k]);
		struct smm_slab *s = smm_slab_hdr(c, head);
		char *base = smm_slabp_base(c, head);
		u32 off = (u32)(entry[k] - (head << SMM_PAGE_SHIFT));

		u32 idx = smm_slabp_index(c, s, off);

		if (unlikely(!s->inuse || idx >= c->objects)) {
			/* a double free that slipped past the array: never underflow */
			smm_slab_report(c, entry[k], "freed to a slab with it free");
			n->free_objects--;
			continue;
		}
		smm_slabp_unlist(c, head, s);
		smm_slabp_put_obj(c, s, base, idx);
		if (!s->inuse)
			smm_slabp_free_add(c, head, s, false);
		else
			smm_slab_list_add(c, head, s, SMM_SLAB_PARTIAL, true);
	}
	while (n->free_objects > n->free_limit && n->free_tail != SMM_FRAME_NONE) {
		u64 head = n->free_tail;

		smm_slabp_free_del(c, smm_slab_hdr(c, head));
		smm_slabp_destroy_slab(c, head, cpu);
	}
}

/* ---- array caches ------------------------------------------------------ */

/* transfer_objects(): up to @max from the top of @from to @to. */
static u32 smm_slabp_transfer(struct smm_slabp_ac *to, struct smm_slabp_ac *from, u32 max)
{
	u32 nr = min(min(from->avail, max), to->limit - to->avail);

	if (!nr)
		return 0;
	memcpy(to->entry + to->avail, from->entry + from->avail - nr, nr * sizeof(u64));
	from->avail -= nr;
	to->avail += nr;
	return nr;
}

/* Drop the @nr oldest (bottom) entries of @ac. */
static void smm_slabp_ac_shift(struct smm_slabp_ac *ac, u32 nr)
{
	ac->avail -= nr;
	memmove(ac->entry, ac->entry + nr, ac->avail * sizeof(u64));
}

/*
 * alloc_block(): up to @batch objects of @s onto @ac. Returns what of
 * @batch is left.
 */
static u32 smm_slabp_alloc_block(struct smm_cache *c, struct smm_slabp_ac *ac, u64 head,
				 struct smm_slab *s, u32 batch)
{
	char *base = smm_slabp_base(c, head);

	while (s->inuse < c->objects && batch--)
		ac->entry[ac->avail++] = smm_slabp_get_obj(c, head, s, base);
	return (s32)batch < 0 ? 0 : batch;
}

/*
 * get_first_slab(): the first slab of the partial list, else of the
 * free list (noting that the free list was used), off its list.
 */
static struct smm_slab *smm_slabp_first(struct smm_cache *c, u64 *head)
{
	struct smm_slab_node *n = c->node;
	struct smm_slab *s;

	if (c->partial != SMM_FRAME_NONE) {
		*head = c->partial;
		s = smm_slab_hdr(c, *head);
		smm_slab_list_del(c, *head, s);
		return s;
	}
	if (n->free_list == SMM_FRAME_NONE)
		return NULL;
	n->free_touched = true;
	*head = n->free_list;
	s = smm_slab_hdr(c, *head);
	smm_slabp_free_del(c, s);
	return s;
}

/*
 * cache_alloc_refill(): @ac is empty. Take up to batchcount objects (16
 * when the array was not used since the last reap) from the shared
 * array, else from the partial and free slabs, else from a new slab.
 * Under @ac's CPU lock; takes the list lock. False when no memory.
 */
static bool smm_slabp_refill(struct smm_cache *c, struct smm_slabp_ac *ac, unsigned int cpu)
{
	struct smm_slab_node *n = c->node;
	u32 batch = ac->batchcount, colour;
	struct smm_slab *s;
	char *base;
	u64 head;

	if (!ac->touched && batch > SMM_SLABP_BATCHREFILL)
		batch = SMM_SLABP_BATCHREFILL;
	smm_lock(&c->list_lock);
	if (n->shared_ac && smm_slabp_transfer(ac, n->shared_ac, batch)) {
		n->shared_ac->touched = 1;
		smm_unlock(&c->list_lock);
		return true;
	}
	while (batch > 0 && (s = smm_slabp_first(c, &head))) {
		batch = smm_slabp_alloc_block(c, ac, head, s, batch);
		smm_slabp_file(c, head, s);
	}
	n->free_objects -= ac->avail;
	if (ac->avail) {
		smm_unlock(&c->list_lock);
		return true;
	}
	/* cache_grow_begin(): the colour under the list lock, the pages without */
	colour = n->colour_next * n->colour_off;
	if (++n->colour_next >= n->colour)
		n->colour_next = 0;
	smm_unlock(&c->list_lock);

	s = smm_slabp_grow(c, cpu, colour, &head, &base);
	if (!s)
		return false;
	smm_lock(&c->list_lock);
	smm_slab_set_made(c, head, s, true, cpu);
	c->slabs_alloc++;
	smm_slabp_alloc_block(c, ac, head, s, batch);
	smm_slabp_file(c, head, s);	/* cache_grow_end() */
	n->free_objects += c->objects - s->inuse;
	smm_unlock(&c->list_lock);
	return true;
}

/*
 * ____cache_alloc(): pop the CPU's array cache, refilling it first when
 * empty. Under @cc's lock, which it drops (the ops' contract).
 */
static void *smm_slabp_alloc(struct smm_cache *c, struct smm_cache_cpu *cc, unsigned int cpu,
			     u64 *pos)
{
	struct smm_slabp_ac *ac = c->node->ac[cpu];
	void *obj;

	if (likely(ac->avail)) {
		smm_count_add(cc->stats.alloc_fast, 1);
	} else if (smm_slabp_refill(c, ac, cpu)) {
		smm_count_add(cc->stats.alloc_slow, 1);
	} else {
		cc->stats.alloc_fail++;
		smm_unlock(&cc->lock);
		return NULL;
	}
	ac->touched = 1;
	*pos = ac->entry[--ac->avail];
	obj = smm_slab_pos_virt(c->mm, *pos);
	/* cache_alloc_debugcheck_after(): poison and red zone as freed */
	if (unlikely(c->flags & SMM_CACHE_DEBUG_FLAGS))
		cc->stats.errors += smm_slab_debug_alloc(c, obj, *pos, 0);
	smm_unlock(&cc->lock);
	return obj;
}

/*
 * cache_flusharray(): @ac is full. Its batchcount oldest objects go to
 * the shared array while it has room (as many as fit), else back to
 * their slabs. Under @ac's CPU lock; takes the list lock.
 */
static void smm_slabp_flusharray(struct smm_cache *c, struct smm_slabp_ac *ac, unsigned int cpu)
{
	struct smm_slabp_ac *shared;
	u32 batch = ac->batchcount;

	smm_lock(&c->list_lock);
	shared = c->node->shared_ac;	/* cache tune replaces it under the list lock */
	if (shared && shared->limit > shared->avail) {
		batch = min(batch, shared->limit - shared->avail);
		memcpy(shared->entry + shared->avail, ac->entry, batch * sizeof(u64));
		shared->avail += batch;
	} else {
		smm_slabp_free_block(c, ac->entry, batch, cpu);
	}
	smm_unlock(&c->list_lock);
	smm_slabp_ac_shift(ac, batch);
}

/*
 * Is @pos an object slot of a slab of @c? The slab stays while one of
 * its objects is allocated; for a bogus position the descriptor read is
 * at worst stale (descriptors are never freed before unload).
 */
static bool smm_slabp_slot(struct smm_cache *c, u64 pos)
{
	u64 head = smm_slab_head(c, pos);
	struct smm_slab *s = smm_slab_at(c, head);

	return s && smm_slabp_index(c, s, (u32)(pos - (head << SMM_PAGE_SHIFT))) < c->objects;
}

/*
 * ___cache_free(): push @pos on the CPU's array cache, flushing a batch
 * first when it is full. The naive double free (@pos already on top of
 * the array) is refused, as CONFIG_SLAB_FREELIST_HARDENED's
 * __free_one() did, and so is a position that is no slot of @c. Under
 * @cc's lock, which it drops.
 */
static int smm_slabp_free(struct smm_cache *c, struct smm_cache_cpu *cc, u64 pos,
			  unsigned int cpu)
{
	struct smm_slabp_ac *ac = c->node->ac[cpu];

	if (unlikely(!smm_slabp_slot(c, pos) || (ac->avail && ac->entry[ac->avail - 1] == pos))) {
		smm_slab_report(c, pos, "double free or foreign pointer");
		cc->stats.errors++;
		smm_unlock(&cc->lock);
		return -EINVAL;
	}
	/* cache_free_debugcheck(): verify_redzone_free(), then poison */
	if (unlikely(c->flags & SMM_CACHE_DEBUG_FLAGS)) {
		int problems = smm_slab_debug_free_slot(c, smm_slab_pos_virt(c->mm, pos), pos);

		if (problems < 0) {
			cc->stats.errors++;
			smm_unlock(&cc->lock);
			return problems;
		}
		cc->stats.errors += problems;
	}
	if (likely(ac->avail < ac->limit)) {
		smm_count_add(cc->stats.free_fast, 1);
	} else {
		smm_slabp_flusharray(c, ac, cpu);
		smm_count_add(cc->stats.free_slow, 1);
	}
	ac->entry[ac->avail++] = pos;
	smm_unlock(&cc->lock);
	return 0;
}

/* ---- reaping and shrinking ------------------------------------------- */

/*
 * drain_array_locked(): all of @ac (@all) or a fifth of its limit (half
 * of what it holds if that is less) back to the slabs. list_lock held.
 */
static u32 smm_slabp_drain_locked(struct smm_cache *c, struct smm_slabp_ac *ac, bool all,
				  unsigned int cpu)
{
	u32 tofree;

	if (!ac || !ac->avail)
		return 0;
	tofree = all ? ac->avail : (ac->limit + 4) / 5;
	if (tofree > ac->avail)
		tofree = (ac->avail + 1) / 2;
	smm_slabp_free_block(c, ac->entry, tofree, cpu);
	smm_slabp_ac_shift(ac, tofree);
	return tofree;
}

/* drain_array(): a used array is only marked unused; list_lock held. */
static void smm_slabp_drain(struct smm_cache *c, struct smm_slabp_ac *ac, unsigned int cpu)
{
	if (!ac || !ac->avail)
		return;
	if (ac->touched) {
		ac->touched = 0;
		return;
	}
	smm_slabp_drain_locked(c, ac, false, cpu);
}

/* drain_freelist(): up to @tofree free slabs back, coldest first. list_lock held. */
static u64 smm_slabp_drain_freelist(struct smm_cache *c, u64 tofree, unsigned int cpu)
{
	struct smm_slab_node *n = c->node;
	u64 nr = 0;

	while (nr < tofree && n->free_tail != SMM_FRAME_NONE) {
		u64 head = n->free_tail;

		smm_slabp_free_del(c, smm_slab_hdr(c, head));
		smm_slabp_destroy_slab(c, head, cpu);
		nr++;
	}
	return nr;
}

/*
 * cache_reap() for one cache: each CPU's array drained in part (unless
 * used since the last pass), and every other pass (REAPTIMEOUT_NODE is
 * twice REAPTIMEOUT_AC) the shared array too and a fifth of
 * free_limit's worth of free slabs, unless the free list served a
 * refill since. Each CPU's lock then the list lock (which also counts the
 * passes); @cpu for the buddy.
 */
static void smm_slabp_reap(struct smm_cache *c, unsigned int cpu)
{
	struct smm_slab_node *n = c->node;
	unsigned int i;

	for (i = 0; i < c->mm->nr_cpus; i++) {
		smm_lock(&c->cpu[i].lock);
		smm_lock(&c->list_lock);
		smm_slabp_drain(c, n->ac[i], cpu);
		smm_unlock(&c->list_lock);
		smm_unlock(&c->cpu[i].lock);
	}
	smm_lock(&c->list_lock);
	/* the pass count under the list lock: reapers may run side by side */
	if (n->reaps++ % 2)
		goto out_unlock;
	smm_slabp_drain(c, n->shared_ac, cpu);
	if (n->free_touched)
		n->free_touched = false;
	else
		n->reaped += smm_slabp_drain_freelist(c, (n->free_limit + 5 * c->objects - 1) /
						       (5 * c->objects), cpu);
out_unlock:
	smm_unlock(&c->list_lock);
}

/* cache_reap() of one cache, if it is a SLAB one; the caller keeps it alive. */
void smm_cache_reap(struct smm_cache *c, unsigned int cpu)
{
	if (c->ops == &smm_slabp_ops)
		smm_slabp_reap(c, cpu);
}

/*
 * One cache_reap() pass over every SLAB cache; the glue calls it every
 * 2 s (REAPTIMEOUT_AC). The caller keeps the caches alive (the module's
 * nl_slab_lock, under which caches are made and destroyed).
 */
void smm_slabs_reap(struct smm_slabs *s, unsigned int cpu)
{
	unsigned int id;

	for (id = 0; id < SMM_MAX_CACHES; id++) {
		struct smm_cache *c = READ_ONCE(s->caches[id]);

		if (c)
			smm_cache_reap(c, cpu);
		smm_cond_resched();
	}
}

/*
 * Is any cache of @s a SLAB one (the glue's reaper runs while one is)?
 * Under smm_slabs.mutex: a cache leaves caches[] under it before it is
 * freed, so no caller needs to keep the caches alive.
 */
bool smm_slabs_have_slab(struct smm_slabs *s)
{
	bool found = false;
	unsigned int id;

	smm_mutex_lock(&s->mutex);
	for (id = 0; id < SMM_MAX_CACHES && !found; id++)
		found = s->caches[id] && s->caches[id]->ops == &smm_slabp_ops;
	smm_mutex_unlock(&s->mutex);
	return found;
}

/*
 * __kmem_cache_shrink(): every array cache and the shared array back to
 * the slabs (drain_cpu_caches()), then every free slab to the buddy.
 * Returns the frames given back.
 */
static u64 smm_slabp_shrink(struct smm_cache *c, unsigned int cpu)
{
	struct smm_slab_node *n = c->node;
	unsigned int i;
	u64 slabs;

	for (i = 0; i < c->mm->nr_cpus; i++) {
		smm_lock(&c->cpu[i].lock);
		smm_lock(&c->list_lock);
		smm_slabp_drain_locked(c, n->ac[i], true, cpu);
		smm_unlock(&c->list_lock);
		smm_unlock(&c->cpu[i].lock);
	}
	smm_lock(&c->list_lock);
	smm_slabp_drain_locked(c, n->shared_ac, true, cpu);
	slabs = smm_slabp_drain_freelist(c, ~0ULL, cpu);
	smm_unlock(&c->list_lock);
	return slabs << c->order;
}

/* Destroy: the arrays and free slabs go; SLUB's teardown takes the partial and full lists. */
static void smm_slabp_destroy(struct smm_cache *c, unsigned int cpu)
{
	smm_slabp_shrink(c, cpu);
}

/* ---- VALIDATE, lookups, info ------------------------------------------ */

/*
 * Check one slab of a list (list_lock held): it is @c's, on the list
 * its fill says, its free indices (freelist[inuse..n-1]) are distinct
 * objects of the slab. Returns the problems, reported.
 */
static u64 smm_slabp_validate_slab(struct smm_cache *c, u64 head, bool want_free,
				   unsigned int list, u8 *seen)
{
	struct smm_slab *s = smm_slab_at(c, head);
	const char *why = NULL;
	smm_slabp_idx_t *fl;
	u32 i;

	if (!s)
		why = "a slab of its lists is not its own";
	else if (s->list != list || (s->sublist == SMM_SLABP_FREE) != want_free)
		why = "a slab is on another list than it says";
	else if (want_free ? s->inuse : list == SMM_SLAB_FULL ? s->inuse != c->objects :
		 !s->inuse || s->inuse >= c->objects)
		why = "a slab is on the wrong list for its objects in use";
	else if (s->inuse < c->objects &&
		 (s->freelist + c->node->freelist_size > c->slab_bytes ||
		  s->freelist < s->s_mem))
		why = "a slab's index array is outside it";
	if (why) {
		smm_report("slab error: cache %s slab %llu: %s", c->name,
			   (unsigned long long)head, why);
		return 1;
	}
	memset(seen, 0, c->objects);
	fl = smm_slabp_fl(smm_slabp_base(c, head), s);
	for (i = s->inuse; i < c->objects; i++) {
		if (fl[i] >= c->objects || seen[fl[i]]) {
			smm_report("slab error: cache %s slab %llu: free index %u is %s", c->name,
				   (unsigned long long)head, i,
				   fl[i] >= c->objects ? "out of range" : "repeated");
			return 1;
		}
		seen[fl[i]] = 1;
	}
	return 0;
}

struct smm_slabp_census {
	u64 slabs, free_slabs, free_objs, inuse;
};

/* A list of @c from @first: every slab checked and counted. list_lock held. */
static u64 smm_slabp_validate_list(struct smm_cache *c, u32 first, bool free, unsigned int list,
				   struct smm_slabp_census *cs, u8 *seen)
{
	u64 head = first, problems = 0, n = 0;

	while (head != SMM_FRAME_NONE && n++ <= c->nr_slabs) {
		if (smm_slabp_validate_slab(c, head, free, list, seen))
			return problems + 1;
		cs->slabs++;
		cs->free_slabs += free;
		cs->free_objs += c->objects - smm_slab_hdr(c, head)->inuse;
		cs->inuse += smm_slab_hdr(c, head)->inuse;
		head = smm_slab_hdr(c, head)->next;
	}
	if (head != SMM_FRAME_NONE) {
		smm_report("slab error: cache %s: a list does not end", c->name);
		problems++;
	}
	return problems;
}

/*
 * Where object @pos is free: on its slab (1), or not (0); -1 when it is
 * no slot of @c. list_lock held.
 */
static int smm_slabp_free_on_slab(struct smm_cache *c, u64 pos)
{
	u64 head = smm_slab_head(c, pos);
	struct smm_slab *s = smm_slab_at(c, head);
	smm_slabp_idx_t *fl;
	u32 i, idx;

	if (!s)
		return -1;
	idx = smm_slabp_index(c, s, (u32)(pos - (head << SMM_PAGE_SHIFT)));
	if (idx >= c->objects)
		return -1;
	fl = smm_slabp_fl(smm_slabp_base(c, head), s);
	for (i = s->inuse; i < c->objects; i++)
		if (fl[i] == idx)
			return 1;
	return 0;
}

/* Every entry of @ac: a slot of @c, in use on its slab, in no array before it. */
static u64 smm_slabp_validate_ac(struct smm_cache *c, const struct smm_slabp_ac *ac,
				 const u64 *before, u64 nr_before, u64 *total)
{
	u64 problems = 0, j;
	u32 k;

	if (!ac)
		return 0;
	if (ac->avail > ac->limit) {
		smm_report("slab error: cache %s: an array cache holds %u of %u", c->name,
			   ac->avail, ac->limit);
		return 1;
	}
	for (k = 0; k < ac->avail; k++) {
		u64 pos = ac->entry[k];
		bool dup = false;

		for (j = 0; j < nr_before + k && !dup; j++)
			dup = (j < nr_before ? before[j] : ac->entry[j - nr_before]) == pos;
		if (dup || smm_slabp_free_on_slab(c, pos)) {
			smm_report("slab error: cache %s: array object %llu is %s", c->name,
				   (unsigned long long)pos, dup ? "in an array twice" :
				   "not an object in use of its slabs");
			problems++;
		}
	}
	*total += ac->avail;
	return problems;
}

/* The arrays' objects, gathered for the duplicate check; list_lock held. */
static u64 smm_slabp_validate_arrays(struct smm_cache *c, u64 *objs, u64 *total)
{
	struct smm_slab_node *n = c->node;
	u64 problems = 0;
	unsigned int i;

	for (i = 0; i <= c->mm->nr_cpus; i++) {
		const struct smm_slabp_ac *ac = i < c->mm->nr_cpus ? n->ac[i] : n->shared_ac;
		u64 before = *total;

		problems += smm_slabp_validate_ac(c, ac, objs, before, total);
		if (ac && !problems)
			memcpy(objs + before, ac->entry, ac->avail * sizeof(u64));
	}
	return problems;
}

/* Is @slot's red zone wholly inactive (or has the cache none to tell by)? */
static bool smm_slabp_red_inactive(const struct smm_cache *c, const char *slot)
{
	u32 i;

	if (!(c->flags & SHADOWMM_CACHE_RED_ZONE))
		return true;
	for (i = c->object_size; i < c->red_end; i++)
		if ((u8)slot[i] != SMM_RED_INACTIVE)
			return false;
	return true;
}

/*
 * DEBUG's checks over one slab's objects: a free one (on the slab) must
 * hold its poison and an inactive red zone; any other is live (red zone
 * active) or in an array cache (inactive, checked with the arrays).
 */
static u64 smm_slabp_validate_debug_slab(struct smm_cache *c, u64 head, u8 *seen)
{
	struct smm_slab *s = smm_slab_hdr(c, head);
	char *base = smm_slabp_base(c, head);
	smm_slabp_idx_t *fl = smm_slabp_fl(base, s);
	u64 problems = 0, pos0 = head << SMM_PAGE_SHIFT;
	u32 i;

	memset(seen, 0, c->objects);
	for (i = s->inuse; i < c->objects; i++)
		seen[fl[i]] = 1;
	for (i = 0; i < c->objects; i++) {
		u32 off = s->s_mem + i * c->size;

		if (seen[i])
			problems += smm_slab_debug_check(c, base + off, pos0 + off, true);
		else if (!smm_slabp_red_inactive(c, base + off))
			problems += smm_slab_debug_check(c, base + off, pos0 + off, false);
	}
	return problems;
}

/*
 * VALIDATE's debug pass (check_poison_obj() and the red zones of 6.7's
 * DEBUG build), once the lists and arrays are sound: the @nr objects of
 * the arrays (@objs) as free ones, then every slab's objects. Every lock
 * of @c held.
 */
static u64 smm_slabp_validate_debug(struct smm_cache *c, const u64 *objs, u64 nr, u8 *seen)
{
	const u32 lists[] = { c->partial, c->full, c->node->free_list };
	u64 problems = 0, k, head;
	unsigned int l;

	for (k = 0; k < nr; k++)
		problems += smm_slab_debug_check(c, smm_slab_pos_virt(c->mm, objs[k]), objs[k],
						 true);
	for (l = 0; l < ARRAY_SIZE(lists); l++)
		for (head = lists[l]; head != SMM_FRAME_NONE; head = smm_slab_hdr(c, head)->next)
			problems += smm_slabp_validate_debug_slab(c, head, seen);
	return problems;
}

/*
 * VALIDATE of a SLAB cache, every lock of it held in one go (under
 * smm_slabs.mutex): each list's slabs (their list, fill and index
 * arrays), the counters (free slabs, free objects, slabs), and the
 * objects: in use on slabs = in array caches + live (allocated). Returns
 * 0 with the problems found in *@nr_problems.
 */
static int smm_slabp_validate(struct smm_cache *c, u64 *nr_problems)
{
	struct smm_slab_node *n = c->node;
	struct smm_slabs *s = c->slabs;
	struct smm_slabp_census cs = { 0 };
	u64 problems = 0, arrays = 0, *objs;
	unsigned int i;
	u8 *seen;

	/* the tunables stand still under the mutex (smm_cache_tune()) */
	smm_mutex_lock(&s->mutex);
	seen = smm_zalloc_array(c->objects, 1);
	objs = smm_zalloc_array((u64)c->mm->nr_cpus * n->limit + n->shared * n->batchcount + 1,
				sizeof(u64));
	if (!seen || !objs) {
		smm_mutex_unlock(&s->mutex);
		smm_free_array(seen);
		smm_free_array(objs);
		return -ENOMEM;
	}
	for (i = 0; i < c->mm->nr_cpus; i++)
		smm_lock_nest(&c->cpu[i].lock, &s->mutex);
	smm_lock_nest(&c->list_lock, &s->mutex);
	problems += smm_slabp_validate_list(c, c->partial, false, SMM_SLAB_PARTIAL, &cs, seen);
	problems += smm_slabp_validate_list(c, c->full, false, SMM_SLAB_FULL, &cs, seen);
	problems += smm_slabp_validate_list(c, n->free_list, true, SMM_SLAB_PARTIAL, &cs, seen);
	problems += smm_slabp_validate_arrays(c, objs, &arrays);
	if (!problems && (c->flags & SMM_CACHE_DEBUG_FLAGS))
		problems += smm_slabp_validate_debug(c, objs, arrays, seen);
	if (!problems && (cs.slabs != c->nr_slabs || cs.free_slabs != n->free_slabs ||
			  cs.free_objs != n->free_objects ||
			  cs.inuse != arrays + smm_cache_live(c))) {
		smm_report("slab error: cache %s: %llu slabs (%llu free) with %llu free and %llu in use, counted %llu slabs (%llu free), %llu free objects; %llu in arrays + %llu live",
			   c->name, (unsigned long long)cs.slabs, (unsigned long long)cs.free_slabs,
			   (unsigned long long)cs.free_objs, (unsigned long long)cs.inuse,
			   (unsigned long long)c->nr_slabs, (unsigned long long)n->free_slabs,
			   (unsigned long long)n->free_objects, (unsigned long long)arrays,
			   (unsigned long long)smm_cache_live(c));
		problems++;
	}
	c->cpu[0].stats.errors += problems;
	smm_unlock_nested(&c->list_lock);
	for (i = c->mm->nr_cpus; i-- > 0; )
		smm_unlock_nested(&c->cpu[i].lock);
	smm_mutex_unlock(&s->mutex);
	smm_free_array(seen);
	smm_free_array(objs);
	*nr_problems = problems;
	return 0;
}

/* Is @pos in one of @c's arrays? Every lock of @c held. */
static bool smm_slabp_in_arrays(struct smm_cache *c, u64 pos)
{
	struct smm_slab_node *n = c->node;
	unsigned int i;
	u32 k;

	for (i = 0; i <= c->mm->nr_cpus; i++) {
		const struct smm_slabp_ac *ac = i < c->mm->nr_cpus ? n->ac[i] : n->shared_ac;

		for (k = 0; ac && k < ac->avail; k++)
			if (ac->entry[k] == pos)
				return true;
	}
	return false;
}

/*
 * Why @pos (in a slab of @c) is no allocated object of @c, or NULL: a
 * slot, not free on its slab, in no array cache. Takes every lock of @c.
 */
static const char *smm_slabp_obj_lookup(struct smm_cache *c, u64 pos)
{
	struct smm_slabs *s = c->slabs;
	const char *why = NULL;
	unsigned int i;
	int free;

	smm_mutex_lock(&s->mutex);
	for (i = 0; i < c->mm->nr_cpus; i++)
		smm_lock_nest(&c->cpu[i].lock, &s->mutex);
	smm_lock_nest(&c->list_lock, &s->mutex);
	free = smm_slabp_free_on_slab(c, pos);
	if (free < 0)
		why = "object is not on an object boundary (foreign pointer)";
	else if (free || smm_slabp_in_arrays(c, pos))
		why = "object is not allocated (double free?)";
	smm_unlock_nested(&c->list_lock);
	for (i = c->mm->nr_cpus; i-- > 0; )
		smm_unlock_nested(&c->cpu[i].lock);
	smm_mutex_unlock(&s->mutex);
	return why;
}

/*
 * get_slabinfo(): objects free on slabs are the only inactive ones
 * (array caches' count as active), active slabs are those not free;
 * the tunables and the shared array's objects. After SLUB's info.
 */
static void smm_slabp_info(struct smm_cache *c, struct smm_cache_info *info)
{
	struct smm_slab_node *n = c->node;
	unsigned int i;

	info->colour = n->colour;
	info->colour_off = n->colour_off;
	smm_lock(&c->list_lock);
	info->limit = n->limit;
	info->batchcount = n->batchcount;
	info->shared = n->shared;
	info->partial_free = n->free_objects;
	info->free_slabs = n->free_slabs;
	info->partial_slabs = c->nr_partial - n->free_slabs;
	info->active_slabs = c->nr_slabs - n->free_slabs;
	info->shared_avail = n->shared_ac ? n->shared_ac->avail : 0;
	info->reaped = n->reaped;
	info->free_limit = n->free_limit;
	smm_unlock(&c->list_lock);
	for (i = 0; i < c->mm->nr_cpus; i++) {
		smm_lock(&c->cpu[i].lock);
		info->array_avail += n->ac[i]->avail;
		smm_unlock(&c->cpu[i].lock);
	}
}

static const struct smm_slab_ops smm_slabp_ops = {
	.alloc		= smm_slabp_alloc,
	.free		= smm_slabp_free,
	.validate	= smm_slabp_validate,
	.info		= smm_slabp_info,
	.obj_lookup	= smm_slabp_obj_lookup,
	.destroy	= smm_slabp_destroy,
	.shrink		= smm_slabp_shrink,
};

/* ---- creating ---------------------------------------------------------- */

/*
 * enable_cpucache()'s table: the array's limit by object size, the
 * batch half of it (rounded up), a shared array of 8 batches for
 * objects up to a page when there is more than one CPU.
 */
void smm_slabp_tunables(u32 size, unsigned int nr_cpus, u32 *limit, u32 *batch, u32 *shared)
{
	if (size > 131072)
		*limit = 1;
	else if (size > SMM_PAGE_SIZE)
		*limit = 8;
	else if (size > 1024)
		*limit = 24;
	else if (size > 256)
		*limit = 54;
	else
		*limit = 120;
	*batch = (*limit + 1) / 2;
	*shared = size <= SMM_PAGE_SIZE && nr_cpus > 1 ? 8 : 0;
}

/*
 * cache_estimate() and calculate_slab_order(): objects of @size per
 * slab, with the u16 index array beside each object (on-slab) or not
 * (@objfreelist); the smallest order whose left-over is at most an
 * eighth of the slab, at most slab_max_order (1 above 32 MiB of memory,
 * else 0) unless nothing fits yet, and the first order that holds one
 * for a reclaimable cache. Returns the left-over, *@num 0 if none fits.
 */
static u32 smm_slabp_order(const struct smm_cache *c, u32 size, bool objfreelist,
			   unsigned int max_order, u32 *num, unsigned int *order)
{
	u32 left = 0, per = size + (objfreelist ? 0 : sizeof(smm_slabp_idx_t));
	unsigned int o;

	*num = 0;
	for (o = 0; o <= SMM_SLAB_MAX_ORDER; o++) {
		u32 bytes = SMM_PAGE_SIZE << o;

		if (bytes < per)
			continue;
		*num = bytes / per;
		*order = o;
		left = bytes % per;
		if (c->flags & SHADOWMM_CACHE_RECLAIM_ACCOUNT || o >= max_order ||
		    left * 8 <= bytes)
			break;
	}
	return left;
}

static struct smm_slabp_ac *smm_slabp_ac_new(u32 limit, u32 batch)
{
	struct smm_slabp_ac *ac = smm_zalloc_array(1, sizeof(*ac) + limit * sizeof(u64));

	if (ac) {
		ac->limit = limit;
		ac->batchcount = batch;
	}
	return ac;
}

/* Free @c's SLAB state (creation failed, or the cache is gone). */
void smm_slabp_release(struct smm_cache *c)
{
	struct smm_slab_node *n = c->node;
	unsigned int i;

	if (!n)
		return;
	for (i = 0; i < c->mm->nr_cpus; i++)
		smm_free_array(n->ac[i]);
	smm_free_array(n->shared_ac);
	smm_free_array(n);
	c->node = NULL;
}

/* setup_cpu_cache(): the arrays and the node's limits, after enable_cpucache(). */
static int smm_slabp_setup_node(struct smm_cache *c)
{
	unsigned int i, nr_cpus = c->mm->nr_cpus;
	struct smm_slab_node *n = c->node;

	smm_slabp_tunables(c->size, nr_cpus, &n->limit, &n->batchcount, &n->shared);
	for (i = 0; i < nr_cpus; i++) {
		n->ac[i] = smm_slabp_ac_new(n->limit, n->batchcount);
		if (!n->ac[i])
			return -ENOMEM;
	}
	if (n->shared) {
		n->shared_ac = smm_slabp_ac_new(n->shared * n->batchcount, 0xbaadf00d);
		if (!n->shared_ac)
			return -ENOMEM;
	}
	n->free_limit = (1 + nr_cpus) * n->batchcount + c->objects;
	n->free_list = n->free_tail = SMM_FRAME_NONE;
	return 0;
}

/*
 * Why @limit, @batch, @shared cannot tune @c, or NULL: slabinfo_write()'s
 * rules (limit and batchcount at least 1, batchcount at most limit),
 * which 6.7 ignored silently and the shadow refuses, and bounds of its
 * own on what one tune may allocate.
 */
const char *smm_cache_tune_refusal(const struct smm_cache *c, u32 limit, u32 batch, u32 shared)
{
	if (c->ops != &smm_slabp_ops)
		return "only a SLAB cache has tunables (SLUB and SLOB print 0 in slabinfo)";
	if (limit < 1 || limit > SMM_SLABP_LIMIT_MAX)
		return "limit: 1 to 4096 objects per CPU";
	if (batch < 1 || batch > limit)
		return "batchcount: 1 to the limit";
	if (shared > SMM_SLABP_SHARED_MAX)
		return "shared: 0 to 64 batches";
	return NULL;
}

/*
 * do_tune_cpucache() and setup_kmem_cache_node(): new array caches of
 * @limit objects moving @batch at a time on every CPU, and a shared
 * array of @shared batches (none with 0 or one CPU, as
 * enable_cpucache() decides), replacing the old ones, whose objects go
 * back to their slabs (free_block()); free_limit follows the new
 * batchcount. All arrays are allocated first: -ENOMEM changes nothing.
 * Under smm_slabs.mutex (VALIDATE's), then each CPU's lock and the list
 * lock in slab.h's order. Returns 0, -EINVAL with *@why, or -ENOMEM.
 */
int smm_cache_tune(struct smm_cache *c, u32 limit, u32 batch, u32 shared, unsigned int cpu,
		   const char **why)
{
	unsigned int i, nr_cpus = c->mm->nr_cpus;
	struct smm_slabp_ac **acs, *sh = NULL, *old_sh;
	struct smm_slab_node *n = c->node;
	int ret = -ENOMEM;

	*why = smm_cache_tune_refusal(c, limit, batch, shared);
	if (*why)
		return -EINVAL;
	if (nr_cpus < 2)
		shared = 0;
	acs = smm_zalloc_array(nr_cpus, sizeof(*acs));
	if (!acs)
		return -ENOMEM;
	for (i = 0; i < nr_cpus; i++) {
		acs[i] = smm_slabp_ac_new(limit, batch);
		if (!acs[i])
			goto out;
	}
	if (shared) {
		sh = smm_slabp_ac_new(shared * batch, 0xbaadf00d);
		if (!sh)
			goto out;
	}

	smm_mutex_lock(&c->slabs->mutex);
	for (i = 0; i < nr_cpus; i++) {
		struct smm_slabp_ac *old = n->ac[i];

		smm_lock(&c->cpu[i].lock);
		smm_lock(&c->list_lock);
		n->ac[i] = acs[i];
		smm_slabp_drain_locked(c, old, true, cpu);
		smm_unlock(&c->list_lock);
		smm_unlock(&c->cpu[i].lock);
		acs[i] = old;		/* freed below */
	}
	smm_lock(&c->list_lock);
	n->limit = limit;
	n->batchcount = batch;
	n->shared = shared;
	n->free_limit = (1 + nr_cpus) * batch + c->objects;
	smm_slabp_drain_locked(c, n->shared_ac, true, cpu);
	old_sh = n->shared_ac;
	n->shared_ac = sh;
	sh = old_sh;		/* freed below */
	smm_unlock(&c->list_lock);
	smm_mutex_unlock(&c->slabs->mutex);
	ret = 0;
out:
	for (i = 0; i < nr_cpus; i++)
		smm_free_array(acs[i]);
	smm_free_array(acs);
	smm_free_array(sh);
	return ret;
}

/*
 * The layout of a SLAB cache, as __kmem_cache_create() of 6.7: the
 * size rounded to a word and to the alignment (with red_zone, a word of
 * red zone after the object first); OBJFREELIST_SLAB when the index
 * array of a slab fits in one object and no debug flag poisons or
 * checks the free objects, else the array on-slab
 * (at the slab's end); colour_off a cache line (or the alignment), as
 * many colours as the left-over holds. Then the array caches.
 */
int smm_slabp_layout(struct smm_cache *c, u32 size, u32 align)
{
	unsigned int nr_cpus = c->mm->nr_cpus, order = 0;
	unsigned int max_order = c->mm->range->span > (32U << 20) >> SMM_PAGE_SHIFT ?
				 SMM_SLABP_MAX_ORDER_HI : 0;
	struct smm_slab_node *n;
	u32 left, num;

	n = smm_zalloc_array(1, sizeof(*n) + nr_cpus * sizeof(n->ac[0]));
	if (!n)
		return -ENOMEM;
	c->node = n;
	c->object_size = size;
	c->align = smm_cache_alignment(c->flags, align, size);
	/* DEBUG's red zone: a word after the object (6.7: one before it too) */
	c->red_end = c->owner_offset = c->flags & SHADOWMM_CACHE_RED_ZONE ?
				       ALIGN(size, 8) + 8 : size;
	c->size = ALIGN(ALIGN(c->red_end, 8), c->align);
	c->fp_offset = 0;
	c->first = 0;
	c->min_partial = c->cpu_partial = c->cpu_partial_slabs = 0;
	left = smm_slabp_order(c, c->size, true, max_order, &num, &order);
	/* a poisoned free object cannot hold the index array */
	n->objfreelist = num && num * sizeof(smm_slabp_idx_t) <= size &&
			 !(c->flags & SMM_CACHE_DEBUG_FLAGS);
	if (!n->objfreelist)
		left = smm_slabp_order(c, c->size, false, max_order, &num, &order);
	if (!num)
		return -EINVAL;
	c->ops = &smm_slabp_ops;
	c->order = order;
	c->objects = num;
	c->slab_bytes = SMM_PAGE_SIZE << order;
	smm_cache_set_stride(c);
	n->freelist_size = num * sizeof(smm_slabp_idx_t);
	n->colour_off = c->align > SMM_SLAB_CACHELINE ? c->align : SMM_SLAB_CACHELINE;
	n->colour = left / n->colour_off;
	return smm_slabp_setup_node(c);
}
