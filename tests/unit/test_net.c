/* test_net.c: unit tests for net's socket reuse against scripted DNS
 * servers on 127.0.0.1 (threads with plain sockets). UDP: a socket is
 * reused only after a clean exchange, its source port rotates, and nothing
 * meant for one exchange (a wrong ID, a retry's late reply, a duplicate)
 * reaches the next; the server records the source port of every query.
 * TCP: a connection is reused only after a clean exchange and for at most
 * 100 exchanges; a server closing or resetting it (idle, after a reply,
 * or instead of answering a later question) never shows as a failure when
 * a new connection answers, while a failure on a new connection is
 * reported; the server counts connections, queries and closes. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "core/env.h"
#include "core/err.h"
#include "net/guard.h"
#include "net/net.h"
#include "net/pace.h"

#define MAX_SEEN 128

/* What the server does with each query it receives. */
enum mode {
	ANSWER,       /* the matching reply */
	WRONG_FIRST,  /* a reply with another ID, then the matching one */
	DROP_ONCE,    /* nothing, once; then ANSWER */
	ANSWER_TWICE, /* the reply, and 50 ms later the same reply again */
	SLOW,         /* the reply after 150 ms */
	SILENT,       /* nothing, ever */
};

struct server {
	int fd;
	struct sockaddr_storage addr;
	pthread_t thread;
	pthread_mutex_t mu;
	enum mode mode;
	int stop;
	unsigned nseen;
	unsigned ports[MAX_SEEN]; /* source port of each query, in order */
};

static void reply(int fd, uint8_t *q, size_t len, const struct sockaddr_in *to)
{
	q[2] |= 0x80;
	sendto(fd, q, len, 0, (const struct sockaddr *)to, sizeof(*to));
}

static void *serve(void *arg)
{
	struct server *s = arg;

	for (;;) {
		uint8_t q[512];
		struct sockaddr_in from;
		socklen_t flen = sizeof(from);
		ssize_t n = recvfrom(s->fd, q, sizeof(q), 0, (struct sockaddr *)&from, &flen);
		enum mode m;

		pthread_mutex_lock(&s->mu);
		if (s->stop) {
			pthread_mutex_unlock(&s->mu);
			return NULL;
		}
		if (n < 12) {
			pthread_mutex_unlock(&s->mu);
			continue; /* the receive timeout: look at stop again */
		}
		if (s->nseen < MAX_SEEN)
			s->ports[s->nseen++] = ntohs(from.sin_port);
		m = s->mode;
		if (m == DROP_ONCE)
			s->mode = ANSWER;
		pthread_mutex_unlock(&s->mu);
		switch (m) {
		case ANSWER:
			reply(s->fd, q, (size_t)n, &from);
			break;
		case WRONG_FIRST:
			q[0] ^= 0xff;
			reply(s->fd, q, (size_t)n, &from);
			q[0] ^= 0xff;
			reply(s->fd, q, (size_t)n, &from);
			break;
		case DROP_ONCE:
		case SILENT:
			break;
		case ANSWER_TWICE:
			reply(s->fd, q, (size_t)n, &from);
			usleep(50 * 1000);
			reply(s->fd, q, (size_t)n, &from);
			break;
		case SLOW:
			usleep(150 * 1000);
			reply(s->fd, q, (size_t)n, &from);
			break;
		}
	}
}

/* A socket of type bound to 127.0.0.1 on a port the kernel picks; addr
 * receives the address. Shared by the UDP and the TCP test servers. */
static int loopback_socket(int type, struct sockaddr_storage *addr)
{
	struct sockaddr_in *a = (struct sockaddr_in *)addr;
	socklen_t alen = sizeof(*a);
	int fd = socket(AF_INET, type, 0);

	assert_true(fd >= 0);
	a->sin_family = AF_INET;
	a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)a, sizeof(*a)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)a, &alen), 0);
	return fd;
}

/* Start a server's thread, and stop it: set stop under the lock, join,
 * close the listening socket. */
static void thread_start(pthread_mutex_t *mu, pthread_t *t, void *(*fn)(void *), void *arg)
{
	pthread_mutex_init(mu, NULL);
	assert_int_equal(pthread_create(t, NULL, fn, arg), 0);
}

static void thread_stop(pthread_mutex_t *mu, int *stop, pthread_t t, int fd)
{
	pthread_mutex_lock(mu);
	*stop = 1;
	pthread_mutex_unlock(mu);
	pthread_join(t, NULL);
	pthread_mutex_destroy(mu);
	close(fd);
}

