/* fetch.c: the look-up of one registrable domain as a chain of callbacks:
 * RDAP (registry, then the registrar's record it links to) or WHOIS
 * (table or IANA's refer, then a thin registry's registrar referral). Every
 * step ends in a record or in a reason; jobs are found by domain in a map,
 * and the finished ones kept up to a bound. A host that failed at the
 * network level is not asked again for a while: its requests fail at once. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/env.h"
#include "core/err.h"
#include "core/list.h"
#include "core/map.h"
#include "core/name.h"
#include "net/guard.h"
#include "net/http.h"
#include "net/net.h"
#include "net/whois.h"
#include "reg/fetch.h"

struct waiter {
	dd_reg_fetch_cb cb;
	void *arg;
	struct waiter *next;
};

#define DONE_MAX 4096     /* finished jobs kept (callers copy the outcome) */
#define FAILED_MAX 1024   /* hosts remembered as failed */
#define HOST_MAX 300      /* "https://host:port" or "host:port" */

struct job {
	struct dd_reg_fetcher *f;
	struct dd_reg_outcome out;
	int done;
	struct waiter *waiters;
	struct dd_net_whois *wq;       /* WHOIS query in flight */
	enum dd_reg_unavail rdap_fail; /* why RDAP gave nothing, if it did */
	char rdap_why[DD_REG_WHY_MAX];
	char *where;                   /* URL or host:port of the registry */
	char *asked;                   /* the host of the request in flight */
	struct job *next_done;         /* finished jobs, oldest first */
};
/* With its strings apart, a job stays under glibc's 1 KiB "large" requests,
 * whose allocation sorts the free lists: a quarter of dd_reg_fetch's cost
 * in a 10,000-domain audit when the job held them. */
_Static_assert(sizeof(struct job) < 1000, "a job is a small allocation");

/* A host whose request failed at the network level, and how. */
struct failed {
	char host[HOST_MAX];
	double at_ms;                  /* dd_clock_mono_ms() of the failure */
	int err;                       /* DD_EUNREACH, DD_ETIMEDOUT... */
	char why[DD_REG_WHY_MAX / 2];  /* the client's words */
	struct dd_list_node age;       /* in the fetcher's failed hosts, newest first */
};

struct dd_reg_fetcher {
	struct dd_net *net;
	struct dd_net_http *http;
	struct dd_net_guard *guard;    /* the operator's destinations, trusted */
	struct dd_reg_boot *boot, *over;
	struct dd_reg_wsrv *wsrv;
	struct dd_reg_fetch_opts o;
	struct dd_map jobs;            /* registrable domain -> struct job */
	struct job *done_first, *done_last;
	size_t ndone;
	unsigned calling;              /* callbacks running: drop no job */
	struct dd_map failed;          /* host -> struct failed */
	struct dd_list failed_age;     /* the same, newest first */
};

void dd_reg_fetch_opts_init(struct dd_reg_fetch_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->iana_whois = "whois.iana.org";
	o->iana_port = 43;
	o->timeout_ms = 10000;
	o->max_retry_after_s = 10;
	o->failed_host_hold_ms = 60000;
}

const char *dd_reg_unavail_name(enum dd_reg_unavail reason)
{
	switch (reason) {
	case DD_REG_AVAILABLE: return "available";
	case DD_REG_NO_SOURCE: return "no-source";
	case DD_REG_TIMEOUT: return "timeout";
	case DD_REG_RATE_LIMITED: return "rate-limited";
	case DD_REG_UNPARSEABLE: return "unparseable";
	case DD_REG_TOO_LARGE: return "too-large";
	case DD_REG_NETWORK: return "network";
	case DD_REG_HTTP_ERROR: return "http-error";
	}
	return "unknown";
}

static void job_free(struct job *j)
{
	if (j->wq)
		dd_net_whois_cancel(j->wq);
	while (j->waiters) {
		struct waiter *w = j->waiters;
		j->waiters = w->next;
		free(w);
	}
	dd_reg_outcome_free(&j->out);
	free(j->where);
	free(j->asked);
	free(j);
}

/* Forget the oldest finished jobs beyond DONE_MAX; never while a callback
 * runs, so an outcome stays valid for the whole of its callback. */
