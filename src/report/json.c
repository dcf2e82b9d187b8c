/* json.c: the report for programs: one JSON object per domain, schema
 * "dnsdeps.check/1" (docs/json-output.md): the verdict, the findings, and
 * the delegation data (parent and child NS sets, per-server results).
 * Built as one arena tree (core/jtree.h) and printed as jansson would:
 * every string escaped, the output pure ASCII (anything else as \uXXXX);
 * strings that are not valid UTF-8 are written in their escaped form. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/env.h"
#include "core/err.h"
#include "core/jtree.h"
#include "graph/graph.h"
#include "dnssec/sec.h"
#include "reg/reg.h"
#include "report/rep_int.h"
#include "report/report.h"

static struct dd_jt_node *list(struct dd_jt *j, const struct dd_ev_strlist *l)
{
	struct dd_jt_node *a = dd_jt_array(j);

	for (size_t i = 0; a && i < l->n; i++)
		dd_jt_append(j, a, dd_jt_str(j, l->v[i]));
	return a;
}

/* {state, rcode, aa, rtt_ms, exchange} of one response. */
static struct dd_jt_node *response(struct dd_jt *j, const struct dd_ev_response *r)
{
	struct dd_jt_node *o = dd_jt_object(j);
	char rc[16];

	dd_jt_put(j, o, "state", dd_jt_str(j, dd_ev_state_name(r->state)));
	dd_jt_put(j, o, "rcode", r->rcode < 0 ? dd_jt_null(j) :
				 dd_jt_str(j, dd_ev_rcode_name(r->rcode, rc, sizeof(rc))));
	dd_jt_put(j, o, "aa", dd_jt_tri(j, r->aa));
	dd_jt_put(j, o, "rtt_ms", dd_jt_ms(j, r->rtt_ms));
	dd_jt_put(j, o, "exchange", dd_jt_int_or_null(j, r->exchange));
	return o;
}

static struct dd_jt_node *verdict(struct dd_jt *j, const struct dd_chk_verdict *v)
{
	struct dd_jt_node *o = dd_jt_object(j);

	dd_jt_put(j, o, "status", dd_jt_str(j, dd_chk_status_name(v->status)));
	dd_jt_put(j, o, "layer", dd_jt_str(j, dd_chk_layer_name(v->layer)));
	dd_jt_put(j, o, "summary", dd_jt_str(j, v->summary ? v->summary : ""));
	return o;
}

static struct dd_jt_node *findings(struct dd_jt *j, const struct dd_chk_findings *f)
{
	struct dd_jt_node *a = dd_jt_array(j);

	for (size_t i = 0; i < f->n; i++) {
		const struct dd_chk_finding *x = &f->v[i];
		struct dd_jt_node *o = dd_jt_object(j), *ids = dd_jt_array(j);
		for (size_t k = 0; ids && k < x->nevidence; k++)
			dd_jt_append(j, ids, dd_jt_int(j, x->evidence[k]));
		dd_jt_put(j, o, "code", dd_jt_str(j, x->def->code));
		dd_jt_put(j, o, "severity",
			  dd_jt_str(j, dd_chk_severity_name(x->def->severity)));
		dd_jt_put(j, o, "layer", dd_jt_str(j, dd_chk_layer_name(x->def->layer)));
		dd_jt_put(j, o, "message", dd_jt_str(j, x->message));
		dd_jt_put(j, o, "advice", dd_jt_str(j, x->def->advice));
		dd_jt_put(j, o, "evidence", ids);
		dd_jt_append(j, a, o);
	}
	return a;
}

static struct dd_jt_node *chain(struct dd_jt *j, const struct dd_evidence *ev)
{
	struct dd_jt_node *a = dd_jt_array(j);

	for (size_t i = 0; i < ev->nchain; i++) {
		const struct dd_ev_step *st = &ev->chain[i];
		struct dd_jt_node *o = dd_jt_object(j), *servers = dd_jt_array(j);
		for (size_t k = 0; k < st->nservers; k++) {
			const struct dd_ev_step_server *s = &st->servers[k];
			struct dd_jt_node *so = response(j, &s->r);
			dd_jt_put(j, so, "name", dd_jt_str(j, s->name));
			dd_jt_put(j, so, "address", dd_jt_str(j, s->address));
			dd_jt_put(j, so, "referral", dd_jt_str(j, s->referral));
			dd_jt_append(j, servers, so);
		}
		dd_jt_put(j, o, "zone", dd_jt_str(j, st->zone));
		dd_jt_put(j, o, "servers", servers);
		dd_jt_append(j, a, o);
	}
	return a;
}

