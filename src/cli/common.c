/* common.c: options shared by the commands that probe the DNS (trace,
 * check, ...), and turning them into probe settings. */
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "checks/checks.h"
#include "cli/cli.h"
#include "dd_config.h"
#include "core/esc.h"
#include "evidence/evidence.h"
#include "probe/dnssec.h"
#include "probe/probe.h"

#define C(field) offsetof(struct dd_cli_common, field)
#define O(field) offsetof(struct dd_cli_out, field)
#define J(field) offsetof(struct dd_cli_judge, field)

const struct dd_opt dd_cli_common_opts[] = {
	{ .name = "root-hints", .kind = DD_OPT_STR, .argname = "FILE", .off = C(root_hints), .help = "root hints in named.root format (default: built-in IANA)" },
	{ .name = "timeout", .kind = DD_OPT_MS, .argname = "DURATION", .off = C(timeout_ms), .min = 10, .max = 60000, .help = "the time one question may take, its retries included: 1500ms, 2s; a bare number is milliseconds (default 1500ms)" },
	{ .name = "retries", .kind = DD_OPT_UINT, .argname = "N", .off = C(retries), .min = 0, .max = 10, .help = "further UDP sends within the timeout, evenly spaced, at least 200 ms apart (default 2)" },
	{ .name = "qps", .kind = DD_OPT_UINT, .argname = "N", .off = C(qps), .min = 0, .max = 1000000, .help = "start at most N queries per second, all servers together, 0: no limit (default: none)" },
	{ .name = "per-server", .kind = DD_OPT_UINT, .argname = "N", .off = C(max_inflight_server), .min = 1, .max = 100000, .help = "at most N queries in flight to one address (default 16; audit 8)" },
	{ .name = "server-qps", .kind = DD_OPT_UINT, .argname = "N", .off = C(server_qps), .min = 0, .max = 1000000, .help = "start at most N queries per second to one address, 0: no limit (default 500)" },
	{ .name = "ipv4", .short_name = '4', .kind = DD_OPT_FLAG, .off = C(only4), .val = 1, .help = "use IPv4 only" },
	{ .name = "ipv6", .short_name = '6', .kind = DD_OPT_FLAG, .off = C(only6), .val = 1, .help = "use IPv6 only" },
	{ 0 },
};

const struct dd_opt dd_cli_out_opts[] = {
	{ .name = "format", .kind = DD_OPT_FORMAT, .argname = "FORMAT", .help = "the output format (default text; a live audit writes json)" },
	{ .name = "json", .short_name = 'j', .kind = DD_OPT_FORMAT, .val = DD_FMT_JSON, .help = "JSON for programs: --format json" },
	{ .name = "csv", .kind = DD_OPT_FORMAT, .val = DD_FMT_CSV, .help = "CSV for spreadsheets: --format csv" },
	{ .name = "jsonl", .kind = DD_OPT_FLAG, .off = O(jsonl), .val = 1, .need = DD_CLI_JSONL, .help = "with --json and several domains: one JSON object per line (JSON Lines) instead of one array" },
	{ .name = "verbose", .short_name = 'v', .kind = DD_OPT_FLAG, .off = O(level), .val = 1, .need = DD_CLI_LEVELS, .help = "text: add the full tables (delegation, registration, dependencies, DNSSEC)" },
	{ .name = "quiet", .short_name = 'q', .kind = DD_OPT_FLAG, .off = O(level), .val = -1, .need = DD_CLI_LEVELS, .help = "text: only the verdict line" },
	{ .name = "no-color", .kind = DD_OPT_FLAG, .off = O(no_color), .val = 1, .help = "no colour even on a terminal (NO_COLOR is honoured too)" },
	{ 0 },
};

/* --now, the one declaration for every command that judges a time
 * (check, report, audit, graph, reg); its target is the int64_t itself. */
const struct dd_opt dd_cli_now_opts[] = {
	{ .name = "now", .kind = DD_OPT_TIME, .argname = "TIME", .off = 0, .help = "judge as if it were TIME (RFC 3339 or YYYY-MM-DD), for reproducible results" },
	{ 0 },
};

