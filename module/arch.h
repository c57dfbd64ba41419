/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What differs between the architectures the module builds for (x86_64,
 * arm64), each behind a small inline function named for what it does.
 * This is the only place in the glue that tests CONFIG_X86 or
 * CONFIG_ARM64: the code around it reads the same on both. Kernel-version
 * differences live elsewhere (they are not architectures).
 */
#ifndef SMM_ARCH_H
#define SMM_ARCH_H

#include <linux/ioport.h>
#include <linux/mm.h>
#include <linux/types.h>

#if defined(CONFIG_X86)
#include <asm/pgtable.h>
#include <asm/processor.h>
#elif defined(CONFIG_ARM64)
#include <asm/cpufeature.h>
#include <asm/sysreg.h>
#else
#error "shadowmm: only x86_64 and arm64 are supported (see module/arch.h)"
#endif

/*
 * Bits of physical address the CPUs implement: a range ending above
 * 1 << this cannot be RAM or a reserved range. x86: CPUID's count, which
 * the kernel keeps in boot_cpu_data. arm64: the PARange field of
 * ID_AA64MMFR0_EL1, as the kernel sanitised it over every CPU (the
 * smallest any of them has), turned into bits as the kernel does.
 */
static inline unsigned int smm_arch_phys_bits(void)
{
#if defined(CONFIG_X86)
	return boot_cpu_data.x86_phys_bits;
#else
	u64 mmfr0 = read_sanitised_ftr_reg(SYS_ID_AA64MMFR0_EL1);

	return id_aa64mmfr0_parange_to_phys_shift(
		cpuid_feature_extract_unsigned_field(mmfr0,
						     ID_AA64MMFR0_EL1_PARANGE_SHIFT));
#endif
}

/*
 * Levels of the running kernel's page tables. x86: 5 only where the CPU
 * has la57 and the kernel enabled it, decided at boot. arm64: up to
 * CONFIG_PGTABLE_LEVELS, the kernel's build. Debian's 6.1 builds 4 (48-bit
 * VA, 4 KiB pages). Debian's 6.12 builds 5 (52-bit VA with LPA2), and
 * folds the top level at boot when the CPU lacks FEAT_LPA2: it then runs
 * 48-bit VA on 4 levels, entries without LPA2's OA[51:50] in bits 9:8
 * (the SH field is back). pgtable_l5_enabled() says which, from the
 * ARM64_HAS_VA52 capability (or TCR_EL1.T1SZ before capabilities are
 * final), usable from a module; with 4 KiB pages Linux enables LPA2
 * exactly when it enables 52-bit VA, so the level count also picks the
 * descriptor format (core/pgtable.h, smm_pt_native()).
 */
static inline unsigned int smm_arch_paging_levels(void)
{
#if defined(CONFIG_X86) || CONFIG_PGTABLE_LEVELS > 4
	return pgtable_l5_enabled() ? 5 : 4;
#else
	return CONFIG_PGTABLE_LEVELS;
#endif
}

/* The core decodes arm64's 4 KiB granule only (core/pgtable_arm64.h). */
#if defined(CONFIG_ARM64) && !defined(CONFIG_ARM64_4K_PAGES)
#error "shadowmm: arm64 kernels with 16 KiB or 64 KiB pages are not supported (core/pgtable_arm64.h)"
#endif

/*
 * Walks of a process's tables need nothing of the architecture beyond the
 * core's decoder (x86 and arm64 both): they follow VMAs under the mmap
 * read lock and map PTE tables with pte_offset_map_lock() (pt_real.c).
 *
 * May the kernel's own tables be walked here? x86: yes, through the
 * caller's active_mm with interrupts off (pt_real.c): the kernel half of
 * every PGD is the kernel's, and a kernel table is freed only after a TLB
 * flush by IPI, which waits for this CPU. arm64: no. The kernel's tables
 * hang off TTBR1 (swapper_pg_dir), not off a process's PGD, and neither
 * swapper_pg_dir nor init_mm is exported to modules; and arm64 frees
 * kernel tables after a broadcast TLBI instruction, which does not wait
 * for any CPU: pmd_free_pte_page() and pud_free_pmd_page() (a huge
 * vmap/ioremap over a range that had smaller pages) clear the entry,
 * call __flush_tlb_kernel_pgtable() and free the table at once, and
 * memory hot remove (free_empty_tables()) does the same. A walker with
 * interrupts off can still be reading that table, and the module has no
 * lock those paths take. So kernel walks are refused on arm64 with
 * -EOPNOTSUPP (nl_walk.c); see Documentation/pagetables.md.
 */
static inline bool smm_arch_walks_kernel_tables(void)
{
	return IS_ENABLED(CONFIG_X86);
}

#define SMM_ARCH_NO_KERNEL_WALK_WHY \
	"walking the kernel's tables is not supported on this architecture (arm64 frees kernel page tables without waiting for readers)"

#if defined(CONFIG_ARM64) && !defined(PTE_PRESENT_INVALID)
/*
 * The core decodes entries that are not valid (PROT_NONE, THP being
 * split, swap) in Linux 6.1's arm64 encoding when the kernel has no
 * PTE_PRESENT_INVALID (core/pgtable.h, SMM_PT_NATIVE_4). Check here, at
 * build time against the kernel's headers, that it is that encoding.
 */
static_assert(PTE_PROT_NONE == BIT_ULL(58) && PMD_PRESENT_INVALID == BIT_ULL(59) &&
	      __SWP_TYPE_SHIFT == 3 && __SWP_OFFSET_SHIFT == 8,
	      "arm64 kernel without PTE_PRESENT_INVALID but not 6.1's encoding");
#endif

/*
 * The descriptor of a reserved range's resources in /proc/iomem. x86:
 * memmap=nn$ss and the firmware's e820 "Reserved" ranges are
 * IORES_DESC_RESERVED. arm64: a no-map reserved-memory node of the device
 * tree becomes a top-level "reserved" resource with no descriptor
 * (request_standard_resources()), like device windows, so
 * smm_arch_range_is_unmapped_ram() tells the two apart.
 */
static inline unsigned long smm_arch_reserved_desc(void)
{
	return IS_ENABLED(CONFIG_X86) ? IORES_DESC_RESERVED : IORES_DESC_NONE;
}

/*
 * Is every page of [base, base + size) memory that the kernel knows
 * (it has a struct page) but left out of its linear map? arm64: that is
 * what no-map means, and a device window or a hole is not. x86: the
 * resource's descriptor already said reserved; nothing more to ask.
 * Called once per load: a pfn at a time, each a memblock lookup.
 */
static inline bool smm_arch_range_is_unmapped_ram(u64 base, u64 size)
{
#if defined(CONFIG_X86)
	return true;
#else
	unsigned long pfn, end = PHYS_PFN(base + size);

	for (pfn = PHYS_PFN(base); pfn < end; pfn++) {
		if (!pfn_valid(pfn) || pfn_is_map_memory(pfn))
			return false;
	}
	return true;
#endif
}

/*
 * How a user reserves a range on this architecture, for the message
 * that refuses an unreserved one.
 */
#if defined(CONFIG_X86)
#define SMM_ARCH_RESERVE_HINT	"boot with memmap=SIZE$BASE"
#else
#define SMM_ARCH_RESERVE_HINT	"add a no-map reserved-memory node to the device tree"
#endif

#endif /* SMM_ARCH_H */
