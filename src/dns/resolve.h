/* resolve.h: the iterative resolver and the trace walk, with no I/O.
 *
 * Both ask for exchanges through a service table (struct dd_dns_services)
 * and are handed back the digested reply; the probe layer implements the
 * service over src/net and records every exchange as evidence, a test can
 * implement it over recorded replies. One context holds the run's cache of
 * zone cuts and nameserver addresses, shared by every resolution and trace
 * in the run. Hard bounds on referral depth, CNAME chain length, nesting of
 * nameserver-address lookups and queries per resolution; loops are detected
 * and reported, never spun in. */
#ifndef DD_DNS_RESOLVE_H
#define DD_DNS_RESOLVE_H

#include <stddef.h>
#include <stdint.h>

#include "dns/msg.h"

/* ---- the exchange service ------------------------------------------- */

struct dd_dns_ask {
	const char *server;   /* NS name the address belongs to */
	const char *address;  /* textual IPv4 or IPv6 address */
	const char *zone;     /* the zone the server is asked as a server of */
	const char *qname;
	uint16_t qtype;
	int tcp;              /* ask over TCP from the start */
	const struct dd_dns_qopts *qopts; /* NULL: dd_dns_qopts_default */
	void *rec;            /* opaque here: where the service records the exchange */
};

struct dd_dns_reply {
	enum dd_dns_state state;
	const struct dd_dns_digest *digest; /* NULL when no usable reply */
	int tcp;              /* protocol of the final exchange */
	double rtt_ms;        /* < 0 when unknown */
	size_t size;          /* bytes of the final reply, 0 when none */
	int exchange;         /* evidence index of the final exchange, or -1 */
	unsigned exchanges;   /* exchanges made (2 when TC made it retry over TCP) */
	const char *detail;   /* "" when nothing to say */
};

typedef void (*dd_dns_reply_cb)(void *arg, const struct dd_dns_reply *r);

struct dd_dns_services {
	/* Start an exchange; the callback runs exactly once, later, unless an
	 * error is returned. */
	int (*ask)(void *ctx, const struct dd_dns_ask *q, dd_dns_reply_cb cb, void *arg);
	/* Call fn(arg) soon, from the loop, never from within this call
	 * (answers already known are handed over this way). May be NULL: then
	 * they wait until the network is idle (dd_dns_ctx_break_stalls). */
	int (*defer)(void *ctx, void (*fn)(void *arg), void *arg);
	void *ctx;
};

/* ---- context -------------------------------------------------------- */

struct dd_dns_limits {
	unsigned max_referrals; /* zone cuts walked per resolution */
	unsigned max_cname;     /* CNAMEs followed per resolution */
	unsigned max_queries;   /* exchanges per resolution (its own) */
	unsigned max_nesting;   /* depth of NS-address lookups inside lookups */
	unsigned max_servers;   /* NS names used per zone */
	int ipv4, ipv6;         /* address families to use */
};

void dd_dns_limits_default(struct dd_dns_limits *l);

struct dd_dns_hint {
	char name[DD_NAME_MAX];
	char addr[DD_DNS_ADDR_MAX];
};

/* Parse root hints in named.root format (NS records of "." and the
 * addresses of those names). Returns 0 and a malloc'd array, DD_EPARSE with
 * *line set to the offending line, or DD_ENOTFOUND when nothing usable. */
int dd_dns_hints_parse(const char *text, struct dd_dns_hint **out, size_t *n, unsigned *line);
/* The built-in IANA named.root. */
const char *dd_dns_builtin_hints(void);

struct dd_dns_ctx;

int dd_dns_ctx_new(struct dd_dns_ctx **out, const struct dd_dns_services *svc,
		   const struct dd_dns_limits *lim, const struct dd_dns_hint *hints, size_t nhints);
void dd_dns_ctx_free(struct dd_dns_ctx *ctx);
/* Call when the network has nothing left in flight. First it delivers the
 * answers dd_dns_host had ready at once (its callback is never called from
 * within the call). Failing that, lookups still waiting can only be waiting
 * on each other (A's servers are named under B and B's under A, all
 * glueless): they fail as a DEPENDENCY_LOOP, which wakes whoever waits on
 * them. Returns how many callbacks ran; run the network again while this is
 * non-zero. */
size_t dd_dns_ctx_break_stalls(struct dd_dns_ctx *ctx);
/* Bound the context's caches: drop the least recently used zone cuts past
 * max_zones, and finished nameserver address lookups past max_hosts (those
 * still running, waited on, or with an answer not yet delivered stay). A
 * dropped entry is learned again when needed, at the price of a query.
 * Call only from a callback of the loop with no resolver code below it on
 * the stack (a finished domain's, say): code in the middle of a walk holds
 * the entries it reads. Returns how many entries went. */
size_t dd_dns_ctx_trim(struct dd_dns_ctx *ctx, size_t max_zones, size_t max_hosts);

/* ---- resolution ----------------------------------------------------- */

enum dd_dns_status {
	DD_RES_ANSWER,
	DD_RES_NODATA,
	DD_RES_NXDOMAIN,
	DD_RES_FAILED,
	DD_RES_DELEGATED, /* dd_dns_trace_to_cut stopped at the name's own zone cut */
};

const char *dd_dns_status_name(enum dd_dns_status s);

/* Why a resolution failed (DD_RES_FAILED); the names are what the evidence
 * and `trace` write. */
