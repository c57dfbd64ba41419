// SPDX-License-Identifier: GPL-2.0
/*
 * Shadow processes: SPACE_MMAP, _MUNMAP, _ACCESS, the SPACE_VMA_GET dump,
 * a space's process counters from the SPACE_GET dump, and SPACE_SET.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "libsmm.h"

static const enum mnl_attr_data_type smmc_vma_types[SHADOWMM_A_SPACE_MAX + 1] = {
	[SHADOWMM_A_SPACE_ID]		= MNL_TYPE_U32,
	[SHADOWMM_A_SPACE_ADDR]		= MNL_TYPE_U64,
	[SHADOWMM_A_SPACE_LEN]		= MNL_TYPE_U64,
	[SHADOWMM_A_SPACE_PROT]		= MNL_TYPE_U32,
	[SHADOWMM_A_SPACE_FRAMES]	= MNL_TYPE_U64,
	[SHADOWMM_A_SPACE_CSUM]		= MNL_TYPE_U64,
	[SHADOWMM_A_SPACE_TOUCHED]	= MNL_TYPE_U64,
	[SHADOWMM_A_SPACE_FAULTS]	= MNL_TYPE_U64,
	[SHADOWMM_A_SPACE_SIGNAL]	= MNL_TYPE_U32,
	[SHADOWMM_A_SPACE_FAULT_ADDR]	= MNL_TYPE_U64,
	[SHADOWMM_A_SPACE_REASON]	= MNL_TYPE_NUL_STRING,
	[SHADOWMM_A_SPACE_RSS_ANON]	= MNL_TYPE_U64,
	[SHADOWMM_A_SPACE_MIN_FLT]	= MNL_TYPE_U64,
	[SHADOWMM_A_SPACE_MAJ_FLT]	= MNL_TYPE_U64,
	[SHADOWMM_A_SPACE_NR_VMAS]	= MNL_TYPE_U32,
	[SHADOWMM_A_SPACE_VMA_KIND]	= MNL_TYPE_U32,
	[SHADOWMM_A_SPACE_PGFAULT]	= MNL_TYPE_U64,
	[SHADOWMM_A_SPACE_SWAP]		= MNL_TYPE_U64,
	[SHADOWMM_A_SPACE_OOM_SCORE_ADJ] = MNL_TYPE_U32,
	[SHADOWMM_A_SPACE_OOM_KILLED]	= MNL_TYPE_FLAG,
	[SHADOWMM_A_SPACE_FILE]		= MNL_TYPE_U32,
	[SHADOWMM_A_SPACE_OFFSET]	= MNL_TYPE_U64,
	[SHADOWMM_A_SPACE_SHARED]	= MNL_TYPE_FLAG,
	[SHADOWMM_A_SPACE_RSS_FILE]	= MNL_TYPE_U64,
	[SHADOWMM_A_SPACE_COW_FAULTS]	= MNL_TYPE_U64,
	[SHADOWMM_A_SPACE_COW_REUSE]	= MNL_TYPE_U64,
	[SHADOWMM_A_SPACE_LONGTERM]	= MNL_TYPE_FLAG,
	[SHADOWMM_A_SPACE_PINNED]	= MNL_TYPE_U64,
	[SHADOWMM_A_SPACE_MIGRATED]	= MNL_TYPE_U64,
};

static const struct smmc_attr_policy smmc_vma_policy = SMMC_ATTR_POLICY(smmc_vma_types);

/*
 * "rwx" as /proc/PID/maps prints it, each letter or '-': write and exec
 * imply read (x86 and arm64 cannot do otherwise), "---" is PROT_NONE.
 */
int smmc_vma_prot_parse(const char *s, uint32_t *prot)
{
	if (strlen(s) != 3 || (s[0] != 'r' && s[0] != '-') || (s[1] != 'w' && s[1] != '-') ||
	    (s[2] != 'x' && s[2] != '-'))
		return -EINVAL;
	if (s[0] == '-' && (s[1] == 'w' || s[2] == 'x'))
		return -EINVAL;		/* no write-only or exec-only mappings */
	*prot = s[0] == '-' ? SHADOWMM_PROT_NONE : 0;
	if (s[1] == 'w')
		*prot |= SHADOWMM_PROT_WRITE;
	if (s[2] == 'x')
		*prot |= SHADOWMM_PROT_EXEC;
	return 0;
}

