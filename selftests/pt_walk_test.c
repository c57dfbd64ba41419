// SPDX-License-Identifier: GPL-2.0
/*
 * The real page-table walker (PT_WALK on our own pid) against
 * /proc/self/pagemap, the kernel's own answer (a kselftest printing TAP;
 * run as root by test_pt_walk.sh, since pagemap hides frames otherwise).
 *
 * Regions: the heap, the stack, an anonymous region touched page by
 * page, a 2 MiB-aligned MADV_HUGEPAGE region, a PROT_NONE page that was
 * touched first, and an unmapped hole. For every page the walker reports
 * present, its frame must equal pagemap's; pages pagemap says are not
 * there must be holes for the walker; sizes must be 4 KiB, or 2 MiB
 * where the walker found a huge PMD (whose 512 frames pagemap must show
 * contiguous). An unmapped page lies outside every VMA: a hole the
 * walker reports without reading a table. Last, the whole user half:
 * every page of every VMA against pagemap, every hole outside the VMAs
 * against /proc/self/maps ([vvar] aside: pagemap does not read PFNMAP
 * mappings). Beyond the default mmap window: a page asked for at a
 * high address (MAP_FIXED_NOREPLACE) is there under 5-level paging (arm64:
 * 52-bit VA, a PGD index above 0 in LPA2's 16-entry top table; x86: la57)
 * and matches pagemap; under 4 levels the kernel refuses it.
 *
 *	pt_walk_test LEVELS	(4 or 5: the paging mode the VM runs)
 *	pt_walk_test --va-bits	print the user VA bits the kernel gives
 *				(arm64: 52 or 48; x86: 57 or 48), from
 *				whether that high page can be mapped
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../tools/lib/libsmm.h"

#define PAGE		4096UL
#define HUGE		(2UL << 20)
#define PM_PRESENT	(1ULL << 63)
#define PM_PFN_MASK	((1ULL << 55) - 1)

static int pagemap_fd;
static struct smmc_nl nl;
static int test_nr, failed;

static void tap(int ok, const char *name)
{
	printf("%s %d %s\n", ok ? "ok" : "not ok", ++test_nr, name);
	failed += !ok;
}

/* pagemap's word for one virtual page. */
static uint64_t pagemap(uint64_t va)
{
	uint64_t v = 0;

	if (pread(pagemap_fd, &v, sizeof(v), (va / PAGE) * sizeof(v)) != sizeof(v))
		return 0;
	return v;
}

struct cmp {
	uint64_t start, end;		/* the region */
	unsigned long pages, holes, huge, protnone, bad;
	unsigned long no_vma;		/* bytes of holes outside every VMA */
	unsigned long pfnmap;		/* pages in [vvar], which pagemap does not read */
	char why[640];
};

/* Keep the first mismatch: what, where, the walker's value and pagemap's. */
static void cmp_fail(struct cmp *c, const char *what, uint64_t va, uint64_t walker, uint64_t pm)
{
	if (!c->bad++)
		snprintf(c->why, sizeof(c->why), "%#llx: %s: walker %#llx, pagemap %#llx",
			 (unsigned long long)va, what, (unsigned long long)walker,
			 (unsigned long long)pm);
}

/*
 * A hole the walker says is outside every VMA (read no table for):
 * /proc/self/maps must show no mapping overlapping [start, end).
 */
static void maps_hole(struct cmp *c, uint64_t start, uint64_t end, unsigned int levels)
{
	unsigned long long lo, hi;
	char line[512];
	FILE *f;

	if (levels)
		cmp_fail(c, "a hole outside every VMA with levels read (walker: levels)", start,
			 levels, 0);
	f = fopen("/proc/self/maps", "r");
	if (!f) {
		cmp_fail(c, "cannot read /proc/self/maps", start, 0, 0);
		return;
	}
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx-%llx", &lo, &hi) == 2 && lo < end && hi > start)
			cmp_fail(c, "outside every VMA for the walker, mapped in maps (maps: start)",
				 start, 0, lo);
	fclose(f);
	c->no_vma += end - start;
}

/*
 * [vvar] is a VM_PFNMAP mapping: pagemap reports it as a hole without
 * reading its tables (walk_page_test() skips PFNMAP VMAs), while the
 * walker shows the pages that are there. Its range, from maps.
 */
static uint64_t pfnmap_start, pfnmap_end;

static void find_pfnmap(void)
{
	unsigned long long lo, hi;
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");

	while (f && fgets(line, sizeof(line), f))
		if (strstr(line, "[vvar") && sscanf(line, "%llx-%llx", &lo, &hi) == 2) {
			if (!pfnmap_start || lo < pfnmap_start)
				pfnmap_start = lo;
			if (hi > pfnmap_end)
				pfnmap_end = hi;
		}
	if (f)
		fclose(f);
}

