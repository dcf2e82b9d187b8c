/* graph.c: building the dependency graph from the evidence (zones, NS names,
 * addresses, and the entities they belong to: registries, registrars,
 * operators, networks, origin ASes, servers), and the resolvability model:
 * which zones still resolve when one entity fails. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/err.h"
#include "core/map.h"
#include "core/name.h"
#include "graph/graph.h"

/* Reverse edges, built once: for a zone, the zones it delegates; for a
 * zone, the hosts named in it; for a host, the zones whose NS it is. Each a
 * CSR array (offsets of n + 1 entries into one index list). */
struct dd_graph_adj {
	size_t *child_off, *child;
	size_t *inzone_off, *inzone;
	size_t *user_off, *user;
};

const char *dd_graph_kind_name(enum dd_graph_kind k)
{
	static const char *const names[DD_GK_COUNT] = { "registry", "registrar", "operator",
							"network",  "as",        "server" };
	return (unsigned)k < DD_GK_COUNT ? names[k] : "?";
}

void dd_graph_entity_label(const struct dd_graph_entity *e, char *out, size_t outlen)
{
	if ((e->kind == DD_GK_REGISTRAR && !e->known) || e->kind == DD_GK_AS)
		snprintf(out, outlen, "%s", e->name);
	else
		snprintf(out, outlen, "%s %s", dd_graph_kind_name(e->kind), e->name);
}

/* ---- building ---------------------------------------------------------- */

struct bld {
	struct dd_graph *g;
	struct dd_map zones, hosts, addrs, ents;
	size_t hosts_cap, addrs_cap;
	int failed;
};

static void *idx_val(size_t i)
{
	return (void *)(uintptr_t)(i + 1);
}

static int val_idx(void *v)
{
	return v ? (int)((uintptr_t)v - 1) : -1;
}

static int entity(struct bld *b, enum dd_graph_kind kind, const char *key, const char *name,
		  int known)
{
	struct dd_graph *g = b->g;
	char mkey[DD_NAME_MAX + 16];
	struct dd_graph_entity *e;
	int i;

	snprintf(mkey, sizeof(mkey), "%d:%s", (int)kind, key);
	i = val_idx(dd_map_get(&b->ents, mkey));
	if (i >= 0)
		return i;
	if (g->nentities == g->entities_cap) {
		size_t ncap = g->entities_cap ? g->entities_cap * 2 : 32;
		void *p = realloc(g->entities, ncap * sizeof(*g->entities));
		if (!p) {
			b->failed = DD_ENOMEM;
			return -1;
		}
		g->entities = p;
		g->entities_cap = ncap;
	}
	e = &g->entities[g->nentities];
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->known = known;
	snprintf(e->name, sizeof(e->name), "%s", name);
	snprintf(e->key, sizeof(e->key), "%s", key);
	if (dd_map_set(&b->ents, mkey, idx_val(g->nentities)) != 0) {
		b->failed = DD_ENOMEM;
		return -1;
	}
	return (int)g->nentities++;
}

/* The registrar entity of a registrable domain: by IANA id or name when the
 * registration names one, else "unknown" for that domain alone. */
static int registrar_of(struct bld *b, const char *registrable, int *reg_out)
{
	const struct dd_evidence *ev = b->g->ev;
	int r = registrable[0] ? dd_ev_dep_find_reg(ev, registrable) : -1;
	char key[DD_NAME_MAX], name[DD_NAME_MAX];

	if (reg_out)
		*reg_out = r;
	if (!registrable[0])
		return -1;
	if (r >= 0 && strcmp(ev->deps.regs[r].result, "found") == 0) {
		const struct dd_ev_dep_reg *reg = &ev->deps.regs[r];
		if (reg->registrar_id && reg->registrar_id[0]) {
			snprintf(key, sizeof(key), "iana:%s", reg->registrar_id);
			snprintf(name, sizeof(name), "%s", reg->registrar ? reg->registrar
									  : reg->registrar_id);
			return entity(b, DD_GK_REGISTRAR, key, name, 1);
		}
		if (reg->registrar && reg->registrar[0]) {
			dd_name_plain(reg->registrar, key);
			return entity(b, DD_GK_REGISTRAR, key, reg->registrar, 1);
		}
	}
	snprintf(key, sizeof(key), "unknown:%s", registrable);
	snprintf(name, sizeof(name), "registrar of %s (unknown)", registrable);
	return entity(b, DD_GK_REGISTRAR, key, name, 0);
}

