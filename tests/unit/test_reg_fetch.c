/* test_reg_fetch.c: the HTTP and WHOIS clients and the fetcher on a real
 * libuv loop against a small TCP server in a thread of this process
 * (127.0.0.1, ephemeral port): answers, timeouts against servers that never
 * finish, the body cap, one look-up per registrable domain, "no source", a
 * host that failed not asked again until the hold is over (WHOIS used as
 * after a real failure), and finished look-ups dropped beyond the bound. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/env.h"
#include "core/err.h"
#include "net/http.h"
#include "net/net.h"
#include "reg/fetch.h"
#include "reg/reg.h"

#define PURISM "Domain: puri.sm\r\nStatus: Suspended\r\n\r\nDNS Servers:\r\n  ns1.dnsimple.com\r\n"

struct server {
	int fd;
	unsigned port;
	volatile int stop;
	pthread_t thread;
	pthread_mutex_t lock;
	unsigned puri_queries;
	unsigned empty_requests; /* GET /empty/...: closed without a reply */
};

static void send_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, s, n, MSG_NOSIGNAL);
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

/* Wait, without answering, until the test stops the server. */
static void hang(struct server *s, int fd)
{
	while (!s->stop) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		char junk[512];
		if (poll(&p, 1, 50) > 0 && recv(fd, junk, sizeof(junk), 0) <= 0)
			return;
	}
}

static void serve_one(struct server *s, int fd)
{
	char q[1024];
	size_t n = 0;

	while (n + 1 < sizeof(q) && !memchr(q, '\n', n)) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, 2000) <= 0)
			break;
		ssize_t r = recv(fd, q + n, sizeof(q) - 1 - n, 0);
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	q[n] = '\0';
	if (strncmp(q, "puri.sm\r\n", 9) == 0) {
		pthread_mutex_lock(&s->lock);
		s->puri_queries++;
		pthread_mutex_unlock(&s->lock);
		send_all(fd, PURISM, strlen(PURISM));
	} else if (n > 5 && strncmp(q, "GET ", 4) != 0 && strcmp(q + n - 5, ".zz\r\n") == 0) {
		char a[1100];
		int len = snprintf(a, sizeof(a), "Domain: %.*s\r\nStatus: Active\r\n", (int)n - 2, q);
		send_all(fd, a, (size_t)len);
	} else if (strncmp(q, "zy\r\n", 4) == 0) { /* as IANA: .zy is served on loopback */
		send_all(fd, "refer: 127.0.0.1\r\n", 18);
	} else if (strncmp(q, "never.sm\r\n", 10) == 0) {
		send_all(fd, "Domain: never.sm\r\n", 18);
		hang(s, fd);
	} else if (strncmp(q, "GET /ok ", 8) == 0) {
		const char *r = "HTTP/1.0 200 OK\r\nContent-Type: application/rdap+json\r\n\r\n"
				"{\"objectClassName\":\"domain\",\"ldhName\":\"ok.test\"}";
		send_all(fd, r, strlen(r));
	} else if (strncmp(q, "GET /big ", 9) == 0) {
		static char chunk[65536];
		const char *h = "HTTP/1.0 200 OK\r\n\r\n";
		memset(chunk, ' ', sizeof(chunk));
		send_all(fd, h, strlen(h));
		for (int i = 0; i < 32 && !s->stop; i++)
			send_all(fd, chunk, sizeof(chunk));
	} else if (strncmp(q, "GET /empty/", 11) == 0) {
		pthread_mutex_lock(&s->lock);
		s->empty_requests++;
		pthread_mutex_unlock(&s->lock);
	} else if (strncmp(q, "GET /hang ", 10) == 0) {
		hang(s, fd);
	} else {
		send_all(fd, "No match\r\n", 10);
	}
	close(fd);
}

static void *conn_thread(void *arg)
{
	struct server *s = ((void **)arg)[0];
	int fd = (int)(intptr_t)((void **)arg)[1];

	free(arg);
	serve_one(s, fd);
	return NULL;
}

static void *accept_thread(void *arg)
{
	struct server *s = arg;

	while (!s->stop) {
		struct pollfd p = { .fd = s->fd, .events = POLLIN };
		if (poll(&p, 1, 50) <= 0)
			continue;
		int fd = accept(s->fd, NULL, NULL);
		if (fd < 0)
			continue;
		void **a = malloc(2 * sizeof(void *));
		pthread_t t;
		a[0] = s;
		a[1] = (void *)(intptr_t)fd;
		if (pthread_create(&t, NULL, conn_thread, a) == 0)
			pthread_detach(t);
		else
			close(fd), free(a);
	}
	return NULL;
}

