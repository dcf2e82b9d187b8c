/* trace.c: the renderers of `dnsdeps trace`: a walk from the root with
 * every server of every zone on the way, as text for people and as the JSON
 * document "dnsdeps.trace/1" for programs. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/err.h"
#include "core/json.h"
#include "dns/msg.h"
#include "dns/resolve.h"
#include "report/report.h"

static const char *proto(const struct dd_dns_trace_server *s)
{
	return s->tcp ? "tcp" : "udp";
}

int dd_rep_trace_problem(const struct dd_dns_trace_server *s)
{
	return !dd_dns_state_ok(s->state) && s->state != DD_ST_SKIPPED;
}

static json_t *str_or_null(struct dd_json *j, const char *s)
{
	return s && s[0] ? dd_json_str(j, s) : json_null();
}

static json_t *server_json(struct dd_json *j, const struct dd_dns_trace_server *s)
{
	char rb[16];
	json_t *o = json_object();

	dd_json_put(j, o, "name", dd_json_str(j, s->name));
	dd_json_put(j, o, "address", str_or_null(j, s->addr));
	dd_json_put(j, o, "protocol", json_string(proto(s)));
	dd_json_put(j, o, "state", json_string(dd_dns_state_name(s->state)));
	dd_json_put(j, o, "rcode", s->rcode >= 0 ?
			  json_string(dd_dns_rcode_name(s->rcode, rb, sizeof(rb))) : json_null());
	dd_json_put(j, o, "aa", dd_json_tri(s->aa));
	dd_json_put(j, o, "referral", str_or_null(j, s->referral));
	dd_json_put(j, o, "rtt_ms", s->rtt_ms >= 0 ? json_real(s->rtt_ms) : json_null());
	dd_json_put(j, o, "size", s->size ? json_integer((json_int_t)s->size) : json_null());
	dd_json_put(j, o, "exchange", dd_json_int_or_null(s->exchange));
	dd_json_put(j, o, "detail", dd_json_str(j, s->detail));
	return o;
}

/* The answer records (presentation format) of the first server of the last
 * step that answered, or NULL when the walk did not end in an answer. */
static const struct dd_ev_strlist *answer(const struct dd_evidence *ev,
					  const struct dd_dns_trace *t)
{
	if (t->result.status != DD_RES_ANSWER || t->nsteps == 0)
		return NULL;
	const struct dd_dns_trace_step *last = &t->steps[t->nsteps - 1];
	for (size_t i = 0; i < last->nservers; i++) {
		const struct dd_dns_trace_server *s = &last->servers[i];
		if (s->state != DD_ST_ANSWER || s->exchange < 0 ||
		    (size_t)s->exchange >= ev->nexchanges)
			continue;
		dd_ev_exchange_sections(&ev->exchanges[s->exchange]);
		return &ev->exchanges[s->exchange].answer;
	}
	return NULL;
}

static json_t *step_json(struct dd_json *j, const struct dd_dns_trace_step *s, json_t *problems)
{
	json_t *js = json_object(), *servers = json_array();

	dd_json_put(j, js, "zone", dd_json_str(j, s->zone));
	dd_json_put(j, js, "qname", dd_json_str(j, s->qname));
	for (size_t k = 0; k < s->nservers; k++) {
		const struct dd_dns_trace_server *sv = &s->servers[k];
		dd_json_append(j, servers, server_json(j, sv));
		if (!dd_rep_trace_problem(sv))
			continue;
		json_t *pr = json_object();
		dd_json_put(j, pr, "zone", dd_json_str(j, s->zone));
		dd_json_put(j, pr, "server", dd_json_str(j, sv->name));
		dd_json_put(j, pr, "address", str_or_null(j, sv->addr));
		dd_json_put(j, pr, "state", json_string(dd_dns_state_name(sv->state)));
		dd_json_put(j, pr, "message", dd_json_str(j, sv->detail));
		dd_json_append(j, problems, pr);
	}
	dd_json_put(j, js, "servers", servers);
	dd_json_put(j, js, "disagreement", json_boolean(s->disagreement));
	dd_json_put(j, js, "next", str_or_null(j, s->next));
	return js;
}

int dd_rep_trace_json(const struct dd_evidence *ev, const struct dd_dns_trace *t,
		      const char *qname, const char *qtype, const struct dd_rep_trace_stats *stats,
		      struct dd_buf *out)
{
	struct dd_json j = { 0 };
	json_t *root = json_object(), *steps = json_array(), *problems = json_array();
	json_t *chain = json_array(), *q = json_object(), *res = json_object(), *st = json_object();
	json_t *ans = json_array();
	const struct dd_ev_strlist *a = answer(ev, t);

