// SPDX-License-Identifier: GPL-2.0
/*
 * In-kernel stress for the reliability tests: writing "THREADS SECONDS" to
 * /sys/kernel/debug/shadowmm/stress runs THREADS kthreads, spread over the
 * online CPUs, that allocate and free random blocks (orders 0-10, every
 * zone modifier and migratetype, zeroed or not up to order 3, single and
 * bulk) and random kmalloc objects (8 B to 8 KiB) for SECONDS, while user
 * space does what it likes through netlink. Every block and object a
 * thread got is freed before the write returns.
 *
 * The threads check that what they own stays theirs. Every page of a
 * block gets nine 64-bit words of a pattern (one every 512 bytes from the
 * page's start, and its last word), and an object is filled with one;
 * the pattern is derived from the block's frame index (the object's
 * position), the thread, the allocation's serial number and the offset,
 * and is read back before the free. A block asked for zeroed must read
 * zeros at those words first (where the last owner's pattern was). A
 * block or object that differs counts as corrupt, and the first one of a
 * run is logged with pr_err, naming it and the offset. Two owners handed
 * the same memory overwrite each other's pattern, and a slab's header is
 * at a page's start, so the check sees an allocator that gives a page or
 * an object out twice. Words rather than whole pages: a run lasts a fixed
 * time, and under TCG writing and reading every byte of every block left
 * about a ninth of the operations nine words a page leave (the figures
 * are in Documentation/testing.md).
 *
 * "THREADS SECONDS corrupt" (only with the module parameter
 * debug_corrupt=1) proves the check can fail: halfway through, the first
 * thread flips one byte of a pattern word of a block it owns and one byte
 * of an object it owns, so the run must report exactly 2 corrupt.
 *
 * Reading the file gives the last run's totals: "threads T seconds S
 * allocs A frees F failures X obj_allocs A obj_frees F obj_failures X
 * obj_refused R corrupt C" (R: frees the allocator refused, which would be
 * a bug; C: blocks and objects found corrupt).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/mutex.h>
#include <linux/prandom.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "smm.h"
#include "compat.h"		/* get/put_unaligned_le64() */

#define SMM_STRESS_MAX_THREADS	16
#define SMM_STRESS_MAX_SECONDS	600
#define SMM_STRESS_LIVE		64
#define SMM_STRESS_OBJS		256
#define SMM_STRESS_BULK		8
#define SMM_STRESS_STRIDE	512	/* bytes between a page's pattern words */

struct smm_stress_block {
	u64 idx;		/* head frame */
	u64 key;		/* the pattern's seed */
	unsigned int order;
};

struct smm_stress_obj {
	struct smm_cache *c;
	u64 pos;
	u64 key;
	size_t size;		/* bytes asked for, all written */
};

struct smm_stress_thread {
	unsigned int id;
	unsigned long deadline;
	unsigned long inject_at;	/* when to damage what it owns, if asked */
	bool inject_block, inject_obj;
	u64 seed, serial;
	u64 allocs, frees, failures, corrupt;
	struct smm_stress_block live[SMM_STRESS_LIVE];
	unsigned int nr_live;
	u64 obj_allocs, obj_frees, obj_failures, obj_refused;
	struct smm_stress_obj objs[SMM_STRESS_OBJS];
	unsigned int nr_objs;
	struct completion done;
};

static DEFINE_MUTEX(smm_stress_lock);
static struct {
	unsigned int threads, seconds;
	u64 allocs, frees, failures;
	u64 obj_allocs, obj_frees, obj_failures, obj_refused;
	u64 corrupt;
} smm_stress_last;

/* Set by the first thread of a run that finds something corrupt. */
static atomic_t smm_stress_reported;

static u64 smm_stress_rand(struct smm_stress_thread *t)
{
	t->seed ^= t->seed << 13;
	t->seed ^= t->seed >> 7;
	t->seed ^= t->seed << 17;
	return t->seed;
}

