/* pace.c: token buckets on the libuv loop. Each key has a bucket (tokens,
 * refilled continuously at per_min/60000 a millisecond up to burst), a hold
 * time, a FIFO of waiting requests and one timer that wakes when the next
 * token is due. Buckets live as long as the pace: a run asks few servers. */
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "core/env.h"
#include "core/err.h"
#include "core/map.h"
#include "net/net.h"
#include "net/pace.h"


struct dd_net_pace_wait {
	struct bucket *b;
	dd_net_pace_cb cb;
	void *arg;
	struct dd_net_pace_wait *next;
};

struct bucket {
	struct dd_net_pace *p;
	uv_timer_t timer;
	double tokens, last_ms, hold_until_ms;
	struct dd_net_pace_opts o;
	struct dd_net_pace_wait *first, *last;
	unsigned long given;
	int release;  /* call the waiting requests now, without tokens */
};

struct dd_net_pace {
	uv_loop_t *loop;
	struct dd_map keys; /* key -> struct bucket */
};

int dd_net_pace_new(struct dd_net *net, struct dd_net_pace **out)
{
	struct dd_net_pace *p = calloc(1, sizeof(*p));

	*out = NULL;
	if (!p)
		return DD_ENOMEM;
	p->loop = dd_net_uv_loop(net);
	dd_map_init(&p->keys);
	*out = p;
	return 0;
}

static void free_bucket_cb(uv_handle_t *h)
{
	free(h->data);
}

static void free_bucket(void *arg, const char *key, void *value)
{
	struct bucket *b = value;

	(void)arg;
	(void)key;
	while (b->first) {
		struct dd_net_pace_wait *w = b->first;
		b->first = w->next;
		free(w);
	}
	uv_close((uv_handle_t *)&b->timer, free_bucket_cb);
}

void dd_net_pace_free(struct dd_net_pace *p)
{
	if (!p)
		return;
	dd_map_each(&p->keys, free_bucket, NULL);
	dd_map_free(&p->keys);
	free(p);
}

static void refill(struct bucket *b, double now)
{
	double burst = b->o.burst ? b->o.burst : 1;

	if (b->o.per_min <= 0) {
		b->tokens = burst;
	} else {
		b->tokens += (now - b->last_ms) * b->o.per_min / 60000.0;
		if (b->tokens > burst)
			b->tokens = burst;
	}
	b->last_ms = now;
}

static void on_timer(uv_timer_t *t);

/* Let through the waiting requests the bucket allows; wake again when the
 * next token is due. */
static void serve(struct bucket *b)
{
	double now = dd_clock_mono_ms(), wait;

	refill(b, now);
	while (b->first && (b->release || (now >= b->hold_until_ms && b->tokens >= 1))) {
		struct dd_net_pace_wait *w = b->first;
		b->first = w->next;
		if (!b->first)
			b->last = NULL;
		if (!b->release) {
			b->tokens -= 1;
			b->given++;
		}
		w->cb(w->arg); /* may ask again or cancel: the list is consistent */
		free(w);
	}
	b->release = 0;
	if (!b->first) {
		uv_timer_stop(&b->timer);
		return;
	}
	wait = b->hold_until_ms - now;
	if (b->tokens < 1 && b->o.per_min > 0) {
		double need = (1 - b->tokens) * 60000.0 / b->o.per_min;
		if (need > wait)
			wait = need;
	}
	uv_timer_start(&b->timer, on_timer, wait > 0 ? (uint64_t)wait + 1 : 0, 0);
}

static void on_timer(uv_timer_t *t)
{
	serve(t->data);
}

static struct bucket *bucket_of(struct dd_net_pace *p, const char *key,
				const struct dd_net_pace_opts *o)
{
	struct bucket *b = dd_map_get(&p->keys, key);

	if (b)
		return b;
	if (p->keys.count >= DD_NET_PACE_KEYS_MAX || !(b = calloc(1, sizeof(*b))))
		return NULL;
	b->p = p;
	b->o = *o;
	b->tokens = o->burst ? o->burst : 1;
	b->last_ms = dd_clock_mono_ms();
	uv_timer_init(p->loop, &b->timer);
	b->timer.data = b;
	if (dd_map_set(&p->keys, key, b) != 0) {
		uv_close((uv_handle_t *)&b->timer, free_bucket_cb);
		return NULL;
	}
	return b;
}

int dd_net_pace_take(struct dd_net_pace *p, const char *key, const struct dd_net_pace_opts *o,
		     dd_net_pace_cb cb, void *arg, struct dd_net_pace_wait **out)
{
	struct bucket *b = bucket_of(p, key, o);
	struct dd_net_pace_wait *w;

	if (out)
		*out = NULL;
	if (!b)
		return p->keys.count >= DD_NET_PACE_KEYS_MAX ? DD_ELIMIT : DD_ENOMEM;
	w = calloc(1, sizeof(*w));
	if (!w)
		return DD_ENOMEM;
	w->b = b;
	w->cb = cb;
	w->arg = arg;
	if (b->last)
		b->last->next = w;
	else
		b->first = w;
	b->last = w;
	if (!uv_is_active((uv_handle_t *)&b->timer))
		uv_timer_start(&b->timer, on_timer, 0, 0); /* from the loop, not now */
	if (out)
		*out = w;
	return 0;
}

void dd_net_pace_cancel(struct dd_net_pace_wait *w)
{
	struct bucket *b = w->b;
	struct dd_net_pace_wait **pp = &b->first, *prev = NULL;

	while (*pp && *pp != w) {
		prev = *pp;
		pp = &(*pp)->next;
	}
	if (!*pp)
		return;
	*pp = w->next;
	if (b->last == w)
		b->last = prev;
	free(w);
}

void dd_net_pace_release(struct dd_net_pace *p, const char *key)
{
	struct bucket *b = dd_map_get(&p->keys, key);

	if (!b || !b->first)
		return;
	b->release = 1;
	uv_timer_start(&b->timer, on_timer, 0, 0);
}

void dd_net_pace_hold(struct dd_net_pace *p, const char *key, double ms)
{
	struct bucket *b = dd_map_get(&p->keys, key);
	double until = dd_clock_mono_ms() + ms;

	if (b && until > b->hold_until_ms)
		b->hold_until_ms = until;
}

unsigned long dd_net_pace_count(const struct dd_net_pace *p, const char *key)
{
	const struct bucket *b = dd_map_get(&p->keys, key);

	return b ? b->given : 0;
}
