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
#include "core/jtree.h"
#include "evidence/ev_int.h"
#include "evidence/ev_json_int.h"
#include "evidence/ev_table.h"
#include "evidence/evidence.h"

#define AT(rec, off, type) ((type *)((char *)(rec) + (off)))
#define CAT(rec, off, type) ((const type *)((const char *)(rec) + (off)))

/* ---------------------------------------------------------------- saving */

static struct dd_jt_node *save_list(struct dd_jt *s, const struct dd_evt_field *f, const void *rec)
{
	const char *arr = *CAT(rec, f->off, char *const);
	size_t n = *CAT(rec, f->n_off, size_t);
	struct dd_jt_node *a = dd_jt_array(s);

	for (size_t i = 0; a && i < n; i++)
		dd_jt_append(s, a, dd_evt_save(s, f->sub, arr + i * f->sub->size));
	return a;
}

static struct dd_jt_node *save_flags(struct dd_jt *s, const struct dd_evt_field *f, const void *rec)
{
	unsigned v = *CAT(rec, f->off, unsigned);
	struct dd_jt_node *a = dd_jt_array(s);

	for (size_t i = 0; a && f->words[i]; i++)
		if (v & (1u << i))
			dd_jt_append(s, a, dd_jt_str(s, f->words[i]));
	return a;
}

static struct dd_jt_node *save_xrefs(struct dd_jt *s, const struct dd_evt_field *f, const void *rec)
{
	const int *v = *CAT(rec, f->off, int *const);
	size_t n = *CAT(rec, f->n_off, size_t);
	struct dd_jt_node *a = dd_jt_array(s);

	for (size_t i = 0; a && i < n; i++)
		dd_jt_append(s, a, dd_jt_int(s, v[i]));
	return a;
}

/* A reply's three sections under the keys of f->words: the text kept, or
 * rendered from the reply's bytes while they are not read yet. */
static void save_sections(struct dd_jt *s, struct dd_jt_node *o, const struct dd_evt_field *f,
			  const void *rec)
{
	const uint8_t *wire = *CAT(rec, f->n_off, uint8_t *const);
	const struct dd_ev_strlist *l = CAT(rec, f->off, struct dd_ev_strlist);
	struct dd_ev_strlist r[3];

	if (wire)
		dd_ev_sections_render(wire, *CAT(rec, f->cap_off, size_t), r);
	for (int i = 0; i < 3; i++)
		dd_jt_put(s, o, f->words[i], dd_evj_list(s, wire ? &r[i] : &l[i]));
	for (int i = 0; wire && i < 3; i++)
		dd_ev_strlist_free(&r[i]);
}

/* Whether the record of an OBJECT field is set (see DD_EVT_NULLABLE). */
static int is_set(const struct dd_evt_field *f, const void *rec)
{
	const struct dd_evt_field *first = &f->sub->fields[0];
	const char *sub = CAT(rec, f->off, char);

	if (first->kind == DD_EVT_PRESENT)
		return *CAT(sub, first->off, int) != 0;
	return *CAT(sub, first->off, char *const) != NULL;
}

static struct dd_jt_node *save_field(struct dd_jt *s, const struct dd_evt_field *f, const void *rec)
{
	char when[32];
	int64_t v;

