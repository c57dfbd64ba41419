// SPDX-License-Identifier: GPL-2.0
/*
 * The print layer, checked byte for byte: text and JSON from the same
 * calls, string escaping, nesting, arrays, thousandths, pretty printing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_print.h"

static int failed;

static void sample(void)
{
	print_string(PRINT_ANY, "name", "name %s\n", "a \"q\" \\ \t\x01");
	print_u64(PRINT_ANY, "n", "n %" PRIu64 "\n", 18446744073709551615ULL);
	open_json_array(PRINT_JSON, "list");
	print_u64(PRINT_ANY, NULL, "[%" PRIu64 "]", 1);
	print_milli(PRINT_ANY, NULL, "[%s]", -1000);
	print_milli(PRINT_ANY, NULL, "[%s]\n", 125);
	close_json_array(PRINT_JSON, NULL);
	open_json_object("obj");
	print_bool(PRINT_ANY, "ok", "ok %s\n", true);
	open_json_object("empty");
	close_json_object();
	close_json_object();
	print_s64(PRINT_JSON, "neg", NULL, -5);
	print_text("text only\n");
}

static void expect(const char *what, bool json, bool pretty, const char *want)
{
	FILE *saved = stdout;
	char *buf = NULL;
	size_t len = 0;

	stdout = open_memstream(&buf, &len);
	new_json_obj(json, pretty);
	sample();
	delete_json_obj();
	fclose(stdout);
	stdout = saved;
	if (strcmp(buf, want)) {
		printf("not ok - %s\n# expected:\n%s\n# saw:\n%s\n", what, want, buf);
		failed = 1;
	} else {
		printf("ok - %s\n", what);
	}
	free(buf);
}

int main(void)
{
	printf("TAP version 13\n1..3\n");
	expect("text", false, false,
	       "name a \"q\" \\ \t\x01\nn 18446744073709551615\n[1][-1.000][0.125]\nok true\n"
	       "text only\n");
	expect("json", true, false,
	       "{\"name\":\"a \\\"q\\\" \\\\ \\t\\u0001\",\"n\":18446744073709551615,"
	       "\"list\":[1,-1.000,0.125],\"obj\":{\"ok\":true,\"empty\":{}},\"neg\":-5}\n");
	expect("pretty json", true, true,
	       "{\n    \"name\": \"a \\\"q\\\" \\\\ \\t\\u0001\",\n"
	       "    \"n\": 18446744073709551615,\n    \"list\": [\n        1,\n"
	       "        -1.000,\n        0.125\n    ],\n    \"obj\": {\n"
	       "        \"ok\": true,\n        \"empty\": {}\n    },\n    \"neg\": -5\n}\n");
	return failed;
}
