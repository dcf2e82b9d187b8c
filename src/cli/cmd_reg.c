/* cmd_reg.c: `dnsdeps reg DOMAIN` asks the registry (RDAP, else WHOIS) for
 * its record of a domain; `dnsdeps reg --parse FILE` reads a saved RDAP
 * JSON or WHOIS text instead. Both print the normalized record, as escaped
 * text or as JSON (schema dnsdeps.registration/1). */
#include <limits.h>
#include <stddef.h>
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
#include "dd_config.h"
#include "probe/reg.h"
#include "reg/fetch.h"
#include "reg/reg.h"
#include "report/report.h"

struct reg_opts {
	const char *parse;
	const char *domain;
	const char *bootstrap;
	const char *whois_servers;
	const char *ca_file;
	unsigned timeout_ms;
	struct dd_cli_reg_extra reg;
	int64_t now;     /* --now, or 0: the real clock */
	struct dd_cli_out out;
};

#define X(field) offsetof(struct dd_cli_reg_extra, field)

const struct dd_opt dd_cli_reg_extra_opts[] = {
	{ .name = "reg-rate", .kind = DD_OPT_UINT, .argname = "N", .off = X(rate), .min = 1, .max = 60000, .help = "at most N registration requests a minute to one RDAP or WHOIS server (default 60 RDAP, 30 WHOIS; data/reg-rates.conf lists slower servers)" },
	{ .name = "reg-burst", .kind = DD_OPT_UINT, .argname = "N", .off = X(burst), .min = 1, .max = 1000, .help = "registration requests one server may get at once (default 10)" },
	{ .name = "reg-cache", .kind = DD_OPT_STR, .argname = "FILE", .off = X(cache), .help = "keep registration answers in FILE (SQLite) and reuse them between runs" },
	{ .name = "reg-cache-ttl", .kind = DD_OPT_UINT, .argname = "SECONDS", .off = X(cache_ttl), .min = 1, .max = 31 * 86400, .help = "reuse a kept registration answer for this long (default 86400)" },
	{ 0 },
};

#define R(field) offsetof(struct reg_opts, field)

static const struct dd_opt reg_table[] = {
	{ .name = "parse", .kind = DD_OPT_STR, .argname = "FILE", .off = R(parse), .help = "parse a saved RDAP JSON or WHOIS answer, no network" },
	{ .name = "domain", .kind = DD_OPT_STR, .argname = "NAME", .off = R(domain), .help = "with --parse: the name the document is about" },
	{ .name = "rdap-bootstrap", .kind = DD_OPT_STR, .argname = "FILE", .off = R(bootstrap), .help = "RDAP bootstrap file (RFC 9224) to use" },
	{ .name = "whois-servers", .kind = DD_OPT_STR, .argname = "FILE", .off = R(whois_servers), .help = "WHOIS table, lines SUFFIX HOST[:PORT]" },
	{ .name = "ca-file", .kind = DD_OPT_STR, .argname = "FILE", .off = R(ca_file), .help = "also trust the CA certificates in FILE (PEM)" },
	{ .name = "timeout", .kind = DD_OPT_MS, .argname = "DURATION", .off = R(timeout_ms), .min = 100, .max = 120000, .help = "per request: 10s, 2500ms; a bare number is milliseconds (default 10s)" },
	{ 0 },
};

/* The record (or why there is none, record NULL) as text or JSON, printed. */
static int print_record(const struct dd_reg_record *r, const struct dd_reg_outcome *o, int json,
			int64_t now)
{
	struct dd_buf b;
	int rc;

	dd_buf_init(&b);
	if (r)
		rc = json ? dd_rep_reg_json(r, o, now, &b) : dd_rep_reg_text(r, o, now, &b);
	else
		rc = json ? dd_rep_reg_unavailable_json(o, &b) : dd_rep_reg_unavailable_text(o, &b);
	if (rc == 0)
		fputs(dd_buf_str(&b), stdout);
	else
		fprintf(stderr, "dnsdeps reg: %s\n", dd_strerror(rc));
	dd_buf_free(&b);
	if (rc != 0 || !r)
		return DD_EXIT_UNKNOWN;
	/* A refusal or an error object says nothing of the domain. */
	return r->result == DD_REG_ERROR || r->result == DD_REG_RDAP_ERROR ? DD_EXIT_UNKNOWN
									   : DD_EXIT_OK;
}

