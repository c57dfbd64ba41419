// SPDX-License-Identifier: GPL-2.0
/*
 * Whole-cache checks of the slab layer, while the caches are in use:
 * VALIDATE (validate_slab_cache(): every slab of one cache, its
 * descriptor, lists, freelists, counts and, with the debug flags, every
 * object's red zone and poison) and the slab part of CHECK (a census of
 * the frame map's SLAB heads against each cache's counters).
 *
 * Both sweep the frame map in chunks of about SMM_SWEEP_FRAMES frames,
 * dropping their locks between chunks; the hooks in slab.c keep the
 * counts behind the cursor (sweep_*, census_*) current, so the totals
 * compared at the end are the caches as they are then. Invariant: a
 * slab head behind the cursor is counted exactly once.
 *
 * Locks (order as in slab.h): smm_slabs.mutex (one VALIDATE or CHECK at
 * a time) -> every CPU's lock of the cache, in CPU order -> the cache's
 * list_lock -> smm_slabs.census_lock. VALIDATE's chunks hold all of one
 * cache's locks; the census chunks hold census_lock alone.
 */
#include "slab.h"
#include "owner.h"
#include "mm_internal.h"

/*
 * One slab: its frame descriptor and its slab descriptor @s (which must
 * name @head back), its freelists (@s's and, when
 * active, the CPU's @cpu_free), its in-use count, and with the debug
 * flags every slot's red zone and poison. Returns the problems found.
 */
static u64 smm_slab_validate(struct smm_cache *c, u64 head, const struct smm_slab *s,
			     u32 cpu_free, bool active, u8 *free)
{
	const struct smm_frame *f = &c->mm->frames[head];
	const char *base = smm_slab_pos_virt(c->mm, head << SMM_PAGE_SHIFT);
	u64 pos0 = head << SMM_PAGE_SHIFT, problems = 0;
	int on_hdr, on_cpu = 0;
	u32 i, off;

	if (smm_frame_type(f) != SMM_FRAME_SLAB || smm_frame_owner(f) != SMM_OWNER_SLAB ||
	    smm_slab_frame_cache(f) != c->id || smm_frame_order(f) != c->order || !base ||
	    s->head != head) {
		smm_slab_report(c, pos0, "slab descriptor does not name this cache");
		return 1;
	}
	memset(free, 0, c->objects / 8 + 1);
	on_hdr = smm_slab_mark_free(c, head, base, s->freelist, free, true);
	if (active)
		on_cpu = smm_slab_mark_free(c, head, base, cpu_free, free, true);
	if (on_hdr < 0 || on_cpu < 0)
		return 1;	/* the objects' states are unknown: stop here */
	if (s->inuse != c->objects - on_hdr ||
	    (!active && (s->list == SMM_SLAB_FULL) != (s->inuse == c->objects))) {
		smm_slab_report(c, pos0, "in-use count disagrees with the freelist");
		problems++;
	}
	if (!(c->flags & (SHADOWMM_CACHE_RED_ZONE | SHADOWMM_CACHE_POISON)))
		return problems;
	for (i = 0, off = c->first; i < c->objects; i++, off += c->size)
		problems += smm_slab_debug_check(c, base + off, pos0 + off,
						 free[i / 8] & (1U << (i % 8)));
	return problems;
}

/*
 * Every lock of @c, and every CPU's word frozen (smm_cc_freeze()) into
 * its frozen field, so that no CPU's lockless fast path moves a
 * freelist while it is looked at; smm_cache_unlock_all() gives the
 * words back unchanged.
 */
static void smm_cache_lock_all(struct smm_cache *c)
{
	unsigned int i;

	for (i = 0; i < c->mm->nr_cpus; i++) {
		smm_lock_nest(&c->cpu[i].lock, &c->slabs->mutex);
		c->cpu[i].frozen = smm_cc_freeze(&c->cpu[i]);
	}
	smm_lock_nest(&c->list_lock, &c->slabs->mutex);
}

static void smm_cache_unlock_all(struct smm_cache *c)
{
	unsigned int i;

	smm_unlock_nested(&c->list_lock);
	for (i = c->mm->nr_cpus; i-- > 0; ) {
		smm_cc_thaw(&c->cpu[i], c->cpu[i].frozen);
		smm_unlock_nested(&c->cpu[i].lock);
	}
}

