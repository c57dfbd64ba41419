/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The shadowmm client library (prefix smmc_, "shadowmm client", so that
 * no name means one thing here and another in module/): each object's
 * requests and replies as plain C structs, one file per object (info.c,
 * section.c, zone.c, page.c, frame.c, check.c, cache.c, walk.c, space.c,
 * event.c, vmstat.c, trace.c), on the netlink plumbing of smmc_nl.c (with the one parser of
 * counts and handles in replies) and capture.c (replies recorded and
 * replayed); array.c holds the growable arrays, the one dump-into-an-
 * array helper and the name tables' lookup; units.c sizes in words;
 * json_print.[ch] one print call for text and JSON, and walk_print.c and
 * zone.c's smmc_print_fields() the output smmctl and smmtop share. Every
 * call returns 0 or -errno with nl->err saying why.
 *
 * Parsers skip attribute types they do not know, so a newer module never
 * breaks an older tool; an attribute that is absent reads as 0 (or "").
 */
#ifndef _SMMC_LIBSMM_H
#define _SMMC_LIBSMM_H

#include <stdio.h>

#include "smmc_nl.h"

#define SMMC_NR_ZONES	__SHADOWMM_ZONE_CNT
#define SMMC_NR_MT	__SHADOWMM_MT_CNT
#define SMMC_NR_ORDERS	11

extern const char *const smmc_zone_names[SMMC_NR_ZONES];
extern const char *const smmc_mt_names[SMMC_NR_MT];
extern const char *const smmc_state_names[__SHADOWMM_FRAME_CNT];

/* units.c */
char *smmc_fmt_bytes(char *buf, size_t len, uint64_t bytes);

/* array.c: growable arrays, and dumps into them */
int smmc_array_reserve(void **v, size_t *cap, size_t n, size_t size, size_t first);

struct smmc_dump {
	uint8_t cmd;			/* SHADOWMM_CMD_*_GET, as a dump */
	size_t size, first;		/* of an element; how many the array starts with */
	unsigned int tries;		/* dumps taken while the kernel says DUMP_INTR */
	int (*parse)(const struct nlmsghdr *nlh, void *elem);	/* 0 or -errno */
};

int smmc_dump_array(struct smmc_nl *nl, const struct smmc_dump *d, void **v, size_t *n);
int smmc_name_index(const char *const *names, unsigned int n, const char *name);
int smmc_flag_by_name(const char *const *bits, unsigned int n, const char *name, uint32_t *flag);

/* info.c */
struct smmc_info {
	bool has_base;			/* BASE is sent to CAP_SYS_ADMIN only */
	uint64_t base, size, nr_frames, span_frames;
	uint32_t page_size, mode, nr_sections, desc_bytes, max_order;
	char version[32], kernel[65];
};

int smmc_info_get(struct smmc_nl *nl, struct smmc_info *info);
int smmc_info_parse(const struct nlmsghdr *nlh, struct smmc_info *info);
const char *smmc_mode_name(uint32_t mode);

/* section.c */
struct smmc_section {
	uint32_t index;
	bool has_base;			/* BASE is sent to CAP_SYS_ADMIN only */
	uint64_t base, start, nr_frames;
};

int smmc_sections_get(struct smmc_nl *nl, struct smmc_section **sections, size_t *n);
int smmc_section_parse(const struct nlmsghdr *nlh, void *section);	/* a struct smmc_section */

/* zone.c */
struct smmc_zone_stats {
	uint64_t alloc[SMMC_NR_ORDERS], free[SMMC_NR_ORDERS];
	uint64_t mt_fallback, mt_steal, zone_fallback, wmark_low, wmark_min, alloc_fail;
	uint64_t pcp_alloc, pcp_free, pcp_refill, pcp_drain;
};

/* CPUs whose pcp free_factor a zone keeps; more are skipped */
#define SMMC_PCP_MAX_CPUS	256

struct smmc_pcp_cpu {
	uint32_t cpu, free_factor;
};

/* The LRU lists, in enum lru_list's order, by zoneinfo's names without nr_zone_ */
#define SMMC_NR_LRU_LISTS	5
extern const char *const smmc_lru_names[SMMC_NR_LRU_LISTS];

struct smmc_zone {
	uint32_t id;
	char name[16];
	uint64_t start, spanned, present, managed, free, pcp;
	uint64_t wmark_min, wmark_low, wmark_high;	/* boost included */
	uint64_t boost, nr_reserved_highatomic;
	uint64_t nr_lru[SMMC_NR_LRU_LISTS];	/* inactive_anon .. unevictable */
	uint64_t lowmem_reserve[SMMC_NR_ZONES];
	uint32_t pcp_high, pcp_batch;
	unsigned int nr_pcp_cpus;		/* online CPUs, in CPU order */
	struct smmc_pcp_cpu pcp_cpus[SMMC_PCP_MAX_CPUS];
	uint64_t nr_free[SMMC_NR_ORDERS];
	uint64_t nr_free_mt[SMMC_NR_ORDERS][SMMC_NR_MT];
	int32_t unusable[SMMC_NR_ORDERS], extfrag[SMMC_NR_ORDERS];
	uint64_t pageblocks[SMMC_NR_MT];
	struct smmc_zone_stats stats;
	/* compaction: the run in progress or the last (runs 0: none, or an older module) */
	uint64_t compact_runs, compact_migrate_pfn, compact_free_pfn;
	int32_t compact_order;			/* -1: the whole zone */
	bool compact_running;
};

