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
 * has la57 and the kernel enabled it, decided at boot. arm64: fixed when
 * the kernel was built (CONFIG_PGTABLE_LEVELS: 4 on Debian's 6.1, 48-bit
 * VA with 4 KiB pages).
 */
static inline unsigned int smm_arch_paging_levels(void)
{
#if defined(CONFIG_X86)
	return pgtable_l5_enabled() ? 5 : 4;
#else
	return CONFIG_PGTABLE_LEVELS;
#endif
}

/*
 * Can the core decode this architecture's page-table entries, so that
 * walks of the real tables (a process's, the kernel's) mean something?
 * The core's decoder (core/pgtable.h) knows x86's format only; on arm64
 * such walks are refused with -EOPNOTSUPP until an arm64 decoder is in
 * the core. Walks of a space (the core's own tables) work everywhere.
 */
static inline bool smm_arch_walks_real_tables(void)
{
	return IS_ENABLED(CONFIG_X86);
}

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
