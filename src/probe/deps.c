/* deps.c: gathers the evidence's dependencies section. The walks from the
 * root (dd_dns_trace_start) for each root name and, recursively up to the
 * depth bound, for each NS name; the NS names' addresses (dd_dns_host); the
 * origin AS of each address from a Cymru-style TXT zone; when the walks are
 * in, the registration of every registrable domain met, through the run's
 * fetcher on the same loop; after the run, the origin AS from a .mmdb file. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ldns/ldns.h>
#include <maxminddb.h>

#include "core/err.h"
#include "core/name.h"
#include "graph/graph.h"
#include "probe/deps.h"
#include "reg/fetch.h"

#define DEPS_MAX_ZONES 128 /* zones kept; beyond, the section says truncated */
#define DEPS_MAX_HOSTS 96  /* NS names kept */
#define DEPS_MAX_ADDRS 256 /* addresses kept */
#define DEPS_MAX_NS 26     /* NS names taken per zone */

struct gat {
	struct dd_probe *p;
	struct dd_evidence *ev;
	unsigned max_depth;
	char asn_zone[DD_NAME_MAX]; /* "" when the origin AS is not asked in the DNS */
	size_t pending;             /* outstanding callbacks; done, then free, at 0 */
	struct dd_reg_fetcher *f;   /* registration look-ups, or NULL */
	int reg_phase;              /* the walks are in; registrations started */
	dd_probe_deps_cb done;
	void *arg;
};

/* A walk in flight: of root `root`, or of NS name `name` when root < 0. */
struct tref {
	struct gat *g;
	int root;
	int depth;
	char name[DD_NAME_MAX];
};

struct aref {
	struct gat *g;
	char addr[DD_DNS_ADDR_MAX];
	char qname[DD_NAME_MAX];
	size_t first; /* exchanges before the look-up started */
};

static void start_registrations(struct gat *g);

static void release(struct gat *g)
{
	if (--g->pending > 0)
		return;
	if (!g->reg_phase) {
		/* The walks are in: now the registrations of what they met. */
		g->reg_phase = 1;
		g->pending = 1; /* held while starting */
		start_registrations(g);
		if (--g->pending > 0)
			return;
	}
	if (g->done)
		g->done(g->arg);
	free(g);
}

/* ---- settings -------------------------------------------------------- */

int dd_probe_deps_request(struct dd_evidence *ev, const char *const *backups, size_t nbackups,
			  unsigned max_depth, const char *asn_zone, const char *asn_mmdb)
{
	struct dd_ev_deps *d = &ev->deps;
	char src[DD_NAME_MAX + 4200];
	int rc;

	if (nbackups > DD_DEPS_MAX_BACKUPS)
		return DD_ELIMIT;
	d->present = 1;
	d->max_depth = (int)max_depth;
	if ((rc = dd_ev_dep_root(ev, ev->domain)) < 0)
		return rc;
	for (size_t i = 0; i < nbackups; i++)
		if ((rc = dd_ev_dep_root(ev, backups[i])) < 0)
			return rc;
	if (asn_zone)
		snprintf(src, sizeof(src), "zone %s", asn_zone);
	else if (asn_mmdb)
		snprintf(src, sizeof(src), "mmdb %s", asn_mmdb);
	return dd_ev_set_str(&d->asn_source, asn_zone || asn_mmdb ? src : NULL);
}

/* ---- origin AS from a TXT zone ----------------------------------------- */

/* "4.3.2.1.origin.ZONE" / nibbles ".origin6.ZONE"; 0, or -1 for a non-address. */
static int origin_name(const char *addr, const char *zone, char *out, size_t outlen)
{
	unsigned char a[16];
	size_t o = 0;

	if (inet_pton(AF_INET, addr, a) == 1) {
		snprintf(out, outlen, "%u.%u.%u.%u.origin.%s", a[3], a[2], a[1], a[0], zone);
		return 0;
	}
	if (inet_pton(AF_INET6, addr, a) != 1)
		return -1;
	for (int i = 15; i >= 0 && o + 4 < outlen; i--)
		o += (size_t)snprintf(out + o, outlen - o, "%x.%x.", a[i] & 15, a[i] >> 4);
	snprintf(out + o, outlen - o, "origin6.%s", zone);
	return 0;
}

