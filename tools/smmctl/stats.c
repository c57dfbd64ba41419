// SPDX-License-Identifier: GPL-2.0
/*
 * smmctl stats [ show [ FORMAT ] [ output FILE ] ]: everything the module
 * reports that a monitoring system graphs, in the Prometheus text
 * exposition format (version 0.0.4), for node_exporter's textfile
 * collector or any scraper.
 *
 * Naming, as Prometheus documents it: every metric starts with
 * "shadowmm_", is in base units (pages become bytes, thousandths become
 * fractions), counters end in "_total" and nothing else does, and each
 * family has its # HELP and # TYPE lines before its samples, all of its
 * samples together. A family whose sum over a label means nothing (the
 * min, low and high watermarks) is split into one metric each.
 *
 * The output is built in memory and written only when every request
 * succeeded, so a failure prints nothing on stdout and leaves an output
 * FILE as it was. A FILE is written as FILE.tmp.PID and renamed over
 * FILE, so a reader sees the old file or the new one, never a part.
 *
 * Adding a family of metrics (the vmstat counters, say): write a
 * function "static int stats_foo(struct smmctl_prom *p)" that asks the
 * module through the client library (0, or smmctl_error()'s 1) and
 * prints with smmctl_prom_family() and smmctl_prom_sample(); add it to
 * stats_sources[].
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "smmctl.h"

struct smmctl_prom {
	FILE *f;			/* an open_memstream() */
	const char *family, *help;	/* the family samples go to */
	bool announced;			/* its HELP and TYPE are out */
	uint64_t page_size;		/* bytes, from INFO_GET */
	unsigned int nr_orders;		/* orders the module has, at most SMMC_NR_ORDERS */
};

/* ---- the exposition format ---- */

/*
 * @s with the escapes the format requires: in a label value backslash,
 * double quote and newline; in HELP text backslash and newline.
 */
static void smmctl_prom_escaped(FILE *f, const char *s, bool quote)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\\\", f);
		else if (*s == '\n')
			fputs("\\n", f);
		else if (*s == '"' && quote)
			fputs("\\\"", f);
		else
			fputc(*s, f);
	}
}

/*
 * Start the family shadowmm_@name. Its # HELP and # TYPE lines go out
 * with its first sample, so a family without samples (no spaces) prints
 * nothing. The type is "counter" if @name ends in "_total", else
 * "gauge" (this exporter has no other types), so the suffix rule cannot
 * be broken by mistake.
 */
static void smmctl_prom_family(struct smmctl_prom *p, const char *name, const char *help)
{
	p->family = name;
	p->help = help;
	p->announced = false;
}

static void smmctl_prom_announce(struct smmctl_prom *p)
{
	size_t len = strlen(p->family);
	bool counter = len > 6 && !strcmp(p->family + len - 6, "_total");

	fprintf(p->f, "# HELP shadowmm_%s ", p->family);
	smmctl_prom_escaped(p->f, p->help, false);
	fprintf(p->f, "\n# TYPE shadowmm_%s %s\n", p->family, counter ? "counter" : "gauge");
	p->announced = true;
}

/*
 * One sample of shadowmm_@name, the family last started: the label pairs
 * (name, value, ..., NULL) in braces, values escaped, then @value as text.
 */
static void smmctl_prom_sample(struct smmctl_prom *p, const char *name, const char *value, ...)
{
	const char *label, *sep = "{";
	va_list ap;

	if (!p->announced)
		smmctl_prom_announce(p);
	fprintf(p->f, "shadowmm_%s", name);
	va_start(ap, value);
	while ((label = va_arg(ap, const char *))) {
		fprintf(p->f, "%s%s=\"", sep, label);
		smmctl_prom_escaped(p->f, va_arg(ap, const char *), true);
		fputc('"', p->f);
		sep = ",";
	}
	va_end(ap);
	fprintf(p->f, "%s %s\n", *sep == ',' ? "}" : "", value);
}

