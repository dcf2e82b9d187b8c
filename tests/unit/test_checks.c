/* test_checks.c: unit tests for the checks and the verdict. Every evidence
 * document in tests/unit/data/evidence/ carries an "expect" member (ignored
 * by the evidence loader): the exact set of finding codes, the verdict's
 * status and layer. Adding a case is adding a file. */
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
#include "core/buf.h"
#include "core/env.h"
#include "core/err.h"
#include "evidence/evidence.h"
#include "fixture.h"

#define EVDIR DD_TEST_DATA "/evidence"
#define FINDINGS_DOC DD_TEST_DATA "/../../../docs/findings.md"

static struct dd_evidence *load(const char *name)
{
	return fx_evidence("evidence", name);
}

/* Each fixture: exact codes, status and layer; findings sorted by severity;
 * every finding names something and rests on valid exchange ids. Also
 * counts the fixtures and which codes they exercise. */
static void fixtures(void **state)
{
	DIR *d = opendir(EVDIR);
	const char *name;
	size_t nfiles = 0, ndefs;
	const struct dd_chk_def *defs = dd_chk_defs(&ndefs);
	int *covered = calloc(ndefs, sizeof(int));
	json_t *doc;

	(void)state;
	assert_non_null(d);
	assert_non_null(covered);
	while ((doc = fx_next_doc(d, EVDIR, &name)) != NULL) {
		char got[2048], want[2048];
		struct dd_chk_findings f;
		struct dd_chk_verdict v;
		struct dd_evidence *ev;
		json_t *expect = json_object_get(doc, "expect");

		if (!expect) {
			json_decref(doc);
			continue;
		}
		nfiles++;
		ev = load(name);
		assert_int_equal(dd_chk_run(ev, NULL, &f), 0);
		assert_int_equal(dd_chk_verdict(ev, &f, NULL, &v), 0);
		/* duplicates kept: a code must be reported once */
		fx_codes(&f, "", got, sizeof(got));
		fx_sorted(json_object_get(expect, "codes"), " ", want, sizeof(want));
		if (strcmp(got, want) != 0)
			fail_msg("%s: codes [%s], expected [%s]", name, got, want);
		if (strcmp(dd_chk_status_name(v.status),
			   json_string_value(json_object_get(expect, "status"))) != 0 ||
		    strcmp(dd_chk_layer_name(v.layer),
			   json_string_value(json_object_get(expect, "layer"))) != 0)
			fail_msg("%s: verdict %s/%s (%s), expected %s/%s", name,
				 dd_chk_status_name(v.status), dd_chk_layer_name(v.layer), v.summary,
				 json_string_value(json_object_get(expect, "status")),
				 json_string_value(json_object_get(expect, "layer")));
		assert_non_null(v.summary);
		assert_true(strlen(v.summary) > 20);
		for (size_t i = 0; i < f.n; i++) {
			assert_true(strlen(f.v[i].message) > 10);
			if (i > 0)
				assert_true(f.v[i - 1].def->severity >= f.v[i].def->severity);
			for (size_t k = 0; k < f.v[i].nevidence; k++) {
				assert_true(f.v[i].evidence[k] >= 0);
				assert_true((size_t)f.v[i].evidence[k] < ev->nexchanges);
				if (k > 0)
					assert_true(f.v[i].evidence[k - 1] < f.v[i].evidence[k]);
			}
			covered[f.v[i].def - defs] = 1;
		}
		dd_chk_verdict_free(&v);
		dd_chk_findings_free(&f);
		dd_ev_free(ev);
		json_decref(doc);
	}
	closedir(d);
	assert_true(nfiles >= 40);
	for (size_t i = 0; i < ndefs; i++)
		if (!covered[i])
			fail_msg("no fixture produces %s", defs[i].code);
	free(covered);
}

/* The healthy document: status ok, layer none, nothing at warning or above. */
static void healthy_is_ok(void **state)
{
	struct dd_evidence *ev = load("healthy.json");
	struct dd_chk_findings f;
	struct dd_chk_verdict v;

	(void)state;
	assert_int_equal(dd_chk_run(ev, NULL, &f), 0);
	assert_int_equal(dd_chk_verdict(ev, &f, NULL, &v), 0);
	assert_int_equal(v.status, DD_STATUS_OK);
	assert_int_equal(v.layer, DD_LAYER_NONE);
	for (size_t i = 0; i < f.n; i++)
		assert_true(f.v[i].def->severity < DD_SEV_WARNING);
	assert_non_null(strstr(v.summary, "nothing to do"));
	dd_chk_verdict_free(&v);
	dd_chk_findings_free(&f);
	dd_ev_free(ev);
}

