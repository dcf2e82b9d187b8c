/* graph.h: what a name depends on, as a graph, and what that means. Pure:
 * built from the evidence's dependencies section (src/probe/deps.c gathers
 * it), no I/O, no clock (the caller passes "now").
 *
 * The graph: zones (each with the zone that delegates it and its NS names),
 * nameserver names (each with the zone that holds it and its addresses),
 * addresses, and the entities whose failure is considered: registries (the
 * public suffixes, libpsl's ICANN section), registrars (from registration
 * data, "unknown" per registrable domain without it), operators (the
 * registrable domain of NS names), networks (IPv4 /24, IPv6 /48), origin ASes
 * and servers (NS names).
 *
 * The analysis: for every name the graph was built for (the domain, then its
 * backups) whether it resolves with no failure, and which single entity's
 * failure would stop it resolving (single points of failure, inherent or
 * avoidable, with advice); nameserver domains a stranger could take over
 * (hijack risks) from registration data; counts of what the name depends on
 * and how much of it the owner controls; for a group of backups, what they
 * share and which failure still takes all of them down. The model is in
 * docs/dependencies.md. Names are kept as the evidence has them: escape them
 * before printing. */
#ifndef DD_GRAPH_H
#define DD_GRAPH_H

#include <stddef.h>
#include <stdint.h>

#include "core/name.h"
#include "evidence/evidence.h"

#define DD_GRAPH_MAX_ZONES 512  /* graph bounds: the rest is left out, truncated set */
#define DD_GRAPH_MAX_HOSTS 1024
#define DD_GRAPH_MAX_ADDRS 2048
#define DD_GRAPH_MAX_ROOTS 16
#define DD_GRAPH_MAX_NS 64      /* NS names per zone, addresses per name, glue per NS */

/* The kinds of entity whose failure the analysis considers, in report order. */
enum dd_graph_kind {
	DD_GK_REGISTRY = 0,
	DD_GK_REGISTRAR,
	DD_GK_OPERATOR,
	DD_GK_NETWORK,
	DD_GK_AS,
	DD_GK_SERVER,
	DD_GK_COUNT
};

/* "registry", "registrar", "operator", "network", "as", "server". */
const char *dd_graph_kind_name(enum dd_graph_kind k);

struct dd_graph_entity {
	enum dd_graph_kind kind;
	char name[DD_NAME_MAX]; /* "test.", "Example Registrar", "dnsprov.test",
				 * "192.0.2.0/24", "AS64500", "ns1.dnsprov.test." */
	int known;              /* registrar: 0 when the registration is unknown */
	char key[DD_NAME_MAX];  /* identity (lower case; a registrar's IANA id when known) */
};

/* The entity for people: "registry test.", "registrar Example Registrar",
 * "registrar of dnsprov.test (unknown)", "operator dnsprov.test", "network
 * 192.0.2.0/24", "AS64500", "server ns1.dnsprov.test." (names raw). */
void dd_graph_entity_label(const struct dd_graph_entity *e, char *out, size_t outlen);

/* A nameserver name as a zone's NS: its glue, if the parent gave some. */
struct dd_graph_ns {
	int host;     /* index into hosts */
	int *glue;    /* address indexes of its glue */
	size_t nglue;
};

struct dd_graph_zone {
	const char *name;       /* as in the evidence */
	int parent;             /* zone index; -1 for the root or when unknown */
	struct dd_graph_ns *ns;
	size_t nns;
	int suffix;             /* a public suffix: a registry's own zone (or the root) */
	char registrable[DD_NAME_MAX]; /* registrable domain, no final dot; "" for suffixes */
	int apex;               /* the zone is its registrable domain (registered at a registry) */
	int registry;           /* entity: the registry itself (suffix zones) or the
				 * registry that delegates it (apexes); -1 otherwise */
	int registrar;          /* entity: an apex's registrar; -1 otherwise */
	int depth;
};

struct dd_graph_host {
	const char *name;
	int zone;               /* zone index, -1 when not known */
	int followed;           /* its way from the root was walked */
	enum dd_ev_rstate state;
	int *addrs;             /* address indexes */
	size_t naddrs;
	char registrable[DD_NAME_MAX]; /* the operator's domain, no final dot */
	int operator;           /* entity */
	int server;             /* entity */
	int registrar;          /* entity: the registrar of its registrable domain, -1 */
	int depth;
	int reg;                /* index into ev->deps.regs of its registrable domain, -1 */
};

struct dd_graph_addr {
	const char *text;
	int network;            /* entity */
	int as;                 /* entity, -1 when the origin AS is unknown */
};

struct dd_graph_root {
	const char *name;
	int zone;               /* zone index, -1 when the walk found none */
	enum dd_ev_rstate state;
	char registrable[DD_NAME_MAX];
	int reg;                /* index into ev->deps.regs, -1 */
	int registrar;          /* entity of its registrar (inherent), -1 */
};

