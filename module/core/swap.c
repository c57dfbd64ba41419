// SPDX-License-Identifier: GPL-2.0
/*
 * The shadow swap area (swap.h): slot allocation in clusters, swap-out
 * of anonymous pages, swap-in on a fault, swapoff, and CHECK's rules.
 *
 * Invariants, for CHECK and the tests:
 *  - swap_map[0] is SMM_SWAP_MAP_BAD; every other slot's count is the
 *    number of the spaces' swap entries that name it (more than one
 *    only within a fork family, whose member owner[] names), or 1 for
 *    the slots of shadow
 *    inodes' stores (owner[] SMM_SWAP_OWNER_FILE, no entry names them,
 *    never cached; file_slots counts them, filemap.c checks the stores); SMM_SWAP_HAS_CACHE is set
 *    exactly for the slots cache[] gives a page; a slot is in use when
 *    either is; inuse is their number, each space's swap_ents its
 *    share of the entries;
 *  - a cached page is an anonymous page of the slot's owner whose LRU
 *    record is flagged swap cache with that slot: unmapped (record
 *    space NULL) only while an entry names the slot, else mapped, the
 *    record naming the owner (a shared slot's page: read-only in every
 *    member that maps it while entries remain, fork.c's CHECK);
 *    mm->nr_swapcached counts the cached pages;
 *  - shadow[] holds the shadow entry (workingset.h) of a page evicted
 *    to its slot: only where swap entries name the slot and no page
 *    is cached; taken by the page's swap-in, dropped with the slot;
 *    nr_shadows counts them;
 *  - a cluster's count is its slots in use plus those past the area's
 *    end plus the header's; a cluster is on the free list if and only
 *    if its count is 0 and it is not the cluster being filled.
 */
#include "swap.h"
#include "space.h"
#include "owner.h"
#include "lru.h"
#include "workingset.h"

/* The 4 KiB of slot @off. */
static void *smm_swap_slot_mem(const struct smm_swap *sw, u64 off)
{
	return (char *)sw->data + (off << SMM_PAGE_SHIFT);
}

static void smm_swap_cluster_add_tail(struct smm_swap *sw, u32 c)
{
	sw->cl[c].next = SMM_SWAP_NONE;
	if (sw->free_tail == SMM_SWAP_NONE)
		sw->free_head = c;
	else
		sw->cl[sw->free_tail].next = c;
	sw->free_tail = c;
	sw->nr_free++;
}

static u32 smm_swap_cluster_pop(struct smm_swap *sw)
{
	u32 c = sw->free_head;

	if (c == SMM_SWAP_NONE)
		return c;
	sw->free_head = sw->cl[c].next;
	if (sw->free_head == SMM_SWAP_NONE)
		sw->free_tail = SMM_SWAP_NONE;
	sw->cl[c].next = SMM_SWAP_NONE;
	sw->nr_free--;
	return c;
}

/*
 * An area over @slots pages at @data (the caller's, kept until
 * smm_swap_destroy()): swap_map and clusters set up as setup_clusters()
 * does, the header slot and a short last cluster's missing slots
 * counted as used. -EINVAL for fewer than 2 or more than
 * SMM_SWAP_MAX_SLOTS slots, -ENOMEM without memory for the map.
 */
int smm_swap_init(struct smm_swap *sw, void *data, u64 slots)
{
	u64 tail;
	u32 c;

	memset(sw, 0, sizeof(*sw));
	if (!data || slots < 2 || slots > SMM_SWAP_MAX_SLOTS)
		return -EINVAL;
	sw->nr_clusters = (slots + SMM_SWAP_CLUSTER - 1) / SMM_SWAP_CLUSTER;
	sw->map = smm_zalloc_array(slots, 1);
	sw->cl = smm_zalloc_array(sw->nr_clusters, sizeof(*sw->cl));
	sw->cache = smm_zalloc_array(slots, sizeof(*sw->cache));
	sw->owner = smm_zalloc_array(slots, 1);
	sw->shadow = smm_zalloc_array(slots, sizeof(*sw->shadow));
	if (!sw->map || !sw->cl || !sw->cache || !sw->owner || !sw->shadow) {
		smm_swap_destroy(sw);
		return -ENOMEM;
	}
	sw->data = data;
	sw->slots = slots;
	sw->map[0] = SMM_SWAP_MAP_BAD;
	sw->cl[0].count = 1;
	tail = (u64)sw->nr_clusters * SMM_SWAP_CLUSTER - slots;
	sw->cl[sw->nr_clusters - 1].count += tail;
	sw->free_head = sw->free_tail = sw->cur = SMM_SWAP_NONE;
	for (c = 0; c < sw->nr_clusters; c++)
		if (!sw->cl[c].count)
			smm_swap_cluster_add_tail(sw, c);
		else
			sw->cl[c].next = SMM_SWAP_NONE;
	sw->next = 1;
	sw->ra_hits = 4;	/* swapin_readahead_hits' start: a first window of 8 */
	return 0;
}

/* The map and clusters go; the slots' memory is the caller's. */
void smm_swap_destroy(struct smm_swap *sw)
{
	smm_free_array(sw->map);
	smm_free_array(sw->cl);
	smm_free_array(sw->cache);
	smm_free_array(sw->owner);
	smm_free_array(sw->shadow);
	memset(sw, 0, sizeof(*sw));
}

/* Slot @off taken: its map count, its cluster's, the hints. */
static u64 smm_swap_take(struct smm_swap *sw, u64 off)
{
	sw->map[off] = 1;
	sw->cl[off / SMM_SWAP_CLUSTER].count++;
	sw->inuse++;
	sw->next = off + 1 < sw->slots ? off + 1 : 1;
	return off;
}

/*
 * A free slot, as scan_swap_map_slots() finds one on an SSD: the next
 * free slot of the cluster being filled; once that is full, the head of
 * the free-cluster list; without a free cluster, a scan of swap_map from
 * the hint, wrapping. Returns the slot, or 0 when the area is full.
 */
static u64 smm_swap_alloc_slot(struct smm_swap *sw)
{
	u64 off, end, i;

	for (;;) {
		if (sw->cur == SMM_SWAP_NONE) {
			sw->cur = smm_swap_cluster_pop(sw);
			if (sw->cur == SMM_SWAP_NONE)
				break;
			sw->cur_next = (u64)sw->cur * SMM_SWAP_CLUSTER;
		}
		end = (u64)(sw->cur + 1) * SMM_SWAP_CLUSTER;
		if (end > sw->slots)
			end = sw->slots;
		for (off = sw->cur_next; off < end; off++) {
			if (!sw->map[off]) {
				sw->cur_next = off + 1;
				return smm_swap_take(sw, off);
			}
		}
		/* full: the next free cluster; one emptied while filled is free again */
		if (!sw->cl[sw->cur].count)
			smm_swap_cluster_add_tail(sw, sw->cur);
		sw->cur = SMM_SWAP_NONE;
	}
	if (sw->inuse >= smm_swap_size(sw))
		return 0;
	for (i = 0; i < sw->slots; i++) {
		off = sw->next + i;
		if (off >= sw->slots)
			off -= sw->slots;
		if (!sw->map[off])
			return smm_swap_take(sw, off);
		if (!(i % 4096))
			smm_cond_resched();
	}
	return 0;
}

