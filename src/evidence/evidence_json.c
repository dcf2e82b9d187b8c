/* evidence_json.c: the evidence record as a JSON document (schema
 * "dnsdeps.evidence/1", docs/evidence.md). Saving never fails on odd bytes:
 * a string that is not valid UTF-8 is saved in its escaped form. Loading
 * treats the document as untrusted: every member is type-checked, every enum
 * value and index range-checked, every list bounded, and the first problem is
 * reported with its place ("parent.servers[2].delegation.state: ...").
 * The helpers it shares with the section files are in ev_json_util.c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/env.h"
#include "core/err.h"
#include "evidence/ev_int.h"
#include "evidence/ev_json_int.h"
#include "evidence/ev_table.h"
#include "evidence/evidence.h"

/* ---------------------------------------------------------------- tables */

/* The document's records, field by field (ev_table.h): saved, loaded,
 * checked and freed from these tables (the sections dnssec, dependencies
 * and registration have theirs in their own files). */

#define OFF(type, member) offsetof(struct type, member)
#define NFIELDS(a) (sizeof(a) / sizeof(a[0]))

static const char *result_of(int i)
{
	return dd_ev_result_name((enum dd_ev_result)i);
}

static const char *proto_of(int i)
{
	return dd_ev_proto_name((enum dd_ev_proto)i);
}

static const char *rstate_of(int i)
{
	return dd_ev_rstate_name((enum dd_ev_rstate)i);
}

static const struct dd_evt_field options_fields[] = {
	{ .key = "ipv4", .kind = DD_EVT_BOOL, .off = OFF(dd_ev_options, ipv4), .dflt = 1,
	  .doc = "IPv4 servers asked" },
	{ .key = "ipv6", .kind = DD_EVT_BOOL, .off = OFF(dd_ev_options, ipv6), .dflt = 1,
	  .doc = "IPv6 servers asked" },
	{ .key = "timeout_ms", .kind = DD_EVT_INT, .off = OFF(dd_ev_options, timeout_ms),
	  .flags = DD_EVT_KEEP, .min = 1, .max = 3600000, .dflt = 1500,
	  .doc = "the time one question may take, its retries included" },
	{ .key = "retries", .kind = DD_EVT_INT, .off = OFF(dd_ev_options, retries),
	  .flags = DD_EVT_KEEP, .max = 100, .dflt = 2,
	  .doc = "further UDP sends within that time, evenly spaced, at least 200 ms apart" },
};
static const struct dd_evt_table options_table = { "OPTIONS", sizeof(struct dd_ev_options),
						   options_fields, NFIELDS(options_fields), -1,
						   -1, NULL };

static const struct dd_evt_field step_server_fields[] = {
	{ .key = "name", .kind = DD_EVT_STR, .off = OFF(dd_ev_step_server, name),
	  .flags = DD_EVT_REQ, .doc = "server name (`\"a.root-servers.net.\"`)" },
	{ .key = "address", .kind = DD_EVT_STR, .off = OFF(dd_ev_step_server, address),
	  .doc = "address asked" },
	{ .key = "protocol", .kind = DD_EVT_ENUM, .off = OFF(dd_ev_step_server, protocol),
	  .max = 2, .name_of = proto_of, .doc = "transport of the deciding exchange" },
	{ .key = "response", .kind = DD_EVT_EMBED, .off = OFF(dd_ev_step_server, r),
	  .sub = &dd_ev_response_table, .doc = "what it said" },
	{ .key = "referral", .kind = DD_EVT_STR, .off = OFF(dd_ev_step_server, referral),
	  .doc = "zone it referred to (`\"sm.\"`)" },
};
static const struct dd_evt_table step_server_table = {
	"STEP_SERVER", sizeof(struct dd_ev_step_server), step_server_fields,
	NFIELDS(step_server_fields), -1, -1, NULL
};

static const struct dd_evt_field step_fields[] = {
	{ .key = "zone", .kind = DD_EVT_STR, .off = OFF(dd_ev_step, zone), .flags = DD_EVT_REQ,
	  .doc = "`.` first, then `sm.`, ..." },
	{ .key = "servers", .kind = DD_EVT_LIST, .off = OFF(dd_ev_step, servers),
	  .max = DD_EV_MAX_ITEMS, .sub = &step_server_table, .n_off = OFF(dd_ev_step, nservers),
	  .cap_off = OFF(dd_ev_step, cap), .doc = "the servers asked there" },
};
static const struct dd_evt_table step_table = { "STEP", sizeof(struct dd_ev_step), step_fields,
						NFIELDS(step_fields), -1, -1, NULL };

