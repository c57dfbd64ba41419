// SPDX-License-Identifier: GPL-2.0
/*
 * smmctl cache { show [ NAME ] |
 *                create NAME size N [ align A ] [ policy slub|slab|slob ] [ FLAG... ] |
 *                destroy NAME [ force ] | shrink NAME | validate [ NAME ] |
 *                tune NAME limit L batch B [ shared S ] }
 * smmctl obj { alloc NAME [ count N ] [ cached ] | free NAME HANDLE... |
 *              corrupt NAME HANDLE KIND }
 *
 * Slab caches and their objects. Objects allocated through netlink are
 * named by handles, which obj free takes back; a request with one bad
 * handle frees nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smmctl.h"

static void print_cache_flags(uint32_t flags)
{
	unsigned int bit;

	smmc_open_json_array(SMMC_PRINT_JSON, "flags");
	for (bit = 0; bit < 32; bit++) {
		const char *name = smmc_cache_flag_name(bit);

		if (flags & (1U << bit))
			smmc_print_string(SMMC_PRINT_ANY, NULL, " %s", name ? name : "?");
	}
	smmc_close_json_array(SMMC_PRINT_JSON, NULL);
}

static void print_cache(const struct smmc_cache *c)
{
	smmc_open_json_object(NULL);
	smmc_print_string(SMMC_PRINT_ANY, "name", "cache %s", c->name);
	smmc_print_uint(SMMC_PRINT_ANY, "id", " id %u", c->id);
	smmc_print_bool(SMMC_PRINT_JSON, "builtin", NULL, c->builtin);
	smmc_print_uint(SMMC_PRINT_ANY, "object_size", " object_size %u", c->object_size);
	smmc_print_uint(SMMC_PRINT_ANY, "size", " size %u", c->size);
	smmc_print_uint(SMMC_PRINT_ANY, "align", " align %u", c->align);
	smmc_print_uint(SMMC_PRINT_ANY, "order", " order %u", c->order);
	smmc_print_string(SMMC_PRINT_ANY, "policy", " policy %s",
			  smmc_cache_policy_name(c->policy));
	smmc_print_uint(SMMC_PRINT_ANY, "objs_per_slab", " objs_per_slab %u", c->objs_per_slab);
	print_cache_flags(c->flags);
	smmc_print_text("\n");
	smmc_print_u64(SMMC_PRINT_ANY, "active_objs", "  active_objs %" PRIu64, c->active_objs);
	smmc_print_u64(SMMC_PRINT_ANY, "num_objs", " num_objs %" PRIu64, c->num_objs);
	smmc_print_u64(SMMC_PRINT_ANY, "num_slabs", " num_slabs %" PRIu64, c->num_slabs);
	smmc_print_u64(SMMC_PRINT_ANY, "partial_slabs", " partial %" PRIu64, c->partial_slabs);
	smmc_print_u64(SMMC_PRINT_ANY, "full_slabs", " full %" PRIu64, c->full_slabs);
	smmc_print_u64(SMMC_PRINT_ANY, "cpu_slabs", " cpu %" PRIu64, c->cpu_slabs);
	smmc_print_u64(SMMC_PRINT_ANY, "cpu_partial_slabs", " cpu_partial %" PRIu64,
		       c->cpu_partial_slabs);
	smmc_print_uint(SMMC_PRINT_ANY, "cpu_partial", " (of %u objects)", c->cpu_partial);
	smmc_print_u64(SMMC_PRINT_ANY, "slabinfo_active_objs", " slabinfo_active %" PRIu64,
		       c->slabinfo_active);
	smmc_print_u64(SMMC_PRINT_ANY, "cached", " cached %" PRIu64 "\n", c->cached);
	if (c->policy == SHADOWMM_CACHE_POLICY_SLAB) {
		smmc_print_uint(SMMC_PRINT_ANY, "limit", "  tunables limit %u", c->limit);
		smmc_print_uint(SMMC_PRINT_ANY, "batchcount", " batchcount %u", c->batchcount);
		smmc_print_uint(SMMC_PRINT_ANY, "shared", " shared %u\n", c->shared);
	}
	smmc_print_u64(SMMC_PRINT_ANY, "alloc_fast", "  alloc_fast %" PRIu64, c->alloc_fast);
	smmc_print_u64(SMMC_PRINT_ANY, "alloc_slow", " alloc_slow %" PRIu64, c->alloc_slow);
	smmc_print_u64(SMMC_PRINT_ANY, "free_fast", " free_fast %" PRIu64, c->free_fast);
	smmc_print_u64(SMMC_PRINT_ANY, "free_slow", " free_slow %" PRIu64, c->free_slow);
	smmc_print_u64(SMMC_PRINT_ANY, "alloc_fail", " alloc_fail %" PRIu64 "\n", c->alloc_fail);
	smmc_print_u64(SMMC_PRINT_ANY, "slabs_alloc", "  slabs_alloc %" PRIu64, c->slabs_alloc);
	smmc_print_u64(SMMC_PRINT_ANY, "slabs_free", " slabs_free %" PRIu64, c->slabs_free);
	smmc_print_u64(SMMC_PRINT_ANY, "errors", " errors %" PRIu64 "\n", c->errors);
	smmc_close_json_object();
}

static int cache_show(int argc, char **argv)
{
	struct smmc_cache *caches;
	bool found = false;
	size_t n, i;

	if (argc > 1)
		return smmctl_bad_arg(argv[1]);
	if (smmctl_connect())
		return 1;
	if (smmc_caches_get(&smmctl_nl, &caches, &n))
		return smmctl_error();
	smmc_open_json_array(SMMC_PRINT_JSON, "caches");
	for (i = 0; i < n; i++) {
		if (argc == 1 && strcmp(caches[i].name, argv[0]))
			continue;
		print_cache(&caches[i]);
		found = true;
	}
	smmc_close_json_array(SMMC_PRINT_JSON, NULL);
	free(caches);
	if (argc == 1 && !found) {
		fprintf(stderr, "Error: no cache named \"%s\"\n", argv[0]);
		return 1;
	}
	return 0;
}

static int cache_create(int argc, char **argv)
{
	uint32_t flags = 0, flag, size = 0, align = 0, policy = SMMC_CACHE_POLICY_DEFAULT;
	const char *name;
	uint64_t v;
	int p;

	if (argc < 1) {
		fprintf(stderr, "Error: usage: smmctl cache create NAME size N [ align A ] [ policy slub|slab|slob ] [ FLAG... ]\n");
		return 1;
	}
	name = argv[0];
	for (argc--, argv++; argc > 0; argc--, argv++) {
		bool more = argc > 1;

		if (more && !strcmp(argv[0], "size")) {
			if (smmctl_parse_u64(argv[1], "size", &v) || !v || v > 8192) {
				fprintf(stderr, "Error: size is 1 to 8192 bytes\n");
				return 1;
			}
			size = v;
		} else if (more && !strcmp(argv[0], "align")) {
			if (smmctl_parse_u64(argv[1], "align", &v) || v > 4096) {
				fprintf(stderr, "Error: align is 0 or a power of two up to 4096\n");
				return 1;
			}
			align = v;
		} else if (more && !strcmp(argv[0], "policy")) {
			p = smmc_cache_policy_by_name(argv[1]);
			if (p < 0) {
				fprintf(stderr, "Error: policy is slub, slab or slob\n");
				return 1;
			}
			policy = p;
		} else if (!smmc_cache_flag(argv[0], &flag)) {
			flags |= flag;
			continue;
		} else {
			return smmctl_bad_arg(argv[0]);
		}
		argc--;
		argv++;
	}
	if (!size) {
		fprintf(stderr, "Error: size is required: smmctl cache create NAME size N\n");
		return 1;
	}
	if (smmctl_connect())
		return 1;
	if (smmc_cache_create_policy(&smmctl_nl, name, size, align, flags, policy))
		return smmctl_error();
	return 0;
}

static int cache_destroy(int argc, char **argv)
{
	bool force = argc == 2 && !strcmp(argv[1], "force");

	if (argc < 1 || (argc == 2 && !force) || argc > 2) {
		fprintf(stderr, "Error: usage: smmctl cache destroy NAME [ force ]\n");
		return 1;
	}
	if (smmctl_connect())
		return 1;
	if (smmc_cache_destroy(&smmctl_nl, argv[0], force))
		return smmctl_error();
	return 0;
}

static int cache_shrink(int argc, char **argv)
{
	uint64_t frames;

	if (argc != 1) {
		fprintf(stderr, "Error: usage: smmctl cache shrink NAME\n");
		return 1;
	}
	if (smmctl_connect())
		return 1;
	if (smmc_cache_shrink(&smmctl_nl, argv[0], &frames))
		return smmctl_error();
	smmc_print_u64(SMMC_PRINT_ANY, "freed", "freed %" PRIu64 " frames\n", frames);
	return 0;
}

/* drop_caches' 2: the shrinkers of every reclaimable cache, to the end. */
static int cache_drop(int argc, char **argv)
{
	uint64_t freed;

	if (argc)
		return smmctl_bad_arg(argv[0]);
	if (smmctl_connect())
		return 1;
	if (smmc_cache_drop(&smmctl_nl, &freed))
		return smmctl_error();
	smmc_print_u64(SMMC_PRINT_ANY, "freed", "freed %" PRIu64 " cached objects\n", freed);
	return 0;
}