/* Slot @off's shadow entry taken (a refault) or dropped (the slot freed); it is returned. */
static u32 smm_swap_shadow_take(struct smm_swap *sw, u64 off)
{
	u32 shadow = sw->shadow[off];

	if (shadow) {
		sw->shadow[off] = 0;
		sw->nr_shadows--;
	}
	return shadow;
}

/*
 * Slot @off given back (swap_entry_free()), its last entry and its
 * cached page gone, its shadow entry with them (the kernel's
 * clear_shadow_from_swap_cache()): a cluster left empty goes to the
 * tail of the free list, unless it is the one being filled.
 */
static void smm_swap_put_slot(struct smm_swap *sw, u64 off)
{
	u32 c = off / SMM_SWAP_CLUSTER;

	WARN_ON_ONCE(sw->cache[off]);
	smm_swap_shadow_take(sw, off);
	sw->map[off] = 0;
	sw->owner[off] = 0;
	sw->inuse--;
	if (!--sw->cl[c].count && c != sw->cur)
		smm_swap_cluster_add_tail(sw, c);
}

/* swapon: @sw becomes @mm's area. -EBUSY if one is on already. */
int smm_swap_on(struct smm_mm *mm, struct smm_swap *sw, const char **why)
{
	if (mm->swap) {
		*why = "a swap area is on already (one area, type 0)";
		return -EBUSY;
	}
	mm->swap = sw;
	return 0;
}

/*
 * writepage of a shadow inode's store: the @n bytes at @src into slot
 * *@slot, the rest of its 4 KiB zeroed (the page's part past i_size,
 * as block_write_full_page() zeroes it), the slot taken first (owner
 * SMM_SWAP_OWNER_FILE, count 1) when *@slot is 0.
 * -ENOSPC without an area or a free slot (the page stays dirty).
 */
int smm_swap_file_write(struct smm_mm *mm, u32 *slot, const void *src, size_t n)
{
	struct smm_swap *sw = mm->swap;
	u64 off = *slot;

	if (!sw)
		return WARN_ON_ONCE(off) ? -EFAULT : -ENOSPC;
	if (!off) {
		off = smm_swap_alloc_slot(sw);
		if (!off)
			return -ENOSPC;
		sw->owner[off] = SMM_SWAP_OWNER_FILE;
		sw->file_slots++;
		*slot = off;
	}
	if (WARN_ON_ONCE(!smm_swap_file_slot_ok(mm, off)))
		return -EFAULT;
	memcpy(smm_swap_slot_mem(sw, off), src, n);
	memset((char *)smm_swap_slot_mem(sw, off) + n, 0, SMM_PAGE_SIZE - n);
	return 0;
}

/* Is @slot one a shadow inode's store holds (owner, count 1, no cached page)? */
bool smm_swap_file_slot_ok(const struct smm_mm *mm, u32 slot)
{
	const struct smm_swap *sw = mm->swap;

	return sw && slot && slot < sw->slots && sw->owner[slot] == SMM_SWAP_OWNER_FILE &&
	       sw->map[slot] == 1 && !sw->cache[slot];
}

/* readpage from a shadow inode's store: slot @slot's 4 KiB into @dst. */
int smm_swap_file_read(struct smm_mm *mm, u32 slot, void *dst)
{
	if (WARN_ON_ONCE(!smm_swap_file_slot_ok(mm, slot)))
		return -EIO;
	memcpy(dst, smm_swap_slot_mem(mm->swap, slot), SMM_PAGE_SIZE);
	return 0;
}

/* A store's slot given back (the file closed). */
void smm_swap_file_free(struct smm_mm *mm, u32 slot)
{
	if (WARN_ON_ONCE(!smm_swap_file_slot_ok(mm, slot)))
		return;
	mm->swap->file_slots--;
	smm_swap_put_slot(mm->swap, slot);
}

/* The slot @e names in @s's mm's area, or 0 if @e names none in use. */
static u64 smm_swap_entry_slot(const struct smm_space *s, u64 e)
{
	const struct smm_swap *sw = s->mm->swap;
	u64 off = smm_swp_offset(s->fmt, e);

	if (!sw || smm_swp_type(s->fmt, e) != SMM_SWAP_TYPE || !off || off >= sw->slots ||
	    !SMM_SWAP_COUNT(sw->map[off]) || sw->map[off] == SMM_SWAP_MAP_BAD ||
	    sw->owner[off] == SMM_SWAP_OWNER_FILE)
		return 0;
	return off;
}

/* add_to_swap_cache(): @frame becomes slot @off's page in the cache. */
static void smm_swap_cache_add(struct smm_mm *mm, u64 off, u64 frame)
{
	struct smm_swap *sw = mm->swap;

	WARN_ON_ONCE(sw->cache[off]);
	sw->cache[off] = frame + 1;
	sw->map[off] |= SMM_SWAP_HAS_CACHE;
	WRITE_ONCE(mm->nr_swapcached, mm->nr_swapcached + 1);
}

/*
 * __delete_from_swap_cache() and put_swap_folio(): slot @off has no
 * page in the cache any more; a slot no entry names is given back.
 */
static void smm_swap_cache_del(struct smm_mm *mm, u64 off)
{
	struct smm_swap *sw = mm->swap;

	sw->cache[off] = 0;
	sw->map[off] &= ~SMM_SWAP_HAS_CACHE;
	WRITE_ONCE(mm->nr_swapcached, mm->nr_swapcached - 1);
	if (!sw->map[off])
		smm_swap_put_slot(sw, off);
}

/*
 * workingset_eviction() of an anonymous page whose data is in slot @off
 * and which has just been freed (swap-out, or reclaim of an unmapped
 * swap-cache page): the slot keeps a shadow entry, as the kernel's swap
 * cache keeps one where the folio was; the age moves. PG_workingset is
 * not tracked for anonymous pages (their record has no bit for it), so
 * the shadow says "not workingset".
 */
static void smm_swap_evicted(struct smm_mm *mm, u64 off)
{
	struct smm_swap *sw = mm->swap;

	if (!sw->shadow[off])
		sw->nr_shadows++;
	sw->shadow[off] = smm_workingset_eviction(mm, false);
}

/*
 * A page read from slot @off into @frame (a swap-in, or swap
 * readahead: add_to_swap_cache() finding a shadow): the shadow taken
 * and judged by workingset_refault(); an activated page goes to the
 * active anon list.
 */
static void smm_swap_refault(struct smm_mm *mm, u64 off, u64 frame)
{
	u32 shadow = smm_swap_shadow_take(mm->swap, off);
	bool active, workingset;

	if (!shadow)
		return;
	smm_workingset_refault(mm, shadow, false, &active, &workingset);
	if (active)
		smm_lru_activate_new(mm, frame);
}

/* The record of a page of the cache leaves it: no slot, no PG_readahead. */
static void smm_swap_rec_uncache(struct smm_lru_rec *x)
{
	x->flags &= ~(SMM_LRU_F_SWAPCACHE | SMM_LRU_F_READAHEAD) &
		    ((1U << SMM_LRU_SLOT_SHIFT) - 1);
}

