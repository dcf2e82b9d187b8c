/* fuzz_conf.c: a watch configuration file (dnsdeps.conf(5)) given with
 * --config. The list: key reads a file named in the input, so the corpus
 * names none that exists. */
#include "fuzz.h"
#include "watch/watch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dd_watch_config c;
	char why[DD_WATCH_WHY_MAX];

	dd_watch_config_init(&c);
	if (dd_watch_config_parse(&c, (const char *)data, size, "fuzz.conf", why) == 0)
		(void)dd_watch_config_check(&c, why);
	dd_watch_config_free(&c);
	return 0;
}
