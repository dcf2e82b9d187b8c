/* test_dns.c: unit tests for src/dns: reply digestion on real captured
 * packets (NSD answers and the test bed's crafted faults), query building,
 * msg.c against the ldns-based implementation it replaced (same digests,
 * record text and query bytes on the fuzz corpora, made and crafted replies
 * and their corruptions), root hints, and the resolver driven by a scripted
 * exchange service (no network: replies are built from records and handed
 * back from a queue). */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

/* An NS name that runs past its RDLENGTH: ldns reads the whole name and
 * starts the next record after it, the length framing starts it two bytes
 * in. One framing is kept, the strict one: the reply is malformed. */
static const uint8_t ns_past_rdlength[] = {
	0x12, 0x34, 0x84, 0x00, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00,
	7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 4, 't', 'e', 's', 't', 0, 0x00, 0x02, 0x00, 0x01,
	0xc0, 0x0c, 0x00, 0x02, 0x00, 0x01, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x02,
	3, 'n', 's', '1', 0xc0, 0x0c,
	0xc0, 0x0c, 0x00, 0x02, 0x00, 0x01, 0x00, 0x00, 0x00, 0x05, 0x00, 0x06,
	3, 'n', 's', '2', 0xc0, 0x0c,
};

static void ns_name_past_rdlength(void **state)
{
	struct dd_dns_digest *d = malloc(sizeof(*d));
	ldns_pkt *p = NULL;
	char **v[3];
	size_t n[3];

	(void)state;
	assert_int_equal(ldns_wire2pkt(&p, ns_past_rdlength, sizeof(ns_past_rdlength)),
			 LDNS_STATUS_OK); /* ldns alone takes it, with two NS */
	ldns_pkt_free(p);
	assert_int_equal(dd_dns_digest(ns_past_rdlength, sizeof(ns_past_rdlength), "example.test.",
				       LDNS_RR_TYPE_NS, "example.test.", d),
			 DD_EMALFORMED);
	assert_int_equal(d->state, DD_ST_MALFORMED);
	assert_non_null(strstr(d->detail, "does not parse"));
	dd_dns_sections_text(ns_past_rdlength, sizeof(ns_past_rdlength), 100, v, n);
	for (int s = 0; s < 3; s++) {
		assert_null(v[s]);
		assert_int_equal(n[s], 0);
	}
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

/* ---- msg.c against the ldns-based implementation it replaced ------------ */
/* msg.c reads replies and writes queries and record text without ldns's
 * packet objects; the functions below are the ldns-based ones it replaced,
 * kept as the reference: on every reply of the fuzz corpora and the
 * captured packets, on replies made here with every kind of record, on
 * crafted oddities (OPT and TSIG quirks, pointer chains) and on truncations
 * and corruptions of all of them, both must give the same digest, the same
 * record text and the same query bytes. DD_DNS_DIFF_FULL=1 in the
 * environment corrupts every byte of every reply in more ways (slow). */

/* ldns_wire2pkt with the one framing msg.c keeps: each record is read by
 * ldns_wire2rr where ldns_wire2pkt would read it (in its order, with its
 * status for a short packet, lowering the additional count for a TSIG) and
 * must end where its RDLENGTH says; the first failure is the status. */
static size_t ref_rdata_end(const uint8_t *w, size_t pos)
{
	while (w[pos] != 0 && w[pos] < 192)
		pos += (size_t)w[pos] + 1;
	pos += w[pos] ? 2 : 1;
	return pos + 10 + ((size_t)w[pos + 8] << 8 | w[pos + 9]);
}

static ldns_status ref_wire2pkt(ldns_pkt **p, const uint8_t *w, size_t len)
{
	static const ldns_status incomplete[4] = {
		LDNS_STATUS_WIRE_INCOMPLETE_QUESTION, LDNS_STATUS_WIRE_INCOMPLETE_ANSWER,
		LDNS_STATUS_WIRE_INCOMPLETE_AUTHORITY, LDNS_STATUS_WIRE_INCOMPLETE_ADDITIONAL
	};
	size_t pos = LDNS_HEADER_SIZE;
	unsigned count[4];

	*p = NULL;
	if (len < LDNS_HEADER_SIZE)
		return LDNS_STATUS_WIRE_INCOMPLETE_HEADER;
	for (int s = 0; s < 4; s++)
		count[s] = (unsigned)w[4 + 2 * s] << 8 | w[5 + 2 * s];
	for (int s = 0; s < 4; s++)
		for (unsigned i = 0; i < count[s]; i++) {
			ldns_rr *rr = NULL;
			size_t start = pos;
			ldns_status st = ldns_wire2rr(&rr, w, len, &pos, (ldns_pkt_section)s);
			if (st != LDNS_STATUS_OK)
				return st == LDNS_STATUS_PACKET_OVERFLOW ? incomplete[s] : st;
			int type = ldns_rr_get_type(rr);
			ldns_rr_free(rr);
			if (s > 0 && ref_rdata_end(w, start) != pos)
				return LDNS_STATUS_WIRE_RDATA_ERR;
			if (s == 3 && type == LDNS_RR_TYPE_TSIG)
				count[3]--;
		}
	return ldns_wire2pkt(p, w, len);
}

static int ref_query_wire(const char *qname, uint16_t qtype, uint16_t id,
			  const struct dd_dns_qopts *o, uint8_t **wire, size_t *len)
{
	ldns_rdf *name = NULL;
	ldns_pkt *pkt;
	ldns_status st;

	if (ldns_str2rdf_dname(&name, qname) != LDNS_STATUS_OK)
		return DD_ENAME;
	pkt = ldns_pkt_query_new(name, (ldns_rr_type)qtype, LDNS_RR_CLASS_IN,
				 o->rd ? LDNS_RD : 0);
	if (!pkt)
		return DD_ENOMEM;
	ldns_pkt_set_id(pkt, id);
	if (o->edns_version >= 0) {
		ldns_pkt_set_edns_udp_size(pkt, o->udp_size);
		ldns_pkt_set_edns_version(pkt, (uint8_t)o->edns_version);
		ldns_pkt_set_edns_do(pkt, o->do_bit != 0);
	}
	st = ldns_pkt2wire(wire, pkt, len);
	ldns_pkt_free(pkt);
	return st == LDNS_STATUS_OK ? 0 : DD_ENOMEM;
}

/* Canonical text of a domain-name rdf: lower case, trailing dot. */
static void ref_dname_text(const ldns_rdf *rdf, char out[DD_NAME_MAX])
{
	char *s = rdf ? ldns_rdf2str(rdf) : NULL;
	size_t n;

	out[0] = '\0';
	if (!s)
		return;
	n = strlen(s);
	if (n >= DD_NAME_MAX)
		n = DD_NAME_MAX - 1;
	for (size_t i = 0; i < n; i++)
		out[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] + 32) : s[i];
	out[n] = '\0';
	free(s);
}

static int ref_owner_is(const ldns_rr *rr, const char *name)
{
	char owner[DD_NAME_MAX];

	ref_dname_text(ldns_rr_owner(rr), owner);
	return strcasecmp(owner, name) == 0;
}

