/* text.c: the report for people. The verdict comes first (one line of
 * status and layer, one sentence), then the way down layer by layer with
 * each server's state and round trip, then the findings, most severe first,
 * each with its advice. Every string that came from the evidence is escaped;
 * colour is used only when the caller asks for it. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/env.h"
#include "core/err.h"
#include "core/esc.h"
#include "graph/graph.h"
#include "dnssec/sec.h"
#include "reg/reg.h"
#include "report/rep_int.h"
#include "report/report.h"

#define RED "\033[31m"
#define YELLOW "\033[33m"
#define GREEN "\033[32m"
#define CYAN "\033[36m"
#define DIM "\033[2m"
#define BOLD "\033[1m"
#define RESET "\033[0m"

struct tx {
	struct dd_buf *b;
	int color;
};

static void on(struct tx *t, const char *code)
{
	if (t->color)
		dd_buf_puts(t->b, code);
}

static void off(struct tx *t)
{
	if (t->color)
		dd_buf_puts(t->b, RESET);
}

static const char *status_color(enum dd_chk_status s)
{
	switch (s) {
	case DD_STATUS_OK: return GREEN;
	case DD_STATUS_WARNING: return YELLOW;
	case DD_STATUS_CRITICAL: return RED;
	default: return CYAN;
	}
}

static const char *severity_color(enum dd_chk_severity s)
{
	switch (s) {
	case DD_SEV_CRITICAL:
	case DD_SEV_ERROR: return RED;
	case DD_SEV_WARNING: return YELLOW;
	case DD_SEV_NOTICE: return CYAN;
	default: return DIM;
	}
}

/* Append s escaped, padded with spaces to width columns (bytes). */
static void cell(struct tx *t, const char *s, int width)
{
	size_t before = t->b->len;

	dd_buf_esc(t->b, s ? s : "-");
	for (size_t n = t->b->len - before; (int)n < width; n++)
		dd_buf_add(t->b, " ", 1);
}

static void upper(struct dd_buf *b, const char *s)
{
	for (; *s; s++) {
		char c = *s >= 'a' && *s <= 'z' ? (char)(*s - 'a' + 'A') : *s;
		dd_buf_add(b, &c, 1);
	}
}

/* "answer aa", "referral to sm.", "NXDOMAIN", "timeout" (escaped). */
static void state(struct tx *t, const struct dd_ev_response *r, const char *referral)
{
	char rc[16];
	int bad = !dd_ev_state_replied(r->state) || r->state == DD_EV_REFUSED ||
		  r->state == DD_EV_SERVFAIL || r->state == DD_EV_NXDOMAIN ||
		  r->state == DD_EV_LAME || r->state == DD_EV_NOTAUTH || r->state == DD_EV_RCODE;

	if (r->state == DD_EV_SKIPPED) {
		on(t, DIM);
		dd_buf_puts(t->b, "skipped");
		off(t);
		return;
	}
	if (bad)
		on(t, RED);
	if (r->state == DD_EV_REFERRAL && referral) {
		dd_buf_puts(t->b, "referral to ");
		dd_buf_esc_name(t->b, referral);
	} else if (r->rcode > 0) {
		dd_buf_puts(t->b, dd_ev_rcode_name(r->rcode, rc, sizeof(rc)));
	} else {
		dd_buf_puts(t->b, dd_ev_state_name(r->state));
	}
	if (bad)
		off(t);
	if (r->state == DD_EV_ANSWER)
		dd_buf_puts(t->b, r->aa > 0 ? " aa" : r->aa == 0 ? " (no aa)" : "");
}

static void rtt(struct tx *t, double ms)
{
	if (ms >= 0)
		dd_buf_printf(t->b, "  %.1f ms", ms);
}

/* The status line, then sep (a newline; -q: two blanks), then the sentence. */
static void verdict(struct tx *t, const struct dd_evidence *ev, const struct dd_chk_verdict *v,
		    const char *sep)
{
	on(t, BOLD);
	dd_buf_esc_name(t->b, ev->host.present && ev->host.name ? ev->host.name : ev->domain);
	off(t);
	dd_buf_puts(t->b, "  ");
	on(t, status_color(v->status));
	upper(t->b, dd_chk_status_name(v->status));
	off(t);
	if (v->layer != DD_LAYER_NONE)
		dd_buf_printf(t->b, "  (layer: %s)", dd_chk_layer_name(v->layer));
	dd_buf_puts(t->b, sep);
	dd_buf_esc_msg(t->b, v->summary ? v->summary : "");
	dd_buf_puts(t->b, "\n");
}

static void heading(struct tx *t, const char *title)
{
	dd_buf_puts(t->b, "\n");
	on(t, BOLD);
	dd_buf_puts(t->b, title);
	off(t);
	dd_buf_puts(t->b, "\n");
}