static int server_up(void **state)
{
	struct server *s = calloc(1, sizeof(*s));
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof(a);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s->fd = socket(AF_INET, SOCK_STREAM, 0);
	if (s->fd < 0 || bind(s->fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    listen(s->fd, 16) != 0 || getsockname(s->fd, (struct sockaddr *)&a, &alen) != 0)
		return -1;
	s->port = ntohs(a.sin_port);
	pthread_mutex_init(&s->lock, NULL);
	pthread_create(&s->thread, NULL, accept_thread, s);
	*state = s;
	return 0;
}

static int server_down(void **state)
{
	struct server *s = *state;

	s->stop = 1;
	pthread_join(s->thread, NULL);
	close(s->fd);
	usleep(200 * 1000); /* let hanging connections see the flag */
	free(s);
	return 0;
}

/* A WHOIS table naming the test server for .sm */
static void table_file(const struct server *s, char *path, size_t len)
{
	FILE *f;

	snprintf(path, len, "/tmp/dnsdeps-test-wsrv-%d", (int)getpid());
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "sm 127.0.0.1:%u\n", s->port);
	fclose(f);
}

/* What a callback saw: the outcome is valid during the callback only. */
struct seen {
	unsigned calls;
	const void *last; /* which outcome (compared, never read) */
	enum dd_reg_unavail reason;
	char why[DD_REG_WHY_MAX];
	char refused[DD_REG_WHY_MAX];
	char domain[256];
	int has_record;
	char status[64];  /* the record's first status */
	int suspended;
};

static void on_outcome(void *arg, const struct dd_reg_outcome *o)
{
	struct seen *s = arg;

	s->calls++;
	s->last = o;
	s->reason = o->reason;
	snprintf(s->why, sizeof(s->why), "%s", o->why);
	snprintf(s->refused, sizeof(s->refused), "%s", o->refused);
	snprintf(s->domain, sizeof(s->domain), "%s", o->domain);
	s->has_record = o->record != NULL;
	s->status[0] = '\0';
	if (o->record && o->record->nstatuses > 0)
		snprintf(s->status, sizeof(s->status), "%s", o->record->statuses[0].code);
	s->suspended = o->record && dd_reg_has_class(o->record, DD_REG_SC_SUSPENDED);
}

static void test_whois_once_per_domain(void **state)
{
	struct server *s = *state;
	struct dd_reg_fetch_opts o;
	struct dd_net_opts no = { 0 };
	struct dd_net *net;
	struct dd_reg_fetcher *f;
	struct seen a = { 0 }, b = { 0 }, c = { 0 };
	char path[64], why[DD_REG_WHY_MAX];
	unsigned before = s->puri_queries;

	table_file(s, path, sizeof(path));
	dd_reg_fetch_opts_init(&o);
	o.whois_servers = path;
	o.iana_whois = NULL;
	o.timeout_ms = 3000;
	assert_int_equal(dd_net_new(&net, &no), 0);
	assert_int_equal(dd_reg_fetcher_new(net, &o, &f, why), 0);
	assert_int_equal(dd_reg_fetch(f, "www.puri.sm", on_outcome, &a), 0);
	assert_int_equal(dd_reg_fetch(f, "PURI.SM.", on_outcome, &b), 0);
	assert_int_equal(a.calls + b.calls, 0); /* not before the loop runs */
	dd_net_run(net);
	assert_int_equal(a.calls, 1);
	assert_int_equal(b.calls, 1);
	assert_ptr_equal(a.last, b.last);
	assert_true(a.has_record);
	assert_string_equal(a.domain, "puri.sm");
	assert_string_equal(a.status, "Suspended");
	assert_true(a.suspended);
	/* Cached: answered at once, no new query. */
	assert_int_equal(dd_reg_fetch(f, "puri.sm", on_outcome, &c), 0);
	assert_int_equal(c.calls, 1);
	assert_int_equal(s->puri_queries, before + 1);
	assert_int_equal(dd_reg_fetch(f, "localhost", on_outcome, &c), DD_ENAME);
	dd_reg_fetcher_free(f);
	dd_net_free(net);
	unlink(path);
}

