/* test_dnssec.c: unit tests for DNSSEC judging (src/dnssec) over evidence
 * recorded in the test bed (tests/unit/data/evidence/dnssec-*.json, made by
 * tests/unit/data/dnssec/make-fixtures.py), validated offline at each
 * document's own time: the built-in trust anchor, anchor files, each
 * fixture's state and reason, moving the judgement time, tampered records,
 * replaced anchors, the evidence section's JSON form and hostile input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "checks/checks.h"
#include "core/buf.h"
#include "core/err.h"
#include "dnssec/sec_int.h"
#include "evidence/evidence.h"
#include "fixture.h"

#define DAY 86400
#define DATA_DIR DD_TEST_DATA "/../../../data"

static struct dd_evidence *fixture(const char *name)
{
	char file[256];
	struct dd_evidence *ev;

	snprintf(file, sizeof(file), "dnssec-%s.json", name);
	ev = fx_evidence("evidence", file);
	assert_true(ev->dnssec.present);
	return ev;
}

static int has_code(const struct dd_chk_findings *f, const char *code)
{
	return dd_chk_find(f, code) != NULL;
}

/* ---- the trust anchor ---------------------------------------------------- */

/* The built-in text is data/root-anchors.ds byte for byte. */
static void builtin_anchor_is_the_data_file(void **state)
{
	char *text = fx_slurp(DATA_DIR "/root-anchors.ds");

	(void)state;
	assert_string_equal(dd_ev_anchor_builtin(), text);
	free(text);
}

/* Its DS records designate the DNSKEYs of data/root-anchors.key: KSK-2017
 * (20326) and KSK-2024 (38696), one each. */
static void builtin_ds_match_root_keys(void **state)
{
	struct dd_ev_strlist ds = { 0 }, keys = { 0 };
	struct sec_rrs d = { 0 }, k = { 0 };
	char why[200], *text = fx_slurp(DATA_DIR "/root-anchors.key");

	(void)state;
	assert_int_equal(dd_ev_anchor_parse(dd_ev_anchor_builtin(), &ds, why, sizeof(why)), 0);
	assert_int_equal(dd_ev_anchor_parse(text, &keys, why, sizeof(why)), 0);
	assert_int_equal(ds.n, 2);
	assert_int_equal(keys.n, 2);
	assert_int_equal(sec_rrs_parse(&ds, ".", LDNS_RR_TYPE_DS, &d), 0);
	assert_int_equal(sec_rrs_parse(&keys, ".", LDNS_RR_TYPE_DNSKEY, &k), 0);
	for (size_t i = 0; i < 2; i++) {
		size_t hits = 0;
		for (size_t j = 0; j < 2; j++)
			hits += sec_ds_matches(ldns_rr_list_rr(d.rrs, i), ldns_rr_list_rr(k.rrs, j));
		assert_int_equal(hits, 1);
	}
	assert_int_equal(sec_u16(ldns_rr_list_rr(d.rrs, 0), 0), 20326);
	assert_int_equal(sec_u16(ldns_rr_list_rr(d.rrs, 1), 0), 38696);
	/* a digest changed by one nibble designates nothing */
	ldns_rr *bad = ldns_rr_clone(ldns_rr_list_rr(d.rrs, 0));
	ldns_rdf *digest = ldns_rr_rdf(bad, 3);
	ldns_rdf_data(digest)[0] ^= 0x01;
	assert_false(sec_ds_matches(bad, ldns_rr_list_rr(k.rrs, 0)));
	assert_false(sec_ds_matches(bad, ldns_rr_list_rr(k.rrs, 1)));
	ldns_rr_free(bad);
	sec_rrs_free(&d);
	sec_rrs_free(&k);
	dd_ev_strlist_free(&ds);
	dd_ev_strlist_free(&keys);
	free(text);
}

/* Zone-file syntax: comments, blank lines, parentheses across lines, no
 * TTL or class; and precise errors. */
