/* sec.h: DNSSEC validation with ldns, with no I/O. Judges the DNSSEC
 * section of an evidence record at a given time: the chain of trust from the
 * trust anchor down to the parent zone (DNSKEY sets and DS sets, one server
 * each), the domain's DS set at every parent server, and, per address of
 * each of the domain's nameservers, its DNSKEY set (DS <-> DNSKEY by key
 * tag, algorithm and digest; the set signed by a key a DS matches) and the
 * signatures over its SOA and NS sets; CDS/CDNSKEY against both. The result
 * is plain data for the checks (src/checks/dnssec.c) and the reports.
 *
 * The trust anchor (the built-in root KSKs, and the parser of anchor files:
 * DS or DNSKEY records in zone-file syntax, as /usr/share/dns/root.key or
 * root.ds) is the evidence's: evidence/ev_dnssec.h. */
#ifndef DD_DNSSEC_SEC_H
#define DD_DNSSEC_SEC_H

#include <stddef.h>
#include <stdint.h>

#include "evidence/evidence.h"

#define DD_SEC_MAX_KEYS 16  /* keys judged per DNSKEY set */
#define DD_SEC_MAX_DS DD_EV_MAX_ANCHOR /* DS records judged */
#define DD_SEC_MAX_SIGS 16  /* RRSIGs judged per RRset */
#define DD_SEC_MAX_RRS 64   /* records judged per RRset */

/* ---- judging ----------------------------------------------------------- */

enum dd_sec_state {
	DD_SEC_UNKNOWN = 0, /* not enough data to tell (no answer, not gathered) */
	DD_SEC_SECURE,      /* validated from the anchor */
	DD_SEC_INSECURE,    /* provably unsigned: no DS at the zone above (or no usable one) */
	DD_SEC_BOGUS,       /* validation fails: resolvers that validate answer SERVFAIL */
};

/* How the signatures over one RRset came out (the best outcome counts: one
 * valid signature by a trusted key is enough). */
enum dd_sec_sig {
	DD_SEC_SIG_NONE = 0,  /* no RRset to judge (no answer, or an empty one) */
	DD_SEC_SIG_VALID,     /* a signature by a trusted key verifies and is current */
	DD_SEC_SIG_EXPIRED,   /* the signatures by trusted keys verify but have expired */
	DD_SEC_SIG_NOT_YET,   /* ... verify but are not valid yet (inception in the future) */
	DD_SEC_SIG_BAD,       /* signatures by trusted keys do not verify */
	DD_SEC_SIG_UNTRUSTED, /* signed only by keys that are not trusted */
	DD_SEC_SIG_UNSIGNED,  /* no RRSIG covers the RRset */
};

struct dd_sec_sigcheck {
	enum dd_sec_sig sig;
	int64_t when;  /* VALID: latest expiration among the valid signatures; EXPIRED:
			* latest expiration; NOT_YET: earliest inception; else -1 */
	int tag;       /* key tag of the signature that decided (-1 none) */
	int exchange;  /* evidence exchange of the answer, -1 when unknown */
};

struct dd_sec_key {
	uint16_t tag;
	uint8_t alg;
	uint16_t flags; /* 257 KSK/SEP, 256 ZSK; bit 7 (0x0080) revoked */
	int ds;         /* a DS at the parent matches it (tag, algorithm and digest) */
};

struct dd_sec_ds {
	uint16_t tag;
	uint8_t alg;
	uint8_t digest;  /* digest type: 1 SHA-1, 2 SHA-256, 4 SHA-384 */
	int supported;   /* algorithm and digest type can be validated */
	int matched;     /* matches a key some server serves */
	int tag_only;    /* a key with its tag and algorithm exists, but the digest differs */
};

