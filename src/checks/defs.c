/* defs.c: the table of finding codes (severity, layer, meaning, the rule it
 * rests on, advice), made from codes.def, and the names of severities, layers
 * and statuses. test_checks verifies docs/findings.md has the same rows. */
#include <string.h>

#include "checks/chk_int.h"

#define CRIT DD_SEV_CRITICAL
#define ERR DD_SEV_ERROR
#define WARN DD_SEV_WARNING
#define NOTE DD_SEV_NOTICE
#define INFO DD_SEV_INFO

const struct dd_chk_def dd_chk_table[C_COUNT] = {
#define DD_CODE(name, sev, lay, consequence, title, rfc, advice) \
	[C_##name] = { #name, sev, DD_LAYER_##lay, title, rfc, advice },
#include "checks/codes.def"
#undef DD_CODE
};

const struct dd_chk_def *dd_chk_defs(size_t *n)
{
	*n = C_COUNT;
	return dd_chk_table;
}

const struct dd_chk_def *dd_chk_def_find(const char *code)
{
	for (size_t i = 0; i < C_COUNT; i++)
		if (strcmp(dd_chk_table[i].code, code) == 0)
			return &dd_chk_table[i];
	return NULL;
}

const char *dd_chk_severity_name(enum dd_chk_severity s)
{
	static const char *const names[DD_SEV_COUNT] = { "info", "notice", "warning", "error",
							 "critical" };
	return (unsigned)s < DD_SEV_COUNT ? names[s] : "?";
}

const char *dd_chk_layer_name(enum dd_chk_layer l)
{
	static const char *const names[DD_LAYER_COUNT] = { "none", "root", "registry",
							   "registration", "nameservers",
							   "dnssec" };
	return (unsigned)l < DD_LAYER_COUNT ? names[l] : "?";
}

const char *dd_chk_status_name(enum dd_chk_status s)
{
	static const char *const names[DD_STATUS_COUNT] = { "ok", "warning", "critical",
							    "unknown" };
	return (unsigned)s < DD_STATUS_COUNT ? names[s] : "?";
}