/* The /proc/PID/maps letters of @prot, into @buf (4 bytes or more). */
const char *smmc_vma_prot_str(uint32_t prot, char *buf)
{
	bool none = prot & SHADOWMM_PROT_NONE;

	buf[0] = none ? '-' : 'r';
	buf[1] = prot & SHADOWMM_PROT_WRITE ? 'w' : '-';
	buf[2] = prot & SHADOWMM_PROT_EXEC ? 'x' : '-';
	buf[3] = '\0';
	return buf;
}

static struct nlmsghdr *smmc_vma_req(struct smmc_nl *nl, uint8_t cmd, uint32_t id,
				     uint64_t addr, uint64_t len)
{
	struct nlmsghdr *nlh = smmc_nl_request(nl, cmd, false);

	mnl_attr_put_u32(nlh, SHADOWMM_A_SPACE_ID, id);
	mnl_attr_put_u64(nlh, SHADOWMM_A_SPACE_ADDR, addr);
	mnl_attr_put_u64(nlh, SHADOWMM_A_SPACE_LEN, len);
	return nlh;
}

int smmc_space_mmap(struct smmc_nl *nl, uint32_t id, uint64_t addr, uint64_t len, uint32_t prot)
{
	struct nlmsghdr *nlh = smmc_vma_req(nl, SHADOWMM_CMD_SPACE_MMAP, id, addr, len);

	mnl_attr_put_u32(nlh, SHADOWMM_A_SPACE_PROT, prot);
	return smmc_nl_run(nl, nlh, NULL, NULL);
}

/* mmap of FILE_OPEN's file @f->file from @f->offset, MAP_SHARED or MAP_PRIVATE. */
int smmc_space_mmap_file(struct smmc_nl *nl, uint32_t id, uint64_t addr, uint64_t len,
			 uint32_t prot, const struct smmc_mmap_file *f)
{
	struct nlmsghdr *nlh = smmc_vma_req(nl, SHADOWMM_CMD_SPACE_MMAP, id, addr, len);

	mnl_attr_put_u32(nlh, SHADOWMM_A_SPACE_PROT, prot);
	mnl_attr_put_u32(nlh, SHADOWMM_A_SPACE_FILE, f->file);
	mnl_attr_put_u64(nlh, SHADOWMM_A_SPACE_OFFSET, f->offset);
	if (f->shared)
		mnl_attr_put(nlh, SHADOWMM_A_SPACE_SHARED, 0, NULL);
	return smmc_nl_run(nl, nlh, NULL, NULL);
}

int smmc_space_munmap(struct smmc_nl *nl, uint32_t id, uint64_t addr, uint64_t len)
{
	return smmc_nl_run(nl, smmc_vma_req(nl, SHADOWMM_CMD_SPACE_MUNMAP, id, addr, len),
			   NULL, NULL);
}

static int smmc_access_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[SHADOWMM_A_SPACE_MAX + 1];
	struct smmc_access_res *r = data;

	if (smmc_attr_parse(nlh, &smmc_vma_policy, tb))
		return MNL_CB_ERROR;
	r->touched = smmc_attr_u64(tb[SHADOWMM_A_SPACE_TOUCHED], 0);
	r->faults = smmc_attr_u64(tb[SHADOWMM_A_SPACE_FAULTS], 0);
	r->csum = smmc_attr_u64(tb[SHADOWMM_A_SPACE_CSUM], 0);
	r->signal = smmc_attr_u32(tb[SHADOWMM_A_SPACE_SIGNAL], 0);
	r->fault_addr = smmc_attr_u64(tb[SHADOWMM_A_SPACE_FAULT_ADDR], 0);
	smmc_attr_strcpy(r->reason, sizeof(r->reason), tb[SHADOWMM_A_SPACE_REASON], "");
	return MNL_CB_OK;
}

