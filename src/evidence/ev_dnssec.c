/* ev_dnssec.c: the DNSSEC section of the evidence: appenders, freeing, and
 * its JSON form (member "dnssec", docs/dnssec.md). Loading checks every
 * type, enum value, exchange reference and bound, like the rest of the
 * document, and reports the first problem with its place. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "core/err.h"
#include "core/esc.h"
#include "evidence/evidence.h"

/* ------------------------------------------------------------ appenders */

static int grow(void **arr, size_t n, size_t *cap, size_t elem)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return 0;
	if (n >= DD_EV_MAX_ITEMS)
		return DD_ELIMIT;
	ncap = *cap ? *cap * 2 : 4;
	if (ncap > DD_EV_MAX_ITEMS)
		ncap = DD_EV_MAX_ITEMS;
	p = realloc(*arr, ncap * elem);
	if (!p)
		return DD_ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}

static void rrset_init(struct dd_ev_sec_rrset *r)
{
	memset(r, 0, sizeof(*r));
	dd_ev_response_init(&r->r);
}

static void strlist_free(struct dd_ev_strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static void rrset_free(struct dd_ev_sec_rrset *r)
{
	free(r->server);
	free(r->address);
	free(r->r.detail);
	strlist_free(&r->records);
}

int dd_ev_sec_add_zone(struct dd_ev_dnssec *s, const char *zone)
{
	struct dd_ev_sec_zone *z;
	int err = grow((void **)&s->zones, s->nzones, &s->zones_cap, sizeof(*s->zones));

	if (err)
		return err;
	z = &s->zones[s->nzones];
	memset(z, 0, sizeof(*z));
	rrset_init(&z->dnskey);
	rrset_init(&z->ds);
	if ((err = dd_ev_set_str(&z->zone, zone)) != 0)
		return err;
	s->present = 1;
	return (int)s->nzones++;
}

static int same(const char *a, const char *b)
{
	return a && b ? strcasecmp(a, b) == 0 : a == b;
}

int dd_ev_sec_add_parent(struct dd_ev_dnssec *s, const char *name, const char *address)
{
	struct dd_ev_sec_parent *p;
	int err;

	for (size_t i = 0; name && i < s->nparent; i++)
		if (same(s->parent[i].name, name) && same(s->parent[i].address, address))
			return (int)i;
	err = grow((void **)&s->parent, s->nparent, &s->parent_cap, sizeof(*s->parent));
	if (err)
		return err;
	p = &s->parent[s->nparent];
	memset(p, 0, sizeof(*p));
	if ((err = dd_ev_set_str(&p->name, name)) != 0 ||
	    (err = dd_ev_set_str(&p->address, address)) != 0) {
		free(p->name);
		return err;
	}
	s->present = 1;
	return (int)s->nparent++;
}

int dd_ev_sec_find_server(const struct dd_ev_dnssec *s, const char *name, const char *address)
{
	for (size_t i = 0; i < s->nservers; i++)
		if (same(s->servers[i].name, name) && same(s->servers[i].address, address))
			return (int)i;
	return -1;
}

int dd_ev_sec_add_server(struct dd_ev_dnssec *s, const char *name, const char *address)
{
	struct dd_ev_sec_server *v;
	int err, known = name ? dd_ev_sec_find_server(s, name, address) : -1;

	if (known >= 0)
		return known;
	err = grow((void **)&s->servers, s->nservers, &s->servers_cap, sizeof(*s->servers));
	if (err)
		return err;
	v = &s->servers[s->nservers];
	memset(v, 0, sizeof(*v));
	rrset_init(&v->dnskey_udp);
	rrset_init(&v->dnskey_tcp);
	rrset_init(&v->soa);
	rrset_init(&v->ns);
	rrset_init(&v->cds);
	rrset_init(&v->cdnskey);
	if ((err = dd_ev_set_str(&v->name, name)) != 0 ||
	    (err = dd_ev_set_str(&v->address, address)) != 0) {
		free(v->name);
		return err;
	}
	s->present = 1;
	return (int)s->nservers++;
}

int dd_ev_sec_set_anchor(struct dd_ev_dnssec *s, const struct dd_ev_strlist *records,
			 const char *source)
{
	int err = dd_ev_set_str(&s->anchor_source, source);

	strlist_free(&s->anchor);
	for (size_t i = 0; !err && records && i < records->n; i++) {
		int rc = dd_ev_strlist_add(&s->anchor, records->v[i]);
		err = rc < 0 ? rc : 0;
	}
	if (err)
		strlist_free(&s->anchor);
	return err;
}

static void server_free(struct dd_ev_sec_server *v)
{
	free(v->name);
	free(v->address);
	rrset_free(&v->dnskey_udp);
	rrset_free(&v->dnskey_tcp);
	rrset_free(&v->soa);
	rrset_free(&v->ns);
	rrset_free(&v->cds);
	rrset_free(&v->cdnskey);
}

void dd_ev_sec_free(struct dd_ev_dnssec *s)
{
	for (size_t i = 0; i < s->nzones; i++) {
		free(s->zones[i].zone);
		rrset_free(&s->zones[i].dnskey);
		rrset_free(&s->zones[i].ds);
	}
	free(s->zones);
	for (size_t i = 0; i < s->nparent; i++) {
		free(s->parent[i].name);
		free(s->parent[i].address);
		strlist_free(&s->parent[i].rrsigs);
	}
	free(s->parent);
	for (size_t i = 0; i < s->nservers; i++)
		server_free(&s->servers[i]);
	free(s->servers);
	free(s->anchor_source);
	strlist_free(&s->anchor);
	memset(s, 0, sizeof(*s));
}

/* ---------------------------------------------------------------- saving */

static json_t *s_str(int *failed, const char *v)
{
	json_t *j;

	if (!v)
		return json_null();
	j = json_string(v);
	if (!j) {
		char *e = dd_esc_dup(v, strlen(v));
		j = e ? json_string(e) : NULL;
		free(e);
	}
	if (!j)
		*failed = 1;
	return j;
}

static void put(int *failed, json_t *o, const char *key, json_t *v)
{
	if (!o || !v || json_object_set_new(o, key, v) != 0)
		*failed = 1;
}

static json_t *s_list(int *failed, const struct dd_ev_strlist *l)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < l->n; i++)
		if (json_array_append_new(a, s_str(failed, l->v[i])) != 0)
			*failed = 1;
	if (!a)
		*failed = 1;
	return a;
}

