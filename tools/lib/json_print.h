/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One print call for text and JSON, after iproute2's json_print: command
 * code says what a value is called and how it reads as text, and never
 * branches on -j.
 *
 *	smmc_new_json_obj(json);
 *	smmc_print_string(SMMC_PRINT_ANY, "mode", "mode %s\n", "reserved");
 *	smmc_open_json_array(SMMC_PRINT_JSON, "sections");
 *	smmc_open_json_object(NULL);
 *	smmc_print_u64(SMMC_PRINT_ANY, "frames", "frames %" PRIu64 "\n", n);
 *	smmc_close_json_object();
 *	smmc_close_json_array(SMMC_PRINT_JSON, NULL);
 *	smmc_delete_json_obj();
 *
 * In text mode each call prints its printf format (SMMC_PRINT_FP or SMMC_PRINT_ANY)
 * and the JSON-only calls print nothing; in JSON mode each prints a
 * member "key": value (SMMC_PRINT_JSON or SMMC_PRINT_ANY) of one top-level object,
 * closed by smmc_delete_json_obj(). A command that fails before printing
 * still leaves "{}": JSON mode always writes one object, so a script's
 * `jq '.handles[]'` fails on it instead of reading nothing. Keys are
 * ignored inside arrays. Strings are escaped; bytes that are not UTF-8
 * become U+FFFD.
 */
#ifndef _SMMC_JSON_PRINT_H
#define _SMMC_JSON_PRINT_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum smmc_output_type {
	SMMC_PRINT_FP = 1,
	SMMC_PRINT_JSON = 2,
	SMMC_PRINT_ANY = SMMC_PRINT_FP | SMMC_PRINT_JSON,
};

void smmc_new_json_obj(bool json);
void smmc_delete_json_obj(void);
void smmc_set_json_pretty(bool pretty);
void smmc_set_json_output(FILE *f);
bool smmc_is_json_context(void);

void smmc_open_json_object(const char *key);
void smmc_close_json_object(void);
void smmc_open_json_array(enum smmc_output_type t, const char *key);
void smmc_close_json_array(enum smmc_output_type t, const char *text);

void smmc_print_string(enum smmc_output_type t, const char *key, const char *fmt, const char *v);
void smmc_print_uint(enum smmc_output_type t, const char *key, const char *fmt, unsigned int v);
void smmc_print_int(enum smmc_output_type t, const char *key, const char *fmt, int v);
void smmc_print_u64(enum smmc_output_type t, const char *key, const char *fmt, uint64_t v);
void smmc_print_s64(enum smmc_output_type t, const char *key, const char *fmt, int64_t v);
void smmc_print_bool(enum smmc_output_type t, const char *key, const char *fmt, bool v);
void smmc_print_milli(enum smmc_output_type t, const char *key, const char *fmt,
		      int64_t thousandths);
void smmc_print_nl(void);
void smmc_print_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* _SMMC_JSON_PRINT_H */
