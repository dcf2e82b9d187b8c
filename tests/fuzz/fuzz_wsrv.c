/* fuzz_wsrv.c: a WHOIS server table ("SUFFIX HOST[:PORT]" lines, an
 * operator's file but read as untrusted), loaded and looked up. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "reg/reg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dd_reg_wsrv *w = NULL;
	char why[DD_REG_WHY_MAX];
	const char *host;
	unsigned port;

	if (dd_reg_wsrv_load((const char *)data, size, &w, why) != 0)
		return 0;
	for (size_t i = 0; i < dd_reg_wsrv_count(w); i++)
		if (!dd_reg_wsrv_target(w, i, &port) || port == 0 || port > 65535)
			abort();
	static const char *const names[] = { "example.sm", "a.b.co.uk", "sm", "x.test." };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (dd_reg_wsrv_lookup(w, names[i], &host, &port) == 0 && (!host || !host[0]))
			abort();
	dd_reg_wsrv_free(w);
	return 0;
}
