/* cmd_history.c: `dnsdeps history DOMAIN` (a watched domain's rounds and
 * change events, oldest first) and `dnsdeps status` (every watched
 * domain's last verdict and open incident), read from the watch's store,
 * as text for people or JSON (schemas dnsdeps.history/1 and
 * dnsdeps.status/1, docs/watch.md). */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "checks/checks.h"
#include "cli/cli.h"
#include "core/buf.h"
#include "core/env.h"
#include "core/err.h"
#include "core/name.h"
#include "store/store.h"
#include "watch/watch.h"

struct read_opts {
	const char *store, *config, *since;
	struct dd_cli_out out;
};

static int set_since(void *t, const struct dd_opt *opt, const char *arg, char *why,
		     size_t whylen)
{
	int64_t v;
	unsigned d;

	(void)opt;
	if (dd_clock_parse(arg, &v) != 0 && dd_watch_duration(arg, &d) != 0) {
		snprintf(why, whylen, "an RFC 3339 time, a date, or a duration back from now "
				      "(2h, 7d)");
		return -1;
	}
	((struct read_opts *)t)->since = arg;
	return 0;
}

#define H(field) offsetof(struct read_opts, field)

static const struct dd_opt read_table[] = {
	{ .name = "store", .kind = DD_OPT_STR, .argname = "FILE", .off = H(store), .help = "the watch's store" },
	{ .name = "config", .short_name = 'c', .kind = DD_OPT_STR, .argname = "FILE", .off = H(config), .help = "the store named in the watch's configuration" },
	{ 0 },
};

static const struct dd_opt since_table[] = {
	{ .name = "since", .kind = DD_OPT_CALL, .argname = "TIME", .set = set_since, .help = "from TIME (RFC 3339, a date, or a duration back: 24h)" },
	{ 0 },
};

/* Parse the options and open the store. 0, or an exit status. */
static int open_store(const struct dd_cmd *c, int argc, char **argv, struct read_opts *o,
		      char **pos, int *npos, struct dd_store **st)
{
	void *targets[] = { o, &o->out, o };
	struct dd_watch_config cfg;
	char why[DD_WATCH_WHY_MAX], swhy[DD_STORE_WHY_MAX];
	const char *where;
	int rc;

	if ((rc = dd_cli_parse(c, targets, NULL, argc, argv, pos, npos)) >= 0)
		return rc;
	dd_watch_config_init(&cfg);
	if (!o->store && o->config) {
		if (dd_watch_config_load(&cfg, o->config, why) != 0) {
			fprintf(stderr, "dnsdeps %s: %s\n", c->name, why);
			dd_watch_config_free(&cfg);
			return DD_EXIT_UNKNOWN;
		}
	}
	where = o->store ? o->store : cfg.store;
	if (!where[0]) {
		dd_watch_config_free(&cfg);
		return dd_cli_usage_error(c, "which store? (--store FILE or --config FILE)");
	}
	rc = dd_store_open(st, where, swhy);
	dd_watch_config_free(&cfg);
	if (rc) {
		fprintf(stderr, "dnsdeps %s: store: %s\n", c->name, swhy);
		return DD_EXIT_UNKNOWN;
	}
	return -1;
}

static int64_t since_time(const char *since)
{
	struct dd_clock clk = { 0 };
	int64_t t;
	unsigned d;

	if (!since)
		return 0;
	if (dd_clock_parse(since, &t) == 0)
		return t;
	dd_watch_duration(since, &d);
	return dd_clock_now(&clk) - d;
}

/* ---- history ------------------------------------------------------------- */

struct hist {
	json_t *rounds, *events;
	struct dd_buf text;
	int json;
	size_t n;
};

static void esc_field(struct dd_buf *b, const char *s)
{
	dd_buf_esc_msg(b, s ? s : ""); /* summaries and messages: names as everywhere */
}