static u32 smm_slab_list_first(const struct smm_cache *c, unsigned int list)
{
	return list == SMM_SLAB_FULL ? c->full : c->partial;
}

/*
 * A slab on a CPU's partial list: that CPU's list holds it, within the
 * list's count of slabs. Under all of @c's locks. Returns the problems.
 */
static u64 smm_slab_validate_cpu_partial(struct smm_cache *c, u64 head, const struct smm_slab *s)
{
	const struct smm_cache_cpu *cc;
	const struct smm_slab *n;
	u32 at, i;

	if (s->cpu >= c->mm->nr_cpus) {
		smm_slab_report(c, head << SMM_PAGE_SHIFT, "slab on the partial list of no CPU");
		return 1;
	}
	cc = &c->cpu[s->cpu];
	for (at = cc->partial, i = 0; at != SMM_FRAME_NONE && i < cc->nr_partial; i++) {
		if (at == head)
			return 0;
		n = smm_slab_at(c, at);
		if (!n || n->list != SMM_SLAB_CPU_PARTIAL)
			break;
		at = n->next;
	}
	smm_slab_report(c, head << SMM_PAGE_SHIFT,
			"slab lists are broken (not on its CPU's partial list)");
	return 1;
}

/*
 * Where the slab at @head sits: on a list, linked both ways with slabs
 * of that list (or its head), or active on exactly the CPU whose
 * freelist goes to *@cpu_free. Under all of @c's locks. Returns the
 * problems found (reported).
 */
static u64 smm_slab_validate_place(struct smm_cache *c, u64 head, const struct smm_slab *s,
				   u32 *cpu_free, bool *active)
{
	u64 pos0 = head << SMM_PAGE_SHIFT;
	const struct smm_slab *n;
	unsigned int i;

	*active = false;
	if (s->list == SMM_SLAB_ON_CPU) {
		for (i = 0; i < c->mm->nr_cpus; i++) {
			if (smm_cc_word_slab(c->cpu[i].frozen) == head) {
				*active = true;
				*cpu_free = smm_cc_word_free(c->cpu[i].frozen);
				return 0;
			}
		}
		smm_slab_report(c, pos0, "slab is on no list and active on no CPU");
		return 1;
	}
	if (s->list == SMM_SLAB_CPU_PARTIAL)
		return smm_slab_validate_cpu_partial(c, head, s);
	if (s->list > SMM_SLAB_FULL) {
		smm_slab_report(c, pos0, "slab names no list");
		return 1;
	}
	if (s->prev == SMM_FRAME_NONE ? smm_slab_list_first(c, s->list) != head :
	    !(n = smm_slab_at(c, s->prev)) || n->list != s->list || n->next != head) {
		smm_slab_report(c, pos0, "slab lists are broken (bad back link)");
		return 1;
	}
	if (s->next != SMM_FRAME_NONE &&
	    (!(n = smm_slab_at(c, s->next)) || n->list != s->list || n->prev != head)) {
		smm_slab_report(c, pos0, "slab lists are broken (bad link)");
		return 1;
	}
	return 0;
}

/*
 * One chunk of VALIDATE's sweep of @c from *@next: every slab of @c whose
 * head lies there is validated and counted, until about SMM_SWEEP_FRAMES
 * frames were looked at (a slab counts its frames twice: it is read
 * whole). Under all of @c's locks, which keep its slab heads still.
 */
static u64 smm_cache_validate_chunk(struct smm_cache *c, u64 *next, u8 *free)
{
	u64 idx = *next, seen = 0, problems = 0, t0;
	struct smm_mm *mm = c->mm;

	smm_cache_lock_all(c);
	t0 = smm_clock_ns();
	while (idx < mm->range->span && seen < SMM_SWEEP_FRAMES) {
		struct smm_slab *s = smm_slab_at(c, idx);
		u32 cpu_free = SMM_SLAB_END;
		bool active;
		u64 bad;

		if (!s) {
			idx++;
			seen++;
			continue;
		}
		bad = smm_slab_validate_place(c, idx, s, &cpu_free, &active);
		if (!bad && s->list != SMM_SLAB_ON_CPU)
			c->sweep_list[s->list]++;
		c->sweep_slabs++;
		problems += bad + smm_slab_validate(c, idx, s, cpu_free, active, free);
		idx += 1ULL << c->order;
		seen += 2ULL << c->order;
	}
	*next = idx;
	c->sweep_end = idx;
	smm_hold_end(mm, SMM_HOLD_VALIDATE, t0);
	smm_cache_unlock_all(c);
	return problems;
}

