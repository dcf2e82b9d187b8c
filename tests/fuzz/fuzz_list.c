/* fuzz_list.c: an audit's list of domains (one a line, comments, CSV-ish
 * lines), read to the end as `dnsdeps audit FILE` reads it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "core/err.h"
#include "core/name.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *f = fmemopen((void *)data, size, "r");
	struct dd_audit_list *l = NULL;
	char name[DD_NAME_MAX], text[80];
	unsigned long line = 0;
	const char *why = NULL;
	int rc, n = 0;

	if (!f)
		return 0;
	if (dd_audit_list_new(&l, f) == 0) {
		while ((rc = dd_audit_list_next(l, name, &line, &why, text, sizeof(text))) != 0 &&
		       rc != DD_EIO && n++ < 100000)
			if (rc == 1 && (!name[0] || strlen(name) >= DD_NAME_MAX))
				abort();
		dd_audit_list_free(l);
	}
	fclose(f);
	return 0;
}