/* Numbers as sample values and label values; each call has its own buffer. */
struct stats_num {
	char s[32];
};

static struct stats_num stats_u64(uint64_t v)
{
	struct stats_num n;

	snprintf(n.s, sizeof(n.s), "%" PRIu64, v);
	return n;
}

/* Thousandths as a fraction: -1000 is "-1.000", 523 is "0.523". */
static struct stats_num stats_milli(int32_t v)
{
	int64_t a = v < 0 ? -(int64_t)v : v;
	struct stats_num n;

	snprintf(n.s, sizeof(n.s), "%s%" PRId64 ".%03" PRId64, v < 0 ? "-" : "", a / 1000,
		 a % 1000);
	return n;
}

/* ---- info ---- */

static int stats_info(struct smmctl_prom *p)
{
	struct smmc_info info;

	if (smmc_info_get(&smmctl_nl, &info))
		return smmctl_error();
	p->page_size = info.page_size;
	p->nr_orders = info.max_order + 1 < SMMC_NR_ORDERS ? info.max_order + 1 : SMMC_NR_ORDERS;
	smmctl_prom_family(p, "info", "The module: its version, the kernel it runs on, how it got its range (always 1).");
	smmctl_prom_sample(p, "info", "1", "version", info.version, "kernel", info.kernel,
			"mode", smmc_mode_name(info.mode), NULL);
	smmctl_prom_family(p, "range_bytes", "Size of the physical range the shadow allocator manages.");
	smmctl_prom_sample(p, "range_bytes", stats_u64(info.size).s, NULL);
	smmctl_prom_family(p, "page_size_bytes", "Size of a frame (a base page).");
	smmctl_prom_sample(p, "page_size_bytes", stats_u64(info.page_size).s, NULL);
	return 0;
}

/* ---- zones ---- */

/* A uint64_t of struct smmc_zone, in pages (scaled to bytes) or a plain count. */
struct stats_zone_metric {
	const char *name, *help;
	size_t off;
	bool pages;
};

#define ZONE_PAGES(n, m, h)	{ (n), (h), offsetof(struct smmc_zone, m), true }
#define ZONE_COUNT(n, m, h)	{ (n), (h), offsetof(struct smmc_zone, m), false }

static const struct stats_zone_metric stats_zone_metrics[] = {
	ZONE_PAGES("zone_spanned_bytes", spanned, "Memory the zone spans, holes included."),
	ZONE_PAGES("zone_present_bytes", present, "Memory present in the zone."),
	ZONE_PAGES("zone_managed_bytes", managed, "Memory the buddy allocator manages in the zone."),
	ZONE_PAGES("zone_free_bytes", free, "Free memory in the zone's buddy free lists."),
	ZONE_PAGES("zone_pcp_bytes", pcp, "Free memory held on the zone's per-CPU page lists."),
	ZONE_PAGES("zone_watermark_min_bytes", wmark_min, "The zone's min watermark, boost included."),
	ZONE_PAGES("zone_watermark_low_bytes", wmark_low, "The zone's low watermark, boost included."),
	ZONE_PAGES("zone_watermark_high_bytes", wmark_high, "The zone's high watermark, boost included."),
	ZONE_PAGES("zone_watermark_boost_bytes", boost, "The watermark boost after fragmenting fallbacks."),
	ZONE_PAGES("zone_reserved_highatomic_bytes", nr_reserved_highatomic,
		   "Memory reserved in HighAtomic pageblocks."),
	ZONE_COUNT("zone_migratetype_fallbacks_total", stats.mt_fallback,
		   "Allocations served from another migratetype's free lists."),
	ZONE_COUNT("zone_migratetype_steals_total", stats.mt_steal,
		   "Fallbacks that took the whole pageblock over."),
	ZONE_COUNT("zone_zone_fallbacks_total", stats.zone_fallback,
		   "Allocations that fell back to this zone from a higher one."),
	ZONE_COUNT("zone_watermark_low_hits_total", stats.wmark_low,
		   "Allocations that found the zone below its low watermark."),
	ZONE_COUNT("zone_watermark_min_hits_total", stats.wmark_min,
		   "Allocations that found the zone below its min watermark."),
	ZONE_COUNT("zone_allocation_failures_total", stats.alloc_fail,
		   "Allocations the zone could not serve."),
	ZONE_COUNT("zone_pcp_allocations_total", stats.pcp_alloc,
		   "Pages allocated from the per-CPU lists."),
	ZONE_COUNT("zone_pcp_frees_total", stats.pcp_free, "Pages freed to the per-CPU lists."),
	ZONE_COUNT("zone_pcp_refills_total", stats.pcp_refill,
		   "Per-CPU list refills from the buddy allocator."),
	ZONE_COUNT("zone_pcp_drains_total", stats.pcp_drain,
		   "Per-CPU list drains back to the buddy allocator."),
};

