/* probe.h: one run of observations. A probe owns the network (src/net), the
 * resolver context (src/dns) and the evidence record its exchanges go into:
 * it implements the resolver's exchange service by building the query,
 * sending it, retrying over TCP when the UDP reply is truncated, digesting
 * the reply and recording every exchange (server, address, protocol,
 * question, rcode, flags, sections, RTT, size, or the timeout / ICMP error).
 * The same question to the same address is asked once per probe and its
 * reply shared while its TTL lasts (probe.c).
 * Walks such as `trace` and `check` are driven on top of it. */
#ifndef DD_PROBE_H
#define DD_PROBE_H

#include <stdint.h>

#include "dns/resolve.h"
#include "evidence/evidence.h"

struct dd_net;

struct dd_probe_opts {
	unsigned timeout_ms;   /* per attempt */
	unsigned retries;      /* further UDP attempts */
	unsigned port;         /* servers' port, 53 */
	int ipv4, ipv6;
	unsigned max_inflight;
	unsigned max_inflight_server;
	unsigned max_qps;      /* queries started per second, 0: no limit */
	unsigned max_qps_server; /* queries started per second to one address, 0: no limit */
	uint64_t seed;         /* 0: random query IDs from the kernel */
};

/* The politeness owed to every server, whatever the run: docs/network.md. */
#define DD_PROBE_SERVER_QPS 500

void dd_probe_opts_default(struct dd_probe_opts *o);

struct dd_probe;

/* ev receives every exchange; it must outlive the probe. */
int dd_probe_new(struct dd_probe **out, const struct dd_probe_opts *o,
		 const struct dd_dns_hint *hints, size_t nhints, struct dd_evidence *ev);
void dd_probe_free(struct dd_probe *p);
/* Run until nothing is in flight and no lookup can progress. */
void dd_probe_run(struct dd_probe *p);
struct dd_dns_ctx *dd_probe_dns(struct dd_probe *p);
/* The network under the probe, for a driver that runs the loop itself (a
 * portfolio that stops on Ctrl-C: dd_net_on_signal, dd_net_stop). */
struct dd_net *dd_probe_net(struct dd_probe *p);
/* Ask one question of one server through the recording exchange service. */
int dd_probe_ask(struct dd_probe *p, const struct dd_dns_ask *q, dd_dns_reply_cb cb, void *arg);
/* What a reply came to, as the evidence records it: the resolver's state
 * (src/dns) in the evidence's vocabulary, rcode, AA, round trip, exchange
 * and detail. The two vocabularies are kept apart on purpose (the evidence
 * is read without the resolver: report, replay); this is their one map. */
void dd_probe_response(struct dd_ev_response *r, const struct dd_dns_reply *rep);
/* Exchanges made, exchanges that reused an earlier reply to the same
 * question (no query sent), and how many of those made timed out. */
unsigned dd_probe_exchanges(const struct dd_probe *p);
unsigned dd_probe_shared(const struct dd_probe *p);
/* Asks not sent because the address timed out on its last questions
 * (src/net holds it as silent for a while); recorded as timeouts. */
unsigned dd_probe_held(const struct dd_probe *p);
unsigned dd_probe_timeouts(const struct dd_probe *p);
/* The built-in trust anchor as records (presentation format), parsed on
 * the first call and kept by the probe; NULL when it cannot be parsed
 * (why holds one line). Every domain's DNSSEC section copies it. */
const struct dd_ev_strlist *dd_probe_anchor(struct dd_probe *p, char *why, size_t whylen);
/* Milliseconds since the probe started. */
double dd_probe_elapsed_ms(const struct dd_probe *p);

/* Load root hints from a file in named.root format, or the built-in IANA
 * hints when path is NULL. On error, why holds one line. */
int dd_probe_load_hints(const char *path, struct dd_dns_hint **out, size_t *n, char *why,
			size_t whylen);

#endif
