/* json.c: the report for programs: one JSON object per domain, schema
 * "dnsdeps.check/1" (docs/json-output.md): the verdict, the findings, and
 * the delegation data (parent and child NS sets, per-server results).
 * jansson escapes every string and the output is pure ASCII (anything else
 * as \uXXXX); strings that are not valid UTF-8 are written in their escaped
 * form. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/env.h"
#include "core/err.h"
#include "core/json.h"
#include "graph/graph.h"
#include "dnssec/sec.h"
#include "reg/reg.h"
#include "report/rep_int.h"
#include "report/report.h"

static json_t *list(struct dd_json *j, const struct dd_ev_strlist *l)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < l->n; i++)
		dd_json_append(j, a, dd_json_str(j, l->v[i]));
	return a;
}

/* {state, rcode, aa, rtt_ms, exchange} of one response. */
static json_t *response(struct dd_json *j, const struct dd_ev_response *r)
{
	json_t *o = json_object();
	char rc[16];

	dd_json_put(j, o, "state", dd_json_str(j, dd_ev_state_name(r->state)));
	dd_json_put(j, o, "rcode", r->rcode < 0 ? json_null() :
				   dd_json_str(j, dd_ev_rcode_name(r->rcode, rc, sizeof(rc))));
	dd_json_put(j, o, "aa", dd_json_tri(r->aa));
	dd_json_put(j, o, "rtt_ms", dd_json_ms(r->rtt_ms));
	dd_json_put(j, o, "exchange", dd_json_int_or_null(r->exchange));
	return o;
}

static json_t *verdict(struct dd_json *j, const struct dd_chk_verdict *v)
{
	json_t *o = json_object();

	dd_json_put(j, o, "status", dd_json_str(j, dd_chk_status_name(v->status)));
	dd_json_put(j, o, "layer", dd_json_str(j, dd_chk_layer_name(v->layer)));
	dd_json_put(j, o, "summary", dd_json_str(j, v->summary ? v->summary : ""));
	return o;
}

static json_t *findings(struct dd_json *j, const struct dd_chk_findings *f)
{
	json_t *a = json_array();

	for (size_t i = 0; i < f->n; i++) {
		const struct dd_chk_finding *x = &f->v[i];
		json_t *o = json_object(), *ids = json_array();
		for (size_t k = 0; ids && k < x->nevidence; k++)
			dd_json_append(j, ids, json_integer(x->evidence[k]));
		dd_json_put(j, o, "code", dd_json_str(j, x->def->code));
		dd_json_put(j, o, "severity",
			    dd_json_str(j, dd_chk_severity_name(x->def->severity)));
		dd_json_put(j, o, "layer", dd_json_str(j, dd_chk_layer_name(x->def->layer)));
		dd_json_put(j, o, "message", dd_json_str(j, x->message));
		dd_json_put(j, o, "advice", dd_json_str(j, x->def->advice));
		dd_json_put(j, o, "evidence", ids);
		dd_json_append(j, a, o);
	}
	return a;
}

static json_t *chain(struct dd_json *j, const struct dd_evidence *ev)
{
	json_t *a = json_array();

	for (size_t i = 0; i < ev->nchain; i++) {
		const struct dd_ev_step *st = &ev->chain[i];
		json_t *o = json_object(), *servers = json_array();
		for (size_t k = 0; k < st->nservers; k++) {
			const struct dd_ev_step_server *s = &st->servers[k];
			json_t *so = response(j, &s->r);
			dd_json_put(j, so, "name", dd_json_str(j, s->name));
			dd_json_put(j, so, "address", dd_json_str(j, s->address));
			dd_json_put(j, so, "referral", dd_json_str(j, s->referral));
			dd_json_append(j, servers, so);
		}
		dd_json_put(j, o, "zone", dd_json_str(j, st->zone));
		dd_json_put(j, o, "servers", servers);
		dd_json_append(j, a, o);
	}
	return a;
}

