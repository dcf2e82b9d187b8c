/* dnssec.c (checks): DNSSEC findings from the judgement of src/dnssec: a
 * bogus domain (DS for an unsigned zone, no DS matching a signing key,
 * signatures failing everywhere, a broken chain above), per-server
 * signature problems (expired, not yet valid, invalid) naming the servers,
 * signatures about to expire, servers that disagree on the DNSKEY set,
 * deprecated algorithms and SHA-1-only DS, CDS/CDNSKEY, and the unsigned
 * domain. Judged at the evidence's time (or --now), never the clock. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "checks/chk_int.h"
#include "core/env.h"
#include "core/err.h"
#include "dnssec/sec.h"

#define WARN_DAYS 7    /* DNSSEC_SIG_EXPIRING: signatures that expire within this
			* (dd_chk_opts.sig_warn_days when set) */
#define DAY 86400
#define MAX_GROUPS 32  /* (server name, what) groups named in one finding */

/* "2026-11-29 10:00 UTC" */
static const char *when(int64_t t, char *buf, size_t len)
{
	char iso[32];

	dd_clock_format(t, iso, sizeof(iso));
	snprintf(buf, len, "%.10s %.5s UTC", iso, iso + 11);
	return buf;
}

/* "56134 and 65219 (KSK), ECDSAP256SHA256" */
static void key_list(struct dd_buf *b, const struct dd_sec_key *k, size_t n)
{
	char alg[32];
	int same = 1;

	if (!n) {
		dd_buf_puts(b, "none");
		return;
	}
	for (size_t i = 1; i < n; i++)
		same &= k[i].alg == k[0].alg;
	for (size_t i = 0; i < n; i++) {
		dd_buf_printf(b, "%s%u", i == 0 ? "" : i + 1 == n ? " and " : ", ", k[i].tag);
		if ((k[i].flags & 0x0001) || !same)
			dd_buf_printf(b, " (%s%s%s)", (k[i].flags & 0x0001) ? "KSK" : "",
				      (k[i].flags & 0x0001) && !same ? ", " : "",
				      same ? "" : dd_sec_alg_name(k[i].alg, alg, sizeof(alg)));
	}
	if (same)
		dd_buf_printf(b, ", %s", dd_sec_alg_name(k[0].alg, alg, sizeof(alg)));
}

/* "9488 (ECDSAP256SHA256, SHA-256) and 1234 (...)" */
static void ds_list(struct dd_buf *b, const struct dd_sec_result *r)
{
	char alg[32], dg[32];

	for (size_t i = 0; i < r->nds; i++)
		dd_buf_printf(b, "%s%u (%s, %s)", i == 0 ? "" : i + 1 == r->nds ? " and " : ", ",
			      r->ds[i].tag, dd_sec_alg_name(r->ds[i].alg, alg, sizeof(alg)),
			      dd_sec_digest_name(r->ds[i].digest, dg, sizeof(dg)));
}

static const char *plural(size_t n)
{
	return n == 1 ? "" : "s";
}

/* ---- servers grouped by name and by what is said of them ----------------- */

struct group {
	const char *name;
	char what[200];
	struct dd_ev_strlist addrs;
};

struct groups {
	struct group v[MAX_GROUPS];
	size_t n, dropped;
	struct chk_ids ids;
};

static void group_add(struct chk_ctx *c, struct groups *g, const char *name, const char *addr,
		      const char *what, int exchange)
{
	size_t k;

	for (k = 0; k < g->n; k++)
		if (strcasecmp(g->v[k].name, name ? name : "?") == 0 &&
		    strcmp(g->v[k].what, what) == 0)
			break;
	if (k == g->n) {
		if (g->n == MAX_GROUPS) {
			g->dropped++;
			return;
		}
		memset(&g->v[k], 0, sizeof(g->v[k]));
		g->v[k].name = name ? name : "?";
		snprintf(g->v[k].what, sizeof(g->v[k].what), "%s", what);
		g->n++;
	}
	if (addr)
		chk_fail(c, dd_ev_strlist_add_unique(&g->v[k].addrs, addr) < 0 ? DD_ENOMEM : 0);
	chk_ids_add(c, &g->ids, exchange);
}

