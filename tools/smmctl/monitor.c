// SPDX-License-Identifier: GPL-2.0
/*
 * smmctl monitor [ count N ] [ vmstat ]: the module's events as they come,
 * as ip monitor prints rtnetlink's: a block per event (one a second at
 * most, and only when something changed), each zone's counts over the
 * interval, the slab caches created and destroyed, the OOM killer's
 * kills, and with "vmstat" the vmstat counters that changed, with their
 * values now; with -j one JSON object per event and line, for scripts.
 * Runs until interrupted, or N events.
 *
 * Events can be lost: the kernel drops them when our socket is full (we
 * learn it from ENOBUFS) and the numbering then jumps. Both are said on
 * stderr, and the monitor goes on.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <string.h>

#include "smmctl.h"

struct monitor {
	bool json, vmstat;
	uint64_t count, seen, last_seq;	/* count 0: no limit */
};

#define EVZONE(member)	SMMC_FIELD(struct smmc_event_zone, #member, member, 0)

static const struct smmc_field monitor_fields[] = {
	EVZONE(alloc), EVZONE(free), EVZONE(alloc_fail),
	EVZONE(wmark_low), EVZONE(wmark_min), EVZONE(free_frames),
	EVZONE(boost), EVZONE(nr_reserved_highatomic),
};

static void monitor_zone(unsigned int zi, const struct smmc_event_zone *z)
{
	smmc_open_json_object(NULL);
	smmc_print_string(SMMC_PRINT_ANY, "zone", "  zone %s", smmc_zone_names[zi]);
	smmc_print_fields(z, monitor_fields, ARRAY_SIZE(monitor_fields), false);
	smmc_print_string(SMMC_PRINT_ANY, "level", " level %s", smmc_wmark_level_names[z->level]);
	smmc_print_string(SMMC_PRINT_JSON, "level_prev", NULL, smmc_wmark_level_names[z->level_prev]);
	if (z->level != z->level_prev)
		smmc_print_string(SMMC_PRINT_FP, NULL, " (was %s)", smmc_wmark_level_names[z->level_prev]);
	smmc_print_text("\n");
	smmc_close_json_object();
}

static void monitor_caches(const struct smmc_event *e)
{
	smmc_print_u64(SMMC_PRINT_JSON, "caches_created", NULL, e->caches_created);
	smmc_print_u64(SMMC_PRINT_JSON, "caches_destroyed", NULL, e->caches_destroyed);
	if (!e->caches_created && !e->caches_destroyed)
		return;
	smmc_print_text("  caches");
	if (e->caches_created) {
		smmc_print_u64(SMMC_PRINT_FP, NULL, " created %" PRIu64, e->caches_created);
		smmc_print_string(SMMC_PRINT_ANY, "cache_created", " last %s", e->cache_created);
	}
	if (e->caches_destroyed) {
		smmc_print_u64(SMMC_PRINT_FP, NULL, " destroyed %" PRIu64, e->caches_destroyed);
		smmc_print_string(SMMC_PRINT_ANY, "cache_destroyed", " last %s", e->cache_destroyed);
	}
	smmc_print_text("\n");
}

/* "  oom-kill space 3 pages 2048 kills 1": the OOM killer's part, when it killed */
static void monitor_oom(const struct smmc_event *e)
{
	if (!e->oom_kills)
		return;
	smmc_open_json_object("oom_kill");
	smmc_print_uint(SMMC_PRINT_ANY, "space", "  oom-kill space %u", e->oom_victim);
	smmc_print_u64(SMMC_PRINT_ANY, "pages", " pages %" PRIu64, e->oom_victim_pages);
	smmc_print_u64(SMMC_PRINT_ANY, "kills", " kills %" PRIu64 "\n", e->oom_kills);
	smmc_close_json_object();
}

/*
 * The vmstat counters that changed, with their values now: one line,
 * "  vmstat NAME VALUE ...", as /proc/vmstat's pairs; -j an object.
 */
static void monitor_vmstat(const struct smmc_event *e, bool all)
{
	size_t i;

	if (!e->nr_vmstat || !all)
		return;
	smmc_open_json_object("vmstat");
	smmc_print_text("  vmstat");
	for (i = 0; i < e->nr_vmstat; i++) {
		smmc_print_text(" %s", e->vmstat[i].name);
		smmc_print_u64(SMMC_PRINT_ANY, e->vmstat[i].name, " %" PRIu64, e->vmstat[i].value);
	}
	smmc_print_text("\n");
	smmc_close_json_object();
}

static void monitor_event(const struct smmc_event *e, void *data)
{
	struct monitor *m = data;
	unsigned int zi;

	if (m->count && m->seen == m->count)
		return;
	if (m->last_seq && e->seq > m->last_seq + 1)
		fprintf(stderr, "Warning: %" PRIu64 " event(s) lost\n", e->seq - m->last_seq - 1);
	m->last_seq = e->seq;
	m->seen++;
	smmc_new_json_obj(m->json);
	smmc_print_u64(SMMC_PRINT_ANY, "seq", "seq %" PRIu64, e->seq);
	smmc_print_uint(SMMC_PRINT_ANY, "interval_ms", " interval %u ms\n", e->interval_ms);
	smmc_open_json_array(SMMC_PRINT_JSON, "zones");
	for (zi = 0; zi < SMMC_NR_ZONES; zi++)
		if (e->zones[zi].present)
			monitor_zone(zi, &e->zones[zi]);
	smmc_close_json_array(SMMC_PRINT_JSON, NULL);
	monitor_caches(e);
	monitor_oom(e);
	monitor_vmstat(e, m->vmstat);
	smmc_delete_json_obj();
	fflush(stdout);
}

/* [ count N ] [ vmstat ], in any order */
static int monitor_args(int argc, char **argv, struct monitor *m)
{
	int i;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "vmstat")) {
			m->vmstat = true;
			continue;
		}
		if (strcmp(argv[i], "count") || i + 1 == argc)
			return smmctl_bad_arg(argv[i]);
		if (smmctl_parse_u64(argv[++i], "count", &m->count))
			return -1;
		if (!m->count) {
			fprintf(stderr, "Error: count must be at least 1\n");
			return -1;
		}
	}
	return 0;
}

static int monitor_loop(struct smmc_events *ev, struct monitor *m)
{
	struct pollfd pfd = { .fd = smmc_events_fd(ev), .events = POLLIN };
	int ret;

	while (!m->count || m->seen < m->count) {
		if (poll(&pfd, 1, -1) < 0 && errno != EINTR) {
			fprintf(stderr, "Error: waiting for events: %s\n", strerror(errno));
			return 1;
		}
		ret = smmc_events_read(ev, monitor_event, m);
		if (ret == -ENOBUFS) {
			fprintf(stderr, "Warning: events lost (socket overflow)\n");
			m->last_seq = 0;
		} else if (ret < 0) {
			fprintf(stderr, "Error: reading events: %s\n", strerror(-ret));
			return 1;
		}
	}
	return 0;
}

int smmctl_monitor(int argc, char **argv)
{
	struct monitor m = { .json = smmc_is_json_context() };
	struct smmc_events ev;
	int ret;

	if (monitor_args(argc, argv, &m) || smmctl_connect())
		return 1;
	if (smmc_events_open(&smmctl_nl, &ev))
		return smmctl_error();
	/* each event is a JSON object of its own: none around them */
	smmc_new_json_obj(false);
	ret = monitor_loop(&ev, &m);
	smmc_events_close(&ev);
	return ret;
}
