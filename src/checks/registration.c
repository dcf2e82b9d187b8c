/* registration.c: the registry's record of the domain (RDAP/WHOIS, the
 * evidence's registration section) judged: not found, expired or about to
 * expire, held by the registry or the registrar, being deleted, inactive,
 * suspended; registry and registrar disagreeing on the expiry, the
 * registry's nameservers disagreeing with the parent zone's delegation;
 * missing locks; and data that could not be had, which is said, never
 * guessed. "Today" is the evidence's time (or --now), never the clock.
 * The same record gives the verdict its registration facts. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "checks/chk_int.h"
#include "core/env.h"
#include "reg/reg.h"

#define DAY 86400
#define DEFAULT_WARN_DAYS 30
#define DEFAULT_CRIT_DAYS 7

static int64_t judged_now(const struct chk_ctx *c)
{
	return c->o->now ? c->o->now : c->ev->time;
}

/* "2026-03-01" */
static const char *day(int64_t t, char buf[32])
{
	dd_clock_format(t, buf, 32);
	buf[10] = '\0';
	return buf;
}

/* The record is of the domain judged itself, not of a domain above it
 * (www.example.com is judged with example.com's record). */
static int same_domain(const struct dd_evidence *ev)
{
	const char *d = ev->registration.domain;
	size_t n = d ? strlen(d) : 0;

	return n && ev->domain && strncasecmp(ev->domain, d, n) == 0 &&
	       (ev->domain[n] == '\0' || (ev->domain[n] == '.' && ev->domain[n + 1] == '\0'));
}

static const struct dd_reg_record *found(const struct dd_evidence *ev)
{
	const struct dd_reg_record *r = ev->registration.present ? ev->registration.record : NULL;

	return r && r->result == DD_REG_FOUND ? r : NULL;
}

/* The first status of a class, for messages ("serverHold", "Suspended"). */
static const char *word_of(const struct dd_reg_record *r, enum dd_reg_class cls)
{
	for (size_t i = 0; i < r->nstatuses; i++)
		if (r->statuses[i].cls == cls)
			return r->statuses[i].code;
	return "";
}

static void unavailable(struct chk_ctx *c)
{
	const struct dd_ev_registration *g = &c->ev->registration;
	const struct dd_reg_record *r = g->record;
	const char *dom = g->domain ? g->domain : "the domain";

	if (!r) {
		chk_add(c, C_REG_DATA_UNAVAILABLE, NULL,
			"the registration of %s is unknown (%s): %s", dom,
			g->reason ? g->reason : "no record", g->why ? g->why : "no reason recorded");
	} else if (r->result == DD_REG_RDAP_ERROR) {
		chk_add(c, C_REG_DATA_UNAVAILABLE, NULL,
			"the registration of %s is unknown: the registry's RDAP service answered "
			"error %d%s%s", dom, r->error_code, r->detail ? ": " : "",
			r->detail ? r->detail : "");
	} else if (r->result == DD_REG_ERROR) {
		chk_add(c, C_REG_DATA_UNAVAILABLE, NULL,
			"the registration of %s is unknown: the registry's server answered with an "
			"error%s%s", dom, r->detail ? ": " : "", r->detail ? r->detail : "");
	} else if (r->result == DD_REG_OTHER_OBJECT) {
		chk_add(c, C_REG_DATA_UNAVAILABLE, NULL,
			"the registration of %s is unknown: the registry answered with an RDAP %s "
			"object, not a domain", dom, r->object_class ? r->object_class : "unnamed");
	}
}

