/* iter.c: one iterative resolution. Starts at the closest known zone cut,
 * asks one server at a time, follows referrals downwards and CNAMEs from
 * the top again, looks up glueless nameserver names when it runs out of
 * addresses, and stops at every bound. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/err.h"
#include "dns/resolve_int.h"

struct cand {
	char name[DD_NAME_MAX];
	char addr[DD_DNS_ADDR_MAX];
};

struct rtask {
	struct dd_dns_ctx *ctx;
	char qname[DD_NAME_MAX];  /* current name (after CNAMEs) */
	char orig[DD_NAME_MAX];   /* name first asked */
	uint16_t qtype;
	unsigned nesting;
	void *rec;
	dd_dns_result_cb cb;
	void *arg;
	char zone[DD_NAME_MAX];
	struct cand cands[DD_DNS_MAX_NS * 4];
	size_t ncands, next;
	char need[DD_DNS_MAX_NS][DD_NAME_MAX]; /* NS names without a known address */
	size_t nneed, nextneed;
	unsigned referrals;
	unsigned failures;        /* servers that did not answer usefully at this zone */
	char lastfail[200];
	struct dd_dns_result res; /* res.final: the reply being handled, never a copy (a
				   * digest is 27.7 KB; a task lives for a whole resolution) */
};

static void task_next(struct rtask *t);

/* Finish: the message (if any) is already in t->res.message. */
static void task_end(struct rtask *t, enum dd_dns_status st, enum dd_dns_fail code)
{
	t->res.status = st;
	t->res.code = code;
	snprintf(t->res.zone, sizeof(t->res.zone), "%s", t->zone);
	t->cb(t->arg, &t->res);
	free(t);
}

static void task_msg(struct rtask *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void task_msg(struct rtask *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->res.message, sizeof(t->res.message), fmt, ap);
	va_end(ap);
}

/* name may lie in *t itself (t->need): it is copied by length, as snprintf's
 * restrict-qualified destination may not alias an argument. */
static void add_cand(struct rtask *t, const char *name, const char *addr)
{
	struct cand *c;
	size_t n;

	if (t->ncands >= sizeof(t->cands) / sizeof(t->cands[0]) ||
	    !dd_dns_family_ok(t->ctx, addr))
		return;
	for (size_t i = 0; i < t->ncands; i++)
		if (strcmp(t->cands[i].addr, addr) == 0)
			return;
	c = &t->cands[t->ncands++];
	n = strnlen(name, sizeof(c->name) - 1);
	memcpy(c->name, name, n);
	c->name[n] = '\0';
	snprintf(c->addr, sizeof(c->addr), "%s", addr);
}

static void add_host_cands(struct rtask *t, const char *name, const struct dd_dns_host *h)
{
	for (size_t i = 0; i < h->naddrs; i++)
		add_cand(t, name, h->addrs[i]);
}

/* Make zone the current zone cut: its servers become the candidates. */
static void load_zone(struct rtask *t, const char *zone)
{
	struct dd_dns_ctx *ctx = t->ctx;
	const struct dd_dns_zoneinfo *z;

	snprintf(t->zone, sizeof(t->zone), "%s", zone);
	t->ncands = t->next = t->nneed = t->nextneed = t->failures = 0;
	t->lastfail[0] = '\0';
	if (strcmp(zone, ".") == 0) {
		for (size_t i = 0; i < ctx->nhints; i++)
			add_cand(t, ctx->hints[i].name, ctx->hints[i].addr);
		return;
	}
	z = dd_dns_zone_get(ctx, zone);
	if (!z)
		return;
	for (size_t i = 0; i < z->nns && i < ctx->lim.max_servers; i++) {
		const struct dd_map *hosts = &ctx->hosts;
		const struct hostent *e = dd_map_get(hosts, z->ns[i]);
		int have = 0;
		for (size_t g = 0; g < z->nglue; g++)
			if (strcasecmp(z->glue[g].name, z->ns[i]) == 0) {
				add_cand(t, z->ns[i], z->glue[g].addr);
				have = 1;
			}
		if (e && e->state == HOST_DONE) {
			add_host_cands(t, z->ns[i], &e->h);
			have |= e->h.naddrs > 0;
			continue;
		}
		if (!have && !dd_name_is_subdomain(z->ns[i], zone))
			snprintf(t->need[t->nneed++], DD_NAME_MAX, "%s", z->ns[i]);
		else if (!have)
			/* In-bailiwick and no glue: it can only be found through
			 * the zone itself, which needs it. Try it last. */
			snprintf(t->need[t->nneed++], DD_NAME_MAX, "%s", z->ns[i]);
	}
}

/* The closest enclosing zone cut known for name. */
static void load_closest(struct rtask *t)
{
	char zone[DD_NAME_MAX];

	dd_dns_closest_cut(t->ctx, t->qname, zone);
	load_zone(t, zone);
}

static void on_host(void *arg, const struct dd_dns_host *h)
{
	struct rtask *t = arg;

	add_host_cands(t, t->need[t->nextneed - 1], h);
	if (h->status != DD_RES_ANSWER)
		snprintf(t->lastfail, sizeof(t->lastfail), "%.150s", h->message);
	task_next(t);
}

static void on_reply(void *arg, const struct dd_dns_reply *r);

