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
#include "core/esc.h"
#include "graph/graph.h"
#include "dnssec/sec.h"
#include "reg/reg.h"
#include "report/report.h"

struct js {
	int failed;
};

static json_t *str(struct js *j, const char *s)
{
	json_t *v;

	if (!s)
		return json_null();
	v = json_string(s);
	if (!v) {
		char *e = dd_esc_dup(s, strlen(s));
		v = e ? json_string(e) : NULL;
		free(e);
	}
	if (!v)
		j->failed = 1;
	return v;
}

static void put(struct js *j, json_t *o, const char *k, json_t *v)
{
	if (!o || !v || json_object_set_new(o, k, v) != 0)
		j->failed = 1;
}

static void push(struct js *j, json_t *a, json_t *v)
{
	if (!a || !v || json_array_append_new(a, v) != 0)
		j->failed = 1;
}

static json_t *list(struct js *j, const struct dd_ev_strlist *l)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < l->n; i++)
		push(j, a, str(j, l->v[i]));
	return a;
}

static json_t *ms(double v)
{
	return v < 0 ? json_null() : json_real((double)(long long)(v * 1000.0 + 0.5) / 1000.0);
}

static json_t *int_or_null(int64_t v)
{
	return v < 0 ? json_null() : json_integer((json_int_t)v);
}

/* {state, rcode, aa, rtt_ms, exchange} of one response. */
static json_t *response(struct js *j, const struct dd_ev_response *r)
{
	json_t *o = json_object();
	char rc[16];

	put(j, o, "state", str(j, dd_ev_state_name(r->state)));
	put(j, o, "rcode", r->rcode < 0 ? json_null() :
			   str(j, dd_ev_rcode_name(r->rcode, rc, sizeof(rc))));
	put(j, o, "aa", r->aa < 0 ? json_null() : json_boolean(r->aa));
	put(j, o, "rtt_ms", ms(r->rtt_ms));
	put(j, o, "exchange", int_or_null(r->exchange));
	return o;
}

static json_t *verdict(struct js *j, const struct dd_chk_verdict *v)
{
	json_t *o = json_object();

	put(j, o, "status", str(j, dd_chk_status_name(v->status)));
	put(j, o, "layer", str(j, dd_chk_layer_name(v->layer)));
	put(j, o, "summary", str(j, v->summary ? v->summary : ""));
	return o;
}

static json_t *findings(struct js *j, const struct dd_chk_findings *f)
{
	json_t *a = json_array();

	for (size_t i = 0; i < f->n; i++) {
		const struct dd_chk_finding *x = &f->v[i];
		json_t *o = json_object(), *ids = json_array();
		for (size_t k = 0; ids && k < x->nevidence; k++)
			push(j, ids, json_integer(x->evidence[k]));
		put(j, o, "code", str(j, x->def->code));
		put(j, o, "severity", str(j, dd_chk_severity_name(x->def->severity)));
		put(j, o, "layer", str(j, dd_chk_layer_name(x->def->layer)));
		put(j, o, "message", str(j, x->message));
		put(j, o, "advice", str(j, x->def->advice));
		put(j, o, "evidence", ids);
		push(j, a, o);
	}
	return a;
}

static json_t *chain(struct js *j, const struct dd_evidence *ev)
{
	json_t *a = json_array();

	for (size_t i = 0; i < ev->nchain; i++) {
		const struct dd_ev_step *st = &ev->chain[i];
		json_t *o = json_object(), *servers = json_array();
		for (size_t k = 0; k < st->nservers; k++) {
			const struct dd_ev_step_server *s = &st->servers[k];
			json_t *so = response(j, &s->r);
			put(j, so, "name", str(j, s->name));
			put(j, so, "address", str(j, s->address));
			put(j, so, "referral", str(j, s->referral));
			push(j, servers, so);
		}
		put(j, o, "zone", str(j, st->zone));
		put(j, o, "servers", servers);
		push(j, a, o);
	}
	return a;
}