/* IANA's "refer:" is a server's word: a referral to loopback is not
 * followed (IANA's own server, the operator's choice, is on loopback here). */
static void test_iana_refer_to_loopback_refused(void **state)
{
	struct server *s = *state;
	struct dd_reg_fetch_opts o;
	struct dd_net_opts no = { 0 };
	struct dd_net *net;
	struct dd_reg_fetcher *f;
	struct seen a = { 0 };
	char why[DD_REG_WHY_MAX];

	dd_reg_fetch_opts_init(&o);
	o.iana_whois = "127.0.0.1";
	o.iana_port = s->port;
	o.timeout_ms = 3000;
	assert_int_equal(dd_net_new(&net, &no), 0);
	assert_int_equal(dd_reg_fetcher_new(net, &o, &f, why), 0);
	assert_int_equal(dd_reg_fetch(f, "example.zy", on_outcome, &a), 0);
	dd_net_run(net);
	assert_int_equal(a.calls, 1);
	assert_false(a.has_record);
	assert_non_null(strstr(a.refused, "IANA's WHOIS referral to 127.0.0.1:43"));
	assert_non_null(strstr(a.refused, "loopback address 127.0.0.1"));
	dd_reg_fetcher_free(f);
	dd_net_free(net);
}

static void test_whois_never_closes(void **state)
{
	struct server *s = *state;
	struct dd_reg_fetch_opts o;
	struct dd_reg_outcome out;
	char path[64];
	double t0;

	table_file(s, path, sizeof(path));
	dd_reg_fetch_opts_init(&o);
	o.whois_servers = path;
	o.timeout_ms = 500;
	t0 = dd_clock_mono_ms();
	assert_int_equal(dd_reg_fetch_one(&o, "never.sm", &out), 0);
	assert_true(dd_clock_mono_ms() - t0 < 2000);
	assert_null(out.record);
	assert_int_equal(out.reason, DD_REG_TIMEOUT);
	assert_non_null(strstr(out.why, "deadline"));
	dd_reg_outcome_free(&out);
	unlink(path);
}

static void test_no_source(void **state)
{
	struct dd_reg_fetch_opts o;
	struct dd_reg_outcome out;

	(void)state;
	dd_reg_fetch_opts_init(&o);
	o.iana_whois = NULL;
	assert_int_equal(dd_reg_fetch_one(&o, "example.zz", &out), 0);
	assert_null(out.record);
	assert_int_equal(out.reason, DD_REG_NO_SOURCE);
	assert_string_equal(out.why, "no RDAP service and no WHOIS server known for .zz");
}

/* An RDAP bootstrap sending .zz to the test server's /empty/, which closes
 * the connection without a reply (curl: "Empty reply from server"), and a
 * WHOIS table sending .zz to the same server, which has every .zz name. */
static void failing_rdap_files(const struct server *s, char *boot, char *table, size_t len)
{
	FILE *f;

	snprintf(boot, len, "/tmp/dnsdeps-test-boot-%d.json", (int)getpid());
	f = fopen(boot, "w");
	assert_non_null(f);
	fprintf(f, "{\"version\": \"1.0\", \"services\": "
		   "[[[\"zz\"], [\"http://127.0.0.1:%u/empty/\"]]]}\n", s->port);
	fclose(f);
	snprintf(table, len, "/tmp/dnsdeps-test-wsrv-zz-%d", (int)getpid());
	f = fopen(table, "w");
	assert_non_null(f);
	fprintf(f, "zz 127.0.0.1:%u\n", s->port);
	fclose(f);
}

static unsigned empty_requests(struct server *s)
{
	unsigned n;

	pthread_mutex_lock(&s->lock);
	n = s->empty_requests;
	pthread_mutex_unlock(&s->lock);
	return n;
}

