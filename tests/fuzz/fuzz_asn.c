/* fuzz_asn.c: an origin-AS TXT record from an untrusted server (a
 * Cymru-style zone: "64500 | 192.0.2.0/24 | ..."), as the evidence keeps it
 * and as bare text, read as the dependency walk reads it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "probe/deps.h"

static void one(const char *rr)
{
	char text[512], prefix[64];
	int64_t asn = -1;
	int len = -1;

	if (dd_probe_origin_txt(rr, text, sizeof(text), &asn, prefix, sizeof(prefix), &len) != 0)
		return;
	if (asn < 0 || asn > 4294967295LL || !strchr(prefix, '/') || strlen(text) >= sizeof(text))
		abort(); /* a reading it does not promise */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 32);

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	one(s);
	snprintf(s, size + 32, "o.\t300\tIN\tTXT\t%.*s", (int)size, (const char *)data);
	one(s);
	free(s);
	return 0;
}
