/* test_zone.c: unit tests for the zone module: the master-file scanner (each
 * syntax feature, bad input with file:line) and the audit on small
 * hand-written zones whose figures are counted by hand in the comments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/buf.h"
#include "core/err.h"
#include "report/report.h"
#include "zone/zone.h"

/* ---- helpers ---- */

struct scan {
	FILE *f;
	struct dd_zone_scanner *s;
};

static void scan_open(struct scan *sc, const char *text, const char *origin)
{
	sc->f = fmemopen((void *)text, strlen(text), "r");
	assert_non_null(sc->f);
	assert_int_equal(dd_zone_scanner_new(&sc->s, sc->f, "test.zone", origin), 0);
}

static void scan_close(struct scan *sc)
{
	dd_zone_scanner_free(sc->s);
	fclose(sc->f);
}

static const char *text(const uint8_t *wire)
{
	static char out[DD_ZONE_TEXT_MAX];

	dd_zone_name_to_text(wire, out);
	return out;
}

/* Next record must exist; returns it. */
static struct dd_zone_rr next(struct scan *sc)
{
	struct dd_zone_rr rr;
	int r = dd_zone_scanner_next(sc->s, &rr);

	if (r != 1)
		fail_msg("expected a record, got %d: %s", r, dd_zone_scanner_error(sc->s));
	return rr;
}

static void at_end(struct scan *sc)
{
	struct dd_zone_rr rr;

	assert_int_equal(dd_zone_scanner_next(sc->s, &rr), 0);
}

/* The input must fail with code and a message starting "test.zone:LINE: "
 * and containing what. */
static void bad(const char *input, const char *origin, int code, unsigned long line,
		const char *what)
{
	struct scan sc;
	struct dd_zone_rr rr;
	char prefix[64];
	int r;

	scan_open(&sc, input, origin);
	while ((r = dd_zone_scanner_next(sc.s, &rr)) == 1)
		;
	if (r != code)
		fail_msg("input %s: expected %d, got %d (%s)", input, code, r,
			 dd_zone_scanner_error(sc.s));
	snprintf(prefix, sizeof(prefix), "test.zone:%lu: ", line);
	if (strncmp(dd_zone_scanner_error(sc.s), prefix, strlen(prefix)) != 0 ||
	    !strstr(dd_zone_scanner_error(sc.s), what))
		fail_msg("input %s: message '%s', wanted '%s...%s'", input,
			 dd_zone_scanner_error(sc.s), prefix, what);
	scan_close(&sc);
}

/* ---- scanner ---- */

static void scan_absolute(void **state)
{
	struct scan sc;
	struct dd_zone_rr rr;

	(void)state;
	scan_open(&sc, "Example.COM.\t3600\tIN\tNS\tNS1.Example.NET.\n"
		       "ns1.example.com. 60 IN A 192.0.2.1\n"
		       "ns1.example.com. 60 IN AAAA 2001:db8::1\n",
		  NULL);
	rr = next(&sc);
	assert_string_equal(text(rr.owner), "example.com.");
	assert_string_equal(text(rr.target), "ns1.example.net.");
	assert_int_equal(rr.type, DD_ZONE_T_NS);
	assert_int_equal(rr.rrclass, 1);
	assert_int_equal(rr.ttl, 3600);
	assert_int_equal(rr.line, 1);
	rr = next(&sc);
	assert_int_equal(rr.type, DD_ZONE_T_A);
	assert_null(rr.target);
	assert_int_equal(rr.ttl, 60);
	rr = next(&sc);
	assert_int_equal(rr.type, DD_ZONE_T_AAAA);
	assert_int_equal(rr.line, 3);
	at_end(&sc);
	scan_close(&sc);
}

