/* queue.c: the distributed audit (`dnsdeps audit --queue`, docs/postgresql.md).
 * A worker takes batches of a job's domains from the store with a lease,
 * checks them with the audit driver as a live audit does, and stores each
 * domain's line with its item marked done, in one transaction per batch of
 * results. While the store is unreachable the results are kept in a bounded
 * buffer and no item is taken; they are stored when it is back, after a
 * growing delay. While domains are in flight the worker extends the leases
 * it holds every third of the lease, from a timer on the driver's loop, so
 * that a check longer than the lease is not taken by another worker. The summary of a job is counted by the database
 * (dd_store_queue_summary) and put into the summary struct of summary.c,
 * whose renderers print it as a single audit's. */
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit/audit.h"
#include "core/env.h"
#include "core/err.h"

/* Results are stored at least this often, and by this many at most. */
#define FLUSH_MS 1000
#define FLUSH_AT 64
/* The store is unreachable: try again after this long, doubling (as the
 * watch does). */
#define BACKOFF_MIN_MS 500
#define BACKOFF_MAX_MS 30000
/* Progress lines at most this often. */
#define LOG_EVERY_MS 10000
/* Nothing to take while other workers hold items: look again after this. */
#define IDLE_MS 1000

/* ---- one domain's result ------------------------------------------------------ */

void dd_audit_qresult_free(struct dd_audit_qresult *q)
{
	json_decref(q->doc);
	free(q->line);
	free(q->codes);
	free(q->operators);
	memset(q, 0, sizeof(*q));
}

static int status_of(const char *name)
{
	for (int i = 0; name && i < DD_STATUS_COUNT; i++)
		if (strcmp(dd_chk_status_name((enum dd_chk_status)i), name) == 0)
			return i;
	return DD_STATUS_UNKNOWN;
}

static int layer_of(const char *name)
{
	for (int i = 0; name && i < DD_LAYER_COUNT; i++)
		if (strcmp(dd_chk_layer_name((enum dd_chk_layer)i), name) == 0)
			return i;
	return DD_LAYER_NONE;
}

/* A JSON array of the distinct strings v[0..n), compact. */
static char *distinct_array(const char *const *v, size_t n)
{
	json_t *a = json_array();
	char *out;

	for (size_t i = 0; a && i < n; i++) {
		int dup = 0;
		for (size_t j = 0; j < i && !dup; j++)
			dup = strcmp(v[j], v[i]) == 0;
		if (!dup && json_array_append_new(a, json_string(v[i])) != 0) {
			json_decref(a);
			return NULL;
		}
	}
	out = a ? json_dumps(a, JSON_COMPACT) : NULL;
	json_decref(a);
	return out;
}

int dd_audit_qresult_parse(const char *line, size_t len, struct dd_audit_qresult *out)
{
	struct dd_audit_saved sv;
	char ops[32][DD_NAME_MAX];
	const char *opv[32];
	const char *d;
	size_t nops = 0;

	memset(out, 0, sizeof(*out));
	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	out->doc = json_loadb(line, len, 0, NULL);
	d = json_string_value(json_object_get(out->doc, "domain"));
	if (!d || strlen(d) >= DD_NAME_MAX || !json_object_get(out->doc, "verdict")) {
		dd_audit_qresult_free(out);
		return DD_EMALFORMED;
	}
	snprintf(out->domain, sizeof(out->domain), "%s", d);
	dd_audit_saved_json(out->doc, &sv);
	/* The operators as the summary counts a saved line's (summary.c). */
	for (size_t i = 0; i < sv.nns && nops < 32; i++) {
		dd_audit_operator(sv.ns[i], ops[nops]);
		opv[nops] = ops[nops];
		nops++;
	}
	out->line = strndup(line, len);
	out->codes = distinct_array(sv.codes, sv.ncodes);
	out->operators = distinct_array(opv, nops);
	if (!out->line || !out->codes || !out->operators) {
		dd_audit_qresult_free(out);
		return DD_ENOMEM;
	}
	out->r = (struct dd_store_qresult){
		.domain = out->domain, .status = status_of(sv.status), .layer = layer_of(sv.layer),
		.codes = out->codes, .operators = out->operators, .registrar = sv.registrar,
		.nns = (unsigned)sv.nns, .doc = out->line,
	};
	return 0;
}

