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

#define SMM_CACHE_DUMP_TRIES	5

static const struct {
	const char *name;
	uint32_t flag;
} smm_cache_flag_names[] = {
	{ "hwcache_align",   SHADOWMM_CACHE_HWCACHE_ALIGN },
	{ "red_zone",	     SHADOWMM_CACHE_RED_ZONE },
	{ "poison",	     SHADOWMM_CACHE_POISON },
	{ "store_user",	     SHADOWMM_CACHE_STORE_USER },
	{ "reclaim_account", SHADOWMM_CACHE_RECLAIM_ACCOUNT },
	{ "hardened",	     SHADOWMM_CACHE_HARDENED },
};

#define SMM_NR_CACHE_FLAGS	(sizeof(smm_cache_flag_names) / sizeof(smm_cache_flag_names[0]))

int smm_cache_flag(const char *name, uint32_t *flag)
{
	unsigned int i;

	for (i = 0; i < SMM_NR_CACHE_FLAGS; i++) {
		if (!strcasecmp(name, smm_cache_flag_names[i].name)) {
			*flag = smm_cache_flag_names[i].flag;
			return 0;
		}
	}
	return -EINVAL;
}

/* The name of flag bit @bit, or NULL. */
const char *smm_cache_flag_name(unsigned int bit)
{
	unsigned int i;

	for (i = 0; i < SMM_NR_CACHE_FLAGS; i++)
		if (smm_cache_flag_names[i].flag == 1U << bit)
			return smm_cache_flag_names[i].name;
	return NULL;
}

int smm_corrupt_kind(const char *name)
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

