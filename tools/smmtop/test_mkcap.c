// SPDX-License-Identifier: GPL-2.0
/*
 * test_mkcap SIZE_MIB AVG_RUN REFRESHES OUT [NAME]: a synthetic capture for the
 * screen tests and the benchmark, built as the module would answer one
 * refresh (INFO_GET, ZONE_GET, FRAME_GET, CACHE_GET) for a reserved
 * range of SIZE_MIB, REFRESHES times with growing counters, and one
 * PT_WALK reply (a 4-level walk to a 4 KiB page, P4D folded) for the walk
 * view whatever address it asks for; each refresh also with a VMSTAT_GET
 * and a SWAP_GET reply whose reclaim counters grow by known steps, and a
 * FILE_GET dump of three open files (smmtop's page-cache panel: its
 * vmstat counters are among VMSTAT_GET's) and a SPACE_GET dump of two
 * shadow address spaces (smmtop's pressure panel, smmctl stats' test). NAME renames the last cache: a
 * name the module would refuse, to see a tool print it safely. With
 * MKCAP_OLD=1 in the environment the VMSTAT_GET, SWAP_GET and FILE_GET
 * replies are left out and the one SPACE_GET dump comes last, as in a capture
 * recorded before the pressure panel. With MKCAP_PACKED=1 the frame map
 * is FRAME_GET's packed reply (PACKED_START, PACKED_RUNS of struct
 * shadowmm_frame_rec), and of the allocated runs every sixteenth from
 * the 7th is anonymous (state space, anon), from the 15th anonymous and
 * shared, from the 1st page cache (page, file), from the 9th page cache
 * and dirty; it then prints "marks anon A file F dirty D shared S"
 * (frames with each mark) too.
 *
 * The frame map alternates free and allocated runs of 1 .. 2 * AVG_RUN
 * frames from a fixed pseudo-random sequence (the same file every time);
 * every fourth allocated run is slab frames and every eighth, from the
 * third, page-table frames, so the map shows those states too;
 * zones are DMA (the first 16 MiB) and Normal (the rest); each zone's
 * free area is what its free runs break into as aligned buddy blocks,
 * and its fragmentation indexes follow mm/vmstat.c's formulas, so
 * everything agrees the way the module's replies agree.
 *
 * Prints one line per zone, "zone NAME free N managed M", one per
 * cache, "cache NAME objs N active A slabs S", and one per space,
 * "space ID frames F rss_anon R swap S tables T vmas V", for the tests.
 */
#include <endian.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/genetlink.h>

#include "../lib/libsmm.h"

#define MK_DGRAM	(32 * 1024)
#define MK_DMA_FRAMES	((uint64_t)4096)
#define MK_MAX_ORDER	10

struct mk_zone {
	uint64_t start, end, free, nr_free[SMMC_NR_ORDERS];
};

static struct mk_zone zones[2];
static struct smmc_capture *cap;
static char *buf;
static size_t used;
static uint32_t lcg = 12345;

static uint32_t mk_rand(void)
{
	lcg = lcg * 1103515245 + 12345;
	return lcg >> 8;
}

static struct nlmsghdr *mk_msg(uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf + used);
	struct genlmsghdr *g;

	nlh->nlmsg_type = GENL_MIN_ID;
	nlh->nlmsg_flags = flags;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = SHADOWMM_GENL_VERSION;
	return nlh;
}

static void mk_end(struct nlmsghdr *nlh)
{
	used += nlh->nlmsg_len;
}

static void mk_flush(uint8_t cmd, bool first)
{
	if (smmc_capture_put(cap, cmd, first, buf, used)) {
		perror("test_mkcap: write");
		exit(1);
	}
	used = 0;
}

static void mk_done(uint8_t cmd)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf + used);
	int zero = 0;

	nlh->nlmsg_type = NLMSG_DONE;
	nlh->nlmsg_flags = NLM_F_MULTI;
	memcpy(mnl_nlmsg_put_extra_header(nlh, sizeof(zero)), &zero, sizeof(zero));
	mk_end(nlh);
	mk_flush(cmd, false);
}

/* The ack closing a do request's reply, and the reply flushed. */
static void mk_ack(uint8_t cmd)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf + used);
	struct nlmsgerr *e;

	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = NLM_F_CAPPED;
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
	e->error = 0;
	mk_end(nlh);
	mk_flush(cmd, true);
}

