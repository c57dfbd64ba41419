// SPDX-License-Identifier: GPL-2.0
/*
 * shadowmm: a shadow memory manager over a reserved or borrowed range.
 *
 * Module parameters pick the backing and shape the zones; the core
 * (core/) manages the frames; debugfs and netlink show the state.
 *
 * Lifecycle: parameters, backing, shadow mm, slab caches, debugfs, netlink. Netlink
 * goes first on the way out: genl_unregister_family() waits for running
 * requests, so none can see the range being torn down.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/kstrtox.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/random.h>
#include <linux/topology.h>

#include "smm.h"
#include "core/vmscan.h"
#include "core/param.h"
#include "core/cma.h"

static char *smm_param_base;
module_param_named(base, smm_param_base, charp, 0444);
MODULE_PARM_DESC(base, "Physical base of a reserved range (e.g. 0x10000000); unset: borrow memory");

static char *smm_param_size = "64M";
module_param_named(size, smm_param_size, charp, 0444);
MODULE_PARM_DESC(size, "Bytes to manage, with K/M/G/T suffix (default 64M)");

static char *smm_param_zones;
module_param_named(zones, smm_param_zones, charp, 0444);
MODULE_PARM_DESC(zones, "Zones by position, e.g. DMA:8M,DMA32:24M,Normal:rest; also HighMem:SIZE and Movable:SIZE (default: by physical address)");

static char *smm_param_movablecore = "0";
module_param_named(movablecore, smm_param_movablecore, charp, 0444);
MODULE_PARM_DESC(movablecore, "Bytes at the top of the range for ZONE_MOVABLE, as the kernel's movablecore= (when zones= does not name Movable)");

static char *smm_param_min_free_kbytes = "0";
module_param_named(min_free_kbytes, smm_param_min_free_kbytes, charp, 0444);
MODULE_PARM_DESC(min_free_kbytes, "Reserve below the min watermarks, KiB (default 0: derived as the kernel does)");

static char *smm_param_thp = "auto";
module_param_named(thp, smm_param_thp, charp, 0444);
MODULE_PARM_DESC(thp, "Derive min_free_kbytes as a kernel with THP enabled (khugepaged raises it): on, off or auto (default: as this kernel's build config)");

static char *smm_param_watermark_boost_factor = "15000";
module_param_named(watermark_boost_factor, smm_param_watermark_boost_factor, charp, 0444);
MODULE_PARM_DESC(watermark_boost_factor, "vm.watermark_boost_factor: a fallback steal raises the watermarks up to this / 10000 of high, 0 to 2147483647; 0: no boost (default 15000, the kernel's)");

static char *smm_param_watermark_scale_factor = "10";
module_param_named(watermark_scale_factor, smm_param_watermark_scale_factor, charp, 0444);
MODULE_PARM_DESC(watermark_scale_factor, "vm.watermark_scale_factor: low and high sit this / 10000 of a zone above min (at least min / 4), 1 to 3000 (default 10, the kernel's); also debugfs vm/ and SYSCTL_SET at run time");

static char *smm_param_swappiness = "60";
module_param_named(swappiness, smm_param_swappiness, charp, 0444);
MODULE_PARM_DESC(swappiness, "vm.swappiness, 0 to 200 (default 60): with 0, proactive reclaim (RECLAIM) swaps nothing, as cgroup reclaim");

static bool smm_param_pcp = true;
module_param_named(pcp, smm_param_pcp, bool, 0444);
MODULE_PARM_DESC(pcp, "Per-CPU page lists for orders 0-3 (default on)");

static char *smm_param_cma = "0";
module_param_named(cma, smm_param_cma, charp, 0444);
MODULE_PARM_DESC(cma, "Bytes of CMA area at the top of the highest zone, whole 2 MiB pageblocks, K/M/G suffix (default 0: none)");

static char *smm_param_slab_policy = "slub";
module_param_named(slab_policy, smm_param_slab_policy, charp, 0444);
MODULE_PARM_DESC(slab_policy, "Allocator of the kmalloc-* caches, as CONFIG_SLUB/SLAB/SLOB chose one for all: slub, slab or slob (default slub)");

bool smm_param_debug_corrupt;
module_param_named(debug_corrupt, smm_param_debug_corrupt, bool, 0444);
MODULE_PARM_DESC(debug_corrupt, "Allow OBJ_CORRUPT and the stress file's corrupt option, which damage memory on purpose (tests only; default off)");

struct smm_dev smm_dev;

struct smm_params {
	u64 base, size, min_free_kbytes;	/* or SMM_MIN_FREE_KBYTES_AUTO* */
	u64 cma;				/* bytes of the CMA area, 0: none */
	u64 watermark_boost_factor;
	u64 watermark_scale_factor;
	u64 swappiness;
	u32 slab_policy;	/* of the kmalloc caches: enum smm_slab_policy */
	bool reserved;
	struct smm_zone_layout layout;
};

