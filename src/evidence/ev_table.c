/* ev_table.c: the engine behind the evidence's field tables (ev_table.h):
 * one loop over a record's fields saves it, loads and validates it (the
 * document is untrusted: types, bounds, enum values; the first problem is
 * reported with its place), and frees it. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "core/env.h"
#include "core/err.h"
#include "core/json.h"
#include "evidence/ev_int.h"
#include "evidence/ev_json_int.h"
#include "evidence/ev_table.h"
#include "evidence/evidence.h"

#define AT(rec, off, type) ((type *)((char *)(rec) + (off)))
#define CAT(rec, off, type) ((const type *)((const char *)(rec) + (off)))

/* ---------------------------------------------------------------- saving */

static json_t *save_list(struct dd_json *s, const struct dd_evt_field *f, const void *rec)
{
	const char *arr = *CAT(rec, f->off, char *const);
	size_t n = *CAT(rec, f->n_off, size_t);
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++)
		dd_json_append(s, a, dd_evt_save(s, f->sub, arr + i * f->sub->size));
	return a;
}

static json_t *save_field(struct dd_json *s, const struct dd_evt_field *f, const void *rec)
{
	char when[32];
	int64_t v;

	switch (f->kind) {
	case DD_EVT_STR:
	case DD_EVT_WORD: return dd_json_str(s, *CAT(rec, f->off, char *const));
	case DD_EVT_INT:
	case DD_EVT_I64:
		v = f->kind == DD_EVT_INT ? *CAT(rec, f->off, int) : *CAT(rec, f->off, int64_t);
		return (f->flags & DD_EVT_NULLNEG) ? dd_json_int_or_null(v) : json_integer(v);
	case DD_EVT_BOOL: return json_boolean(*CAT(rec, f->off, int));
	case DD_EVT_TRI: return dd_json_tri(*CAT(rec, f->off, int));
	case DD_EVT_ENUM: return dd_json_str(s, f->name_of(*CAT(rec, f->off, int)));
	case DD_EVT_TIME:
		v = *CAT(rec, f->off, int64_t);
		if (v < 0)
			return json_null();
		dd_clock_format(v, when, sizeof(when));
		return json_string(when);
	case DD_EVT_STRLIST: return dd_evj_list(s, CAT(rec, f->off, struct dd_ev_strlist));
	case DD_EVT_LIST: return save_list(s, f, rec);
	}
	return NULL;
}

json_t *dd_evt_save(struct dd_json *s, const struct dd_evt_table *t, const void *rec)
{
	json_t *o = json_object();

	if (!o) {
		s->failed = 1;
		return NULL;
	}
	for (size_t i = 0; i < t->nfields; i++) {
		const struct dd_evt_field *f = &t->fields[i];
		if ((f->flags & DD_EVT_TRUEONLY) && !*CAT(rec, f->off, int))
			continue;
		dd_json_put(s, o, f->key, save_field(s, f, rec));
	}
	return o;
}

/* --------------------------------------------------------------- loading */

static int load_int(struct dd_evj_ld *l, const struct dd_evt_field *f, const json_t *j,
		    const char *path, void *rec)
{
	json_int_t v = f->dflt;

	if (j && !json_is_integer(j))
		return dd_evj_fail(l, DD_EPARSE, path, f->key, "expected an integer, found %s",
				   dd_evj_type_name(j));
	if (j) {
		v = json_integer_value(j);
		if (v < f->min || v > f->max)
			return dd_evj_fail(l, DD_EPARSE, path, f->key,
					   "%lld is out of range [%lld, %lld]", (long long)v,
					   (long long)f->min, (long long)f->max);
	}
	if (f->kind == DD_EVT_INT)
		*AT(rec, f->off, int) = (int)v;
	else
		*AT(rec, f->off, int64_t) = v;
	return 0;
}

static int load_bool(struct dd_evj_ld *l, const struct dd_evt_field *f, const json_t *j,
		     const char *path, void *rec)
{
	*AT(rec, f->off, int) = (int)f->dflt;
	if (!j)
		return 0;
	if (!json_is_boolean(j))
		return dd_evj_fail(l, DD_EPARSE, path, f->key, "expected a boolean, found %s",
				   dd_evj_type_name(j));
	*AT(rec, f->off, int) = json_is_true(j);
	return 0;
}

