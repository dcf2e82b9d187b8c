/* msg.c: query building, reply digestion and records as text. A reply is
 * read once, without allocating per record, by a reader that accepts and
 * refuses exactly what ldns_wire2pkt does; records are written as
 * ldns_rr2str writes them, by ldns itself for the rare field types not
 * written here. Queries are written byte for byte as ldns wrote them. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <ldns/ldns.h>

#include "core/err.h"
#include "dns/msg.h"

#define DD_EDNS_DO 0x8000 /* the DO bit in the low half of the OPT record's TTL */

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

/* ---- reading a reply --------------------------------------------------- */
/* What follows reads a reply as ldns_wire2pkt does, with its checks in the
 * same order and the same error codes, and its quirks: a record's next one
 * starts where its last field ended (not where its length says), a name in
 * rdata may run past the rdata, OPT and TSIG records leave the additional
 * section and a TSIG shortens it by one. It allocates nothing per record:
 * records are kept as offsets into the wire. */

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Chains of pointers to pointers, remembered once a reply's names follow
 * long ones (never in a real reply): the chain from the pointer stored at
 * p < CHAIN_POS has hops[p] pointers and reaches the label at end[p]. */
#define CHAIN_POS 16384 /* pointers reach 14 bits */
#define CHAIN_LONG 8    /* a chain this long is remembered */

struct chains {
	uint16_t hops[CHAIN_POS]; /* 0: not known */
	uint16_t end[CHAIN_POS];
};

static unsigned ptr_target(const uint8_t *w, size_t pos)
{
	return (unsigned)(w[pos] & 63) << 8 | w[pos + 1];
}

/* Remember the chain from the pointer at p, which has hops pointers and
 * reaches end (all already followed without error). */
static void chains_learn(struct chains *c, const uint8_t *w, size_t p, size_t hops, size_t end)
{
	for (; hops > 0 && w[p] >= 192; hops--, p = ptr_target(w, p)) {
		if (p >= CHAIN_POS)
			continue;
		if (c->hops[p])
			return;
		c->hops[p] = (uint16_t)hops;
		c->end[p] = (uint16_t)end;
	}
}

/* The name at *pos (ldns_wire2dname): out gets it uncompressed with its
 * final zero (LDNS_MAX_DOMAINLEN bytes at most), *size its length. Where
 * ldns goes round a cycle of pointers until it has followed
 * LDNS_MAX_POINTERS, this stops as soon as the cycle is certain (Brent's
 * method: a position kept at each power of two hops comes back), with the
 * same error; long chains are followed once (c). */
static ldns_status wire_name(const uint8_t *w, size_t max, struct chains **c, size_t *pos,
			     uint8_t out[LDNS_MAX_DOMAINLEN], size_t *size)
{
	size_t n = 0, resume = 0, pointers = 0;
	uint8_t label;

	if (*pos >= max)
		return LDNS_STATUS_PACKET_OVERFLOW;
	label = w[*pos];
	while (label > 0) {
		size_t chain = 0, first = 0, before = pointers, kept = SIZE_MAX, power = 1;
		while (label >= 192) {
			if (resume == 0)
				resume = *pos + 2;
			if (*c && *pos < CHAIN_POS && (*c)->hops[*pos]) {
				pointers += (*c)->hops[*pos];
				if (pointers > LDNS_MAX_POINTERS)
					return LDNS_STATUS_INVALID_POINTER;
				*pos = (*c)->end[*pos];
				label = w[*pos];
				continue;
			}
			pointers++;
			if (*pos + 2 > max)
				return LDNS_STATUS_PACKET_OVERFLOW;
			size_t target = ptr_target(w, *pos);
			if (target == 0 || target >= max || pointers > LDNS_MAX_POINTERS)
				return LDNS_STATUS_INVALID_POINTER;
			if (chain++ == 0)
				first = *pos;
			*pos = target;
			if (*pos == kept) /* a cycle of pointers */
				return LDNS_STATUS_INVALID_POINTER;
			if (chain == power) {
				kept = *pos;
				power *= 2;
			}
			label = w[*pos];
		}
		if (chain > CHAIN_LONG) {
			if (!*c)
				*c = calloc(1, sizeof(**c));
			if (*c)
				chains_learn(*c, w, first, pointers - before, *pos);
		}
		if (label == 0)
			break;
		if (label > LDNS_MAX_LABELLEN || *pos + 1 + label > max)
			return LDNS_STATUS_LABEL_OVERFLOW;
		if (n + 1 > LDNS_MAX_DOMAINLEN)
			return LDNS_STATUS_DOMAINNAME_OVERFLOW;
		out[n++] = label;
		*pos += 1;
		if (n + label > LDNS_MAX_DOMAINLEN)
			return LDNS_STATUS_DOMAINNAME_OVERFLOW;
		memcpy(out + n, w + *pos, label);
		n += label;
		*pos += label;
		if (*pos < max)
			label = w[*pos];
	}
	*pos = resume > 0 ? resume : *pos + 1;
	if (n >= LDNS_MAX_DOMAINLEN)
		return LDNS_STATUS_DOMAINNAME_OVERFLOW;
	out[n++] = 0;
	*size = n;
	return LDNS_STATUS_OK;
}