/*
 * folio_free_swap() of the mapped page @frame of slot @off (its record
 * @x): the page leaves the cache and the slot goes back; the page stays
 * mapped, an anonymous page as any other.
 */
static void smm_swap_free_mapped(struct smm_mm *mm, u64 off, struct smm_lru_rec *x)
{
	smm_swap_rec_uncache(x);
	smm_swap_cache_del(mm, off);
}

/*
 * folio_free_swap() for an anonymous page that reclaim activates
 * (shrink_folio_list()'s activate_locked: "not a candidate for swapping,
 * so reclaim swap space" once vm_swap_full()): the mapped page of record
 * @x leaves the swap cache and its slot goes back, unless a swap entry
 * still names the slot (folio_swapped()). Without it, pages a read fault
 * brought back while the area was at most half full keep their slots
 * for good, and an area that fills up with them leaves reclaim no slot
 * to swap anything else to. Returns true when the slot was freed. The
 * spaces' lock held; @x isolated by the caller.
 */
bool smm_swap_free_activated(struct smm_mm *mm, struct smm_lru_rec *x)
{
	struct smm_swap *sw = mm->swap;
	u32 off;

	if (!sw || !(x->flags & SMM_LRU_F_SWAPCACHE) || !x->space || !smm_swap_full(sw))
		return false;
	off = smm_lru_rec_slot(x->flags);
	if (WARN_ON_ONCE(!off || off >= sw->slots) || SMM_SWAP_COUNT(sw->map[off]))
		return false;
	smm_swap_free_mapped(mm, off, x);
	return true;
}

/* The frame index of pfn @pfn, which is ours (the caller checked it). */
static u64 smm_space_pfn_idx(const struct smm_space *s, u64 pfn)
{
	u64 idx = 0;

	WARN_ON_ONCE(!smm_range_pfn_to_idx(s->mm->range, pfn, &idx));
	return idx;
}

/*
 * Is any PTE of @s's family that maps @frame at @va dirty (try_to_unmap()
 * moving pte_dirty() to the folio)? One PTE without a family.
 */
static bool smm_swap_family_dirty(struct smm_space *s, u64 va, u64 frame)
{
	struct smm_space *m = s->anon_vma ? s->anon_vma->head : s;
	u64 *pte;

	for (; m; m = s->anon_vma ? m->av_next : NULL) {
		pte = smm_space_pte_of(m, va, frame);
		if (pte && (smm_pte_flags(m->fmt, SHADOWMM_PT_PTE, *pte) & SHADOWMM_PTF_DIRTY))
			return true;
	}
	return false;
}

/*
 * try_to_unmap() of the anonymous page @frame at @va: every PTE of
 * @s's family that maps it (only @s's without a family) gets the swap
 * entry of slot @off, each counted in its space's VmSwap; the last one
 * frees the page (space.c's smm_space_zap_leaf(): the others only drop
 * their mapping). The caller set the slot's count to the mappers'
 * number first (swap_duplicate() per PTE). The spaces' lock held.
 */
static void smm_swap_try_to_unmap(struct smm_space *s, u64 va, u64 frame, u64 off)
{
	struct smm_space *m = s->anon_vma ? s->anon_vma->head : s;
	u64 *pte;

	for (; m; m = s->anon_vma ? m->av_next : NULL) {
		pte = smm_space_pte_of(m, va, frame);
		if (!pte)
			continue;
		smm_space_zap_anon_pte(m, pte, smm_swp_entry(m->fmt, SMM_SWAP_TYPE, off));
		m->vm.swap_ents++;
	}
}

/*
 * Swap-out of a mapped page of the swap cache (shrink_folio_list() on a
 * swap-cache folio), mapped by @nr PTEs of @s's family at @va: its slot
 * still holds what the page held when it came in, unless the page was
 * written since (a PTE's dirty state, pte_dirty(), as try_to_unmap()
 * moves it to the folio). Clean: nothing is written (no pswpout), the
 * cache just lets go of it (__remove_mapping()). Dirty: written to its
 * slot again (pageout(), pswpout +1). Either way every mapping PTE gets
 * the slot's swap entry back, the count rises by @nr (entries of the
 * family may name the slot already: a shared slot) and the page is
 * freed. The page's memory @mem (mapped by smm_space_page_map() of
 * @pfn, unmapped here), its record @x.
 */
static int smm_swap_out_cached(struct smm_space *s, u64 va, u64 frame, u64 pfn,
			       const void *mem, struct smm_lru_rec *x, u32 nr)
{
	struct smm_swap *sw = s->mm->swap;
	u32 off = smm_lru_rec_slot(x->flags);
	bool dirty = smm_swap_family_dirty(s, va, frame);

	if (WARN_ON_ONCE(!off || off >= sw->slots || sw->cache[off] != frame + 1 ||
			 !(sw->map[off] & SMM_SWAP_HAS_CACHE) ||
			 SMM_SWAP_COUNT(sw->map[off]) + nr > SMM_SWAP_MAP_MAX)) {
		smm_space_page_unmap(s, pfn, mem);
		return -EFAULT;
	}
	if (dirty)
		memcpy(smm_swap_slot_mem(sw, off), mem, SMM_PAGE_SIZE);
	smm_space_page_unmap(s, pfn, mem);
	if (dirty)
		WRITE_ONCE(s->mm->events.pswpout, s->mm->events.pswpout + 1);
	sw->map[off] += nr;	/* the entries' count: the slot stays in use */
	smm_swap_rec_uncache(x);
	smm_swap_cache_del(s->mm, off);
	smm_swap_try_to_unmap(s, va, frame, off);
	smm_swap_evicted(s->mm, off);
	return 0;
}

/*
 * An unmapped page of the swap cache reclaimed (shrink_folio_list() on
 * a readahead page nobody faulted on): its slot holds its data, so it
 * is only dropped from the cache and freed; the swap entry that names
 * the slot stays. @frame's record says the slot. The spaces' lock held.
 */
int smm_swap_cache_reclaim(struct smm_mm *mm, u64 frame, const char **why)
{
	struct smm_lru_rec *x = smm_lru_rec_of_mut(mm, frame);
	struct smm_swap *sw = mm->swap;
	u32 off = x ? smm_lru_rec_slot(x->flags) : 0;

	if (WARN_ON_ONCE(!sw || !x || x->space || !(x->flags & SMM_LRU_F_SWAPCACHE) ||
			 !off || off >= sw->slots || sw->cache[off] != frame + 1 ||
			 !(sw->map[off] & SMM_SWAP_HAS_CACHE) || !SMM_SWAP_COUNT(sw->map[off]))) {
		*why = "not an unmapped page of the swap cache";
		return -EINVAL;
	}
	smm_swap_cache_del(mm, off);
	smm_space_cache_free(mm, frame);
	smm_swap_evicted(mm, off);
	return 0;
}

/*
 * A mapped page of the swap cache lets go of its slot: zap_pte_range()
 * of its last mapping (space.c, before the page is freed), fork (the
 * page is shared from then on), a write that reuses it (fork.c). Slot
 * @slot goes back when only the cache held it (free_swap_and_cache());
 * when swap entries of the family still name it (a shared slot,
 * swap_duplicate()), it keeps their data: the page was mapped
 * read-only while they did, so the slot's bytes are the page's.
 */
