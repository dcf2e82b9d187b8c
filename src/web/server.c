/* server.c: the HTTP server (libmicrohttpd on its own thread, see web.h
 * for why), its limits, authentication and routing. Every connection is
 * bounded: at most CONN_MAX at once (PER_IP_MAX from one address), idle
 * ones closed after IDLE_S, a request's headers within CONN_MEMORY bytes;
 * request bodies are never read (GET and HEAD only). */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/env.h"
#include "core/err.h"
#include "report/report.h"
#include "web/web.h"
#include "web/web_int.h"

#define CONN_MAX 64
#define PER_IP_MAX 16
#define IDLE_S 15
#define CONN_MEMORY (64 * 1024)
#define SECRET_MAX 4096
#define PEM_MAX (256 * 1024)

struct dd_web {
	struct MHD_Daemon *d;
	struct dd_store *st;       /* the server thread's own connection */
	struct dd_web_rows rows;   /* the last read of the domains (the thread's) */
	struct dd_rep_gv *gv;      /* Graphviz, made at the first drawing (the thread's) */
	char *token;               /* bearer token, or NULL */
	char *basic;               /* base64 of "user:password", or NULL */
	char *cert, *key;          /* PEM texts for TLS, or NULL */
	void (*counters)(void *ctx, struct dd_web_counters *out);
	void *ctx;
};

/* ---- addresses and secrets --------------------------------------------------- */

static int port_of(const char *p, in_port_t *out)
{
	char *end;
	unsigned long v = strtoul(p, &end, 10);

	if (!*p || *end || v == 0 || v > 65535)
		return -1;
	*out = htons((in_port_t)v);
	return 0;
}

int dd_web_listen_parse(const char *text, struct sockaddr_storage *ss, socklen_t *len,
			int *loopback, const char **why)
{
	struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
	const char *colon = strrchr(text, ':');
	char host[64];
	size_t n;

	memset(ss, 0, sizeof(*ss));
	*why = "ADDR:PORT, [ADDR6]:PORT or PORT, with a numeric address";
	if (!colon) { /* PORT alone: loopback */
		v4->sin_family = AF_INET;
		v4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		*len = sizeof(*v4);
		*loopback = 1;
		return port_of(text, &v4->sin_port) ? DD_EINVAL : 0;
	}
	n = (size_t)(colon - text);
	if (n >= sizeof(host))
		return DD_EINVAL;
	memcpy(host, text, n);
	host[n] = '\0';
	if (n > 2 && host[0] == '[' && host[n - 1] == ']') {
		host[n - 1] = '\0';
		v6->sin6_family = AF_INET6;
		*len = sizeof(*v6);
		if (inet_pton(AF_INET6, host + 1, &v6->sin6_addr) != 1 ||
		    port_of(colon + 1, &v6->sin6_port))
			return DD_EINVAL;
		*loopback = IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr);
		return 0;
	}
	v4->sin_family = AF_INET;
	*len = sizeof(*v4);
	if (inet_pton(AF_INET, host, &v4->sin_addr) != 1 || port_of(colon + 1, &v4->sin_port))
		return DD_EINVAL;
	*loopback = (ntohl(v4->sin_addr.s_addr) >> 24) == 127;
	return 0;
}

/* A whole small file (secret or PEM), at most max bytes. NULL on failure. */
static char *slurp(const char *path, size_t max)
{
	FILE *f = fopen(path, "rb");
	char *buf = f ? malloc(max + 1) : NULL;
	size_t n = buf ? fread(buf, 1, max + 1, f) : 0;

	if (f)
		fclose(f);
	if (!buf || n == 0 || n > max) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

/* A secret: the file's first line, printable ASCII only. */
static char *secret(const char *path)
{
	char *s = slurp(path, SECRET_MAX);

	if (!s)
		return NULL;
	s[strcspn(s, "\r\n")] = '\0';
	for (const char *c = s; *c; c++)
		if (*c < 0x21 || *c > 0x7e) {
			free(s);
			return NULL;
		}
	if (!*s) {
		free(s);
		return NULL;
	}
	return s;
}

static char *base64(const char *in)
{
	static const char T[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t n = strlen(in), o = 0;
	char *out = malloc(4 * (n / 3 + 1) + 1);
	const unsigned char *p = (const unsigned char *)in;

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) |
			     (i + 2 < n ? p[i + 2] : 0);
		out[o++] = T[v >> 18 & 63];
		out[o++] = T[v >> 12 & 63];
		out[o++] = i + 1 < n ? T[v >> 6 & 63] : '=';
		out[o++] = i + 2 < n ? T[v & 63] : '=';
	}
	out[o] = '\0';
	return out;
}

/* ---- answering ------------------------------------------------------------------ */

/* Equal strings, in a time that does not depend on where they differ. */
static int same(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	unsigned char d = na != nb;

	for (size_t i = 0; i < na; i++)
		d |= (unsigned char)(a[i] ^ b[i % (nb ? nb : 1)]);
	return d == 0;
}

