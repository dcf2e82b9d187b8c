/* fuzz_reply.c: a DNS reply from an untrusted server, digested as the
 * resolver does, turned into evidence text, and read for its lowest TTL
 * (never above the TTL of a record ldns finds: ldns may stop early on a
 * record it rejects, the TTL walker reads every record's frame). */
#include <stdlib.h>
#include <string.h>

#include "dns/msg.h"
#include "fuzz.h"

/* The lowest TTL among records "owner\tTTL\t...", or UINT32_MAX. */
static uint32_t text_min_ttl(char **v[3], const size_t n[3])
{
	uint32_t min = UINT32_MAX;

	for (int s = 0; s < 3; s++)
		for (size_t i = 0; i < n[s]; i++) {
			const char *tab = strchr(v[s][i], '\t');
			unsigned long t = tab ? strtoul(tab + 1, NULL, 10) : UINT32_MAX;
			if (t < min)
				min = (uint32_t)t;
		}
	return min;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dd_dns_digest *d = malloc(sizeof(*d));
	static const uint16_t types[] = { 1, 2, 6, 28, 43, 48 };
	uint32_t ttl;
	int ttl_rc;

	if (!d)
		return 0;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		dd_dns_digest(data, size, "www.example.test.", types[i], "test.", d);
	free(d);
	char **v[3];
	size_t n[3];

	ttl_rc = dd_dns_wire_min_ttl(data, size, &ttl);
	dd_dns_sections_text(data, size, 100, v, n);
	if (ttl_rc == 0 && v[0] && v[1] && v[2] && ttl > text_min_ttl(v, n))
		abort(); /* the walker missed a record that ldns read */
	for (int s = 0; s < 3; s++)
		dd_dns_strv_free(v[s], n[s]);
	return 0;
}
