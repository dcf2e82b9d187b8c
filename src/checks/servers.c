/* servers.c: each address of each of the domain's nameservers: lameness
 * (timeout, unreachable, REFUSED, SERVFAIL, no AA, NXDOMAIN for its own zone,
 * unusable replies), every server lame at once, TCP, EDNS, and SOA serials
 * that differ between servers. */
#include <stdlib.h>
#include <string.h>

#include "checks/chk_int.h"

/* The kinds of lameness, in the order they are reported. */
enum lame {
	L_TIMEOUT,
	L_UNREACHABLE,
	L_REFUSED,
	L_SERVFAIL,
	L_NOT_AUTHORITATIVE,
	L_NXDOMAIN,
	L_BAD_REPLY,
	N_LAME
};

/* Each kind's code and the verb its message uses. */
static const struct {
	enum chk_code code;
	const char *verb;
} lame_def[N_LAME] = {
	[L_TIMEOUT] = { C_SERVER_TIMEOUT, "time out" },
	[L_UNREACHABLE] = { C_SERVER_UNREACHABLE, "are unreachable" },
	[L_REFUSED] = { C_SERVER_REFUSED, "answer REFUSED" },
	[L_SERVFAIL] = { C_SERVER_SERVFAIL, "answer SERVFAIL" },
	[L_NOT_AUTHORITATIVE] = { C_SERVER_NOT_AUTHORITATIVE, "answer without authority" },
	[L_NXDOMAIN] = { C_SERVER_NXDOMAIN, "answer NXDOMAIN for their own zone" },
	[L_BAD_REPLY] = { C_SERVER_BAD_REPLY, "send unusable replies" },
};

/* Which kind of lameness a failed response earns. */
static enum lame lame_kind(const struct dd_ev_response *r)
{
	switch (r->state) {
	case DD_EV_TIMEOUT: return L_TIMEOUT;
	case DD_EV_UNREACHABLE: return L_UNREACHABLE;
	case DD_EV_REFUSED: return L_REFUSED;
	case DD_EV_SERVFAIL: return L_SERVFAIL;
	case DD_EV_LAME:
	case DD_EV_REFERRAL:
	case DD_EV_NOTAUTH:
	case DD_EV_NODATA:
	case DD_EV_ANSWER: return L_NOT_AUTHORITATIVE;
	case DD_EV_NXDOMAIN: return L_NXDOMAIN;
	default: return L_BAD_REPLY;
	}
}

static int authoritative(const struct dd_ev_response *r)
{
	return r->state == DD_EV_ANSWER && r->aa != 0;
}

