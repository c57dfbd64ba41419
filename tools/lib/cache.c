// SPDX-License-Identifier: GPL-2.0
/*
 * Slab caches: CACHE_CREATE, CACHE_DESTROY, CACHE_GET, CACHE_SHRINK,
 * CACHE_VALIDATE, OBJ_ALLOC, OBJ_FREE and OBJ_CORRUPT.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "libsmm.h"

#define SMMC_CACHE_DUMP_TRIES	5

static const struct {
	const char *name;
	uint32_t flag;
} smmc_cache_flag_names[] = {
	{ "hwcache_align",   SHADOWMM_CACHE_HWCACHE_ALIGN },
	{ "red_zone",	     SHADOWMM_CACHE_RED_ZONE },
	{ "poison",	     SHADOWMM_CACHE_POISON },
	{ "store_user",	     SHADOWMM_CACHE_STORE_USER },
	{ "reclaim_account", SHADOWMM_CACHE_RECLAIM_ACCOUNT },
	{ "hardened",	     SHADOWMM_CACHE_HARDENED },
};

#define SMMC_NR_CACHE_FLAGS	(sizeof(smmc_cache_flag_names) / sizeof(smmc_cache_flag_names[0]))

int smmc_cache_flag(const char *name, uint32_t *flag)
{
	unsigned int i;

	for (i = 0; i < SMMC_NR_CACHE_FLAGS; i++) {
		if (!strcasecmp(name, smmc_cache_flag_names[i].name)) {
			*flag = smmc_cache_flag_names[i].flag;
			return 0;
		}
	}
	return -EINVAL;
}

/* The name of flag bit @bit, or NULL. */
const char *smmc_cache_flag_name(unsigned int bit)
{
	unsigned int i;

	for (i = 0; i < SMMC_NR_CACHE_FLAGS; i++)
		if (smmc_cache_flag_names[i].flag == 1U << bit)
			return smmc_cache_flag_names[i].name;
	return NULL;
}

