// SPDX-License-Identifier: GPL-2.0
/*
 * The leaves of a range as runs (PT_WALK's leaves mode): what a reader
 * of /proc/PID/pagemap wants, the frame and flags of each page, at a few
 * bytes per run instead of every level of every page.
 *
 * Idea: walk the first address from the top (smm_walk_va()), then read
 * the next entries of the same table directly below the same parent, as
 * the kernel's walk_page_range() does, falling back to a walk from the
 * top at the end of a table or on an entry that points to a table. Every
 * leaf is decoded by smm_walk_leaf(), the end of the full walk too, so a
 * run built here says what the per-page walk says (tools/testing/core
 * walk_runs_test.c checks it against that walk on random tables).
 *
 * Invariant of run[]: in address order; each run is whole pages of one
 * size with equal flags, virtually contiguous, and (when pfns) physically
 * contiguous; only present and PROT_NONE leaves (kind PAGE) are kept.
 *
 * Locks: none of its own; the backend's (the caller holds the mmap lock
 * of a process, smm_space_lock of a space).
 */
#include "walk.h"

_Static_assert(SHADOWMM_PTF_ALL <= 0xffff, "run flags are 16 bits");
_Static_assert(sizeof(struct shadowmm_pt_run) == 24, "uapi run size");

/* Does the leaf (@addr, @pfn, @shift, @flags) extend @run? */
static bool smm_run_follows(const struct shadowmm_pt_run *run, bool pfns, u64 addr, u64 pfn,
			    unsigned int shift, u32 flags)
{
	return run->shift == shift && run->flags == flags && run->pages != 0xffffffffU &&
	       run->addr + ((u64)run->pages << shift) == addr &&
	       (!pfns || run->pfn + ((u64)run->pages << (shift - SMM_PAGE_SHIFT)) == pfn);
}

/*
 * Add the leaf @w (a page: kind PAGE, size a power of two) to @r: join
 * the last run if it follows it, else start a run. Returns false, @r
 * unchanged, when a run is needed and run[] is full.
 */
bool smm_runs_add(struct smm_runs *r, const struct smm_walk *w)
{
	unsigned int shift = __builtin_ctzll(w->size);
	u64 pfn = r->pfns ? w->pfn - ((w->va - w->start) >> SMM_PAGE_SHIFT) : 0;
	struct shadowmm_pt_run *run;

	if (r->nr && smm_run_follows(&r->run[r->nr - 1], r->pfns, w->start, pfn, shift, w->flags)) {
		r->run[r->nr - 1].pages++;
		return true;
	}
	if (r->nr == r->max)
		return false;
	run = &r->run[r->nr++];
	run->addr = w->start;
	run->pfn = pfn;
	run->pages = 1;
	run->flags = w->flags;
	run->shift = shift;
	run->reserved = 0;
	return true;
}

/* What smm_leaves_take() says of the call: go on, the range is done, or stop here. */
enum smm_leaves_next { SMM_LEAVES_ON, SMM_LEAVES_DONE, SMM_LEAVES_STOP };

/*
 * Step *@pos past @w. DONE when the range [.., @last] is (the next
 * address is past it or wrapped to 0); STOP when the call's steps are
 * spent. smm_leaves_take() first keeps @w if it is a page, STOP when
 * run[] is full (*@pos stays: the next call walks the page again).
 */
static enum smm_leaves_next smm_leaves_step(struct smm_runs *r, const struct smm_walk *w,
					    u64 *pos, u64 last)
{
	u64 next = w->start + w->size;

	if (!next || next - 1 >= last)
		return SMM_LEAVES_DONE;
	*pos = next;
	if (r->steps <= 1) {
		r->steps = 0;
		return SMM_LEAVES_STOP;
	}
	r->steps--;
	return SMM_LEAVES_ON;
}

static enum smm_leaves_next smm_leaves_take(struct smm_runs *r, const struct smm_walk *w,
					    u64 *pos, u64 last)
{
	if (w->kind == SHADOWMM_PT_PAGE && !smm_runs_add(r, w))
		return SMM_LEAVES_STOP;
	return smm_leaves_step(r, w, pos, last);
}

