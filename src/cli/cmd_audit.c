/* cmd_audit.c: `dnsdeps audit`. One command, several modes: --zone FILE
 * audits every delegation of a zone file offline (src/zone); the live audit
 * of a portfolio of domains will be the other mode. Options shared by the
 * modes (output format and file) live in one table, each mode's in its own. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <libpsl.h>

#include "cli/cli.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/esc.h"
#include "zone/zone.h"

enum audit_format { FMT_TEXT, FMT_JSON, FMT_CSV };

struct audit_opts {
	int help;
	enum audit_format format;
	int format_set;
	const char *output;
	unsigned top;
};

struct zone_opts {
	const char *zone;
	const char *origin;
};

static int set_help(void *t, const char *arg, const char **why)
{
	(void)arg;
	(void)why;
	((struct audit_opts *)t)->help = 1;
	return 0;
}

static int set_format(struct audit_opts *o, enum audit_format f, const char **why)
{
	if (o->format_set && o->format != f) {
		*why = "--json and --csv exclude each other";
		return -1;
	}
	o->format = f;
	o->format_set = 1;
	return 0;
}

static int set_json(void *t, const char *arg, const char **why)
{
	(void)arg;
	return set_format(t, FMT_JSON, why);
}

static int set_csv(void *t, const char *arg, const char **why)
{
	(void)arg;
	return set_format(t, FMT_CSV, why);
}

static int set_output(void *t, const char *arg, const char **why)
{
	(void)why;
	((struct audit_opts *)t)->output = arg;
	return 0;
}

static int set_top(void *t, const char *arg, const char **why)
{
	return dd_opt_uint(arg, 1, 1000000, &((struct audit_opts *)t)->top, why);
}

static int set_zone(void *t, const char *arg, const char **why)
{
	(void)why;
	((struct zone_opts *)t)->zone = arg;
	return 0;
}

static int set_origin(void *t, const char *arg, const char **why)
{
	uint8_t wire[DD_ZONE_WIRE_MAX];

	if (dd_zone_name_from_text(arg, wire) < 0) {
		*why = "not a valid domain name";
		return -1;
	}
	((struct zone_opts *)t)->origin = arg;
	return 0;
}

static const struct dd_opt audit_table[] = {
	{ "json", 'j', NULL, set_json, "write JSON (schema dnsdeps.zoneaudit/1)" },
	{ "csv", 0, NULL, set_csv, "write CSV, one row per delegation" },
	{ "output", 'o', "FILE", set_output, "write to FILE instead of standard output" },
	{ "top", 0, "N", set_top, "rows in each ranking and list (default 20)" },
	{ "help", 'h', NULL, set_help, "show this help" },
	{ NULL, 0, NULL, NULL, NULL },
};

static const struct dd_opt zone_table[] = {
	{ "zone", 0, "FILE", set_zone, "audit the delegations in zone FILE ('-': standard input)" },
	{ "origin", 0, "NAME", set_origin, "the zone's name (default: the owner of its SOA)" },
	{ NULL, 0, NULL, NULL, NULL },
};

static void usage(const struct dd_opt_group *groups, int ngroups, FILE *out)
{
	fprintf(out, "usage: dnsdeps audit --zone FILE [--origin NAME] [--json|--csv] "
		     "[--output FILE]\n\n"
		     "Reads a zone file (a TLD's, typically) and audits every delegation in it\n"
		     "offline: NS count, operators, NS TLDs, bailiwick, glue, NS names that anyone\n"
		     "could take over by registering a domain in this zone, and how many\n"
		     "delegations the largest operators could take down together.\n"
		     "Exit status: 0 nothing to report, 1 NS names without needed glue,\n"
		     "2 hijackable NS names, 3 the zone could not be read.\n\n");
	dd_opts_help(groups, ngroups, out);
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int write_file(void *ctx, const char *data, size_t len)
{
	return fwrite(data, 1, len, ctx) == len ? 0 : DD_EIO;
}

static int write_report(const struct audit_opts *o, const struct dd_zone_audit *a,
			const struct dd_zone_perf *perf)
{
	FILE *out = stdout;
	struct dd_buf b;
	int r = 0;

	if (o->output && strcmp(o->output, "-") != 0) {
		out = fopen(o->output, "w");
		if (!out) {
			perror("dnsdeps audit: cannot write the output file");
			return DD_EIO;
		}
	}
	dd_buf_init(&b);
	if (o->format == FMT_CSV) {
		r = dd_zone_report_csv(a, write_file, out);
	} else {
		if (o->format == FMT_JSON)
			r = dd_zone_report_json(a, perf, &b, o->top);
		else
			dd_zone_report_text(a, perf, &b, o->top);
		if (!r && dd_buf_failed(&b))
			r = DD_ENOMEM;
		if (!r)
			r = write_file(out, b.data ? b.data : "", b.len);
	}
	dd_buf_free(&b);
	if (fflush(out) != 0 && !r)
		r = DD_EIO;
	if (out != stdout && fclose(out) != 0 && !r)
		r = DD_EIO;
	if (r)
		fprintf(stderr, "dnsdeps audit: cannot write the report: %s\n", dd_strerror(r));
	return r;
}

/* Read and analyse the zone; 0 or a negative dd_err after a message. */
static int run_zone_audit(const struct zone_opts *z, struct dd_zone_audit *a)
{
	FILE *in = stdin;
	struct dd_zone_scanner *s = NULL;
	uint8_t apex[DD_ZONE_WIRE_MAX];
	unsigned long line = 0;
	const char *label = z->zone;
	char shown[256];
	int r;

	if (strcmp(z->zone, "-") == 0) {
		label = "<stdin>";
	} else {
		in = fopen(z->zone, "r");
		if (!in) {
			dd_esc(z->zone, strlen(z->zone), shown, sizeof(shown));
			fprintf(stderr, "dnsdeps audit: cannot open %s: %s\n", shown,
				dd_strerror(dd_err_from_errno(errno)));
			return DD_EIO;
		}
	}
	r = dd_zone_scanner_new(&s, in, label, z->origin);
	if (!r) {
		r = dd_zone_audit_scan(a, s, &line);
		if (r == DD_EPARSE || r == DD_EIO || (r == DD_ELIMIT && line == 0))
			fprintf(stderr, "dnsdeps audit: %s\n", dd_zone_scanner_error(s));
		else if (r) {
			dd_esc(label, strlen(label), shown, sizeof(shown));
			fprintf(stderr, "dnsdeps audit: %s:%lu: %s\n", shown, line,
				r == DD_ELIMIT ? "more NS records at one name than the audit allows, "
						 "or tables beyond 4 GiB"
					       : dd_strerror(r));
		}
	}
	dd_zone_scanner_free(s);
	if (in != stdin)
		fclose(in);
	if (r)
		return r;
	if (z->origin)
		dd_zone_name_from_text(z->origin, apex);
	r = dd_zone_audit_finish(a, z->origin ? apex : NULL);
	if (r == DD_ENOTFOUND)
		fprintf(stderr, "dnsdeps audit: the zone has no SOA record: give its name with "
				"--origin\n");
	else if (r)
		fprintf(stderr, "dnsdeps audit: %s\n", dd_strerror(r));
	return r;
}

