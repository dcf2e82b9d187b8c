/* chk_int.h: shared between the files of the checks module only (not part
 * of its interface): the code table's indexes, facts derived once from the
 * evidence, the context each check family receives, and small helpers. */
#ifndef DD_CHECKS_CHK_INT_H
#define DD_CHECKS_CHK_INT_H

#include "checks/checks.h"
#include "core/buf.h"

/* Index of each code in the table of defs.c (same order). */
enum chk_code {
	/* chain.c */
	C_ROOT_ALL_FAILED,
	C_ROOT_SERVER_FAILED,
	C_ROOT_REFERRAL_DISAGREE,
	C_REGISTRY_ALL_FAILED,
	C_REGISTRY_SERVER_FAILED,
	C_REGISTRY_REFERRAL_DISAGREE,
	C_PARENT_UNKNOWN,
	C_SERVERS_NOT_ASKED,
	/* parent.c */
	C_PARENT_ALL_FAILED,
	C_PARENT_SERVER_FAILED,
	C_PARENT_NXDOMAIN_ALL,
	C_PARENT_NOT_DELEGATED,
	C_PARENT_NXDOMAIN_SOME,
	C_PARENT_NODATA_SOME,
	C_PARENT_NS_DISAGREE,
	C_PARENT_GLUE_DISAGREE,
	/* delegation.c */
	C_NS_PARENT_CHILD_DIFFER,
	C_CHILD_NS_DISAGREE,
	C_GLUE_MISMATCH,
	C_GLUE_MISSING,
	C_NS_NAME_NXDOMAIN,
	C_NS_NAME_NO_ADDRESS,
	C_NS_NAME_CNAME,
	C_DELEGATION_TTL,
	/* servers.c */
	C_SERVERS_ALL_LAME,
	C_SERVER_TIMEOUT,
	C_SERVER_UNREACHABLE,
	C_SERVER_REFUSED,
	C_SERVER_SERVFAIL,
	C_SERVER_NOT_AUTHORITATIVE,
	C_SERVER_NXDOMAIN,
	C_SERVER_BAD_REPLY,
	C_SERVER_NO_TCP,
	C_SERVER_EDNS_BROKEN,
	C_ZONE_SERIAL_DIFFER,
	/* host.c */
	C_HOST_NXDOMAIN,
	C_HOST_LOOKUP_FAILED,
	C_HOST_NO_ADDRESS,
	/* diversity.c */
	C_NS_TOO_FEW,
	C_ADDR_TOO_FEW,
	C_NS_SAME_ADDRESS,
	C_ADDR_ONE_PREFIX_V4,
	C_ADDR_ONE_PREFIX_V6,
	C_NO_IPV6,
	C_NS_ONE_OPERATOR,
	C_NS_ONE_TLD,
	C_NS_ALL_IN_BAILIWICK,
	/* deps.c */
	C_DEPS_SPOF_INHERENT,
	C_DEPS_SPOF_REGISTRY,
	C_DEPS_SPOF_REGISTRAR,
	C_DEPS_SPOF_OPERATOR,
	C_DEPS_SPOF_NETWORK,
	C_DEPS_SPOF_AS,
	C_DEPS_SPOF_SERVER,
	C_DEPS_NS_DOMAIN_UNREGISTERED,
	C_DEPS_NS_DOMAIN_NOT_DELEGATED,
	C_DEPS_NS_DOMAIN_EXPIRED,
	C_DEPS_NS_DOMAIN_ON_HOLD,
	C_DEPS_NS_DOMAIN_PENDING_DELETE,
	C_DEPS_NS_DOMAIN_EXPIRES_FIRST,
	C_DEPS_NS_DOMAIN_NO_TRANSFER_LOCK,
	C_DEPS_REGISTRATION_UNKNOWN,
	C_DEPS_BACKUP_DOWN,
	C_DEPS_BACKUP_SHARES,
	C_DEPS_BACKUP_SHARED_SPOF,
	C_DEPS_INCOMPLETE,
	/* dnssec.c */
	C_DNSSEC_DS_UNSIGNED,
	C_DNSSEC_DS_NO_MATCH,
	C_DNSSEC_BOGUS,
	C_DNSSEC_CHAIN_BROKEN,
	C_DNSSEC_DS_DENIAL_FAILS,
	C_DNSSEC_SIG_EXPIRED,
	C_DNSSEC_SIG_NOT_YET_VALID,
	C_DNSSEC_SIG_INVALID,
	C_DNSSEC_SIG_EXPIRING,
	C_DNSSEC_DNSKEY_DISAGREE,
	C_DNSSEC_ALGORITHM_DEPRECATED,
	C_DNSSEC_DS_SHA1_ONLY,
	C_DNSSEC_CDS_INCONSISTENT,
	C_DNSSEC_CDS_DELETE,
	C_DNSSEC_UNSIGNED,
	/* registration.c */
	C_REG_NOT_FOUND,
	C_REG_EXPIRED,
	C_REG_EXPIRES_IMMINENT,
	C_REG_EXPIRES_SOON,
	C_REG_SERVER_HOLD,
	C_REG_CLIENT_HOLD,
	C_REG_SUSPENDED,
	C_REG_REDEMPTION,
	C_REG_PENDING_DELETE,
	C_REG_INACTIVE,
	C_REG_EXPIRY_DIFFER,
	C_REG_NS_DIFFER,
	C_REG_NO_TRANSFER_LOCK,
	C_REG_NO_REGISTRY_LOCK,
	C_REG_DATA_UNAVAILABLE,
	C_COUNT
};

