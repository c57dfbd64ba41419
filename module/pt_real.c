// SPDX-License-Identifier: GPL-2.0
/*
 * The real page tables as a backend of the core's walker (core/walk.h):
 * a process's, under its mmap lock, and the kernel's.
 *
 * Entries are read with the kernel's accessors, one level at a time
 * (pgd_offset(), p4d_offset(), ...), each once with READ_ONCE, and the
 * walker only descends through entries that are present tables. Nothing
 * is faulted in, split or changed.
 *
 * Process tables: the caller holds mmap_read_lock(), and only addresses
 * inside a VMA are walked; between VMAs the answer is a hole found
 * without reading a table. The read lock alone does not keep tables
 * alive: munmap() removes the VMAs under the write lock, downgrades it to
 * read (mmap_write_downgrade() in do_mas_align_munmap() on 6.1,
 * vms_complete_munmap_vmas() on 6.12) and only then frees the tables
 * (free_pgtables()), and since 6.5 khugepaged's retract_page_tables()
 * and MADV_COLLAPSE's collapse_pte_mapped_thp() free file-backed PTE
 * tables under the read lock or none at all (pte_free_defer(), after an
 * RCU grace period). What does hold:
 *  - free_pgtables() frees a table only when no VMA left in the tree
 *    overlaps what the table maps (free_pgd_range() between the floor
 *    and ceiling of the neighbouring VMAs), so every table on the path
 *    of an address inside a VMA found under the lock stays (/proc/PID/
 *    pagemap is safe for the same reason: walk_page_range() walks VMAs);
 *  - the PGD, P4D, PUD and PMD tables of a live VMA are freed only under
 *    the write lock, and a PMD that the walker reads as a table may change
 *    to huge or empty (THP collapse, split, zap; on 6.5+ also a retracted
 *    PTE table, freed after an RCU grace period), so the PTE is
 *    read with smm_pte_read_ro() (compat.h: on 6.5+ under
 *    rcu_read_lock(), the steps of the kernel's __pte_offset_map(), which
 *    is not exported), which fails unless the PMD holds the entry the
 *    walker followed both before and after the PTE is read. Either
 *    change is "the tables changed under the walk" (-EAGAIN), which user
 *    space sees as that extack.
 *
 * Kernel tables: init_mm (and its lock, which ptdump takes) is not
 * exported to modules. The kernel half of every process's PGD is the
 * kernel's own, so the walk goes through the caller's active_mm, with
 * interrupts off: freeing a kernel table (huge ioremap, memory hot
 * remove) first flushes every CPU's TLB by IPI, which cannot complete
 * while this CPU has interrupts off, the way GUP-fast keeps user tables.
 * Only CAP_SYS_ADMIN may walk them (nl_walk.c): present or not, page
 * sizes and NX across the kernel half locate the kernel under KASLR.
 * That holds on x86 only: arm64's kernel tables are not in the process's
 * PGD and are freed after a broadcast TLBI, so kernel walks are refused
 * there (module/arch.h, smm_arch_walks_kernel_tables()).
 */
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/pgtable.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "arch.h"
#include "smm.h"
#include "compat.h"
#include "core/walk.h"

/*
 * Fault injection for test_pt_race on a CONFIG_DEBUG_VM kernel only: a
 * pause (microseconds, at most 10 ms) between reading a process's PMD and
 * mapping the PTE table it points to, the window in which a table freed
 * under the walker would be used, on one PTE read in 16. Writable at run
 * time by root.
 */
#ifdef CONFIG_DEBUG_VM
static unsigned int smm_walk_delay_us;

static int smm_walk_delay_set(const char *val, const struct kernel_param *kp)
{
	unsigned int us;
	int ret = kstrtouint(val, 0, &us);

	if (ret)
		return ret;
	if (us > 10000)
		return -ERANGE;
	WRITE_ONCE(smm_walk_delay_us, us);
	return 0;
}

static const struct kernel_param_ops smm_walk_delay_ops = {
	.set = smm_walk_delay_set,
	.get = param_get_uint,
};
module_param_cb(debug_walk_delay_us, &smm_walk_delay_ops, &smm_walk_delay_us, 0644);
MODULE_PARM_DESC(debug_walk_delay_us,
		 "Pause between a process's PMD and its PTE table, in us (tests; DEBUG_VM kernels only)");