enum dd_dns_fail {
	DD_FAIL_NONE = 0,
	DD_FAIL_ALL_SERVERS_FAILED,   /* every server of the zone failed */
	DD_FAIL_NO_ADDRESSES,         /* no server address could be found or used */
	DD_FAIL_REFERRAL_LOOP,        /* a referral went back up or sideways */
	DD_FAIL_DEPTH_LIMIT,          /* too many referrals, or lookups nested too deep */
	DD_FAIL_QUERY_LIMIT,          /* the resolution's query budget is spent */
	DD_FAIL_CNAME_LOOP,
	DD_FAIL_CNAME_CHAIN_TOO_LONG,
	DD_FAIL_DEPENDENCY_LOOP,      /* a name's addresses depend on servers that depend on it */
	DD_FAIL_NO_MEMORY,
	DD_FAIL_COUNT
};

/* "ALL_SERVERS_FAILED", ...; NULL for DD_FAIL_NONE. */
const char *dd_dns_fail_name(enum dd_dns_fail f);

struct dd_dns_result {
	enum dd_dns_status status;
	enum dd_dns_fail code; /* DD_FAIL_NONE unless status is DD_RES_FAILED */
	char zone[DD_NAME_MAX];        /* zone whose servers gave the final word */
	char message[256];
	const struct dd_dns_digest *final; /* the reply that ended the resolution (an
					    * answer, NODATA, NXDOMAIN), valid during the
					    * callback only; NULL otherwise */
	char chain[DD_DNS_MAX_CHAIN * 2][DD_NAME_MAX]; /* names followed by CNAME */
	size_t nchain;
	unsigned queries;
};

typedef void (*dd_dns_result_cb)(void *arg, const struct dd_dns_result *res);

/* rec, in the calls below, is handed unchanged to the exchange service with
 * every question asked on the caller's behalf (the probe records there); a
 * lookup shared through the cache records with whoever started it. */

/* Resolve (qname, qtype) iteratively from the root (or the closest cached
 * zone cut). The callback runs exactly once, later, unless an error is
 * returned. */
int dd_dns_resolve(struct dd_dns_ctx *ctx, const char *qname, uint16_t qtype, void *rec,
		   dd_dns_result_cb cb, void *arg);

/* Addresses of a host name (A and/or AAAA per the limits), coalesced and
 * cached for the run. */
struct dd_dns_host {
	enum dd_dns_status status; /* ANSWER when at least one address */
	enum dd_dns_fail code;
	char message[256];
	char (*addrs)[DD_DNS_ADDR_MAX];
	size_t naddrs;
	char cname[DD_NAME_MAX];   /* first CNAME target, "" when none */
	uint32_t ttl;
};

typedef void (*dd_dns_host_cb)(void *arg, const struct dd_dns_host *h);
int dd_dns_host(struct dd_dns_ctx *ctx, const char *name, void *rec, dd_dns_host_cb cb,
		void *arg);

/* ---- trace ---------------------------------------------------------- */

struct dd_dns_trace_server {
	char name[DD_NAME_MAX];
	char addr[DD_DNS_ADDR_MAX];  /* "" when the name has no usable address */
	enum dd_dns_state state;
	int tcp;
	int rcode;                   /* -1 when no reply */
	int aa;                      /* -1 when no reply */
	char referral[DD_NAME_MAX];
	double rtt_ms;               /* < 0 when unknown */
	size_t size;
	int exchange;
	char detail[200];
	struct dd_dns_digest *digest; /* the reply, NULL when none */
};

struct dd_dns_trace_step {
	char zone[DD_NAME_MAX];
	char qname[DD_NAME_MAX];
	struct dd_dns_trace_server *servers;
	size_t nservers;
	int disagreement;
	char next[DD_NAME_MAX];      /* "" at the end */
};

struct dd_dns_trace {
	struct dd_dns_result result;
	struct dd_dns_trace_step *steps;
	size_t nsteps;
	unsigned queries;
	unsigned timeouts;
	int reused;       /* set during the callback of dd_dns_trace_shared when the walk
			   * was made for another caller: its exchange ids are not yours */
	unsigned refs;    /* holders; dd_dns_trace_free drops one */
};

typedef void (*dd_dns_trace_cb)(void *arg, const struct dd_dns_trace *t);

/* Walk from the root to (qname, qtype), asking every server of every zone
 * on the way on all its addresses. The trace handed to the callback lives
 * until dd_dns_trace_free. */
int dd_dns_trace_start(struct dd_dns_ctx *ctx, const char *qname, uint16_t qtype, void *rec,
		       dd_dns_trace_cb cb, void *arg);
/* The same walk, stopping when the name's parent refers to the name itself
 * (status DD_RES_DELEGATED): the name's own servers are not asked, for
 * callers that examine them themselves. */
int dd_dns_trace_to_cut(struct dd_dns_ctx *ctx, const char *qname, uint16_t qtype, void *rec,
			dd_dns_trace_cb cb, void *arg);
/* The walk of dd_dns_trace_start, shared by the run: a walk to the same
 * name and type already made (and not older than its lowest TTL, at most
 * DD_DNS_WALK_TTL_MAX seconds) or in flight is handed over instead of
 * walking again (t->reused tells, during the callback). Failed walks are
 * not kept. */
#define DD_DNS_WALK_TTL_MAX 300
int dd_dns_trace_shared(struct dd_dns_ctx *ctx, const char *qname, uint16_t qtype, void *rec,
			dd_dns_trace_cb cb, void *arg);
/* Drop the caller's hold on a trace (freed with the last one). */
void dd_dns_trace_free(struct dd_dns_trace *t);

#endif
