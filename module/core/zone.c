// SPDX-License-Identifier: GPL-2.0
/*
 * Zones: where they lie in the range, their watermarks and lowmem
 * reserves, computed the way mm/page_alloc.c computes them.
 */
#include "mm_internal.h"
#include "param.h"
#include "lru.h"

static const char *const smm_zone_names[SMM_NR_ZONES] = {
	"DMA", "DMA32", "Normal", "HighMem", "Movable",
};

/*
 * Physical zone boundaries on x86-64: DMA below 16 MiB, DMA32 below 4 GiB,
 * Normal the rest; HighMem and Movable only by position (zones=,
 * movablecore=).
 */
static const u64 smm_zone_phys_end[SHADOWMM_ZONE_NORMAL] = {
	(16ULL << 20) >> SMM_PAGE_SHIFT,
	(4ULL << 30) >> SMM_PAGE_SHIFT,
};

/* 6.1's sysctl_lowmem_reserve_ratio defaults: 0 clears a zone's reserves. */
static const u32 smm_lowmem_reserve_ratio[SMM_NR_ZONES] = { 256, 256, 32, 0, 0 };

/* MAX_ORDER_NR_PAGES of 6.1: where find_zone_movable_pfns_for_nodes() rounds to. */
#define SMM_MAX_ORDER_NR_PAGES	(1ULL << SMM_MAX_ORDER)

static bool smm_name_is(const char *s, size_t len, const char *name)
{
	size_t i;

	for (i = 0; i < len; i++) {
		char c = s[i], n = name[i];

		if (!n)
			return false;
		if (c >= 'a' && c <= 'z')
			c -= 'a' - 'A';
		if (n >= 'a' && n <= 'z')
			n -= 'a' - 'A';
		if (c != n)
			return false;
	}
	return !name[len];
}

static int smm_zone_by_name(const char *s, size_t len)
{
	int z;

	for (z = 0; z < SMM_NR_ZONES; z++)
		if (smm_name_is(s, len, smm_zone_names[z]))
			return z;
	return -1;
}

/* One "NAME:SIZE" item of zones=; @frames gets ~0ULL for "rest". */
static const char *smm_parse_zone_item(const char *s, size_t len, int *zone, u64 *frames)
{
	char size[32];
	size_t n;
	u64 bytes;

	for (n = 0; n < len && s[n] != ':'; n++)
		;
	if (n == len)
		return "zones= item without ':' (expected NAME:SIZE)";
	*zone = smm_zone_by_name(s, n);
	if (*zone < 0)
		return "zones= names an unknown zone (DMA, DMA32, Normal, HighMem or Movable)";
	s += n + 1;
	len -= n + 1;
	if (smm_name_is(s, len, "rest")) {
		*frames = ~0ULL;
		return NULL;
	}
	if (len >= sizeof(size))
		return "zones= size is not a number";
	memcpy(size, s, len);
	size[len] = '\0';
	if (smm_parse_size(size, &bytes))
		return "zones= size is not a number";
	if (!bytes || bytes % SMM_PAGE_SIZE)
		return "zones= size is not a non-zero multiple of the 4 KiB page";
	*frames = bytes >> SMM_PAGE_SHIFT;
	return NULL;
}

/*
 * Parse zones=, e.g. "DMA:8M,DMA32:24M,Normal:rest" or
 * "DMA:4M,DMA32:12M,Normal:16M,HighMem:16M,Movable:rest": zones by position
 * from the start of the range, in the kernel's zone order, each at most
 * once; "rest" only last; the sizes must cover the range exactly. A size
 * is whole pages, not whole pageblocks: a kernel's zones hold any number
 * of managed pages (the differential test gives the shadow the guest's),
 * and the buddy and the pageblock moves keep to a zone's bounds.
 */