void smm_swap_cache_unmap(struct smm_space *s, u64 frame, u32 slot)
{
	struct smm_swap *sw = s->mm->swap;
	struct smm_lru_rec *x = smm_lru_rec_of_mut(s->mm, frame);

	if (WARN_ON_ONCE(!sw || !x || !slot || slot >= sw->slots ||
			 sw->cache[slot] != frame + 1 || !(sw->map[slot] & SMM_SWAP_HAS_CACHE)))
		return;
	smm_swap_free_mapped(s->mm, slot, x);
}

/*
 * folio_migrate_mapping() for a page of the swap cache (migrate.c): slot
 * @slot's page moved from frame @from to frame @to, the cache updated.
 * False, nothing changed, when the cache does not hold @from there.
 * Under the spaces' lock, as every swap call.
 */
bool smm_swap_cache_move(struct smm_mm *mm, u32 slot, u64 from, u64 to)
{
	struct smm_swap *sw = mm->swap;

	if (WARN_ON_ONCE(!sw || !slot || slot >= sw->slots || sw->cache[slot] != from + 1))
		return false;
	sw->cache[slot] = to + 1;
	return true;
}

/*
 * Swap out the anonymous 4K page at @va of @s (one page of what
 * MADV_PAGEOUT and reclaim's pageout do): a slot taken, the page copied
 * into it, the architecture's swap entry (type 0, the slot) written in
 * every PTE of the family that maps the page (try_to_unmap(), the
 * slot's count their number), the page freed by space.c's
 * smm_space_zap_anon_pte(). RSS anon -1 and VmSwap +1 in each mapper,
 * pswpout +1. A page of the swap cache goes back to its slot
 * (smm_swap_out_cached()): written only if dirty. @shared false
 * refuses a page mapped more than once (-EBUSY: MADV_PAGEOUT's rule).
 * Returns 0, or -errno with the reason and the page left as it was:
 * -ENODEV no swap on, -EINVAL a bad address or a page that is not
 * order-0 anonymous (SPACE_MAP's, huge leaves), -ENOENT nothing
 * mapped, -EALREADY swapped out already, -ENOSPC the area is full,
 * -EBUSY more mappers than a slot counts (SWAP_MAP_MAX; no
 * continuation pages here).
 */
static int smm_swap_out(struct smm_space *s, u64 va, bool shared, const char **why)
{
	struct smm_swap *sw = s->mm->swap;
	unsigned int level;
	struct smm_lru_rec *x;
	u64 *slot, e, pfn, off, frame;
	void *mem;
	u32 nr;

	if (!sw) {
		*why = "no swap area is on";
		return -ENODEV;
	}
	if ((va & (SMM_PAGE_SIZE - 1)) || va >= smm_space_limit(s)) {
		*why = "address is not a page of the space";
		return -EINVAL;
	}
	slot = smm_space_entry(s, va, &level);
	if (!slot) {
		*why = "the space's tables cannot be read";
		return -EFAULT;
	}
	e = *slot;
	if (!e) {
		*why = "nothing is mapped at the address";
		return -ENOENT;
	}
	if (smm_pte_swap(s->fmt, level, e)) {
		*why = "the page is swapped out already";
		return -EALREADY;
	}
	if (!smm_pte_present(s->fmt, e)) {
		*why = "the entry is not a present page";
		return -EINVAL;
	}
	if (level != SHADOWMM_PT_PTE) {
		*why = "a huge page: only order-0 anonymous pages are swapped";
		return -EINVAL;
	}
	pfn = smm_pte_pfn(s->fmt, level, e);
	if (!smm_space_page_anon(s, pfn)) {
		*why = "not an anonymous page (pages of SPACE_MAP are not swapped)";
		return -EINVAL;
	}
	frame = smm_space_pfn_idx(s, pfn);
	nr = s->anon_vma ? smm_anon_mapcount(s, va, frame) : 1;
	if (nr > 1 && !shared) {
		*why = "a page mapped by more than one space (MADV_PAGEOUT skips it)";
		return -EBUSY;
	}
	if (nr > SMM_SWAP_MAP_MAX) {
		*why = "more mappers than a swap slot counts (SWAP_MAP_MAX)";
		return -EBUSY;
	}
	if (smm_page_pinned(s->mm, frame)) {
		/* try_to_unmap() fails on a pinned exclusive page: it stays (pin.h) */
		*why = "pinned (FOLL_PIN): not swapped out while pinned";
		return -EBUSY;
	}
	mem = smm_space_page_map(s, pfn);
	if (!mem) {
		*why = "the page's memory cannot be reached";
		return -EFAULT;
	}
	x = smm_lru_rec_of_mut(s->mm, frame);
	if (x && (x->flags & SMM_LRU_F_SWAPCACHE))
		return smm_swap_out_cached(s, va, frame, pfn, mem, x, nr);
	off = smm_swap_alloc_slot(sw);
	if (!off) {
		smm_space_page_unmap(s, pfn, mem);
		*why = "the swap area is full";
		return -ENOSPC;
	}
	/* the slot's owner: the page's (the record's mapper, the frame's tag) */
	sw->owner[off] = x && x->space ? x->space->id : s->id;
	memcpy(smm_swap_slot_mem(sw, off), mem, SMM_PAGE_SIZE);
	smm_space_page_unmap(s, pfn, mem);
	sw->map[off] = nr;
	smm_swap_try_to_unmap(s, va, frame, off);
	WRITE_ONCE(s->mm->events.pswpout, s->mm->events.pswpout + 1);
	smm_swap_evicted(s->mm, off);
	return 0;
}

/* Reclaim's pageout of the page at @va of @s: every mapper's PTE (smm_swap_out()). */
int smm_swap_out_page(struct smm_space *s, u64 va, const char **why)
{
	return smm_swap_out(s, va, true, why);
}

/*
 * copy_nonpresent_pte() for a swap entry @e of @parent at fork:
 * swap_duplicate(), the slot's count +1 and the child's PTE the same
 * entry (*@ce), counted in the child's VmSwap. The slot's owner stays
 * (a member of the family, as the child now is). -EBUSY when the count
 * is at SWAP_MAP_MAX (the kernel chains continuation pages; not built
 * here), -EFAULT for an entry naming no slot, with the reason.
 */
int smm_swap_fork_entry(struct smm_space *parent, struct smm_space *child, u64 e, u64 *ce,
			const char **why)
{
	struct smm_swap *sw = parent->mm->swap;
	u64 off = smm_swap_entry_slot(parent, e);

	if (!off) {
		*why = "a swap entry of the parent names no slot in use";
		return -EFAULT;
	}
	if (SMM_SWAP_COUNT(sw->map[off]) >= SMM_SWAP_MAP_MAX) {
		*why = "a swap slot's count is at SWAP_MAP_MAX (no continuation pages)";
		return -EBUSY;
	}
	sw->map[off]++;
	child->vm.swap_ents++;
	*ce = smm_swp_entry(child->fmt, SMM_SWAP_TYPE, off);
	return 0;
}

