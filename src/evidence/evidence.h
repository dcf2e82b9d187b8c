/* evidence.h: the evidence record. Everything a probe observed about one
 * domain, as plain data: the walk from the root to the parent zone, what each
 * parent server says about the delegation, what each of the domain's own
 * servers answers, and every DNS exchange behind those observations. The
 * probe fills it with the appenders below; checks read it; it is saved and
 * loaded as JSON (schema "dnsdeps.evidence/1", see docs/evidence.md) so that
 * a run can be judged again offline.
 *
 * Conventions: strings are heap char * (NULL means JSON null / absent); a
 * list is a pointer, a count and a capacity; "no value" is -1 for integers,
 * TTLs, serials and indexes and a negative number for times. Appenders return
 * the new element's index (>= 0) or a negative enum dd_err; they never hand
 * out pointers, because a later append may move the array. All lists are
 * bounded (DD_EV_MAX_*): an appender past the bound returns DD_ELIMIT. */
#ifndef DD_EVIDENCE_H
#define DD_EVIDENCE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define DD_EV_SCHEMA "dnsdeps.evidence/1"

/* Hard bounds, enforced by the appenders and by the loader. */
#define DD_EV_MAX_EXCHANGES 100000 /* exchanges in one record */
#define DD_EV_MAX_ITEMS 4096       /* entries of any other list */
#define DD_EV_MAX_STR 262144       /* bytes of one string */
#define DD_EV_MAX_DOC (16u << 20)  /* bytes of a saved document */

/* What one query to one server came to, judged at the DNS level. The zero
 * value is "skipped" so that a freshly appended response says "not asked". */
enum dd_ev_state {
	DD_EV_SKIPPED = 0,  /* not asked: address family disabled, or not needed */
	DD_EV_ANSWER,       /* NOERROR with the records asked for */
	DD_EV_REFERRAL,     /* NOERROR, no answer, NS in authority: a delegation */
	DD_EV_CNAME,        /* the name is an alias */
	DD_EV_NXDOMAIN,     /* rcode NXDOMAIN */
	DD_EV_NODATA,       /* NOERROR, the name exists, no such records, no referral */
	DD_EV_REFUSED,      /* rcode REFUSED */
	DD_EV_SERVFAIL,     /* rcode SERVFAIL */
	DD_EV_NOTAUTH,      /* rcode NOTAUTH */
	DD_EV_RCODE,        /* another error rcode (see rcode) */
	DD_EV_LAME,         /* replied, but not authoritatively (no AA, upward referral) */
	DD_EV_TIMEOUT,      /* no reply before the deadline, all retries spent */
	DD_EV_UNREACHABLE,  /* ICMP unreachable, connection refused, no route */
	DD_EV_MALFORMED,    /* a reply that does not parse */
	DD_EV_MISMATCH,     /* replies whose ID or question did not match the query */
	DD_EV_TRUNCATED,    /* TC set and no usable retry over TCP */
	DD_EV_STATE_COUNT
};

/* The transport outcome of one exchange. */
enum dd_ev_result {
	DD_EV_RES_OK = 0,      /* a matching reply arrived */
	DD_EV_RES_TIMEOUT,     /* nothing before the deadline */
	DD_EV_RES_UNREACHABLE, /* ICMP unreachable, ECONNREFUSED, no route */
	DD_EV_RES_MALFORMED,   /* the reply does not parse */
	DD_EV_RES_MISMATCH,    /* only replies with a wrong ID or question */
	DD_EV_RES_RESET,       /* TCP connection closed or reset mid-exchange */
	DD_EV_RES_ERROR,       /* local error (socket setup, out of memory) */
	DD_EV_RESULT_COUNT
};

enum dd_ev_proto {
	DD_EV_UDP = 0,
	DD_EV_TCP,
};

/* How an NS name's own addresses resolved (A and AAAA together). The zero
 * value "skipped" means not attempted. */
enum dd_ev_rstate {
	DD_EV_R_SKIPPED = 0, /* not attempted */
	DD_EV_R_OK,          /* at least one address */
	DD_EV_R_NXDOMAIN,    /* the name does not exist */
	DD_EV_R_NODATA,      /* the name exists but has no A or AAAA */
	DD_EV_R_FAILED,      /* no usable answer (timeouts, lame servers, loops) */
	DD_EV_RSTATE_COUNT
};

