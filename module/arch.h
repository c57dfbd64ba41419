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
 * How a user reserves a range on this architecture, for the message
 * that refuses an unreserved one.
 */
#if defined(CONFIG_X86)
#define SMM_ARCH_RESERVE_HINT	"boot with memmap=SIZE$BASE"
#else
#define SMM_ARCH_RESERVE_HINT	"add a no-map reserved-memory node to the device tree"
#endif

#endif /* SMM_ARCH_H */
