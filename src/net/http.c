/* http.c: libcurl's multi interface driven by the dnsdeps libuv loop, the
 * classic curl-multi-uv arrangement: curl's socket callback starts and stops
 * a uv_poll per socket, its timer callback arms one uv_timer, and both wake
 * curl_multi_socket_action. Finished transfers are read off
 * curl_multi_info_read and handed to their callbacks. */
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <uv.h>

#include "core/env.h"
#include "core/err.h"
#include "dd_config.h"
#include "net/guard.h"
#include "net/http.h"
#include "net/net.h"

struct sockctx {
	uv_poll_t poll;
	curl_socket_t fd;
	struct dd_net_http *h;
};

struct xfer {
	struct dd_net_http *h;
	CURL *easy;
	struct curl_slist *headers;
	struct curl_slist *rcpt;  /* SMTP recipients */
	char *up;                 /* what is sent (a POST body, a mail), or NULL */
	size_t uplen, upoff;
	char *body;
	size_t len, cap;
	int too_big;
	int check_first;        /* a server supplied the URL: guard the first hop too */
	char denied[DD_NET_GUARD_WHY]; /* the guard's refusal, if it refused */
	dd_net_http_cb cb;
	void *arg;
	double start_ms;
	char errbuf[CURL_ERROR_SIZE];
	struct xfer *prev, *next;
};

struct dd_net_http {
	uv_loop_t *loop;
	CURLM *multi;
	uv_timer_t timer;
	struct dd_net_http_opts o;
	struct xfer *xfers;
};

static void check_done(struct dd_net_http *h);

static void free_ctx(uv_handle_t *handle)
{
	free(handle->data);
}

static void on_poll(uv_poll_t *poll, int status, int events)
{
	struct sockctx *c = poll->data;
	struct dd_net_http *h = c->h;
	int flags = 0, running;

	if (status < 0)
		flags = CURL_CSELECT_ERR;
	if (events & UV_READABLE)
		flags |= CURL_CSELECT_IN;
	if (events & UV_WRITABLE)
		flags |= CURL_CSELECT_OUT;
	curl_multi_socket_action(h->multi, c->fd, flags, &running);
	check_done(h);
}

static int on_curl_socket(CURL *easy, curl_socket_t s, int action, void *userp, void *socketp)
{
	struct dd_net_http *h = userp;
	struct sockctx *c = socketp;
	int events = 0;

	(void)easy;
	if (action == CURL_POLL_REMOVE) {
		if (c) {
			uv_poll_stop(&c->poll);
			uv_close((uv_handle_t *)&c->poll, free_ctx);
			curl_multi_assign(h->multi, s, NULL);
		}
		return 0;
	}
	if (!c) {
		c = calloc(1, sizeof(*c));
		if (!c)
			return -1;
		c->fd = s;
		c->h = h;
		if (uv_poll_init_socket(h->loop, &c->poll, s) != 0) {
			free(c);
			return -1;
		}
		c->poll.data = c;
		curl_multi_assign(h->multi, s, c);
	}
	if (action == CURL_POLL_IN || action == CURL_POLL_INOUT)
		events |= UV_READABLE;
	if (action == CURL_POLL_OUT || action == CURL_POLL_INOUT)
		events |= UV_WRITABLE;
	uv_poll_start(&c->poll, events, on_poll);
	return 0;
}

