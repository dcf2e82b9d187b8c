/* cmd_graph.c: `dnsdeps graph DOMAIN`: gather what a domain (and its
 * backups) depends on, transitively, and print the graph and its analysis
 * (single points of failure, hijack risks, counts, what backups share) as
 * text, JSON, DOT or SVG. Also the options of the dependency graph that
 * `check --deps` shares (dd_cli_deps_opts). */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
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

static int set_backup(void *t, const struct dd_opt *opt, const char *arg, char *why,
		      size_t whylen)
{
	struct dd_cli_deps *d = t;
	const char *reason;
	(void)opt;

	if (d->nbackups >= DD_DEPS_MAX_BACKUPS) {
		snprintf(why, whylen, "too many --backup (at most 8)");
		return -1;
	}
	if (dd_name_from_user(arg, d->backups[d->nbackups], &reason) != 0) {
		snprintf(why, whylen, "%s", reason);
		return -1;
	}
	d->nbackups++;
	d->wanted = 1;
	return 0;
}

static int set_asn_zone(void *t, const struct dd_opt *opt, const char *arg, char *why,
			size_t whylen)
{
	struct dd_cli_deps *d = t;
	const char *reason;
	(void)opt;

	if (dd_name_from_user(arg, d->asn_zone, &reason) != 0) {
		snprintf(why, whylen, "%s", reason);
		return -1;
	}
	d->asn_source = 1;
	d->wanted = 1;
	return 0;
}

static int set_asn_mmdb(void *t, const struct dd_opt *opt, const char *arg, char *why,
			size_t whylen)
{
	struct dd_cli_deps *d = t;
	(void)opt;

	if (access(arg, R_OK) != 0) {
		snprintf(why, whylen, "cannot read the file: %s", strerror(errno));
		return -1;
	}
	d->asn_mmdb = arg;
	d->wanted = 1;
	return 0;
}

static int set_max_depth(void *t, const struct dd_opt *opt, const char *arg, char *why,
			 size_t whylen)
{
	static const struct dd_opt depth = { .name = "max-depth", .kind = DD_OPT_UINT,
					     .off = offsetof(struct dd_cli_deps, max_depth),
					     .min = 0, .max = 8 };
	(void)opt;

	((struct dd_cli_deps *)t)->wanted = 1;
	return dd_opt_apply(&depth, 0, t, arg, why, whylen);
}

#define D(field) offsetof(struct dd_cli_deps, field)