const struct dd_opt dd_cli_judge_opts[] = {
	{ .name = "trust-anchor", .kind = DD_OPT_STR, .argname = "FILE", .off = J(anchor), .help = "validate DNSSEC from the DS or DNSKEY records in FILE instead of the built-in root KSKs (report: the recorded anchor)" },
	{ .name = "expiry-warn", .kind = DD_OPT_UINT, .argname = "DAYS", .off = J(expiry_warn), .min = 1, .max = 3650, .help = "warn when the registration expires within DAYS (default 30)" },
	{ .name = "expiry-crit", .kind = DD_OPT_UINT, .argname = "DAYS", .off = J(expiry_crit), .min = 1, .max = 3650, .help = "critical when it expires within DAYS (default 7)" },
	{ .name = "sig-warn", .kind = DD_OPT_UINT, .argname = "DAYS", .off = J(sig_warn), .min = 1, .max = 365, .help = "warn when DNSSEC signatures expire within DAYS (default 7)" },
	{ 0 },
};

int dd_cli_color(const struct dd_cli_out *o, FILE *f)
{
	return o->format == DD_FMT_TEXT && !o->no_color && isatty(fileno(f)) && !getenv("NO_COLOR");
}

void dd_cli_judge_chk(const struct dd_cli_judge *j, struct dd_chk_opts *out)
{
	memset(out, 0, sizeof(*out));
	out->now = j->now;
	out->sig_warn_days = (int)j->sig_warn;
	out->expiry_warn_days = (int)j->expiry_warn;
	out->expiry_crit_days = (int)j->expiry_crit;
}

int dd_cli_judge_setup(const struct dd_cli_judge *j, const char *cmd, struct dd_ev_strlist *anchor,
		       char *source, size_t sourcelen)
{
	char why[400];

	if (j->expiry_warn && j->expiry_crit && j->expiry_crit > j->expiry_warn) {
		fprintf(stderr, "dnsdeps %s: --expiry-crit must not exceed --expiry-warn\n", cmd);
		return -1;
	}
	if (!j->anchor)
		return 0;
	if (dd_probe_dnssec_anchor_file(j->anchor, anchor, why, sizeof(why)) != 0) {
		char *e = dd_esc_dup(why, strlen(why));
		fprintf(stderr, "dnsdeps %s: --trust-anchor %s\n", cmd, e ? e : "unusable");
		free(e);
		return -1;
	}
	snprintf(source, sourcelen, "file %s", j->anchor);
	return 0;
}

/* Whether this executable lies in the build directory meson made it in. */
static int uninstalled(void)
{
	char self[PATH_MAX], build[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	size_t len;

	if (n <= 0 || !realpath(DD_BUILDDIR, build))
		return 0;
	self[n] = '\0';
	len = strlen(build);
	return strncmp(self, build, len) == 0 && self[len] == '/';
}

size_t dd_cli_data_dirs(struct dd_cli_data_dir out[3])
{
	const char *env = getenv("DNSDEPS_DATADIR");
	size_t n = 0;

	if (env && *env)
		out[n++] = (struct dd_cli_data_dir){ env, "$DNSDEPS_DATADIR", 0 };
	if (uninstalled())
		out[n++] = (struct dd_cli_data_dir){ DD_SRCDATADIR,
						     "the source tree of this uninstalled build", 1 };
	out[n++] = (struct dd_cli_data_dir){ DD_DATADIR, "installed", 0 };
	return n;
}

int dd_cli_find_data(const char *installed_rel, const char *source_rel, char *out, size_t outlen)
{
	struct dd_cli_data_dir dirs[3];
	size_t n = dd_cli_data_dirs(dirs);

	for (size_t i = 0; i < n; i++) {
		snprintf(out, outlen, "%s/%s", dirs[i].dir,
			 dirs[i].source_tree ? source_rel : installed_rel);
		if (access(out, R_OK) == 0)
			return 0;
	}
	return -1;
}

void dd_cli_common_init(struct dd_cli_common *c)
{
	memset(c, 0, sizeof(*c));
	c->timeout_ms = 1500;
	c->retries = 2;
	c->max_inflight_server = 16;
	c->server_qps = DD_PROBE_SERVER_QPS;
}

int dd_cli_probe_setup(const struct dd_cli_common *c, struct dd_probe_opts *o,
		       struct dd_dns_hint **hints, size_t *nhints)
{
	char why[300];

	if (c->only4 && c->only6) {
		fprintf(stderr, "dnsdeps: -4 and -6 exclude each other\n");
		return -1;
	}
	dd_probe_opts_default(o);
	o->timeout_ms = c->timeout_ms;
	o->retries = c->retries;
	o->ipv4 = !c->only6;
	o->ipv6 = !c->only4;
	o->max_qps = c->qps;
	o->max_inflight_server = c->max_inflight_server;
	o->max_qps_server = c->server_qps;
	if (dd_probe_load_hints(c->root_hints, hints, nhints, why, sizeof(why)) != 0) {
		fprintf(stderr, "dnsdeps: root hints: %s\n", why);
		return -1;
	}
	return 0;
}
