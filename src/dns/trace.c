/* trace.c: the trace walk. From the root down, every server of every zone
 * on the way is asked on all its addresses; the step records what each one
 * said, whether they disagree, and which zone cut the walk follows next.
 * The walk to a name's own cut minimises the question (RFC 9156): a zone
 * is asked for the name one label below it (the root for "shop. NS", not
 * "d1.shop. NS"), so the steps above the parent are the same questions
 * for every name under them, and no server above the parent learns the
 * whole name. Anything but a referral to that name (an empty non-terminal,
 * a server that also serves the child, NXDOMAIN) asks the zone again with
 * the whole name. dd_dns_trace_shared hands a walk already made in this
 * run (the dependency walk of a hosting provider's nameserver, met by
 * every domain it serves) to the next caller instead of walking again. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ldns/ldns.h>

#include "core/env.h"
#include "core/err.h"
#include "dns/resolve_int.h"

#define DD_TRACE_MAX_STEPS 48
#define DD_TRACE_MAX_ENTRIES 64 /* server addresses asked per zone */
#define DD_WALKS_MAX 64         /* finished walks kept for reuse: each holds its replies'
				 * digests (~27 KB each); 256 cost 45 MiB in bench/live.sh */

struct ttask {
	struct dd_dns_ctx *ctx;
	char qname[DD_NAME_MAX];
	char orig[DD_NAME_MAX];
	uint16_t qtype;
	void *rec;
	int stop_at_cut;          /* end at the referral to orig itself */
	int minimise;             /* ask each zone for one label more (to_cut walks) */
	dd_dns_trace_cb cb;
	void *arg;
	struct dd_dns_trace *tr;  /* handed to the caller, who frees it */
	size_t pending;          /* asks and lookups outstanding in this step */
	size_t cap;              /* entries allocated for the current step's servers */
	size_t steps_cap;        /* steps allocated (grown on demand, DD_TRACE_MAX_STEPS at most) */
	char parent[DD_NAME_MAX]; /* zone whose servers sent the referral */
};

struct ask_ref {
	struct ttask *t;
	size_t step, entry;
};

struct host_ref {
	struct ttask *t;
	size_t step;
	char name[DD_NAME_MAX];
};

static void step_begin(struct ttask *t, const char *zone, int minimise);

static struct dd_dns_trace_step *cur(struct ttask *t)
{
	return &t->tr->steps[t->tr->nsteps - 1];
}

static void trace_end(struct ttask *t, enum dd_dns_status st, enum dd_dns_fail code)
{
	struct dd_dns_result *r = &t->tr->result;

	r->status = st;
	r->code = code;
	if (t->tr->nsteps)
		snprintf(r->zone, sizeof(r->zone), "%s", cur(t)->zone);
	t->cb(t->arg, t->tr);
	free(t);
}

static void trace_msg(struct ttask *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void trace_msg(struct ttask *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->tr->result.message, sizeof(t->tr->result.message), fmt, ap);
	va_end(ap);
}

static struct dd_dns_trace_server *add_entry(struct ttask *t, const char *name, const char *addr)
{
	struct dd_dns_trace_step *s = cur(t);
	struct dd_dns_trace_server *e;

	if (s->nservers >= DD_TRACE_MAX_ENTRIES)
		return NULL;
	for (size_t i = 0; addr[0] && i < s->nservers; i++)
		if (strcmp(s->servers[i].addr, addr) == 0 && strcasecmp(s->servers[i].name, name) == 0)
			return NULL;
	if (s->nservers == t->cap) { /* entries are referred to by index, never by pointer */
		size_t cap = t->cap ? t->cap * 2 : 8;
		struct dd_dns_trace_server *v = realloc(s->servers, cap * sizeof(*v));
		if (!v)
			return NULL;
		s->servers = v;
		t->cap = cap;
	}
	e = &s->servers[s->nservers++];
	memset(e, 0, sizeof(*e));
	snprintf(e->name, sizeof(e->name), "%s", name);
	snprintf(e->addr, sizeof(e->addr), "%s", addr);
	e->rcode = -1;
	e->aa = -1;
	e->rtt_ms = -1;
	e->exchange = -1;
	return e;
}

static void step_maybe_done(struct ttask *t);

