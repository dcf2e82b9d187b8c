/* fuzz_reg.c: an RDAP document or WHOIS answer from an untrusted server,
 * parsed into the registration record and rendered; also as a bootstrap. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "fuzz.h"
#include "reg/reg.h"
#include "report/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dd_reg_record r;
	struct dd_reg_boot *b = NULL;
	char why[DD_REG_WHY_MAX];

	memset(&r, 0, sizeof(r));
	if (dd_reg_parse((const char *)data, size, "example.sm.", &r, why) == 0) {
		struct dd_buf t;
		json_t *j = dd_reg_to_json(&r, 1);
		dd_buf_init(&t);
		dd_rep_reg_record_text(&r, &t);
		dd_buf_free(&t);
		json_decref(j);
	}
	dd_reg_record_free(&r);
	if (dd_reg_boot_load((const char *)data, size, &b, why) == 0)
		dd_reg_boot_free(b);
	return 0;
}