static void drop_done(struct dd_reg_fetcher *f)
{
	while (f->calling == 0 && f->ndone > DONE_MAX) {
		struct job *j = f->done_first;
		f->done_first = j->next_done;
		if (!f->done_first)
			f->done_last = NULL;
		f->ndone--;
		dd_map_del(&f->jobs, j->out.domain);
		job_free(j);
	}
}

static void complete(struct job *j)
{
	struct dd_reg_fetcher *f = j->f;
	struct waiter *w = j->waiters;

	j->done = 1;
	j->wq = NULL;
	j->waiters = NULL;
	f->calling++;
	while (w) {
		struct waiter *next = w->next;
		w->cb(w->arg, &j->out);
		free(w);
		w = next;
	}
	f->calling--;
	if (f->done_last)
		f->done_last->next_done = j;
	else
		f->done_first = j;
	f->done_last = j;
	f->ndone++;
	drop_done(f);
}

static void fail(struct job *j, enum dd_reg_unavail reason, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(struct job *j, enum dd_reg_unavail reason, const char *fmt, ...)
{
	va_list ap;

	j->out.reason = reason;
	va_start(ap, fmt);
	vsnprintf(j->out.why, sizeof(j->out.why), fmt, ap);
	va_end(ap);
	complete(j);
}

static enum dd_reg_unavail reason_of(int err)
{
	switch (err) {
	case DD_ETIMEDOUT: return DD_REG_TIMEOUT;
	case DD_ELIMIT: return DD_REG_TOO_LARGE;
	default: return DD_REG_NETWORK;
	}
}

/* --- hosts that failed ----------------------------------------------------- */

/* The connection itself failed (no address, refused, reset, TLS, no answer
 * in time). An HTTP status, a body too large or a refused redirect are
 * answers: the host is up. */
static int network_level(int err)
{
	return err == DD_EUNREACH || err == DD_ETIMEDOUT || err == DD_ERESET ||
	       err == DD_EMALFORMED;
}

static void forget(struct dd_reg_fetcher *f, struct failed *h)
{
	dd_list_unlink(&f->failed_age, &h->age);
	dd_map_del(&f->failed, h->host);
	free(h);
}

/* The failure of host (may be NULL) while it is remembered, else NULL. */
static const struct failed *recall(struct dd_reg_fetcher *f, const char *host)
{
	struct failed *h = host ? dd_map_get(&f->failed, host) : NULL;

	if (h && dd_clock_mono_ms() - h->at_ms >= f->o.failed_host_hold_ms) {
		forget(f, h);
		return NULL;
	}
	return h;
}

/* The request to j->asked ended with err: remember the host if it failed at
 * the network level. The first failure stands while it is remembered, so
 * the failures of requests already in flight, and of those not asked, do
 * not prolong it. */
static void note(struct job *j, int err, const char *why)
{
	struct dd_reg_fetcher *f = j->f;
	struct failed *h;

	if (!network_level(err) || !j->asked || recall(f, j->asked))
		return;
	if (f->failed.count >= FAILED_MAX)
		forget(f, dd_list_tail(&f->failed_age));
	h = calloc(1, sizeof(*h));
	if (!h)
		return;
	snprintf(h->host, sizeof(h->host), "%s", j->asked);
	h->at_ms = dd_clock_mono_ms();
	h->err = err;
	snprintf(h->why, sizeof(h->why), "%s", why ? why : dd_strerror(err));
	if (dd_map_set(&f->failed, h->host, h) != 0) {
		free(h);
		return;
	}
	dd_list_push_head(&f->failed_age, &h->age, h);
}

static void not_asked(const struct failed *h, char why[DD_REG_WHY_MAX])
{
	double ago = (dd_clock_mono_ms() - h->at_ms) / 1000;

	snprintf(why, DD_REG_WHY_MAX, "not asked: the same host failed %u s ago (%s)",
		 (unsigned)(ago > 0 ? ago : 0), h->why);
}

/* j is about to ask host (NULL: nothing to remember it by). */
static void set_asked(struct job *j, const char *host)
{
	free(j->asked);
	j->asked = host && host[0] && strlen(host) < HOST_MAX ? strdup(host) : NULL;
}

/* The scheme and authority of url ("https://rdap.example:8443"), or NULL
 * when it has none or they are too long. */
static const char *url_host(const char *url, char out[HOST_MAX])
{
	const char *p = strstr(url, "://");
	size_t n = p ? (size_t)(p + 3 - url) + strcspn(p + 3, "/?#") : HOST_MAX;

	if (n >= HOST_MAX)
		return NULL;
	memcpy(out, url, n);
	out[n] = '\0';
	return out;
}

/* GET url for j (supplied: a server gave it); when its host failed lately,
 * cb gets that failure at once instead (the same error, in other words). 0
 * or dd_net_http_get's error. */
static int http_get(struct job *j, const char *url, int supplied, dd_net_http_cb cb)
{
	const struct failed *h;
	char why[DD_REG_WHY_MAX], host[HOST_MAX];

	set_asked(j, url_host(url, host));
	h = recall(j->f, j->asked);
	if (h) {
		struct dd_net_http_reply rep = { .err = h->err, .why = why, .body = "", .url = url };
		not_asked(h, why);
		cb(j, &rep);
		return 0;
	}
	return supplied ? dd_net_http_get_supplied(j->f->http, url, cb, j)
			: dd_net_http_get(j->f->http, url, cb, j);
}

/* The WHOIS query for j, with the same memory as http_get; a server that
 * another one referred to (supplied) is guarded unless the operator named
 * it. */
static int whois_ask(struct job *j, const char *host, unsigned port, const char *query,
		     int supplied, dd_net_whois_cb cb)
{
	int err;

	const struct failed *h;
	char why[DD_REG_WHY_MAX], key[HOST_MAX];

	if ((size_t)snprintf(key, sizeof(key), "%s:%u", host, port) < sizeof(key))
		set_asked(j, key);
	else
		set_asked(j, NULL);
	h = recall(j->f, j->asked);
	if (h) {
		struct dd_net_whois_reply rep = { .err = h->err, .why = why, .text = "" };
		not_asked(h, why);
		cb(j, &rep);
		return 0;
	}
	err = dd_net_whois_query(j->f->net, host, port, query, j->f->o.timeout_ms,
				 DD_REG_DOC_MAX, cb, j, &j->wq);
	if (err == 0 && supplied && !dd_net_guard_trusted(j->f->guard, host, port))
		dd_net_whois_guard(j->wq);
	return err;
}

/* A destination a server supplied was not followed: say which, and why. */
static void refused(struct job *j, const char *what, const char *dest, const char *why)
{
	if (!j->out.refused[0])
		snprintf(j->out.refused, sizeof(j->out.refused), "%s %.80s not followed: %s", what,
			 dest, why);
}

/* --- records ------------------------------------------------------------- */

/* Where the registry is asked: a URL or host:port. 0 or DD_ENOMEM. */
static int set_where(struct job *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int set_where(struct job *j, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return DD_ENOMEM;
	free(j->where);
	j->where = s;
	return 0;
}

static struct dd_reg_record *new_record(void)
{
	struct dd_reg_record *r = malloc(sizeof(*r));

	if (r)
		dd_reg_record_init(r);
	return r;
}

/* The registrar's own record: keep it, and its expiry as the registrar's. */
static void attach_registrar_view(struct job *j, struct dd_reg_record *view)
{
	struct dd_reg_record *r = j->out.record;
	const struct dd_reg_date *d = view->expires.known ? &view->expires
							  : &view->registrar_expires;

	if (!r->registrar_expires.known && d->known) {
		free(r->registrar_expires.text);
		r->registrar_expires.known = 1;
		r->registrar_expires.t = d->t;
		r->registrar_expires.text = d->text ? strdup(d->text) : NULL;
	}
	r->registrar_view = view;
}

/* --- WHOIS --------------------------------------------------------------- */

static void start_whois(struct job *j);

static void whois_query(struct job *j, const char *host, unsigned port, const char *query,
			int supplied, dd_net_whois_cb cb)
{
	int err = whois_ask(j, host, port, query, supplied, cb);

	if (err)
		fail(j, DD_REG_NETWORK, "WHOIS %s:%u: %s", host, port, dd_strerror(err));
}

static void on_registrar_whois(void *arg, const struct dd_net_whois_reply *rep)
{
	struct job *j = arg;
	struct dd_reg_record *view;
	char why[DD_REG_WHY_MAX];

	j->wq = NULL;
	note(j, rep->err, rep->why);
	if (rep->err == DD_EDENIED)
		refused(j, "the registrar WHOIS referral", j->out.record->registrar.whois_server,
			rep->why);
	if (rep->err == 0 && (view = new_record())) {
		if (dd_reg_parse_whois(rep->text, rep->len, j->out.domain, view, why) == 0 &&
		    view->result == DD_REG_FOUND) {
			view->where = strdup(j->out.record->registrar.whois_server);
			attach_registrar_view(j, view);
		} else {
			dd_reg_record_free(view);
			free(view);
		}
	}
	complete(j);
}

static void on_whois(void *arg, const struct dd_net_whois_reply *rep)
{
	struct job *j = arg;
	struct dd_reg_record *r;
	char why[DD_REG_WHY_MAX] = "";
	const char *rw;

	j->wq = NULL;
	note(j, rep->err, rep->why);
	if (rep->err == DD_EDENIED)
		refused(j, "IANA's WHOIS referral to", j->where, rep->why);
	if (rep->err) {
		fail(j, reason_of(rep->err), "WHOIS %s: %s", j->where, rep->why ? rep->why : "");
		return;
	}
	r = new_record();
	if (!r) {
		fail(j, DD_REG_NETWORK, "out of memory");
		return;
	}
	if (dd_reg_parse_whois(rep->text, rep->len, j->out.domain, r, why) != 0) {
		dd_reg_record_free(r);
		free(r);
		fail(j, DD_REG_UNPARSEABLE, "WHOIS %s: %s", j->where, why);
		return;
	}
	r->where = strdup(j->where);
	j->out.record = r;
	j->out.reason = DD_REG_AVAILABLE;
	if (j->rdap_fail) /* cut the RDAP failure, not the end */
		snprintf(j->out.why, sizeof(j->out.why), "RDAP failed (%.*s), WHOIS used",
			 (int)(sizeof(j->out.why) - sizeof("RDAP failed (), WHOIS used")), j->rdap_why);
	rw = r->registrar.whois_server;
	if (!j->f->o.no_registrar && rw && r->result == DD_REG_FOUND &&
	    strncmp(j->where, rw, strlen(rw)) != 0 &&
	    whois_ask(j, rw, 43, j->out.domain, 1, on_registrar_whois) == 0)
		return;
	complete(j);
}

static void on_iana(void *arg, const struct dd_net_whois_reply *rep)
{
	struct job *j = arg;
	struct dd_reg_record r;
	char why[DD_REG_WHY_MAX];
	const char *tld = strrchr(j->out.domain, '.');

	j->wq = NULL;
	note(j, rep->err, rep->why);
	tld = tld ? tld + 1 : j->out.domain;
	if (rep->err) {
		fail(j, reason_of(rep->err), "no WHOIS server known for .%s and IANA's WHOIS "
			"did not answer: %s", tld, rep->why ? rep->why : "");
		return;
	}
	dd_reg_parse_whois(rep->text, rep->len, NULL, &r, why);
	if (!r.refer) {
		dd_reg_record_free(&r);
		if (j->rdap_fail)
			fail(j, j->rdap_fail, "%s; no WHOIS server for .%s", j->rdap_why, tld);
		else
			fail(j, DD_REG_NO_SOURCE, "no RDAP service and no WHOIS server known for .%s",
			     tld);
		return;
	}
	if (set_where(j, "%s:43", r.refer) == 0)
		whois_query(j, r.refer, 43, j->out.domain, 1, on_whois);
	else
		fail(j, DD_REG_NETWORK, "out of memory");
	dd_reg_record_free(&r);
}

static void start_whois(struct job *j)
{
	struct dd_reg_fetcher *f = j->f;
	const char *host, *tld = strrchr(j->out.domain, '.');
	unsigned port;

	tld = tld ? tld + 1 : j->out.domain;
	if (f->wsrv && dd_reg_wsrv_lookup(f->wsrv, j->out.domain, &host, &port) == 0) {
		if (set_where(j, "%s:%u", host, port) == 0)
			whois_query(j, host, port, j->out.domain, 0, on_whois);
		else
			fail(j, DD_REG_NETWORK, "out of memory");
		return;
	}
	if (f->o.iana_whois && f->o.iana_whois[0]) {
		if (set_where(j, "%s:%u", f->o.iana_whois, f->o.iana_port) == 0)
			whois_query(j, f->o.iana_whois, f->o.iana_port, tld, 0, on_iana);
		else
			fail(j, DD_REG_NETWORK, "out of memory");
		return;
	}
	if (j->rdap_fail)
		fail(j, j->rdap_fail, "%s; no WHOIS server for .%s", j->rdap_why, tld);
	else
		fail(j, DD_REG_NO_SOURCE, "no RDAP service and no WHOIS server known for .%s", tld);
}

/* --- RDAP ---------------------------------------------------------------- */

static void rdap_fallback(struct job *j, enum dd_reg_unavail reason, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* RDAP gave nothing: say why, and try WHOIS when a server is known. */
static void rdap_fallback(struct job *j, enum dd_reg_unavail reason, const char *fmt, ...)
{
	va_list ap;
	const char *host;
	unsigned port;

	j->rdap_fail = reason;
	va_start(ap, fmt);
	vsnprintf(j->rdap_why, sizeof(j->rdap_why), fmt, ap);
	va_end(ap);
	if (j->f->wsrv && dd_reg_wsrv_lookup(j->f->wsrv, j->out.domain, &host, &port) == 0) {
		start_whois(j);
		return;
	}
	fail(j, reason, "%s", j->rdap_why);
}

static void on_registrar_rdap(void *arg, const struct dd_net_http_reply *rep)
{
	struct job *j = arg;
	struct dd_reg_record *view;
	char why[DD_REG_WHY_MAX];

	note(j, rep->err, rep->why);
	if (rep->err == DD_EDENIED)
		refused(j, "the registrar RDAP link", j->out.record->registrar.rdap_url, rep->why);
	if (rep->err == 0 && rep->status == 200 && (view = new_record())) {
		if (dd_reg_parse_rdap(rep->body, rep->len, j->out.domain, view, why) == 0 &&
		    view->result == DD_REG_FOUND) {
			view->where = strdup(rep->url ? rep->url : "");
			attach_registrar_view(j, view);
		} else {
			dd_reg_record_free(view);
			free(view);
		}
	}
	complete(j);
}

static void on_rdap(void *arg, const struct dd_net_http_reply *rep)
{
	struct job *j = arg;
	struct dd_reg_record *r;
	char why[DD_REG_WHY_MAX] = "";
	const char *rel;

	if (rep->err) {
		note(j, rep->err, rep->why);
		if (rep->err == DD_EDENIED)
			refused(j, "a redirect from", j->where, rep->why);
		rdap_fallback(j, reason_of(rep->err), "RDAP %s: %s", j->where,
			      rep->why ? rep->why : dd_strerror(rep->err));
		return;
	}
	if (rep->status == 429) {
		rdap_fallback(j, DD_REG_RATE_LIMITED, "RDAP %s: rate limited (HTTP 429, Retry-After "
			      "%u s)", j->where, rep->retry_after_s);
		return;
	}
	if (rep->status != 200 && rep->status != 404) {
		rdap_fallback(j, DD_REG_HTTP_ERROR, "RDAP %s: HTTP status %ld", j->where,
			      rep->status);
		return;
	}
	r = new_record();
	if (!r) {
		fail(j, DD_REG_NETWORK, "out of memory");
		return;
	}
	if (dd_reg_parse_rdap(rep->body, rep->len, j->out.domain, r, why) != 0) {
		dd_reg_record_free(r);
		if (rep->status != 404) {
			free(r);
			rdap_fallback(j, DD_REG_UNPARSEABLE, "RDAP %s: %s", j->where, why);
			return;
		}
		/* A 404 with no RDAP body still says "not found". */
		dd_reg_record_init(r);
		r->source = DD_REG_SRC_RDAP;
		r->result = DD_REG_NOT_FOUND;
		r->detail = strdup("HTTP 404");
		r->domain = strdup(j->out.domain);
	} else if (rep->status == 404 && r->result == DD_REG_FOUND) {
		r->result = DD_REG_NOT_FOUND;
	}
	r->where = strdup(j->where);
	j->out.record = r;
	j->out.reason = DD_REG_AVAILABLE;
	rel = r->registrar.rdap_url;
	if (!j->f->o.no_registrar && rel && r->result == DD_REG_FOUND &&
	    strcmp(rel, j->where) != 0) {
		int err = http_get(j, rel, 1, on_registrar_rdap);
		if (err == 0)
			return;
		if (err == DD_EDENIED)
			refused(j, "the registrar RDAP link", rel, "not https");
	}
	complete(j);
}

static void start(struct job *j)
{
	struct dd_reg_fetcher *f = j->f;
	const char *base = NULL;
	char *url;

	if (f->over)
		base = dd_reg_boot_lookup(f->over, j->out.domain, NULL);
	if (!base && f->boot)
		base = dd_reg_boot_lookup(f->boot, j->out.domain, NULL);
	if (!base) {
		start_whois(j);
		return;
	}
	url = dd_reg_rdap_url(base, j->out.domain);
	if (!url) {
		fail(j, DD_REG_NETWORK, "out of memory");
		return;
	}
	free(j->where);
	j->where = url;
	int err = http_get(j, j->where, 0, on_rdap);
	if (err)
		rdap_fallback(j, DD_REG_NETWORK, "RDAP %s: %s", j->where, dd_strerror(err));
}

/* --- the fetcher ----------------------------------------------------------- */

static int load(const char *path, const char *what, int is_boot, void **out, char *why)
{
	char *doc;
	size_t len;
	char inner[DD_REG_WHY_MAX];
	int err = dd_reg_read_file(path, DD_REG_DOC_MAX, &doc, &len);

	if (err) {
		snprintf(why, DD_REG_WHY_MAX, "cannot read the %s %.100s: %s", what, path,
			 dd_strerror(err));
		return err;
	}
	if (is_boot)
		err = dd_reg_boot_load(doc, len, (struct dd_reg_boot **)out, inner);
	else
		err = dd_reg_wsrv_load(doc, len, (struct dd_reg_wsrv **)out, inner);
	free(doc);
	if (err)
		snprintf(why, DD_REG_WHY_MAX, "%.100s: %s", path, inner);
	return err;
}

/* The operator's own destinations: every base URL of the bootstrap files,
 * every server of the WHOIS table, IANA's WHOIS server. */
static int trust_operator(struct dd_reg_fetcher *f)
{
	const struct dd_reg_boot *boots[2] = { f->boot, f->over };
	const char *t;
	unsigned port;
	int err = dd_net_guard_new(&f->guard);

	for (int b = 0; b < 2 && !err; b++)
		for (size_t i = 0; boots[b] && !err && (t = dd_reg_boot_target(boots[b], i)); i++)
			if (dd_net_guard_trust_url(f->guard, t) == DD_ENOMEM)
				err = DD_ENOMEM;
	for (size_t i = 0; f->wsrv && !err && (t = dd_reg_wsrv_target(f->wsrv, i, &port)); i++)
		err = dd_net_guard_trust(f->guard, t, port);
	if (!err && f->o.iana_whois)
		err = dd_net_guard_trust(f->guard, f->o.iana_whois, f->o.iana_port);
	return err;
}

int dd_reg_fetcher_new(struct dd_net *net, const struct dd_reg_fetch_opts *o,
		       struct dd_reg_fetcher **out, char why[DD_REG_WHY_MAX])
{
	struct dd_reg_fetcher *f = calloc(1, sizeof(*f));
	struct dd_net_http_opts ho;
	int err = 0;

	*out = NULL;
	if (!f)
		return DD_ENOMEM;
	f->net = net;
	f->o = *o;
	if (!f->o.timeout_ms)
		f->o.timeout_ms = 10000;
	if (!f->o.failed_host_hold_ms)
		f->o.failed_host_hold_ms = 60000;
	dd_map_init(&f->jobs);
	dd_map_init(&f->failed);
	if (o->bootstrap)
		err = load(o->bootstrap, "RDAP bootstrap file", 1, (void **)&f->boot, why);
	if (!err && o->override)
		err = load(o->override, "RDAP override file", 1, (void **)&f->over, why);
	if (!err && o->whois_servers)
		err = load(o->whois_servers, "WHOIS server table", 0, (void **)&f->wsrv, why);
	if (!err && (err = trust_operator(f)) != 0)
		snprintf(why, DD_REG_WHY_MAX, "out of memory");
	if (!err) {
		memset(&ho, 0, sizeof(ho));
		ho.guard = f->guard;
		ho.ca_file = o->ca_file;
		ho.timeout_ms = f->o.timeout_ms;
		ho.max_body = DD_REG_DOC_MAX;
		ho.max_redirects = 5;
		ho.max_retry_after_s = o->max_retry_after_s;
		err = dd_net_http_new(net, &ho, &f->http);
		if (err)
			snprintf(why, DD_REG_WHY_MAX, "cannot start the HTTP client");
	}
	if (err) {
		dd_reg_fetcher_free(f);
		return err;
	}
	*out = f;
	return 0;
}

static void free_job(void *arg, const char *key, void *value)
{
	(void)arg;
	(void)key;
	job_free(value);
}

void dd_reg_fetcher_free(struct dd_reg_fetcher *f)
{
	if (!f)
		return;
	dd_net_http_free(f->http);
	dd_map_each(&f->jobs, free_job, NULL);
	dd_map_free(&f->jobs);
	while (f->failed_age.n)
		forget(f, dd_list_tail(&f->failed_age));
	dd_map_free(&f->failed);
	dd_reg_boot_free(f->boot);
	dd_reg_boot_free(f->over);
	dd_reg_wsrv_free(f->wsrv);
	dd_net_guard_free(f->guard);
	free(f);
}

/* The registrable domain of name (core/name.h: the rule the whole run
 * uses), lower case; DD_ENAME for a public suffix or the root, which no
 * registrar holds. */
static int registrable(const char *name, char out[DD_NAME_MAX])
{
	dd_name_registrable(name, out);
	return out[0] ? 0 : DD_ENAME;
}

int dd_reg_fetch(struct dd_reg_fetcher *f, const char *name, dd_reg_fetch_cb cb, void *arg)
{
	char domain[DD_NAME_MAX];
	struct job *j;
	struct waiter *w;
	int err = registrable(name, domain);

	if (err)
		return err;
	j = dd_map_get(&f->jobs, domain);
	if (j && j->done) {
		f->calling++;
		cb(arg, &j->out);
		f->calling--;
		drop_done(f);
		return 0;
	}
	w = calloc(1, sizeof(*w));
	if (!w)
		return DD_ENOMEM;
	w->cb = cb;
	w->arg = arg;
	if (j) {
		w->next = j->waiters;
		j->waiters = w;
		return 0;
	}
	j = calloc(1, sizeof(*j));
	if (!j) {
		free(w);
		return DD_ENOMEM;
	}
	j->f = f;
	snprintf(j->out.domain, sizeof(j->out.domain), "%s", domain);
	j->waiters = w;
	if (dd_map_set(&f->jobs, j->out.domain, j) != 0) {
		free(w);
		free(j);
		return DD_ENOMEM;
	}
	start(j);
	return 0;
}

void dd_reg_outcome_free(struct dd_reg_outcome *o)
{
	if (o->record) {
		dd_reg_record_free(o->record);
		free(o->record);
		o->record = NULL;
	}
}

struct one {
	struct dd_reg_outcome out;
	int done;
};

/* The outcome is the fetcher's during the callback only: copy it, and take
 * the record (this fetcher has no other caller). */
static void on_one(void *arg, const struct dd_reg_outcome *res)
{
	struct one *one = arg;

	one->out = *res;
	((struct dd_reg_outcome *)res)->record = NULL;
	one->done = 1;
}

int dd_reg_fetch_one(const struct dd_reg_fetch_opts *o, const char *name,
		     struct dd_reg_outcome *out)
{
	struct dd_net_opts no = { 0 };
	struct dd_net *net;
	struct dd_reg_fetcher *f;
	struct one one = { .done = 0 };
	int err;

	memset(out, 0, sizeof(*out));
	err = dd_net_new(&net, &no);
	if (err) {
		snprintf(out->why, sizeof(out->why), "cannot start the network: %s",
			 dd_strerror(err));
		return err;
	}
	err = dd_reg_fetcher_new(net, o, &f, out->why);
	if (err) {
		dd_net_free(net);
		return err;
	}
	err = dd_reg_fetch(f, name, on_one, &one);
	if (err) {
		snprintf(out->why, sizeof(out->why), "%s", dd_strerror(err));
	} else {
		dd_net_run(net);
		if (one.done) {
			*out = one.out; /* the record is the caller's now */
		} else {
			err = DD_EIO;
			snprintf(out->why, sizeof(out->why), "the look-up did not finish");
		}
	}
	dd_reg_fetcher_free(f);
	dd_net_free(net);
	return err;
}
