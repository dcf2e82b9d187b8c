/* proc.c: timers, signal watchers and child processes on the loop (proc.h). */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include "core/err.h"
#include "net/net.h"
#include "net/proc.h"

struct dd_net_timer {
	uv_timer_t h;
	void (*cb)(void *arg);
	void *arg;
};

static void free_handle(uv_handle_t *h)
{
	free(h->data);
}

static void on_timer(uv_timer_t *h)
{
	struct dd_net_timer *t = h->data;

	t->cb(t->arg);
}

int dd_net_timer_new(struct dd_net *net, void (*cb)(void *arg), void *arg,
		     struct dd_net_timer **out)
{
	struct dd_net_timer *t = calloc(1, sizeof(*t));

	if (!t)
		return DD_ENOMEM;
	uv_timer_init(dd_net_uv_loop(net), &t->h);
	t->h.data = t;
	t->cb = cb;
	t->arg = arg;
	*out = t;
	return 0;
}

void dd_net_timer_start(struct dd_net_timer *t, uint64_t ms)
{
	uv_timer_start(&t->h, on_timer, ms, 0);
}

void dd_net_timer_stop(struct dd_net_timer *t)
{
	uv_timer_stop(&t->h);
}

void dd_net_timer_weak(struct dd_net_timer *t)
{
	uv_unref((uv_handle_t *)&t->h);
}

void dd_net_timer_free(struct dd_net_timer *t)
{
	if (t)
		uv_close((uv_handle_t *)&t->h, free_handle);
}

struct dd_net_sig {
	uv_signal_t h;
	void (*cb)(void *arg, int signum);
	void *arg;
};

static void on_sig(uv_signal_t *h, int signum)
{
	struct dd_net_sig *s = h->data;

	s->cb(s->arg, signum);
}

int dd_net_sig_new(struct dd_net *net, int signum, void (*cb)(void *arg, int signum), void *arg,
		   struct dd_net_sig **out)
{
	struct dd_net_sig *s = calloc(1, sizeof(*s));

	if (!s)
		return DD_ENOMEM;
	uv_signal_init(dd_net_uv_loop(net), &s->h);
	s->h.data = s;
	s->cb = cb;
	s->arg = arg;
	if (uv_signal_start(&s->h, on_sig, signum) != 0) {
		uv_close((uv_handle_t *)&s->h, free_handle);
		return DD_EIO;
	}
	uv_unref((uv_handle_t *)&s->h);
	*out = s;
	return 0;
}

void dd_net_sig_free(struct dd_net_sig *s)
{
	if (s)
		uv_close((uv_handle_t *)&s->h, free_handle);
}

/* A child and the timer that kills it when it runs too long. */
struct child {
	uv_process_t proc;
	uv_timer_t timer;
	dd_net_spawn_cb done;
	void *arg;
	int closing;
};

static void child_closed(uv_handle_t *h)
{
	struct child *c = h->data;

	if (++c->closing == 2)
		free(c);
}

static void on_exit_cb(uv_process_t *p, int64_t status, int term_signal)
{
	struct child *c = p->data;

	uv_timer_stop(&c->timer);
	c->done(c->arg, term_signal ? 128 + term_signal : (int)status);
	uv_close((uv_handle_t *)&c->proc, child_closed);
	uv_close((uv_handle_t *)&c->timer, child_closed);
}

static void on_child_timeout(uv_timer_t *t)
{
	struct child *c = t->data;

	uv_process_kill(&c->proc, SIGKILL);
}

int dd_net_spawn(struct dd_net *net, char *const *argv, char *const *env, unsigned timeout_ms,
		 dd_net_spawn_cb done, void *arg)
{
	uv_loop_t *loop = dd_net_uv_loop(net);
	struct child *c = calloc(1, sizeof(*c));
	uv_process_options_t o;
	uv_stdio_container_t stdio[3];
	int rc;

	if (!c)
		return DD_ENOMEM;
	memset(&o, 0, sizeof(o));
	stdio[0].flags = UV_IGNORE;
	stdio[1].flags = UV_INHERIT_FD;
	stdio[1].data.fd = 1;
	stdio[2].flags = UV_INHERIT_FD;
	stdio[2].data.fd = 2;
	o.file = argv[0];
	o.args = (char **)argv;
	o.env = (char **)env;
	o.exit_cb = on_exit_cb;
	o.stdio = stdio;
	o.stdio_count = 3;
	c->done = done;
	c->arg = arg;
	c->proc.data = c;
	c->timer.data = c;
	uv_timer_init(loop, &c->timer);
	rc = uv_spawn(loop, &c->proc, &o);
	if (rc != 0) {
		/* libuv wants the failed process handle closed too. */
		uv_close((uv_handle_t *)&c->proc, child_closed);
		uv_close((uv_handle_t *)&c->timer, child_closed);
		return DD_EIO;
	}
	uv_timer_start(&c->timer, on_child_timeout, timeout_ms ? timeout_ms : 30000, 0);
	return 0;
}
