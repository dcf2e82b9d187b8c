/* ev_deps.c: the evidence's "dependencies" section: what a name depends on
 * as gathered (roots, zones, nameserver names, addresses with their origin
 * AS, registrations of the registrable domains), its appenders, and its JSON
 * form (docs/dependencies.md). Loading treats the document as untrusted,
 * like the rest of the record: types, enum values and bounds are checked and
 * the first problem is reported with its place. */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "core/env.h"
#include "core/err.h"
#include "evidence/ev_int.h"
#include "evidence/ev_json_int.h"
#include "evidence/evidence.h"

/* ------------------------------------------------------------- appenders */

/* Every list of the section (roots, zones, hosts, addresses, registrations)
 * is keyed by one string of its entries (a name, an address or a domain),
 * compared case-insensitively: arr holds n entries of elem bytes, and key is
 * the offset of that string in an entry. */

/* The index of the entry whose key is s, or -1. */
static int find(const void *arr, size_t n, size_t elem, size_t key, const char *s)
{
	for (size_t i = 0; i < n; i++) {
		const char *k = *(char *const *)((const char *)arr + i * elem + key);
		if (strcasecmp(k, s) == 0)
			return (int)i;
	}
	return -1;
}

/* Find or add the entry whose key is s: its index, or a negative enum
 * dd_err. A new entry is all zero but for its key (*n grows by one). */
static int find_or_add(void **arr, size_t *n, size_t *cap, size_t elem, size_t key,
		       const char *s)
{
	int i = s ? find(*arr, *n, elem, key, s) : -1, rc;
	char *e;

	if (!s)
		return DD_EINVAL;
	if (i >= 0)
		return i;
	if ((rc = dd_ev_grow(arr, *n, cap, elem, DD_EV_MAX_ITEMS)) != 0)
		return rc;
	e = (char *)*arr + *n * elem;
	memset(e, 0, elem);
	if ((rc = dd_ev_set_str((char **)(e + key), s)) != 0)
		return rc;
	return (int)(*n)++;
}

int dd_ev_dep_find_zone(const struct dd_evidence *ev, const char *name)
{
	return find(ev->deps.zones, ev->deps.nzones, sizeof(*ev->deps.zones),
		    offsetof(struct dd_ev_dep_zone, name), name);
}

int dd_ev_dep_find_host(const struct dd_evidence *ev, const char *name)
{
	return find(ev->deps.hosts, ev->deps.nhosts, sizeof(*ev->deps.hosts),
		    offsetof(struct dd_ev_dep_host, name), name);
}

int dd_ev_dep_find_addr(const struct dd_evidence *ev, const char *address)
{
	return find(ev->deps.addrs, ev->deps.naddrs, sizeof(*ev->deps.addrs),
		    offsetof(struct dd_ev_dep_addr, address), address);
}

int dd_ev_dep_find_reg(const struct dd_evidence *ev, const char *domain)
{
	return find(ev->deps.regs, ev->deps.nregs, sizeof(*ev->deps.regs),
		    offsetof(struct dd_ev_dep_reg, domain), domain);
}

int dd_ev_dep_root(struct dd_evidence *ev, const char *name)
{
	struct dd_ev_deps *d = &ev->deps;

	return find_or_add((void **)&d->roots, &d->nroots, &d->roots_cap, sizeof(*d->roots),
			   offsetof(struct dd_ev_dep_root, name), name);
}

int dd_ev_dep_zone(struct dd_evidence *ev, const char *name)
{
	struct dd_ev_deps *d = &ev->deps;

	return find_or_add((void **)&d->zones, &d->nzones, &d->zones_cap, sizeof(*d->zones),
			   offsetof(struct dd_ev_dep_zone, name), name);
}

int dd_ev_dep_host(struct dd_evidence *ev, const char *name)
{
	struct dd_ev_deps *d = &ev->deps;

	return find_or_add((void **)&d->hosts, &d->nhosts, &d->hosts_cap, sizeof(*d->hosts),
			   offsetof(struct dd_ev_dep_host, name), name);
}