static int authorized(const struct dd_web *w, struct MHD_Connection *c)
{
	const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");

	if (!w->token && !w->basic)
		return 1;
	if (!h)
		return 0;
	if (w->token && strncmp(h, "Bearer ", 7) == 0 && same(h + 7, w->token))
		return 1;
	return w->basic && strncmp(h, "Basic ", 6) == 0 && same(h + 6, w->basic);
}

static enum MHD_Result respond(struct MHD_Connection *c, unsigned status, struct MHD_Response *r,
			    const char *ctype)
{
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", ctype);
	/* A graph's SVG is asked for with its time in the URL: it may be kept. */
	MHD_add_response_header(r, "Cache-Control",
				strncmp(ctype, "image/svg", 9) == 0 ? "private, max-age=3600" : "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	/* An SVG opened on its own runs no script and loads nothing. */
	MHD_add_response_header(r, "Content-Security-Policy",
				strncmp(ctype, "image/svg", 9) == 0
					? "default-src 'none'; style-src 'unsafe-inline'; sandbox"
					: "default-src 'self'; img-src 'self' data:; object-src 'none';"
					  " base-uri 'none'; frame-ancestors 'none'; form-action 'none'");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result text(struct MHD_Connection *c, unsigned status, const char *msg)
{
	return respond(c, status,
		    MHD_create_response_from_buffer(strlen(msg), (void *)msg, MHD_RESPMEM_PERSISTENT),
		    "text/plain; charset=utf-8");
}

/* A built page: the buffer's bytes go to MHD, which frees them. */
static enum MHD_Result built(struct MHD_Connection *c, unsigned status, struct dd_buf *b,
			     const char *ctype)
{
	struct MHD_Response *r;

	if (dd_buf_failed(b) || !b->data) {
		dd_buf_free(b);
		return text(c, 500, "out of memory\n");
	}
	r = MHD_create_response_from_buffer(b->len, b->data, MHD_RESPMEM_MUST_FREE);
	if (!r)
		dd_buf_free(b);
	return respond(c, status, r, ctype);
}

static enum MHD_Result metrics(struct dd_web *w, struct MHD_Connection *c)
{
	struct dd_web_counters n = { 0 };
	struct dd_buf b;

	dd_buf_init(&b);
	if (w->counters)
		w->counters(w->ctx, &n);
	if (dd_web_metrics(w->st, &w->rows, &n, &b) != 0) {
		dd_buf_free(&b);
		return text(c, 503, "the store cannot be read\n");
	}
	return built(c, 200, &b, "text/plain; version=0.0.4; charset=utf-8");
}

static enum MHD_Result api(struct dd_web *w, struct MHD_Connection *c, const char *path)
{
	const char *since = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "since");
	struct dd_clock clk = { 0 };
	const char *ctype;
	char query[64];
	struct dd_buf b;
	int status;

	snprintf(query, sizeof(query), "since=%s", since ? since : "");
	dd_buf_init(&b);
	if (!w->gv && strstr(path, ".svg") && dd_rep_gv_new(&w->gv) != 0)
		return text(c, 503, "Graphviz could not start\n");
	if (dd_web_api(w->st, &w->rows, w->gv, path, since ? query : NULL, dd_clock_now(&clk),
		       &status, &ctype, &b) != 0) {
		dd_buf_free(&b);
		return text(c, 503, "the store cannot be read\n");
	}
	return built(c, (unsigned)status, &b, ctype);
}

static enum MHD_Result asset(struct MHD_Connection *c, const char *url)
{
	const char *ctype, *data;
	size_t len;

	if (!(data = dd_web_asset(strcmp(url, "/") == 0 ? "index.html" : url + 1, &len, &ctype)))
		return text(c, 404, "not found\n");
	return respond(c, 200, MHD_create_response_from_buffer(len, (void *)data,
							     MHD_RESPMEM_PERSISTENT), ctype);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_len, void **con_cls)
{
	struct dd_web *w = cls;
	struct MHD_Response *r;

	(void)version;
	(void)upload;
	(void)upload_len;
	(void)con_cls;
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
		if (r)
			MHD_add_response_header(r, "Allow", "GET, HEAD");
		return respond(c, 405, r, "text/plain; charset=utf-8");
	}
	if (strcmp(url, "/metrics") == 0)
		return metrics(w, c);
	if (!authorized(w, c)) {
		r = MHD_create_response_from_buffer(14, (void *)"unauthorized\r\n",
						    MHD_RESPMEM_PERSISTENT);
		if (r)
			MHD_add_response_header(r, "WWW-Authenticate",
						w->basic ? "Basic realm=\"dnsdeps\", charset=\"UTF-8\""
							 : "Bearer realm=\"dnsdeps\"");
		return respond(c, 401, r, "text/plain; charset=utf-8");
	}
	if (strncmp(url, "/api/v1/", 8) == 0)
		return api(w, c, url + 8);
	return asset(c, url);
}

