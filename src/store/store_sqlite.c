/* store_sqlite.c: the store in one SQLite file (WAL). The schema is
 * created and migrated here from store_sql.c's text: schema_version holds
 * the version, dd_store_migrations lists the steps from each version to the
 * next, and a file written by a newer dnsdeps is refused rather than
 * misread. Statements are prepared once and kept; a round's commit is one
 * IMMEDIATE transaction. One process writes at a time, so a claim's lease
 * only matters when a second process shares the file. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "store/store.h"
#include "store/store_int.h"

struct sq_store {
	struct dd_store base; /* first: the interface's view */
	sqlite3 *db;
	sqlite3_stmt *st[DD_SQL_COUNT];
};

static struct sq_store *sq(struct dd_store *s)
{
	return (struct sq_store *)s;
}

static int map_rc(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE: return 0;
	case SQLITE_NOMEM: return DD_ENOMEM;
	case SQLITE_CONSTRAINT: return DD_EINVAL;
	default: return DD_EIO;
	}
}

/* The kept statement, reset and unbound, or NULL. */
static sqlite3_stmt *stmt(struct sq_store *s, enum dd_store_sql_id id)
{
	if (!s->st[id]) {
		char *sql = dd_store_sql_expand(dd_store_sql[id], DD_DIALECT_SQLITE);
		int rc = sql ? sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
						  &s->st[id], NULL)
			     : SQLITE_NOMEM;
		free(sql);
		if (rc != SQLITE_OK)
			return NULL;
	}
	sqlite3_reset(s->st[id]);
	sqlite3_clear_bindings(s->st[id]);
	return s->st[id];
}

static void bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

/* Step a statement that returns no rows. */
static int run(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : map_rc(rc);
}

static int exec(struct sq_store *s, const char *sql)
{
	return map_rc(sqlite3_exec(s->db, sql, NULL, NULL, NULL));
}

static const char *col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? (const char *)t : NULL;
}

static int schema_version(struct sq_store *s, int *version)
{
	sqlite3_stmt *st;
	int rc;

	*version = 0;
	rc = exec(s, "CREATE TABLE IF NOT EXISTS schema_version(version INTEGER NOT NULL)");
	if (rc)
		return rc;
	if (sqlite3_prepare_v2(s->db, "SELECT max(version) FROM schema_version", -1, &st, NULL) !=
	    SQLITE_OK)
		return DD_EIO;
	if (sqlite3_step(st) == SQLITE_ROW)
		*version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return 0;
}

/* Bring the schema to this program's version, one transaction per step. */
static int migrate(struct sq_store *s, char why[DD_STORE_WHY_MAX])
{
	int v, rc;

	if ((rc = exec(s, "BEGIN IMMEDIATE")) != 0 || (rc = schema_version(s, &v)) != 0) {
		snprintf(why, DD_STORE_WHY_MAX, "cannot read the schema version: %s",
			 sqlite3_errmsg(s->db));
		exec(s, "ROLLBACK");
		return rc ? rc : DD_EIO;
	}
	if (v > DD_STORE_SCHEMA_VERSION) {
		snprintf(why, DD_STORE_WHY_MAX,
			 "the store's schema is version %d, newer than this dnsdeps knows (%d): "
			 "use a newer dnsdeps, or another store",
			 v, DD_STORE_SCHEMA_VERSION);
		exec(s, "ROLLBACK");
		return DD_EUNSUPP;
	}
	for (; v < DD_STORE_SCHEMA_VERSION; v++) {
		char sql[64];
		snprintf(sql, sizeof(sql), "INSERT INTO schema_version VALUES(%d)", v + 1);
		char *step = dd_store_sql_expand(dd_store_migrations[v], DD_DIALECT_SQLITE);
		rc = step ? exec(s, step) : DD_ENOMEM;
		free(step);
		if (rc != 0 || (rc = exec(s, sql)) != 0) {
			snprintf(why, DD_STORE_WHY_MAX, "migrating the store to version %d: %s",
				 v + 1, sqlite3_errmsg(s->db));
			exec(s, "ROLLBACK");
			return rc;
		}
	}
	if ((rc = exec(s, "COMMIT")) != 0)
		snprintf(why, DD_STORE_WHY_MAX, "%s", sqlite3_errmsg(s->db));
	return rc;
}

