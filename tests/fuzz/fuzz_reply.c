/* fuzz_reply.c: a DNS reply from an untrusted server, digested as the
 * resolver does and turned into evidence text. */
#include <stdlib.h>

#include "dns/msg.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dd_dns_digest *d = malloc(sizeof(*d));
	static const uint16_t types[] = { 1, 2, 6, 28, 43, 48 };

	if (!d)
		return 0;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		dd_dns_digest(data, size, "www.example.test.", types[i], "test.", d);
	free(d);
	char **v[3];
	size_t n[3];

	dd_dns_sections_text(data, size, 100, v, n);
	for (int s = 0; s < 3; s++)
		dd_dns_strv_free(v[s], n[s]);
	return 0;
}
