/* dot.c: the dependency graph in Graphviz's DOT language, for `dnsdeps graph
 * --format dot` and as the input of the SVG renderer. Left to right, from
 * the domain to what it depends on: zones (delegated by their parent zone),
 * NS names grouped by operator, addresses grouped by network with their
 * origin AS, registrars. Nodes are coloured by kind; single points of
 * failure get a thick red border, NS names a stranger could take over a red
 * dashed fill; a legend says so. Every name is escaped twice: for the
 * terminal (dd_esc) and for DOT's quoted strings. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/err.h"
#include "core/esc.h"
#include "graph/graph.h"
#include "report/report.h"

#define C_ROOT "#9ec5fe"     /* the domain and its backups */
#define C_ZONE "#cfe2ff"     /* other zones */
#define C_REGISTRY "#e2d9f3" /* public suffixes: registries' zones */
#define C_HOST "#d1e7dd"
#define C_ADDR "#f8f9fa"
#define C_AS "#fde2c4"
#define C_REGISTRAR "#fff3cd"
#define C_HIJACK "#f8d7da"
#define C_SPOF "#d00000"

/* s as the inside of a DOT quoted string: escaped for people, then '"'
 * and '\' made literal. */
static void q(struct dd_buf *b, const char *s)
{
	char e[4 * DD_NAME_MAX];

	dd_esc(s ? s : "", strlen(s ? s : ""), e, sizeof(e));
	for (const char *p = e; *p; p++) {
		if (*p == '"' || *p == '\\')
			dd_buf_add(b, "\\", 1);
		dd_buf_add(b, p, 1);
	}
}

struct dv {
	struct dd_graph *g;
	struct dd_graph_analysis a;
	unsigned char *spof;  /* per entity: a SPOF of some root, or of the group;
			       * 2 when inherent (the name's registry, registrar...) */
	unsigned char *hijack; /* per host: under a domain at risk */
	const char **risk;    /* per host: the first risk's name */
};

static void mark(struct dv *v)
{
	for (size_t r = 0; r < v->a.nroots; r++)
		for (size_t i = 0; i < v->a.roots[r].nspofs; i++)
			if (!v->spof[v->a.roots[r].spofs[i].entity] || !v->a.roots[r].spofs[i].inherent)
				v->spof[v->a.roots[r].spofs[i].entity] =
					v->a.roots[r].spofs[i].inherent ? 2 : 1;
	for (size_t i = 0; i < v->a.ngroup_spofs; i++)
		v->spof[v->a.group_spofs[i].entity] = 1;
	for (size_t i = 0; i < v->a.nhijacks; i++)
		for (size_t k = 0; k < v->a.hijacks[i].nhosts; k++) {
			int h = v->a.hijacks[i].hosts[k];
			if (!v->hijack[h])
				v->risk[h] = dd_graph_hijack_name(v->a.hijacks[i].kind);
			v->hijack[h] = 1;
		}
}

static int is_root_zone(const struct dd_graph *g, size_t z)
{
	for (size_t r = 0; r < g->nroots; r++)
		if (g->roots[r].zone == (int)z)
			return 1;
	return 0;
}

/* The line a SPOF's label gets. */
static const char *spof_label(int spof)
{
	return spof == 2 ? "\\nSINGLE POINT OF FAILURE (inherent)"
	       : spof	 ? "\\nSINGLE POINT OF FAILURE"
			 : "";
}

static void spof_attrs(struct dd_buf *b, int spof)
{
	if (spof)
		dd_buf_puts(b, ", color=\"" C_SPOF "\", penwidth=3");
}

