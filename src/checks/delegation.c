/* delegation.c: the delegation as data: parent and child NS sets, glue
 * against the nameservers' authoritative addresses, glue missing for names
 * inside the domain, NS names that do not resolve or are aliases, and the
 * TTLs that say how long a fix takes to reach resolvers. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "checks/chk_int.h"
#include "core/name.h"

/* Entries of a that are not in b. */
static void minus(struct chk_ctx *c, const struct dd_ev_strlist *a, const struct dd_ev_strlist *b,
		  struct dd_ev_strlist *out)
{
	for (size_t i = 0; i < a->n && i < CHK_MAX_SET; i++)
		if (dd_ev_strlist_find(b, a->v[i]) < 0)
			chk_fail(c, dd_ev_strlist_add(out, a->v[i]));
}

static void parent_child(struct chk_ctx *c, const char *zl)
{
	const struct chk_facts *f = c->facts;
	struct dd_ev_strlist only_p = { 0 }, only_c = { 0 };
	struct dd_buf b;

	if (f->p_delegating == 0 || f->child_ns.n == 0)
		return;
	if (chk_set_equal(c, &f->parent_ns, &f->child_ns))
		return;
	minus(c, &f->parent_ns, &f->child_ns, &only_p);
	minus(c, &f->child_ns, &f->parent_ns, &only_c);
	dd_buf_init(&b);
	if (only_p.n) {
		dd_buf_printf(&b, "only at %s: ", zl);
		chk_join(&b, &only_p, 8);
	}
	if (only_c.n) {
		dd_buf_printf(&b, "%sonly at the domain's own servers: ", only_p.n ? "; " : "");
		chk_join(&b, &only_c, 8);
	}
	chk_add(c, C_NS_PARENT_CHILD_DIFFER, NULL, "the NS sets for %s differ: %s", c->ev->domain,
		dd_buf_str(&b));
	dd_buf_free(&b);
	dd_ev_strlist_free(&only_p);
	dd_ev_strlist_free(&only_c);
}

static void child_disagree(struct chk_ctx *c)
{
	struct dd_ev_strlist lines = { 0 };
	struct chk_ids ids = { 0 };
	char *first = NULL;
	int differ = 0;

	for (size_t i = 0; i < c->ev->nnameservers; i++) {
		const struct dd_ev_nameserver *ns = &c->ev->nameservers[i];
		for (size_t j = 0; j < ns->nservers; j++) {
			const struct dd_ev_ns_server *s = &ns->servers[j];
			struct dd_buf b;
			char *key;
			if (!chk_server_good(s) || s->ns_udp.r.state != DD_EV_ANSWER)
				continue;
			key = chk_set_key(c, &s->ns_udp.ns);
			if (!key)
				continue;
			if (!first)
				first = key;
			else if (strcmp(first, key) != 0)
				differ = 1;
			if (key != first)
				free(key);
			dd_buf_init(&b);
			dd_buf_printf(&b, "%s (%s) lists ", ns->name, s->address);
			chk_join(&b, &s->ns_udp.ns, 8);
			chk_fail(c, dd_ev_strlist_add(&lines, dd_buf_str(&b)));
			dd_buf_free(&b);
			chk_ids_add(c, &ids, s->ns_udp.r.exchange);
		}
	}
	if (differ) {
		struct dd_buf b;
		dd_buf_init(&b);
		for (size_t i = 0; i < lines.n && i < 6; i++)
			dd_buf_printf(&b, "%s%s", i ? "; " : "", lines.v[i]);
		if (lines.n > 6)
			dd_buf_printf(&b, "; and %zu more", lines.n - 6);
		chk_add(c, C_CHILD_NS_DISAGREE, &ids,
			"the servers of %s publish different NS sets: %s", c->ev->domain,
			dd_buf_str(&b));
		dd_buf_free(&b);
	}
	free(first);
	chk_ids_free(&ids);
	dd_ev_strlist_free(&lines);
}

/* Union of the glue for name, at every parent server and in the record. */
/* An address of a family the run looked up (-4 or -6 leave the other out:
 * its authoritative addresses were not asked for, so glue of that family
 * cannot be compared). */
static int family_looked_up(const struct chk_ctx *c, const char *addr)
{
	int fam = chk_addr_parse(addr, (unsigned char[16]){ 0 });

	return fam == 6 ? c->ev->options.ipv6 : fam == 4 ? c->ev->options.ipv4 : 1;
}

static void glue_for(struct chk_ctx *c, const struct dd_ev_nameserver *ns, struct dd_ev_strlist *out,
		     struct chk_ids *ids)
{
	const struct dd_ev_parent *p = &c->ev->parent;

	for (size_t i = 0; i < p->nservers; i++) {
		const struct dd_ev_delegation *d = &p->servers[i].delegation;
		for (size_t g = 0; g < d->nglue && out->n < CHK_MAX_SET; g++)
			if (d->glue[g].name && d->glue[g].address &&
			    strcasecmp(d->glue[g].name, ns->name) == 0 &&
			    family_looked_up(c, d->glue[g].address)) {
				chk_fail(c, dd_ev_strlist_add_unique(out, d->glue[g].address));
				chk_ids_add(c, ids, d->r.exchange);
			}
	}
	for (size_t i = 0; i < ns->glue.n && out->n < CHK_MAX_SET; i++)
		if (family_looked_up(c, ns->glue.v[i]))
			chk_fail(c, dd_ev_strlist_add_unique(out, ns->glue.v[i]));
}

