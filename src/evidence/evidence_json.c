/* evidence_json.c: the evidence record as a JSON document (schema
 * "dnsdeps.evidence/1", docs/evidence.md). Saving never fails on odd bytes:
 * a string that is not valid UTF-8 is saved in its escaped form. Loading
 * treats the document as untrusted: every member is type-checked, every enum
 * value and index range-checked, every list bounded, and the first problem is
 * reported with its place ("parent.servers[2].delegation.state: ..."). */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/env.h"
#include "core/err.h"
#include "core/esc.h"
#include "evidence/evidence.h"

/* ---------------------------------------------------------------- saving */

struct sv {
	int failed; /* sticky: out of memory somewhere */
};

static json_t *s_str(struct sv *s, const char *v)
{
	json_t *j;

	if (!v)
		return json_null();
	j = json_string(v);
	if (!j) {
		/* Not valid UTF-8: keep a visible, escaped form. */
		char *e = dd_esc_dup(v, strlen(v));
		j = e ? json_string(e) : NULL;
		free(e);
	}
	if (!j)
		s->failed = 1;
	return j;
}

static void put(struct sv *s, json_t *obj, const char *key, json_t *v)
{
	if (!v || json_object_set_new(obj, key, v) != 0)
		s->failed = 1;
}

static void append(struct sv *s, json_t *arr, json_t *v)
{
	if (!v || json_array_append_new(arr, v) != 0)
		s->failed = 1;
}

static json_t *s_int_or_null(int64_t v)
{
	return v < 0 ? json_null() : json_integer((json_int_t)v);
}

static json_t *s_ms(double v)
{
	/* Three decimals are plenty; keeps documents short and stable. */
	return v < 0 ? json_null() : json_real((double)(long long)(v * 1000.0 + 0.5) / 1000.0);
}

static json_t *s_tri(int v)
{
	return v < 0 ? json_null() : json_boolean(v);
}

static json_t *s_rcode(struct sv *s, int rcode)
{
	char buf[16];

	return rcode < 0 ? json_null() : s_str(s, dd_ev_rcode_name(rcode, buf, sizeof(buf)));
}

static json_t *s_list(struct sv *s, const struct dd_ev_strlist *l)
{
	json_t *a = json_array();

	if (!a) {
		s->failed = 1;
		return NULL;
	}
	for (size_t i = 0; i < l->n; i++)
		append(s, a, s_str(s, l->v[i]));
	return a;
}

/* The RESPONSE members, added to obj. */
static json_t *s_response(struct sv *s, json_t *obj, const struct dd_ev_response *r)
{
	if (!obj) {
		s->failed = 1;
		return NULL;
	}
	put(s, obj, "state", s_str(s, dd_ev_state_name(r->state)));
	put(s, obj, "rcode", s_rcode(s, r->rcode));
	put(s, obj, "aa", s_tri(r->aa));
	put(s, obj, "rtt_ms", s_ms(r->rtt_ms));
	put(s, obj, "exchange", s_int_or_null(r->exchange));
	put(s, obj, "detail", s_str(s, r->detail));
	return obj;
}

static json_t *s_edns(const struct dd_ev_edns *e)
{
	if (!e->present)
		return json_null();
	return json_pack("{s:I, s:b, s:i}", "udp_size", (json_int_t)e->udp_size, "do",
			 e->do_bit, "version", e->version);
}

static json_t *s_chain(struct sv *s, const struct dd_evidence *ev)
{
	json_t *chain = json_array();

	for (size_t i = 0; chain && i < ev->nchain; i++) {
		const struct dd_ev_step *st = &ev->chain[i];
		json_t *step = json_object(), *servers = json_array();
		for (size_t j = 0; servers && j < st->nservers; j++) {
			const struct dd_ev_step_server *v = &st->servers[j];
			json_t *o = json_object();
			if (!o) {
				s->failed = 1;
				break;
			}
			put(s, o, "name", s_str(s, v->name));
			put(s, o, "address", s_str(s, v->address));
			put(s, o, "protocol", s_str(s, dd_ev_proto_name(v->protocol)));
			s_response(s, o, &v->r);
			put(s, o, "referral", s_str(s, v->referral));
			append(s, servers, o);
		}
		if (!step) {
			json_decref(servers);
			s->failed = 1;
			continue;
		}
		put(s, step, "zone", s_str(s, st->zone));
		put(s, step, "servers", servers);
		append(s, chain, step);
	}
	if (!chain)
		s->failed = 1;
	return chain;
}

static json_t *s_parent_server(struct sv *s, const struct dd_ev_parent_server *v)
{
	json_t *o = json_object(), *del, *ds, *glue;

	if (!o)
		return NULL;
	put(s, o, "name", s_str(s, v->name));
	put(s, o, "address", s_str(s, v->address));
	del = s_response(s, json_object(), &v->delegation.r);
	if (del) {
		put(s, del, "ns", s_list(s, &v->delegation.ns));
		put(s, del, "ns_ttl", s_int_or_null(v->delegation.ns_ttl));
		glue = json_array();
		for (size_t g = 0; glue && g < v->delegation.nglue; g++) {
			const struct dd_ev_glue *gl = &v->delegation.glue[g];
			json_t *go = json_object();
			if (go) {
				put(s, go, "name", s_str(s, gl->name));
				put(s, go, "address", s_str(s, gl->address));
				put(s, go, "ttl", s_int_or_null(gl->ttl));
			}
			append(s, glue, go);
		}
		put(s, del, "glue", glue);
	}
	put(s, o, "delegation", del);
	ds = s_response(s, json_object(), &v->ds.r);
	if (ds) {
		put(s, ds, "records", s_list(s, &v->ds.records));
		put(s, ds, "ttl", s_int_or_null(v->ds.ttl));
	}
	put(s, o, "ds", ds);
	return o;
}