/*
 * /proc/slabinfo's write of a SLAB cache: limit and batch needed, shared
 * kept unless given. The module checks the rules and names the one
 * broken; here only that each word comes once with a number.
 */
static int cache_tune(int argc, char **argv)
{
	static const char *const words[] = { "limit", "batch", "shared" };
	uint32_t v[3] = { 0, 0, SMMC_CACHE_SHARED_KEEP };
	bool seen[3] = { false };
	uint64_t n;
	int a, w;

	if (argc < 1 || !(argc % 2))
		goto usage;
	for (a = 1; a < argc; a += 2) {
		for (w = 0; w < 3 && strcmp(argv[a], words[w]); w++)
			;
		if (w == 3 || seen[w])
			goto usage;
		if (smmctl_parse_u64(argv[a + 1], words[w], &n))
			return 1;
		if (n > UINT32_MAX - 1) {
			fprintf(stderr, "Error: %s \"%s\" is too large\n", words[w], argv[a + 1]);
			return 1;
		}
		v[w] = n;
		seen[w] = true;
	}
	if (!seen[0] || !seen[1])
		goto usage;
	if (smmctl_connect())
		return 1;
	if (smmc_cache_tune(&smmctl_nl, argv[0], v[0], v[1], v[2]))
		return smmctl_error();
	return 0;
usage:
	fprintf(stderr, "Error: usage: smmctl cache tune NAME limit L batch B [ shared S ]\n");
	return 1;
}