static json_t *parent_servers(struct js *j, const struct dd_evidence *ev)
{
	json_t *a = json_array();

	for (size_t i = 0; i < ev->parent.nservers; i++) {
		const struct dd_ev_parent_server *s = &ev->parent.servers[i];
		json_t *o = response(j, &s->delegation.r), *glue = json_array();
		for (size_t g = 0; g < s->delegation.nglue; g++) {
			json_t *go = json_object();
			put(j, go, "name", str(j, s->delegation.glue[g].name));
			put(j, go, "address", str(j, s->delegation.glue[g].address));
			put(j, go, "ttl", int_or_null(s->delegation.glue[g].ttl));
			push(j, glue, go);
		}
		put(j, o, "name", str(j, s->name));
		put(j, o, "address", str(j, s->address));
		put(j, o, "ns", list(j, &s->delegation.ns));
		put(j, o, "ns_ttl", int_or_null(s->delegation.ns_ttl));
		put(j, o, "glue", glue);
		put(j, o, "ds", list(j, &s->ds.records));
		push(j, a, o);
	}
	return a;
}

static json_t *soa(struct js *j, const struct dd_ev_soa *s)
{
	json_t *o = response(j, &s->r);

	put(j, o, "serial", int_or_null(s->serial));
	return o;
}

static json_t *nameservers(struct js *j, const struct dd_evidence *ev)
{
	json_t *a = json_array();

	for (size_t i = 0; i < ev->nnameservers; i++) {
		const struct dd_ev_nameserver *ns = &ev->nameservers[i];
		json_t *o = json_object(), *res = json_object(), *servers = json_array();
		put(j, res, "state", str(j, dd_ev_rstate_name(ns->resolution.state)));
		put(j, res, "a", list(j, &ns->resolution.a));
		put(j, res, "aaaa", list(j, &ns->resolution.aaaa));
		put(j, res, "cname", str(j, ns->resolution.cname));
		for (size_t k = 0; k < ns->nservers; k++) {
			const struct dd_ev_ns_server *s = &ns->servers[k];
			json_t *so = json_object(), *nsq = response(j, &s->ns_udp.r),
			       *ed = response(j, &s->edns.r);
			put(j, so, "address", str(j, s->address));
			put(j, so, "soa_udp", soa(j, &s->soa_udp));
			put(j, so, "soa_tcp", soa(j, &s->soa_tcp));
			put(j, nsq, "ns", list(j, &s->ns_udp.ns));
			put(j, so, "ns_udp", nsq);
			put(j, ed, "edns_version", int_or_null(s->edns.edns_version));
			put(j, so, "edns", ed);
			push(j, servers, so);
		}
		put(j, o, "name", str(j, ns->name));
		put(j, o, "in_parent", json_boolean(ns->in_parent));
		put(j, o, "in_child", json_boolean(ns->in_child));
		put(j, o, "in_bailiwick", json_boolean(ns->in_bailiwick));
		put(j, o, "glue", list(j, &ns->glue));
		put(j, o, "resolution", res);
		put(j, o, "servers", servers);
		push(j, a, o);
	}
	return a;
}

static json_t *delegation(struct js *j, const struct dd_evidence *ev)
{
	struct dd_ev_strlist pset = { 0 }, cset = { 0 };
	json_t *o = json_object();

	if (dd_chk_ns_sets(ev, &pset, &cset) != 0)
		j->failed = 1;
	put(j, o, "parent_zone", str(j, ev->parent.zone));
	put(j, o, "parent_ns", list(j, &pset));
	put(j, o, "child_ns", list(j, &cset));
	put(j, o, "chain", chain(j, ev));
	put(j, o, "parent_servers", parent_servers(j, ev));
	put(j, o, "nameservers", nameservers(j, ev));
	for (size_t i = 0; i < pset.n; i++)
		free(pset.v[i]);
	free(pset.v);
	for (size_t i = 0; i < cset.n; i++)
		free(cset.v[i]);
	free(cset.v);
	return o;
}

/* ---- DNSSEC (docs/dnssec.md) --------------------------------------------- */

static json_t *sec_time(struct js *j, int64_t t)
{
	char iso[32];

	if (t < 0)
		return json_null();
	dd_clock_format(t, iso, sizeof(iso));
	return str(j, iso);
}