static json_t *s_parent(struct sv *s, const struct dd_ev_parent *p)
{
	json_t *o = json_object(), *servers = json_array();

	if (!o || !servers) {
		json_decref(o);
		json_decref(servers);
		return NULL;
	}
	put(s, o, "zone", s_str(s, p->zone));
	if (p->error_code) {
		json_t *e = json_object();
		if (e) {
			put(s, e, "code", s_str(s, p->error_code));
			put(s, e, "message", s_str(s, p->error_message));
		}
		put(s, o, "error", e);
	} else {
		put(s, o, "error", json_null());
	}
	for (size_t i = 0; i < p->nservers; i++)
		append(s, servers, s_parent_server(s, &p->servers[i]));
	put(s, o, "servers", servers);
	return o;
}

static json_t *s_ns_server(struct sv *s, const struct dd_ev_ns_server *v)
{
	json_t *o = json_object(), *x;

	if (!o)
		return NULL;
	put(s, o, "address", s_str(s, v->address));
	x = s_response(s, json_object(), &v->soa_udp.r);
	if (x)
		put(s, x, "serial", s_int_or_null(v->soa_udp.serial));
	put(s, o, "soa_udp", x);
	x = s_response(s, json_object(), &v->soa_tcp.r);
	if (x)
		put(s, x, "serial", s_int_or_null(v->soa_tcp.serial));
	put(s, o, "soa_tcp", x);
	x = s_response(s, json_object(), &v->ns_udp.r);
	if (x) {
		put(s, x, "ns", s_list(s, &v->ns_udp.ns));
		put(s, x, "ttl", s_int_or_null(v->ns_udp.ttl));
	}
	put(s, o, "ns_udp", x);
	x = s_response(s, json_object(), &v->edns.r);
	if (x)
		put(s, x, "edns_version", s_int_or_null(v->edns.edns_version));
	put(s, o, "edns", x);
	return o;
}

static json_t *s_nameserver(struct sv *s, const struct dd_ev_nameserver *ns)
{
	json_t *o = json_object(), *res = json_object(), *servers = json_array();
	const struct dd_ev_resolution *r = &ns->resolution;

	if (!o || !res || !servers) {
		json_decref(o);
		json_decref(res);
		json_decref(servers);
		return NULL;
	}
	put(s, o, "name", s_str(s, ns->name));
	put(s, o, "in_parent", json_boolean(ns->in_parent));
	put(s, o, "in_child", json_boolean(ns->in_child));
	put(s, o, "in_bailiwick", json_boolean(ns->in_bailiwick));
	put(s, o, "glue", s_list(s, &ns->glue));
	put(s, res, "state", s_str(s, dd_ev_rstate_name(r->state)));
	put(s, res, "a", s_list(s, &r->a));
	put(s, res, "aaaa", s_list(s, &r->aaaa));
	put(s, res, "ttl", s_int_or_null(r->ttl));
	put(s, res, "cname", s_str(s, r->cname));
	put(s, res, "message", s_str(s, r->message));
	put(s, o, "resolution", res);
	for (size_t i = 0; i < ns->nservers; i++)
		append(s, servers, s_ns_server(s, &ns->servers[i]));
	put(s, o, "servers", servers);
	return o;
}

static const char *const flag_names[] = { "qr", "aa", "tc", "rd", "ra", "ad", "cd" };
#define N_FLAGS (sizeof(flag_names) / sizeof(flag_names[0]))

static json_t *s_exchange(struct sv *s, const struct dd_ev_exchange *x)
{
	json_t *o = json_object(), *flags = json_array();

	if (!o || !flags) {
		json_decref(o);
		json_decref(flags);
		return NULL;
	}
	put(s, o, "id", json_integer(x->id));
	put(s, o, "server", s_str(s, x->server));
	put(s, o, "address", s_str(s, x->address));
	put(s, o, "port", json_integer(x->port));
	put(s, o, "protocol", s_str(s, dd_ev_proto_name(x->protocol)));
	put(s, o, "qname", s_str(s, x->qname));
	put(s, o, "qtype", s_str(s, x->qtype));
	put(s, o, "query_edns", s_edns(&x->query_edns));
	put(s, o, "t_ms", s_ms(x->t_ms));
	put(s, o, "rtt_ms", s_ms(x->rtt_ms));
	put(s, o, "result", s_str(s, dd_ev_result_name(x->result)));
	put(s, o, "rcode", s_rcode(s, x->rcode));
	for (size_t i = 0; i < N_FLAGS; i++)
		if (x->flags & (1u << i))
			append(s, flags, json_string(flag_names[i]));
	put(s, o, "flags", flags);
	put(s, o, "size", s_int_or_null(x->size));
	put(s, o, "reply_edns", s_edns(&x->reply_edns));
	put(s, o, "answer", s_list(s, &x->answer));
	put(s, o, "authority", s_list(s, &x->authority));
	put(s, o, "additional", s_list(s, &x->additional));
	put(s, o, "detail", s_str(s, x->detail));
	return o;
}

