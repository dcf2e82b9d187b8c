/* analyse.c: what the dependency graph means for its owner: per name, what
 * it depends on (counts, and how much the owner controls), which single
 * failure would stop it resolving (inherent or avoidable, with advice), the
 * nameserver domains a stranger could take over (hijack risks, from
 * registration data), and for a domain with backups what the group shares
 * and which failure still takes all of it down. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "core/env.h"
#include "core/err.h"
#include "graph/graph.h"
#include "reg/reg.h"

const char *dd_graph_hijack_name(enum dd_graph_hijack_kind k)
{
	static const char *const names[DD_HJ_COUNT] = { "unregistered",  "not-delegated",
							"expired",       "on-hold",
							"pending-delete", "expires-first",
							"no-transfer-lock" };
	return (unsigned)k < DD_HJ_COUNT ? names[k] : "?";
}

struct an {
	const struct dd_graph *g;
	struct dd_graph_analysis *a;
	int64_t now;
	int failed; /* sticky DD_ENOMEM */
	unsigned char *zseen, *hseen, *aseen; /* walk marks */
};

/* ---- what a root depends on ------------------------------------------- */

static void use(unsigned char *uses, int e)
{
	if (e >= 0)
		uses[e] = 1;
}

static void walk_addr(struct an *x, unsigned char *uses, int a)
{
	if (a < 0 || x->aseen[a])
		return;
	x->aseen[a] = 1;
	use(uses, x->g->addrs[a].network);
	use(uses, x->g->addrs[a].as);
}

static void walk_zone(struct an *x, unsigned char *uses, int z);

static void walk_host(struct an *x, unsigned char *uses, int h)
{
	const struct dd_graph_host *host;

	if (h < 0 || x->hseen[h])
		return;
	x->hseen[h] = 1;
	host = &x->g->hosts[h];
	use(uses, host->operator);
	use(uses, host->server);
	use(uses, host->registrar);
	for (size_t i = 0; i < host->naddrs; i++)
		walk_addr(x, uses, host->addrs[i]);
	walk_zone(x, uses, host->zone);
}

/* Iterative over the parent chain, recursive over NS names: the recursion
 * depth is bounded by the number of hosts, each visited once. */
static void walk_zone(struct an *x, unsigned char *uses, int z)
{
	while (z >= 0 && !x->zseen[z]) {
		const struct dd_graph_zone *zone = &x->g->zones[z];
		x->zseen[z] = 1;
		use(uses, zone->registry);
		use(uses, zone->registrar);
		for (size_t k = 0; k < zone->nns; k++) {
			for (size_t i = 0; i < zone->ns[k].nglue; i++)
				walk_addr(x, uses, zone->ns[k].glue[i]);
			walk_host(x, uses, zone->ns[k].host);
		}
		z = zone->parent;
	}
}

static int under(const char *name, const char *registrable)
{
	char zone[DD_NAME_MAX + 1];

	if (!registrable[0])
		return 0;
	snprintf(zone, sizeof(zone), "%s.", registrable);
	return dd_name_is_subdomain(name, zone);
}

static void count(struct an *x, size_t r, struct dd_graph_rootres *res)
{
	const struct dd_graph *g = x->g;
	const char *own = g->roots[r].registrable;
	struct dd_graph_counts *c = &res->counts;

	for (size_t z = 0; z < g->nzones; z++)
		if (x->zseen[z]) {
			c->zones.total++;
			c->zones.controlled += under(g->zones[z].name, own);
		}
	for (size_t h = 0; h < g->nhosts; h++)
		if (x->hseen[h]) {
			c->servers.total++;
			c->servers.controlled += under(g->hosts[h].name, own);
		}
	for (size_t a = 0; a < g->naddrs; a++)
		if (x->aseen[a]) {
			c->addresses.total++;
			c->ases_unknown += g->addrs[a].as < 0;
		}
	for (size_t e = 0; e < g->nentities; e++) {
		const struct dd_graph_entity *ent = &g->entities[e];
		if (!res->uses[e])
			continue;
		switch (ent->kind) {
		case DD_GK_REGISTRY: c->registries.total++; break;
		case DD_GK_REGISTRAR:
			c->registrars.total++;
			c->registrars_unknown += !ent->known;
			break;
		case DD_GK_OPERATOR:
			c->operators.total++;
			c->operators.controlled += strcmp(ent->key, own) == 0;
			break;
		case DD_GK_NETWORK: c->networks.total++; break;
		case DD_GK_AS: c->ases.total++; break;
		default: break;
		}
	}
}

