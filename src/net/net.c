/* net.c: DNS exchanges over UDP (connected sockets, so the kernel drops
 * datagrams from other sources and reports ICMP errors) and TCP (two-byte
 * length framing) on one libuv loop, with timeouts, UDP retries and
 * in-flight limits.
 *
 * Sockets are reused: opening, binding, connecting and closing one per
 * exchange was most of the kernel time of an audit. Each server address
 * (a slot) keeps a few idle connected UDP sockets and TCP connections
 * (RFC 7766 6.2.1); an exchange leases one for its whole life, so
 * everything it receives meanwhile (replies, wrong IDs, ICMP errors, TCP
 * messages) is that exchange's, as with a socket of its own. A TCP
 * connection carries one question at a time (no pipelining), so framing,
 * non-matching messages and errors stay per exchange too.
 *
 * A socket goes back to the pool only when it is clean: its exchange got
 * the matching reply, with nothing else read and no error; for UDP to its
 * first and only send (after a timeout, a retry or a stray datagram, a
 * late reply may still be on its way and must not reach the next
 * exchange); for TCP with the query fully written, no non-matching message
 * and no byte after the reply. Anything else closes it. An idle socket
 * keeps reading, and anything that arrives there (a datagram, an ICMP
 * error, TCP data, the server closing the connection) closes it; a lease
 * first asks the kernel whether anything is queued that the loop has not
 * read yet (one non-blocking peek, which also sees a TCP close) and takes
 * another socket if so. Each UDP socket serves at most DD_NET_UDP_USES
 * exchanges, so the source port keeps changing, each TCP connection
 * DD_NET_TCP_USES, and one sweep timer closes sockets idle for
 * DD_NET_IDLE_MS (RFC 7766 6.2.3 asks clients not to hold idle TCP
 * sessions; two seconds is short next to servers' own timeouts).
 *
 * Servers close idle TCP connections whenever they like (NSD after its
 * tcp-timeout, others after each answer), and the close
 * can cross our next query. So an exchange on a reused connection that
 * ends before any byte of its reply (end of stream, reset, broken pipe) is
 * asked again, once, on a new connection, with a full timeout of its own
 * (a dead connection fails within a round trip, so the whole exchange
 * stays within two timeouts). Over UDP the timeout is the whole exchange's
 * window: its retries are sent within it (plan_sends).
 * The reply reports one attempt, its first send time and the RTT of the
 * new connection (connect included). A failure on a new connection, and a
 * timeout on any, is reported as it is. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include <uv.h>

#include "core/env.h"
#include "core/err.h"
#include "core/list.h"
#include "core/map.h"
#include "net/net.h"

#define DD_NET_TCP_MAX_MESSAGES 4 /* non-matching TCP messages tolerated */
#define DD_NET_UDP_IDLE_MAX 4     /* idle UDP sockets kept per server address */
#define DD_NET_UDP_USES 32        /* exchanges per UDP socket, then a new port */
#define DD_NET_TCP_IDLE_MAX 2     /* idle TCP connections kept per server address */
#define DD_NET_TCP_USES 100       /* exchanges per TCP connection */
#define DD_NET_IDLE_MS 2000       /* an idle socket unused this long is closed */
#define DD_NET_SILENT_AFTER 1     /* exchanges in a row that timed out ... */
#define DD_NET_SILENT_HOLD_MS 30000.0 /* ... hold the address as silent this long */
#define DD_NET_RESEND_FLOOR_MS 200 /* UDP sends of one exchange at least this far apart */

_Static_assert(DD_NET_TCP_IDLE_MAX <= DD_NET_UDP_IDLE_MAX, "struct slot's idle arrays");

struct conn;

/* One server address: its exchanges in flight and those waiting for room,
 * and its idle sockets, per protocol (enum dd_net_proto). */
struct slot {
	unsigned inflight;
	struct xfer *qhead, *qtail; /* waiting, first come first served */
	struct slot *ready_next;    /* in net's list of slots with waiting work */
	int in_ready;
	struct conn *idle[2][DD_NET_UDP_IDLE_MAX]; /* idle sockets, oldest first */
	unsigned nidle[2];
	unsigned silent_row[2];     /* per protocol: exchanges in a row that timed out */
	double silent_until[2];     /* held as silent until then (monotonic ms), or 0 */
	double tokens, refilled_ms; /* this address's rate (max_qps_server) */
};

/* A connected UDP socket or a TCP connection to one slot's address: leased
 * to one exchange at a time, idle in the slot's pool between exchanges. */
struct conn {
	union {
		uv_handle_t h;
		uv_udp_t udp;
		uv_tcp_t tcp;
	} u;
	enum dd_net_proto proto;
	struct dd_net *net;
	struct slot *slot;
	struct xfer *x;             /* the exchange holding it; NULL when idle */
	struct dd_list_node idle_node; /* in net's idle list */
	struct dd_list_node all_node;  /* in net's list of every socket */
	unsigned uses;              /* exchanges leased to */
	int poolable;               /* not to a scoped address (the slot key has no scope) */
	int closing;
	uint64_t idle_since;        /* uv_now when it went idle */
	/* TCP only */
	uv_connect_t connect;
	uv_write_t write;           /* what the kernel did not take at once */
	int writing;                /* that write is not finished */
	uint8_t lenbuf[2];
};

