// SPDX-License-Identifier: GPL-2.0
/*
 * Reserved backing: a physical range the firmware or memmap=nn$ss set
 * aside, outside System RAM, claimed as "shadowmm" in /proc/iomem.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/mm.h>
#include <linux/module.h>

#include "arch.h"
#include "smm.h"
#include "core/param.h"

struct smm_cover {
	u64 next;	/* first byte not yet seen covered */
};

static int smm_cover_one(struct resource *res, void *arg)
{
	struct smm_cover *c = arg;

	if (res->start > c->next)
		return 1;	/* a gap: stop the walk */
	c->next = max_t(u64, c->next, res->end + 1);
	return 0;
}

/*
 * True when [base, base + size) is covered, without gaps, by resources
 * the kernel marked reserved (memmap=nn$ss and e820 "Reserved" ranges on
 * x86, no-map reserved-memory nodes of the device tree on arm64: see
 * module/arch.h).
 * region_intersects() alone would accept a range that is half reserved
 * and half not described at all.
 */
static bool smm_range_is_reserved(u64 base, u64 size)
{
	struct smm_cover c = { .next = base };

	walk_iomem_res_desc(smm_arch_reserved_desc(), IORESOURCE_MEM, base,
			    base + size - 1, &c, smm_cover_one);
	return c.next >= base + size && smm_arch_range_is_unmapped_ram(base, size);
}

static const char *smm_reserved_why(u64 base, u64 size)
{
	const char *why = smm_check_range(base, size, smm_arch_phys_bits());

	if (why)
		return why;
	if (region_intersects(base, size, IORESOURCE_SYSTEM_RAM,
			      IORES_DESC_NONE) != REGION_DISJOINT)
		return "range overlaps System RAM";
	if (!smm_range_is_reserved(base, size))
		return "range is not reserved (" SMM_ARCH_RESERVE_HINT ")";
	return NULL;
}

int smm_reserved_setup(struct smm_dev *d, u64 base, u64 size)
{
	const char *why = smm_reserved_why(base, size);
	int ret;

	if (why) {
		pr_err("%s: base=%#llx size=%#llx\n", why, base, size);
		return -EINVAL;
	}

	d->res = request_mem_region(base, size, KBUILD_MODNAME);
	if (!d->res) {
		pr_err("range is claimed by another driver: base=%#llx size=%#llx\n",
		       base, size);
		return -EBUSY;
	}

	d->virt = memremap(base, size, MEMREMAP_WB);
	if (!d->virt) {
		pr_err("cannot map the range: base=%#llx size=%#llx\n", base, size);
		ret = -ENOMEM;
		goto err_release;
	}

	ret = smm_range_init(&d->range, 1);
	if (ret)
		goto err_unmap;
	ret = smm_range_add_section(&d->range, PHYS_PFN(base), PHYS_PFN(size), d->virt);
	if (!ret)
		ret = smm_range_finish(&d->range);
	if (ret) {
		pr_err("cannot describe the range (%d): base=%#llx size=%#llx\n",
		       ret, base, size);
		goto err_range;
	}

	d->mode = SHADOWMM_MODE_RESERVED;
	d->base = base;
	d->size = size;
	return 0;

err_range:
	smm_range_destroy(&d->range);
err_unmap:
	memunmap(d->virt);
	d->virt = NULL;
err_release:
	release_mem_region(base, size);
	d->res = NULL;
	return ret;
}

void smm_reserved_teardown(struct smm_dev *d)
{
	smm_range_destroy(&d->range);
	memunmap(d->virt);
	release_mem_region(d->base, d->size);
	d->virt = NULL;
	d->res = NULL;
}