static void lameness(struct chk_ctx *c)
{
	struct dd_ev_strlist who[N_LAME];
	struct chk_ids ids[N_LAME], all_ids = { 0 };
	size_t total = 0, good = 0;

	memset(who, 0, sizeof(who));
	memset(ids, 0, sizeof(ids));
	for (size_t i = 0; i < c->ev->nnameservers; i++) {
		const struct dd_ev_nameserver *ns = &c->ev->nameservers[i];
		for (size_t j = 0; j < ns->nservers; j++) {
			const struct dd_ev_ns_server *s = &ns->servers[j];
			const struct dd_ev_response *r = chk_server_soa(s);
			char tmp[48];
			enum lame k;
			if (r->state == DD_EV_SKIPPED)
				continue;
			total++;
			chk_ids_add(c, &all_ids, r->exchange);
			if (chk_server_good(s))
				good++;
			if (authoritative(r))
				continue;
			k = lame_kind(r);
			chk_label(c, &who[k], ns->name, s->address,
				  k == L_BAD_REPLY ? chk_state_phrase(r, tmp, sizeof(tmp)) :
				  r == &s->soa_udp.r && chk_server_good(s) ? "(over UDP; TCP works)" : NULL);
			chk_ids_add(c, &ids[k], r->exchange);
		}
	}
	for (size_t k = 0; k < N_LAME; k++) {
		struct dd_buf b;
		if (!who[k].n)
			continue;
		dd_buf_init(&b);
		chk_join(&b, &who[k], 8);
		chk_add(c, lame_def[k].code, &ids[k], "%zu of %zu nameserver addresses of %s %s: %s",
			who[k].n, total, c->ev->domain, lame_def[k].verb, dd_buf_str(&b));
		dd_buf_free(&b);
	}
	if (total > 0 && good == 0) {
		struct dd_buf b;
		dd_buf_init(&b);
		for (size_t k = 0; k < N_LAME; k++)
			if (who[k].n)
				dd_buf_printf(&b, "%s%zu %s", b.len ? ", " : "", who[k].n,
					      lame_def[k].verb);
		chk_add(c, C_SERVERS_ALL_LAME, &all_ids,
			"none of the %zu nameserver addresses answers authoritatively for %s (%s)",
			total, c->ev->domain, dd_buf_str(&b));
		dd_buf_free(&b);
	} else if (total == 0 && c->ev->nnameservers > 0 && !c->facts->unasked_zone) {
		/* Names but not one address to ask: nothing can answer, unless
		 * dnsdeps only looked for addresses of one family. */
		int any_skipped = 0, all_nx = 1;
		for (size_t i = 0; i < c->ev->nnameservers; i++) {
			if (c->ev->nameservers[i].nservers)
				any_skipped = 1;
			all_nx &= c->ev->nameservers[i].resolution.state == DD_EV_R_NXDOMAIN;
		}
		if (c->facts->one_family && (any_skipped || !all_nx))
			chk_add(c, C_SERVERS_NOT_ASKED, NULL,
				"none of the nameservers of %s was asked: no %s address was found "
				"for them, and only %s was allowed (%s)",
				c->ev->domain, c->ev->options.ipv6 ? "IPv6" : "IPv4",
				c->ev->options.ipv6 ? "IPv6" : "IPv4",
				c->ev->options.ipv6 ? "-6" : "-4");
		else if (!any_skipped)
			chk_add(c, C_SERVERS_ALL_LAME, NULL,
				"no nameserver name of %s (%zu) has an address to ask",
				c->ev->domain, c->ev->nnameservers);
	}
	for (size_t k = 0; k < N_LAME; k++) {
		dd_ev_strlist_free(&who[k]);
		chk_ids_free(&ids[k]);
	}
	chk_ids_free(&all_ids);
}

static void tcp(struct chk_ctx *c)
{
	struct dd_ev_strlist who = { 0 };
	struct chk_ids ids = { 0 };

	for (size_t i = 0; i < c->ev->nnameservers; i++) {
		const struct dd_ev_nameserver *ns = &c->ev->nameservers[i];
		for (size_t j = 0; j < ns->nservers; j++) {
			const struct dd_ev_ns_server *s = &ns->servers[j];
			enum dd_ev_state t = s->soa_tcp.r.state;
			char tmp[48];
			if (!dd_ev_state_replied(s->soa_udp.r.state) || t == DD_EV_SKIPPED ||
			    dd_ev_state_replied(t))
				continue;
			chk_label(c, &who, ns->name, s->address,
				  chk_state_phrase(&s->soa_tcp.r, tmp, sizeof(tmp)));
			chk_ids_add(c, &ids, s->soa_tcp.r.exchange);
			chk_ids_add(c, &ids, s->soa_udp.r.exchange);
		}
	}
	if (who.n) {
		struct dd_buf b;
		dd_buf_init(&b);
		chk_join(&b, &who, 8);
		chk_add(c, C_SERVER_NO_TCP, &ids,
			"%zu nameserver address%s answer%s over UDP but not over TCP: %s", who.n,
			who.n == 1 ? "" : "es", who.n == 1 ? "s" : "", dd_buf_str(&b));
		dd_buf_free(&b);
	}
	dd_ev_strlist_free(&who);
	chk_ids_free(&ids);
}