struct deferred {
	struct deferred *next;
	void (*fn)(void *arg);
	void *arg;
};

struct xfer {
	struct dd_net *net;
	struct xfer *next;      /* in its slot's waiting queue */
	struct slot *slot;
	struct dd_net_query q;
	uint8_t *wire;          /* owned copy of q.wire */
	dd_net_cb cb;
	void *arg;
	struct conn *c;         /* the leased socket, until the end */
	uv_timer_t timer;
	uint8_t *acc;           /* TCP accumulation buffer */
	size_t acclen;
	unsigned tcp_messages;
	size_t tcp_read;        /* bytes read on the connection by this exchange */
	int tcp_reused;         /* the connection served an earlier exchange */
	int tcp_trailing;       /* bytes came after the matching reply */
	int start_err;
	int done;
	double last_send_ms;
	unsigned sends;         /* UDP sends planned within the window */
	unsigned interval_ms;   /* between them */
	struct dd_net_reply rep;
};

struct dd_net {
	uv_loop_t loop;
	struct dd_net_opts opts;
	struct dd_map slots;    /* "address#port" -> struct slot */
	struct slot *ready_head, *ready_tail; /* slots with waiting exchanges */
	size_t waiting;         /* exchanges waiting, all slots */
	unsigned inflight;
	struct deferred *dhead, *dtail; /* dd_net_defer calls to make */
	uv_timer_t defer;       /* runs them on the next turn of the loop */
	double tokens;          /* queries-per-second budget (token bucket) */
	double refilled_ms;
	uv_timer_t wake;        /* restarts the queue when tokens come back */
	struct dd_list idle;    /* idle sockets, all slots, oldest first */
	struct dd_list all;     /* every socket not yet closed */
	uv_timer_t sweep;       /* closes the sockets idle too long */
	uv_signal_t sig;        /* dd_net_on_signal, when used */
	int sig_on;
	dd_net_signal_cb sig_cb;
	void *sig_arg;
	uint8_t rbuf[65536];    /* shared receive buffer: callbacks never nest */
};

static void pump(struct dd_net *net);