static json_t *parent_servers(struct dd_json *j, const struct dd_evidence *ev)
{
	json_t *a = json_array();

	for (size_t i = 0; i < ev->parent.nservers; i++) {
		const struct dd_ev_parent_server *s = &ev->parent.servers[i];
		json_t *o = response(j, &s->delegation.r), *glue = json_array();
		for (size_t g = 0; g < s->delegation.nglue; g++) {
			json_t *go = json_object();
			dd_json_put(j, go, "name", dd_json_str(j, s->delegation.glue[g].name));
			dd_json_put(j, go, "address",
				    dd_json_str(j, s->delegation.glue[g].address));
			dd_json_put(j, go, "ttl", dd_json_int_or_null(s->delegation.glue[g].ttl));
			dd_json_append(j, glue, go);
		}
		dd_json_put(j, o, "name", dd_json_str(j, s->name));
		dd_json_put(j, o, "address", dd_json_str(j, s->address));
		dd_json_put(j, o, "ns", list(j, &s->delegation.ns));
		dd_json_put(j, o, "ns_ttl", dd_json_int_or_null(s->delegation.ns_ttl));
		dd_json_put(j, o, "glue", glue);
		dd_json_put(j, o, "ds", list(j, &s->ds.records));
		dd_json_append(j, a, o);
	}
	return a;
}

static json_t *soa(struct dd_json *j, const struct dd_ev_soa *s)
{
	json_t *o = response(j, &s->r);

	dd_json_put(j, o, "serial", dd_json_int_or_null(s->serial));
	return o;
}

static json_t *nameservers(struct dd_json *j, const struct dd_evidence *ev)
{
	json_t *a = json_array();

	for (size_t i = 0; i < ev->nnameservers; i++) {
		const struct dd_ev_nameserver *ns = &ev->nameservers[i];
		json_t *o = json_object(), *res = json_object(), *servers = json_array();
		dd_json_put(j, res, "state",
			    dd_json_str(j, dd_ev_rstate_name(ns->resolution.state)));
		dd_json_put(j, res, "a", list(j, &ns->resolution.a));
		dd_json_put(j, res, "aaaa", list(j, &ns->resolution.aaaa));
		dd_json_put(j, res, "cname", dd_json_str(j, ns->resolution.cname));
		for (size_t k = 0; k < ns->nservers; k++) {
			const struct dd_ev_ns_server *s = &ns->servers[k];
			json_t *so = json_object(), *nsq = response(j, &s->ns_udp.r),
			       *ed = response(j, &s->edns.r);
			dd_json_put(j, so, "address", dd_json_str(j, s->address));
			dd_json_put(j, so, "soa_udp", soa(j, &s->soa_udp));
			dd_json_put(j, so, "soa_tcp", soa(j, &s->soa_tcp));
			dd_json_put(j, nsq, "ns", list(j, &s->ns_udp.ns));
			dd_json_put(j, so, "ns_udp", nsq);
			dd_json_put(j, ed, "edns_version",
				    dd_json_int_or_null(s->edns.edns_version));
			dd_json_put(j, so, "edns", ed);
			dd_json_append(j, servers, so);
		}
		dd_json_put(j, o, "name", dd_json_str(j, ns->name));
		dd_json_put(j, o, "in_parent", json_boolean(ns->in_parent));
		dd_json_put(j, o, "in_child", json_boolean(ns->in_child));
		dd_json_put(j, o, "in_bailiwick", json_boolean(ns->in_bailiwick));
		dd_json_put(j, o, "glue", list(j, &ns->glue));
		dd_json_put(j, o, "resolution", res);
		dd_json_put(j, o, "servers", servers);
		dd_json_append(j, a, o);
	}
	return a;
}

static json_t *delegation(struct dd_json *j, const struct dd_evidence *ev)
{
	struct dd_ev_strlist pset = { 0 }, cset = { 0 };
	json_t *o = json_object();

	if (dd_chk_ns_sets(ev, &pset, &cset) != 0)
		j->failed = 1;
	dd_json_put(j, o, "parent_zone", dd_json_str(j, ev->parent.zone));
	dd_json_put(j, o, "parent_ns", list(j, &pset));
	dd_json_put(j, o, "child_ns", list(j, &cset));
	dd_json_put(j, o, "chain", chain(j, ev));
	dd_json_put(j, o, "parent_servers", parent_servers(j, ev));
	dd_json_put(j, o, "nameservers", nameservers(j, ev));
	for (size_t i = 0; i < pset.n; i++)
		free(pset.v[i]);
	free(pset.v);
	for (size_t i = 0; i < cset.n; i++)
		free(cset.v[i]);
	free(cset.v);
	return o;
}