static int zone_mode(const struct audit_opts *o, const struct zone_opts *z)
{
	psl_ctx_t *latest = psl_latest(NULL);
	const psl_ctx_t *psl = latest ? latest : psl_builtin();
	struct dd_zone_audit *a = NULL;
	struct dd_zone_perf perf = { 0 };
	struct rusage ru;
	double t0 = now_seconds();
	int r, status = DD_EXIT_UNKNOWN;

	r = dd_zone_audit_new(&a, psl);
	if (r) {
		fprintf(stderr, "dnsdeps audit: %s\n", dd_strerror(r));
		goto out;
	}
	if (run_zone_audit(z, a) != 0)
		goto out;
	perf.seconds = now_seconds() - t0;
	if (getrusage(RUSAGE_SELF, &ru) == 0)
		perf.peak_rss = (size_t)ru.ru_maxrss * 1024;
	if (write_report(o, a, &perf) != 0)
		goto out;
	const struct dd_zone_summary *s = dd_zone_audit_summary(a);
	status = s->hijack_ns_names ? DD_EXIT_CRITICAL
		 : s->unresolvable_delegations || s->missing_glue_names ? DD_EXIT_WARNING
									 : DD_EXIT_OK;
out:
	dd_zone_audit_free(a);
	psl_free(latest);
	return status;
}

int dd_cmd_audit(int argc, char **argv)
{
	struct audit_opts o = { .top = 20 };
	struct zone_opts z = { 0 };
	struct dd_opt_group groups[] = { { zone_table, &z }, { audit_table, &o } };
	int ngroups = (int)(sizeof(groups) / sizeof(groups[0]));
	char *pos[argc + 1];
	int npos;

	if (dd_opts_parse(groups, ngroups, argc, argv, pos, &npos, stderr) != 0)
		return DD_EXIT_UNKNOWN;
	if (o.help) {
		usage(groups, ngroups, stdout);
		return DD_EXIT_OK;
	}
	if (!z.zone) {
		fprintf(stderr, "dnsdeps audit: only the zone-file mode exists so far: give "
				"--zone FILE\n\n");
		usage(groups, ngroups, stderr);
		return DD_EXIT_UNKNOWN;
	}
	if (npos > 0) {
		fprintf(stderr, "dnsdeps audit: --zone takes no other arguments\n");
		return DD_EXIT_UNKNOWN;
	}
	return zone_mode(&o, &z);
}