static const struct dd_evt_field glue_fields[] = {
	{ .key = "name", .kind = DD_EVT_STR, .off = OFF(dd_ev_glue, name), .flags = DD_EVT_REQ,
	  .doc = "NS name the glue belongs to" },
	{ .key = "address", .kind = DD_EVT_STR, .off = OFF(dd_ev_glue, address),
	  .flags = DD_EVT_REQ, .doc = "IPv4 or IPv6 address" },
	{ .key = "ttl", .kind = DD_EVT_I64, .off = OFF(dd_ev_glue, ttl), .flags = DD_EVT_NULLNEG,
	  .max = UINT32_MAX, .dflt = -1, .doc = "TTL of the A/AAAA record" },
};
static const struct dd_evt_table glue_table = { "GLUE", sizeof(struct dd_ev_glue), glue_fields,
						NFIELDS(glue_fields), -1, -1, NULL };

static const struct dd_evt_field delegation_fields[] = {
	{ .key = "response", .kind = DD_EVT_EMBED, .off = OFF(dd_ev_delegation, r),
	  .sub = &dd_ev_response_table, .doc = "the reply to DOMAIN NS?" },
	{ .key = "ns", .kind = DD_EVT_STRLIST, .off = OFF(dd_ev_delegation, ns),
	  .max = DD_EV_MAX_ITEMS, .doc = "NS names of the referral (or answer)" },
	{ .key = "ns_ttl", .kind = DD_EVT_I64, .off = OFF(dd_ev_delegation, ns_ttl),
	  .flags = DD_EVT_NULLNEG, .max = UINT32_MAX, .dflt = -1, .doc = "TTL of that NS RRset" },
	{ .key = "glue", .kind = DD_EVT_LIST, .off = OFF(dd_ev_delegation, glue),
	  .max = DD_EV_MAX_ITEMS, .sub = &glue_table, .n_off = OFF(dd_ev_delegation, nglue),
	  .cap_off = OFF(dd_ev_delegation, glue_cap),
	  .doc = "glue records from the additional section" },
};
static const struct dd_evt_table delegation_table = {
	"DELEGATION", sizeof(struct dd_ev_delegation), delegation_fields,
	NFIELDS(delegation_fields), -1, -1, NULL
};

static const struct dd_evt_field ds_fields[] = {
	{ .key = "response", .kind = DD_EVT_EMBED, .off = OFF(dd_ev_ds, r),
	  .sub = &dd_ev_response_table, .doc = "the reply to DOMAIN DS?" },
	{ .key = "records", .kind = DD_EVT_STRLIST, .off = OFF(dd_ev_ds, records),
	  .max = DD_EV_MAX_ITEMS, .doc = "DS records in presentation format" },
	{ .key = "ttl", .kind = DD_EVT_I64, .off = OFF(dd_ev_ds, ttl), .flags = DD_EVT_NULLNEG,
	  .max = UINT32_MAX, .dflt = -1, .doc = "TTL of the DS RRset" },
};
static const struct dd_evt_table ds_table = { "DS", sizeof(struct dd_ev_ds), ds_fields,
					      NFIELDS(ds_fields), -1, -1, NULL };

static const struct dd_evt_field parent_server_fields[] = {
	{ .key = "name", .kind = DD_EVT_STR, .off = OFF(dd_ev_parent_server, name),
	  .flags = DD_EVT_REQ, .doc = "a server of the parent zone (`\"a.nic.sm.\"`)" },
	{ .key = "address", .kind = DD_EVT_STR, .off = OFF(dd_ev_parent_server, address),
	  .doc = "the address asked; null: a name without a usable address (`NO_ADDRESSES`)" },
	{ .key = "delegation", .kind = DD_EVT_OBJECT, .off = OFF(dd_ev_parent_server, delegation),
	  .sub = &delegation_table, .doc = "its reply to DOMAIN NS? (absent: `skipped`)" },
	{ .key = "ds", .kind = DD_EVT_OBJECT, .off = OFF(dd_ev_parent_server, ds), .sub = &ds_table,
	  .doc = "its reply to DOMAIN DS? (absent: `skipped`)" },
};
static const struct dd_evt_table parent_server_table = {
	"PARENT_SERVER", sizeof(struct dd_ev_parent_server), parent_server_fields,
	NFIELDS(parent_server_fields), -1, -1, NULL
};