/*
 * madvise(addr, len, MADV_PAGEOUT): every anonymous 4K page mapped in
 * [addr, addr + len) swapped out; other entries (holes, swap entries,
 * SPACE_MAP's pages, huge leaves) are skipped, as reclaim_pages() skips
 * what it cannot reclaim. *@done counts the pages swapped out. Returns
 * 0; -EINVAL for a bad range, -ENODEV without swap; -ENOSPC when the
 * area filled up (the pages before stay swapped out); -ENOMEM after the
 * work when part of the range lies outside every VMA (madvise(2)'s
 * ENOMEM), each with the reason.
 */
int smm_swap_pageout(struct smm_space *s, u64 addr, u64 len, u64 *done, const char **why)
{
	u64 va = addr, end = addr + len, n = 0;
	const struct smm_vma *vma;
	bool hole = false;
	struct smm_walk w;
	int ret;

	*done = 0;
	if ((addr | len) & (SMM_PAGE_SIZE - 1)) {
		*why = "address and length must be page aligned";
		return -EINVAL;
	}
	if (!len || len > SMM_ACCESS_MAX_LEN) {
		*why = "length must be 1 page to 1 GiB";
		return -EINVAL;
	}
	if (addr >= smm_space_limit(s) || len > smm_space_limit(s) - addr) {
		*why = "range runs past the lower half of the space's virtual addresses";
		return -EINVAL;
	}
	if (!s->mm->swap) {
		*why = "no swap area is on";
		return -ENODEV;
	}
	while (va < end) {
		if (smm_space_walk(s, va, &w)) {
			*why = "the space's tables cannot be read";
			return -EFAULT;
		}
		if (w.kind == SHADOWMM_PT_PAGE && w.size == SMM_PAGE_SIZE &&
		    smm_space_page_anon(s, w.pfn)) {
			ret = smm_swap_out(s, w.start, false, why);
			/* madvise_cold_or_pageout_pte_range(): mapcount != 1 skipped */
			if (ret == -EBUSY)
				ret = 0;
			else if (!ret)
				(*done)++;
			if (ret)
				return ret;
		}
		va = w.start + w.size > va ? w.start + w.size : va + SMM_PAGE_SIZE;
		if (!(++n % 64))
			smm_cond_resched();
	}
	for (va = addr; va < end; va = vma->end) {
		vma = smm_vma_find(s, va);
		if (!vma) {
			hole = true;
			break;
		}
	}
	if (hole) {
		*why = "part of the range is not mapped (madvise's ENOMEM)";
		return -ENOMEM;
	}
	return 0;
}

/*
 * __swapin_nr_pages(): the window for a fault at slot @off from @hits
 * (read-ahead pages faulted on since the last window), the last
 * fault's slot without hits @prev and the last window @last. Hits + 2
 * rounded up to a power of two from 4; no hits: 1 unless @off is next
 * to @prev (a sequential reader that has not hit yet, 2); never above
 * SMM_SWAP_RA_PAGES nor below half of @last (no shrinking too fast).
 */
static u32 smm_swap_ra_pages(u64 prev, u64 off, u32 hits, u32 last)
{
	u32 pages = hits + 2, roundup = 4;

	if (pages == 2) {
		if (off != prev + 1 && off != prev - 1)
			pages = 1;
	} else {
		while (roundup < pages)
			roundup <<= 1;
		pages = roundup;
	}
	if (pages > SMM_SWAP_RA_PAGES)
		pages = SMM_SWAP_RA_PAGES;
	if (pages < last / 2)
		pages = last / 2;
	return pages;
}

/*
 * swapin_nr_pages(): the window of a fault at slot @off of @sw, a power
 * of two; the hits are taken (zeroed), the slot kept as the last one
 * without hits when there were none, the window kept as the last. The
 * caller holds the space mutex, as for every change to the area.
 */
static u32 smm_swap_nr_pages(struct smm_swap *sw, u64 off)
{
	u32 hits = sw->ra_hits, pages;

	sw->ra_hits = 0;
	pages = smm_swap_ra_pages(sw->ra_prev, off, hits, sw->ra_win);
	if (!hits)
		sw->ra_prev = off;
	sw->ra_win = pages;
	return pages;
}

/*
 * swap_cluster_readahead()'s window around slot @off: mask the window
 * swapin_nr_pages() gives less 1 (0: no readahead), the slots from
 * @off & ~mask to @off | mask (not the header, not past the area) that
 * swap entries name and that have no page in the cache are read into
 * it, unmapped, for the space that owns each (swap_ra +1 and pswpin +1
 * each). Stops quietly at the first page memory cannot give without
 * reclaim: readahead is a guess.
 */
static void smm_swap_readahead(struct smm_mm *mm, u64 off)
{
	struct smm_swap *sw = mm->swap;
	u64 mask = smm_swap_nr_pages(sw, off) - 1, i = off & ~mask, end = (off | mask) + 1, frame;

	if (!mask)
		return;
	if (end > sw->slots)
		end = sw->slots;
	for (; i < end; i++) {
		if (i == off || sw->cache[i] || sw->map[i] == SMM_SWAP_MAP_BAD ||
		    !SMM_SWAP_COUNT(sw->map[i]) || sw->owner[i] == SMM_SWAP_OWNER_FILE)
			continue;
		if (smm_space_cache_new(mm, sw->owner[i], i, smm_swap_slot_mem(sw, i), &frame))
			break;
		smm_swap_cache_add(mm, i, frame);
		smm_swap_refault(mm, i, frame);
		WRITE_ONCE(mm->events.pswpin, mm->events.pswpin + 1);
		WRITE_ONCE(mm->events.swap_ra, mm->events.swap_ra + 1);
	}
}

/*
 * One swap entry of slot @off gone (zap, a swap-in that took a copy):
 * the count -1; at 0 the slot goes back with an unmapped page the
 * cache holds for it (free_swap_and_cache()); a page of the cache that
 * spaces map keeps the slot (the state after a swap-in that kept it).
 */
static void smm_swap_put_entry(struct smm_mm *mm, u64 off)
{
	struct smm_swap *sw = mm->swap;
	const struct smm_lru_rec *x;
	u64 frame;

	sw->map[off]--;
	if (SMM_SWAP_COUNT(sw->map[off]))
		return;
	if (!sw->cache[off]) {
		smm_swap_put_slot(sw, off);
		return;
	}
	frame = sw->cache[off] - 1;
	x = smm_lru_rec_of(mm, frame);
	if (x && x->space)
		return;
	smm_swap_cache_del(mm, off);
	smm_space_cache_free(mm, frame);
}

/*
 * A write fault on a swap entry whose page others share (do_swap_page()
 * then do_wp_page()'s copy, in one step): other swap entries of the
 * family name slot @off, or spaces map its page of the cache
 * read-only. @s gets a page of its own with the slot's bytes (the
 * same as the cached page's: that one is mapped read-only while the
 * slot is shared), writable and dirty; its entry lets go of the slot
 * (smm_swap_put_entry()). pswpin +1 when no page of the cache held the
 * bytes. -ENOMEM leaving the entry as it was.
 */
