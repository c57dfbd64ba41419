/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smmctl: commands are nested tables of {name, handler}, matched by
 * unambiguous prefix, iproute2 style. Each object's file exports its
 * top-level handler; main.c lists them.
 */
#ifndef _SMMCTL_H
#define _SMMCTL_H

#include <stdbool.h>

#include "../lib/json_print.h"
#include "../lib/libsmm.h"

struct smm_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

extern struct smm_nl smmctl_nl;

int smmctl_dispatch(const char *object, const struct smm_cmd *cmds, int argc, char **argv);
int smmctl_connect(void);
int smmctl_error(const char *what);
bool smmctl_matches(const char *word, const char *name);
int smmctl_parse_u64(const char *word, const char *what, uint64_t *v);

int do_info(int argc, char **argv);
int do_section(int argc, char **argv);
int do_zone(int argc, char **argv);
int do_page(int argc, char **argv);
int do_frame(int argc, char **argv);
int do_check(int argc, char **argv);
int do_reset(int argc, char **argv);

#endif /* _SMMCTL_H */
