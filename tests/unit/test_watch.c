/* test_watch.c: the watch's pure parts. Durations; the config parser (every
 * clause, quoting, groups and routes, and errors naming file and line);
 * facts read from real check documents (evidence fixtures judged and
 * rendered as `check --json` renders them) and the events between two of
 * them; the incident machine (alert after N bad rounds, no storm while
 * flapping, one recovery alert, reminders); the alert document and text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "checks/checks.h"
#include "core/err.h"
#include "report/report.h"
#include "watch/watch.h"
#include "fixture.h"

static void test_duration(void **state)
{
	unsigned v;

	(void)state;
	assert_int_equal(dd_watch_duration("2s", &v), 0);
	assert_int_equal(v, 2);
	assert_int_equal(dd_watch_duration("5m", &v), 0);
	assert_int_equal(v, 300);
	assert_int_equal(dd_watch_duration("1h", &v), 0);
	assert_int_equal(v, 3600);
	assert_int_equal(dd_watch_duration("7d", &v), 0);
	assert_int_equal(v, 7 * 86400);
	assert_int_equal(dd_watch_duration("90", &v), 0);
	assert_int_equal(v, 90);
	assert_int_equal(dd_watch_duration("2x", &v), DD_EINVAL);
	assert_int_equal(dd_watch_duration("2ss", &v), DD_EINVAL);
	assert_int_equal(dd_watch_duration("-1s", &v), DD_EINVAL);
	assert_int_equal(dd_watch_duration("", &v), DD_EINVAL);
	assert_int_equal(dd_watch_duration("99999999999d", &v), DD_EINVAL);
}

static const char CONF[] =
	"# a comment\n"
	"watch:\n"
	"    store: \"/var/lib/dnsdeps/watch.db\"  # quoted\n"
	"    interval: 5m\n"
	"    alert-after: 3\n"
	"    reminder: 1h\n"
	"    webhook: http://127.0.0.1:8080/hook critical\n"
	"    expiry-warn: 45\n"
	"    timeout: 2s\n"
	"    domain: Example.TEST\n"
	"\n"
	"group:\n"
	"\tname: shop\n"
	"\tdomain: shop.test\n"
	"\tbackup: shop-backup.test\n"
	"\tinterval: 60s\n"
	"\tjitter: 5s\n"
	"\texec: /usr/local/bin/page\n"
	"\twebhook: \"https://hooks.test/dns#ops\" critical  # quoted, then a word\n";

static void test_config(void **state)
{
	struct dd_watch_config c;
	char why[DD_WATCH_WHY_MAX];
	size_t n;

	(void)state;
	dd_watch_config_init(&c);
	assert_int_equal(dd_watch_config_parse(&c, CONF, strlen(CONF), "t.conf", why), 0);
	assert_string_equal(c.store, "/var/lib/dnsdeps/watch.db");
	assert_int_equal(c.interval_s, 300);
	assert_int_equal(c.alert_after, 3);
	assert_int_equal(c.reminder_s, 3600);
	assert_int_equal(c.judge.expiry_warn, 45);
	assert_int_equal(c.judge.timeout_ms, 2000);
	assert_int_equal(c.ngroups, 2);
	assert_string_equal(c.groups[0].name, "");
	assert_string_equal(c.groups[0].domains[0], "example.test.");
	assert_string_equal(c.groups[1].name, "shop");
	assert_int_equal(c.groups[1].ndomains, 2);
	assert_string_equal(c.groups[1].domains[1], "shop-backup.test.");
	assert_int_equal(dd_watch_group_interval(&c, &c.groups[1]), 60);
	assert_int_equal(dd_watch_group_jitter(&c, &c.groups[1]), 5);
	assert_int_equal(dd_watch_group_jitter(&c, &c.groups[0]), 30);
	const struct dd_watch_route *r = dd_watch_group_routes(&c, &c.groups[0], &n);
	assert_int_equal(n, 1);
	assert_int_equal(r[0].kind, DD_WATCH_WEBHOOK);
	assert_int_equal(r[0].min_status, 2);
	assert_string_equal(r[0].target, "http://127.0.0.1:8080/hook");
	r = dd_watch_group_routes(&c, &c.groups[1], &n);
	assert_int_equal(n, 2);
	assert_int_equal(r[0].kind, DD_WATCH_EXEC);
	assert_string_equal(r[1].target, "https://hooks.test/dns#ops");
	assert_int_equal(r[1].min_status, 2);
	assert_int_equal(dd_watch_config_check(&c, why), 0);
	dd_watch_config_free(&c);
}

/* The error for text names the file and line, and says expect. */
static void config_error(const char *text, const char *expect)
{
	struct dd_watch_config c;
	char why[DD_WATCH_WHY_MAX];

	dd_watch_config_init(&c);
	assert_int_equal(dd_watch_config_parse(&c, text, strlen(text), "x.conf", why), DD_EPARSE);
	dd_watch_config_free(&c);
	if (!strstr(why, expect))
		fail_msg("'%s' does not contain '%s'", why, expect);
}

