/* test_store.c: the store on a real SQLite file in a temporary directory,
 * and the same table of tests on a real PostgreSQL database when
 * DNSDEPS_TEST_PG names one (tests/system/test_postgresql.py starts a
 * server and runs this program; its schema is emptied before each test):
 * creation and reopening, a refused newer schema, a commit of a round with
 * its events, state, incident and alerts, a commit that fails leaving
 * nothing behind, a commit computed from a state another worker replaced,
 * history and status, the outbox's retries, delivery and leases, the
 * domains' leases, retention keeping each domain's last and last good
 * rounds, the dashboard's reads, each domain's latest evidence document
 * (compressed, replaced by the next, not kept over its bound, left alone
 * by a round without one), a schema 2 store migrated to the latest, and
 * the distributed audit's queue (PostgreSQL; SQLite says it has none). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include "core/err.h"
#include "store/store.h"

struct tmp {
	char dir[64];
	char path[512]; /* the store's name: a file, or the PostgreSQL URI */
};

static int setup(void **state)
{
	struct tmp *t = calloc(1, sizeof(*t));

	snprintf(t->dir, sizeof(t->dir), "/tmp/dnsdeps-store-XXXXXX");
	if (!mkdtemp(t->dir))
		return -1;
	snprintf(t->path, sizeof(t->path), "%s/watch.db", t->dir);
	*state = t;
	return 0;
}

/* The PostgreSQL database of DNSDEPS_TEST_PG, emptied. */
static int setup_pg(void **state)
{
	const char *uri = getenv("DNSDEPS_TEST_PG");
	struct tmp *t;
	PGconn *c;
	PGresult *r;
	int ok;

	if (setup(state) != 0)
		return -1;
	t = *state;
	snprintf(t->path, sizeof(t->path), "%s", uri);
	c = PQconnectdb(uri);
	r = PQexec(c, "SET client_min_messages = warning; DROP SCHEMA public CASCADE; CREATE SCHEMA public");
	ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	PQclear(r);
	PQfinish(c);
	return ok ? 0 : -1;
}

static int teardown(void **state)
{
	struct tmp *t = *state;
	char cmd[200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->dir);
	if (system(cmd) != 0)
		return -1;
	free(t);
	return 0;
}

static struct dd_store *open_ok(const char *path)
{
	struct dd_store *s = NULL;
	char why[DD_STORE_WHY_MAX];

	assert_int_equal(dd_store_open(&s, path, why), 0);
	return s;
}

static void test_create_reopen(void **state)
{
	struct tmp *t = *state;
	struct dd_store *s = open_ok(t->path);
	struct dd_store_dstate d;

	assert_int_equal(dd_store_dstate_get(s, "a.test.", &d), DD_ENOTFOUND);
	assert_int_equal(dd_store_domain_add(s, "a.test.", "g", 100), 0);
	assert_int_equal(dd_store_domain_add(s, "a.test.", "g", 999), 0); /* kept */
	dd_store_close(s);
	s = open_ok(t->path);
	assert_int_equal(dd_store_dstate_get(s, "a.test.", &d), 0);
	assert_int_equal(d.next_due, 100);
	assert_int_equal(dd_store_reschedule(s, "a.test.", 150), 0);
	assert_int_equal(dd_store_dstate_get(s, "a.test.", &d), 0);
	assert_int_equal(d.next_due, 150);
	dd_store_close(s);
}

