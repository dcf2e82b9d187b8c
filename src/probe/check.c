/* check.c: gathers the evidence of `dnsdeps check` for one domain, driving
 * the trace walk and single questions through the recording probe. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ldns/ldns.h>

#include "core/err.h"
#include "core/name.h"
#include "probe/check.h"
#include "probe/deps.h"
#include "probe/dnssec.h"
#include "probe/reg.h"

#define DD_CHECK_MAX_NS 24 /* NS names examined per domain */

struct chk {
	struct dd_probe *p;
	struct dd_evidence *ev;
	char domain[DD_NAME_MAX];
	char parent[DD_NAME_MAX];
	struct dd_probe_expect *expect;
	size_t nexpect;
	struct dd_dns_qopts edns1;
	size_t pending; /* outstanding callbacks; done, then free, at 0 */
	dd_probe_check_cb done;
	void *arg;
};

/* The question a callback answers. */
enum which { Q_DS, Q_SOA_UDP, Q_SOA_TCP, Q_NS_UDP, Q_EDNS };

struct qref {
	struct chk *c;
	enum which which;
	size_t a, b; /* parent server index, or nameserver and address indexes */
};

struct href {
	struct chk *c;
	size_t ns;
};

static void release(struct chk *c)
{
	if (--c->pending > 0)
		return;
	if (c->done)
		c->done(c->arg, c->ev);
	free(c->expect);
	free(c);
}

static void ask(struct chk *c, enum which which, size_t a, size_t b, const char *server,
		const char *address, const char *zone, uint16_t qtype, int tcp,
		const struct dd_dns_qopts *qopts, dd_dns_reply_cb cb);

/* The DNSSEC questions (probe/dnssec.c) hold the check like any other. */
static void sec_done(void *arg)
{
	release(arg);
}

/* ---- the domain's own servers ------------------------------------------ */

static void add_child_ns(struct chk *c, const char *name, int in_parent, int in_child);

static void on_child(void *arg, const struct dd_dns_reply *rep)
{
	struct qref *q = arg;
	struct chk *c = q->c;
	struct dd_evidence *ev = c->ev;
	struct dd_ev_ns_server *s = &ev->nameservers[q->a].servers[q->b];
	const struct dd_dns_digest *d = rep->digest;

	switch (q->which) {
	case Q_SOA_UDP:
	case Q_SOA_TCP: {
		struct dd_ev_soa *soa = q->which == Q_SOA_UDP ? &s->soa_udp : &s->soa_tcp;
		dd_probe_response(&soa->r, rep);
		soa->serial = d && d->has_soa && rep->state == DD_ST_ANSWER ? (int64_t)d->soa_serial : -1;
		break;
	}
	case Q_NS_UDP:
		dd_probe_response(&s->ns_udp.r, rep);
		if (d && rep->state == DD_ST_ANSWER) {
			s->ns_udp.ttl = d->ns_ttl;
			for (size_t i = 0; i < d->nns; i++) {
				dd_ev_strlist_add_unique(&s->ns_udp.ns, d->ns[i]);
				add_child_ns(c, d->ns[i], 0, 1);
			}
		}
		break;
	case Q_EDNS:
		dd_probe_response(&s->edns.r, rep);
		s->edns.edns_version = d && d->edns ? d->edns_version : -1;
		break;
	default:
		break;
	}
	free(q);
	release(c);
}

/* Probe one address of nameserver ns (once per address). */
static void probe_address(struct chk *c, size_t ns, const char *address)
{
	struct dd_evidence *ev = c->ev;
	size_t before = ev->nameservers[ns].nservers;
	int idx = dd_ev_add_ns_server(ev, ns, address);
	char name[DD_NAME_MAX];

	if (idx < 0 || (size_t)idx < before)
		return; /* no room, or already probed */
	snprintf(name, sizeof(name), "%s", ev->nameservers[ns].name);
	ask(c, Q_SOA_UDP, ns, (size_t)idx, name, address, c->domain, LDNS_RR_TYPE_SOA, 0, NULL,
	    on_child);
	ask(c, Q_SOA_TCP, ns, (size_t)idx, name, address, c->domain, LDNS_RR_TYPE_SOA, 1, NULL,
	    on_child);
	ask(c, Q_NS_UDP, ns, (size_t)idx, name, address, c->domain, LDNS_RR_TYPE_NS, 0, NULL,
	    on_child);
	ask(c, Q_EDNS, ns, (size_t)idx, name, address, c->domain, LDNS_RR_TYPE_SOA, 0, &c->edns1,
	    on_child);
	c->pending += (size_t)dd_probe_dnssec_server(c->p, ev, ns, (size_t)idx, sec_done, c);
}

