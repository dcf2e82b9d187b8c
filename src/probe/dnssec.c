/* dnssec.c (probe): gathering the DNSSEC records of check's evidence, on
 * the recording probe. A group of questions holds one reference on the
 * caller (its done callback) until the last answer is in. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ldns/ldns.h>

#include "core/err.h"
#include "probe/dnssec.h"

#define MAX_TRIES 3          /* servers tried for one zone's DNSKEY or DS */
#define MAX_CHAIN_ZONES 32   /* zones of the chain gathered */
#define MAX_ANCHOR_FILE 65536

struct group {
	struct dd_probe *p;
	struct dd_evidence *ev;
	size_t pending;
	dd_probe_dnssec_done done;
	void *arg;
};

enum kind { K_ZONE_DNSKEY, K_ZONE_DS, K_DNSKEY_UDP, K_DNSKEY_TCP, K_SOA, K_NS, K_CDS, K_CDNSKEY };

struct sq {
	struct group *g;
	enum kind kind;
	size_t idx;   /* zone or server index in ev->dnssec */
	size_t step;  /* chain step whose servers are asked (zone questions) */
	size_t next;  /* next server of that step to consider */
	unsigned tries;
};

static struct group *group_new(struct dd_probe *p, struct dd_evidence *ev,
			       dd_probe_dnssec_done done, void *arg)
{
	struct group *g = calloc(1, sizeof(*g));

	if (!g)
		return NULL;
	g->p = p;
	g->ev = ev;
	g->done = done;
	g->arg = arg;
	g->pending = 1; /* the starter's own hold, see group_start_done */
	return g;
}

static void group_release(struct group *g)
{
	if (--g->pending > 0)
		return;
	if (g->done)
		g->done(g->arg);
	free(g);
}

/* Drop the starter's hold: 1 when questions are out (done comes later),
 * 0 when none could start (the group is freed, done never called). */
static int group_start_done(struct group *g)
{
	if (g->pending > 1) {
		g->pending--;
		return 1;
	}
	free(g);
	return 0;
}

static int family_ok(const struct dd_evidence *ev, const char *addr)
{
	return strchr(addr, ':') ? ev->options.ipv6 : ev->options.ipv4;
}

/* The section is being gathered: record the built-in anchor unless the
 * caller set one (--trust-anchor). */
static void start_section(struct dd_probe *p, struct dd_evidence *ev)
{
	const struct dd_ev_strlist *l;
	char why[120];

	ev->dnssec.present = 1;
	if (ev->dnssec.anchor.n)
		return;
	if ((l = dd_probe_anchor(p, why, sizeof(why))) != NULL)
		dd_ev_sec_set_anchor(&ev->dnssec, l, dd_ev_anchor_builtin_source());
}

/* Is text (presentation format) a record of type at owner, or (covered
 * non-NULL) an RRSIG there covering that type? */
static int record_is(const char *text, const char *owner, const char *type, int rrsig)
{
	char o[300], ttl[32], cls[16], t[32], cov[32];
	int n = sscanf(text, "%299s %31s %15s %31s %31s", o, ttl, cls, t, cov);

	if (n < 4 || strcasecmp(o, owner) != 0)
		return 0;
	if (!rrsig)
		return strcasecmp(t, type) == 0;
	return n == 5 && strcasecmp(t, "RRSIG") == 0 && strcasecmp(cov, type) == 0;
}

static void fill(struct dd_evidence *ev, struct dd_ev_sec_rrset *x, const struct dd_dns_reply *rep,
		 const char *owner, const char *type)
{
	dd_probe_response(&x->r, rep);
	for (size_t i = 0; i < x->records.n; i++)
		free(x->records.v[i]);
	x->records.n = 0;
	if (rep->exchange < 0 || (size_t)rep->exchange >= ev->nexchanges ||
	    (rep->state != DD_ST_ANSWER && rep->state != DD_ST_NODATA))
		return;
	dd_ev_exchange_sections(&ev->exchanges[rep->exchange]);
	const struct dd_ev_strlist *ans = &ev->exchanges[rep->exchange].answer;
	for (size_t i = 0; i < ans->n; i++)
		if (record_is(ans->v[i], owner, type, 0) || record_is(ans->v[i], owner, type, 1))
			dd_ev_strlist_add(&x->records, ans->v[i]);
}

/* ---- the chain above the domain ---------------------------------------- */

