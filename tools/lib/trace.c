// SPDX-License-Identifier: GPL-2.0
/*
 * A real kernel's allocation trace (the text of tracefs' "trace" file,
 * kmem events) read and replayed into the shadow (smmctl trace replay,
 * Documentation/replay.md).
 *
 * Reading: smmc_trace_parse_line() takes one line and finds the event by
 * its timestamp ("1234.567890: NAME: FIELDS"), so that the task names,
 * CPU and irq-flags columns of any release (6.1's and 6.12's differ)
 * pass; fields are read by name (key=value), so 6.1's and 6.12's extra
 * fields (node=, accounted=, name=, page=) do not matter and pfn may be
 * hex (0x..., both releases) or decimal (older kernels).
 *
 * Replaying: smmc_replay() walks the parsed events in order. An
 * allocation's key (pfn for pages, ptr for objects) is remembered with
 * the shadow handle it got; a free looks its key up. Requests are batched:
 * a run of allocations with the same order and flags (or the same cache),
 * or a run of frees, is one request of up to the batch maximum, so the
 * order of the trace is kept and 100,000 events need only as many requests
 * as the trace has runs. The shadow's requests are all or nothing: a
 * batch refused for lack of memory is retried one by one, so each refused
 * allocation is counted and its later free skipped.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "libsmm.h"

static const char *const smmc_trace_event_names[__SMMC_TRACE_EV_CNT] = {
	[SMMC_TRACE_PAGE_ALLOC]		= "mm_page_alloc",
	[SMMC_TRACE_PAGE_FREE]		= "mm_page_free",
	[SMMC_TRACE_PAGE_FREE_BATCHED]	= "mm_page_free_batched",
	[SMMC_TRACE_KMALLOC]		= "kmalloc",
	[SMMC_TRACE_KFREE]		= "kfree",
	[SMMC_TRACE_CACHE_ALLOC]	= "kmem_cache_alloc",
	[SMMC_TRACE_CACHE_FREE]		= "kmem_cache_free",
};

const char *smmc_trace_event_name(enum smmc_trace_ev ev)
{
	return ev < __SMMC_TRACE_EV_CNT ? smmc_trace_event_names[ev] : "?";
}

/* ---- reading ------------------------------------------------------- */

/*
 * The start of the event name: after "DIGITS.DIGITS: " (the timestamp
 * column ends every line's header in tracefs' trace, trace-cmd report and
 * perf script text) and the blanks perf script pads the name with, or
 * NULL. *@ns: the timestamp in nanoseconds (any number of decimals).
 */
static const char *smmc_trace_after_stamp(const char *line, uint64_t *ns)
{
	const char *p, *q, *frac;
	uint64_t sec = 0, sub = 0, scale = 1000000000ULL;

	for (p = strstr(line, ": "); p; p = strstr(p + 1, ": ")) {
		q = p;
		if (q == line || !isdigit((unsigned char)q[-1]))
			continue;
		while (q > line && isdigit((unsigned char)q[-1]))
			q--;
		if (q == line || q[-1] != '.')
			continue;
		frac = q--;
		if (q == line || !isdigit((unsigned char)q[-1]))
			continue;
		while (q > line && isdigit((unsigned char)q[-1]))
			q--;
		for (; *q != '.'; q++)
			sec = sec * 10 + (*q - '0');
		for (q = frac; q < p; q++) {
			scale /= 10;
			sub += (uint64_t)(*q - '0') * scale;
		}
		*ns = sec * 1000000000ULL + sub;
		for (p += 2; *p == ' ' || *p == '\t'; p++)
			;
		return p;
	}
	return NULL;
}

/* @s starts with @digits... and nothing but a line end after them. */
static bool smmc_trace_digits_to_eol(const char *s)
{
	if (!isdigit((unsigned char)*s))
		return false;
	while (isdigit((unsigned char)*s))
		s++;
	return !*s || *s == '\n' || *s == '\r';
}

/*
 * A header line of trace-cmd report ("cpus=2", "version = 6", "CPU 1 is
 * empty"): not an event, passed over.
 */
static bool smmc_trace_header(const char *line)
{
	if (!strncmp(line, "cpus=", 5))
		return smmc_trace_digits_to_eol(line + 5);
	if (!strncmp(line, "version = ", 10))
		return true;
	return !strncmp(line, "CPU ", 4) && strstr(line, " is empty");
}

/* The value of " KEY=" in @fields (up to the next blank), copied into @buf. */
static bool smmc_trace_field(const char *fields, const char *key, char *buf, size_t len)
{
	size_t klen = strlen(key), n;
	const char *p = fields;

	while ((p = strstr(p, key))) {
		if ((p == fields || p[-1] == ' ') && p[klen] == '=') {
			p += klen + 1;
			n = strcspn(p, " \t\r\n");
			if (!n || n >= len)
				return false;
			memcpy(buf, p, n);
			buf[n] = '\0';
			return true;
		}
		p += klen;
	}
	return false;
}

