// SPDX-License-Identifier: GPL-2.0
/*
 * page_owner for the shadow allocator: the records (page_owner.h says
 * what they hold and when), kept beside the frame map only when
 * recording is on. The glue (module/page_owner.c) turns the on switch,
 * gives the calling context and the stack, and prints the records in
 * /sys/kernel/debug/page_owner's format.
 */
#include "page_owner.h"
#include "frame_map.h"
#include "mm_internal.h"

#ifdef __KERNEL__
/* Turned on once, at load, when page_owner=on: NOPs on every path until then. */
DEFINE_STATIC_KEY_FALSE(smm_page_owner_key);
#else
__thread struct smm_page_owner_ctx smm_user_page_owner_ctx;
__thread u32 smm_user_page_owner_stack;

/* A test's context, or nobody's (pid 0: what a kernel thread would be). */
void smm_page_owner_whoami(struct smm_page_owner_ctx *ctx)
{
	*ctx = smm_user_page_owner_ctx;
}

/* 0 while a test sets none; else a new "handle" per call, as a depot's would be. */
u32 smm_page_owner_stack(void)
{
	return smm_user_page_owner_stack ? smm_user_page_owner_stack++ : 0;
}
#endif

static const char *const smm_migrate_reason_names[SMM_MR_NR] = {
	[SMM_MR_NONE]		= "none",
	[SMM_MR_COMPACTION]	= "compaction",
	[SMM_MR_SYSCALL]	= "syscall_or_cpuset",
	[SMM_MR_LONGTERM_PIN]	= "longterm_pin",
};

const char *smm_migrate_reason_name(unsigned int reason)
{
	return reason < SMM_MR_NR ? smm_migrate_reason_names[reason] : "unknown";
}

/*
 * The records, one per frame, zeroed (every state NONE). Called once
 * after smm_mm_init() and before the allocator is used with recording
 * on; nothing to do when it is already there.
 */
int smm_page_owner_init(struct smm_mm *mm)
{
	if (mm->page_owner)
		return 0;
	mm->page_owner = smm_zalloc_array(mm->range->span, sizeof(*mm->page_owner));
	return mm->page_owner ? 0 : -ENOMEM;
}

void smm_page_owner_destroy(struct smm_mm *mm)
{
	smm_free_array(mm->page_owner);
	mm->page_owner = NULL;
}

/* The write section of a record: only its block's owner writes it. */
static void smm_po_write_begin(struct smm_page_owner *po)
{
	WRITE_ONCE(po->seq, po->seq + 1);
	smm_wmb();
}

static void smm_po_write_end(struct smm_page_owner *po)
{
	smm_wmb();
	WRITE_ONCE(po->seq, po->seq + 1);
}

/*
 * __set_page_owner(): the block at @idx was just handed out for
 * @order and @gfp by the calling context. Its head's record says so;
 * free_ts and the free stack of the last free at this index stay.
 */
void __smm_page_owner_alloc(struct smm_mm *mm, u64 idx, unsigned int order, unsigned int gfp)
{
	struct smm_page_owner *po;
	struct smm_page_owner_ctx ctx;
	u32 handle;

	if (!mm->page_owner || WARN_ON_ONCE(idx >= mm->range->span))
		return;
	smm_page_owner_whoami(&ctx);
	handle = smm_page_owner_stack();
	po = &mm->page_owner[idx];
	smm_po_write_begin(po);
	po->state = SMM_PAGE_OWNER_ALLOCATED;
	po->order = order;
	po->gfp = gfp & SHADOWMM_GFP_ALL;	/* users' flags, not the core's own */
	po->mt = smm_gfp_mt(gfp);
	po->last_migrate_reason = SMM_MR_NONE;
	po->handle = handle;
	po->pid = ctx.pid;
	po->tgid = ctx.tgid;
	po->portid = ctx.portid;
	memcpy(po->comm, ctx.comm, sizeof(po->comm));
	po->comm[sizeof(po->comm) - 1] = '\0';
	po->ts_nsec = smm_clock_ns();
	smm_po_write_end(po);
}

/*
 * __reset_page_owner(): the block at @idx, of @order, is being freed.
 * The record keeps who allocated it, marked freed, with the time and
 * the stack of the free. A block with no record yet (compaction's free
 * scanner cuts free blocks into pages nobody allocated) gets a freed
 * one of its own order.
 */
