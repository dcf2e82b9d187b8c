/* reg.c: the renderers of a registration record (RDAP or WHOIS,
 * normalized): as `dnsdeps reg` prints it, with the sources tried and
 * whether it has expired, or why there is none; text for people (every
 * remote string escaped, unknown printed as unknown), JSON
 * ("dnsdeps.registration/1", the record's own form, reg/json.c) for
 * programs; and the record's text inside a check report (text.c). */
#include <stdio.h>
#include <string.h>

#include "core/env.h"
#include "core/err.h"
#include "core/jtree.h"
#include "reg/fetch.h"
#include "reg/reg.h"
#include "report/report.h"

#define REG_JSON_FLAGS (JSON_INDENT(2) | JSON_ENSURE_ASCII)

static void text_str(struct dd_buf *b, const char *label, const char *v)
{
	dd_buf_printf(b, "  %-18s ", label);
	if (v)
		dd_buf_esc(b, v);
	else
		dd_buf_puts(b, "unknown");
	dd_buf_puts(b, "\n");
}

/* A field the registry withheld: a redacted name containing word. */
static int withheld(const struct dd_reg_record *r, const char *word)
{
	for (size_t i = 0; i < r->nredacted; i++)
		if (strcasestr(r->redacted[i], word))
			return 1;
	return 0;
}

static void text_date(struct dd_buf *b, const char *label, const struct dd_reg_date *d)
{
	char buf[32];

	dd_buf_printf(b, "  %-18s ", label);
	if (d->known) {
		dd_clock_format(d->t, buf, sizeof(buf));
		dd_buf_puts(b, buf);
	} else {
		dd_buf_puts(b, "unknown");
	}
	if (d->text) {
		dd_buf_puts(b, d->known ? "  (written \"" : "  (unreadable: \"");
		dd_buf_esc(b, d->text);
		dd_buf_puts(b, "\")");
	}
	dd_buf_puts(b, "\n");
}

static void record_text(const struct dd_reg_record *r, struct dd_buf *b, const char *title)
{
	dd_buf_printf(b, "%s ", title);
	dd_buf_esc(b, r->domain ? r->domain : "(name not stated)");
	dd_buf_printf(b, " (%s", dd_reg_source_name(r->source));
	if (r->where) {
		dd_buf_puts(b, " ");
		dd_buf_esc(b, r->where);
	}
	dd_buf_puts(b, ")\n");
	dd_buf_printf(b, "  %-18s %s", "result",
		      r->result == DD_REG_NOT_FOUND ? "not found at the registry"
		      : r->result == DD_REG_FOUND ? "found"
		      : r->result == DD_REG_RDAP_ERROR ? "RDAP error"
		      : r->result == DD_REG_ERROR ? "the server answered with an error"
						  : "not a domain object");
	if (r->error_code)
		dd_buf_printf(b, " (RDAP error %d)", r->error_code);
	if (r->detail) {
		dd_buf_puts(b, ": ");
		dd_buf_esc(b, r->detail);
	}
	dd_buf_puts(b, "\n");
	if (r->result == DD_REG_OTHER_OBJECT) {
		text_str(b, "object class", r->object_class);
		return;
	}
	if (r->result != DD_REG_FOUND)
		return;
	text_str(b, "registrar", r->registrar.name ? r->registrar.name
				 : withheld(r, "registrar") ? "redacted" : NULL);
	if (r->registrar.iana_id)
		text_str(b, "registrar IANA id", r->registrar.iana_id);
	if (r->registrar.url)
		text_str(b, "registrar url", r->registrar.url);
	if (r->registrar.abuse_email)
		text_str(b, "abuse contact", r->registrar.abuse_email);
	if (r->registrar.rdap_url)
		text_str(b, "registrar RDAP", r->registrar.rdap_url);
	if (r->registrar.whois_server)
		text_str(b, "registrar WHOIS", r->registrar.whois_server);
	text_date(b, "created", &r->created);
	if (!r->expires.known && !r->expires.text && withheld(r, "expir"))
		text_str(b, "expires", "redacted");
	else
		text_date(b, "expires", &r->expires);
	text_date(b, "updated", &r->updated);
	if (r->registrar_expires.known || r->registrar_expires.text)
		text_date(b, "registrar expiry", &r->registrar_expires);
	dd_buf_printf(b, "  %-18s ", "statuses");
	if (r->nstatuses == 0)
		dd_buf_puts(b, "unknown");
	for (size_t i = 0; i < r->nstatuses; i++) {
		dd_buf_puts(b, i ? ", " : "");
		dd_buf_esc(b, r->statuses[i].code);
		if (!r->statuses[i].epp)
			dd_buf_printf(b, " [%s]", dd_reg_class_name(r->statuses[i].cls));
	}
	dd_buf_puts(b, "\n");
	if (r->nredacted) {
		dd_buf_printf(b, "  %-18s ", "redacted");
		for (size_t i = 0; i < r->nredacted; i++) {
			dd_buf_puts(b, i ? ", " : "");
			dd_buf_esc(b, r->redacted[i]);
		}
		dd_buf_puts(b, "\n");
	}
	dd_buf_printf(b, "  %-18s ", "nameservers");
	if (r->nns == 0)
		dd_buf_puts(b, "unknown");
	for (size_t i = 0; i < r->nns; i++) {
		dd_buf_puts(b, i ? " " : "");
		dd_buf_esc(b, r->ns[i]);
	}
	dd_buf_puts(b, "\n");
	dd_buf_printf(b, "  %-18s %s\n", "dnssec",
		      r->dnssec == DD_REG_YES ? "signed delegation"
		      : r->dnssec == DD_REG_NO ? "unsigned" : "unknown");
}