static void on_ask(void *arg, const struct dd_dns_reply *r)
{
	struct ask_ref *ref = arg;
	struct ttask *t = ref->t;
	struct dd_dns_trace_server *e = &t->tr->steps[ref->step].servers[ref->entry];

	free(ref);
	e->state = r->state;
	e->tcp = r->tcp;
	e->rtt_ms = r->rtt_ms;
	e->size = r->size;
	e->exchange = r->exchange;
	snprintf(e->detail, sizeof(e->detail), "%s", r->detail ? r->detail : "");
	t->tr->queries += r->exchanges;
	if (r->state == DD_ST_TIMEOUT)
		t->tr->timeouts++;
	if (r->digest) {
		e->rcode = r->digest->rcode;
		e->aa = (r->digest->flags & DD_DNS_F_AA) != 0;
		snprintf(e->referral, sizeof(e->referral), "%s", r->digest->referral);
		if (r->digest->ns_total > r->digest->nns)
			snprintf(e->detail, sizeof(e->detail), "%zu NS records; the first %zu used",
				 r->digest->ns_total, r->digest->nns);
		e->digest = malloc(sizeof(*e->digest));
		if (e->digest)
			*e->digest = *r->digest;
	}
	t->pending--;
	step_maybe_done(t);
}

static void ask_entry(struct ttask *t, size_t idx)
{
	struct dd_dns_trace_step *s = cur(t);
	struct dd_dns_trace_server *e = &s->servers[idx];
	struct ask_ref *ref;

	if (!dd_dns_family_ok(t->ctx, e->addr)) {
		e->state = DD_ST_SKIPPED;
		snprintf(e->detail, sizeof(e->detail), "address family not in use");
		return;
	}
	ref = malloc(sizeof(*ref));
	if (!ref) {
		e->state = DD_ST_SKIPPED;
		snprintf(e->detail, sizeof(e->detail), "out of memory");
		return;
	}
	ref->t = t;
	ref->step = t->tr->nsteps - 1;
	ref->entry = idx;
	int whole = strcasecmp(s->qname, t->qname) == 0;
	struct dd_dns_ask q = { .server = e->name, .address = e->addr, .zone = s->zone,
				.qname = s->qname, .qtype = whole ? t->qtype : LDNS_RR_TYPE_NS,
				.rec = t->rec };
	if (t->ctx->svc.ask(t->ctx->svc.ctx, &q, on_ask, ref) != 0) {
		free(ref);
		e->state = DD_ST_UNREACHABLE;
		snprintf(e->detail, sizeof(e->detail), "could not send the query");
		return;
	}
	t->pending++;
}

static void add_and_ask(struct ttask *t, const char *name, const char *addr)
{
	struct dd_dns_trace_server *e = add_entry(t, name, addr);

	if (e)
		ask_entry(t, (size_t)(e - cur(t)->servers));
}

static void add_host(struct ttask *t, const char *name, const struct dd_dns_host *h)
{
	if (h->naddrs == 0) {
		struct dd_dns_trace_server *e = add_entry(t, name, "");
		if (e) {
			e->state = DD_ST_UNREACHABLE;
			snprintf(e->detail, sizeof(e->detail), "no address: %.180s",
				 h->message[0] ? h->message : "the name does not resolve");
		}
		return;
	}
	for (size_t i = 0; i < h->naddrs; i++)
		add_and_ask(t, name, h->addrs[i]);
}

static void on_host(void *arg, const struct dd_dns_host *h)
{
	struct host_ref *ref = arg;
	struct ttask *t = ref->t;

	add_host(t, ref->name, h);
	free(ref);
	t->pending--;
	step_maybe_done(t);
}

static int in_seen(struct ttask *t, const char *zone)
{
	for (size_t i = 0; i + 1 < t->tr->nsteps; i++)
		if (strcasecmp(t->tr->steps[i].zone, zone) == 0 &&
		    strcasecmp(t->tr->steps[i].qname, t->qname) == 0)
			return 1;
	return 0;
}

/* The outcome of a server entry, as a comparable key. */
static void outcome_key(const struct dd_dns_trace_server *e, char *key, size_t len)
{
	snprintf(key, len, "%s %s", dd_dns_state_name(e->state),
		 e->state == DD_ST_REFERRAL ? e->referral
		 : (e->state == DD_ST_CNAME && e->digest) ? e->digest->target : "");
}

static int same_ns_set(const struct dd_dns_digest *a, const struct dd_dns_digest *b)
{
	if (a->nns != b->nns)
		return 0;
	for (size_t i = 0; i < a->nns; i++) {
		int found = 0;
		for (size_t k = 0; k < b->nns; k++)
			found |= strcasecmp(a->ns[i], b->ns[k]) == 0;
		if (!found)
			return 0;
	}
	return 1;
}