/* ---- DNSSEC (docs/dnssec.md) --------------------------------------------- */

static json_t *sec_time(struct dd_json *j, int64_t t)
{
	char iso[32];

	if (t < 0)
		return json_null();
	dd_clock_format(t, iso, sizeof(iso));
	return dd_json_str(j, iso);
}

static json_t *sec_sig(struct dd_json *j, const struct dd_sec_sigcheck *x)
{
	json_t *o = json_object();
	int dated = x->sig == DD_SEC_SIG_VALID || x->sig == DD_SEC_SIG_EXPIRED ||
		    x->sig == DD_SEC_SIG_NOT_YET;

	dd_json_put(j, o, "signatures",
		    dd_json_str(j, x->sig == DD_SEC_SIG_NONE ? "none" : dd_sec_sig_name(x->sig)));
	dd_json_put(j, o, x->sig == DD_SEC_SIG_NOT_YET ? "valid_from" : "expires",
		    dated ? sec_time(j, x->when) : json_null());
	dd_json_put(j, o, "key_tag", dd_json_int_or_null(x->tag));
	dd_json_put(j, o, "exchange", dd_json_int_or_null(x->exchange));
	return o;
}

static json_t *sec_server(struct dd_json *j, const struct dd_sec_server *s)
{
	json_t *o = json_object(), *keys = json_array();

	for (size_t k = 0; k < s->nkeys; k++)
		dd_json_append(j, keys,
			       json_pack("{s:i, s:i, s:i, s:b}", "tag", (int)s->keys[k].tag,
					 "algorithm", (int)s->keys[k].alg, "flags",
					 (int)s->keys[k].flags, "ds", s->keys[k].ds));
	dd_json_put(j, o, "name", dd_json_str(j, s->name));
	dd_json_put(j, o, "address", dd_json_str(j, s->address));
	dd_json_put(j, o, "answered", json_boolean(s->answered));
	dd_json_put(j, o, "keys", keys);
	dd_json_put(j, o, "keys_over_tcp", json_boolean(s->from_tcp));
	dd_json_put(j, o, "udp_tcp_differ", json_boolean(s->udp_tcp_differ));
	dd_json_put(j, o, "dnskey", sec_sig(j, &s->dnskey));
	dd_json_put(j, o, "soa", sec_sig(j, &s->soa));
	dd_json_put(j, o, "ns", sec_sig(j, &s->ns));
	dd_json_put(j, o, "cds", json_integer((json_int_t)s->ncds));
	dd_json_put(j, o, "cdnskey", json_integer((json_int_t)s->ncdnskey));
	dd_json_put(j, o, "cds_delete", json_boolean(s->cds_delete));
	return o;
}

static json_t *dnssec_obj(struct dd_json *j, const struct dd_evidence *ev, int64_t now,
			  const struct dd_chk_findings *f)
{
	struct dd_rep_sec sec;
	json_t *o = json_object(), *chain = json_array(), *ds = json_array(),
	       *servers = json_array();

	if (dd_rep_sec_open(ev, now, f, &sec) != 0)
		j->failed = 1;
	const struct dd_sec_result r = *sec.r;
	dd_json_put(j, o, "state", dd_json_str(j, dd_sec_state_name(r.state)));
	dd_json_put(j, o, "why", dd_json_str(j, r.why));
	dd_json_put(j, o, "anchor_source",
		    dd_json_str(j, ev->dnssec.anchor_source ? ev->dnssec.anchor_source
							    : dd_sec_builtin_anchor_source()));
	for (size_t i = 0; i < r.nzones; i++) {
		json_t *z = json_object();
		dd_json_put(j, z, "zone", dd_json_str(j, r.zones[i].zone));
		dd_json_put(j, z, "state", dd_json_str(j, dd_sec_state_name(r.zones[i].state)));
		dd_json_put(j, z, "why", dd_json_str(j, r.zones[i].why));
		dd_json_append(j, chain, z);
	}
	dd_json_put(j, o, "chain", chain);
	for (size_t i = 0; i < r.nds; i++)
		dd_json_append(j, ds,
			       json_pack("{s:i, s:i, s:i, s:b, s:b}", "tag", (int)r.ds[i].tag,
					 "algorithm", (int)r.ds[i].alg, "digest",
					 (int)r.ds[i].digest, "supported", r.ds[i].supported,
					 "matched", r.ds[i].matched));
	dd_json_put(j, o, "ds", ds);
	for (size_t i = 0; i < r.nservers; i++)
		dd_json_append(j, servers, sec_server(j, &r.servers[i]));
	dd_json_put(j, o, "servers", servers);
	dd_rep_sec_close(&sec);
	return o;
}

