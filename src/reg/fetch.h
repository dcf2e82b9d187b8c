/* fetch.h: live registration look-ups. For a domain's registrable name it
 * asks the registry's RDAP service (bootstrap, override first), then the
 * registrar's RDAP record the answer links to; where there is no RDAP, or it
 * fails, the registry's WHOIS server (table, else IANA's "refer:"), then a
 * thin registry's registrar WHOIS. Every request waits for its server's
 * token (net/pace.h: a bucket per RDAP server and per WHOIS host); a 429 or
 * 503 (or a 403 with Retry-After), or a WHOIS answer saying "quota
 * exceeded", holds that server for Retry-After, else for an exponential
 * backoff with jitter, and is retried a bounded number of times. Runs on
 * the shared dd_net loop next to
 * the DNS probe; one look-up per registrable domain per run (cached). When
 * nothing can be had, the outcome says why instead of guessing. A host that
 * failed at the network level is not asked again for a while: requests to
 * it fail at once, saying so. */
#ifndef DD_REG_FETCH_H
#define DD_REG_FETCH_H

#include <stdint.h>

#include "reg/reg.h"

struct dd_net;

struct dd_reg_fetch_opts {
	const char *bootstrap;     /* IANA RDAP bootstrap file, or NULL (no RDAP) */
	const char *override;      /* override bootstrap file, or NULL */
	const char *whois_servers; /* WHOIS table file, or NULL */
	const char *ca_file;       /* extra trusted CAs for RDAP over https */
	const char *iana_whois;    /* IANA's WHOIS server, "whois.iana.org" */
	unsigned iana_port;        /* 43 */
	unsigned timeout_ms;       /* per request (default 10000) */
	unsigned max_retry_after_s; /* longest HTTP 429 Retry-After waited for */
	int no_registrar;          /* do not follow to the registrar's record */
	unsigned failed_host_hold_ms; /* a host that failed (no address, refused,
				       * reset, TLS, timeout) is not asked again
				       * for this long (default 60000) */
	double rdap_per_min;       /* requests a minute to one RDAP server (60) */
	double whois_per_min;      /* queries a minute to one WHOIS host (30) */
	unsigned burst;            /* requests a server may get at once (10) */
	unsigned max_retries;      /* after 429/503 (and 403 with Retry-After) or
				    * a WHOIS rate-limit answer (3) */
	unsigned backoff_ms;       /* first backoff without Retry-After (1000),
				    * doubled each retry, with jitter */
	int rate_forced;           /* the rates above apply to every server, also
				    * those of data/reg-rates.conf (--reg-rate) */
	const char *cache;         /* SQLite file of answers kept between runs,
				    * or NULL (--reg-cache) */
	unsigned cache_ttl_s;      /* an answer older than this is asked again
				    * (default 86400) */
	int64_t now;               /* the wall clock for the cache (0: real) */
};

/* Why registration data is unavailable. */
enum dd_reg_unavail {
	DD_REG_AVAILABLE = 0,
	DD_REG_NO_SOURCE,    /* no RDAP service and no WHOIS server known */
	DD_REG_TIMEOUT,
	DD_REG_RATE_LIMITED, /* HTTP 429 */
	DD_REG_UNPARSEABLE,  /* an answer that is neither RDAP nor WHOIS data */
	DD_REG_TOO_LARGE,    /* an answer over 1 MiB */
	DD_REG_NETWORK,      /* no connection, TLS failure, refused redirect */
	DD_REG_HTTP_ERROR,   /* an HTTP status other than 200 and 404 */
};

#define DD_REG_TRIED_MAX 16 /* sources noted in one outcome */

/* One request of the look-up and how it ended, in the order made. */
struct dd_reg_tried {
	const char *protocol; /* "rdap", "whois" (static strings) */
	char *where;          /* URL or host:port */
	char *what;           /* "found", "HTTP 429 (Retry-After 1 s), retried"... */
};

