/* json.c: the registration record's own JSON form (schema
 * dnsdeps.registration/1, strings made valid UTF-8 for jansson): what the
 * cache and the evidence save and load.c reads back, and what `reg --json`
 * prints (report/reg.c renders it, and the text for people). Unknown is
 * null. */
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
