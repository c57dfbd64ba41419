/*
 * CHECK: verify every invariant of the shadow mm and name the first one
 * that does not hold, the way check_new_page()/bad_page() name a reason.
 *
 *  - frames: walking each zone head to head covers it; every head is
 *    aligned to its order, lies in one section and one zone, and is
 *    followed only by tails; holes lie outside sections;
 *  - free blocks: each FREE head is linked both ways with FREE heads of
 *    its order and migratetype (or is its list's head), no two free
 *    buddies are left unmerged, the FREE heads of each (order, type)
 *    number nr_free and add up to zone->free;
 *  - the HighAtomic reserve: nr_reserved_highatomic is the frames of the
 *    HighAtomic pageblocks overlapping the zone (so none lies across two);
 *  - per-CPU lists: each holds PCP heads of its order and type, adding
 *    up to the list's count, and the PCP frames of the zone to the sum;
 *  - page-table and space pages (core/space.h) are owned by a space,
 *    table pages single frames; slab, page-table and LRU record pages
 *    never lie in HighMem or Movable (lowmem only, as GFP_KERNEL);
 *  - no HighMem map is left open (highmem.c);
 *  - present = free + per-CPU + allocated (when nothing moved meanwhile);
 *    min <= low <= high.
 *
 * CHECK runs while allocations go on and holds no lock for long: it
 * sweeps each zone in chunks of about SMM_SWEEP_FRAMES frames, each under
 * the zone's locks (its pcp locks, then the zone lock: nothing in the
 * zone changes under them), and drops them between chunks. Every chunk
 * checks what is local to it and adds what it saw to a census; the
 * allocator keeps the census of the frames behind the cursor current
 * (the hooks in buddy.c and pcp.c), so when the cursor reaches the end
 * of the zone the census is that of the zone as it is now, and the
 * totals are compared under the locks once more. The one sum the hooks
 * do not follow (allocated frames) is compared only when the zone's
 * generation shows that nothing moved during the sweep.
 *
 * Lock order: mm->lock_all (a mutex: one CHECK at a time), then per
 * chunk the zone's pcp locks in CPU order, then its zone lock.
 */
#include "mm_internal.h"
#include "owner.h"

const char *const smm_hold_names[SMM_NR_HOLDS] = {
	[SMM_HOLD_CHECK]	= "check",
	[SMM_HOLD_CENSUS]	= "slab_census",
	[SMM_HOLD_VALIDATE]	= "validate",
	[SMM_HOLD_SHRINK]	= "slab_shrink",
};

/* One sweep of one zone: what the chunks saw that the hooks do not keep. */
struct smm_sweep {
	u64 next;		/* first frame not swept yet */
	u64 pcp;		/* PCP frames seen */
	u64 used;		/* frames of allocated blocks seen */
	u64 gen;		/* the zone's generation when it began */
};

#define smm_bad(fmt, ...)	(snprintf(why, len, fmt, ##__VA_ARGS__), -EUCLEAN)

/*
 * A chunk of a whole-range operation ends: @t0 is when its locks were
 * all taken (smm_clock_ns()). Keeps the longest hold of each kind.
 */
void smm_hold_end(struct smm_mm *mm, enum smm_hold_kind kind, u64 t0)
{
	u64 ns = smm_clock_ns() - t0;
	struct smm_hold_stats *h = &mm->holds[kind];

	smm_lock(&mm->hold_lock);
	WRITE_ONCE(h->chunks, h->chunks + 1);
	WRITE_ONCE(h->total_ns, h->total_ns + ns);
	if (ns > h->max_ns)
		WRITE_ONCE(h->max_ns, ns);
	smm_unlock(&mm->hold_lock);
}

void smm_hold_reset(struct smm_mm *mm)
{
	smm_lock(&mm->hold_lock);
	memset(mm->holds, 0, sizeof(mm->holds));
	smm_unlock(&mm->hold_lock);
}