static int smm_swap_in_copy(struct smm_space *s, u64 va, u64 off, unsigned int prot, bool young,
			    const char **why)
{
	struct smm_mm *mm = s->mm;
	u64 frame;
	int ret;

	ret = smm_space_map_anon_from(s, va, prot, young, true,
				      smm_swap_slot_mem(mm->swap, off), &frame);
	if (ret) {
		*why = ret == -ENOMEM ? "out of memory for the swapped-in page (VM_FAULT_OOM)" :
					"the swap entry's tables cannot be read";
		return ret;
	}
	if (!mm->swap->cache[off])
		WRITE_ONCE(mm->events.pswpin, mm->events.pswpin + 1);
	s->vm.swap_ents--;
	smm_swap_put_entry(mm, off);
	return 0;
}

/* Does a space map slot @off's page of the swap cache? */
static bool smm_swap_cache_mapped(const struct smm_mm *mm, u64 off)
{
	const struct smm_lru_rec *x;

	if (!mm->swap->cache[off])
		return false;
	x = smm_lru_rec_of(mm, mm->swap->cache[off] - 1);
	return x && x->space;
}

/*
 * The page of swap entry @e at @va brought back (do_swap_page()), mapped
 * with @prot (accessed with @young, dirty on a @write); VmSwap -1, RSS
 * +1. A page in the swap cache is mapped as it is (a hit: *@hit set,
 * swap_ra_hit +1 if it was read ahead). Else a movable order-0 page is
 * filled from the slot (pswpin +1) and, with @fault, joins the cache
 * and the slots of its window are read ahead (smm_swap_readahead()).
 * A slot the family shares (other entries name it after fork or a
 * shared swap-out, or spaces map its cached page): a read maps the
 * cached page read-only (do_swap_page()'s "the slot is shared": a
 * later write copies or, the last user, reuses), a @write takes a copy
 * of its own (smm_swap_in_copy()). The slot is then kept, the page in
 * the cache with a valid copy, unless no entry names it any more and
 * should_try_to_free_swap(): a @write fault (the page is exclusive:
 * nothing shares it), the area more than half full (vm_swap_full()),
 * or not a @fault (swapoff frees every slot). -EFAULT for an entry that
 * names no slot in use (do_swap_page()'s SIGBUS), -ENOMEM leaving the
 * entry as it was.
 */
static int smm_swap_in(struct smm_space *s, u64 va, u64 e, unsigned int prot, bool young,
		       bool write, bool fault, bool *hit, const char **why)
{
	struct smm_mm *mm = s->mm;
	u64 off = smm_swap_entry_slot(s, e), frame;
	struct smm_lru_rec *x;
	bool shared;
	int ret;

	*hit = false;
	if (!off) {
		*why = "SIGBUS: the swap entry names no slot in use";
		return -EFAULT;
	}
	shared = SMM_SWAP_COUNT(mm->swap->map[off]) > 1 || smm_swap_cache_mapped(mm, off);
	if (write && shared)
		return smm_swap_in_copy(s, va, off, prot, young, why);
	if (shared)
		prot &= ~SHADOWMM_PROT_WRITE;
	if (mm->swap->cache[off]) {
		frame = mm->swap->cache[off] - 1;
		ret = smm_space_map_cached(s, va, prot, young, write, frame);
		x = smm_lru_rec_of_mut(mm, frame);
		if (ret || WARN_ON_ONCE(!x)) {
			*why = "the swap entry's tables or its cached page cannot be read";
			return -EFAULT;
		}
		*hit = true;
		smm_anon_note_mappers(s, va, frame);
		if (x->flags & SMM_LRU_F_READAHEAD) {
			x->flags &= ~SMM_LRU_F_READAHEAD;
			WRITE_ONCE(mm->events.swap_ra_hit, mm->events.swap_ra_hit + 1);
			mm->swap->ra_hits++;	/* lookup_swap_cache() */
		}
	} else {
		ret = smm_space_map_anon_from(s, va, prot, young, write,
					      smm_swap_slot_mem(mm->swap, off), &frame);
		if (ret) {
			*why = ret == -ENOMEM ? "out of memory for the swapped-in page (VM_FAULT_OOM)" :
						"the swap entry's tables cannot be read";
			return ret;
		}
		WRITE_ONCE(mm->events.pswpin, mm->events.pswpin + 1);
		x = smm_lru_rec_of_mut(mm, frame);
		smm_swap_cache_add(mm, off, frame);
		mm->swap->owner[off] = s->id;	/* the page's: its tag */
		if (x)
			x->flags |= SMM_LRU_F_SWAPCACHE | (u32)off << SMM_LRU_SLOT_SHIFT;
		smm_swap_refault(mm, off, frame);
		if (fault)
			smm_swap_readahead(mm, off);
	}
	/* the PTE's entry is gone: the other entries and the cache hold the slot */
	mm->swap->map[off]--;
	s->vm.swap_ents--;
	if (x && !SMM_SWAP_COUNT(mm->swap->map[off]) &&
	    (!fault || write || smm_swap_full(mm->swap)))
		smm_swap_free_mapped(mm, off, x);
	return 0;
}

/*
 * do_swap_page(): the fault at @va found swap entry @e; the page comes
 * back with @prot, accessed, dirty on a @write. A page found in the
 * swap cache is a minor fault (the space's min_flt); one read from the
 * slot a major fault (maj_flt and the mm's pgmajfault +1). Errors as
 * smm_swap_in().
 */
int smm_swap_fault(struct smm_space *s, u64 va, u64 e, unsigned int prot, bool write,
		   const char **why)
{
	bool hit;
	int ret = smm_swap_in(s, va, e, prot, true, write, true, &hit, why);

	if (ret)
		return ret;
	if (hit) {
		s->vm.min_flt++;
		return 0;
	}
	s->vm.maj_flt++;
	WRITE_ONCE(s->mm->events.pgmajfault, s->mm->events.pgmajfault + 1);
	return 0;
}

/*
 * zap_pte_range()'s swap branch (space.c, free_swap_and_cache()): @s's
 * entry @e lets go of its slot; the last entry frees it, and the page
 * read ahead for it, if any, with it (smm_swap_put_entry()).
 */
void smm_swap_free_entry(struct smm_space *s, u64 e)
{
	u64 off = smm_swap_entry_slot(s, e);

	if (WARN_ON_ONCE(!off))
		return;
	s->vm.swap_ents--;
	smm_swap_put_entry(s->mm, off);
}

/*
 * A member of @s's family leaves it (destroy, space.c, after its
 * entries and pages went): the slots it owns that other members' entries
 * still name, and their unmapped pages of the cache, move to another
 * member (owner[] names a live space of the family: swapin readahead
 * charges it). O(slots), only for a space that was forked. The
 * spaces' lock held.
 */
void smm_swap_leave_family(struct smm_space *s)
{
	struct smm_swap *sw = s->mm->swap;
	struct smm_space *to;
	u64 off;

	if (!sw || !s->anon_vma)
		return;
	for (to = s->anon_vma->head; to && to == s; to = to->av_next)
		;
	for (off = 1; off < sw->slots; off++) {
		if (!(off % 65536))
			smm_cond_resched();
		if (sw->owner[off] != s->id || !sw->map[off] || sw->map[off] == SMM_SWAP_MAP_BAD)
			continue;
		if (WARN_ON_ONCE(!to))
			return;
		sw->owner[off] = to->id;
		if (sw->cache[off] && !smm_swap_cache_mapped(s->mm, off))
			smm_space_cache_retag(s->mm, sw->cache[off] - 1, to->id);
	}
}

