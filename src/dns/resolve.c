/* resolve.c: root hints, the run's cache, the iterative resolver and the
 * coalesced nameserver-address lookups. No I/O: exchanges go through the
 * service table. */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ldns/ldns.h>

#include "core/err.h"
#include "core/map.h"
#include "dns/resolve.h"
#include "dns/resolve_int.h"

void dd_dns_limits_default(struct dd_dns_limits *l)
{
	l->max_referrals = 24;
	l->max_cname = 8;
	l->max_queries = 100;
	l->max_nesting = 4;
	l->max_servers = 13;
	l->ipv4 = 1;
	l->ipv6 = 1;
}

const char *dd_dns_status_name(enum dd_dns_status s)
{
	switch (s) {
	case DD_RES_ANSWER: return "answer";
	case DD_RES_NODATA: return "nodata";
	case DD_RES_NXDOMAIN: return "nxdomain";
	case DD_RES_DELEGATED: return "delegated";
	default: return "failed";
	}
}

const char *dd_dns_fail_name(enum dd_dns_fail f)
{
	static const char *const names[DD_FAIL_COUNT] = {
		[DD_FAIL_ALL_SERVERS_FAILED] = "ALL_SERVERS_FAILED",
		[DD_FAIL_NO_ADDRESSES] = "NO_ADDRESSES",
		[DD_FAIL_REFERRAL_LOOP] = "REFERRAL_LOOP",
		[DD_FAIL_DEPTH_LIMIT] = "DEPTH_LIMIT",
		[DD_FAIL_QUERY_LIMIT] = "QUERY_LIMIT",
		[DD_FAIL_CNAME_LOOP] = "CNAME_LOOP",
		[DD_FAIL_CNAME_CHAIN_TOO_LONG] = "CNAME_CHAIN_TOO_LONG",
		[DD_FAIL_DEPENDENCY_LOOP] = "DEPENDENCY_LOOP",
		[DD_FAIL_NO_MEMORY] = "NO_MEMORY",
	};

	return (unsigned)f < DD_FAIL_COUNT ? names[f] : NULL;
}

/* ---- root hints ----------------------------------------------------- */