/* One walk step against pagemap, page by page over what it covers. */
static int cmp_step(const struct smmc_pt_step *st, void *data)
{
	struct cmp *c = data;
	uint64_t va, last = st->kind == SHADOWMM_PT_HOLE ? st->addr + st->size :
			    st->addr - st->addr % st->size + st->size;
	const struct smmc_pt_level *leaf = &st->lv[st->nr ? st->nr - 1 : 0];

	if (last > c->end || last < st->addr)
		last = c->end;
	if (st->no_vma) {
		maps_hole(c, st->addr, last, st->nr);
		return 0;
	}
	for (va = st->addr; va < last; va += PAGE) {
		uint64_t pm = pagemap(va);

		if (va >= pfnmap_start && va < pfnmap_end) {
			c->pfnmap++;
			continue;
		}
		if (st->kind == SHADOWMM_PT_HOLE) {
			c->holes++;
			if (pm & PM_PRESENT)
				cmp_fail(c, "a hole for the walker, present for pagemap", va, 0, pm);
			continue;
		}
		if (st->kind != SHADOWMM_PT_PAGE) {
			cmp_fail(c, "neither page nor hole (walker: kind)", va, st->kind, pm);
			continue;
		}
		c->pages++;
		if (!st->has_pfn) {
			cmp_fail(c, "no frame number in the reply (not admin?)", va, 0, pm);
			continue;
		}
		if (!(pm & PM_PRESENT) || (pm & PM_PFN_MASK) != st->pfn + (va - st->addr) / PAGE)
			cmp_fail(c, "frames differ", va, st->pfn + (va - st->addr) / PAGE, pm);
	}
	if (st->kind == SHADOWMM_PT_PAGE && st->size == HUGE)
		c->huge++;
	else if (st->kind == SHADOWMM_PT_PAGE && st->size != PAGE)
		cmp_fail(c, "page size neither 4K nor 2M (walker: size)", st->addr, st->size, 0);
	if (st->kind == SHADOWMM_PT_PAGE && (leaf->flags & SHADOWMM_PTF_PROTNONE))
		c->protnone++;
	return 0;
}

static void walk_region(struct cmp *c, uint64_t start, uint64_t len)
{
	struct smmc_pt_req req = {
		.target = SMMC_PT_TARGET_PID, .id = getpid(), .addr = start, .len = len,
	};

	memset(c, 0, sizeof(*c));
	c->start = start;
	c->end = start + len;
	if (smmc_pt_walk(&nl, &req, cmp_step, c)) {
		c->bad++;
		snprintf(c->why, sizeof(c->why), "walk of %#llx failed: %s",
			 (unsigned long long)start, nl.err);
	}
}

/*
 * The whole user half, every page of every VMA against pagemap and every
 * hole between VMAs against maps. The process itself changes as it runs
 * (the library's buffers, the stack): a page that appeared between the
 * walk and the pagemap read is a true mismatch only if it repeats, so up
 * to three walks are made and the last is judged.
 */
static void walk_everything(struct cmp *c, unsigned int levels)
{
#ifdef __aarch64__
	uint64_t half = 1ULL << (levels == 5 ? 52 : 48);	/* TTBR0: 1 << VA_BITS */
#else
	uint64_t half = 1ULL << (levels == 5 ? 56 : 47);	/* the lower canonical half */
#endif
	int i;

	for (i = 0; i < 3; i++) {
		walk_region(c, 0, half);
		if (!c->bad)
			break;
		printf("# try %d: %s\n", i + 1, c->why);
	}
}

/*
 * An address past the 48-bit VA user space, inside the 5-level one:
 * arm64 VA bits 51:48 = 0xa (PGD index 10 of 16), x86 bit 52 (PGD index
 * 16 of 512). MAP_FIXED_NOREPLACE: the kernel maps it there or fails
 * (ENOMEM past TASK_SIZE), it never picks another address.
 */
#ifdef __aarch64__
#define HIGH_VA		0x000a000000000000ULL
#define VA_BITS_5	52
#else
#define HIGH_VA		0x0010000000000000ULL
#define VA_BITS_5	57
#endif

static char *map_high(void)
{
	void *p = mmap((void *)HIGH_VA, 4 * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	if ((uint64_t)p != HIGH_VA) {	/* a kernel before 4.17 took it as a hint */
		munmap(p, 4 * PAGE);
		return NULL;
	}
	return p;
}

static void check(struct cmp *c, int ok, const char *name)
{
	if (c->bad)
		printf("# %s (%lu mismatches)\n", c->why, c->bad);
	printf("# %s: %lu pages, %lu hole pages, %lu huge, %lu PROT_NONE\n", name, c->pages,
	       c->holes, c->huge, c->protnone);
	tap(ok && !c->bad, name);
}

static void touch(char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i += PAGE)
		p[i] = 1;
}