/* An address look-up's outcome as evidence. */
static void take_resolution(struct dd_ev_resolution *res, const struct dd_dns_host *h)
{
	switch (h->status) {
	case DD_RES_ANSWER: res->state = DD_EV_R_OK; break;
	case DD_RES_NXDOMAIN: res->state = DD_EV_R_NXDOMAIN; break;
	case DD_RES_NODATA: res->state = DD_EV_R_NODATA; break;
	default: res->state = DD_EV_R_FAILED; break;
	}
	for (size_t i = 0; i < h->naddrs; i++)
		dd_ev_strlist_add_unique(strchr(h->addrs[i], ':') ? &res->aaaa : &res->a, h->addrs[i]);
	res->ttl = h->naddrs ? (int64_t)h->ttl : -1;
	dd_ev_set_str(&res->cname, h->cname[0] ? h->cname : NULL);
	dd_ev_set_str(&res->message, h->message[0] ? h->message : NULL);
}

static void on_host(void *arg, const struct dd_dns_host *h)
{
	struct href *r = arg;
	struct chk *c = r->c;
	struct dd_ev_nameserver *n = &c->ev->nameservers[r->ns];

	take_resolution(&n->resolution, h);
	for (size_t i = 0; i < h->naddrs; i++)
		probe_address(c, r->ns, h->addrs[i]);
	/* Glue the parent gave is probed too: a server that answers only
	 * there is still one the world uses. */
	n = &c->ev->nameservers[r->ns];
	for (size_t i = 0; i < n->glue.n; i++) {
		char addr[64];
		snprintf(addr, sizeof(addr), "%s", n->glue.v[i]);
		probe_address(c, r->ns, addr);
		n = &c->ev->nameservers[r->ns];
	}
	free(r);
	release(c);
}

/* Look up the addresses of nameserver idx; on_host then probes them. */
static void start_lookup(struct chk *c, size_t idx)
{
	struct dd_ev_nameserver *n = &c->ev->nameservers[idx];
	struct href *r = malloc(sizeof(*r));

	n->in_bailiwick = dd_name_is_subdomain(n->name, c->domain);
	if (r) {
		r->c = c;
		r->ns = idx;
		c->pending++;
		if (dd_dns_host(dd_probe_dns(c->p), n->name, c->ev, on_host, r) == 0)
			return;
		free(r);
		c->pending--;
	}
	n->resolution.state = DD_EV_R_FAILED;
	dd_ev_set_str(&n->resolution.message, "the lookup could not start");
}

static void add_child_ns(struct chk *c, const char *name, int in_parent, int in_child)
{
	struct dd_evidence *ev = c->ev;
	int known = dd_ev_find_nameserver(ev, name);
	int idx;

	if (known < 0 && ev->nnameservers >= DD_CHECK_MAX_NS)
		return;
	idx = dd_ev_add_nameserver(ev, name);
	if (idx < 0)
		return;
	ev->nameservers[idx].in_parent |= in_parent;
	ev->nameservers[idx].in_child |= in_child;
	if (known < 0)
		start_lookup(c, (size_t)idx);
}

/* ---- the parent side ----------------------------------------------------- */

static void on_ds(void *arg, const struct dd_dns_reply *rep)
{
	struct qref *q = arg;
	struct chk *c = q->c;
	struct dd_evidence *ev = c->ev;
	struct dd_ev_ds *ds = &ev->parent.servers[q->a].ds;

	dd_probe_response(&ds->r, rep);
	if (rep->state == DD_ST_ANSWER && rep->digest && rep->exchange >= 0 &&
	    (size_t)rep->exchange < ev->nexchanges) {
		dd_ev_exchange_sections(&ev->exchanges[rep->exchange]);
		const struct dd_ev_strlist *ans = &ev->exchanges[rep->exchange].answer;
		ds->ttl = rep->digest->answer_ttl;
		for (size_t i = 0; i < ans->n; i++) {
			char owner[300], ttl[32], cls[16], type[32];
			if (sscanf(ans->v[i], "%299s %31s %15s %31s", owner, ttl, cls, type) == 4 &&
			    strcmp(type, "DS") == 0)
				dd_ev_strlist_add(&ds->records, ans->v[i]);
		}
	}
	c->pending += (size_t)dd_probe_dnssec_parent(c->p, ev, q->a, sec_done, c);
	free(q);
	release(c);
}