static struct dd_jt_node *parent_servers(struct dd_jt *j, const struct dd_evidence *ev)
{
	struct dd_jt_node *a = dd_jt_array(j);

	for (size_t i = 0; i < ev->parent.nservers; i++) {
		const struct dd_ev_parent_server *s = &ev->parent.servers[i];
		struct dd_jt_node *o = response(j, &s->delegation.r), *glue = dd_jt_array(j);
		for (size_t g = 0; g < s->delegation.nglue; g++) {
			struct dd_jt_node *go = dd_jt_object(j);
			dd_jt_put(j, go, "name", dd_jt_str(j, s->delegation.glue[g].name));
			dd_jt_put(j, go, "address",
				  dd_jt_str(j, s->delegation.glue[g].address));
			dd_jt_put(j, go, "ttl", dd_jt_int_or_null(j, s->delegation.glue[g].ttl));
			dd_jt_append(j, glue, go);
		}
		dd_jt_put(j, o, "name", dd_jt_str(j, s->name));
		dd_jt_put(j, o, "address", dd_jt_str(j, s->address));
		dd_jt_put(j, o, "ns", list(j, &s->delegation.ns));
		dd_jt_put(j, o, "ns_ttl", dd_jt_int_or_null(j, s->delegation.ns_ttl));
		dd_jt_put(j, o, "glue", glue);
		dd_jt_put(j, o, "ds", list(j, &s->ds.records));
		dd_jt_append(j, a, o);
	}
	return a;
}

static struct dd_jt_node *soa(struct dd_jt *j, const struct dd_ev_soa *s)
{
	struct dd_jt_node *o = response(j, &s->r);

	dd_jt_put(j, o, "serial", dd_jt_int_or_null(j, s->serial));
	return o;
}

static struct dd_jt_node *nameservers(struct dd_jt *j, const struct dd_evidence *ev)
{
	struct dd_jt_node *a = dd_jt_array(j);

	for (size_t i = 0; i < ev->nnameservers; i++) {
		const struct dd_ev_nameserver *ns = &ev->nameservers[i];
		struct dd_jt_node *o = dd_jt_object(j), *res = dd_jt_object(j), *servers = dd_jt_array(j);
		dd_jt_put(j, res, "state",
			  dd_jt_str(j, dd_ev_rstate_name(ns->resolution.state)));
		dd_jt_put(j, res, "a", list(j, &ns->resolution.a));
		dd_jt_put(j, res, "aaaa", list(j, &ns->resolution.aaaa));
		dd_jt_put(j, res, "cname", dd_jt_str(j, ns->resolution.cname));
		for (size_t k = 0; k < ns->nservers; k++) {
			const struct dd_ev_ns_server *s = &ns->servers[k];
			struct dd_jt_node *so = dd_jt_object(j), *nsq = response(j, &s->ns_udp.r),
					  *ed = response(j, &s->edns.r);
			dd_jt_put(j, so, "address", dd_jt_str(j, s->address));
			dd_jt_put(j, so, "soa_udp", soa(j, &s->soa_udp));
			dd_jt_put(j, so, "soa_tcp", soa(j, &s->soa_tcp));
			dd_jt_put(j, nsq, "ns", list(j, &s->ns_udp.ns));
			dd_jt_put(j, so, "ns_udp", nsq);
			dd_jt_put(j, ed, "edns_version",
				  dd_jt_int_or_null(j, s->edns.edns_version));
			dd_jt_put(j, so, "edns", ed);
			dd_jt_append(j, servers, so);
		}
		dd_jt_put(j, o, "name", dd_jt_str(j, ns->name));
		dd_jt_put(j, o, "in_parent", dd_jt_bool(j, ns->in_parent));
		dd_jt_put(j, o, "in_child", dd_jt_bool(j, ns->in_child));
		dd_jt_put(j, o, "in_bailiwick", dd_jt_bool(j, ns->in_bailiwick));
		dd_jt_put(j, o, "glue", list(j, &ns->glue));
		dd_jt_put(j, o, "resolution", res);
		dd_jt_put(j, o, "servers", servers);
		dd_jt_append(j, a, o);
	}
	return a;
}