static void mk_info(uint64_t frames)
{
	struct nlmsghdr *nlh = mk_msg(SHADOWMM_CMD_INFO_GET, 0);

	mnl_attr_put_u64(nlh, SHADOWMM_A_INFO_BASE, 0x40000000);
	mnl_attr_put_u64(nlh, SHADOWMM_A_INFO_SIZE, frames * 4096);
	mnl_attr_put_u32(nlh, SHADOWMM_A_INFO_PAGE_SIZE, 4096);
	mnl_attr_put_u64(nlh, SHADOWMM_A_INFO_NR_FRAMES, frames);
	mnl_attr_put_u64(nlh, SHADOWMM_A_INFO_SPAN_FRAMES, frames);
	mnl_attr_put_u32(nlh, SHADOWMM_A_INFO_MODE, SHADOWMM_MODE_RESERVED);
	mnl_attr_put_u32(nlh, SHADOWMM_A_INFO_NR_SECTIONS, 1);
	mnl_attr_put_u32(nlh, SHADOWMM_A_INFO_DESC_BYTES, 16);
	mnl_attr_put_strz(nlh, SHADOWMM_A_INFO_VERSION, "0.1.0");
	mnl_attr_put_strz(nlh, SHADOWMM_A_INFO_KERNEL, "6.1.0-capture");
	mnl_attr_put_u32(nlh, SHADOWMM_A_INFO_MAX_ORDER, MK_MAX_ORDER);
	mk_end(nlh);
	mk_ack(SHADOWMM_CMD_INFO_GET);
}

/*
 * The reclaim counters at refresh @r: each grows by a fixed step per
 * refresh (kswapd scans 400 a refresh over 1000 before the first, steals
 * 300; direct reclaim scans 100, steals 50), so the tests know the
 * totals, the rates and the efficiencies. oom_kill stays at 1.
 */
static const struct mk_counter {
	const char *name;
	uint64_t base, step;
} mk_counters[] = {
	{ "nr_free_pages",	0,    0 },
	{ "pswpin",		0,    10 },
	{ "pswpout",		0,    200 },
	{ "allocstall_dma",	0,    1 },
	{ "allocstall_normal",	0,    2 },
	{ "pgsteal_kswapd",	0,    300 },
	{ "pgsteal_direct",	0,    50 },
	{ "pgscan_kswapd",	1000, 400 },
	{ "pgscan_direct",	0,    100 },
	{ "oom_kill",		1,    0 },
	{ "pgmigrate_success",	0,    400 },
	{ "compact_migrate_scanned", 0, 2000 },
	{ "compact_free_scanned", 0,  3000 },
	{ "compact_isolated",	0,    800 },
	{ "compact_stall",	0,    1 },
	{ "compact_daemon_wake", 2,   1 },
	{ "nr_file_pages",	2112, 0 },
	{ "nr_active_file",	2048, 0 },
	{ "nr_inactive_file",	64,   0 },
	{ "nr_dirty",		3,    0 },
	{ "nr_writeback",	0,    0 },
	{ "workingset_refault_file", 0, 16 },
	{ "workingset_refault_anon", 0, 4 },
	{ "workingset_activate_file", 0, 8 },
	{ "workingset_activate_anon", 0, 2 },
	{ "pgpgin",		8192, 64 },
};

static void mk_vmstat(unsigned int r)
{
	struct nlmsghdr *nlh = mk_msg(SHADOWMM_CMD_VMSTAT_GET, 0);
	struct nlattr *all = mnl_attr_nest_start(nlh, SHADOWMM_A_VMSTAT_COUNTERS), *c;
	unsigned int i;

	for (i = 0; i < sizeof(mk_counters) / sizeof(mk_counters[0]); i++) {
		c = mnl_attr_nest_start(nlh, SHADOWMM_A_VMSTAT_COUNTER);
		mnl_attr_put_strz(nlh, SHADOWMM_A_VMSTAT_CTR_NAME, mk_counters[i].name);
		mnl_attr_put_u64(nlh, SHADOWMM_A_VMSTAT_CTR_VALUE,
				 mk_counters[i].base + mk_counters[i].step * r);
		mnl_attr_nest_end(nlh, c);
	}
	mnl_attr_nest_end(nlh, all);
	mk_end(nlh);
	mk_ack(SHADOWMM_CMD_VMSTAT_GET);
}

/* A 64 MiB swap area, 100 more pages used each refresh. */
static void mk_swap(unsigned int r)
{
	struct nlmsghdr *nlh = mk_msg(SHADOWMM_CMD_SWAP_GET, 0);

	mnl_attr_put_u64(nlh, SHADOWMM_A_SWAP_SIZE, 64ULL << 20);
	mnl_attr_put_u64(nlh, SHADOWMM_A_SWAP_USED, 100ULL * r * 4096);
	mnl_attr_put_u32(nlh, SHADOWMM_A_SWAP_PRIORITY, (uint32_t)-2);
	mnl_attr_put_u64(nlh, SHADOWMM_A_SWAP_PSWPIN, 10ULL * r);
	mnl_attr_put_u64(nlh, SHADOWMM_A_SWAP_PSWPOUT, 200ULL * r);
	mk_end(nlh);
	mk_ack(SHADOWMM_CMD_SWAP_GET);
}

