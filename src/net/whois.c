/* whois.c: one WHOIS exchange as a small state machine on the libuv loop:
 * getaddrinfo, connect (next address on failure), write "query\r\n", read to
 * EOF into a bounded buffer, all under one deadline. The structure lives
 * until its handles are closed and its getaddrinfo request has returned. */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <uv.h>

#include "core/env.h"
#include "core/err.h"
#include "net/guard.h"
#include "net/net.h"
#include "net/whois.h"

struct dd_net_whois {
	uv_loop_t *loop;
	uv_getaddrinfo_t gai;
	uv_timer_t timer;
	uv_tcp_t tcp;
	uv_connect_t conn;
	uv_write_t wreq;
	struct addrinfo *ai, *cur;
	char *query;
	char *buf;
	size_t len, max;
	unsigned timeout_ms;
	dd_net_whois_cb cb;
	void *arg;
	int done;       /* finished or canceled: no more callbacks */
	int gai_pending;
	int tcp_open;   /* tcp initialized and not yet closed */
	int pending;    /* handles and requests still to come back */
	int guarded;    /* connect only where dd_net_guard_addr allows */
	char denied[DD_NET_GUARD_WHY]; /* the first address refused, or the size limit */
	double start_ms;
	char rbuf[16384];
};

static void maybe_free(struct dd_net_whois *w)
{
	if (!w->done || w->pending > 0)
		return;
	if (w->ai)
		uv_freeaddrinfo(w->ai);
	free(w->query);
	free(w->buf);
	free(w);
}

static void on_closed(uv_handle_t *h)
{
	struct dd_net_whois *w = h->data;

	w->pending--;
	maybe_free(w);
}

static void teardown(struct dd_net_whois *w)
{
	w->done = 1;
	if (!uv_is_closing((uv_handle_t *)&w->timer))
		uv_close((uv_handle_t *)&w->timer, on_closed);
	if (w->tcp_open && !uv_is_closing((uv_handle_t *)&w->tcp)) {
		w->tcp_open = 0;
		uv_close((uv_handle_t *)&w->tcp, on_closed);
	}
	if (w->gai_pending)
		uv_cancel((uv_req_t *)&w->gai);
}

static void finish(struct dd_net_whois *w, int err, const char *why)
{
	struct dd_net_whois_reply r;

	if (w->done)
		return;
	memset(&r, 0, sizeof(r));
	r.err = err;
	r.why = why;
	r.text = w->buf ? w->buf : "";
	r.len = w->len;
	r.ms = dd_clock_mono_ms() - w->start_ms;
	w->done = 1;
	w->cb(w->arg, &r);
	teardown(w);
}

static void on_timeout(uv_timer_t *t)
{
	struct dd_net_whois *w = t->data;

	finish(w, DD_ETIMEDOUT, "no complete answer before the deadline");
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct dd_net_whois *w = h->data;

	(void)suggested;
	*buf = uv_buf_init(w->rbuf, sizeof(w->rbuf));
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	struct dd_net_whois *w = s->data;

	if (w->done)
		return;
	if (nread > 0) {
		if (w->len + (size_t)nread > w->max) {
			snprintf(w->denied, sizeof(w->denied), "answer larger than %zu bytes (the limit)",
				 w->max);
			finish(w, DD_ELIMIT, w->denied);
			return;
		}
		memcpy(w->buf + w->len, buf->base, (size_t)nread);
		w->len += (size_t)nread;
		w->buf[w->len] = '\0';
		return;
	}
	if (nread == UV_EOF || (nread == UV_ECONNRESET && w->len > 0))
		finish(w, 0, NULL);
	else if (nread < 0)
		finish(w, DD_ERESET, uv_strerror((int)nread));
}

static void on_write(uv_write_t *req, int status)
{
	struct dd_net_whois *w = req->data;

	if (status < 0 && !w->done)
		finish(w, DD_ERESET, uv_strerror(status));
}

static void try_connect(struct dd_net_whois *w);

static void on_failed_closed(uv_handle_t *h)
{
	struct dd_net_whois *w = h->data;

	w->pending--;
	if (w->done) {
		maybe_free(w);
		return;
	}
	w->cur = w->cur->ai_next;
	try_connect(w);
}

/* Is there an address after w->cur that the guard allows? */
static int next_allowed(const struct dd_net_whois *w)
{
	char why[DD_NET_GUARD_WHY];

	for (const struct addrinfo *a = w->cur->ai_next; a; a = a->ai_next)
		if (!w->guarded || dd_net_guard_addr(a->ai_addr, why) == 0)
			return 1;
	return 0;
}

