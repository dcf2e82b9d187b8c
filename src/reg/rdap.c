/* rdap.c: RDAP answers (RFC 9083) into the normalized record: the domain
 * object's events, status (mapped to EPP codes by RFC 8056), nameservers,
 * secureDNS, the registrar entity (jCard fn/url, publicIds, the abuse
 * entity inside it) and the link to the registrar's own RDAP record; error
 * objects (404 is "not found at the registry"). Bounded: 1 MiB, nesting
 * depth, and the number of entries looked at in every array. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/err.h"
#include "reg/reg.h"

#define DEPTH_MAX 32     /* nesting of arrays and objects */
#define ARRAY_MAX 256    /* entries looked at per array */

static int too_deep(json_t *j, int depth)
{
	size_t i;
	const char *k;
	json_t *v;

	if (depth > DEPTH_MAX)
		return 1;
	if (json_is_array(j)) {
		json_array_foreach(j, i, v)
			if (too_deep(v, depth + 1))
				return 1;
	} else if (json_is_object(j)) {
		json_object_foreach(j, k, v)
			if (too_deep(v, depth + 1))
				return 1;
	}
	return 0;
}

static const char *str(json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

static int set_str(char **dst, const char *v)
{
	if (*dst || !v || !*v)
		return 0;
	*dst = strdup(v);
	return *dst ? 0 : DD_ENOMEM;
}

static void set_date(struct dd_reg_date *d, const char *text)
{
	if (d->text || !text)
		return;
	d->text = strdup(text);
	if (d->text && dd_reg_date_parse(text, 0, &d->t) == 0)
		d->known = 1;
}

static void lower_name(char **dst, const char *v)
{
	size_t n;

	if (*dst || !v)
		return;
	*dst = strdup(v);
	if (!*dst)
		return;
	for (char *p = *dst; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	n = strlen(*dst);
	while (n > 0 && (*dst)[n - 1] == '.')
		(*dst)[--n] = '\0';
}

static int has_role(json_t *entity, const char *role)
{
	size_t i;
	json_t *r;

	json_array_foreach(json_object_get(entity, "roles"), i, r) {
		if (i >= ARRAY_MAX)
			break;
		if (json_is_string(r) && strcasecmp(json_string_value(r), role) == 0)
			return 1;
	}
	return 0;
}

/* The first text value of a jCard property (RFC 7095): ["fn", {}, "text", "X"]. */
static const char *vcard(json_t *entity, const char *prop)
{
	json_t *arr = json_object_get(entity, "vcardArray"), *props, *p;
	size_t i;

	if (!json_is_array(arr) || json_array_size(arr) < 2)
		return NULL;
	props = json_array_get(arr, 1);
	json_array_foreach(props, i, p) {
		if (i >= ARRAY_MAX)
			break;
		const char *name = json_string_value(json_array_get(p, 0));
		const char *value = json_string_value(json_array_get(p, 3));
		if (name && value && *value && strcasecmp(name, prop) == 0)
			return value;
	}
	return NULL;
}

static void read_registrar(json_t *ent, struct dd_reg_registrar *rr)
{
	size_t i;
	json_t *v;
	const char *url;

	set_str(&rr->name, vcard(ent, "fn"));
	set_str(&rr->name, vcard(ent, "org"));
	url = vcard(ent, "url");
	if (url && (strncasecmp(url, "http://", 7) == 0 || strncasecmp(url, "https://", 8) == 0))
		set_str(&rr->url, url);
	json_array_foreach(json_object_get(ent, "publicIds"), i, v) {
		if (i >= ARRAY_MAX)
			break;
		const char *type = str(v, "type");
		if (type && strcasecmp(type, "IANA Registrar ID") == 0)
			set_str(&rr->iana_id, str(v, "identifier"));
	}
	json_array_foreach(json_object_get(ent, "entities"), i, v) {
		if (i >= ARRAY_MAX)
			break;
		if (has_role(v, "abuse"))
			set_str(&rr->abuse_email, vcard(v, "email"));
	}
	/* No name in the vCard (CZ.NIC: "REG-INTERNET-CZ" with an empty
	 * jCard): the registry's handle for it, else its IANA number. */
	set_str(&rr->name, str(ent, "handle"));
	if (!rr->name && rr->iana_id) {
		char id[64];
		snprintf(id, sizeof(id), "IANA registrar %.40s", rr->iana_id);
		set_str(&rr->name, id);
	}
}

/* The registrar's RDAP record: rel "related", type application/rdap+json. */
static void read_related(json_t *links, struct dd_reg_registrar *rr)
{
	size_t i;
	json_t *l;

	json_array_foreach(links, i, l) {
		if (i >= ARRAY_MAX)
			break;
		const char *rel = str(l, "rel"), *type = str(l, "type"), *href = str(l, "href");
		if (!rel || !type || !href || strcasecmp(rel, "related") != 0 ||
		    !strstr(type, "application/rdap+json"))
			continue;
		if (strncmp(href, "https://", 8) == 0 || strncmp(href, "http://", 7) == 0) {
			set_str(&rr->rdap_url, href);
			return;
		}
	}
}

static void read_events(json_t *events, struct dd_reg_record *r)
{
	size_t i;
	json_t *e;

	json_array_foreach(events, i, e) {
		if (i >= ARRAY_MAX)
			break;
		const char *action = str(e, "eventAction"), *date = str(e, "eventDate");
		if (!action || !date)
			continue;
		if (strcasecmp(action, "registration") == 0)
			set_date(&r->created, date);
		else if (strcasecmp(action, "expiration") == 0)
			set_date(&r->expires, date);
		else if (strcasecmp(action, "last changed") == 0)
			set_date(&r->updated, date);
		else if (strcasecmp(action, "registrar expiration") == 0)
			set_date(&r->registrar_expires, date);
	}
}

static void read_domain(json_t *root, struct dd_reg_record *r)
{
	size_t i;
	json_t *v, *signed_;

	read_events(json_object_get(root, "events"), r);
	json_array_foreach(json_object_get(root, "status"), i, v) {
		if (i >= ARRAY_MAX)
			break;
		const char *s = json_string_value(v);
		if (!s)
			continue;
		/* RFC 8056: RDAP "active" is EPP "ok". */
		if (strcasecmp(s, "active") == 0)
			s = "ok";
		dd_reg_add_status(r, s, strlen(s));
	}
	json_array_foreach(json_object_get(root, "nameservers"), i, v) {
		if (i >= ARRAY_MAX)
			break;
		const char *ns = str(v, "ldhName");
		if (ns)
			dd_reg_add_ns(r, ns, strlen(ns));
	}
	signed_ = json_object_get(json_object_get(root, "secureDNS"), "delegationSigned");
	if (json_is_boolean(signed_))
		r->dnssec = json_is_true(signed_) ? DD_REG_YES : DD_REG_NO;
	json_array_foreach(json_object_get(root, "entities"), i, v) {
		if (i >= ARRAY_MAX)
			break;
		if (has_role(v, "registrar")) {
			read_registrar(v, &r->registrar);
			read_related(json_object_get(v, "links"), &r->registrar);
		}
	}
	read_related(json_object_get(root, "links"), &r->registrar);
}

static void read_error(json_t *root, struct dd_reg_record *r)
{
	const char *title = str(root, "title");
	const char *desc = json_string_value(json_array_get(json_object_get(root, "description"), 0));
	json_int_t code = json_integer_value(json_object_get(root, "errorCode"));

	r->error_code = code > 0 && code < 1000 ? (int)code : -1;
	r->result = code == 404 ? DD_REG_NOT_FOUND : DD_REG_RDAP_ERROR;
	if (title && desc) {
		size_t n = strlen(title) + strlen(desc) + 3;
		r->detail = malloc(n);
		if (r->detail)
			snprintf(r->detail, n, "%s: %s", title, desc);
	} else {
		set_str(&r->detail, title ? title : desc);
	}
}

/* RFC 9537: "redacted": [{"name": {"type": "Registrant Name"} or
 * {"description": ...}, "method": ...}]. */
static void read_redacted(json_t *arr, struct dd_reg_record *r)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v) {
		if (i >= ARRAY_MAX)
			break;
		json_t *name = json_object_get(v, "name");
		const char *n = str(name, "type");
		dd_reg_add_redacted(r, n ? n : str(name, "description"));
	}
}

