/* test_store.c: the store on a real SQLite file in a temporary directory:
 * creation and reopening, a refused newer schema, a commit of a round with
 * its events, state, incident and alerts, a commit that fails leaving
 * nothing behind, history and status, the outbox's retries and delivery,
 * and retention keeping each domain's last and last good rounds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "core/err.h"
#include "store/store.h"

struct tmp {
	char dir[64];
	char path[128];
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
	assert_int_equal(dd_store_open(&s, "postgresql://db/x", why), DD_EUNSUPP);
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
	assert_int_equal(dd_store_outbox_due(s, 2000, 10, on_alert, &n), 0);
	assert_int_equal(n.alerts, 1);
	/* A failed delivery is tried again later, then delivered. */
	assert_int_equal(dd_store_outbox_done(s, n.alert_id, 0, 1000, 1500, "refused"), 0);
	n.alerts = 0;
	assert_int_equal(dd_store_outbox_due(s, 1400, 10, on_alert, &n), 0);
	assert_int_equal(n.alerts, 0);
	assert_int_equal(dd_store_outbox_due(s, 1500, 10, on_alert, &n), 0);
	assert_int_equal(n.alerts, 1);
	assert_int_equal(dd_store_outbox_done(s, n.alert_id, 1, 1500, 0, NULL), 0);
	n.alerts = 0;
	assert_int_equal(dd_store_outbox_due(s, 9999, 10, on_alert, &n), 0);
	assert_int_equal(n.alerts, 0);
	assert_int_equal(dd_store_status(s, on_row, &n), 0);
	assert_int_equal(n.rows, 1);
	dd_store_close(s);
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
	sqlite3 *db;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_open(t->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM contents", -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 1);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create_reopen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_newer_schema_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_commit_and_read, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retention, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
