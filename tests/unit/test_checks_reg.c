/* test_checks_reg.c: the registration checks over hand-written evidence.
 * Every document in tests/unit/data/evidence-reg/ is a DNS fixture plus a
 * "registration" section and an "expect" member: the exact set of REG_*
 * codes, the verdict's status and layer, and a piece of its sentence. Each
 * is also saved and loaded again and must be judged the same (what `report`
 * sees is what `check` saw). Then: "today" comes from the evidence or the
 * options, never the clock; a record of a domain above the one judged is
 * not compared with its delegation; damaged sections are refused with the
 * place named; dd_reg_from_json reads back what dd_reg_to_json wrote. */
#include <dirent.h>
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
#include "core/env.h"
#include "core/err.h"
#include "evidence/evidence.h"
#include "fixture.h"
#include "reg/reg.h"

#define REGDIR DD_TEST_DATA "/evidence-reg"

static struct dd_evidence *load(const char *name)
{
	return fx_evidence("evidence-reg", name);
}

struct judged {
	char codes[1024];
	enum dd_chk_status status;
	enum dd_chk_layer layer;
	char summary[2048];
};

static void judge(const struct dd_evidence *ev, const struct dd_chk_opts *o, struct judged *j)
{
	struct dd_chk_findings f;
	struct dd_chk_verdict v;

	assert_int_equal(dd_chk_run(ev, o, &f), 0);
	assert_int_equal(dd_chk_verdict(ev, &f, o, &v), 0);
	fx_codes(&f, "REG_", j->codes, sizeof(j->codes));
	j->status = v.status;
	j->layer = v.layer;
	snprintf(j->summary, sizeof(j->summary), "%s", v.summary);
	for (size_t i = 0; i < f.n; i++)
		if (strncmp(f.v[i].def->code, "REG_", 4) == 0) {
			assert_true(strlen(f.v[i].message) > 10);
			assert_int_equal(f.v[i].def->layer, DD_LAYER_REGISTRATION);
		}
	dd_chk_verdict_free(&v);
	dd_chk_findings_free(&f);
}

/* Save and load again: the copy is judged exactly as the original. */
static struct dd_evidence *round_trip(const struct dd_evidence *ev)
{
	char *text = dd_ev_save_json(ev), err[256];
	struct dd_evidence *back = NULL;

	assert_non_null(text);
	if (dd_ev_load_json(text, strlen(text), &back, err, sizeof(err)) != 0)
		fail_msg("reloading %s: %s", ev->domain, err);
	free(text);
	return back;
}

static void fixtures(void **state)
{
	DIR *d = opendir(REGDIR);
	const char *name;
	size_t nfiles = 0, ndefs;
	const struct dd_chk_def *defs = dd_chk_defs(&ndefs);
	char seen[4096] = " ";
	json_t *doc;
	struct dd_chk_opts o = { 0 };

	(void)state;
	assert_non_null(d);
	while ((doc = fx_next_doc(d, REGDIR, &name)) != NULL) {
		char want[1024];
		struct judged a, b;
		struct dd_evidence *ev, *back;
		json_t *ex = json_object_get(doc, "expect"), *sum;

		assert_non_null(ex);
		nfiles++;
		ev = load(name);
		assert_true(ev->registration.present);
		/* as `report` judges it: an older document's thresholds are its defaults */
		o.expiry_warn_days = ev->registration.saved_warn_days;
		o.expiry_crit_days = ev->registration.saved_crit_days;
		judge(ev, &o, &a);
		fx_sorted(json_object_get(ex, "reg_codes"), " ", want, sizeof(want));
		if (strcmp(a.codes, want) != 0)
			fail_msg("%s: codes [%s], expected [%s]", name, a.codes, want);
		if (strcmp(dd_chk_status_name(a.status),
			   json_string_value(json_object_get(ex, "status"))) != 0 ||
		    strcmp(dd_chk_layer_name(a.layer),
			   json_string_value(json_object_get(ex, "layer"))) != 0)
			fail_msg("%s: verdict %s/%s (%s)", name, dd_chk_status_name(a.status),
				 dd_chk_layer_name(a.layer), a.summary);
		sum = json_object_get(ex, "summary");
		if (sum && !strstr(a.summary, json_string_value(sum)))
			fail_msg("%s: summary \"%s\" lacks \"%s\"", name, a.summary,
				 json_string_value(sum));
		back = round_trip(ev);
		judge(back, &o, &b);
		assert_string_equal(a.codes, b.codes);
		assert_string_equal(a.summary, b.summary);
		assert_int_equal(a.status, b.status);
		if (strlen(seen) + strlen(a.codes) + 2 < sizeof(seen)) {
			strcat(seen, a.codes);
			strcat(seen, " ");
		}
		dd_ev_free(back);
		dd_ev_free(ev);
		json_decref(doc);
	}
	closedir(d);
	assert_true(nfiles >= 15);
	for (size_t i = 0; i < ndefs; i++) {
		char word[80];
		if (strncmp(defs[i].code, "REG_", 4) != 0)
			continue;
		snprintf(word, sizeof(word), " %s ", defs[i].code);
		if (!strstr(seen, word))
			fail_msg("no fixture in evidence-reg produces %s", defs[i].code);
	}
}