void smm_hold_read(struct smm_mm *mm, enum smm_hold_kind kind, struct smm_hold_stats *st)
{
	smm_lock(&mm->hold_lock);
	*st = mm->holds[kind];
	smm_unlock(&mm->hold_lock);
}

/*
 * Every lock of zone @zi: its pcp locks in CPU order, then the zone lock
 * (the documented order), nested under lock_all so lockdep accepts many
 * locks of one class. Nothing in the zone changes while they are held:
 * the buddy writes under the zone lock; the pcp lists, and owners' changes
 * to their blocks (smm_frame_publish()), under a pcp lock of the zone.
 */
static void smm_zone_lock_all(struct smm_mm *mm, unsigned int zi)
{
	unsigned int cpu;

	for (cpu = 0; cpu < mm->nr_cpus; cpu++)
		smm_lock_nest(&smm_pcp_of(mm, cpu, zi)->lock, &mm->lock_all);
	smm_lock_nest(&mm->zones[zi].lock, &mm->lock_all);
}

static void smm_zone_unlock_all(struct smm_mm *mm, unsigned int zi)
{
	unsigned int cpu;

	smm_unlock_nested(&mm->zones[zi].lock);
	for (cpu = mm->nr_cpus; cpu-- > 0; )
		smm_unlock_nested(&smm_pcp_of(mm, cpu, zi)->lock);
}

/* Move the cursor of zone @zi's census: its zone locks are held. */
static void smm_sweep_set_end(struct smm_mm *mm, unsigned int zi, u64 end)
{
	unsigned int cpu;

	mm->zones[zi].sweep.end = end;
	for (cpu = 0; cpu < mm->nr_cpus; cpu++)
		smm_pcp_of(mm, cpu, zi)->sweep_end = end;
}

/* @f: the snapshot of the head at @idx (one load: smm_frame_load()). */
static int smm_check_block(struct smm_mm *mm, const struct smm_zone *z, u64 idx,
			   const struct smm_frame *f, char *why, size_t len)
{
	unsigned int order = smm_frame_order(f);
	u64 size = 1ULL << order, i;
	const struct smm_section *s;

	if (smm_frame_type(f) == SMM_FRAME_TAIL)
		return smm_bad("frame %llu: a tail where a block should start",
			       (unsigned long long)idx);
	if (smm_frame_type(f) >= SMM_FRAME_NR_TYPES)
		return smm_bad("frame %llu: unknown type %u", (unsigned long long)idx,
			       smm_frame_type(f));
	s = smm_range_section_of(mm->range, idx);
	if (smm_frame_type(f) == SMM_FRAME_HOLE) {
		if (s || order)
			return smm_bad("frame %llu: a hole inside a section",
				       (unsigned long long)idx);
		return 0;
	}
	if (order > SMM_MAX_ORDER || idx & (size - 1))
		return smm_bad("frame %llu: block of order %u is misaligned or too large",
			       (unsigned long long)idx, order);
	if (!s || idx + size > s->start + s->nr_frames || idx + size > z->end)
		return smm_bad("frame %llu: block of order %u crosses a section or zone end",
			       (unsigned long long)idx, order);
	for (i = 1; i < size; i++)
		if (smm_frame_type(&mm->frames[idx + i]) != SMM_FRAME_TAIL)
			return smm_bad("frame %llu: inside the block at %llu but not a tail",
				       (unsigned long long)(idx + i), (unsigned long long)idx);
	return 0;
}

/*
 * Free buddies of pageblock order or more stay apart when their types
 * differ and one is HighAtomic (__free_one_page(): only mergeable
 * types merge across pageblocks), whichever of them came back last.
 * Once a zone has given a reserved pageblock back, they may also stay
 * apart with equal types: unreserve_highatomic_pageblock() moves the
 * pageblock's free blocks to the new type's lists without merging them
 * with a buddy kept apart before (move_freepages_block()), so the
 * kernel's lists hold such pairs too until one of them is allocated.
 */
