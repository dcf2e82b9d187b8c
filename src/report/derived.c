/* derived.c: the analyses the renderers show (rep_int.h), computed once per
 * judgement: the checks keep them with the findings. */
#include "report/rep_int.h"

int dd_rep_deps_open(const struct dd_evidence *ev, int64_t now, const struct dd_chk_findings *f,
		     struct dd_rep_deps *v)
{
	int rc;

	v->borrowed = f && f->graph && f->now == now;
	if (v->borrowed) {
		v->g = f->graph;
		v->a = *f->analysis;
		return 0;
	}
	rc = dd_graph_build(ev, &v->g);
	if (rc == 0 && (rc = dd_graph_analyse(v->g, now, &v->a)) != 0)
		dd_graph_free(v->g);
	return rc;
}

void dd_rep_deps_close(struct dd_rep_deps *v)
{
	if (v->borrowed)
		return;
	dd_graph_analysis_free(&v->a);
	dd_graph_free(v->g);
}

int dd_rep_sec_open(const struct dd_evidence *ev, int64_t now, const struct dd_chk_findings *f,
		    struct dd_rep_sec *s)
{
	if (f && f->sec && f->now == now) {
		s->r = f->sec;
		return 0;
	}
	s->r = &s->own;
	return dd_sec_judge(ev, now, &s->own);
}

void dd_rep_sec_close(struct dd_rep_sec *s)
{
	if (s->r == &s->own)
		dd_sec_result_free(&s->own);
}