static void on_uv_timer(uv_timer_t *t)
{
	struct dd_net_http *h = t->data;
	int running;

	curl_multi_socket_action(h->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	check_done(h);
}

static int on_curl_timer(CURLM *multi, long timeout_ms, void *userp)
{
	struct dd_net_http *h = userp;

	(void)multi;
	if (timeout_ms < 0)
		uv_timer_stop(&h->timer);
	else
		uv_timer_start(&h->timer, on_uv_timer, (uint64_t)timeout_ms, 0);
	return 0;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *userp)
{
	struct xfer *x = userp;
	size_t n = size * nmemb;

	if (x->len + n > x->h->o.max_body) {
		x->too_big = 1;
		return 0; /* aborts the transfer */
	}
	if (x->len + n + 1 > x->cap) {
		size_t cap = x->cap ? x->cap : 16384;
		while (cap < x->len + n + 1)
			cap *= 2;
		char *p = realloc(x->body, cap);
		if (!p)
			return 0;
		x->body = p;
		x->cap = cap;
	}
	memcpy(x->body + x->len, data, n);
	x->len += n;
	x->body[x->len] = '\0';
	return n;
}

int dd_net_http_new(struct dd_net *net, const struct dd_net_http_opts *opts,
		    struct dd_net_http **out)
{
	struct dd_net_http *h;

	*out = NULL;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return DD_EIO;
	h = calloc(1, sizeof(*h));
	if (!h)
		return DD_ENOMEM;
	h->loop = dd_net_uv_loop(net);
	if (opts)
		h->o = *opts;
	if (!h->o.timeout_ms)
		h->o.timeout_ms = 10000;
	if (!h->o.connect_timeout_ms || h->o.connect_timeout_ms > h->o.timeout_ms)
		h->o.connect_timeout_ms = h->o.timeout_ms;
	if (!h->o.max_body)
		h->o.max_body = 1024 * 1024;
	if (!h->o.max_redirects)
		h->o.max_redirects = 5;
	h->multi = curl_multi_init();
	if (!h->multi) {
		free(h);
		return DD_ENOMEM;
	}
	curl_multi_setopt(h->multi, CURLMOPT_SOCKETFUNCTION, on_curl_socket);
	curl_multi_setopt(h->multi, CURLMOPT_SOCKETDATA, h);
	curl_multi_setopt(h->multi, CURLMOPT_TIMERFUNCTION, on_curl_timer);
	curl_multi_setopt(h->multi, CURLMOPT_TIMERDATA, h);
	uv_timer_init(h->loop, &h->timer);
	h->timer.data = h;
	*out = h;
	return 0;
}

static void free_xfer_mem(struct xfer *x)
{
	curl_easy_cleanup(x->easy);
	curl_slist_free_all(x->headers);
	curl_slist_free_all(x->rcpt);
	free(x->up);
	free(x->body);
	free(x);
}

/* Unlink and free a transfer that is not in the multi handle. */
static void destroy(struct xfer *x)
{
	struct dd_net_http *h = x->h;

	if (x->prev)
		x->prev->next = x->next;
	else
		h->xfers = x->next;
	if (x->next)
		x->next->prev = x->prev;
	free_xfer_mem(x);
}

static void free_h(uv_handle_t *handle)
{
	free(handle->data);
}

void dd_net_http_free(struct dd_net_http *h)
{
	if (!h)
		return;
	while (h->xfers) {
		struct xfer *x = h->xfers;
		curl_multi_remove_handle(h->multi, x->easy);
		destroy(x);
	}
	curl_multi_cleanup(h->multi);
	uv_close((uv_handle_t *)&h->timer, free_h);
}

static int map_error(CURLcode res, const struct xfer *x)
{
	switch (res) {
	case CURLE_OK: return 0;
	case CURLE_OPERATION_TIMEDOUT: return DD_ETIMEDOUT;
	case CURLE_FILESIZE_EXCEEDED: return DD_ELIMIT;
	case CURLE_WRITE_ERROR: return x->too_big ? DD_ELIMIT : DD_ENOMEM;
	case CURLE_TOO_MANY_REDIRECTS: return DD_ELOOP;
	case CURLE_UNSUPPORTED_PROTOCOL: return DD_EUNSUPP;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT: return DD_EUNREACH;
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR: return DD_ERESET;
	default: return DD_EMALFORMED;
	}
}

static void finish(struct xfer *x, CURLcode res)
{
	struct dd_net_http *h = x->h;
	struct dd_net_http_reply r;
	curl_off_t retry_after = 0;
	char *url = NULL;

	curl_multi_remove_handle(h->multi, x->easy);
	memset(&r, 0, sizeof(r));
	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &r.status);
	curl_easy_getinfo(x->easy, CURLINFO_RETRY_AFTER, &retry_after);
	curl_easy_getinfo(x->easy, CURLINFO_EFFECTIVE_URL, &url);
	r.err = x->denied[0] ? DD_EDENIED : map_error(res, x);
	if (r.err)
		r.why = x->denied[0] ? x->denied : x->errbuf[0] ? x->errbuf : curl_easy_strerror(res);
	if (r.err == DD_ELIMIT) {
		snprintf(x->errbuf, sizeof(x->errbuf), "body larger than %zu bytes (the limit)",
			 h->o.max_body);
		r.why = x->errbuf;
	}
	if (retry_after > 0)
		r.retry_after_s = retry_after > 86400 ? 86400 : (unsigned)retry_after;
	r.body = x->body ? x->body : "";
	r.len = x->len;
	r.url = url;
	r.ms = dd_clock_mono_ms() - x->start_ms;
	x->cb(x->arg, &r);
	destroy(x);
}