int dd_ev_dep_addr(struct dd_evidence *ev, const char *address)
{
	struct dd_ev_deps *d = &ev->deps;
	size_t n = d->naddrs;
	int i = find_or_add((void **)&d->addrs, &d->naddrs, &d->addrs_cap, sizeof(*d->addrs),
			    offsetof(struct dd_ev_dep_addr, address), address);

	if (i >= 0 && (size_t)i == n)
		d->addrs[i].asn = -1; /* new: unknown */
	return i;
}

int dd_ev_dep_reg(struct dd_evidence *ev, const char *domain)
{
	struct dd_ev_deps *d = &ev->deps;
	size_t n = d->nregs;
	int i = find_or_add((void **)&d->regs, &d->nregs, &d->regs_cap, sizeof(*d->regs),
			    offsetof(struct dd_ev_dep_reg, domain), domain);

	if (i >= 0 && (size_t)i == n) {
		d->regs[i].expires = -1; /* new: unknown */
		d->regs[i].transfer_lock = -1;
	}
	return i;
}

int dd_ev_dep_add_glue(struct dd_evidence *ev, size_t z, const char *name, const char *address)
{
	struct dd_ev_dep_zone *zone;
	struct dd_ev_glue *g;
	int rc;

	if (z >= ev->deps.nzones || !name || !address)
		return DD_EINVAL;
	zone = &ev->deps.zones[z];
	for (size_t i = 0; i < zone->nglue; i++)
		if (strcasecmp(zone->glue[i].name, name) == 0 &&
		    strcasecmp(zone->glue[i].address, address) == 0)
			return (int)i;
	if ((rc = dd_ev_grow((void **)&zone->glue, zone->nglue, &zone->glue_cap,
			     sizeof(*zone->glue), DD_EV_MAX_ITEMS)))
		return rc;
	g = &zone->glue[zone->nglue];
	memset(g, 0, sizeof(*g));
	g->ttl = -1;
	if ((rc = dd_ev_set_str(&g->name, name)) != 0 ||
	    (rc = dd_ev_set_str(&g->address, address)) != 0) {
		free(g->name);
		free(g->address);
		return rc;
	}
	return (int)zone->nglue++;
}

void dd_ev_deps_free(struct dd_ev_deps *d)
{
	for (size_t i = 0; i < d->nroots; i++) {
		free(d->roots[i].name);
		free(d->roots[i].zone);
		free(d->roots[i].message);
	}
	for (size_t i = 0; i < d->nzones; i++) {
		struct dd_ev_dep_zone *z = &d->zones[i];
		free(z->name);
		free(z->parent);
		dd_ev_strlist_free(&z->ns);
		for (size_t g = 0; g < z->nglue; g++) {
			free(z->glue[g].name);
			free(z->glue[g].address);
		}
		free(z->glue);
	}
	for (size_t i = 0; i < d->nhosts; i++) {
		free(d->hosts[i].name);
		free(d->hosts[i].zone);
		dd_ev_strlist_free(&d->hosts[i].addrs);
		free(d->hosts[i].message);
	}
	for (size_t i = 0; i < d->naddrs; i++) {
		free(d->addrs[i].address);
		free(d->addrs[i].prefix);
		free(d->addrs[i].detail);
	}
	for (size_t i = 0; i < d->nregs; i++) {
		struct dd_ev_dep_reg *r = &d->regs[i];
		free(r->domain);
		free(r->result);
		free(r->reason);
		free(r->source);
		free(r->registrar);
		free(r->registrar_id);
		dd_ev_strlist_free(&r->statuses);
	}
	free(d->roots);
	free(d->zones);
	free(d->hosts);
	free(d->addrs);
	free(d->regs);
	free(d->asn_source);
	memset(d, 0, sizeof(*d));
}

/* ---------------------------------------------------------------- saving */

static json_t *s_roots(struct dd_json *s, const struct dd_ev_deps *d)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < d->nroots; i++) {
		const struct dd_ev_dep_root *r = &d->roots[i];
		json_t *o = json_object();
		dd_json_put(s, o, "name", dd_json_str(s, r->name));
		dd_json_put(s, o, "zone", dd_json_str(s, r->zone));
		dd_json_put(s, o, "state", dd_json_str(s, dd_ev_rstate_name(r->state)));
		dd_json_put(s, o, "message", dd_json_str(s, r->message));
		dd_json_append(s, a, o);
	}
	return a;
}

