// SPDX-License-Identifier: GPL-2.0
/*
 * Slab caches: CACHE_CREATE, CACHE_DESTROY, CACHE_GET, CACHE_SHRINK,
 * CACHE_VALIDATE, OBJ_ALLOC, OBJ_FREE and OBJ_CORRUPT.
 */
#include <errno.h>
#include <string.h>

#include "libsmm.h"

#define SMMC_CACHE_DUMP_TRIES	5

/* The cache flags' names, bit by bit. */
static const char *const smmc_cache_flag_bits[] = {
	"hwcache_align", "red_zone", "poison", "store_user", "reclaim_account", "hardened",
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

static const enum mnl_attr_data_type smmc_cache_types[SHADOWMM_A_CACHE_MAX + 1] = {
	[SHADOWMM_A_CACHE_NAME]		 = MNL_TYPE_NUL_STRING,
	[SHADOWMM_A_CACHE_OBJECT_SIZE]	 = MNL_TYPE_U32,
	[SHADOWMM_A_CACHE_ALIGN]	 = MNL_TYPE_U32,
	[SHADOWMM_A_CACHE_FLAGS]	 = MNL_TYPE_U32,
	[SHADOWMM_A_CACHE_ID]		 = MNL_TYPE_U32,
	[SHADOWMM_A_CACHE_BUILTIN]	 = MNL_TYPE_U8,
	[SHADOWMM_A_CACHE_SIZE]		 = MNL_TYPE_U32,
	[SHADOWMM_A_CACHE_ORDER]	 = MNL_TYPE_U32,
	[SHADOWMM_A_CACHE_OBJS_PER_SLAB] = MNL_TYPE_U32,
	[SHADOWMM_A_CACHE_ACTIVE_OBJS]	 = MNL_TYPE_U64,
	[SHADOWMM_A_CACHE_NUM_OBJS]	 = MNL_TYPE_U64,
	[SHADOWMM_A_CACHE_NUM_SLABS]	 = MNL_TYPE_U64,
	[SHADOWMM_A_CACHE_PARTIAL_SLABS] = MNL_TYPE_U64,
	[SHADOWMM_A_CACHE_FULL_SLABS]	 = MNL_TYPE_U64,
	[SHADOWMM_A_CACHE_CPU_SLABS]	 = MNL_TYPE_U64,
	[SHADOWMM_A_CACHE_CPU_PARTIAL]	 = MNL_TYPE_U32,
	[SHADOWMM_A_CACHE_CPU_PARTIAL_SLABS] = MNL_TYPE_U64,
	[SHADOWMM_A_CACHE_SLABINFO_ACTIVE] = MNL_TYPE_U64,
	[SHADOWMM_A_CACHE_ALLOC_FAST]	 = MNL_TYPE_U64,
	[SHADOWMM_A_CACHE_ALLOC_SLOW]	 = MNL_TYPE_U64,
	[SHADOWMM_A_CACHE_FREE_FAST]	 = MNL_TYPE_U64,
	[SHADOWMM_A_CACHE_FREE_SLOW]	 = MNL_TYPE_U64,
	[SHADOWMM_A_CACHE_ALLOC_FAIL]	 = MNL_TYPE_U64,
	[SHADOWMM_A_CACHE_SLABS_ALLOC]	 = MNL_TYPE_U64,
	[SHADOWMM_A_CACHE_SLABS_FREE]	 = MNL_TYPE_U64,
	[SHADOWMM_A_CACHE_ERRORS]	 = MNL_TYPE_U64,
	[SHADOWMM_A_CACHE_HANDLES]	 = MNL_TYPE_NESTED,
	[SHADOWMM_A_CACHE_FREED]	 = MNL_TYPE_U64,
	[SHADOWMM_A_CACHE_PROBLEMS]	 = MNL_TYPE_U64,
};

static const struct smmc_attr_policy smmc_cache_policy = SMMC_ATTR_POLICY(smmc_cache_types);

/* One CACHE_GET message into the struct smmc_cache at @cache (a smmc_dump's parse). */
int smmc_cache_parse(const struct nlmsghdr *nlh, void *cache)
{
	const struct nlattr *tb[SHADOWMM_A_CACHE_MAX + 1];
	struct smmc_cache *c = cache;

	memset(c, 0, sizeof(*c));
	if (smmc_attr_parse(nlh, &smmc_cache_policy, tb))
		return -EBADMSG;
	smmc_attr_strcpy(c->name, sizeof(c->name), tb[SHADOWMM_A_CACHE_NAME], "?");
	c->id = smmc_attr_u32(tb[SHADOWMM_A_CACHE_ID], 0);
	c->builtin = smmc_attr_u8(tb[SHADOWMM_A_CACHE_BUILTIN], 0);
	c->object_size = smmc_attr_u32(tb[SHADOWMM_A_CACHE_OBJECT_SIZE], 0);
	c->align = smmc_attr_u32(tb[SHADOWMM_A_CACHE_ALIGN], 0);
	c->flags = smmc_attr_u32(tb[SHADOWMM_A_CACHE_FLAGS], 0);
	c->size = smmc_attr_u32(tb[SHADOWMM_A_CACHE_SIZE], 0);
	c->order = smmc_attr_u32(tb[SHADOWMM_A_CACHE_ORDER], 0);
	c->objs_per_slab = smmc_attr_u32(tb[SHADOWMM_A_CACHE_OBJS_PER_SLAB], 0);
	c->active_objs = smmc_attr_u64(tb[SHADOWMM_A_CACHE_ACTIVE_OBJS], 0);
	c->num_objs = smmc_attr_u64(tb[SHADOWMM_A_CACHE_NUM_OBJS], 0);
	c->num_slabs = smmc_attr_u64(tb[SHADOWMM_A_CACHE_NUM_SLABS], 0);
	c->partial_slabs = smmc_attr_u64(tb[SHADOWMM_A_CACHE_PARTIAL_SLABS], 0);
	c->full_slabs = smmc_attr_u64(tb[SHADOWMM_A_CACHE_FULL_SLABS], 0);
	c->cpu_slabs = smmc_attr_u64(tb[SHADOWMM_A_CACHE_CPU_SLABS], 0);
	c->alloc_fast = smmc_attr_u64(tb[SHADOWMM_A_CACHE_ALLOC_FAST], 0);
	c->alloc_slow = smmc_attr_u64(tb[SHADOWMM_A_CACHE_ALLOC_SLOW], 0);
	c->free_fast = smmc_attr_u64(tb[SHADOWMM_A_CACHE_FREE_FAST], 0);
	c->free_slow = smmc_attr_u64(tb[SHADOWMM_A_CACHE_FREE_SLOW], 0);
	c->alloc_fail = smmc_attr_u64(tb[SHADOWMM_A_CACHE_ALLOC_FAIL], 0);
	c->slabs_alloc = smmc_attr_u64(tb[SHADOWMM_A_CACHE_SLABS_ALLOC], 0);
	c->slabs_free = smmc_attr_u64(tb[SHADOWMM_A_CACHE_SLABS_FREE], 0);
	c->errors = smmc_attr_u64(tb[SHADOWMM_A_CACHE_ERRORS], 0);
	c->cpu_partial = smmc_attr_u32(tb[SHADOWMM_A_CACHE_CPU_PARTIAL], 0);
	c->cpu_partial_slabs = smmc_attr_u64(tb[SHADOWMM_A_CACHE_CPU_PARTIAL_SLABS], 0);
	c->slabinfo_active = smmc_attr_u64(tb[SHADOWMM_A_CACHE_SLABINFO_ACTIVE], 0);
	return 0;
}

/* Every cache, in an array the caller frees (smmc_dump_array()). */
int smmc_caches_get(struct smmc_nl *nl, struct smmc_cache **caches, size_t *n)
{
	static const struct smmc_dump d = { SHADOWMM_CMD_CACHE_GET, sizeof(**caches), 32,
					    SMMC_CACHE_DUMP_TRIES, smmc_cache_parse };

	return smmc_dump_array(nl, &d, (void **)caches, n);
}

int smmc_cache_create(struct smmc_nl *nl, const char *name, uint32_t size, uint32_t align,
		      uint32_t flags)
{
	struct nlmsghdr *nlh = smmc_nl_request(nl, SHADOWMM_CMD_CACHE_CREATE, false);

	mnl_attr_put_strz(nlh, SHADOWMM_A_CACHE_NAME, name);
	mnl_attr_put_u32(nlh, SHADOWMM_A_CACHE_OBJECT_SIZE, size);
	if (align)
		mnl_attr_put_u32(nlh, SHADOWMM_A_CACHE_ALIGN, align);
	if (flags)
		mnl_attr_put_u32(nlh, SHADOWMM_A_CACHE_FLAGS, flags);
	return smmc_nl_run(nl, nlh, NULL, NULL);
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

int smmc_cache_validate(struct smmc_nl *nl, const char *name, uint64_t *problems)
{
	return smmc_cache_u64_req(nl, SHADOWMM_CMD_CACHE_VALIDATE, name,
				  SHADOWMM_A_CACHE_PROBLEMS, problems);
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
