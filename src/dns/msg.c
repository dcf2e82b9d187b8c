/* msg.c: names of states, rcodes and types, query building and reply
 * digestion. A reply is read once, without allocating per record, by a
 * reader that accepts and refuses what ldns_wire2pkt does, but for records
 * whose fields do not end at their RDLENGTH, which it refuses (wmsg.c);
 * records become text as ldns_rr2str writes them (rrtext.c). Queries are
 * written byte for byte as ldns wrote them. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ldns/ldns.h>

#include "core/err.h"
#include "dns/msg_int.h"

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

/* ---- queries ------------------------------------------------------------- */

/* One escape after a backslash, as ldns reads it (\DDD or \c); *s moves past
 * it. 0 when it is not one. */
static int text_escape(uint8_t *ch, const char **s)
{
	const char *p = *s;

	if (p[0] && isdigit((unsigned char)p[0]) && p[1] && isdigit((unsigned char)p[1]) &&
	    p[2] && isdigit((unsigned char)p[2])) {
		unsigned v = (unsigned)(p[0] - '0') * 100 + (unsigned)(p[1] - '0') * 10 +
			     (unsigned)(p[2] - '0');
		if (v > 255)
			return 0;
		*ch = (uint8_t)v;
		*s = p + 3;
		return 1;
	}
	if (p[0] && !isdigit((unsigned char)p[0])) {
		*ch = (uint8_t)p[0];
		*s = p + 1;
		return 1;
	}
	return 0;
}

/* Whether text ends in an unescaped dot (ldns_dname_str_absolute). */
static int text_absolute(const char *text)
{
	size_t n = strlen(text);

	if (strcmp(text, ".") == 0)
		return 1;
	if (n < 2 || text[n - 1] != '.')
		return 0;
	if (text[n - 2] != '\\')
		return 1;
	for (const char *s = text; *s; s++) {
		if (*s == '\\') {
			if (s[1] && s[2] && s[3] && isdigit((unsigned char)s[1]) &&
			    isdigit((unsigned char)s[2]) && isdigit((unsigned char)s[3]))
				s += 3;
			else if (!s[1] || isdigit((unsigned char)s[1]))
				return 0;
			else
				s++;
		} else if (!s[1] && *s == '.') {
			return 1;
		}
	}
	return 0;
}

/* A name in text to its wire form, accepting and refusing exactly what
 * ldns_str2rdf_dname does; the length, or 0 when it is not a name. */
static size_t name_from_text(const char *text, uint8_t buf[LDNS_MAX_DOMAINLEN + 1])
{
	size_t n = strlen(text), total = 0;
	uint8_t *q = buf + 1, *pq = buf, label = 0;

	if (n > LDNS_MAX_DOMAINLEN * 4 || n == 0)
		return 0;
	if (n == 1 && text[0] == '.') {
		buf[0] = 0;
		return 1;
	}
	for (const char *s = text; *s; s++, q++) {
		if (q >= buf + LDNS_MAX_DOMAINLEN)
			return 0;
		*q = 0;
		if (*s == '.') {
			if (label > LDNS_MAX_LABELLEN || label == 0)
				return 0;
			total += (size_t)label + 1;
			*pq = label;
			label = 0;
			pq = q;
		} else if (*s == '\\') {
			s++;
			if (!text_escape(q, &s))
				return 0;
			s--;
			label++;
		} else {
			*q = (uint8_t)*s;
			label++;
		}
	}
	if (!text_absolute(text)) {
		if (q >= buf + LDNS_MAX_DOMAINLEN || label > LDNS_MAX_LABELLEN || label == 0)
			return 0;
		total += (size_t)label + 1;
		*pq = label;
		*q = 0;
	}
	return total + 1;
}

static uint8_t *put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return p + 2;
}

/* The bytes ldns_pkt_query_new and ldns_pkt2wire made: header, question,
 * and an OPT record when EDNS is asked for with a buffer size or DO (ldns
 * adds none for version alone). */