static json_t *s_document(struct sv *s, const struct dd_evidence *ev)
{
	json_t *doc = json_object(), *arr;
	char when[32];

	if (!doc)
		return NULL;
	dd_clock_format(ev->time, when, sizeof(when));
	put(s, doc, "schema", json_string(DD_EV_SCHEMA));
	put(s, doc, "tool", s_str(s, ev->tool));
	put(s, doc, "time", json_string(when));
	put(s, doc, "domain", s_str(s, ev->domain));
	put(s, doc, "options",
	    json_pack("{s:b, s:b, s:I, s:I}", "ipv4", ev->options.ipv4, "ipv6", ev->options.ipv6,
		      "timeout_ms", (json_int_t)ev->options.timeout_ms, "retries",
		      (json_int_t)ev->options.retries));
	put(s, doc, "chain", s_chain(s, ev));
	put(s, doc, "parent", s_parent(s, &ev->parent));
	arr = json_array();
	for (size_t i = 0; arr && i < ev->nnameservers; i++)
		append(s, arr, s_nameserver(s, &ev->nameservers[i]));
	put(s, doc, "nameservers", arr);
	arr = json_array();
	for (size_t i = 0; arr && i < ev->nexchanges; i++)
		append(s, arr, s_exchange(s, &ev->exchanges[i]));
	put(s, doc, "exchanges", arr);
	if (ev->deps.present)
		put(s, doc, "dependencies", dd_ev_deps_save(&ev->deps));
	if (ev->dnssec.present)
		put(s, doc, "dnssec", dd_ev_sec_save(&ev->dnssec, &s->failed));
	if (ev->registration.present)
		put(s, doc, "registration", dd_ev_reg_save(&ev->registration));
	return doc;
}

