/* msg.h: DNS messages, with no I/O. Builds queries and digests a reply
 * into what the resolver and the probes need: what kind of answer it is
 * with respect to the zone the server was asked about (answer, referral,
 * CNAME, NXDOMAIN, NODATA, lame, error rcode), the NS names and glue of a
 * referral, addresses, the SOA serial, EDNS details; and the records as
 * text for the evidence. wmsg.c reads the wire as ldns_wire2pkt does (but
 * refuses a record whose fields do not end where its RDLENGTH says),
 * rrtext.c writes text as ldns_rr2str does (ldns formats the rarer types),
 * without ldns's per-record objects: tests/unit/test_dns.c compares both,
 * byte for byte, over every corpus. Everything taken from a reply is
 * bounded. */
#ifndef DD_DNS_MSG_H
#define DD_DNS_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "core/name.h"

#define DD_DNS_MAX_NS 20      /* NS names kept from one RRset */
#define DD_DNS_MAX_ADDRS 32   /* addresses (glue or answer) kept from one reply */
#define DD_DNS_MAX_CHAIN 8    /* CNAMEs followed inside one reply */
#define DD_DNS_ADDR_MAX 46    /* INET6_ADDRSTRLEN */

/* What a server's reply (or its absence) means. Names are the evidence
 * vocabulary ("answer", "referral", ...). */
enum dd_dns_state {
	DD_ST_ANSWER,
	DD_ST_REFERRAL,
	DD_ST_CNAME,
	DD_ST_NXDOMAIN,
	DD_ST_NODATA,
	DD_ST_REFUSED,
	DD_ST_SERVFAIL,
	DD_ST_NOTAUTH,
	DD_ST_RCODE,
	DD_ST_LAME,
	DD_ST_TIMEOUT,
	DD_ST_UNREACHABLE,
	DD_ST_MALFORMED,
	DD_ST_MISMATCH,
	DD_ST_TRUNCATED,
	DD_ST_SKIPPED,
};

const char *dd_dns_state_name(enum dd_dns_state st);
/* True for the states in which the server gave a usable answer. */
int dd_dns_state_ok(enum dd_dns_state st);
/* "NOERROR", "NXDOMAIN", ..., "BADVERS"; "RCODE42" for others (buf >= 16). */
const char *dd_dns_rcode_name(int rcode, char *buf, size_t len);
/* "A", "NS", "TYPE65534"; type from text, 0 when unknown. */
const char *dd_dns_type_name(uint16_t type, char *buf, size_t len);
uint16_t dd_dns_type_from_text(const char *text);

struct dd_dns_qopts {
	int edns_version; /* -1: no EDNS at all */
	int do_bit;
	int rd;
	uint16_t udp_size;
};

/* Default options: EDNS0, 1232-byte buffer, DO set, RD clear. */
void dd_dns_qopts_default(struct dd_dns_qopts *o);

/* Build a query; *wire is malloc'd. 0, DD_ENAME or DD_ENOMEM. */
int dd_dns_query_wire(const char *qname, uint16_t qtype, uint16_t id,
		      const struct dd_dns_qopts *o, uint8_t **wire, size_t *len);

enum {
	DD_DNS_F_QR = 1 << 0,
	DD_DNS_F_AA = 1 << 1,
	DD_DNS_F_TC = 1 << 2,
	DD_DNS_F_RD = 1 << 3,
	DD_DNS_F_RA = 1 << 4,
	DD_DNS_F_AD = 1 << 5,
	DD_DNS_F_CD = 1 << 6,
};

struct dd_dns_addr {
	char name[DD_NAME_MAX];
	char addr[DD_DNS_ADDR_MAX];
	uint32_t ttl;
};

struct dd_dns_digest {
	enum dd_dns_state state;
	int rcode;                       /* with the EDNS extended bits */
	unsigned flags;                  /* DD_DNS_F_* */
	int edns;                        /* the reply carried an OPT record */
	int edns_version;
	int edns_do;
	uint16_t edns_udp;
	char referral[DD_NAME_MAX];      /* zone of a referral (also an upward one: lame) */
	char ns[DD_DNS_MAX_NS][DD_NAME_MAX]; /* referral NS set, or NS answer */
	size_t nns;
	size_t ns_total;                 /* NS records present (may exceed nns) */
	uint32_t ns_ttl;
	struct dd_dns_addr glue[DD_DNS_MAX_ADDRS]; /* additional A/AAAA of the NS names */
	size_t nglue;
	struct dd_dns_addr addrs[DD_DNS_MAX_ADDRS]; /* A/AAAA answers for the name */
	size_t naddrs;
	char chain[DD_DNS_MAX_CHAIN][DD_NAME_MAX]; /* CNAME targets inside this reply */
	size_t nchain;
	char target[DD_NAME_MAX];        /* last CNAME target when state is CNAME */
	int has_soa;
	uint32_t soa_serial;
	uint32_t answer_ttl;             /* TTL of the answer RRset */
	size_t nanswer;                  /* records of the asked type at the final name */
	char detail[200];
};

/* Digest a reply to (qname, qtype) from a server of zone. Returns 0 with
 * the digest filled (including error rcodes and lameness), or DD_EMALFORMED
 * when the bytes do not parse (d->state is then DD_ST_MALFORMED and
 * d->detail says why). */
int dd_dns_digest(const uint8_t *wire, size_t len, const char *qname, uint16_t qtype,
		  const char *zone, struct dd_dns_digest *d);

/* The records of a reply in presentation format, one string per record,
 * for evidence: v[0] answer, v[1] authority, v[2] additional, each a
 * malloc'd array of malloc'd strings (count in n[i], at most max each; NULL
 * when the reply does not parse). The reply is parsed once. Free each with
 * dd_dns_strv_free. */
void dd_dns_sections_text(const uint8_t *wire, size_t len, size_t max, char **v[3],
			  size_t n[3]);
void dd_dns_strv_free(char **v, size_t n);

/* The lowest TTL of the reply's records (OPT excepted), 0 when it has
 * none: how long the reply may be reused. 0 or DD_EMALFORMED (wire.c). */
int dd_dns_wire_min_ttl(const uint8_t *wire, size_t len, uint32_t *ttl);

#endif
