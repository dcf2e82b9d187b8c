/* judge.c: DNSSEC judging of an evidence record, as a validating resolver
 * would see it at a given time: the chain from the trust anchor down to the
 * parent zone, the domain's DS set at each parent server, each nameserver
 * address's DNSKEY set and the signatures over its SOA and NS sets, and
 * CDS/CDNSKEY. The result is plain data (sec.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/env.h"
#include "core/err.h"
#include "dnssec/sec_int.h"

#define MAX_ZONES 32   /* zones of the chain judged */
#define MAX_SERVERS 64 /* nameserver addresses judged */
#define MAX_PARENT 64  /* parent server addresses judged */

struct jctx {
	const struct dd_evidence *ev;
	const struct dd_ev_dnssec *sec;
	struct dd_sec_result *out;
	int64_t now;
	ldns_rr_list *anchor_ds;   /* anchor records (any owner) */
	ldns_rr_list *anchor_keys;
	ldns_rr_list *ds;          /* the domain's DS set: union over the parent servers */
	int failed;                /* DD_ENOMEM somewhere */
};

/* ---- small helpers ----------------------------------------------------- */

static int answered(const struct dd_ev_response *r)
{
	return r->state == DD_EV_ANSWER || r->state == DD_EV_NODATA;
}

static ldns_rr_list *list_new(struct jctx *j)
{
	ldns_rr_list *l = ldns_rr_list_new();

	if (!l)
		j->failed = DD_ENOMEM;
	return l;
}

/* Push a copy of rr unless an equal record is in l. */
static void push_copy(struct jctx *j, ldns_rr_list *l, const ldns_rr *rr, size_t max)
{
	ldns_rr *c;

	if (!l || ldns_rr_list_rr_count(l) >= max)
		return;
	for (size_t i = 0; i < ldns_rr_list_rr_count(l); i++)
		if (ldns_rr_compare(ldns_rr_list_rr(l, i), rr) == 0)
			return;
	c = ldns_rr_clone(rr);
	if (!c || !ldns_rr_list_push_rr(l, c)) {
		ldns_rr_free(c);
		j->failed = DD_ENOMEM;
	}
}

/* The records of l owned by zone (copies). */
static ldns_rr_list *owned_by(struct jctx *j, const ldns_rr_list *l, const char *zone)
{
	ldns_rr_list *out = list_new(j);
	ldns_rdf *z = NULL;

	if (!out || ldns_str2rdf_dname(&z, zone) != LDNS_STATUS_OK)
		return out;
	for (size_t i = 0; l && i < ldns_rr_list_rr_count(l); i++)
		if (ldns_dname_compare(ldns_rr_owner(ldns_rr_list_rr(l, i)), z) == 0)
			push_copy(j, out, ldns_rr_list_rr(l, i), DD_SEC_MAX_DS);
	ldns_rdf_deep_free(z);
	return out;
}

static void parse(struct jctx *j, const struct dd_ev_strlist *l, const char *owner,
		  ldns_rr_type type, struct sec_rrs *out)
{
	if (sec_rrs_parse(l, owner, type, out) != 0) {
		j->failed = DD_ENOMEM;
		out->rrs = NULL;
		out->sigs = NULL;
	}
}

static size_t count(const ldns_rr_list *l)
{
	return l ? ldns_rr_list_rr_count(l) : 0;
}

/* "2026-11-29 12:00 UTC" */
static void day(int64_t t, char *buf, size_t len)
{
	char iso[32];

	dd_clock_format(t, iso, sizeof(iso));
	snprintf(buf, len, "%.10s %.5s UTC", iso, iso + 11);
}

/* How a failed signature check reads after "the DNSKEY set of x ...". */
static void sig_phrase(const struct dd_sec_sigcheck *c, char *buf, size_t len)
{
	char when[40];

	switch (c->sig) {
	case DD_SEC_SIG_EXPIRED:
		day(c->when, when, sizeof(when));
		snprintf(buf, len, "has a signature by key %d that expired on %s", c->tag, when);
		return;
	case DD_SEC_SIG_NOT_YET:
		day(c->when, when, sizeof(when));
		snprintf(buf, len, "has a signature by key %d that is not valid before %s", c->tag,
			 when);
		return;
	case DD_SEC_SIG_BAD:
		snprintf(buf, len, "has a signature by key %d that does not verify", c->tag);
		return;
	case DD_SEC_SIG_UNTRUSTED:
		snprintf(buf, len, "is not signed by a key the DS or anchor designates");
		return;
	case DD_SEC_SIG_UNSIGNED:
		snprintf(buf, len, "has no signature");
		return;
	case DD_SEC_SIG_NONE:
		snprintf(buf, len, "is empty");
		return;
	default:
		snprintf(buf, len, "validates");
	}
}

/* "20326, 38696" */
static void tags(const ldns_rr_list *l, int ds, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < count(l) && o + 8 < len; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(l, i);
		unsigned t = ds ? sec_u16(rr, 0) : ldns_calc_keytag(rr);
		o += (size_t)snprintf(buf + o, len - o, "%s%u", i ? ", " : "", t);
	}
	if (!buf[0])
		snprintf(buf, len, "none");
}

/* ---- DNSKEY sets ------------------------------------------------------- */

/* Judge a DNSKEY set: the entry keys are the usable keys that a DS of ds
 * matches or that equal an anchor key; the set must be signed by one of
 * them. When it is, *trusted receives copies of every usable key of the
 * set. Returns the number of entry keys. */
static size_t judge_keyset(struct jctx *j, const struct sec_rrs *set, const ldns_rr_list *ds,
			   const ldns_rr_list *akeys, struct dd_sec_sigcheck *check,
			   ldns_rr_list *trusted)
{
	ldns_rr_list *entry = list_new(j);
	size_t n;

	for (size_t i = 0; entry && i < count(set->rrs); i++) {
		const ldns_rr *key = ldns_rr_list_rr(set->rrs, i);
		int hit = 0;
		if (!sec_key_usable(key) || !sec_alg_supported(sec_u16(key, 2)))
			continue;
		for (size_t d = 0; !hit && d < count(ds); d++)
			hit = sec_ds_matches(ldns_rr_list_rr(ds, d), key);
		for (size_t a = 0; !hit && a < count(akeys); a++)
			hit = ldns_rr_compare(ldns_rr_list_rr(akeys, a), key) == 0;
		if (hit)
			push_copy(j, entry, key, DD_SEC_MAX_KEYS);
	}
	*check = sec_judge_sigs(set, entry, j->now);
	n = count(entry);
	if (check->sig == DD_SEC_SIG_VALID && trusted)
		for (size_t i = 0; i < count(set->rrs); i++)
			if (sec_key_usable(ldns_rr_list_rr(set->rrs, i)))
				push_copy(j, trusted, ldns_rr_list_rr(set->rrs, i), DD_SEC_MAX_KEYS * 4);
	ldns_rr_list_deep_free(entry);
	return n;
}

