/* test_web.c: the web pages over a real SQLite store in a temporary
 * directory: /metrics escapes label values as the exposition format wants
 * (a name with a quote, a backslash and a newline, which the store does not
 * refuse) and leaves out what it does not know (a domain never checked, an
 * unknown expiry); the API's documents, its 404s and its bound on history;
 * the listen address parser; the dashboard's embedded files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/err.h"
#include "store/store.h"
#include "web/web.h"
#include "web/web_int.h"

#define ODD "a\"b\\c\nd.test."

struct tmp {
	char dir[64];
	char path[128];
	struct dd_store *st;
};

static void add_round(struct dd_store *st, const char *domain, int64_t t, int status,
		      const char *facts)
{
	struct dd_store_round r = { .domain = domain, .time = t, .status = status, .layer = 3,
				    .summary = "the <b>summary</b>", .findings = "[]",
				    .facts = facts, .digest = "00", .content_key = facts };
	struct dd_store_dstate ds = { .next_due = t + 60 };
	struct dd_store_incident inc = { 0 };
	struct dd_store_commit c = { .round = &r, .state = &ds, .incident = &inc };
	struct dd_store_dstate prev;

	/* The round follows the domain's last one (the store's fleet check). */
	assert_int_equal(dd_store_dstate_get(st, domain, &prev), 0);
	c.expect_last = prev.last_round;
	assert_int_equal(dd_store_commit(st, &c), 0);
}

static int setup(void **state)
{
	struct tmp *t = calloc(1, sizeof(*t));
	char why[DD_STORE_WHY_MAX];

	snprintf(t->dir, sizeof(t->dir), "/tmp/dnsdeps-web-XXXXXX");
	if (!mkdtemp(t->dir))
		return -1;
	snprintf(t->path, sizeof(t->path), "%s/watch.db", t->dir);
	if (dd_store_open(&t->st, t->path, why) != 0)
		return -1;
	dd_store_domain_add(t->st, ODD, "", 1000);
	dd_store_domain_add(t->st, "never.test.", "", 1000);
	dd_store_domain_add(t->st, "ok.test.", "", 1000);
	add_round(t->st, ODD, 1700000000, 2,
		  "{\"expires\":1800000000,\"severities\":{\"critical\":2,\"notice\":1}}");
	for (int i = 0; i < 2100; i++)
		add_round(t->st, "ok.test.", 1700000000 + i, 0, "{\"expires\":null}");
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct tmp *t = *state;
	char cmd[200];

	dd_store_close(t->st);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->dir);
	if (system(cmd) != 0)
		return -1;
	free(t);
	return 0;
}

static void test_metrics(void **state)
{
	struct tmp *t = *state;
	struct dd_web_counters c = { .rounds = 7 };
	struct dd_buf b;

	dd_buf_init(&b);
	assert_int_equal(dd_web_metrics(t->st, NULL, &c, &b), 0);
	const char *m = dd_buf_str(&b);
	assert_non_null(strstr(m, "dnsdeps_domain_status{domain=\"a\\\"b\\\\c\\nd.test.\"} 2\n"));
	assert_non_null(strstr(m, "dnsdeps_domain_layer{domain=\"a\\\"b\\\\c\\nd.test.\",layer=\"registration\"} 1\n"));
	assert_non_null(strstr(m, "dnsdeps_registration_expiry_timestamp_seconds{domain=\"a\\\"b\\\\c\\nd.test.\"} 1800000000\n"));
	assert_non_null(strstr(m, "dnsdeps_findings{domain=\"a\\\"b\\\\c\\nd.test.\",severity=\"critical\"} 2\n"));
	assert_non_null(strstr(m, "dnsdeps_findings{domain=\"ok.test.\",severity=\"critical\"} 0\n"));
	assert_non_null(strstr(m, "dnsdeps_domain_status{domain=\"ok.test.\"} 0\n"));
	assert_null(strstr(m, "dnsdeps_registration_expiry_timestamp_seconds{domain=\"ok.test.\"}"));
	assert_null(strstr(m, "never.test."));
	assert_non_null(strstr(m, "dnsdeps_rounds_total 7\n"));
	assert_non_null(strstr(m, "dnsdeps_check_duration_seconds_bucket{le=\"+Inf\"} 0\n"));
	/* Every line is a comment or a sample: the raw newline never reaches it. */
	for (const char *l = m; *l; l = strchr(l, '\n') + 1)
		assert_true(l[0] == '#' || strncmp(l, "dnsdeps_", 8) == 0);
	dd_buf_free(&b);
}

/* The server keeps the last read: a domain whose round changed is read
 * again, the others are taken over. */
static void test_metrics_cache(void **state)
{
	struct tmp *t = *state;
	struct dd_web_counters c = { 0 };
	struct dd_web_rows cache = { 0 };
	struct dd_buf b;

	for (int pass = 0; pass < 3; pass++) {
		if (pass == 2)
			add_round(t->st, ODD, 1700000100, 1, "{\"expires\":1900000000,"
				  "\"registrar\":\"R\",\"severities\":{\"warning\":3}}");
		dd_buf_init(&b);
		assert_int_equal(dd_web_metrics(t->st, &cache, &c, &b), 0);
		const char *m = dd_buf_str(&b);
		assert_int_equal(cache.n, 3);
		assert_non_null(strstr(m, "dnsdeps_domain_status{domain=\"ok.test.\"} 0\n"));
		assert_non_null(strstr(m, pass < 2 ? "\"} 1800000000\n" : "\"} 1900000000\n"));
		assert_non_null(strstr(m, pass < 2 ? "severity=\"critical\"} 2\n"
						   : "severity=\"warning\"} 3\n"));
		dd_buf_free(&b);
	}
	assert_string_equal(cache.v[0].registrar, "R");
	dd_web_rows_free(&cache);
}