/* ---- dependencies (docs/dependencies.md) --------------------------------- */

static json_t *count_obj(struct dd_json *j, const struct dd_graph_count *c, int controlled)
{
	json_t *o = json_object();

	dd_json_put(j, o, "total", json_integer((json_int_t)c->total));
	if (controlled)
		dd_json_put(j, o, "controlled", json_integer((json_int_t)c->controlled));
	return o;
}

static json_t *deps_counts(struct dd_json *j, const struct dd_graph_counts *c)
{
	json_t *o = json_object(), *x;

	dd_json_put(j, o, "zones", count_obj(j, &c->zones, 1));
	dd_json_put(j, o, "servers", count_obj(j, &c->servers, 1));
	dd_json_put(j, o, "addresses", count_obj(j, &c->addresses, 0));
	dd_json_put(j, o, "registries", count_obj(j, &c->registries, 0));
	x = count_obj(j, &c->registrars, 0);
	dd_json_put(j, x, "unknown", json_integer((json_int_t)c->registrars_unknown));
	dd_json_put(j, o, "registrars", x);
	dd_json_put(j, o, "operators", count_obj(j, &c->operators, 1));
	dd_json_put(j, o, "networks", count_obj(j, &c->networks, 0));
	x = count_obj(j, &c->ases, 0);
	dd_json_put(j, x, "addresses_unknown", json_integer((json_int_t)c->ases_unknown));
	dd_json_put(j, o, "ases", x);
	return o;
}

/* The entities of one kind root 0 depends on, each with its members. */
static json_t *deps_entities(struct dd_json *j, const struct dd_graph *g,
			     const struct dd_graph_analysis *a, enum dd_graph_kind kind)
{
	json_t *arr = json_array();

	for (size_t e = 0; e < g->nentities; e++) {
		const struct dd_graph_entity *ent = &g->entities[e];
		json_t *o, *m = json_array();
		const char *mkey = "addresses";
		if (ent->kind != kind || !a->roots[0].uses[e]) {
			json_decref(m);
			continue;
		}
		o = json_object();
		dd_json_put(j, o, "name", dd_json_str(j, ent->name));
		if (kind == DD_GK_REGISTRY || kind == DD_GK_REGISTRAR) {
			int inh = kind == DD_GK_REGISTRY
					  ? dd_name_is_subdomain(g->roots[0].name, ent->name)
					  : (int)e == g->roots[0].registrar;
			mkey = "domains";
			for (size_t z = 0; z < g->nzones; z++)
				if (g->zones[z].apex &&
				    (kind == DD_GK_REGISTRY ? g->zones[z].registry
							    : g->zones[z].registrar) == (int)e)
					dd_json_append(j, m,
						       dd_json_str(j, g->zones[z].registrable));
			dd_json_put(j, o, "inherent", json_boolean(inh));
			if (kind == DD_GK_REGISTRAR)
				dd_json_put(j, o, "known", json_boolean(ent->known));
		} else if (kind == DD_GK_OPERATOR) {
			mkey = "servers";
			for (size_t h = 0; h < g->nhosts; h++)
				if (g->hosts[h].operator == (int)e)
					dd_json_append(j, m, dd_json_str(j, g->hosts[h].name));
			dd_json_put(j, o, "controlled",
				    json_boolean(strcmp(ent->key, g->roots[0].registrable) == 0));
		} else {
			for (size_t x = 0; x < g->naddrs; x++)
				if ((kind == DD_GK_NETWORK ? g->addrs[x].network
							   : g->addrs[x].as) == (int)e)
					dd_json_append(j, m, dd_json_str(j, g->addrs[x].text));
		}
		dd_json_put(j, o, mkey, m);
		dd_json_append(j, arr, o);
	}
	return arr;
}