static void ref_add_addr(struct dd_dns_addr *arr, size_t *n, const ldns_rr *rr)
{
	char *s;

	if (*n >= DD_DNS_MAX_ADDRS || ldns_rr_rd_count(rr) < 1)
		return;
	s = ldns_rdf2str(ldns_rr_rdf(rr, 0));
	if (!s)
		return;
	ref_dname_text(ldns_rr_owner(rr), arr[*n].name);
	snprintf(arr[*n].addr, sizeof(arr[*n].addr), "%s", s);
	arr[*n].ttl = ldns_rr_ttl(rr);
	(*n)++;
	free(s);
}

/* Follow CNAMEs for name inside the answer section; returns the final name
 * in out and records the chain. */
static void ref_follow_chain(const ldns_rr_list *ans, const char *qname, uint16_t qtype,
			 struct dd_dns_digest *d, char out[DD_NAME_MAX])
{
	snprintf(out, DD_NAME_MAX, "%s", qname);
	if (qtype == LDNS_RR_TYPE_CNAME)
		return;
	for (size_t hop = 0; hop < DD_DNS_MAX_CHAIN; hop++) {
		int found = 0;
		for (size_t i = 0; i < ldns_rr_list_rr_count(ans); i++) {
			const ldns_rr *rr = ldns_rr_list_rr(ans, i);
			if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_CNAME || !ref_owner_is(rr, out) ||
			    ldns_rr_rd_count(rr) < 1)
				continue;
			ref_dname_text(ldns_rr_rdf(rr, 0), out);
			snprintf(d->chain[d->nchain++], DD_NAME_MAX, "%s", out);
			found = 1;
			break;
		}
		if (!found)
			return;
		for (size_t k = 0; k + 1 < d->nchain; k++)
			if (strcasecmp(d->chain[k], out) == 0)
				return; /* a loop inside the reply: stop here */
	}
}

static void ref_collect_ns(const ldns_rr_list *sec, const char *owner, struct dd_dns_digest *d)
{
	for (size_t i = 0; i < ldns_rr_list_rr_count(sec); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(sec, i);
		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_NS || !ref_owner_is(rr, owner) ||
		    ldns_rr_rd_count(rr) < 1)
			continue;
		d->ns_total++;
		d->ns_ttl = ldns_rr_ttl(rr);
		if (d->nns >= DD_DNS_MAX_NS)
			continue;
		char nm[DD_NAME_MAX];
		ref_dname_text(ldns_rr_rdf(rr, 0), nm);
		int dup = 0;
		for (size_t k = 0; k < d->nns; k++)
			dup |= strcasecmp(d->ns[k], nm) == 0;
		if (!dup)
			snprintf(d->ns[d->nns++], DD_NAME_MAX, "%s", nm);
	}
}

static void ref_collect_glue(const ldns_rr_list *add, struct dd_dns_digest *d)
{
	for (size_t i = 0; i < ldns_rr_list_rr_count(add); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(add, i);
		ldns_rr_type t = ldns_rr_get_type(rr);
		if (t != LDNS_RR_TYPE_A && t != LDNS_RR_TYPE_AAAA)
			continue;
		for (size_t k = 0; k < d->nns; k++)
			if (ref_owner_is(rr, d->ns[k])) {
				ref_add_addr(d->glue, &d->nglue, rr);
				break;
			}
	}
}

/* The NS owner in the authority section, if any (first one). */
static int ref_authority_ns_owner(const ldns_rr_list *auth, char out[DD_NAME_MAX])
{
	for (size_t i = 0; i < ldns_rr_list_rr_count(auth); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(auth, i);
		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_NS) {
			ref_dname_text(ldns_rr_owner(rr), out);
			return 1;
		}
	}
	return 0;
}

static void ref_find_soa(const ldns_rr_list *sec, struct dd_dns_digest *d)
{
	for (size_t i = 0; i < ldns_rr_list_rr_count(sec); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(sec, i);
		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA && ldns_rr_rd_count(rr) >= 3) {
			d->has_soa = 1;
			d->soa_serial = ldns_rdf2native_int32(ldns_rr_rdf(rr, 2));
			return;
		}
	}
}

static void ref_classify_noerror(const ldns_pkt *p, const char *qname, uint16_t qtype,
			     const char *zone, struct dd_dns_digest *d)
{
	const ldns_rr_list *ans = ldns_pkt_answer(p), *auth = ldns_pkt_authority(p);
	char final[DD_NAME_MAX], owner[DD_NAME_MAX];

	ref_follow_chain(ans, qname, qtype, d, final);
	for (size_t i = 0; i < ldns_rr_list_rr_count(ans); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(ans, i);
		ldns_rr_type t = ldns_rr_get_type(rr);
		if (!ref_owner_is(rr, final) || (t != qtype && qtype != LDNS_RR_TYPE_ANY))
			continue;
		d->nanswer++;
		d->answer_ttl = ldns_rr_ttl(rr);
		if (t == LDNS_RR_TYPE_A || t == LDNS_RR_TYPE_AAAA)
			ref_add_addr(d->addrs, &d->naddrs, rr);
	}
	if (qtype == LDNS_RR_TYPE_NS)
		ref_collect_ns(ans, final, d);
	if (qtype == LDNS_RR_TYPE_SOA)
		ref_find_soa(ans, d);
	if (d->nanswer > 0) {
		d->state = DD_ST_ANSWER;
		return;
	}
	if (d->nchain > 0) {
		snprintf(d->target, sizeof(d->target), "%s", final);
		d->state = DD_ST_CNAME;
		return;
	}
	ref_find_soa(auth, d);
	if (ref_authority_ns_owner(auth, owner) && !(d->flags & DD_DNS_F_AA)) {
		if (dd_name_is_subdomain(qname, owner) && dd_name_is_subdomain(owner, zone) &&
		    strcasecmp(owner, zone) != 0) {
			snprintf(d->referral, sizeof(d->referral), "%s", owner);
			ref_collect_ns(auth, owner, d);
			ref_collect_glue(ldns_pkt_additional(p), d);
			d->state = DD_ST_REFERRAL;
			return;
		}
		d->state = DD_ST_LAME;
		snprintf(d->referral, sizeof(d->referral), "%s", owner);
		snprintf(d->detail, sizeof(d->detail), "referral to %.60s, not below %.60s", owner, zone);
		return;
	}
	if (d->flags & DD_DNS_F_AA) {
		d->state = DD_ST_NODATA;
		return;
	}
	d->state = DD_ST_LAME;
	snprintf(d->detail, sizeof(d->detail), "empty answer without the AA flag");
}

