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
	for (int s = 0; s < 3; s++) {
		size_t n;
		char **v = dd_dns_section_text(data, size, s, 100, &n);
		dd_dns_strv_free(v, n);
	}
	return 0;
}