#define SMMC_ZONE_DUMP_TRIES	5	/* dumps while a zone is flagged changing */
int smmc_zones_get(struct smmc_nl *nl, struct smmc_zone zones[SMMC_NR_ZONES], unsigned int *n);
int smmc_zone_by_name(const char *name);

/*
 * A zone's counters as smmctl zone, smmctl monitor and smmtop print them
 * (json_print.h's output): each field as " KEY VALUE" in text, or in a
 * column WIDTH wide; under KEY in JSON either way.
 */
struct smmc_field {
	const char *key;
	size_t off;			/* of a uint64_t in the record */
	int width;			/* as a column */
};

#define SMMC_FIELD(type, key, member, width)	{ key, offsetof(type, member), width }

/* managed free pcp min low high boost nr_reserved_highatomic */
#define SMMC_NR_ZONE_FIELDS	8
extern const struct smmc_field smmc_zone_fields[SMMC_NR_ZONE_FIELDS];
void smmc_print_fields(const void *rec, const struct smmc_field *f, unsigned int n, bool columns);

/* page.c */
struct smmc_page_req {
	uint32_t order, flags, count;
	int zone, mt;			/* -1: not given */
};

int smmc_page_alloc(struct smmc_nl *nl, const struct smmc_page_req *req, uint64_t *handles,
		    uint32_t *n);
int smmc_page_free(struct smmc_nl *nl, const uint64_t *handles, uint32_t n, bool all,
		   uint64_t *freed);
int smmc_reset(struct smmc_nl *nl, uint64_t *freed);
int smmc_gfp_flag(const char *name, uint32_t *flag);
int smmc_mt_by_name(const char *name);

/* frame.c */
/*
 * 16 bytes: smmtop keeps hundreds of thousands of them per refresh. A
 * run is at most a range's span (2^26 frames), so count fits 32 bits.
 */
struct smmc_run {
	uint64_t start;
	uint32_t count;
	uint8_t state, mt;
	uint16_t marks;			/* SHADOWMM_MARK_* (packed replies only) */
};

/* The marks smmc_run_kind() knows: SHADOWMM_MARK_* below 1 << SMMC_NR_MARKS. */
#define SMMC_NR_MARKS		4
#define SMMC_MARKS_MASK		((1u << SMMC_NR_MARKS) - 1)

extern const char *const smmc_mark_names[SMMC_NR_MARKS];	/* by bit: anon, file, dirty, shared */

/*
 * What a picture of the map (smmtop's, the SVG) draws a run as: its
 * state, or for marked pages a kind of their own, shared over anon and
 * dirty over file (smmc_run_kind()).
 */
enum {
	SMMC_KIND_ANON = __SHADOWMM_FRAME_CNT,
	SMMC_KIND_SHARED,
	SMMC_KIND_FILE,
	SMMC_KIND_DIRTY,
	SMMC_NR_KINDS
};

/* The kind of a run by its known marks, 0 for none: its state then. */
extern const uint8_t smmc_mark_kinds[1u << SMMC_NR_MARKS];

/*
 * Inline with a table rather than a chain of tests: the frame map asks
 * it of every run of every refresh (a quarter of a million for 16 GiB).
 */
static inline unsigned int smmc_run_kind(const struct smmc_run *r)
{
	unsigned int st = r->state < __SHADOWMM_FRAME_CNT ? r->state : 0;
	unsigned int k = smmc_mark_kinds[r->marks & SMMC_MARKS_MASK];

	return k ? k : st;	/* both read first: a cmov, not a branch on the marks */
}

const char *smmc_kind_name(unsigned int kind);

typedef int (*smmc_run_cb)(const struct smmc_run *run, void *data);
int smmc_frames_get(struct smmc_nl *nl, uint64_t start, uint64_t count, smmc_run_cb cb,
		    void *data);

/* The runs appended to an array the caller keeps (n reset to 0 for a new dump). */
struct smmc_runs {
	struct smmc_run *v;
	size_t n, cap;
};

int smmc_frames_get_array(struct smmc_nl *nl, uint64_t start, uint64_t count,
			  struct smmc_runs *runs);

/* owner.c: page_owner's records (OWNER_GET), with the module loaded page_owner=on */
#define SMMC_OWNER_NR_STATES	3
#define SMMC_OWNER_STACK	2048

struct smmc_owner {
	uint64_t frame, pfn;		/* the block's head */
	uint32_t state;			/* enum shadowmm_owner_state */
	uint32_t order, flags, mt;
	uint32_t pid, tgid, portid;
	char comm[16];
	uint64_t ts_nsec, free_ts_nsec;
	char migrate_reason[32];	/* "" when never migrated */
	char stack[SMMC_OWNER_STACK], free_stack[SMMC_OWNER_STACK];
};

