/* whois.h: WHOIS (RFC 3912) on the shared libuv loop: resolve the server,
 * connect over TCP, send the query and CRLF, read until the server closes.
 * Bounded by one deadline for the whole exchange and by a size cap; a
 * server that never closes is a timeout, not a hang. */
#ifndef DD_NET_WHOIS_H
#define DD_NET_WHOIS_H

#include <stddef.h>

struct dd_net;
struct dd_net_whois;

struct dd_net_whois_reply {
	int err;          /* 0, DD_ETIMEDOUT, DD_ELIMIT (answer too large),
			   * DD_EUNREACH (no address or connection), DD_ERESET,
			   * DD_EDENIED (guarded: every address refused) */
	const char *why;  /* a short explanation when err != 0 */
	const char *text; /* the answer, NUL-terminated; valid in the callback */
	size_t len;
	double ms;
};

typedef void (*dd_net_whois_cb)(void *arg, const struct dd_net_whois_reply *reply);

/* Start a query. timeout_ms covers resolution, connection and reading;
 * max_len bounds the answer. On success the callback is called exactly once,
 * later, unless the query is canceled first; on failure never. *out (may be
 * NULL) identifies the query for dd_net_whois_cancel. */
int dd_net_whois_query(struct dd_net *net, const char *host, unsigned port, const char *query,
		       unsigned timeout_ms, size_t max_len, dd_net_whois_cb cb, void *arg,
		       struct dd_net_whois **out);
/* For a server a WHOIS answer referred to: connect only to addresses
 * dd_net_guard_addr allows (net/guard.h); when it allows none, the query
 * ends with DD_EDENIED and why saying what the name resolved to. Call it
 * right after dd_net_whois_query, before the loop runs again. */
void dd_net_whois_guard(struct dd_net_whois *w);
/* Stop a query; its callback will not be called. */
void dd_net_whois_cancel(struct dd_net_whois *w);

#endif