/* One address of one of the domain's nameservers. */
struct dd_sec_server {
	const char *name;     /* borrowed from the evidence */
	const char *address;
	int answered;         /* the DNSKEY query got an authoritative answer (keys or none) */
	int from_tcp;         /* the set judged came over TCP (UDP gave nothing usable) */
	int udp_tcp_differ;   /* UDP and TCP both answered, with different sets */
	struct dd_sec_key keys[DD_SEC_MAX_KEYS];
	size_t nkeys;
	char *keyset;         /* canonical text of the DNSKEY set (heap), NULL when no keys */
	int ds_match;         /* one of its keys is matched by a DS */
	struct dd_sec_sigcheck dnskey, soa, ns;
	int keys_exchange;    /* exchange of the DNSKEY answer judged, -1 */
	/* CDS / CDNSKEY (RFC 7344, RFC 8078) */
	size_t ncds, ncdnskey;
	int cds_delete;       /* the delete signal (CDS 0 0 0 00 or CDNSKEY 0 3 0 AA==) */
	int cds_no_key;       /* a CDS or CDNSKEY refers to no key of the DNSKEY set */
	int cds_not_ds;       /* the CDS/CDNSKEY set and the DS set at the parent differ */
	int cds_exchange;
	uint16_t cds_tags[DD_SEC_MAX_DS]; /* key tags the CDS/CDNSKEY records name */
	size_t ncds_tags;
};

/* The domain's DS set as served by one parent server address. */
struct dd_sec_parent {
	const char *name;
	const char *address;
	struct dd_sec_sigcheck ds; /* signatures over the DS set (by the parent's keys) */
};

/* The proof, at one parent server address, that the domain has no DS
 * (RFC 4035 5.2 and 5.4, RFC 5155 8.6): judged when the parent zone is
 * secure and the server answered the DS query with no DS. Without it a
 * validating resolver cannot tell an unsigned delegation from a DS an
 * attacker removed, and answers SERVFAIL. */
enum dd_sec_denial {
	DD_SEC_DENIAL_PROVEN = 0, /* NSEC or NSEC3 records, validly signed, prove it */
	DD_SEC_DENIAL_OPT_OUT,    /* an opt-out NSEC3 covers the name (RFC 5155 6) */
	DD_SEC_DENIAL_MISSING,    /* no NSEC or NSEC3 record came with the answer */
	DD_SEC_DENIAL_SIGS,       /* their signatures do not validate (sig says how) */
	DD_SEC_DENIAL_WRONG,      /* validly signed, but they do not prove that there is no DS */
};

struct dd_sec_denial_at {
	const char *name;
	const char *address;
	enum dd_sec_denial state;
	const char *kind;           /* "NSEC", "NSEC3", or "" when there were none */
	struct dd_sec_sigcheck sig; /* the worst of their RRsets; exchange: the answer */
};

/* A zone of the chain above the domain. */
struct dd_sec_zone {
	const char *zone;
	enum dd_sec_state state;
	char why[240];  /* how it came out, for humans (names from the evidence, raw) */
	int exchange;   /* the exchange behind a failure, -1 */
};

/* Why the domain came out as it did (the first reason that applies, in
 * this order). */
enum dd_sec_reason {
	DD_SEC_R_NONE = 0,
	DD_SEC_R_NO_DS_ANSWER,   /* unknown: no parent server answered the DS query (none
				  * asked, or the parent denies the name) */
	DD_SEC_R_NO_DS,          /* insecure: no DS at the parent (proven, when the parent is
				  * signed) */
	DD_SEC_R_DS_DENIAL,      /* bogus: "no DS", but no parent server proves it */
	DD_SEC_R_ABOVE_INSECURE, /* insecure: a zone above is unsigned */
	DD_SEC_R_ABOVE_BOGUS,    /* bogus: the chain is broken above the parent zone */
	DD_SEC_R_DS_UNSUPPORTED, /* insecure: no DS with an algorithm/digest that validates */
	DD_SEC_R_PARENT_DS,      /* bogus: the DS set does not validate at any parent server */
	DD_SEC_R_NO_KEY_ANSWER,  /* unknown: no nameserver answered the DNSKEY query */
	DD_SEC_R_UNSIGNED_ZONE,  /* bogus: DS at the parent, no DNSKEY anywhere */
	DD_SEC_R_NO_DS_MATCH,    /* bogus: no DS designates a key that signs the DNSKEY set */
	DD_SEC_R_KEYSET_SIGS,    /* bogus: the DNSKEY set's signatures fail everywhere */
	DD_SEC_R_RRSET_SIGS,     /* bogus: SOA or NS signatures fail everywhere */
	DD_SEC_R_SECURE,         /* secure at one server at least */
};