/* "ns1.example. (192.0.2.1, 2001:db8::1) WHAT, ns2.example. (...) WHAT" */
static void group_join(struct chk_ctx *c, struct groups *g, struct dd_buf *b)
{
	struct dd_ev_strlist labels = { 0 };

	for (size_t k = 0; k < g->n; k++) {
		struct dd_buf a;
		dd_buf_init(&a);
		chk_join(&a, &g->v[k].addrs, 4);
		chk_label(c, &labels, g->v[k].name, g->v[k].addrs.n ? dd_buf_str(&a) : NULL,
			  g->v[k].what[0] ? g->v[k].what : NULL);
		dd_buf_free(&a);
	}
	chk_join(b, &labels, 8);
	if (g->dropped)
		dd_buf_printf(b, " (and %zu more)", g->dropped);
	dd_ev_strlist_free(&labels);
}

static void groups_free(struct groups *g)
{
	for (size_t k = 0; k < g->n; k++)
		dd_ev_strlist_free(&g->v[k].addrs);
	chk_ids_free(&g->ids);
	g->n = 0;
}

/* ---- the domain as a whole ---------------------------------------------- */

static void add_server_ids(struct chk_ctx *c, struct chk_ids *ids, const struct dd_sec_result *r)
{
	for (size_t i = 0; i < r->nservers; i++)
		chk_ids_add(c, ids, r->servers[i].keys_exchange);
}

static void unsigned_domain(struct chk_ctx *c, const struct dd_sec_result *r)
{
	struct dd_buf b;

	dd_buf_init(&b);
	if (r->reason == DD_SEC_R_NO_DS) {
		size_t proven = 0;
		for (size_t i = 0; i < r->ndenials; i++)
			proven += dd_sec_denial_ok(r->denials[i].state);
		dd_buf_printf(&b, "%s has no DS at its parent (%zu of %zu parent server "
				  "address%s answered the DS query",
			      c->ev->domain, r->ds_answered, r->ds_asked, r->ds_asked == 1 ? "" : "es");
		if (r->ndenials)
			dd_buf_printf(&b, "; %zu prove%s it with %s", proven, proven == 1 ? "s" : "",
				      r->denials[0].kind[0] ? r->denials[0].kind : "NSEC");
		dd_buf_puts(&b, ")");
	} else if (r->reason == DD_SEC_R_ABOVE_INSECURE) {
		dd_buf_printf(&b, "validating resolvers cannot check %s: %s", c->ev->domain, r->why);
	} else {
		dd_buf_printf(&b, "%s has DS records, but none that a resolver can use (%s): ",
			      c->ev->domain, r->why);
		ds_list(&b, r);
	}
	if (r->nkeys) {
		dd_buf_puts(&b, "; the zone itself is signed (keys ");
		key_list(&b, r->keys, r->nkeys);
		dd_buf_puts(&b, "), but without a usable DS nobody validates it");
	}
	chk_add(c, C_DNSSEC_UNSIGNED, NULL, "%s", dd_buf_str(&b));
	dd_buf_free(&b);
}

static void no_ds_match(struct chk_ctx *c, const struct dd_sec_result *r, struct chk_ids *ids)
{
	struct dd_buf ds, keys;
	size_t matched = 0;

	dd_buf_init(&ds);
	dd_buf_init(&keys);
	ds_list(&ds, r);
	key_list(&keys, r->keys, r->nkeys);
	for (size_t i = 0; i < r->nds; i++)
		matched += r->ds[i].matched;
	if (!matched)
		chk_add(c, C_DNSSEC_DS_NO_MATCH, ids, "the DS at the registry (key%s %s) matches no "
			"key served by your nameservers (key%s %s)", plural(r->nds), dd_buf_str(&ds),
			plural(r->nkeys), dd_buf_str(&keys));
	else
		chk_add(c, C_DNSSEC_DS_NO_MATCH, ids, "the DS at the registry (key%s %s) matches a "
			"key your nameservers serve, but no key it matches signs the DNSKEY set (keys "
			"%s)", plural(r->nds), dd_buf_str(&ds), dd_buf_str(&keys));
	dd_buf_free(&ds);
	dd_buf_free(&keys);
}