static void sq_close(struct dd_store *base)
{
	struct sq_store *s = sq(base);

	for (int i = 0; i < DD_SQL_COUNT; i++)
		sqlite3_finalize(s->st[i]);
	sqlite3_close(s->db);
	free(s);
}

static int sq_open(struct dd_store **out, const char *path, char why[DD_STORE_WHY_MAX])
{
	struct sq_store *s = calloc(1, sizeof(*s));
	int rc;

	if (!s)
		return DD_ENOMEM;
	s->base.ops = &dd_store_sqlite_ops;
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		snprintf(why, DD_STORE_WHY_MAX, "%s: %s", path,
			 s->db ? sqlite3_errmsg(s->db) : "out of memory");
		sq_close(&s->base);
		return DD_EIO;
	}
	/* Another process (dnsdeps history) may hold the file a moment. */
	sqlite3_busy_timeout(s->db, 5000);
	/* WAL: readers do not block the service; NORMAL: a commit survives
	 * the process being killed (only a power cut may lose the last ones). */
	rc = exec(s, "PRAGMA journal_mode=WAL");
	if (rc == 0)
		rc = exec(s, "PRAGMA synchronous=NORMAL");
	if (rc) {
		snprintf(why, DD_STORE_WHY_MAX, "%s: %s", path, sqlite3_errmsg(s->db));
		sq_close(&s->base);
		return rc;
	}
	if ((rc = migrate(s, why)) != 0) {
		sq_close(&s->base);
		return rc;
	}
	*out = &s->base;
	return 0;
}

static int sq_domain_add(struct dd_store *base, const char *domain, const char *group,
			 int64_t next_due)
{
	sqlite3_stmt *st = stmt(sq(base), DD_SQL_DOMAIN_ADD);

	if (!st)
		return DD_EIO;
	bind_text(st, 1, domain);
	bind_text(st, 2, group ? group : "");
	sqlite3_bind_int64(st, 3, next_due);
	return run(st);
}

static int sq_dstate_get(struct dd_store *base, const char *domain, struct dd_store_dstate *o)
{
	sqlite3_stmt *st = stmt(sq(base), DD_SQL_DSTATE);
	int rc;

	memset(o, 0, sizeof(*o));
	if (!st)
		return DD_EIO;
	bind_text(st, 1, domain);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		o->next_due = sqlite3_column_int64(st, 0);
		o->last_round = sqlite3_column_int64(st, 1);
		o->last_good = sqlite3_column_int64(st, 2);
		o->bad_streak = (unsigned)sqlite3_column_int(st, 3);
		o->good_streak = (unsigned)sqlite3_column_int(st, 4);
		snprintf(o->incident, sizeof(o->incident), "%s",
			 col_text(st, 5) ? col_text(st, 5) : "");
		o->incident_alerted = sqlite3_column_int(st, 6);
		o->incident_status = sqlite3_column_int(st, 7);
		o->last_alert = sqlite3_column_int64(st, 8);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? DD_ENOTFOUND : map_rc(rc);
}

static int sq_reschedule(struct dd_store *base, const char *domain, int64_t next_due)
{
	sqlite3_stmt *st = stmt(sq(base), DD_SQL_RESCHEDULE);

	if (!st)
		return DD_EIO;
	bind_text(st, 1, domain);
	sqlite3_bind_int64(st, 2, next_due);
	return run(st);
}

static void read_round(sqlite3_stmt *st, struct dd_store_round *r)
{
	r->id = sqlite3_column_int64(st, 0);
	r->domain = col_text(st, 1);
	r->time = sqlite3_column_int64(st, 2);
	r->status = sqlite3_column_int(st, 3);
	r->layer = sqlite3_column_int(st, 4);
	r->summary = col_text(st, 5);
	r->findings = col_text(st, 6);
	r->facts = col_text(st, 7);
	r->digest = col_text(st, 8);
}

static int sq_round_get(struct dd_store *base, int64_t id,
			void (*cb)(void *arg, const struct dd_store_round *r), void *arg)
{
	sqlite3_stmt *st = stmt(sq(base), DD_SQL_ROUND_GET);
	struct dd_store_round r;
	int rc;

	if (!st)
		return DD_EIO;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		read_round(st, &r);
		cb(arg, &r);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? DD_ENOTFOUND : map_rc(rc);
}