static json_t *s_rrset(int *failed, const struct dd_ev_sec_rrset *x, int named)
{
	json_t *o = json_object();
	const struct dd_ev_response *r = &x->r;
	char rc[16];

	if (!o) {
		*failed = 1;
		return NULL;
	}
	if (named) {
		put(failed, o, "server", s_str(failed, x->server));
		put(failed, o, "address", s_str(failed, x->address));
	}
	put(failed, o, "state", s_str(failed, dd_ev_state_name(r->state)));
	put(failed, o, "rcode", r->rcode < 0 ? json_null() :
		  s_str(failed, dd_ev_rcode_name(r->rcode, rc, sizeof(rc))));
	put(failed, o, "aa", r->aa < 0 ? json_null() : json_boolean(r->aa));
	put(failed, o, "rtt_ms", r->rtt_ms < 0 ? json_null() :
		  json_real((double)(long long)(r->rtt_ms * 1000.0 + 0.5) / 1000.0));
	put(failed, o, "exchange", r->exchange < 0 ? json_null() : json_integer(r->exchange));
	put(failed, o, "detail", s_str(failed, r->detail));
	put(failed, o, "records", s_list(failed, &x->records));
	return o;
}

static void append(int *failed, json_t *a, json_t *v)
{
	if (!a || !v || json_array_append_new(a, v) != 0)
		*failed = 1;
}