static void test_config_errors(void **state)
{
	(void)state;
	config_error("store: x\n", "x.conf:1: 'store' outside a clause");
	config_error("watch:\n  interval: 5 minutes\n", "x.conf:2: interval: not a duration");
	config_error("watch:\n\n  bogus: 1\n", "x.conf:3: unknown key 'bogus'");
	config_error("server:\n", "x.conf:1: unknown clause 'server:'");
	config_error("watch:\n  name: x\n", "x.conf:2: 'name' does not belong");
	config_error("watch:\n  store: \"x\n", "x.conf:2: unterminated quoted value");
	config_error("watch:\n  store: \"x\" \"y\"\n", "x.conf:2: more than one quoted value");
	config_error("watch:\n  webhook: ftp://x/\n", "x.conf:2: webhook: a webhook is an http");
	config_error("watch:\n  exec: page\n", "x.conf:2: exec: exec needs an absolute");
	config_error("watch:\n  domain: a..b\n", "x.conf:2: domain:");
	config_error("watch:\n  domain: a.test\n  domain: A.test\n", "x.conf:3: domain: domain listed twice");
	config_error("group:\n  domain: a.test\n  name: g\n", "x.conf:3: name: name: must come before");
	config_error("watch:\n  list: /nonexistent/list\n", "x.conf:2: /nonexistent/list:");
	config_error("watch:\n  store\n", "x.conf:2: expected 'key: value'");
	{ /* a hard limit says which and how much */
		char text[2048] = "watch:\n";
		for (int i = 0; i <= DD_WATCH_MAX_ROUTES; i++)
			snprintf(text + strlen(text), sizeof(text) - strlen(text),
				 "  exec: /bin/true\n");
		config_error(text, "x.conf:18: more than 16 alert routes in one clause (the limit)");
	}
}

/* dnsdeps.conf(5) and the parser are one contract: every key the page
 * documents is known to the parser, and its example parses (its list file
 * aside, which does not exist here). */
static void test_config_man_page(void **state)
{
	char path[512], *page, *p;
	int keys = 0;

	(void)state;
	snprintf(path, sizeof(path), "%s/../../../docs/dnsdeps.conf.5", DD_TEST_DATA);
	page = fx_slurp(path);
	for (p = page; (p = strstr(p, "\n.BI \"")) != NULL; p++) {
		char key[64], text[200], why[DD_WATCH_WHY_MAX];
		const char *clause = p > strstr(page, "THE GROUP CLAUSE") ? "group" : "watch";
		struct dd_watch_config c;
		if (sscanf(p, "\n.BI \"%63[a-z-]: \"", key) != 1)
			continue;
		snprintf(text, sizeof(text), "%s:\n  %s: 1\n", clause, key);
		dd_watch_config_init(&c);
		dd_watch_config_parse(&c, text, strlen(text), "man", why);
		dd_watch_config_free(&c);
		if (strstr(why, "unknown key") || strstr(why, "does not belong"))
			fail_msg("dnsdeps.conf(5) documents '%s' in %s: %s", key, clause, why);
		keys++;
	}
	assert_true(keys >= 28);
	char *ex = strstr(page, ".EX\n"), *end = ex ? strstr(ex, ".EE\n") : NULL;
	assert_non_null(end);
	*end = '\0';
	char *list = strstr(ex, "list:");
	assert_non_null(list);
	*list = '#';
	struct dd_watch_config c;
	char why[DD_WATCH_WHY_MAX];
	dd_watch_config_init(&c);
	if (dd_watch_config_parse(&c, ex + 4, strlen(ex + 4), "example", why) != 0)
		fail_msg("the man page's example: %s", why);
	assert_int_equal(c.ngroups, 1);
	assert_int_equal(c.groups[0].nroutes, 2);
	assert_string_equal(c.groups[0].routes[0].target, "https://hooks.example.org/dns#ops");
	dd_watch_config_free(&c);
	free(page);
}