static int sq_begin(struct dd_store *base)
{
	return exec(sq(base), "BEGIN IMMEDIATE");
}

static int sq_end(struct dd_store *base, int rc)
{
	struct sq_store *s = sq(base);

	if (rc == 0 && (rc = exec(s, "COMMIT")) == 0)
		return 0;
	exec(s, "ROLLBACK");
	return rc;
}

/* The id of the content row of r (made when no round said it before). */
static int content_id(struct sq_store *s, const struct dd_store_round *r, int64_t *id)
{
	sqlite3_stmt *st = stmt(s, DD_SQL_CONTENT_ADD);
	int rc;

	if (!st)
		return DD_EIO;
	bind_text(st, 1, r->content_key);
	bind_text(st, 2, r->summary ? r->summary : "");
	bind_text(st, 3, r->findings ? r->findings : "[]");
	bind_text(st, 4, r->facts ? r->facts : "{}");
	if ((rc = run(st)) != 0 || !(st = stmt(s, DD_SQL_CONTENT_ID)))
		return rc ? rc : DD_EIO;
	bind_text(st, 1, r->content_key);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : DD_EIO;
}

static int sq_add_round(struct dd_store *base, struct dd_store_round *r)
{
	struct sq_store *s = sq(base);
	sqlite3_stmt *st;
	int64_t content = 0;
	int rc;

	if (!r->content_key || (rc = content_id(s, r, &content)) != 0)
		return r->content_key ? rc : DD_EINVAL;
	if (!(st = stmt(s, DD_SQL_ROUND_ADD)))
		return DD_EIO;
	bind_text(st, 1, r->domain);
	sqlite3_bind_int64(st, 2, r->time);
	sqlite3_bind_int(st, 3, r->status);
	sqlite3_bind_int(st, 4, r->layer);
	sqlite3_bind_int64(st, 5, content);
	bind_text(st, 6, r->digest ? r->digest : "");
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		r->id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? DD_EIO : map_rc(rc);
}

static int sq_add_event(struct dd_store *base, int64_t round,
			const struct dd_store_event *e)
{
	struct sq_store *s = sq(base);
	sqlite3_stmt *st = stmt(s, DD_SQL_EVENT_ADD);

	if (!st)
		return DD_EIO;
	sqlite3_bind_int64(st, 1, round);
	bind_text(st, 2, e->domain);
	sqlite3_bind_int64(st, 3, e->time);
	bind_text(st, 4, e->kind);
	bind_text(st, 5, e->detail ? e->detail : "");
	return run(st);
}

static int sq_set_dstate(struct dd_store *base, const char *domain,
			 const struct dd_store_dstate *d, int64_t round, int good, int64_t expect)
{
	struct sq_store *s = sq(base);
	int rc;

	sqlite3_stmt *st = stmt(s, DD_SQL_DSTATE_SET);

	if (!st)
		return DD_EIO;
	bind_text(st, 1, domain);
	sqlite3_bind_int64(st, 2, d->next_due);
	sqlite3_bind_int64(st, 3, round);
	sqlite3_bind_int64(st, 4, good ? round : d->last_good);
	sqlite3_bind_int(st, 5, (int)d->bad_streak);
	sqlite3_bind_int(st, 6, (int)d->good_streak);
	bind_text(st, 7, d->incident[0] ? d->incident : NULL);
	sqlite3_bind_int(st, 8, d->incident_alerted);
	sqlite3_bind_int(st, 9, d->incident_status);
	sqlite3_bind_int64(st, 10, d->last_alert);
	sqlite3_bind_int64(st, 11, expect);
	if ((rc = run(st)) != 0)
		return rc;
	return sqlite3_changes(s->db) == 1 ? 0 : DD_ECONFLICT;
}

