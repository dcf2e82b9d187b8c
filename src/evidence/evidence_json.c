/* evidence_json.c: the evidence record as a JSON document (schema
 * "dnsdeps.evidence/1", docs/evidence.md). Saving never fails on odd bytes:
 * a string that is not valid UTF-8 is saved in its escaped form. Loading
 * treats the document as untrusted: every member is type-checked, every enum
 * value and index range-checked, every list bounded, and the first problem is
 * reported with its place ("parent.servers[2].delegation.state: ...").
 * The helpers it shares with the section files are in ev_json_util.c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/env.h"
#include "core/err.h"
#include "evidence/ev_int.h"
#include "evidence/ev_json_int.h"
#include "evidence/evidence.h"

/* ---------------------------------------------------------------- saving */

static json_t *s_edns(const struct dd_ev_edns *e)
{
	if (!e->present)
		return json_null();
	return json_pack("{s:I, s:b, s:i}", "udp_size", (json_int_t)e->udp_size, "do",
			 e->do_bit, "version", e->version);
}

static json_t *s_chain(struct dd_json *s, const struct dd_evidence *ev)
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
			dd_json_put(s, o, "name", dd_json_str(s, v->name));
			dd_json_put(s, o, "address", dd_json_str(s, v->address));
			dd_json_put(s, o, "protocol", dd_json_str(s, dd_ev_proto_name(v->protocol)));
			dd_evj_response(s, o, &v->r);
			dd_json_put(s, o, "referral", dd_json_str(s, v->referral));
			dd_json_append(s, servers, o);
		}
		if (!step) {
			json_decref(servers);
			s->failed = 1;
			continue;
		}
		dd_json_put(s, step, "zone", dd_json_str(s, st->zone));
		dd_json_put(s, step, "servers", servers);
		dd_json_append(s, chain, step);
	}
	if (!chain)
		s->failed = 1;
	return chain;
}

static json_t *s_parent_server(struct dd_json *s, const struct dd_ev_parent_server *v)
{
	json_t *o = json_object(), *del, *ds, *glue;

	if (!o)
		return NULL;
	dd_json_put(s, o, "name", dd_json_str(s, v->name));
	dd_json_put(s, o, "address", dd_json_str(s, v->address));
	del = dd_evj_response(s, json_object(), &v->delegation.r);
	if (del) {
		dd_json_put(s, del, "ns", dd_evj_list(s, &v->delegation.ns));
		dd_json_put(s, del, "ns_ttl", dd_json_int_or_null(v->delegation.ns_ttl));
		glue = json_array();
		for (size_t g = 0; glue && g < v->delegation.nglue; g++) {
			const struct dd_ev_glue *gl = &v->delegation.glue[g];
			json_t *go = json_object();
			if (go) {
				dd_json_put(s, go, "name", dd_json_str(s, gl->name));
				dd_json_put(s, go, "address", dd_json_str(s, gl->address));
				dd_json_put(s, go, "ttl", dd_json_int_or_null(gl->ttl));
			}
			dd_json_append(s, glue, go);
		}
		dd_json_put(s, del, "glue", glue);
	}
	dd_json_put(s, o, "delegation", del);
	ds = dd_evj_response(s, json_object(), &v->ds.r);
	if (ds) {
		dd_json_put(s, ds, "records", dd_evj_list(s, &v->ds.records));
		dd_json_put(s, ds, "ttl", dd_json_int_or_null(v->ds.ttl));
	}
	dd_json_put(s, o, "ds", ds);
	return o;
}

static json_t *s_parent(struct dd_json *s, const struct dd_ev_parent *p)
{
	json_t *o = json_object(), *servers = json_array();

	if (!o || !servers) {
		json_decref(o);
		json_decref(servers);
		return NULL;
	}
	dd_json_put(s, o, "zone", dd_json_str(s, p->zone));
	if (p->error_code) {
		json_t *e = json_object();
		if (e) {
			dd_json_put(s, e, "code", dd_json_str(s, p->error_code));
			dd_json_put(s, e, "message", dd_json_str(s, p->error_message));
		}
		dd_json_put(s, o, "error", e);
	} else {
		dd_json_put(s, o, "error", json_null());
	}
	for (size_t i = 0; i < p->nservers; i++)
		dd_json_append(s, servers, s_parent_server(s, &p->servers[i]));
	dd_json_put(s, o, "servers", servers);
	return o;
}

static json_t *s_ns_server(struct dd_json *s, const struct dd_ev_ns_server *v)
{
	json_t *o = json_object(), *x;

	if (!o)
		return NULL;
	dd_json_put(s, o, "address", dd_json_str(s, v->address));
	x = dd_evj_response(s, json_object(), &v->soa_udp.r);
	if (x)
		dd_json_put(s, x, "serial", dd_json_int_or_null(v->soa_udp.serial));
	dd_json_put(s, o, "soa_udp", x);
	x = dd_evj_response(s, json_object(), &v->soa_tcp.r);
	if (x)
		dd_json_put(s, x, "serial", dd_json_int_or_null(v->soa_tcp.serial));
	dd_json_put(s, o, "soa_tcp", x);
	x = dd_evj_response(s, json_object(), &v->ns_udp.r);
	if (x) {
		dd_json_put(s, x, "ns", dd_evj_list(s, &v->ns_udp.ns));
		dd_json_put(s, x, "ttl", dd_json_int_or_null(v->ns_udp.ttl));
	}
	dd_json_put(s, o, "ns_udp", x);
	x = dd_evj_response(s, json_object(), &v->edns.r);
	if (x)
		dd_json_put(s, x, "edns_version", dd_json_int_or_null(v->edns.edns_version));
	dd_json_put(s, o, "edns", x);
	return o;
}