static void zone_line(struct tx *t, const char *zone, const char *what)
{
	dd_buf_puts(t->b, "  ");
	on(t, BOLD);
	dd_buf_esc_name(t->b, zone ? zone : "?");
	off(t);
	if (what)
		dd_buf_printf(t->b, "  %s", what);
	dd_buf_puts(t->b, "\n");
}

/* A list on one line, at most LIST_MAX entries (the JSON has them all). */
#define LIST_MAX 16

static void list(struct tx *t, const struct dd_ev_strlist *l)
{
	for (size_t i = 0; i < l->n && i < LIST_MAX; i++) {
		if (i)
			dd_buf_puts(t->b, " ");
		dd_buf_esc(t->b, l->v[i]);
	}
	if (l->n > LIST_MAX)
		dd_buf_printf(t->b, " and %zu more", l->n - LIST_MAX);
	if (!l->n)
		dd_buf_puts(t->b, "(none)");
}

static void chain(struct tx *t, const struct dd_evidence *ev)
{
	const struct dd_ev_parent *p = &ev->parent;

	for (size_t i = 0; i < ev->nchain; i++) {
		const struct dd_ev_step *st = &ev->chain[i];
		if (p->zone && p->nservers && st->zone && strcasecmp(st->zone, p->zone) == 0)
			continue; /* shown in full below */
		zone_line(t, st->zone, st->zone && strcmp(st->zone, ".") == 0 ? "(root)" : NULL);
		for (size_t j = 0; j < st->nservers; j++) {
			const struct dd_ev_step_server *s = &st->servers[j];
			dd_buf_puts(t->b, "    ");
			cell(t, s->name, 28);
			dd_buf_puts(t->b, " ");
			cell(t, s->address, 24);
			dd_buf_puts(t->b, " ");
			state(t, &s->r, s->referral);
			rtt(t, s->r.rtt_ms);
			dd_buf_puts(t->b, "\n");
		}
	}
}

static void parent(struct tx *t, const struct dd_evidence *ev)
{
	const struct dd_ev_parent *p = &ev->parent;

	if (!p->zone && !p->error_code)
		return;
	zone_line(t, p->zone, "(parent zone: the registry's view of the delegation)");
	if (p->error_code) {
		dd_buf_puts(t->b, "    ");
		on(t, RED);
		dd_buf_esc(t->b, p->error_code);
		off(t);
		if (p->error_message) {
			dd_buf_puts(t->b, ": ");
			dd_buf_esc(t->b, p->error_message);
		}
		dd_buf_puts(t->b, "\n");
	}
	for (size_t i = 0; i < p->nservers; i++) {
		const struct dd_ev_parent_server *s = &p->servers[i];
		dd_buf_puts(t->b, "    ");
		cell(t, s->name, 28);
		dd_buf_puts(t->b, " ");
		cell(t, s->address, 24);
		dd_buf_puts(t->b, " ");
		state(t, &s->delegation.r, NULL);
		if (s->delegation.ns.n) {
			dd_buf_puts(t->b, ": ");
			list(t, &s->delegation.ns);
		}
		if (s->delegation.nglue)
			dd_buf_printf(t->b, " (+%zu glue)", s->delegation.nglue);
		rtt(t, s->delegation.r.rtt_ms);
		dd_buf_puts(t->b, "\n");
	}
}

static void soa(struct tx *t, const char *label, const struct dd_ev_soa *s)
{
	dd_buf_printf(t->b, "%s ", label);
	state(t, &s->r, NULL);
	if (s->serial >= 0)
		dd_buf_printf(t->b, " serial %lld", (long long)s->serial);
	rtt(t, s->r.rtt_ms);
}

static void nameservers(struct tx *t, const struct dd_evidence *ev)
{
	struct dd_ev_strlist pset = { 0 }, cset = { 0 };

	if (!ev->nnameservers)
		return;
	zone_line(t, ev->domain, "(the domain's own nameservers)");
	if (dd_chk_ns_sets(ev, &pset, &cset) == 0) {
		dd_buf_puts(t->b, "    NS at the parent: ");
		list(t, &pset);
		dd_buf_puts(t->b, "\n    NS at the domain: ");
		list(t, &cset);
		dd_buf_puts(t->b, "\n");
	}
	dd_ev_strlist_free(&pset);
	dd_ev_strlist_free(&cset);
	for (size_t i = 0; i < ev->nnameservers; i++) {
		const struct dd_ev_nameserver *ns = &ev->nameservers[i];
		const struct dd_ev_resolution *r = &ns->resolution;
		dd_buf_puts(t->b, "    ");
		on(t, BOLD);
		dd_buf_esc_name(t->b, ns->name);
		off(t);
		dd_buf_printf(t->b, "  [%s%s%s] address lookup %s", ns->in_parent ? "parent" : "",
			      ns->in_parent && ns->in_child ? ", " : "", ns->in_child ? "child" : "",
			      dd_ev_rstate_name(r->state));
		if (r->cname) {
			dd_buf_puts(t->b, ", alias of ");
			dd_buf_esc_name(t->b, r->cname);
		}
		if (r->message) {
			dd_buf_puts(t->b, " (");
			dd_buf_esc(t->b, r->message);
			dd_buf_puts(t->b, ")");
		}
		if (ns->glue.n) {
			dd_buf_puts(t->b, ", glue ");
			list(t, &ns->glue);
		}
		dd_buf_puts(t->b, "\n");
		for (size_t j = 0; j < ns->nservers; j++) {
			const struct dd_ev_ns_server *s = &ns->servers[j];
			dd_buf_puts(t->b, "      ");
			cell(t, s->address, 24);
			dd_buf_puts(t->b, " ");
			soa(t, "SOA/udp", &s->soa_udp);
			dd_buf_puts(t->b, "; ");
			soa(t, "SOA/tcp", &s->soa_tcp);
			dd_buf_puts(t->b, "; EDNS1 ");
			state(t, &s->edns.r, NULL);
			dd_buf_puts(t->b, "\n");
		}
	}
}

