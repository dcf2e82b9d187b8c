/* zone.h: offline audit of a whole zone file (a TLD's, typically): a fast
 * scanner for RFC 1035 master files, and the analysis of every delegation in
 * it (NS count, operators, NS TLDs, bailiwick, glue, hijackable NS domains,
 * operator concentration). Memory grows with the number of delegations and
 * distinct names, never with the file: names are interned once each.
 *
 * Names inside this module are in wire form (length-prefixed labels, lower
 * case, at most 255 bytes), so comparing two names is a memcmp; they become
 * text (RFC 1035 presentation, \DDD escapes) only for reports. */
#ifndef DD_ZONE_ZONE_H
#define DD_ZONE_ZONE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>


#include "core/buf.h"

#define DD_ZONE_WIRE_MAX 255
/* NS records at one owner name the audit keeps; more is refused (DD_ELIMIT). */
#define DD_ZONE_MAX_NS_PER_OWNER 1024
/* Longest presentation form of a wire name: every byte as \DDD, plus dots. */
#define DD_ZONE_TEXT_MAX (4 * DD_ZONE_WIRE_MAX + 2)

enum dd_zone_type {
	DD_ZONE_T_A = 1,
	DD_ZONE_T_NS = 2,
	DD_ZONE_T_SOA = 6,
	DD_ZONE_T_AAAA = 28,
	DD_ZONE_T_DS = 43,
};

/* One resource record as the scanner hands it over. The pointers stay valid
 * until the next call to dd_zone_scanner_next. RDATA is decoded only for the
 * types the audit needs: the target of NS; A and AAAA are checked for syntax
 * only. Every other type is tokenized (so parentheses, quotes and comments
 * are honoured) and skipped. */
struct dd_zone_rr {
	const uint8_t *owner;  /* wire form */
	const uint8_t *target; /* NS: the name server's name (wire); else NULL */
	uint32_t ttl;
	uint16_t type;         /* 0 for a mnemonic the scanner does not know */
	uint16_t rrclass;      /* 1 = IN */
	unsigned long line;    /* line where the record starts */
};

/* The scanner reads an RFC 1035 master file: $ORIGIN, $TTL, relative names,
 * '@', omitted owner/TTL/class, TTL units (1h30m), parentheses, comments,
 * quoted strings, \X and \DDD escapes, TYPEnnn/CLASSnnn and RFC 3597 "\#"
 * RDATA. $INCLUDE and $GENERATE are refused. */
struct dd_zone_scanner;

/* Start reading in (not closed by the scanner). filename is used in error
 * messages only. origin (text, may be NULL) is the initial $ORIGIN; without
 * it relative names before the first $ORIGIN are an error. Returns 0,
 * DD_ENOMEM, or DD_ENAME when origin is not a valid name. */
int dd_zone_scanner_new(struct dd_zone_scanner **out, FILE *in, const char *filename,
			const char *origin);
/* Next record: 1 with *rr filled, 0 at the end of the input, or a negative
 * dd_err (DD_EPARSE, DD_EIO, DD_ELIMIT) with a "file:line: why" message in
 * dd_zone_scanner_error(). After an error the scanner must not be used. */
int dd_zone_scanner_next(struct dd_zone_scanner *s, struct dd_zone_rr *rr);
/* The last error message ("" when none). Untrusted bytes in it are escaped. */
const char *dd_zone_scanner_error(const struct dd_zone_scanner *s);
void dd_zone_scanner_free(struct dd_zone_scanner *s);

/* Text name to wire form (escapes honoured, lower-cased; relative names are
 * taken as absolute). Returns the wire length, or DD_ENAME. */
int dd_zone_name_from_text(const char *text, uint8_t out[DD_ZONE_WIRE_MAX]);
/* Wire name to presentation text ("." for the root, trailing dot always);
 * out holds DD_ZONE_TEXT_MAX bytes. Returns the text length. */
size_t dd_zone_name_to_text(const uint8_t *wire, char *out);

/* ---- The audit ---- */

struct dd_zone_audit;

/* Counts over the whole zone, all exact. "Delegation": an owner below the
 * apex with NS records and no delegation above it in this zone. */
struct dd_zone_summary {
	uint64_t records;            /* every record read */
	uint64_t ns_records, a_records, aaaa_records, ds_records, other_records;
	uint64_t not_in_records;     /* class other than IN: ignored */
	uint64_t out_of_zone_records; /* owner not at or below the apex: ignored */
	uint64_t duplicate_ns;       /* repeated NS records (same owner and target) */

	uint64_t delegations;
	uint64_t apex_ns;            /* NS names of the apex itself */
	uint64_t occluded_ns_owners; /* NS owners below another delegation */
	uint64_t ds_without_ns;      /* DS owners that are no delegation */
	uint64_t signed_delegations; /* delegations with DS */
	uint64_t ns_hist[6];         /* delegations with 1, 2, 3, 4, 5, 6+ NS */
	uint64_t single_ns;          /* delegations with one NS name */
	uint64_t single_operator;    /* all NS names under one registrable domain */
	uint64_t single_tld;         /* all NS names under one TLD */
	uint64_t with_in_bailiwick;  /* at least one NS name below the apex */
	uint64_t in_bailiwick_only;  /* every NS name below the apex */
	uint64_t in_domain_only;     /* every NS name below the delegation itself */