struct dd_graph {
	const struct dd_evidence *ev; /* must outlive the graph */
	struct dd_graph_root *roots;
	size_t nroots;
	struct dd_graph_zone *zones;
	size_t nzones;
	struct dd_graph_host *hosts;
	size_t nhosts;
	struct dd_graph_addr *addrs;
	size_t naddrs;
	struct dd_graph_entity *entities;
	size_t nentities, entities_cap;
	int truncated;          /* the evidence was cut short, or a graph bound was hit */
	struct dd_graph_adj *adj; /* private: reverse edges for dd_graph_propagate */
	size_t hosts_cap, addrs_cap; /* private: allocated, grown on demand */
};

/* Build the graph of ev's dependencies section. DD_ENOTFOUND when the
 * evidence has none, DD_ENOMEM. */
int dd_graph_build(const struct dd_evidence *ev, struct dd_graph **out);
void dd_graph_free(struct dd_graph *g);


/* ---- analysis --------------------------------------------------------- */

struct dd_graph_spof {
	int entity;
	int inherent;   /* the name's own registry or registrar */
	int via;        /* the zone whose infrastructure it is part of (that zone's own
			 * servers, their operator, network, registrar; for an inherent one a
			 * registry above the name), or -1: entries of one root with one via
			 * and one inherent flag fail as one */
	char *advice;   /* what mitigates it, or the change that removes it (names raw) */
	char *why;      /* an avoidable one: the fact alone, without the change ("every
			 * usable nameserver of x (NS a and b) is run by one operator, y"), else NULL */
};

enum dd_graph_hijack_kind {
	DD_HJ_UNREGISTERED = 0, /* the registry says the domain does not exist */
	DD_HJ_NOT_DELEGATED,    /* its registry answers NXDOMAIN; no registration data */
	DD_HJ_EXPIRED,
	DD_HJ_ON_HOLD,          /* clientHold, serverHold, suspended */
	DD_HJ_PENDING_DELETE,   /* pendingDelete, redemptionPeriod */
	DD_HJ_EXPIRES_FIRST,    /* expires before the domain that depends on it */
	DD_HJ_NO_TRANSFER_LOCK,
	DD_HJ_COUNT
};

/* "unregistered", "not-delegated", "expired", "on-hold", "pending-delete",
 * "expires-first", "no-transfer-lock". */
const char *dd_graph_hijack_name(enum dd_graph_hijack_kind k);

struct dd_graph_hijack {
	enum dd_graph_hijack_kind kind;
	char domain[DD_NAME_MAX]; /* the nameserver domain */
	int *hosts;               /* its NS names in the graph (host indexes) */
	size_t nhosts;
	int depth;                /* smallest depth of those names (1: the domain's own NS) */
	int root;                 /* the first root that depends on it */
	char *message;            /* one sentence (names raw) */
};

struct dd_graph_count {
	size_t total;
	size_t controlled; /* under the root's own registrable domain */
};

struct dd_graph_counts {
	struct dd_graph_count zones, servers, addresses, registries, registrars, operators,
		networks, ases;
	size_t registrars_unknown; /* of registrars.total, how many are unknown */
	size_t ases_unknown;       /* addresses whose origin AS is unknown */
};

struct dd_graph_rootres {
	int resolvable;           /* with no failure */
	struct dd_graph_counts counts;
	struct dd_graph_spof *spofs;
	size_t nspofs;
	unsigned char *uses;      /* per entity: the root depends on it */
	int *shared;              /* backups: entities (registry..AS) shared with root 0 */
	size_t nshared;
};

struct dd_graph_analysis {
	struct dd_graph_rootres *roots; /* same order as graph->roots */
	size_t nroots;
	struct dd_graph_hijack *hijacks;
	size_t nhijacks;
	char (*reg_unknown)[DD_NAME_MAX]; /* NS domains whose registration is unknown */
	size_t nreg_unknown;
	struct dd_graph_spof *group_spofs; /* with backups: one failure takes all down */
	size_t ngroup_spofs;
};

/* Analyse g as of time now (expiry dates). out must be zeroed or freed
 * before. 0 or DD_ENOMEM. */
int dd_graph_analyse(const struct dd_graph *g, int64_t now, struct dd_graph_analysis *out);
void dd_graph_analysis_free(struct dd_graph_analysis *a);

/* Which zones resolve when entity `failed` (or -1: nothing) fails: one flag
 * per zone into zone_ok (g->nzones entries). 0 or DD_ENOMEM. */
int dd_graph_propagate(const struct dd_graph *g, int failed, unsigned char *zone_ok);
/* NS entry n of a zone can be used, by the flags of dd_graph_propagate
 * (nothing failed): it has glue, or its own addresses once its zone resolves. */
int dd_graph_ns_up(const struct dd_graph *g, const struct dd_graph_ns *n, const unsigned char *zone_ok);
/* The subject of the avoidable single point of failure i of rr, as the
 * DEPS_SPOF_* finding and the audit's spofs column name it: its label, or
 * for the first entry of a group (one via) its parts, "a or b or c". 0 when
 * i is inherent or not the first of its group (out is ""), else 1. */
int dd_graph_spof_subject(const struct dd_graph *g, const struct dd_graph_rootres *rr, size_t i,
			  char *out, size_t len);
/* Root r resolves, by the flags of dd_graph_propagate. */
int dd_graph_root_ok(const struct dd_graph *g, size_t r, const unsigned char *zone_ok);

#endif