static bool smm_merge_refused(const struct smm_mm *mm, const struct smm_zone *z, u64 idx,
			      u64 buddy, unsigned int order)
{
	unsigned int t[4] = {
		smm_frame_mt(&mm->frames[idx]), smm_frame_mt(&mm->frames[buddy]),
		smm_pageblock_mt(mm, idx), smm_pageblock_mt(mm, buddy),
	};
	unsigned int i;
	bool ha = false, differ = false;

	if (order < SMM_PAGEBLOCK_ORDER)
		return false;
	if (READ_ONCE(z->highatomic_given_back))
		return true;
	for (i = 0; i < 4; i++) {
		ha |= t[i] >= SMM_NR_PCPTYPES;
		differ |= t[i] != t[0];
	}
	return ha && differ;
}

static int smm_check_buddy_merged(const struct smm_mm *mm, const struct smm_zone *z,
				  u64 idx, unsigned int order, char *why, size_t len)
{
	u64 buddy = idx ^ (1ULL << order);
	struct smm_frame b;

	if (order >= SMM_MAX_ORDER || buddy < z->start || buddy >= z->end)
		return 0;
	b = smm_frame_load(&mm->frames[buddy]);
	if (smm_frame_type(&b) == SMM_FRAME_FREE && smm_frame_order(&b) == order &&
	    !smm_merge_refused(mm, z, idx, buddy, order))
		return smm_bad("frames %llu and %llu: free buddies of order %u not merged",
			       (unsigned long long)idx, (unsigned long long)buddy, order);
	return 0;
}

/*
 * The links of the FREE head at @idx, read under the zone lock: its
 * neighbours are FREE heads of its list that point back at it, and with
 * no previous block it is its list's head. With the counts compared at
 * the end, every FREE head is then on its list (a separate cycle would
 * need a block with no way back to the head, which the links exclude
 * only together with nr_free: see smm_check_totals()).
 */
static int smm_check_free_links(const struct smm_mm *mm, const struct smm_zone *z, u64 idx,
				const struct smm_frame *f, char *why, size_t len)
{
	unsigned int order = smm_frame_order(f), mt = smm_frame_mt(f);
	u32 prev = smm_frame_prev(f), next = smm_frame_next(f);
	const struct smm_frame *n;

	if (prev == SMM_FRAME_NONE) {
		if (z->area[order].head[mt] != idx)
			return smm_bad("%s order %u type %u: frame %llu has no back link but is not the list's head",
				       z->name, order, mt, (unsigned long long)idx);
	} else {
		n = prev >= z->start && prev < z->end ? &mm->frames[prev] : NULL;
		if (!n || smm_frame_type(n) != SMM_FRAME_FREE || smm_frame_order(n) != order ||
		    smm_frame_mt(n) != mt || smm_frame_next(n) != idx)
			return smm_bad("%s order %u type %u: frame %llu has a wrong back link",
				       z->name, order, mt, (unsigned long long)idx);
	}
	if (next == SMM_FRAME_NONE) {
		if (z->area[order].tail[mt] != idx)
			return smm_bad("%s order %u type %u: frame %llu has no next link but is not the list's tail",
				       z->name, order, mt, (unsigned long long)idx);
		return 0;
	}
	n = next >= z->start && next < z->end ? &mm->frames[next] : NULL;
	if (!n || smm_frame_type(n) != SMM_FRAME_FREE || smm_frame_order(n) != order ||
	    smm_frame_mt(n) != mt || smm_frame_prev(n) != idx)
		return smm_bad("%s order %u type %u: frame %llu links to frame %u, not such a free block",
			       z->name, order, mt, (unsigned long long)idx, next);
	return 0;
}

