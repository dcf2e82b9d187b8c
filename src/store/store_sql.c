/* store_sql.c: the store's SQL, once for every backend. The schema's
 * migrations and the statements are written for both SQLite and
 * PostgreSQL; the few places where the dialects differ are named tokens,
 * expanded by dd_store_sql_expand:
 *   @ID@    a table's own row id: INTEGER PRIMARY KEY (SQLite's rowid) or
 *           BIGSERIAL PRIMARY KEY;
 *   @BLOB@  bytes: BLOB or BYTEA;
 *   @LOCK@  the row locks a claim takes: nothing in SQLite (one writer at a
 *           time, the whole file), FOR UPDATE SKIP LOCKED in PostgreSQL (a
 *           worker passes over the rows another worker is claiming);
 *   @JSON@  a JSON document's column: TEXT, or JSONB (queried inside);
 *   ?N      the N-th parameter, written $N for PostgreSQL.
 * Times are seconds since the epoch in BIGINT (SQLite's INTEGER affinity). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

const char *const dd_store_migrations[DD_STORE_SCHEMA_VERSION] = {
	"CREATE TABLE domains(name TEXT PRIMARY KEY, grp TEXT NOT NULL DEFAULT '',"
	" next_due BIGINT NOT NULL, last_round BIGINT NOT NULL DEFAULT 0,"
	" last_good BIGINT NOT NULL DEFAULT 0, bad_streak INTEGER NOT NULL DEFAULT 0,"
	" good_streak INTEGER NOT NULL DEFAULT 0, incident TEXT,"
	" incident_alerted INTEGER NOT NULL DEFAULT 0, incident_status INTEGER NOT NULL DEFAULT 0,"
	" last_alert BIGINT NOT NULL DEFAULT 0);"
	/* What rounds say, once: consecutive rounds that found the same
	 * share one row (a round is then about 150 bytes). */
	"CREATE TABLE contents(id @ID@, key TEXT NOT NULL UNIQUE,"
	" summary TEXT NOT NULL, findings TEXT NOT NULL, facts TEXT NOT NULL);"
	"CREATE TABLE rounds(id @ID@, domain TEXT NOT NULL, time BIGINT NOT NULL,"
	" status INTEGER NOT NULL, layer INTEGER NOT NULL, content BIGINT NOT NULL,"
	" digest TEXT NOT NULL);"
	"CREATE INDEX rounds_domain_time ON rounds(domain, time);"
	"CREATE TABLE events(id @ID@, round BIGINT NOT NULL, domain TEXT NOT NULL,"
	" time BIGINT NOT NULL, kind TEXT NOT NULL, detail TEXT NOT NULL);"
	"CREATE INDEX events_domain_time ON events(domain, time);"
	"CREATE TABLE incidents(key TEXT PRIMARY KEY, domain TEXT NOT NULL, opened BIGINT NOT NULL,"
	" closed BIGINT, status INTEGER NOT NULL, layer INTEGER NOT NULL, summary TEXT NOT NULL);"
	"CREATE TABLE outbox(id @ID@, domain TEXT NOT NULL, incident TEXT NOT NULL,"
	" kind TEXT NOT NULL, route TEXT NOT NULL, payload TEXT NOT NULL, created BIGINT NOT NULL,"
	" attempts INTEGER NOT NULL DEFAULT 0, next_try BIGINT NOT NULL, delivered BIGINT,"
	" last_error TEXT);"
	"CREATE INDEX outbox_pending ON outbox(delivered, next_try);",
	/* 2: leases, so that many workers share one store: a domain or an
	 * alert is taken by one worker until its lease ends. */
	"ALTER TABLE domains ADD COLUMN lease_owner TEXT;"
	"ALTER TABLE domains ADD COLUMN lease_until BIGINT NOT NULL DEFAULT 0;"
	"CREATE INDEX domains_due ON domains(next_due);"
	"ALTER TABLE outbox ADD COLUMN leased_until BIGINT NOT NULL DEFAULT 0;"
	"ALTER TABLE outbox ADD COLUMN leased_by TEXT;",
	/* 3: each domain's latest dependency graph, for the dashboard. */
	"CREATE TABLE graphs(domain TEXT PRIMARY KEY, time BIGINT NOT NULL, json TEXT NOT NULL,"
	" dot TEXT NOT NULL);",
	/* 4: each domain's latest evidence document, zlib-compressed (data),
	 * replaced with each round; data NULL: it was size bytes, over the
	 * bound, and not kept. */
	"CREATE TABLE evidence(domain TEXT PRIMARY KEY, time BIGINT NOT NULL,"
	" size BIGINT NOT NULL, data @BLOB@);",
	/* 5: the distributed audit (docs/postgresql.md): a job's domains, one
	 * result per domain (UNIQUE: a second is impossible), each worker's
	 * counters. An item is done when its result is stored, in the same
	 * transaction; the partial index keeps claims on the items left. */
	"CREATE TABLE audit_queue(id @ID@, job TEXT NOT NULL, domain TEXT NOT NULL,"
	" lease_owner TEXT, lease_until BIGINT NOT NULL DEFAULT 0,"
	" done BIGINT NOT NULL DEFAULT 0, UNIQUE(job, domain));"
	"CREATE INDEX audit_queue_left ON audit_queue(job, id) WHERE done = 0;"
	"CREATE TABLE audit_results(job TEXT NOT NULL, domain TEXT NOT NULL, time BIGINT NOT NULL,"
	" worker TEXT NOT NULL, status SMALLINT NOT NULL, layer SMALLINT NOT NULL,"
	" codes @JSON@ NOT NULL, operators @JSON@ NOT NULL, registrar TEXT,"
	" nns INTEGER NOT NULL, doc @JSON@ NOT NULL, PRIMARY KEY(job, domain));"
	"CREATE TABLE audit_workers(job TEXT NOT NULL, worker TEXT NOT NULL,"
	" started BIGINT NOT NULL, last BIGINT NOT NULL, domains BIGINT NOT NULL,"
	" queries BIGINT NOT NULL, shared BIGINT NOT NULL, timeouts BIGINT NOT NULL,"
	" PRIMARY KEY(job, worker));",
};

