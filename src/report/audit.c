/* audit.c: the renderers of a portfolio audit: the summary (text for
 * people, names escaped; JSON, schema dnsdeps.auditsummary/1) from the
 * counts audit/summary.c keeps, and each judged domain's output line
 * (JSON Lines: the check report on one line; or a CSV row). The audit
 * driver calls dd_rep_audit_line through its options, so that src/audit
 * never includes the renderers. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "audit/audit.h"
#include "core/env.h"
#include "core/err.h"
#include "core/esc.h"
#include "core/jtree.h"
#include "graph/graph.h"
#include "report/report.h"

static int cmp_tally(const void *x, const void *y, void *ctx)
{
	const struct dd_audit_tally *t = ctx;
	size_t a = *(const size_t *)x, b = *(const size_t *)y;

	if (t->count[a] != t->count[b])
		return t->count[a] > t->count[b] ? -1 : 1;
	return strcmp(t->name[a], t->name[b]);
}

/* Slots, most domains first; NULL when out of memory. */
static size_t *ranked(const struct dd_audit_tally *t)
{
	size_t *idx = malloc((t->n ? t->n : 1) * sizeof(*idx));

	if (!idx)
		return NULL;
	for (size_t i = 0; i < t->n; i++)
		idx[i] = i;
	qsort_r(idx, t->n, sizeof(*idx), cmp_tally, (void *)t);
	return idx;
}

static double pct(uint64_t n, uint64_t of)
{
	return of ? 100.0 * (double)n / (double)of : 0.0;
}

static double share(uint64_t n, uint64_t of)
{
	return of ? (double)n / (double)of : 0.0;
}

/* One ranking in text: "  1. name  count  share%". */
static void text_ranking(struct dd_buf *out, const struct dd_audit_tally *t, const size_t *idx,
			 size_t top, uint64_t of)
{
	for (size_t i = 0; i < t->n && i < top; i++) {
		dd_buf_printf(out, "  %3zu. ", i + 1);
		dd_buf_esc(out, t->name[idx[i]]);
		dd_buf_printf(out, "  %llu  %.1f%%\n", (unsigned long long)t->count[idx[i]],
			      pct(t->count[idx[i]], of));
	}
}

