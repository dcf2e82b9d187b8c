/* diversity.c: single points of failure in the NS set: fewer than two names
 * or addresses, all addresses in one IPv4 /24 or IPv6 /48, no IPv6, every
 * name under one registrable domain (one operator, via the public suffix
 * list) or one TLD other than the domain's, or every name inside the domain. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <arpa/inet.h>

#include "checks/chk_int.h"
#include "core/name.h"

/* Every address of the judged NS names (resolution, glue, servers asked). */
static void addresses(struct chk_ctx *c, struct dd_ev_strlist *out)
{
	for (size_t i = 0; i < c->ev->nnameservers; i++) {
		const struct dd_ev_nameserver *ns = &c->ev->nameservers[i];
		const struct dd_ev_strlist *lists[3] = { &ns->resolution.a, &ns->resolution.aaaa,
							 &ns->glue };
		if (dd_ev_strlist_find(&c->facts->ns_names, ns->name) < 0)
			continue;
		for (int l = 0; l < 3; l++)
			for (size_t k = 0; k < lists[l]->n && out->n < CHK_MAX_SET; k++)
				if (chk_addr_parse(lists[l]->v[k], (unsigned char[16]){ 0 }))
					chk_fail(c, dd_ev_strlist_add_unique(out, lists[l]->v[k]));
		for (size_t k = 0; k < ns->nservers && out->n < CHK_MAX_SET; k++)
			if (chk_addr_parse(ns->servers[k].address, (unsigned char[16]){ 0 }))
				chk_fail(c, dd_ev_strlist_add_unique(out, ns->servers[k].address));
	}
}

/* Deduplicate by value (the list may hold two spellings of one address). */
static size_t distinct(const struct dd_ev_strlist *l, int family, unsigned char first[16],
		       int prefix_bytes, int *same_prefix)
{
	size_t n = 0;

	*same_prefix = 1;
	for (size_t i = 0; i < l->n; i++) {
		unsigned char a[16];
		int dup = 0;
		if (chk_addr_parse(l->v[i], a) != family)
			continue;
		for (size_t j = 0; j < i && !dup; j++)
			dup = chk_addr_equal(l->v[j], l->v[i]);
		if (dup)
			continue;
		if (n == 0)
			memcpy(first, a, 16);
		else if (memcmp(first, a, (size_t)prefix_bytes) != 0)
			*same_prefix = 0;
		n++;
	}
	return n;
}

/* Note "a and b are both ADDR (where)" once, when a and b are two judged NS names. */
static void same_pair(struct chk_ctx *c, struct dd_ev_strlist *pairs, const char *a,
		      const char *b, const char *addr, const char *where)
{
	struct dd_buf m;

	if (strcasecmp(a, b) == 0 || dd_ev_strlist_find(&c->facts->ns_names, a) < 0 ||
	    dd_ev_strlist_find(&c->facts->ns_names, b) < 0 || pairs->n >= CHK_MAX_SET)
		return;
	dd_buf_init(&m);
	if (strcasecmp(a, b) < 0)
		dd_buf_printf(&m, "%s and %s are both %s (%s)", a, b, addr, where);
	else
		dd_buf_printf(&m, "%s and %s are both %s (%s)", b, a, addr, where);
	chk_fail(c, dd_ev_strlist_add_unique(pairs, dd_buf_str(&m)));
	dd_buf_free(&m);
}

/* Pairs that one parent server's glue gives the same address. */
static void same_glue(struct chk_ctx *c, struct dd_ev_strlist *pairs)
{
	for (size_t p = 0; p < c->ev->parent.nservers; p++) {
		const struct dd_ev_delegation *d = &c->ev->parent.servers[p].delegation;
		size_t n = d->nglue < 64 ? d->nglue : 64;
		for (size_t i = 0; i < n; i++)
			for (size_t j = i + 1; j < n; j++)
				if (chk_addr_equal(d->glue[i].address, d->glue[j].address))
					same_pair(c, pairs, d->glue[i].name, d->glue[j].name,
						  d->glue[i].address, "glue at the parent");
	}
}

/* Pairs whose own address records share an address. */
static void same_records(struct chk_ctx *c, struct dd_ev_strlist *pairs)
{
	const struct dd_evidence *ev = c->ev;
	size_t n = ev->nnameservers < 64 ? ev->nnameservers : 64;

	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			for (int f = 0; f < 2; f++) {
				const struct dd_ev_resolution *x = &ev->nameservers[i].resolution;
				const struct dd_ev_resolution *y = &ev->nameservers[j].resolution;
				const struct dd_ev_strlist *lx = f ? &x->aaaa : &x->a;
				const struct dd_ev_strlist *ly = f ? &y->aaaa : &y->a;
				for (size_t k = 0; k < lx->n && k < 16; k++)
					for (size_t m = 0; m < ly->n && m < 16; m++)
						if (chk_addr_equal(lx->v[k], ly->v[m]))
							same_pair(c, pairs, ev->nameservers[i].name,
								  ev->nameservers[j].name, lx->v[k],
								  "their address records");
			}
}

/* Two NS names with one address, in one parent server's glue or in their
 * own address records (Zonemaster's DEL_NS_SAME_IP, CHILD_NS_SAME_IP): one
 * server posing as two. Returns 1 when found (and reported). */
