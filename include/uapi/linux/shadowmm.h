/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * shadowmm: generic netlink interface of the shadow memory manager.
 *
 * Family "shadowmm", version SHADOWMM_GENL_VERSION. Enumerations are
 * append-only: a new attribute or command goes at the end so that older
 * tools keep working (they skip attribute types they do not know).
 *
 * Physical addresses (SHADOWMM_A_*_BASE) are only sent to callers with
 * CAP_SYS_ADMIN; everything else in INFO_GET and SECTION_GET is readable
 * by any user. Commands that change state carry GENL_ADMIN_PERM.
 */
#ifndef _UAPI_LINUX_SHADOWMM_H
#define _UAPI_LINUX_SHADOWMM_H

#define SHADOWMM_GENL_NAME		"shadowmm"
#define SHADOWMM_GENL_VERSION		1
#define SHADOWMM_MCGRP_EVENTS		"events"

enum shadowmm_cmd {
	SHADOWMM_CMD_UNSPEC,
	SHADOWMM_CMD_INFO_GET,		/* do: range, mode, sizes, versions */
	SHADOWMM_CMD_SECTION_GET,	/* dump: the backing sections */

	__SHADOWMM_CMD_MAX,
	SHADOWMM_CMD_MAX = __SHADOWMM_CMD_MAX - 1
};

/* Shadow zones, in the kernel's order (lowest first). */
enum shadowmm_zone {
	SHADOWMM_ZONE_DMA,
	SHADOWMM_ZONE_DMA32,
	SHADOWMM_ZONE_NORMAL,

	__SHADOWMM_ZONE_CNT
};

/* Migratetypes of pageblocks and free lists, as the kernel numbers them. */
enum shadowmm_migratetype {
	SHADOWMM_MT_UNMOVABLE,
	SHADOWMM_MT_MOVABLE,
	SHADOWMM_MT_RECLAIMABLE,

	__SHADOWMM_MT_CNT
};

/*
 * Shadow allocation flags (a small GFP). With no zone modifier the
 * allocation prefers NORMAL and falls back to DMA32, then DMA.
 */
#define SHADOWMM_GFP_DMA		(1U << 0)	/* zone modifier: DMA only */
#define SHADOWMM_GFP_DMA32		(1U << 1)	/* zone modifier: DMA32 and below */
#define SHADOWMM_GFP_MOVABLE		(1U << 2)	/* MIGRATE_MOVABLE */
#define SHADOWMM_GFP_RECLAIMABLE	(1U << 3)	/* MIGRATE_RECLAIMABLE */
#define SHADOWMM_GFP_ZERO		(1U << 4)	/* clear the memory */
#define SHADOWMM_GFP_HIGH		(1U << 5)	/* may dip to half of min */
#define SHADOWMM_GFP_RESERVE		(1U << 6)	/* may use the reserves below min */
#define SHADOWMM_GFP_ALL		((1U << 7) - 1)

/* How the managed frames are backed. */
enum shadowmm_mode {
	SHADOWMM_MODE_RESERVED = 1,	/* a range reserved by firmware/boot */
	SHADOWMM_MODE_BORROWED,		/* blocks taken from the page allocator */
};

/* SHADOWMM_CMD_INFO_GET reply */
enum shadowmm_a_info {
	SHADOWMM_A_INFO_UNSPEC,
	SHADOWMM_A_INFO_PAD,
	SHADOWMM_A_INFO_BASE,		/* u64: first physical address (admin) */
	SHADOWMM_A_INFO_SIZE,		/* u64: bytes managed */
	SHADOWMM_A_INFO_PAGE_SIZE,	/* u32: bytes per frame */
	SHADOWMM_A_INFO_NR_FRAMES,	/* u64: frames managed */
	SHADOWMM_A_INFO_SPAN_FRAMES,	/* u64: frame index space, holes included */
	SHADOWMM_A_INFO_MODE,		/* u32: enum shadowmm_mode */
	SHADOWMM_A_INFO_NR_SECTIONS,	/* u32 */
	SHADOWMM_A_INFO_DESC_BYTES,	/* u32: descriptor bytes per frame */
	SHADOWMM_A_INFO_VERSION,	/* string: module version */
	SHADOWMM_A_INFO_KERNEL,		/* string: running kernel release */
	SHADOWMM_A_INFO_MAX_ORDER,	/* u32: largest buddy order */

	__SHADOWMM_A_INFO_CNT,
	SHADOWMM_A_INFO_MAX = __SHADOWMM_A_INFO_CNT - 1
};

/* SHADOWMM_CMD_SECTION_GET dump: one message per section */
enum shadowmm_a_section {
	SHADOWMM_A_SECTION_UNSPEC,
	SHADOWMM_A_SECTION_PAD,
	SHADOWMM_A_SECTION_INDEX,	/* u32: section number */
	SHADOWMM_A_SECTION_BASE,	/* u64: physical address (admin) */
	SHADOWMM_A_SECTION_START,	/* u64: first frame index */
	SHADOWMM_A_SECTION_NR_FRAMES,	/* u64 */

	__SHADOWMM_A_SECTION_CNT,
	SHADOWMM_A_SECTION_MAX = __SHADOWMM_A_SECTION_CNT - 1
};

#endif /* _UAPI_LINUX_SHADOWMM_H */