/* A string member; NULL in *out when absent. */
static int string_of(struct dd_evj_ld *l, const struct dd_evt_field *f, const json_t *j,
		     const char *path, const char **out)
{
	*out = NULL;
	if (!j)
		return 0;
	if (!json_is_string(j))
		return dd_evj_fail(l, DD_EPARSE, path, f->key, "expected a string, found %s",
				   dd_evj_type_name(j));
	if (json_string_length(j) > DD_EV_MAX_STR)
		return dd_evj_fail(l, DD_ELIMIT, path, f->key, "string longer than %d bytes",
				   DD_EV_MAX_STR);
	*out = json_string_value(j);
	return 0;
}

static int load_named(struct dd_evj_ld *l, const struct dd_evt_field *f, const json_t *j,
		      const char *path, void *rec)
{
	const char *s;
	int rc = string_of(l, f, j, path, &s), i;

	if (rc || !s)
		return rc;
	if (f->kind == DD_EVT_STR) {
		if (dd_ev_set_str(AT(rec, f->off, char *), s) != 0)
			return dd_evj_fail(l, DD_ENOMEM, path, f->key, "out of memory");
		return 0;
	}
	if (f->kind == DD_EVT_TIME) {
		if (dd_clock_parse(s, AT(rec, f->off, int64_t)) != 0)
			return dd_evj_fail(l, DD_EPARSE, path, f->key, "not an RFC 3339 time");
		return 0;
	}
	for (i = 0; f->kind == DD_EVT_WORD && f->words[i]; i++)
		if (strcmp(s, f->words[i]) == 0)
			return dd_ev_set_str(AT(rec, f->off, char *), s) != 0
				       ? dd_evj_fail(l, DD_ENOMEM, path, f->key, "out of memory")
				       : 0;
	for (i = 0; f->kind == DD_EVT_ENUM && i < f->max; i++)
		if (strcmp(s, f->name_of(i)) == 0) {
			*AT(rec, f->off, int) = i;
			return 0;
		}
	return dd_evj_fail(l, DD_EPARSE, path, f->key, "unknown value \"%.40s\"", s);
}

static int load_array(struct dd_evj_ld *l, const struct dd_evt_field *f, const json_t *j,
		      const char *path)
{
	if (!json_is_array(j))
		return dd_evj_fail(l, DD_EPARSE, path, f->key, "expected an array, found %s",
				   dd_evj_type_name(j));
	if (json_array_size(j) > (size_t)f->max)
		return dd_evj_fail(l, DD_ELIMIT, path, f->key, "more than %lld entries",
				   (long long)f->max);
	return 0;
}

static int load_strlist(struct dd_evj_ld *l, const struct dd_evt_field *f, const json_t *j,
			const char *path, void *rec)
{
	json_t *v;
	size_t i;
	int rc = load_array(l, f, j, path);

	json_array_foreach(j, i, v) {
		char p[DD_EVJ_PATH_LEN];
		if (rc)
			return rc;
		dd_evj_sub(p, path, f->key, (long)i);
		if (!json_is_string(v))
			return dd_evj_fail(l, DD_EPARSE, p, NULL, "expected a string, found %s",
					   dd_evj_type_name(v));
		if (json_string_length(v) > DD_EV_MAX_STR)
			return dd_evj_fail(l, DD_ELIMIT, p, NULL, "string too long");
		rc = dd_ev_strlist_add(AT(rec, f->off, struct dd_ev_strlist), json_string_value(v));
		if (rc > 0)
			rc = 0;
		else if (rc < 0)
			return dd_evj_fail(l, rc, p, NULL, "%s", dd_strerror(rc));
	}
	return rc;
}

/* The value of key field k of entry e, or NULL. */
static const char *key_of(const struct dd_evt_table *t, int k, const void *e)
{
	return k < 0 ? NULL : *CAT(e, t->fields[k].off, char *const);
}

/* The entry of the list whose keys are those of o, found or made: its
 * index in *at, or a negative enum dd_err. */