	switch (f->kind) {
	case DD_EVT_STR:
	case DD_EVT_WORD: return dd_jt_str(s, *CAT(rec, f->off, char *const));
	case DD_EVT_INT:
	case DD_EVT_I64:
		v = f->kind == DD_EVT_INT ? *CAT(rec, f->off, int) : *CAT(rec, f->off, int64_t);
		return (f->flags & DD_EVT_NULLNEG) && v < f->min ? dd_jt_null(s) : dd_jt_int(s, v);
	case DD_EVT_BOOL: return dd_jt_bool(s, *CAT(rec, f->off, int));
	case DD_EVT_TRI: return dd_jt_tri(s, *CAT(rec, f->off, int));
	case DD_EVT_ENUM: return dd_jt_str(s, f->name_of(*CAT(rec, f->off, int)));
	case DD_EVT_TIME:
		v = *CAT(rec, f->off, int64_t);
		if (v < 0)
			return dd_jt_null(s);
		dd_clock_format(v, when, sizeof(when));
		return dd_jt_str(s, when);
	case DD_EVT_STRLIST: return dd_evj_list(s, CAT(rec, f->off, struct dd_ev_strlist));
	case DD_EVT_LIST: return save_list(s, f, rec);
	case DD_EVT_OBJECT: return dd_evt_save(s, f->sub, CAT(rec, f->off, char));
	case DD_EVT_EMBED: return NULL; /* its members are put by dd_evt_save */
	case DD_EVT_RCODE: return dd_evj_rcode(s, *CAT(rec, f->off, int));
	case DD_EVT_MS: return dd_jt_ms(s, *CAT(rec, f->off, double));
	case DD_EVT_XREF: return dd_jt_int_or_null(s, *CAT(rec, f->off, int));
	case DD_EVT_ID: return dd_jt_int(s, *CAT(rec, f->off, int));
	case DD_EVT_FLAGS: return save_flags(s, f, rec);
	case DD_EVT_CONST: return dd_jt_str(s, f->words[0]);
	case DD_EVT_XREFS: return save_xrefs(s, f, rec);
	case DD_EVT_EXT: return f->ext->save(s, CAT(rec, f->off, char));
	case DD_EVT_PRESENT:
	case DD_EVT_SECTIONS: return NULL; /* see save_into */
	}
	return NULL;
}

void dd_evt_save_into(struct dd_jt *s, struct dd_jt_node *o, const struct dd_evt_table *t,
		      const void *rec)
{
	for (size_t i = 0; i < t->nfields; i++) {
		const struct dd_evt_field *f = &t->fields[i];
		if (((f->flags & DD_EVT_TRUEONLY) && !*CAT(rec, f->off, int)) ||
		    (f->flags & DD_EVT_LOADONLY))
			continue;
		if ((f->flags & DD_EVT_IFSET) &&
		    (f->kind == DD_EVT_OBJECT ? !is_set(f, rec) : !*CAT(rec, f->off, char *const)))
			continue;
		if (f->kind == DD_EVT_EMBED)
			dd_evt_save_into(s, o, f->sub, CAT(rec, f->off, char));
		else if (f->kind == DD_EVT_SECTIONS)
			save_sections(s, o, f, rec);
		else if (f->kind == DD_EVT_PRESENT)
			continue;
		else if ((f->flags & DD_EVT_NULLABLE) && !is_set(f, rec))
			dd_jt_put(s, o, f->key, dd_jt_null(s));
		else
			dd_jt_put(s, o, f->key, save_field(s, f, rec));
	}
}

struct dd_jt_node *dd_evt_save(struct dd_jt *s, const struct dd_evt_table *t, const void *rec)
{
	struct dd_jt_node *o = dd_jt_object(s);

	if (!o) {
		s->failed = 1;
		return NULL;
	}
	dd_evt_save_into(s, o, t, rec);
	return o;
}

/* --------------------------------------------------------------- loading */

