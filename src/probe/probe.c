/* probe.c: the recording exchange service over src/net, and the run loop.
 * A question already put to the same address in this run (same name, type,
 * protocol and EDNS options) is not asked again: the later ask waits for
 * the first one's reply, or reuses it while the reply's lowest TTL (at most
 * DD_PROBE_SHARE_TTL_MAX) lasts, and its exchange is recorded as shared.
 * In a portfolio, that is what every domain's walk through the same root,
 * TLD and hosting servers has in common. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/env.h"
#include "core/err.h"
#include "core/list.h"
#include "core/map.h"
#include "net/net.h"
#include "probe/probe.h"

#define DD_PROBE_SHARE_MAX 4096   /* replies kept for reuse ... */
#define DD_PROBE_SHARE_BYTES (4u << 20) /* ... and their bytes at most */
#define DD_PROBE_SHARE_TTL_MAX 300 /* seconds a reply is reused at most */

struct pask;

/* One question put to one address, and what came of it. */
struct share {
	char *key;
	struct dd_list_node lru;   /* in the probe's kept replies while kept */
	struct pask *waiters;      /* asks waiting for the reply, in ask order */
	int done, gone;            /* replied; out of the map */
	unsigned refs;             /* replays scheduled, or being delivered */
	double expires_ms;
	struct dd_net_reply reply; /* wire points into this share's own copy */
	size_t bytes;
};

struct dd_probe {
	struct dd_probe_opts o;
	struct dd_net *net;
	struct dd_dns_ctx *dns;
	struct dd_evidence *ev;
	struct dd_rng rng;
	double t0;
	unsigned exchanges;
	unsigned shared;
	unsigned held;
	unsigned timeouts;
	struct dd_map shares;      /* key -> struct share */
	struct dd_list kept;       /* replies kept for reuse, least recently used last */
	size_t kept_bytes;
	struct dd_ev_strlist anchor; /* the built-in trust anchor, parsed once */
	int anchor_parsed;
};

/* One question in flight (possibly UDP then TCP). */
struct pask {
	struct dd_probe *p;
	char server[DD_NAME_MAX];
	char address[DD_DNS_ADDR_MAX];
	char zone[DD_NAME_MAX];
	char qname[DD_NAME_MAX];
	uint16_t qtype;
	struct dd_dns_qopts qopts;
	struct dd_evidence *ev;   /* where the exchange is recorded */
	int tcp;
	unsigned exchanges;
	int udp_exchange;         /* the truncated UDP exchange, -1 when none */
	int shared;               /* this exchange reuses another ask's reply */
	struct share *share;      /* the reply a scheduled replay delivers */
	struct pask *next_waiter;
	dd_dns_reply_cb cb;
	void *arg;
};

void dd_probe_opts_default(struct dd_probe_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->timeout_ms = 1500;
	o->retries = 2;
	o->port = 53;
	o->ipv4 = 1;
	o->ipv6 = 1;
	o->max_inflight = 256;
	o->max_inflight_server = 16;
	o->max_qps_server = DD_PROBE_SERVER_QPS;
}

static int ask_service(void *ctx, const struct dd_dns_ask *q, dd_dns_reply_cb cb, void *arg)
{
	return dd_probe_ask(ctx, q, cb, arg);
}

static int defer_service(void *ctx, void (*fn)(void *arg), void *arg)
{
	struct dd_probe *p = ctx;

	return dd_net_defer(p->net, fn, arg);
}

