// SPDX-License-Identifier: GPL-2.0
/*
 * SWAP_ON, SWAP_OFF, SWAP_GET and SPACE_PAGEOUT: the shadow swap area
 * of core/swap.h over netlink, and its debugfs "swaps" file in
 * /proc/swaps' format.
 *
 * The area's slots are vmalloc()ed here, outside the shadow range: swap
 * adds memory as a disk does. Its size is bounded by an eighth of the
 * machine's RAM and by SHADOWMM_SWAP_MAX_BYTES (4 GiB): the slots are
 * real memory taken from the machine the module runs on, and an eighth
 * leaves the host (and the QEMU guests the tests run in, 1 GiB and up)
 * room to work. One area (type 0).
 *
 * Locking: every swap request takes the registry's one lock
 * (smm_space_lock_all(), space_registry.c), which serialises the area
 * with every space it has entries in; the core takes none of its own.
 */
#include <linux/debugfs.h>
#include <linux/mm.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "smm.h"
#include "netlink.h"
#include "compat.h"
#include "core/space.h"
#include "core/swap.h"

#define SMM_SWAP_PRIORITY	(-2)	/* what swapon gives the first area without -p */

static const struct nla_policy smm_nl_swap_policy[SHADOWMM_A_SWAP_SIZE + 1] = {
	[SHADOWMM_A_SWAP_SIZE]	= { .type = NLA_U64 },	/* checked with reasons below */
};

static struct netlink_range_validation smm_nl_pageout_addr_range = {
	.min = 0,
	.max = (1ULL << 56) - 1,	/* the lower half of 5-level paging */
};

static struct netlink_range_validation smm_nl_pageout_len_range = {
	.min = 1,
	.max = SHADOWMM_ACCESS_MAX,
};

static const struct nla_policy smm_nl_pageout_policy[SHADOWMM_A_SPACE_LEN + 1] = {
	[SHADOWMM_A_SPACE_ID]	= NLA_POLICY_RANGE(NLA_U32, 1, SHADOWMM_SPACE_MAX),
	[SHADOWMM_A_SPACE_ADDR]	= NLA_POLICY_FULL_RANGE(NLA_U64, &smm_nl_pageout_addr_range),
	[SHADOWMM_A_SPACE_LEN]	= NLA_POLICY_FULL_RANGE(NLA_U64, &smm_nl_pageout_len_range),
};

/* The largest area SWAP_ON accepts, in bytes: an eighth of RAM, at most 4 GiB. */
static u64 smm_swap_limit(void)
{
	u64 eighth = ((u64)totalram_pages() << PAGE_SHIFT) / 8;

	return min_t(u64, eighth, SHADOWMM_SWAP_MAX_BYTES) & ~(u64)(SMM_PAGE_SIZE - 1);
}

/* An area and its slots freed; NULL is nothing. */
static void smm_swap_free_area(struct smm_swap *sw)
{
	void *data;

	if (!sw)
		return;
	data = sw->data;
	smm_swap_destroy(sw);
	vfree(data);
	kfree(sw);
}

/*
 * SWAP_ON: SIZE bytes (whole pages, rounded down; at least two, one is
 * the header's) of vmalloc()ed slots become the area. Refused: no size,
 * too small, over the limit, an area on already, no memory.
 */
static int smm_nl_swap_on_prepare(struct sk_buff *skb, struct genl_info *info, void *data)
{
	struct nlattr *a = info->attrs[SHADOWMM_A_SWAP_SIZE];
	struct smm_swap *sw;
	const char *why;
	u64 size, slots;
	void *mem;
	int ret;

	if (!a) {
		NL_SET_ERR_MSG(info->extack, "missing swap size");
		return -EINVAL;
	}
	size = nla_get_u64(a);
	slots = size >> SMM_PAGE_SHIFT;
	if (slots < 2) {
		NL_SET_ERR_MSG_ATTR(info->extack, a,
				    "swap size must be at least 2 pages (one is the header's)");
		return -EINVAL;
	}
	if (size > smm_swap_limit()) {
		NL_SET_ERR_MSG_ATTR(info->extack, a,
				    "swap size over the limit: an eighth of RAM, at most 4 GiB (SWAP_GET shows it)");
		return -E2BIG;
	}
	smm_space_lock_all();
	ret = smm_dev.mm.swap ? -EBUSY : 0;
	smm_space_unlock_all();
	if (ret) {	/* checked again when it is attached */
		NL_SET_ERR_MSG_ATTR(info->extack, a, "a swap area is on already (one area, type 0)");
		return ret;
	}
	sw = kzalloc(sizeof(*sw), GFP_KERNEL);
	/* up to RAM/8 at once: fail rather than wake the real OOM killer */
	mem = __vmalloc(slots << SMM_PAGE_SHIFT, GFP_KERNEL | __GFP_RETRY_MAYFAIL | __GFP_NOWARN);
	ret = sw && mem ? smm_swap_init(sw, mem, slots) : -ENOMEM;
	if (ret) {
		NL_SET_ERR_MSG(info->extack, "out of memory for the swap area");
		vfree(mem);
		kfree(sw);
		return ret;
	}
	smm_space_lock_all();
	ret = smm_swap_on(&smm_dev.mm, sw, &why);
	smm_space_unlock_all();
	if (ret) {
		smm_nl_set_err(info->extack, a, why);
		smm_swap_free_area(sw);
	}
	return ret;
}

