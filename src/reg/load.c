/* load.c: the registration record read back from its JSON form (what
 * dd_reg_to_json wrote, e.g. inside a saved evidence document), so that a
 * saved run is judged offline on exactly the record the live run had. The
 * input is untrusted: every member is type-checked, every list and string
 * bounded, and a bad member is an error naming its place. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/env.h"
#include "core/err.h"
#include "reg/reg.h"

#define STR_MAX 65536 /* bytes of any member but raw */

struct ld {
	char *why;
	int failed;
};

static int bad(struct ld *l, int err, const char *where, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int bad(struct ld *l, int err, const char *where, const char *fmt, ...)
{
	char msg[DD_REG_WHY_MAX];
	va_list ap;

	if (!l->failed) {
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
		snprintf(l->why, DD_REG_WHY_MAX, "%.80s: %s", where, msg);
		l->failed = err;
	}
	return err;
}

/* An optional string member: absent or null leaves *out NULL. */
static int get_str(struct ld *l, const json_t *o, const char *key, const char *where,
		   size_t max, char **out)
{
	const json_t *v = json_object_get(o, key);
	char place[120];

	*out = NULL;
	snprintf(place, sizeof(place), "%s%s%s", where, where[0] ? "." : "", key);
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return bad(l, DD_EPARSE, place, "not a string");
	if (json_string_length(v) > max)
		return bad(l, DD_ELIMIT, place, "longer than %zu bytes", max);
	if (memchr(json_string_value(v), '\0', json_string_length(v)))
		return bad(l, DD_EPARSE, place, "holds a NUL character");
	*out = strndup(json_string_value(v), json_string_length(v));
	return *out ? 0 : bad(l, DD_ENOMEM, place, "out of memory");
}

static int get_date(struct ld *l, const json_t *o, const json_t *written, const char *key,
		    const char *where, struct dd_reg_date *d)
{
	char *s;
	int rc = get_str(l, o, key, where, 64, &s);

	if (rc)
		return rc;
	if (s) {
		if (dd_clock_parse(s, &d->t) != 0) {
			free(s);
			return bad(l, DD_EPARSE, key, "not an RFC 3339 time");
		}
		d->known = 1;
		free(s);
	}
	return written ? get_str(l, written, key, "dates_as_written", STR_MAX, &d->text) : 0;
}

static int class_parse(const char *name, enum dd_reg_class *out)
{
	for (int c = DD_REG_SC_OTHER; c <= DD_REG_SC_PENDING; c++)
		if (strcmp(dd_reg_class_name((enum dd_reg_class)c), name) == 0) {
			*out = (enum dd_reg_class)c;
			return 0;
		}
	return DD_EINVAL;
}

static int get_statuses(struct ld *l, const json_t *o, struct dd_reg_record *r)
{
	const json_t *a = json_object_get(o, "statuses");
	char place[64];

	if (!a || json_is_null(a))
		return 0;
	if (!json_is_array(a))
		return bad(l, DD_EPARSE, "statuses", "not an array");
	if (json_array_size(a) > DD_REG_MAX_STATUS)
		return bad(l, DD_ELIMIT, "statuses", "more than %d entries", DD_REG_MAX_STATUS);
	r->statuses = calloc(json_array_size(a) + 1, sizeof(*r->statuses));
	if (!r->statuses)
		return bad(l, DD_ENOMEM, "statuses", "out of memory");
	for (size_t i = 0; i < json_array_size(a); i++) {
		const json_t *s = json_array_get(a, i), *epp;
		struct dd_reg_status *st = &r->statuses[r->nstatuses];
		char *code, *cls;
		int rc;

		snprintf(place, sizeof(place), "statuses[%zu]", i);
		if (!json_is_object(s))
			return bad(l, DD_EPARSE, place, "not an object");
		if ((rc = get_str(l, s, "code", place, 100, &code)))
			return rc;
		if (!code || !code[0]) {
			free(code);
			return bad(l, DD_EPARSE, place, "no code");
		}
		if ((rc = get_str(l, s, "class", place, 32, &cls))) {
			free(code);
			return rc;
		}
		/* The code is classified afresh; a saved class, when valid,
		 * is what the live run judged and wins. */
		dd_reg_status_set(st, code);
		free(code);
		if (!st->code) {
			free(cls);
			return bad(l, DD_ENOMEM, place, "out of memory");
		}
		r->nstatuses++;
		if (cls && class_parse(cls, &st->cls) != 0) {
			free(cls);
			return bad(l, DD_EPARSE, place, "unknown class");
		}
		free(cls);
		epp = json_object_get(s, "epp");
		if (epp && !json_is_boolean(epp))
			return bad(l, DD_EPARSE, place, "epp is not true or false");
		if (epp)
			st->epp = json_is_true(epp);
	}
	return 0;
}

static int get_ns(struct ld *l, const json_t *o, struct dd_reg_record *r)
{
	const json_t *a = json_object_get(o, "nameservers");
	char place[64];

	if (!a || json_is_null(a))
		return 0;
	if (!json_is_array(a))
		return bad(l, DD_EPARSE, "nameservers", "not an array");
	if (json_array_size(a) > DD_REG_MAX_NS)
		return bad(l, DD_ELIMIT, "nameservers", "more than %d entries", DD_REG_MAX_NS);
	for (size_t i = 0; i < json_array_size(a); i++) {
		const json_t *n = json_array_get(a, i);
		int rc;

		snprintf(place, sizeof(place), "nameservers[%zu]", i);
		if (!json_is_string(n))
			return bad(l, DD_EPARSE, place, "not a string");
		rc = dd_reg_add_ns(r, json_string_value(n), json_string_length(n));
		if (rc == DD_ENOMEM)
			return bad(l, rc, place, "out of memory");
		if (rc)
			return bad(l, DD_EPARSE, place, "not a host name");
	}
	return 0;
}

/* "redacted": optional, strings. */
static int get_redacted(struct ld *l, const json_t *o, struct dd_reg_record *r)
{
	const json_t *a = json_object_get(o, "redacted");

	if (!a || json_is_null(a))
		return 0;
	if (!json_is_array(a))
		return bad(l, DD_EPARSE, "redacted", "not an array");
	if (json_array_size(a) > DD_REG_MAX_REDACTED)
		return bad(l, DD_ELIMIT, "redacted", "more than %d entries", DD_REG_MAX_REDACTED);
	for (size_t i = 0; i < json_array_size(a); i++) {
		const json_t *n = json_array_get(a, i);
		if (!json_is_string(n))
			return bad(l, DD_EPARSE, "redacted", "entry %zu is not a string", i);
		if (dd_reg_add_redacted(r, json_string_value(n)) == DD_ENOMEM)
			return bad(l, DD_ENOMEM, "redacted", "out of memory");
	}
	return 0;
}

static int get_registrar(struct ld *l, const json_t *o, struct dd_reg_registrar *g)
{
	const json_t *reg = json_object_get(o, "registrar");
	int rc;

	if (!reg || json_is_null(reg))
		return 0;
	if (!json_is_object(reg))
		return bad(l, DD_EPARSE, "registrar", "not an object");
	if ((rc = get_str(l, reg, "name", "registrar", STR_MAX, &g->name)) ||
	    (rc = get_str(l, reg, "iana_id", "registrar", STR_MAX, &g->iana_id)) ||
	    (rc = get_str(l, reg, "url", "registrar", STR_MAX, &g->url)) ||
	    (rc = get_str(l, reg, "abuse_email", "registrar", STR_MAX, &g->abuse_email)) ||
	    (rc = get_str(l, reg, "rdap_url", "registrar", STR_MAX, &g->rdap_url)) ||
	    (rc = get_str(l, reg, "whois_server", "registrar", STR_MAX, &g->whois_server)))
		return rc;
	return 0;
}

static int get_source(struct ld *l, const json_t *o, struct dd_reg_record *r)
{
	const json_t *src = json_object_get(o, "source"), *p;

	if (!json_is_object(src))
		return bad(l, DD_EPARSE, "source", "missing or not an object");
	p = json_object_get(src, "protocol");
	if (!json_is_string(p))
		return bad(l, DD_EPARSE, "source.protocol", "missing or not a string");
	if (strcmp(json_string_value(p), "rdap") == 0)
		r->source = DD_REG_SRC_RDAP;
	else if (strcmp(json_string_value(p), "whois") == 0)
		r->source = DD_REG_SRC_WHOIS;
	else if (strcmp(json_string_value(p), "none") == 0)
		r->source = DD_REG_SRC_NONE;
	else
		return bad(l, DD_EPARSE, "source.protocol", "unknown value");
	return get_str(l, src, "where", "source", STR_MAX, &r->where);
}

static int get_result(struct ld *l, const json_t *o, struct dd_reg_record *r)
{
	static const enum dd_reg_result all[] = { DD_REG_FOUND, DD_REG_NOT_FOUND,
						  DD_REG_RDAP_ERROR, DD_REG_OTHER_OBJECT,
						  DD_REG_ERROR };
	const json_t *v = json_object_get(o, "result"), *ec;

	if (!json_is_string(v))
		return bad(l, DD_EPARSE, "result", "missing or not a string");
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (strcmp(json_string_value(v), dd_reg_result_name(all[i])) == 0) {
			r->result = all[i];
			ec = json_object_get(o, "error_code");
			if (ec && !json_is_null(ec) &&
			    (!json_is_integer(ec) || json_integer_value(ec) < 0 ||
			     json_integer_value(ec) > 999))
				return bad(l, DD_EPARSE, "error_code", "not an HTTP status");
			r->error_code = json_is_integer(ec) ? (int)json_integer_value(ec) : 0;
			return 0;
		}
	return bad(l, DD_EPARSE, "result", "unknown value");
}

static int get_dnssec(struct ld *l, const json_t *o, struct dd_reg_record *r)
{
	const json_t *d = json_object_get(o, "dnssec"), *s;

	r->dnssec = DD_REG_UNKNOWN;
	if (!d || json_is_null(d))
		return 0;
	if (!json_is_object(d))
		return bad(l, DD_EPARSE, "dnssec", "not an object");
	s = json_object_get(d, "delegationSigned");
	if (!s || json_is_null(s))
		return 0;
	if (!json_is_boolean(s))
		return bad(l, DD_EPARSE, "dnssec.delegationSigned", "not true, false or null");
	r->dnssec = json_is_true(s) ? DD_REG_YES : DD_REG_NO;
	return 0;
}

static int record_from(struct ld *l, const json_t *o, struct dd_reg_record *r, int depth)
{
	const json_t *w = json_object_get(o, "dates_as_written"), *view;
	int rc;

	if (!json_is_object(o))
		return bad(l, DD_EPARSE, "(record)", "not an object");
	if (w && !json_is_null(w) && !json_is_object(w))
		return bad(l, DD_EPARSE, "dates_as_written", "not an object");
	if (w && !json_is_object(w))
		w = NULL;
	if ((rc = get_source(l, o, r)) || (rc = get_result(l, o, r)) ||
	    (rc = get_str(l, o, "detail", "", STR_MAX, &r->detail)) ||
	    (rc = get_str(l, o, "object_class", "", 64, &r->object_class)) ||
	    (rc = get_str(l, o, "domain", "", 256, &r->domain)) ||
	    (rc = get_str(l, o, "refer", "", 256, &r->refer)) ||
	    (rc = get_registrar(l, o, &r->registrar)) ||
	    (rc = get_date(l, o, w, "created", "", &r->created)) ||
	    (rc = get_date(l, o, w, "expires", "", &r->expires)) ||
	    (rc = get_date(l, o, w, "updated", "", &r->updated)) ||
	    (rc = get_date(l, o, w, "registrar_expires", "", &r->registrar_expires)) ||
	    (rc = get_statuses(l, o, r)) || (rc = get_ns(l, o, r)) || (rc = get_redacted(l, o, r)) || (rc = get_dnssec(l, o, r)) ||
	    (rc = get_str(l, o, "raw", "", DD_REG_DOC_MAX, &r->raw)))
		return rc;
	r->raw_len = r->raw ? strlen(r->raw) : 0;
	view = json_object_get(o, "registrar_view");
	if (!view || json_is_null(view))
		return 0;
	if (depth > 0)
		return bad(l, DD_EPARSE, "registrar_view", "nested more than once");
	r->registrar_view = malloc(sizeof(*r->registrar_view));
	if (!r->registrar_view)
		return bad(l, DD_ENOMEM, "registrar_view", "out of memory");
	dd_reg_record_init(r->registrar_view);
	rc = record_from(l, view, r->registrar_view, depth + 1);
	if (rc && strncmp(l->why, "registrar_view", 14) != 0) {
		char inner[DD_REG_WHY_MAX];
		snprintf(inner, sizeof(inner), "%s", l->why);
		snprintf(l->why, DD_REG_WHY_MAX, "registrar_view.%s", inner);
	}
	return rc;
}

int dd_reg_from_json(const json_t *j, struct dd_reg_record *out, char why[DD_REG_WHY_MAX])
{
	struct ld l = { why, 0 };
	const json_t *schema = json_object_get(j, "schema");
	int rc;

	dd_reg_record_init(out);
	why[0] = '\0';
	if (schema && (!json_is_string(schema) ||
		       strcmp(json_string_value(schema), "dnsdeps.registration/1") != 0))
		return bad(&l, DD_EPARSE, "schema", "not dnsdeps.registration/1");
	rc = record_from(&l, j, out, 0);
	if (rc)
		dd_reg_record_free(out);
	return rc;
}
