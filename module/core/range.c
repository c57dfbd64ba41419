// SPDX-License-Identifier: GPL-2.0
/*
 * Frame index space of the managed range; see range.h for the layout.
 */
#include "range.h"

int smm_range_init(struct smm_range *r, u32 max_sections)
{
	memset(r, 0, sizeof(*r));
	if (!max_sections)
		return -EINVAL;
	r->sections = smm_zalloc_array(max_sections, sizeof(*r->sections));
	if (!r->sections)
		return -ENOMEM;
	r->max_sections = max_sections;
	return 0;
}

/*
 * Append a section. Sections come in increasing physical order so that
 * index order and physical order agree (zones are index intervals later).
 */
int smm_range_add_section(struct smm_range *r, u64 pfn, u64 nr_frames, void *virt)
{
	struct smm_section *s;
	u64 start;

	if (r->frames || r->nr_sections == r->max_sections || !nr_frames)
		return -EINVAL;
	if (r->nr_sections) {
		const struct smm_section *prev = &r->sections[r->nr_sections - 1];

		if (pfn < prev->pfn + prev->nr_frames)
			return -EINVAL;
	}

	start = ALIGN(r->span, SMM_MAX_BLOCK_FRAMES) + (pfn & (SMM_MAX_BLOCK_FRAMES - 1));
	if (start + nr_frames > SMM_MAX_SPAN_FRAMES || start + nr_frames < start)
		return -E2BIG;

	s = &r->sections[r->nr_sections++];
	s->pfn = pfn;
	s->start = start;
	s->nr_frames = nr_frames;
	s->virt = virt;
	r->span = start + nr_frames;
	r->nr_frames += nr_frames;
	return 0;
}

static void smm_range_mark_holes(struct smm_range *r)
{
	u64 idx = 0;
	u32 i;

	for (i = 0; i < r->nr_sections; i++) {
		for (; idx < r->sections[i].start; idx++)
			smm_frame_set_head(&r->frames[idx], SMM_FRAME_HOLE, 0, 0);
		idx = r->sections[i].start + r->sections[i].nr_frames;
	}
}

/* Allocate the descriptors once every section is known. */
int smm_range_finish(struct smm_range *r)
{
	if (!r->nr_sections || r->frames)
		return -EINVAL;
	r->frames = smm_zalloc_array(r->span, sizeof(*r->frames));
	if (!r->frames)
		return -ENOMEM;
	smm_range_mark_holes(r);
	return 0;
}

void smm_range_destroy(struct smm_range *r)
{
	smm_free_array(r->frames);
	smm_free_array(r->sections);
	memset(r, 0, sizeof(*r));
}

/* Binary search: borrowed ranges have thousands of sections. */
const struct smm_section *smm_range_section_of(const struct smm_range *r, u64 idx)
{
	u32 lo = 0, hi = r->nr_sections;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;
		const struct smm_section *s = &r->sections[mid];

		if (idx < s->start)
			hi = mid;
		else if (idx >= s->start + s->nr_frames)
			lo = mid + 1;
		else
			return s;
	}
	return NULL;
}

bool smm_range_idx_to_pfn(const struct smm_range *r, u64 idx, u64 *pfn)
{
	const struct smm_section *s = smm_range_section_of(r, idx);

	if (!s)
		return false;
	*pfn = s->pfn + (idx - s->start);
	return true;
}

bool smm_range_pfn_to_idx(const struct smm_range *r, u64 pfn, u64 *idx)
{
	u32 lo = 0, hi = r->nr_sections;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;
		const struct smm_section *s = &r->sections[mid];

		if (pfn < s->pfn)
			hi = mid;
		else if (pfn >= s->pfn + s->nr_frames)
			lo = mid + 1;
		else {
			*idx = s->start + (pfn - s->pfn);
			return true;
		}
	}
	return false;
}
