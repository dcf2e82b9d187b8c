/* fetch.c: the look-up of one registrable domain as a chain of callbacks:
 * RDAP (registry, then the registrar's record it links to) or WHOIS
 * (table or IANA's refer, then a thin registry's registrar referral). Every
 * step ends in a record or in a reason; jobs are found by domain in a map,
 * and the finished ones kept up to a bound. A host that failed at the
 * network level is not asked again for a while: its requests fail at once. */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/env.h"
#include "core/err.h"
#include "core/list.h"
#include "core/map.h"
#include "core/name.h"
#include "net/guard.h"
#include "net/http.h"
#include "net/net.h"
#include "net/pace.h"
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
	struct dd_net_pace_wait *pw;   /* waiting for the server's token */
	char *pend_url;                /* the RDAP request waiting for it */
	dd_net_http_cb pend_http;
	int pend_supplied;             /* a server supplied the destination (net/guard.h) */
	char *pend_host, *pend_query;  /* the WHOIS query (kept for a retry) */
	unsigned pend_port;
	dd_net_whois_cb pend_whois;
	unsigned tries;                /* retries after rate limits */
	int from_cache;                /* the record came from the cache */
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
	struct dd_net_pace *pace;      /* a token bucket per server */
	struct dd_reg_cache *cache;    /* answers kept between runs, or NULL */
	struct dd_rng rng;             /* backoff jitter */
};

