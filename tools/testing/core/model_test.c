// SPDX-License-Identifier: GPL-2.0
/*
 * Property tests: random sequences of allocations, frees and drains on
 * several simulated CPUs, checked step by step against a reference model
 * that knows nothing of buddies: an array saying which frames are taken.
 *
 * The model predicts, for every allocation with SHADOWMM_GFP_RESERVE (no
 * watermarks in the way), whether it must succeed: exactly when some
 * aligned run of 2^order free frames lies inside one section and one
 * allowed zone, because a drained buddy holds every free run as merged
 * blocks. Every block handed out must be such a run. After every step the
 * allocator's free + per-CPU counts must equal the model's free frames;
 * the full CHECK runs every `check_every` steps.
 *
 * The seed is printed; SMM_SEED=N replays a run.
 */
#include "harness.h"
#include "common.h"

struct model {
	struct smm_test_mm t;
	u8 *taken;		/* per frame index: 1 while allocated */
	u64 *live;		/* heads of live blocks */
	u64 nr_live, max_live;
	u64 free;		/* frames free in the model */
	u64 rng;
};

static u64 model_rand(struct model *m)
{
	return smm_test_rand(&m->rng);
}

static u64 model_seed(void)
{
	return smm_test_seed(0x5eed5eedULL);
}

/* Is [idx, idx + 2^order) free, in one section, in a zone <= @highest? */
static bool model_run_free(const struct model *m, u64 idx, unsigned int order,
			   unsigned int highest)
{
	const struct smm_mm *mm = &m->t.mm;
	const struct smm_section *s = smm_range_section_of(mm->range, idx);
	u64 i, n = 1ULL << order;

	if (!s || idx + n > s->start + s->nr_frames)
		return false;
	if (smm_zone_of(mm, idx) > highest || smm_zone_of(mm, idx + n - 1) != smm_zone_of(mm, idx))
		return false;
	for (i = 0; i < n; i++)
		if (m->taken[idx + i])
			return false;
	return true;
}

static bool model_can_alloc(const struct model *m, unsigned int order, unsigned int highest)
{
	u64 idx;

	for (idx = 0; idx + (1ULL << order) <= m->t.range.span; idx += 1ULL << order)
		if (model_run_free(m, idx, order, highest))
			return true;
	return false;
}

static unsigned int model_order(struct model *m)
{
	/* mostly small orders, as real workloads: 0..3 often, up to 10 rarely */
	u64 r = model_rand(m) % 100;

	if (r < 50)
		return 0;
	if (r < 80)
		return 1 + model_rand(m) % 3;
	return model_rand(m) % SMM_NR_ORDERS;
}

static unsigned int model_gfp(struct model *m)
{
	static const unsigned int zone_mod[] = { 0, 0, SHADOWMM_GFP_DMA32, SHADOWMM_GFP_DMA };
	static const unsigned int mt_mod[] = {
		0, SHADOWMM_GFP_MOVABLE, SHADOWMM_GFP_MOVABLE, SHADOWMM_GFP_RECLAIMABLE
	};

	return zone_mod[model_rand(m) % 4] | mt_mod[model_rand(m) % 4];
}

static void model_alloc(struct smm_test *_t, struct model *m, unsigned int cpus)
{
	unsigned int order = model_order(m), gfp = model_gfp(m);
	bool reserve = model_rand(m) % 4 != 0;
	unsigned int cpu = model_rand(m) % cpus;
	bool expect = false;
	u64 idx, i;
	int ret;

	if (reserve) {
		gfp |= SHADOWMM_GFP_RESERVE;
		expect = model_can_alloc(m, order, smm_gfp_zone(gfp));
	}
	ret = smm_alloc_pages(&m->t.mm, order, gfp, cpu, &idx);
	if (reserve && (ret == 0) != expect)
		printf("# order %u gfp %#x: allocator %s, model expected %s\n", order, gfp,
		       ret ? "failed" : "succeeded", expect ? "success" : "failure");
	if (reserve)
		_SMM_CMP(ret == 0, ==, expect, 1);
	if (ret) {
		ASSERT_EQ(ret, -ENOMEM);
		return;
	}
	ASSERT_TRUE(model_run_free(m, idx, order, smm_gfp_zone(gfp)));
	ASSERT_EQ(smm_frame_type(&m->t.mm.frames[idx]), SMM_FRAME_PAGE);
	ASSERT_EQ(smm_frame_order(&m->t.mm.frames[idx]), order);
	for (i = 0; i < (1ULL << order); i++)
		m->taken[idx + i] = 1;
	m->free -= 1ULL << order;
	ASSERT_LT(m->nr_live, m->max_live);
	m->live[m->nr_live++] = idx;
}