static struct dd_jt_node *delegation(struct dd_jt *j, const struct dd_evidence *ev)
{
	struct dd_ev_strlist pset = { 0 }, cset = { 0 };
	struct dd_jt_node *o = dd_jt_object(j);

	if (dd_chk_ns_sets(ev, &pset, &cset) != 0)
		j->failed = 1;
	dd_jt_put(j, o, "parent_zone", dd_jt_str(j, ev->parent.zone));
	dd_jt_put(j, o, "parent_ns", list(j, &pset));
	dd_jt_put(j, o, "child_ns", list(j, &cset));
	dd_jt_put(j, o, "chain", chain(j, ev));
	dd_jt_put(j, o, "parent_servers", parent_servers(j, ev));
	dd_jt_put(j, o, "nameservers", nameservers(j, ev));
	dd_ev_strlist_free(&pset);
	dd_ev_strlist_free(&cset);
	return o;
}

/* ---- DNSSEC (docs/dnssec.md) --------------------------------------------- */

static struct dd_jt_node *sec_time(struct dd_jt *j, int64_t t)
{
	char iso[32];

	if (t < 0)
		return dd_jt_null(j);
	dd_clock_format(t, iso, sizeof(iso));
	return dd_jt_str(j, iso);
}

static struct dd_jt_node *sec_sig(struct dd_jt *j, const struct dd_sec_sigcheck *x)
{
	struct dd_jt_node *o = dd_jt_object(j);
	int dated = x->sig == DD_SEC_SIG_VALID || x->sig == DD_SEC_SIG_EXPIRED ||
		    x->sig == DD_SEC_SIG_NOT_YET;

	dd_jt_put(j, o, "signatures",
		  dd_jt_str(j, x->sig == DD_SEC_SIG_NONE ? "none" : dd_sec_sig_name(x->sig)));
	dd_jt_put(j, o, x->sig == DD_SEC_SIG_NOT_YET ? "valid_from" : "expires",
		  dated ? sec_time(j, x->when) : dd_jt_null(j));
	dd_jt_put(j, o, "key_tag", dd_jt_int_or_null(j, x->tag));
	dd_jt_put(j, o, "exchange", dd_jt_int_or_null(j, x->exchange));
	return o;
}

static struct dd_jt_node *sec_server(struct dd_jt *j, const struct dd_sec_server *s)
{
	struct dd_jt_node *o = dd_jt_object(j), *keys = dd_jt_array(j);

	for (size_t k = 0; k < s->nkeys; k++) {
		const struct dd_sec_key *key = &s->keys[k];
		struct dd_jt_node *ko = dd_jt_object(j);
		dd_jt_put(j, ko, "tag", dd_jt_int(j, (int)key->tag));
		dd_jt_put(j, ko, "algorithm", dd_jt_int(j, (int)key->alg));
		dd_jt_put(j, ko, "flags", dd_jt_int(j, (int)key->flags));
		dd_jt_put(j, ko, "ds", dd_jt_bool(j, key->ds));
		dd_jt_append(j, keys, ko);
	}
	dd_jt_put(j, o, "name", dd_jt_str(j, s->name));
	dd_jt_put(j, o, "address", dd_jt_str(j, s->address));
	dd_jt_put(j, o, "answered", dd_jt_bool(j, s->answered));
	dd_jt_put(j, o, "keys", keys);
	dd_jt_put(j, o, "keys_over_tcp", dd_jt_bool(j, s->from_tcp));
	dd_jt_put(j, o, "udp_tcp_differ", dd_jt_bool(j, s->udp_tcp_differ));
	dd_jt_put(j, o, "dnskey", sec_sig(j, &s->dnskey));
	dd_jt_put(j, o, "soa", sec_sig(j, &s->soa));
	dd_jt_put(j, o, "ns", sec_sig(j, &s->ns));
	dd_jt_put(j, o, "cds", dd_jt_int(j, s->ncds));
	dd_jt_put(j, o, "cdnskey", dd_jt_int(j, s->ncdnskey));
	dd_jt_put(j, o, "cds_delete", dd_jt_bool(j, s->cds_delete));
	return o;
}

/* Each parent server address's proof that the domain has no DS (judged
 * when the parent zone is secure and the answer had none). */
static struct dd_jt_node *ds_denial(struct dd_jt *j, const struct dd_sec_result *r)
{
	struct dd_jt_node *a = dd_jt_array(j);

