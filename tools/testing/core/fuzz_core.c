// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the shadowmm core (make check runs it for a bounded
 * time, see the Makefile's `fuzz` target; the seed corpus is fuzz-corpus/).
 *
 * The first byte chooses what the rest of the input drives:
 *
 *   0 mod 4  the module's parameter parsers: size=, zones= and the range
 *            checks, with the input as the text a user could pass
 *   else     a small shadow mm (one to three sections, a zones= layout,
 *            per-CPU lists on or off, one to four CPUs) and a program of
 *            operations on it: allocations of any order and flags on any
 *            CPU, frees of live blocks, bulk allocations and frees, drains,
 *            and the full invariant check
 *
 * Whatever the input, the core must not warn, CHECK must hold after the
 * program, and freeing everything must give every managed frame back.
 * A core warning, a failed check or a sanitizer report aborts, which
 * libFuzzer reports as a crash with the input that caused it.
 */
#include <stdio.h>
#include <stdlib.h>

#include "common.h"
#include "../../../module/core/param.h"

unsigned long smm_user_warnings, smm_user_reports;

#define FUZZ_MAX_LIVE	512

struct fuzz_input {
	const u8 *p;
	size_t n;
};

static u8 fuzz_byte(struct fuzz_input *in)
{
	u8 b;

	if (!in->n)
		return 0;
	b = *in->p++;
	in->n--;
	return b;
}

static void fuzz_fail(const char *what, const char *why)
{
	fprintf(stderr, "fuzz_core: %s%s%s\n", what, why ? ": " : "", why ? why : "");
	abort();
}

/* Parsers see arbitrary text; a refusal is fine, a warning or a crash is not. */
static void fuzz_params(const u8 *data, size_t size)
{
	struct smm_zone_layout layout;
	char *s = malloc(size + 1);
	u64 v = 0;

	if (!s)
		return;
	memcpy(s, data, size);
	s[size] = '\0';
	if (!smm_parse_size(s, &v)) {
		smm_check_size(v);
		smm_check_range(v, v, 46);
	}
	smm_parse_zones(s, 1ULL << (size % 24), &layout);
	free(s);
}

struct fuzz_mm {
	struct smm_test_mm t;
	u64 live[FUZZ_MAX_LIVE];
	unsigned int nr_live, cpus;
};

/* One to three sections of up to 16 MiB at pfns the input picks. */
static int fuzz_mm_init(struct fuzz_mm *f, struct fuzz_input *in)
{
	static const char *const zones[] = { NULL, "DMA:2M,DMA32:2M,Normal:rest",
					     "Normal:rest", "DMA:rest" };
	struct smm_test_section s[3];
	unsigned int i, n = 1 + fuzz_byte(in) % 3;
	u8 cfg = fuzz_byte(in);
	u64 pfn = 0x1000;

	for (i = 0; i < n; i++) {
		pfn += (u64)fuzz_byte(in) << 9;
		s[i].pfn = pfn;
		s[i].frames = 1 + ((u64)fuzz_byte(in) << 4 | fuzz_byte(in) % 16);
		pfn += s[i].frames;
	}
	f->cpus = 1 + cfg % 4;
	f->nr_live = 0;
	return smm_test_mm_init(&f->t, s, n, zones[(cfg >> 2) % 4], cfg & 0x10, f->cpus);
}

static void fuzz_free_one(struct fuzz_mm *f, unsigned int i, unsigned int cpu)
{
	smm_free_pages(&f->t.mm, f->live[i], cpu);
	f->live[i] = f->live[--f->nr_live];
}

static void fuzz_alloc_bulk(struct fuzz_mm *f, unsigned int gfp, unsigned int cpu, u8 arg)
{
	unsigned int want = 1 + arg % 16, got;
	u64 idx[16];

	if (want > FUZZ_MAX_LIVE - f->nr_live)
		return;
	got = smm_alloc_pages_bulk(&f->t.mm, gfp, cpu, want, idx);
	if (got > want)
		fuzz_fail("bulk allocation returned more than asked", NULL);
	memcpy(&f->live[f->nr_live], idx, got * sizeof(idx[0]));
	f->nr_live += got;
}

static void fuzz_free_bulk(struct fuzz_mm *f, unsigned int cpu, u8 arg)
{
	unsigned int n = min((unsigned int)(1 + arg % 16), f->nr_live), i;
	u64 idx[16];

	for (i = 0; i < n; i++)
		idx[i] = f->live[--f->nr_live];
	smm_free_pages_bulk(&f->t.mm, cpu, n, idx);
}

static void fuzz_check(struct fuzz_mm *f)
{
	char why[160];

	if (smm_check(&f->t.mm, why, sizeof(why)))
		fuzz_fail("CHECK failed", why);
}

/* Each operation is three bytes: what, on which CPU with which flags, an argument. */
static void fuzz_op(struct fuzz_mm *f, struct fuzz_input *in)
{
	u8 op = fuzz_byte(in), b = fuzz_byte(in), arg = fuzz_byte(in);
	unsigned int cpu = b % f->cpus, gfp = (b >> 2) & SHADOWMM_GFP_ALL & ~SHADOWMM_GFP_ZERO;
	u64 idx;

	switch (op % 8) {
	case 0:
	case 1:
	case 2:
		if (f->nr_live < FUZZ_MAX_LIVE &&
		    !smm_alloc_pages(&f->t.mm, arg % (SMM_MAX_ORDER + 1), gfp, cpu, &idx))
			f->live[f->nr_live++] = idx;
		break;
	case 3:
	case 4:
		if (f->nr_live)
			fuzz_free_one(f, arg % f->nr_live, cpu);
		break;
	case 5:
		if (op & 0x80)
			fuzz_free_bulk(f, cpu, arg);
		else
			fuzz_alloc_bulk(f, gfp, cpu, arg);
		break;
	case 6:
		if (op & 0x80)
			smm_drain_all_pcp(&f->t.mm);
		else
			smm_drain_pcp(&f->t.mm, cpu);
		break;
	case 7:
		/* a full check walks every frame: often enough to catch a
		 * broken step near where it happened, rare enough to keep
		 * thousands of inputs a second */
		if (!(arg & 0xf))
			fuzz_check(f);
		break;
	}
}

static void fuzz_program(const u8 *data, size_t size)
{
	struct fuzz_input in = { data, size };
	struct fuzz_mm f;
	u64 managed = 0;
	unsigned int z;

	if (fuzz_mm_init(&f, &in))
		return;		/* a layout the core refuses: fine */
	while (in.n)
		fuzz_op(&f, &in);
	fuzz_check(&f);
	while (f.nr_live)
		fuzz_free_one(&f, f.nr_live - 1, 0);
	smm_drain_all_pcp(&f.t.mm);
	fuzz_check(&f);
	for (z = 0; z < SMM_NR_ZONES; z++)
		managed += f.t.mm.zones[z].managed;
	if (smm_test_free_frames(&f.t.mm) != managed)
		fuzz_fail("frames lost after freeing everything", NULL);
	smm_test_mm_destroy(&f.t);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	unsigned long warnings = smm_user_warnings;

	if (!size)
		return 0;
	if (data[0] % 4 == 0)
		fuzz_params(data + 1, size - 1);
	else
		fuzz_program(data + 1, size - 1);
	if (smm_user_warnings != warnings)
		fuzz_fail("the core warned", NULL);
	return 0;
}
