/* cmd_watch.c: `dnsdeps watch`, the guard (docs/watch.md). The settings
 * come from the config file (dnsdeps.conf(5)) when there is one, then from
 * the command line, which wins: the same argv is applied again over the
 * file on every SIGHUP, so a reload never loses an option. Every option of
 * `check` that probes or judges is taken, through the shared tables. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/env.h"
#include "core/err.h"
#include "core/esc.h"
#include "dd_config.h"
#include "net/notify.h"
#include "probe/dnssec.h"
#include "probe/probe.h"
#include "reg/fetch.h"
#include "report/report.h"
#include "store/store.h"
#include "watch/watch.h"
#include "web/web.h"

/* The command's own options. The ones that are settings write into the
 * config being built (cfg), so they override the file's. */
struct watch_cli {
	const char *config;
	int once;
	int no_deps;
	struct dd_cli_out out;       /* --no-color: the log has no colour anyway */
	struct dd_watch_config *cfg; /* NULL while only the config path is wanted */
	char *why;
};

/* Hand "key: value" to the config file's own key table, so an option and
 * its configuration key are one contract: the option's name is the key. */
static int as_key(void *t, const struct dd_opt *opt, const char *arg, char *why, size_t whylen)
{
	struct watch_cli *w = t;
	char text[DD_WATCH_PATH_MAX + 64];

	if (!w->cfg)
		return 0;
	if (strchr(arg, '\n') || strchr(arg, '"')) {
		snprintf(why, whylen, "newlines and double quotes are not allowed");
		return -1;
	}
	snprintf(text, sizeof(text), "watch:\n%s: \"%s\"\n", opt->name, arg);
	if (dd_watch_config_parse(w->cfg, text, strlen(text), "option", w->why) != 0) {
		/* "option:2: key: why" -> "why" */
		const char *p = strstr(w->why, ": ");
		p = p ? strstr(p + 2, ": ") : NULL;
		snprintf(why, whylen, "%s", p ? p + 2 : w->why);
		return -1;
	}
	return 0;
}

#define W(field) offsetof(struct watch_cli, field)

