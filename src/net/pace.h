/* pace.h: politeness towards each server: a token bucket per key (an RDAP
 * server's scheme and authority, a WHOIS host:port) and a hold on a key
 * (Retry-After, a backoff). A request asks for a token and is called back
 * from the loop when its key allows it, in the order asked. */
#ifndef DD_NET_PACE_H
#define DD_NET_PACE_H

#include <stddef.h>

/* Servers (keys) one pace may know; dd_net_pace_take says DD_ELIMIT past it. */
#define DD_NET_PACE_KEYS_MAX 8192

struct dd_net;
struct dd_net_pace;
struct dd_net_pace_wait;

struct dd_net_pace_opts {
	double per_min;  /* tokens a minute for each key; 0: no limit */
	unsigned burst;  /* tokens a key may save up (at least 1) */
};

typedef void (*dd_net_pace_cb)(void *arg);

/* One per user of a dd_net; freed before the dd_net (dd_net_pace_free). */
int dd_net_pace_new(struct dd_net *net, struct dd_net_pace **out);
/* Waiting requests are dropped (no callbacks). */
void dd_net_pace_free(struct dd_net_pace *p);
/* Wait for a token of key under o. cb runs once, later, from the loop
 * (never before this returns), unless canceled; *out (may be NULL)
 * identifies the wait. 0, DD_ENOMEM or DD_ELIMIT (too many keys). */
int dd_net_pace_take(struct dd_net_pace *p, const char *key, const struct dd_net_pace_opts *o,
		     dd_net_pace_cb cb, void *arg, struct dd_net_pace_wait **out);
void dd_net_pace_cancel(struct dd_net_pace_wait *w);
/* Call every request waiting for key now, without tokens (from the loop):
 * the server failed, so they will not be sent and must not wait. */
void dd_net_pace_release(struct dd_net_pace *p, const char *key);
/* Nothing is let through to key for ms from now (a longer hold stands). */
void dd_net_pace_hold(struct dd_net_pace *p, const char *key, double ms);
/* Tokens given out for key so far (0 for a key never asked). */
unsigned long dd_net_pace_count(const struct dd_net_pace *p, const char *key);

#endif