static int sq_incident_op(struct dd_store *base, const char *domain,
			  const struct dd_store_incident *i)
{
	static const enum dd_store_sql_id ids[] = { [DD_STORE_INC_OPEN] = DD_SQL_INC_OPEN,
						    [DD_STORE_INC_UPDATE] = DD_SQL_INC_UPDATE,
						    [DD_STORE_INC_CLOSE] = DD_SQL_INC_CLOSE };
	sqlite3_stmt *st;

	if (!i || i->op == DD_STORE_INC_NONE)
		return 0;
	if (!(st = stmt(sq(base), ids[i->op])))
		return DD_EIO;
	bind_text(st, 1, i->key);
	bind_text(st, 2, domain);
	if (i->op == DD_STORE_INC_OPEN) {
		sqlite3_bind_int64(st, 3, i->time);
		sqlite3_bind_int(st, 4, i->status);
		sqlite3_bind_int(st, 5, i->layer);
		bind_text(st, 6, i->summary ? i->summary : "");
	} else if (i->op == DD_STORE_INC_UPDATE) {
		sqlite3_bind_int(st, 3, i->status);
		sqlite3_bind_int(st, 4, i->layer);
		bind_text(st, 5, i->summary ? i->summary : "");
	} else {
		sqlite3_bind_int64(st, 3, i->time);
	}
	return run(st);
}

static int sq_add_alert(struct dd_store *base, const struct dd_store_alert *a)
{
	struct sq_store *s = sq(base);
	sqlite3_stmt *st = stmt(s, DD_SQL_ALERT_ADD);

	if (!st)
		return DD_EIO;
	bind_text(st, 1, a->domain);
	bind_text(st, 2, a->incident ? a->incident : "");
	bind_text(st, 3, a->kind);
	bind_text(st, 4, a->route);
	bind_text(st, 5, a->payload);
	sqlite3_bind_int64(st, 6, a->created);
	return run(st);
}

static int sq_history(struct dd_store *base, const char *domain, int64_t since,
		      void (*round_cb)(void *arg, const struct dd_store_round *r),
		      void (*event_cb)(void *arg, const struct dd_store_event *e), void *arg)
{
	struct sq_store *s = sq(base);
	sqlite3_stmt *st;
	int rc;

	if (!(st = stmt(s, DD_SQL_HIST_ROUNDS)))
		return DD_EIO;
	bind_text(st, 1, domain);
	sqlite3_bind_int64(st, 2, since);
	sqlite3_bind_int64(st, 3, DD_STORE_READ_MAX);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct dd_store_round r;
		read_round(st, &r);
		round_cb(arg, &r);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return map_rc(rc);
	if (!(st = stmt(s, DD_SQL_HIST_EVENTS)))
		return DD_EIO;
	bind_text(st, 1, domain);
	sqlite3_bind_int64(st, 2, since);
	sqlite3_bind_int64(st, 3, DD_STORE_READ_MAX);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct dd_store_event e = { .time = sqlite3_column_int64(st, 0),
					    .domain = col_text(st, 1),
					    .kind = col_text(st, 2),
					    .detail = col_text(st, 3) };
		event_cb(arg, &e);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : map_rc(rc);
}

/* A status row from columns 0-8 of DD_SQL_STATUS or DD_SQL_LATEST. */
static struct dd_store_status_row status_row(sqlite3_stmt *st)
{
	struct dd_store_status_row row = {
		.domain = col_text(st, 0), .group = col_text(st, 1),
		.next_due = sqlite3_column_int64(st, 2), .time = sqlite3_column_int64(st, 3),
		.status = sqlite3_column_type(st, 4) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 4),
		.layer = sqlite3_column_int(st, 5), .summary = col_text(st, 6),
		.incident = col_text(st, 7), .bad_streak = (unsigned)sqlite3_column_int(st, 8),
	};
	return row;
}

static int sq_status(struct dd_store *base,
		     void (*cb)(void *arg, const struct dd_store_status_row *row), void *arg)
{
	sqlite3_stmt *st = stmt(sq(base), DD_SQL_STATUS);
	int rc;

	if (!st)
		return DD_EIO;
	sqlite3_bind_int64(st, 1, DD_STORE_READ_MAX);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct dd_store_status_row row = status_row(st);
		cb(arg, &row);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : map_rc(rc);
}

/* End a transaction of one stepped statement: committed when it ran to
 * its end. */
static int end_step(struct sq_store *s, int rc)
{
	if (rc == SQLITE_DONE)
		return exec(s, "COMMIT");
	exec(s, "ROLLBACK");
	return map_rc(rc) ? map_rc(rc) : DD_EIO;
}