/* An unsigned number: 0x... hex, else decimal. */
static bool smmc_trace_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!isdigit((unsigned char)s[0]))
		return false;
	errno = 0;
	*v = strtoull(s, &end, s[0] == '0' && (s[1] == 'x' || s[1] == 'X') ? 16 : 10);
	return !errno && !*end;
}

/*
 * A pointer as %p prints it: hex digits without 0x, or "(null)"; as
 * libtraceevent (trace-cmd, perf) prints it: 0x and hex, or "(nil)".
 */
static bool smmc_trace_ptr(const char *s, uint64_t *v)
{
	char *end;

	if (!strcmp(s, "(null)") || !strcmp(s, "(nil)")) {
		*v = 0;
		return true;
	}
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	if (!isxdigit((unsigned char)s[0]))
		return false;
	errno = 0;
	*v = strtoull(s, &end, 16);
	return !errno && !*end;
}

struct smmc_gfp_name {
	const char *name;
	uint32_t flags;
	bool may_reclaim;	/* includes __GFP_DIRECT_RECLAIM */
};

/*
 * The kernel's gfp names (show_gfp_flags(): composite masks first, then
 * the bits left) and the shadow's flags for each. Names without a
 * shadow meaning (__GFP_NOWARN, __GFP_COMP, __GFP_ACCOUNT, ...) map to
 * nothing.
 */
static const struct smmc_gfp_name smmc_gfp_names[] = {
	{ "GFP_KERNEL",			0,					true },
	{ "GFP_KERNEL_ACCOUNT",		0,					true },
	{ "GFP_NOFS",			0,					true },
	{ "GFP_NOIO",			0,					true },
	{ "GFP_USER",			0,					true },
	{ "GFP_HIGHUSER",		0,					true },
	{ "GFP_HIGHUSER_MOVABLE",	SHADOWMM_GFP_MOVABLE,			true },
	{ "GFP_TRANSHUGE",		SHADOWMM_GFP_MOVABLE,			true },
	{ "GFP_TRANSHUGE_LIGHT",	SHADOWMM_GFP_MOVABLE,			false },
	{ "GFP_ATOMIC",			SHADOWMM_GFP_HIGH,			false },
	{ "GFP_NOWAIT",			0,					false },
	{ "GFP_DMA",			SHADOWMM_GFP_DMA,			false },
	{ "GFP_DMA32",			SHADOWMM_GFP_DMA32,			false },
	{ "__GFP_DMA",			SHADOWMM_GFP_DMA,			false },
	{ "__GFP_DMA32",		SHADOWMM_GFP_DMA32,			false },
	{ "__GFP_MOVABLE",		SHADOWMM_GFP_MOVABLE,			false },
	{ "__GFP_RECLAIMABLE",		SHADOWMM_GFP_RECLAIMABLE,		false },
	{ "__GFP_ZERO",			SHADOWMM_GFP_ZERO,			false },
	{ "__GFP_HIGH",			SHADOWMM_GFP_HIGH,			false },
	{ "__GFP_MEMALLOC",		SHADOWMM_GFP_RESERVE,			false },
	{ "__GFP_NORETRY",		SHADOWMM_GFP_NORETRY,			false },
	{ "__GFP_DIRECT_RECLAIM",	0,					true },
	{ "__GFP_RECLAIM",		0,					true },
};

/*
 * The shadow's flags for the kernel's gfp_flags text and migratetype
 * (-1: none, as for slab events). Zone modifiers, __GFP_HIGH, ZERO,
 * MEMALLOC and NORETRY carry over; a request without direct reclaim is
 * ATOMIC (the shadow's ALLOC_NON_BLOCK); the type is the event's
 * migratetype when it is one of the three a request may ask for (the
 * kernel computed it from the flags), else the flags'.
 */
