/* chain.c: checks on the walk from the root down to the parent zone: root
 * servers failing (layer root), servers of the zones on the way (the TLD,
 * layer registry) failing or disagreeing, and a walk that never reached the
 * parent zone. The parent zone's own servers are judged in parent.c. */
#include <string.h>
#include <strings.h>

#include "checks/chk_int.h"

/* The server replied with something the walk can use. */
static int usable(enum dd_ev_state s)
{
	return s == DD_EV_REFERRAL || s == DD_EV_ANSWER || s == DD_EV_NXDOMAIN ||
	       s == DD_EV_NODATA || s == DD_EV_CNAME;
}

/* What a usable reply said, as a comparable phrase. */
static void outcome(const struct dd_ev_step_server *s, char *buf, size_t buflen)
{
	if (s->r.state == DD_EV_REFERRAL)
		snprintf(buf, buflen, "refers to %s", s->referral ? s->referral : "(no zone)");
	else if (s->r.state == DD_EV_NXDOMAIN)
		snprintf(buf, buflen, "says NXDOMAIN");
	else
		snprintf(buf, buflen, "answers %s", dd_ev_state_name(s->r.state));
}

static int all_failed_so_far(const struct chk_ctx *c)
{
	return chk_find(c->out, C_ROOT_ALL_FAILED) || chk_find(c->out, C_REGISTRY_ALL_FAILED);
}

static void judge_step(struct chk_ctx *c, const struct dd_ev_step *st)
{
	int root = strcmp(st->zone, ".") == 0;
	struct dd_ev_strlist failed = { 0 }, said = { 0 };
	struct chk_ids ids = { 0 };
	struct dd_buf b;
	size_t asked = 0, ok = 0;
	char first[300] = "", zl[300];
	int disagree = 0;

	for (size_t i = 0; i < st->nservers; i++) {
		const struct dd_ev_step_server *s = &st->servers[i];
		char phrase[300], tmp[48];
		if (s->r.state == DD_EV_SKIPPED)
			continue;
		asked++;
		chk_ids_add(c, &ids, s->r.exchange);
		if (!usable(s->r.state)) {
			chk_label(c, &failed, s->name, s->address, chk_state_phrase(&s->r, tmp, sizeof(tmp)));
			continue;
		}
		ok++;
		outcome(s, phrase, sizeof(phrase));
		if (!first[0])
			memcpy(first, phrase, sizeof(first));
		else if (strcasecmp(first, phrase) != 0)
			disagree = 1;
		chk_label(c, &said, s->name, s->address, phrase);
	}
	chk_zone_label(st->zone, zl, sizeof(zl));
	dd_buf_init(&b);
	chk_join(&b, &failed, 6);
	if (asked > 0 && ok == 0)
		chk_add(c, root ? C_ROOT_ALL_FAILED : C_REGISTRY_ALL_FAILED, &ids,
			"none of the %zu %s servers asked gave a usable answer: %s", asked,
			root ? "root" : zl, dd_buf_str(&b));
	else if (failed.n > 0)
		chk_add(c, root ? C_ROOT_SERVER_FAILED : C_REGISTRY_SERVER_FAILED, &ids,
			"%zu of %zu %s servers asked gave no usable answer: %s", failed.n, asked,
			root ? "root" : zl, dd_buf_str(&b));
	dd_buf_free(&b);
	if (disagree) {
		dd_buf_init(&b);
		chk_join(&b, &said, 6);
		chk_add(c, root ? C_ROOT_REFERRAL_DISAGREE : C_REGISTRY_REFERRAL_DISAGREE, &ids,
			"%s servers disagree on the way to %s: %s", root ? "root" : zl,
			c->ev->domain, dd_buf_str(&b));
		dd_buf_free(&b);
	}
	chk_ids_free(&ids);
	dd_ev_strlist_free(&failed);
	dd_ev_strlist_free(&said);
}

void chk_chain(struct chk_ctx *c)
{
	const struct dd_evidence *ev = c->ev;
	const struct dd_ev_parent *p = &ev->parent;

	for (size_t i = 0; i < ev->nchain; i++) {
		const struct dd_ev_step *st = &ev->chain[i];
		if (!st->zone)
			continue;
		/* The parent's own servers are examined in full in parent.c. */
		if (p->zone && p->nservers > 0 && strcasecmp(st->zone, p->zone) == 0)
			continue;
		judge_step(c, st);
	}
	if (c->facts->unasked_zone) {
		char zl[300];
		chk_add(c, C_SERVERS_NOT_ASKED, NULL,
			"none of the servers of %s was asked: none has an %s address, and only %s "
			"was allowed (%s)",
			chk_zone_label(c->facts->unasked_zone, zl, sizeof(zl)),
			ev->options.ipv6 ? "IPv6" : "IPv4", ev->options.ipv6 ? "IPv6" : "IPv4",
			ev->options.ipv6 ? "-6" : "-4");
		return;
	}
	if ((!p->zone || (p->error_code && p->nservers == 0)) && !all_failed_so_far(c)) {
		const char *last = ev->nchain ? ev->chain[ev->nchain - 1].zone : NULL;
		const char *why = p->error_message ? p->error_message : p->error_code;
		struct dd_buf b;

		dd_buf_init(&b);
		if (last)
			dd_buf_printf(&b, "the walk from the root stopped at %s without finding the "
					  "zone above %s", last, ev->domain);
		else
			dd_buf_printf(&b, "no walk from the root was recorded: the zone above %s is "
					  "unknown", ev->domain);
		if (why)
			dd_buf_printf(&b, " (%s)", why);
		chk_add(c, C_PARENT_UNKNOWN, NULL, "%s", dd_buf_str(&b));
		dd_buf_free(&b);
	}
}
