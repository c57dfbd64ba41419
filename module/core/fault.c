// SPDX-License-Identifier: GPL-2.0
/*
 * The shadow MMU and its page-fault handler (vma.h): a user-mode data
 * access to a shadow space, page by page, as the CPU and then
 * handle_mm_fault() would serve it.
 *
 * Per page: walk to the leaf. A present leaf that allows the access is
 * used: the accessed bit (and on a write the dirty state) is set in it
 * the way the hardware does (x86 A/D, arm64 AF and DBM's AP[2]), and the
 * data are read or written through the section's mapping. Anything else
 * is a fault, resolved as do_user_addr_fault() and do_anonymous_page()
 * do, then the access is retried, as the CPU restarts the instruction:
 *   - no VMA holds the address: SIGSEGV (SEGV_MAPERR), -EFAULT;
 *   - the VMA's protection forbids it: SIGSEGV (SEGV_ACCERR), -EACCES;
 *   - an entry is there but forbids it (a page of SPACE_MAP mapped
 *     read-only, PROT_NONE or not for the user): -EACCES as well;
 *   - nothing mapped: a zeroed order-0 page, the VMA's protection,
 *     accessed set (dirty on a write fault): a minor fault;
 *   - a swap entry: the page read back from swap (swap.c,
 *     do_swap_page()): a major fault.
 *
 * A fault that finds no memory even after reclaim calls the OOM killer
 * once (oom.h) and retries once if another space was killed.
 *
 *   - a file VMA (filemap.h): past the file's last page SIGBUS; a read
 *     fault maps the page-cache page read-only (do_read_fault():
 *     filemap_fault(), read from the file on a miss, a major fault),
 *     and maps its cached neighbours too (do_fault_around()); a write
 *     fault on a private writable one copies the page into a new
 *     anonymous page (do_cow_fault(), or wp_page_copy() when the
 *     page-cache page was mapped read-only there already); a write
 *     fault on a shared writable one maps the page-cache page itself
 *     writable and dirty and marks the page dirty (do_shared_fault(),
 *     or wp_page_shared() on a read-only PTE: after a read fault, or
 *     after writeback's page_mkclean()).
 *
 * Simplified against mm/memory.c: a read fault on an anonymous VMA
 * allocates a page instead of mapping the shared zero page; no THP;
 * no userfaultfd.
 *
 *   - a write to a present read-only anonymous page of a writable VMA
 *     (shared after fork, fork.c): do_wp_page(), a copy while others
 *     map it, the page itself made writable for its last mapper.
 * An access that faults stops there: the pages before stay touched, as
 * a copy that faults half way has done part of its work.
 */
#include "space.h"
#include "owner.h"
#include "swap.h"
#include "oom.h"
#include "filemap.h"
#include "lru.h"

/* Read or write the words of [va, end) (one page) at @mem, which maps @va's page. */
static void smm_access_page(u64 *mem, u64 va, u64 end, unsigned int flags, u64 value,
			    struct smm_access *res)
{
	u64 *w = mem + ((va & (SMM_PAGE_SIZE - 1)) >> 3);

	for (; va < end; va += 8, w++) {
		if (flags & SMM_ACCESS_WRITE)
			WRITE_ONCE(*w, flags & SMM_ACCESS_PATTERN ? va : value);
		else
			res->csum = smm_access_csum(res->csum, READ_ONCE(*w));
	}
}

/*
 * VM_FAULT_OOM after reclaim: the OOM killer once (oom.h). Returns 0
 * when another space was killed (the fault retries once), -ESRCH when
 * @s itself was, else -ENOMEM, with the reason.
 */
static int smm_fault_oom(struct smm_space *s, const char **why)
{
	int ret = smm_out_of_memory(s->mm, s, 0);

	if (ret == -ESRCH)
		*why = SMM_OOM_KILLED_WHY;
	return ret;
}

