/* cmd_check.c: `dnsdeps check DOMAIN...`: gather the evidence for every
 * domain (concurrently, on one loop, sharing the run's cache), judge it and
 * print one verdict per domain, the broken layer first. */
#include <arpa/inet.h>
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
#include "probe/check.h"
#include "probe/dnssec.h"
#include "probe/reg.h"
#include "report/report.h"

#define DD_CHECK_MAX_EXPECT 32
#define DD_CHECK_MAX_DOMAINS 256

struct check_opts {
	const char *save;
	const char *now;
	const char *anchor;
	int no_color;
	int deps; /* gather the dependencies (docs/dependencies.md) */
	unsigned expiry_warn, expiry_crit; /* days; 0: the defaults (30, 7) */
	unsigned sig_warn;                 /* days; 0: the default (7) */
	struct dd_probe_expect expect[DD_CHECK_MAX_EXPECT];
	size_t nexpect;
	const char *why;
};

static int set_save(void *t, const char *arg, const char **why)
{
	(void)why;
	((struct check_opts *)t)->save = arg;
	return 0;
}

static int set_now(void *t, const char *arg, const char **why)
{
	int64_t v;

	if (dd_clock_parse(arg, &v) != 0) {
		*why = "not an RFC 3339 time or YYYY-MM-DD date";
		return -1;
	}
	((struct check_opts *)t)->now = arg;
	return 0;
}

static int set_anchor(void *t, const char *arg, const char **why)
{
	(void)why;
	((struct check_opts *)t)->anchor = arg;
	return 0;
}

static int set_no_color(void *t, const char *arg, const char **why)
{
	(void)arg;
	(void)why;
	((struct check_opts *)t)->no_color = 1;
	return 0;
}

/* --ns NAME or --ns NAME/ADDRESS */
static int set_ns(void *t, const char *arg, const char **why)
{
	struct check_opts *o = t;
	struct dd_probe_expect *e;
	char name[DD_NAME_MAX + 64], *slash;

	if (o->nexpect >= DD_CHECK_MAX_EXPECT) {
		*why = "too many --ns";
		return -1;
	}
	if (strlen(arg) >= sizeof(name)) {
		*why = "too long";
		return -1;
	}
	e = &o->expect[o->nexpect];
	memset(e, 0, sizeof(*e));
	strcpy(name, arg);
	slash = strchr(name, '/');
	if (slash) {
		*slash = '\0';
		unsigned char buf[16];
		if ((inet_pton(AF_INET, slash + 1, buf) != 1 &&
		     inet_pton(AF_INET6, slash + 1, buf) != 1) ||
		    strlen(slash + 1) >= sizeof(e->addr)) {
			*why = "not an IPv4 or IPv6 address after '/'";
			return -1;
		}
		strcpy(e->addr, slash + 1);
	}
	if (dd_name_from_user(name, e->name, why) != 0)
		return -1;
	o->nexpect++;
	return 0;
}

static int set_expiry_warn(void *t, const char *arg, const char **why)
{
	return dd_opt_uint(arg, 1, 3650, &((struct check_opts *)t)->expiry_warn, why);
}

static int set_sig_warn(void *t, const char *arg, const char **why)
{
	return dd_opt_uint(arg, 1, 365, &((struct check_opts *)t)->sig_warn, why);
}

static int set_expiry_crit(void *t, const char *arg, const char **why)
{
	return dd_opt_uint(arg, 1, 3650, &((struct check_opts *)t)->expiry_crit, why);
}

static int set_deps(void *t, const char *arg, const char **why)
{
	(void)arg;
	(void)why;
	((struct check_opts *)t)->deps = 1;
	return 0;
}

static int set_no_deps(void *t, const char *arg, const char **why)
{
	(void)arg;
	(void)why;
	((struct check_opts *)t)->deps = 0;
	return 0;
}