/* The parent's error: members of the parent's own struct, in an object. */
static const struct dd_evt_field parent_error_fields[] = {
	{ .key = "code", .kind = DD_EVT_STR, .off = OFF(dd_ev_parent, error_code),
	  .flags = DD_EVT_REQ,
	  .doc = "the walk's own codes (`ALL_SERVERS_FAILED`, `NO_ADDRESSES`, `REFERRAL_LOOP`, "
		 "`CNAME_LOOP`, `CNAME_CHAIN_TOO_LONG`, `DEPTH_LIMIT`, `QUERY_LIMIT`), "
		 "`NO_PARENT` (no zone cut above the domain), `LIMIT` (a bound was reached)" },
	{ .key = "message", .kind = DD_EVT_STR, .off = OFF(dd_ev_parent, error_message),
	  .doc = "that in words" },
};
static const struct dd_evt_table parent_error_table = {
	"PARENT_ERROR", sizeof(struct dd_ev_parent), parent_error_fields,
	NFIELDS(parent_error_fields), -1, -1, NULL
};

static const struct dd_evt_field parent_fields[] = {
	{ .key = "zone", .kind = DD_EVT_STR, .off = OFF(dd_ev_parent, zone),
	  .doc = "the parent zone (`\"sm.\"`); null when the walk did not find it" },
	{ .key = "error", .kind = DD_EVT_OBJECT, .off = 0, .flags = DD_EVT_NULLABLE,
	  .sub = &parent_error_table, .doc = "why the parent could not be examined; null when it could" },
	{ .key = "servers", .kind = DD_EVT_LIST, .off = OFF(dd_ev_parent, servers),
	  .max = DD_EV_MAX_ITEMS, .sub = &parent_server_table, .n_off = OFF(dd_ev_parent, nservers),
	  .cap_off = OFF(dd_ev_parent, cap),
	  .doc = "one entry per address of each parent server" },
};
static const struct dd_evt_table parent_table = { "PARENT", sizeof(struct dd_ev_parent),
						  parent_fields, NFIELDS(parent_fields), -1, -1,
						  NULL };

static const struct dd_evt_field resolution_fields[] = {
	{ .key = "state", .kind = DD_EVT_ENUM, .off = OFF(dd_ev_resolution, state),
	  .flags = DD_EVT_REQ, .max = DD_EV_RSTATE_COUNT, .name_of = rstate_of,
	  .doc = "how the name's addresses resolved" },
	{ .key = "a", .kind = DD_EVT_STRLIST, .off = OFF(dd_ev_resolution, a),
	  .max = DD_EV_MAX_ITEMS, .doc = "IPv4 addresses" },
	{ .key = "aaaa", .kind = DD_EVT_STRLIST, .off = OFF(dd_ev_resolution, aaaa),
	  .max = DD_EV_MAX_ITEMS, .doc = "IPv6 addresses" },
	{ .key = "ttl", .kind = DD_EVT_I64, .off = OFF(dd_ev_resolution, ttl),
	  .flags = DD_EVT_NULLNEG, .max = UINT32_MAX, .dflt = -1,
	  .doc = "smallest TTL of the address RRsets" },
	{ .key = "cname", .kind = DD_EVT_STR, .off = OFF(dd_ev_resolution, cname),
	  .doc = "CNAME target when the name is an alias" },
	{ .key = "message", .kind = DD_EVT_STR, .off = OFF(dd_ev_resolution, message),
	  .doc = "why it failed" },
};
const struct dd_evt_table dd_ev_resolution_table = {
	"RESOLUTION", sizeof(struct dd_ev_resolution), resolution_fields,
	NFIELDS(resolution_fields), -1, -1, NULL
};

