// SPDX-License-Identifier: GPL-2.0
/*
 * Range parameters: "base=0x10000000 size=64M".
 */
#include "param.h"
#include "frame.h"

static int smm_digit(char c, unsigned int radix)
{
	unsigned int d;

	if (c >= '0' && c <= '9')
		d = c - '0';
	else if (c >= 'a' && c <= 'f')
		d = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		d = c - 'A' + 10;
	else
		return -1;
	return d < radix ? (int)d : -1;
}

static int smm_suffix_shift(const char *s)
{
	static const char suffixes[] = "KMGT";
	unsigned int i;

	if (!*s)
		return 0;
	for (i = 0; suffixes[i]; i++) {
		if ((s[0] == suffixes[i] || s[0] == suffixes[i] + ('a' - 'A')) && !s[1])
			return 10 * (i + 1);
	}
	return -1;
}

/*
 * Parse a number in decimal or 0x-hex with an optional K/M/G/T suffix
 * (powers of 1024, as the kernel's memparse()). Unlike memparse(),
 * anything left over is an error: "64Mb" or "1O0" must not load a range
 * of a size the user did not ask for.
 */
int smm_parse_size(const char *s, u64 *out)
{
	unsigned int radix = 10;
	u64 v = 0;
	int d, shift;

	if (!s || !*s)
		return -EINVAL;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		radix = 16;
		s += 2;
	}
	if (smm_digit(*s, radix) < 0)
		return -EINVAL;
	for (; (d = smm_digit(*s, radix)) >= 0; s++) {
		if (v > (~0ULL - d) / radix)
			return -ERANGE;
		v = v * radix + d;
	}
	shift = smm_suffix_shift(s);
	if (shift < 0)
		return -EINVAL;
	if (shift && v > (~0ULL >> shift))
		return -ERANGE;
	*out = v << shift;
	return 0;
}

/*
 * A whole number in decimal, at most @max: what a sysctl such as
 * vm.watermark_boost_factor takes (proc_dointvec_minmax() with a floor
 * of 0). No sign, no suffix, no hex, nothing left over: -EINVAL;
 * above @max: -ERANGE. *@out is written only on success.
 */
int smm_parse_decimal(const char *s, u64 max, u64 *out)
{
	u64 v = 0;
	int d;

	if (!s || smm_digit(*s, 10) < 0)
		return -EINVAL;
	for (; (d = smm_digit(*s, 10)) >= 0; s++) {
		if (v > (max - d) / 10 || v * 10 + d > max)
			return -ERANGE;
		v = v * 10 + d;
	}
	if (*s)
		return -EINVAL;
	*out = v;
	return 0;
}

/* The size rules shared by both backing modes; NULL when acceptable. */
const char *smm_check_size(u64 size)
{
	if (!size)
		return "size is zero";
	if (size & (SMM_PAGE_SIZE - 1))
		return "size is not page-aligned";
	if ((size >> SMM_PAGE_SHIFT) >= SMM_MAX_SPAN_FRAMES)
		return "size exceeds the descriptor format's limit";
	return NULL;
}

/*
 * Check a reserved range against what the CPU can address. Whether the
 * machine actually reserved it is the glue's question (the resource tree).
 */
const char *smm_check_range(u64 base, u64 size, unsigned int phys_bits)
{
	const char *why = smm_check_size(size);
	u64 limit = phys_bits >= 64 ? ~0ULL : (1ULL << phys_bits);

	if (why)
		return why;
	if (base & (SMM_PAGE_SIZE - 1))
		return "base is not page-aligned";
	if (base + size < base || base >= limit || size > limit - base)
		return "range exceeds the CPU's physical address width";
	return NULL;
}
