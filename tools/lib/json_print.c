// SPDX-License-Identifier: GPL-2.0
/*
 * The text-or-JSON print layer. JSON is written as it goes, with a small
 * stack of the open objects and arrays: whether each has a member yet
 * (for the comma), whether it is an array (keys are left out there), and
 * its depth (for -p indentation). The top-level object is opened by the
 * first member, or by smmc_delete_json_obj() when nothing was printed, so
 * text printed before smmc_new_json_obj() is never inside it.
 */
#include <stdarg.h>
#include <string.h>

#include "json_print.h"

/* far deeper than any object nests; deeper levels share the last slot */
#define JSON_MAX_DEPTH	32
#define JSON_INDENT	"    "

struct json_level {
	bool array;
	bool has_member;
};

static struct {
	FILE *out;
	bool on, pretty;
	bool started;		/* the top-level object is open */
	int depth;		/* open containers, the top-level object included */
	struct json_level level[JSON_MAX_DEPTH];
} json;

static FILE *out(void)
{
	return json.out ? json.out : stdout;
}

static struct json_level *json_top(void)
{
	int i = json.depth - 1;

	return &json.level[i < JSON_MAX_DEPTH ? i : JSON_MAX_DEPTH - 1];
}

bool smmc_is_json_context(void)
{
	return json.on;
}

void smmc_set_json_pretty(bool pretty)
{
	json.pretty = pretty;
}

/* Where both forms go; stdout unless a test says otherwise. */
void smmc_set_json_output(FILE *f)
{
	json.out = f;
}

static void json_indent(void)
{
	int i;

	if (!json.pretty)
		return;
	fputc('\n', out());
	for (i = 0; i < json.depth; i++)
		fputs(JSON_INDENT, out());
}

/* Length of the UTF-8 sequence at s (1 to 4), or 0 if it is not one. */
static int utf8_len(const unsigned char *s)
{
	int n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	for (i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;	/* also stops at the NUL */
	/* overlong forms, UTF-16 surrogates, beyond U+10FFFF */
	if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0) ||
	    (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90))
		return 0;
	return n;
}

/* The characters JSON escapes with a letter, and their letters. */
static const char json_esc_in[] = "\"\\\b\f\n\r\t", json_esc_out[] = "\"\\bfnrt";

static void json_string(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	FILE *f = out();
	int n;

	fputc('"', f);
	while (*s) {
		const char *e = strchr(json_esc_in, *s);

		if (e) {
			fputc('\\', f);
			fputc(json_esc_out[e - json_esc_in], f);
			s++;
		} else if (*s < 0x20) {
			fprintf(f, "\\u%04x", *s++);
		} else {
			n = utf8_len(s);
			if (n)
				fwrite(s, 1, n, f);
			else
				fputs("\\ufffd", f);
			s += n ? n : 1;
		}
	}
	fputc('"', f);
}

static void json_push(bool array)
{
	if (json.depth < JSON_MAX_DEPTH)
		json.level[json.depth] = (struct json_level){ .array = array };
	json.depth++;
}

static void json_start(void)
{
	if (json.started)
		return;
	json.started = true;
	fputc('{', out());
	json_push(false);
}

/* Comma, indentation and key before a member; the value follows. */
static void json_member(const char *key)
{
	struct json_level *l;

	json_start();
	l = json_top();
	if (l->has_member)
		fputc(',', out());
	l->has_member = true;
	json_indent();
	if (l->array)
		return;
	json_string(key ? key : "");
	fputs(json.pretty ? ": " : ":", out());
}

static void json_open(const char *key, bool array)
{
	json_member(key);
	fputc(array ? '[' : '{', out());
	json_push(array);
}

static void json_close(void)
{
	bool array, had;

	if (json.depth <= 1)
		return;		/* more closes than opens: keep the output valid */
	array = json_top()->array;
	had = json_top()->has_member;
	json.depth--;
	if (had)
		json_indent();
	fputc(array ? ']' : '}', out());
}

void smmc_new_json_obj(bool on)
{
	json.on = on;
	json.started = false;
	json.depth = 0;
}