/* Every 16th PTE table a walk maps: often enough to hit, cheap enough for 10,000 walks. */
static void smm_walk_delay(void)
{
	static atomic_t n;
	unsigned int us = READ_ONCE(smm_walk_delay_us);

	if (us && !(atomic_inc_return(&n) & 15))
		usleep_range(us, us + us / 4);
}
#else
static inline void smm_walk_delay(void) { }
#endif

struct smm_pt_real {
	struct mm_struct *mm;
	bool kernel;
	pgd_t *pgd;
	p4d_t *p4d;
	pud_t *pud;
	pmd_t *pmd;
};

/*
 * The PTE of @va below the PMD entry @parent the walker followed. A
 * process's entry is read with smm_pte_read_ro() (compat.h: under
 * rcu_read_lock() on 6.5+, where PTE tables are freed with RCU), which
 * fails if the PMD does not hold @parent before and after the read: a PMD
 * that changed meanwhile (retracted, collapsed, zapped) makes the entry
 * stale, and the walk reports -EAGAIN rather than an entry of a table that
 * is no longer there.
 */
static int smm_pt_real_pte(struct smm_pt_real *r, u64 parent, u64 va, u64 *entry)
{
	pte_t pte;

	if (r->kernel) {
		*entry = pte_val(READ_ONCE(*pte_offset_kernel(r->pmd, va)));
		return 0;
	}
	smm_walk_delay();
	if (!smm_pte_read_ro(r->pmd, va, __pmd(parent), &pte))
		return -EAGAIN;
	*entry = pte_val(pte);
	return 0;
}

/* The walker's read(): one level down from the pointer kept at the last. */
static int smm_pt_real_read(void *priv, unsigned int level, u64 parent, u64 va, u64 *entry)
{
	struct smm_pt_real *r = priv;

	switch (level) {
	case SHADOWMM_PT_PGD:
		/*
		 * Under 4-level paging the P4D is folded and the walker's
		 * PGD entry is p4d_offset()'s: the PGD entry itself where
		 * the fold is the build's (arm64 6.1) or x86's (p4d_offset()
		 * returns the PGD pointer), but on arm64 with 52-bit VA
		 * folded at boot (6.12 without LPA2) pgd_offset() indexes a
		 * 16-entry table by VA bits 51:48 and the real level-0 entry
		 * is pgd_to_folded_p4d()'s, in the same page.
		 */
		r->pgd = pgd_offset(r->mm, va);
		r->p4d = p4d_offset(r->pgd, va);
		if (smm_arch_paging_levels() == 4)
			*entry = p4d_val(READ_ONCE(*r->p4d));
		else
			*entry = pgd_val(READ_ONCE(*r->pgd));
		return 0;
	case SHADOWMM_PT_P4D:
		*entry = p4d_val(READ_ONCE(*r->p4d));
		return 0;
	case SHADOWMM_PT_PUD:
		r->pud = pud_offset(r->p4d, va);
		*entry = pud_val(READ_ONCE(*r->pud));
		return 0;
	case SHADOWMM_PT_PMD:
		r->pmd = pmd_offset(r->pud, va);
		*entry = pmd_val(READ_ONCE(*r->pmd));
		return 0;
	case SHADOWMM_PT_PTE:
		return smm_pt_real_pte(r, parent, va, entry);
	}
	return -EINVAL;
}

/*
 * The walker's read_n(): @n entries of @level from @va's on, in one table.
 * A PTE table is read at once (one mapping, one PMD check for the lot);
 * other levels one entry at a time through smm_pt_real_read().
 */