static json_t *s_resolution(struct dd_json *s, const struct dd_ev_resolution *r)
{
	json_t *res = json_object();

	if (!res)
		return NULL;
	dd_json_put(s, res, "state", dd_json_str(s, dd_ev_rstate_name(r->state)));
	dd_json_put(s, res, "a", dd_evj_list(s, &r->a));
	dd_json_put(s, res, "aaaa", dd_evj_list(s, &r->aaaa));
	dd_json_put(s, res, "ttl", dd_json_int_or_null(r->ttl));
	dd_json_put(s, res, "cname", dd_json_str(s, r->cname));
	dd_json_put(s, res, "message", dd_json_str(s, r->message));
	return res;
}

static json_t *s_host(struct dd_json *s, const struct dd_ev_host *h)
{
	json_t *o = json_object(), *cut = json_array();

	for (size_t i = 0; cut && i < h->ncut; i++)
		dd_json_append(s, cut, json_integer(h->cut[i]));
	if (!o || !cut) {
		json_decref(o);
		json_decref(cut);
		return NULL;
	}
	dd_json_put(s, o, "name", dd_json_str(s, h->name));
	dd_json_put(s, o, "zone", dd_json_str(s, h->zone));
	dd_json_put(s, o, "cut", cut);
	dd_json_put(s, o, "resolution", s_resolution(s, &h->resolution));
	return o;
}

static json_t *s_nameserver(struct dd_json *s, const struct dd_ev_nameserver *ns)
{
	json_t *o = json_object(), *res = s_resolution(s, &ns->resolution), *servers = json_array();

	if (!o || !res || !servers) {
		json_decref(o);
		json_decref(res);
		json_decref(servers);
		return NULL;
	}
	dd_json_put(s, o, "name", dd_json_str(s, ns->name));
	dd_json_put(s, o, "in_parent", json_boolean(ns->in_parent));
	dd_json_put(s, o, "in_child", json_boolean(ns->in_child));
	dd_json_put(s, o, "in_bailiwick", json_boolean(ns->in_bailiwick));
	dd_json_put(s, o, "glue", dd_evj_list(s, &ns->glue));
	dd_json_put(s, o, "resolution", res);
	for (size_t i = 0; i < ns->nservers; i++)
		dd_json_append(s, servers, s_ns_server(s, &ns->servers[i]));
	dd_json_put(s, o, "servers", servers);
	return o;
}

static const char *const flag_names[] = { "qr", "aa", "tc", "rd", "ra", "ad", "cd" };
#define N_FLAGS (sizeof(flag_names) / sizeof(flag_names[0]))

static json_t *s_exchange(struct dd_json *s, const struct dd_ev_exchange *x)
{
	json_t *o = json_object(), *flags = json_array();

	if (!o || !flags) {
		json_decref(o);
		json_decref(flags);
		return NULL;
	}
	dd_json_put(s, o, "id", json_integer(x->id));
	dd_json_put(s, o, "server", dd_json_str(s, x->server));
	dd_json_put(s, o, "address", dd_json_str(s, x->address));
	dd_json_put(s, o, "port", json_integer(x->port));
	dd_json_put(s, o, "protocol", dd_json_str(s, dd_ev_proto_name(x->protocol)));
	dd_json_put(s, o, "qname", dd_json_str(s, x->qname));
	dd_json_put(s, o, "qtype", dd_json_str(s, x->qtype));
	dd_json_put(s, o, "query_edns", s_edns(&x->query_edns));
	dd_json_put(s, o, "t_ms", dd_json_ms(x->t_ms));
	dd_json_put(s, o, "rtt_ms", dd_json_ms(x->rtt_ms));
	if (x->shared)
		dd_json_put(s, o, "shared", json_true());
	dd_json_put(s, o, "result", dd_json_str(s, dd_ev_result_name(x->result)));
	dd_json_put(s, o, "rcode", dd_evj_rcode(s, x->rcode));
	for (size_t i = 0; i < N_FLAGS; i++)
		if (x->flags & (1u << i))
			dd_json_append(s, flags, json_string(flag_names[i]));
	dd_json_put(s, o, "flags", flags);
	dd_json_put(s, o, "size", dd_json_int_or_null(x->size));
	dd_json_put(s, o, "reply_edns", s_edns(&x->reply_edns));
	if (x->wire) { /* sections not read yet: rendered for the document only */
		struct dd_ev_strlist l[3];
		dd_ev_sections_render(x->wire, x->wire_len, l);
		dd_json_put(s, o, "answer", dd_evj_list(s, &l[0]));
		dd_json_put(s, o, "authority", dd_evj_list(s, &l[1]));
		dd_json_put(s, o, "additional", dd_evj_list(s, &l[2]));
		for (int i = 0; i < 3; i++)
			dd_ev_strlist_free(&l[i]);
	} else {
		dd_json_put(s, o, "answer", dd_evj_list(s, &x->answer));
		dd_json_put(s, o, "authority", dd_evj_list(s, &x->authority));
		dd_json_put(s, o, "additional", dd_evj_list(s, &x->additional));
	}
	dd_json_put(s, o, "detail", dd_json_str(s, x->detail));
	return o;
}