static json_t *sec_sig(struct js *j, const struct dd_sec_sigcheck *x)
{
	json_t *o = json_object();

	put(j, o, "signatures", str(j, x->sig == DD_SEC_SIG_NONE ? "none" : dd_sec_sig_name(x->sig)));
	put(j, o, x->sig == DD_SEC_SIG_NOT_YET ? "valid_from" : "expires",
	    x->sig == DD_SEC_SIG_VALID || x->sig == DD_SEC_SIG_EXPIRED || x->sig == DD_SEC_SIG_NOT_YET
		    ? sec_time(j, x->when) : json_null());
	put(j, o, "key_tag", x->tag < 0 ? json_null() : json_integer(x->tag));
	put(j, o, "exchange", x->exchange < 0 ? json_null() : json_integer(x->exchange));
	return o;
}

static json_t *sec_server(struct js *j, const struct dd_sec_server *s)
{
	json_t *o = json_object(), *keys = json_array();

	for (size_t k = 0; k < s->nkeys; k++)
		push(j, keys, json_pack("{s:i, s:i, s:i, s:b}", "tag", (int)s->keys[k].tag,
					"algorithm", (int)s->keys[k].alg, "flags",
					(int)s->keys[k].flags, "ds", s->keys[k].ds));
	put(j, o, "name", str(j, s->name));
	put(j, o, "address", str(j, s->address));
	put(j, o, "answered", json_boolean(s->answered));
	put(j, o, "keys", keys);
	put(j, o, "keys_over_tcp", json_boolean(s->from_tcp));
	put(j, o, "udp_tcp_differ", json_boolean(s->udp_tcp_differ));
	put(j, o, "dnskey", sec_sig(j, &s->dnskey));
	put(j, o, "soa", sec_sig(j, &s->soa));
	put(j, o, "ns", sec_sig(j, &s->ns));
	put(j, o, "cds", json_integer((json_int_t)s->ncds));
	put(j, o, "cdnskey", json_integer((json_int_t)s->ncdnskey));
	put(j, o, "cds_delete", json_boolean(s->cds_delete));
	return o;
}

static json_t *dnssec_obj(struct js *j, const struct dd_evidence *ev, int64_t now)
{
	struct dd_sec_result r;
	json_t *o = json_object(), *chain = json_array(), *ds = json_array(),
	       *servers = json_array();

	if (dd_sec_judge(ev, now, &r) != 0)
		j->failed = 1;
	put(j, o, "state", str(j, dd_sec_state_name(r.state)));
	put(j, o, "why", str(j, r.why));
	put(j, o, "anchor_source", str(j, ev->dnssec.anchor_source ? ev->dnssec.anchor_source
								     : dd_sec_builtin_anchor_source()));
	for (size_t i = 0; i < r.nzones; i++) {
		json_t *z = json_object();
		put(j, z, "zone", str(j, r.zones[i].zone));
		put(j, z, "state", str(j, dd_sec_state_name(r.zones[i].state)));
		put(j, z, "why", str(j, r.zones[i].why));
		push(j, chain, z);
	}
	put(j, o, "chain", chain);
	for (size_t i = 0; i < r.nds; i++)
		push(j, ds, json_pack("{s:i, s:i, s:i, s:b, s:b}", "tag", (int)r.ds[i].tag,
				      "algorithm", (int)r.ds[i].alg, "digest", (int)r.ds[i].digest,
				      "supported", r.ds[i].supported, "matched", r.ds[i].matched));
	put(j, o, "ds", ds);
	for (size_t i = 0; i < r.nservers; i++)
		push(j, servers, sec_server(j, &r.servers[i]));
	put(j, o, "servers", servers);
	dd_sec_result_free(&r);
	return o;
}

/* ---- dependencies (docs/dependencies.md) --------------------------------- */

static json_t *count_obj(struct js *j, const struct dd_graph_count *c, int controlled)
{
	json_t *o = json_object();

	put(j, o, "total", json_integer((json_int_t)c->total));
	if (controlled)
		put(j, o, "controlled", json_integer((json_int_t)c->controlled));
	return o;
}

static json_t *deps_counts(struct js *j, const struct dd_graph_counts *c)
{
	json_t *o = json_object(), *x;

	put(j, o, "zones", count_obj(j, &c->zones, 1));
	put(j, o, "servers", count_obj(j, &c->servers, 1));
	put(j, o, "addresses", count_obj(j, &c->addresses, 0));
	put(j, o, "registries", count_obj(j, &c->registries, 0));
	x = count_obj(j, &c->registrars, 0);
	put(j, x, "unknown", json_integer((json_int_t)c->registrars_unknown));
	put(j, o, "registrars", x);
	put(j, o, "operators", count_obj(j, &c->operators, 1));
	put(j, o, "networks", count_obj(j, &c->networks, 0));
	x = count_obj(j, &c->ases, 0);
	put(j, x, "addresses_unknown", json_integer((json_int_t)c->ases_unknown));
	put(j, o, "ases", x);
	return o;
}

