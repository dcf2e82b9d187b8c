/* zone.c: the zone audit's reports: a text summary, JSON (schema
 * "dnsdeps.zoneaudit/1") and one CSV row per delegation. Built only from
 * the audit's public interface. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/err.h"
#include "core/esc.h"
#include "core/jtree.h"
#include "report/report.h"
#include "zone/zone.h"

#define SCHEMA "dnsdeps.zoneaudit/1"

static double share(uint64_t part, uint64_t whole)
{
	return whole ? (double)part * 100.0 / (double)whole : 0.0;
}

static void list_text(struct dd_buf *out, const struct dd_zone_item *items, size_t n, size_t top,
		      int with_detail, const char *count_word)
{
	for (size_t i = 0; i < n && i < top; i++) {
		dd_buf_puts(out, "    ");
		dd_buf_esc(out, items[i].name);
		if (count_word)
			dd_buf_printf(out, " (%llu %s)", (unsigned long long)items[i].count, count_word);
		else
			dd_buf_printf(out, " (%llu delegation%s%s)",
				      (unsigned long long)items[i].delegations,
				      items[i].delegations == 1 ? "" : "s",
				      with_detail == 2 && items[i].count ? ", glue required" : "");
		if (with_detail == 1 && items[i].detail) {
			dd_buf_puts(out, ": ");
			dd_buf_esc(out, items[i].detail);
		}
		dd_buf_puts(out, "\n");
	}
	if (n > top)
		dd_buf_printf(out, "    ... and %zu more (see --json)\n", n - top);
}

static void ranking_text(struct dd_buf *out, const struct dd_zone_item *items, size_t n,
			 size_t top, uint64_t total)
{
	for (size_t i = 0; i < n && i < top; i++) {
		char shown[128];
		dd_esc(items[i].name, strlen(items[i].name), shown, sizeof(shown));
		dd_buf_printf(out, "  %3zu. %-32s %10llu  %5.1f%%\n", i + 1, shown,
			      (unsigned long long)items[i].delegations,
			      share(items[i].delegations, total));
	}
}

void dd_rep_zone_text(const struct dd_zone_audit *a, const struct dd_zone_perf *perf,
			 struct dd_buf *out, size_t top)
{
	const struct dd_zone_summary *s = dd_zone_audit_summary(a);
	const struct dd_zone_item *items;
	uint64_t d = s->delegations;
	size_t n;

	dd_buf_puts(out, "Zone ");
	dd_buf_esc(out, dd_zone_audit_apex(a));
	dd_buf_printf(out, ": %llu records (%llu NS, %llu A, %llu AAAA, %llu DS, %llu other)\n",
		      (unsigned long long)s->records, (unsigned long long)s->ns_records,
		      (unsigned long long)s->a_records, (unsigned long long)s->aaaa_records,
		      (unsigned long long)s->ds_records, (unsigned long long)s->other_records);
	if (s->not_in_records || s->out_of_zone_records || s->occluded_ns_owners ||
	    s->duplicate_ns || s->ds_without_ns)
		dd_buf_printf(out, "  ignored: %llu not class IN, %llu outside the zone, %llu NS owners "
				   "below a delegation, %llu duplicate NS; %llu DS without NS\n",
			      (unsigned long long)s->not_in_records,
			      (unsigned long long)s->out_of_zone_records,
			      (unsigned long long)s->occluded_ns_owners,
			      (unsigned long long)s->duplicate_ns, (unsigned long long)s->ds_without_ns);
	dd_buf_printf(out, "\nDelegations: %llu (%llu signed with DS, %.1f%%); the apex has %llu NS\n",
		      (unsigned long long)d, (unsigned long long)s->signed_delegations,
		      share(s->signed_delegations, d), (unsigned long long)s->apex_ns);
	dd_buf_printf(out, "  NS per delegation: 1: %llu  2: %llu  3: %llu  4: %llu  5: %llu  "
			   "6+: %llu\n",
		      (unsigned long long)s->ns_hist[0], (unsigned long long)s->ns_hist[1],
		      (unsigned long long)s->ns_hist[2], (unsigned long long)s->ns_hist[3],
		      (unsigned long long)s->ns_hist[4], (unsigned long long)s->ns_hist[5]);
	dd_buf_printf(out, "  single NS name: %llu (%.1f%%)  single operator: %llu (%.1f%%)  "
			   "single NS TLD: %llu (%.1f%%)\n",
		      (unsigned long long)s->single_ns, share(s->single_ns, d),
		      (unsigned long long)s->single_operator, share(s->single_operator, d),
		      (unsigned long long)s->single_tld, share(s->single_tld, d));
	dd_buf_printf(out, "  in-bailiwick NS only: %llu  in-domain NS only: %llu  some "
			   "in-bailiwick NS: %llu\n",
		      (unsigned long long)s->in_bailiwick_only,
		      (unsigned long long)s->in_domain_only,
		      (unsigned long long)s->with_in_bailiwick);
	dd_buf_printf(out, "\nNS names: %llu distinct (%llu in-bailiwick), %llu operators, %llu "
			   "TLDs\n",
		      (unsigned long long)s->ns_names, (unsigned long long)s->in_bailiwick_names,
		      (unsigned long long)s->operators, (unsigned long long)s->ns_tlds);

	dd_buf_printf(out, "\nGlue: %llu in-bailiwick NS names without A/AAAA, used by %llu "
			   "delegations (%llu cannot be resolved at all)\n",
		      (unsigned long long)s->missing_glue_names,
		      (unsigned long long)s->missing_glue_delegations,
		      (unsigned long long)s->unresolvable_delegations);
	items = dd_zone_audit_list(a, DD_ZONE_LIST_MISSING_GLUE, &n);
	list_text(out, items, n, top, 2, NULL);
	dd_buf_printf(out, "  orphan glue: %llu names (%llu records) below a delegation that no NS "
			   "record names\n",
		      (unsigned long long)s->orphan_glue_names,
		      (unsigned long long)s->orphan_glue_records);
	items = dd_zone_audit_list(a, DD_ZONE_LIST_ORPHAN_GLUE, &n);
	list_text(out, items, n, top, 0, "records");

	dd_buf_puts(out, "\nHijack risk: ");
	dd_buf_printf(out, "%llu registrable domain%s inside ", (unsigned long long)s->hijack_domains,
		      s->hijack_domains == 1 ? "" : "s");
	dd_buf_esc(out, dd_zone_audit_apex(a));
	dd_buf_printf(out, " hold%s NS names but %s not delegated: anyone who registers %s takes "
			   "over %llu NS names, %llu delegations (%llu of them entirely)\n",
		      s->hijack_domains == 1 ? "s" : "", s->hijack_domains == 1 ? "is" : "are",
		      s->hijack_domains == 1 ? "it" : "one", (unsigned long long)s->hijack_ns_names,
		      (unsigned long long)s->hijack_delegations, (unsigned long long)s->hijack_all_ns);
	items = dd_zone_audit_list(a, DD_ZONE_LIST_HIJACK, &n);
	list_text(out, items, n, top, 1, NULL);

	dd_buf_puts(out, "\nConcentration: operators (registrable domain of the NS names) by "
			 "share of delegations\n");
	items = dd_zone_audit_list(a, DD_ZONE_LIST_OPERATORS, &n);
	ranking_text(out, items, n, top, d);
	dd_buf_printf(out, "  If the top operator fails: %llu delegations down (%.1f%%); top 3: %llu "
			   "(%.1f%%); top 10: %llu (%.1f%%)\n",
		      (unsigned long long)s->takedown[0], share(s->takedown[0], d),
		      (unsigned long long)s->takedown[1], share(s->takedown[1], d),
		      (unsigned long long)s->takedown[2], share(s->takedown[2], d));
	dd_buf_puts(out, "\nNS TLDs by share of delegations\n");
	items = dd_zone_audit_list(a, DD_ZONE_LIST_TLDS, &n);
	ranking_text(out, items, n, top < 10 ? top : 10, d);

	if (perf) {
		dd_buf_printf(out, "\nAudit: %.2f s, %.0f records/s; tables %.1f MB (%.0f bytes per "
				   "delegation)",
			      perf->seconds,
			      perf->seconds > 0 ? (double)s->records / perf->seconds : 0.0,
			      (double)s->memory_bytes / 1e6,
			      d ? (double)s->memory_bytes / (double)d : 0.0);
		if (perf->peak_rss)
			dd_buf_printf(out, "; peak RSS %.1f MB", (double)perf->peak_rss / 1e6);
		dd_buf_puts(out, "\n");
	}
}

static struct dd_jt_node *ranking_json(const struct dd_zone_item *items, size_t n, size_t top,
			    uint64_t total, const char *key, struct dd_jt *j)
{
	struct dd_jt_node *arr = dd_jt_array(j);

	for (size_t i = 0; arr && i < n && i < top; i++) {
		struct dd_jt_node *o = dd_jt_object(j);
		if (!o) {
			j->failed = 1;
			break;
		}
		dd_jt_put(j, o, key, dd_jt_str(j, items[i].name));
		dd_jt_put(j, o, "delegations", dd_jt_int(j, (json_int_t)items[i].delegations));
		dd_jt_put(j, o, "share", dd_jt_real(j, share(items[i].delegations, total) / 100.0));
		if (!strcmp(key, "operator"))
			dd_jt_put(j, o, "ns_names", dd_jt_int(j, (json_int_t)items[i].count));
		dd_jt_append(j, arr, o);
	}
	return arr;
}

static struct dd_jt_node *delegations_json(const struct dd_zone_summary *s, struct dd_jt *j)
{
	struct dd_jt_node *o = dd_jt_object(j), *h = dd_jt_object(j);
	static const char *const keys[] = { "1", "2", "3", "4", "5", "6+" };

	if (!o || !h) {
		j->failed = 1;
		return NULL;
	}
	dd_jt_put(j, o, "total", dd_jt_uint(j, s->delegations));
	dd_jt_put(j, o, "signed", dd_jt_uint(j, s->signed_delegations));
	for (int i = 0; i < 6; i++)
		dd_jt_put(j, h, keys[i], dd_jt_uint(j, s->ns_hist[i]));
	dd_jt_put(j, o, "ns_count", h);
	dd_jt_put(j, o, "single_ns", dd_jt_uint(j, s->single_ns));
	dd_jt_put(j, o, "single_operator", dd_jt_uint(j, s->single_operator));
	dd_jt_put(j, o, "single_tld", dd_jt_uint(j, s->single_tld));
	dd_jt_put(j, o, "with_in_bailiwick_ns", dd_jt_uint(j, s->with_in_bailiwick));
	dd_jt_put(j, o, "in_bailiwick_only", dd_jt_uint(j, s->in_bailiwick_only));
	dd_jt_put(j, o, "in_domain_only", dd_jt_uint(j, s->in_domain_only));
	dd_jt_put(j, o, "occluded_ns_owners", dd_jt_uint(j, s->occluded_ns_owners));
	dd_jt_put(j, o, "ds_without_ns", dd_jt_uint(j, s->ds_without_ns));
	return o;
}

static struct dd_jt_node *records_json(const struct dd_zone_summary *s, struct dd_jt *j)
{
	struct dd_jt_node *o = dd_jt_object(j);

	if (!o) {
		j->failed = 1;
		return NULL;
	}
	dd_jt_put(j, o, "total", dd_jt_uint(j, s->records));
	dd_jt_put(j, o, "ns", dd_jt_uint(j, s->ns_records));
	dd_jt_put(j, o, "a", dd_jt_uint(j, s->a_records));
	dd_jt_put(j, o, "aaaa", dd_jt_uint(j, s->aaaa_records));
	dd_jt_put(j, o, "ds", dd_jt_uint(j, s->ds_records));
	dd_jt_put(j, o, "other", dd_jt_uint(j, s->other_records));
	dd_jt_put(j, o, "not_in", dd_jt_uint(j, s->not_in_records));
	dd_jt_put(j, o, "out_of_zone", dd_jt_uint(j, s->out_of_zone_records));
	dd_jt_put(j, o, "duplicate_ns", dd_jt_uint(j, s->duplicate_ns));
	return o;
}

static struct dd_jt_node *names_json(const struct dd_zone_audit *a, enum dd_zone_list l, const char *key,
			  const char *count_key, struct dd_jt *j)
{
	size_t n;
	const struct dd_zone_item *items = dd_zone_audit_list(a, l, &n);
	struct dd_jt_node *arr = dd_jt_array(j);

	for (size_t i = 0; arr && i < n; i++) {
		struct dd_jt_node *o = dd_jt_object(j);
		if (!o) {
			j->failed = 1;
			break;
		}
		dd_jt_put(j, o, key, dd_jt_str(j, items[i].name));
		if (l != DD_ZONE_LIST_ORPHAN_GLUE)
			dd_jt_put(j, o, "delegations", dd_jt_uint(j, items[i].delegations));
		if (l == DD_ZONE_LIST_MISSING_GLUE)
			dd_jt_put(j, o, count_key, dd_jt_bool(j, items[i].count != 0));
		else
			dd_jt_put(j, o, count_key, dd_jt_uint(j, items[i].count));
		if (items[i].detail) {
			struct dd_jt_node *ns = dd_jt_array(j);
			const char *p = items[i].detail;
			while (ns && *p) {
				const char *sp = strchr(p, ' ');
				size_t len = sp ? (size_t)(sp - p) : strlen(p);
				char *one = strndup(p, len);
				dd_jt_append(j, ns, one ? dd_jt_str(j, one) : NULL);
				free(one);
				p += len + (sp ? 1 : 0);
			}
			dd_jt_put(j, o, "ns", ns);
		}
		dd_jt_append(j, arr, o);
	}
	if (!arr)
		j->failed = 1;
	return arr;
}

int dd_rep_zone_json(const struct dd_zone_audit *a, const struct dd_zone_perf *perf,
			struct dd_buf *out, size_t top)
{
	const struct dd_zone_summary *s = dd_zone_audit_summary(a);
	struct dd_jt j = { 0 };
	struct dd_jt_node *root = dd_jt_object(&j), *o;
	const struct dd_zone_item *items;
	size_t n;

	if (!root) {
		dd_jt_free(&j);
		return DD_ENOMEM;
	}
	dd_jt_put(&j, root, "schema", dd_jt_str(&j, SCHEMA));
	dd_jt_put(&j, root, "zone", dd_jt_str(&j, dd_zone_audit_apex(a)));
	dd_jt_put(&j, root, "records", records_json(s, &j));
	dd_jt_put(&j, root, "delegations", delegations_json(s, &j));

	o = dd_jt_object(&j);
	dd_jt_put(&j, root, "ns_names", o);
	if (o) {
		dd_jt_put(&j, o, "total", dd_jt_uint(&j, s->ns_names));
		dd_jt_put(&j, o, "in_bailiwick", dd_jt_uint(&j, s->in_bailiwick_names));
		dd_jt_put(&j, o, "apex", dd_jt_uint(&j, s->apex_ns));
	}
	o = dd_jt_object(&j);
	dd_jt_put(&j, root, "glue", o);
	if (o) {
		dd_jt_put(&j, o, "missing_names", dd_jt_uint(&j, s->missing_glue_names));
		dd_jt_put(&j, o, "missing_delegations",
			    dd_jt_uint(&j, s->missing_glue_delegations));
		dd_jt_put(&j, o, "unresolvable_delegations",
			    dd_jt_uint(&j, s->unresolvable_delegations));
		dd_jt_put(&j, o, "missing",
			    names_json(a, DD_ZONE_LIST_MISSING_GLUE, "ns", "required", &j));
		dd_jt_put(&j, o, "orphan_names", dd_jt_uint(&j, s->orphan_glue_names));
		dd_jt_put(&j, o, "orphan_records", dd_jt_uint(&j, s->orphan_glue_records));
		dd_jt_put(&j, o, "orphan",
			    names_json(a, DD_ZONE_LIST_ORPHAN_GLUE, "name", "records", &j));
	}
	o = dd_jt_object(&j);
	dd_jt_put(&j, root, "hijack", o);
	if (o) {
		dd_jt_put(&j, o, "domains_total", dd_jt_uint(&j, s->hijack_domains));
		dd_jt_put(&j, o, "ns_names", dd_jt_uint(&j, s->hijack_ns_names));
		dd_jt_put(&j, o, "delegations", dd_jt_uint(&j, s->hijack_delegations));
		dd_jt_put(&j, o, "delegations_all_ns", dd_jt_uint(&j, s->hijack_all_ns));
		dd_jt_put(&j, o, "domains",
			    names_json(a, DD_ZONE_LIST_HIJACK, "domain", "ns_names", &j));
	}
	o = dd_jt_object(&j);
	dd_jt_put(&j, root, "operators", o);
	if (o) {
		static const unsigned tops[3] = { 1, 3, 10 };
		struct dd_jt_node *td = dd_jt_array(&j);
		items = dd_zone_audit_list(a, DD_ZONE_LIST_OPERATORS, &n);
		dd_jt_put(&j, o, "total", dd_jt_uint(&j, s->operators));
		dd_jt_put(&j, o, "top",
			    ranking_json(items, n, top, s->delegations, "operator", &j));
		for (int i = 0; td && i < 3; i++) {
			struct dd_jt_node *t = dd_jt_object(&j), *names = dd_jt_array(&j);
			for (size_t k = 0; names && k < n && k < tops[i]; k++)
				dd_jt_append(&j, names, dd_jt_str(&j, items[k].name));
			if (t) {
				double down = share(s->takedown[i], s->delegations) / 100.0;
				dd_jt_put(&j, t, "top", dd_jt_int(&j, tops[i]));
				dd_jt_put(&j, t, "operators", names);
				dd_jt_put(&j, t, "delegations_down", dd_jt_uint(&j, s->takedown[i]));
				dd_jt_put(&j, t, "share", dd_jt_real(&j, down));
			} else {
			}
			dd_jt_append(&j, td, t);
		}
		dd_jt_put(&j, o, "takedown", td);
	}
	o = dd_jt_object(&j);
	dd_jt_put(&j, root, "ns_tlds", o);
	if (o) {
		items = dd_zone_audit_list(a, DD_ZONE_LIST_TLDS, &n);
		dd_jt_put(&j, o, "total", dd_jt_uint(&j, s->ns_tlds));
		dd_jt_put(&j, o, "top", ranking_json(items, n, top, s->delegations, "tld", &j));
	}
	o = dd_jt_object(&j);
	dd_jt_put(&j, root, "performance", o);
	if (o) {
		double per = s->delegations ? (double)s->memory_bytes / (double)s->delegations : 0;
		dd_jt_put(&j, o, "table_bytes", dd_jt_uint(&j, s->memory_bytes));
		dd_jt_put(&j, o, "bytes_per_delegation", dd_jt_real(&j, per));
		if (perf) {
			double rate = perf->seconds > 0 ? (double)s->records / perf->seconds : 0;
			dd_jt_put(&j, o, "seconds", dd_jt_real(&j, perf->seconds));
			dd_jt_put(&j, o, "records_per_second", dd_jt_real(&j, rate));
			if (perf->peak_rss)
				dd_jt_put(&j, o, "peak_rss_bytes", dd_jt_uint(&j, perf->peak_rss));
		}
	}
	return dd_jt_print(&j, root, JSON_INDENT(2) | JSON_PRESERVE_ORDER, out);
}

/* ---- CSV ---- */