/* The text of a TXT record in presentation form, quotes and joins undone. */
static void txt_rdata(const char *rr, char *out, size_t outlen)
{
	const char *p = strstr(rr, "\tTXT\t");
	size_t o = 0;
	int quoted = 0;

	out[0] = '\0';
	if (!p)
		return;
	for (p += 5; *p && o + 1 < outlen; p++) {
		if (*p == '"') {
			quoted = !quoted;
			continue;
		}
		if (*p == '\\' && p[1]) {
			p++;
		} else if (!quoted && (*p == ' ' || *p == '\t')) {
			continue;
		}
		out[o++] = *p;
	}
	out[o] = '\0';
}

/* "64500 | 192.0.2.0/24 | ..." into asn and prefix (length kept in *len). */
static int parse_origin(const char *text, int64_t *asn, char *prefix, size_t plen, int *len)
{
	const char *p = text, *bar, *end;
	long long v = 0;
	int digits = 0;

	while (*p == ' ')
		p++;
	while (*p >= '0' && *p <= '9' && digits < 11) {
		v = v * 10 + (*p++ - '0');
		digits++;
	}
	if (!digits || v > 4294967295LL || !(bar = strchr(p, '|')))
		return -1;
	for (p = bar + 1; *p == ' '; p++)
		;
	end = p + strcspn(p, " |");
	if (end == p || (size_t)(end - p) >= plen || !memchr(p, '/', (size_t)(end - p)))
		return -1; /* the slash must be the prefix's own, not a later field's */
	for (const char *q = p; q < end; q++)
		if (!strchr("0123456789abcdefABCDEF:./", *q))
			return -1;
	snprintf(prefix, plen, "%.*s", (int)(end - p), p);
	*asn = v;
	*len = atoi(strchr(prefix, '/') + 1);
	return 0;
}

int dd_probe_origin_txt(const char *rr, char *text, size_t textlen, int64_t *asn, char *prefix,
			size_t plen, int *len)
{
	txt_rdata(rr, text, textlen);
	if (!text[0])
		return -1;
	return parse_origin(text, asn, prefix, plen, len);
}

static void on_asn(void *arg, const struct dd_dns_result *res)
{
	struct aref *r = arg;
	struct gat *g = r->g;
	struct dd_evidence *ev = g->ev;
	int i = dd_ev_dep_find_addr(ev, r->addr), best = -1;
	char text[512], prefix[64], seen[160] = "";

	if (i >= 0) {
		struct dd_ev_dep_addr *a = &ev->deps.addrs[i];
		/* The answer is in the exchanges recorded since the look-up began. */
		for (size_t x = r->first; x < ev->nexchanges; x++) {
			struct dd_ev_exchange *e = &ev->exchanges[x];
			if (!e->qname || strcasecmp(e->qname, r->qname) != 0)
				continue;
			dd_ev_exchange_sections(e);
			for (size_t k = 0; k < e->answer.n; k++) {
				int64_t asn;
				int len, rc = dd_probe_origin_txt(e->answer.v[k], text, sizeof(text),
								  &asn, prefix, sizeof(prefix), &len);
				if (!text[0])
					continue;
				snprintf(seen, sizeof(seen), "%s", text);
				if (rc == 0 && len > best) {
					best = len;
					a->asn = asn;
					dd_ev_set_str(&a->prefix, prefix);
				}
			}
		}
		if (best >= 0)
			dd_ev_set_str(&a->detail, seen);
		else if (seen[0])
			dd_ev_set_str(&a->detail, "the origin record does not read as \"ASN | PREFIX\"");
		else
			dd_ev_set_str(&a->detail, res->status == DD_RES_NXDOMAIN
							  ? "no origin record (NXDOMAIN)"
							  : res->message[0] ? res->message
									    : "no origin record");
	}
	free(r);
	release(g);
}