int dd_dns_query_wire(const char *qname, uint16_t qtype, uint16_t id,
		      const struct dd_dns_qopts *o, uint8_t **wire, size_t *len)
{
	uint8_t name[LDNS_MAX_DOMAINLEN + 1], *w, *p;
	size_t nlen = name_from_text(qname, name);
	int opt = o->edns_version >= 0 && (o->udp_size > 0 || o->do_bit);
	size_t size;

	if (nlen == 0)
		return DD_ENAME;
	size = LDNS_HEADER_SIZE + nlen + 4 + (opt ? 11 : 0);
	if (!(w = malloc(size)))
		return DD_ENOMEM;
	p = put16(w, id);
	*p++ = o->rd ? 0x01 : 0; /* RD; QR, opcode, AA, TC clear */
	*p++ = 0;
	p = put16(p, 1);
	p = put16(p, 0);
	p = put16(p, 0);
	p = put16(p, opt ? 1 : 0);
	memcpy(p, name, nlen);
	p += nlen;
	p = put16(p, qtype ? qtype : LDNS_RR_TYPE_A);
	p = put16(p, LDNS_RR_CLASS_IN);
	if (opt) {
		*p++ = 0; /* the root */
		p = put16(p, LDNS_RR_TYPE_OPT);
		p = put16(p, o->udp_size);
		*p++ = 0; /* extended rcode */
		*p++ = (uint8_t)o->edns_version;
		p = put16(p, o->do_bit ? DD_EDNS_DO : 0);
		p = put16(p, 0);
	}
	*wire = w;
	*len = size;
	return 0;
}

/* ---- digesting a reply ---------------------------------------------------- */

/* snprintf(out, DD_NAME_MAX, "%s", name), without printf. */
static void copy_name(char out[DD_NAME_MAX], const char *name)
{
	size_t n = strnlen(name, DD_NAME_MAX - 1);

	memcpy(out, name, n);
	out[n] = '\0';
}

/* The name at pos as the digest compares names: its text in lower case,
 * cut to DD_NAME_MAX - 1 characters. */
static void canon_name(struct wmsg *m, size_t pos, char out[DD_NAME_MAX])
{
	uint8_t name[LDNS_MAX_DOMAINLEN];
	char text[1024];
	size_t size = dd_wmsg_name(m, pos, name), n = dd_rr_name_text(name, size, text);

	if (n >= DD_NAME_MAX)
		n = DD_NAME_MAX - 1;
	for (size_t i = 0; i < n; i++)
		out[i] = (text[i] >= 'A' && text[i] <= 'Z') ? (char)(text[i] + 32) : text[i];
	out[n] = '\0';
}

static int owner_is(struct wmsg *m, const struct wrr *r, const char *name)
{
	char owner[DD_NAME_MAX];

	canon_name(m, r->start, owner);
	return strcasecmp(owner, name) == 0;
}

/* Where the first field of r starts (it has one). */
static size_t first_field(const struct wrr *r)
{
	return r->rdlen + 2;
}

static void add_addr(struct wmsg *m, struct dd_dns_addr *arr, size_t *n,
		     const struct wrr *r, const char owner[DD_NAME_MAX])
{
	struct dd_dns_addr *a;
	const uint8_t *d = m->w + first_field(r);

	if (*n >= DD_DNS_MAX_ADDRS || r->nfields < 1)
		return;
	a = &arr[(*n)++];
	copy_name(a->name, owner);
	if (r->type == LDNS_RR_TYPE_A)
		dd_rr_a_text(d, a->addr);
	else
		dd_rr_aaaa_text(d, a->addr);
	a->ttl = r->ttl;
}

/* Follow CNAMEs for name inside the answer section; returns the final name
 * in out and records the chain. */
