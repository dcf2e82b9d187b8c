/* test_core.c: unit tests for core: names, escaping, clock parsing, the map, JSON
 * writing (byte for byte what jansson writes, from jansson's trees and from
 * the arena tree), errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/buf.h"
#include "core/env.h"
#include "core/err.h"
#include "core/esc.h"
#include "core/jtree.h"
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

/* A name's escapes come out in dd_esc's scheme: an ESC in a label (ldns:
 * "\027") is "\x1b" as in any text, never "\\027"; a backslash in a label
 * ("\\") stays "\\", a dot in a label ("\.") stays "\.". */
static void esc_names(void **state)
{
	char out[64], text[64];

	(void)state;
	assert_string_equal(dd_esc_name("a\\027b.test.", 12, out, sizeof(out)), "a\\x1bb.test.");
	assert_string_equal(out, dd_esc("a\x1b" "b.test.", 9, text, sizeof(text)));
	assert_string_equal(dd_esc_name("a\\\\027.test.", 12, out, sizeof(out)), "a\\\\027.test.");
	assert_string_equal(dd_esc_name("a\\.b.test.", 10, out, sizeof(out)), "a\\.b.test.");
	assert_string_equal(dd_esc_name("a\\032b.", 7, out, sizeof(out)), "a\\x20b.");
	assert_string_equal(dd_esc_name("a\\065b.", 7, out, sizeof(out)), "aAb.");
	assert_string_equal(dd_esc_name("a\\255b.", 7, out, sizeof(out)), "a\\xffb.");
	assert_string_equal(dd_esc_name("a\x1b.", 3, out, sizeof(out)), "a\\x1b.");
	assert_string_equal(dd_esc_name("a\\", 2, out, sizeof(out)), "a\\\\");
	assert_string_equal(dd_esc_name("abcdefghij.", 11, out, 8), "abcd...");
}

/* A finding's sentence shows a name as dd_esc_name does (one escaping:
 * the ESC of ldns's "ns\027[1m.gone.test." is \x1b, not "\\027"), and the
 * rest as dd_esc does: a raw control byte, a lone backslash. */