static int sq_outbox_due(struct dd_store *base, const char *worker, int64_t due, int64_t now, int64_t lease_until,
			 size_t max, void (*cb)(void *arg, const struct dd_store_alert *a),
			 void *arg)
{
	struct sq_store *s = sq(base);
	sqlite3_stmt *st = stmt(s, DD_SQL_OUTBOX_CLAIM);
	int rc;

	if (!st)
		return DD_EIO;
	sqlite3_bind_int64(st, 1, due);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, lease_until);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)max);
	bind_text(st, 5, worker);
	if ((rc = exec(s, "BEGIN IMMEDIATE")) != 0)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct dd_store_alert a = {
			.id = sqlite3_column_int64(st, 0), .domain = col_text(st, 1),
			.incident = col_text(st, 2), .kind = col_text(st, 3),
			.route = col_text(st, 4), .payload = col_text(st, 5),
			.created = sqlite3_column_int64(st, 6),
			.attempts = (unsigned)sqlite3_column_int(st, 7),
			.next_try = sqlite3_column_int64(st, 8), .last_error = col_text(st, 9),
		};
		cb(arg, &a);
	}
	sqlite3_reset(st);
	return end_step(s, rc);
}

static int sq_claim(struct dd_store *base, const char *worker, int64_t due, int64_t now,
		    int64_t lease_until, size_t max,
		    void (*cb)(void *arg, const char *domain, int64_t due), void *arg)
{
	struct sq_store *s = sq(base);
	sqlite3_stmt *st = stmt(s, DD_SQL_CLAIM);
	int rc;

	if (!st)
		return DD_EIO;
	bind_text(st, 1, worker);
	sqlite3_bind_int64(st, 2, due);
	sqlite3_bind_int64(st, 3, lease_until);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)max);
	sqlite3_bind_int64(st, 5, now);
	if ((rc = exec(s, "BEGIN IMMEDIATE")) != 0)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		cb(arg, col_text(st, 0), sqlite3_column_int64(st, 1));
	sqlite3_reset(st);
	return end_step(s, rc);
}

static int sq_release(struct dd_store *base, const char *worker)
{
	struct sq_store *s = sq(base);
	sqlite3_stmt *st = stmt(s, DD_SQL_RELEASE);
	int rc;

	if (!st)
		return DD_EIO;
	bind_text(st, 1, worker);
	if ((rc = run(st)) != 0 || !(st = stmt(s, DD_SQL_RELEASE_OUTBOX)))
		return rc ? rc : DD_EIO;
	bind_text(st, 1, worker);
	return run(st);
}

static int sq_outbox_done(struct dd_store *base, int64_t id, int delivered, int64_t now,
			  int64_t next_try, const char *error)
{
	sqlite3_stmt *st = stmt(sq(base), delivered ? DD_SQL_OUTBOX_OK : DD_SQL_OUTBOX_RETRY);

	if (!st)
		return DD_EIO;
	sqlite3_bind_int64(st, 1, id);
	if (delivered) {
		sqlite3_bind_int64(st, 2, now);
	} else {
		sqlite3_bind_int64(st, 2, next_try);
		bind_text(st, 3, error ? error : "");
	}
	return run(st);
}

static int sq_retain(struct dd_store *base, int64_t before)
{
	static const enum dd_store_sql_id ids[] = { DD_SQL_RETAIN_ROUNDS, DD_SQL_RETAIN_CONTENTS,
						    DD_SQL_RETAIN_EVENTS,
						    DD_SQL_RETAIN_INCIDENTS,
						    DD_SQL_RETAIN_OUTBOX };
	struct sq_store *s = sq(base);
	int rc = exec(s, "BEGIN IMMEDIATE");

	for (size_t i = 0; rc == 0 && i < sizeof(ids) / sizeof(ids[0]); i++) {
		sqlite3_stmt *st = stmt(s, ids[i]);
		if (!st) {
			rc = DD_EIO;
			break;
		}
		if (ids[i] != DD_SQL_RETAIN_CONTENTS)
			sqlite3_bind_int64(st, 1, before);
		rc = run(st);
	}
	if (rc == 0)
		rc = exec(s, "COMMIT");
	if (rc)
		exec(s, "ROLLBACK");
	return rc;
}

/* ---- the dashboard's reads (src/web) ----------------------------------------
 * They run on the web server's own connection (its own store), a few times
 * a second at most, never inside a round's commit. */