/*
 * May the PTE after @e, if it is @e + 4 KiB, join @w's run as it is? It
 * then maps the next frame with the same bits, so the same flags: when
 * @e is a present 4K page whose frame is a plain field from bit 12 up
 * (x86-64, arm64 without LPA2) and no arm64 contiguous range gathers its
 * flags from elsewhere.
 */
static bool smm_leaves_tight(const struct smm_pt_fmt *f, unsigned int level, u64 e,
			     const struct smm_walk *w)
{
	if (level != SHADOWMM_PT_PTE || w->kind != SHADOWMM_PT_PAGE ||
	    !(w->flags & SHADOWMM_PTF_PRESENT))
		return false;
	return f->arch != SMM_PT_ARM64 || (!f->lpa2 && !(e & SMM_ARM64_CONT));
}

#define SMM_LEAVES_BATCH	32	/* entries read at once along a table */

/*
 * Read the next entries of @level's table from @pos into @buf: up to the
 * table's end, @last, and SMM_LEAVES_BATCH, through ops->read_n when the
 * backend has it (one entry at a time otherwise). *@n gets how many.
 */
static int smm_leaves_fill(const struct smm_walk_ops *ops, void *priv, unsigned int level,
			   u64 parent, u64 pos, u64 last, u64 *buf, unsigned int *n)
{
	const struct smm_pt_fmt *f = ops->fmt;
	unsigned int shift = smm_pt_shift(f, level);
	u64 want = smm_pt_entries(f, level) - smm_pt_index(f, level, pos);

	want = min(want, ((last - pos) >> shift) + 1);
	want = min(want, (u64)SMM_LEAVES_BATCH);
	if (!ops->read_n) {
		*n = 1;
		return ops->read(priv, level, parent, pos, buf);
	}
	*n = want;
	return ops->read_n(priv, level, parent, pos, want, buf);
}

/*
 * The PTEs from *@pos on that map the frames after @prev's with its bits
 * (@prev + 4 KiB, + 8 KiB, ...), each one more page of the last run
 * (smm_leaves_tight() says @prev's run may grow so), counted by the
 * backend's count_seq a table at a time: up to the table's end, @last,
 * the steps left and the run's page limit, under one check that the
 * table held. Steps *@pos and r->steps as that many smm_leaves_step()
 * calls would, and says in *@next what the last step said. 0 or the
 * backend's error.
 */
static int smm_leaves_follow(const struct smm_walk_ops *ops, void *priv, u64 parent, u64 *pos,
			     u64 last, struct smm_runs *r, u64 prev, enum smm_leaves_next *next)
{
	const struct smm_pt_fmt *f = ops->fmt;
	struct shadowmm_pt_run *run = &r->run[r->nr - 1];
	u64 want, end;
	unsigned int k;
	int ret;

	want = smm_pt_entries(f, SHADOWMM_PT_PTE) - smm_pt_index(f, SHADOWMM_PT_PTE, *pos);
	want = min(want, ((last - *pos) >> SMM_PAGE_SHIFT) + 1);
	want = min(want, (u64)max(r->steps, 1U));	/* a step is taken with none left */
	want = min(want, (u64)(0xffffffffU - run->pages));
	*next = SMM_LEAVES_ON;
	if (!want)
		return 0;
	ret = ops->count_seq(priv, parent, *pos, want, prev + SMM_PAGE_SIZE, SMM_PAGE_SIZE, &k);
	if (ret || !k)
		return ret;
	run->pages += k;
	end = *pos + ((u64)k << SMM_PAGE_SHIFT);
	if (!end || end - 1 >= last) {
		*next = SMM_LEAVES_DONE;
		return 0;
	}
	*pos = end;
	if (r->steps <= k) {
		r->steps = 0;
		*next = SMM_LEAVES_STOP;
	} else {
		r->steps -= k;
	}
	return 0;
}

/*
 * Add the leaves of [*@pos, @last] to @r through @ops. Returns 1 when
 * the range is done, 0 when run[] is full or r->steps are spent (*@pos
 * is where to go on), or the backend's error (*@pos at the entry that
 * failed). Inside one table the entries after the first are read below
 * the parent the first walk followed, a batch at a time; the backend
 * checks that parent still holds (pt_real.c), so this is the same
 * picture a walk of each address from the top would give. A page (kind
 * PAGE) whose bits other than the address are those of the last decoded
 * one has its flags and kind (smm_pte_attrs()); arm64 contiguous ranges,
 * whose flags gather their neighbours', are decoded each time. When the
 * backend can count (count_seq), the pages that follow on from a page
 * the last run may grow by are counted the rest of the table at a time
 * (smm_leaves_follow()), not stepped through one by one.
 */
