/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parsing and checking of the module's range parameters, kept in the core
 * so the user-space tests can try every bad value the module must refuse.
 */
#ifndef _SMM_CORE_PARAM_H
#define _SMM_CORE_PARAM_H

#include "env.h"

int smm_parse_size(const char *s, u64 *out);
int smm_parse_decimal(const char *s, u64 max, u64 *out);
const char *smm_check_range(u64 base, u64 size, unsigned int phys_bits);
const char *smm_check_size(u64 size);

#endif /* _SMM_CORE_PARAM_H */