static int walk_root(struct an *x, size_t r)
{
	const struct dd_graph *g = x->g;
	struct dd_graph_rootres *res = &x->a->roots[r];

	res->uses = calloc(g->nentities ? g->nentities : 1, 1);
	if (!res->uses)
		return DD_ENOMEM;
	memset(x->zseen, 0, g->nzones ? g->nzones : 1);
	memset(x->hseen, 0, g->nhosts ? g->nhosts : 1);
	memset(x->aseen, 0, g->naddrs ? g->naddrs : 1);
	use(res->uses, g->roots[r].registrar);
	walk_zone(x, res->uses, g->roots[r].zone);
	count(x, r, res);
	return 0;
}

/* ---- single points of failure ------------------------------------------ */

static int inherent(const struct dd_graph *g, size_t r, int e)
{
	const struct dd_graph_entity *ent = &g->entities[e];

	if (ent->kind == DD_GK_REGISTRY)
		return dd_name_is_subdomain(g->roots[r].name, ent->name);
	if (ent->kind == DD_GK_REGISTRAR)
		return e == g->roots[r].registrar;
	return 0;
}

/* The root zone's usable NS names (base: the zones that resolve when
 * nothing fails), "a, b and c", for advice: a dead one protects nothing. */
static void own_ns(const struct dd_graph *g, size_t r, const unsigned char *base, struct dd_buf *b)
{
	int z = g->roots[r].zone;
	size_t n = z >= 0 ? g->zones[z].nns : 0, up = 0, shown = 0;

	for (size_t k = 0; k < n; k++)
		up += dd_graph_ns_up(g, &g->zones[z].ns[k], base) != 0;
	for (size_t k = 0; k < n && shown < 8; k++) {
		if (!dd_graph_ns_up(g, &g->zones[z].ns[k], base))
			continue;
		if (shown)
			dd_buf_puts(b, shown + 1 == up ? " and " : ", ");
		dd_buf_puts(b, g->hosts[g->zones[z].ns[k].host].name);
		shown++;
	}
	if (up > 8)
		dd_buf_printf(b, " and %zu more", up - 8);
	if (!up)
		dd_buf_puts(b, "(none)");
}

/* Why an avoidable SPOF is one: the fact, without the change. */
static char *why(const struct dd_graph *g, size_t r, int e, const unsigned char *base)
{
	const struct dd_graph_entity *ent = &g->entities[e];
	struct dd_buf b;

	dd_buf_init(&b);
	dd_buf_printf(&b, "every usable nameserver of %s (NS ", g->roots[r].name);
	own_ns(g, r, base, &b);
	switch (ent->kind) {
	case DD_GK_REGISTRY:
		dd_buf_printf(&b, ") depends on the registry %s", ent->name);
		break;
	case DD_GK_REGISTRAR:
		if (ent->known)
			dd_buf_printf(&b, ") depends on domains registered at %s", ent->name);
		else
			dd_buf_printf(&b, ") depends on one registration, %s", ent->name);
		break;
	case DD_GK_OPERATOR:
		dd_buf_printf(&b, ") is run by one operator, %s", ent->name);
		break;
	case DD_GK_NETWORK:
		dd_buf_printf(&b, ") is reached through one network, %s", ent->name);
		break;
	case DD_GK_AS:
		dd_buf_printf(&b, ") is announced by one AS, %s", ent->name);
		break;
	default:
		dd_buf_printf(&b, ") comes down to one server, %s", ent->name);
		break;
	}
	if (dd_buf_failed(&b)) {
		dd_buf_free(&b);
		return NULL;
	}
	return b.data;
}

