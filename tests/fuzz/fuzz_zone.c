/* fuzz_zone.c: a zone file (untrusted: a registry's export), scanned record
 * by record as `audit --zone` does. */
#include <stdio.h>

#include "fuzz.h"
#include "zone/zone.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *f = fmemopen((void *)data, size, "r");
	struct dd_zone_scanner *s = NULL;
	struct dd_zone_rr rr;

	if (!f)
		return 0;
	if (dd_zone_scanner_new(&s, f, "fuzz", "gov.") == 0) {
		for (int i = 0; i < 100000 && dd_zone_scanner_next(s, &rr) == 1; i++)
			;
		dd_zone_scanner_free(s);
	}
	fclose(f);
	return 0;
}