/* Each refusal is one pr_err line naming the parameter and its value. */
static int smm_parse_param(const char *name, const char *val, u64 *out)
{
	int ret = smm_parse_size(val ? val : "", out);

	if (ret)
		pr_err("invalid %s= value: '%s' (%s)\n", name, val ? val : "",
		       ret == -ERANGE ? "too large" : "expected a number with optional K/M/G/T");
	return ret ? -EINVAL : 0;
}

/* movablecore=: bytes of the range's top for Movable (core/zone.c checks it). */
static int smm_parse_movablecore(struct smm_params *p)
{
	const char *why;
	u64 bytes;
	int ret;

	ret = smm_parse_param("movablecore", smm_param_movablecore, &bytes);
	if (ret)
		return ret;
	why = smm_check_movablecore(bytes, p->size >> PAGE_SHIFT, &p->layout);
	if (why) {
		pr_err("%s: movablecore=%s\n", why, smm_param_movablecore);
		return -EINVAL;
	}
	p->layout.movablecore_frames = bytes >> PAGE_SHIFT;
	return 0;
}

/*
 * @name= as vm.@name takes it (proc_dointvec_minmax()): a decimal from
 * @min to @max. swappiness: 0 to 200; watermark_boost_factor: 0 (no
 * boost) to INT_MAX (extra1 = 0 and no ceiling); watermark_scale_factor:
 * 1 to 3000 (SYSCTL_ONE and 3000).
 */
static int smm_parse_sysctl_param(const char *name, const char *val, u64 min, u64 max,
				  u64 *out)
{
	int ret;

	val = val ? : "";
	ret = smm_parse_decimal(val, max, out);
	if (!ret && *out < min)
		ret = -ERANGE;
	if (ret)
		pr_err("invalid %s= value: '%s' (expected a whole number from %llu to %llu)\n",
		       name, val, min, max);
	return ret ? -EINVAL : 0;
}

/*
 * Is THP enabled in the running kernel, as khugepaged's
 * set_recommended_min_free_kbytes() asks (hugepage_flags_enabled():
 * "always" or "madvise")? Neither 6.1 nor 6.12 exports the flags
 * (transparent_hugepage_flags) or a helper that reads them, so "auto"
 * takes the kernel's build-time default: THP built in, and not
 * TRANSPARENT_HUGEPAGE_NEVER (6.12's third choice). A kernel booted with
 * transparent_hugepage=never, or switched at run time, needs thp=off/on.
 */
static int smm_thp_enabled(bool *on)
{
	if (!smm_param_thp || !strcmp(smm_param_thp, "auto")) {
		*on = IS_ENABLED(CONFIG_TRANSPARENT_HUGEPAGE) &&
		      !IS_ENABLED(CONFIG_TRANSPARENT_HUGEPAGE_NEVER);
		return 0;
	}
	if (kstrtobool(smm_param_thp, on)) {
		pr_err("invalid thp= value: '%s' (expected on, off or auto)\n", smm_param_thp);
		return -EINVAL;
	}
	return 0;
}

/* slab_policy=: the kmalloc caches' allocator by name. */
static int smm_parse_slab_policy(const char *val, u32 *out)
{
	static const char *const names[] = {
		[SMM_SLUB] = "slub", [SMM_SLAB] = "slab", [SMM_SLOB] = "slob",
	};
	u32 i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if (names[i] && val && !strcmp(val, names[i])) {
			*out = i;
			return 0;
		}
	}
	pr_err("invalid slab_policy= value: '%s' (expected slub, slab or slob)\n", val ? val : "");
	return -EINVAL;
}

