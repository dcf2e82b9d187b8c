/* net.c: DNS exchanges over UDP (connected sockets, so the kernel drops
 * datagrams from other sources and reports ICMP errors) and TCP (two-byte
 * length framing) on one libuv loop, with timeouts, UDP retries and
 * in-flight limits.
 *
 * UDP sockets are reused: opening, binding, connecting and closing one per
 * exchange was most of the kernel time of an audit. Each server address
 * (a slot) keeps a few idle connected sockets; an exchange leases one for
 * its whole life, so everything the socket receives meanwhile (replies,
 * wrong IDs, ICMP errors) is that exchange's, as with a socket of its own.
 * A socket goes back to the pool only when it is clean: its exchange got
 * the matching reply to its first and only send, with nothing else read
 * and no error. After a timeout, a retry or a stray datagram, a late reply
 * may still be on its way, and it must not reach the next exchange, so such
 * a socket is closed. An idle socket keeps reading, and anything that
 * arrives there (or an ICMP error) closes it; a lease first asks the kernel
 * whether anything is queued that the loop has not read yet (one
 * non-blocking peek) and takes another socket if so. Each socket serves at
 * most DD_NET_UDP_USES exchanges, so the source port keeps changing, and
 * one sweep timer closes sockets idle for DD_NET_UDP_IDLE_MS. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include "core/env.h"
#include "core/err.h"
#include "core/map.h"
#include "net/net.h"

#define DD_NET_TCP_MAX_MESSAGES 4 /* non-matching TCP messages tolerated */
#define DD_NET_UDP_IDLE_MAX 4     /* idle UDP sockets kept per server address */
#define DD_NET_UDP_USES 32        /* exchanges per UDP socket, then a new port */
#define DD_NET_UDP_IDLE_MS 2000   /* an idle UDP socket unused this long is closed */

struct usock;

/* One server address: its exchanges in flight and those waiting for room. */
struct slot {
	unsigned inflight;
	struct xfer *qhead, *qtail; /* waiting, first come first served */
	struct slot *ready_next;    /* in net's list of slots with waiting work */
	int in_ready;
	struct usock *idle[DD_NET_UDP_IDLE_MAX]; /* idle UDP sockets, oldest first */
	unsigned nidle;
};

/* A connected UDP socket to one slot's address: leased to one exchange at
 * a time, idle in the slot's pool between exchanges. */
