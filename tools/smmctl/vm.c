// SPDX-License-Identifier: GPL-2.0
/*
 * smmctl vm { show [ NAME... ] | set NAME VALUE [ NAME VALUE... ] }: the
 * reclaim tunables as /proc/sys/vm has them. show prints "name value" a
 * line (JSON: one object, {"name": value, ...}), all of them or the
 * NAMEs asked for, in the order asked; set sends every pair in one
 * request, which the module takes whole or refuses whole. Every word is
 * checked before anything is sent or printed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smmctl.h"

/* The index of tunable @word, or -1 after saying so. */
static int vm_index(const char *word)
{
	int i = smmc_sysctl_index(word);

	if (i < 0)
		fprintf(stderr, "Error: unknown tunable \"%s\", try \"smmctl vm show\" for the list.\n",
			word);
	return i;
}

static void vm_print(const struct smmc_sysctl *s, int i)
{
	smmc_print_text("%s ", smmc_sysctl_names[i]);
	smmc_print_u64(SMMC_PRINT_ANY, smmc_sysctl_names[i], "%" PRIu64 "\n", s->v[i]);
}

static int vm_show(int argc, char **argv)
{
	struct smmc_sysctl s;
	int a, i;

	for (a = 0; a < argc; a++)
		if (vm_index(argv[a]) < 0)
			return 1;
	if (smmctl_connect())
		return 1;
	if (smmc_sysctl_get(&smmctl_nl, &s))
		return smmctl_error();
	if (!argc) {
		for (i = 0; i < SMMC_SYSCTL_NR; i++)
			if (s.has[i])
				vm_print(&s, i);
		return 0;
	}
	for (a = 0; a < argc; a++)
		vm_print(&s, smmc_sysctl_index(argv[a]));
	return 0;
}

/* The pairs into @s; each name once, each value a number that fits. */
static int vm_set_args(int argc, char **argv, struct smmc_sysctl *s)
{
	uint64_t v;
	int a, i;

	memset(s, 0, sizeof(*s));
	if (!argc || argc % 2) {
		fprintf(stderr, "Error: usage: smmctl vm set NAME VALUE [ NAME VALUE... ]\n");
		return -1;
	}
	for (a = 0; a < argc; a += 2) {
		i = vm_index(argv[a]);
		if (i < 0)
			return -1;
		if (s->has[i]) {
			fprintf(stderr, "Error: \"%s\" given twice\n", argv[a]);
			return -1;
		}
		if (smmctl_parse_u64(argv[a + 1], smmc_sysctl_names[i], &v))
			return -1;
		if (smmc_sysctl_is_u32(i) && v > UINT32_MAX) {
			fprintf(stderr, "Error: invalid %s \"%s\"\n", argv[a], argv[a + 1]);
			return -1;
		}
		s->has[i] = true;
		s->v[i] = v;
	}
	return 0;
}

static int vm_set(int argc, char **argv)
{
	struct smmc_sysctl s;

	if (vm_set_args(argc, argv, &s) || smmctl_connect())
		return 1;
	if (smmc_sysctl_set(&smmctl_nl, &s))
		return smmctl_error();
	return 0;
}

const struct smm_cmd smmctl_vm_cmds[] = {
	SMM_CMD("show", vm_show, "[ NAME... ]", "the tunables, \"name value\" a line"),
	SMM_CMD("set", vm_set, "NAME VALUE [ NAME VALUE... ]",
		"set tunables, all or none (admin)"),
	SMM_CMD_END("NAME := { min_free_kbytes | watermark_scale_factor | swappiness |\n"
		    "          extfrag_threshold | compaction_proactiveness |\n"
		    "          percpu_pagelist_high_fraction }\n"
		    "       min_free_kbytes: 0 to a quarter of the range, KiB\n"
		    "       watermark_scale_factor: 1 to 3000; swappiness: 0 to 200\n"
		    "       extfrag_threshold: 0 to 1000 (compaction's)\n"
		    "       compaction_proactiveness: 0 to 100 (kcompactd's)\n"
		    "       percpu_pagelist_high_fraction: 0 (pcp high from the low\n"
		    "         watermark) or 8 and up (high = managed / this, per CPU)\n"),
};
