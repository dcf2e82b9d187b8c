/* resolve_int.h: what resolve.c, iter.c and trace.c share inside src/dns;
 * not part of the module's interface (that is resolve.h). */
#ifndef DD_DNS_RESOLVE_INT_H
#define DD_DNS_RESOLVE_INT_H

#include "core/list.h"
#include "core/map.h"
#include "dns/resolve.h"

struct dd_dns_zoneinfo {
	struct dd_list_node lru;  /* in ctx->zones_lru, most recently used first */
	char zone[DD_NAME_MAX];
	char ns[DD_DNS_MAX_NS][DD_NAME_MAX];
	size_t nns;
	struct dd_dns_addr *glue; /* in-bailiwick glue from the referral */
	size_t nglue;
};

enum { HOST_PENDING = 1, HOST_DONE = 2 };

struct waiter {
	struct waiter *next;
	dd_dns_host_cb cb;
	void *arg;
	const struct dd_dns_host *host; /* for deferred calls */
};

struct hostent {
	struct dd_list_node lru;  /* in ctx->hosts_lru, most recently used first */
	char name[DD_NAME_MAX];
	int state;
	int parts;          /* A/AAAA resolutions still running */
	int saw_nxdomain, saw_nodata;
	struct dd_dns_host h;
	struct waiter *waiters;
};

struct dd_dns_ctx {
	struct dd_dns_services svc;
	struct dd_dns_limits lim;
	struct dd_dns_hint *hints;
	size_t nhints;
	struct dd_map zones; /* zone name -> struct dd_dns_zoneinfo */
	struct dd_map hosts; /* host name -> struct hostent */
	struct dd_list zones_lru, hosts_lru; /* the same entries, for dd_dns_ctx_trim */
	struct waiter *deferred;
	struct dd_map walks; /* "name|type" -> struct walk (trace.c) */
	struct dd_list kept_walks; /* finished walks, least recently used last */
};

/* Free the shared walks (trace.c), at dd_dns_ctx_free. */
void dd_dns_walks_free(struct dd_dns_ctx *ctx);

/* Add the CNAMEs reply d followed to the result's chain (orig is the name
 * first asked). Returns 0, or the code CNAME_LOOP / CNAME_CHAIN_TOO_LONG
 * with res->message set. */
enum dd_dns_fail dd_dns_chain_append(const struct dd_dns_ctx *ctx, struct dd_dns_result *res,
				     const char *orig, const struct dd_dns_digest *d);
/* The closest zone cut known for name ("." at worst), into out. */
void dd_dns_closest_cut(struct dd_dns_ctx *ctx, const char *name, char out[DD_NAME_MAX]);
int dd_dns_family_ok(const struct dd_dns_ctx *ctx, const char *addr);
const struct dd_dns_zoneinfo *dd_dns_zone_get(struct dd_dns_ctx *ctx, const char *zone);
void dd_dns_zone_learn(struct dd_dns_ctx *ctx, const char *parent, const struct dd_dns_digest *d);
/* Host addresses at a nesting depth. When already known, *now is set and
 * cb is not called; otherwise cb is called later. */
int dd_dns_host_nested(struct dd_dns_ctx *ctx, const char *name, unsigned nesting, void *rec,
		       dd_dns_host_cb cb, void *arg, const struct dd_dns_host **now);
int dd_dns_resolve_nested(struct dd_dns_ctx *ctx, const char *qname, uint16_t qtype,
			  unsigned nesting, void *rec, dd_dns_result_cb cb, void *arg);

#endif