extern const char *const smmc_owner_states[SMMC_OWNER_NR_STATES];
typedef int (*smmc_owner_cb)(const struct smmc_owner *o, void *data);
int smmc_owner_get(struct smmc_nl *nl, bool all, uint64_t frame, smmc_owner_cb cb, void *data);

/* check.c */
int smmc_check(struct smmc_nl *nl, bool *ok, char *reason, size_t len);

/* cache.c: slab caches and their objects */
struct smmc_cache {
	char name[32];
	uint32_t id, object_size, align, flags, size, order, objs_per_slab;
	bool builtin;
	uint64_t active_objs, num_objs, num_slabs, partial_slabs, full_slabs, cpu_slabs;
	uint64_t alloc_fast, alloc_slow, free_fast, free_slow, alloc_fail;
	uint64_t slabs_alloc, slabs_free, errors;
	uint32_t cpu_partial;		/* objects a CPU's partial list aims at */
	uint64_t cpu_partial_slabs;	/* slabs on the CPUs' partial lists */
	uint64_t slabinfo_active;	/* active_objs as /proc/slabinfo counts them */
	uint64_t cached;		/* objects on a reclaimable cache's LRU (its shrinker's) */
	uint32_t policy;		/* enum shadowmm_cache_policy (0, SLUB, from older modules) */
	uint32_t limit, batchcount, shared;	/* SLAB's tunables (0 for SLUB and SLOB) */
};

#define SMMC_CACHE_POLICY_DEFAULT	UINT32_MAX	/* send none: the module's default */

int smmc_caches_get(struct smmc_nl *nl, struct smmc_cache **caches, size_t *n);
int smmc_cache_parse(const struct nlmsghdr *nlh, void *cache);	/* a struct smmc_cache */
int smmc_cache_create(struct smmc_nl *nl, const char *name, uint32_t size, uint32_t align,
		      uint32_t flags);
int smmc_cache_create_policy(struct smmc_nl *nl, const char *name, uint32_t size,
			     uint32_t align, uint32_t flags, uint32_t policy);
int smmc_cache_destroy(struct smmc_nl *nl, const char *name, bool force);
int smmc_cache_shrink(struct smmc_nl *nl, const char *name, uint64_t *frames);
int smmc_cache_drop(struct smmc_nl *nl, uint64_t *freed);
int smmc_cache_validate(struct smmc_nl *nl, const char *name, uint64_t *problems);
#define SMMC_CACHE_SHARED_KEEP	UINT32_MAX	/* tune: leave the shared factor */
int smmc_cache_tune(struct smmc_nl *nl, const char *name, uint32_t limit, uint32_t batch,
		    uint32_t shared);
int smmc_obj_alloc(struct smmc_nl *nl, const char *name, uint32_t count, uint64_t *handles,
		   uint32_t *n);
int smmc_obj_alloc_cached(struct smmc_nl *nl, const char *name, uint32_t count);
int smmc_obj_free(struct smmc_nl *nl, const char *name, const uint64_t *handles, uint32_t n,
		  uint64_t *freed);
int smmc_obj_corrupt(struct smmc_nl *nl, const char *name, uint64_t handle, uint32_t kind);
int smmc_cache_flag(const char *name, uint32_t *flag);
const char *smmc_cache_flag_name(unsigned int bit);
int smmc_corrupt_kind(const char *name);
int smmc_cache_policy_by_name(const char *name);
const char *smmc_cache_policy_name(uint32_t policy);

/* walk.c: PT_WALK */
#define SMMC_PT_LEVELS	__SHADOWMM_PT_CNT
#define SMMC_PTF_BITS	16

extern const char *const smmc_pt_level_names[SMMC_PT_LEVELS];
extern const char *const smmc_pt_kind_names[__SHADOWMM_PT_KIND_CNT];
extern const char *const smmc_ptf_names[SMMC_PTF_BITS];

enum smmc_pt_target { SMMC_PT_TARGET_PID = 1, SMMC_PT_TARGET_KERNEL, SMMC_PT_TARGET_SPACE };

struct smmc_pt_req {
	enum smmc_pt_target target;
	uint32_t id;			/* pid or space id */
	uint64_t addr, len;		/* len 0: one address */
	bool leaves;			/* leaves mode: smmc_pt_leaves() sets it */
};

struct smmc_pt_level {
	uint32_t level, index, flags;
	bool folded, has_entry;		/* ENTRY goes to CAP_SYS_ADMIN only */
	uint64_t entry;
};

struct smmc_pt_step {
	uint64_t addr, size;		/* the address walked; what its last entry maps */
	uint32_t kind, paging_levels;
	bool has_pfn, in_shadow;	/* PFN and IN_SHADOW go to CAP_SYS_ADMIN only */
	bool no_vma;			/* a hole between a process's VMAs: no level read */
	uint64_t pfn;
	uint32_t swap_type;
	uint64_t swap_offset;
	unsigned int nr;
	struct smmc_pt_level lv[SMMC_PT_LEVELS];
};