int dd_net_addr(const char *text, unsigned port, struct sockaddr_storage *addr)
{
	struct sockaddr_in *a4 = (struct sockaddr_in *)addr;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)addr;

	memset(addr, 0, sizeof(*addr));
	if (inet_pton(AF_INET, text, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		return 0;
	}
	if (inet_pton(AF_INET6, text, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		return 0;
	}
	return DD_EINVAL;
}

int dd_net_new(struct dd_net **out, const struct dd_net_opts *opts)
{
	struct dd_net *net = calloc(1, sizeof(*net));

	if (!net)
		return DD_ENOMEM;
	if (uv_loop_init(&net->loop) != 0) {
		free(net);
		return DD_EIO;
	}
	net->opts = *opts;
	uv_timer_init(&net->loop, &net->defer);
	net->defer.data = net;
	uv_timer_init(&net->loop, &net->wake);
	uv_unref((uv_handle_t *)&net->wake);
	net->wake.data = net;
	uv_timer_init(&net->loop, &net->sweep);
	uv_unref((uv_handle_t *)&net->sweep);
	net->sweep.data = net;
	net->tokens = opts->max_qps ? opts->max_qps : 0;
	net->refilled_ms = dd_clock_mono_ms();
	if (net->opts.max_inflight == 0)
		net->opts.max_inflight = 256;
	if (net->opts.max_inflight_server == 0)
		net->opts.max_inflight_server = 16;
	dd_map_init(&net->slots);
	*out = net;
	return 0;
}

static void free_slot(void *arg, const char *key, void *value)
{
	struct slot *sl = value;

	(void)arg;
	(void)key;
	while (sl->qhead) {
		struct xfer *x = sl->qhead;
		sl->qhead = x->next;
		free(x->wire);
		free(x);
	}
	free(sl);
}

static void close_walk(uv_handle_t *h, void *arg)
{
	(void)arg;
	if (!uv_is_closing(h))
		uv_close(h, NULL);
}

void dd_net_free(struct dd_net *net)
{
	struct conn *c;

	if (!net)
		return;
	/* Exchanges still running are abandoned: their memory goes with the
	 * handles' owners below. */
	uv_walk(&net->loop, close_walk, NULL);
	uv_run(&net->loop, UV_RUN_DEFAULT);
	uv_loop_close(&net->loop);
	while ((c = dd_list_head(&net->all)) != NULL) {
		dd_list_unlink(&net->all, &c->all_node);
		free(c);
	}
	while (net->dhead) {
		struct deferred *d = net->dhead;
		net->dhead = d->next;
		free(d);
	}
	dd_map_each(&net->slots, free_slot, NULL);
	dd_map_free(&net->slots);
	free(net);
}

int dd_net_run(struct dd_net *net)
{
	uv_run(&net->loop, UV_RUN_DEFAULT);
	return 0;
}

struct uv_loop_s *dd_net_uv_loop(struct dd_net *net)
{
	return &net->loop;
}

static int err_from_uv(int uverr)
{
	return dd_err_from_errno(-uverr);
}

static void on_signal(uv_signal_t *h, int signum)
{
	struct dd_net *net = h->data;

	net->sig_cb(net->sig_arg, signum);
}

int dd_net_on_signal(struct dd_net *net, int signum, dd_net_signal_cb cb, void *arg)
{
	int rc;

	if (!cb || net->sig_on)
		return DD_EINVAL;
	if (uv_signal_init(&net->loop, &net->sig) != 0)
		return DD_EIO;
	net->sig.data = net;
	net->sig_cb = cb;
	net->sig_arg = arg;
	net->sig_on = 1;
	rc = uv_signal_start(&net->sig, on_signal, signum);
	uv_unref((uv_handle_t *)&net->sig);
	return rc < 0 ? DD_EIO : 0;
}

static void on_defer(uv_timer_t *t)
{
	struct dd_net *net = t->data;
	struct deferred *d = net->dhead;

	/* Calls deferred while these run wait for the next turn. */
	net->dhead = net->dtail = NULL;
	while (d) {
		struct deferred *next = d->next;
		d->fn(d->arg);
		free(d);
		d = next;
	}
}

int dd_net_defer(struct dd_net *net, void (*fn)(void *arg), void *arg)
{
	struct deferred *d = malloc(sizeof(*d));

	if (!d)
		return DD_ENOMEM;
	d->next = NULL;
	d->fn = fn;
	d->arg = arg;
	if (net->dtail)
		net->dtail->next = d;
	else
		net->dhead = d;
	net->dtail = d;
	if (!uv_is_active((uv_handle_t *)&net->defer))
		uv_timer_start(&net->defer, on_defer, 0, 0);
	return 0;
}

void dd_net_stop(struct dd_net *net)
{
	uv_stop(&net->loop);
}

/* Length of the question section of a query (name + type + class), 0 if
 * the name is not a plain uncompressed name. */
static size_t question_len(const uint8_t *w, size_t len)
{
	size_t o = 12;

	while (o < len) {
		uint8_t l = w[o];
		if (l == 0)
			return o + 1 + 4 <= len ? o + 1 + 4 - 12 : 0;
		if (l > 63)
			return 0;
		o += 1 + (size_t)l;
	}
	return 0;
}

static int reply_matches(const struct xfer *x, const uint8_t *r, size_t rlen)
{
	size_t ql;

	if (r[0] != x->wire[0] || r[1] != x->wire[1] || !(r[2] & 0x80))
		return 0;
	if (r[4] == 0 && r[5] == 0)
		return (r[3] & 0x0f) != 0; /* no question: only for error replies */
	if (r[4] != 0 || r[5] != 1)
		return 0;
	ql = question_len(x->wire, x->q.len);
	if (ql == 0 || rlen < 12 + ql)
		return 0;
	for (size_t i = 12; i < 12 + ql; i++) {
		uint8_t a = x->wire[i], b = r[i];
		if (a >= 'A' && a <= 'Z')
			a = (uint8_t)(a + 32);
		if (b >= 'A' && b <= 'Z')
			b = (uint8_t)(b + 32);
		if (a != b)
			return 0;
	}
	return 1;
}

static void on_close(uv_handle_t *h)
{
	struct xfer *x = h->data;

	free(x->acc);
	free(x->wire);
	free(x);
}

static unsigned idle_max(enum dd_net_proto proto)
{
	return proto == DD_NET_TCP ? DD_NET_TCP_IDLE_MAX : DD_NET_UDP_IDLE_MAX;
}

static unsigned max_uses(enum dd_net_proto proto)
{
	return proto == DD_NET_TCP ? DD_NET_TCP_USES : DD_NET_UDP_USES;
}

static void idle_unlink(struct conn *c)
{
	struct conn **idle = c->slot->idle[c->proto];
	unsigned *nidle = &c->slot->nidle[c->proto];
	unsigned i = 0;

	while (i < *nidle && idle[i] != c)
		i++;
	if (i == *nidle)
		return; /* not idle */
	memmove(&idle[i], &idle[i + 1], (*nidle - i - 1) * sizeof(idle[0]));
	(*nidle)--;
	dd_list_unlink(&c->net->idle, &c->idle_node);
}

static void conn_on_close(uv_handle_t *h)
{
	struct conn *c = h->data;

	dd_list_unlink(&c->net->all, &c->all_node);
	free(c);
}

/* A TCP write or connect still pending is cancelled: its callback sees
 * UV_ECANCELED and does nothing. */
static void conn_close(struct conn *c)
{
	if (c->closing)
		return;
	c->closing = 1;
	idle_unlink(c);
	uv_close(&c->u.h, conn_on_close);
}

/* Nothing queued on the socket that the loop has not read yet: no
 * datagram, no ICMP error, no TCP data, close or reset. */
static int conn_quiet(struct conn *c)
{
	uv_os_fd_t fd;
	uint8_t b;

	if (uv_fileno(&c->u.h, &fd) != 0)
		return 0;
	return recv(fd, &b, 1, MSG_PEEK | MSG_DONTWAIT) < 0 &&
	       (errno == EAGAIN || errno == EWOULDBLOCK);
}

/* The newest quiet idle socket of sl for proto, out of the pool, or NULL;
 * the idle sockets found with something queued are closed. */
static struct conn *pool_take(struct slot *sl, enum dd_net_proto proto)
{
	while (sl->nidle[proto] > 0) {
		struct conn *c = sl->idle[proto][sl->nidle[proto] - 1];
		if (conn_quiet(c)) {
			idle_unlink(c);
			return c;
		}
		conn_close(c);
	}
	return NULL;
}

static void on_sweep(uv_timer_t *t)
{
	struct dd_net *net = t->data;
	uint64_t now = uv_now(&net->loop);
	struct conn *c;

	while ((c = dd_list_head(&net->idle)) != NULL && now - c->idle_since >= DD_NET_IDLE_MS)
		conn_close(c);
	if (!c)
		uv_timer_stop(&net->sweep);
}

/* Back into its slot's pool after a clean exchange, or closed when it has
 * served its share or the pool is full. */
static void pool_put(struct conn *c)
{
	struct dd_net *net = c->net;
	struct slot *sl = c->slot;

	if (!c->poolable || c->uses >= max_uses(c->proto) ||
	    sl->nidle[c->proto] >= idle_max(c->proto)) {
		conn_close(c);
		return;
	}
	sl->idle[c->proto][sl->nidle[c->proto]++] = c;
	c->idle_since = uv_now(&net->loop);
	dd_list_push_tail(&net->idle, &c->idle_node, c);
	if (!uv_is_active((uv_handle_t *)&net->sweep))
		uv_timer_start(&net->sweep, on_sweep, DD_NET_IDLE_MS / 2, DD_NET_IDLE_MS / 2);
}

/* The exchange holds c from now on. */
static void lease(struct xfer *x, struct conn *c)
{
	c->x = x;
	c->uses++;
	x->c = c;
}

/* The exchange's socket: reused when the exchange was clean (see the top
 * of the file), closed otherwise. */
static void release(struct xfer *x, int err)
{
	struct conn *c = x->c;
	int clean = err == 0 && x->rep.mismatched == 0 && x->rep.runts == 0;

	x->c = NULL;
	c->x = NULL;
	if (c->proto == DD_NET_UDP)
		clean = clean && x->rep.attempts == 1;
	else
		clean = clean && !x->tcp_trailing && !c->writing;
	if (clean)
		pool_put(c);
	else
		conn_close(c);
}

/* Timeouts in a row (every attempt unanswered, nothing else heard) hold the
 * address as silent over that protocol for DD_NET_SILENT_HOLD_MS: the
 * exchanges that start meanwhile end at once with DD_EHELD instead of each
 * waiting out its timeouts behind the per-server limit (in an audit, a dead
 * nameserver shared by many domains made all of them wait in line). Any
 * reply, or an ICMP error (something is there to say no), frees it. */
static void note_silence(struct xfer *x, int err)
{
	struct slot *sl = x->slot;
	int p = x->q.proto == DD_NET_TCP;

	if (err == DD_EHELD)
		return;
	if (err != DD_ETIMEDOUT || x->rep.mismatched || x->rep.runts) {
		sl->silent_row[p] = 0;
		sl->silent_until[p] = 0;
		return;
	}
	if (++sl->silent_row[p] >= DD_NET_SILENT_AFTER)
		sl->silent_until[p] = dd_clock_mono_ms() + DD_NET_SILENT_HOLD_MS;
}

/* End the exchange: report, release the slot and the socket, close the
 * timer. */
static void finish(struct xfer *x, int err, const uint8_t *wire, size_t len)
{
	struct dd_net *net = x->net;

	if (x->done)
		return;
	x->done = 1;
	uv_timer_stop(&x->timer);
	x->rep.err = err;
	x->rep.wire = wire;
	x->rep.len = len;
	if (err == 0)
		x->rep.rtt_ms = dd_clock_mono_ms() - x->last_send_ms;
	note_silence(x, err);
	x->cb(x->arg, &x->rep);
	net->inflight--;
	x->slot->inflight--;
	uv_close((uv_handle_t *)&x->timer, on_close);
	if (x->c)
		release(x, err);
	pump(net);
}

static void conn_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct conn *c = h->data;

	(void)suggested;
	buf->base = (char *)c->net->rbuf;
	buf->len = sizeof(c->net->rbuf);
}