#define SMM_FAULT_AROUND_BYTES	(64 * 1024)	/* fault_around_bytes' default */
#define SMM_PTE_TABLE_BYTES	(SMM_PT_ENTRIES * SMM_PAGE_SIZE)	/* what one PTE table maps */

/*
 * do_fault_around() and filemap_map_pages(): around the read fault at
 * @va of the file VMA @v, the fault_around_bytes window aligned on
 * itself, cut at the VMA, the PTE table of @va and the file's last
 * page, every page that is cached (uptodate: a shadow page is read
 * whole before it enters the cache) and not PG_readahead is mapped
 * read-only at its empty PTE. No read, no allocation: the table is
 * @va's. Mapped old (not accessed), as arm64's
 * arch_wants_old_prefaulted_pte() asks; x86 maps them young.
 */
static void smm_fault_around(struct smm_space *s, const struct smm_vma *v, u64 va)
{
	u64 from = va & ~(SMM_FAULT_AROUND_BYTES - 1), to = from + SMM_FAULT_AROUND_BYTES;
	u64 table = va & ~(SMM_PTE_TABLE_BYTES - 1), a, index, frame, *slot;
	const struct smm_lru_rec *x;
	unsigned int level;

	from = max(max(from, v->start), table);
	to = min(min(to, v->end), table + SMM_PTE_TABLE_BYTES);
	for (a = from; a < to; a += SMM_PAGE_SIZE) {
		index = smm_vma_index_of(v, a);
		if (index >= v->inode->nr_index)
			break;
		if (a == va)
			continue;
		frame = smm_filemap_get_folio(v->inode, index);
		if (frame == SMM_FILEMAP_NONE)
			continue;
		x = smm_lru_rec_of(s->mm, frame);
		if (!x || (x->flags & SMM_LRU_F_READAHEAD))
			continue;
		slot = smm_space_entry(s, a, &level);
		if (slot && level == SHADOWMM_PT_PTE && !*slot)
			smm_space_set_file_pte(s, slot, frame, v->prot, false);
	}
}

/*
 * The copy of a private file page (do_cow_fault(), wp_page_copy()): the
 * page-cache page @frame's bytes copied out first (reclaim during the
 * new page's allocation may drop the cached page), @va's PTE cleared if
 * it mapped @frame (@slot not NULL), then a new anonymous page with the
 * bytes mapped there writable. The cached page is left as it was, for
 * every other mapping and for reads. -ENOMEM with the PTE empty.
 */
static int smm_fault_cow(struct smm_space *s, const struct smm_vma *v, u64 va, u64 *slot,
			 u64 frame)
{
	void *buf = smm_zalloc_array(1, SMM_PAGE_SIZE);
	int ret;

	if (!buf)
		return -ENOMEM;
	ret = smm_filemap_copy_page(s->mm, frame, buf);
	if (!ret) {
		if (slot)
			smm_space_zap_file_pte(s, slot);
		ret = smm_space_map_anon_copy(s, va, v->prot | SHADOWMM_PROT_USER, true, buf);
	}
	smm_free_array(buf);
	return ret;
}

/*
 * The fault at @va of the file VMA @v (__handle_mm_fault() to
 * do_fault()): @e a present PTE that forbids the access (a write to
 * the read-only page-cache page of a writable VMA: COW when private,
 * made writable and dirty when shared) or 0.
 * Counted major when the page was read from the file. Returns 0 once
 * a page is mapped, else -errno with the reason: -ENXIO for SIGBUS
 * past the file's last page, -ENOMEM (VM_FAULT_OOM), -EIO.
 */