int dd_rep_audit_summary_text(const struct dd_audit_summary *s, const struct dd_audit_run_info *ri,
			  size_t top, struct dd_buf *out)
{
	size_t ndefs;
	const struct dd_chk_def *defs = dd_chk_defs(&ndefs);
	size_t *ops = ranked(&s->operators), *regs = ranked(&s->registrars);

	if (!ops || !regs) {
		free(ops);
		free(regs);
		return DD_ENOMEM;
	}
	dd_buf_printf(out, "audit: %llu domain%s checked in %.1f s (%.0f domains/s), "
		      "%lu queries (%lu more answered by an earlier reply), %lu timed out\n",
		      (unsigned long long)s->domains, s->domains == 1 ? "" : "s", ri->seconds,
		      ri->seconds > 0 ? (double)s->domains / ri->seconds : 0.0, ri->queries,
		      ri->shared, ri->timeouts);
	if (s->resumed)
		dd_buf_printf(out, "  with the %llu domain%s of the resumed file, the summary and the "
			      "exit status cover %llu\n", (unsigned long long)s->resumed,
			      s->resumed == 1 ? "" : "s",
			      (unsigned long long)(s->resumed + s->domains));
	if (ri->skipped || ri->bad_lines || ri->duplicates)
		dd_buf_printf(out, "  skipped: %lu already in the resumed file, %lu listed twice "
			      "(dropped), %lu bad input line%s\n", ri->skipped, ri->duplicates,
			      ri->bad_lines, ri->bad_lines == 1 ? "" : "s");
	if (ri->interrupted)
		dd_buf_printf(out, "  interrupted: %lu domain%s in flight not written (--resume "
			      "continues)\n", ri->in_flight, ri->in_flight == 1 ? "" : "s");
	dd_buf_puts(out, "status:");
	for (int i = 0; i < DD_STATUS_COUNT; i++)
		dd_buf_printf(out, "  %s %llu (%.1f%%)", dd_chk_status_name((enum dd_chk_status)i),
			      (unsigned long long)s->status[i], pct(s->status[i], s->domains));
	dd_buf_puts(out, "\nlayer:");
	for (int i = 0; i < DD_LAYER_COUNT; i++)
		if (s->layer[i])
			dd_buf_printf(out, "  %s %llu", dd_chk_layer_name((enum dd_chk_layer)i),
				      (unsigned long long)s->layer[i]);
	dd_buf_puts(out, "\nfindings (domains with the code):\n");
	for (size_t i = 0; i < s->ncodes && i < ndefs; i++)
		if (s->codes[i])
			dd_buf_printf(out, "  %-32s %-8s %-12s %8llu  %5.1f%%\n", defs[i].code,
				      dd_chk_severity_name(defs[i].severity),
				      dd_chk_layer_name(defs[i].layer),
				      (unsigned long long)s->codes[i], pct(s->codes[i], s->domains));
	dd_buf_printf(out, "operators (share of domains with a nameserver there; %zu in all):\n",
		      s->operators.n);
	text_ranking(out, &s->operators, ops, top, s->domains);
	dd_buf_printf(out, "  all nameservers at one operator: %llu (%.1f%%); no nameserver: %llu\n",
		      (unsigned long long)s->single_operator, pct(s->single_operator, s->domains),
		      (unsigned long long)s->no_ns);
	dd_buf_printf(out, "registrars (%zu in all; not known for %llu domain%s):\n",
		      s->registrars.n, (unsigned long long)s->reg_unknown,
		      s->reg_unknown == 1 ? "" : "s");
	text_ranking(out, &s->registrars, regs, top, s->domains);
	if (ri->peak_rss)
		dd_buf_printf(out, "peak memory: %.1f MiB\n", (double)ri->peak_rss / 1048576.0);
	free(ops);
	free(regs);
	return dd_buf_failed(out) ? DD_ENOMEM : 0;
}

static struct dd_jt_node *json_ranking(struct dd_jt *j, const struct dd_audit_tally *t, const size_t *idx,
			    size_t top, uint64_t of, const char *key)
{
	struct dd_jt_node *a = dd_jt_array(j);

	for (size_t i = 0; i < t->n && i < top; i++) {
		struct dd_jt_node *r = dd_jt_object(j);
		dd_jt_put(j, r, key, dd_jt_str(j, t->name[idx[i]]));
		dd_jt_put(j, r, "domains", dd_jt_uint(j, t->count[idx[i]]));
		dd_jt_put(j, r, "share", dd_jt_real(j, share(t->count[idx[i]], of)));
		dd_jt_append(j, a, r);
	}
	return a;
}

