// SPDX-License-Identifier: GPL-2.0
/* Growable arrays, the dumps that fill them, and tables of names. */
#include <errno.h>
#include <stdlib.h>
#include <strings.h>

#include "libsmm.h"

/*
 * Make room for element @n of *@v (elements of @size bytes, *@cap of
 * them allocated), doubling from @first. 0, or -ENOMEM with *@v intact.
 */
int smmc_array_reserve(void **v, size_t *cap, size_t n, size_t size, size_t first)
{
	size_t want;
	void *p;

	if (n < *cap)
		return 0;
	want = *cap ? 2 * *cap : first;
	p = realloc(*v, want * size);
	if (!p)
		return -ENOMEM;
	*v = p;
	*cap = want;
	return 0;
}

struct smmc_dump_ctx {
	const struct smmc_dump *d;
	char *v;
	size_t n, cap;
};

static int smmc_dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct smmc_dump_ctx *ctx = data;
	const struct smmc_dump *d = ctx->d;

	if (smmc_array_reserve((void **)&ctx->v, &ctx->cap, ctx->n, d->size, d->first)) {
		errno = ENOMEM;
		return MNL_CB_ERROR;
	}
	if (d->parse(nlh, ctx->v + ctx->n * d->size))
		return MNL_CB_ERROR;
	ctx->n++;
	return MNL_CB_OK;
}

/*
 * Dump @d->cmd, one element of *@v per message, into an array the caller
 * frees. A dump the kernel flagged NLM_F_DUMP_INTR (the objects changed
 * while it ran) is taken again from the start, @d->tries times in all.
 * Returns 0, or -errno with nl->err saying why, *@v NULL and *@n 0.
 */
int smmc_dump_array(struct smmc_nl *nl, const struct smmc_dump *d, void **v, size_t *n)
{
	struct smmc_dump_ctx ctx = { .d = d };
	unsigned int tries = 0;
	int ret;

	do {
		ctx.n = 0;
		ret = smmc_nl_run(nl, smmc_nl_request(nl, d->cmd, true), smmc_dump_cb, &ctx);
	} while (ret == SMMC_NL_DUMP_INTR && ++tries < d->tries);
	if (ret) {
		free(ctx.v);
		ctx.v = NULL;
		ctx.n = 0;
	}
	*v = ctx.v;
	*n = ctx.n;
	return ret;
}

/* The index of @name in @names (case-insensitive; NULL holes skipped), or -1. */
int smmc_name_index(const char *const *names, unsigned int n, const char *name)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (names[i] && !strcasecmp(name, names[i]))
			return i;
	return -1;
}

/* The flag named @name, @bits naming each bit in order: 0, or -EINVAL. */
int smmc_flag_by_name(const char *const *bits, unsigned int n, const char *name, uint32_t *flag)
{
	int bit = smmc_name_index(bits, n, name);

	if (bit < 0)
		return -EINVAL;
	*flag = 1U << bit;
	return 0;
}