/* The zones a family has samples for: those with managed pages, as debugfs prints them. */
#define for_each_populated(z, zones, n)					\
	for ((z) = (zones); (z) < (zones) + (n); (z)++)			\
		if ((z)->managed)

static void stats_zone_scalars(struct smmctl_prom *p, const struct smmc_zone *zones, unsigned int n)
{
	const struct stats_zone_metric *m;
	const struct smmc_zone *z;
	uint64_t v;

	for (m = stats_zone_metrics; m < stats_zone_metrics + ARRAY_SIZE(stats_zone_metrics); m++) {
		smmctl_prom_family(p, m->name, m->help);
		for_each_populated(z, zones, n) {
			v = *(const uint64_t *)((const char *)z + m->off);
			smmctl_prom_sample(p, m->name, stats_u64(m->pages ? v * p->page_size : v).s,
					"zone", z->name, NULL);
		}
	}
}

/* Free blocks by order and migratetype, and the pageblocks of each migratetype. */
static void stats_zone_free_area(struct smmctl_prom *p, const struct smmc_zone *zones, unsigned int n)
{
	const struct smmc_zone *z;
	unsigned int o, mt;

	smmctl_prom_family(p, "zone_free_blocks",
			"Free blocks of 2^order pages on the zone's free lists, by migratetype.");
	for_each_populated(z, zones, n)
		for (o = 0; o < p->nr_orders; o++)
			for (mt = 0; mt < SMMC_NR_MT; mt++)
				smmctl_prom_sample(p, "zone_free_blocks", stats_u64(z->nr_free_mt[o][mt]).s,
						"zone", z->name, "order", stats_u64(o).s,
						"migratetype", smmc_mt_names[mt], NULL);
	smmctl_prom_family(p, "zone_pageblocks", "Pageblocks of the zone, by migratetype.");
	for_each_populated(z, zones, n)
		for (mt = 0; mt < SMMC_NR_MT; mt++)
			smmctl_prom_sample(p, "zone_pageblocks", stats_u64(z->pageblocks[mt]).s,
					"zone", z->name, "migratetype", smmc_mt_names[mt], NULL);
}

/* A per-order family: thousandths as fractions (@milli) or counts. */
static void stats_zone_orders(struct smmctl_prom *p, const struct smmc_zone *zones, unsigned int n,
			      const char *name, const char *help, size_t off, bool milli)
{
	const struct smmc_zone *z;
	const char *rec;
	unsigned int o;

	smmctl_prom_family(p, name, help);
	for_each_populated(z, zones, n) {
		rec = (const char *)z + off;
		for (o = 0; o < p->nr_orders; o++)
			smmctl_prom_sample(p, name, milli ? stats_milli(((const int32_t *)rec)[o]).s :
					stats_u64(((const uint64_t *)rec)[o]).s,
					"zone", z->name, "order", stats_u64(o).s, NULL);
	}
}

