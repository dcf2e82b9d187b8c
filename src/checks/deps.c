/* deps.c: findings from the dependency graph (src/graph), when the evidence
 * has a dependencies section: single points of failure of the domain
 * (the inherent ones in one finding, each avoidable one in its own), hijack
 * risks of the nameserver domains, registration data that is missing, and
 * for backups whether they resolve, what they share with the domain and
 * which single failure still takes all of them down. */
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

static void spofs(struct chk_ctx *c, const struct dd_graph *g, const struct dd_graph_rootres *r)
{
	struct dd_buf inh;
	size_t ninh = 0;

	dd_buf_init(&inh);
	for (size_t i = 0; i < r->nspofs; i++) {
		const struct dd_graph_spof *s = &r->spofs[i];
		const struct dd_graph_entity *e = &g->entities[s->entity];
		char label[DD_NAME_MAX + 16];
		dd_graph_entity_label(e, label, sizeof(label));
		if (!s->inherent) {
			/* "example.sm." ends the sentence's clause: no second dot. */
			const char *root = g->roots[0].name;
			int len = (int)strlen(root);
			if (len > 1 && root[len - 1] == '.')
				len--;
			chk_add(c, spof_code[e->kind], NULL,
				"%s is a single point of failure of %.*s: %s", label, len, root,
				s->advice);
			continue;
		}
		dd_buf_printf(&inh, "%s%s", ninh ? ", " : "", label);
		ninh++;
	}
	if (ninh)
		chk_add(c, C_DEPS_SPOF_INHERENT, NULL,
			"%s cannot resolve without these, whatever its DNS setup: %s",
			g->roots[0].name, dd_buf_str(&inh));
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
