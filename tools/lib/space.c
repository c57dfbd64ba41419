// SPDX-License-Identifier: GPL-2.0
/* SPACE_CREATE, _MAP, _UNMAP, _TRANSLATE, _DESTROY and SPACE_GET. */
#include <errno.h>
#include <string.h>

#include "libsmm.h"

/* The PROT flags' names, bit by bit. */
static const char *const smmc_prot_bits[] = { "write", "user", "exec", "global", "none" };

_Static_assert((1U << ARRAY_SIZE(smmc_prot_bits)) - 1 == SHADOWMM_PROT_ALL, "a name per PROT bit");

int smmc_prot_flag(const char *name, uint32_t *prot)
{
	return smmc_flag_by_name(smmc_prot_bits, ARRAY_SIZE(smmc_prot_bits), name, prot);
}

static const enum mnl_attr_data_type smmc_space_types[SHADOWMM_A_SPACE_MAX + 1] = {
	[SHADOWMM_A_SPACE_ID]		= MNL_TYPE_U32,
	[SHADOWMM_A_SPACE_LEVELS]	= MNL_TYPE_U32,
	[SHADOWMM_A_SPACE_PAGE_SIZE]	= MNL_TYPE_U32,
	[SHADOWMM_A_SPACE_TABLES]	= MNL_TYPE_NESTED,
	[SHADOWMM_A_SPACE_MAPPED]	= MNL_TYPE_NESTED,
	[SHADOWMM_A_SPACE_PFN]		= MNL_TYPE_U64,
	[SHADOWMM_A_SPACE_PHYS]		= MNL_TYPE_U64,
	[SHADOWMM_A_SPACE_FLAGS]	= MNL_TYPE_U32,
	[SHADOWMM_A_SPACE_FRAMES]	= MNL_TYPE_U64,
	[SHADOWMM_A_SPACE_RSS_ANON]	= MNL_TYPE_U64,
	[SHADOWMM_A_SPACE_NR_VMAS]	= MNL_TYPE_U32,
	[SHADOWMM_A_SPACE_SWAP]		= MNL_TYPE_U64,
};

static const struct smmc_attr_policy smmc_space_policy = SMMC_ATTR_POLICY(smmc_space_types);

static int smmc_space_id_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[SHADOWMM_A_SPACE_MAX + 1];

	if (smmc_attr_parse(nlh, &smmc_space_policy, tb) || !tb[SHADOWMM_A_SPACE_ID])
		return MNL_CB_ERROR;
	*(uint32_t *)data = mnl_attr_get_u32(tb[SHADOWMM_A_SPACE_ID]);
	return MNL_CB_OK;
}

int smmc_space_create(struct smmc_nl *nl, uint32_t levels, uint32_t *id)
{
	struct nlmsghdr *nlh = smmc_nl_request(nl, SHADOWMM_CMD_SPACE_CREATE, false);

	*id = 0;
	if (levels)
		mnl_attr_put_u32(nlh, SHADOWMM_A_SPACE_LEVELS, levels);
	return smmc_nl_run(nl, nlh, smmc_space_id_cb, id);
}

/* SPACE_FORK: space @parent forked, the child's id in *@id. */
int smmc_space_fork(struct smmc_nl *nl, uint32_t parent, uint32_t *id)
{
	struct nlmsghdr *nlh = smmc_nl_request(nl, SHADOWMM_CMD_SPACE_FORK, false);

	*id = 0;
	mnl_attr_put_u32(nlh, SHADOWMM_A_SPACE_ID, parent);
	return smmc_nl_run(nl, nlh, smmc_space_id_cb, id);
}

static struct nlmsghdr *smmc_space_range_req(struct smmc_nl *nl, uint8_t cmd,
					     const struct smmc_space_range *r)
{
	struct nlmsghdr *nlh = smmc_nl_request(nl, cmd, false);

	mnl_attr_put_u32(nlh, SHADOWMM_A_SPACE_ID, r->id);
	mnl_attr_put_u64(nlh, SHADOWMM_A_SPACE_ADDR, r->addr);
	mnl_attr_put_u64(nlh, SHADOWMM_A_SPACE_PAGES, r->pages);
	mnl_attr_put_u32(nlh, SHADOWMM_A_SPACE_PAGE_SIZE, r->page_shift);
	return nlh;
}

int smmc_space_map(struct smmc_nl *nl, const struct smmc_space_range *r, uint32_t prot)
{
	struct nlmsghdr *nlh = smmc_space_range_req(nl, SHADOWMM_CMD_SPACE_MAP, r);

	mnl_attr_put_u32(nlh, SHADOWMM_A_SPACE_PROT, prot);
	return smmc_nl_run(nl, nlh, NULL, NULL);
}