static int stats_zones(struct smmctl_prom *p)
{
	struct smmc_zone zones[SMMC_NR_ZONES];
	unsigned int n = 0;
	/* a zone that never stood still: its last copy, as zone show prints it */
	int ret = smmc_zones_get(&smmctl_nl, zones, &n);

	if (ret && ret != SMMC_NL_DUMP_INTR)
		return smmctl_error();
	stats_zone_scalars(p, zones, n);
	stats_zone_free_area(p, zones, n);
	stats_zone_orders(p, zones, n, "zone_unusable_index",
			  "Fraction of free memory unusable for an allocation of this order (debugfs unusable_index).",
			  offsetof(struct smmc_zone, unusable), true);
	stats_zone_orders(p, zones, n, "zone_extfrag_index",
			  "Fragmentation index of an allocation of this order, -1 when a free block is there (debugfs extfrag_index).",
			  offsetof(struct smmc_zone, extfrag), true);
	stats_zone_orders(p, zones, n, "zone_allocations_total",
			  "Blocks of this order allocated from the zone.",
			  offsetof(struct smmc_zone, stats.alloc), false);
	stats_zone_orders(p, zones, n, "zone_frees_total", "Blocks of this order freed to the zone.",
			  offsetof(struct smmc_zone, stats.free), false);
	return 0;
}

/* ---- slab caches ---- */

struct stats_cache_metric {
	const char *name, *help;
	size_t off;
	const char *path;		/* the label "path": fast or slow, or none */
};

#define CACHE(n, m, h)		{ (n), (h), offsetof(struct smmc_cache, m), NULL }
#define CACHE_PATH(n, m, pa, h)	{ (n), (h), offsetof(struct smmc_cache, m), (pa) }

/* Families in order; one with a path label has its entries next to each other. */
static const struct stats_cache_metric stats_cache_metrics[] = {
	CACHE("slab_objects_active", active_objs, "Objects allocated from the cache."),
	CACHE("slab_objects", num_objs, "Object slots in the cache's slabs."),
	CACHE("slab_slabs", num_slabs, "Slabs the cache holds."),
	CACHE_PATH("slab_allocations_total", alloc_fast, "fast",
		   "Objects allocated, by path: a CPU's freelist (fast) or the slow path."),
	CACHE_PATH("slab_allocations_total", alloc_slow, "slow", NULL),
	CACHE_PATH("slab_frees_total", free_fast, "fast",
		   "Objects freed, by path: to a CPU's slab (fast) or the slow path."),
	CACHE_PATH("slab_frees_total", free_slow, "slow", NULL),
	CACHE("slab_allocation_failures_total", alloc_fail, "Object allocations that failed."),
	CACHE("slab_slabs_allocated_total", slabs_alloc, "Slabs taken from the buddy allocator."),
	CACHE("slab_slabs_freed_total", slabs_free, "Slabs given back to the buddy allocator."),
	CACHE("slab_errors_total", errors, "Corruption and misuse the cache detected."),
};

static int stats_caches(struct smmctl_prom *p)
{
	const struct stats_cache_metric *m;
	struct smmc_cache *caches;
	size_t n, i;
	uint64_t v;

	if (smmc_caches_get(&smmctl_nl, &caches, &n))
		return smmctl_error();
	for (m = stats_cache_metrics; m < stats_cache_metrics + ARRAY_SIZE(stats_cache_metrics);
	     m++) {
		if (m->help)
			smmctl_prom_family(p, m->name, m->help);
		for (i = 0; i < n; i++) {
			v = *(const uint64_t *)((const char *)&caches[i] + m->off);
			if (m->path)
				smmctl_prom_sample(p, m->name, stats_u64(v).s, "cache", caches[i].name,
						"path", m->path, NULL);
			else
				smmctl_prom_sample(p, m->name, stats_u64(v).s, "cache", caches[i].name, NULL);
		}
	}
	smmctl_prom_family(p, "slab_memory_bytes", "Memory in the cache's slabs.");
	for (i = 0; i < n; i++)
		smmctl_prom_sample(p, "slab_memory_bytes",
				stats_u64((caches[i].num_slabs * p->page_size) << caches[i].order).s,
				"cache", caches[i].name, NULL);
	free(caches);
	return 0;
}