static void on_connect(uv_connect_t *req, int status)
{
	struct dd_net_whois *w = req->data;
	uv_buf_t b;

	if (w->done)
		return;
	if (status < 0) {
		if (next_allowed(w)) {
			w->tcp_open = 0;
			uv_close((uv_handle_t *)&w->tcp, on_failed_closed);
			return;
		}
		finish(w, DD_EUNREACH, uv_strerror(status));
		return;
	}
	/* One send that raises no SIGPIPE when the server has already closed
	 * (a write through libuv would kill the process); what the kernel does
	 * not take at once (never, for a line on a new connection) goes
	 * through libuv. */
	size_t len = strlen(w->query);
	uv_os_fd_t fd;
	ssize_t sent = uv_fileno((uv_handle_t *)&w->tcp, &fd) == 0
			       ? send(fd, w->query, len, MSG_NOSIGNAL | MSG_DONTWAIT)
			       : -1;
	if (sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
		finish(w, DD_ERESET, strerror(errno));
		return;
	}
	if (sent < 0)
		sent = 0;
	b = uv_buf_init(w->query + sent, (unsigned)(len - (size_t)sent));
	w->wreq.data = w;
	if (((size_t)sent < len &&
	     uv_write(&w->wreq, (uv_stream_t *)&w->tcp, &b, 1, on_write) != 0) ||
	    uv_read_start((uv_stream_t *)&w->tcp, on_alloc, on_read) != 0)
		finish(w, DD_ERESET, "cannot send the query");
}

/* Move w->cur past the addresses the guard refuses. */
static void skip_denied(struct dd_net_whois *w)
{
	char why[DD_NET_GUARD_WHY];

	while (w->guarded && w->cur && dd_net_guard_addr(w->cur->ai_addr, why) != 0) {
		if (!w->denied[0])
			snprintf(w->denied, sizeof(w->denied), "%s", why);
		w->cur = w->cur->ai_next;
	}
}

static void try_connect(struct dd_net_whois *w)
{
	int err;

	skip_denied(w);
	if (!w->cur) {
		if (w->denied[0])
			finish(w, DD_EDENIED, w->denied);
		else
			finish(w, DD_EUNREACH, "no address to connect to");
		return;
	}
	uv_tcp_init(w->loop, &w->tcp);
	w->tcp.data = w;
	w->tcp_open = 1;
	w->pending++;
	w->conn.data = w;
	err = uv_tcp_connect(&w->conn, &w->tcp, w->cur->ai_addr, on_connect);
	if (err)
		finish(w, DD_EUNREACH, uv_strerror(err));
}

static void on_resolved(uv_getaddrinfo_t *req, int status, struct addrinfo *res)
{
	struct dd_net_whois *w = req->data;

	w->gai_pending = 0;
	w->pending--;
	if (w->done) {
		if (res)
			uv_freeaddrinfo(res);
		maybe_free(w);
		return;
	}
	if (status < 0) {
		finish(w, DD_EUNREACH, "cannot resolve the WHOIS server's name");
		return;
	}
	w->ai = w->cur = res;
	try_connect(w);
}

int dd_net_whois_query(struct dd_net *net, const char *host, unsigned port, const char *query,
		       unsigned timeout_ms, size_t max_len, dd_net_whois_cb cb, void *arg,
		       struct dd_net_whois **out)
{
	struct dd_net_whois *w;
	struct addrinfo hints;
	char portstr[8];
	size_t ql = strlen(query);

	if (out)
		*out = NULL;
	if (ql == 0 || ql > 512 || strpbrk(query, "\r\n") || port == 0 || port > 65535)
		return DD_EINVAL;
	w = calloc(1, sizeof(*w));
	if (!w)
		return DD_ENOMEM;
	w->loop = dd_net_uv_loop(net);
	w->max = max_len ? max_len : 1024 * 1024;
	w->timeout_ms = timeout_ms ? timeout_ms : 10000;
	w->cb = cb;
	w->arg = arg;
	w->query = malloc(ql + 3);
	w->buf = malloc(w->max + 1);
	if (!w->query || !w->buf) {
		free(w->query);
		free(w->buf);
		free(w);
		return DD_ENOMEM;
	}
	snprintf(w->query, ql + 3, "%s\r\n", query);
	w->buf[0] = '\0';
	w->start_ms = dd_clock_mono_ms();
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(portstr, sizeof(portstr), "%u", port);
	w->gai.data = w;
	if (uv_getaddrinfo(w->loop, &w->gai, on_resolved, host, portstr, &hints) != 0) {
		free(w->query);
		free(w->buf);
		free(w);
		return DD_EUNREACH;
	}
	w->gai_pending = 1;
	w->pending++;
	uv_timer_init(w->loop, &w->timer);
	w->timer.data = w;
	w->pending++;
	uv_timer_start(&w->timer, on_timeout, w->timeout_ms, 0);
	if (out)
		*out = w;
	return 0;
}

void dd_net_whois_guard(struct dd_net_whois *w)
{
	if (w)
		w->guarded = 1;
}

void dd_net_whois_cancel(struct dd_net_whois *w)
{
	if (!w || w->done)
		return;
	teardown(w);
}
