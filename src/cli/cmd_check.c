/* cmd_check.c: `dnsdeps check DOMAIN...`: gather the evidence for every
 * domain (concurrently, on one loop, sharing the run's cache), judge it and
 * print one verdict per domain, the broken layer first. */
#include <arpa/inet.h>
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
#include "probe/check.h"
#include "probe/dnssec.h"
#include "probe/reg.h"
#include "report/report.h"

#define DD_CHECK_MAX_EXPECT 32
#define DD_CHECK_MAX_DOMAINS 256

struct check_opts {
	const char *save;
	int deps; /* gather the dependencies (docs/dependencies.md) */
	struct dd_probe_expect expect[DD_CHECK_MAX_EXPECT];
	size_t nexpect;
};

/* --ns NAME or --ns NAME/ADDRESS */
static int set_ns(void *t, const struct dd_opt *opt, const char *arg, char *why,
		  size_t whylen)
{
	struct check_opts *o = t;
	struct dd_probe_expect *e;
	char name[DD_NAME_MAX + 64], *slash;
	const char *reason;
	(void)opt;

	if (o->nexpect >= DD_CHECK_MAX_EXPECT) {
		snprintf(why, whylen, "too many --ns");
		return -1;
	}
	if (strlen(arg) >= sizeof(name)) {
		snprintf(why, whylen, "too long");
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
			snprintf(why, whylen, "not an IPv4 or IPv6 address after '/'");
			return -1;
		}
		strcpy(e->addr, slash + 1);
	}
	if (dd_name_from_user(name, e->name, &reason) != 0) {
		snprintf(why, whylen, "%s", reason);
		return -1;
	}
	o->nexpect++;
	return 0;
}

static const struct dd_opt check_table[] = {
	{ .name = "save-evidence", .kind = DD_OPT_STR, .argname = "FILE", .off = offsetof(struct check_opts, save), .help = "write the evidence (JSON) to FILE; with several domains FILE must contain %s" },
	{ .name = "ns", .kind = DD_OPT_CALL, .argname = "NAME[/ADDR]", .set = set_ns, .help = "a nameserver to examine even if the parent does not list it (repeatable)" },
	{ .name = "deps", .kind = DD_OPT_FLAG, .off = offsetof(struct check_opts, deps), .val = 1, .help = "gather and judge what the domain depends on, transitively (the default)" },
	{ .name = "no-deps", .kind = DD_OPT_FLAG, .off = offsetof(struct check_opts, deps), .val = 0, .help = "skip the dependencies: only the delegation, registration and DNSSEC" },
	{ 0 },
};

static int save_one(const char *pattern, const struct dd_evidence *ev, int several)
{
	char path[4096], dom[DD_NAME_MAX];
	FILE *f;
	int rc;

	snprintf(dom, sizeof(dom), "%s", ev->host.present && ev->host.name ? ev->host.name :
					   ev->domain);
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

static int check_main(int argc, char **argv)
{
	struct dd_cli_common c;
	struct check_opts o = { 0 };
	struct dd_cli_deps d;
	struct dd_cli_out out = { 0 };
	struct dd_cli_judge j = { 0 };
	void *targets[] = { &o, &j.now, &j, &out, &c, &d, &d.reg };
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
	char source[4200];
	struct dd_probe_reg *reg = NULL; /* RDAP/WHOIS, unless --no-registration */

	dd_cli_common_init(&c);
	dd_cli_deps_init(&d);
	o.deps = 1; /* the Dependencies section belongs to every check */
	if ((status = dd_cli_parse(&dd_cmd_check, targets, NULL, argc, argv, pos, &npos)) >= 0)
		return status;
	status = DD_EXIT_OK;
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
	clk.fixed_now = j.now;
	if (dd_cli_judge_setup(&j, "check", &anchor, source, sizeof(source)) != 0) {
		status = DD_EXIT_UNKNOWN;
		goto out;
	}
	if (dd_cli_probe_setup(&c, &po, &hints, &nhints) != 0) {
		status = DD_EXIT_UNKNOWN;
		goto out;
	}
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
			char *e = dd_esc_name_dup(pos[i], strlen(pos[i]));
			fprintf(stderr, "dnsdeps check: invalid domain '%s': %s\n", e ? e : "?", why);
			free(e);
			status = DD_EXIT_UNKNOWN;
			goto out;
		}
		if (strcmp(name, ".") == 0) {
			/* check judges a delegation; the root has no parent to delegate
			 * it, and its servers are the hints this run was given */
			fprintf(stderr, "dnsdeps check: the root zone has no delegation to judge; "
					"check a TLD (org.) or a domain\n");
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
		if (j.anchor)
			dd_ev_sec_set_anchor(&evs[n]->dnssec, &anchor, source);
		if (reg)
			dd_probe_reg_request(evs[n], reg);
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
	ro.json = out.format == DD_FMT_JSON;
	ro.json_compact = ro.json && out.jsonl;
	ro.level = out.level;
	dd_cli_judge_chk(&j, &ro.judge);
	ro.judge.now = clk.fixed_now;
	ro.color = dd_cli_color(&out, stdout);
	if (ro.json && !out.jsonl && n > 1)
		fputs("[\n", stdout); /* several domains: one JSON document */
	for (size_t i = 0; i < n; i++) {
		if (o.save && save_one(o.save, evs[i], npos > 1) != 0)
			status = worse(status, DD_EXIT_UNKNOWN);
		if (i > 0 && !ro.json && out.level >= 0)
			fputc('\n', stdout);
		if (i > 0 && ro.json && !out.jsonl)
			fputs(",\n", stdout);
		int rc = dd_rep_judge_and_print(evs[i], &ro, stdout);
		if (rc < 0) {
			fprintf(stderr, "dnsdeps check: %s: %s\n", evs[i]->domain, dd_strerror(rc));
			rc = DD_EXIT_UNKNOWN;
		}
		status = worse(status, rc);
	}
	if (ro.json && !out.jsonl && n > 1)
		fputs("]\n", stdout);
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

const struct dd_cmd dd_cmd_check = {
	.name = "check",
	.run = check_main,
	.summary = "judge every layer of a domain's delegation: which one is broken",
	.synopsis = "[OPTIONS] DOMAIN...",
	.about = "Walks from the root to each DOMAIN, asks every server of the parent zone\n"
		 "and every nameserver of the domain, reads its registration, DNSSEC chain\n"
		 "and what it depends on, and says which layer is broken. The text shows the\n"
		 "verdict, the findings that need action and one line per layer; -v adds the\n"
		 "full tables, -q prints the verdict line only.",
	.exits = "0 ok, 1 warning, 2 critical, 3 unknown or usage error (the worst over all\n"
		 "domains).",
	.min_pos = 1,
	.max_pos = DD_CHECK_MAX_DOMAINS,
	.missing = "give a DOMAIN to check",
	.tables = {
		{ check_table, 0 },
		{ dd_cli_now_opts, 0 },
		{ dd_cli_judge_opts, 0 },
		{ dd_cli_out_opts, DD_CLI_FMT(DD_FMT_TEXT) | DD_CLI_FMT(DD_FMT_JSON) | DD_CLI_LEVELS |
					   DD_CLI_JSONL },
		{ dd_cli_common_opts, 0 },
		{ dd_cli_deps_opts, 0 },
		{ dd_cli_reg_extra_opts, 0 },
	},
};