static json_t *deps_spofs(struct dd_json *j, const struct dd_graph *g,
			  const struct dd_graph_spof *s, size_t n)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < n; i++) {
		const struct dd_graph_entity *e = &g->entities[s[i].entity];
		json_t *o = json_object();
		dd_json_put(j, o, "kind", dd_json_str(j, dd_graph_kind_name(e->kind)));
		dd_json_put(j, o, "name", dd_json_str(j, e->name));
		dd_json_put(j, o, "inherent", json_boolean(s[i].inherent));
		dd_json_put(j, o, "advice", dd_json_str(j, s[i].advice));
		dd_json_append(j, arr, o);
	}
	return arr;
}

static json_t *deps_hijacks(struct dd_json *j, const struct dd_graph *g,
			    const struct dd_graph_analysis *a)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < a->nhijacks; i++) {
		const struct dd_graph_hijack *h = &a->hijacks[i];
		json_t *o = json_object(), *ns = json_array();
		for (size_t k = 0; k < h->nhosts; k++)
			dd_json_append(j, ns, dd_json_str(j, g->hosts[h->hosts[k]].name));
		dd_json_put(j, o, "kind", dd_json_str(j, dd_graph_hijack_name(h->kind)));
		dd_json_put(j, o, "domain", dd_json_str(j, h->domain));
		dd_json_put(j, o, "nameservers", ns);
		dd_json_put(j, o, "depth", json_integer(h->depth));
		dd_json_put(j, o, "message", dd_json_str(j, h->message));
		dd_json_append(j, arr, o);
	}
	return arr;
}

static json_t *deps_backups(struct dd_json *j, const struct dd_graph *g,
			    const struct dd_graph_analysis *a)
{
	json_t *arr = json_array();

	for (size_t r = 1; r < a->nroots; r++) {
		const struct dd_graph_rootres *res = &a->roots[r];
		json_t *o = json_object(), *sh = json_array();
		for (size_t i = 0; i < res->nshared; i++) {
			const struct dd_graph_entity *e = &g->entities[res->shared[i]];
			json_t *so = json_object();
			dd_json_put(j, so, "kind", dd_json_str(j, dd_graph_kind_name(e->kind)));
			dd_json_put(j, so, "name", dd_json_str(j, e->name));
			dd_json_append(j, sh, so);
		}
		dd_json_put(j, o, "domain", dd_json_str(j, g->roots[r].name));
		dd_json_put(j, o, "resolvable", json_boolean(res->resolvable));
		dd_json_put(j, o, "counts", deps_counts(j, &res->counts));
		dd_json_put(j, o, "shares", sh);
		dd_json_put(j, o, "spofs", deps_spofs(j, g, res->spofs, res->nspofs));
		dd_json_append(j, arr, o);
	}
	return arr;
}

