// SPDX-License-Identifier: GPL-2.0
/*
 * page_owner's kernel half (core/page_owner.h holds the records): the
 * page_owner= parameter, the calling context (the task, and the netlink
 * port of the request it is serving), stacks through the kernel's stack
 * depot, and debugfs shadowmm/page_owner in the format of
 * /sys/kernel/debug/page_owner (mm/page_owner.c of 6.1), which the
 * kernel's tools/mm/page_owner_sort reads.
 *
 * As the kernel's, the file exists only when recording is on (the
 * kernel creates /sys/kernel/debug/page_owner only after page_owner=on);
 * OWNER_GET answers "page_owner is off" then.
 */
#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "smm.h"
#include "compat.h"
#include "core/page_owner.h"

static bool smm_param_page_owner;
module_param_named(page_owner, smm_param_page_owner, bool, 0444);
MODULE_PARM_DESC(page_owner, "Record who allocated each block, with its stack, as the kernel's page_owner=on: on or off (default off); debugfs shadowmm/page_owner and OWNER_GET");

/*
 * The netlink requests being served, by the task serving them: a doit
 * runs in the sender's task, so the task that allocates names the port.
 * A slot is claimed with cmpxchg and only its task reads its port; with
 * every slot taken a request's blocks just carry no port.
 */
#define SMM_PO_NL_SLOTS	64

static struct {
	struct task_struct *task;
	u32 portid;
} smm_po_nl[SMM_PO_NL_SLOTS];

int smm_page_owner_nl_enter(u32 portid)
{
	int i;

	if (!smm_page_owner_on())
		return -1;
	for (i = 0; i < SMM_PO_NL_SLOTS; i++) {
		if (!READ_ONCE(smm_po_nl[i].task) && !cmpxchg(&smm_po_nl[i].task, NULL, current)) {
			WRITE_ONCE(smm_po_nl[i].portid, portid);
			return i;
		}
	}
	return -1;
}

void smm_page_owner_nl_exit(int slot)
{
	if (slot >= 0)
		smp_store_release(&smm_po_nl[slot].task, NULL);
}

static u32 smm_po_portid(void)
{
	int i;

	for (i = 0; i < SMM_PO_NL_SLOTS; i++)
		if (READ_ONCE(smm_po_nl[i].task) == current)
			return READ_ONCE(smm_po_nl[i].portid);
	return 0;
}

/* The core asks who is allocating: __set_page_owner_handle()'s fields. */
void smm_page_owner_whoami(struct smm_page_owner_ctx *ctx)
{
	ctx->pid = current->pid;
	ctx->tgid = current->tgid;
	ctx->portid = (current->flags & PF_KTHREAD) ? 0 : smm_po_portid();
	strscpy(ctx->comm, current->comm, sizeof(ctx->comm));
}

/*
 * save_stack(): the caller's stack into the depot, without sleeping
 * (the allocator's CPU is pinned, locks may be held). Skips this
 * function and the core's recording one, so the first frame is the
 * allocator's entry. 0 when no stack could be saved.
 */
noinline u32 smm_page_owner_stack(void)
{
#ifdef SMM_HAVE_STACKDEPOT
	unsigned long entries[SMM_PAGE_OWNER_DEPTH];
	unsigned int nr = stack_trace_save(entries, ARRAY_SIZE(entries), 2);

	return stack_depot_save(entries, nr, GFP_NOWAIT | __GFP_NOWARN);
#else
	return 0;
#endif
}

/* A stack as page_owner prints it, one " symbol+off/len" a line, or the fallback. */
int smm_page_owner_snprint_stack(u32 handle, char *buf, size_t size)
{
	int n = 0;

#ifdef SMM_HAVE_STACKDEPOT
	if (handle)
		n = stack_depot_snprint(handle, buf, size, 0);
#endif
	return n ? n : scnprintf(buf, size, " stack unavailable\n");
}

/* The flags in the kernel's spelling (%pGg): GFP_KERNEL or GFP_ATOMIC, then the modifiers. */
static int smm_po_gfp_names(unsigned int gfp, char *buf, size_t size)
{
	static const char *const names[] = {
		"__GFP_DMA", "__GFP_DMA32", "__GFP_MOVABLE", "__GFP_RECLAIMABLE",
		"__GFP_ZERO", "__GFP_HIGH", "__GFP_MEMALLOC", NULL, "__GFP_NORETRY",
		"__GFP_HIGHMEM",
	};
	int n = scnprintf(buf, size, "%s", gfp & SHADOWMM_GFP_ATOMIC ? "GFP_ATOMIC" : "GFP_KERNEL");
	unsigned int bit;

	for (bit = 0; bit < ARRAY_SIZE(names); bit++)
		if ((gfp & BIT(bit)) && names[bit])
			n += scnprintf(buf + n, size - n, "|%s", names[bit]);
	return n;
}

static const char *const smm_po_mt_names[] = {
	"Unmovable", "Movable", "Reclaimable", "HighAtomic", "CMA", "Isolate",
};

