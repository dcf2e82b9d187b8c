/* verify.c: the ldns end of DNSSEC judging: records in presentation format
 * into RRsets, DS <-> DNSKEY matching, and the signatures over an RRset
 * judged with a set of trusted keys at a given time. Everything read from
 * the evidence is bounded (records per set, bytes per record). */
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "dnssec/sec_int.h"

#define MAX_TEXT 16384 /* bytes of one record's presentation form */
#define MAX_SCAN 256   /* strings of one list examined */

void sec_rrs_free(struct sec_rrs *x)
{
	ldns_rr_list_deep_free(x->rrs);
	ldns_rr_list_deep_free(x->sigs);
	x->rrs = NULL;
	x->sigs = NULL;
}

static int owner_is(const ldns_rr *rr, const ldns_rdf *owner)
{
	return !owner || ldns_dname_compare(ldns_rr_owner(rr), owner) == 0;
}

static ldns_rr_type covered(const ldns_rr *sig)
{
	const ldns_rdf *c = ldns_rr_rrsig_typecovered(sig);

	return c ? ldns_rdf2rr_type(c) : 0;
}

/* Add a copy of rr to l unless an equal record is there (answers from a
 * server may repeat a record; an RRset has none twice). */
static int add_unique(ldns_rr_list *l, ldns_rr *rr)
{
	for (size_t i = 0; i < ldns_rr_list_rr_count(l); i++)
		if (ldns_rr_compare(ldns_rr_list_rr(l, i), rr) == 0) {
			ldns_rr_free(rr);
			return 0;
		}
	if (!ldns_rr_list_push_rr(l, rr)) {
		ldns_rr_free(rr);
		return DD_ENOMEM;
	}
	return 0;
}

int sec_rrs_parse(const struct dd_ev_strlist *l, const char *owner, ldns_rr_type type,
		  struct sec_rrs *out)
{
	ldns_rdf *own = NULL;
	int rc = 0;

	out->rrs = ldns_rr_list_new();
	out->sigs = ldns_rr_list_new();
	if (owner && ldns_str2rdf_dname(&own, owner) != LDNS_STATUS_OK)
		own = NULL; /* an unusable name: nothing can match it */
	if (!out->rrs || !out->sigs) {
		ldns_rdf_deep_free(own);
		sec_rrs_free(out);
		return DD_ENOMEM;
	}
	if (owner && !own)
		return 0;
	for (size_t i = 0; l && i < l->n && i < MAX_SCAN && rc == 0; i++) {
		ldns_rr *rr = NULL;
		if (!l->v[i] || strlen(l->v[i]) > MAX_TEXT ||
		    ldns_rr_new_frm_str(&rr, l->v[i], 0, NULL, NULL) != LDNS_STATUS_OK)
			continue;
		if (!owner_is(rr, own) || ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN) {
			ldns_rr_free(rr);
		} else if (ldns_rr_get_type(rr) == type &&
			   ldns_rr_list_rr_count(out->rrs) < DD_SEC_MAX_RRS) {
			rc = add_unique(out->rrs, rr);
		} else if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_RRSIG && covered(rr) == type &&
			   ldns_rr_rd_count(rr) == 9 &&
			   ldns_rr_list_rr_count(out->sigs) < DD_SEC_MAX_SIGS) {
			rc = add_unique(out->sigs, rr);
		} else {
			ldns_rr_free(rr);
		}
	}
	ldns_rdf_deep_free(own);
	if (rc)
		sec_rrs_free(out);
	return rc;
}

uint16_t sec_u16(const ldns_rr *rr, size_t field)
{
	const ldns_rdf *f = ldns_rr_rdf(rr, field);

	if (!f)
		return 0;
	if (ldns_rdf_get_type(f) == LDNS_RDF_TYPE_INT8 || ldns_rdf_get_type(f) == LDNS_RDF_TYPE_ALG)
		return ldns_rdf_size(f) >= 1 ? ldns_rdf2native_int8(f) : 0;
	return ldns_rdf_size(f) >= 2 ? ldns_rdf2native_int16(f) : 0;
}

int sec_key_usable(const ldns_rr *key)
{
	return ldns_rr_rd_count(key) == 4 && (sec_u16(key, 0) & 0x0100) && /* zone key */
	       !(sec_u16(key, 0) & 0x0080) &&                             /* not revoked */
	       sec_u16(key, 1) == 3;                                      /* protocol */
}

int sec_alg_supported(unsigned alg)
{
	/* RFC 8624 3.1: RSAMD5 must not be validated; 0 is the delete signal. */
	return alg != 0 && alg != 1 && alg < 256 && ldns_key_algo_supported((int)alg);
}

int sec_digest_supported(unsigned digest)
{
	return digest == LDNS_SHA1 || digest == LDNS_SHA256 || digest == LDNS_SHA384;
}

/* The DS of key with the digest type of ds, compared with ds. Owners must
 * be equal (case-insensitive). */