static void check_done(struct dd_net_http *h)
{
	CURLMsg *msg;
	int left;

	while ((msg = curl_multi_info_read(h->multi, &left))) {
		struct xfer *x = NULL;
		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
		if (x)
			finish(x, msg->data.result);
	}
}

/* Every connection curl opens: the guard sees the address of each hop a
 * server chose (redirects; the first hop too for a URL it supplied) unless
 * it trusts the hop's host and port. */
static curl_socket_t on_open(void *clientp, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct xfer *x = clientp;
	const struct dd_net_guard *g = x->h->o.guard;
	long hops = 0;
	char *url = NULL;

	if (g && purpose == CURLSOCKTYPE_IPCXN) {
		curl_easy_getinfo(x->easy, CURLINFO_REDIRECT_COUNT, &hops);
		curl_easy_getinfo(x->easy, CURLINFO_EFFECTIVE_URL, &url);
		if ((hops > 0 || x->check_first) && !(url && dd_net_guard_trusted_url(g, url)) &&
		    dd_net_guard_addr(&a->addr, x->denied) != 0)
			return CURL_SOCKET_BAD;
	}
	return socket(a->family, a->socktype, a->protocol);
}

/* A transfer of url with the options every request shares; not started. */
static struct xfer *xfer_new(struct dd_net_http *h, const char *url, const char *protos,
			     const char *header, dd_net_http_cb cb, void *arg)
{
	struct xfer *x = calloc(1, sizeof(*x));

	if (!x)
		return NULL;
	x->h = h;
	x->cb = cb;
	x->arg = arg;
	x->easy = curl_easy_init();
	x->headers = header ? curl_slist_append(NULL, header) : NULL;
	if (!x->easy || (header && !x->headers)) {
		free_xfer_mem(x);
		return NULL;
	}
	CURL *e = x->easy;
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, x);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	/* No idle connections left watched: the loop ends with the work. */
	curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, protos);
	curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, on_open);
	curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, x);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)h->o.timeout_ms);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)h->o.connect_timeout_ms);
	curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)h->o.max_body);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
	if (x->headers)
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, x->headers);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "dnsdeps/" DD_VERSION);
	if (h->o.ca_file) {
		/* Added to the system's CAs (CAPATH), not instead of them. */
		curl_easy_setopt(e, CURLOPT_CAINFO, h->o.ca_file);
		curl_easy_setopt(e, CURLOPT_CAPATH, "/etc/ssl/certs");
	}
	return x;
}

static int xfer_start(struct dd_net_http *h, struct xfer *x)
{
	x->start_ms = dd_clock_mono_ms();
	if (curl_multi_add_handle(h->multi, x->easy) != CURLM_OK) {
		free_xfer_mem(x);
		return DD_EIO;
	}
	x->next = h->xfers;
	if (h->xfers)
		h->xfers->prev = x;
	h->xfers = x;
	return 0;
}

/* "https" for an https URL, "http,https" for an http one, else NULL. */
static const char *web_protos(const char *url)
{
	if (strncasecmp(url, "https://", 8) == 0)
		return "https";
	if (strncasecmp(url, "http://", 7) == 0)
		return "http,https";
	return NULL;
}

