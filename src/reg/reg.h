/* reg.h: registration data, the registry's own view of a domain. Parses RDAP
 * (RFC 9083) and WHOIS (RFC 3912) answers into one normalized record, maps
 * status words to EPP codes (RFC 8056) and classifies them, reads the RDAP
 * bootstrap (RFC 9224) and the WHOIS server table, and renders the record as
 * text (escaped) or JSON. No I/O beyond reading local files; never prints.
 * A field the document does not state is unknown: nothing is guessed. */
#ifndef DD_REG_H
#define DD_REG_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

#define DD_REG_DOC_MAX (1024 * 1024) /* largest document accepted, bytes */
#define DD_REG_MAX_NS 32             /* nameservers kept */
#define DD_REG_MAX_STATUS 32         /* statuses kept */
#define DD_REG_WHY_MAX 192           /* room for an error message */

enum dd_reg_source { DD_REG_SRC_NONE = 0, DD_REG_SRC_RDAP, DD_REG_SRC_WHOIS };

enum dd_reg_result {
	DD_REG_FOUND = 0,    /* the registry holds a record of the domain */
	DD_REG_NOT_FOUND,    /* the registry says there is no such domain */
	DD_REG_RDAP_ERROR,   /* an RDAP error object other than 404 */
	DD_REG_OTHER_OBJECT, /* a valid RDAP object that is not a domain */
	DD_REG_ERROR,        /* the server refused or failed: rate limit, bad query */
};

enum dd_reg_tri { DD_REG_UNKNOWN = 0, DD_REG_NO, DD_REG_YES };

struct dd_reg_date {
	int known;
	int64_t t;  /* seconds since the epoch, UTC */
	char *text; /* the date as the document wrote it (NULL if absent) */
};

/* What a status means for the domain's presence in the DNS. */
enum dd_reg_class {
	DD_REG_SC_OTHER = 0,      /* kept verbatim, meaning not known */
	DD_REG_SC_OK,             /* ok, active, registered, connect ... */
	DD_REG_SC_CLIENT_HOLD,    /* the registrar has withdrawn the delegation */
	DD_REG_SC_SERVER_HOLD,    /* the registry has withdrawn the delegation */
	DD_REG_SC_REDEMPTION,     /* deleted, restorable (RFC 3915) */
	DD_REG_SC_PENDING_DELETE, /* about to be purged */
	DD_REG_SC_INACTIVE,       /* no nameservers: not in the zone */
	DD_REG_SC_SUSPENDED,      /* ccTLD wording: "Suspended", "Blocked" */
	DD_REG_SC_EXPIRED,        /* ccTLD wording: "Expired" */
	DD_REG_SC_CLIENT_LOCK,    /* client*Prohibited, registrar-set locks */
	DD_REG_SC_SERVER_LOCK,    /* server*Prohibited, registry-set locks */
	DD_REG_SC_PENDING,        /* pending operations and grace periods */
};

struct dd_reg_status {
	char *code; /* EPP code ("clientHold") or the registry's word verbatim */
	int epp;    /* 1 when code is an EPP domain status */
	enum dd_reg_class cls;
};

struct dd_reg_registrar {
	char *name;
	char *iana_id;
	char *url;
	char *abuse_email;
	char *rdap_url;     /* the registrar's RDAP record (link rel "related") */
	char *whois_server; /* thin registry referral ("Registrar WHOIS Server") */
};

struct dd_reg_record {
	enum dd_reg_source source;
	char *where;           /* URL, WHOIS host:port, or "file:PATH" */
	enum dd_reg_result result;
	char *detail;          /* RDAP error title, the not-found sentence */
	int error_code;        /* RDAP errorCode, 0 when none */
	char *object_class;    /* RDAP objectClassName */
	char *domain;          /* as the document names it, lower case */
	struct dd_reg_registrar registrar;
	struct dd_reg_date created, expires, updated;
	struct dd_reg_date registrar_expires; /* the registrar's own date */
	struct dd_reg_status *statuses;
	size_t nstatuses;
	char **ns;             /* nameserver names, lower case, no final dot */
	size_t nns;
	enum dd_reg_tri dnssec; /* delegationSigned */
	char *refer;           /* IANA "refer:" WHOIS server */
	char **redacted;       /* fields the registry says it withheld (RFC 9537
				* "redacted" names; WHOIS "REDACTED" values) */
	size_t nredacted;
	struct dd_reg_record *registrar_view; /* the registrar's record, if fetched */
	char *raw;             /* the document as received */
	size_t raw_len;
};

void dd_reg_record_init(struct dd_reg_record *r);
void dd_reg_record_free(struct dd_reg_record *r);
/* Builders used by the parsers: add a nameserver (validated, lower-cased,
 * final dot dropped, duplicates ignored) or a status word (mapped and
 * classified, duplicates ignored). 0, DD_EINVAL (not a host name),
 * DD_ELIMIT (list full) or DD_ENOMEM. */
int dd_reg_add_ns(struct dd_reg_record *r, const char *name, size_t len);
int dd_reg_add_status(struct dd_reg_record *r, const char *word, size_t len);
/* A field the registry withheld, by name ("Registrant Name"); duplicates
 * ignored, at most DD_REG_MAX_REDACTED. 0, DD_ELIMIT or DD_ENOMEM. */
#define DD_REG_MAX_REDACTED 64
int dd_reg_add_redacted(struct dd_reg_record *r, const char *name);

/* Parse a document. domain (may be NULL) is the name asked for; the record
 * of that name is picked when the document holds several. Returns 0 with out
 * filled (raw kept), or a negative dd_err with a message in why:
 * DD_ELIMIT (too large), DD_EMALFORMED (not RDAP JSON, not WHOIS text). */
