// SPDX-License-Identifier: GPL-2.0
/*
 * The shadow OOM killer (oom.h), after mm/oom_kill.c of Linux 6.1:
 * oom_badness(), select_bad_process() and __oom_kill_process().
 *
 * As the kernel: the badness of a candidate is its RSS, its swap entries
 * and its page-table pages, plus oom_score_adj * (totalpages / 1000)
 * with totalpages the managed memory plus the swap slots (totalram_pages()
 * + total_swap_pages); a space at OOM_SCORE_ADJ_MIN (-1000), or already
 * killed (MMF_OOM_SKIP), is no candidate; candidates are taken in order
 * and one with at least the points of the one chosen replaces it, so a
 * tie goes to the last (the highest id). The integer division is kept:
 * below 1000 pages oom_score_adj counts for nothing but -1000.
 *
 * Simplified: a space is the whole process (no threads, no process tree,
 * no shared mm), so the victim is killed and its memory freed at once,
 * by the killer itself, where the kernel sends SIGKILL and lets the
 * victim exit (or the oom_reaper unmap it); no memcg or cpuset
 * constraint (CONSTRAINT_NONE); no panic_on_oom; no wait for a
 * previous victim (there is never one left with memory).
 *
 * Lock: the caller holds the glue's spaces lock (every fault does).
 */
#include "oom.h"
#include "space.h"
#include "swap.h"
#include "compaction.h"

/* totalpages of constrained_alloc(): managed frames + swap slots. */
u64 smm_oom_totalpages(const struct smm_mm *mm)
{
	u64 pages = mm->swap ? smm_swap_size(mm->swap) : 0;
	unsigned int z;

	for (z = 0; z < SMM_NR_ZONES; z++)
		pages += mm->zones[z].managed;
	return pages;
}

/* mm_pgtables_bytes() / PAGE_SIZE: the space's table pages, root included. */
static u64 smm_oom_pgtables(const struct smm_space *s)
{
	u64 n = 0;
	unsigned int l;

	for (l = 0; l < SMM_PT_MAX_LEVELS; l++)
		n += s->tables[l];
	return n;
}

/*
 * oom_badness(): SMM_OOM_POINTS_MIN (LONG_MIN) for a space never to be
 * killed (-1000, or killed already), else RSS + swap entries + table
 * pages + oom_score_adj * (totalpages / 1000), which may be negative.
 */
s64 smm_oom_badness(const struct smm_space *s, u64 totalpages)
{
	s64 points, adj = s->vm.oom_score_adj;

	if (adj == SMM_OOM_SCORE_ADJ_MIN || s->vm.oom_killed)
		return SMM_OOM_POINTS_MIN;
	points = s->vm.rss_anon + s->vm.swap_ents + smm_oom_pgtables(s);
	adj *= totalpages / 1000;
	return points + adj;
}

struct smm_oom_choice {
	u64 totalpages;
	struct smm_space *chosen;
	s64 points;
};

/* oom_evaluate_task(): a candidate at least as bad as the chosen replaces it. */
static int smm_oom_evaluate(struct smm_space *s, void *arg)
{
	struct smm_oom_choice *c = arg;
	s64 points = smm_oom_badness(s, c->totalpages);

	if (points == SMM_OOM_POINTS_MIN || points < c->points)
		return 0;
	c->chosen = s;
	c->points = points;
	return 0;
}

/*
 * select_bad_process(): the space with the highest badness among all the
 * glue's spaces, its points in *@points; NULL when there is none (no
 * iterator, no space, or every one -1000 or killed).
 */
struct smm_space *smm_oom_select(struct smm_mm *mm, s64 *points)
{
	struct smm_oom_choice c = {
		.totalpages = smm_oom_totalpages(mm),
		.points = SMM_OOM_POINTS_MIN,
	};

	if (mm->oom_for_each_space)
		mm->oom_for_each_space(mm, smm_oom_evaluate, &c);
	*points = c.points;
	return c.chosen;
}

/*
 * __oom_kill_process() and exit_mmap() in one: what the report prints
 * read first, then every anonymous page and swap entry of @s freed
 * (smm_space_unmap_anon() over the whole space: pages leave through
 * smm_space_zap_leaf(), slots through smm_swap_free_entry(), emptied
 * tables are freed), and @s marked killed. Its VMAs stay, for show;
 * pages of SPACE_MAP (not anonymous) stay too, as a kernel mapping
 * would. Counts oom_kill.
 */