int smmc_corrupt_kind(const char *name)
{
	static const char *const kinds[] = {
		[SHADOWMM_CORRUPT_REDZONE] = "redzone",
		[SHADOWMM_CORRUPT_AFTER_FREE] = "after_free",
		[SHADOWMM_CORRUPT_FREELIST] = "freelist",
	};
	int k;

	for (k = SHADOWMM_CORRUPT_REDZONE; k < __SHADOWMM_CORRUPT_CNT; k++)
		if (!strcasecmp(name, kinds[k]))
			return k;
	return -1;
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

int smmc_cache_parse(const struct nlmsghdr *nlh, struct smmc_cache *c)
{
	const struct nlattr *tb[SHADOWMM_A_CACHE_MAX + 1];

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
	return 0;
}

struct smmc_caches_ctx {
	struct smmc_cache *v;
	size_t n, cap;
};

static int smmc_cache_cb(const struct nlmsghdr *nlh, void *data)
{
	struct smmc_caches_ctx *ctx = data;

	if (smmc_array_reserve((void **)&ctx->v, &ctx->cap, ctx->n, sizeof(*ctx->v), 32))
		return MNL_CB_ERROR;	/* errno is ENOMEM */
	if (smmc_cache_parse(nlh, &ctx->v[ctx->n]))
		return MNL_CB_ERROR;
	ctx->n++;
	return MNL_CB_OK;
}

/*
 * Every cache, in an array the caller frees; a dump that saw caches come
 * or go is retried. Returns 0, or -errno with nl->err saying why.
 */
int smmc_caches_get(struct smmc_nl *nl, struct smmc_cache **caches, size_t *n)
{
	struct smmc_caches_ctx ctx = { 0 };
	int tries = 0, ret;

	do {
		ctx.n = 0;
		ret = smmc_nl_run(nl, smmc_nl_request(nl, SHADOWMM_CMD_CACHE_GET, true),
				 smmc_cache_cb, &ctx);
	} while (ret == SMMC_NL_DUMP_INTR && ++tries < SMMC_CACHE_DUMP_TRIES);
	if (ret) {
		free(ctx.v);
		ctx.v = NULL;
		ctx.n = 0;
	}
	*caches = ctx.v;
	*n = ctx.n;
	return ret;
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

struct smmc_u64_ctx {
	int type;
	uint64_t v;
};

static int smmc_cache_u64_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[SHADOWMM_A_CACHE_MAX + 1];
	struct smmc_u64_ctx *ctx = data;

	if (smmc_attr_parse(nlh, &smmc_cache_policy, tb))
		return MNL_CB_ERROR;
	ctx->v = smmc_attr_u64(tb[ctx->type], 0);
	return MNL_CB_OK;
}

/* A request naming a cache (or none), answered by one u64 attribute. */
static int smmc_cache_u64_req(struct smmc_nl *nl, uint8_t cmd, const char *name, int type,
			     uint64_t *v)
{
	struct nlmsghdr *nlh = smmc_nl_request(nl, cmd, false);
	struct smmc_u64_ctx ctx = { .type = type };
	int ret;

	if (name)
		mnl_attr_put_strz(nlh, SHADOWMM_A_CACHE_NAME, name);
	ret = smmc_nl_run(nl, nlh, smmc_cache_u64_cb, &ctx);
	*v = ctx.v;
	return ret;
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

struct smmc_obj_handles_ctx {
	uint64_t *handles;
	uint32_t n, max;
};

static int smmc_obj_handles_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[SHADOWMM_A_CACHE_MAX + 1], *a;
	struct smmc_obj_handles_ctx *ctx = data;

	if (smmc_attr_parse(nlh, &smmc_cache_policy, tb) || !tb[SHADOWMM_A_CACHE_HANDLES])
		return MNL_CB_ERROR;
	mnl_attr_for_each_nested(a, tb[SHADOWMM_A_CACHE_HANDLES]) {
		if (mnl_attr_get_type(a) != SHADOWMM_A_CACHE_HANDLE ||
		    mnl_attr_validate(a, MNL_TYPE_U64) < 0)
			continue;
		if (ctx->n < ctx->max)
			ctx->handles[ctx->n++] = mnl_attr_get_u64(a);
	}
	return MNL_CB_OK;
}

/* @handles holds @count entries; *n gets how many came back. */
int smmc_obj_alloc(struct smmc_nl *nl, const char *name, uint32_t count, uint64_t *handles,
		  uint32_t *n)
{
	struct smmc_obj_handles_ctx ctx = { .handles = handles, .max = count };
	struct nlmsghdr *nlh = smmc_nl_request(nl, SHADOWMM_CMD_OBJ_ALLOC, false);
	int ret;

	mnl_attr_put_strz(nlh, SHADOWMM_A_CACHE_NAME, name);
	mnl_attr_put_u32(nlh, SHADOWMM_A_CACHE_COUNT, count);
	ret = smmc_nl_run(nl, nlh, smmc_obj_handles_cb, &ctx);
	*n = ctx.n;
	return ret;
}

int smmc_obj_free(struct smmc_nl *nl, const char *name, const uint64_t *handles, uint32_t n,
		 uint64_t *freed)
{
	struct nlmsghdr *nlh = smmc_nl_request(nl, SHADOWMM_CMD_OBJ_FREE, false);
	struct smmc_u64_ctx ctx = { .type = SHADOWMM_A_CACHE_FREED };
	struct nlattr *nest;
	uint32_t i;
	int ret;

	mnl_attr_put_strz(nlh, SHADOWMM_A_CACHE_NAME, name);
	nest = mnl_attr_nest_start(nlh, SHADOWMM_A_CACHE_HANDLES);
	for (i = 0; i < n; i++)
		mnl_attr_put_u64(nlh, SHADOWMM_A_CACHE_HANDLE, handles[i]);
	mnl_attr_nest_end(nlh, nest);
	ret = smmc_nl_run(nl, nlh, smmc_cache_u64_cb, &ctx);
	*freed = ctx.v;
	return ret;
}

int smmc_obj_corrupt(struct smmc_nl *nl, const char *name, uint64_t handle, uint32_t kind)
{
	struct nlmsghdr *nlh = smmc_nl_request(nl, SHADOWMM_CMD_OBJ_CORRUPT, false);

	mnl_attr_put_strz(nlh, SHADOWMM_A_CACHE_NAME, name);
	mnl_attr_put_u64(nlh, SHADOWMM_A_CACHE_HANDLE, handle);
	mnl_attr_put_u32(nlh, SHADOWMM_A_CACHE_CORRUPT, kind);
	return smmc_nl_run(nl, nlh, NULL, NULL);
}