static int load_int(struct dd_evj_ld *l, const struct dd_evt_field *f, const json_t *j,
		    const char *path, void *rec)
{
	json_int_t v = f->dflt;

	if (!j && (f->flags & DD_EVT_KEEP))
		return 0;
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
	if (f->kind != DD_EVT_I64)
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
	size_t max = f->kind == DD_EVT_STR && f->max > 0 ? (size_t)f->max : DD_EV_MAX_STR;

	*out = NULL;
	if (!j)
		return 0;
	if (!json_is_string(j))
		return dd_evj_fail(l, DD_EPARSE, path, f->key, "expected a string, found %s",
				   dd_evj_type_name(j));
	if (json_string_length(j) > max)
		return dd_evj_fail(l, DD_ELIMIT, path, f->key, "string longer than %zu bytes", max);
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
	if (f->kind == DD_EVT_CONST) {
		if (strcmp(s, f->words[0]) != 0)
			return dd_evj_fail(l, DD_EPARSE, path, f->key, "\"%.40s\" is not %s", s,
					   f->words[0]);
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
			return dd_evj_fail(l, DD_ELIMIT, p, NULL, "string longer than %d bytes",
					   DD_EV_MAX_STR);
		rc = dd_ev_strlist_add(AT(rec, f->off, struct dd_ev_strlist), json_string_value(v));
		if (rc > 0)
			rc = 0;
		else if (rc == DD_ELIMIT)
			return dd_evj_fail(l, rc, path, f->key, "more than %d entries", DD_EV_MAX_ITEMS);
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

/* Two keys are the same (case-insensitive); null matches only null. */
static int same(const char *a, const char *b)
{
	return a && b ? strcasecmp(a, b) == 0 : a == b;
}

/* The key strings of the entry o (k[1] NULL when absent and optional). */
static int keys_of(struct dd_evj_ld *l, const struct dd_evt_table *t, const json_t *o,
		   const char *path, const char *k[2])
{
	int idx[2] = { t->key, t->key2 }, rc;

	for (int m = 0; m < 2 && idx[m] >= 0; m++) {
		const struct dd_evt_field *kf = &t->fields[idx[m]];
		json_t *j;
		if ((rc = dd_evj_member(l, o, path, kf->key, kf->flags & DD_EVT_REQ, &j)) ||
		    (rc = string_of(l, kf, j, path, &k[m])))
			return rc;
	}
	return 0;
}

/* The entry of the list whose keys are those of o, found or made: its
 * index in *at, or a negative enum dd_err. */
static int entry_for(struct dd_evj_ld *l, const struct dd_evt_field *f, const json_t *o,
		     const char *path, void *rec, size_t *at)
{
	const struct dd_evt_table *t = f->sub;
	char **arr = AT(rec, f->off, char *), *e;
	size_t *n = AT(rec, f->n_off, size_t);
	const char *k[2] = { NULL, NULL };
	int idx[2] = { t->key, t->key2 }, rc;

	if ((rc = keys_of(l, t, o, path, k)) != 0)
		return rc;
	for (size_t i = 0; k[0] && i < *n; i++) {
		e = *arr + i * t->size;
		if (!same(key_of(t, t->key, e), k[0]) || !same(key_of(t, t->key2, e), k[1]))
			continue;
		if (t->dup)
			return dd_evj_fail(l, DD_EPARSE, path, t->fields[t->key].key,
					   "\"%.60s\" %s", k[0], t->dup);
		*at = i;
		return 0;
	}
	if ((rc = dd_ev_grow((void **)arr, *n, AT(rec, f->cap_off, size_t), t->size,
			     (size_t)f->max)) != 0)
		return rc == DD_ELIMIT ? dd_evj_fail(l, rc, path, NULL, "more than %lld entries",
						     (long long)f->max)
				       : dd_evj_fail(l, rc, path, NULL, "%s", dd_strerror(rc));
	*at = (*n)++;
	e = *arr + *at * t->size;
	dd_evt_init(t, e);
	for (int m = 0; m < 2 && idx[m] >= 0; m++)
		if (k[m] && dd_ev_set_str(AT(e, t->fields[idx[m]].off, char *), k[m]) != 0)
			return dd_evj_fail(l, DD_ENOMEM, path, NULL, "out of memory");
	return 0;
}

/* An ID field of the entry must equal its position. */
static int check_id(struct dd_evj_ld *l, const struct dd_evt_table *t, const char *path,
		    const void *e, size_t index)
{
	for (size_t i = 0; i < t->nfields; i++) {
		const struct dd_evt_field *f = &t->fields[i];
		if (f->kind == DD_EVT_ID && (size_t)*CAT(e, f->off, int) != index)
			return dd_evj_fail(l, DD_EPARSE, path, f->key,
					   "is %d, but must equal its position %zu",
					   *CAT(e, f->off, int), index);
	}
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
		if (!rc)
			rc = check_id(l, f->sub, p, *AT(rec, f->off, char *) + at * f->sub->size, i);
	}
	return rc;
}

/* An array of exchange ids, each below the document's count. */
static int load_xrefs(struct dd_evj_ld *l, const struct dd_evt_field *f, const json_t *j,
		      const char *path, void *rec)
{
	int **v = AT(rec, f->off, int *);
	size_t *n = AT(rec, f->n_off, size_t), i;
	json_t *x;
	int rc = load_array(l, f, j, path);

	json_array_foreach(j, i, x) {
		json_int_t id = json_is_integer(x) ? json_integer_value(x) : -1;
		if (rc)
			return rc;
		if (id < 0 || (size_t)id >= l->nexchanges)
			return dd_evj_fail(l, DD_EPARSE, path, f->key,
					   "entry %zu is not the id of an exchange", i);
		if ((rc = dd_ev_grow((void **)v, *n, AT(rec, f->cap_off, size_t), sizeof(int),
				     (size_t)f->max)) != 0)
			return dd_evj_fail(l, rc, path, f->key, "%s", dd_strerror(rc));
		(*v)[(*n)++] = (int)id;
	}
	return rc;
}

static int load_ext(struct dd_evj_ld *l, const struct dd_evt_field *f, const json_t *j,
		    const char *path, void *rec)
{
	char p[DD_EVJ_PATH_LEN];

	if (!j)
		return 0;
	dd_evj_sub(p, path, f->key, -1);
	return f->ext->load(l, p, j, AT(rec, f->off, char));
}

static int load_ms(struct dd_evj_ld *l, const struct dd_evt_field *f, const json_t *j,
		   const char *path, double *out)
{
	*out = -1;
	if (!j)
		return 0;
	if (!json_is_number(j))
		return dd_evj_fail(l, DD_EPARSE, path, f->key, "expected a number, found %s",
				   dd_evj_type_name(j));
	if (!(json_number_value(j) >= 0 && json_number_value(j) <= 86400000.0))
		return dd_evj_fail(l, DD_EPARSE, path, f->key, "%g ms is out of range",
				   json_number_value(j));
	*out = json_number_value(j);
	return 0;
}

static int load_xref(struct dd_evj_ld *l, const struct dd_evt_field *f, const json_t *j,
		     const char *path, int *out)
{
	json_int_t v;

	*out = -1;
	if (!j)
		return 0;
	if (!json_is_integer(j))
		return dd_evj_fail(l, DD_EPARSE, path, f->key, "expected an integer, found %s",
				   dd_evj_type_name(j));
	v = json_integer_value(j);
	if (v < 0 || v > DD_EV_MAX_EXCHANGES)
		return dd_evj_fail(l, DD_EPARSE, path, f->key, "%lld is out of range [0, %d]",
				   (long long)v, DD_EV_MAX_EXCHANGES);
	if ((size_t)v >= l->nexchanges)
		return dd_evj_fail(l, DD_EPARSE, path, f->key,
				   "refers to exchange %lld, but there are only %zu", (long long)v,
				   l->nexchanges);
	*out = (int)v;
	return 0;
}

static int load_rcode(struct dd_evj_ld *l, const struct dd_evt_field *f, const json_t *j,
		      const char *path, int *out)
{
	const char *s;
	int rc = string_of(l, f, j, path, &s);

	*out = -1;
	if (rc || !s)
		return rc;
	if (dd_ev_rcode_parse(s, out) != 0)
		return dd_evj_fail(l, DD_EPARSE, path, f->key, "unknown rcode \"%.40s\"", s);
	return 0;
}

static int load_flags(struct dd_evj_ld *l, const struct dd_evt_field *f, const json_t *j,
		      const char *path, unsigned *out)
{
	json_t *v;
	size_t i, w;
	int rc;

	*out = 0;
	if (!j)
		return 0;
	if ((rc = load_array(l, f, j, path)) != 0)
		return rc;
	json_array_foreach(j, i, v) {
		for (w = 0; f->words[w]; w++)
			if (json_is_string(v) && strcmp(json_string_value(v), f->words[w]) == 0)
				break;
		if (!f->words[w]) {
			char p[DD_EVJ_PATH_LEN], words[96] = "";
			size_t n = 0;
			for (w = 0; f->words[w] && n < sizeof(words); w++)
				n += (size_t)snprintf(words + n, sizeof(words) - n, " %s",
						      f->words[w]);
			dd_evj_sub(p, path, f->key, (long)i);
			return dd_evj_fail(l, DD_EPARSE, p, NULL, "not one of (%s)", words + 1);
		}
		*out |= 1u << w;
	}
	return 0;
}

/* The three sections, each under its key of f->words. */
static int load_sections(struct dd_evj_ld *l, const struct dd_evt_field *f, const json_t *o,
			 const char *path, void *rec)
{
	struct dd_evt_field one = *f;
	int rc;

	one.kind = DD_EVT_STRLIST;
	for (int i = 0; i < 3; i++) {
		json_t *j = dd_evj_opt(o, f->words[i]);
		one.key = f->words[i];
		one.off = f->off + (size_t)i * sizeof(struct dd_ev_strlist);
		if (j && (rc = load_strlist(l, &one, j, path, rec)) != 0)
			return rc;
	}
	return 0;
}

static int load_object(struct dd_evj_ld *l, const struct dd_evt_field *f, const json_t *j,
		       const char *path, void *rec)
{
	char p[DD_EVJ_PATH_LEN];
	int rc;

	if (!j)
		return 0;
	dd_evj_sub(p, path, f->key, -1);
	if ((rc = dd_evj_want_object(l, j, p)) != 0)
		return rc;
	return dd_evt_load(l, f->sub, j, p, AT(rec, f->off, char));
}

static int load_field(struct dd_evj_ld *l, const struct dd_evt_field *f, const json_t *j,
		      const char *path, void *rec)
{
	switch (f->kind) {
	case DD_EVT_OBJECT: return load_object(l, f, j, path, rec);
	case DD_EVT_EMBED: return 0; /* see dd_evt_load */
	case DD_EVT_RCODE: return load_rcode(l, f, j, path, AT(rec, f->off, int));
	case DD_EVT_MS: return load_ms(l, f, j, path, AT(rec, f->off, double));
	case DD_EVT_XREF: return load_xref(l, f, j, path, AT(rec, f->off, int));
	case DD_EVT_FLAGS: return load_flags(l, f, j, path, AT(rec, f->off, unsigned));
	case DD_EVT_PRESENT: *AT(rec, f->off, int) = 1; return 0;
	case DD_EVT_ID: return load_int(l, f, j, path, rec);
	case DD_EVT_SECTIONS: return 0; /* see dd_evt_load */
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
	case DD_EVT_CONST:
	case DD_EVT_TIME: return load_named(l, f, j, path, rec);
	case DD_EVT_XREFS: return j ? load_xrefs(l, f, j, path, rec) : 0;
	case DD_EVT_EXT: return load_ext(l, f, j, path, rec);
	case DD_EVT_STRLIST: return j ? load_strlist(l, f, j, path, rec) : 0;
	case DD_EVT_LIST: return j ? load_list(l, f, j, path, rec) : 0;
	}
	return 0;
}

/* The field f of rec from the object o. */
static int load_member(struct dd_evj_ld *l, const struct dd_evt_field *f, const json_t *o,
		       const char *path, void *rec)
{
	json_t *j;
	int rc;

	if (f->kind == DD_EVT_EMBED)
		return dd_evt_load(l, f->sub, o, path, AT(rec, f->off, char));
	if (f->kind == DD_EVT_SECTIONS)
		return load_sections(l, f, o, path, rec);
	if ((rc = dd_evj_member(l, o, path, f->key, f->flags & DD_EVT_REQ, &j)) != 0)
		return rc;
	return load_field(l, f, j, path, rec);
}

int dd_evt_load(struct dd_evj_ld *l, const struct dd_evt_table *t, const json_t *o,
		const char *path, void *rec)
{
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < t->nfields; i++) {
			const struct dd_evt_field *f = &t->fields[i];
			int rc;
			if ((int)i == t->key || (int)i == t->key2 ||
			    ((f->flags & (DD_EVT_EARLY | DD_EVT_EXCHANGES)) ? 0 : 1) != pass)
				continue;
			if ((rc = load_member(l, f, o, path, rec)) != 0)
				return rc;
			if (f->flags & DD_EVT_EXCHANGES)
				l->nexchanges = *AT(rec, f->n_off, size_t);
		}
	return t->check ? t->check(l, path, rec) : 0;
}

