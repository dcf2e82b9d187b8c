/* test_report.c: unit tests for the renderers: the text layout (verdict
 * first, chain, findings), escaping of server-provided strings, colour only
 * on request, the JSON document, and exit statuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/err.h"
#include "evidence/evidence.h"
#include "report/report.h"
#include "fixture.h"

static struct dd_evidence *load(const char *name)
{
	return fx_evidence("evidence", name);
}

/* Judge and print into a string; *status receives the return value. The
 * output goes through a temporary file: a string from open_memstream would
 * come through a local whose address the stream keeps, which the compiler
 * (-O3) takes for a pointer that may outlive it. */
static char *render(const struct dd_evidence *ev, const struct dd_rep_opts *o, int *status)
{
	FILE *f = tmpfile();
	long len;
	char *text;

	assert_non_null(f);
	*status = dd_rep_judge_and_print(ev, o, f);
	assert_int_equal(fflush(f), 0);
	len = ftell(f);
	assert_true(len >= 0);
	text = malloc((size_t)len + 1);
	assert_non_null(text);
	rewind(f);
	assert_int_equal(fread(text, 1, (size_t)len, f), (size_t)len);
	text[len] = '\0';
	fclose(f);
	return text;
}

static void text_layout(void **state)
{
	struct dd_evidence *ev = load("purism-outage.json");
	struct dd_rep_opts o = { .level = 1 }; /* -v: the full tables */
	int status;
	char *t = render(ev, &o, &status);
	const char *chain, *findings, *crit, *notice;

	(void)state;
	assert_int_equal(status, 2);
	/* the verdict comes first: status line, then the sentence */
	assert_int_equal(strncmp(t, "puri.sm.  CRITICAL  (layer: registration)\nThe sm registry", 57),
			 0);
	chain = strstr(t, "\nDelegation, from the root down\n");
	findings = strstr(t, "\nFindings\n");
	assert_non_null(chain);
	assert_non_null(findings);
	assert_true(chain < findings);
	/* each layer with each server's state and round trip */
	assert_non_null(strstr(chain, "a.root-servers.net."));
	assert_non_null(strstr(chain, "referral to sm.  0.3 ms"));
	assert_non_null(strstr(chain, "dns.omniway.sm."));
	assert_non_null(strstr(chain, "NXDOMAIN  0.5 ms"));
	assert_non_null(strstr(chain, "SOA/udp answer aa serial 2018022001  0.3 ms"));
	/* findings by severity, each with advice */
	crit = strstr(findings, "CRITICAL  PARENT_NXDOMAIN_ALL");
	notice = strstr(findings, "NOTICE  NS_ALL_IN_BAILIWICK");
	assert_non_null(crit);
	assert_non_null(notice);
	assert_true(crit < notice);
	assert_non_null(strstr(crit, "-> The registry no longer publishes the delegation"));
	/* no colour unless asked */
	assert_null(strchr(t, '\033'));
	free(t);
	dd_ev_free(ev);
}

static size_t lines(const char *t)
{
	size_t n = 0;

	for (; *t; t++)
		n += *t == '\n';
	return n;
}

/* The default text: the verdict, what needs action (advice once per kind),
 * one line per layer; -q: the verdict line alone. */
static void text_short(void **state)
{
	struct dd_evidence *ev = load("purism-outage.json");
	struct dd_rep_opts o = { 0 };
	const char *act, *lay, *advice;
	int status;
	char *t = render(ev, &o, &status), *q;

	(void)state;
	assert_int_equal(status, 2);
	assert_int_equal(strncmp(t, "puri.sm.  CRITICAL  (layer: registration)\nThe sm registry", 57),
			 0);
	act = strstr(t, "\nNeeds action (");
	lay = strstr(t, "\nLayers:\n");
	assert_non_null(act);
	assert_non_null(lay);
	assert_true(act < lay);
	assert_non_null(strstr(act, "  CRITICAL  PARENT_NXDOMAIN_ALL: "));
	advice = strstr(act, "-> The registry no longer publishes the delegation");
	assert_non_null(advice);
	assert_null(strstr(advice + 1, "-> The registry no longer publishes the delegation"));
	assert_null(strstr(t, "NOTICE  NO_IPV6")); /* notes only with -v */
	assert_null(strstr(t, "\nDelegation, from the root down\n"));
	assert_non_null(strstr(lay, "\n  root          "));
	assert_non_null(strstr(lay, "\n  registry      "));
	assert_non_null(strstr(lay, "\n  registration  CRITICAL  PARENT_NXDOMAIN_ALL"));
	assert_non_null(strstr(lay, "\n  nameservers   "));
	assert_non_null(strstr(lay, "\n  DNSSEC        "));
	assert_non_null(strstr(lay, "\n  dependencies  "));
	assert_true(lines(t) >= 8 && lines(t) <= 25);
	o.level = -1;
	q = render(ev, &o, &status);
	assert_int_equal(status, 2);
	assert_int_equal(lines(q), 1);
	assert_int_equal(strncmp(q, "puri.sm.  CRITICAL  (layer: registration)  The sm registry", 58),
			 0);
	free(q);
	free(t);
	dd_ev_free(ev);
}

