/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smmctl: commands are nested tables of {name, handler}, iproute2 style.
 * A word matches a table entry by unambiguous prefix (an exact name always
 * wins); "help" works at every level; no word runs the table's "show" (or
 * prints the table's help and fails when there is none). Each object's
 * file exports its table, main.c lists the objects.
 *
 * Adding an object "foo": write foo.c with its handlers and
 *
 *	const struct smm_cmd smmctl_foo_cmds[] = {
 *		SMM_CMD("show", foo_show, "[ NAME ]", "what it shows"),
 *		SMM_CMD_END("NAME := ...\n"),
 *	};
 *
 * declare it below, and add SMM_OBJ("foo", smmctl_foo_cmds, "...") to
 * the table in main.c. The Makefile builds every .c file here.
 */
#ifndef _SMMCTL_H
#define _SMMCTL_H

#include <stdbool.h>
#include <stdio.h>

#include "../lib/json_print.h"
#include "../lib/libsmm.h"

struct smm_cmd {
	const char *name;			/* NULL ends a table */
	int (*fn)(int argc, char **argv);	/* a command, given the words after it */
	const struct smm_cmd *sub;		/* or a table for the next word */
	const char *args;			/* what follows the name, for help */
	const char *help;			/* one line; at a table's end: notes */
};

#define SMM_CMD(name, fn, args, help)	{ (name), (fn), NULL, (args), (help) }
#define SMM_OBJ(name, sub, help)	{ (name), NULL, (sub), NULL, (help) }
/* The last entry; @notes (or NULL) are printed below the table's help. */
#define SMM_CMD_END(notes)		{ NULL, NULL, NULL, NULL, (notes) }

extern struct smmc_nl smmctl_nl;

int smmctl_connect(void);
int smmctl_error(void);
int smmctl_no_args(int argc, char **argv);
int smmctl_help_running(void);
int smmctl_bad_arg(const char *word);
int smmctl_parse_u64(const char *word, const char *what, uint64_t *v);
int smmctl_space_id(const char *word, uint32_t *id);
int smmctl_print_handles(uint64_t *handles, uint32_t n);

/* the objects, one file each */
extern const struct smm_cmd smmctl_info_cmds[];		/* info.c */
extern const struct smm_cmd smmctl_section_cmds[];	/* info.c */
extern const struct smm_cmd smmctl_zone_cmds[];		/* zone.c */
extern const struct smm_cmd smmctl_page_cmds[];		/* page.c */
extern const struct smm_cmd smmctl_frame_cmds[];	/* frame.c */
int smmctl_check(int argc, char **argv);		/* check.c */
int smmctl_reset(int argc, char **argv);		/* check.c */
int smmctl_monitor(int argc, char **argv);		/* monitor.c */
extern const struct smm_cmd smmctl_cache_cmds[];	/* cache.c */
extern const struct smm_cmd smmctl_obj_cmds[];		/* cache.c */
extern const struct smm_cmd smmctl_pt_cmds[];		/* pt.c */
extern const struct smm_cmd smmctl_space_cmds[];	/* space.c */
extern const struct smm_cmd smmctl_stats_cmds[];	/* stats.c */
int smmctl_vmstat(int argc, char **argv);		/* vmstat.c */
int smmctl_compact(int argc, char **argv);		/* compact.c */
int smmctl_replay(int argc, char **argv);		/* trace.c */
extern const struct smm_cmd smmctl_range_cmds[];	/* range.c */
extern const struct smm_cmd smmctl_cma_cmds[];		/* cma.c */
extern const struct smm_cmd smmctl_swap_cmds[];		/* swap.c */
int smmctl_space_pageout(int argc, char **argv);	/* swap.c */
int smmctl_space_run(int argc, char **argv);		/* workload.c */
int smmctl_space_stop(int argc, char **argv);
int smmctl_space_workloads(int argc, char **argv);
extern const struct smm_cmd smmctl_reclaim_cmds[];	/* swap.c */
extern const struct smm_cmd smmctl_vm_cmds[];		/* vm.c */
extern const struct smm_cmd smmctl_fault_cmds[];	/* fault.c */
extern const struct smm_cmd smmctl_file_cmds[];	/* file.c */
extern const struct smm_cmd smmctl_trace_cmds[];	/* trace.c */
/* svg.c: frame show svg's and zone history svg's output file and time */
FILE *smmctl_svg_create(const char *path, char *tmp, size_t len);
int smmctl_svg_commit(FILE *f, const char *tmp, const char *path, int ret);
void smmctl_svg_when(char *buf, size_t len);

/* vma.c: the shadow-process commands of smmctl_space_cmds */
int smmctl_space_mmap(int argc, char **argv);
int smmctl_space_munmap(int argc, char **argv);
int smmctl_space_access(int argc, char **argv);
int smmctl_space_pin(int argc, char **argv);
int smmctl_space_unpin(int argc, char **argv);
int smmctl_space_show_one(const char *word);

#endif /* _SMMCTL_H */