/* "Today" is the evidence's time, or the options' now: never the clock. */
static void now_is_injected(void **state)
{
	struct dd_evidence *ev = load("reg-expires-soon.json");
	struct dd_chk_opts o = { 0 };
	struct judged j;

	(void)state;
	judge(ev, NULL, &j);
	assert_string_equal(j.codes, "REG_EXPIRES_SOON");
	assert_int_equal(dd_clock_parse("2026-12-20T00:00:00Z", &o.now), 0);
	judge(ev, &o, &j);
	assert_string_equal(j.codes, "REG_EXPIRED");
	assert_int_equal(j.status, DD_STATUS_CRITICAL);
	assert_non_null(strstr(j.summary, "expired on 2026-12-16"));
	assert_int_equal(dd_clock_parse("2026-12-12T00:00:00Z", &o.now), 0);
	judge(ev, &o, &j);
	assert_string_equal(j.codes, "REG_EXPIRES_IMMINENT");
	assert_int_equal(dd_clock_parse("2026-01-01T00:00:00Z", &o.now), 0);
	judge(ev, &o, &j);
	assert_string_equal(j.codes, "");
	assert_int_equal(j.status, DD_STATUS_OK);
	/* the thresholds are the checks' options (--expiry-warn, --expiry-crit) */
	o.now = 0;
	o.expiry_warn_days = 10;
	judge(ev, &o, &j);
	assert_string_equal(j.codes, "");
	o.expiry_crit_days = 20;
	judge(ev, &o, &j);
	assert_string_equal(j.codes, "REG_EXPIRES_IMMINENT");
	dd_ev_free(ev);
}

/* A document saved when the thresholds travelled in the evidence keeps
 * them for `report` to take as its defaults, and saves without them. */
static void saved_thresholds(void **state)
{
	struct dd_evidence *ev = load("reg-expires-thresholds.json");
	char *text;

	(void)state;
	assert_int_equal(ev->registration.saved_warn_days, 10);
	assert_int_equal(ev->registration.saved_crit_days, 3);
	text = dd_ev_save_json(ev);
	assert_non_null(text);
	assert_null(strstr(text, "expiry_warn_days"));
	assert_null(strstr(text, "expiry_crit_days"));
	free(text);
	dd_ev_free(ev);
}

/* The Purism sentence names the suspension; the caller's own facts, when
 * given, still win over the evidence's. */
static void purism_suspended(void **state)
{
	struct dd_evidence *ev = load("reg-suspended.json");
	struct dd_chk_reg_facts mine = { 1, DD_REG_CLIENT_HOLD, 0, NULL };
	struct dd_chk_opts o = { 0, &mine };
	struct judged j;

	(void)state;
	judge(ev, NULL, &j);
	assert_string_equal(j.summary,
			    "The sm registry no longer delegates puri.sm (NXDOMAIN from 4 of 4 "
			    "servers) while your nameservers still answer: the registry has "
			    "suspended the domain, often because the registrar has not paid the "
			    "registry (Purism's outage in 2018). Ask your registrar to settle it "
			    "with the registry now; if the registrar does not act, ask the "
			    "registry.");
	judge(ev, &o, &j);
	assert_non_null(strstr(j.summary, "clientHold"));
	dd_ev_free(ev);
}

