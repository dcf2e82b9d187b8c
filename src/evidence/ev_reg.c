/* ev_reg.c: the "registration" section of the evidence: the registry's
 * record of the domain as dnsdeps normalized it (RDAP or WHOIS, with the
 * registrar's own record when it was fetched) and the raw documents behind
 * it, or why there is none. Saved, loaded, checked and freed from its field
 * table (ev_table.h); the record itself through dd_reg_to_json and
 * dd_reg_from_json, so that `dnsdeps report` judges the very record `check`
 * judged. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/err.h"
#include "evidence/ev_json_int.h"
#include "evidence/ev_table.h"
#include "evidence/evidence.h"
#include "reg/reg.h"

#define OFF(type, member) offsetof(struct type, member)
#define NFIELDS(a) (sizeof(a) / sizeof(a[0]))
#define DAYS_MAX 3650 /* a threshold of ten years is already meaningless */

/* ------------------------------------------------- the record, by reg/ */

static void record_free(void *field)
{
	struct dd_reg_record **r = field;

	if (*r) {
		dd_reg_record_free(*r);
		free(*r);
	}
	*r = NULL;
}

static struct dd_jt_node *record_save(struct dd_jt *d, const void *field)
{
	const struct dd_reg_record *const *r = field;
	json_t *rec;
	struct dd_jt_node *n;

	if (!*r)
		return dd_jt_null(d);
	rec = dd_reg_to_json(*r, 1);
	if (rec && json_is_object(rec))
		json_object_del(rec, "schema"); /* the evidence's schema covers it */
	n = rec ? dd_jt_from_jansson(d, rec) : NULL;
	json_decref(rec);
	if (!n)
		d->failed = 1;
	return n;
}

static int record_load(struct dd_evj_ld *l, const char *path, const json_t *j, void *field)
{
	struct dd_reg_record **r = field;
	char why[DD_REG_WHY_MAX];
	int rc;

	*r = malloc(sizeof(**r));
	if (!*r)
		return dd_evj_fail(l, DD_ENOMEM, path, NULL, "out of memory");
	if ((rc = dd_reg_from_json(j, *r, why)) != 0) {
		free(*r);
		*r = NULL;
		if (l->errlen)
			snprintf(l->err, l->errlen, "%s.%s", path, why);
	}
	return rc;
}

static const struct dd_evt_ext record_ext = { "`dnsdeps.registration/1` record", record_save,
					      record_load, record_free };

/* ---------------------------------------------------------------- table */

/* The reasons dd_reg_unavail_name can give (reg/fetch.h). */
static const char *const reasons[] = { "no-source", "timeout", "rate-limited", "unparseable",
				       "too-large", "network", "http-error", NULL };

/* One of record and reason, never both. */
static int reg_check(struct dd_evj_ld *l, const char *path, const void *rec)
{
	const struct dd_ev_registration *r = rec;

	if (!r->record && !r->reason)
		return dd_evj_fail(l, DD_EPARSE, path, "reason",
				   "no record, and no known reason why");
	if (r->record && r->reason)
		return dd_evj_fail(l, DD_EPARSE, path, "reason", "given with a record");
	return 0;
}

static const struct dd_evt_field reg_fields[] = {
	{ .key = "present", .kind = DD_EVT_PRESENT, .off = OFF(dd_ev_registration, present) },
	{ .key = "domain", .kind = DD_EVT_STR, .off = OFF(dd_ev_registration, domain),
	  .flags = DD_EVT_REQ, .max = 255,
	  .doc = "the registrable domain asked about (`\"puri.sm\"` for `www.puri.sm.`; ICANN part "
		 "of the public suffix list)" },
	{ .key = "reason", .kind = DD_EVT_WORD, .off = OFF(dd_ev_registration, reason),
	  .words = reasons,
	  .doc = "no record: why (`no-source`: no RDAP service and no WHOIS server known); null "
		 "with a record (then it must be null)" },
	{ .key = "why", .kind = DD_EVT_STR, .off = OFF(dd_ev_registration, why), .max = 4096,
	  .doc = "the reason in words, or notes on the look-up "
		 "(\"RDAP failed (...), WHOIS used\")" },
	{ .key = "refused", .kind = DD_EVT_STR, .off = OFF(dd_ev_registration, refused),
	  .flags = DD_EVT_IFSET, .max = 4096,
	  .doc = "a destination a server supplied (RDAP redirect or registrar link, WHOIS "
		 "referral) that was not followed, and why (registration.md); absent when none" },
	{ .key = "expiry_warn_days", .kind = DD_EVT_INT,
	  .off = OFF(dd_ev_registration, saved_warn_days), .flags = DD_EVT_LOADONLY, .min = 1,
	  .max = DAYS_MAX,
	  .doc = "older documents only: `--expiry-warn` of the run, which `report` takes as its "
		 "default (the thresholds are options of the judgement now, never saved)" },
	{ .key = "expiry_crit_days", .kind = DD_EVT_INT,
	  .off = OFF(dd_ev_registration, saved_crit_days), .flags = DD_EVT_LOADONLY, .min = 1,
	  .max = DAYS_MAX,
	  .doc = "older documents only: `--expiry-crit` of the run, the same way" },
	{ .key = "record", .kind = DD_EVT_EXT, .off = OFF(dd_ev_registration, record),
	  .ext = &record_ext,
	  .doc = "without its `schema` member (registration.md); `record` and `reason` exclude "
		 "each other, one of them is required" },
};
const struct dd_evt_table dd_ev_reg_table = { "registration", sizeof(struct dd_ev_registration),
					      reg_fields, NFIELDS(reg_fields), -1, -1, NULL,
					      reg_check };

/* ------------------------------------------------------------ appender */

int dd_ev_reg_set(struct dd_evidence *ev, const char *domain, struct dd_reg_record *record,
		  const char *reason, const char *why, const char *refused)
{
	struct dd_ev_registration *r = &ev->registration;
	int rc;

	record_free(&r->record);
	r->record = record;
	r->present = 1;
	if ((rc = dd_ev_set_str(&r->domain, domain)) ||
	    (rc = dd_ev_set_str(&r->reason, record ? NULL : reason)) ||
	    (rc = dd_ev_set_str(&r->why, why && why[0] ? why : NULL)) ||
	    (rc = dd_ev_set_str(&r->refused, refused && refused[0] ? refused : NULL)))
		return rc;
	return 0;
}