uint32_t smmc_trace_gfp(const char *text, int migratetype)
{
	uint32_t flags = 0;
	bool reclaim = false;
	const char *p = text;
	unsigned int i;
	size_t n;

	while (*p) {
		n = strcspn(p, "|");
		for (i = 0; i < ARRAY_SIZE(smmc_gfp_names); i++) {
			if (strlen(smmc_gfp_names[i].name) == n &&
			    !strncmp(p, smmc_gfp_names[i].name, n)) {
				flags |= smmc_gfp_names[i].flags;
				reclaim |= smmc_gfp_names[i].may_reclaim;
			}
		}
		p += n;
		if (*p)
			p++;
	}
	if (!reclaim)
		flags |= SHADOWMM_GFP_ATOMIC;
	if ((flags & (SHADOWMM_GFP_DMA | SHADOWMM_GFP_DMA32)) ==
	    (SHADOWMM_GFP_DMA | SHADOWMM_GFP_DMA32))
		flags &= ~SHADOWMM_GFP_DMA32;
	if (migratetype >= SHADOWMM_MT_UNMOVABLE && migratetype <= SHADOWMM_MT_RECLAIMABLE) {
		flags &= ~(SHADOWMM_GFP_MOVABLE | SHADOWMM_GFP_RECLAIMABLE);
		if (migratetype == SHADOWMM_MT_MOVABLE)
			flags |= SHADOWMM_GFP_MOVABLE;
		else if (migratetype == SHADOWMM_MT_RECLAIMABLE)
			flags |= SHADOWMM_GFP_RECLAIMABLE;
	} else if ((flags & (SHADOWMM_GFP_MOVABLE | SHADOWMM_GFP_RECLAIMABLE)) ==
		   (SHADOWMM_GFP_MOVABLE | SHADOWMM_GFP_RECLAIMABLE)) {
		flags &= ~SHADOWMM_GFP_RECLAIMABLE;
	}
	return flags;
}

/* The fields each event needs, read into @ev; false with @why set. */
static bool smmc_trace_fields(const char *f, struct smmc_trace_event *ev, const char **why)
{
	char v[128], gfp[512];
	uint64_t n;

	switch (ev->type) {
	case SMMC_TRACE_PAGE_ALLOC:
	case SMMC_TRACE_PAGE_FREE:
	case SMMC_TRACE_PAGE_FREE_BATCHED:
		if (!smmc_trace_field(f, "pfn", v, sizeof(v)) || !smmc_trace_u64(v, &ev->key))
			return *why = "no pfn=NUMBER", false;
		if (ev->type == SMMC_TRACE_PAGE_FREE_BATCHED) {
			ev->order = 0;
		} else {
			if (!smmc_trace_field(f, "order", v, sizeof(v)) || !smmc_trace_u64(v, &n))
				return *why = "no order=NUMBER", false;
			if (n >= SMMC_NR_ORDERS)
				return *why = "order above 10", false;
			ev->order = n;
		}
		if (ev->type != SMMC_TRACE_PAGE_ALLOC)
			return true;
		if (!smmc_trace_field(f, "migratetype", v, sizeof(v)) ||
		    !smmc_trace_u64(v, &n) || n > 16)
			return *why = "no migratetype=NUMBER", false;
		if (!smmc_trace_field(f, "gfp_flags", gfp, sizeof(gfp)))
			return *why = "no gfp_flags=", false;
		ev->gfp = smmc_trace_gfp(gfp, n);
		/* a failed allocation: page NULL, its pfn -1UL (0 in older kernels) */
		ev->failed = ev->key == 0 || ev->key == UINT64_MAX;
		return true;
	case SMMC_TRACE_KMALLOC:
	case SMMC_TRACE_CACHE_ALLOC:
		if (!smmc_trace_field(f, "bytes_alloc", v, sizeof(v)) || !smmc_trace_u64(v, &n) ||
		    n > UINT32_MAX)
			return *why = "no bytes_alloc=NUMBER", false;
		ev->bytes = n;
		if (!smmc_trace_field(f, "gfp_flags", gfp, sizeof(gfp)))
			return *why = "no gfp_flags=", false;
		ev->gfp = smmc_trace_gfp(gfp, -1);
		__attribute__((fallthrough));	/* and the pointer */
	case SMMC_TRACE_KFREE:
	case SMMC_TRACE_CACHE_FREE:
		if (!smmc_trace_field(f, "ptr", v, sizeof(v)) || !smmc_trace_ptr(v, &ev->key))
			return *why = "no ptr=POINTER", false;
		ev->failed = ev->key == 0;
		return true;
	default:
		return *why = "unknown event", false;
	}
}

/*
 * One line of a trace file: 1 and @ev filled for one of the seven kmem
 * events, 0 for a line to pass over (a "#" comment, a blank line, a
 * "CPU:N [LOST M EVENTS]" mark, which *lost counts, another event), or
 * -EINVAL with @why for a line that is none of these or whose event
 * lacks a field it needs.
 */
