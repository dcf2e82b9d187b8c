/* store_pg.c: the store in a PostgreSQL database (libpq), for a fleet of
 * workers sharing one schedule. The schema and the statements are
 * store_sql.c's, as for SQLite; here the claims lock with FOR UPDATE SKIP
 * LOCKED, so two workers never take the same domain or alert. Statements
 * are prepared on each connection; every statement is bounded by the
 * server's statement_timeout and the connection by connect_timeout. A lost
 * connection is reset at the next call (DD_ERESET when it cannot be): the
 * caller decides when to try again. libpq's errors stop here: the caller
 * sees a dd_err and, when opening, a sentence. */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "store/store.h"
#include "store/store_int.h"

#define CONNECT_TIMEOUT_S "10"
#define STATEMENT_TIMEOUT "-c statement_timeout=30000 -c lock_timeout=10000"
#define MAX_PARAMS 12
/* The advisory lock of the schema's migrations: "dnsdeps" in ASCII. */
#define MIGRATION_LOCK "110640889620595"

struct pg_store {
	struct dd_store base; /* first: the interface's view */
	PGconn *conn;
	unsigned char prepared[DD_SQL_COUNT];
	int in_tx; /* a transaction is open: a lost connection is not reset */
};

/* A statement's parameters, as text, or bytes (fmt 1, len bytes). */
struct params {
	const char *v[MAX_PARAMS];
	char num[MAX_PARAMS][24];
	int len[MAX_PARAMS], fmt[MAX_PARAMS];
	int n;
};

static struct pg_store *pg(struct dd_store *s)
{
	return (struct pg_store *)s;
}

static void p_text(struct params *p, const char *v)
{
	p->v[p->n++] = v;
}

/* Bytes, sent in binary (a BYTEA); NULL is SQL's NULL. */
static void p_bytes(struct params *p, const void *v, size_t len)
{
	p->v[p->n] = v;
	p->len[p->n] = (int)len;
	p->fmt[p->n] = 1;
	p->n++;
}

static void p_int(struct params *p, int64_t v)
{
	snprintf(p->num[p->n], sizeof(p->num[0]), "%lld", (long long)v);
	p->v[p->n] = p->num[p->n];
	p->n++;
}

static int64_t col_int(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? 0 : strtoll(PQgetvalue(r, row, col), NULL, 10);
}

static const char *col_text(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? NULL : PQgetvalue(r, row, col);
}

/* A failed result's dd_err: the connection lost, a concurrent writer, a
 * constraint, or anything else. */
static int map_err(struct pg_store *s, const PGresult *r)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;

	if (PQstatus(s->conn) != CONNECTION_OK)
		return DD_ERESET;
	if (state && (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0))
		return DD_ECONFLICT;
	if (state && strncmp(state, "23", 2) == 0)
		return DD_EINVAL;
	if (state && strcmp(state, "57014") == 0)
		return DD_ETIMEDOUT;
	return DD_EIO;
}

/* The connection, reset when it was lost (its prepared statements with it). */
static int connected(struct pg_store *s)
{
	if (PQstatus(s->conn) == CONNECTION_OK)
		return 0;
	/* Inside a transaction a new connection would run the rest of it
	 * outside one: the transaction fails instead. */
	if (s->in_tx)
		return DD_ERESET;
	memset(s->prepared, 0, sizeof(s->prepared));
	PQreset(s->conn);
	return PQstatus(s->conn) == CONNECTION_OK ? 0 : DD_ERESET;
}

static int simple(struct pg_store *s, const char *sql);

static int begin(struct pg_store *s)
{
	int rc = simple(s, "BEGIN");

	s->in_tx = rc == 0;
	return rc;
}

/* Commit when rc is 0, roll back otherwise; the transaction's result. */
static int end(struct pg_store *s, int rc)
{
	if (rc == 0)
		rc = simple(s, "COMMIT");
	if (rc && PQstatus(s->conn) == CONNECTION_OK)
		simple(s, "ROLLBACK");
	s->in_tx = 0;
	return rc;
}

static int simple(struct pg_store *s, const char *sql)
{
	PGresult *r;
	int rc;

	if ((rc = connected(s)) != 0)
		return rc;
	r = PQexec(s->conn, sql);
	rc = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK
		     ? 0 : map_err(s, r);
	PQclear(r);
	return rc;
}

