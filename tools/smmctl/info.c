// SPDX-License-Identifier: GPL-2.0
/* smmctl info, smmctl section */
#include <stdio.h>
#include <stdlib.h>

#include "smmctl.h"

static void print_sections(const struct smm_section *s, size_t n)
{
	size_t i;

	open_json_array(PRINT_JSON, "sections");
	for (i = 0; i < n; i++) {
		open_json_object(NULL);
		print_u64(PRINT_ANY, "index", "  section %" PRIu64, s[i].index);
		if (s[i].has_base)
			print_u64(PRINT_ANY, "base", " base %#" PRIx64, s[i].base);
		print_u64(PRINT_ANY, "start", " start %" PRIu64, s[i].start);
		print_u64(PRINT_ANY, "frames", " frames %" PRIu64 "\n", s[i].nr_frames);
		close_json_object();
	}
	close_json_array(PRINT_JSON, NULL);
}

static int fetch_sections(struct smm_section **s, size_t *n)
{
	if (smm_sections_get(&smmctl_nl, s, n))
		return smmctl_error("section dump");
	return 0;
}

static int info_show(int argc, char **argv)
{
	struct smm_section *s;
	struct smm_info info;
	size_t n;

	(void)argv;
	if (argc) {
		fprintf(stderr, "Error: \"info show\" takes no arguments\n");
		return 1;
	}
	if (smmctl_connect())
		return 1;
	if (smm_info_get(&smmctl_nl, &info))
		return smmctl_error("info");
	if (fetch_sections(&s, &n))
		return 1;

	print_string(PRINT_ANY, "mode", "mode %s\n", smm_mode_name(info.mode));
	if (info.has_base)
		print_u64(PRINT_ANY, "base", "base %#" PRIx64 "\n", info.base);
	print_u64(PRINT_ANY, "size", "size %" PRIu64, info.size);
	print_text(" (%" PRIu64 " MiB)\n", info.size >> 20);
	print_u64(PRINT_ANY, "page_size", "page_size %" PRIu64 "\n", info.page_size);
	print_u64(PRINT_ANY, "frames", "frames %" PRIu64 "\n", info.nr_frames);
	print_u64(PRINT_ANY, "span_frames", "span_frames %" PRIu64 "\n", info.span_frames);
	print_u64(PRINT_ANY, "max_order", "max_order %" PRIu64 "\n", info.max_order);
	print_u64(PRINT_ANY, "descriptor_bytes", "descriptor_bytes %" PRIu64 "\n",
		  info.desc_bytes);
	print_text("sections %u\n", info.nr_sections);
	print_sections(s, n);
	print_string(PRINT_ANY, "version", "version %s\n", info.version);
	print_string(PRINT_ANY, "kernel", "kernel %s\n", info.kernel);
	free(s);
	return 0;
}

int do_info(int argc, char **argv)
{
	static const struct smm_cmd cmds[] = {
		{ "show", info_show, "range, mode, sizes, versions" },
		{ NULL }
	};

	return smmctl_dispatch("info", cmds, argc, argv);
}

static int section_show(int argc, char **argv)
{
	struct smm_section *s;
	size_t n;

	(void)argv;
	if (argc) {
		fprintf(stderr, "Error: \"section show\" takes no arguments\n");
		return 1;
	}
	if (smmctl_connect() || fetch_sections(&s, &n))
		return 1;
	print_sections(s, n);
	free(s);
	return 0;
}

int do_section(int argc, char **argv)
{
	static const struct smm_cmd cmds[] = {
		{ "show", section_show, "list the backing sections" },
		{ NULL }
	};

	return smmctl_dispatch("section", cmds, argc, argv);
}