/*
 * The owner of slot @slot, whose page of the cache changes mapper
 * (space.c's retag after fork): the page's new tag, @id.
 */
void smm_swap_cache_owner(struct smm_mm *mm, u32 slot, u32 id)
{
	struct smm_swap *sw = mm->swap;

	if (!WARN_ON_ONCE(!sw || !slot || slot >= sw->slots || !sw->cache[slot]))
		sw->owner[slot] = id;
}

/* The swap entries that name slot @slot (swap_count()), 0 without an area. */
u32 smm_swap_slot_count(const struct smm_mm *mm, u32 slot)
{
	const struct smm_swap *sw = mm->swap;

	return sw && slot && slot < sw->slots ? SMM_SWAP_COUNT(sw->map[slot]) : 0;
}

/*
 * try_to_unuse()'s pass over the swap cache for @s: each page of the
 * cache that @s maps lets go of its slot (the page stays mapped); the
 * unmapped ones are mapped by the walk of smm_swap_unuse().
 */
static void smm_swap_unuse_cached(struct smm_space *s)
{
	struct smm_swap *sw = s->mm->swap;
	struct smm_lru_rec *x;
	u64 off;

	for (off = 1; off < sw->slots; off++) {
		if (!(off % 65536))
			smm_cond_resched();
		if (!sw->cache[off] || sw->owner[off] != s->id || SMM_SWAP_COUNT(sw->map[off]))
			continue;
		x = smm_lru_rec_of_mut(s->mm, sw->cache[off] - 1);
		if (!WARN_ON_ONCE(!x))
			smm_swap_free_mapped(s->mm, off, x);
	}
}

/*
 * try_to_unuse() for one space: every swap entry of @s brought back in,
 * mapped old with its VMA's protection (unuse_pte()), from the swap
 * cache when it holds the page; every slot of @s's pages leaves the
 * cache. Returns 0, or
 * -ENOMEM at the first page memory could not hold (the entries not
 * reached stay, nothing is lost), -EFAULT for a bad entry, with the
 * reason.
 */
int smm_swap_unuse(struct smm_space *s, const char **why)
{
	u64 va = 0, n = 0;
	struct smm_walk w;
	bool hit;
	int ret;

	if (!s->mm->swap)
		return 0;
	smm_swap_unuse_cached(s);
	if (!s->vm.swap_ents)
		return 0;
	while (va < smm_space_limit(s)) {
		if (smm_space_walk(s, va, &w)) {
			*why = "the space's tables cannot be read";
			return -EFAULT;
		}
		if (w.kind == SHADOWMM_PT_SWAP) {
			const struct smm_vma *vma = smm_vma_find(s, w.start);

			if (WARN_ON_ONCE(!vma)) {
				*why = "a swap entry outside every VMA";
				return -EFAULT;
			}
			ret = smm_swap_in(s, w.start, w.lv[w.nr - 1].entry,
					  vma->prot | SHADOWMM_PROT_USER, false, false, false, &hit,
					  why);
			if (ret == -ENOMEM)
				*why = "out of memory: swap stays on with the pages that could not come back";
			if (ret)
				return ret;
			if (!s->vm.swap_ents)
				return 0;
		}
		if (!w.size || w.start + w.size <= va)
			break;
		va = w.start + w.size;
		if (!(++n % 64))
			smm_cond_resched();
	}
	return 0;
}

/*
 * swapoff's end, once every space went through smm_swap_unuse(): the
 * area leaves @mm and is handed back in *@sw for the caller to destroy
 * and free. -ENODEV when none is on, -EBUSY while slots are in use.
 */
int smm_swap_off(struct smm_mm *mm, struct smm_swap **sw, const char **why)
{
	*sw = NULL;
	if (!mm->swap) {
		*why = "no swap area is on";
		return -ENODEV;
	}
	if (mm->swap->file_slots) {
		*why = "written-back pages of shadow files are in swap: close the files first";
		return -EBUSY;
	}
	if (mm->swap->inuse) {
		*why = "swap entries remain: swap stays on";
		return -EBUSY;
	}
	*sw = mm->swap;
	mm->swap = NULL;
	return 0;
}

#define smm_swap_bad(fmt, ...)	(snprintf(why, len, fmt, ##__VA_ARGS__), -EUCLEAN)

/* Is @id, a slot's owner, @s or a member of @s's family (a shared slot)? */
static bool smm_swap_owner_ok(const struct smm_space *s, u32 id)
{
	const struct smm_space *m;

	if (id == s->id)
		return true;
	for (m = s->anon_vma ? s->anon_vma->head : NULL; m; m = m->av_next)
		if (m->id == id)
			return true;
	return false;
}

/*
 * CHECK for one space: each swap entry of @s is a 4K one inside a VMA
 * naming a slot of the area, counted into @seen (NULL: no area on, and
 * then no entry may exist); swap_ents is their number.
 */
int smm_swap_check_space(const struct smm_space *s, u8 *seen, char *why, size_t len)
{
	const struct smm_swap *sw = s->mm->swap;
	u64 va = 0, ents = 0, n = 0, off;
	struct smm_walk w;

	while (va < smm_space_limit(s)) {
		if (smm_space_walk(s, va, &w))
			return smm_swap_bad("space %u: tables unreadable at %#llx", s->id,
					    (unsigned long long)va);
		if (w.kind == SHADOWMM_PT_SWAP) {
			off = w.swap_offset;
			if (!sw || w.size != SMM_PAGE_SIZE || w.swap_type != SMM_SWAP_TYPE ||
			    !off || off >= sw->slots || !smm_vma_find(s, w.start))
				return smm_swap_bad("space %u: swap entry %#llx at %#llx names no slot of the area",
						    s->id, (unsigned long long)w.lv[w.nr - 1].entry,
						    (unsigned long long)w.start);
			if (!smm_swap_owner_ok(s, sw->owner[off]))
				return smm_swap_bad("space %u: slot %llu of its entry at %#llx is owned by space %u, not of its family",
						    s->id, (unsigned long long)off,
						    (unsigned long long)w.start, sw->owner[off]);
			if (seen[off] < 0xff)
				seen[off]++;
			ents++;
		}
		if (!w.size || w.start + w.size <= va)
			break;
		va = w.start + w.size;
		if (!(++n % 64))
			smm_cond_resched();
	}
	if (ents != s->vm.swap_ents)
		return smm_swap_bad("space %u: %llu swap entries, VmSwap says %llu", s->id,
				    (unsigned long long)ents, (unsigned long long)s->vm.swap_ents);
	return 0;
}

/*
 * CHECK of slot @off's page in the swap cache: an anonymous page of the
 * slot's owner (so no other slot's), its record flagged swap cache for
 * this slot (so the page is in the cache once), mapped by the owner
 * exactly when no swap entry names the slot.
 */
