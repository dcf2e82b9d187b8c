/* rep_int.h: what the renderers inside src/report share; not part of the
 * module's interface (that is report.h). A report shows the dependency
 * graph and the DNSSEC judgement the checks made: taken from the findings
 * when the checks made them for the same judgement time, else made here. */
#ifndef DD_REPORT_REP_INT_H
#define DD_REPORT_REP_INT_H

#include <stdint.h>

#include "checks/checks.h"
#include "dnssec/sec.h"
#include "graph/graph.h"

struct dd_rep_deps {
	struct dd_graph *g;
	struct dd_graph_analysis a;
	int borrowed; /* the checks' (f), not freed by dd_rep_deps_close */
};

/* The graph of ev and its analysis at now; f may be NULL. 0, DD_ENOTFOUND
 * or DD_ENOMEM; close only after 0. */
int dd_rep_deps_open(const struct dd_evidence *ev, int64_t now, const struct dd_chk_findings *f,
		     struct dd_rep_deps *v);
void dd_rep_deps_close(struct dd_rep_deps *v);

struct dd_rep_sec {
	const struct dd_sec_result *r; /* the judgement shown: the checks' or own */
	struct dd_sec_result own;
};

/* The DNSSEC judgement of ev at now; f may be NULL. s->r is set even when
 * judging here fails (DD_ENOMEM returned): close in any case. */
int dd_rep_sec_open(const struct dd_evidence *ev, int64_t now, const struct dd_chk_findings *f,
		    struct dd_rep_sec *s);
void dd_rep_sec_close(struct dd_rep_sec *s);

#endif