static void ask(struct chk *c, enum which which, size_t a, size_t b, const char *server,
		const char *address, const char *zone, uint16_t qtype, int tcp,
		const struct dd_dns_qopts *qopts, dd_dns_reply_cb cb)
{
	struct qref *q = malloc(sizeof(*q));
	struct dd_dns_ask dq = { .server = server, .address = address, .zone = zone,
				 .qname = c->domain, .qtype = qtype, .tcp = tcp, .qopts = qopts,
				 .rec = c->ev };

	if (!q)
		return;
	q->c = c;
	q->which = which;
	q->a = a;
	q->b = b;
	c->pending++;
	if (dd_probe_ask(c->p, &dq, cb, q) != 0) {
		free(q);
		c->pending--;
	}
}

static int family_ok(const struct chk *c, const char *addr)
{
	return strchr(addr, ':') ? c->ev->options.ipv6 : c->ev->options.ipv4;
}

/* Record the parent step's answers to "DOMAIN NS?" and ask each server DS. */
static void take_parent(struct chk *c, const struct dd_dns_trace_step *s)
{
	struct dd_evidence *ev = c->ev;

	dd_ev_set_str(&ev->parent.zone, s->zone);
	snprintf(c->parent, sizeof(c->parent), "%s", s->zone);
	for (size_t i = 0; i < s->nservers; i++) {
		const struct dd_dns_trace_server *sv = &s->servers[i];
		int ps = dd_ev_add_parent_server(ev, sv->name, sv->addr[0] ? sv->addr : NULL);
		if (ps < 0)
			continue;
		struct dd_ev_delegation *dl = &ev->parent.servers[ps].delegation;
		struct dd_dns_reply rep = { .state = sv->state, .digest = sv->digest,
					    .tcp = sv->tcp, .rtt_ms = sv->rtt_ms,
					    .exchange = sv->exchange, .detail = sv->detail };
		dd_probe_response(&dl->r, &rep);
		const struct dd_dns_digest *d = sv->digest;
		if (d && (sv->state == DD_ST_REFERRAL || sv->state == DD_ST_ANSWER)) {
			dl->ns_ttl = d->ns_ttl;
			for (size_t k = 0; k < d->nns; k++)
				dd_ev_strlist_add_unique(&dl->ns, d->ns[k]);
			for (size_t k = 0; k < d->nglue; k++)
				dd_ev_add_glue(ev, (size_t)ps, d->glue[k].name, d->glue[k].addr,
					       d->glue[k].ttl);
		}
		if (sv->addr[0] && family_ok(c, sv->addr) && dd_dns_state_ok(sv->state))
			ask(c, Q_DS, (size_t)ps, 0, sv->name, sv->addr, s->zone, LDNS_RR_TYPE_DS, 0,
			    NULL, on_ds);
	}
	/* The NS names the parent publishes, with their glue. */
	for (size_t i = 0; i < ev->parent.nservers; i++) {
		struct dd_ev_delegation *dl = &ev->parent.servers[i].delegation;
		for (size_t k = 0; k < dl->ns.n; k++) {
			int n = dd_ev_add_nameserver(ev, dl->ns.v[k]);
			if (n < 0)
				continue;
			for (size_t g = 0; g < dl->nglue; g++)
				if (strcasecmp(dl->glue[g].name, dl->ns.v[k]) == 0)
					dd_ev_strlist_add_unique(&ev->nameservers[n].glue,
								 dl->glue[g].address);
		}
	}
}