struct usock {
	uv_udp_t udp;
	struct dd_net *net;
	struct slot *slot;
	struct xfer *x;             /* the exchange holding it; NULL when idle */
	struct usock *idle_prev, *idle_next; /* net's idle list, oldest first */
	struct usock *all_prev, *all_next;   /* every socket not yet closed */
	unsigned uses;              /* exchanges leased to */
	int poolable;               /* not to a scoped address (the slot key has no scope) */
	int closing;
	uint64_t idle_since;        /* uv_now when it went idle */
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
	struct usock *us;       /* UDP: the leased socket, until the end */
	uv_tcp_t tcp;
	uv_timer_t timer;
	uv_connect_t connect;
	uv_write_t write;
	uint8_t lenbuf[2];
	uint8_t *acc;           /* TCP accumulation buffer */
	size_t acclen;
	unsigned tcp_messages;
	unsigned open_handles;
	int tcp_open;
	int start_err;
	int done;
	double last_send_ms;
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
	struct usock *idle_head, *idle_tail; /* idle UDP sockets, all slots */
	struct usock *all;      /* every UDP socket not yet closed */
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
	if (!net)
		return;
	/* Exchanges still running are abandoned: their memory goes with the
	 * handles' owners below. */
	uv_walk(&net->loop, close_walk, NULL);
	uv_run(&net->loop, UV_RUN_DEFAULT);
	uv_loop_close(&net->loop);
	while (net->all) {
		struct usock *us = net->all;
		net->all = us->all_next;
		free(us);
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

	if (--x->open_handles > 0)
		return;
	free(x->acc);
	free(x->wire);
	free(x);
}

static void idle_unlink(struct usock *us)
{
	struct dd_net *net = us->net;
	struct slot *sl = us->slot;
	unsigned i = 0;

	while (i < sl->nidle && sl->idle[i] != us)
		i++;
	if (i == sl->nidle)
		return; /* not idle */
	memmove(&sl->idle[i], &sl->idle[i + 1], (sl->nidle - i - 1) * sizeof(sl->idle[0]));
	sl->nidle--;
	if (us->idle_prev)
		us->idle_prev->idle_next = us->idle_next;
	else
		net->idle_head = us->idle_next;
	if (us->idle_next)
		us->idle_next->idle_prev = us->idle_prev;
	else
		net->idle_tail = us->idle_prev;
	us->idle_prev = us->idle_next = NULL;
}

static void usock_on_close(uv_handle_t *h)
{
	struct usock *us = h->data;
	struct dd_net *net = us->net;

	if (us->all_prev)
		us->all_prev->all_next = us->all_next;
	else
		net->all = us->all_next;
	if (us->all_next)
		us->all_next->all_prev = us->all_prev;
	free(us);
}

static void usock_close(struct usock *us)
{
	if (us->closing)
		return;
	us->closing = 1;
	idle_unlink(us);
	uv_close((uv_handle_t *)&us->udp, usock_on_close);
}

/* Nothing queued on the socket that the loop has not read yet: no
 * datagram, no ICMP error. */
static int usock_quiet(struct usock *us)
{
	uv_os_fd_t fd;
	uint8_t b;

	if (uv_fileno((uv_handle_t *)&us->udp, &fd) != 0)
		return 0;
	return recv(fd, &b, 1, MSG_PEEK | MSG_DONTWAIT) < 0 &&
	       (errno == EAGAIN || errno == EWOULDBLOCK);
}

/* The newest quiet idle socket of sl, out of the pool, or NULL; the idle
 * sockets found with something queued are closed. */
static struct usock *pool_take(struct slot *sl)
{
	while (sl->nidle > 0) {
		struct usock *us = sl->idle[sl->nidle - 1];
		if (usock_quiet(us)) {
			idle_unlink(us);
			return us;
		}
		usock_close(us);
	}
	return NULL;
}

static void on_sweep(uv_timer_t *t)
{
	struct dd_net *net = t->data;
	uint64_t now = uv_now(&net->loop);

	while (net->idle_head && now - net->idle_head->idle_since >= DD_NET_UDP_IDLE_MS)
		usock_close(net->idle_head);
	if (!net->idle_head)
		uv_timer_stop(&net->sweep);
}

/* Back into its slot's pool after a clean exchange, or closed when it has
 * served its share or the pool is full. */
static void pool_put(struct usock *us)
{
	struct dd_net *net = us->net;
	struct slot *sl = us->slot;

	if (!us->poolable || us->uses >= DD_NET_UDP_USES || sl->nidle >= DD_NET_UDP_IDLE_MAX) {
		usock_close(us);
		return;
	}
	sl->idle[sl->nidle++] = us;
	us->idle_since = uv_now(&net->loop);
	us->idle_next = NULL;
	us->idle_prev = net->idle_tail;
	if (net->idle_tail)
		net->idle_tail->idle_next = us;
	else
		net->idle_head = us;
	net->idle_tail = us;
	if (!uv_is_active((uv_handle_t *)&net->sweep))
		uv_timer_start(&net->sweep, on_sweep, DD_NET_UDP_IDLE_MS / 2,
			       DD_NET_UDP_IDLE_MS / 2);
}

/* The exchange's socket: reused when nothing but the matching reply to a
 * single send came in, closed otherwise (see the top of the file). */
static void udp_release(struct xfer *x, int err)
{
	struct usock *us = x->us;

	x->us = NULL;
	us->x = NULL;
	if (err == 0 && x->rep.attempts == 1 && x->rep.mismatched == 0 && x->rep.runts == 0)
		pool_put(us);
	else
		usock_close(us);
}

/* End the exchange: report, release the slot, close the handles. */
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
	x->cb(x->arg, &x->rep);
	net->inflight--;
	x->slot->inflight--;
	uv_close((uv_handle_t *)&x->timer, on_close);
	if (x->us)
		udp_release(x, err);
	if (x->tcp_open)
		uv_close((uv_handle_t *)&x->tcp, on_close);
	pump(net);
}