/* The fields of one record's rdata, read one after the other as
 * ldns_wire2rdf reads them. */
struct fields {
	const uint8_t *w;
	size_t max, pos, end, nmax;
	uint8_t index; /* a byte in ldns too: past 255 fields it starts again */
	int again;     /* read before without error: names are only skipped */
	struct chains **chains;
	const ldns_rr_descriptor *desc;
};

/* One field: its type, where its bytes start (for a name: where the name
 * starts in the wire) and its size (for a name: uncompressed, or 0 when
 * read again). */
struct field {
	ldns_rdf_type type;
	size_t pos, size;
};

/* Start at the rdata length field at *pos; *pos moves past it. */
static ldns_status fields_begin(struct fields *f, const uint8_t *w, size_t max,
				struct chains **c, size_t *pos, uint16_t type)
{
	size_t rdlen;

	f->desc = ldns_rr_descript(type);
	if (*pos + 2 > max)
		return LDNS_STATUS_PACKET_OVERFLOW;
	rdlen = get16(w + *pos);
	*pos += 2;
	if (*pos + rdlen > max)
		return LDNS_STATUS_PACKET_OVERFLOW;
	f->w = w;
	f->max = max;
	f->chains = c;
	f->pos = *pos;
	f->end = *pos + rdlen;
	f->index = 0;
	f->again = 0;
	f->nmax = ldns_rr_descriptor_maximum(f->desc);
	return LDNS_STATUS_OK;
}

/* Past a name read before without error: it ends after its first pointer
 * or its final zero. */
static size_t skip_name(const uint8_t *w, size_t pos)
{
	while (w[pos] != 0 && w[pos] < 192)
		pos += (size_t)w[pos] + 1;
	return pos + (w[pos] ? 2 : 1);
}

/* The next field: 1, 0 after the last one, or -1 with *st set. */
static int fields_next(struct fields *f, struct field *out, ldns_status *st)
{
	while (f->pos < f->end && f->index < f->nmax) {
		ldns_rdf_type t = ldns_rr_descriptor_field_type(f->desc, f->index++);
		size_t len = 0;
		switch (t) {
		case LDNS_RDF_TYPE_DNAME: {
			uint8_t name[LDNS_MAX_DOMAINLEN];
			out->type = t;
			out->pos = f->pos;
			if (f->again) {
				out->size = 0;
				f->pos = skip_name(f->w, f->pos);
				return 1;
			}
			*st = wire_name(f->w, f->max, f->chains, &f->pos, name, &out->size);
			return *st == LDNS_STATUS_OK ? 1 : -1;
		}
		case LDNS_RDF_TYPE_CLASS:
		case LDNS_RDF_TYPE_ALG:
		case LDNS_RDF_TYPE_CERTIFICATE_USAGE:
		case LDNS_RDF_TYPE_SELECTOR:
		case LDNS_RDF_TYPE_MATCHING_TYPE:
		case LDNS_RDF_TYPE_INT8:
			len = 1;
			break;
		case LDNS_RDF_TYPE_TYPE:
		case LDNS_RDF_TYPE_INT16:
		case LDNS_RDF_TYPE_CERT_ALG:
			len = 2;
			break;
		case LDNS_RDF_TYPE_TIME:
		case LDNS_RDF_TYPE_INT32:
		case LDNS_RDF_TYPE_A:
		case LDNS_RDF_TYPE_PERIOD:
			len = 4;
			break;
		case LDNS_RDF_TYPE_TSIGTIME:
		case LDNS_RDF_TYPE_EUI48:
			len = 6;
			break;
		case LDNS_RDF_TYPE_ILNP64:
		case LDNS_RDF_TYPE_EUI64:
			len = 8;
			break;
		case LDNS_RDF_TYPE_AAAA:
			len = 16;
			break;
		case LDNS_RDF_TYPE_STR:
		case LDNS_RDF_TYPE_NSEC3_SALT:
		case LDNS_RDF_TYPE_TAG:
		case LDNS_RDF_TYPE_B32_EXT:
		case LDNS_RDF_TYPE_NSEC3_NEXT_OWNER:
			len = (size_t)f->w[f->pos] + 1;
			break;
		case LDNS_RDF_TYPE_INT16_DATA:
			if (f->pos + 2 > f->end) {
				*st = LDNS_STATUS_PACKET_OVERFLOW;
				return -1;
			}
			len = (size_t)get16(f->w + f->pos) + 2;
			break;
		case LDNS_RDF_TYPE_HIP:
			if (f->pos + 4 > f->end) {
				*st = LDNS_STATUS_PACKET_OVERFLOW;
				return -1;
			}
			len = (size_t)f->w[f->pos] + get16(f->w + f->pos + 2) + 4;
			break;
		default: /* APL, B64, HEX, NSEC, UNKNOWN, ...: the rest of the rdata */
			len = f->end - f->pos;
			break;
		}
		if (len == 0)
			continue;
		if (len + f->pos > f->end) {
			*st = LDNS_STATUS_PACKET_OVERFLOW;
			return -1;
		}
		out->type = t;
		out->pos = f->pos;
		out->size = len;
		f->pos += len;
		return 1;
	}
	return 0;
}

