/* report.c: the zone audit's reports: a text summary, JSON (schema
 * "dnsdeps.zoneaudit/1") and one CSV row per delegation. Built only from
 * the audit's public interface. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/err.h"
#include "core/esc.h"
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

void dd_zone_report_text(const struct dd_zone_audit *a, const struct dd_zone_perf *perf,
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

/* json_object_set_new that remembers a failure. */
static void put(json_t *o, const char *key, json_t *v, int *failed)
{
	if (!v || json_object_set_new(o, key, v) != 0)
		*failed = 1;
}

static void push(json_t *arr, json_t *v, int *failed)
{
	if (!v || json_array_append_new(arr, v) != 0)
		*failed = 1;
}

static json_t *ranking_json(const struct dd_zone_item *items, size_t n, size_t top,
			    uint64_t total, const char *key, int *failed)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < n && i < top; i++) {
		json_t *o = json_object();
		if (!o) {
			*failed = 1;
			break;
		}
		put(o, key, json_string(items[i].name), failed);
		put(o, "delegations", json_integer((json_int_t)items[i].delegations), failed);
		put(o, "share", json_real(share(items[i].delegations, total) / 100.0), failed);
		if (!strcmp(key, "operator"))
			put(o, "ns_names", json_integer((json_int_t)items[i].count), failed);
		push(arr, o, failed);
	}
	return arr;
}

static json_t *jint(uint64_t v)
{
	return json_integer((json_int_t)v);
}

static json_t *delegations_json(const struct dd_zone_summary *s, int *failed)
{
	json_t *o = json_object(), *h = json_object();
	static const char *const keys[] = { "1", "2", "3", "4", "5", "6+" };

	if (!o || !h) {
		json_decref(o);
		json_decref(h);
		*failed = 1;
		return NULL;
	}
	put(o, "total", jint(s->delegations), failed);
	put(o, "signed", jint(s->signed_delegations), failed);
	for (int i = 0; i < 6; i++)
		put(h, keys[i], jint(s->ns_hist[i]), failed);
	put(o, "ns_count", h, failed);
	put(o, "single_ns", jint(s->single_ns), failed);
	put(o, "single_operator", jint(s->single_operator), failed);
	put(o, "single_tld", jint(s->single_tld), failed);
	put(o, "with_in_bailiwick_ns", jint(s->with_in_bailiwick), failed);
	put(o, "in_bailiwick_only", jint(s->in_bailiwick_only), failed);
	put(o, "in_domain_only", jint(s->in_domain_only), failed);
	put(o, "occluded_ns_owners", jint(s->occluded_ns_owners), failed);
	put(o, "ds_without_ns", jint(s->ds_without_ns), failed);
	return o;
}

static json_t *records_json(const struct dd_zone_summary *s, int *failed)
{
	json_t *o = json_object();

	if (!o) {
		*failed = 1;
		return NULL;
	}
	put(o, "total", jint(s->records), failed);
	put(o, "ns", jint(s->ns_records), failed);
	put(o, "a", jint(s->a_records), failed);
	put(o, "aaaa", jint(s->aaaa_records), failed);
	put(o, "ds", jint(s->ds_records), failed);
	put(o, "other", jint(s->other_records), failed);
	put(o, "not_in", jint(s->not_in_records), failed);
	put(o, "out_of_zone", jint(s->out_of_zone_records), failed);
	put(o, "duplicate_ns", jint(s->duplicate_ns), failed);
	return o;
}

static json_t *names_json(const struct dd_zone_audit *a, enum dd_zone_list l, const char *key,
			  const char *count_key, int *failed)
{
	size_t n;
	const struct dd_zone_item *items = dd_zone_audit_list(a, l, &n);
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < n; i++) {
		json_t *o = json_object();
		if (!o) {
			*failed = 1;
			break;
		}
		put(o, key, json_string(items[i].name), failed);
		if (l != DD_ZONE_LIST_ORPHAN_GLUE)
			put(o, "delegations", jint(items[i].delegations), failed);
		if (l == DD_ZONE_LIST_MISSING_GLUE)
			put(o, count_key, json_boolean(items[i].count != 0), failed);
		else
			put(o, count_key, jint(items[i].count), failed);
		if (items[i].detail) {
			json_t *ns = json_array();
			const char *p = items[i].detail;
			while (ns && *p) {
				const char *sp = strchr(p, ' ');
				size_t len = sp ? (size_t)(sp - p) : strlen(p);
				push(ns, json_stringn(p, len), failed);
				p += len + (sp ? 1 : 0);
			}
			put(o, "ns", ns, failed);
		}
		push(arr, o, failed);
	}
	if (!arr)
		*failed = 1;
	return arr;
}