static void mk_u64_array(struct nlmsghdr *nlh, int type, const uint64_t *v, unsigned int n)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, type);
	unsigned int i;

	for (i = 0; i < n; i++)
		mnl_attr_put_u64(nlh, i + 1, v[i]);
	mnl_attr_nest_end(nlh, nest);
}

static int mk_unusable(const uint64_t *nr_free, unsigned int order)
{
	uint64_t pages = 0, suitable = 0;
	unsigned int o;

	for (o = 0; o < SMMC_NR_ORDERS; o++) {
		pages += nr_free[o] << o;
		if (o >= order)
			suitable += nr_free[o] << (o - order);
	}
	return pages ? (pages - (suitable << order)) * 1000 / pages : 1000;
}

static int mk_extfrag(const uint64_t *nr_free, unsigned int order)
{
	uint64_t pages = 0, suitable = 0, blocks = 0;
	unsigned int o;

	for (o = 0; o < SMMC_NR_ORDERS; o++) {
		blocks += nr_free[o];
		pages += nr_free[o] << o;
		if (o >= order)
			suitable += nr_free[o] << (o - order);
	}
	if (!blocks)
		return 0;
	if (suitable)
		return -1000;
	return 1000 - (int)((1000 + pages * 1000 / (1ULL << order)) / blocks);
}

/*
 * Compaction: none yet in DMA; in Normal run number REFRESH, order 9,
 * still scanning, each scanner 1024 frames further in each refresh (the
 * migrate scanner from the zone's start, the free scanner's pageblock
 * from its last one).
 */
static void mk_compact(struct nlmsghdr *nlh, unsigned int id, unsigned int refresh)
{
	const struct mk_zone *z = &zones[1];

	mnl_attr_put_u64(nlh, SHADOWMM_A_ZONE_COMPACT_RUNS, id == 2 ? refresh : 0);
	if (id != 2)
		return;
	mnl_attr_put_u8(nlh, SHADOWMM_A_ZONE_COMPACT_RUNNING, 1);
	mnl_attr_put_u32(nlh, SHADOWMM_A_ZONE_COMPACT_ORDER, 9);
	mnl_attr_put_u64(nlh, SHADOWMM_A_ZONE_COMPACT_MIGRATE_PFN, z->start + 1024ULL * refresh);
	mnl_attr_put_u64(nlh, SHADOWMM_A_ZONE_COMPACT_FREE_PFN, z->end - 512 - 1024ULL * refresh);
}