const char *smm_parse_zones(const char *s, u64 nr_frames, struct smm_zone_layout *l)
{
	u64 total = 0;
	int last = -1;
	bool rest = false;

	memset(l, 0, sizeof(*l));
	l->by_position = true;
	while (*s) {
		size_t len = 0;
		const char *why;
		u64 frames;
		int zone;

		while (s[len] && s[len] != ',')
			len++;
		if (rest)
			return "zones= has a zone after the one taking the rest";
		why = smm_parse_zone_item(s, len, &zone, &frames);
		if (why)
			return why;
		if (zone <= last)
			return "zones= lists zones out of order or twice";
		last = zone;
		rest = frames == ~0ULL;
		if (!rest) {
			total += frames;
			if (total > nr_frames)
				return "zones= sizes exceed the range";
		}
		l->frames[zone] = frames;
		s += len + (s[len] == ',');
	}
	if (last < 0)
		return "zones= is empty";
	if (!l->frames[SHADOWMM_ZONE_DMA] && !l->frames[SHADOWMM_ZONE_DMA32] &&
	    !l->frames[SHADOWMM_ZONE_NORMAL])
		return "zones= has no DMA, DMA32 or Normal memory (slab and page tables need lowmem)";
	if (!rest && total != nr_frames)
		return "zones= sizes do not cover the range (end with NAME:rest)";
	if (rest && total == nr_frames)
		return "zones= leaves nothing for the rest";
	return NULL;
}

/* First index at or after which frames lie at or above @pfn. */
static u64 smm_idx_of_pfn_bound(const struct smm_range *r, u64 pfn)
{
	u32 i;

	for (i = 0; i < r->nr_sections; i++) {
		const struct smm_section *s = &r->sections[i];

		if (s->pfn + s->nr_frames <= pfn)
			continue;
		if (s->pfn >= pfn)
			return s->start;
		return s->start + (pfn - s->pfn);
	}
	return r->span;
}

/* Index just past the first @n managed frames. */
static u64 smm_idx_after_frames(const struct smm_range *r, u64 n)
{
	u32 i;

	for (i = 0; i < r->nr_sections; i++) {
		const struct smm_section *s = &r->sections[i];

		if (n < s->nr_frames)
			return s->start + n;
		n -= s->nr_frames;
	}
	return r->span;
}

/*
 * movablecore=, as find_zone_movable_pfns_for_nodes() takes it: the top
 * @frames managed frames of the range out of the highest populated zone
 * into Movable, Movable's start rounded up to MAX_ORDER_NR_PAGES (1024
 * frames, counted from the range's start) and never below that zone's
 * start (the kernel takes ZONE_MOVABLE from the highest zone only). The
 * zones between them stay empty, at Movable's start.
 */
static void smm_zones_carve_movable(struct smm_mm *mm, u64 frames)
{
	const struct smm_range *r = mm->range;
	int hi = SHADOWMM_ZONE_MOVABLE - 1;
	u64 at;
	int z;

	if (!frames || frames >= r->nr_frames || smm_zone_populated(&mm->zones[SHADOWMM_ZONE_MOVABLE]))
		return;
	while (hi > 0 && mm->zones[hi].end == mm->zones[hi].start)
		hi--;
	at = smm_idx_after_frames(r, r->nr_frames - frames);
	at = max(at, mm->zones[hi].start);
	at = ALIGN(at, SMM_MAX_ORDER_NR_PAGES);
	if (at >= mm->zones[hi].end)
		return;
	for (z = hi; z < SHADOWMM_ZONE_MOVABLE; z++) {
		mm->zones[z].end = at;
		if (z > hi)
			mm->zones[z].start = at;
	}
	mm->zones[SHADOWMM_ZONE_MOVABLE].start = at;
}

/*
 * The zones' spans: by position (zones=), or by physical address with
 * Normal taking the rest and HighMem and Movable empty; then
 * movablecore= carves Movable when zones= left it empty.
 */
void smm_zones_setup(struct smm_mm *mm, const struct smm_zone_layout *l)
{
	u64 start = 0, used = 0;
	unsigned int z;

	for (z = 0; z < SMM_NR_ZONES; z++) {
		struct smm_zone *zone = &mm->zones[z];
		u64 end;

		if (z == SMM_NR_ZONES - 1 || (!l->by_position && z >= SHADOWMM_ZONE_NORMAL))
			end = mm->range->span;
		else if (!l->by_position)
			end = smm_idx_of_pfn_bound(mm->range, smm_zone_phys_end[z]);
		else if (l->frames[z] == ~0ULL)
			end = mm->range->span;
		else
			end = smm_idx_after_frames(mm->range, used += l->frames[z]);

		smm_lock_init(&zone->lock);
		smm_seq_init(&zone->seq, &zone->lock);
		zone->name = smm_zone_names[z];
		zone->start = start;
		zone->end = max(end, start);
		start = zone->end;
	}
	smm_zones_carve_movable(mm, l->movablecore_frames);
}