/* The DNSKEY/SOA/NS outcome that made the first answering server fail. */
static void first_failure(const struct dd_sec_result *r, struct dd_buf *b)
{
	char d[40];

	for (size_t i = 0; i < r->nservers; i++) {
		const struct dd_sec_server *s = &r->servers[i];
		const struct dd_sec_sigcheck *x;
		const char *what;
		if (!s->answered)
			continue;
		if (s->dnskey.sig != DD_SEC_SIG_VALID) {
			x = &s->dnskey;
			what = "DNSKEY";
		} else if (s->soa.sig != DD_SEC_SIG_VALID && s->soa.sig != DD_SEC_SIG_NONE) {
			x = &s->soa;
			what = "SOA";
		} else {
			x = &s->ns;
			what = "NS";
		}
		dd_buf_printf(b, "at %s (%s) ", s->name ? s->name : "?", s->address ? s->address : "?");
		if (x->sig == DD_SEC_SIG_EXPIRED)
			dd_buf_printf(b, "the signatures of the %s set expired on %s", what,
				      when(x->when, d, sizeof(d)));
		else if (x->sig == DD_SEC_SIG_NOT_YET)
			dd_buf_printf(b, "the signatures of the %s set are not valid before %s", what,
				      when(x->when, d, sizeof(d)));
		else
			dd_buf_printf(b, "the %s set is %s", what, dd_sec_sig_name(x->sig));
		return;
	}
}

/* The parent servers whose "no DS" is not proven, "; "-separated:
 * "ns2.nic.test. (127.0.1.2) NSEC3: their signatures do not verify". */
static size_t denial_list(struct chk_ctx *c, const struct dd_sec_result *r, struct chk_ids *ids,
			  struct dd_buf *b)
{
	size_t n = 0;

	for (size_t i = 0; i < r->ndenials; i++) {
		const struct dd_sec_denial_at *d = &r->denials[i];
		if (dd_sec_denial_ok(d->state))
			continue;
		chk_ids_add(c, ids, d->sig.exchange);
		dd_buf_printf(b, "%s%s (%s) ", n++ ? "; " : "", d->name ? d->name : "?",
			      d->address ? d->address : "?");
		if (d->kind[0])
			dd_buf_printf(b, "%s: ", d->kind);
		dd_buf_puts(b, dd_sec_denial_why(d));
	}
	return n;
}

/* Some parent servers prove "no DS", others do not: resolvers that ask
 * those fail. */
static void denial_partial(struct chk_ctx *c, const struct dd_sec_result *r)
{
	struct chk_ids ids = { 0 };
	struct dd_buf b;
	size_t n;

	dd_buf_init(&b);
	n = denial_list(c, r, &ids, &b);
	if (n)
		chk_add(c, C_DNSSEC_DS_DENIAL_FAILS, &ids, "%zu of %zu server address%s of the "
			"signed parent zone %s do%s not prove that %s has no DS: %s", n, r->ndenials,
			r->ndenials == 1 ? "" : "es", c->ev->parent.zone ? c->ev->parent.zone : "?",
			n == 1 ? "es" : "", c->ev->domain, dd_buf_str(&b));
	chk_ids_free(&ids);
	dd_buf_free(&b);
}