/* Zones and NS names one by one (dnsdeps graph). */
static void deps_detail(struct dd_json *j, json_t *o, const struct dd_graph *g)
{
	json_t *zones = json_array(), *hosts = json_array();

	for (size_t z = 0; z < g->nzones; z++) {
		const struct dd_graph_zone *zone = &g->zones[z];
		json_t *zo = json_object(), *ns = json_array();
		for (size_t k = 0; k < zone->nns; k++) {
			json_t *no = json_object(), *glue = json_array();
			for (size_t i = 0; i < zone->ns[k].nglue; i++)
				dd_json_append(j, glue,
					       dd_json_str(j, g->addrs[zone->ns[k].glue[i]].text));
			dd_json_put(j, no, "name", dd_json_str(j, g->hosts[zone->ns[k].host].name));
			dd_json_put(j, no, "glue", glue);
			dd_json_append(j, ns, no);
		}
		dd_json_put(j, zo, "name", dd_json_str(j, zone->name));
		dd_json_put(j, zo, "parent",
			    zone->parent >= 0 ? dd_json_str(j, g->zones[zone->parent].name)
					      : json_null());
		dd_json_put(j, zo, "depth", json_integer(zone->depth));
		dd_json_put(j, zo, "registrable",
			    zone->registrable[0] ? dd_json_str(j, zone->registrable) : json_null());
		dd_json_put(j, zo, "registry",
			    zone->registry >= 0 ? dd_json_str(j, g->entities[zone->registry].name)
						: json_null());
		dd_json_put(j, zo, "registrar",
			    zone->registrar >= 0 ? dd_json_str(j, g->entities[zone->registrar].name)
						 : json_null());
		dd_json_put(j, zo, "ns", ns);
		dd_json_append(j, zones, zo);
	}
	for (size_t h = 0; h < g->nhosts; h++) {
		const struct dd_graph_host *host = &g->hosts[h];
		json_t *ho = json_object(), *addrs = json_array();
		for (size_t i = 0; i < host->naddrs; i++) {
			const struct dd_graph_addr *a = &g->addrs[host->addrs[i]];
			json_t *ao = json_object();
			dd_json_put(j, ao, "address", dd_json_str(j, a->text));
			dd_json_put(j, ao, "network", dd_json_str(j, g->entities[a->network].name));
			dd_json_put(j, ao, "as",
				    a->as >= 0 ? dd_json_str(j, g->entities[a->as].name)
					       : json_null());
			dd_json_append(j, addrs, ao);
		}
		dd_json_put(j, ho, "name", dd_json_str(j, host->name));
		dd_json_put(j, ho, "zone",
			    host->zone >= 0 ? dd_json_str(j, g->zones[host->zone].name)
					    : json_null());
		dd_json_put(j, ho, "state", dd_json_str(j, dd_ev_rstate_name(host->state)));
		dd_json_put(j, ho, "depth", json_integer(host->depth));
		dd_json_put(j, ho, "followed", json_boolean(host->followed));
		dd_json_put(j, ho, "operator", dd_json_str(j, g->entities[host->operator].name));
		dd_json_put(j, ho, "addresses", addrs);
		dd_json_append(j, hosts, ho);
	}
	dd_json_put(j, o, "zones", zones);
	dd_json_put(j, o, "nameservers", hosts);
}

/* The "dependencies" object; NULL (with j->failed) when it cannot be built. */
static json_t *deps_obj(struct dd_json *j, const struct dd_evidence *ev,
			const struct dd_rep_opts *o, int detail, const struct dd_chk_findings *f)
{
	struct dd_rep_deps v;
	json_t *d, *unk;

	if (dd_rep_deps_open(ev, o && o->now ? o->now : ev->time, f, &v) != 0) {
		j->failed = 1;
		return NULL;
	}
	const struct dd_graph *g = v.g;
	const struct dd_graph_analysis a = v.a; /* a view: closed below */
	d = json_object();
	dd_json_put(j, d, "domain", g->nroots ? dd_json_str(j, g->roots[0].name) : json_null());
	dd_json_put(j, d, "resolvable", json_boolean(g->nroots && a.roots[0].resolvable));
	dd_json_put(j, d, "truncated", json_boolean(g->truncated));
	dd_json_put(j, d, "max_depth", json_integer(ev->deps.max_depth));
	dd_json_put(j, d, "asn_source", dd_json_str(j, ev->deps.asn_source));
	dd_json_put(j, d, "registration", json_boolean(ev->deps.registration));
	if (g->nroots) {
		dd_json_put(j, d, "counts", deps_counts(j, &a.roots[0].counts));
		dd_json_put(j, d, "registries", deps_entities(j, g, &a, DD_GK_REGISTRY));
		dd_json_put(j, d, "registrars", deps_entities(j, g, &a, DD_GK_REGISTRAR));
		dd_json_put(j, d, "operators", deps_entities(j, g, &a, DD_GK_OPERATOR));
		dd_json_put(j, d, "networks", deps_entities(j, g, &a, DD_GK_NETWORK));
		dd_json_put(j, d, "ases", deps_entities(j, g, &a, DD_GK_AS));
		dd_json_put(j, d, "spofs", deps_spofs(j, g, a.roots[0].spofs, a.roots[0].nspofs));
	}
	dd_json_put(j, d, "hijack_risks", deps_hijacks(j, g, &a));
	unk = json_array();
	for (size_t i = 0; i < a.nreg_unknown; i++)
		dd_json_append(j, unk, dd_json_str(j, a.reg_unknown[i]));
	dd_json_put(j, d, "registration_unknown", unk);
	dd_json_put(j, d, "backups", deps_backups(j, g, &a));
	dd_json_put(j, d, "group_spofs", deps_spofs(j, g, a.group_spofs, a.ngroup_spofs));
	if (detail)
		deps_detail(j, d, g);
	dd_rep_deps_close(&v);
	return d;
}