/*
 * The sweep reached the end: its counts are @c's slabs as they are now.
 * They must match the counters, and the list heads start their lists.
 * Under all of @c's locks.
 */
static u64 smm_cache_validate_totals(struct smm_cache *c)
{
	u64 active = 0, cpu_partial = 0, problems = 0, on_cpu;
	unsigned int i, list;

	for (i = 0; i < c->mm->nr_cpus; i++) {
		active += smm_cc_word_slab(c->cpu[i].frozen) != SMM_FRAME_NONE;
		cpu_partial += c->cpu[i].nr_partial;
	}
	/* slabs on no list are the active ones (checked one by one) */
	on_cpu = c->sweep_slabs - c->sweep_list[SMM_SLAB_PARTIAL] - c->sweep_list[SMM_SLAB_FULL] -
		 c->sweep_list[SMM_SLAB_CPU_PARTIAL];
	if (c->sweep_slabs != c->nr_slabs || c->sweep_list[SMM_SLAB_PARTIAL] != c->nr_partial ||
	    c->sweep_list[SMM_SLAB_FULL] != c->nr_full ||
	    c->sweep_list[SMM_SLAB_CPU_PARTIAL] != cpu_partial || on_cpu != active) {
		smm_report("slab error: cache %s: %llu slabs found (%llu active, %llu partial, %llu full, %llu on CPU partial lists), nr_slabs=%llu (%llu active, %llu partial, %llu full, %llu on CPU partial lists)",
			   c->name, (unsigned long long)c->sweep_slabs, (unsigned long long)on_cpu,
			   (unsigned long long)c->sweep_list[SMM_SLAB_PARTIAL],
			   (unsigned long long)c->sweep_list[SMM_SLAB_FULL],
			   (unsigned long long)c->sweep_list[SMM_SLAB_CPU_PARTIAL],
			   (unsigned long long)c->nr_slabs, (unsigned long long)active,
			   (unsigned long long)c->nr_partial, (unsigned long long)c->nr_full,
			   (unsigned long long)cpu_partial);
		problems++;
	}
	for (i = 0; i < c->mm->nr_cpus; i++) {
		u32 head = c->cpu[i].partial;
		const struct smm_slab *s = head != SMM_FRAME_NONE ? smm_slab_at(c, head) : NULL;

		if ((head == SMM_FRAME_NONE) != !c->cpu[i].nr_partial ||
		    (head != SMM_FRAME_NONE && (!s || s->list != SMM_SLAB_CPU_PARTIAL || s->cpu != i))) {
			smm_report("slab error: cache %s: CPU %u's partial list is broken",
				   c->name, i);
			problems++;
		}
	}
	if ((c->partial == SMM_FRAME_NONE) != (c->partial_tail == SMM_FRAME_NONE) ||
	    (c->partial_tail != SMM_FRAME_NONE &&
	     (!smm_slab_at(c, c->partial_tail) ||
	      smm_slab_at(c, c->partial_tail)->list != SMM_SLAB_PARTIAL ||
	      smm_slab_at(c, c->partial_tail)->next != SMM_FRAME_NONE))) {
		smm_report("slab error: cache %s: the partial list's tail is not its last slab",
			   c->name);
		problems++;
	}
	for (list = SMM_SLAB_PARTIAL; list <= SMM_SLAB_FULL; list++) {
		u32 head = smm_slab_list_first(c, list);
		const struct smm_slab *s = head != SMM_FRAME_NONE ? smm_slab_at(c, head) : NULL;

		if (head != SMM_FRAME_NONE && (!s || s->list != list || s->prev != SMM_FRAME_NONE)) {
			smm_slab_report(c, (u64)head << SMM_PAGE_SHIFT,
					"slab lists are broken (a list's head is not its first slab)");
			problems++;
		}
	}
	return problems;
}