/* Header flags of a reply (bit mask). */
enum dd_ev_flag {
	DD_EV_F_QR = 1 << 0,
	DD_EV_F_AA = 1 << 1,
	DD_EV_F_TC = 1 << 2,
	DD_EV_F_RD = 1 << 3,
	DD_EV_F_RA = 1 << 4,
	DD_EV_F_AD = 1 << 5,
	DD_EV_F_CD = 1 << 6,
};

struct dd_ev_strlist {
	char **v;   /* heap strings */
	size_t n;   /* entries used */
	size_t cap; /* entries allocated */
};

/* Common part of every observation: one question to one server. */
struct dd_ev_response {
	enum dd_ev_state state;
	int rcode;      /* DNS rcode of the reply (0..4095), -1 when there was none */
	int aa;         /* AA flag of the reply: 1, 0, or -1 when there was none */
	double rtt_ms;  /* round trip of the deciding exchange, < 0 when none */
	int exchange;   /* index into evidence.exchanges of the deciding exchange, -1 none */
	char *detail;   /* free text for humans (e.g. "answered from 127.0.0.7"), or NULL */
};

/* One server asked during the walk from the root down to the parent zone. */
struct dd_ev_step_server {
	char *name;                 /* server name ("a.root-servers.net.") */
	char *address;              /* address asked ("198.41.0.4") */
	enum dd_ev_proto protocol;  /* transport of the deciding exchange */
	struct dd_ev_response r;    /* what it said */
	char *referral;             /* zone it referred to ("sm."), or NULL */
};

/* One zone cut on the way down: the zone and the servers asked there. */
struct dd_ev_step {
	char *zone;                        /* "." first, then "sm.", ... */
	struct dd_ev_step_server *servers;
	size_t nservers, cap;
};

struct dd_ev_glue {
	char *name;    /* NS name the glue belongs to */
	char *address; /* IPv4 or IPv6 address in presentation form */
	int64_t ttl;   /* TTL of the A/AAAA record, -1 unknown */
};

/* A parent server's reply to "DOMAIN NS?": the referral (or why none). */
struct dd_ev_delegation {
	struct dd_ev_response r;
	struct dd_ev_strlist ns;  /* NS names of the referral (or answer) */
	int64_t ns_ttl;           /* TTL of that NS RRset, -1 unknown */
	struct dd_ev_glue *glue;  /* glue records from the additional section */
	size_t nglue, glue_cap;
};

/* A parent server's reply to "DOMAIN DS?". */
struct dd_ev_ds {
	struct dd_ev_response r;
	struct dd_ev_strlist records; /* DS records in presentation format */
	int64_t ttl;                  /* TTL of the DS RRset, -1 unknown */
};

/* One address of one server of the parent zone. */
struct dd_ev_parent_server {
	char *name;    /* "a.nic.sm." */
	char *address; /* "127.0.0.5" */
	struct dd_ev_delegation delegation;
	struct dd_ev_ds ds;
};

struct dd_ev_parent {
	char *zone;          /* the parent zone ("sm."), NULL when the walk did not find it */
	char *error_code;    /* why the parent could not be examined
			      * ("ALL_SERVERS_FAILED", ...), NULL when it could */
	char *error_message; /* human text for error_code, or NULL */
	struct dd_ev_parent_server *servers;
	size_t nservers, cap;
};

/* Addresses of an NS name, resolved from its own authoritative servers. */
struct dd_ev_resolution {
	enum dd_ev_rstate state;
	struct dd_ev_strlist a;    /* IPv4 addresses */
	struct dd_ev_strlist aaaa; /* IPv6 addresses */
	int64_t ttl;               /* smallest TTL of the address RRsets, -1 unknown */
	char *cname;               /* CNAME target when the NS name is an alias, else NULL */
	char *message;             /* human text (why it failed), or NULL */
};

/* SOA query result. */
struct dd_ev_soa {
	struct dd_ev_response r;
	int64_t serial; /* SOA serial, -1 when no SOA came back */
};

/* NS query result (what the child zone itself publishes). */
struct dd_ev_nsset {
	struct dd_ev_response r;
	struct dd_ev_strlist ns; /* NS names in the answer */
	int64_t ttl;             /* TTL of the NS RRset, -1 unknown */
};

