/* metrics.c: /metrics in the Prometheus text exposition format (0.0.4),
 * from the store's latest rounds and the service's counters. One series
 * per domain for each per-domain metric (plus one per finding severity),
 * so the cardinality is the number of watched domains times a constant
 * (docs/web.md); no label ever carries text from a server. */
#include <string.h>

#include "checks/checks.h"
#include "core/err.h"
#include "web/web.h"
#include "web/web_int.h"

/* The per-domain metrics, each rendered in one pass over the domains. */
enum metric { M_STATUS, M_LAYER, M_LAST, M_EXPIRY, M_SIG, M_FINDINGS, M_COUNT };

static const struct {
	const char *name, *type, *help;
} METRICS[M_COUNT] = {
	[M_STATUS] = { "dnsdeps_domain_status", "gauge",
		       "Verdict of the last check: 0 ok, 1 warning, 2 critical, 3 unknown." },
	[M_LAYER] = { "dnsdeps_domain_layer", "gauge",
		      "Always 1; the layer label is the one the last verdict blames." },
	[M_LAST] = { "dnsdeps_last_check_timestamp_seconds", "gauge",
		     "When the domain was last checked (Unix time)." },
	[M_EXPIRY] = { "dnsdeps_registration_expiry_timestamp_seconds", "gauge",
		       "Registry expiry of the domain (Unix time), when the registry told it." },
	[M_SIG] = { "dnsdeps_dnssec_signature_expiry_timestamp_seconds", "gauge",
		    "Earliest expiry of the domain's DNSSEC signatures (Unix time), when signed." },
	[M_FINDINGS] = { "dnsdeps_findings", "gauge",
			 "Findings of the last check, by severity." },
};

/* A label value, escaped as the format wants (backslash, quote, newline). */
static void label(struct dd_buf *out, const char *v)
{
	if (!strpbrk(v ? v : "", "\\\"\n")) {
		dd_buf_puts(out, v ? v : "");
		return;
	}
	for (const char *c = v; *c; c++) {
		if (*c == '\\' || *c == '"')
			dd_buf_printf(out, "\\%c", *c);
		else if (*c == '\n')
			dd_buf_puts(out, "\\n");
		else
			dd_buf_add(out, c, 1);
	}
}

static void series(struct dd_buf *out, const char *name, const char *domain)
{
	dd_buf_printf(out, "%s{domain=\"", name);
	label(out, domain);
	dd_buf_puts(out, "\"");
}

/* One domain's line of metric m (none when it has no value). */
static void one(struct dd_buf *out, enum metric m, const struct dd_web_row *r)
{
	switch (m) {
	case M_STATUS:
		series(out, METRICS[m].name, r->domain);
		dd_buf_printf(out, "} %d\n", r->status);
		break;
	case M_LAYER:
		series(out, METRICS[m].name, r->domain);
		dd_buf_printf(out, ",layer=\"%s\"} 1\n", dd_chk_layer_name(r->layer));
		break;
	case M_LAST:
		series(out, METRICS[m].name, r->domain);
		dd_buf_printf(out, "} %lld\n", (long long)r->checked);
		break;
	case M_EXPIRY:
	case M_SIG: {
		int64_t t = m == M_EXPIRY ? r->expires : r->sig_expires;
		if (t) {
			series(out, METRICS[m].name, r->domain);
			dd_buf_printf(out, "} %lld\n", (long long)t);
		}
		break;
	}
	case M_FINDINGS:
		for (int s = 0; s < DD_SEV_COUNT; s++) {
			series(out, METRICS[m].name, r->domain);
			dd_buf_printf(out, ",severity=\"%s\"} %u\n", dd_chk_severity_name(s),
				      r->findings[s]);
		}
		break;
	case M_COUNT: break;
	}
}

static void counter(struct dd_buf *out, const char *name, const char *help, uint64_t v)
{
	dd_buf_printf(out, "# HELP %s %s\n# TYPE %s counter\n%s %llu\n", name, help, name, name,
		      (unsigned long long)v);
}

/* The check duration histogram, cumulative as the format wants. */
static void histogram(struct dd_buf *out, const struct dd_web_counters *c)
{
	static const char name[] = "dnsdeps_check_duration_seconds";
	uint64_t cum = 0;
	size_t n = c->nbounds < DD_WEB_DUR_MAX ? c->nbounds : DD_WEB_DUR_MAX;

	dd_buf_printf(out, "# HELP %s Time from a domain's check starting to its round stored.\n"
			   "# TYPE %s histogram\n", name, name);
	for (size_t i = 0; i < n; i++) {
		cum += c->dur_count[i];
		dd_buf_printf(out, "%s_bucket{le=\"%g\"} %llu\n", name, c->bounds[i],
			      (unsigned long long)cum);
	}
	cum += c->dur_count[n];
	dd_buf_printf(out, "%s_bucket{le=\"+Inf\"} %llu\n%s_sum %.6f\n%s_count %llu\n", name,
		      (unsigned long long)cum, name, c->dur_sum_s, name, (unsigned long long)cum);
}

int dd_web_metrics(struct dd_store *st, struct dd_web_rows *cache,
		   const struct dd_web_counters *c, struct dd_buf *out)
{
	struct dd_web_rows rows;
	int rc;

	if ((rc = dd_web_rows_read(st, cache, &rows)) != 0)
		return rc;
	for (int m = 0; m < M_COUNT; m++) {
		dd_buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", METRICS[m].name, METRICS[m].help,
			      METRICS[m].name, METRICS[m].type);
		for (size_t i = 0; i < rows.n; i++)
			if (rows.v[i].status >= 0) /* not checked yet: no value to give */
				one(out, m, &rows.v[i]);
	}
	dd_web_rows_keep(&rows, cache);
	histogram(out, c);
	counter(out, "dnsdeps_rounds_total", "Domain checks committed to the store.", c->rounds);
	counter(out, "dnsdeps_service_rounds_total", "Rounds of the service (each checks the due domains).",
		c->checks);
	counter(out, "dnsdeps_queries_total", "DNS queries sent by the rounds.", c->queries);
	counter(out, "dnsdeps_query_timeouts_total", "DNS queries that timed out.", c->timeouts);
	counter(out, "dnsdeps_alerts_sent_total", "Alert deliveries that succeeded.", c->alerts_sent);
	counter(out, "dnsdeps_alerts_failed_total", "Alert deliveries that failed (each try).",
		c->alerts_failed);
	return dd_buf_failed(out) ? DD_ENOMEM : 0;
}
