/* test_evidence.c: unit tests for the evidence record: appenders, JSON
 * save/load round trips, and rejection of malformed documents. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/err.h"
#include "evidence/evidence.h"
#include "fixture.h"

static char *slurp(const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/evidence/%s", DD_TEST_DATA, name);
	return fx_slurp(path);
}

static struct dd_evidence *load_text(const char *text, int expect_rc, char *err, size_t errlen)
{
	struct dd_evidence *ev = NULL;
	int rc = dd_ev_load_json(text, strlen(text), &ev, err, errlen);

	if (rc != expect_rc)
		fail_msg("load returned %d (%s), expected %d", rc, err, expect_rc);
	if (rc == 0)
		assert_non_null(ev);
	else
		assert_null(ev);
	return ev;
}

/* The Purism fixture loads and its fields land where the schema says. */
static void load_fixture(void **state)
{
	char err[256];
	char *text = slurp("purism-outage.json");
	struct dd_evidence *ev;

	(void)state;
	ev = load_text(text, 0, err, sizeof(err));
	assert_string_equal(ev->domain, "puri.sm.");
	assert_int_equal(ev->time, 1519117200); /* 2018-02-20T09:00:00Z */
	assert_false(ev->options.ipv6);
	assert_int_equal(ev->nchain, 2);
	assert_string_equal(ev->chain[0].servers[0].referral, "sm.");
	assert_int_equal(ev->chain[0].servers[0].r.state, DD_EV_REFERRAL);
	assert_string_equal(ev->parent.zone, "sm.");
	assert_int_equal(ev->parent.nservers, 4);
	assert_int_equal(ev->parent.servers[2].delegation.r.state, DD_EV_NXDOMAIN);
	assert_int_equal(ev->parent.servers[2].delegation.r.rcode, 3);
	assert_int_equal(ev->parent.servers[2].delegation.r.exchange, 4);
	assert_int_equal(ev->parent.servers[1].ds.r.exchange, -1);
	assert_int_equal(ev->nnameservers, 2);
	assert_int_equal(ev->nameservers[1].servers[0].soa_udp.serial, 2018022001);
	assert_int_equal(ev->nameservers[0].servers[0].edns.r.rcode, 16);
	assert_int_equal(ev->nameservers[0].servers[0].edns.edns_version, 0);
	assert_int_equal(ev->nameservers[0].servers[0].ns_udp.ns.n, 2);
	assert_int_equal(ev->nexchanges, 8);
	assert_int_equal(ev->exchanges[1].flags, DD_EV_F_QR | DD_EV_F_AA);
	assert_true(ev->exchanges[0].query_edns.present);
	assert_int_equal(ev->exchanges[0].query_edns.udp_size, 1232);
	assert_false(ev->exchanges[1].query_edns.present);
	assert_int_equal(ev->exchanges[2].port, 53);
	dd_ev_free(ev);
	free(text);
}

/* load -> save -> load -> save gives the same text twice. */
static void round_trip_fixture(void **state)
{
	char err[256];
	char *text = slurp("purism-outage.json");
	struct dd_evidence *a, *b;
	char *sa, *sb;

	(void)state;
	a = load_text(text, 0, err, sizeof(err));
	sa = dd_ev_save_json(a);
	assert_non_null(sa);
	b = load_text(sa, 0, err, sizeof(err));
	sb = dd_ev_save_json(b);
	assert_non_null(sb);
	assert_string_equal(sa, sb);
	assert_non_null(strstr(sa, "\"schema\": \"dnsdeps.evidence/1\""));
	assert_non_null(strstr(sa, "\"time\": \"2018-02-20T09:00:00Z\""));
	dd_ev_free(a);
	dd_ev_free(b);
	free(sa);
	free(sb);
	free(text);
}