static void follow_chain(struct wmsg *m, const char *qname, uint16_t qtype,
			 struct dd_dns_digest *d, char out[DD_NAME_MAX])
{
	size_t n;
	const struct wrr *ans = dd_wmsg_section(m, 0, &n);

	copy_name(out, qname);
	if (qtype == LDNS_RR_TYPE_CNAME)
		return;
	for (size_t hop = 0; hop < DD_DNS_MAX_CHAIN; hop++) {
		int found = 0;
		for (size_t i = 0; i < n; i++) {
			const struct wrr *r = &ans[i];
			if (r->type != LDNS_RR_TYPE_CNAME || !owner_is(m, r, out) || r->nfields < 1)
				continue;
			canon_name(m, first_field(r), out);
			copy_name(d->chain[d->nchain++], out);
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

static void collect_ns(struct wmsg *m, int sec, const char *owner, struct dd_dns_digest *d)
{
	size_t n;
	const struct wrr *rr = dd_wmsg_section(m, sec, &n);

	for (size_t i = 0; i < n; i++) {
		const struct wrr *r = &rr[i];
		if (r->type != LDNS_RR_TYPE_NS || !owner_is(m, r, owner) || r->nfields < 1)
			continue;
		d->ns_total++;
		d->ns_ttl = r->ttl;
		if (d->nns >= DD_DNS_MAX_NS)
			continue;
		char nm[DD_NAME_MAX];
		canon_name(m, first_field(r), nm);
		int dup = 0;
		for (size_t k = 0; k < d->nns; k++)
			dup |= strcasecmp(d->ns[k], nm) == 0;
		if (!dup)
			copy_name(d->ns[d->nns++], nm);
	}
}

static void collect_glue(struct wmsg *m, struct dd_dns_digest *d)
{
	size_t n;
	const struct wrr *add = dd_wmsg_section(m, 2, &n);

	for (size_t i = 0; i < n; i++) {
		const struct wrr *r = &add[i];
		char owner[DD_NAME_MAX];
		if (r->type != LDNS_RR_TYPE_A && r->type != LDNS_RR_TYPE_AAAA)
			continue;
		if (d->nns > 0)
			canon_name(m, r->start, owner);
		for (size_t k = 0; k < d->nns; k++)
			if (strcasecmp(owner, d->ns[k]) == 0) {
				add_addr(m, d->glue, &d->nglue, r, owner);
				break;
			}
	}
}

/* The NS owner in the authority section, if any (first one). */
static int authority_ns_owner(struct wmsg *m, char out[DD_NAME_MAX])
{
	size_t n;
	const struct wrr *auth = dd_wmsg_section(m, 1, &n);

	for (size_t i = 0; i < n; i++)
		if (auth[i].type == LDNS_RR_TYPE_NS) {
			canon_name(m, auth[i].start, out);
			return 1;
		}
	return 0;
}

static void find_soa(struct wmsg *m, int sec, struct dd_dns_digest *d)
{
	size_t n;
	const struct wrr *rr = dd_wmsg_section(m, sec, &n);

	for (size_t i = 0; i < n; i++)
		if (rr[i].type == LDNS_RR_TYPE_SOA && rr[i].nfields >= 3) {
			struct field f;
			dd_wmsg_field(m, &rr[i], 2, &f);
			d->has_soa = 1;
			d->soa_serial = get32(m->w + f.pos);
			return;
		}
}

static void classify_noerror(struct wmsg *m, const char *qname, uint16_t qtype,
			     const char *zone, struct dd_dns_digest *d)
{
	char final[DD_NAME_MAX], owner[DD_NAME_MAX];
	size_t n;
	const struct wrr *ans = dd_wmsg_section(m, 0, &n);

	follow_chain(m, qname, qtype, d, final);
	for (size_t i = 0; i < n; i++) {
		const struct wrr *r = &ans[i];
		canon_name(m, r->start, owner);
		if (strcasecmp(owner, final) != 0 || (r->type != qtype && qtype != LDNS_RR_TYPE_ANY))
			continue;
		d->nanswer++;
		d->answer_ttl = r->ttl;
		if (r->type == LDNS_RR_TYPE_A || r->type == LDNS_RR_TYPE_AAAA)
			add_addr(m, d->addrs, &d->naddrs, r, owner);
	}
	if (qtype == LDNS_RR_TYPE_NS)
		collect_ns(m, 0, final, d);
	if (qtype == LDNS_RR_TYPE_SOA)
		find_soa(m, 0, d);
	if (d->nanswer > 0) {
		d->state = DD_ST_ANSWER;
		return;
	}
	if (d->nchain > 0) {
		copy_name(d->target, final);
		d->state = DD_ST_CNAME;
		return;
	}
	find_soa(m, 1, d);
	if (authority_ns_owner(m, owner) && !(d->flags & DD_DNS_F_AA)) {
		if (dd_name_is_subdomain(qname, owner) && dd_name_is_subdomain(owner, zone) &&
		    strcasecmp(owner, zone) != 0) {
			copy_name(d->referral, owner);
			collect_ns(m, 1, owner, d);
			collect_glue(m, d);
			d->state = DD_ST_REFERRAL;
			return;
		}
		d->state = DD_ST_LAME;
		copy_name(d->referral, owner);
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

/* Every field a reader may look at, without touching the arrays (27 KB)
 * past their counts. */
static void digest_clear(struct dd_dns_digest *d)
{
	d->state = DD_ST_ANSWER;
	d->rcode = 0;
	d->flags = 0;
	d->edns = d->edns_version = d->edns_do = 0;
	d->edns_udp = 0;
	d->referral[0] = d->target[0] = d->detail[0] = '\0';
	d->nns = d->ns_total = d->nglue = d->naddrs = d->nchain = d->nanswer = 0;
	d->ns_ttl = d->soa_serial = d->answer_ttl = 0;
	d->has_soa = 0;
}

int dd_dns_digest(const uint8_t *wire, size_t len, const char *qname, uint16_t qtype,
		  const char *zone, struct dd_dns_digest *d)
{
	struct wmsg m;
	ldns_status st;

	digest_clear(d);
	st = dd_wmsg_read(&m, wire, len);
	if (st != LDNS_STATUS_OK) {
		dd_wmsg_free(&m);
		d->state = DD_ST_MALFORMED;
		snprintf(d->detail, sizeof(d->detail), "reply does not parse: %s",
			 ldns_get_errorstr_by_id(st));
		return DD_EMALFORMED;
	}
	d->flags = (wire[2] & 0x80 ? DD_DNS_F_QR : 0) | (wire[2] & 0x04 ? DD_DNS_F_AA : 0) |
		   (wire[2] & 0x02 ? DD_DNS_F_TC : 0) | (wire[2] & 0x01 ? DD_DNS_F_RD : 0) |
		   (wire[3] & 0x80 ? DD_DNS_F_RA : 0) | (wire[3] & 0x20 ? DD_DNS_F_AD : 0) |
		   (wire[3] & 0x10 ? DD_DNS_F_CD : 0);
	d->rcode = wire[3] & 0x0f;
	if (m.edns) {
		d->edns = 1;
		d->edns_version = (int)m.edns_version;
		d->edns_do = (int)m.edns_do;
		d->edns_udp = (uint16_t)m.edns_udp;
		d->rcode |= (int)m.edns_ext_rcode << 4;
	}
	switch (d->rcode) {
	case LDNS_RCODE_NOERROR:
		classify_noerror(&m, qname, qtype, zone, d);
		break;
	case LDNS_RCODE_NXDOMAIN: {
		char final[DD_NAME_MAX];
		follow_chain(&m, qname, qtype, d, final);
		find_soa(&m, 1, d);
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
	dd_wmsg_free(&m);
	return 0;
}