static void advice(struct tx *t, const struct dd_chk_def *d)
{
	dd_buf_puts(t->b, "    ");
	on(t, DIM);
	dd_buf_puts(t->b, "-> ");
	dd_buf_puts(t->b, d->advice);
	off(t);
	dd_buf_puts(t->b, "\n");
}

static void findings(struct tx *t, const struct dd_chk_findings *f)
{
	if (!f->n) {
		dd_buf_puts(t->b, "  none\n");
		return;
	}
	for (size_t i = 0; i < f->n; i++) {
		const struct dd_chk_finding *x = &f->v[i];
		dd_buf_puts(t->b, "  ");
		on(t, severity_color(x->def->severity));
		upper(t->b, dd_chk_severity_name(x->def->severity));
		off(t);
		dd_buf_printf(t->b, "  %s  (%s)", x->def->code, dd_chk_layer_name(x->def->layer));
		if (x->nevidence) {
			dd_buf_puts(t->b, "  exchanges");
			for (size_t k = 0; k < x->nevidence && k < 8; k++)
				dd_buf_printf(t->b, " #%d", x->evidence[k]);
			if (x->nevidence > 8)
				dd_buf_printf(t->b, " +%zu", x->nevidence - 8);
		}
		dd_buf_puts(t->b, "\n    ");
		dd_buf_esc_msg(t->b, x->message);
		dd_buf_puts(t->b, "\n");
		advice(t, x->def);
	}
}

/* ---- DNSSEC: the chain of trust and each server's keys and signatures ---- */

static const char *sec_color(enum dd_sec_state s)
{
	switch (s) {
	case DD_SEC_SECURE: return GREEN;
	case DD_SEC_BOGUS: return RED;
	default: return DIM;
	}
}

/* "DNSKEY valid until 2026-12-26 23:34 UTC", "SOA expired 2026-11-24 ..." */
static void sec_sig(struct tx *t, const char *what, const struct dd_sec_sigcheck *x)
{
	char iso[32];
	int bad = x->sig != DD_SEC_SIG_VALID;

	if (x->sig == DD_SEC_SIG_NONE)
		return;
	dd_buf_printf(t->b, "; %s ", what);
	if (bad)
		on(t, RED);
	if (x->when >= 0)
		dd_clock_format(x->when, iso, sizeof(iso));
	if (x->sig == DD_SEC_SIG_VALID && x->when >= 0)
		dd_buf_printf(t->b, "valid until %.10s %.5s UTC", iso, iso + 11);
	else if (x->sig == DD_SEC_SIG_EXPIRED)
		dd_buf_printf(t->b, "expired %.10s %.5s UTC", iso, iso + 11);
	else if (x->sig == DD_SEC_SIG_NOT_YET)
		dd_buf_printf(t->b, "not valid before %.10s %.5s UTC", iso, iso + 11);
	else
		dd_buf_puts(t->b, dd_sec_sig_name(x->sig));
	if (bad)
		off(t);
}

static void sec_server(struct tx *t, const struct dd_sec_server *s)
{
	dd_buf_puts(t->b, "    ");
	cell(t, s->name, 28);
	dd_buf_puts(t->b, " ");
	cell(t, s->address, 24);
	if (!s->answered) {
		on(t, DIM);
		dd_buf_puts(t->b, " no answer to DNSKEY\n");
		off(t);
		return;
	}
	if (!s->nkeys)
		dd_buf_puts(t->b, " no DNSKEY");
	for (size_t k = 0; k < s->nkeys; k++)
		dd_buf_printf(t->b, "%s%u%s%s", k ? ", " : " keys ", s->keys[k].tag,
			      (s->keys[k].flags & 0x0001) ? " KSK" : "", s->keys[k].ds ? " (DS)" : "");
	if (s->from_tcp)
		dd_buf_puts(t->b, " (over TCP)");
	if (s->udp_tcp_differ)
		dd_buf_puts(t->b, " (UDP and TCP differ)");
	sec_sig(t, "DNSKEY", &s->dnskey);
	sec_sig(t, "SOA", &s->soa);
	sec_sig(t, "NS", &s->ns);
	if (s->ncds || s->ncdnskey)
		dd_buf_printf(t->b, "; CDS %zu, CDNSKEY %zu%s", s->ncds, s->ncdnskey,
			      s->cds_delete ? " (delete)" : "");
	dd_buf_puts(t->b, "\n");
}