static void anchor_file_forms(void **state)
{
	static const char multi[] =
		"; the test anchor, as an operator would paste it\n"
		"\n"
		". 3600 IN DS 20326 8 2 (\n"
		"     E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D ) ; KSK-2017\n"
		"example. DS 1 13 2 0000000000000000000000000000000000000000000000000000000000000000\n";
	struct dd_ev_strlist l = { 0 };
	char why[200];
	struct dd_buf b;

	(void)state;
	assert_int_equal(dd_ev_anchor_parse(multi, &l, why, sizeof(why)), 0);
	assert_int_equal(l.n, 2);
	assert_non_null(strstr(l.v[0], "20326 8 2 e06d44b80b8f1d39a95c0b0d7c65d08458e880409bbc6834"));
	assert_null(strchr(l.v[0], ';'));
	assert_non_null(strstr(l.v[1], "example."));
	dd_ev_strlist_free(&l);

	assert_int_equal(dd_ev_anchor_parse("; nothing\n\n", &l, why, sizeof(why)), DD_ENOTFOUND);
	assert_int_equal(dd_ev_anchor_parse(". IN DS 20326 8 2 E06D\nthis is not a record\n", &l, why,
					     sizeof(why)),
			 DD_EPARSE);
	assert_non_null(strstr(why, "line 2"));
	dd_ev_strlist_free(&l);
	assert_int_equal(dd_ev_anchor_parse("\n\n. IN A 192.0.2.1\n", &l, why, sizeof(why)),
			 DD_EPARSE);
	assert_string_equal(why, "line 3: not a DS or DNSKEY record of class IN");
	/* Another type never reaches ldns's parser (its IPSECKEY reader leaks on
	 * this line, found by fuzz_anchor); a TTL and a class may come first. */
	assert_int_equal(dd_ev_anchor_parse(". IPSECKEY 57 3 8 A6 3 g\n", &l, why, sizeof(why)),
			 DD_EPARSE);
	assert_string_equal(why, "line 1: not a DS or DNSKEY record of class IN");
	assert_int_equal(dd_ev_anchor_parse(". 3600 IN ds 20326 8 2 E06D\n", &l, why, sizeof(why)),
			 0);
	assert_int_equal(l.n, 1);
	dd_ev_strlist_free(&l);
	dd_buf_init(&b);
	for (int i = 0; i <= DD_SEC_MAX_DS; i++)
		dd_buf_printf(&b, "x%d. DS %d 13 2 00\n", i, i);
	assert_int_equal(dd_ev_anchor_parse(dd_buf_str(&b), &l, why, sizeof(why)), DD_ELIMIT);
	dd_buf_free(&b);
	dd_ev_strlist_free(&l);
}

/* ---- the recorded fixtures ------------------------------------------------ */

struct want {
	const char *name;
	enum dd_sec_state state;
	enum dd_sec_reason reason;
};

static const struct want wants[] = {
	{ "good", DD_SEC_SECURE, DD_SEC_R_SECURE },
	{ "rollover", DD_SEC_BOGUS, DD_SEC_R_NO_DS_MATCH },
	{ "expired", DD_SEC_BOGUS, DD_SEC_R_KEYSET_SIGS },
	{ "notyet", DD_SEC_BOGUS, DD_SEC_R_KEYSET_SIGS },
	{ "expiring", DD_SEC_SECURE, DD_SEC_R_SECURE },
	{ "stale", DD_SEC_SECURE, DD_SEC_R_SECURE },
	{ "halfsigned", DD_SEC_SECURE, DD_SEC_R_SECURE },
	{ "nokeys", DD_SEC_BOGUS, DD_SEC_R_UNSIGNED_ZONE },
	{ "alg5", DD_SEC_SECURE, DD_SEC_R_SECURE },
	{ "sha1", DD_SEC_SECURE, DD_SEC_R_SECURE },
	{ "cds", DD_SEC_SECURE, DD_SEC_R_SECURE },
	{ "cdsdelete", DD_SEC_SECURE, DD_SEC_R_SECURE },
	{ "plain", DD_SEC_INSECURE, DD_SEC_R_NO_DS },
	{ "builtin-anchor", DD_SEC_BOGUS, DD_SEC_R_ABOVE_BOGUS },
};

