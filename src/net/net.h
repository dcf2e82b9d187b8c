/* net.h: DNS exchanges over UDP and TCP on one libuv loop. The only module
 * that touches sockets and timers. A query is sent to one address; the
 * answer is the first datagram (or TCP message) whose ID, QR bit and
 * question match the query; anything else is counted and ignored, so a
 * spoofed or confused reply cannot end the exchange early. Global and
 * per-server in-flight limits queue the excess. */
#ifndef DD_NET_H
#define DD_NET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct dd_net;
struct uv_loop_s;

struct dd_net_opts {
	unsigned max_inflight;        /* exchanges in flight at once, all servers */
	unsigned max_inflight_server; /* exchanges in flight at once, per address */
	unsigned max_qps;             /* exchanges started per second, 0: no limit */
	unsigned max_qps_server;      /* exchanges started per second to one address,
				       * 0: no limit (docs/network.md) */
};

int dd_net_new(struct dd_net **out, const struct dd_net_opts *opts);
/* Closes every handle; pending callbacks are not called. */
void dd_net_free(struct dd_net *net);
/* Run the loop until nothing is in flight or queued. */
int dd_net_run(struct dd_net *net);
/* The libuv loop, for the sibling transports in src/net (HTTP, WHOIS). */
struct uv_loop_s *dd_net_uv_loop(struct dd_net *net);

/* Call cb(arg, signum) from the loop each time the process receives signum
 * (SIGINT for Ctrl-C), instead of the default action. The watcher does not
 * keep the loop alive and goes with dd_net_free. 0, DD_EINVAL or DD_EIO. */
typedef void (*dd_net_signal_cb)(void *arg, int signum);
int dd_net_on_signal(struct dd_net *net, int signum, dd_net_signal_cb cb, void *arg);
/* CPU work on libuv's thread pool: fn(arg) runs on a pool thread, 10 nice
 * levels below the loop's thread, then done(arg, cancelled) on the loop
 * (cancelled: fn never ran). The loop stays alive until done has run;
 * dd_net_free runs it to the end. fn must touch only what arg gives it.
 * *out (may be NULL) is valid until done is called. 0, DD_ENOMEM or
 * DD_EINVAL. */
struct dd_net_work;
typedef void (*dd_net_work_fn)(void *arg);
typedef void (*dd_net_work_done)(void *arg, int cancelled);
int dd_net_work(struct dd_net *net, dd_net_work_fn fn, dd_net_work_done done, void *arg,
		struct dd_net_work **out);
/* Cancel work that has not started (done is then called, cancelled); work
 * already running finishes. */
void dd_net_work_cancel(struct dd_net_work *w);
/* Make dd_net_run return as soon as possible, leaving exchanges in flight
 * unfinished (their callbacks run only if the loop is run again). */
void dd_net_stop(struct dd_net *net);

enum dd_net_proto { DD_NET_UDP = 0, DD_NET_TCP = 1 };

struct dd_net_query {
	struct sockaddr_storage addr; /* server address and port */
	enum dd_net_proto proto;
	const uint8_t *wire;          /* the query message; copied */
	size_t len;
	unsigned timeout_ms;          /* the exchange's window (TCP: per connection) */
	unsigned retries;             /* further UDP sends within the window, evenly
				       * spaced (at least 200 ms apart) */
};

struct dd_net_reply {
	int err;                /* 0, DD_ETIMEDOUT, DD_EUNREACH, DD_ERESET, DD_EIO */
	const uint8_t *wire;    /* the matching reply (valid during the callback) */
	size_t len;
	double sent_ms;         /* monotonic time of the first send */
	double rtt_ms;          /* from the last send to the reply */
	unsigned attempts;      /* sends made */
	unsigned mismatched;    /* replies ignored: wrong ID, not a response, other question */
	unsigned runts;         /* replies ignored: shorter than a DNS header */
};

typedef void (*dd_net_cb)(void *arg, const struct dd_net_reply *reply);

/* Start an exchange. On success the callback is called exactly once, later,
 * from the loop; on failure (returned error) it is never called. */
int dd_net_query(struct dd_net *net, const struct dd_net_query *q, dd_net_cb cb, void *arg);

/* Call fn(arg) from the loop on its next turn (never from within this
 * call), in the order asked. 0 or DD_ENOMEM. */
int dd_net_defer(struct dd_net *net, void (*fn)(void *arg), void *arg);

/* Parse "127.0.0.1" or "fd00::1" with a port into addr. 0 or DD_EINVAL. */
int dd_net_addr(const char *text, unsigned port, struct sockaddr_storage *addr);

#endif
