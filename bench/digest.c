/* digest.c: the measurement behind src/dns/msg.c's costs per DNS reply:
 * nanoseconds per dd_dns_digest, per dd_dns_sections_text and per
 * dd_dns_query_wire (the reply's question), each the mean over a set's
 * replies and their median (best of five runs per reply), for three sets:
 *   nsd      the captured replies of tests/unit/data/packets (NSD answers,
 *            referrals with glue, NXDOMAIN, and the test bed's faults)
 *   signed   DNSSEC replies made here with ldns: a signed referral with DS
 *            and glue, signed answers (A, NS, SOA, DS, DNSKEY), NXDOMAIN
 *            with NSEC3, a root-like referral with 26 glue records
 *   corpus   the fuzz corpus of tests/fuzz/corpus/reply (mostly malformed)
 * Each set also prints a hash of everything the three functions produced
 * (digest fields up to their counts, section strings, query bytes): two
 * builds that print the same hashes gave the same outputs on these replies.
 * Built and run by bench/digest.sh; not part of dnsdeps.
 *
 *   digest PACKETS_DIR CORPUS_DIR [ROUNDS] */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ldns/ldns.h>

#include "dns/msg.h"

#define MAX_REPLIES 512

struct reply {
	uint8_t *wire;
	size_t len;
	char qname[DD_NAME_MAX]; /* from the question, or www.example.test. */
	char parent[DD_NAME_MAX];
	uint16_t qtype;
};

struct set {
	const char *name;
	struct reply r[MAX_REPLIES];
	size_t n;
};

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* ---- the replies ---------------------------------------------------------- */

static void add_reply(struct set *s, const uint8_t *wire, size_t len)
{
	struct reply *r;
	ldns_pkt *p = NULL;

	if (s->n >= MAX_REPLIES)
		return;
	r = &s->r[s->n++];
	r->wire = malloc(len ? len : 1);
	memcpy(r->wire, wire, len);
	r->len = len;
	snprintf(r->qname, sizeof(r->qname), "www.example.test.");
	r->qtype = LDNS_RR_TYPE_A;
	if (ldns_wire2pkt(&p, wire, len) == LDNS_STATUS_OK) {
		if (ldns_rr_list_rr_count(ldns_pkt_question(p)) > 0) {
			const ldns_rr *q = ldns_rr_list_rr(ldns_pkt_question(p), 0);
			char *t = ldns_rdf2str(ldns_rr_owner(q));
			if (t && strlen(t) < sizeof(r->qname))
				snprintf(r->qname, sizeof(r->qname), "%s", t);
			free(t);
			r->qtype = (uint16_t)ldns_rr_get_type(q);
		}
		ldns_pkt_free(p);
	}
	const char *dot = strchr(r->qname, '.');
	snprintf(r->parent, sizeof(r->parent), "%s", dot && dot[1] ? dot + 1 : ".");
}

static void load_dir(struct set *s, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	static uint8_t buf[65536];

	if (!d) {
		fprintf(stderr, "digest: cannot read %s\n", dir);
		exit(2);
	}
	while ((e = readdir(d))) {
		char path[4096];
		FILE *f;
		size_t len;
		if (e->d_name[0] == '.' || strcmp(e->d_name, "README") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (!(f = fopen(path, "rb")))
			continue;
		len = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		add_reply(s, buf, len);
	}
	closedir(d);
}

/* Deterministic bytes as base64 text (signatures and keys). */
static void b64(char *out, size_t nbytes, unsigned *seed)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	uint8_t b[3];

	for (size_t i = 0; i < nbytes; i += 3) {
		for (int k = 0; k < 3; k++) {
			*seed = *seed * 1103515245u + 12345u;
			b[k] = (uint8_t)(*seed >> 16);
		}
		*out++ = tab[b[0] >> 2];
		*out++ = tab[(b[0] & 3) << 4 | b[1] >> 4];
		*out++ = tab[(b[1] & 15) << 2 | b[2] >> 6];
		*out++ = tab[b[2] & 63];
	}
	*out = '\0';
}