static void fixture_states(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(wants) / sizeof(wants[0]); i++) {
		struct dd_evidence *ev = fixture(wants[i].name);
		struct dd_sec_result r;
		assert_int_equal(dd_sec_judge(ev, ev->time, &r), 0);
		if (r.state != wants[i].state || r.reason != wants[i].reason)
			fail_msg("%s: %s (reason %d: %s), expected %s (reason %d)", wants[i].name,
				 dd_sec_state_name(r.state), r.reason, r.why,
				 dd_sec_state_name(wants[i].state), wants[i].reason);
		assert_int_equal(r.nzones, 2); /* the root and test. */
		if (strcmp(wants[i].name, "builtin-anchor") != 0) {
			assert_int_equal(r.zones[0].state, DD_SEC_SECURE);
			assert_int_equal(r.zones[1].state, DD_SEC_SECURE);
		}
		assert_int_equal(r.nservers, 4);
		dd_sec_result_free(&r);
		dd_ev_free(ev);
	}
}

/* "No DS" and its proof at each parent server address (test.: one server,
 * IPv4; the others: 2 servers, IPv4 and IPv6 each): NSEC, NSEC3 with opt-out,
 * a server whose NSEC3 signatures were broken beside one that is fine, and
 * a parent whose every proof is broken. */