static int smm_fault_file_page(struct smm_space *s, const struct smm_vma *v, u64 va, u64 e,
			       bool write, const char **why)
{
	u64 index = smm_vma_index_of(v, va), frame, *slot = NULL;
	unsigned int level;
	bool major = false;
	int ret;

	if (e) {
		/* do_wp_page(): the PTE maps the cached page read-only */
		slot = smm_space_entry(s, va, &level);
		if (!write || !slot || level != SHADOWMM_PT_PTE ||
		    !smm_space_pte_frame(s, e, &frame) ||
		    !smm_frame_is_file(&s->mm->frames[frame])) {
			*why = "SIGSEGV (SEGV_ACCERR): the page's entry forbids the access";
			return -EACCES;
		}
		if (v->shared) {
			/* wp_page_shared(): made writable, the page dirtied */
			smm_space_set_file_pte_write(s, slot, frame, v->prot);
			smm_filemap_mark_dirty(s->mm, frame);
			return 0;
		}
		return smm_fault_cow(s, v, va, slot, frame) ? -ENOMEM : 0;
	}
	ret = smm_space_pte_alloc(s, va, &slot);
	if (!ret)
		ret = smm_filemap_fault(v->inode, index, &frame, &major, why);
	if (ret)
		return ret;
	if (major) {
		WRITE_ONCE(s->mm->events.pgmajfault, s->mm->events.pgmajfault + 1);
		s->vm.maj_flt++;
	} else {
		s->vm.min_flt++;
	}
	if (write && v->shared) {
		/* do_shared_fault(): mapped writable and dirty, no fault-around */
		smm_space_set_file_pte_write(s, slot, frame, v->prot);
		smm_filemap_mark_dirty(s->mm, frame);
		return 0;
	}
	if (write)
		return smm_fault_cow(s, v, va, NULL, frame);
	smm_space_set_file_pte(s, slot, frame, v->prot, true);
	smm_fault_around(s, v, va);
	return 0;
}

/*
 * A fault on a file VMA: SIGBUS past the file, else the page, with
 * one OOM kill and retry on -ENOMEM as the anonymous fault does.
 */
static int smm_fault_file(struct smm_space *s, const struct smm_vma *v, u64 va, u64 e,
			  bool write, const char **why)
{
	int ret;

	if (smm_vma_index_of(v, va) >= v->inode->nr_index) {
		*why = "SIGBUS (BUS_ADRERR): access beyond the end of the file";
		return -ENXIO;
	}
	/* handle_mm_fault(): counted before it can fail */
	WRITE_ONCE(s->mm->events.pgfault, s->mm->events.pgfault + 1);
	ret = smm_fault_file_page(s, v, va, e, write, why);
	if (ret == -ENOMEM) {
		unsigned int level;
		u64 *slot;

		ret = smm_fault_oom(s, why);
		/* a failed copy may have cleared the PTE: look again */
		slot = ret ? NULL : smm_space_entry(s, va, &level);
		if (!ret)
			ret = slot ? smm_fault_file_page(s, v, va, *slot, write, why) : -EFAULT;
		if (ret == -ESRCH)
			return ret;
		if (ret == -ENOMEM)
			*why = "out of memory for the faulted page or its tables (VM_FAULT_OOM)";
	}
	return ret;
}

/* Is @e a present 4K PTE of an anonymous page (a write fault on it is do_wp_page())? */
static bool smm_fault_anon_wp(struct smm_space *s, u64 e)
{
	u64 frame;

	return smm_space_pte_frame(s, e, &frame) &&
	       (smm_frame_data(&s->mm->frames[frame]) & SMM_ANON_BIT);
}

/*
 * A write to the read-only anonymous page @e maps at @va of the
 * writable VMA @v (after fork, fork.c): do_wp_page(), with one OOM
 * kill and retry on -ENOMEM. A minor fault.
 */