static const enum mnl_attr_data_type smm_cache_types[SHADOWMM_A_CACHE_MAX + 1] = {
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

static const struct smm_attr_policy smm_cache_policy = SMM_ATTR_POLICY(smm_cache_types);

int smm_cache_parse(const struct nlmsghdr *nlh, struct smm_cache *c)
{
	const struct nlattr *tb[SHADOWMM_A_CACHE_MAX + 1];

	memset(c, 0, sizeof(*c));
	if (smm_attr_parse(nlh, &smm_cache_policy, tb))
		return -EBADMSG;
	smm_attr_strcpy(c->name, sizeof(c->name), tb[SHADOWMM_A_CACHE_NAME], "?");
	c->id = smm_attr_u32(tb[SHADOWMM_A_CACHE_ID], 0);
	c->builtin = smm_attr_u8(tb[SHADOWMM_A_CACHE_BUILTIN], 0);
	c->object_size = smm_attr_u32(tb[SHADOWMM_A_CACHE_OBJECT_SIZE], 0);
	c->align = smm_attr_u32(tb[SHADOWMM_A_CACHE_ALIGN], 0);
	c->flags = smm_attr_u32(tb[SHADOWMM_A_CACHE_FLAGS], 0);
	c->size = smm_attr_u32(tb[SHADOWMM_A_CACHE_SIZE], 0);
	c->order = smm_attr_u32(tb[SHADOWMM_A_CACHE_ORDER], 0);
	c->objs_per_slab = smm_attr_u32(tb[SHADOWMM_A_CACHE_OBJS_PER_SLAB], 0);
	c->active_objs = smm_attr_u64(tb[SHADOWMM_A_CACHE_ACTIVE_OBJS], 0);
	c->num_objs = smm_attr_u64(tb[SHADOWMM_A_CACHE_NUM_OBJS], 0);
	c->num_slabs = smm_attr_u64(tb[SHADOWMM_A_CACHE_NUM_SLABS], 0);
	c->partial_slabs = smm_attr_u64(tb[SHADOWMM_A_CACHE_PARTIAL_SLABS], 0);
	c->full_slabs = smm_attr_u64(tb[SHADOWMM_A_CACHE_FULL_SLABS], 0);
	c->cpu_slabs = smm_attr_u64(tb[SHADOWMM_A_CACHE_CPU_SLABS], 0);
	c->alloc_fast = smm_attr_u64(tb[SHADOWMM_A_CACHE_ALLOC_FAST], 0);
	c->alloc_slow = smm_attr_u64(tb[SHADOWMM_A_CACHE_ALLOC_SLOW], 0);
	c->free_fast = smm_attr_u64(tb[SHADOWMM_A_CACHE_FREE_FAST], 0);
	c->free_slow = smm_attr_u64(tb[SHADOWMM_A_CACHE_FREE_SLOW], 0);
	c->alloc_fail = smm_attr_u64(tb[SHADOWMM_A_CACHE_ALLOC_FAIL], 0);
	c->slabs_alloc = smm_attr_u64(tb[SHADOWMM_A_CACHE_SLABS_ALLOC], 0);
	c->slabs_free = smm_attr_u64(tb[SHADOWMM_A_CACHE_SLABS_FREE], 0);
	c->errors = smm_attr_u64(tb[SHADOWMM_A_CACHE_ERRORS], 0);
	return 0;
}

struct smm_caches_ctx {
	struct smm_cache *v;
	size_t n, cap;
};

static int smm_cache_cb(const struct nlmsghdr *nlh, void *data)
{
	struct smm_caches_ctx *ctx = data;

	if (smm_array_reserve((void **)&ctx->v, &ctx->cap, ctx->n, sizeof(*ctx->v), 32))
		return MNL_CB_ERROR;	/* errno is ENOMEM */
	if (smm_cache_parse(nlh, &ctx->v[ctx->n]))
		return MNL_CB_ERROR;
	ctx->n++;
	return MNL_CB_OK;
}

/*
 * Every cache, in an array the caller frees; a dump that saw caches come
 * or go is retried. Returns 0, or -errno with nl->err saying why.
 */
int smm_caches_get(struct smm_nl *nl, struct smm_cache **caches, size_t *n)
{
	struct smm_caches_ctx ctx = { 0 };
	int tries = 0, ret;

	do {
		ctx.n = 0;
		ret = smm_nl_run(nl, smm_nl_request(nl, SHADOWMM_CMD_CACHE_GET, true),
				 smm_cache_cb, &ctx);
	} while (ret == SMM_NL_DUMP_INTR && ++tries < SMM_CACHE_DUMP_TRIES);
	if (ret) {
		free(ctx.v);
		ctx.v = NULL;
		ctx.n = 0;
	}
	*caches = ctx.v;
	*n = ctx.n;
	return ret;
}

int smm_cache_create(struct smm_nl *nl, const char *name, uint32_t size, uint32_t align,
		     uint32_t flags)
{
	struct nlmsghdr *nlh = smm_nl_request(nl, SHADOWMM_CMD_CACHE_CREATE, false);

	mnl_attr_put_strz(nlh, SHADOWMM_A_CACHE_NAME, name);
	mnl_attr_put_u32(nlh, SHADOWMM_A_CACHE_OBJECT_SIZE, size);
	if (align)
		mnl_attr_put_u32(nlh, SHADOWMM_A_CACHE_ALIGN, align);
	if (flags)
		mnl_attr_put_u32(nlh, SHADOWMM_A_CACHE_FLAGS, flags);
	return smm_nl_run(nl, nlh, NULL, NULL);
}

int smm_cache_destroy(struct smm_nl *nl, const char *name, bool force)
{
	struct nlmsghdr *nlh = smm_nl_request(nl, SHADOWMM_CMD_CACHE_DESTROY, false);

	mnl_attr_put_strz(nlh, SHADOWMM_A_CACHE_NAME, name);
	if (force)
		mnl_attr_put(nlh, SHADOWMM_A_CACHE_FORCE, 0, NULL);
	return smm_nl_run(nl, nlh, NULL, NULL);
}

struct smm_u64_ctx {
	int type;
	uint64_t v;
};

static int smm_cache_u64_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[SHADOWMM_A_CACHE_MAX + 1];
	struct smm_u64_ctx *ctx = data;

	if (smm_attr_parse(nlh, &smm_cache_policy, tb))
		return MNL_CB_ERROR;
	ctx->v = smm_attr_u64(tb[ctx->type], 0);
	return MNL_CB_OK;
}