static void dnssec(struct tx *t, const struct dd_evidence *ev, const struct dd_rep_opts *o,
		   const struct dd_chk_findings *f)
{
	struct dd_rep_sec sec;
	char alg[32], dg[32];

	if (!ev->dnssec.present)
		return;
	if (dd_rep_sec_open(ev, o && o->judge.now ? o->judge.now : ev->time, f, &sec) != 0) {
		dd_rep_sec_close(&sec);
		t->b->failed = 1;
		return;
	}
	const struct dd_sec_result r = *sec.r;
	heading(t, "DNSSEC");
	dd_buf_puts(t->b, "  ");
	on(t, sec_color(r.state));
	dd_buf_puts(t->b, dd_sec_state_name(r.state));
	off(t);
	dd_buf_puts(t->b, ": ");
	dd_buf_esc(t->b, r.why);
	dd_buf_puts(t->b, "\n  trust anchor: ");
	dd_buf_esc(t->b, ev->dnssec.anchor_source ? ev->dnssec.anchor_source
						  : dd_ev_anchor_builtin_source());
	dd_buf_puts(t->b, "\n");
	for (size_t i = 0; i < r.nzones; i++) {
		dd_buf_puts(t->b, "  ");
		cell(t, r.zones[i].zone, 12);
		dd_buf_puts(t->b, " ");
		on(t, sec_color(r.zones[i].state));
		dd_buf_esc(t->b, r.zones[i].why);
		off(t);
		dd_buf_puts(t->b, "\n");
	}
	dd_buf_puts(t->b, "  DS at the parent: ");
	if (!r.nds)
		dd_buf_puts(t->b, "none");
	for (size_t i = 0; i < r.nds; i++)
		dd_buf_printf(t->b, "%s%u %s %s%s", i ? ", " : "", r.ds[i].tag,
			      dd_sec_alg_name(r.ds[i].alg, alg, sizeof(alg)),
			      dd_sec_digest_name(r.ds[i].digest, dg, sizeof(dg)),
			      r.ds[i].matched ? "" : " (matches no key served)");
	dd_buf_puts(t->b, "\n");
	for (size_t i = 0; i < r.nservers; i++)
		sec_server(t, &r.servers[i]);
	dd_rep_sec_close(&sec);
}

/* ---- dependencies (docs/dependencies.md) --------------------------------- */

/* "3 zones", "1 registry" (what: "zone|zones"). */
static void count_line(struct tx *t, const char *what, const struct dd_graph_count *c,
		       int with_own)
{
	const char *bar = strchr(what, '|');

	if (c->total == 1)
		dd_buf_printf(t->b, "1 %.*s", (int)(bar - what), what);
	else
		dd_buf_printf(t->b, "%zu %s", c->total, bar + 1);
	if (with_own && c->controlled)
		dd_buf_printf(t->b, " (%zu yours)", c->controlled);
}

static void deps_counts(struct tx *t, const struct dd_rep_deps *v)
{
	const struct dd_graph_counts *c = &v->a.roots[0].counts;

	dd_buf_puts(t->b, "  depends on ");
	count_line(t, "zone|zones", &c->zones, 1);
	dd_buf_puts(t->b, ", ");
	count_line(t, "nameserver name|nameserver names", &c->servers, 1);
	dd_buf_puts(t->b, ", ");
	count_line(t, "address|addresses", &c->addresses, 0);
	dd_buf_puts(t->b, " in ");
	count_line(t, "network|networks", &c->networks, 0);
	dd_buf_puts(t->b, " and ");
	count_line(t, "AS|ASes", &c->ases, 0);
	if (c->ases_unknown)
		dd_buf_printf(t->b, " (AS unknown for %zu addresses)", c->ases_unknown);
	dd_buf_puts(t->b, ",\n  ");
	count_line(t, "registry|registries", &c->registries, 0);
	dd_buf_puts(t->b, ", ");
	count_line(t, "registrar|registrars", &c->registrars, 0);
	if (c->registrars_unknown)
		dd_buf_printf(t->b, " (%zu unknown)", c->registrars_unknown);
	dd_buf_puts(t->b, ", ");
	count_line(t, "operator|operators", &c->operators, 1);
	dd_buf_puts(t->b, "\n");
}