static void ds_denial(void **state)
{
	static const struct {
		const char *name;
		enum dd_sec_state state;
		enum dd_sec_reason reason;
		const char *kind;
		size_t n;
	} cases[] = {
		{ "plain", DD_SEC_INSECURE, DD_SEC_R_NO_DS, "NSEC", 1 },
		{ "plain-optout", DD_SEC_INSECURE, DD_SEC_R_NO_DS, "NSEC3", 4 },
		{ "plain-deleg", DD_SEC_INSECURE, DD_SEC_R_NO_DS, "NSEC3", 4 },
		{ "plain-broken", DD_SEC_BOGUS, DD_SEC_R_DS_DENIAL, "NSEC", 4 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dd_evidence *ev = fixture(cases[i].name);
		struct dd_sec_result r;
		assert_int_equal(dd_sec_judge(ev, ev->time, &r), 0);
		if (r.state != cases[i].state || r.reason != cases[i].reason)
			fail_msg("%s: %s (%s)", cases[i].name, dd_sec_state_name(r.state), r.why);
		assert_int_equal(r.nds, 0);
		assert_int_equal(r.ndenials, cases[i].n);
		for (size_t k = 0; k < r.ndenials; k++) {
			const struct dd_sec_denial_at *d = &r.denials[k];
			enum dd_sec_denial want = DD_SEC_DENIAL_PROVEN;
			/* plain-optout: ldns-signzone -p gives the delegation an NSEC3
			 * of its own (opt-out flag set), so the proof is an exact match */
			if (strcmp(cases[i].name, "plain-broken") == 0 ||
				 (strcmp(cases[i].name, "plain-deleg") == 0 &&
				  strcmp(d->name, "ns-b.host.test.") == 0))
				want = DD_SEC_DENIAL_SIGS;
			if (d->state != want)
				fail_msg("%s at %s (%s): %s", cases[i].name, d->name, d->address,
					 dd_sec_denial_name(d->state));
			assert_string_equal(d->kind, cases[i].kind);
			assert_int_equal(d->sig.sig, want == DD_SEC_DENIAL_SIGS ? DD_SEC_SIG_BAD
										  : DD_SEC_SIG_VALID);
			assert_true(d->sig.exchange >= 0);
		}
		dd_sec_result_free(&r);
		dd_ev_free(ev);
	}
}

/* An answer the evidence does not hold (an abridged document: no size, no
 * sections) is not judged: unproven is not the same as not kept. And a
 * proof whose NSEC names the DS in its bitmap does not prove anything. */
static void ds_denial_unknown_and_wrong(void **state)
{
	struct dd_evidence *ev = fixture("plain-broken");
	struct dd_sec_result r;

	(void)state;
	for (size_t i = 0; i < ev->parent.nservers; i++) {
		struct dd_ev_exchange *x = &ev->exchanges[ev->parent.servers[i].ds.r.exchange];
		x->size = -1;
		dd_ev_strlist_free(&x->authority);
	}
	assert_int_equal(dd_sec_judge(ev, ev->time, &r), 0);
	assert_int_equal(r.state, DD_SEC_INSECURE);
	assert_int_equal(r.reason, DD_SEC_R_NO_DS);
	assert_int_equal(r.ndenials, 0);
	dd_sec_result_free(&r);
	dd_ev_free(ev);

	/* the NSEC at the name with DS added to its bitmap: still signed
	 * (signatures are not judged against a changed record here: the
	 * bitmap check comes after them), so break only the bitmap */
	ev = fixture("plain");
	for (size_t i = 0; i < ev->parent.nservers; i++) {
		struct dd_ev_exchange *x = &ev->exchanges[ev->parent.servers[i].ds.r.exchange];
		for (size_t k = 0; k < x->authority.n; k++) {
			char *t = x->authority.v[k];
			char *nsec = strstr(t, "\tNSEC\t");
			if (strncmp(t, "plain.test.", 11) == 0 && nsec) {
				char *more = malloc(strlen(t) + 4);
				assert_non_null(more);
				sprintf(more, "%s DS", t);
				free(t);
				x->authority.v[k] = more;
			}
		}
	}
	assert_int_equal(dd_sec_judge(ev, ev->time, &r), 0);
	/* the changed NSEC no longer matches its signature: not proven */
	assert_int_equal(r.state, DD_SEC_BOGUS);
	assert_int_equal(r.reason, DD_SEC_R_DS_DENIAL);
	for (size_t k = 0; k < r.ndenials; k++)
		assert_int_equal(r.denials[k].state, DD_SEC_DENIAL_SIGS);
	dd_sec_result_free(&r);
	dd_ev_free(ev);
}

/* Per server: the stale copy is ns-b's, on both its addresses. */
static void stale_names_the_server(void **state)
{
	struct dd_evidence *ev = fixture("stale");
	struct dd_sec_result r;

	(void)state;
	assert_int_equal(dd_sec_judge(ev, ev->time, &r), 0);
	for (size_t i = 0; i < r.nservers; i++) {
		const struct dd_sec_server *s = &r.servers[i];
		enum dd_sec_sig want = strcmp(s->name, "ns-b.host.test.") == 0 ? DD_SEC_SIG_EXPIRED
									      : DD_SEC_SIG_VALID;
		assert_int_equal(s->dnskey.sig, want);
		assert_int_equal(s->soa.sig, want);
		assert_int_equal(s->ns.sig, want);
		assert_true(s->ds_match);
		if (want == DD_SEC_SIG_EXPIRED)
			assert_true(s->soa.when < ev->time);
		else
			assert_true(s->soa.when > ev->time + 20 * DAY);
	}
	dd_sec_result_free(&r);
	dd_ev_free(ev);
}

/* The judgement time is the evidence's, or --now: never the clock. */
static void time_moves_the_judgement(void **state)
{
	struct dd_evidence *ev = fixture("good");
	struct dd_chk_opts o = { 0 };
	struct dd_chk_findings f;
	struct dd_sec_result r;

	(void)state;
	/* 27 days on, the domain's signatures (30 days) are about to expire */
	o.now = ev->time + 27 * DAY;
	assert_int_equal(dd_chk_run(ev, &o, &f), 0);
	assert_true(has_code(&f, "DNSSEC_SIG_EXPIRING"));
	assert_false(has_code(&f, "DNSSEC_SIG_EXPIRED"));
	dd_chk_findings_free(&f);
	/* 31 days on, everything expired: the root first */
	assert_int_equal(dd_sec_judge(ev, ev->time + 31 * DAY, &r), 0);
	assert_int_equal(r.zones[0].state, DD_SEC_BOGUS);
	assert_non_null(strstr(r.zones[0].why, "expired"));
	assert_int_equal(r.reason, DD_SEC_R_ABOVE_BOGUS);
	dd_sec_result_free(&r);
	/* a day before: signed an hour before the run, not valid yet */
	assert_int_equal(dd_sec_judge(ev, ev->time - DAY, &r), 0);
	assert_int_equal(r.zones[0].state, DD_SEC_BOGUS);
	assert_non_null(strstr(r.zones[0].why, "not valid before"));
	dd_sec_result_free(&r);
	/* at its own time, nothing to say */
	assert_int_equal(dd_chk_run(ev, NULL, &f), 0);
	for (size_t i = 0; i < f.n; i++)
		assert_true(strncmp(f.v[i].def->code, "DNSSEC_", 7) != 0);
	dd_chk_findings_free(&f);
	dd_ev_free(ev);
}

/* Replace the first record of set whose text contains needle. */
static void tamper(struct dd_ev_strlist *set, const char *needle, const char *with)
{
	for (size_t i = 0; i < set->n; i++)
		if (strstr(set->v[i], needle)) {
			free(set->v[i]);
			set->v[i] = strdup(with);
			assert_non_null(set->v[i]);
			return;
		}
	fail_msg("no record with %s", needle);
}

/* A changed record no longer verifies; a dropped signature leaves it
 * unsigned; both are named per server. */
static void tampered_records(void **state)
{
	struct dd_evidence *ev = fixture("good");
	struct dd_ev_sec_server *s0 = &ev->dnssec.servers[0], *s1 = &ev->dnssec.servers[1];
	struct dd_chk_findings f;
	struct dd_chk_verdict v;
	struct dd_sec_result r;
	const struct dd_chk_finding *x;

	(void)state;
	tamper(&s0->soa.records, "\tSOA\t",
	       "good.test.\t3600\tIN\tSOA\tns-a.host.test. hostmaster.good.test. 2 3600 900 604800 300");
	for (size_t i = 0; i < s1->ns.records.n; i++)
		if (strstr(s1->ns.records.v[i], "\tRRSIG\t")) {
			free(s1->ns.records.v[i]);
			s1->ns.records.v[i] = s1->ns.records.v[--s1->ns.records.n];
		}
	assert_int_equal(dd_sec_judge(ev, ev->time, &r), 0);
	assert_int_equal(r.servers[0].soa.sig, DD_SEC_SIG_BAD);
	assert_int_equal(r.servers[0].ns.sig, DD_SEC_SIG_VALID);
	assert_int_equal(r.servers[1].ns.sig, DD_SEC_SIG_UNSIGNED);
	assert_int_equal(r.state, DD_SEC_SECURE); /* the other two servers validate */
	dd_sec_result_free(&r);
	assert_int_equal(dd_chk_run(ev, NULL, &f), 0);
	x = dd_chk_find(&f, "DNSSEC_SIG_INVALID");
	assert_non_null(x);
	assert_non_null(strstr(x->message, "ns-a.host.test. (127.0.20.1) SOA does not verify"));
	assert_non_null(strstr(x->message, "NS unsigned"));
	assert_null(strstr(x->message, "ns-b.host.test."));
	assert_int_equal(dd_chk_verdict(ev, &f, NULL, &v), 0);
	assert_int_equal(v.status, DD_STATUS_CRITICAL);
	assert_int_equal(v.layer, DD_LAYER_DNSSEC);
	dd_chk_verdict_free(&v);
	dd_chk_findings_free(&f);
	dd_ev_free(ev);
}

/* The anchor is the evidence's: replacing it re-judges the same records. */
static void anchor_replacement(void **state)
{
	struct dd_evidence *good = fixture("good"), *builtin = fixture("builtin-anchor");
	struct dd_sec_result r;

	(void)state;
	assert_non_null(strstr(builtin->dnssec.anchor_source, "built-in"));
	assert_int_equal(dd_ev_sec_set_anchor(&builtin->dnssec, &good->dnssec.anchor, "test"), 0);
	assert_int_equal(dd_sec_judge(builtin, builtin->time, &r), 0);
	assert_int_equal(r.state, DD_SEC_SECURE);
	dd_sec_result_free(&r);
	/* no anchor recorded: the built-in one, which the test bed's root fails */
	assert_int_equal(dd_ev_sec_set_anchor(&good->dnssec, NULL, NULL), 0);
	assert_int_equal(dd_sec_judge(good, good->time, &r), 0);
	assert_int_equal(r.reason, DD_SEC_R_ABOVE_BOGUS);
	assert_non_null(strstr(r.above_why, "20326"));
	dd_sec_result_free(&r);
	dd_ev_free(good);
	dd_ev_free(builtin);
}

/* ---- the evidence section -------------------------------------------------- */

static void section_round_trip(void **state)
{
	struct dd_evidence *ev = fixture("cds"), *a = NULL, *b = NULL;
	char err[256], *sa, *sb, *s0 = dd_ev_save_json(ev);

	(void)state;
	assert_non_null(s0);
	assert_int_equal(dd_ev_load_json(s0, strlen(s0), &a, err, sizeof(err)), 0);
	sa = dd_ev_save_json(a);
	assert_int_equal(dd_ev_load_json(sa, strlen(sa), &b, err, sizeof(err)), 0);
	sb = dd_ev_save_json(b);
	assert_string_equal(sa, sb);
	assert_string_equal(s0, sa);
	assert_int_equal(b->dnssec.nzones, 2);
	assert_int_equal(b->dnssec.nservers, 4);
	assert_int_equal(b->dnssec.nparent, 1);
	assert_true(b->dnssec.servers[0].cds.records.n >= 1);
	assert_int_equal(b->dnssec.servers[0].dnskey_tcp.r.state, DD_EV_ANSWER);
	assert_true(b->dnssec.servers[0].dnskey_tcp.r.exchange >= 0);
	free(s0);
	free(sa);
	free(sb);
	dd_ev_free(ev);
	dd_ev_free(a);
	dd_ev_free(b);
	/* without the section, nothing is saved and nothing judged */
	ev = dd_ev_new("x.test.", 1790000000);
	s0 = dd_ev_save_json(ev);
	assert_null(strstr(s0, "dnssec"));
	struct dd_sec_result r;
	assert_int_equal(dd_sec_judge(ev, ev->time, &r), 0);
	assert_false(r.judged);
	dd_sec_result_free(&r);
	free(s0);
	dd_ev_free(ev);
}

#define HEAD "{\"schema\":\"dnsdeps.evidence/1\",\"time\":\"2026-11-26T23:00:00Z\"," \
	     "\"domain\":\"a.test.\",\"parent\":{},"

static const struct {
	const char *text;
	int rc;
	const char *err;
} bad_docs[] = {
	{ HEAD "\"dnssec\":[]}", DD_EPARSE, "dnssec: expected an object, found an array" },
	{ HEAD "\"dnssec\":{\"servers\":[{\"name\":\"n.\",\"address\":\"1.2.3.4\","
	       "\"soa\":{\"state\":\"lamee\"}}]}}",
	  DD_EPARSE, "dnssec.servers[0].soa.state: unknown value \"lamee\"" },
	{ HEAD "\"dnssec\":{\"zones\":[{\"zone\":\".\",\"dnskey\":{\"state\":\"answer\","
	       "\"exchange\":5}}]}}",
	  DD_EPARSE, "dnssec.zones[0].dnskey.exchange: refers to exchange 5, but there are only 0" },
	{ HEAD "\"dnssec\":{\"servers\":[{\"name\":\"n.\",\"address\":\"1.2.3.4\","
	       "\"ns\":{\"state\":\"answer\",\"records\":[7]}}]}}",
	  DD_EPARSE, "dnssec.servers[0].ns.records[0]: expected a string, found an integer" },
	{ HEAD "\"dnssec\":{\"servers\":[{\"name\":\"n.\",\"address\":\"1.2.3.4\"},"
	       "{\"name\":\"N.\",\"address\":\"1.2.3.4\"}]}}",
	  DD_EPARSE, "dnssec.servers[1].name: \"N.\" is listed twice (with this address)" },
	{ HEAD "\"dnssec\":{\"anchor\":{\"records\":\"x\"}}}", DD_EPARSE,
	  "dnssec.anchor.records: expected an array, found a string" },
	{ HEAD "\"dnssec\":{\"parent\":[{\"address\":\"1.2.3.4\"}]}}", DD_EPARSE,
	  "dnssec.parent[0].name: missing" },
};

static void malformed_sections(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_docs) / sizeof(bad_docs[0]); i++) {
		struct dd_evidence *ev = NULL;
		char err[256] = "";
		int rc = dd_ev_load_json(bad_docs[i].text, strlen(bad_docs[i].text), &ev, err,
					 sizeof(err));
		if (rc != bad_docs[i].rc || strcmp(err, bad_docs[i].err) != 0)
			fail_msg("document %zu: rc %d (%s), expected %d (%s)", i, rc, err,
				 bad_docs[i].rc, bad_docs[i].err);
		assert_null(ev);
	}
}