static void test_failed_host_not_asked_again(void **state)
{
	struct server *s = *state;
	struct dd_reg_fetch_opts o;
	struct dd_net_opts no = { 0 };
	struct dd_net *net;
	struct dd_reg_fetcher *f;
	struct seen a = { 0 }, b = { 0 }, c = { 0 }, d = { 0 };
	char boot[64], table[64], why[DD_REG_WHY_MAX], want[DD_REG_WHY_MAX];
	unsigned before = empty_requests(s);

	failing_rdap_files(s, boot, table, sizeof(boot));
	dd_reg_fetch_opts_init(&o);
	o.bootstrap = boot;
	o.whois_servers = table;
	o.iana_whois = NULL;
	o.timeout_ms = 3000;
	o.failed_host_hold_ms = 1500;
	assert_int_equal(dd_net_new(&net, &no), 0);
	assert_int_equal(dd_reg_fetcher_new(net, &o, &f, why), 0);
	/* Two requests in flight at once: both are sent. */
	assert_int_equal(dd_reg_fetch(f, "a.zz", on_outcome, &a), 0);
	assert_int_equal(dd_reg_fetch(f, "b.zz", on_outcome, &b), 0);
	dd_net_run(net);
	assert_int_equal(empty_requests(s) - before, 2);
	assert_int_equal(a.calls, 1);
	assert_true(a.has_record); /* WHOIS answered */
	snprintf(want, sizeof(want), "RDAP failed (RDAP http://127.0.0.1:%u/empty/domain/a.zz: ",
		 s->port);
	assert_non_null(strstr(a.why, want));
	assert_non_null(strstr(a.why, "Empty reply"));
	assert_null(strstr(a.why, "not asked"));
	/* The host failed: the next request is not sent, and the WHOIS
	 * fallback runs exactly as after the real failure. */
	assert_int_equal(dd_reg_fetch(f, "c.zz", on_outcome, &c), 0);
	dd_net_run(net);
	assert_int_equal(empty_requests(s) - before, 2);
	assert_int_equal(c.calls, 1);
	assert_true(c.has_record);
	assert_int_equal(c.reason, DD_REG_AVAILABLE);
	snprintf(want, sizeof(want), "RDAP failed (RDAP http://127.0.0.1:%u/empty/domain/c.zz: "
		 "not asked: the same host failed 0 s ago (Empty reply from server)), WHOIS used",
		 s->port);
	assert_string_equal(c.why, want);
	/* The hold is over: asked again. */
	usleep(1600 * 1000);
	assert_int_equal(dd_reg_fetch(f, "d.zz", on_outcome, &d), 0);
	dd_net_run(net);
	assert_int_equal(empty_requests(s) - before, 3);
	assert_int_equal(d.calls, 1);
	assert_null(strstr(d.why, "not asked"));
	dd_reg_fetcher_free(f);
	dd_net_free(net);
	unlink(boot);
	unlink(table);
}

/* No WHOIS fallback: the outcome is the failure itself, at once. */
static void test_failed_host_unavailable_at_once(void **state)
{
	struct server *s = *state;
	struct dd_reg_fetch_opts o;
	struct dd_net_opts no = { 0 };
	struct dd_net *net;
	struct dd_reg_fetcher *f;
	struct seen a = { 0 }, b = { 0 };
	char boot[64], table[64], why[DD_REG_WHY_MAX], want[DD_REG_WHY_MAX];
	unsigned before = empty_requests(s);

	failing_rdap_files(s, boot, table, sizeof(boot));
	dd_reg_fetch_opts_init(&o);
	o.bootstrap = boot;
	o.iana_whois = NULL;
	o.timeout_ms = 3000;
	assert_int_equal(dd_net_new(&net, &no), 0);
	assert_int_equal(dd_reg_fetcher_new(net, &o, &f, why), 0);
	assert_int_equal(dd_reg_fetch(f, "a.zz", on_outcome, &a), 0);
	dd_net_run(net);
	assert_int_equal(a.calls, 1);
	assert_false(a.has_record);
	assert_int_equal(a.reason, DD_REG_NETWORK);
	assert_int_equal(dd_reg_fetch(f, "b.zz", on_outcome, &b), 0);
	assert_int_equal(b.calls, 1); /* before the loop runs */
	assert_false(b.has_record);
	assert_int_equal(b.reason, a.reason);
	snprintf(want, sizeof(want), "RDAP http://127.0.0.1:%u/empty/domain/b.zz: not asked: "
		 "the same host failed 0 s ago (Empty reply from server)", s->port);
	assert_string_equal(b.why, want);
	dd_net_run(net);
	assert_int_equal(empty_requests(s) - before, 1);
	dd_reg_fetcher_free(f);
	dd_net_free(net);
	unlink(boot);
	unlink(table);
}

/* Finished look-ups are kept up to a bound (4096), the oldest dropped
 * first: a dropped domain is looked up again. */