/* What mitigates an inherent SPOF (the name's own registry or registrar, or
 * what a registry above it depends on: `via`, a zone), or the change that
 * removes an avoidable one (after its fact, w). */
static char *advice(const struct dd_graph *g, size_t r, int e, int own, int via, const char *w)
{
	const struct dd_graph_entity *ent = &g->entities[e];
	const char *d = g->roots[r].name;
	struct dd_buf b;

	dd_buf_init(&b);
	if (own && ent->kind == DD_GK_REGISTRY) {
		dd_buf_printf(&b, "Inherent: %s is a registry %s is under. Mitigate with a registry "
				  "lock, DNSSEC, monitoring of the TLD, and a backup domain under another "
				  "TLD.", ent->name, d);
	} else if (own && ent->known) {
		dd_buf_printf(&b, "Inherent: %s is the registrar of %s itself. Mitigate with a "
				  "registry lock and a transfer lock, auto-renewal with a valid payment "
				  "method, monitoring of the registration (expiry, status), and a backup "
				  "domain at another registrar.", ent->name, d);
	} else if (own) {
		dd_buf_printf(&b, "Inherent: the registrar of %s itself (unknown: no registration "
				  "data). Mitigate with a registry lock and a transfer lock, auto-renewal, "
				  "monitoring of the registration, and a backup domain at another "
				  "registrar.", d);
	} else if (via >= 0) {
		dd_buf_printf(&b, "Inherent: together they are the registry zone %s's own "
				  "infrastructure, above %s: their failure takes it down. Only a backup "
				  "domain under another TLD protects against it; tell the registry.",
			      g->zones[via].name, d);
	} else if (w) {
		static const char *const change[DD_GK_COUNT] = {
			[DD_GK_REGISTRY] = "add a nameserver whose name and whose own zone's servers "
					   "are under another TLD",
			[DD_GK_REGISTRAR] = "add a nameserver under a domain held at another "
					    "registrar, and watch that one's expiry and status",
			[DD_GK_OPERATOR] = "add a nameserver at a second DNS provider, under another "
					   "registrable domain",
			[DD_GK_NETWORK] = "add a nameserver in another network (another /24 or /48, "
					  "ideally another provider)",
			[DD_GK_AS] = "add a nameserver whose addresses are announced by another AS",
			[DD_GK_SERVER] = "add at least a second nameserver, at another operator and "
					 "in another network",
		};
		dd_buf_printf(&b, "%c%s: %s.", w[0] >= 'a' && w[0] <= 'z' ? w[0] - 'a' + 'A' : w[0],
			      w + 1, change[ent->kind] ? change[ent->kind] : change[DD_GK_SERVER]);
	}
	if (dd_buf_failed(&b)) {
		dd_buf_free(&b);
		return NULL;
	}
	return b.data ? b.data : strdup("");
}

static int push_spof(struct dd_graph_spof **v, size_t *n, int e, int inh, int via, char *adv,
		     char *w)
{
	struct dd_graph_spof *p = realloc(*v, (*n + 1) * sizeof(**v));

	if (!p || !adv) {
		if (p)
			*v = p;
		free(adv);
		free(w);
		return DD_ENOMEM;
	}
	*v = p;
	p[*n].entity = e;
	p[*n].inherent = inh;
	p[*n].via = via;
	p[*n].advice = adv;
	p[*n].why = w;
	(*n)++;
	return 0;
}

static int cmp_entity(const struct dd_graph *g, int a, int b)
{
	const struct dd_graph_entity *x = &g->entities[a], *y = &g->entities[b];

	if (x->kind != y->kind)
		return (int)x->kind - (int)y->kind;
	return strcasecmp(x->name, y->name);
}