static void ask_asn(struct gat *g, const char *addr)
{
	struct aref *r;

	if (!g->asn_zone[0])
		return;
	r = calloc(1, sizeof(*r));
	if (!r)
		return;
	r->g = g;
	snprintf(r->addr, sizeof(r->addr), "%s", addr);
	if (origin_name(addr, g->asn_zone, r->qname, sizeof(r->qname)) != 0) {
		free(r);
		return;
	}
	r->first = g->ev->nexchanges;
	g->pending++;
	if (dd_dns_resolve(dd_probe_dns(g->p), r->qname, LDNS_RR_TYPE_TXT, g->ev, on_asn, r) != 0) {
		free(r);
		g->pending--;
	}
}

/* ---- NS names ------------------------------------------------------------ */

static void walk(struct gat *g, const char *name, int root, int depth);

static void on_host(void *arg, const struct dd_dns_host *h)
{
	struct tref *r = arg;
	struct gat *g = r->g;
	struct dd_evidence *ev = g->ev;
	int i = dd_ev_dep_find_host(ev, r->name);

	if (i >= 0) {
		struct dd_ev_dep_host *host = &ev->deps.hosts[i];
		switch (h->status) {
		case DD_RES_ANSWER: host->state = DD_EV_R_OK; break;
		case DD_RES_NXDOMAIN: host->state = DD_EV_R_NXDOMAIN; break;
		case DD_RES_NODATA: host->state = DD_EV_R_NODATA; break;
		default: host->state = DD_EV_R_FAILED; break;
		}
		if (h->status != DD_RES_ANSWER && h->message[0] && !host->message)
			dd_ev_set_str(&host->message, h->message);
		for (size_t k = 0; k < h->naddrs; k++) {
			int known = dd_ev_dep_find_addr(ev, h->addrs[k]) >= 0;
			dd_ev_strlist_add_unique(&ev->deps.hosts[i].addrs, h->addrs[k]);
			if (known)
				continue;
			if (ev->deps.naddrs >= DEPS_MAX_ADDRS) {
				ev->deps.truncated = 1;
				continue;
			}
			if (dd_ev_dep_addr(ev, h->addrs[k]) >= 0)
				ask_asn(g, h->addrs[k]);
		}
	}
	free(r);
	release(g);
}

/* An NS name met at depth: recorded once; its addresses looked up; walked
 * from the root when within the bound (and not walked yet). */
static void add_host(struct gat *g, const char *name, int depth)
{
	struct dd_evidence *ev = g->ev;
	int i = dd_ev_dep_find_host(ev, name);
	struct tref *r;

	if (i < 0) {
		if (ev->deps.nhosts >= DEPS_MAX_HOSTS) {
			ev->deps.truncated = 1;
			return;
		}
		if ((i = dd_ev_dep_host(ev, name)) < 0)
			return;
		ev->deps.hosts[i].depth = depth;
		r = calloc(1, sizeof(*r));
		if (r) {
			r->g = g;
			r->root = -1;
			snprintf(r->name, sizeof(r->name), "%s", name);
			g->pending++;
			if (dd_dns_host(dd_probe_dns(g->p), name, ev, on_host, r) != 0) {
				free(r);
				g->pending--;
				ev->deps.hosts[i].state = DD_EV_R_FAILED;
			}
		}
	} else if (depth < ev->deps.hosts[i].depth) {
		ev->deps.hosts[i].depth = depth;
	}
	if (!ev->deps.hosts[i].followed && depth <= (int)g->max_depth) {
		ev->deps.hosts[i].followed = 1;
		walk(g, name, -1, depth);
	} else if (!ev->deps.hosts[i].followed) {
		ev->deps.truncated = 1; /* past the depth bound: not walked */
	}
}