/* The check document of a fixture, as the audit driver renders it. */
static json_t *check_doc(const char *dir, const char *name)
{
	struct dd_evidence *ev = fx_evidence(dir, name);
	struct dd_chk_opts co = { 0 };
	struct dd_rep_opts ro = { .json = 1, .json_compact = 1 };
	struct dd_chk_findings f = { 0 };
	struct dd_chk_verdict v = { 0 };
	struct dd_buf b;
	json_t *doc;

	dd_buf_init(&b);
	assert_int_equal(dd_chk_run(ev, &co, &f), 0);
	assert_int_equal(dd_chk_verdict(ev, &f, &co, &v), 0);
	assert_int_equal(dd_rep_json(ev, &f, &v, &ro, &b), 0);
	doc = json_loads(dd_buf_str(&b), 0, NULL);
	assert_non_null(doc);
	dd_buf_free(&b);
	dd_chk_verdict_free(&v);
	dd_chk_findings_free(&f);
	dd_ev_free(ev);
	return doc;
}

static json_t *facts_of(const char *dir, const char *name)
{
	json_t *doc = check_doc(dir, name), *findings = NULL;
	json_t *facts = dd_watch_facts(doc, &findings);

	assert_non_null(facts);
	assert_true(json_is_array(findings));
	json_decref(findings);
	json_decref(doc);
	return facts;
}

/* The events from a to b as "kind:detail|kind:detail". */
static void events(const json_t *a, const json_t *b, char *out, size_t len)
{
	struct dd_watch_event ev[DD_WATCH_MAX_EVENTS];
	size_t n = dd_watch_events(a, b, 30, ev, DD_WATCH_MAX_EVENTS), used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n; i++)
		used += (size_t)snprintf(out + used, len - used, "%s%s:%s", i ? "|" : "", ev[i].kind,
					 ev[i].detail);
}

static void test_facts(void **state)
{
	json_t *h = facts_of("evidence", "healthy.json");
	json_t *p = facts_of("evidence", "purism-outage.json");

	(void)state;
	assert_true(json_is_true(json_object_get(h, "delegated")));
	assert_true(json_array_size(json_object_get(h, "parent_ns")) > 0);
	assert_string_equal(json_string_value(json_object_get(h, "status")), "ok");
	assert_true(json_is_false(json_object_get(p, "delegated")));
	assert_string_equal(json_string_value(json_object_get(p, "layer")), "registration");
	assert_true(json_object_size(json_object_get(h, "serials")) > 0);
	json_decref(h);
	json_decref(p);
}

static void test_events_delegation(void **state)
{
	json_t *h = facts_of("evidence", "healthy.json");
	json_t *p = facts_of("evidence", "purism-outage.json");
	char out[4000];

	(void)state;
	events(h, h, out, sizeof(out));
	assert_string_equal(out, "");
	events(NULL, h, out, sizeof(out));
	assert_string_equal(out, "");
	events(h, p, out, sizeof(out));
	assert_non_null(strstr(out, "delegation_lost:"));
	assert_non_null(strstr(out, "finding_appeared:PARENT_NXDOMAIN_ALL"));
	assert_non_null(strstr(out, "verdict_changed:ok (none) -> critical (registration)"));
	assert_null(strstr(out, "parent_ns_changed")); /* one event for a lost delegation */
	events(p, h, out, sizeof(out));
	assert_non_null(strstr(out, "delegation_back:"));
	assert_non_null(strstr(out, "finding_resolved:PARENT_NXDOMAIN_ALL"));
	json_decref(h);
	json_decref(p);
}