static json_t *s_zones(struct dd_json *s, const struct dd_ev_deps *d)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < d->nzones; i++) {
		const struct dd_ev_dep_zone *z = &d->zones[i];
		json_t *o = json_object(), *glue = json_array();
		for (size_t g = 0; glue && g < z->nglue; g++) {
			json_t *go = json_object();
			dd_json_put(s, go, "name", dd_json_str(s, z->glue[g].name));
			dd_json_put(s, go, "address", dd_json_str(s, z->glue[g].address));
			dd_json_append(s, glue, go);
		}
		dd_json_put(s, o, "name", dd_json_str(s, z->name));
		dd_json_put(s, o, "parent", dd_json_str(s, z->parent));
		dd_json_put(s, o, "depth", json_integer(z->depth));
		dd_json_put(s, o, "ns", dd_evj_list(s, &z->ns));
		dd_json_put(s, o, "glue", glue);
		dd_json_append(s, a, o);
	}
	return a;
}

static json_t *s_hosts(struct dd_json *s, const struct dd_ev_deps *d)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < d->nhosts; i++) {
		const struct dd_ev_dep_host *h = &d->hosts[i];
		json_t *o = json_object();
		dd_json_put(s, o, "name", dd_json_str(s, h->name));
		dd_json_put(s, o, "zone", dd_json_str(s, h->zone));
		dd_json_put(s, o, "state", dd_json_str(s, dd_ev_rstate_name(h->state)));
		dd_json_put(s, o, "addresses", dd_evj_list(s, &h->addrs));
		dd_json_put(s, o, "depth", json_integer(h->depth));
		dd_json_put(s, o, "followed", json_boolean(h->followed));
		if (h->walk_shared)
			dd_json_put(s, o, "walk_shared", json_true());
		dd_json_put(s, o, "message", dd_json_str(s, h->message));
		dd_json_append(s, a, o);
	}
	return a;
}

static json_t *s_addrs(struct dd_json *s, const struct dd_ev_deps *d)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < d->naddrs; i++) {
		const struct dd_ev_dep_addr *x = &d->addrs[i];
		json_t *o = json_object();
		dd_json_put(s, o, "address", dd_json_str(s, x->address));
		dd_json_put(s, o, "asn", dd_json_int_or_null(x->asn));
		dd_json_put(s, o, "prefix", dd_json_str(s, x->prefix));
		dd_json_put(s, o, "detail", dd_json_str(s, x->detail));
		dd_json_append(s, a, o);
	}
	return a;
}

static json_t *s_regs(struct dd_json *s, const struct dd_ev_deps *d)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < d->nregs; i++) {
		const struct dd_ev_dep_reg *r = &d->regs[i];
		json_t *o = json_object();
		char when[32];
		dd_clock_format(r->expires, when, sizeof(when));
		dd_json_put(s, o, "domain", dd_json_str(s, r->domain));
		dd_json_put(s, o, "result", dd_json_str(s, r->result));
		dd_json_put(s, o, "reason", dd_json_str(s, r->reason));
		dd_json_put(s, o, "source", dd_json_str(s, r->source));
		dd_json_put(s, o, "registrar", dd_json_str(s, r->registrar));
		dd_json_put(s, o, "registrar_id", dd_json_str(s, r->registrar_id));
		dd_json_put(s, o, "expires", r->expires < 0 ? json_null() : json_string(when));
		dd_json_put(s, o, "statuses", dd_evj_list(s, &r->statuses));
		dd_json_put(s, o, "transfer_lock", dd_json_tri(r->transfer_lock));
		dd_json_append(s, a, o);
	}
	return a;
}