/*
 * validate_slab_cache(), while the cache is in use: sweep the frame map
 * in chunks, each under the cache's locks (every CPU's and the list
 * lock), validating every slab of the cache, active, partial and full;
 * the hooks in slab.c keep the counts of slabs behind the cursor current
 * (sweep_*), so at the end they are compared with the counters. Each
 * problem is reported; their number goes to *@nr_problems. Returns 0,
 * or -ENOMEM when the bitmap of free objects cannot be had: then nothing
 * was validated, and *@nr_problems is left alone rather than saying the
 * cache is clean. One VALIDATE or CHECK at a time (smm_slabs.mutex).
 */
int smm_cache_validate(struct smm_cache *c, u64 *nr_problems)
{
	u64 problems = 0, next = 0;
	u8 *free;

	if (c->ops && c->ops->validate)
		return c->ops->validate(c, nr_problems);
	free = smm_zalloc_array(c->objects / 8 + 1, 1);
	if (!free)
		return -ENOMEM;
	smm_mutex_lock(&c->slabs->mutex);
	smm_cache_lock_all(c);
	c->sweep_slabs = 0;
	memset(c->sweep_list, 0, sizeof(c->sweep_list));
	smm_cache_unlock_all(c);
	while (next < c->mm->range->span) {
		problems += smm_cache_validate_chunk(c, &next, free);
		smm_cond_resched();
	}
	smm_cache_lock_all(c);
	problems += smm_cache_validate_totals(c);
	c->sweep_end = 0;
	c->cpu[0].stats.errors += problems;
	smm_cache_unlock_all(c);
	smm_mutex_unlock(&c->slabs->mutex);
	smm_free_array(free);
	*nr_problems = problems;
	return 0;
}

/* ---- CHECK ----------------------------------------------------------- */

#define smm_bad(fmt, ...)	(snprintf(why, len, fmt, ##__VA_ARGS__), -EUCLEAN)

/*
 * One chunk of the census from *@next, under census_lock alone: slab
 * heads hold still under it (smm_slab_set_made()); every other frame
 * may change under the buddy's locks meanwhile, one store each, so one
 * load each here, and no other word ever reads as SLAB. Each SLAB head
 * names a live cache, has its order and names a descriptor that names
 * it back (descriptors change hands only while their slab is unmade),
 * and counts for that cache.
 */
static int smm_slabs_census_chunk(struct smm_slabs *s, u64 *next, char *why, size_t len)
{
	struct smm_mm *mm = s->mm;
	u64 idx = *next, end = min(idx + SMM_SWEEP_FRAMES, mm->range->span), t0;
	int ret = 0;

	smm_lock(&s->census_lock);
	t0 = smm_clock_ns();
	for (; idx < end; idx++) {
		struct smm_frame fv = smm_frame_load(&mm->frames[idx]);
		const struct smm_frame *f = &fv;
		unsigned int id;
		struct smm_cache *c;

		if (smm_frame_type(f) != SMM_FRAME_SLAB)
			continue;
		id = smm_slab_frame_cache(f);
		c = s->caches[id];
		if (smm_frame_owner(f) != SMM_OWNER_SLAB || !c) {
			ret = smm_bad("frame %llu: a slab of no cache", (unsigned long long)idx);
			break;
		}
		if (smm_frame_order(f) != c->order) {
			ret = smm_bad("frame %llu: slab of order %u in %s (order %u)",
				      (unsigned long long)idx, smm_frame_order(f), c->name, c->order);
			break;
		}
		if (!smm_slab_at(c, idx)) {
			ret = smm_bad("frame %llu: slab of %s names descriptor %u, which is not its own",
				      (unsigned long long)idx, c->name, smm_slab_frame_desc(f));
			break;
		}
		c->census_slabs++;
	}
	*next = idx;
	s->census_end = idx;
	smm_hold_end(mm, SMM_HOLD_CENSUS, t0);
	smm_unlock(&s->census_lock);
	return ret;
}

/*
 * The census is complete: each cache's count is its slabs as they are
 * now. Compare, one cache at a time under its locks and census_lock; and
 * each active slab's fp_base is its base plus the free pointer's offset.
 */