/* A document whose server-provided strings carry control characters, a
 * backslash and a bidi override. */
static const char evil_doc[] =
	"{\"schema\":\"dnsdeps.evidence/1\",\"time\":\"2026-11-26T23:00:00Z\","
	"\"domain\":\"evil.test.\","
	"\"chain\":[{\"zone\":\".\",\"servers\":[{\"name\":\"a.root\\u001b[2J.\","
	"\"address\":\"10.0.0.1\",\"state\":\"referral\",\"referral\":\"test\\r.\"}]}],"
	"\"parent\":{\"zone\":\"test.\",\"servers\":["
	"{\"name\":\"ns\\u001b]0;pwned\\u0007.test.\",\"address\":\"10.1.0.1\","
	"\"delegation\":{\"state\":\"nxdomain\",\"rcode\":\"NXDOMAIN\",\"aa\":true,"
	"\"detail\":\"x\\ny\"}}]},"
	"\"nameservers\":[{\"name\":\"ns1.evil\\\\x1b\\u202e.test.\",\"in_child\":true,"
	"\"resolution\":{\"state\":\"failed\",\"message\":\"boom\\u0008\\u0008\\u0008ok\"},"
	"\"servers\":[{\"address\":\"10.9.9.9\\u007f\","
	"\"soa_udp\":{\"state\":\"answer\",\"aa\":true,\"serial\":1},"
	"\"ns_udp\":{\"state\":\"answer\",\"aa\":true,\"ns\":[\"ns1.evil\\\\x1b\\u202e.test.\","
	"\"tab\\there.\"]}}]}]}";

static void assert_clean(const char *t, int allow_our_esc)
{
	for (const unsigned char *p = (const unsigned char *)t; *p; p++) {
		if (*p == '\n')
			continue;
		if (*p == 0x1b && allow_our_esc && p[1] == '[' &&
		    (p[2] == '0' || p[2] == '1' || p[2] == '2' || p[2] == '3') &&
		    (p[3] == 'm' || (p[4] == 'm')))
			continue;
		if (*p < 0x20 || *p == 0x7f)
			fail_msg("raw control byte 0x%02x at offset %ld: \"%.40s\"", *p,
				 (long)((const char *)p - t), (const char *)p);
	}
	/* U+202E (right-to-left override) never reaches the terminal raw */
	assert_null(strstr(t, "\xe2\x80\xae"));
}

static void text_escapes(void **state)
{
	struct dd_evidence *ev = NULL;
	struct dd_rep_opts o = { 0 };
	char err[256];
	int status;
	char *t;

	(void)state;
	assert_int_equal(dd_ev_load_json(evil_doc, strlen(evil_doc), &ev, err, sizeof(err)), 0);
	for (o.level = -1; o.level < 1; o.level++) { /* -q and the default */
		t = render(ev, &o, &status);
		assert_clean(t, 0);
		free(t);
	}
	o.level = 1;
	t = render(ev, &o, &status);
	assert_true(status >= 0);
	assert_clean(t, 0);
	assert_non_null(strstr(t, "a.root\\x1b[2J."));
	assert_non_null(strstr(t, "ns\\x1b]0;pwned\\x07.test."));
	assert_non_null(strstr(t, "10.9.9.9\\x7f"));
	assert_non_null(strstr(t, "boom\\x08\\x08\\x08ok"));
	/* a backslash in a name is doubled, so it cannot pass for an escape */
	assert_non_null(strstr(t, "ns1.evil\\\\x1b\\xe2\\x80\\xae.test."));
	/* the finding messages hold the raw names and are escaped too */
	assert_non_null(strstr(t, "PARENT_NXDOMAIN_ALL"));
	free(t);
	/* with colour: our own SGR codes only */
	o.color = 1;
	t = render(ev, &o, &status);
	assert_non_null(strstr(t, "\033[31m"));
	assert_clean(t, 1);
	assert_null(strstr(t, "\033[2J"));
	assert_null(strstr(t, "\033]0;"));
	free(t);
	dd_ev_free(ev);
}

