/* test_dns.c: unit tests for src/dns: reply digestion on real captured
 * packets (NSD answers and the test bed's crafted faults), query building,
 * root hints, and the resolver driven by a scripted exchange service (no
 * network: replies are built from records and handed back from a queue). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <ldns/ldns.h>

#include "core/err.h"
#include "dns/msg.h"
#include "dns/resolve.h"

/* ---- captured packets ------------------------------------------------- */

static uint8_t *load_packet(const char *name, size_t *len)
{
	char path[512];
	FILE *f;
	uint8_t *buf = malloc(65536);

	snprintf(path, sizeof(path), "%s/packets/%s.bin", DD_TEST_DATA, name);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_non_null(buf);
	*len = fread(buf, 1, 65536, f);
	fclose(f);
	return buf;
}

static void digest_file(const char *file, const char *qname, uint16_t qtype, const char *zone,
			struct dd_dns_digest *d, int expect_rc)
{
	size_t len;
	uint8_t *w = load_packet(file, &len);

	assert_int_equal(dd_dns_digest(w, len, qname, qtype, zone, d), expect_rc);
	free(w);
}

static void referral_from_root(void **state)
{
	struct dd_dns_digest *d = malloc(sizeof(*d));

	(void)state;
	digest_file("root-referral", "www.example.test.", LDNS_RR_TYPE_A, ".", d, 0);
	assert_int_equal(d->state, DD_ST_REFERRAL);
	assert_string_equal(d->referral, "test.");
	assert_int_equal(d->nns, 2);
	assert_false(d->flags & DD_DNS_F_AA);
	assert_true(d->nglue >= 2); /* A and AAAA of ns1/ns2.nic.test. */
	assert_true(d->edns);
	free(d);
}

static void referral_glue_and_glueless(void **state)
{
	struct dd_dns_digest *d = malloc(sizeof(*d));

	(void)state;
	digest_file("tld-referral-glue", "www.example.test.", LDNS_RR_TYPE_A, "test.", d, 0);
	assert_int_equal(d->state, DD_ST_REFERRAL);
	assert_string_equal(d->referral, "example.test.");
	/* glue only for the in-bailiwick name, not for ns.dns.example. */
	for (size_t i = 0; i < d->nglue; i++)
		assert_string_equal(d->glue[i].name, "ns1.example.test.");
	digest_file("glueless-referral", "www.glueless.test.", LDNS_RR_TYPE_A, "test.", d, 0);
	assert_int_equal(d->state, DD_ST_REFERRAL);
	assert_int_equal(d->nglue, 0);
	assert_int_equal(d->nns, 2);
	free(d);
}

static void answer_nxdomain_nodata(void **state)
{
	struct dd_dns_digest *d = malloc(sizeof(*d));

	(void)state;
	digest_file("answer-a", "www.example.test.", LDNS_RR_TYPE_A, "example.test.", d, 0);
	assert_int_equal(d->state, DD_ST_ANSWER);
	assert_true(d->flags & DD_DNS_F_AA);
	assert_int_equal(d->naddrs, 1);
	assert_string_equal(d->addrs[0].addr, "127.0.0.80");
	digest_file("nxdomain", "nope.example.test.", LDNS_RR_TYPE_A, "example.test.", d, 0);
	assert_int_equal(d->state, DD_ST_NXDOMAIN);
	assert_true(d->has_soa);
	digest_file("nodata", "www.example.test.", LDNS_RR_TYPE_TXT, "example.test.", d, 0);
	assert_int_equal(d->state, DD_ST_NODATA);
	digest_file("soa", "example.test.", LDNS_RR_TYPE_SOA, "example.test.", d, 0);
	assert_int_equal(d->state, DD_ST_ANSWER);
	assert_true(d->has_soa);
	assert_true(d->soa_serial > 0);
	digest_file("ns-answer", "example.test.", LDNS_RR_TYPE_NS, "example.test.", d, 0);
	assert_int_equal(d->state, DD_ST_ANSWER);
	assert_int_equal(d->nns, 2);
	digest_file("refused", "www.elsewhere.invalid.", LDNS_RR_TYPE_A, "example.test.", d, 0);
	assert_int_equal(d->state, DD_ST_REFUSED);
	free(d);
}

static void truncated_reply(void **state)
{
	struct dd_dns_digest *d = malloc(sizeof(*d));

	(void)state;
	digest_file("truncated", "big.big.test.", LDNS_RR_TYPE_TXT, "big.test.", d, 0);
	assert_true(d->flags & DD_DNS_F_TC);
	free(d);
}

