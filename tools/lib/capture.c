// SPDX-License-Identifier: GPL-2.0
/*
 * Captures: the netlink replies of a tool's requests, saved as they came
 * from the kernel (smmtop --record) and fed back to the same parsers
 * later without a module (smmtop --replay, screen tests, benchmarks).
 *
 * The file is "SMMCAP01" and then one record per datagram read:
 *
 *	u8 cmd		the request's generic netlink command
 *	u8 first	1 on the first datagram of a reply
 *	u16 zero
 *	u32 len		bytes of netlink messages that follow, padded to 4
 *
 * in host byte order (a capture is replayed where netlink is read: the
 * same machine or one of its kind). Replaying a request finds the next
 * reply to its command, wrapping around at the end, so a capture of one
 * refresh answers any number of refreshes; the messages get the
 * request's sequence number and our port id, as the kernel's would.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libsmm.h"

#define SMMC_CAP_MAGIC		"SMMCAP01"
#define SMMC_CAP_MAGIC_LEN	8
#define SMMC_CAP_MAX		(256u << 20)	/* bound what a corrupt file can make us read */

struct smmc_cap_rec {
	uint8_t cmd;
	uint8_t first;
	uint16_t zero;
	uint32_t len;
};

struct smmc_capture {
	FILE *out;			/* recording */
	char *data;			/* replaying: the whole file */
	size_t size, pos;		/* pos: the next record to read */
};

static size_t smmc_cap_pad(size_t len)
{
	return (len + 3) & ~(size_t)3;
}

