/* test_core.c: unit tests for core: names, escaping, clock parsing, the map, JSON
 * writing (byte for byte what jansson writes), errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/buf.h"
#include "core/env.h"
#include "core/err.h"
#include "core/esc.h"
#include "core/json.h"
#include "core/list.h"
#include "core/map.h"
#include "fixture.h"
#include "core/name.h"

static void name_canonical(void **state)
{
	char out[DD_NAME_MAX];
	const char *why;

	(void)state;
	assert_int_equal(dd_name_from_user("Puri.SM", out, &why), 0);
	assert_string_equal(out, "puri.sm.");
	assert_int_equal(dd_name_from_user("example.org.", out, &why), 0);
	assert_string_equal(out, "example.org.");
	assert_int_equal(dd_name_from_user(".", out, &why), 0);
	assert_string_equal(out, ".");
}

static void name_idn(void **state)
{
	char out[DD_NAME_MAX];
	const char *why;

	(void)state;
	assert_int_equal(dd_name_from_user("bücher.de", out, &why), 0);
	assert_string_equal(out, "xn--bcher-kva.de.");
}

static void name_invalid(void **state)
{
	char out[DD_NAME_MAX];
	const char *why;
	char long_label[80];

	(void)state;
	assert_int_equal(dd_name_from_user("", out, &why), DD_ENAME);
	assert_int_equal(dd_name_from_user("a..b", out, &why), DD_ENAME);
	assert_non_null(why);
	assert_int_equal(dd_name_from_user("exa mple.com", out, &why), DD_ENAME);
	assert_int_equal(dd_name_from_user("bad\x01name", out, &why), DD_ENAME);
	memset(long_label, 'a', 64);
	strcpy(long_label + 64, ".com");
	assert_int_equal(dd_name_from_user(long_label, out, &why), DD_ENAME);
	assert_string_equal(why, "label longer than 63 characters");
}

static void name_relations(void **state)
{
	(void)state;
	assert_true(dd_name_is_subdomain("www.example.org.", "example.org."));
	assert_true(dd_name_is_subdomain("example.org.", "example.org."));
	assert_true(dd_name_is_subdomain("example.org.", "."));
	assert_false(dd_name_is_subdomain("badexample.org.", "example.org."));
	assert_false(dd_name_is_subdomain("org.", "example.org."));
	assert_int_equal(dd_name_labels("."), 0);
	assert_int_equal(dd_name_labels("a.b.c."), 3);
}

static void esc_controls(void **state)
{
	char out[64];

	(void)state;
	assert_string_equal(dd_esc("a\x1b[31mb", 7, out, sizeof(out)), "a\\x1b[31mb");
	assert_string_equal(dd_esc("back\\slash", 10, out, sizeof(out)), "back\\\\slash");
	assert_string_equal(dd_esc("caf\xc3\xa9", 5, out, sizeof(out)), "caf\xc3\xa9");
	/* invalid UTF-8 and C1 controls are escaped */
	assert_string_equal(dd_esc("\xc3", 1, out, sizeof(out)), "\\xc3");
	assert_string_equal(dd_esc("\xc2\x9b", 2, out, sizeof(out)), "\\xc2\\x9b");
	/* truncation keeps a terminator and marks the cut */
	assert_string_equal(dd_esc("abcdefghij", 10, out, 8), "abcd...");
	/* the cut looks only at bytes it wrote (here: none past "abcd") */
	memset(out, 0x80, sizeof(out));
	assert_string_equal(dd_esc("abcd\x01", 5, out, 8), "abcd...");
	/* and never splits a UTF-8 sequence it did write */
	assert_string_equal(dd_esc("ab\xc3\xa9\xc3\xa9zz", 8, out, 8), "ab\xc3\xa9...");
}

static void clock_parse(void **state)
{
	int64_t t;
	char out[32];

	(void)state;
	assert_int_equal(dd_clock_parse("2018-02-20T00:00:00Z", &t), 0);
	assert_int_equal(t, 1519084800);
	assert_int_equal(dd_clock_parse("2018-02-20", &t), 0);
	assert_int_equal(t, 1519084800);
	assert_int_equal(dd_clock_parse("2018-02-20T02:00:00+02:00", &t), 0);
	assert_int_equal(t, 1519084800);
	assert_int_equal(dd_clock_parse("2018-02-20T00:00:00.123Z", &t), 0);
	assert_int_equal(dd_clock_parse("yesterday", &t), DD_EINVAL);
	dd_clock_format(1519084800, out, sizeof(out));
	assert_string_equal(out, "2018-02-20T00:00:00Z");
}

static void buf_grows(void **state)
{
	struct dd_buf b;

	(void)state;
	dd_buf_init(&b);
	for (int i = 0; i < 1000; i++)
		dd_buf_printf(&b, "%d,", i);
	assert_false(dd_buf_failed(&b));
	assert_true(strncmp(dd_buf_str(&b), "0,1,2,", 6) == 0);
	dd_buf_esc(&b, "\x07");
	assert_non_null(strstr(dd_buf_str(&b), "\\x07"));
	dd_buf_free(&b);
}