static int ref_digest(const uint8_t *wire, size_t len, const char *qname, uint16_t qtype,
		      const char *zone, struct dd_dns_digest *d)
{
	ldns_pkt *p = NULL;
	ldns_status st;

	memset(d, 0, sizeof(*d));
	st = ref_wire2pkt(&p, wire, len);
	if (st != LDNS_STATUS_OK) {
		d->state = DD_ST_MALFORMED;
		snprintf(d->detail, sizeof(d->detail), "reply does not parse: %s",
			 ldns_get_errorstr_by_id(st));
		return DD_EMALFORMED;
	}
	d->flags = (ldns_pkt_qr(p) ? DD_DNS_F_QR : 0) | (ldns_pkt_aa(p) ? DD_DNS_F_AA : 0) |
		   (ldns_pkt_tc(p) ? DD_DNS_F_TC : 0) | (ldns_pkt_rd(p) ? DD_DNS_F_RD : 0) |
		   (ldns_pkt_ra(p) ? DD_DNS_F_RA : 0) | (ldns_pkt_ad(p) ? DD_DNS_F_AD : 0) |
		   (ldns_pkt_cd(p) ? DD_DNS_F_CD : 0);
	d->rcode = ldns_pkt_get_rcode(p);
	if (ldns_pkt_edns(p)) {
		d->edns = 1;
		d->edns_version = ldns_pkt_edns_version(p);
		d->edns_do = ldns_pkt_edns_do(p);
		d->edns_udp = ldns_pkt_edns_udp_size(p);
		d->rcode |= ldns_pkt_edns_extended_rcode(p) << 4;
	}
	switch (d->rcode) {
	case LDNS_RCODE_NOERROR:
		ref_classify_noerror(p, qname, qtype, zone, d);
		break;
	case LDNS_RCODE_NXDOMAIN: {
		char final[DD_NAME_MAX];
		ref_follow_chain(ldns_pkt_answer(p), qname, qtype, d, final);
		ref_find_soa(ldns_pkt_authority(p), d);
		d->state = DD_ST_NXDOMAIN;
		break;
	}
	case LDNS_RCODE_REFUSED:
		d->state = DD_ST_REFUSED;
		break;
	case LDNS_RCODE_SERVFAIL:
		d->state = DD_ST_SERVFAIL;
		break;
	case LDNS_RCODE_NOTAUTH:
		d->state = DD_ST_NOTAUTH;
		break;
	default:
		d->state = DD_ST_RCODE;
		break;
	}
	ldns_pkt_free(p);
	return 0;
}

static char **ref_section_text(const ldns_rr_list *l, size_t max, size_t *n)
{
	size_t count = ldns_rr_list_rr_count(l);
	char **v;

	*n = 0;
	if (count > max)
		count = max;
	v = calloc(count ? count : 1, sizeof(*v));
	if (!v)
		return NULL;
	for (size_t i = 0; i < count; i++) {
		char *s = ldns_rr2str(ldns_rr_list_rr(l, i));
		if (!s)
			break;
		size_t sl = strlen(s);
		while (sl > 0 && (s[sl - 1] == '\n' || s[sl - 1] == ' '))
			s[--sl] = '\0';
		v[(*n)++] = s;
	}
	return v;
}

static void ref_sections_text(const uint8_t *wire, size_t len, size_t max, char **v[3],
			      size_t n[3])
{
	ldns_pkt *p = NULL;

	for (int i = 0; i < 3; i++) {
		v[i] = NULL;
		n[i] = 0;
	}
	if (ref_wire2pkt(&p, wire, len) != LDNS_STATUS_OK)
		return;
	v[0] = ref_section_text(ldns_pkt_answer(p), max, &n[0]);
	v[1] = ref_section_text(ldns_pkt_authority(p), max, &n[1]);
	v[2] = ref_section_text(ldns_pkt_additional(p), max, &n[2]);
	ldns_pkt_free(p);
}

/* Same digest: every field a reader may look at (arrays up to their counts). */
static int same_digest(int rc1, const struct dd_dns_digest *a, int rc2,
		       const struct dd_dns_digest *b)
{
	if (rc1 != rc2 || a->state != b->state || strcmp(a->detail, b->detail) != 0)
		return 0;
	if (rc1 != 0)
		return 1;
	if (a->rcode != b->rcode || a->flags != b->flags || a->edns != b->edns ||
	    a->edns_version != b->edns_version || a->edns_do != b->edns_do ||
	    a->edns_udp != b->edns_udp || strcmp(a->referral, b->referral) != 0 ||
	    a->nns != b->nns || a->ns_total != b->ns_total || a->ns_ttl != b->ns_ttl ||
	    a->nglue != b->nglue || a->naddrs != b->naddrs || a->nchain != b->nchain ||
	    strcmp(a->target, b->target) != 0 || a->has_soa != b->has_soa ||
	    a->soa_serial != b->soa_serial || a->answer_ttl != b->answer_ttl ||
	    a->nanswer != b->nanswer)
		return 0;
	for (size_t i = 0; i < a->nns; i++)
		if (strcmp(a->ns[i], b->ns[i]) != 0)
			return 0;
	for (size_t i = 0; i < a->nchain; i++)
		if (strcmp(a->chain[i], b->chain[i]) != 0)
			return 0;
	for (size_t i = 0; i < a->nglue; i++)
		if (strcmp(a->glue[i].name, b->glue[i].name) != 0 ||
		    strcmp(a->glue[i].addr, b->glue[i].addr) != 0 || a->glue[i].ttl != b->glue[i].ttl)
			return 0;
	for (size_t i = 0; i < a->naddrs; i++)
		if (strcmp(a->addrs[i].name, b->addrs[i].name) != 0 ||
		    strcmp(a->addrs[i].addr, b->addrs[i].addr) != 0 || a->addrs[i].ttl != b->addrs[i].ttl)
			return 0;
	return 1;
}

struct diff {
	struct dd_dns_digest *a, *b;
	unsigned long replies, digests, texts, queries, bad;
};

static void diff_report(struct diff *df, const char *what, const uint8_t *w, size_t len)
{
	if (df->bad++ >= 5)
		return;
	fprintf(stderr, "msg.c and ldns differ on %s of the reply (%zu bytes):", what, len);
	for (size_t i = 0; i < len && i < 512; i++)
		fprintf(stderr, "%s%02x", i % 32 ? "" : "\n  ", w[i]);
	fprintf(stderr, "\n");
}

static void diff_sections(struct diff *df, const uint8_t *w, size_t len, size_t max)
{
	char **v1[3], **v2[3];
	size_t n1[3], n2[3];

	ref_sections_text(w, len, max, v1, n1);
	dd_dns_sections_text(w, len, max, v2, n2);
	for (int s = 0; s < 3; s++) {
		int same = (v1[s] == NULL) == (v2[s] == NULL) && n1[s] == n2[s];
		for (size_t i = 0; same && i < n1[s]; i++)
			same = strcmp(v1[s][i], v2[s][i]) == 0;
		if (!same) {
			diff_report(df, "the section text", w, len);
			for (size_t i = 0; i < n1[s] || i < n2[s]; i++)
				if (df->bad <= 5)
					fprintf(stderr, "  ldns: %s\n  msg:  %s\n",
						i < n1[s] ? v1[s][i] : "-", i < n2[s] ? v2[s][i] : "-");
		}
		dd_dns_strv_free(v1[s], n1[s]);
		dd_dns_strv_free(v2[s], n2[s]);
	}
	df->texts++;
}