/* One access; a fault that stopped it is in @res (signal), not an error. */
int smmc_space_access(struct smmc_nl *nl, const struct smmc_access_req *req,
		      struct smmc_access_res *res)
{
	struct nlmsghdr *nlh = smmc_vma_req(nl, SHADOWMM_CMD_SPACE_ACCESS, req->id, req->addr,
					    req->len);

	memset(res, 0, sizeof(*res));
	if (req->write)
		mnl_attr_put(nlh, SHADOWMM_A_SPACE_WRITE, 0, NULL);
	if (req->has_value)
		mnl_attr_put_u64(nlh, SHADOWMM_A_SPACE_VALUE, req->value);
	return smmc_nl_run(nl, nlh, smmc_access_cb, res);
}

struct smmc_vmas_ctx {
	struct smmc_vma *v;
	size_t n, cap;
};

static int smmc_vmas_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[SHADOWMM_A_SPACE_MAX + 1];
	struct smmc_vmas_ctx *ctx = data;
	struct smmc_vma *v;

	if (smmc_attr_parse(nlh, &smmc_vma_policy, tb))
		return MNL_CB_ERROR;
	if (smmc_array_reserve((void **)&ctx->v, &ctx->cap, ctx->n, sizeof(*ctx->v), 16)) {
		errno = ENOMEM;
		return MNL_CB_ERROR;
	}
	v = &ctx->v[ctx->n++];
	v->start = smmc_attr_u64(tb[SHADOWMM_A_SPACE_ADDR], 0);
	v->end = v->start + smmc_attr_u64(tb[SHADOWMM_A_SPACE_LEN], 0);
	v->prot = smmc_attr_u32(tb[SHADOWMM_A_SPACE_PROT], 0);
	v->kind = smmc_attr_u32(tb[SHADOWMM_A_SPACE_VMA_KIND], 0);
	v->file = smmc_attr_u32(tb[SHADOWMM_A_SPACE_FILE], 0);
	v->offset = smmc_attr_u64(tb[SHADOWMM_A_SPACE_OFFSET], 0);
	v->shared = tb[SHADOWMM_A_SPACE_SHARED] != NULL;
	return MNL_CB_OK;
}

/* The VMAs of space @id, in address order, into a malloc'ed *@v the caller frees. */
int smmc_space_vmas(struct smmc_nl *nl, uint32_t id, struct smmc_vma **v, size_t *n)
{
	struct nlmsghdr *nlh = smmc_nl_request(nl, SHADOWMM_CMD_SPACE_VMA_GET, true);
	struct smmc_vmas_ctx ctx = { 0 };
	int ret;

	mnl_attr_put_u32(nlh, SHADOWMM_A_SPACE_ID, id);
	ret = smmc_nl_run(nl, nlh, smmc_vmas_cb, &ctx);
	*v = ctx.v;
	*n = ctx.n;
	return ret;
}

static int smmc_space_vm_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[SHADOWMM_A_SPACE_MAX + 1];
	struct smmc_space_vm *vm = data;

	if (smmc_attr_parse(nlh, &smmc_vma_policy, tb))
		return MNL_CB_ERROR;
	if (smmc_attr_u32(tb[SHADOWMM_A_SPACE_ID], 0) != vm->id)
		return MNL_CB_OK;
	vm->found = true;
	vm->frames = smmc_attr_u64(tb[SHADOWMM_A_SPACE_FRAMES], 0);
	vm->rss_anon = smmc_attr_u64(tb[SHADOWMM_A_SPACE_RSS_ANON], 0);
	vm->rss_file = smmc_attr_u64(tb[SHADOWMM_A_SPACE_RSS_FILE], 0);
	vm->min_flt = smmc_attr_u64(tb[SHADOWMM_A_SPACE_MIN_FLT], 0);
	vm->maj_flt = smmc_attr_u64(tb[SHADOWMM_A_SPACE_MAJ_FLT], 0);
	vm->cow_faults = smmc_attr_u64(tb[SHADOWMM_A_SPACE_COW_FAULTS], 0);
	vm->cow_reuse = smmc_attr_u64(tb[SHADOWMM_A_SPACE_COW_REUSE], 0);
	vm->nr_vmas = smmc_attr_u32(tb[SHADOWMM_A_SPACE_NR_VMAS], 0);
	vm->pinned = smmc_attr_u64(tb[SHADOWMM_A_SPACE_PINNED], 0);
	vm->pgfault = smmc_attr_u64(tb[SHADOWMM_A_SPACE_PGFAULT], 0);
	vm->swap = smmc_attr_u64(tb[SHADOWMM_A_SPACE_SWAP], 0);
	vm->oom_score_adj = (int32_t)smmc_attr_u32(tb[SHADOWMM_A_SPACE_OOM_SCORE_ADJ], 0);
	vm->oom_killed = tb[SHADOWMM_A_SPACE_OOM_KILLED] != NULL;
	return MNL_CB_OK;
}