static void scan_origin_relative(void **state)
{
	struct scan sc;
	struct dd_zone_rr rr;

	(void)state;
	scan_open(&sc, "$ORIGIN test.\n"
		       "$TTL 1h30m ; default\n"
		       "@ SOA ns hostmaster 1 2 3 4 5\n"
		       "  NS ns1\n"              /* owner omitted: @ */
		       "foo IN 300 NS ns.bar\n"  /* class before TTL */
		       "\tNS ns2.foo\n"          /* owner omitted: foo */
		       "$ORIGIN sub\n"           /* relative to test. */
		       "x A 192.0.2.1\n"
		       "@ NS @\n",
		  NULL);
	rr = next(&sc);
	assert_int_equal(rr.type, DD_ZONE_T_SOA);
	assert_string_equal(text(rr.owner), "test.");
	assert_int_equal(rr.ttl, 5400);
	rr = next(&sc);
	assert_string_equal(text(rr.owner), "test.");
	assert_string_equal(text(rr.target), "ns1.test.");
	rr = next(&sc);
	assert_string_equal(text(rr.owner), "foo.test.");
	assert_string_equal(text(rr.target), "ns.bar.test.");
	assert_int_equal(rr.ttl, 300);
	rr = next(&sc);
	assert_string_equal(text(rr.owner), "foo.test.");
	assert_string_equal(text(rr.target), "ns2.foo.test.");
	assert_int_equal(rr.ttl, 5400); /* $TTL, not the last explicit TTL */
	assert_int_equal(rr.line, 6);
	rr = next(&sc);
	assert_string_equal(text(rr.owner), "x.sub.test.");
	rr = next(&sc);
	assert_string_equal(text(rr.owner), "sub.test.");
	assert_string_equal(text(rr.target), "sub.test.");
	at_end(&sc);
	scan_close(&sc);
}

static void scan_origin_option(void **state)
{
	struct scan sc;
	struct dd_zone_rr rr;

	(void)state;
	/* No $TTL: a record without TTL takes the previous record's. */
	scan_open(&sc, "a 42 NS ns.a\nb NS ns.b.\n", "Zone.Example");
	rr = next(&sc);
	assert_string_equal(text(rr.owner), "a.zone.example.");
	assert_string_equal(text(rr.target), "ns.a.zone.example.");
	rr = next(&sc);
	assert_string_equal(text(rr.target), "ns.b.");
	assert_int_equal(rr.ttl, 42);
	at_end(&sc);
	scan_close(&sc);
}

static void scan_parentheses_comments(void **state)
{
	struct scan sc;
	struct dd_zone_rr rr;

	(void)state;
	scan_open(&sc, "; a comment line\n"
		       "\n"
		       "example. 3600 IN SOA ns.example. host.example. ( ; open\n"
		       "    1 ; serial\n"
		       "    2 3 4\n"
		       "    5 )\n"
		       "   ; indented comment\n"
		       "example. 3600 IN NS ( ns.example. ) ; trailing\n"
		       "example. 3600 IN DS 1 8 2 ( ABCD\n"
		       "\tEF01 )\n"
		       "example. 3600 IN NS ns2.example.",  /* no final newline */
		  NULL);
	rr = next(&sc);
	assert_int_equal(rr.type, DD_ZONE_T_SOA);
	assert_int_equal(rr.line, 3);
	rr = next(&sc);
	assert_int_equal(rr.type, DD_ZONE_T_NS);
	assert_string_equal(text(rr.target), "ns.example.");
	assert_int_equal(rr.line, 8);
	rr = next(&sc);
	assert_int_equal(rr.type, DD_ZONE_T_DS);
	assert_int_equal(rr.line, 9);
	rr = next(&sc);
	assert_string_equal(text(rr.target), "ns2.example.");
	assert_int_equal(rr.line, 11);
	at_end(&sc);
	scan_close(&sc);
}