/* Garbage records, broken signatures and huge strings are ignored, never
 * trusted, never a crash. */
static void hostile_records(void **state)
{
	struct dd_evidence *ev = fixture("good");
	struct dd_ev_sec_server *s = &ev->dnssec.servers[2];
	struct dd_sec_result r;
	char *big = malloc(200000);

	(void)state;
	assert_non_null(big);
	memset(big, 'A', 199999);
	big[199999] = '\0';
	memcpy(big, "good.test. 3600 IN DNSKEY 257 3 13 ", 35);
	assert_true(dd_ev_strlist_add(&s->dnskey_udp.records, big) >= 0);
	assert_true(dd_ev_strlist_add(&s->dnskey_udp.records, "not a record at all") >= 0);
	assert_true(dd_ev_strlist_add(&s->dnskey_udp.records,
				      "good.test. 3600 IN RRSIG DNSKEY 13 2 3600 20300101000000 "
				      "20200101000000 1 good.test. AAAA") >= 0);
	assert_true(dd_ev_strlist_add(&s->soa.records, "good.test. 3600 IN RRSIG SOA 13") >= 0);
	for (int i = 0; i < 300; i++)
		assert_true(dd_ev_strlist_add(&s->ns.records, "good.test. 3600 IN NS x.") >= 0);
	assert_int_equal(dd_sec_judge(ev, ev->time, &r), 0);
	assert_int_equal(r.servers[2].dnskey.sig, DD_SEC_SIG_VALID);
	assert_int_equal(r.servers[2].soa.sig, DD_SEC_SIG_VALID);
	assert_true(r.servers[2].ns.sig != DD_SEC_SIG_VALID); /* the NS set changed */
	assert_int_equal(r.state, DD_SEC_SECURE);
	dd_sec_result_free(&r);
	free(big);
	dd_ev_free(ev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(builtin_anchor_is_the_data_file),
		cmocka_unit_test(builtin_ds_match_root_keys),
		cmocka_unit_test(anchor_file_forms),
		cmocka_unit_test(fixture_states),
		cmocka_unit_test(stale_names_the_server),
		cmocka_unit_test(ds_denial),
		cmocka_unit_test(ds_denial_unknown_and_wrong),
		cmocka_unit_test(time_moves_the_judgement),
		cmocka_unit_test(tampered_records),
		cmocka_unit_test(anchor_replacement),
		cmocka_unit_test(section_round_trip),
		cmocka_unit_test(malformed_sections),
		cmocka_unit_test(hostile_records),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
