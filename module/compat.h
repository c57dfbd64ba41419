/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel-API differences between the kernels shadowmm is built for
 * (Debian's 6.1 and 6.12), each behind a small function or macro named
 * for what it does, so that the code around it reads the same on both.
 * LINUX_VERSION_CODE is tested here and nowhere else: a new kernel that
 * changes an interface adds its case here.
 *
 *   smm_genl_dump_attrs(cb)    a dump request's parsed attributes
 *   smm_pte_map_ro(pmdp, addr, expect), smm_pte_unmap_ro(pmdp, ptep, expect)
 *                              a process's PTE table mapped for reading, if
 *                              the PMD points to that table before and after
 *   smm_ptes_read_ro(pmdp, addr, expect, vals, n)
 *                              n entries of it so (smm_pte_read_ro(): one)
 *   get/put_unaligned_le64()   through the header that has them
 *   smm_assign_str(dst, src)   a trace event's __string() field filled
 *   SMM_HAVE_STACKDEPOT        page_owner's stacks can be saved
 */
#ifndef _SMM_COMPAT_H
#define _SMM_COMPAT_H

#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/rcupdate.h>
#include <linux/seq_file.h>
#include <linux/version.h>
#include <net/genetlink.h>

/* 6.12 moved asm/unaligned.h to linux/unaligned.h ("move asm/unaligned.h to linux/unaligned.h"). */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/*
 * page_owner's stacks (page_owner.c): stack_trace_save(), stack_depot_init(),
 * stack_depot_save() and stack_depot_snprint() have the same signatures
 * in 6.1 and 6.12 and are exported (GPL) by both; Debian builds both with
 * CONFIG_STACKDEPOT=y and CONFIG_STACKTRACE=y. A kernel without either
 * records no stacks: every record says "stack unavailable".
 */
#if IS_ENABLED(CONFIG_STACKDEPOT) && IS_ENABLED(CONFIG_STACKTRACE)
#define SMM_HAVE_STACKDEPOT	1
#include <linux/stackdepot.h>
#include <linux/stacktrace.h>
#endif

/* 6.2 added DEFINE_SHOW_STORE_ATTRIBUTE(): DEFINE_SHOW_ATTRIBUTE() with NAME_write(). */
#ifndef DEFINE_SHOW_STORE_ATTRIBUTE
#define DEFINE_SHOW_STORE_ATTRIBUTE(__name)				\
static int __name ## _open(struct inode *inode, struct file *file)	\
{									\
	return single_open(file, __name ## _show, inode->i_private);	\
}									\
									\
static const struct file_operations __name ## _fops = {			\
	.owner		= THIS_MODULE,					\
	.open		= __name ## _open,				\
	.read		= seq_read,					\
	.write		= __name ## _write,				\
	.llseek		= seq_lseek,					\
	.release	= single_release,				\
}
#endif

/*
 * The attributes of a dump request, parsed and validated against the
 * op's policy by genetlink before the first dumpit call. 6.6 moved them
 * from struct genl_dumpit_info into the struct genl_info it now carries
 * (genl_info_dump()).
 */
static inline struct nlattr **smm_genl_dump_attrs(struct netlink_callback *cb)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
	return genl_info_dump(cb)->attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

/*
 * Is @pmd a PMD that points to a PTE table? Not empty, not a huge page
 * (present, PROT_NONE or a device mapping), not a migration or other swap
 * entry, not corrupt: the checks __pte_offset_map() makes on 6.5+, minus
 * pmd_clear_bad(): shadowmm never writes a table it does not own.
 */
static inline bool smm_pmd_is_pte_table(pmd_t pmd)
{
	return !pmd_none(pmd) && pmd_present(pmd) && !pmd_trans_huge(pmd) &&
	       !pmd_devmap(pmd) && !pmd_bad(pmd);
}

/*
 * smm_pte_map_ro() - map the PTE table *@pmdp points to, at @addr's
 * entry, if *@pmdp holds @expect (the PMD the walker read and followed):
 * the mapping, or NULL when the PMD changed (or is no PTE table). Entries
 * read through it count only if smm_pte_unmap_ro() then says the PMD
 * still holds @expect: a read-only snapshot, no PTE lock, checked by the
 * PMD's second read. The caller holds the mmap read lock and walks only
 * inside a VMA (pt_real.c), so neither munmap() nor exit frees the table;
 * what else may happen differs:
 *
 * 6.5+ ("allow pte_offset_map[_lock]() to fail"): khugepaged's
 *   retract_page_tables() and MADV_COLLAPSE's collapse_pte_mapped_thp()
 *   clear a PMD under the PMD and PTE locks with the mmap lock held for
 *   read or not at all, and free the PTE table after an RCU grace period
 *   (pte_free_defer()). The kernel maps a table with __pte_offset_map():
 *   rcu_read_lock(), the PMD read once, no table unless it is one,
 *   pte_unmap() drops the RCU lock. 6.12 exports none of
 *   __pte_offset_map(), __pte_offset_map_lock() or pte_offset_map_nolock()
 *   (pte_offset_map_ro_nolock() comes in 6.13, not exported either), so
 *   this does the same steps with the inlines (pmdp_get_lockless(),
 *   __pte_map(), pte_unmap()), the pte_offset_map_ro_nolock() way: the
 *   table read stays a valid (maybe disconnected) table until pte_unmap().
 *   Between the two the caller is in an RCU read-side section: no sleep.
 *
 * 6.1: PTE tables are freed only under the mmap write lock (collapse,
 *   retract_page_tables() with mmap_write_trylock()) or once their VMA is
 *   gone (free_pgtables()); under the read lock a PMD inside a VMA that
 *   points to a PTE table keeps pointing to it. pte_offset_map() is
 *   pte_offset_kernel() there (no HIGHPTE on 64-bit), pte_unmap() a no-op,
 *   and there is no pmdp_get_lockless() (a 64-bit PMD is one load).
 */
static inline pte_t *smm_pte_map_ro(pmd_t *pmdp, unsigned long addr, pmd_t expect)
{
	pmd_t pmdval;

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)
	rcu_read_lock();
	pmdval = pmdp_get_lockless(pmdp);
	if (!pmd_same(pmdval, expect) || !smm_pmd_is_pte_table(pmdval)) {
		rcu_read_unlock();
		return NULL;
	}
	return __pte_map(&pmdval, addr);
#else
	pmdval = READ_ONCE(*pmdp);
	if (!pmd_same(pmdval, expect) || !smm_pmd_is_pte_table(pmdval))
		return NULL;
	return pte_offset_map(&pmdval, addr);
#endif
}

