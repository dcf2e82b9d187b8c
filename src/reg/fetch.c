/* fetch.c: the look-up of one registrable domain as a chain of callbacks:
 * RDAP (registry, then the registrar's record it links to) or WHOIS
 * (table or IANA's refer, then a thin registry's registrar referral). Every
 * step ends in a record or in a reason; jobs are cached per domain. */
#include <ctype.h>
#include <libpsl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "net/http.h"
#include "net/net.h"
#include "net/whois.h"
#include "reg/fetch.h"

struct waiter {
	dd_reg_fetch_cb cb;
	void *arg;
	struct waiter *next;
};

struct job {
	struct dd_reg_fetcher *f;
	struct dd_reg_outcome out;
	int done;
	struct waiter *waiters;
	struct dd_net_whois *wq;       /* WHOIS query in flight */
	enum dd_reg_unavail rdap_fail; /* why RDAP gave nothing, if it did */
	char rdap_why[DD_REG_WHY_MAX];
	char where[600];               /* URL or host:port of the registry */
	struct job *next;
};

struct dd_reg_fetcher {
	struct dd_net *net;
	struct dd_net_http *http;
	struct dd_reg_boot *boot, *over;
	struct dd_reg_wsrv *wsrv;
	struct dd_reg_fetch_opts o;
	struct job *jobs;
};

void dd_reg_fetch_opts_init(struct dd_reg_fetch_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->iana_whois = "whois.iana.org";
	o->iana_port = 43;
	o->timeout_ms = 10000;
	o->max_retry_after_s = 10;
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

static void complete(struct job *j)
{
	struct waiter *w = j->waiters;

	j->done = 1;
	j->wq = NULL;
	j->waiters = NULL;
	while (w) {
		struct waiter *next = w->next;
		w->cb(w->arg, &j->out);
		free(w);
		w = next;
	}
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
			dd_net_whois_cb cb)
{
	int err = dd_net_whois_query(j->f->net, host, port, query, j->f->o.timeout_ms,
				     DD_REG_DOC_MAX, cb, j, &j->wq);

	if (err)
		fail(j, DD_REG_NETWORK, "WHOIS %s:%u: %s", host, port, dd_strerror(err));
}

static void on_registrar_whois(void *arg, const struct dd_net_whois_reply *rep)
{
	struct job *j = arg;
	struct dd_reg_record *view;
	char why[DD_REG_WHY_MAX];

	j->wq = NULL;
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
	if (j->rdap_fail)
		snprintf(j->out.why, sizeof(j->out.why), "RDAP failed (%s), WHOIS used", j->rdap_why);
	rw = r->registrar.whois_server;
	if (!j->f->o.no_registrar && rw && r->result == DD_REG_FOUND &&
	    strncmp(j->where, rw, strlen(rw)) != 0 &&
	    dd_net_whois_query(j->f->net, rw, 43, j->out.domain, j->f->o.timeout_ms,
			       DD_REG_DOC_MAX, on_registrar_whois, j, &j->wq) == 0)
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
	snprintf(j->where, sizeof(j->where), "%s:43", r.refer);
	whois_query(j, r.refer, 43, j->out.domain, on_whois);
	dd_reg_record_free(&r);
}

static void start_whois(struct job *j)
{
	struct dd_reg_fetcher *f = j->f;
	const char *host, *tld = strrchr(j->out.domain, '.');
	unsigned port;

	tld = tld ? tld + 1 : j->out.domain;
	if (f->wsrv && dd_reg_wsrv_lookup(f->wsrv, j->out.domain, &host, &port) == 0) {
		snprintf(j->where, sizeof(j->where), "%s:%u", host, port);
		whois_query(j, host, port, j->out.domain, on_whois);
		return;
	}
	if (f->o.iana_whois && f->o.iana_whois[0]) {
		snprintf(j->where, sizeof(j->where), "%s:%u", f->o.iana_whois, f->o.iana_port);
		whois_query(j, f->o.iana_whois, f->o.iana_port, tld, on_iana);
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
	    strcmp(rel, j->where) != 0 && dd_net_http_get(j->f->http, rel, on_registrar_rdap, j) == 0)
		return;
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
	snprintf(j->where, sizeof(j->where), "%s", url);
	free(url);
	int err = dd_net_http_get(f->http, j->where, on_rdap, j);
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
	if (o->bootstrap)
		err = load(o->bootstrap, "RDAP bootstrap file", 1, (void **)&f->boot, why);
	if (!err && o->override)
		err = load(o->override, "RDAP override file", 1, (void **)&f->over, why);
	if (!err && o->whois_servers)
		err = load(o->whois_servers, "WHOIS server table", 0, (void **)&f->wsrv, why);
	if (!err) {
		memset(&ho, 0, sizeof(ho));
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

void dd_reg_fetcher_free(struct dd_reg_fetcher *f)
{
	if (!f)
		return;
	dd_net_http_free(f->http);
	while (f->jobs) {
		struct job *j = f->jobs;
		f->jobs = j->next;
		if (j->wq)
			dd_net_whois_cancel(j->wq);
		while (j->waiters) {
			struct waiter *w = j->waiters;
			j->waiters = w->next;
			free(w);
		}
		dd_reg_outcome_free(&j->out);
		free(j);
	}
	dd_reg_boot_free(f->boot);
	dd_reg_boot_free(f->over);
	dd_reg_wsrv_free(f->wsrv);
	free(f);
}

/* The registrable domain (public suffix list) of name, lower case. */
static int registrable(const char *name, char out[256])
{
	char low[256];
	size_t n = 0;
	const char *reg;

	for (; name[n] && n + 1 < sizeof(low); n++)
		low[n] = (char)tolower((unsigned char)name[n]);
	while (n > 0 && low[n - 1] == '.')
		n--;
	low[n] = '\0';
	if (n == 0 || !strchr(low, '.'))
		return DD_ENAME;
	reg = psl_registrable_domain(psl_builtin(), low);
	snprintf(out, 256, "%s", reg ? reg : low);
	return 0;
}

int dd_reg_fetch(struct dd_reg_fetcher *f, const char *name, dd_reg_fetch_cb cb, void *arg)
{
	char domain[256];
	struct job *j;
	struct waiter *w;
	int err = registrable(name, domain);

	if (err)
		return err;
	for (j = f->jobs; j; j = j->next)
		if (strcmp(j->out.domain, domain) == 0)
			break;
	if (j && j->done) {
		cb(arg, &j->out);
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
	j->next = f->jobs;
	f->jobs = j;
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

static void on_one(void *arg, const struct dd_reg_outcome *res)
{
	*(const struct dd_reg_outcome **)arg = res;
}

int dd_reg_fetch_one(const struct dd_reg_fetch_opts *o, const char *name,
		     struct dd_reg_outcome *out)
{
	struct dd_net_opts no = { 0 };
	struct dd_net *net;
	struct dd_reg_fetcher *f;
	const struct dd_reg_outcome *res = NULL;
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
	err = dd_reg_fetch(f, name, on_one, &res);
	if (err) {
		snprintf(out->why, sizeof(out->why), "%s", dd_strerror(err));
	} else {
		dd_net_run(net);
		if (res) {
			*out = *res;
			/* The record now belongs to the caller. */
			((struct dd_reg_outcome *)res)->record = NULL;
		} else {
			err = DD_EIO;
			snprintf(out->why, sizeof(out->why), "the look-up did not finish");
		}
	}
	dd_reg_fetcher_free(f);
	dd_net_free(net);
	return err;
}
