// SPDX-License-Identifier: GPL-2.0
/* SPACE_CREATE, _MAP, _UNMAP, _TRANSLATE, _DESTROY and SPACE_GET. */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "libsmm.h"

static const struct {
	const char *name;
	uint32_t prot;
} smm_prot_names[] = {
	{ "write",  SHADOWMM_PROT_WRITE },
	{ "user",   SHADOWMM_PROT_USER },
	{ "exec",   SHADOWMM_PROT_EXEC },
	{ "global", SHADOWMM_PROT_GLOBAL },
	{ "none",   SHADOWMM_PROT_NONE },
};

int smm_prot_flag(const char *name, uint32_t *prot)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(smm_prot_names); i++) {
		if (!strcasecmp(name, smm_prot_names[i].name)) {
			*prot = smm_prot_names[i].prot;
			return 0;
		}
	}
	return -EINVAL;
}

static const enum mnl_attr_data_type smm_space_types[SHADOWMM_A_SPACE_MAX + 1] = {
	[SHADOWMM_A_SPACE_ID]		= MNL_TYPE_U32,
	[SHADOWMM_A_SPACE_LEVELS]	= MNL_TYPE_U32,
	[SHADOWMM_A_SPACE_PAGE_SIZE]	= MNL_TYPE_U32,
	[SHADOWMM_A_SPACE_TABLES]	= MNL_TYPE_NESTED,
	[SHADOWMM_A_SPACE_MAPPED]	= MNL_TYPE_NESTED,
	[SHADOWMM_A_SPACE_PFN]		= MNL_TYPE_U64,
	[SHADOWMM_A_SPACE_PHYS]		= MNL_TYPE_U64,
	[SHADOWMM_A_SPACE_FLAGS]	= MNL_TYPE_U32,
	[SHADOWMM_A_SPACE_FRAMES]	= MNL_TYPE_U64,
};

static const struct smm_attr_policy smm_space_policy = SMM_ATTR_POLICY(smm_space_types);

static int smm_space_id_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[SHADOWMM_A_SPACE_MAX + 1];

	if (smm_attr_parse(nlh, &smm_space_policy, tb) || !tb[SHADOWMM_A_SPACE_ID])
		return MNL_CB_ERROR;
	*(uint32_t *)data = mnl_attr_get_u32(tb[SHADOWMM_A_SPACE_ID]);
	return MNL_CB_OK;
}

int smm_space_create(struct smm_nl *nl, uint32_t levels, uint32_t *id)
{
	struct nlmsghdr *nlh = smm_nl_request(nl, SHADOWMM_CMD_SPACE_CREATE, false);

	*id = 0;
	if (levels)
		mnl_attr_put_u32(nlh, SHADOWMM_A_SPACE_LEVELS, levels);
	return smm_nl_run(nl, nlh, smm_space_id_cb, id);
}

static struct nlmsghdr *smm_space_range_req(struct smm_nl *nl, uint8_t cmd,
					    const struct smm_space_range *r)
{
	struct nlmsghdr *nlh = smm_nl_request(nl, cmd, false);

	mnl_attr_put_u32(nlh, SHADOWMM_A_SPACE_ID, r->id);
	mnl_attr_put_u64(nlh, SHADOWMM_A_SPACE_ADDR, r->addr);
	mnl_attr_put_u64(nlh, SHADOWMM_A_SPACE_PAGES, r->pages);
	mnl_attr_put_u32(nlh, SHADOWMM_A_SPACE_PAGE_SIZE, r->page_shift);
	return nlh;
}

int smm_space_map(struct smm_nl *nl, const struct smm_space_range *r, uint32_t prot)
{
	struct nlmsghdr *nlh = smm_space_range_req(nl, SHADOWMM_CMD_SPACE_MAP, r);

	mnl_attr_put_u32(nlh, SHADOWMM_A_SPACE_PROT, prot);
	return smm_nl_run(nl, nlh, NULL, NULL);
}