static const struct dd_evt_field soa_fields[] = {
	{ .key = "response", .kind = DD_EVT_EMBED, .off = OFF(dd_ev_soa, r),
	  .sub = &dd_ev_response_table, .doc = "the reply" },
	{ .key = "serial", .kind = DD_EVT_I64, .off = OFF(dd_ev_soa, serial),
	  .flags = DD_EVT_NULLNEG, .max = UINT32_MAX, .dflt = -1,
	  .doc = "SOA serial; null when no SOA came back" },
};
static const struct dd_evt_table soa_table = { "SOA", sizeof(struct dd_ev_soa), soa_fields,
					       NFIELDS(soa_fields), -1, -1, NULL };

static const struct dd_evt_field nsset_fields[] = {
	{ .key = "response", .kind = DD_EVT_EMBED, .off = OFF(dd_ev_nsset, r),
	  .sub = &dd_ev_response_table, .doc = "the reply" },
	{ .key = "ns", .kind = DD_EVT_STRLIST, .off = OFF(dd_ev_nsset, ns), .max = DD_EV_MAX_ITEMS,
	  .doc = "NS names in the answer" },
	{ .key = "ttl", .kind = DD_EVT_I64, .off = OFF(dd_ev_nsset, ttl), .flags = DD_EVT_NULLNEG,
	  .max = UINT32_MAX, .dflt = -1, .doc = "TTL of the NS RRset" },
};
static const struct dd_evt_table nsset_table = { "NSSET", sizeof(struct dd_ev_nsset),
						 nsset_fields, NFIELDS(nsset_fields), -1, -1,
						 NULL };

static const struct dd_evt_field ednsprobe_fields[] = {
	{ .key = "response", .kind = DD_EVT_EMBED, .off = OFF(dd_ev_ednsprobe, r),
	  .sub = &dd_ev_response_table, .doc = "the reply" },
	{ .key = "edns_version", .kind = DD_EVT_INT, .off = OFF(dd_ev_ednsprobe, edns_version),
	  .flags = DD_EVT_NULLNEG, .max = 255, .dflt = -1,
	  .doc = "EDNS version of the reply's OPT record; null when no OPT" },
};
static const struct dd_evt_table ednsprobe_table = {
	"EDNS_PROBE", sizeof(struct dd_ev_ednsprobe), ednsprobe_fields, NFIELDS(ednsprobe_fields),
	-1, -1, NULL
};

static const struct dd_evt_field ns_server_fields[] = {
	{ .key = "address", .kind = DD_EVT_STR, .off = OFF(dd_ev_ns_server, address),
	  .flags = DD_EVT_REQ, .doc = "an address of the name" },
	{ .key = "soa_udp", .kind = DD_EVT_OBJECT, .off = OFF(dd_ev_ns_server, soa_udp),
	  .sub = &soa_table, .doc = "DOMAIN SOA? over UDP" },
	{ .key = "soa_tcp", .kind = DD_EVT_OBJECT, .off = OFF(dd_ev_ns_server, soa_tcp),
	  .sub = &soa_table, .doc = "DOMAIN SOA? over TCP" },
	{ .key = "ns_udp", .kind = DD_EVT_OBJECT, .off = OFF(dd_ev_ns_server, ns_udp),
	  .sub = &nsset_table, .doc = "DOMAIN NS? over UDP" },
	{ .key = "edns", .kind = DD_EVT_OBJECT, .off = OFF(dd_ev_ns_server, edns),
	  .sub = &ednsprobe_table,
	  .doc = "DOMAIN SOA? with EDNS version 1: a correct server answers BADVERS with an OPT "
		 "of version 0 (RFC 6891 6.1.3)" },
};
static const struct dd_evt_table ns_server_table = {
	"NS_SERVER", sizeof(struct dd_ev_ns_server), ns_server_fields, NFIELDS(ns_server_fields),
	0, -1, "is listed twice for this name"
};