const struct dd_opt dd_cli_deps_opts[] = {
	{ .name = "backup", .kind = DD_OPT_CALL, .argname = "DOMAIN", .set = set_backup, .help = "a backup domain of DOMAIN: what do they share? (repeatable, at most 8)" },
	{ .name = "asn-zone", .kind = DD_OPT_CALL, .argname = "ZONE", .set = set_asn_zone, .help = "origin AS from TXT records under ZONE, Team Cymru style (origin.ZONE, origin6.ZONE)" },
	{ .name = "asn-mmdb", .kind = DD_OPT_CALL, .argname = "FILE", .set = set_asn_mmdb, .help = "origin AS from a MaxMind-format ASN database (.mmdb)" },
	{ .name = "max-depth", .kind = DD_OPT_CALL, .argname = "N", .set = set_max_depth, .help = "follow NS names up to N levels from the domain (default 3)" },
	{ .name = "rdap-bootstrap", .kind = DD_OPT_STR, .argname = "FILE", .off = D(rdap_bootstrap), .help = "RDAP bootstrap file (RFC 9224) for registration data" },
	{ .name = "whois-servers", .kind = DD_OPT_STR, .argname = "FILE", .off = D(whois_servers), .help = "WHOIS table, lines SUFFIX HOST[:PORT]" },
	{ .name = "ca-file", .kind = DD_OPT_STR, .argname = "FILE", .off = D(ca_file), .help = "also trust the CA certificates in FILE for RDAP (PEM)" },
	{ .name = "reg-timeout", .kind = DD_OPT_MS, .argname = "DURATION", .off = D(reg_timeout_ms), .min = 100, .max = 120000, .help = "per registration request: 10s, 2500ms; a bare number is milliseconds (default 10s)" },
	{ .name = "no-registration", .kind = DD_OPT_FLAG, .off = D(no_registration), .val = 1, .help = "do not look up registrations (registrars and hijack risks stay unknown)" },
	{ 0 },
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
	if (rc == DD_ELIMIT)
		fprintf(stderr, "dnsdeps %s: more than %d --backup domains (the limit)\n", cmd,
			DD_DEPS_MAX_BACKUPS);
	else if (rc)
		fprintf(stderr, "dnsdeps %s: %s\n", cmd, dd_strerror(rc));
	return rc ? -1 : 0;
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

struct graph_opts {
	const char *output;
	const char *evidence;
	const char *save;
	int64_t now;
};

#define G(field) offsetof(struct graph_opts, field)

static const struct dd_opt graph_table[] = {
	{ .name = "output", .short_name = 'o', .kind = DD_OPT_STR, .argname = "FILE", .off = G(output), .help = "write to FILE instead of standard output" },
	{ .name = "evidence", .kind = DD_OPT_STR, .argname = "FILE", .off = G(evidence), .help = "draw from a saved evidence document (no network)" },
	{ .name = "save-evidence", .kind = DD_OPT_STR, .argname = "FILE", .off = G(save), .help = "write the evidence (JSON) to FILE" },
	{ 0 },
};

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

static int render(const struct graph_opts *o, const struct dd_cli_out *fo,
		  const struct dd_evidence *ev, FILE *out)
{
	struct dd_rep_opts ro = { 0 };
	struct dd_buf b, dot;
	char why[300] = "";
	int rc;

	ro.judge.now = o->now;
	ro.color = !o->output && dd_cli_color(fo, stdout);
	dd_buf_init(&b);
	dd_buf_init(&dot);
	switch (fo->format) {
	case DD_FMT_JSON: rc = dd_rep_deps_json(ev, &ro, &b); break;
	case DD_FMT_DOT: rc = dd_rep_dot(ev, &ro, &b); break;
	case DD_FMT_SVG:
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

static int graph_main(int argc, char **argv)
{
	struct dd_cli_common c;
	struct dd_cli_deps d;
	struct graph_opts o = { 0 };
	struct dd_cli_out fo = { 0 };
	void *targets[] = { &o, &o.now, &fo, &c, &d, &d.reg };
	char *pos[argc + 1], name[DD_NAME_MAX], err[300];
	const char *why = NULL;
	struct dd_evidence *ev = NULL;
	struct dd_clock clk = { 0 };
	FILE *out = stdout;
	int npos, status;

	dd_cli_common_init(&c);
	dd_cli_deps_init(&d);
	if ((status = dd_cli_parse(&dd_cmd_graph, targets, NULL, argc, argv, pos, &npos)) >= 0)
		return status;
	if (o.evidence && npos != 0)
		return dd_cli_usage_error(&dd_cmd_graph, "--evidence takes no DOMAIN");
	if (!o.evidence && npos != 1)
		return dd_cli_usage_error(&dd_cmd_graph, "give a DOMAIN (or --evidence FILE)");
	if (o.evidence) {
		int rc = dd_ev_load_file(o.evidence, &ev, err, sizeof(err));
		if (rc) {
			fprintf(stderr, "dnsdeps graph: %s: %s\n", o.evidence,
				err[0] ? err : dd_strerror(rc));
			return DD_EXIT_UNKNOWN;
		}
	} else {
		if (dd_name_from_user(pos[0], name, &why) != 0) {
			char *e = dd_esc_name_dup(pos[0], strlen(pos[0]));
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
	status = render(&o, &fo, ev, out) == 0 ? status_of(ev, o.now ? o.now : ev->time)
					  : DD_EXIT_UNKNOWN;
	if (out != stdout && fclose(out) != 0) {
		fprintf(stderr, "dnsdeps graph: cannot write %s\n", o.output);
		status = DD_EXIT_UNKNOWN;
	}
	dd_ev_free(ev);
	return status;
}

const struct dd_cmd dd_cmd_graph = {
	.name = "graph",
	.run = graph_main,
	.summary = "what a domain depends on: single points of failure, hijack risks, backups",
	.synopsis = "[OPTIONS] DOMAIN [--backup DOMAIN]...\n--evidence FILE [--format FORMAT]",
	.about = "Everything DOMAIN depends on, transitively: its zones up to the root, their\n"
		 "nameservers, the nameservers' own zones, addresses, networks, origin ASes,\n"
		 "registries, registrars and operators; the single failures that would make it\n"
		 "unresolvable; nameserver domains a stranger could take over; what backups\n"
		 "share. As text, JSON, Graphviz DOT or SVG.",
	.exits = "0 nothing to fix, 1 avoidable single points of failure or hijack risks,\n"
		 "2 the domain does not resolve, 3 unknown or usage error.",
	.min_pos = 0,
	.max_pos = 1,
	.missing = "give a DOMAIN",
	.tables = {
		{ graph_table, 0 },
		{ dd_cli_now_opts, 0 },
		{ dd_cli_out_opts, DD_CLI_FMT(DD_FMT_TEXT) | DD_CLI_FMT(DD_FMT_JSON) |
					   DD_CLI_FMT(DD_FMT_DOT) | DD_CLI_FMT(DD_FMT_SVG) },
		{ dd_cli_common_opts, 0 },
		{ dd_cli_deps_opts, 0 },
		{ dd_cli_reg_extra_opts, 0 },
	},
};
