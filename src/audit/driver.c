/* driver.c: the portfolio driver. Keeps up to `concurrency` domains in
 * flight on one probe; when one's evidence is complete it is judged and
 * rendered on libuv's thread pool (checks are pure functions of the
 * evidence, which the domain's slot alone owns by then), and back on the
 * loop it is written, counted and freed, and the next domain starts. A
 * domain holds its slot until it is written, so the window bounds memory
 * whether the probe or the judging is the slower. The loop is run here
 * rather than by dd_probe_run so that a stop (Ctrl-C) can end it between
 * two callbacks. The resolver's cache would grow with each domain checked
 * (a zone cut per domain, the addresses of its NS names): after each domain
 * it is trimmed to the most recently used entries (dd_dns_ctx_trim), so
 * memory is bounded by the window, not by the length of the list. With
 * `recycle` set, every `recycle` domains the window also drains and a fresh
 * probe takes over (everything relearned). */
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "core/env.h"
#include "core/err.h"
#include "dns/resolve.h"
#include "net/net.h"
#include "net/proc.h"
#include "probe/check.h"
#include "probe/reg.h"

/* One domain in flight: probed on the loop, then judged on a pool thread.
 * While `work` is set, only the pool thread touches ev, f, v, line and rc. */
struct job {
	struct dd_audit *a;
	struct dd_evidence *ev;     /* NULL: the slot is free */
	struct dd_net_work *work;   /* queued on the thread pool, or NULL */
	struct dd_chk_findings f;
	struct dd_chk_verdict v;
	struct dd_buf line;         /* the line, kept for the slot's next domain */
	void *doc;                  /* the options' document of it, until handed over */
	int rc;                     /* the judging's result */
};

struct dd_audit {
	struct dd_audit_opts o;
	struct dd_probe_opts po;
	struct dd_dns_hint *hints;
	size_t nhints;
	struct dd_probe *p;
	struct dd_probe_reg *reg;   /* the probe's registration look-ups, or NULL */
	/* o.tick's, on the probe's loop, or NULL. Weak: the loop ends (and
	 * stalled lookups are broken, run_probe) as if it were not there. */
	struct dd_net_timer *tick;
	char why[DD_REG_WHY_MAX];
	uint64_t on_probe;          /* domains started on the current probe */
	struct dd_audit_stats st;
	struct dd_audit_stats tot;  /* st plus the current probe's counts, for callers */
	struct dd_audit_summary sum;
	struct job *slots;          /* the domains in flight, concurrency entries */
	struct dd_clock clk;
	double t0;
	int exhausted;              /* next said there is no more */
	int stopping;               /* start no more domains */
	int stop_now;               /* abandon those in flight */
	int filling;                /* inside fill(): completions must not re-enter it */
	int err;                    /* first error of next, write or memory */
};

/* Stop starting domains; those in flight finish unwritten (abandoning them
 * would leak what the probe holds for them). */
static void fail(struct dd_audit *a, int err)
{
	if (!a->err)
		a->err = err;
	dd_audit_stop(a, 0);
}

/* On a pool thread: judge the finished domain and render its line. Reads
 * only the job and the run's options. */
static void judge(void *arg)
{
	struct job *j = arg;
	const struct dd_audit_opts *o = &j->a->o;
	struct dd_chk_opts co = o->judge;
	int rc;

	memset(&j->f, 0, sizeof(j->f));
	memset(&j->v, 0, sizeof(j->v));
	j->line.len = 0;
	j->line.failed = 0;
	rc = dd_chk_run(j->ev, &co, &j->f);
	if (rc == 0)
		rc = dd_chk_verdict(j->ev, &j->f, &co, &j->v);
	if (rc == 0)
		rc = o->line(j->ev, &j->f, &j->v, o, &j->line);
	if (rc == 0 && o->document)
		j->doc = o->document(o->ctx, j->ev);
	j->rc = rc;
}

static void fill(struct dd_audit *a);

/* The domain is over (written, or dropped by a stop): free its slot and
 * start the next. */
static void job_end(struct job *j)
{
	struct dd_audit *a = j->a;

	dd_ev_free(j->ev);
	j->ev = NULL;
	a->st.inflight--;
	a->st.elapsed_ms = dd_clock_mono_ms() - a->t0;
	if (a->o.progress && !a->stop_now)
		a->o.progress(a->o.ctx, &a->st);
	fill(a);
}

/* Back on the loop: write the judged line and count it. */
/* Zone cuts and nameserver lookups the resolver keeps: those of the
 * domains in flight several times over, 2048 at least (a zone cut is about
 * 5 KB, a lookup about 1.5 KB). */
static size_t cache_keep(const struct dd_audit *a)
{
	size_t k = (size_t)a->o.concurrency * 4;

	return k < 2048 ? 2048 : k;
}