int dd_reg_parse_rdap(const char *doc, size_t len, const char *domain,
		      struct dd_reg_record *out, char why[DD_REG_WHY_MAX]);
int dd_reg_parse_whois(const char *doc, size_t len, const char *domain,
		       struct dd_reg_record *out, char why[DD_REG_WHY_MAX]);
/* RDAP when the document starts with '{', WHOIS otherwise. */
int dd_reg_parse(const char *doc, size_t len, const char *domain, struct dd_reg_record *out,
		 char why[DD_REG_WHY_MAX]);

/* Dates as registries write them. order is DD_REG_DMY or DD_REG_MDY when the
 * document has shown which of a/b/yyyy it uses, else 0. Returns 0, or
 * DD_EPARSE (not a date, imprecise, unknown time zone) or DD_ENOTFOUND (the
 * day and month cannot be told apart). */
enum { DD_REG_DMY = 1, DD_REG_MDY = 2 };
int dd_reg_date_parse(const char *text, int order, int64_t *out);
/* The same, a date written without a zone being local time local_min
 * minutes east of UTC. */
int dd_reg_date_parse_local(const char *text, int order, int local_min, int64_t *out);
/* The order a numeric a/b/yyyy date reveals (0 when both are <= 12). */
int dd_reg_date_order(const char *text);

/* Fill st from a status word: an EPP code in any case, an RDAP status
 * ("client hold"), or a registry's own word kept verbatim. */
void dd_reg_status_set(struct dd_reg_status *st, const char *word);
const char *dd_reg_class_name(enum dd_reg_class cls);
int dd_reg_has_class(const struct dd_reg_record *r, enum dd_reg_class cls);
/* Transfers refused (client/serverTransferProhibited or the wording). */
int dd_reg_transfer_locked(const struct dd_reg_record *r);
/* Registry lock: all of serverUpdate/Delete/TransferProhibited. */
int dd_reg_registry_locked(const struct dd_reg_record *r);

const char *dd_reg_result_name(enum dd_reg_result res);
const char *dd_reg_source_name(enum dd_reg_source src);

/* {"schema": "dnsdeps.registration/1", ...}; raw included when with_raw. */
json_t *dd_reg_to_json(const struct dd_reg_record *r, int with_raw);
/* Its counterpart: the record from that JSON (untrusted; "schema" may be
 * absent, e.g. inside an evidence document). 0 with out filled, or
 * DD_EPARSE / DD_ELIMIT / DD_ENOMEM with why naming the member. */
int dd_reg_from_json(const json_t *j, struct dd_reg_record *out, char why[DD_REG_WHY_MAX]);

/* RDAP bootstrap (RFC 9224 "dns" registry). */
struct dd_reg_boot;
int dd_reg_boot_load(const char *doc, size_t len, struct dd_reg_boot **out,
		     char why[DD_REG_WHY_MAX]);
void dd_reg_boot_free(struct dd_reg_boot *b);
const char *dd_reg_boot_publication(const struct dd_reg_boot *b);
size_t dd_reg_boot_count(const struct dd_reg_boot *b);
/* Base URL serving the longest suffix of name (https preferred), or NULL.
 * *suffix (may be NULL) gets the matched entry. */
const char *dd_reg_boot_lookup(const struct dd_reg_boot *b, const char *name,
			       const char **suffix);
/* Entry i's base URL (i < dd_reg_boot_count), else NULL. */
const char *dd_reg_boot_target(const struct dd_reg_boot *b, size_t i);
/* base + "domain/" + name, with exactly one slash between. NULL on ENOMEM. */
char *dd_reg_rdap_url(const char *base, const char *name);

/* WHOIS server table: lines "SUFFIX HOST[:PORT]", '#' comments. */
struct dd_reg_wsrv;
int dd_reg_wsrv_load(const char *text, size_t len, struct dd_reg_wsrv **out,
		     char why[DD_REG_WHY_MAX]);
void dd_reg_wsrv_free(struct dd_reg_wsrv *w);
size_t dd_reg_wsrv_count(const struct dd_reg_wsrv *w);
/* Entry i's host and *port (i < dd_reg_wsrv_count), else NULL. */
const char *dd_reg_wsrv_target(const struct dd_reg_wsrv *w, size_t i, unsigned *port);
/* Server for the longest suffix of name: 0, or DD_ENOTFOUND. */
int dd_reg_wsrv_lookup(const struct dd_reg_wsrv *w, const char *name, const char **host,
		       unsigned *port);

/* What data/whois-suffixes.conf (compiled in) says of the suffix of name:
 * how its registry writes numeric dates and in which local time. A name
 * under no listed suffix gets order 0 and has_local 0. */
struct dd_reg_suffix_rule {
	char suffix[64];  /* the matched line's suffix, "" when none */
	int order;        /* DD_REG_DMY, DD_REG_MDY or 0 */
	int has_local;    /* dates without a zone are local time: */
	int local_min;    /* minutes east of UTC */
};
void dd_reg_suffix_rule(const char *name, struct dd_reg_suffix_rule *out);
/* The same rules read from text (the tests' own tables); 0 or DD_EPARSE
 * with the bad line in why. */
int dd_reg_suffix_rule_in(const char *conf, const char *name, struct dd_reg_suffix_rule *out,
			  char why[DD_REG_WHY_MAX]);

/* Read a whole local file of at most max bytes (NUL-terminated). */
int dd_reg_read_file(const char *path, size_t max, char **out, size_t *len);

#endif