/* ---- shadow address spaces ---- */

static const char *const stats_page_sizes[SMMC_SPACE_SIZES] = { "4K", "2M", "1G" };
static const unsigned int stats_page_shifts[SMMC_SPACE_SIZES] = { 12, 21, 30 };

/* What SPACE_GET says of each space; vm[] the RSS and faults, one request per space. */
static void stats_space_families(struct smmctl_prom *p, const struct smmc_space_info *s,
				 const struct smmc_space_vm *vm, size_t n)
{
	char id[16];
	size_t i;
	unsigned int l;

#define EACH_SPACE(stmt)						\
	for (i = 0; i < n; i++) {					\
		snprintf(id, sizeof(id), "%u", s[i].id);		\
		stmt;							\
	}
	smmctl_prom_family(p, "space_memory_bytes", "Memory the space holds, page tables included.");
	EACH_SPACE(smmctl_prom_sample(p, "space_memory_bytes", stats_u64(s[i].frames * p->page_size).s,
				   "space", id, NULL));
	smmctl_prom_family(p, "space_page_table_bytes", "Memory in the space's page tables, by level.");
	EACH_SPACE(for (l = 0; l < SMMC_PT_LEVELS; l++)
			   smmctl_prom_sample(p, "space_page_table_bytes",
					   stats_u64(s[i].tables[l] * p->page_size).s, "space", id,
					   "level", smmc_pt_level_names[l], NULL));
	smmctl_prom_family(p, "space_mapped_bytes", "Memory the space maps, by page size.");
	EACH_SPACE(for (l = 0; l < SMMC_SPACE_SIZES; l++)
			   smmctl_prom_sample(p, "space_mapped_bytes",
					   stats_u64(s[i].mapped[l] << stats_page_shifts[l]).s,
					   "space", id, "page_size", stats_page_sizes[l], NULL));
	smmctl_prom_family(p, "space_rss_anon_bytes",
			"Anonymous memory faulted into the space's VMAs (RssAnon).");
	EACH_SPACE(smmctl_prom_sample(p, "space_rss_anon_bytes", stats_u64(vm[i].rss_anon * p->page_size).s,
				   "space", id, NULL));
	smmctl_prom_family(p, "space_vmas", "VMAs of the space.");
	EACH_SPACE(smmctl_prom_sample(p, "space_vmas", stats_u64(vm[i].nr_vmas).s, "space", id, NULL));
	smmctl_prom_family(p, "space_minor_faults_total", "Minor faults taken in the space.");
	EACH_SPACE(smmctl_prom_sample(p, "space_minor_faults_total", stats_u64(vm[i].min_flt).s,
				   "space", id, NULL));
	smmctl_prom_family(p, "space_major_faults_total", "Major faults taken in the space.");
	EACH_SPACE(smmctl_prom_sample(p, "space_major_faults_total", stats_u64(vm[i].maj_flt).s,
				   "space", id, NULL));
#undef EACH_SPACE
}

/*
 * The spaces, then each one's VMA counts. A space destroyed between the
 * two requests is left out (its slot dropped), not an error.
 */