static void server_start(struct server *s)
{
	struct timeval tv = {0, 50 * 1000};

	memset(s, 0, sizeof(*s));
	s->fd = loopback_socket(SOCK_DGRAM, &s->addr);
	setsockopt(s->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	thread_start(&s->mu, &s->thread, serve, s);
}

static void server_stop(struct server *s)
{
	thread_stop(&s->mu, &s->stop, s->thread, s->fd);
}

static void server_mode(struct server *s, enum mode m)
{
	pthread_mutex_lock(&s->mu);
	s->mode = m;
	pthread_mutex_unlock(&s->mu);
}

/* The source port of the server's i-th query. */
static unsigned server_port(struct server *s, unsigned i)
{
	unsigned p;

	pthread_mutex_lock(&s->mu);
	assert_true(i < s->nseen);
	p = s->ports[i];
	pthread_mutex_unlock(&s->mu);
	return p;
}

static unsigned server_seen(struct server *s)
{
	unsigned n;

	pthread_mutex_lock(&s->mu);
	n = s->nseen;
	pthread_mutex_unlock(&s->mu);
	return n;
}

struct result {
	unsigned calls;
	struct dd_net_reply rep;
};

static void on_reply(void *arg, const struct dd_net_reply *rep)
{
	struct result *r = arg;

	r->calls++;
	r->rep = *rep;
	r->rep.wire = NULL;
}

#define QUERY_LEN 24

/* "a.test. IN A" with the given ID. */
static void query_wire(uint8_t w[QUERY_LEN], uint16_t id)
{
	static const uint8_t q[QUERY_LEN] = {0, 0, 0x01, 0, 0, 1, 0, 0, 0, 0, 0, 0,
					     1, 'a', 4, 't', 'e', 's', 't', 0, 0, 1, 0, 1};

	memcpy(w, q, sizeof(q));
	w[0] = (uint8_t)(id >> 8);
	w[1] = (uint8_t)id;
}

static void ask(struct dd_net *net, const struct sockaddr_storage *addr, enum dd_net_proto proto,
		uint16_t id, unsigned timeout_ms, unsigned retries, struct result *r)
{
	uint8_t w[QUERY_LEN];
	struct dd_net_query q;

	memset(&q, 0, sizeof(q));
	memset(r, 0, sizeof(*r));
	query_wire(w, id);
	q.addr = *addr;
	q.proto = proto;
	q.wire = w;
	q.len = sizeof(w);
	q.timeout_ms = timeout_ms;
	q.retries = retries;
	assert_int_equal(dd_net_query(net, &q, on_reply, r), 0);
	assert_int_equal(r->calls, 0); /* never from within dd_net_query */
}

static void start_query(struct dd_net *net, struct server *s, uint16_t id, unsigned timeout_ms,
			unsigned retries, struct result *r)
{
	ask(net, &s->addr, DD_NET_UDP, id, timeout_ms, retries, r);
}

/* One exchange, run to its end. */
static void exchange(struct dd_net *net, struct server *s, uint16_t id, struct result *r)
{
	start_query(net, s, id, 2000, 0, r);
	dd_net_run(net);
	assert_int_equal(r->calls, 1);
}

static struct dd_net *net_new(void)
{
	struct dd_net_opts o = {0, 0, 0};
	struct dd_net *net;

	assert_int_equal(dd_net_new(&net, &o), 0);
	return net;
}

static void assert_clean(const struct result *r)
{
	assert_int_equal(r->rep.err, 0);
	assert_int_equal(r->rep.attempts, 1);
	assert_int_equal(r->rep.mismatched, 0);
	assert_int_equal(r->rep.runts, 0);
}

static void udp_socket_reused(void **state)
{
	struct server s;
	struct dd_net *net = net_new();
	struct result r;

	(void)state;
	server_start(&s);
	for (unsigned i = 0; i < 5; i++) {
		exchange(net, &s, (uint16_t)(100 + i), &r);
		assert_clean(&r);
	}
	assert_int_equal(server_seen(&s), 5);
	for (unsigned i = 1; i < 5; i++)
		assert_int_equal(server_port(&s, i), server_port(&s, 0));
	dd_net_free(net);
	server_stop(&s);
}

static void udp_port_rotates(void **state)
{
	struct server s;
	struct dd_net *net = net_new();
	struct result r;

	(void)state;
	server_start(&s);
	for (unsigned i = 0; i < 33; i++) {
		exchange(net, &s, (uint16_t)(200 + i), &r);
		assert_clean(&r);
	}
	/* 32 exchanges per socket, then a new one. */
	for (unsigned i = 1; i < 32; i++)
		assert_int_equal(server_port(&s, i), server_port(&s, 0));
	assert_int_not_equal(server_port(&s, 32), server_port(&s, 0));
	dd_net_free(net);
	server_stop(&s);
}

static void udp_wrong_id_not_reused(void **state)
{
	struct server s;
	struct dd_net *net = net_new();
	struct result r;

	(void)state;
	server_start(&s);
	server_mode(&s, WRONG_FIRST);
	exchange(net, &s, 300, &r);
	assert_int_equal(r.rep.err, 0);
	assert_int_equal(r.rep.mismatched, 1);
	server_mode(&s, ANSWER);
	exchange(net, &s, 301, &r);
	assert_clean(&r);
	assert_int_not_equal(server_port(&s, 1), server_port(&s, 0));
	dd_net_free(net);
	server_stop(&s);
}

static void udp_retry_not_reused(void **state)
{
	struct server s;
	struct dd_net *net = net_new();
	struct result r;

	(void)state;
	server_start(&s);
	server_mode(&s, DROP_ONCE);
	start_query(net, &s, 400, 400, 1, &r); /* two sends, 200 ms apart */
	dd_net_run(net);
	assert_int_equal(r.calls, 1);
	assert_int_equal(r.rep.err, 0);
	assert_int_equal(r.rep.attempts, 2);
	exchange(net, &s, 401, &r);
	assert_clean(&r);
	assert_int_equal(server_seen(&s), 3);
	assert_int_not_equal(server_port(&s, 2), server_port(&s, 0));
	dd_net_free(net);
	server_stop(&s);
}

/* A duplicate reply reaches the idle socket while the loop is not running:
 * the lease finds it queued and takes a new socket. */
static void udp_duplicate_while_stopped(void **state)
{
	struct server s;
	struct dd_net *net = net_new();
	struct result r;

	(void)state;
	server_start(&s);
	server_mode(&s, ANSWER_TWICE);
	exchange(net, &s, 500, &r);
	assert_clean(&r);
	usleep(200 * 1000); /* the duplicate is queued, unread */
	server_mode(&s, ANSWER);
	exchange(net, &s, 501, &r);
	assert_clean(&r);
	assert_int_not_equal(server_port(&s, 1), server_port(&s, 0));
	dd_net_free(net);
	server_stop(&s);
}

/* A duplicate reply reaches the idle socket while the loop runs (for an
 * exchange with another server): the loop reads it, and the socket goes. */
static void udp_duplicate_while_running(void **state)
{
	struct server s, slow;
	struct dd_net *net = net_new();
	struct result r, rs;

	(void)state;
	server_start(&s);
	server_start(&slow);
	server_mode(&s, ANSWER_TWICE);
	server_mode(&slow, SLOW);
	exchange(net, &s, 600, &r);
	assert_clean(&r);
	exchange(net, &slow, 601, &rs); /* 150 ms: the duplicate comes at 50 */
	assert_clean(&rs);
	server_mode(&s, ANSWER);
	exchange(net, &s, 602, &r);
	assert_clean(&r);
	assert_int_not_equal(server_port(&s, 1), server_port(&s, 0));
	dd_net_free(net);
	server_stop(&slow);
	server_stop(&s);
}

/* Exchanges in flight at once each hold a socket of their own; afterwards
 * at most four stay idle, and each is handed out again. */
static void udp_concurrent_leases(void **state)
{
	struct server s;
	struct dd_net *net = net_new();
	struct result r[6];
	unsigned first[6];

	(void)state;
	server_start(&s);
	for (unsigned i = 0; i < 6; i++)
		start_query(net, &s, (uint16_t)(700 + i), 2000, 0, &r[i]);
	dd_net_run(net);
	for (unsigned i = 0; i < 6; i++) {
		assert_int_equal(r[i].calls, 1);
		assert_clean(&r[i]);
		first[i] = server_port(&s, i);
		for (unsigned j = 0; j < i; j++)
			assert_int_not_equal(first[i], first[j]);
	}
	for (unsigned i = 0; i < 6; i++)
		start_query(net, &s, (uint16_t)(710 + i), 2000, 0, &r[i]);
	dd_net_run(net);
	for (unsigned i = 0; i < 6; i++) {
		unsigned p = server_port(&s, 6 + i), reused = 0;
		assert_clean(&r[i]);
		for (unsigned j = 0; j < 6; j++)
			reused += p == first[j];
		for (unsigned j = 0; j < i; j++)
			assert_int_not_equal(p, server_port(&s, 6 + j));
		/* The first four come from the pool, the others are new. */
		assert_int_equal(reused, i < 4 ? 1 : 0);
	}
	dd_net_free(net);
	server_stop(&s);
}

/* Nothing listens: the ICMP error ends the exchange, and the next one to
 * the same address gets a fresh socket and the same error. */
static void udp_unreachable(void **state)
{
	struct server s;
	struct dd_net *net = net_new();
	struct result r;

	(void)state;
	server_start(&s);
	server_stop(&s); /* the port is closed now */
	for (unsigned i = 0; i < 2; i++) {
		start_query(net, &s, (uint16_t)(800 + i), 2000, 0, &r);
		dd_net_run(net);
		assert_int_equal(r.calls, 1);
		assert_int_equal(r.rep.err, DD_EUNREACH);
	}
	dd_net_free(net);
}

/* The TCP server: one thread polling a listening socket and its
 * connections. What it does with each query: */
enum tmode {
	T_ANSWER,      /* the matching reply; the connection stays open */
	T_CLOSE_AFTER, /* the reply, then close */
	T_IDLE_CLOSE,  /* the reply, then close 50 ms later */
	T_FIRST_ONLY,  /* answer a connection's first query; close at a later one */
	T_RESET_LATER, /* the same, with a reset instead of a close */
	T_WRONG_FIRST, /* a message with another ID, then the reply */
	T_TRAILING,    /* the reply and a stray copy of it in one write */
	T_SLOW,        /* the reply after 150 ms */
	T_SILENT,      /* nothing; the connection stays open */
	T_HANGUP,      /* close without answering */
};

#define TCONNS 16

struct tconn {
	int fd;                /* -1: unused */
	uint8_t buf[2 + 512];
	size_t len;
	unsigned queries;
	long long close_at_ms; /* 0: none */
};

struct tserver {
	int fd;
	struct sockaddr_storage addr;
	pthread_t thread;
	pthread_mutex_t mu;
	enum tmode mode;
	int stop;
	unsigned accepts;      /* connections accepted */
	unsigned queries;      /* queries read */
	unsigned closes;       /* connections the client closed */
	struct tconn conns[TCONNS];
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void tsend(int fd, const uint8_t *m, size_t len)
{
	uint8_t out[2 + 512];

	out[0] = (uint8_t)(len >> 8);
	out[1] = (uint8_t)len;
	memcpy(out + 2, m, len);
	send(fd, out, 2 + len, MSG_NOSIGNAL);
}

static void tclose(struct tconn *c, int reset)
{
	if (reset) {
		struct linger l = {1, 0};
		setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	}
	close(c->fd);
	c->fd = -1;
}

/* One query q of len bytes on c, answered as the mode says. */
static void tanswer(struct tserver *s, struct tconn *c, uint8_t *q, size_t len)
{
	enum tmode m;
	uint8_t two[2 * (2 + 512)];

	pthread_mutex_lock(&s->mu);
	s->queries++;
	m = s->mode;
	pthread_mutex_unlock(&s->mu);
	c->queries++;
	q[2] |= 0x80;
	switch (m) {
	case T_ANSWER:
		tsend(c->fd, q, len);
		break;
	case T_CLOSE_AFTER:
		tsend(c->fd, q, len);
		tclose(c, 0);
		break;
	case T_IDLE_CLOSE:
		tsend(c->fd, q, len);
		c->close_at_ms = now_ms() + 50;
		break;
	case T_FIRST_ONLY:
	case T_RESET_LATER:
		if (c->queries == 1)
			tsend(c->fd, q, len);
		else
			tclose(c, m == T_RESET_LATER);
		break;
	case T_WRONG_FIRST:
		q[0] ^= 0xff;
		tsend(c->fd, q, len);
		q[0] ^= 0xff;
		tsend(c->fd, q, len);
		break;
	case T_TRAILING:
		for (unsigned i = 0; i < 2; i++) {
			two[i * (2 + len)] = (uint8_t)(len >> 8);
			two[i * (2 + len) + 1] = (uint8_t)len;
			memcpy(two + i * (2 + len) + 2, q, len);
		}
		send(c->fd, two, 2 * (2 + len), MSG_NOSIGNAL);
		break;
	case T_SLOW:
		usleep(150 * 1000);
		tsend(c->fd, q, len);
		break;
	case T_SILENT:
		break;
	case T_HANGUP:
		tclose(c, 0);
		break;
	}
}

/* Read what c has; answer each whole query. */
static void tread(struct tserver *s, struct tconn *c)
{
	ssize_t n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, 0);

	if (n <= 0) {
		pthread_mutex_lock(&s->mu);
		s->closes++;
		pthread_mutex_unlock(&s->mu);
		tclose(c, 0);
		return;
	}
	c->len += (size_t)n;
	while (c->fd >= 0 && c->len >= 2) {
		size_t mlen = ((size_t)c->buf[0] << 8) | c->buf[1];
		uint8_t q[512];
		if (mlen > sizeof(q) || mlen < 12) {
			tclose(c, 0);
			return;
		}
		if (c->len < 2 + mlen)
			return;
		memcpy(q, c->buf + 2, mlen);
		memmove(c->buf, c->buf + 2 + mlen, c->len - 2 - mlen);
		c->len -= 2 + mlen;
		tanswer(s, c, q, mlen);
	}
}

static void taccept(struct tserver *s)
{
	int fd = accept(s->fd, NULL, NULL);

	if (fd < 0)
		return;
	for (unsigned i = 0; i < TCONNS; i++) {
		if (s->conns[i].fd < 0) {
			memset(&s->conns[i], 0, sizeof(s->conns[i]));
			s->conns[i].fd = fd;
			pthread_mutex_lock(&s->mu);
			s->accepts++;
			pthread_mutex_unlock(&s->mu);
			return;
		}
	}
	close(fd);
}

static void *tserve(void *arg)
{
	struct tserver *s = arg;

	for (;;) {
		struct pollfd pfd[1 + TCONNS];
		struct tconn *who[1 + TCONNS];
		nfds_t n = 0;
		long long now = now_ms();

		pthread_mutex_lock(&s->mu);
		if (s->stop) {
			pthread_mutex_unlock(&s->mu);
			break;
		}
		pthread_mutex_unlock(&s->mu);
		pfd[n].fd = s->fd;
		pfd[n].events = POLLIN;
		who[n++] = NULL;
		for (unsigned i = 0; i < TCONNS; i++) {
			struct tconn *c = &s->conns[i];
			if (c->fd >= 0 && c->close_at_ms && now >= c->close_at_ms)
				tclose(c, 0);
			if (c->fd < 0)
				continue;
			pfd[n].fd = c->fd;
			pfd[n].events = POLLIN;
			who[n++] = c;
		}
		if (poll(pfd, n, 10) <= 0)
			continue;
		for (nfds_t i = 0; i < n; i++) {
			if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			if (who[i])
				tread(s, who[i]);
			else
				taccept(s);
		}
	}
	for (unsigned i = 0; i < TCONNS; i++)
		if (s->conns[i].fd >= 0)
			close(s->conns[i].fd);
	return NULL;
}

static void tserver_start(struct tserver *s, enum tmode mode)
{
	memset(s, 0, sizeof(*s));
	for (unsigned i = 0; i < TCONNS; i++)
		s->conns[i].fd = -1;
	s->mode = mode;
	s->fd = loopback_socket(SOCK_STREAM, &s->addr);
	assert_int_equal(listen(s->fd, 16), 0);
	thread_start(&s->mu, &s->thread, tserve, s);
}

static void tserver_stop(struct tserver *s)
{
	thread_stop(&s->mu, &s->stop, s->thread, s->fd);
}

static void tserver_mode(struct tserver *s, enum tmode m)
{
	pthread_mutex_lock(&s->mu);
	s->mode = m;
	pthread_mutex_unlock(&s->mu);
}

/* The server's counts: connections accepted, queries read, closes seen.
 * Closes are seen a little after they happen: wait for them first. */
static void tserver_counts(struct tserver *s, unsigned *accepts, unsigned *queries,
			   unsigned *closes)
{
	pthread_mutex_lock(&s->mu);
	*accepts = s->accepts;
	*queries = s->queries;
	*closes = s->closes;
	pthread_mutex_unlock(&s->mu);
}

static void assert_counts(struct tserver *s, unsigned accepts, unsigned queries)
{
	unsigned a, q, c;

	tserver_counts(s, &a, &q, &c);
	assert_int_equal(a, accepts);
	assert_int_equal(q, queries);
}

static unsigned tserver_closes(struct tserver *s)
{
	unsigned a, q, c;

	usleep(100 * 1000);
	tserver_counts(s, &a, &q, &c);
	return c;
}

/* One TCP exchange, run to its end. */
static void tcp_exchange(struct dd_net *net, struct tserver *s, uint16_t id, unsigned timeout_ms,
			 struct result *r)
{
	ask(net, &s->addr, DD_NET_TCP, id, timeout_ms, 0, r);
	dd_net_run(net);
	assert_int_equal(r->calls, 1);
}

static void tcp_connection_reused(void **state)
{
	struct tserver s;
	struct dd_net *net = net_new();
	struct result r;

	(void)state;
	tserver_start(&s, T_ANSWER);
	for (unsigned i = 0; i < 5; i++) {
		tcp_exchange(net, &s, (uint16_t)(1000 + i), 2000, &r);
		assert_clean(&r);
	}
	assert_counts(&s, 1, 5);
	assert_int_equal(tserver_closes(&s), 0);
	dd_net_free(net); /* closes the idle connection */
	assert_int_equal(tserver_closes(&s), 1);
	tserver_stop(&s);
}

/* 100 exchanges per connection, then a new one. */
static void tcp_uses_limited(void **state)
{
	struct tserver s;
	struct dd_net *net = net_new();
	struct result r;

	(void)state;
	tserver_start(&s, T_ANSWER);
	for (unsigned i = 0; i < 101; i++) {
		tcp_exchange(net, &s, (uint16_t)(1100 + i), 2000, &r);
		assert_clean(&r);
	}
	assert_counts(&s, 2, 101);
	assert_int_equal(tserver_closes(&s), 1);
	dd_net_free(net);
	tserver_stop(&s);
}

/* Exchanges in flight at once each hold a connection; two stay idle. */
static void tcp_concurrent_leases(void **state)
{
	struct tserver s;
	struct dd_net *net = net_new();
	struct result r[3];

	(void)state;
	tserver_start(&s, T_ANSWER);
	for (unsigned round = 0; round < 2; round++) {
		for (unsigned i = 0; i < 3; i++)
			ask(net, &s.addr, DD_NET_TCP, (uint16_t)(1200 + 10 * round + i), 2000, 0,
			    &r[i]);
		dd_net_run(net);
		for (unsigned i = 0; i < 3; i++) {
			assert_int_equal(r[i].calls, 1);
			assert_clean(&r[i]);
		}
	}
	assert_counts(&s, 4, 6);
	dd_net_free(net);
	tserver_stop(&s);
}

/* A server that closes after each reply: every exchange is answered,
 * whether the close is seen before the next lease or crosses its query. */
static void tcp_server_closes_after_reply(void **state)
{
	struct tserver s;
	struct dd_net *net = net_new();
	struct result r;
	unsigned a, q, c;

	(void)state;
	tserver_start(&s, T_CLOSE_AFTER);
	for (unsigned i = 0; i < 20; i++) {
		tcp_exchange(net, &s, (uint16_t)(1300 + i), 2000, &r);
		assert_clean(&r);
	}
	tserver_counts(&s, &a, &q, &c);
	assert_int_equal(a, 20);
	assert_true(q >= 20 && q < 40);
	dd_net_free(net);
	tserver_stop(&s);
}

/* The server drops the reused connection instead of answering (a close, or
 * a reset): the question is asked again on a new connection, once, and
 * the exchange is a clean success. */
static void tcp_reused_dropped_retried(void **state)
{
	static const enum tmode modes[2] = {T_FIRST_ONLY, T_RESET_LATER};

	(void)state;
	for (unsigned m = 0; m < 2; m++) {
		struct tserver s;
		struct dd_net *net = net_new();
		struct result r;

		tserver_start(&s, modes[m]);
		tcp_exchange(net, &s, 1400, 2000, &r);
		assert_clean(&r);
		for (unsigned i = 1; i < 4; i++) {
			tcp_exchange(net, &s, (uint16_t)(1400 + i), 2000, &r);
			assert_clean(&r);
			/* the dead one asked, then a new one */
			assert_counts(&s, 1 + i, 1 + 2 * i);
		}
		dd_net_free(net);
		tserver_stop(&s);
	}
}

/* The server closes an idle connection: while the loop is not running
 * (the lease finds it closed and does not even send), and while it runs
 * for an exchange with another server (the loop reads the close). */
static void tcp_idle_closed_by_server(void **state)
{
	struct tserver s, slow;
	struct dd_net *net = net_new();
	struct result r;

	(void)state;
	tserver_start(&s, T_IDLE_CLOSE);
	tserver_start(&slow, T_SLOW);
	tcp_exchange(net, &s, 1500, 2000, &r);
	assert_clean(&r);
	usleep(150 * 1000);
	tcp_exchange(net, &s, 1501, 2000, &r);
	assert_clean(&r);
	assert_counts(&s, 2, 2);
	tcp_exchange(net, &slow, 1502, 2000, &r); /* 150 ms: the close comes at 50 */
	assert_clean(&r);
	tcp_exchange(net, &s, 1503, 2000, &r);
	assert_clean(&r);
	assert_counts(&s, 3, 3);
	dd_net_free(net);
	tserver_stop(&slow);
	tserver_stop(&s);
}

/* A non-matching message, or bytes after the reply: the exchange gets its
 * answer, and the connection is not reused. */
static void tcp_unclean_not_reused(void **state)
{
	struct tserver s;
	struct dd_net *net = net_new();
	struct result r;

	(void)state;
	tserver_start(&s, T_WRONG_FIRST);
	tcp_exchange(net, &s, 1600, 2000, &r);
	assert_int_equal(r.rep.err, 0);
	assert_int_equal(r.rep.mismatched, 1);
	tserver_mode(&s, T_TRAILING);
	tcp_exchange(net, &s, 1601, 2000, &r);
	assert_clean(&r);
	tserver_mode(&s, T_ANSWER);
	tcp_exchange(net, &s, 1602, 2000, &r);
	assert_clean(&r);
	assert_counts(&s, 3, 3);
	assert_int_equal(tserver_closes(&s), 2);
	dd_net_free(net);
	tserver_stop(&s);
}

/* A server that never answers: the exchange times out after its timeout,
 * and its connection is not reused. */
/* A silent server costs one window: the retries go out within the
 * timeout, evenly spaced; then the address is held and the next question
 * ends at once. Sends closer than 200 ms are not made. */
static void udp_retries_within_the_window(void **state)
{
	struct server s;
	struct dd_net *net = net_new();
	struct result r;
	long long t0, took;

	(void)state;
	server_start(&s);
	server_mode(&s, SILENT);
	t0 = now_ms();
	start_query(net, &s, 410, 600, 2, &r);
	dd_net_run(net);
	took = now_ms() - t0;
	assert_int_equal(r.rep.err, DD_ETIMEDOUT);
	assert_int_equal(r.rep.attempts, 3);
	assert_true(took >= 590 && took < 900);
	assert_int_equal(server_seen(&s), 3);
	t0 = now_ms();
	start_query(net, &s, 411, 600, 2, &r);
	dd_net_run(net);
	assert_int_equal(r.rep.err, DD_EHELD);
	assert_true(now_ms() - t0 < 100);
	assert_int_equal(server_seen(&s), 3);
	dd_net_free(net);
	server_stop(&s);
	/* 300 ms and two retries asked: one retry only (150 ms is too close) */
	net = net_new();
	server_start(&s);
	server_mode(&s, SILENT);
	start_query(net, &s, 412, 300, 2, &r);
	dd_net_run(net);
	assert_int_equal(r.rep.attempts, 1);
	dd_net_free(net);
	server_stop(&s);
}

/* Politeness per address: 20 questions per second to one address (a burst
 * of two) makes ten questions to it take about 0.4 s, while ten to another
 * address, unlimited by the first's rate, go at once. */
static void per_server_rate(void **state)
{
	struct dd_net_opts o = { 0, 0, 0, 20 };
	struct server a, b;
	struct dd_net *net;
	struct result ra[10], rb[10];
	long long t0, took;

	(void)state;
	assert_int_equal(dd_net_new(&net, &o), 0);
	server_start(&a);
	server_start(&b);
	t0 = now_ms();
	for (unsigned i = 0; i < 10; i++) {
		start_query(net, &a, (uint16_t)(700 + i), 2000, 0, &ra[i]);
		start_query(net, &b, (uint16_t)(800 + i), 2000, 0, &rb[i]);
	}
	dd_net_run(net);
	took = now_ms() - t0;
	for (unsigned i = 0; i < 10; i++) {
		assert_int_equal(ra[i].calls, 1);
		assert_int_equal(ra[i].rep.err, 0);
		assert_int_equal(rb[i].rep.err, 0);
	}
	/* 8 after the burst of 2, at 20 per second: 0.4 s; the two addresses in
	 * parallel (one rate for both would need 0.9 s) */
	assert_true(took >= 380 && took < 850);
	assert_int_equal(server_seen(&a), 10);
	assert_int_equal(server_seen(&b), 10);
	dd_net_free(net);
	server_stop(&a);
	server_stop(&b);
}

static void tcp_timeout(void **state)
{
	struct tserver s;
	struct dd_net *net = net_new();
	struct result r;
	long long t0, took;

	(void)state;
	tserver_start(&s, T_SILENT);
	t0 = now_ms();
	tcp_exchange(net, &s, 1700, 200, &r);
	took = now_ms() - t0;
	assert_int_equal(r.rep.err, DD_ETIMEDOUT);
	assert_int_equal(r.rep.attempts, 1);
	assert_true(took >= 190 && took < 1000);
	/* One exchange timed out: the address is held, the next question to
	 * it ends at once, unsent, even though the server would answer now. */
	tserver_mode(&s, T_ANSWER);
	t0 = now_ms();
	tcp_exchange(net, &s, 1701, 2000, &r);
	assert_int_equal(r.rep.err, DD_EHELD);
	assert_int_equal(r.rep.attempts, 0);
	assert_true(now_ms() - t0 < 100);
	assert_counts(&s, 1, 1);
	dd_net_free(net);
	tserver_stop(&s);
}

/* A server that hangs up instead of answering: reported at once on a new
 * connection; on a reused one after a single new connection failed too. */
static void tcp_hangup_reported(void **state)
{
	struct tserver s;
	struct dd_net *net = net_new();
	struct result r;

	(void)state;
	tserver_start(&s, T_HANGUP);
	tcp_exchange(net, &s, 1800, 2000, &r);
	assert_int_equal(r.rep.err, DD_ERESET);
	assert_counts(&s, 1, 1);
	tserver_mode(&s, T_ANSWER);
	tcp_exchange(net, &s, 1801, 2000, &r);
	assert_clean(&r);
	tserver_mode(&s, T_HANGUP);
	tcp_exchange(net, &s, 1802, 2000, &r);
	assert_int_equal(r.rep.err, DD_ERESET);
	assert_int_equal(r.rep.attempts, 1);
	assert_counts(&s, 3, 4);
	dd_net_free(net);
	tserver_stop(&s);
}

/* An idle connection unused for ~2 s is closed by the sweep while the loop
 * runs (here for a 2.5 s timeout at a silent server). */
static void tcp_idle_swept(void **state)
{
	struct tserver s, silent;
	struct dd_net *net = net_new();
	struct result r;

	(void)state;
	tserver_start(&s, T_ANSWER);
	tserver_start(&silent, T_SILENT);
	tcp_exchange(net, &s, 1900, 2000, &r);
	assert_clean(&r);
	tcp_exchange(net, &silent, 1901, 2500, &r);
	assert_int_equal(r.rep.err, DD_ETIMEDOUT);
	assert_int_equal(tserver_closes(&s), 1);
	tcp_exchange(net, &s, 1902, 2000, &r);
	assert_clean(&r);
	assert_counts(&s, 2, 2);
	dd_net_free(net);
	tserver_stop(&silent);
	tserver_stop(&s);
}

/* ---- CPU work on the thread pool ----------------------------------------- */

struct item {
	unsigned in, out;
	int nice_below;  /* the pool thread ran below the loop's thread */
	int done, cancelled;
};

static void square(void *arg)
{
	struct item *it = arg;

	it->out = it->in * it->in;
	errno = 0;
	it->nice_below = getpriority(PRIO_PROCESS, 0) > getpriority(PRIO_PROCESS, (id_t)getpid());
}

static void squared(void *arg, int cancelled)
{
	struct item *it = arg;

	it->done++;
	it->cancelled = cancelled;
}

/* Every item is worked on a pool thread below the loop's priority and
 * comes back once on the loop; the loop runs until all have. */
static void work_on_the_pool(void **state)
{
	struct dd_net *net = net_new();
	struct item items[100];

	(void)state;
	memset(items, 0, sizeof(items));
	for (unsigned i = 0; i < 100; i++) {
		items[i].in = i;
		assert_int_equal(dd_net_work(net, square, squared, &items[i], NULL), 0);
	}
	dd_net_run(net);
	/* at nice 19 already, a pool thread cannot go lower */
	int can_yield = getpriority(PRIO_PROCESS, (id_t)getpid()) < 19;
	for (unsigned i = 0; i < 100; i++) {
		assert_int_equal(items[i].done, 1);
		assert_int_equal(items[i].cancelled, 0);
		assert_int_equal(items[i].out, i * i);
		assert_int_equal(items[i].nice_below, can_yield);
	}
	dd_net_free(net);
}

/* ---- the guard on server-supplied destinations ---- */

static int guard_of(const char *text, char why[DD_NET_GUARD_WHY])
{
	struct sockaddr_storage ss;

	memset(&ss, 0, sizeof(ss));
	if (strchr(text, ':')) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		s6->sin6_family = AF_INET6;
		assert_int_equal(inet_pton(AF_INET6, text, &s6->sin6_addr), 1);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		s4->sin_family = AF_INET;
		assert_int_equal(inet_pton(AF_INET, text, &s4->sin_addr), 1);
	}
	why[0] = '\0';
	return dd_net_guard_addr((struct sockaddr *)&ss, why);
}

