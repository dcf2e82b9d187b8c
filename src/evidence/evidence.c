/* evidence.c: the evidence record's life cycle, appenders and enumeration
 * names; the array growth and list freeing the section files share
 * (ev_int.h). JSON saving and loading live in evidence_json.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/err.h"
#include "dd_config.h"
#include "dns/msg.h"
#include "evidence/ev_int.h"
#include "evidence/ev_table.h"
#include "evidence/evidence.h"

static const char *const state_names[DD_EV_STATE_COUNT] = {
	[DD_EV_SKIPPED] = "skipped",   [DD_EV_ANSWER] = "answer",
	[DD_EV_REFERRAL] = "referral", [DD_EV_CNAME] = "cname",
	[DD_EV_NXDOMAIN] = "nxdomain", [DD_EV_NODATA] = "nodata",
	[DD_EV_REFUSED] = "refused",   [DD_EV_SERVFAIL] = "servfail",
	[DD_EV_NOTAUTH] = "notauth",   [DD_EV_RCODE] = "rcode",
	[DD_EV_LAME] = "lame",         [DD_EV_TIMEOUT] = "timeout",
	[DD_EV_UNREACHABLE] = "unreachable", [DD_EV_MALFORMED] = "malformed",
	[DD_EV_MISMATCH] = "mismatch", [DD_EV_TRUNCATED] = "truncated",
};

static const char *const result_names[DD_EV_RESULT_COUNT] = {
	[DD_EV_RES_OK] = "ok",
	[DD_EV_RES_TIMEOUT] = "timeout",
	[DD_EV_RES_UNREACHABLE] = "unreachable",
	[DD_EV_RES_MALFORMED] = "malformed",
	[DD_EV_RES_MISMATCH] = "mismatch",
	[DD_EV_RES_RESET] = "reset",
	[DD_EV_RES_ERROR] = "error",
};

static const char *const rstate_names[DD_EV_RSTATE_COUNT] = {
	[DD_EV_R_SKIPPED] = "skipped", [DD_EV_R_OK] = "ok",
	[DD_EV_R_NXDOMAIN] = "nxdomain", [DD_EV_R_NODATA] = "nodata",
	[DD_EV_R_FAILED] = "failed",
};

/* RFC 6895 section 2.3 mnemonics; the gaps print as RCODEn. */
static const char *const rcode_names[] = {
	"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN",
	"YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE", "DSOTYPENI", NULL, NULL, NULL, NULL,
	"BADVERS", "BADKEY", "BADTIME", "BADMODE", "BADNAME", "BADALG", "BADTRUNC",
	"BADCOOKIE",
};
#define N_RCODE_NAMES (sizeof(rcode_names) / sizeof(rcode_names[0]))

const char *dd_ev_state_name(enum dd_ev_state s)
{
	return (unsigned)s < DD_EV_STATE_COUNT ? state_names[s] : "?";
}

const char *dd_ev_result_name(enum dd_ev_result r)
{
	return (unsigned)r < DD_EV_RESULT_COUNT ? result_names[r] : "?";
}

const char *dd_ev_proto_name(enum dd_ev_proto p)
{
	return p == DD_EV_TCP ? "tcp" : "udp";
}

const char *dd_ev_rstate_name(enum dd_ev_rstate s)
{
	return (unsigned)s < DD_EV_RSTATE_COUNT ? rstate_names[s] : "?";
}

const char *dd_ev_rcode_name(int rcode, char *buf, size_t buflen)
{
	if (rcode >= 0 && (size_t)rcode < N_RCODE_NAMES && rcode_names[rcode])
		snprintf(buf, buflen, "%s", rcode_names[rcode]);
	else
		snprintf(buf, buflen, "RCODE%d", rcode);
	return buf;
}

int dd_ev_state_parse(const char *name, enum dd_ev_state *out)
{
	for (int i = 0; i < DD_EV_STATE_COUNT; i++)
		if (strcmp(name, state_names[i]) == 0) {
			*out = (enum dd_ev_state)i;
			return 0;
		}
	return DD_EINVAL;
}