static int smm_slabs_census_totals(struct smm_slabs *s, char *why, size_t len)
{
	unsigned int id, i;
	int ret = 0;

	for (id = 0; id < SMM_MAX_CACHES && !ret; id++) {
		struct smm_cache *c = s->caches[id];
		u64 cpu_slabs = 0, cpu_partial = 0;

		if (!c)
			continue;
		smm_cache_lock_all(c);
		smm_lock(&s->census_lock);
		for (i = 0; i < s->mm->nr_cpus; i++) {
			const struct smm_cache_cpu *cc = &c->cpu[i];
			bool active = smm_cc_word_slab(cc->frozen) != SMM_FRAME_NONE;

			cpu_slabs += active;
			cpu_partial += cc->nr_partial;
			/* the free's fast path stores through fp_base */
			if (active && !ret && cc->fp_base != cc->base + c->fp_offset)
				ret = smm_bad("cache %s: CPU %u's fp_base is %td bytes from its slab's free pointer",
					      c->name, i, cc->fp_base - (cc->base + c->fp_offset));
		}
		if (!ret && (c->census_slabs != c->nr_slabs ||
			     cpu_slabs + cpu_partial + c->nr_partial + c->nr_full != c->nr_slabs))
			ret = smm_bad("cache %s: nr_slabs=%llu but %llu slab frames, %llu active + %llu on CPU partial lists + %llu partial + %llu full",
				      c->name, (unsigned long long)c->nr_slabs,
				      (unsigned long long)c->census_slabs,
				      (unsigned long long)cpu_slabs,
				      (unsigned long long)cpu_partial,
				      (unsigned long long)c->nr_partial,
				      (unsigned long long)c->nr_full);
		smm_unlock(&s->census_lock);
		smm_cache_unlock_all(c);
	}
	return ret;
}

/*
 * Each cache's slow byte against what it stands for: LOCKED for debug
 * flags or another policy, FAILSLAB for failslab armed (set and cleared
 * under smm_slabs.mutex, which the caller holds), nothing else. A wrong
 * bit would send allocations past failslab or debug checks to the
 * lockless fast path, or every one to the lock.
 */
static int smm_slabs_check_slow(struct smm_slabs *s, char *why, size_t len)
{
	bool armed = smm_fail_armed(&s->mm->fail[SHADOWMM_FAULT_SLAB]);
	unsigned int id;

	for (id = 0; id < SMM_MAX_CACHES; id++) {
		const struct smm_cache *c = s->caches[id];
		u8 want;

		if (!c)
			continue;
		want = smm_cache_slow_locked(c) | (armed ? SMM_CACHE_SLOW_FAILSLAB : 0);
		if (READ_ONCE(c->slow) != want)
			return smm_bad("cache %s: slow byte %#x, its flags, policy and failslab say %#x",
				       c->name, READ_ONCE(c->slow), want);
	}
	return 0;
}

/*
 * CHECK's slab part, while the caches are in use: every SLAB head of the
 * frame map names a live cache and has its order, and each cache's slabs
 * (active + partial + full) add up to nr_slabs and to the SLAB heads
 * found, and each cache's slow byte says what it stands for. A sweep in chunks under census_lock; smm_slab_set_made() keeps
 * the counts behind the cursor current. The set of caches holds still
 * (smm_slabs.mutex).
 */
int smm_slabs_check(struct smm_slabs *s, char *why, size_t len)
{
	u64 next = 0;
	unsigned int id;
	int ret = 0;

	smm_mutex_lock(&s->mutex);
	ret = smm_slabs_check_slow(s, why, len);
	smm_lock(&s->census_lock);
	for (id = 0; id < SMM_MAX_CACHES; id++)
		if (s->caches[id])
			s->caches[id]->census_slabs = 0;
	smm_unlock(&s->census_lock);
	while (!ret && next < s->mm->range->span) {
		ret = smm_slabs_census_chunk(s, &next, why, len);
		smm_cond_resched();
	}
	if (!ret)
		ret = smm_slabs_census_totals(s, why, len);
	smm_lock(&s->census_lock);
	s->census_end = 0;
	smm_unlock(&s->census_lock);
	smm_mutex_unlock(&s->mutex);
	if (!ret)
		snprintf(why, len, "ok");
	return ret;
}