/* Run the prepared statement id; *out is its result (to PQclear) when 0. */
static int query(struct pg_store *s, enum dd_store_sql_id id, const struct params *p,
		 PGresult **out)
{
	char name[16];
	PGresult *r;
	int rc;

	*out = NULL;
	if ((rc = connected(s)) != 0)
		return rc;
	snprintf(name, sizeof(name), "dd%d", (int)id);
	if (!s->prepared[id]) {
		char *sql = dd_store_sql_expand(dd_store_sql[id], DD_DIALECT_PG);
		if (!sql)
			return DD_ENOMEM;
		r = PQprepare(s->conn, name, sql, 0, NULL);
		free(sql);
		rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : map_err(s, r);
		PQclear(r);
		if (rc)
			return rc;
		s->prepared[id] = 1;
	}
	r = PQexecPrepared(s->conn, name, p->n, p->v, p->len, p->fmt, 0);
	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) {
		rc = map_err(s, r);
		PQclear(r);
		return rc;
	}
	*out = r;
	return 0;
}

/* Run a statement whose result is not read; *rows: the rows it changed. */
static int run(struct pg_store *s, enum dd_store_sql_id id, const struct params *p, long *rows)
{
	PGresult *r;
	int rc = query(s, id, p, &r);

	if (rc == 0 && rows)
		*rows = strtol(PQcmdTuples(r), NULL, 10);
	PQclear(r);
	return rc;
}

static int schema_version(struct pg_store *s, int *version)
{
	PGresult *r;
	int rc;

	*version = 0;
	/* Workers starting together create and migrate one after the other
	 * (the lock ends with the transaction). */
	if ((rc = simple(s, "SELECT pg_advisory_xact_lock(" MIGRATION_LOCK ")")) ||
	    (rc = simple(s, "CREATE TABLE IF NOT EXISTS schema_version(version INTEGER NOT NULL)")))
		return rc;
	r = PQexec(s->conn, "SELECT max(version) FROM schema_version");
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		rc = map_err(s, r);
	} else if (PQntuples(r) == 1) {
		*version = (int)col_int(r, 0, 0);
	}
	PQclear(r);
	return rc;
}

static int migrate(struct pg_store *s, char why[DD_STORE_WHY_MAX])
{
	int v, rc;

	if ((rc = begin(s)) != 0 || (rc = schema_version(s, &v)) != 0) {
		snprintf(why, DD_STORE_WHY_MAX, "cannot read the schema version: %s",
			 PQerrorMessage(s->conn));
		return end(s, rc);
	}
	if (v > DD_STORE_SCHEMA_VERSION) {
		snprintf(why, DD_STORE_WHY_MAX,
			 "the store's schema is version %d, newer than this dnsdeps knows (%d): "
			 "use a newer dnsdeps, or another store",
			 v, DD_STORE_SCHEMA_VERSION);
		end(s, DD_EUNSUPP);
		return DD_EUNSUPP;
	}
	for (; v < DD_STORE_SCHEMA_VERSION; v++) {
		char sql[64], *step = dd_store_sql_expand(dd_store_migrations[v], DD_DIALECT_PG);
		snprintf(sql, sizeof(sql), "INSERT INTO schema_version VALUES(%d)", v + 1);
		rc = step ? simple(s, step) : DD_ENOMEM;
		free(step);
		if (rc || (rc = simple(s, sql)) != 0) {
			snprintf(why, DD_STORE_WHY_MAX, "migrating the store to version %d: %s",
				 v + 1, PQerrorMessage(s->conn));
			return end(s, rc);
		}
	}
	if ((rc = end(s, 0)) != 0)
		snprintf(why, DD_STORE_WHY_MAX, "%s", PQerrorMessage(s->conn));
	return rc;
}

static void pg_close(struct dd_store *base)
{
	struct pg_store *s = pg(base);

	PQfinish(s->conn);
	free(s);
}

/* One line of libpq's message, without its newline. */
static void why_conn(struct pg_store *s, char why[DD_STORE_WHY_MAX])
{
	const char *m = s->conn ? PQerrorMessage(s->conn) : "out of memory";
	size_t n = strcspn(m, "\n");

	snprintf(why, DD_STORE_WHY_MAX, "postgresql: %.*s", (int)(n > 400 ? 400 : n), m);
}

