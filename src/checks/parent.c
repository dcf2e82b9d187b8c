/* parent.c: what the parent zone's servers say about the delegation: not
 * delegated by all or by some of them (registration vs publication lag or a
 * broken registry server), servers failing, and servers that disagree on the
 * NS set or the glue. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "checks/chk_int.h"

#define MAX_GROUPS 8 /* distinct NS sets reported */

/* Servers whose delegation state matches pred, as labels, and their ids. */
static void collect(struct chk_ctx *c, int (*pred)(const struct dd_ev_parent_server *),
		    struct dd_ev_strlist *labels, struct chk_ids *ids, int with_state)
{
	const struct dd_ev_parent *p = &c->ev->parent;

	for (size_t i = 0; i < p->nservers; i++) {
		const struct dd_ev_parent_server *s = &p->servers[i];
		char tmp[48];
		if (!pred(s))
			continue;
		chk_label(c, labels, s->name, s->address,
			  with_state ? chk_state_phrase(&s->delegation.r, tmp, sizeof(tmp)) : NULL);
		chk_ids_add(c, ids, s->delegation.r.exchange);
	}
}

static int is_nxdomain(const struct dd_ev_parent_server *s)
{
	return s->delegation.r.state == DD_EV_NXDOMAIN;
}

static int is_nodata(const struct dd_ev_parent_server *s)
{
	enum dd_ev_state st = s->delegation.r.state;

	return !chk_parent_delegates(s) &&
	       (st == DD_EV_NODATA || st == DD_EV_CNAME ||
		(st == DD_EV_ANSWER && s->delegation.r.aa != 0));
}

static int is_failed(const struct dd_ev_parent_server *s)
{
	return s->delegation.r.state != DD_EV_SKIPPED && !chk_parent_delegates(s) &&
	       !is_nxdomain(s) && !is_nodata(s);
}

static void not_delegated(struct chk_ctx *c, const char *zl)
{
	const struct chk_facts *f = c->facts;
	struct dd_ev_strlist who = { 0 };
	struct chk_ids ids = { 0 };
	struct dd_buf b;
	size_t answered = f->p_asked - f->p_failed;

	dd_buf_init(&b);
	if (f->p_delegating == 0 && f->p_nodata == 0) {
		collect(c, is_nxdomain, &who, &ids, 0);
		chk_join(&b, &who, 6);
		chk_add(c, C_PARENT_NXDOMAIN_ALL, &ids,
			"%s does not exist according to %zu of %zu %s servers (NXDOMAIN from %s)%s",
			c->ev->domain, f->p_nxdomain, f->p_asked, zl, dd_buf_str(&b),
			f->p_failed ? "; the others did not answer" : "");
	} else if (f->p_delegating == 0) {
		collect(c, is_nxdomain, &who, &ids, 1);
		collect(c, is_nodata, &who, &ids, 1);
		chk_join(&b, &who, 6);
		chk_add(c, C_PARENT_NOT_DELEGATED, &ids,
			"none of the %zu answering %s servers delegates %s: %s", answered, zl,
			c->ev->domain, dd_buf_str(&b));
	}
	dd_buf_free(&b);
	dd_ev_strlist_free(&who);
	chk_ids_free(&ids);
}

static void partly_delegated(struct chk_ctx *c, const char *zl)
{
	const struct chk_facts *f = c->facts;
	int (*preds[2])(const struct dd_ev_parent_server *) = { is_nxdomain, is_nodata };
	size_t counts[2] = { f->p_nxdomain, f->p_nodata };
	enum chk_code codes[2] = { C_PARENT_NXDOMAIN_SOME, C_PARENT_NODATA_SOME };

	if (f->p_delegating == 0)
		return;
	for (int k = 0; k < 2; k++) {
		struct dd_ev_strlist who = { 0 };
		struct chk_ids ids = { 0 };
		struct dd_buf b;
		if (counts[k] == 0)
			continue;
		dd_buf_init(&b);
		collect(c, preds[k], &who, &ids, 1);
		chk_join(&b, &who, 6);
		chk_add(c, codes[k], &ids,
			"%zu of %zu answering %s servers give no delegation for %s (%s); %zu delegate it",
			counts[k], f->p_asked - f->p_failed, zl, c->ev->domain, dd_buf_str(&b),
			f->p_delegating);
		dd_buf_free(&b);
		dd_ev_strlist_free(&who);
		chk_ids_free(&ids);
	}
}

static void failures(struct chk_ctx *c, const char *zl)
{
	const struct chk_facts *f = c->facts;
	struct dd_ev_strlist who = { 0 };
	struct chk_ids ids = { 0 };
	struct dd_buf b;

	if (f->p_failed == 0)
		return;
	dd_buf_init(&b);
	collect(c, is_failed, &who, &ids, 1);
	chk_join(&b, &who, 6);
	if (f->p_failed == f->p_asked)
		chk_add(c, C_PARENT_ALL_FAILED, &ids,
			"none of the %zu %s servers answered the delegation query for %s: %s",
			f->p_asked, zl, c->ev->domain, dd_buf_str(&b));
	else
		chk_add(c, C_PARENT_SERVER_FAILED, &ids,
			"%zu of %zu %s servers gave no usable answer for %s: %s", f->p_failed,
			f->p_asked, zl, c->ev->domain, dd_buf_str(&b));
	dd_buf_free(&b);
	dd_ev_strlist_free(&who);
	chk_ids_free(&ids);
}

struct group {
	char *key;                 /* the set's key */
	const struct dd_ev_strlist *set;
	struct dd_ev_strlist who;  /* servers that publish it */
};