static void scan_quoted_and_unknown(void **state)
{
	struct scan sc;
	struct dd_zone_rr rr;

	(void)state;
	scan_open(&sc, "$ORIGIN example.\n$TTL 60\n"
		       "t TXT \"a ; not a comment ( nor a paren\" \"say \\\"hi\\\"\"\n"
		       "t TXT ( \"two\" ; comment\n \"lines\" )\n"
		       "u TYPE65534 \\# 3 ( 01\n 0203 )\n"
		       "v SVCB 1 . alpn=\"h2,h3\"\n"
		       "w NSEC3PARAM 1 0 0 -\n"
		       "x TYPE2 \\# 9 036e7331 03616263 00\n"  /* NS ns1.abc. */
		       "y A \\# 4 c0000201\n"
		       "z CLASS3 NS ns.z.\n"
		       "after NS ns.after.\n",
		  NULL);
	rr = next(&sc);
	assert_int_equal(rr.type, 0); /* TXT: a mnemonic the scanner only skips */
	assert_int_equal(rr.line, 3);
	rr = next(&sc);
	assert_int_equal(rr.line, 4);
	rr = next(&sc);
	assert_int_equal(rr.type, 65534);
	assert_int_equal(rr.line, 6);
	rr = next(&sc);
	assert_int_equal(rr.type, 0);
	assert_string_equal(text(rr.owner), "v.example.");
	rr = next(&sc);
	assert_int_equal(rr.type, 0);
	rr = next(&sc);
	assert_int_equal(rr.type, DD_ZONE_T_NS);
	assert_string_equal(text(rr.target), "ns1.abc.");
	rr = next(&sc);
	assert_int_equal(rr.type, DD_ZONE_T_A);
	rr = next(&sc);
	assert_int_equal(rr.rrclass, 3);
	rr = next(&sc);
	assert_string_equal(text(rr.owner), "after.example.");
	assert_string_equal(text(rr.target), "ns.after.");
	assert_int_equal(rr.line, 13);
	at_end(&sc);
	scan_close(&sc);
}

static void scan_escapes(void **state)
{
	struct scan sc;
	struct dd_zone_rr rr;
	uint8_t wire[DD_ZONE_WIRE_MAX];

	(void)state;
	scan_open(&sc, "a\\.b.example. 60 NS \\065BC.example.\n"
		       "\\032sp\\;x.example. 60 NS ns.example.\r\n"
		       "crlf.example. 60 NS ns.example.\r\n",
		  NULL);
	rr = next(&sc);
	assert_int_equal(rr.owner[0], 3); /* one label "a.b" */
	assert_string_equal(text(rr.owner), "a\\.b.example.");
	assert_string_equal(text(rr.target), "abc.example.");
	rr = next(&sc);
	assert_string_equal(text(rr.owner), "\\032sp\\;x.example.");
	rr = next(&sc);
	assert_string_equal(text(rr.owner), "crlf.example.");
	at_end(&sc);
	scan_close(&sc);

	assert_int_equal(dd_zone_name_from_text("Example.COM", wire), 13);
	assert_string_equal(text(wire), "example.com.");
	assert_int_equal(dd_zone_name_from_text(".", wire), 1);
	assert_string_equal(text(wire), ".");
	assert_int_equal(dd_zone_name_from_text("a..b", wire), DD_ENAME);
}

static void scan_empty(void **state)
{
	struct scan sc;

	(void)state;
	scan_open(&sc, "", NULL);
	at_end(&sc);
	scan_close(&sc);
	scan_open(&sc, "; only a comment\n\n   \n", NULL);
	at_end(&sc);
	scan_close(&sc);
}