	for (size_t i = 0; i < r->ndenials; i++) {
		const struct dd_sec_denial_at *d = &r->denials[i];
		struct dd_jt_node *o = dd_jt_object(j);
		dd_jt_put(j, o, "name", dd_jt_str(j, d->name));
		dd_jt_put(j, o, "address", dd_jt_str(j, d->address));
		dd_jt_put(j, o, "proof", dd_jt_str(j, dd_sec_denial_name(d->state)));
		dd_jt_put(j, o, "records", d->kind[0] ? dd_jt_str(j, d->kind) : dd_jt_null(j));
		dd_jt_put(j, o, "signatures", sec_sig(j, &d->sig));
		dd_jt_append(j, a, o);
	}
	return a;
}

static struct dd_jt_node *dnssec_obj(struct dd_jt *j, const struct dd_evidence *ev, int64_t now,
				     const struct dd_chk_findings *f)
{
	struct dd_rep_sec sec;
	struct dd_jt_node *o = dd_jt_object(j), *chain = dd_jt_array(j), *ds = dd_jt_array(j),
			  *servers = dd_jt_array(j);

	if (dd_rep_sec_open(ev, now, f, &sec) != 0)
		j->failed = 1;
	const struct dd_sec_result r = *sec.r;
	dd_jt_put(j, o, "state", dd_jt_str(j, dd_sec_state_name(r.state)));
	dd_jt_put(j, o, "why", dd_jt_str(j, r.why));
	dd_jt_put(j, o, "anchor_source",
		  dd_jt_str(j, ev->dnssec.anchor_source ? ev->dnssec.anchor_source
							  : dd_ev_anchor_builtin_source()));
	for (size_t i = 0; i < r.nzones; i++) {
		struct dd_jt_node *z = dd_jt_object(j);
		dd_jt_put(j, z, "zone", dd_jt_str(j, r.zones[i].zone));
		dd_jt_put(j, z, "state", dd_jt_str(j, dd_sec_state_name(r.zones[i].state)));
		dd_jt_put(j, z, "why", dd_jt_str(j, r.zones[i].why));
		dd_jt_append(j, chain, z);
	}
	dd_jt_put(j, o, "chain", chain);
	for (size_t i = 0; i < r.nds; i++) {
		struct dd_jt_node *d = dd_jt_object(j);
		dd_jt_put(j, d, "tag", dd_jt_int(j, (int)r.ds[i].tag));
		dd_jt_put(j, d, "algorithm", dd_jt_int(j, (int)r.ds[i].alg));
		dd_jt_put(j, d, "digest", dd_jt_int(j, (int)r.ds[i].digest));
		dd_jt_put(j, d, "supported", dd_jt_bool(j, r.ds[i].supported));
		dd_jt_put(j, d, "matched", dd_jt_bool(j, r.ds[i].matched));
		dd_jt_append(j, ds, d);
	}
	dd_jt_put(j, o, "ds", ds);
	dd_jt_put(j, o, "ds_denial", ds_denial(j, &r));
	for (size_t i = 0; i < r.nservers; i++)
		dd_jt_append(j, servers, sec_server(j, &r.servers[i]));
	dd_jt_put(j, o, "servers", servers);
	dd_rep_sec_close(&sec);
	return o;
}

/* ---- dependencies (docs/dependencies.md) --------------------------------- */

static struct dd_jt_node *count_obj(struct dd_jt *j, const struct dd_graph_count *c,
				    int controlled)
{
	struct dd_jt_node *o = dd_jt_object(j);

	dd_jt_put(j, o, "total", dd_jt_int(j, c->total));
	if (controlled)
		dd_jt_put(j, o, "controlled", dd_jt_int(j, c->controlled));
	return o;
}

static struct dd_jt_node *deps_counts(struct dd_jt *j, const struct dd_graph_counts *c)
{
	struct dd_jt_node *o = dd_jt_object(j), *x;

	dd_jt_put(j, o, "zones", count_obj(j, &c->zones, 1));
	dd_jt_put(j, o, "servers", count_obj(j, &c->servers, 1));
	dd_jt_put(j, o, "addresses", count_obj(j, &c->addresses, 0));
	dd_jt_put(j, o, "registries", count_obj(j, &c->registries, 0));
	x = count_obj(j, &c->registrars, 0);
	dd_jt_put(j, x, "unknown", dd_jt_int(j, c->registrars_unknown));
	dd_jt_put(j, o, "registrars", x);
	dd_jt_put(j, o, "operators", count_obj(j, &c->operators, 1));
	dd_jt_put(j, o, "networks", count_obj(j, &c->networks, 0));
	x = count_obj(j, &c->ases, 0);
	dd_jt_put(j, x, "addresses_unknown", dd_jt_int(j, c->ases_unknown));
	dd_jt_put(j, o, "ases", x);
	return o;
}