/* ---- the walks ----------------------------------------------------------- */

/* Zone z gets name as an NS (and the host is taken at depth). */
static void zone_ns(struct gat *g, int z, const char *name, int depth)
{
	struct dd_ev_dep_zone *zone = &g->ev->deps.zones[z];

	if (dd_ev_strlist_find(&zone->ns, name) < 0) {
		if (zone->ns.n >= DEPS_MAX_NS)
			return;
		dd_ev_strlist_add(&zone->ns, name);
	}
	add_host(g, name, depth);
}

static int take_zone(struct gat *g, const char *name, const char *parent, int depth)
{
	struct dd_evidence *ev = g->ev;
	int z = dd_ev_dep_find_zone(ev, name);

	if (z < 0) {
		if (ev->deps.nzones >= DEPS_MAX_ZONES) {
			ev->deps.truncated = 1;
			return -1;
		}
		if ((z = dd_ev_dep_zone(ev, name)) < 0)
			return -1;
		ev->deps.zones[z].depth = depth;
	} else if (depth < ev->deps.zones[z].depth) {
		ev->deps.zones[z].depth = depth;
	}
	if (parent && !ev->deps.zones[z].parent)
		dd_ev_set_str(&ev->deps.zones[z].parent, parent);
	return z;
}

/* The NS names and glue of zone z in the referrals of step up. */
static void take_referral(struct gat *g, const struct dd_dns_trace_step *up, int z, int depth)
{
	const char *zone = g->ev->deps.zones[z].name;

	for (size_t k = 0; k < up->nservers; k++) {
		const struct dd_dns_digest *d = up->servers[k].digest;
		if (!d || up->servers[k].state != DD_ST_REFERRAL || strcasecmp(d->referral, zone) != 0)
			continue;
		for (size_t n = 0; n < d->nns; n++)
			zone_ns(g, z, d->ns[n], depth + 1);
		for (size_t n = 0; n < d->nglue; n++)
			if (dd_ev_strlist_find(&g->ev->deps.zones[z].ns, d->glue[n].name) >= 0)
				dd_ev_dep_add_glue(g->ev, (size_t)z, d->glue[n].name, d->glue[n].addr);
	}
}

/* Every zone of a walk, with its NS names (the parent's referral, the
 * servers asked, and the zone's own NS answer) and the glue. The NS names
 * are one step deeper than the walk. A walk that stopped at the name's own
 * zone cut (check's) gives that zone from the referral alone. */
static void take_chain(struct gat *g, const struct dd_dns_trace *t, int depth)
{
	for (size_t i = 0; i < t->nsteps; i++) {
		const struct dd_dns_trace_step *s = &t->steps[i];
		const struct dd_dns_trace_step *up = i ? &t->steps[i - 1] : NULL;
		int delegated = up && strcasecmp(up->next, s->zone) == 0;
		int z = take_zone(g, s->zone, delegated ? up->zone : NULL, depth);

		if (z < 0 || strcmp(s->zone, ".") == 0)
			continue; /* the root's servers come from the hints */
		if (delegated)
			take_referral(g, up, z, depth);
		for (size_t k = 0; k < s->nservers; k++) {
			const struct dd_dns_trace_server *sv = &s->servers[k];
			zone_ns(g, z, sv->name, depth + 1);
			/* The zone's own NS set, when the walk asked for it. */
			if (sv->digest && sv->state == DD_ST_ANSWER &&
			    strcasecmp(s->qname, s->zone) == 0)
				for (size_t n = 0; n < sv->digest->nns; n++)
					zone_ns(g, z, sv->digest->ns[n], depth + 1);
		}
	}
	if (t->result.status == DD_RES_DELEGATED && t->nsteps) {
		const struct dd_dns_trace_step *last = &t->steps[t->nsteps - 1];
		int z = take_zone(g, last->next, last->zone, depth);
		if (z >= 0)
			take_referral(g, last, z, depth);
	}
}