/* "192.0.2.0/24" or "2001:db8:1::/48" of an address; "" when not one. */
static void network_of(const char *addr, char *out, size_t outlen)
{
	unsigned char a[16];
	char text[64];

	out[0] = '\0';
	if (inet_pton(AF_INET, addr, a) == 1) {
		a[3] = 0;
		if (inet_ntop(AF_INET, a, text, sizeof(text)))
			snprintf(out, outlen, "%s/24", text);
	} else if (inet_pton(AF_INET6, addr, a) == 1) {
		memset(a + 6, 0, 10);
		if (inet_ntop(AF_INET6, a, text, sizeof(text)))
			snprintf(out, outlen, "%s/48", text);
	}
}

/* Room for one more element at n (doubling from 16); 0 or DD_ENOMEM. */
static int grow_array(void **v, size_t n, size_t *cap, size_t size)
{
	size_t ncap = *cap ? *cap * 2 : 16;
	void *p;

	if (n < *cap)
		return 0;
	if (!(p = realloc(*v, ncap * size)))
		return DD_ENOMEM;
	*v = p;
	*cap = ncap;
	return 0;
}

static int add_addr(struct bld *b, const char *text)
{
	struct dd_graph *g = b->g;
	const struct dd_evidence *ev = g->ev;
	struct dd_graph_addr *a;
	char net[80];
	int i = val_idx(dd_map_get(&b->addrs, text)), x;

	if (i >= 0)
		return i;
	network_of(text, net, sizeof(net));
	if (!net[0])
		return -1; /* not an address: nothing to depend on */
	if (g->naddrs >= DD_GRAPH_MAX_ADDRS) {
		g->truncated = 1;
		return -1;
	}
	if (grow_array((void **)&g->addrs, g->naddrs, &g->addrs_cap, sizeof(*g->addrs)) != 0) {
		b->failed = DD_ENOMEM;
		return -1;
	}
	a = &g->addrs[g->naddrs];
	memset(a, 0, sizeof(*a));
	a->text = text;
	a->network = entity(b, DD_GK_NETWORK, net, net, 1);
	a->as = -1;
	x = dd_ev_dep_find_addr(ev, text);
	if (x >= 0 && ev->deps.addrs[x].asn >= 0) {
		char as[32];
		snprintf(as, sizeof(as), "AS%lld", (long long)ev->deps.addrs[x].asn);
		a->as = entity(b, DD_GK_AS, as, as, 1);
	}
	if (dd_map_set(&b->addrs, text, idx_val(g->naddrs)) != 0) {
		b->failed = DD_ENOMEM;
		return -1;
	}
	return (int)g->naddrs++;
}

static int push_int(int **v, size_t *n, int x)
{
	int *p = realloc(*v, (*n + 1) * sizeof(**v));

	if (!p)
		return DD_ENOMEM;
	*v = p;
	p[(*n)++] = x;
	return 0;
}

/* A host entry for an NS name; a name the evidence has no entry for (the
 * gathering hit a bound) gets an empty one. */
static int add_host(struct bld *b, const char *name)
{
	struct dd_graph *g = b->g;
	const struct dd_evidence *ev = g->ev;
	struct dd_graph_host *h;
	int i = val_idx(dd_map_get(&b->hosts, name)), x;
	char key[DD_NAME_MAX], op[DD_NAME_MAX];

	if (i >= 0)
		return i;
	if (g->nhosts >= DD_GRAPH_MAX_HOSTS) {
		g->truncated = 1;
		return -1;
	}
	if (grow_array((void **)&g->hosts, g->nhosts, &g->hosts_cap, sizeof(*g->hosts)) != 0) {
		b->failed = DD_ENOMEM;
		return -1;
	}
	h = &g->hosts[g->nhosts];
	memset(h, 0, sizeof(*h));
	h->name = name;
	h->zone = -1;
	h->reg = -1;
	dd_name_registrable(name, h->registrable);
	dd_name_plain(name, key);
	dd_name_operator(name, op);
	h->operator = entity(b, DD_GK_OPERATOR, op, op, 1);
	h->server = entity(b, DD_GK_SERVER, key, name, 1);
	h->registrar = registrar_of(b, h->registrable, NULL);
	if (dd_map_set(&b->hosts, name, idx_val(g->nhosts)) != 0) {
		b->failed = DD_ENOMEM;
		return -1;
	}
	g->nhosts++;
	x = dd_ev_dep_find_host(ev, name);
	if (x < 0) {
		g->truncated = 1;
		return (int)g->nhosts - 1;
	}
	const struct dd_ev_dep_host *eh = &ev->deps.hosts[x];
	h->followed = eh->followed;
	h->state = eh->state;
	h->depth = eh->depth;
	h->reg = h->registrable[0] ? dd_ev_dep_find_reg(ev, h->registrable) : -1;
	if (eh->addrs.n > DD_GRAPH_MAX_NS)
		g->truncated = 1;
	for (size_t k = 0; k < eh->addrs.n && k < DD_GRAPH_MAX_NS; k++) {
		int a = add_addr(b, eh->addrs.v[k]);
		if (a >= 0 && push_int(&h->addrs, &h->naddrs, a) != 0)
			b->failed = DD_ENOMEM;
	}
	return (int)g->nhosts - 1;
}