/* ---- the proof that there is no DS -------------------------------------- */

/* The worse of two signature outcomes (VALID is the best; NONE counts as
 * nothing judged). */
static void worse(struct dd_sec_sigcheck *acc, const struct dd_sec_sigcheck *c)
{
	if (c->sig == DD_SEC_SIG_NONE)
		return;
	if (acc->sig == DD_SEC_SIG_NONE || acc->sig == DD_SEC_SIG_VALID)
		*acc = *c;
}

/* The signatures of every RRset (one per owner) of set, by keys: the worst. */
static struct dd_sec_sigcheck judge_each_owner(struct jctx *j, const struct sec_rrs *set,
					       const ldns_rr_list *keys)
{
	struct dd_sec_sigcheck acc = { DD_SEC_SIG_NONE, -1, -1, -1 };
	size_t n = count(set->rrs);

	for (size_t i = 0; i < n; i++) {
		const ldns_rdf *owner = ldns_rr_owner(ldns_rr_list_rr(set->rrs, i));
		struct sec_rrs one = { list_new(j), list_new(j) };
		struct dd_sec_sigcheck c;
		size_t first = i;
		/* once per owner: skip an owner met before */
		for (size_t k = 0; k < i && first == i; k++)
			if (ldns_dname_compare(ldns_rr_owner(ldns_rr_list_rr(set->rrs, k)), owner) == 0)
				first = k;
		if (first == i && one.rrs && one.sigs) {
			for (size_t k = i; k < n; k++)
				if (ldns_dname_compare(ldns_rr_owner(ldns_rr_list_rr(set->rrs, k)),
						       owner) == 0)
					push_copy(j, one.rrs, ldns_rr_list_rr(set->rrs, k), DD_SEC_MAX_RRS);
			for (size_t k = 0; k < count(set->sigs); k++)
				if (ldns_dname_compare(ldns_rr_owner(ldns_rr_list_rr(set->sigs, k)),
						       owner) == 0)
					push_copy(j, one.sigs, ldns_rr_list_rr(set->sigs, k),
						  DD_SEC_MAX_SIGS);
			c = sec_judge_sigs(&one, keys, j->now);
			worse(&acc, &c);
		}
		sec_rrs_free(&one);
	}
	return acc;
}

/* The type bitmap of an NSEC or NSEC3 record names type. */
static int bitmap_has(const ldns_rr *rr, ldns_rr_type type)
{
	const ldns_rdf *b = ldns_rr_get_type(rr) == LDNS_RR_TYPE_NSEC3 ? ldns_nsec3_bitmap(rr)
								       : ldns_nsec_get_bitmap(rr);

	return b && ldns_nsec_bitmap_covers_type(b, type);
}

/* hash(name).zone by the parameters of nsec3; NULL when it cannot be made
 * (an unknown hash algorithm, a hostile record): then nothing is proven. */
static ldns_rdf *nsec3_hashed(const ldns_rr *nsec3, const ldns_rdf *name, const ldns_rdf *zone)
{
	ldns_rdf *h = ldns_nsec3_hash_name_frm_nsec3(nsec3, name);

	if (h && ldns_dname_cat(h, zone) != LDNS_STATUS_OK) {
		ldns_rdf_deep_free(h);
		h = NULL;
	}
	return h;
}

/* RFC 5155 8.6, for a DS query: the NSEC3 matching the name's hash, without
 * DS or CNAME (nor SOA: the parent side of the cut) in its bitmap; or the
 * closest encloser proven and an opt-out NSEC3 covering the next closer
 * name. Written here rather than with ldns_dnssec_verify_denial_nsec3,
 * which leaks the hashed name on its success path (ldns 1.8.3). More than
 * NSEC3_MAX_ITER iterations is not accepted (RFC 9276 3.2: bounded work on
 * hostile input). */
#define NSEC3_MAX_ITER 500

static enum dd_sec_denial nsec3_proves(const ldns_rdf *qname, ldns_rr_list *l)
{
	const ldns_rr *first = ldns_rr_list_rr(l, 0);
	ldns_rdf *zone = ldns_dname_left_chop(ldns_rr_owner(first));
	ldns_rdf *hashed = NULL, *ce = NULL, *next = NULL, *hnext = NULL;
	enum dd_sec_denial d = DD_SEC_DENIAL_WRONG;
	size_t n = count(l);
	uint8_t qlabels = ldns_dname_label_count(qname);

	for (size_t i = 0; i < n; i++)
		if (ldns_nsec3_iterations(ldns_rr_list_rr(l, i)) > NSEC3_MAX_ITER)
			goto out;
	if (!zone || !(hashed = nsec3_hashed(first, qname, zone)))
		goto out;
	for (size_t i = 0; i < n; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(l, i);
		if (ldns_dname_compare(ldns_rr_owner(rr), hashed) != 0)
			continue;
		if (!bitmap_has(rr, LDNS_RR_TYPE_DS) && !bitmap_has(rr, LDNS_RR_TYPE_CNAME) &&
		    !bitmap_has(rr, LDNS_RR_TYPE_SOA))
			d = DD_SEC_DENIAL_PROVEN;
		goto out;
	}
	ce = ldns_dnssec_nsec3_closest_encloser(qname, LDNS_RR_TYPE_DS, l);
	if (!ce || ldns_dname_label_count(ce) >= qlabels)
		goto out;
	next = ldns_dname_clone_from(qname, (uint16_t)(qlabels - ldns_dname_label_count(ce) - 1));
	if (!next || !(hnext = nsec3_hashed(first, next, zone)))
		goto out;
	for (size_t i = 0; i < n; i++) {
		ldns_rr *rr = ldns_rr_list_rr(l, i);
		if (ldns_nsec3_optout(rr) && ldns_nsec_covers_name(rr, hnext)) {
			d = DD_SEC_DENIAL_OPT_OUT;
			break;
		}
	}
out:
	ldns_rdf_deep_free(zone);
	ldns_rdf_deep_free(hashed);
	ldns_rdf_deep_free(ce);
	ldns_rdf_deep_free(next);
	ldns_rdf_deep_free(hnext);
	return d;
}

/* Do the (validly signed) records prove that owner has no DS? The one at
 * the name must be the parent side of the delegation (NS, no SOA: RFC 4035
 * 5.2), which ldns does not check. */
static enum dd_sec_denial denial_proves(ldns_rr *q, struct sec_rrs *nsec, struct sec_rrs *nsec3)
{
	ldns_status st;