/* A request naming a cache (or none), answered by one u64 attribute. */
static int smm_cache_u64_req(struct smm_nl *nl, uint8_t cmd, const char *name, int type,
			     uint64_t *v)
{
	struct nlmsghdr *nlh = smm_nl_request(nl, cmd, false);
	struct smm_u64_ctx ctx = { .type = type };
	int ret;

	if (name)
		mnl_attr_put_strz(nlh, SHADOWMM_A_CACHE_NAME, name);
	ret = smm_nl_run(nl, nlh, smm_cache_u64_cb, &ctx);
	*v = ctx.v;
	return ret;
}

int smm_cache_shrink(struct smm_nl *nl, const char *name, uint64_t *frames)
{
	return smm_cache_u64_req(nl, SHADOWMM_CMD_CACHE_SHRINK, name, SHADOWMM_A_CACHE_FREED,
				 frames);
}

int smm_cache_validate(struct smm_nl *nl, const char *name, uint64_t *problems)
{
	return smm_cache_u64_req(nl, SHADOWMM_CMD_CACHE_VALIDATE, name,
				 SHADOWMM_A_CACHE_PROBLEMS, problems);
}

struct smm_obj_handles_ctx {
	uint64_t *handles;
	uint32_t n, max;
};

static int smm_obj_handles_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[SHADOWMM_A_CACHE_MAX + 1], *a;
	struct smm_obj_handles_ctx *ctx = data;

	if (smm_attr_parse(nlh, &smm_cache_policy, tb) || !tb[SHADOWMM_A_CACHE_HANDLES])
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
int smm_obj_alloc(struct smm_nl *nl, const char *name, uint32_t count, uint64_t *handles,
		  uint32_t *n)
{
	struct smm_obj_handles_ctx ctx = { .handles = handles, .max = count };
	struct nlmsghdr *nlh = smm_nl_request(nl, SHADOWMM_CMD_OBJ_ALLOC, false);
	int ret;

	mnl_attr_put_strz(nlh, SHADOWMM_A_CACHE_NAME, name);
	mnl_attr_put_u32(nlh, SHADOWMM_A_CACHE_COUNT, count);
	ret = smm_nl_run(nl, nlh, smm_obj_handles_cb, &ctx);
	*n = ctx.n;
	return ret;
}

int smm_obj_free(struct smm_nl *nl, const char *name, const uint64_t *handles, uint32_t n,
		 uint64_t *freed)
{
	struct nlmsghdr *nlh = smm_nl_request(nl, SHADOWMM_CMD_OBJ_FREE, false);
	struct smm_u64_ctx ctx = { .type = SHADOWMM_A_CACHE_FREED };
	struct nlattr *nest;
	uint32_t i;
	int ret;

	mnl_attr_put_strz(nlh, SHADOWMM_A_CACHE_NAME, name);
	nest = mnl_attr_nest_start(nlh, SHADOWMM_A_CACHE_HANDLES);
	for (i = 0; i < n; i++)
		mnl_attr_put_u64(nlh, SHADOWMM_A_CACHE_HANDLE, handles[i]);
	mnl_attr_nest_end(nlh, nest);
	ret = smm_nl_run(nl, nlh, smm_cache_u64_cb, &ctx);
	*freed = ctx.v;
	return ret;
}

int smm_obj_corrupt(struct smm_nl *nl, const char *name, uint64_t handle, uint32_t kind)
{
	struct nlmsghdr *nlh = smm_nl_request(nl, SHADOWMM_CMD_OBJ_CORRUPT, false);

	mnl_attr_put_strz(nlh, SHADOWMM_A_CACHE_NAME, name);
	mnl_attr_put_u64(nlh, SHADOWMM_A_CACHE_HANDLE, handle);
	mnl_attr_put_u32(nlh, SHADOWMM_A_CACHE_CORRUPT, kind);
	return smm_nl_run(nl, nlh, NULL, NULL);
}