/* Space @id's process counters (SPACE_GET); -ENOENT if there is no such space. */
int smmc_space_vm_get(struct smmc_nl *nl, uint32_t id, struct smmc_space_vm *vm)
{
	int ret;

	memset(vm, 0, sizeof(*vm));
	vm->id = id;
	ret = smmc_nl_run(nl, smmc_nl_request(nl, SHADOWMM_CMD_SPACE_GET, true),
			  smmc_space_vm_cb, vm);
	if (!ret && !vm->found) {
		snprintf(nl->err, sizeof(nl->err), "no such space");
		errno = ENOENT;
		return -ENOENT;
	}
	return ret;
}

/* SPACE_SET: space @id's oom_score_adj (-1000..1000; the module checks). */
int smmc_space_set_oom_score_adj(struct smmc_nl *nl, uint32_t id, int32_t adj)
{
	struct nlmsghdr *nlh = smmc_nl_request(nl, SHADOWMM_CMD_SPACE_SET, false);

	mnl_attr_put_u32(nlh, SHADOWMM_A_SPACE_ID, id);
	mnl_attr_put_u32(nlh, SHADOWMM_A_SPACE_OOM_SCORE_ADJ, (uint32_t)adj);
	return smmc_nl_run(nl, nlh, NULL, NULL);
}

static int smmc_pin_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[SHADOWMM_A_SPACE_MAX + 1];
	struct smmc_pin_res *r = data;

	if (smmc_attr_parse(nlh, &smmc_vma_policy, tb))
		return MNL_CB_ERROR;
	r->pinned = smmc_attr_u64(tb[SHADOWMM_A_SPACE_PINNED], 0);
	r->faulted = smmc_attr_u64(tb[SHADOWMM_A_SPACE_FAULTS], 0);
	r->migrated = smmc_attr_u64(tb[SHADOWMM_A_SPACE_MIGRATED], 0);
	return MNL_CB_OK;
}

/* SPACE_PIN: pin_user_pages() of a range, for writing and/or long-term. */
int smmc_space_pin(struct smmc_nl *nl, const struct smmc_pin_req *req, struct smmc_pin_res *res)
{
	struct nlmsghdr *nlh = smmc_vma_req(nl, SHADOWMM_CMD_SPACE_PIN, req->id, req->addr,
					    req->len);

	memset(res, 0, sizeof(*res));
	if (req->write)
		mnl_attr_put(nlh, SHADOWMM_A_SPACE_WRITE, 0, NULL);
	if (req->longterm)
		mnl_attr_put(nlh, SHADOWMM_A_SPACE_LONGTERM, 0, NULL);
	return smmc_nl_run(nl, nlh, smmc_pin_cb, res);
}

/* SPACE_UNPIN: one pin of each page of the range dropped (all or none). */
int smmc_space_unpin(struct smmc_nl *nl, uint32_t id, uint64_t addr, uint64_t len)
{
	return smmc_nl_run(nl, smmc_vma_req(nl, SHADOWMM_CMD_SPACE_UNPIN, id, addr, len),
			   NULL, NULL);
}
