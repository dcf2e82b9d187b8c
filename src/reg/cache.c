/* cache.c: registration answers kept between runs in one SQLite table,
 * (domain, fetched, record JSON). A cache: synchronous writes are off (an
 * answer lost in a crash is asked again), and a busy database is waited
 * for a little, then skipped. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "reg/fetch.h"

#define BUSY_MS 2000

struct dd_reg_cache {
	sqlite3 *db;
	sqlite3_stmt *get, *put;
};

static const char schema[] =
	"PRAGMA journal_mode=WAL;"
	"PRAGMA synchronous=OFF;"
	"CREATE TABLE IF NOT EXISTS reg_answers ("
	" domain TEXT PRIMARY KEY, fetched INTEGER NOT NULL, record TEXT NOT NULL);";

int dd_reg_cache_open(const char *path, struct dd_reg_cache **out, char why[DD_REG_WHY_MAX])
{
	struct dd_reg_cache *c = calloc(1, sizeof(*c));
	char *msg = NULL;

	*out = NULL;
	if (!c)
		return DD_ENOMEM;
	if (sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
		    SQLITE_OK ||
	    sqlite3_busy_timeout(c->db, BUSY_MS) != SQLITE_OK ||
	    sqlite3_exec(c->db, schema, NULL, NULL, &msg) != SQLITE_OK ||
	    sqlite3_prepare_v2(c->db, "SELECT fetched, record FROM reg_answers WHERE domain = ?",
			       -1, &c->get, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(c->db, "INSERT OR REPLACE INTO reg_answers VALUES (?, ?, ?)", -1,
			       &c->put, NULL) != SQLITE_OK) {
		snprintf(why, DD_REG_WHY_MAX, "registration cache %.100s: %s", path,
			 msg ? msg : c->db ? sqlite3_errmsg(c->db) : "cannot open");
		sqlite3_free(msg);
		dd_reg_cache_close(c);
		return DD_EIO;
	}
	*out = c;
	return 0;
}

void dd_reg_cache_close(struct dd_reg_cache *c)
{
	if (!c)
		return;
	sqlite3_finalize(c->get);
	sqlite3_finalize(c->put);
	sqlite3_close(c->db);
	free(c);
}

int dd_reg_cache_get(struct dd_reg_cache *c, const char *domain, int64_t now, int64_t ttl_s,
		     char **json, int64_t *fetched)
{
	int rc = DD_ENOTFOUND;

	*json = NULL;
	sqlite3_reset(c->get);
	sqlite3_bind_text(c->get, 1, domain, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(c->get) == SQLITE_ROW) {
		int64_t t = sqlite3_column_int64(c->get, 0);
		const unsigned char *rec = sqlite3_column_text(c->get, 1);
		/* not from the future either: a clock set back does not keep
		 * an answer forever */
		if (rec && t <= now && now - t <= ttl_s) {
			*json = strdup((const char *)rec);
			*fetched = t;
			rc = *json ? 0 : DD_ENOMEM;
		}
	}
	sqlite3_reset(c->get);
	return rc;
}

int dd_reg_cache_put(struct dd_reg_cache *c, const char *domain, int64_t now, const char *json)
{
	int rc;

	sqlite3_reset(c->put);
	sqlite3_bind_text(c->put, 1, domain, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(c->put, 2, now);
	sqlite3_bind_text(c->put, 3, json, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(c->put);
	sqlite3_reset(c->put);
	return rc == SQLITE_DONE ? 0 : DD_EIO;
}
