/* reg.c (probe): the registration look-up of a check, on the probe's loop,
 * and the join with the DNS walk: the registry's nameservers are examined
 * when the parent zone does not delegate the domain. The record put in the
 * evidence is the fetched one after a trip through its JSON form, so what
 * `check` judges is exactly what `report` will read back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/err.h"
#include "core/name.h"
#include "probe/reg.h"

/* One domain's look-up, from the check's start until both the outcome is
 * in and the walk has asked for it (then it is unlinked and freed). */
struct dd_probe_reg_job {
	struct dd_probe_reg *r;
	struct dd_evidence *ev;
	int done;             /* the outcome is in the evidence */
	int walked;           /* dd_probe_reg_walked was called */
	int waiting;          /* the walk is done and waits for the outcome */
	int want_ns;          /* hand the registry's nameservers over */
	dd_probe_reg_ns_cb ns;
	void *arg;
	struct dd_probe_reg_job *next, *prev;
};


struct dd_probe_reg {
	struct dd_reg_fetcher *f;
	struct dd_probe_reg_job *jobs;
};

int dd_probe_reg_new(struct dd_probe *p, const struct dd_reg_fetch_opts *o,
		     struct dd_probe_reg **out, char why[DD_REG_WHY_MAX])
{
	struct dd_probe_reg *r = calloc(1, sizeof(*r));
	int rc;

	*out = NULL;
	if (!r) {
		snprintf(why, DD_REG_WHY_MAX, "out of memory");
		return DD_ENOMEM;
	}
	rc = dd_reg_fetcher_new(dd_probe_net(p), o, &r->f, why);
	if (rc) {
		free(r);
		return rc;
	}
	*out = r;
	return 0;
}

void dd_probe_reg_free(struct dd_probe_reg *r)
{
	if (!r)
		return;
	dd_reg_fetcher_free(r->f);
	while (r->jobs) {
		struct dd_probe_reg_job *j = r->jobs;
		r->jobs = j->next; /* its evidence may be gone: not touched */
		free(j);
	}
	free(r);
}

struct dd_reg_fetcher *dd_probe_reg_fetcher(struct dd_probe_reg *r)
{
	return r ? r->f : NULL;
}

void dd_probe_reg_request(struct dd_evidence *ev, struct dd_probe_reg *r)
{
	ev->registration.live = r;
}

int dd_probe_reg_domain(const char *name, char out[256])
{
	/* One rule for the whole program (core/name.h). */
	dd_name_registrable(name, out);
	return out[0] ? 0 : DD_ENAME;
}

/* The fetched record, copied through its JSON form. NULL with why set when
 * it cannot be kept. */
static struct dd_reg_record *keep(const struct dd_reg_record *rec, char why[DD_REG_WHY_MAX])
{
	json_t *j = dd_reg_to_json(rec, 1);
	struct dd_reg_record *copy = malloc(sizeof(*copy));
	char inner[DD_REG_WHY_MAX];

	if (!j || !copy) {
		snprintf(why, DD_REG_WHY_MAX, "out of memory");
	} else if (dd_reg_from_json(j, copy, inner) != 0) {
		snprintf(why, DD_REG_WHY_MAX, "the record cannot be kept: %s", inner);
	} else {
		json_decref(j);
		return copy;
	}
	json_decref(j);
	free(copy);
	return NULL;
}

/* The record is of ev->domain itself (not of a domain above it). */
static int same_domain(const struct dd_evidence *ev)
{
	const char *d = ev->registration.domain;
	size_t n;

	if (!d || !ev->domain)
		return 0;
	n = strlen(d);
	return strncasecmp(ev->domain, d, n) == 0 &&
	       (ev->domain[n] == '\0' || (ev->domain[n] == '.' && ev->domain[n + 1] == '\0'));
}

/* The names are a registry's, from the network: they pass dd_reg_add_ns's
 * host-name rules and the check's own name rules before any is asked. */
static void hand_over(struct dd_probe_reg_job *j)
{
	const struct dd_reg_record *rec = j->ev->registration.record;

	if (!j->want_ns || !rec || rec->result != DD_REG_FOUND || !same_domain(j->ev))
		return;
	for (size_t i = 0; i < rec->nns && i < DD_REG_MAX_NS; i++) {
		char name[300];
		snprintf(name, sizeof(name), "%s.", rec->ns[i]);
		j->ns(j->arg, name);
	}
}

/* Both ends are in: the job is no longer needed. */
static void finish(struct dd_probe_reg_job *j)
{
	if (j->prev)
		j->prev->next = j->next;
	else
		j->r->jobs = j->next;
	if (j->next)
		j->next->prev = j->prev;
	j->ev->registration.job = NULL;
	free(j);
}

static void on_outcome(void *arg, const struct dd_reg_outcome *o)
{
	struct dd_probe_reg_job *j = arg;
	struct dd_reg_record *rec = NULL;
	char why[DD_REG_WHY_MAX];
	const char *reason = dd_reg_unavail_name(o->reason);

	snprintf(why, sizeof(why), "%s", o->why);
	if (o->record) {
		rec = keep(o->record, why);
		if (!rec)
			reason = dd_reg_unavail_name(DD_REG_UNPARSEABLE);
	}
	dd_ev_reg_set(j->ev, o->domain, rec, reason, why, o->refused);
	j->done = 1;
	if (j->walked) {
		/* The walk waits for this (j->waiting): hand the names over, let
		 * the job go, then release the check, which may end (and free
		 * the evidence) within that call. */
		dd_probe_reg_ns_cb ns = j->ns;
		void *ns_arg = j->arg;
		hand_over(j);
		finish(j);
		ns(ns_arg, NULL);
	}
}

static struct dd_probe_reg_job *find(struct dd_evidence *ev)
{
	return ev->registration.live ? ev->registration.job : NULL;
}

void dd_probe_reg_start(struct dd_evidence *ev)
{
	struct dd_probe_reg *r = ev->registration.live;
	char domain[256];
	struct dd_probe_reg_job *j;

	if (!r || find(ev) || dd_probe_reg_domain(ev->domain, domain) != 0)
		return;
	j = calloc(1, sizeof(*j));
	if (!j)
		return;
	j->r = r;
	j->ev = ev;
	j->next = r->jobs;
	if (r->jobs)
		r->jobs->prev = j;
	r->jobs = j;
	ev->registration.job = j;
	if (dd_reg_fetch(r->f, domain, on_outcome, j) != 0)
		finish(j); /* only DD_ENOMEM is possible for a valid name: no section */
}

/* Some parent server's delegation names nameservers for the domain. */
static int delegated(const struct dd_evidence *ev)
{
	for (size_t i = 0; i < ev->parent.nservers; i++)
		if (ev->parent.servers[i].delegation.ns.n > 0)
			return 1;
	return 0;
}

int dd_probe_reg_walked(struct dd_evidence *ev, dd_probe_reg_ns_cb ns, void *arg)
{
	struct dd_probe_reg_job *j = find(ev);

	if (!j || j->waiting)
		return 0;
	j->ns = ns;
	j->arg = arg;
	j->want_ns = !delegated(ev);
	j->walked = 1;
	if (j->done) {
		hand_over(j);
		finish(j);
		return 0;
	}
	j->waiting = 1;
	return 1;
}