/* The Purism outage names the broken layer and says whom to ask. */
static void purism_sentence(void **state)
{
	struct dd_evidence *ev = load("purism-outage.json");
	struct dd_chk_findings f;
	struct dd_chk_verdict v;

	(void)state;
	assert_int_equal(dd_chk_run(ev, NULL, &f), 0);
	assert_int_equal(dd_chk_verdict(ev, &f, NULL, &v), 0);
	assert_string_equal(v.summary,
			    "The sm registry no longer delegates puri.sm (NXDOMAIN from 4 of 4 "
			    "servers) while your nameservers still answer: the problem is the "
			    "registration, not your DNS. Ask your registrar; if they see nothing "
			    "wrong, ask the registry.");
	assert_non_null(strstr(dd_chk_find(&f, "PARENT_NXDOMAIN_ALL")->message,
			       "sm.cctld.authdns.ripe.net. (127.0.0.8)"));
	assert_int_equal(dd_chk_find(&f, "PARENT_NXDOMAIN_ALL")->nevidence, 4);
	dd_chk_verdict_free(&v);
	dd_chk_findings_free(&f);
	dd_ev_free(ev);
}

static char *verdict_with(const struct dd_evidence *ev, const struct dd_chk_reg_facts *reg,
			  int64_t now)
{
	struct dd_chk_opts o = { now, reg };
	struct dd_chk_findings f;
	struct dd_chk_verdict v;
	char *s;

	assert_int_equal(dd_chk_run(ev, &o, &f), 0);
	assert_int_equal(dd_chk_verdict(ev, &f, &o, &v), 0);
	assert_int_equal(v.layer, DD_LAYER_REGISTRATION);
	s = strdup(v.summary);
	dd_chk_verdict_free(&v);
	dd_chk_findings_free(&f);
	return s;
}

/* Registration facts sharpen the registration sentence (the hook). */
static void registration_hook(void **state)
{
	struct dd_evidence *ev = load("purism-outage.json");
	struct dd_chk_reg_facts r = { 1, DD_REG_SERVER_HOLD, 0, NULL };
	int64_t feb19;
	char *s;

	(void)state;
	s = verdict_with(ev, &r, 0);
	assert_non_null(strstr(s, "the registry has put the domain on hold (serverHold)"));
	free(s);
	r.status = DD_REG_CLIENT_HOLD;
	s = verdict_with(ev, &r, 0);
	assert_non_null(strstr(s, "your registrar has put the domain on hold (clientHold)"));
	free(s);
	/* expired by date: past the expiry at the evidence's time, not before */
	assert_int_equal(dd_clock_parse("2018-02-19T12:00:00Z", &feb19), 0);
	r.status = 0;
	r.expires = feb19;
	s = verdict_with(ev, &r, 0);
	assert_non_null(strstr(s, "the registration expired on 2018-02-19"));
	free(s);
	s = verdict_with(ev, &r, feb19 - 86400);
	assert_null(strstr(s, "expired"));
	assert_non_null(strstr(s, "Ask your registrar"));
	free(s);
	/* nothing known: the default sentence */
	r.known = 0;
	r.status = DD_REG_SERVER_HOLD;
	s = verdict_with(ev, &r, 0);
	assert_null(strstr(s, "serverHold"));
	free(s);
	dd_ev_free(ev);
}

static void set_all_states(struct dd_evidence *ev, enum dd_ev_state st, int rcode)
{
	for (size_t i = 0; i < ev->nchain; i++)
		for (size_t j = 0; j < ev->chain[i].nservers; j++) {
			ev->chain[i].servers[j].r.state = st;
			ev->chain[i].servers[j].r.rcode = rcode;
		}
	for (size_t i = 0; i < ev->parent.nservers; i++) {
		ev->parent.servers[i].delegation.r.state = st;
		ev->parent.servers[i].delegation.r.rcode = rcode;
	}
	for (size_t i = 0; i < ev->nnameservers; i++)
		for (size_t j = 0; j < ev->nameservers[i].nservers; j++) {
			struct dd_ev_ns_server *s = &ev->nameservers[i].servers[j];
			s->soa_udp.r.state = s->soa_tcp.r.state = s->ns_udp.r.state = st;
			s->edns.r.state = st;
			s->soa_udp.r.rcode = s->edns.r.rcode = rcode;
		}
}

/* Every state in every slot: the checks and the verdict always produce a
 * verdict and a sentence, never an error (and never a crash). */
