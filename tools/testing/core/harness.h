/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small test harness for the user-space build of the core, in the
 * spirit of kselftest_harness.h: tests register themselves, run in order
 * and report TAP 13. ASSERT_* stops the test, EXPECT_* lets it go on;
 * both say what was expected and what was seen.
 */
#ifndef _SMM_TEST_HARNESS_H
#define _SMM_TEST_HARNESS_H

#include <inttypes.h>
#include <stdio.h>

struct smm_test {
	const char *name;
	void (*fn)(struct smm_test *t);
	int failed;
	struct smm_test *next;
};

void smm_test_register(struct smm_test *t);
extern unsigned long smm_user_warnings;

#define SMM_TEST(name)							\
	static void name(struct smm_test *_t);				\
	static struct smm_test _t_##name = { #name, name, 0, NULL };	\
	static void __attribute__((constructor)) _reg_##name(void)	\
	{								\
		smm_test_register(&_t_##name);				\
	}								\
	static void name(struct smm_test *_t)

#define _SMM_CMP(a, op, b, fatal) do {					\
	uint64_t _a = (uint64_t)(a), _b = (uint64_t)(b);		\
	if (!(_a op _b)) {						\
		printf("# %s:%d: expected %s %s %s (0x%" PRIx64 " %s 0x%" PRIx64 ")\n", \
		       __FILE__, __LINE__, #a, #op, #b, _a, #op, _b);	\
		_t->failed = 1;						\
		if (fatal)						\
			return;						\
	}								\
} while (0)

#define ASSERT_EQ(a, b)		_SMM_CMP(a, ==, b, 1)
#define ASSERT_NE(a, b)		_SMM_CMP(a, !=, b, 1)
#define ASSERT_LE(a, b)		_SMM_CMP(a, <=, b, 1)
#define ASSERT_LT(a, b)		_SMM_CMP(a, <, b, 1)
#define ASSERT_GE(a, b)		_SMM_CMP(a, >=, b, 1)
#define ASSERT_TRUE(a)		_SMM_CMP(!!(a), ==, 1, 1)
#define ASSERT_FALSE(a)		_SMM_CMP(!!(a), ==, 0, 1)
#define EXPECT_EQ(a, b)		_SMM_CMP(a, ==, b, 0)
#define EXPECT_TRUE(a)		_SMM_CMP(!!(a), ==, 1, 0)

#define ASSERT_STREQ(a, b) do {						\
	const char *_a = (a), *_b = (b);				\
	if (!_a || !_b || strcmp(_a, _b)) {				\
		printf("# %s:%d: expected \"%s\", saw \"%s\"\n",	\
		       __FILE__, __LINE__, _b ? _b : "(null)",		\
		       _a ? _a : "(null)");				\
		_t->failed = 1;						\
		return;							\
	}								\
} while (0)

#endif /* _SMM_TEST_HARNESS_H */
