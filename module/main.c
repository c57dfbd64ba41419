// SPDX-License-Identifier: GPL-2.0
/*
 * shadowmm: a shadow memory manager over a reserved or borrowed range.
 *
 * Module parameters pick the backing; the core (core/) describes the
 * frames; netlink (netlink.c) shows the state to user space.
 *
 * Lifecycle: backing, then netlink. Netlink goes first on the way out:
 * genl_unregister_family() waits for running requests, so no request can
 * see the range being torn down.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>

#include "smm.h"
#include "core/param.h"

static char *smm_param_base;
module_param_named(base, smm_param_base, charp, 0444);
MODULE_PARM_DESC(base, "Physical base of a reserved range (e.g. 0x10000000); unset: borrow memory");

static char *smm_param_size = "64M";
module_param_named(size, smm_param_size, charp, 0444);
MODULE_PARM_DESC(size, "Bytes to manage, with K/M/G/T suffix (default 64M)");

struct smm_dev smm_dev;

/* Each refusal is one pr_err line naming the parameter and its value. */
static int smm_parse_param(const char *name, const char *val, u64 *out)
{
	int ret = smm_parse_size(val, out);

	if (ret)
		pr_err("invalid %s= value: '%s' (%s)\n", name, val,
		       ret == -ERANGE ? "too large" : "expected a number with optional K/M/G/T");
	return ret ? -EINVAL : 0;
}

static int smm_backing_setup(struct smm_dev *d)
{
	u64 base, size;
	int ret;

	ret = smm_parse_param("size", smm_param_size ? smm_param_size : "", &size);
	if (ret)
		return ret;
	if (!smm_param_base || !*smm_param_base)
		return smm_borrowed_setup(d, size);
	ret = smm_parse_param("base", smm_param_base, &base);
	if (ret)
		return ret;
	return smm_reserved_setup(d, base, size);
}

static void smm_backing_teardown(struct smm_dev *d)
{
	if (d->mode == SHADOWMM_MODE_RESERVED)
		smm_reserved_teardown(d);
	else
		smm_borrowed_teardown(d);
}

static int __init smm_init(void)
{
	struct smm_dev *d = &smm_dev;
	int ret;

	ret = smm_backing_setup(d);
	if (ret)
		return ret;

	ret = smm_nl_register();
	if (ret) {
		pr_err("cannot register the generic netlink family (%d)\n", ret);
		goto err_backing;
	}

	pr_info("managing %llu frames (%llu MiB) in %u section(s), %s mode\n",
		d->range.nr_frames, d->size >> 20, d->range.nr_sections,
		d->mode == SHADOWMM_MODE_RESERVED ? "reserved" : "borrowed");
	return 0;

err_backing:
	smm_backing_teardown(d);
	return ret;
}

static void __exit smm_exit(void)
{
	smm_nl_unregister();
	smm_backing_teardown(&smm_dev);
}

module_init(smm_init);
module_exit(smm_exit);

MODULE_DESCRIPTION("Shadow memory manager: buddy, slab and page tables over a reserved range");
MODULE_AUTHOR("The shadowmm developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(SMM_VERSION);
