// SPDX-License-Identifier: GPL-2.0
/*
 * The harness itself: a fixture's teardown runs after a test an ASSERT
 * stopped. The probe's setup allocates and its teardown frees, so a
 * teardown that did not run would also leave ASan a leak to report.
 */
#include <stdlib.h>

#include "harness.h"

static unsigned int probe_setups, probe_teardowns;

FIXTURE(probe) {
	void *mem;
};

FIXTURE_SETUP(probe)
{
	self->mem = malloc(64);
	ASSERT_TRUE(self->mem != NULL);
	probe_setups++;
}

FIXTURE_TEARDOWN(probe)
{
	free(self->mem);
	probe_teardowns++;
}

/* Not registered: run by the test below, which expects it to fail. */
_TEST_F_RUN(probe, probe_stopped_by_assert)
{
	ASSERT_EQ(self->mem, NULL);
	probe_setups += 100;	/* not reached */
}

SMM_TEST(harness_teardown_after_a_failed_assert)
{
	struct smm_test inner = { "probe", probe_stopped_by_assert, 0, NULL };

	printf("# the next line is the probe's own failure, as expected:\n");
	inner.fn(&inner);
	ASSERT_EQ(inner.failed, 1);
	ASSERT_EQ(probe_setups, 1);
	ASSERT_EQ(probe_teardowns, 1);
}