static void guard_refuses_private_addresses(void **state)
{
	static const char *const refused[] = {
		"127.0.0.1", "127.77.0.1", "0.0.0.0", "10.1.2.3", "172.16.0.1", "172.31.255.255",
		"192.168.1.1", "100.64.0.1", "169.254.169.254", "224.0.0.251", "239.1.2.3",
		"240.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "febf::1", "fec0::1",
		"fc00::1", "fd12:3456::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1",
		"::127.0.0.1",
	};
	static const char *const allowed[] = {
		"192.0.2.1", "8.8.8.8", "172.32.0.1", "172.15.255.255", "100.128.0.1",
		"169.255.0.1", "2001:db8::1", "2a00:1450::1", "::ffff:8.8.8.8", "fe00::1",
	};
	char why[DD_NET_GUARD_WHY];

	(void)state;
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		if (guard_of(refused[i], why) != DD_EDENIED)
			fail_msg("%s allowed", refused[i]);
		assert_non_null(strstr(why, " address "));
	}
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		if (guard_of(allowed[i], why) != 0)
			fail_msg("%s refused: %s", allowed[i], why);
	assert_int_equal(guard_of("127.0.0.1", why), DD_EDENIED);
	assert_string_equal(why, "loopback address 127.0.0.1");
	assert_int_equal(guard_of("169.254.169.254", why), DD_EDENIED);
	assert_string_equal(why, "link-local address 169.254.169.254");
}