static int smm_swap_check_cached(const struct smm_mm *mm, u64 off, char *why, size_t len)
{
	const struct smm_swap *sw = mm->swap;
	u64 frame = sw->cache[off] - 1;
	const struct smm_lru_rec *x;
	struct smm_frame f;

	if (!(sw->map[off] & SMM_SWAP_HAS_CACHE))
		return smm_swap_bad("swap: slot %llu has a cached page, swap_map %#x says none",
				    (unsigned long long)off, sw->map[off]);
	if (frame >= mm->range->span)
		return smm_swap_bad("swap: slot %llu's cached frame %llu is outside the range",
				    (unsigned long long)off, (unsigned long long)frame);
	f = smm_frame_load(&mm->frames[frame]);
	x = smm_lru_rec_of(mm, frame);
	if (!x || smm_space_tag_id(smm_frame_tag(&f)) != sw->owner[off])
		return smm_swap_bad("swap: slot %llu's cached frame %llu is not an anonymous page of space %u",
				    (unsigned long long)off, (unsigned long long)frame, sw->owner[off]);
	if (!(x->flags & SMM_LRU_F_SWAPCACHE) || smm_lru_rec_slot(x->flags) != off)
		return smm_swap_bad("swap: slot %llu's cached frame %llu: its record names slot %u (flags %#x)",
				    (unsigned long long)off, (unsigned long long)frame,
				    smm_lru_rec_slot(x->flags), x->flags);
	if ((!x->space && !SMM_SWAP_COUNT(sw->map[off])) ||
	    (x->space && x->space->id != sw->owner[off]))
		return smm_swap_bad("swap: slot %llu's cached frame %llu is %smapped with %u swap entries",
				    (unsigned long long)off, (unsigned long long)frame,
				    x->space ? "" : "not ", SMM_SWAP_COUNT(sw->map[off]));
	if ((x->flags & SMM_LRU_F_READAHEAD) && x->space)
		return smm_swap_bad("swap: slot %llu's page is mapped yet still marked read ahead",
				    (unsigned long long)off);
	return 0;
}

/*
 * CHECK for the area, after smm_swap_check_space() on every space:
 * swap_map's counts equal the entries counted in @seen, its cache bits
 * the swap cache, each cached page as smm_swap_check_cached() says,
 * inuse the slots in use, the clusters' counts and free list as swap.h
 * says.
 */
int smm_swap_check(const struct smm_mm *mm, const u8 *seen, char *why, size_t len)
{
	const struct smm_swap *sw = mm->swap;
	u64 off, used = 0, cnt, cached = 0, files = 0, shadows = 0;
	u32 c, on_list = 0, i;

	if (!sw)
		return mm->nr_swapcached ? smm_swap_bad("swap: %llu pages cached without an area",
							(unsigned long long)mm->nr_swapcached) : 0;
	if (sw->map[0] != SMM_SWAP_MAP_BAD || seen[0])
		return smm_swap_bad("swap: slot 0 (the header) is in use");
	for (off = 1; off < sw->slots; off++) {
		if (sw->owner[off] == SMM_SWAP_OWNER_FILE) {
			/* a store's slot: no entry, no cache (filemap.c counts them) */
			if (!smm_swap_file_slot_ok(mm, off) || seen[off])
				return smm_swap_bad("swap: slot %llu of a file's store: swap_map %#x, %u swap entries, cache %u",
						    (unsigned long long)off, sw->map[off], seen[off],
						    sw->cache[off]);
			used++;
			files++;
			continue;
		}
		if (SMM_SWAP_COUNT(sw->map[off]) != seen[off] ||
		    SMM_SWAP_COUNT(sw->map[off]) > SMM_SWAP_MAP_MAX ||
		    (sw->map[off] & ~(SMM_SWAP_HAS_CACHE | 0x3f)))
			return smm_swap_bad("swap: slot %llu: swap_map %#x, %u swap entries name it",
					    (unsigned long long)off, sw->map[off], seen[off]);
		if (sw->shadow[off]) {
			/* an evicted page's shadow: its slot named by one entry, no page */
			if (!smm_ws_is_shadow(sw->shadow[off]) || !SMM_SWAP_COUNT(sw->map[off]) ||
			    (sw->map[off] & SMM_SWAP_HAS_CACHE) ||
			    sw->owner[off] == SMM_SWAP_OWNER_FILE)
				return smm_swap_bad("swap: slot %llu has a shadow entry %#x, swap_map %#x",
						    (unsigned long long)off, sw->shadow[off],
						    sw->map[off]);
			shadows++;
		}
		if (sw->cache[off]) {
			int ret = smm_swap_check_cached(mm, off, why, len);

			if (ret)
				return ret;
			cached++;
		} else if (sw->map[off] & SMM_SWAP_HAS_CACHE) {
			return smm_swap_bad("swap: slot %llu says it has a cached page, the cache has none",
					    (unsigned long long)off);
		}
		used += sw->map[off] != 0;
		if (!(off % 65536))
			smm_cond_resched();
	}
	if (cached != mm->nr_swapcached)
		return smm_swap_bad("swap: %llu pages in the swap cache, SwapCached says %llu",
				    (unsigned long long)cached,
				    (unsigned long long)mm->nr_swapcached);
	if (shadows != sw->nr_shadows)
		return smm_swap_bad("swap: %llu shadow entries, nr_shadows says %llu",
				    (unsigned long long)shadows, (unsigned long long)sw->nr_shadows);
	if (files != sw->file_slots)
		return smm_swap_bad("swap: %llu slots of files' stores, file_slots says %llu",
				    (unsigned long long)files, (unsigned long long)sw->file_slots);
	if (used != sw->inuse)
		return smm_swap_bad("swap: %llu slots used, inuse says %llu",
				    (unsigned long long)used, (unsigned long long)sw->inuse);
	for (c = 0; c < sw->nr_clusters; c++) {
		cnt = c ? 0 : 1;
		for (i = 0; i < SMM_SWAP_CLUSTER; i++) {
			off = (u64)c * SMM_SWAP_CLUSTER + i;
			if (off >= sw->slots)
				cnt++;
			else if (off)
				cnt += sw->map[off] != 0;
		}
		if (cnt != sw->cl[c].count)
			return smm_swap_bad("swap: cluster %u counts %u slots, %llu are used", c,
					    sw->cl[c].count, (unsigned long long)cnt);
	}
	for (c = sw->free_head; c != SMM_SWAP_NONE; c = sw->cl[c].next) {
		if (c >= sw->nr_clusters || ++on_list > sw->nr_clusters)
			return smm_swap_bad("swap: the free cluster list is broken");
		if (sw->cl[c].count || c == sw->cur)
			return smm_swap_bad("swap: cluster %u on the free list, count %u%s", c,
					    sw->cl[c].count, c == sw->cur ? ", being filled" : "");
		if (sw->cl[c].next == SMM_SWAP_NONE && c != sw->free_tail)
			return smm_swap_bad("swap: the free list's tail is not cluster %u", c);
	}
	for (c = 0, cnt = 0; c < sw->nr_clusters; c++)
		cnt += !sw->cl[c].count && c != sw->cur;
	if (on_list != sw->nr_free || cnt != on_list)
		return smm_swap_bad("swap: %u clusters on the free list, %u counted, %llu empty",
				    on_list, sw->nr_free, (unsigned long long)cnt);
	return 0;
}