/* By kind, then name (insertion sort: the lists are short). */
static void sort_spofs(const struct dd_graph *g, struct dd_graph_spof *v, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct dd_graph_spof t = v[i];
		size_t j = i;
		while (j > 0 && cmp_entity(g, v[j - 1].entity, t.entity) > 0) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = t;
	}
}

static void sort_entities(const struct dd_graph *g, int *v, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		int t = v[i];
		size_t j = i;
		while (j > 0 && cmp_entity(g, v[j - 1], t) > 0) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = t;
	}
}

static char *group_advice(const struct dd_graph *g, int e)
{
	static const char *const other[DD_GK_COUNT] = {
		"under another TLD", "at another registrar", "at another DNS operator",
		"in another network", "in another AS", "on other nameservers",
	};
	const struct dd_graph_entity *ent = &g->entities[e];
	char label[DD_NAME_MAX + 16];
	struct dd_buf b;

	dd_graph_entity_label(ent, label, sizeof(label));
	dd_buf_init(&b);
	dd_buf_printf(&b, "%s and all of its backups depend on %s: a backup %s would survive "
			  "its failure.", g->roots[0].name, label, other[ent->kind]);
	if (dd_buf_failed(&b)) {
		dd_buf_free(&b);
		return NULL;
	}
	return b.data;
}

/* A failure that takes down a registry above root r (a public suffix on
 * its way from the root) is inherent to the name, whatever fails: the
 * registry's own servers, their operators, networks, registrations. */
static int via_registry(const struct dd_graph *g, size_t r, const unsigned char *ok)
{
	for (int z = g->roots[r].zone, n = 0; z >= 0 && (size_t)n < g->nzones;
	     z = g->zones[z].parent, n++)
		if (g->zones[z].suffix && !ok[z])
			return z;
	return -1;
}

/* The zone an avoidable SPOF e of root r is part of the infrastructure of:
 * the zone of the registry e is, or the zone nearest the root, other than
 * the roots' own, that resolves now (base) and not without e (ok): its servers,
 * their operator, network or registrar. SPOFs of one such zone fail as one
 * (a network that takes down only r's own servers has none). -1 when none. */
static int taken_zone(const struct dd_graph *g, int e, const unsigned char *base,
		      const unsigned char *ok)
{
	const struct dd_graph_entity *ent = &g->entities[e];
	int best = -1, labels = 1 << 30;

	for (size_t z = 0; z < g->nzones; z++) {
		const struct dd_graph_zone *zone = &g->zones[z];
		int hit = ent->kind == DD_GK_REGISTRY ? dd_name_cmp(zone->name, ent->name) == 0 :
							  base[z] && !ok[z];
		int a_root = 0;
		for (size_t k = 0; k < g->nroots; k++)
			a_root |= (int)z == g->roots[k].zone;
		if (a_root || !hit || dd_name_labels(zone->name) >= labels)
			continue;
		best = (int)z;
		labels = dd_name_labels(zone->name);
	}
	return best;
}