static void scan_bad_input(void **state)
{
	char label[100];
	char input[200];

	(void)state;
	bad("a. 60 NS ns.\nb. 60 IN SOA ( x y\n", NULL, DD_EPARSE, 3, "'(' not closed");
	bad("a. 60 NS ns. )\n", NULL, DD_EPARSE, 1, "')' without '('");
	bad("a. 60 TXT ( ( x ) )\n", NULL, DD_EPARSE, 1, "nested");
	bad("a. 60 TXT \"open\nb. 60 NS ns.\n", NULL, DD_EPARSE, 1, "quoted string");
	bad("a. 1x NS ns.\n", NULL, DD_EPARSE, 1, "bad TTL '1x'");
	bad("a. 60 IN 9abc ns.\n", NULL, DD_EPARSE, 1, "bad record type '9abc'");
	bad("a. 60 IN +NS ns.\n", NULL, DD_EPARSE, 1, "bad record type '+NS'");
	bad("a. 60 IN\n", NULL, DD_EPARSE, 1, "without a type");
	bad("a. 60 NS\n", NULL, DD_EPARSE, 1, "without a target");
	bad("a. 60 NS ns. extra\n", NULL, DD_EPARSE, 1, "unexpected 'extra'");
	bad("\n\n a 60 NS ns.\n", NULL, DD_EPARSE, 3, "no owner");
	bad("a 60 NS ns.\n", NULL, DD_EPARSE, 1, "relative name with no origin");
	bad("a. 60 NS ns\n", NULL, DD_EPARSE, 1, "bad NS target 'ns'");
	bad("@ 60 NS ns.\n", NULL, DD_EPARSE, 1, "'@' with no origin");
	bad("a. 60 A 192.0.2.300\n", NULL, DD_EPARSE, 1, "bad A address");
	bad("a. 60 AAAA 192.0.2.1\n", NULL, DD_EPARSE, 1, "bad AAAA address");
	bad("a. 60 A \\# 3 c00002\n", NULL, DD_EPARSE, 1, "not 4 bytes");
	bad("a. 60 TYPE9 \\# 2 c0\n", NULL, DD_EPARSE, 1, "not 2 bytes");
	bad("a. 60 NS \\# 2 0100\n", NULL, DD_EPARSE, 1, "not a name");
	bad("a\\300. 60 NS ns.\n", NULL, DD_EPARSE, 1, "above 255");
	bad("a..b. 60 NS ns.\n", NULL, DD_EPARSE, 1, "empty label");
	bad("$INCLUDE /etc/passwd\n", NULL, DD_EPARSE, 1, "$INCLUDE is not supported");
	bad("$GENERATE 1-10 a$ NS ns.\n", NULL, DD_EPARSE, 1, "$GENERATE");
	bad("$FOO bar\n", NULL, DD_EPARSE, 1, "unknown directive '$FOO'");
	bad("$TTL forever\n", NULL, DD_EPARSE, 1, "bad $TTL");
	bad("$ORIGIN\n", NULL, DD_EPARSE, 1, "$ORIGIN without a name");
	bad("a. NS ns.\n", NULL, DD_EPARSE, 1, "without a TTL");
	bad("a. 60 NS ns.\\\nb. 60 NS ns.\n", NULL, DD_EPARSE, 1, "'\\' at the end");
	bad("a. 60 NS ns.\nb. 60 \x1b[31m NS ns.\n", NULL, DD_EPARSE, 2, "'\\x1b[31m'");
	memset(label, 'a', 64);
	label[64] = '\0';
	snprintf(input, sizeof(input), "x. 60 NS ns.\n%s. 60 NS ns.\n", label);
	bad(input, NULL, DD_EPARSE, 2, "label longer than 63");
}

/* A NUL byte is data, not the end of a string (found by fuzzing). */
static void scan_nul_bytes(void **state)
{
	static const char input[] = "a. 60 NS\0 ns.\n";
	FILE *f = fmemopen((void *)input, sizeof(input) - 1, "r");
	struct dd_zone_scanner *s;
	struct dd_zone_rr rr;

	(void)state;
	assert_non_null(f);
	assert_int_equal(dd_zone_scanner_new(&s, f, "nul.zone", NULL), 0);
	assert_int_equal(dd_zone_scanner_next(s, &rr), DD_EPARSE);
	assert_string_equal(dd_zone_scanner_error(s), "nul.zone:1: bad record type 'NS\\x00'");
	dd_zone_scanner_free(s);
	fclose(f);
}

