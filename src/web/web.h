/* web.h: the watch service on the web (docs/web.md): an HTTP server inside
 * `dnsdeps watch` with the dashboard at "/", Prometheus metrics at
 * "/metrics" and the JSON API under "/api/v1/" (docs/api.md).
 *
 * The server is libmicrohttpd's, on its OWN thread: the service's loop is
 * busy during a round (the audit driver runs it), so a page served from
 * that loop would wait for the round. The thread reads the store through a
 * connection of its own (SQLite in WAL mode lets one writer and readers
 * work at once) and the service's counters through a callback that reads
 * them atomically; it never writes anything, and no libuv code is here. */
#ifndef DD_WEB_H
#define DD_WEB_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "core/buf.h"
#include "store/store.h"

#define DD_WEB_WHY_MAX 512

/* Service-wide counters (monotonic since the start of the process). */
#define DD_WEB_DUR_MAX 16

struct dd_web_counters {
	/* The check duration histogram: nbounds upper bounds (seconds,
	 * ascending) and nbounds + 1 counts per bucket (not cumulative; the
	 * last above every bound), the sum of the durations. */
	const double *bounds;
	size_t nbounds;
	uint64_t dur_count[DD_WEB_DUR_MAX + 1];
	double dur_sum_s;
	uint64_t rounds;        /* domain-rounds committed */
	uint64_t checks;        /* service rounds */
	uint64_t alerts_sent, alerts_failed;
	uint64_t queries, timeouts;
};

struct dd_web_opts {
	const char *listen;     /* "ADDR:PORT", "[ADDR6]:PORT" or "PORT" (127.0.0.1) */
	const char *store;      /* the store's name, opened again by the server */
	const char *cert, *key; /* TLS (PEM files), both or neither */
	const char *token_file; /* bearer token; NULL none */
	const char *auth_file;  /* "user:password" for basic auth; NULL none */
	/* The counters, read on the server's thread. */
	void (*counters)(void *ctx, struct dd_web_counters *out);
	void *ctx;
};

struct dd_web;

/* Start the server. Refuses (DD_EINVAL) a non-loopback address without a
 * token or basic auth, an address it cannot parse, a half TLS setup, an
 * unreadable secret; DD_EIO when it cannot listen or open the store. why is
 * set on failure. */
int dd_web_start(struct dd_web **out, const struct dd_web_opts *o, char why[DD_WEB_WHY_MAX]);
/* Stop the thread, close the connections and the store. */
void dd_web_stop(struct dd_web *w);

/* "ADDR:PORT", "[ADDR6]:PORT" or "PORT" to an address; *loopback tells
 * whether it is 127.0.0.0/8 or ::1. 0 or DD_EINVAL with why. */
int dd_web_listen_parse(const char *text, struct sockaddr_storage *ss, socklen_t *len,
			int *loopback, const char **why);

/* ---- the pages (pure over a store: the server and the tests call them) ---- */

/* The rows of the last read of the store (web_int.h), kept between pages
 * by the server (one thread) so unchanged rounds are not parsed again. */
struct dd_web_rows;

/* /metrics: the Prometheus text exposition format, version 0.0.4. cache:
 * NULL, or the rows of the last read (web_int.h; see dd_web_rows_read). */
int dd_web_metrics(struct dd_store *st, struct dd_web_rows *cache,
		   const struct dd_web_counters *c, struct dd_buf *out);

/* An API answer: path is what follows "/api/v1/" (without the query),
 * query the raw query string or NULL. 0 with *status set (200, 404, ...),
 * *ctype and the document in out (JSON; the graph's SVG rendered by
 * Graphviz), or DD_ENOMEM / DD_EIO. */
struct dd_rep_gv;
/* gv: the Graphviz context the graphs are drawn with (report.h), or NULL
 * for one made for the drawing (a single drawing per process only). */
int dd_web_api(struct dd_store *st, struct dd_web_rows *cache, struct dd_rep_gv *gv,
	       const char *path, const char *query, int64_t now, int *status,
	       const char **ctype, struct dd_buf *out);

/* A file of the dashboard (embedded at build time from src/web/assets):
 * its bytes and content type, or NULL when there is none by that path. */
const char *dd_web_asset(const char *path, size_t *len, const char **ctype);

#endif