/* A notice that says the client is over its quota: an answer of 200 that is
 * a rate limit, not a registration. The notice's title or first line, or
 * NULL. */
static const char *quota_notice(json_t *root)
{
	static const char *const words[] = { "quota", "rate limit", "limit exceeded",
					     "too many requests", "try again later" };
	size_t i;
	json_t *n;

	json_array_foreach(json_object_get(root, "notices"), i, n) {
		if (i >= ARRAY_MAX)
			break;
		const char *t = str(n, "title");
		const char *d = json_string_value(json_array_get(json_object_get(n, "description"), 0));
		for (size_t k = 0; k < sizeof(words) / sizeof(words[0]); k++)
			if ((t && strcasestr(t, words[k])) || (d && strcasestr(d, words[k])))
				return t ? t : d;
	}
	return NULL;
}

int dd_reg_parse_rdap(const char *doc, size_t len, const char *domain,
		      struct dd_reg_record *out, char why[DD_REG_WHY_MAX])
{
	json_error_t jerr;
	json_t *root;
	const char *cls;

	(void)domain;
	dd_reg_record_init(out);
	out->source = DD_REG_SRC_RDAP;
	if (len > DD_REG_DOC_MAX) {
		snprintf(why, DD_REG_WHY_MAX, "RDAP answer larger than %d bytes", DD_REG_DOC_MAX);
		return DD_ELIMIT;
	}
	root = json_loadb(doc, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		snprintf(why, DD_REG_WHY_MAX, "RDAP answer is not valid JSON: %s (line %d, column %d)",
			 jerr.text, jerr.line, jerr.column);
		return DD_EMALFORMED;
	}
	if (!json_is_object(root)) {
		json_decref(root);
		snprintf(why, DD_REG_WHY_MAX, "RDAP answer is not a JSON object");
		return DD_EMALFORMED;
	}
	if (too_deep(root, 0)) {
		json_decref(root);
		snprintf(why, DD_REG_WHY_MAX, "RDAP answer nested deeper than %d levels", DEPTH_MAX);
		return DD_ELIMIT;
	}
	cls = str(root, "objectClassName");
	if (json_is_integer(json_object_get(root, "errorCode"))) {
		read_error(root, out);
	} else if (!cls && !str(root, "ldhName") && quota_notice(root)) {
		out->result = DD_REG_ERROR;
		set_str(&out->detail, quota_notice(root));
	} else if (!cls && !str(root, "ldhName")) {
		json_decref(root);
		snprintf(why, DD_REG_WHY_MAX,
			 "JSON without objectClassName nor errorCode is not an RDAP answer");
		return DD_EMALFORMED;
	} else {
		set_str(&out->object_class, cls ? cls : "domain");
		lower_name(&out->domain, str(root, "ldhName"));
		if (strcasecmp(out->object_class, "domain") == 0)
			read_domain(root, out);
		else
			out->result = DD_REG_OTHER_OBJECT;
		read_redacted(json_object_get(root, "redacted"), out);
	}
	json_decref(root);
	out->raw = malloc(len + 1);
	if (!out->raw) {
		snprintf(why, DD_REG_WHY_MAX, "out of memory");
		return DD_ENOMEM;
	}
	memcpy(out->raw, doc, len);
	out->raw[len] = '\0';
	out->raw_len = len;
	return 0;
}

int dd_reg_parse(const char *doc, size_t len, const char *domain, struct dd_reg_record *out,
		 char why[DD_REG_WHY_MAX])
{
	size_t i = 0;

	if (len >= 3 && (unsigned char)doc[0] == 0xef && (unsigned char)doc[1] == 0xbb &&
	    (unsigned char)doc[2] == 0xbf)
		i = 3;
	while (i < len && i < 4096 && isspace((unsigned char)doc[i]))
		i++;
	if (i < len && doc[i] == '{')
		return dd_reg_parse_rdap(doc + i, len - i, domain, out, why);
	return dd_reg_parse_whois(doc, len, domain, out, why);
}