static void glue(struct chk_ctx *c, const char *zl)
{
	struct dd_ev_strlist mismatch = { 0 }, missing = { 0 };
	struct chk_ids ids_mm = { 0 }, ids_miss = { 0 };

	if (c->facts->p_delegating == 0)
		return;
	for (size_t i = 0; i < c->ev->nnameservers; i++) {
		const struct dd_ev_nameserver *ns = &c->ev->nameservers[i];
		const struct dd_ev_resolution *r = &ns->resolution;
		struct dd_ev_strlist g = { 0 }, auth = { 0 };
		struct chk_ids ids = { 0 };
		int inside = ns->in_bailiwick || dd_name_is_subdomain(ns->name, c->ev->domain);

		if (dd_ev_strlist_find(&c->facts->parent_ns, ns->name) < 0)
			continue;
		glue_for(c, ns, &g, &ids);
		for (size_t k = 0; k < r->a.n && auth.n < CHK_MAX_SET; k++)
			chk_fail(c, dd_ev_strlist_add_unique(&auth, r->a.v[k]));
		for (size_t k = 0; k < r->aaaa.n && auth.n < CHK_MAX_SET; k++)
			chk_fail(c, dd_ev_strlist_add_unique(&auth, r->aaaa.v[k]));
		if (g.n == 0 && inside) {
			chk_label(c, &missing, ns->name, NULL, NULL);
		} else if (g.n && r->state == DD_EV_R_OK && auth.n && !chk_set_equal(c, &g, &auth)) {
			struct dd_buf b;
			dd_buf_init(&b);
			dd_buf_printf(&b, "%s has glue ", ns->name);
			chk_join(&b, &g, 6);
			dd_buf_puts(&b, " but its authoritative addresses are ");
			chk_join(&b, &auth, 6);
			chk_fail(c, dd_ev_strlist_add(&mismatch, dd_buf_str(&b)));
			dd_buf_free(&b);
			for (size_t k = 0; k < ids.n; k++)
				chk_ids_add(c, &ids_mm, ids.v[k]);
		}
		if (g.n == 0 && inside)
			for (size_t k = 0; k < ids.n; k++)
				chk_ids_add(c, &ids_miss, ids.v[k]);
		dd_ev_strlist_free(&g);
		dd_ev_strlist_free(&auth);
		chk_ids_free(&ids);
	}
	if (mismatch.n) {
		struct dd_buf b;
		dd_buf_init(&b);
		for (size_t i = 0; i < mismatch.n && i < 6; i++)
			dd_buf_printf(&b, "%s%s", i ? "; " : "", mismatch.v[i]);
		chk_add(c, C_GLUE_MISMATCH, &ids_mm, "glue at %s differs from the authoritative addresses: %s",
			zl, dd_buf_str(&b));
		dd_buf_free(&b);
	}
	if (missing.n) {
		struct dd_buf b;
		dd_buf_init(&b);
		chk_join(&b, &missing, 8);
		chk_add(c, C_GLUE_MISSING, &ids_miss,
			"%s %s inside %s but %s no glue at %s, so resolvers cannot find %s",
			dd_buf_str(&b), missing.n > 1 ? "are" : "is", c->ev->domain,
			missing.n > 1 ? "have" : "has", zl, missing.n > 1 ? "their addresses" : "its address");
		dd_buf_free(&b);
	}
	dd_ev_strlist_free(&mismatch);
	dd_ev_strlist_free(&missing);
	chk_ids_free(&ids_mm);
	chk_ids_free(&ids_miss);
}