static void judged(void *arg, int cancelled)
{
	struct job *j = arg;
	struct dd_audit *a = j->a;
	int rc = j->rc;

	j->work = NULL;
	/* A safe point to bound the resolver's cache: no resolver code is
	 * running below a thread-pool completion. */
	size_t keep = cache_keep(a);
	dd_dns_ctx_trim(dd_probe_dns(a->p), keep, keep);
	if (!cancelled && !a->stop_now && !a->err) {
		if (rc == 0 && j->doc && a->o.took) {
			a->o.took(a->o.ctx, j->ev->domain, j->doc);
			j->doc = NULL;
		}
		if (rc == 0)
			rc = a->o.write(a->o.ctx, dd_buf_str(&j->line), j->line.len);
		if (rc == 0) {
			a->st.done++;
			rc = dd_audit_summary_add(&a->sum, j->ev, &j->f, &j->v);
		}
		if (rc)
			fail(a, rc);
	}
	if (j->doc && a->o.drop)
		a->o.drop(a->o.ctx, j->doc);
	j->doc = NULL;
	dd_chk_verdict_free(&j->v);
	dd_chk_findings_free(&j->f);
	job_end(j);
}

static void on_done(void *arg, struct dd_evidence *ev)
{
	struct job *j = arg;
	struct dd_audit *a = j->a;

	if (a->stop_now || a->err) {
		job_end(j);
		return;
	}
	if (a->o.finish)
		a->o.finish(a->o.ctx, ev);
	j->rc = 0;
	if (dd_net_work(dd_probe_net(a->p), judge, judged, j, &j->work) != 0) {
		judge(j); /* no memory for the queue: judge here then */
		judged(j, 0);
	}
}

/* Start one domain in a free slot. */
static int start(struct dd_audit *a, const char *name)
{
	struct dd_evidence *ev = dd_ev_new(name, a->o.now ? a->o.now : dd_clock_now(&a->clk));
	size_t slot = 0;
	int rc;

	if (!ev)
		return DD_ENOMEM;
	ev->options.ipv4 = a->po.ipv4;
	ev->options.ipv6 = a->po.ipv6;
	ev->options.timeout_ms = a->po.timeout_ms;
	ev->options.retries = a->po.retries;
	if (a->o.tool && dd_ev_set_str(&ev->tool, a->o.tool) != 0) {
		dd_ev_free(ev);
		return DD_ENOMEM;
	}
	if (a->reg)
		dd_probe_reg_request(ev, a->reg);
	if (a->o.prepare && (rc = a->o.prepare(a->o.ctx, ev)) < 0) {
		dd_ev_free(ev);
		return rc;
	}
	while (slot < a->o.concurrency && a->slots[slot].ev)
		slot++;
	if (slot == a->o.concurrency) { /* cannot happen: inflight < concurrency */
		dd_ev_free(ev);
		return DD_ELIMIT;
	}
	a->slots[slot].ev = ev;
	a->st.inflight++;
	a->st.started++;
	a->on_probe++;
	if (a->st.inflight > a->st.max_inflight)
		a->st.max_inflight = a->st.inflight;
	/* The check may end before this returns (nothing could be asked):
	 * on_done then runs inside, and fill() does not re-enter. */
	rc = dd_probe_check(a->p, ev, NULL, 0, on_done, &a->slots[slot]);
	if (rc < 0) {
		a->slots[slot].ev = NULL;
		a->st.inflight--;
		a->st.started--;
		a->on_probe--;
		dd_ev_free(ev);
	}
	return rc;
}

static void fill(struct dd_audit *a)
{
	char name[DD_NAME_MAX];

	if (a->filling)
		return;
	a->filling = 1;
	while (!a->stopping && !a->exhausted && a->st.inflight < a->o.concurrency &&
	       (!a->o.recycle || a->on_probe < a->o.recycle)) {
		int rc = a->o.next(a->o.ctx, name);
		if (rc == 0) {
			a->exhausted = 1;
			break;
		}
		if (rc < 0 || (rc = start(a, name)) < 0) {
			fail(a, rc);
			break;
		}
	}
	a->filling = 0;
}

static void on_tick(void *arg)
{
	struct dd_audit *a = arg;

	if (a->stop_now)
		return;
	a->o.tick(a->o.ctx);
	dd_net_timer_start(a->tick, a->o.tick_ms);
}

/* Open a probe (and its signal watcher); the old one, if any, is freed
 * after the new one watches the signal, so none is missed in between. */
static int new_probe(struct dd_audit *a)
{
	struct dd_probe *p;
	struct dd_probe_reg *reg = NULL;
	struct dd_net_timer *tick = NULL;
	int rc = dd_probe_new(&p, &a->po, a->hints, a->nhints, NULL);

	if (rc)
		return rc;
	if ((a->o.reg && (rc = dd_probe_reg_new(p, a->o.reg, &reg, a->why)) != 0) ||
	    (a->o.tick && (rc = dd_net_timer_new(dd_probe_net(p), on_tick, a, &tick)) != 0) ||
	    (a->o.on_signal &&
	     (rc = dd_net_on_signal(dd_probe_net(p), a->o.signum, a->o.on_signal,
				    a->o.signal_arg)) != 0)) {
		dd_net_timer_free(tick);
		dd_probe_reg_free(reg);
		dd_probe_free(p);
		return rc;
	}
	dd_net_timer_free(a->tick);
	a->tick = tick;
	if (tick) {
		dd_net_timer_weak(tick);
		dd_net_timer_start(tick, a->o.tick_ms);
	}
	if (a->p) {
		a->st.queries += dd_probe_exchanges(a->p);
		a->st.shared += dd_probe_shared(a->p);
		a->st.timeouts += dd_probe_timeouts(a->p);
		dd_probe_reg_free(a->reg);
		dd_probe_free(a->p);
	}
	a->p = p;
	a->reg = reg;
	a->on_probe = 0;
	a->st.probes++;
	return 0;
}

