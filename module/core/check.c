// SPDX-License-Identifier: GPL-2.0
/*
 * CHECK: verify every invariant of the shadow mm and name the first one
 * that does not hold, the way check_new_page()/bad_page() name a reason.
 *
 *  - frames: walking each zone head to head covers it; every head is
 *    aligned to its order, lies in one section and one zone, and is
 *    followed only by tails; holes lie outside sections;
 *  - free lists: each list holds exactly nr_free FREE heads of its order
 *    and migratetype, correctly double-linked, and every FREE head is on
 *    one; no two free buddies are left unmerged; zone->free adds up;
 *  - per-CPU lists: each holds PCP heads of its order and type, adding
 *    up to the list's count and to the PCP heads seen in the walk;
 *  - page-table and space pages (core/space.h) are owned by a space,
 *    table pages single frames;
 *  - present = free + per-CPU + allocated; min <= low <= high.
 */
#include "mm.h"
#include "handle.h"

struct smm_census {
	u64 nr_free[SMM_NR_ORDERS][SMM_NR_MT];	/* FREE heads seen */
	u64 free, pcp, used;			/* frames */
};

#define smm_bad(fmt, ...)	(snprintf(why, len, fmt, ##__VA_ARGS__), -EUCLEAN)

/*
 * Take every pcp lock, then every zone lock (the documented order),
 * under lock_all so lockdep accepts many locks of one class.
 */
void smm_mm_lock_all(struct smm_mm *mm)
{
	unsigned int i;

	smm_mutex_lock(&mm->lock_all);
	for (i = 0; i < mm->nr_cpus * SMM_NR_ZONES; i++)
		smm_lock_nest(&mm->pcp[i].lock, &mm->lock_all);
	for (i = 0; i < SMM_NR_ZONES; i++)
		smm_lock_nest(&mm->zones[i].lock, &mm->lock_all);
}

