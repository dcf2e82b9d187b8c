/* api.c: the JSON API under /api/v1/ (docs/api.md), read from the store.
 * Every document names its schema; strings from servers go into JSON as
 * they are (jansson escapes them), the dashboard shows them as text. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/checks.h"
#include "core/err.h"
#include "core/name.h"
#include "report/report.h"
#include "web/web.h"
#include "web/web_int.h"

#define HISTORY_DAYS_DEFAULT 30
#define HISTORY_MAX 2000   /* rounds, and events, in one answer: the latest ones */
#define INCIDENTS_MAX 500

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *status_of(int status)
{
	return status < 0 ? json_null() : json_string(dd_chk_status_name(status));
}

/* A JSON text from the store, parsed; null when absent or broken. */
static json_t *parsed(const char *text)
{
	json_t *v = text ? json_loads(text, 0, NULL) : NULL;
	return v ? v : json_null();
}

static json_t *doc(const char *schema, int64_t now)
{
	json_t *d = json_object();
	json_object_set_new(d, "schema", json_string(schema));
	json_object_set_new(d, "time", json_integer(now));
	return d;
}

/* ---- /domains ------------------------------------------------------------- */

static json_t *time_or_null(int64_t t)
{
	return t ? json_integer(t) : json_null();
}

static json_t *domain_row(const struct dd_web_row *r)
{
	json_t *o = json_object(), *count = json_object();

	json_object_set_new(o, "domain", json_string(r->domain));
	json_object_set_new(o, "group", json_string(r->group));
	json_object_set_new(o, "status", status_of(r->status));
	json_object_set_new(o, "layer", r->status < 0 ? json_null()
						   : json_string(dd_chk_layer_name(r->layer)));
	json_object_set_new(o, "summary", str_or_null(r->summary));
	json_object_set_new(o, "checked", time_or_null(r->checked));
	json_object_set_new(o, "next_due", json_integer(r->next_due));
	json_object_set_new(o, "incident", str_or_null(r->incident));
	for (int s = 0; s < DD_SEV_COUNT; s++)
		if (r->findings[s])
			json_object_set_new(count, dd_chk_severity_name(s), json_integer(r->findings[s]));
	json_object_set_new(o, "findings", count);
	json_object_set_new(o, "expires", time_or_null(r->expires));
	json_object_set_new(o, "sig_expires", time_or_null(r->sig_expires));
	json_object_set_new(o, "registrar", str_or_null(r->registrar));
	return o;
}

static int domains(struct dd_store *st, struct dd_web_rows *cache, json_t *d)
{
	json_t *a = json_array();
	struct dd_web_rows rows;
	int rc = dd_web_rows_read(st, cache, &rows);

	json_object_set_new(d, "domains", a);
	for (size_t i = 0; rc == 0 && i < rows.n; i++)
		json_array_append_new(a, domain_row(&rows.v[i]));
	if (rc == 0)
		dd_web_rows_keep(&rows, cache);
	return rc;
}

/* ---- /domains/NAME ----------------------------------------------------------- */

/* The round keeps its findings brief: each gets its code's title and
 * advice from the findings' table (checks.h), the one source of both. */
static json_t *findings_with_advice(const char *text)
{
	json_t *fs = parsed(text), *f;
	size_t i;

	json_array_foreach(fs, i, f) {
		/* a stored row is not trusted: a finding without a string code has none */
		const char *code = json_string_value(json_object_get(f, "code"));
		const struct dd_chk_def *d = code ? dd_chk_def_find(code) : NULL;
		if (d && !json_object_get(f, "advice"))
			json_object_set_new(f, "advice", json_string(d->advice));
		if (d && !json_object_get(f, "title"))
			json_object_set_new(f, "title", json_string(d->title));
	}
	return fs;
}

static void round_into(void *arg, const struct dd_store_round *r)
{
	json_t *o = arg;

	json_object_set_new(o, "checked", json_integer(r->time));
	json_object_set_new(o, "status", status_of(r->status));
	json_object_set_new(o, "layer", json_string(dd_chk_layer_name(r->layer)));
	json_object_set_new(o, "summary", json_string(r->summary ? r->summary : ""));
	json_object_set_new(o, "findings", findings_with_advice(r->findings));
	json_object_set_new(o, "facts", parsed(r->facts));
	json_object_set_new(o, "digest", str_or_null(r->digest));
}

static int one_domain(struct dd_store *st, const char *name, json_t *d, int *status)
{
	struct dd_store_dstate ds;
	json_t *o = json_object();
	int rc = dd_store_dstate_get(st, name, &ds);

	if (rc == DD_ENOTFOUND) {
		json_decref(o);
		*status = 404;
		json_object_set_new(d, "error", json_string("no such domain in the store"));
		return 0;
	}
	json_object_set_new(o, "domain", json_string(name));
	json_object_set_new(o, "incident", ds.incident[0] ? json_string(ds.incident) : json_null());
	json_object_set_new(o, "status", json_null());
	json_object_set_new(d, "round", o);
	if (rc == 0 && ds.last_round)
		rc = dd_store_round_get(st, ds.last_round, round_into, o);
	return rc;
}