/* Try every entity some root depends on; note who it takes down. */
static int spofs(struct an *x)
{
	const struct dd_graph *g = x->g;
	struct dd_graph_analysis *a = x->a;
	unsigned char *ok = malloc(g->nzones ? g->nzones : 1);
	unsigned char *base = malloc(g->nzones ? g->nzones : 1);
	int any_ok = 0, rc = 0;

	if (!ok || !base) {
		free(ok);
		free(base);
		return DD_ENOMEM;
	}
	rc = dd_graph_propagate(g, -1, ok);
	memcpy(base, ok, g->nzones);
	for (size_t r = 0; rc == 0 && r < g->nroots; r++) {
		a->roots[r].resolvable = dd_graph_root_ok(g, r, ok);
		any_ok |= a->roots[r].resolvable;
	}
	for (size_t e = 0; rc == 0 && any_ok && e < g->nentities; e++) {
		int used = 0, all_down = 1, used_by_all = 1;
		/* The group: the roots that resolve now must all depend on it. */
		for (size_t r = 0; r < g->nroots; r++) {
			used |= a->roots[r].uses[e];
			if (a->roots[r].resolvable)
				used_by_all &= a->roots[r].uses[e];
		}
		if (!used || (rc = dd_graph_propagate(g, (int)e, ok)) != 0)
			continue;
		for (size_t r = 0; r < g->nroots && rc == 0; r++) {
			int down = !dd_graph_root_ok(g, r, ok);
			all_down &= down;
			if (a->roots[r].resolvable && a->roots[r].uses[e] && down) {
				int own = inherent(g, r, (int)e), via = own ? -1 : via_registry(g, r, ok);
				char *w = own || via >= 0 ? NULL : why(g, r, (int)e, base);
				rc = push_spof(&a->roots[r].spofs, &a->roots[r].nspofs, (int)e,
					       own || via >= 0,
					       own ? -1 : via >= 0 ? via : taken_zone(g, (int)e, base, ok),
					       advice(g, r, (int)e, own, via, w), w);
			}
		}
		if (rc == 0 && g->nroots > 1 && used_by_all && all_down)
			rc = push_spof(&a->group_spofs, &a->ngroup_spofs, (int)e, 0, -1,
				       group_advice(g, (int)e), NULL);
	}
	free(ok);
	free(base);
	for (size_t r = 0; r < g->nroots; r++)
		sort_spofs(g, a->roots[r].spofs, a->roots[r].nspofs);
	sort_spofs(g, a->group_spofs, a->ngroup_spofs);
	return rc;
}

static int same_group(const struct dd_graph_spof *a, const struct dd_graph_spof *b)
{
	return a->via >= 0 && a->via == b->via && a->inherent == b->inherent;
}

int dd_graph_spof_subject(const struct dd_graph *g, const struct dd_graph_rootres *rr, size_t i,
			  char *out, size_t len)
{
	size_t used = 0;

	out[0] = '\0';
	if (i >= rr->nspofs || rr->spofs[i].inherent)
		return 0;
	for (size_t k = 0; k < i; k++)
		if (same_group(&rr->spofs[k], &rr->spofs[i]))
			return 0;
	for (size_t k = i; k < rr->nspofs && used + 1 < len; k++) {
		char label[DD_NAME_MAX + 16];
		if (k != i && !same_group(&rr->spofs[k], &rr->spofs[i]))
			continue;
		dd_graph_entity_label(&g->entities[rr->spofs[k].entity], label, sizeof(label));
		int n = snprintf(out + used, len - used, "%s%s", used ? " or " : "", label);
		if (n < 0)
			break;
		used += (size_t)n < len - used ? (size_t)n : len - used - 1;
	}
	return 1;
}

/* Backups: the entities (registry to AS) each shares with the domain. */
static int shares(struct an *x)
{
	const struct dd_graph *g = x->g;

	for (size_t r = 1; r < g->nroots; r++) {
		struct dd_graph_rootres *res = &x->a->roots[r];
		res->shared = calloc(g->nentities ? g->nentities : 1, sizeof(int));
		if (!res->shared)
			return DD_ENOMEM;
		for (size_t e = 0; e < g->nentities; e++)
			if (g->entities[e].kind != DD_GK_SERVER && res->uses[e] &&
			    x->a->roots[0].uses[e])
				res->shared[res->nshared++] = (int)e;
		sort_entities(g, res->shared, res->nshared);
	}
	return 0;
}

/* ---- hijack risks -------------------------------------------------------- */

static const struct dd_ev_dep_reg *reg_at(const struct dd_graph *g, int i)
{
	return i >= 0 ? &g->ev->deps.regs[i] : NULL;
}

static int reg_known(const struct dd_ev_dep_reg *r)
{
	return r && (strcmp(r->result, "found") == 0 || strcmp(r->result, "not-found") == 0);
}

