// SPDX-License-Identifier: GPL-2.0
/*
 * FILE_OPEN, FILE_READ, FILE_GET, FILE_CLOSE and FILE_SYNC: the shadow page cache of
 * core/filemap.h over real files, and the registry of the files it reads
 * (id -> struct file and the path given).
 *
 * A file is opened read-only in the kernel (filp_open(O_RDONLY |
 * O_LARGEFILE)) with the module's rights, which is why every command
 * here is GENL_ADMIN_PERM (CAP_NET_ADMIN in the init user namespace, as
 * every other admin command): an unprivileged caller could otherwise read
 * any file through the shadow. Its bytes are read with kernel_read(),
 * never written; the real page cache is left as kernel_read() leaves it.
 * Pages written through shared mappings are written back to the inode's
 * shadow store (swap slots, core/filemap.c), never to the file.
 * The size is the one seen at open: reads stop there, and a file that
 * shrank since fails the read of a missing page with -EIO.
 *
 * Locking: the registry and the core's inodes are under the spaces' lock
 * (smm_space_lock_all()), the lock reclaim runs under; kernel_read() is
 * called with it held (on a miss), so a slow file slows the spaces'
 * faults. filp_open() and fput() run without it.
 */
#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "smm.h"
#include "netlink.h"
#include "core/filemap.h"

/* The glue's part of a shadow inode: the file and the path it was opened by. */
struct smm_nl_file {
	struct file *file;
	char *path;
	struct smm_inode *ino;
};

static_assert(SMM_FILE_MAX_BYTES == SHADOWMM_FILE_MAX_BYTES);
static_assert(SMM_RA_PAGES_MAX == SHADOWMM_FILE_RA_PAGES_MAX);

/* id - 1 -> file; under the spaces' lock */
static struct smm_nl_file *smm_files[SHADOWMM_FILE_MAX];

/* a range policy's min and max are s16: 32768 needs the full form */
static struct netlink_range_validation smm_nl_file_len_range = {
	.min = 1,
	.max = SHADOWMM_FILE_READ_MAX,
};

static const struct nla_policy smm_nl_file_policy[SHADOWMM_A_FILE_MAX + 1] = {
	[SHADOWMM_A_FILE_ID]	 = NLA_POLICY_RANGE(NLA_U32, 1, SHADOWMM_FILE_MAX),
	[SHADOWMM_A_FILE_PATH]	 = { .type = NLA_NUL_STRING, .len = SHADOWMM_FILE_PATH_MAX - 1 },
	[SHADOWMM_A_FILE_OFFSET] = { .type = NLA_U64 },
	[SHADOWMM_A_FILE_LEN]	 = NLA_POLICY_FULL_RANGE(NLA_U32, &smm_nl_file_len_range),
	[SHADOWMM_A_FILE_RA_PAGES] = NLA_POLICY_MAX(NLA_U32, SHADOWMM_FILE_RA_PAGES_MAX),
};

/* The core's read callback: @len bytes at @off, all of them or -EIO. */
static int smm_file_kread(void *ctx, u64 off, void *buf, size_t len)
{
	struct smm_nl_file *nf = ctx;
	loff_t pos = off;
	ssize_t n = kernel_read(nf->file, buf, len, &pos);

	if (n < 0)
		return n;
	return (size_t)n == len ? 0 : -EIO;
}

/* A registry entry's file closed and freed; no lock needed (it is off the registry). */
static void smm_nl_file_free(struct smm_nl_file *nf)
{
	if (!nf)
		return;
	if (nf->file)
		fput(nf->file);
	kfree(nf->path);
	kfree(nf);
}

/* The file of id @id, or NULL; the spaces' lock held. */
static struct smm_nl_file *smm_nl_file_find(u32 id)
{
	return id >= 1 && id <= SHADOWMM_FILE_MAX ? smm_files[id - 1] : NULL;
}