static void zones(struct dd_buf *b, const struct dv *v)
{
	const struct dd_graph *g = v->g;

	for (size_t z = 0; z < g->nzones; z++) {
		const struct dd_graph_zone *zone = &g->zones[z];
		int root = is_root_zone(g, z);
		int spof = zone->suffix && zone->registry >= 0 && v->spof[zone->registry];
		dd_buf_printf(b, "  z%zu [label=\"", z);
		q(b, strcmp(zone->name, ".") == 0 ? "the root (.)" : zone->name);
		if (zone->suffix && zone->registry >= 0)
			dd_buf_puts(b, "\\nregistry");
		dd_buf_puts(b, spof ? spof_label(v->spof[zone->registry]) : "");
		dd_buf_printf(b, "\", shape=box, style=\"filled%s\", fillcolor=\"%s\"",
			      root ? ",bold" : "",
			      root ? C_ROOT : zone->suffix ? C_REGISTRY : C_ZONE);
		spof_attrs(b, spof);
		dd_buf_puts(b, "];\n");
	}
	for (size_t r = 0; r < g->nroots; r++) {
		const struct dd_graph_root *root = &g->roots[r];
		if (root->zone >= 0 && strcasecmp(g->zones[root->zone].name, root->name) == 0)
			continue;
		/* A root that is not a zone of its own (www.example.test). */
		dd_buf_printf(b, "  n%zu [label=\"", r);
		q(b, root->name);
		dd_buf_puts(b, "\", shape=box, style=\"filled,bold\", fillcolor=\"" C_ROOT "\"];\n");
		if (root->zone >= 0)
			dd_buf_printf(b, "  n%zu -> z%d [label=\"in\"];\n", r, root->zone);
	}
}

/* NS names, one cluster per operator. */
static void hosts(struct dd_buf *b, const struct dv *v)
{
	const struct dd_graph *g = v->g;

	for (size_t e = 0; e < g->nentities; e++) {
		if (g->entities[e].kind != DD_GK_OPERATOR)
			continue;
		dd_buf_printf(b, "  subgraph \"cluster_op%zu\" {\n    label=\"operator ", e);
		q(b, g->entities[e].name);
		dd_buf_printf(b, "%s\"; style=rounded;%s\n", spof_label(v->spof[e]),
			      v->spof[e] ? " color=\"" C_SPOF "\"; penwidth=3; fontcolor=\"" C_SPOF "\";"
					 : " color=\"#999999\";");
		for (size_t h = 0; h < g->nhosts; h++) {
			const struct dd_graph_host *host = &g->hosts[h];
			if (host->operator != (int)e)
				continue;
			dd_buf_printf(b, "    h%zu [label=\"", h);
			q(b, host->name);
			if (v->hijack[h])
				dd_buf_printf(b, "\\nHIJACK RISK: %s", v->risk[h]);
			else if (host->state != DD_EV_R_OK && host->state != DD_EV_R_SKIPPED)
				dd_buf_printf(b, "\\n%s", dd_ev_rstate_name(host->state));
			dd_buf_printf(b, "\", shape=ellipse, style=\"filled%s\", fillcolor=\"%s\"",
				      v->hijack[h] ? ",dashed" : "",
				      v->hijack[h] ? C_HIJACK : C_HOST);
			spof_attrs(b, v->spof[host->server]);
			dd_buf_puts(b, "];\n");
		}
		dd_buf_puts(b, "  }\n");
	}
}

