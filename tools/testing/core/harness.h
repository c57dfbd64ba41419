/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small test harness for the user-space build of the core, in the
 * spirit of kselftest_harness.h: tests register themselves, run in order
 * and report TAP 13. ASSERT_* stops the test, EXPECT_* lets it go on;
 * both say what was expected and what was seen.
 *
 * Tests that share their setting up use a fixture, as in
 * kselftest_harness.h:
 *
 *	FIXTURE(slab) { struct slab_test st; };
 *	FIXTURE_SETUP(slab) { ASSERT_EQ(slab_test_init(&self->st, 2), 0); }
 *	FIXTURE_TEARDOWN(slab) { slab_test_destroy(&self->st); }
 *	TEST_F(slab, slab_kmalloc_caches) { ... self->st ... }
 *
 * self starts zeroed. The teardown runs after every test whose setup
 * completed, also when an ASSERT stopped the test, so nothing it set up
 * is left behind (ASan's leak check stays clean); a setup stopped by an
 * ASSERT undoes its own work, and the test body does not run.
 */
#ifndef _SMM_TEST_HARNESS_H
#define _SMM_TEST_HARNESS_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

struct smm_test {
	const char *name;
	void (*fn)(struct smm_test *t);
	int failed;
	struct smm_test *next;
};

void smm_test_register(struct smm_test *t);
extern unsigned long smm_user_warnings;

#define _SMM_REGISTER(name)						\
	static void name(struct smm_test *_t);				\
	static struct smm_test _t_##name = { #name, name, 0, NULL };	\
	static void __attribute__((constructor)) _reg_##name(void)	\
	{								\
		smm_test_register(&_t_##name);				\
	}

#define SMM_TEST(name)							\
	_SMM_REGISTER(name)						\
	static void name(struct smm_test *_t)

#define _SMM_UNUSED	__attribute__((unused))

#define FIXTURE(f)	struct _fixture_##f

#define FIXTURE_SETUP(f)						\
	static void _fixture_##f##_setup(struct smm_test *_t _SMM_UNUSED,	\
					 struct _fixture_##f *self _SMM_UNUSED)

#define FIXTURE_TEARDOWN(f)						\
	static void _fixture_##f##_teardown(struct smm_test *_t _SMM_UNUSED,	\
					    struct _fixture_##f *self _SMM_UNUSED)

/* A test on fixture @f that is not registered: TEST_F's body, or the harness's own test. */
#define _TEST_F_RUN(f, name)						\
	static void _body_##name(struct smm_test *_t, struct _fixture_##f *self); \
	static void name(struct smm_test *_t)				\
	{								\
		struct _fixture_##f self;				\
									\
		memset(&self, 0, sizeof(self));				\
		_fixture_##f##_setup(_t, &self);			\
		if (_t->failed)						\
			return;						\
		_body_##name(_t, &self);				\
		_fixture_##f##_teardown(_t, &self);			\
	}								\
	static void _body_##name(struct smm_test *_t _SMM_UNUSED,	\
				 struct _fixture_##f *self _SMM_UNUSED)

#define TEST_F(f, name)							\
	_SMM_REGISTER(name)						\
	_TEST_F_RUN(f, name)

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
