// SPDX-License-Identifier: GPL-2.0
/*
 * FAULT_GET and FAULT_SET: fault injection, the kernel's fail_page_alloc
 * ("page") and failslab ("slab"). One table names each setting as the
 * debugfs file does, with its attribute, width, range and targets, so
 * smmctl can refuse a bad value naming it before anything is sent; the
 * module checks again and takes a SET all or none.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <linux/genetlink.h>

#include "libsmm.h"

const char *const smmc_fault_targets[SMMC_FAULT_NR_TARGETS] = { "page", "slab" };
const char *const smmc_fault_dirs[SMMC_FAULT_NR_TARGETS] = { "fail_page_alloc", "failslab" };

#define SMMC_FAULT_BOTH	((1U << SHADOWMM_FAULT_PAGE_ALLOC) | (1U << SHADOWMM_FAULT_SLAB))
#define SMMC_FAULT_PAGE	(1U << SHADOWMM_FAULT_PAGE_ALLOC)
#define SMMC_FAULT_SLAB	(1U << SHADOWMM_FAULT_SLAB)

/* In the order show prints them; counters last. */
const struct smmc_fault_setting smmc_fault_settings[SMMC_FAULT_NR_SETTINGS] = {
	{ "probability", "probability", SHADOWMM_A_FAULT_PROBABILITY, MNL_TYPE_U32,
	  0, SHADOWMM_FAULT_PROBABILITY_MAX, SMMC_FAULT_BOTH },
	{ "interval", "interval", SHADOWMM_A_FAULT_INTERVAL, MNL_TYPE_U32, 1, UINT32_MAX,
	  SMMC_FAULT_BOTH },
	{ "times", "times", SHADOWMM_A_FAULT_TIMES, MNL_TYPE_U32, -1, INT32_MAX, SMMC_FAULT_BOTH },
	{ "space", "space", SHADOWMM_A_FAULT_SPACE, MNL_TYPE_U32, 0, INT32_MAX, SMMC_FAULT_BOTH },
	{ "verbose", "verbose", SHADOWMM_A_FAULT_VERBOSE, MNL_TYPE_U32, 0,
	  SHADOWMM_FAULT_VERBOSE_MAX, SMMC_FAULT_BOTH },
	{ "seed", "seed", SHADOWMM_A_FAULT_SEED, MNL_TYPE_U64, 0, 0, SMMC_FAULT_BOTH },
	{ "min-order", "min_order", SHADOWMM_A_FAULT_MIN_ORDER, MNL_TYPE_U32, 0,
	  SMMC_NR_ORDERS - 1, SMMC_FAULT_PAGE },
	{ "ignore-gfp-wait", "ignore_gfp_wait", SHADOWMM_A_FAULT_IGNORE_GFP_WAIT, MNL_TYPE_U8,
	  0, 1, SMMC_FAULT_BOTH },
	{ "ignore-gfp-atomic", "ignore_gfp_atomic", SHADOWMM_A_FAULT_IGNORE_GFP_ATOMIC,
	  MNL_TYPE_U8, 0, 1, SMMC_FAULT_PAGE },
	{ "cache-filter", "cache_filter", SHADOWMM_A_FAULT_CACHE_FILTER, MNL_TYPE_U8, 0, 1,
	  SMMC_FAULT_SLAB },
	{ "zone", "zone", SHADOWMM_A_FAULT_ZONE, MNL_TYPE_U32, -1, SMMC_NR_ZONES - 1,
	  SMMC_FAULT_PAGE },
	{ "calls", "calls", SHADOWMM_A_FAULT_CALLS, MNL_TYPE_U64, 0, -1, SMMC_FAULT_BOTH },
	{ "failures", "failures", SHADOWMM_A_FAULT_FAILURES, MNL_TYPE_U64, 0, -1,
	  SMMC_FAULT_BOTH },
};

/* The setting called @name (debugfs's word), or NULL. */
const struct smmc_fault_setting *smmc_fault_setting(const char *name)
{
	unsigned int i;

	for (i = 0; i < SMMC_FAULT_NR_SETTINGS; i++)
		if (!strcmp(name, smmc_fault_settings[i].name))
			return &smmc_fault_settings[i];
	return NULL;
}

/* Whether target @t has setting @s. */
bool smmc_fault_has(const struct smmc_fault_setting *s, unsigned int t)
{
	return t < SMMC_FAULT_NR_TARGETS && (s->targets & (1U << t));
}

/* The target called @name ("page", "slab"), or -1. */
int smmc_fault_target(const char *name)
{
	int t;

	for (t = 0; t < SMMC_FAULT_NR_TARGETS; t++)
		if (!strcmp(name, smmc_fault_targets[t]) || !strcmp(name, smmc_fault_dirs[t]))
			return t;
	return -1;
}