static void diff_digest(struct diff *df, const uint8_t *w, size_t len, const char *qname,
			uint16_t qtype, const char *zone)
{
	int rc1 = ref_digest(w, len, qname, qtype, zone, df->a);
	int rc2 = dd_dns_digest(w, len, qname, qtype, zone, df->b);

	df->digests++;
	if (!same_digest(rc1, df->a, rc2, df->b)) {
		diff_report(df, "the digest", w, len);
		if (df->bad <= 5)
			fprintf(stderr, "  asked %s type %u in zone %s: state %d/%d, %s/%s\n", qname,
				qtype, zone, df->a->state, df->b->state, df->a->detail, df->b->detail);
	}
}

/* The reply's first question name (as ldns writes it) and its parent. */
static void question_of(const uint8_t *w, size_t len, char qname[DD_NAME_MAX],
			char parent[DD_NAME_MAX])
{
	ldns_pkt *p = NULL;

	snprintf(qname, DD_NAME_MAX, "www.example.test.");
	if (ldns_wire2pkt(&p, w, len) == LDNS_STATUS_OK) {
		if (ldns_rr_list_rr_count(ldns_pkt_question(p)) > 0) {
			char *t = ldns_rdf2str(ldns_rr_owner(ldns_rr_list_rr(ldns_pkt_question(p), 0)));
			if (t)
				snprintf(qname, DD_NAME_MAX, "%s", t);
			free(t);
		}
		ldns_pkt_free(p);
	}
	const char *dot = strchr(qname, '.');
	snprintf(parent, DD_NAME_MAX, "%s", dot && dot[1] ? dot + 1 : ".");
}

/* Every comparison of one reply; thorough for the replies themselves,
 * lighter for their corruptions. */
static void diff_reply(struct diff *df, const uint8_t *w, size_t len, int thorough)
{
	static const uint16_t types[] = { LDNS_RR_TYPE_A, LDNS_RR_TYPE_NS, LDNS_RR_TYPE_SOA,
					  LDNS_RR_TYPE_AAAA, LDNS_RR_TYPE_CNAME, LDNS_RR_TYPE_DS,
					  LDNS_RR_TYPE_DNSKEY, LDNS_RR_TYPE_TXT, LDNS_RR_TYPE_ANY };
	char qname[DD_NAME_MAX], parent[DD_NAME_MAX];
	const char *zones[] = { ".", parent, qname, "test." };
	size_t nt = thorough ? sizeof(types) / sizeof(types[0]) : 2;

	question_of(w, len, qname, parent);
	df->replies++;
	for (size_t t = 0; t < nt; t++)
		for (int z = 0; z < (thorough ? 4 : 2); z++)
			diff_digest(df, w, len, qname, types[t], zones[z]);
	if (thorough)
		diff_digest(df, w, len, "www.example.test.", LDNS_RR_TYPE_A, "example.test.");
	diff_sections(df, w, len, 100);
	if (thorough)
		diff_sections(df, w, len, 2);
}

/* The reply, its prefixes (past 128 bytes one in 16 unless full), and
 * copies with one byte changed (unless flips is 0: the first 64 bytes in
 * three ways; every byte in six ways when full). */
static void diff_mutations(struct diff *df, const uint8_t *w, size_t len, int flips, int full)
{
	static const uint8_t xors[] = { 0xc0, 0xff, 0x01, 0x40, 0x3f, 0x80 };
	uint8_t *m = malloc(len ? len : 1);

	assert_non_null(m);
	memcpy(m, w, len);
	diff_reply(df, w, len, 1);
	for (size_t cut = 0; cut < len; cut += full || cut < 128 ? 1 : 16)
		diff_reply(df, w, cut, 0);
	for (size_t i = 0; i < len && (full || (flips && i < 64)); i++)
		for (size_t x = 0; x < (full ? sizeof(xors) : 3); x++) {
			m[i] = w[i] ^ xors[x];
			diff_reply(df, m, len, 0);
			m[i] = w[i];
		}
	free(m);
}

/* ---- replies with every kind of record, made with ldns ---- */

/* A reply from records "name ttl class type rdata"; sections are split by
 * "--" entries. Records ldns cannot read are left out. */
static size_t make_reply(uint8_t **w, const char *qname, uint16_t qtype, int aa, int rcode,
			 const char *const *recs)
{
	ldns_pkt *p = ldns_pkt_query_new(ldns_dname_new_frm_str(qname), (ldns_rr_type)qtype,
					 LDNS_RR_CLASS_IN, 0);
	ldns_pkt_section sec = LDNS_SECTION_ANSWER;
	size_t len;

	ldns_pkt_set_qr(p, true);
	ldns_pkt_set_aa(p, aa);
	ldns_pkt_set_rcode(p, (uint8_t)rcode);
	ldns_pkt_set_edns_udp_size(p, 1232);
	ldns_pkt_set_edns_do(p, true);
	for (size_t i = 0; recs[i]; i++) {
		ldns_rr *rr = NULL;
		if (strcmp(recs[i], "--") == 0) {
			sec = sec == LDNS_SECTION_ANSWER ? LDNS_SECTION_AUTHORITY
							 : LDNS_SECTION_ADDITIONAL;
			continue;
		}
		if (ldns_rr_new_frm_str(&rr, recs[i], 3600, NULL, NULL) == LDNS_STATUS_OK)
			ldns_pkt_push_rr(p, sec, rr);
	}
	assert_int_equal(ldns_pkt2wire(w, p, &len), LDNS_STATUS_OK);
	ldns_pkt_free(p);
	return len;
}

#define RSA_KEY "AwEAAbOFAxl+Lkt0UMglZizKEC1AxUu8zlj65KYatR5wBWMrh18TYzK/ig6Y1t5YTWCO68bynorpNu9fqNFALX7bVl9/gybA0v0EhF+dgXmoUfRX7ksMGgBvtfa2/Y9a3klXNLqkTszIQ4PEMVCjtryl19Be9/PkFeC9ITjgMRQsQhmB"
#define EC_KEY "mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ=="
#define SIG_B64 "AhJzI9pU8LPxlvhkQk3Ap8+zqH5Bt0s7kzKqkWfVGwPmpBYr1Ix4hBp3WrL+LIyD8aHnKPyJGkr6jtBZ6r0eLA=="

