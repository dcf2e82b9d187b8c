/* fuzz_dnssec.c: what DNSSEC verification reads from untrusted servers:
 * DNSKEY, DS and RRSIG records in presentation format (one per line, as the
 * evidence keeps them), parsed into RRsets and judged as the validator does
 * (DS against keys, signatures against the keys, at a fixed time). */
#include <stdlib.h>
#include <string.h>

#include "dnssec/sec_int.h"
#include "evidence/evidence.h"
#include "fuzz.h"

static void lines(const uint8_t *data, size_t size, struct dd_ev_strlist *l)
{
	char *text = malloc(size + 1), *save = NULL;

	if (!text)
		return;
	memcpy(text, data, size);
	text[size] = '\0';
	for (char *t = strtok_r(text, "\n", &save); t && l->n < 64; t = strtok_r(NULL, "\n", &save))
		dd_ev_strlist_add(l, t);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dd_ev_strlist l = { 0 };
	struct sec_rrs keys, ds, soa;

	lines(data, size, &l);
	if (sec_rrs_parse(&l, NULL, LDNS_RR_TYPE_DNSKEY, &keys) == 0) {
		if (sec_rrs_parse(&l, NULL, LDNS_RR_TYPE_DS, &ds) == 0) {
			for (size_t d = 0; d < ldns_rr_list_rr_count(ds.rrs); d++)
				for (size_t k = 0; k < ldns_rr_list_rr_count(keys.rrs); k++)
					sec_ds_matches(ldns_rr_list_rr(ds.rrs, d),
						       ldns_rr_list_rr(keys.rrs, k));
			sec_rrs_free(&ds);
		}
		for (size_t k = 0; k < ldns_rr_list_rr_count(keys.rrs); k++) {
			const ldns_rr *key = ldns_rr_list_rr(keys.rrs, k);
			sec_key_usable(key);
			free(sec_rdata_text(key));
		}
		sec_judge_sigs(&keys, keys.rrs, 1800000000);
		if (sec_rrs_parse(&l, NULL, LDNS_RR_TYPE_SOA, &soa) == 0) {
			sec_judge_sigs(&soa, keys.rrs, 1800000000);
			sec_rrs_free(&soa);
		}
		sec_rrs_free(&keys);
	}
	dd_ev_strlist_free(&l);
	return 0;
}
