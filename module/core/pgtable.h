/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Page-table formats: what the walker needs to know of one architecture's
 * tables, as a small description (struct smm_pt_fmt) plus one header per
 * architecture with its entry layout, like the kernel's
 * arch/<arch>/include/asm/pgtable*.h:
 *
 *   pgtable_x86.h     x86-64, 4-level (48-bit VA) and 5-level (57-bit VA)
 *   pgtable_arm64.h   arm64 with the 4 KiB granule, 48-bit VA (4 levels)
 *                     and 52-bit VA with LPA2 (5 levels), as Linux 6.1 and
 *                     Linux 6.10+ encode the entries that are not valid
 *
 * Every format is compiled everywhere (the user-space tests decode arm64
 * tables on an x86 host); the module walks real tables in its own
 * architecture's format, and the shadow spaces use that format too
 * (smm_pt_native()).
 *
 * Levels are named as the uapi names them (SHADOWMM_PT_PGD .. PTE). With 4
 * levels the P4D is folded into the PGD on both architectures; arm64's
 * lookup levels -1..3 are PGD, P4D, PUD, PMD, PTE with 5 levels and PGD,
 * PUD, PMD, PTE (0..3) with 4. Every table has 512 entries of 8 bytes
 * except arm64's 52-bit top table (level -1), which has 16: the top table
 * holds as many entries as the virtual address bits above it ask for.
 */
#ifndef _SMM_CORE_PGTABLE_H
#define _SMM_CORE_PGTABLE_H

#include "env.h"

#define SMM_PT_ENTRIES		512
#define SMM_PT_MAX_LEVELS	__SHADOWMM_PT_CNT

enum smm_pt_arch {
	SMM_PT_X86_64 = 1,
	SMM_PT_ARM64,
};

/*
 * How Linux encodes arm64 entries that are not valid. It changed in 6.10
 * ("arm64/mm: Remove PTE_PROT_NONE bit", uffd-wp swap bit): PROT_NONE went
 * from bit 58 to "present-invalid" (nG with valid clear) and the swap type
 * and offset moved up. x86's encodings did not change between 6.1 and 6.12.
 */
enum smm_pt_enc {
	SMM_PT_ENC_X86 = 1,
	SMM_PT_ENC_ARM64_V61,		/* 6.1 .. 6.9 */
	SMM_PT_ENC_ARM64_V610,		/* 6.10 and later (6.12) */
};

/* One page-table format: an architecture, its paging mode, Linux's encodings. */
struct smm_pt_fmt {
	const char *name;
	u8 arch;			/* enum smm_pt_arch */
	u8 enc;				/* enum smm_pt_enc */
	u8 levels;			/* 4 or 5 */
	u8 va_bits;			/* x86: 48, 57; arm64: 48, 52 */
	u8 pa_bits;			/* bits of a frame's physical address */
	bool lpa2;			/* arm64: OA[51:50] in bits 9:8 (no SH field) */
};

extern const struct smm_pt_fmt smm_pt_x86_48, smm_pt_x86_57;
extern const struct smm_pt_fmt smm_pt_arm64_v61_48, smm_pt_arm64_v61_52;
extern const struct smm_pt_fmt smm_pt_arm64_v610_48, smm_pt_arm64_v610_52;

#include "pgtable_x86.h"
#include "pgtable_arm64.h"

/*
 * The format this build runs on, by paging levels: x86-64, or arm64 with
 * 5 levels meaning 52-bit VA with LPA2 (Linux enables LPA2 with 4 KiB
 * pages only together with 52-bit VA). The module tells Linux's arm64
 * encodings apart by the macros the kernel defines (PTE_PRESENT_INVALID
 * exists from 6.10), not by version number; user-space builds pick the
 * host's architecture, with 6.10+ encodings on arm64.
 */
#if defined(CONFIG_ARM64) || (!defined(__KERNEL__) && defined(__aarch64__))
#if defined(__KERNEL__) && !defined(PTE_PRESENT_INVALID)
#define SMM_PT_NATIVE_4		smm_pt_arm64_v61_48
#define SMM_PT_NATIVE_5		smm_pt_arm64_v61_52
#else
#define SMM_PT_NATIVE_4		smm_pt_arm64_v610_48
#define SMM_PT_NATIVE_5		smm_pt_arm64_v610_52
#endif
#else
#define SMM_PT_NATIVE_4		smm_pt_x86_48
#define SMM_PT_NATIVE_5		smm_pt_x86_57
#endif

static inline const struct smm_pt_fmt *smm_pt_native(unsigned int levels)
{
	return levels == 5 ? &SMM_PT_NATIVE_5 : &SMM_PT_NATIVE_4;
}

