/* summary.c: what a portfolio audit adds up to (counts per status, layer and
 * finding code; the operators the domains depend on, by share), and what a
 * domain's CSV row is made of (its NS names and their operators, registrar,
 * expiry); report/audit.c renders both. Memory grows with the number of
 * distinct operators, not with the number of domains. */
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "core/err.h"
#include "reg/reg.h"

void dd_audit_operator(const char *ns, char out[DD_NAME_MAX])
{
	char reg[DD_NAME_MAX];

	/* The graph's operator (core/name.h); a suffix itself is its own. */
	dd_name_registrable(ns, reg);
	if (!reg[0])
		dd_name_plain(ns, reg);
	snprintf(out, DD_NAME_MAX, "%.*s.", DD_NAME_MAX - 2, reg);
}

/* ---- NS names and operators of one domain ------------------------------ */

void dd_audit_ns_free(struct dd_audit_ns *ni)
{
	dd_ev_strlist_free(&ni->parent);
	dd_ev_strlist_free(&ni->child);
}

int dd_audit_ns_get(struct dd_audit_ns *ni, const struct dd_evidence *ev)
{
	memset(ni, 0, sizeof(*ni));
	if (dd_chk_ns_sets(ev, &ni->parent, &ni->child) != 0)
		return DD_ENOMEM;
	const struct dd_ev_strlist *lists[2] = { &ni->parent, &ni->child };
	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < lists[k]->n && ni->nnames < DD_AUDIT_MAX_NS; i++) {
			const char *name = lists[k]->v[i];
			int dup = 0;
			for (size_t j = 0; j < ni->nnames && !dup; j++)
				dup = dd_name_cmp(ni->names[j], name) == 0;
			if (!dup)
				ni->names[ni->nnames++] = name;
		}
	for (size_t i = 0; i < ni->nnames; i++) {
		char op[DD_NAME_MAX];
		int dup = 0;
		dd_audit_operator(ni->names[i], op);
		for (size_t j = 0; j < ni->nops && !dup; j++)
			dup = strcmp(ni->ops[j], op) == 0;
		if (!dup)
			strcpy(ni->ops[ni->nops++], op);
	}
	return 0;
}

/* ---- the summary ----------------------------------------------------------- */

const char *dd_audit_registrar(const struct dd_evidence *ev)
{
	const struct dd_reg_record *r = ev->registration.present ? ev->registration.record : NULL;

	return r && r->registrar.name && r->registrar.name[0] ? r->registrar.name : NULL;
}

int64_t dd_audit_expiry(const struct dd_evidence *ev)
{
	const struct dd_reg_record *r = ev->registration.present ? ev->registration.record : NULL;

	return r && r->expires.known ? r->expires.t : 0;
}

int dd_audit_summary_init(struct dd_audit_summary *s)
{
	memset(s, 0, sizeof(*s));
	dd_chk_defs(&s->ncodes);
	s->codes = calloc(s->ncodes ? s->ncodes : 1, sizeof(*s->codes));
	if (!s->codes)
		return DD_ENOMEM;
	dd_map_init(&s->operators.map);
	dd_map_init(&s->registrars.map);
	return 0;
}

static void tally_free(struct dd_audit_tally *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->name[i]);
	free(t->name);
	free(t->count);
	dd_map_free(&t->map);
}

void dd_audit_summary_free(struct dd_audit_summary *s)
{
	tally_free(&s->operators);
	tally_free(&s->registrars);
	free(s->codes);
	memset(s, 0, sizeof(*s));
}

static int tally_add(struct dd_audit_tally *t, const char *name)
{
	void *v = dd_map_get(&t->map, name);

	if (v) {
		t->count[(size_t)((uintptr_t)v - 1)]++;
		return 0;
	}
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		uint64_t *c = realloc(t->count, cap * sizeof(*c));
		if (!c)
			return DD_ENOMEM;
		t->count = c;
		char **n = realloc(t->name, cap * sizeof(*n));
		if (!n)
			return DD_ENOMEM;
		t->name = n;
		t->cap = cap;
	}
	t->name[t->n] = strdup(name);
	if (!t->name[t->n] || dd_map_set(&t->map, name, (void *)(uintptr_t)(t->n + 1)) != 0) {
		free(t->name[t->n]);
		return DD_ENOMEM;
	}
	t->count[t->n++] = 1;
	return 0;
}