void smm_mm_unlock_all(struct smm_mm *mm)
{
	unsigned int i;

	for (i = SMM_NR_ZONES; i-- > 0; )
		smm_unlock_nested(&mm->zones[i].lock);
	for (i = mm->nr_cpus * SMM_NR_ZONES; i-- > 0; )
		smm_unlock_nested(&mm->pcp[i].lock);
	smm_mutex_unlock(&mm->lock_all);
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

static int smm_check_buddy_merged(const struct smm_mm *mm, const struct smm_zone *z,
				  u64 idx, unsigned int order, char *why, size_t len)
{
	u64 buddy = idx ^ (1ULL << order);
	struct smm_frame b;

	if (order >= SMM_MAX_ORDER || buddy < z->start || buddy >= z->end)
		return 0;
	b = smm_frame_load(&mm->frames[buddy]);
	if (smm_frame_type(&b) == SMM_FRAME_FREE && smm_frame_order(&b) == order)
		return smm_bad("frames %llu and %llu: free buddies of order %u not merged",
			       (unsigned long long)idx, (unsigned long long)buddy, order);
	return 0;
}

static int smm_check_walk(struct smm_mm *mm, const struct smm_zone *z,
			  struct smm_census *c, char *why, size_t len)
{
	struct smm_frame head;
	u64 idx;
	int ret;

	/*
	 * Every lock of the mm is held, but slabs and spaces change their
	 * blocks' heads under their own locks: each head is read once.
	 */
	for (idx = z->start; idx < z->end; idx += 1ULL << smm_frame_order(&head)) {
		const struct smm_frame *f = &head;
		unsigned int order;

		head = smm_frame_load(&mm->frames[idx]);
		order = smm_frame_order(f);

		ret = smm_check_block(mm, z, idx, f, why, len);
		if (ret)
			return ret;
		switch (smm_frame_type(f)) {
		case SMM_FRAME_HOLE:
			break;
		case SMM_FRAME_FREE:
			ret = smm_check_buddy_merged(mm, z, idx, order, why, len);
			if (ret)
				return ret;
			c->nr_free[order][smm_frame_mt(f)]++;
			c->free += 1ULL << order;
			break;
		case SMM_FRAME_PCP:
			c->pcp += 1ULL << order;
			break;
		case SMM_FRAME_PGTABLE:
		case SMM_FRAME_SPACE:
			if (smm_frame_owner(f) != SMM_OWNER_SPACE ||
			    (smm_frame_type(f) == SMM_FRAME_PGTABLE && order))
				return smm_bad("frame %llu: a shadow space's page not owned as one",
					       (unsigned long long)idx);
			c->used += 1ULL << order;
			break;
		default:
			c->used += 1ULL << order;
		}
	}
	return 0;
}

static int smm_check_free_list(struct smm_mm *mm, const struct smm_zone *z,
			       unsigned int order, unsigned int mt, char *why, size_t len)
{
	u64 n = 0, want = z->area[order].nr_free[mt];
	u32 prev = SMM_FRAME_NONE, idx;

	for (idx = z->area[order].head[mt]; idx != SMM_FRAME_NONE; n++) {
		const struct smm_frame *f;

		if (n == want)
			return smm_bad("%s order %u type %u: more than nr_free=%llu blocks listed",
				       z->name, order, mt, (unsigned long long)want);
		if (idx < z->start || idx >= z->end)
			return smm_bad("%s order %u type %u: frame %u outside the zone",
				       z->name, order, mt, idx);
		f = &mm->frames[idx];
		if (smm_frame_type(f) != SMM_FRAME_FREE || smm_frame_order(f) != order ||
		    smm_frame_mt(f) != mt)
			return smm_bad("%s order %u type %u: frame %u listed but not such a free block",
				       z->name, order, mt, idx);
		if (smm_frame_prev(f) != prev)
			return smm_bad("%s order %u type %u: frame %u has a wrong back link",
				       z->name, order, mt, idx);
		prev = idx;
		idx = smm_frame_next(f);
	}
	if (n != want)
		return smm_bad("%s order %u type %u: %llu blocks listed, nr_free=%llu",
			       z->name, order, mt, (unsigned long long)n,
			       (unsigned long long)want);
	return 0;
}

static int smm_check_free_area(struct smm_mm *mm, const struct smm_zone *z,
			       const struct smm_census *c, char *why, size_t len)
{
	unsigned int o, mt;
	u64 free = 0;
	int ret;

	for (o = 0; o < SMM_NR_ORDERS; o++) {
		for (mt = 0; mt < SMM_NR_MT; mt++) {
			ret = smm_check_free_list(mm, z, o, mt, why, len);
			if (ret)
				return ret;
			if (c->nr_free[o][mt] != z->area[o].nr_free[mt])
				return smm_bad("%s order %u type %u: %llu free blocks found, nr_free=%llu",
					       z->name, o, mt,
					       (unsigned long long)c->nr_free[o][mt],
					       (unsigned long long)z->area[o].nr_free[mt]);
			free += z->area[o].nr_free[mt] << o;
		}
	}
	if (free != z->free || c->free != z->free)
		return smm_bad("%s: free=%llu but the free lists hold %llu frames",
			       z->name, (unsigned long long)z->free, (unsigned long long)free);
	return 0;
}

static int smm_check_pcp(struct smm_mm *mm, unsigned int zi, const struct smm_census *c,
			 char *why, size_t len)
{
	const struct smm_zone *z = &mm->zones[zi];
	unsigned int cpu, p;
	u64 total = 0;

	for (cpu = 0; cpu < mm->nr_cpus; cpu++) {
		const struct smm_pcp *pcp = smm_pcp_of(mm, cpu, zi);
		u64 frames = 0;

		for (p = 0; p < SMM_NR_PCP_LISTS; p++) {
			u32 idx;

			for (idx = pcp->lists[p]; idx != SMM_FRAME_NONE;
			     idx = smm_frame_next(&mm->frames[idx])) {
				const struct smm_frame *f;

				if (idx < z->start || idx >= z->end || frames > pcp->count)
					return smm_bad("cpu %u %s pcp list %u: frame %u does not belong",
						       cpu, z->name, p, idx);
				f = &mm->frames[idx];
				if (smm_frame_type(f) != SMM_FRAME_PCP ||
				    smm_frame_order(f) != p / SMM_NR_MT ||
				    smm_frame_mt(f) != p % SMM_NR_MT)
					return smm_bad("cpu %u %s pcp list %u: frame %u is not a free pcp block",
						       cpu, z->name, p, idx);
				frames += 1ULL << smm_frame_order(f);
			}
		}
		if (frames != pcp->count)
			return smm_bad("cpu %u %s: pcp count=%u but its lists hold %llu frames",
				       cpu, z->name, pcp->count, (unsigned long long)frames);
		total += frames;
	}
	if (total != c->pcp)
		return smm_bad("%s: pcp lists hold %llu frames, the frames say %llu",
			       z->name, (unsigned long long)total, (unsigned long long)c->pcp);
	return 0;
}

static int smm_check_zone(struct smm_mm *mm, unsigned int zi, char *why, size_t len)
{
	const struct smm_zone *z = &mm->zones[zi];
	struct smm_census c;
	int ret;

	memset(&c, 0, sizeof(c));
	ret = smm_check_walk(mm, z, &c, why, len);
	if (!ret)
		ret = smm_check_free_area(mm, z, &c, why, len);
	if (!ret)
		ret = smm_check_pcp(mm, zi, &c, why, len);
	if (ret)
		return ret;
	if (c.free + c.pcp + c.used != z->present || z->managed != z->present)
		return smm_bad("%s: present=%llu but free=%llu + pcp=%llu + used=%llu",
			       z->name, (unsigned long long)z->present,
			       (unsigned long long)c.free, (unsigned long long)c.pcp,
			       (unsigned long long)c.used);
	if (z->wmark[SMM_WMARK_MIN] > z->wmark[SMM_WMARK_LOW] ||
	    z->wmark[SMM_WMARK_LOW] > z->wmark[SMM_WMARK_HIGH])
		return smm_bad("%s: watermarks out of order", z->name);
	return 0;
}

/* With everything locked (smm_mm_lock_all()), or in a single-threaded test. */
int __smm_check(struct smm_mm *mm, char *why, size_t len)
{
	unsigned int zi;
	int ret;

	for (zi = 0; zi < SMM_NR_ZONES; zi++) {
		ret = smm_check_zone(mm, zi, why, len);
		if (ret)
			return ret;
	}
	if (mm->zones[SMM_NR_ZONES - 1].end != mm->range->span || mm->zones[0].start)
		return smm_bad("zones do not cover the range");
	snprintf(why, len, "ok");
	return 0;
}

int smm_check(struct smm_mm *mm, char *why, size_t len)
{
	int ret;

	smm_mm_lock_all(mm);
	ret = __smm_check(mm, why, len);
	smm_mm_unlock_all(mm);
	return ret;
}