/* The entities of one kind root 0 depends on, each with its members. */
static struct dd_jt_node *deps_entities(struct dd_jt *j, const struct dd_graph *g,
					const struct dd_graph_analysis *a, enum dd_graph_kind kind)
{
	struct dd_jt_node *arr = dd_jt_array(j);

	for (size_t e = 0; e < g->nentities; e++) {
		const struct dd_graph_entity *ent = &g->entities[e];
		struct dd_jt_node *o, *m;
		const char *mkey = "addresses";
		if (ent->kind != kind || !a->roots[0].uses[e])
			continue;
		o = dd_jt_object(j);
		m = dd_jt_array(j);
		dd_jt_put(j, o, "name", dd_jt_str(j, ent->name));
		if (kind == DD_GK_REGISTRY || kind == DD_GK_REGISTRAR) {
			int inh = kind == DD_GK_REGISTRY
					  ? dd_name_is_subdomain(g->roots[0].name, ent->name)
					  : (int)e == g->roots[0].registrar;
			mkey = "domains";
			for (size_t z = 0; z < g->nzones; z++)
				if (g->zones[z].apex &&
				    (kind == DD_GK_REGISTRY ? g->zones[z].registry
							    : g->zones[z].registrar) == (int)e)
					dd_jt_append(j, m,
						    dd_jt_str(j, g->zones[z].registrable));
			dd_jt_put(j, o, "inherent", dd_jt_bool(j, inh));
			if (kind == DD_GK_REGISTRAR)
				dd_jt_put(j, o, "known", dd_jt_bool(j, ent->known));
		} else if (kind == DD_GK_OPERATOR) {
			mkey = "servers";
			for (size_t h = 0; h < g->nhosts; h++)
				if (g->hosts[h].operator == (int)e)
					dd_jt_append(j, m, dd_jt_str(j, g->hosts[h].name));
			dd_jt_put(j, o, "controlled",
				  dd_jt_bool(j, strcmp(ent->key, g->roots[0].registrable) == 0));
		} else {
			for (size_t x = 0; x < g->naddrs; x++)
				if ((kind == DD_GK_NETWORK ? g->addrs[x].network
							   : g->addrs[x].as) == (int)e)
					dd_jt_append(j, m, dd_jt_str(j, g->addrs[x].text));
		}
		dd_jt_put(j, o, mkey, m);
		dd_jt_append(j, arr, o);
	}
	return arr;
}

static struct dd_jt_node *deps_spofs(struct dd_jt *j, const struct dd_graph *g,
				     const struct dd_graph_spof *s, size_t n)
{
	struct dd_jt_node *arr = dd_jt_array(j);

	for (size_t i = 0; i < n; i++) {
		const struct dd_graph_entity *e = &g->entities[s[i].entity];
		struct dd_jt_node *o = dd_jt_object(j);
		dd_jt_put(j, o, "kind", dd_jt_str(j, dd_graph_kind_name(e->kind)));
		dd_jt_put(j, o, "name", dd_jt_str(j, e->name));
		dd_jt_put(j, o, "inherent", dd_jt_bool(j, s[i].inherent));
		dd_jt_put(j, o, "advice", dd_jt_str(j, s[i].advice));
		/* entries with one via fail as one (docs/dependencies.md) */
		dd_jt_put(j, o, "via", s[i].via >= 0 && (size_t)s[i].via < g->nzones ?
					       dd_jt_str(j, g->zones[s[i].via].name) : dd_jt_null(j));
		dd_jt_append(j, arr, o);
	}
	return arr;
}