void dd_reg_fetch_opts_init(struct dd_reg_fetch_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->iana_whois = "whois.iana.org";
	o->iana_port = 43;
	o->timeout_ms = 10000;
	o->max_retry_after_s = 10;
	o->failed_host_hold_ms = 60000;
	o->rdap_per_min = 60;
	o->whois_per_min = 30;
	o->burst = 10;
	o->max_retries = 3;
	o->backoff_ms = 1000;
	o->cache_ttl_s = 86400;
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

/* The text of err for a message, written into buf: the hard limit names
 * itself (dd_strerror's "a hard limit was reached" says neither which nor
 * how much). The only DD_ELIMIT of a request is the pace's. */
static const char *err_text(int err, char *buf, size_t len)
{
	if (err == DD_ELIMIT)
		snprintf(buf, len, "more than %d registry servers asked in one run (the limit)",
			 DD_NET_PACE_KEYS_MAX);
	else
		snprintf(buf, len, "%s", dd_strerror(err));
	return buf;
}

static void job_free(struct job *j)
{
	if (j->wq)
		dd_net_whois_cancel(j->wq);
	if (j->pw)
		dd_net_pace_cancel(j->pw);
	free(j->pend_url);
	free(j->pend_host);
	free(j->pend_query);
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

static void complete(struct job *j);
static struct dd_reg_record *new_record(void);
static void tried(struct job *j, const char *protocol, const char *where, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int64_t wall_now(const struct dd_reg_fetcher *f)
{
	struct dd_clock clk = { .fixed_now = f->o.now };

	return dd_clock_now(&clk);
}

/* Keep a record just fetched (found or not found; never a failure, an
 * error answer or what came from the cache). */
static void keep(struct job *j)
{
	const struct dd_reg_record *r = j->out.record;
	json_t *doc;
	char *s;

	if (!j->f->cache || j->from_cache || !r ||
	    (r->result != DD_REG_FOUND && r->result != DD_REG_NOT_FOUND))
		return;
	doc = dd_reg_to_json(r, 1);
	s = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
	if (s)
		dd_reg_cache_put(j->f->cache, j->out.domain, wall_now(j->f), s);
	free(s);
	json_decref(doc);
}

/* j's record from the cache when it is there and fresh: 1 (j complete). */
static int from_cache(struct job *j)
{
	struct dd_reg_fetcher *f = j->f;
	struct dd_reg_record *r;
	char *s, why[DD_REG_WHY_MAX], when[32];
	int64_t fetched;
	json_t *doc;

	if (!f->cache || dd_reg_cache_get(f->cache, j->out.domain, wall_now(f), f->o.cache_ttl_s,
					  &s, &fetched) != 0)
		return 0;
	doc = json_loads(s, 0, NULL);
	free(s);
	r = doc ? new_record() : NULL;
	if (!r || dd_reg_from_json(doc, r, why) != 0) {
		if (r) {
			dd_reg_record_free(r);
			free(r);
		}
		json_decref(doc);
		return 0; /* unreadable: asked again, and replaced */
	}
	json_decref(doc);
	dd_clock_format(fetched, when, sizeof(when));
	tried(j, "cache", f->o.cache, "the answer of %s", when);
	snprintf(j->out.why, sizeof(j->out.why), "from the registration cache: the answer of %s",
		 when);
	j->out.record = r;
	j->out.reason = DD_REG_AVAILABLE;
	j->from_cache = 1;
	complete(j);
	return 1;
}

static void complete(struct job *j)
{
	struct dd_reg_fetcher *f = j->f;
	struct waiter *w = j->waiters;

	keep(j);
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

/* Note a request of j and how it ended (at most DD_REG_TRIED_MAX). */
static void tried(struct job *j, const char *protocol, const char *where, const char *fmt, ...)
{
	struct dd_reg_outcome *o = &j->out;
	struct dd_reg_tried *t;
	va_list ap;
	char *what = NULL;

	if (o->ntried >= DD_REG_TRIED_MAX)
		return;
	if (!o->tried && !(o->tried = calloc(DD_REG_TRIED_MAX, sizeof(*o->tried))))
		return;
	va_start(ap, fmt);
	if (vasprintf(&what, fmt, ap) < 0)
		what = NULL;
	va_end(ap);
	t = &o->tried[o->ntried];
	t->protocol = protocol;
	t->where = strdup(where ? where : "");
	t->what = what;
	if (!t->where || !t->what) {
		free(t->where);
		free(t->what);
		return;
	}
	o->ntried++;
}

/* How a parsed record ended, for tried(). */
static const char *result_words(const struct dd_reg_record *r)
{
	return dd_reg_result_name(r->result);
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
	if (why)
		snprintf(h->why, sizeof(h->why), "%s", why);
	else
		err_text(err, h->why, sizeof(h->why));
	if (dd_map_set(&f->failed, h->host, h) != 0) {
		free(h);
		return;
	}
	dd_list_push_head(&f->failed_age, &h->age, h);
	/* The requests waiting for this host's token will not be sent. */
	dd_net_pace_release(f->pace, h->host);
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

/* The limits for server ("https://host:port" or "host:port"): the
 * server's own from data/reg-rates.conf, else the defaults (or --reg-rate
 * for all). */
static struct dd_net_pace_opts pace_opts(const struct dd_reg_fetcher *f, int whois,
					 const char *server)
{
	struct dd_net_pace_opts po = { .per_min = whois ? f->o.whois_per_min : f->o.rdap_per_min,
				       .burst = f->o.burst ? f->o.burst : 1 };
	const char *s = server ? strstr(server, "://") : NULL;
	char host[HOST_MAX];

	s = s ? s + 3 : server;
	if (!s || f->o.rate_forced)
		return po;
	snprintf(host, sizeof(host), "%.*s", (int)strcspn(s, ":/"), s);
	dd_reg_rate_of(host, &po.per_min, &po.burst);
	return po;
}

/* The server's token came: send the RDAP request (or report its failure
 * through the callback, as a reply would). */
static void http_go(void *arg)
{
	struct job *j = arg;
	char *url = j->pend_url, why[DD_REG_WHY_MAX];
	const struct failed *h = recall(j->f, j->asked);
	struct dd_net_http_reply rep = { .body = "", .url = url, .why = why };
	int err;

	j->pw = NULL;
	j->pend_url = NULL;
	if (h) {
		not_asked(h, why);
		rep.err = h->err;
		j->pend_http(j, &rep);
	} else if ((err = j->pend_supplied ? dd_net_http_get_supplied(j->f->http, url,
									  j->pend_http, j)
					   : dd_net_http_get(j->f->http, url, j->pend_http, j)) != 0) {
		err_text(err, why, sizeof(why));
		rep.err = err;
		j->pend_http(j, &rep);
	}
	free(url);
}

/* GET url for j when its server allows (supplied: a server gave the URL,
 * net/guard.h); when its host failed lately, cb gets that failure at once
 * instead (the same error, in other words). 0, or DD_ENOMEM / DD_ELIMIT /
 * DD_EDENIED (a supplied URL that is not https) with cb not called. */
static int http_get(struct job *j, const char *url, int supplied, dd_net_http_cb cb)
{
	const struct failed *h;
	char why[DD_REG_WHY_MAX], host[HOST_MAX];
	struct dd_net_pace_opts po;

	if (supplied && strncasecmp(url, "https://", 8) != 0)
		return DD_EDENIED;
	set_asked(j, url_host(url, host));
	po = pace_opts(j->f, 0, j->asked);
	h = recall(j->f, j->asked);
	if (h) {
		struct dd_net_http_reply rep = { .err = h->err, .why = why, .body = "", .url = url };
		not_asked(h, why);
		cb(j, &rep);
		return 0;
	}
	free(j->pend_url);
	j->pend_url = strdup(url);
	j->pend_http = cb;
	j->pend_supplied = supplied;
	if (!j->pend_url)
		return DD_ENOMEM;
	return dd_net_pace_take(j->f->pace, j->asked ? j->asked : url, &po, http_go, j, &j->pw);
}

/* The same for the WHOIS query waiting in j. */
static void whois_go(void *arg)
{
	struct job *j = arg;
	char why[DD_REG_WHY_MAX];
	const struct failed *h = recall(j->f, j->asked);
	struct dd_net_whois_reply rep = { .text = "", .why = why };
	int err;

	j->pw = NULL;
	if (h) {
		not_asked(h, why);
		rep.err = h->err;
		j->pend_whois(j, &rep);
	} else if ((err = dd_net_whois_query(j->f->net, j->pend_host, j->pend_port, j->pend_query,
					     j->f->o.timeout_ms, DD_REG_DOC_MAX, j->pend_whois, j,
					     &j->wq)) != 0) {
		err_text(err, why, sizeof(why));
		rep.err = err;
		j->pend_whois(j, &rep);
	} else if (j->pend_supplied &&
		   !dd_net_guard_trusted(j->f->guard, j->pend_host, j->pend_port)) {
		dd_net_whois_guard(j->wq);
	}
}

/* The WHOIS query for j, with the same memory as http_get; a server that
 * another one referred to (supplied) is guarded unless the operator named
 * it. */
static int whois_ask(struct job *j, const char *host, unsigned port, const char *query,
		     int supplied, dd_net_whois_cb cb)
{
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
	if (host != j->pend_host) {
		free(j->pend_host);
		j->pend_host = strdup(host);
	}
	if (query != j->pend_query) {
		free(j->pend_query);
		j->pend_query = strdup(query);
	}
	j->pend_port = port;
	j->pend_whois = cb;
	j->pend_supplied = supplied;
	if (!j->pend_host || !j->pend_query)
		return DD_ENOMEM;
	struct dd_net_pace_opts po = pace_opts(j->f, 1, host);
	return dd_net_pace_take(j->f->pace, j->asked ? j->asked : host, &po, whois_go, j, &j->pw);
}

/* A server said "later" (HTTP 429/503, 403 with Retry-After, a WHOIS
 * quota notice): hold it for Retry-After, else for the next backoff (1, 2,
 * 4... times backoff_ms, times 0.5 to 1.5 at random), and say 1 when the
 * request may be made again; 0 when the retries are spent or the wait is
 * longer than max_retry_after_s. */
static int retry_later(struct job *j, unsigned retry_after_s)
{
	struct dd_reg_fetcher *f = j->f;
	double ms;

	if (j->tries >= f->o.max_retries)
		return 0;
	if (retry_after_s) {
		ms = retry_after_s * 1000.0;
	} else {
		ms = (double)f->o.backoff_ms * (double)(1u << (j->tries < 16 ? j->tries : 16));
		ms *= 0.5 + (double)(dd_rng_next(&f->rng) % 1000) / 1000.0;
	}
	if (ms > f->o.max_retry_after_s * 1000.0)
		return 0;
	j->tries++;
	if (j->asked)
		dd_net_pace_hold(f->pace, j->asked, ms);
	return 1;
}

/* A destination a server supplied was not followed: say which, and why. */
static void refused(struct job *j, const char *what, const char *dest, const char *why)
{
	char text[DD_REG_WHY_MAX];

	if (j->out.refused)
		return;
	snprintf(text, sizeof(text), "%s %.80s not followed: %s", what, dest, why);
	j->out.refused = strdup(text);
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
	char buf[DD_REG_WHY_MAX];
	int err = whois_ask(j, host, port, query, supplied, cb);

	if (err)
		fail(j, DD_REG_NETWORK, "WHOIS %s:%u: %s", host, port,
		     err_text(err, buf, sizeof(buf)));
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
	if (rep->err)
		tried(j, "whois", j->asked, "the registrar's record: failed (%s)",
		      rep->why ? rep->why : dd_strerror(rep->err));
	if (rep->err == 0 && (view = new_record())) {
		int err = dd_reg_parse_whois(rep->text, rep->len, j->out.domain, view, why);
		tried(j, "whois", j->asked, "the registrar's record: %s",
		      err ? why : result_words(view));
		if (err == 0 && view->result == DD_REG_FOUND) {
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
		tried(j, "whois", j->where, "%s: %s", dd_reg_unavail_name(reason_of(rep->err)),
		      rep->why ? rep->why : "");
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
		tried(j, "whois", j->where, "unparseable: %s", why);
		fail(j, DD_REG_UNPARSEABLE, "WHOIS %s: %s", j->where, why);
		return;
	}
	if (r->result == DD_REG_ERROR && retry_later(j, 0) &&
	    whois_ask(j, j->pend_host, j->pend_port, j->pend_query, j->pend_supplied, on_whois) == 0) {
		tried(j, "whois", j->where, "error (%s), retried after %u", r->detail ? r->detail : "",
		      j->tries);
		dd_reg_record_free(r);
		free(r);
		return;
	}
	tried(j, "whois", j->where, "%s", result_words(r));
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
		tried(j, "whois", j->where, "%s: %s", dd_reg_unavail_name(reason_of(rep->err)),
		      rep->why ? rep->why : "");
		fail(j, reason_of(rep->err), "no WHOIS server known for .%s and IANA's WHOIS "
			"did not answer: %s", tld, rep->why ? rep->why : "");
		return;
	}
	dd_reg_parse_whois(rep->text, rep->len, NULL, &r, why);
	tried(j, "whois", j->where, r.refer ? "IANA refers to %s" : "IANA names no WHOIS server%s",
	      r.refer ? r.refer : "");
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
	tried(j, "rdap", j->where, "%s (%s)", dd_reg_unavail_name(reason), j->rdap_why);
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
	if (rep->err || rep->status != 200)
		tried(j, "rdap", rep->url, "the registrar's record: failed (%s)",
		      rep->err ? (rep->why ? rep->why : dd_strerror(rep->err)) : "HTTP status");
	if (rep->err == 0 && rep->status == 200 && (view = new_record())) {
		int err = dd_reg_parse_rdap(rep->body, rep->len, j->out.domain, view, why);
		tried(j, "rdap", rep->url, "the registrar's record: %s",
		      err ? why : result_words(view));
		if (err == 0 && view->result == DD_REG_FOUND) {
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
	if (rep->status == 429 || rep->status == 503 ||
	    (rep->status == 403 && rep->retry_after_s)) {
		if (retry_later(j, rep->retry_after_s) && http_get(j, j->where, 0, on_rdap) == 0) {
			tried(j, "rdap", j->where, "HTTP %ld (Retry-After %u s), retried after %u",
			      rep->status, rep->retry_after_s, j->tries);
			return;
		}
		rdap_fallback(j, DD_REG_RATE_LIMITED, "RDAP %s: rate limited (HTTP %ld, Retry-After "
			      "%u s, %u %s)", j->where, rep->status, rep->retry_after_s, j->tries,
			      j->tries == 1 ? "retry" : "retries");
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
	} else if (r->result == DD_REG_ERROR) {
		/* A quota notice with status 200: a rate limit all the same. */
		char notice[DD_REG_WHY_MAX / 2];
		snprintf(notice, sizeof(notice), "%s", r->detail ? r->detail : "");
		dd_reg_record_free(r);
		free(r);
		if (retry_later(j, rep->retry_after_s) && http_get(j, j->where, 0, on_rdap) == 0) {
			tried(j, "rdap", j->where, "quota notice (%s), retried after %u", notice,
			      j->tries);
			return;
		}
		rdap_fallback(j, DD_REG_RATE_LIMITED, "RDAP %s: rate limited (a quota notice in an "
			      "answer of HTTP %ld: %s)", j->where, rep->status, notice);
		return;
	}
	r->where = strdup(j->where);
	j->out.record = r;
	j->out.reason = DD_REG_AVAILABLE;
	tried(j, "rdap", j->where, "%s", result_words(r));
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
	char buf[DD_REG_WHY_MAX];
	int err = http_get(j, j->where, 0, on_rdap);
	if (err)
		rdap_fallback(j, DD_REG_NETWORK, "RDAP %s: %s", j->where,
			      err_text(err, buf, sizeof(buf)));
}

/* --- the fetcher ----------------------------------------------------------- */

static int load(const char *path, const char *what, int is_boot, void **out, char *why)
{
	char *doc;
	size_t len;
	char inner[DD_REG_WHY_MAX];
	int err = dd_reg_read_file(path, DD_REG_DOC_MAX, &doc, &len);

	if (err) {
		if (err == DD_ELIMIT)
			snprintf(why, DD_REG_WHY_MAX, "cannot read the %s %.100s: larger than %d "
				 "bytes (the limit)", what, path, DD_REG_DOC_MAX);
		else
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
	dd_rng_init(&f->rng, 0);
	err = dd_net_pace_new(net, &f->pace);
	if (!f->o.cache_ttl_s)
		f->o.cache_ttl_s = 86400;
	if (!err && o->cache)
		err = dd_reg_cache_open(o->cache, &f->cache, why);
	if (!err && o->bootstrap)
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
	dd_net_pace_free(f->pace);
	dd_reg_cache_close(f->cache);
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
	if (!from_cache(j))
		start(j);
	return 0;
}

unsigned long dd_reg_fetch_sent(const struct dd_reg_fetcher *f, const char *server)
{
	return dd_net_pace_count(f->pace, server);
}

void dd_reg_outcome_free(struct dd_reg_outcome *o)
{
	if (o->record) {
		dd_reg_record_free(o->record);
		free(o->record);
		o->record = NULL;
	}
	for (size_t i = 0; i < o->ntried; i++) {
		free(o->tried[i].where);
		free(o->tried[i].what);
	}
	free(o->tried);
	o->tried = NULL;
	o->ntried = 0;
	free(o->refused);
	o->refused = NULL;
}

void dd_reg_outcome_take(struct dd_reg_outcome *dst, struct dd_reg_outcome *o)
{
	*dst = *o;
	o->record = NULL;
	o->refused = NULL;
	o->tried = NULL;
	o->ntried = 0;
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

	dd_reg_outcome_take(&one->out, (struct dd_reg_outcome *)res);
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
		err_text(err, out->why, sizeof(out->why));
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