/*
 * Bits of address one entry of @level maps: 12 + 9 per level below it.
 * Under 4-level paging P4D is folded into the PGD, whose entries then
 * map what a P4D entry would (PGDIR_SHIFT is 39, not 48).
 */
static inline unsigned int smm_pt_shift(const struct smm_pt_fmt *f, unsigned int level)
{
	if (level == SHADOWMM_PT_PGD && f->levels == 4)
		level = SHADOWMM_PT_P4D;
	return SMM_PAGE_SHIFT + 9 * (SHADOWMM_PT_PTE - level);
}

/* The level below @level: PGD is followed by PUD when P4D is folded. */
static inline unsigned int smm_pt_next(const struct smm_pt_fmt *f, unsigned int level)
{
	return level == SHADOWMM_PT_PGD && f->levels == 4 ? SHADOWMM_PT_PUD : level + 1;
}

/* Entries in a table of @level: 512, or what the VA bits leave for the top. */
static inline unsigned int smm_pt_entries(const struct smm_pt_fmt *f, unsigned int level)
{
	if (level == SHADOWMM_PT_PGD)
		return 1U << (f->va_bits - smm_pt_shift(f, level));
	return SMM_PT_ENTRIES;
}

static inline unsigned int smm_pt_index(const struct smm_pt_fmt *f, unsigned int level, u64 va)
{
	return (va >> smm_pt_shift(f, level)) & (smm_pt_entries(f, level) - 1);
}

static inline unsigned int smm_pt_va_bits(const struct smm_pt_fmt *f)
{
	return f->va_bits;
}

/*
 * Can @va be translated at all? x86-64: sign-extended from the top VA bit.
 * arm64: the bits above the VA size all 0 (TTBR0, user) or all 1 (TTBR1,
 * kernel); the top byte is not ignored here (no TBI).
 */
static inline bool smm_pt_canonical(const struct smm_pt_fmt *f, u64 va)
{
	unsigned int unused = 64 - f->va_bits;

	if (f->arch == SMM_PT_ARM64) {
		u64 top = va >> f->va_bits;

		return !top || top == (~0ULL >> f->va_bits);
	}
	return (u64)((s64)(va << unused) >> unused) == va;
}

/*
 * First address past the user half: x86-64's lower canonical half
 * (2^47, 2^56), arm64's TTBR0 range (2^48, 2^52).
 */
static inline u64 smm_pt_user_limit(const struct smm_pt_fmt *f)
{
	return f->arch == SMM_PT_ARM64 ? 1ULL << f->va_bits : 1ULL << (f->va_bits - 1);
}

/*
 * Entry decoding (walk.c), dispatched on the format:
 *  present:  valid for the hardware (x86 P, arm64 bit 0);
 *  protnone: PROT_NONE as Linux encodes it (not valid, still mapped);
 *  swap:     a swap/migration entry (not empty, neither of the above);
 *  leaf:     the walk stops here (a page, a block, or not valid);
 *  bad:      a valid entry the hardware would fault on as a translation
 *            fault or could not use (a block at a level without blocks,
 *            arm64's reserved type at level 3): reported, never followed;
 *  pfn:      the frame a leaf or table points to.
 */
bool smm_pte_present(const struct smm_pt_fmt *f, u64 e);
bool smm_pte_protnone(const struct smm_pt_fmt *f, unsigned int level, u64 e);
bool smm_pte_swap(const struct smm_pt_fmt *f, unsigned int level, u64 e);
bool smm_pte_leaf(const struct smm_pt_fmt *f, unsigned int level, u64 e);
bool smm_pte_bad(const struct smm_pt_fmt *f, unsigned int level, u64 e);
u64 smm_pte_pfn(const struct smm_pt_fmt *f, unsigned int level, u64 e);
unsigned int smm_swp_type(const struct smm_pt_fmt *f, u64 e);
u64 smm_swp_offset(const struct smm_pt_fmt *f, u64 e);
u64 smm_swp_entry(const struct smm_pt_fmt *f, unsigned int type, u64 offset);
u32 smm_pte_flags(const struct smm_pt_fmt *f, unsigned int level, u64 e);
u64 smm_pte_make(const struct smm_pt_fmt *f, unsigned int level, u64 pfn, unsigned int prot,
		 bool leaf);

/*
 * The shadow MMU's view of a present leaf (fault.c): may a user-mode
 * data access (a write with @write) use it without a fault, and the
 * entry once the access went through, with the accessed bit set and on
 * a write the dirty state, as the hardware records them.
 */
bool smm_pte_user_access(const struct smm_pt_fmt *f, u64 e, bool write);
u64 smm_pte_hw_update(const struct smm_pt_fmt *f, u64 e, bool write);

#endif /* _SMM_CORE_PGTABLE_H */
