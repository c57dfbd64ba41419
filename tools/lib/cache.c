// SPDX-License-Identifier: GPL-2.0
/*
 * Slab caches: CACHE_CREATE, CACHE_DESTROY, CACHE_GET, CACHE_SHRINK,
 * CACHE_VALIDATE, CACHE_TUNE, OBJ_ALLOC, OBJ_FREE and OBJ_CORRUPT.
 */
#include <errno.h>
#include <string.h>

#include "libsmm.h"

#define SMMC_CACHE_DUMP_TRIES	5

/* The cache flags' names, bit by bit. */
static const char *const smmc_cache_flag_bits[] = {
	"hwcache_align", "red_zone", "poison", "store_user", "reclaim_account", "hardened",
	"failslab",
};

_Static_assert((1U << ARRAY_SIZE(smmc_cache_flag_bits)) - 1 == SHADOWMM_CACHE_ALL,
	       "a name per cache flag");

int smmc_cache_flag(const char *name, uint32_t *flag)
{
	return smmc_flag_by_name(smmc_cache_flag_bits, ARRAY_SIZE(smmc_cache_flag_bits), name, flag);
}

/* The name of flag bit @bit, or NULL. */
const char *smmc_cache_flag_name(unsigned int bit)
{
	return bit < ARRAY_SIZE(smmc_cache_flag_bits) ? smmc_cache_flag_bits[bit] : NULL;
}

int smmc_corrupt_kind(const char *name)
{
	static const char *const kinds[] = {
		[SHADOWMM_CORRUPT_REDZONE] = "redzone",
		[SHADOWMM_CORRUPT_AFTER_FREE] = "after_free",
		[SHADOWMM_CORRUPT_FREELIST] = "freelist",
	};

	return smmc_name_index(kinds, ARRAY_SIZE(kinds), name);
}

static const char *const smmc_cache_policies[] = {
	[SHADOWMM_CACHE_POLICY_SLUB] = "slub",
	[SHADOWMM_CACHE_POLICY_SLAB] = "slab",
	[SHADOWMM_CACHE_POLICY_SLOB] = "slob",
};

_Static_assert(ARRAY_SIZE(smmc_cache_policies) == __SHADOWMM_CACHE_POLICY_CNT,
	       "a name per slab policy");

/* The policy named @name, or -1. */
int smmc_cache_policy_by_name(const char *name)
{
	return smmc_name_index(smmc_cache_policies, ARRAY_SIZE(smmc_cache_policies), name);
}

/* The name of @policy, or "?" for one this library does not know. */
const char *smmc_cache_policy_name(uint32_t policy)
{
	return policy < ARRAY_SIZE(smmc_cache_policies) ? smmc_cache_policies[policy] : "?";
}

#define SMMC_CACHE_U32(m)	SMMC_ATTR_U32(struct smmc_cache, m)
#define SMMC_CACHE_U64(m)	SMMC_ATTR_U64(struct smmc_cache, m)