static const char *const smm_po_type_names[SMM_FRAME_NR_TYPES] = {
	[SMM_FRAME_PAGE] = "page", [SMM_FRAME_SLAB] = "slab", [SMM_FRAME_PGTABLE] = "pgtable",
	[SMM_FRAME_SPACE] = "space", [SMM_FRAME_LRU] = "lru", [SMM_FRAME_OFFLINE] = "offline",
};

static const char *smm_po_mt_name(unsigned int mt)
{
	return mt < ARRAY_SIZE(smm_po_mt_names) ? smm_po_mt_names[mt] : "Unknown";
}

/*
 * print_page_owner(): one allocated block, head @head, record @po, as
 * the kernel prints one (6.1's first line, with free_ts, which
 * page_owner_sort's "ts ... ns," pattern expects). Flags is the head's
 * descriptor, named by its type: the shadow has no struct page flags.
 * Returns the length, or -ENOSPC when @size was too small.
 */
static int smm_po_print(const struct smm_mm *mm, u64 head, const struct smm_page_owner *po,
			char *buf, size_t size)
{
	struct smm_frame f = smm_frame_load(&mm->frames[head]);
	unsigned int type = smm_frame_type(&f);
	char gfp[160];
	u64 pfn = 0;
	int n;

	smm_range_idx_to_pfn(mm->range, head, &pfn);
	smm_po_gfp_names(po->gfp, gfp, sizeof(gfp));
	n = scnprintf(buf, size, "Page allocated via order %u, mask %#x(%s), pid %d, tgid %d (%s), ts %llu ns, free_ts %llu ns\n",
		      po->order, po->gfp, gfp, po->pid, po->tgid, po->comm, po->ts_nsec,
		      po->free_ts_nsec);
	n += scnprintf(buf + n, size - n, "PFN %llu type %s Block %llu type %s Flags %#llx(%s)\n",
		       pfn, smm_po_mt_name(po->mt), pfn >> SMM_PAGEBLOCK_ORDER,
		       smm_po_mt_name(smm_pageblock_mt(mm, head)), f.word,
		       type < SMM_FRAME_NR_TYPES && smm_po_type_names[type] ?
		       smm_po_type_names[type] : "unknown");
	n += smm_page_owner_snprint_stack(po->handle, buf + n, size - n);
	if (po->last_migrate_reason != SMM_MR_NONE)
		n += scnprintf(buf + n, size - n, "Page has been migrated, last migrate reason: %s\n",
			       smm_migrate_reason_name(po->last_migrate_reason));
	n += scnprintf(buf + n, size - n, "\n");
	return n + 1 >= size ? -ENOSPC : n;
}

/*
 * read_page_owner(): one block per read, the file position being the
 * frame index to go on from (the kernel's is the pfn), so a reader
 * sees every block allocated when it passes, each once.
 */
static ssize_t smm_po_read(struct file *file, char __user *buf, size_t count, loff_t *ppos)
{
	const struct smm_mm *mm = file->private_data;
	struct smm_page_owner po;
	u64 pos, head;
	char *kbuf;
	int n;

	if (*ppos < 0)
		return -EINVAL;
	pos = *ppos;
	if (!smm_page_owner_next(mm, &pos, &head, &po)) {
		*ppos = pos;
		return 0;
	}
	count = min_t(size_t, count, PAGE_SIZE);
	kbuf = kmalloc(count, GFP_KERNEL);
	if (!kbuf)
		return -ENOMEM;
	n = smm_po_print(mm, head, &po, kbuf, count);
	if (n < 0)
		n = -ENOMEM;	/* as the kernel's: the reader's buffer is too small */
	else if (copy_to_user(buf, kbuf, n))
		n = -EFAULT;
	else
		*ppos = pos;
	kfree(kbuf);
	return n;
}

static const struct file_operations smm_po_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.read	= smm_po_read,
	.llseek	= default_llseek,
};

void smm_page_owner_debugfs_init(struct dentry *dir, struct smm_mm *mm)
{
	if (smm_page_owner_on())
		debugfs_create_file("page_owner", 0400, dir, mm, &smm_po_fops);
}

/*
 * page_owner=on: the stack depot (it may already be there, or be
 * disabled by stack_depot_disable=on: then no stacks), the records, the
 * key. Before anything allocates, so every block has its record.
 */
int smm_page_owner_setup(struct smm_mm *mm)
{
	int ret;

	if (!smm_param_page_owner)
		return 0;
#ifdef SMM_HAVE_STACKDEPOT
	if (stack_depot_init())
		pr_warn("page_owner: no stack depot, stacks unavailable\n");
#endif
	ret = smm_page_owner_init(mm);
	if (ret) {
		pr_err("page_owner: cannot allocate the records (%d)\n", ret);
		return ret;
	}
	static_branch_enable(&smm_page_owner_key);
	pr_info("page_owner is on: %zu bytes of records\n",
		(size_t)mm->range->span * sizeof(struct smm_page_owner));
	return 0;
}

/*
 * After the mm went (smm_mm_destroy() freed the records; the hooks
 * check for them, so the frees of the teardown still ran through).
 */
void smm_page_owner_teardown(void)
{
	static_branch_disable(&smm_page_owner_key);
}
