/* deps.c: findings from the dependency graph (src/graph), when the evidence
 * has a dependencies section: single points of failure of the domain
 * (the inherent ones in one finding, each avoidable one in its own), hijack
 * risks of the nameserver domains, registration data that is missing, and
 * for backups whether they resolve, what they share with the domain and
 * which single failure still takes all of them down. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/chk_int.h"
#include "core/err.h"
#include "graph/graph.h"

static const enum chk_code spof_code[DD_GK_COUNT] = {
	[DD_GK_REGISTRY] = C_DEPS_SPOF_REGISTRY, [DD_GK_REGISTRAR] = C_DEPS_SPOF_REGISTRAR,
	[DD_GK_OPERATOR] = C_DEPS_SPOF_OPERATOR, [DD_GK_NETWORK] = C_DEPS_SPOF_NETWORK,
	[DD_GK_AS] = C_DEPS_SPOF_AS,             [DD_GK_SERVER] = C_DEPS_SPOF_SERVER,
};

static const enum chk_code hijack_code[DD_HJ_COUNT] = {
	[DD_HJ_UNREGISTERED] = C_DEPS_NS_DOMAIN_UNREGISTERED,
	[DD_HJ_NOT_DELEGATED] = C_DEPS_NS_DOMAIN_NOT_DELEGATED,
	[DD_HJ_EXPIRED] = C_DEPS_NS_DOMAIN_EXPIRED,
	[DD_HJ_ON_HOLD] = C_DEPS_NS_DOMAIN_ON_HOLD,
	[DD_HJ_PENDING_DELETE] = C_DEPS_NS_DOMAIN_PENDING_DELETE,
	[DD_HJ_EXPIRES_FIRST] = C_DEPS_NS_DOMAIN_EXPIRES_FIRST,
	[DD_HJ_NO_TRANSFER_LOCK] = C_DEPS_NS_DOMAIN_NO_TRANSFER_LOCK,
};

/* A finding of the diversity family (run before) already says that e is
 * the one operator or the one network of the domain's nameservers: the same
 * fact is not said twice. */
static int said_already(struct chk_ctx *c, const struct dd_graph_entity *e)
{
	static const enum chk_code codes[] = { C_NS_ONE_OPERATOR, C_ADDR_ONE_PREFIX_V4,
					       C_ADDR_ONE_PREFIX_V6 };
	char word[DD_NAME_MAX + 8];

	if (e->kind != DD_GK_OPERATOR && e->kind != DD_GK_NETWORK)
		return 0;
	snprintf(word, sizeof(word), e->kind == DD_GK_OPERATOR ? " under %s:" : " in %s", e->name);
	for (size_t i = e->kind == DD_GK_OPERATOR ? 0 : 1;
	     i < (e->kind == DD_GK_OPERATOR ? 1 : 3); i++) {
		const struct dd_chk_finding *f = chk_find(c->out, codes[i]);
		const char *at = f ? strstr(f->message, word) : NULL;
		size_t n = strlen(word);
		if (at && (e->kind == DD_GK_OPERATOR || at[n] == '\0' || at[n] == ' '))
			return 1;
	}
	return 0;
}

/* The inherent ones, those that fail together (the same registry zone's own
 * infrastructure) as one entry listing its parts. */
static void inherent_list(const struct dd_graph *g, const struct dd_graph_rootres *r,
			  struct dd_buf *b)
{
	size_t n = 0;

	for (size_t i = 0; i < r->nspofs; i++) {
		const struct dd_graph_spof *s = &r->spofs[i];
		char label[DD_NAME_MAX + 16];
		int first = 1;
		if (!s->inherent)
			continue;
		if (s->via >= 0) {
			for (size_t k = 0; k < i && first; k++)
				first = !(r->spofs[k].inherent && r->spofs[k].via == s->via);
			if (!first)
				continue;
			dd_buf_printf(b, "%sthe registry zone %s's own infrastructure (", n++ ? ", " : "",
				      g->zones[s->via].name);
			for (size_t k = i, m = 0; k < r->nspofs; k++) {
				if (!r->spofs[k].inherent || r->spofs[k].via != s->via)
					continue;
				dd_graph_entity_label(&g->entities[r->spofs[k].entity], label,
						      sizeof(label));
				dd_buf_printf(b, "%s%s", m++ ? ", " : "", label);
			}
			dd_buf_puts(b, ")");
			continue;
		}
		dd_graph_entity_label(&g->entities[s->entity], label, sizeof(label));
		dd_buf_printf(b, "%s%s", n++ ? ", " : "", label);
	}
}

/* One avoidable SPOF, or one group of them (one zone's infrastructure,
 * failing as one), as one finding: the fact only (the code's advice says
 * what to change). A lone one a diversity finding says already (said) is
 * left out; a group says more than that finding. */
static void avoidable(struct chk_ctx *c, const struct dd_graph *g, const struct dd_graph_rootres *r,
		      size_t i, int said)
{
	const struct dd_graph_spof *s = &r->spofs[i];
	enum dd_graph_kind kind = g->entities[s->entity].kind;
	char subject[1024];
	int group = 0;

	if (!dd_graph_spof_subject(g, r, i, subject, sizeof(subject)))
		return;
	for (size_t k = i + 1; k < r->nspofs; k++)
		if (!r->spofs[k].inherent && s->via >= 0 && r->spofs[k].via == s->via) {
			group = 1;
			if (g->entities[r->spofs[k].entity].kind == DD_GK_REGISTRY)
				kind = DD_GK_REGISTRY;
		}
	if (said && !group)
		return; /* a diversity finding says it already */
	if (group)
		chk_add(c, spof_code[kind], NULL,
			"%s is a single point of failure (any of them takes down the %szone %s): %s",
			subject, g->zones[s->via].suffix ? "registry " : "", g->zones[s->via].name,
			s->why ? s->why : s->advice);
	else
		chk_add(c, spof_code[kind], NULL, "%s is a single point of failure: %s", subject,
			s->why ? s->why : s->advice);
}