static void esc_messages(void **state)
{
	char out[128], name[64];
	const char *m = "nameserver ns\\027[1m.gone.test. has no address";

	(void)state;
	dd_esc_name("ns\\027[1m.gone.test.", 20, name, sizeof(name));
	assert_string_equal(name, "ns\\x1b[1m.gone.test.");
	assert_string_equal(dd_esc_msg(m, strlen(m), out, sizeof(out)),
			    "nameserver ns\\x1b[1m.gone.test. has no address");
	assert_non_null(strstr(out, name));
	/* a backslash and a dot inside labels, as in names */
	assert_string_equal(dd_esc_msg("a\\\\027.b\\.c.", 12, out, sizeof(out)), "a\\\\027.b\\.c.");
	/* raw bytes of a free text: as dd_esc */
	assert_string_equal(dd_esc_msg("x\x1b\x07 \\q", 6, out, sizeof(out)), "x\\x1b\\x07 \\\\q");
	assert_string_equal(dd_esc_msg("caf\xc3\xa9 \\", 7, out, sizeof(out)), "caf\xc3\xa9 \\\\");
	assert_string_equal(dd_esc_msg("abcdefghij", 10, out, 8), "abcd...");
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

static void jt_same_as_jansson(const struct dd_jt_node *jt, const json_t *want, const char *what);

/* The arena tree's copy of doc must print what json_dumps prints of doc,
 * for every flag set used. */
static void same_as_jansson(const json_t *doc, const char *what)
{
	struct dd_jt d = { 0 };
	struct dd_jt_node *jt = dd_jt_from_jansson(&d, doc);

	assert_non_null(jt);
	jt_same_as_jansson(jt, doc, what);
	dd_jt_free(&d);
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

/* ---- jtree.h: the arena tree prints what jansson prints --------------------- */

/* The same values built with jansson, as references: a string (its escaped
 * form when jansson refuses it as UTF-8), milliseconds rounded to three
 * decimals, v or null when negative, true/false or null when negative. */
static json_t *ref_str(const char *s)
{
	json_t *j;
	char *e;

	if (!s)
		return json_null();
	if ((j = json_string(s)) != NULL)
		return j;
	e = dd_esc_dup(s, strlen(s));
	j = e ? json_string(e) : NULL;
	free(e);
	return j;
}

static json_t *ref_ms(double v)
{
	return v < 0 ? json_null() : json_real((double)(long long)(v * 1000.0 + 0.5) / 1000.0);
}

static json_t *ref_int_or_null(int64_t v)
{
	return v < 0 ? json_null() : json_integer((json_int_t)v);
}

static json_t *ref_tri(int v)
{
	return v < 0 ? json_null() : json_boolean(v);
}

/* dd_jt_write of jt must be json_dumps of want, for every flag set used. */
static void jt_same_as_jansson(const struct dd_jt_node *jt, const json_t *want, const char *what)
{
	for (size_t i = 0; i < sizeof(json_flag_sets) / sizeof(json_flag_sets[0]); i++) {
		char *text = json_dumps(want, json_flag_sets[i]);
		struct dd_buf b;
		dd_buf_init(&b);
		assert_non_null(text);
		assert_int_equal(dd_jt_write(jt, json_flag_sets[i], &b), 0);
		if (strcmp(dd_buf_str(&b), text) != 0)
			fail_msg("%s, flags %#zx: dd_jt_write differs from json_dumps\n%s\n%s", what,
				 json_flag_sets[i], dd_buf_str(&b), text);
		dd_buf_free(&b);
		free(text);
	}
}

/* Strings as a server may send them: every escape, control bytes, non-ASCII,
 * and what jansson refuses as UTF-8 (stored escaped, as ref_str does). */
static const char *const jt_strings[] = {
	"",
	"plain ascii",
	"quote \" backslash \\ slash /",
	"\x01\x02\x1f\x7f \t\n\r\b\f",
	"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf",
	"\xef\xbb\xbf bom, \xe0\xa0\x80 first 3-byte, \xf0\x90\x80\x80 first 4-byte",
	"lone continuation \x80",
	"overlong \xc0\xaf and \xc1\xbf",
	"overlong 3 \xe0\x80\xaf",
	"overlong 4 \xf0\x80\x80\xaf",
	"surrogate \xed\xa0\x80",
	"past U+10FFFF \xf4\x90\x80\x80",
	"\xf5\x80\x80\x80 restricted",
	"truncated \xe2\x82",
	"truncated at end \xf0\x9f\x98",
	"latin-1 \xe9t\xe9",
	"\xff\xfe",
};

static void jtree_tricky(void **state)
{
	static const double ms[] = { 0, 0.0004, 0.0005, 1.2345, 12.3456, 99.9995, 100, 1234.567,
				     65.7, 0.306, -1 };
	static const double reals[] = { 1e21, 1e-7, 3.0, 0.0, -2.5, 123456789012.5, 1.0 / 3,
					1e300, -1e-300, 5e-324 };
	static const int64_t ints[] = { 0, 1, -1, INT64_MAX, INT64_MIN, -9007199254740993LL,
					4294967296LL };
	struct dd_jt d = { 0 };
	json_t *want = json_object(), *ws = json_array(), *wn = json_array(), *wo;
	struct dd_jt_node *doc = dd_jt_object(&d), *ds = dd_jt_array(&d), *dn = dd_jt_array(&d),
			  *o;

	(void)state;
	for (size_t i = 0; i < sizeof(jt_strings) / sizeof(jt_strings[0]); i++) {
		json_array_append_new(ws, ref_str(jt_strings[i]));
		dd_jt_append(&d, ds, dd_jt_str(&d, jt_strings[i]));
	}
	json_array_append_new(ws, ref_str(NULL));
	dd_jt_append(&d, ds, dd_jt_str(&d, NULL));
	for (size_t i = 0; i < sizeof(ms) / sizeof(ms[0]); i++) {
		json_array_append_new(wn, ref_ms(ms[i]));
		dd_jt_append(&d, dn, dd_jt_ms(&d, ms[i]));
	}
	for (size_t i = 0; i < sizeof(reals) / sizeof(reals[0]); i++) {
		json_array_append_new(wn, json_real(reals[i]));
		dd_jt_append(&d, dn, dd_jt_real(&d, reals[i]));
	}
	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		json_array_append_new(wn, json_integer(ints[i]));
		dd_jt_append(&d, dn, dd_jt_int(&d, ints[i]));
		json_array_append_new(wn, ref_int_or_null(ints[i]));
		dd_jt_append(&d, dn, dd_jt_int_or_null(&d, ints[i]));
	}
	json_array_append_new(wn, json_integer((json_int_t)UINT64_MAX));
	dd_jt_append(&d, dn, dd_jt_uint(&d, UINT64_MAX));
	for (int t = -1; t <= 1; t++) {
		json_array_append_new(wn, ref_tri(t));
		dd_jt_append(&d, dn, dd_jt_tri(&d, t));
	}
	json_object_set_new(want, "strings", ws);
	dd_jt_put(&d, doc, "strings", ds);
	json_object_set_new(want, "numbers", wn);
	dd_jt_put(&d, doc, "numbers", dn);
	/* nesting, empty containers, a key set twice, a key removed */
	wo = json_pack("{s:{}, s:[], s:[[], {}], s:n, s:b}", "eo", "ea", "nest", "gone", "last", 0);
	json_object_set_new(want, "first", wo);
	json_object_set_new(want, "keys \"quoted\" \x01", json_true());
	json_incref(wo); /* used again below */
	json_object_set_new(want, "first", json_integer(7)); /* keeps its place */
	json_object_del(want, "strings");
	o = dd_jt_object(&d);
	dd_jt_put(&d, o, "eo", dd_jt_object(&d));
	dd_jt_put(&d, o, "ea", dd_jt_array(&d));
	{
		struct dd_jt_node *a = dd_jt_array(&d);
		dd_jt_append(&d, a, dd_jt_array(&d));
		dd_jt_append(&d, a, dd_jt_object(&d));
		dd_jt_put(&d, o, "nest", a);
	}
	dd_jt_put(&d, o, "gone", dd_jt_null(&d));
	dd_jt_put(&d, o, "last", dd_jt_bool(&d, 0));
	dd_jt_put(&d, doc, "first", o);
	dd_jt_put(&d, doc, "keys \"quoted\" \x01", dd_jt_bool(&d, 1));
	dd_jt_put(&d, doc, "first", dd_jt_int(&d, 7));
	assert_int_equal(dd_jt_del(doc, "strings"), 0);
	assert_int_equal(dd_jt_del(doc, "strings"), DD_ENOTFOUND);
	assert_false(d.failed);
	jt_same_as_jansson(doc, want, "tricky");
	/* the replaced and removed members again, now inside */
	json_object_set_new(want, "inner", wo);
	json_object_del(wo, "gone");
	json_object_del(wo, "last");
	json_object_set_new(wo, "eo", json_string("x"));
	dd_jt_put(&d, doc, "inner", o);
	assert_int_equal(dd_jt_del(o, "gone"), 0);
	assert_int_equal(dd_jt_del(o, "last"), 0);
	dd_jt_put(&d, o, "eo", dd_jt_str(&d, "x"));
	dd_jt_put(&d, o, "after", dd_jt_int(&d, 1)); /* appends after a removed last */
	json_object_set_new(wo, "after", json_integer(1));
	assert_false(d.failed);
	jt_same_as_jansson(doc, want, "tricky, edited");
	json_decref(want);
	dd_jt_free(&d);
}

/* Random short byte strings: stored and printed as ref_str does. */
static void jtree_random_strings(void **state)
{
	static const unsigned char pick[] = { 0x00, 0x01, 0x1f, 0x20, 0x22, 0x41, 0x5c, 0x7f, 0x80,
					      0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0,
					      0xf4, 0xf5, 0xff, 0x9f, 0xa0, 0x8f, 0x90 };
	unsigned long long x = 88172645463325252ULL;
	struct dd_jt d = { 0 };
	json_t *want = json_array();
	struct dd_jt_node *doc = dd_jt_array(&d);
	char s[8];

	(void)state;
	for (int i = 0; i < 30000; i++) {
		size_t n;
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		n = 1 + x % (sizeof(s) - 1);
		for (size_t k = 0; k < n; k++)
			s[k] = (char)pick[(x >> (k * 5 + 8)) % sizeof(pick)];
		s[n] = '\0';
		json_array_append_new(want, ref_str(s));
		dd_jt_append(&d, doc, dd_jt_str(&d, s));
	}
	assert_false(d.failed);
	jt_same_as_jansson(doc, want, "random strings");
	json_decref(want);
	dd_jt_free(&d);
}

/* Every fixture document, copied from jansson, prints as jansson prints it. */
static void jtree_documents(void **state)
{
	static const char *dirs[] = { DD_TEST_DATA "/evidence", DD_TEST_DATA "/evidence-reg",
				      DD_TEST_DATA "/graph", DD_REAL_DATA "/rdap" };
	size_t n = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		DIR *dir = opendir(dirs[i]);
		const char *name;
		json_t *doc;
		assert_non_null(dir);
		while ((doc = fx_next_doc(dir, dirs[i], &name))) {
			struct dd_jt d = { 0 };
			struct dd_jt_node *jt = dd_jt_from_jansson(&d, doc);
			assert_false(d.failed);
			jt_same_as_jansson(jt, doc, name);
			json_decref(doc);
			dd_jt_free(&d);
			n++;
		}
		closedir(dir);
	}
	assert_true(n >= 40);
}