static const struct dd_evt_field nameserver_fields[] = {
	{ .key = "name", .kind = DD_EVT_STR, .off = OFF(dd_ev_nameserver, name),
	  .flags = DD_EVT_REQ, .doc = "NS name" },
	{ .key = "in_parent", .kind = DD_EVT_BOOL, .off = OFF(dd_ev_nameserver, in_parent),
	  .doc = "listed by at least one parent server" },
	{ .key = "in_child", .kind = DD_EVT_BOOL, .off = OFF(dd_ev_nameserver, in_child),
	  .doc = "listed in an NS answer of at least one of the domain's own servers" },
	{ .key = "in_bailiwick", .kind = DD_EVT_BOOL, .off = OFF(dd_ev_nameserver, in_bailiwick),
	  .doc = "the name lies inside the domain (it needs glue)" },
	{ .key = "glue", .kind = DD_EVT_STRLIST, .off = OFF(dd_ev_nameserver, glue),
	  .max = DD_EV_MAX_ITEMS, .doc = "union of the glue addresses seen at the parent" },
	{ .key = "resolution", .kind = DD_EVT_OBJECT, .off = OFF(dd_ev_nameserver, resolution),
	  .sub = &dd_ev_resolution_table, .doc = "its addresses, from its own authoritative servers" },
	{ .key = "servers", .kind = DD_EVT_LIST, .off = OFF(dd_ev_nameserver, servers),
	  .max = DD_EV_MAX_ITEMS, .sub = &ns_server_table,
	  .n_off = OFF(dd_ev_nameserver, nservers), .cap_off = OFF(dd_ev_nameserver, cap),
	  .doc = "one entry per address probed" },
};
static const struct dd_evt_table nameserver_table = {
	"NAMESERVER", sizeof(struct dd_ev_nameserver), nameserver_fields,
	NFIELDS(nameserver_fields), 0, -1, "is listed twice"
};

static const struct dd_evt_field edns_fields[] = {
	{ .key = "present", .kind = DD_EVT_PRESENT, .off = OFF(dd_ev_edns, present) },
	{ .key = "udp_size", .kind = DD_EVT_INT, .off = OFF(dd_ev_edns, udp_size), .max = 65535,
	  .doc = "advertised UDP payload size" },
	{ .key = "do", .kind = DD_EVT_BOOL, .off = OFF(dd_ev_edns, do_bit), .doc = "DO flag" },
	{ .key = "version", .kind = DD_EVT_INT, .off = OFF(dd_ev_edns, version), .max = 255,
	  .doc = "EDNS version" },
};
static const struct dd_evt_table edns_table = { "EDNS", sizeof(struct dd_ev_edns), edns_fields,
						NFIELDS(edns_fields), -1, -1, NULL };

static const char *const flag_names[] = { "qr", "aa", "tc", "rd", "ra", "ad", "cd", NULL };
static const char *const section_names[] = { "answer", "authority", "additional", NULL };