/* The registry's record (without the raw documents: those are in the
 * evidence), or why there is none, and the days left at the judged time. */
static json_t *registration(struct dd_json *j, const struct dd_evidence *ev, int64_t now)
{
	const struct dd_ev_registration *g = &ev->registration;
	const struct dd_reg_record *r = g->record;
	json_t *o = json_object(), *rec = r ? dd_reg_to_json(r, 0) : json_null();
	int64_t left = r ? r->expires.t - now : 0;
	int64_t days = left >= 0 ? left / 86400 : -((-left + 86399) / 86400); /* floor */

	if (!rec)
		j->failed = 1;
	else if (json_is_object(rec))
		json_object_del(rec, "schema");
	dd_json_put(j, o, "domain", dd_json_str(j, g->domain));
	dd_json_put(j, o, "result",
		    dd_json_str(j, r ? dd_reg_result_name(r->result) : "unavailable"));
	dd_json_put(j, o, "reason", dd_json_str(j, r ? NULL : g->reason));
	dd_json_put(j, o, "why", dd_json_str(j, g->why));
	dd_json_put(j, o, "expires_in_days",
		    r && r->result == DD_REG_FOUND && r->expires.known
			? json_integer((json_int_t)days)
			: json_null());
	dd_json_put(j, o, "record", rec);
	return o;
}

int dd_rep_json(const struct dd_evidence *ev, const struct dd_chk_findings *f,
		const struct dd_chk_verdict *v, const struct dd_rep_opts *o, struct dd_buf *out)
{
	struct dd_json j = { 0 };
	json_t *doc = json_object();
	char when[32];
	int64_t now = o && o->now ? o->now : ev->time;

	dd_clock_format(ev->time, when, sizeof(when));
	dd_json_put(&j, doc, "schema", dd_json_str(&j, DD_REP_SCHEMA));
	dd_json_put(&j, doc, "domain", dd_json_str(&j, ev->domain));
	dd_json_put(&j, doc, "time", dd_json_str(&j, when));
	dd_clock_format(now, when, sizeof(when));
	dd_json_put(&j, doc, "judged_at", dd_json_str(&j, when));
	dd_json_put(&j, doc, "tool", dd_json_str(&j, ev->tool));
	dd_json_put(&j, doc, "verdict", verdict(&j, v));
	dd_json_put(&j, doc, "findings", findings(&j, f));
	dd_json_put(&j, doc, "delegation", delegation(&j, ev));
	if (ev->registration.present)
		dd_json_put(&j, doc, "registration", registration(&j, ev, now));
	if (ev->deps.present)
		dd_json_put(&j, doc, "dependencies", deps_obj(&j, ev, o, 0, f));
	if (ev->dnssec.present)
		dd_json_put(&j, doc, "dnssec", dnssec_obj(&j, ev, now, f));
	return dd_json_print(&j, doc,
			     JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10) | JSON_ENSURE_ASCII |
				 (o && o->json_compact ? JSON_COMPACT : JSON_INDENT(2)),
			     out);
}

int dd_rep_deps_json(const struct dd_evidence *ev, const struct dd_rep_opts *o, struct dd_buf *out)
{
	struct dd_json j = { 0 };
	json_t *doc;
	char when[32];

	if (!ev->deps.present)
		return DD_ENOTFOUND;
	doc = json_object();
	dd_clock_format(ev->time, when, sizeof(when));
	dd_json_put(&j, doc, "schema", dd_json_str(&j, "dnsdeps.graph/1"));
	dd_json_put(&j, doc, "domain", dd_json_str(&j, ev->domain));
	dd_json_put(&j, doc, "time", dd_json_str(&j, when));
	dd_json_put(&j, doc, "tool", dd_json_str(&j, ev->tool));
	dd_json_put(&j, doc, "dependencies", deps_obj(&j, ev, o, 1, NULL));
	return dd_json_print(&j, doc, JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII | JSON_INDENT(2),
			     out);
}