int smm_space_unmap(struct smm_nl *nl, const struct smm_space_range *r)
{
	return smm_nl_run(nl, smm_space_range_req(nl, SHADOWMM_CMD_SPACE_UNMAP, r), NULL, NULL);
}

static int smm_xlate_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[SHADOWMM_A_SPACE_MAX + 1];
	struct smm_space_xlate *x = data;

	if (smm_attr_parse(nlh, &smm_space_policy, tb))
		return MNL_CB_ERROR;
	x->flags = smm_attr_u32(tb[SHADOWMM_A_SPACE_FLAGS], 0);
	x->page_shift = smm_attr_u32(tb[SHADOWMM_A_SPACE_PAGE_SIZE], 0);
	x->has_pfn = tb[SHADOWMM_A_SPACE_PFN] != NULL;
	x->pfn = smm_attr_u64(tb[SHADOWMM_A_SPACE_PFN], 0);
	x->phys = smm_attr_u64(tb[SHADOWMM_A_SPACE_PHYS], 0);
	return MNL_CB_OK;
}

int smm_space_translate(struct smm_nl *nl, uint32_t id, uint64_t addr, struct smm_space_xlate *x)
{
	struct nlmsghdr *nlh = smm_nl_request(nl, SHADOWMM_CMD_SPACE_TRANSLATE, false);

	memset(x, 0, sizeof(*x));
	mnl_attr_put_u32(nlh, SHADOWMM_A_SPACE_ID, id);
	mnl_attr_put_u64(nlh, SHADOWMM_A_SPACE_ADDR, addr);
	return smm_nl_run(nl, nlh, smm_xlate_cb, x);
}

int smm_space_destroy(struct smm_nl *nl, uint32_t id)
{
	struct nlmsghdr *nlh = smm_nl_request(nl, SHADOWMM_CMD_SPACE_DESTROY, false);

	mnl_attr_put_u32(nlh, SHADOWMM_A_SPACE_ID, id);
	return smm_nl_run(nl, nlh, NULL, NULL);
}

struct smm_spaces_ctx {
	struct smm_space_info *v;
	size_t n, cap;
};

static int smm_spaces_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[SHADOWMM_A_SPACE_MAX + 1];
	struct smm_spaces_ctx *ctx = data;
	struct smm_space_info *s;

	if (smm_attr_parse(nlh, &smm_space_policy, tb))
		return MNL_CB_ERROR;
	if (smm_array_reserve((void **)&ctx->v, &ctx->cap, ctx->n, sizeof(*ctx->v), 8)) {
		errno = ENOMEM;
		return MNL_CB_ERROR;
	}
	s = &ctx->v[ctx->n++];
	memset(s, 0, sizeof(*s));
	s->id = smm_attr_u32(tb[SHADOWMM_A_SPACE_ID], 0);
	s->levels = smm_attr_u32(tb[SHADOWMM_A_SPACE_LEVELS], 0);
	s->frames = smm_attr_u64(tb[SHADOWMM_A_SPACE_FRAMES], 0);
	if (tb[SHADOWMM_A_SPACE_TABLES])
		smm_attr_u64_array(tb[SHADOWMM_A_SPACE_TABLES], s->tables, SMM_PT_LEVELS);
	if (tb[SHADOWMM_A_SPACE_MAPPED])
		smm_attr_u64_array(tb[SHADOWMM_A_SPACE_MAPPED], s->mapped, SMM_SPACE_SIZES);
	return MNL_CB_OK;
}

/* Every space, into a malloc'ed *@v the caller frees. */
int smm_spaces_get(struct smm_nl *nl, struct smm_space_info **v, size_t *n)
{
	struct smm_spaces_ctx ctx = { 0 };
	int ret;

	ret = smm_nl_run(nl, smm_nl_request(nl, SHADOWMM_CMD_SPACE_GET, true), smm_spaces_cb, &ctx);
	*v = ctx.v;
	*n = ctx.n;
	return ret;
}