static int usable(const struct dd_ev_step_server *s, const struct dd_evidence *ev)
{
	switch (s->r.state) {
	case DD_EV_ANSWER:
	case DD_EV_REFERRAL:
	case DD_EV_NXDOMAIN:
	case DD_EV_NODATA:
	case DD_EV_CNAME:
		return s->address && family_ok(ev, s->address);
	default:
		return 0;
	}
}

static void on_zone(void *arg, const struct dd_dns_reply *rep);

/* Ask the next usable server of step q->step; 0 when one was asked. */
static int zone_ask(struct sq *q)
{
	struct dd_evidence *ev = q->g->ev;
	const struct dd_ev_step *st = &ev->chain[q->step];
	const char *zone = ev->dnssec.zones[q->idx].zone;

	while (q->tries < MAX_TRIES && q->next < st->nservers) {
		const struct dd_ev_step_server *s = &st->servers[q->next++];
		struct dd_dns_ask dq = { .server = s->name, .address = s->address,
					 .zone = st->zone, .qname = zone,
					 .qtype = q->kind == K_ZONE_DS ? LDNS_RR_TYPE_DS
								       : LDNS_RR_TYPE_DNSKEY,
					 .rec = ev };
		if (!usable(s, ev))
			continue;
		q->tries++;
		if (dd_probe_ask(q->g->p, &dq, on_zone, q) == 0) {
			struct dd_ev_sec_zone *z = &ev->dnssec.zones[q->idx];
			struct dd_ev_sec_rrset *x = q->kind == K_ZONE_DS ? &z->ds : &z->dnskey;
			dd_ev_set_str(&x->server, s->name);
			dd_ev_set_str(&x->address, s->address);
			return 0;
		}
	}
	return -1;
}

static void on_zone(void *arg, const struct dd_dns_reply *rep)
{
	struct sq *q = arg;
	struct group *g = q->g;
	struct dd_evidence *ev = g->ev;
	struct dd_ev_sec_zone *z = &ev->dnssec.zones[q->idx];
	struct dd_ev_sec_rrset *x = q->kind == K_ZONE_DS ? &z->ds : &z->dnskey;
	char zone[DD_NAME_MAX];

	snprintf(zone, sizeof(zone), "%s", z->zone);
	fill(ev, x, rep, zone, q->kind == K_ZONE_DS ? "DS" : "DNSKEY");
	if (rep->state != DD_ST_ANSWER && rep->state != DD_ST_NODATA && zone_ask(q) == 0)
		return; /* another server of the zone is asked */
	free(q);
	group_release(g);
}

static void zone_start(struct group *g, enum kind kind, size_t idx, size_t step)
{
	struct sq *q = calloc(1, sizeof(*q));

	if (!q)
		return;
	q->g = g;
	q->kind = kind;
	q->idx = idx;
	q->step = step;
	g->pending++;
	if (zone_ask(q) != 0) {
		g->pending--;
		free(q);
	}
}

static void start_chain(struct group *g)
{
	struct dd_evidence *ev = g->ev;
	size_t n = ev->nchain < MAX_CHAIN_ZONES ? ev->nchain : MAX_CHAIN_ZONES;

	for (size_t i = 0; i < n; i++) {
		int z = dd_ev_sec_add_zone(&ev->dnssec, ev->chain[i].zone);
		if (z < 0)
			return;
		zone_start(g, K_ZONE_DNSKEY, (size_t)z, i);
		if (i > 0)
			zone_start(g, K_ZONE_DS, (size_t)z, i - 1);
	}
}

int dd_probe_dnssec_parent(struct dd_probe *p, struct dd_evidence *ev, size_t ps,
			   dd_probe_dnssec_done done, void *arg)
{
	const struct dd_ev_parent_server *s;
	struct group *g;
	int first = ev->dnssec.nzones == 0, k;

	if (ps >= ev->parent.nservers)
		return 0;
	start_section(p, ev);
	s = &ev->parent.servers[ps];
	if (s->ds.r.exchange >= 0 && (size_t)s->ds.r.exchange < ev->nexchanges &&
	    s->ds.r.state == DD_EV_ANSWER &&
	    (k = dd_ev_sec_add_parent(&ev->dnssec, s->name, s->address)) >= 0) {
		dd_ev_exchange_sections(&ev->exchanges[s->ds.r.exchange]);
		const struct dd_ev_strlist *ans = &ev->exchanges[s->ds.r.exchange].answer;
		for (size_t i = 0; i < ans->n; i++)
			if (record_is(ans->v[i], ev->domain, "DS", 1))
				dd_ev_strlist_add(&ev->dnssec.parent[k].rrsigs, ans->v[i]);
	}
	if (!first || ev->nchain == 0)
		return 0;
	g = group_new(p, ev, done, arg);
	if (!g)
		return 0;
	start_chain(g);
	return group_start_done(g);
}