/* Status classes of a registration, as a bit mask of enum dd_reg_class. */
static unsigned classes(const struct dd_ev_dep_reg *r)
{
	unsigned m = 0;

	for (size_t i = 0; i < r->statuses.n && i < DD_REG_MAX_STATUS; i++) {
		struct dd_reg_status st;
		dd_reg_status_set(&st, r->statuses.v[i]);
		free(st.code);
		m |= 1u << st.cls;
	}
	return m;
}

struct risk {
	const char *domain;
	int *hosts;
	size_t nhosts;
	int depth, root;
	const struct dd_ev_dep_reg *reg;
	const char *nx_zone; /* the registry zone that said NXDOMAIN, or NULL */
	int registry;        /* the domain serves a registry's zone (nic.sm for sm.) */
};

static void hosts_text(const struct dd_graph *g, const struct risk *k, struct dd_buf *b)
{
	for (size_t i = 0; i < k->nhosts && i < 8; i++) {
		if (i)
			dd_buf_puts(b, i + 1 == k->nhosts ? " and " : ", ");
		dd_buf_puts(b, g->hosts[k->hosts[i]].name);
	}
	if (k->nhosts > 8)
		dd_buf_printf(b, " and %zu more", k->nhosts - 8);
}

static int add_risk(struct an *x, const struct risk *k, enum dd_graph_hijack_kind kind,
		    int64_t t1, int64_t t2)
{
	const struct dd_graph *g = x->g;
	struct dd_graph_analysis *a = x->a;
	const char *d = g->roots[k->root].name;
	struct dd_graph_hijack *h, *p = realloc(a->hijacks, (a->nhijacks + 1) * sizeof(*p));
	char d1[32], d2[32];
	struct dd_buf b;

	if (!p)
		return DD_ENOMEM;
	a->hijacks = p;
	h = &p[a->nhijacks];
	memset(h, 0, sizeof(*h));
	h->kind = kind;
	h->depth = k->depth;
	h->root = k->root;
	snprintf(h->domain, sizeof(h->domain), "%s", k->domain);
	h->hosts = malloc(k->nhosts * sizeof(int));
	if (!h->hosts)
		return DD_ENOMEM;
	memcpy(h->hosts, k->hosts, k->nhosts * sizeof(int));
	h->nhosts = k->nhosts;
	dd_clock_format(t1, d1, sizeof(d1));
	dd_clock_format(t2, d2, sizeof(d2));
	d1[10] = d2[10] = '\0'; /* the day is enough */
	dd_buf_init(&b);
	switch (kind) {
	case DD_HJ_UNREGISTERED:
		dd_buf_printf(&b, "%s is not registered (its registry has no record of it), yet %s "
				  "depends on nameservers under it: whoever registers %s answers for them",
			      k->domain, d, k->domain);
		break;
	case DD_HJ_NOT_DELEGATED:
		dd_buf_printf(&b, "%s does not exist in the DNS (NXDOMAIN from the servers of %s) and "
				  "its registration is %s: if it is free, whoever registers it answers "
				  "for %s's nameservers under it",
			      k->domain, k->nx_zone ? k->nx_zone : "its registry",
			      reg_known(k->reg) ? "not one that explains it" : "unknown", d);
		break;
	case DD_HJ_EXPIRED:
		dd_buf_printf(&b, "%s has expired%s%s: once deleted, whoever registers it answers for "
				  "%s's nameservers under it", k->domain, t1 >= 0 ? " on " : "",
			      t1 >= 0 ? d1 : "", d);
		break;
	case DD_HJ_ON_HOLD:
		dd_buf_printf(&b, "%s is on hold at its registry: its nameserver names do not "
				  "resolve, and if it is deleted, whoever registers it answers for %s",
			      k->domain, d);
		break;
	case DD_HJ_PENDING_DELETE:
		dd_buf_printf(&b, "%s is being deleted: soon anyone can register it and answer for "
				  "%s's nameservers under it", k->domain, d);
		break;
	case DD_HJ_EXPIRES_FIRST:
		dd_buf_printf(&b, "%s expires on %s, before %s itself (%s): if it is not renewed, "
				  "its nameservers under it can be taken over", k->domain, d1, d, d2);
		break;
	default:
		dd_buf_printf(&b, "%s has no transfer lock: a fraudulent transfer of %s would take "
				  "%s's nameservers under it along", k->domain, k->domain, d);
		break;
	}
	dd_buf_puts(&b, " (NS ");
	hosts_text(g, k, &b);
	dd_buf_puts(&b, ")");
	if (dd_buf_failed(&b)) {
		dd_buf_free(&b);
		return DD_ENOMEM;
	}
	h->message = b.data;
	a->nhijacks++;
	return 0;
}

