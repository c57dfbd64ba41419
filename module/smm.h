/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal header of the kernel glue around the shadowmm core.
 *
 * The glue owns the things only a kernel has: the physical memory behind
 * the range (reserved.c, borrowed.c), module parameters (main.c) and the
 * generic netlink family (netlink.c, nl_*.c). It never holds allocator
 * logic: that lives in core/, which builds in user space too.
 */
#ifndef _SMM_GLUE_H
#define _SMM_GLUE_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <uapi/linux/shadowmm.h>

#include "core/range.h"
#include "core/mm.h"
#include "core/slab.h"

#define SMM_VERSION	"0.1.0"

/* The one shadow memory manager instance of this module. */
struct smm_dev {
	enum shadowmm_mode mode;
	struct smm_range range;
	u64 base;			/* reserved: first physical address */
	u64 size;			/* bytes managed */
	struct resource *res;		/* reserved: our claim in /proc/iomem */
	void *virt;			/* reserved: memremap() of the range */
	struct list_head blocks;	/* borrowed: pages, order in page_private */
	struct smm_mm mm;
	struct mutex nl_page_lock;	/* netlink page handles: lookup + free */
	u32 nl_page_tag;		/* last tag handed out, under nl_page_lock */
	struct dentry *debugfs;
	struct smm_slabs slabs;		/* slab caches (nl_cache.c, nl_obj.c) */
	struct mutex nl_slab_lock;	/* netlink slab commands, RESET's slab part */
	struct xarray nl_objs;		/* netlink objects: position -> handle tag */
	u32 nl_obj_tag;			/* last object tag, under nl_slab_lock */
	u32 nl_slab_gen;		/* caches created/destroyed, for dumps */
	struct delayed_work slab_reap;	/* cache_reap() of the SLAB caches (slab_reap.c) */
};

extern struct smm_dev smm_dev;

int smm_debugfs_init(struct smm_dev *d);
struct seq_file;

/* debugfs.c: a file that runs what is written to it and shows a result */
struct smm_dbg_cmd {
	int (*run)(char *line);
	int (*show)(struct seq_file *m, void *v);
};

extern const struct smm_dbg_cmd smm_bench_cmd;	/* bench.c */
extern const struct smm_dbg_cmd smm_stress_cmd;	/* stress.c */
void smm_debugfs_exit(struct smm_dev *d);

int smm_reserved_setup(struct smm_dev *d, u64 base, u64 size);
void smm_reserved_teardown(struct smm_dev *d);
int smm_borrowed_setup(struct smm_dev *d, u64 size);
void smm_borrowed_teardown(struct smm_dev *d);

int smm_nl_register(void);
void smm_nl_unregister(void);

/* main.c: the slab layer's setup and teardown; OBJ_CORRUPT's switch */
extern bool smm_param_debug_corrupt;	/* also the stress file's corrupt option */

/* nl_cache.c: RESET's slab part */
void smm_nl_cache_reset(struct smm_dev *d);
/* nl_range.c: RESET's part: CMA allocations released, offline ranges onlined */
void smm_nl_range_reset(struct smm_dev *d);

/* slab_reap.c: cache_reap() of the SLAB caches every 2 s */
void smm_slab_reap_init(struct smm_dev *d);
void smm_slab_reap_kick(struct smm_dev *d);
void smm_slab_reap_idle(struct smm_dev *d);
void smm_slab_reap_stop(struct smm_dev *d);

/* obj_registry.c: user space's slab objects; under nl_slab_lock */
void smm_objs_init(struct smm_dev *d);
void smm_objs_destroy(struct smm_dev *d);
int smm_objs_add(struct smm_dev *d, u64 pos, u64 *handle);
void smm_objs_drop(struct smm_dev *d, u64 pos);
void smm_objs_release(struct smm_dev *d, struct smm_cache *c, u64 pos);
const char *smm_objs_lookup(struct smm_dev *d, struct smm_cache *c, u64 handle, bool mark,
			    u64 *pos);
u64 smm_objs_finish(struct smm_dev *d, struct smm_cache *c, bool free);
void smm_objs_forget(struct smm_dev *d, struct smm_cache *c);
void smm_objs_release_all(struct smm_dev *d);