int smmc_trace_parse_line(const char *line, struct smmc_trace_event *ev, bool *lost,
			  const char **why)
{
	const char *name, *f;
	uint64_t ns = 0;
	size_t n;
	int i;

	*lost = false;
	while (*line == ' ' || *line == '\t')
		line++;
	if (!*line || *line == '\n' || *line == '\r' || *line == '#')
		return 0;
	if (!strncmp(line, "CPU:", 4) && strstr(line, "LOST")) {
		*lost = true;
		return 0;
	}
	if (smmc_trace_header(line))
		return 0;
	name = smmc_trace_after_stamp(line, &ns);
	if (!name) {
		*why = "not a trace line (no \"SECONDS.MICROS: EVENT:\")";
		return -EINVAL;
	}
	n = strcspn(name, ": \t\r\n");
	if (name[n] != ':') {
		*why = "no \"EVENT:\" after the timestamp";
		return -EINVAL;
	}
	/* perf script names the event with its system: "kmem:mm_page_alloc:" */
	if (name[n + 1] && !isspace((unsigned char)name[n + 1])) {
		name += n + 1;
		n = strcspn(name, ": \t\r\n");
		if (name[n] != ':') {
			*why = "no \"EVENT:\" after the timestamp";
			return -EINVAL;
		}
	}
	f = name + n + 1;
	memset(ev, 0, sizeof(*ev));
	ev->ts_ns = ns;
	for (i = 0; i < __SMMC_TRACE_EV_CNT; i++)
		if (strlen(smmc_trace_event_names[i]) == n &&
		    !strncmp(name, smmc_trace_event_names[i], n))
			break;
	if (i == __SMMC_TRACE_EV_CNT)
		return 0;
	ev->type = i;
	return smmc_trace_fields(f, ev, why) ? 1 : -EINVAL;
}

/*
 * Every line of @f: the events in *evs (*n of them, the caller frees),
 * the other lines counted in @st. A malformed line stops the reading:
 * -EINVAL, *bad_line its number (from 1) and @why the reason.
 */
int smmc_trace_read(FILE *f, struct smmc_trace_event **evs, size_t *n,
		    struct smmc_replay_stats *st, unsigned long *bad_line, const char **why)
{
	struct smmc_trace_event ev, *v = NULL;
	size_t cap = 0, len = 0;
	char *line = NULL;
	size_t lcap = 0;
	bool lost;
	int ret = 0;

	*evs = NULL;
	*n = 0;
	while (getline(&line, &lcap, f) >= 0) {
		st->lines++;
		ret = smmc_trace_parse_line(line, &ev, &lost, why);
		if (ret < 0) {
			*bad_line = st->lines;
			free(v);
			free(line);
			return ret;
		}
		st->lost += lost;
		if (!ret) {
			st->other++;
			continue;
		}
		if (smmc_array_reserve((void **)&v, &cap, len + 1, sizeof(*v), 4096)) {
			free(v);
			free(line);
			*why = "out of memory";
			return -ENOMEM;
		}
		v[len++] = ev;
		st->read[ev.type]++;
		st->events++;
	}
	free(line);
	*evs = v;
	*n = len;
	return 0;
}

/* ---- replaying ----------------------------------------------------- */

/* A key (pfn or ptr) and the shadow handle it got, in a chained hash. */
struct smmc_replay_ent {
	uint64_t key, handle;
	int32_t next;		/* in its bucket, or in the free list */
	int32_t cache;		/* objects: index in the replay's caches */
	uint8_t order;		/* pages */
	bool failed;		/* the shadow refused it: its free is skipped */
	bool large;		/* skipped as large: its free is skipped too */
	bool pending;		/* in the batch not sent yet */
};

struct smmc_replay_map {
	struct smmc_replay_ent *e;
	size_t cap, used;
	int32_t *bucket, free;
	uint32_t mask;
};

static int smmc_map_init(struct smmc_replay_map *m, uint32_t buckets)
{
	memset(m, 0, sizeof(*m));
	m->bucket = malloc(buckets * sizeof(*m->bucket));
	if (!m->bucket)
		return -ENOMEM;
	memset(m->bucket, 0xff, buckets * sizeof(*m->bucket));
	m->mask = buckets - 1;
	m->free = -1;
	return 0;
}

static void smmc_map_fini(struct smmc_replay_map *m)
{
	free(m->e);
	free(m->bucket);
}

static uint32_t smmc_map_hash(const struct smmc_replay_map *m, uint64_t key)
{
	return (uint32_t)((key * 0x9e3779b97f4a7c15ULL) >> 32) & m->mask;
}

static int32_t smmc_map_find(const struct smmc_replay_map *m, uint64_t key)
{
	int32_t i;

	for (i = m->bucket[smmc_map_hash(m, key)]; i >= 0; i = m->e[i].next)
		if (m->e[i].key == key)
			return i;
	return -1;
}

/* A new entry for @key (not there yet): its index, or -1 without memory. */
static int32_t smmc_map_add(struct smmc_replay_map *m, uint64_t key)
{
	uint32_t h = smmc_map_hash(m, key);
	int32_t i;

	if (m->free >= 0) {
		i = m->free;
		m->free = m->e[i].next;
	} else {
		if (m->used >= INT32_MAX ||
		    smmc_array_reserve((void **)&m->e, &m->cap, m->used + 1, sizeof(*m->e), 4096))
			return -1;
		i = m->used++;
	}
	m->e[i] = (struct smmc_replay_ent) { .key = key, .next = m->bucket[h], .cache = -1 };
	m->bucket[h] = i;
	return i;
}

