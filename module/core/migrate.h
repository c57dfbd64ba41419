/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Page migration (migrate.c), after mm/migrate.c of Linux 6.1
 * (migrate_pages(), migrate_folio(), folio_migrate_mapping(),
 * remove_migration_ptes()) for the one kind of page shadowmm can move:
 * an order-0 anonymous page of a shadow space on an LRU list, mapped by
 * exactly one PTE (its record's rmap, lru.h) or unmapped in the swap
 * cache (its record's slot, swap.h).
 *
 * Moving a page: its 4 KiB copied to the target, the PTE rewritten to
 * the target's frame with every other bit kept (A/D, write, user, NX),
 * or the swap cache's slot pointed at the target; the target's
 * descriptor takes the page's owner data (space id, anonymous bit, the
 * record number), the record its new frame; the old page is freed. No
 * migration entry is needed: the spaces' lock keeps every access to the
 * space out while the page moves, as the page lock and the migration
 * PTE keep them out in the kernel.
 *
 * What never moves, each refused with its reason (smm_migrate_refusal())
 * and counted in pgmigrate_fail when asked to: free pages, tails of a
 * larger block, slab pages, page-table pages, pages of LRU records,
 * in-kernel and netlink allocations (PAGE_ALLOC takes no movable
 * promise), pages SPACE_MAP mapped (no reverse map), and pages a scan
 * holds isolated. Nothing pins a page yet (no GUP): the pin command of
 * issue 19 comes with a later step. File pages do not exist yet either.
 *
 * Locking: every call runs with the spaces' lock held (the rmap and the
 * swap cache are under it) and no CPU pinned; lru.c's and the buddy's
 * locks are taken inside, in their files' order, never two at once.
 */
#ifndef _SMM_CORE_MIGRATE_H
#define _SMM_CORE_MIGRATE_H

#include "mm.h"

const char *smm_migrate_refusal(const struct smm_mm *mm, u64 frame);
int smm_migrate_isolated(struct smm_mm *mm, u64 frame, u64 target, const char **why);
int smm_migrate_page(struct smm_mm *mm, u64 frame, u64 *to, const char **why);

#endif /* _SMM_CORE_MIGRATE_H */