/* Open @path to record into. 0 or -errno. */
int smmc_capture_create(struct smmc_capture **cap, const char *path)
{
	struct smmc_capture *c = calloc(1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	c->out = fopen(path, "wb");
	if (!c->out || fwrite(SMMC_CAP_MAGIC, SMMC_CAP_MAGIC_LEN, 1, c->out) != 1) {
		int err = errno ? errno : EIO;

		if (c->out)
			fclose(c->out);
		free(c);
		return -err;
	}
	*cap = c;
	return 0;
}

/* Append one datagram of a reply to @cmd. 0 or -errno. */
int smmc_capture_put(struct smmc_capture *c, uint8_t cmd, bool first, const void *buf, size_t len)
{
	static const char zeros[4];
	struct smmc_cap_rec rec = { .cmd = cmd, .first = first, .len = len };

	if (fwrite(&rec, sizeof(rec), 1, c->out) != 1 || fwrite(buf, 1, len, c->out) != len ||
	    fwrite(zeros, 1, smmc_cap_pad(len) - len, c->out) != smmc_cap_pad(len) - len)
		return -EIO;
	return 0;
}

/* Each record must lie inside the file; checked once, at open. */
static int smmc_capture_validate(const struct smmc_capture *c)
{
	size_t pos = SMMC_CAP_MAGIC_LEN;
	struct smmc_cap_rec rec;

	if (c->size < SMMC_CAP_MAGIC_LEN || memcmp(c->data, SMMC_CAP_MAGIC, SMMC_CAP_MAGIC_LEN))
		return -EBADMSG;
	while (pos < c->size) {
		if (c->size - pos < sizeof(rec))
			return -EBADMSG;
		memcpy(&rec, c->data + pos, sizeof(rec));
		pos += sizeof(rec);
		if (rec.len < sizeof(struct nlmsghdr) || smmc_cap_pad(rec.len) > c->size - pos)
			return -EBADMSG;
		pos += smmc_cap_pad(rec.len);
	}
	return 0;
}

/* Open @path to replay: read whole and checked. 0, -errno, or -EBADMSG. */
int smmc_capture_open(struct smmc_capture **cap, const char *path)
{
	struct smmc_capture *c = calloc(1, sizeof(*c));
	FILE *f = fopen(path, "rb");
	int ret = -ENOMEM;
	long size;

	if (!f) {
		ret = -errno;
		goto err_free;
	}
	if (!c)
		goto err_close;
	if (fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		ret = -EIO;
		goto err_close;
	}
	ret = -EFBIG;
	if ((unsigned long)size > SMMC_CAP_MAX)
		goto err_close;
	ret = -ENOMEM;
	c->size = size;
	c->data = malloc(c->size ? c->size : 1);
	if (!c->data)
		goto err_close;
	ret = -EIO;
	if (fread(c->data, 1, c->size, f) != c->size)
		goto err_data;
	ret = smmc_capture_validate(c);
	if (ret)
		goto err_data;
	fclose(f);
	c->pos = SMMC_CAP_MAGIC_LEN;
	*cap = c;
	return 0;

err_data:
	free(c->data);
err_close:
	fclose(f);
err_free:
	free(c);
	return ret;
}

static void smmc_capture_rec(const struct smmc_capture *c, size_t pos, struct smmc_cap_rec *rec)
{
	memcpy(rec, c->data + pos, sizeof(*rec));
}

/* Where the first datagram of the next reply to @cmd starts, from pos on, wrapping. */
static int smmc_capture_find(struct smmc_capture *c, uint8_t cmd, size_t *at)
{
	size_t pos = c->pos, start = c->pos;
	bool wrapped = false;
	struct smmc_cap_rec rec;

	for (;;) {
		if (pos >= c->size) {
			if (wrapped)
				return -ENOENT;
			pos = SMMC_CAP_MAGIC_LEN;
			wrapped = true;
		}
		if (wrapped && pos >= start)
			return -ENOENT;
		smmc_capture_rec(c, pos, &rec);
		if (rec.first && rec.cmd == cmd) {
			*at = pos;
			return 0;
		}
		pos += sizeof(rec) + smmc_cap_pad(rec.len);
	}
}

/*
 * The next datagram of the reply to @cmd into @buf, its messages
 * renumbered @seq for @portid: the first of a reply when @first, else the
 * one after the last returned. Its length, or -ENOENT (no reply to @cmd
 * in the capture), -EPROTO (the reply is cut short), -EMSGSIZE.
 */
ssize_t smmc_capture_get(struct smmc_capture *c, uint8_t cmd, bool first, uint32_t seq,
			 uint32_t portid, void *buf, size_t size)
{
	struct smmc_cap_rec rec;
	struct nlmsghdr *nlh;
	size_t at = c->pos;
	int left, ret;

	if (first) {
		ret = smmc_capture_find(c, cmd, &at);
		if (ret)
			return ret;
	}
	if (at >= c->size)
		return -EPROTO;
	smmc_capture_rec(c, at, &rec);
	if (rec.cmd != cmd || (first != !!rec.first))
		return -EPROTO;
	if (rec.len > size)
		return -EMSGSIZE;
	memcpy(buf, c->data + at + sizeof(rec), rec.len);
	c->pos = at + sizeof(rec) + smmc_cap_pad(rec.len);
	left = rec.len;
	for (nlh = buf; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
		nlh->nlmsg_seq = seq;
		nlh->nlmsg_pid = portid;
	}
	return rec.len;
}

void smmc_capture_close(struct smmc_capture *c)
{
	if (!c)
		return;
	if (c->out)
		fclose(c->out);
	free(c->data);
	free(c);
}

/*
 * How many replies to @cmd the capture holds: the snapshots of a
 * recording (smmtop --record asks ZONE_GET once a refresh), which
 * smmctl zone history reads in turn.
 */
unsigned int smmc_capture_count(const struct smmc_capture *c, uint8_t cmd)
{
	size_t pos = SMMC_CAP_MAGIC_LEN;
	struct smmc_cap_rec rec;
	unsigned int n = 0;

	while (pos < c->size) {
		smmc_capture_rec(c, pos, &rec);
		n += rec.first && rec.cmd == cmd;
		pos += sizeof(rec) + smmc_cap_pad(rec.len);
	}
	return n;
}