static void smmc_map_del(struct smmc_replay_map *m, int32_t i)
{
	int32_t *p = &m->bucket[smmc_map_hash(m, m->e[i].key)];

	while (*p != i)
		p = &m->e[*p].next;
	*p = m->e[i].next;
	m->e[i].next = m->free;
	m->free = i;
}

enum smmc_batch_kind { SMMC_BATCH_NONE, SMMC_BATCH_PAGE_ALLOC, SMMC_BATCH_PAGE_FREE,
		       SMMC_BATCH_OBJ_ALLOC, SMMC_BATCH_OBJ_FREE };

/* The state of one replay: the maps, the caches, the batch being built. */
struct smmc_replay {
	const struct smmc_replay_ops *ops;
	void *ctx;
	const struct smmc_replay_opts *opts;
	struct smmc_replay_stats *st;
	struct smmc_replay_map pages, objs;
	uint32_t cache_size[SMMC_REPLAY_MAX_CACHES];
	unsigned int nr_caches;
	enum smmc_batch_kind kind;
	uint32_t order, gfp;
	int32_t cache;
	uint32_t n;
	int32_t ent[SMMC_REPLAY_BATCH];		/* the map entries of an allocation batch */
	uint64_t handles[SMMC_REPLAY_BATCH];
	uint64_t live_frames, live_objs;
	bool paced;				/* t0 and ts0 set */
	uint64_t t0, ts0;			/* the clock and the trace at the first event */
};

void smmc_replay_cache_name(char *buf, size_t len, uint32_t size)
{
	snprintf(buf, len, "replay-%u", size);
}

/* The index of the replay's cache of @size objects, created on first use. */
static int smmc_replay_cache(struct smmc_replay *r, uint32_t size, int32_t *idx)
{
	char name[32];
	unsigned int i;
	int ret;

	for (i = 0; i < r->nr_caches; i++)
		if (r->cache_size[i] == size)
			return *idx = i, 0;
	if (r->nr_caches == SMMC_REPLAY_MAX_CACHES)
		return -ENOSPC;
	smmc_replay_cache_name(name, sizeof(name), size);
	ret = r->ops->cache_create(r->ctx, name, size, r->opts->policy);
	if (ret && ret != -EEXIST)
		return ret;
	r->cache_size[r->nr_caches] = size;
	*idx = r->nr_caches++;
	r->st->caches += !ret;
	return 0;
}

/* Allocate a batch of allocations one by one: each refusal a failure. */
static int smmc_replay_alloc_each(struct smmc_replay *r)
{
	struct smmc_replay_map *m = r->kind == SMMC_BATCH_PAGE_ALLOC ? &r->pages : &r->objs;
	char name[32];
	uint32_t i;
	int ret;

	for (i = 0; i < r->n; i++) {
		struct smmc_replay_ent *e = &m->e[r->ent[i]];

		if (r->kind == SMMC_BATCH_PAGE_ALLOC) {
			ret = r->ops->page_alloc(r->ctx, r->order, r->gfp, 1, &e->handle);
		} else {
			smmc_replay_cache_name(name, sizeof(name), r->cache_size[r->cache]);
			ret = r->ops->obj_alloc(r->ctx, name, 1, &e->handle);
		}
		e->pending = false;
		if (ret == -ENOMEM) {
			e->failed = true;
			r->st->failures++;
			continue;
		}
		if (ret)
			return ret;
		if (r->kind == SMMC_BATCH_PAGE_ALLOC) {
			r->live_frames += 1ULL << r->order;
			r->st->page_allocs++;
		} else {
			r->live_objs++;
			r->st->obj_allocs++;
		}
		r->st->replayed++;
	}
	return 0;
}