static int judge_risk(struct an *x, const struct risk *k)
{
	const struct dd_ev_dep_reg *r = k->reg;
	const struct dd_ev_dep_reg *own = reg_at(x->g, x->g->roots[k->root].reg);
	int rc = 0;

	if (!reg_known(r)) {
		struct dd_graph_analysis *a = x->a;
		char(*p)[DD_NAME_MAX] = realloc(a->reg_unknown, (a->nreg_unknown + 1) * sizeof(*p));
		if (!p)
			return DD_ENOMEM;
		a->reg_unknown = p;
		snprintf(p[a->nreg_unknown++], DD_NAME_MAX, "%s", k->domain);
		return k->nx_zone ? add_risk(x, k, DD_HJ_NOT_DELEGATED, -1, -1) : 0;
	}
	if (strcmp(r->result, "not-found") == 0)
		return add_risk(x, k, DD_HJ_UNREGISTERED, -1, -1);
	unsigned cls = classes(r);
	int expired = (cls & (1u << DD_REG_SC_EXPIRED)) || (r->expires >= 0 && r->expires < x->now);
	int hold = cls & ((1u << DD_REG_SC_CLIENT_HOLD) | (1u << DD_REG_SC_SERVER_HOLD) |
			  (1u << DD_REG_SC_SUSPENDED));
	int deleting = cls & ((1u << DD_REG_SC_PENDING_DELETE) | (1u << DD_REG_SC_REDEMPTION));

	if (expired)
		rc = add_risk(x, k, DD_HJ_EXPIRED, r->expires, -1);
	if (rc == 0 && hold)
		rc = add_risk(x, k, DD_HJ_ON_HOLD, -1, -1);
	if (rc == 0 && deleting)
		rc = add_risk(x, k, DD_HJ_PENDING_DELETE, -1, -1);
	if (rc == 0 && k->nx_zone && !expired && !hold && !deleting)
		rc = add_risk(x, k, DD_HJ_NOT_DELEGATED, -1, -1);
	/* Advice on a registration (renew it before yours, lock it) is for
	 * whoever holds it: for the registry's own infrastructure that is the
	 * registry, an inherent dependency the owner cannot act on. */
	if (k->registry)
		return rc;
	if (rc == 0 && !expired && r->expires >= 0 && own && own->expires >= 0 &&
	    r->expires < own->expires)
		rc = add_risk(x, k, DD_HJ_EXPIRES_FIRST, r->expires, own->expires);
	if (rc == 0 && r->transfer_lock == 0)
		rc = add_risk(x, k, DD_HJ_NO_TRANSFER_LOCK, -1, -1);
	return rc;
}

static int own_domain(const struct dd_graph *g, const char *registrable)
{
	for (size_t r = 0; r < g->nroots; r++)
		if (strcmp(g->roots[r].registrable, registrable) == 0)
			return 1;
	return 0;
}

/* One risk per NS domain (the registrable domain of NS names), the roots'
 * own domains excepted. */
/* Host h serves a registry's zone (a public suffix): its domain is the
 * registry's own infrastructure, an inherent dependency whose registration
 * no domain owner can act on (nic.sm for sm.). */