static int pg_open(struct dd_store **out, const char *rest, char why[DD_STORE_WHY_MAX])
{
	static const char *const keys[] = { "dbname", "connect_timeout", "options",
					    "application_name", NULL };
	struct pg_store *s = calloc(1, sizeof(*s));
	char *uri = malloc(strlen(rest) + sizeof("postgresql:"));
	int rc;

	if (!s || !uri) {
		free(s);
		free(uri);
		return DD_ENOMEM;
	}
	s->base.ops = &dd_store_pg_ops;
	strcpy(uri, "postgresql:");
	strcat(uri, rest);
	const char *vals[] = { uri, CONNECT_TIMEOUT_S, STATEMENT_TIMEOUT, "dnsdeps", NULL };
	s->conn = PQconnectdbParams(keys, vals, 1);
	free(uri);
	if (PQstatus(s->conn) != CONNECTION_OK) {
		why_conn(s, why);
		pg_close(&s->base);
		return DD_EIO;
	}
	if ((rc = simple(s, "SET client_min_messages = warning")) != 0 ||
	    (rc = migrate(s, why)) != 0) {
		if (!why[0])
			why_conn(s, why);
		pg_close(&s->base);
		return rc;
	}
	*out = &s->base;
	return 0;
}

static int pg_domain_add(struct dd_store *base, const char *domain, const char *group,
			 int64_t next_due)
{
	struct params p = { .n = 0 };

	p_text(&p, domain);
	p_text(&p, group ? group : "");
	p_int(&p, next_due);
	return run(pg(base), DD_SQL_DOMAIN_ADD, &p, NULL);
}

static int pg_dstate_get(struct dd_store *base, const char *domain, struct dd_store_dstate *o)
{
	struct params p = { .n = 0 };
	PGresult *r;
	int rc;

	memset(o, 0, sizeof(*o));
	p_text(&p, domain);
	if ((rc = query(pg(base), DD_SQL_DSTATE, &p, &r)) != 0)
		return rc;
	if (PQntuples(r) == 1) {
		o->next_due = col_int(r, 0, 0);
		o->last_round = col_int(r, 0, 1);
		o->last_good = col_int(r, 0, 2);
		o->bad_streak = (unsigned)col_int(r, 0, 3);
		o->good_streak = (unsigned)col_int(r, 0, 4);
		snprintf(o->incident, sizeof(o->incident), "%s",
			 col_text(r, 0, 5) ? col_text(r, 0, 5) : "");
		o->incident_alerted = (int)col_int(r, 0, 6);
		o->incident_status = (int)col_int(r, 0, 7);
		o->last_alert = col_int(r, 0, 8);
	} else {
		rc = DD_ENOTFOUND;
	}
	PQclear(r);
	return rc;
}

static int pg_reschedule(struct dd_store *base, const char *domain, int64_t next_due)
{
	struct params p = { .n = 0 };

	p_text(&p, domain);
	p_int(&p, next_due);
	return run(pg(base), DD_SQL_RESCHEDULE, &p, NULL);
}

static void read_round(const PGresult *r, int row, struct dd_store_round *o)
{
	o->id = col_int(r, row, 0);
	o->domain = col_text(r, row, 1);
	o->time = col_int(r, row, 2);
	o->status = (int)col_int(r, row, 3);
	o->layer = (int)col_int(r, row, 4);
	o->summary = col_text(r, row, 5);
	o->findings = col_text(r, row, 6);
	o->facts = col_text(r, row, 7);
	o->digest = col_text(r, row, 8);
}

static int pg_round_get(struct dd_store *base, int64_t id,
			void (*cb)(void *arg, const struct dd_store_round *r), void *arg)
{
	struct params p = { .n = 0 };
	struct dd_store_round o;
	PGresult *r;
	int rc;

	p_int(&p, id);
	if ((rc = query(pg(base), DD_SQL_ROUND_GET, &p, &r)) != 0)
		return rc;
	if (PQntuples(r) == 1) {
		read_round(r, 0, &o);
		cb(arg, &o);
	} else {
		rc = DD_ENOTFOUND;
	}
	PQclear(r);
	return rc;
}

static int pg_begin(struct dd_store *base)
{
	return begin(pg(base));
}

static int pg_end(struct dd_store *base, int rc)
{
	return end(pg(base), rc);
}

/* The id of the content row of o (made when no round said it before). */
static int content_id(struct pg_store *s, const struct dd_store_round *o, int64_t *id)
{
	struct params p = { .n = 0 };
	PGresult *r;
	int rc;

	p_text(&p, o->content_key);
	p_text(&p, o->summary ? o->summary : "");
	p_text(&p, o->findings ? o->findings : "[]");
	p_text(&p, o->facts ? o->facts : "{}");
	if ((rc = run(s, DD_SQL_CONTENT_ADD, &p, NULL)) != 0)
		return rc;
	p.n = 1;
	if ((rc = query(s, DD_SQL_CONTENT_ID, &p, &r)) != 0)
		return rc;
	*id = PQntuples(r) == 1 ? col_int(r, 0, 0) : 0;
	PQclear(r);
	return *id ? 0 : DD_EIO;
}