static void mk_zone_msg(unsigned int id, unsigned int refresh)
{
	static const char *const names[] = { "DMA", "DMA32", "Normal" };
	const struct mk_zone *z = &zones[id ? 1 : 0];
	struct nlmsghdr *nlh = mk_msg(SHADOWMM_CMD_ZONE_GET, NLM_F_MULTI);
	uint64_t ops[SMMC_NR_ORDERS] = { 0 }, mt[SMMC_NR_MT];
	uint64_t managed = id == 1 ? 0 : z->end - z->start, wmin = managed / 64;
	/* Normal had a fallback steal: a pageblock of boost, and of highatomic reserve */
	uint64_t boost = id == 2 ? 512 : 0;
	struct nlattr *area, *stats;
	unsigned int o;

	mnl_attr_put_u32(nlh, SHADOWMM_A_ZONE_ID, id);
	mnl_attr_put_strz(nlh, SHADOWMM_A_ZONE_NAME, names[id]);
	mnl_attr_put_u64(nlh, SHADOWMM_A_ZONE_START, id == 1 ? 0 : z->start);
	mnl_attr_put_u64(nlh, SHADOWMM_A_ZONE_SPANNED, managed);
	mnl_attr_put_u64(nlh, SHADOWMM_A_ZONE_PRESENT, managed);
	mnl_attr_put_u64(nlh, SHADOWMM_A_ZONE_MANAGED, managed);
	mnl_attr_put_u64(nlh, SHADOWMM_A_ZONE_FREE, id == 1 ? 0 : z->free);
	mnl_attr_put_u64(nlh, SHADOWMM_A_ZONE_PCP, 0);
	mnl_attr_put_u64(nlh, SHADOWMM_A_ZONE_WMARK_MIN, wmin + boost);
	mnl_attr_put_u64(nlh, SHADOWMM_A_ZONE_WMARK_LOW, wmin * 5 / 4 + boost);
	mnl_attr_put_u64(nlh, SHADOWMM_A_ZONE_WMARK_HIGH, wmin * 3 / 2 + boost);
	mnl_attr_put_u64(nlh, SHADOWMM_A_ZONE_BOOST, boost);
	mnl_attr_put_u64(nlh, SHADOWMM_A_ZONE_NR_RESERVED_HIGHATOMIC, boost);
	if (id == 1)
		goto out;
	/* LRU lists: DMA 10 20 0 0 1, Normal 30 40 0 0 3, plus 5 inactive anon a refresh */
	mnl_attr_put_u64(nlh, SHADOWMM_A_ZONE_NR_INACTIVE_ANON, (id ? 30 : 10) + 5 * refresh);
	mnl_attr_put_u64(nlh, SHADOWMM_A_ZONE_NR_ACTIVE_ANON, id ? 40 : 20);
	mnl_attr_put_u64(nlh, SHADOWMM_A_ZONE_NR_INACTIVE_FILE, 0);
	mnl_attr_put_u64(nlh, SHADOWMM_A_ZONE_NR_ACTIVE_FILE, 0);
	mnl_attr_put_u64(nlh, SHADOWMM_A_ZONE_NR_UNEVICTABLE, id ? 3 : 1);
	mk_compact(nlh, id, refresh);
	if (id == 1)
		goto out;
	area = mnl_attr_nest_start(nlh, SHADOWMM_A_ZONE_FREE_AREA);
	for (o = 0; o < SMMC_NR_ORDERS; o++) {
		struct nlattr *a = mnl_attr_nest_start(nlh, o + 1);

		mnl_attr_put_u32(nlh, SHADOWMM_A_AREA_ORDER, o);
		mnl_attr_put_u64(nlh, SHADOWMM_A_AREA_NR_FREE, z->nr_free[o]);
		mt[SHADOWMM_MT_UNMOVABLE] = z->nr_free[o] / 4;
		mt[SHADOWMM_MT_MOVABLE] = z->nr_free[o] - z->nr_free[o] / 4;
		mt[SHADOWMM_MT_RECLAIMABLE] = 0;
		mt[SHADOWMM_MT_HIGHATOMIC] = 0;
		mk_u64_array(nlh, SHADOWMM_A_AREA_NR_FREE_MT, mt, SMMC_NR_MT);
		mnl_attr_put_u32(nlh, SHADOWMM_A_AREA_UNUSABLE, mk_unusable(z->nr_free, o));
		mnl_attr_put_u32(nlh, SHADOWMM_A_AREA_EXTFRAG, (uint32_t)mk_extfrag(z->nr_free, o));
		mnl_attr_nest_end(nlh, a);
	}
	mnl_attr_nest_end(nlh, area);
	stats = mnl_attr_nest_start(nlh, SHADOWMM_A_ZONE_STATS);
	ops[0] = 1000ULL * refresh;
	mk_u64_array(nlh, SHADOWMM_A_STATS_ALLOC, ops, SMMC_NR_ORDERS);
	ops[0] = 900ULL * refresh;
	mk_u64_array(nlh, SHADOWMM_A_STATS_FREE, ops, SMMC_NR_ORDERS);
	mnl_attr_nest_end(nlh, stats);
out:
	mk_end(nlh);
}

static void mk_zones(unsigned int refresh)
{
	unsigned int id;

	for (id = 0; id < 3; id++)
		mk_zone_msg(id, refresh);
	mk_flush(SHADOWMM_CMD_ZONE_GET, true);
	mk_done(SHADOWMM_CMD_ZONE_GET);
}

/* A free run into the largest aligned blocks it holds, as the buddy keeps it. */
static void mk_free_run(uint64_t start, uint64_t n)
{
	struct mk_zone *z = start < MK_DMA_FRAMES ? &zones[0] : &zones[1];
	unsigned int o;

	z->free += n;
	while (n) {
		for (o = MK_MAX_ORDER; o; o--)
			if (!(start & ((1ULL << o) - 1)) && (1ULL << o) <= n)
				break;
		z->nr_free[o]++;
		start += 1ULL << o;
		n -= 1ULL << o;
	}
}

/* A fixed set of caches, as CACHE_GET dumps them; the tests know their numbers. */
static const struct mk_cache {
	const char *name;
	uint32_t object_size, size, order, per_slab;
	uint64_t slabs, active;
	bool builtin;
} mk_caches[] = {
	{ "kmalloc-64",	  64,	64,   0, 64, 3,	 150, true },
	{ "kmalloc-1k",	  1024, 1024, 1, 8,  2,	 5,   true },
	{ "mk_dentry",	  192,	192,  0, 21, 10, 200, false },
	{ "mk_inode",	  600,	616,  1, 13, 4,	 10,  false },
};

#define MK_NR_CACHES	(sizeof(mk_caches) / sizeof(mk_caches[0]))