/* Send the batch being built (if any) as one request. */
static int smmc_replay_flush(struct smmc_replay *r)
{
	struct smmc_replay_map *m = r->kind == SMMC_BATCH_PAGE_ALLOC ? &r->pages : &r->objs;
	char name[32];
	uint32_t i;
	int ret = 0;

	if (r->kind == SMMC_BATCH_NONE || !r->n)
		goto out;
	if (r->kind == SMMC_BATCH_OBJ_ALLOC || r->kind == SMMC_BATCH_OBJ_FREE)
		smmc_replay_cache_name(name, sizeof(name), r->cache_size[r->cache]);
	r->st->requests++;
	switch (r->kind) {
	case SMMC_BATCH_PAGE_ALLOC:
	case SMMC_BATCH_OBJ_ALLOC:
		if (r->kind == SMMC_BATCH_PAGE_ALLOC)
			ret = r->ops->page_alloc(r->ctx, r->order, r->gfp, r->n, r->handles);
		else
			ret = r->ops->obj_alloc(r->ctx, name, r->n, r->handles);
		if (ret == -ENOMEM) {
			ret = smmc_replay_alloc_each(r);
			break;
		}
		if (ret)
			break;
		for (i = 0; i < r->n; i++) {
			m->e[r->ent[i]].handle = r->handles[i];
			m->e[r->ent[i]].pending = false;
		}
		if (r->kind == SMMC_BATCH_PAGE_ALLOC) {
			r->live_frames += (uint64_t)r->n << r->order;
			r->st->page_allocs += r->n;
		} else {
			r->live_objs += r->n;
			r->st->obj_allocs += r->n;
		}
		r->st->replayed += r->n;
		break;
	case SMMC_BATCH_PAGE_FREE:
		ret = r->ops->page_free(r->ctx, r->handles, r->n);
		r->st->page_frees += ret ? 0 : r->n;
		r->st->replayed += ret ? 0 : r->n;
		break;
	case SMMC_BATCH_OBJ_FREE:
		ret = r->ops->obj_free(r->ctx, name, r->handles, r->n);
		r->st->obj_frees += ret ? 0 : r->n;
		r->st->replayed += ret ? 0 : r->n;
		break;
	default:
		break;
	}
	if (r->live_frames > r->st->peak_frames)
		r->st->peak_frames = r->live_frames;
	if (r->live_objs > r->st->peak_objs)
		r->st->peak_objs = r->live_objs;
out:
	r->kind = SMMC_BATCH_NONE;
	r->n = 0;
	return ret;
}

/* Start a batch of @kind with these parameters unless the one open matches. */
static int smmc_replay_batch(struct smmc_replay *r, enum smmc_batch_kind kind, uint32_t order,
			     uint32_t gfp, int32_t cache)
{
	int ret = 0;

	if (r->kind == kind && r->order == order && r->gfp == gfp && r->cache == cache &&
	    r->n < SMMC_REPLAY_BATCH)
		return 0;
	ret = smmc_replay_flush(r);
	r->kind = kind;
	r->order = order;
	r->gfp = gfp;
	r->cache = cache;
	return ret;
}

static int smmc_replay_page_alloc(struct smmc_replay *r, const struct smmc_trace_event *ev)
{
	int32_t i;
	int ret;

	if (ev->failed) {
		r->st->skipped[SMMC_SKIP_TRACE_FAILED]++;
		return 0;
	}
	if (smmc_map_find(&r->pages, ev->key) >= 0) {
		r->st->skipped[SMMC_SKIP_DUPLICATE]++;
		return 0;
	}
	ret = smmc_replay_batch(r, SMMC_BATCH_PAGE_ALLOC, ev->order, ev->gfp, -1);
	if (ret)
		return ret;
	i = smmc_map_add(&r->pages, ev->key);
	if (i < 0)
		return -ENOMEM;
	r->pages.e[i].order = ev->order;
	r->pages.e[i].pending = true;
	r->ent[r->n++] = i;
	return 0;
}

/*
 * A free of a block or object: matched by key, or skipped (never
 * allocated in the trace, or refused by the shadow). A free of a key
 * whose allocation is still in the open batch sends that batch first.
 */
static int smmc_replay_free(struct smmc_replay *r, struct smmc_replay_map *m, uint64_t key,
			    enum smmc_batch_kind kind)
{
	int32_t i = smmc_map_find(m, key);
	int ret;

	if (i < 0) {
		r->st->skipped[key ? SMMC_SKIP_UNMATCHED : SMMC_SKIP_NULL_FREE]++;
		return 0;
	}
	if (m->e[i].failed || m->e[i].large) {
		r->st->skipped[m->e[i].large ? SMMC_SKIP_FREE_OF_LARGE : SMMC_SKIP_AFTER_FAILURE]++;
		smmc_map_del(m, i);
		return 0;
	}
	ret = smmc_replay_batch(r, kind, 0, 0, kind == SMMC_BATCH_OBJ_FREE ? m->e[i].cache : -1);
	if (ret)
		return ret;
	if (m->e[i].failed) {	/* refused when the batch before was sent */
		r->st->skipped[SMMC_SKIP_AFTER_FAILURE]++;
		smmc_map_del(m, i);
		return 0;
	}
	r->handles[r->n++] = m->e[i].handle;
	if (kind == SMMC_BATCH_PAGE_FREE)
		r->live_frames -= 1ULL << m->e[i].order;
	else
		r->live_objs--;
	smmc_map_del(m, i);
	return 0;
}