/* ---- the domain's servers ---------------------------------------------- */

static const char *kind_type(enum kind k)
{
	switch (k) {
	case K_DNSKEY_UDP:
	case K_DNSKEY_TCP: return "DNSKEY";
	case K_SOA: return "SOA";
	case K_NS: return "NS";
	case K_CDS: return "CDS";
	default: return "CDNSKEY";
	}
}

static struct dd_ev_sec_rrset *server_set(struct dd_ev_sec_server *s, enum kind k)
{
	switch (k) {
	case K_DNSKEY_UDP: return &s->dnskey_udp;
	case K_DNSKEY_TCP: return &s->dnskey_tcp;
	case K_SOA: return &s->soa;
	case K_NS: return &s->ns;
	case K_CDS: return &s->cds;
	default: return &s->cdnskey;
	}
}

static void on_server(void *arg, const struct dd_dns_reply *rep)
{
	struct sq *q = arg;
	struct group *g = q->g;
	struct dd_evidence *ev = g->ev;

	fill(ev, server_set(&ev->dnssec.servers[q->idx], q->kind), rep, ev->domain,
	     kind_type(q->kind));
	free(q);
	group_release(g);
}

static void server_ask(struct group *g, size_t idx, enum kind kind, const char *name,
		       const char *address)
{
	struct sq *q = calloc(1, sizeof(*q));
	struct dd_dns_ask dq = { .server = name, .address = address, .zone = g->ev->domain,
				 .qname = g->ev->domain, .tcp = kind == K_DNSKEY_TCP,
				 .rec = g->ev };

	if (!q)
		return;
	dq.qtype = dd_dns_type_from_text(kind_type(kind));
	q->g = g;
	q->kind = kind;
	q->idx = idx;
	g->pending++;
	if (dd_probe_ask(g->p, &dq, on_server, q) != 0) {
		g->pending--;
		free(q);
	}
}

int dd_probe_dnssec_server(struct dd_probe *p, struct dd_evidence *ev, size_t ns, size_t a,
			   dd_probe_dnssec_done done, void *arg)
{
	static const enum kind kinds[] = { K_DNSKEY_UDP, K_DNSKEY_TCP, K_SOA, K_NS, K_CDS,
					   K_CDNSKEY };
	char name[DD_NAME_MAX], address[64];
	size_t before = ev->dnssec.nservers;
	struct group *g;
	int idx;

	if (ns >= ev->nnameservers || a >= ev->nameservers[ns].nservers)
		return 0;
	snprintf(name, sizeof(name), "%s", ev->nameservers[ns].name);
	snprintf(address, sizeof(address), "%s", ev->nameservers[ns].servers[a].address);
	if (!family_ok(ev, address))
		return 0;
	start_section(p, ev);
	idx = dd_ev_sec_add_server(&ev->dnssec, name, address);
	if (idx < 0 || (size_t)idx < before)
		return 0; /* no room, or asked already */
	g = group_new(p, ev, done, arg);
	if (!g)
		return 0;
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		server_ask(g, (size_t)idx, kinds[k], name, address);
	return group_start_done(g);
}

/* ---- trust-anchor files ----------------------------------------------- */

int dd_probe_dnssec_anchor_file(const char *path, struct dd_ev_strlist *out, char *why,
				size_t whylen)
{
	FILE *f = fopen(path, "r");
	char *text, inner[200];
	size_t len;
	int rc;

	if (!f) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		return DD_EIO;
	}
	text = malloc(MAX_ANCHOR_FILE + 1);
	if (!text) {
		fclose(f);
		return DD_ENOMEM;
	}
	len = fread(text, 1, MAX_ANCHOR_FILE + 1, f);
	rc = ferror(f) ? DD_EIO : 0;
	fclose(f);
	if (rc == 0 && len > MAX_ANCHOR_FILE) {
		snprintf(why, whylen, "%s: larger than %d bytes", path, MAX_ANCHOR_FILE);
		rc = DD_ELIMIT;
	} else if (rc == 0 && memchr(text, '\0', len)) {
		snprintf(why, whylen, "%s: not a text file", path);
		rc = DD_EPARSE;
	} else if (rc == 0) {
		text[len] = '\0';
		rc = dd_ev_anchor_parse(text, out, inner, sizeof(inner));
		if (rc < 0)
			snprintf(why, whylen, "%s: %s", path, inner);
	} else {
		snprintf(why, whylen, "%s: read error", path);
	}
	free(text);
	return rc;
}
