/* store.c: opening a store by the scheme of its name, the calls that go
 * through the backend's table (store.h), and the evidence documents'
 * compression (zlib), the same for every backend. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/err.h"
#include "store/store.h"
#include "store/store_int.h"

static const struct dd_store_ops *const backends[] = { &dd_store_sqlite_ops, &dd_store_pg_ops, NULL };

int dd_store_open(struct dd_store **out, const char *where, char why[DD_STORE_WHY_MAX])
{
	const char *colon = strchr(where, ':');

	*out = NULL;
	why[0] = '\0';
	for (size_t i = 0; backends[i]; i++) {
		size_t n = strlen(backends[i]->scheme);
		if (colon && (size_t)(colon - where) == n &&
		    strncmp(where, backends[i]->scheme, n) == 0)
			return backends[i]->open(out, colon + 1, why);
	}
	/* A name with "://" names a backend this build does not have. */
	if (colon && strncmp(colon, "://", 3) == 0) {
		snprintf(why, DD_STORE_WHY_MAX, "no store backend for '%.*s' (this build has: sqlite, postgresql)",
			 (int)(colon - where) > 40 ? 40 : (int)(colon - where), where);
		return DD_EUNSUPP;
	}
	return dd_store_sqlite_ops.open(out, where, why);
}

void dd_store_close(struct dd_store *s)
{
	if (s)
		s->ops->close(s);
}

int dd_store_domain_add(struct dd_store *s, const char *domain, const char *group,
			int64_t next_due)
{
	return s->ops->domain_add(s, domain, group, next_due);
}

int dd_store_dstate_get(struct dd_store *s, const char *domain, struct dd_store_dstate *out)
{
	return s->ops->dstate_get(s, domain, out);
}

int dd_store_reschedule(struct dd_store *s, const char *domain, int64_t next_due)
{
	return s->ops->reschedule(s, domain, next_due);
}

int dd_store_round_get(struct dd_store *s, int64_t id,
		       void (*cb)(void *arg, const struct dd_store_round *r), void *arg)
{
	return s->ops->round_get(s, id, cb, arg);
}

int dd_store_evidence_pack(const char *json, size_t len, size_t max,
			   struct dd_store_evidence *out)
{
	uLongf n;

	out->size = len;
	out->data = NULL;
	out->len = 0;
	if (len > max || len > DD_STORE_EVIDENCE_MAX)
		return 0;
	n = compressBound((uLong)len);
	if (!(out->data = malloc(n)))
		return DD_ENOMEM;
	if (compress2(out->data, &n, (const Bytef *)json, (uLong)len, Z_DEFAULT_COMPRESSION) !=
	    Z_OK) {
		dd_store_evidence_free(out);
		return DD_ENOMEM;
	}
	out->len = n;
	return 0;
}

void dd_store_evidence_free(struct dd_store_evidence *e)
{
	free(e->data);
	e->data = NULL;
	e->len = 0;
}

int dd_store_commit(struct dd_store *s, const struct dd_store_commit *c)
{
	const struct dd_store_ops *o = s->ops;
	const struct dd_store_evidence *e = c->evidence;
	struct dd_store_round *r = c->round;
	int rc = o->begin(s);

	if (rc)
		return rc;
	rc = o->add_round(s, r);
	if (rc == 0 && e)
		rc = o->evidence_put(s, r->domain, r->time, e->size, e->data, e->len);
	for (size_t i = 0; rc == 0 && i < c->nevents; i++)
		rc = o->add_event(s, r->id, &c->events[i]);
	if (rc == 0)
		rc = o->set_dstate(s, r->domain, c->state, r->id, r->status == 0, c->expect_last);
	if (rc == 0 && c->incident && c->incident->op != DD_STORE_INC_NONE)
		rc = o->incident_op(s, r->domain, c->incident);
	for (size_t i = 0; rc == 0 && i < c->nalerts; i++)
		rc = o->add_alert(s, &c->alerts[i]);
	if ((rc = o->end(s, rc)) != 0)
		r->id = 0;
	return rc;
}

int dd_store_history(struct dd_store *s, const char *domain, int64_t since,
		     void (*round_cb)(void *arg, const struct dd_store_round *r),
		     void (*event_cb)(void *arg, const struct dd_store_event *e), void *arg)
{
	return s->ops->history(s, domain, since, round_cb, event_cb, arg);
}

int dd_store_status(struct dd_store *s,
		    void (*cb)(void *arg, const struct dd_store_status_row *row), void *arg)
{
	return s->ops->status(s, cb, arg);
}

int dd_store_outbox_due(struct dd_store *s, const char *worker, int64_t due, int64_t now, int64_t lease_until,
			size_t max, void (*cb)(void *arg, const struct dd_store_alert *a),
			void *arg)
{
	return s->ops->outbox_due(s, worker, due, now, lease_until, max, cb, arg);
}