typedef int (*smmc_pt_cb)(const struct smmc_pt_step *step, void *data);
int smmc_pt_walk(struct smmc_nl *nl, const struct smmc_pt_req *req, smmc_pt_cb cb, void *data);
/*
 * The leaves mode: leaf translations as runs of pages of one size with
 * equal flags and, for CAP_SYS_ADMIN, frames following on (pfn is 0
 * without it). uapi shadowmm.h says what joins a run.
 */
struct smmc_pt_run {
	uint64_t addr, pfn;		/* first page and its frame */
	uint64_t pages;			/* of 1 << shift bytes */
	uint32_t flags;			/* SHADOWMM_PTF_* */
	unsigned int shift;
};

typedef int (*smmc_pt_run_cb)(const struct smmc_pt_run *run, void *data);
int smmc_pt_leaves(struct smmc_nl *nl, const struct smmc_pt_req *req, smmc_pt_run_cb cb,
		   void *data);
/* walk_print.c: one step as smmctl pt walk prints it (json_print.h's output) */
void smmc_pt_print_step(const struct smmc_pt_step *st);
void smmc_pt_print_run(const struct smmc_pt_run *run);

/* space.c: shadow address spaces */
#define SMMC_SPACE_SIZES	3		/* 4K, 2M, 1G */

struct smmc_space_range {
	uint32_t id, page_shift;
	uint64_t addr, pages;
};

struct smmc_space_xlate {
	uint32_t flags, page_shift;
	bool has_pfn;			/* PFN and PHYS go to CAP_SYS_ADMIN only */
	uint64_t pfn, phys;
};

struct smmc_space_info {
	uint32_t id, levels;
	uint64_t frames;
	uint64_t tables[SMMC_PT_LEVELS];
	uint64_t mapped[SMMC_SPACE_SIZES];
	uint64_t rss_anon, swap;	/* pages: VmRSS (anonymous), VmSwap */
	uint32_t nr_vmas;
};

int smmc_prot_flag(const char *name, uint32_t *prot);
int smmc_space_create(struct smmc_nl *nl, uint32_t levels, uint32_t *id);
int smmc_space_fork(struct smmc_nl *nl, uint32_t parent, uint32_t *id);
int smmc_space_map(struct smmc_nl *nl, const struct smmc_space_range *r, uint32_t prot);
int smmc_space_unmap(struct smmc_nl *nl, const struct smmc_space_range *r);
int smmc_space_translate(struct smmc_nl *nl, uint32_t id, uint64_t addr,
			 struct smmc_space_xlate *x);
int smmc_space_destroy(struct smmc_nl *nl, uint32_t id);
int smmc_spaces_get(struct smmc_nl *nl, struct smmc_space_info **v, size_t *n);

/* vma.c: shadow processes (VMAs, accesses, fault counts) */
struct smmc_vma {
	uint64_t start, end;
	uint32_t prot, kind;		/* SHADOWMM_PROT_*, SHADOWMM_VMA_ANON or _FILE */
	uint32_t file;			/* a file VMA's FILE_ID, else 0 */
	uint64_t offset;		/* a file VMA's offset in the file, bytes */
	bool shared;			/* MAP_SHARED */
};

/* A file mapping's part of SPACE_MMAP (smmc_space_mmap_file()). */
struct smmc_mmap_file {
	uint32_t file;			/* FILE_OPEN's id */
	uint64_t offset;		/* bytes, page aligned */
	bool shared;			/* MAP_SHARED, else MAP_PRIVATE */
};

struct smmc_access_req {
	uint32_t id;
	uint64_t addr, len;
	bool write, has_value;		/* a write without value stores each word's address */
	uint64_t value;
};

struct smmc_access_res {
	uint64_t touched, faults, csum;
	uint32_t signal;		/* 0, or EFAULT/EACCES (SIGSEGV), ENOMEM, ESRCH (OOM-killed) */
	uint64_t fault_addr;
	char reason[128];
};

struct smmc_space_vm {
	uint32_t id, nr_vmas;
	bool found;
	uint64_t frames, rss_anon, min_flt, maj_flt, pgfault;
	uint64_t cow_faults, cow_reuse;	/* wp_page_copy() and wp_page_reuse() after fork */
	uint64_t rss_file;		/* page-cache pages mapped (RssFile) */
	uint64_t swap;			/* swap entries (VmSwap), pages */
	int32_t oom_score_adj;		/* -1000..1000 */
	bool oom_killed;		/* killed by the OOM killer */
	uint64_t pinned;		/* pages holding pins (SPACE_PIN) */
};

/* SPACE_PIN's request and reply */
struct smmc_pin_req {
	uint32_t id;
	uint64_t addr, len;
	bool write, longterm;		/* FOLL_WRITE, FOLL_LONGTERM */
};

struct smmc_pin_res {
	uint64_t pinned, faulted, migrated;
};

int smmc_vma_prot_parse(const char *s, uint32_t *prot);
const char *smmc_vma_prot_str(uint32_t prot, char *buf);
int smmc_space_mmap(struct smmc_nl *nl, uint32_t id, uint64_t addr, uint64_t len, uint32_t prot);
int smmc_space_mmap_file(struct smmc_nl *nl, uint32_t id, uint64_t addr, uint64_t len,
			 uint32_t prot, const struct smmc_mmap_file *f);
