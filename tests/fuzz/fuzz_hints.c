/* fuzz_hints.c: a root hints file given with --root-hints. */
#include <stdlib.h>
#include <string.h>

#include "dns/resolve.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct dd_dns_hint *h = NULL;
	size_t n;
	unsigned line;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (dd_dns_hints_parse(text, &h, &n, &line) == 0)
		free(h);
	free(text);
	return 0;
}