struct dd_sec_result {
	int judged;      /* the evidence has a DNSSEC section */
	int64_t now;     /* the time signatures were judged at */
	struct dd_sec_zone *zones; /* the chain, root first (the parent zone last) */
	size_t nzones;
	enum dd_sec_state above;   /* the parent zone's state */
	const char *above_zone;    /* the zone where the chain stopped being secure, or NULL */
	char above_why[240];
	int private_root;          /* the root does not validate from the anchor: a test
				    * bed's or --root-hints' own root; nothing is validated */
	/* the DS set at the parent */
	size_t ds_asked, ds_answered;  /* parent server addresses asked / that answered */
	size_t ds_nxdomain;            /* ... that said the domain does not exist */
	struct dd_sec_ds ds[DD_SEC_MAX_DS];
	size_t nds;
	struct dd_sec_parent *parent;  /* one per parent server address that served DS */
	size_t nparent;
	struct dd_sec_denial_at *denials; /* one per parent server address that answered
					   * "no DS" while the parent zone is secure */
	size_t ndenials;
	/* the domain's own servers */
	struct dd_sec_server *servers;
	size_t nservers;
	size_t answered;               /* servers whose DNSKEY query was answered */
	struct dd_sec_key keys[DD_SEC_MAX_KEYS]; /* union of the keys served */
	size_t nkeys;
	enum dd_sec_state state;       /* the domain, as a validating resolver sees it */
	enum dd_sec_reason reason;
	char why[240];
};

/* Judge ev's DNSSEC section at time now (seconds since the epoch; the
 * evidence's time, or --now). An absent section gives judged = 0. The
 * trust anchor is the evidence's (dnssec.anchor), else the built-in one.
 * 0 or DD_ENOMEM; free with dd_sec_result_free in any case. */
int dd_sec_judge(const struct dd_evidence *ev, int64_t now, struct dd_sec_result *out);
void dd_sec_result_free(struct dd_sec_result *r);

/* Names for messages: "expired", "RSASHA1", "SHA-256", "secure". */
const char *dd_sec_sig_name(enum dd_sec_sig s);
const char *dd_sec_state_name(enum dd_sec_state s);
/* "proven", "proven (opt-out)", "no NSEC or NSEC3 records", ... */
const char *dd_sec_denial_name(enum dd_sec_denial d);
/* The proof holds: proven, or an opt-out NSEC3 covers the name. */
int dd_sec_denial_ok(enum dd_sec_denial d);
/* Why a proof fails, for messages: the state's name, or for failing
 * signatures how they fail ("their signatures expired"). */
const char *dd_sec_denial_why(const struct dd_sec_denial_at *d);
/* The algorithm's mnemonic into buf ("ECDSAP256SHA256", "ALG42"). */
const char *dd_sec_alg_name(unsigned alg, char *buf, size_t len);
const char *dd_sec_digest_name(unsigned digest, char *buf, size_t len);
/* RFC 8624: algorithms that must not or should not be used for signing
 * (RSAMD5, DSA, RSASHA1, DSA-NSEC3-SHA1, RSASHA1-NSEC3-SHA1, ECC-GOST). */
int dd_sec_alg_deprecated(unsigned alg);

#endif
