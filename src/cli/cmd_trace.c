/* cmd_trace.c: `dnsdeps trace NAME [TYPE]`: like `drill -T`, but at every
 * zone cut every server of the zone is asked on all its addresses; prints
 * where they disagree and which are lame, silent or unreachable. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <jansson.h>

#include "cli/cli.h"
#include "core/buf.h"
#include "core/env.h"
#include "core/esc.h"
#include "core/name.h"
#include "dns/resolve.h"
#include "probe/probe.h"

struct trace_run {
	struct dd_dns_trace *tr; /* copy of the pointer handed to the callback */
	int done;
};

static void on_trace(void *arg, const struct dd_dns_trace *t)
{
	struct trace_run *run = arg;

	run->tr = (struct dd_dns_trace *)t;
	run->done = 1;
}

/* A problem: any server that did not answer usefully. */
static int is_problem(const struct dd_dns_trace_server *s)
{
	return !dd_dns_state_ok(s->state) && s->state != DD_ST_SKIPPED;
}

static const char *proto(const struct dd_dns_trace_server *s)
{
	return s->tcp ? "tcp" : "udp";
}

static json_t *jstr_or_null(const char *s)
{
	return s && s[0] ? json_string(s) : json_null();
}

static json_t *server_json(const struct dd_dns_trace_server *s)
{
	char rb[16];
	json_t *o = json_object();

	json_object_set_new(o, "name", json_string(s->name));
	json_object_set_new(o, "address", jstr_or_null(s->addr));
	json_object_set_new(o, "protocol", json_string(proto(s)));
	json_object_set_new(o, "state", json_string(dd_dns_state_name(s->state)));
	json_object_set_new(o, "rcode", s->rcode >= 0 ? json_string(dd_dns_rcode_name(s->rcode, rb,
								      sizeof(rb)))
						  : json_null());
	json_object_set_new(o, "aa", s->aa >= 0 ? json_boolean(s->aa) : json_null());
	json_object_set_new(o, "referral", jstr_or_null(s->referral));
	json_object_set_new(o, "rtt_ms", s->rtt_ms >= 0 ? json_real(s->rtt_ms) : json_null());
	json_object_set_new(o, "size", s->size ? json_integer((json_int_t)s->size) : json_null());
	json_object_set_new(o, "exchange", s->exchange >= 0 ? json_integer(s->exchange) : json_null());
	json_object_set_new(o, "detail", json_string(s->detail));
	return o;
}

static json_t *answer_json(const struct dd_evidence *ev, const struct dd_dns_trace *t)
{
	json_t *a = json_array();

	if (t->result.status != DD_RES_ANSWER || t->nsteps == 0)
		return a;
	const struct dd_dns_trace_step *last = &t->steps[t->nsteps - 1];
	for (size_t i = 0; i < last->nservers; i++) {
		const struct dd_dns_trace_server *s = &last->servers[i];
		if (s->state != DD_ST_ANSWER || s->exchange < 0 ||
		    (size_t)s->exchange >= ev->nexchanges)
			continue;
		dd_ev_exchange_sections(&ev->exchanges[s->exchange]);
		const struct dd_ev_strlist *l = &ev->exchanges[s->exchange].answer;
		for (size_t k = 0; k < l->n; k++)
			json_array_append_new(a, json_string(l->v[k]));
		break;
	}
	return a;
}

static int trace_exit(const struct dd_dns_trace *t, size_t problems, int disagreement)
{
	if (t->result.status == DD_RES_NXDOMAIN || t->result.status == DD_RES_FAILED)
		return DD_EXIT_CRITICAL;
	return problems || disagreement ? DD_EXIT_WARNING : DD_EXIT_OK;
}