static int pg_add_round(struct dd_store *base, struct dd_store_round *o)
{
	struct pg_store *s = pg(base);
	struct params p = { .n = 0 };
	int64_t content = 0;
	PGresult *r;
	int rc;

	if (!o->content_key)
		return DD_EINVAL;
	if ((rc = content_id(s, o, &content)) != 0)
		return rc;
	p_text(&p, o->domain);
	p_int(&p, o->time);
	p_int(&p, o->status);
	p_int(&p, o->layer);
	p_int(&p, content);
	p_text(&p, o->digest ? o->digest : "");
	if ((rc = query(s, DD_SQL_ROUND_ADD, &p, &r)) != 0)
		return rc;
	o->id = PQntuples(r) == 1 ? col_int(r, 0, 0) : 0;
	PQclear(r);
	return o->id ? 0 : DD_EIO;
}

static int pg_add_event(struct dd_store *base, int64_t round,
			const struct dd_store_event *e)
{
	struct pg_store *s = pg(base);
	struct params p = { .n = 0 };

	p_int(&p, round);
	p_text(&p, e->domain);
	p_int(&p, e->time);
	p_text(&p, e->kind);
	p_text(&p, e->detail ? e->detail : "");
	return run(s, DD_SQL_EVENT_ADD, &p, NULL);
}

static int pg_set_dstate(struct dd_store *base, const char *domain,
			 const struct dd_store_dstate *d, int64_t round, int good, int64_t expect)
{
	struct pg_store *s = pg(base);
	struct params p = { .n = 0 };
	long rows = 0;
	int rc;

	p_text(&p, domain);
	p_int(&p, d->next_due);
	p_int(&p, round);
	p_int(&p, good ? round : d->last_good);
	p_int(&p, d->bad_streak);
	p_int(&p, d->good_streak);
	p_text(&p, d->incident[0] ? d->incident : NULL);
	p_int(&p, d->incident_alerted);
	p_int(&p, d->incident_status);
	p_int(&p, d->last_alert);
	p_int(&p, expect);
	if ((rc = run(s, DD_SQL_DSTATE_SET, &p, &rows)) != 0)
		return rc;
	return rows == 1 ? 0 : DD_ECONFLICT;
}

static int pg_incident_op(struct dd_store *base, const char *domain,
			  const struct dd_store_incident *i)
{
	static const enum dd_store_sql_id ids[] = { [DD_STORE_INC_OPEN] = DD_SQL_INC_OPEN,
						    [DD_STORE_INC_UPDATE] = DD_SQL_INC_UPDATE,
						    [DD_STORE_INC_CLOSE] = DD_SQL_INC_CLOSE };
	struct params p = { .n = 0 };

	if (!i || i->op == DD_STORE_INC_NONE)
		return 0;
	p_text(&p, i->key);
	p_text(&p, domain);
	if (i->op == DD_STORE_INC_OPEN) {
		p_int(&p, i->time);
		p_int(&p, i->status);
		p_int(&p, i->layer);
		p_text(&p, i->summary ? i->summary : "");
	} else if (i->op == DD_STORE_INC_UPDATE) {
		p_int(&p, i->status);
		p_int(&p, i->layer);
		p_text(&p, i->summary ? i->summary : "");
	} else {
		p_int(&p, i->time);
	}
	return run(pg(base), ids[i->op], &p, NULL);
}

static int pg_add_alert(struct dd_store *base, const struct dd_store_alert *a)
{
	struct pg_store *s = pg(base);
	struct params p = { .n = 0 };

	p_text(&p, a->domain);
	p_text(&p, a->incident ? a->incident : "");
	p_text(&p, a->kind);
	p_text(&p, a->route);
	p_text(&p, a->payload);
	p_int(&p, a->created);
	return run(s, DD_SQL_ALERT_ADD, &p, NULL);
}

static int pg_history(struct dd_store *base, const char *domain, int64_t since,
		      void (*round_cb)(void *arg, const struct dd_store_round *r),
		      void (*event_cb)(void *arg, const struct dd_store_event *e), void *arg)
{
	struct params p = { .n = 0 };
	PGresult *r;
	int rc;

	p_text(&p, domain);
	p_int(&p, since);
	p_int(&p, DD_STORE_READ_MAX);
	if ((rc = query(pg(base), DD_SQL_HIST_ROUNDS, &p, &r)) != 0)
		return rc;
	for (int i = 0; i < PQntuples(r); i++) {
		struct dd_store_round o;
		read_round(r, i, &o);
		round_cb(arg, &o);
	}
	PQclear(r);
	if ((rc = query(pg(base), DD_SQL_HIST_EVENTS, &p, &r)) != 0)
		return rc;
	for (int i = 0; i < PQntuples(r); i++) {
		struct dd_store_event e = { .time = col_int(r, i, 0), .domain = col_text(r, i, 1),
					    .kind = col_text(r, i, 2),
					    .detail = col_text(r, i, 3) };
		event_cb(arg, &e);
	}
	PQclear(r);
	return 0;
}

