/* fuzz_resume.c: an audit's earlier output given to --resume (JSON Lines or
 * CSV, perhaps cut by a crash), read for the domains already done and their
 * saved results counted into a summary. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "core/map.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *f = fmemopen((void *)data, size, "r");
	struct dd_map done;
	struct dd_audit_resume res;
	struct dd_audit_summary sum;

	if (!f)
		return 0;
	dd_map_init(&done);
	if (dd_audit_summary_init(&sum) == 0) {
		if (dd_audit_resume_read(f, &done, &res, &sum) == 0 &&
		    (res.domains != done.count || res.valid_end < 0 ||
		     (size_t)res.valid_end > size))
			abort();
		dd_audit_summary_free(&sum);
	}
	dd_map_free(&done);
	fclose(f);
	return 0;
}