static void groups_free(struct group *g, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(g[i].key);
		dd_ev_strlist_free(&g[i].who);
	}
}

/* Add set (published by server name/address) to the groups; 0 when it
 * could not be placed (too many distinct sets, or out of memory). */
static int group_add(struct chk_ctx *c, struct group *g, size_t *ng,
		     const struct dd_ev_strlist *set, const char *name, const char *address)
{
	char *key = chk_set_key(c, set);
	size_t i;

	if (!key)
		return 0;
	for (i = 0; i < *ng; i++)
		if (strcmp(g[i].key, key) == 0)
			break;
	if (i == *ng) {
		if (*ng == MAX_GROUPS) {
			free(key);
			return 0;
		}
		g[i].key = key;
		g[i].set = set;
		memset(&g[i].who, 0, sizeof(g[i].who));
		(*ng)++;
	} else {
		free(key);
	}
	chk_label(c, &g[i].who, name, address, NULL);
	return 1;
}

/* "ns1. and ns2. from a. (1.2.3.4); ns1. from b. (1.2.3.5)" */
static void describe_groups(struct dd_buf *b, const struct group *g, size_t ng)
{
	for (size_t i = 0; i < ng; i++) {
		if (i)
			dd_buf_puts(b, "; ");
		if (g[i].set->n)
			chk_join(b, g[i].set, 8);
		else
			dd_buf_puts(b, "nothing");
		dd_buf_puts(b, " from ");
		chk_join(b, &g[i].who, 4);
	}
}

static void ns_disagree(struct chk_ctx *c, const char *zl)
{
	const struct dd_ev_parent *p = &c->ev->parent;
	struct group g[MAX_GROUPS];
	struct chk_ids ids = { 0 };
	size_t ng = 0;

	for (size_t i = 0; i < p->nservers; i++) {
		const struct dd_ev_parent_server *s = &p->servers[i];
		if (!chk_parent_delegates(s))
			continue;
		group_add(c, g, &ng, &s->delegation.ns, s->name, s->address);
		chk_ids_add(c, &ids, s->delegation.r.exchange);
	}
	if (ng > 1) {
		struct dd_buf b;
		dd_buf_init(&b);
		describe_groups(&b, g, ng);
		chk_add(c, C_PARENT_NS_DISAGREE, &ids, "%s servers publish %zu different NS sets for %s: %s",
			zl, ng, c->ev->domain, dd_buf_str(&b));
		dd_buf_free(&b);
	}
	groups_free(g, ng);
	chk_ids_free(&ids);
}

/* Glue addresses server s gives for name. */
static void glue_of(struct chk_ctx *c, const struct dd_ev_parent_server *s, const char *name,
		    struct dd_ev_strlist *out)
{
	for (size_t i = 0; i < s->delegation.nglue && out->n < CHK_MAX_SET; i++) {
		const struct dd_ev_glue *gl = &s->delegation.glue[i];
		if (gl->name && gl->address && strcasecmp(gl->name, name) == 0)
			chk_fail(c, dd_ev_strlist_add_unique(out, gl->address));
	}
}

static void glue_disagree(struct chk_ctx *c, const char *zl)
{
	const struct dd_ev_parent *p = &c->ev->parent;
	const struct dd_ev_strlist *names = &c->facts->parent_ns;
	struct dd_ev_strlist lines = { 0 };
	struct chk_ids ids = { 0 };

	for (size_t k = 0; k < names->n; k++) {
		struct dd_ev_strlist glue[MAX_GROUPS * 4];
		struct group g[MAX_GROUPS];
		size_t ng = 0, nglue = 0;
		for (size_t i = 0; i < p->nservers && nglue < MAX_GROUPS * 4; i++) {
			const struct dd_ev_parent_server *s = &p->servers[i];
			if (!chk_parent_delegates(s))
				continue;
			memset(&glue[nglue], 0, sizeof(glue[nglue]));
			glue_of(c, s, names->v[k], &glue[nglue]);
			if (glue[nglue].n == 0)
				continue; /* glue left out (size, policy): not a disagreement */
			group_add(c, g, &ng, &glue[nglue], s->name, s->address);
			chk_ids_add(c, &ids, s->delegation.r.exchange);
			nglue++;
		}
		if (ng > 1) {
			struct dd_buf b;
			dd_buf_init(&b);
			dd_buf_printf(&b, "%s: ", names->v[k]);
			describe_groups(&b, g, ng);
			chk_fail(c, dd_ev_strlist_add(&lines, dd_buf_str(&b)));
			dd_buf_free(&b);
		}
		groups_free(g, ng);
		for (size_t i = 0; i < nglue; i++)
			dd_ev_strlist_free(&glue[i]);
	}
	if (lines.n) {
		struct dd_buf b;
		dd_buf_init(&b);
		for (size_t i = 0; i < lines.n && i < 4; i++)
			dd_buf_printf(&b, "%s%s", i ? "; " : "", lines.v[i]);
		chk_add(c, C_PARENT_GLUE_DISAGREE, &ids, "%s servers publish different glue: %s", zl,
			dd_buf_str(&b));
		dd_buf_free(&b);
	}
	dd_ev_strlist_free(&lines);
	chk_ids_free(&ids);
}

void chk_parent(struct chk_ctx *c)
{
	char zl[300];

	if (!c->ev->parent.zone || c->facts->p_asked == 0)
		return;
	chk_zone_label(c->ev->parent.zone, zl, sizeof(zl));
	failures(c, zl);
	if (c->facts->p_failed == c->facts->p_asked)
		return;
	not_delegated(c, zl);
	partly_delegated(c, zl);
	ns_disagree(c, zl);
	glue_disagree(c, zl);
}
