/* chk_int.h: shared between the files of the checks module only (not part
 * of its interface): the code table's indexes, facts derived once from the
 * evidence, the context each check family receives, and small helpers. */
#ifndef DD_CHECKS_CHK_INT_H
#define DD_CHECKS_CHK_INT_H

#include "checks/checks.h"
#include "core/buf.h"

/* Index of each code in the table of defs.c: one per line of codes.def. */
enum chk_code {
#define DD_FAMILY(file)
#define DD_CODE(name, severity, layer, consequence, title, rfc, advice) C_##name,
#include "checks/codes.def"
#undef DD_CODE
#undef DD_FAMILY
	C_COUNT
};

extern const struct dd_chk_def dd_chk_table[C_COUNT];

/* The finding of code in f, or NULL. */
const struct dd_chk_finding *chk_find(const struct dd_chk_findings *f, enum chk_code code);

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
