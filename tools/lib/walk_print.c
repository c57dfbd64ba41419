// SPDX-License-Identifier: GPL-2.0
/*
 * One step of a PT_WALK as smmctl pt walk prints it, in text or JSON
 * (json_print.h): the address, what it maps, then a line per level with
 * its index, raw entry and decoded flags. smmtop's batch mode prints its
 * walk the same way, so the two read alike. A leaves-mode run is one
 * line: address, first frame, pages, page size, flags.
 */
#include <inttypes.h>

#include "libsmm.h"
#include "json_print.h"

/* The flags of an entry: a list in JSON, words in text. */
static void smmc_pt_print_flags(uint32_t flags)
{
	unsigned int i;

	smmc_open_json_array(SMMC_PRINT_JSON, "flags");
	for (i = 0; i < SMMC_PTF_BITS; i++)
		if (flags & (1U << i))
			smmc_print_string(SMMC_PRINT_ANY, NULL, " %s", smmc_ptf_names[i]);
	smmc_close_json_array(SMMC_PRINT_JSON, NULL);
}

static void smmc_pt_print_level(const struct smmc_pt_level *l)
{
	smmc_open_json_object(NULL);
	smmc_print_string(SMMC_PRINT_ANY, "level", "  %-4s", smmc_pt_level_names[l->level]);
	if (l->folded) {
		smmc_print_bool(SMMC_PRINT_JSON, "folded", NULL, true);
		smmc_print_text("      folded into the PGD (4-level paging)\n");
		smmc_close_json_object();
		return;
	}
	smmc_print_uint(SMMC_PRINT_ANY, "index", " %3u", l->index);
	if (l->has_entry)
		smmc_print_u64(SMMC_PRINT_ANY, "entry", "  0x%016" PRIx64, l->entry);
	smmc_pt_print_flags(l->flags);
	smmc_print_text("\n");
	smmc_close_json_object();
}

/* @st as an anonymous JSON object (an array's member) or lines of text. */
void smmc_pt_print_step(const struct smmc_pt_step *st)
{
	char size[32];
	unsigned int i;

	smmc_open_json_object(NULL);
	smmc_print_u64(SMMC_PRINT_ANY, "addr", "0x%016" PRIx64, st->addr);
	smmc_print_string(SMMC_PRINT_ANY, "kind", "  %s", smmc_pt_kind_names[st->kind]);
	smmc_print_u64(SMMC_PRINT_JSON, "size", NULL, st->size);
	smmc_print_string(SMMC_PRINT_FP, NULL, " %s", smmc_fmt_bytes(size, sizeof(size), st->size));
	if (st->kind == SHADOWMM_PT_PAGE && st->has_pfn) {
		smmc_print_u64(SMMC_PRINT_ANY, "pfn", "  pfn %#" PRIx64, st->pfn);
		smmc_print_bool(SMMC_PRINT_JSON, "in_shadow", NULL, st->in_shadow);
		smmc_print_text("%s", st->in_shadow ? " (shadowmm's)" : "");
	}
	if (st->kind == SHADOWMM_PT_SWAP) {
		smmc_print_uint(SMMC_PRINT_ANY, "swap_type", "  swap type %u", st->swap_type);
		smmc_print_u64(SMMC_PRINT_ANY, "swap_offset", " offset %#" PRIx64, st->swap_offset);
	}
	if (st->no_vma) {
		smmc_print_bool(SMMC_PRINT_JSON, "no_vma", NULL, true);
		smmc_print_text("  outside every VMA (no table read)");
	}
	smmc_print_text("\n");
	smmc_open_json_array(SMMC_PRINT_JSON, "levels");
	for (i = 0; i < st->nr; i++)
		smmc_pt_print_level(&st->lv[i]);
	smmc_close_json_array(SMMC_PRINT_JSON, NULL);
	smmc_close_json_object();
}

/* A run of leaves as one line, or an anonymous JSON object. */
void smmc_pt_print_run(const struct smmc_pt_run *run)
{
	char size[32];

	smmc_open_json_object(NULL);
	smmc_print_u64(SMMC_PRINT_ANY, "addr", "0x%016" PRIx64, run->addr);
	smmc_print_u64(SMMC_PRINT_ANY, "pfn", "  pfn %#-10" PRIx64, run->pfn);
	smmc_print_u64(SMMC_PRINT_ANY, "pages", "  %8" PRIu64, run->pages);
	smmc_print_uint(SMMC_PRINT_JSON, "shift", NULL, run->shift);
	smmc_print_string(SMMC_PRINT_FP, NULL, " x %s",
			  smmc_fmt_bytes(size, sizeof(size), 1ULL << run->shift));
	smmc_pt_print_flags(run->flags);
	smmc_print_text("\n");
	smmc_close_json_object();
}