static void test_newer_schema_refused(void **state)
{
	struct tmp *t = *state;
	struct dd_store *s = open_ok(t->path);
	sqlite3 *db;
	char why[DD_STORE_WHY_MAX];

	dd_store_close(s);
	assert_int_equal(sqlite3_open(t->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "INSERT INTO schema_version VALUES(99)", NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(dd_store_open(&s, t->path, why), DD_EUNSUPP);
	assert_non_null(strstr(why, "version 99"));
	assert_int_equal(dd_store_open(&s, "mysql://db/x", why), DD_EUNSUPP);
	assert_non_null(strstr(why, "no store backend"));
}

/* A bad round of a.test. opening an incident with one alert. */
static int commit_round(struct dd_store *s, int64_t time, int status, const char *kind,
			struct dd_store_round *r)
{
	struct dd_store_event ev[2] = {
		{ .time = time, .domain = "a.test.", .kind = kind, .detail = "one" },
		{ .time = time, .domain = "a.test.", .kind = "verdict_changed", .detail = "two" },
	};
	struct dd_store_dstate d;
	struct dd_store_incident inc = { .op = DD_STORE_INC_OPEN, .key = "a.test.@1",
					 .time = time, .status = status, .layer = 3,
					 .summary = "s" };
	struct dd_store_alert al = { .domain = "a.test.", .incident = "a.test.@1", .kind = "open",
				     .route = "webhook http://x/", .payload = "{}", .created = time };
	struct dd_store_commit c = { .round = r, .events = ev, .nevents = 2, .state = &d,
				     .incident = status ? &inc : NULL, .alerts = &al,
				     .nalerts = status ? 1 : 0 };

	memset(&d, 0, sizeof(d));
	assert_int_equal(dd_store_dstate_get(s, "a.test.", &d), 0);
	c.expect_last = d.last_round;
	d.next_due = time + 60;
	d.bad_streak = status ? d.bad_streak + 1 : 0;
	snprintf(d.incident, sizeof(d.incident), "%s", status ? "a.test.@1" : "");
	memset(r, 0, sizeof(*r));
	r->domain = "a.test.";
	r->time = time;
	r->status = status;
	r->layer = status ? 3 : 0;
	r->summary = "sentence";
	r->findings = "[]";
	r->facts = "{\"delegated\":1}";
	r->digest = "00";
	r->content_key = status ? "bad" : "good";
	return dd_store_commit(s, &c);
}

struct seen {
	int rounds, events, alerts, rows;
	int64_t alert_id;
	char last_kind[64];
	char facts[64];
};

static void on_round(void *arg, const struct dd_store_round *r)
{
	struct seen *n = arg;
	n->rounds++;
	snprintf(n->facts, sizeof(n->facts), "%s", r->facts);
}

static void on_event(void *arg, const struct dd_store_event *e)
{
	struct seen *n = arg;
	n->events++;
	snprintf(n->last_kind, sizeof(n->last_kind), "%s", e->kind);
}

static void on_alert(void *arg, const struct dd_store_alert *a)
{
	struct seen *n = arg;
	n->alerts++;
	n->alert_id = a->id;
	assert_string_equal(a->route, "webhook http://x/");
}

static void on_row(void *arg, const struct dd_store_status_row *row)
{
	struct seen *n = arg;
	n->rows++;
	assert_string_equal(row->domain, "a.test.");
}

static void test_commit_and_read(void **state)
{
	struct tmp *t = *state;
	struct dd_store *s = open_ok(t->path);
	struct dd_store_round r;
	struct dd_store_dstate d;
	struct seen n = { 0 };

	assert_int_equal(dd_store_domain_add(s, "a.test.", "", 0), 0);
	assert_int_equal(commit_round(s, 1000, 2, "delegation_lost", &r), 0);
	assert_true(r.id > 0);
	assert_int_equal(dd_store_dstate_get(s, "a.test.", &d), 0);
	assert_int_equal(d.last_round, r.id);
	assert_int_equal(d.last_good, 0);
	assert_int_equal(d.next_due, 1060);
	assert_string_equal(d.incident, "a.test.@1");
	/* The same incident key again violates its key: nothing of the
	 * round may stay. */
	assert_int_not_equal(commit_round(s, 1060, 2, "x", &r), 0);
	assert_int_equal(r.id, 0);
	assert_int_equal(dd_store_history(s, "a.test.", 0, on_round, on_event, &n), 0);
	assert_int_equal(n.rounds, 1);
	assert_int_equal(n.events, 2);
	assert_int_equal(dd_store_outbox_due(s, "w1", 2000, 2000, 2000, 10, on_alert, &n), 0);
	assert_int_equal(n.alerts, 1);
	/* A failed delivery is tried again later, then delivered. */
	assert_int_equal(dd_store_outbox_done(s, n.alert_id, 0, 1000, 1500, "refused"), 0);
	n.alerts = 0;
	assert_int_equal(dd_store_outbox_due(s, "w1", 1400, 1400, 1400, 10, on_alert, &n), 0);
	assert_int_equal(n.alerts, 0);
	assert_int_equal(dd_store_outbox_due(s, "w1", 1500, 1500, 1500, 10, on_alert, &n), 0);
	assert_int_equal(n.alerts, 1);
	assert_int_equal(dd_store_outbox_done(s, n.alert_id, 1, 1500, 0, NULL), 0);
	n.alerts = 0;
	assert_int_equal(dd_store_outbox_due(s, "w1", 9999, 9999, 9999, 10, on_alert, &n), 0);
	assert_int_equal(n.alerts, 0);
	assert_int_equal(dd_store_status(s, on_row, &n), 0);
	assert_int_equal(n.rows, 1);
	dd_store_close(s);
}

struct claimed {
	int n;
	char names[8][32];
	int64_t due[8];
};

static void on_claim(void *arg, const char *domain, int64_t due)
{
	struct claimed *c = arg;

	assert_true(c->n < 8);
	snprintf(c->names[c->n], sizeof(c->names[0]), "%s", domain);
	c->due[c->n++] = due;
}

static int claim(struct dd_store *s, const char *worker, int64_t now, size_t max,
		 struct claimed *c)
{
	memset(c, 0, sizeof(*c));
	return dd_store_claim(s, worker, now, now, now + 30, max, on_claim, c);
}

/* Two workers on one store: a due domain is taken by one until its lease
 * ends or its round is stored; a worker that starts again under its name
 * gets its leases back at once. */
static void test_leases(void **state)
{
	struct tmp *t = *state;
	struct dd_store *a = open_ok(t->path), *b = open_ok(t->path);
	struct dd_store_round r;
	struct claimed c;

	assert_int_equal(dd_store_domain_add(a, "a.test.", "", 100), 0);
	assert_int_equal(dd_store_domain_add(a, "b.test.", "", 100), 0);
	assert_int_equal(dd_store_domain_add(a, "c.test.", "", 500), 0);
	assert_int_equal(claim(a, "w1", 99, 10, &c), 0);
	assert_int_equal(c.n, 0); /* nothing due yet */
	assert_int_equal(claim(a, "w1", 100, 1, &c), 0);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.due[0], 100);
	char first[32];
	snprintf(first, sizeof(first), "%s", c.names[0]);
	assert_int_equal(claim(b, "w2", 101, 10, &c), 0);
	assert_int_equal(c.n, 1); /* the other one; c.test. is not due */
	assert_string_not_equal(c.names[0], first);
	assert_int_equal(claim(b, "w2", 120, 10, &c), 0);
	assert_int_equal(c.n, 0); /* both leased until 130 and 131 */
	/* w1 died: its lease ends, w2 takes the domain. */
	assert_int_equal(claim(b, "w2", 131, 10, &c), 0);
	assert_int_equal(c.n, 2);
	/* A round stored ends the lease and moves the domain's due time. */
	assert_int_equal(commit_round(b, 140, 0, "x", &r), 0);
	assert_int_equal(dd_store_release(b, "w2"), 0);
	assert_int_equal(claim(a, "w1", 150, 10, &c), 0);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.names[0], "b.test.");
	assert_int_equal(dd_store_release(a, "w1"), 0);
	assert_int_equal(claim(b, "w2", 150, 10, &c), 0);
	assert_int_equal(c.n, 1);
	dd_store_close(a);
	dd_store_close(b);
}

