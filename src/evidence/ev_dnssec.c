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
#include "evidence/ev_table.h"
#include "evidence/evidence.h"

/* ------------------------------------------------------------ appenders */

static void rrset_init(struct dd_ev_sec_rrset *r)
{
	/* Not memset: GCC 12's -Warray-bounds misjudges it once the array
	 * grows in another file (the ASan build fails). */
	*r = (struct dd_ev_sec_rrset){ 0 };
	dd_ev_response_init(&r->r);
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

/* ------------------------------------------------------- the JSON form */

/* The section's records, field by field (ev_table.h): saved, loaded and
 * checked from these tables alone. */

#define OFF(type, member) offsetof(struct type, member)
#define NFIELDS(a) (sizeof(a) / sizeof(a[0]))

/* An RRSET inside a server entry: the entry says where it came from. */
static const struct dd_evt_field rrset_fields[] = {
	{ .key = "response", .kind = DD_EVT_EMBED, .off = OFF(dd_ev_sec_rrset, r),
	  .sub = &dd_ev_response_table, .doc = "what the question came to" },
	{ .key = "records", .kind = DD_EVT_STRLIST, .off = OFF(dd_ev_sec_rrset, records),
	  .max = DD_EV_MAX_ITEMS, .doc = "the records with their RRSIGs, presentation format" },
};
static const struct dd_evt_table rrset_table = { "RRSET", sizeof(struct dd_ev_sec_rrset),
						 rrset_fields, NFIELDS(rrset_fields), -1, -1,
						 NULL };

/* An RRSET of a zone of the chain, which says which server answered. */
static const struct dd_evt_field zone_rrset_fields[] = {
	{ .key = "server", .kind = DD_EVT_STR, .off = OFF(dd_ev_sec_rrset, server),
	  .doc = "the server asked" },
	{ .key = "address", .kind = DD_EVT_STR, .off = OFF(dd_ev_sec_rrset, address),
	  .doc = "its address" },
	{ .key = "response", .kind = DD_EVT_EMBED, .off = OFF(dd_ev_sec_rrset, r),
	  .sub = &dd_ev_response_table, .doc = "what the question came to" },
	{ .key = "records", .kind = DD_EVT_STRLIST, .off = OFF(dd_ev_sec_rrset, records),
	  .max = DD_EV_MAX_ITEMS, .doc = "the records with their RRSIGs, presentation format" },
};
static const struct dd_evt_table zone_rrset_table = {
	"ZONE_RRSET", sizeof(struct dd_ev_sec_rrset), zone_rrset_fields,
	NFIELDS(zone_rrset_fields), -1, -1, NULL
};

static const struct dd_evt_field zone_fields[] = {
	{ .key = "zone", .kind = DD_EVT_STR, .off = OFF(dd_ev_sec_zone, zone), .flags = DD_EVT_REQ,
	  .doc = "a zone of the chain: `.` first, the parent zone last" },
	{ .key = "dnskey", .kind = DD_EVT_OBJECT, .off = OFF(dd_ev_sec_zone, dnskey),
	  .sub = &zone_rrset_table, .doc = "ZONE DNSKEY? from one of its servers" },
	{ .key = "ds", .kind = DD_EVT_OBJECT, .off = OFF(dd_ev_sec_zone, ds),
	  .sub = &zone_rrset_table,
	  .doc = "ZONE DS? from a server of the zone above; skipped at the root" },
};
static const struct dd_evt_table zone_table = { "DNSSEC_ZONE", sizeof(struct dd_ev_sec_zone),
						zone_fields, NFIELDS(zone_fields), -1, -1, NULL };

static const struct dd_evt_field parent_fields[] = {
	{ .key = "name", .kind = DD_EVT_STR, .off = OFF(dd_ev_sec_parent, name),
	  .flags = DD_EVT_REQ, .doc = "a parent server" },
	{ .key = "address", .kind = DD_EVT_STR, .off = OFF(dd_ev_sec_parent, address),
	  .doc = "its address" },
	{ .key = "rrsigs", .kind = DD_EVT_STRLIST, .off = OFF(dd_ev_sec_parent, rrsigs),
	  .max = DD_EV_MAX_ITEMS, .doc = "the RRSIGs over the domain's DS set it gave" },
};
static const struct dd_evt_table parent_table = {
	"DNSSEC_PARENT", sizeof(struct dd_ev_sec_parent), parent_fields, NFIELDS(parent_fields),
	0, 1, "is listed twice (with this address)"
};

static const struct dd_evt_field server_fields[] = {
	{ .key = "name", .kind = DD_EVT_STR, .off = OFF(dd_ev_sec_server, name),
	  .flags = DD_EVT_REQ, .doc = "a nameserver of the domain" },
	{ .key = "address", .kind = DD_EVT_STR, .off = OFF(dd_ev_sec_server, address),
	  .flags = DD_EVT_REQ, .doc = "one of its addresses" },
	{ .key = "dnskey_udp", .kind = DD_EVT_OBJECT, .off = OFF(dd_ev_sec_server, dnskey_udp),
	  .sub = &rrset_table, .doc = "DOMAIN DNSKEY? over UDP" },
	{ .key = "dnskey_tcp", .kind = DD_EVT_OBJECT, .off = OFF(dd_ev_sec_server, dnskey_tcp),
	  .sub = &rrset_table, .doc = "DOMAIN DNSKEY? over TCP" },
	{ .key = "soa", .kind = DD_EVT_OBJECT, .off = OFF(dd_ev_sec_server, soa),
	  .sub = &rrset_table, .doc = "DOMAIN SOA?, with its RRSIGs" },
	{ .key = "ns", .kind = DD_EVT_OBJECT, .off = OFF(dd_ev_sec_server, ns),
	  .sub = &rrset_table, .doc = "DOMAIN NS?" },
	{ .key = "cds", .kind = DD_EVT_OBJECT, .off = OFF(dd_ev_sec_server, cds),
	  .sub = &rrset_table, .doc = "DOMAIN CDS? (RFC 7344)" },
	{ .key = "cdnskey", .kind = DD_EVT_OBJECT, .off = OFF(dd_ev_sec_server, cdnskey),
	  .sub = &rrset_table, .doc = "DOMAIN CDNSKEY?" },
};
static const struct dd_evt_table server_table = {
	"DNSSEC_SERVER", sizeof(struct dd_ev_sec_server), server_fields, NFIELDS(server_fields),
	0, 1, "is listed twice (with this address)"
};

/* The trust anchor: members of the section's own struct, in an object. */
static const struct dd_evt_field anchor_fields[] = {
	{ .key = "source", .kind = DD_EVT_STR, .off = OFF(dd_ev_dnssec, anchor_source),
	  .doc = "where the trust anchor came from (`\"built-in root KSKs 20326 and 38696 "
		 "(...)\"`, `\"file PATH\"`)" },
	{ .key = "records", .kind = DD_EVT_STRLIST, .off = OFF(dd_ev_dnssec, anchor),
	  .max = DD_EV_MAX_ITEMS, .doc = "DS or DNSKEY records, presentation format" },
};
static const struct dd_evt_table anchor_table = { "DNSSEC_ANCHOR", sizeof(struct dd_ev_dnssec),
						  anchor_fields, NFIELDS(anchor_fields), -1, -1,
						  NULL };

static const struct dd_evt_field sec_fields[] = {
	{ .key = "present", .kind = DD_EVT_PRESENT, .off = OFF(dd_ev_dnssec, present) },
	{ .key = "anchor", .kind = DD_EVT_OBJECT, .off = 0, .sub = &anchor_table,
	  .doc = "the trust anchor the chain was judged from" },
	{ .key = "zones", .kind = DD_EVT_LIST, .off = OFF(dd_ev_dnssec, zones),
	  .max = DD_EV_MAX_ITEMS, .sub = &zone_table, .n_off = OFF(dd_ev_dnssec, nzones),
	  .cap_off = OFF(dd_ev_dnssec, zones_cap),
	  .doc = "DNSKEY and DS of every zone of the chain" },
	{ .key = "parent", .kind = DD_EVT_LIST, .off = OFF(dd_ev_dnssec, parent),
	  .max = DD_EV_MAX_ITEMS, .sub = &parent_table, .n_off = OFF(dd_ev_dnssec, nparent),
	  .cap_off = OFF(dd_ev_dnssec, parent_cap),
	  .doc = "the RRSIGs over the domain's DS set, per parent server address" },
	{ .key = "servers", .kind = DD_EVT_LIST, .off = OFF(dd_ev_dnssec, servers),
	  .max = DD_EV_MAX_ITEMS, .sub = &server_table, .n_off = OFF(dd_ev_dnssec, nservers),
	  .cap_off = OFF(dd_ev_dnssec, servers_cap),
	  .doc = "what every address of every nameserver of the domain serves" },
};
const struct dd_evt_table dd_ev_sec_table = { "dnssec", sizeof(struct dd_ev_dnssec), sec_fields,
					      NFIELDS(sec_fields), -1, -1, NULL };