static void bogus(struct chk_ctx *c, const struct dd_sec_result *r)
{
	struct chk_ids ids = { 0 };
	struct dd_buf b;

	dd_buf_init(&b);
	switch (r->reason) {
	case DD_SEC_R_ABOVE_BOGUS: {
		char zone[300];
		for (size_t i = 0; i < r->nzones; i++)
			chk_ids_add(c, &ids, r->zones[i].exchange);
		chk_add(c, C_DNSSEC_CHAIN_BROKEN, &ids, "the chain of trust to %s breaks at %s: %s",
			c->ev->domain, chk_zone_label(r->above_zone, zone, sizeof(zone)), r->above_why);
		break;
	}
	case DD_SEC_R_PARENT_DS:
		for (size_t i = 0; i < r->nparent; i++) {
			chk_ids_add(c, &ids, r->parent[i].ds.exchange);
			dd_buf_printf(&b, "%s%s (%s) %s", i ? "; " : "", r->parent[i].name,
				      r->parent[i].address ? r->parent[i].address : "?",
				      dd_sec_sig_name(r->parent[i].ds.sig));
		}
		chk_add(c, C_DNSSEC_CHAIN_BROKEN, &ids, "the DS set of %s does not validate at any "
			"server of its parent zone %s: %s", c->ev->domain,
			c->ev->parent.zone ? c->ev->parent.zone : "?", dd_buf_str(&b));
		break;
	case DD_SEC_R_DS_DENIAL:
		denial_list(c, r, &ids, &b);
		chk_add(c, C_DNSSEC_CHAIN_BROKEN, &ids, "the parent zone %s is signed and says %s has "
			"no DS, but no server of it proves that: %s; a validating resolver cannot tell "
			"this from a DS an attacker removed, and answers SERVFAIL",
			c->ev->parent.zone ? c->ev->parent.zone : "?", c->ev->domain,
			dd_buf_str(&b));
		break;
	case DD_SEC_R_UNSIGNED_ZONE:
		add_server_ids(c, &ids, r);
		ds_list(&b, r);
		chk_add(c, C_DNSSEC_DS_UNSIGNED, &ids, "the registry publishes DS %s for %s, but none "
			"of its %zu answering nameserver address%s serves a DNSKEY: the zone is "
			"unsigned", dd_buf_str(&b), c->ev->domain, r->answered,
			r->answered == 1 ? "" : "es");
		break;
	case DD_SEC_R_NO_DS_MATCH:
		add_server_ids(c, &ids, r);
		no_ds_match(c, r, &ids);
		break;
	case DD_SEC_R_KEYSET_SIGS:
	case DD_SEC_R_RRSET_SIGS:
		for (size_t i = 0; i < r->nservers; i++) {
			chk_ids_add(c, &ids, r->servers[i].dnskey.exchange);
			chk_ids_add(c, &ids, r->servers[i].soa.exchange);
			chk_ids_add(c, &ids, r->servers[i].ns.exchange);
		}
		first_failure(r, &b);
		chk_add(c, C_DNSSEC_BOGUS, &ids, "none of the %zu answering nameserver address%s of "
			"%s serves data that validates; %s", r->answered, r->answered == 1 ? "" : "es",
			c->ev->domain, dd_buf_str(&b));
		break;
	default:
		break;
	}
	chk_ids_free(&ids);
	dd_buf_free(&b);
}

/* ---- per server --------------------------------------------------------- */

static int invalid(enum dd_sec_sig s)
{
	return s == DD_SEC_SIG_BAD || s == DD_SEC_SIG_UNTRUSTED || s == DD_SEC_SIG_UNSIGNED;
}

/* The sets of one server (or the DS at one parent server) whose signatures
 * came out as kind, as "DNSKEY, SOA and NS expired on DATE". Returns 0 when
 * none did. */
static int sets_phrase(const struct dd_sec_sigcheck *const *x, const char *const *what, int n,
		       enum dd_sec_sig kind, char *buf, size_t len)
{
	struct dd_buf b;
	int64_t t = -1;
	int hits = 0;
	char d[40];

	dd_buf_init(&b);
	for (int k = 0; k < n; k++) {
		int hit = kind == DD_SEC_SIG_BAD ? invalid(x[k]->sig) : x[k]->sig == kind;
		if (!hit)
			continue;
		if (kind == DD_SEC_SIG_BAD)
			dd_buf_printf(&b, "%s%s %s", hits ? ", " : "", what[k],
				      dd_sec_sig_name(x[k]->sig));
		else
			dd_buf_printf(&b, "%s%s", hits ? ", " : "", what[k]);
		if (kind == DD_SEC_SIG_EXPIRED ? x[k]->when > t : t < 0 || x[k]->when < t)
			t = x[k]->when;
		hits++;
	}
	if (hits && kind == DD_SEC_SIG_EXPIRED)
		dd_buf_printf(&b, " expired on %s", when(t, d, sizeof(d)));
	else if (hits && kind == DD_SEC_SIG_NOT_YET)
		dd_buf_printf(&b, " not valid before %s", when(t, d, sizeof(d)));
	snprintf(buf, len, "%s", dd_buf_str(&b));
	dd_buf_free(&b);
	return hits;
}