static const struct dd_evt_field exchange_fields[] = {
	{ .key = "id", .kind = DD_EVT_ID, .off = OFF(dd_ev_exchange, id), .flags = DD_EVT_REQ,
	  .max = DD_EV_MAX_EXCHANGES, .doc = "its position in `exchanges`" },
	{ .key = "server", .kind = DD_EVT_STR, .off = OFF(dd_ev_exchange, server),
	  .doc = "server name when known" },
	{ .key = "address", .kind = DD_EVT_STR, .off = OFF(dd_ev_exchange, address),
	  .flags = DD_EVT_REQ, .doc = "server address" },
	{ .key = "port", .kind = DD_EVT_INT, .off = OFF(dd_ev_exchange, port), .min = 1,
	  .max = 65535, .dflt = 53, .doc = "server port" },
	{ .key = "protocol", .kind = DD_EVT_ENUM, .off = OFF(dd_ev_exchange, protocol), .max = 2,
	  .name_of = proto_of, .doc = "transport" },
	{ .key = "qname", .kind = DD_EVT_STR, .off = OFF(dd_ev_exchange, qname),
	  .flags = DD_EVT_REQ, .doc = "question name" },
	{ .key = "qtype", .kind = DD_EVT_STR, .off = OFF(dd_ev_exchange, qtype),
	  .flags = DD_EVT_REQ, .doc = "question type mnemonic (`\"NS\"`, `\"TYPE65\"`)" },
	{ .key = "query_edns", .kind = DD_EVT_OBJECT, .off = OFF(dd_ev_exchange, query_edns),
	  .flags = DD_EVT_NULLABLE, .sub = &edns_table,
	  .doc = "the query's OPT record; null when none" },
	{ .key = "t_ms", .kind = DD_EVT_MS, .off = OFF(dd_ev_exchange, t_ms),
	  .doc = "start, ms since the run began" },
	{ .key = "rtt_ms", .kind = DD_EVT_MS, .off = OFF(dd_ev_exchange, rtt_ms),
	  .doc = "round trip; null when no reply" },
	{ .key = "shared", .kind = DD_EVT_BOOL, .off = OFF(dd_ev_exchange, shared),
	  .flags = DD_EVT_TRUEONLY,
	  .doc = "saved only when true: the same question (name, type, protocol, EDNS options) "
		 "had already gone to the same address in this run, and this records that "
		 "exchange again instead of asking twice; `t_ms` and `rtt_ms` are the original's" },
	{ .key = "result", .kind = DD_EVT_ENUM, .off = OFF(dd_ev_exchange, result),
	  .flags = DD_EVT_REQ, .max = DD_EV_RESULT_COUNT, .name_of = result_of,
	  .doc = "the transport outcome" },
	{ .key = "rcode", .kind = DD_EVT_RCODE, .off = OFF(dd_ev_exchange, rcode),
	  .doc = "as in RESPONSE" },
	{ .key = "flags", .kind = DD_EVT_FLAGS, .off = OFF(dd_ev_exchange, flags), .max = 16,
	  .words = flag_names, .doc = "header flags of the reply" },
	/* size is a long: 64 bits, like int64_t, on the LP64 systems dnsdeps builds on */
	{ .key = "size", .kind = DD_EVT_I64, .off = OFF(dd_ev_exchange, size),
	  .flags = DD_EVT_NULLNEG, .max = 65535, .dflt = -1, .doc = "reply size in bytes" },
	{ .key = "reply_edns", .kind = DD_EVT_OBJECT, .off = OFF(dd_ev_exchange, reply_edns),
	  .flags = DD_EVT_NULLABLE, .sub = &edns_table,
	  .doc = "the reply's OPT record; null when none" },
	{ .key = "answer", .kind = DD_EVT_SECTIONS, .off = OFF(dd_ev_exchange, answer),
	  .max = DD_EV_MAX_ITEMS, .n_off = OFF(dd_ev_exchange, wire),
	  .cap_off = OFF(dd_ev_exchange, wire_len), .words = section_names,
	  .doc = "the reply's records in presentation format" },
	{ .key = "detail", .kind = DD_EVT_STR, .off = OFF(dd_ev_exchange, detail),
	  .doc = "free text (`\"2 replies with a wrong ID ignored\"`); a real `timeout` says how "
		 "long it waited and how many times it sent (`no reply in 1501 ms after 3 sends`); "
		 "a `timeout` whose detail starts `not asked:` was not sent (the address was held "
		 "as silent)" },
};
static const struct dd_evt_table exchange_table = {
	"EXCHANGE", sizeof(struct dd_ev_exchange), exchange_fields, NFIELDS(exchange_fields), -1,
	-1, NULL
};

static const struct dd_evt_field host_fields[] = {
	{ .key = "present", .kind = DD_EVT_PRESENT, .off = OFF(dd_ev_host, present) },
	{ .key = "name", .kind = DD_EVT_STR, .off = OFF(dd_ev_host, name), .flags = DD_EVT_REQ,
	  .doc = "the name asked about" },
	{ .key = "zone", .kind = DD_EVT_STR, .off = OFF(dd_ev_host, zone), .flags = DD_EVT_REQ,
	  .doc = "the zone that holds it: the document's `domain`" },
	{ .key = "cut", .kind = DD_EVT_XREFS, .off = OFF(dd_ev_host, cut), .max = DD_EV_MAX_ITEMS,
	  .n_off = OFF(dd_ev_host, ncut), .cap_off = OFF(dd_ev_host, cut_cap),
	  .doc = "the exchanges in which that zone's servers answered for the name: the "
		 "observation that the cut is there" },
	{ .key = "resolution", .kind = DD_EVT_OBJECT, .off = OFF(dd_ev_host, resolution),
	  .sub = &dd_ev_resolution_table, .doc = "the name's own A/AAAA look-up" },
};
static const struct dd_evt_table host_table = { "HOST", sizeof(struct dd_ev_host), host_fields,
						NFIELDS(host_fields), -1, -1, NULL, NULL };

static const char *const schema_name[] = { DD_EV_SCHEMA, NULL };