/* ---- starting and stopping -------------------------------------------------------- */

static int load_secrets(struct dd_web *w, const struct dd_web_opts *o, char why[DD_WEB_WHY_MAX])
{
	char *user_pw;

	if (o->token_file && !(w->token = secret(o->token_file))) {
		snprintf(why, DD_WEB_WHY_MAX, "%s: no token (one line of printable ASCII)",
			 o->token_file);
		return DD_EINVAL;
	}
	if (o->auth_file) {
		if (!(user_pw = secret(o->auth_file)) || !strchr(user_pw, ':')) {
			free(user_pw);
			snprintf(why, DD_WEB_WHY_MAX, "%s: not one line user:password", o->auth_file);
			return DD_EINVAL;
		}
		w->basic = base64(user_pw);
		free(user_pw);
		if (!w->basic)
			return DD_ENOMEM;
	}
	if (!o->cert != !o->key) {
		snprintf(why, DD_WEB_WHY_MAX, "TLS needs both a certificate and a key file");
		return DD_EINVAL;
	}
	if (o->cert && (!(w->cert = slurp(o->cert, PEM_MAX)) || !(w->key = slurp(o->key, PEM_MAX)))) {
		snprintf(why, DD_WEB_WHY_MAX, "cannot read the TLS certificate or key file");
		return DD_EINVAL;
	}
	return 0;
}

static int listen_on(struct dd_web *w, const struct sockaddr_storage *ss, char why[DD_WEB_WHY_MAX],
		     const char *listen)
{
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO;
	sigset_t all, old;

	if (ss->ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	if (w->cert)
		flags |= MHD_USE_TLS;
	/* The thread MHD starts inherits this mask: signals stay with the
	 * service's loop. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	if (w->cert)
		w->d = MHD_start_daemon(flags, 0, NULL, NULL, handle, w, MHD_OPTION_SOCK_ADDR, ss,
					MHD_OPTION_CONNECTION_LIMIT, (unsigned)CONN_MAX,
					MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)PER_IP_MAX,
					MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)IDLE_S,
					MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONN_MEMORY,
					MHD_OPTION_HTTPS_MEM_CERT, w->cert,
					MHD_OPTION_HTTPS_MEM_KEY, w->key, MHD_OPTION_END);
	else
		w->d = MHD_start_daemon(flags, 0, NULL, NULL, handle, w, MHD_OPTION_SOCK_ADDR, ss,
					MHD_OPTION_CONNECTION_LIMIT, (unsigned)CONN_MAX,
					MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)PER_IP_MAX,
					MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)IDLE_S,
					MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONN_MEMORY,
					MHD_OPTION_END);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!w->d) {
		snprintf(why, DD_WEB_WHY_MAX, "cannot listen on %s%s", listen,
			 w->cert ? " (or the TLS certificate and key do not fit)" : "");
		return DD_EIO;
	}
	return 0;
}

int dd_web_start(struct dd_web **out, const struct dd_web_opts *o, char why[DD_WEB_WHY_MAX])
{
	struct dd_web *w = calloc(1, sizeof(*w));
	struct sockaddr_storage ss;
	char swhy[DD_STORE_WHY_MAX];
	const char *pwhy;
	socklen_t len;
	int loopback, rc;

	*out = NULL;
	why[0] = '\0';
	if (!w)
		return DD_ENOMEM;
	w->counters = o->counters;
	w->ctx = o->ctx;
	if (dd_web_listen_parse(o->listen, &ss, &len, &loopback, &pwhy) != 0) {
		snprintf(why, DD_WEB_WHY_MAX, "http: '%.100s': %s", o->listen, pwhy);
		rc = DD_EINVAL;
	} else if (!loopback && !o->token_file && !o->auth_file) {
		snprintf(why, DD_WEB_WHY_MAX, "http: %.100s is not a loopback address: set a token "
			 "(http-token-file) or basic auth (http-auth-file)", o->listen);
		rc = DD_EINVAL;
	} else if ((rc = load_secrets(w, o, why)) == 0 &&
		   (rc = dd_store_open(&w->st, o->store, swhy)) != 0) {
		snprintf(why, DD_WEB_WHY_MAX, "http: store: %s", swhy);
	}
	if (rc == 0)
		rc = listen_on(w, &ss, why, o->listen);
	if (rc) {
		dd_web_stop(w);
		return rc;
	}
	*out = w;
	return 0;
}

void dd_web_stop(struct dd_web *w)
{
	if (!w)
		return;
	if (w->d)
		MHD_stop_daemon(w->d);
	dd_store_close(w->st);
	dd_web_rows_free(&w->rows);
	dd_rep_gv_free(w->gv);
	free(w->token);
	free(w->basic);
	free(w->cert);
	free(w->key);
	free(w);
}
