/* msg.c: query building and reply digestion with ldns. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ldns/ldns.h>

#include "core/err.h"
#include "dns/msg.h"

static const char *const state_names[] = {
	[DD_ST_ANSWER] = "answer",
	[DD_ST_REFERRAL] = "referral",
	[DD_ST_CNAME] = "cname",
	[DD_ST_NXDOMAIN] = "nxdomain",
	[DD_ST_NODATA] = "nodata",
	[DD_ST_REFUSED] = "refused",
	[DD_ST_SERVFAIL] = "servfail",
	[DD_ST_NOTAUTH] = "notauth",
	[DD_ST_RCODE] = "rcode",
	[DD_ST_LAME] = "lame",
	[DD_ST_TIMEOUT] = "timeout",
	[DD_ST_UNREACHABLE] = "unreachable",
	[DD_ST_MALFORMED] = "malformed",
	[DD_ST_MISMATCH] = "mismatch",
	[DD_ST_TRUNCATED] = "truncated",
	[DD_ST_SKIPPED] = "skipped",
};

const char *dd_dns_state_name(enum dd_dns_state st)
{
	if ((unsigned)st < sizeof(state_names) / sizeof(state_names[0]))
		return state_names[st];
	return "unknown";
}

int dd_dns_state_ok(enum dd_dns_state st)
{
	return st == DD_ST_ANSWER || st == DD_ST_REFERRAL || st == DD_ST_CNAME ||
	       st == DD_ST_NXDOMAIN || st == DD_ST_NODATA;
}

const char *dd_dns_rcode_name(int rcode, char *buf, size_t len)
{
	static const char *const names[] = { "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
					     "NOTIMP",  "REFUSED", "YXDOMAIN", "YXRRSET",
					     "NXRRSET", "NOTAUTH", "NOTZONE" };

	if (rcode >= 0 && rcode < (int)(sizeof(names) / sizeof(names[0])))
		return names[rcode];
	if (rcode == 16)
		return "BADVERS";
	if (rcode == 23)
		return "BADCOOKIE";
	snprintf(buf, len, "RCODE%d", rcode);
	return buf;
}

const char *dd_dns_type_name(uint16_t type, char *buf, size_t len)
{
	const ldns_rr_descriptor *d = ldns_rr_descript(type);

	if (d && d->_name)
		return d->_name;
	snprintf(buf, len, "TYPE%u", type);
	return buf;
}

uint16_t dd_dns_type_from_text(const char *text)
{
	return (uint16_t)ldns_get_rr_type_by_name(text);
}

void dd_dns_qopts_default(struct dd_dns_qopts *o)
{
	o->edns_version = 0;
	o->do_bit = 1;
	o->rd = 0;
	o->udp_size = 1232;
}

int dd_dns_query_wire(const char *qname, uint16_t qtype, uint16_t id,
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
static void dname_text(const ldns_rdf *rdf, char out[DD_NAME_MAX])
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

static int owner_is(const ldns_rr *rr, const char *name)
{
	char owner[DD_NAME_MAX];

	dname_text(ldns_rr_owner(rr), owner);
	return strcasecmp(owner, name) == 0;
}

static void add_addr(struct dd_dns_addr *arr, size_t *n, const ldns_rr *rr)
{
	char *s;

	if (*n >= DD_DNS_MAX_ADDRS || ldns_rr_rd_count(rr) < 1)
		return;
	s = ldns_rdf2str(ldns_rr_rdf(rr, 0));
	if (!s)
		return;
	dname_text(ldns_rr_owner(rr), arr[*n].name);
	snprintf(arr[*n].addr, sizeof(arr[*n].addr), "%s", s);
	arr[*n].ttl = ldns_rr_ttl(rr);
	(*n)++;
	free(s);
}

/* Follow CNAMEs for name inside the answer section; returns the final name
 * in out and records the chain. */
