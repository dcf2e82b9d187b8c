/* cmd_graph.c: `dnsdeps graph DOMAIN`: gather what a domain (and its
 * backups) depends on, transitively, and print the graph and its analysis
 * (single points of failure, hijack risks, counts, what backups share) as
 * text, JSON, DOT or SVG. Also the options of the dependency graph that
 * `check --deps` shares (dd_cli_deps_opts). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/env.h"
#include "core/err.h"
#include "core/esc.h"
#include "core/name.h"
#include "dd_config.h"
#include "graph/graph.h"
#include "probe/deps.h"
#include "probe/reg.h"
#include "report/report.h"

/* ---- the dependency options (graph, check --deps) ------------------------ */

static int set_backup(void *t, const char *arg, const char **why)
{
	struct dd_cli_deps *d = t;

	if (d->nbackups >= DD_DEPS_MAX_BACKUPS) {
		*why = "too many --backup (at most 8)";
		return -1;
	}
	if (dd_name_from_user(arg, d->backups[d->nbackups], why) != 0)
		return -1;
	d->nbackups++;
	d->wanted = 1;
	return 0;
}

static int set_asn_zone(void *t, const char *arg, const char **why)
{
	struct dd_cli_deps *d = t;

	if (dd_name_from_user(arg, d->asn_zone, why) != 0)
		return -1;
	d->asn_source = 1;
	d->wanted = 1;
	return 0;
}

static int set_asn_mmdb(void *t, const char *arg, const char **why)
{
	struct dd_cli_deps *d = t;

	if (access(arg, R_OK) != 0) {
		*why = "cannot read the file";
		return -1;
	}
	d->asn_mmdb = arg;
	d->wanted = 1;
	return 0;
}

static int set_max_depth(void *t, const char *arg, const char **why)
{
	struct dd_cli_deps *d = t;

	d->wanted = 1;
	return dd_opt_uint(arg, 0, 8, &d->max_depth, why);
}

static int set_bootstrap(void *t, const char *arg, const char **why)
{
	(void)why;
	((struct dd_cli_deps *)t)->rdap_bootstrap = arg;
	return 0;
}

static int set_whois_servers(void *t, const char *arg, const char **why)
{
	(void)why;
	((struct dd_cli_deps *)t)->whois_servers = arg;
	return 0;
}

static int set_ca_file(void *t, const char *arg, const char **why)
{
	(void)why;
	((struct dd_cli_deps *)t)->ca_file = arg;
	return 0;
}

static int set_reg_timeout(void *t, const char *arg, const char **why)
{
	return dd_opt_uint(arg, 100, 120000, &((struct dd_cli_deps *)t)->reg_timeout_ms, why);
}

static int set_no_registration(void *t, const char *arg, const char **why)
{
	(void)arg;
	(void)why;
	((struct dd_cli_deps *)t)->no_registration = 1;
	return 0;
}

const struct dd_opt dd_cli_deps_opts[] = {
	{ "backup", 0, "DOMAIN", set_backup, "a backup domain of DOMAIN: what do they share? (repeatable, at most 8)" },
	{ "asn-zone", 0, "ZONE", set_asn_zone, "origin AS from TXT records under ZONE, Team Cymru style (origin.ZONE, origin6.ZONE)" },
	{ "asn-mmdb", 0, "FILE", set_asn_mmdb, "origin AS from a MaxMind-format ASN database (.mmdb)" },
	{ "max-depth", 0, "N", set_max_depth, "follow NS names up to N levels from the domain (default 3)" },
	{ "rdap-bootstrap", 0, "FILE", set_bootstrap, "RDAP bootstrap file (RFC 9224) for registration data" },
	{ "whois-servers", 0, "FILE", set_whois_servers, "WHOIS table, lines SUFFIX HOST[:PORT]" },
	{ "ca-file", 0, "FILE", set_ca_file, "also trust the CA certificates in FILE for RDAP (PEM)" },
	{ "reg-timeout", 0, "MS", set_reg_timeout, "per registration request, milliseconds (default 10000)" },
	{ "no-registration", 0, NULL, set_no_registration, "do not look up registrations (registrars and hijack risks stay unknown)" },
	{ NULL, 0, NULL, NULL, NULL },
};