static const char *const rec_answer[] = {
	"www.example.test. 300 IN A 192.0.2.80",
	"www.example.test. 300 IN A 0.0.0.0",
	"www.example.test. 300 IN A 255.255.255.255",
	"www.example.test. 300 IN AAAA 2001:db8::1",
	"www.example.test. 300 IN AAAA ::ffff:192.0.2.1",
	"www.example.test. 300 IN AAAA ::192.0.2.1",
	"www.example.test. 300 IN AAAA ::1",
	"www.example.test. 300 IN AAAA ::",
	"www.example.test. 300 IN AAAA 1:0:0:1:0:0:0:1",
	"WWW.Example.TEST. 4294967295 IN A 10.0.0.1",
	"www.example.test. 300 IN RRSIG A 13 3 300 20270101000000 20261201000000 4711 "
	"example.test. " SIG_B64,
	"www.example.test. 300 IN RRSIG AAAA 8 3 300 21060207062815 19700101000000 1 . " SIG_B64,
	"www.example.test. 300 IN RRSIG TYPE65280 253 3 300 20380119031407 20380119031408 65535 "
	"example.test. " SIG_B64,
	"--",
	"example.test. 3600 IN NS ns1.example.test.",
	"example.test. 3600 IN NS NS2.Provider.NET.",
	"example.test. 3600 IN SOA ns1.example.test. host\\.master.example.test. 4294967295 0 1 2 3",
	"--",
	"ns1.example.test. 3600 IN A 192.0.2.53",
	"ns1.example.test. 3600 IN AAAA 2001:db8:0:0:1::53",
	"ns2.provider.net. 3600 IN AAAA fe80::1:2:3:4",
	NULL
};

static const char *const rec_dnssec[] = {
	"example.test. 3600 IN DNSKEY 257 3 13 " EC_KEY,
	"example.test. 3600 IN DNSKEY 256 3 8 " RSA_KEY,
	"example.test. 3600 IN DNSKEY 0 3 5 " RSA_KEY,
	"example.test. 3600 IN DNSKEY 385 3 1 " RSA_KEY,
	"example.test. 3600 IN DNSKEY 257 3 3 " RSA_KEY,
	"example.test. 3600 IN DNSKEY 257 3 15 l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4=",
	"example.test. 3600 IN DNSKEY 257 3 16 " EC_KEY,
	"example.test. 3600 IN DNSKEY 257 3 200 AAEC",
	"example.test. 3600 IN DNSKEY 257 3 8 AAEAAAAAAQ==",
	"example.test. 3600 IN CDNSKEY 257 3 13 " EC_KEY,
	"example.test. 3600 IN DS 4711 13 2 "
	"8F1B9B4A2C3D4E5F60718293A4B5C6D7E8F90123456789ABCDEF0123456789AB",
	"example.test. 3600 IN DS 1 8 1 0123456789abcdef0123456789abcdef01234567",
	"example.test. 3600 IN CDS 0 0 0 00",
	"example.test. 3600 IN NSEC a\\.b.example.test. A NS SOA MX TXT AAAA RRSIG NSEC DNSKEY "
	"TYPE1234 CAA TYPE65534",
	"example.test. 3600 IN NSEC example.test. NSEC",
	"1avvqn74sg75ukfvf25dgcethgq638ek.example.test. 300 IN NSEC3 1 1 10 aabbccdd "
	"75b9id679qqojqbskphmvc9pq1hf2v6r NS SOA RRSIG DNSKEY NSEC3PARAM",
	"1avvqn74sg75ukfvf25dgcethgq638el.example.test. 300 IN NSEC3 1 0 0 - "
	"75b9id679qqojqbskphmvc9pq1hf2v6s",
	"example.test. 0 IN NSEC3PARAM 1 0 0 -",
	"example.test. 0 IN NSEC3PARAM 1 0 5 ab",
	"example.test. 3600 IN RRSIG DNSKEY 13 2 3600 20270101000000 20261201000000 4711 "
	"example.test. " SIG_B64,
	"example.test. 3600 IN ZONEMD 2026112701 1 1 "
	"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	"0123456789abcdef0123456789abcdef",
	NULL
};

static const char *const rec_misc[] = {
	"example.test. 3600 IN MX 10 mail.example.test.",
	"example.test. 3600 IN TXT \"v=spf1 -all\" \"quote\\\" back\\\\slash\" \"\" \"tab\there\"",
	"example.test. 3600 IN TXT \"\\000\\200\\255\\127\\031~ \"",
	"example.test. 3600 IN SPF \"v=spf1 -all\"",
	"example.test. 3600 IN HINFO \"cpu\" \"os\"",
	"_sip._tcp.example.test. 3600 IN SRV 10 60 5060 sip.example.test.",
	"example.test. 3600 IN NAPTR 100 10 \"U\" \"E2U+sip\" \"!^.*$!sip:info@example.test!\" .",
	"4.3.2.1.in-addr.arpa. 3600 IN PTR host.example.test.",
	"example.test. 3600 IN CAA 0 issue \"ca.example.net\"",
	"example.test. 3600 IN LOC 52 22 23.000 N 4 53 32.000 E -2.00m 0.00m 10000m 10m",
	"_443._tcp.example.test. 3600 IN TLSA 3 1 1 "
	"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	"example.test. 3600 IN SSHFP 4 2 0123456789abcdef0123456789abcdef0123456789abcdef01234567"
	"89abcdef",
	"example.test. 3600 IN OPENPGPKEY " EC_KEY,
	"example.test. 3600 IN DHCID " SIG_B64,
	"example.test. 3600 IN URI 10 1 \"https://example.test/\"",
	"example.test. 3600 IN EUI48 00-00-5e-00-53-2a",
	"example.test. 3600 IN EUI64 00-00-5e-ef-10-00-00-2a",
	"example.test. 3600 IN NID 10 0014:4fff:ff20:ee64",
	"example.test. 3600 IN L64 10 2001:0db8:1140:1000",
	"example.test. 3600 IN APL 1:192.168.32.0/21 !1:192.168.38.0/28",
	"example.test. 3600 IN RP mbox.example.test. txt.example.test.",
	"example.test. 3600 IN AFSDB 1 afs.example.test.",
	"example.test. 3600 IN KX 10 kx.example.test.",
	"example.test. 3600 IN DNAME elsewhere.test.",
	"example.test. 3600 IN CSYNC 66 3 A NS AAAA",
	"example.test. 3600 IN CERT PGP 0 0 " EC_KEY,
	"example.test. 3600 IN IPSECKEY 10 1 2 192.0.2.38 " EC_KEY,
	"example.test. 3600 IN HTTPS 1 . alpn=h2,h3 ipv4hint=192.0.2.1",
	"example.test. 3600 IN SVCB 0 svc.example.test.",
	"example.test. 3600 IN WKS 192.0.2.1 6 25 80",
	"example.test. 3600 IN AMTRELAY 10 0 1 203.0.113.15",
	"example.test. 3600 IN X25 \"311061700956\"",
	"example.test. 3600 IN TYPE65280 \\# 4 0a0b0c0d",
	"example.test. 3600 IN TYPE65280 \\# 0",
	"example.test. 3600 IN TYPE255 \\# 1 00",
	"example.test. 3600 CH TXT \"chaos\"",
	"example.test. 3600 HS A 192.0.2.1",
	"example.test. 3600 NONE A 192.0.2.1",
	"example.test. 3600 ANY A 192.0.2.1",
	"example.test. 3600 CLASS42 A 192.0.2.1",
	"a\\.b\\;c\\(d\\)e\\\\f.example.test. 60 IN A 192.0.2.1",
	"\\000\\001\\032\\127\\128\\255.example.test. 60 IN CNAME sp\\ ace.example.test.",
	"@.\"quote\".example.test. 60 IN NS x.example.test.",
	NULL
};