static int entry_for(struct dd_evj_ld *l, const struct dd_evt_field *f, const json_t *o,
		     const char *path, void *rec, size_t *at)
{
	const struct dd_evt_table *t = f->sub;
	char **arr = AT(rec, f->off, char *);
	size_t *n = AT(rec, f->n_off, size_t);
	const char *k[2] = { NULL, NULL };
	int idx[2] = { t->key, t->key2 }, rc;

	for (int m = 0; m < 2 && idx[m] >= 0; m++) {
		const struct dd_evt_field *kf = &t->fields[idx[m]];
		json_t *j;
		if ((rc = dd_evj_member(l, o, path, kf->key, DD_EVJ_REQ, &j)) ||
		    (rc = string_of(l, kf, j, path, &k[m])))
			return rc;
	}
	for (size_t i = 0; k[0] && i < *n; i++) {
		const void *e = *arr + i * t->size;
		if (strcasecmp(key_of(t, t->key, e), k[0]) == 0 &&
		    (!k[1] || strcasecmp(key_of(t, t->key2, e), k[1]) == 0)) {
			*at = i;
			return 0;
		}
	}
	if ((rc = dd_ev_grow((void **)arr, *n, AT(rec, f->cap_off, size_t), t->size,
			     (size_t)f->max)) != 0)
		return dd_evj_fail(l, rc, path, NULL, "%s", dd_strerror(rc));
	*at = (*n)++;
	dd_evt_init(t, *arr + *at * t->size);
	for (int m = 0; m < 2 && k[m]; m++)
		if (dd_ev_set_str(AT(*arr + *at * t->size, t->fields[idx[m]].off, char *), k[m]))
			return dd_evj_fail(l, DD_ENOMEM, path, NULL, "out of memory");
	return 0;
}

static int load_list(struct dd_evj_ld *l, const struct dd_evt_field *f, const json_t *j,
		     const char *path, void *rec)
{
	json_t *o;
	size_t i, at = 0;
	int rc = load_array(l, f, j, path);

	json_array_foreach(j, i, o) {
		char p[DD_EVJ_PATH_LEN];
		if (rc)
			return rc;
		dd_evj_sub(p, path, f->key, (long)i);
		if ((rc = dd_evj_want_object(l, o, p)) || (rc = entry_for(l, f, o, p, rec, &at)))
			return rc;
		rc = dd_evt_load(l, f->sub, o, p, *AT(rec, f->off, char *) + at * f->sub->size);
	}
	return rc;
}

static int load_field(struct dd_evj_ld *l, const struct dd_evt_field *f, const json_t *j,
		      const char *path, void *rec)
{
	switch (f->kind) {
	case DD_EVT_INT:
	case DD_EVT_I64: return load_int(l, f, j, path, rec);
	case DD_EVT_BOOL:
	case DD_EVT_TRI: return load_bool(l, f, j, path, rec);
	case DD_EVT_ENUM:
		if (!j)
			*AT(rec, f->off, int) = (int)f->dflt;
		return load_named(l, f, j, path, rec);
	case DD_EVT_STR:
	case DD_EVT_WORD:
	case DD_EVT_TIME: return load_named(l, f, j, path, rec);
	case DD_EVT_STRLIST: return j ? load_strlist(l, f, j, path, rec) : 0;
	case DD_EVT_LIST: return j ? load_list(l, f, j, path, rec) : 0;
	}
	return 0;
}

int dd_evt_load(struct dd_evj_ld *l, const struct dd_evt_table *t, const json_t *o,
		const char *path, void *rec)
{
	for (size_t i = 0; i < t->nfields; i++) {
		const struct dd_evt_field *f = &t->fields[i];
		json_t *j;
		int rc;
		if ((int)i == t->key || (int)i == t->key2)
			continue;
		if ((rc = dd_evj_member(l, o, path, f->key, f->flags & DD_EVT_REQ, &j)) ||
		    (rc = load_field(l, f, j, path, rec)))
			return rc;
	}
	return 0;
}

/* ------------------------------------------------------------------ docs */