struct csv {
	struct dd_buf buf;
	dd_rep_sink sink;
	void *ctx;
};

/* RFC 4180 field: quoted when it holds a comma, quote or line break. Names
 * in presentation form have none of them unescaped, but be exact. */
static void csv_field(struct dd_buf *b, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		dd_buf_puts(b, s);
		return;
	}
	dd_buf_add(b, "\"", 1);
	for (; *s; s++) {
		if (*s == '"')
			dd_buf_add(b, "\"", 1);
		dd_buf_add(b, s, 1);
	}
	dd_buf_add(b, "\"", 1);
}

static int csv_flush(struct csv *c)
{
	int r;

	if (dd_buf_failed(&c->buf))
		return DD_ENOMEM;
	r = c->sink(c->ctx, c->buf.data ? c->buf.data : "", c->buf.len);
	c->buf.len = 0;
	return r;
}

static int csv_row(void *ctx, const struct dd_zone_deleg *d)
{
	struct csv *c = ctx;

	csv_field(&c->buf, d->name);
	dd_buf_printf(&c->buf, ",%u,", d->ns_count);
	csv_field(&c->buf, d->ns);
	dd_buf_printf(&c->buf, ",%u,", d->operators);
	csv_field(&c->buf, d->ops);
	dd_buf_printf(&c->buf, ",%u,%u,%u,%d,%u,%d,%u,%d\r\n", d->tlds, d->in_bailiwick,
		      d->in_domain, d->in_bailiwick == d->ns_count, d->missing_glue,
		      d->ns_count == 1, d->hijack, d->ds);
	if (c->buf.len >= 1 << 16)
		return csv_flush(c);
	return 0;
}

int dd_rep_zone_csv(const struct dd_zone_audit *a, dd_rep_sink sink, void *ctx)
{
	struct csv c = { .sink = sink, .ctx = ctx };
	int r;

	dd_buf_init(&c.buf);
	dd_buf_puts(&c.buf, "delegation,ns_count,ns,operator_count,operators,tld_count,"
			    "in_bailiwick_ns,in_domain_ns,in_bailiwick_only,missing_glue,"
			    "single_ns,hijackable_ns,ds\r\n");
	r = dd_zone_audit_each(a, csv_row, &c);
	if (!r)
		r = csv_flush(&c);
	dd_buf_free(&c.buf);
	return r;
}