/* Records that straddle the 1 MiB read blocks, and one longer than a block. */
static void scan_large(void **state)
{
	struct dd_buf b;
	struct scan sc;
	struct dd_zone_rr rr;
	unsigned long n = 0, ns = 0;
	int r;

	(void)state;
	dd_buf_init(&b);
	dd_buf_puts(&b, "$ORIGIN big.\n$TTL 60\n");
	for (int i = 0; i < 60000; i++) {
		dd_buf_printf(&b, "d%06d NS ns1.op%d.net.\n", i, i % 7);
		if (i % 1000 == 0)
			dd_buf_printf(&b, "d%06d DS 1 8 2 (\n  00112233445566778899\n  aabbccdd )\n", i);
	}
	assert_true(b.len > (1u << 20));
	scan_open(&sc, dd_buf_str(&b), NULL);
	while ((r = dd_zone_scanner_next(sc.s, &rr)) == 1) {
		n++;
		if (rr.type == DD_ZONE_T_NS) {
			char want[64];
			snprintf(want, sizeof(want), "ns1.op%lu.net.", ns % 7);
			assert_string_equal(text(rr.target), want);
			ns++;
		}
	}
	assert_int_equal(r, 0);
	assert_int_equal(ns, 60000);
	assert_int_equal(n, 60060);
	assert_int_equal(rr.line, 2 + 60000 + 60 * 3); /* the last record's line */
	scan_close(&sc);

	b.len = 0;
	dd_buf_puts(&b, "a. 60 TXT (\n");
	while (b.len < (1u << 20) + 100)
		dd_buf_puts(&b, "\"0123456789012345678901234567890123456789\"\n");
	dd_buf_puts(&b, ")\n");
	bad(dd_buf_str(&b), NULL, DD_ELIMIT, 1, "longer than");
	dd_buf_free(&b);
}

/* ---- audit ---- */

/* Every figure below is counted by hand in the comments of this zone. */
static const char *const hand_zone =
	"$ORIGIN example.\n"
	"$TTL 3600\n"
	"@ SOA ns1.nic.example. host.nic.example. 1 2 3 4 5\n"
	"@ NS ns1.nic.example.\n"
	"@ NS ns2.registry.net.\n"
	"nic NS ns1.nic\n"                 /* in-domain, with glue */
	"nic NS ns2.registry.net.\n"
	"ns1.nic A 192.0.2.1\n"
	"alpha NS ns1.bigdns.com.\n"
	"beta NS ns1.bigdns.com.\n"        /* NS of alpha and beta interleaved */
	"alpha NS ns2.bigdns.com.\n"
	"beta NS ns1.smalldns.net.\n"
	"gamma NS ns1.gamma\n"             /* in-domain with glue */
	"gamma NS ns2.gamma\n"             /* in-domain, no glue: required */
	"ns1.gamma A 192.0.2.2\n"
	"ns1.gamma AAAA 2001:db8::2\n"
	"delta NS ns1.lost\n"              /* lost.example. is not delegated */
	"delta NS ns1.bigdns.com.\n"
	"epsilon NS ns.alpha\n"            /* sibling, no glue, not required */
	"epsilon DS 1 8 2 ABCDEF\n"
	"zeta NS ns1.zeta\n"               /* only in-domain NS, no glue */
	"stale.old A 192.0.2.9\n"          /* not below a cut: not glue */
	"ns9.alpha A 192.0.2.10\n"         /* glue no NS names: orphan */
	"sub.alpha NS ns1.other.net.\n"    /* below alpha: occluded */
	"www TXT \"hello\"\n"
	"other.org. NS ns1.x.org.\n"       /* outside the zone */
	"alpha NS ns1.bigdns.com.\n"       /* duplicate */
	"orphan-ds DS 2 8 2 ABCDEF\n";     /* DS with no NS */

static struct dd_zone_audit *audit_text(const char *zone, const char *origin)
{
	struct scan sc;
	struct dd_zone_audit *a;
	unsigned long line = 0;
	uint8_t apex[DD_ZONE_WIRE_MAX];

	assert_int_equal(dd_zone_audit_new(&a), 0);
	scan_open(&sc, zone, origin);
	assert_int_equal(dd_zone_audit_scan(a, sc.s, &line), 0);
	scan_close(&sc);
	if (origin)
		assert_true(dd_zone_name_from_text(origin, apex) > 0);
	assert_int_equal(dd_zone_audit_finish(a, origin ? apex : NULL), 0);
	return a;
}

