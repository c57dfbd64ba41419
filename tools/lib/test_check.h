/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The TAP check of the library's C tests (test_nl.c, test_trace.c): one
 * "ok N NAME" or "not ok N NAME" line per CHECK, the failed condition
 * and its place below a failure; the test ends with "failed ? 1 : 0".
 */
#ifndef _SMMC_TEST_CHECK_H
#define _SMMC_TEST_CHECK_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static int tests, failed;

#define CHECK(cond, ...)						\
do {									\
	bool __ok = (cond);						\
									\
	printf("%sok %d ", __ok ? "" : "not ", ++tests);		\
	printf(__VA_ARGS__);						\
	printf("\n");							\
	if (!__ok) {							\
		printf("# failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
		failed++;						\
	}								\
} while (0)

/* A string as expected, both shown when not. */
#define CHECK_STR(seen, want, name)					\
do {									\
	CHECK(!strcmp((seen), (want)), "%s", name);			\
	if (strcmp((seen), (want)))					\
		printf("# expected \"%s\"\n# saw      \"%s\"\n", (want), (seen)); \
} while (0)

#endif /* _SMMC_TEST_CHECK_H */