static void malformed_replies(void **state)
{
	struct dd_dns_digest *d = malloc(sizeof(*d));

	(void)state;
	digest_file("short-header", "www.short.test.", 1, "short.test.", d, DD_EMALFORMED);
	assert_int_equal(d->state, DD_ST_MALFORMED);
	digest_file("pointer-loop", "www.ptrloop.test.", 1, "ptrloop.test.", d, DD_EMALFORMED);
	assert_int_equal(d->state, DD_ST_MALFORMED);
	assert_non_null(strstr(d->detail, "does not parse"));
	digest_file("pointer-past-end", "www.ptrend.test.", 1, "ptrend.test.", d, DD_EMALFORMED);
	digest_file("label-too-long", "www.longlabel.test.", 1, "longlabel.test.", d,
		    DD_EMALFORMED);
	free(d);
}

static void hundred_ns_bounded(void **state)
{
	struct dd_dns_digest *d = malloc(sizeof(*d));

	(void)state;
	digest_file("referral-100-ns", "www.sub.many.test.", 1, "many.test.", d, 0);
	assert_int_equal(d->state, DD_ST_REFERRAL);
	assert_int_equal(d->ns_total, 100);
	assert_int_equal(d->nns, DD_DNS_MAX_NS);
	assert_true(d->nglue <= DD_DNS_MAX_ADDRS);
	free(d);
}

/* Every prefix of every captured packet, and every one-byte corruption of
 * the first ones, digests without crashing (run under the sanitizers). */
static void truncations_and_flips(void **state)
{
	const char *files[] = { "root-referral", "tld-referral-glue", "answer-a", "soa",
				"referral-100-ns", "pointer-loop" };
	struct dd_dns_digest *d = malloc(sizeof(*d));

	(void)state;
	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		size_t len;
		uint8_t *w = load_packet(files[f], &len);
		for (size_t cut = 0; cut < len; cut++)
			dd_dns_digest(w, cut, "www.example.test.", 1, ".", d);
		for (size_t i = 0; i < len && i < 200; i++) {
			uint8_t keep = w[i];
			w[i] ^= 0xc0;
			dd_dns_digest(w, len, "www.example.test.", 1, ".", d);
			w[i] = keep;
		}
		free(w);
	}
	free(d);
}

/* ---- query building ---------------------------------------------------- */

static void query_has_edns_do(void **state)
{
	struct dd_dns_qopts o;
	uint8_t *w;
	size_t len;
	ldns_pkt *p = NULL;

	(void)state;
	dd_dns_qopts_default(&o);
	assert_int_equal(dd_dns_query_wire("puri.sm.", LDNS_RR_TYPE_NS, 0xbeef, &o, &w, &len), 0);
	assert_int_equal(ldns_wire2pkt(&p, w, len), LDNS_STATUS_OK);
	assert_int_equal(ldns_pkt_id(p), 0xbeef);
	assert_false(ldns_pkt_rd(p));
	assert_true(ldns_pkt_edns_do(p));
	assert_int_equal(ldns_pkt_edns_udp_size(p), 1232);
	ldns_pkt_free(p);
	free(w);
	o.edns_version = -1;
	assert_int_equal(dd_dns_query_wire("puri.sm.", LDNS_RR_TYPE_NS, 1, &o, &w, &len), 0);
	assert_int_equal(ldns_wire2pkt(&p, w, len), LDNS_STATUS_OK);
	assert_false(ldns_pkt_edns(p));
	ldns_pkt_free(p);
	free(w);
}

/* ---- root hints -------------------------------------------------------- */

static void hints_builtin_and_bad(void **state)
{
	struct dd_dns_hint *h;
	size_t n;
	unsigned line = 0;

	(void)state;
	assert_int_equal(dd_dns_hints_parse(dd_dns_builtin_hints(), &h, &n, &line), 0);
	assert_int_equal(n, 26); /* 13 servers, A and AAAA */
	assert_string_equal(h[0].name, "a.root-servers.net.");
	free(h);
	assert_int_equal(dd_dns_hints_parse(". 1 NS a.root.test.\na.root.test. 1 A 300.1.1.1\n",
					    &h, &n, &line), DD_EPARSE);
	assert_int_equal(line, 2);
	assert_int_equal(dd_dns_hints_parse("; nothing\n", &h, &n, &line), DD_ENOTFOUND);
}