	dd_json_put(&j, root, "schema", json_string("dnsdeps.trace/1"));
	dd_json_put(&j, q, "name", dd_json_str(&j, qname));
	dd_json_put(&j, q, "type", dd_json_str(&j, qtype));
	dd_json_put(&j, root, "query", q);
	dd_json_put(&j, res, "status", json_string(dd_dns_status_name(t->result.status)));
	dd_json_put(&j, res, "code", str_or_null(&j, dd_dns_fail_name(t->result.code)));
	dd_json_put(&j, res, "zone", str_or_null(&j, t->result.zone));
	dd_json_put(&j, res, "message", dd_json_str(&j, t->result.message));
	dd_json_put(&j, root, "result", res);
	for (size_t k = 0; a && k < a->n; k++)
		dd_json_append(&j, ans, dd_json_str(&j, a->v[k]));
	dd_json_put(&j, root, "answer", ans);
	if (t->result.nchain) {
		dd_json_append(&j, chain, dd_json_str(&j, qname));
		for (size_t i = 0; i < t->result.nchain; i++)
			dd_json_append(&j, chain, dd_json_str(&j, t->result.chain[i]));
	}
	dd_json_put(&j, root, "cname_chain", chain);
	for (size_t i = 0; i < t->nsteps; i++)
		dd_json_append(&j, steps, step_json(&j, &t->steps[i], problems));
	dd_json_put(&j, root, "steps", steps);
	dd_json_put(&j, root, "problems", problems);
	dd_json_put(&j, st, "queries", dd_json_uint(stats->queries));
	dd_json_put(&j, st, "timeouts", dd_json_uint(stats->timeouts));
	dd_json_put(&j, st, "elapsed_ms", json_real(stats->elapsed_ms));
	dd_json_put(&j, root, "stats", st);
	return dd_json_print(&j, root, JSON_INDENT(2) | JSON_PRESERVE_ORDER, out);
}

static void server_text(struct dd_buf *b, const struct dd_dns_trace_server *sv)
{
	char left[DD_NAME_MAX + DD_DNS_ADDR_MAX + 4], rb[16];
	size_t pad;

	snprintf(left, sizeof(left), "%s %s", sv->name, sv->addr[0] ? sv->addr : "-");
	dd_buf_puts(b, "  ");
	dd_buf_esc(b, left);
	pad = strlen(left) < 44 ? 44 - strlen(left) : 1;
	dd_buf_printf(b, "%*s%s %-9s", (int)pad, "", proto(sv), dd_dns_state_name(sv->state));
	if (sv->state == DD_ST_REFERRAL || (sv->state == DD_ST_LAME && sv->referral[0])) {
		dd_buf_puts(b, " -> ");
		dd_buf_esc(b, sv->referral);
	}
	if (sv->rcode > 0)
		dd_buf_printf(b, " %s", dd_dns_rcode_name(sv->rcode, rb, sizeof(rb)));
	if (sv->rtt_ms >= 0)
		dd_buf_printf(b, "  %.1f ms", sv->rtt_ms);
	if (sv->detail[0] && !dd_dns_state_ok(sv->state)) {
		dd_buf_puts(b, "  (");
		dd_buf_esc(b, sv->detail);
		dd_buf_puts(b, ")");
	}
	dd_buf_puts(b, "\n");
}

static void step_text(struct dd_buf *b, const struct dd_dns_trace_step *s, const char *qname)
{
	dd_buf_puts(b, "\n");
	dd_buf_esc_name(b, s->zone);
	dd_buf_printf(b, "  (%zu server address%s)%s", s->nservers, s->nservers == 1 ? "" : "es",
		      s->disagreement ? "  ** servers disagree **" : "");
	if (strcasecmp(s->qname, qname) != 0) {
		dd_buf_puts(b, "  asking for ");
		dd_buf_esc(b, s->qname);
	}
	dd_buf_puts(b, "\n");
	for (size_t k = 0; k < s->nservers; k++)
		server_text(b, &s->servers[k]);
}

static void result_text(struct dd_buf *b, const struct dd_evidence *ev,
			const struct dd_dns_trace *t)
{
	const struct dd_ev_strlist *a = answer(ev, t);

	if (t->result.status != DD_RES_ANSWER) {
		const char *code = dd_dns_fail_name(t->result.code);
		dd_buf_printf(b, ";; %s%s%s: ", dd_dns_status_name(t->result.status),
			      code ? " " : "", code ? code : "");
		dd_buf_esc(b, t->result.message);
		dd_buf_puts(b, "\n");
		return;
	}
	dd_buf_puts(b, ";; answer:\n");
	for (size_t i = 0; a && i < a->n; i++) {
		char line[1024];
		snprintf(line, sizeof(line), "%s", a->v[i]);
		for (char *c = line; *c; c++)
			if (*c == '\t')
				*c = ' '; /* ldns separates fields with tabs */
		dd_buf_puts(b, "   ");
		dd_buf_esc(b, line);
		dd_buf_puts(b, "\n");
	}
}

int dd_rep_trace_text(const struct dd_evidence *ev, const struct dd_dns_trace *t,
		      const char *qname, const char *qtype, const struct dd_rep_trace_stats *stats,
		      struct dd_buf *out)
{
	dd_buf_printf(out, ";; trace %s %s\n", qname, qtype);
	for (size_t i = 0; i < t->nsteps; i++)
		step_text(out, &t->steps[i], qname);
	dd_buf_puts(out, "\n");
	if (t->result.nchain) {
		dd_buf_puts(out, ";; CNAME chain: ");
		dd_buf_esc(out, qname);
		for (size_t i = 0; i < t->result.nchain; i++) {
			dd_buf_puts(out, " -> ");
			dd_buf_esc(out, t->result.chain[i]);
		}
		dd_buf_puts(out, "\n");
	}
	result_text(out, ev, t);
	dd_buf_printf(out, ";; %u queries, %u timeouts, %.1f ms\n", stats->queries,
		      stats->timeouts, stats->elapsed_ms);
	return dd_buf_failed(out) ? DD_ENOMEM : 0;
}