char *dd_ev_save_json(const struct dd_evidence *ev)
{
	struct sv s = { 0 };
	json_t *doc = s_document(&s, ev);
	char *text = NULL, *out;
	size_t len;

	if (doc && !s.failed)
		text = json_dumps(doc, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
	json_decref(doc);
	if (!text)
		return NULL;
	len = strlen(text);
	out = realloc(text, len + 2);
	if (!out) {
		free(text);
		return NULL;
	}
	out[len] = '\n';
	out[len + 1] = '\0';
	return out;
}

int dd_ev_save_file(const struct dd_evidence *ev, FILE *f)
{
	char *text = dd_ev_save_json(ev);
	size_t len;
	int rc = 0;

	if (!text)
		return DD_ENOMEM;
	len = strlen(text);
	if (fwrite(text, 1, len, f) != len || fflush(f) != 0)
		rc = DD_EIO;
	free(text);
	return rc;
}

/* --------------------------------------------------------------- loading */

#define PATH_LEN 192

struct ld {
	char *err;
	size_t errlen;
	size_t nexchanges; /* for range checks of "exchange" references */
};

/* Record the first problem: "path.key: what". Returns code. */
static int fail(struct ld *l, int code, const char *path, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int fail(struct ld *l, int code, const char *path, const char *key, const char *fmt, ...)
{
	char what[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (l->errlen)
		snprintf(l->err, l->errlen, "%s%s%s: %s", path, *path && key ? "." : "",
			 key ? key : "", what);
	return code;
}

/* out = path.key[index] (no index when index < 0); a too deep path is cut. */
static void sub(char *out, const char *path, const char *key, long index)
{
	int n;

	if (index >= 0)
		n = snprintf(out, PATH_LEN, "%s%s%s[%ld]", path, *path ? "." : "", key, index);
	else
		n = snprintf(out, PATH_LEN, "%s%s%s", path, *path ? "." : "", key);
	if (n < 0)
		out[0] = '\0';
}

enum { OPT = 0, REQ = 1 };

static const char *type_name(const json_t *j)
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

/* The member, or NULL when absent or null. A required one must be there. */
static int member(struct ld *l, const json_t *obj, const char *path, const char *key, int req,
		  json_t **out)
{
	json_t *j = json_object_get(obj, key);

	*out = (j && !json_is_null(j)) ? j : NULL;
	if (!*out && req)
		return fail(l, DD_EPARSE, path, key, j ? "must not be null" : "missing");
	return 0;
}

static int want_object(struct ld *l, const json_t *j, const char *path)
{
	if (!json_is_object(j))
		return fail(l, DD_EPARSE, path, NULL, "expected an object, found %s",
			    type_name(j));
	return 0;
}

static int get_str(struct ld *l, const json_t *obj, const char *path, const char *key, int req,
		   char **out)
{
	json_t *j;
	int rc = member(l, obj, path, key, req, &j);

	if (rc || !j)
		return rc;
	if (!json_is_string(j))
		return fail(l, DD_EPARSE, path, key, "expected a string, found %s", type_name(j));
	if (json_string_length(j) > DD_EV_MAX_STR)
		return fail(l, DD_ELIMIT, path, key, "string longer than %d bytes", DD_EV_MAX_STR);
	if (dd_ev_set_str(out, json_string_value(j)) != 0)
		return fail(l, DD_ENOMEM, path, key, "out of memory");
	return 0;
}

/* A boolean; absent or null gives dflt (use -1 for "unknown"). */
static int get_bool(struct ld *l, const json_t *obj, const char *path, const char *key, int req,
		    int dflt, int *out)
{
	json_t *j;
	int rc = member(l, obj, path, key, req, &j);

	*out = dflt;
	if (rc || !j)
		return rc;
	if (!json_is_boolean(j))
		return fail(l, DD_EPARSE, path, key, "expected a boolean, found %s", type_name(j));
	*out = json_is_true(j);
	return 0;
}

/* An integer in [min, max]; absent or null gives -1. */
static int get_int(struct ld *l, const json_t *obj, const char *path, const char *key, int req,
		   int64_t min, int64_t max, int64_t *out)
{
	json_t *j;
	int rc = member(l, obj, path, key, req, &j);

	*out = -1;
	if (rc || !j)
		return rc;
	if (!json_is_integer(j))
		return fail(l, DD_EPARSE, path, key, "expected an integer, found %s",
			    type_name(j));
	if (json_integer_value(j) < min || json_integer_value(j) > max)
		return fail(l, DD_EPARSE, path, key, "%lld is out of range [%lld, %lld]",
			    (long long)json_integer_value(j), (long long)min, (long long)max);
	*out = json_integer_value(j);
	return 0;
}

/* A time in milliseconds (>= 0, at most a day); absent or null gives -1. */
static int get_ms(struct ld *l, const json_t *obj, const char *path, const char *key,
		  double *out)
{
	json_t *j;
	int rc = member(l, obj, path, key, OPT, &j);

	*out = -1;
	if (rc || !j)
		return rc;
	if (!json_is_number(j))
		return fail(l, DD_EPARSE, path, key, "expected a number, found %s", type_name(j));
	*out = json_number_value(j);
	if (!(*out >= 0 && *out <= 86400000.0))
		return fail(l, DD_EPARSE, path, key, "%g ms is out of range", *out);
	return 0;
}

static int get_enum(struct ld *l, const json_t *obj, const char *path, const char *key, int req,
		    const char *(*name_of)(int), int count, int dflt, int *out)
{
	char *s = NULL;
	int rc = get_str(l, obj, path, key, req, &s);

	*out = dflt;
	if (rc || !s)
		return rc;
	for (int i = 0; i < count; i++)
		if (strcmp(s, name_of(i)) == 0) {
			*out = i;
			free(s);
			return 0;
		}
	rc = fail(l, DD_EPARSE, path, key, "unknown value \"%.40s\"", s);
	free(s);
	return rc;
}

static const char *state_of(int i)
{
	return dd_ev_state_name((enum dd_ev_state)i);
}

static const char *result_of(int i)
{
	return dd_ev_result_name((enum dd_ev_result)i);
}

static const char *proto_of(int i)
{
	return dd_ev_proto_name((enum dd_ev_proto)i);
}

static const char *rstate_of(int i)
{
	return dd_ev_rstate_name((enum dd_ev_rstate)i);
}

/* An array member of at most max entries; absent or null gives NULL. */
static int get_array(struct ld *l, const json_t *obj, const char *path, const char *key, int req,
		     size_t max, json_t **out)
{
	int rc = member(l, obj, path, key, req, out);

	if (rc || !*out)
		return rc;
	if (!json_is_array(*out))
		return fail(l, DD_EPARSE, path, key, "expected an array, found %s",
			    type_name(*out));
	if (json_array_size(*out) > max)
		return fail(l, DD_ELIMIT, path, key, "more than %zu entries", max);
	return 0;
}

static int get_strlist(struct ld *l, const json_t *obj, const char *path, const char *key,
		       struct dd_ev_strlist *out)
{
	json_t *arr, *v;
	size_t i;
	int rc = get_array(l, obj, path, key, OPT, DD_EV_MAX_ITEMS, &arr);

	if (rc || !arr)
		return rc;
	json_array_foreach(arr, i, v) {
		char p[PATH_LEN];
		sub(p, path, key, (long)i);
		if (!json_is_string(v))
			return fail(l, DD_EPARSE, p, NULL, "expected a string, found %s",
				    type_name(v));
		if (json_string_length(v) > DD_EV_MAX_STR)
			return fail(l, DD_ELIMIT, p, NULL, "string too long");
		rc = dd_ev_strlist_add(out, json_string_value(v));
		if (rc < 0)
			return fail(l, rc, p, NULL, "%s", dd_strerror(rc));
	}
	return 0;
}

static int get_rcode(struct ld *l, const json_t *obj, const char *path, const char *key,
		     int *out)
{
	char *s = NULL;
	int rc = get_str(l, obj, path, key, OPT, &s);

	*out = -1;
	if (rc || !s)
		return rc;
	if (dd_ev_rcode_parse(s, out) != 0)
		rc = fail(l, DD_EPARSE, path, key, "unknown rcode \"%.40s\"", s);
	free(s);
	return rc;
}

static int get_exchange_ref(struct ld *l, const json_t *obj, const char *path, int *out)
{
	int64_t v;
	int rc = get_int(l, obj, path, "exchange", OPT, 0, DD_EV_MAX_EXCHANGES, &v);

	*out = -1;
	if (rc)
		return rc;
	if (v >= 0 && (size_t)v >= l->nexchanges)
		return fail(l, DD_EPARSE, path, "exchange",
			    "refers to exchange %lld, but there are only %zu", (long long)v,
			    l->nexchanges);
	*out = (int)v;
	return 0;
}

/* The RESPONSE members of obj (which must be an object). */
static int ld_response(struct ld *l, const json_t *obj, const char *path,
		       struct dd_ev_response *r)
{
	int rc, st;

	if ((rc = want_object(l, obj, path)) != 0)
		return rc;
	if ((rc = get_enum(l, obj, path, "state", REQ, state_of, DD_EV_STATE_COUNT, 0, &st)) ||
	    (rc = get_rcode(l, obj, path, "rcode", &r->rcode)) ||
	    (rc = get_bool(l, obj, path, "aa", OPT, -1, &r->aa)) ||
	    (rc = get_ms(l, obj, path, "rtt_ms", &r->rtt_ms)) ||
	    (rc = get_exchange_ref(l, obj, path, &r->exchange)) ||
	    (rc = get_str(l, obj, path, "detail", OPT, &r->detail)))
		return rc;
	r->state = (enum dd_ev_state)st;
	return 0;
}

/* A RESPONSE-shaped member key of obj; absent or null leaves it "skipped". */
static int ld_sub_response(struct ld *l, const json_t *obj, const char *path, const char *key,
			   struct dd_ev_response *r, json_t **out, char *subpath)
{
	int rc = member(l, obj, path, key, OPT, out);

	sub(subpath, path, key, -1);
	if (rc || !*out)
		return rc;
	return ld_response(l, *out, subpath, r);
}

static int ld_edns(struct ld *l, const json_t *obj, const char *path, const char *key,
		   struct dd_ev_edns *e)
{
	char p[PATH_LEN];
	json_t *j;
	int64_t v;
	int rc = member(l, obj, path, key, OPT, &j);

	memset(e, 0, sizeof(*e));
	if (rc || !j)
		return rc;
	sub(p, path, key, -1);
	if ((rc = want_object(l, j, p)) != 0)
		return rc;
	e->present = 1;
	if ((rc = get_int(l, j, p, "udp_size", OPT, 0, 65535, &v)) != 0)
		return rc;
	e->udp_size = v < 0 ? 0 : (unsigned)v;
	if ((rc = get_bool(l, j, p, "do", OPT, 0, &e->do_bit)) != 0)
		return rc;
	if ((rc = get_int(l, j, p, "version", OPT, 0, 255, &v)) != 0)
		return rc;
	e->version = v < 0 ? 0 : (int)v;
	return 0;
}

static int ld_flags(struct ld *l, const json_t *obj, const char *path, unsigned *out)
{
	json_t *arr, *v;
	size_t i;
	int rc = get_array(l, obj, path, "flags", OPT, 16, &arr);

	*out = 0;
	if (rc || !arr)
		return rc;
	json_array_foreach(arr, i, v) {
		size_t f;
		for (f = 0; f < N_FLAGS; f++)
			if (json_is_string(v) && strcmp(json_string_value(v), flag_names[f]) == 0)
				break;
		if (f == N_FLAGS) {
			char p[PATH_LEN];
			sub(p, path, "flags", (long)i);
			return fail(l, DD_EPARSE, p, NULL, "not a header flag (qr aa tc rd ra ad cd)");
		}
		*out |= 1u << f;
	}
	return 0;
}

static int ld_exchange(struct ld *l, const json_t *o, const char *p, size_t index,
		       struct dd_ev_exchange *x)
{
	int64_t v;
	int rc, e;

	if ((rc = want_object(l, o, p)) != 0)
		return rc;
	if ((rc = get_int(l, o, p, "id", REQ, 0, DD_EV_MAX_EXCHANGES, &v)) != 0)
		return rc;
	if ((size_t)v != index)
		return fail(l, DD_EPARSE, p, "id", "is %lld, but must equal its position %zu",
			    (long long)v, index);
	if ((rc = get_str(l, o, p, "server", OPT, &x->server)) ||
	    (rc = get_str(l, o, p, "address", REQ, &x->address)))
		return rc;
	if ((rc = get_int(l, o, p, "port", OPT, 1, 65535, &v)) != 0)
		return rc;
	x->port = v < 0 ? 53 : (unsigned)v;
	if ((rc = get_enum(l, o, p, "protocol", OPT, proto_of, 2, DD_EV_UDP, &e)) != 0)
		return rc;
	x->protocol = (enum dd_ev_proto)e;
	if ((rc = get_str(l, o, p, "qname", REQ, &x->qname)) ||
	    (rc = get_str(l, o, p, "qtype", REQ, &x->qtype)) ||
	    (rc = ld_edns(l, o, p, "query_edns", &x->query_edns)) ||
	    (rc = get_ms(l, o, p, "t_ms", &x->t_ms)) ||
	    (rc = get_ms(l, o, p, "rtt_ms", &x->rtt_ms)))
		return rc;
	if ((rc = get_enum(l, o, p, "result", REQ, result_of, DD_EV_RESULT_COUNT, 0, &e)) != 0)
		return rc;
	x->result = (enum dd_ev_result)e;
	if ((rc = get_rcode(l, o, p, "rcode", &x->rcode)) || (rc = ld_flags(l, o, p, &x->flags)))
		return rc;
	if ((rc = get_int(l, o, p, "size", OPT, 0, 65535, &v)) != 0)
		return rc;
	x->size = (long)v;
	if ((rc = ld_edns(l, o, p, "reply_edns", &x->reply_edns)) ||
	    (rc = get_strlist(l, o, p, "answer", &x->answer)) ||
	    (rc = get_strlist(l, o, p, "authority", &x->authority)) ||
	    (rc = get_strlist(l, o, p, "additional", &x->additional)) ||
	    (rc = get_str(l, o, p, "detail", OPT, &x->detail)))
		return rc;
	return 0;
}

static int ld_exchanges(struct ld *l, const json_t *doc, struct dd_evidence *ev)
{
	json_t *arr, *o;
	size_t i;
	int rc = get_array(l, doc, "", "exchanges", OPT, DD_EV_MAX_EXCHANGES, &arr);

	if (rc || !arr)
		return rc;
	json_array_foreach(arr, i, o) {
		char p[PATH_LEN];
		int idx = dd_ev_add_exchange(ev);
		if (idx < 0)
			return fail(l, idx, "exchanges", NULL, "%s", dd_strerror(idx));
		sub(p, "", "exchanges", (long)i);
		if ((rc = ld_exchange(l, o, p, i, &ev->exchanges[idx])) != 0)
			return rc;
	}
	l->nexchanges = ev->nexchanges;
	return 0;
}

static int ld_chain(struct ld *l, const json_t *doc, struct dd_evidence *ev)
{
	json_t *arr, *step;
	size_t i;
	int rc = get_array(l, doc, "", "chain", OPT, DD_EV_MAX_ITEMS, &arr);

	if (rc || !arr)
		return rc;
	json_array_foreach(arr, i, step) {
		char p[PATH_LEN];
		json_t *servers, *o;
		size_t j;
		char *zone = NULL;
		int si;

		sub(p, "", "chain", (long)i);
		if ((rc = want_object(l, step, p)) || (rc = get_str(l, step, p, "zone", REQ, &zone)))
			return rc;
		si = dd_ev_add_step(ev, zone);
		free(zone);
		if (si < 0)
			return fail(l, si, p, NULL, "%s", dd_strerror(si));
		if ((rc = get_array(l, step, p, "servers", OPT, DD_EV_MAX_ITEMS, &servers)) ||
		    !servers) {
			if (rc)
				return rc;
			continue;
		}
		json_array_foreach(servers, j, o) {
			char q[PATH_LEN];
			struct dd_ev_step_server *v;
			int k, e;
			sub(q, p, "servers", (long)j);
			if ((rc = want_object(l, o, q)) != 0)
				return rc;
			k = dd_ev_add_step_server(ev, (size_t)si, NULL, NULL);
			if (k < 0)
				return fail(l, k, q, NULL, "%s", dd_strerror(k));
			v = &ev->chain[si].servers[k];
			if ((rc = get_str(l, o, q, "name", REQ, &v->name)) ||
			    (rc = get_str(l, o, q, "address", OPT, &v->address)) ||
			    (rc = get_enum(l, o, q, "protocol", OPT, proto_of, 2, 0, &e)) ||
			    (rc = ld_response(l, o, q, &v->r)) ||
			    (rc = get_str(l, o, q, "referral", OPT, &v->referral)))
				return rc;
			v->protocol = (enum dd_ev_proto)e;
		}
	}
	return 0;
}

static int ld_glue(struct ld *l, const json_t *del, const char *path, struct dd_evidence *ev,
		   size_t ps)
{
	json_t *arr, *o;
	size_t i;
	int rc = get_array(l, del, path, "glue", OPT, DD_EV_MAX_ITEMS, &arr);

	if (rc || !arr)
		return rc;
	json_array_foreach(arr, i, o) {
		char p[PATH_LEN];
		struct dd_ev_glue *g;
		int k;
		sub(p, path, "glue", (long)i);
		if ((rc = want_object(l, o, p)) != 0)
			return rc;
		k = dd_ev_add_glue(ev, ps, NULL, NULL, -1);
		if (k < 0)
			return fail(l, k, p, NULL, "%s", dd_strerror(k));
		g = &ev->parent.servers[ps].delegation.glue[k];
		if ((rc = get_str(l, o, p, "name", REQ, &g->name)) ||
		    (rc = get_str(l, o, p, "address", REQ, &g->address)) ||
		    (rc = get_int(l, o, p, "ttl", OPT, 0, UINT32_MAX, &g->ttl)))
			return rc;
	}
	return 0;
}

static int ld_parent_server(struct ld *l, const json_t *o, const char *p, struct dd_evidence *ev)
{
	char q[PATH_LEN];
	struct dd_ev_parent_server *v;
	json_t *j;
	int rc, k = dd_ev_add_parent_server(ev, NULL, NULL);

	if (k < 0)
		return fail(l, k, p, NULL, "%s", dd_strerror(k));
	v = &ev->parent.servers[k];
	if ((rc = want_object(l, o, p)) || (rc = get_str(l, o, p, "name", REQ, &v->name)) ||
	    (rc = get_str(l, o, p, "address", REQ, &v->address)))
		return rc;
	if ((rc = ld_sub_response(l, o, p, "delegation", &v->delegation.r, &j, q)) != 0)
		return rc;
	if (j && ((rc = get_strlist(l, j, q, "ns", &v->delegation.ns)) ||
		  (rc = get_int(l, j, q, "ns_ttl", OPT, 0, UINT32_MAX, &v->delegation.ns_ttl)) ||
		  (rc = ld_glue(l, j, q, ev, (size_t)k))))
		return rc;
	if ((rc = ld_sub_response(l, o, p, "ds", &v->ds.r, &j, q)) != 0)
		return rc;
	if (j && ((rc = get_strlist(l, j, q, "records", &v->ds.records)) ||
		  (rc = get_int(l, j, q, "ttl", OPT, 0, UINT32_MAX, &v->ds.ttl))))
		return rc;
	return 0;
}

static int ld_parent(struct ld *l, const json_t *doc, struct dd_evidence *ev)
{
	json_t *par, *err, *arr, *o;
	size_t i;
	int rc = member(l, doc, "", "parent", REQ, &par);

	if (rc || (rc = want_object(l, par, "parent")))
		return rc;
	if ((rc = get_str(l, par, "parent", "zone", OPT, &ev->parent.zone)) ||
	    (rc = member(l, par, "parent", "error", OPT, &err)))
		return rc;
	if (err && ((rc = want_object(l, err, "parent.error")) ||
		    (rc = get_str(l, err, "parent.error", "code", REQ, &ev->parent.error_code)) ||
		    (rc = get_str(l, err, "parent.error", "message", OPT,
				  &ev->parent.error_message))))
		return rc;
	if ((rc = get_array(l, par, "parent", "servers", OPT, DD_EV_MAX_ITEMS, &arr)) || !arr)
		return rc;
	json_array_foreach(arr, i, o) {
		char p[PATH_LEN];
		sub(p, "parent", "servers", (long)i);
		if ((rc = ld_parent_server(l, o, p, ev)) != 0)
			return rc;
	}
	return 0;
}

static int ld_resolution(struct ld *l, const json_t *o, const char *path,
			 struct dd_ev_resolution *r)
{
	char p[PATH_LEN];
	json_t *j;
	int rc = member(l, o, path, "resolution", OPT, &j), st;

	if (rc || !j)
		return rc;
	sub(p, path, "resolution", -1);
	if ((rc = want_object(l, j, p)) ||
	    (rc = get_enum(l, j, p, "state", REQ, rstate_of, DD_EV_RSTATE_COUNT, 0, &st)) ||
	    (rc = get_strlist(l, j, p, "a", &r->a)) || (rc = get_strlist(l, j, p, "aaaa", &r->aaaa)) ||
	    (rc = get_int(l, j, p, "ttl", OPT, 0, UINT32_MAX, &r->ttl)) ||
	    (rc = get_str(l, j, p, "cname", OPT, &r->cname)) ||
	    (rc = get_str(l, j, p, "message", OPT, &r->message)))
		return rc;
	r->state = (enum dd_ev_rstate)st;
	return 0;
}

static int ld_ns_server(struct ld *l, const json_t *o, const char *p, struct dd_ev_ns_server *v)
{
	char q[PATH_LEN];
	json_t *j;
	int64_t ver;
	int rc;

	if ((rc = ld_sub_response(l, o, p, "soa_udp", &v->soa_udp.r, &j, q)) ||
	    (j && (rc = get_int(l, j, q, "serial", OPT, 0, UINT32_MAX, &v->soa_udp.serial))) ||
	    (rc = ld_sub_response(l, o, p, "soa_tcp", &v->soa_tcp.r, &j, q)) ||
	    (j && (rc = get_int(l, j, q, "serial", OPT, 0, UINT32_MAX, &v->soa_tcp.serial))) ||
	    (rc = ld_sub_response(l, o, p, "ns_udp", &v->ns_udp.r, &j, q)) ||
	    (j && (rc = get_strlist(l, j, q, "ns", &v->ns_udp.ns))) ||
	    (j && (rc = get_int(l, j, q, "ttl", OPT, 0, UINT32_MAX, &v->ns_udp.ttl))) ||
	    (rc = ld_sub_response(l, o, p, "edns", &v->edns.r, &j, q)))
		return rc;
	if (j && (rc = get_int(l, j, q, "edns_version", OPT, 0, 255, &ver)) != 0)
		return rc;
	v->edns.edns_version = j ? (int)ver : -1;
	return 0;
}

static int ld_nameserver(struct ld *l, const json_t *o, const char *p, struct dd_evidence *ev)
{
	struct dd_ev_nameserver *ns;
	json_t *arr, *so;
	char *name = NULL;
	size_t j;
	int rc, k;

	if ((rc = want_object(l, o, p)) || (rc = get_str(l, o, p, "name", REQ, &name)))
		return rc;
	if (dd_ev_find_nameserver(ev, name) >= 0) {
		rc = fail(l, DD_EPARSE, p, "name", "\"%.60s\" is listed twice", name);
		free(name);
		return rc;
	}
	k = dd_ev_add_nameserver(ev, name);
	free(name);
	if (k < 0)
		return fail(l, k, p, NULL, "%s", dd_strerror(k));
	ns = &ev->nameservers[k];
	if ((rc = get_bool(l, o, p, "in_parent", OPT, 0, &ns->in_parent)) ||
	    (rc = get_bool(l, o, p, "in_child", OPT, 0, &ns->in_child)) ||
	    (rc = get_bool(l, o, p, "in_bailiwick", OPT, 0, &ns->in_bailiwick)) ||
	    (rc = get_strlist(l, o, p, "glue", &ns->glue)) ||
	    (rc = ld_resolution(l, o, p, &ns->resolution)) ||
	    (rc = get_array(l, o, p, "servers", OPT, DD_EV_MAX_ITEMS, &arr)) || !arr)
		return rc;
	json_array_foreach(arr, j, so) {
		char q[PATH_LEN];
		char *addr = NULL;
		int si;
		sub(q, p, "servers", (long)j);
		if ((rc = want_object(l, so, q)) || (rc = get_str(l, so, q, "address", REQ, &addr)))
			return rc;
		si = (int)ns->nservers;
		rc = dd_ev_add_ns_server(ev, (size_t)k, addr);
		free(addr);
		if (rc >= 0 && rc != si)
			return fail(l, DD_EPARSE, q, "address", "listed twice for this name");
		if (rc < 0)
			return fail(l, rc, q, NULL, "%s", dd_strerror(rc));
		if ((rc = ld_ns_server(l, so, q, &ns->servers[si])) != 0)
			return rc;
	}
	return 0;
}

static int ld_nameservers(struct ld *l, const json_t *doc, struct dd_evidence *ev)
{
	json_t *arr, *o;
	size_t i;
	int rc = get_array(l, doc, "", "nameservers", OPT, DD_EV_MAX_ITEMS, &arr);

	if (rc || !arr)
		return rc;
	json_array_foreach(arr, i, o) {
		char p[PATH_LEN];
		sub(p, "", "nameservers", (long)i);
		if ((rc = ld_nameserver(l, o, p, ev)) != 0)
			return rc;
	}
	return 0;
}

static int ld_options(struct ld *l, const json_t *doc, struct dd_evidence *ev)
{
	json_t *o;
	int64_t v;
	int rc = member(l, doc, "", "options", OPT, &o);

	if (rc || !o)
		return rc;
	if ((rc = want_object(l, o, "options")) ||
	    (rc = get_bool(l, o, "options", "ipv4", OPT, 1, &ev->options.ipv4)) ||
	    (rc = get_bool(l, o, "options", "ipv6", OPT, 1, &ev->options.ipv6)))
		return rc;
	if ((rc = get_int(l, o, "options", "timeout_ms", OPT, 1, 3600000, &v)) != 0)
		return rc;
	if (v > 0)
		ev->options.timeout_ms = (unsigned)v;
	if ((rc = get_int(l, o, "options", "retries", OPT, 0, 100, &v)) != 0)
		return rc;
	if (v >= 0)
		ev->options.retries = (unsigned)v;
	return 0;
}

static int ld_document(struct ld *l, const json_t *doc, struct dd_evidence **out)
{
	struct dd_evidence *ev;
	char *s = NULL;
	int64_t t;
	int rc;

	if ((rc = want_object(l, doc, "document")) ||
	    (rc = get_str(l, doc, "", "schema", REQ, &s)))
		return rc;
	if (strcmp(s, DD_EV_SCHEMA) != 0) {
		rc = fail(l, DD_EPARSE, "", "schema", "\"%.40s\" is not %s", s, DD_EV_SCHEMA);
		free(s);
		return rc;
	}
	free(s);
	s = NULL;
	if ((rc = get_str(l, doc, "", "time", REQ, &s)) != 0)
		return rc;
	rc = dd_clock_parse(s, &t);
	free(s);
	s = NULL;
	if (rc != 0)
		return fail(l, DD_EPARSE, "", "time", "not an RFC 3339 time");
	if ((rc = get_str(l, doc, "", "domain", REQ, &s)) != 0)
		return rc;
	ev = dd_ev_new(s, t);
	free(s);
	if (!ev)
		return fail(l, DD_ENOMEM, "", NULL, "out of memory");
	if ((rc = get_str(l, doc, "", "tool", OPT, &ev->tool)) || (rc = ld_options(l, doc, ev)) ||
	    (rc = ld_exchanges(l, doc, ev)) || (rc = ld_chain(l, doc, ev)) ||
	    (rc = ld_parent(l, doc, ev)) || (rc = ld_nameservers(l, doc, ev)) ||
	    (rc = dd_ev_deps_load(doc, ev, l->err, l->errlen)) ||
	    (rc = dd_ev_sec_load(json_object_get(doc, "dnssec"), &ev->dnssec, ev->nexchanges,
				 l->err, l->errlen)) ||
	    (rc = dd_ev_reg_load(doc, ev, l->err, l->errlen))) {
		dd_ev_free(ev);
		return rc;
	}
	*out = ev;
	return 0;
}

int dd_ev_load_json(const char *text, size_t len, struct dd_evidence **out, char *err,
		    size_t errlen)
{
	struct ld l = { err, errlen, 0 };
	json_error_t je;
	json_t *doc;
	int rc;

	*out = NULL;
	if (errlen)
		err[0] = '\0';
	if (len > DD_EV_MAX_DOC)
		return fail(&l, DD_ELIMIT, "document", NULL, "larger than %u bytes",
			    DD_EV_MAX_DOC);
	doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!doc) {
		if (errlen)
			snprintf(err, errlen, "line %d, column %d: %s", je.line, je.column,
				 je.text);
		return DD_EPARSE;
	}
	rc = ld_document(&l, doc, out);
	json_decref(doc);
	return rc;
}

int dd_ev_load_file(const char *path, struct dd_evidence **out, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *text = NULL;
	size_t len = 0, cap = 0;
	int rc;

	*out = NULL;
	if (!f) {
		if (errlen)
			snprintf(err, errlen, "cannot open: %s", strerror(errno));
		return DD_EIO;
	}
	for (;;) {
		if (len == cap) {
			size_t ncap = cap ? cap * 2 : 65536;
			char *p;
			if (cap > DD_EV_MAX_DOC) {
				fclose(f);
				free(text);
				if (errlen)
					snprintf(err, errlen, "larger than %u bytes", DD_EV_MAX_DOC);
				return DD_ELIMIT;
			}
			p = realloc(text, ncap);
			if (!p) {
				fclose(f);
				free(text);
				return DD_ENOMEM;
			}
			text = p;
			cap = ncap;
		}
		size_t n = fread(text + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	rc = ferror(f) ? DD_EIO : 0;
	fclose(f);
	if (rc) {
		if (errlen)
			snprintf(err, errlen, "read error");
		free(text);
		return rc;
	}
	rc = dd_ev_load_json(text, len, out, err, errlen);
	free(text);
	return rc;
}