/* The entities of one kind root 0 depends on, each with its members. */
static json_t *deps_entities(struct js *j, const struct dd_graph *g,
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
		put(j, o, "name", str(j, ent->name));
		if (kind == DD_GK_REGISTRY || kind == DD_GK_REGISTRAR) {
			int inh = kind == DD_GK_REGISTRY
					  ? dd_name_is_subdomain(g->roots[0].name, ent->name)
					  : (int)e == g->roots[0].registrar;
			mkey = "domains";
			for (size_t z = 0; z < g->nzones; z++)
				if (g->zones[z].apex &&
				    (kind == DD_GK_REGISTRY ? g->zones[z].registry
							    : g->zones[z].registrar) == (int)e)
					push(j, m, str(j, g->zones[z].registrable));
			put(j, o, "inherent", json_boolean(inh));
			if (kind == DD_GK_REGISTRAR)
				put(j, o, "known", json_boolean(ent->known));
		} else if (kind == DD_GK_OPERATOR) {
			mkey = "servers";
			for (size_t h = 0; h < g->nhosts; h++)
				if (g->hosts[h].operator == (int)e)
					push(j, m, str(j, g->hosts[h].name));
			put(j, o, "controlled",
			    json_boolean(strcmp(ent->key, g->roots[0].registrable) == 0));
		} else {
			for (size_t x = 0; x < g->naddrs; x++)
				if ((kind == DD_GK_NETWORK ? g->addrs[x].network : g->addrs[x].as) ==
				    (int)e)
					push(j, m, str(j, g->addrs[x].text));
		}
		put(j, o, mkey, m);
		push(j, arr, o);
	}
	return arr;
}

static json_t *deps_spofs(struct js *j, const struct dd_graph *g, const struct dd_graph_spof *s,
			  size_t n)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < n; i++) {
		const struct dd_graph_entity *e = &g->entities[s[i].entity];
		json_t *o = json_object();
		put(j, o, "kind", str(j, dd_graph_kind_name(e->kind)));
		put(j, o, "name", str(j, e->name));
		put(j, o, "inherent", json_boolean(s[i].inherent));
		put(j, o, "advice", str(j, s[i].advice));
		push(j, arr, o);
	}
	return arr;
}

static json_t *deps_hijacks(struct js *j, const struct dd_graph *g,
			    const struct dd_graph_analysis *a)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < a->nhijacks; i++) {
		const struct dd_graph_hijack *h = &a->hijacks[i];
		json_t *o = json_object(), *ns = json_array();
		for (size_t k = 0; k < h->nhosts; k++)
			push(j, ns, str(j, g->hosts[h->hosts[k]].name));
		put(j, o, "kind", str(j, dd_graph_hijack_name(h->kind)));
		put(j, o, "domain", str(j, h->domain));
		put(j, o, "nameservers", ns);
		put(j, o, "depth", json_integer(h->depth));
		put(j, o, "message", str(j, h->message));
		push(j, arr, o);
	}
	return arr;
}

static json_t *deps_backups(struct js *j, const struct dd_graph *g,
			    const struct dd_graph_analysis *a)
{
	json_t *arr = json_array();

	for (size_t r = 1; r < a->nroots; r++) {
		const struct dd_graph_rootres *res = &a->roots[r];
		json_t *o = json_object(), *sh = json_array();
		for (size_t i = 0; i < res->nshared; i++) {
			const struct dd_graph_entity *e = &g->entities[res->shared[i]];
			json_t *so = json_object();
			put(j, so, "kind", str(j, dd_graph_kind_name(e->kind)));
			put(j, so, "name", str(j, e->name));
			push(j, sh, so);
		}
		put(j, o, "domain", str(j, g->roots[r].name));
		put(j, o, "resolvable", json_boolean(res->resolvable));
		put(j, o, "counts", deps_counts(j, &res->counts));
		put(j, o, "shares", sh);
		put(j, o, "spofs", deps_spofs(j, g, res->spofs, res->nspofs));
		push(j, arr, o);
	}
	return arr;
}