	for (size_t i = 0; i < count(nsec->rrs); i++)
		ldns_rr2canonical(ldns_rr_list_rr(nsec->rrs, i));
	for (size_t i = 0; i < count(nsec3->rrs); i++)
		ldns_rr2canonical(ldns_rr_list_rr(nsec3->rrs, i));
	if (count(nsec->rrs)) {
		st = ldns_dnssec_verify_denial(q, nsec->rrs, nsec->sigs);
		for (size_t i = 0; st == LDNS_STATUS_OK && i < count(nsec->rrs); i++) {
			ldns_rr *rr = ldns_rr_list_rr(nsec->rrs, i);
			if (ldns_dname_compare(ldns_rr_owner(rr), ldns_rr_owner(q)) == 0 &&
			    bitmap_has(rr, LDNS_RR_TYPE_SOA))
				st = LDNS_STATUS_ERR;
		}
		return st == LDNS_STATUS_OK ? DD_SEC_DENIAL_PROVEN : DD_SEC_DENIAL_WRONG;
	}
	return nsec3_proves(ldns_rr_owner(q), nsec3->rrs);
}

/* The proof that name has no DS in the answer of evidence exchange
 * (its authority section), by the keys of the zone above. d's name and
 * address are the caller's. Returns 0 when the evidence does not hold the
 * reply (an abridged document: no size, no sections): then nothing is
 * judged, rather than a proof called missing that was only not kept. */
static int judge_denial(struct jctx *j, const char *name, int exchange,
			const ldns_rr_list *parent_keys, struct dd_sec_denial_at *d)
{
	const struct dd_evidence *ev = j->ev;
	const struct dd_ev_exchange *x = NULL;
	struct dd_ev_strlist rendered[3] = { { 0 } };
	const struct dd_ev_strlist *auth = NULL;
	struct sec_rrs nsec = { 0 }, nsec3 = { 0 };
	ldns_rr *q = NULL;
	ldns_rdf *owner = NULL;

	d->kind = "";
	d->state = DD_SEC_DENIAL_MISSING;
	d->sig = (struct dd_sec_sigcheck){ DD_SEC_SIG_NONE, -1, -1, exchange };
	if (exchange >= 0 && (size_t)exchange < ev->nexchanges)
		x = &ev->exchanges[exchange];
	if (!x || (!x->wire && x->size < 0))
		return 0;
	if (x->wire) { /* a live run's reply, not rendered yet */
		dd_ev_sections_render(x->wire, x->wire_len, rendered);
		auth = &rendered[1];
	} else {
		auth = &x->authority;
	}
	parse(j, auth, NULL, LDNS_RR_TYPE_NSEC, &nsec);
	parse(j, auth, NULL, LDNS_RR_TYPE_NSEC3, &nsec3);
	if (count(nsec.rrs) || count(nsec3.rrs)) {
		const struct sec_rrs *use = count(nsec.rrs) ? &nsec : &nsec3;
		d->kind = count(nsec.rrs) ? "NSEC" : "NSEC3";
		d->sig = judge_each_owner(j, use, parent_keys);
		d->sig.exchange = exchange;
		if (d->sig.sig != DD_SEC_SIG_VALID) {
			d->state = DD_SEC_DENIAL_SIGS;
		} else if (ldns_str2rdf_dname(&owner, name) != LDNS_STATUS_OK ||
			   !(q = ldns_rr_new())) {
			d->state = DD_SEC_DENIAL_WRONG;
		} else {
			ldns_rr_set_owner(q, owner);
			owner = NULL;
			ldns_rr_set_type(q, LDNS_RR_TYPE_DS);
			ldns_rr_set_class(q, LDNS_RR_CLASS_IN);
			ldns_rr2canonical(q);
			d->state = denial_proves(q, &nsec, &nsec3);
		}
	}
	ldns_rr_free(q);
	ldns_rdf_deep_free(owner);
	sec_rrs_free(&nsec);
	sec_rrs_free(&nsec3);
	for (int i = 0; i < 3; i++)
		dd_ev_strlist_free(&rendered[i]);
	return 1;
}

/* ---- the chain above the domain ----------------------------------------- */

static const char *who(const struct dd_ev_sec_rrset *x, char *buf, size_t len)
{
	if (x->server && x->address)
		snprintf(buf, len, "%s (%s)", x->server, x->address);
	else
		snprintf(buf, len, "%s", x->server ? x->server : x->address ? x->address : "?");
	return buf;
}

/* Judge zone z given the trusted keys of the zone above (NULL when that
 * zone is not secure) and its state. On SECURE, *keys holds the zone's
 * trusted keys (owned by the caller). */