static struct dd_jt_node *deps_hijacks(struct dd_jt *j, const struct dd_graph *g,
				       const struct dd_graph_analysis *a)
{
	struct dd_jt_node *arr = dd_jt_array(j);

	for (size_t i = 0; i < a->nhijacks; i++) {
		const struct dd_graph_hijack *h = &a->hijacks[i];
		struct dd_jt_node *o = dd_jt_object(j), *ns = dd_jt_array(j);
		for (size_t k = 0; k < h->nhosts; k++)
			dd_jt_append(j, ns, dd_jt_str(j, g->hosts[h->hosts[k]].name));
		dd_jt_put(j, o, "kind", dd_jt_str(j, dd_graph_hijack_name(h->kind)));
		dd_jt_put(j, o, "domain", dd_jt_str(j, h->domain));
		dd_jt_put(j, o, "nameservers", ns);
		dd_jt_put(j, o, "depth", dd_jt_int(j, h->depth));
		dd_jt_put(j, o, "message", dd_jt_str(j, h->message));
		dd_jt_append(j, arr, o);
	}
	return arr;
}

static struct dd_jt_node *deps_backups(struct dd_jt *j, const struct dd_graph *g,
				       const struct dd_graph_analysis *a)
{
	struct dd_jt_node *arr = dd_jt_array(j);

	for (size_t r = 1; r < a->nroots; r++) {
		const struct dd_graph_rootres *res = &a->roots[r];
		struct dd_jt_node *o = dd_jt_object(j), *sh = dd_jt_array(j);
		for (size_t i = 0; i < res->nshared; i++) {
			const struct dd_graph_entity *e = &g->entities[res->shared[i]];
			struct dd_jt_node *so = dd_jt_object(j);
			dd_jt_put(j, so, "kind", dd_jt_str(j, dd_graph_kind_name(e->kind)));
			dd_jt_put(j, so, "name", dd_jt_str(j, e->name));
			dd_jt_append(j, sh, so);
		}
		dd_jt_put(j, o, "domain", dd_jt_str(j, g->roots[r].name));
		dd_jt_put(j, o, "resolvable", dd_jt_bool(j, res->resolvable));
		dd_jt_put(j, o, "counts", deps_counts(j, &res->counts));
		dd_jt_put(j, o, "shares", sh);
		dd_jt_put(j, o, "spofs", deps_spofs(j, g, res->spofs, res->nspofs));
		dd_jt_append(j, arr, o);
	}
	return arr;
}

/* Zones and NS names one by one (dnsdeps graph). */
static void deps_detail(struct dd_jt *j, struct dd_jt_node *o, const struct dd_graph *g)
{
	struct dd_jt_node *zones = dd_jt_array(j), *hosts = dd_jt_array(j);

	for (size_t z = 0; z < g->nzones; z++) {
		const struct dd_graph_zone *zone = &g->zones[z];
		struct dd_jt_node *zo = dd_jt_object(j), *ns = dd_jt_array(j);
		for (size_t k = 0; k < zone->nns; k++) {
			struct dd_jt_node *no = dd_jt_object(j), *glue = dd_jt_array(j);
			for (size_t i = 0; i < zone->ns[k].nglue; i++)
				dd_jt_append(j, glue,
					    dd_jt_str(j, g->addrs[zone->ns[k].glue[i]].text));
			dd_jt_put(j, no, "name", dd_jt_str(j, g->hosts[zone->ns[k].host].name));
			dd_jt_put(j, no, "glue", glue);
			dd_jt_append(j, ns, no);
		}
		dd_jt_put(j, zo, "name", dd_jt_str(j, zone->name));
		dd_jt_put(j, zo, "parent",
			  zone->parent >= 0 ? dd_jt_str(j, g->zones[zone->parent].name)
					    : dd_jt_null(j));
		dd_jt_put(j, zo, "depth", dd_jt_int(j, zone->depth));
		dd_jt_put(j, zo, "registrable",
			  zone->registrable[0] ? dd_jt_str(j, zone->registrable) : dd_jt_null(j));
		dd_jt_put(j, zo, "registry",
			  zone->registry >= 0 ? dd_jt_str(j, g->entities[zone->registry].name)
					      : dd_jt_null(j));
		dd_jt_put(j, zo, "registrar",
			  zone->registrar >= 0 ? dd_jt_str(j, g->entities[zone->registrar].name)
					       : dd_jt_null(j));
		dd_jt_put(j, zo, "ns", ns);
		dd_jt_append(j, zones, zo);
	}
	for (size_t h = 0; h < g->nhosts; h++) {
		const struct dd_graph_host *host = &g->hosts[h];
		struct dd_jt_node *ho = dd_jt_object(j), *addrs = dd_jt_array(j);
		for (size_t i = 0; i < host->naddrs; i++) {
			const struct dd_graph_addr *a = &g->addrs[host->addrs[i]];
			struct dd_jt_node *ao = dd_jt_object(j);
			dd_jt_put(j, ao, "address", dd_jt_str(j, a->text));
			dd_jt_put(j, ao, "network", dd_jt_str(j, g->entities[a->network].name));
			dd_jt_put(j, ao, "as",
				  a->as >= 0 ? dd_jt_str(j, g->entities[a->as].name)
					     : dd_jt_null(j));
			dd_jt_append(j, addrs, ao);
		}
		dd_jt_put(j, ho, "name", dd_jt_str(j, host->name));
		dd_jt_put(j, ho, "zone",
			  host->zone >= 0 ? dd_jt_str(j, g->zones[host->zone].name)
					  : dd_jt_null(j));
		dd_jt_put(j, ho, "state", dd_jt_str(j, dd_ev_rstate_name(host->state)));
		dd_jt_put(j, ho, "depth", dd_jt_int(j, host->depth));
		dd_jt_put(j, ho, "followed", dd_jt_bool(j, host->followed));
		dd_jt_put(j, ho, "operator", dd_jt_str(j, g->entities[host->operator].name));
		dd_jt_put(j, ho, "addresses", addrs);
		dd_jt_append(j, hosts, ho);
	}
	dd_jt_put(j, o, "zones", zones);
	dd_jt_put(j, o, "nameservers", hosts);
}

