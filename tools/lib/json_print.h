/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One print call for text and JSON, after iproute2's json_print: command
 * code says what a value is called and how it reads as text, and never
 * branches on -j.
 *
 *	new_json_obj(json);
 *	print_string(PRINT_ANY, "mode", "mode %s\n", "reserved");
 *	open_json_array(PRINT_JSON, "sections");
 *	open_json_object(NULL);
 *	print_u64(PRINT_ANY, "frames", "frames %" PRIu64 "\n", n);
 *	close_json_object();
 *	close_json_array(PRINT_JSON, NULL);
 *	delete_json_obj();
 *
 * In text mode each call prints its printf format (PRINT_FP or PRINT_ANY)
 * and the JSON-only calls print nothing; in JSON mode each prints a
 * member "key": value (PRINT_JSON or PRINT_ANY) of one top-level object,
 * closed by delete_json_obj(). A command that fails before printing
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

enum output_type {
	PRINT_FP = 1,
	PRINT_JSON = 2,
	PRINT_ANY = PRINT_FP | PRINT_JSON,
};

void new_json_obj(bool json);
void delete_json_obj(void);
void set_json_pretty(bool pretty);
void set_json_output(FILE *f);
bool is_json_context(void);

void open_json_object(const char *key);
void close_json_object(void);
void open_json_array(enum output_type t, const char *key);
void close_json_array(enum output_type t, const char *text);

void print_string(enum output_type t, const char *key, const char *fmt, const char *v);
void print_uint(enum output_type t, const char *key, const char *fmt, unsigned int v);
void print_int(enum output_type t, const char *key, const char *fmt, int v);
void print_u64(enum output_type t, const char *key, const char *fmt, uint64_t v);
void print_s64(enum output_type t, const char *key, const char *fmt, int64_t v);
void print_bool(enum output_type t, const char *key, const char *fmt, bool v);
void print_milli(enum output_type t, const char *key, const char *fmt, int64_t thousandths);
void print_nl(void);
void print_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* _SMMC_JSON_PRINT_H */
