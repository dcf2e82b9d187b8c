/* store_sqlite.c: the store in one SQLite file (WAL). The schema is
 * created and migrated here: schema_version holds the version, MIGRATIONS
 * lists the steps from each version to the next, and a file written by a
 * newer dnsdeps is refused rather than misread. Statements are prepared
 * once and kept; a round's commit is one IMMEDIATE transaction. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "store/store.h"
#include "store/store_int.h"

/* MIGRATIONS[v] takes a store from version v to v + 1. */
static const char *const MIGRATIONS[DD_STORE_SCHEMA_VERSION] = {
	"CREATE TABLE domains(name TEXT PRIMARY KEY, grp TEXT NOT NULL DEFAULT '',"
	" next_due INTEGER NOT NULL, last_round INTEGER NOT NULL DEFAULT 0,"
	" last_good INTEGER NOT NULL DEFAULT 0, bad_streak INTEGER NOT NULL DEFAULT 0,"
	" good_streak INTEGER NOT NULL DEFAULT 0, incident TEXT,"
	" incident_alerted INTEGER NOT NULL DEFAULT 0, incident_status INTEGER NOT NULL DEFAULT 0,"
	" last_alert INTEGER NOT NULL DEFAULT 0);"
	/* What rounds say, once: consecutive rounds that found the same
	 * share one row (a round is then about 150 bytes). */
	"CREATE TABLE contents(id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE,"
	" summary TEXT NOT NULL, findings TEXT NOT NULL, facts TEXT NOT NULL);"
	"CREATE TABLE rounds(id INTEGER PRIMARY KEY, domain TEXT NOT NULL, time INTEGER NOT NULL,"
	" status INTEGER NOT NULL, layer INTEGER NOT NULL, content INTEGER NOT NULL,"
	" digest TEXT NOT NULL);"
	"CREATE INDEX rounds_domain_time ON rounds(domain, time);"
	"CREATE TABLE events(id INTEGER PRIMARY KEY, round INTEGER NOT NULL, domain TEXT NOT NULL,"
	" time INTEGER NOT NULL, kind TEXT NOT NULL, detail TEXT NOT NULL);"
	"CREATE INDEX events_domain_time ON events(domain, time);"
	"CREATE TABLE incidents(key TEXT PRIMARY KEY, domain TEXT NOT NULL, opened INTEGER NOT NULL,"
	" closed INTEGER, status INTEGER NOT NULL, layer INTEGER NOT NULL, summary TEXT NOT NULL);"
	"CREATE TABLE outbox(id INTEGER PRIMARY KEY, domain TEXT NOT NULL, incident TEXT NOT NULL,"
	" kind TEXT NOT NULL, route TEXT NOT NULL, payload TEXT NOT NULL, created INTEGER NOT NULL,"
	" attempts INTEGER NOT NULL DEFAULT 0, next_try INTEGER NOT NULL, delivered INTEGER,"
	" last_error TEXT);"
	"CREATE INDEX outbox_pending ON outbox(delivered, next_try);",
	/* 1 -> 2: each domain's latest dependency graph, for the dashboard. */
	"CREATE TABLE graphs(domain TEXT PRIMARY KEY, time INTEGER NOT NULL, json TEXT NOT NULL,"
	" dot TEXT NOT NULL);",
};

enum stmt_id {
	S_DOMAIN_ADD, S_DSTATE, S_RESCHEDULE, S_ROUND_GET, S_CONTENT_ADD, S_CONTENT_ID, S_ROUND_ADD,
	S_EVENT_ADD, S_DSTATE_SET,
	S_INC_OPEN, S_INC_UPDATE, S_INC_CLOSE, S_ALERT_ADD, S_HIST_ROUNDS, S_HIST_EVENTS,
	S_STATUS, S_OUTBOX_DUE, S_OUTBOX_OK, S_OUTBOX_RETRY, S_COUNT
};