/* Zones and NS names one by one (dnsdeps graph). */
static void deps_detail(struct js *j, json_t *o, const struct dd_graph *g)
{
	json_t *zones = json_array(), *hosts = json_array();

	for (size_t z = 0; z < g->nzones; z++) {
		const struct dd_graph_zone *zone = &g->zones[z];
		json_t *zo = json_object(), *ns = json_array();
		for (size_t k = 0; k < zone->nns; k++) {
			json_t *no = json_object(), *glue = json_array();
			for (size_t i = 0; i < zone->ns[k].nglue; i++)
				push(j, glue, str(j, g->addrs[zone->ns[k].glue[i]].text));
			put(j, no, "name", str(j, g->hosts[zone->ns[k].host].name));
			put(j, no, "glue", glue);
			push(j, ns, no);
		}
		put(j, zo, "name", str(j, zone->name));
		put(j, zo, "parent", zone->parent >= 0 ? str(j, g->zones[zone->parent].name)
						       : json_null());
		put(j, zo, "depth", json_integer(zone->depth));
		put(j, zo, "registrable", zone->registrable[0] ? str(j, zone->registrable)
							       : json_null());
		put(j, zo, "registry", zone->registry >= 0
					       ? str(j, g->entities[zone->registry].name)
					       : json_null());
		put(j, zo, "registrar", zone->registrar >= 0
						? str(j, g->entities[zone->registrar].name)
						: json_null());
		put(j, zo, "ns", ns);
		push(j, zones, zo);
	}
	for (size_t h = 0; h < g->nhosts; h++) {
		const struct dd_graph_host *host = &g->hosts[h];
		json_t *ho = json_object(), *addrs = json_array();
		for (size_t i = 0; i < host->naddrs; i++) {
			const struct dd_graph_addr *a = &g->addrs[host->addrs[i]];
			json_t *ao = json_object();
			put(j, ao, "address", str(j, a->text));
			put(j, ao, "network", str(j, g->entities[a->network].name));
			put(j, ao, "as", a->as >= 0 ? str(j, g->entities[a->as].name) : json_null());
			push(j, addrs, ao);
		}
		put(j, ho, "name", str(j, host->name));
		put(j, ho, "zone", host->zone >= 0 ? str(j, g->zones[host->zone].name)
						   : json_null());
		put(j, ho, "state", str(j, dd_ev_rstate_name(host->state)));
		put(j, ho, "depth", json_integer(host->depth));
		put(j, ho, "followed", json_boolean(host->followed));
		put(j, ho, "operator", str(j, g->entities[host->operator].name));
		put(j, ho, "addresses", addrs);
		push(j, hosts, ho);
	}
	put(j, o, "zones", zones);
	put(j, o, "nameservers", hosts);
}

/* The "dependencies" object; NULL (with j->failed) when it cannot be built. */
static json_t *deps_obj(struct js *j, const struct dd_evidence *ev, const struct dd_rep_opts *o,
			int detail)
{
	struct dd_graph *g = NULL;
	struct dd_graph_analysis a;
	json_t *d, *unk;
	int rc = dd_graph_build(ev, &g);

	if (rc == 0 && (rc = dd_graph_analyse(g, o && o->now ? o->now : ev->time, &a)) != 0)
		dd_graph_free(g);
	if (rc) {
		j->failed = 1;
		return NULL;
	}
	d = json_object();
	put(j, d, "domain", g->nroots ? str(j, g->roots[0].name) : json_null());
	put(j, d, "resolvable", json_boolean(g->nroots && a.roots[0].resolvable));
	put(j, d, "truncated", json_boolean(g->truncated));
	put(j, d, "max_depth", json_integer(ev->deps.max_depth));
	put(j, d, "asn_source", str(j, ev->deps.asn_source));
	put(j, d, "registration", json_boolean(ev->deps.registration));
	if (g->nroots) {
		put(j, d, "counts", deps_counts(j, &a.roots[0].counts));
		put(j, d, "registries", deps_entities(j, g, &a, DD_GK_REGISTRY));
		put(j, d, "registrars", deps_entities(j, g, &a, DD_GK_REGISTRAR));
		put(j, d, "operators", deps_entities(j, g, &a, DD_GK_OPERATOR));
		put(j, d, "networks", deps_entities(j, g, &a, DD_GK_NETWORK));
		put(j, d, "ases", deps_entities(j, g, &a, DD_GK_AS));
		put(j, d, "spofs", deps_spofs(j, g, a.roots[0].spofs, a.roots[0].nspofs));
	}
	put(j, d, "hijack_risks", deps_hijacks(j, g, &a));
	unk = json_array();
	for (size_t i = 0; i < a.nreg_unknown; i++)
		push(j, unk, str(j, a.reg_unknown[i]));
	put(j, d, "registration_unknown", unk);
	put(j, d, "backups", deps_backups(j, g, &a));
	put(j, d, "group_spofs", deps_spofs(j, g, a.group_spofs, a.ngroup_spofs));
	if (detail)
		deps_detail(j, d, g);
	dd_graph_analysis_free(&a);
	dd_graph_free(g);
	return d;
}

