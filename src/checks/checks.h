/* checks.h: judging evidence. Checks are pure functions from an evidence
 * record to findings; the verdict turns findings (and the evidence) into one
 * status, the layer to blame and one sentence saying what to do. Every
 * finding code is listed in docs/findings.md; codes are never reused. */
#ifndef DD_CHECKS_H
#define DD_CHECKS_H

#include <stddef.h>
#include <stdint.h>

#include "evidence/evidence.h"

/* How bad a finding is:
 * - critical: the domain does not resolve (for everyone, or nobody can tell);
 * - error: some resolvers get a wrong answer (NXDOMAIN, a stale delegation);
 * - warning: it resolves, but redundancy is lost or the setup is inconsistent;
 * - notice: a risk worth knowing (single operator, no IPv6);
 * - info: a fact (TTLs). */
enum dd_chk_severity {
	DD_SEV_INFO = 0,
	DD_SEV_NOTICE,
	DD_SEV_WARNING,
	DD_SEV_ERROR,
	DD_SEV_CRITICAL,
	DD_SEV_COUNT
};

/* The layer of the delegation a finding blames. */
enum dd_chk_layer {
	DD_LAYER_NONE = 0,
	DD_LAYER_ROOT,         /* the root servers */
	DD_LAYER_REGISTRY,     /* the TLD's (parent zone's) own servers fail or disagree */
	DD_LAYER_REGISTRATION, /* the registry does not publish the domain */
	DD_LAYER_NAMESERVERS,  /* the domain's own servers and their data */
	DD_LAYER_DNSSEC,
	DD_LAYER_COUNT
};

enum dd_chk_status {
	DD_STATUS_OK = 0,
	DD_STATUS_WARNING,
	DD_STATUS_CRITICAL,
	DD_STATUS_UNKNOWN,
	DD_STATUS_COUNT
};

/* One finding code: fixed severity and layer, documented in docs/findings.md. */
struct dd_chk_def {
	const char *code;  /* UPPER_SNAKE, stable, never reused */
	enum dd_chk_severity severity;
	enum dd_chk_layer layer;
	const char *title; /* what it means, one line */
	const char *rfc;   /* the rule it rests on ("RFC 1034 4.2.2") */
	const char *advice;/* what to do, one or two sentences */
};

struct dd_chk_finding {
	const struct dd_chk_def *def;
	char *message;  /* one line naming the servers and addresses concerned;
			 * holds server-provided strings raw: escape before printing */
	int *evidence;  /* exchange ids behind the finding, ascending */
	size_t nevidence;
};

struct dd_graph;
struct dd_graph_analysis;
struct dd_sec_result;

struct dd_chk_findings {
	struct dd_chk_finding *v; /* most severe first, then by consequence (stable) */
	size_t n, cap;
	/* What the checks derived from the evidence and a renderer shows too,
	 * kept so that a judgement computes it once: the dependency graph and
	 * its analysis, the DNSSEC judgement (NULL when not made), all for the
	 * judgement time `now`. Freed with the findings. */
	struct dd_graph *graph;
	struct dd_graph_analysis *analysis;
	struct dd_sec_result *sec;
	int64_t now;
};

/* Registration facts (RDAP/WHOIS) that sharpen the verdict. With NULL in
 * dd_chk_opts.reg the verdict derives them from the evidence's registration
 * section (checks/registration.c); a caller may pass its own instead. */
enum dd_chk_reg_status {
	DD_REG_SERVER_HOLD = 1 << 0,    /* the registry holds the domain (serverHold) */
	DD_REG_CLIENT_HOLD = 1 << 1,    /* the registrar holds it (clientHold) */
	DD_REG_EXPIRED = 1 << 2,        /* past its expiry date */
	DD_REG_SUSPENDED = 1 << 3,      /* suspended (ccTLD wording) */
	DD_REG_REDEMPTION = 1 << 4,     /* redemptionPeriod */
	DD_REG_PENDING_DELETE = 1 << 5, /* pendingDelete */
	DD_REG_NO_RECORD = 1 << 6,      /* the registry does not know the domain (named
					 * apart from reg.h's result DD_REG_NOT_FOUND) */
};

struct dd_chk_reg_facts {
	int known;             /* 0: nothing known, the rest is ignored */
	unsigned status;       /* enum dd_chk_reg_status bits */
	int64_t expires;       /* expiry, seconds since the epoch; 0 unknown */
	const char *registrar; /* registrar name, or NULL */
};

struct dd_chk_opts {
	int64_t now;                         /* judgement time; 0 = the evidence's time */
	const struct dd_chk_reg_facts *reg;  /* the verdict's registration hook, or NULL */
	int sig_warn_days;                   /* DNSSEC_SIG_EXPIRING within this; 0: 7 */
	int expiry_warn_days;                /* REG_EXPIRES_SOON within this; 0: 30 */
	int expiry_crit_days;                /* REG_EXPIRES_IMMINENT within this; 0: 7 */
};

struct dd_chk_verdict {
	enum dd_chk_status status;
	enum dd_chk_layer layer;
	char *summary; /* one sentence; holds names from the evidence raw */
};

/* Run every check. out must be zeroed (or freed) before; on failure it is
 * left empty. 0 or DD_ENOMEM. */
int dd_chk_run(const struct dd_evidence *ev, const struct dd_chk_opts *o,
	       struct dd_chk_findings *out);
void dd_chk_findings_free(struct dd_chk_findings *f);
/* The finding with this code, or NULL. */
const struct dd_chk_finding *dd_chk_find(const struct dd_chk_findings *f, const char *code);

/* The verdict for findings computed from ev. 0 or DD_ENOMEM. */
int dd_chk_verdict(const struct dd_evidence *ev, const struct dd_chk_findings *f,
		   const struct dd_chk_opts *o, struct dd_chk_verdict *out);
void dd_chk_verdict_free(struct dd_chk_verdict *v);

/* The NS sets as judged: the union of the parent servers' delegations and
 * the union of what the domain's servers publish in authoritative answers.
 * Both lists must be zeroed; the caller frees their strings. 0 or DD_ENOMEM. */
int dd_chk_ns_sets(const struct dd_evidence *ev, struct dd_ev_strlist *parent,
		   struct dd_ev_strlist *child);

/* Every code, in documentation order; *n receives the count. */
const struct dd_chk_def *dd_chk_defs(size_t *n);
/* The definition of code, or NULL. */
const struct dd_chk_def *dd_chk_def_find(const char *code);

/* docs/findings.md's table of the codes of one check file ("chain.c"), in
 * codes.def's order: a Markdown table to free; NULL when codes.def has no
 * such family (or out of memory). */
char *dd_chk_codes_markdown(const char *family);

/* Lower-case names: "critical", "registry", "ok". Never NULL. */
const char *dd_chk_severity_name(enum dd_chk_severity s);
const char *dd_chk_layer_name(enum dd_chk_layer l);
const char *dd_chk_status_name(enum dd_chk_status s);

#endif
