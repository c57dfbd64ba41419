// SPDX-License-Identifier: GPL-2.0
#include "harness.h"
#include "common.h"
#include "../../../module/core/lru.h"
#include "../../../module/core/vma.h"

/* The environment's knobs (module/core/env.h): each thread's own. */
__thread unsigned int smm_user_cpu;
__thread int smm_user_preempt;	/* smm_preempt_disable() depth */
void (*smm_user_resched)(void);
__thread unsigned int smm_user_fail_alloc;

static int smm_test_mm_setup(struct smm_test_mm *t, const struct smm_test_section *s,
			     unsigned int n, const char *zones, bool pcp, unsigned int cpus,
			     bool mem, unsigned int split_cpus, u64 min_free_kbytes)
{
	struct smm_mm_config cfg = {
		.nr_cpus = cpus, .nr_split_cpus = split_cpus, .pcp_enabled = pcp,
		.min_free_kbytes = min_free_kbytes,
	};
	unsigned int i;
	int ret;

	memset(t->mem, 0, sizeof(t->mem));
	if (mem && n > ARRAY_SIZE(t->mem))
		return -EINVAL;
	ret = smm_range_init(&t->range, n);
	for (i = 0; !ret && i < n; i++) {
		if (mem) {
			t->mem[i] = aligned_alloc(SMM_PAGE_SIZE, s[i].frames * SMM_PAGE_SIZE);
			if (!t->mem[i])
				ret = -ENOMEM;
		}
		if (!ret)
			ret = smm_range_add_section(&t->range, s[i].pfn, s[i].frames, t->mem[i]);
	}
	if (!ret)
		ret = smm_range_finish(&t->range);
	if (!ret && zones && smm_parse_zones(zones, t->range.nr_frames, &cfg.layout))
		ret = -EINVAL;
	if (!ret)
		ret = smm_mm_init(&t->mm, &t->range, &cfg);
	if (ret) {
		smm_range_destroy(&t->range);
		for (i = 0; i < ARRAY_SIZE(t->mem); i++)
			free(t->mem[i]);
	}
	return ret;
}

int smm_test_mm_init(struct smm_test_mm *t, const struct smm_test_section *s, unsigned int n,
		     const char *zones, bool pcp, unsigned int cpus)
{
	return smm_test_mm_setup(t, s, n, zones, pcp, cpus, false, 0, 0);
}

/* As smm_test_mm_init(), with real memory behind every section (slabs). */
int smm_test_mm_init_mem(struct smm_test_mm *t, const struct smm_test_section *s,
			 unsigned int n, const char *zones, bool pcp, unsigned int cpus)
{
	return smm_test_mm_setup(t, s, n, zones, pcp, cpus, true, 0, 0);
}

/* As smm_test_mm_init() with pcp, pcp high split between @split_cpus (0: @cpus). */
int smm_test_mm_init_split(struct smm_test_mm *t, const struct smm_test_section *s,
			   unsigned int n, unsigned int cpus, unsigned int split_cpus)
{
	return smm_test_mm_setup(t, s, n, NULL, true, cpus, false, split_cpus, 0);
}

/* As smm_test_mm_init() with pcp, given min_free_kbytes (or SMM_MIN_FREE_KBYTES_AUTO*). */
int smm_test_mm_init_mfk(struct smm_test_mm *t, const struct smm_test_section *s,
			 unsigned int n, const char *zones, unsigned int cpus, u64 min_free_kbytes)
{
	return smm_test_mm_setup(t, s, n, zones, true, cpus, false, 0, min_free_kbytes);
}

void smm_test_mm_destroy(struct smm_test_mm *t)
{
	unsigned int i;

	smm_mm_destroy(&t->mm);
	smm_range_destroy(&t->range);
	for (i = 0; i < ARRAY_SIZE(t->mem); i++)
		free(t->mem[i]);
}

u64 smm_test_free_frames(const struct smm_mm *mm)
{
	u64 n = 0;
	unsigned int z;

	for (z = 0; z < SMM_NR_ZONES; z++)
		n += mm->zones[z].free;
	return n;
}

u64 smm_test_pcp_frames(const struct smm_mm *mm)
{
	u64 n = 0;
	unsigned int z;

	for (z = 0; z < SMM_NR_ZONES; z++)
		n += smm_zone_pcp_frames(mm, z);
	return n;
}

/* Full invariant check; prints the reason when it fails. */
int smm_test_check(struct smm_mm *mm)
{
	char why[160];
	int ret = smm_check(mm, why, sizeof(why));

	if (ret)
		printf("# CHECK: %s\n", why);
	return ret;
}

/*
 * The reclaim tests' CHECK: each of the @n spaces' VMAs and swap entries,
 * then (with @area) the swap area against the entries they hold, the
 * LRU lists and reverse map, and the buddy. Prints the reason.
 */
int smm_test_check_reclaim(struct smm_mm *mm, const struct smm_space *const *s, unsigned int n,
			   bool area)
{
	u8 *seen = calloc(mm->swap ? mm->swap->slots : 1, 1);
	char why[200];
	unsigned int i;
	int ret = seen ? 0 : -ENOMEM;

	for (i = 0; !ret && i < n; i++) {
		ret = smm_vma_check(s[i], why, sizeof(why));
		if (!ret)
			ret = smm_swap_check_space(s[i], mm->swap ? seen : NULL, why, sizeof(why));
	}
	if (!ret && area)
		ret = smm_swap_check(mm, seen, why, sizeof(why));
	if (!ret)
		ret = smm_lru_check(mm, why, sizeof(why));
	if (!ret)
		ret = smm_pin_check(mm, why, sizeof(why));
	free(seen);
	if (ret)
		printf("# %s\n", why);
	return ret ? ret : smm_test_check(mm);
}

int smm_test_swap_init_pcp(struct smm_test_swap *e, u64 frames, u64 slots, bool pcp)
{
	const struct smm_test_section sec = { SMM_TEST_SWAP_PFN, frames };
	const char *why;
	int ret = smm_test_mm_init_mem(&e->t, &sec, 1, NULL, pcp, 1);

	if (ret)
		return ret;
	e->data = calloc(slots, SMM_PAGE_SIZE);
	if (!e->data)
		return -ENOMEM;
	ret = smm_swap_init(&e->sw, e->data, slots);
	return ret ? ret : smm_swap_on(&e->t.mm, &e->sw, &why);
}

int smm_test_swap_init(struct smm_test_swap *e, u64 frames, u64 slots)
{
	return smm_test_swap_init_pcp(e, frames, slots, true);
}

void smm_test_swap_destroy(struct smm_test_swap *e)
{
	e->t.mm.swap = NULL;
	smm_swap_destroy(&e->sw);
	free(e->data);
	smm_test_mm_destroy(&e->t);
}

const u64 *smm_test_page_peek(const struct smm_space *s, u64 pfn)
{
	const u64 *mem = smm_space_page_map(s, pfn);

	smm_space_page_unmap(s, pfn, mem);
	return mem;
}