/* ------------------------------------------------------------------ docs */

static void md_type(struct dd_buf *b, const struct dd_evt_field *f)
{
	const char *null = f->flags & DD_EVT_REQ ? "" : "/null";

	switch (f->kind) {
	case DD_EVT_STR:
		if (f->max > 0)
			dd_buf_printf(b, "string (at most %lld bytes)%s", (long long)f->max, null);
		else
			dd_buf_printf(b, "string%s", null);
		break;
	case DD_EVT_CONST: dd_buf_printf(b, "`\"%s\"`", f->words[0]); break;
	case DD_EVT_XREFS:
		dd_buf_printf(b, "array of exchange id (at most %lld)", (long long)f->max);
		break;
	case DD_EVT_EXT: dd_buf_printf(b, "%s%s", f->ext->name, null); break;
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
	case DD_EVT_OBJECT:
		dd_buf_printf(b, "%s%s", f->sub->name, f->flags & DD_EVT_REQ ? "" : "/null");
		break;
	case DD_EVT_EMBED: dd_buf_printf(b, "the members of %s |", f->sub->name); break;
	case DD_EVT_RCODE: dd_buf_puts(b, "rcode mnemonic/null"); break;
	case DD_EVT_MS: dd_buf_puts(b, "number 0..86400000/null"); break;
	case DD_EVT_XREF: dd_buf_puts(b, "exchange id/null"); break;
	case DD_EVT_ID: dd_buf_puts(b, "int: its position in the list"); break;
	case DD_EVT_FLAGS:
		dd_buf_puts(b, "array of");
		for (int i = 0; f->words[i]; i++)
			dd_buf_printf(b, " `%s`", f->words[i]);
		break;
	case DD_EVT_PRESENT: break;
	case DD_EVT_SECTIONS:
		dd_buf_printf(b, "array of string (at most %lld) each", (long long)f->max);
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

#define MD_MAX_TABLES 64

/* The table t, then those below it not yet in done (n of them). */
static void md_table(struct dd_buf *b, const struct dd_evt_table *t,
		     const struct dd_evt_table **done, size_t *n)
{
	for (size_t i = 0; i < *n; i++)
		if (done[i] == t)
			return;
	if (*n < MD_MAX_TABLES)
		done[(*n)++] = t;
	dd_buf_printf(b, "### %s\n\n", t->name);
	if (t->key >= 0)
		dd_buf_printf(b, "An entry with the key of an earlier one is %s.\n\n",
			      t->dup ? "refused" : "merged into it");
	dd_buf_puts(b, "| member | type | meaning |\n|---|---|---|\n");
	for (size_t i = 0; i < t->nfields; i++) {
		const struct dd_evt_field *f = &t->fields[i];
		if (f->kind == DD_EVT_PRESENT)
			continue;
		if (f->kind == DD_EVT_EMBED)
			dd_buf_puts(b, "| ");
		else if (f->kind == DD_EVT_SECTIONS)
			dd_buf_printf(b, "| `%s`, `%s`, `%s` | ", f->words[0], f->words[1],
				      f->words[2]);
		else
			dd_buf_printf(b, "| `%s`%s%s | ", f->key,
				      f->flags & DD_EVT_REQ ? " **R**" : "",
				      (int)i == t->key || (int)i == t->key2 ? " (key)" : "");
		md_type(b, f);
		md_default(b, f);
		dd_buf_printf(b, " | %s |\n", f->doc ? f->doc : "");
	}
	dd_buf_puts(b, "\n");
	for (size_t i = 0; i < t->nfields; i++)
		if (t->fields[i].sub)
			md_table(b, t->fields[i].sub, done, n);
}

void dd_evt_markdown(struct dd_buf *b, const struct dd_evt_table *t)
{
	const struct dd_evt_table *done[MD_MAX_TABLES];
	size_t n = 0;

	md_table(b, t, done, &n);
}

/* -------------------------------------------------------- life cycle */

/* The defaults of rec's fields (rec already zero). */
static void init_fields(const struct dd_evt_table *t, void *rec)
{
	for (size_t i = 0; i < t->nfields; i++) {
		const struct dd_evt_field *f = &t->fields[i];
		switch (f->kind) {
		case DD_EVT_I64:
		case DD_EVT_TIME: *AT(rec, f->off, int64_t) = f->dflt; break;
		case DD_EVT_INT:
		case DD_EVT_BOOL:
		case DD_EVT_TRI:
		case DD_EVT_ENUM: *AT(rec, f->off, int) = (int)f->dflt; break;
		case DD_EVT_RCODE:
		case DD_EVT_XREF: *AT(rec, f->off, int) = -1; break;
		case DD_EVT_ID: *AT(rec, f->off, int) = (int)f->dflt; break;
		case DD_EVT_MS: *AT(rec, f->off, double) = -1; break;
		case DD_EVT_OBJECT:
		case DD_EVT_EMBED: init_fields(f->sub, AT(rec, f->off, char)); break;
		default: break;
		}
	}
}

void dd_evt_init(const struct dd_evt_table *t, void *rec)
{
	memset(rec, 0, t->size);
	init_fields(t, rec);
}

/* Free what rec's fields own. */
static void free_fields(const struct dd_evt_table *t, void *rec)
{
	for (size_t i = 0; i < t->nfields; i++) {
		const struct dd_evt_field *f = &t->fields[i];
		char *arr;
		switch (f->kind) {
		case DD_EVT_STR:
		case DD_EVT_WORD: free(*AT(rec, f->off, char *)); break;
		case DD_EVT_STRLIST: dd_ev_strlist_free(AT(rec, f->off, struct dd_ev_strlist)); break;
		case DD_EVT_XREFS: free(*AT(rec, f->off, int *)); break;
		case DD_EVT_EXT: f->ext->free(AT(rec, f->off, char)); break;
		case DD_EVT_LIST:
			arr = *AT(rec, f->off, char *);
			for (size_t k = 0; k < *AT(rec, f->n_off, size_t); k++)
				free_fields(f->sub, arr + k * f->sub->size);
			free(arr);
			break;
		case DD_EVT_OBJECT:
		case DD_EVT_EMBED: free_fields(f->sub, AT(rec, f->off, char)); break;
		case DD_EVT_SECTIONS:
			for (int s3 = 0; s3 < 3; s3++)
				dd_ev_strlist_free(AT(rec, f->off + (size_t)s3 *
							       sizeof(struct dd_ev_strlist),
						      struct dd_ev_strlist));
			free(*AT(rec, f->n_off, uint8_t *));
			break;
		default: break;
		}
	}
}

void dd_evt_free(const struct dd_evt_table *t, void *rec)
{
	free_fields(t, rec);
	memset(rec, 0, t->size);
}