static const char *mk_last_cache_name;	/* NAME, or NULL */

static const char *mk_cache_name(unsigned int i)
{
	return i == MK_NR_CACHES - 1 && mk_last_cache_name ? mk_last_cache_name : mk_caches[i].name;
}

static void mk_cache_msg(unsigned int i)
{
	const struct mk_cache *c = &mk_caches[i];
	struct nlmsghdr *nlh = mk_msg(SHADOWMM_CMD_CACHE_GET, NLM_F_MULTI);

	mnl_attr_put_strz(nlh, SHADOWMM_A_CACHE_NAME, mk_cache_name(i));
	mnl_attr_put_u32(nlh, SHADOWMM_A_CACHE_ID, i + 1);
	mnl_attr_put_u8(nlh, SHADOWMM_A_CACHE_BUILTIN, c->builtin);
	mnl_attr_put_u32(nlh, SHADOWMM_A_CACHE_OBJECT_SIZE, c->object_size);
	mnl_attr_put_u32(nlh, SHADOWMM_A_CACHE_ALIGN, 8);
	mnl_attr_put_u32(nlh, SHADOWMM_A_CACHE_SIZE, c->size);
	mnl_attr_put_u32(nlh, SHADOWMM_A_CACHE_ORDER, c->order);
	mnl_attr_put_u32(nlh, SHADOWMM_A_CACHE_OBJS_PER_SLAB, c->per_slab);
	mnl_attr_put_u64(nlh, SHADOWMM_A_CACHE_ACTIVE_OBJS, c->active);
	mnl_attr_put_u64(nlh, SHADOWMM_A_CACHE_NUM_OBJS, c->slabs * c->per_slab);
	mnl_attr_put_u64(nlh, SHADOWMM_A_CACHE_NUM_SLABS, c->slabs);
	mk_end(nlh);
}

static void mk_caches_dump(void)
{
	unsigned int i;

	for (i = 0; i < MK_NR_CACHES; i++)
		mk_cache_msg(i);
	mk_flush(SHADOWMM_CMD_CACHE_GET, true);
	mk_done(SHADOWMM_CMD_CACHE_GET);
}

/* One step through the four levels of x86-64 paging to a 4 KiB page. */
static void mk_walk(void)
{
	static const uint32_t index[] = { 255, 0, 488, 209, 177 };
	struct nlmsghdr *nlh = mk_msg(SHADOWMM_CMD_PT_WALK, NLM_F_MULTI);
	struct nlattr *levels, *l;
	unsigned int lv;

	mnl_attr_put_u32(nlh, SHADOWMM_A_PT_PAGING_LEVELS, 4);
	mnl_attr_put_u64(nlh, SHADOWMM_A_PT_ADDR, 0x7ffd3a2b1000ULL);
	mnl_attr_put_u32(nlh, SHADOWMM_A_PT_KIND, SHADOWMM_PT_PAGE);
	mnl_attr_put_u64(nlh, SHADOWMM_A_PT_SIZE, 4096);
	mnl_attr_put_u64(nlh, SHADOWMM_A_PT_PFN, 0x1a2b3);
	levels = mnl_attr_nest_start(nlh, SHADOWMM_A_PT_LEVELS);
	for (lv = SHADOWMM_PT_PGD; lv <= SHADOWMM_PT_PTE; lv++) {
		l = mnl_attr_nest_start(nlh, SHADOWMM_A_PT_LEVEL);
		mnl_attr_put_u32(nlh, SHADOWMM_A_PTL_LEVEL, lv);
		if (lv == SHADOWMM_PT_P4D) {
			mnl_attr_put(nlh, SHADOWMM_A_PTL_FOLDED, 0, NULL);
		} else {
			mnl_attr_put_u32(nlh, SHADOWMM_A_PTL_INDEX, index[lv]);
			mnl_attr_put_u64(nlh, SHADOWMM_A_PTL_ENTRY, 0x1000000067ULL + lv * 0x1000);
			mnl_attr_put_u32(nlh, SHADOWMM_A_PTL_FLAGS, SHADOWMM_PTF_PRESENT |
					 SHADOWMM_PTF_WRITE | SHADOWMM_PTF_USER |
					 SHADOWMM_PTF_ACCESSED | SHADOWMM_PTF_DIRTY);
		}
		mnl_attr_nest_end(nlh, l);
	}
	mnl_attr_nest_end(nlh, levels);
	mk_end(nlh);
	mk_flush(SHADOWMM_CMD_PT_WALK, true);
	mk_done(SHADOWMM_CMD_PT_WALK);
}