/* One reply from records "owner ttl class type rdata", the sections split
 * by "--" entries; a "%S" or "%K" in a record becomes 64 bytes of base64
 * (a signature, a key). */
static void make_reply(struct set *s, const char *qname, uint16_t qtype, int aa, int rcode,
		       const char *const *recs)
{
	ldns_rdf *name = ldns_dname_new_frm_str(qname);
	ldns_pkt *p = ldns_pkt_query_new(name, (ldns_rr_type)qtype, LDNS_RR_CLASS_IN, 0);
	ldns_pkt_section sec = LDNS_SECTION_ANSWER;
	unsigned seed = (unsigned)s->n + 7;
	uint8_t *w;
	size_t len;

	ldns_pkt_set_qr(p, true);
	ldns_pkt_set_aa(p, aa);
	ldns_pkt_set_rcode(p, (uint8_t)rcode);
	ldns_pkt_set_edns_udp_size(p, 1232);
	ldns_pkt_set_edns_do(p, true);
	for (size_t i = 0; recs[i]; i++) {
		char text[1024], key[128];
		const char *pct;
		if (strcmp(recs[i], "--") == 0) {
			sec = sec == LDNS_SECTION_ANSWER ? LDNS_SECTION_AUTHORITY
							 : LDNS_SECTION_ADDITIONAL;
			continue;
		}
		pct = strchr(recs[i], '%');
		if (pct) {
			b64(key, 64, &seed);
			snprintf(text, sizeof(text), "%.*s%s%s", (int)(pct - recs[i]), recs[i], key,
				 pct + 2);
		} else {
			snprintf(text, sizeof(text), "%s", recs[i]);
		}
		ldns_rr *rr = NULL;
		if (ldns_rr_new_frm_str(&rr, text, 3600, NULL, NULL) != LDNS_STATUS_OK) {
			fprintf(stderr, "digest: bad record %s\n", text);
			exit(2);
		}
		ldns_pkt_push_rr(p, sec, rr);
	}
	if (ldns_pkt2wire(&w, p, &len) != LDNS_STATUS_OK)
		exit(2);
	add_reply(s, w, len);
	free(w);
	ldns_pkt_free(p);
}

#define SIG(t, o) o " 86400 IN RRSIG " t " 13 2 86400 20270101000000 20261201000000 4711 " \
		  "example.test. %S"