/* Addresses, one cluster per network; AS nodes beside them. */
static void addresses(struct dd_buf *b, const struct dv *v)
{
	const struct dd_graph *g = v->g;

	for (size_t e = 0; e < g->nentities; e++) {
		const struct dd_graph_entity *ent = &g->entities[e];
		if (ent->kind == DD_GK_AS) {
			dd_buf_printf(b, "  e%zu [label=\"", e);
			q(b, ent->name);
			dd_buf_printf(b, "%s\", shape=hexagon, style=filled, fillcolor=\"" C_AS "\"",
				      spof_label(v->spof[e]));
			spof_attrs(b, v->spof[e]);
			dd_buf_puts(b, "];\n");
			continue;
		}
		if (ent->kind != DD_GK_NETWORK)
			continue;
		dd_buf_printf(b, "  subgraph \"cluster_net%zu\" {\n    label=\"network ", e);
		q(b, ent->name);
		dd_buf_printf(b, "%s\"; style=dashed;%s\n", spof_label(v->spof[e]),
			      v->spof[e] ? " color=\"" C_SPOF "\"; penwidth=3; fontcolor=\"" C_SPOF "\";"
					 : " color=\"#bbbbbb\";");
		for (size_t a = 0; a < g->naddrs; a++) {
			if (g->addrs[a].network != (int)e)
				continue;
			dd_buf_printf(b, "    a%zu [label=\"", a);
			q(b, g->addrs[a].text);
			dd_buf_puts(b, "\", shape=box, style=\"filled,rounded\", fillcolor=\"" C_ADDR
				       "\", fontsize=8];\n");
		}
		dd_buf_puts(b, "  }\n");
	}
}

static void registrars(struct dd_buf *b, const struct dv *v)
{
	const struct dd_graph *g = v->g;

	for (size_t e = 0; e < g->nentities; e++) {
		const struct dd_graph_entity *ent = &g->entities[e];
		if (ent->kind != DD_GK_REGISTRAR)
			continue;
		dd_buf_printf(b, "  e%zu [label=\"%s", e, ent->known ? "registrar\\n" : "");
		q(b, ent->name);
		dd_buf_printf(b, "%s\", shape=note, style=filled, fillcolor=\"" C_REGISTRAR "\"",
			      spof_label(v->spof[e]));
		spof_attrs(b, v->spof[e]);
		dd_buf_puts(b, "];\n");
	}
}

static void edges(struct dd_buf *b, const struct dv *v)
{
	const struct dd_graph *g = v->g;

	for (size_t z = 0; z < g->nzones; z++) {
		const struct dd_graph_zone *zone = &g->zones[z];
		if (zone->parent >= 0)
			dd_buf_printf(b, "  z%zu -> z%d [label=\"delegated by\", color=\"#0d6efd\"];\n",
				      z, zone->parent);
		if (zone->registrar >= 0)
			dd_buf_printf(b, "  z%zu -> e%d [label=\"registered at\", style=dashed, "
					 "color=\"#b08800\"];\n", z, zone->registrar);
		for (size_t k = 0; k < zone->nns; k++)
			dd_buf_printf(b, "  z%zu -> h%d [label=\"NS%s\"];\n", z, zone->ns[k].host,
				      zone->ns[k].nglue ? " + glue" : "");
	}
	for (size_t h = 0; h < g->nhosts; h++) {
		const struct dd_graph_host *host = &g->hosts[h];
		if (host->zone >= 0)
			dd_buf_printf(b, "  h%zu -> z%d [label=\"name in\", style=dotted, "
					 "color=\"#198754\"];\n", h, host->zone);
		for (size_t i = 0; i < host->naddrs; i++)
			dd_buf_printf(b, "  h%zu -> a%d;\n", h, host->addrs[i]);
	}
	/* NS domains that are no zone of the graph (the names sit in their
	 * registry's zone): one edge from their first name to the registrar. */
	for (size_t h = 0; h < g->nhosts; h++) {
		const struct dd_graph_host *host = &g->hosts[h];
		int first = 1, apex = 0;
		if (host->registrar < 0)
			continue;
		for (size_t o = 0; o < h && first; o++)
			first = g->hosts[o].registrar != host->registrar ||
				strcmp(g->hosts[o].registrable, host->registrable) != 0;
		for (size_t z = 0; z < g->nzones && !apex; z++)
			apex = g->zones[z].apex && strcmp(g->zones[z].registrable, host->registrable) == 0;
		if (first && !apex)
			dd_buf_printf(b, "  h%zu -> e%d [label=\"registered at\", style=dashed, "
					 "color=\"#b08800\"];\n", h, host->registrar);
	}
	for (size_t a = 0; a < g->naddrs; a++)
		if (g->addrs[a].as >= 0)
			dd_buf_printf(b, "  a%zu -> e%d [style=dotted, arrowhead=none];\n", a,
				      g->addrs[a].as);
}

