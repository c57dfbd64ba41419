// SPDX-License-Identifier: GPL-2.0
/*
 * The print layer, checked byte for byte and through jq: the same calls
 * give text or JSON, strings are escaped (quotes, backslashes, control
 * characters, bytes that are not UTF-8), nesting and arrays close in
 * order, pretty printing indents, and a command that prints nothing
 * still writes "{}" in JSON mode. TAP output; exit 1 on any failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json_print.h"

static int tests, failed;
static bool have_jq;

static void result(bool ok, const char *name)
{
	printf("%sok %d %s\n", ok ? "" : "not ", ++tests, name);
	if (!ok)
		failed++;
}

/* Run @fn as smmc_new_json_obj(@json) ... smmc_delete_json_obj() and return its output. */
static char *capture(void (*fn)(void), bool json, bool pretty)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f) {
		perror("open_memstream");
		exit(1);
	}
	smmc_set_json_output(f);
	smmc_set_json_pretty(pretty);
	smmc_new_json_obj(json);
	fn();
	smmc_delete_json_obj();
	smmc_set_json_output(NULL);
	fclose(f);
	return buf;
}

static void expect(const char *name, void (*fn)(void), bool json, bool pretty, const char *want)
{
	char *seen = capture(fn, json, pretty);
	bool ok = !strcmp(seen, want);

	result(ok, name);
	if (!ok)
		printf("# expected:\n%s\n# saw:\n%s\n", want, seen);
	free(seen);
}

/* jq -e @filter on @fn's JSON: valid JSON, and the filter holds. */
static void expect_jq(const char *name, void (*fn)(void), bool pretty, const char *filter)
{
	char *seen, cmd[512];
	FILE *jq;
	int rc;

	if (!have_jq) {
		printf("ok %d %s # SKIP jq not found\n", ++tests, name);
		return;
	}
	seen = capture(fn, true, pretty);
	snprintf(cmd, sizeof(cmd), "jq -e '%s' > /dev/null", filter);
	jq = popen(cmd, "w");
	if (!jq) {
		perror("popen");
		exit(1);
	}
	fputs(seen, jq);
	rc = pclose(jq);
	result(rc == 0, name);
	if (rc)
		printf("# jq -e '%s' failed (status %d) on:\n%s", filter, rc, seen);
	free(seen);
}

/* Every kind of value, nesting, arrays, text-only and JSON-only calls. */
static void sample(void)
{
	smmc_print_string(SMMC_PRINT_ANY, "name", "name %s\n", "a \"q\" \\ \t\x01");
	smmc_print_u64(SMMC_PRINT_ANY, "n", "n %" PRIu64 "\n", 18446744073709551615ULL);
	smmc_print_uint(SMMC_PRINT_ANY, "u", "u %u\n", 4096);
	smmc_print_int(SMMC_PRINT_ANY, "i", "i %d\n", -7);
	smmc_open_json_array(SMMC_PRINT_JSON, "list");
	smmc_print_u64(SMMC_PRINT_ANY, NULL, "[%" PRIu64 "]", 1);
	smmc_print_milli(SMMC_PRINT_ANY, NULL, "[%s]", -1000);
	smmc_print_milli(SMMC_PRINT_ANY, NULL, "[%s]\n", 125);
	smmc_close_json_array(SMMC_PRINT_JSON, NULL);
	smmc_open_json_object("obj");
	smmc_print_bool(SMMC_PRINT_ANY, "ok", "ok %s\n", true);
	smmc_open_json_object("empty");
	smmc_close_json_object();
	smmc_close_json_object();
	smmc_print_s64(SMMC_PRINT_JSON, "neg", NULL, -5);
	smmc_print_text("text only\n");
	smmc_print_string(SMMC_PRINT_FP, NULL, "%s", "fp only");
	smmc_print_nl();
}

static const char sample_text[] =
	"name a \"q\" \\ \t\x01\nn 18446744073709551615\nu 4096\ni -7\n[1][-1.000][0.125]\n"
	"ok true\ntext only\nfp only\n";

static const char sample_json[] =
	"{\"name\":\"a \\\"q\\\" \\\\ \\t\\u0001\",\"n\":18446744073709551615,\"u\":4096,"
	"\"i\":-7,\"list\":[1,-1.000,0.125],\"obj\":{\"ok\":true,\"empty\":{}},\"neg\":-5}\n";

static const char sample_pretty[] =
	"{\n"
	"    \"name\": \"a \\\"q\\\" \\\\ \\t\\u0001\",\n"
	"    \"n\": 18446744073709551615,\n"
	"    \"u\": 4096,\n"
	"    \"i\": -7,\n"
	"    \"list\": [\n"
	"        1,\n"
	"        -1.000,\n"
	"        0.125\n"
	"    ],\n"
	"    \"obj\": {\n"
	"        \"ok\": true,\n"
	"        \"empty\": {}\n"
	"    },\n"
	"    \"neg\": -5\n"
	"}\n";

