/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One print call for text and JSON, after iproute2's json_print: command
 * code says what a value is called and how it reads as text, and never
 * branches on -j.
 *
 *   print_u64(PRINT_ANY, "frames", "frames %" PRIu64 "\n", n);
 *
 * PRINT_FP prints only in text mode, PRINT_JSON only in JSON mode.
 */
#ifndef _SMM_JSON_PRINT_H
#define _SMM_JSON_PRINT_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>

enum output_type {
	PRINT_FP = 1,
	PRINT_JSON = 2,
	PRINT_ANY = PRINT_FP | PRINT_JSON,
};

void new_json_obj(bool json, bool pretty);
void delete_json_obj(void);
bool is_json_context(void);

void open_json_object(const char *key);
void close_json_object(void);
void open_json_array(enum output_type t, const char *key);
void close_json_array(enum output_type t, const char *text);

void print_string(enum output_type t, const char *key, const char *fmt, const char *v);
void print_u64(enum output_type t, const char *key, const char *fmt, uint64_t v);
void print_s64(enum output_type t, const char *key, const char *fmt, int64_t v);
void print_bool(enum output_type t, const char *key, const char *fmt, bool v);
void print_milli(enum output_type t, const char *key, const char *fmt, int64_t thousandths);
void print_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* _SMM_JSON_PRINT_H */