static const char *const SQL[S_COUNT] = {
	[S_DOMAIN_ADD] = "INSERT INTO domains(name, grp, next_due) VALUES(?1, ?2, ?3)"
			 " ON CONFLICT(name) DO UPDATE SET grp = ?2",
	[S_DSTATE] = "SELECT next_due, last_round, last_good, bad_streak, good_streak, incident,"
		     " incident_alerted, incident_status, last_alert FROM domains WHERE name = ?1",
	[S_RESCHEDULE] = "UPDATE domains SET next_due = ?2 WHERE name = ?1",
	[S_ROUND_GET] = "SELECT r.id, r.domain, r.time, r.status, r.layer, c.summary, c.findings,"
			" c.facts, r.digest FROM rounds r JOIN contents c ON c.id = r.content"
			" WHERE r.id = ?1",
	[S_CONTENT_ADD] = "INSERT OR IGNORE INTO contents(key, summary, findings, facts)"
			  " VALUES(?1, ?2, ?3, ?4)",
	[S_CONTENT_ID] = "SELECT id FROM contents WHERE key = ?1",
	[S_ROUND_ADD] = "INSERT INTO rounds(domain, time, status, layer, content, digest)"
			" VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
	[S_EVENT_ADD] = "INSERT INTO events(round, domain, time, kind, detail)"
			" VALUES(?1, ?2, ?3, ?4, ?5)",
	[S_DSTATE_SET] = "UPDATE domains SET next_due = ?2, last_round = ?3, last_good = ?4,"
			 " bad_streak = ?5, good_streak = ?6, incident = ?7, incident_alerted = ?8,"
			 " incident_status = ?9, last_alert = ?10 WHERE name = ?1",
	[S_INC_OPEN] = "INSERT INTO incidents(key, domain, opened, status, layer, summary)"
		       " VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
	[S_INC_UPDATE] = "UPDATE incidents SET status = ?3, layer = ?4, summary = ?5"
			 " WHERE key = ?1 AND domain = ?2",
	[S_INC_CLOSE] = "UPDATE incidents SET closed = ?3 WHERE key = ?1 AND domain = ?2",
	[S_ALERT_ADD] = "INSERT INTO outbox(domain, incident, kind, route, payload, created,"
			" next_try) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?6)",
	[S_HIST_ROUNDS] = "SELECT r.id, r.domain, r.time, r.status, r.layer, c.summary, c.findings,"
			  " c.facts, r.digest FROM rounds r JOIN contents c ON c.id = r.content"
			  " WHERE r.domain = ?1 AND r.time >= ?2 ORDER BY r.time, r.id",
	[S_HIST_EVENTS] = "SELECT time, domain, kind, detail FROM events"
			  " WHERE domain = ?1 AND time >= ?2 ORDER BY time, id",
	[S_STATUS] = "SELECT d.name, d.grp, d.next_due, r.time, r.status, r.layer, c.summary,"
		     " d.incident, d.bad_streak FROM domains d LEFT JOIN rounds r"
		     " ON r.id = d.last_round LEFT JOIN contents c ON c.id = r.content"
		     " ORDER BY d.name",
	[S_OUTBOX_DUE] = "SELECT id, domain, incident, kind, route, payload, created, attempts,"
			 " next_try, last_error FROM outbox WHERE delivered IS NULL"
			 " AND next_try <= ?1 ORDER BY id LIMIT ?2",
	[S_OUTBOX_OK] = "UPDATE outbox SET delivered = ?2, attempts = attempts + 1,"
			" last_error = NULL WHERE id = ?1",
	[S_OUTBOX_RETRY] = "UPDATE outbox SET attempts = attempts + 1, next_try = ?2,"
			   " last_error = ?3 WHERE id = ?1",
};