/* A PCP head links only to a PCP head of its list (or ends it). */
static int smm_check_pcp_link(const struct smm_mm *mm, const struct smm_zone *z, u64 idx,
			      const struct smm_frame *f, char *why, size_t len)
{
	u32 next = smm_frame_next(f);
	const struct smm_frame *n;

	if (next == SMM_FRAME_NONE)
		return 0;
	n = next >= z->start && next < z->end ? &mm->frames[next] : NULL;
	if (!n || smm_frame_type(n) != SMM_FRAME_PCP || smm_frame_order(n) != smm_frame_order(f) ||
	    smm_pcp_index(smm_frame_order(n), smm_frame_mt(n)) !=
	    smm_pcp_index(smm_frame_order(f), smm_frame_mt(f)))
		return smm_bad("%s: pcp frame %llu links to frame %u, not a pcp block of its list",
			       z->name, (unsigned long long)idx, next);
	return 0;
}

/* What one block adds to the census, after its local checks. */
/*
 * Slab, page-table and LRU record pages are asked for without
 * __GFP_HIGHMEM: the zonelist walk never reaches HighMem or Movable.
 */
static int smm_check_lowmem_only(const struct smm_mm *mm, const struct smm_zone *z, u64 idx,
				 const struct smm_frame *f, char *why, size_t len)
{
	unsigned int zi = z - mm->zones, type = smm_frame_type(f);

	if (!smm_zone_is_high(zi))
		return 0;
	if (type == SMM_FRAME_SLAB || type == SMM_FRAME_PGTABLE || type == SMM_FRAME_LRU)
		return smm_bad("frame %llu: a %s page in %s (lowmem only)", (unsigned long long)idx,
			       type == SMM_FRAME_SLAB ? "slab" :
			       type == SMM_FRAME_PGTABLE ? "page-table" : "LRU record", z->name);
	return 0;
}

static int smm_check_one(struct smm_mm *mm, struct smm_zone *z, u64 idx,
			 const struct smm_frame *f, struct smm_sweep *sw, char *why, size_t len)
{
	unsigned int order = smm_frame_order(f);
	int ret;

	switch (smm_frame_type(f)) {
	case SMM_FRAME_HOLE:
		return 0;
	case SMM_FRAME_OFFLINE:	/* out of present and managed (isolate.c) */
		if (order != SMM_PAGEBLOCK_ORDER || smm_pageblock_mt(mm, idx) != SHADOWMM_MT_ISOLATE)
			return smm_bad("frame %llu: an offline block that is not an isolated pageblock",
				       (unsigned long long)idx);
		return 0;
	case SMM_FRAME_FREE:
		ret = smm_check_buddy_merged(mm, z, idx, order, why, len);
		if (!ret)
			ret = smm_check_free_links(mm, z, idx, f, why, len);
		if (!ret)
			z->sweep.nr_free[order][smm_frame_mt(f)]++;
		return ret;
	case SMM_FRAME_PCP:
		sw->pcp += 1ULL << order;
		return smm_check_pcp_link(mm, z, idx, f, why, len);
	default:
		ret = smm_check_lowmem_only(mm, z, idx, f, why, len);
		if (ret)
			return ret;
		if ((smm_frame_type(f) == SMM_FRAME_PGTABLE || smm_frame_type(f) == SMM_FRAME_SPACE) &&
		    (smm_frame_owner(f) != SMM_OWNER_SPACE ||
		     (smm_frame_type(f) == SMM_FRAME_PGTABLE && order)))
			return smm_bad("frame %llu: a shadow space's page not owned as one",
				       (unsigned long long)idx);
		sw->used += 1ULL << order;
		return 0;
	}
}

/*
 * One chunk of zone @zi's sweep, from sw->next on: blocks until about
 * SMM_SWEEP_FRAMES frames were looked at, under the zone's locks. A merge
 * since the last chunk may have made the frame at the cursor a tail of
 * a block whose head lies behind it (and was counted by the hooks): its
 * tails are skipped, but only if the zone moved, else a tail there is
 * a broken block.
 */