/*
 * SWAP_OFF: every space's swapped pages brought back in (try_to_unuse()),
 * then the area freed. Without memory for them all: -ENOMEM with the
 * reason, swap stays on with the pages that could not come back.
 * Refused (-EBUSY) at once while shadow files' stores hold slots
 * (core/filemap.c: their pages are not brought back; close the files).
 */
static int smm_nl_swap_off_prepare(struct sk_buff *skb, struct genl_info *info, void *data)
{
	struct smm_swap *sw = NULL;
	const char *why = NULL;
	int ret = 0;
	u32 id;

	smm_space_lock_all();
	if (!smm_dev.mm.swap) {
		ret = -ENODEV;
		why = "no swap area is on";
	} else if (smm_dev.mm.swap->file_slots) {
		/* refused before any page comes back in (smm_swap_off() says the same) */
		ret = -EBUSY;
		why = "written-back pages of shadow files are in swap: close the files first";
	}
	for (id = 1; !ret && id <= SHADOWMM_SPACE_MAX; id++) {
		struct smm_space *s = smm_space_find(id);

		if (s)
			ret = smm_swap_unuse(s, &why);
	}
	if (!ret)
		ret = smm_swap_off(&smm_dev.mm, &sw, &why);
	smm_space_changed();
	smm_space_unlock_all();
	if (ret)
		smm_nl_set_err(info->extack, NULL, why);
	smm_swap_free_area(sw);
	return ret;
}

/* What SWAP_GET replies: the area as /proc/swaps shows it, and the counters. */
struct smm_nl_swap_info {
	bool on;
	u64 size, used, limit;
	u32 clusters, clusters_free;
	u64 pswpin, pswpout, pgmajfault;
	u64 cached;			/* pages in the swap cache */
};

static size_t smm_nl_swap_get_size(const struct genl_info *info)
{
	return 8 * nla_total_size_64bit(sizeof(u64)) + 3 * nla_total_size(sizeof(u32));
}

static void smm_swap_read(struct smm_nl_swap_info *r)
{
	const struct smm_swap *sw = smm_dev.mm.swap;

	r->limit = smm_swap_limit();
	r->on = sw;
	if (sw) {
		r->size = smm_swap_size(sw) << SMM_PAGE_SHIFT;
		r->used = sw->inuse << SMM_PAGE_SHIFT;
		r->clusters = sw->nr_clusters;
		r->clusters_free = sw->nr_free;
	}
	r->pswpin = READ_ONCE(smm_dev.mm.events.pswpin);
	r->pswpout = READ_ONCE(smm_dev.mm.events.pswpout);
	r->pgmajfault = READ_ONCE(smm_dev.mm.events.pgmajfault);
	r->cached = READ_ONCE(smm_dev.mm.nr_swapcached);
}

static int smm_nl_swap_get_prepare(struct sk_buff *skb, struct genl_info *info, void *data)
{
	smm_space_lock_all();
	smm_swap_read(data);
	smm_space_unlock_all();
	return 0;
}