/* Set, replace, get case-insensitively, delete, and survive growth. */
static void map_set_get_del(void **state)
{
	struct dd_map m;
	char key[32];
	int v[300];

	(void)state;
	dd_map_init(&m);
	assert_null(dd_map_del(&m, "absent"));
	for (int i = 0; i < 300; i++) {
		v[i] = i;
		snprintf(key, sizeof(key), "Name%d.", i);
		assert_int_equal(dd_map_set(&m, key, &v[i]), 0);
	}
	assert_int_equal(m.count, 300);
	assert_ptr_equal(dd_map_get(&m, "name7."), &v[7]);
	assert_ptr_equal(dd_map_del(&m, "NAME7."), &v[7]);
	assert_null(dd_map_get(&m, "name7."));
	assert_null(dd_map_del(&m, "name7."));
	assert_int_equal(m.count, 299);
	assert_int_equal(dd_map_set(&m, "name8.", &v[9]), 0);
	assert_ptr_equal(dd_map_get(&m, "NAME8."), &v[9]);
	assert_int_equal(m.count, 299);
	for (int i = 0; i < 300; i++) {
		snprintf(key, sizeof(key), "name%d.", i);
		dd_map_del(&m, key);
	}
	assert_int_equal(m.count, 0);
	dd_map_free(&m);
}

static const size_t json_flag_sets[] = {
	JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10) | JSON_ENSURE_ASCII | JSON_COMPACT,
	JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10) | JSON_ENSURE_ASCII | JSON_INDENT(2),
	JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10),
	JSON_INDENT(2) | JSON_ENSURE_ASCII,
	0,
};

/* dd_json_write must print what json_dumps prints, for every flag set used. */
static void same_as_jansson(const json_t *doc, const char *what)
{
	for (size_t i = 0; i < sizeof(json_flag_sets) / sizeof(json_flag_sets[0]); i++) {
		char *want = json_dumps(doc, json_flag_sets[i]);
		struct dd_buf b;
		dd_buf_init(&b);
		assert_non_null(want);
		assert_int_equal(dd_json_write(doc, json_flag_sets[i], &b), 0);
		if (strcmp(dd_buf_str(&b), want) != 0)
			fail_msg("%s, flags %#zx: dd_json_write differs from json_dumps\n%s\n%s", what,
				 json_flag_sets[i], dd_buf_str(&b), want);
		dd_buf_free(&b);
		free(want);
	}
}

static void json_write_tricky(void **state)
{
	json_t *doc = json_pack("{s:s, s:s#, s:[f,f,f,f,f,f,f,f,f], s:[I,I,i], s:{}, s:[], "
				"s:[b,b,n], s:{s:{s:[{}]}}}",
				"text", "caf\xc3\xa9 \xf0\x9f\x98\x80 \"q\" \\ \x01\x1f\x7f / \t\n\r\b\f",
				"nul", "a\0b", 3,
				"reals", 0.306, 1e21, 1e-7, 3.0, 0.0, -2.5, 123456789012.5, 1.0 / 3,
				65.7,
				"ints", (json_int_t)-9007199254740993LL, (json_int_t)INT64_MAX, 0,
				"empty_obj", "empty_arr", "lits", 1, 0, "nest", "a", "b");

	(void)state;
	assert_non_null(doc);
	same_as_jansson(doc, "tricky");
	json_decref(doc);
}

static void json_write_documents(void **state)
{
	static const char *dirs[] = { DD_TEST_DATA "/evidence", DD_TEST_DATA "/graph",
				      DD_SHARED_DATA "/rdap" };
	size_t n = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		DIR *d = opendir(dirs[i]);
		const char *name;
		json_t *doc;
		assert_non_null(d);
		while ((doc = fx_next_doc(d, dirs[i], &name))) {
			same_as_jansson(doc, name);
			json_decref(doc);
			n++;
		}
		closedir(d);
	}
	assert_true(n >= 20);
}

/* Push at either end, unlink anywhere (twice is harmless), touch to the front. */
static void list_order(void **state)
{
	struct item { int v; struct dd_list_node node; } it[4] = { { 0 }, { 1 }, { 2 }, { 3 } };
	struct dd_list l = { 0 };

	(void)state;
	assert_null(dd_list_head(&l));
	assert_null(dd_list_tail(&l));
	for (int i = 0; i < 3; i++)
		dd_list_push_head(&l, &it[i].node, &it[i]);
	dd_list_push_tail(&l, &it[3].node, &it[3]); /* 2 1 0 3 */
	assert_int_equal(l.n, 4);
	assert_ptr_equal(dd_list_head(&l), &it[2]);
	assert_ptr_equal(dd_list_tail(&l), &it[3]);
	dd_list_unlink(&l, &it[1].node); /* 2 0 3 */
	dd_list_unlink(&l, &it[1].node);
	assert_int_equal(l.n, 3);
	assert_ptr_equal(it[2].node.next, &it[0].node);
	assert_ptr_equal(it[0].node.prev, &it[2].node);
	dd_list_touch(&l, &it[3].node, &it[3]); /* 3 2 0 */
	assert_ptr_equal(dd_list_head(&l), &it[3]);
	assert_ptr_equal(dd_list_tail(&l), &it[0]);
	dd_list_touch(&l, &it[1].node, &it[1]); /* 1 3 2 0: not linked before */
	assert_int_equal(l.n, 4);
	for (int i = 0; i < 4; i++)
		dd_list_unlink(&l, &it[i].node);
	assert_int_equal(l.n, 0);
	assert_null(l.head);
	assert_null(l.tail);
}

static void err_names(void **state)
{
	(void)state;
	assert_string_equal(dd_err_name(DD_ETIMEDOUT), "timeout");
	assert_string_equal(dd_strerror(12345), "unknown error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(name_canonical), cmocka_unit_test(name_idn),
		cmocka_unit_test(name_invalid),   cmocka_unit_test(name_relations),
		cmocka_unit_test(esc_controls),   cmocka_unit_test(clock_parse),
		cmocka_unit_test(buf_grows),      cmocka_unit_test(err_names),
		cmocka_unit_test(map_set_get_del), cmocka_unit_test(json_write_tricky),
		cmocka_unit_test(json_write_documents), cmocka_unit_test(list_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