static void udp_send_attempt(struct xfer *x);
static void on_start_failed(uv_timer_t *t);

static void on_timer(uv_timer_t *t)
{
	struct xfer *x = t->data;

	if (x->q.proto == DD_NET_UDP && x->rep.attempts < x->sends) {
		udp_send_attempt(x);
		return;
	}
	finish(x, DD_ETIMEDOUT, NULL, 0);
}

static void udp_send_attempt(struct xfer *x)
{
	uv_buf_t b = uv_buf_init((char *)x->wire, (unsigned)x->q.len);
	int rc;

	x->rep.attempts++;
	x->last_send_ms = dd_clock_mono_ms();
	if (x->rep.attempts == 1)
		x->rep.sent_ms = x->last_send_ms;
	/* The last send waits out what is left of the window. */
	uv_timer_start(&x->timer, on_timer,
		       x->rep.attempts < x->sends
			       ? x->interval_ms
			       : x->q.timeout_ms - (x->sends - 1) * x->interval_ms,
		       0);
	rc = uv_udp_try_send(&x->c->u.udp, &b, 1, NULL);
	if (rc < 0 && rc != UV_EAGAIN && rc != UV_ENOBUFS) {
		/* Reported from the loop, never from within dd_net_query. */
		x->start_err = err_from_uv(rc);
		uv_timer_start(&x->timer, on_start_failed, 0, 0);
	}
}