static void judge_zone(struct jctx *j, const struct dd_ev_sec_zone *ez, struct dd_sec_zone *z,
		       enum dd_sec_state above, const ldns_rr_list *above_keys,
		       ldns_rr_list **keys)
{
	ldns_rr_list *ads = owned_by(j, j->anchor_ds, ez->zone);
	ldns_rr_list *akeys = owned_by(j, j->anchor_keys, ez->zone);
	ldns_rr_list *ds = NULL;
	struct sec_rrs dsset = { 0 }, keyset = { 0 };
	struct dd_sec_sigcheck c;
	char w[300], t1[120], t2[120], ph[160];
	int anchored = count(ads) + count(akeys) > 0;

	z->zone = ez->zone;
	z->exchange = -1;
	*keys = NULL;
	if (!anchored) {
		if (above != DD_SEC_SECURE) {
			/* A root that does not validate from the anchor is a private
			 * root (a test bed, --root-hints), not a break a resolver on
			 * the Internet meets: below it nothing is validated. */
			int private_root = above == DD_SEC_BOGUS && j->out->above_zone &&
					   strcmp(j->out->above_zone, ".") == 0;
			z->state = above;
			j->out->private_root |= private_root;
			snprintf(z->why, sizeof(z->why), "%s", above == DD_SEC_INSECURE ?
				 "insecure: a zone above is not signed" : private_root ?
				 "not validated: private root (its keys are not the trust "
				 "anchor's; give its own with --trust-anchor)" : above == DD_SEC_BOGUS ?
				 "bogus: the chain is broken above" : "no trust anchor or secure "
				 "parent to validate it from");
			goto out;
		}
		z->exchange = ez->ds.r.exchange;
		if (!answered(&ez->ds.r)) {
			z->state = DD_SEC_UNKNOWN;
			snprintf(z->why, sizeof(z->why), "no answer to the DS query (%s: %s)",
				 who(&ez->ds, w, sizeof(w)), dd_ev_state_name(ez->ds.r.state));
			goto out;
		}
		parse(j, &ez->ds.records, ez->zone, LDNS_RR_TYPE_DS, &dsset);
		if (!count(dsset.rrs)) {
			struct dd_sec_denial_at d = { 0 };
			if (ez->ds.r.state == DD_EV_NODATA &&
			    judge_denial(j, ez->zone, ez->ds.r.exchange, above_keys, &d) &&
			    !dd_sec_denial_ok(d.state)) {
				z->state = DD_SEC_BOGUS;
				snprintf(z->why, sizeof(z->why), "the zone above says %s has no DS, but "
					 "%s does not prove it (%s%s%s)", ez->zone,
					 who(&ez->ds, w, sizeof(w)), d.kind, d.kind[0] ? ": " : "",
					 dd_sec_denial_why(&d));
				goto out;
			}
			z->state = DD_SEC_INSECURE;
			snprintf(z->why, sizeof(z->why), "insecure: no DS for %s in the zone above "
				 "(%s)", ez->zone, who(&ez->ds, w, sizeof(w)));
			goto out;
		}
		c = sec_judge_sigs(&dsset, above_keys, j->now);
		if (c.sig != DD_SEC_SIG_VALID) {
			z->state = DD_SEC_BOGUS;
			sig_phrase(&c, ph, sizeof(ph));
			snprintf(z->why, sizeof(z->why), "the DS set of %s from %s %s", ez->zone,
				 who(&ez->ds, w, sizeof(w)), ph);
			goto out;
		}
		ds = list_new(j);
		for (size_t i = 0; i < count(dsset.rrs); i++) {
			const ldns_rr *d = ldns_rr_list_rr(dsset.rrs, i);
			if (sec_alg_supported(sec_u16(d, 1)) && sec_digest_supported(sec_u16(d, 2)))
				push_copy(j, ds, d, DD_SEC_MAX_DS);
		}
		if (!count(ds)) {
			z->state = DD_SEC_INSECURE;
			snprintf(z->why, sizeof(z->why), "insecure: no DS for %s with an algorithm "
				 "and digest type that can be validated", ez->zone);
			goto out;
		}
	}
	z->exchange = ez->dnskey.r.exchange;
	if (!answered(&ez->dnskey.r)) {
		z->state = DD_SEC_UNKNOWN;
		snprintf(z->why, sizeof(z->why), "no answer to the DNSKEY query (%s: %s)",
			 who(&ez->dnskey, w, sizeof(w)), dd_ev_state_name(ez->dnskey.r.state));
		goto out;
	}
	parse(j, &ez->dnskey.records, ez->zone, LDNS_RR_TYPE_DNSKEY, &keyset);
	tags(anchored ? (count(ads) ? ads : akeys) : ds, anchored ? count(ads) > 0 : 1, t1,
	     sizeof(t1));
	tags(keyset.rrs, 0, t2, sizeof(t2));
	if (!count(keyset.rrs)) {
		z->state = DD_SEC_BOGUS;
		snprintf(z->why, sizeof(z->why), "%s (%s) serves no DNSKEY, but the %s names key%s "
			 "%s", ez->zone, who(&ez->dnskey, w, sizeof(w)),
			 anchored ? "trust anchor" : "DS", strchr(t1, ',') ? "s" : "", t1);
		goto out;
	}
	*keys = list_new(j);
	if (judge_keyset(j, &keyset, anchored ? ads : ds, akeys, &c, *keys) == 0) {
		z->state = DD_SEC_BOGUS;
		snprintf(z->why, sizeof(z->why), "the DNSKEY set of %s (%s: keys %s) has no key "
			 "that the %s (%s) designates", ez->zone, who(&ez->dnskey, w, sizeof(w)), t2,
			 anchored ? "trust anchor" : "DS", t1);
	} else if (c.sig != DD_SEC_SIG_VALID) {
		z->state = DD_SEC_BOGUS;
		sig_phrase(&c, ph, sizeof(ph));
		snprintf(z->why, sizeof(z->why), "the DNSKEY set of %s from %s %s", ez->zone,
			 who(&ez->dnskey, w, sizeof(w)), ph);
	} else {
		z->state = DD_SEC_SECURE;
		snprintf(z->why, sizeof(z->why), "secure: DNSKEY set (keys %s) signed by key %d, "
			 "which the %s designates", t2, c.tag, anchored ? "trust anchor" : "DS");
		z->exchange = -1;
	}
out:
	if (z->state != DD_SEC_SECURE && *keys) {
		ldns_rr_list_deep_free(*keys);
		*keys = NULL;
	}
	ldns_rr_list_deep_free(ads);
	ldns_rr_list_deep_free(akeys);
	ldns_rr_list_deep_free(ds);
	sec_rrs_free(&dsset);
	sec_rrs_free(&keyset);
}

/* The chain, root first. Returns the parent zone's trusted keys (owned by
 * the caller) when it is secure. */
static ldns_rr_list *judge_chain(struct jctx *j)
{
	const struct dd_ev_dnssec *sec = j->sec;
	struct dd_sec_result *out = j->out;
	size_t n = sec->nzones < MAX_ZONES ? sec->nzones : MAX_ZONES;
	enum dd_sec_state above = DD_SEC_UNKNOWN;
	ldns_rr_list *keys = NULL;

	out->zones = calloc(n ? n : 1, sizeof(*out->zones));
	if (!out->zones) {
		j->failed = DD_ENOMEM;
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		ldns_rr_list *next = NULL;
		judge_zone(j, &sec->zones[i], &out->zones[i], above, keys, &next);
		ldns_rr_list_deep_free(keys);
		keys = next;
		above = out->zones[i].state;
		out->nzones++;
		if (above != DD_SEC_SECURE && !out->above_zone) {
			out->above_zone = sec->zones[i].zone;
			snprintf(out->above_why, sizeof(out->above_why), "%s", out->zones[i].why);
		}
		if (above == DD_SEC_SECURE)
			out->above_zone = NULL; /* an anchor below restarts the chain */
	}
	out->above = above;
	if (above != DD_SEC_SECURE) {
		ldns_rr_list_deep_free(keys);
		keys = NULL;
	}
	return keys;
}

/* ---- the DS set at the parent ------------------------------------------ */

static const struct dd_ev_sec_parent *sigs_of(const struct dd_ev_dnssec *sec, const char *name,
					      const char *address)
{
	for (size_t i = 0; i < sec->nparent; i++) {
		const struct dd_ev_sec_parent *p = &sec->parent[i];
		if (p->name && name && strcasecmp(p->name, name) == 0 &&
		    ((!p->address && !address) ||
		     (p->address && address && strcasecmp(p->address, address) == 0)))
			return p;
	}
	return NULL;
}