static void audit_hand_zone(void **state)
{
	struct dd_zone_audit *a = audit_text(hand_zone, NULL);
	const struct dd_zone_summary *s = dd_zone_audit_summary(a);

	(void)state;
	assert_string_equal(dd_zone_audit_apex(a), "example.");
	/* NS: 2 apex + 2 nic + 3 alpha + 2 beta + 2 gamma + 2 delta + 1 epsilon
	 * + 1 zeta + 1 sub.alpha + 1 other.org = 17; A 4, AAAA 1, DS 2, other
	 * (SOA, TXT) 2. */
	assert_int_equal(s->records, 26);
	assert_int_equal(s->ns_records, 17);
	assert_int_equal(s->a_records, 4);
	assert_int_equal(s->aaaa_records, 1);
	assert_int_equal(s->ds_records, 2);
	assert_int_equal(s->other_records, 2);
	assert_int_equal(s->duplicate_ns, 1);
	assert_int_equal(s->out_of_zone_records, 1);
	assert_int_equal(s->occluded_ns_owners, 1);
	assert_int_equal(s->ds_without_ns, 1);
	/* nic alpha beta gamma delta epsilon zeta */
	assert_int_equal(s->delegations, 7);
	assert_int_equal(s->apex_ns, 2);
	assert_int_equal(s->signed_delegations, 1);
	assert_int_equal(s->ns_hist[0], 2); /* epsilon, zeta */
	assert_int_equal(s->ns_hist[1], 5);
	assert_int_equal(s->ns_hist[2], 0);
	assert_int_equal(s->single_ns, 2);
	/* alpha (bigdns), gamma, epsilon (alpha.example), zeta */
	assert_int_equal(s->single_operator, 4);
	assert_int_equal(s->single_tld, 4);
	/* nic gamma delta epsilon zeta; only: gamma epsilon zeta; in-domain only:
	 * gamma zeta */
	assert_int_equal(s->with_in_bailiwick, 5);
	assert_int_equal(s->in_bailiwick_only, 3);
	assert_int_equal(s->in_domain_only, 2);
	/* ns1.nic ns2.registry ns1.bigdns ns2.bigdns ns1.smalldns ns1.gamma
	 * ns2.gamma ns1.lost ns.alpha ns1.zeta */
	assert_int_equal(s->ns_names, 10);
	assert_int_equal(s->in_bailiwick_names, 6);
	/* nic.example registry.net bigdns.com smalldns.net gamma.example
	 * lost.example alpha.example zeta.example */
	assert_int_equal(s->operators, 8);
	assert_int_equal(s->ns_tlds, 3);
	/* ns2.gamma ns1.lost ns.alpha ns1.zeta; gamma delta epsilon zeta */
	assert_int_equal(s->missing_glue_names, 4);
	assert_int_equal(s->missing_glue_delegations, 4);
	assert_int_equal(s->unresolvable_delegations, 1);
	assert_int_equal(s->orphan_glue_names, 1);
	assert_int_equal(s->orphan_glue_records, 1);
	assert_int_equal(s->hijack_domains, 1);
	assert_int_equal(s->hijack_ns_names, 1);
	assert_int_equal(s->hijack_delegations, 1);
	assert_int_equal(s->hijack_all_ns, 0);
	/* Ranks: bigdns.com (3), then ties in order of appearance: nic.example,
	 * registry.net. Top 1 downs alpha; top 3 also nic; top 10 all. */
	assert_int_equal(s->takedown[0], 1);
	assert_int_equal(s->takedown[1], 2);
	assert_int_equal(s->takedown[2], 7);

	size_t n;
	const struct dd_zone_item *it = dd_zone_audit_list(a, DD_ZONE_LIST_OPERATORS, &n);
	assert_int_equal(n, 8);
	assert_string_equal(it[0].name, "bigdns.com.");
	assert_int_equal(it[0].delegations, 3);
	assert_int_equal(it[0].count, 2); /* ns1, ns2 */
	assert_string_equal(it[1].name, "nic.example.");
	assert_string_equal(it[2].name, "registry.net.");
	it = dd_zone_audit_list(a, DD_ZONE_LIST_TLDS, &n);
	assert_int_equal(n, 3);
	assert_string_equal(it[0].name, "example.");
	assert_int_equal(it[0].delegations, 5);
	assert_string_equal(it[1].name, "com.");
	assert_int_equal(it[1].delegations, 3);
	it = dd_zone_audit_list(a, DD_ZONE_LIST_HIJACK, &n);
	assert_int_equal(n, 1);
	assert_string_equal(it[0].name, "lost.example.");
	assert_string_equal(it[0].detail, "ns1.lost.example.");
	assert_int_equal(it[0].delegations, 1);
	it = dd_zone_audit_list(a, DD_ZONE_LIST_MISSING_GLUE, &n);
	assert_int_equal(n, 4);
	assert_string_equal(it[0].name, "ns2.gamma.example.");
	assert_int_equal(it[0].count, 1); /* required */
	assert_string_equal(it[2].name, "ns.alpha.example.");
	assert_int_equal(it[2].count, 0);
	it = dd_zone_audit_list(a, DD_ZONE_LIST_ORPHAN_GLUE, &n);
	assert_int_equal(n, 1);
	assert_string_equal(it[0].name, "ns9.alpha.example.");
	dd_zone_audit_free(a);
}

