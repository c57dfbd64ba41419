// SPDX-License-Identifier: GPL-2.0
/*
 * page_owner's records (core/page_owner.h): set on every allocation
 * path, at the block's head only, with the calling context; marked
 * freed (kept, with the free time and stack) on every free path;
 * absent, and every hook a no-op, while recording is off. This build
 * has SMM_PAGE_OWNER, so the hooks run as with page_owner=on; the test
 * context stands in for the task (smm_user_page_owner_ctx) and the
 * stack depot (smm_user_page_owner_stack counts handles up). One zone,
 * DMA32, 4096 frames at pfn 0x10000, one CPU with its lists:
 *
 *   0                                                    4096
 *   [ DMA32: four order-10 blocks .......................... ]
 */
#include <string.h>

#include "harness.h"
#include "common.h"
#include "../../../module/core/page_owner.h"

#define PO_FRAMES	4096

static const struct smm_test_section po_sec = { 0x10000, PO_FRAMES };

/* A netlink request from "smmctl" (pid 42 of tgid 40, port 7), stacks from 100. */
static void po_as_smmctl(void)
{
	memset(&smm_user_page_owner_ctx, 0, sizeof(smm_user_page_owner_ctx));
	smm_user_page_owner_ctx.pid = 42;
	smm_user_page_owner_ctx.tgid = 40;
	smm_user_page_owner_ctx.portid = 7;
	strcpy(smm_user_page_owner_ctx.comm, "smmctl");
	smm_user_page_owner_stack = 100;
}

/* How many allocated blocks the debugfs walk lists, and their pages. */
static unsigned int po_listed(const struct smm_mm *mm, u64 *pages)
{
	struct smm_page_owner po;
	unsigned int n = 0;
	u64 pos = 0, head;

	*pages = 0;
	while (smm_page_owner_next(mm, &pos, &head, &po)) {
		n++;
		*pages += 1ULL << po.order;
	}
	return n;
}

/*
 * An order-3 movable block from the slow path (an empty list) and an
 * order-0 one from the fast path (the CPU's list, refilled before by
 * the same kind of request): each head's record has the order, the flags (the
 * core's SMM_GFP_DIRECT_RECLAIM left out), their migratetype, the
 * context (pid, tgid, comm, port), a stack and a time; a tail of the
 * order-3 block answers with its head's record; the walk lists the two
 * blocks, 9 pages.
 */
SMM_TEST(page_owner_records_set_on_alloc)
{
	struct smm_test_mm t;
	struct smm_page_owner po;
	u64 big, small, head, pages;

	ASSERT_EQ(smm_test_mm_init(&t, &po_sec, 1, NULL, true, 1), 0);
	ASSERT_EQ(smm_page_owner_init(&t.mm), 0);
	/* a first order-0 block refills the list (the slow path); the next comes off it */
	ASSERT_EQ(smm_alloc_pages(&t.mm, 0, SHADOWMM_GFP_RECLAIMABLE, 0, &small), 0);
	smm_free_pages(&t.mm, small, 0);
	po_as_smmctl();
	ASSERT_EQ(smm_alloc_pages(&t.mm, 3, SHADOWMM_GFP_MOVABLE | SMM_GFP_DIRECT_RECLAIM, 0, &big), 0);
	ASSERT_EQ(smm_alloc_pages(&t.mm, 0, SHADOWMM_GFP_RECLAIMABLE, 0, &small), 0);

	/* the flags user space can name: the core's own reclaim bit is not one */
	ASSERT_EQ(smm_page_owner_get(&t.mm, big, &head, &po), 0);
	EXPECT_EQ(head, big);
	EXPECT_EQ(po.state, SMM_PAGE_OWNER_ALLOCATED);
	EXPECT_EQ(po.order, 3);
	EXPECT_EQ(po.gfp, SHADOWMM_GFP_MOVABLE);
	EXPECT_EQ(po.mt, SHADOWMM_MT_MOVABLE);
	EXPECT_EQ(po.pid, 42);
	EXPECT_EQ(po.tgid, 40);
	EXPECT_EQ(po.portid, 7);
	ASSERT_STREQ(po.comm, "smmctl");
	EXPECT_EQ(po.handle, 100);
	EXPECT_TRUE(po.ts_nsec > 0);
	EXPECT_EQ(po.last_migrate_reason, SMM_MR_NONE);

	/* a tail: the head holds the record */
	ASSERT_EQ(smm_page_owner_get(&t.mm, big + 5, &head, &po), 0);
	EXPECT_EQ(head, big);
	EXPECT_EQ(po.order, 3);

	ASSERT_EQ(smm_page_owner_get(&t.mm, small, &head, &po), 0);
	EXPECT_EQ(po.order, 0);
	EXPECT_EQ(po.mt, SHADOWMM_MT_RECLAIMABLE);
	EXPECT_EQ(po.handle, 101);

	EXPECT_EQ(po_listed(&t.mm, &pages), 2);
	EXPECT_EQ(pages, 9);
	EXPECT_EQ(smm_page_owner_get(&t.mm, PO_FRAMES, &head, &po), -EINVAL);
	smm_free_pages(&t.mm, big, 0);
	smm_free_pages(&t.mm, small, 0);
	smm_test_mm_destroy(&t);
}

