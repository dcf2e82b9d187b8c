/* cmd_report.c: `dnsdeps report FILE` judges a saved evidence document
 * offline and prints exactly what `dnsdeps check` printed (or would print
 * now, with --now): both go through dd_rep_judge_and_print. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/env.h"
#include "core/err.h"
#include "core/esc.h"
#include "evidence/evidence.h"
#include "probe/dnssec.h"
#include "report/report.h"

/* --trust-anchor: judge DNSSEC from FILE instead of the recorded anchor. */
static int replace_anchor(struct dd_evidence *ev, const struct dd_cli_judge *j)
{
	struct dd_ev_strlist l = { 0 };
	char source[4200];
	int rc = dd_cli_judge_setup(j, "report", &l, source, sizeof(source));

	if (rc == 0 && j->anchor)
		rc = dd_ev_sec_set_anchor(&ev->dnssec, &l, source);
	dd_ev_strlist_free(&l);
	return rc;
}

static int report_main(int argc, char **argv)
{
	struct dd_cli_out out = { 0 };
	struct dd_cli_judge j = { 0 };
	void *targets[] = { &j.now, &j, &out };
	struct dd_rep_opts ro = { 0 };
	struct dd_evidence *ev = NULL;
	char *pos[argc + 1];
	char err[300];
	int npos, rc;

	if ((rc = dd_cli_parse(&dd_cmd_report, targets, NULL, argc, argv, pos, &npos)) >= 0)
		return rc;
	rc = dd_ev_load_file(pos[0], &ev, err, sizeof(err));
	if (rc != 0) {
		fprintf(stderr, "dnsdeps report: %s: %s\n", pos[0], err[0] ? err : dd_strerror(rc));
		return DD_EXIT_UNKNOWN;
	}
	if (replace_anchor(ev, &j) != 0) {
		dd_ev_free(ev);
		return DD_EXIT_UNKNOWN;
	}
	ro.json = out.format == DD_FMT_JSON;
	ro.level = out.level;
	dd_cli_judge_chk(&j, &ro.judge);
	if (!j.expiry_warn) /* an older document's own thresholds, else the defaults */
		ro.judge.expiry_warn_days = ev->registration.saved_warn_days;
	if (!j.expiry_crit)
		ro.judge.expiry_crit_days = ev->registration.saved_crit_days;
	ro.color = dd_cli_color(&out, stdout);
	rc = dd_rep_judge_and_print(ev, &ro, stdout);
	dd_ev_free(ev);
	if (rc < 0) {
		fprintf(stderr, "dnsdeps report: %s\n", dd_strerror(rc));
		return DD_EXIT_UNKNOWN;
	}
	return rc;
}

const struct dd_cmd dd_cmd_report = {
	.name = "report",
	.run = report_main,
	.summary = "judge a saved evidence document again, offline",
	.synopsis = "[OPTIONS] FILE",
	.about = "Judges an evidence document saved by 'dnsdeps check --save-evidence FILE'\n"
		 "again, offline, and prints what 'check' printed (the same text, -v and -q).\n"
		 "--now, --trust-anchor and the thresholds judge it differently.",
	.exits = "0 ok, 1 warning, 2 critical, 3 unknown (or an unreadable document).",
	.min_pos = 1,
	.max_pos = 1,
	.missing = "give the evidence FILE to judge",
	.tables = {
		{ dd_cli_now_opts, 0 },
		{ dd_cli_judge_opts, 0 },
		{ dd_cli_out_opts, DD_CLI_FMT(DD_FMT_TEXT) | DD_CLI_FMT(DD_FMT_JSON) | DD_CLI_LEVELS },
	},
};
