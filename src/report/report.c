/* report.c: judge one evidence record and print it; the single path through
 * which `dnsdeps check` and `dnsdeps report` produce their output. */
#include <string.h>

#include "core/err.h"
#include "report/report.h"

int dd_rep_exit_status(enum dd_chk_status s)
{
	switch (s) {
	case DD_STATUS_OK: return 0;
	case DD_STATUS_WARNING: return 1;
	case DD_STATUS_CRITICAL: return 2;
	default: return 3;
	}
}

int dd_rep_judge_and_print(const struct dd_evidence *ev, const struct dd_rep_opts *o, FILE *out)
{
	static const struct dd_rep_opts none = { 0 };
	struct dd_chk_opts co;
	struct dd_chk_findings f;
	struct dd_chk_verdict v;
	struct dd_buf b;
	int rc;

	if (!o)
		o = &none;
	co = o->judge;
	rc = dd_chk_run(ev, &co, &f);
	if (rc)
		return rc;
	rc = dd_chk_verdict(ev, &f, &co, &v);
	if (rc) {
		dd_chk_findings_free(&f);
		return rc;
	}
	dd_buf_init(&b);
	rc = o->json ? dd_rep_json(ev, &f, &v, o, &b) : dd_rep_text(ev, &f, &v, o, &b);
	if (rc == 0 && (fwrite(dd_buf_str(&b), 1, b.len, out) != b.len || fflush(out) != 0))
		rc = DD_EIO;
	if (rc == 0)
		rc = dd_rep_exit_status(v.status);
	dd_buf_free(&b);
	dd_chk_verdict_free(&v);
	dd_chk_findings_free(&f);
	return rc;
}