static const enum mnl_attr_data_type smmc_fault_types[SHADOWMM_A_FAULT_MAX + 1] = {
	[SHADOWMM_A_FAULT_TARGET]		= MNL_TYPE_U32,
	[SHADOWMM_A_FAULT_PROBABILITY]		= MNL_TYPE_U32,
	[SHADOWMM_A_FAULT_INTERVAL]		= MNL_TYPE_U32,
	[SHADOWMM_A_FAULT_TIMES]		= MNL_TYPE_U32,
	[SHADOWMM_A_FAULT_SPACE]		= MNL_TYPE_U32,
	[SHADOWMM_A_FAULT_VERBOSE]		= MNL_TYPE_U32,
	[SHADOWMM_A_FAULT_SEED]			= MNL_TYPE_U64,
	[SHADOWMM_A_FAULT_MIN_ORDER]		= MNL_TYPE_U32,
	[SHADOWMM_A_FAULT_IGNORE_GFP_WAIT]	= MNL_TYPE_U8,
	[SHADOWMM_A_FAULT_IGNORE_GFP_ATOMIC]	= MNL_TYPE_U8,
	[SHADOWMM_A_FAULT_CACHE_FILTER]		= MNL_TYPE_U8,
	[SHADOWMM_A_FAULT_CALLS]		= MNL_TYPE_U64,
	[SHADOWMM_A_FAULT_FAILURES]		= MNL_TYPE_U64,
	[SHADOWMM_A_FAULT_ENTRY]		= MNL_TYPE_NESTED,
	[SHADOWMM_A_FAULT_ZONE]			= MNL_TYPE_U32,
};

static const struct smmc_attr_policy smmc_fault_policy = SMMC_ATTR_POLICY(smmc_fault_types);

/* One attribute's value: times, space and zone are signed 32 bits. */
static int64_t smmc_fault_value(const struct nlattr *a)
{
	switch (mnl_attr_get_type(a)) {
	case SHADOWMM_A_FAULT_TIMES:
	case SHADOWMM_A_FAULT_SPACE:
	case SHADOWMM_A_FAULT_ZONE:
		return (int32_t)mnl_attr_get_u32(a);
	case SHADOWMM_A_FAULT_SEED:
	case SHADOWMM_A_FAULT_CALLS:
	case SHADOWMM_A_FAULT_FAILURES:
		return (int64_t)mnl_attr_get_u64(a);
	case SHADOWMM_A_FAULT_IGNORE_GFP_WAIT:
	case SHADOWMM_A_FAULT_IGNORE_GFP_ATOMIC:
	case SHADOWMM_A_FAULT_CACHE_FILTER:
		return mnl_attr_get_u8(a);
	default:
		return mnl_attr_get_u32(a);
	}
}

/* Each ENTRY nest into its target's record; unknown targets and attributes skipped. */
static int smmc_fault_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *e[SHADOWMM_A_FAULT_MAX + 1];
	struct smmc_fault *f = data;
	const struct nlattr *a;
	unsigned int t, i;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != SHADOWMM_A_FAULT_ENTRY ||
		    smmc_attr_parse_nested(a, &smmc_fault_policy, e) || !e[SHADOWMM_A_FAULT_TARGET])
			continue;
		t = mnl_attr_get_u32(e[SHADOWMM_A_FAULT_TARGET]);
		if (t >= SMMC_FAULT_NR_TARGETS)
			continue;
		for (i = 0; i <= SHADOWMM_A_FAULT_MAX; i++) {
			if (!e[i] || i == SHADOWMM_A_FAULT_TARGET)
				continue;
			f[t].has[i] = true;
			f[t].v[i] = smmc_fault_value(e[i]);
		}
	}
	return MNL_CB_OK;
}

int smmc_fault_get(struct smmc_nl *nl, struct smmc_fault f[SMMC_FAULT_NR_TARGETS])
{
	memset(f, 0, SMMC_FAULT_NR_TARGETS * sizeof(*f));
	return smmc_nl_run(nl, smmc_nl_request(nl, SHADOWMM_CMD_FAULT_GET, false),
			   smmc_fault_cb, f);
}

/* The settings marked in @f->has for @target, in one request. */
int smmc_fault_set(struct smmc_nl *nl, unsigned int target, const struct smmc_fault *f)
{
	struct nlmsghdr *nlh = smmc_nl_request(nl, SHADOWMM_CMD_FAULT_SET, false);
	unsigned int i;

	mnl_attr_put_u32(nlh, SHADOWMM_A_FAULT_TARGET, target);
	for (i = 0; i < SMMC_FAULT_NR_SETTINGS; i++) {
		const struct smmc_fault_setting *s = &smmc_fault_settings[i];

		if (!f->has[s->attr])
			continue;
		if (s->type == MNL_TYPE_U64)
			mnl_attr_put_u64(nlh, s->attr, (uint64_t)f->v[s->attr]);
		else if (s->type == MNL_TYPE_U8)
			mnl_attr_put_u8(nlh, s->attr, (uint8_t)f->v[s->attr]);
		else
			mnl_attr_put_u32(nlh, s->attr, (uint32_t)f->v[s->attr]);
	}
	return smmc_nl_run(nl, nlh, NULL, NULL);
}
