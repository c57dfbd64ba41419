// SPDX-License-Identifier: GPL-2.0
/*
 * smmctl info [ show ]: what is managed, how, by which module and kernel,
 * and the sections. smmctl section [ show ]: the sections alone.
 *
 * Physical addresses ("base") are printed only when the kernel sent them,
 * which it does for CAP_SYS_ADMIN callers.
 */
#include <stdlib.h>

#include "smmctl.h"

/* One line per section in text; {"index", "base", "start", "frames"} in JSON. */
static void print_sections(const struct smmc_section *s, size_t n, const char *indent)
{
	size_t i;

	smmc_open_json_array(SMMC_PRINT_JSON, "sections");
	for (i = 0; i < n; i++) {
		smmc_open_json_object(NULL);
		smmc_print_text("%s", indent);
		smmc_print_uint(SMMC_PRINT_ANY, "index", "section %u", s[i].index);
		if (s[i].has_base)
			smmc_print_u64(SMMC_PRINT_ANY, "base", " base 0x%" PRIx64, s[i].base);
		smmc_print_u64(SMMC_PRINT_ANY, "start", " start %" PRIu64, s[i].start);
		smmc_print_u64(SMMC_PRINT_ANY, "frames", " frames %" PRIu64 "\n", s[i].nr_frames);
		smmc_close_json_object();
	}
	smmc_close_json_array(SMMC_PRINT_JSON, NULL);
}

static void print_info(const struct smmc_info *info, const struct smmc_section *s, size_t n)
{
	char size[32];

	smmc_print_string(SMMC_PRINT_ANY, "mode", "mode %s\n", smmc_mode_name(info->mode));
	if (info->has_base)
		smmc_print_u64(SMMC_PRINT_ANY, "base", "base 0x%" PRIx64 "\n", info->base);
	smmc_print_u64(SMMC_PRINT_ANY, "size", "size %" PRIu64, info->size);
	smmc_print_text(" (%s)\n", smmc_fmt_bytes(size, sizeof(size), info->size));
	smmc_print_uint(SMMC_PRINT_ANY, "page_size", "page_size %u\n", info->page_size);
	smmc_print_u64(SMMC_PRINT_ANY, "frames", "frames %" PRIu64 "\n", info->nr_frames);
	smmc_print_u64(SMMC_PRINT_ANY, "span_frames", "span_frames %" PRIu64 "\n", info->span_frames);
	smmc_print_uint(SMMC_PRINT_ANY, "max_order", "max_order %u\n", info->max_order);
	smmc_print_uint(SMMC_PRINT_ANY, "descriptor_bytes", "descriptor_bytes %u\n", info->desc_bytes);
	/* JSON has the array's length */
	smmc_print_text("sections %u\n", info->nr_sections);
	print_sections(s, n, "  ");
	smmc_print_string(SMMC_PRINT_ANY, "version", "version %s\n", info->version);
	smmc_print_string(SMMC_PRINT_ANY, "kernel", "kernel %s\n", info->kernel);
}

/* Everything is fetched before anything is printed: a failure prints no half. */
static int info_show(int argc, char **argv)
{
	struct smmc_section *s;
	struct smmc_info info;
	size_t n;

	if (smmctl_no_args(argc, argv) || smmctl_connect())
		return 1;
	if (smmc_info_get(&smmctl_nl, &info) || smmc_sections_get(&smmctl_nl, &s, &n))
		return smmctl_error();
	print_info(&info, s, n);
	free(s);
	return 0;
}

const struct smm_cmd smmctl_info_cmds[] = {
	SMM_CMD("show", info_show, NULL, "range, mode, sizes, sections, versions"),
	SMM_CMD_END(NULL),
};

static int section_show(int argc, char **argv)
{
	struct smmc_section *s;
	size_t n;

	if (smmctl_no_args(argc, argv) || smmctl_connect())
		return 1;
	if (smmc_sections_get(&smmctl_nl, &s, &n))
		return smmctl_error();
	print_sections(s, n, "");
	free(s);
	return 0;
}

const struct smm_cmd smmctl_section_cmds[] = {
	SMM_CMD("show", section_show, NULL, "each section: index, base, first frame, frames"),
	SMM_CMD_END(NULL),
};