static const struct dd_opt check_table[] = {
	{ "save-evidence", 0, "FILE", set_save, "write the evidence (JSON) to FILE; with several domains FILE must contain %s" },
	{ "ns", 0, "NAME[/ADDR]", set_ns, "a nameserver to examine even if the parent does not list it (repeatable)" },
	{ "deps", 0, NULL, set_deps, "gather and judge what the domain depends on, transitively (the default)" },
	{ "no-deps", 0, NULL, set_no_deps, "skip the dependencies: only the delegation, registration and DNSSEC" },
	{ "now", 0, "TIME", set_now, "judge as if it were TIME (RFC 3339), for reproducible results" },
	{ "trust-anchor", 0, "FILE", set_anchor, "validate DNSSEC from the DS or DNSKEY records in FILE instead of the built-in root KSKs" },
	{ "no-color", 0, NULL, set_no_color, "no colour even on a terminal (NO_COLOR is honoured too)" },
	{ "expiry-warn", 0, "DAYS", set_expiry_warn, "warn when the registration expires within DAYS (default 30)" },
	{ "sig-warn", 0, "DAYS", set_sig_warn, "warn when DNSSEC signatures expire within DAYS (default 7)" },
	{ "expiry-crit", 0, "DAYS", set_expiry_crit, "critical when it expires within DAYS (default 7)" },
	{ NULL, 0, NULL, NULL, NULL },
};

static void usage(FILE *out, const struct dd_opt_group *g, int n)
{
	fprintf(out, "usage: dnsdeps check [OPTIONS] DOMAIN...\n\n"
		     "Walks from the root to each DOMAIN, asks every server of the parent zone\n"
		     "and every nameserver of the domain, and says which layer is broken.\n"
		     "Exit status: 0 ok, 1 warning, 2 critical, 3 unknown or usage error\n"
		     "(the worst over all domains).\n\n");
	dd_opts_help(g, n, out);
}

static int save_one(const char *pattern, const struct dd_evidence *ev, int several)
{
	char path[4096], dom[DD_NAME_MAX];
	FILE *f;
	int rc;

	snprintf(dom, sizeof(dom), "%s", ev->domain);
	if (strlen(dom) > 1 && dom[strlen(dom) - 1] == '.')
		dom[strlen(dom) - 1] = '\0';
	if (several) {
		const char *p = strstr(pattern, "%s");
		snprintf(path, sizeof(path), "%.*s%s%s", (int)(p - pattern), pattern, dom, p + 2);
	} else {
		snprintf(path, sizeof(path), "%s", pattern);
	}
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "dnsdeps check: cannot write %s\n", path);
		return -1;
	}
	rc = dd_ev_save_file(ev, f);
	if (fclose(f) != 0 || rc != 0) {
		fprintf(stderr, "dnsdeps check: cannot write %s\n", path);
		return -1;
	}
	return 0;
}

static int worse(int a, int b)
{
	/* 2 critical > 1 warning > 3 unknown > 0 ok, as monitoring reads it */
	static const int rank[] = { 0, 2, 3, 1 };
	return rank[b] > rank[a] ? b : a;
}