static void on_udp_recv(uv_udp_t *h, ssize_t nread, const uv_buf_t *buf,
			const struct sockaddr *addr, unsigned flags)
{
	struct conn *c = h->data;
	struct xfer *x = c->x;
	const uint8_t *r = (const uint8_t *)buf->base;

	if (nread == 0 && !addr)
		return; /* nothing more to read */
	if (!x) {
		/* Idle: a datagram or an error meant for an earlier exchange. */
		conn_close(c);
		return;
	}
	if (x->done)
		return;
	if (nread < 0) {
		finish(x, err_from_uv((int)nread), NULL, 0);
		return;
	}
	if (flags & UV_UDP_PARTIAL) {
		x->rep.mismatched++;
		return;
	}
	if (nread < 12) {
		x->rep.runts++;
		return;
	}
	if (!reply_matches(x, r, (size_t)nread)) {
		x->rep.mismatched++;
		return;
	}
	finish(x, 0, r, (size_t)nread);
}

/* A new socket for sl's address, not yet connected. It never keeps the
 * loop alive by itself: an exchange holding it has its timer running. */
static int conn_new(struct dd_net *net, struct slot *sl, enum dd_net_proto proto,
		    const struct sockaddr_storage *addr, struct conn **out)
{
	struct conn *c = calloc(1, sizeof(*c));
	int rc;

	*out = NULL; /* on every path: callers test the code, the compiler cannot see it is < 0 */
	if (!c)
		return DD_ENOMEM;
	if (proto == DD_NET_TCP)
		rc = uv_tcp_init(&net->loop, &c->u.tcp);
	else
		rc = uv_udp_init(&net->loop, &c->u.udp);
	if (rc < 0) {
		free(c);
		return err_from_uv(rc);
	}
	c->u.h.data = c;
	c->connect.data = c;
	c->write.data = c;
	c->proto = proto;
	c->net = net;
	c->slot = sl;
	c->poolable = addr->ss_family != AF_INET6 ||
		      ((const struct sockaddr_in6 *)addr)->sin6_scope_id == 0;
	dd_list_push_tail(&net->all, &c->all_node, c);
	uv_unref(&c->u.h);
	*out = c;
	return 0;
}

static int udp_open(struct dd_net *net, struct slot *sl, const struct sockaddr_storage *addr,
		    struct conn **out)
{
	struct conn *c;
	int rc = conn_new(net, sl, DD_NET_UDP, addr, &c);

	if (rc < 0)
		return rc;
	rc = uv_udp_connect(&c->u.udp, (const struct sockaddr *)addr);
	if (rc == 0)
		rc = uv_udp_recv_start(&c->u.udp, conn_alloc, on_udp_recv);
	if (rc < 0) {
		conn_close(c);
		return err_from_uv(rc);
	}
	*out = c;
	return 0;
}

static int udp_start(struct xfer *x)
{
	struct conn *c = pool_take(x->slot, DD_NET_UDP);
	int rc;

	if (!c) {
		rc = udp_open(x->net, x->slot, &x->q.addr, &c);
		if (rc < 0)
			return rc;
	}
	lease(x, c);
	udp_send_attempt(x);
	return 0;
}

static int tcp_connect(struct xfer *x);

/* The exchange failed on its TCP connection (a libuv error, UV_EOF for
 * the end of the stream). On a reused connection, a close or reset before any byte
 * of the reply is the server having dropped it while idle: ask again, once,
 * on a new connection (see the top of the file). */