static void guard_trusts_the_operators_hosts(void **state)
{
	struct dd_net_guard *g;

	(void)state;
	assert_int_equal(dd_net_guard_new(&g), 0);
	assert_int_equal(dd_net_guard_trust_url(g, "https://127.77.0.1/rdap/"), 0);
	assert_int_equal(dd_net_guard_trust_url(g, "https://[::1]:8443/x"), 0);
	assert_int_equal(dd_net_guard_trust(g, "whois.nic.sm.", 43), 0);
	assert_int_equal(dd_net_guard_trust_url(g, "ftp://x/"), DD_EINVAL);
	assert_true(dd_net_guard_trusted_url(g, "https://127.77.0.1:443/registrar/x"));
	assert_true(dd_net_guard_trusted_url(g, "https://user@127.77.0.1/x?y"));
	assert_true(dd_net_guard_trusted_url(g, "https://[::1]:8443"));
	assert_true(dd_net_guard_trusted(g, "WHOIS.nic.sm", 43));
	assert_false(dd_net_guard_trusted_url(g, "https://127.77.0.1:8443/x"));
	assert_false(dd_net_guard_trusted_url(g, "http://127.77.0.1/x")); /* port 80 */
	assert_false(dd_net_guard_trusted_url(g, "https://127.0.0.1/x"));
	assert_false(dd_net_guard_trusted_url(g, "https://127.77.0.1:99999/x"));
	assert_false(dd_net_guard_trusted(g, "whois.nic.sm", 4343));
	assert_false(dd_net_guard_trusted(NULL, "whois.nic.sm", 43));
	dd_net_guard_free(g);
}