static void api(struct tmp *t, const char *path, const char *query, int want, const char *has)
{
	const char *ctype;
	struct dd_buf b;
	int status;

	dd_buf_init(&b);
	assert_int_equal(dd_web_api(t->st, NULL, NULL, path, query, 1700100000, &status, &ctype, &b), 0);
	assert_int_equal(status, want);
	assert_string_equal(ctype, "application/json");
	if (!strstr(dd_buf_str(&b), has))
		fail_msg("%s: no '%s' in %.300s", path, has, dd_buf_str(&b));
	dd_buf_free(&b);
}

static void test_api(void **state)
{
	struct tmp *t = *state;

	api(t, "domains", NULL, 200, "\"schema\":\"dnsdeps.api.domains/1\"");
	api(t, "domains", NULL, 200, "\"domain\":\"never.test.\",\"group\":\"\",\"status\":null");
	api(t, "domains", NULL, 200, "\"findings\":{\"notice\":1,\"critical\":2}");
	api(t, "domains/ok.test", NULL, 200, "\"status\":\"ok\"");
	api(t, "domains/never.test", NULL, 200, "\"status\":null");
	api(t, "domains/nowhere.test", NULL, 404, "\"error\"");
	api(t, "domains/a..b", NULL, 404, "no such API path");
	api(t, "domains/ok.test/history", "since=0", 200, "\"schema\":\"dnsdeps.api.history/1\"");
	api(t, "domains/ok.test/graph", NULL, 404, "no graph");
	api(t, "incidents", NULL, 200, "\"incidents\":[]");
	api(t, "nothing", NULL, 404, "dnsdeps.api.error/1");
}

/* 2,100 rounds: the latest 2,000 are given. */
static void test_history_bound(void **state)
{
	struct tmp *t = *state;
	const char *ctype;
	struct dd_buf b;
	int status;

	dd_buf_init(&b);
	assert_int_equal(dd_web_api(t->st, NULL, NULL, "domains/ok.test/history", "since=0", 1700100000,
				    &status, &ctype, &b), 0);
	size_t n = 0;
	for (const char *p = dd_buf_str(&b); (p = strstr(p, "\"summary\"")) != NULL; p++)
		n++;
	assert_int_equal(n, 2000);
	assert_non_null(strstr(dd_buf_str(&b), "\"time\":1700002099"));
	assert_null(strstr(dd_buf_str(&b), "\"time\":1700000099,"));
	dd_buf_free(&b);
}

static void test_listen_parse(void **state)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int lo;
	const char *why;

	(void)state;
	assert_int_equal(dd_web_listen_parse("8080", &ss, &len, &lo, &why), 0);
	assert_true(lo && ss.ss_family == AF_INET);
	assert_int_equal(dd_web_listen_parse("127.9.9.9:80", &ss, &len, &lo, &why), 0);
	assert_true(lo);
	assert_int_equal(dd_web_listen_parse("0.0.0.0:80", &ss, &len, &lo, &why), 0);
	assert_false(lo);
	assert_int_equal(dd_web_listen_parse("[::1]:80", &ss, &len, &lo, &why), 0);
	assert_true(lo && ss.ss_family == AF_INET6);
	assert_int_equal(dd_web_listen_parse("[::]:80", &ss, &len, &lo, &why), 0);
	assert_false(lo);
	static const char *const bad[] = { "", "0", "65536", "localhost:80", "1.2.3.4:",
					   "1.2.3.4:8x", "::1:80", "[::1]", "1.2.3.4:-1" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (dd_web_listen_parse(bad[i], &ss, &len, &lo, &why) != DD_EINVAL)
			fail_msg("'%s' accepted", bad[i]);
}

static void test_assets(void **state)
{
	const char *ctype, *d;
	size_t len;

	(void)state;
	assert_non_null(d = dd_web_asset("index.html", &len, &ctype));
	assert_string_equal(ctype, "text/html; charset=utf-8");
	assert_int_equal(strlen(d), len);
	assert_non_null(strstr(d, "/app.js"));
	assert_non_null(d = dd_web_asset("app.js", &len, &ctype));
	assert_null(strstr(d, "innerHTML")); /* the dashboard builds its DOM from text */
	assert_null(dd_web_asset("../web.h", &len, &ctype));
	assert_null(dd_web_asset("", &len, &ctype));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_metrics, setup, teardown),
		cmocka_unit_test_setup_teardown(test_metrics_cache, setup, teardown),
		cmocka_unit_test_setup_teardown(test_api, setup, teardown),
		cmocka_unit_test_setup_teardown(test_history_bound, setup, teardown),
		cmocka_unit_test(test_listen_parse),
		cmocka_unit_test(test_assets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
