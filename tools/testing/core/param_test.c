// SPDX-License-Identifier: GPL-2.0
/*
 * Range parameters: every value the module must accept or refuse.
 */
#include "harness.h"
#include "../../../module/core/param.h"

/* Suffixes are powers of 1024 in either case; hex and decimal both work. */
SMM_TEST(parse_size_accepts_suffixes)
{
	u64 v;

	ASSERT_EQ(smm_parse_size("64M", &v), 0);
	ASSERT_EQ(v, 64ULL << 20);
	ASSERT_EQ(smm_parse_size("4k", &v), 0);
	ASSERT_EQ(v, 4096);
	ASSERT_EQ(smm_parse_size("0x10000000", &v), 0);
	ASSERT_EQ(v, 0x10000000);
	ASSERT_EQ(smm_parse_size("1G", &v), 0);
	ASSERT_EQ(v, 1ULL << 30);
	ASSERT_EQ(smm_parse_size("2T", &v), 0);
	ASSERT_EQ(v, 2ULL << 40);
	ASSERT_EQ(smm_parse_size("0", &v), 0);
	ASSERT_EQ(v, 0);
}

/* Anything memparse() would half-read is refused outright. */
SMM_TEST(parse_size_refuses_garbage)
{
	static const char *const bad[] = {
		"", "M", "64MB", "64Mi", "1O0", "-1", " 64M", "64M ", "0x", "0xg", "12Q",
	};
	u64 v = 12345;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		if (smm_parse_size(bad[i], &v) != -EINVAL)
			printf("# accepted \"%s\"\n", bad[i]);
		EXPECT_EQ(smm_parse_size(bad[i], &v), -EINVAL);
	}
	ASSERT_EQ(v, 12345);
	ASSERT_EQ(smm_parse_size(NULL, &v), -EINVAL);
}

SMM_TEST(parse_size_refuses_overflow)
{
	u64 v;

	ASSERT_EQ(smm_parse_size("18446744073709551615", &v), 0);
	ASSERT_EQ(v, ~0ULL);
	ASSERT_EQ(smm_parse_size("18446744073709551616", &v), -ERANGE);
	ASSERT_EQ(smm_parse_size("0x10000000000000000", &v), -ERANGE);
	ASSERT_EQ(smm_parse_size("16777216T", &v), -ERANGE);
	ASSERT_EQ(smm_parse_size("16777215T", &v), 0);
}

/*
 * watermark_boost_factor=: a decimal from 0 to the sysctl's INT_MAX, no
 * sign, suffix or hex; nothing written on a refusal.
 */
SMM_TEST(parse_decimal_as_the_sysctl)
{
	static const char *const bad[] = { "", "-1", "+5", "0x10", "15k", "1 ", " 1", "1.5" };
	unsigned int i;
	u64 v;

	ASSERT_EQ(smm_parse_decimal("0", 2147483647, &v), 0);
	ASSERT_EQ(v, 0);
	ASSERT_EQ(smm_parse_decimal("15000", 2147483647, &v), 0);
	ASSERT_EQ(v, 15000);
	ASSERT_EQ(smm_parse_decimal("2147483647", 2147483647, &v), 0);
	ASSERT_EQ(v, 2147483647);
	v = 7;
	ASSERT_EQ(smm_parse_decimal("2147483648", 2147483647, &v), -ERANGE);
	ASSERT_EQ(smm_parse_decimal("99999999999999999999999", 2147483647, &v), -ERANGE);
	ASSERT_EQ(smm_parse_decimal("18446744073709551616", ~0ULL, &v), -ERANGE);
	ASSERT_EQ(smm_parse_decimal("1", 0, &v), -ERANGE);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		if (smm_parse_decimal(bad[i], 2147483647, &v) != -EINVAL)
			printf("# accepted \"%s\"\n", bad[i]);
		EXPECT_EQ(smm_parse_decimal(bad[i], 2147483647, &v), -EINVAL);
	}
	ASSERT_EQ(smm_parse_decimal(NULL, 2147483647, &v), -EINVAL);
	ASSERT_EQ(v, 7);
	ASSERT_EQ(smm_parse_decimal("18446744073709551615", ~0ULL, &v), 0);
	ASSERT_EQ(v, ~0ULL);
}

SMM_TEST(check_range_reasons)
{
	ASSERT_STREQ(smm_check_range(0x10000000, 0, 46), "size is zero");
	ASSERT_STREQ(smm_check_range(0x10000000, 4097, 46), "size is not page-aligned");
	ASSERT_STREQ(smm_check_range(0x10000800, 1 << 20, 46), "base is not page-aligned");
	ASSERT_STREQ(smm_check_range(1ULL << 46, 1 << 20, 46),
		     "range exceeds the CPU's physical address width");
	ASSERT_STREQ(smm_check_range((1ULL << 46) - 4096, 8192, 46),
		     "range exceeds the CPU's physical address width");
	ASSERT_STREQ(smm_check_range(~0ULL << 12, 1 << 20, 64),
		     "range exceeds the CPU's physical address width");
	ASSERT_STREQ(smm_check_size(1ULL << 40),
		     "size exceeds the descriptor format's limit");
	ASSERT_EQ(smm_check_range((1ULL << 46) - 4096, 4096, 46), NULL);
	ASSERT_EQ(smm_check_range(0x10000000, 64 << 20, 46), NULL);
}