static const struct dd_opt watch_table[] = {
	{ .name = "config", .short_name = 'c', .kind = DD_OPT_STR, .argname = "FILE", .off = W(config), .help = "read the settings from FILE (dnsdeps.conf(5)); options override it" },
	{ .name = "once", .kind = DD_OPT_FLAG, .off = W(once), .val = 1, .help = "check every domain once, deliver the alerts, exit with the worst status" },
	{ .name = "store", .kind = DD_OPT_CALL, .argname = "FILE|URI", .set = as_key, .help = "the SQLite store (created when missing), or postgresql://... shared by workers (docs/postgresql.md)" },
	{ .name = "interval", .kind = DD_OPT_CALL, .argname = "DURATION", .set = as_key, .help = "time between two checks of a domain: 90s, 5m, 1h (default 5m)" },
	{ .name = "jitter", .kind = DD_OPT_CALL, .argname = "DURATION", .set = as_key, .help = "spread the checks by up to this much (default interval/10)" },
	{ .name = "webhook", .kind = DD_OPT_CALL, .argname = "URL", .set = as_key, .help = "POST alerts (JSON) to URL; add ' critical' for critical ones only (repeatable)" },
	{ .name = "exec", .kind = DD_OPT_CALL, .argname = "PROGRAM", .set = as_key, .help = "run PROGRAM (absolute path, no shell) for each alert (repeatable)" },
	{ .name = "email", .kind = DD_OPT_CALL, .argname = "ADDRESS", .set = as_key, .help = "mail alerts to ADDRESS over --smtp-server (repeatable)" },
	{ .name = "smtp-server", .kind = DD_OPT_CALL, .argname = "URL", .set = as_key, .help = "smtp://host:port or smtps://host:port for --email" },
	{ .name = "mail-from", .kind = DD_OPT_CALL, .argname = "ADDRESS", .set = as_key, .help = "the sender of alert mails" },
	{ .name = "list", .kind = DD_OPT_CALL, .argname = "FILE", .set = as_key, .help = "watch the domains listed in FILE, one per line" },
	{ .name = "alert-after", .kind = DD_OPT_CALL, .argname = "N", .set = as_key, .help = "bad rounds in a row before an incident is alerted (default 2)" },
	{ .name = "recover-after", .kind = DD_OPT_CALL, .argname = "N", .set = as_key, .help = "good rounds in a row that close it (default 2)" },
	{ .name = "reminder", .kind = DD_OPT_CALL, .argname = "DURATION", .set = as_key, .help = "remind of an open incident this often (default 6h, 0: never)" },
	{ .name = "retention", .kind = DD_OPT_CALL, .argname = "DURATION", .set = as_key, .help = "keep rounds this long (default 90d)" },
	{ .name = "evidence-max", .kind = DD_OPT_CALL, .argname = "BYTES", .set = as_key, .help = "keep each domain's latest evidence document up to BYTES (default 16777216; 0: none)" },
	{ .name = "concurrency", .kind = DD_OPT_CALL, .argname = "N", .set = as_key, .help = "domains checked at once (default 50)" },
	{ .name = "lease", .kind = DD_OPT_CALL, .argname = "DURATION", .set = as_key, .help = "a worker holds the domains it took this long at most (default 5m)" },
	{ .name = "worker", .kind = DD_OPT_CALL, .argname = "NAME", .set = as_key, .help = "this worker's name in a shared store (default: the host name)" },
	{ .name = "no-deps", .kind = DD_OPT_FLAG, .off = W(no_deps), .val = 1, .help = "skip the dependencies (gathered by default, as check does)" },
	{ .name = "trust-anchor", .kind = DD_OPT_CALL, .argname = "FILE", .set = as_key, .help = "validate DNSSEC from the DS or DNSKEY records in FILE" },
	{ .name = "expiry-warn", .kind = DD_OPT_CALL, .argname = "DAYS", .set = as_key, .help = "warn when the registration expires within DAYS (default 30)" },
	{ .name = "expiry-crit", .kind = DD_OPT_CALL, .argname = "DAYS", .set = as_key, .help = "critical when it expires within DAYS (default 7)" },
	{ .name = "sig-warn", .kind = DD_OPT_CALL, .argname = "DAYS", .set = as_key, .help = "warn when DNSSEC signatures expire within DAYS (default 7)" },
	{ .name = "http", .kind = DD_OPT_CALL, .argname = "ADDR:PORT", .set = as_key, .help = "serve the dashboard, /metrics and the API (docs/web.md); PORT alone: 127.0.0.1" },
	{ .name = "http-cert", .kind = DD_OPT_CALL, .argname = "FILE", .set = as_key, .help = "serve HTTPS with this certificate (PEM), with --http-key" },
	{ .name = "http-key", .kind = DD_OPT_CALL, .argname = "FILE", .set = as_key, .help = "the certificate's private key (PEM)" },
	{ .name = "http-token-file", .kind = DD_OPT_CALL, .argname = "FILE", .set = as_key, .help = "require this bearer token (one line) for all but /metrics" },
	{ .name = "http-auth-file", .kind = DD_OPT_CALL, .argname = "FILE", .set = as_key, .help = "require basic auth user:password (one line) for all but /metrics" },
	{ 0 },
};

/* The settings of a run and what they point into. */
struct box {
	struct dd_watch_settings s;
	struct dd_probe_opts po;
	struct dd_reg_fetch_opts fo;
	struct dd_cli_reg_paths paths;
	struct dd_cli_common c;
	struct dd_cli_deps d;
	struct dd_ev_strlist anchor;
	char anchor_source[DD_WATCH_PATH_MAX + 8];
	int no_deps;
	int once;
	struct dd_store *graphs; /* where each domain's graph goes for the web; NULL none */
};

struct run {
	int argc;
	char **argv;
	struct dd_store *graphs; /* given to the boxes built on SIGHUP */
};

static void box_free(void *ctx, struct dd_watch_settings *s)
{
	struct box *b = (struct box *)s;

	(void)ctx;
	if (!b)
		return;
	dd_watch_config_free(&b->s.cfg);
	free(b->s.hints);
	dd_ev_strlist_free(&b->anchor);
	free(b);
}

/* The named group whose primary is domain, or NULL. */
static const struct dd_watch_group *group_of_primary(const struct dd_watch_config *c,
						     const char *domain)
{
	for (size_t i = 0; i < c->ngroups; i++)
		if (c->groups[i].name[0] && c->groups[i].ndomains > 1 &&
		    strcmp(c->groups[i].domains[0], domain) == 0)
			return &c->groups[i];
	return NULL;
}

/* Before each domain is probed: the trust anchor, and the dependencies; a
 * group's primary with its backups, so what they share is judged (the
 * DEPS_BACKUP_* findings, as `check --backup` makes them). */