static int append_sink(void *ctx, const char *data, size_t len)
{
	dd_buf_add(ctx, data, len);
	return 0;
}

static void audit_reports(void **state)
{
	struct dd_zone_audit *a = audit_text(hand_zone, NULL);
	struct dd_buf b;
	json_error_t jerr;
	json_t *j, *td;

	(void)state;
	dd_buf_init(&b);
	assert_int_equal(dd_rep_zone_csv(a, append_sink, &b), 0);
	assert_non_null(strstr(dd_buf_str(&b), "delegation,ns_count,ns,operator_count,"));
	/* zone order: nic first; beta's NS were interleaved with alpha's */
	assert_non_null(strstr(dd_buf_str(&b),
			       "\r\nnic.example.,2,ns1.nic.example. ns2.registry.net.,2,"
			       "nic.example. registry.net.,2,1,1,0,0,0,0,0\r\n"));
	assert_non_null(strstr(dd_buf_str(&b),
			       "\r\nbeta.example.,2,ns1.bigdns.com. ns1.smalldns.net.,2,"));
	assert_non_null(strstr(dd_buf_str(&b), "\r\ndelta.example.,2,ns1.lost.example. "
					       "ns1.bigdns.com.,2,lost.example. bigdns.com.,2,1,0,0,"
					       "1,0,1,0\r\n"));
	assert_non_null(strstr(dd_buf_str(&b), "\r\nepsilon.example.,1,ns.alpha.example.,1,"
					       "alpha.example.,1,1,0,1,1,1,0,1\r\n"));

	b.len = 0;
	assert_int_equal(dd_rep_zone_json(a, NULL, &b, 20), 0);
	j = json_loads(dd_buf_str(&b), 0, &jerr);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "schema")),
			    "dnsdeps.zoneaudit/1");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "delegations"),
							    "total")),
			 7);
	td = json_object_get(json_object_get(j, "operators"), "takedown");
	assert_int_equal(json_array_size(td), 3);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(td, 1),
							    "delegations_down")),
			 2);
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(json_object_get(json_object_get(j, "hijack"),
								   "domains"),
						   0),
				    "domain")),
			    "lost.example.");
	json_decref(j);

	b.len = 0;
	dd_rep_zone_text(a, NULL, &b, 5);
	assert_non_null(strstr(dd_buf_str(&b), "Delegations: 7 "));
	assert_non_null(strstr(dd_buf_str(&b), "lost.example. (1 delegation): ns1.lost.example."));
	dd_buf_free(&b);
	dd_zone_audit_free(a);
}

/* No SOA: finish needs the apex; with it, NS owners outside are ignored.
 * Operators by the public suffix list (core/name.h), not the last two labels. */
