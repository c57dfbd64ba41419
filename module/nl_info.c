// SPDX-License-Identifier: GPL-2.0
/*
 * INFO_GET (what is managed, how, by which module and kernel) and
 * SECTION_GET (the backing sections, one message each).
 */
#include <linux/utsname.h>

#include "smm.h"
#include "netlink.h"

/* Computed before filling: a fill that does not fit is a bug, not -EMSGSIZE. */
static size_t smm_nl_info_size(void)
{
	return 4 * nla_total_size_64bit(sizeof(u64)) +	/* BASE SIZE NR_FRAMES SPAN */
	       5 * nla_total_size(sizeof(u32)) +	/* PAGE_SIZE MODE NR_SECT DESC ORDER */
	       nla_total_size(sizeof(SMM_VERSION)) +
	       nla_total_size(strlen(init_utsname()->release) + 1);
}

static int smm_nl_info_fill(struct sk_buff *skb, const struct smm_dev *d, bool admin)
{
	const struct smm_range *r = &d->range;

	if ((admin && d->mode == SHADOWMM_MODE_RESERVED &&
	     nla_put_u64_64bit(skb, SHADOWMM_A_INFO_BASE, d->base, SHADOWMM_A_INFO_PAD)) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_INFO_SIZE, d->size, SHADOWMM_A_INFO_PAD) ||
	    nla_put_u32(skb, SHADOWMM_A_INFO_PAGE_SIZE, PAGE_SIZE) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_INFO_NR_FRAMES, r->nr_frames, SHADOWMM_A_INFO_PAD) ||
	    nla_put_u64_64bit(skb, SHADOWMM_A_INFO_SPAN_FRAMES, r->span, SHADOWMM_A_INFO_PAD) ||
	    nla_put_u32(skb, SHADOWMM_A_INFO_MODE, d->mode) ||
	    nla_put_u32(skb, SHADOWMM_A_INFO_NR_SECTIONS, r->nr_sections) ||
	    nla_put_u32(skb, SHADOWMM_A_INFO_DESC_BYTES, sizeof(struct smm_frame)) ||
	    nla_put_u32(skb, SHADOWMM_A_INFO_MAX_ORDER, SMM_MAX_ORDER) ||
	    nla_put_string(skb, SHADOWMM_A_INFO_VERSION, SMM_VERSION) ||
	    nla_put_string(skb, SHADOWMM_A_INFO_KERNEL, init_utsname()->release))
		return -EMSGSIZE;
	return 0;
}

int smm_nl_info_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;
	int ret;

	msg = genlmsg_new(smm_nl_info_size(), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &smm_nl_family, 0, SHADOWMM_CMD_INFO_GET);
	if (!hdr) {
		ret = -EMSGSIZE;
		goto err_free;
	}
	ret = smm_nl_info_fill(msg, &smm_dev, smm_nl_admin(skb));
	if (WARN_ON_ONCE(ret))
		goto err_free;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return ret;
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
int smm_nl_section_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
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
