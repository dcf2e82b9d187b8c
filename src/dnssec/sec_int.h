/* sec_int.h: shared between the files of the dnssec module only (not part
 * of its interface): RRsets parsed from the evidence and the ldns helpers
 * that judge them. */
#ifndef DD_DNSSEC_SEC_INT_H
#define DD_DNSSEC_SEC_INT_H

#include <ldns/ldns.h>

#include "dnssec/sec.h"

/* One RRset and the RRSIGs covering it (both owning their records). */
struct sec_rrs {
	ldns_rr_list *rrs;
	ldns_rr_list *sigs;
};

/* Parse the records of l (presentation format) of class IN owned by owner
 * (NULL: any owner): those of type go to rrs, RRSIGs covering type to sigs.
 * Records that do not parse are ignored; duplicates are dropped; at most
 * DD_SEC_MAX_RRS records and DD_SEC_MAX_SIGS signatures are kept. 0 or
 * DD_ENOMEM (then out is empty). */
int sec_rrs_parse(const struct dd_ev_strlist *l, const char *owner, ldns_rr_type type,
		  struct sec_rrs *out);
void sec_rrs_free(struct sec_rrs *x);

/* A 1- or 2-byte integer field of rr's rdata (0 when absent). */
uint16_t sec_u16(const ldns_rr *rr, size_t field);
/* A DNSKEY that may validate: zone key, not revoked, protocol 3. */
int sec_key_usable(const ldns_rr *key);
int sec_alg_supported(unsigned alg);
int sec_digest_supported(unsigned digest);
/* ds (a DS or CDS record) designates key: same owner, key tag, algorithm
 * and digest. */
int sec_ds_matches(const ldns_rr *ds, const ldns_rr *key);
/* The rdata of rr in presentation format (heap), NULL when out of memory. */
char *sec_rdata_text(const ldns_rr *rr);

/* The signatures of set judged with the trusted keys at time now. */
struct dd_sec_sigcheck sec_judge_sigs(const struct sec_rrs *set, const ldns_rr_list *trusted,
				      int64_t now);

#endif