#define ROUND_COLS                                                                           \
	"r.id, r.domain, r.time, r.status, r.layer, c.summary, c.findings, c.facts, r.digest"
#define ROUND_FROM " FROM rounds r JOIN contents c ON c.id = r.content"
#define ALERT_COLS                                                                           \
	"id, domain, incident, kind, route, payload, created, attempts, next_try, last_error"

const char *const dd_store_sql[DD_SQL_COUNT] = {
	[DD_SQL_DOMAIN_ADD] = "INSERT INTO domains(name, grp, next_due) VALUES(?1, ?2, ?3)"
			      " ON CONFLICT(name) DO UPDATE SET grp = ?2",
	[DD_SQL_DSTATE] = "SELECT next_due, last_round, last_good, bad_streak, good_streak,"
			  " incident, incident_alerted, incident_status, last_alert"
			  " FROM domains WHERE name = ?1",
	[DD_SQL_RESCHEDULE] = "UPDATE domains SET next_due = ?2 WHERE name = ?1",
	[DD_SQL_ROUND_GET] = "SELECT " ROUND_COLS ROUND_FROM " WHERE r.id = ?1",
	[DD_SQL_CONTENT_ADD] = "INSERT INTO contents(key, summary, findings, facts)"
			       " VALUES(?1, ?2, ?3, ?4) ON CONFLICT(key) DO NOTHING",
	[DD_SQL_CONTENT_ID] = "SELECT id FROM contents WHERE key = ?1",
	[DD_SQL_ROUND_ADD] = "INSERT INTO rounds(domain, time, status, layer, content, digest)"
			     " VALUES(?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
	[DD_SQL_EVENT_ADD] = "INSERT INTO events(round, domain, time, kind, detail)"
			     " VALUES(?1, ?2, ?3, ?4, ?5)",
	/* The round's state replaces the one it was computed from, or
	 * nothing (another worker stored this domain's round meanwhile). */
	[DD_SQL_DSTATE_SET] = "UPDATE domains SET next_due = ?2, last_round = ?3, last_good = ?4,"
			      " bad_streak = ?5, good_streak = ?6, incident = ?7,"
			      " incident_alerted = ?8, incident_status = ?9, last_alert = ?10,"
			      " lease_owner = NULL, lease_until = 0"
			      " WHERE name = ?1 AND last_round = ?11",
	[DD_SQL_INC_OPEN] = "INSERT INTO incidents(key, domain, opened, status, layer, summary)"
			    " VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
	[DD_SQL_INC_UPDATE] = "UPDATE incidents SET status = ?3, layer = ?4, summary = ?5"
			      " WHERE key = ?1 AND domain = ?2",
	[DD_SQL_INC_CLOSE] = "UPDATE incidents SET closed = ?3 WHERE key = ?1 AND domain = ?2",
	[DD_SQL_ALERT_ADD] = "INSERT INTO outbox(domain, incident, kind, route, payload, created,"
			     " next_try) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?6)",
	[DD_SQL_HIST_ROUNDS] = "SELECT " ROUND_COLS ROUND_FROM " WHERE r.domain = ?1"
			       " AND r.time >= ?2 ORDER BY r.time, r.id LIMIT ?3",
	[DD_SQL_HIST_EVENTS] = "SELECT time, domain, kind, detail FROM events"
			       " WHERE domain = ?1 AND time >= ?2 ORDER BY time, id LIMIT ?3",
	[DD_SQL_STATUS] = "SELECT d.name, d.grp, d.next_due, r.time, r.status, r.layer, c.summary,"
			  " d.incident, d.bad_streak FROM domains d LEFT JOIN rounds r"
			  " ON r.id = d.last_round LEFT JOIN contents c ON c.id = r.content"
			  " ORDER BY d.name LIMIT ?1",
	/* Due alerts not leased to a worker, leased to this one. */
	[DD_SQL_OUTBOX_CLAIM] = "UPDATE outbox SET leased_until = ?3, leased_by = ?5"
				" WHERE id IN (SELECT id"
				" FROM outbox WHERE delivered IS NULL AND next_try <= ?1"
				" AND leased_until <= ?2 ORDER BY id LIMIT ?4@LOCK@)"
				" RETURNING " ALERT_COLS,
	[DD_SQL_OUTBOX_OK] = "UPDATE outbox SET delivered = ?2, attempts = attempts + 1,"
			     " last_error = NULL, leased_until = 0 WHERE id = ?1",
	[DD_SQL_OUTBOX_RETRY] = "UPDATE outbox SET attempts = attempts + 1, next_try = ?2,"
				" last_error = ?3, leased_until = 0 WHERE id = ?1",
	/* Due domains not leased to a worker, leased to this one. */
	[DD_SQL_CLAIM] = "UPDATE domains SET lease_owner = ?1, lease_until = ?3 WHERE name IN"
			 " (SELECT name FROM domains WHERE next_due <= ?2 AND lease_until <= ?5"
			 " ORDER BY next_due LIMIT ?4@LOCK@) RETURNING name, next_due",
	[DD_SQL_RELEASE] = "UPDATE domains SET lease_owner = NULL, lease_until = 0"
			   " WHERE lease_owner = ?1",
	[DD_SQL_RELEASE_OUTBOX] = "UPDATE outbox SET leased_by = NULL, leased_until = 0"
				  " WHERE leased_by = ?1 AND delivered IS NULL",
	[DD_SQL_RETAIN_ROUNDS] = "DELETE FROM rounds WHERE time < ?1 AND id NOT IN"
				 " (SELECT last_round FROM domains UNION SELECT last_good FROM domains)",
	[DD_SQL_RETAIN_CONTENTS] = "DELETE FROM contents WHERE id NOT IN"
				   " (SELECT content FROM rounds)",
	[DD_SQL_RETAIN_EVENTS] = "DELETE FROM events WHERE time < ?1",
	[DD_SQL_RETAIN_INCIDENTS] = "DELETE FROM incidents WHERE closed IS NOT NULL AND closed < ?1",
	[DD_SQL_RETAIN_OUTBOX] = "DELETE FROM outbox WHERE delivered IS NOT NULL AND created < ?1",
	/* The dashboard's reads (src/web): a status row with its round's id
	 * and facts; the open incidents first; a domain's latest graph. */
	[DD_SQL_LATEST] = "SELECT d.name, d.grp, d.next_due, r.time, r.status, r.layer, c.summary,"
			  " d.incident, d.bad_streak, d.last_round, c.facts FROM domains d"
			  " LEFT JOIN rounds r ON r.id = d.last_round"
			  " LEFT JOIN contents c ON c.id = r.content ORDER BY d.name LIMIT ?1",
	[DD_SQL_INCIDENTS] = "SELECT key, domain, opened, closed, status, layer, summary"
			     " FROM incidents ORDER BY closed IS NOT NULL, opened DESC LIMIT ?1",
	[DD_SQL_GRAPH_PUT] = "INSERT INTO graphs(domain, time, json, dot) VALUES(?1, ?2, ?3, ?4)"
			     " ON CONFLICT(domain) DO UPDATE SET time = ?2, json = ?3, dot = ?4",
	[DD_SQL_GRAPH_GET] = "SELECT time, json, dot FROM graphs WHERE domain = ?1",
	[DD_SQL_EVIDENCE_PUT] = "INSERT INTO evidence(domain, time, size, data) VALUES(?1, ?2, ?3, ?4)"
				" ON CONFLICT(domain) DO UPDATE SET time = ?2, size = ?3, data = ?4",
	[DD_SQL_EVIDENCE_GET] = "SELECT time, size, data FROM evidence WHERE domain = ?1",
	/* The distributed audit's queue (PostgreSQL: the SQLite backend does
	 * not offer it). Items are added by the thousand from an array; an item
	 * already there stays as it is. */
	[DD_SQL_Q_ADD] = "INSERT INTO audit_queue(job, domain) SELECT ?1, unnest(CAST(?2 AS TEXT[]))"
			 " ON CONFLICT(job, domain) DO NOTHING",
	/* Items left that no worker holds, the first listed first, leased. */
	[DD_SQL_Q_CLAIM] = "UPDATE audit_queue SET lease_owner = ?2, lease_until = ?4 WHERE id IN"
			   " (SELECT id FROM audit_queue WHERE job = ?1 AND done = 0"
			   " AND lease_until <= ?3 ORDER BY id LIMIT ?5@LOCK@) RETURNING domain",
	/* A batch of results in one statement (one round trip), from arrays
	 * of their columns: each item not done yet is marked done and its row
	 * inserted; the result of an item done meanwhile (another worker took
	 * it after this one's lease ended) is dropped. */
	[DD_SQL_Q_DONE] =
		"WITH r AS (SELECT * FROM unnest(CAST(?3 AS TEXT[]), CAST(?4 AS SMALLINT[]),"
		" CAST(?5 AS SMALLINT[]), CAST(?6 AS JSONB[]), CAST(?7 AS JSONB[]), CAST(?8 AS TEXT[]),"
		" CAST(?9 AS INTEGER[]), CAST(?10 AS JSONB[]))"
		" AS r(domain, status, layer, codes, operators, registrar, nns, doc)),"
		" d AS (UPDATE audit_queue q SET done = ?2, lease_owner = NULL, lease_until = 0"
		" FROM r WHERE q.job = ?1 AND q.domain = r.domain AND q.done = 0 RETURNING q.domain)"
		" INSERT INTO audit_results(job, domain, time, worker, status, layer, codes, operators,"
		" registrar, nns, doc) SELECT DISTINCT ON (r.domain) ?1, r.domain, ?2, ?11, r.status,"
		" r.layer, r.codes, r.operators, r.registrar, r.nns, r.doc FROM r"
		" JOIN d ON d.domain = r.domain",
	[DD_SQL_Q_WORKER] = "INSERT INTO audit_workers(job, worker, started, last, domains, queries,"
			    " shared, timeouts) VALUES(?1, ?2, ?3, ?3, ?4, ?5, ?6, ?7)"
			    " ON CONFLICT(job, worker) DO UPDATE SET last = ?3,"
			    " domains = audit_workers.domains + ?4,"
			    " queries = audit_workers.queries + ?5, shared = audit_workers.shared + ?6,"
			    " timeouts = audit_workers.timeouts + ?7",
	[DD_SQL_Q_RELEASE] = "UPDATE audit_queue SET lease_owner = NULL, lease_until = 0"
			     " WHERE job = ?1 AND lease_owner = ?2 AND done = 0",
	/* A worker still checking its items keeps them: every lease it holds
	 * in the job, in one statement. */
	[DD_SQL_Q_RENEW] = "UPDATE audit_queue SET lease_until = ?3"
			   " WHERE job = ?1 AND lease_owner = ?2 AND done = 0",
	[DD_SQL_Q_PROGRESS] = "SELECT count(*) FILTER (WHERE done > 0),"
			      " count(*) FILTER (WHERE done = 0 AND lease_until > ?2),"
			      " count(*) FILTER (WHERE done = 0 AND lease_until <= ?2)"
			      " FROM audit_queue WHERE job = ?1",
	/* Everything the summary counts, as (what, key, count) rows: the
	 * counting is the database's, the client reads a few rows per
	 * operator and registrar, not the results. */
	[DD_SQL_Q_SUMMARY] =
		"SELECT 'status', CAST(status AS TEXT), count(*) FROM audit_results WHERE job = ?1"
		" GROUP BY status"
		" UNION ALL SELECT 'layer', CAST(layer AS TEXT), count(*) FROM audit_results"
		" WHERE job = ?1 GROUP BY layer"
		" UNION ALL SELECT 'code', c, count(*) FROM audit_results,"
		" jsonb_array_elements_text(codes) c WHERE job = ?1 GROUP BY c"
		" UNION ALL SELECT 'operator', o, count(*) FROM audit_results,"
		" jsonb_array_elements_text(operators) o WHERE job = ?1 GROUP BY o"
		" UNION ALL SELECT 'registrar', registrar, count(*) FROM audit_results"
		" WHERE job = ?1 AND registrar IS NOT NULL GROUP BY registrar"
		" UNION ALL SELECT 'domains', '', count(*) FROM audit_results WHERE job = ?1"
		" UNION ALL SELECT 'no_ns', '', count(*) FROM audit_results WHERE job = ?1 AND nns = 0"
		" UNION ALL SELECT 'single_operator', '', count(*) FROM audit_results"
		" WHERE job = ?1 AND jsonb_array_length(operators) = 1"
		" UNION ALL SELECT 'reg_unknown', '', count(*) FROM audit_results"
		" WHERE job = ?1 AND registrar IS NULL"
		" UNION ALL SELECT 'queries', '', coalesce(sum(queries), 0) FROM audit_workers"
		" WHERE job = ?1"
		" UNION ALL SELECT 'shared_queries', '', coalesce(sum(shared), 0) FROM audit_workers"
		" WHERE job = ?1"
		" UNION ALL SELECT 'timeouts', '', coalesce(sum(timeouts), 0) FROM audit_workers"
		" WHERE job = ?1"
		" UNION ALL SELECT 'seconds', '', coalesce(max(last) - min(started), 0)"
		" FROM audit_workers WHERE job = ?1",
};

