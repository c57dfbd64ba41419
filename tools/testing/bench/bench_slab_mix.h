/* SPDX-License-Identifier: GPL-2.0 */
/* The slab policies side by side on two workloads (bench_slab_mix.c). */
#ifndef _SMM_BENCH_SLAB_MIX_H
#define _SMM_BENCH_SLAB_MIX_H

#include <stdio.h>

/*
 * Every workload on every policy: the table on stdout, the JSON array's
 * members (no brackets) to @json when not NULL. @self is the program,
 * run again under callgrind. 0, or 1 saying which row failed.
 */
int bench_slab_mix(const char *self, FILE *json);

/* --slab-mix-run WORKLOAD POLICY SCALE: one run and nothing else, for callgrind. */
int bench_slab_mix_run_only(const char *workload, const char *policy, const char *scale);

#endif