static const struct smmc_attr_field smmc_cache_fields[SHADOWMM_A_CACHE_MAX + 1] = {
	[SHADOWMM_A_CACHE_NAME]		 = SMMC_ATTR_STR(struct smmc_cache, name),
	[SHADOWMM_A_CACHE_OBJECT_SIZE]	 = SMMC_CACHE_U32(object_size),
	[SHADOWMM_A_CACHE_ALIGN]	 = SMMC_CACHE_U32(align),
	[SHADOWMM_A_CACHE_FLAGS]	 = SMMC_CACHE_U32(flags),
	[SHADOWMM_A_CACHE_ID]		 = SMMC_CACHE_U32(id),
	[SHADOWMM_A_CACHE_BUILTIN]	 = SMMC_ATTR_BOOL(struct smmc_cache, builtin),
	[SHADOWMM_A_CACHE_SIZE]		 = SMMC_CACHE_U32(size),
	[SHADOWMM_A_CACHE_ORDER]	 = SMMC_CACHE_U32(order),
	[SHADOWMM_A_CACHE_OBJS_PER_SLAB] = SMMC_CACHE_U32(objs_per_slab),
	[SHADOWMM_A_CACHE_ACTIVE_OBJS]	 = SMMC_CACHE_U64(active_objs),
	[SHADOWMM_A_CACHE_NUM_OBJS]	 = SMMC_CACHE_U64(num_objs),
	[SHADOWMM_A_CACHE_NUM_SLABS]	 = SMMC_CACHE_U64(num_slabs),
	[SHADOWMM_A_CACHE_PARTIAL_SLABS] = SMMC_CACHE_U64(partial_slabs),
	[SHADOWMM_A_CACHE_FULL_SLABS]	 = SMMC_CACHE_U64(full_slabs),
	[SHADOWMM_A_CACHE_CPU_SLABS]	 = SMMC_CACHE_U64(cpu_slabs),
	[SHADOWMM_A_CACHE_CPU_PARTIAL]	 = SMMC_CACHE_U32(cpu_partial),
	[SHADOWMM_A_CACHE_CPU_PARTIAL_SLABS] = SMMC_CACHE_U64(cpu_partial_slabs),
	[SHADOWMM_A_CACHE_SLABINFO_ACTIVE] = SMMC_CACHE_U64(slabinfo_active),
	[SHADOWMM_A_CACHE_NR_CACHED] = SMMC_CACHE_U64(cached),
	[SHADOWMM_A_CACHE_POLICY]	 = SMMC_CACHE_U32(policy),
	[SHADOWMM_A_CACHE_LIMIT]	 = SMMC_CACHE_U32(limit),
	[SHADOWMM_A_CACHE_BATCHCOUNT]	 = SMMC_CACHE_U32(batchcount),
	[SHADOWMM_A_CACHE_SHARED]	 = SMMC_CACHE_U32(shared),
	[SHADOWMM_A_CACHE_ALLOC_FAST]	 = SMMC_CACHE_U64(alloc_fast),
	[SHADOWMM_A_CACHE_ALLOC_SLOW]	 = SMMC_CACHE_U64(alloc_slow),
	[SHADOWMM_A_CACHE_FREE_FAST]	 = SMMC_CACHE_U64(free_fast),
	[SHADOWMM_A_CACHE_FREE_SLOW]	 = SMMC_CACHE_U64(free_slow),
	[SHADOWMM_A_CACHE_ALLOC_FAIL]	 = SMMC_CACHE_U64(alloc_fail),
	[SHADOWMM_A_CACHE_SLABS_ALLOC]	 = SMMC_CACHE_U64(slabs_alloc),
	[SHADOWMM_A_CACHE_SLABS_FREE]	 = SMMC_CACHE_U64(slabs_free),
	[SHADOWMM_A_CACHE_ERRORS]	 = SMMC_CACHE_U64(errors),
	[SHADOWMM_A_CACHE_HANDLES]	 = { MNL_TYPE_NESTED },
	[SHADOWMM_A_CACHE_FREED]	 = { MNL_TYPE_U64 },
	[SHADOWMM_A_CACHE_PROBLEMS]	 = { MNL_TYPE_U64 },
};

static const struct smmc_attr_policy smmc_cache_policy = SMMC_ATTR_FIELDS(smmc_cache_fields);

/* One CACHE_GET message into the struct smmc_cache at @cache (a smmc_dump's parse). */
int smmc_cache_parse(const struct nlmsghdr *nlh, void *cache)
{
	const struct nlattr *tb[SHADOWMM_A_CACHE_MAX + 1];
	struct smmc_cache *c = cache;

	memset(c, 0, sizeof(*c));
	if (smmc_attr_parse(nlh, &smmc_cache_policy, tb))
		return -EBADMSG;
	smmc_attr_store(tb, &smmc_cache_policy, c);
	smmc_attr_strcpy(c->name, sizeof(c->name), tb[SHADOWMM_A_CACHE_NAME], "?");
	return 0;
}

