/* trace.c: the renderers of `dnsdeps trace`: a walk from the root with
 * every server of every zone on the way, as text for people and as the JSON
 * document "dnsdeps.trace/1" for programs. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/err.h"
#include "core/jtree.h"
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

static struct dd_jt_node *str_or_null(struct dd_jt *j, const char *s)
{
	return s && s[0] ? dd_jt_str(j, s) : dd_jt_null(j);
}

static struct dd_jt_node *server_json(struct dd_jt *j, const struct dd_dns_trace_server *s)
{
	char rb[16];
	struct dd_jt_node *o = dd_jt_object(j);

	dd_jt_put(j, o, "name", dd_jt_str(j, s->name));
	dd_jt_put(j, o, "address", str_or_null(j, s->addr));
	dd_jt_put(j, o, "protocol", dd_jt_str(j, proto(s)));
	dd_jt_put(j, o, "state", dd_jt_str(j, dd_dns_state_name(s->state)));
	dd_jt_put(j, o, "rcode", s->rcode >= 0 ?
			  dd_jt_str(j, dd_dns_rcode_name(s->rcode, rb, sizeof(rb))) : dd_jt_null(j));
	dd_jt_put(j, o, "aa", dd_jt_tri(j, s->aa));
	dd_jt_put(j, o, "referral", str_or_null(j, s->referral));
	dd_jt_put(j, o, "rtt_ms", s->rtt_ms >= 0 ? dd_jt_real(j, s->rtt_ms) : dd_jt_null(j));
	dd_jt_put(j, o, "size", s->size ? dd_jt_int(j, (json_int_t)s->size) : dd_jt_null(j));
	dd_jt_put(j, o, "exchange", dd_jt_int_or_null(j, s->exchange));
	dd_jt_put(j, o, "detail", dd_jt_str(j, s->detail));
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

static struct dd_jt_node *step_json(struct dd_jt *j, const struct dd_dns_trace_step *s, struct dd_jt_node *problems)
{
	struct dd_jt_node *js = dd_jt_object(j), *servers = dd_jt_array(j);

	dd_jt_put(j, js, "zone", dd_jt_str(j, s->zone));
	dd_jt_put(j, js, "qname", dd_jt_str(j, s->qname));
	for (size_t k = 0; k < s->nservers; k++) {
		const struct dd_dns_trace_server *sv = &s->servers[k];
		dd_jt_append(j, servers, server_json(j, sv));
		if (!dd_rep_trace_problem(sv))
			continue;
		struct dd_jt_node *pr = dd_jt_object(j);
		dd_jt_put(j, pr, "zone", dd_jt_str(j, s->zone));
		dd_jt_put(j, pr, "server", dd_jt_str(j, sv->name));
		dd_jt_put(j, pr, "address", str_or_null(j, sv->addr));
		dd_jt_put(j, pr, "state", dd_jt_str(j, dd_dns_state_name(sv->state)));
		dd_jt_put(j, pr, "message", dd_jt_str(j, sv->detail));
		dd_jt_append(j, problems, pr);
	}
	dd_jt_put(j, js, "servers", servers);
	dd_jt_put(j, js, "disagreement", dd_jt_bool(j, s->disagreement));
	dd_jt_put(j, js, "next", str_or_null(j, s->next));
	return js;
}

int dd_rep_trace_json(const struct dd_evidence *ev, const struct dd_dns_trace *t,
		      const char *qname, const char *qtype, const struct dd_rep_trace_stats *stats,
		      struct dd_buf *out)
{
	struct dd_jt j = { 0 };
	struct dd_jt_node *root = dd_jt_object(&j), *steps = dd_jt_array(&j), *problems = dd_jt_array(&j);
	struct dd_jt_node *chain = dd_jt_array(&j), *q = dd_jt_object(&j), *res = dd_jt_object(&j), *st = dd_jt_object(&j);
	struct dd_jt_node *ans = dd_jt_array(&j);
	const struct dd_ev_strlist *a = answer(ev, t);

	dd_jt_put(&j, root, "schema", dd_jt_str(&j, "dnsdeps.trace/1"));
	dd_jt_put(&j, q, "name", dd_jt_str(&j, qname));
	dd_jt_put(&j, q, "type", dd_jt_str(&j, qtype));
	dd_jt_put(&j, root, "query", q);
	dd_jt_put(&j, res, "status", dd_jt_str(&j, dd_dns_status_name(t->result.status)));
	dd_jt_put(&j, res, "code", str_or_null(&j, dd_dns_fail_name(t->result.code)));
	dd_jt_put(&j, res, "zone", str_or_null(&j, t->result.zone));
	dd_jt_put(&j, res, "message", dd_jt_str(&j, t->result.message));
	dd_jt_put(&j, root, "result", res);
	for (size_t k = 0; a && k < a->n; k++)
		dd_jt_append(&j, ans, dd_jt_str(&j, a->v[k]));
	dd_jt_put(&j, root, "answer", ans);
	if (t->result.nchain) {
		dd_jt_append(&j, chain, dd_jt_str(&j, qname));
		for (size_t i = 0; i < t->result.nchain; i++)
			dd_jt_append(&j, chain, dd_jt_str(&j, t->result.chain[i]));
	}
	dd_jt_put(&j, root, "cname_chain", chain);
	for (size_t i = 0; i < t->nsteps; i++)
		dd_jt_append(&j, steps, step_json(&j, &t->steps[i], problems));
	dd_jt_put(&j, root, "steps", steps);
	dd_jt_put(&j, root, "problems", problems);
	dd_jt_put(&j, st, "queries", dd_jt_uint(&j, stats->queries));
	dd_jt_put(&j, st, "timeouts", dd_jt_uint(&j, stats->timeouts));
	dd_jt_put(&j, st, "elapsed_ms", dd_jt_real(&j, stats->elapsed_ms));
	dd_jt_put(&j, root, "stats", st);
	return dd_jt_print(&j, root, JSON_INDENT(2) | JSON_PRESERVE_ORDER, out);
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