static enum dd_ev_rstate walk_state(const struct dd_dns_trace *t)
{
	switch (t->result.status) {
	case DD_RES_ANSWER:
	case DD_RES_DELEGATED:
	case DD_RES_NODATA: return DD_EV_R_OK;
	case DD_RES_NXDOMAIN: return DD_EV_R_NXDOMAIN;
	default: return DD_EV_R_FAILED;
	}
}

static void take_walk(struct gat *g, const struct dd_dns_trace *t, int root, const char *name,
		      int depth)
{
	struct dd_evidence *ev = g->ev;
	const char *zone = t->nsteps ? t->steps[t->nsteps - 1].zone : NULL;

	if (t->result.status == DD_RES_DELEGATED && t->nsteps)
		zone = t->steps[t->nsteps - 1].next;
	const char *msg = t->result.message[0] ? t->result.message : NULL;

	take_chain(g, t, depth);
	if (root >= 0 && (size_t)root < ev->deps.nroots) {
		struct dd_ev_dep_root *r = &ev->deps.roots[root];
		r->state = walk_state(t);
		dd_ev_set_str(&r->zone, zone);
		dd_ev_set_str(&r->message, r->state == DD_EV_R_OK ? NULL : msg);
		return;
	}
	int h = dd_ev_dep_find_host(ev, name);
	if (h < 0)
		return;
	ev->deps.hosts[h].walk_shared = t->reused;
	dd_ev_set_str(&ev->deps.hosts[h].zone, zone);
	if (walk_state(t) == DD_EV_R_FAILED && msg && !ev->deps.hosts[h].message)
		dd_ev_set_str(&ev->deps.hosts[h].message, msg);
}

static void on_walk(void *arg, const struct dd_dns_trace *t)
{
	struct tref *r = arg;
	struct gat *g = r->g;

	take_walk(g, t, r->root, r->name, r->depth);
	dd_dns_trace_free((struct dd_dns_trace *)t);
	free(r);
	release(g);
}

/* Walk from the root to name: NS for a root name (its own NS set comes
 * with it), A for an NS name. */
static void walk(struct gat *g, const char *name, int root, int depth)
{
	struct tref *r = calloc(1, sizeof(*r));

	if (!r)
		return;
	r->g = g;
	r->root = root;
	r->depth = depth;
	snprintf(r->name, sizeof(r->name), "%s", name);
	g->pending++;
	if (dd_dns_trace_shared(dd_probe_dns(g->p), name,
				root >= 0 ? LDNS_RR_TYPE_NS : LDNS_RR_TYPE_A, g->ev, on_walk,
				r) != 0) {
		free(r);
		g->pending--;
		if (root >= 0)
			g->ev->deps.roots[root].state = DD_EV_R_FAILED;
	}
}

int dd_probe_deps_start(struct dd_probe *p, struct dd_evidence *ev,
			const struct dd_dns_trace *trace, struct dd_reg_fetcher *f,
			dd_probe_deps_cb done, void *arg)
{
	struct gat *g = calloc(1, sizeof(*g));
	const char *src = ev->deps.asn_source;

	if (!g)
		return DD_ENOMEM;
	g->p = p;
	g->ev = ev;
	g->max_depth = ev->deps.max_depth >= 0 ? (unsigned)ev->deps.max_depth : 0;
	g->f = f;
	g->done = done;
	g->arg = arg;
	if (src && strncmp(src, "zone ", 5) == 0)
		snprintf(g->asn_zone, sizeof(g->asn_zone), "%s", src + 5);
	g->pending = 1; /* held while starting */
	for (size_t i = 0; i < ev->deps.nroots; i++) {
		const char *name = ev->deps.roots[i].name;
		if (i == 0 && trace && strcasecmp(name, ev->domain) == 0)
			take_walk(g, trace, 0, name, 0);
		else
			walk(g, name, (int)i, 0);
	}
	release(g);
	return 0;
}