/* ---- /domains/NAME/history -------------------------------------------------- */

struct hist {
	json_t *rounds, *events;
};

/* Keep the latest HISTORY_MAX of a list that comes oldest first. */
static void bounded_append(json_t *a, json_t *v)
{
	json_array_append_new(a, v);
	if (json_array_size(a) > HISTORY_MAX)
		json_array_remove(a, 0);
}

static void hist_round(void *arg, const struct dd_store_round *r)
{
	struct hist *h = arg;
	json_t *o = json_object();

	json_object_set_new(o, "time", json_integer(r->time));
	json_object_set_new(o, "status", status_of(r->status));
	json_object_set_new(o, "layer", json_string(dd_chk_layer_name(r->layer)));
	json_object_set_new(o, "summary", json_string(r->summary ? r->summary : ""));
	bounded_append(h->rounds, o);
}

static void hist_event(void *arg, const struct dd_store_event *e)
{
	struct hist *h = arg;
	json_t *o = json_object();

	json_object_set_new(o, "time", json_integer(e->time));
	json_object_set_new(o, "kind", json_string(e->kind ? e->kind : ""));
	json_object_set_new(o, "detail", json_string(e->detail ? e->detail : ""));
	bounded_append(h->events, o);
}

/* since=UNIX in the query; default the last 30 days. */
static int64_t since_of(const char *query, int64_t now)
{
	const char *p = query ? strstr(query, "since=") : NULL;

	if (p && (p == query || p[-1] == '&'))
		return strtoll(p + 6, NULL, 10);
	return now - (int64_t)HISTORY_DAYS_DEFAULT * 86400;
}

static int history(struct dd_store *st, const char *name, const char *query, int64_t now,
		   json_t *d)
{
	struct hist h = { json_array(), json_array() };

	json_object_set_new(d, "domain", json_string(name));
	json_object_set_new(d, "since", json_integer(since_of(query, now)));
	json_object_set_new(d, "rounds", h.rounds);
	json_object_set_new(d, "events", h.events);
	return dd_store_history(st, name, since_of(query, now), hist_round, hist_event, &h);
}

/* ---- /incidents ----------------------------------------------------------------- */

static void incident_row(void *arg, const struct dd_store_incident_row *r)
{
	json_t *o = json_object();

	json_object_set_new(o, "key", json_string(r->key ? r->key : ""));
	json_object_set_new(o, "domain", json_string(r->domain ? r->domain : ""));
	json_object_set_new(o, "opened", json_integer(r->opened));
	json_object_set_new(o, "closed", r->closed ? json_integer(r->closed) : json_null());
	json_object_set_new(o, "status", status_of(r->status));
	json_object_set_new(o, "layer", json_string(dd_chk_layer_name(r->layer)));
	json_object_set_new(o, "summary", json_string(r->summary ? r->summary : ""));
	json_array_append_new(arg, o);
}

static int incidents(struct dd_store *st, json_t *d)
{
	json_t *a = json_array();

	json_object_set_new(d, "incidents", a);
	return dd_store_incidents(st, INCIDENTS_MAX, incident_row, a);
}

/* ---- /domains/NAME/graph and graph.svg ------------------------------------------- */

struct graph {
	int found;
	int svg;
	struct dd_rep_gv *gv;
	struct dd_buf *out;
	int rc;
};

static void graph_got(void *arg, int64_t time, const char *json, const char *dot)
{
	struct graph *g = arg;
	char why[300];

	(void)time;
	g->found = 1;
	if (!g->svg)
		dd_buf_puts(g->out, json ? json : "null");
	else if ((g->gv ? dd_rep_svg_gv(g->gv, dot ? dot : "", g->out, why, sizeof(why))
			: dd_rep_svg(dot ? dot : "", g->out, why, sizeof(why))) != 0)
		g->rc = DD_EIO;
}

/* The stored graph as it is (dnsdeps.graph/1, docs/dependencies.md) or as
 * SVG; 404 when the service has none (no dependencies gathered yet). */
static int graph(struct dd_store *st, struct dd_rep_gv *gv, const char *name, int svg,
		 int *status, const char **ctype, struct dd_buf *out)
{
	struct graph g = { 0, svg, gv, out, 0 };
	int rc = dd_store_graph_get(st, name, graph_got, &g);

	if (rc == DD_ENOTFOUND) {
		*status = 404;
		return 0;
	}
	if (rc == 0)
		rc = g.rc;
	*ctype = svg ? "image/svg+xml" : "application/json";
	return rc;
}

/* ---- /domains/NAME/evidence ------------------------------------------------------------ */

struct evidence {
	struct dd_buf *out;
	size_t size;   /* of a document over the bound, not kept */
	int kept;
};

static void evidence_got(void *arg, int64_t time, const char *json, size_t len, size_t size)
{
	struct evidence *e = arg;

	(void)time;
	e->kept = json != NULL;
	e->size = size;
	if (json)
		dd_buf_add(e->out, json, len);
}