/* ---- the resolver over a scripted service ------------------------------- */

/* A scripted world: for (server address, qname) the records of the reply. */
struct script {
	const char *addr, *qname;
	int aa, rcode;
	const char *answer, *authority, *additional; /* records separated by '|' */
};

struct pending {
	struct pending *next;
	dd_dns_reply_cb cb;
	void *arg;
	struct dd_dns_digest d;
	enum dd_dns_state st;
};

struct fake {
	const struct script *script;
	size_t n;
	struct pending *queue;
	unsigned asked;
};

static void add_section(ldns_pkt *p, ldns_pkt_section s, const char *text)
{
	char buf[1024], *save = NULL;

	if (!text)
		return;
	snprintf(buf, sizeof(buf), "%s", text);
	for (char *r = strtok_r(buf, "|", &save); r; r = strtok_r(NULL, "|", &save)) {
		ldns_rr *rr = NULL;
		assert_int_equal(ldns_rr_new_frm_str(&rr, r, 3600, NULL, NULL), LDNS_STATUS_OK);
		ldns_pkt_push_rr(p, s, rr);
	}
}

static int fake_ask(void *ctx, const struct dd_dns_ask *q, dd_dns_reply_cb cb, void *arg)
{
	struct fake *f = ctx;
	struct pending *pe = calloc(1, sizeof(*pe));

	assert_non_null(pe);
	f->asked++;
	pe->cb = cb;
	pe->arg = arg;
	pe->st = DD_ST_TIMEOUT;
	for (size_t i = 0; i < f->n; i++) {
		const struct script *s = &f->script[i];
		if (strcmp(s->addr, q->address) != 0 || strcasecmp(s->qname, q->qname) != 0)
			continue;
		ldns_rdf *name = ldns_dname_new_frm_str(q->qname);
		ldns_pkt *p = ldns_pkt_query_new(name, (ldns_rr_type)q->qtype, LDNS_RR_CLASS_IN, 0);
		uint8_t *w;
		size_t len;
		ldns_pkt_set_qr(p, true);
		ldns_pkt_set_aa(p, s->aa);
		ldns_pkt_set_rcode(p, (uint8_t)s->rcode);
		add_section(p, LDNS_SECTION_ANSWER, s->answer);
		add_section(p, LDNS_SECTION_AUTHORITY, s->authority);
		add_section(p, LDNS_SECTION_ADDITIONAL, s->additional);
		assert_int_equal(ldns_pkt2wire(&w, p, &len), LDNS_STATUS_OK);
		dd_dns_digest(w, len, q->qname, q->qtype, q->zone, &pe->d);
		pe->st = pe->d.state;
		free(w);
		ldns_pkt_free(p);
		break;
	}
	pe->next = f->queue;
	f->queue = pe;
	return 0;
}

/* Deliver queued replies until none is left (the "network"). */
static void pump(struct fake *f, struct dd_dns_ctx *ctx)
{
	do {
		while (f->queue) {
			struct pending *pe = f->queue;
			f->queue = pe->next;
			struct dd_dns_reply r = { .state = pe->st,
						  .digest = pe->st == DD_ST_TIMEOUT ? NULL : &pe->d,
						  .rtt_ms = 1, .exchange = -1, .detail = "",
						  .exchanges = 1 };
			pe->cb(pe->arg, &r);
			free(pe);
		}
	} while (dd_dns_ctx_break_stalls(ctx) > 0);
}

struct outcome {
	int done;
	enum dd_dns_status status;
	char code[64];
	char addr[64];
	size_t nchain;
};

static void on_result(void *arg, const struct dd_dns_result *r)
{
	struct outcome *o = arg;

	o->done++;
	o->status = r->status;
	snprintf(o->code, sizeof(o->code), "%s", r->code ? r->code : "");
	if (r->final && r->final->naddrs)
		snprintf(o->addr, sizeof(o->addr), "%s", r->final->addrs[0].addr);
	o->nchain = r->nchain;
}

static const struct dd_dns_hint test_hints[] = { { "a.root.test.", "10.0.0.1" } };

