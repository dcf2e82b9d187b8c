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
#include "evidence/ev_table.h"
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

/* ------------------------------------------------------- the JSON form */

/* The section's records, field by field (ev_table.h): saved, loaded,
 * checked and freed from these tables alone. */

#define OFF(type, member) offsetof(struct type, member)
#define NFIELDS(a) (sizeof(a) / sizeof(a[0]))

static const char *rstate_of(int v)
{
	return dd_ev_rstate_name((enum dd_ev_rstate)v);
}

static const struct dd_evt_field root_fields[] = {
	{ .key = "name", .kind = DD_EVT_STR, .off = OFF(dd_ev_dep_root, name), .flags = DD_EVT_REQ,
	  .doc = "a name the dependencies were gathered for: the domain, then its backups" },
	{ .key = "zone", .kind = DD_EVT_STR, .off = OFF(dd_ev_dep_root, zone),
	  .doc = "the zone its walk ended in (its own, or the one that said NXDOMAIN)" },
	{ .key = "state", .kind = DD_EVT_ENUM, .off = OFF(dd_ev_dep_root, state),
	  .max = DD_EV_RSTATE_COUNT, .name_of = rstate_of,
	  .doc = "the walk reached an answer or NODATA (`ok`), `nxdomain`, or `failed`" },
	{ .key = "message", .kind = DD_EVT_STR, .off = OFF(dd_ev_dep_root, message),
	  .doc = "why the walk failed" },
};
static const struct dd_evt_table root_table = {
	"DEP_ROOT", sizeof(struct dd_ev_dep_root), root_fields,
						NFIELDS(root_fields), 0, -1 };

static const struct dd_evt_field glue_fields[] = {
	{ .key = "name", .kind = DD_EVT_STR, .off = OFF(dd_ev_glue, name), .flags = DD_EVT_REQ,
	  .doc = "NS name the glue belongs to" },
	{ .key = "address", .kind = DD_EVT_STR, .off = OFF(dd_ev_glue, address),
	  .flags = DD_EVT_REQ,
	  .doc = "its address, as the parent gave it with the referral" },
};
static const struct dd_evt_table glue_table = { "DEP_GLUE", sizeof(struct dd_ev_glue), glue_fields,
						NFIELDS(glue_fields), 0, 1 };

static const struct dd_evt_field zone_fields[] = {
	{ .key = "name", .kind = DD_EVT_STR, .off = OFF(dd_ev_dep_zone, name), .flags = DD_EVT_REQ,
	  .doc = "a zone on some name's way from the root" },
	{ .key = "parent", .kind = DD_EVT_STR, .off = OFF(dd_ev_dep_zone, parent),
	  .doc = "the zone that delegates it; null for the root" },
	{ .key = "depth", .kind = DD_EVT_INT, .off = OFF(dd_ev_dep_zone, depth), .max = 1000,
	  .doc = "0: on a root's own way; n: reached through n NS names" },
	{ .key = "ns", .kind = DD_EVT_STRLIST, .off = OFF(dd_ev_dep_zone, ns),
	  .max = DD_EV_MAX_ITEMS,
	  .doc = "NS names: the parent's referral, plus the zone's own answer" },
	{ .key = "glue", .kind = DD_EVT_LIST, .off = OFF(dd_ev_dep_zone, glue),
	  .max = DD_EV_MAX_ITEMS, .sub = &glue_table, .n_off = OFF(dd_ev_dep_zone, nglue),
	  .cap_off = OFF(dd_ev_dep_zone, glue_cap),
	  .doc = "glue the parent gave with the referral" },
};
static const struct dd_evt_table zone_table = {
	"DEP_ZONE", sizeof(struct dd_ev_dep_zone), zone_fields,
						NFIELDS(zone_fields), 0, -1 };