int smmc_space_munmap(struct smmc_nl *nl, uint32_t id, uint64_t addr, uint64_t len);
int smmc_space_access(struct smmc_nl *nl, const struct smmc_access_req *req,
		      struct smmc_access_res *res);
int smmc_space_vmas(struct smmc_nl *nl, uint32_t id, struct smmc_vma **v, size_t *n);
int smmc_space_vm_get(struct smmc_nl *nl, uint32_t id, struct smmc_space_vm *vm);
int smmc_space_set_oom_score_adj(struct smmc_nl *nl, uint32_t id, int32_t adj);
int smmc_space_pin(struct smmc_nl *nl, const struct smmc_pin_req *req, struct smmc_pin_res *res);
int smmc_space_unpin(struct smmc_nl *nl, uint32_t id, uint64_t addr, uint64_t len);

/* swap.c: the swap area, and MADV_PAGEOUT on a space */
struct smmc_swap {
	bool on;
	uint64_t size, used, limit;	/* bytes */
	int32_t priority;
	uint32_t clusters, clusters_free;
	uint64_t pswpin, pswpout, pgmajfault;
	uint64_t cached;		/* pages in the swap cache (SwapCached) */
};

int smmc_swap_on(struct smmc_nl *nl, uint64_t size);
int smmc_swap_off(struct smmc_nl *nl);
int smmc_swap_get(struct smmc_nl *nl, struct smmc_swap *sw);
int smmc_reclaim(struct smmc_nl *nl, uint64_t pages, uint64_t *done);
int smmc_space_pageout(struct smmc_nl *nl, uint32_t id, uint64_t addr, uint64_t len,
		       uint64_t *done);

/* compact.c: compaction on demand, one result per zone compacted */
struct smmc_compact_zone {
	uint32_t zone;			/* SHADOWMM_ZONE_* */
	uint32_t result;		/* enum shadowmm_compact_result */
	uint64_t migrated, failed, migrate_scanned, free_scanned;
	uint64_t pinned;		/* pinned pages the migrate scanner skipped */
};

int smmc_compact(struct smmc_nl *nl, int zone, int order, struct smmc_compact_zone *res,
		 unsigned int *n);
const char *smmc_compact_result_name(uint32_t result);

/* range.c: offline ranges (memory hot-remove) and the CMA area */
struct smmc_range {
	uint64_t start, count;		/* frame indexes */
	uint32_t zone;
};

int smmc_range_offline(struct smmc_nl *nl, uint64_t start, uint64_t count);
int smmc_range_online(struct smmc_nl *nl, uint64_t start, uint64_t count);
int smmc_range_get(struct smmc_nl *nl, struct smmc_range *r, unsigned int max, unsigned int *n);

#define SMMC_CMA_MAX_ALLOCS	SHADOWMM_CMA_MAX_ALLOCS

struct smmc_cma {
	uint64_t base, count, used, free;	/* frames */
	uint32_t zone;
	uint64_t alloc_success, alloc_fail;
	unsigned int nr_allocs;
	struct {
		uint64_t handle, count;
	} allocs[SMMC_CMA_MAX_ALLOCS];
};

int smmc_cma_alloc(struct smmc_nl *nl, uint64_t count, uint32_t align, uint64_t *handle);
int smmc_cma_free(struct smmc_nl *nl, uint64_t handle);
int smmc_cma_get(struct smmc_nl *nl, struct smmc_cma *c);

/* sysctl.c: the reclaim tunables by /proc/sys/vm's names */
#define SMMC_SYSCTL_NR	6
extern const char *const smmc_sysctl_names[SMMC_SYSCTL_NR];

struct smmc_sysctl {
	bool has[SMMC_SYSCTL_NR];	/* GET: sent by the module; SET: to send */
	uint64_t v[SMMC_SYSCTL_NR];
};

int smmc_sysctl_index(const char *name);
bool smmc_sysctl_is_u32(int i);
int smmc_sysctl_get(struct smmc_nl *nl, struct smmc_sysctl *s);
int smmc_sysctl_set(struct smmc_nl *nl, const struct smmc_sysctl *s);

/* fault.c: fault injection, fail_page_alloc ("page") and failslab ("slab") */
#define SMMC_FAULT_NR_TARGETS	__SHADOWMM_FAULT_TARGET_CNT
#define SMMC_FAULT_NR_SETTINGS	13
extern const char *const smmc_fault_targets[SMMC_FAULT_NR_TARGETS];
extern const char *const smmc_fault_dirs[SMMC_FAULT_NR_TARGETS];

/* A setting (or, with min > max, a counter) by its debugfs name. */
struct smmc_fault_setting {
	const char *name;		/* debugfs's and smmctl's word */
	const char *key;		/* JSON's */
	uint16_t attr;			/* SHADOWMM_A_FAULT_* */
	enum mnl_attr_data_type type;	/* on the wire (times, space, zone: s32 as U32) */
	int64_t min, max;		/* the seed: any 64 bits (min == max == 0) */
	unsigned int targets;		/* bit per enum shadowmm_fault_target */
};
extern const struct smmc_fault_setting smmc_fault_settings[SMMC_FAULT_NR_SETTINGS];

