/* rows.c: each domain's latest round reduced to one row (web_int.h): one
 * pass over the store, each row's facts parsed once (they hold the counts
 * of the findings per severity), and not again while its last round stays
 * the same (the server keeps the last read). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "web/web_int.h"

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static int read_facts(struct dd_web_row *w, const char *text)
{
	json_t *facts = text ? json_loads(text, 0, NULL) : NULL;
	const char *reg = json_string_value(json_object_get(facts, "registrar"));

	const json_t *sev = json_object_get(facts, "severities");

	for (int s = 0; s < DD_SEV_COUNT; s++)
		w->findings[s] = (unsigned)json_integer_value(json_object_get(sev,
									       dd_chk_severity_name(s)));
	w->expires = json_integer_value(json_object_get(facts, "expires"));
	w->sig_expires = json_integer_value(json_object_get(facts, "sig_expires"));
	w->registrar = dup_or_null(reg);
	json_decref(facts);
	return reg && !w->registrar ? -1 : 0;
}

struct reading {
	struct dd_web_rows *rows;
	struct dd_web_rows *prev; /* may be NULL */
	size_t at;                /* in prev: both are by name */
};

/* The previous read's row of the same domain and round, or NULL. */
static struct dd_web_row *same_round(struct reading *rd, const struct dd_store_latest_row *r)
{
	struct dd_web_rows *p = rd->prev;
	int c = 1;

	while (p && rd->at < p->n && (c = strcmp(p->v[rd->at].domain, r->s.domain)) < 0)
		rd->at++;
	if (!p || rd->at >= p->n || c != 0 || !r->round || p->v[rd->at].round != r->round)
		return NULL;
	return &p->v[rd->at];
}

static void one(void *arg, const struct dd_store_latest_row *r)
{
	struct reading *rd = arg;
	struct dd_web_rows *rows = rd->rows;
	struct dd_web_row *w, *old;

	if (rows->failed)
		return;
	if (rows->n == rows->cap) {
		size_t cap = rows->cap ? 2 * rows->cap : 256;
		struct dd_web_row *v = realloc(rows->v, cap * sizeof(*v));
		if (!v) {
			rows->failed = 1;
			return;
		}
		rows->v = v;
		rows->cap = cap;
	}
	w = memset(&rows->v[rows->n++], 0, sizeof(*w));
	w->round = r->round;
	w->status = r->s.status;
	w->layer = r->s.layer;
	w->checked = r->s.time;
	w->next_due = r->s.next_due;
	w->domain = dup_or_null(r->s.domain);
	w->group = dup_or_null(r->s.group ? r->s.group : "");
	w->summary = dup_or_null(r->s.summary);
	w->incident = dup_or_null(r->s.incident);
	if ((old = same_round(rd, r)) != NULL) { /* its facts are parsed already */
		memcpy(w->findings, old->findings, sizeof(w->findings));
		w->expires = old->expires;
		w->sig_expires = old->sig_expires;
		w->registrar = old->registrar;
		old->registrar = NULL;
	} else if (read_facts(w, r->facts) != 0) {
		rows->failed = 1;
	}
	if (!w->domain || !w->group ||
	    (r->s.summary && !w->summary) || (r->s.incident && !w->incident))
		rows->failed = 1;
}

int dd_web_rows_read(struct dd_store *st, struct dd_web_rows *prev, struct dd_web_rows *out)
{
	struct reading rd = { out, prev, 0 };
	int rc;

	memset(out, 0, sizeof(*out));
	rc = dd_store_latest(st, one, &rd);
	if (prev)
		dd_web_rows_free(prev);
	if (rc == 0 && out->failed)
		rc = DD_ENOMEM;
	if (rc)
		dd_web_rows_free(out);
	return rc;
}

void dd_web_rows_free(struct dd_web_rows *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].domain);
		free(r->v[i].group);
		free(r->v[i].summary);
		free(r->v[i].incident);
		free(r->v[i].registrar);
	}
	free(r->v);
	memset(r, 0, sizeof(*r));
}

void dd_web_rows_keep(struct dd_web_rows *rows, struct dd_web_rows *cache)
{
	if (cache) {
		dd_web_rows_free(cache);
		*cache = *rows;
		memset(rows, 0, sizeof(*rows));
	} else {
		dd_web_rows_free(rows);
	}
}