	uint64_t ns_names;           /* distinct NS names used by delegations or the apex */
	uint64_t in_bailiwick_names; /* of which below the apex */
	uint64_t operators;          /* distinct registrable domains of NS names */
	uint64_t ns_tlds;            /* distinct TLDs of NS names */

	uint64_t missing_glue_names;       /* in-bailiwick NS names with no A/AAAA */
	uint64_t missing_glue_delegations; /* delegations using one */
	uint64_t unresolvable_delegations; /* ... whose every NS is in-domain without glue */
	uint64_t orphan_glue_names;        /* A/AAAA owners no NS record names */
	uint64_t orphan_glue_records;

	uint64_t hijack_domains;     /* registrable domains in the zone, not delegated */
	uint64_t hijack_ns_names;    /* NS names under them */
	uint64_t hijack_delegations; /* delegations using one */
	uint64_t hijack_all_ns;      /* ... every one of whose NS names is under them */

	uint64_t takedown[3];        /* delegations down when the top 1, 3, 10 operators fail */
	size_t memory_bytes;         /* bytes held by the audit's tables */
};

/* One row of a ranking or a finding list. Text is the presentation form,
 * untrusted: escape it before printing. */
struct dd_zone_item {
	const char *name;
	uint64_t delegations; /* delegations depending on it */
	uint64_t count;       /* list-specific: NS names (hijack), records (orphan glue),
			       * 1 when glue is required (missing glue) */
	const char *detail;   /* hijack: the NS names, space-separated; else NULL */
};

enum dd_zone_list {
	DD_ZONE_LIST_OPERATORS, /* every operator, most delegations first */
	DD_ZONE_LIST_TLDS,      /* every NS TLD, most delegations first */
	DD_ZONE_LIST_HIJACK,    /* hijackable registrable domains */
	DD_ZONE_LIST_MISSING_GLUE,
	DD_ZONE_LIST_ORPHAN_GLUE,
	DD_ZONE_LIST_COUNT,
};

/* Operators are named by the one rule of core/name.h (dd_name_operator_wire). */
int dd_zone_audit_new(struct dd_zone_audit **out);
/* Feed one record. Returns 0, DD_ENOMEM or DD_ELIMIT. */
int dd_zone_audit_add(struct dd_zone_audit *a, const struct dd_zone_rr *rr);
/* Read every record of s into a. On a scanner error returns it (message in
 * dd_zone_scanner_error); on DD_ELIMIT/DD_ENOMEM *line tells where. */
int dd_zone_audit_scan(struct dd_zone_audit *a, struct dd_zone_scanner *s, unsigned long *line);
/* Classify and count. apex (wire) may be NULL: then the owner of the SOA.
 * Returns 0, DD_ENOMEM, DD_ENOTFOUND when there is no apex to use, or
 * DD_EINVAL when apex is not the owner of the zone's SOA. */
int dd_zone_audit_finish(struct dd_zone_audit *a, const uint8_t *apex);
const struct dd_zone_summary *dd_zone_audit_summary(const struct dd_zone_audit *a);
/* The zone's apex as text (after finish). */
const char *dd_zone_audit_apex(const struct dd_zone_audit *a);
const struct dd_zone_item *dd_zone_audit_list(const struct dd_zone_audit *a,
					      enum dd_zone_list which, size_t *n);
void dd_zone_audit_free(struct dd_zone_audit *a);

/* One delegation, as dd_zone_audit_each hands it over. Text is presentation
 * form, untrusted; valid during the callback only. */
struct dd_zone_deleg {
	const char *name;
	const char *ns;   /* NS names, space-separated, in zone order */
	const char *ops;  /* operators (registrable domains), space-separated */
	unsigned ns_count, operators, tlds;
	unsigned in_bailiwick; /* NS names below the apex */
	unsigned in_domain;    /* NS names below the delegation itself */
	unsigned missing_glue; /* in-bailiwick NS names without A/AAAA */
	unsigned hijack;       /* NS names under a hijackable domain */
	int ds;                /* DS records present */
};

/* Call cb for each delegation in zone order (after finish); stops at and
 * returns the first nonzero value cb returns. */
int dd_zone_audit_each(const struct dd_zone_audit *a,
		       int (*cb)(void *ctx, const struct dd_zone_deleg *d), void *ctx);

/* ---- Reports (after finish) ---- */

/* How long the audit took, for the reports' performance line; optional. */
struct dd_zone_perf {
	double seconds;
	size_t peak_rss; /* bytes, 0 when unknown */
};

/* (Its reports, text, JSON and CSV, are rendered by report/zone.c.) */

#endif