static void take_chain(struct chk *c, const struct dd_dns_trace *t, size_t upto)
{
	for (size_t i = 0; i <= upto && i < t->nsteps; i++) {
		const struct dd_dns_trace_step *s = &t->steps[i];
		int st = dd_ev_add_step(c->ev, s->zone);
		if (st < 0)
			return;
		for (size_t k = 0; k < s->nservers; k++) {
			const struct dd_dns_trace_server *sv = &s->servers[k];
			int idx = dd_ev_add_step_server(c->ev, (size_t)st, sv->name,
							sv->addr[0] ? sv->addr : NULL);
			if (idx < 0)
				continue;
			struct dd_ev_step_server *es = &c->ev->chain[st].servers[idx];
			struct dd_dns_reply rep = { .state = sv->state, .digest = sv->digest,
						    .rtt_ms = sv->rtt_ms, .exchange = sv->exchange,
						    .detail = sv->detail };
			es->protocol = sv->tcp ? DD_EV_TCP : DD_EV_UDP;
			dd_probe_response(&es->r, &rep);
			dd_ev_set_str(&es->referral, sv->referral[0] ? sv->referral : NULL);
		}
	}
}

/* Whether some server of step s gave the final word on the name itself
 * (NXDOMAIN, NODATA, an answer): then s is the zone that holds the name. */
static int step_speaks_for_name(const struct dd_dns_trace_step *s)
{
	for (size_t k = 0; k < s->nservers; k++)
		if (dd_dns_state_ok(s->servers[k].state) && s->servers[k].state != DD_ST_REFERRAL)
			return 1;
	return 0;
}

/* Whether zone is the name one label above domain. */
static int immediate_parent(const char *domain, const char *zone)
{
	const char *dot = strchr(domain, '.');
	const char *up = (dot && dot[1]) ? dot + 1 : ".";

	return strcasecmp(up, zone) == 0;
}

/* Which step is the parent's: the one that referred to the domain, or where
 * the walk ended above the domain at a zone that speaks for the name
 * (NXDOMAIN, an answer from the zone that contains it) or that can only be
 * its parent (one label up) even though its servers failed. Otherwise the
 * parent is unknown: the walk broke higher up (the root, a TLD above). */
static int parent_step(const struct chk *c, const struct dd_dns_trace *t)
{
	for (size_t i = 0; i < t->nsteps; i++)
		if (strcasecmp(t->steps[i].next, c->domain) == 0)
			return (int)i;
	for (size_t i = t->nsteps; i-- > 0;) {
		const struct dd_dns_trace_step *s = &t->steps[i];
		if (strcasecmp(s->zone, c->domain) == 0 || !dd_name_is_subdomain(c->domain, s->zone) ||
		    strcasecmp(s->qname, c->domain) != 0)
			continue;
		if (step_speaks_for_name(s) || immediate_parent(c->domain, s->zone))
			return (int)i;
		return -1;
	}
	return -1;
}

/* A host name: the walk ended in a zone that is not a registry's (it lies
 * at or below a registrable domain) and whose servers answered for the name
 * itself, which has no delegation of its own. Returns the index of the step
 * that refers to that zone (its parent's), or -1. */
static int host_parent_step(const struct chk *c, const struct dd_dns_trace *t, int ps)
{
	const struct dd_dns_trace_step *z;
	char reg[DD_NAME_MAX];

	if (ps < 0)
		return -1;
	z = &t->steps[ps];
	if (strcasecmp(z->next, c->domain) == 0 || strcasecmp(z->zone, c->domain) == 0 ||
	    strcmp(z->zone, ".") == 0 || !step_speaks_for_name(z))
		return -1;
	dd_name_registrable(z->zone, reg);
	if (!reg[0])
		return -1;
	for (int i = ps; i-- > 0;)
		if (strcasecmp(t->steps[i].next, z->zone) == 0)
			return i;
	return -1;
}

static void on_hostname(void *arg, const struct dd_dns_host *h)
{
	struct chk *c = arg;

	take_resolution(&c->ev->host.resolution, h);
	release(c);
}

/* Examine the zone that holds the host name instead of the name: the
 * evidence's domain becomes that zone; the name's own answer is looked up. */