/* Reply to a query carrying EDNS version 1: a server that implements EDNS
 * correctly answers BADVERS with an OPT record of version 0 (RFC 6891 6.1.3). */
struct dd_ev_ednsprobe {
	struct dd_ev_response r;
	int edns_version; /* EDNS version of the reply's OPT record, -1 when no OPT */
};

/* One address of one of the domain's nameservers. */
struct dd_ev_ns_server {
	char *address;
	struct dd_ev_soa soa_udp;    /* DOMAIN SOA? over UDP */
	struct dd_ev_soa soa_tcp;    /* DOMAIN SOA? over TCP */
	struct dd_ev_nsset ns_udp;   /* DOMAIN NS? over UDP */
	struct dd_ev_ednsprobe edns; /* DOMAIN SOA? with EDNS version 1 */
};

/* One NS name: the union of the parent's and the child's NS sets. */
struct dd_ev_nameserver {
	char *name;
	int in_parent;    /* listed by at least one parent server */
	int in_child;     /* listed by at least one of the domain's own servers */
	int in_bailiwick; /* the name lies inside the domain (needs glue) */
	struct dd_ev_strlist glue; /* union of glue addresses seen at the parent */
	struct dd_ev_resolution resolution;
	struct dd_ev_ns_server *servers; /* every address probed for this name */
	size_t nservers, cap;
};

/* EDNS OPT record of a query or a reply. */
struct dd_ev_edns {
	int present;       /* 0: no OPT record (JSON null) */
	unsigned udp_size; /* advertised UDP payload size */
	int do_bit;        /* DO flag */
	int version;       /* EDNS version */
};

/* One DNS query and what came back. Index = id. */
struct dd_ev_exchange {
	int id;                    /* its index in evidence.exchanges */
	char *server;              /* server name, or NULL when only the address is known */
	char *address;             /* server address */
	unsigned port;             /* server port (53) */
	enum dd_ev_proto protocol;
	char *qname;               /* question name */
	char *qtype;               /* question type mnemonic ("NS", "SOA", "TYPE65") */
	struct dd_ev_edns query_edns;
	double t_ms;               /* start, ms since the run began */
	double rtt_ms;             /* round trip, < 0 when no reply */
	int shared;                /* the same question to the same address was already asked
				    * in this run: this records that exchange again (no query) */
	enum dd_ev_result result;
	int rcode;                 /* -1 when no reply */
	unsigned flags;            /* enum dd_ev_flag bits of the reply */
	long size;                 /* reply size in bytes, -1 when no reply */
	struct dd_ev_edns reply_edns;
	struct dd_ev_strlist answer;     /* records in presentation format; read them */
	struct dd_ev_strlist authority;  /* after dd_ev_exchange_sections */
	struct dd_ev_strlist additional;
	uint8_t *wire;             /* the reply's bytes while its sections are not yet text
				    * (a live run renders them only when read or saved) */
	size_t wire_len;
	char *detail;              /* free text ("2 replies with a wrong ID ignored"), or NULL */
};

struct dd_ev_options {
	int ipv4;            /* IPv4 servers asked */
	int ipv6;            /* IPv6 servers asked */
	unsigned timeout_ms; /* per-try timeout */
	unsigned retries;    /* retries after the first try */
};

/* --- dependencies: what the name depends on (docs/dependencies.md) --- */

/* A name the dependencies were gathered for: the domain, then its backups. */
struct dd_ev_dep_root {
	char *name;
	char *zone;              /* zone the walk ended in (its own, or the one that said NXDOMAIN) */
	enum dd_ev_rstate state; /* ok: the walk reached an answer or NODATA; nxdomain; failed */
	char *message;           /* why the walk failed, or NULL */
};

/* A zone on some name's way from the root. */
struct dd_ev_dep_zone {
	char *name;
	char *parent;            /* the zone that delegates it, NULL for the root */
	struct dd_ev_strlist ns; /* NS names: the parent's referral, plus the zone's own answer */
	struct dd_ev_glue *glue; /* glue the parent gave with the referral */
	size_t nglue, glue_cap;
	int depth;               /* 0: on a root's own way; n: reached through n NS names */
};

