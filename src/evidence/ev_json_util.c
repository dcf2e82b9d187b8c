/* ev_json_util.c: the JSON helpers shared by evidence_json.c and the
 * section files of the evidence (declared in ev_json_int.h, internal to
 * src/evidence): writing lists and RESPONSE members (on core/jtree.h), and
 * reading typed, bounded members of an untrusted document with the place of
 * the first problem. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/err.h"
#include "core/jtree.h"
#include "evidence/ev_json_int.h"
#include "evidence/ev_table.h"
#include "evidence/evidence.h"

/* ---------------------------------------------------------------- saving */

struct dd_jt_node *dd_evj_list(struct dd_jt *s, const struct dd_ev_strlist *l)
{
	struct dd_jt_node *a = dd_jt_array(s);

	if (!a) {
		s->failed = 1;
		return NULL;
	}
	for (size_t i = 0; i < l->n; i++)
		dd_jt_append(s, a, dd_jt_str(s, l->v[i]));
	return a;
}

struct dd_jt_node *dd_evj_rcode(struct dd_jt *s, int rcode)
{
	char buf[16];

	return rcode < 0 ? dd_jt_null(s) : dd_jt_str(s, dd_ev_rcode_name(rcode, buf, sizeof(buf)));
}

/* RESPONSE: the members of every object that says what one question to one
 * server came to. */

static const char *state_of(int v)
{
	return dd_ev_state_name((enum dd_ev_state)v);
}

static const struct dd_evt_field response_fields[] = {
	{ .key = "state", .kind = DD_EVT_ENUM, .off = offsetof(struct dd_ev_response, state),
	  .flags = DD_EVT_REQ, .max = DD_EV_STATE_COUNT, .name_of = state_of,
	  .doc = "what it came to" },
	{ .key = "rcode", .kind = DD_EVT_RCODE, .off = offsetof(struct dd_ev_response, rcode),
	  .doc = "rcode mnemonic of the reply (`\"NOERROR\"`, `\"NXDOMAIN\"`, `\"BADVERS\"`, or "
		 "`\"RCODE<n>\"`); null when no reply" },
	{ .key = "aa", .kind = DD_EVT_TRI, .off = offsetof(struct dd_ev_response, aa), .dflt = -1,
	  .doc = "AA flag of the reply; null when no reply" },
	{ .key = "rtt_ms", .kind = DD_EVT_MS, .off = offsetof(struct dd_ev_response, rtt_ms),
	  .doc = "round trip of the deciding exchange" },
	{ .key = "exchange", .kind = DD_EVT_XREF, .off = offsetof(struct dd_ev_response, exchange),
	  .doc = "index into `exchanges` of the deciding exchange" },
	{ .key = "detail", .kind = DD_EVT_STR, .off = offsetof(struct dd_ev_response, detail),
	  .doc = "free text for humans" },
};
const struct dd_evt_table dd_ev_response_table = {
	"RESPONSE", sizeof(struct dd_ev_response), response_fields,
	sizeof(response_fields) / sizeof(response_fields[0]), -1, -1, NULL
};

/* --------------------------------------------------------------- loading */

static int vfail(struct dd_evj_ld *l, int code, const char *path, const char *key,
		 const char *fmt, va_list ap)
{
	char what[160];

	vsnprintf(what, sizeof(what), fmt, ap);
	if (l->errlen)
		snprintf(l->err, l->errlen, "%s%s%s: %s", path, *path && key ? "." : "",
			 key ? key : "", what);
	return code;
}

int dd_evj_fail(struct dd_evj_ld *l, int code, const char *path, const char *key,
		const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vfail(l, code, path, key, fmt, ap);
	va_end(ap);
	return rc;
}

void dd_evj_sub(char *out, const char *path, const char *key, long index)
{
	int n;

	if (index >= 0)
		n = snprintf(out, DD_EVJ_PATH_LEN, "%s%s%s[%ld]", path, *path ? "." : "", key,
			     index);
	else
		n = snprintf(out, DD_EVJ_PATH_LEN, "%s%s%s", path, *path ? "." : "", key);
	if (n < 0)
		out[0] = '\0';
}

const char *dd_evj_type_name(const json_t *j)
{
	switch (json_typeof(j)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a number";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	default: return "null";
	}
}

json_t *dd_evj_opt(const json_t *obj, const char *key)
{
	json_t *j = json_object_get(obj, key);

	return j && !json_is_null(j) ? j : NULL;
}

int dd_evj_member(struct dd_evj_ld *l, const json_t *obj, const char *path, const char *key,
		  int req, json_t **out)
{
	json_t *j = json_object_get(obj, key);

	*out = (j && !json_is_null(j)) ? j : NULL;
	if (!*out && req)
		return dd_evj_fail(l, DD_EPARSE, path, key, j ? "must not be null" : "missing");
	return 0;
}

int dd_evj_want_object(struct dd_evj_ld *l, const json_t *j, const char *path)
{
	if (!json_is_object(j))
		return dd_evj_fail(l, DD_EPARSE, path, NULL, "expected an object, found %s",
				   dd_evj_type_name(j));
	return 0;
}

int dd_evj_get_str(struct dd_evj_ld *l, const json_t *obj, const char *path, const char *key,
		   int req, char **out)
{
	json_t *j;
	int rc = dd_evj_member(l, obj, path, key, req, &j);

	if (rc || !j)
		return rc;
	if (!json_is_string(j))
		return dd_evj_fail(l, DD_EPARSE, path, key, "expected a string, found %s",
				   dd_evj_type_name(j));
	if (json_string_length(j) > DD_EV_MAX_STR)
		return dd_evj_fail(l, DD_ELIMIT, path, key, "string longer than %d bytes",
				   DD_EV_MAX_STR);
	if (dd_ev_set_str(out, json_string_value(j)) != 0)
		return dd_evj_fail(l, DD_ENOMEM, path, key, "out of memory");
	return 0;
}

int dd_evj_get_array(struct dd_evj_ld *l, const json_t *obj, const char *path, const char *key,
		     int req, size_t max, json_t **out)
{
	int rc = dd_evj_member(l, obj, path, key, req, out);

	if (rc || !*out)
		return rc;
	if (!json_is_array(*out))
		return dd_evj_fail(l, DD_EPARSE, path, key, "expected an array, found %s",
				   dd_evj_type_name(*out));
	if (json_array_size(*out) > max)
		return dd_evj_fail(l, DD_ELIMIT, path, key, "more than %zu entries", max);
	return 0;
}