/* The same domain name, written in any case, as A- or U-labels. */
static int same_name(const char *a, const char *b)
{
	char na[DD_NAME_MAX], nb[DD_NAME_MAX];
	const char *why;

	if (dd_name_from_user(a, na, &why) != 0 || dd_name_from_user(b, nb, &why) != 0)
		return strcasecmp(a, b) == 0;
	return dd_name_cmp(na, nb) == 0;
}

static int run_parse(const struct reg_opts *o)
{
	struct dd_reg_record rec;
	char why[DD_REG_WHY_MAX] = "", *doc, *where, *esc;
	size_t len;
	int err, rc;

	err = dd_reg_read_file(o->parse, DD_REG_DOC_MAX, &doc, &len);
	if (err) {
		esc = dd_esc_dup(o->parse, strlen(o->parse));
		fprintf(stderr, "dnsdeps reg: cannot read %s: %s\n", esc ? esc : "file",
			err == DD_ELIMIT ? "larger than 1 MiB" : dd_strerror(err));
		free(esc);
		return DD_EXIT_UNKNOWN;
	}
	err = dd_reg_parse(doc, len, o->domain, &rec, why);
	free(doc);
	if (err) {
		esc = dd_esc_dup(o->parse, strlen(o->parse));
		fprintf(stderr, "dnsdeps reg: %s: %s\n", esc ? esc : "file", why);
		free(esc);
		dd_reg_record_free(&rec);
		return DD_EXIT_UNKNOWN;
	}
	if (o->domain && rec.domain && !same_name(o->domain, rec.domain)) {
		char *a = dd_esc_dup(o->domain, strlen(o->domain));
		char *b = dd_esc_dup(rec.domain, strlen(rec.domain));
		fprintf(stderr, "dnsdeps reg: the document is about %s, not %s\n", b ? b : "?",
			a ? a : "?");
		free(a);
		free(b);
		dd_reg_record_free(&rec);
		return DD_EXIT_UNKNOWN;
	}
	where = malloc(strlen(o->parse) + 6);
	if (where)
		sprintf(where, "file:%s", o->parse);
	rec.where = where;
	rc = print_record(&rec, NULL, o->out.format == DD_FMT_JSON,
			  dd_clock_now(&(struct dd_clock){ .fixed_now = o->now }));
	dd_reg_record_free(&rec);
	return rc;
}

void dd_cli_reg_fetch_opts(const char *bootstrap, const char *whois_servers, const char *ca_file,
			   unsigned timeout_ms, struct dd_reg_fetch_opts *fo,
			   struct dd_cli_reg_paths *paths)
{
	dd_reg_fetch_opts_init(fo);
	if (bootstrap) {
		fo->bootstrap = bootstrap;
	} else if (dd_cli_find_data("rdap/dns.json", "data/rdap/dns.json", paths->boot,
			     sizeof(paths->boot)) == 0) {
		fo->bootstrap = paths->boot;
		if (dd_cli_find_data("rdap/override.json", "data/rdap/override.json", paths->over,
			      sizeof(paths->over)) == 0)
			fo->override = paths->over;
	}
	if (whois_servers)
		fo->whois_servers = whois_servers;
	else if (dd_cli_find_data("whois-servers", "data/whois-servers", paths->wsrv,
			   sizeof(paths->wsrv)) == 0)
		fo->whois_servers = paths->wsrv;
	fo->ca_file = ca_file;
	if (timeout_ms)
		fo->timeout_ms = timeout_ms;
}

void dd_cli_reg_pace(const struct dd_cli_reg_extra *x, struct dd_reg_fetch_opts *fo)
{
	fo->cache = x->cache;
	if (x->cache_ttl)
		fo->cache_ttl_s = x->cache_ttl;
	if (x->rate) {
		fo->rdap_per_min = fo->whois_per_min = x->rate;
		fo->rate_forced = 1;
	}
	if (x->burst)
		fo->burst = x->burst;
}