static void follow_cname(struct ttask *t, const struct dd_dns_digest *d);

static void step_decide(struct ttask *t)
{
	struct dd_dns_trace_step *s = cur(t);
	const struct dd_dns_trace_server *best = NULL, *loop = NULL;
	size_t best_votes = 0, ok = 0, addressed = 0;
	char key[DD_NAME_MAX + 32], other[DD_NAME_MAX + 32];

	for (size_t i = 0; i < s->nservers; i++) {
		const struct dd_dns_trace_server *e = &s->servers[i];
		addressed += e->addr[0] != '\0' && e->state != DD_ST_SKIPPED;
		if (e->state == DD_ST_LAME && e->referral[0] &&
		    (in_seen(t, e->referral) || strcasecmp(e->referral, s->zone) == 0 ||
		     !dd_name_is_subdomain(e->referral, s->zone)))
			loop = e;
		if (!dd_dns_state_ok(e->state) || !e->digest)
			continue;
		ok++;
		outcome_key(e, key, sizeof(key));
		size_t votes = 0;
		for (size_t k = 0; k < s->nservers; k++) {
			const struct dd_dns_trace_server *o = &s->servers[k];
			if (!dd_dns_state_ok(o->state) || !o->digest)
				continue;
			outcome_key(o, other, sizeof(other));
			if (strcmp(key, other) == 0)
				votes++;
			else
				s->disagreement = 1;
			if (e->state == DD_ST_REFERRAL && o->state == DD_ST_REFERRAL &&
			    strcmp(key, other) == 0 && !same_ns_set(e->digest, o->digest))
				s->disagreement = 1;
		}
		/* Majority wins; on a tie a referral, which lets the walk go on. */
		if (votes > best_votes ||
		    (votes == best_votes && e->state == DD_ST_REFERRAL &&
		     best->state != DD_ST_REFERRAL)) {
			best = e;
			best_votes = votes;
		}
	}
	if (!best) {
		if (loop) {
			trace_msg(t, "referral loop: the servers of %s refer back to %s", s->zone,
				  loop->referral);
			trace_end(t, DD_RES_FAILED, DD_FAIL_REFERRAL_LOOP);
		} else if (addressed == 0) {
			trace_msg(t, "no usable address for any nameserver of %s", s->zone);
			trace_end(t, DD_RES_FAILED, DD_FAIL_NO_ADDRESSES);
		} else {
			trace_msg(t, "none of the %zu server addresses of %s gave a usable answer",
				  addressed, s->zone);
			trace_end(t, DD_RES_FAILED, DD_FAIL_ALL_SERVERS_FAILED);
		}
		return;
	}
	if (strcasecmp(s->qname, t->qname) != 0 &&
	    !(best->state == DD_ST_REFERRAL && strcasecmp(best->referral, s->qname) == 0)) {
		/* The minimised question found no cut there: ask the zone again
		 * with the whole name, in place of this step. */
		char zone[DD_NAME_MAX];
		snprintf(zone, sizeof(zone), "%s", s->zone);
		for (size_t i = 0; i < s->nservers; i++)
			free(s->servers[i].digest);
		free(s->servers);
		t->tr->nsteps--;
		step_begin(t, zone, 0);
		return;
	}
	const struct dd_dns_digest *d = best->digest;
	t->tr->result.final = d;
	switch (best->state) {
	case DD_ST_REFERRAL:
		if (in_seen(t, d->referral)) {
			trace_msg(t, "referral loop: %s refers to %s again", s->zone, d->referral);
			trace_end(t, DD_RES_FAILED, DD_FAIL_REFERRAL_LOOP);
			return;
		}
		if (t->tr->nsteps >= t->ctx->lim.max_referrals || t->tr->nsteps >= DD_TRACE_MAX_STEPS) {
			trace_msg(t, "more than %zu zone cuts", t->tr->nsteps);
			trace_end(t, DD_RES_FAILED, DD_FAIL_DEPTH_LIMIT);
			return;
		}
		snprintf(s->next, sizeof(s->next), "%s", d->referral);
		dd_dns_zone_learn(t->ctx, s->zone, d);
		if (t->stop_at_cut && strcasecmp(d->referral, t->orig) == 0) {
			trace_msg(t, "%s is delegated by %s", t->orig, s->zone);
			trace_end(t, DD_RES_DELEGATED, DD_FAIL_NONE);
			return;
		}
		step_begin(t, d->referral, t->minimise);
		return;
	case DD_ST_CNAME:
		follow_cname(t, d);
		return;
	case DD_ST_ANSWER:
		trace_end(t, DD_RES_ANSWER, DD_FAIL_NONE);
		return;
	case DD_ST_NODATA:
		trace_msg(t, "%s exists but has no records of that type (zone %s)", t->qname, s->zone);
		trace_end(t, DD_RES_NODATA, DD_FAIL_NONE);
		return;
	default:
		trace_msg(t, "%s does not exist: NXDOMAIN from %zu of %zu servers of %s", t->qname,
			  best_votes, s->nservers, s->zone);
		trace_end(t, DD_RES_NXDOMAIN, DD_FAIL_NONE);
		return;
	}
}