static void build_zone(struct bld *b, size_t zi)
{
	struct dd_graph *g = b->g;
	const struct dd_ev_dep_zone *ez = &g->ev->deps.zones[zi];
	struct dd_graph_zone *z = &g->zones[zi];
	char host[DD_NAME_MAX], suffix[DD_NAME_MAX], key[DD_NAME_MAX + 1];

	z->name = ez->name;
	z->depth = ez->depth;
	z->parent = ez->parent ? val_idx(dd_map_get(&b->zones, ez->parent)) : -1;
	dd_name_plain(ez->name, host);
	dd_name_registrable(ez->name, z->registrable);
	z->suffix = z->registrable[0] == '\0';
	z->apex = !z->suffix && strcmp(z->registrable, host) == 0;
	z->registry = z->registrar = -1;
	if (z->suffix && host[0]) {
		snprintf(key, sizeof(key), "%s.", host);
		z->registry = entity(b, DD_GK_REGISTRY, key, key, 1);
	} else if (z->apex) {
		dd_name_public_suffix(ez->name, suffix);
		snprintf(key, sizeof(key), "%s.", suffix);
		z->registry = entity(b, DD_GK_REGISTRY, key, key, 1);
		z->registrar = registrar_of(b, z->registrable, NULL);
	}
	z->ns = calloc(ez->ns.n ? ez->ns.n : 1, sizeof(*z->ns));
	if (!z->ns) {
		b->failed = DD_ENOMEM;
		return;
	}
	if (ez->ns.n > DD_GRAPH_MAX_NS)
		g->truncated = 1;
	for (size_t k = 0; k < ez->ns.n && k < DD_GRAPH_MAX_NS; k++) {
		int h = add_host(b, ez->ns.v[k]);
		if (h < 0)
			continue;
		struct dd_graph_ns *n = &z->ns[z->nns++];
		n->host = h;
		for (size_t gl = 0; gl < ez->nglue && gl < 16 * DD_GRAPH_MAX_NS &&
				    n->nglue < DD_GRAPH_MAX_NS; gl++) {
			if (strcasecmp(ez->glue[gl].name, ez->ns.v[k]) != 0)
				continue;
			int a = add_addr(b, ez->glue[gl].address);
			if (a >= 0 && push_int(&n->glue, &n->nglue, a) != 0)
				b->failed = DD_ENOMEM;
		}
	}
}

/* The zone of each host, and the roots. */
static void link_hosts_roots(struct bld *b)
{
	struct dd_graph *g = b->g;
	const struct dd_ev_deps *d = &g->ev->deps;

	/* Hosts the evidence has that no zone names (a root's own name is not
	 * a host): kept so that hijack checks see them. */
	for (size_t i = 0; i < d->nhosts && !b->failed; i++)
		add_host(b, d->hosts[i].name);
	for (size_t i = 0; i < g->nhosts; i++) {
		int x = dd_ev_dep_find_host(g->ev, g->hosts[i].name);
		if (x >= 0 && d->hosts[x].zone)
			g->hosts[i].zone = val_idx(dd_map_get(&b->zones, d->hosts[x].zone));
	}
	for (size_t i = 0; i < d->nroots && g->nroots < DD_GRAPH_MAX_ROOTS; i++) {
		struct dd_graph_root *r = &g->roots[g->nroots++];
		r->name = d->roots[i].name;
		r->state = d->roots[i].state;
		r->zone = d->roots[i].zone ? val_idx(dd_map_get(&b->zones, d->roots[i].zone)) : -1;
		dd_name_registrable(r->name, r->registrable);
		r->registrar = registrar_of(b, r->registrable, &r->reg);
	}
	if (d->nroots > DD_GRAPH_MAX_ROOTS)
		g->truncated = 1;
}

