/* defs.c: the table of finding codes (severity, layer, meaning, the rule it
 * rests on, advice), made from codes.def, the tables of docs/findings.md made
 * from it too, and the names of severities, layers and statuses. */
#include <stdlib.h>
#include <string.h>

#include "checks/chk_int.h"
#include "core/buf.h"

#define CRIT DD_SEV_CRITICAL
#define ERR DD_SEV_ERROR
#define WARN DD_SEV_WARNING
#define NOTE DD_SEV_NOTICE
#define INFO DD_SEV_INFO

const struct dd_chk_def dd_chk_table[C_COUNT] = {
#define DD_FAMILY(file)
#define DD_CODE(name, sev, lay, consequence, title, rfc, advice) \
	[C_##name] = { #name, sev, DD_LAYER_##lay, title, rfc, advice },
#include "checks/codes.def"
#undef DD_CODE
#undef DD_FAMILY
};

/* codes.def in its order: a family's file, then its codes (family NULL). */
static const struct {
	const char *family;
	int code;
} listing[] = {
#define DD_FAMILY(file) { file, -1 },
#define DD_CODE(name, sev, lay, consequence, title, rfc, advice) { NULL, C_##name },
#include "checks/codes.def"
#undef DD_CODE
#undef DD_FAMILY
};

char *dd_chk_codes_markdown(const char *family)
{
	struct dd_buf b;
	size_t i = 0, n = sizeof(listing) / sizeof(listing[0]);
	char *out;

	while (i < n && !(listing[i].family && strcmp(listing[i].family, family) == 0))
		i++;
	if (i == n)
		return NULL;
	dd_buf_init(&b);
	dd_buf_puts(&b, "| code | severity | layer | meaning | rests on | advice |\n"
			"|---|---|---|---|---|---|\n");
	for (i++; i < n && !listing[i].family; i++) {
		const struct dd_chk_def *d = &dd_chk_table[listing[i].code];
		dd_buf_printf(&b, "| `%s` | %s | %s | %s | %s | %s |\n", d->code,
			      dd_chk_severity_name(d->severity), dd_chk_layer_name(d->layer),
			      d->title, d->rfc, d->advice);
	}
	out = dd_buf_failed(&b) ? NULL : strdup(dd_buf_str(&b));
	dd_buf_free(&b);
	return out;
}

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