int dd_rep_audit_summary_json(const struct dd_audit_summary *s, const struct dd_audit_run_info *ri,
			  size_t top, struct dd_buf *out)
{
	size_t ndefs;
	const struct dd_chk_def *defs = dd_chk_defs(&ndefs);
	size_t *ops = ranked(&s->operators), *regs = ranked(&s->registrars);
	struct dd_jt j = { 0 };
	struct dd_jt_node *doc = dd_jt_object(&j), *o;

	if (!ops || !regs || !doc) {
		free(ops);
		free(regs);
		return DD_ENOMEM;
	}
	dd_jt_put(&j, doc, "schema", dd_jt_str(&j, "dnsdeps.auditsummary/1"));
	o = dd_jt_object(&j);
	dd_jt_put(&j, o, "checked", dd_jt_uint(&j, s->domains));
	dd_jt_put(&j, o, "resumed", dd_jt_uint(&j, s->resumed));
	dd_jt_put(&j, o, "total", dd_jt_uint(&j, s->domains + s->resumed));
	dd_jt_put(&j, o, "skipped", dd_jt_uint(&j, ri->skipped));
	dd_jt_put(&j, o, "duplicates", dd_jt_uint(&j, ri->duplicates));
	dd_jt_put(&j, o, "bad_lines", dd_jt_uint(&j, ri->bad_lines));
	dd_jt_put(&j, o, "in_flight_not_written", dd_jt_uint(&j, ri->in_flight));
	dd_jt_put(&j, o, "interrupted", dd_jt_bool(&j, ri->interrupted));
	dd_jt_put(&j, doc, "domains", o);
	o = dd_jt_object(&j);
	for (int i = 0; i < DD_STATUS_COUNT; i++)
		dd_jt_put(&j, o, dd_chk_status_name((enum dd_chk_status)i),
			    dd_jt_uint(&j, s->status[i]));
	dd_jt_put(&j, doc, "status", o);
	o = dd_jt_object(&j);
	for (int i = 0; i < DD_LAYER_COUNT; i++)
		dd_jt_put(&j, o, dd_chk_layer_name((enum dd_chk_layer)i),
			    dd_jt_uint(&j, s->layer[i]));
	dd_jt_put(&j, doc, "layer", o);
	struct dd_jt_node *a = dd_jt_array(&j);
	for (size_t i = 0; i < s->ncodes && i < ndefs; i++) {
		if (!s->codes[i])
			continue;
		o = dd_jt_object(&j);
		dd_jt_put(&j, o, "code", dd_jt_str(&j, defs[i].code));
		dd_jt_put(&j, o, "severity",
			    dd_jt_str(&j, dd_chk_severity_name(defs[i].severity)));
		dd_jt_put(&j, o, "layer", dd_jt_str(&j, dd_chk_layer_name(defs[i].layer)));
		dd_jt_put(&j, o, "domains", dd_jt_uint(&j, s->codes[i]));
		dd_jt_append(&j, a, o);
	}
	dd_jt_put(&j, doc, "findings", a);
	o = dd_jt_object(&j);
	dd_jt_put(&j, o, "total", dd_jt_uint(&j, s->operators.n));
	dd_jt_put(&j, o, "single_operator", dd_jt_uint(&j, s->single_operator));
	dd_jt_put(&j, o, "no_ns", dd_jt_uint(&j, s->no_ns));
	dd_jt_put(&j, o, "top",
		    json_ranking(&j, &s->operators, ops, top, s->domains, "operator"));
	dd_jt_put(&j, doc, "operators", o);
	o = dd_jt_object(&j);
	dd_jt_put(&j, o, "total", dd_jt_uint(&j, s->registrars.n));
	dd_jt_put(&j, o, "unknown", dd_jt_uint(&j, s->reg_unknown));
	dd_jt_put(&j, o, "top",
		    json_ranking(&j, &s->registrars, regs, top, s->domains, "registrar"));
	dd_jt_put(&j, doc, "registrars", o);
	o = dd_jt_object(&j);
	dd_jt_put(&j, o, "seconds", dd_jt_real(&j, ri->seconds));
	dd_jt_put(&j, o, "domains_per_second",
		    dd_jt_real(&j, ri->seconds > 0 ? (double)s->domains / ri->seconds : 0.0));
	dd_jt_put(&j, o, "queries", dd_jt_uint(&j, ri->queries));
	dd_jt_put(&j, o, "shared", dd_jt_uint(&j, ri->shared));
	dd_jt_put(&j, o, "timeouts", dd_jt_uint(&j, ri->timeouts));
	dd_jt_put(&j, o, "max_domains_in_flight", dd_jt_uint(&j, ri->max_inflight));
	dd_jt_put(&j, o, "idle_rounds", dd_jt_uint(&j, ri->idle_rounds));
	dd_jt_put(&j, o, "probes", dd_jt_uint(&j, ri->probes));
	dd_jt_put(&j, o, "peak_rss_bytes",
		    ri->peak_rss ? dd_jt_uint(&j, ri->peak_rss) : dd_jt_null(&j));
	dd_jt_put(&j, doc, "performance", o);
	free(ops);
	free(regs);
	return dd_jt_print(&j, doc, JSON_PRESERVE_ORDER | JSON_INDENT(2) | JSON_ENSURE_ASCII |
					      JSON_REAL_PRECISION(6), out);
}

/* ---- CSV --------------------------------------------------------------------- */

const char *dd_rep_audit_csv_header(void)
{
	return "domain,status,layer,top_finding,expiry,registrar,ns_count,operators,spofs\r\n";
}