/* A record of the reply, by offsets. */
struct wrr {
	size_t start;  /* its owner name: where ldns_wire2rr would start */
	size_t rdlen;  /* its rdata length field */
	size_t nfields; /* fields read (ldns_rr_rd_count) */
	uint32_t ttl;
	uint16_t type, klass;
};

#define WMSG_LOCAL 48 /* records kept without allocating */

/* A reply read: answer, authority and additional records (OPT and TSIG
 * left out) in order, and EDNS as ldns_pkt_edns* would give it. */
struct wmsg {
	const uint8_t *w;
	size_t len;
	struct wrr *rr;
	size_t n[3], total, cap;
	struct chains *chains; /* NULL but for long pointer chains */
	int edns;
	unsigned edns_udp, edns_ext_rcode, edns_version, edns_do;
	struct wrr local[WMSG_LOCAL];
};

/* Read the record at *pos (ldns_wire2rr); questions have no TTL nor rdata. */
static ldns_status read_rr(const uint8_t *w, size_t max, struct chains **c, size_t *pos,
			   int question, struct wrr *r)
{
	uint8_t name[LDNS_MAX_DOMAINLEN];
	size_t size;
	ldns_status st;
	struct fields f;
	struct field fl;

	r->start = *pos;
	if ((st = wire_name(w, max, c, pos, name, &size)) != LDNS_STATUS_OK)
		return st;
	if (*pos + 4 > max)
		return LDNS_STATUS_PACKET_OVERFLOW;
	r->type = get16(w + *pos);
	r->klass = get16(w + *pos + 2);
	*pos += 4;
	if (question)
		return LDNS_STATUS_OK;
	if (*pos + 4 > max)
		return LDNS_STATUS_PACKET_OVERFLOW;
	r->ttl = get32(w + *pos);
	*pos += 4;
	r->rdlen = *pos;
	if ((st = fields_begin(&f, w, max, c, pos, r->type)) != LDNS_STATUS_OK)
		return st;
	r->nfields = 0;
	for (int k; (k = fields_next(&f, &fl, &st)) != 0; r->nfields++)
		if (k < 0)
			return st;
	*pos = f.pos;
	return LDNS_STATUS_OK;
}

static int wmsg_push(struct wmsg *m, const struct wrr *r)
{
	if (m->total == m->cap) {
		size_t cap = m->cap * 2;
		struct wrr *rr = m->rr == m->local ? malloc(cap * sizeof(*rr))
						    : realloc(m->rr, cap * sizeof(*rr));
		if (!rr)
			return -1;
		if (m->rr == m->local)
			memcpy(rr, m->local, sizeof(m->local));
		m->rr = rr;
		m->cap = cap;
	}
	m->rr[m->total++] = *r;
	return 0;
}

static void wmsg_free(struct wmsg *m)
{
	if (m->rr != m->local)
		free(m->rr);
	m->rr = m->local;
	free(m->chains);
	m->chains = NULL;
}

/* Read a reply; LDNS_STATUS_OK, or the status ldns_wire2pkt returns for
 * it. Free with wmsg_free either way. */