static const struct dd_evt_field host_fields[] = {
	{ .key = "name", .kind = DD_EVT_STR, .off = OFF(dd_ev_dep_host, name), .flags = DD_EVT_REQ,
	  .doc = "an NS name of some zone of the graph" },
	{ .key = "zone", .kind = DD_EVT_STR, .off = OFF(dd_ev_dep_host, zone),
	  .doc = "the zone that answered for it (also the one that said NXDOMAIN); null when not "
		  "walked" },
	{ .key = "state", .kind = DD_EVT_ENUM, .off = OFF(dd_ev_dep_host, state),
	  .max = DD_EV_RSTATE_COUNT, .name_of = rstate_of,
	  .doc = "its address lookup" },
	{ .key = "addresses", .kind = DD_EVT_STRLIST, .off = OFF(dd_ev_dep_host, addrs),
	  .max = DD_EV_MAX_ITEMS,
	  .doc = "its IPv4 and IPv6 addresses" },
	{ .key = "depth", .kind = DD_EVT_INT, .off = OFF(dd_ev_dep_host, depth), .max = 1000,
	  .doc = "NS names between a root and this one (1: a root's own NS)" },
	{ .key = "followed", .kind = DD_EVT_BOOL, .off = OFF(dd_ev_dep_host, followed),
	  .doc = "its way from the root was walked (within the depth bound)" },
	{ .key = "walk_shared", .kind = DD_EVT_BOOL, .off = OFF(dd_ev_dep_host, walk_shared),
	  .flags = DD_EVT_TRUEONLY,
	  .doc = "saved only when true: that walk was made for another domain of the same run "
		  "(`check a b`, an audit) and reused while its lowest TTL lasts, at most 300 s; its "
		  "exchanges are in that domain's evidence" },
	{ .key = "message", .kind = DD_EVT_STR, .off = OFF(dd_ev_dep_host, message),
	  .doc = "why the lookup or the walk failed" },
};
static const struct dd_evt_table host_table = {
	"DEP_HOST", sizeof(struct dd_ev_dep_host), host_fields,
						NFIELDS(host_fields), 0, -1 };

static const struct dd_evt_field addr_fields[] = {
	{ .key = "address", .kind = DD_EVT_STR, .off = OFF(dd_ev_dep_addr, address),
	  .flags = DD_EVT_REQ,
	  .doc = "an address of some NS name" },
	{ .key = "asn", .kind = DD_EVT_I64, .off = OFF(dd_ev_dep_addr, asn),
	  .flags = DD_EVT_NULLNEG, .max = 4294967295LL, .dflt = -1,
	  .doc = "its origin AS; null: unknown" },
	{ .key = "prefix", .kind = DD_EVT_STR, .off = OFF(dd_ev_dep_addr, prefix),
	  .doc = "the announced prefix the source gave" },
	{ .key = "detail", .kind = DD_EVT_STR, .off = OFF(dd_ev_dep_addr, detail),
	  .doc = "what the source said, or why nothing is known" },
};
static const struct dd_evt_table addr_table = {
	"DEP_ADDRESS", sizeof(struct dd_ev_dep_addr), addr_fields,
						NFIELDS(addr_fields), 0, -1 };

static const char *const reg_results[] = { "found", "not-found", "rdap-error", "other-object",
					   "unavailable", NULL };