/* splitmix64's finaliser: nearby inputs give unrelated keys. */
static u64 smm_stress_mix(u64 x)
{
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/*
 * The key of one allocation: its frame index or object position, this
 * thread and the allocation's serial number, so no two owners (nor one
 * owner's two allocations of the same memory) share a pattern.
 */
static u64 smm_stress_key(struct smm_stress_thread *t, u64 where)
{
	return smm_stress_mix(where ^ smm_stress_mix((u64)t->id << 48 | ++t->serial));
}

/*
 * The pattern: at byte offset OFF (a multiple of 8) the word KEY + OFF,
 * stored little-endian; a tail shorter than a word gets that word's
 * first bytes. Objects have it in full.
 */
static void smm_stress_fill(void *p, size_t len, u64 key)
{
	size_t off;

	for (off = 0; off + 8 <= len; off += 8)
		put_unaligned_le64(key + off, p + off);
	for (; off < len; off++)
		((u8 *)p)[off] = (key + (off & ~7UL)) >> (8 * (off & 7));
}

/* The offset of the first byte that differs from the pattern, or @len. */
static size_t smm_stress_find_bad(const void *p, size_t len, u64 key)
{
	size_t off;

	for (off = 0; off + 8 <= len; off += 8)
		if (get_unaligned_le64(p + off) != key + off)
			break;
	for (; off < len; off++)
		if (((const u8 *)p)[off] != (u8)((key + (off & ~7UL)) >> (8 * (off & 7))))
			return off;
	return len;
}

#define SMM_STRESS_PAGE_WORDS	(SMM_PAGE_SIZE / SMM_STRESS_STRIDE + 1)

/* The @w-th pattern word of a page, as a byte offset in the page. */
static size_t smm_stress_word(unsigned int w)
{
	return w == SMM_STRESS_PAGE_WORDS - 1 ? SMM_PAGE_SIZE - 8 : w * SMM_STRESS_STRIDE;
}

/* A block's pattern: the words of smm_stress_word() in each page. */
static void smm_stress_block_fill(void *p, unsigned int order, u64 key)
{
	size_t page, off;
	unsigned int w;

	for (page = 0; page < SMM_PAGE_SIZE << order; page += SMM_PAGE_SIZE)
		for (w = 0; w < SMM_STRESS_PAGE_WORDS; w++) {
			off = page + smm_stress_word(w);
			put_unaligned_le64(key + off, p + off);
		}
}

/*
 * The offset of the first pattern word of a block that is not KEY + its
 * offset (with @zero: not 0), or the block's size if none.
 */
static size_t smm_stress_block_find_bad(const void *p, unsigned int order, u64 key, bool zero)
{
	size_t page, off;
	unsigned int w;

	for (page = 0; page < SMM_PAGE_SIZE << order; page += SMM_PAGE_SIZE)
		for (w = 0; w < SMM_STRESS_PAGE_WORDS; w++) {
			off = page + smm_stress_word(w);
			if (get_unaligned_le64(p + off) != (zero ? 0 : key + off))
				return off;
		}
	return SMM_PAGE_SIZE << order;
}

/* Where the glue mapped a block's frames: NULL if nowhere. */
static void *smm_stress_virt(u64 idx)
{
	return smm_slab_pos_virt(&smm_dev.mm, idx << SMM_PAGE_SHIFT);
}

/* Count one corrupt block or object; the run's first one is also logged. */
static void smm_stress_corrupt(struct smm_stress_thread *t, const char *what, u64 where,
			       size_t off, const void *p, const char *why)
{
	t->corrupt++;
	if (atomic_xchg(&smm_stress_reported, 1))
		return;
	pr_err("stress: thread %u: %s %#llx corrupt at offset %#zx (%s): byte %#04x\n",
	       t->id, what, where, off, why, ((const u8 *)p)[off]);
}

/* Free one live block (or all of them) on this CPU, its pattern checked. */
static void smm_stress_free(struct smm_stress_thread *t, unsigned int k)
{
	struct smm_stress_block *b = &t->live[k];
	size_t len = SMM_PAGE_SIZE << b->order, off;
	void *p = smm_stress_virt(b->idx);

	if (p) {
		off = smm_stress_block_find_bad(p, b->order, b->key, false);
		if (off < len)
			smm_stress_corrupt(t, "block", b->idx, off, p, "pattern");
	}
	smm_free_pages(&smm_dev.mm, b->idx, smm_cpu_get());
	smm_cpu_put();
	*b = t->live[--t->nr_live];
	t->frees++;
}

static unsigned int smm_stress_gfp(u64 r)
{
	static const unsigned int zone[] = { 0, 0, SHADOWMM_GFP_DMA32, SHADOWMM_GFP_DMA };
	static const unsigned int mt[] = {
		0, SHADOWMM_GFP_MOVABLE, SHADOWMM_GFP_MOVABLE, SHADOWMM_GFP_RECLAIMABLE
	};

	return zone[r & 3] | mt[(r >> 2) & 3] | ((r >> 4) & 1 ? SHADOWMM_GFP_HIGH : 0) |
	       ((r >> 5) & 7 ? 0 : SHADOWMM_GFP_ZERO) | ((r >> 8) & 3 ? 0 : SHADOWMM_GFP_ATOMIC);
}

/*
 * Take a block just allocated: check that a zeroed one reads zeros where
 * patterns are written, then write its own.
 */
static void smm_stress_own(struct smm_stress_thread *t, u64 idx, unsigned int order,
			   unsigned int gfp)
{
	struct smm_stress_block *b = &t->live[t->nr_live++];
	size_t len = SMM_PAGE_SIZE << order, off;
	void *p = smm_stress_virt(idx);

	b->idx = idx;
	b->order = order;
	b->key = smm_stress_key(t, idx);
	t->allocs++;
	if (!p)
		return;
	if (gfp & SHADOWMM_GFP_ZERO) {
		off = smm_stress_block_find_bad(p, order, 0, true);
		if (off < len)
			smm_stress_corrupt(t, "block", idx, off, p, "not zeroed");
	}
	smm_stress_block_fill(p, order, b->key);
}

static void smm_stress_alloc(struct smm_stress_thread *t, u64 r)
{
	struct smm_mm *mm = &smm_dev.mm;
	unsigned int gfp = smm_stress_gfp(r >> 8), n, i, cpu;
	/* mostly small orders, as real workloads */
	unsigned int order = (r & 0xff) < 200 ? (r >> 40) & 3 : (r >> 40) % SMM_NR_ORDERS;
	u64 got[SMM_STRESS_BULK];

	/* one in eight zeroed, up to order 3: clearing 4 MiB is slow under TCG */
	if (order > SMM_PCP_MAX_ORDER)
		gfp &= ~SHADOWMM_GFP_ZERO;

	cpu = smm_cpu_get();
	if ((r >> 50) & 1 && t->nr_live + SMM_STRESS_BULK <= SMM_STRESS_LIVE) {
		n = smm_alloc_pages_bulk(mm, gfp, cpu, SMM_STRESS_BULK, got);
		smm_cpu_put();
		for (i = 0; i < n; i++)
			smm_stress_own(t, got[i], 0, gfp);
		t->failures += n < SMM_STRESS_BULK;
		return;
	}
	if (!smm_alloc_pages(mm, order, gfp, cpu, &got[0])) {
		smm_cpu_put();
		smm_stress_own(t, got[0], order, gfp);
		return;
	}
	smm_cpu_put();
	t->failures++;
}

static void smm_stress_obj_free(struct smm_stress_thread *t, unsigned int k)
{
	struct smm_stress_obj *o = &t->objs[k];
	void *p = smm_slab_pos_virt(&smm_dev.mm, o->pos);
	size_t off;

	if (p) {
		off = smm_stress_find_bad(p, o->size, o->key);
		if (off < o->size)
			smm_stress_corrupt(t, "object at position", o->pos, off, p, o->c->name);
	}
	if (smm_cache_free(o->c, o->pos, smm_cpu_get()))
		t->obj_refused++;	/* a refused free: a bug, reported in the log */
	smm_cpu_put();
	*o = t->objs[--t->nr_objs];
	t->obj_frees++;
}

/* A kmalloc object of a random size, mostly small, filled with its pattern. */
static void smm_stress_obj_alloc(struct smm_stress_thread *t, u64 r)
{
	size_t size = 1 + (r >> 20) % ((r >> 40) & 1 ? SMM_SLAB_MAX_SIZE : 512);
	struct smm_cache *c = smm_kmalloc_cache(&smm_dev.slabs, size);
	struct smm_stress_obj *o = &t->objs[t->nr_objs];
	void *p = smm_cache_alloc(c, smm_cpu_get(), 0, &o->pos);

	smm_cpu_put();
	if (!p) {
		t->obj_failures++;
		return;
	}
	o->c = c;
	o->size = size;
	o->key = smm_stress_key(t, o->pos);
	smm_stress_fill(p, size, o->key);
	t->nr_objs++;
	t->obj_allocs++;
}

/*
 * debug_corrupt=1 only: flip one byte of a block and one of an object this
 * thread owns (each once, when it owns one), as a stray write would.
 */
static void smm_stress_inject(struct smm_stress_thread *t)
{
	u64 r = smm_stress_rand(t);
	u8 *p;

	if (t->inject_block && t->nr_live) {
		struct smm_stress_block *b = &t->live[r % t->nr_live];

		p = smm_stress_virt(b->idx);
		if (p) {
			size_t page = ((r >> 16) % (1U << b->order)) << SMM_PAGE_SHIFT;

			p[page + smm_stress_word((r >> 32) % SMM_STRESS_PAGE_WORDS) + (r >> 8) % 8] ^= 0xff;
			t->inject_block = false;
			pr_info("stress: damaged block %#llx on purpose (debug_corrupt)\n", b->idx);
		}
	}
	if (t->inject_obj && t->nr_objs) {
		struct smm_stress_obj *o = &t->objs[r % t->nr_objs];

		p = smm_slab_pos_virt(&smm_dev.mm, o->pos);
		if (p) {
			p[(r >> 16) % o->size] ^= 0xff;
			t->inject_obj = false;
			pr_info("stress: damaged object at position %#llx on purpose (debug_corrupt)\n",
				o->pos);
		}
	}
}

static int smm_stress_fn(void *data)
{
	struct smm_stress_thread *t = data;
	u64 ops = 0;

	while (time_before(jiffies, t->deadline)) {
		u64 r = smm_stress_rand(t);

		if ((r >> 56) & 1) {
			if (t->nr_objs && (t->nr_objs == SMM_STRESS_OBJS || (r >> 60) < 7))
				smm_stress_obj_free(t, r % t->nr_objs);
			else
				smm_stress_obj_alloc(t, r);
		} else if (t->nr_live && (t->nr_live == SMM_STRESS_LIVE || (r >> 60) < 7)) {
			smm_stress_free(t, r % t->nr_live);
		} else {
			smm_stress_alloc(t, r);
		}
		if ((t->inject_block || t->inject_obj) && time_after_eq(jiffies, t->inject_at))
			smm_stress_inject(t);
		if (!(++ops & 15))
			cond_resched();
	}
	/* last chance for an injection that found nothing owned halfway */
	if (t->inject_block || t->inject_obj)
		smm_stress_inject(t);
	while (t->nr_live)
		smm_stress_free(t, 0);
	while (t->nr_objs)
		smm_stress_obj_free(t, 0);
	complete(&t->done);
	return 0;
}

static void smm_stress_add(const struct smm_stress_thread *t)
{
	smm_stress_last.allocs += t->allocs;
	smm_stress_last.frees += t->frees;
	smm_stress_last.failures += t->failures;
	smm_stress_last.obj_allocs += t->obj_allocs;
	smm_stress_last.obj_frees += t->obj_frees;
	smm_stress_last.obj_failures += t->obj_failures;
	smm_stress_last.obj_refused += t->obj_refused;
	smm_stress_last.corrupt += t->corrupt;
}

/* Called with smm_stress_lock held, so one run at a time. */
static int smm_stress_run(unsigned int threads, unsigned int seconds, bool inject)
{
	struct smm_stress_thread *t;
	struct task_struct *k;
	unsigned int i, started = 0;
	int ret = 0;

	t = kcalloc(threads, sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	atomic_set(&smm_stress_reported, 0);
	for (i = 0; i < threads; i++) {
		t[i].id = i;
		t[i].deadline = jiffies + seconds * HZ;
		t[i].inject_at = jiffies + seconds * HZ / 2;
		t[i].inject_block = t[i].inject_obj = inject && i == 0;
		t[i].seed = get_random_u64() | 1;
		init_completion(&t[i].done);
		k = kthread_create_on_cpu(smm_stress_fn, &t[i],
					  cpumask_nth(i % num_online_cpus(), cpu_online_mask),
					  "smm_stress/%u");
		if (IS_ERR(k)) {
			ret = PTR_ERR(k);
			break;
		}
		wake_up_process(k);
		started++;
	}
	memset(&smm_stress_last, 0, sizeof(smm_stress_last));
	smm_stress_last.threads = started;
	smm_stress_last.seconds = seconds;
	for (i = 0; i < started; i++) {
		/*
		 * Woken every few seconds: a run may last 600 s, and a task
		 * that sleeps uninterrupted with no context switch for
		 * hung_task_timeout_secs (120) is reported as hung.
		 */
		while (!wait_for_completion_timeout(&t[i].done, 10 * HZ))
			;
		smm_stress_add(&t[i]);
	}
	if (smm_stress_last.corrupt)
		pr_err("stress: %llu blocks and objects found corrupt\n", smm_stress_last.corrupt);
	kfree(t);
	return ret;
}

/* "THREADS SECONDS [corrupt]"; corrupt needs debug_corrupt=1. */
static int smm_stress_cmd_run(char *line)
{
	unsigned int threads, seconds;
	char opt[8] = "";
	bool inject;
	int n, ret;

	n = sscanf(line, "%u %u %7s", &threads, &seconds, opt);
	if (n < 2 || !threads || threads > SMM_STRESS_MAX_THREADS || !seconds ||
	    seconds > SMM_STRESS_MAX_SECONDS || (n == 3 && strcmp(opt, "corrupt")))
		return -EINVAL;
	inject = n == 3;
	if (inject && !smm_param_debug_corrupt)
		return -EPERM;
	mutex_lock(&smm_stress_lock);
	ret = smm_stress_run(threads, seconds, inject);
	mutex_unlock(&smm_stress_lock);
	return ret;
}

static int smm_stress_show(struct seq_file *m, void *v)
{
	mutex_lock(&smm_stress_lock);
	seq_printf(m, "threads %u seconds %u allocs %llu frees %llu failures %llu "
		   "obj_allocs %llu obj_frees %llu obj_failures %llu obj_refused %llu "
		   "corrupt %llu\n",
		   smm_stress_last.threads, smm_stress_last.seconds, smm_stress_last.allocs,
		   smm_stress_last.frees, smm_stress_last.failures, smm_stress_last.obj_allocs,
		   smm_stress_last.obj_frees, smm_stress_last.obj_failures,
		   smm_stress_last.obj_refused, smm_stress_last.corrupt);
	mutex_unlock(&smm_stress_lock);
	return 0;
}

const struct smm_dbg_cmd smm_stress_cmd = {
	.run	= smm_stress_cmd_run,
	.show	= smm_stress_show,
};
