// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmarks against the kernel's own allocators, in the same kernel and
 * the same run, so that only ratios are compared (under QEMU TCG absolute
 * times mean little).
 *
 * Writing "ROW OPS REPS" to /sys/kernel/debug/shadowmm/bench runs one row:
 * REPS repetitions, each a block of OPS operations of ours followed by a
 * block of the kernel's, on every CPU the row names at once (one bound
 * kthread each). Reading the file gives the last row's result:
 *
 *   ROW cpus N ours NS NS ... kernel NS NS ...    (ns per operation)
 *
 * Rows: order0, order0-buddy (per-CPU lists off), order3, order9,
 * bulk16 (16 order-0 pages against alloc_pages_bulk_array()),
 * order0-2cpu (order0 on two CPUs at once, for scaling), and slab256 and
 * slab256-2cpu: a 256-byte object pair from a cache of ours (hardened
 * freelist, created for the run) against kmem_cache_alloc()/free() on a
 * 256-byte kernel cache made for the run; slab256-slab and slab256-slob
 * the same pair from a cache of ours of the SLAB or SLOB policy, against
 * the same kernel cache, so the three policies compare in one run.
 *
 * pagecache-hit and pagecache-miss take a file's path after REPS
 * ("pagecache-hit OPS REPS PATH"; bench_vm.sh makes a 16 MiB file in the
 * guest's tmpfs): a 4 KiB read of the file through a shadow inode made
 * for the run (readahead off, so each read is one page) against a 4 KiB
 * kernel_read() of the same page from the real page cache, warm. The hit
 * row reads pages the shadow has cached (read once before the timing);
 * the miss row pages it has not (a fresh inode for each pass over the
 * file, made and dropped outside the timing): a miss allocates a shadow
 * page, kernel_read()s the 4 KiB into it, indexes it and puts it on the
 * LRU, then copies it out. Its kernel side is the same warm real read,
 * the floor of our miss: a file in tmpfs has no real miss to measure
 * (its pages are the file), and the VM has no block device.
 *
 * A benchmark assumes nobody else uses the module meanwhile: order0-buddy
 * turns the per-CPU lists off for its duration.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/kthread.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "smm.h"
#include "core/filemap.h"

#define SMM_BENCH_MAX_REPS	15
#define SMM_BENCH_MAX_CPUS	2
#define SMM_BENCH_BULK		16

struct smm_bench_row {
	const char *name;
	unsigned int order;
	unsigned int cpus;
	bool buddy_only;
	bool bulk;
	bool slab;
	u32 policy;	/* the slab rows' cache: enum smm_slab_policy */
	bool pagecache;	/* a 4 KiB file read: the shadow's page cache against the real one */
	bool miss;	/* pagecache: pages the shadow has not cached */
};

static const struct smm_bench_row smm_bench_rows[] = {
	{ "order0",	  0, 1, false, false, false },
	{ "order0-buddy", 0, 1, true,  false, false },
	{ "order3",	  3, 1, false, false, false },
	{ "order9",	  9, 1, false, false, false },
	{ "bulk16",	  0, 1, false, true,  false },
	{ "order0-2cpu",  0, 2, false, false, false },
	{ "slab256",	  0, 1, false, false, true },
	{ "slab256-2cpu", 0, 2, false, false, true },
	{ "slab256-slab", 0, 1, false, false, true, SMM_SLAB },
	{ "slab256-slob", 0, 1, false, false, true, SMM_SLOB },
	{ .name = "pagecache-hit",  .cpus = 1, .pagecache = true },
	{ .name = "pagecache-miss", .cpus = 1, .pagecache = true, .miss = true },
};

struct smm_bench_result {
	const struct smm_bench_row *row;
	unsigned int reps;
	u64 ours[SMM_BENCH_MAX_REPS][SMM_BENCH_MAX_CPUS];
	u64 kernel[SMM_BENCH_MAX_REPS][SMM_BENCH_MAX_CPUS];
};

static DEFINE_MUTEX(smm_bench_lock);
static struct smm_bench_result smm_bench_last;
static int smm_bench_error;
/* the slab rows' caches, ours and the kernel's, for one run */
static struct smm_cache *smm_bench_cache;
static struct kmem_cache *smm_bench_kcache;

#define SMM_BENCH_SLAB_SIZE	256

static int smm_bench_slab_ours(void)
{
	unsigned int cpu = smm_cpu_get();
	u64 pos;
	int ret = 0;

	if (smm_cache_alloc(smm_bench_cache, cpu, 0, &pos))
		smm_cache_free(smm_bench_cache, pos, cpu);
	else
		ret = -ENOMEM;
	smm_cpu_put();
	return ret;
}

static int smm_bench_slab_kernel(void)
{
	void *p = kmem_cache_alloc(smm_bench_kcache, GFP_KERNEL);

	if (!p)
		return -ENOMEM;
	kmem_cache_free(smm_bench_kcache, p);
	return 0;
}

/*
 * The slab rows' two caches. Ours is built in, so netlink cannot destroy
 * it, and made and destroyed under nl_slab_lock, as the walks over every
 * cache (dumps, slabinfo, RESET) expect.
 */
static int smm_bench_slab_setup(u32 policy)
{
	struct smm_dev *d = &smm_dev;
	int ret;

	smm_bench_kcache = kmem_cache_create("smm_bench_256", SMM_BENCH_SLAB_SIZE, 0, 0, NULL);
	if (!smm_bench_kcache)
		return -ENOMEM;
	mutex_lock(&d->nl_slab_lock);
	/* SLAB and SLOB have no free pointers to harden */
	ret = smm_cache_create_policy(&d->slabs, "bench-256", SMM_BENCH_SLAB_SIZE, 0,
				      (policy == SMM_SLUB ? SHADOWMM_CACHE_HARDENED : 0) |
				      SMM_CACHE_BUILTIN, policy, &smm_bench_cache);
	mutex_unlock(&d->nl_slab_lock);
	if (ret) {
		kmem_cache_destroy(smm_bench_kcache);
		smm_bench_kcache = NULL;
	}
	return ret;
}

static void smm_bench_slab_teardown(void)
{
	struct smm_dev *d = &smm_dev;

	kmem_cache_destroy(smm_bench_kcache);
	mutex_lock(&d->nl_slab_lock);
	__smm_cache_destroy(&d->slabs, smm_bench_cache, raw_smp_processor_id());
	mutex_unlock(&d->nl_slab_lock);
	smm_bench_kcache = NULL;
	smm_bench_cache = NULL;
}

/* ---- the page-cache rows ---- */

#define SMM_BENCH_PC_ID		0x80000000u	/* the run's inode: no FILE_OPEN id (1-16) */
#define SMM_BENCH_PC_PATH	48

/* The file of a page-cache row: the real one, the shadow inode over it, a page of buffer. */
struct smm_bench_pc {
	struct file *file;
	u64 pages;		/* whole pages of the file, read in turn */
	struct smm_inode *ino;
	void *buf;
};

static struct smm_bench_pc smm_bench_pc;

/* The inode's read callback: all @len bytes at @off through kernel_read(), or -EIO. */
static int smm_bench_pc_kread(void *ctx, u64 off, void *buf, size_t len)
{
	loff_t pos = off;
	ssize_t n = kernel_read(ctx, buf, len, &pos);

	if (n < 0)
		return n;
	return (size_t)n == len ? 0 : -EIO;
}

/* The inode's copy callback: the page into the run's buffer. */
static int smm_bench_pc_copy(void *priv, u64 off, const void *src, size_t len)
{
	memcpy(priv, src, min_t(size_t, len, PAGE_SIZE));
	return 0;
}

/* A shadow inode over the file, readahead off; the spaces' lock taken here. */
static int smm_bench_pc_ino_new(void)
{
	struct smm_bench_pc *pc = &smm_bench_pc;
	const char *why;
	int ret;

	smm_space_lock_all();
	ret = smm_inode_create(&smm_dev.mm, SMM_BENCH_PC_ID, pc->pages * PAGE_SIZE,
			       smm_bench_pc_kread, pc->file, &pc->ino, &why);
	if (!ret)
		smm_inode_set_ra_pages(pc->ino, 0);
	smm_space_unlock_all();
	return ret;
}

static void smm_bench_pc_ino_free(void)
{
	struct smm_bench_pc *pc = &smm_bench_pc;

	if (!pc->ino)
		return;
	smm_space_lock_all();
	smm_inode_destroy(pc->ino);
	smm_space_unlock_all();
	pc->ino = NULL;
}

/*
 * One 4 KiB read of page @index through the shadow, as FILE_READ reads
 * (the spaces' lock around it); -EAGAIN when it was not the hit or the
 * miss the row measures (reclaim dropped a page meanwhile).
 */
static int smm_bench_pc_read(u64 index, bool miss)
{
	struct smm_bench_pc *pc = &smm_bench_pc;
	struct smm_file_read_res res;
	const char *why;
	int ret;

	smm_space_lock_all();
	ret = smm_file_read(pc->ino, index * PAGE_SIZE, PAGE_SIZE, smm_bench_pc_copy, pc->buf,
			    &res, &why);
	smm_space_unlock_all();
	if (!ret && (miss ? res.misses : res.hits) != 1)
		ret = -EAGAIN;
	return ret;
}

static void smm_bench_pc_teardown(void)
{
	struct smm_bench_pc *pc = &smm_bench_pc;

	smm_bench_pc_ino_free();
	kfree(pc->buf);
	if (pc->file)
		fput(pc->file);
	memset(pc, 0, sizeof(*pc));
}

/* The file at @path opened, its pages counted, the real page cache warmed. */
static int smm_bench_pc_setup(const char *path)
{
	struct smm_bench_pc *pc = &smm_bench_pc;
	loff_t pos;
	u64 i;

	pc->file = filp_open(path, O_RDONLY | O_LARGEFILE, 0);
	if (IS_ERR(pc->file)) {
		int ret = PTR_ERR(pc->file);

		pc->file = NULL;
		return ret;
	}
	pc->pages = i_size_read(file_inode(pc->file)) >> PAGE_SHIFT;
	pc->buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!pc->buf || !pc->pages || !S_ISREG(file_inode(pc->file)->i_mode)) {
		int ret = pc->buf ? -EINVAL : -ENOMEM;

		smm_bench_pc_teardown();
		return ret;
	}
	for (i = 0, pos = 0; i < pc->pages; i++)
		if (kernel_read(pc->file, pc->buf, PAGE_SIZE, &pos) != PAGE_SIZE)
			break;
	return 0;
}

