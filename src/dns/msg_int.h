/* msg_int.h: what msg.c (queries, digests), wmsg.c (reading a reply) and
 * rrtext.c (records as text) share inside src/dns; not part of the module's
 * interface (that is msg.h). */
#ifndef DD_DNS_MSG_INT_H
#define DD_DNS_MSG_INT_H

#include <stddef.h>
#include <stdint.h>

#include <ldns/ldns.h>

#include "dns/msg.h"

#define DD_EDNS_DO 0x8000 /* the DO bit in the low half of the OPT record's TTL */

static inline uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

struct chains; /* wmsg.c: long pointer chains, remembered */

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

/* ---- reading a reply (wmsg.c) -------------------------------------------- */

/* Start at the rdata length field at *pos; *pos moves past it. */
ldns_status dd_wire_fields_begin(struct fields *f, const uint8_t *w, size_t max,
				 struct chains **c, size_t *pos, uint16_t type);
/* The next field into out: 1, 0 at the end, -1 on an error (*st says which). */
int dd_wire_fields_next(struct fields *f, struct field *out, ldns_status *st);
/* Read a reply; LDNS_STATUS_OK, or the status ldns_wire2pkt returns for
 * it. Free with dd_wmsg_free either way. */
ldns_status dd_wmsg_read(struct wmsg *m, const uint8_t *w, size_t len);
void dd_wmsg_free(struct wmsg *m);
/* Section s's records (0 answer, 1 authority, 2 additional). */
const struct wrr *dd_wmsg_section(struct wmsg *m, int s, size_t *n);
/* Field i of record r (it has more than i). */
void dd_wmsg_field(struct wmsg *m, const struct wrr *r, size_t i, struct field *out);
/* The uncompressed name at pos (read once already, so it reads again). */
size_t dd_wmsg_name(struct wmsg *m, size_t pos, uint8_t out[LDNS_MAX_DOMAINLEN]);

/* ---- records as text (rrtext.c) ------------------------------------------- */

/* An uncompressed name as ldns writes it, into out (1024 bytes); the length. */
size_t dd_rr_name_text(const uint8_t *name, size_t size, char *out);
/* An A / AAAA rdata as ldns writes it, into out; the length. */
size_t dd_rr_a_text(const uint8_t *a, char *out);
size_t dd_rr_aaaa_text(const uint8_t *a, char out[DD_DNS_ADDR_MAX]);

#endif