/* Everything is checked before anything is claimed or allocated. */
static int smm_params_parse(struct smm_params *p)
{
	const char *why;
	bool thp;
	int ret;

	memset(p, 0, sizeof(*p));
	ret = smm_parse_param("size", smm_param_size, &p->size);
	if (!ret && smm_param_base && *smm_param_base) {
		p->reserved = true;
		ret = smm_parse_param("base", smm_param_base, &p->base);
	}
	if (!ret)
		ret = smm_parse_param("min_free_kbytes", smm_param_min_free_kbytes,
				      &p->min_free_kbytes);
	if (!ret)
		ret = smm_parse_sysctl_param("watermark_boost_factor",
					     smm_param_watermark_boost_factor, 0,
					     SMM_WATERMARK_BOOST_FACTOR_MAX,
					     &p->watermark_boost_factor);
	if (!ret)
		ret = smm_parse_sysctl_param("watermark_scale_factor",
					     smm_param_watermark_scale_factor,
					     SMM_WATERMARK_SCALE_FACTOR_MIN,
					     SMM_WATERMARK_SCALE_FACTOR_MAX,
					     &p->watermark_scale_factor);
	if (!ret)
		ret = smm_parse_sysctl_param("swappiness", smm_param_swappiness, 0,
					     SMM_SWAPPINESS_MAX, &p->swappiness);
	if (!ret)
		ret = smm_parse_param("cma", smm_param_cma, &p->cma);
	if (!ret)
		ret = smm_thp_enabled(&thp);
	if (!ret)
		ret = smm_parse_slab_policy(smm_param_slab_policy, &p->slab_policy);
	if (ret)
		return ret;
	if (p->min_free_kbytes > p->size >> 10 >> 2) {
		pr_err("min_free_kbytes exceeds a quarter of the range: min_free_kbytes=%llu size=%#llx\n",
		       p->min_free_kbytes, p->size);
		return -EINVAL;
	}
	/* min_free_kbytes= wins, as a value written to the kernel's sysctl does */
	if (p->min_free_kbytes == SMM_MIN_FREE_KBYTES_AUTO && thp)
		p->min_free_kbytes = SMM_MIN_FREE_KBYTES_AUTO_THP;
	if (smm_param_zones && *smm_param_zones) {
		why = smm_parse_zones(smm_param_zones, p->size >> PAGE_SHIFT, &p->layout);
		if (why) {
			pr_err("%s: zones=%s\n", why, smm_param_zones);
			return -EINVAL;
		}
	}
	return smm_parse_movablecore(p);
}

static void smm_backing_teardown(struct smm_dev *d)
{
	if (d->mode == SHADOWMM_MODE_RESERVED)
		smm_reserved_teardown(d);
	else
		smm_borrowed_teardown(d);
}

/*
 * zone_highsize() splits a zone's pcp high between the online CPUs of
 * the zone's node. The shadow's range counts as the memory of the node
 * the module loads on: on one node (the VMs) every online CPU. Counted
 * once, at load: the kernel counts again on CPU hotplug, the shadow not.
 */
static unsigned int smm_split_cpus(void)
{
	unsigned int n = cpumask_weight(cpumask_of_node(numa_node_id()));

	return n ? n : num_online_cpus();
}

static int smm_mm_setup(struct smm_dev *d, const struct smm_params *p)
{
	struct smm_mm_config cfg = {
		.layout = p->layout,
		.nr_cpus = nr_cpu_ids,
		.nr_split_cpus = smm_split_cpus(),
		.pcp_enabled = smm_param_pcp,
		.min_free_kbytes = p->min_free_kbytes,
		.watermark_boost_factor = p->watermark_boost_factor,
		.watermark_scale_factor = p->watermark_scale_factor,
	};
	int ret = smm_mm_init(&d->mm, &d->range, &cfg);
	const char *why;

	if (ret) {
		pr_err("cannot set up the shadow mm (%d): size=%#llx\n", ret, d->size);
		return ret;
	}
	/* before anything allocates: checked in smm_params_parse(), cannot fail */
	ret = smm_set_watermark_boost_factor(&d->mm, p->watermark_boost_factor);
	if (!ret)
		ret = smm_set_swappiness(&d->mm, p->swappiness, &why);
	WARN_ON_ONCE(ret);
	if (!ret) {
		ret = smm_cma_init(&d->mm, p->cma >> PAGE_SHIFT, &why);
		if (ret && why)
			pr_err("%s: cma=%s\n", why, smm_param_cma);
	}
	if (!ret)
		ret = smm_page_owner_setup(&d->mm);
	if (ret)
		smm_mm_destroy(&d->mm);
	else
		smm_spaces_oom_setup(&d->mm);
	return ret;
}