/* ---- after the DNS run: .mmdb and registration ---------------------------- */

static int mmdb_annotate(struct dd_evidence *ev, const char *path, char *why, size_t whylen)
{
	MMDB_s db;
	int rc = MMDB_open(path, MMDB_MODE_MMAP, &db);

	if (rc != MMDB_SUCCESS) {
		snprintf(why, whylen, "%s: %s", path, MMDB_strerror(rc));
		return DD_EIO;
	}
	for (size_t i = 0; i < ev->deps.naddrs; i++) {
		struct dd_ev_dep_addr *a = &ev->deps.addrs[i];
		int gai = 0, err = 0, v4 = !strchr(a->address, ':');
		MMDB_lookup_result_s res = MMDB_lookup_string(&db, a->address, &gai, &err);
		MMDB_entry_data_s data;
		unsigned char bytes[16] = { 0 };
		char net[64], prefix[80];
		int bits = res.netmask;

		if (gai || err != MMDB_SUCCESS || !res.found_entry) {
			dd_ev_set_str(&a->detail, gai || err ? "the address could not be looked up"
							     : "not in the database");
			continue;
		}
		if (MMDB_get_value(&res.entry, &data, "autonomous_system_number", NULL) !=
			    MMDB_SUCCESS ||
		    !data.has_data || data.type != MMDB_DATA_TYPE_UINT32) {
			dd_ev_set_str(&a->detail, "no autonomous_system_number in the entry");
			continue;
		}
		a->asn = data.uint32;
		if (v4 && db.metadata.ip_version == 6)
			bits -= 96;
		inet_pton(v4 ? AF_INET : AF_INET6, a->address, bytes);
		for (int b = bits < 0 ? 0 : bits; b < (v4 ? 32 : 128); b++)
			bytes[b / 8] &= (unsigned char)~(0x80 >> (b % 8));
		if (bits >= 0 && inet_ntop(v4 ? AF_INET : AF_INET6, bytes, net, sizeof(net))) {
			snprintf(prefix, sizeof(prefix), "%s/%d", net, bits);
			dd_ev_set_str(&a->prefix, prefix);
		}
		if (MMDB_get_value(&res.entry, &data, "autonomous_system_organization", NULL) ==
			    MMDB_SUCCESS &&
		    data.has_data && data.type == MMDB_DATA_TYPE_UTF8_STRING) {
			char org[200];
			snprintf(org, sizeof(org), "%.*s", (int)(data.data_size < 199 ? data.data_size
										: 199),
				 data.utf8_string);
			dd_ev_set_str(&a->detail, org);
		}
	}
	MMDB_close(&db);
	return 0;
}

struct rref {
	struct gat *g;
	char domain[DD_NAME_MAX];
};

static void on_reg(void *arg, const struct dd_reg_outcome *o)
{
	struct rref *r = arg;
	struct gat *g = r->g;
	struct dd_evidence *ev = g->ev;
	int i = dd_ev_dep_reg(ev, r->domain);
	struct dd_ev_dep_reg *reg;
	const struct dd_reg_record *rec = o->record;
	char text[DD_REG_WHY_MAX + 32];

	free(r);
	if (i < 0) {
		release(g);
		return;
	}
	reg = &ev->deps.regs[i];
	if (!rec) {
		dd_ev_set_str(&reg->result, "unavailable");
		snprintf(text, sizeof(text), "%s: %s", dd_reg_unavail_name(o->reason), o->why);
		dd_ev_set_str(&reg->reason, text);
		release(g);
		return;
	}
	dd_ev_set_str(&reg->result, dd_reg_result_name(rec->result));
	snprintf(text, sizeof(text), "%s %s", dd_reg_source_name(rec->source),
		 rec->where ? rec->where : "");
	dd_ev_set_str(&reg->source, text);
	dd_ev_set_str(&reg->registrar, rec->registrar.name);
	dd_ev_set_str(&reg->registrar_id, rec->registrar.iana_id);
	reg->expires = rec->expires.known ? rec->expires.t : -1;
	for (size_t k = 0; k < rec->nstatuses; k++)
		dd_ev_strlist_add_unique(&reg->statuses, rec->statuses[k].code);
	reg->transfer_lock = dd_reg_transfer_locked(rec) ? 1 : rec->nstatuses ? 0 : -1;
	release(g);
}