struct smmc_fault {
	bool has[SHADOWMM_A_FAULT_MAX + 1];	/* GET: sent by the module; SET: to send */
	int64_t v[SHADOWMM_A_FAULT_MAX + 1];	/* the seed's and counters' bits as u64 */
};

const struct smmc_fault_setting *smmc_fault_setting(const char *name);
bool smmc_fault_has(const struct smmc_fault_setting *s, unsigned int t);
int smmc_fault_target(const char *name);
int smmc_fault_get(struct smmc_nl *nl, struct smmc_fault f[SMMC_FAULT_NR_TARGETS]);
int smmc_fault_set(struct smmc_nl *nl, unsigned int target, const struct smmc_fault *f);

/* event.c: the "events" multicast group */
struct smmc_event_zone {
	bool present;
	uint64_t alloc, free, alloc_fail, wmark_low, wmark_min;	/* in the interval */
	uint64_t free_frames, boost, nr_reserved_highatomic;	/* now */
	uint32_t level, level_prev;	/* enum shadowmm_wmark_level */
};

/* vmstat.c: counters by /proc/vmstat's names, as the module lists them */
struct smmc_vmstat {
	char name[64];
	uint64_t value;
};

#define SMMC_EVENT_VMSTAT_MAX	160	/* counters an event keeps; more are dropped */

struct smmc_event {
	uint64_t seq;
	uint32_t interval_ms;
	struct smmc_event_zone zones[SMMC_NR_ZONES];
	uint64_t caches_created, caches_destroyed;	/* in the interval */
	char cache_created[32], cache_destroyed[32];	/* the last ones, "" if none */
	uint64_t oom_kills;				/* in the interval */
	uint32_t oom_victim;				/* the last one, with oom_kills */
	uint64_t oom_victim_pages;
	size_t nr_vmstat;				/* counters that changed: */
	struct smmc_vmstat vmstat[SMMC_EVENT_VMSTAT_MAX];	/* their values now */
};

struct smmc_events {
	struct mnl_socket *sock;
	char *buf;
	uint16_t family;
};

extern const char *const smmc_wmark_level_names[4];
int smmc_event_parse(const struct nlmsghdr *nlh, struct smmc_event *ev);
int smmc_events_open(struct smmc_nl *nl, struct smmc_events *ev);
int smmc_events_fd(const struct smmc_events *ev);
int smmc_events_read(struct smmc_events *ev, void (*cb)(const struct smmc_event *e, void *data),
		     void *data);
void smmc_events_close(struct smmc_events *ev);

/* workload.c: the workload generator (space run / stop / workloads) */
struct smmc_workload {
	uint32_t space, pattern, param, rate, write_pct, seconds;
	uint32_t running;		/* 1 running, 0 ended (reason says why) */
	uint64_t accesses, faults;
	char reason[128];
};

extern const char *const smmc_workload_patterns[4];
/* zipf's exponent in hundredths (the module's core/workload.h says the same) */
#define SMMC_ZIPF_S_MIN		1
#define SMMC_ZIPF_S_MAX		400
#define SMMC_ZIPF_S_DEFAULT	99	/* 0.99, as YCSB */	/* by SHADOWMM_WORKLOAD_* */
int smmc_workload_start(struct smmc_nl *nl, const struct smmc_workload *w);
int smmc_workload_stop(struct smmc_nl *nl, uint32_t space);
int smmc_workloads_get(struct smmc_nl *nl, struct smmc_workload **v, size_t *n);

int smmc_vmstat_get(struct smmc_nl *nl, struct smmc_vmstat **v, size_t *n);
size_t smmc_vmstat_parse_nest(const struct nlattr *nest, struct smmc_vmstat *v, size_t max);
const struct smmc_vmstat *smmc_vmstat_find(const struct smmc_vmstat *v, size_t n,
					   const char *name);

/* file.c: the shadow page cache over real files (file open / read / show / close / sync) */
struct smmc_file {
	uint32_t id;
	char path[SHADOWMM_FILE_PATH_MAX];
	uint64_t size;			/* bytes, at open */
	uint64_t nrpages;		/* pages cached now */
	uint64_t hits, misses;		/* pages, ever */
	uint32_t ra_pages, ra_size;	/* readahead: the largest window, the window now */
	uint64_t ra_read, ra_hits, ra_wasted;	/* pages read ahead, of which hit, dropped unread */
	uint32_t mappings;		/* file VMAs mapping it (i_mmap entries) */
	uint64_t dirty;			/* pages dirty now (shared writes) */
	uint64_t written;		/* pages written back to its shadow store, ever */
	uint64_t stored;		/* pages in its shadow store (swap slots) */
	uint64_t mapped;		/* cached pages some PTE maps */
};

#define SMMC_FILE_RA_DEFAULT	(-1)	/* smmc_file_open(): the module's readahead window */