static int stats_spaces(struct smmctl_prom *p)
{
	struct smmc_space_info *s;
	struct smmc_space_vm *vm = NULL;
	size_t n, i, kept = 0;
	int ret;

	ret = smmc_spaces_get(&smmctl_nl, &s, &n);
	if (ret && ret != SMMC_NL_DUMP_INTR)
		goto err_free;
	ret = -ENOMEM;
	vm = calloc(n ? n : 1, sizeof(*vm));
	if (!vm) {
		snprintf(smmctl_nl.err, sizeof(smmctl_nl.err), "%s", strerror(ENOMEM));
		goto err_free;
	}
	for (i = 0; i < n; i++) {
		ret = smmc_space_vm_get(&smmctl_nl, s[i].id, &vm[kept]);
		if (ret == -ENOENT)
			continue;
		if (ret)
			goto err_free;
		s[kept++] = s[i];
	}
	stats_space_families(p, s, vm, kept);
	free(vm);
	free(s);
	return 0;

err_free:
	free(vm);
	free(s);
	return smmctl_error();
}

/* ---- the command ---- */

/* Each source asks the module and prints its families; info first (page size, orders). */
static int (*const stats_sources[])(struct smmctl_prom *p) = {
	stats_info,
	stats_zones,
	stats_caches,
	stats_spaces,
};

/* @len bytes of @buf to @path through @path.tmp.PID and rename(); 0 or 1 after saying why. */
static int stats_write_file(const char *path, const char *buf, size_t len)
{
	char tmp[4096];
	size_t done = 0;
	ssize_t w;
	int fd;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof(tmp)) {
		fprintf(stderr, "Error: %s: %s\n", path, strerror(ENAMETOOLONG));
		return 1;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		goto err;
	while (done < len) {
		w = write(fd, buf + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			goto err_unlink;
		done += w;
	}
	if (fsync(fd))
		goto err_unlink;
	if (close(fd)) {
		fd = -1;
		goto err_unlink;
	}
	fd = -1;
	if (rename(tmp, path))
		goto err_unlink;
	return 0;

err_unlink:
	fprintf(stderr, "Error: %s: %s\n", tmp, strerror(errno));
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return 1;
err:
	fprintf(stderr, "Error: %s: %s\n", tmp, strerror(errno));
	return 1;
}

static int stats_show(int argc, char **argv)
{
	struct smmctl_prom p = { .page_size = 4096, .nr_orders = SMMC_NR_ORDERS };
	const char *output = NULL;
	char *buf = NULL;
	size_t len = 0, i;
	int ret = 1;

	if (argc > 0 && !strcmp(argv[0], "prometheus")) {
		argc--;
		argv++;
	}
	if (argc > 0 && !strcmp(argv[0], "output")) {
		if (argc < 2 || !*argv[1]) {
			fprintf(stderr, "Error: output needs a file name\n");
			return 1;
		}
		output = argv[1];
		argc -= 2;
		argv += 2;
	}
	if (smmctl_no_args(argc, argv))
		return 1;
	if (smmc_is_json_context()) {
		fprintf(stderr, "Error: stats prints the Prometheus text format, not JSON\n");
		return 1;
	}
	if (smmctl_connect())
		return 1;
	p.f = open_memstream(&buf, &len);
	if (!p.f) {
		fprintf(stderr, "Error: %s\n", strerror(errno));
		return 1;
	}
	for (i = 0; i < ARRAY_SIZE(stats_sources); i++)
		if (stats_sources[i](&p))
			goto out;
	if (fclose(p.f)) {
		p.f = NULL;
		fprintf(stderr, "Error: %s\n", strerror(errno));
		goto out;
	}
	p.f = NULL;
	if (output)
		ret = stats_write_file(output, buf, len);
	else
		ret = fwrite(buf, 1, len, stdout) == len ? 0 : 1;	/* main says why */
out:
	if (p.f)
		fclose(p.f);
	free(buf);
	return ret;
}

const struct smm_cmd smmctl_stats_cmds[] = {
	SMM_CMD("show", stats_show, "[ FORMAT ] [ output FILE ]",
		"every counter and gauge for monitoring; FILE: written whole, then renamed"),
	SMM_CMD_END("FORMAT := { prometheus }\n"),
};