/* Every cache, in an array the caller frees (smmc_dump_array()). */
int smmc_caches_get(struct smmc_nl *nl, struct smmc_cache **caches, size_t *n)
{
	static const struct smmc_dump d = { SHADOWMM_CMD_CACHE_GET, sizeof(**caches), 32,
					    SMMC_CACHE_DUMP_TRIES, smmc_cache_parse };

	return smmc_dump_array(nl, &d, (void **)caches, n);
}

/*
 * CACHE_CREATE with a slab policy (enum shadowmm_cache_policy), or
 * SMMC_CACHE_POLICY_DEFAULT to send none (the module's default, and all
 * a module older than policies understands).
 */
int smmc_cache_create_policy(struct smmc_nl *nl, const char *name, uint32_t size,
			     uint32_t align, uint32_t flags, uint32_t policy)
{
	struct nlmsghdr *nlh = smmc_nl_request(nl, SHADOWMM_CMD_CACHE_CREATE, false);

	mnl_attr_put_strz(nlh, SHADOWMM_A_CACHE_NAME, name);
	mnl_attr_put_u32(nlh, SHADOWMM_A_CACHE_OBJECT_SIZE, size);
	if (align)
		mnl_attr_put_u32(nlh, SHADOWMM_A_CACHE_ALIGN, align);
	if (flags)
		mnl_attr_put_u32(nlh, SHADOWMM_A_CACHE_FLAGS, flags);
	if (policy != SMMC_CACHE_POLICY_DEFAULT)
		mnl_attr_put_u32(nlh, SHADOWMM_A_CACHE_POLICY, policy);
	return smmc_nl_run(nl, nlh, NULL, NULL);
}

int smmc_cache_create(struct smmc_nl *nl, const char *name, uint32_t size, uint32_t align,
		      uint32_t flags)
{
	return smmc_cache_create_policy(nl, name, size, align, flags, SMMC_CACHE_POLICY_DEFAULT);
}

int smmc_cache_destroy(struct smmc_nl *nl, const char *name, bool force)
{
	struct nlmsghdr *nlh = smmc_nl_request(nl, SHADOWMM_CMD_CACHE_DESTROY, false);

	mnl_attr_put_strz(nlh, SHADOWMM_A_CACHE_NAME, name);
	if (force)
		mnl_attr_put(nlh, SHADOWMM_A_CACHE_FORCE, 0, NULL);
	return smmc_nl_run(nl, nlh, NULL, NULL);
}

/* A request naming a cache (or none), answered by one u64 attribute. */
static int smmc_cache_u64_req(struct smmc_nl *nl, uint8_t cmd, const char *name, int type,
			      uint64_t *v)
{
	struct nlmsghdr *nlh = smmc_nl_request(nl, cmd, false);
	struct smmc_reply_u64 r = { .policy = &smmc_cache_policy, .type = type, .v = v };

	*v = 0;
	if (name)
		mnl_attr_put_strz(nlh, SHADOWMM_A_CACHE_NAME, name);
	return smmc_nl_run(nl, nlh, smmc_reply_u64_cb, &r);
}

int smmc_cache_shrink(struct smmc_nl *nl, const char *name, uint64_t *frames)
{
	return smmc_cache_u64_req(nl, SHADOWMM_CMD_CACHE_SHRINK, name, SHADOWMM_A_CACHE_FREED,
				  frames);
}

/* drop_caches' 2: every reclaimable cache's cached objects; *@freed objects. */
int smmc_cache_drop(struct smmc_nl *nl, uint64_t *freed)
{
	return smmc_cache_u64_req(nl, SHADOWMM_CMD_CACHE_DROP, NULL, SHADOWMM_A_CACHE_FREED, freed);
}

int smmc_cache_validate(struct smmc_nl *nl, const char *name, uint64_t *problems)
{
	return smmc_cache_u64_req(nl, SHADOWMM_CMD_CACHE_VALIDATE, name,
				  SHADOWMM_A_CACHE_PROBLEMS, problems);
}

/*
 * CACHE_TUNE: a SLAB cache's limit and batchcount, and its shared factor
 * unless @shared is SMMC_CACHE_SHARED_KEEP (/proc/slabinfo's write).
 */
