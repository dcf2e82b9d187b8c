/* wmsg.c: reading a reply as ldns_wire2pkt does, without allocating per
 * record: records are kept as offsets into the wire (msg_int.h). */
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "core/err.h"
#include "dns/msg_int.h"

/* ---- reading a reply --------------------------------------------------- */
/* What follows reads a reply as ldns_wire2pkt does, with its checks in the
 * same order and the same error codes, and its quirks: OPT and TSIG records
 * leave the additional section and a TSIG shortens it by one. One thing it
 * refuses that ldns takes: a record whose fields do not end exactly where
 * its RDLENGTH says (a name in rdata running past it, or bytes left over).
 * ldns would start the next record where the last field ended, so the
 * records it reads would not be the ones the length framing
 * (dd_dns_wire_min_ttl) walks; one framing, the strict one, is kept and the
 * reply is malformed (LDNS_STATUS_WIRE_RDATA_ERR). It allocates nothing per
 * record: records are kept as offsets into the wire. */

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

/* Start at the rdata length field at *pos; *pos moves past it. */
ldns_status dd_wire_fields_begin(struct fields *f, const uint8_t *w, size_t max,
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
int dd_wire_fields_next(struct fields *f, struct field *out, ldns_status *st)
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
	if ((st = dd_wire_fields_begin(&f, w, max, c, pos, r->type)) != LDNS_STATUS_OK)
		return st;
	r->nfields = 0;
	for (int k; (k = dd_wire_fields_next(&f, &fl, &st)) != 0; r->nfields++)
		if (k < 0)
			return st;
	if (f.pos != f.end)
		return LDNS_STATUS_WIRE_RDATA_ERR;
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

void dd_wmsg_free(struct wmsg *m)
{
	if (m->rr != m->local)
		free(m->rr);
	m->rr = m->local;
	free(m->chains);
	m->chains = NULL;
}

/* Read a reply; LDNS_STATUS_OK, or the status ldns_wire2pkt returns for
 * it. Free with dd_wmsg_free either way. */
ldns_status dd_wmsg_read(struct wmsg *m, const uint8_t *w, size_t len)
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
const struct wrr *dd_wmsg_section(struct wmsg *m, int s, size_t *n)
{
	size_t first = 0;

	for (int k = 0; k < s; k++)
		first += m->n[k];
	*n = m->n[s];
	return m->rr + first;
}

/* Field i of record r (it has more than i). */
void dd_wmsg_field(struct wmsg *m, const struct wrr *r, size_t i, struct field *out)
{
	struct fields f;
	size_t pos = r->rdlen;
	ldns_status st;

	dd_wire_fields_begin(&f, m->w, m->len, &m->chains, &pos, r->type);
	f.again = 1;
	for (size_t k = 0; k <= i; k++)
		dd_wire_fields_next(&f, out, &st);
}

/* The uncompressed name at pos (read once already, so it reads again). */
size_t dd_wmsg_name(struct wmsg *m, size_t pos, uint8_t out[LDNS_MAX_DOMAINLEN])
{
	size_t size = 1;

	out[0] = 0;
	wire_name(m->w, m->len, &m->chains, &pos, out, &size);
	return size;
}