static void server_sigs(struct chk_ctx *c, const struct dd_sec_result *r)
{
	static const enum dd_sec_sig kinds[] = { DD_SEC_SIG_EXPIRED, DD_SEC_SIG_NOT_YET,
						 DD_SEC_SIG_BAD };
	static const enum chk_code codes[] = { C_DNSSEC_SIG_EXPIRED, C_DNSSEC_SIG_NOT_YET_VALID,
					       C_DNSSEC_SIG_INVALID };
	static const char *const verbs[] = { "is served with expired signatures",
					     "is served with signatures that are not valid yet",
					     "is served without valid signatures" };
	static const char *const what[] = { "DNSKEY", "SOA", "NS" };
	static const char *const ds_what[] = { "DS (at the parent)" };
	struct groups *g = calloc(3, sizeof(*g));
	/* with no DS matching anything, every DNSKEY set is untrusted: that is
	 * DNSSEC_DS_NO_MATCH (or _DS_UNSIGNED), not a per-server problem */
	int keys_judged = r->reason != DD_SEC_R_NO_DS_MATCH && r->reason != DD_SEC_R_UNSIGNED_ZONE;
	char buf[200];

	if (!g) {
		chk_fail(c, DD_ENOMEM);
		return;
	}
	for (size_t i = 0; i < r->nparent && r->reason != DD_SEC_R_PARENT_DS; i++) {
		const struct dd_sec_sigcheck *x[] = { &r->parent[i].ds };
		for (int k = 0; k < 3; k++)
			if (sets_phrase(x, ds_what, 1, kinds[k], buf, sizeof(buf)))
				group_add(c, &g[k], r->parent[i].name, r->parent[i].address, buf,
					  x[0]->exchange);
	}
	for (size_t i = 0; i < r->nservers; i++) {
		const struct dd_sec_server *s = &r->servers[i];
		const struct dd_sec_sigcheck *x[] = { &s->dnskey, &s->soa, &s->ns };
		if (!s->answered)
			continue;
		if (!s->nkeys) {
			if (keys_judged)
				group_add(c, &g[2], s->name, s->address,
					  "serves no DNSKEY (an unsigned copy)", s->keys_exchange);
			continue;
		}
		for (int k = 0; k < 3; k++) {
			/* skip the DNSKEY set when it is the DS's finding */
			int from = keys_judged ? 0 : 1;
			if (!sets_phrase(x + from, what + from, 3 - from, kinds[k], buf, sizeof(buf)))
				continue;
			group_add(c, &g[k], s->name, s->address, buf, -1);
			for (int m = from; m < 3; m++)
				if (x[m]->sig != DD_SEC_SIG_VALID && x[m]->sig != DD_SEC_SIG_NONE)
					chk_ids_add(c, &g[k].ids, x[m]->exchange);
		}
	}
	for (int k = 0; k < 3; k++) {
		if (g[k].n) {
			struct dd_buf b;
			dd_buf_init(&b);
			group_join(c, &g[k], &b);
			chk_add(c, codes[k], &g[k].ids, "%s %s: %s", c->ev->domain, verbs[k],
				dd_buf_str(&b));
			dd_buf_free(&b);
		}
		groups_free(&g[k]);
	}
	free(g);
}

static void expiring(struct chk_ctx *c, const struct dd_sec_result *r)
{
	struct groups *g = calloc(1, sizeof(*g));
	int64_t first = -1;
	char d[40], buf[200];
	int warn = c->o->sig_warn_days > 0 ? c->o->sig_warn_days : WARN_DAYS;

	if (!g) {
		chk_fail(c, DD_ENOMEM);
		return;
	}
	for (size_t i = 0; i < r->nservers; i++) {
		const struct dd_sec_server *s = &r->servers[i];
		const struct dd_sec_sigcheck *x[] = { &s->dnskey, &s->soa, &s->ns };
		static const char *const what[] = { "DNSKEY", "SOA", "NS" };
		int64_t min = -1;
		struct dd_buf sets;
		dd_buf_init(&sets);
		for (int k = 0; k < 3; k++) {
			if (x[k]->sig != DD_SEC_SIG_VALID || x[k]->when < 0 ||
			    x[k]->when >= r->now + (int64_t)warn * DAY)
				continue;
			dd_buf_printf(&sets, "%s%s", sets.len ? ", " : "", what[k]);
			if (min < 0 || x[k]->when < min)
				min = x[k]->when;
		}
		if (min >= 0) {
			int64_t left = min - r->now;
			snprintf(buf, sizeof(buf), "%s on %s (in %lld day%s %lld h)", dd_buf_str(&sets),
				 when(min, d, sizeof(d)), (long long)(left / DAY),
				 left / DAY == 1 ? "" : "s", (long long)(left % DAY / 3600));
			group_add(c, g, s->name, s->address, buf, s->soa.exchange);
			chk_ids_add(c, &g->ids, s->dnskey.exchange);
			if (first < 0 || min < first)
				first = min;
		}
		dd_buf_free(&sets);
	}
	if (g->n) {
		struct dd_buf b;
		dd_buf_init(&b);
		group_join(c, g, &b);
		chk_add(c, C_DNSSEC_SIG_EXPIRING, &g->ids, "signatures of %s expire within %d days, "
			"first on %s: %s", c->ev->domain, warn, when(first, d, sizeof(d)),
			dd_buf_str(&b));
		dd_buf_free(&b);
	}
	groups_free(g);
	free(g);
}

