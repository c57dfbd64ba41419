// SPDX-License-Identifier: GPL-2.0
/*
 * The shadow page cache over real files: FILE_OPEN, FILE_READ, the
 * FILE_GET dump (one message per file), FILE_CLOSE and FILE_SYNC.
 */
#include <errno.h>
#include <string.h>

#include "libsmm.h"

static const struct smmc_attr_field smmc_file_fields[SHADOWMM_A_FILE_MAX + 1] = {
	[SHADOWMM_A_FILE_ID]		= SMMC_ATTR_U32(struct smmc_file, id),
	[SHADOWMM_A_FILE_PATH]		= SMMC_ATTR_STR(struct smmc_file, path),
	[SHADOWMM_A_FILE_SIZE]		= SMMC_ATTR_U64(struct smmc_file, size),
	[SHADOWMM_A_FILE_HITS]		= SMMC_ATTR_U64(struct smmc_file, hits),
	[SHADOWMM_A_FILE_MISSES]	= SMMC_ATTR_U64(struct smmc_file, misses),
	[SHADOWMM_A_FILE_NRPAGES]	= SMMC_ATTR_U64(struct smmc_file, nrpages),
	[SHADOWMM_A_FILE_RA_PAGES]	= SMMC_ATTR_U32(struct smmc_file, ra_pages),
	[SHADOWMM_A_FILE_RA_SIZE]	= SMMC_ATTR_U32(struct smmc_file, ra_size),
	[SHADOWMM_A_FILE_RA_READ]	= SMMC_ATTR_U64(struct smmc_file, ra_read),
	[SHADOWMM_A_FILE_RA_HITS]	= SMMC_ATTR_U64(struct smmc_file, ra_hits),
	[SHADOWMM_A_FILE_RA_WASTED]	= SMMC_ATTR_U64(struct smmc_file, ra_wasted),
	[SHADOWMM_A_FILE_MAPPINGS]	= SMMC_ATTR_U32(struct smmc_file, mappings),
	[SHADOWMM_A_FILE_DIRTY]		= SMMC_ATTR_U64(struct smmc_file, dirty),
	[SHADOWMM_A_FILE_WRITTEN]	= SMMC_ATTR_U64(struct smmc_file, written),
	[SHADOWMM_A_FILE_STORED]	= SMMC_ATTR_U64(struct smmc_file, stored),
	[SHADOWMM_A_FILE_MAPPED]	= SMMC_ATTR_U64(struct smmc_file, mapped),
};

static const struct smmc_attr_policy smmc_file_policy = SMMC_ATTR_FIELDS(smmc_file_fields);

static const enum mnl_attr_data_type smmc_file_read_types[SHADOWMM_A_FILE_MAX + 1] = {
	[SHADOWMM_A_FILE_DATA]		= MNL_TYPE_BINARY,
	[SHADOWMM_A_FILE_HITS]		= MNL_TYPE_U64,
	[SHADOWMM_A_FILE_MISSES]	= MNL_TYPE_U64,
	[SHADOWMM_A_FILE_RA_HITS]	= MNL_TYPE_U64,
};

static const struct smmc_attr_policy smmc_file_read_policy = SMMC_ATTR_POLICY(smmc_file_read_types);

static const enum mnl_attr_data_type smmc_file_sync_types[SHADOWMM_A_FILE_MAX + 1] = {
	[SHADOWMM_A_FILE_WRITTEN]	= MNL_TYPE_U64,
};

static const struct smmc_attr_policy smmc_file_sync_policy = SMMC_ATTR_POLICY(smmc_file_sync_types);

/* One FILE_GET or FILE_OPEN message into the record at @data. */
static int smmc_file_one_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[SHADOWMM_A_FILE_MAX + 1];

	if (smmc_attr_parse(nlh, &smmc_file_policy, tb))
		return MNL_CB_ERROR;
	smmc_attr_store(tb, &smmc_file_policy, data);
	return MNL_CB_OK;
}

/*
 * @path opened read-only by the module, its largest readahead window
 * @ra_pages (SMMC_FILE_RA_DEFAULT: the module's default): its id and
 * size in @f.
 */
