/* metrics.c: /metrics in the Prometheus text exposition format (0.0.4),
 * from the store's latest rounds and the service's counters. One series
 * per domain for each per-domain metric (plus one per finding severity),
 * so the cardinality is the number of watched domains times a constant
 * (docs/web.md); no label ever carries text from a server. */
#include <jansson.h>
#include <string.h>

#include "checks/checks.h"
#include "core/err.h"
#include "web/web.h"

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
	for (const char *c = v ? v : ""; *c; c++) {
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

static void findings(struct dd_buf *out, const struct dd_store_latest_row *r)
{
	size_t count[DD_SEV_COUNT] = { 0 };
	json_t *fs = r->findings ? json_loads(r->findings, 0, NULL) : NULL;
	size_t i;
	json_t *f;

	json_array_foreach(fs, i, f) {
		const char *sev = json_string_value(json_object_get(f, "severity"));
		for (int s = 0; sev && s < DD_SEV_COUNT; s++)
			if (strcmp(sev, dd_chk_severity_name(s)) == 0)
				count[s]++;
	}
	json_decref(fs);
	for (int s = 0; s < DD_SEV_COUNT; s++) {
		series(out, METRICS[M_FINDINGS].name, r->s.domain);
		dd_buf_printf(out, ",severity=\"%s\"} %zu\n", dd_chk_severity_name(s), count[s]);
	}
}

/* A time from the facts (key), when it is there. */
static void fact_time(struct dd_buf *out, const struct dd_store_latest_row *r, enum metric m,
		      const char *key)
{
	json_t *facts = r->facts ? json_loads(r->facts, 0, NULL) : NULL;
	json_t *e = json_object_get(facts, key);

	if (json_is_integer(e)) {
		series(out, METRICS[m].name, r->s.domain);
		dd_buf_printf(out, "} %lld\n", (long long)json_integer_value(e));
	}
	json_decref(facts);
}

struct pass {
	enum metric m;
	struct dd_buf *out;
};

static void one(void *arg, const struct dd_store_latest_row *r)
{
	struct pass *p = arg;

	if (r->s.status < 0) /* not checked yet: no value to give */
		return;
	switch (p->m) {
	case M_STATUS:
		series(p->out, METRICS[M_STATUS].name, r->s.domain);
		dd_buf_printf(p->out, "} %d\n", r->s.status);
		break;
	case M_LAYER:
		series(p->out, METRICS[M_LAYER].name, r->s.domain);
		dd_buf_printf(p->out, ",layer=\"%s\"} 1\n", dd_chk_layer_name(r->s.layer));
		break;
	case M_LAST:
		series(p->out, METRICS[M_LAST].name, r->s.domain);
		dd_buf_printf(p->out, "} %lld\n", (long long)r->s.time);
		break;
	case M_EXPIRY: fact_time(p->out, r, M_EXPIRY, "expires"); break;
	case M_SIG: fact_time(p->out, r, M_SIG, "sig_expires"); break;
	case M_FINDINGS: findings(p->out, r); break;
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

int dd_web_metrics(struct dd_store *st, const struct dd_web_counters *c, struct dd_buf *out)
{
	int rc;

	for (int m = 0; m < M_COUNT; m++) {
		struct pass p = { m, out };
		dd_buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", METRICS[m].name, METRICS[m].help,
			      METRICS[m].name, METRICS[m].type);
		if ((rc = dd_store_latest(st, one, &p)) != 0)
			return rc;
	}
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
