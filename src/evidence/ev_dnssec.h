/* ev_dnssec.h: the DNSSEC section of the evidence record (JSON member
 * "dnssec", docs/dnssec.md). Included by evidence.h, after the common
 * structures it builds on; not to be included on its own.
 *
 * What is kept: the trust anchor the run used; for every zone of the chain
 * above the domain (the root, the TLD, ... the parent zone) its DNSKEY set
 * from one responsive server and its DS set from a server of the zone above;
 * the RRSIGs over the domain's DS set from every parent server (the DS
 * records themselves are in parent.servers[].ds); and from every address of
 * every nameserver of the domain its DNSKEY set over UDP and over TCP, its
 * SOA and NS sets, CDS and CDNSKEY, each with the RRSIGs that came with it.
 * Records are kept in presentation format, so that a saved document is
 * validated offline exactly as the live run was. */
#ifndef DD_EVIDENCE_EV_DNSSEC_H
#define DD_EVIDENCE_EV_DNSSEC_H

#ifndef DD_EVIDENCE_H
#error "include evidence/evidence.h, not evidence/ev_dnssec.h"
#endif

/* One DNSSEC question to one server: what it came to and the records that
 * matter (the RRset asked for, at the name asked, and the RRSIGs covering
 * it), in presentation format. */
struct dd_ev_sec_rrset {
	char *server;  /* server name; NULL inside a dd_ev_sec_server (the entry names it) */
	char *address; /* likewise */
	struct dd_ev_response r;
	struct dd_ev_strlist records;
};

/* A zone of the chain above the domain. */
struct dd_ev_sec_zone {
	char *zone;                   /* ".", "test.", ... the parent zone last */
	struct dd_ev_sec_rrset dnskey; /* ZONE DNSKEY? from one of its servers */
	struct dd_ev_sec_rrset ds;     /* ZONE DS? from a server of the zone above; skipped at the root */
};

/* The RRSIGs over the domain's DS set, from one parent server address. */
struct dd_ev_sec_parent {
	char *name;
	char *address;
	struct dd_ev_strlist rrsigs;
};

/* One address of one of the domain's nameservers. */
struct dd_ev_sec_server {
	char *name;
	char *address;
	struct dd_ev_sec_rrset dnskey_udp; /* DOMAIN DNSKEY? over UDP */
	struct dd_ev_sec_rrset dnskey_tcp; /* DOMAIN DNSKEY? over TCP */
	struct dd_ev_sec_rrset soa;        /* DOMAIN SOA? (with its RRSIGs) */
	struct dd_ev_sec_rrset ns;         /* DOMAIN NS? */
	struct dd_ev_sec_rrset cds;        /* DOMAIN CDS? (RFC 7344) */
	struct dd_ev_sec_rrset cdnskey;    /* DOMAIN CDNSKEY? */
};

struct dd_ev_dnssec {
	int present;          /* 0: not gathered (no "dnssec" member): nothing is judged */
	char *anchor_source;  /* where the trust anchor came from ("built-in ...", "file ...") */
	struct dd_ev_strlist anchor; /* DS or DNSKEY records, presentation format */
	struct dd_ev_sec_zone *zones;
	size_t nzones, zones_cap;
	struct dd_ev_sec_parent *parent;
	size_t nparent, parent_cap;
	struct dd_ev_sec_server *servers;
	size_t nservers, servers_cap;
};

/* Appenders (index >= 0, or DD_ENOMEM / DD_ELIMIT), as in evidence.h. Each
 * marks the section present. */
int dd_ev_sec_add_zone(struct dd_ev_dnssec *s, const char *zone);
/* Find or add the entry of (name, address). */
int dd_ev_sec_add_parent(struct dd_ev_dnssec *s, const char *name, const char *address);
int dd_ev_sec_add_server(struct dd_ev_dnssec *s, const char *name, const char *address);
/* Index of the entry of (name, address), or -1 (names case-insensitive). */
int dd_ev_sec_find_server(const struct dd_ev_dnssec *s, const char *name, const char *address);
/* Replace the anchor with copies of records and source. 0 or a negative
 * enum dd_err (then the anchor is left empty). */
int dd_ev_sec_set_anchor(struct dd_ev_dnssec *s, const struct dd_ev_strlist *records,
			 const char *source);

/* ---- the trust anchor (ev_anchor.c) ---- */

#define DD_EV_MAX_ANCHOR 16 /* records of one anchor */

/* The built-in anchor (the root KSKs as DS records) and where it came from. */
const char *dd_ev_anchor_builtin(void);
const char *dd_ev_anchor_builtin_source(void);

/* Parse anchor text (DS or DNSKEY records, zone-file syntax: comments,
 * blank lines, parentheses, optional TTL and class) into records in
 * presentation format, appended to out. 0, or DD_EPARSE with why naming the
 * line, DD_ENOTFOUND when no DS/DNSKEY record is there, DD_ELIMIT past
 * DD_EV_MAX_ANCHOR records, DD_ENOMEM. */
int dd_ev_anchor_parse(const char *text, struct dd_ev_strlist *out, char *why, size_t whylen);

#endif