json_t *dd_ev_deps_save(const struct dd_ev_deps *d, struct dd_json *s)
{
	json_t *o = json_object();

	dd_json_put(s, o, "max_depth", json_integer(d->max_depth));
	dd_json_put(s, o, "truncated", json_boolean(d->truncated));
	dd_json_put(s, o, "registration", json_boolean(d->registration));
	dd_json_put(s, o, "asn_source", dd_json_str(s, d->asn_source));
	dd_json_put(s, o, "roots", s_roots(s, d));
	dd_json_put(s, o, "zones", s_zones(s, d));
	dd_json_put(s, o, "hosts", s_hosts(s, d));
	dd_json_put(s, o, "addresses", s_addrs(s, d));
	dd_json_put(s, o, "registrations", s_regs(s, d));
	if (s->failed) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* --------------------------------------------------------------- loading */

/* This section tracks its place in l->path and words its messages its own
 * way ("expected a string", "entry 2: ..."), so it keeps its own readers:
 * the shared ones of ev_json_int.h would change what a bad document is told. */

struct ld {
	struct dd_evj_ld j;         /* where the message goes */
	char path[DD_EVJ_PATH_LEN]; /* place of the object being read */
};

static int fail(struct ld *l, int code, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(struct ld *l, int code, const char *key, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = dd_evj_vfail(&l->j, code, l->path, key, fmt, ap);
	va_end(ap);
	return rc;
}

static int get_str(struct ld *l, const json_t *o, const char *key, int req, char **out)
{
	json_t *j = dd_evj_opt(o, key);

	if (!j)
		return req ? fail(l, DD_EPARSE, key, "missing") : 0;
	if (!json_is_string(j))
		return fail(l, DD_EPARSE, key, "expected a string");
	if (json_string_length(j) > DD_EV_MAX_STR)
		return fail(l, DD_ELIMIT, key, "string longer than %d bytes", DD_EV_MAX_STR);
	if (dd_ev_set_str(out, json_string_value(j)) != 0)
		return fail(l, DD_ENOMEM, key, "out of memory");
	return 0;
}

static int get_int(struct ld *l, const json_t *o, const char *key, int64_t min, int64_t max,
		   int64_t dflt, int64_t *out)
{
	json_t *j = dd_evj_opt(o, key);

	*out = dflt;
	if (!j)
		return 0;
	if (!json_is_integer(j))
		return fail(l, DD_EPARSE, key, "expected an integer");
	if (json_integer_value(j) < min || json_integer_value(j) > max)
		return fail(l, DD_EPARSE, key, "%lld is out of range [%lld, %lld]",
			    (long long)json_integer_value(j), (long long)min, (long long)max);
	*out = json_integer_value(j);
	return 0;
}

/* A boolean; absent or null gives dflt. */
static int get_bool(struct ld *l, const json_t *o, const char *key, int dflt, int *out)
{
	json_t *j = dd_evj_opt(o, key);

	*out = dflt;
	if (!j)
		return 0;
	if (!json_is_boolean(j))
		return fail(l, DD_EPARSE, key, "expected a boolean");
	*out = json_is_true(j);
	return 0;
}

static int get_rstate(struct ld *l, const json_t *o, const char *key, enum dd_ev_rstate *out)
{
	char *s = NULL;
	int rc = get_str(l, o, key, 0, &s);

	*out = DD_EV_R_SKIPPED;
	if (rc || !s)
		return rc;
	for (int i = 0; i < DD_EV_RSTATE_COUNT; i++)
		if (strcmp(s, dd_ev_rstate_name((enum dd_ev_rstate)i)) == 0) {
			*out = (enum dd_ev_rstate)i;
			free(s);
			return 0;
		}
	rc = fail(l, DD_EPARSE, key, "unknown value \"%.40s\"", s);
	free(s);
	return rc;
}

/* The array member key of o (NULL when absent or null), bounded. */
static int get_array(struct ld *l, const json_t *o, const char *key, json_t **out)
{
	*out = dd_evj_opt(o, key);
	if (!*out)
		return 0;
	if (!json_is_array(*out))
		return fail(l, DD_EPARSE, key, "expected an array");
	if (json_array_size(*out) > DD_EV_MAX_ITEMS)
		return fail(l, DD_ELIMIT, key, "more than %d entries", DD_EV_MAX_ITEMS);
	return 0;
}

static int get_strlist(struct ld *l, const json_t *o, const char *key, struct dd_ev_strlist *out)
{
	json_t *a, *v;
	size_t i;
	int rc = get_array(l, o, key, &a);

	if (rc || !a)
		return rc;
	json_array_foreach(a, i, v) {
		if (!json_is_string(v) || json_string_length(v) > DD_EV_MAX_STR)
			return fail(l, DD_EPARSE, key, "entry %zu: expected a string", i);
		if ((rc = dd_ev_strlist_add(out, json_string_value(v))) < 0)
			return fail(l, rc, key, "%s", dd_strerror(rc));
	}
	return 0;
}

/* The array member key of d, each entry an object handed to fn. */
static int each(struct ld *l, const json_t *d, const char *key,
		int (*fn)(struct ld *l, const json_t *o, struct dd_evidence *ev),
		struct dd_evidence *ev)
{
	json_t *a, *o;
	char saved[DD_EVJ_PATH_LEN];
	size_t i;
	int rc = get_array(l, d, key, &a);

	if (rc || !a)
		return rc;
	memcpy(saved, l->path, sizeof(saved));
	json_array_foreach(a, i, o) {
		snprintf(l->path, sizeof(l->path), "%s.%s[%zu]", saved, key, i);
		if (!json_is_object(o))
			rc = fail(l, DD_EPARSE, NULL, "expected an object");
		else
			rc = fn(l, o, ev);
		if (rc)
			return rc;
	}
	memcpy(l->path, saved, sizeof(saved));
	return 0;
}

/* The name member of o, required, as a new entry made by add. */
static int named(struct ld *l, const json_t *o, const char *key,
		 int (*add)(struct dd_evidence *ev, const char *name), struct dd_evidence *ev)
{
	char *name = NULL;
	int rc = get_str(l, o, key, 1, &name);

	if (rc)
		return rc;
	rc = add(ev, name);
	free(name);
	if (rc < 0)
		return fail(l, rc, key, "%s", dd_strerror(rc));
	return rc;
}

static int ld_root(struct ld *l, const json_t *o, struct dd_evidence *ev)
{
	int i = named(l, o, "name", dd_ev_dep_root, ev), rc;
	struct dd_ev_dep_root *r;

	if (i < 0)
		return i;
	r = &ev->deps.roots[i];
	if ((rc = get_str(l, o, "zone", 0, &r->zone)) ||
	    (rc = get_rstate(l, o, "state", &r->state)) ||
	    (rc = get_str(l, o, "message", 0, &r->message)))
		return rc;
	return 0;
}

static int ld_glue(struct ld *l, const json_t *o, struct dd_evidence *ev, size_t z)
{
	json_t *a, *g;
	size_t i;
	int rc = get_array(l, o, "glue", &a);

	if (rc || !a)
		return rc;
	json_array_foreach(a, i, g) {
		const char *name = json_string_value(json_object_get(g, "name"));
		const char *addr = json_string_value(json_object_get(g, "address"));
		if (!json_is_object(g) || !name || !addr)
			return fail(l, DD_EPARSE, "glue", "entry %zu: needs name and address", i);
		if (strlen(name) > DD_EV_MAX_STR || strlen(addr) > DD_EV_MAX_STR)
			return fail(l, DD_ELIMIT, "glue", "entry %zu: string too long", i);
		if ((rc = dd_ev_dep_add_glue(ev, z, name, addr)) < 0)
			return fail(l, rc, "glue", "%s", dd_strerror(rc));
	}
	return 0;
}

static int ld_zone(struct ld *l, const json_t *o, struct dd_evidence *ev)
{
	int i = named(l, o, "name", dd_ev_dep_zone, ev), rc;
	struct dd_ev_dep_zone *z;
	int64_t depth;

	if (i < 0)
		return i;
	z = &ev->deps.zones[i];
	if ((rc = get_str(l, o, "parent", 0, &z->parent)) ||
	    (rc = get_int(l, o, "depth", 0, 1000, 0, &depth)) ||
	    (rc = get_strlist(l, o, "ns", &z->ns)) || (rc = ld_glue(l, o, ev, (size_t)i)))
		return rc;
	z->depth = (int)depth;
	return 0;
}

static int ld_host(struct ld *l, const json_t *o, struct dd_evidence *ev)
{
	int i = named(l, o, "name", dd_ev_dep_host, ev), rc;
	struct dd_ev_dep_host *h;
	int64_t depth;

	if (i < 0)
		return i;
	h = &ev->deps.hosts[i];
	if ((rc = get_str(l, o, "zone", 0, &h->zone)) ||
	    (rc = get_rstate(l, o, "state", &h->state)) ||
	    (rc = get_strlist(l, o, "addresses", &h->addrs)) ||
	    (rc = get_int(l, o, "depth", 0, 1000, 0, &depth)) ||
	    (rc = get_bool(l, o, "followed", 0, &h->followed)) ||
	    (rc = get_bool(l, o, "walk_shared", 0, &h->walk_shared)) ||
	    (rc = get_str(l, o, "message", 0, &h->message)))
		return rc;
	h->depth = (int)depth;
	return 0;
}

static int ld_addr(struct ld *l, const json_t *o, struct dd_evidence *ev)
{
	int i = named(l, o, "address", dd_ev_dep_addr, ev), rc;
	struct dd_ev_dep_addr *a;

	if (i < 0)
		return i;
	a = &ev->deps.addrs[i];
	if ((rc = get_int(l, o, "asn", 0, 4294967295LL, -1, &a->asn)) ||
	    (rc = get_str(l, o, "prefix", 0, &a->prefix)) ||
	    (rc = get_str(l, o, "detail", 0, &a->detail)))
		return rc;
	return 0;
}

static const char *const reg_results[] = { "found", "not-found", "rdap-error", "other-object",
					   "unavailable" };

static int ld_reg(struct ld *l, const json_t *o, struct dd_evidence *ev)
{
	int i = named(l, o, "domain", dd_ev_dep_reg, ev), rc, known = 0;
	struct dd_ev_dep_reg *r;
	char *when = NULL;

	if (i < 0)
		return i;
	r = &ev->deps.regs[i];
	if ((rc = get_str(l, o, "result", 1, &r->result)) ||
	    (rc = get_str(l, o, "reason", 0, &r->reason)) ||
	    (rc = get_str(l, o, "source", 0, &r->source)) ||
	    (rc = get_str(l, o, "registrar", 0, &r->registrar)) ||
	    (rc = get_str(l, o, "registrar_id", 0, &r->registrar_id)) ||
	    (rc = get_strlist(l, o, "statuses", &r->statuses)) ||
	    (rc = get_bool(l, o, "transfer_lock", -1, &r->transfer_lock)) ||
	    (rc = get_str(l, o, "expires", 0, &when)))
		return rc;
	for (size_t k = 0; k < sizeof(reg_results) / sizeof(reg_results[0]); k++)
		known |= strcmp(r->result, reg_results[k]) == 0;
	if (!known)
		rc = fail(l, DD_EPARSE, "result", "unknown value \"%.40s\"", r->result);
	else if (when && dd_clock_parse(when, &r->expires) != 0)
		rc = fail(l, DD_EPARSE, "expires", "not an RFC 3339 time");
	free(when);
	return rc;
}

int dd_ev_deps_load(const struct json_t *doc, struct dd_evidence *ev, char *err, size_t errlen)
{
	struct ld l = { { err, errlen, 0 }, "dependencies" };
	const json_t *d = dd_evj_opt(doc, "dependencies");
	struct dd_ev_deps *deps = &ev->deps;
	int64_t depth;
	int rc;

	if (!d)
		return 0;
	if (!json_is_object(d))
		return fail(&l, DD_EPARSE, NULL, "expected an object");
	deps->present = 1;
	if ((rc = get_int(&l, d, "max_depth", 0, 1000, 0, &depth)) ||
	    (rc = get_bool(&l, d, "truncated", 0, &deps->truncated)) ||
	    (rc = get_bool(&l, d, "registration", 0, &deps->registration)) ||
	    (rc = get_str(&l, d, "asn_source", 0, &deps->asn_source)) ||
	    (rc = each(&l, d, "roots", ld_root, ev)) || (rc = each(&l, d, "zones", ld_zone, ev)) ||
	    (rc = each(&l, d, "hosts", ld_host, ev)) ||
	    (rc = each(&l, d, "addresses", ld_addr, ev)) ||
	    (rc = each(&l, d, "registrations", ld_reg, ev)))
		return rc;
	deps->max_depth = (int)depth;
	return 0;
}
