/* cmd_trace.c: `dnsdeps trace NAME [TYPE]`: like `drill -T`, but at every
 * zone cut every server of the zone is asked on all its addresses; prints
 * where they disagree and which are lame, silent or unreachable. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/buf.h"
#include "core/env.h"
#include "core/err.h"
#include "core/esc.h"
#include "core/name.h"
#include "dns/resolve.h"
#include "probe/probe.h"
#include "report/report.h"

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

static int trace_exit(const struct dd_dns_trace *t, size_t problems, int disagreement)
{
	if (t->result.status == DD_RES_NXDOMAIN || t->result.status == DD_RES_FAILED)
		return DD_EXIT_CRITICAL;
	return problems || disagreement ? DD_EXIT_WARNING : DD_EXIT_OK;
}

static int print(const struct dd_cli_out *out, const struct dd_evidence *ev,
		 const struct dd_dns_trace *t, const char *qname, const char *qtype,
		 const struct dd_probe *p)
{
	struct dd_rep_trace_stats st = { dd_probe_exchanges(p), dd_probe_timeouts(p),
					 dd_probe_elapsed_ms(p) };
	struct dd_buf b;
	int rc;

	dd_buf_init(&b);
	rc = out->format == DD_FMT_JSON ? dd_rep_trace_json(ev, t, qname, qtype, &st, &b) :
					  dd_rep_trace_text(ev, t, qname, qtype, &st, &b);
	if (rc == 0)
		fputs(dd_buf_str(&b), stdout);
	else
		fprintf(stderr, "dnsdeps trace: %s\n", dd_strerror(rc));
	dd_buf_free(&b);
	return rc;
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
		char *e = dd_esc_name_dup(pos[0], strlen(pos[0]));
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
			problems += dd_rep_trace_problem(&run.tr->steps[i].servers[k]);
	}
	rc = print(&out, ev, run.tr, qname, tn, probe) == 0 ?
		     trace_exit(run.tr, problems, disagreement) : DD_EXIT_UNKNOWN;
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
