// SPDX-License-Identifier: GPL-2.0
/*
 * test_svgcap OUT [packed]: the capture test_svg.sh draws, answering FRAME_GET
 * with a known frame map and ZONE_GET five times with known numbers, as
 * smmtop --record would have saved five refreshes.
 *
 * The map: 2048 frames, four pageblocks. Pageblock 0 (Movable) holds a
 * run of each state: free 0-99, slab 100-163, page 164-199, pgtable
 * 200-299, lru 300-339, space 340-379, pcp 380-399, free 400-511 (so
 * free is most of it); pageblock 1 is page (Movable), 2 slab
 * (Unmovable), 3 free (Reclaimable). With "packed" the map is FRAME_GET's
 * packed reply and four runs carry page marks: page 164-181 file,
 * 182-199 file and dirty, space 340-359 anon, 360-379 anon and shared
 * (nested, the same runs without marks).
 *
 * The zones: DMA managed 1000 free 1000, DMA32 empty, Normal managed
 * 4000 free 4000 - 500 * i in sample i; Normal's order-9 extfrag index
 * -1000 + 500 * i (thousandths), every other order's and DMA's -1000.
 */
#include <endian.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/genetlink.h>

#include "../lib/libsmm.h"

#define SC_SAMPLES	5

static struct smmc_capture *cap;
static char buf[64 * 1024];
static size_t used;

#define SC_FILE		SHADOWMM_MARK_FILE
#define SC_DIRTY	(SHADOWMM_MARK_FILE | SHADOWMM_MARK_DIRTY)
#define SC_ANON		SHADOWMM_MARK_ANON
#define SC_SHARED	(SHADOWMM_MARK_ANON | SHADOWMM_MARK_SHARED)

static const struct sc_run {
	uint64_t start, count;
	uint32_t state, mt, marks;
} sc_runs[] = {
	{ 0,    100, SHADOWMM_FRAME_FREE,    SHADOWMM_MT_MOVABLE, 0 },
	{ 100,  64,  SHADOWMM_FRAME_SLAB,    SHADOWMM_MT_MOVABLE, 0 },
	{ 164,  18,  SHADOWMM_FRAME_PAGE,    SHADOWMM_MT_MOVABLE, SC_FILE },
	{ 182,  18,  SHADOWMM_FRAME_PAGE,    SHADOWMM_MT_MOVABLE, SC_DIRTY },
	{ 200,  100, SHADOWMM_FRAME_PGTABLE, SHADOWMM_MT_MOVABLE, 0 },
	{ 300,  40,  SHADOWMM_FRAME_LRU,     SHADOWMM_MT_MOVABLE, 0 },
	{ 340,  20,  SHADOWMM_FRAME_SPACE,   SHADOWMM_MT_MOVABLE, SC_ANON },
	{ 360,  20,  SHADOWMM_FRAME_SPACE,   SHADOWMM_MT_MOVABLE, SC_SHARED },
	{ 380,  20,  SHADOWMM_FRAME_PCP,     SHADOWMM_MT_MOVABLE, 0 },
	{ 400,  112, SHADOWMM_FRAME_FREE,    SHADOWMM_MT_MOVABLE, 0 },
	{ 512,  512, SHADOWMM_FRAME_PAGE,    SHADOWMM_MT_MOVABLE, 0 },
	{ 1024, 512, SHADOWMM_FRAME_SLAB,    SHADOWMM_MT_UNMOVABLE, 0 },
	{ 1536, 512, SHADOWMM_FRAME_FREE,    SHADOWMM_MT_RECLAIMABLE, 0 },
};

static struct nlmsghdr *sc_msg(uint8_t cmd)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf + used);
	struct genlmsghdr *g;

	nlh->nlmsg_type = GENL_MIN_ID;
	nlh->nlmsg_flags = NLM_F_MULTI;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = SHADOWMM_GENL_VERSION;
	return nlh;
}

static void sc_flush(uint8_t cmd, bool first)
{
	if (smmc_capture_put(cap, cmd, first, buf, used)) {
		perror("test_svgcap: write");
		exit(1);
	}
	used = 0;
}

/* The messages so far as the reply's first datagram, then NLMSG_DONE as its second. */
static void sc_reply(uint8_t cmd)
{
	struct nlmsghdr *nlh;
	int zero = 0;

	sc_flush(cmd, true);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = NLMSG_DONE;
	nlh->nlmsg_flags = NLM_F_MULTI;
	memcpy(mnl_nlmsg_put_extra_header(nlh, sizeof(zero)), &zero, sizeof(zero));
	used = nlh->nlmsg_len;
	sc_flush(cmd, false);
}