int main(int argc, char **argv)
{
	unsigned int levels = argc > 1 ? atoi(argv[1]) : 0;
	char stack_buf[8 * PAGE];
	struct cmp c;
	char *heap, *anon, *huge_raw, *huge, *pn, *hole, *high;

	if (argc > 1 && !strcmp(argv[1], "--va-bits")) {
		high = map_high();
		printf("%d\n", high ? VA_BITS_5 : 48);
		return 0;
	}
	printf("TAP version 13\n");
	pagemap_fd = open("/proc/self/pagemap", O_RDONLY);
	if (levels != 4 && levels != 5) {
		printf("1..0 # usage: pt_walk_test 4|5 (the paging levels)\n");
		return 1;
	}
	if (pagemap_fd < 0 || smmc_nl_open(&nl)) {
		printf("1..0 # SKIP no pagemap or no shadowmm family\n");
		return 4;
	}
	printf("1..9\n");

	heap = malloc(64 * PAGE);
	touch(heap, 64 * PAGE);
	walk_region(&c, (uint64_t)heap & ~(PAGE - 1), 64 * PAGE);
	check(&c, c.pages >= 64, "heap pages match pagemap");

	touch(stack_buf, sizeof(stack_buf));
	walk_region(&c, (uint64_t)stack_buf & ~(PAGE - 1), sizeof(stack_buf));
	check(&c, c.pages >= 8, "stack pages match pagemap");

	/* every other page touched: present and hole pages alternate */
	anon = mmap(NULL, 256 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (size_t i = 0; i < 256; i += 2)
		anon[i * PAGE] = 1;
	walk_region(&c, (uint64_t)anon, 256 * PAGE);
	check(&c, c.pages == 128 && c.holes == 128, "anonymous region touched page by page");

	huge_raw = mmap(NULL, 3 * HUGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			-1, 0);
	huge = (char *)(((uint64_t)huge_raw + HUGE - 1) & ~(HUGE - 1));
	madvise(huge, 2 * HUGE, MADV_HUGEPAGE);
	touch(huge, 2 * HUGE);
	walk_region(&c, (uint64_t)huge, 2 * HUGE);
	check(&c, c.pages == 1024, "MADV_HUGEPAGE region matches pagemap");
	/*
	 * Why there may be none: a kernel built without THP has no
	 * transparent_hugepage in sysfs (Debian's PREEMPT_RT kernels, 6.1
	 * and 6.12: TRANSPARENT_HUGEPAGE is off there); with THP, the
	 * kernel may still fault 4 KiB pages in when no free 2 MiB block is
	 * at hand. expected-skips accepts the first on RT kernels only.
	 */
	if (c.huge)
		tap(1, "a 2 MiB page was found as one huge PMD");
	else if (access("/sys/kernel/mm/transparent_hugepage", F_OK))
		printf("ok %d a 2 MiB page was found as one huge PMD # SKIP the kernel has no THP\n",
		       ++test_nr);
	else
		printf("ok %d a 2 MiB page was found as one huge PMD # SKIP no THP given\n",
		       ++test_nr);

	pn = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	pn[0] = 1;
	mprotect(pn, PAGE, PROT_NONE);
	walk_region(&c, (uint64_t)pn, PAGE);
	check(&c, c.pages == 1 && c.protnone == 1, "PROT_NONE page: its frame, flagged protnone");

	hole = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	touch(hole, 3 * PAGE);
	munmap(hole + PAGE, PAGE);
	walk_region(&c, (uint64_t)hole, 3 * PAGE);
	check(&c, c.pages == 2 && c.holes == 0 && c.no_vma == PAGE,
	      "an unmapped page is a hole outside every VMA");

	/* the high page before the whole walk, so that it covers it too */
	high = map_high();
	if (high) {
		touch(high, 2 * PAGE);		/* two present, two holes */
		walk_region(&c, (uint64_t)high, 4 * PAGE);
		printf("# %d-bit VA: %#llx mapped\n", VA_BITS_5, (unsigned long long)HIGH_VA);
		check(&c, levels == 5 && c.pages == 2 && c.holes == 2,
		      "a page past 48-bit VA maps exactly under 5 levels, matching pagemap");
	} else {
		printf("# 48-bit VA: %#llx refused\n", (unsigned long long)HIGH_VA);
		tap(levels == 4, "a page past 48-bit VA maps exactly under 5 levels, matching pagemap");
	}

	find_pfnmap();
	walk_everything(&c, levels);
	printf("# %lu MiB outside every VMA; %lu [vvar] pages not compared\n", c.no_vma >> 20,
	       c.pfnmap);
	check(&c, c.pages >= 64 && c.no_vma > (1ULL << 40),
	      "the whole user half: every page in a VMA matches pagemap, every gap maps");

	smmc_nl_close(&nl);
	printf("# Totals: pass:%d fail:%d\n", test_nr - failed, failed);
	return failed ? 1 : 0;
}