/* The registry entry named by the request's ID, with an extack if none. Lock held. */
static struct smm_nl_file *smm_nl_file_get(struct genl_info *info)
{
	struct nlattr *a = info->attrs[SHADOWMM_A_FILE_ID];
	struct smm_nl_file *nf;

	if (!a) {
		NL_SET_ERR_MSG(info->extack, "missing file id");
		return ERR_PTR(-EINVAL);
	}
	nf = smm_nl_file_find(nla_get_u32(a));
	if (!nf) {
		NL_SET_ERR_MSG_ATTR(info->extack, a, "no such file");
		return ERR_PTR(-ENOENT);
	}
	return nf;
}

/* What OPEN replies. */
struct smm_nl_file_open {
	u32 id;
	u64 size;
};

static size_t smm_nl_file_open_size(const struct genl_info *info)
{
	return nla_total_size(sizeof(u32)) + nla_total_size_64bit(sizeof(u64));
}

/* Open @path read-only; a regular file only. The reason in @why. */
static struct file *smm_nl_file_open_path(const char *path, const char **why)
{
	struct file *f = filp_open(path, O_RDONLY | O_LARGEFILE, 0);
	umode_t mode;

	if (IS_ERR(f)) {
		*why = "cannot open the file read-only";
		return f;
	}
	mode = file_inode(f)->i_mode;
	if (!S_ISREG(mode)) {
		*why = S_ISDIR(mode) ? "a directory: only regular files have a page cache here" :
				       "not a regular file (a device, FIFO or socket)";
		fput(f);
		return ERR_PTR(S_ISDIR(mode) ? -EISDIR : -EINVAL);
	}
	return f;
}

/*
 * FILE_OPEN: PATH opened read-only, a shadow inode of its size made
 * under the smallest free id, its largest readahead window RA_PAGES if
 * given (the policy bounds it). Refused: no path, a file that cannot be
 * opened, not a regular file, larger than 4 GiB, every id in use.
 */
static int smm_nl_file_open_prepare(struct sk_buff *skb, struct genl_info *info, void *data)
{
	struct nlattr *a = info->attrs[SHADOWMM_A_FILE_PATH];
	struct smm_nl_file_open *r = data;
	struct smm_nl_file *nf;
	const char *why = NULL;
	u32 id;
	int ret;

	if (!a) {
		NL_SET_ERR_MSG(info->extack, "missing file path");
		return -EINVAL;
	}
	nf = kzalloc(sizeof(*nf), GFP_KERNEL);
	if (nf)
		nf->path = kstrdup(nla_data(a), GFP_KERNEL);
	if (!nf || !nf->path) {
		smm_nl_file_free(nf);
		NL_SET_ERR_MSG(info->extack, "out of memory for the file");
		return -ENOMEM;
	}
	nf->file = smm_nl_file_open_path(nf->path, &why);
	if (IS_ERR(nf->file)) {
		ret = PTR_ERR(nf->file);
		nf->file = NULL;
		goto err_free;
	}
	r->size = i_size_read(file_inode(nf->file));
	smm_space_lock_all();
	for (id = 1; id <= SHADOWMM_FILE_MAX && smm_files[id - 1]; id++)
		;
	if (id > SHADOWMM_FILE_MAX) {
		ret = -ENOSPC;
		why = "every file id is in use (16 files at once)";
	} else {
		ret = smm_inode_create(&smm_dev.mm, id, r->size, smm_file_kread, nf, &nf->ino,
				       &why);
	}
	if (!ret) {
		smm_files[id - 1] = nf;
		if (info->attrs[SHADOWMM_A_FILE_RA_PAGES])
			smm_inode_set_ra_pages(nf->ino,
					       nla_get_u32(info->attrs[SHADOWMM_A_FILE_RA_PAGES]));
	}
	smm_space_unlock_all();
	if (ret)
		goto err_free;
	r->id = id;
	return 0;

err_free:
	smm_nl_set_err(info->extack, a, why);
	smm_nl_file_free(nf);
	return ret;
}