static int smm_pt_real_read_n(void *priv, unsigned int level, u64 parent, u64 va,
			      unsigned int n, u64 *entries)
{
	struct smm_pt_real *r = priv;
	unsigned int i;
	pte_t *ptep;
	int ret;

	if (level != SHADOWMM_PT_PTE) {
		for (i = 0; i < n; i++) {
			ret = smm_pt_real_read(priv, level, parent,
					       va + ((u64)i << smm_pt_shift(smm_pt_real_fmt(), level)),
					       &entries[i]);
			if (ret)
				return ret;
		}
		return 0;
	}
	if (r->kernel) {
		ptep = pte_offset_kernel(r->pmd, va);
		for (i = 0; i < n; i++)
			entries[i] = pte_val(READ_ONCE(ptep[i]));
		return 0;
	}
	smm_walk_delay();
	return smm_ptes_read_ro(r->pmd, va, __pmd(parent), entries, n) ? 0 : -EAGAIN;
}

/* How many of the @n entries at @ptep are @e, @e + @step, ... in a row. */
static unsigned int smm_ptes_count_seq(pte_t *ptep, unsigned int n, u64 e, u64 step)
{
	unsigned int i;

	for (i = 0; i < n && pte_val(ptep_get(ptep + i)) == e; i++)
		e += step;
	return i;
}

/*
 * The walker's count_seq(): the leaves walk's pages that follow on, the
 * rest of a PTE table under one mapping and one PMD check, as read_n()
 * reads a batch. The check covers every entry read, however many: on
 * 6.5+ the whole count is one RCU read-side section from the PMD's first
 * read to its second (smm_pte_map_ro()), so a table retracted meanwhile
 * is not freed under the count, and the second read says whether it was
 * (-EAGAIN: the runs made from it go nowhere, the message is dropped and
 * the dump ends with "the tables changed"); on 6.1 nothing frees a PTE
 * table under the mmap read lock. The count reads each entry once and
 * writes nothing, so the section lasts some hundreds of loads.
 */
static int smm_pt_real_count_seq(void *priv, u64 parent, u64 va, unsigned int n, u64 e, u64 step,
				 unsigned int *count)
{
	struct smm_pt_real *r = priv;
	unsigned int k;
	pte_t *ptep;

	if (r->kernel) {
		*count = smm_ptes_count_seq(pte_offset_kernel(r->pmd, va), n, e, step);
		return 0;
	}
	smm_walk_delay();
	ptep = smm_pte_map_ro(r->pmd, va, __pmd(parent));
	if (!ptep)
		return -EAGAIN;
	k = smm_ptes_count_seq(ptep, n, e, step);
	if (!smm_pte_unmap_ro(r->pmd, ptep, __pmd(parent)))
		return -EAGAIN;
	*count = k;
	return 0;
}

/* The format of the running kernel's tables: its paging levels (arch.h). */
const struct smm_pt_fmt *smm_pt_real_fmt(void)
{
	return smm_pt_native(smm_arch_paging_levels());
}

/*
 * Walk @va in @mm's tables, or report a hole up to the next VMA when no
 * VMA covers it (see the top of this file). The caller holds @mm's mmap
 * read lock; @limit is the end of the user half.
 */
int smm_pt_real_walk_user(struct mm_struct *mm, u64 va, u64 limit, struct smm_walk *w)
{
	struct smm_walk_ops ops = {
		.read = smm_pt_real_read,
		.fmt = smm_pt_real_fmt(),
	};
	struct smm_pt_real r = { .mm = mm };
	struct vm_area_struct *vma;

	/* not mmap_assert_locked(): on DEBUG_VM it calls dump_mm(), not exported */
	lockdep_assert_held(&mm->mmap_lock);
	vma = find_vma(mm, va);			/* the first VMA ending above va */
	if (!vma || va < vma->vm_start) {
		smm_walk_no_vma(w, va, vma ? vma->vm_start : limit);
		return 0;
	}
	return smm_walk_va(&ops, &r, va, w);
}

/* Walk @va in the kernel's tables through the caller's active_mm. */
int smm_pt_real_walk_kernel(u64 va, struct smm_walk *w)
{
	struct smm_walk_ops ops = {
		.read = smm_pt_real_read,
		.fmt = smm_pt_real_fmt(),
	};
	struct smm_pt_real r = { .mm = current->active_mm, .kernel = true };
	unsigned long flags;
	int ret;

	if (!smm_arch_walks_kernel_tables())
		return -EOPNOTSUPP;
	local_irq_save(flags);
	ret = smm_walk_va(&ops, &r, va, w);
	local_irq_restore(flags);
	return ret;
}