static void tcp_fail(struct xfer *x, int uverr)
{
	int rc;

	if (x->tcp_reused && x->tcp_read == 0 &&
	    (uverr == UV_EOF || uverr == UV_ECONNRESET || uverr == UV_EPIPE ||
	     uverr == UV_ECONNABORTED)) {
		x->c->x = NULL;
		conn_close(x->c);
		x->c = NULL;
		x->tcp_reused = 0;
		rc = tcp_connect(x);
		if (rc < 0)
			finish(x, rc, NULL, 0);
		return;
	}
	finish(x, uverr == UV_EOF ? DD_ERESET : err_from_uv(uverr), NULL, 0);
}

static void on_tcp_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	struct conn *c = s->data;
	struct xfer *x = c->x;
	const uint8_t *in = (const uint8_t *)buf->base;
	size_t n;

	if (nread == 0)
		return; /* nothing more to read */
	if (!x) {
		/* Idle: the server closed, or sent what nobody asked for. */
		conn_close(c);
		return;
	}
	if (x->done)
		return;
	if (nread < 0) {
		tcp_fail(x, (int)nread);
		return;
	}
	n = (size_t)nread;
	x->tcp_read += n;
	while (n > 0 && !x->done) {
		size_t need = x->acclen < 2 ? 2 : 2 + (((size_t)x->acc[0] << 8) | x->acc[1]);
		size_t take = need - x->acclen < n ? need - x->acclen : n;

		memcpy(x->acc + x->acclen, in, take);
		x->acclen += take;
		in += take;
		n -= take;
		if (x->acclen < need || need == 2)
			continue;
		/* A whole message. */
		size_t mlen = need - 2;
		if (mlen >= 12 && reply_matches(x, x->acc + 2, mlen)) {
			x->tcp_trailing = n > 0;
			finish(x, 0, x->acc + 2, mlen);
			return;
		}
		if (mlen < 12)
			x->rep.runts++;
		else
			x->rep.mismatched++;
		x->acclen = 0;
		if (++x->tcp_messages >= DD_NET_TCP_MAX_MESSAGES) {
			finish(x, DD_ERESET, NULL, 0);
			return;
		}
	}
}

static void on_tcp_write(uv_write_t *w, int status)
{
	struct conn *c = w->data;

	c->writing = 0;
	if (status == UV_ECANCELED || c->closing || !c->x || c->x->done)
		return;
	if (status < 0)
		tcp_fail(c->x, status);
}

/* Send the exchange's query on its connection: one sendmsg that raises no
 * SIGPIPE, and what the kernel did not take (never, for a DNS query on a
 * new or idle connection) through libuv. 0 or a libuv error. */
