// SPDX-License-Identifier: GPL-2.0
/*
 * smmctl check: verify every allocator invariant; exit 1 with the first
 * violation. smmctl reset: free every shadow allocation.
 */
#include "smmctl.h"

int smmctl_check(int argc, char **argv)
{
	char reason[256];
	bool ok;

	if (smmctl_no_args(argc, argv) || smmctl_connect())
		return 1;
	if (smmc_check(&smmctl_nl, &ok, reason, sizeof(reason)))
		return smmctl_error();
	smmc_print_bool(SMMC_PRINT_JSON, "ok", NULL, ok);
	smmc_print_string(SMMC_PRINT_ANY, "reason", "%s\n", reason);
	return ok ? 0 : 1;
}

int smmctl_reset(int argc, char **argv)
{
	uint64_t freed;

	if (smmctl_no_args(argc, argv) || smmctl_connect())
		return 1;
	if (smmc_reset(&smmctl_nl, &freed))
		return smmctl_error();
	smmc_print_u64(SMMC_PRINT_ANY, "freed", "freed %" PRIu64 " frames\n", freed);
	return 0;
}
