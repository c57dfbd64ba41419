// SPDX-License-Identifier: GPL-2.0
/*
 * INFO_GET (what is managed, how, by which module and kernel) and
 * SECTION_GET (the backing sections, one message each).
 */
#include <linux/utsname.h>

#include "smm.h"
#include "netlink.h"

/* Computed before filling: a fill that does not fit is a bug, not -EMSGSIZE. */
static size_t smm_nl_info_size(const struct genl_info *info)
{
	return 4 * nla_total_size_64bit(sizeof(u64)) +	/* BASE SIZE NR_FRAMES SPAN */
	       5 * nla_total_size(sizeof(u32)) +	/* PAGE_SIZE MODE NR_SECT DESC ORDER */
	       nla_total_size(sizeof(SMM_VERSION)) +
	       nla_total_size(strlen(init_utsname()->release) + 1);
}

/* What INFO_GET shows depends on who asks. */
struct smm_nl_info {
	bool admin;
};

static int smm_nl_info_prepare(struct sk_buff *skb, struct genl_info *info, void *data)
{
	struct smm_nl_info *r = data;

	r->admin = smm_nl_admin(skb);
	return 0;
}

static int smm_nl_info_fill(struct sk_buff *skb, const void *data)
{
	const struct smm_nl_info *r = data;
	const struct smm_dev *d = &smm_dev;
	const struct smm_range *rg = &d->range;

	if ((r->admin && d->mode == SHADOWMM_MODE_RESERVED &&
	     nla_put_u64_64bit(skb, SHADOWMM_A_INFO_BASE, d->base, SHADOWMM_A_INFO_PAD)) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_INFO_SIZE, d->size, SHADOWMM_A_INFO_PAD) ||
	    nla_put_u32(skb, SHADOWMM_A_INFO_PAGE_SIZE, PAGE_SIZE) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_INFO_NR_FRAMES, rg->nr_frames, SHADOWMM_A_INFO_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_INFO_SPAN_FRAMES, rg->span, SHADOWMM_A_INFO_PAD) ||
	    nla_put_u32(skb, SHADOWMM_A_INFO_MODE, d->mode) ||
	    nla_put_u32(skb, SHADOWMM_A_INFO_NR_SECTIONS, rg->nr_sections) ||
	    nla_put_u32(skb, SHADOWMM_A_INFO_DESC_BYTES, sizeof(struct smm_frame)) ||
	    nla_put_u32(skb, SHADOWMM_A_INFO_MAX_ORDER, SMM_MAX_ORDER) ||
	    nla_put_string(skb, SHADOWMM_A_INFO_VERSION, SMM_VERSION) ||
	    nla_put_string(skb, SHADOWMM_A_INFO_KERNEL, init_utsname()->release))
		return -EMSGSIZE;
	return 0;
}

static int smm_nl_section_fill(struct sk_buff *skb, const struct smm_section *s,
			       u32 index, bool admin)
{
	if (nla_put_u32(skb, SHADOWMM_A_SECTION_INDEX, index) ||
	    (admin && nla_put_u64_64bit(skb, SHADOWMM_A_SECTION_BASE,
					PFN_PHYS(s->pfn), SHADOWMM_A_SECTION_PAD)) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_SECTION_START, s->start, SHADOWMM_A_SECTION_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_SECTION_NR_FRAMES, s->nr_frames,
			      SHADOWMM_A_SECTION_PAD))
		return -EMSGSIZE;
	return 0;
}

/* Resumes at cb->args[0], the next section to send. */
static int smm_nl_section_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct smm_range *r = &smm_dev.range;
	bool admin = smm_nl_admin(cb->skb);
	u32 i = cb->args[0];

	cb->seq = 1;	/* sections do not change while loaded */
	for (; i < r->nr_sections; i++) {
		void *hdr = smm_nl_dump_put(skb, cb, SHADOWMM_CMD_SECTION_GET);

		if (!hdr)
			break;
		if (smm_nl_section_fill(skb, &r->sections[i], i, admin)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
	}
	cb->args[0] = i;
	return skb->len;
}

const struct smm_nl_ops smm_nl_info_ops[] = {
	SMM_NL_OP(INFO_GET, .data_size = sizeof(struct smm_nl_info), .reply_size = smm_nl_info_size,
		  .prepare = smm_nl_info_prepare, .fill = smm_nl_info_fill),
	SMM_NL_OP(SECTION_GET, .dumpit = smm_nl_section_get_dumpit),
	{ }
};