static int smmc_replay_obj_alloc(struct smmc_replay *r, const struct smmc_trace_event *ev)
{
	int32_t i, cache;
	int ret;

	if (ev->failed) {
		r->st->skipped[SMMC_SKIP_TRACE_FAILED]++;
		return 0;
	}
	if (smmc_map_find(&r->objs, ev->key) >= 0) {
		r->st->skipped[SMMC_SKIP_DUPLICATE]++;
		return 0;
	}
	if (ev->bytes > SMMC_REPLAY_MAX_OBJECT || !ev->bytes) {
		/* kept, so that its free is told from one of an older object */
		r->st->skipped[SMMC_SKIP_LARGE]++;
		i = smmc_map_add(&r->objs, ev->key);
		if (i < 0)
			return -ENOMEM;
		r->objs.e[i].large = true;
		return 0;
	}
	ret = smmc_replay_cache(r, ev->bytes, &cache);
	if (ret)
		return ret;
	ret = smmc_replay_batch(r, SMMC_BATCH_OBJ_ALLOC, 0, 0, cache);
	if (ret)
		return ret;
	i = smmc_map_add(&r->objs, ev->key);
	if (i < 0)
		return -ENOMEM;
	r->objs.e[i].cache = cache;
	r->objs.e[i].pending = true;
	r->ent[r->n++] = i;
	return 0;
}

/* CLOCK_MONOTONIC in nanoseconds: recorded speed's clock. */
static uint64_t smmc_replay_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000ULL + t.tv_nsec;
}

/*
 * Recorded speed (opts->speed > 0): before @ev, wait until as much time
 * has passed since the first event as the trace says (divided by the
 * speed). Events less than SMMC_REPLAY_PACE_NS ahead join the open batch;
 * a wait sends it first, so the shadow sees each batch at its time.
 */
static int smmc_replay_pace(struct smmc_replay *r, const struct smmc_trace_event *ev)
{
	uint64_t now = smmc_replay_now(), due, ahead;
	struct timespec t;
	int ret;

	if (!r->paced) {
		r->paced = true;
		r->t0 = now;
		r->ts0 = ev->ts_ns;
		return 0;
	}
	if (ev->ts_ns <= r->ts0)
		return 0;
	due = (uint64_t)((double)(ev->ts_ns - r->ts0) / r->opts->speed);
	if (due <= now - r->t0 + SMMC_REPLAY_PACE_NS)
		return 0;
	ret = smmc_replay_flush(r);
	if (ret)
		return ret;
	now = smmc_replay_now();
	if (due <= now - r->t0)
		return 0;
	ahead = due - (now - r->t0);
	t.tv_sec = ahead / 1000000000ULL;
	t.tv_nsec = ahead % 1000000000ULL;
	while (nanosleep(&t, &t) && errno == EINTR)
		;
	r->st->waits++;
	r->st->waited_ns += ahead;
	return 0;
}

/* Every opts->every events (and at the end): the batch sent, ops->tick called. */
static int smmc_replay_tick(struct smmc_replay *r, uint64_t done, bool last)
{
	int ret;

	if (!r->ops->tick || !r->opts->every || (!last && done % r->opts->every))
		return 0;
	ret = smmc_replay_flush(r);
	return ret ? ret : r->ops->tick(r->ctx, done);
}

static bool smmc_replay_wanted(const struct smmc_replay_opts *o, enum smmc_trace_ev t)
{
	bool page = t <= SMMC_TRACE_PAGE_FREE_BATCHED;

	return page ? o->mode != SMMC_REPLAY_OBJECTS : o->mode != SMMC_REPLAY_PAGES;
}

static int smmc_replay_one(struct smmc_replay *r, const struct smmc_trace_event *ev)
{
	switch (ev->type) {
	case SMMC_TRACE_PAGE_ALLOC:
		return smmc_replay_page_alloc(r, ev);
	case SMMC_TRACE_PAGE_FREE_BATCHED:
		/*
		 * free_unref_page_list() frees each page through
		 * free_pages_prepare(), which traces mm_page_free, then traces
		 * mm_page_free_batched for it: the second line of one free.
		 * Only a page still live (a kernel that traced the batched
		 * event alone) is freed by it.
		 */
		if (smmc_map_find(&r->pages, ev->key) < 0) {
			r->st->skipped[SMMC_SKIP_BATCHED]++;
			return 0;
		}
		return smmc_replay_free(r, &r->pages, ev->key, SMMC_BATCH_PAGE_FREE);
	case SMMC_TRACE_PAGE_FREE:
		return smmc_replay_free(r, &r->pages, ev->key, SMMC_BATCH_PAGE_FREE);
	case SMMC_TRACE_KMALLOC:
	case SMMC_TRACE_CACHE_ALLOC:
		return smmc_replay_obj_alloc(r, ev);
	default:
		return smmc_replay_free(r, &r->objs, ev->key, SMMC_BATCH_OBJ_FREE);
	}
}

/*
 * Replay @n events through @ops: every event is replayed or counted in
 * one skip reason, so read = replayed + skipped + failures once the
 * events past opts->limit are counted too. 0, or the first error a
 * request got other than -ENOMEM (what was replayed until then stays).
 */