static int same_address(struct chk_ctx *c)
{
	struct dd_ev_strlist pairs = { 0 };
	struct dd_buf b;
	size_t n;

	same_glue(c, &pairs);
	if (pairs.n == 0)
		same_records(c, &pairs);
	if (pairs.n) {
		dd_buf_init(&b);
		chk_join(&b, &pairs, 4);
		chk_add(c, C_NS_SAME_ADDRESS, NULL,
			"%s: one server under two names, so the redundancy is not real", dd_buf_str(&b));
		dd_buf_free(&b);
	}
	n = pairs.n;
	dd_ev_strlist_free(&pairs);
	return n > 0;
}

static void addrs(struct chk_ctx *c)
{
	struct dd_ev_strlist all = { 0 };
	unsigned char p4[16], p6[16];
	int same4, same6;
	size_t n4, n6;
	struct dd_buf b;
	int shared = same_address(c);

	addresses(c, &all);
	n4 = distinct(&all, 4, p4, 3, &same4);
	n6 = distinct(&all, 6, p6, 6, &same6);
	dd_buf_init(&b);
	chk_join(&b, &all, 8);
	if (n4 + n6 == 1 && !c->facts->one_family && !shared)
		chk_add(c, C_ADDR_TOO_FEW, NULL, "%s has a single nameserver address: %s",
			c->ev->domain, dd_buf_str(&b));
	if (n4 > 1 && same4)
		chk_add(c, C_ADDR_ONE_PREFIX_V4, NULL,
			"all %zu IPv4 nameserver addresses of %s are in %u.%u.%u.0/24", n4,
			c->ev->domain, p4[0], p4[1], p4[2]);
	if (n6 > 1 && same6) {
		/* the /48 as the dependency graph writes networks ("fd00::/48") */
		char net[INET6_ADDRSTRLEN];
		memset(p6 + 6, 0, 10);
		inet_ntop(AF_INET6, p6, net, sizeof(net));
		chk_add(c, C_ADDR_ONE_PREFIX_V6, NULL,
			"all %zu IPv6 nameserver addresses of %s are in %s/48", n6, c->ev->domain,
			net);
	}
	if (n4 > 0 && n6 == 0 && c->ev->options.ipv6)
		chk_add(c, C_NO_IPV6, NULL, "no nameserver of %s has an IPv6 address (%s)",
			c->ev->domain, dd_buf_str(&b));
	dd_buf_free(&b);
	dd_ev_strlist_free(&all);
}

/* The last n labels of name (without the trailing dot) into out. */
static void last_labels(const char *name, int n, char *out, size_t outlen)
{
	size_t len = strlen(name);
	size_t end = len > 0 && name[len - 1] == '.' ? len - 1 : len;
	size_t start = end;
	int seen = 0;

	while (start > 0) {
		if (name[start - 1] == '.' && ++seen == n)
			break;
		start--;
	}
	snprintf(out, outlen, "%.*s", (int)(end - start), name + start);
}

static void names(struct chk_ctx *c)
{
	const struct dd_ev_strlist *ns = &c->facts->ns_names;
	char reg0[DD_NAME_MAX], tld0[DD_NAME_MAX], own_tld[DD_NAME_MAX];
	int one_reg = 1, one_tld = 1, inside = 1;
	struct dd_buf b;

	if (ns->n == 0)
		return;
	dd_buf_init(&b);
	chk_join(&b, ns, 8);
	if (ns->n == 1)
		chk_add(c, C_NS_TOO_FEW, NULL, "%s has a single nameserver name: %s", c->ev->domain,
			dd_buf_str(&b));
	dd_name_operator(ns->v[0], reg0);
	last_labels(ns->v[0], 1, tld0, sizeof(tld0));
	last_labels(c->ev->domain, 1, own_tld, sizeof(own_tld));
	for (size_t i = 0; i < ns->n && i < CHK_MAX_SET; i++) {
		char reg[DD_NAME_MAX], tld[DD_NAME_MAX];
		dd_name_operator(ns->v[i], reg);
		last_labels(ns->v[i], 1, tld, sizeof(tld));
		one_reg &= strcasecmp(reg, reg0) == 0;
		one_tld &= strcasecmp(tld, tld0) == 0;
		inside &= dd_name_is_subdomain(ns->v[i], c->ev->domain);
	}
	if (ns->n > 1 && inside)
		chk_add(c, C_NS_ALL_IN_BAILIWICK, NULL, "all nameservers of %s are inside it: %s",
			c->ev->domain, dd_buf_str(&b));
	else if (ns->n > 1 && one_reg)
		chk_add(c, C_NS_ONE_OPERATOR, NULL, "all nameservers of %s are under %s: %s",
			c->ev->domain, reg0, dd_buf_str(&b));
	if (ns->n > 1 && one_tld && strcasecmp(tld0, own_tld) != 0)
		chk_add(c, C_NS_ONE_TLD, NULL,
			"all nameservers of %s are under .%s, so an outage of .%s takes %s down too: %s",
			c->ev->domain, tld0, tld0, c->ev->domain, dd_buf_str(&b));
	dd_buf_free(&b);
}

void chk_diversity(struct chk_ctx *c)
{
	names(c);
	addrs(c);
}