/*
 * Freeing, by the list (order 0), by the buddy (order 5) and in bulk:
 * each record stays, marked freed, with its allocation's context, a free
 * time not before the allocation's and the free's stack; the walk lists
 * none of them.
 */
SMM_TEST(page_owner_marked_freed_on_free)
{
	struct smm_test_mm t;
	struct smm_page_owner po;
	u64 idx[4], big, head, pages;
	unsigned int i;

	ASSERT_EQ(smm_test_mm_init(&t, &po_sec, 1, NULL, true, 1), 0);
	ASSERT_EQ(smm_page_owner_init(&t.mm), 0);
	po_as_smmctl();
	ASSERT_EQ(smm_alloc_pages(&t.mm, 5, 0, 0, &big), 0);
	ASSERT_EQ(smm_alloc_pages_bulk(&t.mm, SHADOWMM_GFP_MOVABLE, 0, 4, idx), 4);
	EXPECT_EQ(po_listed(&t.mm, &pages), 5);
	EXPECT_EQ(pages, 32 + 4);
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(smm_page_owner_get(&t.mm, idx[i], &head, &po), 0);
		EXPECT_EQ(po.state, SMM_PAGE_OWNER_ALLOCATED);
		EXPECT_EQ(po.pid, 42);
	}

	smm_user_page_owner_stack = 500;
	smm_free_pages(&t.mm, big, 0);
	ASSERT_EQ(smm_page_owner_get(&t.mm, big, &head, &po), 0);
	EXPECT_EQ(po.state, SMM_PAGE_OWNER_FREED);
	EXPECT_EQ(po.order, 5);
	EXPECT_EQ(po.pid, 42);
	EXPECT_EQ(po.handle, 100);
	EXPECT_EQ(po.free_handle, 500);
	EXPECT_TRUE(po.free_ts_nsec >= po.ts_nsec);
	EXPECT_EQ(po_listed(&t.mm, &pages), 4);

	smm_free_pages_bulk(&t.mm, 0, 4, idx);
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(smm_page_owner_get(&t.mm, idx[i], &head, &po), 0);
		EXPECT_EQ(po.state, SMM_PAGE_OWNER_FREED);
		EXPECT_TRUE(po.free_handle != 0);
	}
	EXPECT_EQ(po_listed(&t.mm, &pages), 0);
	EXPECT_EQ(pages, 0);
	EXPECT_EQ(smm_test_check(&t.mm), 0);
	smm_test_mm_destroy(&t);
}

/*
 * Merging: two order-0 buddies freed and drained merge; an order-1
 * allocation over them writes a new record at the head, and the other
 * index's freed record, now a tail, is neither listed nor answered (a
 * frame of the block answers with the head's). In-kernel context: pid
 * 0, port 0, the thread's name.
 */