/* Replies whose records make the digest walk: CNAME chains and loops,
 * referrals with glue, lame and upward referrals, names past 255
 * characters of text. */
static const char *const rec_chain[] = {
	"www.example.test. 60 IN CNAME a.example.test.",
	"A.example.test. 60 IN CNAME b.example.test.",
	"b.example.test. 60 IN CNAME c.example.test.",
	"c.example.test. 60 IN CNAME a.example.test.",
	"c.example.test. 60 IN A 192.0.2.7",
	"b.example.test. 60 IN AAAA 2001:db8::7",
	"--",
	"example.test. 60 IN SOA ns1.example.test. h.example.test. 7 1 2 3 4",
	NULL
};

static const char *const rec_referral[] = {
	"--",
	"sub.example.test. 86400 IN NS ns1.sub.example.test.",
	"sub.example.test. 86400 IN NS ns2.sub.example.test.",
	"sub.example.test. 86400 IN NS NS1.sub.example.test.",
	"other.test. 86400 IN NS ns.other.test.",
	"sub.example.test. 86400 IN NS ns3.elsewhere.test.",
	"sub.example.test. 86400 IN DS 4711 13 2 "
	"8F1B9B4A2C3D4E5F60718293A4B5C6D7E8F90123456789ABCDEF0123456789AB",
	"--",
	"ns1.sub.example.test. 86400 IN A 192.0.2.1",
	"ns1.sub.example.test. 86400 IN AAAA 2001:db8::1",
	"NS2.SUB.example.test. 86400 IN A 192.0.2.2",
	"ns.other.test. 86400 IN A 192.0.2.3",
	"ns3.elsewhere.test. 86400 IN TXT \"not glue\"",
	NULL
};

#define L60 "\\128\\129\\130\\131\\132\\133\\134\\135\\136\\137\\138\\139\\140\\141\\142" \
	"\\143\\144\\145\\146\\147\\148\\149\\150\\151\\152\\153\\154\\155\\156\\157"         \
	"\\158\\159\\160\\161\\162\\163\\164\\165\\166\\167\\168\\169\\170\\171\\172"         \
	"\\173\\174\\175\\176\\177\\178\\179\\180\\181\\182\\183\\184\\185\\186\\187"
#define LONG_NAME L60 "." L60 "." L60 "." L60 "."

static const char *const rec_long[] = {
	LONG_NAME " 60 IN A 192.0.2.9",
	LONG_NAME " 60 IN CNAME " LONG_NAME,
	"--",
	LONG_NAME " 60 IN NS " LONG_NAME,
	"--",
	LONG_NAME " 60 IN AAAA ::9",
	NULL
};

/* AAAA records for every pattern of zero and non-zero words (inet_ntop's
 * "::" and IPv4 forms), 64 to a reply. */
static size_t make_aaaa(uint8_t **w, unsigned first, unsigned value)
{
	char text[64][128];
	const char *recs[65];

	for (unsigned k = 0; k < 64; k++) {
		unsigned mask = first + k;
		char *p = text[k];
		p += sprintf(p, "www.example.test. 60 IN AAAA ");
		for (int i = 0; i < 8; i++)
			p += sprintf(p, "%s%x", i ? ":" : "",
				     mask & (1u << i) ? (i == 5 && value == 1 ? 0xffff : value + i) : 0);
		recs[k] = text[k];
	}
	recs[64] = NULL;
	return make_reply(w, "www.example.test.", LDNS_RR_TYPE_AAAA, 1, 0, recs);
}

/* ---- replies written byte by byte ---- */

struct raw {
	uint8_t b[65536];
	size_t n;
};

static void raw_put(struct raw *r, const void *p, size_t n)
{
	if (n)
		memcpy(r->b + r->n, p, n);
	r->n += n;
}

static void raw_u16(struct raw *r, unsigned v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };
	raw_put(r, b, 2);
}

static void raw_u32(struct raw *r, uint32_t v)
{
	raw_u16(r, v >> 16);
	raw_u16(r, v & 0xffff);
}

/* Header (QR, AA) with the counts, and the question www.example.test. A. */
static void raw_begin(struct raw *r, unsigned an, unsigned ns, unsigned ar)
{
	static const uint8_t q[] = "\3www\7example\4test";

	r->n = 0;
	raw_u16(r, 0x1234);
	raw_u16(r, 0x8400);
	raw_u16(r, 1);
	raw_u16(r, an);
	raw_u16(r, ns);
	raw_u16(r, ar);
	raw_put(r, q, sizeof(q)); /* with its final zero */
	raw_u16(r, 1);
	raw_u16(r, 1);
}

/* A record: owner as wire bytes, then type, class, TTL and rdata. */
static void raw_rr(struct raw *r, const void *owner, size_t olen, unsigned type, unsigned klass,
		   uint32_t ttl, const void *rdata, size_t rdlen)
{
	raw_put(r, owner, olen);
	raw_u16(r, type);
	raw_u16(r, klass);
	raw_u32(r, ttl);
	raw_u16(r, (unsigned)rdlen);
	raw_put(r, rdata, rdlen);
}

static const uint8_t www_ptr[] = { 0xc0, 12 }; /* www.example.test. */
static const uint8_t root[] = { 0 };
static const uint8_t addr[] = { 192, 0, 2, 1 };

/* OPT and TSIG as ldns reads them: several OPTs (the last wins), 256 of
 * them (ldns counts them in a byte), a TSIG that shortens the section. */