static void print_json(const struct dd_evidence *ev, const struct dd_dns_trace *t,
		       const char *qname, const char *qtype, const struct dd_probe *p)
{
	json_t *root = json_object(), *steps = json_array(), *problems = json_array();
	json_t *chain = json_array(), *q = json_object(), *res = json_object(), *st = json_object();

	json_object_set_new(root, "schema", json_string("dnsdeps.trace/1"));
	json_object_set_new(q, "name", json_string(qname));
	json_object_set_new(q, "type", json_string(qtype));
	json_object_set_new(root, "query", q);
	json_object_set_new(res, "status", json_string(dd_dns_status_name(t->result.status)));
	json_object_set_new(res, "code", jstr_or_null(t->result.code));
	json_object_set_new(res, "zone", jstr_or_null(t->result.zone));
	json_object_set_new(res, "message", json_string(t->result.message));
	json_object_set_new(root, "result", res);
	json_object_set_new(root, "answer", answer_json(ev, t));
	if (t->result.nchain) {
		json_array_append_new(chain, json_string(qname));
		for (size_t i = 0; i < t->result.nchain; i++)
			json_array_append_new(chain, json_string(t->result.chain[i]));
	}
	json_object_set_new(root, "cname_chain", chain);
	for (size_t i = 0; i < t->nsteps; i++) {
		const struct dd_dns_trace_step *s = &t->steps[i];
		json_t *js = json_object(), *servers = json_array();
		json_object_set_new(js, "zone", json_string(s->zone));
		json_object_set_new(js, "qname", json_string(s->qname));
		for (size_t k = 0; k < s->nservers; k++) {
			const struct dd_dns_trace_server *sv = &s->servers[k];
			json_array_append_new(servers, server_json(sv));
			if (!is_problem(sv))
				continue;
			json_t *pr = json_object();
			json_object_set_new(pr, "zone", json_string(s->zone));
			json_object_set_new(pr, "server", json_string(sv->name));
			json_object_set_new(pr, "address", jstr_or_null(sv->addr));
			json_object_set_new(pr, "state", json_string(dd_dns_state_name(sv->state)));
			json_object_set_new(pr, "message", json_string(sv->detail));
			json_array_append_new(problems, pr);
		}
		json_object_set_new(js, "servers", servers);
		json_object_set_new(js, "disagreement", json_boolean(s->disagreement));
		json_object_set_new(js, "next", jstr_or_null(s->next));
		json_array_append_new(steps, js);
	}
	json_object_set_new(root, "steps", steps);
	json_object_set_new(root, "problems", problems);
	json_object_set_new(st, "queries", json_integer(dd_probe_exchanges(p)));
	json_object_set_new(st, "timeouts", json_integer(dd_probe_timeouts(p)));
	json_object_set_new(st, "elapsed_ms", json_real(dd_probe_elapsed_ms(p)));
	json_object_set_new(root, "stats", st);
	json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', stdout);
	json_decref(root);
}

static void print_text(const struct dd_evidence *ev, const struct dd_dns_trace *t,
		       const char *qname, const char *qtype, const struct dd_probe *p)
{
	struct dd_buf b;
	char rb[16];

	dd_buf_init(&b);
	dd_buf_printf(&b, ";; trace %s %s\n", qname, qtype);
	for (size_t i = 0; i < t->nsteps; i++) {
		const struct dd_dns_trace_step *s = &t->steps[i];
		dd_buf_puts(&b, "\n");
		dd_buf_esc(&b, s->zone);
		dd_buf_printf(&b, "  (%zu server address%s)%s", s->nservers,
			      s->nservers == 1 ? "" : "es",
			      s->disagreement ? "  ** servers disagree **" : "");
		if (strcasecmp(s->qname, qname) != 0) {
			dd_buf_puts(&b, "  asking for ");
			dd_buf_esc(&b, s->qname);
		}
		dd_buf_puts(&b, "\n");
		for (size_t k = 0; k < s->nservers; k++) {
			const struct dd_dns_trace_server *sv = &s->servers[k];
			char left[DD_NAME_MAX + DD_DNS_ADDR_MAX + 4];
			snprintf(left, sizeof(left), "%s %s", sv->name, sv->addr[0] ? sv->addr : "-");
			dd_buf_puts(&b, "  ");
			dd_buf_esc(&b, left);
			size_t pad = strlen(left) < 44 ? 44 - strlen(left) : 1;
			dd_buf_printf(&b, "%*s%s %-9s", (int)pad, "", proto(sv),
				      dd_dns_state_name(sv->state));
			if (sv->state == DD_ST_REFERRAL || (sv->state == DD_ST_LAME && sv->referral[0])) {
				dd_buf_puts(&b, " -> ");
				dd_buf_esc(&b, sv->referral);
			}
			if (sv->rcode > 0)
				dd_buf_printf(&b, " %s", dd_dns_rcode_name(sv->rcode, rb, sizeof(rb)));
			if (sv->rtt_ms >= 0)
				dd_buf_printf(&b, "  %.1f ms", sv->rtt_ms);
			if (sv->detail[0] && !dd_dns_state_ok(sv->state)) {
				dd_buf_puts(&b, "  (");
				dd_buf_esc(&b, sv->detail);
				dd_buf_puts(&b, ")");
			}
			dd_buf_puts(&b, "\n");
		}
	}
	dd_buf_puts(&b, "\n");
	if (t->result.nchain) {
		dd_buf_puts(&b, ";; CNAME chain: ");
		dd_buf_esc(&b, qname);
		for (size_t i = 0; i < t->result.nchain; i++) {
			dd_buf_puts(&b, " -> ");
			dd_buf_esc(&b, t->result.chain[i]);
		}
		dd_buf_puts(&b, "\n");
	}
	if (t->result.status == DD_RES_ANSWER) {
		json_t *a = answer_json(ev, t);
		size_t i;
		json_t *v;
		dd_buf_puts(&b, ";; answer:\n");
		json_array_foreach(a, i, v) {
			char line[1024];
			snprintf(line, sizeof(line), "%s", json_string_value(v));
			for (char *c = line; *c; c++)
				if (*c == '\t')
					*c = ' '; /* ldns separates fields with tabs */
			dd_buf_puts(&b, "   ");
			dd_buf_esc(&b, line);
			dd_buf_puts(&b, "\n");
		}
		json_decref(a);
	} else {
		dd_buf_printf(&b, ";; %s%s%s: ", dd_dns_status_name(t->result.status),
			      t->result.code ? " " : "", t->result.code ? t->result.code : "");
		dd_buf_esc(&b, t->result.message);
		dd_buf_puts(&b, "\n");
	}
	dd_buf_printf(&b, ";; %u queries, %u timeouts, %.1f ms\n", dd_probe_exchanges(p),
		      dd_probe_timeouts(p), dd_probe_elapsed_ms(p));
	fputs(dd_buf_str(&b), stdout);
	dd_buf_free(&b);
}

