/* reg.c: the renderers of `dnsdeps reg`: one registration record (RDAP or
 * WHOIS, normalized) with the sources tried and whether it has expired, or
 * why there is none; text for people, JSON ("dnsdeps.registration/1") for
 * programs. */
#include <stdio.h>

#include "core/env.h"
#include "core/err.h"
#include "core/json.h"
#include "reg/fetch.h"
#include "reg/reg.h"
#include "report/report.h"

#define REG_JSON_FLAGS (JSON_INDENT(2) | JSON_ENSURE_ASCII)

/* 1 when the registry's expiry is known and past at now. */
static int expired(const struct dd_reg_record *r, int64_t now)
{
	return r->result == DD_REG_FOUND && r->expires.known && r->expires.t < now;
}

/* [{"protocol": "rdap", "where": URL, "outcome": "..."}...]. */
static json_t *tried_json(struct dd_json *j, const struct dd_reg_outcome *o)
{
	json_t *a = json_array();

	for (size_t i = 0; a && o && i < o->ntried; i++) {
		json_t *t = json_object();
		dd_json_put(j, t, "protocol", dd_json_str(j, o->tried[i].protocol));
		dd_json_put(j, t, "where", dd_json_str(j, o->tried[i].where));
		dd_json_put(j, t, "outcome", dd_json_str(j, o->tried[i].what));
		dd_json_append(j, a, t);
	}
	return a;
}

/* "  sources tried  rdap URL: outcome" lines, escaped. */
static void tried_text(const struct dd_reg_outcome *o, struct dd_buf *b)
{
	for (size_t i = 0; o && i < o->ntried; i++) {
		dd_buf_printf(b, "  %-18s %s ", i == 0 ? "sources tried" : "", o->tried[i].protocol);
		dd_buf_esc(b, o->tried[i].where);
		dd_buf_puts(b, ": ");
		dd_buf_esc(b, o->tried[i].what);
		dd_buf_puts(b, "\n");
	}
}

int dd_rep_reg_json(const struct dd_reg_record *r, const struct dd_reg_outcome *o, int64_t now,
		    struct dd_buf *out)
{
	struct dd_json j = { 0 };
	json_t *doc = dd_reg_to_json(r, 1);

	if (!doc)
		return DD_ENOMEM;
	if (o)
		dd_json_put(&j, doc, "tried", tried_json(&j, o));
	if (r->result == DD_REG_FOUND)
		dd_json_put(&j, doc, "expired", r->expires.known ? json_boolean(expired(r, now)) :
								  json_null());
	return dd_json_print(&j, doc, REG_JSON_FLAGS, out);
}

int dd_rep_reg_text(const struct dd_reg_record *r, const struct dd_reg_outcome *o, int64_t now,
		    struct dd_buf *out)
{
	dd_reg_to_text(r, out);
	if (expired(r, now)) {
		char t[32];
		dd_clock_format(now, t, sizeof(t));
		dd_buf_printf(out, "  %-18s yes: the expiry date is before %s\n", "expired", t);
	}
	tried_text(o, out);
	return dd_buf_failed(out) ? DD_ENOMEM : 0;
}

int dd_rep_reg_unavailable_json(const struct dd_reg_outcome *o, struct dd_buf *out)
{
	struct dd_json j = { 0 };
	json_t *doc = json_object();

	dd_json_put(&j, doc, "schema", json_string("dnsdeps.registration/1"));
	dd_json_put(&j, doc, "domain", dd_json_str(&j, o->domain));
	dd_json_put(&j, doc, "result", json_string("unavailable"));
	dd_json_put(&j, doc, "reason", json_string(dd_reg_unavail_name(o->reason)));
	dd_json_put(&j, doc, "why", dd_json_str(&j, o->why));
	dd_json_put(&j, doc, "tried", tried_json(&j, o));
	return dd_json_print(&j, doc, REG_JSON_FLAGS, out);
}

int dd_rep_reg_unavailable_text(const struct dd_reg_outcome *o, struct dd_buf *out)
{
	dd_buf_printf(out, "Registration data of %s unavailable (%s): ", o->domain,
		      dd_reg_unavail_name(o->reason));
	dd_buf_esc(out, o->why);
	dd_buf_puts(out, "\n");
	tried_text(o, out);
	return dd_buf_failed(out) ? DD_ENOMEM : 0;
}
