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

struct report_opts {
	int help;
	int json;
	int64_t now;
	const char *anchor;
	unsigned expiry_warn, expiry_crit; /* days; 0: as the evidence records */
	unsigned sig_warn;                 /* days; 0: the default (7) */
};

static int set_help(void *t, const char *arg, const char **why)
{
	(void)arg;
	(void)why;
	((struct report_opts *)t)->help = 1;
	return 0;
}

static int set_json(void *t, const char *arg, const char **why)
{
	(void)arg;
	(void)why;
	((struct report_opts *)t)->json = 1;
	return 0;
}

static int set_now(void *t, const char *arg, const char **why)
{
	if (dd_clock_parse(arg, &((struct report_opts *)t)->now) != 0) {
		*why = "not a time (use RFC 3339, e.g. 2018-02-20T09:00:00Z, or YYYY-MM-DD)";
		return -1;
	}
	return 0;
}

static int set_anchor(void *t, const char *arg, const char **why)
{
	(void)why;
	((struct report_opts *)t)->anchor = arg;
	return 0;
}

static int set_expiry_warn(void *t, const char *arg, const char **why)
{
	return dd_opt_uint(arg, 1, 3650, &((struct report_opts *)t)->expiry_warn, why);
}

static int set_sig_warn(void *t, const char *arg, const char **why)
{
	return dd_opt_uint(arg, 1, 365, &((struct report_opts *)t)->sig_warn, why);
}

static int set_expiry_crit(void *t, const char *arg, const char **why)
{
	return dd_opt_uint(arg, 1, 3650, &((struct report_opts *)t)->expiry_crit, why);
}

static const struct dd_opt report_table[] = {
	{ "json", 'j', NULL, set_json, "print one JSON object (schema dnsdeps.check/1)" },
	{ "now", 0, "TIME", set_now, "judge as of TIME (RFC 3339) instead of the evidence's time" },
	{ "trust-anchor", 0, "FILE", set_anchor, "validate DNSSEC from FILE instead of the anchor the evidence records" },
	{ "expiry-warn", 0, "DAYS", set_expiry_warn, "registration expiry warning threshold instead of the recorded one" },
	{ "sig-warn", 0, "DAYS", set_sig_warn, "warn when DNSSEC signatures expire within DAYS (default 7)" },
	{ "expiry-crit", 0, "DAYS", set_expiry_crit, "registration expiry critical threshold instead of the recorded one" },
	{ "help", 'h', NULL, set_help, "show this help" },
	{ NULL, 0, NULL, NULL, NULL },
};

/* Colour only on a terminal, and never when NO_COLOR is set (as check). */
static int want_color(FILE *f)
{
	return isatty(fileno(f)) && !getenv("NO_COLOR");
}

/* --trust-anchor: judge DNSSEC from FILE instead of the recorded anchor. */
static int replace_anchor(struct dd_evidence *ev, const char *path)
{
	struct dd_ev_strlist l = { 0 };
	char why[400], source[4200];
	int rc = dd_probe_dnssec_anchor_file(path, &l, why, sizeof(why));

	if (rc != 0) {
		char *e = dd_esc_dup(why, strlen(why));
		fprintf(stderr, "dnsdeps report: --trust-anchor %s\n", e ? e : "unusable");
		free(e);
	} else {
		snprintf(source, sizeof(source), "file %s", path);
		rc = dd_ev_sec_set_anchor(&ev->dnssec, &l, source);
	}
	dd_ev_strlist_free(&l);
	return rc;
}

int dd_cmd_report(int argc, char **argv)
{
	struct report_opts o = { 0 };
	struct dd_opt_group groups[] = { { report_table, &o } };
	struct dd_rep_opts ro = { 0 };
	struct dd_evidence *ev = NULL;
	char *pos[argc + 1];
	char err[300];
	int npos, rc;

	if (dd_opts_parse(groups, 1, argc, argv, pos, &npos, stderr) != 0)
		return DD_EXIT_UNKNOWN;
	if (o.help || npos != 1) {
		FILE *f = o.help ? stdout : stderr;
		fprintf(f, "usage: dnsdeps report [OPTIONS] FILE\n\n"
			   "Judges an evidence document saved by 'dnsdeps check --save-evidence FILE'\n"
			   "again, offline, and prints what 'check' printed. Exit status: 0 ok,\n"
			   "1 warning, 2 critical, 3 unknown (or an unreadable document).\n\n");
		dd_opts_help(groups, 1, f);
		return o.help ? DD_EXIT_OK : DD_EXIT_UNKNOWN;
	}
	rc = dd_ev_load_file(pos[0], &ev, err, sizeof(err));
	if (rc != 0) {
		fprintf(stderr, "dnsdeps report: %s: %s\n", pos[0], err[0] ? err : dd_strerror(rc));
		return DD_EXIT_UNKNOWN;
	}
	if (o.anchor && replace_anchor(ev, o.anchor) != 0) {
		dd_ev_free(ev);
		return DD_EXIT_UNKNOWN;
	}
	if (o.expiry_warn)
		ev->registration.expiry_warn_days = (int)o.expiry_warn;
	if (o.expiry_crit)
		ev->registration.expiry_crit_days = (int)o.expiry_crit;
	ro.json = o.json;
	ro.now = o.now;
	ro.sig_warn_days = (int)o.sig_warn;
	ro.color = !o.json && want_color(stdout);
	rc = dd_rep_judge_and_print(ev, &ro, stdout);
	dd_ev_free(ev);
	if (rc < 0) {
		fprintf(stderr, "dnsdeps report: %s\n", dd_strerror(rc));
		return DD_EXIT_UNKNOWN;
	}
	return rc;
}