int smmc_file_open(struct smmc_nl *nl, const char *path, int64_t ra_pages, struct smmc_file *f)
{
	struct nlmsghdr *nlh = smmc_nl_request(nl, SHADOWMM_CMD_FILE_OPEN, false);

	memset(f, 0, sizeof(*f));
	mnl_attr_put_strz(nlh, SHADOWMM_A_FILE_PATH, path);
	if (ra_pages != SMMC_FILE_RA_DEFAULT)
		mnl_attr_put_u32(nlh, SHADOWMM_A_FILE_RA_PAGES, (uint32_t)ra_pages);
	return smmc_nl_run(nl, nlh, smmc_file_one_cb, f);
}

/* The file of id @id closed, its pages dropped from the shadow page cache. */
int smmc_file_close(struct smmc_nl *nl, uint32_t id)
{
	struct nlmsghdr *nlh = smmc_nl_request(nl, SHADOWMM_CMD_FILE_CLOSE, false);

	mnl_attr_put_u32(nlh, SHADOWMM_A_FILE_ID, id);
	return smmc_nl_run(nl, nlh, NULL, NULL);
}

/*
 * fsync of file @id: every dirty page written back to its shadow store
 * (swap slots; never the real file); the pages written in *@written.
 */
int smmc_file_sync(struct smmc_nl *nl, uint32_t id, uint64_t *written)
{
	struct nlmsghdr *nlh = smmc_nl_request(nl, SHADOWMM_CMD_FILE_SYNC, false);
	struct smmc_reply_u64 r = { .policy = &smmc_file_sync_policy,
				    .type = SHADOWMM_A_FILE_WRITTEN, .v = written };

	*written = 0;
	mnl_attr_put_u32(nlh, SHADOWMM_A_FILE_ID, id);
	return smmc_nl_run(nl, nlh, smmc_reply_u64_cb, &r);
}

static int smmc_file_read_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[SHADOWMM_A_FILE_MAX + 1];
	struct smmc_file_read *r = data;
	uint32_t n;

	if (smmc_attr_parse(nlh, &smmc_file_read_policy, tb))
		return MNL_CB_ERROR;
	n = tb[SHADOWMM_A_FILE_DATA] ? mnl_attr_get_payload_len(tb[SHADOWMM_A_FILE_DATA]) : 0;
	if (n > r->len) {
		errno = EPROTO;
		return MNL_CB_ERROR;
	}
	if (n)
		memcpy(r->buf, mnl_attr_get_payload(tb[SHADOWMM_A_FILE_DATA]), n);
	r->done = n;
	r->hits = smmc_attr_u64(tb[SHADOWMM_A_FILE_HITS], 0);
	r->misses = smmc_attr_u64(tb[SHADOWMM_A_FILE_MISSES], 0);
	r->ra_hits = smmc_attr_u64(tb[SHADOWMM_A_FILE_RA_HITS], 0);
	return MNL_CB_OK;
}

/*
 * r->len bytes (at most SHADOWMM_FILE_READ_MAX) of file @id from r->off
 * into r->buf through the shadow page cache: r->done bytes came (fewer
 * at the end of the file), r->hits and r->misses pages.
 */
int smmc_file_read(struct smmc_nl *nl, uint32_t id, struct smmc_file_read *r)
{
	struct nlmsghdr *nlh = smmc_nl_request(nl, SHADOWMM_CMD_FILE_READ, false);

	r->done = r->hits = r->misses = r->ra_hits = 0;
	mnl_attr_put_u32(nlh, SHADOWMM_A_FILE_ID, id);
	mnl_attr_put_u64(nlh, SHADOWMM_A_FILE_OFFSET, r->off);
	mnl_attr_put_u32(nlh, SHADOWMM_A_FILE_LEN, r->len);
	return smmc_nl_run(nl, nlh, smmc_file_read_cb, r);
}

/* One FILE_GET message into the struct smmc_file at @f (a smmc_dump's parse). */
static int smmc_file_parse(const struct nlmsghdr *nlh, void *f)
{
	memset(f, 0, sizeof(struct smmc_file));
	return smmc_file_one_cb(nlh, f) == MNL_CB_OK ? 0 : -EBADMSG;
}

/* Every open file, in an array the caller frees (smmc_dump_array()). */
int smmc_files_get(struct smmc_nl *nl, struct smmc_file **v, size_t *n)
{
	static const struct smmc_dump d = { SHADOWMM_CMD_FILE_GET, sizeof(**v), 4, 1,
					    smmc_file_parse };

	return smmc_dump_array(nl, &d, (void **)v, n);
}