static int registry_host(const struct dd_graph *g, size_t h)
{
	for (size_t z = 0; z < g->nzones; z++)
		for (size_t k = 0; g->zones[z].suffix && k < g->zones[z].nns; k++)
			if (g->zones[z].ns[k].host == (int)h)
				return 1;
	return 0;
}

static int hijacks(struct an *x)
{
	const struct dd_graph *g = x->g;
	unsigned char *done = calloc(g->nhosts ? g->nhosts : 1, 1);
	int *hosts = malloc((g->nhosts ? g->nhosts : 1) * sizeof(int));
	int rc = 0;

	if (!done || !hosts) {
		free(done);
		free(hosts);
		return DD_ENOMEM;
	}
	for (size_t h = 0; rc == 0 && h < g->nhosts; h++) {
		const struct dd_graph_host *host = &g->hosts[h];
		struct risk k = { host->registrable, hosts, 0, 1 << 30, -1, NULL, NULL, 0 };
		if (done[h] || !host->registrable[0] || own_domain(g, host->registrable))
			continue;
		for (size_t o = h; o < g->nhosts; o++) {
			const struct dd_graph_host *other = &g->hosts[o];
			if (done[o] || strcmp(other->registrable, host->registrable) != 0)
				continue;
			done[o] = 1;
			hosts[k.nhosts++] = (int)o;
			if (other->depth < k.depth)
				k.depth = other->depth;
			if (other->state == DD_EV_R_NXDOMAIN && other->zone >= 0 &&
			    g->zones[other->zone].suffix)
				k.nx_zone = g->zones[other->zone].name;
		}
		for (size_t r = 0; r < g->nroots && k.root < 0; r++)
			if (x->a->roots[r].uses[host->operator])
				k.root = (int)r;
		if (k.root < 0)
			continue; /* nothing the analysed names depend on */
		for (size_t i = 0; i < k.nhosts && !k.registry; i++)
			k.registry = registry_host(g, (size_t)k.hosts[i]);
		k.reg = reg_at(g, host->reg);
		rc = judge_risk(x, &k);
	}
	free(done);
	free(hosts);
	return rc;
}

int dd_graph_analyse(const struct dd_graph *g, int64_t now, struct dd_graph_analysis *out)
{
	struct an x = { g, out, now, 0, NULL, NULL, NULL };
	int rc = 0;

	memset(out, 0, sizeof(*out));
	out->roots = calloc(g->nroots ? g->nroots : 1, sizeof(*out->roots));
	x.zseen = malloc(g->nzones ? g->nzones : 1);
	x.hseen = malloc(g->nhosts ? g->nhosts : 1);
	x.aseen = malloc(g->naddrs ? g->naddrs : 1);
	if (!out->roots || !x.zseen || !x.hseen || !x.aseen)
		rc = DD_ENOMEM;
	else
		out->nroots = g->nroots;
	for (size_t r = 0; rc == 0 && r < g->nroots; r++)
		rc = walk_root(&x, r);
	if (rc == 0)
		rc = spofs(&x);
	if (rc == 0)
		rc = shares(&x);
	if (rc == 0)
		rc = hijacks(&x);
	free(x.zseen);
	free(x.hseen);
	free(x.aseen);
	if (rc)
		dd_graph_analysis_free(out);
	return rc;
}

static void spofs_free(struct dd_graph_spof *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].advice);
		free(v[i].why);
	}
	free(v);
}

void dd_graph_analysis_free(struct dd_graph_analysis *a)
{
	for (size_t r = 0; r < a->nroots; r++) {
		spofs_free(a->roots[r].spofs, a->roots[r].nspofs);
		free(a->roots[r].uses);
		free(a->roots[r].shared);
	}
	free(a->roots);
	for (size_t i = 0; i < a->nhijacks; i++) {
		free(a->hijacks[i].hosts);
		free(a->hijacks[i].message);
	}
	free(a->hijacks);
	free(a->reg_unknown);
	spofs_free(a->group_spofs, a->ngroup_spofs);
	memset(a, 0, sizeof(*a));
}