/* Shadow address spaces as SPACE_GET dumps them; the tests know their numbers. */
static const struct mk_space {
	uint32_t id, levels, vmas;
	uint64_t tables[SMMC_PT_LEVELS], mapped[SMMC_SPACE_SIZES];
	uint64_t rss_anon, min_flt, maj_flt, swap;
} mk_spaces[] = {
	{ 1, 4, 0, { 1, 0, 1, 1, 2 }, { 300, 1, 0 }, 0, 0, 0, 0 },
	{ 7, 5, 3, { 1, 1, 1, 1, 1 }, { 40, 0, 0 }, 40, 40, 0, 25 },
};

#define MK_NR_SPACES	(sizeof(mk_spaces) / sizeof(mk_spaces[0]))

/* A space's frames: its tables, 4K pages, and 2M pages of 512 frames (no 1G here). */
static uint64_t mk_space_frames(const struct mk_space *sp)
{
	uint64_t f = sp->mapped[0] + 512 * sp->mapped[1];
	unsigned int l;

	for (l = 0; l < SMMC_PT_LEVELS; l++)
		f += sp->tables[l];
	return f;
}

static void mk_spaces_dump(void)
{
	struct nlmsghdr *nlh;
	unsigned int i;

	for (i = 0; i < MK_NR_SPACES; i++) {
		const struct mk_space *sp = &mk_spaces[i];

		nlh = mk_msg(SHADOWMM_CMD_SPACE_GET, NLM_F_MULTI);
		mnl_attr_put_u32(nlh, SHADOWMM_A_SPACE_ID, sp->id);
		mnl_attr_put_u32(nlh, SHADOWMM_A_SPACE_LEVELS, sp->levels);
		mnl_attr_put_u64(nlh, SHADOWMM_A_SPACE_FRAMES, mk_space_frames(sp));
		mk_u64_array(nlh, SHADOWMM_A_SPACE_TABLES, sp->tables, SMMC_PT_LEVELS);
		mk_u64_array(nlh, SHADOWMM_A_SPACE_MAPPED, sp->mapped, SMMC_SPACE_SIZES);
		mnl_attr_put_u64(nlh, SHADOWMM_A_SPACE_RSS_ANON, sp->rss_anon);
		mnl_attr_put_u64(nlh, SHADOWMM_A_SPACE_MIN_FLT, sp->min_flt);
		mnl_attr_put_u64(nlh, SHADOWMM_A_SPACE_MAJ_FLT, sp->maj_flt);
		mnl_attr_put_u32(nlh, SHADOWMM_A_SPACE_NR_VMAS, sp->vmas);
		mnl_attr_put_u64(nlh, SHADOWMM_A_SPACE_SWAP, sp->swap);
		mk_end(nlh);
	}
	mk_flush(SHADOWMM_CMD_SPACE_GET, true);
	mk_done(SHADOWMM_CMD_SPACE_GET);
}

/*
 * Open files as FILE_GET dumps them; the tests know their numbers: an
 * 8 MiB file read once sequentially (8 misses, the rest readahead hits),
 * a file with a path longer than any column, mapped and written through
 * shared mappings, and a file never read.
 */
static const struct mk_file {
	uint32_t id;
	const char *path;
	uint64_t size, nrpages, hits, misses;
	uint32_t ra_pages, ra_size, mappings;
	uint64_t dirty, written, stored, mapped;
} mk_files[] = {
	{ 1, "/tmp/f8m", 8 << 20, 2048, 2040, 8, 32, 32, 0, 0, 0, 0, 0 },
	{ 3, "/srv/a/long/directory/name/that/goes/on/and/on/for/a/while/mapped.bin", 256 << 10,
	  64, 100, 60, 0, 0, 2, 3, 5, 5, 64 },
	{ 4, "/tmp/unread", 3 * 4096 + 100, 0, 0, 0, 32, 0, 0, 0, 0, 0, 0 },
};

#define MK_NR_FILES	(sizeof(mk_files) / sizeof(mk_files[0]))