int smm_walk_leaves(const struct smm_walk_ops *ops, void *priv, u64 *pos, u64 last,
		    struct smm_runs *r)
{
	const struct smm_pt_fmt *f = ops->fmt;
	const struct smm_walk_level *l;
	u64 buf[SMM_LEAVES_BATCH], parent, e, key = 0, pfn, prev = 0;
	unsigned int level, i, have;
	enum smm_leaves_next next;
	struct smm_walk w;
	bool cached, tight;
	int ret;

	for (;;) {
		ret = smm_walk_va(ops, priv, *pos, &w);
		if (ret)
			return ret;
		next = smm_leaves_take(r, &w, pos, last);
		if (next != SMM_LEAVES_ON)
			return next == SMM_LEAVES_DONE;
		/* the table the leaf is in: a folded P4D's is the PGD */
		l = &w.lv[w.nr - 1];
		if (l->folded)
			l--;
		level = l->level;
		parent = l > w.lv ? l[-1].entry : 0;
		cached = false;
		prev = e = w.lv[w.nr - 1].entry;	/* the leaf just taken */
		tight = smm_leaves_tight(f, level, e, &w);
		/* along the table, until it ends or holds a table */
		for (i = have = 0; smm_pt_index(f, level, *pos); prev = e) {
			if (i == have && tight && ops->count_seq) {
				/* the rest of the table at once; then the entry after */
				ret = smm_leaves_follow(ops, priv, parent, pos, last, r, e, &next);
				if (ret)
					return ret;
				if (next != SMM_LEAVES_ON)
					return next == SMM_LEAVES_DONE;
				tight = false;	/* *pos does not follow on, or the run is full */
				continue;
			}
			if (i == have) {
				ret = smm_leaves_fill(ops, priv, level, parent, *pos, last, buf, &have);
				if (ret)
					return ret;
				i = 0;
			}
			e = buf[i++];
			if (tight && e == prev + SMM_PAGE_SIZE &&
			    r->run[r->nr - 1].pages != 0xffffffffU) {
				/* the next frame, same bits: one more page of the last run */
				r->run[r->nr - 1].pages++;
				w.va = w.start = *pos;
				w.pfn++;
				next = smm_leaves_step(r, &w, pos, last);
				if (next != SMM_LEAVES_ON)
					return next == SMM_LEAVES_DONE;
				continue;
			}
			if (cached && smm_pte_attrs(f, level, e, &pfn) == key) {
				w.va = w.start = *pos;	/* size, kind, flags: as the last */
				w.pfn = pfn;
			} else {
				if (!smm_pte_leaf(f, level, e))
					break;
				w.va = *pos;
				ret = smm_walk_leaf(ops, priv, level, parent, e, &w);
				if (ret)
					return ret;
				cached = w.kind == SHADOWMM_PT_PAGE &&
					 !(f->arch == SMM_PT_ARM64 && (e & SMM_ARM64_CONT));
				if (cached)
					key = smm_pte_attrs(f, level, e, &pfn);
			}
			next = smm_leaves_take(r, &w, pos, last);
			if (next != SMM_LEAVES_ON)
				return next == SMM_LEAVES_DONE;
			tight = smm_leaves_tight(f, level, e, &w);
		}
	}
}

/*
 * As smm_walk_leaves(), through a walk of each address from the top:
 * for a backend that offers only that (a shadow space, space.c).
 */
int smm_walk_leaves_by(smm_walk_va_fn walk, void *priv, u64 *pos, u64 last, struct smm_runs *r)
{
	enum smm_leaves_next next;
	struct smm_walk w;
	int ret;

	for (;;) {
		ret = walk(priv, *pos, &w);
		if (ret)
			return ret;
		next = smm_leaves_take(r, &w, pos, last);
		if (next != SMM_LEAVES_ON)
			return next == SMM_LEAVES_DONE;
	}
}