static void make_signed(struct set *s)
{
	static const char *const referral[] = {
		"--",
		"example.test. 86400 IN NS ns1.example.test.",
		"example.test. 86400 IN NS ns2.provider.net.",
		"example.test. 86400 IN DS 4711 13 2 "
		"8F1B9B4A2C3D4E5F60718293A4B5C6D7E8F90123456789ABCDEF0123456789AB",
		SIG("DS", "example.test."),
		"--",
		"ns1.example.test. 86400 IN A 192.0.2.53",
		"ns1.example.test. 86400 IN AAAA 2001:db8::53",
		NULL };
	static const char *const answer_a[] = {
		"www.example.test. 300 IN A 192.0.2.80", SIG("A", "www.example.test."), NULL };
	static const char *const answer_ns[] = {
		"example.test. 3600 IN NS ns1.example.test.",
		"example.test. 3600 IN NS ns2.provider.net.",
		SIG("NS", "example.test."),
		"--", "--",
		"ns1.example.test. 3600 IN A 192.0.2.53",
		"ns1.example.test. 3600 IN AAAA 2001:db8::53",
		SIG("A", "ns1.example.test."), SIG("AAAA", "ns1.example.test."), NULL };
	static const char *const answer_soa[] = {
		"example.test. 3600 IN SOA ns1.example.test. hostmaster.example.test. "
		"2026112701 7200 3600 1209600 300",
		SIG("SOA", "example.test."), NULL };
	static const char *const answer_dnskey[] = {
		"example.test. 3600 IN DNSKEY 257 3 13 %K",
		"example.test. 3600 IN DNSKEY 256 3 13 %K",
		SIG("DNSKEY", "example.test."), NULL };
	static const char *const answer_ds[] = {
		"example.test. 86400 IN DS 4711 13 2 "
		"8F1B9B4A2C3D4E5F60718293A4B5C6D7E8F90123456789ABCDEF0123456789AB",
		SIG("DS", "example.test."), NULL };
	static const char *const nxdomain[] = {
		"--",
		"example.test. 300 IN SOA ns1.example.test. hostmaster.example.test. "
		"2026112701 7200 3600 1209600 300",
		SIG("SOA", "example.test."),
		"1avvqn74sg75ukfvf25dgcethgq638ek.example.test. 300 IN NSEC3 1 1 0 - "
		"75b9id679qqojqbskphmvc9pq1hf2v6r NS SOA RRSIG DNSKEY NSEC3PARAM",
		SIG("NSEC3", "1avvqn74sg75ukfvf25dgcethgq638ek.example.test."),
		"75b9id679qqojqbskphmvc9pq1hf2v6s.example.test. 300 IN NSEC3 1 1 0 - "
		"c9pq1hf2v6r75b9id679qqojqbskphmv A RRSIG",
		SIG("NSEC3", "75b9id679qqojqbskphmvc9pq1hf2v6s.example.test."),
		NULL };
	static const char *const root_referral[] = {
		"--",
		"test. 172800 IN NS a.nic.test.", "test. 172800 IN NS b.nic.test.",
		"test. 172800 IN NS c.nic.test.", "test. 172800 IN NS d.nic.test.",
		"test. 172800 IN NS e.nic.test.", "test. 172800 IN NS f.nic.test.",
		"test. 172800 IN NS g.nic.test.", "test. 172800 IN NS h.nic.test.",
		"test. 172800 IN NS i.nic.test.", "test. 172800 IN NS j.nic.test.",
		"test. 172800 IN NS k.nic.test.", "test. 172800 IN NS l.nic.test.",
		"test. 172800 IN NS m.nic.test.",
		"--",
		"a.nic.test. 172800 IN A 192.0.2.1", "a.nic.test. 172800 IN AAAA 2001:db8:1::1",
		"b.nic.test. 172800 IN A 192.0.2.2", "b.nic.test. 172800 IN AAAA 2001:db8:2::1",
		"c.nic.test. 172800 IN A 192.0.2.3", "c.nic.test. 172800 IN AAAA 2001:db8:3::1",
		"d.nic.test. 172800 IN A 192.0.2.4", "d.nic.test. 172800 IN AAAA 2001:db8:4::1",
		"e.nic.test. 172800 IN A 192.0.2.5", "e.nic.test. 172800 IN AAAA 2001:db8:5::1",
		"f.nic.test. 172800 IN A 192.0.2.6", "f.nic.test. 172800 IN AAAA 2001:db8:6::1",
		"g.nic.test. 172800 IN A 192.0.2.7", "g.nic.test. 172800 IN AAAA 2001:db8:7::1",
		"h.nic.test. 172800 IN A 192.0.2.8", "h.nic.test. 172800 IN AAAA 2001:db8:8::1",
		"i.nic.test. 172800 IN A 192.0.2.9", "i.nic.test. 172800 IN AAAA 2001:db8:9::1",
		"j.nic.test. 172800 IN A 192.0.2.10", "j.nic.test. 172800 IN AAAA 2001:db8:a::1",
		"k.nic.test. 172800 IN A 192.0.2.11", "k.nic.test. 172800 IN AAAA 2001:db8:b::1",
		"l.nic.test. 172800 IN A 192.0.2.12", "l.nic.test. 172800 IN AAAA 2001:db8:c::1",
		"m.nic.test. 172800 IN A 192.0.2.13", "m.nic.test. 172800 IN AAAA 2001:db8:d::1",
		NULL };

	make_reply(s, "www.example.test.", LDNS_RR_TYPE_A, 0, 0, referral);
	make_reply(s, "www.example.test.", LDNS_RR_TYPE_A, 1, 0, answer_a);
	make_reply(s, "example.test.", LDNS_RR_TYPE_NS, 1, 0, answer_ns);
	make_reply(s, "example.test.", LDNS_RR_TYPE_SOA, 1, 0, answer_soa);
	make_reply(s, "example.test.", LDNS_RR_TYPE_DNSKEY, 1, 0, answer_dnskey);
	make_reply(s, "example.test.", LDNS_RR_TYPE_DS, 1, 0, answer_ds);
	make_reply(s, "nope.example.test.", LDNS_RR_TYPE_A, 1, 3, nxdomain);
	make_reply(s, "www.example.test.", LDNS_RR_TYPE_A, 0, 0, root_referral);
}