/* A nameserver name of some zone of the graph. */
struct dd_ev_dep_host {
	char *name;
	char *zone;              /* zone that answered for the name, NULL when not walked */
	enum dd_ev_rstate state; /* its address lookup */
	struct dd_ev_strlist addrs; /* IPv4 and IPv6 addresses */
	int depth;               /* NS names between a root and this one (1: a root's own NS) */
	int followed;            /* its way from the root was walked (within the depth bound) */
	int walk_shared;         /* that walk was made for another domain of the run and
				  * reused: its exchanges are in that domain's evidence */
	char *message;           /* why the lookup or the walk failed, or NULL */
};

/* The origin AS of one address, from the configured source. */
struct dd_ev_dep_addr {
	char *address;
	int64_t asn;             /* -1 unknown */
	char *prefix;            /* announced prefix the source gave, or NULL */
	char *detail;            /* what the source said, or why nothing is known */
};

/* Registration of one registrable domain (RDAP/WHOIS), reduced to what the
 * analysis needs. */
struct dd_ev_dep_reg {
	char *domain;            /* "dnsprov.test" */
	char *result;            /* "found", "not-found", "rdap-error", "other-object", "unavailable" */
	char *reason;            /* unavailable: "timeout: ...", else NULL */
	char *source;            /* where the record came from, or NULL */
	char *registrar;         /* name, or NULL when not stated */
	char *registrar_id;      /* IANA id, or NULL */
	int64_t expires;         /* registry expiry, seconds since the epoch; -1 unknown */
	struct dd_ev_strlist statuses; /* EPP codes, or the registry's words verbatim */
	int transfer_lock;       /* 1 locked, 0 not locked, -1 unknown */
};

struct dd_ev_deps {
	int present;             /* the section is there (gather it / it was loaded) */
	int max_depth;           /* NS names followed from a root, at most */
	int truncated;           /* a bound cut the graph short */
	int registration;        /* registration data was looked up */
	char *asn_source;        /* "zone ZONE", "mmdb PATH", or NULL: origin AS not looked up */
	struct dd_ev_dep_root *roots;
	size_t nroots, roots_cap;
	struct dd_ev_dep_zone *zones;
	size_t nzones, zones_cap;
	struct dd_ev_dep_host *hosts;
	size_t nhosts, hosts_cap;
	struct dd_ev_dep_addr *addrs;
	size_t naddrs, addrs_cap;
	struct dd_ev_dep_reg *regs;
	size_t nregs, regs_cap;
};

/* The DNSSEC section (struct dd_ev_dnssec and its appenders). */
#include "evidence/ev_dnssec.h"

/* --- registration: the registry's record of the domain (ev_reg.c,
 * docs/registration.md); the record keeps the raw documents too. --- */
struct dd_reg_record;
struct dd_probe_reg;
struct dd_ev_registration {
	int present;          /* looked up (or loaded): the checks judge it */
	char *domain;         /* the registrable domain asked about ("puri.sm") */
	char *reason;         /* no record: "no-source", "timeout", "rate-limited", "unparseable",
			       * "too-large", "network", "http-error"; NULL with a record */
	char *why;            /* that reason in words, or notes on the look-up; NULL when none */
	char *refused;        /* a server-supplied destination not followed, and why; or NULL */
	struct dd_reg_record *record; /* the registry's record (the registrar's inside), or NULL */
	/* Read from documents saved before the expiry thresholds became options
	 * of the checks (struct dd_chk_opts): the --expiry-warn and --expiry-crit
	 * that run judged with, which `report` takes as its defaults so that such
	 * a document is judged as it was; 0 when not recorded. Never saved. */
	int saved_warn_days, saved_crit_days;
	struct dd_probe_reg *live; /* while probing: the run's look-ups (probe/reg.h); never saved */
	struct dd_probe_reg_job *job; /* while probing: this domain's look-up; never saved */
};

/* A host name examined in the zone that holds it: the name the user asked
 * about has no delegation of its own, so the evidence's domain is that zone
 * (found by walking down to its closest enclosing zone cut) and this says
 * what was asked and what the name itself resolves to. */
struct dd_ev_host {
	int present;
	char *name;          /* the name asked about ("www.example.test.") */
	char *zone;          /* the zone that holds it (the evidence's domain) */
	int *cut;            /* exchanges in which that zone's servers answered for the name */
	size_t ncut, cut_cap;
	struct dd_ev_resolution resolution; /* the name's own A/AAAA look-up */
};

