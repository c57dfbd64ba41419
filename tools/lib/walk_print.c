// SPDX-License-Identifier: GPL-2.0
/*
 * One step of a PT_WALK as smmctl pt walk prints it, in text or JSON
 * (json_print.h): the address, what it maps, then a line per level with
 * its index, raw entry and decoded flags. smmtop's batch mode prints its
 * walk the same way, so the two read alike.
 */
#include <inttypes.h>

#include "libsmm.h"
#include "json_print.h"

/* The flags of an entry: a list in JSON, words in text. */
static void smmc_pt_print_flags(uint32_t flags)
{
	unsigned int i;

	open_json_array(PRINT_JSON, "flags");
	for (i = 0; i < SMMC_PTF_BITS; i++)
		if (flags & (1U << i))
			print_string(PRINT_ANY, NULL, " %s", smmc_ptf_names[i]);
	close_json_array(PRINT_JSON, NULL);
}

static void smmc_pt_print_level(const struct smmc_pt_level *l)
{
	open_json_object(NULL);
	print_string(PRINT_ANY, "level", "  %-4s", smmc_pt_level_names[l->level]);
	if (l->folded) {
		print_bool(PRINT_JSON, "folded", NULL, true);
		print_text("      folded into the PGD (4-level paging)\n");
		close_json_object();
		return;
	}
	print_uint(PRINT_ANY, "index", " %3u", l->index);
	if (l->has_entry)
		print_u64(PRINT_ANY, "entry", "  0x%016" PRIx64, l->entry);
	smmc_pt_print_flags(l->flags);
	print_text("\n");
	close_json_object();
}

/* @st as an anonymous JSON object (an array's member) or lines of text. */
void smmc_pt_print_step(const struct smmc_pt_step *st)
{
	char size[32];
	unsigned int i;

	open_json_object(NULL);
	print_u64(PRINT_ANY, "addr", "0x%016" PRIx64, st->addr);
	print_string(PRINT_ANY, "kind", "  %s", smmc_pt_kind_names[st->kind]);
	print_u64(PRINT_JSON, "size", NULL, st->size);
	print_string(PRINT_FP, NULL, " %s", smmc_fmt_bytes(size, sizeof(size), st->size));
	if (st->kind == SHADOWMM_PT_PAGE && st->has_pfn) {
		print_u64(PRINT_ANY, "pfn", "  pfn %#" PRIx64, st->pfn);
		print_bool(PRINT_JSON, "in_shadow", NULL, st->in_shadow);
		print_text("%s", st->in_shadow ? " (shadowmm's)" : "");
	}
	if (st->kind == SHADOWMM_PT_SWAP) {
		print_uint(PRINT_ANY, "swap_type", "  swap type %u", st->swap_type);
		print_u64(PRINT_ANY, "swap_offset", " offset %#" PRIx64, st->swap_offset);
	}
	if (st->no_vma) {
		print_bool(PRINT_JSON, "no_vma", NULL, true);
		print_text("  outside every VMA (no table read)");
	}
	print_text("\n");
	open_json_array(PRINT_JSON, "levels");
	for (i = 0; i < st->nr; i++)
		smmc_pt_print_level(&st->lv[i]);
	close_json_array(PRINT_JSON, NULL);
	close_json_object();
}