/* ---- the summary, from the store ------------------------------------------------ */

static int code_index(const char *code, size_t *k)
{
	size_t n;
	const struct dd_chk_def *defs = dd_chk_defs(&n);

	for (size_t i = 0; i < n; i++)
		if (strcmp(defs[i].code, code) == 0) {
			*k = i;
			return 0;
		}
	return DD_EMALFORMED;
}

int dd_audit_qsummary_put(struct dd_audit_summary *s, struct dd_audit_run_info *ri,
			  const char *what, const char *key, uint64_t n)
{
	static const struct {
		const char *what;
		size_t off;
	} scalars[] = {
		{ "domains", offsetof(struct dd_audit_summary, domains) },
		{ "no_ns", offsetof(struct dd_audit_summary, no_ns) },
		{ "single_operator", offsetof(struct dd_audit_summary, single_operator) },
		{ "reg_unknown", offsetof(struct dd_audit_summary, reg_unknown) },
	};
	long v = strtol(key, NULL, 10);
	size_t k;

	for (size_t i = 0; i < sizeof(scalars) / sizeof(scalars[0]); i++)
		if (strcmp(what, scalars[i].what) == 0) {
			*(uint64_t *)((char *)s + scalars[i].off) = n;
			return 0;
		}
	if (strcmp(what, "status") == 0 && v >= 0 && v < DD_STATUS_COUNT)
		s->status[v] = n;
	else if (strcmp(what, "layer") == 0 && v >= 0 && v < DD_LAYER_COUNT)
		s->layer[v] = n;
	else if (strcmp(what, "code") == 0 && code_index(key, &k) == 0 && k < s->ncodes)
		s->codes[k] = n;
	else if (strcmp(what, "operator") == 0)
		return dd_audit_tally_add(&s->operators, key, n);
	else if (strcmp(what, "registrar") == 0)
		return dd_audit_tally_add(&s->registrars, key, n);
	else if (strcmp(what, "queries") == 0)
		ri->queries = (unsigned long)n;
	else if (strcmp(what, "shared_queries") == 0)
		ri->shared = (unsigned long)n;
	else if (strcmp(what, "timeouts") == 0)
		ri->timeouts = (unsigned long)n;
	else if (strcmp(what, "seconds") == 0)
		ri->seconds = (double)n;
	else
		return DD_EMALFORMED;
	return 0;
}

struct put_ctx {
	struct dd_audit_summary *s;
	struct dd_audit_run_info *ri;
};

static int put(void *arg, const char *what, const char *key, uint64_t n)
{
	struct put_ctx *c = arg;

	return dd_audit_qsummary_put(c->s, c->ri, what, key, n);
}

int dd_audit_queue_summary(struct dd_store *st, const char *job, struct dd_audit_summary *s,
			   struct dd_audit_run_info *ri)
{
	struct put_ctx c = { s, ri };

	return dd_store_queue_summary(st, job, put, &c);
}

/* ---- the worker ------------------------------------------------------------------ */

struct qw {
	struct dd_store *st;
	const struct dd_audit_queue_opts *qo;
	const struct dd_audit_opts *user; /* the caller's options: prepare, finish, ctx */
	struct dd_audit *a;
	struct dd_clock clk;
	/* items taken and not started */
	char (*pending)[DD_NAME_MAX];
	size_t npending, pos;
	/* results not stored yet */
	struct dd_audit_qresult *kept;
	size_t nkept, kept_max;
	struct dd_store_qcount count;     /* since the last commit */
	struct dd_audit_stats seen;       /* the run's counters already in count */
	struct dd_audit_queue_stats *out;
	double next_try, last_flush, last_log, next_renew;
	unsigned backoff_ms;
	int down;                         /* the store did not answer the last call */
	int stopping;
	uint64_t claimed_run;             /* items taken during this run */
	double store_ms;                  /* time spent waiting for the store */
	char *why;
};