static int prepare(void *ctx, struct dd_evidence *ev)
{
	struct box *b = ctx;
	const struct dd_watch_group *g;
	struct dd_cli_deps d;

	if (b->anchor.n && dd_ev_sec_set_anchor(&ev->dnssec, &b->anchor, b->anchor_source) != 0)
		return DD_ENOMEM;
	if (b->no_deps)
		return 0;
	d = b->d;
	if ((g = group_of_primary(&b->s.cfg, ev->domain)) != NULL) {
		d.nbackups = 0;
		for (size_t i = 1; i < g->ndomains && d.nbackups < sizeof(d.backups) /
								 sizeof(d.backups[0]); i++)
			snprintf(d.backups[d.nbackups++], sizeof(d.backups[0]), "%s", g->domains[i]);
	}
	return dd_cli_deps_request(&d, ev, "watch") != 0 ? DD_EINVAL : 0;
}

/* The domain's dependency graph, as `graph --json` and DOT, into the store
 * for the dashboard (docs/web.md). On the driver's loop, where the store's
 * other writes happen. A graph that cannot be kept costs the dashboard its
 * picture, never the round. */
static void keep_graph(struct dd_store *st, const struct dd_evidence *ev)
{
	struct dd_rep_opts ro = { .judge = { .now = ev->time } };
	struct dd_buf json, dot;

	dd_buf_init(&json);
	dd_buf_init(&dot);
	if (dd_rep_deps_json(ev, &ro, &json) == 0 && dd_rep_dot(ev, &ro, &dot) == 0)
		dd_store_graph_put(st, ev->domain, ev->time, dd_buf_str(&json), dd_buf_str(&dot));
	dd_buf_free(&json);
	dd_buf_free(&dot);
}

static int finish(void *ctx, struct dd_evidence *ev)
{
	struct box *b = ctx;

	if (!ev->deps.present)
		return 0;
	if (dd_cli_deps_finish(ev, "watch") != 0)
		return DD_EINVAL;
	if (b->graphs)
		keep_graph(b->graphs, ev);
	return 0;
}

/* Judgement settings of the config as defaults for the shared options,
 * which argv then overrides. */
static void judge_defaults(struct box *b)
{
	const struct dd_watch_judge *j = &b->s.cfg.judge;

	b->c.root_hints = j->root_hints[0] ? j->root_hints : NULL;
	b->c.timeout_ms = j->timeout_ms;
	b->c.retries = j->retries;
	b->d.rdap_bootstrap = j->rdap_bootstrap[0] ? j->rdap_bootstrap : NULL;
	b->d.whois_servers = j->whois_servers[0] ? j->whois_servers : NULL;
	b->d.ca_file = j->ca_file[0] ? j->ca_file : NULL;
	b->d.no_registration = j->no_registration;
}

/* Build the settings: the file, then argv over it. 0, or -1 with why. */
static int build(const struct run *r, struct box **out, char why[DD_WATCH_WHY_MAX])
{
	struct box *b = calloc(1, sizeof(*b));
	struct watch_cli w = { 0 };
	char *pos[r->argc + 1];
	int npos, help = 0;
	char *err = NULL;
	size_t errlen = 0;
	FILE *errf = open_memstream(&err, &errlen);

	*out = NULL;
	if (!b || !errf) {
		snprintf(why, DD_WATCH_WHY_MAX, "out of memory");
		goto fail;
	}
	struct dd_opt_group groups[] = { { watch_table, &w }, { dd_cli_common_opts, &b->c },
					 { dd_cli_deps_opts, &b->d },
					 { dd_cli_reg_extra_opts, &b->d.reg },
					 { dd_cli_out_opts, &w.out } };
	int ngroups = (int)(sizeof(groups) / sizeof(groups[0]));
	dd_watch_config_init(&b->s.cfg);
	dd_cli_common_init(&b->c);
	dd_cli_deps_init(&b->d);
	w.why = why;
	/* First pass: where the file is. */
	if (dd_opts_parse(groups, ngroups, r->argc, r->argv, pos, &npos, &help, errf) != 0)
		goto fail_opts;
	if (w.config && dd_watch_config_load(&b->s.cfg, w.config, why) != 0)
		goto fail;
	judge_defaults(b);
	w.cfg = &b->s.cfg;
	if (dd_opts_parse(groups, ngroups, r->argc, r->argv, pos, &npos, &help, errf) != 0)
		goto fail_opts;
	for (int i = 0; i < npos; i++) {
		const char *e = NULL;
		if (dd_watch_config_add(&b->s.cfg, "", pos[i], &e) != 0) {
			char *s = dd_esc_dup(pos[i], strlen(pos[i]));
			snprintf(why, DD_WATCH_WHY_MAX, "'%s': %s", s ? s : "?", e ? e : "invalid");
			free(s);
			goto fail;
		}
	}
	b->no_deps = w.no_deps;
	b->once = w.once;
	if (dd_watch_config_check(&b->s.cfg, why) != 0)
		goto fail;
	fclose(errf);
	free(err);
	errf = NULL;
	err = NULL;
	if (dd_cli_probe_setup(&b->c, &b->po, &b->s.hints, &b->s.nhints) != 0) {
		snprintf(why, DD_WATCH_WHY_MAX, "root hints or address family options unusable");
		goto fail;
	}
	/* The window's domains share one probe: room for their queries. */
	b->po.max_inflight = b->s.cfg.concurrency * 8 < 256 ? 256 : b->s.cfg.concurrency * 8;
	const char *anchor = b->s.cfg.judge.trust_anchor;
	if (anchor[0]) {
		char aw[400];
		if (dd_probe_dnssec_anchor_file(anchor, &b->anchor, aw, sizeof(aw)) != 0) {
			snprintf(why, DD_WATCH_WHY_MAX, "trust-anchor %s", aw);
			goto fail;
		}
		snprintf(b->anchor_source, sizeof(b->anchor_source), "file %s", anchor);
	}
	dd_cli_reg_fetch_opts(b->d.rdap_bootstrap, b->d.whois_servers, b->d.ca_file,
			      b->d.reg_timeout_ms, &b->fo, &b->paths);
	dd_cli_reg_pace(&b->d.reg, &b->fo);
	b->s.po = &b->po;
	b->s.reg = b->d.no_registration ? NULL : &b->fo;
	b->graphs = r->graphs;
	b->s.prepare = prepare;
	b->s.finish = finish;
	b->s.ctx = b;
	*out = b;
	return 0;
fail_opts:
	fflush(errf);
	snprintf(why, DD_WATCH_WHY_MAX, "%s", err && *err ? err : "invalid options");
	why[strcspn(why, "\n")] = '\0';
fail:
	if (errf)
		fclose(errf);
	free(err);
	box_free(NULL, b ? &b->s : NULL);
	return -1;
}