int smmc_space_unmap(struct smmc_nl *nl, const struct smmc_space_range *r)
{
	return smmc_nl_run(nl, smmc_space_range_req(nl, SHADOWMM_CMD_SPACE_UNMAP, r), NULL, NULL);
}

static int smmc_xlate_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[SHADOWMM_A_SPACE_MAX + 1];
	struct smmc_space_xlate *x = data;

	if (smmc_attr_parse(nlh, &smmc_space_policy, tb))
		return MNL_CB_ERROR;
	x->flags = smmc_attr_u32(tb[SHADOWMM_A_SPACE_FLAGS], 0);
	x->page_shift = smmc_attr_u32(tb[SHADOWMM_A_SPACE_PAGE_SIZE], 0);
	x->has_pfn = tb[SHADOWMM_A_SPACE_PFN] != NULL;
	x->pfn = smmc_attr_u64(tb[SHADOWMM_A_SPACE_PFN], 0);
	x->phys = smmc_attr_u64(tb[SHADOWMM_A_SPACE_PHYS], 0);
	return MNL_CB_OK;
}

int smmc_space_translate(struct smmc_nl *nl, uint32_t id, uint64_t addr, struct smmc_space_xlate *x)
{
	struct nlmsghdr *nlh = smmc_nl_request(nl, SHADOWMM_CMD_SPACE_TRANSLATE, false);

	memset(x, 0, sizeof(*x));
	mnl_attr_put_u32(nlh, SHADOWMM_A_SPACE_ID, id);
	mnl_attr_put_u64(nlh, SHADOWMM_A_SPACE_ADDR, addr);
	return smmc_nl_run(nl, nlh, smmc_xlate_cb, x);
}

int smmc_space_destroy(struct smmc_nl *nl, uint32_t id)
{
	struct nlmsghdr *nlh = smmc_nl_request(nl, SHADOWMM_CMD_SPACE_DESTROY, false);

	mnl_attr_put_u32(nlh, SHADOWMM_A_SPACE_ID, id);
	return smmc_nl_run(nl, nlh, NULL, NULL);
}

struct smmc_spaces_ctx {
	struct smmc_space_info *v;
	size_t n, cap;
};

static int smmc_spaces_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[SHADOWMM_A_SPACE_MAX + 1];
	struct smmc_spaces_ctx *ctx = data;
	struct smmc_space_info *s;

	if (smmc_attr_parse(nlh, &smmc_space_policy, tb))
		return MNL_CB_ERROR;
	if (smmc_array_reserve((void **)&ctx->v, &ctx->cap, ctx->n, sizeof(*ctx->v), 8)) {
		errno = ENOMEM;
		return MNL_CB_ERROR;
	}
	s = &ctx->v[ctx->n++];
	memset(s, 0, sizeof(*s));
	s->id = smmc_attr_u32(tb[SHADOWMM_A_SPACE_ID], 0);
	s->levels = smmc_attr_u32(tb[SHADOWMM_A_SPACE_LEVELS], 0);
	s->frames = smmc_attr_u64(tb[SHADOWMM_A_SPACE_FRAMES], 0);
	if (tb[SHADOWMM_A_SPACE_TABLES])
		smmc_attr_u64_array(tb[SHADOWMM_A_SPACE_TABLES], s->tables, SMMC_PT_LEVELS);
	if (tb[SHADOWMM_A_SPACE_MAPPED])
		smmc_attr_u64_array(tb[SHADOWMM_A_SPACE_MAPPED], s->mapped, SMMC_SPACE_SIZES);
	s->rss_anon = smmc_attr_u64(tb[SHADOWMM_A_SPACE_RSS_ANON], 0);
	s->swap = smmc_attr_u64(tb[SHADOWMM_A_SPACE_SWAP], 0);
	s->nr_vmas = smmc_attr_u32(tb[SHADOWMM_A_SPACE_NR_VMAS], 0);
	return MNL_CB_OK;
}

/* Every space, into a malloc'ed *@v the caller frees. */
int smmc_spaces_get(struct smmc_nl *nl, struct smmc_space_info **v, size_t *n)
{
	struct smmc_spaces_ctx ctx = { 0 };
	int ret;

	ret = smmc_nl_run(nl, smmc_nl_request(nl, SHADOWMM_CMD_SPACE_GET, true), smmc_spaces_cb, &ctx);
	*v = ctx.v;
	*n = ctx.n;
	return ret;
}