/* A status row from columns 0-8 of DD_SQL_STATUS or DD_SQL_LATEST. */
static struct dd_store_status_row status_row(const PGresult *r, int i)
{
	struct dd_store_status_row row = {
		.domain = col_text(r, i, 0), .group = col_text(r, i, 1),
		.next_due = col_int(r, i, 2), .time = col_int(r, i, 3),
		.status = PQgetisnull(r, i, 4) ? -1 : (int)col_int(r, i, 4),
		.layer = (int)col_int(r, i, 5), .summary = col_text(r, i, 6),
		.incident = col_text(r, i, 7), .bad_streak = (unsigned)col_int(r, i, 8),
	};
	return row;
}

static int pg_status(struct dd_store *base,
		     void (*cb)(void *arg, const struct dd_store_status_row *row), void *arg)
{
	struct params p = { .n = 0 };
	PGresult *r;
	int rc;

	p_int(&p, DD_STORE_READ_MAX);
	if ((rc = query(pg(base), DD_SQL_STATUS, &p, &r)) != 0)
		return rc;
	for (int i = 0; i < PQntuples(r); i++) {
		struct dd_store_status_row row = status_row(r, i);
		cb(arg, &row);
	}
	PQclear(r);
	return 0;
}

static int pg_outbox_due(struct dd_store *base, const char *worker, int64_t due, int64_t now, int64_t lease_until,
			 size_t max, void (*cb)(void *arg, const struct dd_store_alert *a),
			 void *arg)
{
	struct params p = { .n = 0 };
	PGresult *r;
	int rc;

	p_int(&p, due);
	p_int(&p, now);
	p_int(&p, lease_until);
	p_int(&p, (int64_t)max);
	p_text(&p, worker);
	if ((rc = query(pg(base), DD_SQL_OUTBOX_CLAIM, &p, &r)) != 0)
		return rc;
	for (int i = 0; i < PQntuples(r); i++) {
		struct dd_store_alert a = {
			.id = col_int(r, i, 0), .domain = col_text(r, i, 1),
			.incident = col_text(r, i, 2), .kind = col_text(r, i, 3),
			.route = col_text(r, i, 4), .payload = col_text(r, i, 5),
			.created = col_int(r, i, 6), .attempts = (unsigned)col_int(r, i, 7),
			.next_try = col_int(r, i, 8), .last_error = col_text(r, i, 9),
		};
		cb(arg, &a);
	}
	PQclear(r);
	return 0;
}

static int pg_outbox_done(struct dd_store *base, int64_t id, int delivered, int64_t now,
			  int64_t next_try, const char *error)
{
	struct params p = { .n = 0 };

	p_int(&p, id);
	if (delivered) {
		p_int(&p, now);
	} else {
		p_int(&p, next_try);
		p_text(&p, error ? error : "");
	}
	return run(pg(base), delivered ? DD_SQL_OUTBOX_OK : DD_SQL_OUTBOX_RETRY, &p, NULL);
}

static int pg_claim(struct dd_store *base, const char *worker, int64_t due, int64_t now,
		    int64_t lease_until, size_t max,
		    void (*cb)(void *arg, const char *domain, int64_t due), void *arg)
{
	struct params p = { .n = 0 };
	PGresult *r;
	int rc;

	p_text(&p, worker);
	p_int(&p, due);
	p_int(&p, lease_until);
	p_int(&p, (int64_t)max);
	p_int(&p, now);
	if ((rc = query(pg(base), DD_SQL_CLAIM, &p, &r)) != 0)
		return rc;
	for (int i = 0; i < PQntuples(r); i++)
		cb(arg, col_text(r, i, 0), col_int(r, i, 1));
	PQclear(r);
	return 0;
}

static int pg_release(struct dd_store *base, const char *worker)
{
	struct params p = { .n = 0 };
	int rc;

	p_text(&p, worker);
	if ((rc = run(pg(base), DD_SQL_RELEASE, &p, NULL)) != 0)
		return rc;
	return run(pg(base), DD_SQL_RELEASE_OUTBOX, &p, NULL);
}