int sec_ds_matches(const ldns_rr *ds, const ldns_rr *key)
{
	ldns_rr *mine;
	int eq;

	if (ldns_rr_rd_count(ds) != 4 || ldns_rr_rd_count(key) != 4 ||
	    ldns_dname_compare(ldns_rr_owner(ds), ldns_rr_owner(key)) != 0 ||
	    sec_u16(ds, 0) != ldns_calc_keytag(key) || sec_u16(ds, 1) != sec_u16(key, 2) ||
	    !sec_digest_supported(sec_u16(ds, 2)))
		return 0;
	mine = ldns_key_rr2ds(key, (ldns_hash)sec_u16(ds, 2));
	if (!mine)
		return 0;
	eq = ldns_rdf_compare(ldns_rr_rdf(mine, 3), ldns_rr_rdf(ds, 3)) == 0;
	ldns_rr_free(mine);
	return eq;
}

char *sec_rdata_text(const ldns_rr *rr)
{
	char *s = ldns_rr2str_fmt(ldns_output_format_nocomments, rr), *p;
	size_t len;

	if (!s)
		return NULL;
	/* owner TTL class type rdata: keep the rdata */
	p = s;
	for (int field = 0; field < 4 && *p; field++) {
		p += strcspn(p, " \t");
		p += strspn(p, " \t");
	}
	len = strlen(p);
	while (len && (p[len - 1] == '\n' || p[len - 1] == ' '))
		len--;
	memmove(s, p, len);
	s[len] = '\0';
	return s;
}

/* Better outcomes first: what a resolver would make of the best signature. */
static int rank(enum dd_sec_sig s)
{
	switch (s) {
	case DD_SEC_SIG_VALID: return 6;
	case DD_SEC_SIG_EXPIRED: return 5;
	case DD_SEC_SIG_NOT_YET: return 4;
	case DD_SEC_SIG_BAD: return 3;
	case DD_SEC_SIG_UNTRUSTED: return 2;
	case DD_SEC_SIG_UNSIGNED: return 1;
	default: return 0;
	}
}

static void better(struct dd_sec_sigcheck *c, enum dd_sec_sig s, int64_t when, int tag)
{
	if (rank(s) > rank(c->sig)) {
		c->sig = s;
		c->when = when;
		c->tag = tag;
		return;
	}
	if (s != c->sig)
		return;
	/* same outcome: keep the latest expiration (what a resolver can use
	 * longest), or the earliest inception */
	if ((s == DD_SEC_SIG_VALID || s == DD_SEC_SIG_EXPIRED) && when > c->when) {
		c->when = when;
		c->tag = tag;
	} else if (s == DD_SEC_SIG_NOT_YET && when < c->when) {
		c->when = when;
		c->tag = tag;
	}
}

static int64_t rdf_time(const ldns_rdf *r)
{
	return r ? (int64_t)(uint32_t)ldns_rdf2native_int32(r) : -1;
}

struct dd_sec_sigcheck sec_judge_sigs(const struct sec_rrs *set, const ldns_rr_list *trusted,
				      int64_t now)
{
	struct dd_sec_sigcheck c = { DD_SEC_SIG_NONE, -1, -1, -1 };
	size_t nsigs = set->sigs ? ldns_rr_list_rr_count(set->sigs) : 0;

	if (!set->rrs || ldns_rr_list_rr_count(set->rrs) == 0)
		return c;
	c.sig = DD_SEC_SIG_UNSIGNED;
	for (size_t i = 0; i < nsigs; i++) {
		ldns_rr *sig = ldns_rr_list_rr(set->sigs, i);
		uint16_t tag = sec_u16(sig, 6);
		uint8_t alg = (uint8_t)sec_u16(sig, 1);
		better(&c, DD_SEC_SIG_UNTRUSTED, -1, tag);
		for (size_t k = 0; trusted && k < ldns_rr_list_rr_count(trusted); k++) {
			ldns_rr *key = ldns_rr_list_rr(trusted, k);
			if (ldns_calc_keytag(key) != tag || sec_u16(key, 2) != alg ||
			    ldns_dname_compare(ldns_rr_owner(key), ldns_rr_rdf(sig, 7)) != 0)
				continue;
			ldns_status st = ldns_verify_rrsig_time(set->rrs, sig, key, (time_t)now);
			if (st == LDNS_STATUS_OK)
				better(&c, DD_SEC_SIG_VALID, rdf_time(ldns_rr_rdf(sig, 4)), tag);
			else if (st == LDNS_STATUS_CRYPTO_SIG_EXPIRED)
				better(&c, DD_SEC_SIG_EXPIRED, rdf_time(ldns_rr_rdf(sig, 4)), tag);
			else if (st == LDNS_STATUS_CRYPTO_SIG_NOT_INCEPTED)
				better(&c, DD_SEC_SIG_NOT_YET, rdf_time(ldns_rr_rdf(sig, 5)), tag);
			else
				better(&c, DD_SEC_SIG_BAD, -1, tag);
		}
	}
	return c;
}