static void test_events_registration(void **state)
{
	json_t *h = facts_of("evidence-reg", "reg-healthy.json");
	json_t *l = facts_of("evidence-reg", "reg-no-transfer-lock.json");
	json_t *x = json_deep_copy(h);
	char out[4000];

	(void)state;
	events(h, l, out, sizeof(out));
	assert_non_null(strstr(out, "transfer_lock_removed:clientTransferProhibited"));
	/* Facts changed by hand: the other fields' events. */
	json_object_set_new(x, "registrar", json_string("Other Registrar"));
	json_object_set_new(x, "ds", json_pack("[s]", "1 8 2 AB"));
	json_array_append_new(json_object_get(x, "statuses"), json_string("serverHold"));
	json_object_set_new(x, "parent_ns", json_pack("[s]", "ns9.other.test."));
	json_int_t t = json_integer_value(json_object_get(h, "time"));
	json_object_set_new(h, "expires", json_integer(t + 60 * 86400));
	json_object_set_new(x, "expires", json_integer(t + 20 * 86400));
	events(h, x, out, sizeof(out));
	assert_non_null(strstr(out, "registrar_changed:"));
	assert_non_null(strstr(out, "-> Other Registrar"));
	assert_non_null(strstr(out, "ds_changed:"));
	assert_non_null(strstr(out, "status_added:serverHold"));
	assert_non_null(strstr(out, "parent_ns_changed:"));
	assert_non_null(strstr(out, "expiry_moved:"));
	assert_non_null(strstr(out, "expiry_window_entered:"));
	json_decref(h);
	json_decref(l);
	json_decref(x);
}

/* Run statuses through the machine; returns the alerts as "O", "C", "R", ".". */
static void run_incident(const int *status, size_t n, const struct dd_watch_policy *p,
			 unsigned step_s, char *out)
{
	struct dd_store_dstate s;
	struct dd_watch_step st;

	memset(&s, 0, sizeof(s));
	for (size_t i = 0; i < n; i++) {
		dd_watch_incident_step(&s, "a.test.", status[i], status[i] ? 3 : 0, "x",
				       1000 + (int64_t)(i * step_s), p, &st);
		out[i] = ".OCR"[st.alert];
		s = st.state;
	}
	out[n] = '\0';
}

static void test_incident(void **state)
{
	struct dd_watch_policy p = { .alert_after = 2, .recover_after = 2, .reminder_s = 0 };
	static const int outage[] = { 0, 2, 2, 2, 0, 0, 0 };
	static const int flapping[] = { 2, 0, 2, 0, 2, 0, 2, 0, 2, 0 };
	static const int unknown[] = { 2, 3, 2, 3, 0, 0 };
	static const int longrun[] = { 2, 2, 2, 2, 2, 2, 0, 0 };
	char out[32];

	(void)state;
	run_incident(outage, 7, &p, 60, out);
	assert_string_equal(out, "..O..C.");
	run_incident(flapping, 10, &p, 60, out);
	assert_string_equal(out, "..........");
	run_incident(unknown, 6, &p, 60, out);
	assert_string_equal(out, "..O..C");
	p.reminder_s = 120;
	run_incident(longrun, 8, &p, 60, out);
	assert_string_equal(out, ".O.R.R.C");
	p.alert_after = 1;
	p.recover_after = 1;
	p.reminder_s = 0;
	run_incident(outage, 7, &p, 60, out);
	assert_string_equal(out, ".O..C..");
}

