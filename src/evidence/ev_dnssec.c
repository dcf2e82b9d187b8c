/* ev_dnssec.c: the DNSSEC section of the evidence: appenders, freeing, and
 * its JSON form (member "dnssec", docs/dnssec.md). Loading checks every
 * type, enum value, exchange reference and bound, like the rest of the
 * document, and reports the first problem with its place, with the helpers
 * of ev_json_int.h. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "core/err.h"
#include "evidence/ev_int.h"
#include "evidence/ev_json_int.h"
#include "evidence/evidence.h"

/* ------------------------------------------------------------ appenders */

static void rrset_init(struct dd_ev_sec_rrset *r)
{
	/* Not memset: GCC 12's -Warray-bounds misjudges it once the array
	 * grows in another file (the ASan build fails). */
	*r = (struct dd_ev_sec_rrset){ 0 };
	dd_ev_response_init(&r->r);
}

static void rrset_free(struct dd_ev_sec_rrset *r)
{
	free(r->server);
	free(r->address);
	free(r->r.detail);
	dd_ev_strlist_free(&r->records);
}

int dd_ev_sec_add_zone(struct dd_ev_dnssec *s, const char *zone)
{
	struct dd_ev_sec_zone *z;
	int err = dd_ev_grow((void **)&s->zones, s->nzones, &s->zones_cap, sizeof(*s->zones),
			     DD_EV_MAX_ITEMS);

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
	err = dd_ev_grow((void **)&s->parent, s->nparent, &s->parent_cap, sizeof(*s->parent),
			 DD_EV_MAX_ITEMS);
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
	err = dd_ev_grow((void **)&s->servers, s->nservers, &s->servers_cap, sizeof(*s->servers),
			 DD_EV_MAX_ITEMS);
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

	dd_ev_strlist_free(&s->anchor);
	for (size_t i = 0; !err && records && i < records->n; i++) {
		int rc = dd_ev_strlist_add(&s->anchor, records->v[i]);
		err = rc < 0 ? rc : 0;
	}
	if (err)
		dd_ev_strlist_free(&s->anchor);
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
		dd_ev_strlist_free(&s->parent[i].rrsigs);
	}
	free(s->parent);
	for (size_t i = 0; i < s->nservers; i++)
		server_free(&s->servers[i]);
	free(s->servers);
	free(s->anchor_source);
	dd_ev_strlist_free(&s->anchor);
	memset(s, 0, sizeof(*s));
}

/* ---------------------------------------------------------------- saving */

/* The members of a server entry that are rrsets, in their saved order. */
static const char *const server_keys[] = { "dnskey_udp", "dnskey_tcp", "soa", "ns", "cds",
					   "cdnskey" };
#define N_SERVER_KEYS (sizeof(server_keys) / sizeof(server_keys[0]))

/* An rrset: where it came from (when named), its RESPONSE members and its
 * records. */
static json_t *s_rrset(struct dd_json *sv, const struct dd_ev_sec_rrset *x, int named)
{
	json_t *o = json_object();

	if (!o) {
		sv->failed = 1;
		return NULL;
	}
	if (named) {
		dd_json_put(sv, o, "server", dd_json_str(sv, x->server));
		dd_json_put(sv, o, "address", dd_json_str(sv, x->address));
	}
	dd_evj_response(sv, o, &x->r);
	dd_json_put(sv, o, "records", dd_evj_list(sv, &x->records));
	return o;
}