int smmc_cache_tune(struct smmc_nl *nl, const char *name, uint32_t limit, uint32_t batch,
		    uint32_t shared)
{
	struct nlmsghdr *nlh = smmc_nl_request(nl, SHADOWMM_CMD_CACHE_TUNE, false);

	mnl_attr_put_strz(nlh, SHADOWMM_A_CACHE_NAME, name);
	mnl_attr_put_u32(nlh, SHADOWMM_A_CACHE_LIMIT, limit);
	mnl_attr_put_u32(nlh, SHADOWMM_A_CACHE_BATCHCOUNT, batch);
	if (shared != SMMC_CACHE_SHARED_KEEP)
		mnl_attr_put_u32(nlh, SHADOWMM_A_CACHE_SHARED, shared);
	return smmc_nl_run(nl, nlh, NULL, NULL);
}

/* @handles holds @count entries; *n gets how many came back. */
int smmc_obj_alloc(struct smmc_nl *nl, const char *name, uint32_t count, uint64_t *handles,
		   uint32_t *n)
{
	struct smmc_reply_u64 r = {
		.policy = &smmc_cache_policy, .type = SHADOWMM_A_CACHE_HANDLES,
		.member = SHADOWMM_A_CACHE_HANDLE, .v = handles, .max = count,
	};
	struct nlmsghdr *nlh = smmc_nl_request(nl, SHADOWMM_CMD_OBJ_ALLOC, false);
	int ret;

	mnl_attr_put_strz(nlh, SHADOWMM_A_CACHE_NAME, name);
	mnl_attr_put_u32(nlh, SHADOWMM_A_CACHE_COUNT, count);
	ret = smmc_nl_run(nl, nlh, smmc_reply_u64_cb, &r);
	*n = r.n;
	return ret;
}

/*
 * @count objects of a reclaimable cache parked on its LRU (OBJ_ALLOC
 * with CACHED): no handles come back, the cache's shrinker frees them.
 */
int smmc_obj_alloc_cached(struct smmc_nl *nl, const char *name, uint32_t count)
{
	struct nlmsghdr *nlh = smmc_nl_request(nl, SHADOWMM_CMD_OBJ_ALLOC, false);

	mnl_attr_put_strz(nlh, SHADOWMM_A_CACHE_NAME, name);
	mnl_attr_put_u32(nlh, SHADOWMM_A_CACHE_COUNT, count);
	mnl_attr_put(nlh, SHADOWMM_A_CACHE_CACHED, 0, NULL);
	return smmc_nl_run(nl, nlh, NULL, NULL);
}

int smmc_obj_free(struct smmc_nl *nl, const char *name, const uint64_t *handles, uint32_t n,
		  uint64_t *freed)
{
	struct nlmsghdr *nlh = smmc_nl_request(nl, SHADOWMM_CMD_OBJ_FREE, false);
	struct smmc_reply_u64 r = {
		.policy = &smmc_cache_policy, .type = SHADOWMM_A_CACHE_FREED, .v = freed,
	};

	mnl_attr_put_strz(nlh, SHADOWMM_A_CACHE_NAME, name);
	smmc_attr_put_u64_list(nlh, SHADOWMM_A_CACHE_HANDLES, SHADOWMM_A_CACHE_HANDLE, handles, n);
	*freed = 0;
	return smmc_nl_run(nl, nlh, smmc_reply_u64_cb, &r);
}

int smmc_obj_corrupt(struct smmc_nl *nl, const char *name, uint64_t handle, uint32_t kind)
{
	struct nlmsghdr *nlh = smmc_nl_request(nl, SHADOWMM_CMD_OBJ_CORRUPT, false);

	mnl_attr_put_strz(nlh, SHADOWMM_A_CACHE_NAME, name);
	mnl_attr_put_u64(nlh, SHADOWMM_A_CACHE_HANDLE, handle);
	mnl_attr_put_u32(nlh, SHADOWMM_A_CACHE_CORRUPT, kind);
	return smmc_nl_run(nl, nlh, NULL, NULL);
}