static int smm_nl_file_open_fill(struct sk_buff *skb, const void *data)
{
	const struct smm_nl_file_open *r = data;

	if (nla_put_u32(skb, SHADOWMM_A_FILE_ID, r->id) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_FILE_SIZE, r->size, SHADOWMM_A_FILE_PAD))
		return -EMSGSIZE;
	return 0;
}

/* What READ replies: the bytes (a kvmalloc()ed buffer) and this read's counts. */
struct smm_nl_file_read {
	u8 *buf;
	u64 off;		/* the file offset of buf[0] */
	u32 len;		/* bytes in buf */
	struct smm_file_read_res res;
};

static size_t smm_nl_file_read_size(const struct genl_info *info)
{
	const struct nlattr *a = info->attrs[SHADOWMM_A_FILE_LEN];

	return nla_total_size(a ? nla_get_u32(a) : 0) + 3 * nla_total_size_64bit(sizeof(u64));
}

/* The core's copy callback: into the reply's buffer. */
static int smm_nl_file_copy(void *priv, u64 off, const void *src, size_t len)
{
	struct smm_nl_file_read *r = priv;

	if (WARN_ON_ONCE(off < r->off || off - r->off + len > r->len))
		return -EFAULT;
	memcpy(r->buf + (off - r->off), src, len);
	return 0;
}

/*
 * FILE_READ: LEN bytes from OFFSET of file ID through the shadow page
 * cache (fewer at the end of the file, none past it). Refused: a missing
 * or unknown id, no offset or length; the core's errors (-ENOMEM when
 * even reclaim finds no page, -EIO from the file) with its reason.
 */
static int smm_nl_file_read_prepare(struct sk_buff *skb, struct genl_info *info, void *data)
{
	struct nlattr **tb = info->attrs;
	struct smm_nl_file_read *r = data;
	struct smm_nl_file *nf;
	const char *why;
	u64 size;
	int ret;

	if (!tb[SHADOWMM_A_FILE_OFFSET] || !tb[SHADOWMM_A_FILE_LEN]) {
		NL_SET_ERR_MSG(info->extack, "missing offset or length");
		return -EINVAL;
	}
	r->off = nla_get_u64(tb[SHADOWMM_A_FILE_OFFSET]);
	r->buf = kvmalloc(nla_get_u32(tb[SHADOWMM_A_FILE_LEN]), GFP_KERNEL);
	if (!r->buf) {
		NL_SET_ERR_MSG(info->extack, "out of memory for the bytes read");
		return -ENOMEM;
	}
	smm_space_lock_all();
	nf = smm_nl_file_get(info);
	if (IS_ERR(nf)) {
		smm_space_unlock_all();
		return PTR_ERR(nf);
	}
	size = nf->ino->size;
	r->len = r->off >= size ? 0 : min_t(u64, nla_get_u32(tb[SHADOWMM_A_FILE_LEN]),
					      size - r->off);
	ret = smm_file_read(nf->ino, r->off, r->len, smm_nl_file_copy, r, &r->res, &why);
	smm_space_unlock_all();
	if (ret)
		smm_nl_set_err(info->extack, tb[SHADOWMM_A_FILE_OFFSET], why);
	return ret;
}

static int smm_nl_file_read_fill(struct sk_buff *skb, const void *data)
{
	const struct smm_nl_file_read *r = data;

	if (nla_put(skb, SHADOWMM_A_FILE_DATA, r->len, r->buf) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_FILE_HITS, r->res.hits, SHADOWMM_A_FILE_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_FILE_MISSES, r->res.misses, SHADOWMM_A_FILE_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_FILE_RA_HITS, r->res.ra_hits, SHADOWMM_A_FILE_PAD))
		return -EMSGSIZE;
	return 0;
}