json_t *dd_ev_sec_save(const struct dd_ev_dnssec *s, struct dd_json *sv)
{
	json_t *o = json_object(), *anchor = json_object(), *zones = json_array(),
	       *parent = json_array(), *servers = json_array();

	dd_json_put(sv, anchor, "source", dd_json_str(sv, s->anchor_source));
	dd_json_put(sv, anchor, "records", dd_evj_list(sv, &s->anchor));
	dd_json_put(sv, o, "anchor", anchor);
	for (size_t i = 0; zones && i < s->nzones; i++) {
		const struct dd_ev_sec_zone *z = &s->zones[i];
		json_t *zo = json_object();
		dd_json_put(sv, zo, "zone", dd_json_str(sv, z->zone));
		dd_json_put(sv, zo, "dnskey", s_rrset(sv, &z->dnskey, 1));
		dd_json_put(sv, zo, "ds", s_rrset(sv, &z->ds, 1));
		dd_json_append(sv, zones, zo);
	}
	dd_json_put(sv, o, "zones", zones);
	for (size_t i = 0; parent && i < s->nparent; i++) {
		const struct dd_ev_sec_parent *p = &s->parent[i];
		json_t *po = json_object();
		dd_json_put(sv, po, "name", dd_json_str(sv, p->name));
		dd_json_put(sv, po, "address", dd_json_str(sv, p->address));
		dd_json_put(sv, po, "rrsigs", dd_evj_list(sv, &p->rrsigs));
		dd_json_append(sv, parent, po);
	}
	dd_json_put(sv, o, "parent", parent);
	for (size_t i = 0; servers && i < s->nservers; i++) {
		const struct dd_ev_sec_server *v = &s->servers[i];
		const struct dd_ev_sec_rrset *sets[N_SERVER_KEYS] = {
			&v->dnskey_udp, &v->dnskey_tcp, &v->soa, &v->ns, &v->cds, &v->cdnskey
		};
		json_t *so = json_object();
		dd_json_put(sv, so, "name", dd_json_str(sv, v->name));
		dd_json_put(sv, so, "address", dd_json_str(sv, v->address));
		for (size_t m = 0; m < N_SERVER_KEYS; m++)
			dd_json_put(sv, so, server_keys[m], s_rrset(sv, sets[m], 0));
		dd_json_append(sv, servers, so);
	}
	dd_json_put(sv, o, "servers", servers);
	if (sv->failed) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* --------------------------------------------------------------- loading */

/* A required string member. Unlike dd_evj_get_str, this section calls a
 * null one "missing" too. */
static int need_str(struct dd_evj_ld *l, const json_t *o, const char *path, const char *key,
		    char **out)
{
	if (!dd_evj_opt(o, key))
		return dd_evj_fail(l, DD_EPARSE, path, key, "missing");
	return dd_evj_get_str(l, o, path, key, DD_EVJ_OPT, out);
}

/* The RESPONSE members and records of an rrset object at path. */
static int ld_rrset(struct dd_evj_ld *l, const json_t *o, const char *path, int named,
		    struct dd_ev_sec_rrset *x)
{
	char *s = NULL;
	json_t *j;
	int rc;

	if ((rc = dd_evj_want_object(l, o, path)) != 0)
		return rc;
	if (named && ((rc = dd_evj_get_str(l, o, path, "server", DD_EVJ_OPT, &x->server)) ||
		      (rc = dd_evj_get_str(l, o, path, "address", DD_EVJ_OPT, &x->address))))
		return rc;
	if ((rc = need_str(l, o, path, "state", &s)) != 0)
		return rc;
	rc = dd_ev_state_parse(s, &x->r.state);
	if (rc)
		rc = dd_evj_fail(l, DD_EPARSE, path, "state", "unknown value \"%.40s\"", s);
	free(s);
	if (rc || (rc = dd_evj_get_rcode(l, o, path, "rcode", &x->r.rcode)) ||
	    (rc = dd_evj_get_bool(l, o, path, "aa", DD_EVJ_OPT, -1, &x->r.aa)))
		return rc;
	if ((j = dd_evj_opt(o, "rtt_ms")) != NULL) {
		if (!json_is_number(j) || !(json_number_value(j) >= 0 &&
					    json_number_value(j) <= 86400000.0))
			return dd_evj_fail(l, DD_EPARSE, path, "rtt_ms",
					   "not a time in milliseconds");
		x->r.rtt_ms = json_number_value(j);
	}
	if ((j = dd_evj_opt(o, "exchange")) != NULL) {
		if (!json_is_integer(j) || json_integer_value(j) < 0)
			return dd_evj_fail(l, DD_EPARSE, path, "exchange",
					   "expected an exchange index");
		if ((size_t)json_integer_value(j) >= l->nexchanges)
			return dd_evj_fail(l, DD_EPARSE, path, "exchange",
					   "refers to exchange %lld, but there are only %zu",
					   (long long)json_integer_value(j), l->nexchanges);
		x->r.exchange = (int)json_integer_value(j);
	}
	if ((rc = dd_evj_get_str(l, o, path, "detail", DD_EVJ_OPT, &x->r.detail)) != 0)
		return rc;
	return dd_evj_get_strlist(l, o, path, "records", &x->records);
}

/* The member key of o as an rrset (absent or null: left skipped). */
static int ld_sub(struct dd_evj_ld *l, const json_t *o, const char *path, const char *key,
		  int named, struct dd_ev_sec_rrset *x)
{
	char p[DD_EVJ_PATH_LEN];
	json_t *j = dd_evj_opt(o, key);

	if (!j)
		return 0;
	dd_evj_sub(p, path, key, -1);
	return ld_rrset(l, j, p, named, x);
}

static int ld_zones(struct dd_evj_ld *l, const json_t *sec, struct dd_ev_dnssec *s)
{
	json_t *arr, *o;
	size_t i;
	int rc = dd_evj_get_array(l, sec, "dnssec", "zones", DD_EVJ_OPT, DD_EV_MAX_ITEMS, &arr);

	if (rc || !arr)
		return rc;
	json_array_foreach(arr, i, o) {
		char p[DD_EVJ_PATH_LEN], *zone = NULL;
		int k;
		dd_evj_sub(p, "dnssec", "zones", (long)i);
		if ((rc = dd_evj_want_object(l, o, p)) || (rc = need_str(l, o, p, "zone", &zone)))
			return rc;
		k = dd_ev_sec_add_zone(s, zone);
		free(zone);
		if (k < 0)
			return dd_evj_fail(l, k, p, NULL, "%s", dd_strerror(k));
		if ((rc = ld_sub(l, o, p, "dnskey", 1, &s->zones[k].dnskey)) ||
		    (rc = ld_sub(l, o, p, "ds", 1, &s->zones[k].ds)))
			return rc;
	}
	return 0;
}

/* An entry of "parent" or "servers" at p, made by add from its name and
 * address (required when need_address): its index, or a negative enum
 * dd_err. n is the number of entries so far: add must make a new one. */
static int ld_entry(struct dd_evj_ld *l, const json_t *o, const char *p, int need_address,
		    int (*add)(struct dd_ev_dnssec *s, const char *name, const char *address),
		    struct dd_ev_dnssec *s, size_t n)
{
	char *name = NULL, *addr = NULL;
	int rc;

	if ((rc = dd_evj_want_object(l, o, p)) || (rc = need_str(l, o, p, "name", &name)) ||
	    (rc = need_address ? need_str(l, o, p, "address", &addr) :
				 dd_evj_get_str(l, o, p, "address", DD_EVJ_OPT, &addr))) {
		free(name);
		return rc;
	}
	rc = add(s, name, addr);
	free(name);
	free(addr);
	if (rc < 0)
		return dd_evj_fail(l, rc, p, NULL, "%s", dd_strerror(rc));
	if ((size_t)rc != n)
		return dd_evj_fail(l, DD_EPARSE, p, NULL, "server listed twice");
	return rc;
}

static int ld_parent(struct dd_evj_ld *l, const json_t *sec, struct dd_ev_dnssec *s)
{
	json_t *arr, *o;
	size_t i;
	int rc = dd_evj_get_array(l, sec, "dnssec", "parent", DD_EVJ_OPT, DD_EV_MAX_ITEMS, &arr);

	if (rc || !arr)
		return rc;
	json_array_foreach(arr, i, o) {
		char p[DD_EVJ_PATH_LEN];
		int k;
		dd_evj_sub(p, "dnssec", "parent", (long)i);
		k = ld_entry(l, o, p, 0, dd_ev_sec_add_parent, s, s->nparent);
		if (k < 0)
			return k;
		if ((rc = dd_evj_get_strlist(l, o, p, "rrsigs", &s->parent[k].rrsigs)) != 0)
			return rc;
	}
	return 0;
}

static int ld_servers(struct dd_evj_ld *l, const json_t *sec, struct dd_ev_dnssec *s)
{
	json_t *arr, *o;
	size_t i;
	int rc = dd_evj_get_array(l, sec, "dnssec", "servers", DD_EVJ_OPT, DD_EV_MAX_ITEMS, &arr);

	if (rc || !arr)
		return rc;
	json_array_foreach(arr, i, o) {
		char p[DD_EVJ_PATH_LEN];
		struct dd_ev_sec_server *v;
		int k;
		dd_evj_sub(p, "dnssec", "servers", (long)i);
		k = ld_entry(l, o, p, 1, dd_ev_sec_add_server, s, s->nservers);
		if (k < 0)
			return k;
		v = &s->servers[k];
		struct dd_ev_sec_rrset *sets[N_SERVER_KEYS] = { &v->dnskey_udp, &v->dnskey_tcp,
								&v->soa, &v->ns, &v->cds,
								&v->cdnskey };
		for (size_t m = 0; m < N_SERVER_KEYS; m++)
			if ((rc = ld_sub(l, o, p, server_keys[m], 0, sets[m])) != 0)
				return rc;
	}
	return 0;
}

int dd_ev_sec_load(const json_t *j, struct dd_ev_dnssec *s, struct dd_evj_ld *l)
{
	json_t *anchor;
	int rc;

	if (!j || json_is_null(j))
		return 0;
	if ((rc = dd_evj_want_object(l, j, "dnssec")) != 0)
		return rc;
	s->present = 1;
	anchor = dd_evj_opt(j, "anchor");
	if (anchor &&
	    ((rc = dd_evj_want_object(l, anchor, "dnssec.anchor")) ||
	     (rc = dd_evj_get_str(l, anchor, "dnssec.anchor", "source", DD_EVJ_OPT,
				  &s->anchor_source)) ||
	     (rc = dd_evj_get_strlist(l, anchor, "dnssec.anchor", "records", &s->anchor))))
		return rc;
	if ((rc = ld_zones(l, j, s)) || (rc = ld_parent(l, j, s)) || (rc = ld_servers(l, j, s)))
		return rc;
	return 0;
}