#define MAX_SETS 8

static void disagree(struct chk_ctx *c, const struct dd_sec_result *r)
{
	const struct dd_sec_server *rep[MAX_SETS];
	struct groups *g = calloc(MAX_SETS + 1, sizeof(*g)); /* one per set, then UDP/TCP */
	struct chk_ids ids = { 0 };
	size_t n = 0;

	if (!g) {
		chk_fail(c, DD_ENOMEM);
		return;
	}
	for (size_t i = 0; i < r->nservers; i++) {
		const struct dd_sec_server *s = &r->servers[i];
		size_t k;
		if (!s->answered)
			continue;
		if (s->udp_tcp_differ)
			group_add(c, &g[MAX_SETS], s->name, s->address, "", s->keys_exchange);
		for (k = 0; k < n; k++)
			if ((!rep[k]->keyset && !s->keyset) ||
			    (rep[k]->keyset && s->keyset && strcmp(rep[k]->keyset, s->keyset) == 0))
				break;
		if (k == n) {
			if (n == MAX_SETS)
				continue;
			rep[n++] = s;
		}
		group_add(c, &g[k], s->name, s->address, "", s->keys_exchange);
		chk_ids_add(c, &ids, s->keys_exchange);
	}
	if (n > 1 || g[MAX_SETS].n) {
		struct dd_buf b;
		dd_buf_init(&b);
		if (n > 1) {
			dd_buf_printf(&b, "the nameservers of %s serve %zu different DNSKEY sets: ",
				      c->ev->domain, n);
			for (size_t k = 0; k < n; k++) {
				dd_buf_puts(&b, k ? "; keys " : "keys ");
				key_list(&b, rep[k]->keys, rep[k]->nkeys);
				dd_buf_puts(&b, " at ");
				group_join(c, &g[k], &b);
			}
		}
		if (g[MAX_SETS].n) {
			dd_buf_printf(&b, "%sover UDP and over TCP, different DNSKEY sets of %s come from ",
				      b.len ? "; " : "", c->ev->domain);
			group_join(c, &g[MAX_SETS], &b);
		}
		chk_add(c, C_DNSSEC_DNSKEY_DISAGREE, &ids, "%s", dd_buf_str(&b));
		dd_buf_free(&b);
	}
	for (size_t k = 0; k <= MAX_SETS; k++)
		groups_free(&g[k]);
	free(g);
	chk_ids_free(&ids);
}

static void algorithms(struct chk_ctx *c, const struct dd_sec_result *r)
{
	struct dd_buf b;
	unsigned char seen[256] = { 0 };
	char alg[32];
	struct chk_ids ids = { 0 };

	dd_buf_init(&b);
	for (size_t i = 0; i < r->nkeys; i++)
		if (dd_sec_alg_deprecated(r->keys[i].alg) && !seen[r->keys[i].alg]++)
			dd_buf_printf(&b, "%s%s (algorithm %u, key %u)", b.len ? ", " : "",
				      dd_sec_alg_name(r->keys[i].alg, alg, sizeof(alg)),
				      r->keys[i].alg, r->keys[i].tag);
	for (size_t i = 0; i < r->nds; i++)
		if (dd_sec_alg_deprecated(r->ds[i].alg) && !seen[r->ds[i].alg]++)
			dd_buf_printf(&b, "%s%s (algorithm %u, DS %u)", b.len ? ", " : "",
				      dd_sec_alg_name(r->ds[i].alg, alg, sizeof(alg)), r->ds[i].alg,
				      r->ds[i].tag);
	if (b.len) {
		add_server_ids(c, &ids, r);
		chk_add(c, C_DNSSEC_ALGORITHM_DEPRECATED, &ids, "%s is signed with %s",
			c->ev->domain, dd_buf_str(&b));
	}
	chk_ids_free(&ids);
	dd_buf_free(&b);
	if (r->nds) {
		size_t sha1 = 0;
		for (size_t i = 0; i < r->nds; i++)
			sha1 += r->ds[i].digest == 1;
		if (sha1 == r->nds) {
			dd_buf_init(&b);
			ds_list(&b, r);
			chk_add(c, C_DNSSEC_DS_SHA1_ONLY, NULL, "every DS of %s at the parent uses "
				"SHA-1: %s", c->ev->domain, dd_buf_str(&b));
			dd_buf_free(&b);
		}
	}
}