static void audit_origin_and_fallback(void **state)
{
	struct dd_zone_audit *a;
	struct scan sc;
	unsigned long line;
	size_t n;
	const char *zone = "$TTL 60\na NS ns1.dns.provider.co.uk.\n"
			   "a NS ns2.dns.provider.co.uk.\n"
			   "b NS ns.other.example.org.\n";

	(void)state;
	assert_int_equal(dd_zone_audit_new(&a), 0);
	scan_open(&sc, "$TTL 60\n$ORIGIN t.\na NS ns.\n", NULL);
	assert_int_equal(dd_zone_audit_scan(a, sc.s, &line), 0);
	scan_close(&sc);
	assert_int_equal(dd_zone_audit_finish(a, NULL), DD_ENOTFOUND);
	dd_zone_audit_free(a);

	a = audit_text(zone, "t");
	assert_int_equal(dd_zone_audit_summary(a)->delegations, 2);
	const struct dd_zone_item *it = dd_zone_audit_list(a, DD_ZONE_LIST_OPERATORS, &n);
	assert_int_equal(n, 2);
	assert_string_equal(it[0].name, "provider.co.uk.");
	assert_string_equal(it[1].name, "example.org.");
	dd_zone_audit_free(a);
}

/* NS runs of many owners interleaved: every set must come out whole. */
static void audit_interleaved(void **state)
{
	struct dd_buf b;
	struct dd_zone_audit *a;
	const struct dd_zone_summary *s;

	(void)state;
	dd_buf_init(&b);
	dd_buf_puts(&b, "$TTL 60\n@ SOA a. b. 1 2 3 4 5\n");
	for (int k = 0; k < 3; k++)
		for (int i = 0; i < 40000; i++)
			dd_buf_printf(&b, "d%d NS ns%d.op%d.net.\n", i, k, i % 50);
	a = audit_text(dd_buf_str(&b), "i");
	s = dd_zone_audit_summary(a);
	assert_int_equal(s->delegations, 40000);
	assert_int_equal(s->ns_hist[2], 40000);
	assert_int_equal(s->ns_names, 150);
	assert_int_equal(s->operators, 50);
	assert_int_equal(s->single_operator, 40000);
	assert_int_equal(s->takedown[0], 800);
	assert_int_equal(s->takedown[2], 8000);
	dd_zone_audit_free(a);
	dd_buf_free(&b);
}

/* The real .gov zone: figures cross-checked by the system test with awk. */
static void audit_gov(void **state)
{
	FILE *f = fopen(DD_REAL_DATA "/zones/gov-2026-08-22.zone", "r");
	struct dd_zone_scanner *s;
	struct dd_zone_audit *a;
	unsigned long line = 0;

	(void)state;
	assert_non_null(f);
	assert_int_equal(dd_zone_scanner_new(&s, f, "gov", NULL), 0);
	assert_int_equal(dd_zone_audit_new(&a), 0);
	assert_int_equal(dd_zone_audit_scan(a, s, &line), 0);
	assert_int_equal(dd_zone_audit_finish(a, NULL), 0);
	assert_string_equal(dd_zone_audit_apex(a), "gov.");
	assert_int_equal(dd_zone_audit_summary(a)->ns_records, 43953);
	assert_int_equal(dd_zone_audit_summary(a)->delegations, 16536);
	dd_zone_audit_free(a);
	dd_zone_scanner_free(s);
	fclose(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(scan_absolute),
		cmocka_unit_test(scan_origin_relative),
		cmocka_unit_test(scan_origin_option),
		cmocka_unit_test(scan_parentheses_comments),
		cmocka_unit_test(scan_quoted_and_unknown),
		cmocka_unit_test(scan_escapes),
		cmocka_unit_test(scan_empty),
		cmocka_unit_test(scan_bad_input),
		cmocka_unit_test(scan_nul_bytes),
		cmocka_unit_test(scan_large),
		cmocka_unit_test(audit_hand_zone),
		cmocka_unit_test(audit_reports),
		cmocka_unit_test(audit_origin_and_fallback),
		cmocka_unit_test(audit_interleaved),
		cmocka_unit_test(audit_gov),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
