// SPDX-License-Identifier: GPL-2.0
/*
 * The native replayer's shadow: one range of the user's size at pfn
 * 0x100000 (4 GiB: all of it ZONE_NORMAL, as one zone of a real machine),
 * the core's buddy, pcp lists and slab allocators in user space, driven by
 * the same replay (tools/lib/trace.c) as smmctl's netlink one. Page
 * handles are frame indexes, object handles slab positions. Everything
 * runs on CPU 0 of one thread: no locks contend.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "../../../module/core/slab.h"
#include "replay_core.h"

unsigned long smm_user_warnings;
unsigned long smm_user_reports;

#define NRP_PFN		0x100000ULL	/* 4 GiB, pageblock-aligned */

struct nrp {
	struct smm_test_mm t;
	struct smm_slabs slabs;
	bool slabs_ready;
};

/* pcp high and batch of every CPU's lists, when the user set them */
static void nrp_set_pcp(struct nrp *n, const struct nrp_params *p)
{
	struct smm_mm *mm = &n->t.mm;
	unsigned int cpu, z;

	for (cpu = 0; cpu < mm->nr_cpus; cpu++) {
		for (z = 0; z < SMM_NR_ZONES; z++) {
			struct smm_pcp *pcp = smm_pcp_of(mm, cpu, z);

			if (p->pcp_batch > 0)
				pcp->batch = p->pcp_batch;
			if (p->pcp_high >= 0)
				pcp->high = p->pcp_high;
		}
	}
}

unsigned int nrp_pageblock_order(void)
{
	return SMM_PAGEBLOCK_ORDER;
}

const char *nrp_fallback_name(unsigned int policy)
{
	return smm_fallback_policy_name(policy);
}

int nrp_fallback_by_name(const char *name)
{
	return smm_fallback_policy_by_name(name);
}

/* The shadow for @p: range, zones, watermarks, pcp, fallback rules, slab caches. */
int nrp_create(const struct nrp_params *p, struct nrp **out)
{
	struct smm_test_section s = { NRP_PFN, p->frames };
	const char *why;
	struct nrp *n;
	int ret;

	n = calloc(1, sizeof(*n));
	if (!n)
		return -ENOMEM;
	if (p->objects)
		ret = smm_test_mm_init_mem(&n->t, &s, 1, NULL, p->pcp, p->cpus);
	else
		ret = smm_test_mm_init(&n->t, &s, 1, NULL, p->pcp, p->cpus);
	if (ret)
		goto out_free;
	if (p->min_free_kbytes &&
	    smm_set_min_free_kbytes(&n->t.mm, p->min_free_kbytes, &why)) {
		ret = -EINVAL;
		goto out_mm;
	}
	if (p->boost_factor >= 0)
		n->t.mm.watermark_boost_factor = p->boost_factor;
	ret = smm_set_fallback_policy(&n->t.mm, p->fallback);
	if (ret)
		goto out_mm;
	nrp_set_pcp(n, p);
	if (p->objects) {
		ret = smm_slabs_init_policy(&n->slabs, &n->t.mm, 1, p->cpus, p->kmalloc_policy);
		if (ret)
			goto out_mm;
		n->slabs_ready = true;
	}
	*out = n;
	return 0;
out_mm:
	smm_test_mm_destroy(&n->t);
out_free:
	free(n);
	return ret;
}

/* Everything nrp_create() built, slab caches first. */
void nrp_destroy(struct nrp *n)
{
	if (n->slabs_ready)
		smm_slabs_destroy(&n->slabs);
	smm_test_mm_destroy(&n->t);
	free(n);
}

/* All or nothing, as PAGE_ALLOC: the blocks got so far freed on a refusal. */
int nrp_page_alloc(void *ctx, uint32_t order, uint32_t gfp, uint32_t count, uint64_t *handles)
{
	struct nrp *n = ctx;
	uint32_t i;
	int ret;

	for (i = 0; i < count; i++) {
		ret = smm_alloc_pages(&n->t.mm, order, gfp, 0, &handles[i]);
		if (ret) {
			while (i--)
				smm_free_pages(&n->t.mm, handles[i], 0);
			return ret;
		}
	}
	return 0;
}

/* PAGE_FREE: each block back through CPU 0's lists (or the buddy, pcp off). */
int nrp_page_free(void *ctx, const uint64_t *handles, uint32_t count)
{
	struct nrp *n = ctx;
	uint32_t i;

	for (i = 0; i < count; i++)
		smm_free_pages(&n->t.mm, handles[i], 0);
	return 0;
}