static int smm_fault_wp(struct smm_space *s, const struct smm_vma *v, u64 va, u64 e,
			const char **why)
{
	unsigned int level;
	u64 *slot, frame;
	int ret;

	WRITE_ONCE(s->mm->events.pgfault, s->mm->events.pgfault + 1);
	slot = smm_space_entry(s, va, &level);
	if (!slot || level != SHADOWMM_PT_PTE || !smm_space_pte_frame(s, e, &frame))
		return -EFAULT;
	ret = smm_do_wp_page(s, va, slot, frame, v->prot | SHADOWMM_PROT_USER, why);
	if (ret == -ENOMEM) {
		ret = smm_fault_oom(s, why);
		slot = ret ? NULL : smm_space_entry(s, va, &level);
		if (slot && smm_space_pte_frame(s, *slot, &frame))
			ret = smm_do_wp_page(s, va, slot, frame, v->prot | SHADOWMM_PROT_USER,
					     why);
		else if (!ret)
			ret = -EFAULT;
	}
	if (!ret)
		s->vm.min_flt++;
	return ret;
}

/*
 * The fault at @va (no usable entry): the VMA decides. @e is the entry
 * found (0 when none); returns 0 once a page is mapped, else -errno
 * with the reason.
 */
static int smm_fault(struct smm_space *s, u64 va, u64 e, bool write, const char **why)
{
	const struct smm_vma *vma = smm_vma_find(s, va);
	int ret;

	if (!vma && !e) {
		*why = "SIGSEGV (SEGV_MAPERR): no mapping at the address";
		return -EFAULT;
	}
	if (vma && vma->prot == SHADOWMM_PROT_NONE) {
		*why = "SIGSEGV (SEGV_ACCERR): access to a PROT_NONE mapping";
		return -EACCES;
	}
	if (vma && write && !(vma->prot & SHADOWMM_PROT_WRITE)) {
		*why = "SIGSEGV (SEGV_ACCERR): write to a read-only mapping";
		return -EACCES;
	}
	if (vma && e && smm_pte_swap(s->fmt, SHADOWMM_PT_PTE, e)) {
		/* do_swap_page(): a major fault (swap.c) */
		WRITE_ONCE(s->mm->events.pgfault, s->mm->events.pgfault + 1);
		ret = smm_swap_fault(s, va, e, vma->prot | SHADOWMM_PROT_USER, write, why);
		if (ret == -ENOMEM) {
			const char *oom_why = *why;

			ret = smm_fault_oom(s, why);
			if (!ret)
				ret = smm_swap_fault(s, va, e, vma->prot | SHADOWMM_PROT_USER,
						     write, why);
			else if (ret == -ENOMEM)
				*why = oom_why;
		}
		return ret;
	}
	if (vma && e && write && smm_fault_anon_wp(s, e))
		return smm_fault_wp(s, vma, va, e, why);
	if (vma && vma->kind == SMM_VMA_FILE)
		return smm_fault_file(s, vma, va, e, write, why);
	if (e) {
		/* a page of SPACE_MAP that forbids this access: no VMA fixes it */
		*why = "SIGSEGV (SEGV_ACCERR): the page's entry forbids the access";
		return -EACCES;
	}
	/* handle_mm_fault(): counted before it can fail */
	WRITE_ONCE(s->mm->events.pgfault, s->mm->events.pgfault + 1);
	ret = smm_space_map_anon(s, va, vma->prot | SHADOWMM_PROT_USER, write);
	if (ret == -ENOMEM) {
		ret = smm_fault_oom(s, why);
		if (!ret)
			ret = smm_space_map_anon(s, va, vma->prot | SHADOWMM_PROT_USER, write);
		if (ret == -ESRCH)
			return ret;
	}
	if (ret) {
		*why = "out of memory for the faulted page or its tables (VM_FAULT_OOM)";
		return ret;
	}
	s->vm.min_flt++;
	return 0;
}

/*
 * faultin_page() for GUP (pin.c): the page at @va made present and
 * accessible for a read, or a @write, through the same fault as an
 * access would take (swap-in, COW break, a new page), without touching
 * its bytes. 0 when it was so already or a fault made it so; -errno
 * with the reason, as smm_space_access(). The spaces' lock held.
 */