static int run_fetch(const struct reg_opts *o, const char *user_name)
{
	char name[DD_NAME_MAX];
	const char *why = NULL;
	struct dd_cli_reg_paths paths;
	struct dd_reg_fetch_opts fo;
	struct dd_reg_outcome res;
	int rc;

	if (dd_name_from_user(user_name, name, &why) != 0) {
		fprintf(stderr, "dnsdeps reg: %s\n", why ? why : "not a domain name");
		return DD_EXIT_UNKNOWN;
	}
	dd_cli_reg_fetch_opts(o->bootstrap, o->whois_servers, o->ca_file, o->timeout_ms, &fo,
			      &paths);
	dd_cli_reg_pace(&o->reg, &fo);
	rc = dd_reg_fetch_one(&fo, name, &res);
	if (rc) {
		fprintf(stderr, "dnsdeps reg: %s\n", res.why[0] ? res.why : dd_strerror(rc));
		dd_reg_outcome_free(&res);
		return DD_EXIT_UNKNOWN;
	}
	rc = print_record(res.record, &res, o->out.format == DD_FMT_JSON,
			  dd_clock_now(&(struct dd_clock){ .fixed_now = o->now }));
	dd_reg_outcome_free(&res);
	return rc;
}

static int reg_main(int argc, char **argv)
{
	struct reg_opts o = { 0 };
	void *targets[] = { &o, &o.now, &o.reg, &o.out };
	char *pos[argc + 1];
	int npos, rc;

	if ((rc = dd_cli_parse(&dd_cmd_reg, targets, NULL, argc, argv, pos, &npos)) >= 0)
		return rc;
	if (o.parse && npos == 0)
		return run_parse(&o);
	if (o.parse)
		return dd_cli_usage_error(&dd_cmd_reg, "--parse FILE takes no DOMAIN");
	if (o.domain)
		return dd_cli_usage_error(&dd_cmd_reg, "--domain goes with --parse FILE");
	if (npos != 1)
		return dd_cli_usage_error(&dd_cmd_reg, "give a DOMAIN (or --parse FILE)");
	return run_fetch(&o, pos[0]);
}

const struct dd_cmd dd_cmd_reg = {
	.name = "reg",
	.run = reg_main,
	.summary = "the registry's record of a domain (RDAP, WHOIS) or of a saved answer",
	.synopsis = "[OPTIONS] DOMAIN\n--parse FILE [--domain NAME] [--json]",
	.about = "Prints the registry's record of a domain (RDAP, else WHOIS): registrar,\n"
		 "dates, statuses as EPP codes, nameservers, DNSSEC; or of a saved answer.",
	.exits = "0 the record was read, 3 it is unavailable, the registry answered with an\n"
		 "error (a rate limit, say), or a usage error.",
	.min_pos = 0,
	.max_pos = 1,
	.missing = "give a DOMAIN",
	.tables = {
		{ reg_table, 0 },
		{ dd_cli_now_opts, 0 },
		{ dd_cli_reg_extra_opts, 0 },
		{ dd_cli_out_opts, DD_CLI_FMT(DD_FMT_TEXT) | DD_CLI_FMT(DD_FMT_JSON) },
	},
};

int dd_cli_probe_reg(struct dd_probe *p, const struct dd_cli_deps *d, const char *cmd,
		     struct dd_probe_reg **out)
{
	struct dd_reg_fetch_opts fo;
	struct dd_cli_reg_paths paths;
	char why[DD_REG_WHY_MAX];

	*out = NULL;
	if (d->no_registration)
		return 0;
	dd_cli_reg_fetch_opts(d->rdap_bootstrap, d->whois_servers, d->ca_file, d->reg_timeout_ms,
			      &fo, &paths);
	dd_cli_reg_pace(&d->reg, &fo);
	if (dd_probe_reg_new(p, &fo, out, why) == 0)
		return 0;
	char *e = dd_esc_dup(why, strlen(why));
	fprintf(stderr, "dnsdeps %s: %s\n", cmd, e ? e : "registration look-ups unusable");
	free(e);
	return -1;
}