static void follow_cname(struct ttask *t, const struct dd_dns_digest *d)
{
	enum dd_dns_fail code = dd_dns_chain_append(t->ctx, &t->tr->result, t->orig, d);
	char zone[DD_NAME_MAX];

	if (code != DD_FAIL_NONE) {
		trace_end(t, DD_RES_FAILED, code);
		return;
	}
	if (t->tr->nsteps >= DD_TRACE_MAX_STEPS) {
		trace_msg(t, "more than %zu steps", t->tr->nsteps);
		trace_end(t, DD_RES_FAILED, DD_FAIL_DEPTH_LIMIT);
		return;
	}
	snprintf(t->qname, sizeof(t->qname), "%s", d->target);
	/* Walk again from the closest zone cut already known for the target. */
	dd_dns_closest_cut(t->ctx, t->qname, zone);
	step_begin(t, zone, 0);
}

static void step_maybe_done(struct ttask *t)
{
	if (t->pending == 0)
		step_decide(t);
}

/* The name one label below zone on the way to name ("shop." for
 * "d1.shop." under "."), or name itself. */
static void one_below(const char *name, const char *zone, char out[DD_NAME_MAX])
{
	const char *p = name;
	int drop = dd_name_labels(name) - dd_name_labels(zone) - 1;

	for (; drop > 0 && strchr(p, '.') && strchr(p, '.')[1]; drop--)
		p = strchr(p, '.') + 1;
	snprintf(out, DD_NAME_MAX, "%s", p);
}

static void step_begin(struct ttask *t, const char *zone, int minimise)
{
	struct dd_dns_ctx *ctx = t->ctx;
	struct dd_dns_trace_step *s;
	const struct dd_dns_zoneinfo *z;

	if (t->tr->nsteps == t->steps_cap) { /* steps are referred to by index across calls */
		size_t cap = t->steps_cap * 2;
		struct dd_dns_trace_step *v = realloc(t->tr->steps, cap * sizeof(*v));
		if (!v) {
			trace_msg(t, "out of memory");
			trace_end(t, DD_RES_FAILED, DD_FAIL_NO_MEMORY);
			return;
		}
		t->tr->steps = v;
		t->steps_cap = cap;
	}
	s = &t->tr->steps[t->tr->nsteps++];
	memset(s, 0, sizeof(*s));
	t->cap = 0;
	snprintf(s->zone, sizeof(s->zone), "%s", zone);
	if (minimise && strcasecmp(t->qname, t->orig) == 0 && dd_name_is_subdomain(t->qname, zone))
		one_below(t->qname, zone, s->qname);
	else
		snprintf(s->qname, sizeof(s->qname), "%s", t->qname);
	t->pending = 1; /* held while the step is being set up */
	if (strcmp(zone, ".") == 0) {
		for (size_t i = 0; i < ctx->nhints; i++)
			add_and_ask(t, ctx->hints[i].name, ctx->hints[i].addr);
	} else if ((z = dd_dns_zone_get(ctx, zone))) {
		for (size_t i = 0; i < z->nns && i < ctx->lim.max_servers; i++) {
			int glued = 0;
			for (size_t g = 0; g < z->nglue; g++)
				if (strcasecmp(z->glue[g].name, z->ns[i]) == 0) {
					add_and_ask(t, z->ns[i], z->glue[g].addr);
					glued = 1;
				}
			if (glued)
				continue;
			struct host_ref *ref = malloc(sizeof(*ref));
			const struct dd_dns_host *now = NULL;
			if (!ref)
				continue;
			ref->t = t;
			ref->step = t->tr->nsteps - 1;
			snprintf(ref->name, sizeof(ref->name), "%s", z->ns[i]);
			int rc = dd_dns_host_nested(ctx, z->ns[i], 1, t->rec, on_host, ref, &now);
			if (rc == 0 && !now) {
				t->pending++;
				continue;
			}
			free(ref);
			if (now) {
				add_host(t, z->ns[i], now);
			} else {
				struct dd_dns_trace_server *e = add_entry(t, z->ns[i], "");
				if (e) {
					e->state = DD_ST_UNREACHABLE;
					if (rc == DD_ELIMIT)
						snprintf(e->detail, sizeof(e->detail), "no address: "
							 "lookups nested more than %u deep (the limit)",
							 ctx->lim.max_nesting);
					else
						snprintf(e->detail, sizeof(e->detail), "no address: %s",
							 dd_strerror(rc));
				}
			}
		}
	}
	t->pending--;
	step_maybe_done(t);
}