struct sq_store {
	struct dd_store base; /* first: the interface's view */
	sqlite3 *db;
	sqlite3_stmt *st[S_COUNT];
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
static sqlite3_stmt *stmt(struct sq_store *s, enum stmt_id id)
{
	if (!s->st[id] &&
	    sqlite3_prepare_v3(s->db, SQL[id], -1, SQLITE_PREPARE_PERSISTENT, &s->st[id], NULL) !=
		    SQLITE_OK)
		return NULL;
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
		if ((rc = exec(s, MIGRATIONS[v])) != 0 || (rc = exec(s, sql)) != 0) {
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

	for (int i = 0; i < S_COUNT; i++)
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
	sqlite3_stmt *st = stmt(sq(base), S_DOMAIN_ADD);

	if (!st)
		return DD_EIO;
	bind_text(st, 1, domain);
	bind_text(st, 2, group ? group : "");
	sqlite3_bind_int64(st, 3, next_due);
	return run(st);
}

static int sq_dstate_get(struct dd_store *base, const char *domain, struct dd_store_dstate *o)
{
	sqlite3_stmt *st = stmt(sq(base), S_DSTATE);
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
	sqlite3_stmt *st = stmt(sq(base), S_RESCHEDULE);

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
	sqlite3_stmt *st = stmt(sq(base), S_ROUND_GET);
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

/* The id of the content row of r (made when no round said it before). */
static int content_id(struct sq_store *s, const struct dd_store_round *r, int64_t *id)
{
	sqlite3_stmt *st = stmt(s, S_CONTENT_ADD);
	int rc;

	if (!st)
		return DD_EIO;
	bind_text(st, 1, r->content_key);
	bind_text(st, 2, r->summary ? r->summary : "");
	bind_text(st, 3, r->findings ? r->findings : "[]");
	bind_text(st, 4, r->facts ? r->facts : "{}");
	if ((rc = run(st)) != 0 || !(st = stmt(s, S_CONTENT_ID)))
		return rc ? rc : DD_EIO;
	bind_text(st, 1, r->content_key);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : DD_EIO;
}

static int add_round(struct sq_store *s, struct dd_store_round *r)
{
	sqlite3_stmt *st;
	int64_t content = 0;
	int rc;

	if (!r->content_key || (rc = content_id(s, r, &content)) != 0)
		return r->content_key ? rc : DD_EINVAL;
	if (!(st = stmt(s, S_ROUND_ADD)))
		return DD_EIO;
	bind_text(st, 1, r->domain);
	sqlite3_bind_int64(st, 2, r->time);
	sqlite3_bind_int(st, 3, r->status);
	sqlite3_bind_int(st, 4, r->layer);
	sqlite3_bind_int64(st, 5, content);
	bind_text(st, 6, r->digest ? r->digest : "");
	if ((rc = run(st)) == 0)
		r->id = sqlite3_last_insert_rowid(s->db);
	return rc;
}

static int add_event(struct sq_store *s, int64_t round, const struct dd_store_event *e)
{
	sqlite3_stmt *st = stmt(s, S_EVENT_ADD);

	if (!st)
		return DD_EIO;
	sqlite3_bind_int64(st, 1, round);
	bind_text(st, 2, e->domain);
	sqlite3_bind_int64(st, 3, e->time);
	bind_text(st, 4, e->kind);
	bind_text(st, 5, e->detail ? e->detail : "");
	return run(st);
}

static int set_dstate(struct sq_store *s, const char *domain, const struct dd_store_dstate *d,
		      int64_t round, int good)
{
	sqlite3_stmt *st = stmt(s, S_DSTATE_SET);

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
	return run(st);
}

static int incident_op(struct sq_store *s, const char *domain, const struct dd_store_incident *i)
{
	static const enum stmt_id ids[] = { [DD_STORE_INC_OPEN] = S_INC_OPEN,
					    [DD_STORE_INC_UPDATE] = S_INC_UPDATE,
					    [DD_STORE_INC_CLOSE] = S_INC_CLOSE };
	sqlite3_stmt *st;

	if (!i || i->op == DD_STORE_INC_NONE)
		return 0;
	if (!(st = stmt(s, ids[i->op])))
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

static int add_alert(struct sq_store *s, const struct dd_store_alert *a)
{
	sqlite3_stmt *st = stmt(s, S_ALERT_ADD);

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

static int sq_commit(struct dd_store *base, const struct dd_store_commit *c)
{
	struct sq_store *s = sq(base);
	struct dd_store_round *r = c->round;
	int rc = exec(s, "BEGIN IMMEDIATE");

	if (rc)
		return rc;
	rc = add_round(s, r);
	for (size_t i = 0; rc == 0 && i < c->nevents; i++)
		rc = add_event(s, r->id, &c->events[i]);
	if (rc == 0)
		rc = set_dstate(s, r->domain, c->state, r->id, r->status == 0);
	if (rc == 0)
		rc = incident_op(s, r->domain, c->incident);
	for (size_t i = 0; rc == 0 && i < c->nalerts; i++)
		rc = add_alert(s, &c->alerts[i]);
	if (rc == 0)
		rc = exec(s, "COMMIT");
	if (rc) {
		exec(s, "ROLLBACK");
		r->id = 0;
	}
	return rc;
}

static int sq_history(struct dd_store *base, const char *domain, int64_t since,
		      void (*round_cb)(void *arg, const struct dd_store_round *r),
		      void (*event_cb)(void *arg, const struct dd_store_event *e), void *arg)
{
	struct sq_store *s = sq(base);
	sqlite3_stmt *st;
	int rc;

	if (!(st = stmt(s, S_HIST_ROUNDS)))
		return DD_EIO;
	bind_text(st, 1, domain);
	sqlite3_bind_int64(st, 2, since);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct dd_store_round r;
		read_round(st, &r);
		round_cb(arg, &r);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return map_rc(rc);
	if (!(st = stmt(s, S_HIST_EVENTS)))
		return DD_EIO;
	bind_text(st, 1, domain);
	sqlite3_bind_int64(st, 2, since);
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

static int sq_status(struct dd_store *base,
		     void (*cb)(void *arg, const struct dd_store_status_row *row), void *arg)
{
	sqlite3_stmt *st = stmt(sq(base), S_STATUS);
	int rc;

	if (!st)
		return DD_EIO;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct dd_store_status_row row = {
			.domain = col_text(st, 0), .group = col_text(st, 1),
			.next_due = sqlite3_column_int64(st, 2),
			.time = sqlite3_column_int64(st, 3),
			.status = sqlite3_column_type(st, 4) == SQLITE_NULL ? -1
									     : sqlite3_column_int(st, 4),
			.layer = sqlite3_column_int(st, 5), .summary = col_text(st, 6),
			.incident = col_text(st, 7),
			.bad_streak = (unsigned)sqlite3_column_int(st, 8),
		};
		cb(arg, &row);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : map_rc(rc);
}

static int sq_outbox_due(struct dd_store *base, int64_t now, size_t max,
			 void (*cb)(void *arg, const struct dd_store_alert *a), void *arg)
{
	sqlite3_stmt *st = stmt(sq(base), S_OUTBOX_DUE);
	int rc;

	if (!st)
		return DD_EIO;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
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
	return rc == SQLITE_DONE ? 0 : map_rc(rc);
}

static int sq_outbox_done(struct dd_store *base, int64_t id, int delivered, int64_t now,
			  int64_t next_try, const char *error)
{
	sqlite3_stmt *st = stmt(sq(base), delivered ? S_OUTBOX_OK : S_OUTBOX_RETRY);

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
	struct sq_store *s = sq(base);
	char sql[1024];
	int rc;

	snprintf(sql, sizeof(sql),
		 "BEGIN IMMEDIATE;"
		 "DELETE FROM rounds WHERE time < %lld AND id NOT IN"
		 " (SELECT last_round FROM domains UNION SELECT last_good FROM domains);"
		 "DELETE FROM contents WHERE id NOT IN (SELECT content FROM rounds);"
		 "DELETE FROM events WHERE time < %lld;"
		 "DELETE FROM incidents WHERE closed IS NOT NULL AND closed < %lld;"
		 "DELETE FROM outbox WHERE delivered IS NOT NULL AND created < %lld;"
		 "COMMIT;",
		 (long long)before, (long long)before, (long long)before, (long long)before);
	rc = exec(s, sql);
	if (rc)
		exec(s, "ROLLBACK");
	return rc;
}

/* ---- the dashboard's reads (src/web) ----------------------------------------
 * Prepared at each call: they run on the web server's own connection a few
 * times a second at most, never inside a round's commit. */

static int sq_latest(struct dd_store *base,
		     void (*cb)(void *arg, const struct dd_store_latest_row *row), void *arg)
{
	static const char sql[] =
		"SELECT d.name, d.grp, d.next_due, r.time, r.status, r.layer, c.summary,"
		" d.incident, d.bad_streak, d.last_round, c.facts FROM domains d LEFT JOIN rounds r"
		" ON r.id = d.last_round LEFT JOIN contents c ON c.id = r.content ORDER BY d.name";
	struct sq_store *s = sq(base);
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return DD_EIO;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct dd_store_latest_row row = {
			.s = { .domain = col_text(st, 0), .group = col_text(st, 1),
			       .next_due = sqlite3_column_int64(st, 2),
			       .time = sqlite3_column_int64(st, 3),
			       .status = sqlite3_column_type(st, 4) == SQLITE_NULL
						 ? -1 : sqlite3_column_int(st, 4),
			       .layer = sqlite3_column_int(st, 5), .summary = col_text(st, 6),
			       .incident = col_text(st, 7),
			       .bad_streak = (unsigned)sqlite3_column_int(st, 8) },
			.round = sqlite3_column_int64(st, 9), .facts = col_text(st, 10),
		};
		cb(arg, &row);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : map_rc(rc);
}

static int sq_incidents(struct dd_store *base, size_t max,
			void (*cb)(void *arg, const struct dd_store_incident_row *row), void *arg)
{
	static const char sql[] =
		"SELECT key, domain, opened, closed, status, layer, summary FROM incidents"
		" ORDER BY closed IS NOT NULL, opened DESC LIMIT ?1";
	struct sq_store *s = sq(base);
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
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
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : map_rc(rc);
}

static int sq_graph_put(struct dd_store *base, const char *domain, int64_t time,
			const char *json, const char *dot)
{
	static const char sql[] = "INSERT OR REPLACE INTO graphs(domain, time, json, dot)"
				  " VALUES(?1, ?2, ?3, ?4)";
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(sq(base)->db, sql, -1, &st, NULL) != SQLITE_OK)
		return DD_EIO;
	bind_text(st, 1, domain);
	sqlite3_bind_int64(st, 2, time);
	bind_text(st, 3, json);
	bind_text(st, 4, dot);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : map_rc(rc);
}

static int sq_graph_get(struct dd_store *base, const char *domain,
			void (*cb)(void *arg, int64_t time, const char *json, const char *dot),
			void *arg)
{
	static const char sql[] = "SELECT time, json, dot FROM graphs WHERE domain = ?1";
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(sq(base)->db, sql, -1, &st, NULL) != SQLITE_OK)
		return DD_EIO;
	bind_text(st, 1, domain);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		cb(arg, sqlite3_column_int64(st, 0), col_text(st, 1), col_text(st, 2));
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? DD_ENOTFOUND : map_rc(rc);
}

const struct dd_store_ops dd_store_sqlite_ops = {
	.scheme = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.domain_add = sq_domain_add,
	.dstate_get = sq_dstate_get,
	.round_get = sq_round_get,
	.commit = sq_commit,
	.history = sq_history,
	.status = sq_status,
	.outbox_due = sq_outbox_due,
	.outbox_done = sq_outbox_done,
	.retain = sq_retain,
	.reschedule = sq_reschedule,
	.latest = sq_latest,
	.incidents = sq_incidents,
	.graph_put = sq_graph_put,
	.graph_get = sq_graph_get,
};