/* One field: escaped (no control bytes), quoted when it must be. */
static void csv_field(struct dd_buf *b, const char *s, int last)
{
	char *e = dd_esc_dup(s, strlen(s));
	const char *t = e ? e : "";
	int quote = strpbrk(t, ",\"\r\n") != NULL || (t[0] == ' ') ||
		    (t[0] && t[strlen(t) - 1] == ' ');

	if (quote) {
		dd_buf_puts(b, "\"");
		for (const char *p = t; *p; p++)
			dd_buf_add(b, *p == '"' ? "\"\"" : p, *p == '"' ? 2 : 1);
		dd_buf_puts(b, "\"");
	} else {
		dd_buf_puts(b, t);
	}
	if (!e)
		b->failed = 1;
	free(e);
	dd_buf_puts(b, last ? "\r\n" : ",");
}

/* The single points of failure the dependency checks found, "; "-separated:
 * those of the domain's analysis (the one the DEPS_SPOF_* findings come
 * from) but the inherent ones (the registry and registrar every domain
 * has), each by its subject ("operator x.net", or a group that fails as
 * one: "registry net. or operator nic.net"). */
static void spofs(const struct dd_chk_findings *f, struct dd_buf *out)
{
	const struct dd_graph *g = f->graph;
	const struct dd_graph_analysis *a = f->analysis;

	if (!g || !a || a->nroots == 0)
		return;
	for (size_t i = 0; i < a->roots[0].nspofs; i++) {
		char subject[1024];
		if (!dd_graph_spof_subject(g, &a->roots[0], i, subject, sizeof(subject)))
			continue;
		if (out->len)
			dd_buf_puts(out, "; ");
		dd_buf_puts(out, subject);
	}
}

int dd_rep_audit_csv_row(const struct dd_evidence *ev, const struct dd_chk_findings *f,
		     const struct dd_chk_verdict *v, struct dd_buf *out)
{
	struct dd_audit_ns ni;
	struct dd_buf ops;
	char num[32];

	if (dd_audit_ns_get(&ni, ev) != 0) {
		dd_audit_ns_free(&ni);
		return DD_ENOMEM;
	}
	dd_buf_init(&ops);
	for (size_t i = 0; i < ni.nops; i++) {
		if (i)
			dd_buf_puts(&ops, " ");
		dd_buf_puts(&ops, ni.ops[i]);
	}
	csv_field(out, ev->domain, 0);
	csv_field(out, dd_chk_status_name(v->status), 0);
	csv_field(out, dd_chk_layer_name(v->layer), 0);
	csv_field(out, f->n ? f->v[0].def->code : "", 0);
	if (dd_audit_expiry(ev)) {
		char when[32];
		dd_clock_format(dd_audit_expiry(ev), when, sizeof(when));
		csv_field(out, when, 0);
	} else {
		csv_field(out, "unknown", 0);
	}
	csv_field(out, dd_audit_registrar(ev) ? dd_audit_registrar(ev) : "unknown", 0);
	snprintf(num, sizeof(num), "%zu", ni.nnames);
	csv_field(out, num, 0);
	csv_field(out, dd_buf_str(&ops), 0);
	dd_buf_free(&ops);
	dd_buf_init(&ops);
	spofs(f, &ops);
	csv_field(out, dd_buf_str(&ops), 1);
	if (dd_buf_failed(&ops))
		out->failed = 1;
	dd_buf_free(&ops);
	dd_audit_ns_free(&ni);
	return dd_buf_failed(out) ? DD_ENOMEM : 0;
}

int dd_rep_audit_line(const struct dd_evidence *ev, const struct dd_chk_findings *f,
		      const struct dd_chk_verdict *v, const struct dd_audit_opts *o,
		      struct dd_buf *out)
{
	struct dd_rep_opts ro = { .json = 1, .json_compact = 1, .judge = o->judge };

	return o->format == DD_AUDIT_CSV ? dd_rep_audit_csv_row(ev, f, v, out)
					 : dd_rep_json(ev, f, v, &ro, out);
}
