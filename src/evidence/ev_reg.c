/* ev_reg.c: the "registration" section of the evidence: the registry's
 * record of the domain as dnsdeps normalized it (RDAP or WHOIS, with the
 * registrar's own record when it was fetched) and the raw documents behind
 * it, or why there is none. Saved and loaded through dd_reg_to_json and
 * dd_reg_from_json, so that `dnsdeps report` judges the very record `check`
 * judged. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/err.h"
#include "evidence/ev_json_int.h"
#include "evidence/evidence.h"
#include "reg/reg.h"

#define DAYS_MAX 3650 /* a threshold of ten years is already meaningless */

/* The reasons dd_reg_unavail_name can give (reg/fetch.h). */
static const char *const reasons[] = { "no-source", "timeout", "rate-limited", "unparseable",
				       "too-large", "network", "http-error" };

static int known_reason(const char *s)
{
	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (strcmp(s, reasons[i]) == 0)
			return 1;
	return 0;
}

void dd_ev_reg_free(struct dd_ev_registration *r)
{
	free(r->domain);
	free(r->reason);
	free(r->why);
	free(r->refused);
	if (r->record) {
		dd_reg_record_free(r->record);
		free(r->record);
	}
	r->domain = r->reason = r->why = r->refused = NULL;
	r->record = NULL;
	r->present = 0;
}

int dd_ev_reg_set(struct dd_evidence *ev, const char *domain, struct dd_reg_record *record,
		  const char *reason, const char *why, const char *refused)
{
	struct dd_ev_registration *r = &ev->registration;
	int rc;

	if (r->record) {
		dd_reg_record_free(r->record);
		free(r->record);
	}
	r->record = record;
	r->present = 1;
	if ((rc = dd_ev_set_str(&r->domain, domain)) ||
	    (rc = dd_ev_set_str(&r->reason, record ? NULL : reason)) ||
	    (rc = dd_ev_set_str(&r->why, why && why[0] ? why : NULL)) ||
	    (rc = dd_ev_set_str(&r->refused, refused && refused[0] ? refused : NULL)))
		return rc;
	return 0;
}

/* Unlike dd_json_str, a string that is not valid UTF-8 is not escaped here:
 * it fails the save. */
static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *days(int d)
{
	return d > 0 ? json_integer(d) : json_null();
}

json_t *dd_ev_reg_save(const struct dd_ev_registration *r, struct dd_json *s)
{
	json_t *o = json_object();
	json_t *rec = r->record ? dd_reg_to_json(r->record, 1) : json_null();

	if (rec && json_is_object(rec))
		json_object_del(rec, "schema"); /* the evidence's schema covers it */
	dd_json_put(s, o, "domain", str_or_null(r->domain));
	dd_json_put(s, o, "reason", str_or_null(r->record ? NULL : r->reason));
	dd_json_put(s, o, "why", str_or_null(r->why));
	if (r->refused) /* only when one was refused: older documents re-save the same */
		dd_json_put(s, o, "refused", json_string(r->refused));
	dd_json_put(s, o, "expiry_warn_days", days(r->expiry_warn_days));
	dd_json_put(s, o, "expiry_crit_days", days(r->expiry_crit_days));
	dd_json_put(s, o, "record", rec);
	if (s->failed) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static int fail(char *err, size_t errlen, int rc, const char *place, const char *what)
{
	snprintf(err, errlen, "registration%s%s: %s", place[0] ? "." : "", place, what);
	return rc;
}

static int get_str(const json_t *o, const char *key, size_t max, char **out, char *err,
		   size_t errlen)
{
	const json_t *v = json_object_get(o, key);

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v) || memchr(json_string_value(v), '\0', json_string_length(v)))
		return fail(err, errlen, DD_EPARSE, key, "not a string");
	if (json_string_length(v) > max) {
		char what[48];
		snprintf(what, sizeof(what), "longer than %zu bytes", max);
		return fail(err, errlen, DD_ELIMIT, key, what);
	}
	return dd_ev_set_str(out, json_string_value(v)) ? fail(err, errlen, DD_ENOMEM, key,
							       "out of memory") : 0;
}

static int get_days(const json_t *o, const char *key, int *out, char *err, size_t errlen)
{
	const json_t *v = json_object_get(o, key);

	*out = 0;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > DAYS_MAX)
		return fail(err, errlen, DD_EPARSE, key, "not a number of days (1 to 3650)");
	*out = (int)json_integer_value(v);
	return 0;
}

int dd_ev_reg_load(const json_t *doc, struct dd_evidence *ev, char *err, size_t errlen)
{
	const json_t *o = json_object_get(doc, "registration"), *rec;
	struct dd_ev_registration *r = &ev->registration;
	char why[DD_REG_WHY_MAX];
	int rc;

	if (!o || json_is_null(o))
		return 0;
	if (!json_is_object(o))
		return fail(err, errlen, DD_EPARSE, "", "not an object");
	r->present = 1;
	if ((rc = get_str(o, "domain", 255, &r->domain, err, errlen)) ||
	    (rc = get_str(o, "reason", 32, &r->reason, err, errlen)) ||
	    (rc = get_str(o, "why", 4096, &r->why, err, errlen)) ||
	    (rc = get_str(o, "refused", 4096, &r->refused, err, errlen)) ||
	    (rc = get_days(o, "expiry_warn_days", &r->expiry_warn_days, err, errlen)) ||
	    (rc = get_days(o, "expiry_crit_days", &r->expiry_crit_days, err, errlen)))
		return rc;
	if (!r->domain)
		return fail(err, errlen, DD_EPARSE, "domain", "missing");
	rec = json_object_get(o, "record");
	if (!rec || json_is_null(rec)) {
		if (!r->reason || !known_reason(r->reason))
			return fail(err, errlen, DD_EPARSE, "reason",
				    "no record, and no known reason why");
		return 0;
	}
	if (r->reason)
		return fail(err, errlen, DD_EPARSE, "reason", "given with a record");
	r->record = malloc(sizeof(*r->record));
	if (!r->record)
		return fail(err, errlen, DD_ENOMEM, "record", "out of memory");
	rc = dd_reg_from_json(rec, r->record, why);
	if (rc) {
		free(r->record);
		r->record = NULL;
		snprintf(err, errlen, "registration.record.%s", why);
	}
	return rc;
}