/* Misuse and failure mark the document failed; printing it then fails and
 * frees it. */
static void jtree_failures(void **state)
{
	struct dd_jt d = { 0 };
	struct dd_jt_node *o = dd_jt_object(&d), *a = dd_jt_array(&d), *v = dd_jt_int(&d, 1);
	struct dd_buf b;

	(void)state;
	dd_buf_init(&b);
	dd_jt_append(&d, a, v);
	assert_false(d.failed);
	assert_int_equal(dd_jt_write(v, 0, &b), DD_EINVAL);   /* not a container */
	assert_int_equal(dd_jt_write(a, JSON_SORT_KEYS, &b), DD_EINVAL);
	assert_int_equal(dd_jt_write(a, JSON_COMPACT, &b), 0);
	assert_string_equal(dd_buf_str(&b), "[1]");
	assert_int_equal(dd_jt_del(a, "x"), DD_ENOTFOUND);
	dd_jt_put(&d, o, "v", v); /* already placed */
	assert_true(d.failed);
	d.failed = 0;
	dd_jt_put(&d, a, "v", dd_jt_null(&d)); /* not an object */
	assert_true(d.failed);
	d.failed = 0;
	dd_jt_append(&d, NULL, dd_jt_null(&d));
	assert_true(d.failed);
	d.failed = 0;
	dd_jt_put(&d, o, "k", NULL);
	assert_true(d.failed);
	assert_int_equal(dd_jt_print(&d, o, JSON_COMPACT, &b), DD_ENOMEM);
	assert_null(d.blocks);
	assert_false(d.failed);
	/* a document past the bound fails instead of growing */
	{
		char *big = malloc(DD_JT_MAX_BYTES / 4);
		assert_non_null(big);
		memset(big, 'a', DD_JT_MAX_BYTES / 4 - 1);
		big[DD_JT_MAX_BYTES / 4 - 1] = '\0';
		a = dd_jt_array(&d);
		for (int i = 0; i < 5 && !d.failed; i++)
			dd_jt_append(&d, a, dd_jt_str(&d, big));
		assert_true(d.failed);
		assert_true(d.total <= DD_JT_MAX_BYTES);
		free(big);
	}
	/* a deep copy beyond jansson's depth fails, no crash */
	{
		json_t *deep = json_array(), *cur = deep;
		for (int i = 0; i < 2100; i++) {
			json_t *next = json_array();
			json_array_append_new(cur, next);
			cur = next;
		}
		dd_jt_free(&d);
		dd_jt_from_jansson(&d, deep);
		assert_true(d.failed);
		json_decref(deep);
	}
	dd_jt_free(&d);
	b.len = 0;
	/* many small nodes: more than one block, all printed */
	a = dd_jt_array(&d);
	for (int i = 0; i < 5000; i++)
		dd_jt_append(&d, a, dd_jt_str(&d, "0123456789"));
	assert_false(d.failed);
	assert_true(d.total > 16u << 10); /* more than the first block */
	assert_int_equal(dd_jt_print(&d, a, JSON_COMPACT, &b), 0);
	assert_int_equal(b.len, 2 + 5000 * 13 - 1 + 1);
	dd_buf_free(&b);
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
		cmocka_unit_test(esc_controls),   cmocka_unit_test(esc_names), cmocka_unit_test(esc_messages),
		cmocka_unit_test(clock_parse),
		cmocka_unit_test(buf_grows),      cmocka_unit_test(err_names),
		cmocka_unit_test(map_set_get_del), cmocka_unit_test(json_write_tricky),
		cmocka_unit_test(list_order),
		cmocka_unit_test(jtree_tricky),   cmocka_unit_test(jtree_random_strings),
		cmocka_unit_test(jtree_documents), cmocka_unit_test(jtree_failures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