static int smm_check_chunk(struct smm_mm *mm, unsigned int zi, struct smm_sweep *sw,
			   char *why, size_t len)
{
	struct smm_zone *z = &mm->zones[zi];
	u64 idx = sw->next, seen = 0, t0;
	struct smm_frame head;
	int ret = 0;

	smm_zone_lock_all(mm, zi);
	t0 = smm_clock_ns();
	if (smm_zone_generation_moved(mm, zi, sw->gen))
		while (idx < z->end && seen++ < SMM_MAX_BLOCK_FRAMES &&
		       smm_frame_type(&mm->frames[idx]) == SMM_FRAME_TAIL)
			idx++;
	for (seen = 0; idx < z->end && seen < SMM_SWEEP_FRAMES; idx += 1ULL << smm_frame_order(&head)) {
		head = smm_frame_load(&mm->frames[idx]);
		ret = smm_check_block(mm, z, idx, &head, why, len);
		if (!ret)
			ret = smm_check_one(mm, z, idx, &head, sw, why, len);
		if (ret)
			break;
		seen += 1ULL << smm_frame_order(&head);
	}
	sw->next = idx;
	smm_sweep_set_end(mm, zi, idx);
	smm_hold_end(mm, SMM_HOLD_CHECK, t0);
	smm_zone_unlock_all(mm, zi);
	return ret;
}

/*
 * nr_reserved_highatomic against the pageblocks: each HighAtomic one
 * overlapping the zone counts a pageblock's frames. Under the zone lock,
 * one byte per pageblock (2,048 for a 4 GiB zone).
 */
static int smm_check_highatomic(const struct smm_mm *mm, const struct smm_zone *z,
				char *why, size_t len)
{
	u64 pb, last, n = 0;

	if (z->end > z->start) {
		last = (z->end - 1) >> SMM_PAGEBLOCK_ORDER;
		for (pb = z->start >> SMM_PAGEBLOCK_ORDER; pb <= last; pb++)
			n += mm->pageblock_mt[pb] == SHADOWMM_MT_HIGHATOMIC;
	}
	if (n * SMM_PAGEBLOCK_FRAMES != z->nr_reserved_highatomic)
		return smm_bad("%s: nr_reserved_highatomic=%llu but %llu pageblocks are HighAtomic",
			       z->name, (unsigned long long)z->nr_reserved_highatomic,
			       (unsigned long long)n);
	return 0;
}

/*
 * Zone @zi swept: the census (z->sweep and the pcps' deltas) is that of
 * the zone as it is now. Compare it with the zone's counters and check
 * the list heads, under the zone's locks. O(orders x types + CPUs).
 */