static int tcp_send(struct xfer *x)
{
	struct conn *c = x->c;
	struct iovec iov[2];
	struct msghdr mh;
	uv_buf_t bufs[2];
	unsigned nbufs = 0;
	uv_os_fd_t fd;
	ssize_t sent;
	size_t skip;

	c->lenbuf[0] = (uint8_t)(x->q.len >> 8);
	c->lenbuf[1] = (uint8_t)x->q.len;
	iov[0].iov_base = c->lenbuf;
	iov[0].iov_len = 2;
	iov[1].iov_base = x->wire;
	iov[1].iov_len = x->q.len;
	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = iov;
	mh.msg_iovlen = 2;
	if (uv_fileno(&c->u.h, &fd) != 0)
		return UV_EBADF;
	sent = sendmsg(fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
		return -errno;
	if (sent == (ssize_t)(2 + x->q.len))
		return 0;
	skip = sent > 0 ? (size_t)sent : 0;
	for (unsigned i = 0; i < 2; i++) {
		if (skip >= iov[i].iov_len) {
			skip -= iov[i].iov_len;
			continue;
		}
		bufs[nbufs++] = uv_buf_init((char *)iov[i].iov_base + skip,
					    (unsigned)(iov[i].iov_len - skip));
		skip = 0;
	}
	c->writing = 1;
	return uv_write(&c->write, (uv_stream_t *)&c->u.tcp, bufs, nbufs, on_tcp_write);
}

static void on_tcp_connect(uv_connect_t *req, int status)
{
	struct conn *c = req->data;
	struct xfer *x = c->x;
	int rc;

	if (status == UV_ECANCELED || c->closing || !x || x->done)
		return;
	if (status < 0) {
		finish(x, err_from_uv(status), NULL, 0);
		return;
	}
	rc = uv_read_start((uv_stream_t *)&c->u.tcp, conn_alloc, on_tcp_read);
	if (rc == 0)
		rc = tcp_send(x);
	if (rc < 0)
		finish(x, err_from_uv(rc), NULL, 0);
}

/* A new connection for the exchange, with a full timeout (the first
 * attempt, or the one after a reused connection was found dead). */
static int tcp_connect(struct xfer *x)
{
	struct conn *c;
	int rc = conn_new(x->net, x->slot, DD_NET_TCP, &x->q.addr, &c);

	if (rc < 0)
		return rc;
	lease(x, c);
	x->last_send_ms = dd_clock_mono_ms();
	uv_timer_start(&x->timer, on_timer, x->q.timeout_ms, 0);
	rc = uv_tcp_connect(&c->connect, &c->u.tcp, (const struct sockaddr *)&x->q.addr,
			    on_tcp_connect);
	return rc < 0 ? err_from_uv(rc) : 0;
}

/* An idle connection if the slot has one that takes the query at once,
 * a new one otherwise. */
static int tcp_start(struct xfer *x)
{
	struct conn *c;

	x->acc = malloc(2 + 65535);
	if (!x->acc)
		return DD_ENOMEM;
	x->rep.attempts = 1;
	x->rep.sent_ms = dd_clock_mono_ms();
	while ((c = pool_take(x->slot, DD_NET_TCP)) != NULL) {
		lease(x, c);
		x->tcp_reused = 1;
		x->last_send_ms = x->rep.sent_ms;
		uv_timer_start(&x->timer, on_timer, x->q.timeout_ms, 0);
		if (tcp_send(x) == 0)
			return 0;
		/* Dead after all: not the exchange's failure. */
		c->x = NULL;
		x->c = NULL;
		x->tcp_reused = 0;
		conn_close(c);
	}
	return tcp_connect(x);
}

static void on_start_failed(uv_timer_t *t)
{
	struct xfer *x = t->data;

	finish(x, x->start_err, NULL, 0);
}

/* Start x now. An error at this point becomes the exchange's result,
 * reported from the loop, so the callback runs exactly once and never from
 * within dd_net_query. */
static void start(struct xfer *x)
{
	struct dd_net *net = x->net;
	int rc;

	net->inflight++;
	x->slot->inflight++;
	uv_timer_init(&net->loop, &x->timer);
	x->timer.data = x;
	if (dd_clock_mono_ms() < x->slot->silent_until[x->q.proto == DD_NET_TCP])
		rc = DD_EHELD; /* not sent: see note_silence */
	else
		rc = x->q.proto == DD_NET_TCP ? tcp_start(x) : udp_start(x);
	if (rc < 0) {
		x->start_err = rc;
		uv_timer_start(&x->timer, on_start_failed, 0, 0);
	}
}

/* The address's own bucket: max_qps_server per second, a tenth of a
 * second of burst (one at least). */
static void slot_refill(const struct dd_net *net, struct slot *sl, double now)
{
	double rate = net->opts.max_qps_server, burst = rate / 10 > 1 ? rate / 10 : 1;

	if (rate == 0)
		return;
	sl->tokens += (now - sl->refilled_ms) * rate / 1000.0;
	if (sl->tokens > burst)
		sl->tokens = burst;
	sl->refilled_ms = now;
}

static int slot_has_token(const struct dd_net *net, const struct slot *sl)
{
	return net->opts.max_qps_server == 0 || sl->tokens >= 1.0;
}

static int startable(const struct dd_net *net, const struct xfer *x)
{
	return net->inflight < net->opts.max_inflight &&
	       x->slot->inflight < net->opts.max_inflight_server &&
	       (net->opts.max_qps == 0 || net->tokens >= 1.0) && slot_has_token(net, x->slot);
}

static void refill(struct dd_net *net)
{
	double now = dd_clock_mono_ms();

	if (net->opts.max_qps == 0)
		return;
	net->tokens += (now - net->refilled_ms) * net->opts.max_qps / 1000.0;
	/* At most one second of burst. */
	if (net->tokens > net->opts.max_qps)
		net->tokens = net->opts.max_qps;
	net->refilled_ms = now;
}

static void on_wake(uv_timer_t *t)
{
	struct dd_net *net = t->data;

	uv_unref((uv_handle_t *)&net->wake);
	pump(net);
}

/* Queued work waits for tokens (the run's, or an address's): keep the
 * loop alive until they are back. */
static void arm_wake(struct dd_net *net)
{
	uint64_t ms = 0;

	if (net->waiting == 0)
		return;
	if (net->opts.max_qps && net->tokens < 1.0)
		ms = (uint64_t)((1.0 - net->tokens) * 1000.0 / net->opts.max_qps) + 1;
	if (net->opts.max_qps_server && ms == 0) /* an address may be waiting for one */
		ms = 1000 / net->opts.max_qps_server + 1;
	if (ms == 0)
		return;
	uv_ref((uv_handle_t *)&net->wake);
	uv_timer_start(&net->wake, on_wake, ms, 0);
}

static void take_token(struct dd_net *net, struct slot *sl)
{
	if (net->opts.max_qps)
		net->tokens -= 1.0;
	if (net->opts.max_qps_server)
		sl->tokens -= 1.0;
}

static void ready_push(struct dd_net *net, struct slot *sl)
{
	if (sl->in_ready)
		return;
	sl->in_ready = 1;
	sl->ready_next = NULL;
	if (net->ready_tail)
		net->ready_tail->ready_next = sl;
	else
		net->ready_head = sl;
	net->ready_tail = sl;
}

static void enqueue(struct dd_net *net, struct xfer *x)
{
	struct slot *sl = x->slot;

	x->next = NULL;
	if (sl->qtail)
		sl->qtail->next = x;
	else
		sl->qhead = x;
	sl->qtail = x;
	net->waiting++;
	ready_push(net, sl);
}

/* Start what has room, going round the servers with waiting work: the cost
 * is the number of such servers, not the number of waiting exchanges. */
static void pump(struct dd_net *net)
{
	struct slot *prev = NULL, *sl;

	double now = dd_clock_mono_ms();

	refill(net);
	sl = net->ready_head;
	while (sl && net->inflight < net->opts.max_inflight) {
		struct slot *next = sl->ready_next;
		slot_refill(net, sl, now);
		while (sl->qhead && sl->inflight < net->opts.max_inflight_server &&
		       net->inflight < net->opts.max_inflight &&
		       (net->opts.max_qps == 0 || net->tokens >= 1.0) && slot_has_token(net, sl)) {
			struct xfer *x = sl->qhead;
			sl->qhead = x->next;
			if (!sl->qhead)
				sl->qtail = NULL;
			x->next = NULL;
			net->waiting--;
			take_token(net, sl);
			start(x);
		}
		if (!sl->qhead) {
			/* Nothing left here: out of the ready list. */
			sl->in_ready = 0;
			if (prev)
				prev->ready_next = next;
			else
				net->ready_head = next;
			if (net->ready_tail == sl)
				net->ready_tail = prev;
		} else {
			prev = sl;
		}
		sl = next;
	}
	arm_wake(net);
}

static struct slot *slot_for(struct dd_net *net, const struct sockaddr_storage *addr)
{
	char key[INET6_ADDRSTRLEN + 8], host[INET6_ADDRSTRLEN];
	unsigned port;
	struct slot *s;

	if (addr->ss_family == AF_INET6) {
		const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)addr;
		inet_ntop(AF_INET6, &a6->sin6_addr, host, sizeof(host));
		port = ntohs(a6->sin6_port);
	} else {
		const struct sockaddr_in *a4 = (const struct sockaddr_in *)addr;
		inet_ntop(AF_INET, &a4->sin_addr, host, sizeof(host));
		port = ntohs(a4->sin_port);
	}
	snprintf(key, sizeof(key), "%s#%u", host, port);
	s = dd_map_get(&net->slots, key);
	if (s)
		return s;
	s = calloc(1, sizeof(*s));
	if (!s || dd_map_set(&net->slots, key, s) != 0) {
		free(s);
		return NULL;
	}
	s->tokens = net->opts.max_qps_server; /* full: slot_refill caps it to the burst */
	s->refilled_ms = dd_clock_mono_ms();
	return s;
}

