// SPDX-License-Identifier: GPL-2.0
/*
 * Borrowed backing: without a reserved range, take size= bytes from the
 * kernel's page allocator in the largest blocks it will give, and manage
 * them as sections of one range. Every block goes back on unload.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/list_sort.h>
#include <linux/mm.h>
#include <linux/sched.h>

#include "smm.h"
#include "core/param.h"

/*
 * Never borrow more than half of RAM: the module must not push the machine
 * it inspects into reclaim storms or the OOM killer.
 */
static u64 smm_borrow_limit(void)
{
	return (u64)totalram_pages() << PAGE_SHIFT >> 1;
}

static void smm_blocks_free(struct list_head *blocks)
{
	struct page *page, *tmp;

	list_for_each_entry_safe(page, tmp, blocks, lru) {
		list_del(&page->lru);
		__free_pages(page, page_private(page));
		cond_resched();
	}
}

/*
 * Largest blocks first, stepping down an order whenever the allocator says
 * no. __GFP_NORETRY keeps high orders from reclaiming or compacting hard;
 * only order 0 failing means there really is not enough memory.
 */
static int smm_blocks_alloc(struct list_head *blocks, unsigned long nr_pages)
{
	const gfp_t gfp = GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY;
	unsigned int order = SMM_MAX_ORDER;

	while (nr_pages) {
		struct page *page;

		order = min_t(unsigned int, order, ilog2(nr_pages));
		page = alloc_pages(order ? gfp : GFP_KERNEL | __GFP_NOWARN, order);
		if (!page) {
			if (!order)
				return -ENOMEM;
			order--;
			continue;
		}
		set_page_private(page, order);
		list_add_tail(&page->lru, blocks);
		nr_pages -= 1UL << order;
		cond_resched();
	}
	return 0;
}

static int smm_block_cmp(void *priv, const struct list_head *a, const struct list_head *b)
{
	unsigned long pa = page_to_pfn(list_entry(a, struct page, lru));
	unsigned long pb = page_to_pfn(list_entry(b, struct page, lru));

	return pa < pb ? -1 : pa > pb;
}

/* Physically adjacent blocks become one section. */
static u32 smm_blocks_count_sections(struct list_head *blocks)
{
	unsigned long end = 0;
	struct page *page;
	u32 n = 0;

	list_for_each_entry(page, blocks, lru) {
		if (!n || page_to_pfn(page) != end)
			n++;
		end = page_to_pfn(page) + (1UL << page_private(page));
	}
	return n;
}

static int smm_blocks_to_range(struct smm_range *r, struct list_head *blocks)
{
	struct page *page, *first = NULL;
	unsigned long nr = 0;
	int ret;

	ret = smm_range_init(r, smm_blocks_count_sections(blocks));
	if (ret)
		return ret;
	list_for_each_entry(page, blocks, lru) {
		if (first && page_to_pfn(page) == page_to_pfn(first) + nr) {
			nr += 1UL << page_private(page);
			continue;
		}
		if (first) {
			ret = smm_range_add_section(r, page_to_pfn(first), nr, page_address(first));
			if (ret)
				return ret;
		}
		first = page;
		nr = 1UL << page_private(page);
	}
	ret = smm_range_add_section(r, page_to_pfn(first), nr, page_address(first));
	if (ret)
		return ret;
	return smm_range_finish(r);
}

int smm_borrowed_setup(struct smm_dev *d, u64 size)
{
	const char *why = smm_check_size(size);
	int ret;

	if (!why && size > smm_borrow_limit())
		why = "size exceeds half of RAM, too large to borrow";
	if (why) {
		pr_err("%s: size=%#llx\n", why, size);
		return -EINVAL;
	}

	INIT_LIST_HEAD(&d->blocks);
	ret = smm_blocks_alloc(&d->blocks, PHYS_PFN(size));
	if (ret) {
		pr_err("cannot borrow memory: size=%#llx\n", size);
		goto err_free;
	}
	list_sort(NULL, &d->blocks, smm_block_cmp);

	ret = smm_blocks_to_range(&d->range, &d->blocks);
	if (ret) {
		pr_err("cannot describe the borrowed range (%d): size=%#llx\n", ret, size);
		goto err_range;
	}

	d->mode = SHADOWMM_MODE_BORROWED;
	d->base = 0;
	d->size = size;
	return 0;

err_range:
	smm_range_destroy(&d->range);
err_free:
	smm_blocks_free(&d->blocks);
	return ret;
}

void smm_borrowed_teardown(struct smm_dev *d)
{
	smm_range_destroy(&d->range);
	smm_blocks_free(&d->blocks);
}
