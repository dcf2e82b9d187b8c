/* svg.c: the dependency graph as SVG, laid out and rendered by Graphviz's
 * own library (libgvc: the "dot" layout, the core "svg" renderer) from the
 * DOT text of dot.c. Graphviz reports problems through a process-wide hook;
 * it is pointed at a sink that keeps them silent (library code never
 * prints), and the last message is handed back in why. */
#include <stdio.h>
#include <string.h>

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include "core/err.h"
#include "report/report.h"

static int quiet(char *msg)
{
	(void)msg;
	return 0;
}

int dd_rep_svg(const char *dot, struct dd_buf *out, char *why, size_t whylen)
{
	GVC_t *gvc;
	Agraph_t *g;
	char *data = NULL;
	unsigned int len = 0;
	int rc = 0;

	if (why && whylen)
		why[0] = '\0';
	agseterrf(quiet);
	agseterr(AGMAX);
	gvc = gvContext();
	if (!gvc) {
		snprintf(why, whylen, "Graphviz could not start");
		return DD_EIO;
	}
	g = agmemread(dot);
	if (!g) {
		snprintf(why, whylen, "Graphviz cannot read the graph: %s",
			 aglasterr() ? aglasterr() : "syntax error");
		gvFreeContext(gvc);
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
	gvFreeContext(gvc);
	return rc;
}