/* One window per exchange: the UDP retries are sent within the timeout,
 * evenly spaced (at least DD_NET_RESEND_FLOOR_MS apart, so fewer of them
 * in a short window), and a late reply to an earlier send still counts (it
 * is the same socket and ID). A silent server costs one window, not one
 * per send. */
static void plan_sends(struct xfer *x)
{
	unsigned most = x->q.timeout_ms / DD_NET_RESEND_FLOOR_MS;

	x->sends = x->q.retries + 1;
	if (x->sends > most)
		x->sends = most > 0 ? most : 1;
	x->interval_ms = x->q.timeout_ms / x->sends;
}

int dd_net_query(struct dd_net *net, const struct dd_net_query *q, dd_net_cb cb, void *arg)
{
	struct xfer *x;

	if (q->len < 12 || q->len > 65535 || q->timeout_ms == 0 ||
	    (q->addr.ss_family != AF_INET && q->addr.ss_family != AF_INET6))
		return DD_EINVAL;
	x = calloc(1, sizeof(*x));
	if (!x)
		return DD_ENOMEM;
	x->wire = malloc(q->len);
	x->slot = slot_for(net, &q->addr);
	if (!x->wire || !x->slot) {
		free(x->wire);
		free(x);
		return DD_ENOMEM;
	}
	memcpy(x->wire, q->wire, q->len);
	x->net = net;
	x->q = *q;
	plan_sends(x);
	x->q.wire = x->wire;
	x->cb = cb;
	x->arg = arg;
	refill(net);
	slot_refill(net, x->slot, dd_clock_mono_ms());
	/* A server's exchanges keep their order: start at once only when none
	 * of this server's is waiting. */
	if (!x->slot->qhead && startable(net, x)) {
		take_token(net, x->slot);
		start(x);
		return 0;
	}
	enqueue(net, x);
	arm_wake(net);
	return 0;
}