SMM_TEST(page_owner_merge_and_kthread_context)
{
	struct smm_test_mm t;
	struct smm_page_owner po;
	u64 a, b, pair, head, pages;

	ASSERT_EQ(smm_test_mm_init(&t, &po_sec, 1, NULL, false, 1), 0);
	ASSERT_EQ(smm_page_owner_init(&t.mm), 0);
	po_as_smmctl();
	ASSERT_EQ(smm_alloc_pages(&t.mm, 0, 0, 0, &a), 0);
	ASSERT_EQ(smm_alloc_pages(&t.mm, 0, 0, 0, &b), 0);
	ASSERT_EQ(a ^ b, 1);		/* buddies: the buddy splits the lowest block */
	smm_free_pages(&t.mm, a, 0);
	smm_free_pages(&t.mm, b, 0);

	memset(&smm_user_page_owner_ctx, 0, sizeof(smm_user_page_owner_ctx));
	strcpy(smm_user_page_owner_ctx.comm, "kshadowd");
	ASSERT_EQ(smm_alloc_pages(&t.mm, 1, 0, 0, &pair), 0);
	ASSERT_EQ(pair, a < b ? a : b);
	ASSERT_EQ(smm_page_owner_get(&t.mm, pair + 1, &head, &po), 0);
	EXPECT_EQ(head, pair);
	EXPECT_EQ(po.state, SMM_PAGE_OWNER_ALLOCATED);
	EXPECT_EQ(po.order, 1);
	EXPECT_EQ(po.pid, 0);
	EXPECT_EQ(po.portid, 0);
	ASSERT_STREQ(po.comm, "kshadowd");
	EXPECT_EQ(po_listed(&t.mm, &pages), 1);
	EXPECT_EQ(pages, 2);
	smm_free_pages(&t.mm, pair, 0);
	smm_test_mm_destroy(&t);
}

/*
 * Recording off (no smm_page_owner_init()): allocations and frees work,
 * nothing is recorded, a query says -ENODATA, the walk lists nothing.
 */
SMM_TEST(page_owner_off_records_nothing)
{
	struct smm_test_mm t;
	struct smm_page_owner po;
	u64 idx, head, pages;

	ASSERT_EQ(smm_test_mm_init(&t, &po_sec, 1, NULL, true, 1), 0);
	po_as_smmctl();
	ASSERT_EQ(smm_alloc_pages(&t.mm, 2, 0, 0, &idx), 0);
	EXPECT_TRUE(t.mm.page_owner == NULL);
	EXPECT_EQ(smm_page_owner_get(&t.mm, idx, &head, &po), -ENODATA);
	EXPECT_EQ(po_listed(&t.mm, &pages), 0);
	smm_free_pages(&t.mm, idx, 0);
	EXPECT_EQ(smm_user_page_owner_stack, 100);	/* no stack was taken */
	smm_test_mm_destroy(&t);
}

/*
 * A head no hook saw: compaction's free scanner cuts a free block into
 * PAGE heads it holds as migration targets (__smm_isolate_free_block()),
 * without the allocator's entry. The freed record still at that index
 * must not make the walk list it: four order-0 blocks, the first freed
 * and isolated, three listed. Given back, CHECK holds.
 *
 *   0   1   2   3
 *   [a] [b] [c] [d] ...    a freed, then isolated: a PAGE head, record freed
 */
SMM_TEST(page_owner_unhooked_head_not_listed)
{
	struct smm_test_mm t;
	struct smm_page_owner po;
	struct smm_zone *z;
	u64 idx[4], head, pages;
	unsigned int i;

	ASSERT_EQ(smm_test_mm_init(&t, &po_sec, 1, NULL, false, 1), 0);
	ASSERT_EQ(smm_page_owner_init(&t.mm), 0);
	po_as_smmctl();
	for (i = 0; i < 4; i++)
		ASSERT_EQ(smm_alloc_pages(&t.mm, 0, 0, 0, &idx[i]), 0);
	smm_free_pages(&t.mm, idx[0], 0);
	z = &t.mm.zones[smm_zone_of(&t.mm, idx[0])];
	ASSERT_EQ(smm_frame_type(&t.mm.frames[idx[0]]), SMM_FRAME_FREE);
	smm_lock(&z->lock);
	smm_seq_write_begin(&z->seq);
	EXPECT_EQ(__smm_isolate_free_block(&t.mm, z, idx[0], SHADOWMM_MT_MOVABLE), 0);
	smm_seq_write_end(&z->seq);
	smm_unlock(&z->lock);
	ASSERT_EQ(smm_frame_type(&t.mm.frames[idx[0]]), SMM_FRAME_PAGE);
	ASSERT_EQ(smm_page_owner_get(&t.mm, idx[0], &head, &po), 0);
	EXPECT_EQ(po.state, SMM_PAGE_OWNER_FREED);
	EXPECT_EQ(po_listed(&t.mm, &pages), 3);
	EXPECT_EQ(pages, 3);
	for (i = 0; i < 4; i++)
		smm_free_pages(&t.mm, idx[i], 0);
	EXPECT_EQ(smm_test_check(&t.mm), 0);
	smm_test_mm_destroy(&t);
}