struct smmc_file_read {
	uint64_t off;			/* in: the first byte */
	uint32_t len;			/* in: bytes wanted, at most SHADOWMM_FILE_READ_MAX */
	void *buf;			/* in: room for len bytes */
	uint32_t done;			/* out: bytes read */
	uint64_t hits, misses;		/* out: pages */
	uint64_t ra_hits;		/* out: of the hits, pages read ahead */
};

int smmc_file_open(struct smmc_nl *nl, const char *path, int64_t ra_pages, struct smmc_file *f);
int smmc_file_read(struct smmc_nl *nl, uint32_t id, struct smmc_file_read *r);
int smmc_files_get(struct smmc_nl *nl, struct smmc_file **v, size_t *n);
int smmc_file_close(struct smmc_nl *nl, uint32_t id);
int smmc_file_sync(struct smmc_nl *nl, uint32_t id, uint64_t *written);

/*
 * trace.c: a real kernel's kmem trace (tracefs "trace" text) read and
 * replayed into the shadow (smmctl trace replay, Documentation/replay.md)
 */
enum smmc_trace_ev {
	SMMC_TRACE_PAGE_ALLOC, SMMC_TRACE_PAGE_FREE, SMMC_TRACE_PAGE_FREE_BATCHED,
	SMMC_TRACE_KMALLOC, SMMC_TRACE_KFREE, SMMC_TRACE_CACHE_ALLOC, SMMC_TRACE_CACHE_FREE,
	__SMMC_TRACE_EV_CNT
};

struct smmc_trace_event {
	enum smmc_trace_ev type;
	uint64_t key;			/* pfn (page events) or ptr (slab events) */
	uint32_t order;			/* page events */
	uint32_t gfp;			/* allocations: SHADOWMM_GFP_* */
	uint32_t bytes;			/* kmalloc, kmem_cache_alloc: bytes_alloc */
	bool failed;			/* the traced kernel's allocation failed (NULL) */
	uint64_t ts_ns;			/* the line's timestamp, in nanoseconds */
};

enum smmc_replay_skip {
	SMMC_SKIP_UNMATCHED,		/* free of a key not allocated in the trace */
	SMMC_SKIP_NULL_FREE,		/* kfree(NULL) */
	SMMC_SKIP_TRACE_FAILED,		/* the traced kernel's allocation failed */
	SMMC_SKIP_AFTER_FAILURE,	/* free of an allocation the shadow refused */
	SMMC_SKIP_DUPLICATE,		/* allocation of a key still live (its free was lost) */
	SMMC_SKIP_LARGE,		/* object above SMMC_REPLAY_MAX_OBJECT */
	SMMC_SKIP_MODE,			/* not of the kind asked for (pages, objects) */
	SMMC_SKIP_LIMIT,		/* past the limit */
	SMMC_SKIP_FREE_OF_LARGE,	/* free of an object skipped as large */
	SMMC_SKIP_BATCHED,		/* mm_page_free_batched of a page mm_page_free freed */
	__SMMC_SKIP_CNT
};

struct smmc_replay_stats {
	uint64_t lines, other, lost;		/* lines read; passed over; LOST marks */
	uint64_t events, read[__SMMC_TRACE_EV_CNT];	/* the kmem events, by type */
	uint64_t replayed, requests;		/* events replayed; netlink requests */
	uint64_t page_allocs, page_frees, obj_allocs, obj_frees;	/* replayed */
	uint64_t skipped[__SMMC_SKIP_CNT];
	uint64_t failures;			/* allocations the shadow refused */
	uint64_t peak_frames, live_frames, peak_objs, live_objs;
	uint64_t caches;			/* created */
	uint64_t waits, waited_ns;		/* recorded speed: the pauses, their sum */
};

enum smmc_replay_mode { SMMC_REPLAY_ALL, SMMC_REPLAY_PAGES, SMMC_REPLAY_OBJECTS };

struct smmc_replay_opts {
	enum smmc_replay_mode mode;
	uint32_t policy;		/* of the caches created, or SMMC_CACHE_POLICY_DEFAULT */
	uint64_t limit;			/* events replayed at most, 0: all */
	double speed;			/* 0: as fast as possible; 1: recorded; 2: twice */
	uint64_t every;			/* ops->tick every so many events, 0: never */
};

/* What a replay asks of the shadow (smmctl: netlink; tests: a model). */
struct smmc_replay_ops {
	/* all or nothing, -ENOMEM when refused for lack of memory */
	int (*page_alloc)(void *ctx, uint32_t order, uint32_t gfp, uint32_t count,
			  uint64_t *handles);
	int (*page_free)(void *ctx, const uint64_t *handles, uint32_t n);
	int (*cache_create)(void *ctx, const char *name, uint32_t size, uint32_t policy);
	int (*obj_alloc)(void *ctx, const char *cache, uint32_t count, uint64_t *handles);
	int (*obj_free)(void *ctx, const char *cache, const uint64_t *handles, uint32_t n);
	/* optional: every opts->every events replayed (and at the end) */
	int (*tick)(void *ctx, uint64_t events);
};

#define SMMC_REPLAY_BATCH	1024	/* events per request at most */
#define SMMC_REPLAY_MAX_CACHES	64
#define SMMC_REPLAY_MAX_OBJECT	8192	/* the shadow's largest object (kmalloc-8k) */
#define SMMC_REPLAY_PACE_NS	1000000	/* recorded speed: events this close share a batch */