/*
 * The leaves of [*@pos, @last] in @mm's tables as runs (core/walk_runs.c),
 * VMA by VMA: between VMAs nothing is read, as smm_pt_real_walk_user()
 * does. The caller holds @mm's mmap read lock. Returns 1 when the range
 * is done, 0 when @r is full or its steps are spent (*@pos goes on), or
 * -EAGAIN when the tables changed under the walk.
 */
int smm_pt_real_leaves_user(struct mm_struct *mm, u64 *pos, u64 last, struct smm_runs *r)
{
	struct smm_walk_ops ops = {
		.read = smm_pt_real_read,
		.read_n = smm_pt_real_read_n,
		.count_seq = smm_pt_real_count_seq,
		.fmt = smm_pt_real_fmt(),
	};
	struct smm_pt_real rr = { .mm = mm };
	struct vm_area_struct *vma;
	u64 end;
	int ret;

	lockdep_assert_held(&mm->mmap_lock);
	for (;;) {
		vma = find_vma(mm, *pos);
		if (!vma || vma->vm_start > last)
			return 1;
		if (*pos < vma->vm_start)
			*pos = vma->vm_start;
		end = min_t(u64, last, vma->vm_end - 1);
		ret = smm_walk_leaves(&ops, &rr, pos, end, r);
		if (ret <= 0 || end == last)
			return ret;
		*pos = vma->vm_end;
	}
}

/* Kernel entries read with interrupts off at a time (see the top of this file). */
#define SMM_PT_KERNEL_CHUNK	512U

/*
 * The leaves of [*@pos, @last] in the kernel's tables, as
 * smm_pt_real_walk_kernel() reads them, with interrupts off for at most
 * SMM_PT_KERNEL_CHUNK entries at a time. Returns as smm_walk_leaves().
 */
int smm_pt_real_leaves_kernel(u64 *pos, u64 last, struct smm_runs *r)
{
	struct smm_walk_ops ops = {
		.read = smm_pt_real_read,
		.read_n = smm_pt_real_read_n,
		.count_seq = smm_pt_real_count_seq,
		.fmt = smm_pt_real_fmt(),
	};
	struct smm_pt_real rr = { .mm = current->active_mm, .kernel = true };
	unsigned int steps = r->steps, chunk;
	unsigned long flags;
	int ret;

	if (!smm_arch_walks_kernel_tables())
		return -EOPNOTSUPP;
	while (steps) {
		chunk = min(steps, SMM_PT_KERNEL_CHUNK);
		r->steps = chunk;
		local_irq_save(flags);
		ret = smm_walk_leaves(&ops, &rr, pos, last, r);
		local_irq_restore(flags);
		steps -= chunk - r->steps;
		if (ret || r->steps)		/* done, failed, or run[] full */
			return ret;
		cond_resched();
	}
	return 0;
}

/*
 * debugfs pt_kbuf (root only): kernel addresses for the walker's tests
 * and the physical address each must walk to, one "name va phys" line
 * each: a kmalloc'ed buffer (direct map, virt_to_phys()) and a static
 * buffer of the module (module area, vmalloc_to_pfn()).
 */
static void *smm_pt_kbuf;
static u8 smm_pt_modbuf[64];

static int smm_pt_kbuf_show(struct seq_file *m, void *v)
{
	seq_printf(m, "kmalloc %px %#llx\n", smm_pt_kbuf, (u64)virt_to_phys(smm_pt_kbuf));
	seq_printf(m, "module %px %#llx\n", smm_pt_modbuf,
		   (u64)PFN_PHYS(vmalloc_to_pfn(smm_pt_modbuf)) + offset_in_page(smm_pt_modbuf));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(smm_pt_kbuf);

void smm_pt_debugfs_init(struct dentry *dir)
{
	smm_pt_kbuf = kmalloc(64, GFP_KERNEL);
	if (smm_pt_kbuf)
		debugfs_create_file("pt_kbuf", 0400, dir, NULL, &smm_pt_kbuf_fops);
}

/* After the debugfs files are gone. */
void smm_pt_debugfs_exit(void)
{
	kfree(smm_pt_kbuf);
	smm_pt_kbuf = NULL;
}