static void test_notable(void **state)
{
	static const struct { const char *kind, *detail; int notable; } cases[] = {
		{ "transfer_lock_removed", "clientTransferProhibited", 1 },
		{ "status_added", "serverHold", 1 },
		{ "status_removed", "serverHold", 0 },
		{ "expiry_window_entered", "x", 1 },
		{ "expiry_moved", "x", 0 },
		{ "finding_appeared", "DEPS_NS_DOMAIN_EXPIRES_FIRST", 1 },
		{ "finding_appeared", "REG_NO_TRANSFER_LOCK", 1 },
		{ "finding_appeared", "SERVER_TIMEOUT", 0 },
		{ "finding_resolved", "REG_NO_TRANSFER_LOCK", 0 },
		{ "verdict_changed", "x", 0 },
	};
	struct dd_watch_event e;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(e.kind, sizeof(e.kind), "%s", cases[i].kind);
		snprintf(e.detail, sizeof(e.detail), "%s", cases[i].detail);
		assert_int_equal(dd_watch_event_notable(&e), cases[i].notable);
	}
}

static void test_incident_keys(void **state)
{
	struct dd_watch_policy p = { .alert_after = 1, .recover_after = 1 };
	struct dd_store_dstate s;
	struct dd_watch_step st;

	(void)state;
	memset(&s, 0, sizeof(s));
	dd_watch_incident_step(&s, "a.test.", 1, 4, "w", 0, &p, &st);
	assert_int_equal(st.inc.op, DD_STORE_INC_OPEN);
	assert_string_equal(st.inc.key, "a.test.@1970-01-01T00:00:00Z");
	assert_int_equal(st.alert_status, 1);
	s = st.state;
	dd_watch_incident_step(&s, "a.test.", 2, 3, "c", 60, &p, &st);
	assert_int_equal(st.inc.op, DD_STORE_INC_UPDATE);
	assert_int_equal(st.alert_status, 2);
	s = st.state;
	dd_watch_incident_step(&s, "a.test.", 0, 0, "ok", 120, &p, &st);
	assert_int_equal(st.inc.op, DD_STORE_INC_CLOSE);
	assert_int_equal(st.alert, DD_WATCH_ALERT_CLOSE);
	assert_string_equal(st.inc.key, "a.test.@1970-01-01T00:00:00Z");
	assert_string_equal(st.state.incident, "");
}

static void test_alert(void **state)
{
	json_t *doc = check_doc("evidence", "purism-outage.json"), *findings = NULL;
	json_t *facts = dd_watch_facts(doc, &findings);
	struct dd_watch_event ch = { "delegation_lost", "the parent no longer delegates \x1b[31m" };
	struct dd_buf b;
	char subject[200];
	char *s;

	(void)state;
	s = dd_watch_alert_json(DD_WATCH_ALERT_OPEN, "puri.sm.", "", "puri.sm.@x", 0,
				DD_STATUS_CRITICAL, DD_LAYER_REGISTRATION, "The sm registry ...",
				findings, &ch, 1);
	assert_non_null(s);
	json_t *a = json_loads(s, 0, NULL);
	assert_string_equal(json_string_value(json_object_get(a, "schema")), "dnsdeps.alert/1");
	assert_string_equal(json_string_value(json_object_get(a, "layer")), "registration");
	assert_true(json_array_size(json_object_get(a, "advice")) > 0);
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(json_object_get(a, "changes"), 0), "kind")),
			    "delegation_lost");
	dd_buf_init(&b);
	assert_int_equal(dd_watch_alert_text(s, &b, subject, sizeof(subject)), 0);
	assert_string_equal(subject, "[dnsdeps] critical puri.sm. (layer registration)");
	assert_non_null(strstr(dd_buf_str(&b), "Changed since the last good round:"));
	assert_null(strchr(dd_buf_str(&b), '\x1b'));
	assert_int_equal(dd_watch_alert_text("not json", &b, subject, sizeof(subject)),
			 DD_EPARSE);
	dd_buf_free(&b);
	json_decref(a);
	free(s);
	json_decref(findings);
	json_decref(facts);
	json_decref(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_config_errors),
		cmocka_unit_test(test_config_man_page),
		cmocka_unit_test(test_facts),
		cmocka_unit_test(test_events_delegation),
		cmocka_unit_test(test_events_registration),
		cmocka_unit_test(test_incident),
		cmocka_unit_test(test_notable),
		cmocka_unit_test(test_incident_keys),
		cmocka_unit_test(test_alert),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
