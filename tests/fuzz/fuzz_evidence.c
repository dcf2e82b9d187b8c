/* fuzz_evidence.c: a saved evidence document (untrusted file), loaded,
 * judged and rendered as text and JSON, as `dnsdeps report` does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "report/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dd_evidence *ev = NULL;
	struct dd_rep_opts o;
	char err[256];
	FILE *out;

	if (dd_ev_load_json((const char *)data, size, &ev, err, sizeof(err)) != 0)
		return 0;
	out = fopen("/dev/null", "w");
	memset(&o, 0, sizeof(o));
	if (out) {
		dd_rep_judge_and_print(ev, &o, out);
		o.json = 1;
		dd_rep_judge_and_print(ev, &o, out);
		fclose(out);
	}
	dd_ev_free(ev);
	return 0;
}