static void logf_(struct qw *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void logf_(struct qw *w, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (!w->qo->log)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	w->qo->log(w->qo->log_ctx, line);
}

/* The store did not answer: no call to it before a growing delay. */
static void lost(struct qw *w, int rc, const char *doing)
{
	w->backoff_ms = w->backoff_ms ? w->backoff_ms * 2 : BACKOFF_MIN_MS;
	if (w->backoff_ms > BACKOFF_MAX_MS)
		w->backoff_ms = BACKOFF_MAX_MS;
	w->next_try = dd_clock_mono_ms() + w->backoff_ms;
	if (!w->down)
		logf_(w, "the store is unreachable (%s: %s): %zu result(s) kept, no new work "
			 "taken; trying again", doing, dd_strerror(rc), w->nkept);
	w->down = 1;
}

static void back(struct qw *w)
{
	if (w->down)
		logf_(w, "the store is back");
	w->down = 0;
	w->backoff_ms = 0;
	w->next_try = 0;
}

/* Add the running driver's counters since the last look to count. */
static void take_stats(struct qw *w)
{
	const struct dd_audit_stats *st;

	if (!w->a)
		return;
	st = dd_audit_stats(w->a);
	w->count.queries += st->queries - w->seen.queries;
	w->count.shared += st->shared - w->seen.shared;
	w->count.timeouts += st->timeouts - w->seen.timeouts;
	w->seen = *st;
}

/* Store the kept results in one transaction. 0, or the store's error
 * (they stay kept). */
static int flush(struct qw *w)
{
	struct dd_store_qresult *r;
	size_t stored = 0;
	int rc;

	if (w->down && dd_clock_mono_ms() < w->next_try)
		return DD_ERESET;
	take_stats(w);
	if (!(r = malloc((w->nkept ? w->nkept : 1) * sizeof(*r))))
		return DD_ENOMEM;
	for (size_t i = 0; i < w->nkept; i++)
		r[i] = w->kept[i].r;
	w->last_flush = dd_clock_mono_ms();
	rc = dd_store_queue_done(w->st, w->qo->job, w->qo->worker, dd_clock_now(&w->clk), r,
				 w->nkept, &w->count, &stored);
	free(r);
	w->store_ms += dd_clock_mono_ms() - w->last_flush;
	if (rc == DD_EINVAL) /* the database refused them: no use trying again */
		snprintf(w->why, 256, "the database refused the results: %s", dd_strerror(rc));
	else if (rc)
		lost(w, rc, "storing results");
	if (rc)
		return rc;
	back(w);
	w->out->stored += stored;
	w->out->dropped += w->nkept - stored;
	w->out->queries += w->count.queries;
	w->out->timeouts += w->count.timeouts;
	for (size_t i = 0; i < w->nkept; i++)
		dd_audit_qresult_free(&w->kept[i]);
	w->nkept = 0;
	memset(&w->count, 0, sizeof(w->count));
	return 0;
}

/* Every third of the lease. The lease is in whole seconds, so the last
 * renewal may be up to a second older than it looks: with --lease 1s a
 * lease can end between two renewals, with 2 s or more it cannot. */
static unsigned renew_ms(const struct qw *w)
{
	return w->qo->lease_s * 1000 / 3;
}

/* Extend the leases of the items this worker holds (in flight, taken and
 * not started, or their results kept). The store away: as for the other
 * calls, a growing delay; the leases may end meanwhile, and the items go
 * to another worker (the first result stored wins). */
static void renew(struct qw *w)
{
	double t0 = dd_clock_mono_ms();
	uint64_t held;
	int rc;

	if (t0 < w->next_renew || (w->down && t0 < w->next_try))
		return;
	w->next_renew = t0 + renew_ms(w);
	rc = dd_store_queue_renew(w->st, w->qo->job, w->qo->worker,
				  dd_clock_now(&w->clk) + w->qo->lease_s, &held);
	w->store_ms += dd_clock_mono_ms() - t0;
	if (rc) {
		lost(w, rc, "renewing the leases");
		return;
	}
	back(w);
	w->out->renewals++;
}

static void on_tick(void *ctx)
{
	renew(ctx);
}

static void take(void *arg, const char *domain)
{
	struct qw *w = arg;

	if (w->npending < w->qo->batch && strlen(domain) < DD_NAME_MAX)
		strcpy(w->pending[w->npending++], domain);
}

/* Take the next batch; 0 when none was taken. */
static size_t claim(struct qw *w)
{
	int64_t now = dd_clock_now(&w->clk);
	unsigned inflight = w->a ? dd_audit_stats(w->a)->inflight : 0;
	int rc;

	w->npending = w->pos = 0;
	/* Room for every result of the batch even if the store goes away. */
	if (w->nkept + inflight + w->qo->batch > w->kept_max)
		return 0;
	if (w->down && dd_clock_mono_ms() < w->next_try)
		return 0;
	double t0 = dd_clock_mono_ms();
	rc = dd_store_queue_claim(w->st, w->qo->job, w->qo->worker, now, now + w->qo->lease_s,
				  w->qo->batch, take, w);
	w->store_ms += dd_clock_mono_ms() - t0;
	if (rc) {
		lost(w, rc, "taking work");
		w->npending = 0;
		return 0;
	}
	back(w);
	w->claimed_run += w->npending;
	w->out->claimed += w->npending;
	return w->npending;
}

static int on_next(void *ctx, char name[DD_NAME_MAX])
{
	struct qw *w = ctx;

	if (w->stopping)
		return 0;
	if (w->pos == w->npending && claim(w) == 0)
		return 0;
	memcpy(name, w->pending[w->pos++], DD_NAME_MAX);
	return 1;
}

static void progress(struct qw *w, int force)
{
	double now = dd_clock_mono_ms();
	unsigned inflight = w->a ? dd_audit_stats(w->a)->inflight : 0;

	if (!force && now - w->last_log < LOG_EVERY_MS)
		return;
	w->last_log = now;
	logf_(w, "%llu taken, %llu stored, %llu dropped (stored by another worker), %zu kept, "
		 "%u in flight, %llu lease renewals; %.1f s waiting for the database",
	      (unsigned long long)w->out->claimed, (unsigned long long)w->out->stored,
	      (unsigned long long)w->out->dropped, w->nkept, inflight,
	      (unsigned long long)w->out->renewals, w->store_ms / 1000);
}

static int on_write(void *ctx, const char *line, size_t len)
{
	struct qw *w = ctx;
	int rc;

	if (w->nkept >= w->kept_max)
		return DD_ELIMIT; /* cannot happen: no item is taken without room */
	if ((rc = dd_audit_qresult_parse(line, len, &w->kept[w->nkept])) != 0)
		return rc;
	w->nkept++;
	if (w->nkept >= FLUSH_AT || dd_clock_mono_ms() - w->last_flush >= FLUSH_MS)
		if ((rc = flush(w)) == DD_ENOMEM || rc == DD_EINVAL)
			return rc;
	return 0;
}

static void on_progress(void *ctx, const struct dd_audit_stats *st)
{
	(void)st;
	progress(ctx, 0);
}

static void on_signal(void *arg, int signum)
{
	struct qw *w = arg;

	(void)signum;
	if (!w->stopping)
		logf_(w, "signal %d: finishing the domains in flight, then stopping", signum);
	w->stopping = 1;
	if (w->a)
		dd_audit_stop(w->a, 0);
}

static int prepare(void *ctx, struct dd_evidence *ev)
{
	struct qw *w = ctx;

	return w->user->prepare(w->user->ctx, ev);
}

static int finish(void *ctx, struct dd_evidence *ev)
{
	struct qw *w = ctx;

	return w->user->finish(w->user->ctx, ev);
}

/* One run of the driver over the items taken during it. */
static int run_once(struct qw *w, const struct dd_probe_opts *po, const struct dd_dns_hint *hints,
		    size_t nhints)
{
	struct dd_audit_opts ao = *w->user;
	int rc;

	ao.format = DD_AUDIT_JSONL;
	ao.next = on_next;
	ao.write = on_write;
	ao.progress = on_progress;
	ao.tick = on_tick;
	ao.tick_ms = renew_ms(w);
	ao.ctx = w;
	ao.on_signal = on_signal;
	ao.signum = SIGTERM;
	ao.signal_arg = w;
	ao.prepare = w->user->prepare ? prepare : NULL;
	ao.finish = w->user->finish ? finish : NULL;
	w->claimed_run = 0;
	memset(&w->seen, 0, sizeof(w->seen));
	if ((rc = dd_audit_new(&w->a, po, hints, nhints, &ao)) != 0)
		return rc;
	rc = dd_audit_run(w->a);
	if (rc && rc != DD_ECANCELED && dd_audit_why(w->a)[0])
		snprintf(w->why, 256, "%s", dd_audit_why(w->a));
	take_stats(w);
	dd_audit_free(w->a);
	w->a = NULL;
	return rc == DD_ECANCELED ? 0 : rc;
}

static void nap(unsigned ms)
{
	struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Nothing was taken: 1 when no item is left (done), 0 to look again. */
static int queue_empty(struct qw *w)
{
	struct dd_store_qprogress p;
	int rc;

	if (w->down && dd_clock_mono_ms() < w->next_try)
		return 0;
	if ((rc = dd_store_queue_progress(w->st, w->qo->job, dd_clock_now(&w->clk), &p)) != 0) {
		lost(w, rc, "reading the queue");
		return 0;
	}
	back(w);
	return p.leased == 0 && p.left == 0;
}

static int work(struct qw *w, const struct dd_probe_opts *po, const struct dd_dns_hint *hints,
		size_t nhints)
{
	int rc;

	while (!w->stopping) {
		if (w->nkept && (rc = flush(w)) != 0) {
			if (rc == DD_ENOMEM || rc == DD_EINVAL)
				return rc;
			nap(w->backoff_ms);
			continue;
		}
		if ((rc = run_once(w, po, hints, nhints)) != 0)
			return rc;
		if (w->nkept || w->claimed_run || w->stopping)
			continue;
		if (queue_empty(w))
			return 0;
		nap(w->down ? w->backoff_ms : IDLE_MS);
	}
	/* Stopping: what is kept is stored if the store answers now. */
	if (w->nkept) {
		w->next_try = 0;
		flush(w);
	}
	return DD_ECANCELED;
}

int dd_audit_queue_work(struct dd_store *st, const struct dd_audit_queue_opts *qo,
			const struct dd_probe_opts *po, const struct dd_dns_hint *hints,
			size_t nhints, const struct dd_audit_opts *ao,
			struct dd_audit_queue_stats *out, char why[256])
{
	struct qw w = { .st = st, .qo = qo, .user = ao, .out = out, .why = why };
	int rc;

	why[0] = '\0';
	memset(out, 0, sizeof(*out));
	w.kept_max = (size_t)ao->concurrency + qo->batch + FLUSH_AT;
	w.pending = calloc(qo->batch ? qo->batch : 1, sizeof(*w.pending));
	w.kept = calloc(w.kept_max, sizeof(*w.kept));
	if (!w.pending || !w.kept || !qo->batch) {
		free(w.pending);
		free(w.kept);
		return qo->batch ? DD_ENOMEM : DD_EINVAL;
	}
	/* What a previous run under this name held is free again. */
	if ((rc = dd_store_queue_release(st, qo->job, qo->worker)) != 0) {
		snprintf(why, 256, "cannot reach the queue: %s", dd_strerror(rc));
	} else {
		rc = work(&w, po, hints, nhints);
		progress(&w, 1);
		if (rc && !why[0])
			snprintf(why, 256, "%s", dd_strerror(rc));
		/* Items taken and not stored go back at once (or when the
		 * lease ends, if the store is away). */
		dd_store_queue_release(st, qo->job, qo->worker);
	}
	out->unstored = w.nkept;
	for (size_t i = 0; i < w.nkept; i++)
		dd_audit_qresult_free(&w.kept[i]);
	free(w.kept);
	free(w.pending);
	return rc;
}
