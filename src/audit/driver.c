/* driver.c: the portfolio driver. Keeps up to `concurrency` domains in
 * flight on one probe; when one's evidence is complete it is judged,
 * written, counted and freed at once, and the next domain starts. The loop
 * is run here rather than by dd_probe_run so that a stop (Ctrl-C) can end
 * it between two callbacks. */
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "core/env.h"
#include "core/err.h"
#include "net/net.h"
#include "probe/check.h"
#include "report/report.h"

struct dd_audit {
	struct dd_audit_opts o;
	struct dd_probe_opts po;
	struct dd_probe *p;
	struct dd_audit_stats st;
	struct dd_audit_summary sum;
	struct dd_evidence **slots; /* the domains in flight, concurrency entries */
	struct dd_buf line;         /* the line being written, reused */
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

/* Judge a finished domain and hand its line to write. */
static void emit(struct dd_audit *a, const struct dd_evidence *ev)
{
	struct dd_chk_opts co = { .now = a->o.judge_now, .reg = NULL };
	struct dd_rep_opts ro = { .json = 1, .json_compact = 1, .now = a->o.judge_now };
	struct dd_chk_findings f;
	struct dd_chk_verdict v;
	int rc;

	memset(&f, 0, sizeof(f));
	memset(&v, 0, sizeof(v));
	rc = dd_chk_run(ev, &co, &f);
	if (rc == 0)
		rc = dd_chk_verdict(ev, &f, &co, &v);
	if (rc == 0) {
		a->line.len = 0;
		a->line.failed = 0;
		rc = a->o.format == DD_AUDIT_CSV ? dd_audit_csv_row(ev, &f, &v, a->o.psl, &a->line)
						 : dd_rep_json(ev, &f, &v, &ro, &a->line);
	}
	if (rc == 0)
		rc = a->o.write(a->o.ctx, dd_buf_str(&a->line), a->line.len);
	if (rc == 0) {
		a->st.done++;
		rc = dd_audit_summary_add(&a->sum, ev, &f, &v);
	}
	dd_chk_verdict_free(&v);
	dd_chk_findings_free(&f);
	if (rc)
		fail(a, rc);
}

static void fill(struct dd_audit *a);

static void on_done(void *arg, struct dd_evidence *ev)
{
	struct dd_audit *a = arg;

	for (size_t i = 0; i < a->o.concurrency; i++)
		if (a->slots[i] == ev) {
			a->slots[i] = NULL;
			break;
		}
	a->st.inflight--;
	if (!a->stop_now && !a->err)
		emit(a, ev);
	dd_ev_free(ev);
	a->st.elapsed_ms = dd_clock_mono_ms() - a->t0;
	if (a->o.progress && !a->stop_now)
		a->o.progress(a->o.ctx, &a->st);
	fill(a);
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
	while (slot < a->o.concurrency && a->slots[slot])
		slot++;
	if (slot == a->o.concurrency) { /* cannot happen: inflight < concurrency */
		dd_ev_free(ev);
		return DD_ELIMIT;
	}
	a->slots[slot] = ev;
	a->st.inflight++;
	a->st.started++;
	if (a->st.inflight > a->st.max_inflight)
		a->st.max_inflight = a->st.inflight;
	/* The check may end before this returns (nothing could be asked):
	 * on_done then runs inside, and fill() does not re-enter. */
	rc = dd_probe_check(a->p, ev, NULL, 0, on_done, a);
	if (rc < 0) {
		a->slots[slot] = NULL;
		a->st.inflight--;
		a->st.started--;
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
	while (!a->stopping && !a->exhausted && a->st.inflight < a->o.concurrency) {
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

int dd_audit_new(struct dd_audit **out, struct dd_probe *p, const struct dd_probe_opts *po,
		 const struct dd_audit_opts *o)
{
	struct dd_audit *a;

	if (!o->next || !o->write || o->concurrency == 0)
		return DD_EINVAL;
	a = calloc(1, sizeof(*a));
	if (!a)
		return DD_ENOMEM;
	a->o = *o;
	a->po = *po;
	a->p = p;
	dd_buf_init(&a->line);
	a->slots = calloc(o->concurrency, sizeof(*a->slots));
	if (!a->slots || dd_audit_summary_init(&a->sum, o->psl) != 0) {
		dd_audit_free(a);
		return DD_ENOMEM;
	}
	*out = a;
	return 0;
}

int dd_audit_run(struct dd_audit *a)
{
	struct dd_net *net = dd_probe_net(a->p);

	a->t0 = dd_clock_mono_ms();
	fill(a);
	for (;;) {
		dd_net_run(net);
		if (a->stop_now)
			break;
		/* The network is idle: answers known already, and lookups that
		 * wait on each other, are delivered now. */
		if (dd_dns_ctx_break_stalls(dd_probe_dns(a->p)) == 0)
			break;
		a->st.idle_rounds++;
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

const struct dd_audit_stats *dd_audit_stats(const struct dd_audit *a)
{
	return &a->st;
}

const struct dd_audit_summary *dd_audit_summary(const struct dd_audit *a)
{
	return &a->sum;
}

void dd_audit_free(struct dd_audit *a)
{
	if (!a)
		return;
	/* Domains abandoned in flight: the probe never calls back for them
	 * once it is freed, so their evidence goes here. */
	for (size_t i = 0; a->slots && i < a->o.concurrency; i++)
		dd_ev_free(a->slots[i]);
	free(a->slots);
	dd_buf_free(&a->line);
	dd_audit_summary_free(&a->sum);
	free(a);
}