void dd_cli_deps_init(struct dd_cli_deps *d)
{
	memset(d, 0, sizeof(*d));
	d->max_depth = DD_DEPS_DEFAULT_DEPTH;
}

int dd_cli_deps_request(const struct dd_cli_deps *d, struct dd_evidence *ev, const char *cmd)
{
	const char *backups[DD_DEPS_MAX_BACKUPS];
	int rc;

	if (d->asn_source && d->asn_mmdb) {
		fprintf(stderr, "dnsdeps %s: --asn-zone and --asn-mmdb exclude each other\n", cmd);
		return -1;
	}
	for (size_t i = 0; i < d->nbackups; i++) {
		if (strcasecmp(d->backups[i], ev->domain) == 0) {
			fprintf(stderr, "dnsdeps %s: a domain is not its own backup\n", cmd);
			return -1;
		}
		backups[i] = d->backups[i];
	}
	rc = dd_probe_deps_request(ev, backups, d->nbackups, d->max_depth,
				   d->asn_source ? d->asn_zone : NULL, d->asn_mmdb);
	if (rc) {
		fprintf(stderr, "dnsdeps %s: %s\n", cmd, dd_strerror(rc));
		return -1;
	}
	return 0;
}

int dd_cli_deps_finish(struct dd_evidence *ev, const char *cmd)
{
	char why[300];
	int rc = dd_probe_deps_finish(ev, why, sizeof(why));

	if (rc) {
		char *e = dd_esc_dup(why, strlen(why));
		fprintf(stderr, "dnsdeps %s: %s\n", cmd, e && e[0] ? e : dd_strerror(rc));
		free(e);
		return -1;
	}
	return 0;
}

/* ---- dnsdeps graph ---------------------------------------------------------- */

enum fmt { F_TEXT, F_JSON, F_DOT, F_SVG };

struct graph_opts {
	enum fmt format;
	const char *output;
	const char *evidence;
	const char *save;
	int64_t now;
	int no_color;
};

static int set_format(void *t, const char *arg, const char **why)
{
	static const char *const names[] = { "text", "json", "dot", "svg" };

	for (int i = 0; i < 4; i++)
		if (strcmp(arg, names[i]) == 0) {
			((struct graph_opts *)t)->format = (enum fmt)i;
			return 0;
		}
	*why = "one of text, json, dot, svg";
	return -1;
}

static int set_output(void *t, const char *arg, const char **why)
{
	(void)why;
	((struct graph_opts *)t)->output = arg;
	return 0;
}

static int set_evidence(void *t, const char *arg, const char **why)
{
	(void)why;
	((struct graph_opts *)t)->evidence = arg;
	return 0;
}

static int set_save(void *t, const char *arg, const char **why)
{
	(void)why;
	((struct graph_opts *)t)->save = arg;
	return 0;
}

static int set_now(void *t, const char *arg, const char **why)
{
	if (dd_clock_parse(arg, &((struct graph_opts *)t)->now) != 0) {
		*why = "not an RFC 3339 time or YYYY-MM-DD date";
		return -1;
	}
	return 0;
}

static int set_no_color(void *t, const char *arg, const char **why)
{
	(void)arg;
	(void)why;
	((struct graph_opts *)t)->no_color = 1;
	return 0;
}

static const struct dd_opt graph_table[] = {
	{ "format", 0, "FORMAT", set_format, "text (default), json, dot or svg (Graphviz)" },
	{ "output", 'o', "FILE", set_output, "write to FILE instead of standard output" },
	{ "evidence", 0, "FILE", set_evidence, "draw from a saved evidence document (no network)" },
	{ "save-evidence", 0, "FILE", set_save, "write the evidence (JSON) to FILE" },
	{ "now", 0, "TIME", set_now, "judge expiry dates as of TIME (RFC 3339)" },
	{ "no-color", 0, NULL, set_no_color, "no colour even on a terminal (NO_COLOR is honoured too)" },
	{ NULL, 0, NULL, NULL, NULL },
};