static int smm_check_totals(struct smm_mm *mm, unsigned int zi, const struct smm_sweep *sw,
			    char *why, size_t len)
{
	const struct smm_zone *z = &mm->zones[zi];
	u64 free = 0, pcp = sw->pcp, counted = 0;
	unsigned int o, mt, cpu;

	for (o = 0; o < SMM_NR_ORDERS; o++) {
		for (mt = 0; mt < SMM_NR_MT; mt++) {
			u64 want = z->area[o].nr_free[mt], found = z->sweep.nr_free[o][mt];
			u32 h = z->area[o].head[mt];
			const struct smm_frame *f = h != SMM_FRAME_NONE ? &mm->frames[h] : NULL;

			if (found != want)
				return smm_bad("%s order %u type %u: %llu free blocks found, nr_free=%llu",
					       z->name, o, mt, (unsigned long long)found,
					       (unsigned long long)want);
			if ((f == NULL) != (want == 0) ||
			    (z->area[o].tail[mt] == SMM_FRAME_NONE) != (want == 0) ||
			    (f && (h < z->start || h >= z->end ||
				   smm_frame_type(f) != SMM_FRAME_FREE || smm_frame_order(f) != o ||
				   smm_frame_mt(f) != mt || smm_frame_prev(f) != SMM_FRAME_NONE)))
				return smm_bad("%s order %u type %u: the list's head %u is not a first free block of it",
					       z->name, o, mt, h);
			if (!(z->nonempty[mt] & 1U << o) != (want == 0))
				return smm_bad("%s order %u type %u: nonempty says %s, the list holds %llu",
					       z->name, o, mt,
					       z->nonempty[mt] & 1U << o ? "a block" : "none",
					       (unsigned long long)want);
			free += want << o;
		}
	}
	if (free != z->free)
		return smm_bad("%s: free=%llu but the free lists hold %llu frames",
			       z->name, (unsigned long long)z->free, (unsigned long long)free);
	for (cpu = 0; cpu < mm->nr_cpus; cpu++) {
		const struct smm_pcp *p = smm_pcp_of(mm, cpu, zi);

		pcp += p->sweep_delta;
		counted += p->count;
	}
	if (pcp != counted)
		return smm_bad("%s: pcp lists hold %llu frames, the frames say %llu",
			       z->name, (unsigned long long)counted, (unsigned long long)pcp);
	if (!smm_zone_generation_moved(mm, zi, sw->gen) &&
	    (free + pcp + sw->used != z->present || z->managed != z->present))
		return smm_bad("%s: present=%llu but free=%llu + pcp=%llu + used=%llu",
			       z->name, (unsigned long long)z->present, (unsigned long long)free,
			       (unsigned long long)pcp, (unsigned long long)sw->used);
	if (z->wmark[SMM_WMARK_MIN] > z->wmark[SMM_WMARK_LOW] ||
	    z->wmark[SMM_WMARK_LOW] > z->wmark[SMM_WMARK_HIGH])
		return smm_bad("%s: watermarks out of order", z->name);
	return smm_check_highatomic(mm, z, why, len);
}

/*
 * Each CPU's lists of zone @zi hold PCP heads of their order and type
 * adding up to its count, and its mm and frames pointers are the mm's:
 * under that pcp lock alone, a walk bounded by the count (a pcp holds at
 * most high + a batch).
 */
static int smm_check_pcp_lists(struct smm_mm *mm, unsigned int zi, char *why, size_t len)
{
	const struct smm_zone *z = &mm->zones[zi];
	unsigned int cpu, p;
	int ret = 0;

	for (cpu = 0; cpu < mm->nr_cpus && !ret; cpu++) {
		struct smm_pcp *pcp = smm_pcp_of(mm, cpu, zi);
		u64 frames = 0, t0;

		smm_lock(&pcp->lock);
		t0 = smm_clock_ns();
		if (pcp->frames != mm->frames || pcp->mm != mm)
			ret = smm_bad("cpu %u %s pcp: its mm or frames pointer is not the mm's",
				      cpu, z->name);
		for (p = 0; p < SMM_NR_PCP_LISTS && !ret; p++) {
			u32 idx;

			for (idx = pcp->lists[p]; idx != SMM_FRAME_NONE && !ret;
			     idx = smm_frame_next(&mm->frames[idx])) {
				const struct smm_frame *f = &mm->frames[idx];

				if (idx < z->start || idx >= z->end || frames > pcp->count)
					ret = smm_bad("cpu %u %s pcp list %u: frame %u does not belong",
						      cpu, z->name, p, idx);
				else if (smm_frame_type(f) != SMM_FRAME_PCP ||
					 smm_frame_order(f) != smm_pcp_order(p) ||
					 smm_pcp_index(smm_frame_order(f), smm_frame_mt(f)) != p)
					ret = smm_bad("cpu %u %s pcp list %u: frame %u is not a free pcp block",
						      cpu, z->name, p, idx);
				else
					frames += 1ULL << smm_frame_order(f);
			}
		}
		if (!ret && frames != pcp->count)
			ret = smm_bad("cpu %u %s: pcp count=%u but its lists hold %llu frames",
				      cpu, z->name, pcp->count, (unsigned long long)frames);
		smm_hold_end(mm, SMM_HOLD_CHECK, t0);
		smm_unlock(&pcp->lock);
	}
	return ret;
}