/* A record built with the appenders survives save and load field by field. */
static void round_trip_built(void **state)
{
	struct dd_evidence *ev = dd_ev_new("example.test.", 1790000000), *back;
	char err[256];
	char *text;
	int i, s, p, n, a;

	(void)state;
	assert_non_null(ev);
	i = dd_ev_add_exchange(ev);
	assert_int_equal(i, 0);
	assert_int_equal(dd_ev_set_str(&ev->exchanges[i].address, "fd00::53"), 0);
	assert_int_equal(dd_ev_set_str(&ev->exchanges[i].qname, "example.test."), 0);
	assert_int_equal(dd_ev_set_str(&ev->exchanges[i].qtype, "SOA"), 0);
	assert_int_equal(dd_ev_set_str(&ev->exchanges[i].detail, "odd\x01text \xff"), 0);
	ev->exchanges[i].protocol = DD_EV_TCP;
	ev->exchanges[i].result = DD_EV_RES_TIMEOUT;
	assert_int_equal(dd_ev_add_exchange(ev), 1);
	ev->exchanges[1].rcode = 42;
	ev->exchanges[1].rtt_ms = 1.25;
	assert_int_equal(dd_ev_set_str(&ev->exchanges[1].address, "127.0.0.1"), 0);
	assert_int_equal(dd_ev_set_str(&ev->exchanges[1].qname, "x."), 0);
	assert_int_equal(dd_ev_set_str(&ev->exchanges[1].qtype, "A"), 0);

	s = dd_ev_add_step(ev, ".");
	assert_int_equal(dd_ev_add_step_server(ev, (size_t)s, "a.root.", "127.0.0.2"), 0);
	assert_int_equal(dd_ev_add_step_server(ev, 7, "x.", "127.0.0.3"), DD_EINVAL);
	ev->chain[s].servers[0].r.state = DD_EV_REFERRAL;
	assert_int_equal(dd_ev_set_str(&ev->chain[s].servers[0].referral, "test."), 0);

	assert_int_equal(dd_ev_set_str(&ev->parent.zone, "test."), 0);
	p = dd_ev_add_parent_server(ev, "ns.test.", "127.0.0.4");
	assert_int_equal(p, 0);
	ev->parent.servers[p].delegation.r.state = DD_EV_REFERRAL;
	ev->parent.servers[p].delegation.r.exchange = 1;
	assert_int_equal(dd_ev_strlist_add(&ev->parent.servers[p].delegation.ns, "ns1.example.test."),
			 0);
	assert_int_equal(dd_ev_add_glue(ev, (size_t)p, "ns1.example.test.", "127.0.0.9", 86400), 0);

	n = dd_ev_add_nameserver(ev, "ns1.example.test.");
	assert_int_equal(n, 0);
	assert_int_equal(dd_ev_add_nameserver(ev, "NS1.Example.Test."), 0); /* found, not added */
	assert_int_equal(dd_ev_add_nameserver(ev, "ns2.example.test."), 1);
	a = dd_ev_add_ns_server(ev, (size_t)n, "127.0.0.9");
	assert_int_equal(a, 0);
	assert_int_equal(dd_ev_add_ns_server(ev, (size_t)n, "127.0.0.9"), 0);
	ev->nameservers[n].servers[a].soa_udp.r.state = DD_EV_ANSWER;
	ev->nameservers[n].servers[a].soa_udp.r.aa = 1;
	ev->nameservers[n].servers[a].soa_udp.serial = 4294967295LL;
	assert_int_equal(dd_ev_strlist_add_unique(&ev->nameservers[n].glue, "127.0.0.9"), 0);
	assert_int_equal(dd_ev_strlist_add_unique(&ev->nameservers[n].glue, "127.0.0.9"), 0);
	assert_int_equal(ev->nameservers[n].glue.n, 1);

	text = dd_ev_save_json(ev);
	assert_non_null(text);
	back = load_text(text, 0, err, sizeof(err));
	assert_string_equal(back->domain, "example.test.");
	assert_int_equal(back->time, 1790000000);
	assert_int_equal(back->exchanges[0].protocol, DD_EV_TCP);
	assert_int_equal(back->exchanges[0].result, DD_EV_RES_TIMEOUT);
	assert_int_equal(back->exchanges[0].rcode, -1);
	/* invalid UTF-8 is saved escaped rather than failing the save */
	assert_string_equal(back->exchanges[0].detail, "odd\\x01text \\xff");
	assert_int_equal(back->exchanges[1].rcode, 42);
	assert_true(back->exchanges[1].rtt_ms > 1.24 && back->exchanges[1].rtt_ms < 1.26);
	assert_string_equal(back->chain[0].servers[0].referral, "test.");
	assert_int_equal(back->parent.servers[0].delegation.r.exchange, 1);
	assert_int_equal(back->parent.servers[0].delegation.nglue, 1);
	assert_int_equal(back->parent.servers[0].delegation.glue[0].ttl, 86400);
	assert_int_equal(back->parent.servers[0].ds.r.state, DD_EV_SKIPPED);
	assert_int_equal(back->nnameservers, 2);
	assert_int_equal(back->nameservers[0].servers[0].soa_udp.serial, 4294967295LL);
	assert_int_equal(back->nameservers[0].servers[0].soa_tcp.serial, -1);
	assert_int_equal(back->nameservers[0].servers[0].soa_udp.r.aa, 1);
	assert_int_equal(back->nameservers[0].servers[0].soa_tcp.r.aa, -1);
	assert_int_equal(back->nameservers[1].resolution.state, DD_EV_R_SKIPPED);
	dd_ev_free(back);
	free(text);
	dd_ev_free(ev);
}

