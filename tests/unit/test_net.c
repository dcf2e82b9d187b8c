/* test_net.c: unit tests for net's UDP exchanges against a scripted DNS
 * server on 127.0.0.1 (a thread with a plain socket): a socket is reused
 * only after a clean exchange, its source port rotates, and nothing meant
 * for one exchange (a wrong ID, a retry's late reply, a duplicate) reaches
 * the next. The server records the source port of every query it gets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "core/err.h"
#include "net/net.h"

#define MAX_SEEN 128

/* What the server does with each query it receives. */
enum mode {
	ANSWER,       /* the matching reply */
	WRONG_FIRST,  /* a reply with another ID, then the matching one */
	DROP_ONCE,    /* nothing, once; then ANSWER */
	ANSWER_TWICE, /* the reply, and 50 ms later the same reply again */
	SLOW,         /* the reply after 150 ms */
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

static void server_start(struct server *s)
{
	struct sockaddr_in *a = (struct sockaddr_in *)&s->addr;
	socklen_t alen = sizeof(*a);
	struct timeval tv = {0, 50 * 1000};

	memset(s, 0, sizeof(*s));
	s->fd = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(s->fd >= 0);
	a->sin_family = AF_INET;
	a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(s->fd, (struct sockaddr *)a, sizeof(*a)), 0);
	assert_int_equal(getsockname(s->fd, (struct sockaddr *)a, &alen), 0);
	setsockopt(s->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	pthread_mutex_init(&s->mu, NULL);
	assert_int_equal(pthread_create(&s->thread, NULL, serve, s), 0);
}

static void server_stop(struct server *s)
{
	pthread_mutex_lock(&s->mu);
	s->stop = 1;
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->thread, NULL);
	pthread_mutex_destroy(&s->mu);
	close(s->fd);
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

static void start_query(struct dd_net *net, struct server *s, uint16_t id, unsigned timeout_ms,
			unsigned retries, struct result *r)
{
	uint8_t w[QUERY_LEN];
	struct dd_net_query q;

	memset(&q, 0, sizeof(q));
	memset(r, 0, sizeof(*r));
	query_wire(w, id);
	q.addr = s->addr;
	q.proto = DD_NET_UDP;
	q.wire = w;
	q.len = sizeof(w);
	q.timeout_ms = timeout_ms;
	q.retries = retries;
	assert_int_equal(dd_net_query(net, &q, on_reply, r), 0);
	assert_int_equal(r->calls, 0); /* never from within dd_net_query */
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
	start_query(net, &s, 400, 100, 1, &r);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(udp_socket_reused),
		cmocka_unit_test(udp_port_rotates),
		cmocka_unit_test(udp_wrong_id_not_reused),
		cmocka_unit_test(udp_retry_not_reused),
		cmocka_unit_test(udp_duplicate_while_stopped),
		cmocka_unit_test(udp_duplicate_while_running),
		cmocka_unit_test(udp_concurrent_leases),
		cmocka_unit_test(udp_unreachable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