static int pg_retain(struct dd_store *base, int64_t before)
{
	static const enum dd_store_sql_id ids[] = { DD_SQL_RETAIN_ROUNDS, DD_SQL_RETAIN_CONTENTS,
						    DD_SQL_RETAIN_EVENTS,
						    DD_SQL_RETAIN_INCIDENTS,
						    DD_SQL_RETAIN_OUTBOX };
	struct pg_store *s = pg(base);
	struct params p = { .n = 0 };
	int rc = begin(s);

	struct params none = { .n = 0 };

	p_int(&p, before);
	for (size_t i = 0; rc == 0 && i < sizeof(ids) / sizeof(ids[0]); i++)
		rc = run(s, ids[i], ids[i] == DD_SQL_RETAIN_CONTENTS ? &none : &p, NULL);
	return end(s, rc);
}

/* ---- the dashboard's reads (src/web), on the web server's own connection ---- */

static int pg_latest(struct dd_store *base,
		     void (*cb)(void *arg, const struct dd_store_latest_row *row), void *arg)
{
	struct params p = { .n = 0 };
	PGresult *r;
	int rc;

	p_int(&p, DD_STORE_READ_MAX);
	if ((rc = query(pg(base), DD_SQL_LATEST, &p, &r)) != 0)
		return rc;
	for (int i = 0; i < PQntuples(r); i++) {
		struct dd_store_latest_row row = {
			.s = status_row(r, i),
			.round = col_int(r, i, 9), .facts = col_text(r, i, 10),
		};
		cb(arg, &row);
	}
	PQclear(r);
	return 0;
}

static int pg_incidents(struct dd_store *base, size_t max,
			void (*cb)(void *arg, const struct dd_store_incident_row *row), void *arg)
{
	struct params p = { .n = 0 };
	PGresult *r;
	int rc;

	p_int(&p, (int64_t)max);
	if ((rc = query(pg(base), DD_SQL_INCIDENTS, &p, &r)) != 0)
		return rc;
	for (int i = 0; i < PQntuples(r); i++) {
		struct dd_store_incident_row row = {
			.key = col_text(r, i, 0), .domain = col_text(r, i, 1),
			.opened = col_int(r, i, 2), .closed = col_int(r, i, 3),
			.status = (int)col_int(r, i, 4), .layer = (int)col_int(r, i, 5),
			.summary = col_text(r, i, 6),
		};
		cb(arg, &row);
	}
	PQclear(r);
	return 0;
}

static int pg_graph_put(struct dd_store *base, const char *domain, int64_t time,
			const char *json, const char *dot)
{
	struct params p = { .n = 0 };

	p_text(&p, domain);
	p_int(&p, time);
	p_text(&p, json);
	p_text(&p, dot);
	return run(pg(base), DD_SQL_GRAPH_PUT, &p, NULL);
}

static int pg_graph_get(struct dd_store *base, const char *domain,
			void (*cb)(void *arg, int64_t time, const char *json, const char *dot),
			void *arg)
{
	struct params p = { .n = 0 };
	PGresult *r;
	int rc;

	p_text(&p, domain);
	if ((rc = query(pg(base), DD_SQL_GRAPH_GET, &p, &r)) != 0)
		return rc;
	if (PQntuples(r) == 1)
		cb(arg, col_int(r, 0, 0), col_text(r, 0, 1), col_text(r, 0, 2));
	else
		rc = DD_ENOTFOUND;
	PQclear(r);
	return rc;
}

static int pg_evidence_put(struct dd_store *base, const char *domain, int64_t time, size_t size,
			   const void *data, size_t len)
{
	struct params p = { .n = 0 };

	if (len > DD_STORE_EVIDENCE_MAX)
		return DD_ELIMIT;
	p_text(&p, domain);
	p_int(&p, time);
	p_int(&p, (int64_t)size);
	p_bytes(&p, data, len);
	return run(pg(base), DD_SQL_EVIDENCE_PUT, &p, NULL);
}

/* The BYTEA comes back as text (hex): decoded by libpq. */
static int pg_evidence_get(struct dd_store *base, const char *domain,
			   void (*cb)(void *arg, int64_t time, size_t size, const void *data,
				      size_t len),
			   void *arg)
{
	struct params p = { .n = 0 };
	unsigned char *data = NULL;
	size_t len = 0;
	PGresult *r;
	int rc;

	p_text(&p, domain);
	if ((rc = query(pg(base), DD_SQL_EVIDENCE_GET, &p, &r)) != 0)
		return rc;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return DD_ENOTFOUND;
	}
	if (!PQgetisnull(r, 0, 2) &&
	    !(data = PQunescapeBytea((const unsigned char *)PQgetvalue(r, 0, 2), &len)))
		rc = DD_ENOMEM;
	if (rc == 0) {
		int64_t size = col_int(r, 0, 1);
		cb(arg, col_int(r, 0, 0), size < 0 ? 0 : (size_t)size, data, len);
	}
	PQfreemem(data);
	PQclear(r);
	return rc;
}