#define HEAD "{\"schema\":\"dnsdeps.evidence/1\",\"time\":\"2026-11-26T23:00:00Z\"," \
	     "\"domain\":\"a.test.\","

struct bad_doc {
	const char *text;
	int rc;
	const char *message; /* must occur in the error text */
};

static const struct bad_doc bad_docs[] = {
	{ "", DD_EPARSE, "line 1" },
	{ "[1,2]", DD_EPARSE, "expected an object" },
	{ "{\"schema\":\"dnsdeps.evidence/2\",\"time\":\"2026-11-26T23:00:00Z\",\"domain\":\"a.\","
	  "\"parent\":{}}", DD_EPARSE, "schema: \"dnsdeps.evidence/2\" is not dnsdeps.evidence/1" },
	{ "{\"time\":\"2026-11-26T23:00:00Z\",\"domain\":\"a.\"}", DD_EPARSE, "schema: missing" },
	{ HEAD "\"parent\":{}", DD_EPARSE, "line 1" }, /* truncated */
	{ HEAD "\"parent\":{}}", 0, NULL },
	{ HEAD "\"parent\":{}, \"parent\":{}}", DD_EPARSE, "duplicate" },
	{ "{\"schema\":\"dnsdeps.evidence/1\",\"time\":\"yesterday\",\"domain\":\"a.\",\"parent\":{}}",
	  DD_EPARSE, "time: not an RFC 3339 time" },
	{ HEAD "\"parent\":[]}", DD_EPARSE, "parent: expected an object, found an array" },
	{ HEAD "\"parent\":{\"servers\":[{\"name\":\"x.\",\"address\":\"1.2.3.4\","
	  "\"delegation\":{\"state\":\"lamee\"}}]}}",
	  DD_EPARSE, "parent.servers[0].delegation.state: unknown value \"lamee\"" },
	{ HEAD "\"parent\":{\"servers\":[{\"name\":\"x.\",\"address\":\"1.2.3.4\","
	  "\"delegation\":{\"state\":\"answer\",\"exchange\":3}}]}}",
	  DD_EPARSE, "parent.servers[0].delegation.exchange: refers to exchange 3, but there are only 0" },
	{ HEAD "\"parent\":{\"servers\":[{\"name\":\"x.\",\"address\":\"1.2.3.4\","
	  "\"delegation\":{\"state\":\"answer\",\"exchange\":-1}}]}}",
	  DD_EPARSE, "out of range" },
	{ HEAD "\"parent\":{},\"nameservers\":[{\"name\":\"n.\",\"servers\":[{\"address\":\"1.2.3.4\","
	  "\"soa_udp\":{\"state\":\"answer\",\"serial\":4294967296}}]}]}",
	  DD_EPARSE, "nameservers[0].servers[0].soa_udp.serial: 4294967296 is out of range" },
	{ HEAD "\"parent\":{},\"nameservers\":[{\"name\":\"n.\"},{\"name\":\"N.\"}]}",
	  DD_EPARSE, "nameservers[1].name: \"N.\" is listed twice" },
	{ HEAD "\"parent\":{},\"nameservers\":[{\"name\":\"n.\",\"servers\":[{\"address\":\"1.2.3.4\"},"
	  "{\"address\":\"1.2.3.4\"}]}]}",
	  DD_EPARSE, "nameservers[0].servers[1].address: \"1.2.3.4\" is listed twice for this name" },
	{ HEAD "\"parent\":{},\"nameservers\":[{\"name\":\"n.\",\"glue\":[\"1.2.3.4\",7]}]}",
	  DD_EPARSE, "nameservers[0].glue[1]: expected a string, found an integer" },
	{ HEAD "\"parent\":{},\"exchanges\":[{\"id\":1,\"address\":\"1.2.3.4\",\"qname\":\"a.\","
	  "\"qtype\":\"A\",\"result\":\"ok\"}]}",
	  DD_EPARSE, "exchanges[0].id: is 1, but must equal its position 0" },
	{ HEAD "\"parent\":{},\"exchanges\":[{\"id\":0,\"address\":\"1.2.3.4\",\"qname\":\"a.\","
	  "\"qtype\":\"A\",\"result\":\"ok\",\"flags\":[\"qr\",\"zz\"]}]}",
	  DD_EPARSE, "exchanges[0].flags[1]: not one of (qr aa tc rd ra ad cd)" },
	{ HEAD "\"parent\":{},\"exchanges\":[{\"id\":0,\"address\":\"1.2.3.4\",\"qname\":\"a.\","
	  "\"qtype\":\"A\",\"result\":\"ok\",\"rcode\":\"NOPE\"}]}",
	  DD_EPARSE, "exchanges[0].rcode: unknown rcode \"NOPE\"" },
	{ HEAD "\"parent\":{},\"exchanges\":[{\"id\":0,\"address\":\"1.2.3.4\",\"qname\":\"a.\","
	  "\"qtype\":\"A\",\"result\":\"ok\",\"rtt_ms\":-3}]}",
	  DD_EPARSE, "exchanges[0].rtt_ms: -3 ms is out of range" },
	{ HEAD "\"parent\":{},\"exchanges\":[{\"id\":0,\"address\":\"1.2.3.4\",\"qtype\":\"A\","
	  "\"result\":\"ok\"}]}",
	  DD_EPARSE, "exchanges[0].qname: missing" },
	{ HEAD "\"parent\":{},\"chain\":[{\"zone\":\".\",\"servers\":[{\"name\":null}]}]}",
	  DD_EPARSE, "chain[0].servers[0].name: must not be null" },
	{ HEAD "\"parent\":{\"error\":{\"message\":\"x\"}}}", DD_EPARSE, "parent.error.code: missing" },
	{ HEAD "\"parent\":{},\"domain2\":{\"anything\":[1,2,3]}}", 0, NULL }, /* unknown key: ignored */
	{ HEAD "\"parent\":{},\"nameservers\":[{\"name\":\"n\\u0000x\"}]}", DD_EPARSE, "line 1" },
};

