// SPDX-License-Identifier: GPL-2.0
/*
 * The registry of shadow address spaces (core/space.h): ids 1 to
 * SHADOWMM_SPACE_MAX, what each names, and a generation that moves on
 * every change, for dumps. nl_space.c (SPACE_*), nl_walk.c (PT_WALK of a
 * space), RESET and unload use it.
 *
 * One mutex, smm_space_lock, serialises every request on every space:
 * requests are bounded (SHADOWMM_SPACE_MAP_MAX pages) and reschedule
 * as they go, so nothing waits long. Lock order: smm_space_lock, then
 * the allocator's own locks (core/mm.h).
 *
 * The OOM killer (core/oom.h) sees the spaces through
 * smm_spaces_oom_setup()'s callbacks, called from a fault, which holds
 * smm_space_lock already.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>

#include "smm.h"
#include "core/space.h"
#include "core/filemap.h"
#include "core/swap.h"
#include "core/oom.h"

static DEFINE_MUTEX(smm_space_lock);
static struct smm_space *smm_spaces[SHADOWMM_SPACE_MAX];
static u32 smm_space_gen;	/* moves on every change, for dumps */

void smm_space_lock_all(void)
{
	mutex_lock(&smm_space_lock);
}

void smm_space_unlock_all(void)
{
	mutex_unlock(&smm_space_lock);
}

/* With smm_space_lock held: the space @id names, or NULL. */
struct smm_space *smm_space_find(u32 id)
{
	lockdep_assert_held(&smm_space_lock);
	return id >= 1 && id <= SHADOWMM_SPACE_MAX ? smm_spaces[id - 1] : NULL;
}

u32 smm_space_generation(void)
{
	lockdep_assert_held(&smm_space_lock);
	return smm_space_gen;
}

/* With smm_space_lock held: a space changed (mapped, unmapped, added, removed). */
void smm_space_changed(void)
{
	lockdep_assert_held(&smm_space_lock);
	smm_space_gen++;
}

/* With smm_space_lock held: the lowest free id, or 0 when every id is taken. */
u32 smm_space_free_id(void)
{
	u32 i;

	lockdep_assert_held(&smm_space_lock);
	for (i = 0; i < SHADOWMM_SPACE_MAX; i++)
		if (!smm_spaces[i])
			return i + 1;
	return 0;
}

/* With smm_space_lock held: @id names @s (set up with that id), or nothing. */
void smm_space_set(u32 id, struct smm_space *s)
{
	smm_spaces[id - 1] = s;
	smm_space_changed();
}

/* RESET and unload: every space back to the buddy. Returns frames freed. */
u64 smm_spaces_destroy_all(void)
{
	u64 frames = 0;
	unsigned int i;

	mutex_lock(&smm_space_lock);
	for (i = 0; i < SHADOWMM_SPACE_MAX; i++) {
		if (!smm_spaces[i])
			continue;
		frames += smm_space_frames(smm_spaces[i]);
		smm_space_destroy(smm_spaces[i]);
		kfree(smm_spaces[i]);
		smm_spaces[i] = NULL;
		smm_space_gen++;
		cond_resched();
	}
	mutex_unlock(&smm_space_lock);
	return frames;
}

/*
 * CHECK's part for the spaces: each space's VMAs and faulted pages
 * (smm_vma_check()), its swap entries, the page cache's i_mmap against
 * the file VMAs and RssFile of them all (smm_filemap_check_rmap()), and
 * the swap area against them all (core/swap.h), then the LRU lists and their rmap (smm_lru_check()),
 * then the pin table against the pages (smm_pin_check()),
 * under smm_space_lock. Non-zero with the first
 * broken rule in @why.
 */
int smm_spaces_check(char *why, size_t len)
{
	struct smm_mm *mm = &smm_dev.mm;
	u64 file_vmas = 0, rss_file = 0;
	u8 *seen = NULL;
	int ret = 0;
	u32 id;

	smm_space_lock_all();
	if (mm->swap) {
		seen = kvzalloc(mm->swap->slots, GFP_KERNEL);
		if (!seen) {
			snprintf(why, len, "out of memory for the swap check");
			ret = -ENOMEM;
		}
	}
	for (id = 1; !ret && id <= SHADOWMM_SPACE_MAX; id++) {
		struct smm_space *s = smm_space_find(id);
		u32 i;

		if (s)
			ret = smm_vma_check(s, why, len);
		if (s && !ret)
			ret = smm_swap_check_space(s, seen, why, len);
		for (i = 0; s && i < s->vm.nr; i++)
			file_vmas += s->vm.vma[i].kind == SMM_VMA_FILE;
		rss_file += s ? s->vm.rss_file : 0;
	}
	if (!ret)
		ret = smm_filemap_check_rmap(mm, file_vmas, rss_file, why, len);
	if (!ret && seen)
		ret = smm_swap_check(mm, seen, why, len);
	if (!ret)
		ret = smm_lru_check(mm, why, len);
	if (!ret)
		ret = smm_pin_check(mm, why, len);
	smm_space_unlock_all();
	kvfree(seen);
	return ret;
}

/* mm->oom_for_each_space: every space by id, with smm_space_lock held by the fault. */
static void smm_spaces_oom_for_each(struct smm_mm *mm, int (*fn)(struct smm_space *s, void *arg),
				    void *arg)
{
	unsigned int i;

	lockdep_assert_held(&smm_space_lock);
	for (i = 0; i < SHADOWMM_SPACE_MAX; i++)
		if (smm_spaces[i] && fn(smm_spaces[i], arg))
			return;
}

/* What smm_spaces_oom_report() recorded: under smm_space_lock. */
static struct smm_oom_kills smm_oom_kills;

/*
 * mm->oom_report: the kernel's dump_header() first line and
 * __oom_kill_process()'s "Out of memory: Killed process" line, for a
 * space, at KERN_ERR. The victim changed, so dumps restart.
 */
static void smm_spaces_oom_report(struct smm_mm *mm, const struct smm_oom_report *r)
{
	lockdep_assert_held(&smm_space_lock);
	if (r->trigger)
		pr_warn("space %u invoked oom-killer: order=%u, totalpages=%llu\n", r->trigger,
			r->order, r->totalpages);
	else
		pr_warn("%s invoked oom-killer: order=%u, totalpages=%llu (a PAGE_ALLOC)\n",
			current->comm, r->order, r->totalpages);
	pr_err("Out of memory: Killed space %u total-vm:%llukB, anon-rss:%llukB, swap:%llukB, pgtables:%llukB oom_score_adj:%d\n",
	       r->victim, r->total_vm << (PAGE_SHIFT - 10), r->anon_rss << (PAGE_SHIFT - 10),
	       r->swap_ents << (PAGE_SHIFT - 10), r->pgtables << (PAGE_SHIFT - 10),
	       r->oom_score_adj);
	smm_oom_kills.kills++;
	smm_oom_kills.victim = r->victim;
	smm_oom_kills.victim_pages = r->anon_rss + r->swap_ents;
	smm_space_gen++;
}

/* A copy of the kill counts; the caller holds smm_space_lock. */
void __smm_spaces_oom_kills(struct smm_oom_kills *k)
{
	lockdep_assert_held(&smm_space_lock);
	*k = smm_oom_kills;
}

/* At load, after the mm is set up: the OOM killer's view of the registry. */
void smm_spaces_oom_setup(struct smm_mm *mm)
{
	mm->oom_for_each_space = smm_spaces_oom_for_each;
	mm->oom_report = smm_spaces_oom_report;
}