/* smmctl info's shape: an array of objects inside the top-level object. */
static void sections(void)
{
	unsigned int i;

	smmc_print_string(SMMC_PRINT_ANY, "mode", "mode %s\n", "reserved");
	smmc_open_json_array(SMMC_PRINT_JSON, "sections");
	for (i = 0; i < 2; i++) {
		smmc_open_json_object(NULL);
		smmc_print_uint(SMMC_PRINT_ANY, "index", "  section %u", i);
		smmc_print_u64(SMMC_PRINT_ANY, "base", " base 0x%" PRIx64 "\n", 0x10000000ULL << i);
		smmc_close_json_object();
	}
	smmc_close_json_array(SMMC_PRINT_JSON, NULL);
}

/* Bytes that are not UTF-8 become U+FFFD; UTF-8 passes; \b \f \r escaped. */
static void strings(void)
{
	smmc_print_string(SMMC_PRINT_ANY, "utf8", "%s\n", "\xc2\xb5s \xe2\x82\xac");
	smmc_print_string(SMMC_PRINT_ANY, "bad", "%s\n", "a\xff" "b\xc0\xaf" "c\xed\xa0\x80" "d\xe2\x82");
	smmc_print_string(SMMC_PRINT_ANY, "ctl", "%s\n", "\b\f\r\x1f\x7f/");
	smmc_print_string(SMMC_PRINT_JSON, "null", NULL, NULL);
}

/* Keys inside arrays are left out; NULL keys in objects still give JSON. */
static void careless(void)
{
	smmc_open_json_array(SMMC_PRINT_JSON, "a");
	smmc_print_uint(SMMC_PRINT_ANY, "ignored", NULL, 1);
	smmc_open_json_array(SMMC_PRINT_JSON, "inner");
	smmc_close_json_array(SMMC_PRINT_JSON, NULL);
	smmc_close_json_array(SMMC_PRINT_JSON, NULL);
	smmc_print_uint(SMMC_PRINT_JSON, NULL, NULL, 2);
	smmc_open_json_object("left");
	smmc_open_json_array(SMMC_PRINT_JSON, "open");	/* smmc_delete_json_obj() closes both */
	smmc_print_uint(SMMC_PRINT_JSON, NULL, NULL, 3);
}

static void nothing(void)
{
	smmc_print_text("only in text\n");
}

int main(void)
{
	have_jq = !system("jq --version > /dev/null 2>&1");
	printf("TAP version 13\n1..13\n");
	expect("text: one call per value, text-only lines", sample, false, false, sample_text);
	expect("text: -p changes nothing", sample, false, true, sample_text);
	expect("json: values, escapes, nesting", sample, true, false, sample_json);
	expect("json -p: four-space indentation", sample, true, true, sample_pretty);
	expect_jq("jq: sample parses back to its values", sample, false,
		  ".name == \"a \\\"q\\\" \\\\ \\t\\u0001\" and "
		  ".n == 18446744073709551615 and .list == [1, -1, 0.125] and "
		  ".obj.ok == true and .obj.empty == {} and .neg == -5");
	expect_jq("jq: pretty sample is the same JSON", sample, true,
		  ".u == 4096 and .i == -7 and (keys | length) == 7");
	expect("json: array of objects", sections, true, false,
	       "{\"mode\":\"reserved\",\"sections\":[{\"index\":0,\"base\":268435456},"
	       "{\"index\":1,\"base\":536870912}]}\n");
	expect("text: array of objects", sections, false, false,
	       "mode reserved\n  section 0 base 0x10000000\n  section 1 base 0x20000000\n");
	expect("json: UTF-8 kept, invalid bytes replaced, control characters escaped", strings,
	       true, false,
	       "{\"utf8\":\"\xc2\xb5s \xe2\x82\xac\","
	       "\"bad\":\"a\\ufffdb\\ufffd\\ufffdc\\ufffd\\ufffd\\ufffdd\\ufffd\\ufffd\","
	       "\"ctl\":\"\\b\\f\\r\\u001f\x7f/\",\"null\":null}\n");
	expect_jq("jq: strings parse back", strings, false,
		  ".utf8 == \"\\u00b5s \\u20ac\" and (.bad | test(\"^a\\ufffdb\")) and "
		  ".ctl == \"\\b\\f\\r\\u001f\\u007f/\" and .null == null");
	expect("json: keys dropped in arrays, open containers closed", careless, true, false,
	       "{\"a\":[1,[]],\"\":2,\"left\":{\"open\":[3]}}\n");
	expect_jq("jq: careless callers still get JSON", careless, true, ".left.open == [3]");
	expect("json: nothing printed is still one object", nothing, true, true, "{}\n");
	return failed ? 1 : 0;
}