static void json_document(void **state)
{
	struct dd_evidence *ev = load("purism-outage.json");
	struct dd_rep_opts o = { .json = 1 };
	json_error_t je;
	json_t *doc, *f, *d;
	int status;
	char *t = render(ev, &o, &status);

	(void)state;
	assert_int_equal(status, 2);
	doc = json_loads(t, 0, &je);
	assert_non_null(doc);
	assert_string_equal(json_string_value(json_object_get(doc, "schema")), "dnsdeps.check/1");
	assert_string_equal(json_string_value(json_object_get(doc, "domain")), "puri.sm.");
	assert_string_equal(json_string_value(json_object_get(doc, "judged_at")),
			    "2018-02-20T09:00:00Z");
	d = json_object_get(doc, "verdict");
	assert_string_equal(json_string_value(json_object_get(d, "status")), "critical");
	assert_string_equal(json_string_value(json_object_get(d, "layer")), "registration");
	assert_non_null(strstr(json_string_value(json_object_get(d, "summary")),
			       "no longer delegates puri.sm"));
	f = json_object_get(doc, "findings");
	assert_int_equal(json_array_size(f), 2); /* NO_IPV6 is not claimed: the run did not ask IPv6 */
	assert_string_equal(json_string_value(json_object_get(json_array_get(f, 0), "code")),
			    "PARENT_NXDOMAIN_ALL");
	assert_string_equal(json_string_value(json_object_get(json_array_get(f, 0), "severity")),
			    "critical");
	assert_int_equal(json_array_size(json_object_get(json_array_get(f, 0), "evidence")), 4);
	assert_non_null(json_object_get(json_array_get(f, 0), "advice"));
	d = json_object_get(doc, "delegation");
	assert_string_equal(json_string_value(json_object_get(d, "parent_zone")), "sm.");
	assert_int_equal(json_array_size(json_object_get(d, "parent_ns")), 0);
	assert_int_equal(json_array_size(json_object_get(d, "child_ns")), 2);
	assert_int_equal(json_array_size(json_object_get(d, "parent_servers")), 4);
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(json_object_get(d, "parent_servers"), 3), "state")),
			    "nxdomain");
	assert_int_equal(json_array_size(json_object_get(d, "nameservers")), 2);
	json_decref(doc);
	free(t);
	/* --now moves the judgement time, not the evidence's time */
	o.judge.now = 1790000000;
	o.json_compact = 1;
	t = render(ev, &o, &status);
	assert_non_null(strstr(t, "\"judged_at\":\"2026-09-21T"));
	assert_non_null(strstr(t, "\"time\":\"2018-02-20T09:00:00Z\""));
	assert_int_equal(strchr(t, '\n') - t, (long)strlen(t) - 1); /* one line */
	free(t);
	dd_ev_free(ev);
}

/* JSON keeps server strings exact (jansson escapes them). */
static void json_keeps_raw_strings(void **state)
{
	struct dd_evidence *ev = NULL;
	struct dd_rep_opts o = { .json = 1 };
	char err[256];
	json_error_t je;
	json_t *doc, *ps;
	int status;
	char *t;

	(void)state;
	assert_int_equal(dd_ev_load_json(evil_doc, strlen(evil_doc), &ev, err, sizeof(err)), 0);
	t = render(ev, &o, &status);
	/* pure ASCII, no control byte but newlines (DEL is legal JSON) */
	for (const unsigned char *p = (const unsigned char *)t; *p; p++)
		if ((*p < 0x20 && *p != '\n') || *p >= 0x80)
			fail_msg("byte 0x%02x in JSON output", *p);
	assert_non_null(strstr(t, "\\u202E"));
	doc = json_loads(t, 0, &je);
	assert_non_null(doc);
	ps = json_array_get(json_object_get(json_object_get(doc, "delegation"), "parent_servers"), 0);
	assert_string_equal(json_string_value(json_object_get(ps, "name")),
			    "ns\x1b]0;pwned\x07.test.");
	json_decref(doc);
	free(t);
	dd_ev_free(ev);
}