static const struct dd_evt_field reg_fields[] = {
	{ .key = "domain", .kind = DD_EVT_STR, .off = OFF(dd_ev_dep_reg, domain),
	  .flags = DD_EVT_REQ,
	  .doc = "a registrable domain (`dnsprov.test`)" },
	{ .key = "result", .kind = DD_EVT_WORD, .off = OFF(dd_ev_dep_reg, result),
	  .flags = DD_EVT_REQ, .words = reg_results,
	  .doc = "what the look-up came to" },
	{ .key = "reason", .kind = DD_EVT_STR, .off = OFF(dd_ev_dep_reg, reason),
	  .doc = "`unavailable`: why (`timeout: ...`)" },
	{ .key = "source", .kind = DD_EVT_STR, .off = OFF(dd_ev_dep_reg, source),
	  .doc = "where the record came from" },
	{ .key = "registrar", .kind = DD_EVT_STR, .off = OFF(dd_ev_dep_reg, registrar),
	  .doc = "the registrar's name, null when not stated" },
	{ .key = "registrar_id", .kind = DD_EVT_STR, .off = OFF(dd_ev_dep_reg, registrar_id),
	  .doc = "its IANA id" },
	{ .key = "expires", .kind = DD_EVT_TIME, .off = OFF(dd_ev_dep_reg, expires), .dflt = -1,
	  .doc = "registry expiry; null: unknown" },
	{ .key = "statuses", .kind = DD_EVT_STRLIST, .off = OFF(dd_ev_dep_reg, statuses),
	  .max = DD_EV_MAX_ITEMS,
	  .doc = "EPP codes, or the registry's words verbatim" },
	{ .key = "transfer_lock", .kind = DD_EVT_TRI, .off = OFF(dd_ev_dep_reg, transfer_lock),
	  .dflt = -1,
	  .doc = "null: unknown" },
};
static const struct dd_evt_table reg_table = {
	"DEP_REGISTRATION", sizeof(struct dd_ev_dep_reg), reg_fields,
					       NFIELDS(reg_fields), 0, -1 };

static const struct dd_evt_field deps_fields[] = {
	{ .key = "present", .kind = DD_EVT_PRESENT, .off = OFF(dd_ev_deps, present) },
	{ .key = "max_depth", .kind = DD_EVT_INT, .off = OFF(dd_ev_deps, max_depth), .max = 1000,
	  .doc = "NS names followed from a root, at most" },
	{ .key = "truncated", .kind = DD_EVT_BOOL, .off = OFF(dd_ev_deps, truncated),
	  .doc = "a bound cut the graph short" },
	{ .key = "registration", .kind = DD_EVT_BOOL, .off = OFF(dd_ev_deps, registration),
	  .doc = "registration data was looked up" },
	{ .key = "asn_source", .kind = DD_EVT_STR, .off = OFF(dd_ev_deps, asn_source),
	  .doc = "`\"zone ZONE\"`, `\"mmdb PATH\"`, or null: origin AS not looked up" },
	{ .key = "roots", .kind = DD_EVT_LIST, .off = OFF(dd_ev_deps, roots), .max = DD_EV_MAX_ITEMS,
	  .sub = &root_table, .n_off = OFF(dd_ev_deps, nroots), .cap_off = OFF(dd_ev_deps, roots_cap),
	  .doc = "the names the dependencies were gathered for" },
	{ .key = "zones", .kind = DD_EVT_LIST, .off = OFF(dd_ev_deps, zones), .max = DD_EV_MAX_ITEMS,
	  .sub = &zone_table, .n_off = OFF(dd_ev_deps, nzones), .cap_off = OFF(dd_ev_deps, zones_cap),
	  .doc = "the zones on their ways from the root" },
	{ .key = "hosts", .kind = DD_EVT_LIST, .off = OFF(dd_ev_deps, hosts), .max = DD_EV_MAX_ITEMS,
	  .sub = &host_table, .n_off = OFF(dd_ev_deps, nhosts), .cap_off = OFF(dd_ev_deps, hosts_cap),
	  .doc = "the NS names of those zones" },
	{ .key = "addresses", .kind = DD_EVT_LIST, .off = OFF(dd_ev_deps, addrs), .max = DD_EV_MAX_ITEMS,
	  .sub = &addr_table, .n_off = OFF(dd_ev_deps, naddrs), .cap_off = OFF(dd_ev_deps, addrs_cap),
	  .doc = "the addresses of those NS names, with their origin AS" },
	{ .key = "registrations", .kind = DD_EVT_LIST, .off = OFF(dd_ev_deps, regs),
	  .max = DD_EV_MAX_ITEMS,
	  .sub = &reg_table, .n_off = OFF(dd_ev_deps, nregs), .cap_off = OFF(dd_ev_deps, regs_cap),
	  .doc = "registrations of the registrable domains" },
};
const struct dd_evt_table dd_ev_deps_table = {
	"dependencies", sizeof(struct dd_ev_deps), deps_fields, NFIELDS(deps_fields), -1, -1,
	NULL, NULL
};