/* A host's zone is the document's domain. */
static int doc_check(struct dd_evj_ld *l, const char *path, const void *rec)
{
	const struct dd_evidence *ev = rec;

	(void)path;
	if (ev->host.present && strcasecmp(ev->host.zone, ev->domain) != 0)
		return dd_evj_fail(l, DD_EPARSE, "host", "zone", "is not the document's domain");
	return 0;
}

/* The whole document: its head, the probe's record, then the sections
 * (each saved only when gathered). */
static const struct dd_evt_field doc_fields[] = {
	{ .key = "schema", .kind = DD_EVT_CONST, .flags = DD_EVT_REQ | DD_EVT_EARLY,
	  .words = schema_name,
	  .doc = "what a reader may expect (another value is refused)" },
	{ .key = "tool", .kind = DD_EVT_STR, .off = OFF(dd_evidence, tool), .flags = DD_EVT_EARLY,
	  .doc = "program and version that gathered it (`\"dnsdeps 0.1.0\"`)" },
	{ .key = "time", .kind = DD_EVT_TIME, .off = OFF(dd_evidence, time),
	  .flags = DD_EVT_REQ | DD_EVT_EARLY,
	  .doc = "UTC time of the run (`--now` fixes it)" },
	{ .key = "domain", .kind = DD_EVT_STR, .off = OFF(dd_evidence, domain),
	  .flags = DD_EVT_REQ | DD_EVT_EARLY,
	  .doc = "the domain, canonical and absolute (`\"puri.sm.\"`); for a host name, the zone "
		 "that holds it (see `host`)" },
	{ .key = "options", .kind = DD_EVT_OBJECT, .off = OFF(dd_evidence, options),
	  .sub = &options_table, .doc = "how the servers were asked" },
	{ .key = "chain", .kind = DD_EVT_LIST, .off = OFF(dd_evidence, chain),
	  .max = DD_EV_MAX_ITEMS, .sub = &step_table, .n_off = OFF(dd_evidence, nchain),
	  .cap_off = OFF(dd_evidence, chain_cap),
	  .doc = "the walk from the root down to the parent zone, one step per zone cut" },
	{ .key = "parent", .kind = DD_EVT_OBJECT, .off = OFF(dd_evidence, parent),
	  .flags = DD_EVT_REQ, .sub = &parent_table,
	  .doc = "the parent zone and what each of its servers says about the delegation" },
	{ .key = "nameservers", .kind = DD_EVT_LIST, .off = OFF(dd_evidence, nameservers),
	  .max = DD_EV_MAX_ITEMS, .sub = &nameserver_table, .n_off = OFF(dd_evidence, nnameservers),
	  .cap_off = OFF(dd_evidence, ns_cap),
	  .doc = "the union of the parent's and the child's NS names" },
	{ .key = "exchanges", .kind = DD_EVT_LIST, .off = OFF(dd_evidence, exchanges),
	  .flags = DD_EVT_EXCHANGES, .max = DD_EV_MAX_EXCHANGES, .sub = &exchange_table,
	  .n_off = OFF(dd_evidence, nexchanges), .cap_off = OFF(dd_evidence, ex_cap),
	  .doc = "every DNS query sent and what came back" },
	{ .key = "dependencies", .kind = DD_EVT_OBJECT, .off = OFF(dd_evidence, deps),
	  .flags = DD_EVT_IFSET, .sub = &dd_ev_deps_table,
	  .doc = "what the name depends on ([dependencies.md](dependencies.md)); absent when not "
		 "gathered" },
	{ .key = "dnssec", .kind = DD_EVT_OBJECT, .off = OFF(dd_evidence, dnssec),
	  .flags = DD_EVT_IFSET, .sub = &dd_ev_sec_table,
	  .doc = "the DNSSEC records gathered for the domain ([dnssec.md](dnssec.md)); absent when "
		 "not gathered" },
	{ .key = "registration", .kind = DD_EVT_OBJECT, .off = OFF(dd_evidence, registration),
	  .flags = DD_EVT_IFSET, .sub = &dd_ev_reg_table,
	  .doc = "the registry's record of the domain (RDAP/WHOIS); absent when not looked up "
		 "(`--no-registration`, a public suffix, older documents)" },
	{ .key = "host", .kind = DD_EVT_OBJECT, .off = OFF(dd_evidence, host),
	  .flags = DD_EVT_IFSET, .sub = &host_table,
	  .doc = "present when the name asked about is a host name inside a zone (no delegation "
		 "of its own, the closest enclosing zone cut at or below a registrable domain)" },
};
const struct dd_evt_table dd_ev_doc_table = { "document", sizeof(struct dd_evidence),
					      doc_fields, NFIELDS(doc_fields), -1, -1, NULL,
					      doc_check };