/* Problems go to the kernel log; the count is printed, and any fails. */
static int cache_validate(int argc, char **argv)
{
	uint64_t problems;

	if (argc > 1)
		return smmctl_bad_arg(argv[1]);
	if (smmctl_connect())
		return 1;
	if (smmc_cache_validate(&smmctl_nl, argc ? argv[0] : NULL, &problems))
		return smmctl_error();
	smmc_print_u64(SMMC_PRINT_ANY, "problems", "%" PRIu64 " problems found", problems);
	smmc_print_text("%s\n", problems ? " (see the kernel log)" : "");
	return problems ? 1 : 0;
}

const struct smm_cmd smmctl_cache_cmds[] = {
	SMM_CMD("show", cache_show, "[ NAME ]", "caches: slabinfo columns and counters"),
	SMM_CMD("create", cache_create, "NAME size N [ align A ] [ policy slub|slab|slob ] [ FLAG... ]",
		"create a cache for objects of N bytes"),
	SMM_CMD("destroy", cache_destroy, "NAME [ force ]",
		"destroy a cache (force: even with live objects)"),
	SMM_CMD("shrink", cache_shrink, "NAME", "give empty slabs back to the buddy"),
	SMM_CMD("validate", cache_validate, "[ NAME ]",
		"check every slab (of every cache); problems go to the kernel log"),
	SMM_CMD("drop", cache_drop, "",
		"free every cached object through the shrinkers (drop_caches 2)"),
	SMM_CMD("tune", cache_tune, "NAME limit L batch B [ shared S ]",
		"a SLAB cache's array sizes, as a write of /proc/slabinfo (admin)"),
	SMM_CMD_END("FLAG := { hwcache_align | red_zone | poison | store_user |\n"
		    "          reclaim_account | hardened | failslab }\n"),
};