static int trace_main(int argc, char **argv)
{
	struct dd_cli_common c;
	struct dd_cli_out out = { 0 };
	void *targets[] = { &out, &c };
	char *pos[argc + 1];
	int npos, rc = DD_EXIT_UNKNOWN;
	char qname[DD_NAME_MAX];
	const char *why, *qtype_text = "A";
	uint16_t qtype;
	struct dd_probe_opts po;
	struct dd_dns_hint *hints = NULL;
	size_t nhints = 0;
	struct dd_probe *probe = NULL;
	struct dd_evidence *ev = NULL;
	struct trace_run run = { 0 };
	struct dd_clock clk = { 0 };

	dd_cli_common_init(&c);
	if ((rc = dd_cli_parse(&dd_cmd_trace, targets, NULL, argc, argv, pos, &npos)) >= 0)
		return rc;
	rc = DD_EXIT_UNKNOWN;
	if (dd_name_from_user(pos[0], qname, &why) != 0) {
		char *e = dd_esc_dup(pos[0], strlen(pos[0]));
		fprintf(stderr, "dnsdeps trace: invalid name '%s': %s\n", e ? e : "?", why);
		free(e);
		return DD_EXIT_UNKNOWN;
	}
	if (npos == 2)
		qtype_text = pos[1];
	qtype = dd_dns_type_from_text(qtype_text);
	if (qtype == 0) {
		char *e = dd_esc_dup(qtype_text, strlen(qtype_text));
		fprintf(stderr, "dnsdeps trace: unknown record type '%s'\n", e ? e : "?");
		free(e);
		return DD_EXIT_UNKNOWN;
	}
	if (dd_cli_probe_setup(&c, &po, &hints, &nhints) != 0)
		return DD_EXIT_UNKNOWN;
	ev = dd_ev_new(qname, dd_clock_now(&clk));
	if (!ev || dd_probe_new(&probe, &po, hints, nhints, ev) != 0 ||
	    dd_dns_trace_start(dd_probe_dns(probe), qname, qtype, ev, on_trace, &run) != 0) {
		fprintf(stderr, "dnsdeps trace: out of memory\n");
		goto out;
	}
	dd_probe_run(probe);
	if (!run.done) {
		fprintf(stderr, "dnsdeps trace: internal error: the walk did not finish\n");
		goto out;
	}
	char tname[16];
	const char *tn = dd_dns_type_name(qtype, tname, sizeof(tname));
	size_t problems = 0;
	int disagreement = 0;
	for (size_t i = 0; i < run.tr->nsteps; i++) {
		disagreement |= run.tr->steps[i].disagreement;
		for (size_t k = 0; k < run.tr->steps[i].nservers; k++)
			problems += is_problem(&run.tr->steps[i].servers[k]);
	}
	if (out.format == DD_FMT_JSON)
		print_json(ev, run.tr, qname, tn, probe);
	else
		print_text(ev, run.tr, qname, tn, probe);
	rc = trace_exit(run.tr, problems, disagreement);
out:
	if (run.tr) {
		dd_dns_trace_free(run.tr);
	}
	dd_probe_free(probe);
	dd_ev_free(ev);
	free(hints);
	return rc;
}

const struct dd_cmd dd_cmd_trace = {
	.name = "trace",
	.run = trace_main,
	.summary = "walk from the root asking every server at every zone cut",
	.synopsis = "[OPTIONS] NAME [TYPE]",
	.about = "Walks from the root to NAME (type A by default), asking every server of\n"
		 "every zone on the way on all its addresses, like 'drill -T'; shows where\n"
		 "they disagree and which are lame, silent or unreachable.",
	.exits = "0 resolved, 1 resolved but some servers failed or disagree, 2 not\n"
		 "resolvable (NXDOMAIN, all servers failed, loop), 3 usage.",
	.min_pos = 1,
	.max_pos = 2,
	.missing = "give a NAME to trace",
	.tables = {
		{ dd_cli_out_opts, DD_CLI_FMT(DD_FMT_TEXT) | DD_CLI_FMT(DD_FMT_JSON) },
		{ dd_cli_common_opts, 0 },
	},
};