void smm_oom_kill_space(struct smm_space *s, struct smm_oom_report *r)
{
	r->victim = s->id;
	r->oom_score_adj = s->vm.oom_score_adj;
	r->total_vm = smm_vma_pages(s);
	r->anon_rss = s->vm.rss_anon;
	r->swap_ents = s->vm.swap_ents;
	r->pgtables = smm_oom_pgtables(s);
	smm_space_unmap_anon(s, 0, smm_space_limit(s));
	s->vm.oom_killed = true;
	WRITE_ONCE(s->mm->events.oom_kill, s->mm->events.oom_kill + 1);
}

/*
 * out_of_memory() for a fault of @trigger that found no memory after
 * reclaim (or, @trigger NULL, for another allocation of @order: the
 * glue's PAGE_ALLOC): select the victim, kill it, report it through the
 * glue. Returns 0 when a space other than @trigger was killed (the
 * allocation retries), -ESRCH when @trigger itself was (the fault fails
 * with that), -ENOMEM when there was no victim.
 */
int smm_out_of_memory(struct smm_mm *mm, struct smm_space *trigger, unsigned int order)
{
	struct smm_oom_report r = { .trigger = trigger ? trigger->id : 0, .order = order };
	struct smm_space *victim;
	s64 points;

	victim = smm_oom_select(mm, &points);
	if (!victim)
		return -ENOMEM;
	r.points = points;
	r.totalpages = smm_oom_totalpages(mm);
	smm_oom_kill_space(victim, &r);
	if (mm->oom_report)
		mm->oom_report(mm, &r);
	return victim == trigger ? -ESRCH : 0;
}

/* /proc/PID/oom_score_adj's write: -1000..1000, else -EINVAL with why. */
int smm_oom_set_score_adj(struct smm_space *s, s64 adj, const char **why)
{
	if (adj < SMM_OOM_SCORE_ADJ_MIN || adj > SMM_OOM_SCORE_ADJ_MAX) {
		*why = "oom_score_adj must be -1000 to 1000";
		return -EINVAL;
	}
	s->vm.oom_score_adj = adj;
	return 0;
}

/*
 * __alloc_pages_may_oom()'s conditions: the killer helps a request that
 * may block and retry (no ATOMIC, no NORETRY), of an order that is not
 * costly ("the OOM killer will not help higher order allocs"), that may
 * use Normal ("the OOM killer does not needlessly kill tasks for
 * lowmem": highest_zoneidx < ZONE_NORMAL).
 */
static bool smm_alloc_may_oom(unsigned int order, unsigned int gfp)
{
	return !(gfp & (SHADOWMM_GFP_ATOMIC | SHADOWMM_GFP_NORETRY | SHADOWMM_GFP_DMA |
			SHADOWMM_GFP_DMA32)) && order <= SMM_PCP_MAX_ORDER;
}

/*
 * An allocation outside the fault path that may reclaim, compact and go
 * OOM, as __alloc_pages_slowpath() for GFP_KERNEL:
 * smm_alloc_pages_compact() (direct compaction for orders above 0,
 * direct reclaim, their retries, the reserves given back: compaction.h
 * says why this caller may compact), then, when
 * smm_alloc_may_oom(), the OOM killer and another try after each kill,
 * until the allocation succeeds or there is no victim left (each kill
 * takes one candidate away: a killed space is none, so this ends).
 * Returns as smm_alloc_pages_reclaim(): 0 with the block in *@idx and
 * *@cpu pinned, or -ENOMEM with nothing pinned. Lock: the spaces' lock,
 * held by the caller (reclaim and the killer read and free the spaces).
 */
int smm_alloc_pages_oom(struct smm_mm *mm, unsigned int order, unsigned int gfp,
			unsigned int *cpu, u64 *idx)
{
	int ret;

	gfp |= SMM_GFP_DIRECT_RECLAIM;
	do {
		ret = smm_alloc_pages_compact(mm, order, gfp, cpu, idx);
	} while (ret == -ENOMEM && smm_alloc_may_oom(order, gfp) &&
		 !smm_out_of_memory(mm, NULL, order));
	return ret;
}