static void mk_files_dump(void)
{
	struct nlmsghdr *nlh;
	unsigned int i;

	for (i = 0; i < MK_NR_FILES; i++) {
		const struct mk_file *f = &mk_files[i];

		nlh = mk_msg(SHADOWMM_CMD_FILE_GET, NLM_F_MULTI);
		mnl_attr_put_u32(nlh, SHADOWMM_A_FILE_ID, f->id);
		mnl_attr_put_strz(nlh, SHADOWMM_A_FILE_PATH, f->path);
		mnl_attr_put_u64(nlh, SHADOWMM_A_FILE_SIZE, f->size);
		mnl_attr_put_u64(nlh, SHADOWMM_A_FILE_NRPAGES, f->nrpages);
		mnl_attr_put_u64(nlh, SHADOWMM_A_FILE_HITS, f->hits);
		mnl_attr_put_u64(nlh, SHADOWMM_A_FILE_MISSES, f->misses);
		mnl_attr_put_u32(nlh, SHADOWMM_A_FILE_RA_PAGES, f->ra_pages);
		mnl_attr_put_u32(nlh, SHADOWMM_A_FILE_MAPPINGS, f->mappings);
		mnl_attr_put_u32(nlh, SHADOWMM_A_FILE_RA_SIZE, f->ra_size);
		mnl_attr_put_u64(nlh, SHADOWMM_A_FILE_RA_READ, f->hits);
		mnl_attr_put_u64(nlh, SHADOWMM_A_FILE_RA_HITS, f->hits);
		mnl_attr_put_u64(nlh, SHADOWMM_A_FILE_RA_WASTED, 0);
		mnl_attr_put_u64(nlh, SHADOWMM_A_FILE_DIRTY, f->dirty);
		mnl_attr_put_u64(nlh, SHADOWMM_A_FILE_WRITTEN, f->written);
		mnl_attr_put_u64(nlh, SHADOWMM_A_FILE_STORED, f->stored);
		mnl_attr_put_u64(nlh, SHADOWMM_A_FILE_MAPPED, f->mapped);
		mk_end(nlh);
	}
	mk_flush(SHADOWMM_CMD_FILE_GET, true);
	mk_done(SHADOWMM_CMD_FILE_GET);
}

/* What an allocated run holds: mostly pages, some slabs and page tables. */
static uint32_t mk_used_state(unsigned int k)
{
	if (k % 4 == 1)
		return SHADOWMM_FRAME_SLAB;
	if (k % 8 == 3)
		return SHADOWMM_FRAME_PGTABLE;
	return SHADOWMM_FRAME_PAGE;
}

static bool mk_packed;
static uint64_t mk_marked[4];	/* frames by mark bit, of the last mk_frames() */

/* The marks of allocated run @k in a packed capture, and its state with them. */
static uint32_t mk_used_marks(unsigned int k, uint32_t *state)
{
	static const uint32_t marks[16] = {
		[0] = SHADOWMM_MARK_FILE, [8] = SHADOWMM_MARK_FILE | SHADOWMM_MARK_DIRTY,
		[6] = SHADOWMM_MARK_ANON, [14] = SHADOWMM_MARK_ANON | SHADOWMM_MARK_SHARED,
	};
	uint32_t m = mk_packed ? marks[k % 16] : 0;

	if (m & SHADOWMM_MARK_ANON)
		*state = SHADOWMM_FRAME_SPACE;
	return m;
}

/* One record of a packed reply at the end of @nlh (its PACKED_RUNS last). */
static void mk_packed_rec(struct nlmsghdr *nlh, uint64_t n, uint32_t state, uint32_t marks)
{
	struct shadowmm_frame_rec rec = {
		.count = htole32(n), .state = state, .mt = SHADOWMM_MT_MOVABLE,
		.marks = htole16(marks),
	};

	memcpy((char *)nlh + nlh->nlmsg_len, &rec, sizeof(rec));
	nlh->nlmsg_len += sizeof(rec);
}

/*
 * Runs, cut at the DMA boundary so no block crosses zones: nested RUN
 * attributes, or (MKCAP_PACKED) packed records.
 */
static void mk_frames(uint64_t frames, unsigned int avg, bool count)
{
	struct nlmsghdr *nlh = NULL;
	struct nlattr *runs = NULL;
	uint64_t pos = 0, n, end;
	bool first = true, free = true;
	unsigned int used_runs = 0;

	lcg = 12345;
	memset(mk_marked, 0, sizeof(mk_marked));
	while (pos < frames) {
		uint32_t state = SHADOWMM_FRAME_FREE, marks = 0, b;

		if (!nlh) {
			nlh = mk_msg(SHADOWMM_CMD_FRAME_GET, NLM_F_MULTI);
			if (mk_packed) {
				mnl_attr_put_u64(nlh, SHADOWMM_A_FRAME_PACKED_START, pos);
				runs = mnl_attr_nest_start(nlh, SHADOWMM_A_FRAME_PACKED_RUNS);
				runs->nla_type = SHADOWMM_A_FRAME_PACKED_RUNS;	/* binary, not a nest */
			} else {
				runs = mnl_attr_nest_start(nlh, SHADOWMM_A_FRAME_RUNS);
			}
		}
		n = 1 + mk_rand() % (2 * avg);
		end = pos + n > frames ? frames : pos + n;
		if (pos < MK_DMA_FRAMES && end > MK_DMA_FRAMES)
			end = MK_DMA_FRAMES;
		if (!free) {
			state = mk_used_state(used_runs);
			marks = mk_used_marks(used_runs++, &state);
		}
		for (b = 0; b < 4; b++)
			mk_marked[b] += (marks >> b & 1) * (end - pos);
		if (mk_packed) {
			mk_packed_rec(nlh, end - pos, state, marks);
		} else {
			struct nlattr *r = mnl_attr_nest_start(nlh, SHADOWMM_A_FRAME_RUN);

			mnl_attr_put_u64(nlh, SHADOWMM_A_RUN_START, pos);
			mnl_attr_put_u64(nlh, SHADOWMM_A_RUN_COUNT, end - pos);
			mnl_attr_put_u32(nlh, SHADOWMM_A_RUN_STATE, state);
			mnl_attr_put_u32(nlh, SHADOWMM_A_RUN_MIGRATETYPE, SHADOWMM_MT_MOVABLE);
			mnl_attr_nest_end(nlh, r);
		}
		if (free && count)
			mk_free_run(pos, end - pos);
		free = !free;
		pos = end;
		if (nlh->nlmsg_len > MK_DGRAM - 256 || pos == frames) {
			mnl_attr_nest_end(nlh, runs);
			mk_end(nlh);
			nlh = NULL;
			if (!count) {
				mk_flush(SHADOWMM_CMD_FRAME_GET, first);
				first = false;
			} else {
				used = 0;
			}
		}
	}
	if (!count)
		mk_done(SHADOWMM_CMD_FRAME_GET);
}

