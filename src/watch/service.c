/* service.c: the watch service. A timer on the service's own loop wakes
 * every second at most; the domains that are due then form a round, which
 * the audit driver checks as it checks a portfolio (a window of domains on
 * one probe, judged on the thread pool). Each domain's check document comes
 * back on the driver's loop, where its facts are compared with the
 * domain's previous round, the incident machine steps, and the round, its
 * events, the new state and any alerts are committed to the store in one
 * transaction. Between rounds the outbox is delivered on the service loop
 * (webhook POST and SMTP through libcurl multi, exec as a child process),
 * failed deliveries are retried with a growing delay, and SIGHUP reloads
 * the settings. The schedule lives in the store: after a restart each
 * domain keeps its due time, and domains overdue by more than an interval
 * keep their phase instead of all starting at once. */
#include <ldns/sha2.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit.h"
#include "checks/checks.h"
#include "core/env.h"
#include "core/err.h"
#include "core/map.h"
#include "net/http.h"
#include "net/net.h"
#include "net/notify.h"
#include "net/proc.h"
#include "probe/probe.h"
#include "report/report.h"
#include "watch/watch.h"

#define TICK_MS 1000
#define OUTBOX_BATCH 64
#define RETRY_MIN_S 5
#define RETRY_MAX_S 3600
#define EXEC_TIMEOUT_MS 30000
#define RETAIN_EVERY_S 3600
/* An alert being delivered is this worker's this long (the deliveries
 * time out sooner). */
#define DELIVERY_LEASE_S 60
/* The store is unreachable: try again after this long, doubling. */
#define BACKOFF_MIN_MS 500
#define BACKOFF_MAX_MS 30000
/* A round waits this long at most for the deliveries in flight: the loop
 * that carries them does not run during a round. */
#define DELIVERY_WAIT_MS 5000

/* One watched domain. */
struct sched {
	const char *name;  /* the config's string */
	size_t group;      /* index into cfg.groups */
	int64_t due;
	int in_round;      /* taken for the current round (with --once: done) */
	double started;    /* monotonic ms its check started */
};

static const double DUR_BOUNDS[DD_WATCH_DUR_BUCKETS - 1] = { 0.05, 0.1, 0.25, 0.5, 1, 2.5,
							     5, 10, 30, 60 };

const double *dd_watch_duration_bounds(void)
{
	return DUR_BOUNDS;
}

/* Count one check's duration (read by the web server's thread). */
static void count_duration(struct dd_watch_result *res, double ms)
{
	size_t b = 0;

	while (b < DD_WATCH_DUR_BUCKETS - 1 && ms > DUR_BOUNDS[b] * 1000)
		b++;
	__atomic_fetch_add(&res->dur_count[b], 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&res->dur_sum_us, (uint64_t)(ms * 1000), __ATOMIC_RELAXED);
}

struct svc {
	struct dd_store *st;
	struct dd_watch_settings *s;
	const struct dd_watch_opts *o;
	struct dd_watch_result *res;
	struct dd_net *net;
	struct dd_net_http *http;
	struct dd_net_timer *tick;
	struct dd_net_sig *sig[3];
	struct sched *doms;
	size_t ndoms;
	struct dd_map index;       /* name -> struct sched */
	struct dd_map sending;     /* outbox ids in delivery */
	struct dd_map evdocs;      /* domain -> its latest evidence document (char *),
				    * from its evidence's completion to its round's commit */
	size_t *batch;             /* the round's domains */
	size_t nbatch, next;
	struct dd_audit *audit;    /* the round in progress */
	char routes[DD_WATCH_MAX_ROUTES][DD_WATCH_PATH_MAX + 16]; /* a commit's outbox routes */
	struct dd_clock clk;
	int64_t last_retain;
	char worker[160];          /* this worker's name in the store */
	int full;                  /* the last claim took as many as it could */
	/* Check documents whose round the store could not take (its
	 * connection lost): stored again before any new work is taken. */
	char **unstored;
	size_t nunstored, unstored_max;
	unsigned backoff_ms;
	int down;                  /* the last claim found the store unreachable */
	double waiting_since;      /* monotonic ms a round began waiting for deliveries, 0 */
	double round_lag;          /* the most a domain of this round started after it was due */
	int stopping;
	int err;
	char *why;
};