/*
 * ns per 4 KiB read of ours over @ops reads, in passes over the file's
 * pages: the hit row reads from one inode warmed before the timing, the
 * miss row from a fresh inode each pass (made and dropped untimed).
 */
static int smm_bench_pc_ours(const struct smm_bench_row *row, u64 ops, u64 *ns)
{
	struct smm_bench_pc *pc = &smm_bench_pc;
	u64 done = 0, t = 0, n, i, start;
	int ret = 0;

	while (done < ops && !ret) {
		n = min(ops - done, pc->pages);
		if (!pc->ino) {
			ret = smm_bench_pc_ino_new();
			for (i = 0; !ret && !row->miss && i < pc->pages; i++)
				ret = smm_bench_pc_read(i, true);
		}
		start = ktime_get_ns();
		for (i = 0; i < n && !ret; i++)
			ret = smm_bench_pc_read(i, row->miss);
		t += ktime_get_ns() - start;
		if (row->miss)
			smm_bench_pc_ino_free();
		done += n;
		cond_resched();
	}
	*ns = div64_u64(t, ops);
	return ret;
}

/* ns per 4 KiB kernel_read() of the same pages from the real page cache (warm). */
static int smm_bench_pc_kernel(u64 ops, u64 *ns)
{
	struct smm_bench_pc *pc = &smm_bench_pc;
	u64 i, start = ktime_get_ns();
	loff_t pos;

	for (i = 0; i < ops; i++) {
		pos = (i % pc->pages) * PAGE_SIZE;
		if (kernel_read(pc->file, pc->buf, PAGE_SIZE, &pos) != PAGE_SIZE)
			return -EIO;
		if (!(i & 4095))
			cond_resched();
	}
	*ns = div64_u64(ktime_get_ns() - start, ops);
	return 0;
}