extern const struct dd_chk_def dd_chk_table[C_COUNT];

/* Exchange ids a finding rests on (deduplicated). */
struct chk_ids {
	int *v;
	size_t n, cap;
};

/* Facts about the evidence that several checks and the verdict need. */
struct chk_facts {
	/* parent side, counted per parent server address */
	size_t p_total;      /* addresses listed */
	size_t p_asked;      /* not skipped */
	size_t p_delegating; /* referral (or authoritative answer) with NS names */
	size_t p_nxdomain;
	size_t p_nodata;     /* nodata, cname, or an answer without NS: no delegation */
	size_t p_failed;     /* asked, but no usable reply */
	struct dd_ev_strlist parent_ns; /* union of the delegations' NS names */
	/* child side, counted per address of every NS name */
	size_t c_asked;  /* addresses asked (not skipped) */
	size_t c_good;   /* answered the SOA query authoritatively */
	struct dd_ev_strlist child_ns;  /* union of NS names the good servers publish */
	/* the NS names judged for diversity: parent's set, else child's, else all */
	struct dd_ev_strlist ns_names;
	/* the root step of the chain: servers asked and how many gave no reply */
	size_t root_asked, root_noreply, root_silent; /* silent: timeout/unreachable */
	/* What dnsdeps could not observe: only one address family was allowed
	 * (-4 or -6), and the zone on the way whose servers were all skipped
	 * (none had an address of that family), or NULL. */
	int one_family;
	const char *unasked_zone;
};

struct chk_ctx {
	const struct dd_evidence *ev;
	const struct dd_chk_opts *o;
	const struct chk_facts *facts;
	struct dd_chk_findings *out;
	int failed; /* sticky DD_ENOMEM */
};

/* Facts (free with chk_facts_free). 0 or DD_ENOMEM. */
int chk_facts_init(const struct dd_evidence *ev, struct chk_facts *f);
void chk_facts_free(struct chk_facts *f);

/* A child server answered the SOA query authoritatively (UDP, else TCP). */
int chk_server_good(const struct dd_ev_ns_server *s);
/* The response that decides a child server's fate: SOA over UDP unless it
 * was skipped, then SOA over TCP. */
const struct dd_ev_response *chk_server_soa(const struct dd_ev_ns_server *s);
/* A parent server's delegation reply counts as a delegation. */
int chk_parent_delegates(const struct dd_ev_parent_server *p);
/* The zone's name for humans: "sm" for "sm.", "the root" for ".". */
const char *chk_zone_label(const char *zone, char *buf, size_t buflen);

/* Family entry points. */
void chk_chain(struct chk_ctx *c);
void chk_parent(struct chk_ctx *c);
void chk_delegation(struct chk_ctx *c);
void chk_servers(struct chk_ctx *c);
void chk_host(struct chk_ctx *c);
void chk_diversity(struct chk_ctx *c);
void chk_deps(struct chk_ctx *c);
void chk_dnssec(struct chk_ctx *c);
void chk_registration(struct chk_ctx *c);
/* The verdict's registration facts from ev's registration section, judged
 * at now: 1 when the registry's answer is known, else 0 (out zeroed). */
int chk_reg_facts(const struct dd_evidence *ev, int64_t now, struct dd_chk_reg_facts *out);

/* Add a finding; the message is built by printf. ids may be NULL; its
 * contents are moved into the finding (ids is left empty). */
void chk_add(struct chk_ctx *c, enum chk_code code, struct chk_ids *ids, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void chk_ids_add(struct chk_ctx *c, struct chk_ids *ids, int id);
void chk_ids_free(struct chk_ids *ids);
/* Note a failure of a helper (DD_ENOMEM) in the context. */
void chk_fail(struct chk_ctx *c, int err);

/* Add "name (address)what" to l ("what" may be NULL); name or address may
 * be NULL. Failures are noted in c. */
void chk_label(struct chk_ctx *c, struct dd_ev_strlist *l, const char *name, const char *address,
	       const char *what);
/* How a response went, for messages: "timed out", "answered REFUSED". */
const char *chk_state_phrase(const struct dd_ev_response *r, char *buf, size_t buflen);
/* Append "a, b and c" (at most max items, then "and N more") to b, raw. */
void chk_join(struct dd_buf *b, const struct dd_ev_strlist *items, size_t max);
/* Address as 16 bytes (IPv4 mapped into the first 4): 4, 6, or 0 when not
 * an address. */
int chk_addr_parse(const char *s, unsigned char out[16]);
/* Same address (either family, any spelling). */
int chk_addr_equal(const char *a, const char *b);
/* Set comparisons consider at most this many entries of a list, so that a
 * hostile saved document cannot make judging slow. */
#define CHK_MAX_SET 256

/* A list as a comparable set key: entries normalized (addresses to their
 * canonical form, names lower-cased), sorted, deduplicated, joined by
 * spaces. Heap string, NULL when out of memory (noted in c). */
char *chk_set_key(struct chk_ctx *c, const struct dd_ev_strlist *l);
/* Compare two string lists as sets. */
int chk_set_equal(struct chk_ctx *c, const struct dd_ev_strlist *a, const struct dd_ev_strlist *b);

#endif