static void judge_parent_ds(struct jctx *j, const ldns_rr_list *parent_keys)
{
	const struct dd_evidence *ev = j->ev;
	struct dd_sec_result *out = j->out;
	size_t n = ev->parent.nservers < MAX_PARENT ? ev->parent.nservers : MAX_PARENT;

	j->ds = list_new(j);
	out->parent = calloc(n ? n : 1, sizeof(*out->parent));
	out->denials = calloc(n ? n : 1, sizeof(*out->denials));
	if (!out->parent || !out->denials || !j->ds) {
		j->failed = DD_ENOMEM;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct dd_ev_parent_server *ps = &ev->parent.servers[i];
		const struct dd_ev_sec_parent *sp;
		struct sec_rrs set = { 0 }, sigs = { 0 };
		if (ps->ds.r.state == DD_EV_SKIPPED)
			continue;
		out->ds_asked++;
		out->ds_nxdomain += ps->ds.r.state == DD_EV_NXDOMAIN;
		if (!answered(&ps->ds.r))
			continue;
		out->ds_answered++;
		parse(j, &ps->ds.records, ev->domain, LDNS_RR_TYPE_DS, &set);
		for (size_t k = 0; k < count(set.rrs); k++)
			push_copy(j, j->ds, ldns_rr_list_rr(set.rrs, k), DD_SEC_MAX_DS);
		if (count(set.rrs)) {
			struct dd_sec_parent *p = &out->parent[out->nparent++];
			sp = sigs_of(j->sec, ps->name, ps->address);
			if (sp)
				parse(j, &sp->rrsigs, ev->domain, LDNS_RR_TYPE_DS, &sigs);
			ldns_rr_list_deep_free(set.sigs);
			set.sigs = sigs.sigs;
			sigs.sigs = NULL;
			p->name = ps->name;
			p->address = ps->address;
			p->ds.sig = DD_SEC_SIG_NONE;
			p->ds.when = -1;
			p->ds.tag = -1;
			if (parent_keys)
				p->ds = sec_judge_sigs(&set, parent_keys, j->now);
			p->ds.exchange = ps->ds.r.exchange;
		} else if (parent_keys && ps->ds.r.state == DD_EV_NODATA) {
			struct dd_sec_denial_at *d = &out->denials[out->ndenials];
			d->name = ps->name;
			d->address = ps->address;
			if (judge_denial(j, ev->domain, ps->ds.r.exchange, parent_keys, d))
				out->ndenials++;
		}
		sec_rrs_free(&set);
		sec_rrs_free(&sigs);
	}
}

/* ---- the domain's servers ---------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The set's rdata texts, sorted and joined by newlines (heap), or NULL. */
static char *set_text(struct jctx *j, const ldns_rr_list *l)
{
	size_t n = count(l), total = 1;
	char **v;
	char *s = NULL;

	if (!n)
		return NULL;
	v = calloc(n, sizeof(*v));
	if (!v)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		v[i] = sec_rdata_text(ldns_rr_list_rr(l, i));
		if (!v[i])
			goto fail;
		total += strlen(v[i]) + 1;
	}
	qsort(v, n, sizeof(*v), cmp_str);
	s = malloc(total);
	if (!s)
		goto fail;
	s[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		strcat(s, v[i]);
		strcat(s, "\n");
	}
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
	return s;
fail:
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
	j->failed = DD_ENOMEM;
	return NULL;
}

static void note_keys(struct dd_sec_key *keys, size_t *n, const ldns_rr_list *l,
		      const ldns_rr_list *ds)
{
	for (size_t i = 0; i < count(l); i++) {
		const ldns_rr *key = ldns_rr_list_rr(l, i);
		struct dd_sec_key k = { ldns_calc_keytag(key), (uint8_t)sec_u16(key, 2),
					sec_u16(key, 0), 0 };
		size_t m;
		for (size_t d = 0; !k.ds && d < count(ds); d++)
			k.ds = sec_ds_matches(ldns_rr_list_rr(ds, d), key);
		for (m = 0; m < *n; m++)
			if (keys[m].tag == k.tag && keys[m].alg == k.alg && keys[m].flags == k.flags)
				break;
		if (m == *n && *n < DD_SEC_MAX_KEYS)
			keys[(*n)++] = k;
	}
}

/* CDS/CDNSKEY of one server against its keys and the DS set. */
static void judge_cds(struct jctx *j, const struct dd_ev_sec_server *es, struct dd_sec_server *s,
		      const ldns_rr_list *keys)
{
	struct sec_rrs cds = { 0 }, cdk = { 0 };
	const char *dom = j->ev->domain;

	parse(j, &es->cds.records, dom, LDNS_RR_TYPE_CDS, &cds);
	parse(j, &es->cdnskey.records, dom, LDNS_RR_TYPE_CDNSKEY, &cdk);
	s->ncds = count(cds.rrs);
	s->ncdnskey = count(cdk.rrs);
	s->cds_exchange = s->ncds ? es->cds.r.exchange : s->ncdnskey ? es->cdnskey.r.exchange : -1;
	size_t live_cds = 0, live_cdk = 0;
	for (size_t i = 0; i < count(cds.rrs); i++) {
		ldns_rr *c = ldns_rr_list_rr(cds.rrs, i);
		int hit = 0;
		if (ldns_rr_rd_count(c) != 4)
			continue;
		if (sec_u16(c, 0) == 0 && sec_u16(c, 1) == 0) {
			s->cds_delete = 1;
			continue;
		}
		live_cds++;
		if (s->ncds_tags < DD_SEC_MAX_DS)
			s->cds_tags[s->ncds_tags++] = sec_u16(c, 0);
		for (size_t k = 0; !hit && k < count(keys); k++)
			hit = sec_ds_matches(c, ldns_rr_list_rr(keys, k));
		if (!hit)
			s->cds_no_key = 1;
	}
	for (size_t i = 0; i < count(cdk.rrs); i++) {
		ldns_rr *c = ldns_rr_list_rr(cdk.rrs, i);
		int hit = 0;
		if (ldns_rr_rd_count(c) != 4)
			continue;
		ldns_rr_set_type(c, LDNS_RR_TYPE_DNSKEY); /* same rdata: judge it as a key */
		if (sec_u16(c, 2) == 0) {
			s->cds_delete = 1;
			continue;
		}
		live_cdk++;
		if (s->ncds_tags < DD_SEC_MAX_DS)
			s->cds_tags[s->ncds_tags++] = ldns_calc_keytag(c);
		for (size_t k = 0; !hit && k < count(keys); k++)
			hit = ldns_rdf_compare(ldns_rr_rdf(c, 3),
					       ldns_rr_rdf(ldns_rr_list_rr(keys, k), 3)) == 0 &&
			      sec_u16(c, 2) == sec_u16(ldns_rr_list_rr(keys, k), 2);
		if (!hit)
			s->cds_no_key = 1;
	}
	if (count(j->ds) && live_cds) {
		/* the DS set the zone asks for against the one the parent has */
		for (size_t i = 0; i < count(cds.rrs); i++)
			ldns_rr_set_type(ldns_rr_list_rr(cds.rrs, i), LDNS_RR_TYPE_DS);
		char *want = set_text(j, cds.rrs), *have = set_text(j, j->ds);
		s->cds_not_ds = want && have && strcasecmp(want, have) != 0;
		free(want);
		free(have);
	} else if (count(j->ds) && live_cdk) {
		for (size_t d = 0; d < count(j->ds); d++) {
			int hit = 0;
			for (size_t k = 0; !hit && k < count(cdk.rrs); k++)
				hit = sec_ds_matches(ldns_rr_list_rr(j->ds, d),
						     ldns_rr_list_rr(cdk.rrs, k));
			s->cds_not_ds |= !hit;
		}
		for (size_t k = 0; k < count(cdk.rrs); k++) {
			int hit = sec_u16(ldns_rr_list_rr(cdk.rrs, k), 2) == 0;
			for (size_t d = 0; !hit && d < count(j->ds); d++)
				hit = sec_ds_matches(ldns_rr_list_rr(j->ds, d),
						     ldns_rr_list_rr(cdk.rrs, k));
			s->cds_not_ds |= !hit;
		}
	}
	sec_rrs_free(&cds);
	sec_rrs_free(&cdk);
}