/* The map as one packed message: PACKED_START 0, a record per run. */
static void sc_frames_packed(void)
{
	struct nlmsghdr *nlh = sc_msg(SHADOWMM_CMD_FRAME_GET);
	struct shadowmm_frame_rec rec[sizeof(sc_runs) / sizeof(sc_runs[0])];
	size_t i;

	for (i = 0; i < sizeof(sc_runs) / sizeof(sc_runs[0]); i++)
		rec[i] = (struct shadowmm_frame_rec){
			.count = htole32(sc_runs[i].count), .state = sc_runs[i].state,
			.mt = sc_runs[i].mt, .marks = htole16(sc_runs[i].marks),
		};
	mnl_attr_put_u64(nlh, SHADOWMM_A_FRAME_PACKED_START, 0);
	mnl_attr_put(nlh, SHADOWMM_A_FRAME_PACKED_RUNS, sizeof(rec), rec);
	used += nlh->nlmsg_len;
	sc_reply(SHADOWMM_CMD_FRAME_GET);
}

static void sc_frames(bool packed)
{
	struct nlmsghdr *nlh;
	struct nlattr *runs, *r;
	size_t i;

	if (packed) {
		sc_frames_packed();
		return;
	}
	nlh = sc_msg(SHADOWMM_CMD_FRAME_GET);
	runs = mnl_attr_nest_start(nlh, SHADOWMM_A_FRAME_RUNS);

	for (i = 0; i < sizeof(sc_runs) / sizeof(sc_runs[0]); i++) {
		r = mnl_attr_nest_start(nlh, SHADOWMM_A_FRAME_RUN);
		mnl_attr_put_u64(nlh, SHADOWMM_A_RUN_START, sc_runs[i].start);
		mnl_attr_put_u64(nlh, SHADOWMM_A_RUN_COUNT, sc_runs[i].count);
		mnl_attr_put_u32(nlh, SHADOWMM_A_RUN_STATE, sc_runs[i].state);
		mnl_attr_put_u32(nlh, SHADOWMM_A_RUN_MIGRATETYPE, sc_runs[i].mt);
		mnl_attr_nest_end(nlh, r);
	}
	mnl_attr_nest_end(nlh, runs);
	used += nlh->nlmsg_len;
	sc_reply(SHADOWMM_CMD_FRAME_GET);
}

static void sc_zone(unsigned int id, unsigned int sample)
{
	static const char *const names[] = { "DMA", "DMA32", "Normal" };
	static const uint64_t managed[] = { 1000, 0, 4000 };
	uint64_t free = id == 2 ? 4000 - 500 * sample : managed[id];
	struct nlmsghdr *nlh = sc_msg(SHADOWMM_CMD_ZONE_GET);
	struct nlattr *area, *a;
	unsigned int o;
	int32_t frag;

	mnl_attr_put_u32(nlh, SHADOWMM_A_ZONE_ID, id);
	mnl_attr_put_strz(nlh, SHADOWMM_A_ZONE_NAME, names[id]);
	mnl_attr_put_u64(nlh, SHADOWMM_A_ZONE_MANAGED, managed[id]);
	mnl_attr_put_u64(nlh, SHADOWMM_A_ZONE_PRESENT, managed[id]);
	mnl_attr_put_u64(nlh, SHADOWMM_A_ZONE_SPANNED, managed[id]);
	mnl_attr_put_u64(nlh, SHADOWMM_A_ZONE_FREE, free);
	area = mnl_attr_nest_start(nlh, SHADOWMM_A_ZONE_FREE_AREA);
	for (o = 0; o < SMMC_NR_ORDERS; o++) {
		frag = id == 2 && o == 9 ? -1000 + 500 * (int32_t)sample : -1000;
		a = mnl_attr_nest_start(nlh, o + 1);
		mnl_attr_put_u32(nlh, SHADOWMM_A_AREA_ORDER, o);
		mnl_attr_put_u32(nlh, SHADOWMM_A_AREA_EXTFRAG, (uint32_t)frag);
		mnl_attr_nest_end(nlh, a);
	}
	mnl_attr_nest_end(nlh, area);
	used += nlh->nlmsg_len;
}

int main(int argc, char **argv)
{
	unsigned int s, id;

	if (argc != 2 && (argc != 3 || strcmp(argv[2], "packed"))) {
		fprintf(stderr, "usage: test_svgcap OUT [packed]\n");
		return 2;
	}
	if (smmc_capture_create(&cap, argv[1])) {
		perror("test_svgcap: create");
		return 1;
	}
	sc_frames(argc == 3);
	for (s = 0; s < SC_SAMPLES; s++) {
		for (id = 0; id < 3; id++)
			sc_zone(id, s);
		sc_reply(SHADOWMM_CMD_ZONE_GET);
	}
	smmc_capture_close(cap);
	return 0;
}