int dd_zone_report_json(const struct dd_zone_audit *a, const struct dd_zone_perf *perf,
			struct dd_buf *out, size_t top)
{
	const struct dd_zone_summary *s = dd_zone_audit_summary(a);
	json_t *root = json_object(), *o;
	const struct dd_zone_item *items;
	size_t n;
	int failed = !root;
	char *text;

	if (failed)
		return DD_ENOMEM;
	put(root, "schema", json_string(SCHEMA), &failed);
	put(root, "zone", json_string(dd_zone_audit_apex(a)), &failed);
	put(root, "records", records_json(s, &failed), &failed);
	put(root, "delegations", delegations_json(s, &failed), &failed);

	o = json_object();
	put(root, "ns_names", o, &failed);
	if (o) {
		put(o, "total", jint(s->ns_names), &failed);
		put(o, "in_bailiwick", jint(s->in_bailiwick_names), &failed);
		put(o, "apex", jint(s->apex_ns), &failed);
	}
	o = json_object();
	put(root, "glue", o, &failed);
	if (o) {
		put(o, "missing_names", jint(s->missing_glue_names), &failed);
		put(o, "missing_delegations", jint(s->missing_glue_delegations), &failed);
		put(o, "unresolvable_delegations", jint(s->unresolvable_delegations), &failed);
		put(o, "missing", names_json(a, DD_ZONE_LIST_MISSING_GLUE, "ns", "required", &failed),
		    &failed);
		put(o, "orphan_names", jint(s->orphan_glue_names), &failed);
		put(o, "orphan_records", jint(s->orphan_glue_records), &failed);
		put(o, "orphan", names_json(a, DD_ZONE_LIST_ORPHAN_GLUE, "name", "records", &failed),
		    &failed);
	}
	o = json_object();
	put(root, "hijack", o, &failed);
	if (o) {
		put(o, "domains_total", jint(s->hijack_domains), &failed);
		put(o, "ns_names", jint(s->hijack_ns_names), &failed);
		put(o, "delegations", jint(s->hijack_delegations), &failed);
		put(o, "delegations_all_ns", jint(s->hijack_all_ns), &failed);
		put(o, "domains", names_json(a, DD_ZONE_LIST_HIJACK, "domain", "ns_names", &failed),
		    &failed);
	}
	o = json_object();
	put(root, "operators", o, &failed);
	if (o) {
		static const unsigned tops[3] = { 1, 3, 10 };
		json_t *td = json_array();
		items = dd_zone_audit_list(a, DD_ZONE_LIST_OPERATORS, &n);
		put(o, "total", jint(s->operators), &failed);
		put(o, "top", ranking_json(items, n, top, s->delegations, "operator", &failed),
		    &failed);
		for (int i = 0; td && i < 3; i++) {
			json_t *t = json_object(), *names = json_array();
			for (size_t k = 0; names && k < n && k < tops[i]; k++)
				push(names, json_string(items[k].name), &failed);
			if (t) {
				put(t, "top", json_integer(tops[i]), &failed);
				put(t, "operators", names, &failed);
				put(t, "delegations_down", jint(s->takedown[i]), &failed);
				put(t, "share", json_real(share(s->takedown[i], s->delegations) / 100.0),
				    &failed);
			} else {
				json_decref(names);
			}
			push(td, t, &failed);
		}
		put(o, "takedown", td, &failed);
	}
	o = json_object();
	put(root, "ns_tlds", o, &failed);
	if (o) {
		items = dd_zone_audit_list(a, DD_ZONE_LIST_TLDS, &n);
		put(o, "total", jint(s->ns_tlds), &failed);
		put(o, "top", ranking_json(items, n, top, s->delegations, "tld", &failed), &failed);
	}
	o = json_object();
	put(root, "performance", o, &failed);
	if (o) {
		put(o, "table_bytes", jint(s->memory_bytes), &failed);
		put(o, "bytes_per_delegation",
		    json_real(s->delegations ? (double)s->memory_bytes / (double)s->delegations : 0),
		    &failed);
		if (perf) {
			put(o, "seconds", json_real(perf->seconds), &failed);
			put(o, "records_per_second",
			    json_real(perf->seconds > 0 ? (double)s->records / perf->seconds : 0),
			    &failed);
			if (perf->peak_rss)
				put(o, "peak_rss_bytes", jint(perf->peak_rss), &failed);
		}
	}
	text = failed ? NULL : json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (!text)
		return DD_ENOMEM;
	dd_buf_puts(out, text);
	dd_buf_puts(out, "\n");
	free(text);
	return dd_buf_failed(out) ? DD_ENOMEM : 0;
}

/* ---- CSV ---- */

struct csv {
	struct dd_buf buf;
	dd_zone_sink sink;
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

int dd_zone_report_csv(const struct dd_zone_audit *a, dd_zone_sink sink, void *ctx)
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
