/* test_cli.c: unit tests for the command line's tables: every option of
 * every command has a help line and a name of its own, the argument kinds
 * parse the same way everywhere (durations with units, negative numbers,
 * formats and their aliases), and the man page carries every command and
 * option the tables hold. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli/cli.h"

/* The test that fails when an option lacks a help line (or two options of
 * one command share a name), so --help and the man page lack nothing. */
static void every_option_documented(void **state)
{
	(void)state;
	for (const struct dd_cmd *const *c = dd_cli_commands; *c; c++) {
		const char *seen[128];
		char shorts[128] = { 0 };
		size_t n = 0;
		assert_non_null((*c)->about);
		assert_non_null((*c)->exits);
		assert_non_null((*c)->summary);
		for (int t = 0; t < DD_CMD_MAX_TABLES && (*c)->tables[t].opts; t++)
			for (const struct dd_opt *o = (*c)->tables[t].opts; o->name; o++) {
				if (!dd_opt_visible(o, (*c)->tables[t].mask))
					continue;
				if (!o->help || !o->help[0])
					fail_msg("%s --%s has no help line", (*c)->name, o->name);
				for (size_t k = 0; k < n; k++)
					if (strcmp(seen[k], o->name) == 0)
						fail_msg("%s --%s twice", (*c)->name, o->name);
				assert_true(n < 128);
				seen[n++] = o->name;
				if (o->short_name) {
					if (shorts[(unsigned char)o->short_name])
						fail_msg("%s -%c twice", (*c)->name, o->short_name);
					shorts[(unsigned char)o->short_name] = 1;
				}
			}
	}
}

struct t {
	unsigned ms;
	unsigned n;
	struct dd_cli_out out;
};

static int apply(const struct dd_opt *o, unsigned mask, void *t, const char *arg, char *why)
{
	return dd_opt_apply(o, mask, t, arg, why, 200);
}

static void kinds_parse_one_way(void **state)
{
	const struct dd_opt ms = { .name = "timeout", .kind = DD_OPT_MS, .argname = "D",
				   .off = offsetof(struct t, ms), .min = 10, .max = 60000 };
	const struct dd_opt n = { .name = "n", .kind = DD_OPT_UINT, .argname = "N",
				  .off = offsetof(struct t, n), .min = 0, .max = 10 };
	struct t t = { 0 };
	char why[200];

	(void)state;
	assert_int_equal(apply(&ms, 0, &t, "1500ms", why), 0);
	assert_int_equal(t.ms, 1500);
	assert_int_equal(apply(&ms, 0, &t, "2s", why), 0);
	assert_int_equal(t.ms, 2000);
	assert_int_equal(apply(&ms, 0, &t, "700", why), 0);
	assert_int_equal(t.ms, 700);
	assert_int_equal(apply(&ms, 0, &t, "-5", why), -1);
	assert_string_equal(why, "must be ≥ 0");
	assert_int_equal(apply(&ms, 0, &t, "2m", why), -1);
	assert_non_null(strstr(why, "1500ms, 2s"));
	assert_int_equal(apply(&ms, 0, &t, "61s", why), -1);
	assert_non_null(strstr(why, "60000ms"));
	assert_int_equal(apply(&n, 0, &t, "-1", why), -1);
	assert_string_equal(why, "must be ≥ 0");
	assert_int_equal(apply(&n, 0, &t, "+3", why), -1);
	assert_string_equal(why, "not a number");
	assert_int_equal(apply(&n, 0, &t, "11", why), -1);
	assert_int_equal(t.n, 0);
}

static void formats_and_aliases(void **state)
{
	const unsigned mask = DD_CLI_FMT(DD_FMT_TEXT) | DD_CLI_FMT(DD_FMT_JSON);
	const struct dd_opt *format = NULL, *json = NULL, *csv = NULL, *jsonl = NULL;
	struct dd_cli_out o = { 0 };
	char why[200];

	(void)state;
	for (const struct dd_opt *p = dd_cli_out_opts; p->name; p++) {
		format = strcmp(p->name, "format") == 0 ? p : format;
		json = strcmp(p->name, "json") == 0 ? p : json;
		csv = strcmp(p->name, "csv") == 0 ? p : csv;
		jsonl = strcmp(p->name, "jsonl") == 0 ? p : jsonl;
	}
	assert_non_null(format);
	assert_true(dd_opt_visible(json, mask));
	assert_false(dd_opt_visible(csv, mask));    /* no --csv where there is no CSV */
	assert_false(dd_opt_visible(jsonl, mask));  /* nor --jsonl without the feature */
	assert_int_equal(apply(format, mask, &o, "csv", why), -1);
	assert_string_equal(why, "one of text|json");
	assert_int_equal(apply(format, mask, &o, "json", why), 0);
	assert_int_equal(o.format, DD_FMT_JSON);
	assert_int_equal(apply(json, mask, &o, NULL, why), 0); /* the same twice: fine */
	assert_int_equal(apply(format, mask, &o, "text", why), -1);
	assert_non_null(strstr(why, "exclude each other"));
}

static void man_page_has_everything(void **state)
{
	const char prose[] = ".TH X\n.SH SYNOPSIS\n@SYNOPSIS@\n.SH COMMANDS\n@COMMANDS@\n";
	FILE *in = fmemopen((void *)prose, sizeof(prose) - 1, "r"), *out;
	char *page = NULL, line[128];
	size_t len = 0;

	(void)state;
	out = open_memstream(&page, &len);
	assert_int_equal(dd_cli_man(in, out), 0);
	fclose(in);
	fclose(out);
	for (const struct dd_cmd *const *c = dd_cli_commands; *c; c++) {
		snprintf(line, sizeof(line), ".SS %s\n", (*c)->name);
		assert_non_null(strstr(page, line));
		for (int t = 0; t < DD_CMD_MAX_TABLES && (*c)->tables[t].opts; t++)
			for (const struct dd_opt *o = (*c)->tables[t].opts; o->name; o++) {
				char name[80];
				size_t k = 0;
				for (const char *p = o->name; *p && k + 3 < sizeof(name); p++) {
					if (*p == '-')
						name[k++] = '\\';
					name[k++] = *p;
				}
				name[k] = '\0';
				assert_non_null(strstr(page, name));
			}
	}
	assert_non_null(strstr(page, "Exit status"));
	free(page);
	/* without the places for the generated parts, no page */
	in = fmemopen((void *)".TH X\n", 6, "r");
	out = fopen("/dev/null", "w");
	assert_int_equal(dd_cli_man(in, out), -1);
	fclose(in);
	fclose(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_option_documented),
		cmocka_unit_test(kinds_parse_one_way),
		cmocka_unit_test(formats_and_aliases),
		cmocka_unit_test(man_page_has_everything),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