static void hist_round(void *arg, const struct dd_store_round *r)
{
	struct hist *h = arg;
	char t[32];
	json_t *facts = r->facts ? json_loads(r->facts, 0, NULL) : NULL;
	json_t *codes = json_object_get(facts, "findings");

	dd_clock_format(r->time, t, sizeof(t));
	h->n++;
	if (h->json) {
		json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:O?, s:s}", "time", t, "status",
				      dd_chk_status_name(r->status), "layer",
				      dd_chk_layer_name(r->layer), "summary",
				      r->summary ? r->summary : "", "findings", codes, "digest",
				      r->digest ? r->digest : "");
		json_array_append_new(h->rounds, o);
	} else {
		dd_buf_printf(&h->text, "%s  %-8s  %-12s  ", t, dd_chk_status_name(r->status),
			      dd_chk_layer_name(r->layer));
		esc_field(&h->text, r->summary);
		dd_buf_puts(&h->text, "\n");
	}
	json_decref(facts);
}

static void hist_event(void *arg, const struct dd_store_event *e)
{
	struct hist *h = arg;
	char t[32];

	dd_clock_format(e->time, t, sizeof(t));
	h->n++;
	if (h->json) {
		json_array_append_new(h->events, json_pack("{s:s, s:s, s:s}", "time", t, "kind",
							   e->kind ? e->kind : "", "detail",
							   e->detail ? e->detail : ""));
		return;
	}
	dd_buf_printf(&h->text, "%s  event     ", t);
	esc_field(&h->text, e->kind);
	dd_buf_puts(&h->text, ": ");
	esc_field(&h->text, e->detail);
	dd_buf_puts(&h->text, "\n");
}

static int history_main(int argc, char **argv)
{
	struct read_opts o = { 0 };
	struct hist h = { 0 };
	struct dd_store *st = NULL;
	char *pos[argc + 1], name[DD_NAME_MAX];
	const char *why;
	int npos, rc;

	if ((rc = open_store(&dd_cmd_history, argc, argv, &o, pos, &npos, &st)) >= 0)
		return rc;
	if (dd_name_from_user(pos[0], name, &why) != 0) {
		dd_store_close(st);
		return dd_cli_usage_error(&dd_cmd_history, "%s", why ? why : "not a domain name");
	}
	h.json = o.out.format == DD_FMT_JSON;
	h.rounds = json_array();
	h.events = json_array();
	dd_buf_init(&h.text);
	rc = dd_store_history(st, name, since_time(o.since), hist_round, hist_event, &h);
	dd_store_close(st);
	if (rc == 0 && h.json) {
		json_t *doc = json_pack("{s:s, s:s, s:O, s:O}", "schema", "dnsdeps.history/1",
					"domain", name, "rounds", h.rounds, "events", h.events);
		char *s = doc ? json_dumps(doc, JSON_INDENT(2) | JSON_ENSURE_ASCII) : NULL;
		if (s)
			printf("%s\n", s);
		free(s);
		json_decref(doc);
	} else if (rc == 0) {
		fputs(h.n ? dd_buf_str(&h.text) : "no rounds stored for this domain\n", stdout);
	}
	json_decref(h.rounds);
	json_decref(h.events);
	dd_buf_free(&h.text);
	if (rc) {
		fprintf(stderr, "dnsdeps history: %s\n", dd_strerror(rc));
		return DD_EXIT_UNKNOWN;
	}
	return DD_EXIT_OK;
}

/* ---- status ---------------------------------------------------------------- */

struct stat_ctx {
	json_t *rows;
	struct dd_buf text;
	int json;
	int worst;
};

static int worse(int a, int b)
{
	static const int rank[] = { 0, 2, 3, 1 };
	return rank[b] > rank[a] ? b : a;
}

