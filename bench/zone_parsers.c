/* zone_parsers.c: the measurement behind the choice of the zone-file reader
 * for `dnsdeps audit --zone` (see docs/audit.md). Reads one zone with one
 * reader and prints records, NS records and records per second:
 *   ldns-rr     ldns_rr_new_frm_fp_l, one record at a time (no zone kept)
 *   ldns-zone   ldns_zone_new_frm_fp, the whole zone in memory
 *   zscanner    Knot's libzscanner (zs_parse_all with a record callback)
 *   dnsdeps     dnsdeps' own scanner (src/zone/scan.c)
 *   audit       dnsdeps' scanner plus the whole audit (tables, finish)
 * Built by bench/zone.sh; not part of dnsdeps. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ldns/ldns.h>
#include <libzscanner/scanner.h>

#include "zone/zone.h"

struct counts {
	unsigned long long records, ns;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int run_ldns_rr(const char *file, const char *origin, struct counts *c)
{
	FILE *f = fopen(file, "r");
	ldns_rdf *org = ldns_dname_new_frm_str(origin), *prev = NULL;
	uint32_t ttl = 3600;
	int line = 1;

	if (!f)
		return -1;
	while (!feof(f)) {
		ldns_rr *rr = NULL;
		ldns_status st = ldns_rr_new_frm_fp_l(&rr, f, &ttl, &org, &prev, &line);
		if (st == LDNS_STATUS_SYNTAX_EMPTY || st == LDNS_STATUS_SYNTAX_TTL ||
		    st == LDNS_STATUS_SYNTAX_ORIGIN)
			continue;
		if (st != LDNS_STATUS_OK) {
			fprintf(stderr, "ldns: line %d: %s\n", line, ldns_get_errorstr_by_id(st));
			fclose(f);
			return -1;
		}
		c->records++;
		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_NS)
			c->ns++;
		ldns_rr_free(rr);
	}
	ldns_rdf_deep_free(org);
	ldns_rdf_deep_free(prev);
	fclose(f);
	return 0;
}

static int run_ldns_zone(const char *file, const char *origin, struct counts *c)
{
	FILE *f = fopen(file, "r");
	ldns_rdf *org = ldns_dname_new_frm_str(origin);
	ldns_zone *z = NULL;
	int line = 1;
	ldns_status st;

	if (!f)
		return -1;
	st = ldns_zone_new_frm_fp_l(&z, f, org, 3600, LDNS_RR_CLASS_IN, &line);
	fclose(f);
	ldns_rdf_deep_free(org);
	if (st != LDNS_STATUS_OK) {
		fprintf(stderr, "ldns: line %d: %s\n", line, ldns_get_errorstr_by_id(st));
		return -1;
	}
	ldns_rr_list *rrs = ldns_zone_rrs(z);
	c->records = ldns_rr_list_rr_count(rrs) + (ldns_zone_soa(z) ? 1 : 0);
	for (size_t i = 0; i < ldns_rr_list_rr_count(rrs); i++)
		if (ldns_rr_get_type(ldns_rr_list_rr(rrs, i)) == LDNS_RR_TYPE_NS)
			c->ns++;
	ldns_zone_deep_free(z);
	return 0;
}

static void zs_record(zs_scanner_t *s)
{
	struct counts *c = s->process.data;

	c->records++;
	if (s->r_type == 2)
		c->ns++;
}

static void zs_error(zs_scanner_t *s)
{
	fprintf(stderr, "zscanner: line %llu: %s\n", (unsigned long long)s->line_counter,
		zs_strerror(s->error.code));
}

static int run_zscanner(const char *file, const char *origin, struct counts *c)
{
	zs_scanner_t s;
	int r;

	if (zs_init(&s, origin, 1, 3600) != 0 || zs_set_input_file(&s, file) != 0 ||
	    zs_set_processing(&s, zs_record, zs_error, c) != 0) {
		zs_deinit(&s);
		return -1;
	}
	r = zs_parse_all(&s);
	if (s.error.counter)
		r = -1;
	zs_deinit(&s);
	return r;
}

static int run_dnsdeps(const char *file, const char *origin, struct counts *c, int audit)
{
	FILE *f = fopen(file, "r");
	struct dd_zone_scanner *s = NULL;
	struct dd_zone_audit *a = NULL;
	struct dd_zone_rr rr;
	unsigned long line = 0;
	int r;

	if (!f || dd_zone_scanner_new(&s, f, file, origin) != 0)
		return -1;
	if (audit) {
		psl_ctx_t *psl = psl_latest(NULL);
		r = dd_zone_audit_new(&a, psl ? psl : psl_builtin());
		if (!r)
			r = dd_zone_audit_scan(a, s, &line);
		if (!r)
			r = dd_zone_audit_finish(a, NULL);
		if (!r) {
			c->records = dd_zone_audit_summary(a)->records;
			c->ns = dd_zone_audit_summary(a)->ns_records;
		}
		dd_zone_audit_free(a);
		psl_free(psl);
	} else {
		while ((r = dd_zone_scanner_next(s, &rr)) == 1) {
			c->records++;
			if (rr.type == DD_ZONE_T_NS)
				c->ns++;
		}
	}
	if (r < 0)
		fprintf(stderr, "dnsdeps: %s\n", dd_zone_scanner_error(s));
	dd_zone_scanner_free(s);
	fclose(f);
	return r;
}

int main(int argc, char **argv)
{
	struct counts c = { 0, 0 };
	double t0, dt;
	int r;

	if (argc != 4) {
		fprintf(stderr, "usage: zone_parsers ldns-rr|ldns-zone|zscanner|dnsdeps|audit FILE "
				"ORIGIN\n");
		return 2;
	}
	t0 = now();
	if (!strcmp(argv[1], "ldns-rr"))
		r = run_ldns_rr(argv[2], argv[3], &c);
	else if (!strcmp(argv[1], "ldns-zone"))
		r = run_ldns_zone(argv[2], argv[3], &c);
	else if (!strcmp(argv[1], "zscanner"))
		r = run_zscanner(argv[2], argv[3], &c);
	else if (!strcmp(argv[1], "dnsdeps"))
		r = run_dnsdeps(argv[2], argv[3], &c, 0);
	else if (!strcmp(argv[1], "audit"))
		r = run_dnsdeps(argv[2], argv[3], &c, 1);
	else
		r = -1;
	dt = now() - t0;
	if (r != 0) {
		fprintf(stderr, "zone_parsers: %s failed\n", argv[1]);
		return 1;
	}
	printf("%-10s %12llu records %12llu NS %8.3f s %12.0f records/s\n", argv[1], c.records, c.ns,
	       dt, dt > 0 ? (double)c.records / dt : 0.0);
	return 0;
}
