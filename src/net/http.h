/* http.h: HTTP GET and POST (and SMTP) on the shared libuv loop, through libcurl's multi
 * interface (curl tells which sockets to watch and when to wake; uv_poll and
 * a uv_timer do the waiting), so registry look-ups run concurrently with the
 * DNS exchanges. Bounded: a whole-transfer timeout, a body cap, a redirect
 * limit; https only unless the URL itself says http://, redirects to https
 * only. Retries and waiting are the caller's (net/pace.h): a reply gives the
 * Retry-After it carried. With a guard (net/guard.h), a redirect, and any
 * URL a server supplied, may not connect to a private, loopback, link-local
 * or multicast address. */
#ifndef DD_NET_HTTP_H
#define DD_NET_HTTP_H

#include <stddef.h>

struct dd_net;
struct dd_net_http;
struct dd_net_guard;

struct dd_net_http_opts {
	const char *ca_file;        /* also trust these CAs (PEM), or NULL */
	unsigned timeout_ms;        /* whole transfer, redirects included */
	unsigned connect_timeout_ms;
	size_t max_body;            /* larger bodies are refused */
	unsigned max_redirects;
	const struct dd_net_guard *guard; /* checks server-supplied destinations, or NULL */
};

struct dd_net_http_reply {
	int err;             /* 0 (any HTTP status), DD_ETIMEDOUT, DD_ELIMIT (body
			      * too large), DD_ELOOP (too many redirects),
			      * DD_EUNSUPP (redirect to a refused scheme),
			      * DD_EUNREACH (no connection), DD_EMALFORMED (TLS or
			      * HTTP failure), DD_EDENIED (the guard refused the
			      * address: why says which) */
	const char *why;     /* curl's explanation when err != 0 */
	long status;         /* HTTP status of the last response, 0 if none */
	const char *body;    /* NUL-terminated; valid during the callback */
	size_t len;
	const char *url;     /* the URL finally fetched (after redirects) */
	unsigned retry_after_s; /* Retry-After in seconds (capped at a day), or 0 */
	double ms;           /* time taken */
};

typedef void (*dd_net_http_cb)(void *arg, const struct dd_net_http_reply *reply);

/* One per dd_net. Zero fields of opts get defaults (10 s, 1 MiB, 5
 * redirects). */
int dd_net_http_new(struct dd_net *net, const struct dd_net_http_opts *opts,
		    struct dd_net_http **out);
/* Abandons transfers in flight (their callbacks are not called). Memory is
 * released as the loop runs its close callbacks (dd_net_run, dd_net_free). */
void dd_net_http_free(struct dd_net_http *h);
/* Start a GET. On success the callback is called exactly once, later, from
 * the loop; on failure (returned error) never. */
int dd_net_http_get(struct dd_net_http *h, const char *url, dd_net_http_cb cb, void *arg);
/* The same for a URL a server supplied (an RDAP link): https only
 * (DD_EDENIED otherwise), and its first connection is checked by the guard
 * too, unless the guard trusts its host and port. */
int dd_net_http_get_supplied(struct dd_net_http *h, const char *url, dd_net_http_cb cb,
			     void *arg);
/* Start a POST of body (copied) with this Content-Type; no redirects are
 * followed. Same callback rule as a GET. */
int dd_net_http_post(struct dd_net_http *h, const char *url, const char *content_type,
		     const char *body, size_t len, dd_net_http_cb cb, void *arg);
/* Send one mail (message: headers, blank line, body, CRLF line ends;
 * copied) from one address to one through url (smtp://host:port, STARTTLS
 * when offered; smtps://). The reply's status is the last SMTP code. */
int dd_net_http_mail(struct dd_net_http *h, const char *url, const char *from, const char *to,
		     const char *message, size_t len, dd_net_http_cb cb, void *arg);

#endif