int dd_audit_new(struct dd_audit **out, const struct dd_probe_opts *po,
		 const struct dd_dns_hint *hints, size_t nhints, const struct dd_audit_opts *o)
{
	struct dd_audit *a;

	if (!o->next || !o->line || !o->write || o->concurrency == 0 || (nhints && !hints))
		return DD_EINVAL;
	a = calloc(1, sizeof(*a));
	if (!a)
		return DD_ENOMEM;
	a->o = *o;
	a->po = *po;
	a->slots = calloc(o->concurrency, sizeof(*a->slots));
	a->hints = calloc(nhints ? nhints : 1, sizeof(*hints));
	if (!a->slots || !a->hints || dd_audit_summary_init(&a->sum) != 0) {
		dd_audit_free(a);
		return DD_ENOMEM;
	}
	for (size_t i = 0; i < o->concurrency; i++) {
		a->slots[i].a = a;
		dd_buf_init(&a->slots[i].line);
	}
	memcpy(a->hints, hints, nhints * sizeof(*hints));
	a->nhints = nhints;
	*out = a;
	return 0;
}

/* Run the current probe's loop until nothing can progress or a stop. */
static void run_probe(struct dd_audit *a)
{
	for (;;) {
		dd_net_run(dd_probe_net(a->p));
		if (a->stop_now)
			break;
		/* The network is idle: answers known already, and lookups that
		 * wait on each other, are delivered now. */
		if (dd_dns_ctx_break_stalls(dd_probe_dns(a->p)) == 0)
			break;
		a->st.idle_rounds++;
	}
}

int dd_audit_run(struct dd_audit *a)
{
	int rc;

	a->t0 = dd_clock_mono_ms();
	if (!a->p && (rc = new_probe(a)) != 0)
		return rc;
	fill(a);
	for (;;) {
		run_probe(a);
		if (a->stop_now || a->stopping || a->exhausted || a->st.inflight > 0)
			break;
		/* The window drained at the recycling point: a fresh probe. */
		if ((rc = new_probe(a)) != 0) {
			fail(a, rc);
			break;
		}
		fill(a);
		if (a->st.inflight == 0)
			break;
	}
	a->st.elapsed_ms = dd_clock_mono_ms() - a->t0;
	if (a->err)
		return a->err;
	if (a->stopping)
		return DD_ECANCELED;
	return 0;
}

void dd_audit_stop(struct dd_audit *a, int now)
{
	a->stopping = 1;
	if (now && !a->stop_now) {
		a->stop_now = 1;
		dd_net_stop(dd_probe_net(a->p));
	}
}

const struct dd_audit_stats *dd_audit_stats(struct dd_audit *a)
{
	/* Totals so far: the finished probes' and the current one's. */
	a->tot = a->st;
	if (a->p) {
		a->tot.queries += dd_probe_exchanges(a->p);
		a->tot.shared += dd_probe_shared(a->p);
		a->tot.timeouts += dd_probe_timeouts(a->p);
	}
	return &a->tot;
}

int dd_audit_add_previous(struct dd_audit *a, FILE *f)
{
	struct dd_audit_resume res;
	struct dd_map seen;
	int rc;

	dd_map_init(&seen);
	rc = dd_audit_resume_read(f, &seen, &res, &a->sum);
	dd_map_free(&seen);
	return rc;
}

const struct dd_audit_summary *dd_audit_summary(const struct dd_audit *a)
{
	return &a->sum;
}

const char *dd_audit_why(const struct dd_audit *a)
{
	return a->why;
}

void dd_audit_free(struct dd_audit *a)
{
	if (!a)
		return;
	/* Domains still being judged: those not started yet are cancelled,
	 * and freeing the probe's loop runs until the others are back (their
	 * callbacks see stop_now and write nothing). */
	a->stop_now = 1;
	a->stopping = 1;
	for (size_t i = 0; a->slots && i < a->o.concurrency; i++)
		if (a->slots[i].work)
			dd_net_work_cancel(a->slots[i].work);
	dd_net_timer_free(a->tick);
	dd_probe_reg_free(a->reg);
	dd_probe_free(a->p);
	/* Domains abandoned in flight: the probe never calls back for them
	 * once it is freed, so their evidence goes here. */
	for (size_t i = 0; a->slots && i < a->o.concurrency; i++) {
		dd_ev_free(a->slots[i].ev);
		dd_buf_free(&a->slots[i].line);
	}
	free(a->slots);
	free(a->hints);
	dd_audit_summary_free(&a->sum);
	free(a);
}