json_t *dd_ev_sec_save(const struct dd_ev_dnssec *s, int *failed)
{
	json_t *o = json_object(), *anchor = json_object(), *zones = json_array(),
	       *parent = json_array(), *servers = json_array();

	put(failed, anchor, "source", s_str(failed, s->anchor_source));
	put(failed, anchor, "records", s_list(failed, &s->anchor));
	put(failed, o, "anchor", anchor);
	for (size_t i = 0; zones && i < s->nzones; i++) {
		const struct dd_ev_sec_zone *z = &s->zones[i];
		json_t *zo = json_object();
		put(failed, zo, "zone", s_str(failed, z->zone));
		put(failed, zo, "dnskey", s_rrset(failed, &z->dnskey, 1));
		put(failed, zo, "ds", s_rrset(failed, &z->ds, 1));
		append(failed, zones, zo);
	}
	put(failed, o, "zones", zones);
	for (size_t i = 0; parent && i < s->nparent; i++) {
		const struct dd_ev_sec_parent *p = &s->parent[i];
		json_t *po = json_object();
		put(failed, po, "name", s_str(failed, p->name));
		put(failed, po, "address", s_str(failed, p->address));
		put(failed, po, "rrsigs", s_list(failed, &p->rrsigs));
		append(failed, parent, po);
	}
	put(failed, o, "parent", parent);
	for (size_t i = 0; servers && i < s->nservers; i++) {
		const struct dd_ev_sec_server *v = &s->servers[i];
		json_t *so = json_object();
		put(failed, so, "name", s_str(failed, v->name));
		put(failed, so, "address", s_str(failed, v->address));
		put(failed, so, "dnskey_udp", s_rrset(failed, &v->dnskey_udp, 0));
		put(failed, so, "dnskey_tcp", s_rrset(failed, &v->dnskey_tcp, 0));
		put(failed, so, "soa", s_rrset(failed, &v->soa, 0));
		put(failed, so, "ns", s_rrset(failed, &v->ns, 0));
		put(failed, so, "cds", s_rrset(failed, &v->cds, 0));
		put(failed, so, "cdnskey", s_rrset(failed, &v->cdnskey, 0));
		append(failed, servers, so);
	}
	put(failed, o, "servers", servers);
	if (*failed) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* --------------------------------------------------------------- loading */

#define PATH_LEN 192

struct ld {
	char *err;
	size_t errlen;
	size_t nexchanges;
};

static int fail(struct ld *l, int code, const char *path, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int fail(struct ld *l, int code, const char *path, const char *key, const char *fmt, ...)
{
	char what[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (l->errlen)
		snprintf(l->err, l->errlen, "%s%s%s: %s", path, key ? "." : "", key ? key : "", what);
	return code;
}

static void sub(char *out, const char *path, const char *key, long index)
{
	if (index >= 0)
		snprintf(out, PATH_LEN, "%s.%s[%ld]", path, key, index);
	else
		snprintf(out, PATH_LEN, "%s.%s", path, key);
}

static const char *type_name(const json_t *j)
{
	switch (json_typeof(j)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a number";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	default: return "null";
	}
}

/* The member (NULL when absent or null). */
static json_t *member(const json_t *o, const char *key)
{
	json_t *j = json_object_get(o, key);

	return j && !json_is_null(j) ? j : NULL;
}

static int want(struct ld *l, const json_t *j, json_type t, const char *path, const char *key)
{
	static const char *const names[] = { [JSON_OBJECT] = "an object", [JSON_ARRAY] = "an array",
					     [JSON_STRING] = "a string" };

	if (json_typeof(j) != t)
		return fail(l, DD_EPARSE, path, key, "expected %s, found %s", names[t],
			    type_name(j));
	return 0;
}

/* A string member; required ones must be present. */
static int get_str(struct ld *l, const json_t *o, const char *path, const char *key, int req,
		   char **out)
{
	json_t *j = member(o, key);
	int rc;

	if (!j)
		return req ? fail(l, DD_EPARSE, path, key, "missing") : 0;
	if ((rc = want(l, j, JSON_STRING, path, key)) != 0)
		return rc;
	if (json_string_length(j) > DD_EV_MAX_STR)
		return fail(l, DD_ELIMIT, path, key, "string longer than %d bytes", DD_EV_MAX_STR);
	if (dd_ev_set_str(out, json_string_value(j)) != 0)
		return fail(l, DD_ENOMEM, path, key, "out of memory");
	return 0;
}

static int get_list(struct ld *l, const json_t *o, const char *path, const char *key,
		    struct dd_ev_strlist *out)
{
	json_t *arr = member(o, key), *v;
	size_t i;
	int rc;

	if (!arr)
		return 0;
	if ((rc = want(l, arr, JSON_ARRAY, path, key)) != 0)
		return rc;
	if (json_array_size(arr) > DD_EV_MAX_ITEMS)
		return fail(l, DD_ELIMIT, path, key, "more than %d entries", DD_EV_MAX_ITEMS);
	json_array_foreach(arr, i, v) {
		char p[PATH_LEN];
		sub(p, path, key, (long)i);
		if (!json_is_string(v))
			return fail(l, DD_EPARSE, p, NULL, "expected a string, found %s",
				    type_name(v));
		if (json_string_length(v) > DD_EV_MAX_STR)
			return fail(l, DD_ELIMIT, p, NULL, "string too long");
		if ((rc = dd_ev_strlist_add(out, json_string_value(v))) < 0)
			return fail(l, rc, p, NULL, "%s", dd_strerror(rc));
	}
	return 0;
}

/* The RESPONSE members and records of an rrset object at path. */
static int ld_rrset(struct ld *l, const json_t *o, const char *path, int named,
		    struct dd_ev_sec_rrset *x)
{
	char *s = NULL;
	json_t *j;
	int rc;

	if ((rc = want(l, o, JSON_OBJECT, path, NULL)) != 0)
		return rc;
	if (named && ((rc = get_str(l, o, path, "server", 0, &x->server)) ||
		      (rc = get_str(l, o, path, "address", 0, &x->address))))
		return rc;
	if ((rc = get_str(l, o, path, "state", 1, &s)) != 0)
		return rc;
	rc = dd_ev_state_parse(s, &x->r.state);
	if (rc)
		rc = fail(l, DD_EPARSE, path, "state", "unknown value \"%.40s\"", s);
	free(s);
	s = NULL;
	if (rc || (rc = get_str(l, o, path, "rcode", 0, &s)) != 0)
		return rc;
	if (s && dd_ev_rcode_parse(s, &x->r.rcode) != 0)
		rc = fail(l, DD_EPARSE, path, "rcode", "unknown rcode \"%.40s\"", s);
	free(s);
	if (rc)
		return rc;
	if ((j = member(o, "aa")) != NULL) {
		if (!json_is_boolean(j))
			return fail(l, DD_EPARSE, path, "aa", "expected a boolean, found %s",
				    type_name(j));
		x->r.aa = json_is_true(j);
	}
	if ((j = member(o, "rtt_ms")) != NULL) {
		if (!json_is_number(j) || !(json_number_value(j) >= 0 &&
					    json_number_value(j) <= 86400000.0))
			return fail(l, DD_EPARSE, path, "rtt_ms", "not a time in milliseconds");
		x->r.rtt_ms = json_number_value(j);
	}
	if ((j = member(o, "exchange")) != NULL) {
		if (!json_is_integer(j) || json_integer_value(j) < 0)
			return fail(l, DD_EPARSE, path, "exchange", "expected an exchange index");
		if ((size_t)json_integer_value(j) >= l->nexchanges)
			return fail(l, DD_EPARSE, path, "exchange",
				    "refers to exchange %lld, but there are only %zu",
				    (long long)json_integer_value(j), l->nexchanges);
		x->r.exchange = (int)json_integer_value(j);
	}
	if ((rc = get_str(l, o, path, "detail", 0, &x->r.detail)) != 0)
		return rc;
	return get_list(l, o, path, "records", &x->records);
}

/* The member key of o as an rrset (absent or null: left skipped). */
static int ld_sub(struct ld *l, const json_t *o, const char *path, const char *key, int named,
		  struct dd_ev_sec_rrset *x)
{
	char p[PATH_LEN];
	json_t *j = member(o, key);

	if (!j)
		return 0;
	sub(p, path, key, -1);
	return ld_rrset(l, j, p, named, x);
}

/* The array member key of o (NULL when absent), bounded. */
static int ld_array(struct ld *l, const json_t *o, const char *path, const char *key,
		    json_t **out)
{
	int rc;

	*out = member(o, key);
	if (!*out)
		return 0;
	if ((rc = want(l, *out, JSON_ARRAY, path, key)) != 0)
		return rc;
	if (json_array_size(*out) > DD_EV_MAX_ITEMS)
		return fail(l, DD_ELIMIT, path, key, "more than %d entries", DD_EV_MAX_ITEMS);
	return 0;
}

static int ld_zones(struct ld *l, const json_t *sec, struct dd_ev_dnssec *s)
{
	json_t *arr, *o;
	size_t i;
	int rc = ld_array(l, sec, "dnssec", "zones", &arr);

	if (rc || !arr)
		return rc;
	json_array_foreach(arr, i, o) {
		char p[PATH_LEN], *zone = NULL;
		int k;
		sub(p, "dnssec", "zones", (long)i);
		if ((rc = want(l, o, JSON_OBJECT, p, NULL)) ||
		    (rc = get_str(l, o, p, "zone", 1, &zone)))
			return rc;
		k = dd_ev_sec_add_zone(s, zone);
		free(zone);
		if (k < 0)
			return fail(l, k, p, NULL, "%s", dd_strerror(k));
		if ((rc = ld_sub(l, o, p, "dnskey", 1, &s->zones[k].dnskey)) ||
		    (rc = ld_sub(l, o, p, "ds", 1, &s->zones[k].ds)))
			return rc;
	}
	return 0;
}

static int ld_parent(struct ld *l, const json_t *sec, struct dd_ev_dnssec *s)
{
	json_t *arr, *o;
	size_t i;
	int rc = ld_array(l, sec, "dnssec", "parent", &arr);

	if (rc || !arr)
		return rc;
	json_array_foreach(arr, i, o) {
		char p[PATH_LEN], *name = NULL, *addr = NULL;
		int k;
		sub(p, "dnssec", "parent", (long)i);
		if ((rc = want(l, o, JSON_OBJECT, p, NULL)) ||
		    (rc = get_str(l, o, p, "name", 1, &name)) ||
		    (rc = get_str(l, o, p, "address", 0, &addr))) {
			free(name);
			return rc;
		}
		k = (int)s->nparent;
		rc = dd_ev_sec_add_parent(s, name, addr);
		free(name);
		free(addr);
		if (rc < 0)
			return fail(l, rc, p, NULL, "%s", dd_strerror(rc));
		if (rc != k)
			return fail(l, DD_EPARSE, p, NULL, "server listed twice");
		if ((rc = get_list(l, o, p, "rrsigs", &s->parent[k].rrsigs)) != 0)
			return rc;
	}
	return 0;
}

static int ld_servers(struct ld *l, const json_t *sec, struct dd_ev_dnssec *s)
{
	static const char *const keys[] = { "dnskey_udp", "dnskey_tcp", "soa", "ns", "cds",
					    "cdnskey" };
	json_t *arr, *o;
	size_t i;
	int rc = ld_array(l, sec, "dnssec", "servers", &arr);

	if (rc || !arr)
		return rc;
	json_array_foreach(arr, i, o) {
		char p[PATH_LEN], *name = NULL, *addr = NULL;
		struct dd_ev_sec_server *v;
		int k;
		sub(p, "dnssec", "servers", (long)i);
		if ((rc = want(l, o, JSON_OBJECT, p, NULL)) ||
		    (rc = get_str(l, o, p, "name", 1, &name)) ||
		    (rc = get_str(l, o, p, "address", 1, &addr))) {
			free(name);
			return rc;
		}
		k = (int)s->nservers;
		rc = dd_ev_sec_add_server(s, name, addr);
		free(name);
		free(addr);
		if (rc < 0)
			return fail(l, rc, p, NULL, "%s", dd_strerror(rc));
		if (rc != k)
			return fail(l, DD_EPARSE, p, NULL, "server listed twice");
		v = &s->servers[k];
		struct dd_ev_sec_rrset *sets[] = { &v->dnskey_udp, &v->dnskey_tcp, &v->soa, &v->ns,
						   &v->cds, &v->cdnskey };
		for (size_t m = 0; m < sizeof(keys) / sizeof(keys[0]); m++)
			if ((rc = ld_sub(l, o, p, keys[m], 0, sets[m])) != 0)
				return rc;
	}
	return 0;
}

int dd_ev_sec_load(const json_t *j, struct dd_ev_dnssec *s, size_t nexchanges, char *err,
		   size_t errlen)
{
	struct ld l = { err, errlen, nexchanges };
	json_t *anchor;
	int rc;

	if (!j || json_is_null(j))
		return 0;
	if ((rc = want(&l, j, JSON_OBJECT, "dnssec", NULL)) != 0)
		return rc;
	s->present = 1;
	anchor = member(j, "anchor");
	if (anchor && ((rc = want(&l, anchor, JSON_OBJECT, "dnssec.anchor", NULL)) ||
		       (rc = get_str(&l, anchor, "dnssec.anchor", "source", 0, &s->anchor_source)) ||
		       (rc = get_list(&l, anchor, "dnssec.anchor", "records", &s->anchor))))
		return rc;
	if ((rc = ld_zones(&l, j, s)) || (rc = ld_parent(&l, j, s)) || (rc = ld_servers(&l, j, s)))
		return rc;
	return 0;
}