/*
 * The CPUs calculate_order() sizes slabs for, as SLUB does: the present
 * ones, or nr_cpu_ids when that is one or none.
 */
static unsigned int smm_slab_order_cpus(void)
{
	unsigned int n = num_present_cpus();

	return n <= 1 ? nr_cpu_ids : n;
}

/* The slab layer: its caches (core/slab.h) and the registry of user space's objects. */
static int smm_slab_setup(struct smm_dev *d, u32 policy)
{
	int ret;

	mutex_init(&d->nl_slab_lock);
	smm_objs_init(d);
	smm_slab_reap_init(d);
	ret = smm_slabs_init_policy(&d->slabs, &d->mm, get_random_u32(), smm_slab_order_cpus(),
				    policy);
	if (!ret)
		smm_slab_reap_kick(d);	/* slab_policy=slab: the kmalloc caches are SLAB's */
	return ret;
}

/* The reaper first: no pass may meet a cache on its way out. */
static void smm_slab_teardown(struct smm_dev *d)
{
	smm_slab_reap_stop(d);
	smm_objs_destroy(d);
	smm_slabs_destroy(&d->slabs);
}

static int __init smm_init(void)
{
	struct smm_dev *d = &smm_dev;
	struct smm_params p;
	int ret;

	ret = smm_params_parse(&p);
	if (ret)
		return ret;
	mutex_init(&d->nl_page_lock);

	ret = p.reserved ? smm_reserved_setup(d, p.base, p.size) : smm_borrowed_setup(d, p.size);
	if (ret)
		return ret;
	ret = smm_mm_setup(d, &p);
	if (ret)
		goto err_backing;
	ret = smm_slab_setup(d, p.slab_policy);
	if (ret) {
		pr_err("cannot create the kmalloc caches (%d)\n", ret);
		goto err_mm;
	}
	ret = smm_kshadowd_start(&d->mm);
	if (ret) {
		pr_err("cannot start kshadowd (%d)\n", ret);
		smm_slab_teardown(d);
		goto err_mm;
	}
	ret = smm_kcompactd_start(&d->mm);
	if (ret) {
		pr_err("cannot start kcompactd (%d)\n", ret);
		smm_kshadowd_stop();
		smm_slab_teardown(d);
		goto err_mm;
	}
	smm_debugfs_init(d);
	ret = smm_nl_register();
	if (ret) {
		pr_err("cannot register the generic netlink family (%d)\n", ret);
		goto err_debugfs;
	}

	pr_info("managing %llu frames (%llu MiB) in %u section(s), %s mode\n",
		d->range.nr_frames, d->size >> 20, d->range.nr_sections,
		d->mode == SHADOWMM_MODE_RESERVED ? "reserved" : "borrowed");
	return 0;

err_debugfs:
	smm_debugfs_exit(d);
	smm_kcompactd_stop();
	smm_kshadowd_stop();
	smm_slab_teardown(d);
err_mm:
	smm_mm_destroy(&d->mm);
	smm_page_owner_teardown();
err_backing:
	smm_backing_teardown(d);
	return ret;
}

static void __exit smm_exit(void)
{
	struct smm_dev *d = &smm_dev;

	smm_nl_unregister();
	smm_debugfs_exit(d);
	/* their accesses and its passes read the spaces: stopped before they go */
	smm_workloads_stop_all();
	smm_kcompactd_stop();
	smm_kshadowd_stop();
	smm_spaces_destroy_all();
	smm_files_close_all();
	smm_swap_teardown();
	smm_slab_teardown(d);
	smm_mm_destroy(&d->mm);
	smm_page_owner_teardown();
	smm_backing_teardown(d);
}

module_init(smm_init);
module_exit(smm_exit);

MODULE_DESCRIPTION("Shadow memory manager: buddy, slab and page tables over a reserved range");
MODULE_AUTHOR("The shadowmm developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(SMM_VERSION);