static json_t *s_document(struct dd_json *s, const struct dd_evidence *ev)
{
	json_t *doc = json_object(), *arr;
	char when[32];

	if (!doc)
		return NULL;
	dd_clock_format(ev->time, when, sizeof(when));
	dd_json_put(s, doc, "schema", json_string(DD_EV_SCHEMA));
	dd_json_put(s, doc, "tool", dd_json_str(s, ev->tool));
	dd_json_put(s, doc, "time", json_string(when));
	dd_json_put(s, doc, "domain", dd_json_str(s, ev->domain));
	dd_json_put(s, doc, "options",
		    json_pack("{s:b, s:b, s:I, s:I}", "ipv4", ev->options.ipv4, "ipv6",
			      ev->options.ipv6, "timeout_ms", (json_int_t)ev->options.timeout_ms,
			      "retries", (json_int_t)ev->options.retries));
	dd_json_put(s, doc, "chain", s_chain(s, ev));
	dd_json_put(s, doc, "parent", s_parent(s, &ev->parent));
	arr = json_array();
	for (size_t i = 0; arr && i < ev->nnameservers; i++)
		dd_json_append(s, arr, s_nameserver(s, &ev->nameservers[i]));
	dd_json_put(s, doc, "nameservers", arr);
	arr = json_array();
	for (size_t i = 0; arr && i < ev->nexchanges; i++)
		dd_json_append(s, arr, s_exchange(s, &ev->exchanges[i]));
	dd_json_put(s, doc, "exchanges", arr);
	if (ev->deps.present)
		dd_json_put(s, doc, "dependencies", dd_ev_deps_save(&ev->deps, s));
	if (ev->dnssec.present)
		dd_json_put(s, doc, "dnssec", dd_ev_sec_save(&ev->dnssec, s));
	if (ev->registration.present)
		dd_json_put(s, doc, "registration", dd_ev_reg_save(&ev->registration, s));
	if (ev->host.present)
		dd_json_put(s, doc, "host", s_host(s, &ev->host));
	return doc;
}