static void tcp_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct xfer *x = h->data;

	(void)suggested;
	buf->base = (char *)x->net->rbuf;
	buf->len = sizeof(x->net->rbuf);
}

static void udp_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct usock *us = h->data;

	(void)suggested;
	buf->base = (char *)us->net->rbuf;
	buf->len = sizeof(us->net->rbuf);
}

static void udp_send_attempt(struct xfer *x);
static void on_start_failed(uv_timer_t *t);

static void on_timer(uv_timer_t *t)
{
	struct xfer *x = t->data;

	if (x->q.proto == DD_NET_UDP && x->rep.attempts <= x->q.retries) {
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
	uv_timer_start(&x->timer, on_timer, x->q.timeout_ms, 0);
	rc = uv_udp_try_send(&x->us->udp, &b, 1, NULL);
	if (rc < 0 && rc != UV_EAGAIN && rc != UV_ENOBUFS) {
		/* Reported from the loop, never from within dd_net_query. */
		x->start_err = err_from_uv(rc);
		uv_timer_start(&x->timer, on_start_failed, 0, 0);
	}
}

/* An idle socket read something. Finding the queue empty is fine; a
 * datagram or an error was meant for an earlier exchange, and the socket
 * is not reused. */
static void on_idle_recv(struct usock *us, ssize_t nread, const struct sockaddr *addr)
{
	if (nread == 0 && !addr)
		return;
	usock_close(us);
}

static void on_udp_recv(uv_udp_t *h, ssize_t nread, const uv_buf_t *buf,
			const struct sockaddr *addr, unsigned flags)
{
	struct usock *us = h->data;
	struct xfer *x = us->x;
	const uint8_t *r = (const uint8_t *)buf->base;

	if (!x) {
		on_idle_recv(us, nread, addr);
		return;
	}
	if (x->done)
		return;
	if (nread < 0) {
		finish(x, err_from_uv((int)nread), NULL, 0);
		return;
	}
	if (nread == 0 && !addr)
		return;
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

/* A new socket connected to addr, reading. It never keeps the loop alive
 * by itself: an exchange holding it has its timer running. */
static int usock_open(struct dd_net *net, struct slot *sl, const struct sockaddr_storage *addr,
		      struct usock **out)
{
	struct usock *us = calloc(1, sizeof(*us));
	int rc;

	if (!us)
		return DD_ENOMEM;
	rc = uv_udp_init(&net->loop, &us->udp);
	if (rc < 0) {
		free(us);
		return err_from_uv(rc);
	}
	us->udp.data = us;
	us->net = net;
	us->slot = sl;
	us->poolable = addr->ss_family != AF_INET6 ||
		       ((const struct sockaddr_in6 *)addr)->sin6_scope_id == 0;
	us->all_next = net->all;
	if (net->all)
		net->all->all_prev = us;
	net->all = us;
	uv_unref((uv_handle_t *)&us->udp);
	rc = uv_udp_connect(&us->udp, (const struct sockaddr *)addr);
	if (rc == 0)
		rc = uv_udp_recv_start(&us->udp, udp_alloc, on_udp_recv);
	if (rc < 0) {
		usock_close(us);
		return err_from_uv(rc);
	}
	*out = us;
	return 0;
}

static int udp_start(struct xfer *x)
{
	struct usock *us = pool_take(x->slot);
	int rc;

	if (!us) {
		rc = usock_open(x->net, x->slot, &x->q.addr, &us);
		if (rc < 0)
			return rc;
	}
	us->x = x;
	us->uses++;
	x->us = us;
	udp_send_attempt(x);
	return 0;
}

static void on_tcp_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	struct xfer *x = s->data;
	const uint8_t *in = (const uint8_t *)buf->base;
	size_t n;

	if (x->done)
		return;
	if (nread < 0) {
		finish(x, nread == UV_EOF ? DD_ERESET : err_from_uv((int)nread), NULL, 0);
		return;
	}
	n = (size_t)nread;
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
	struct xfer *x = w->data;

	if (status < 0 && !x->done)
		finish(x, err_from_uv(status), NULL, 0);
}

static void on_tcp_connect(uv_connect_t *c, int status)
{
	struct xfer *x = c->data;
	uv_buf_t bufs[2];
	int rc;

	if (x->done)
		return;
	if (status < 0) {
		finish(x, err_from_uv(status), NULL, 0);
		return;
	}
	x->lenbuf[0] = (uint8_t)(x->q.len >> 8);
	x->lenbuf[1] = (uint8_t)x->q.len;
	bufs[0] = uv_buf_init((char *)x->lenbuf, 2);
	bufs[1] = uv_buf_init((char *)x->wire, (unsigned)x->q.len);
	x->write.data = x;
	rc = uv_write(&x->write, (uv_stream_t *)&x->tcp, bufs, 2, on_tcp_write);
	if (rc == 0)
		rc = uv_read_start((uv_stream_t *)&x->tcp, tcp_alloc, on_tcp_read);
	if (rc < 0)
		finish(x, err_from_uv(rc), NULL, 0);
}

static int tcp_start(struct xfer *x)
{
	int rc;

	x->acc = malloc(2 + 65535);
	if (!x->acc)
		return DD_ENOMEM;
	rc = uv_tcp_init(&x->net->loop, &x->tcp);
	if (rc < 0)
		return err_from_uv(rc);
	x->open_handles++;
	x->tcp_open = 1;
	x->rep.attempts = 1;
	x->last_send_ms = x->rep.sent_ms = dd_clock_mono_ms();
	x->connect.data = x;
	uv_timer_start(&x->timer, on_timer, x->q.timeout_ms, 0);
	rc = uv_tcp_connect(&x->connect, &x->tcp, (const struct sockaddr *)&x->q.addr,
			    on_tcp_connect);
	return rc < 0 ? err_from_uv(rc) : 0;
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
	x->tcp.data = x;
	x->open_handles = 1;
	rc = x->q.proto == DD_NET_TCP ? tcp_start(x) : udp_start(x);
	if (rc < 0) {
		x->start_err = rc;
		uv_timer_start(&x->timer, on_start_failed, 0, 0);
	}
}

static int startable(const struct dd_net *net, const struct xfer *x)
{
	return net->inflight < net->opts.max_inflight &&
	       x->slot->inflight < net->opts.max_inflight_server &&
	       (net->opts.max_qps == 0 || net->tokens >= 1.0);
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

/* Queued work waits for tokens: keep the loop alive until they are back. */
static void arm_wake(struct dd_net *net)
{
	uint64_t ms;

	if (net->opts.max_qps == 0 || net->waiting == 0 || net->tokens >= 1.0)
		return;
	ms = (uint64_t)((1.0 - net->tokens) * 1000.0 / net->opts.max_qps) + 1;
	uv_ref((uv_handle_t *)&net->wake);
	uv_timer_start(&net->wake, on_wake, ms, 0);
}

static void take_token(struct dd_net *net)
{
	if (net->opts.max_qps)
		net->tokens -= 1.0;
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

	refill(net);
	sl = net->ready_head;
	while (sl && net->inflight < net->opts.max_inflight) {
		struct slot *next = sl->ready_next;
		while (sl->qhead && sl->inflight < net->opts.max_inflight_server &&
		       net->inflight < net->opts.max_inflight &&
		       (net->opts.max_qps == 0 || net->tokens >= 1.0)) {
			struct xfer *x = sl->qhead;
			sl->qhead = x->next;
			if (!sl->qhead)
				sl->qtail = NULL;
			x->next = NULL;
			net->waiting--;
			take_token(net);
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
	return s;
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
	x->q.wire = x->wire;
	x->cb = cb;
	x->arg = arg;
	refill(net);
	/* A server's exchanges keep their order: start at once only when none
	 * of this server's is waiting. */
	if (!x->slot->qhead && startable(net, x)) {
		take_token(net);
		start(x);
		return 0;
	}
	enqueue(net, x);
	arm_wake(net);
	return 0;
}