/* Two workers computed a round of one domain from the same state: the
 * first commit counts, the second changes nothing (DD_ECONFLICT), so the
 * domain has one round and its incident one alert. */
static void test_conflict(void **state)
{
	struct tmp *t = *state;
	struct dd_store *a = open_ok(t->path), *b = open_ok(t->path);
	struct dd_store_dstate d;
	struct dd_store_round r = { .domain = "a.test.", .time = 10, .status = 2, .layer = 3,
				    .summary = "s", .findings = "[]", .facts = "{}",
				    .digest = "00", .content_key = "k" };
	struct dd_store_alert al = { .domain = "a.test.", .incident = "a.test.@10", .kind = "open",
				     .route = "webhook http://x/", .payload = "{}", .created = 10 };
	struct dd_store_commit c = { .round = &r, .state = &d, .alerts = &al, .nalerts = 1 };
	struct seen n = { 0 };

	assert_int_equal(dd_store_domain_add(a, "a.test.", "", 0), 0);
	assert_int_equal(dd_store_dstate_get(a, "a.test.", &d), 0);
	d.next_due = 70;
	c.expect_last = d.last_round;
	assert_int_equal(dd_store_commit(a, &c), 0);
	assert_int_equal(dd_store_commit(b, &c), DD_ECONFLICT);
	assert_int_equal(r.id, 0);
	assert_int_equal(dd_store_history(b, "a.test.", 0, on_round, on_event, &n), 0);
	assert_int_equal(n.rounds, 1);
	assert_int_equal(dd_store_outbox_due(b, "w2", 99, 99, 200, 10, on_alert, &n), 0);
	assert_int_equal(n.alerts, 1);
	/* Leased to w2 until 200: w1 does not deliver it again. */
	n.alerts = 0;
	assert_int_equal(dd_store_outbox_due(a, "w1", 99, 150, 300, 10, on_alert, &n), 0);
	assert_int_equal(n.alerts, 0);
	dd_store_close(a);
	dd_store_close(b);
}