static void expiry(struct chk_ctx *c, const struct dd_reg_record *r)
{
	const struct dd_ev_registration *g = &c->ev->registration;
	int64_t now = judged_now(c), left;
	int warn = c->o->expiry_warn_days > 0 ? c->o->expiry_warn_days : DEFAULT_WARN_DAYS;
	int crit = c->o->expiry_crit_days > 0 ? c->o->expiry_crit_days : DEFAULT_CRIT_DAYS;
	char d1[32], d2[32];

	if (!r->expires.known) {
		if (dd_reg_has_class(r, DD_REG_SC_EXPIRED))
			chk_add(c, C_REG_EXPIRED, NULL, "the registry's record of %s says \"%s\"",
				g->domain, word_of(r, DD_REG_SC_EXPIRED));
		return;
	}
	left = r->expires.t - now;
	if (left <= 0)
		chk_add(c, C_REG_EXPIRED, NULL, "the registration of %s expired on %s (the "
			"registry's date)", g->domain, day(r->expires.t, d1));
	else if (dd_reg_has_class(r, DD_REG_SC_EXPIRED))
		chk_add(c, C_REG_EXPIRED, NULL, "the registry's record of %s says \"%s\" (its "
			"expiry date: %s)", g->domain, word_of(r, DD_REG_SC_EXPIRED),
			day(r->expires.t, d1));
	else if (left <= (int64_t)crit * DAY)
		chk_add(c, C_REG_EXPIRES_IMMINENT, NULL,
			"the registration of %s expires on %s, in %lld day%s (at most %d)", g->domain,
			day(r->expires.t, d1), (long long)((left + DAY - 1) / DAY),
			left > DAY ? "s" : "", crit);
	else if (left <= (int64_t)warn * DAY)
		chk_add(c, C_REG_EXPIRES_SOON, NULL,
			"the registration of %s expires on %s, in %lld days (at most %d)", g->domain,
			day(r->expires.t, d1), (long long)((left + DAY - 1) / DAY), warn);
	if (r->registrar_expires.known &&
	    llabs((long long)(r->registrar_expires.t - r->expires.t)) > DAY)
		chk_add(c, C_REG_EXPIRY_DIFFER, NULL,
			"the registry says %s expires on %s, the registrar says %s", g->domain,
			day(r->expires.t, d1), day(r->registrar_expires.t, d2));
}

static void statuses(struct chk_ctx *c, const struct dd_reg_record *r)
{
	static const struct {
		enum dd_reg_class cls;
		enum chk_code code;
		const char *what;
	} table[] = {
		{ DD_REG_SC_SERVER_HOLD, C_REG_SERVER_HOLD, "the registry holds it" },
		{ DD_REG_SC_CLIENT_HOLD, C_REG_CLIENT_HOLD, "the registrar holds it" },
		{ DD_REG_SC_SUSPENDED, C_REG_SUSPENDED, "the registry has suspended it" },
		{ DD_REG_SC_REDEMPTION, C_REG_REDEMPTION, "it was deleted and can still be restored" },
		{ DD_REG_SC_PENDING_DELETE, C_REG_PENDING_DELETE, "it is about to be purged" },
		{ DD_REG_SC_INACTIVE, C_REG_INACTIVE, "no delegation is published for it" },
	};
	const char *dom = c->ev->registration.domain;

	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (dd_reg_has_class(r, table[i].cls))
			chk_add(c, table[i].code, NULL, "the registry's record of %s says \"%s\": %s",
				dom, word_of(r, table[i].cls), table[i].what);
}

static int any_epp(const struct dd_reg_record *r)
{
	for (size_t i = 0; i < r->nstatuses; i++)
		if (r->statuses[i].epp)
			return 1;
	return 0;
}

/* Locks are judged only on EPP statuses: a registry that speaks its own
 * words ("Active") says nothing about them. */
static void locks(struct chk_ctx *c, const struct dd_reg_record *r)
{
	const char *dom = c->ev->registration.domain;

	if (!any_epp(r))
		return;
	if (!dd_reg_transfer_locked(r))
		chk_add(c, C_REG_NO_TRANSFER_LOCK, NULL,
			"%s can be transferred away: neither clientTransferProhibited nor "
			"serverTransferProhibited is set", dom);
	if (!dd_reg_registry_locked(r))
		chk_add(c, C_REG_NO_REGISTRY_LOCK, NULL,
			"%s has no registry lock (serverUpdateProhibited, serverDeleteProhibited and "
			"serverTransferProhibited together)", dom);
}

/* The registry's nameservers against the parent zone's delegation. When the
 * parent does not delegate the domain there is nothing to compare: the
 * registry's list is then what the probe examined. */