/*
 * smm_pte_unmap_ro() - end smm_pte_map_ro()'s mapping @ptep: true when
 * *@pmdp still holds @expect, so the entries read through it were the
 * table's the PMD points to.
 */
static inline bool smm_pte_unmap_ro(pmd_t *pmdp, pte_t *ptep, pmd_t expect)
{
	bool same;

	smp_rmb();			/* the entries before the PMD's second read */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)
	same = pmd_same(pmdp_get_lockless(pmdp), expect);
#else
	same = pmd_same(READ_ONCE(*pmdp), expect);
#endif
	pte_unmap(ptep);		/* 6.5+: and rcu_read_unlock() */
	return same;
}

/*
 * smm_ptes_read_ro() - read @n entries from @addr's on in the PTE table
 * *@pmdp points to (all in that table) into @vals, under one
 * smm_pte_map_ro() and its check: false when the PMD changed.
 */
static inline bool smm_ptes_read_ro(pmd_t *pmdp, unsigned long addr, pmd_t expect, u64 *vals,
				    unsigned int n)
{
	pte_t *ptep = smm_pte_map_ro(pmdp, addr, expect);
	unsigned int i;

	if (!ptep)
		return false;
	for (i = 0; i < n; i++)
		vals[i] = pte_val(ptep_get(ptep + i));
	return smm_pte_unmap_ro(pmdp, ptep, expect);
}

/* smm_pte_read_ro() - the one entry of @addr, as smm_ptes_read_ro() reads n. */
static inline bool smm_pte_read_ro(pmd_t *pmdp, unsigned long addr, pmd_t expect, pte_t *val)
{
	u64 v;

	if (!smm_ptes_read_ro(pmdp, addr, expect, &v, 1))
		return false;
	*val = __pte(v);
	return true;
}

/*
 * 6.10 dropped __assign_str()'s source argument: the field's __string()
 * names it ("tracing: Remove __assign_str() second parameter"). Only a
 * trace event's TP_fast_assign() expands this, where __assign_str() is
 * defined (trace_shadowmm.h).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
#define smm_assign_str(dst, src)	__assign_str(dst)
#else
#define smm_assign_str(dst, src)	__assign_str(dst, src)
#endif

#endif /* _SMM_COMPAT_H */
