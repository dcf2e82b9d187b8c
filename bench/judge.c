/* judge.c: what judging one domain costs once its evidence is in: the
 * checks, the verdict and the JSON line the audit writes, timed over a
 * saved evidence (bench/judge.sh runs it on a test-bed domain). Prints
 * microseconds per domain for each phase, and what a watch adds to keep the
 * round's evidence document (saved and compressed, src/store). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "checks/checks.h"
#include "core/buf.h"
#include "evidence/evidence.h"
#include "report/report.h"
#include "store/store.h"

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

int main(int argc, char **argv)
{
	struct dd_evidence *ev = NULL;
	char err[256];
	int n = argc > 2 ? atoi(argv[2]) : 2000;
	double t_chk = 0, t_verdict = 0, t_json = 0, t_keep = 0;
	size_t kept = 0, packed = 0;
	struct dd_buf line;

	if (argc < 2 || n <= 0) {
		fprintf(stderr, "usage: judge EVIDENCE.json [ITERATIONS]\n");
		return 2;
	}
	if (dd_ev_load_file(argv[1], &ev, err, sizeof(err)) != 0) {
		fprintf(stderr, "judge: %s\n", err);
		return 1;
	}
	dd_buf_init(&line);
	for (int i = 0; i < n; i++) {
		struct dd_chk_opts co = { .now = ev->time };
		struct dd_rep_opts ro = { .json = 1, .json_compact = 1, .now = ev->time };
		struct dd_chk_findings f;
		struct dd_chk_verdict v;
		double t0 = now_us(), t1, t2;

		memset(&f, 0, sizeof(f));
		memset(&v, 0, sizeof(v));
		if (dd_chk_run(ev, &co, &f) != 0)
			return 1;
		t1 = now_us();
		if (dd_chk_verdict(ev, &f, &co, &v) != 0)
			return 1;
		t2 = now_us();
		line.len = 0;
		if (dd_rep_json(ev, &f, &v, &ro, &line) != 0)
			return 1;
		double t3 = now_us();
		t_json += t3 - t2;
		/* What a watch keeps of the round: the saved document, compressed. */
		char *doc = dd_ev_save_json(ev);
		struct dd_store_evidence e;
		if (!doc || dd_store_evidence_pack(doc, strlen(doc), DD_STORE_EVIDENCE_MAX, &e) != 0)
			return 1;
		t_keep += now_us() - t3;
		kept = e.size;
		packed = e.len;
		dd_store_evidence_free(&e);
		free(doc);
		t_verdict += t2 - t1;
		t_chk += t1 - t0;
		dd_chk_verdict_free(&v);
		dd_chk_findings_free(&f);
	}
	printf("%s: %d exchanges, %zu-byte line; per domain: checks %.0f us, verdict %.0f us, "
	       "JSON line %.0f us, total %.0f us; the watch's kept evidence (%zu bytes, %zu"
	       " compressed) %.0f us more\n", argv[1], (int)ev->nexchanges, line.len,
	       t_chk / n, t_verdict / n, t_json / n, (t_chk + t_verdict + t_json) / n, kept, packed,
	       t_keep / n);
	dd_buf_free(&line);
	dd_ev_free(ev);
	return 0;
}