static void exit_statuses(void **state)
{
	static const struct {
		const char *file;
		int status;
	} cases[] = {
		{ "healthy.json", 0 },
		{ "no-ipv6.json", 0 },
		{ "server-timeout.json", 1 },
		{ "purism-outage.json", 2 },
		{ "glue-missing.json", 2 },
		{ "root-all-silent.json", 3 },
	};
	struct dd_rep_opts o = { 0 };

	(void)state;
	assert_int_equal(dd_rep_exit_status(DD_STATUS_OK), 0);
	assert_int_equal(dd_rep_exit_status(DD_STATUS_WARNING), 1);
	assert_int_equal(dd_rep_exit_status(DD_STATUS_CRITICAL), 2);
	assert_int_equal(dd_rep_exit_status(DD_STATUS_UNKNOWN), 3);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dd_evidence *ev = load(cases[i].file);
		int status, jstatus;
		char *t = render(ev, &o, &status);
		free(t);
		o.json = 1;
		t = render(ev, &o, &jstatus);
		o.json = 0;
		free(t);
		if (status != cases[i].status || jstatus != cases[i].status)
			fail_msg("%s: exit %d (json %d), expected %d", cases[i].file, status,
				 jstatus, cases[i].status);
		dd_ev_free(ev);
	}
}

/* A document saved and loaded again renders byte for byte the same: what
 * `report` prints is what `check` printed. */
static void report_equals_check(void **state)
{
	struct dd_evidence *ev = load("parent-glue-disagree.json"), *back = NULL;
	struct dd_rep_opts o = { 0 };
	char err[256], *saved, *a, *b;
	int sa, sb;

	(void)state;
	saved = dd_ev_save_json(ev);
	assert_non_null(saved);
	assert_int_equal(dd_ev_load_json(saved, strlen(saved), &back, err, sizeof(err)), 0);
	a = render(ev, &o, &sa);
	b = render(back, &o, &sb);
	assert_int_equal(sa, sb);
	assert_string_equal(a, b);
	free(a);
	free(b);
	o.json = 1;
	a = render(ev, &o, &sa);
	b = render(back, &o, &sb);
	assert_string_equal(a, b);
	free(a);
	free(b);
	free(saved);
	dd_ev_free(back);
	dd_ev_free(ev);
}

/* Damage the healthy document one byte at a time; every variant the loader
 * accepts is judged and rendered (text and JSON) without error or crash. */
static void damaged_documents(void **state)
{
	char path[512], err[256];
	FILE *f;
	char *text;
	long len;
	size_t judged = 0;
	static const char subst[] = { '0', '9', '"', 'x', '-' };

	(void)state;
	snprintf(path, sizeof(path), "%s/evidence/healthy.json", DD_TEST_DATA);
	f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	text = malloc((size_t)len + 1);
	assert_non_null(text);
	assert_int_equal(fread(text, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	for (long at = 0; at < len; at++) {
		char saved = text[at];
		for (size_t s = 0; s < sizeof(subst); s++) {
			struct dd_evidence *ev = NULL;
			if (subst[s] == saved)
				continue;
			text[at] = subst[s];
			if (dd_ev_load_json(text, (size_t)len, &ev, err, sizeof(err)) == 0) {
				struct dd_rep_opts o = { 0 };
				int status;
				for (o.json = 0; o.json < 2; o.json++) {
					free(render(ev, &o, &status));
					assert_true(status >= 0 && status <= 3);
				}
				judged++;
				dd_ev_free(ev);
			}
		}
		text[at] = saved;
	}
	assert_true(judged > 1000); /* the damage hit values, not only syntax */
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text_layout), cmocka_unit_test(text_short),
		cmocka_unit_test(text_escapes),
		cmocka_unit_test(json_document),
		cmocka_unit_test(json_keeps_raw_strings),
		cmocka_unit_test(exit_statuses),
		cmocka_unit_test(report_equals_check),
		cmocka_unit_test(damaged_documents),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