/* CACHE_CREATE: -EEXIST for a name taken, as the module answers. */
int nrp_cache_create(void *ctx, const char *name, uint32_t size, uint32_t policy)
{
	struct nrp *n = ctx;
	struct smm_cache *c;

	if (!n->slabs_ready)
		return -EINVAL;
	if (smm_cache_find(&n->slabs, name))
		return -EEXIST;
	if (policy == UINT32_MAX)	/* SMMC_CACHE_POLICY_DEFAULT: the kmalloc caches' */
		policy = n->slabs.kmalloc_policy;
	return smm_cache_create_policy(&n->slabs, name, size, 0, 0, policy, &c);
}

/* OBJ_ALLOC: all or nothing, handles the objects' slab positions. */
int nrp_obj_alloc(void *ctx, const char *cache, uint32_t count, uint64_t *handles)
{
	struct nrp *n = ctx;
	struct smm_cache *c = smm_cache_find(&n->slabs, cache);
	uint32_t i;

	if (!c)
		return -ENOENT;
	for (i = 0; i < count; i++) {
		if (!smm_cache_alloc(c, 0, 0, &handles[i])) {
			while (i--)
				smm_cache_free(c, handles[i], 0);
			return -ENOMEM;
		}
	}
	return 0;
}

/* OBJ_FREE of objects nrp_obj_alloc() gave. */
int nrp_obj_free(void *ctx, const char *cache, const uint64_t *handles, uint32_t count)
{
	struct nrp *n = ctx;
	struct smm_cache *c = smm_cache_find(&n->slabs, cache);
	uint32_t i;
	int ret;

	if (!c)
		return -ENOENT;
	for (i = 0; i < count; i++) {
		ret = smm_cache_free(c, handles[i], 0);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * Pageblocks by type, and the mixed ones: a pageblock holding an
 * allocated block (page or slab) of another migratetype than its own, as
 * /proc/pagetypeinfo's "Number of mixed blocks" counts them with
 * page_owner. Head to head over the range.
 */
static void nrp_pageblocks(struct smm_mm *mm, struct nrp_frag *f)
{
	u64 span = mm->range->span, idx = 0, pb, last_pb = ~0ULL;
	struct smm_frame fr;
	unsigned int type, mt;

	for (pb = 0; pb < (span >> SMM_PAGEBLOCK_ORDER); pb++) {
		mt = mm->pageblock_mt[pb];
		if (mt < NRP_MTS)
			f->by_mt[mt]++;
		f->pageblocks++;
	}
	while (idx < span) {
		fr = mm->frames[idx];
		type = smm_frame_type(&fr);
		if ((type == SMM_FRAME_PAGE || type == SMM_FRAME_SLAB) &&
		    smm_frame_mt(&fr) != smm_pageblock_mt(mm, idx) &&
		    (idx >> SMM_PAGEBLOCK_ORDER) != last_pb) {
			last_pb = idx >> SMM_PAGEBLOCK_ORDER;
			f->mixed++;
		}
		idx += type == SMM_FRAME_TAIL || type == SMM_FRAME_HOLE ? 1 :
		       1ULL << smm_frame_order(&fr);
	}
}

/* The fragmentation of the zone now, as mm/vmstat.c's extfrag files show it. */
void nrp_frag(struct nrp *n, struct nrp_frag *f)
{
	struct smm_mm *mm = &n->t.mm;
	u64 nr_free[SMM_NR_ORDERS];
	unsigned int z, o;

	memset(f, 0, sizeof(*f));
	for (z = 0; z < SMM_NR_ZONES; z++) {
		if (!smm_zone_populated(&mm->zones[z]))
			continue;
		smm_zone_nr_free(&mm->zones[z], nr_free);
		for (o = 0; o < SMM_NR_ORDERS; o++)
			f->nr_free[o] += nr_free[o];
		f->mt_fallback += mm->zones[z].stats.mt_fallback;
		f->mt_steal += mm->zones[z].stats.mt_steal;
	}
	for (o = 0; o < SMM_NR_ORDERS; o++)
		f->free_frames += f->nr_free[o] << o;
	f->pcp_frames = smm_test_pcp_frames(mm);
	f->unusable3 = smm_unusable_index(f->nr_free, 3);
	f->unusable9 = smm_unusable_index(f->nr_free, 9);
	f->extfrag3 = smm_extfrag_index(f->nr_free, 3);
	f->extfrag9 = smm_extfrag_index(f->nr_free, 9);
	nrp_pageblocks(mm, f);
}