static int trace_begin(struct dd_dns_ctx *ctx, const char *qname, uint16_t qtype, void *rec,
		       int stop_at_cut, dd_dns_trace_cb cb, void *arg)
{
	struct ttask *t = calloc(1, sizeof(*t));

	if (!t)
		return DD_ENOMEM;
	t->tr = calloc(1, sizeof(*t->tr));
	t->steps_cap = 4;
	if (t->tr)
		t->tr->steps = calloc(t->steps_cap, sizeof(*t->tr->steps));
	if (!t->tr || !t->tr->steps) {
		if (t->tr)
			free(t->tr);
		free(t);
		return DD_ENOMEM;
	}
	t->ctx = ctx;
	t->tr->refs = 1;
	snprintf(t->qname, sizeof(t->qname), "%s", qname);
	snprintf(t->orig, sizeof(t->orig), "%s", qname);
	t->qtype = qtype;
	t->rec = rec;
	t->stop_at_cut = stop_at_cut;
	t->minimise = stop_at_cut;
	t->cb = cb;
	t->arg = arg;
	step_begin(t, ".", t->minimise);
	return 0;
}

int dd_dns_trace_start(struct dd_dns_ctx *ctx, const char *qname, uint16_t qtype, void *rec,
		       dd_dns_trace_cb cb, void *arg)
{
	return trace_begin(ctx, qname, qtype, rec, 0, cb, arg);
}

int dd_dns_trace_to_cut(struct dd_dns_ctx *ctx, const char *qname, uint16_t qtype, void *rec,
			dd_dns_trace_cb cb, void *arg)
{
	return trace_begin(ctx, qname, qtype, rec, 1, cb, arg);
}

void dd_dns_trace_free(struct dd_dns_trace *tr)
{
	if (!tr || --tr->refs > 0)
		return;
	for (size_t i = 0; i < tr->nsteps; i++) {
		for (size_t k = 0; k < tr->steps[i].nservers; k++)
			free(tr->steps[i].servers[k].digest);
		free(tr->steps[i].servers);
	}
	free(tr->steps);
	free(tr);
}

/* ---- walks shared by the run ----------------------------------------------- */

struct wwait {
	struct wwait *next;
	dd_dns_trace_cb cb;
	void *arg;
	struct dd_dns_trace *tr; /* for a deferred hand-over */
	int first;               /* the caller the walk was started for */
};

struct walk {
	struct dd_dns_ctx *ctx;
	char *key;
	struct dd_dns_trace *tr;  /* the finished walk (the cache's hold); NULL while walking */
	double expires_ms;
	struct wwait *waiters;    /* callers waiting for the walk in flight */
	struct dd_list_node lru;  /* in the context's kept walks */
};

static void walk_drop(struct dd_dns_ctx *ctx, struct walk *w)
{
	dd_list_unlink(&ctx->kept_walks, &w->lru);
	dd_map_del(&ctx->walks, w->key);
	dd_dns_trace_free(w->tr);
	free(w->key);
	free(w);
}

/* Seconds the walk may be reused: the lowest TTL of the referrals and
 * answers it followed, at most DD_DNS_WALK_TTL_MAX; 0 for a failed walk. */