/* ---------------------------------------------------------------- saving */

char *dd_ev_save_json(const struct dd_evidence *ev)
{
	struct dd_jt s = { 0 };
	struct dd_jt_node *doc = dd_evt_save(&s, &dd_ev_doc_table, ev);
	struct dd_buf b;
	char *out = NULL;

	dd_buf_init(&b);
	if (dd_jt_print(&s, doc, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10),
			&b) == 0)
		out = strdup(dd_buf_str(&b));
	dd_buf_free(&b);
	return out;
}

int dd_ev_save_file(const struct dd_evidence *ev, FILE *f)
{
	char *text = dd_ev_save_json(ev);
	size_t len;
	int rc = 0;

	if (!text)
		return DD_ENOMEM;
	len = strlen(text);
	if (fwrite(text, 1, len, f) != len || fflush(f) != 0)
		rc = DD_EIO;
	free(text);
	return rc;
}

/* --------------------------------------------------------------- loading */

static int ld_document(struct dd_evj_ld *l, const json_t *doc, struct dd_evidence **out)
{
	struct dd_evidence *ev;
	int rc;

	if ((rc = dd_evj_want_object(l, doc, "document")) != 0)
		return rc;
	if (!(ev = dd_ev_new("", 0)))
		return dd_evj_fail(l, DD_ENOMEM, "", NULL, "out of memory");
	ev->host.resolution.ttl = -1;
	if ((rc = dd_evt_load(l, &dd_ev_doc_table, doc, "", ev)) != 0) {
		dd_ev_free(ev);
		return rc;
	}
	*out = ev;
	return 0;
}

int dd_ev_load_json(const char *text, size_t len, struct dd_evidence **out, char *err,
		    size_t errlen)
{
	struct dd_evj_ld l = { err, errlen, 0 };
	json_error_t je;
	json_t *doc;
	int rc;

	*out = NULL;
	if (errlen)
		err[0] = '\0';
	if (len > DD_EV_MAX_DOC)
		return dd_evj_fail(&l, DD_ELIMIT, "document", NULL, "larger than %u bytes",
				   DD_EV_MAX_DOC);
	doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!doc) {
		if (errlen)
			snprintf(err, errlen, "line %d, column %d: %s", je.line, je.column,
				 je.text);
		return DD_EPARSE;
	}
	rc = ld_document(&l, doc, out);
	json_decref(doc);
	return rc;
}

int dd_ev_load_file(const char *path, struct dd_evidence **out, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *text = NULL;
	size_t len = 0, cap = 0;
	int rc;

	*out = NULL;
	if (!f) {
		if (errlen)
			snprintf(err, errlen, "cannot open: %s", strerror(errno));
		return DD_EIO;
	}
	for (;;) {
		if (len == cap) {
			size_t ncap = cap ? cap * 2 : 65536;
			char *p;
			if (cap > DD_EV_MAX_DOC) {
				fclose(f);
				free(text);
				if (errlen)
					snprintf(err, errlen, "larger than %u bytes", DD_EV_MAX_DOC);
				return DD_ELIMIT;
			}
			p = realloc(text, ncap);
			if (!p) {
				fclose(f);
				free(text);
				return DD_ENOMEM;
			}
			text = p;
			cap = ncap;
		}
		size_t n = fread(text + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	rc = ferror(f) ? DD_EIO : 0;
	fclose(f);
	if (rc) {
		if (errlen)
			snprintf(err, errlen, "read error");
		free(text);
		return rc;
	}
	rc = dd_ev_load_json(text, len, out, err, errlen);
	free(text);
	return rc;
}

/* ------------------------------------------------------------------ docs */

char *dd_ev_schema_markdown(void)
{
	struct dd_buf b;
	char *out;

	dd_buf_init(&b);
	dd_evt_markdown(&b, &dd_ev_doc_table);
	out = dd_buf_failed(&b) ? NULL : strdup(dd_buf_str(&b));
	dd_buf_free(&b);
	return out;
}