/*
 * movablecore= at load: a non-zero multiple of the page below the range
 * (the kernel caps it at the node's pages; the shadow's range needs some
 * lowmem), and not with a zones= that names Movable itself.
 */
const char *smm_check_movablecore(u64 bytes, u64 nr_frames, const struct smm_zone_layout *l)
{
	if (!bytes)
		return NULL;
	if (bytes % SMM_PAGE_SIZE)
		return "movablecore= is not a multiple of the 4 KiB page";
	if (bytes >> SMM_PAGE_SHIFT >= nr_frames)
		return "movablecore= leaves no memory below the Movable zone";
	if (l->by_position && l->frames[SHADOWMM_ZONE_MOVABLE])
		return "movablecore= and a zones= naming Movable both place the Movable zone";
	return NULL;
}

/* mult_frac(): @x * @n / @d without overflowing on the product. */
static u64 smm_mult_frac(u64 x, u64 n, u64 d)
{
	return (x / d) * n + (x % d) * n / d;
}

static u64 smm_int_sqrt(u64 x)
{
	u64 lo = 0, hi = 1ULL << 32;

	while (lo + 1 < hi) {
		u64 mid = lo + (hi - lo) / 2;

		if (mid * mid <= x)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/*
 * calculate_min_free_kbytes(): sqrt(16 * lowmem KiB), within [128,
 * 262144]. Lowmem is nr_free_buffer_pages(), the managed pages above each
 * zone's high watermark: at boot (init_per_zone_wmark_min()) no watermark
 * is set yet, so every managed page of the zones up to gfp_zone(GFP_USER),
 * Normal: HighMem and Movable do not count.
 */
static u64 smm_default_min_free_kbytes(const struct smm_mm *mm)
{
	u64 kbytes = 0, v;
	unsigned int z;

	for (z = 0; z <= SHADOWMM_ZONE_NORMAL; z++)
		kbytes += mm->zones[z].managed << (SMM_PAGE_SHIFT - 10);
	v = smm_int_sqrt(kbytes * 16);
	return min(max(v, (u64)128), (u64)262144);
}

/*
 * set_recommended_min_free_kbytes() of mm/khugepaged.c, which runs when
 * khugepaged starts (THP enabled: "always" or "madvise"), after the
 * watermarks of @min_free_kbytes are set: per populated zone up to
 * ZONE_NORMAL (gfp_zone(GFP_USER)), two pageblocks free to help
 * fragmentation avoidance plus MIGRATE_PCPTYPES^2 for the fallbacks,
 * capped at 5% of nr_free_buffer_pages() (managed above the current high
 * watermarks). Raises, never lowers: returns the larger of the two.
 */
static u64 smm_thp_min_free_kbytes(const struct smm_mm *mm, u64 min_free_kbytes)
{
	u64 nr_zones = 0, buffer = 0, recommended;
	unsigned int i;

	for (i = 0; i <= SHADOWMM_ZONE_NORMAL; i++) {
		const struct smm_zone *z = &mm->zones[i];

		if (!smm_zone_populated(z))
			continue;
		nr_zones++;
		if (z->managed > z->wmark[SMM_WMARK_HIGH])
			buffer += z->managed - z->wmark[SMM_WMARK_HIGH];
	}
	recommended = SMM_PAGEBLOCK_FRAMES * nr_zones * 2;
	recommended += SMM_PAGEBLOCK_FRAMES * nr_zones * SMM_NR_PCPTYPES * SMM_NR_PCPTYPES;
	recommended = min(recommended, buffer / 20);
	recommended <<= SMM_PAGE_SHIFT - 10;
	return max(recommended, min_free_kbytes);
}

/*
 * setup_per_zone_lowmem_reserve(): an allocation that could have used a
 * higher zone must leave a lower zone this much above its watermark, so
 * that allocations which can only use the lower zone still find memory.
 * As 6.1: entry j of zone i is the managed pages of zones i+1..j over
 * zone i's ratio, all 0 when the ratio is 0 (HighMem, Movable) or the
 * zone manages nothing; the last zone's (Movable) stay 0.
 */
static void smm_zones_set_lowmem_reserve(struct smm_mm *mm)
{
	unsigned int i, j;

	for (i = 0; i < SMM_NR_ZONES; i++) {
		struct smm_zone *z = &mm->zones[i];
		u32 ratio = smm_lowmem_reserve_ratio[i];
		bool clear = !ratio || !z->managed;
		u64 upper = 0;

		for (j = 0; j <= i; j++)
			z->lowmem_reserve[j] = 0;
		for (j = i + 1; j < SMM_NR_ZONES; j++) {
			upper += mm->zones[j].managed;
			z->lowmem_reserve[j] = clear ? 0 : upper / ratio;
		}
	}
}

/*
 * __setup_per_zone_wmarks(): min_free_kbytes is split between the zones
 * in proportion to their size; low and high sit above min by a quarter
 * of min or watermark_scale_factor / 10000 of the zone (0.1% by
 * default), whichever is more. HighMem's min is capped as 6.1 caps it
 * (managed / 1024 within [SWAP_CLUSTER_MAX, 128], even for an empty
 * zone) while its gaps are not; lowmem is every zone but HighMem (6.1
 * still counts Movable; 6.2 caps Movable too). Each zone's marks are written under its
 * lock, so CHECK (which holds it) sees them in order; the allocator
 * reads them without it, one READ_ONCE() per mark (smm_wmark_pages()),
 * and may mix an old mark with a new one for one check, as the kernel's
 * may. The boost is dropped, as the kernel drops it. Writers are
 * serialised by mm->sysctl_lock (or run before anything else, at init).
 */
static void __smm_zones_set_watermarks(struct smm_mm *mm, u64 min_free_kbytes)
{
	u64 lowmem = 0, pages_min;
	unsigned int i;

	WRITE_ONCE(mm->min_free_kbytes, min_free_kbytes);
	pages_min = min_free_kbytes >> (SMM_PAGE_SHIFT - 10);
	for (i = 0; i < SMM_NR_ZONES; i++)
		if (i != SHADOWMM_ZONE_HIGHMEM)
			lowmem += mm->zones[i].managed;
	for (i = 0; i < SMM_NR_ZONES; i++) {
		struct smm_zone *z = &mm->zones[i];
		u64 tmp = lowmem ? pages_min * z->managed / lowmem : 0;
		u64 gap = max(tmp >> 2, smm_mult_frac(z->managed, mm->watermark_scale_factor, 10000));
		u64 min = tmp;

		if (i == SHADOWMM_ZONE_HIGHMEM)
			min = min(max(z->managed / 1024, (u64)SMM_SWAP_CLUSTER_MAX), (u64)128);
		smm_lock(&z->lock);
		WRITE_ONCE(z->wmark[SMM_WMARK_MIN], min);
		WRITE_ONCE(z->wmark[SMM_WMARK_LOW], min + gap);
		WRITE_ONCE(z->wmark[SMM_WMARK_HIGH], min + 2 * gap);
		WRITE_ONCE(z->watermark_boost, 0);
		smm_unlock(&z->lock);
	}
}

/*
 * The watermarks and lowmem reserves, at setup (before the per-CPU lists,
 * whose high limit follows the low watermark). @min_free_kbytes is the
 * user's value, or derived as the booting kernel derives it:
 * SMM_MIN_FREE_KBYTES_AUTO as init_per_zone_wmark_min() does
 * (calculate_min_free_kbytes()), SMM_MIN_FREE_KBYTES_AUTO_THP as a kernel
 * with THP enabled ends up with, khugepaged's raise on top. A user's value
 * is kept as it is, as the kernel keeps one written to the sysctl.
 */
void smm_zones_set_watermarks(struct smm_mm *mm, u64 min_free_kbytes)
{
	bool thp = min_free_kbytes == SMM_MIN_FREE_KBYTES_AUTO_THP;

	if (min_free_kbytes == SMM_MIN_FREE_KBYTES_AUTO || thp)
		min_free_kbytes = smm_default_min_free_kbytes(mm);
	__smm_zones_set_watermarks(mm, min_free_kbytes);
	if (thp) {
		u64 raised = smm_thp_min_free_kbytes(mm, min_free_kbytes);

		if (raised != min_free_kbytes)
			__smm_zones_set_watermarks(mm, raised);
	}
	smm_zones_set_lowmem_reserve(mm);
}

/*
 * The largest min_free_kbytes the shadow takes at run time: a quarter of
 * the range's frames, in KiB, the bound main.c checks min_free_kbytes=
 * against at load (a quarter of size=). The kernel's sysctl
 * has no ceiling (INT_MAX); a reserve past a quarter would leave the
 * shadow's small range mostly unusable.
 */
u64 smm_min_free_kbytes_max(const struct smm_mm *mm)
{
	return (mm->range->nr_frames << (SMM_PAGE_SHIFT - 10)) / 4;
}

int smm_check_min_free_kbytes(const struct smm_mm *mm, u64 kbytes, const char **why)
{
	if (kbytes > smm_min_free_kbytes_max(mm)) {
		*why = "min_free_kbytes exceeds a quarter of the range";
		return -EINVAL;
	}
	return 0;
}

int smm_check_watermark_scale_factor(unsigned int factor, const char **why)
{
	if (factor < SMM_WATERMARK_SCALE_FACTOR_MIN || factor > SMM_WATERMARK_SCALE_FACTOR_MAX) {
		*why = "watermark_scale_factor is out of range (1 to 3000)";
		return -EINVAL;
	}
	return 0;
}

/*
 * setup_per_zone_wmarks() after a sysctl write: the watermarks from the
 * current min_free_kbytes and watermark_scale_factor (boosts dropped),
 * then every CPU's pcp high (zone_pcp_update()). Not the lowmem reserves
 * (their own sysctl's), as in the kernel; the shadow keeps no
 * totalreserve_pages, which the kernel also refreshes here. Stores
 * @min_free_kbytes (__smm_zones_set_watermarks() does). Called with
 * mm->sysctl_lock held.
 */
static void __smm_setup_per_zone_wmarks(struct smm_mm *mm, u64 min_free_kbytes)
{
	__smm_zones_set_watermarks(mm, min_free_kbytes);
	smm_pcp_update_high(mm);
}

/*
 * min_free_kbytes_sysctl_handler(): the value written is the user's and
 * stays until the next write or reload; the shadow never derives it
 * again after load (no memory hotplug, khugepaged's raise only at load).
 */
int smm_set_min_free_kbytes(struct smm_mm *mm, u64 kbytes, const char **why)
{
	int ret = smm_check_min_free_kbytes(mm, kbytes, why);

	if (ret)
		return ret;
	smm_mutex_lock(&mm->sysctl_lock);
	__smm_setup_per_zone_wmarks(mm, kbytes);
	smm_mutex_unlock(&mm->sysctl_lock);
	return 0;
}

/*
 * What memory hotplug does after adjust_managed_page_count() changed a
 * zone's managed frames (offline_pages(), online_pages() through
 * init_per_zone_wmark_min()): the watermarks shared out again, the
 * lowmem reserves and the per-CPU highs recomputed. min_free_kbytes
 * itself is kept (the kernel derives it again unless the user set it;
 * the shadow does not know which it was). Sleeps: mm->sysctl_lock.
 */
void smm_zones_managed_changed(struct smm_mm *mm)
{
	smm_mutex_lock(&mm->sysctl_lock);
	__smm_zones_set_watermarks(mm, mm->min_free_kbytes);
	smm_zones_set_lowmem_reserve(mm);
	smm_pcp_update_high(mm);
	smm_mutex_unlock(&mm->sysctl_lock);
}

/* watermark_scale_factor_sysctl_handler(): the gaps above min move. */
int smm_set_watermark_scale_factor(struct smm_mm *mm, unsigned int factor, const char **why)
{
	int ret = smm_check_watermark_scale_factor(factor, why);

	if (ret)
		return ret;
	smm_mutex_lock(&mm->sysctl_lock);
	WRITE_ONCE(mm->watermark_scale_factor, factor);
	__smm_setup_per_zone_wmarks(mm, mm->min_free_kbytes);
	smm_mutex_unlock(&mm->sysctl_lock);
	return 0;
}

/*
 * __zone_watermark_unusable_free(): the free frames an attempt may not
 * count: the rest of its own block (the order-0 check counts what stays
 * free after the block is gone) and, unless it may go below min
 * (ALLOC_RESERVES), the HighAtomic reserve, whole: an over-estimate
 * that spares a search of the reserve's lists; and the free CMA frames
 * unless the request may use them (ALLOC_CMA, CONFIG_CMA's term).
 */
static s64 smm_zone_unusable_free(const struct smm_zone *z, unsigned int order,
				  unsigned int alloc_flags)
{
	s64 unusable = (1LL << order) - 1;

	if (!(alloc_flags & SMM_ALLOC_RESERVES))
		unusable += READ_ONCE(z->nr_reserved_highatomic);
	if (!(alloc_flags & SMM_ALLOC_CMA) && READ_ONCE(z->cma_pages))
		unusable += smm_zone_free_cma(z);
	return unusable;
}

/*
 * __zone_watermark_ok(): would the zone stay above @mark after giving a
 * block of @order, with some block of @order or larger actually free?
 * Above the lowmem reserve kept for @highest zone allocations. The
 * reserves below the mark are what @alloc_flags grant: ALLOC_MIN_RESERVE
 * (__GFP_HIGH) half of it, and with ALLOC_NON_BLOCK (cannot block) a
 * quarter of what is left: min x 3/8 for GFP_ATOMIC. A block of @order
 * or larger counts on the lists of the types requests ask for, and on
 * the HighAtomic ones for a request that may use them (ALLOC_HIGHATOMIC).
 * @free_pages is what counts as free (the zone's free pages, or
 * should_reclaim_retry()'s estimate with its reclaimable pages). Reads
 * the counters without the lock, as the kernel does: a stale value only
 * makes one allocation take the slower path.
 */
bool __smm_zone_watermark_ok(const struct smm_zone *z, unsigned int order, u64 mark,
			     unsigned int highest, unsigned int alloc_flags, s64 free_pages)
{
	s64 free = free_pages - smm_zone_unusable_free(z, order, alloc_flags);
	s64 min = mark;
	unsigned int o, mt;

	if ((alloc_flags & SMM_ALLOC_RESERVES) && (alloc_flags & SMM_ALLOC_MIN_RESERVE)) {
		min -= min / 2;
		if (alloc_flags & SMM_ALLOC_NON_BLOCK)
			min -= min / 4;
	}
	if (free <= min + (s64)z->lowmem_reserve[highest])
		return false;
	if (!order)
		return true;
	for (o = order; o <= SMM_MAX_ORDER; o++) {
		for (mt = 0; mt < SMM_NR_PCPTYPES; mt++)
			if (READ_ONCE(z->area[o].nr_free[mt]))
				return true;
		if ((alloc_flags & SMM_ALLOC_HIGHATOMIC) &&
		    READ_ONCE(z->area[o].nr_free[SHADOWMM_MT_HIGHATOMIC]))
			return true;
		if ((alloc_flags & SMM_ALLOC_CMA) && READ_ONCE(z->area[o].nr_free[SHADOWMM_MT_CMA]))
			return true;
	}
	return false;
}

/* __zone_watermark_ok() with the zone's free pages now (zone_watermark_ok()). */
bool smm_zone_watermark_ok(const struct smm_zone *z, unsigned int order, u64 mark,
			   unsigned int highest, unsigned int alloc_flags)
{
	return __smm_zone_watermark_ok(z, order, mark, highest, alloc_flags,
				       (s64)READ_ONCE(z->free));
}

/*
 * zone_watermark_fast(): the order-0 shortcut (what is free less what
 * may not be used, above the mark with no reserve), then the full check.
 * An order-0 __GFP_HIGH request at min ignores the boost: min is where
 * boosting stops counting.
 */
bool smm_zone_watermark_fast(const struct smm_zone *z, unsigned int order, u64 mark,
			     unsigned int highest, unsigned int alloc_flags)
{
	if (!order && smm_zone_watermark_order0(z, mark, highest, alloc_flags))
		return true;
	if (smm_zone_watermark_ok(z, order, mark, highest, alloc_flags))
		return true;
	if (!order && (alloc_flags & SMM_ALLOC_MIN_RESERVE) && READ_ONCE(z->watermark_boost) &&
	    (alloc_flags & SMM_ALLOC_WMARK_MASK) == SMM_ALLOC_WMARK_MIN)
		return smm_zone_watermark_ok(z, 0, READ_ONCE(z->wmark[SMM_WMARK_MIN]), highest,
					     alloc_flags);
	return false;
}

/*
 * boost_watermark(): a fallback that mixed migratetypes in a pageblock
 * raises the zone's watermarks by a pageblock, up to
 * watermark_boost_factor / 10000 of the high watermark (at least one
 * pageblock), so that (in the kernel) kswapd reclaims ahead of further
 * fallbacks. Zones smaller than four pageblocks are left alone, as is a
 * zone whose high watermark is 0. Returns whether it boosted. The zone
 * lock is held.
 */
bool smm_boost_watermark(const struct smm_mm *mm, struct smm_zone *z)
{
	unsigned int factor = READ_ONCE(mm->watermark_boost_factor);
	u64 max_boost;

	if (!factor)
		return false;
	if (SMM_PAGEBLOCK_FRAMES * 4 > z->managed)
		return false;
	max_boost = smm_mult_frac(z->wmark[SMM_WMARK_HIGH], factor, 10000);
	if (!max_boost)
		return false;
	max_boost = max(max_boost, SMM_PAGEBLOCK_FRAMES);
	WRITE_ONCE(z->watermark_boost, min(z->watermark_boost + SMM_PAGEBLOCK_FRAMES, max_boost));
	return true;
}

/*
 * vm.watermark_boost_factor as a write to the sysctl sets it: 0 turns
 * boosting off, any other value in range scales the cap. One whole
 * value, written once; boost_watermark() reads it as the kernel reads
 * the sysctl's int, without a lock (the module sets it at load, before
 * the first allocation). A boost already raised stays until it is
 * cleared, as in the kernel. Returns -ERANGE above the sysctl's maximum.
 */
int smm_set_watermark_boost_factor(struct smm_mm *mm, unsigned int factor)
{
	if (factor > SMM_WATERMARK_BOOST_FACTOR_MAX)
		return -ERANGE;
	WRITE_ONCE(mm->watermark_boost_factor, factor);
	return 0;
}

/*
 * The shadow has no kswapd (issue 17), which in the kernel drops the
 * boost once it has balanced the node: here RESET drops it. Setting the
 * watermarks (smm_zones_set_watermarks()) drops it too, as
 * __setup_per_zone_wmarks() does.
 */
void smm_zones_clear_boost(struct smm_mm *mm)
{
	unsigned int i;

	for (i = 0; i < SMM_NR_ZONES; i++) {
		struct smm_zone *z = &mm->zones[i];

		smm_lock(&z->lock);
		smm_seq_write_begin(&z->seq);
		WRITE_ONCE(z->watermark_boost, 0);
		smm_seq_write_end(&z->seq);
		smm_unlock(&z->lock);
	}
}

/* Free blocks per order, all migratetypes together (/proc/buddyinfo). */
void smm_zone_nr_free(const struct smm_zone *z, u64 nr_free[SMM_NR_ORDERS])
{
	unsigned int o, mt;

	for (o = 0; o < SMM_NR_ORDERS; o++) {
		nr_free[o] = 0;
		for (mt = 0; mt < SMM_NR_MT; mt++)
			nr_free[o] += READ_ONCE(z->area[o].nr_free[mt]);
	}
}

#define SMM_ZONE_SNAP_TRIES	4	/* copies taken while the zone moves */
#define SMM_ZONE_SNAP_CHUNK	1024	/* pageblocks counted per zone lock hold */

/*
 * The pageblocks overlapping the zone, by type, at most
 * SMM_ZONE_SNAP_CHUNK per hold of the zone lock, which is dropped (and
 * the CPU offered) between chunks so that a large zone never holds the
 * allocator up. The caller's generation check sees a change between chunks.
 */
static void smm_zone_count_pageblocks(struct smm_mm *mm, struct smm_zone *z,
				      u64 pageblocks[SMM_NR_MT])
{
	u64 pb, last, end;

	if (z->end <= z->start)
		return;
	pb = z->start >> SMM_PAGEBLOCK_ORDER;
	last = (z->end - 1) >> SMM_PAGEBLOCK_ORDER;
	while (pb <= last) {
		end = min(last + 1, pb + SMM_ZONE_SNAP_CHUNK);
		smm_lock(&z->lock);
		for (; pb < end; pb++)
			pageblocks[READ_ONCE(mm->pageblock_mt[pb])]++;
		smm_unlock(&z->lock);
		smm_cond_resched();
	}
}

/*
 * One copy of zone @zi: free areas, counters and stats under the zone
 * lock in one hold; the pageblock types in chunks; the per-CPU lists'
 * counts read without their locks (each a whole value, smm_count_add()),
 * then the totals readers want: per order, buddy and pcp lists together.
 */
static void __smm_zone_snapshot(struct smm_mm *mm, unsigned int zi, struct smm_zone_snapshot *s)
{
	struct smm_zone *z = &mm->zones[zi];
	unsigned int o, mt, cpu;

	memset(s, 0, sizeof(*s));
	smm_lock(&z->lock);
	s->free = z->free;
	/* the boost changes under the lock: the marks and it of one moment */
	s->watermark_boost = z->watermark_boost;
	for (o = 0; o < SMM_NR_WMARK; o++)
		s->wmark[o] = z->wmark[o] + z->watermark_boost;
	s->nr_reserved_highatomic = z->nr_reserved_highatomic;
	for (o = 0; o < SMM_NR_ORDERS; o++)
		for (mt = 0; mt < SMM_NR_MT; mt++)
			s->nr_free_mt[o][mt] = z->area[o].nr_free[mt];
	s->free_cma = smm_zone_free_cma(z);
	s->cma_pages = z->cma_pages;
	s->stats = z->stats;
	smm_unlock(&z->lock);
	smm_zone_count_pageblocks(mm, z, s->pageblocks);

	for (o = 0; o < SMM_NR_ORDERS; o++)
		for (mt = 0; mt < SMM_NR_MT; mt++)
			s->nr_free[o] += s->nr_free_mt[o][mt];
	for (cpu = 0; cpu < mm->nr_cpus; cpu++) {
		const struct smm_pcp_stats *p = &smm_pcp_of(mm, cpu, zi)->stats;

		for (o = 0; o <= SMM_PCP_THP_SLOT; o++) {
			s->pcp.alloc[o] += READ_ONCE(p->alloc[o]);
			s->pcp.free[o] += READ_ONCE(p->free[o]);
		}
		s->pcp.refill += READ_ONCE(p->refill);
		s->pcp.drain += READ_ONCE(p->drain);
	}
	s->pcp_frames = smm_zone_pcp_frames(mm, zi);
	/* the totals: the THP slot's events count at pageblock order */
	for (o = 0; o <= SMM_PCP_THP_SLOT; o++) {
		mt = o < SMM_PCP_THP_SLOT ? o : SMM_PCP_THP_ORDER;
		s->alloc_blocks[mt] += s->pcp.alloc[o];
		s->free_blocks[mt] += s->pcp.free[o];
		s->pcp_alloc += s->pcp.alloc[o];
		s->pcp_free += s->pcp.free[o];
	}
	for (o = 0; o < SMM_NR_ORDERS; o++) {
		s->alloc_blocks[o] += s->stats.alloc[o];
		s->free_blocks[o] += s->stats.free[o];
		s->alloc_total += s->alloc_blocks[o];
		s->free_total += s->free_blocks[o];
		s->alloc_pages += s->alloc_blocks[o] << o;
		s->free_pages += s->free_blocks[o] << o;
	}
}

/*
 * A snapshot of zone @zi for netlink, debugfs and the events: taken
 * again while the zone's generation (its lock's and its pcps' seqcounts)
 * moves under the copy, SMM_ZONE_SNAP_TRIES times at most. Returns true
 * when a copy saw no change, false when every try did (the last copy is
 * kept: each part of it is whole, the parts may be of different moments).
 * Takes and drops the zone lock; may reschedule between tries and chunks.
 */
bool smm_zone_snapshot(struct smm_mm *mm, unsigned int zi, struct smm_zone_snapshot *s)
{
	unsigned int tries;
	u64 gen;

	for (tries = 0; tries < SMM_ZONE_SNAP_TRIES; tries++) {
		gen = smm_zone_generation(mm, zi);
		__smm_zone_snapshot(mm, zi, s);
		if (!smm_zone_generation_moved(mm, zi, gen))
			return true;
		smm_cond_resched();
	}
	return false;
}