static const char *token(const char *p, enum dd_store_dialect d, size_t *skip)
{
	static const struct {
		const char *name, *text[2];
	} toks[] = {
		{ "@ID@", { "INTEGER PRIMARY KEY", "BIGSERIAL PRIMARY KEY" } },
		{ "@LOCK@", { "", " FOR UPDATE SKIP LOCKED" } },
		{ "@BLOB@", { "BLOB", "BYTEA" } },
		{ "@JSON@", { "TEXT", "JSONB" } },
	};

	for (size_t i = 0; i < sizeof(toks) / sizeof(toks[0]); i++) {
		size_t n = strlen(toks[i].name);
		if (strncmp(p, toks[i].name, n) == 0) {
			*skip = n;
			return toks[i].text[d];
		}
	}
	if (d == DD_DIALECT_PG && p[0] == '?') {
		*skip = 1;
		return "$";
	}
	return NULL;
}

char *dd_store_sql_expand(const char *sql, enum dd_store_dialect d)
{
	size_t cap = strlen(sql) + 64, n = 0;
	char *out = malloc(cap);

	if (!out)
		return NULL;
	while (*sql) {
		size_t skip = 1;
		const char *t = token(sql, d, &skip);
		size_t tl = t ? strlen(t) : 1;
		if (n + tl + 1 > cap) {
			char *g = realloc(out, cap * 2 + tl);
			if (!g) {
				free(out);
				return NULL;
			}
			out = g;
			cap = cap * 2 + tl;
		}
		memcpy(out + n, t ? t : sql, tl);
		n += tl;
		sql += skip;
	}
	out[n] = '\0';
	return out;
}