static int get(struct dd_net_http *h, const char *url, int supplied, dd_net_http_cb cb,
	       void *arg)
{
	const char *protos = web_protos(url);
	struct xfer *x;

	if (!protos)
		return DD_EINVAL;
	x = xfer_new(h, url, protos, "Accept: application/rdap+json, application/json", cb, arg);
	if (!x)
		return DD_ENOMEM;
	x->check_first = supplied;
	/* A redirect is the server's choice: https only, and guarded (on_open). */
	curl_easy_setopt(x->easy, CURLOPT_REDIR_PROTOCOLS_STR, "https");
	curl_easy_setopt(x->easy, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(x->easy, CURLOPT_MAXREDIRS, (long)h->o.max_redirects);
	return xfer_start(h, x);
}

int dd_net_http_get(struct dd_net_http *h, const char *url, dd_net_http_cb cb, void *arg)
{
	return get(h, url, 0, cb, arg);
}

int dd_net_http_get_supplied(struct dd_net_http *h, const char *url, dd_net_http_cb cb,
			     void *arg)
{
	if (strncasecmp(url, "https://", 8) != 0)
		return DD_EDENIED;
	return get(h, url, 1, cb, arg);
}

static size_t on_upload(char *buf, size_t size, size_t nmemb, void *userp)
{
	struct xfer *x = userp;
	size_t n = x->uplen - x->upoff;

	if (n > size * nmemb)
		n = size * nmemb;
	memcpy(buf, x->up + x->upoff, n);
	x->upoff += n;
	return n;
}

static int copy_up(struct xfer *x, const char *data, size_t len)
{
	x->up = malloc(len ? len : 1);
	if (!x->up)
		return DD_ENOMEM;
	memcpy(x->up, data, len);
	x->uplen = len;
	return 0;
}

int dd_net_http_post(struct dd_net_http *h, const char *url, const char *content_type,
		     const char *body, size_t len, dd_net_http_cb cb, void *arg)
{
	const char *protos = web_protos(url);
	char header[160];
	struct xfer *x;

	if (!protos || strlen(content_type) > 100 || strpbrk(content_type, "\r\n"))
		return DD_EINVAL;
	snprintf(header, sizeof(header), "Content-Type: %s", content_type);
	x = xfer_new(h, url, protos, header, cb, arg);
	if (!x || copy_up(x, body, len) != 0) {
		if (x)
			free_xfer_mem(x);
		return DD_ENOMEM;
	}
	/* A POST is not replayed at another address: no redirects. */
	curl_easy_setopt(x->easy, CURLOPT_POST, 1L);
	curl_easy_setopt(x->easy, CURLOPT_POSTFIELDS, x->up);
	curl_easy_setopt(x->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	return xfer_start(h, x);
}

int dd_net_http_mail(struct dd_net_http *h, const char *url, const char *from, const char *to,
		     const char *message, size_t len, dd_net_http_cb cb, void *arg)
{
	char addr[300];
	const char *protos = strncasecmp(url, "smtps://", 8) == 0 ? "smtps"
			     : strncasecmp(url, "smtp://", 7) == 0 ? "smtp,smtps" : NULL;
	struct xfer *x;

	if (!protos || strlen(from) > 250 || strlen(to) > 250)
		return DD_EINVAL;
	x = xfer_new(h, url, protos, NULL, cb, arg);
	snprintf(addr, sizeof(addr), "<%s>", to);
	if (!x || copy_up(x, message, len) != 0 || !(x->rcpt = curl_slist_append(NULL, addr))) {
		if (x)
			free_xfer_mem(x);
		return DD_ENOMEM;
	}
	snprintf(addr, sizeof(addr), "<%s>", from);
	curl_easy_setopt(x->easy, CURLOPT_MAIL_FROM, addr);
	curl_easy_setopt(x->easy, CURLOPT_MAIL_RCPT, x->rcpt);
	curl_easy_setopt(x->easy, CURLOPT_READFUNCTION, on_upload);
	curl_easy_setopt(x->easy, CURLOPT_READDATA, x);
	curl_easy_setopt(x->easy, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(x->easy, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	/* STARTTLS when the server offers it; smtps:// is TLS from the start. */
	curl_easy_setopt(x->easy, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
	return xfer_start(h, x);
}