/* First pass over one server: its DNSKEY set, over UDP (else TCP), judged
 * against the DS set; its validated keys are added to trusted. */
static void judge_server_keys(struct jctx *j, const struct dd_ev_sec_server *es,
			      struct dd_sec_server *s, const ldns_rr_list *ds,
			      const ldns_rr_list *akeys, ldns_rr_list *trusted, ldns_rr_list *served)
{
	const char *dom = j->ev->domain;
	int udp = answered(&es->dnskey_udp.r), tcp = answered(&es->dnskey_tcp.r);
	const struct dd_ev_sec_rrset *use = udp ? &es->dnskey_udp : &es->dnskey_tcp;
	struct sec_rrs set = { 0 };

	s->name = es->name;
	s->address = es->address;
	s->dnskey.sig = s->soa.sig = s->ns.sig = DD_SEC_SIG_NONE;
	s->dnskey.when = s->soa.when = s->ns.when = -1;
	s->dnskey.tag = s->soa.tag = s->ns.tag = -1;
	s->dnskey.exchange = s->soa.exchange = s->ns.exchange = -1;
	s->keys_exchange = s->cds_exchange = -1;
	if (!udp && !tcp)
		return;
	s->answered = 1;
	s->from_tcp = !udp;
	s->keys_exchange = use->r.exchange;
	parse(j, &use->records, dom, LDNS_RR_TYPE_DNSKEY, &set);
	note_keys(s->keys, &s->nkeys, set.rrs, ds);
	s->keyset = set_text(j, set.rrs);
	for (size_t i = 0; i < s->nkeys; i++)
		s->ds_match |= s->keys[i].ds;
	for (size_t i = 0; i < count(set.rrs); i++)
		push_copy(j, served, ldns_rr_list_rr(set.rrs, i), DD_SEC_MAX_KEYS * 4);
	if (udp && tcp) {
		struct sec_rrs other = { 0 };
		char *t;
		parse(j, &es->dnskey_tcp.records, dom, LDNS_RR_TYPE_DNSKEY, &other);
		t = set_text(j, other.rrs);
		s->udp_tcp_differ = (t || s->keyset) && (!t || !s->keyset || strcmp(t, s->keyset));
		free(t);
		sec_rrs_free(&other);
	}
	if (count(set.rrs)) {
		judge_keyset(j, &set, ds, akeys, &s->dnskey, trusted);
		s->dnskey.exchange = use->r.exchange;
	}
	judge_cds(j, es, s, set.rrs);
	sec_rrs_free(&set);
}

static void judge_rrset(struct jctx *j, const struct dd_ev_sec_rrset *x, ldns_rr_type type,
			const ldns_rr_list *trusted, struct dd_sec_sigcheck *c)
{
	struct sec_rrs set = { 0 };

	if (!answered(&x->r))
		return;
	parse(j, &x->records, j->ev->domain, type, &set);
	*c = sec_judge_sigs(&set, trusted, j->now);
	c->exchange = x->r.exchange;
	sec_rrs_free(&set);
}

static int server_ok(const struct dd_sec_server *s)
{
	return s->dnskey.sig == DD_SEC_SIG_VALID &&
	       (s->soa.sig == DD_SEC_SIG_VALID || s->soa.sig == DD_SEC_SIG_NONE) &&
	       (s->ns.sig == DD_SEC_SIG_VALID || s->ns.sig == DD_SEC_SIG_NONE);
}

static void judge_servers(struct jctx *j)
{
	const struct dd_ev_dnssec *sec = j->sec;
	struct dd_sec_result *out = j->out;
	size_t n = sec->nservers < MAX_SERVERS ? sec->nservers : MAX_SERVERS;
	ldns_rr_list *ads = owned_by(j, j->anchor_ds, j->ev->domain);
	ldns_rr_list *akeys = owned_by(j, j->anchor_keys, j->ev->domain);
	ldns_rr_list *ds = list_new(j), *trusted = list_new(j), *served = list_new(j);

	out->servers = calloc(n ? n : 1, sizeof(*out->servers));
	if (!out->servers || !ds || !trusted || !served) {
		j->failed = DD_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < count(j->ds); i++) {
		const ldns_rr *d = ldns_rr_list_rr(j->ds, i);
		if (sec_alg_supported(sec_u16(d, 1)) && sec_digest_supported(sec_u16(d, 2)))
			push_copy(j, ds, d, DD_SEC_MAX_DS);
	}
	for (size_t i = 0; i < count(ads); i++)
		push_copy(j, ds, ldns_rr_list_rr(ads, i), DD_SEC_MAX_DS * 2);
	for (size_t i = 0; i < n; i++) {
		judge_server_keys(j, &sec->servers[i], &out->servers[i], ds, akeys, trusted, served);
		out->nservers++;
		out->answered += out->servers[i].answered;
	}
	/* SOA and NS: signed by a validated key; with none validated anywhere,
	 * judged against every key served, so that expiry still shows. */
	for (size_t i = 0; i < n; i++) {
		struct dd_sec_server *s = &out->servers[i];
		const ldns_rr_list *keys = count(trusted) ? trusted : served;
		if (!s->answered)
			continue;
		judge_rrset(j, &sec->servers[i].soa, LDNS_RR_TYPE_SOA, keys, &s->soa);
		judge_rrset(j, &sec->servers[i].ns, LDNS_RR_TYPE_NS, keys, &s->ns);
	}
	note_keys(out->keys, &out->nkeys, served, j->ds);
out:
	ldns_rr_list_deep_free(ads);
	ldns_rr_list_deep_free(akeys);
	ldns_rr_list_deep_free(ds);
	ldns_rr_list_deep_free(trusted);
	ldns_rr_list_deep_free(served);
}