/* CSR of n lists from (from, to) pairs. */
static int csr(size_t n, const size_t *from, const size_t *to, size_t m, size_t **off_out,
	       size_t **list_out)
{
	size_t *off = calloc(n + 1, sizeof(*off)), *list = malloc((m ? m : 1) * sizeof(*list));
	size_t *fill = calloc(n + 1, sizeof(*fill));

	if (!off || !list || !fill) {
		free(off);
		free(list);
		free(fill);
		return DD_ENOMEM;
	}
	for (size_t i = 0; i < m; i++)
		off[from[i] + 1]++;
	for (size_t i = 0; i < n; i++)
		off[i + 1] += off[i];
	for (size_t i = 0; i < m; i++)
		list[off[from[i]] + fill[from[i]]++] = to[i];
	free(fill);
	*off_out = off;
	*list_out = list;
	return 0;
}

static int build_adj(struct dd_graph *g)
{
	struct dd_graph_adj *a = calloc(1, sizeof(*a));
	size_t m = 0, cap = g->nzones + g->nhosts + 1;
	size_t *from, *to;
	int rc;

	for (size_t z = 0; z < g->nzones; z++)
		cap += g->zones[z].nns;
	from = malloc(cap * sizeof(*from));
	to = malloc(cap * sizeof(*to));
	if (!a || !from || !to) {
		free(a);
		free(from);
		free(to);
		return DD_ENOMEM;
	}
	g->adj = a;
	for (size_t z = 0; z < g->nzones; z++)
		if (g->zones[z].parent >= 0) {
			from[m] = (size_t)g->zones[z].parent;
			to[m++] = z;
		}
	rc = csr(g->nzones, from, to, m, &a->child_off, &a->child);
	m = 0;
	for (size_t h = 0; rc == 0 && h < g->nhosts; h++)
		if (g->hosts[h].zone >= 0) {
			from[m] = (size_t)g->hosts[h].zone;
			to[m++] = h;
		}
	if (rc == 0)
		rc = csr(g->nzones, from, to, m, &a->inzone_off, &a->inzone);
	m = 0;
	for (size_t z = 0; rc == 0 && z < g->nzones; z++)
		for (size_t k = 0; k < g->zones[z].nns; k++) {
			from[m] = (size_t)g->zones[z].ns[k].host;
			to[m++] = z;
		}
	if (rc == 0)
		rc = csr(g->nhosts, from, to, m, &a->user_off, &a->user);
	free(from);
	free(to);
	return rc;
}

int dd_graph_build(const struct dd_evidence *ev, struct dd_graph **out)
{
	const struct dd_ev_deps *d = &ev->deps;
	struct dd_graph *g;
	struct bld b = { 0 };
	size_t nz = d->nzones < DD_GRAPH_MAX_ZONES ? d->nzones : DD_GRAPH_MAX_ZONES;

	*out = NULL;
	if (!d->present)
		return DD_ENOTFOUND;
	g = calloc(1, sizeof(*g));
	if (!g)
		return DD_ENOMEM;
	g->ev = ev;
	g->truncated = d->truncated || d->nzones > nz;
	g->zones = calloc(nz ? nz : 1, sizeof(*g->zones));
	g->roots = calloc(DD_GRAPH_MAX_ROOTS, sizeof(*g->roots));
	b.g = g;
	dd_map_init(&b.zones);
	dd_map_init(&b.hosts);
	dd_map_init(&b.addrs);
	dd_map_init(&b.ents);
	if (!g->zones || !g->roots)
		b.failed = DD_ENOMEM;
	for (size_t i = 0; i < nz && !b.failed; i++)
		if (dd_map_get(&b.zones, d->zones[i].name) == NULL &&
		    dd_map_set(&b.zones, d->zones[i].name, idx_val(i)) != 0)
			b.failed = DD_ENOMEM;
	g->nzones = nz;
	for (size_t i = 0; i < nz && !b.failed; i++)
		build_zone(&b, i);
	if (!b.failed)
		link_hosts_roots(&b);
	if (!b.failed && build_adj(g) != 0)
		b.failed = DD_ENOMEM;
	dd_map_free(&b.zones);
	dd_map_free(&b.hosts);
	dd_map_free(&b.addrs);
	dd_map_free(&b.ents);
	if (b.failed) {
		dd_graph_free(g);
		return b.failed;
	}
	*out = g;
	return 0;
}