/* The whole record. Future sections (registration, dnssec, dependencies)
 * become new members; the loader ignores top-level keys it does not know. */
struct dd_evidence {
	char *tool;        /* "dnsdeps 0.1.0" */
	int64_t time;      /* when the run happened, seconds since the epoch (--now fixes it) */
	char *domain;      /* canonical, absolute ("puri.sm.") */
	struct dd_ev_options options;
	struct dd_ev_step *chain; /* root first, one step per zone cut down to the parent */
	size_t nchain, chain_cap;
	struct dd_ev_parent parent;
	struct dd_ev_nameserver *nameservers;
	size_t nnameservers, ns_cap;
	struct dd_ev_exchange *exchanges;
	size_t nexchanges, ex_cap;
	struct dd_ev_deps deps;   /* dependencies (ev_deps.c), present when gathered */
	struct dd_ev_dnssec dnssec; /* DNSSEC records (ev_dnssec.c), present when gathered */
	struct dd_ev_registration registration; /* RDAP/WHOIS (ev_reg.c), present when looked up */
	struct dd_ev_host host;   /* the name asked about, when it is a host name in the domain */
};

/* --- life cycle --- */

/* A new, empty record for domain (copied as given) at time t; NULL when out
 * of memory. Options default to ipv4 and ipv6 on, 1500 ms, 2 retries. */
struct dd_evidence *dd_ev_new(const char *domain, int64_t t);
void dd_ev_free(struct dd_evidence *ev);

/* --- appenders for the probe (index >= 0, or DD_ENOMEM / DD_ELIMIT / DD_EINVAL) --- */

/* Replace *field with a copy of s (s may be NULL). 0 or DD_ENOMEM / DD_ELIMIT. */
int dd_ev_set_str(char **field, const char *s);
int dd_ev_strlist_add(struct dd_ev_strlist *l, const char *s);
/* Free the strings of l and the list itself; l is left empty. */
void dd_ev_strlist_free(struct dd_ev_strlist *l);
/* Add s unless an equal string (case-insensitive) is already there; returns
 * the index of the existing or the new entry. */
int dd_ev_strlist_add_unique(struct dd_ev_strlist *l, const char *s);
/* Index of s in l (case-insensitive), or -1. */
int dd_ev_strlist_find(const struct dd_ev_strlist *l, const char *s);

#define DD_EV_MAX_RR_TEXT 100 /* records kept per section of an exchange */

/* Keep the reply's bytes (copied) as the exchange's sections, to be
 * rendered as text when first read: 0 or DD_ENOMEM. */
int dd_ev_exchange_set_wire(struct dd_ev_exchange *x, const uint8_t *wire, size_t len);
/* Render the kept reply's sections as text (at most DD_EV_MAX_RR_TEXT
 * records each), once; afterwards answer, authority and additional hold
 * them. Does nothing for an exchange that has them already. */
void dd_ev_exchange_sections(struct dd_ev_exchange *x);
/* The sections of a reply as text, into three empty lists (the caller
 * frees them): what dd_ev_exchange_sections puts in an exchange. */
void dd_ev_sections_render(const uint8_t *wire, size_t len, struct dd_ev_strlist out[3]);

/* A new exchange, all fields "no value", id set, port 53. */
int dd_ev_add_exchange(struct dd_evidence *ev);
/* A new chain step for zone. */
int dd_ev_add_step(struct dd_evidence *ev, const char *zone);
/* A new server (skipped, no referral) in chain step `step`. */
int dd_ev_add_step_server(struct dd_evidence *ev, size_t step, const char *name,
			  const char *address);
/* A new parent server address; both responses start "skipped". */
int dd_ev_add_parent_server(struct dd_evidence *ev, const char *name, const char *address);
/* A glue record in parent server `ps`'s delegation. */
int dd_ev_add_glue(struct dd_evidence *ev, size_t ps, const char *name, const char *address,
		   int64_t ttl);
/* Find or add the NS name (case-insensitive): returns its index. */
int dd_ev_add_nameserver(struct dd_evidence *ev, const char *name);
/* Make ev a host name's record: name (the name asked about) lies in zone,
 * which becomes ev->domain. 0 or DD_ENOMEM. */