static void usage(FILE *out, const struct dd_opt_group *g, int n)
{
	fprintf(out, "usage: dnsdeps graph [OPTIONS] DOMAIN [--backup DOMAIN]...\n"
		     "       dnsdeps graph --evidence FILE [--format FORMAT]\n\n"
		     "Everything DOMAIN depends on, transitively: its zones up to the root, their\n"
		     "nameservers, the nameservers' own zones, addresses, networks, origin ASes,\n"
		     "registries, registrars and operators; the single failures that would make it\n"
		     "unresolvable; nameserver domains a stranger could take over; what backups\n"
		     "share. Exit status: 0 nothing to fix, 1 avoidable single points of failure\n"
		     "or hijack risks, 2 the domain does not resolve, 3 unknown or usage error.\n\n");
	dd_opts_help(g, n, out);
}

/* 0, 1 or 2 by the analysis (see usage). */
static int status_of(const struct dd_evidence *ev, int64_t now)
{
	struct dd_graph *g = NULL;
	struct dd_graph_analysis a;
	int st = DD_EXIT_OK;

	if (dd_graph_build(ev, &g) != 0)
		return DD_EXIT_UNKNOWN;
	if (dd_graph_analyse(g, now, &a) != 0) {
		dd_graph_free(g);
		return DD_EXIT_UNKNOWN;
	}
	if (!g->nroots || !a.roots[0].resolvable)
		st = DD_EXIT_CRITICAL;
	else if (a.nhijacks || a.ngroup_spofs)
		st = DD_EXIT_WARNING;
	for (size_t i = 0; st == DD_EXIT_OK && i < a.roots[0].nspofs; i++)
		if (!a.roots[0].spofs[i].inherent)
			st = DD_EXIT_WARNING;
	dd_graph_analysis_free(&a);
	dd_graph_free(g);
	return st;
}

static int render(const struct graph_opts *o, const struct dd_evidence *ev, FILE *out)
{
	struct dd_rep_opts ro = { 0 };
	struct dd_buf b, dot;
	char why[300] = "";
	int rc;

	ro.now = o->now;
	ro.color = o->format == F_TEXT && !o->no_color && !o->output &&
		   isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
	dd_buf_init(&b);
	dd_buf_init(&dot);
	switch (o->format) {
	case F_JSON: rc = dd_rep_deps_json(ev, &ro, &b); break;
	case F_DOT: rc = dd_rep_dot(ev, &ro, &b); break;
	case F_SVG:
		rc = dd_rep_dot(ev, &ro, &dot);
		if (rc == 0)
			rc = dd_rep_svg(dd_buf_str(&dot), &b, why, sizeof(why));
		break;
	default: rc = dd_rep_deps_text(ev, &ro, &b); break;
	}
	if (rc == 0 && (fwrite(dd_buf_str(&b), 1, b.len, out) != b.len || fflush(out) != 0))
		rc = DD_EIO;
	if (rc)
		fprintf(stderr, "dnsdeps graph: %s\n",
			rc == DD_ENOTFOUND ? "the evidence has no dependencies section"
			: why[0] ? why : dd_strerror(rc));
	dd_buf_free(&b);
	dd_buf_free(&dot);
	return rc;
}

static int save(const char *path, const struct dd_evidence *ev)
{
	FILE *f = fopen(path, "w");
	int rc;

	if (!f) {
		fprintf(stderr, "dnsdeps graph: cannot write %s\n", path);
		return -1;
	}
	rc = dd_ev_save_file(ev, f);
	if (fclose(f) != 0 || rc != 0) {
		fprintf(stderr, "dnsdeps graph: cannot write %s\n", path);
		return -1;
	}
	return 0;
}

/* Walk the DNS for ev (its roots requested) and fill in the rest. */
static int gather(const struct dd_cli_common *c, const struct dd_cli_deps *d,
		  struct dd_evidence *ev)
{
	struct dd_probe_opts po;
	struct dd_dns_hint *hints = NULL;
	size_t nhints = 0;
	struct dd_probe *probe = NULL;
	struct dd_probe_reg *reg = NULL;
	int rc = -1;