/* The entities of one kind the domain depends on, with what belongs to each. */
static void deps_entities(struct tx *t, const struct dd_rep_deps *v, enum dd_graph_kind kind,
			  const char *label)
{
	const struct dd_graph *g = v->g;
	const unsigned char *uses = v->a.roots[0].uses;
	size_t shown = 0;

	for (size_t e = 0; e < g->nentities; e++) {
		const struct dd_graph_entity *ent = &g->entities[e];
		size_t members = 0;
		if (ent->kind != kind || !uses[e])
			continue;
		dd_buf_printf(t->b, shown ? "\n  %-12s " : "  %-12s ", shown ? "" : label);
		dd_buf_esc(t->b, ent->name);
		if (kind == DD_GK_REGISTRAR || kind == DD_GK_REGISTRY)
			for (size_t z = 0; z < g->nzones; z++) {
				const struct dd_graph_zone *zone = &g->zones[z];
				if (!zone->apex ||
				    (kind == DD_GK_REGISTRAR ? zone->registrar : zone->registry) != (int)e)
					continue;
				dd_buf_puts(t->b, members++ ? ", " : ": ");
				if (members > 8) {
					dd_buf_puts(t->b, "...");
					break;
				}
				dd_buf_esc_name(t->b, zone->registrable);
			}
		if (kind == DD_GK_OPERATOR)
			for (size_t h = 0; h < g->nhosts; h++) {
				if (g->hosts[h].operator != (int)e)
					continue;
				dd_buf_puts(t->b, members++ ? ", " : ": ");
				if (members > 8) {
					dd_buf_puts(t->b, "...");
					break;
				}
				dd_buf_esc_name(t->b, g->hosts[h].name);
			}
		if (kind == DD_GK_NETWORK || kind == DD_GK_AS)
			for (size_t a = 0; a < g->naddrs; a++) {
				if ((kind == DD_GK_NETWORK ? g->addrs[a].network : g->addrs[a].as) !=
				    (int)e)
					continue;
				dd_buf_puts(t->b, members++ ? ", " : ": ");
				if (members > 8) {
					dd_buf_puts(t->b, "...");
					break;
				}
				dd_buf_esc(t->b, g->addrs[a].text);
			}
		shown++;
	}
	if (shown)
		dd_buf_puts(t->b, "\n");
}

static void deps_spofs(struct tx *t, const struct dd_graph *g, const struct dd_graph_spof *s,
		       size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char label[DD_NAME_MAX + 16];
		size_t k = 0, parts = 0;
		/* what fails as one (one registry zone's infrastructure) is one entry */
		while (k < i && !(s[i].via >= 0 && s[k].via == s[i].via &&
				  s[k].inherent == s[i].inherent))
			k++;
		if (k < i)
			continue;
		dd_buf_puts(t->b, "    ");
		on(t, BOLD);
		for (k = i; k < n; k++) {
			if (k != i && !(s[i].via >= 0 && s[k].via == s[i].via &&
					s[k].inherent == s[i].inherent))
				continue;
			dd_graph_entity_label(&g->entities[s[k].entity], label, sizeof(label));
			if (parts++)
				dd_buf_puts(t->b, ", ");
			dd_buf_esc(t->b, label);
		}
		off(t);
		on(t, s[i].inherent ? CYAN : YELLOW);
		dd_buf_puts(t->b, s[i].inherent ? "  inherent" : "  avoidable");
		off(t);
		dd_buf_puts(t->b, "\n      ");
		on(t, DIM);
		dd_buf_puts(t->b, "-> ");
		dd_buf_esc(t->b, s[i].advice);
		off(t);
		dd_buf_puts(t->b, "\n");
	}
	if (!n)
		dd_buf_puts(t->b, "    none\n");
}

/* Zones and NS names one by one (dnsdeps graph). */
static void deps_detail(struct tx *t, const struct dd_graph *g)
{
	dd_buf_puts(t->b, "  zones\n");
	for (size_t z = 0; z < g->nzones; z++) {
		const struct dd_graph_zone *zone = &g->zones[z];
		dd_buf_puts(t->b, "    ");
		on(t, BOLD);
		dd_buf_esc_name(t->b, zone->name);
		off(t);
		if (zone->parent >= 0) {
			dd_buf_puts(t->b, "  delegated by ");
			dd_buf_esc_name(t->b, g->zones[zone->parent].name);
		}
		if (zone->registrar >= 0) {
			dd_buf_puts(t->b, ", registrar ");
			dd_buf_esc(t->b, g->entities[zone->registrar].name);
		}
		dd_buf_puts(t->b, "\n");
		for (size_t k = 0; k < zone->nns; k++) {
			const struct dd_graph_host *h = &g->hosts[zone->ns[k].host];
			dd_buf_puts(t->b, "      NS ");
			dd_buf_esc_name(t->b, h->name);
			dd_buf_printf(t->b, "  [%s", dd_ev_rstate_name(h->state));
			if (zone->ns[k].nglue)
				dd_buf_puts(t->b, ", glue");
			if (!h->followed)
				dd_buf_puts(t->b, ", not followed");
			dd_buf_puts(t->b, "]");
			for (size_t i = 0; i < h->naddrs && i < 8; i++) {
				const struct dd_graph_addr *a = &g->addrs[h->addrs[i]];
				dd_buf_puts(t->b, i ? ", " : " ");
				dd_buf_esc(t->b, a->text);
				if (a->as >= 0) {
					dd_buf_puts(t->b, " ");
					dd_buf_esc(t->b, g->entities[a->as].name);
				}
			}
			dd_buf_puts(t->b, "\n");
		}
	}
}

