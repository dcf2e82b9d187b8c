/* svg.c: the dependency graph as SVG, laid out and rendered by Graphviz's
 * own library (libgvc: the "dot" layout, the core "svg" renderer) from the
 * DOT text of dot.c. Graphviz reports problems through a process-wide hook;
 * it is pointed at a sink that keeps them silent (library code never
 * prints), and the last message is handed back in why. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include "core/err.h"
#include "report/report.h"

/* LeakSanitizer (sanitizer builds only) asks the program for suppressions:
 * Graphviz, and the font libraries it loads, keep allocations for the life
 * of the process by design (gvContext alone leaves 3.6 KB), which would
 * otherwise fail every sanitizer run that draws SVG. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libgvc.so\nleak:libcgraph.so\nleak:libgvplugin_\nleak:libfontconfig.so\n"
	       "leak:libpango\nleak:libcairo.so\nleak:libglib-2.0.so\nleak:libgobject-2.0.so\n"
	       "leak:libharfbuzz.so\nleak:libfreetype.so\n";
}

static int quiet(char *msg)
{
	(void)msg;
	return 0;
}

struct dd_rep_gv {
	GVC_t *gvc;
};

int dd_rep_gv_new(struct dd_rep_gv **out)
{
	struct dd_rep_gv *g = calloc(1, sizeof(*g));

	*out = NULL;
	if (!g)
		return DD_ENOMEM;
	agseterrf(quiet);
	agseterr(AGMAX);
	if (!(g->gvc = gvContext())) {
		free(g);
		return DD_EIO;
	}
	*out = g;
	return 0;
}

void dd_rep_gv_free(struct dd_rep_gv *g)
{
	if (!g)
		return;
	gvFreeContext(g->gvc);
	free(g);
}

int dd_rep_svg_gv(struct dd_rep_gv *gv, const char *dot, struct dd_buf *out, char *why,
		  size_t whylen)
{
	GVC_t *gvc = gv->gvc;
	Agraph_t *g;
	char *data = NULL;
	unsigned int len = 0;
	int rc = 0;

	if (why && whylen)
		why[0] = '\0';
	g = agmemread(dot);
	if (!g) {
		char *last = aglasterr(); /* a copy, ours to free */
		snprintf(why, whylen, "Graphviz cannot read the graph: %s",
			 last && last[0] ? last : "syntax error");
		free(last);
		return DD_EIO;
	}
	if (gvLayout(gvc, g, "dot") != 0) {
		snprintf(why, whylen, "Graphviz has no \"dot\" layout (is libgvc's plugin "
				      "configuration installed? run dot -c)");
		rc = DD_EIO;
	} else {
		if (gvRenderData(gvc, g, "svg", &data, &len) != 0 || !data) {
			snprintf(why, whylen, "Graphviz has no \"svg\" renderer");
			rc = DD_EIO;
		} else {
			dd_buf_add(out, data, len);
			rc = dd_buf_failed(out) ? DD_ENOMEM : 0;
		}
		if (data)
			gvFreeRenderData(data);
		gvFreeLayout(gvc, g);
	}
	agclose(g);
	return rc;
}

int dd_rep_svg(const char *dot, struct dd_buf *out, char *why, size_t whylen)
{
	struct dd_rep_gv *gv;
	int rc;

	if (why && whylen)
		why[0] = '\0';
	if ((rc = dd_rep_gv_new(&gv)) != 0) {
		snprintf(why, whylen, "Graphviz could not start");
		return rc;
	}
	rc = dd_rep_svg_gv(gv, dot, out, why, whylen);
	dd_rep_gv_free(gv);
	return rc;
}