int dd_store_claim(struct dd_store *s, const char *worker, int64_t due, int64_t now,
		   int64_t lease_until, size_t max,
		   void (*cb)(void *arg, const char *domain, int64_t due), void *arg)
{
	return s->ops->claim(s, worker, due, now, lease_until, max, cb, arg);
}

int dd_store_release(struct dd_store *s, const char *worker)
{
	return s->ops->release(s, worker);
}

int dd_store_outbox_done(struct dd_store *s, int64_t id, int delivered, int64_t now,
			 int64_t next_try, const char *error)
{
	return s->ops->outbox_done(s, id, delivered, now, next_try, error);
}

int dd_store_retain(struct dd_store *s, int64_t before)
{
	return s->ops->retain(s, before);
}

/* ---- the dashboard's reads ---- */

int dd_store_latest(struct dd_store *s,
		    void (*cb)(void *arg, const struct dd_store_latest_row *row), void *arg)
{
	return s->ops->latest(s, cb, arg);
}

int dd_store_incidents(struct dd_store *s, size_t max,
		       void (*cb)(void *arg, const struct dd_store_incident_row *row), void *arg)
{
	return s->ops->incidents(s, max, cb, arg);
}

int dd_store_graph_put(struct dd_store *s, const char *domain, int64_t time, const char *json,
		       const char *dot)
{
	return s->ops->graph_put(s, domain, time, json, dot);
}

int dd_store_graph_get(struct dd_store *s, const char *domain,
		       void (*cb)(void *arg, int64_t time, const char *json, const char *dot),
		       void *arg)
{
	return s->ops->graph_get(s, domain, cb, arg);
}

struct unpack {
	void (*cb)(void *arg, int64_t time, const char *json, size_t len, size_t size);
	void *arg;
	int rc;
};

/* The stored bytes back to the document: exactly the size recorded, at
 * most DD_STORE_EVIDENCE_MAX (the buffer is sized from that bound, not
 * from what the row claims beyond it). */
static void unpack(void *arg, int64_t time, size_t size, const void *data, size_t len)
{
	struct unpack *u = arg;
	uLongf n = (uLongf)size;
	char *doc;

	if (!data) {
		u->cb(u->arg, time, NULL, 0, size);
		return;
	}
	if (size > DD_STORE_EVIDENCE_MAX) {
		u->rc = DD_EPARSE;
		return;
	}
	if (!(doc = malloc(size + 1))) {
		u->rc = DD_ENOMEM;
		return;
	}
	if (uncompress((Bytef *)doc, &n, data, (uLong)len) != Z_OK || n != size) {
		u->rc = DD_EPARSE;
	} else {
		doc[size] = '\0';
		u->cb(u->arg, time, doc, size, size);
	}
	free(doc);
}

int dd_store_evidence_get(struct dd_store *s, const char *domain,
			  void (*cb)(void *arg, int64_t time, const char *json, size_t len,
				     size_t size),
			  void *arg)
{
	struct unpack u = { cb, arg, 0 };
	int rc = s->ops->evidence_get(s, domain, unpack, &u);

	return rc ? rc : u.rc;
}

/* ---- the distributed audit's queue ---- */

int dd_store_queue_add(struct dd_store *s, const char *job, const char *const *names, size_t n,
		       uint64_t *added)
{
	return s->ops->q_add ? s->ops->q_add(s, job, names, n, added) : DD_EUNSUPP;
}

int dd_store_queue_claim(struct dd_store *s, const char *job, const char *worker, int64_t now,
			 int64_t lease_until, size_t max,
			 void (*cb)(void *arg, const char *domain), void *arg)
{
	return s->ops->q_claim ? s->ops->q_claim(s, job, worker, now, lease_until, max, cb, arg)
			       : DD_EUNSUPP;
}

int dd_store_queue_done(struct dd_store *s, const char *job, const char *worker, int64_t now,
			const struct dd_store_qresult *r, size_t n, const struct dd_store_qcount *c,
			size_t *stored)
{
	return s->ops->q_done ? s->ops->q_done(s, job, worker, now, r, n, c, stored) : DD_EUNSUPP;
}

int dd_store_queue_release(struct dd_store *s, const char *job, const char *worker)
{
	return s->ops->q_release ? s->ops->q_release(s, job, worker) : DD_EUNSUPP;
}

int dd_store_queue_renew(struct dd_store *s, const char *job, const char *worker,
			 int64_t lease_until, uint64_t *held)
{
	*held = 0;
	return s->ops->q_renew ? s->ops->q_renew(s, job, worker, lease_until, held) : DD_EUNSUPP;
}

int dd_store_queue_progress(struct dd_store *s, const char *job, int64_t now,
			    struct dd_store_qprogress *out)
{
	return s->ops->q_progress ? s->ops->q_progress(s, job, now, out) : DD_EUNSUPP;
}

int dd_store_queue_summary(struct dd_store *s, const char *job,
			   int (*cb)(void *arg, const char *what, const char *key, uint64_t n),
			   void *arg)
{
	return s->ops->q_summary ? s->ops->q_summary(s, job, cb, arg) : DD_EUNSUPP;
}