int main(int argc, char **argv)
{
	uint64_t frames;
	unsigned int avg, refreshes, r;
	const char *env = getenv("MKCAP_OLD"), *penv = getenv("MKCAP_PACKED");
	bool old = env && !strcmp(env, "1");

	if ((argc != 5 && argc != 6) || !(frames = strtoull(argv[1], NULL, 0) << 8) || frames <= MK_DMA_FRAMES ||
	    !(avg = strtoul(argv[2], NULL, 0)) || !(refreshes = strtoul(argv[3], NULL, 0))) {
		fprintf(stderr, "usage: test_mkcap SIZE_MIB(>16) AVG_RUN REFRESHES OUT [NAME]\n");
		return 2;
	}
	if (argc == 6)
		mk_last_cache_name = argv[5];
	mk_packed = penv && !strcmp(penv, "1");
	buf = malloc(MK_DGRAM * 2);
	if (!buf || smmc_capture_create(&cap, argv[4])) {
		perror(argv[4]);
		return 1;
	}
	zones[0] = (struct mk_zone){ .start = 0, .end = MK_DMA_FRAMES };
	zones[1] = (struct mk_zone){ .start = MK_DMA_FRAMES, .end = frames };
	mk_frames(frames, avg, true);
	/*
	 * The walk first: a replayed refresh finds the next refresh's replies
	 * after its own, and the last reply is SPACE_GET's (smmctl stats'
	 * test cuts it off).
	 */
	if (!old)
		mk_walk();
	for (r = 1; r <= refreshes; r++) {
		mk_info(frames);
		mk_zones(r);
		mk_frames(frames, avg, false);
		mk_caches_dump();
		if (!old) {
			mk_vmstat(r);
			mk_swap(r);
			mk_files_dump();
			mk_spaces_dump();
		}
	}
	if (old) {
		mk_walk();
		mk_spaces_dump();
	}
	smmc_capture_close(cap);
	printf("zone DMA free %" PRIu64 " managed %" PRIu64 "\n", zones[0].free, MK_DMA_FRAMES);
	printf("zone Normal free %" PRIu64 " managed %" PRIu64 "\n", zones[1].free,
	       frames - MK_DMA_FRAMES);
	for (r = 0; r < MK_NR_CACHES; r++)
		printf("cache %s objs %" PRIu64 " active %" PRIu64 " slabs %" PRIu64 "\n",
		       mk_cache_name(r), mk_caches[r].slabs * mk_caches[r].per_slab,
		       mk_caches[r].active, mk_caches[r].slabs);
	for (r = 0; r < MK_NR_SPACES; r++)
		printf("space %u frames %" PRIu64 " rss_anon %" PRIu64 " swap %" PRIu64
		       " tables %" PRIu64 " vmas %u\n", mk_spaces[r].id,
		       mk_space_frames(&mk_spaces[r]), mk_spaces[r].rss_anon, mk_spaces[r].swap,
		       mk_spaces[r].tables[0] + mk_spaces[r].tables[1] + mk_spaces[r].tables[2] +
		       mk_spaces[r].tables[3] + mk_spaces[r].tables[4], mk_spaces[r].vmas);
	if (mk_packed)
		printf("marks anon %" PRIu64 " file %" PRIu64 " dirty %" PRIu64 " shared %" PRIu64 "\n",
		       mk_marked[0], mk_marked[1], mk_marked[2], mk_marked[3]);
	return 0;
}