/* The DS table: each DS with whether it can be validated and matches. */
static void note_ds(struct jctx *j)
{
	struct dd_sec_result *out = j->out;

	for (size_t i = 0; i < count(j->ds) && out->nds < DD_SEC_MAX_DS; i++) {
		const ldns_rr *d = ldns_rr_list_rr(j->ds, i);
		struct dd_sec_ds *x = &out->ds[out->nds++];
		x->tag = sec_u16(d, 0);
		x->alg = (uint8_t)sec_u16(d, 1);
		x->digest = (uint8_t)sec_u16(d, 2);
		x->supported = sec_alg_supported(x->alg) && sec_digest_supported(x->digest);
		for (size_t k = 0; k < out->nkeys; k++) {
			if (out->keys[k].tag != x->tag || out->keys[k].alg != x->alg)
				continue;
			x->tag_only = 1;
		}
	}
	/* matched: some server serves a key this DS designates */
	for (size_t s = 0; s < out->nservers; s++) {
		struct sec_rrs set = { 0 };
		const struct dd_ev_sec_server *es = &j->sec->servers[s];
		const struct dd_ev_sec_rrset *use = answered(&es->dnskey_udp.r) ? &es->dnskey_udp :
						    &es->dnskey_tcp;
		parse(j, &use->records, j->ev->domain, LDNS_RR_TYPE_DNSKEY, &set);
		for (size_t i = 0; i < out->nds; i++)
			for (size_t k = 0; !out->ds[i].matched && k < count(set.rrs); k++)
				out->ds[i].matched = sec_ds_matches(ldns_rr_list_rr(j->ds, i),
								    ldns_rr_list_rr(set.rrs, k));
		sec_rrs_free(&set);
	}
	for (size_t i = 0; i < out->nds; i++)
		if (out->ds[i].matched)
			out->ds[i].tag_only = 0;
}

/* ---- the domain --------------------------------------------------------- */