static ldns_status wmsg_read(struct wmsg *m, const uint8_t *w, size_t len)
{
	static const ldns_status incomplete[4] = {
		LDNS_STATUS_WIRE_INCOMPLETE_QUESTION, LDNS_STATUS_WIRE_INCOMPLETE_ANSWER,
		LDNS_STATUS_WIRE_INCOMPLETE_AUTHORITY, LDNS_STATUS_WIRE_INCOMPLETE_ADDITIONAL
	};
	size_t pos = LDNS_HEADER_SIZE;
	unsigned count[4], opts = 0, has_data = 0, z = 0;
	struct wrr r;

	m->w = w;
	m->len = len;
	m->rr = m->local;
	m->cap = WMSG_LOCAL;
	m->total = m->n[0] = m->n[1] = m->n[2] = 0;
	m->chains = NULL;
	m->edns = 0;
	m->edns_udp = m->edns_ext_rcode = m->edns_version = m->edns_do = 0;
	if (len < LDNS_HEADER_SIZE)
		return LDNS_STATUS_WIRE_INCOMPLETE_HEADER;
	for (int s = 0; s < 4; s++)
		count[s] = get16(w + 4 + 2 * s);
	for (int s = 0; s < 4; s++) {
		for (unsigned i = 0; i < count[s]; i++) {
			ldns_status st = read_rr(w, len, &m->chains, &pos, s == 0, &r);
			if (st != LDNS_STATUS_OK)
				return st == LDNS_STATUS_PACKET_OVERFLOW ? incomplete[s] : st;
			if (s == 0)
				continue;
			if (s == 3 && r.type == LDNS_RR_TYPE_OPT) {
				m->edns_udp = r.klass;
				m->edns_ext_rcode = r.ttl >> 24;
				m->edns_version = (r.ttl >> 16) & 0xff;
				z = r.ttl & 0xffff;
				has_data |= r.nfields > 0;
				opts = (opts + 1) & 0xff; /* ldns counts them in a byte */
				continue;
			}
			if (s == 3 && r.type == LDNS_RR_TYPE_TSIG) {
				count[3]--; /* ldns lowers the count it loops to */
				continue;
			}
			if (wmsg_push(m, &r) != 0)
				return LDNS_STATUS_MEM_ERR;
			m->n[s - 1]++;
		}
	}
	m->edns_do = (z & DD_EDNS_DO) != 0;
	m->edns = m->edns_udp > 0 || m->edns_ext_rcode > 0 || has_data || m->edns_do || opts;
	return LDNS_STATUS_OK;
}

/* Section s's records (0 answer, 1 authority, 2 additional). */
static const struct wrr *wmsg_section(struct wmsg *m, int s, size_t *n)
{
	size_t first = 0;

	for (int k = 0; k < s; k++)
		first += m->n[k];
	*n = m->n[s];
	return m->rr + first;
}

/* Field i of record r (it has more than i). */
static void wmsg_field(struct wmsg *m, const struct wrr *r, size_t i, struct field *out)
{
	struct fields f;
	size_t pos = r->rdlen;
	ldns_status st;

	fields_begin(&f, m->w, m->len, &m->chains, &pos, r->type);
	f.again = 1;
	for (size_t k = 0; k <= i; k++)
		fields_next(&f, out, &st);
}

/* The uncompressed name at pos (read once already, so it reads again). */
static size_t wmsg_name(struct wmsg *m, size_t pos, uint8_t out[LDNS_MAX_DOMAINLEN])
{
	size_t size = 1;

	out[0] = 0;
	wire_name(m->w, m->len, &m->chains, &pos, out, &size);
	return size;
}

/* ---- records as text ---------------------------------------------------- */
/* What ldns_rr2str writes with its default format, written here for the
 * field types of the common records; a record with a field of another type
 * is handed to ldns itself. */

/* An uncompressed name as ldns_rdf2buffer_str_dname writes it into out
 * (1024 bytes: 4 per byte at most); the length. ldns asks isascii and
 * isgraph, which in the C locale (dnsdeps never sets another) are the
 * bytes from '!' to '~'. */
static size_t name_text(const uint8_t *name, size_t size, char *out)
{
	size_t k = 0, i = 0;

	if (size == 1) {
		out[0] = '.';
		return 1;
	}
	for (uint8_t len = name[0]; len > 0 && i < size; len = name[i]) {
		i++;
		for (uint8_t j = 0; j < len; j++, i++) {
			unsigned char c = name[i];
			if (c == '.' || c == ';' || c == '(' || c == ')' || c == '\\') {
				out[k++] = '\\';
				out[k++] = (char)c;
			} else if (c < '!' || c > '~') {
				out[k++] = '\\';
				out[k++] = (char)('0' + c / 100);
				out[k++] = (char)('0' + c / 10 % 10);
				out[k++] = (char)('0' + c % 10);
			} else {
				out[k++] = (char)c;
			}
		}
		if (i < size)
			out[k++] = '.';
	}
	return k;
}

/* A growing string; oom is set when it could not grow. */
struct sbuf {
	char *p;
	size_t len, cap;
	int oom;
};

/* Room for n more characters and a NUL; NULL when out of memory. */
static char *sb_room(struct sbuf *b, size_t n)
{
	if (b->oom)
		return NULL;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *p = realloc(b->p, cap);
		if (!p) {
			b->oom = 1;
			return NULL;
		}
		b->p = p;
		b->cap = cap;
	}
	return b->p + b->len;
}

static void sb_put(struct sbuf *b, const char *s, size_t n)
{
	char *p = sb_room(b, n);

	if (p) {
		memcpy(p, s, n);
		b->len += n;
	}
}