static void take_host(struct chk *c, const struct dd_dns_trace_step *z)
{
	struct dd_evidence *ev = c->ev;
	char name[DD_NAME_MAX];

	snprintf(name, sizeof(name), "%s", c->domain);
	if (dd_ev_host_set(ev, name, z->zone) != 0)
		return;
	for (size_t k = 0; k < z->nservers; k++)
		if (dd_dns_state_ok(z->servers[k].state))
			dd_ev_host_add_cut(ev, z->servers[k].exchange);
	snprintf(c->domain, sizeof(c->domain), "%s", z->zone);
	c->pending++;
	if (dd_dns_host(dd_probe_dns(c->p), name, ev, on_hostname, c) != 0) {
		c->pending--;
		ev->host.resolution.state = DD_EV_R_FAILED;
		dd_ev_set_str(&ev->host.resolution.message, "the lookup could not start");
	}
}

static void deps_done(void *arg)
{
	release(arg);
}

/* The registry's nameservers (probe/reg.c), examined when the parent does
 * not delegate the domain; NULL ends the look-up the check waited for. */
static void reg_ns(void *arg, const char *name)
{
	if (name)
		add_child_ns(arg, name, 0, 0);
	else
		release(arg);
}

static void on_trace(void *arg, const struct dd_dns_trace *t)
{
	struct chk *c = arg;
	struct dd_evidence *ev = c->ev;
	int ps = parent_step(c, t);
	int hs = host_parent_step(c, t, ps);

	if (hs >= 0) {
		take_host(c, &t->steps[ps]);
		ps = hs;
	}
	if (ps >= 0) {
		take_chain(c, t, (size_t)ps);
		take_parent(c, &t->steps[ps]);
		int delegated = strcasecmp(t->steps[ps].next, c->domain) == 0;
		if (!delegated && t->result.status == DD_RES_FAILED) {
			dd_ev_set_str(&ev->parent.error_code, dd_dns_fail_name(t->result.code));
			dd_ev_set_str(&ev->parent.error_message, t->result.message);
		}
	} else {
		take_chain(c, t, t->nsteps ? t->nsteps - 1 : 0);
		dd_ev_set_str(&ev->parent.error_code, t->result.code ? dd_dns_fail_name(t->result.code) :
							      "NO_PARENT");
		dd_ev_set_str(&ev->parent.error_message, t->result.message);
	}
	/* Every NS name: the parent's, then the ones the user expects. */
	size_t nparent = ev->nnameservers;
	for (size_t i = 0; i < nparent; i++) {
		ev->nameservers[i].in_parent = 1;
		start_lookup(c, i);
	}
	for (size_t i = 0; i < c->nexpect; i++) {
		add_child_ns(c, c->expect[i].name, 0, 0);
		int n = dd_ev_find_nameserver(ev, c->expect[i].name);
		if (n >= 0 && c->expect[i].addr[0])
			probe_address(c, (size_t)n, c->expect[i].addr);
	}
	c->pending += (size_t)dd_probe_reg_walked(ev, reg_ns, c);
	/* What the name depends on (probe/deps.c), when the command asked. */
	if (ev->deps.present) {
		c->pending++;
		if (dd_probe_deps_start(c->p, ev, t,
					dd_probe_reg_fetcher(ev->registration.live), deps_done,
					c) != 0)
			c->pending--;
	}
	dd_dns_trace_free((struct dd_dns_trace *)t);
	release(c);
}

int dd_probe_check(struct dd_probe *p, struct dd_evidence *ev,
		   const struct dd_probe_expect *expect, size_t nexpect, dd_probe_check_cb done,
		   void *arg)
{
	struct chk *c = calloc(1, sizeof(*c));
	int rc;

	if (!c)
		return DD_ENOMEM;
	c->p = p;
	c->ev = ev;
	c->done = done;
	c->arg = arg;
	snprintf(c->domain, sizeof(c->domain), "%s", ev->domain);
	if (nexpect) {
		c->expect = calloc(nexpect, sizeof(*expect));
		if (!c->expect) {
			free(c);
			return DD_ENOMEM;
		}
		memcpy(c->expect, expect, nexpect * sizeof(*expect));
		c->nexpect = nexpect;
	}
	dd_dns_qopts_default(&c->edns1);
	c->edns1.edns_version = 1;
	c->pending = 1;
	dd_probe_reg_start(ev); /* RDAP/WHOIS, while the DNS is walked */
	rc = dd_dns_trace_to_cut(dd_probe_dns(p), c->domain, LDNS_RR_TYPE_NS, ev, on_trace, c);
	if (rc < 0) {
		free(c->expect);
		free(c);
	}
	return rc;
}