/* ---- hashing what the functions produce ------------------------------------ */

static void fnv(uint64_t *h, const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		*h = (*h ^ b[i]) * 0x100000001b3ull;
}

static void fnv_str(uint64_t *h, const char *s)
{
	fnv(h, s, strlen(s) + 1);
}

static void hash_digest(uint64_t *h, int rc, const struct dd_dns_digest *d)
{
	uint64_t v[] = { (uint64_t)rc, d->state, (uint64_t)d->rcode, d->flags,
			 (uint64_t)d->edns };
	fnv(h, v, sizeof(v));
	if (rc == 0 && d->edns) {
		uint64_t e[] = { (uint64_t)d->edns_version, (uint64_t)d->edns_do, d->edns_udp };
		fnv(h, e, sizeof(e));
	}
	if (rc != 0) {
		fnv_str(h, d->detail);
		return;
	}
	uint64_t c[] = { d->nns, d->ns_total, d->ns_ttl, d->nglue, d->naddrs, d->nchain,
			 (uint64_t)d->has_soa, d->soa_serial, d->answer_ttl, d->nanswer };
	fnv(h, c, sizeof(c));
	fnv_str(h, d->referral);
	fnv_str(h, d->target);
	fnv_str(h, d->detail);
	for (size_t i = 0; i < d->nns; i++)
		fnv_str(h, d->ns[i]);
	for (size_t i = 0; i < d->nglue; i++) {
		fnv_str(h, d->glue[i].name);
		fnv_str(h, d->glue[i].addr);
		fnv(h, &d->glue[i].ttl, sizeof(d->glue[i].ttl));
	}
	for (size_t i = 0; i < d->naddrs; i++) {
		fnv_str(h, d->addrs[i].name);
		fnv_str(h, d->addrs[i].addr);
		fnv(h, &d->addrs[i].ttl, sizeof(d->addrs[i].ttl));
	}
	for (size_t i = 0; i < d->nchain; i++)
		fnv_str(h, d->chain[i]);
}

/* ---- the runs ---------------------------------------------------------------- */

static const uint16_t qtypes[] = { 1, 2, 6, 28, 43, 48 };

/* Every function once over the set, hashed. */
static uint64_t outputs(const struct set *s, struct dd_dns_digest *d)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < s->n; i++) {
		const struct reply *r = &s->r[i];
		for (size_t t = 0; t < sizeof(qtypes) / sizeof(qtypes[0]); t++) {
			const char *zones[] = { ".", r->parent, r->qname };
			for (int z = 0; z < 3; z++) {
				int rc = dd_dns_digest(r->wire, r->len, r->qname, qtypes[t], zones[z], d);
				hash_digest(&h, rc, d);
			}
		}
		char **v[3];
		size_t n[3];
		dd_dns_sections_text(r->wire, r->len, 100, v, n);
		for (int k = 0; k < 3; k++) {
			uint64_t c = v[k] ? n[k] : (uint64_t)-1;
			fnv(&h, &c, sizeof(c));
			for (size_t j = 0; j < n[k]; j++)
				fnv_str(&h, v[k][j]);
			dd_dns_strv_free(v[k], n[k]);
		}
		struct dd_dns_qopts o;
		uint8_t *w = NULL;
		size_t len = 0;
		dd_dns_qopts_default(&o);
		int rc = dd_dns_query_wire(r->qname, r->qtype, (uint16_t)i, &o, &w, &len);
		fnv(&h, &rc, sizeof(rc));
		if (rc == 0)
			fnv(&h, w, len);
		free(w);
	}
	return h;
}