static void md_type(struct dd_buf *b, const struct dd_evt_field *f)
{
	const char *null = f->flags & DD_EVT_REQ ? "" : "/null";

	switch (f->kind) {
	case DD_EVT_STR: dd_buf_printf(b, "string%s", null); break;
	case DD_EVT_INT:
	case DD_EVT_I64:
		dd_buf_printf(b, "int %lld..%lld%s", (long long)f->min, (long long)f->max,
			      f->flags & DD_EVT_NULLNEG ? "/null" : "");
		break;
	case DD_EVT_BOOL: dd_buf_puts(b, "bool"); break;
	case DD_EVT_TRI: dd_buf_puts(b, "bool/null"); break;
	case DD_EVT_ENUM:
		for (int i = 0; i < f->max; i++)
			dd_buf_printf(b, "%s`%s`", i ? ", " : "", f->name_of(i));
		break;
	case DD_EVT_WORD:
		for (int i = 0; f->words[i]; i++)
			dd_buf_printf(b, "%s`%s`", i ? ", " : "", f->words[i]);
		break;
	case DD_EVT_TIME: dd_buf_printf(b, "RFC 3339 time%s", null); break;
	case DD_EVT_STRLIST: dd_buf_printf(b, "array of string (at most %lld)", (long long)f->max); break;
	case DD_EVT_LIST:
		dd_buf_printf(b, "array of %s (at most %lld)", f->sub->name, (long long)f->max);
		break;
	}
}

static void md_default(struct dd_buf *b, const struct dd_evt_field *f)
{
	if (f->flags & DD_EVT_REQ)
		return;
	if (f->kind == DD_EVT_INT || f->kind == DD_EVT_I64)
		dd_buf_printf(b, f->dflt < 0 ? " (absent: null)" : " (absent: %lld)",
			      (long long)f->dflt);
	else if (f->kind == DD_EVT_BOOL)
		dd_buf_puts(b, f->dflt ? " (absent: true)" : " (absent: false)");
	else if (f->kind == DD_EVT_ENUM)
		dd_buf_printf(b, " (absent: `%s`)", f->name_of((int)f->dflt));
}

void dd_evt_markdown(struct dd_buf *b, const struct dd_evt_table *t)
{
	dd_buf_printf(b, "### %s\n\n| member | type | meaning |\n|---|---|---|\n", t->name);
	for (size_t i = 0; i < t->nfields; i++) {
		const struct dd_evt_field *f = &t->fields[i];
		dd_buf_printf(b, "| `%s`%s%s | ", f->key, f->flags & DD_EVT_REQ ? " **R**" : "",
			      (int)i == t->key || (int)i == t->key2 ? " (key)" : "");
		md_type(b, f);
		md_default(b, f);
		dd_buf_printf(b, " | %s |\n", f->doc ? f->doc : "");
	}
	dd_buf_puts(b, "\n");
	for (size_t i = 0; i < t->nfields; i++)
		if (t->fields[i].kind == DD_EVT_LIST)
			dd_evt_markdown(b, t->fields[i].sub);
}

/* -------------------------------------------------------- life cycle */

void dd_evt_init(const struct dd_evt_table *t, void *rec)
{
	memset(rec, 0, t->size);
	for (size_t i = 0; i < t->nfields; i++) {
		const struct dd_evt_field *f = &t->fields[i];
		if (f->kind == DD_EVT_I64 || f->kind == DD_EVT_TIME)
			*AT(rec, f->off, int64_t) = f->kind == DD_EVT_TIME ? -1 : f->dflt;
		else if (f->kind == DD_EVT_INT || f->kind == DD_EVT_BOOL ||
			 f->kind == DD_EVT_TRI || f->kind == DD_EVT_ENUM)
			*AT(rec, f->off, int) = (int)f->dflt;
	}
}

void dd_evt_free(const struct dd_evt_table *t, void *rec)
{
	for (size_t i = 0; i < t->nfields; i++) {
		const struct dd_evt_field *f = &t->fields[i];
		char *arr;
		switch (f->kind) {
		case DD_EVT_STR:
		case DD_EVT_WORD: free(*AT(rec, f->off, char *)); break;
		case DD_EVT_STRLIST: dd_ev_strlist_free(AT(rec, f->off, struct dd_ev_strlist)); break;
		case DD_EVT_LIST:
			arr = *AT(rec, f->off, char *);
			for (size_t k = 0; k < *AT(rec, f->n_off, size_t); k++)
				dd_evt_free(f->sub, arr + k * f->sub->size);
			free(arr);
			break;
		default: break;
		}
	}
	memset(rec, 0, t->size);
}