void dd_graph_free(struct dd_graph *g)
{
	if (!g)
		return;
	for (size_t z = 0; z < g->nzones && g->zones; z++) {
		for (size_t k = 0; k < g->zones[z].nns; k++)
			free(g->zones[z].ns[k].glue);
		free(g->zones[z].ns);
	}
	for (size_t h = 0; h < g->nhosts; h++)
		free(g->hosts[h].addrs);
	if (g->adj) {
		free(g->adj->child_off);
		free(g->adj->child);
		free(g->adj->inzone_off);
		free(g->adj->inzone);
		free(g->adj->user_off);
		free(g->adj->user);
		free(g->adj);
	}
	free(g->zones);
	free(g->hosts);
	free(g->addrs);
	free(g->roots);
	free(g->entities);
	free(g);
}

/* ---- the resolvability model ------------------------------------------- */

static int addr_up(const struct dd_graph *g, int a, int failed)
{
	return failed < 0 || (g->addrs[a].network != failed && g->addrs[a].as != failed);
}

/* Can zone z's NS entry k be used, given which zones resolve? By its glue,
 * or by its own addresses once the zone holding the name resolves (a name
 * whose way was not walked, past the depth bound, is taken to resolve). */
static int ns_usable(const struct dd_graph *g, const struct dd_graph_ns *n, int failed,
		     const unsigned char *ok)
{
	const struct dd_graph_host *h = &g->hosts[n->host];

	/* A registrar's failure takes its domains' delegations and their
	 * host objects (the glue) with them. */
	if (failed >= 0 && (h->operator == failed || h->server == failed || h->registrar == failed))
		return 0;
	for (size_t i = 0; i < n->nglue; i++)
		if (addr_up(g, n->glue[i], failed))
			return 1;
	if (h->zone >= 0 ? !ok[h->zone] : h->followed)
		return 0;
	for (size_t i = 0; i < h->naddrs; i++)
		if (addr_up(g, h->addrs[i], failed))
			return 1;
	return 0;
}

int dd_graph_ns_up(const struct dd_graph *g, const struct dd_graph_ns *n, const unsigned char *ok)
{
	return ns_usable(g, n, -1, ok);
}

static int zone_failed(const struct dd_graph_zone *z, int failed)
{
	return failed >= 0 && (z->registry == failed || z->registrar == failed);
}

static int can_resolve(const struct dd_graph *g, size_t z, int failed, const unsigned char *ok)
{
	const struct dd_graph_zone *zone = &g->zones[z];

	if (ok[z] || zone->parent < 0 || !ok[zone->parent] || zone_failed(zone, failed))
		return 0;
	for (size_t k = 0; k < zone->nns; k++)
		if (ns_usable(g, &zone->ns[k], failed, ok))
			return 1;
	return 0;
}

int dd_graph_propagate(const struct dd_graph *g, int failed, unsigned char *ok)
{
	const struct dd_graph_adj *a = g->adj;
	size_t *queue, head = 0, tail = 0;

	memset(ok, 0, g->nzones);
	queue = malloc((g->nzones ? g->nzones : 1) * sizeof(*queue));
	if (!queue)
		return DD_ENOMEM;
	/* The root is given by the hints: it always resolves. */
	for (size_t z = 0; z < g->nzones; z++)
		if (strcmp(g->zones[z].name, ".") == 0) {
			ok[z] = 1;
			queue[tail++] = z;
		}
	/* Each zone enters the queue once, when it starts to resolve; each
	 * time one does, only the zones that could depend on it are tried. */
	while (head < tail) {
		size_t z = queue[head++];
		for (size_t i = a->child_off[z]; i < a->child_off[z + 1]; i++)
			if (can_resolve(g, a->child[i], failed, ok)) {
				ok[a->child[i]] = 1;
				queue[tail++] = a->child[i];
			}
		for (size_t i = a->inzone_off[z]; i < a->inzone_off[z + 1]; i++) {
			size_t h = a->inzone[i];
			for (size_t u = a->user_off[h]; u < a->user_off[h + 1]; u++)
				if (can_resolve(g, a->user[u], failed, ok)) {
					ok[a->user[u]] = 1;
					queue[tail++] = a->user[u];
				}
		}
	}
	free(queue);
	return 0;
}

int dd_graph_root_ok(const struct dd_graph *g, size_t r, const unsigned char *ok)
{
	const struct dd_graph_root *root = &g->roots[r];

	return root->state == DD_EV_R_OK && root->zone >= 0 && ok[root->zone];
}