static void malformed_documents(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_docs) / sizeof(bad_docs[0]); i++) {
		char err[256] = "unset";
		struct dd_evidence *ev = NULL;
		int rc = dd_ev_load_json(bad_docs[i].text, strlen(bad_docs[i].text), &ev, err,
					 sizeof(err));
		if (rc != bad_docs[i].rc)
			fail_msg("document %zu: rc %d, expected %d (%s)", i, rc, bad_docs[i].rc, err);
		if (bad_docs[i].message && !strstr(err, bad_docs[i].message))
			fail_msg("document %zu: error \"%s\" lacks \"%s\"", i, err,
				 bad_docs[i].message);
		if (rc == 0)
			assert_non_null(ev);
		else
			assert_null(ev);
		dd_ev_free(ev);
	}
}

/* Every prefix of a valid document is rejected cleanly (never a crash, never
 * a half-built record), and so is the document with any one byte damaged. */
static void truncated_and_damaged(void **state)
{
	char *text = slurp("purism-outage.json");
	size_t len = strlen(text);
	char err[256];

	(void)state;
	for (size_t cut = 0; cut + 2 < len; cut += 7) {
		struct dd_evidence *ev = NULL;
		int rc = dd_ev_load_json(text, cut, &ev, err, sizeof(err));
		assert_int_not_equal(rc, 0);
		assert_null(ev);
		assert_true(err[0] != '\0');
	}
	for (size_t at = 0; at < len; at += 3) {
		struct dd_evidence *ev = NULL;
		char saved = text[at];
		int rc;
		text[at] = (char)(saved == '"' ? '\x01' : '"');
		rc = dd_ev_load_json(text, len, &ev, err, sizeof(err));
		if (rc == 0)
			assert_non_null(ev);
		else
			assert_null(ev);
		dd_ev_free(ev);
		text[at] = saved;
	}
	free(text);
}