static void log_line(void *ctx, const char *line)
{
	char t[32], *e = dd_esc_dup(line, strlen(line));
	struct dd_clock clk = { 0 };

	(void)ctx;
	dd_clock_format(dd_clock_now(&clk), t, sizeof(t));
	fprintf(stderr, "%s dnsdeps watch: %s\n", t, e ? e : "?");
	fflush(stderr);
	free(e);
}

static int reload(void *ctx, struct dd_watch_settings **out, char why[DD_WATCH_WHY_MAX])
{
	struct box *b;

	if (build(ctx, &b, why) != 0)
		return -1;
	*out = &b->s;
	return 0;
}

/* --help anywhere before "--": the options are parsed in build(), where a
 * help request is no error. */
static int wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return 0;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return 1;
	}
	return 0;
}

/* The service's counters for /metrics, read on the web server's thread. */
static void counters(void *ctx, struct dd_web_counters *out)
{
	struct dd_watch_result *r = ctx;

	out->rounds = __atomic_load_n(&r->rounds, __ATOMIC_RELAXED);
	out->checks = __atomic_load_n(&r->checks, __ATOMIC_RELAXED);
	out->alerts_sent = __atomic_load_n(&r->alerts_sent, __ATOMIC_RELAXED);
	out->alerts_failed = __atomic_load_n(&r->alerts_failed, __ATOMIC_RELAXED);
	out->queries = __atomic_load_n(&r->queries, __ATOMIC_RELAXED);
	out->timeouts = __atomic_load_n(&r->timeouts, __ATOMIC_RELAXED);
	out->bounds = dd_watch_duration_bounds();
	out->nbounds = DD_WATCH_DUR_BUCKETS - 1;
	for (size_t i = 0; i < DD_WATCH_DUR_BUCKETS && i <= DD_WEB_DUR_MAX; i++)
		out->dur_count[i] = __atomic_load_n(&r->dur_count[i], __ATOMIC_RELAXED);
	out->dur_sum_s = (double)__atomic_load_n(&r->dur_sum_us, __ATOMIC_RELAXED) / 1e6;
}

/* The web server, when the settings ask for one (not changed by SIGHUP). */
static int web_start(const struct dd_watch_config *c, struct dd_watch_result *res,
		     struct dd_web **out)
{
	const struct dd_watch_http *h = &c->http;
	struct dd_web_opts wo = { .listen = h->listen, .store = c->store,
				  .cert = h->cert[0] ? h->cert : NULL,
				  .key = h->key[0] ? h->key : NULL,
				  .token_file = h->token_file[0] ? h->token_file : NULL,
				  .auth_file = h->auth_file[0] ? h->auth_file : NULL,
				  .counters = counters, .ctx = res };
	char why[DD_WEB_WHY_MAX];