static void diff_opt_tsig(struct diff *df)
{
	struct raw *r = malloc(sizeof(*r));
	static const uint8_t opt_data[] = { 0, 10, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8 };

	assert_non_null(r);
	raw_begin(r, 1, 0, 3);
	raw_rr(r, www_ptr, 2, LDNS_RR_TYPE_A, 1, 60, addr, 4);
	raw_rr(r, root, 1, LDNS_RR_TYPE_OPT, 4096, 0x01008000, opt_data, sizeof(opt_data));
	raw_rr(r, root, 1, LDNS_RR_TYPE_OPT, 512, 0x00020000, NULL, 0);
	raw_rr(r, www_ptr, 2, LDNS_RR_TYPE_A, 1, 60, addr, 4);
	diff_mutations(df, r->b, r->n, 1, 0);
	for (unsigned udp = 0; udp < 2; udp++) {
		raw_begin(r, 0, 0, 257);
		for (int i = 0; i < 256; i++)
			raw_rr(r, root, 1, LDNS_RR_TYPE_OPT, i == 255 ? udp : 0, 0, NULL, 0);
		raw_rr(r, www_ptr, 2, LDNS_RR_TYPE_AAAA, 1, 60, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\1", 16);
		diff_reply(df, r->b, r->n, 1);
	}
	raw_begin(r, 1, 0, 4);
	raw_rr(r, www_ptr, 2, LDNS_RR_TYPE_CNAME, 1, 60, www_ptr, 2);
	raw_rr(r, www_ptr, 2, LDNS_RR_TYPE_A, 1, 60, addr, 4);
	raw_rr(r, www_ptr, 2, LDNS_RR_TYPE_TSIG, 255, 0, root, 1);
	raw_rr(r, www_ptr, 2, LDNS_RR_TYPE_A, 1, 60, addr, 4);
	raw_rr(r, www_ptr, 2, LDNS_RR_TYPE_A, 1, 60, addr, 4);
	diff_mutations(df, r->b, r->n, 1, 0);
	/* rdata longer or shorter than its fields: the next record starts where
	 * the fields ended; a name in rdata runs past the rdata */
	raw_begin(r, 3, 0, 0);
	raw_rr(r, www_ptr, 2, LDNS_RR_TYPE_A, 1, 60, "\xc0\0\2\1\xc0\x0c", 6);
	raw_rr(r, www_ptr, 2, LDNS_RR_TYPE_NS, 1, 60, "\3www", 4);
	raw_put(r, "\7example\4test\0", 14);
	raw_rr(r, www_ptr, 2, LDNS_RR_TYPE_SOA, 1, 60, "\xc0\x0c\xc0\x0c\0\0\0\7", 8);
	diff_mutations(df, r->b, r->n, 1, 0);
	/* ldns counts a record's fields in a byte: a HIP record's 257th field
	 * is read as its first (here running past the rdata) */
	uint8_t hip[5 + 255 + 4] = { 1, 2, 0, 0, 0xab };
	hip[sizeof(hip) - 1] = 0x10;
	raw_begin(r, 2, 0, 0);
	raw_rr(r, www_ptr, 2, LDNS_RR_TYPE_HIP, 1, 60, hip, sizeof(hip));
	raw_rr(r, www_ptr, 2, LDNS_RR_TYPE_A, 1, 60, addr, 4);
	diff_mutations(df, r->b, r->n, 1, 0);
	hip[sizeof(hip) - 1] = 0;
	raw_begin(r, 2, 0, 0);
	raw_rr(r, www_ptr, 2, LDNS_RR_TYPE_HIP, 1, 60, hip, sizeof(hip));
	raw_rr(r, www_ptr, 2, LDNS_RR_TYPE_A, 1, 60, addr, 4);
	diff_reply(df, r->b, r->n, 1);
	free(r);
}

/* Chains of pointers to pointers: long ones from many entries, a cycle,
 * and a cycle through a label that ends on LDNS_MAX_POINTERS. */
static void diff_chains(struct diff *df)
{
	struct raw *r = malloc(sizeof(*r));
	size_t base, len;

	assert_non_null(r);
	for (int kind = 0; kind < 3; kind++) {
		unsigned n = 3000;
		raw_begin(r, 1, 1, 40);
		/* an unknown record whose rdata is the chain: pointer i to i + 1,
		 * the last one to www.example.test., back to the first, or to a
		 * label that points back to the first */
		base = r->n + 1 + 10;
		uint8_t chain[6010];
		for (unsigned i = 0; i < n; i++) {
			unsigned to = (unsigned)base + 2 * (i + 1);
			if (i == n - 1)
				to = kind == 0 ? 12 : kind == 1 ? (unsigned)base : (unsigned)base + 2 * n;
			chain[2 * i] = (uint8_t)(0xc0 | to >> 8);
			chain[2 * i + 1] = (uint8_t)to;
		}
		len = 2 * n;
		chain[len++] = 1;
		chain[len++] = 'x';
		chain[len++] = (uint8_t)(0xc0 | base >> 8);
		chain[len++] = (uint8_t)base;
		raw_rr(r, root, 1, 65280, 1, 60, chain, len);
		raw_rr(r, root, 1, LDNS_RR_TYPE_NS, 1, 60, chain, 2);
		for (unsigned i = 0; i < 40; i++) {
			uint8_t owner[2] = { chain[2 * (i * 70)], chain[2 * (i * 70) + 1] };
			raw_rr(r, owner, 2, i % 2 ? LDNS_RR_TYPE_A : LDNS_RR_TYPE_CNAME, 1, 60,
			       i % 2 ? addr : owner, i % 2 ? 4 : 2);
		}
		diff_reply(df, r->b, r->n, 1);
		for (size_t cut = r->n - 200; cut < r->n; cut++)
			diff_reply(df, r->b, cut, 0);
	}
	free(r);
}

static int env_full(void)
{
	const char *v = getenv("DD_DNS_DIFF_FULL");
	return v && strcmp(v, "1") == 0;
}

/* Every file of dir: compared as it is (mutate 0), with its prefixes
 * (1), and with corruptions too (2). */
static void diff_dir(struct diff *df, const char *dir, int mutate, int full)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	uint8_t *buf = malloc(1 << 20);

	assert_non_null(d);
	assert_non_null(buf);
	while ((e = readdir(d))) {
		char path[1024];
		FILE *f;
		size_t len;
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (!(f = fopen(path, "rb")))
			continue;
		len = fread(buf, 1, 1 << 20, f);
		fclose(f);
		if (mutate)
			diff_mutations(df, buf, len, mutate > 1, full);
		else
			diff_reply(df, buf, len, 0);
	}
	closedir(d);
	free(buf);
}

static void same_as_ldns_on_replies(void **state)
{
	static const char *const corpora[] = { "evidence", "hints", "reg", "zone" };
	struct diff df = { malloc(sizeof(struct dd_dns_digest)), malloc(sizeof(struct dd_dns_digest)) };
	int full = env_full();
	char dir[512];
	uint8_t *w;
	size_t len;

	(void)state;
	assert_non_null(df.a);
	assert_non_null(df.b);
	snprintf(dir, sizeof(dir), "%s/packets", DD_TEST_DATA);
	diff_dir(&df, dir, 2, full);
	snprintf(dir, sizeof(dir), "%s/../../fuzz/corpus/reply", DD_TEST_DATA);
	diff_dir(&df, dir, 1, full);
	for (size_t i = 0; i < sizeof(corpora) / sizeof(corpora[0]); i++) {
		snprintf(dir, sizeof(dir), "%s/../../fuzz/corpus/%s", DD_TEST_DATA, corpora[i]);
		diff_dir(&df, dir, 0, 0);
	}
	const struct {
		const char *qname;
		uint16_t qtype;
		int aa, rcode;
		const char *const *recs;
	} made[] = {
		{ "www.example.test.", LDNS_RR_TYPE_A, 1, 0, rec_answer },
		{ "www.example.test.", LDNS_RR_TYPE_A, 0, 0, rec_answer },
		{ "example.test.", LDNS_RR_TYPE_DNSKEY, 1, 0, rec_dnssec },
		{ "example.test.", LDNS_RR_TYPE_TXT, 1, 0, rec_misc },
		{ "www.example.test.", LDNS_RR_TYPE_A, 1, 0, rec_chain },
		{ "www.example.test.", LDNS_RR_TYPE_A, 1, 3, rec_chain },
		{ "www.sub.example.test.", LDNS_RR_TYPE_A, 0, 0, rec_referral },
		{ "example.test.", LDNS_RR_TYPE_NS, 0, 0, rec_referral },
		{ LONG_NAME, LDNS_RR_TYPE_A, 1, 0, rec_long },
		{ LONG_NAME, LDNS_RR_TYPE_CNAME, 0, 0, rec_long },
	};
	for (size_t i = 0; i < sizeof(made) / sizeof(made[0]); i++) {
		len = make_reply(&w, made[i].qname, made[i].qtype, made[i].aa, made[i].rcode,
				 made[i].recs);
		diff_mutations(&df, w, len, 1, full);
		free(w);
	}
	for (unsigned first = 0; first < 256; first += 64)
		for (unsigned value = 1; value <= 0x1001; value += 0x1000) {
			len = make_aaaa(&w, first, value);
			diff_reply(&df, w, len, 1);
			free(w);
		}
	diff_opt_tsig(&df);
	diff_chains(&df);
	printf("msg.c vs ldns: %lu replies, %lu digests, %lu section texts: %lu differences\n",
	       df.replies, df.digests, df.texts, df.bad);
	assert_int_equal(df.bad, 0);
	free(df.a);
	free(df.b);
}

