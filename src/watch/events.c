/* events.c: what changed between two rounds of a domain, from their facts
 * (facts.c). Pure: the same two fact objects always give the same events,
 * in the order of the table in docs/watch.md. */
#include <stdio.h>
#include <string.h>

#include "core/env.h"
#include "watch/watch.h"

struct out {
	struct dd_watch_event *v;
	size_t n, max;
};

static void add(struct out *o, const char *kind, const char *fmt, const char *a, const char *b)
{
	if (o->n >= o->max)
		return;
	snprintf(o->v[o->n].kind, sizeof(o->v[o->n].kind), "%s", kind);
	snprintf(o->v[o->n].detail, sizeof(o->v[o->n].detail), fmt, a ? a : "", b ? b : "");
	o->n++;
}

static int has(const json_t *set, const char *s)
{
	size_t i;
	json_t *e;

	json_array_foreach(set, i, e)
		if (json_is_string(e) && strcmp(json_string_value(e), s) == 0)
			return 1;
	return 0;
}

/* "a b c" from a set, cut to fit. */
static void joined(const json_t *set, char *buf, size_t len)
{
	size_t i, n = 0;
	json_t *e;

	buf[0] = '\0';
	json_array_foreach(set, i, e) {
		int w = snprintf(buf + n, len - n, "%s%s", n ? " " : "", json_string_value(e));
		if (w < 0 || (size_t)w >= len - n)
			break;
		n += (size_t)w;
	}
	if (!n)
		snprintf(buf, len, "(none)");
}

static void set_changed(struct out *o, const json_t *a, const json_t *b, const char *kind)
{
	char x[280], y[280];

	if (!json_is_array(a) || !json_is_array(b) || json_equal((json_t *)a, (json_t *)b))
		return;
	joined(a, x, sizeof(x));
	joined(b, y, sizeof(y));
	add(o, kind, "%s -> %s", x, y);
}

static void delegation(struct out *o, const json_t *p, const json_t *c)
{
	const json_t *a = json_object_get(p, "delegated"), *b = json_object_get(c, "delegated");

	if (json_is_true(a) && json_is_false(b))
		add(o, "delegation_lost", "the parent no longer delegates the domain (NXDOMAIN)%s%s",
		    NULL, NULL);
	else if (json_is_false(a) && json_is_true(b))
		add(o, "delegation_back", "the parent delegates the domain again%s%s", NULL, NULL);
}

/* Statuses whose removal matters on its own: the transfer locks. */
static int is_transfer_lock(const char *code)
{
	return strcmp(code, "clientTransferProhibited") == 0 ||
	       strcmp(code, "serverTransferProhibited") == 0;
}

/* An event for each string of b not in a (added) and of a not in b
 * (removed; a removed transfer lock is an event of its own kind). */
static void set_diff(struct out *o, const json_t *a, const json_t *b, const char *added,
		     const char *removed)
{
	size_t i;
	json_t *e;

	if (!json_is_array(a) || !json_is_array(b))
		return;
	json_array_foreach(b, i, e)
		if (!has(a, json_string_value(e)))
			add(o, added, "%s%s", json_string_value(e), NULL);
	json_array_foreach(a, i, e) {
		const char *s = json_string_value(e);
		if (!has(b, s))
			add(o, is_transfer_lock(s) ? "transfer_lock_removed" : removed, "%s%s", s,
			    NULL);
	}
}

static void registrar(struct out *o, const json_t *a, const json_t *b)
{
	if (json_is_string(a) && json_is_string(b) && !json_equal((json_t *)a, (json_t *)b))
		add(o, "registrar_changed", "%s -> %s", json_string_value(a), json_string_value(b));
}

static void expiry(struct out *o, const json_t *p, const json_t *c, int warn_days)
{
	const json_t *a = json_object_get(p, "expires"), *b = json_object_get(c, "expires");
	const json_t *t = json_object_get(c, "time");
	char x[32], y[32];

	if (!json_is_integer(a) || !json_is_integer(b))
		return;
	dd_clock_format(json_integer_value(a), x, sizeof(x));
	dd_clock_format(json_integer_value(b), y, sizeof(y));
	if (json_integer_value(a) != json_integer_value(b))
		add(o, "expiry_moved", "%s -> %s", x, y);
	if (!json_is_integer(t) || !json_is_integer(json_object_get(p, "time")))
		return;
	int64_t window = (int64_t)(warn_days > 0 ? warn_days : 30) * 86400;
	int64_t before = json_integer_value(a) - json_integer_value(json_object_get(p, "time"));
	int64_t now = json_integer_value(b) - json_integer_value(t);
	if (before > window && now <= window)
		add(o, "expiry_window_entered", "the registration expires on %s%s", y, NULL);
}

static void verdict(struct out *o, const json_t *p, const json_t *c)
{
	const char *s0 = json_string_value(json_object_get(p, "status"));
	const char *s1 = json_string_value(json_object_get(c, "status"));
	const char *l0 = json_string_value(json_object_get(p, "layer"));
	const char *l1 = json_string_value(json_object_get(c, "layer"));
	char a[64], b[64];

	if (!s0 || !s1 || !l0 || !l1 || (strcmp(s0, s1) == 0 && strcmp(l0, l1) == 0))
		return;
	snprintf(a, sizeof(a), "%s (%s)", s0, l0);
	snprintf(b, sizeof(b), "%s (%s)", s1, l1);
	add(o, "verdict_changed", "%s -> %s", a, b);
}

size_t dd_watch_events(const json_t *prev, const json_t *cur, int warn_days,
		       struct dd_watch_event *v, size_t max)
{
	struct out o = { v, 0, max };

	if (!json_is_object(prev) || !json_is_object(cur))
		return 0;
	delegation(&o, prev, cur);
	/* The NS and DS sets are compared only while the parent delegates:
	 * a lost delegation is one event, not three. */
	if (json_is_true(json_object_get(prev, "delegated")) &&
	    json_is_true(json_object_get(cur, "delegated"))) {
		set_changed(&o, json_object_get(prev, "parent_ns"), json_object_get(cur, "parent_ns"),
			    "parent_ns_changed");
		set_changed(&o, json_object_get(prev, "ds"), json_object_get(cur, "ds"),
			    "ds_changed");
	}
	registrar(&o, json_object_get(prev, "registrar"), json_object_get(cur, "registrar"));
	set_diff(&o, json_object_get(prev, "statuses"), json_object_get(cur, "statuses"),
		 "status_added", "status_removed");
	expiry(&o, prev, cur, warn_days);
	set_diff(&o, json_object_get(prev, "findings"), json_object_get(cur, "findings"),
		 "finding_appeared", "finding_resolved");
	verdict(&o, prev, cur);
	return o.n;
}

int dd_watch_event_notable(const struct dd_watch_event *e)
{
	static const char *const kinds[] = { "delegation_lost", "parent_ns_changed", "ds_changed",
					     "registrar_changed", "status_added",
					     "transfer_lock_removed", "expiry_window_entered" };
	static const char *const codes[] = { "DEPS_NS_DOMAIN_", "REG_" };

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(e->kind, kinds[i]) == 0)
			return 1;
	if (strcmp(e->kind, "finding_appeared") != 0)
		return 0;
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (strncmp(e->detail, codes[i], strlen(codes[i])) == 0)
			return 1;
	return 0;
}