char *dd_ev_save_json(const struct dd_evidence *ev)
{
	struct dd_json s = { 0 };
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

/* An integer in [min, max]; absent or null gives -1. */
static int get_int(struct dd_evj_ld *l, const json_t *obj, const char *path, const char *key,
		   int req, int64_t min, int64_t max, int64_t *out)
{
	json_t *j;
	int rc = dd_evj_member(l, obj, path, key, req, &j);

	*out = -1;
	if (rc || !j)
		return rc;
	if (!json_is_integer(j))
		return dd_evj_fail(l, DD_EPARSE, path, key, "expected an integer, found %s",
				   dd_evj_type_name(j));
	if (json_integer_value(j) < min || json_integer_value(j) > max)
		return dd_evj_fail(l, DD_EPARSE, path, key, "%lld is out of range [%lld, %lld]",
				   (long long)json_integer_value(j), (long long)min,
				   (long long)max);
	*out = json_integer_value(j);
	return 0;
}

/* A time in milliseconds (>= 0, at most a day); absent or null gives -1. */
static int get_ms(struct dd_evj_ld *l, const json_t *obj, const char *path, const char *key,
		  double *out)
{
	json_t *j;
	int rc = dd_evj_member(l, obj, path, key, DD_EVJ_OPT, &j);

	*out = -1;
	if (rc || !j)
		return rc;
	if (!json_is_number(j))
		return dd_evj_fail(l, DD_EPARSE, path, key, "expected a number, found %s",
				   dd_evj_type_name(j));
	*out = json_number_value(j);
	if (!(*out >= 0 && *out <= 86400000.0))
		return dd_evj_fail(l, DD_EPARSE, path, key, "%g ms is out of range", *out);
	return 0;
}

static int get_enum(struct dd_evj_ld *l, const json_t *obj, const char *path, const char *key,
		    int req, const char *(*name_of)(int), int count, int dflt, int *out)
{
	char *s = NULL;
	int rc = dd_evj_get_str(l, obj, path, key, req, &s);

	*out = dflt;
	if (rc || !s)
		return rc;
	for (int i = 0; i < count; i++)
		if (strcmp(s, name_of(i)) == 0) {
			*out = i;
			free(s);
			return 0;
		}
	rc = dd_evj_fail(l, DD_EPARSE, path, key, "unknown value \"%.40s\"", s);
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

static int get_exchange_ref(struct dd_evj_ld *l, const json_t *obj, const char *path, int *out)
{
	int64_t v;
	int rc = get_int(l, obj, path, "exchange", DD_EVJ_OPT, 0, DD_EV_MAX_EXCHANGES, &v);

	*out = -1;
	if (rc)
		return rc;
	if (v >= 0 && (size_t)v >= l->nexchanges)
		return dd_evj_fail(l, DD_EPARSE, path, "exchange",
				   "refers to exchange %lld, but there are only %zu", (long long)v,
				   l->nexchanges);
	*out = (int)v;
	return 0;
}

/* The RESPONSE members of obj (which must be an object). */
static int ld_response(struct dd_evj_ld *l, const json_t *obj, const char *path,
		       struct dd_ev_response *r)
{
	int rc, st;

	if ((rc = dd_evj_want_object(l, obj, path)) != 0)
		return rc;
	if ((rc = get_enum(l, obj, path, "state", DD_EVJ_REQ, state_of, DD_EV_STATE_COUNT, 0,
			   &st)) ||
	    (rc = dd_evj_get_rcode(l, obj, path, "rcode", &r->rcode)) ||
	    (rc = dd_evj_get_bool(l, obj, path, "aa", DD_EVJ_OPT, -1, &r->aa)) ||
	    (rc = get_ms(l, obj, path, "rtt_ms", &r->rtt_ms)) ||
	    (rc = get_exchange_ref(l, obj, path, &r->exchange)) ||
	    (rc = dd_evj_get_str(l, obj, path, "detail", DD_EVJ_OPT, &r->detail)))
		return rc;
	r->state = (enum dd_ev_state)st;
	return 0;
}

/* A RESPONSE-shaped member key of obj; absent or null leaves it "skipped". */
static int ld_sub_response(struct dd_evj_ld *l, const json_t *obj, const char *path,
			   const char *key, struct dd_ev_response *r, json_t **out, char *subpath)
{
	int rc = dd_evj_member(l, obj, path, key, DD_EVJ_OPT, out);

	dd_evj_sub(subpath, path, key, -1);
	if (rc || !*out)
		return rc;
	return ld_response(l, *out, subpath, r);
}

static int ld_edns(struct dd_evj_ld *l, const json_t *obj, const char *path, const char *key,
		   struct dd_ev_edns *e)
{
	char p[DD_EVJ_PATH_LEN];
	json_t *j;
	int64_t v;
	int rc = dd_evj_member(l, obj, path, key, DD_EVJ_OPT, &j);

	memset(e, 0, sizeof(*e));
	if (rc || !j)
		return rc;
	dd_evj_sub(p, path, key, -1);
	if ((rc = dd_evj_want_object(l, j, p)) != 0)
		return rc;
	e->present = 1;
	if ((rc = get_int(l, j, p, "udp_size", DD_EVJ_OPT, 0, 65535, &v)) != 0)
		return rc;
	e->udp_size = v < 0 ? 0 : (unsigned)v;
	if ((rc = dd_evj_get_bool(l, j, p, "do", DD_EVJ_OPT, 0, &e->do_bit)) != 0)
		return rc;
	if ((rc = get_int(l, j, p, "version", DD_EVJ_OPT, 0, 255, &v)) != 0)
		return rc;
	e->version = v < 0 ? 0 : (int)v;
	return 0;
}

static int ld_flags(struct dd_evj_ld *l, const json_t *obj, const char *path, unsigned *out)
{
	json_t *arr, *v;
	size_t i;
	int rc = dd_evj_get_array(l, obj, path, "flags", DD_EVJ_OPT, 16, &arr);

	*out = 0;
	if (rc || !arr)
		return rc;
	json_array_foreach(arr, i, v) {
		size_t f;
		for (f = 0; f < N_FLAGS; f++)
			if (json_is_string(v) && strcmp(json_string_value(v), flag_names[f]) == 0)
				break;
		if (f == N_FLAGS) {
			char p[DD_EVJ_PATH_LEN];
			dd_evj_sub(p, path, "flags", (long)i);
			return dd_evj_fail(l, DD_EPARSE, p, NULL,
					   "not a header flag (qr aa tc rd ra ad cd)");
		}
		*out |= 1u << f;
	}
	return 0;
}

static int ld_exchange(struct dd_evj_ld *l, const json_t *o, const char *p, size_t index,
		       struct dd_ev_exchange *x)
{
	int64_t v;
	int rc, e;

	if ((rc = dd_evj_want_object(l, o, p)) != 0)
		return rc;
	if ((rc = get_int(l, o, p, "id", DD_EVJ_REQ, 0, DD_EV_MAX_EXCHANGES, &v)) != 0)
		return rc;
	if ((size_t)v != index)
		return dd_evj_fail(l, DD_EPARSE, p, "id",
				   "is %lld, but must equal its position %zu", (long long)v, index);
	if ((rc = dd_evj_get_str(l, o, p, "server", DD_EVJ_OPT, &x->server)) ||
	    (rc = dd_evj_get_str(l, o, p, "address", DD_EVJ_REQ, &x->address)))
		return rc;
	if ((rc = get_int(l, o, p, "port", DD_EVJ_OPT, 1, 65535, &v)) != 0)
		return rc;
	x->port = v < 0 ? 53 : (unsigned)v;
	if ((rc = get_enum(l, o, p, "protocol", DD_EVJ_OPT, proto_of, 2, DD_EV_UDP, &e)) != 0)
		return rc;
	x->protocol = (enum dd_ev_proto)e;
	if ((rc = dd_evj_get_str(l, o, p, "qname", DD_EVJ_REQ, &x->qname)) ||
	    (rc = dd_evj_get_str(l, o, p, "qtype", DD_EVJ_REQ, &x->qtype)) ||
	    (rc = ld_edns(l, o, p, "query_edns", &x->query_edns)) ||
	    (rc = get_ms(l, o, p, "t_ms", &x->t_ms)) ||
	    (rc = get_ms(l, o, p, "rtt_ms", &x->rtt_ms)) ||
	    (rc = dd_evj_get_bool(l, o, p, "shared", DD_EVJ_OPT, 0, &x->shared)))
		return rc;
	if ((rc = get_enum(l, o, p, "result", DD_EVJ_REQ, result_of, DD_EV_RESULT_COUNT, 0,
			   &e)) != 0)
		return rc;
	x->result = (enum dd_ev_result)e;
	if ((rc = dd_evj_get_rcode(l, o, p, "rcode", &x->rcode)) ||
	    (rc = ld_flags(l, o, p, &x->flags)))
		return rc;
	if ((rc = get_int(l, o, p, "size", DD_EVJ_OPT, 0, 65535, &v)) != 0)
		return rc;
	x->size = (long)v;
	if ((rc = ld_edns(l, o, p, "reply_edns", &x->reply_edns)) ||
	    (rc = dd_evj_get_strlist(l, o, p, "answer", &x->answer)) ||
	    (rc = dd_evj_get_strlist(l, o, p, "authority", &x->authority)) ||
	    (rc = dd_evj_get_strlist(l, o, p, "additional", &x->additional)) ||
	    (rc = dd_evj_get_str(l, o, p, "detail", DD_EVJ_OPT, &x->detail)))
		return rc;
	return 0;
}

static int ld_exchanges(struct dd_evj_ld *l, const json_t *doc, struct dd_evidence *ev)
{
	json_t *arr, *o;
	size_t i;
	int rc = dd_evj_get_array(l, doc, "", "exchanges", DD_EVJ_OPT, DD_EV_MAX_EXCHANGES, &arr);

	if (rc || !arr)
		return rc;
	json_array_foreach(arr, i, o) {
		char p[DD_EVJ_PATH_LEN];
		int idx = dd_ev_add_exchange(ev);
		if (idx < 0)
			return dd_evj_fail(l, idx, "exchanges", NULL, "%s", dd_strerror(idx));
		dd_evj_sub(p, "", "exchanges", (long)i);
		if ((rc = ld_exchange(l, o, p, i, &ev->exchanges[idx])) != 0)
			return rc;
	}
	l->nexchanges = ev->nexchanges;
	return 0;
}

static int ld_chain(struct dd_evj_ld *l, const json_t *doc, struct dd_evidence *ev)
{
	json_t *arr, *step;
	size_t i;
	int rc = dd_evj_get_array(l, doc, "", "chain", DD_EVJ_OPT, DD_EV_MAX_ITEMS, &arr);

	if (rc || !arr)
		return rc;
	json_array_foreach(arr, i, step) {
		char p[DD_EVJ_PATH_LEN];
		json_t *servers, *o;
		size_t j;
		char *zone = NULL;
		int si;

		dd_evj_sub(p, "", "chain", (long)i);
		if ((rc = dd_evj_want_object(l, step, p)) ||
		    (rc = dd_evj_get_str(l, step, p, "zone", DD_EVJ_REQ, &zone)))
			return rc;
		si = dd_ev_add_step(ev, zone);
		free(zone);
		if (si < 0)
			return dd_evj_fail(l, si, p, NULL, "%s", dd_strerror(si));
		if ((rc = dd_evj_get_array(l, step, p, "servers", DD_EVJ_OPT, DD_EV_MAX_ITEMS,
					   &servers)) ||
		    !servers) {
			if (rc)
				return rc;
			continue;
		}
		json_array_foreach(servers, j, o) {
			char q[DD_EVJ_PATH_LEN];
			struct dd_ev_step_server *v;
			int k, e;
			dd_evj_sub(q, p, "servers", (long)j);
			if ((rc = dd_evj_want_object(l, o, q)) != 0)
				return rc;
			k = dd_ev_add_step_server(ev, (size_t)si, NULL, NULL);
			if (k < 0)
				return dd_evj_fail(l, k, q, NULL, "%s", dd_strerror(k));
			v = &ev->chain[si].servers[k];
			if ((rc = dd_evj_get_str(l, o, q, "name", DD_EVJ_REQ, &v->name)) ||
			    (rc = dd_evj_get_str(l, o, q, "address", DD_EVJ_OPT, &v->address)) ||
			    (rc = get_enum(l, o, q, "protocol", DD_EVJ_OPT, proto_of, 2, 0, &e)) ||
			    (rc = ld_response(l, o, q, &v->r)) ||
			    (rc = dd_evj_get_str(l, o, q, "referral", DD_EVJ_OPT, &v->referral)))
				return rc;
			v->protocol = (enum dd_ev_proto)e;
		}
	}
	return 0;
}

static int ld_glue(struct dd_evj_ld *l, const json_t *del, const char *path, struct dd_evidence *ev,
		   size_t ps)
{
	json_t *arr, *o;
	size_t i;
	int rc = dd_evj_get_array(l, del, path, "glue", DD_EVJ_OPT, DD_EV_MAX_ITEMS, &arr);

	if (rc || !arr)
		return rc;
	json_array_foreach(arr, i, o) {
		char p[DD_EVJ_PATH_LEN];
		struct dd_ev_glue *g;
		int k;
		dd_evj_sub(p, path, "glue", (long)i);
		if ((rc = dd_evj_want_object(l, o, p)) != 0)
			return rc;
		k = dd_ev_add_glue(ev, ps, NULL, NULL, -1);
		if (k < 0)
			return dd_evj_fail(l, k, p, NULL, "%s", dd_strerror(k));
		g = &ev->parent.servers[ps].delegation.glue[k];
		if ((rc = dd_evj_get_str(l, o, p, "name", DD_EVJ_REQ, &g->name)) ||
		    (rc = dd_evj_get_str(l, o, p, "address", DD_EVJ_REQ, &g->address)) ||
		    (rc = get_int(l, o, p, "ttl", DD_EVJ_OPT, 0, UINT32_MAX, &g->ttl)))
			return rc;
	}
	return 0;
}

static int ld_parent_server(struct dd_evj_ld *l, const json_t *o, const char *p,
			    struct dd_evidence *ev)
{
	char q[DD_EVJ_PATH_LEN];
	struct dd_ev_parent_server *v;
	json_t *j;
	int rc, k = dd_ev_add_parent_server(ev, NULL, NULL);

	if (k < 0)
		return dd_evj_fail(l, k, p, NULL, "%s", dd_strerror(k));
	v = &ev->parent.servers[k];
	if ((rc = dd_evj_want_object(l, o, p)) ||
	    (rc = dd_evj_get_str(l, o, p, "name", DD_EVJ_REQ, &v->name)) ||
	    /* null: a parent NS name without a usable address (NO_ADDRESSES) */
	    (rc = dd_evj_get_str(l, o, p, "address", DD_EVJ_OPT, &v->address)))
		return rc;
	if ((rc = ld_sub_response(l, o, p, "delegation", &v->delegation.r, &j, q)) != 0)
		return rc;
	if (j &&
	    ((rc = dd_evj_get_strlist(l, j, q, "ns", &v->delegation.ns)) ||
	     (rc = get_int(l, j, q, "ns_ttl", DD_EVJ_OPT, 0, UINT32_MAX, &v->delegation.ns_ttl)) ||
	     (rc = ld_glue(l, j, q, ev, (size_t)k))))
		return rc;
	if ((rc = ld_sub_response(l, o, p, "ds", &v->ds.r, &j, q)) != 0)
		return rc;
	if (j && ((rc = dd_evj_get_strlist(l, j, q, "records", &v->ds.records)) ||
		  (rc = get_int(l, j, q, "ttl", DD_EVJ_OPT, 0, UINT32_MAX, &v->ds.ttl))))
		return rc;
	return 0;
}

static int ld_parent(struct dd_evj_ld *l, const json_t *doc, struct dd_evidence *ev)
{
	json_t *par, *err, *arr, *o;
	size_t i;
	int rc = dd_evj_member(l, doc, "", "parent", DD_EVJ_REQ, &par);

	if (rc || (rc = dd_evj_want_object(l, par, "parent")))
		return rc;
	if ((rc = dd_evj_get_str(l, par, "parent", "zone", DD_EVJ_OPT, &ev->parent.zone)) ||
	    (rc = dd_evj_member(l, par, "parent", "error", DD_EVJ_OPT, &err)))
		return rc;
	if (err && ((rc = dd_evj_want_object(l, err, "parent.error")) ||
		    (rc = dd_evj_get_str(l, err, "parent.error", "code", DD_EVJ_REQ,
					 &ev->parent.error_code)) ||
		    (rc = dd_evj_get_str(l, err, "parent.error", "message", DD_EVJ_OPT,
					 &ev->parent.error_message))))
		return rc;
	rc = dd_evj_get_array(l, par, "parent", "servers", DD_EVJ_OPT, DD_EV_MAX_ITEMS, &arr);
	if (rc || !arr)
		return rc;
	json_array_foreach(arr, i, o) {
		char p[DD_EVJ_PATH_LEN];
		dd_evj_sub(p, "parent", "servers", (long)i);
		if ((rc = ld_parent_server(l, o, p, ev)) != 0)
			return rc;
	}
	return 0;
}

static int ld_resolution(struct dd_evj_ld *l, const json_t *o, const char *path,
			 struct dd_ev_resolution *r)
{
	char p[DD_EVJ_PATH_LEN];
	json_t *j;
	int rc = dd_evj_member(l, o, path, "resolution", DD_EVJ_OPT, &j), st;

	if (rc || !j)
		return rc;
	dd_evj_sub(p, path, "resolution", -1);
	if ((rc = dd_evj_want_object(l, j, p)) ||
	    (rc = get_enum(l, j, p, "state", DD_EVJ_REQ, rstate_of, DD_EV_RSTATE_COUNT, 0, &st)) ||
	    (rc = dd_evj_get_strlist(l, j, p, "a", &r->a)) ||
	    (rc = dd_evj_get_strlist(l, j, p, "aaaa", &r->aaaa)) ||
	    (rc = get_int(l, j, p, "ttl", DD_EVJ_OPT, 0, UINT32_MAX, &r->ttl)) ||
	    (rc = dd_evj_get_str(l, j, p, "cname", DD_EVJ_OPT, &r->cname)) ||
	    (rc = dd_evj_get_str(l, j, p, "message", DD_EVJ_OPT, &r->message)))
		return rc;
	r->state = (enum dd_ev_rstate)st;
	return 0;
}

static int ld_ns_server(struct dd_evj_ld *l, const json_t *o, const char *p,
			struct dd_ev_ns_server *v)
{
	char q[DD_EVJ_PATH_LEN];
	json_t *j;
	int64_t ver;
	int rc;

	if ((rc = ld_sub_response(l, o, p, "soa_udp", &v->soa_udp.r, &j, q)) ||
	    (j &&
	     (rc = get_int(l, j, q, "serial", DD_EVJ_OPT, 0, UINT32_MAX, &v->soa_udp.serial))) ||
	    (rc = ld_sub_response(l, o, p, "soa_tcp", &v->soa_tcp.r, &j, q)) ||
	    (j &&
	     (rc = get_int(l, j, q, "serial", DD_EVJ_OPT, 0, UINT32_MAX, &v->soa_tcp.serial))) ||
	    (rc = ld_sub_response(l, o, p, "ns_udp", &v->ns_udp.r, &j, q)) ||
	    (j && (rc = dd_evj_get_strlist(l, j, q, "ns", &v->ns_udp.ns))) ||
	    (j && (rc = get_int(l, j, q, "ttl", DD_EVJ_OPT, 0, UINT32_MAX, &v->ns_udp.ttl))) ||
	    (rc = ld_sub_response(l, o, p, "edns", &v->edns.r, &j, q)))
		return rc;
	if (j && (rc = get_int(l, j, q, "edns_version", DD_EVJ_OPT, 0, 255, &ver)) != 0)
		return rc;
	v->edns.edns_version = j ? (int)ver : -1;
	return 0;
}

static int ld_nameserver(struct dd_evj_ld *l, const json_t *o, const char *p,
			 struct dd_evidence *ev)
{
	struct dd_ev_nameserver *ns;
	json_t *arr, *so;
	char *name = NULL;
	size_t j;
	int rc, k;

	if ((rc = dd_evj_want_object(l, o, p)) ||
	    (rc = dd_evj_get_str(l, o, p, "name", DD_EVJ_REQ, &name)))
		return rc;
	if (dd_ev_find_nameserver(ev, name) >= 0) {
		rc = dd_evj_fail(l, DD_EPARSE, p, "name", "\"%.60s\" is listed twice", name);
		free(name);
		return rc;
	}
	k = dd_ev_add_nameserver(ev, name);
	free(name);
	if (k < 0)
		return dd_evj_fail(l, k, p, NULL, "%s", dd_strerror(k));
	ns = &ev->nameservers[k];
	if ((rc = dd_evj_get_bool(l, o, p, "in_parent", DD_EVJ_OPT, 0, &ns->in_parent)) ||
	    (rc = dd_evj_get_bool(l, o, p, "in_child", DD_EVJ_OPT, 0, &ns->in_child)) ||
	    (rc = dd_evj_get_bool(l, o, p, "in_bailiwick", DD_EVJ_OPT, 0, &ns->in_bailiwick)) ||
	    (rc = dd_evj_get_strlist(l, o, p, "glue", &ns->glue)) ||
	    (rc = ld_resolution(l, o, p, &ns->resolution)) ||
	    (rc = dd_evj_get_array(l, o, p, "servers", DD_EVJ_OPT, DD_EV_MAX_ITEMS, &arr)) || !arr)
		return rc;
	json_array_foreach(arr, j, so) {
		char q[DD_EVJ_PATH_LEN];
		char *addr = NULL;
		int si;
		dd_evj_sub(q, p, "servers", (long)j);
		if ((rc = dd_evj_want_object(l, so, q)) ||
		    (rc = dd_evj_get_str(l, so, q, "address", DD_EVJ_REQ, &addr)))
			return rc;
		si = (int)ns->nservers;
		rc = dd_ev_add_ns_server(ev, (size_t)k, addr);
		free(addr);
		if (rc >= 0 && rc != si)
			return dd_evj_fail(l, DD_EPARSE, q, "address",
					   "listed twice for this name");
		if (rc < 0)
			return dd_evj_fail(l, rc, q, NULL, "%s", dd_strerror(rc));
		if ((rc = ld_ns_server(l, so, q, &ns->servers[si])) != 0)
			return rc;
	}
	return 0;
}

static int ld_nameservers(struct dd_evj_ld *l, const json_t *doc, struct dd_evidence *ev)
{
	json_t *arr, *o;
	size_t i;
	int rc = dd_evj_get_array(l, doc, "", "nameservers", DD_EVJ_OPT, DD_EV_MAX_ITEMS, &arr);

	if (rc || !arr)
		return rc;
	json_array_foreach(arr, i, o) {
		char p[DD_EVJ_PATH_LEN];
		dd_evj_sub(p, "", "nameservers", (long)i);
		if ((rc = ld_nameserver(l, o, p, ev)) != 0)
			return rc;
	}
	return 0;
}

/* "host": a host name examined in the zone that holds it (the document's domain). */
static int ld_host(struct dd_evj_ld *l, const json_t *doc, struct dd_evidence *ev)
{
	struct dd_ev_host *h = &ev->host;
	json_t *o, *cut, *x;
	size_t i;
	int rc = dd_evj_member(l, doc, "", "host", DD_EVJ_OPT, &o);

	if (rc || !o || json_is_null(o))
		return rc;
	h->present = 1;
	h->resolution.ttl = -1;
	if ((rc = dd_evj_want_object(l, o, "host")) ||
	    (rc = dd_evj_get_str(l, o, "host", "name", DD_EVJ_REQ, &h->name)) ||
	    (rc = dd_evj_get_str(l, o, "host", "zone", DD_EVJ_REQ, &h->zone)) ||
	    (rc = ld_resolution(l, o, "host", &h->resolution)) ||
	    (rc = dd_evj_get_array(l, o, "host", "cut", DD_EVJ_OPT, DD_EV_MAX_ITEMS, &cut)))
		return rc;
	if (strcasecmp(h->zone, ev->domain) != 0)
		return dd_evj_fail(l, DD_EPARSE, "host", "zone", "is not the document's domain");
	json_array_foreach(cut, i, x) {
		json_int_t v = json_is_integer(x) ? json_integer_value(x) : -1;
		if (v < 0 || (size_t)v >= l->nexchanges)
			return dd_evj_fail(l, DD_EPARSE, "host", "cut",
					   "entry %zu is not the id of an exchange", i);
		if ((rc = dd_ev_host_add_cut(ev, (int)v)) != 0)
			return dd_evj_fail(l, rc, "host", "cut", "%s", dd_strerror(rc));
	}
	return 0;
}

static int ld_options(struct dd_evj_ld *l, const json_t *doc, struct dd_evidence *ev)
{
	json_t *o;
	int64_t v;
	int rc = dd_evj_member(l, doc, "", "options", DD_EVJ_OPT, &o);

	if (rc || !o)
		return rc;
	if ((rc = dd_evj_want_object(l, o, "options")) ||
	    (rc = dd_evj_get_bool(l, o, "options", "ipv4", DD_EVJ_OPT, 1, &ev->options.ipv4)) ||
	    (rc = dd_evj_get_bool(l, o, "options", "ipv6", DD_EVJ_OPT, 1, &ev->options.ipv6)))
		return rc;
	if ((rc = get_int(l, o, "options", "timeout_ms", DD_EVJ_OPT, 1, 3600000, &v)) != 0)
		return rc;
	if (v > 0)
		ev->options.timeout_ms = (unsigned)v;
	if ((rc = get_int(l, o, "options", "retries", DD_EVJ_OPT, 0, 100, &v)) != 0)
		return rc;
	if (v >= 0)
		ev->options.retries = (unsigned)v;
	return 0;
}

static int ld_document(struct dd_evj_ld *l, const json_t *doc, struct dd_evidence **out)
{
	struct dd_evidence *ev;
	char *s = NULL;
	int64_t t;
	int rc;

	if ((rc = dd_evj_want_object(l, doc, "document")) ||
	    (rc = dd_evj_get_str(l, doc, "", "schema", DD_EVJ_REQ, &s)))
		return rc;
	if (strcmp(s, DD_EV_SCHEMA) != 0) {
		rc = dd_evj_fail(l, DD_EPARSE, "", "schema", "\"%.40s\" is not %s", s,
				 DD_EV_SCHEMA);
		free(s);
		return rc;
	}
	free(s);
	s = NULL;
	if ((rc = dd_evj_get_str(l, doc, "", "time", DD_EVJ_REQ, &s)) != 0)
		return rc;
	rc = dd_clock_parse(s, &t);
	free(s);
	s = NULL;
	if (rc != 0)
		return dd_evj_fail(l, DD_EPARSE, "", "time", "not an RFC 3339 time");
	if ((rc = dd_evj_get_str(l, doc, "", "domain", DD_EVJ_REQ, &s)) != 0)
		return rc;
	ev = dd_ev_new(s, t);
	free(s);
	if (!ev)
		return dd_evj_fail(l, DD_ENOMEM, "", NULL, "out of memory");
	if ((rc = dd_evj_get_str(l, doc, "", "tool", DD_EVJ_OPT, &ev->tool)) ||
	    (rc = ld_options(l, doc, ev)) || (rc = ld_exchanges(l, doc, ev)) ||
	    (rc = ld_chain(l, doc, ev)) || (rc = ld_parent(l, doc, ev)) ||
	    (rc = ld_nameservers(l, doc, ev)) ||
	    (rc = dd_ev_deps_load(doc, ev, l->err, l->errlen)) ||
	    (rc = dd_ev_sec_load(json_object_get(doc, "dnssec"), &ev->dnssec, l)) ||
	    (rc = dd_ev_reg_load(doc, ev, l->err, l->errlen)) || (rc = ld_host(l, doc, ev))) {
		dd_ev_free(ev);
		return rc;
	}
	*out = ev;
	return 0;
}

int dd_ev_load_json(const char *text, size_t len, struct dd_evidence **out, char *err,
		    size_t errlen)
{
	struct dd_evj_ld l = { err, errlen, 0 };
	json_error_t je;
	json_t *doc;
	int rc;

	*out = NULL;
	if (errlen)
		err[0] = '\0';
	if (len > DD_EV_MAX_DOC)
		return dd_evj_fail(&l, DD_ELIMIT, "document", NULL, "larger than %u bytes",
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