int dd_probe_new(struct dd_probe **out, const struct dd_probe_opts *o,
		 const struct dd_dns_hint *hints, size_t nhints, struct dd_evidence *ev)
{
	struct dd_probe *p = calloc(1, sizeof(*p));
	struct dd_net_opts no = { o->max_inflight, o->max_inflight_server, o->max_qps,
				  o->max_qps_server };
	struct dd_dns_services svc = { ask_service, defer_service, p };
	struct dd_dns_limits lim;
	int rc;

	if (!p)
		return DD_ENOMEM;
	p->o = *o;
	p->ev = ev;
	p->t0 = dd_clock_mono_ms();
	dd_rng_init(&p->rng, o->seed);
	dd_map_init(&p->shares);
	dd_dns_limits_default(&lim);
	lim.ipv4 = o->ipv4;
	lim.ipv6 = o->ipv6;
	rc = dd_net_new(&p->net, &no);
	if (rc == 0)
		rc = dd_dns_ctx_new(&p->dns, &svc, &lim, hints, nhints);
	if (rc < 0) {
		dd_probe_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

static void share_free(struct share *sh)
{
	free(sh->key);
	free((void *)sh->reply.wire);
	free(sh);
}

static void free_share_item(void *arg, const char *key, void *value)
{
	(void)arg;
	(void)key;
	share_free(value);
}

void dd_probe_free(struct dd_probe *p)
{
	if (!p)
		return;
	dd_net_free(p->net);
	dd_dns_ctx_free(p->dns);
	dd_map_each(&p->shares, free_share_item, NULL);
	dd_map_free(&p->shares);
	dd_ev_strlist_free(&p->anchor);
	free(p);
}

void dd_probe_run(struct dd_probe *p)
{
	do
		dd_net_run(p->net);
	while (dd_dns_ctx_break_stalls(p->dns) > 0);
}

struct dd_dns_ctx *dd_probe_dns(struct dd_probe *p)
{
	return p->dns;
}

struct dd_net *dd_probe_net(struct dd_probe *p)
{
	return p->net;
}

unsigned dd_probe_exchanges(const struct dd_probe *p)
{
	return p->exchanges;
}

unsigned dd_probe_shared(const struct dd_probe *p)
{
	return p->shared;
}

const struct dd_ev_strlist *dd_probe_anchor(struct dd_probe *p, char *why, size_t whylen)
{
	if (!p->anchor_parsed) {
		if (dd_ev_anchor_parse(dd_ev_anchor_builtin(), &p->anchor, why, whylen) != 0) {
			dd_ev_strlist_free(&p->anchor);
			return NULL; /* asked again next time: a failure costs nothing kept */
		}
		p->anchor_parsed = 1;
	}
	return &p->anchor;
}

static enum dd_ev_state ev_state(enum dd_dns_state st)
{
	switch (st) {
	case DD_ST_ANSWER: return DD_EV_ANSWER;
	case DD_ST_REFERRAL: return DD_EV_REFERRAL;
	case DD_ST_CNAME: return DD_EV_CNAME;
	case DD_ST_NXDOMAIN: return DD_EV_NXDOMAIN;
	case DD_ST_NODATA: return DD_EV_NODATA;
	case DD_ST_REFUSED: return DD_EV_REFUSED;
	case DD_ST_SERVFAIL: return DD_EV_SERVFAIL;
	case DD_ST_NOTAUTH: return DD_EV_NOTAUTH;
	case DD_ST_RCODE: return DD_EV_RCODE;
	case DD_ST_LAME: return DD_EV_LAME;
	case DD_ST_TIMEOUT: return DD_EV_TIMEOUT;
	case DD_ST_UNREACHABLE: return DD_EV_UNREACHABLE;
	case DD_ST_MALFORMED: return DD_EV_MALFORMED;
	case DD_ST_MISMATCH: return DD_EV_MISMATCH;
	case DD_ST_TRUNCATED: return DD_EV_TRUNCATED;
	case DD_ST_SKIPPED: return DD_EV_SKIPPED;
	}
	return DD_EV_MALFORMED; /* not a state: cannot happen */
}

void dd_probe_response(struct dd_ev_response *r, const struct dd_dns_reply *rep)
{
	r->state = ev_state(rep->state);
	r->rcode = rep->digest ? rep->digest->rcode : -1;
	r->aa = rep->digest ? (rep->digest->flags & DD_DNS_F_AA) != 0 : -1;
	r->rtt_ms = rep->rtt_ms;
	r->exchange = rep->exchange;
	dd_ev_set_str(&r->detail, rep->detail && rep->detail[0] ? rep->detail : NULL);
}

unsigned dd_probe_held(const struct dd_probe *p)
{
	return p->held;
}

unsigned dd_probe_timeouts(const struct dd_probe *p)
{
	return p->timeouts;
}

double dd_probe_elapsed_ms(const struct dd_probe *p)
{
	return dd_clock_mono_ms() - p->t0;
}

/* Milliseconds as the evidence keeps them (three decimals), so that what a
 * check judges and prints is exactly what `report` reads back. */
static double ms3(double ms)
{
	return round(ms * 1000.0) / 1000.0;
}

static enum dd_ev_result ev_result(int err, const struct dd_net_reply *r, int malformed)
{
	if (err == 0)
		return malformed ? DD_EV_RES_MALFORMED : DD_EV_RES_OK;
	if (err == DD_EHELD)
		return DD_EV_RES_TIMEOUT;
	if (err == DD_ETIMEDOUT)
		return r->runts ? DD_EV_RES_MALFORMED
				: r->mismatched ? DD_EV_RES_MISMATCH : DD_EV_RES_TIMEOUT;
	if (err == DD_EUNREACH)
		return DD_EV_RES_UNREACHABLE;
	if (err == DD_ERESET)
		return DD_EV_RES_RESET;
	return DD_EV_RES_ERROR;
}

/* Append the exchange to the evidence; returns its index or -1. */
static int record(struct pask *a, const struct dd_net_reply *r, const struct dd_dns_digest *d,
		  int malformed, const char *detail)
{
	struct dd_evidence *ev = a->ev;
	struct dd_ev_exchange *x;
	char tbuf[16];
	int id;

	if (!ev || (id = dd_ev_add_exchange(ev)) < 0)
		return -1;
	x = &ev->exchanges[id];
	dd_ev_set_str(&x->server, a->server[0] ? a->server : NULL);
	dd_ev_set_str(&x->address, a->address);
	x->port = a->p->o.port;
	x->protocol = a->tcp ? DD_EV_TCP : DD_EV_UDP;
	dd_ev_set_str(&x->qname, a->qname);
	dd_ev_set_str(&x->qtype, dd_dns_type_name(a->qtype, tbuf, sizeof(tbuf)));
	if (a->qopts.edns_version >= 0) {
		x->query_edns.present = 1;
		x->query_edns.udp_size = a->qopts.udp_size;
		x->query_edns.do_bit = a->qopts.do_bit;
		x->query_edns.version = a->qopts.edns_version;
	}
	x->t_ms = ms3(r->sent_ms - a->p->t0);
	x->shared = a->shared;
	x->result = ev_result(r->err, r, malformed);
	if (r->err == 0) {
		x->rtt_ms = ms3(r->rtt_ms);
		x->size = (long)r->len;
		if (d && !malformed) {
			x->rcode = d->rcode;
			x->flags = d->flags; /* same bit layout as enum dd_ev_flag */
			if (d->edns) {
				x->reply_edns.present = 1;
				x->reply_edns.udp_size = d->edns_udp;
				x->reply_edns.do_bit = d->edns_do;
				x->reply_edns.version = d->edns_version;
			}
			dd_ev_exchange_set_wire(x, r->wire, r->len); /* text when read */
		}
	}
	if (detail && detail[0])
		dd_ev_set_str(&x->detail, detail);
	return id;
}

static int send_one(struct pask *a);

static void on_net(void *arg, const struct dd_net_reply *r)
{
	struct pask *a = arg;
	struct dd_probe *p = a->p;
	struct dd_dns_digest digest, *d = NULL; /* on the stack: callers copy what they keep */
	struct dd_dns_reply out = { .state = DD_ST_TIMEOUT, .rtt_ms = -1, .exchange = -1 };
	char detail[200] = "";
	int malformed = 0;

	a->exchanges++;
	if (a->shared)
		p->shared++;
	else if (r->err != DD_EHELD)
		p->exchanges++;
	if (r->mismatched && r->runts)
		snprintf(detail, sizeof(detail), "ignored %u repl%s with a wrong ID or question and "
			 "%u shorter than a DNS header", r->mismatched, r->mismatched == 1 ? "y" : "ies",
			 r->runts);
	else if (r->mismatched)
		snprintf(detail, sizeof(detail), "ignored %u repl%s with a wrong ID or question",
			 r->mismatched, r->mismatched == 1 ? "y" : "ies");
	else if (r->runts)
		snprintf(detail, sizeof(detail), "ignored %u repl%s shorter than a DNS header",
			 r->runts, r->runts == 1 ? "y" : "ies");
	if (r->err == 0) {
		d = &digest;
		if (dd_dns_digest(r->wire, r->len, a->qname, a->qtype, a->zone, d) < 0) {
			malformed = 1;
			out.state = DD_ST_MALFORMED;
			snprintf(detail, sizeof(detail), "%s", d->detail);
		} else {
			out.state = d->state;
			out.digest = d;
			if (d->detail[0] && !detail[0])
				snprintf(detail, sizeof(detail), "%s", d->detail);
		}
		out.rtt_ms = ms3(r->rtt_ms);
		out.size = r->len;
	} else if (r->err == DD_EHELD) {
		p->held += !a->shared;
		out.state = DD_ST_TIMEOUT;
		snprintf(detail, sizeof(detail), "not asked: %s did not answer its last question "
			 "over %s (every send timed out); held as silent for a while", a->address,
			 a->tcp ? "TCP" : "UDP");
	} else if (r->err == DD_ETIMEDOUT) {
		p->timeouts += !a->shared;
		out.state = r->runts ? DD_ST_MALFORMED : r->mismatched ? DD_ST_MISMATCH : DD_ST_TIMEOUT;
		if (!detail[0])
			snprintf(detail, sizeof(detail), "no reply in %.0f ms after %u send%s",
				 dd_clock_mono_ms() - r->sent_ms, r->attempts,
				 r->attempts == 1 ? "" : "s");
	} else {
		out.state = DD_ST_UNREACHABLE;
		snprintf(detail, sizeof(detail), "%s%s", a->tcp ? "TCP: " : "", dd_strerror(r->err));
	}
	out.exchange = record(a, r, d, malformed, detail);
	out.tcp = a->tcp;
	if (!a->tcp && d && !malformed && (d->flags & DD_DNS_F_TC)) {
		/* Truncated: ask the same server again over TCP. */
		a->tcp = 1;
		a->udp_exchange = out.exchange;
		if (send_one(a) == 0)
			return;
		out.state = DD_ST_TRUNCATED;
		out.digest = NULL;
		snprintf(detail, sizeof(detail), "truncated over UDP and TCP could not start");
		d = NULL;
	} else if (a->udp_exchange >= 0 && !dd_dns_state_ok(out.state) &&
		   out.state != DD_ST_REFUSED && out.state != DD_ST_SERVFAIL) {
		char tmp[200];
		snprintf(tmp, sizeof(tmp), "truncated over UDP; over TCP: %s %s",
			 dd_dns_state_name(out.state), detail);
		snprintf(detail, sizeof(detail), "%s", tmp);
		out.state = DD_ST_TRUNCATED;
	}
	out.detail = detail;
	out.exchanges = a->exchanges;
	a->cb(a->arg, &out);
	free(a);
}

/* ---- shared replies ------------------------------------------------- */

static void lru_unlink(struct dd_probe *p, struct share *sh)
{
	if (sh->lru.linked)
		p->kept_bytes -= sh->bytes;
	dd_list_unlink(&p->kept, &sh->lru);
}

static void lru_push(struct dd_probe *p, struct share *sh)
{
	dd_list_push_head(&p->kept, &sh->lru, sh);
	p->kept_bytes += sh->bytes;
}

/* Take the share out of the map; it is freed once no replay holds it. */
static void share_drop(struct dd_probe *p, struct share *sh)
{
	lru_unlink(p, sh);
	if (!sh->gone) {
		dd_map_del(&p->shares, sh->key);
		sh->gone = 1;
	}
	if (sh->refs == 0)
		share_free(sh);
}

static void share_release(struct dd_probe *p, struct share *sh)
{
	if (--sh->refs == 0 && sh->gone)
		share_drop(p, sh);
}

static void share_key(const struct pask *a, char *key, size_t len)
{
	snprintf(key, len, "%s|%u|%c|%s|%u|%d|%d|%d|%u", a->address, a->p->o.port,
		 a->tcp ? 't' : 'u', a->qname, a->qtype, a->qopts.edns_version, a->qopts.do_bit,
		 a->qopts.rd, a->qopts.udp_size);
}

/* The network's reply to a shared question: every waiting ask gets it (the
 * first as its own exchange, the others as shared), and it is kept for
 * reuse while its TTL lasts. Failures are not kept. */
static void on_shared(void *arg, const struct dd_net_reply *r)
{
	struct share *sh = arg;
	struct pask *w = sh->waiters, *next;
	struct dd_probe *p = w->p;
	uint32_t ttl = 0;
	uint8_t *copy = NULL;

	sh->waiters = NULL;
	sh->reply = *r;
	sh->reply.wire = NULL;
	if (r->err == 0 && r->len && (copy = malloc(r->len)))
		memcpy(copy, r->wire, r->len);
	sh->reply.wire = copy;
	if (!copy)
		sh->reply.len = 0;
	sh->bytes = sh->reply.len + strlen(sh->key) + sizeof(*sh);
	sh->done = 1;
	sh->refs++;
	if (copy && dd_dns_wire_min_ttl(copy, r->len, &ttl) == 0 && ttl > 0) {
		if (ttl > DD_PROBE_SHARE_TTL_MAX)
			ttl = DD_PROBE_SHARE_TTL_MAX;
		sh->expires_ms = dd_clock_mono_ms() + 1000.0 * ttl;
		lru_push(p, sh);
		while (p->kept.n > DD_PROBE_SHARE_MAX || p->kept_bytes > DD_PROBE_SHARE_BYTES)
			share_drop(p, dd_list_tail(&p->kept));
	}
	for (; w; w = next) {
		next = w->next_waiter;
		on_net(w, r->err == 0 && !copy ? r : &sh->reply);
	}
	if (!sh->lru.linked && !sh->gone) {
		dd_map_del(&p->shares, sh->key);
		sh->gone = 1;
	}
	share_release(p, sh);
}

static void replay(void *arg)
{
	struct pask *a = arg;
	struct share *sh = a->share;
	struct dd_probe *p = a->p;

	a->share = NULL;
	on_net(a, &sh->reply);
	share_release(p, sh);
}

static int send_one(struct pask *a)
{
	struct dd_probe *p = a->p;
	struct dd_net_query q = { 0 };
	struct share *sh;
	char key[DD_NAME_MAX + DD_DNS_ADDR_MAX + 64];
	uint8_t *wire = NULL;
	size_t len = 0;
	int rc;

	if (dd_net_addr(a->address, p->o.port, &q.addr) != 0)
		return DD_EINVAL;
	share_key(a, key, sizeof(key));
	a->shared = 0;
	sh = dd_map_get(&p->shares, key);
	if (sh && sh->done && dd_clock_mono_ms() >= sh->expires_ms) {
		share_drop(p, sh);
		sh = NULL;
	}
	if (sh && sh->done) {
		if (dd_net_defer(p->net, replay, a) != 0)
			return DD_ENOMEM;
		lru_unlink(p, sh);
		lru_push(p, sh);
		sh->refs++;
		a->share = sh;
		a->shared = 1;
		return 0;
	}
	if (sh) {
		struct pask **tail = &sh->waiters;
		while (*tail)
			tail = &(*tail)->next_waiter;
		a->next_waiter = NULL;
		a->shared = 1;
		*tail = a;
		return 0;
	}
	rc = dd_dns_query_wire(a->qname, a->qtype, (uint16_t)dd_rng_next(&p->rng), &a->qopts,
			       &wire, &len);
	if (rc < 0)
		return rc;
	sh = calloc(1, sizeof(*sh));
	if (!sh || !(sh->key = strdup(key)) || dd_map_set(&p->shares, key, sh) != 0) {
		if (sh)
			free(sh->key);
		free(sh);
		free(wire);
		return DD_ENOMEM;
	}
	a->next_waiter = NULL;
	sh->waiters = a;
	q.proto = a->tcp ? DD_NET_TCP : DD_NET_UDP;
	q.wire = wire;
	q.len = len;
	q.timeout_ms = p->o.timeout_ms;
	q.retries = a->tcp ? 0 : p->o.retries;
	rc = dd_net_query(p->net, &q, on_shared, sh);
	free(wire);
	if (rc < 0) {
		dd_map_del(&p->shares, key);
		share_free(sh);
	}
	return rc;
}

int dd_probe_ask(struct dd_probe *p, const struct dd_dns_ask *q, dd_dns_reply_cb cb, void *arg)
{
	struct pask *a = calloc(1, sizeof(*a));
	int rc;

	if (!a)
		return DD_ENOMEM;
	a->p = p;
	snprintf(a->server, sizeof(a->server), "%s", q->server ? q->server : "");
	snprintf(a->address, sizeof(a->address), "%s", q->address);
	snprintf(a->zone, sizeof(a->zone), "%s", q->zone ? q->zone : ".");
	snprintf(a->qname, sizeof(a->qname), "%s", q->qname);
	a->qtype = q->qtype;
	if (q->qopts)
		a->qopts = *q->qopts;
	else
		dd_dns_qopts_default(&a->qopts);
	a->tcp = q->tcp;
	a->ev = q->rec ? q->rec : p->ev;
	a->udp_exchange = -1;
	a->cb = cb;
	a->arg = arg;
	rc = send_one(a);
	if (rc < 0)
		free(a);
	return rc;
}

int dd_probe_load_hints(const char *path, struct dd_dns_hint **out, size_t *n, char *why,
			size_t whylen)
{
	char *text = NULL;
	unsigned line = 0;
	int rc;

	if (path) {
		FILE *f = fopen(path, "r");
		size_t cap = 1 << 20, len;
		if (!f) {
			snprintf(why, whylen, "cannot open %s", path);
			return DD_EIO;
		}
		text = malloc(cap + 1);
		if (!text) {
			fclose(f);
			return DD_ENOMEM;
		}
		len = fread(text, 1, cap, f);
		fclose(f);
		text[len] = '\0';
		if (len == cap) {
			free(text);
			snprintf(why, whylen, "%s is larger than 1 MiB", path);
			return DD_ELIMIT;
		}
	}
	rc = dd_dns_hints_parse(text ? text : dd_dns_builtin_hints(), out, n, &line);
	if (rc == DD_EPARSE)
		snprintf(why, whylen, "%s:%u: not a root hints record",
			 path ? path : "built-in hints", line);
	else if (rc == DD_ENOTFOUND)
		snprintf(why, whylen, "%s: no root server with an address",
			 path ? path : "built-in hints");
	free(text);
	return rc;
}