static void every_state(void **state)
{
	(void)state;
	for (int st = 0; st < DD_EV_STATE_COUNT; st++) {
		for (int rc = -1; rc <= 16; rc += 17) {
			struct dd_evidence *ev = load("healthy.json");
			struct dd_chk_findings f;
			struct dd_chk_verdict v;
			set_all_states(ev, (enum dd_ev_state)st, rc);
			assert_int_equal(dd_chk_run(ev, NULL, &f), 0);
			assert_int_equal(dd_chk_verdict(ev, &f, NULL, &v), 0);
			assert_true(strlen(v.summary) > 20);
			assert_true(v.status < DD_STATUS_COUNT);
			dd_chk_verdict_free(&v);
			dd_chk_findings_free(&f);
			dd_ev_free(ev);
		}
	}
}

/* An empty record (no chain, no parent servers, nothing) is unknown. */
static void empty_is_unknown(void **state)
{
	struct dd_evidence *ev = dd_ev_new("empty.test.", 1790000000);
	struct dd_chk_findings f;
	struct dd_chk_verdict v;

	(void)state;
	assert_non_null(ev);
	assert_int_equal(dd_ev_set_str(&ev->parent.zone, "test."), 0);
	assert_int_equal(dd_chk_run(ev, NULL, &f), 0);
	assert_int_equal(dd_chk_verdict(ev, &f, NULL, &v), 0);
	assert_int_equal(v.status, DD_STATUS_UNKNOWN);
	dd_chk_verdict_free(&v);
	dd_chk_findings_free(&f);
	dd_ev_free(ev);
}

#define GEN_BEGIN "<!-- generated from src/checks/codes.def: "
#define GEN_END "<!-- end of generated -->\n"

/* Each generated block of docs/findings.md ("<!-- generated from
 * src/checks/codes.def: FAMILY -->") is dd_chk_codes_markdown(FAMILY), and
 * the blocks hold every code: the page cannot drift from codes.def.
 * DD_DOCS_WRITE=1 writes the blocks again. */
static void documented(void **state)
{
	size_t n, rows = 0;
	const struct dd_chk_def *defs = dd_chk_defs(&n);
	char *doc = fx_slurp(FINDINGS_DOC), *p = doc, *last = doc, family[64];
	struct dd_buf out;

	(void)state;
	for (size_t i = 0; i < n; i++) {
		assert_ptr_equal(dd_chk_def_find(defs[i].code), &defs[i]);
		for (size_t k = 0; k < i; k++)
			assert_string_not_equal(defs[k].code, defs[i].code);
	}
	dd_buf_init(&out);
	while ((p = strstr(p, GEN_BEGIN)) != NULL) {
		char *want, *body = strstr(p, " -->\n"), *e;
		assert_non_null(body);
		snprintf(family, sizeof(family), "%.*s", (int)(body - p - strlen(GEN_BEGIN)),
			 p + strlen(GEN_BEGIN));
		body += strlen(" -->\n");
		e = strstr(body, GEN_END);
		assert_non_null(e);
		if (!(want = dd_chk_codes_markdown(family)))
			fail_msg("docs/findings.md: codes.def has no family %s", family);
		for (const char *r = want; (r = strstr(r, "\n| `")) != NULL; r++)
			rows++;
		if (!getenv("DD_DOCS_WRITE") &&
		    ((size_t)(e - body) != strlen(want) || memcmp(body, want, strlen(want)) != 0))
			fail_msg("docs/findings.md's table of %s differs from codes.def; it should "
				 "read:\n%s(DD_DOCS_WRITE=1 build/tests/unit/test_checks writes it)",
				 family, want);
		dd_buf_printf(&out, "%.*s%s", (int)(body - last), last, want);
		last = p = e;
		free(want);
	}
	dd_buf_puts(&out, last);
	if (getenv("DD_DOCS_WRITE")) {
		FILE *f = fopen(FINDINGS_DOC, "w");
		assert_non_null(f);
		fputs(dd_buf_str(&out), f);
		fclose(f);
	} else if (rows != n) {
		fail_msg("docs/findings.md's generated tables hold %zu codes, codes.def %zu", rows, n);
	}
	free(doc);
	dd_buf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fixtures),
		cmocka_unit_test(healthy_is_ok),
		cmocka_unit_test(purism_sentence),
		cmocka_unit_test(registration_hook),
		cmocka_unit_test(every_state),
		cmocka_unit_test(empty_is_unknown),
		cmocka_unit_test(documented),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
