/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The shadowmm client library: each object's requests and replies as
 * plain C structs, one file per object (info.c, section.c, zone.c,
 * page.c, frame.c, check.c, cache.c, walk.c, space.c), on the netlink plumbing of smm_nl.c. Every
 * call returns 0 or -errno with nl->err saying why.
 *
 * Parsers skip attribute types they do not know, so a newer module never
 * breaks an older tool; an attribute that is absent reads as 0 (or "").
 */
#ifndef _LIBSMM_H
#define _LIBSMM_H

#include "smm_nl.h"

#define SMM_NR_ZONES	__SHADOWMM_ZONE_CNT
#define SMM_NR_MT	__SHADOWMM_MT_CNT
#define SMM_NR_ORDERS	11

extern const char *const smm_zone_names[SMM_NR_ZONES];
extern const char *const smm_mt_names[SMM_NR_MT];
extern const char *const smm_state_names[__SHADOWMM_FRAME_CNT];

/* units.c */
char *smm_fmt_bytes(char *buf, size_t len, uint64_t bytes);

/* array.c */
int smm_array_reserve(void **v, size_t *cap, size_t n, size_t size, size_t first);

/* info.c */
struct smm_info {
	bool has_base;			/* BASE is sent to CAP_SYS_ADMIN only */
	uint64_t base, size, nr_frames, span_frames;
	uint32_t page_size, mode, nr_sections, desc_bytes, max_order;
	char version[32], kernel[65];
};

int smm_info_get(struct smm_nl *nl, struct smm_info *info);
int smm_info_parse(const struct nlmsghdr *nlh, struct smm_info *info);
const char *smm_mode_name(uint32_t mode);

/* section.c */
struct smm_section {
	uint32_t index;
	bool has_base;			/* BASE is sent to CAP_SYS_ADMIN only */
	uint64_t base, start, nr_frames;
};

int smm_sections_get(struct smm_nl *nl, struct smm_section **sections, size_t *n);
int smm_section_parse(const struct nlmsghdr *nlh, struct smm_section *s);

/* zone.c */
struct smm_zone_stats {
	uint64_t alloc[SMM_NR_ORDERS], free[SMM_NR_ORDERS];
	uint64_t mt_fallback, mt_steal, zone_fallback, wmark_low, wmark_min, alloc_fail;
	uint64_t pcp_alloc, pcp_free, pcp_refill, pcp_drain;
};

struct smm_zone {
	uint32_t id;
	char name[16];
	uint64_t start, spanned, present, managed, free, pcp;
	uint64_t wmark_min, wmark_low, wmark_high;
	uint64_t lowmem_reserve[SMM_NR_ZONES];
	uint32_t pcp_high, pcp_batch;
	uint64_t nr_free[SMM_NR_ORDERS];
	uint64_t nr_free_mt[SMM_NR_ORDERS][SMM_NR_MT];
	int32_t unusable[SMM_NR_ORDERS], extfrag[SMM_NR_ORDERS];
	uint64_t pageblocks[SMM_NR_MT];
	struct smm_zone_stats stats;
};

int smm_zones_get(struct smm_nl *nl, struct smm_zone zones[SMM_NR_ZONES], unsigned int *n);
int smm_zone_by_name(const char *name);

/* page.c */
struct smm_page_req {
	uint32_t order, flags, count;
	int zone, mt;			/* -1: not given */
};

int smm_page_alloc(struct smm_nl *nl, const struct smm_page_req *req, uint64_t *handles,
		   uint32_t *n);
int smm_page_free(struct smm_nl *nl, const uint64_t *handles, uint32_t n, bool all,
		  uint64_t *freed);
int smm_reset(struct smm_nl *nl, uint64_t *freed);
int smm_gfp_flag(const char *name, uint32_t *flag);
int smm_mt_by_name(const char *name);

/* frame.c */
struct smm_run {
	uint64_t start, count;
	uint32_t state, mt;
};

typedef int (*smm_run_cb)(const struct smm_run *run, void *data);
int smm_frames_get(struct smm_nl *nl, uint64_t start, uint64_t count, smm_run_cb cb,
		   void *data);

/* check.c */
int smm_check(struct smm_nl *nl, bool *ok, char *reason, size_t len);

/* cache.c: slab caches and their objects */
struct smm_cache {
	char name[32];
	uint32_t id, object_size, align, flags, size, order, objs_per_slab;
	bool builtin;
	uint64_t active_objs, num_objs, num_slabs, partial_slabs, full_slabs, cpu_slabs;
	uint64_t alloc_fast, alloc_slow, free_fast, free_slow, alloc_fail;
	uint64_t slabs_alloc, slabs_free, errors;
};

int smm_caches_get(struct smm_nl *nl, struct smm_cache **caches, size_t *n);
int smm_cache_parse(const struct nlmsghdr *nlh, struct smm_cache *c);
int smm_cache_create(struct smm_nl *nl, const char *name, uint32_t size, uint32_t align,
		     uint32_t flags);