static void cds(struct chk_ctx *c, const struct dd_sec_result *r)
{
	struct groups *g = calloc(2, sizeof(*g)); /* delete signal, inconsistent */

	if (!g) {
		chk_fail(c, DD_ENOMEM);
		return;
	}
	for (size_t i = 0; i < r->nservers; i++) {
		const struct dd_sec_server *s = &r->servers[i];
		struct dd_buf b;
		if (s->cds_delete)
			group_add(c, &g[0], s->name, s->address, "", s->cds_exchange);
		if (!s->cds_no_key && !s->cds_not_ds)
			continue;
		dd_buf_init(&b);
		for (size_t k = 0, shown = 0; k < s->ncds_tags; k++) {
			size_t m;
			for (m = 0; m < k && s->cds_tags[m] != s->cds_tags[k]; m++)
				;
			if (m < k)
				continue;
			dd_buf_printf(&b, "%s%u", shown++ ? ", " : "for key ", s->cds_tags[k]);
		}
		if (s->cds_no_key)
			dd_buf_puts(&b, ", a key not in the DNSKEY set");
		if (s->cds_not_ds) {
			dd_buf_puts(&b, ", while the DS at the parent is ");
			ds_list(&b, r);
		}
		group_add(c, &g[1], s->name, s->address, dd_buf_str(&b), s->cds_exchange);
		dd_buf_free(&b);
	}
	if (g[0].n) {
		struct dd_buf b;
		dd_buf_init(&b);
		group_join(c, &g[0], &b);
		chk_add(c, C_DNSSEC_CDS_DELETE, &g[0].ids, "%s asks its parent to remove the DS "
			"(CDS/CDNSKEY delete signal) at %s", c->ev->domain, dd_buf_str(&b));
		dd_buf_free(&b);
	}
	if (g[1].n) {
		struct dd_buf b;
		dd_buf_init(&b);
		group_join(c, &g[1], &b);
		chk_add(c, C_DNSSEC_CDS_INCONSISTENT, &g[1].ids, "%s publishes CDS/CDNSKEY records "
			"that disagree with its keys or its DS: %s", c->ev->domain, dd_buf_str(&b));
		dd_buf_free(&b);
	}
	groups_free(&g[0]);
	groups_free(&g[1]);
	free(g);
}

void chk_dnssec(struct chk_ctx *c)
{
	struct dd_sec_result r;
	int64_t now = c->o->now ? c->o->now : c->ev->time;
	int rc = dd_sec_judge(c->ev, now, &r);

	if (rc) {
		chk_fail(c, rc);
		dd_sec_result_free(&r);
		return;
	}
	if (r.judged) {
		if (r.state == DD_SEC_INSECURE)
			unsigned_domain(c, &r);
		if (r.state == DD_SEC_BOGUS)
			bogus(c, &r);
		if (r.nds == 0 && r.reason != DD_SEC_R_DS_DENIAL)
			denial_partial(c, &r);
		if (r.nds > 0 && r.state != DD_SEC_INSECURE) {
			server_sigs(c, &r);
			expiring(c, &r);
			disagree(c, &r);
		}
		if (r.nkeys || r.nds)
			algorithms(c, &r);
		cds(c, &r);
	}
	/* Kept with the findings for the renderers (judged once). */
	if (!c->out->sec && now == c->out->now && (c->out->sec = malloc(sizeof(r)))) {
		*c->out->sec = r;
		return;
	}
	dd_sec_result_free(&r);
}
