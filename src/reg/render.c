/* render.c: the registration record as JSON (schema dnsdeps.registration/1,
 * strings made valid UTF-8 for jansson) and as text for people (every
 * remote string escaped with dd_buf_esc). Unknown is printed as unknown
 * (text) or null (JSON). */
#include <stdlib.h>
#include <string.h>

#include "core/env.h"
#include "core/esc.h"
#include "reg/reg.h"

/* A JSON string from bytes that may not be UTF-8: invalid bytes become
 * U+FFFD. NULL gives JSON null. */
static json_t *jstrn(const char *s, size_t len)
{
	char *clean;
	size_t o = 0;
	json_t *j;

	if (!s)
		return json_null();
	j = json_stringn(s, len);
	if (j)
		return j;
	clean = malloc(len * 3 + 1);
	if (!clean)
		return json_null();
	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)s[i];
		size_t n = c < 0x80 ? 1 : (c >= 0xc2 && c <= 0xdf) ? 2 : (c >= 0xe0 && c <= 0xef) ? 3
			 : (c >= 0xf0 && c <= 0xf4) ? 4 : 0;
		int ok = n > 0 && i + n <= len;
		for (size_t k = 1; ok && k < n; k++)
			ok = ((unsigned char)s[i + k] & 0xc0) == 0x80;
		if (ok && n > 1) {
			/* Let jansson judge overlongs and surrogates. */
			json_t *probe = json_stringn(s + i, n);
			ok = probe != NULL;
			json_decref(probe);
		}
		if (ok) {
			memcpy(clean + o, s + i, n);
			o += n;
			i += n;
		} else {
			memcpy(clean + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
		}
	}
	j = json_stringn(clean, o);
	free(clean);
	return j ? j : json_null();
}

static json_t *jstr(const char *s)
{
	return jstrn(s, s ? strlen(s) : 0);
}

static json_t *jdate(const struct dd_reg_date *d)
{
	char buf[32];

	if (!d->known)
		return json_null();
	dd_clock_format(d->t, buf, sizeof(buf));
	return json_string(buf);
}

static json_t *record_json(const struct dd_reg_record *r, int with_raw)
{
	json_t *o = json_object(), *reg = json_object(), *st = json_array(), *ns = json_array();
	json_t *src = json_object(), *written = json_object(), *dnssec = json_object();
	const struct dd_reg_date *dates[] = { &r->created, &r->expires, &r->updated,
					      &r->registrar_expires };
	const char *names[] = { "created", "expires", "updated", "registrar_expires" };

	json_object_set_new(src, "protocol", json_string(dd_reg_source_name(r->source)));
	json_object_set_new(src, "where", jstr(r->where));
	json_object_set_new(o, "source", src);
	json_object_set_new(o, "result", json_string(dd_reg_result_name(r->result)));
	json_object_set_new(o, "detail", jstr(r->detail));
	json_object_set_new(o, "error_code", r->error_code ? json_integer(r->error_code)
							   : json_null());
	json_object_set_new(o, "object_class", jstr(r->object_class));
	json_object_set_new(o, "domain", jstr(r->domain));
	json_object_set_new(reg, "name", jstr(r->registrar.name));
	json_object_set_new(reg, "iana_id", jstr(r->registrar.iana_id));
	json_object_set_new(reg, "url", jstr(r->registrar.url));
	json_object_set_new(reg, "abuse_email", jstr(r->registrar.abuse_email));
	json_object_set_new(reg, "rdap_url", jstr(r->registrar.rdap_url));
	json_object_set_new(reg, "whois_server", jstr(r->registrar.whois_server));
	json_object_set_new(o, "registrar", reg);
	for (size_t i = 0; i < 4; i++) {
		json_object_set_new(o, names[i], jdate(dates[i]));
		if (dates[i]->text)
			json_object_set_new(written, names[i], jstr(dates[i]->text));
	}
	json_object_set_new(o, "dates_as_written", written);
	for (size_t i = 0; i < r->nstatuses; i++) {
		json_t *s = json_object();
		json_object_set_new(s, "code", jstr(r->statuses[i].code));
		json_object_set_new(s, "epp", json_boolean(r->statuses[i].epp));
		json_object_set_new(s, "class", json_string(dd_reg_class_name(r->statuses[i].cls)));
		json_array_append_new(st, s);
	}
	json_object_set_new(o, "statuses", st);
	for (size_t i = 0; i < r->nns; i++)
		json_array_append_new(ns, jstr(r->ns[i]));
	json_object_set_new(o, "nameservers", ns);
	json_object_set_new(dnssec, "delegationSigned",
			    r->dnssec == DD_REG_UNKNOWN ? json_null()
							: json_boolean(r->dnssec == DD_REG_YES));
	json_object_set_new(o, "dnssec", dnssec);
	json_object_set_new(o, "refer", jstr(r->refer));
	if (r->nredacted) {
		json_t *red = json_array();
		for (size_t i = 0; i < r->nredacted; i++)
			json_array_append_new(red, jstr(r->redacted[i]));
		json_object_set_new(o, "redacted", red);
	}
	if (r->registrar_view)
		json_object_set_new(o, "registrar_view", record_json(r->registrar_view, with_raw));
	if (with_raw)
		json_object_set_new(o, "raw", jstrn(r->raw, r->raw_len));
	return o;
}

json_t *dd_reg_to_json(const struct dd_reg_record *r, int with_raw)
{
	json_t *o = record_json(r, with_raw);
	json_t *top = json_object();

	json_object_set_new(top, "schema", json_string("dnsdeps.registration/1"));
	json_object_update(top, o);
	json_decref(o);
	return top;
}

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

void dd_reg_to_text(const struct dd_reg_record *r, struct dd_buf *b)
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