/* Close what is open (the top-level object last) and end the line. */
void smmc_delete_json_obj(void)
{
	if (json.on) {
		json_start();	/* "{}" when nothing was printed */
		while (json.depth > 1)
			json_close();
		json.depth = 0;
		if (json.level[0].has_member)
			json_indent();
		fputs("}\n", out());
	}
	json.on = false;
	json.started = false;
	fflush(out());
}

static bool print_as_json(enum smmc_output_type t)
{
	return json.on && (t & SMMC_PRINT_JSON);
}

static bool print_as_text(enum smmc_output_type t, const char *fmt)
{
	return !json.on && (t & SMMC_PRINT_FP) && fmt;
}

void smmc_open_json_object(const char *key)
{
	if (json.on)
		json_open(key, false);
}

void smmc_close_json_object(void)
{
	if (json.on)
		json_close();
}

/* As in iproute2, text mode prints @key itself (SMMC_PRINT_FP or SMMC_PRINT_ANY). */
void smmc_open_json_array(enum smmc_output_type t, const char *key)
{
	if (print_as_json(t))
		json_open(key, true);
	else if (print_as_text(t, key))
		fputs(key, out());
}

void smmc_close_json_array(enum smmc_output_type t, const char *text)
{
	if (print_as_json(t))
		json_close();
	else if (print_as_text(t, text))
		fputs(text, out());
}

void smmc_print_string(enum smmc_output_type t, const char *key, const char *fmt, const char *v)
{
	if (print_as_json(t)) {
		json_member(key);
		if (v)
			json_string(v);
		else
			fputs("null", out());
	} else if (print_as_text(t, fmt)) {
		fprintf(out(), fmt, v ? v : "");
	}
}

/* The numbers: the JSON value printed with @jfmt, the text with the caller's format. */
#define SMMC_PRINT_NUM(name, type, jfmt)						\
void name(enum smmc_output_type t, const char *key, const char *fmt, type v)		\
{											\
	if (print_as_json(t)) {								\
		json_member(key);							\
		fprintf(out(), jfmt, v);						\
	} else if (print_as_text(t, fmt)) {						\
		fprintf(out(), fmt, v);							\
	}										\
}

SMMC_PRINT_NUM(smmc_print_u64, uint64_t, "%" PRIu64)
SMMC_PRINT_NUM(smmc_print_s64, int64_t, "%" PRId64)
SMMC_PRINT_NUM(smmc_print_uint, unsigned int, "%u")
SMMC_PRINT_NUM(smmc_print_int, int, "%d")

/* JSON true/false; the text format takes the word as a string. */
void smmc_print_bool(enum smmc_output_type t, const char *key, const char *fmt, bool v)
{
	if (print_as_json(t)) {
		json_member(key);
		fputs(v ? "true" : "false", out());
	} else if (print_as_text(t, fmt)) {
		fprintf(out(), fmt, v ? "true" : "false");
	}
}

/*
 * A value kept in thousandths (the kernel's fragmentation indexes), shown
 * as a number with three decimals in both forms; the text format takes
 * the number as a string.
 */
void smmc_print_milli(enum smmc_output_type t, const char *key, const char *fmt, int64_t v)
{
	uint64_t a = v < 0 ? -(uint64_t)v : (uint64_t)v;
	char buf[32];

	snprintf(buf, sizeof(buf), "%s%" PRIu64 ".%03" PRIu64, v < 0 ? "-" : "", a / 1000,
		 a % 1000);
	if (print_as_json(t)) {
		json_member(key);
		fputs(buf, out());
	} else if (print_as_text(t, fmt)) {
		fprintf(out(), fmt, buf);
	}
}

/* A line break in text mode; JSON has its own layout. */
void smmc_print_nl(void)
{
	if (!json.on)
		fputc('\n', out());
}

/* Text-only decoration: headings, units, separators. */
void smmc_print_text(const char *fmt, ...)
{
	va_list ap;

	if (json.on)
		return;
	va_start(ap, fmt);
	vfprintf(out(), fmt, ap);
	va_end(ap);
}