static void nameservers(struct chk_ctx *c, const struct dd_reg_record *r)
{
	struct dd_ev_strlist reg = { 0 }, par = { 0 };
	const struct dd_ev_strlist *p = &c->facts->parent_ns;
	struct dd_buf b;

	if (!same_domain(c->ev) || r->nns == 0 || p->n == 0)
		return;
	for (size_t i = 0; i < r->nns; i++) {
		char name[300];
		snprintf(name, sizeof(name), "%s.", r->ns[i]);
		chk_fail(c, dd_ev_strlist_add_unique(&reg, name));
	}
	for (size_t i = 0; i < p->n && i < CHK_MAX_SET; i++) {
		char name[300];
		size_t n = strlen(p->v[i]);
		snprintf(name, sizeof(name), "%s%s", p->v[i], n && p->v[i][n - 1] == '.' ? "" : ".");
		chk_fail(c, dd_ev_strlist_add_unique(&par, name));
	}
	if (!c->failed && !chk_set_equal(c, &reg, &par)) {
		dd_buf_init(&b);
		dd_buf_puts(&b, "the registry lists ");
		chk_join(&b, &reg, 8);
		dd_buf_puts(&b, "; the parent zone delegates to ");
		chk_join(&b, &par, 8);
		chk_add(c, C_REG_NS_DIFFER, NULL, "%s", dd_buf_str(&b));
		dd_buf_free(&b);
	}
	dd_ev_strlist_free(&reg);
	dd_ev_strlist_free(&par);
}

void chk_registration(struct chk_ctx *c)
{
	const struct dd_ev_registration *g = &c->ev->registration;
	const struct dd_reg_record *r = found(c->ev);

	if (!g->present)
		return;
	if (g->refused)
		chk_add(c, C_REG_REFERRAL_REFUSED, NULL, "looking up %s: %s",
			g->domain ? g->domain : "the domain", g->refused);
	if (g->record && g->record->result == DD_REG_NOT_FOUND) {
		chk_add(c, C_REG_NOT_FOUND, NULL, "the registry has no record of %s%s%s%s",
			g->domain ? g->domain : "the domain", g->record->detail ? " (\"" : "",
			g->record->detail ? g->record->detail : "", g->record->detail ? "\")" : "");
		return;
	}
	if (!r) {
		unavailable(c);
		return;
	}
	statuses(c, r);
	expiry(c, r);
	nameservers(c, r);
	locks(c, r);
}

int chk_reg_facts(const struct dd_evidence *ev, int64_t now, struct dd_chk_reg_facts *out)
{
	static const struct {
		enum dd_reg_class cls;
		unsigned bit;
	} bits[] = {
		{ DD_REG_SC_SERVER_HOLD, DD_REG_SERVER_HOLD },
		{ DD_REG_SC_CLIENT_HOLD, DD_REG_CLIENT_HOLD },
		{ DD_REG_SC_EXPIRED, DD_REG_EXPIRED },
		{ DD_REG_SC_SUSPENDED, DD_REG_SUSPENDED },
		{ DD_REG_SC_REDEMPTION, DD_REG_REDEMPTION },
		{ DD_REG_SC_PENDING_DELETE, DD_REG_PENDING_DELETE },
	};
	const struct dd_reg_record *r = ev->registration.present ? ev->registration.record : NULL;

	memset(out, 0, sizeof(*out));
	if (!r || (r->result != DD_REG_FOUND && r->result != DD_REG_NOT_FOUND))
		return 0;
	out->known = 1;
	if (r->result == DD_REG_NOT_FOUND) {
		out->status = DD_REG_NO_RECORD;
		return 1;
	}
	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		if (dd_reg_has_class(r, bits[i].cls))
			out->status |= bits[i].bit;
	if (r->expires.known && r->expires.t > 0) {
		out->expires = r->expires.t;
		if (r->expires.t <= now)
			out->status |= DD_REG_EXPIRED;
	}
	out->registrar = r->registrar.name;
	return 1;
}