/* The registry's record (without the raw documents: those are in the
 * evidence), or why there is none, and the days left at the judged time. */
static json_t *registration(struct js *j, const struct dd_evidence *ev, int64_t now)
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
	put(j, o, "domain", str(j, g->domain));
	put(j, o, "result", str(j, r ? dd_reg_result_name(r->result) : "unavailable"));
	put(j, o, "reason", str(j, r ? NULL : g->reason));
	put(j, o, "why", str(j, g->why));
	put(j, o, "expires_in_days",
	    r && r->result == DD_REG_FOUND && r->expires.known
		    ? json_integer((json_int_t)days) : json_null());
	put(j, o, "record", rec);
	return o;
}

int dd_rep_json(const struct dd_evidence *ev, const struct dd_chk_findings *f,
		const struct dd_chk_verdict *v, const struct dd_rep_opts *o, struct dd_buf *out)
{
	struct js j = { 0 };
	json_t *doc = json_object();
	char when[32], *text = NULL;
	int64_t now = o && o->now ? o->now : ev->time;

	dd_clock_format(ev->time, when, sizeof(when));
	put(&j, doc, "schema", str(&j, DD_REP_SCHEMA));
	put(&j, doc, "domain", str(&j, ev->domain));
	put(&j, doc, "time", str(&j, when));
	dd_clock_format(now, when, sizeof(when));
	put(&j, doc, "judged_at", str(&j, when));
	put(&j, doc, "tool", str(&j, ev->tool));
	put(&j, doc, "verdict", verdict(&j, v));
	put(&j, doc, "findings", findings(&j, f));
	put(&j, doc, "delegation", delegation(&j, ev));
	if (ev->registration.present)
		put(&j, doc, "registration", registration(&j, ev, now));
	if (ev->deps.present)
		put(&j, doc, "dependencies", deps_obj(&j, ev, o, 0));
	if (ev->dnssec.present)
		put(&j, doc, "dnssec", dnssec_obj(&j, ev, now));
	if (!j.failed)
		text = json_dumps(doc, JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10) | JSON_ENSURE_ASCII |
					       (o && o->json_compact ? JSON_COMPACT : JSON_INDENT(2)));
	json_decref(doc);
	if (!text)
		return DD_ENOMEM;
	dd_buf_puts(out, text);
	dd_buf_puts(out, "\n");
	free(text);
	return dd_buf_failed(out) ? DD_ENOMEM : 0;
}

int dd_rep_deps_json(const struct dd_evidence *ev, const struct dd_rep_opts *o, struct dd_buf *out)
{
	struct js j = { 0 };
	json_t *doc;
	char when[32], *text = NULL;

	if (!ev->deps.present)
		return DD_ENOTFOUND;
	doc = json_object();
	dd_clock_format(ev->time, when, sizeof(when));
	put(&j, doc, "schema", str(&j, "dnsdeps.graph/1"));
	put(&j, doc, "domain", str(&j, ev->domain));
	put(&j, doc, "time", str(&j, when));
	put(&j, doc, "tool", str(&j, ev->tool));
	put(&j, doc, "dependencies", deps_obj(&j, ev, o, 1));
	if (!j.failed)
		text = json_dumps(doc, JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII | JSON_INDENT(2));
	json_decref(doc);
	if (!text)
		return DD_ENOMEM;
	dd_buf_puts(out, text);
	dd_buf_puts(out, "\n");
	free(text);
	return dd_buf_failed(out) ? DD_ENOMEM : 0;
}