/* The rows of the contents table, read past the store's interface. */
static int count_contents(const char *where)
{
	const char *sql = "SELECT count(*) FROM contents";
	int n = -1;

	if (strncmp(where, "postgresql:", 11) == 0) {
		PGconn *c = PQconnectdb(where);
		PGresult *r = PQexec(c, sql);
		if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
			n = atoi(PQgetvalue(r, 0, 0));
		PQclear(r);
		PQfinish(c);
		return n;
	}
	sqlite3 *db;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_open(where, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

static void test_retention(void **state)
{
	struct tmp *t = *state;
	struct dd_store *s = open_ok(t->path);
	struct dd_store_round r;
	struct seen n = { 0 };

	assert_int_equal(dd_store_domain_add(s, "a.test.", "", 0), 0);
	assert_int_equal(commit_round(s, 100, 0, "a", &r), 0); /* last good */
	assert_int_equal(commit_round(s, 200, 0, "b", &r), 0);
	assert_int_equal(commit_round(s, 300, 0, "c", &r), 0); /* last */
	assert_int_equal(dd_store_retain(s, 1000), 0);
	assert_int_equal(dd_store_history(s, "a.test.", 0, on_round, on_event, &n), 0);
	assert_int_equal(n.rounds, 1); /* 300 is both the last and the last good */
	assert_int_equal(n.events, 0);
	assert_string_equal(n.facts, "{\"delegated\":1}");
	dd_store_close(s);
	/* The three rounds said the same: one content row, kept for the last. */
	assert_int_equal(count_contents(t->path), 1);
}

/* The dashboard's reads (src/web), through the shared statements: the
 * latest round of each domain with its facts, the open incidents first, a
 * domain's graph replaced by the next and none for another domain. */
struct dash {
	int rows, incidents, graphs;
	int64_t round, graph_time;
	int open_first;
	char facts[64], json[32];
};

static void on_latest(void *arg, const struct dd_store_latest_row *row)
{
	struct dash *n = arg;
	n->rows++;
	if (strcmp(row->s.domain, "a.test.") == 0) {
		n->round = row->round;
		snprintf(n->facts, sizeof(n->facts), "%s", row->facts ? row->facts : "");
	} else {
		assert_int_equal(row->s.status, -1); /* no round yet */
		assert_int_equal(row->round, 0);
		assert_null(row->facts);
	}
}

static void on_incident(void *arg, const struct dd_store_incident_row *row)
{
	struct dash *n = arg;
	if (n->incidents++ == 0)
		n->open_first = row->closed == 0;
	assert_string_equal(row->domain, "a.test.");
}

static void on_graph(void *arg, int64_t time, const char *json, const char *dot)
{
	struct dash *n = arg;
	n->graphs++;
	n->graph_time = time;
	snprintf(n->json, sizeof(n->json), "%s", json);
	assert_non_null(strstr(dot, "digraph"));
}

static void test_dashboard(void **state)
{
	struct tmp *t = *state;
	struct dd_store *s = open_ok(t->path);
	struct dd_store_round r;
	struct dash n = { 0 };

	assert_int_equal(dd_store_domain_add(s, "a.test.", "", 100), 0);
	assert_int_equal(dd_store_domain_add(s, "b.test.", "", 100), 0);
	assert_int_equal(commit_round(s, 100, 2, "a", &r), 0);
	assert_int_equal(dd_store_latest(s, on_latest, &n), 0);
	assert_int_equal(n.rows, 2);
	assert_int_equal(n.round, r.id);
	assert_string_equal(n.facts, "{\"delegated\":1}");
	assert_int_equal(dd_store_incidents(s, 10, on_incident, &n), 0);
	assert_int_equal(n.incidents, 1);
	assert_true(n.open_first);
	assert_int_equal(dd_store_graph_get(s, "a.test.", on_graph, &n), DD_ENOTFOUND);
	assert_int_equal(dd_store_graph_put(s, "a.test.", 100, "{\"v\":1}", "digraph a {}"), 0);
	assert_int_equal(dd_store_graph_put(s, "a.test.", 200, "{\"v\":2}", "digraph a {}"), 0);
	assert_int_equal(dd_store_graph_get(s, "a.test.", on_graph, &n), 0);
	assert_int_equal(n.graphs, 1);
	assert_int_equal(n.graph_time, 200);
	assert_string_equal(n.json, "{\"v\":2}");
	assert_int_equal(dd_store_graph_get(s, "b.test.", on_graph, &n), DD_ENOTFOUND);
	dd_store_close(s);
}

/* A good round of domain with an evidence document (NULL: none). */
static int commit_doc(struct dd_store *s, const char *domain, int64_t time, const char *doc,
		      size_t max)
{
	struct dd_store_round r = { .domain = domain, .time = time, .summary = "fine",
				    .findings = "[]", .facts = "{}", .digest = "00",
				    .content_key = "fine" };
	struct dd_store_dstate d;
	struct dd_store_evidence e = { 0 };
	struct dd_store_commit c = { .round = &r, .state = &d, .evidence = doc ? &e : NULL };
	int rc;

	assert_int_equal(dd_store_dstate_get(s, domain, &d), 0);
	if (doc)
		assert_int_equal(dd_store_evidence_pack(doc, strlen(doc), max, &e), 0);
	c.expect_last = d.last_round;
	d.next_due = time + 60;
	rc = dd_store_commit(s, &c);
	dd_store_evidence_free(&e);
	return rc;
}

struct evdoc {
	int calls;
	int64_t time;
	size_t size;
	char *json;
};

static void on_evidence(void *arg, int64_t time, const char *json, size_t len, size_t size)
{
	struct evdoc *e = arg;

	e->calls++;
	e->time = time;
	e->size = size;
	free(e->json);
	e->json = json ? strndup(json, len) : NULL;
	if (json)
		assert_int_equal(len, size);
}

/* A document of n bytes that compresses well, as evidence documents do. */
static char *big_doc(size_t n, char fill)
{
	char *d = malloc(n + 1);

	assert_non_null(d);
	memset(d, fill, n);
	memcpy(d, "{\"x\":\"", 6);
	d[n - 2] = '"';
	d[n - 1] = '}';
	d[n] = '\0';
	return d;
}

static void test_evidence(void **state)
{
	struct tmp *t = *state;
	struct dd_store *s = open_ok(t->path);
	struct evdoc e = { 0 };
	char *one = big_doc(300000, 'a'), *two = big_doc(200000, 'b');

	struct dd_store_evidence p = { 0 };

	/* Kept compressed; over the bound, only its size. */
	assert_int_equal(dd_store_evidence_pack(one, strlen(one), DD_STORE_EVIDENCE_MAX, &p), 0);
	assert_int_equal(p.size, 300000);
	assert_true(p.data && p.len > 0 && p.len < p.size / 20);
	dd_store_evidence_free(&p);
	assert_int_equal(dd_store_evidence_pack(one, strlen(one), 1000, &p), 0);
	assert_true(p.size == 300000 && !p.data && !p.len);
	assert_int_equal(dd_store_domain_add(s, "a.test.", "", 100), 0);
	assert_int_equal(dd_store_domain_add(s, "b.test.", "", 100), 0);
	assert_int_equal(dd_store_evidence_get(s, "a.test.", on_evidence, &e), DD_ENOTFOUND);
	assert_int_equal(commit_doc(s, "a.test.", 100, one, DD_STORE_EVIDENCE_MAX), 0);
	assert_int_equal(dd_store_evidence_get(s, "a.test.", on_evidence, &e), 0);
	assert_int_equal(e.time, 100);
	assert_string_equal(e.json, one);
	/* The next round's replaces it; a round without one leaves it. */
	assert_int_equal(commit_doc(s, "a.test.", 160, two, DD_STORE_EVIDENCE_MAX), 0);
	assert_int_equal(commit_doc(s, "a.test.", 220, NULL, 0), 0);
	assert_int_equal(dd_store_evidence_get(s, "a.test.", on_evidence, &e), 0);
	assert_int_equal(e.time, 160);
	assert_string_equal(e.json, two);
	/* Over the bound: its size is kept, not the document. */
	assert_int_equal(commit_doc(s, "a.test.", 280, one, 250000), 0);
	assert_int_equal(dd_store_evidence_get(s, "a.test.", on_evidence, &e), 0);
	assert_null(e.json);
	assert_int_equal(e.size, 300000);
	assert_int_equal(e.time, 280);
	assert_int_equal(dd_store_evidence_get(s, "b.test.", on_evidence, &e), DD_ENOTFOUND);
	assert_int_equal(e.calls, 3);
	free(e.json);
	free(one);
	free(two);
	dd_store_close(s);
}

/* A store main's dnsdeps wrote (schema 2: leases, no graphs table) is
 * migrated to the latest when opened, its rounds kept. */
static void test_migrate_from_2(void **state)
{
	struct tmp *t = *state;
	struct dd_store *s = open_ok(t->path);
	struct dd_store_round r;
	struct dash n = { 0 };
	sqlite3 *db;

	assert_int_equal(dd_store_domain_add(s, "a.test.", "", 100), 0);
	assert_int_equal(commit_round(s, 100, 0, "a", &r), 0);
	dd_store_close(s);
	assert_int_equal(sqlite3_open(t->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "DROP TABLE graphs; DROP TABLE evidence;"
					  " DROP TABLE audit_queue; DROP TABLE audit_results;"
					  " DROP TABLE audit_workers;"
					  " DELETE FROM schema_version WHERE version >= 3",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	s = open_ok(t->path);
	assert_int_equal(dd_store_graph_put(s, "a.test.", 100, "{}", "digraph a {}"), 0);
	assert_int_equal(dd_store_latest(s, on_latest, &n), 0);
	assert_int_equal(n.round, r.id);
	dd_store_close(s);
	assert_int_equal(sqlite3_open(t->path, &db), SQLITE_OK);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT max(version) FROM schema_version", -1, &st,
					    NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), DD_STORE_SCHEMA_VERSION);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* ---- the distributed audit's queue ---- */

struct names {
	char v[8][64];
	size_t n;
};

static void on_qclaim(void *arg, const char *domain)
{
	struct names *n = arg;

	assert_true(n->n < 8);
	snprintf(n->v[n->n++], sizeof(n->v[0]), "%s", domain);
}

struct sums {
	uint64_t domains, status2, code_a, op_x, reg_r, queries, unknown;
};

static int on_sum(void *arg, const char *what, const char *key, uint64_t n)
{
	struct sums *s = arg;

	if (strcmp(what, "domains") == 0)
		s->domains = n;
	else if (strcmp(what, "status") == 0 && strcmp(key, "2") == 0)
		s->status2 = n;
	else if (strcmp(what, "code") == 0 && strcmp(key, "A") == 0)
		s->code_a = n;
	else if (strcmp(what, "operator") == 0 && strcmp(key, "x.test.") == 0)
		s->op_x = n;
	else if (strcmp(what, "registrar") == 0 && strcmp(key, "R \"q\"") == 0)
		s->reg_r = n;
	else if (strcmp(what, "queries") == 0)
		s->queries = n;
	else if (strcmp(what, "reg_unknown") == 0)
		s->unknown = n;
	return 0;
}

static struct dd_store_qresult qres(const char *domain, int status, const char *registrar)
{
	return (struct dd_store_qresult){ .domain = domain, .status = status, .layer = 1,
					  .codes = "[\"A\"]", .operators = "[\"x.test.\"]",
					  .registrar = registrar, .nns = 2,
					  .doc = "{\"domain\": \"x\"}" };
}

/* Items added once (names with a quote and a backslash too), claimed once
 * until the lease ends, done once: a second result of a domain is dropped. */
static void test_queue(void **state)
{
	struct tmp *t = *state;
	struct dd_store *s = open_ok(t->path);
	const char *names[] = { "a.test.", "b\"q.test.", "c\\.test.", "a.test." };
	struct dd_store_qprogress p;
	struct dd_store_qcount c = { .queries = 7 };
	struct names got = { .n = 0 };
	struct sums sum = { 0 };
	uint64_t added;
	size_t stored;

	assert_int_equal(dd_store_queue_add(s, "j", names, 4, &added), 0);
	assert_int_equal(added, 3);
	assert_int_equal(dd_store_queue_add(s, "j", names, 3, &added), 0);
	assert_int_equal(added, 0);
	assert_int_equal(dd_store_queue_add(s, "other", names, 1, &added), 0);
	assert_int_equal(added, 1);
	assert_int_equal(dd_store_queue_claim(s, "j", "w1", 100, 110, 2, on_qclaim, &got), 0);
	assert_int_equal(got.n, 2);
	assert_string_equal(got.v[0], "a.test.");
	assert_string_equal(got.v[1], "b\"q.test.");
	assert_int_equal(dd_store_queue_claim(s, "j", "w2", 105, 115, 8, on_qclaim, &got), 0);
	assert_int_equal(got.n, 3); /* w1's are held */
	assert_string_equal(got.v[2], "c\\.test.");
	assert_int_equal(dd_store_queue_progress(s, "j", 105, &p), 0);
	assert_true(p.done == 0 && p.leased == 3 && p.left == 0);
	/* w1's lease ended: w2 takes a.test. and stores it first. */
	assert_int_equal(dd_store_queue_claim(s, "j", "w2", 111, 121, 1, on_qclaim, &got), 0);
	assert_string_equal(got.v[3], "a.test.");
	struct dd_store_qresult r2[] = { qres("a.test.", 2, "R \"q\"") };
	assert_int_equal(dd_store_queue_done(s, "j", "w2", 112, r2, 1, &c, &stored), 0);
	assert_int_equal(stored, 1);
	struct dd_store_qresult r1[] = { qres("a.test.", 0, NULL), qres("b\"q.test.", 2, NULL) };
	assert_int_equal(dd_store_queue_done(s, "j", "w1", 113, r1, 2, &c, &stored), 0);
	assert_int_equal(stored, 1); /* a.test.'s was stored by w2 */
	assert_int_equal(dd_store_queue_release(s, "j", "w2"), 0);
	assert_int_equal(dd_store_queue_progress(s, "j", 113, &p), 0);
	assert_true(p.done == 2 && p.leased == 0 && p.left == 1);
	assert_int_equal(dd_store_queue_summary(s, "j", on_sum, &sum), 0);
	assert_int_equal(sum.domains, 2);
	assert_int_equal(sum.status2, 2); /* w2's a.test. and w1's b"q.test. */
	assert_int_equal(sum.code_a, 2);
	assert_int_equal(sum.op_x, 2);
	assert_int_equal(sum.reg_r, 1);
	assert_int_equal(sum.unknown, 1);
	assert_int_equal(sum.queries, 14);
	dd_store_close(s);
}

/* A worker renews the leases it holds on the job's items not done, in one
 * statement: another worker cannot take them after the first lease ends;
 * items done, other workers' and other jobs' are not touched. */
static void test_queue_renew(void **state)
{
	struct tmp *t = *state;
	struct dd_store *s = open_ok(t->path);
	const char *names[] = { "a.test.", "b.test.", "c.test." };
	struct dd_store_qprogress p;
	struct dd_store_qcount c = { .queries = 1 };
	struct names got = { .n = 0 };
	uint64_t added, held;
	size_t stored;

	assert_int_equal(dd_store_queue_add(s, "r", names, 3, &added), 0);
	assert_int_equal(dd_store_queue_add(s, "r2", names, 1, &added), 0);
	assert_int_equal(dd_store_queue_claim(s, "r", "w1", 100, 110, 2, on_qclaim, &got), 0);
	assert_int_equal(dd_store_queue_claim(s, "r", "w2", 100, 110, 1, on_qclaim, &got), 0);
	assert_int_equal(dd_store_queue_claim(s, "r2", "w1", 100, 105, 1, on_qclaim, &got), 0);
	assert_int_equal(got.n, 4);
	assert_int_equal(dd_store_queue_renew(s, "r", "w1", 130, &held), 0);
	assert_int_equal(held, 2);
	/* At 120 w1's leases hold, w2's (not renewed) ended: only c.test. is free. */
	assert_int_equal(dd_store_queue_claim(s, "r", "w3", 120, 125, 8, on_qclaim, &got), 0);
	assert_int_equal(got.n, 5);
	assert_string_equal(got.v[4], "c.test.");
	assert_int_equal(dd_store_queue_progress(s, "r", 120, &p), 0);
	assert_true(p.done == 0 && p.leased == 3 && p.left == 0);
	/* An item done is not renewed (nor leased again). */
	struct dd_store_qresult r[] = { qres("a.test.", 0, NULL) };
	assert_int_equal(dd_store_queue_done(s, "r", "w1", 121, r, 1, &c, &stored), 0);
	assert_int_equal(stored, 1);
	assert_int_equal(dd_store_queue_renew(s, "r", "w1", 140, &held), 0);
	assert_int_equal(held, 1);
	assert_int_equal(dd_store_queue_progress(s, "r", 135, &p), 0);
	assert_true(p.done == 1 && p.leased == 1 && p.left == 1);
	assert_int_equal(dd_store_queue_renew(s, "r", "w2", 140, &held), 0);
	assert_int_equal(held, 0); /* w2's item is w3's now */
	/* The other job's lease was not extended. */
	assert_int_equal(dd_store_queue_progress(s, "r2", 106, &p), 0);
	assert_true(p.done == 0 && p.leased == 0 && p.left == 1);
	dd_store_close(s);
}

/* SQLite has no queue: the calls say so. */
static void test_queue_unsupported(void **state)
{
	struct tmp *t = *state;
	struct dd_store *s = open_ok(t->path);
	const char *names[] = { "a.test." };
	uint64_t added, held;

	assert_int_equal(dd_store_queue_add(s, "j", names, 1, &added), DD_EUNSUPP);
	assert_int_equal(dd_store_queue_renew(s, "j", "w", 10, &held), DD_EUNSUPP);
	dd_store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create_reopen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_newer_schema_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_commit_and_read, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retention, setup, teardown),
		cmocka_unit_test_setup_teardown(test_leases, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conflict, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dashboard, setup, teardown),
		cmocka_unit_test_setup_teardown(test_evidence, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migrate_from_2, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_unsupported, setup, teardown),
	};
	const struct CMUnitTest pg_tests[] = {
		cmocka_unit_test_setup_teardown(test_create_reopen, setup_pg, teardown),
		cmocka_unit_test_setup_teardown(test_commit_and_read, setup_pg, teardown),
		cmocka_unit_test_setup_teardown(test_retention, setup_pg, teardown),
		cmocka_unit_test_setup_teardown(test_leases, setup_pg, teardown),
		cmocka_unit_test_setup_teardown(test_conflict, setup_pg, teardown),
		cmocka_unit_test_setup_teardown(test_dashboard, setup_pg, teardown),
		cmocka_unit_test_setup_teardown(test_evidence, setup_pg, teardown),
		cmocka_unit_test_setup_teardown(test_queue, setup_pg, teardown),
		cmocka_unit_test_setup_teardown(test_queue_renew, setup_pg, teardown),
	};
	const char *pg = getenv("DNSDEPS_TEST_PG");
	int failed = cmocka_run_group_tests(tests, NULL, NULL);

	if (pg && pg[0])
		failed += cmocka_run_group_tests(pg_tests, NULL, NULL);
	return failed;
}