struct dd_reg_outcome {
	struct dd_reg_record *record; /* NULL when unavailable */
	enum dd_reg_unavail reason;
	char why[DD_REG_WHY_MAX];     /* the reason in words, or notes */
	char *refused;                /* a server-supplied destination (RDAP
				       * link or redirect, WHOIS referral) not
				       * followed, and why; NULL when none */
	char domain[256];             /* the registrable domain asked for */
	struct dd_reg_tried *tried;   /* every request, RDAP then WHOIS */
	size_t ntried;
};

void dd_reg_fetch_opts_init(struct dd_reg_fetch_opts *o);
const char *dd_reg_unavail_name(enum dd_reg_unavail reason);

struct dd_reg_fetcher;
/* Loads the bootstrap and WHOIS tables; DD_EPARSE etc. with why. */
int dd_reg_fetcher_new(struct dd_net *net, const struct dd_reg_fetch_opts *o,
		       struct dd_reg_fetcher **out, char why[DD_REG_WHY_MAX]);
/* Abandons look-ups in flight (no callbacks). Call before dd_net_free. */
void dd_reg_fetcher_free(struct dd_reg_fetcher *f);

typedef void (*dd_reg_fetch_cb)(void *arg, const struct dd_reg_outcome *outcome);
/* The published limit of a server (data/reg-rates.conf, compiled in): 0
 * with per_min and burst for host's longest listed suffix, or DD_ENOTFOUND.
 * dd_reg_rate_in reads the same from conf (DD_EPARSE with why). */
int dd_reg_rate_of(const char *host, double *per_min, unsigned *burst);
int dd_reg_rate_in(const char *conf, const char *host, double *per_min, unsigned *burst,
		   char why[DD_REG_WHY_MAX]);

/* Answers kept between runs, per registrable domain (SQLite): what check,
 * audit (and later watch) share so that a portfolio asks each registry once
 * per TTL. Only records (found, not-found) are kept, never a failure. */
struct dd_reg_cache;
int dd_reg_cache_open(const char *path, struct dd_reg_cache **out, char why[DD_REG_WHY_MAX]);
void dd_reg_cache_close(struct dd_reg_cache *c);
/* The record of domain kept at most ttl_s before now: 0 with *json
 * (malloc'd, dnsdeps.registration/1) and *fetched, or DD_ENOTFOUND. */
int dd_reg_cache_get(struct dd_reg_cache *c, const char *domain, int64_t now, int64_t ttl_s,
		     char **json, int64_t *fetched);
/* Keep json as domain's record fetched at now: 0 or DD_EIO. */
int dd_reg_cache_put(struct dd_reg_cache *c, const char *domain, int64_t now, const char *json);

/* Requests let through to a server (scheme and authority of an RDAP URL,
 * or "host:port" of a WHOIS server) so far. */
unsigned long dd_reg_fetch_sent(const struct dd_reg_fetcher *f, const char *server);

/* Look up name's registrable domain. The outcome belongs to the fetcher and
 * is valid during the callback only: copy what you keep (the fetcher keeps
 * a bounded number of finished look-ups). When already known, or when it
 * fails at once, the callback runs before this returns; otherwise later,
 * from the loop. Errors: DD_ENAME, DD_ENOMEM. */
int dd_reg_fetch(struct dd_reg_fetcher *f, const char *name, dd_reg_fetch_cb cb, void *arg);

/* Everything for one name on a loop of its own; out->record (if any)
 * belongs to the caller: dd_reg_outcome_free. */
int dd_reg_fetch_one(const struct dd_reg_fetch_opts *o, const char *name,
		     struct dd_reg_outcome *out);
void dd_reg_outcome_free(struct dd_reg_outcome *o);
/* The record and the list of sources move from o to the caller's copy. */
void dd_reg_outcome_take(struct dd_reg_outcome *dst, struct dd_reg_outcome *o);

#endif