/* What is wrong with a reply to a query with EDNS version 1, or NULL. */
static const char *edns_problem(const struct dd_ev_ednsprobe *e, char *buf, size_t buflen)
{
	char rc[16];

	if (e->r.state == DD_EV_SKIPPED)
		return NULL;
	if (e->r.rcode == 16)
		return e->edns_version == 0 ? NULL : "answers BADVERS without an OPT record of version 0";
	if (!dd_ev_state_replied(e->r.state))
		return "drops queries with EDNS version 1 (no reply)";
	if (e->r.rcode == 0)
		return "answers EDNS version 1 as if it knew it (no BADVERS)";
	snprintf(buf, buflen, "answers %s instead of BADVERS",
		 dd_ev_rcode_name(e->r.rcode, rc, sizeof(rc)));
	return buf;
}

static void edns(struct chk_ctx *c)
{
	struct dd_ev_strlist who = { 0 };
	struct chk_ids ids = { 0 };

	for (size_t i = 0; i < c->ev->nnameservers; i++) {
		const struct dd_ev_nameserver *ns = &c->ev->nameservers[i];
		for (size_t j = 0; j < ns->nservers; j++) {
			const struct dd_ev_ns_server *s = &ns->servers[j];
			char buf[64];
			const char *why = edns_problem(&s->edns, buf, sizeof(buf));
			if (!why || !chk_server_good(s))
				continue;
			chk_label(c, &who, ns->name, s->address, why);
			chk_ids_add(c, &ids, s->edns.r.exchange);
		}
	}
	if (who.n) {
		struct dd_buf b;
		dd_buf_init(&b);
		chk_join(&b, &who, 8);
		chk_add(c, C_SERVER_EDNS_BROKEN, &ids, "%zu nameserver address%s mishandle%s EDNS: %s",
			who.n, who.n == 1 ? "" : "es", who.n == 1 ? "s" : "", dd_buf_str(&b));
		dd_buf_free(&b);
	}
	dd_ev_strlist_free(&who);
	chk_ids_free(&ids);
}

#define MAX_SERIALS 8

static void serials(struct chk_ctx *c)
{
	int64_t serial[MAX_SERIALS];
	struct dd_ev_strlist who[MAX_SERIALS];
	struct chk_ids ids = { 0 };
	size_t n = 0;

	memset(who, 0, sizeof(who));
	for (size_t i = 0; i < c->ev->nnameservers; i++) {
		const struct dd_ev_nameserver *ns = &c->ev->nameservers[i];
		for (size_t j = 0; j < ns->nservers; j++) {
			const struct dd_ev_ns_server *s = &ns->servers[j];
			const struct dd_ev_soa *soa = authoritative(&s->soa_udp.r) ? &s->soa_udp :
						      &s->soa_tcp;
			size_t k;
			if (!authoritative(&soa->r) || soa->serial < 0)
				continue;
			for (k = 0; k < n && serial[k] != soa->serial; k++)
				;
			if (k == n) {
				if (n == MAX_SERIALS)
					continue;
				serial[n++] = soa->serial;
			}
			chk_label(c, &who[k], ns->name, s->address, NULL);
			chk_ids_add(c, &ids, soa->r.exchange);
		}
	}
	if (n > 1) {
		struct dd_buf b;
		dd_buf_init(&b);
		for (size_t k = 0; k < n; k++) {
			dd_buf_printf(&b, "%s%lld at ", k ? "; " : "", (long long)serial[k]);
			chk_join(&b, &who[k], 4);
		}
		chk_add(c, C_ZONE_SERIAL_DIFFER, &ids, "the servers of %s serve %zu different SOA serials: %s",
			c->ev->domain, n, dd_buf_str(&b));
		dd_buf_free(&b);
	}
	for (size_t k = 0; k < MAX_SERIALS; k++)
		dd_ev_strlist_free(&who[k]);
	chk_ids_free(&ids);
}

void chk_servers(struct chk_ctx *c)
{
	lameness(c);
	tcp(c);
	edns(c);
	serials(c);
}