/* A page-cache row: @reps blocks of ours then the kernel's, in the writer's context. */
static int smm_bench_pc_run(const struct smm_bench_row *row, u64 ops, unsigned int reps,
			    const char *path)
{
	struct smm_bench_result *res = &smm_bench_last;
	unsigned int r;
	int ret;

	if (!path[0])
		return -EINVAL;
	ret = smm_bench_pc_setup(path);
	for (r = 0; r < reps && !ret; r++) {
		ret = smm_bench_pc_ours(row, ops, &res->ours[r][0]);
		if (!ret)
			ret = smm_bench_pc_kernel(ops, &res->kernel[r][0]);
		res->reps = r + 1;
	}
	if (smm_bench_pc.file)
		smm_bench_pc_teardown();
	return ret;
}

/* One operation of ours: an alloc+free pair, or a bulk of 16 and its bulk free. */
static int smm_bench_ours(const struct smm_bench_row *row)
{
	struct smm_mm *mm = &smm_dev.mm;
	u64 idx[SMM_BENCH_BULK];
	unsigned int i, n = row->bulk ? SMM_BENCH_BULK : 1, cpu;
	int ret = 0;

	if (row->slab)
		return smm_bench_slab_ours();
	cpu = smm_cpu_get();
	if (row->bulk) {
		i = smm_alloc_pages_bulk(mm, SHADOWMM_GFP_MOVABLE, cpu, n, idx);
		smm_free_pages_bulk(mm, cpu, i, idx);
		ret = i == n ? 0 : -ENOMEM;
	} else {
		ret = smm_alloc_pages(mm, row->order, SHADOWMM_GFP_MOVABLE, cpu, &idx[0]);
		if (!ret)
			smm_free_pages(mm, idx[0], cpu);
	}
	smm_cpu_put();
	return ret;
}