static void status_row(void *arg, const struct dd_store_status_row *r)
{
	struct stat_ctx *s = arg;
	const char *status = r->status < 0 ? "pending" : dd_chk_status_name(r->status);
	char t[32] = "-", due[32];

	if (r->time)
		dd_clock_format(r->time, t, sizeof(t));
	dd_clock_format(r->next_due, due, sizeof(due));
	if (r->status >= 0)
		s->worst = worse(s->worst, r->status);
	if (s->json) {
		json_array_append_new(
			s->rows,
			json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s, s:s?, s:s?, s:i}", "domain",
				  r->domain, "group", r->group ? r->group : "", "status", status,
				  "layer", r->status < 0 ? "none" : dd_chk_layer_name(r->layer),
				  "checked", r->time ? t : NULL, "next_due", due, "summary",
				  r->summary, "incident", r->incident, "bad_rounds",
				  (int)r->bad_streak));
		return;
	}
	dd_buf_printf(&s->text, "%-30s %-8s %-12s %-20s %s", r->domain, status,
		      r->status < 0 ? "-" : dd_chk_layer_name(r->layer), t,
		      r->incident ? "INCIDENT " : "");
	esc_field(&s->text, r->summary);
	dd_buf_puts(&s->text, "\n");
}

static int status_main(int argc, char **argv)
{
	struct read_opts o = { 0 };
	struct stat_ctx s = { 0 };
	struct dd_store *st = NULL;
	char *pos[argc + 1];
	int npos, rc;

	if ((rc = open_store(&dd_cmd_status, argc, argv, &o, pos, &npos, &st)) >= 0)
		return rc;
	s.json = o.out.format == DD_FMT_JSON;
	s.rows = json_array();
	dd_buf_init(&s.text);
	dd_buf_printf(&s.text, "%-30s %-8s %-12s %-20s %s\n", "DOMAIN", "STATUS", "LAYER",
		      "CHECKED", "SUMMARY");
	rc = dd_store_status(st, status_row, &s);
	dd_store_close(st);
	if (rc == 0 && s.json) {
		json_t *doc = json_pack("{s:s, s:O}", "schema", "dnsdeps.status/1", "domains", s.rows);
		char *out = doc ? json_dumps(doc, JSON_INDENT(2) | JSON_ENSURE_ASCII) : NULL;
		if (out)
			printf("%s\n", out);
		free(out);
		json_decref(doc);
	} else if (rc == 0) {
		fputs(dd_buf_str(&s.text), stdout);
	}
	json_decref(s.rows);
	dd_buf_free(&s.text);
	if (rc) {
		fprintf(stderr, "dnsdeps status: %s\n", dd_strerror(rc));
		return DD_EXIT_UNKNOWN;
	}
	return s.worst;
}

const struct dd_cmd dd_cmd_history = {
	.name = "history",
	.run = history_main,
	.summary = "a watched domain's verdicts and change events, from the store",
	.synopsis = "DOMAIN (--store FILE | --config FILE) [--since TIME] [--json]",
	.about = "Prints the rounds and change events the watch stored for DOMAIN, oldest\n"
		 "first (JSON schema dnsdeps.history/1, docs/watch.md).",
	.exits = "0 printed, 3 the store cannot be read or a usage error.",
	.min_pos = 1,
	.max_pos = 1,
	.missing = "give a DOMAIN",
	.tables = {
		{ read_table, 0 },
		{ dd_cli_out_opts, DD_CLI_FMT(DD_FMT_TEXT) | DD_CLI_FMT(DD_FMT_JSON) },
		{ since_table, 0 },
	},
};

const struct dd_cmd dd_cmd_status = {
	.name = "status",
	.run = status_main,
	.summary = "every watched domain's last verdict and open incident, from the store",
	.synopsis = "(--store FILE | --config FILE) [--json]",
	.about = "Prints one line per watched domain: its last verdict, layer, when it was\n"
		 "checked and its open incident (JSON schema dnsdeps.status/1).",
	.exits = "the worst last verdict (0 ok, 1 warning, 2 critical, 3 unknown); 3 also\n"
		 "when the store cannot be read or on a usage error.",
	.min_pos = 0,
	.max_pos = 0,
	.tables = {
		{ read_table, 0 },
		{ dd_cli_out_opts, DD_CLI_FMT(DD_FMT_TEXT) | DD_CLI_FMT(DD_FMT_JSON) },
	},
};