static void set_state(struct dd_sec_result *out, enum dd_sec_state st, enum dd_sec_reason why,
		      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void set_state(struct dd_sec_result *out, enum dd_sec_state st, enum dd_sec_reason why,
		      const char *fmt, ...)
{
	va_list ap;

	out->state = st;
	out->reason = why;
	va_start(ap, fmt);
	vsnprintf(out->why, sizeof(out->why), fmt, ap);
	va_end(ap);
}

static int crypto_ok(enum dd_sec_sig s)
{
	return s == DD_SEC_SIG_EXPIRED || s == DD_SEC_SIG_NOT_YET || s == DD_SEC_SIG_BAD;
}

static void decide(struct jctx *j)
{
	struct dd_sec_result *out = j->out;
	size_t supported = 0, keys = 0, keyset_ok = 0, keyset_signed = 0, ok = 0, ds_ok = 0;
	size_t proven = 0;
	const char *az = out->above_zone ? out->above_zone : "?";

	for (size_t i = 0; i < out->nds; i++)
		supported += out->ds[i].supported;
	for (size_t i = 0; i < out->nparent; i++)
		ds_ok += out->parent[i].ds.sig == DD_SEC_SIG_VALID;
	for (size_t i = 0; i < out->nservers; i++) {
		const struct dd_sec_server *s = &out->servers[i];
		keys += s->nkeys > 0;
		keyset_ok += s->dnskey.sig == DD_SEC_SIG_VALID;
		keyset_signed += s->ds_match && crypto_ok(s->dnskey.sig);
		ok += s->answered && server_ok(s);
	}
	for (size_t i = 0; i < out->ndenials; i++)
		proven += dd_sec_denial_ok(out->denials[i].state);
	/* A chain broken below the root fails everything under it, whatever
	 * the parent says about the domain's DS. A root that does not validate
	 * from the anchor is a private root (a test bed, --root-hints) rather
	 * than a break a resolver on the Internet would meet: there a domain
	 * without DS stays "insecure", as before. */
	if (out->above == DD_SEC_BOGUS && out->above_zone && strcmp(out->above_zone, ".") != 0)
		set_state(out, DD_SEC_BOGUS, DD_SEC_R_ABOVE_BOGUS,
			  "the chain of trust is broken at %s: %s", az, out->above_why);
	else if (out->ds_answered == 0 && out->ds_asked == 0)
		set_state(out, DD_SEC_UNKNOWN, DD_SEC_R_NO_DS_ANSWER,
			  "no parent server was asked for its DS records");
	else if (out->ds_answered == 0 && out->ds_nxdomain)
		set_state(out, DD_SEC_UNKNOWN, DD_SEC_R_NO_DS_ANSWER,
			  "nothing to validate: %zu of %zu parent server addresses say the domain "
			  "does not exist (NXDOMAIN)", out->ds_nxdomain, out->ds_asked);
	else if (out->ds_answered == 0)
		set_state(out, DD_SEC_UNKNOWN, DD_SEC_R_NO_DS_ANSWER,
			  "no parent server answered the DS query");
	else if (out->nds == 0 && out->ndenials > 0 && proven == 0)
		set_state(out, DD_SEC_BOGUS, DD_SEC_R_DS_DENIAL,
			  "the parent zone is signed, but none of its %zu server address%s that "
			  "answered proves that there is no DS (%s)", out->ndenials,
			  out->ndenials == 1 ? "" : "es", dd_sec_denial_why(&out->denials[0]));
	else if (out->nds == 0)
		set_state(out, DD_SEC_INSECURE, DD_SEC_R_NO_DS, "no DS at the parent");
	else if (out->above == DD_SEC_INSECURE)
		set_state(out, DD_SEC_INSECURE, DD_SEC_R_ABOVE_INSECURE,
			  "the chain of trust ends above the domain, at %s: %s", az, out->above_why);
	else if (out->above == DD_SEC_BOGUS)
		set_state(out, DD_SEC_BOGUS, DD_SEC_R_ABOVE_BOGUS,
			  "the chain of trust is broken at %s: %s", az, out->above_why);
	else if (supported == 0)
		set_state(out, DD_SEC_INSECURE, DD_SEC_R_DS_UNSUPPORTED,
			  "no DS with an algorithm and digest type that can be validated");
	else if (out->above == DD_SEC_SECURE && out->nparent && ds_ok == 0)
		set_state(out, DD_SEC_BOGUS, DD_SEC_R_PARENT_DS,
			  "the DS set at the parent does not validate");
	else if (out->answered == 0)
		set_state(out, DD_SEC_UNKNOWN, DD_SEC_R_NO_KEY_ANSWER,
			  "no nameserver answered the DNSKEY query");
	else if (keys == 0)
		set_state(out, DD_SEC_BOGUS, DD_SEC_R_UNSIGNED_ZONE,
			  "DS at the parent, but no nameserver serves a DNSKEY");
	else if (keyset_ok == 0 && keyset_signed == 0)
		set_state(out, DD_SEC_BOGUS, DD_SEC_R_NO_DS_MATCH,
			  "no DS designates a key that signs the DNSKEY set");
	else if (keyset_ok == 0)
		set_state(out, DD_SEC_BOGUS, DD_SEC_R_KEYSET_SIGS,
			  "the DNSKEY set's signatures fail at every nameserver");
	else if (ok == 0)
		set_state(out, DD_SEC_BOGUS, DD_SEC_R_RRSET_SIGS,
			  "no nameserver serves validly signed SOA and NS sets");
	else
		set_state(out, DD_SEC_SECURE, DD_SEC_R_SECURE,
			  "validates at %zu of %zu nameserver addresses", ok, out->answered);
}

static void load_anchor(struct jctx *j)
{
	struct dd_ev_strlist builtin = { 0 };
	const struct dd_ev_strlist *use = &j->sec->anchor;
	struct sec_rrs a = { 0 }, k = { 0 };
	char why[120];

	if (!use->n) {
		if (dd_ev_anchor_parse(dd_ev_anchor_builtin(), &builtin, why, sizeof(why)) ==
		    DD_ENOMEM)
			j->failed = DD_ENOMEM;
		use = &builtin;
	}
	parse(j, use, NULL, LDNS_RR_TYPE_DS, &a);
	parse(j, use, NULL, LDNS_RR_TYPE_DNSKEY, &k);
	j->anchor_ds = a.rrs;
	j->anchor_keys = k.rrs;
	ldns_rr_list_deep_free(a.sigs);
	ldns_rr_list_deep_free(k.sigs);
	dd_ev_strlist_free(&builtin);
}

int dd_sec_judge(const struct dd_evidence *ev, int64_t now, struct dd_sec_result *out)
{
	struct jctx j = { ev, &ev->dnssec, out, now, NULL, NULL, NULL, 0 };
	ldns_rr_list *parent_keys;

	memset(out, 0, sizeof(*out));
	out->now = now;
	if (!ev->dnssec.present)
		return 0;
	out->judged = 1;
	load_anchor(&j);
	parent_keys = judge_chain(&j);
	judge_parent_ds(&j, parent_keys);
	judge_servers(&j);
	note_ds(&j);
	decide(&j);
	ldns_rr_list_deep_free(parent_keys);
	ldns_rr_list_deep_free(j.anchor_ds);
	ldns_rr_list_deep_free(j.anchor_keys);
	ldns_rr_list_deep_free(j.ds);
	return j.failed;
}

void dd_sec_result_free(struct dd_sec_result *r)
{
	for (size_t i = 0; r->servers && i < r->nservers; i++)
		free(r->servers[i].keyset);
	free(r->servers);
	free(r->zones);
	free(r->parent);
	free(r->denials);
	memset(r, 0, sizeof(*r));
}

/* ---- names -------------------------------------------------------------- */

const char *dd_sec_sig_name(enum dd_sec_sig s)
{
	static const char *const names[] = { "none", "valid", "expired", "not yet valid",
					     "does not verify", "not signed by a trusted key",
					     "unsigned" };
	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

const char *dd_sec_state_name(enum dd_sec_state s)
{
	static const char *const names[] = { "unknown", "secure", "insecure", "bogus" };
	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

const char *dd_sec_denial_name(enum dd_sec_denial d)
{
	static const char *const names[] = { "proven", "proven (opt-out)",
					     "no NSEC or NSEC3 records",
					     "their signatures do not validate",
					     "they do not prove it" };
	return (unsigned)d < sizeof(names) / sizeof(names[0]) ? names[d] : "?";
}

int dd_sec_denial_ok(enum dd_sec_denial d)
{
	return d == DD_SEC_DENIAL_PROVEN || d == DD_SEC_DENIAL_OPT_OUT;
}

const char *dd_sec_denial_why(const struct dd_sec_denial_at *d)
{
	if (d->state != DD_SEC_DENIAL_SIGS)
		return dd_sec_denial_name(d->state);
	switch (d->sig.sig) {
	case DD_SEC_SIG_EXPIRED: return "their signatures expired";
	case DD_SEC_SIG_NOT_YET: return "their signatures are not valid yet";
	case DD_SEC_SIG_UNTRUSTED: return "they are signed by a key the zone does not publish";
	case DD_SEC_SIG_UNSIGNED: return "they are not signed";
	default: return "their signatures do not verify";
	}
}

const char *dd_sec_alg_name(unsigned alg, char *buf, size_t len)
{
	static const char *const names[] = {
		[1] = "RSAMD5", [3] = "DSA", [5] = "RSASHA1", [6] = "DSA-NSEC3-SHA1",
		[7] = "RSASHA1-NSEC3-SHA1", [8] = "RSASHA256", [10] = "RSASHA512",
		[12] = "ECC-GOST", [13] = "ECDSAP256SHA256", [14] = "ECDSAP384SHA384",
		[15] = "ED25519", [16] = "ED448",
	};
	if (alg < sizeof(names) / sizeof(names[0]) && names[alg])
		snprintf(buf, len, "%s", names[alg]);
	else
		snprintf(buf, len, "ALG%u", alg);
	return buf;
}

const char *dd_sec_digest_name(unsigned digest, char *buf, size_t len)
{
	static const char *const names[] = { [1] = "SHA-1", [2] = "SHA-256", [3] = "GOST R 34.11-94",
					     [4] = "SHA-384" };
	if (digest < sizeof(names) / sizeof(names[0]) && names[digest])
		snprintf(buf, len, "%s", names[digest]);
	else
		snprintf(buf, len, "DIGEST%u", digest);
	return buf;
}

int dd_sec_alg_deprecated(unsigned alg)
{
	return alg == 1 || alg == 3 || alg == 5 || alg == 6 || alg == 7 || alg == 12;
}