int dd_cmd_check(int argc, char **argv)
{
	struct dd_cli_common c;
	struct check_opts o = { 0 };
	struct dd_cli_deps d;
	struct dd_opt_group groups[] = { { dd_cli_common_opts, &c }, { check_table, &o },
					 { dd_cli_deps_opts, &d }, { dd_cli_reg_extra_opts, &d.reg } };
	char *pos[argc + 1];
	int npos, status = DD_EXIT_OK;
	struct dd_probe_opts po;
	struct dd_dns_hint *hints = NULL;
	size_t nhints = 0, n = 0;
	struct dd_probe *probe = NULL;
	struct dd_evidence **evs = NULL;
	struct dd_clock clk = { 0 };
	struct dd_rep_opts ro;
	struct dd_ev_strlist anchor = { 0 };
	char anchor_why[400], source[4200];
	struct dd_probe_reg *reg = NULL; /* RDAP/WHOIS, unless --no-registration */

	dd_cli_common_init(&c);
	dd_cli_deps_init(&d);
	o.deps = 1; /* the Dependencies section belongs to every check */
	if (dd_opts_parse(groups, 4, argc, argv, pos, &npos, stderr) != 0)
		return DD_EXIT_UNKNOWN;
	if (c.help) {
		usage(stdout, groups, 4);
		return DD_EXIT_OK;
	}
	if (npos < 1 || npos > DD_CHECK_MAX_DOMAINS) {
		usage(stderr, groups, 4);
		return DD_EXIT_UNKNOWN;
	}
	if (!o.deps && d.wanted) {
		fprintf(stderr, "dnsdeps check: --no-deps conflicts with --backup, --asn-zone, "
				"--asn-mmdb and --max-depth\n");
		return DD_EXIT_UNKNOWN;
	}
	if (o.save && npos > 1 && !strstr(o.save, "%s")) {
		fprintf(stderr, "dnsdeps check: with several domains, --save-evidence needs a %%s "
				"in FILE for the domain\n");
		return DD_EXIT_UNKNOWN;
	}
	if (o.now)
		dd_clock_parse(o.now, &clk.fixed_now);
	if (o.expiry_warn && o.expiry_crit && o.expiry_crit > o.expiry_warn) {
		fprintf(stderr, "dnsdeps check: --expiry-crit must not exceed --expiry-warn\n");
		return DD_EXIT_UNKNOWN;
	}
	if (o.anchor &&
	    dd_probe_dnssec_anchor_file(o.anchor, &anchor, anchor_why, sizeof(anchor_why)) != 0) {
		char *e = dd_esc_dup(anchor_why, strlen(anchor_why));
		fprintf(stderr, "dnsdeps check: --trust-anchor %s\n", e ? e : "unusable");
		free(e);
		status = DD_EXIT_UNKNOWN;
		goto out;
	}
	snprintf(source, sizeof(source), "file %s", o.anchor ? o.anchor : "");
	if (dd_cli_probe_setup(&c, &po, &hints, &nhints) != 0)
		return DD_EXIT_UNKNOWN;
	evs = calloc((size_t)npos, sizeof(*evs));
	if (!evs || dd_probe_new(&probe, &po, hints, nhints, NULL) != 0) {
		fprintf(stderr, "dnsdeps check: out of memory\n");
		status = DD_EXIT_UNKNOWN;
		goto out;
	}
	if (dd_cli_probe_reg(probe, &d, "check", &reg) != 0) {
		status = DD_EXIT_UNKNOWN;
		goto out;
	}
	for (int i = 0; i < npos; i++) {
		char name[DD_NAME_MAX];
		const char *why;
		if (dd_name_from_user(pos[i], name, &why) != 0) {
			char *e = dd_esc_dup(pos[i], strlen(pos[i]));
			fprintf(stderr, "dnsdeps check: invalid domain '%s': %s\n", e ? e : "?", why);
			free(e);
			status = DD_EXIT_UNKNOWN;
			goto out;
		}
		evs[n] = dd_ev_new(name, dd_clock_now(&clk));
		if (!evs[n]) {
			status = DD_EXIT_UNKNOWN;
			goto out;
		}
		evs[n]->options.ipv4 = po.ipv4;
		evs[n]->options.ipv6 = po.ipv6;
		evs[n]->options.timeout_ms = po.timeout_ms;
		evs[n]->options.retries = po.retries;
		dd_ev_set_str(&evs[n]->tool, "dnsdeps " DD_VERSION);
		if (o.anchor)
			dd_ev_sec_set_anchor(&evs[n]->dnssec, &anchor, source);
		if (reg)
			dd_probe_reg_request(evs[n], reg, (int)o.expiry_warn, (int)o.expiry_crit);
		n++;
		if (o.deps && dd_cli_deps_request(&d, evs[n - 1], "check") != 0) {
			status = DD_EXIT_UNKNOWN;
			goto out;
		}
		if (dd_probe_check(probe, evs[n - 1], o.expect, o.nexpect, NULL, NULL) != 0) {
			fprintf(stderr, "dnsdeps check: out of memory\n");
			status = DD_EXIT_UNKNOWN;
			goto out;
		}
	}
	dd_probe_run(probe);
	for (size_t i = 0; i < n; i++)
		if (evs[i]->deps.present && dd_cli_deps_finish(evs[i], "check") != 0)
			status = worse(status, DD_EXIT_UNKNOWN);
	memset(&ro, 0, sizeof(ro));
	ro.json = c.json;
	ro.json_compact = c.json && n > 1; /* JSON Lines: one object per domain */
	ro.now = clk.fixed_now;
	ro.sig_warn_days = (int)o.sig_warn;
	ro.color = !o.no_color && !c.json && isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
	for (size_t i = 0; i < n; i++) {
		if (o.save && save_one(o.save, evs[i], npos > 1) != 0)
			status = worse(status, DD_EXIT_UNKNOWN);
		if (i > 0 && !c.json)
			fputc('\n', stdout);
		int rc = dd_rep_judge_and_print(evs[i], &ro, stdout);
		if (rc < 0) {
			fprintf(stderr, "dnsdeps check: %s: %s\n", evs[i]->domain, dd_strerror(rc));
			rc = DD_EXIT_UNKNOWN;
		}
		status = worse(status, rc);
	}
out:
	for (size_t i = 0; i < n; i++)
		dd_ev_free(evs[i]);
	free(evs);
	dd_probe_reg_free(reg);
	dd_probe_free(probe);
	free(hints);
	dd_ev_strlist_free(&anchor);
	return status;
}
