// SPDX-License-Identifier: GPL-2.0
/*
 * The "events" multicast group: a socket of its own (so events never mix
 * with the replies of requests), non-blocking, and the parser of
 * SHADOWMM_CMD_EVENT. When the kernel could not queue an event for us
 * (our receive buffer was full) the next read says -ENOBUFS: the reader
 * has lost events and should dump the state again.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include <linux/genetlink.h>

#include "libsmm.h"

#define SMMC_EVENTS_BUF_SIZE	(16 * 1024)

static const struct smmc_attr_field smmc_event_fields[SHADOWMM_A_EVENT_MAX + 1] = {
	[SHADOWMM_A_EVENT_SEQ]		= SMMC_ATTR_U64(struct smmc_event, seq),
	[SHADOWMM_A_EVENT_INTERVAL_MS]	= SMMC_ATTR_U32(struct smmc_event, interval_ms),
	[SHADOWMM_A_EVENT_ZONES]	= { MNL_TYPE_NESTED },
	[SHADOWMM_A_EVENT_CACHES_CREATED]   = SMMC_ATTR_U64(struct smmc_event, caches_created),
	[SHADOWMM_A_EVENT_CACHES_DESTROYED] = SMMC_ATTR_U64(struct smmc_event, caches_destroyed),
	[SHADOWMM_A_EVENT_CACHE_CREATED]    = SMMC_ATTR_STR(struct smmc_event, cache_created),
	[SHADOWMM_A_EVENT_CACHE_DESTROYED]  = SMMC_ATTR_STR(struct smmc_event, cache_destroyed),
	[SHADOWMM_A_EVENT_VMSTAT]	= { MNL_TYPE_NESTED },
	[SHADOWMM_A_EVENT_OOM_KILLS]	= SMMC_ATTR_U64(struct smmc_event, oom_kills),
	[SHADOWMM_A_EVENT_OOM_VICTIM]	= SMMC_ATTR_U32(struct smmc_event, oom_victim),
	[SHADOWMM_A_EVENT_OOM_VICTIM_PAGES] = SMMC_ATTR_U64(struct smmc_event, oom_victim_pages),
};

static const struct smmc_attr_policy smmc_event_policy = SMMC_ATTR_FIELDS(smmc_event_fields);

#define SMMC_EVZONE_U64(m)	SMMC_ATTR_U64(struct smmc_event_zone, m)

static const struct smmc_attr_field smmc_evzone_fields[SHADOWMM_A_EVZONE_MAX + 1] = {
	[SHADOWMM_A_EVZONE_ID]		= { MNL_TYPE_U32 },
	[SHADOWMM_A_EVZONE_ALLOC]	= SMMC_EVZONE_U64(alloc),
	[SHADOWMM_A_EVZONE_FREE]	= SMMC_EVZONE_U64(free),
	[SHADOWMM_A_EVZONE_ALLOC_FAIL]	= SMMC_EVZONE_U64(alloc_fail),
	[SHADOWMM_A_EVZONE_WMARK_LOW]	= SMMC_EVZONE_U64(wmark_low),
	[SHADOWMM_A_EVZONE_WMARK_MIN]	= SMMC_EVZONE_U64(wmark_min),
	[SHADOWMM_A_EVZONE_FREE_FRAMES]	= SMMC_EVZONE_U64(free_frames),
	[SHADOWMM_A_EVZONE_LEVEL]	= SMMC_ATTR_U32(struct smmc_event_zone, level),
	[SHADOWMM_A_EVZONE_LEVEL_PREV]	= SMMC_ATTR_U32(struct smmc_event_zone, level_prev),
	[SHADOWMM_A_EVZONE_BOOST]	= SMMC_EVZONE_U64(boost),
	[SHADOWMM_A_EVZONE_NR_RESERVED_HIGHATOMIC] = SMMC_EVZONE_U64(nr_reserved_highatomic),
};

static const struct smmc_attr_policy smmc_evzone_policy = SMMC_ATTR_FIELDS(smmc_evzone_fields);

const char *const smmc_wmark_level_names[4] = {
	[SHADOWMM_WMARK_ABOVE_HIGH]	= "above high",
	[SHADOWMM_WMARK_BELOW_HIGH]	= "below high",
	[SHADOWMM_WMARK_BELOW_LOW]	= "below low",
	[SHADOWMM_WMARK_BELOW_MIN]	= "below min",
};

static void smmc_evzone_parse(const struct nlattr *nest, struct smmc_event *ev)
{
	const struct nlattr *tb[SHADOWMM_A_EVZONE_MAX + 1];
	struct smmc_event_zone *z;
	uint32_t id;

	if (smmc_attr_parse_nested(nest, &smmc_evzone_policy, tb) || !tb[SHADOWMM_A_EVZONE_ID])
		return;
	id = mnl_attr_get_u32(tb[SHADOWMM_A_EVZONE_ID]);
	if (id >= SMMC_NR_ZONES)
		return;		/* a zone we do not know: skip */
	z = &ev->zones[id];
	memset(z, 0, sizeof(*z));
	z->present = true;
	smmc_attr_store(tb, &smmc_evzone_policy, z);
	z->level &= 3;
	z->level_prev &= 3;
}

