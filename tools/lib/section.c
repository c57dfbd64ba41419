// SPDX-License-Identifier: GPL-2.0
/* SECTION_GET: the sections backing the range, one dump message each. */
#include <string.h>

#include "libsmm.h"

/* Sections do not change while the module is loaded; a retry is cheap. */
#define SMMC_SECTION_DUMP_TRIES	3

static const struct smmc_attr_field smmc_section_fields[SHADOWMM_A_SECTION_MAX + 1] = {
	[SHADOWMM_A_SECTION_INDEX]	= SMMC_ATTR_U32(struct smmc_section, index),
	[SHADOWMM_A_SECTION_BASE]	= SMMC_ATTR_U64(struct smmc_section, base),
	[SHADOWMM_A_SECTION_START]	= SMMC_ATTR_U64(struct smmc_section, start),
	[SHADOWMM_A_SECTION_NR_FRAMES]	= SMMC_ATTR_U64(struct smmc_section, nr_frames),
};

static const struct smmc_attr_policy smmc_section_policy = SMMC_ATTR_FIELDS(smmc_section_fields);

/*
 * One SECTION_GET message into the struct smmc_section at @section (a
 * smmc_dump's parse); BASE is sent to CAP_SYS_ADMIN only.
 */
int smmc_section_parse(const struct nlmsghdr *nlh, void *section)
{
	const struct nlattr *tb[SHADOWMM_A_SECTION_MAX + 1];
	struct smmc_section *s = section;

	memset(s, 0, sizeof(*s));
	if (smmc_attr_parse(nlh, &smmc_section_policy, tb))
		return -EBADMSG;
	s->has_base = tb[SHADOWMM_A_SECTION_BASE];
	smmc_attr_store(tb, &smmc_section_policy, s);
	return 0;
}

/* Every section, in an array the caller frees (smmc_dump_array()). */
int smmc_sections_get(struct smmc_nl *nl, struct smmc_section **sections, size_t *n)
{
	static const struct smmc_dump d = { SHADOWMM_CMD_SECTION_GET, sizeof(**sections), 16,
					    SMMC_SECTION_DUMP_TRIES, smmc_section_parse };

	return smmc_dump_array(nl, &d, (void **)sections, n);
}
