/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The shadowmm client library: each object's requests and replies as
 * plain C structs, one file per object (info.c, section.c, zone.c,
 * page.c, frame.c, check.c), on the netlink plumbing of smm_nl.c. Every
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