void __smm_page_owner_free(struct smm_mm *mm, u64 idx, unsigned int order)
{
	struct smm_page_owner *po;
	u32 handle;

	if (!mm->page_owner || WARN_ON_ONCE(idx >= mm->range->span))
		return;
	handle = smm_page_owner_stack();
	po = &mm->page_owner[idx];
	smm_po_write_begin(po);
	if (po->state == SMM_PAGE_OWNER_NONE)
		po->order = order;
	po->state = SMM_PAGE_OWNER_FREED;
	po->free_handle = handle;
	po->free_ts_nsec = smm_clock_ns();
	smm_po_write_end(po);
}

/*
 * folio_copy_owner(): migration moved the page at @from to @to; @to
 * takes over the record (its allocation's context, time and stack)
 * with the reason it moved. @from is freed next, by the free path.
 * The caller owns both pages.
 */
void __smm_page_owner_migrate(struct smm_mm *mm, u64 from, u64 to, unsigned int reason)
{
	struct smm_page_owner *src, *dst;
	u32 seq;

	if (!mm->page_owner || WARN_ON_ONCE(from >= mm->range->span || to >= mm->range->span))
		return;
	src = &mm->page_owner[from];
	dst = &mm->page_owner[to];
	smm_po_write_begin(dst);
	seq = dst->seq;
	*dst = *src;
	dst->seq = seq;
	dst->state = SMM_PAGE_OWNER_ALLOCATED;
	dst->last_migrate_reason = reason < SMM_MR_NR ? reason : SMM_MR_NONE;
	smm_po_write_end(dst);
}

/*
 * A copy of the record at @idx that no write overlapped: a few tries,
 * then false (a block being allocated and freed again and again).
 */
static bool smm_po_copy(const struct smm_page_owner *po, struct smm_page_owner *out)
{
	unsigned int tries;
	u32 seq;

	for (tries = 0; tries < 4; tries++) {
		seq = READ_ONCE(po->seq);
		smm_rmb();
		if (seq & 1)
			continue;
		memcpy(out, (const void *)po, sizeof(*out));
		smm_rmb();
		if (READ_ONCE(po->seq) == seq)
			return true;
	}
	return false;
}

/*
 * The record of the block containing frame @idx: its head in *@head and
 * a consistent copy in *@po. -EINVAL: @idx is outside the range;
 * -ENODATA: recording is off; -EBUSY: the record kept changing. A
 * record whose state is NONE is returned as it is (never allocated
 * since recording began).
 */
int smm_page_owner_get(const struct smm_mm *mm, u64 idx, u64 *head, struct smm_page_owner *po)
{
	if (idx >= mm->range->span)
		return -EINVAL;
	if (!mm->page_owner)
		return -ENODATA;
	*head = smm_block_head(mm, idx);
	return smm_po_copy(&mm->page_owner[*head], po) ? 0 : -EBUSY;
}

/* Types of a head the allocator has handed out (and not yet taken back). */
static bool smm_po_allocated_type(unsigned int type)
{
	return type == SMM_FRAME_PAGE || type == SMM_FRAME_SLAB || type == SMM_FRAME_PGTABLE ||
	       type == SMM_FRAME_SPACE || type == SMM_FRAME_LRU;
}

/*
 * read_page_owner()'s walk: from *@pos, the next head of an allocated
 * block whose record says allocated, of the order the descriptor has.
 * The frame's type alone already skips free blocks; the record's state
 * and order are checked too, so that a head no hook saw (compaction's
 * free scanner cuts free blocks into pages) is never listed with a
 * stale record. Its head in *@head, its
 * record in *@po, and *@pos just past the block. Free blocks and holes
 * are stepped over whole. False at the end of the range.
 */
bool smm_page_owner_next(const struct smm_mm *mm, u64 *pos, u64 *head,
			 struct smm_page_owner *po)
{
	u64 idx = *pos, span = mm->range->span;

	if (!mm->page_owner)
		return false;
	while (idx < span) {
		struct smm_frame f = smm_frame_load(&mm->frames[idx]);
		unsigned int type = smm_frame_type(&f), order = smm_frame_order(&f);
		u64 next = idx + 1;

		if (type != SMM_FRAME_TAIL && type != SMM_FRAME_HOLE && order <= SMM_MAX_ORDER)
			next = idx + (1ULL << order);
		if (smm_po_allocated_type(type) && smm_po_copy(&mm->page_owner[idx], po) &&
		    po->state == SMM_PAGE_OWNER_ALLOCATED && po->order == order) {
			*head = idx;
			*pos = next;
			return true;
		}
		idx = next;
	}
	*pos = idx;
	return false;
}