/* The calls measured, on one reply. */
enum what { DIGEST, SECTIONS, QUERY };

static void call(enum what w, const struct reply *r, struct dd_dns_digest *d)
{
	struct dd_dns_qopts o;
	char **v[3];
	size_t n[3], len;
	uint8_t *q = NULL;

	switch (w) {
	case DIGEST:
		dd_dns_digest(r->wire, r->len, r->qname, r->qtype, r->parent, d);
		break;
	case SECTIONS:
		dd_dns_sections_text(r->wire, r->len, 100, v, n);
		for (int j = 0; j < 3; j++)
			dd_dns_strv_free(v[j], n[j]);
		break;
	case QUERY:
		dd_dns_qopts_default(&o);
		if (dd_dns_query_wire(r->qname, r->qtype, 0x1234, &o, &q, &len) == 0)
			free(q);
		break;
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Nanoseconds per call on each reply (best of five runs of rounds calls);
 * the mean over the set's replies in *mean, the median returned. */
static double measure(enum what w, const struct set *s, int rounds, struct dd_dns_digest *d,
		      double *mean)
{
	static double per[MAX_REPLIES];
	double sum = 0;

	for (size_t i = 0; i < s->n; i++) {
		per[i] = 1e300;
		for (int rep = 0; rep < 5; rep++) {
			double t0 = now_ns();
			for (int k = 0; k < rounds; k++)
				call(w, &s->r[i], d);
			double t = (now_ns() - t0) / rounds;
			if (t < per[i])
				per[i] = t;
		}
		sum += per[i];
	}
	*mean = sum / (double)s->n;
	qsort(per, s->n, sizeof(per[0]), cmp_double);
	return s->n % 2 ? per[s->n / 2] : (per[s->n / 2 - 1] + per[s->n / 2]) / 2;
}

int main(int argc, char **argv)
{
	static struct set sets[3] = { { .name = "nsd" }, { .name = "signed" },
				      { .name = "corpus" } };
	struct dd_dns_digest *d = malloc(sizeof(*d));
	int rounds = argc > 3 ? atoi(argv[3]) : 200;

	if (argc < 3 || !d || rounds < 1) {
		fprintf(stderr, "usage: digest PACKETS_DIR CORPUS_DIR [ROUNDS]\n");
		return 2;
	}
	load_dir(&sets[0], argv[1]);
	make_signed(&sets[1]);
	load_dir(&sets[2], argv[2]);
	printf("ns per call, mean over the set's replies (median)\n");
	printf("%-7s %7s %20s %20s %16s  %s\n", "set", "replies", "dd_dns_digest",
	       "dd_dns_sections_text", "dd_dns_query_wire", "outputs hash");
	for (int i = 0; i < 3; i++) {
		const struct set *s = &sets[i];
		uint64_t h = outputs(s, d);
		double mean[3], median[3];
		for (int w = 0; w < 3; w++)
			median[w] = measure((enum what)w, s, rounds, d, &mean[w]);
		printf("%-7s %7zu %10.0f (%7.0f) %10.0f (%7.0f) %7.0f (%6.0f)  %016llx\n", s->name,
		       s->n, mean[0], median[0], mean[1], median[1], mean[2], median[2],
		       (unsigned long long)h);
	}
	free(d);
	return 0;
}
