// SPDX-License-Identifier: GPL-2.0
/*
 * The text-or-JSON print layer. JSON is written as it goes, with a small
 * stack remembering, per open object or array, whether a member was
 * written yet (for commas) and the depth (for -p indentation).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "json_print.h"

#define JSON_MAX_DEPTH	32

static struct {
	bool on, pretty;
	int depth;
	bool has_member[JSON_MAX_DEPTH];
} json;

bool is_json_context(void)
{
	return json.on;
}

static void json_indent(void)
{
	int i;

	if (!json.pretty)
		return;
	putchar('\n');
	for (i = 0; i < json.depth; i++)
		fputs("    ", stdout);
}

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = *s;

		switch (c) {
		case '"':  fputs("\\\"", stdout); break;
		case '\\': fputs("\\\\", stdout); break;
		case '\n': fputs("\\n", stdout); break;
		case '\r': fputs("\\r", stdout); break;
		case '\t': fputs("\\t", stdout); break;
		default:
			if (c < 0x20)
				printf("\\u%04x", c);
			else
				putchar(c);
		}
	}
	putchar('"');
}

/* Comma, indentation and key before a member; the value follows. */
static void json_member(const char *key)
{
	if (json.depth > 0 && json.has_member[json.depth - 1])
		putchar(',');
	if (json.depth > 0) {
		json.has_member[json.depth - 1] = true;
		json_indent();
	}
	if (key) {
		json_string(key);
		fputs(json.pretty ? ": " : ":", stdout);
	}
}

static void json_open(const char *key, char bracket)
{
	json_member(key);
	putchar(bracket);
	if (json.depth < JSON_MAX_DEPTH)
		json.has_member[json.depth] = false;
	json.depth++;
}

static void json_close(char bracket)
{
	bool had = json.depth > 0 && json.has_member[json.depth - 1];

	json.depth--;
	if (had)
		json_indent();
	putchar(bracket);
}

void new_json_obj(bool on, bool pretty)
{
	memset(&json, 0, sizeof(json));
	json.on = on;
	json.pretty = pretty;
	if (on)
		json_open(NULL, '{');
}

void delete_json_obj(void)
{
	if (!json.on)
		return;
	json_close('}');
	putchar('\n');
	json.on = false;
}

void open_json_object(const char *key)
{
	if (json.on)
		json_open(key, '{');
}

void close_json_object(void)
{
	if (json.on)
		json_close('}');
}

void open_json_array(enum output_type t, const char *key)
{
	if (json.on && (t & PRINT_JSON))
		json_open(key, '[');
}

void close_json_array(enum output_type t, const char *text)
{
	if (json.on && (t & PRINT_JSON))
		json_close(']');
	else if (!json.on && (t & PRINT_FP) && text)
		fputs(text, stdout);
}

static bool print_as_text(enum output_type t)
{
	return !json.on && (t & PRINT_FP);
}

static bool print_as_json(enum output_type t)
{
	return json.on && (t & PRINT_JSON);
}

void print_string(enum output_type t, const char *key, const char *fmt, const char *v)
{
	if (print_as_json(t)) {
		json_member(key);
		json_string(v);
	} else if (print_as_text(t)) {
		printf(fmt, v);
	}
}

void print_u64(enum output_type t, const char *key, const char *fmt, uint64_t v)
{
	if (print_as_json(t)) {
		json_member(key);
		printf("%" PRIu64, v);
	} else if (print_as_text(t)) {
		printf(fmt, v);
	}
}

void print_s64(enum output_type t, const char *key, const char *fmt, int64_t v)
{
	if (print_as_json(t)) {
		json_member(key);
		printf("%" PRId64, v);
	} else if (print_as_text(t)) {
		printf(fmt, v);
	}
}

void print_bool(enum output_type t, const char *key, const char *fmt, bool v)
{
	if (print_as_json(t)) {
		json_member(key);
		fputs(v ? "true" : "false", stdout);
	} else if (print_as_text(t)) {
		printf(fmt, v ? "true" : "false");
	}
}

/*
 * A value kept in thousandths (the kernel's fragmentation indexes), shown
 * as a number with three decimals in both forms; fmt takes one string.
 */
void print_milli(enum output_type t, const char *key, const char *fmt, int64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%s%" PRId64 ".%03" PRId64, v < 0 ? "-" : "",
		 (v < 0 ? -v : v) / 1000, (v < 0 ? -v : v) % 1000);
	if (print_as_json(t)) {
		json_member(key);
		fputs(buf, stdout);
	} else if (print_as_text(t)) {
		printf(fmt, buf);
	}
}

void print_text(const char *fmt, ...)
{
	va_list ap;

	if (json.on)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}