int dd_audit_tally_add(struct dd_audit_tally *t, const char *name, uint64_t n)
{
	int rc = n ? tally_add(t, name) : 0;

	if (rc == 0 && n)
		t->count[(size_t)((uintptr_t)dd_map_get(&t->map, name) - 1)] += n - 1;
	return rc;
}

static void count_code(struct dd_audit_summary *s, const char *code, unsigned char *seen,
		       size_t nseen)
{
	size_t ndefs;
	const struct dd_chk_def *defs = dd_chk_defs(&ndefs);

	for (size_t k = 0; k < ndefs && k < s->ncodes && k < nseen; k++)
		if (strcmp(defs[k].code, code) == 0 && !seen[k]) {
			seen[k] = 1;
			s->codes[k]++;
		}
}

int dd_audit_summary_add_saved(struct dd_audit_summary *s, const struct dd_audit_saved *d)
{
	unsigned char seen[512] = { 0 };
	char ops[32][DD_NAME_MAX];
	size_t nops = 0;
	int rc = 0;

	s->resumed++;
	for (int i = 0; i < DD_STATUS_COUNT; i++)
		if (d->status && strcmp(d->status, dd_chk_status_name((enum dd_chk_status)i)) == 0)
			s->status[i]++;
	for (int i = 0; i < DD_LAYER_COUNT; i++)
		if (d->layer && strcmp(d->layer, dd_chk_layer_name((enum dd_chk_layer)i)) == 0)
			s->layer[i]++;
	for (size_t i = 0; i < d->ncodes; i++)
		count_code(s, d->codes[i], seen, sizeof(seen));
	for (size_t i = 0; i < d->nns && nops < 32; i++) {
		int dup = 0;
		dd_audit_operator(d->ns[i], ops[nops]);
		for (size_t j = 0; j < nops && !dup; j++)
			dup = strcmp(ops[j], ops[nops]) == 0;
		nops += !dup;
	}
	for (size_t i = 0; i < d->nops && nops < 32; i++)
		snprintf(ops[nops++], DD_NAME_MAX, "%s", d->ops[i]);
	if (d->nns == 0 && d->nops == 0)
		s->no_ns++;
	if (nops == 1)
		s->single_operator++;
	for (size_t i = 0; i < nops && rc == 0; i++)
		rc = tally_add(&s->operators, ops[i]);
	if (rc == 0 && d->registrar && d->registrar[0])
		rc = tally_add(&s->registrars, d->registrar);
	else if (rc == 0)
		s->reg_unknown++;
	return rc;
}

int dd_audit_summary_add(struct dd_audit_summary *s, const struct dd_evidence *ev,
			 const struct dd_chk_findings *f, const struct dd_chk_verdict *v)
{
	size_t ndefs;
	const struct dd_chk_def *defs = dd_chk_defs(&ndefs);
	unsigned char seen[512] = { 0 };
	struct dd_audit_ns ni;
	int rc = 0;

	s->domains++;
	if (v->status < DD_STATUS_COUNT)
		s->status[v->status]++;
	if (v->layer < DD_LAYER_COUNT)
		s->layer[v->layer]++;
	for (size_t i = 0; i < f->n; i++) {
		const struct dd_chk_def *d = f->v[i].def;
		if (d < defs || d >= defs + ndefs)
			continue;
		size_t k = (size_t)(d - defs);
		if (k < s->ncodes && k < sizeof(seen) && !seen[k]) {
			seen[k] = 1;
			s->codes[k]++;
		}
	}
	if (dd_audit_ns_get(&ni, ev) != 0) {
		dd_audit_ns_free(&ni);
		return DD_ENOMEM;
	}
	if (ni.nnames == 0)
		s->no_ns++;
	if (ni.nops == 1)
		s->single_operator++;
	for (size_t i = 0; i < ni.nops && rc == 0; i++)
		rc = tally_add(&s->operators, ni.ops[i]);
	dd_audit_ns_free(&ni);
	if (rc == 0 && dd_audit_registrar(ev))
		rc = tally_add(&s->registrars, dd_audit_registrar(ev));
	else if (rc == 0)
		s->reg_unknown++;
	return rc;
}
