// SPDX-License-Identifier: GPL-2.0
/*
 * Runs every registered test of the user-space core build and prints
 * TAP 13. A test fails on a failed assertion or on any WARN_ON_ONCE the
 * core raised while it ran. "core_test NAME..." runs only those tests.
 */
#include <stdio.h>
#include <string.h>

#include "harness.h"

unsigned long smm_user_warnings;
unsigned long smm_user_reports;
static struct smm_test *smm_tests, **smm_tests_tail = &smm_tests;

void smm_test_register(struct smm_test *t)
{
	*smm_tests_tail = t;
	smm_tests_tail = &t->next;
}

static int smm_test_selected(const struct smm_test *t, int argc, char **argv)
{
	int i;

	if (argc < 2)
		return 1;
	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], t->name))
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	struct smm_test *t;
	int n = 0, i = 0, failed = 0;

	for (t = smm_tests; t; t = t->next)
		n += smm_test_selected(t, argc, argv);
	printf("TAP version 13\n1..%d\n", n);
	for (t = smm_tests; t; t = t->next) {
		unsigned long warnings = smm_user_warnings;

		if (!smm_test_selected(t, argc, argv))
			continue;
		t->fn(t);
		if (smm_user_warnings != warnings) {
			printf("# %lu unexpected core warning(s)\n", smm_user_warnings - warnings);
			t->failed = 1;
		}
		printf("%s %d %s\n", t->failed ? "not ok" : "ok", ++i, t->name);
		fflush(stdout);
		failed += t->failed;
	}
	printf("# %d passed, %d failed\n", n - failed, failed);
	return failed ? 1 : 0;
}