static void deps_backups(struct tx *t, const struct dd_rep_deps *v)
{
	const struct dd_graph *g = v->g;

	if (v->a.nroots < 2)
		return;
	dd_buf_puts(t->b, "  backups\n");
	for (size_t r = 1; r < v->a.nroots; r++) {
		const struct dd_graph_rootres *res = &v->a.roots[r];
		dd_buf_puts(t->b, "    ");
		dd_buf_esc_name(t->b, g->roots[r].name);
		if (!res->resolvable) {
			on(t, RED);
			dd_buf_puts(t->b, "  does not resolve");
			off(t);
		}
		if (res->nshared) {
			dd_buf_puts(t->b, "  shares with ");
			dd_buf_esc_name(t->b, g->roots[0].name);
			dd_buf_puts(t->b, ":");
			for (size_t i = 0; i < res->nshared; i++) {
				char label[DD_NAME_MAX + 16];
				dd_graph_entity_label(&g->entities[res->shared[i]], label,
						      sizeof(label));
				dd_buf_puts(t->b, i ? ", " : " ");
				dd_buf_esc(t->b, label);
			}
			dd_buf_puts(t->b, " (no protection on those axes)");
		} else {
			dd_buf_puts(t->b, "  shares no registry, registrar, operator, network or AS");
		}
		dd_buf_puts(t->b, "\n");
	}
	dd_buf_puts(t->b, "  one failure that takes the domain and every backup down\n");
	deps_spofs(t, g, v->a.group_spofs, v->a.ngroup_spofs);
}

static void deps_section(struct tx *t, const struct dd_rep_deps *v, int detail)
{
	const struct dd_graph *g = v->g;
	const struct dd_graph_analysis *a = &v->a;

	dd_buf_puts(t->b, "\n");
	on(t, BOLD);
	dd_buf_puts(t->b, "Dependencies of ");
	dd_buf_esc_name(t->b, g->nroots ? g->roots[0].name : "?");
	off(t);
	if (g->truncated)
		dd_buf_puts(t->b, "  (incomplete: a bound was hit)");
	dd_buf_puts(t->b, "\n");
	if (!g->nroots)
		return;
	deps_counts(t, v);
	deps_entities(t, v, DD_GK_REGISTRY, "registries");
	deps_entities(t, v, DD_GK_REGISTRAR, "registrars");
	deps_entities(t, v, DD_GK_OPERATOR, "operators");
	deps_entities(t, v, DD_GK_NETWORK, "networks");
	deps_entities(t, v, DD_GK_AS, "ASes");
	if (detail)
		deps_detail(t, g);
	if (a->roots[0].resolvable) {
		dd_buf_puts(t->b, "  single points of failure\n");
		deps_spofs(t, g, a->roots[0].spofs, a->roots[0].nspofs);
	} else {
		on(t, RED);
		dd_buf_puts(t->b, "  does not resolve now: no single point of failure to look for\n");
		off(t);
	}
	dd_buf_puts(t->b, "  hijack risks\n");
	for (size_t i = 0; i < a->nhijacks; i++) {
		dd_buf_printf(t->b, "    %s%s%s  ", t->color ? RED : "",
			      dd_graph_hijack_name(a->hijacks[i].kind), t->color ? RESET : "");
		dd_buf_esc_msg(t->b, a->hijacks[i].message);
		dd_buf_puts(t->b, "\n");
	}
	if (!a->nhijacks)
		dd_buf_puts(t->b, a->nreg_unknown ? "    none known\n" : "    none\n");
	if (a->nreg_unknown) {
		dd_buf_printf(t->b, "  registration unknown%s:",
			      g->ev->deps.registration ? "" : " (not looked up)");
		for (size_t i = 0; i < a->nreg_unknown; i++) {
			dd_buf_puts(t->b, i ? ", " : " ");
			dd_buf_esc(t->b, a->reg_unknown[i]);
		}
		dd_buf_puts(t->b, "\n");
	}
	deps_backups(t, v);
}

static void dependencies(struct tx *t, const struct dd_evidence *ev, const struct dd_rep_opts *o,
			 const struct dd_chk_findings *f)
{
	struct dd_rep_deps v;

	if (!ev->deps.present)
		return;
	if (dd_rep_deps_open(ev, o && o->judge.now ? o->judge.now : ev->time, f, &v) != 0) {
		dd_buf_puts(t->b, "\nDependencies: could not be analysed (out of memory)\n");
		return;
	}
	deps_section(t, &v, 0);
	dd_rep_deps_close(&v);
}

