// SPDX-License-Identifier: GPL-2.0
/* smmctl check, smmctl reset */
#include <stdio.h>

#include "smmctl.h"

static int check_run(int argc, char **argv)
{
	char reason[256];
	bool ok;

	(void)argv;
	if (argc) {
		fprintf(stderr, "Error: \"check\" takes no arguments\n");
		return 1;
	}
	if (smmctl_connect())
		return 1;
	if (smm_check(&smmctl_nl, &ok, reason, sizeof(reason)))
		return smmctl_error("check");
	print_bool(PRINT_JSON, "ok", NULL, ok);
	print_string(PRINT_ANY, "reason", "%s\n", reason);
	return ok ? 0 : 1;
}

int do_check(int argc, char **argv)
{
	static const struct smm_cmd cmds[] = {
		{ "run", check_run, "verify every invariant; exit 1 on a violation" },
		{ NULL }
	};

	return smmctl_dispatch("check", cmds, argc, argv);
}

static int reset_run(int argc, char **argv)
{
	uint64_t freed;

	(void)argv;
	if (argc) {
		fprintf(stderr, "Error: \"reset\" takes no arguments\n");
		return 1;
	}
	if (smmctl_connect())
		return 1;
	if (smm_reset(&smmctl_nl, &freed))
		return smmctl_error("reset");
	print_u64(PRINT_ANY, "freed", "freed %" PRIu64 " frames\n", freed);
	return 0;
}

int do_reset(int argc, char **argv)
{
	static const struct smm_cmd cmds[] = {
		{ "run", reset_run, "free every shadow allocation, drain the pcp lists" },
		{ NULL }
	};

	return smmctl_dispatch("reset", cmds, argc, argv);
}
