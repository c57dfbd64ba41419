// SPDX-License-Identifier: GPL-2.0
/*
 * The shadow swap area (swap.h): slot allocation in clusters, swap-out
 * of anonymous pages, swap-in on a fault, swapoff, and CHECK's rules.
 *
 * Invariants, for CHECK and the tests:
 *  - swap_map[0] is SMM_SWAP_MAP_BAD, every other slot 0 or 1, and the
 *    slots at 1 are exactly those the spaces' swap entries name, each
 *    once; inuse is their number, each space's swap_ents its share;
 *  - a cluster's count is its slots in use plus those past the area's
 *    end plus the header's; a cluster is on the free list if and only
 *    if its count is 0 and it is not the cluster being filled.
 */
#include "swap.h"
#include "space.h"
#include "owner.h"

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
	if (!sw->map || !sw->cl) {
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
	return 0;
}

/* The map and clusters go; the slots' memory is the caller's. */
void smm_swap_destroy(struct smm_swap *sw)
{
	smm_free_array(sw->map);
	smm_free_array(sw->cl);
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
		sw->cur = SMM_SWAP_NONE;	/* full: the next free cluster */
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

/*
 * Slot @off given back (swap_entry_free()): a cluster left empty goes to
 * the tail of the free list, unless it is the one being filled.
 */
static void smm_swap_put_slot(struct smm_swap *sw, u64 off)
{
	u32 c = off / SMM_SWAP_CLUSTER;

	sw->map[off] = 0;
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

/* The slot @e names in @s's mm's area, or 0 if @e names none in use. */
static u64 smm_swap_entry_slot(const struct smm_space *s, u64 e)
{
	const struct smm_swap *sw = s->mm->swap;
	u64 off = smm_swp_offset(s->fmt, e);

	if (!sw || smm_swp_type(s->fmt, e) != SMM_SWAP_TYPE || !off || off >= sw->slots ||
	    !sw->map[off] || sw->map[off] == SMM_SWAP_MAP_BAD)
		return 0;
	return off;
}

/*
 * Swap out the anonymous 4K page at @va of @s (one page of what
 * MADV_PAGEOUT and reclaim's pageout do): a slot taken, the page copied
 * into it, the architecture's swap entry (type 0, the slot) written in
 * the PTE, the page freed by space.c's smm_space_zap_anon_pte(). RSS
 * anon -1, VmSwap +1, pswpout +1. Returns 0, or -errno with the reason
 * and the page left as it was: -ENODEV no swap on, -EINVAL a bad
 * address or a page that is not order-0 anonymous (SPACE_MAP's, huge
 * leaves), -ENOENT nothing mapped, -EALREADY swapped out already,
 * -ENOSPC the area is full.
 */
int smm_swap_out_page(struct smm_space *s, u64 va, const char **why)
{
	struct smm_swap *sw = s->mm->swap;
	unsigned int level;
	u64 *slot, e, pfn, off;
	void *mem;

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
	mem = smm_space_page_mem(s, pfn);
	if (!mem) {
		*why = "the page's memory cannot be reached";
		return -EFAULT;
	}
	off = smm_swap_alloc_slot(sw);
	if (!off) {
		*why = "the swap area is full";
		return -ENOSPC;
	}
	memcpy(smm_swap_slot_mem(sw, off), mem, SMM_PAGE_SIZE);
	smm_space_zap_anon_pte(s, slot, smm_swp_entry(s->fmt, SMM_SWAP_TYPE, off));
	s->vm.swap_ents++;
	WRITE_ONCE(s->mm->events.pswpout, s->mm->events.pswpout + 1);
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
			ret = smm_swap_out_page(s, w.start, why);
			if (ret)
				return ret;
			(*done)++;
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
 * The page of swap entry @e at @va brought back: a movable order-0
 * page filled from the slot and mapped with @prot (accessed with
 * @young, dirty on a @write), the slot freed (no swap cache), VmSwap
 * -1, RSS +1, pswpin +1. -EFAULT for an entry that names no slot in use
 * (do_swap_page()'s SIGBUS), -ENOMEM leaving the entry as it was.
 */
static int smm_swap_in(struct smm_space *s, u64 va, u64 e, unsigned int prot, bool young,
		       bool write, const char **why)
{
	u64 off = smm_swap_entry_slot(s, e);
	int ret;

	if (!off) {
		*why = "SIGBUS: the swap entry names no slot in use";
		return -EFAULT;
	}
	ret = smm_space_map_anon_from(s, va, prot, young, write,
				      smm_swap_slot_mem(s->mm->swap, off));
	if (ret) {
		*why = ret == -ENOMEM ? "out of memory for the swapped-in page (VM_FAULT_OOM)" :
					"the swap entry's tables cannot be read";
		return ret;
	}
	smm_swap_put_slot(s->mm->swap, off);
	s->vm.swap_ents--;
	WRITE_ONCE(s->mm->events.pswpin, s->mm->events.pswpin + 1);
	return 0;
}

/*
 * do_swap_page(): the fault at @va found swap entry @e; the page comes
 * back with @prot, accessed, dirty on a @write. A major fault: the
 * space's maj_flt and the mm's pgmajfault +1. Errors as smm_swap_in().
 */
int smm_swap_fault(struct smm_space *s, u64 va, u64 e, unsigned int prot, bool write,
		   const char **why)
{
	int ret = smm_swap_in(s, va, e, prot, true, write, why);

	if (ret)
		return ret;
	s->vm.maj_flt++;
	WRITE_ONCE(s->mm->events.pgmajfault, s->mm->events.pgmajfault + 1);
	return 0;
}

/* zap_pte_range()'s swap branch (space.c): the slot of entry @e freed. */
void smm_swap_free_entry(struct smm_space *s, u64 e)
{
	u64 off = smm_swap_entry_slot(s, e);

	if (WARN_ON_ONCE(!off))
		return;
	smm_swap_put_slot(s->mm->swap, off);
	s->vm.swap_ents--;
}

/*
 * try_to_unuse() for one space: every swap entry of @s brought back in,
 * mapped old with its VMA's protection (unuse_pte()). Returns 0, or
 * -ENOMEM at the first page memory could not hold (the entries not
 * reached stay, nothing is lost), -EFAULT for a bad entry, with the
 * reason.
 */
int smm_swap_unuse(struct smm_space *s, const char **why)
{
	u64 va = 0, n = 0;
	struct smm_walk w;
	int ret;

	if (!s->mm->swap || !s->vm.swap_ents)
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
					  vma->prot | SHADOWMM_PROT_USER, false, false, why);
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
	if (mm->swap->inuse) {
		*why = "swap entries remain: swap stays on";
		return -EBUSY;
	}
	*sw = mm->swap;
	mm->swap = NULL;
	return 0;
}

#define smm_swap_bad(fmt, ...)	(snprintf(why, len, fmt, ##__VA_ARGS__), -EUCLEAN)

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
 * CHECK for the area, after smm_swap_check_space() on every space:
 * swap_map equals the entries counted in @seen, inuse their sum, the
 * clusters' counts and free list as swap.h says.
 */
int smm_swap_check(const struct smm_mm *mm, const u8 *seen, char *why, size_t len)
{
	const struct smm_swap *sw = mm->swap;
	u64 off, used = 0, cnt;
	u32 c, on_list = 0, i;

	if (!sw)
		return 0;
	if (sw->map[0] != SMM_SWAP_MAP_BAD || seen[0])
		return smm_swap_bad("swap: slot 0 (the header) is in use");
	for (off = 1; off < sw->slots; off++) {
		if (sw->map[off] != seen[off])
			return smm_swap_bad("swap: slot %llu: swap_map %u, %u swap entries name it",
					    (unsigned long long)off, sw->map[off], seen[off]);
		used += sw->map[off];
	}
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