/* The registry's record (RDAP/WHOIS) as `dnsdeps reg` prints it, indented,
 * or why there is none; then how far the expiry is from the judged time. */
static void registration(struct tx *t, const struct dd_evidence *ev, const struct dd_rep_opts *o)
{
	const struct dd_ev_registration *g = &ev->registration;
	int64_t now = o && o->judge.now ? o->judge.now : ev->time;
	struct dd_buf rb;

	if (!g->present)
		return;
	heading(t, "Registration (the registry's record)");
	if (!g->record) {
		dd_buf_puts(t->b, "  ");
		dd_buf_esc_name(t->b, g->domain ? g->domain : "?");
		dd_buf_puts(t->b, ": ");
		on(t, CYAN);
		dd_buf_puts(t->b, "unavailable (");
		dd_buf_esc(t->b, g->reason ? g->reason : "no reason recorded");
		dd_buf_puts(t->b, ")");
		off(t);
		if (g->why) {
			dd_buf_puts(t->b, ": ");
			dd_buf_esc(t->b, g->why);
		}
		dd_buf_puts(t->b, "\n");
		return;
	}
	dd_buf_init(&rb);
	dd_rep_reg_record_text(g->record, &rb);
	for (const char *p = dd_buf_str(&rb); *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) + 1 : strlen(p);
		dd_buf_puts(t->b, "  ");
		dd_buf_add(t->b, p, n); /* already escaped by dd_reg_to_text */
		p += n;
	}
	if (dd_buf_failed(&rb))
		t->b->failed = 1;
	dd_buf_free(&rb);
	if (g->why) {
		dd_buf_puts(t->b, "  note: ");
		dd_buf_esc(t->b, g->why);
		dd_buf_puts(t->b, "\n");
	}
	if (g->record->result == DD_REG_FOUND && g->record->expires.known) {
		int64_t left = g->record->expires.t - now;
		long long days = (long long)((left >= 0 ? left : -left) / 86400);
		if (left > 0)
			dd_buf_printf(t->b, "  expires in %lld day%s\n", days, days == 1 ? "" : "s");
		else
			dd_buf_printf(t->b, "  expired %lld day%s ago\n", days, days == 1 ? "" : "s");
	}
}

/* ---- the short text: what needs action, then one line per layer ---------- */

/* Findings a person must act on: warnings and worse. An advice is printed
 * once, after the last finding that carries it. */
static void actions(struct tx *t, const struct dd_chk_findings *f)
{
	size_t n = 0, notices = 0, facts = 0;

	for (size_t i = 0; i < f->n; i++) {
		n += f->v[i].def->severity >= DD_SEV_WARNING;
		notices += f->v[i].def->severity == DD_SEV_NOTICE;
		facts += f->v[i].def->severity < DD_SEV_NOTICE;
	}
	if (n)
		dd_buf_printf(t->b, "\nNeeds action (%zu):\n", n);
	for (size_t i = 0; i < f->n; i++) {
		const struct dd_chk_finding *x = &f->v[i];
		size_t k;
		if (x->def->severity < DD_SEV_WARNING)
			continue;
		dd_buf_puts(t->b, "  ");
		on(t, severity_color(x->def->severity));
		upper(t->b, dd_chk_severity_name(x->def->severity));
		off(t);
		dd_buf_printf(t->b, "  %s: ", x->def->code);
		dd_buf_esc_msg(t->b, x->message);
		dd_buf_puts(t->b, "\n");
		for (k = i + 1; k < f->n; k++)
			if (f->v[k].def->severity >= DD_SEV_WARNING &&
			    strcmp(f->v[k].def->advice, x->def->advice) == 0)
				break;
		if (k == f->n) /* else the same advice comes again below, then */
			advice(t, x->def);
	}
	if (notices || facts) {
		dd_buf_puts(t->b, n ? "  (" : "\n(");
		if (notices)
			dd_buf_printf(t->b, "%zu notice%s", notices, notices > 1 ? "s" : "");
		if (notices && facts)
			dd_buf_puts(t->b, " and ");
		if (facts)
			dd_buf_printf(t->b, "%zu fact%s", facts, facts > 1 ? "s" : "");
		dd_buf_puts(t->b, " more; -v shows them)\n");
	}
}

static int is_deps(const struct dd_chk_finding *x)
{
	return strncmp(x->def->code, "DEPS_", 5) == 0;
}

/* One layer's line: the worst of its findings and their codes, or what was
 * not examined; "no problem found" claims no more than that. */