int smm_space_fault_in(struct smm_space *s, u64 va, bool write, bool *faulted, const char **why)
{
	unsigned int level;
	u64 *slot = smm_space_entry(s, va, &level);
	int ret;

	*faulted = false;
	if (!slot) {
		*why = "the space's tables cannot be read";
		return -EFAULT;
	}
	if (*slot && smm_pte_user_access(s->fmt, *slot, write))
		return 0;
	ret = smm_fault(s, va, *slot, write, why);
	if (ret)
		return ret;
	*faulted = true;
	slot = smm_space_entry(s, va, &level);
	if (!slot || !*slot || !smm_pte_user_access(s->fmt, *slot, write)) {
		*why = "the faulted page does not allow the access";
		return -EFAULT;
	}
	return 0;
}

/*
 * Access [addr, addr + len) of @s as the CPU would, in user mode: read,
 * or write (SMM_ACCESS_WRITE) @value or the address pattern into every
 * 8-byte word. Fills @res: pages touched, faults taken, the checksum of
 * what was read, and on failure the address that failed. Returns 0, or
 * -EINVAL for a bad request, -EFAULT/-EACCES for a SIGSEGV, -ENOMEM when
 * a fault found no memory even after the OOM killer (nothing of that
 * page is left mapped), -ESRCH when the space was killed by the OOM
 * killer (before, or by this very fault), with the reason in *@why.
 */
int smm_space_access(struct smm_space *s, u64 addr, u64 len, unsigned int flags, u64 value,
		     struct smm_access *res, const char **why)
{
	bool write = flags & SMM_ACCESS_WRITE;
	u64 va = addr & ~7ULL, end, faulted = ~0ULL;
	int ret;

	memset(res, 0, sizeof(*res));
	res->csum = SMM_ACCESS_CSUM_INIT;
	*why = NULL;
	if (flags & ~(SMM_ACCESS_WRITE | SMM_ACCESS_PATTERN)) {
		*why = "unknown access flags";
		return -EINVAL;
	}
	if (!len || len > SMM_ACCESS_MAX_LEN) {
		*why = "length must be 1 byte to 1 GiB";
		return -EINVAL;
	}
	if (addr >= smm_space_limit(s) || len > smm_space_limit(s) - addr) {
		*why = "range runs past the lower half of the space's virtual addresses";
		return -EINVAL;
	}
	if (s->vm.oom_killed) {
		*why = SMM_OOM_KILLED_WHY;
		return -ESRCH;
	}
	end = (addr + len + 7) & ~7ULL;
	while (va < end) {
		u64 page_end = (va | (SMM_PAGE_SIZE - 1)) + 1, pfn, *mem;
		unsigned int level;
		u64 *slot = smm_space_entry(s, va, &level), e;

		if (!slot) {
			*why = "the space's tables cannot be read";
			ret = -EFAULT;
			goto fail;
		}
		e = *slot;
		if (!e || !smm_pte_user_access(s->fmt, e, write)) {
			/* a page just faulted in serves the retry */
			ret = WARN_ON_ONCE(faulted == va) ? -EFAULT : smm_fault(s, va, e, write, why);
			if (ret == -EFAULT && faulted == va)
				*why = "the faulted page does not allow the access";
			if (ret)
				goto fail;
			res->faults++;
			faulted = va;
			continue;	/* the CPU retries the access */
		}
		*slot = smm_pte_hw_update(s->fmt, e, write);
		/* the frame of va's page inside a leaf of any size */
		pfn = smm_pte_pfn(s->fmt, level, e) +
		      ((va & ((1ULL << smm_pt_shift(s->fmt, level)) - 1)) >> SMM_PAGE_SHIFT);
		mem = smm_space_page_map(s, pfn);
		if (!mem) {
			*why = "the page's memory cannot be reached";
			ret = -EFAULT;
			goto fail;
		}
		smm_access_page(mem, va, page_end < end ? page_end : end, flags, value, res);
		smm_space_page_unmap(s, pfn, mem);
		res->pages++;
		va = page_end;
		if (!(res->pages % 64))
			smm_cond_resched();
	}
	return 0;
fail:
	res->fault_addr = va;
	return ret;
}