/* ---- the distributed audit's queue ---- */

/* Names added per statement, as one array. */
#define QUEUE_ADD_CHUNK 1000

/* names as a PostgreSQL array literal: {"a.","b\"c.",NULL} (inside double
 * quotes a backslash and a double quote are escaped; a NULL is NULL). */
static char *array_literal(const char *const *names, size_t n)
{
	size_t cap = 3;
	char *out, *o;

	for (size_t i = 0; i < n; i++)
		cap += names[i] ? 2 * strlen(names[i]) + 3 : 5;
	if (!(out = malloc(cap)))
		return NULL;
	o = out;
	*o++ = '{';
	for (size_t i = 0; i < n; i++) {
		if (i)
			*o++ = ',';
		if (!names[i]) {
			memcpy(o, "NULL", 4);
			o += 4;
			continue;
		}
		*o++ = '"';
		for (const char *c = names[i]; *c; c++) {
			if (*c == '"' || *c == '\\')
				*o++ = '\\';
			*o++ = *c;
		}
		*o++ = '"';
	}
	*o++ = '}';
	*o = '\0';
	return out;
}

static int pg_q_add(struct dd_store *base, const char *job, const char *const *names, size_t n,
		    uint64_t *added)
{
	struct pg_store *s = pg(base);
	int rc = begin(s);

	*added = 0;
	for (size_t i = 0; rc == 0 && i < n; i += QUEUE_ADD_CHUNK) {
		struct params p = { .n = 0 };
		char *arr = array_literal(names + i, n - i < QUEUE_ADD_CHUNK ? n - i : QUEUE_ADD_CHUNK);
		long rows = 0;
		if (!arr) {
			rc = DD_ENOMEM;
			break;
		}
		p_text(&p, job);
		p_text(&p, arr);
		rc = run(s, DD_SQL_Q_ADD, &p, &rows);
		free(arr);
		*added += rc == 0 ? (uint64_t)rows : 0;
	}
	if ((rc = end(s, rc)) != 0)
		*added = 0;
	return rc;
}

static int pg_q_claim(struct dd_store *base, const char *job, const char *worker, int64_t now,
		      int64_t lease_until, size_t max, void (*cb)(void *arg, const char *domain),
		      void *arg)
{
	struct params p = { .n = 0 };
	PGresult *r;
	int rc;

	p_text(&p, job);
	p_text(&p, worker);
	p_int(&p, now);
	p_int(&p, lease_until);
	p_int(&p, (int64_t)max);
	if ((rc = query(pg(base), DD_SQL_Q_CLAIM, &p, &r)) != 0)
		return rc;
	for (int i = 0; i < PQntuples(r); i++)
		cb(arg, col_text(r, i, 0));
	PQclear(r);
	return 0;
}

#define Q_COLS 8 /* the columns of DD_SQL_Q_DONE's arrays */

/* The results of a batch as one array per column, and stored. */
static int q_done_all(struct pg_store *s, const char *job, const char *worker, int64_t now,
		      const struct dd_store_qresult *r, size_t n, size_t *stored)
{
	const char **col = calloc(n * Q_COLS + 1, sizeof(*col));
	char (*num)[3][16] = calloc(n + 1, sizeof(*num));
	char *arr[Q_COLS] = { NULL };
	struct params p = { .n = 0 };
	long rows = 0;
	int rc = col && num ? 0 : DD_ENOMEM;

	for (size_t i = 0; rc == 0 && i < n; i++) {
		snprintf(num[i][0], sizeof(num[i][0]), "%d", r[i].status);
		snprintf(num[i][1], sizeof(num[i][1]), "%d", r[i].layer);
		snprintf(num[i][2], sizeof(num[i][2]), "%u", r[i].nns);
		const char *v[Q_COLS] = { r[i].domain, num[i][0], num[i][1], r[i].codes,
					  r[i].operators, r[i].registrar, num[i][2], r[i].doc };
		for (size_t c = 0; c < Q_COLS; c++)
			col[c * n + i] = v[c];
	}
	for (size_t c = 0; rc == 0 && c < Q_COLS; c++)
		if (!(arr[c] = array_literal(col + c * n, n)))
			rc = DD_ENOMEM;
	p_text(&p, job);
	p_int(&p, now);
	for (size_t c = 0; c < Q_COLS; c++)
		p_text(&p, arr[c]);
	p_text(&p, worker);
	if (rc == 0 && (rc = run(s, DD_SQL_Q_DONE, &p, &rows)) == 0)
		*stored = (size_t)rows;
	for (size_t c = 0; c < Q_COLS; c++)
		free(arr[c]);
	free(col);
	free(num);
	return rc;
}