static void legend(struct dd_buf *b)
{
	dd_buf_puts(b, "  subgraph \"cluster_legend\" {\n"
		       "    label=\"legend\"; style=rounded; color=\"#cccccc\"; fontsize=9;\n"
		       "    l1 [label=\"the domain\", shape=box, style=\"filled,bold\", fillcolor=\"" C_ROOT "\"];\n"
		       "    l2 [label=\"zone\", shape=box, style=filled, fillcolor=\"" C_ZONE "\"];\n"
		       "    l3 [label=\"registry (public suffix)\", shape=box, style=filled, fillcolor=\"" C_REGISTRY "\"];\n"
		       "    l4 [label=\"nameserver\", shape=ellipse, style=filled, fillcolor=\"" C_HOST "\"];\n"
		       "    l5 [label=\"address\", shape=box, style=\"filled,rounded\", fillcolor=\"" C_ADDR "\", fontsize=8];\n"
		       "    l6 [label=\"origin AS\", shape=hexagon, style=filled, fillcolor=\"" C_AS "\"];\n"
		       "    l7 [label=\"registrar\", shape=note, style=filled, fillcolor=\"" C_REGISTRAR "\"];\n"
		       "    l8 [label=\"single point of failure\", shape=box, color=\"" C_SPOF "\", penwidth=3];\n"
		       "    l9 [label=\"hijack risk\", shape=ellipse, style=\"filled,dashed\", fillcolor=\"" C_HIJACK "\"];\n"
		       "    l1 -> l2 -> l3 -> l4 -> l5 -> l6 -> l7 -> l8 -> l9 [style=invis];\n"
		       "  }\n");
}

int dd_rep_dot(const struct dd_evidence *ev, const struct dd_rep_opts *o, struct dd_buf *b)
{
	struct dv v = { 0 };
	int rc;

	if (!ev->deps.present)
		return DD_ENOTFOUND;
	if ((rc = dd_graph_build(ev, &v.g)) != 0)
		return rc;
	if ((rc = dd_graph_analyse(v.g, o && o->judge.now ? o->judge.now : ev->time, &v.a)) != 0) {
		dd_graph_free(v.g);
		return rc;
	}
	v.spof = calloc(v.g->nentities ? v.g->nentities : 1, 1);
	v.hijack = calloc(v.g->nhosts ? v.g->nhosts : 1, 1);
	v.risk = calloc(v.g->nhosts ? v.g->nhosts : 1, sizeof(*v.risk));
	if (!v.spof || !v.hijack || !v.risk) {
		rc = DD_ENOMEM;
		goto out;
	}
	mark(&v);
	dd_buf_puts(b, "digraph \"dependencies\" {\n"
		       "  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=11, nodesep=0.12, "
		       "ranksep=0.5, newrank=true, labelloc=t, label=\"What ");
	q(b, ev->domain);
	dd_buf_puts(b, " depends on");
	if (v.g->truncated)
		dd_buf_puts(b, " (incomplete: a bound was hit)");
	dd_buf_puts(b, "\"];\n"
		       "  node [fontname=\"Helvetica\", fontsize=9];\n"
		       "  edge [fontname=\"Helvetica\", fontsize=7, color=\"#777777\"];\n");
	zones(b, &v);
	hosts(b, &v);
	addresses(b, &v);
	registrars(b, &v);
	edges(b, &v);
	legend(b);
	dd_buf_puts(b, "}\n");
	rc = dd_buf_failed(b) ? DD_ENOMEM : 0;
out:
	free(v.spof);
	free(v.hijack);
	free(v.risk);
	dd_graph_analysis_free(&v.a);
	dd_graph_free(v.g);
	return rc;
}