static uint32_t walk_ttl(const struct dd_dns_trace *tr)
{
	uint32_t ttl = DD_DNS_WALK_TTL_MAX;

	if (tr->result.status == DD_RES_FAILED)
		return 0;
	for (size_t i = 0; i < tr->nsteps; i++)
		for (size_t k = 0; k < tr->steps[i].nservers; k++) {
			const struct dd_dns_digest *d = tr->steps[i].servers[k].digest;
			if (d && d->nns && d->ns_ttl < ttl)
				ttl = d->ns_ttl;
			if (d && d->nanswer && d->answer_ttl < ttl)
				ttl = d->answer_ttl;
		}
	return ttl;
}

static void on_shared_walk(void *arg, const struct dd_dns_trace *t)
{
	struct walk *w = arg;
	struct dd_dns_ctx *ctx = w->ctx;
	struct dd_dns_trace *tr = (struct dd_dns_trace *)t;
	struct wwait *q = w->waiters, *next;
	uint32_t ttl = walk_ttl(tr);

	w->waiters = NULL;
	if (ttl > 0) {
		w->tr = tr;
		w->expires_ms = dd_clock_mono_ms() + 1000.0 * ttl;
		dd_list_push_head(&ctx->kept_walks, &w->lru, w);
		while (ctx->kept_walks.n > DD_WALKS_MAX && dd_list_tail(&ctx->kept_walks) != w)
			walk_drop(ctx, dd_list_tail(&ctx->kept_walks));
	} else {
		dd_map_del(&ctx->walks, w->key);
		free(w->key);
		free(w);
	}
	for (; q; q = next) {
		next = q->next;
		tr->refs++;
		tr->reused = !q->first;
		q->cb(q->arg, tr);
		tr->reused = 0;
		free(q);
	}
	if (ttl == 0)
		dd_dns_trace_free(tr); /* nobody keeps it but the callers */
}

static void hand_over(void *arg)
{
	struct wwait *q = arg;

	struct dd_dns_trace *tr = q->tr;

	tr->refs++; /* held across the callback, which may drop the last other hold */
	tr->reused = 1;
	q->cb(q->arg, tr);
	tr->reused = 0;
	dd_dns_trace_free(tr);
	free(q);
}

int dd_dns_trace_shared(struct dd_dns_ctx *ctx, const char *qname, uint16_t qtype, void *rec,
			dd_dns_trace_cb cb, void *arg)
{
	char key[DD_NAME_MAX + 16];
	struct walk *w;
	struct wwait *q;
	int rc;

	snprintf(key, sizeof(key), "%s|%u", qname, qtype);
	w = dd_map_get(&ctx->walks, key);
	if (w && w->tr && dd_clock_mono_ms() >= w->expires_ms) {
		walk_drop(ctx, w);
		w = NULL;
	}
	q = calloc(1, sizeof(*q));
	if (!q)
		return DD_ENOMEM;
	q->cb = cb;
	q->arg = arg;
	if (w && w->tr) {
		q->tr = w->tr;
		if (ctx->svc.defer(ctx->svc.ctx, hand_over, q) != 0) {
			free(q);
			return DD_ENOMEM;
		}
		w->tr->refs++;
		dd_list_touch(&ctx->kept_walks, &w->lru, w);
		return 0;
	}
	if (w) {
		q->next = w->waiters;
		w->waiters = q;
		return 0;
	}
	w = calloc(1, sizeof(*w));
	if (!w || !(w->key = strdup(key)) || dd_map_set(&ctx->walks, key, w) != 0) {
		if (w)
			free(w->key);
		free(w);
		free(q);
		return DD_ENOMEM;
	}
	w->ctx = ctx;
	w->waiters = q;
	q->first = 1;
	rc = trace_begin(ctx, qname, qtype, rec, 0, on_shared_walk, w);
	if (rc != 0) {
		dd_map_del(&ctx->walks, key);
		free(w->key);
		free(w);
		free(q);
	}
	return rc;
}

static void free_walk_item(void *arg, const char *key, void *value)
{
	struct walk *w = value;

	(void)arg;
	(void)key;
	while (w->waiters) {
		struct wwait *q = w->waiters;
		w->waiters = q->next;
		free(q);
	}
	dd_dns_trace_free(w->tr);
	free(w->key);
	free(w);
}

void dd_dns_walks_free(struct dd_dns_ctx *ctx)
{
	dd_map_each(&ctx->walks, free_walk_item, NULL);
	dd_map_free(&ctx->walks);
	memset(&ctx->kept_walks, 0, sizeof(ctx->kept_walks));
}