/* Add name's registrable domain to out (n entries) unless there already. */
static void reg_add(const char *name, char (*out)[DD_NAME_MAX], size_t *n)
{
	char reg[DD_NAME_MAX];

	dd_name_registrable(name, reg);
	if (!reg[0] || *n >= DD_DEPS_MAX_REG)
		return;
	for (size_t k = 0; k < *n; k++)
		if (strcmp(out[k], reg) == 0)
			return;
	snprintf(out[(*n)++], DD_NAME_MAX, "%s", reg);
}

/* The registrable domains to look up: the roots', then the NS names' by
 * depth, then the zones'; at most DD_DEPS_MAX_REG. */
static size_t reg_domains(const struct dd_evidence *ev, char (*out)[DD_NAME_MAX])
{
	const struct dd_ev_deps *d = &ev->deps;
	size_t n = 0;
	int deepest = 0;

	for (size_t i = 0; i < d->nroots; i++)
		reg_add(d->roots[i].name, out, &n);
	for (size_t i = 0; i < d->nhosts; i++)
		if (d->hosts[i].depth > deepest)
			deepest = d->hosts[i].depth;
	for (int depth = 0; depth <= deepest; depth++)
		for (size_t i = 0; i < d->nhosts; i++)
			if (d->hosts[i].depth == depth)
				reg_add(d->hosts[i].name, out, &n);
	for (size_t i = 0; i < d->nzones; i++)
		reg_add(d->zones[i].name, out, &n);
	return n;
}

static void start_registrations(struct gat *g)
{
	struct dd_evidence *ev = g->ev;
	char(*names)[DD_NAME_MAX];
	size_t n;

	if (!g->f)
		return;
	names = calloc(DD_DEPS_MAX_REG, DD_NAME_MAX);
	if (!names)
		return;
	n = reg_domains(ev, names);
	ev->deps.registration = 1;
	for (size_t i = 0; i < n; i++) {
		struct rref *r = calloc(1, sizeof(*r));
		int k = dd_ev_dep_reg(ev, names[i]);
		if (!r || k < 0) {
			free(r);
			break;
		}
		r->g = g;
		snprintf(r->domain, sizeof(r->domain), "%s", names[i]);
		g->pending++;
		if (dd_reg_fetch(g->f, names[i], on_reg, r) != 0) {
			g->pending--;
			free(r);
			dd_ev_set_str(&ev->deps.regs[k].result, "unavailable");
			dd_ev_set_str(&ev->deps.regs[k].reason, "the look-up could not start");
		}
	}
	free(names);
}

int dd_probe_deps_finish(struct dd_evidence *ev, char *why, size_t whylen)
{
	const char *src = ev->deps.asn_source;

	if (why && whylen)
		why[0] = '\0';
	if (!ev->deps.present)
		return 0;
	/* A look-up that never called back (none should) stays unavailable. */
	for (size_t i = 0; i < ev->deps.nregs; i++)
		if (!ev->deps.regs[i].result)
			dd_ev_set_str(&ev->deps.regs[i].result, "unavailable");
	if (src && strncmp(src, "mmdb ", 5) == 0)
		return mmdb_annotate(ev, src + 5, why, whylen);
	return 0;
}