static void sb_str(struct sbuf *b, const char *s)
{
	sb_put(b, s, strlen(s));
}

static void sb_uint(struct sbuf *b, unsigned long v)
{
	char tmp[24];
	size_t k = sizeof(tmp);

	do {
		tmp[--k] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	sb_put(b, tmp + k, sizeof(tmp) - k);
}

static void sb_hex(struct sbuf *b, const uint8_t *d, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char *p = sb_room(b, 2 * n);

	if (!p)
		return;
	for (size_t i = 0; i < n; i++) {
		*p++ = hex[d[i] >> 4];
		*p++ = hex[d[i] & 15];
	}
	b->len += 2 * n;
}

static void sb_name(struct sbuf *b, struct wmsg *m, size_t pos)
{
	uint8_t name[LDNS_MAX_DOMAINLEN];
	size_t size = wmsg_name(m, pos, name);
	char *p = sb_room(b, 1024);

	if (p)
		b->len += name_text(name, size, p);
}

/* A type: in rdata as ldns_rdf2buffer_str_type_fmt writes it, as a
 * record's type (rr) as ldns_rr_type2buffer_str does, which names the
 * meta types first. */
static void sb_type(struct sbuf *b, uint16_t type, int rr)
{
	static const char *const meta[] = { "IXFR", "AXFR", "MAILB", "MAILA", "ANY" };
	const ldns_rr_descriptor *d;

	if (rr && type >= LDNS_RR_TYPE_IXFR && type <= LDNS_RR_TYPE_ANY) {
		sb_str(b, meta[type - LDNS_RR_TYPE_IXFR]);
		return;
	}
	d = ldns_rr_descript(type);
	if (d && d->_name) {
		sb_str(b, d->_name);
	} else {
		sb_str(b, "TYPE");
		sb_uint(b, type);
	}
}

static void sb_class(struct sbuf *b, uint16_t klass)
{
	switch (klass) {
	case LDNS_RR_CLASS_IN:
		sb_str(b, "IN");
		break;
	case LDNS_RR_CLASS_CH:
		sb_str(b, "CH");
		break;
	case LDNS_RR_CLASS_HS:
		sb_str(b, "HS");
		break;
	case LDNS_RR_CLASS_NONE:
		sb_str(b, "NONE");
		break;
	case LDNS_RR_CLASS_ANY:
		sb_str(b, "ANY");
		break;
	default:
		sb_str(b, "CLASS");
		sb_uint(b, klass);
	}
}

/* An IPv4 address as inet_ntop writes it; the length written into out
 * (16 bytes at most, with the NUL). */
static size_t a_text(const uint8_t *a, char *out)
{
	char *p = out;

	for (int i = 0; i < 4; i++) {
		unsigned v = a[i];
		if (i)
			*p++ = '.';
		if (v >= 100)
			*p++ = (char)('0' + v / 100);
		if (v >= 10)
			*p++ = (char)('0' + v / 10 % 10);
		*p++ = (char)('0' + v % 10);
	}
	*p = '\0';
	return (size_t)(p - out);
}

/* An IPv6 address as glibc's inet_ntop writes it: the first longest run of
 * two or more zero words as "::", an IPv4 tail after ::ffff: or ::. The
 * length written into out (46 bytes at most, with the NUL). */
static size_t aaaa_text(const uint8_t *a, char out[DD_DNS_ADDR_MAX])
{
	unsigned words[8];
	int best = -1, bestlen = 0, cur = -1, curlen = 0;
	char *p = out;

	for (int i = 0; i < 8; i++) {
		words[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
		if (words[i] == 0) {
			if (cur == -1)
				cur = i, curlen = 0;
			curlen++;
		} else if (cur != -1) {
			if (best == -1 || curlen > bestlen)
				best = cur, bestlen = curlen;
			cur = -1;
		}
	}
	if (cur != -1 && (best == -1 || curlen > bestlen))
		best = cur, bestlen = curlen;
	if (best != -1 && bestlen < 2)
		best = -1;
	for (int i = 0; i < 8; i++) {
		if (best != -1 && i >= best && i < best + bestlen) {
			if (i == best)
				*p++ = ':';
			continue;
		}
		if (i != 0)
			*p++ = ':';
		if (i == 6 && best == 0 && (bestlen == 6 || (bestlen == 5 && words[5] == 0xffff))) {
			p += a_text(a + 12, p);
			break;
		}
		for (int shift = 12; shift >= 0; shift -= 4) /* %x: no leading zeros */
			if (words[i] >> shift || shift == 0)
				*p++ = "0123456789abcdef"[words[i] >> shift & 15];
	}
	if (best != -1 && best + bestlen == 8)
		*p++ = ':';
	*p = '\0';
	return (size_t)(p - out);
}

static void sb_b64(struct sbuf *b, const uint8_t *d, size_t n)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *p = sb_room(b, (n + 2) / 3 * 4);
	size_t i = 0;

	if (!p)
		return;
	for (; i + 2 < n; i += 3) {
		*p++ = tab[d[i] >> 2];
		*p++ = tab[(d[i] & 3) << 4 | d[i + 1] >> 4];
		*p++ = tab[(d[i + 1] & 15) << 2 | d[i + 2] >> 6];
		*p++ = tab[d[i + 2] & 63];
	}
	if (i < n) {
		unsigned b1 = i + 1 < n ? d[i + 1] : 0;
		*p++ = tab[d[i] >> 2];
		*p++ = tab[(d[i] & 3) << 4 | b1 >> 4];
		*p++ = i + 1 < n ? tab[(b1 & 15) << 2] : '=';
		*p++ = '=';
	}
	b->len = (size_t)(p - b->p);
}

/* Base32 with the extended hex alphabet and padding (ldns_b32_ntop_extended_hex). */
static void sb_b32(struct sbuf *b, const uint8_t *d, size_t n)
{
	static const char tab[] = "0123456789abcdefghijklmnopqrstuv";
	char *p = sb_room(b, (n + 4) / 5 * 8);

	if (!p)
		return;
	for (size_t i = 0; i < n; i += 5) {
		uint8_t c[5] = { 0 };
		size_t k = n - i < 5 ? n - i : 5;
		memcpy(c, d + i, k);
		char o[8] = { tab[c[0] >> 3],
			      tab[(c[0] & 7) << 2 | c[1] >> 6],
			      tab[(c[1] >> 1) & 31],
			      tab[(c[1] & 1) << 4 | c[2] >> 4],
			      tab[(c[2] & 15) << 1 | c[3] >> 7],
			      tab[(c[3] >> 2) & 31],
			      tab[(c[3] & 3) << 3 | c[4] >> 5],
			      tab[c[4] & 31] };
		static const int chars[6] = { 0, 2, 4, 5, 7, 8 };
		for (int j = chars[k]; j < 8; j++)
			o[j] = '=';
		memcpy(p, o, 8);
		p += 8;
	}
	b->len = (size_t)(p - b->p);
}

/* A character-string as ldns_rdf2buffer_str_str writes it (isprint in the
 * C locale: the bytes from ' ' to '~'). */
static void sb_chars(struct sbuf *b, const uint8_t *d)
{
	char *p = sb_room(b, 4 * (size_t)d[0] + 2);

	if (!p)
		return;
	*p++ = '"';
	for (size_t i = 1; i <= d[0]; i++) {
		uint8_t ch = d[i];
		if ((ch >= ' ' && ch <= '~') || ch == '\t') {
			if (ch == '"' || ch == '\\')
				*p++ = '\\';
			*p++ = (char)ch;
		} else {
			*p++ = '\\';
			*p++ = (char)('0' + d[i] / 100);
			*p++ = (char)('0' + d[i] / 10 % 10);
			*p++ = (char)('0' + d[i] % 10);
		}
	}
	*p++ = '"';
	b->len = (size_t)(p - b->p);
}

/* An NSEC type bitmap; -1 when a window runs past the field (ldns fails). */
static int sb_bitmap(struct sbuf *b, const uint8_t *d, size_t size)
{
	size_t pos = 0;

	while (pos + 2 < size) {
		unsigned window = d[pos], len = d[pos + 1];
		pos += 2;
		if (size < pos + len)
			return -1;
		for (unsigned bit = 0; bit < len * 8; bit++) {
			if (!(d[pos + bit / 8] & (0x80 >> (bit % 8))))
				continue;
			sb_type(b, (uint16_t)(window * 256 + bit), 0);
			sb_put(b, " ", 1);
		}
		pos += len;
	}
	return 0;
}

/* A signature time as ldns writes it: the date nearest now in serial
 * arithmetic, with strftime "%Y%m%d%H%M%S" into 15 bytes (written here for
 * four-digit years, which are all within 68 years of now). */
static void sb_time(struct sbuf *b, uint32_t v)
{
	struct tm tm;
	char date[16];
	int year;

	memset(&tm, 0, sizeof(tm));
	if (!ldns_serial_arithmetics_gmtime_r((int32_t)v, time(NULL), &tm))
		return;
	year = tm.tm_year + 1900;
	if (year < 1000 || year > 9999) {
		if (strftime(date, 15, "%Y%m%d%H%M%S", &tm))
			sb_str(b, date);
		return;
	}
	int parts[6] = { year / 100, year % 100, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
			 tm.tm_min };
	for (int i = 0; i < 6; i++) {
		date[2 * i] = (char)('0' + parts[i] / 10);
		date[2 * i + 1] = (char)('0' + parts[i] % 10);
	}
	date[12] = (char)('0' + tm.tm_sec / 10);
	date[13] = (char)('0' + tm.tm_sec % 10);
	sb_put(b, date, 14);
}

enum { FIELD_DONE = 0, FIELD_FAIL = -1, FIELD_LDNS = -2 };

/* One field as ldns_rdf2buffer_str_fmt writes it: FIELD_DONE, FIELD_FAIL
 * where ldns fails, or FIELD_LDNS for a type not written here. */
static int field_text(struct sbuf *b, struct wmsg *m, const struct field *f)
{
	const uint8_t *d = m->w + f->pos;

	switch (f->type) {
	case LDNS_RDF_TYPE_NONE:
		return FIELD_DONE;
	case LDNS_RDF_TYPE_DNAME:
		sb_name(b, m, f->pos);
		return FIELD_DONE;
	case LDNS_RDF_TYPE_INT8:
	case LDNS_RDF_TYPE_ALG:
	case LDNS_RDF_TYPE_CERTIFICATE_USAGE:
	case LDNS_RDF_TYPE_SELECTOR:
	case LDNS_RDF_TYPE_MATCHING_TYPE:
		sb_uint(b, d[0]);
		return FIELD_DONE;
	case LDNS_RDF_TYPE_INT16:
		sb_uint(b, get16(d));
		return FIELD_DONE;
	case LDNS_RDF_TYPE_INT32:
	case LDNS_RDF_TYPE_PERIOD:
		sb_uint(b, get32(d));
		return FIELD_DONE;
	case LDNS_RDF_TYPE_TIME:
		sb_time(b, get32(d));
		return FIELD_DONE;
	case LDNS_RDF_TYPE_A: {
		char tmp[16];
		sb_put(b, tmp, a_text(d, tmp));
		return FIELD_DONE;
	}
	case LDNS_RDF_TYPE_AAAA: {
		char tmp[DD_DNS_ADDR_MAX];
		sb_put(b, tmp, aaaa_text(d, tmp));
		return FIELD_DONE;
	}
	case LDNS_RDF_TYPE_STR:
		sb_chars(b, d);
		return FIELD_DONE;
	case LDNS_RDF_TYPE_B64:
		if (f->size == 0)
			sb_put(b, "0", 1);
		sb_b64(b, d, f->size);
		return FIELD_DONE;
	case LDNS_RDF_TYPE_HEX:
		sb_hex(b, d, f->size);
		return FIELD_DONE;
	case LDNS_RDF_TYPE_UNKNOWN:
		sb_str(b, "\\# ");
		sb_uint(b, f->size);
		sb_put(b, " ", 1);
		sb_hex(b, d, f->size);
		return FIELD_DONE;
	case LDNS_RDF_TYPE_NSEC:
		return sb_bitmap(b, d, f->size) == 0 ? FIELD_DONE : FIELD_FAIL;
	case LDNS_RDF_TYPE_NSEC3_SALT:
		if (d[0] == 0 || (size_t)d[0] + 1 > f->size)
			sb_put(b, "-", 1);
		else
			sb_hex(b, d + 1, d[0]);
		sb_put(b, " ", 1);
		return FIELD_DONE;
	case LDNS_RDF_TYPE_B32_EXT:
	case LDNS_RDF_TYPE_NSEC3_NEXT_OWNER:
		sb_b32(b, d + 1, f->size - 1);
		return FIELD_DONE;
	case LDNS_RDF_TYPE_TYPE:
		sb_type(b, get16(d), 0);
		return FIELD_DONE;
	default:
		return FIELD_LDNS;
	}
}

/* The comment ldns appends to a DNSKEY: key tag, role, key size. */
static void dnskey_comment(struct sbuf *b, struct wmsg *m, const struct wrr *r)
{
	struct field f[4];
	size_t n = r->nfields < 4 ? r->nfields : 4, size = 0;
	uint16_t flags;

	for (size_t i = 0; i < n; i++)
		wmsg_field(m, r, i, &f[i]);
	flags = get16(m->w + f[0].pos);
	sb_str(b, " ;{id = ");
	sb_uint(b, ldns_calc_keytag_raw(m->w + f[0].pos, f[n - 1].pos + f[n - 1].size - f[0].pos));
	if (flags & LDNS_KEY_ZONE_KEY)
		sb_str(b, flags & LDNS_KEY_SEP_KEY ? " (ksk)" : " (zsk)");
	sb_str(b, ", size = ");
	if (n == 4)
		size = ldns_rr_dnskey_key_size_raw(m->w + f[3].pos, f[3].size, m->w[f[2].pos]);
	int bits = (int)(unsigned)size; /* ldns prints the size_t with %d */
	char tmp[16];
	sb_put(b, tmp, (size_t)snprintf(tmp, sizeof(tmp), "%db}", bits));
}

/* Record r as ldns_rr2str writes it, less the final newline: FIELD_DONE,
 * FIELD_FAIL or FIELD_LDNS. */
static int rr_text(struct sbuf *b, struct wmsg *m, const struct wrr *r)
{
	struct fields f;
	struct field fl;
	size_t pos = r->rdlen;
	ldns_status st;
	int k;

	sb_name(b, m, r->start);
	sb_put(b, "\t", 1);
	sb_uint(b, r->ttl);
	sb_put(b, "\t", 1);
	sb_class(b, r->klass);
	sb_put(b, "\t", 1);
	sb_type(b, r->type, 1);
	sb_str(b, r->nfields > 0 ? "\t" : "\t\\# 0");
	fields_begin(&f, m->w, m->len, &m->chains, &pos, r->type);
	f.again = 1;
	for (size_t i = 0; (k = fields_next(&f, &fl, &st)) > 0; i++) {
		if (i > 0)
			sb_put(b, " ", 1);
		if ((k = field_text(b, m, &fl)) != FIELD_DONE)
			return k;
	}
	if (r->type == LDNS_RR_TYPE_DNSKEY && r->nfields > 0)
		dnskey_comment(b, m, r);
	return FIELD_DONE;
}

/* Record r as the evidence keeps it (ldns_rr2str less trailing blanks and
 * newlines), malloc'd; NULL where ldns_rr2str gives none. */
static char *record_text(struct wmsg *m, const struct wrr *r, struct sbuf *b)
{
	char *s = NULL;
	size_t n;
	int rc;

	b->len = 0;
	rc = rr_text(b, m, r);
	if (rc == FIELD_LDNS) {
		ldns_rr *rr = NULL;
		size_t pos = r->start;
		if (ldns_wire2rr(&rr, m->w, m->len, &pos, LDNS_SECTION_ANSWER) != LDNS_STATUS_OK)
			return NULL;
		s = ldns_rr2str(rr);
		ldns_rr_free(rr);
		if (!s)
			return NULL;
		n = strlen(s);
	} else {
		if (rc != FIELD_DONE || b->oom)
			return NULL;
		n = b->len;
		if (!(s = malloc(n + 1)))
			return NULL;
		memcpy(s, b->p, n);
	}
	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' '))
		n--;
	s[n] = '\0';
	return s;
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
	size_t size = wmsg_name(m, pos, name), n = name_text(name, size, text);

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
		a_text(d, a->addr);
	else
		aaaa_text(d, a->addr);
	a->ttl = r->ttl;
}