	if (dd_cli_probe_setup(c, &po, &hints, &nhints) != 0)
		return -1;
	ev->options.ipv4 = po.ipv4;
	ev->options.ipv6 = po.ipv6;
	ev->options.timeout_ms = po.timeout_ms;
	ev->options.retries = po.retries;
	if (dd_cli_deps_request(d, ev, "graph") == 0) {
		if (dd_probe_new(&probe, &po, hints, nhints, NULL) != 0) {
			fprintf(stderr, "dnsdeps graph: out of memory\n");
		} else if (dd_cli_probe_reg(probe, d, "graph", &reg) != 0) {
			/* said why */
		} else if (dd_probe_deps_start(probe, ev, NULL, dd_probe_reg_fetcher(reg), NULL,
					       NULL) != 0) {
			fprintf(stderr, "dnsdeps graph: out of memory\n");
		} else {
			dd_probe_run(probe);
			rc = dd_cli_deps_finish(ev, "graph");
		}
	}
	dd_probe_reg_free(reg);
	dd_probe_free(probe);
	free(hints);
	return rc;
}

int dd_cmd_graph(int argc, char **argv)
{
	struct dd_cli_common c;
	struct dd_cli_deps d;
	struct graph_opts o = { 0 };
	struct dd_opt_group groups[] = { { dd_cli_common_opts, &c }, { graph_table, &o },
					 { dd_cli_deps_opts, &d }, { dd_cli_reg_extra_opts, &d.reg } };
	char *pos[argc + 1], name[DD_NAME_MAX], err[300];
	const char *why = NULL;
	struct dd_evidence *ev = NULL;
	struct dd_clock clk = { 0 };
	FILE *out = stdout;
	int npos, status;

	dd_cli_common_init(&c);
	dd_cli_deps_init(&d);
	if (dd_opts_parse(groups, 4, argc, argv, pos, &npos, stderr) != 0)
		return DD_EXIT_UNKNOWN;
	if (c.help) {
		usage(stdout, groups, 4);
		return DD_EXIT_OK;
	}
	if (c.json)
		o.format = F_JSON;
	if (o.evidence ? npos != 0 : npos != 1) {
		usage(stderr, groups, 4);
		return DD_EXIT_UNKNOWN;
	}
	if (o.evidence) {
		int rc = dd_ev_load_file(o.evidence, &ev, err, sizeof(err));
		if (rc) {
			fprintf(stderr, "dnsdeps graph: %s: %s\n", o.evidence,
				err[0] ? err : dd_strerror(rc));
			return DD_EXIT_UNKNOWN;
		}
	} else {
		if (dd_name_from_user(pos[0], name, &why) != 0) {
			char *e = dd_esc_dup(pos[0], strlen(pos[0]));
			fprintf(stderr, "dnsdeps graph: invalid domain '%s': %s\n", e ? e : "?", why);
			free(e);
			return DD_EXIT_UNKNOWN;
		}
		clk.fixed_now = o.now;
		ev = dd_ev_new(name, dd_clock_now(&clk));
		if (!ev || gather(&c, &d, ev) != 0) {
			dd_ev_free(ev);
			return DD_EXIT_UNKNOWN;
		}
	}
	if (o.save && save(o.save, ev) != 0) {
		dd_ev_free(ev);
		return DD_EXIT_UNKNOWN;
	}
	if (o.output && !(out = fopen(o.output, "w"))) {
		fprintf(stderr, "dnsdeps graph: cannot write %s\n", o.output);
		dd_ev_free(ev);
		return DD_EXIT_UNKNOWN;
	}
	status = render(&o, ev, out) == 0 ? status_of(ev, o.now ? o.now : ev->time)
					  : DD_EXIT_UNKNOWN;
	if (out != stdout && fclose(out) != 0) {
		fprintf(stderr, "dnsdeps graph: cannot write %s\n", o.output);
		status = DD_EXIT_UNKNOWN;
	}
	dd_ev_free(ev);
	return status;
}