/* space_registry.c: the shadow spaces by id; smm_space_lock_all() guards them all */
struct smm_space;
void smm_space_lock_all(void);
void smm_space_unlock_all(void);
struct smm_space *smm_space_find(u32 id);
u32 smm_space_generation(void);
void smm_space_changed(void);
u32 smm_space_free_id(void);
void smm_space_set(u32 id, struct smm_space *s);
u64 smm_spaces_destroy_all(void);
int smm_spaces_check(char *why, size_t len);
void smm_spaces_oom_setup(struct smm_mm *mm);

/* The OOM kills so far and the last one's victim, for the events group. */
struct smm_oom_kills {
	u64 kills;
	u32 victim;			/* space id, 0 before the first kill */
	u64 victim_pages;		/* its anon RSS and swap entries, freed */
};

void __smm_spaces_oom_kills(struct smm_oom_kills *k);

/* nl_vmstat.c: every vmstat counter (core/vmstat.h), a new array to kfree() */
u64 *smm_vmstat_collect(struct smm_dev *d, struct smm_oom_kills *oom);
/* workload.c: the workload generator's threads (space run), stopped before the spaces go */
struct smm_workload_args {
	u32 space, pattern, param, rate, write_pct, seconds;
};

struct smm_workload_state {
	struct smm_workload_args args;
	u64 accesses, faults;
	bool running;
	const char *reason;		/* NULL while running */
};

int smm_workload_start(const struct smm_workload_args *a, const char **why);
int smm_workload_stop(u32 space);
void smm_workloads_stop_all(void);
void smm_workloads_space_gone(u32 space);
unsigned int smm_workload_get(unsigned int idx, struct smm_workload_state *st);

/* kshadowd.c: the reclaim thread, started after the mm, stopped before the spaces go */
int smm_kshadowd_start(struct smm_mm *mm);
void smm_kshadowd_stop(void);

/* kcompactd.c: the compaction thread, started after kshadowd, stopped before the spaces go */
int smm_kcompactd_start(struct smm_mm *mm);
void smm_kcompactd_stop(void);
void smm_kcompactd_debugfs_init(struct dentry *dir, struct smm_mm *mm);

/* nl_swap.c: the swap area's teardown (after the spaces) and debugfs file */
void smm_swap_teardown(void);
void smm_swap_debugfs_init(struct dentry *dir);

/* nl_file.c: the shadow page cache's files, all closed by RESET and at rmmod (frames freed) */
u64 smm_files_close_all(void);

/* nl_sysctl.c: debugfs vm/, the tunables as /proc/sys/vm has them */
void smm_sysctl_debugfs_init(struct dentry *dir);

/* nl_fault.c: debugfs fail_page_alloc/ and failslab/ (fault injection) */
void smm_fail_debugfs_init(struct dentry *dir);

/*
 * page_owner.c: page_owner=on's setup (before anything allocates) and
 * teardown (after the mm), debugfs page_owner, the netlink port of the
 * request a task serves (enter/exit around a doit), and the printing
 * OWNER_GET shares with the file.
 */
struct smm_mm;
int smm_page_owner_setup(struct smm_mm *mm);
void smm_page_owner_teardown(void);
void smm_page_owner_debugfs_init(struct dentry *dir, struct smm_mm *mm);
int smm_page_owner_nl_enter(u32 portid);
void smm_page_owner_nl_exit(int slot);
int smm_page_owner_snprint_stack(u32 handle, char *buf, size_t size);

/* page tables: pt_real.c walks the real ones */
struct mm_struct;
struct smm_walk;
struct smm_pt_fmt;
const struct smm_pt_fmt *smm_pt_real_fmt(void);
int smm_pt_real_walk_user(struct mm_struct *mm, u64 va, u64 limit, struct smm_walk *w);
int smm_pt_real_walk_kernel(u64 va, struct smm_walk *w);
struct smm_runs;
int smm_pt_real_leaves_user(struct mm_struct *mm, u64 *pos, u64 last, struct smm_runs *r);
int smm_pt_real_leaves_kernel(u64 *pos, u64 last, struct smm_runs *r);
void smm_pt_debugfs_init(struct dentry *dir);
void smm_pt_debugfs_exit(void);

#endif /* _SMM_GLUE_H */