/* Sweep zone @zi chunk by chunk, then compare its totals. Under lock_all. */
static int smm_check_zone(struct smm_mm *mm, unsigned int zi, char *why, size_t len)
{
	struct smm_zone *z = &mm->zones[zi];
	struct smm_sweep sw = { .next = z->start };
	unsigned int cpu;
	int ret;

	smm_zone_lock_all(mm, zi);
	sw.gen = smm_zone_generation(mm, zi);
	memset(&z->sweep, 0, sizeof(z->sweep));
	for (cpu = 0; cpu < mm->nr_cpus; cpu++)
		smm_pcp_of(mm, cpu, zi)->sweep_delta = 0;
	smm_sweep_set_end(mm, zi, z->start);
	smm_zone_unlock_all(mm, zi);

	do {
		ret = smm_check_chunk(mm, zi, &sw, why, len);
		smm_cond_resched();
	} while (!ret && sw.next < z->end);

	smm_zone_lock_all(mm, zi);
	if (!ret)
		ret = smm_check_totals(mm, zi, &sw, why, len);
	smm_sweep_set_end(mm, zi, 0);
	smm_zone_unlock_all(mm, zi);
	if (!ret)
		ret = smm_check_pcp_lists(mm, zi, why, len);
	return ret;
}

/*
 * smm_alloc_pages()'s order-0 gate says what it stands for: pcp_off is
 * !pcp_enabled (both written under lock_all, which the caller holds) and
 * fail_armed is fail_page_alloc's probability != 0 (both written under
 * the target's lock). A closed gate only sends requests the general way;
 * an open one while fault injection is armed would skip it.
 */
static int smm_check_order0_gate(struct smm_mm *mm, char *why, size_t len)
{
	struct smm_fail_attr *a = &mm->fail[SHADOWMM_FAULT_PAGE_ALLOC];
	bool armed;
	int ret = 0;

	smm_lock(&a->lock);
	armed = a->probability != 0;
	if (a->armed != &mm->order0_gate.fail_armed ||
	    mm->order0_gate.pcp_off != !mm->pcp_enabled || mm->order0_gate.fail_armed != armed)
		ret = smm_bad("order-0 gate pcp_off=%u fail_armed=%u: the lists %s, fail_page_alloc %s",
			      mm->order0_gate.pcp_off, mm->order0_gate.fail_armed,
			      mm->pcp_enabled ? "on" : "off", armed ? "armed" : "not armed");
	smm_unlock(&a->lock);
	return ret;
}

/*
 * CHECK of the buddy and the per-CPU lists, zone by zone, while the
 * allocator runs. One CHECK at a time (lock_all); no spinlock is held
 * across chunks.
 */
int smm_check(struct smm_mm *mm, char *why, size_t len)
{
	unsigned int zi;
	int ret = 0;

	smm_mutex_lock(&mm->lock_all);
	ret = smm_check_order0_gate(mm, why, len);
	for (zi = 0; zi < SMM_NR_ZONES && !ret; zi++)
		ret = smm_check_zone(mm, zi, why, len);
	smm_mutex_unlock(&mm->lock_all);
	if (ret)
		return ret;
	if (mm->zones[SMM_NR_ZONES - 1].end != mm->range->span || mm->zones[0].start)
		return smm_bad("zones do not cover the range");
	if (smm_kmap_open_wait(mm))
		return smm_bad("%lld HighMem maps left open (kmap_local without kunmap_local)",
			       (long long)smm_atomic64_read(&mm->kmap_open));
	snprintf(why, len, "ok");
	return 0;
}