/* obj alloc's cached: N objects parked on the cache's LRU, no handles. */
static int obj_alloc_cached(const char *name, uint32_t count)
{
	if (smmctl_connect())
		return 1;
	if (smmc_obj_alloc_cached(&smmctl_nl, name, count))
		return smmctl_error();
	smmc_print_uint(SMMC_PRINT_ANY, "cached", "cached %u objects\n", count);
	return 0;
}

static int obj_alloc(int argc, char **argv)
{
	uint64_t *handles, v;
	uint32_t count = 1, n;
	bool cached = argc > 1 && !strcmp(argv[argc - 1], "cached");

	if (cached)
		argc--;
	if (argc != 1 && !(argc == 3 && !strcmp(argv[1], "count"))) {
		fprintf(stderr, "Error: usage: smmctl obj alloc NAME [ count N ] [ cached ]\n");
		return 1;
	}
	if (argc == 3) {
		if (smmctl_parse_u64(argv[2], "count", &v) || !v || v > SHADOWMM_OBJ_BATCH_MAX) {
			fprintf(stderr, "Error: count is 1 to %u\n", SHADOWMM_OBJ_BATCH_MAX);
			return 1;
		}
		count = v;
	}
	if (cached)
		return obj_alloc_cached(argv[0], count);
	if (smmctl_connect())
		return 1;
	handles = calloc(count, sizeof(*handles));
	if (!handles) {
		perror("Error: calloc");
		return 1;
	}
	if (smmc_obj_alloc(&smmctl_nl, argv[0], count, handles, &n)) {
		free(handles);
		return smmctl_error();
	}
	return smmctl_print_handles(handles, n);
}

static int obj_free(int argc, char **argv)
{
	uint64_t *handles, freed;
	int i, ret = 1;

	if (argc < 2 || argc - 1 > SHADOWMM_OBJ_BATCH_MAX) {
		fprintf(stderr, "Error: usage: smmctl obj free NAME HANDLE... (at most %u)\n",
			SHADOWMM_OBJ_BATCH_MAX);
		return 1;
	}
	handles = calloc(argc - 1, sizeof(*handles));
	if (!handles) {
		perror("Error: calloc");
		return 1;
	}
	for (i = 1; i < argc; i++)
		if (smmctl_parse_u64(argv[i], "handle", &handles[i - 1]))
			goto out_free;
	if (smmctl_connect())
		goto out_free;
	if (smmc_obj_free(&smmctl_nl, argv[0], handles, argc - 1, &freed)) {
		smmctl_error();
		goto out_free;
	}
	smmc_print_u64(SMMC_PRINT_ANY, "freed", "freed %" PRIu64 " objects\n", freed);
	ret = 0;

out_free:
	free(handles);
	return ret;
}

static int obj_corrupt(int argc, char **argv)
{
	uint64_t handle;
	int kind;

	if (argc != 3) {
		fprintf(stderr, "Error: usage: smmctl obj corrupt NAME HANDLE KIND\n");
		return 1;
	}
	if (smmctl_parse_u64(argv[1], "handle", &handle))
		return 1;
	kind = smmc_corrupt_kind(argv[2]);
	if (kind < 0) {
		fprintf(stderr, "Error: unknown corruption \"%s\" (redzone, after_free or freelist)\n",
			argv[2]);
		return 1;
	}
	if (smmctl_connect())
		return 1;
	if (smmc_obj_corrupt(&smmctl_nl, argv[0], handle, kind))
		return smmctl_error();
	return 0;
}

const struct smm_cmd smmctl_obj_cmds[] = {
	SMM_CMD("alloc", obj_alloc, "NAME [ count N ] [ cached ]",
		"allocate N objects from cache NAME, print their handles\n"
		"          (cached: park them on a reclaimable cache's LRU, no handles)"),
	SMM_CMD("free", obj_free, "NAME HANDLE...", "free objects by handle (all or none)"),
	SMM_CMD("corrupt", obj_corrupt, "NAME HANDLE KIND",
		"damage an object on purpose (module loaded with debug_corrupt=1)"),
	SMM_CMD_END("KIND := { redzone | after_free | freelist }\n"),
};
