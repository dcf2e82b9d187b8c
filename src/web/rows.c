/* rows.c: each domain's latest round reduced to one row (web_int.h): one
 * pass over the store, each row's facts parsed once (they hold the counts
 * of the findings per severity). */
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

static void one(void *arg, const struct dd_store_latest_row *r)
{
	struct dd_web_rows *rows = arg;
	struct dd_web_row *w;

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
	w->status = r->s.status;
	w->layer = r->s.layer;
	w->checked = r->s.time;
	w->next_due = r->s.next_due;
	w->domain = dup_or_null(r->s.domain);
	w->group = dup_or_null(r->s.group ? r->s.group : "");
	w->summary = dup_or_null(r->s.summary);
	w->incident = dup_or_null(r->s.incident);
	if (read_facts(w, r->facts) != 0 || !w->domain || !w->group ||
	    (r->s.summary && !w->summary) || (r->s.incident && !w->incident))
		rows->failed = 1;
}

int dd_web_rows_read(struct dd_store *st, struct dd_web_rows *out)
{
	int rc;

	memset(out, 0, sizeof(*out));
	rc = dd_store_latest(st, one, out);
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