static void task_next(struct rtask *t)
{
	struct dd_dns_ctx *ctx = t->ctx;

	if (t->res.queries >= ctx->lim.max_queries) {
		task_msg(t, "gave up at %s after %u queries (the limit)", t->zone, t->res.queries);
		task_end(t, DD_RES_FAILED, DD_FAIL_QUERY_LIMIT);
		return;
	}
	while (t->next < t->ncands) {
		const struct cand *c = &t->cands[t->next++];
		struct dd_dns_ask q = { .server = c->name, .address = c->addr, .zone = t->zone,
					.qname = t->qname, .qtype = t->qtype, .rec = t->rec };
		if (ctx->svc.ask(ctx->svc.ctx, &q, on_reply, t) == 0) {
			t->res.queries++;
			return;
		}
	}
	while (t->nextneed < t->nneed) {
		const struct dd_dns_host *now;
		const char *name = t->need[t->nextneed++];
		int rc = dd_dns_host_nested(ctx, name, t->nesting + 1, t->rec, on_host, t, &now);
		if (rc == DD_ELIMIT) {
			snprintf(t->lastfail, sizeof(t->lastfail),
				 "nameserver address lookups nested more than %u deep (the limit)",
				 ctx->lim.max_nesting);
			continue;
		}
		if (rc < 0)
			continue;
		if (!now)
			return; /* on_host continues */
		add_host_cands(t, name, now);
		if (now->status != DD_RES_ANSWER)
			snprintf(t->lastfail, sizeof(t->lastfail), "%.150s", now->message);
		task_next(t);
		return;
	}
	if (t->ncands == 0) {
		task_msg(t, "no usable address for any nameserver of %s%s%.150s", t->zone,
		    t->lastfail[0] ? ": " : "", t->lastfail);
		task_end(t, DD_RES_FAILED, DD_FAIL_NO_ADDRESSES);
		return;
	}
	task_msg(t, "all %zu server addresses of %s failed (last: %.150s)", t->ncands, t->zone,
	    t->lastfail);
	task_end(t, DD_RES_FAILED, DD_FAIL_ALL_SERVERS_FAILED);
}

/* Add the CNAMEs a reply followed to the result's chain. Returns -1 after
 * ending the task when they loop or pass the limit. */
static int append_chain(struct rtask *t, const struct dd_dns_digest *d)
{
	enum dd_dns_fail code = dd_dns_chain_append(t->ctx, &t->res, t->orig, d);

	if (code == DD_FAIL_NONE)
		return 0;
	task_end(t, DD_RES_FAILED, code);
	return -1;
}

static void restart_cname(struct rtask *t, const struct dd_dns_digest *d)
{
	if (append_chain(t, d) < 0)
		return;
	snprintf(t->qname, sizeof(t->qname), "%s", d->target);
	t->referrals = 0;
	load_closest(t);
	task_next(t);
}

static void on_reply(void *arg, const struct dd_dns_reply *r)
{
	struct rtask *t = arg;
	const struct dd_dns_digest *d = r->digest;

	t->res.final = d; /* valid while this reply is handled: ends below hand it on */
	switch (r->state) {
	case DD_ST_ANSWER:
		if (append_chain(t, d) == 0)
			task_end(t, DD_RES_ANSWER, DD_FAIL_NONE);
		return;
	case DD_ST_NODATA:
		if (append_chain(t, d) < 0)
			return;
		task_msg(t, "%s has no records of that type (zone %s)", t->qname, t->zone);
		task_end(t, DD_RES_NODATA, DD_FAIL_NONE);
		return;
	case DD_ST_NXDOMAIN:
		if (append_chain(t, d) < 0)
			return;
		task_msg(t, "%s does not exist (NXDOMAIN from a server of %s)", t->qname, t->zone);
		task_end(t, DD_RES_NXDOMAIN, DD_FAIL_NONE);
		return;
	case DD_ST_CNAME:
		t->res.final = NULL; /* the task goes on: a later end is not this reply's */
		restart_cname(t, d);
		return;
	case DD_ST_REFERRAL:
		t->res.final = NULL;
		if (++t->referrals > t->ctx->lim.max_referrals) {
			task_msg(t, "more than %u referrals, at %s", t->ctx->lim.max_referrals, t->zone);
			task_end(t, DD_RES_FAILED, DD_FAIL_DEPTH_LIMIT);
			return;
		}
		dd_dns_zone_learn(t->ctx, t->zone, d);
		load_zone(t, d->referral);
		task_next(t);
		return;
	default:
		t->res.final = NULL;
		t->failures++;
		snprintf(t->lastfail, sizeof(t->lastfail), "%s %s", dd_dns_state_name(r->state),
			 r->detail ? r->detail : "");
		task_next(t);
		return;
	}
}

int dd_dns_resolve_nested(struct dd_dns_ctx *ctx, const char *qname, uint16_t qtype,
			  unsigned nesting, void *rec, dd_dns_result_cb cb, void *arg)
{
	struct rtask *t = calloc(1, sizeof(*t));

	if (!t)
		return DD_ENOMEM;
	t->ctx = ctx;
	snprintf(t->qname, sizeof(t->qname), "%s", qname);
	snprintf(t->orig, sizeof(t->orig), "%s", qname);
	t->qtype = qtype;
	t->nesting = nesting;
	t->rec = rec;
	t->cb = cb;
	t->arg = arg;
	load_closest(t);
	if (t->ncands == 0 && t->nneed == 0) {
		free(t);
		return DD_ENOTFOUND;
	}
	task_next(t);
	return 0;
}

int dd_dns_resolve(struct dd_dns_ctx *ctx, const char *qname, uint16_t qtype, void *rec,
		   dd_dns_result_cb cb, void *arg)
{
	return dd_dns_resolve_nested(ctx, qname, qtype, 0, rec, cb, arg);
}