static void spofs(struct chk_ctx *c, const struct dd_graph *g, const struct dd_graph_rootres *r)
{
	struct dd_buf inh;
	size_t ninh = 0;

	for (size_t i = 0; i < r->nspofs; i++) {
		const struct dd_graph_spof *s = &r->spofs[i];
		const struct dd_graph_entity *e = &g->entities[s->entity];
		if (s->inherent) {
			ninh++;
			continue;
		}
		avoidable(c, g, r, i, said_already(c, e));
	}
	if (!ninh)
		return;
	dd_buf_init(&inh);
	inherent_list(g, r, &inh);
	chk_add(c, C_DEPS_SPOF_INHERENT, NULL,
		"%s cannot resolve without these, whatever its DNS setup: %s", g->roots[0].name,
		dd_buf_str(&inh));
	chk_fail(c, dd_buf_failed(&inh) ? DD_ENOMEM : 0);
	dd_buf_free(&inh);
}

static void unknown_regs(struct chk_ctx *c, const struct dd_graph *g,
			 const struct dd_graph_analysis *a)
{
	struct dd_buf b;

	if (!a->nreg_unknown)
		return;
	dd_buf_init(&b);
	for (size_t i = 0; i < a->nreg_unknown && i < 8; i++)
		dd_buf_printf(&b, "%s%s", i ? ", " : "", a->reg_unknown[i]);
	if (a->nreg_unknown > 8)
		dd_buf_printf(&b, " and %zu more", a->nreg_unknown - 8);
	chk_add(c, C_DEPS_REGISTRATION_UNKNOWN, NULL,
		"registration of %zu nameserver domain%s of %s unknown%s: %s", a->nreg_unknown,
		a->nreg_unknown == 1 ? "" : "s", g->roots[0].name,
		g->ev->deps.registration ? "" : " (not looked up)", dd_buf_str(&b));
	chk_fail(c, dd_buf_failed(&b) ? DD_ENOMEM : 0);
	dd_buf_free(&b);
}

static void backups(struct chk_ctx *c, const struct dd_graph *g, const struct dd_graph_analysis *a)
{
	for (size_t r = 1; r < a->nroots; r++) {
		const struct dd_graph_rootres *res = &a->roots[r];
		struct dd_buf b;
		if (!res->resolvable)
			chk_add(c, C_DEPS_BACKUP_DOWN, NULL, "the backup %s of %s does not resolve",
				g->roots[r].name, g->roots[0].name);
		if (!res->nshared)
			continue;
		dd_buf_init(&b);
		for (size_t i = 0; i < res->nshared && i < 12; i++) {
			char label[DD_NAME_MAX + 16];
			dd_graph_entity_label(&g->entities[res->shared[i]], label, sizeof(label));
			dd_buf_printf(&b, "%s%s", i ? ", " : "", label);
		}
		if (res->nshared > 12)
			dd_buf_printf(&b, " and %zu more", res->nshared - 12);
		chk_add(c, C_DEPS_BACKUP_SHARES, NULL,
			"the backup %s shares with %s: %s; it protects against none of their failures",
			g->roots[r].name, g->roots[0].name, dd_buf_str(&b));
		chk_fail(c, dd_buf_failed(&b) ? DD_ENOMEM : 0);
		dd_buf_free(&b);
	}
	for (size_t i = 0; i < a->ngroup_spofs; i++)
		chk_add(c, C_DEPS_BACKUP_SHARED_SPOF, NULL, "%s", a->group_spofs[i].advice);
}

void chk_deps(struct chk_ctx *c)
{
	const struct dd_evidence *ev = c->ev;
	struct dd_graph *g = NULL;
	struct dd_graph_analysis a;
	int64_t now = c->o && c->o->now ? c->o->now : ev->time;
	int rc;

	if (!ev->deps.present)
		return;
	rc = dd_graph_build(ev, &g);
	if (rc == 0)
		rc = dd_graph_analyse(g, now, &a);
	if (rc) {
		chk_fail(c, rc == DD_ENOTFOUND ? 0 : rc);
		dd_graph_free(g);
		return;
	}
	if (g->nroots && a.roots[0].resolvable)
		spofs(c, g, &a.roots[0]);
	for (size_t i = 0; i < a.nhijacks; i++)
		chk_add(c, hijack_code[a.hijacks[i].kind], NULL, "%s", a.hijacks[i].message);
	unknown_regs(c, g, &a);
	backups(c, g, &a);
	if (g->truncated)
		chk_add(c, C_DEPS_INCOMPLETE, NULL,
			"the dependencies of %s were gathered to a depth of %d NS names; some were "
			"left out", ev->domain, ev->deps.max_depth);
	/* Kept with the findings for the renderers (computed once). */
	struct dd_chk_findings *out = c->out;
	if (!out->graph && now == out->now && (out->analysis = malloc(sizeof(a)))) {
		*out->analysis = a;
		out->graph = g;
		return;
	}
	dd_graph_analysis_free(&a);
	dd_graph_free(g);
}
