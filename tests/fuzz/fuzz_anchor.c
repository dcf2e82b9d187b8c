/* fuzz_anchor.c: a trust-anchor file (--trust-anchor: DS or DNSKEY records
 * in zone-file syntax), parsed into the records the validator starts from. */
#include <stdlib.h>
#include <string.h>

#include "dnssec/sec.h"
#include "evidence/evidence.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dd_ev_strlist out = { 0 };
	char *text = malloc(size + 1), why[256];

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (dd_ev_anchor_parse(text, &out, why, sizeof(why)) == 0 && out.n == 0)
		abort(); /* success promises a record */
	dd_ev_strlist_free(&out);
	free(text);
	return 0;
}