	*out = NULL;
	if (!h->listen[0])
		return 0;
	if (dd_web_start(out, &wo, why) != 0) {
		fprintf(stderr, "dnsdeps watch: %s\n", why);
		return -1;
	}
	log_line(NULL, "http: listening");
	return 0;
}

/* The service manager's socket (systemd's Type=notify, docs/watch.md),
 * when it gave one; its watchdog only when it watches this process. */
static int notify_open(struct dd_net_notify **out)
{
	const char *pid = getenv("WATCHDOG_PID");
	const char *usec = pid && strtol(pid, NULL, 10) != (long)getpid() ? NULL
									   : getenv("WATCHDOG_USEC");

	if (dd_net_notify_open(out, getenv("NOTIFY_SOCKET"), usec) == 0)
		return 0;
	fprintf(stderr, "dnsdeps watch: NOTIFY_SOCKET or WATCHDOG_USEC unusable\n");
	return -1;
}

static int watch_main(int argc, char **argv)
{
	struct run r = { argc, argv };
	struct dd_watch_opts o = { .tool = "dnsdeps " DD_VERSION, .log = log_line,
				   .reload = reload, .settings_free = box_free, .ctx = &r };
	struct dd_watch_settings *fin = NULL;
	struct dd_watch_result res = { 0 };
	struct dd_store *st = NULL;
	struct dd_web *web = NULL;
	char why[DD_WATCH_WHY_MAX], swhy[DD_STORE_WHY_MAX];
	struct box *b;
	int rc;

	if (wants_help(argc, argv)) {
		dd_cli_help(&dd_cmd_watch, stdout);
		return DD_EXIT_OK;
	}
	if (build(&r, &b, why) != 0) {
		fprintf(stderr, "dnsdeps watch: %s\n", why);
		return DD_EXIT_UNKNOWN;
	}
	o.once = b->once;
	if (notify_open(&o.notify) != 0) {
		box_free(NULL, &b->s);
		return DD_EXIT_UNKNOWN;
	}
	if (dd_store_open(&st, b->s.cfg.store, swhy) != 0) {
		fprintf(stderr, "dnsdeps watch: store: %s\n", swhy);
		dd_net_notify_close(o.notify);
		box_free(NULL, &b->s);
		return DD_EXIT_UNKNOWN;
	}
	if (web_start(&b->s.cfg, &res, &web) != 0) {
		dd_net_notify_close(o.notify);
		dd_store_close(st);
		box_free(NULL, &b->s);
		return DD_EXIT_UNKNOWN;
	}
	if (web)
		r.graphs = b->graphs = st;
	rc = dd_watch_run(st, &b->s, &o, &fin, &res, why);
	dd_net_notify_close(o.notify);
	dd_web_stop(web);
	dd_store_close(st);
	box_free(NULL, fin);
	if (rc) {
		fprintf(stderr, "dnsdeps watch: %s\n", why[0] ? why : dd_strerror(rc));
		return DD_EXIT_UNKNOWN;
	}
	if (!o.once)
		log_line(NULL, "stopped");
	return o.once ? res.worst : DD_EXIT_OK;
}

const struct dd_cmd dd_cmd_watch = {
	.name = "watch",
	.run = watch_main,
	.summary = "check domains on a schedule, keep the history, alert once per incident",
	.synopsis = "--config FILE [--once] [OPTIONS]\n"
		    "--store FILE --interval 60s [--webhook URL] [--exec PROGRAM] "
		    "[--list FILE | DOMAIN...] [OPTIONS]",
	.about = "Checks every domain on a schedule, keeps the history in the store, and\n"
		 "alerts once per incident with the verdict, the layer and what changed\n"
		 "(docs/watch.md, dnsdeps.conf(5)). SIGHUP re-reads the configuration (a\n"
		 "broken one keeps the old); SIGTERM finishes the checks in flight and stops.\n"
		 "With --http, serves a dashboard, Prometheus metrics and a JSON API\n"
		 "(docs/web.md, docs/api.md).",
	.exits = "with --once: the worst verdict (0 ok, 1 warning, 2 critical, 3 unknown);\n"
		 "as a service: 0 when stopped by a signal; 3 on a usage, configuration or\n"
		 "store error.",
	.min_pos = 0,
	.max_pos = 1 << 20,
	.tables = {
		{ watch_table, 0 },
		{ dd_cli_common_opts, 0 },
		{ dd_cli_deps_opts, 0 },
		{ dd_cli_reg_extra_opts, 0 },
		{ dd_cli_out_opts, 0 },
	},
};