static void test_done_jobs_bounded(void **state)
{
	struct server *s = *state;
	struct dd_reg_fetch_opts o;
	struct dd_net_opts no = { 0 };
	struct dd_net *net;
	struct dd_reg_fetcher *f;
	struct seen a = { 0 }, z = { 0 };
	char path[64], why[DD_REG_WHY_MAX], name[32];
	unsigned before = s->puri_queries;

	table_file(s, path, sizeof(path));
	dd_reg_fetch_opts_init(&o);
	o.whois_servers = path;
	o.iana_whois = NULL; /* .zz: no source, known at once */
	o.timeout_ms = 3000;
	assert_int_equal(dd_net_new(&net, &no), 0);
	assert_int_equal(dd_reg_fetcher_new(net, &o, &f, why), 0);
	assert_int_equal(dd_reg_fetch(f, "puri.sm", on_outcome, &a), 0);
	dd_net_run(net);
	assert_int_equal(s->puri_queries, before + 1);
	for (unsigned i = 0; i < 4095; i++) {
		snprintf(name, sizeof(name), "d%u.zz", i);
		assert_int_equal(dd_reg_fetch(f, name, on_outcome, &z), 0);
	}
	assert_int_equal(z.calls, 4095);
	assert_int_equal(z.reason, DD_REG_NO_SOURCE);
	assert_int_equal(dd_reg_fetch(f, "puri.sm", on_outcome, &a), 0);
	assert_int_equal(a.calls, 2); /* 4096 kept: still known */
	assert_int_equal(dd_reg_fetch(f, "d4095.zz", on_outcome, &z), 0);
	assert_int_equal(dd_reg_fetch(f, "puri.sm", on_outcome, &a), 0);
	assert_int_equal(a.calls, 2); /* dropped: asked again */
	dd_net_run(net);
	assert_int_equal(a.calls, 3);
	assert_string_equal(a.status, "Suspended");
	assert_int_equal(s->puri_queries, before + 2);
	dd_reg_fetcher_free(f);
	dd_net_free(net);
	unlink(path);
}

struct http_seen {
	unsigned calls;
	int err;
	long status;
	char body[256];
	double ms;
};

static void on_http(void *arg, const struct dd_net_http_reply *r)
{
	struct http_seen *h = arg;

	h->calls++;
	h->err = r->err;
	h->status = r->status;
	h->ms = r->ms;
	snprintf(h->body, sizeof(h->body), "%s", r->body);
}

static void test_http(void **state)
{
	struct server *s = *state;
	struct dd_net_opts no = { 0 };
	struct dd_net_http_opts ho = { .timeout_ms = 700, .max_body = 1024 * 1024 };
	struct dd_net *net;
	struct dd_net_http *h;
	struct http_seen ok = { 0 }, big = { 0 }, hang = { 0 };
	char url[128];

	assert_int_equal(dd_net_new(&net, &no), 0);
	assert_int_equal(dd_net_http_new(net, &ho, &h), 0);
	assert_int_equal(dd_net_http_get(h, "ftp://127.0.0.1/", on_http, &ok), DD_EINVAL);
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/ok", s->port);
	assert_int_equal(dd_net_http_get(h, url, on_http, &ok), 0);
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/big", s->port);
	assert_int_equal(dd_net_http_get(h, url, on_http, &big), 0);
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/hang", s->port);
	assert_int_equal(dd_net_http_get(h, url, on_http, &hang), 0);
	dd_net_run(net);
	assert_int_equal(ok.calls, 1);
	assert_int_equal(ok.err, 0);
	assert_int_equal(ok.status, 200);
	assert_non_null(strstr(ok.body, "ok.test"));
	assert_int_equal(big.calls, 1);
	assert_int_equal(big.err, DD_ELIMIT);
	assert_int_equal(hang.calls, 1);
	assert_int_equal(hang.err, DD_ETIMEDOUT);
	assert_true(hang.ms < 1500);
	dd_net_http_free(h);
	dd_net_free(net);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whois_once_per_domain),
		cmocka_unit_test(test_whois_never_closes),
		cmocka_unit_test(test_iana_refer_to_loopback_refused),
		cmocka_unit_test(test_no_source),
		cmocka_unit_test(test_failed_host_not_asked_again),
		cmocka_unit_test(test_failed_host_unavailable_at_once),
		cmocka_unit_test(test_done_jobs_bounded),
		cmocka_unit_test(test_http),
	};

	return cmocka_run_group_tests(tests, server_up, server_down);
}