/* Bulk calls: every block given must be a free frame in an allowed zone. */
static void model_bulk(struct smm_test *_t, struct model *m, unsigned int cpus)
{
	unsigned int gfp = model_gfp(m), cpu = model_rand(m) % cpus, n, i;
	u64 idx[16];

	if (model_rand(m) & 1 && m->nr_live) {
		for (n = 0; n < 16 && m->nr_live; n++) {
			u64 pick = model_rand(m) % m->nr_live, j;

			idx[n] = m->live[pick];
			m->live[pick] = m->live[--m->nr_live];
			for (j = 0; j < (1ULL << smm_frame_order(&m->t.mm.frames[idx[n]])); j++)
				m->taken[idx[n] + j] = 0;
			m->free += 1ULL << smm_frame_order(&m->t.mm.frames[idx[n]]);
		}
		smm_free_pages_bulk(&m->t.mm, cpu, n, idx);
		return;
	}
	n = smm_alloc_pages_bulk(&m->t.mm, gfp, cpu, 1 + model_rand(m) % 16, idx);
	for (i = 0; i < n; i++) {
		ASSERT_TRUE(model_run_free(m, idx[i], 0, smm_gfp_zone(gfp)));
		m->taken[idx[i]] = 1;
		m->free--;
		m->live[m->nr_live++] = idx[i];
	}
}

static void model_free(struct model *m, unsigned int cpus)
{
	u64 pick = model_rand(m) % m->nr_live, idx = m->live[pick], i;
	unsigned int order = smm_frame_order(&m->t.mm.frames[idx]);

	smm_free_pages(&m->t.mm, idx, model_rand(m) % cpus);
	for (i = 0; i < (1ULL << order); i++)
		m->taken[idx + i] = 0;
	m->free += 1ULL << order;
	m->live[pick] = m->live[--m->nr_live];
}

/*
 * Run @steps random operations. Allocation is favoured while less than
 * half the range is taken so runs reach both empty and nearly full states.
 */
static void model_run(struct smm_test *_t, const struct smm_test_section *s, unsigned int n,
		      const char *zones, bool pcp, unsigned int cpus, u64 steps,
		      u64 check_every)
{
	struct model m;
	u64 step;

	memset(&m, 0, sizeof(m));
	m.rng = model_seed();
	printf("# seed %#llx, %llu steps\n", (unsigned long long)m.rng, (unsigned long long)steps);
	ASSERT_EQ(smm_test_mm_init(&m.t, s, n, zones, pcp, cpus), 0);
	m.taken = calloc(m.t.range.span, 1);
	m.max_live = m.t.range.nr_frames;
	m.live = calloc(m.max_live, sizeof(*m.live));
	m.free = m.t.range.nr_frames;
	ASSERT_TRUE(m.taken && m.live);

	for (step = 0; step < steps && !_t->failed; step++) {
		u64 r = model_rand(&m) % 1000;
		bool want_alloc = m.free > m.t.range.nr_frames / 2 ? r < 600 : r < 400;

		if (r >= 995)
			smm_drain_pcp(&m.t.mm, model_rand(&m) % cpus);
		else if (r >= 985)
			model_bulk(_t, &m, cpus);
		else if (want_alloc || !m.nr_live)
			model_alloc(_t, &m, cpus);
		else
			model_free(&m, cpus);
		if (smm_test_free_frames(&m.t.mm) + smm_test_pcp_frames(&m.t.mm) != m.free) {
			printf("# step %llu: allocator has %llu free + %llu pcp, model %llu\n",
			       (unsigned long long)step,
			       (unsigned long long)smm_test_free_frames(&m.t.mm),
			       (unsigned long long)smm_test_pcp_frames(&m.t.mm),
			       (unsigned long long)m.free);
			_t->failed = 1;
		}
		if (step % check_every == 0 && smm_test_check(&m.t.mm)) {
			printf("# step %llu\n", (unsigned long long)step);
			_t->failed = 1;
		}
	}
	while (m.nr_live)
		model_free(&m, cpus);
	smm_drain_all_pcp(&m.t.mm);
	EXPECT_EQ(smm_test_check(&m.t.mm), 0);
	EXPECT_EQ(smm_test_free_frames(&m.t.mm), m.t.range.nr_frames);
	free(m.taken);
	free(m.live);
	smm_test_mm_destroy(&m.t);
}

/*
 * Borrowed-like: three sections with holes, zones by position, four CPUs
 * with per-CPU lists; the full CHECK after every step.
 *
 *   idx 0      1024+100        3072      4096+3     ...
 *       [ 4M ][HH][ 2M+400K ][HHH][ 6M            ]...
 */
SMM_TEST(model_sections_zones_pcp)
{
	static const struct smm_test_section s[] = {
		{ 0x4000, 1024 }, { 0x5064, 612 }, { 0x9003, 1533 }, { 0xc000, 2048 },
	};

	model_run(_t, s, 4, "DMA:2M,DMA32:4M,Normal:rest", true, 4, 300000, 1);
}

/* One 64 MiB section by physical zones, buddy alone, long run. */
SMM_TEST(model_one_section_buddy_only)
{
	static const struct smm_test_section s[] = { { 0x10000, 16384 } };

	model_run(_t, s, 1, NULL, false, 1, 600000, 4096);
}

/* Same with per-CPU lists on two CPUs. */
SMM_TEST(model_one_section_pcp)
{
	static const struct smm_test_section s[] = { { 0x10000, 16384 } };

	model_run(_t, s, 1, NULL, true, 2, 600000, 4096);
}