/* The "dependencies" object; NULL (with j->failed) when it cannot be built. */
static struct dd_jt_node *deps_obj(struct dd_jt *j, const struct dd_evidence *ev,
				   const struct dd_rep_opts *o, int detail, const struct dd_chk_findings *f)
{
	struct dd_rep_deps v;
	struct dd_jt_node *d, *unk;

	if (dd_rep_deps_open(ev, o && o->judge.now ? o->judge.now : ev->time, f, &v) != 0) {
		j->failed = 1;
		return NULL;
	}
	const struct dd_graph *g = v.g;
	const struct dd_graph_analysis a = v.a; /* a view: closed below */
	d = dd_jt_object(j);
	dd_jt_put(j, d, "domain", g->nroots ? dd_jt_str(j, g->roots[0].name) : dd_jt_null(j));
	dd_jt_put(j, d, "resolvable", dd_jt_bool(j, g->nroots && a.roots[0].resolvable));
	dd_jt_put(j, d, "truncated", dd_jt_bool(j, g->truncated));
	dd_jt_put(j, d, "max_depth", dd_jt_int(j, ev->deps.max_depth));
	dd_jt_put(j, d, "asn_source", dd_jt_str(j, ev->deps.asn_source));
	dd_jt_put(j, d, "registration", dd_jt_bool(j, ev->deps.registration));
	if (g->nroots) {
		dd_jt_put(j, d, "counts", deps_counts(j, &a.roots[0].counts));
		dd_jt_put(j, d, "registries", deps_entities(j, g, &a, DD_GK_REGISTRY));
		dd_jt_put(j, d, "registrars", deps_entities(j, g, &a, DD_GK_REGISTRAR));
		dd_jt_put(j, d, "operators", deps_entities(j, g, &a, DD_GK_OPERATOR));
		dd_jt_put(j, d, "networks", deps_entities(j, g, &a, DD_GK_NETWORK));
		dd_jt_put(j, d, "ases", deps_entities(j, g, &a, DD_GK_AS));
		dd_jt_put(j, d, "spofs", deps_spofs(j, g, a.roots[0].spofs, a.roots[0].nspofs));
	}
	dd_jt_put(j, d, "hijack_risks", deps_hijacks(j, g, &a));
	unk = dd_jt_array(j);
	for (size_t i = 0; i < a.nreg_unknown; i++)
		dd_jt_append(j, unk, dd_jt_str(j, a.reg_unknown[i]));
	dd_jt_put(j, d, "registration_unknown", unk);
	dd_jt_put(j, d, "backups", deps_backups(j, g, &a));
	dd_jt_put(j, d, "group_spofs", deps_spofs(j, g, a.group_spofs, a.ngroup_spofs));
	if (detail)
		deps_detail(j, d, g);
	dd_rep_deps_close(&v);
	return d;
}

/* The registry's record as reg.h writes it (a jansson tree, copied), without
 * its schema. */
static struct dd_jt_node *reg_record(struct dd_jt *j, const struct dd_reg_record *r)
{
	json_t *doc = dd_reg_to_json(r, 0);
	struct dd_jt_node *rec = dd_jt_from_jansson(j, doc);