int dd_ev_host_set(struct dd_evidence *ev, const char *name, const char *zone);
/* Note an exchange of the zone's servers answering for the host name. */
int dd_ev_host_add_cut(struct dd_evidence *ev, int exchange);
/* Index of the NS name, or -1. */
int dd_ev_find_nameserver(const struct dd_evidence *ev, const char *name);
/* Find or add an address of nameserver `ns`: returns its index. */
int dd_ev_add_ns_server(struct dd_evidence *ev, size_t ns, const char *address);

/* Reset a response to "skipped, no reply". */
void dd_ev_response_init(struct dd_ev_response *r);

/* --- names of enumerations (never NULL; "?" when out of range) --- */

const char *dd_ev_state_name(enum dd_ev_state s);
const char *dd_ev_result_name(enum dd_ev_result r);
const char *dd_ev_proto_name(enum dd_ev_proto p);
const char *dd_ev_rstate_name(enum dd_ev_rstate s);
/* Mnemonic of an rcode ("NXDOMAIN", "BADVERS", else "RCODE42") into buf. */
const char *dd_ev_rcode_name(int rcode, char *buf, size_t buflen);
/* Parsers: 0, or DD_EINVAL for an unknown name. */
int dd_ev_state_parse(const char *name, enum dd_ev_state *out);
int dd_ev_rcode_parse(const char *name, int *out);

/* A state meaning "the server replied" (anything but skipped, timeout,
 * unreachable, malformed, mismatch). */
int dd_ev_state_replied(enum dd_ev_state s);

/* --- dependencies (ev_deps.c): find-or-add by name (case-insensitive),
 * returning the index; the new entry has every value "unknown". --- */

int dd_ev_dep_root(struct dd_evidence *ev, const char *name);
int dd_ev_dep_zone(struct dd_evidence *ev, const char *name);
int dd_ev_dep_host(struct dd_evidence *ev, const char *name);
int dd_ev_dep_addr(struct dd_evidence *ev, const char *address);
int dd_ev_dep_reg(struct dd_evidence *ev, const char *domain);
/* Index of the entry, or -1. */
int dd_ev_dep_find_zone(const struct dd_evidence *ev, const char *name);
int dd_ev_dep_find_host(const struct dd_evidence *ev, const char *name);
int dd_ev_dep_find_addr(const struct dd_evidence *ev, const char *address);
int dd_ev_dep_find_reg(const struct dd_evidence *ev, const char *domain);
/* Glue of zone z (deduplicated). */
int dd_ev_dep_add_glue(struct dd_evidence *ev, size_t z, const char *name, const char *address);

/* --- registration (ev_reg.c) --- */
/* Take the registry's record (ownership moves into ev; record may be NULL
 * when unavailable, then reason and why say why). 0 or DD_ENOMEM. */
int dd_ev_reg_set(struct dd_evidence *ev, const char *domain, struct dd_reg_record *record,
		  const char *reason, const char *why, const char *refused);

/* --- JSON --- */

/* The record as a JSON document (indented, newline-terminated), heap string
 * the caller frees; NULL when out of memory. */
char *dd_ev_save_json(const struct dd_evidence *ev);
/* Write the document to f: 0, DD_ENOMEM or DD_EIO. */
int dd_ev_save_file(const struct dd_evidence *ev, FILE *f);

/* Parse and validate a document (len bytes of text, untrusted). On success
 * *out is a new record (free with dd_ev_free) and 0 is returned. Otherwise
 * *out is NULL, a negative enum dd_err is returned (DD_EPARSE for a bad
 * document, DD_ELIMIT past a bound, DD_ENOMEM) and err holds one line naming
 * the place and the problem, e.g.
 * "nameservers[0].servers[1].soa_udp.state: unknown value \"lamee\"". */
int dd_ev_load_json(const char *text, size_t len, struct dd_evidence **out, char *err,
		    size_t errlen);
/* Same, reading the file at path (at most DD_EV_MAX_DOC bytes); DD_EIO when
 * it cannot be read. */
int dd_ev_load_file(const char *path, struct dd_evidence **out, char *err, size_t errlen);

/* The field lists of docs/evidence.md, generated from the tables that save
 * and load the document (Markdown, heap string the caller frees; NULL when
 * out of memory). A test compares them with the committed file. */
char *dd_ev_schema_markdown(void);

#endif