static void smm_nl_file_read_cleanup(void *data)
{
	struct smm_nl_file_read *r = data;

	kvfree(r->buf);
}

/*
 * @ino's cached pages some PTE maps: its share of meminfo's Mapped, by
 * the same i_mmap walk per cached page as smm_filemap_nr_mapped() (the
 * shadow keeps no mapcount), so O(cached pages x file VMAs), and nothing
 * to walk for a file no VMA maps. The spaces' lock held.
 */
static u64 smm_nl_file_mapped(struct smm_inode *ino)
{
	u64 mapped = 0, index, frame;

	for (index = 0; ino->nr_immap && index < ino->nr_index; index++) {
		frame = smm_filemap_get_folio(ino, index);
		if (frame != SMM_FILEMAP_NONE && smm_filemap_mapcount(ino, index, frame))
			mapped++;
		if (!(index % 4096))
			cond_resched();
	}
	return mapped;
}

/* One GET message for @nf; the spaces' lock held (the path and counts stay still). */
static int smm_nl_file_put(struct sk_buff *skb, const struct smm_nl_file *nf)
{
	struct smm_inode *ino = nf->ino;

	if (nla_put_u32(skb, SHADOWMM_A_FILE_ID, ino->id) ||
	    nla_put_string(skb, SHADOWMM_A_FILE_PATH, nf->path) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_FILE_SIZE, ino->size, SHADOWMM_A_FILE_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_FILE_NRPAGES, ino->nrpages, SHADOWMM_A_FILE_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_FILE_HITS, ino->hits, SHADOWMM_A_FILE_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_FILE_MISSES, ino->misses, SHADOWMM_A_FILE_PAD) ||
	    nla_put_u32(skb, SHADOWMM_A_FILE_RA_PAGES, ino->ra.ra_pages) ||
	    nla_put_u32(skb, SHADOWMM_A_FILE_MAPPINGS, ino->nr_immap) ||
	    nla_put_u32(skb, SHADOWMM_A_FILE_RA_SIZE, ino->ra.size) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_FILE_RA_READ, ino->ra_read, SHADOWMM_A_FILE_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_FILE_RA_HITS, ino->ra_hits, SHADOWMM_A_FILE_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_FILE_RA_WASTED, ino->ra_wasted, SHADOWMM_A_FILE_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_FILE_DIRTY, ino->nr_dirty, SHADOWMM_A_FILE_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_FILE_WRITTEN, ino->written, SHADOWMM_A_FILE_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_FILE_STORED, ino->nr_stored, SHADOWMM_A_FILE_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_FILE_MAPPED, smm_nl_file_mapped(ino),
			      SHADOWMM_A_FILE_PAD))
		return -EMSGSIZE;
	return 0;
}

/* FILE_GET: one message per open file, resumed at the id in cb->args[0]. */
static int smm_nl_file_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	u32 id;

	smm_space_lock_all();
	for (id = cb->args[0] + 1; id <= SHADOWMM_FILE_MAX; id++) {
		const struct smm_nl_file *nf = smm_nl_file_find(id);
		void *hdr;

		if (!nf)
			continue;
		hdr = smm_nl_dump_put(skb, cb, SHADOWMM_CMD_FILE_GET);
		if (!hdr)
			break;
		if (smm_nl_file_put(skb, nf)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[0] = id;
	}
	smm_space_unlock_all();
	return skb->len;
}

/* The entry of id @id off the registry, its pages dropped (added to *@pages); the lock held. */
static struct smm_nl_file *smm_nl_file_remove(u32 id, u64 *pages)
{
	struct smm_nl_file *nf = smm_files[id - 1];

	if (nf) {
		*pages += nf->ino->nrpages;
		smm_inode_destroy(nf->ino);
		smm_files[id - 1] = NULL;
	}
	return nf;
}

/*
 * FILE_CLOSE: the inode's pages dropped from the cache, the file closed;
 * refused (-EBUSY) while a file VMA of any space maps it.
 */