const char *smmc_trace_event_name(enum smmc_trace_ev ev);
uint32_t smmc_trace_gfp(const char *text, int migratetype);
int smmc_trace_parse_line(const char *line, struct smmc_trace_event *ev, bool *lost,
			  const char **why);
int smmc_trace_read(FILE *f, struct smmc_trace_event **evs, size_t *n,
		    struct smmc_replay_stats *st, unsigned long *bad_line, const char **why);
int smmc_replay(const struct smmc_trace_event *evs, size_t n, const struct smmc_replay_ops *ops,
		void *ctx, const struct smmc_replay_opts *opts, struct smmc_replay_stats *st);
void smmc_replay_cache_name(char *buf, size_t len, uint32_t size);
const char *smmc_replay_skip_name(enum smmc_replay_skip s);
uint64_t smmc_replay_skipped(const struct smmc_replay_stats *st);
extern const struct smmc_replay_ops smmc_replay_nl_ops;	/* ctx: a struct smmc_nl */

/*
 * svg.c: pictures as plain SVG text. The geometry is fixed (the tests
 * find cells and points by it): the frame map's cells start at
 * (SMMC_SVG_MARGIN, SMMC_SVG_MAP_TOP), SMMC_SVG_FRAME_COLS cells of
 * SMMC_SVG_FRAME_CELL pixels a row (frame scale) or SMMC_SVG_BLOCK_COLS
 * of SMMC_SVG_BLOCK_CELL (pageblock scale); the legend below, swatches
 * in SMMC_SVG_LEGEND_COLS columns. History charts are SMMC_SVG_CHART_H
 * apart from SMMC_SVG_CHART_TOP, each plot SMMC_SVG_PLOT_W x
 * SMMC_SVG_PLOT_H at x SMMC_SVG_PLOT_X, its legend at SMMC_SVG_LEGEND_X.
 */
#define SMMC_PAGEBLOCK_FRAMES	512	/* the module's pageblock_order 9 (core/mm.h) */
#define SMMC_SVG_MARGIN		10
#define SMMC_SVG_MAP_TOP	44
#define SMMC_SVG_FRAME_COLS	128
#define SMMC_SVG_FRAME_CELL	4
#define SMMC_SVG_BLOCK_COLS	32
#define SMMC_SVG_BLOCK_CELL	16
#define SMMC_SVG_MAX_ROWS	4096	/* a taller map is refused: choose pageblock scale */
#define SMMC_SVG_GAP		12
#define SMMC_SVG_SWATCH		12
#define SMMC_SVG_LEGEND_COLS	4
#define SMMC_SVG_LEGEND_COL	128
#define SMMC_SVG_LEGEND_ROW	18
#define SMMC_SVG_HIST_W		760
#define SMMC_SVG_CHART_TOP	60
#define SMMC_SVG_CHART_H	250
#define SMMC_SVG_PLOT_X		70
#define SMMC_SVG_PLOT_W		540
#define SMMC_SVG_PLOT_H		180
#define SMMC_SVG_LEGEND_X	630
#define SMMC_SVG_MARKER		6
#define SMMC_SVG_MAX_MARKERS	100

extern const char *const smmc_svg_state_colours[__SHADOWMM_FRAME_CNT];
extern const char *const smmc_svg_mt_colours[SMMC_NR_MT];
extern const char *const smmc_svg_kind_colours[SMMC_NR_KINDS - __SHADOWMM_FRAME_CNT];

void smmc_svg_begin(FILE *f, unsigned int width, unsigned int height, const char *title);
void smmc_svg_end(FILE *f);
void smmc_svg_escape(FILE *f, const char *s);
void smmc_svg_rect(FILE *f, unsigned int x, unsigned int y, unsigned int w, unsigned int h,
		   const char *fill);
void smmc_svg_line(FILE *f, double x1, double y1, double x2, double y2, const char *stroke,
		   unsigned int width);
void smmc_svg_text(FILE *f, double x, double y, const char *anchor, unsigned int size,
		   const char *text);

struct smmc_svg_map {
	const struct smmc_run *runs;	/* sorted by start, not overlapping */
	size_t nr_runs;
	uint64_t start, count;		/* the frames drawn */
	bool pageblock;			/* a cell per pageblock, not per frame */
	const char *when;		/* the title's last words: when, or from what */
};

int smmc_svg_frame_map(FILE *f, const struct smmc_svg_map *m);
unsigned int smmc_svg_map_legend_top(const struct smmc_svg_map *m);

struct smmc_svg_history {
	unsigned int nr_samples;
	struct smmc_zone (*zones)[SMMC_NR_ZONES];	/* [sample][zone], as ZONE_GET dumped */
	unsigned int *nr_zones;				/* [sample] */
	double interval;		/* seconds between samples; 0: unknown */
	const char *when;
};

int smmc_svg_zone_history(FILE *f, const struct smmc_svg_history *h);
unsigned int smmc_svg_history_charts(const struct smmc_svg_history *h);

#endif /* _SMMC_LIBSMM_H */