static int smm_bench_kernel(const struct smm_bench_row *row)
{
	struct page *pages[SMM_BENCH_BULK] = { NULL };
	unsigned int i, n;

	if (row->slab)
		return smm_bench_slab_kernel();
	if (row->bulk) {
		n = alloc_pages_bulk_array(GFP_KERNEL, SMM_BENCH_BULK, pages);
		for (i = 0; i < n; i++)
			__free_page(pages[i]);
		return n == SMM_BENCH_BULK ? 0 : -ENOMEM;
	}
	pages[0] = alloc_pages(GFP_KERNEL, row->order);
	if (!pages[0])
		return -ENOMEM;
	__free_pages(pages[0], row->order);
	return 0;
}

struct smm_bench_thread {
	const struct smm_bench_row *row;
	bool kernel;
	u64 ops, ns;
	int ret;
	atomic_t *ready;
	unsigned int cpus;
	struct completion done;
};

/* ns per operation of one block, all CPUs of the row starting together */
static int smm_bench_fn(void *data)
{
	struct smm_bench_thread *t = data;
	u64 i, start;
	int ret = 0;

	atomic_inc(t->ready);
	while (atomic_read(t->ready) < t->cpus)
		cpu_relax();
	start = ktime_get_ns();
	for (i = 0; i < t->ops && !ret; i++) {
		ret = t->kernel ? smm_bench_kernel(t->row) : smm_bench_ours(t->row);
		if (!(i & 4095))
			cond_resched();
	}
	t->ns = div64_u64(ktime_get_ns() - start, t->ops);
	t->ret = ret;
	complete(&t->done);
	return 0;
}