/* A record of the domain above the one judged (www.example.test is judged
 * with example.test's) is not compared with the delegation. */
static void subdomain_not_compared(void **state)
{
	struct dd_evidence *ev = load("reg-ns-differ.json");
	struct judged j;

	(void)state;
	judge(ev, NULL, &j);
	assert_string_equal(j.codes, "REG_NS_DIFFER");
	assert_int_equal(dd_ev_set_str(&ev->domain, "www.example.test."), 0);
	judge(ev, NULL, &j);
	assert_string_equal(j.codes, "");
	dd_ev_free(ev);
}

/* Whatever the reason, unavailable data leaves a healthy verdict ok. */
static void unavailable_never_worse(void **state)
{
	static const char *const reasons[] = { "no-source", "timeout", "rate-limited",
					       "unparseable", "too-large", "network",
					       "http-error" };
	(void)state;
	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++) {
		struct dd_evidence *ev = load("reg-unavailable.json");
		struct judged j;
		assert_int_equal(dd_ev_set_str(&ev->registration.reason, reasons[i]), 0);
		judge(ev, NULL, &j);
		assert_int_equal(j.status, DD_STATUS_OK);
		assert_string_equal(j.codes, "REG_DATA_UNAVAILABLE");
		dd_ev_free(ev);
	}
}

/* Replace the registration member of a fixture and load it: refused, with
 * the place named, never a crash. */
static void damaged_sections(void **state)
{
	static const struct {
		const char *json, *place;
	} bad[] = {
		{ "[]", "registration" },
		{ "{\"reason\":\"timeout\"}", "registration.domain" },
		{ "{\"domain\":\"x.test\"}", "registration.reason" },
		{ "{\"domain\":\"x.test\",\"reason\":\"bored\"}", "registration.reason" },
		{ "{\"domain\":7,\"reason\":\"timeout\"}", "registration.domain" },
		{ "{\"domain\":\"x.test\",\"reason\":\"timeout\",\"expiry_warn_days\":-3}",
		  "registration.expiry_warn_days" },
		{ "{\"domain\":\"x.test\",\"record\":{}}", "registration.record.source" },
		{ "{\"domain\":\"x.test\",\"reason\":\"timeout\",\"record\":{\"source\":"
		  "{\"protocol\":\"rdap\"},\"result\":\"found\"}}", "registration.reason" },
		{ "{\"domain\":\"x.test\",\"record\":{\"source\":{\"protocol\":\"gopher\"},"
		  "\"result\":\"found\"}}", "registration.record.source.protocol" },
		{ "{\"domain\":\"x.test\",\"record\":{\"source\":{\"protocol\":\"rdap\"},"
		  "\"result\":\"maybe\"}}", "registration.record.result" },
		{ "{\"domain\":\"x.test\",\"record\":{\"source\":{\"protocol\":\"rdap\"},"
		  "\"result\":\"found\",\"expires\":\"soon\"}}", "registration.record.expires" },
		{ "{\"domain\":\"x.test\",\"record\":{\"source\":{\"protocol\":\"rdap\"},"
		  "\"result\":\"found\",\"statuses\":[{\"code\":\"ok\",\"class\":\"fine\"}]}}",
		  "registration.record.statuses[0]" },
		{ "{\"domain\":\"x.test\",\"record\":{\"source\":{\"protocol\":\"rdap\"},"
		  "\"result\":\"found\",\"statuses\":[{\"epp\":true}]}}",
		  "registration.record.statuses[0]" },
		{ "{\"domain\":\"x.test\",\"record\":{\"source\":{\"protocol\":\"rdap\"},"
		  "\"result\":\"found\",\"nameservers\":[\"not a host\"]}}",
		  "registration.record.nameservers[0]" },
		{ "{\"domain\":\"x.test\",\"record\":{\"source\":{\"protocol\":\"rdap\"},"
		  "\"result\":\"found\",\"registrar_view\":{\"source\":{\"protocol\":\"rdap\"},"
		  "\"result\":\"found\",\"registrar_view\":{}}}}",
		  "registration.record.registrar_view" },
		{ "{\"domain\":\"x.test\",\"record\":{\"source\":{\"protocol\":\"rdap\"},"
		  "\"result\":\"found\",\"dnssec\":{\"delegationSigned\":\"yes\"}}}",
		  "registration.record.dnssec.delegationSigned" },
	};
	char path[512];
	json_error_t je;
	json_t *doc;

	(void)state;
	snprintf(path, sizeof(path), "%s/reg-healthy.json", REGDIR);
	doc = json_load_file(path, 0, &je);
	assert_non_null(doc);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *sec = json_loads(bad[i].json, 0, &je);
		struct dd_evidence *ev = NULL;
		char err[300] = "", *text;
		int rc;
		assert_non_null(sec);
		json_object_set_new(doc, "registration", sec);
		text = json_dumps(doc, 0);
		rc = dd_ev_load_json(text, strlen(text), &ev, err, sizeof(err));
		free(text);
		if (rc == 0 || ev)
			fail_msg("accepted: %s", bad[i].json);
		if (strncmp(err, bad[i].place, strlen(bad[i].place)) != 0)
			fail_msg("%s: error \"%s\", expected it to name %s", bad[i].json, err,
				 bad[i].place);
	}
	/* Too many nameservers and an oversized string are refused too. */
	{
		json_t *sec = json_pack("{s:s, s:{s:{s:s}, s:s, s:[]}}", "domain", "x.test",
					"record", "source", "protocol", "rdap", "result", "found",
					"nameservers");
		json_t *ns = json_object_get(json_object_get(sec, "record"), "nameservers");
		struct dd_evidence *ev = NULL;
		char err[300], *text;
		for (int k = 0; k < DD_REG_MAX_NS + 1; k++) {
			char n[32];
			snprintf(n, sizeof(n), "ns%d.x.test", k);
			json_array_append_new(ns, json_string(n));
		}
		json_object_set_new(doc, "registration", sec);
		text = json_dumps(doc, 0);
		assert_int_equal(dd_ev_load_json(text, strlen(text), &ev, err, sizeof(err)),
				 DD_ELIMIT);
		assert_null(ev);
		free(text);
	}
	json_decref(doc);
}