int dd_ev_rcode_parse(const char *name, int *out)
{
	for (size_t i = 0; i < N_RCODE_NAMES; i++)
		if (rcode_names[i] && strcmp(name, rcode_names[i]) == 0) {
			*out = (int)i;
			return 0;
		}
	if (strncmp(name, "RCODE", 5) == 0 && name[5] >= '0' && name[5] <= '9') {
		char *end;
		long v = strtol(name + 5, &end, 10);
		if (*end == '\0' && v >= 0 && v <= 4095) {
			*out = (int)v;
			return 0;
		}
	}
	return DD_EINVAL;
}

int dd_ev_state_replied(enum dd_ev_state s)
{
	switch (s) {
	case DD_EV_SKIPPED:
	case DD_EV_TIMEOUT:
	case DD_EV_UNREACHABLE:
	case DD_EV_MALFORMED:
	case DD_EV_MISMATCH:
		return 0;
	default:
		return (unsigned)s < DD_EV_STATE_COUNT;
	}
}

int dd_ev_grow(void **arr, size_t n, size_t *cap, size_t elem, size_t max)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return 0;
	if (n >= max)
		return DD_ELIMIT;
	ncap = *cap ? *cap * 2 : 4;
	if (ncap > max)
		ncap = max;
	p = realloc(*arr, ncap * elem);
	if (!p)
		return DD_ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}

static char *dup_bounded(const char *s, int *err)
{
	size_t len;
	char *d;

	*err = 0;
	if (!s)
		return NULL;
	len = strlen(s);
	if (len > DD_EV_MAX_STR) {
		*err = DD_ELIMIT;
		return NULL;
	}
	d = malloc(len + 1);
	if (!d) {
		*err = DD_ENOMEM;
		return NULL;
	}
	memcpy(d, s, len + 1);
	return d;
}

int dd_ev_set_str(char **field, const char *s)
{
	int err;
	char *d = dup_bounded(s, &err);

	if (err)
		return err;
	free(*field);
	*field = d;
	return 0;
}

int dd_ev_strlist_add(struct dd_ev_strlist *l, const char *s)
{
	int err;
	char *d;

	if (!s)
		return DD_EINVAL;
	err = dd_ev_grow((void **)&l->v, l->n, &l->cap, sizeof(*l->v), DD_EV_MAX_ITEMS);
	if (err)
		return err;
	d = dup_bounded(s, &err);
	if (!d)
		return err;
	l->v[l->n] = d;
	return (int)l->n++;
}

int dd_ev_strlist_find(const struct dd_ev_strlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcasecmp(l->v[i], s) == 0)
			return (int)i;
	return -1;
}

int dd_ev_strlist_add_unique(struct dd_ev_strlist *l, const char *s)
{
	int i;

	if (!s)
		return DD_EINVAL;
	i = dd_ev_strlist_find(l, s);
	return i >= 0 ? i : dd_ev_strlist_add(l, s);
}