static int smm_bench_block(const struct smm_bench_row *row, bool kernel, u64 ops, u64 *ns)
{
	struct task_struct *k[SMM_BENCH_MAX_CPUS];
	struct smm_bench_thread t[SMM_BENCH_MAX_CPUS];
	atomic_t ready = ATOMIC_INIT(0);
	unsigned int c;
	int ret = 0;

	/* create every thread before starting any: they wait for each other */
	for (c = 0; c < row->cpus; c++) {
		t[c] = (struct smm_bench_thread){ .row = row, .kernel = kernel, .ops = ops,
						  .ready = &ready, .cpus = row->cpus };
		init_completion(&t[c].done);
		k[c] = kthread_create_on_cpu(smm_bench_fn, &t[c], c, "smm_bench/%u");
		if (IS_ERR(k[c])) {
			ret = PTR_ERR(k[c]);
			while (c--)
				kthread_stop(k[c]);	/* never woken: its function never runs */
			return ret;
		}
	}
	for (c = 0; c < row->cpus; c++)
		wake_up_process(k[c]);
	for (c = 0; c < row->cpus; c++) {
		wait_for_completion(&t[c].done);
		ns[c] = t[c].ns;
		ret = ret ?: t[c].ret;
	}
	return ret;
}

static int smm_bench_run(const struct smm_bench_row *row, u64 ops, unsigned int reps,
			 const char *path)
{
	struct smm_bench_result *res = &smm_bench_last;
	struct smm_mm *mm = &smm_dev.mm;
	bool pcp = mm->pcp_enabled;
	unsigned int r;
	int ret = 0;

	if (row->cpus > num_online_cpus())
		return -EOPNOTSUPP;
	memset(res, 0, sizeof(*res));
	res->row = row;
	if (row->pagecache)
		return smm_bench_pc_run(row, ops, reps, path);
	if (row->slab) {
		ret = smm_bench_slab_setup(row->policy);
		if (ret)
			return ret;
	}
	if (row->buddy_only) {
		smm_drain_all_pcp(mm);
		smm_pcp_set_enabled(mm, false);
	}
	for (r = 0; r < reps && !ret; r++) {
		ret = smm_bench_block(row, false, ops, res->ours[r]);
		if (!ret)
			ret = smm_bench_block(row, true, ops, res->kernel[r]);
		res->reps = r + 1;
	}
	if (row->buddy_only)
		smm_pcp_set_enabled(mm, pcp);
	if (row->slab)
		smm_bench_slab_teardown();
	smm_drain_all_pcp(mm);
	return ret;
}

static int smm_bench_cmd_run(char *line)
{
	char name[32], path[SMM_BENCH_PC_PATH] = "";
	unsigned int reps, i;
	u64 ops;
	int ret;

	if (sscanf(line, "%31s %llu %u %47s", name, &ops, &reps, path) < 3 || !ops ||
	    !reps || reps > SMM_BENCH_MAX_REPS)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(smm_bench_rows); i++)
		if (!strcmp(name, smm_bench_rows[i].name))
			break;
	if (i == ARRAY_SIZE(smm_bench_rows))
		return -ENOENT;

	mutex_lock(&smm_bench_lock);
	ret = smm_bench_run(&smm_bench_rows[i], ops, reps, path);
	smm_bench_error = ret;
	mutex_unlock(&smm_bench_lock);
	return ret;
}

static int smm_bench_show(struct seq_file *m, void *v)
{
	const struct smm_bench_result *res = &smm_bench_last;
	unsigned int r, c;

	mutex_lock(&smm_bench_lock);
	if (!res->row || smm_bench_error) {
		seq_printf(m, "error %d\n", smm_bench_error);
		goto out;
	}
	seq_printf(m, "%s cpus %u ours", res->row->name, res->row->cpus);
	for (r = 0; r < res->reps; r++)
		for (c = 0; c < res->row->cpus; c++)
			seq_printf(m, " %llu", res->ours[r][c]);
	seq_puts(m, " kernel");
	for (r = 0; r < res->reps; r++)
		for (c = 0; c < res->row->cpus; c++)
			seq_printf(m, " %llu", res->kernel[r][c]);
	seq_putc(m, '\n');
out:
	mutex_unlock(&smm_bench_lock);
	return 0;
}

const struct smm_dbg_cmd smm_bench_cmd = {
	.run	= smm_bench_cmd_run,
	.show	= smm_bench_show,
};