static void layer_line(struct tx *t, const char *name, const struct dd_chk_findings *f,
		       int layer, const char *unexamined)
{
	int worst = -1;
	size_t n = 0, shown = 0;

	dd_buf_printf(t->b, "  %-14s", name);
	for (size_t i = 0; i < f->n; i++) {
		const struct dd_chk_finding *x = &f->v[i];
		if (layer < 0 ? !is_deps(x) : is_deps(x) || (int)x->def->layer != layer)
			continue;
		if ((int)x->def->severity > worst)
			worst = (int)x->def->severity;
		n++;
	}
	if (worst < 0) {
		on(t, unexamined ? CYAN : GREEN);
		dd_buf_puts(t->b, unexamined ? unexamined : "no problem found");
		off(t);
		dd_buf_puts(t->b, "\n");
		return;
	}
	on(t, severity_color((enum dd_chk_severity)worst));
	upper(t->b, dd_chk_severity_name((enum dd_chk_severity)worst));
	off(t);
	for (size_t i = 0; i < f->n && shown < 3; i++) {
		const struct dd_chk_finding *x = &f->v[i];
		if (layer < 0 ? !is_deps(x) : is_deps(x) || (int)x->def->layer != layer)
			continue;
		int again = 0;
		for (size_t k = 0; k < i; k++)
			again |= f->v[k].def == x->def;
		if (again)
			continue;
		dd_buf_printf(t->b, "%s%s", shown ? ", " : "  ", x->def->code);
		shown++;
	}
	if (n > shown)
		dd_buf_printf(t->b, " (%zu finding%s)", n, n == 1 ? "" : "s");
	if (unexamined)
		dd_buf_printf(t->b, "; %s", unexamined);
	dd_buf_puts(t->b, "\n");
}

/* The DNSSEC state in words when it is not plainly secure ("not validated:
 * private root", "insecure: ..."), so the layer line never reads "no
 * problem found" where nothing was validated. Written into buf. */
static const char *sec_note(const struct dd_evidence *ev, const struct dd_rep_opts *o,
			    const struct dd_chk_findings *f, char *buf, size_t len)
{
	struct dd_rep_sec sec;
	const char *note = NULL;

	if (!ev->dnssec.present)
		return "not examined";
	if (dd_rep_sec_open(ev, o && o->judge.now ? o->judge.now : ev->time, f, &sec) == 0 &&
	    sec.r->state != DD_SEC_SECURE) {
		snprintf(buf, len, "%s%s", sec.r->why,
			 sec.r->private_root ? "; not validated: private root (give its "
					       "anchor with --trust-anchor)" : "");
		note = buf;
	}
	dd_rep_sec_close(&sec);
	return note;
}

static void layers(struct tx *t, const struct dd_evidence *ev, const struct dd_rep_opts *o,
		   const struct dd_chk_findings *f)
{
	char why[512];

	dd_buf_puts(t->b, "\nLayers:\n");
	layer_line(t, "root", f, DD_LAYER_ROOT, NULL);
	layer_line(t, "registry", f, DD_LAYER_REGISTRY, NULL);
	layer_line(t, "registration", f, DD_LAYER_REGISTRATION,
		   ev->registration.present ? NULL : "the registry's record not looked up");
	layer_line(t, "nameservers", f, DD_LAYER_NAMESERVERS, NULL);
	layer_line(t, "DNSSEC", f, DD_LAYER_DNSSEC, sec_note(ev, o, f, why, sizeof(why)));
	layer_line(t, "dependencies", f, -1,
		   ev->deps.present ? NULL : "not gathered");
}

int dd_rep_text(const struct dd_evidence *ev, const struct dd_chk_findings *f,
		const struct dd_chk_verdict *v, const struct dd_rep_opts *o, struct dd_buf *out)
{
	struct tx t = { out, o && o->color };
	int level = o ? o->level : 0;

	if (level < 0) {
		verdict(&t, ev, v, "  ");
		return dd_buf_failed(out) ? DD_ENOMEM : 0;
	}
	if (level == 0) {
		verdict(&t, ev, v, "\n");
		actions(&t, f);
		layers(&t, ev, o, f);
		return dd_buf_failed(out) ? DD_ENOMEM : 0;
	}
	verdict(&t, ev, v, "\n");
	heading(&t, "Delegation, from the root down");
	chain(&t, ev);
	parent(&t, ev);
	nameservers(&t, ev);
	registration(&t, ev, o);
	dependencies(&t, ev, o, f);
	dnssec(&t, ev, o, f);
	heading(&t, "Findings");
	findings(&t, f);
	return dd_buf_failed(out) ? DD_ENOMEM : 0;
}

int dd_rep_deps_text(const struct dd_evidence *ev, const struct dd_rep_opts *o, struct dd_buf *out)
{
	struct tx t = { out, o && o->color };
	struct dd_rep_deps v;
	int rc = ev->deps.present ? dd_rep_deps_open(ev, o && o->judge.now ? o->judge.now : ev->time, NULL, &v)
				  : DD_ENOTFOUND;

	if (rc)
		return rc;
	deps_section(&t, &v, 1);
	dd_rep_deps_close(&v);
	return dd_buf_failed(out) ? DD_ENOMEM : 0;
}