int smmc_replay(const struct smmc_trace_event *evs, size_t n, const struct smmc_replay_ops *ops,
		void *ctx, const struct smmc_replay_opts *opts, struct smmc_replay_stats *st)
{
	struct smmc_replay *r;
	uint64_t done = 0;
	size_t k;
	int ret;

	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	*r = (struct smmc_replay) { .ops = ops, .ctx = ctx, .opts = opts, .st = st, .cache = -1 };
	ret = smmc_map_init(&r->pages, 1U << 16);
	if (ret)
		goto out_free;
	ret = smmc_map_init(&r->objs, 1U << 16);
	if (ret)
		goto out_pages;
	for (k = 0; k < n; k++) {
		if (!smmc_replay_wanted(opts, evs[k].type)) {
			st->skipped[SMMC_SKIP_MODE]++;
			continue;
		}
		if (opts->limit && done >= opts->limit) {
			st->skipped[SMMC_SKIP_LIMIT]++;
			continue;
		}
		if (opts->speed > 0) {
			ret = smmc_replay_pace(r, &evs[k]);
			if (ret)
				goto out_objs;
		}
		done++;
		ret = smmc_replay_one(r, &evs[k]);
		if (!ret)
			ret = smmc_replay_tick(r, done, false);
		if (ret)
			goto out_objs;
	}
	ret = smmc_replay_flush(r);
	if (!ret && (!opts->every || done % opts->every))
		ret = smmc_replay_tick(r, done, true);
out_objs:
	st->live_frames = r->live_frames;
	st->live_objs = r->live_objs;
	smmc_map_fini(&r->objs);
out_pages:
	smmc_map_fini(&r->pages);
out_free:
	free(r);
	return ret;
}

static const char *const smmc_skip_names[__SMMC_SKIP_CNT] = {
	[SMMC_SKIP_UNMATCHED]		= "unmatched_free",
	[SMMC_SKIP_NULL_FREE]		= "null_free",
	[SMMC_SKIP_TRACE_FAILED]	= "failed_in_trace",
	[SMMC_SKIP_AFTER_FAILURE]	= "free_of_failed",
	[SMMC_SKIP_DUPLICATE]		= "duplicate",
	[SMMC_SKIP_LARGE]		= "large",
	[SMMC_SKIP_MODE]		= "mode",
	[SMMC_SKIP_LIMIT]		= "limit",
	[SMMC_SKIP_FREE_OF_LARGE]	= "free_of_large",
	[SMMC_SKIP_BATCHED]		= "batched_twin",
};

const char *smmc_replay_skip_name(enum smmc_replay_skip s)
{
	return s < __SMMC_SKIP_CNT ? smmc_skip_names[s] : "?";
}

uint64_t smmc_replay_skipped(const struct smmc_replay_stats *st)
{
	uint64_t sum = 0;
	int i;

	for (i = 0; i < __SMMC_SKIP_CNT; i++)
		sum += st->skipped[i];
	return sum;
}

/* ---- the shadow over netlink ---------------------------------------- */

static int smmc_replay_nl_page_alloc(void *ctx, uint32_t order, uint32_t gfp, uint32_t count,
				     uint64_t *handles)
{
	struct smmc_page_req req = { .order = order, .count = count, .flags = gfp,
				     .zone = -1, .mt = -1 };
	uint32_t n;
	int ret;

	ret = smmc_page_alloc(ctx, &req, handles, &n);
	if (!ret && n != count)
		ret = -EPROTO;
	return ret;
}

static int smmc_replay_nl_page_free(void *ctx, const uint64_t *handles, uint32_t n)
{
	uint64_t freed;

	return smmc_page_free(ctx, handles, n, false, &freed);
}

static int smmc_replay_nl_cache_create(void *ctx, const char *name, uint32_t size,
				       uint32_t policy)
{
	return smmc_cache_create_policy(ctx, name, size, 0, 0, policy);
}

static int smmc_replay_nl_obj_alloc(void *ctx, const char *cache, uint32_t count,
				    uint64_t *handles)
{
	uint32_t n;
	int ret;

	ret = smmc_obj_alloc(ctx, cache, count, handles, &n);
	if (!ret && n != count)
		ret = -EPROTO;
	return ret;
}

static int smmc_replay_nl_obj_free(void *ctx, const char *cache, const uint64_t *handles,
				   uint32_t n)
{
	uint64_t freed;

	return smmc_obj_free(ctx, cache, handles, n, &freed);
}

const struct smmc_replay_ops smmc_replay_nl_ops = {
	.page_alloc	= smmc_replay_nl_page_alloc,
	.page_free	= smmc_replay_nl_page_free,
	.cache_create	= smmc_replay_nl_cache_create,
	.obj_alloc	= smmc_replay_nl_obj_alloc,
	.obj_free	= smmc_replay_nl_obj_free,
};