	json_decref(doc);
	dd_jt_del(rec, "schema");
	return rec;
}

/* The registry's record (without the raw documents: those are in the
 * evidence), or why there is none, and the days left at the judged time. */
static struct dd_jt_node *registration(struct dd_jt *j, const struct dd_evidence *ev, int64_t now)
{
	const struct dd_ev_registration *g = &ev->registration;
	const struct dd_reg_record *r = g->record;
	struct dd_jt_node *o = dd_jt_object(j), *rec = r ? reg_record(j, r) : dd_jt_null(j);
	int64_t left = r ? r->expires.t - now : 0;
	int64_t days = left >= 0 ? left / 86400 : -((-left + 86399) / 86400); /* floor */

	dd_jt_put(j, o, "domain", dd_jt_str(j, g->domain));
	dd_jt_put(j, o, "result",
		  dd_jt_str(j, r ? dd_reg_result_name(r->result) : "unavailable"));
	dd_jt_put(j, o, "reason", dd_jt_str(j, r ? NULL : g->reason));
	dd_jt_put(j, o, "why", dd_jt_str(j, g->why));
	dd_jt_put(j, o, "expires_in_days",
		  r && r->result == DD_REG_FOUND && r->expires.known
		      ? dd_jt_int(j, days)
		      : dd_jt_null(j));
	dd_jt_put(j, o, "record", rec);
	return o;
}

int dd_rep_json(const struct dd_evidence *ev, const struct dd_chk_findings *f,
		const struct dd_chk_verdict *v, const struct dd_rep_opts *o, struct dd_buf *out)
{
	struct dd_jt j = { 0 };
	struct dd_jt_node *doc = dd_jt_object(&j);
	char when[32];
	int64_t now = o && o->judge.now ? o->judge.now : ev->time;

	dd_clock_format(ev->time, when, sizeof(when));
	dd_jt_put(&j, doc, "schema", dd_jt_str(&j, DD_REP_SCHEMA));
	/* A host name is what was asked about; zone is the zone judged for it. */
	dd_jt_put(&j, doc, "domain",
		  dd_jt_str(&j, ev->host.present && ev->host.name ? ev->host.name : ev->domain));
	if (ev->host.present)
		dd_jt_put(&j, doc, "zone", dd_jt_str(&j, ev->domain));
	dd_jt_put(&j, doc, "time", dd_jt_str(&j, when));
	dd_clock_format(now, when, sizeof(when));
	dd_jt_put(&j, doc, "judged_at", dd_jt_str(&j, when));
	dd_jt_put(&j, doc, "tool", dd_jt_str(&j, ev->tool));
	dd_jt_put(&j, doc, "verdict", verdict(&j, v));
	dd_jt_put(&j, doc, "findings", findings(&j, f));
	dd_jt_put(&j, doc, "delegation", delegation(&j, ev));
	if (ev->registration.present)
		dd_jt_put(&j, doc, "registration", registration(&j, ev, now));
	if (ev->deps.present)
		dd_jt_put(&j, doc, "dependencies", deps_obj(&j, ev, o, 0, f));
	if (ev->dnssec.present)
		dd_jt_put(&j, doc, "dnssec", dnssec_obj(&j, ev, now, f));
	return dd_jt_print(&j, doc,
			   JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10) | JSON_ENSURE_ASCII |
			       (o && o->json_compact ? JSON_COMPACT : JSON_INDENT(2)),
			   out);
}

int dd_rep_deps_json(const struct dd_evidence *ev, const struct dd_rep_opts *o, struct dd_buf *out)
{
	struct dd_jt j = { 0 };
	struct dd_jt_node *doc;
	char when[32];

	if (!ev->deps.present)
		return DD_ENOTFOUND;
	doc = dd_jt_object(&j);
	dd_clock_format(ev->time, when, sizeof(when));
	dd_jt_put(&j, doc, "schema", dd_jt_str(&j, "dnsdeps.graph/1"));
	dd_jt_put(&j, doc, "domain", dd_jt_str(&j, ev->domain));
	dd_jt_put(&j, doc, "time", dd_jt_str(&j, when));
	dd_jt_put(&j, doc, "tool", dd_jt_str(&j, ev->tool));
	dd_jt_put(&j, doc, "dependencies", deps_obj(&j, ev, o, 1, NULL));
	return dd_jt_print(&j, doc, JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII | JSON_INDENT(2),
			   out);
}