static void same_json(const struct dd_reg_record *r)
{
	json_t *a = dd_reg_to_json(r, 1), *b;
	struct dd_reg_record back;
	char why[DD_REG_WHY_MAX];

	assert_non_null(a);
	if (dd_reg_from_json(a, &back, why) != 0)
		fail_msg("from_json: %s", why);
	b = dd_reg_to_json(&back, 1);
	if (!json_equal(a, b)) {
		char *x = json_dumps(a, JSON_SORT_KEYS), *y = json_dumps(b, JSON_SORT_KEYS);
		fail_msg("round trip differs:\n%s\n%s", x, y);
	}
	json_decref(a);
	json_decref(b);
	dd_reg_record_free(&back);
}

/* Real documents, parsed, written and read back: the same record. */
static void reg_json_round_trip(void **state)
{
	static const char *const files[] = { "puri.sm.whois", "hold.example.rdap.json",
					     "free.de.whois" };
	static const char view[] = "Domain Name: x.sm\nRegistry Expiry Date: "
				   "2031-06-01T00:00:00Z\nDomain Status: ok\n";
	(void)state;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char path[512], why[DD_REG_WHY_MAX], *doc;
		size_t len;
		struct dd_reg_record r;
		snprintf(path, sizeof(path), "%s/reg/%s", DD_TEST_DATA, files[i]);
		assert_int_equal(dd_reg_read_file(path, DD_REG_DOC_MAX, &doc, &len), 0);
		assert_int_equal(dd_reg_parse(doc, len, NULL, &r, why), 0);
		free(doc);
		same_json(&r);
		/* with the registrar's view inside */
		r.registrar_view = calloc(1, sizeof(*r.registrar_view));
		assert_non_null(r.registrar_view);
		assert_int_equal(dd_reg_parse(view, strlen(view), "x.sm", r.registrar_view, why), 0);
		same_json(&r);
		dd_reg_record_free(&r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fixtures),
		cmocka_unit_test(now_is_injected),
		cmocka_unit_test(saved_thresholds),
		cmocka_unit_test(purism_suspended),
		cmocka_unit_test(subdomain_not_compared),
		cmocka_unit_test(unavailable_never_worse),
		cmocka_unit_test(damaged_sections),
		cmocka_unit_test(reg_json_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
