// SPDX-License-Identifier: GPL-2.0
/*
 * smmctl vmstat [ show ] [ NAME... ]: the shadow's counters as
 * /proc/vmstat prints them, "name value" a line, in the module's order
 * (the kernel's), or the NAMEs asked for in the order asked. JSON: one
 * object, {"name": value, ...}. Every NAME is checked before anything is
 * printed: an unknown one fails the command with nothing on stdout.
 */
#include <stdlib.h>
#include <string.h>

#include "smmctl.h"

static void print_counter(const struct smmc_vmstat *c)
{
	smmc_print_text("%s ", c->name);
	smmc_print_u64(SMMC_PRINT_ANY, c->name, "%" PRIu64 "\n", c->value);
}

int smmctl_vmstat(int argc, char **argv)
{
	struct smmc_vmstat *v;
	size_t n, i;
	int a, ret = 0;

	if (argc > 0 && !strcmp(argv[0], "show")) {
		argc--;
		argv++;
		if (argc > 0 && !strcmp(argv[0], "help"))
			return smmctl_help_running();
	}
	if (smmctl_connect())
		return 1;
	if (smmc_vmstat_get(&smmctl_nl, &v, &n))
		return smmctl_error();
	for (a = 0; a < argc; a++) {
		if (!smmc_vmstat_find(v, n, argv[a])) {
			fprintf(stderr, "Error: unknown counter \"%s\", try \"smmctl vmstat\" for the list.\n",
				argv[a]);
			ret = 1;
		}
	}
	if (!ret && !argc)
		for (i = 0; i < n; i++)
			print_counter(&v[i]);
	for (a = 0; !ret && a < argc; a++)
		print_counter(smmc_vmstat_find(v, n, argv[a]));
	free(v);
	return ret;
}