int smm_cache_destroy(struct smm_nl *nl, const char *name, bool force);
int smm_cache_shrink(struct smm_nl *nl, const char *name, uint64_t *frames);
int smm_cache_validate(struct smm_nl *nl, const char *name, uint64_t *problems);
int smm_obj_alloc(struct smm_nl *nl, const char *name, uint32_t count, uint64_t *handles,
		  uint32_t *n);
int smm_obj_free(struct smm_nl *nl, const char *name, const uint64_t *handles, uint32_t n,
		 uint64_t *freed);
int smm_obj_corrupt(struct smm_nl *nl, const char *name, uint64_t handle, uint32_t kind);
int smm_cache_flag(const char *name, uint32_t *flag);
const char *smm_cache_flag_name(unsigned int bit);
int smm_corrupt_kind(const char *name);

/* walk.c: PT_WALK */
#define SMM_PT_LEVELS	__SHADOWMM_PT_CNT
#define SMM_PTF_BITS	13

extern const char *const smm_pt_level_names[SMM_PT_LEVELS];
extern const char *const smm_pt_kind_names[__SHADOWMM_PT_KIND_CNT];
extern const char *const smm_ptf_names[SMM_PTF_BITS];

enum smm_pt_target { SMM_PT_TARGET_PID = 1, SMM_PT_TARGET_KERNEL, SMM_PT_TARGET_SPACE };

struct smm_pt_req {
	enum smm_pt_target target;
	uint32_t id;			/* pid or space id */
	uint64_t addr, len;		/* len 0: one address */
};

struct smm_pt_level {
	uint32_t level, index, flags;
	bool folded, has_entry;		/* ENTRY goes to CAP_SYS_ADMIN only */
	uint64_t entry;
};

struct smm_pt_step {
	uint64_t addr, size;		/* the address walked; what its last entry maps */
	uint32_t kind, paging_levels;
	bool has_pfn, in_shadow;	/* PFN and IN_SHADOW go to CAP_SYS_ADMIN only */
	bool no_vma;			/* a hole between a process's VMAs: no level read */
	uint64_t pfn;
	uint32_t swap_type;
	uint64_t swap_offset;
	unsigned int nr;
	struct smm_pt_level lv[SMM_PT_LEVELS];
};

typedef int (*smm_pt_cb)(const struct smm_pt_step *step, void *data);
int smm_pt_walk(struct smm_nl *nl, const struct smm_pt_req *req, smm_pt_cb cb, void *data);
/* walk_print.c: one step as smmctl pt walk prints it (json_print.h's output) */
void smm_pt_print_step(const struct smm_pt_step *st);

/* space.c: shadow address spaces */
#define SMM_SPACE_SIZES	3		/* 4K, 2M, 1G */

struct smm_space_range {
	uint32_t id, page_shift;
	uint64_t addr, pages;
};

struct smm_space_xlate {
	uint32_t flags, page_shift;
	bool has_pfn;			/* PFN and PHYS go to CAP_SYS_ADMIN only */
	uint64_t pfn, phys;
};

struct smm_space_info {
	uint32_t id, levels;
	uint64_t frames;
	uint64_t tables[SMM_PT_LEVELS];
	uint64_t mapped[SMM_SPACE_SIZES];
};

int smm_prot_flag(const char *name, uint32_t *prot);
int smm_space_create(struct smm_nl *nl, uint32_t levels, uint32_t *id);
int smm_space_map(struct smm_nl *nl, const struct smm_space_range *r, uint32_t prot);
int smm_space_unmap(struct smm_nl *nl, const struct smm_space_range *r);
int smm_space_translate(struct smm_nl *nl, uint32_t id, uint64_t addr, struct smm_space_xlate *x);
int smm_space_destroy(struct smm_nl *nl, uint32_t id);
int smm_spaces_get(struct smm_nl *nl, struct smm_space_info **v, size_t *n);

/* event.c: the "events" multicast group */
struct smm_event_zone {
	bool present;
	uint64_t alloc, free, alloc_fail, wmark_low, wmark_min;	/* in the interval */
	uint64_t free_frames;
	uint32_t level, level_prev;	/* enum shadowmm_wmark_level */
};

struct smm_event {
	uint64_t seq;
	uint32_t interval_ms;
	struct smm_event_zone zones[SMM_NR_ZONES];
	uint64_t caches_created, caches_destroyed;	/* in the interval */
	char cache_created[32], cache_destroyed[32];	/* the last ones, "" if none */
};

struct smm_events {
	struct mnl_socket *sock;
	char *buf;
	uint16_t family;
};

extern const char *const smm_wmark_level_names[4];
int smm_event_parse(const struct nlmsghdr *nlh, struct smm_event *ev);
int smm_events_open(struct smm_nl *nl, struct smm_events *ev);
int smm_events_fd(const struct smm_events *ev);
int smm_events_read(struct smm_events *ev, void (*cb)(const struct smm_event *e, void *data),
		    void *data);
void smm_events_close(struct smm_events *ev);

#endif /* _LIBSMM_H */
