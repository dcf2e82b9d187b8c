/* store_int.h: what the backends share inside src/store only: their
 * tables, and the SQL (store_sql.c) written once for every dialect. */
#ifndef DD_STORE_INT_H
#define DD_STORE_INT_H

#include "store/store.h"

extern const struct dd_store_ops dd_store_sqlite_ops;
extern const struct dd_store_ops dd_store_pg_ops;

/* The most rows one read hands back (history, status): every query is
 * bounded. */
#define DD_STORE_READ_MAX 10000000

enum dd_store_dialect { DD_DIALECT_SQLITE = 0, DD_DIALECT_PG = 1 };

enum dd_store_sql_id {
	DD_SQL_DOMAIN_ADD, DD_SQL_DSTATE, DD_SQL_RESCHEDULE, DD_SQL_ROUND_GET, DD_SQL_CONTENT_ADD,
	DD_SQL_CONTENT_ID, DD_SQL_ROUND_ADD,
	DD_SQL_EVENT_ADD, DD_SQL_DSTATE_SET, DD_SQL_INC_OPEN, DD_SQL_INC_UPDATE, DD_SQL_INC_CLOSE,
	DD_SQL_ALERT_ADD, DD_SQL_HIST_ROUNDS, DD_SQL_HIST_EVENTS, DD_SQL_STATUS,
	DD_SQL_OUTBOX_CLAIM, DD_SQL_OUTBOX_OK, DD_SQL_OUTBOX_RETRY, DD_SQL_CLAIM, DD_SQL_RELEASE, DD_SQL_RELEASE_OUTBOX,
	DD_SQL_RETAIN_ROUNDS, DD_SQL_RETAIN_CONTENTS, DD_SQL_RETAIN_EVENTS, DD_SQL_RETAIN_INCIDENTS, DD_SQL_RETAIN_OUTBOX,
	DD_SQL_LATEST, DD_SQL_INCIDENTS, DD_SQL_GRAPH_PUT, DD_SQL_GRAPH_GET,
	DD_SQL_EVIDENCE_PUT, DD_SQL_EVIDENCE_GET,
	DD_SQL_Q_ADD, DD_SQL_Q_CLAIM, DD_SQL_Q_DONE, DD_SQL_Q_WORKER, DD_SQL_Q_RELEASE,
	DD_SQL_Q_RENEW,
	DD_SQL_Q_PROGRESS, DD_SQL_Q_SUMMARY,
	DD_SQL_COUNT
};

/* dd_store_migrations[v] takes a store from version v to v + 1. */
extern const char *const dd_store_migrations[DD_STORE_SCHEMA_VERSION];
extern const char *const dd_store_sql[DD_SQL_COUNT];

/* The text of sql for a dialect (store_sql.c's tokens expanded), to
 * free; NULL when out of memory. */
char *dd_store_sql_expand(const char *sql, enum dd_store_dialect d);

#endif