static int smm_nl_file_close_prepare(struct sk_buff *skb, struct genl_info *info, void *data)
{
	struct smm_nl_file *nf;
	u64 pages = 0;

	smm_space_lock_all();
	nf = smm_nl_file_get(info);
	if (!IS_ERR(nf) && nf->ino->nr_immap) {
		/* the VMAs would point at a freed inode: munmap them first */
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[SHADOWMM_A_FILE_ID],
				    "the file is mapped by a space (munmap or destroy it first)");
		nf = ERR_PTR(-EBUSY);
	} else if (!IS_ERR(nf)) {
		smm_nl_file_remove(nf->ino->id, &pages);
	}
	smm_space_unlock_all();
	if (IS_ERR(nf))
		return PTR_ERR(nf);
	smm_nl_file_free(nf);
	return 0;
}

/*
 * FILE_SYNC: every dirty page of file ID written back to its shadow
 * store (fsync); replies the pages written. Refused: a missing or
 * unknown id; -ENOSPC without a swap area or a free slot, -ENOMEM, with
 * the core's reason (the pages written before stay written).
 */
static int smm_nl_file_sync_prepare(struct sk_buff *skb, struct genl_info *info, void *data)
{
	struct smm_nl_u64 *r = data;
	struct smm_nl_file *nf;
	const char *why = NULL;
	u64 written = 0;
	int ret;

	smm_space_lock_all();
	nf = smm_nl_file_get(info);
	ret = IS_ERR(nf) ? PTR_ERR(nf) : smm_file_sync(nf->ino, &written, &why);
	smm_space_unlock_all();
	if (ret && why)
		smm_nl_set_err(info->extack, info->attrs[SHADOWMM_A_FILE_ID], why);
	*r = (struct smm_nl_u64) { written, SHADOWMM_A_FILE_WRITTEN, SHADOWMM_A_FILE_PAD };
	return ret;
}

/*
 * RESET and rmmod: every file closed, its pages dropped (rmmod: before
 * the mm goes). Returns the page-cache frames freed.
 */
u64 smm_files_close_all(void)
{
	struct smm_nl_file *gone[SHADOWMM_FILE_MAX];
	u64 pages = 0;
	u32 id;

	smm_space_lock_all();
	for (id = 1; id <= SHADOWMM_FILE_MAX; id++)
		gone[id - 1] = smm_nl_file_remove(id, &pages);
	smm_space_unlock_all();
	for (id = 0; id < SHADOWMM_FILE_MAX; id++)
		smm_nl_file_free(gone[id]);
	return pages;
}

const struct smm_nl_ops smm_nl_file_ops[] = {
	SMM_NL_ADMIN_OP(FILE_OPEN, SMM_NL_POLICY(smm_nl_file_policy),
			.data_size = sizeof(struct smm_nl_file_open),
			.reply_size = smm_nl_file_open_size, .prepare = smm_nl_file_open_prepare,
			.fill = smm_nl_file_open_fill),
	SMM_NL_ADMIN_OP(FILE_READ, SMM_NL_POLICY(smm_nl_file_policy),
			.data_size = sizeof(struct smm_nl_file_read),
			.reply_size = smm_nl_file_read_size, .prepare = smm_nl_file_read_prepare,
			.fill = smm_nl_file_read_fill, .cleanup = smm_nl_file_read_cleanup),
	SMM_NL_ADMIN_OP(FILE_GET, .dumpit = smm_nl_file_get_dumpit),
	SMM_NL_ADMIN_OP(FILE_CLOSE, SMM_NL_POLICY(smm_nl_file_policy),
			.prepare = smm_nl_file_close_prepare),
	SMM_NL_ADMIN_OP(FILE_SYNC, SMM_NL_POLICY(smm_nl_file_policy), SMM_NL_U64_REPLY,
			.prepare = smm_nl_file_sync_prepare),
	{ }
};