/* The latest evidence document as the round kept it (docs/evidence.md),
 * byte for byte; NULL with *status 404 and why when there is none. */
static int evidence(struct dd_store *st, const char *name, int *status, struct dd_buf *out,
		    char *why, size_t whylen)
{
	struct evidence e = { out, 0, 0 };
	int rc = dd_store_evidence_get(st, name, evidence_got, &e);

	if (rc == DD_ENOTFOUND || (rc == 0 && !e.kept)) {
		*status = 404;
		if (rc == DD_ENOTFOUND)
			snprintf(why, whylen, "no evidence document of this domain is kept"
				 " (not checked yet, or evidence-max is 0)");
		else
			snprintf(why, whylen, "the latest evidence document was %zu bytes, over"
				 " the watch's evidence-max: not kept", e.size);
		return 0;
	}
	return rc;
}

/* ---- routing ---------------------------------------------------------------------- */

/* "domains/NAME[/history]": the canonical name and the rest. 0 or -1. */
static int domain_path(const char *path, char name[DD_NAME_MAX], const char **rest)
{
	char raw[DD_NAME_MAX];
	const char *why, *p = path + strlen("domains/"), *slash = strchr(p, '/');
	size_t n = slash ? (size_t)(slash - p) : strlen(p);

	if (n == 0 || n >= sizeof(raw))
		return -1;
	memcpy(raw, p, n);
	raw[n] = '\0';
	*rest = slash ? slash + 1 : "";
	return dd_name_from_user(raw, name, &why) == 0 ? 0 : -1;
}

static int route(struct dd_store *st, struct dd_web_rows *cache, const char *path,
		 const char *query, int64_t now, int *status, json_t **d)
{
	char name[DD_NAME_MAX];
	const char *rest;

	*status = 200;
	if (strcmp(path, "domains") == 0) {
		*d = doc("dnsdeps.api.domains/1", now);
		return domains(st, cache, *d);
	}
	if (strcmp(path, "incidents") == 0) {
		*d = doc("dnsdeps.api.incidents/1", now);
		return incidents(st, *d);
	}
	if (strncmp(path, "domains/", 8) == 0 && domain_path(path, name, &rest) == 0) {
		if (!*rest) {
			*d = doc("dnsdeps.api.domain/1", now);
			return one_domain(st, name, *d, status);
		}
		if (strcmp(rest, "history") == 0) {
			*d = doc("dnsdeps.api.history/1", now);
			return history(st, name, query, now, *d);
		}
	}
	*status = 404;
	*d = doc("dnsdeps.api.error/1", now);
	json_object_set_new(*d, "error", json_string("no such API path (docs/api.md)"));
	return 0;
}

enum raw_doc { RAW_NONE = -1, RAW_GRAPH, RAW_GRAPH_SVG, RAW_EVIDENCE };

/* The documents served as stored, not built here: "domains/NAME/graph",
 * ".../graph.svg", ".../evidence". */
static enum raw_doc raw_path(const char *path, char name[DD_NAME_MAX])
{
	const char *rest;

	if (strncmp(path, "domains/", 8) != 0 || domain_path(path, name, &rest) != 0)
		return RAW_NONE;
	return strcmp(rest, "graph") == 0	? RAW_GRAPH
	       : strcmp(rest, "graph.svg") == 0 ? RAW_GRAPH_SVG
	       : strcmp(rest, "evidence") == 0	? RAW_EVIDENCE
						: RAW_NONE;
}

int dd_web_api(struct dd_store *st, struct dd_web_rows *cache, struct dd_rep_gv *gv,
	       const char *path, const char *query, int64_t now, int *status,
	       const char **ctype, struct dd_buf *out)
{
	char name[DD_NAME_MAX], why[200] = "no graph of this domain yet";
	json_t *d = NULL;
	char *text;
	enum raw_doc raw = raw_path(path, name);
	int rc = 0;

	*ctype = "application/json";
	*status = 200;
	if (raw == RAW_EVIDENCE)
		rc = evidence(st, name, status, out, why, sizeof(why));
	else if (raw != RAW_NONE)
		rc = graph(st, gv, name, raw == RAW_GRAPH_SVG, status, ctype, out);
	if (raw != RAW_NONE && (rc != 0 || *status == 200))
		return rc == 0 && dd_buf_failed(out) ? DD_ENOMEM : rc;
	if (raw != RAW_NONE) {
		*ctype = "application/json";
		d = doc("dnsdeps.api.error/1", now);
		json_object_set_new(d, "error", json_string(why));
		rc = 0;
	} else {
		rc = route(st, cache, path, query, now, status, &d);
	}
	if (rc == 0) {
		text = d ? json_dumps(d, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
		if (!text)
			rc = DD_ENOMEM;
		else
			dd_buf_puts(out, text);
		free(text);
	}
	json_decref(d);
	return rc == 0 && dd_buf_failed(out) ? DD_ENOMEM : rc;
}