static void lower(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

static void absolute(char *s, size_t cap)
{
	size_t n = strlen(s);

	if (n > 0 && s[n - 1] != '.' && n + 1 < cap) {
		s[n] = '.';
		s[n + 1] = '\0';
	}
}

int dd_dns_hints_parse(const char *text, struct dd_dns_hint **out, size_t *n, unsigned *line)
{
	char nsnames[64][DD_NAME_MAX];
	size_t nns = 0, cap = 0, count = 0;
	struct dd_dns_hint *h = NULL;
	const char *p = text;
	unsigned ln = 0;

	*out = NULL;
	*n = 0;
	/* Two passes over the lines: NS names of ".", then their addresses. */
	for (int pass = 0; pass < 2; pass++) {
		p = text;
		ln = 0;
		while (*p) {
			const char *eol = strchr(p, '\n');
			size_t len = eol ? (size_t)(eol - p) : strlen(p);
			char buf[512], *tok[8], *save = NULL;
			int nt = 0;

			ln++;
			if (len >= sizeof(buf)) {
				*line = ln;
				free(h);
				return DD_EPARSE;
			}
			memcpy(buf, p, len);
			buf[len] = '\0';
			p += len + (eol ? 1 : 0);
			char *semi = strchr(buf, ';');
			if (semi)
				*semi = '\0';
			for (char *t = strtok_r(buf, " \t\r", &save); t && nt < 8;
			     t = strtok_r(NULL, " \t\r", &save))
				tok[nt++] = t;
			if (nt == 0)
				continue;
			/* owner [ttl] [class] type rdata */
			int i = 1;
			if (i < nt && isdigit((unsigned char)tok[i][0]))
				i++;
			if (i < nt && strcasecmp(tok[i], "IN") == 0)
				i++;
			if (i + 1 >= nt) {
				*line = ln;
				free(h);
				return DD_EPARSE;
			}
			const char *type = tok[i], *rdata = tok[i + 1];
			lower(tok[0]);
			absolute(tok[0], DD_NAME_MAX);
			if (pass == 0 && strcasecmp(type, "NS") == 0 && strcmp(tok[0], ".") == 0) {
				if (nns < 64 && strlen(rdata) < DD_NAME_MAX - 1) {
					snprintf(nsnames[nns], DD_NAME_MAX, "%s", rdata);
					lower(nsnames[nns]);
					absolute(nsnames[nns], DD_NAME_MAX);
					nns++;
				}
				continue;
			}
			if (pass == 0 || (strcasecmp(type, "A") != 0 && strcasecmp(type, "AAAA") != 0))
				continue;
			unsigned char tmp[16];
			int af = strcasecmp(type, "A") == 0 ? AF_INET : AF_INET6;
			if (inet_pton(af, rdata, tmp) != 1) {
				*line = ln;
				free(h);
				return DD_EPARSE;
			}
			int known = 0;
			for (size_t k = 0; k < nns; k++)
				known |= strcmp(nsnames[k], tok[0]) == 0;
			if (!known || count >= 256)
				continue;
			if (count == cap) {
				cap = cap ? cap * 2 : 32;
				struct dd_dns_hint *nh = realloc(h, cap * sizeof(*h));
				if (!nh) {
					free(h);
					return DD_ENOMEM;
				}
				h = nh;
			}
			snprintf(h[count].name, DD_NAME_MAX, "%s", tok[0]);
			snprintf(h[count].addr, DD_DNS_ADDR_MAX, "%s", rdata);
			count++;
		}
	}
	if (count == 0) {
		free(h);
		return DD_ENOTFOUND;
	}
	*out = h;
	*n = count;
	return 0;
}

/* ---- context and cache ---------------------------------------------- */

int dd_dns_ctx_new(struct dd_dns_ctx **out, const struct dd_dns_services *svc,
		   const struct dd_dns_limits *lim, const struct dd_dns_hint *hints, size_t nhints)
{
	struct dd_dns_ctx *ctx = calloc(1, sizeof(*ctx));

	if (!ctx)
		return DD_ENOMEM;
	ctx->svc = *svc;
	ctx->lim = *lim;
	ctx->hints = malloc((nhints ? nhints : 1) * sizeof(*hints));
	if (!ctx->hints) {
		free(ctx);
		return DD_ENOMEM;
	}
	memcpy(ctx->hints, hints, nhints * sizeof(*hints));
	ctx->nhints = nhints;
	dd_map_init(&ctx->zones);
	dd_map_init(&ctx->hosts);
	dd_map_init(&ctx->walks);
	*out = ctx;
	return 0;
}

static void free_zone(void *arg, const char *key, void *value)
{
	struct dd_dns_zoneinfo *z = value;

	(void)arg;
	(void)key;
	free(z->glue);
	free(z);
}

static void free_host(void *arg, const char *key, void *value)
{
	struct hostent *e = value;

	(void)arg;
	(void)key;
	while (e->waiters) {
		struct waiter *w = e->waiters;
		e->waiters = w->next;
		free(w);
	}
	free(e->h.addrs);
	free(e);
}

void dd_dns_ctx_free(struct dd_dns_ctx *ctx)
{
	if (!ctx)
		return;
	dd_map_each(&ctx->zones, free_zone, NULL);
	dd_map_free(&ctx->zones);
	dd_map_each(&ctx->hosts, free_host, NULL);
	dd_map_free(&ctx->hosts);
	dd_dns_walks_free(ctx);
	free(ctx->hints);
	free(ctx);
}

enum dd_dns_fail dd_dns_chain_append(const struct dd_dns_ctx *ctx, struct dd_dns_result *res,
				const char *orig, const struct dd_dns_digest *d)
{
	for (size_t i = 0; i < d->nchain; i++) {
		int seen = strcasecmp(d->chain[i], orig) == 0;
		for (size_t k = 0; k < res->nchain; k++)
			seen |= strcasecmp(res->chain[k], d->chain[i]) == 0;
		if (seen) {
			snprintf(res->message, sizeof(res->message), "CNAME loop: %s is reached again",
				 d->chain[i]);
			return DD_FAIL_CNAME_LOOP;
		}
		if (res->nchain >= ctx->lim.max_cname || res->nchain >= DD_DNS_MAX_CHAIN * 2) {
			snprintf(res->message, sizeof(res->message),
				 "CNAME chain longer than %u names at %s", ctx->lim.max_cname,
				 d->chain[i]);
			return DD_FAIL_CNAME_CHAIN_TOO_LONG;
		}
		snprintf(res->chain[res->nchain++], DD_NAME_MAX, "%s", d->chain[i]);
	}
	return DD_FAIL_NONE;
}

void dd_dns_closest_cut(struct dd_dns_ctx *ctx, const char *name, char out[DD_NAME_MAX])
{
	const char *p = name;

	while (strcmp(p, ".") != 0 && !dd_map_get(&ctx->zones, p)) {
		const char *dot = strchr(p, '.');
		p = (dot && dot[1]) ? dot + 1 : ".";
	}
	snprintf(out, DD_NAME_MAX, "%s", p);
}

int dd_dns_family_ok(const struct dd_dns_ctx *ctx, const char *addr)
{
	int v6 = strchr(addr, ':') != NULL;

	return v6 ? ctx->lim.ipv6 : ctx->lim.ipv4;
}

const struct dd_dns_zoneinfo *dd_dns_zone_get(struct dd_dns_ctx *ctx, const char *zone)
{
	struct dd_dns_zoneinfo *z = dd_map_get(&ctx->zones, zone);

	if (z)
		dd_list_touch(&ctx->zones_lru, &z->lru, z);
	return z;
}

/* Remember a zone cut learned from a referral sent by a server of parent.
 * Glue is kept only for names inside the sender's own zone (bailiwick). */
void dd_dns_zone_learn(struct dd_dns_ctx *ctx, const char *parent, const struct dd_dns_digest *d)
{
	struct dd_dns_zoneinfo *z;

	if (dd_map_get(&ctx->zones, d->referral))
		return;
	z = calloc(1, sizeof(*z));
	if (!z)
		return;
	snprintf(z->zone, sizeof(z->zone), "%s", d->referral);
	z->nns = d->nns;
	memcpy(z->ns, d->ns, d->nns * sizeof(d->ns[0]));
	z->glue = calloc(d->nglue ? d->nglue : 1, sizeof(*z->glue));
	if (z->glue) {
		for (size_t i = 0; i < d->nglue; i++)
			if (dd_name_is_subdomain(d->glue[i].name, parent))
				z->glue[z->nglue++] = d->glue[i];
	}
	if (dd_map_set(&ctx->zones, z->zone, z) != 0)
		free_zone(NULL, NULL, z);
	else
		dd_list_push_head(&ctx->zones_lru, &z->lru, z);
}

/* ---- nameserver addresses --------------------------------------------- */

static void host_notify(struct hostent *e)
{
	struct waiter *w = e->waiters;

	e->waiters = NULL;
	while (w) {
		struct waiter *next = w->next;
		w->cb(w->arg, &e->h);
		free(w);
		w = next;
	}
}

static void host_add_addrs(struct hostent *e, const struct dd_dns_digest *d)
{
	for (size_t i = 0; i < d->naddrs && e->h.naddrs < DD_DNS_MAX_ADDRS; i++) {
		int dup = 0;
		for (size_t k = 0; k < e->h.naddrs; k++)
			dup |= strcmp(e->h.addrs[k], d->addrs[i].addr) == 0;
		if (!dup)
			snprintf(e->h.addrs[e->h.naddrs++], DD_DNS_ADDR_MAX, "%s", d->addrs[i].addr);
	}
	if (d->naddrs > 0)
		e->h.ttl = d->addrs[0].ttl;
}

static void host_part_done(void *arg, const struct dd_dns_result *res)
{
	struct hostent *e = arg;

	e->parts--;
	if (e->state == HOST_DONE)
		return; /* failed earlier by the stall breaker */
	if (res->status == DD_RES_ANSWER && res->final)
		host_add_addrs(e, res->final);
	if (res->nchain > 0 && !e->h.cname[0])
		snprintf(e->h.cname, sizeof(e->h.cname), "%s", res->chain[0]);
	if (res->status == DD_RES_NXDOMAIN)
		e->saw_nxdomain = 1;
	if (res->status == DD_RES_NODATA)
		e->saw_nodata = 1;
	if (res->status == DD_RES_FAILED && !e->h.code) {
		e->h.code = res->code;
		snprintf(e->h.message, sizeof(e->h.message), "%s", res->message);
	}
	if (e->parts > 0)
		return;
	e->state = HOST_DONE;
	if (e->h.naddrs > 0) {
		e->h.status = DD_RES_ANSWER;
		e->h.code = DD_FAIL_NONE;
		e->h.message[0] = '\0';
	} else if (e->saw_nxdomain) {
		e->h.status = DD_RES_NXDOMAIN;
		snprintf(e->h.message, sizeof(e->h.message), "%s does not exist (NXDOMAIN)", e->name);
	} else if (e->saw_nodata && !e->h.code) {
		e->h.status = DD_RES_NODATA;
		snprintf(e->h.message, sizeof(e->h.message), "%s has no address records", e->name);
	} else {
		e->h.status = DD_RES_FAILED;
	}
	host_notify(e);
}

int dd_dns_host_nested(struct dd_dns_ctx *ctx, const char *name, unsigned nesting, void *rec,
		       dd_dns_host_cb cb, void *arg, const struct dd_dns_host **now)
{
	struct hostent *e = dd_map_get(&ctx->hosts, name);
	struct waiter *w;
	int rc;

	*now = NULL;
	if (e)
		dd_list_touch(&ctx->hosts_lru, &e->lru, e);
	if (e && e->state == HOST_DONE) {
		*now = &e->h;
		return 0;
	}
	if (!e && nesting > ctx->lim.max_nesting)
		return DD_ELIMIT;
	w = calloc(1, sizeof(*w));
	if (!w)
		return DD_ENOMEM;
	w->cb = cb;
	w->arg = arg;
	if (e) {
		w->next = e->waiters;
		e->waiters = w;
		return 0;
	}
	e = calloc(1, sizeof(*e));
	if (!e || !(e->h.addrs = calloc(DD_DNS_MAX_ADDRS, sizeof(*e->h.addrs))) ||
	    dd_map_set(&ctx->hosts, name, e) != 0) {
		if (e)
			free(e->h.addrs);
		free(e);
		free(w);
		return DD_ENOMEM;
	}
	dd_list_push_head(&ctx->hosts_lru, &e->lru, e);
	snprintf(e->name, sizeof(e->name), "%s", name);
	e->state = HOST_PENDING;
	e->waiters = w;
	e->parts = (ctx->lim.ipv4 ? 1 : 0) + (ctx->lim.ipv6 ? 1 : 0);
	if (ctx->lim.ipv4) {
		rc = dd_dns_resolve_nested(ctx, name, LDNS_RR_TYPE_A, nesting, rec, host_part_done, e);
		if (rc < 0)
			e->parts--;
	}
	if (ctx->lim.ipv6) {
		rc = dd_dns_resolve_nested(ctx, name, LDNS_RR_TYPE_AAAA, nesting, rec, host_part_done,
					   e);
		if (rc < 0)
			e->parts--;
	}
	if (e->parts == 0) {
		/* Nothing could start: fail now, and tell the waiter via the
		 * returned error rather than the callback. */
		e->state = HOST_DONE;
		e->h.status = DD_RES_FAILED;
		e->h.code = DD_FAIL_NO_ADDRESSES;
		snprintf(e->h.message, sizeof(e->h.message), "no address family enabled");
		e->waiters = NULL;
		free(w);
		*now = &e->h;
	}
	return 0;
}

struct host_call {
	dd_dns_host_cb cb;
	void *arg;
};

static void run_waiter(void *arg)
{
	struct waiter *w = arg;

	w->cb(w->arg, w->host);
	free(w);
}

int dd_dns_host(struct dd_dns_ctx *ctx, const char *name, void *rec, dd_dns_host_cb cb,
		void *arg)
{
	const struct dd_dns_host *now;
	int rc = dd_dns_host_nested(ctx, name, 1, rec, cb, arg, &now);

	if (rc < 0)
		return rc;
	if (now) {
		/* Known already: the contract is "later", so the answer goes
		 * through the service's defer (the next turn of the loop), or
		 * without one the list run by break_stalls. */
		struct waiter *w = calloc(1, sizeof(*w));
		if (!w)
			return DD_ENOMEM;
		w->cb = cb;
		w->arg = arg;
		w->host = now;
		if (ctx->svc.defer && ctx->svc.defer(ctx->svc.ctx, run_waiter, w) == 0)
			return 0;
		w->next = ctx->deferred;
		ctx->deferred = w;
	}
	return 0;
}

struct stall_collect {
	struct hostent **list;
	size_t n, cap;
};

static void collect_pending(void *arg, const char *key, void *value)
{
	struct stall_collect *c = arg;
	struct hostent *e = value;

	(void)key;
	if (e->state != HOST_PENDING || c->n >= c->cap)
		return;
	c->list[c->n++] = e;
}

/* An answer of e waits in the deferred list (it holds e's address). */
static int host_deferred(const struct dd_dns_ctx *ctx, const struct hostent *e)
{
	for (const struct waiter *w = ctx->deferred; w; w = w->next)
		if (w->host == &e->h)
			return 1;
	return 0;
}

size_t dd_dns_ctx_trim(struct dd_dns_ctx *ctx, size_t max_zones, size_t max_hosts)
{
	size_t gone = 0;

	while (ctx->zones_lru.n > max_zones) {
		struct dd_dns_zoneinfo *z = dd_list_tail(&ctx->zones_lru);
		dd_list_unlink(&ctx->zones_lru, &z->lru);
		dd_map_del(&ctx->zones, z->zone);
		free_zone(NULL, NULL, z);
		gone++;
	}
	/* From the least recently used on; entries that must stay are passed
	 * over, and the walk is bounded by the number to drop (twice). */
	size_t excess = ctx->hosts_lru.n > max_hosts ? ctx->hosts_lru.n - max_hosts : 0;
	struct dd_list_node *node = ctx->hosts_lru.tail;
	for (size_t seen = 0; excess > 0 && node && seen < 2 * excess + 64; seen++) {
		struct hostent *e = node->item;
		node = node->prev;
		/* parts: a lookup the stall breaker failed may still answer */
		if (e->state != HOST_DONE || e->parts > 0 || e->waiters || host_deferred(ctx, e))
			continue;
		dd_list_unlink(&ctx->hosts_lru, &e->lru);
		dd_map_del(&ctx->hosts, e->name);
		free_host(NULL, NULL, e);
		excess--;
		gone++;
	}
	return gone;
}

size_t dd_dns_ctx_break_stalls(struct dd_dns_ctx *ctx)
{
	struct stall_collect c = { 0 };
	size_t woken = 0;

	/* Deferred answers of dd_dns_host come first: they are not stalls. */
	while (ctx->deferred) {
		struct waiter *w = ctx->deferred;
		ctx->deferred = w->next;
		w->cb(w->arg, w->host);
		free(w);
		woken++;
	}
	if (woken)
		return woken;
	c.cap = ctx->hosts.count;
	c.list = calloc(c.cap ? c.cap : 1, sizeof(*c.list));
	if (!c.list)
		return 0;
	dd_map_each(&ctx->hosts, collect_pending, &c);
	for (size_t i = 0; i < c.n; i++) {
		struct hostent *e = c.list[i];
		e->state = HOST_DONE;
		e->h.status = DD_RES_FAILED;
		e->h.code = DD_FAIL_DEPENDENCY_LOOP;
		snprintf(e->h.message, sizeof(e->h.message),
			 "the addresses of %s depend on nameservers that depend on it", e->name);
	}
	for (size_t i = 0; i < c.n; i++)
		host_notify(c.list[i]);
	free(c.list);
	return c.n;
}