void dd_rep_reg_record_text(const struct dd_reg_record *r, struct dd_buf *b)
{
	record_text(r, b, "Registration of");
	if (r->refer) {
		dd_buf_puts(b, "  IANA refers to      ");
		dd_buf_esc(b, r->refer);
		dd_buf_puts(b, "\n");
	}
	if (r->registrar_view)
		record_text(r->registrar_view, b, "Registrar's record of");
}

/* 1 when the registry's expiry is known and past at now. */
static int expired(const struct dd_reg_record *r, int64_t now)
{
	return r->result == DD_REG_FOUND && r->expires.known && r->expires.t < now;
}

/* [{"protocol": "rdap", "where": URL, "outcome": "..."}...]. */
static struct dd_jt_node *tried_json(struct dd_jt *j, const struct dd_reg_outcome *o)
{
	struct dd_jt_node *a = dd_jt_array(j);

	for (size_t i = 0; a && o && i < o->ntried; i++) {
		struct dd_jt_node *t = dd_jt_object(j);
		dd_jt_put(j, t, "protocol", dd_jt_str(j, o->tried[i].protocol));
		dd_jt_put(j, t, "where", dd_jt_str(j, o->tried[i].where));
		dd_jt_put(j, t, "outcome", dd_jt_str(j, o->tried[i].what));
		dd_jt_append(j, a, t);
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
	struct dd_jt j = { 0 };
	json_t *rec = dd_reg_to_json(r, 1); /* the record's own form (reg/json.c) */
	struct dd_jt_node *doc = rec ? dd_jt_from_jansson(&j, rec) : NULL;

	json_decref(rec);
	if (!doc) {
		dd_jt_free(&j);
		return DD_ENOMEM;
	}
	if (o)
		dd_jt_put(&j, doc, "tried", tried_json(&j, o));
	if (r->result == DD_REG_FOUND)
		dd_jt_put(&j, doc, "expired", r->expires.known ? dd_jt_bool(&j, expired(r, now)) :
								  dd_jt_null(&j));
	return dd_jt_print(&j, doc, REG_JSON_FLAGS, out);
}

int dd_rep_reg_text(const struct dd_reg_record *r, const struct dd_reg_outcome *o, int64_t now,
		    struct dd_buf *out)
{
	dd_rep_reg_record_text(r, out);
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
	struct dd_jt j = { 0 };
	struct dd_jt_node *doc = dd_jt_object(&j);

	dd_jt_put(&j, doc, "schema", dd_jt_str(&j, "dnsdeps.registration/1"));
	dd_jt_put(&j, doc, "domain", dd_jt_str(&j, o->domain));
	dd_jt_put(&j, doc, "result", dd_jt_str(&j, "unavailable"));
	dd_jt_put(&j, doc, "reason", dd_jt_str(&j, dd_reg_unavail_name(o->reason)));
	dd_jt_put(&j, doc, "why", dd_jt_str(&j, o->why));
	dd_jt_put(&j, doc, "tried", tried_json(&j, o));
	return dd_jt_print(&j, doc, REG_JSON_FLAGS, out);
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