/* Query bytes equal to what ldns_pkt_query_new and ldns_pkt2wire made, for
 * names of every form (escapes, relative, at the length limits, invalid)
 * and every combination of options. */
static void same_query_as_ldns(void **state)
{
	static const char *const names[] = {
		".", "puri.sm.", "puri.sm", "PURI.SM.", "www.example.test.", "a", "a.", "a..b.",
		".a.", "..", "", "\\.", "a\\.", "a\\..", "a\\\\.", "a\\\\", "\\065.b.", "\\0651.",
		"\\256.", "\\25.", "\\2", "\\", "a\\", "\\000.\\255.", "\\ .", "a b.", "x.\\.",
		"\\009.", "é.test.", "*.example.test.", "_dmarc.example.test.",
		"012345678901234567890123456789012345678901234567890123456789012.",
		"0123456789012345678901234567890123456789012345678901234567890123.",
		"0123456789012345678901234567890123456789012345678901234567890123",
	};
	static const uint16_t types[] = { 0, 1, 2, 6, 28, 43, 48, 255, 65535 };
	struct dd_dns_qopts o;
	char name[1200];
	int checked = 0;

	(void)state;
	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]) + 8; k++) {
		const char *q = k < sizeof(names) / sizeof(names[0]) ? names[k] : name;
		if (k >= sizeof(names) / sizeof(names[0])) {
			/* names around 255 bytes of wire and 1020 characters */
			size_t j = k - sizeof(names) / sizeof(names[0]), len = 0;
			size_t labels = j % 4 >= 2 ? 4 : 3;
			for (size_t l = 0; l < labels; l++) {
				for (int c = 0; c < 62 + (int)(j % 2); c++)
					len += (size_t)sprintf(name + len, j >= 4 ? "\\%03d" : "%c",
							       j >= 4 ? 200 : 'a' + c % 26);
				name[len++] = '.';
			}
			name[len] = '\0';
		}
		for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++)
			for (int opt = 0; opt < 16; opt++) {
				uint8_t *w1 = NULL, *w2 = NULL;
				size_t l1 = 0, l2 = 0;
				dd_dns_qopts_default(&o);
				o.edns_version = (int[]){ -1, 0, 1, 255 }[opt % 4];
				o.do_bit = opt / 4 % 2;
				o.rd = opt / 8;
				o.udp_size = (uint16_t[]){ 1232, 0, 512, 65535 }[(opt + t) % 4];
				int rc1 = ref_query_wire(q, types[t], (uint16_t)(opt * 4099), &o, &w1, &l1);
				int rc2 = dd_dns_query_wire(q, types[t], (uint16_t)(opt * 4099), &o, &w2, &l2);
				assert_int_equal(rc1, rc2);
				if (rc1 == 0) {
					assert_int_equal(l1, l2);
					assert_memory_equal(w1, w2, l1);
				}
				free(w1);
				free(w2);
				checked++;
			}
	}
	printf("msg.c vs ldns: %d queries, 0 differences\n", checked);
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
	snprintf(o->code, sizeof(o->code), "%s", r->code ? dd_dns_fail_name(r->code) : "");
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

/* The cache bounded (dd_dns_ctx_trim): entries beyond the limits go, least
 * recently used first, and are learned again, with queries, when needed. */
static void trimmed_cache_is_relearned(void **state)
{
	struct fake f = { glueless_world, 5, NULL, 0 };
	struct dd_dns_services svc = { fake_ask, NULL, &f };
	struct dd_dns_limits lim;
	struct dd_dns_ctx *ctx;
	struct outcome o;
	unsigned before, cached, relearned;

	(void)state;
	dd_dns_limits_default(&lim);
	lim.ipv6 = 0;
	assert_int_equal(dd_dns_ctx_new(&ctx, &svc, &lim, test_hints, 1), 0);
	for (int round = 0; round < 3; round++) {
		if (round == 2) {
			/* within the limits nothing goes; at zero every zone cut
			 * (test., example.test.) and the finished lookup of
			 * ns.host.test. go, and then there is nothing left */
			assert_int_equal(dd_dns_ctx_trim(ctx, 100, 100), 0);
			assert_int_equal(dd_dns_ctx_trim(ctx, 0, 0), 3);
			assert_int_equal(dd_dns_ctx_trim(ctx, 0, 0), 0);
		}
		before = f.asked;
		memset(&o, 0, sizeof(o));
		assert_int_equal(dd_dns_resolve(ctx, "www.example.test.", LDNS_RR_TYPE_A, NULL,
						on_result, &o), 0);
		pump(&f, ctx);
		assert_int_equal(o.done, 1);
		assert_string_equal(o.addr, "10.9.9.9");
		if (round == 1)
			cached = f.asked - before;
		if (round == 2)
			relearned = f.asked - before;
	}
	assert_int_equal(cached, 1); /* straight to example.test.'s server */
	assert_true(relearned > cached);
	dd_dns_ctx_free(ctx);
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
		cmocka_unit_test(ns_name_past_rdlength),
		cmocka_unit_test(hundred_ns_bounded),
		cmocka_unit_test(trimmed_cache_is_relearned),
		cmocka_unit_test(truncations_and_flips),
		cmocka_unit_test(query_has_edns_do),
		cmocka_unit_test(same_as_ldns_on_replies),
		cmocka_unit_test(same_query_as_ldns),
		cmocka_unit_test(hints_builtin_and_bad),
		cmocka_unit_test(resolves_glueless_and_cname),
		cmocka_unit_test(dependency_cycle_ends),
		cmocka_unit_test(cname_loop_detected),
		cmocka_unit_test(all_servers_fail),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