static void logf_(struct svc *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void logf_(struct svc *w, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (!w->o->log)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	w->o->log(w->o->ctx, line);
}

/* Tell the service manager (nothing without one); a message it does not
 * take is logged, the service goes on. */
static void tell(struct svc *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void tell(struct svc *w, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (!w->o->notify)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (dd_net_notify_send(w->o->notify, msg) != 0)
		logf_(w, "the service manager's socket did not take '%.40s'", msg);
}

/* Progress: the watchdog's ping when one is due. */
static void alive(struct svc *w)
{
	dd_net_notify_alive(w->o->notify, dd_clock_mono_ms());
}

static int status_from(const char *name)
{
	for (int i = 0; name && i < DD_STATUS_COUNT; i++)
		if (strcmp(dd_chk_status_name(i), name) == 0)
			return i;
	return DD_STATUS_UNKNOWN;
}

static int layer_from(const char *name)
{
	for (int i = 0; name && i < DD_LAYER_COUNT; i++)
		if (strcmp(dd_chk_layer_name(i), name) == 0)
			return i;
	return DD_LAYER_NONE;
}

/* 2 critical > 1 warning > 3 unknown > 0 ok, as monitoring reads it. */
static int worse(int a, int b)
{
	static const int rank[] = { 0, 2, 3, 1 };
	return rank[b] > rank[a] ? b : a;
}

/* ---- the schedule ------------------------------------------------------------ */

static const struct dd_watch_group *group_of(const struct svc *w, const struct sched *d)
{
	return &w->s->cfg.groups[d->group];
}

/* The same offset for every domain of a group in a given round, so a
 * primary and its backups stay together, and spread between groups. */
static int64_t jitter(const struct svc *w, const struct sched *d, int64_t base)
{
	const struct dd_watch_group *g = group_of(w, d);
	unsigned j = dd_watch_group_jitter(&w->s->cfg, g);
	uint64_t h = 1469598103934665603ULL ^ (uint64_t)base;

	if (!j)
		return 0;
	for (const char *c = g->name; *c; c++)
		h = (h ^ (unsigned char)*c) * 1099511628211ULL;
	return (int64_t)(h % (2 * (uint64_t)j + 1)) - (int64_t)j;
}

static int64_t next_due(const struct svc *w, const struct sched *d, int64_t checked,
			int64_t now)
{
	int64_t iv = dd_watch_group_interval(&w->s->cfg, group_of(w, d));
	int64_t next = d->due + iv;

	/* Checked more than half an interval late (the worker that held it
	 * died, or rounds outlast the interval): one interval from the check,
	 * never two checks in one interval, nor a catch-up burst. */
	if (checked - d->due > iv / 2 && next < checked + iv)
		next = checked + iv;
	if (next <= now)
		next = now + iv;
	next += jitter(w, d, next);
	return next > now ? next : now + 1;
}

/* A due time from the store, after a restart: overdue by more than an
 * interval, the domain keeps its phase within the interval. */
static int64_t resume_due(int64_t due, int64_t now, int64_t iv)
{
	if (due >= now - iv)
		return due;
	return now + ((due - now) % iv + iv) % iv;
}

static int schedule_load(struct svc *w)
{
	const struct dd_watch_config *c = &w->s->cfg;
	int64_t now = dd_clock_now(&w->clk);
	size_t n = 0, k = 0;
	int rc;

	for (size_t g = 0; g < c->ngroups; g++)
		n += c->groups[g].ndomains;
	free(w->doms);
	dd_map_free(&w->index);
	dd_map_init(&w->index);
	w->doms = calloc(n ? n : 1, sizeof(*w->doms));
	free(w->batch);
	w->batch = calloc(n ? n : 1, sizeof(*w->batch));
	if (!w->doms || !w->batch)
		return DD_ENOMEM;
	w->ndoms = n;
	for (size_t g = 0; g < c->ngroups; g++) {
		const struct dd_watch_group *grp = &c->groups[g];
		int64_t iv = dd_watch_group_interval(c, grp);
		size_t k0 = k; /* a named group's domains are checked together */
		for (size_t i = 0; i < grp->ndomains; i++, k++) {
			struct sched *d = &w->doms[k];
			struct dd_store_dstate ds;
			d->name = grp->domains[i];
			d->group = g;
			/* New domains are spread over their first interval. */
			int64_t first = now + (int64_t)((uint64_t)iv * (grp->name[0] ? k0 : k) / n);
			if ((rc = dd_store_domain_add(w->st, d->name, grp->name, first)) != 0 ||
			    (rc = dd_store_dstate_get(w->st, d->name, &ds)) != 0)
				return rc;
			d->due = resume_due(ds.next_due, now, iv);
			if (d->due != ds.next_due && (rc = dd_store_reschedule(w->st, d->name, d->due)))
				return rc;
			if (dd_map_set(&w->index, d->name, d) != 0)
				return DD_ENOMEM;
		}
	}
	return 0;
}

/* ---- the evidence document a round keeps ---------------------------------------- */

static void evdoc_free(struct dd_store_evidence *e)
{
	if (e)
		dd_store_evidence_free(e);
	free(e);
}

/* On the pool thread that judged the domain: the document `check
 * --save-evidence` would write, packed for the store (the costly part:
 * serializing and compressing some tens of KB), or NULL (no memory: the
 * round then leaves the domain's kept document as it was). */
static void *evdoc_make(void *ctx, const struct dd_evidence *ev)
{
	const struct svc *w = ctx;
	struct dd_store_evidence *e = calloc(1, sizeof(*e));
	char *doc = e ? dd_ev_save_json(ev) : NULL;
	int rc = doc ? dd_store_evidence_pack(doc, strlen(doc), w->s->cfg.evidence_max, e)
		     : DD_ENOMEM;

	free(doc);
	if (rc) {
		evdoc_free(e);
		return NULL;
	}
	return e;
}

/* Back on the loop, just before the domain's line: kept until its round
 * is committed with it (replacing one not committed: a domain has one
 * round at a time). */
static void evdoc_took(void *ctx, const char *domain, void *doc)
{
	struct svc *w = ctx;
	struct dd_store_evidence *old = dd_map_get(&w->evdocs, domain);

	if (dd_map_set(&w->evdocs, domain, doc) != 0) {
		evdoc_free(doc);
		return;
	}
	evdoc_free(old);
}

static void evdoc_drop(void *ctx, void *doc)
{
	(void)ctx;
	evdoc_free(doc);
}

/* ---- one domain's round ------------------------------------------------------- */

struct round_in {
	json_t *facts, *findings, *prev, *good;
	char *facts_s, *findings_s, *payload;
};

static void round_in_free(struct round_in *r)
{
	json_decref(r->facts);
	json_decref(r->findings);
	json_decref(r->prev);
	json_decref(r->good);
	free(r->facts_s);
	free(r->findings_s);
	free(r->payload);
}

/* A stored round's facts, with the round's time (kept in the round, not in
 * the facts, so that rounds that found the same share their content). */
static void take_facts(void *arg, const struct dd_store_round *r)
{
	json_t **out = arg;

	*out = r->facts ? json_loads(r->facts, 0, NULL) : NULL;
	if (*out)
		json_object_set_new(*out, "time", json_integer(r->time));
}

static void digest_hex(const char *line, size_t len, char out[65])
{
	unsigned char d[32];

	ldns_sha256((const unsigned char *)line, (unsigned)len, d);
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static int notable(const struct dd_watch_event *ev, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (dd_watch_event_notable(&ev[i]))
			return 1;
	return 0;
}

/* The key of what the round says (summary, findings, facts). */
static int content_key(const char *summary, const struct round_in *in, char key[65])
{
	struct dd_buf b;

	dd_buf_init(&b);
	dd_buf_printf(&b, "%s\n%s\n%s", summary ? summary : "", in->findings_s, in->facts_s);
	if (dd_buf_failed(&b)) {
		dd_buf_free(&b);
		return DD_ENOMEM;
	}
	digest_hex(dd_buf_str(&b), b.len, key);
	dd_buf_free(&b);
	return 0;
}

/* The outbox rows of an alert: one per route of the group that takes
 * alerts of the incident's severity. */
static size_t alert_rows(const struct svc *w, const struct sched *d, const struct dd_watch_step *s,
			 const char *payload, int64_t now, struct dd_store_alert *rows,
			 char routes[][DD_WATCH_PATH_MAX + 16])
{
	size_t nr, n = 0;
	const struct dd_watch_route *r = dd_watch_group_routes(&w->s->cfg, group_of(w, d), &nr);

	for (size_t i = 0; i < nr; i++) {
		if (s->alert_status < r[i].min_status)
			continue;
		snprintf(routes[n], DD_WATCH_PATH_MAX + 16, "%s %s", dd_watch_route_kind_name(r[i].kind),
			 r[i].target);
		rows[n] = (struct dd_store_alert){ .domain = d->name, .incident = s->inc.key,
						   .kind = dd_watch_alert_kind_name(s->alert),
						   .route = routes[n], .payload = payload,
						   .created = now };
		n++;
	}
	return n;
}

static int commit_round(struct svc *w, struct sched *d, const char *line, size_t len,
			const json_t *doc, struct round_in *in)
{
	const json_t *verdict = json_object_get(doc, "verdict");
	int status = status_from(json_string_value(json_object_get(verdict, "status")));
	int layer = layer_from(json_string_value(json_object_get(verdict, "layer")));
	const char *summary = json_string_value(json_object_get(verdict, "summary"));
	int64_t now = dd_clock_now(&w->clk);
	int64_t t = json_integer_value(json_object_get(in->facts, "time"));
	struct dd_watch_policy pol = { w->s->cfg.alert_after, w->s->cfg.recover_after,
				       w->s->cfg.reminder_s };
	int warn = w->s->cfg.judge.expiry_warn ? (int)w->s->cfg.judge.expiry_warn : 30;
	struct dd_watch_event ev[DD_WATCH_MAX_EVENTS], ch[DD_WATCH_MAX_EVENTS];
	struct dd_store_event sev[DD_WATCH_MAX_EVENTS];
	struct dd_store_alert rows[DD_WATCH_MAX_ROUTES];
	struct dd_store_dstate prev;
	struct dd_watch_step step;
	char digest[65], key[65];
	size_t nev, nch, nrows = 0;
	int rc;

	if (!t)
		t = now;
	if ((rc = dd_store_dstate_get(w->st, d->name, &prev)) != 0)
		return rc;
	if (prev.last_round)
		dd_store_round_get(w->st, prev.last_round, take_facts, &in->prev);
	if (prev.last_good)
		dd_store_round_get(w->st, prev.last_good, take_facts, &in->good);
	nev = dd_watch_events(in->prev, in->facts, warn, ev, DD_WATCH_MAX_EVENTS);
	for (size_t i = 0; i < nev; i++)
		sev[i] = (struct dd_store_event){ t, d->name, ev[i].kind, ev[i].detail };
	dd_watch_incident_step(&prev, d->name, status, layer, summary, t, &pol, &step);
	step.state.next_due = next_due(w, d, t, now);
	if (step.alert == DD_WATCH_ALERT_NONE && in->prev && notable(ev, nev)) {
		/* Outside an alert, a change that announces trouble is told once. */
		step.alert = DD_WATCH_ALERT_CHANGE;
		step.alert_status = status == DD_STATUS_CRITICAL ? status : DD_STATUS_WARNING;
		if (!step.inc.key[0])
			step.inc.key = d->name;
	}
	if (step.alert != DD_WATCH_ALERT_NONE) {
		/* What changed since the last good round (for a recovery: in
		 * this round). */
		int this_round = step.alert == DD_WATCH_ALERT_CLOSE ||
				 step.alert == DD_WATCH_ALERT_CHANGE;
		nch = dd_watch_events(this_round ? in->prev : in->good, in->facts, warn, ch,
				      DD_WATCH_MAX_EVENTS);
		in->payload = dd_watch_alert_json(step.alert, d->name, group_of(w, d)->name,
						  step.inc.key, t, status, layer, summary,
						  in->findings, ch, nch);
		if (!in->payload)
			return DD_ENOMEM;
		nrows = alert_rows(w, d, &step, in->payload, now, rows, w->routes);
	}
	digest_hex(line, len, digest);
	if ((rc = content_key(summary, in, key)) != 0)
		return rc;
	struct dd_store_round r = { .domain = d->name, .time = t, .status = status,
				    .layer = layer, .summary = summary ? summary : "",
				    .findings = in->findings_s, .facts = in->facts_s,
				    .digest = digest, .content_key = key };
	struct dd_store_commit c = { .round = &r, .events = sev, .nevents = nev,
				     .state = &step.state, .incident = &step.inc,
				     .alerts = rows, .nalerts = nrows,
				     .expect_last = prev.last_round };
	c.evidence = dd_map_get(&w->evdocs, d->name);
	rc = dd_store_commit(w->st, &c);
	if (rc == 0 || rc == DD_ECONFLICT) /* kept while the round may be stored again */
		evdoc_free(dd_map_del(&w->evdocs, d->name));
	if (rc == DD_ECONFLICT) {
		/* Another worker stored a round of this domain since its state
		 * was read (this worker's lease had ended): that one counts. */
		logf_(w, "%s: stored meanwhile by another worker, this round dropped", d->name);
		return 0;
	}
	if (rc)
		return rc;
	d->due = step.state.next_due;
	__atomic_fetch_add(&w->res->rounds, 1, __ATOMIC_RELAXED);
	w->res->worst = worse(w->res->worst, status);
	if (step.alert != DD_WATCH_ALERT_NONE)
		logf_(w, "%s: %s alert queued (%s, layer %s) for %zu route(s)", d->name,
		      dd_watch_alert_kind_name(step.alert), dd_chk_status_name(status),
		      dd_chk_layer_name(layer), nrows);
	return 0;
}

/* Store one domain's check document as its round. */
static int store_line(struct svc *w, const char *line, size_t len)
{
	struct round_in in = { 0 };
	json_t *doc = json_loadb(line, len, 0, NULL);
	const char *name = json_string_value(json_object_get(doc, "domain"));
	struct sched *d = name ? dd_map_get(&w->index, name) : NULL;
	int rc = DD_EMALFORMED;

	if (d && (in.facts = dd_watch_facts(doc, &in.findings)) != NULL) {
		json_t *kept = json_copy(in.facts); /* without the time: see take_facts */
		json_object_del(kept, "time");
		in.facts_s = json_dumps(kept, JSON_COMPACT | JSON_SORT_KEYS);
		json_decref(kept);
		json_t *brief = dd_watch_findings_brief(in.findings);
		in.findings_s = brief ? json_dumps(brief, JSON_COMPACT) : NULL;
		json_decref(brief);
		rc = in.facts_s && in.findings_s ? commit_round(w, d, line, len, doc, &in)
						 : DD_ENOMEM;
	}
	if (d && rc == 0)
		count_duration(w->res, dd_clock_mono_ms() - d->started);
	if (rc && rc != DD_ERESET) {
		snprintf(w->why, DD_WATCH_WHY_MAX, "%s: cannot store the round: %s",
			 name ? name : "?", dd_strerror(rc));
		logf_(w, "%s", w->why);
	}
	round_in_free(&in);
	json_decref(doc);
	return rc;
}

/* The audit driver's write: one domain's check document, stored, or kept
 * while the store's connection is lost (the round's checks go on). */
static int on_line(void *ctx, const char *line, size_t len)
{
	struct svc *w = ctx;
	int rc = w->nunstored ? DD_ERESET : store_line(w, line, len);

	alive(w);
	if (rc != DD_ERESET)
		return rc;
	if (w->nunstored >= w->unstored_max)
		return DD_ELIMIT; /* cannot happen: no work is taken while some wait */
	if (!(w->unstored[w->nunstored] = strndup(line, len)))
		return DD_ENOMEM;
	if (!w->nunstored++)
		logf_(w, "the store is unreachable: results kept, no new work taken");
	return 0;
}

/* Store the kept results, oldest first: 0 when none is left, DD_ERESET
 * while the store is still unreachable. A round another worker stored
 * meanwhile is dropped (DD_ECONFLICT in commit_round): nothing twice. */
static int store_kept(struct svc *w)
{
	size_t done = 0;
	int rc = 0;

	while (done < w->nunstored) {
		rc = store_line(w, w->unstored[done], strlen(w->unstored[done]));
		if (rc == DD_ERESET)
			break;
		free(w->unstored[done++]);
	}
	if (done) {
		memmove(w->unstored, w->unstored + done,
			(w->nunstored - done) * sizeof(*w->unstored));
		w->nunstored -= done;
	}
	if (rc == DD_ERESET)
		return rc;
	if (done)
		logf_(w, "the store is back: %zu kept result(s) stored", done);
	return 0;
}

static void stop_all(struct svc *w);

/* The store is unreachable: the next tick after a growing delay. */
static void back_off(struct svc *w)
{
	if (w->stopping) { /* what is kept is checked again by the next run */
		stop_all(w);
		return;
	}
	w->backoff_ms = w->backoff_ms ? w->backoff_ms * 2 : BACKOFF_MIN_MS;
	if (w->backoff_ms > BACKOFF_MAX_MS)
		w->backoff_ms = BACKOFF_MAX_MS;
	dd_net_timer_start(w->tick, w->backoff_ms);
}

static int on_next(void *ctx, char name[DD_NAME_MAX])
{
	struct svc *w = ctx;
	struct sched *d;
	double lag;

	alive(w);
	if (w->next >= w->nbatch)
		return 0;
	d = &w->doms[w->batch[w->next++]];
	d->started = dd_clock_mono_ms();
	lag = (double)(dd_clock_now(&w->clk) - d->due);
	if (!w->o->once && lag > w->round_lag)
		w->round_lag = lag;
	if (!w->o->once && lag > w->res->max_lag_s)
		w->res->max_lag_s = lag;
	snprintf(name, DD_NAME_MAX, "%s", d->name);
	return 1;
}

static void on_round_signal(void *arg, int signum)
{
	struct svc *w = arg;

	(void)signum;
	if (!w->stopping)
		tell(w, "STOPPING=1\nSTATUS=stopping: finishing the checks in flight");
	w->stopping = 1;
	if (w->audit)
		dd_audit_stop(w->audit, 0); /* finish the domains in flight */
}

static int prepare(void *ctx, struct dd_evidence *ev)
{
	struct svc *w = ctx;

	return w->s->prepare(w->s->ctx, ev);
}

static int finish(void *ctx, struct dd_evidence *ev)
{
	struct svc *w = ctx;

	return w->s->finish(w->s->ctx, ev);
}

static int run_round(struct svc *w)
{
	const struct dd_watch_judge *j = &w->s->cfg.judge;
	struct dd_audit_opts ao = {
		.concurrency = w->s->cfg.concurrency, .format = DD_AUDIT_JSONL,
		.tool = w->o->tool, .next = on_next, .line = dd_rep_audit_line,
		.write = on_line, .ctx = w,
		.on_signal = on_round_signal, .signum = SIGTERM, .signal_arg = w,
		.reg = w->s->reg,
		.judge = { .expiry_warn_days = (int)j->expiry_warn,
			   .expiry_crit_days = (int)j->expiry_crit, .sig_warn_days = (int)j->sig_warn },
		.prepare = w->s->prepare ? prepare : NULL,
		.finish = w->s->finish ? finish : NULL,
		.document = w->s->cfg.evidence_max ? evdoc_make : NULL,
		.took = evdoc_took, .drop = evdoc_drop,
	};
	int rc;

	rc = dd_audit_new(&w->audit, w->s->po, w->s->hints, w->s->nhints, &ao);
	if (rc)
		return rc;
	rc = dd_audit_run(w->audit);
	const struct dd_audit_stats *as = dd_audit_stats(w->audit);
	__atomic_fetch_add(&w->res->queries, as->queries, __ATOMIC_RELAXED);
	__atomic_fetch_add(&w->res->timeouts, as->timeouts, __ATOMIC_RELAXED);
	__atomic_fetch_add(&w->res->checks, 1, __ATOMIC_RELAXED);
	if (rc == DD_EIO && dd_audit_why(w->audit)[0])
		snprintf(w->why, DD_WATCH_WHY_MAX, "%s", dd_audit_why(w->audit));
	dd_audit_free(w->audit);
	w->audit = NULL;
	return rc == DD_ECANCELED ? 0 : rc;
}

/* ---- deliveries ------------------------------------------------------------------ */

struct delivery {
	struct svc *w;
	int64_t id;
	unsigned attempts;
	char key[32];
};

static void delivered(struct delivery *dl, int ok, const char *error)
{
	struct svc *w = dl->w;
	int64_t now = dd_clock_now(&w->clk);
	unsigned shift = dl->attempts < 10 ? dl->attempts : 10;
	int64_t delay = (int64_t)RETRY_MIN_S << shift;

	if (delay > RETRY_MAX_S)
		delay = RETRY_MAX_S;
	if (dd_store_outbox_done(w->st, dl->id, ok, now, now + delay, error) != 0)
		logf_(w, "alert %lld: cannot record the delivery", (long long)dl->id);
	__atomic_fetch_add(ok ? &w->res->alerts_sent : &w->res->alerts_failed, 1,
			   __ATOMIC_RELAXED);
	if (!ok)
		logf_(w, "alert %lld: not delivered (%s), next try in %llds", (long long)dl->id,
		      error, (long long)delay);
	dd_map_del(&w->sending, dl->key);
	free(dl);
}

static void on_http(void *arg, const struct dd_net_http_reply *r)
{
	char err[300];

	if (r->err)
		snprintf(err, sizeof(err), "%s", r->why ? r->why : dd_strerror(r->err));
	else
		snprintf(err, sizeof(err), "status %ld", r->status);
	delivered(arg, r->err == 0 && r->status >= 200 && r->status < 300, err);
}

static void on_mail(void *arg, const struct dd_net_http_reply *r)
{
	delivered(arg, r->err == 0, r->why ? r->why : dd_strerror(r->err));
}

static void on_exec(void *arg, int status)
{
	char err[64];

	snprintf(err, sizeof(err), "exit status %d", status);
	delivered(arg, status == 0, err);
}

static int send_mail(struct svc *w, struct delivery *dl, const char *to, const char *payload)
{
	struct dd_buf text, msg;
	char subject[400], date[64];
	int rc;

	dd_buf_init(&text);
	dd_buf_init(&msg);
	if ((rc = dd_watch_alert_text(payload, &text, subject, sizeof(subject))) == 0) {
		dd_clock_format(dd_clock_now(&w->clk), date, sizeof(date));
		dd_buf_printf(&msg, "From: <%s>\r\nTo: <%s>\r\nSubject: %s\r\n"
			      "X-Dnsdeps-Date: %s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n",
			      w->s->cfg.mail_from, to, subject, date);
		for (const char *c = dd_buf_str(&text); *c; c++)
			dd_buf_add(&msg, *c == '\n' ? "\r\n" : c, *c == '\n' ? 2 : 1);
		rc = dd_buf_failed(&msg) ? DD_ENOMEM
					 : dd_net_http_mail(w->http, w->s->cfg.smtp_server,
							    w->s->cfg.mail_from, to, dd_buf_str(&msg),
							    msg.len, on_mail, dl);
	}
	dd_buf_free(&text);
	dd_buf_free(&msg);
	return rc;
}

/* DNSDEPS_* variables from the alert document, escaped, for an exec. */
static int send_exec(struct svc *w, struct delivery *dl, const char *prog, const char *payload)
{
	static const char *const keys[] = { "kind", "domain", "status", "layer", "summary",
					    "incident", "group" };
	json_t *o = json_loads(payload, 0, NULL);
	char *env[16] = { 0 }, *argv[2] = { (char *)prog, NULL };
	struct dd_buf text;
	char subject[400];
	size_t n = 0;
	int rc = o ? 0 : DD_EPARSE;

	dd_buf_init(&text);
	for (size_t i = 0; rc == 0 && i < sizeof(keys) / sizeof(keys[0]); i++) {
		struct dd_buf v;
		dd_buf_init(&v);
		dd_buf_printf(&v, "DNSDEPS_");
		for (const char *c = keys[i]; *c; c++)
			dd_buf_printf(&v, "%c", *c - 32);
		dd_buf_puts(&v, "=");
		const char *s = json_string_value(json_object_get(o, keys[i]));
		dd_buf_esc(&v, s ? s : "");
		env[n++] = dd_buf_failed(&v) ? NULL : strdup(dd_buf_str(&v));
		dd_buf_free(&v);
	}
	if (rc == 0 && (rc = dd_watch_alert_text(payload, &text, subject, sizeof(subject))) == 0 &&
	    asprintf(&env[n++], "DNSDEPS_TEXT=%s", dd_buf_str(&text)) < 0)
		env[n - 1] = NULL;
	if (rc == 0 && asprintf(&env[n++], "DNSDEPS_ALERT=%s", payload) < 0)
		env[n - 1] = NULL;
	env[n++] = strdup("PATH=/usr/local/bin:/usr/bin:/bin");
	for (size_t i = 0; rc == 0 && i < n; i++)
		if (!env[i])
			rc = DD_ENOMEM;
	if (rc == 0)
		rc = dd_net_spawn(w->net, argv, env, EXEC_TIMEOUT_MS, on_exec, dl);
	for (size_t i = 0; i < n; i++)
		free(env[i]);
	dd_buf_free(&text);
	json_decref(o);
	return rc;
}

static void deliver_one(void *arg, const struct dd_store_alert *a)
{
	struct svc *w = arg;
	struct delivery *dl;
	const char *sp = a->route ? strchr(a->route, ' ') : NULL;
	int rc;

	char key[32];
	snprintf(key, sizeof(key), "%lld", (long long)a->id);
	if (!sp || dd_map_get(&w->sending, key) || !(dl = calloc(1, sizeof(*dl))))
		return;
	dl->w = w;
	dl->id = a->id;
	dl->attempts = a->attempts;
	snprintf(dl->key, sizeof(dl->key), "%s", key);
	if (dd_map_set(&w->sending, key, dl) != 0) {
		free(dl);
		return;
	}
	if (strncmp(a->route, "webhook ", 8) == 0)
		rc = dd_net_http_post(w->http, sp + 1, "application/json", a->payload,
				      strlen(a->payload), on_http, dl);
	else if (strncmp(a->route, "email ", 6) == 0)
		rc = w->s->cfg.smtp_server[0] ? send_mail(w, dl, sp + 1, a->payload) : DD_EINVAL;
	else if (strncmp(a->route, "exec ", 5) == 0)
		rc = send_exec(w, dl, sp + 1, a->payload);
	else
		rc = DD_EUNSUPP;
	if (rc)
		delivered(dl, 0, dd_strerror(rc));
}

/* Start the deliveries that are due (all pending ones with every). */
static void deliver_due(struct svc *w, int every)
{
	int64_t now = every ? INT64_MAX : dd_clock_now(&w->clk);

	int64_t t = dd_clock_now(&w->clk);

	if (dd_store_outbox_due(w->st, w->worker, now, t, t + DELIVERY_LEASE_S, OUTBOX_BATCH, deliver_one,
				w) != 0)
		logf_(w, "cannot read the outbox");
}

/* Deliveries are in flight and have not waited too long: 1, wait. */
static int wait_deliveries(struct svc *w)
{
	double now = dd_clock_mono_ms();

	if (!w->sending.count) {
		w->waiting_since = 0;
		return 0;
	}
	if (!w->waiting_since)
		w->waiting_since = now;
	if (now - w->waiting_since < DELIVERY_WAIT_MS)
		return 1;
	w->waiting_since = 0;
	return 0;
}

/* ---- the loop ------------------------------------------------------------------- */

static void stop_all(struct svc *w)
{
	w->stopping = 1;
	dd_net_timer_stop(w->tick);
	dd_net_stop(w->net);
}

static void reload(struct svc *w)
{
	struct dd_watch_settings *n = NULL, *old = w->s;
	char why[DD_WATCH_WHY_MAX] = "";
	int rc;

	if (!w->o->reload)
		return;
	if (w->o->reload(w->o->ctx, &n, why) != 0) {
		logf_(w, "SIGHUP: the configuration is not usable, the old one stays: %s", why);
		return;
	}
	w->s = n;
	if ((rc = schedule_load(w)) != 0) {
		logf_(w, "SIGHUP: cannot schedule the new configuration (%s), the old one stays",
		      dd_strerror(rc));
		w->s = old;
		w->o->settings_free(w->o->ctx, n);
		schedule_load(w);
		return;
	}
	w->o->settings_free(w->o->ctx, old);
	logf_(w, "SIGHUP: configuration reloaded, %zu domains", w->ndoms);
	tell(w, "STATUS=configuration reloaded, watching %zu domain(s)", w->ndoms);
}

static void on_signal(void *arg, int signum)
{
	struct svc *w = arg;

	if (signum == SIGHUP) {
		reload(w);
		return;
	}
	logf_(w, "signal %d: stopping", signum);
	if (!w->stopping)
		tell(w, "STOPPING=1\nSTATUS=stopping");
	stop_all(w);
}

static void retain(struct svc *w, int64_t now)
{
	if (now - w->last_retain < RETAIN_EVERY_S)
		return;
	w->last_retain = now;
	if (dd_store_retain(w->st, now - (int64_t)w->s->cfg.retention_s) != 0)
		logf_(w, "retention: cannot delete old rounds");
}

static void take(void *arg, const char *name, int64_t due)
{
	struct svc *w = arg;
	struct sched *d = name ? dd_map_get(&w->index, name) : NULL;

	/* A domain of the store this worker's configuration does not have
	 * goes back when the lease ends. */
	if (!d || d->in_round || w->nbatch >= w->ndoms)
		return;
	d->due = due;
	d->in_round = 1;
	w->batch[w->nbatch++] = (size_t)(d - w->doms);
}

/* Claim the due domains (every domain with once) from the store into the
 * batch: the store's schedule decides, so that workers sharing it never
 * take the same domain. At most a few windows' worth per round, so that
 * other workers get their share. */
static size_t collect_due(struct svc *w, int64_t now)
{
	size_t max = (size_t)w->s->cfg.concurrency * 2;
	int rc;

	w->nbatch = 0;
	w->next = 0;
	if (max > w->ndoms)
		max = w->ndoms;
	rc = dd_store_claim(w->st, w->worker, w->o->once ? INT64_MAX : now, now,
			    now + (int64_t)w->s->cfg.lease_s, max, take, w);
	if (rc)
		logf_(w, "cannot take due domains from the store: %s", dd_strerror(rc));
	w->full = rc == 0 && max > 0 && w->nbatch == max;
	w->down = rc == DD_ERESET;
	return w->nbatch;
}

/* Room for a round's results while the store is unreachable. */
static int unstored_room(struct svc *w)
{
	size_t need = (size_t)w->s->cfg.concurrency * 2;
	char **n;

	if (w->unstored_max >= need)
		return 0;
	if (!(n = realloc(w->unstored, need * sizeof(*n))))
		return DD_ENOMEM;
	w->unstored = n;
	w->unstored_max = need;
	return 0;
}

static void on_tick(void *arg)
{
	struct svc *w = arg;
	int64_t now = dd_clock_now(&w->clk);
	int rc;

	alive(w);
	if (!w->stopping && wait_deliveries(w)) {
		dd_net_timer_start(w->tick, 50);
		return;
	}
	/* Kept results first; no new work while the store is away. */
	if (store_kept(w) == DD_ERESET || unstored_room(w) != 0) {
		back_off(w);
		return;
	}
	if (collect_due(w, now) == 0 && w->down) {
		back_off(w);
		return;
	}
	w->backoff_ms = 0;
	if (w->nbatch > 0) {
		double t0 = dd_clock_mono_ms();
		w->round_lag = 0;
		if ((rc = run_round(w)) != 0) {
			w->err = rc;
			if (!w->why[0])
				snprintf(w->why, DD_WATCH_WHY_MAX, "round: %s", dd_strerror(rc));
			stop_all(w);
			return;
		}
		/* With --once a domain is checked once: it stays taken. */
		for (size_t i = 0; !w->o->once && i < w->nbatch; i++)
			w->doms[w->batch[i]].in_round = 0;
		logf_(w, "round: %zu domain(s) checked in %.1f s, started at most %.0f s late",
		      w->nbatch, (dd_clock_mono_ms() - t0) / 1000, w->round_lag);
		tell(w, "STATUS=watching %zu domain(s); last round: %zu checked in %.1f s;"
			" %llu domain-round(s) stored since the start",
		     w->ndoms, w->nbatch, (dd_clock_mono_ms() - t0) / 1000,
		     (unsigned long long)__atomic_load_n(&w->res->rounds, __ATOMIC_RELAXED));
	}
	retain(w, dd_clock_now(&w->clk));
	deliver_due(w, 0);
	if (w->stopping || (w->o->once && !w->full)) {
		stop_all(w);
		return;
	}
	/* More are due than one claim took: the next batch at once. */
	dd_net_timer_start(w->tick, w->full ? 0 : TICK_MS);
}

/* The configured name, or the host name. */
static void worker_name(struct svc *w)
{
	char host[128] = "";

	if (w->s->cfg.worker[0]) {
		snprintf(w->worker, sizeof(w->worker), "%s", w->s->cfg.worker);
		return;
	}
	if (gethostname(host, sizeof(host) - 1) != 0 || !host[0])
		snprintf(host, sizeof(host), "localhost");
	snprintf(w->worker, sizeof(w->worker), "%s", host);
}

static int svc_open(struct svc *w)
{
	static const int sigs[3] = { SIGTERM, SIGINT, SIGHUP };
	struct dd_net_opts no = { .max_inflight = 64, .max_inflight_server = 16 };
	struct dd_net_http_opts ho = { .timeout_ms = 10000,
				       .ca_file = w->s->cfg.judge.ca_file[0]
							  ? w->s->cfg.judge.ca_file : NULL };
	int rc;

	dd_map_init(&w->index);
	dd_map_init(&w->sending);
	dd_map_init(&w->evdocs);
	worker_name(w);
	/* What a previous run under this name held is free again. */
	if ((rc = dd_store_release(w->st, w->worker)) != 0)
		return rc;
	if ((rc = dd_net_new(&w->net, &no)) != 0 ||
	    (rc = dd_net_http_new(w->net, &ho, &w->http)) != 0 ||
	    (rc = dd_net_timer_new(w->net, on_tick, w, &w->tick)) != 0)
		return rc;
	for (int i = 0; i < 3; i++)
		if ((rc = dd_net_sig_new(w->net, sigs[i], on_signal, w, &w->sig[i])) != 0)
			return rc;
	return schedule_load(w);
}

static void evdoc_free_value(void *arg, const char *key, void *value)
{
	(void)arg;
	(void)key;
	evdoc_free(value);
}

static void free_value(void *arg, const char *key, void *value)
{
	(void)arg;
	(void)key;
	free(value);
}

static void svc_close(struct svc *w)
{
	/* The domains taken and the alerts in delivery go back at once. */
	if (w->worker[0] && dd_store_release(w->st, w->worker) != 0)
		logf_(w, "cannot give the leases back: they end by themselves");
	for (int i = 0; i < 3; i++)
		dd_net_sig_free(w->sig[i]);
	dd_net_timer_free(w->tick);
	dd_net_http_free(w->http);
	dd_net_free(w->net); /* abandons deliveries in flight: the outbox keeps them */
	dd_map_each(&w->sending, free_value, NULL);
	dd_map_free(&w->sending);
	dd_map_each(&w->evdocs, evdoc_free_value, NULL);
	dd_map_free(&w->evdocs);
	dd_map_free(&w->index);
	free(w->doms);
	free(w->batch);
	if (w->nunstored)
		logf_(w, "stopping with %zu result(s) the store did not take: their domains are"
			 " checked again", w->nunstored);
	for (size_t i = 0; i < w->nunstored; i++)
		free(w->unstored[i]);
	free(w->unstored);
}

int dd_watch_run(struct dd_store *st, struct dd_watch_settings *s, const struct dd_watch_opts *o,
		 struct dd_watch_settings **final, struct dd_watch_result *res,
		 char why[DD_WATCH_WHY_MAX])
{
	struct svc w = { .st = st, .s = s, .o = o, .res = res, .why = why };
	int rc;

	why[0] = '\0';
	if ((rc = svc_open(&w)) != 0) {
		if (!why[0])
			snprintf(why, DD_WATCH_WHY_MAX, "cannot start: %s", dd_strerror(rc));
	} else {
		/* Alerts a previous run queued and could not deliver go first,
		 * whatever their retry time: the restart is a reason to try. */
		deliver_due(&w, 1);
		/* The store is open, the web server (if any) listens: ready. */
		tell(&w, "READY=1\nSTATUS=watching %zu domain(s)", w.ndoms);
		dd_net_timer_start(w.tick, 0);
		dd_net_run(w.net);
		/* With --once the alerts of the round are sent before exiting. */
		if (o->once && !w.err) {
			w.stopping = 0;
			dd_net_run(w.net);
		}
		rc = w.err;
	}
	*final = w.s;
	svc_close(&w);
	return rc;
}
