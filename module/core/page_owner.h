/* SPDX-License-Identifier: GPL-2.0 */
/*
 * page_owner for the shadow allocator (mm/page_owner.c's idea): who
 * allocated each block, when, with which flags and from which stack,
 * and, once freed, when and from where. Not to be confused with owner.h,
 * which encodes a block's *handle owner* in its descriptor's data bits.
 *
 * The descriptor is 8 bytes per frame and stays so: the records live in
 * one array of one struct smm_page_owner per frame beside the frame map
 * (mm->page_owner), allocated only when the module is loaded with
 * page_owner=on, as the kernel's page_ext is only with page_owner=on.
 *
 * Only a block's head holds a record (the kernel writes every page of
 * the block, so that split_page_owner() can split it; the shadow never
 * splits an allocated block, and read_page_owner() prints heads only).
 * A tail's owner is its head's (smm_page_owner_get()). A record stays
 * at its index when its block is freed, marked freed with the free
 * time and stack, and when the buddy merges it into a larger free block
 * it is simply no longer a head; the next allocation whose head lands
 * there overwrites it (keeping free_ts, the last free at that index, as
 * the kernel keeps free_ts_nsec across an allocation).
 *
 * Hooks: smm_page_owner_alloc() where smm_trace_page_alloc() fires for
 * a success, smm_page_owner_free() where a block is freed (both the
 * single and the bulk paths), smm_page_owner_migrate() where migration
 * moves a page (folio_copy_owner()). In the module each is a static
 * branch (smm_page_owner_key, a NOP unless page_owner=on) around an out
 * of line call; in user space they compile to nothing unless the build
 * defines SMM_PAGE_OWNER (core_test does; the benchmarks do not, so
 * their instruction counts do not move).
 *
 * Concurrency: a record is written only by whoever owns its block (the
 * allocating CPU right after taking it, the freeing one right before
 * giving it back), inside an odd/even sequence count of its own; readers
 * without any lock (debugfs, OWNER_GET) copy it and retry while the
 * count was odd or moved, as read_page_owner() copies page_owner_tmp.
 */
#ifndef _SMM_CORE_PAGE_OWNER_H
#define _SMM_CORE_PAGE_OWNER_H

#include "mm.h"

#define SMM_PAGE_OWNER_COMM_LEN	16	/* TASK_COMM_LEN */
#define SMM_PAGE_OWNER_DEPTH	16	/* PAGE_OWNER_STACK_DEPTH */

enum smm_page_owner_state {
	SMM_PAGE_OWNER_NONE,		/* never allocated while recording */
	SMM_PAGE_OWNER_ALLOCATED,	/* PAGE_EXT_OWNER_ALLOCATED */
	SMM_PAGE_OWNER_FREED,		/* PAGE_EXT_OWNER without ALLOCATED */
};

/* migrate_reason_names[] of the reasons the shadow migrates for */
enum smm_migrate_reason {
	SMM_MR_NONE,			/* never migrated (the kernel's -1) */
	SMM_MR_COMPACTION,		/* "compaction" */
	SMM_MR_SYSCALL,			/* "syscall_or_cpuset": one page on request */
	SMM_MR_LONGTERM_PIN,		/* "longterm_pin": out of Movable/CMA before a pin */
	SMM_MR_NR
};

/* Who is allocating or freeing: the environment fills it in. */
struct smm_page_owner_ctx {
	s32 pid, tgid;
	u32 portid;			/* netlink port of the request, 0: in-kernel */
	char comm[SMM_PAGE_OWNER_COMM_LEN];
};

/* One frame's record: 64 bytes, only for heads of blocks. */
struct smm_page_owner {
	u32 seq;			/* odd while its block's owner writes it */
	u8 state;			/* enum smm_page_owner_state */
	u8 order;
	u8 mt;				/* the allocation's migratetype (gfp's) */
	u8 last_migrate_reason;		/* enum smm_migrate_reason */
	u32 gfp;			/* SHADOWMM_GFP_* (SMM_GFP_DIRECT_RECLAIM dropped) */
	u32 handle, free_handle;	/* stack depot handles, 0: no stack */
	s32 pid, tgid;
	u32 portid;
	u64 ts_nsec, free_ts_nsec;
	char comm[SMM_PAGE_OWNER_COMM_LEN];
};

int smm_page_owner_init(struct smm_mm *mm);
void smm_page_owner_destroy(struct smm_mm *mm);
void __smm_page_owner_alloc(struct smm_mm *mm, u64 idx, unsigned int order, unsigned int gfp);
void __smm_page_owner_free(struct smm_mm *mm, u64 idx, unsigned int order);
void __smm_page_owner_migrate(struct smm_mm *mm, u64 from, u64 to, unsigned int reason);
int smm_page_owner_get(const struct smm_mm *mm, u64 idx, u64 *head, struct smm_page_owner *po);
bool smm_page_owner_next(const struct smm_mm *mm, u64 *pos, u64 *head,
			 struct smm_page_owner *po);
const char *smm_migrate_reason_name(unsigned int reason);

/* The environment's half: the calling context and its stack. */
void smm_page_owner_whoami(struct smm_page_owner_ctx *ctx);
u32 smm_page_owner_stack(void);

#ifdef __KERNEL__
DECLARE_STATIC_KEY_FALSE(smm_page_owner_key);
#define smm_page_owner_on()	static_branch_unlikely(&smm_page_owner_key)
#elif defined(SMM_PAGE_OWNER)
#define smm_page_owner_on()	true
#else
#define smm_page_owner_on()	false
#endif

#define smm_page_owner_alloc(mm, idx, order, gfp) do {			\
	if (smm_page_owner_on())					\
		__smm_page_owner_alloc(mm, idx, order, gfp);		\
} while (0)

#define smm_page_owner_free(mm, idx, order) do {			\
	if (smm_page_owner_on())					\
		__smm_page_owner_free(mm, idx, order);			\
} while (0)

#define smm_page_owner_migrate(mm, from, to, reason) do {		\
	if (smm_page_owner_on())					\
		__smm_page_owner_migrate(mm, from, to, reason);		\
} while (0)

#ifndef __KERNEL__
/*
 * User space's context: what the calling thread set (tests pretend to
 * be a netlink request or a kthread), and a stack "handle" that counts
 * up from smm_user_page_owner_stack, 0 meaning no stack.
 */
extern __thread struct smm_page_owner_ctx smm_user_page_owner_ctx;
extern __thread u32 smm_user_page_owner_stack;
#endif

#endif /* _SMM_CORE_PAGE_OWNER_H */