static int smm_nl_swap_get_fill(struct sk_buff *skb, const void *data)
{
	const struct smm_nl_swap_info *r = data;

	if (nla_put_u64_64bit(skb, SHADOWMM_A_SWAP_LIMIT, r->limit, SHADOWMM_A_SWAP_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_SWAP_PSWPIN, r->pswpin, SHADOWMM_A_SWAP_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_SWAP_PSWPOUT, r->pswpout, SHADOWMM_A_SWAP_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_SWAP_PGMAJFAULT, r->pgmajfault,
			      SHADOWMM_A_SWAP_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_SWAP_CACHED, r->cached, SHADOWMM_A_SWAP_PAD))
		return -EMSGSIZE;
	if (!r->on)
		return 0;
	if (nla_put_u64_64bit(skb, SHADOWMM_A_SWAP_SIZE, r->size, SHADOWMM_A_SWAP_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_SWAP_USED, r->used, SHADOWMM_A_SWAP_PAD) ||
	    nla_put_s32(skb, SHADOWMM_A_SWAP_PRIORITY, SMM_SWAP_PRIORITY) ||
	    nla_put_u32(skb, SHADOWMM_A_SWAP_CLUSTERS, r->clusters) ||
	    nla_put_u32(skb, SHADOWMM_A_SWAP_CLUSTERS_FREE, r->clusters_free))
		return -EMSGSIZE;
	return 0;
}

/*
 * SPACE_PAGEOUT: madvise(MADV_PAGEOUT) on [ADDR, ADDR + LEN) of space ID.
 * Replies the pages written to swap; refusals (no swap, swap full, a
 * range outside the VMAs, a bad range) are errors with the core's
 * reason, the pages written before a refusal staying in swap.
 */
static int smm_nl_pageout_prepare(struct sk_buff *skb, struct genl_info *info, void *data)
{
	struct nlattr **tb = info->attrs;
	struct smm_nl_u64 *r = data;
	struct smm_space *s;
	const char *why;
	u64 done = 0;
	int ret;

	if (!tb[SHADOWMM_A_SPACE_ID] || !tb[SHADOWMM_A_SPACE_ADDR] || !tb[SHADOWMM_A_SPACE_LEN]) {
		NL_SET_ERR_MSG(info->extack, "missing space id, address or length");
		return -EINVAL;
	}
	smm_space_lock_all();
	s = smm_nl_space_of(tb, info->extack);
	if (!s) {
		smm_space_unlock_all();
		return -ENOENT;
	}
	ret = smm_swap_pageout(s, nla_get_u64(tb[SHADOWMM_A_SPACE_ADDR]),
			       nla_get_u64(tb[SHADOWMM_A_SPACE_LEN]), &done, &why);
	if (done)
		smm_space_changed();
	smm_space_unlock_all();
	if (ret) {
		smm_nl_set_err(info->extack, tb[SHADOWMM_A_SPACE_ADDR], why);
		return ret;
	}
	*r = (struct smm_nl_u64) { done, SHADOWMM_A_SPACE_PAGED_OUT, SHADOWMM_A_SPACE_PAD };
	return 0;
}

/* rmmod: the area goes after the spaces (their entries freed its slots). */
void smm_swap_teardown(void)
{
	struct smm_swap *sw;

	smm_space_lock_all();
	sw = smm_dev.mm.swap;
	WARN_ON_ONCE(sw && sw->inuse);	/* the spaces went first */
	smm_dev.mm.swap = NULL;
	smm_space_unlock_all();
	smm_swap_free_area(sw);
}

/* debugfs "swaps": /proc/swaps' format (swap_show()), sizes in KiB. */
static int smm_swaps_show(struct seq_file *m, void *v)
{
	struct smm_nl_swap_info r = { };

	smm_space_lock_all();
	smm_swap_read(&r);
	smm_space_unlock_all();
	seq_puts(m, "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n");
	if (r.on)
		seq_printf(m, "%-40s%s\t\t%llu\t\t%llu\t\t%d\n", "shadowmm-swap", "memory",
			   r.size >> 10, r.used >> 10, SMM_SWAP_PRIORITY);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(smm_swaps);

void smm_swap_debugfs_init(struct dentry *dir)
{
	debugfs_create_file("swaps", 0400, dir, NULL, &smm_swaps_fops);
}

const struct smm_nl_ops smm_nl_swap_ops[] = {
	SMM_NL_ADMIN_OP(SWAP_ON, SMM_NL_POLICY(smm_nl_swap_policy),
			.prepare = smm_nl_swap_on_prepare),
	SMM_NL_ADMIN_OP(SWAP_OFF, .prepare = smm_nl_swap_off_prepare),
	/* anyone, as /proc/swaps */
	SMM_NL_OP(SWAP_GET, .data_size = sizeof(struct smm_nl_swap_info),
		  .reply_size = smm_nl_swap_get_size, .prepare = smm_nl_swap_get_prepare,
		  .fill = smm_nl_swap_get_fill),
	SMM_NL_ADMIN_OP(SPACE_PAGEOUT, SMM_NL_POLICY(smm_nl_pageout_policy),
			.prepare = smm_nl_pageout_prepare, SMM_NL_U64_REPLY),
	{ }
};