static int pg_q_done(struct dd_store *base, const char *job, const char *worker, int64_t now,
		     const struct dd_store_qresult *r, size_t n, const struct dd_store_qcount *c,
		     size_t *stored)
{
	struct pg_store *s = pg(base);
	struct params p = { .n = 0 };
	int rc = begin(s);

	*stored = 0;
	if (rc == 0 && n)
		rc = q_done_all(s, job, worker, now, r, n, stored);
	p_text(&p, job);
	p_text(&p, worker);
	p_int(&p, now);
	p_int(&p, (int64_t)*stored);
	p_int(&p, (int64_t)c->queries);
	p_int(&p, (int64_t)c->shared);
	p_int(&p, (int64_t)c->timeouts);
	if (rc == 0)
		rc = run(s, DD_SQL_Q_WORKER, &p, NULL);
	if ((rc = end(s, rc)) != 0)
		*stored = 0;
	return rc;
}

static int pg_q_release(struct dd_store *base, const char *job, const char *worker)
{
	struct params p = { .n = 0 };

	p_text(&p, job);
	p_text(&p, worker);
	return run(pg(base), DD_SQL_Q_RELEASE, &p, NULL);
}

static int pg_q_renew(struct dd_store *base, const char *job, const char *worker,
		      int64_t lease_until, uint64_t *held)
{
	struct params p = { .n = 0 };
	long rows = 0;
	int rc;

	p_text(&p, job);
	p_text(&p, worker);
	p_int(&p, lease_until);
	rc = run(pg(base), DD_SQL_Q_RENEW, &p, &rows);
	*held = rc == 0 && rows > 0 ? (uint64_t)rows : 0;
	return rc;
}

static int pg_q_progress(struct dd_store *base, const char *job, int64_t now,
			 struct dd_store_qprogress *out)
{
	struct params p = { .n = 0 };
	PGresult *r;
	int rc;

	memset(out, 0, sizeof(*out));
	p_text(&p, job);
	p_int(&p, now);
	if ((rc = query(pg(base), DD_SQL_Q_PROGRESS, &p, &r)) != 0)
		return rc;
	if (PQntuples(r) == 1) {
		out->done = (uint64_t)col_int(r, 0, 0);
		out->leased = (uint64_t)col_int(r, 0, 1);
		out->left = (uint64_t)col_int(r, 0, 2);
	}
	PQclear(r);
	return 0;
}

static int pg_q_summary(struct dd_store *base, const char *job,
			int (*cb)(void *arg, const char *what, const char *key, uint64_t n),
			void *arg)
{
	struct params p = { .n = 0 };
	PGresult *r;
	int rc;

	p_text(&p, job);
	if ((rc = query(pg(base), DD_SQL_Q_SUMMARY, &p, &r)) != 0)
		return rc;
	for (int i = 0; rc == 0 && i < PQntuples(r); i++)
		rc = cb(arg, col_text(r, i, 0), col_text(r, i, 1) ? col_text(r, i, 1) : "",
			(uint64_t)col_int(r, i, 2));
	PQclear(r);
	return rc;
}

const struct dd_store_ops dd_store_pg_ops = {
	.scheme = "postgresql",
	.open = pg_open,
	.close = pg_close,
	.domain_add = pg_domain_add,
	.dstate_get = pg_dstate_get,
	.round_get = pg_round_get,
	.begin = pg_begin,
	.end = pg_end,
	.add_round = pg_add_round,
	.add_event = pg_add_event,
	.set_dstate = pg_set_dstate,
	.incident_op = pg_incident_op,
	.add_alert = pg_add_alert,
	.history = pg_history,
	.status = pg_status,
	.outbox_due = pg_outbox_due,
	.outbox_done = pg_outbox_done,
	.retain = pg_retain,
	.reschedule = pg_reschedule,
	.claim = pg_claim,
	.release = pg_release,
	.latest = pg_latest,
	.incidents = pg_incidents,
	.graph_put = pg_graph_put,
	.graph_get = pg_graph_get,
	.evidence_put = pg_evidence_put,
	.evidence_get = pg_evidence_get,
	.q_add = pg_q_add,
	.q_claim = pg_q_claim,
	.q_done = pg_q_done,
	.q_release = pg_q_release,
	.q_renew = pg_q_renew,
	.q_progress = pg_q_progress,
	.q_summary = pg_q_summary,
};
