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
 * checked and freed from these tables (the sections dnssec and
 * dependencies have theirs in their own files). */

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

/* The members of the record that follow schema, tool, time and domain. */
static const struct dd_evt_field doc_fields[] = {
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
};
const struct dd_evt_table dd_ev_doc_table = { "document", sizeof(struct dd_evidence),
					      doc_fields, NFIELDS(doc_fields), -1, -1, NULL };

/* ---------------------------------------------------------------- saving */

static json_t *s_resolution(struct dd_json *s, const struct dd_ev_resolution *r)
{
	return dd_evt_save(s, &dd_ev_resolution_table, r);
}

static json_t *s_host(struct dd_json *s, const struct dd_ev_host *h)
{
	json_t *o = json_object(), *cut = json_array();

	for (size_t i = 0; cut && i < h->ncut; i++)
		dd_json_append(s, cut, json_integer(h->cut[i]));
	if (!o || !cut) {
		json_decref(o);
		json_decref(cut);
		return NULL;
	}
	dd_json_put(s, o, "name", dd_json_str(s, h->name));
	dd_json_put(s, o, "zone", dd_json_str(s, h->zone));
	dd_json_put(s, o, "cut", cut);
	dd_json_put(s, o, "resolution", s_resolution(s, &h->resolution));
	return o;
}

static json_t *s_document(struct dd_json *s, const struct dd_evidence *ev)
{
	json_t *doc = json_object();
	char when[32];

	if (!doc)
		return NULL;
	dd_clock_format(ev->time, when, sizeof(when));
	dd_json_put(s, doc, "schema", json_string(DD_EV_SCHEMA));
	dd_json_put(s, doc, "tool", dd_json_str(s, ev->tool));
	dd_json_put(s, doc, "time", json_string(when));
	dd_json_put(s, doc, "domain", dd_json_str(s, ev->domain));
	dd_evt_save_into(s, doc, &dd_ev_doc_table, ev);
	if (ev->deps.present)
		dd_json_put(s, doc, "dependencies", dd_ev_deps_save(&ev->deps, s));
	if (ev->dnssec.present)
		dd_json_put(s, doc, "dnssec", dd_ev_sec_save(&ev->dnssec, s));
	if (ev->registration.present)
		dd_json_put(s, doc, "registration", dd_ev_reg_save(&ev->registration, s));
	if (ev->host.present)
		dd_json_put(s, doc, "host", s_host(s, &ev->host));
	return doc;
}

char *dd_ev_save_json(const struct dd_evidence *ev)
{
	struct dd_json s = { 0 };
	json_t *doc = s_document(&s, ev);
	char *text = NULL, *out;
	size_t len;

	if (doc && !s.failed)
		text = json_dumps(doc, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
	json_decref(doc);
	if (!text)
		return NULL;
	len = strlen(text);
	out = realloc(text, len + 2);
	if (!out) {
		free(text);
		return NULL;
	}
	out[len] = '\n';
	out[len + 1] = '\0';
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

static int ld_resolution(struct dd_evj_ld *l, const json_t *o, struct dd_ev_resolution *r)
{
	json_t *j = dd_evj_opt(o, "resolution");
	int rc;

	if (!j)
		return 0;
	if ((rc = dd_evj_want_object(l, j, "host.resolution")) != 0)
		return rc;
	return dd_evt_load(l, &dd_ev_resolution_table, j, "host.resolution", r);
}

/* "host": a host name examined in the zone that holds it (the document's domain). */
static int ld_host(struct dd_evj_ld *l, const json_t *doc, struct dd_evidence *ev)
{
	struct dd_ev_host *h = &ev->host;
	json_t *o, *cut, *x;
	size_t i;
	int rc = dd_evj_member(l, doc, "", "host", DD_EVJ_OPT, &o);

	if (rc || !o || json_is_null(o))
		return rc;
	h->present = 1;
	h->resolution.ttl = -1;
	if ((rc = dd_evj_want_object(l, o, "host")) ||
	    (rc = dd_evj_get_str(l, o, "host", "name", DD_EVJ_REQ, &h->name)) ||
	    (rc = dd_evj_get_str(l, o, "host", "zone", DD_EVJ_REQ, &h->zone)) ||
	    (rc = ld_resolution(l, o, &h->resolution)) ||
	    (rc = dd_evj_get_array(l, o, "host", "cut", DD_EVJ_OPT, DD_EV_MAX_ITEMS, &cut)))
		return rc;
	if (strcasecmp(h->zone, ev->domain) != 0)
		return dd_evj_fail(l, DD_EPARSE, "host", "zone", "is not the document's domain");
	json_array_foreach(cut, i, x) {
		json_int_t v = json_is_integer(x) ? json_integer_value(x) : -1;
		if (v < 0 || (size_t)v >= l->nexchanges)
			return dd_evj_fail(l, DD_EPARSE, "host", "cut",
					   "entry %zu is not the id of an exchange", i);
		if ((rc = dd_ev_host_add_cut(ev, (int)v)) != 0)
			return rc == DD_ELIMIT ? dd_evj_fail(l, rc, "host", "cut", "more than %d entries",
							     DD_EV_MAX_ITEMS)
					       : dd_evj_fail(l, rc, "host", "cut", "%s", dd_strerror(rc));
	}
	return 0;
}

static int ld_document(struct dd_evj_ld *l, const json_t *doc, struct dd_evidence **out)
{
	struct dd_evidence *ev;
	char *s = NULL;
	int64_t t;
	int rc;

	if ((rc = dd_evj_want_object(l, doc, "document")) ||
	    (rc = dd_evj_get_str(l, doc, "", "schema", DD_EVJ_REQ, &s)))
		return rc;
	if (strcmp(s, DD_EV_SCHEMA) != 0) {
		rc = dd_evj_fail(l, DD_EPARSE, "", "schema", "\"%.40s\" is not %s", s,
				 DD_EV_SCHEMA);
		free(s);
		return rc;
	}
	free(s);
	s = NULL;
	if ((rc = dd_evj_get_str(l, doc, "", "time", DD_EVJ_REQ, &s)) != 0)
		return rc;
	rc = dd_clock_parse(s, &t);
	free(s);
	s = NULL;
	if (rc != 0)
		return dd_evj_fail(l, DD_EPARSE, "", "time", "not an RFC 3339 time");
	if ((rc = dd_evj_get_str(l, doc, "", "domain", DD_EVJ_REQ, &s)) != 0)
		return rc;
	ev = dd_ev_new(s, t);
	free(s);
	if (!ev)
		return dd_evj_fail(l, DD_ENOMEM, "", NULL, "out of memory");
	if ((rc = dd_evj_get_str(l, doc, "", "tool", DD_EVJ_OPT, &ev->tool)) ||
	    (rc = dd_evt_load(l, &dd_ev_doc_table, doc, "", ev)) ||
	    (rc = dd_ev_deps_load(doc, ev, l->err, l->errlen)) ||
	    (rc = dd_ev_sec_load(json_object_get(doc, "dnssec"), &ev->dnssec, l)) ||
	    (rc = dd_ev_reg_load(doc, ev, l->err, l->errlen)) || (rc = ld_host(l, doc, ev))) {
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
	dd_evt_markdown(&b, &dd_ev_sec_table);
	dd_evt_markdown(&b, &dd_ev_deps_table);
	out = dd_buf_failed(&b) ? NULL : strdup(dd_buf_str(&b));
	dd_buf_free(&b);
	return out;
}