/* Follow CNAMEs for name inside the answer section; returns the final name
 * in out and records the chain. */
static void follow_chain(struct wmsg *m, const char *qname, uint16_t qtype,
			 struct dd_dns_digest *d, char out[DD_NAME_MAX])
{
	size_t n;
	const struct wrr *ans = wmsg_section(m, 0, &n);

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
	const struct wrr *rr = wmsg_section(m, sec, &n);

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
	const struct wrr *add = wmsg_section(m, 2, &n);

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
	const struct wrr *auth = wmsg_section(m, 1, &n);

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
	const struct wrr *rr = wmsg_section(m, sec, &n);

	for (size_t i = 0; i < n; i++)
		if (rr[i].type == LDNS_RR_TYPE_SOA && rr[i].nfields >= 3) {
			struct field f;
			wmsg_field(m, &rr[i], 2, &f);
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
	const struct wrr *ans = wmsg_section(m, 0, &n);

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
	st = wmsg_read(&m, wire, len);
	if (st != LDNS_STATUS_OK) {
		wmsg_free(&m);
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
	wmsg_free(&m);
	return 0;
}

/* ---- sections as text ------------------------------------------------------ */

static char **section_text(struct wmsg *m, int sec, size_t max, size_t *n,
			   struct sbuf *b)
{
	size_t count;
	const struct wrr *rr = wmsg_section(m, sec, &count);
	char **v;

	*n = 0;
	if (count > max)
		count = max;
	v = calloc(count ? count : 1, sizeof(*v));
	if (!v)
		return NULL;
	for (size_t i = 0; i < count; i++) {
		char *s = record_text(m, &rr[i], b);
		if (!s)
			break;
		v[(*n)++] = s;
	}
	return v;
}

void dd_dns_sections_text(const uint8_t *wire, size_t len, size_t max, char **v[3],
			  size_t n[3])
{
	struct wmsg m;
	struct sbuf b = { 0 };

	for (int i = 0; i < 3; i++) {
		v[i] = NULL;
		n[i] = 0;
	}
	if (wmsg_read(&m, wire, len) == LDNS_STATUS_OK)
		for (int i = 0; i < 3; i++)
			v[i] = section_text(&m, i, max, &n[i], &b);
	wmsg_free(&m);
	free(b.p);
}

void dd_dns_strv_free(char **v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}