/* --- the token buckets (pace.c) ------------------------------------------- */

struct paced {
	double t0, at[8];
	unsigned n, order[8];
	struct dd_net_pace *p;
};

struct paced_item {
	struct paced *ps;
	unsigned id;
};

static void on_token(void *arg)
{
	struct paced_item *it = arg;
	struct paced *ps = it->ps;

	ps->at[ps->n] = dd_clock_mono_ms() - ps->t0;
	ps->order[ps->n++] = it->id;
}

/* 6 requests to one key at 600 a minute (one per 100 ms) with a burst of 2:
 * two at once, then one each 100 ms, in the order asked; another key is not
 * held back; a canceled wait is never called; a hold delays the key. */
static void pace_token_bucket(void **state)
{
	struct dd_net *net = net_new();
	struct paced ps = { 0 }, other = { 0 };
	struct paced_item items[7], solo = { &other, 9 };
	struct dd_net_pace_opts o = { .per_min = 600, .burst = 2 };
	struct dd_net_pace_wait *w = NULL;

	(void)state;
	assert_int_equal(dd_net_pace_new(net, &ps.p), 0);
	ps.t0 = other.t0 = dd_clock_mono_ms();
	for (unsigned i = 0; i < 7; i++) {
		items[i] = (struct paced_item){ &ps, i };
		assert_int_equal(dd_net_pace_take(ps.p, "rdap.example", &o, on_token, &items[i],
						  i == 3 ? &w : NULL), 0);
	}
	dd_net_pace_cancel(w); /* item 3 */
	assert_int_equal(dd_net_pace_take(ps.p, "whois.example:43", &o, on_token, &solo, NULL), 0);
	assert_int_equal(ps.n, 0); /* never before take returns */
	dd_net_run(net);
	assert_int_equal(ps.n, 6);
	assert_int_equal(other.n, 1);
	assert_true(other.at[0] < 50);
	const unsigned want[] = { 0, 1, 2, 4, 5, 6 };
	for (unsigned i = 0; i < 6; i++) {
		assert_int_equal(ps.order[i], want[i]);
		/* the k-th beyond the burst comes after k * 100 ms */
		if (i >= 2)
			assert_true(ps.at[i] >= (double)(i - 1) * 100 - 5);
	}
	assert_true(ps.at[1] < 50);
	assert_true(ps.at[5] < 1000);
	assert_int_equal(dd_net_pace_count(ps.p, "rdap.example"), 6);
	assert_int_equal(dd_net_pace_count(ps.p, "never.example"), 0);
	/* A hold of 300 ms: the next request waits for it although tokens
	 * have come back meanwhile. */
	usleep(250 * 1000);
	dd_net_pace_hold(ps.p, "rdap.example", 300);
	ps.n = 0;
	ps.t0 = dd_clock_mono_ms();
	assert_int_equal(dd_net_pace_take(ps.p, "rdap.example", &o, on_token, &items[0], NULL), 0);
	dd_net_run(net);
	assert_int_equal(ps.n, 1);
	assert_true(ps.at[0] >= 295);
	/* A release calls every waiting request at once, without tokens (the
	 * server failed: they will not be sent), and counts none. */
	ps.n = 0;
	ps.t0 = dd_clock_mono_ms();
	for (unsigned i = 0; i < 7; i++)
		assert_int_equal(dd_net_pace_take(ps.p, "rdap.example", &o, on_token, &items[i],
						  NULL), 0);
	dd_net_pace_hold(ps.p, "rdap.example", 5000);
	dd_net_pace_release(ps.p, "rdap.example");
	dd_net_run(net);
	assert_int_equal(ps.n, 7);
	assert_true(ps.at[6] < 200);
	assert_int_equal(dd_net_pace_count(ps.p, "rdap.example"), 7);
	dd_net_pace_free(ps.p);
	dd_net_run(net);
	dd_net_free(net);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(guard_refuses_private_addresses),
		cmocka_unit_test(guard_trusts_the_operators_hosts),
		cmocka_unit_test(pace_token_bucket),
		cmocka_unit_test(udp_socket_reused),
		cmocka_unit_test(udp_port_rotates),
		cmocka_unit_test(udp_wrong_id_not_reused),
		cmocka_unit_test(udp_retry_not_reused),
		cmocka_unit_test(udp_retries_within_the_window),
		cmocka_unit_test(per_server_rate),
		cmocka_unit_test(udp_duplicate_while_stopped),
		cmocka_unit_test(udp_duplicate_while_running),
		cmocka_unit_test(udp_concurrent_leases),
		cmocka_unit_test(udp_unreachable),
		cmocka_unit_test(tcp_connection_reused),
		cmocka_unit_test(tcp_uses_limited),
		cmocka_unit_test(tcp_concurrent_leases),
		cmocka_unit_test(tcp_server_closes_after_reply),
		cmocka_unit_test(tcp_reused_dropped_retried),
		cmocka_unit_test(tcp_idle_closed_by_server),
		cmocka_unit_test(tcp_unclean_not_reused),
		cmocka_unit_test(tcp_timeout),
		cmocka_unit_test(tcp_hangup_reported),
		cmocka_unit_test(tcp_idle_swept),
		cmocka_unit_test(work_on_the_pool),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