static int sq_latest(struct dd_store *base,
		     void (*cb)(void *arg, const struct dd_store_latest_row *row), void *arg)
{
	sqlite3_stmt *st = stmt(sq(base), DD_SQL_LATEST);
	int rc;

	if (!st)
		return DD_EIO;
	sqlite3_bind_int64(st, 1, DD_STORE_READ_MAX);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct dd_store_latest_row row = {
			.s = status_row(st),
			.round = sqlite3_column_int64(st, 9), .facts = col_text(st, 10),
		};
		cb(arg, &row);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : map_rc(rc);
}

static int sq_incidents(struct dd_store *base, size_t max,
			void (*cb)(void *arg, const struct dd_store_incident_row *row), void *arg)
{
	sqlite3_stmt *st = stmt(sq(base), DD_SQL_INCIDENTS);
	int rc;

	if (!st)
		return DD_EIO;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)max);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct dd_store_incident_row row = {
			.key = col_text(st, 0), .domain = col_text(st, 1),
			.opened = sqlite3_column_int64(st, 2),
			.closed = sqlite3_column_int64(st, 3),
			.status = sqlite3_column_int(st, 4), .layer = sqlite3_column_int(st, 5),
			.summary = col_text(st, 6),
		};
		cb(arg, &row);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : map_rc(rc);
}

static int sq_graph_put(struct dd_store *base, const char *domain, int64_t time,
			const char *json, const char *dot)
{
	sqlite3_stmt *st = stmt(sq(base), DD_SQL_GRAPH_PUT);

	if (!st)
		return DD_EIO;
	bind_text(st, 1, domain);
	sqlite3_bind_int64(st, 2, time);
	bind_text(st, 3, json);
	bind_text(st, 4, dot);
	return run(st);
}

static int sq_graph_get(struct dd_store *base, const char *domain,
			void (*cb)(void *arg, int64_t time, const char *json, const char *dot),
			void *arg)
{
	sqlite3_stmt *st = stmt(sq(base), DD_SQL_GRAPH_GET);
	int rc;

	if (!st)
		return DD_EIO;
	bind_text(st, 1, domain);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		cb(arg, sqlite3_column_int64(st, 0), col_text(st, 1), col_text(st, 2));
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? DD_ENOTFOUND : map_rc(rc);
}

static int sq_evidence_put(struct dd_store *base, const char *domain, int64_t time, size_t size,
			   const void *data, size_t len)
{
	sqlite3_stmt *st = stmt(sq(base), DD_SQL_EVIDENCE_PUT);

	if (!st)
		return DD_EIO;
	bind_text(st, 1, domain);
	sqlite3_bind_int64(st, 2, time);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)size);
	if (data)
		sqlite3_bind_blob64(st, 4, data, (sqlite3_uint64)len, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 4);
	return run(st);
}

static int sq_evidence_get(struct dd_store *base, const char *domain,
			   void (*cb)(void *arg, int64_t time, size_t size, const void *data,
				      size_t len),
			   void *arg)
{
	sqlite3_stmt *st = stmt(sq(base), DD_SQL_EVIDENCE_GET);
	int rc;

	if (!st)
		return DD_EIO;
	bind_text(st, 1, domain);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const void *data = sqlite3_column_blob(st, 2);
		int64_t size = sqlite3_column_int64(st, 1);
		cb(arg, sqlite3_column_int64(st, 0), size < 0 ? 0 : (size_t)size, data,
		   (size_t)sqlite3_column_bytes(st, 2));
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? DD_ENOTFOUND : map_rc(rc);
}

const struct dd_store_ops dd_store_sqlite_ops = {
	.scheme = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.domain_add = sq_domain_add,
	.dstate_get = sq_dstate_get,
	.round_get = sq_round_get,
	.begin = sq_begin,
	.end = sq_end,
	.add_round = sq_add_round,
	.add_event = sq_add_event,
	.set_dstate = sq_set_dstate,
	.incident_op = sq_incident_op,
	.add_alert = sq_add_alert,
	.history = sq_history,
	.status = sq_status,
	.outbox_due = sq_outbox_due,
	.outbox_done = sq_outbox_done,
	.retain = sq_retain,
	.reschedule = sq_reschedule,
	.claim = sq_claim,
	.release = sq_release,
	.latest = sq_latest,
	.incidents = sq_incidents,
	.graph_put = sq_graph_put,
	.graph_get = sq_graph_get,
	.evidence_put = sq_evidence_put,
	.evidence_get = sq_evidence_get,
};