static void follow_chain(const ldns_rr_list *ans, const char *qname, uint16_t qtype,
			 struct dd_dns_digest *d, char out[DD_NAME_MAX])
{
	snprintf(out, DD_NAME_MAX, "%s", qname);
	if (qtype == LDNS_RR_TYPE_CNAME)
		return;
	for (size_t hop = 0; hop < DD_DNS_MAX_CHAIN; hop++) {
		int found = 0;
		for (size_t i = 0; i < ldns_rr_list_rr_count(ans); i++) {
			const ldns_rr *rr = ldns_rr_list_rr(ans, i);
			if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_CNAME || !owner_is(rr, out) ||
			    ldns_rr_rd_count(rr) < 1)
				continue;
			dname_text(ldns_rr_rdf(rr, 0), out);
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

static void collect_ns(const ldns_rr_list *sec, const char *owner, struct dd_dns_digest *d)
{
	for (size_t i = 0; i < ldns_rr_list_rr_count(sec); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(sec, i);
		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_NS || !owner_is(rr, owner) ||
		    ldns_rr_rd_count(rr) < 1)
			continue;
		d->ns_total++;
		d->ns_ttl = ldns_rr_ttl(rr);
		if (d->nns >= DD_DNS_MAX_NS)
			continue;
		char nm[DD_NAME_MAX];
		dname_text(ldns_rr_rdf(rr, 0), nm);
		int dup = 0;
		for (size_t k = 0; k < d->nns; k++)
			dup |= strcasecmp(d->ns[k], nm) == 0;
		if (!dup)
			snprintf(d->ns[d->nns++], DD_NAME_MAX, "%s", nm);
	}
}

static void collect_glue(const ldns_rr_list *add, struct dd_dns_digest *d)
{
	for (size_t i = 0; i < ldns_rr_list_rr_count(add); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(add, i);
		ldns_rr_type t = ldns_rr_get_type(rr);
		if (t != LDNS_RR_TYPE_A && t != LDNS_RR_TYPE_AAAA)
			continue;
		for (size_t k = 0; k < d->nns; k++)
			if (owner_is(rr, d->ns[k])) {
				add_addr(d->glue, &d->nglue, rr);
				break;
			}
	}
}

/* The NS owner in the authority section, if any (first one). */
static int authority_ns_owner(const ldns_rr_list *auth, char out[DD_NAME_MAX])
{
	for (size_t i = 0; i < ldns_rr_list_rr_count(auth); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(auth, i);
		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_NS) {
			dname_text(ldns_rr_owner(rr), out);
			return 1;
		}
	}
	return 0;
}

static void find_soa(const ldns_rr_list *sec, struct dd_dns_digest *d)
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

static void classify_noerror(const ldns_pkt *p, const char *qname, uint16_t qtype,
			     const char *zone, struct dd_dns_digest *d)
{
	const ldns_rr_list *ans = ldns_pkt_answer(p), *auth = ldns_pkt_authority(p);
	char final[DD_NAME_MAX], owner[DD_NAME_MAX];

	follow_chain(ans, qname, qtype, d, final);
	for (size_t i = 0; i < ldns_rr_list_rr_count(ans); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(ans, i);
		ldns_rr_type t = ldns_rr_get_type(rr);
		if (!owner_is(rr, final) || (t != qtype && qtype != LDNS_RR_TYPE_ANY))
			continue;
		d->nanswer++;
		d->answer_ttl = ldns_rr_ttl(rr);
		if (t == LDNS_RR_TYPE_A || t == LDNS_RR_TYPE_AAAA)
			add_addr(d->addrs, &d->naddrs, rr);
	}
	if (qtype == LDNS_RR_TYPE_NS)
		collect_ns(ans, final, d);
	if (qtype == LDNS_RR_TYPE_SOA)
		find_soa(ans, d);
	if (d->nanswer > 0) {
		d->state = DD_ST_ANSWER;
		return;
	}
	if (d->nchain > 0) {
		snprintf(d->target, sizeof(d->target), "%s", final);
		d->state = DD_ST_CNAME;
		return;
	}
	find_soa(auth, d);
	if (authority_ns_owner(auth, owner) && !(d->flags & DD_DNS_F_AA)) {
		if (dd_name_is_subdomain(qname, owner) && dd_name_is_subdomain(owner, zone) &&
		    strcasecmp(owner, zone) != 0) {
			snprintf(d->referral, sizeof(d->referral), "%s", owner);
			collect_ns(auth, owner, d);
			collect_glue(ldns_pkt_additional(p), d);
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

int dd_dns_digest(const uint8_t *wire, size_t len, const char *qname, uint16_t qtype,
		  const char *zone, struct dd_dns_digest *d)
{
	ldns_pkt *p = NULL;
	ldns_status st;

	memset(d, 0, sizeof(*d));
	st = ldns_wire2pkt(&p, wire, len);
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
		classify_noerror(p, qname, qtype, zone, d);
		break;
	case LDNS_RCODE_NXDOMAIN: {
		char final[DD_NAME_MAX];
		follow_chain(ldns_pkt_answer(p), qname, qtype, d, final);
		find_soa(ldns_pkt_authority(p), d);
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

static char **section_text(const ldns_rr_list *l, size_t max, size_t *n)
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

void dd_dns_sections_text(const uint8_t *wire, size_t len, size_t max, char **v[3],
			  size_t n[3])
{
	ldns_pkt *p = NULL;

	for (int i = 0; i < 3; i++) {
		v[i] = NULL;
		n[i] = 0;
	}
	if (ldns_wire2pkt(&p, wire, len) != LDNS_STATUS_OK)
		return;
	v[0] = section_text(ldns_pkt_answer(p), max, &n[0]);
	v[1] = section_text(ldns_pkt_authority(p), max, &n[1]);
	v[2] = section_text(ldns_pkt_additional(p), max, &n[2]);
	ldns_pkt_free(p);
}

void dd_dns_strv_free(char **v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}