static void file_errors(void **state)
{
	struct dd_evidence *ev = (struct dd_evidence *)1;
	char err[256];

	(void)state;
	assert_int_equal(dd_ev_load_file("/nonexistent/evidence.json", &ev, err, sizeof(err)),
			 DD_EIO);
	assert_null(ev);
	assert_non_null(strstr(err, "cannot open"));
}

static void enum_names(void **state)
{
	char buf[16];
	enum dd_ev_state st;
	int rc;

	(void)state;
	for (int i = 0; i < DD_EV_STATE_COUNT; i++) {
		assert_int_equal(dd_ev_state_parse(dd_ev_state_name((enum dd_ev_state)i), &st), 0);
		assert_int_equal((int)st, i);
	}
	assert_string_equal(dd_ev_rcode_name(3, buf, sizeof(buf)), "NXDOMAIN");
	assert_string_equal(dd_ev_rcode_name(16, buf, sizeof(buf)), "BADVERS");
	assert_string_equal(dd_ev_rcode_name(12, buf, sizeof(buf)), "RCODE12");
	assert_int_equal(dd_ev_rcode_parse("RCODE12", &rc), 0);
	assert_int_equal(rc, 12);
	assert_int_equal(dd_ev_rcode_parse("RCODE99999", &rc), DD_EINVAL);
	assert_true(dd_ev_state_replied(DD_EV_REFUSED));
	assert_false(dd_ev_state_replied(DD_EV_TIMEOUT));
	assert_false(dd_ev_state_replied(DD_EV_SKIPPED));
}

#define DOCS DD_TEST_DATA "/../../../docs/evidence.md"
#define GEN_BEGIN "<!-- generated from src/evidence's field tables: do not edit by hand -->\n"
#define GEN_END "<!-- end of generated -->\n"

/* docs/evidence.md's generated field lists are those of the tables that save
 * and load the document (DD_DOCS_WRITE=1 writes them into the file). */
static void schema_docs(void **state)
{
	char *doc = fx_slurp(DOCS), *want = dd_ev_schema_markdown(), *b, *e;

	(void)state;
	assert_non_null(want);
	b = strstr(doc, GEN_BEGIN);
	e = b ? strstr(b, GEN_END) : NULL;
	if (!b || !e)
		fail_msg("%s: no generated section (%s)", DOCS, GEN_BEGIN);
	b += strlen(GEN_BEGIN);
	if (getenv("DD_DOCS_WRITE")) {
		FILE *f = fopen(DOCS, "w");
		assert_non_null(f);
		fprintf(f, "%.*s%s%s", (int)(b - doc), doc, want, e);
		fclose(f);
	} else if ((size_t)(e - b) != strlen(want) || memcmp(b, want, strlen(want)) != 0) {
		fail_msg("docs/evidence.md's field lists differ from the tables; they should read:\n%s"
			 "(DD_DOCS_WRITE=1 build/tests/unit/test_evidence writes them)",
			 want);
	}
	free(want);
	free(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(load_fixture),
		cmocka_unit_test(round_trip_fixture),
		cmocka_unit_test(round_trip_built),
		cmocka_unit_test(malformed_documents),
		cmocka_unit_test(truncated_and_damaged),
		cmocka_unit_test(file_errors),
		cmocka_unit_test(enum_names),
		cmocka_unit_test(schema_docs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