static void names(struct chk_ctx *c)
{
	struct dd_ev_strlist nx = { 0 }, noaddr = { 0 }, alias = { 0 };
	struct dd_buf b;

	for (size_t i = 0; i < c->ev->nnameservers; i++) {
		const struct dd_ev_nameserver *ns = &c->ev->nameservers[i];
		const struct dd_ev_resolution *r = &ns->resolution;
		int inside = ns->in_bailiwick || dd_name_is_subdomain(ns->name, c->ev->domain);
		/* Names inside an undelegated domain cannot resolve: that is the
		 * delegation's finding, not theirs. */
		if (inside && c->facts->p_delegating == 0)
			continue;
		if (r->state == DD_EV_R_NXDOMAIN)
			chk_label(c, &nx, ns->name, NULL, NULL);
		else if ((r->state == DD_EV_R_NODATA || r->state == DD_EV_R_FAILED) &&
			 !c->facts->one_family) /* one family looked up: not observed */
			chk_label(c, &noaddr, ns->name, NULL,
				  r->state == DD_EV_R_NODATA ? "(no A or AAAA)" : "(lookup failed)");
		if (r->cname) {
			struct dd_buf a;
			dd_buf_init(&a);
			dd_buf_printf(&a, "%s is an alias of %s", ns->name, r->cname);
			chk_fail(c, dd_ev_strlist_add(&alias, dd_buf_str(&a)));
			dd_buf_free(&a);
		}
	}
	dd_buf_init(&b);
	if (nx.n) {
		chk_join(&b, &nx, 8);
		chk_add(c, C_NS_NAME_NXDOMAIN, NULL, "nameserver name%s %s do%s not exist (NXDOMAIN)",
			nx.n > 1 ? "s" : "", dd_buf_str(&b), nx.n > 1 ? "" : "es");
		dd_buf_free(&b);
	}
	if (noaddr.n) {
		chk_join(&b, &noaddr, 8);
		chk_add(c, C_NS_NAME_NO_ADDRESS, NULL, "nameserver name%s without a usable address: %s",
			noaddr.n > 1 ? "s" : "", dd_buf_str(&b));
		dd_buf_free(&b);
	}
	if (alias.n) {
		chk_join(&b, &alias, 8);
		chk_add(c, C_NS_NAME_CNAME, NULL, "%s", dd_buf_str(&b));
	}
	dd_buf_free(&b);
	dd_ev_strlist_free(&nx);
	dd_ev_strlist_free(&noaddr);
	dd_ev_strlist_free(&alias);
}

/* "2 days", "1 hour", "30 minutes", "45 seconds" (rounded down). */
static void duration(struct dd_buf *b, int64_t s)
{
	if (s >= 86400)
		dd_buf_printf(b, "%lld day%s", (long long)(s / 86400), s >= 2 * 86400 ? "s" : "");
	else if (s >= 3600)
		dd_buf_printf(b, "%lld hour%s", (long long)(s / 3600), s >= 2 * 3600 ? "s" : "");
	else if (s >= 60)
		dd_buf_printf(b, "%lld minute%s", (long long)(s / 60), s >= 120 ? "s" : "");
	else
		dd_buf_printf(b, "%lld second%s", (long long)s, s == 1 ? "" : "s");
}

static int64_t max64(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

static void ttls(struct chk_ctx *c, const char *zl)
{
	const struct dd_evidence *ev = c->ev;
	int64_t p_ns = -1, p_glue = -1, c_ns = -1, addr = -1;
	struct chk_ids ids = { 0 };
	struct dd_buf b;

	if (c->facts->p_delegating == 0)
		return;
	for (size_t i = 0; i < ev->parent.nservers; i++) {
		const struct dd_ev_delegation *d = &ev->parent.servers[i].delegation;
		if (!chk_parent_delegates(&ev->parent.servers[i]))
			continue;
		p_ns = max64(p_ns, d->ns_ttl);
		for (size_t g = 0; g < d->nglue; g++)
			p_glue = max64(p_glue, d->glue[g].ttl);
		chk_ids_add(c, &ids, d->r.exchange);
	}
	for (size_t i = 0; i < ev->nnameservers; i++) {
		const struct dd_ev_nameserver *ns = &ev->nameservers[i];
		addr = max64(addr, ns->resolution.ttl);
		for (size_t j = 0; j < ns->nservers; j++)
			if (chk_server_good(&ns->servers[j]) &&
			    ns->servers[j].ns_udp.r.state == DD_EV_ANSWER)
				c_ns = max64(c_ns, ns->servers[j].ns_udp.ttl);
	}
	if (p_ns < 0 && c_ns < 0) {
		chk_ids_free(&ids);
		return;
	}
	dd_buf_init(&b);
	dd_buf_puts(&b, "a change of nameservers takes up to ");
	duration(&b, max64(p_ns, c_ns));
	dd_buf_puts(&b, " to reach every resolver (NS TTL");
	if (p_ns >= 0)
		dd_buf_printf(&b, " %lld s at %s", (long long)p_ns, zl);
	if (c_ns >= 0)
		dd_buf_printf(&b, "%s %lld s at the domain's servers", p_ns >= 0 ? "," : "",
			      (long long)c_ns);
	dd_buf_puts(&b, ")");
	if (p_glue >= 0 || addr >= 0) {
		dd_buf_puts(&b, "; a change of their addresses up to ");
		duration(&b, max64(p_glue, addr));
		dd_buf_puts(&b, " (");
		if (p_glue >= 0)
			dd_buf_printf(&b, "glue TTL %lld s", (long long)p_glue);
		if (addr >= 0)
			dd_buf_printf(&b, "%saddress TTL %lld s", p_glue >= 0 ? ", " : "",
				      (long long)addr);
		dd_buf_puts(&b, ")");
	}
	chk_add(c, C_DELEGATION_TTL, &ids, "%s", dd_buf_str(&b));
	dd_buf_free(&b);
}

void chk_delegation(struct chk_ctx *c)
{
	char zl[300];

	chk_zone_label(c->ev->parent.zone, zl, sizeof(zl));
	parent_child(c, zl);
	child_disagree(c);
	glue(c, zl);
	names(c);
	ttls(c, zl);
}