static void run_world(const struct script *s, size_t n, const char *qname, struct outcome *o,
		      unsigned *asked)
{
	struct fake f = { s, n, NULL, 0 };
	struct dd_dns_services svc = { fake_ask, NULL, &f };
	struct dd_dns_limits lim;
	struct dd_dns_ctx *ctx;

	dd_dns_limits_default(&lim);
	lim.ipv6 = 0;
	assert_int_equal(dd_dns_ctx_new(&ctx, &svc, &lim, test_hints, 1), 0);
	memset(o, 0, sizeof(*o));
	assert_int_equal(dd_dns_resolve(ctx, qname, LDNS_RR_TYPE_A, NULL, on_result, o), 0);
	pump(&f, ctx);
	dd_dns_ctx_free(ctx);
	if (asked)
		*asked = f.asked;
}

static const struct script glueless_world[] = {
	{ "10.0.0.1", "www.example.test.", 0, 0, NULL, "test. NS ns.nic.test.",
	  "ns.nic.test. A 10.0.1.1" },
	{ "10.0.1.1", "www.example.test.", 0, 0, NULL, "example.test. NS ns.host.test.", NULL },
	{ "10.0.0.1", "ns.host.test.", 0, 0, NULL, "test. NS ns.nic.test.",
	  "ns.nic.test. A 10.0.1.1" },
	{ "10.0.1.1", "ns.host.test.", 1, 0, "ns.host.test. A 10.0.2.2", NULL, NULL },
	{ "10.0.2.2", "www.example.test.", 1, 0,
	  "www.example.test. CNAME web.example.test.|web.example.test. A 10.9.9.9", NULL, NULL },
};

static void resolves_glueless_and_cname(void **state)
{
	struct outcome o;

	(void)state;
	run_world(glueless_world, 5, "www.example.test.", &o, NULL);
	assert_int_equal(o.done, 1);
	assert_int_equal(o.status, DD_RES_ANSWER);
	assert_string_equal(o.addr, "10.9.9.9");
	assert_int_equal(o.nchain, 1);
}

/* a.test.'s server is named under b.test. and b.test.'s under a.test.,
 * neither with glue: the lookups wait on each other and must be failed as a
 * loop when nothing else can happen, not hang. */
static const struct script cycle_world[] = {
	{ "10.0.0.1", "www.a.test.", 0, 0, NULL, "a.test. NS ns.b.test.", NULL },
	{ "10.0.0.1", "ns.b.test.", 0, 0, NULL, "b.test. NS ns.a.test.", NULL },
	{ "10.0.0.1", "ns.a.test.", 0, 0, NULL, "a.test. NS ns.b.test.", NULL },
};

static void dependency_cycle_ends(void **state)
{
	struct outcome o;

	(void)state;
	run_world(cycle_world, 3, "www.a.test.", &o, NULL);
	assert_int_equal(o.done, 1);
	assert_int_equal(o.status, DD_RES_FAILED);
	assert_string_equal(o.code, "NO_ADDRESSES");
}

static const struct script cname_loop_world[] = {
	{ "10.0.0.1", "x.test.", 1, 0, "x.test. CNAME y.test.", NULL, NULL },
	{ "10.0.0.1", "y.test.", 1, 0, "y.test. CNAME x.test.", NULL, NULL },
};

static void cname_loop_detected(void **state)
{
	struct outcome o;

	(void)state;
	run_world(cname_loop_world, 2, "x.test.", &o, NULL);
	assert_int_equal(o.status, DD_RES_FAILED);
	assert_string_equal(o.code, "CNAME_LOOP");
}

static const struct script silent_world[] = { { "10.0.0.9", "nothing.", 0, 0, NULL, NULL, NULL } };

static void all_servers_fail(void **state)
{
	struct outcome o;
	unsigned asked;

	(void)state;
	run_world(silent_world, 1, "www.test.", &o, &asked);
	assert_int_equal(o.status, DD_RES_FAILED);
	assert_string_equal(o.code, "ALL_SERVERS_FAILED");
	assert_int_equal(asked, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(referral_from_root),
		cmocka_unit_test(referral_glue_and_glueless),
		cmocka_unit_test(answer_nxdomain_nodata),
		cmocka_unit_test(truncated_reply),
		cmocka_unit_test(malformed_replies),
		cmocka_unit_test(hundred_ns_bounded),
		cmocka_unit_test(truncations_and_flips),
		cmocka_unit_test(query_has_edns_do),
		cmocka_unit_test(hints_builtin_and_bad),
		cmocka_unit_test(resolves_glueless_and_cname),
		cmocka_unit_test(dependency_cycle_ends),
		cmocka_unit_test(cname_loop_detected),
		cmocka_unit_test(all_servers_fail),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