/* A SHADOWMM_CMD_EVENT message into @ev; -EBADMSG if malformed. */
int smmc_event_parse(const struct nlmsghdr *nlh, struct smmc_event *ev)
{
	const struct nlattr *tb[SHADOWMM_A_EVENT_MAX + 1], *a;

	memset(ev, 0, sizeof(*ev));
	if (smmc_attr_parse(nlh, &smmc_event_policy, tb))
		return -EBADMSG;
	smmc_attr_store(tb, &smmc_event_policy, ev);
	if (tb[SHADOWMM_A_EVENT_ZONES])
		mnl_attr_for_each_nested(a, tb[SHADOWMM_A_EVENT_ZONES])
			smmc_evzone_parse(a, ev);
	if (tb[SHADOWMM_A_EVENT_VMSTAT])
		ev->nr_vmstat = smmc_vmstat_parse_nest(tb[SHADOWMM_A_EVENT_VMSTAT], ev->vmstat,
						       SMMC_EVENT_VMSTAT_MAX);
	return 0;
}

/*
 * Join the events group of the family @nl resolved, on a new socket.
 * 0, or -errno with nl->err saying why (-ENOENT: a module without it).
 */
int smmc_events_open(struct smmc_nl *nl, struct smmc_events *ev)
{
	unsigned int group = nl->events_group;

	memset(ev, 0, sizeof(*ev));
	if (!group) {
		snprintf(nl->err, sizeof(nl->err), "the module has no \"%s\" group",
			 SHADOWMM_MCGRP_EVENTS);
		return -ENOENT;
	}
	ev->family = nl->family;
	ev->buf = malloc(SMMC_EVENTS_BUF_SIZE);
	ev->sock = mnl_socket_open2(NETLINK_GENERIC, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (!ev->buf || !ev->sock ||
	    mnl_socket_bind(ev->sock, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    mnl_socket_setsockopt(ev->sock, NETLINK_ADD_MEMBERSHIP, &group, sizeof(group)) < 0) {
		int err = errno ? errno : ENOMEM;

		snprintf(nl->err, sizeof(nl->err), "events socket: %s", strerror(err));
		smmc_events_close(ev);
		return -err;
	}
	return 0;
}

int smmc_events_fd(const struct smmc_events *ev)
{
	return ev->sock ? mnl_socket_get_fd(ev->sock) : -1;
}

/*
 * Every event queued on the socket to @cb, without blocking. Returns how
 * many were read, or -ENOBUFS when the kernel dropped some for lack of
 * room (those that follow are still read next time), or -errno.
 */
int smmc_events_read(struct smmc_events *ev, void (*cb)(const struct smmc_event *e, void *data),
		     void *data)
{
	const struct nlmsghdr *nlh;
	struct smmc_event e;
	int n = 0, left;
	ssize_t len;

	for (;;) {
		len = mnl_socket_recvfrom(ev->sock, ev->buf, SMMC_EVENTS_BUF_SIZE);
		if (len < 0 && errno == EINTR)
			continue;
		if (len < 0)
			return errno == EAGAIN ? n : -errno;
		left = len;
		for (nlh = (void *)ev->buf; mnl_nlmsg_ok(nlh, left);
		     nlh = mnl_nlmsg_next(nlh, &left)) {
			const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);

			if (nlh->nlmsg_type != ev->family ||
			    nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN ||
			    g->cmd != SHADOWMM_CMD_EVENT || smmc_event_parse(nlh, &e))
				continue;
			cb(&e, data);
			n++;
		}
	}
}

void smmc_events_close(struct smmc_events *ev)
{
	if (ev->sock)
		mnl_socket_close(ev->sock);
	free(ev->buf);
	ev->sock = NULL;
	ev->buf = NULL;
}