void dd_ev_strlist_free(struct dd_ev_strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

void dd_ev_response_init(struct dd_ev_response *r)
{
	free(r->detail);
	r->state = DD_EV_SKIPPED;
	r->rcode = -1;
	r->aa = -1;
	r->rtt_ms = -1;
	r->exchange = -1;
	r->detail = NULL;
}

struct dd_evidence *dd_ev_new(const char *domain, int64_t t)
{
	struct dd_evidence *ev = calloc(1, sizeof(*ev));

	if (!ev)
		return NULL;
	ev->time = t;
	ev->options.ipv4 = 1;
	ev->options.ipv6 = 1;
	ev->options.timeout_ms = 1500;
	ev->options.retries = 2;
	if (dd_ev_set_str(&ev->domain, domain) != 0 ||
	    dd_ev_set_str(&ev->tool, "dnsdeps " DD_VERSION) != 0) {
		dd_ev_free(ev);
		return NULL;
	}
	return ev;
}

int dd_ev_add_exchange(struct dd_evidence *ev)
{
	struct dd_ev_exchange *x;
	int err = dd_ev_grow((void **)&ev->exchanges, ev->nexchanges, &ev->ex_cap,
			     sizeof(*ev->exchanges), DD_EV_MAX_EXCHANGES);

	if (err)
		return err;
	x = &ev->exchanges[ev->nexchanges];
	memset(x, 0, sizeof(*x));
	x->id = (int)ev->nexchanges;
	x->port = 53;
	x->t_ms = -1;
	x->rtt_ms = -1;
	x->rcode = -1;
	x->size = -1;
	return (int)ev->nexchanges++;
}

int dd_ev_add_step(struct dd_evidence *ev, const char *zone)
{
	struct dd_ev_step *s;
	int err = dd_ev_grow((void **)&ev->chain, ev->nchain, &ev->chain_cap, sizeof(*ev->chain),
			     DD_EV_MAX_ITEMS);

	if (err)
		return err;
	s = &ev->chain[ev->nchain];
	memset(s, 0, sizeof(*s));
	err = dd_ev_set_str(&s->zone, zone);
	if (err)
		return err;
	return (int)ev->nchain++;
}

int dd_ev_add_step_server(struct dd_evidence *ev, size_t step, const char *name,
			  const char *address)
{
	struct dd_ev_step *s;
	struct dd_ev_step_server *v;
	int err;

	if (step >= ev->nchain)
		return DD_EINVAL;
	s = &ev->chain[step];
	err = dd_ev_grow((void **)&s->servers, s->nservers, &s->cap, sizeof(*s->servers),
			 DD_EV_MAX_ITEMS);
	if (err)
		return err;
	v = &s->servers[s->nservers];
	memset(v, 0, sizeof(*v));
	dd_ev_response_init(&v->r);
	s->nservers++;
	if ((err = dd_ev_set_str(&v->name, name)) != 0 ||
	    (err = dd_ev_set_str(&v->address, address)) != 0)
		return err;
	return (int)s->nservers - 1;
}

int dd_ev_add_parent_server(struct dd_evidence *ev, const char *name, const char *address)
{
	struct dd_ev_parent *p = &ev->parent;
	struct dd_ev_parent_server *v;
	int err = dd_ev_grow((void **)&p->servers, p->nservers, &p->cap, sizeof(*p->servers),
			     DD_EV_MAX_ITEMS);

	if (err)
		return err;
	v = &p->servers[p->nservers];
	memset(v, 0, sizeof(*v));
	dd_ev_response_init(&v->delegation.r);
	dd_ev_response_init(&v->ds.r);
	v->delegation.ns_ttl = -1;
	v->ds.ttl = -1;
	p->nservers++;
	if ((err = dd_ev_set_str(&v->name, name)) != 0 ||
	    (err = dd_ev_set_str(&v->address, address)) != 0)
		return err;
	return (int)p->nservers - 1;
}

int dd_ev_add_glue(struct dd_evidence *ev, size_t ps, const char *name, const char *address,
		   int64_t ttl)
{
	struct dd_ev_delegation *d;
	struct dd_ev_glue *g;
	int err;

	if (ps >= ev->parent.nservers)
		return DD_EINVAL;
	d = &ev->parent.servers[ps].delegation;
	err = dd_ev_grow((void **)&d->glue, d->nglue, &d->glue_cap, sizeof(*d->glue),
			 DD_EV_MAX_ITEMS);
	if (err)
		return err;
	g = &d->glue[d->nglue];
	memset(g, 0, sizeof(*g));
	g->ttl = ttl;
	d->nglue++;
	if ((err = dd_ev_set_str(&g->name, name)) != 0 ||
	    (err = dd_ev_set_str(&g->address, address)) != 0)
		return err;
	return (int)d->nglue - 1;
}

int dd_ev_find_nameserver(const struct dd_evidence *ev, const char *name)
{
	for (size_t i = 0; i < ev->nnameservers; i++)
		if (ev->nameservers[i].name && strcasecmp(ev->nameservers[i].name, name) == 0)
			return (int)i;
	return -1;
}

int dd_ev_add_nameserver(struct dd_evidence *ev, const char *name)
{
	struct dd_ev_nameserver *ns;
	int i, err;

	if (!name)
		return DD_EINVAL;
	i = dd_ev_find_nameserver(ev, name);
	if (i >= 0)
		return i;
	err = dd_ev_grow((void **)&ev->nameservers, ev->nnameservers, &ev->ns_cap,
			 sizeof(*ev->nameservers), DD_EV_MAX_ITEMS);
	if (err)
		return err;
	ns = &ev->nameservers[ev->nnameservers];
	memset(ns, 0, sizeof(*ns));
	ns->resolution.ttl = -1;
	ev->nnameservers++;
	err = dd_ev_set_str(&ns->name, name);
	if (err)
		return err;
	return (int)ev->nnameservers - 1;
}

static void soa_init(struct dd_ev_soa *s)
{
	dd_ev_response_init(&s->r);
	s->serial = -1;
}

int dd_ev_add_ns_server(struct dd_evidence *ev, size_t ns, const char *address)
{
	struct dd_ev_nameserver *n;
	struct dd_ev_ns_server *v;
	int err;

	if (ns >= ev->nnameservers || !address)
		return DD_EINVAL;
	n = &ev->nameservers[ns];
	for (size_t i = 0; i < n->nservers; i++)
		if (n->servers[i].address && strcasecmp(n->servers[i].address, address) == 0)
			return (int)i;
	err = dd_ev_grow((void **)&n->servers, n->nservers, &n->cap, sizeof(*n->servers),
			 DD_EV_MAX_ITEMS);
	if (err)
		return err;
	v = &n->servers[n->nservers];
	memset(v, 0, sizeof(*v));
	soa_init(&v->soa_udp);
	soa_init(&v->soa_tcp);
	dd_ev_response_init(&v->ns_udp.r);
	v->ns_udp.ttl = -1;
	dd_ev_response_init(&v->edns.r);
	v->edns.edns_version = -1;
	n->nservers++;
	err = dd_ev_set_str(&v->address, address);
	if (err)
		return err;
	return (int)n->nservers - 1;
}

int dd_ev_exchange_set_wire(struct dd_ev_exchange *x, const uint8_t *wire, size_t len)
{
	uint8_t *copy = len ? malloc(len) : NULL;

	if (len && !copy)
		return DD_ENOMEM;
	if (len)
		memcpy(copy, wire, len);
	free(x->wire);
	x->wire = copy;
	x->wire_len = len;
	return 0;
}

void dd_ev_sections_render(const uint8_t *wire, size_t len, struct dd_ev_strlist out[3])
{
	char **v[3];
	size_t n[3];

	dd_dns_sections_text(wire, len, DD_EV_MAX_RR_TEXT, v, n);
	for (int s = 0; s < 3; s++) {
		out[s].v = v[s];
		out[s].n = v[s] ? n[s] : 0;
		out[s].cap = out[s].n;
	}
}

void dd_ev_exchange_sections(struct dd_ev_exchange *x)
{
	struct dd_ev_strlist l[3];

	if (!x->wire)
		return;
	dd_ev_sections_render(x->wire, x->wire_len, l);
	dd_ev_strlist_free(&x->answer);
	dd_ev_strlist_free(&x->authority);
	dd_ev_strlist_free(&x->additional);
	x->answer = l[0];
	x->authority = l[1];
	x->additional = l[2];
	free(x->wire);
	x->wire = NULL;
	x->wire_len = 0;
}

int dd_ev_host_set(struct dd_evidence *ev, const char *name, const char *zone)
{
	int rc;

	if ((rc = dd_ev_set_str(&ev->host.name, name)) || (rc = dd_ev_set_str(&ev->host.zone, zone)) ||
	    (rc = dd_ev_set_str(&ev->domain, zone)))
		return rc;
	ev->host.present = 1;
	ev->host.resolution.ttl = -1;
	return 0;
}

int dd_ev_host_add_cut(struct dd_evidence *ev, int exchange)
{
	struct dd_ev_host *h = &ev->host;

	if (exchange < 0)
		return 0;
	if (h->ncut >= DD_EV_MAX_ITEMS)
		return DD_ELIMIT;
	if (h->ncut == h->cut_cap) {
		size_t cap = h->cut_cap ? h->cut_cap * 2 : 8;
		int *v = realloc(h->cut, cap * sizeof(*v));
		if (!v)
			return DD_ENOMEM;
		h->cut = v;
		h->cut_cap = cap;
	}
	h->cut[h->ncut++] = exchange;
	return 0;
}

void dd_ev_free(struct dd_evidence *ev)
{
	if (!ev)
		return;
	dd_evt_free(&dd_ev_doc_table, ev); /* every member, the sections too */
	free(ev);
}
