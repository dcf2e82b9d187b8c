/* facts.c: the facts of a round that matter over time, read from the check
 * document (docs/json-output.md) the audit driver renders for each domain:
 * the verdict, the finding codes, whether the parent delegates the domain,
 * the parent's NS set, the DS set, the registrar, the EPP statuses, the
 * registry's expiry and the SOA serials. The facts are a small JSON object
 * kept with each round (docs/watch.md); events.c compares two of them. */
#include <stdlib.h>
#include <string.h>

#include "core/env.h"
#include "watch/watch.h"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A sorted array of the distinct strings of items (NULL entries skipped). */
static json_t *sorted_set(const char **items, size_t n)
{
	json_t *out = json_array();

	if (!out)
		return NULL;
	qsort(items, n, sizeof(*items), cmp_str);
	for (size_t i = 0; i < n; i++)
		if (items[i] && (i == 0 || !items[i - 1] || strcmp(items[i], items[i - 1]) != 0))
			json_array_append_new(out, json_string(items[i]));
	return out;
}

/* The strings at arr[i].key, at most max. */
static size_t collect(const json_t *arr, const char *key, const char **out, size_t max)
{
	size_t n = 0, i;
	json_t *e;

	json_array_foreach(arr, i, e) {
		const json_t *v = json_object_get(e, key);
		if (json_is_string(v) && n < max)
			out[n++] = json_string_value(v);
	}
	return n;
}

/* The strings of the arrays at arr[i].key, at most max. */
static size_t collect_nested(const json_t *arr, const char *key, const char **out, size_t max)
{
	size_t n = 0, i, j;
	json_t *e, *f;

	json_array_foreach(arr, i, e) {
		json_array_foreach(json_object_get(e, key), j, f)
			if (json_is_string(f) && n < max)
				out[n++] = json_string_value(f);
	}
	return n;
}

#define SET_MAX 512

static json_t *set_of(const json_t *arr, const char *key, int nested)
{
	const char *items[SET_MAX];
	size_t n = nested ? collect_nested(arr, key, items, SET_MAX)
			  : collect(arr, key, items, SET_MAX);
	return sorted_set(items, n);
}

/* true: some parent server gives an NS set; false: none does and some says
 * NXDOMAIN; null: not known (no parent server answered either way). */
static json_t *delegated(const json_t *servers)
{
	size_t i;
	json_t *s;
	int nx = 0;

	json_array_foreach(servers, i, s) {
		if (json_array_size(json_object_get(s, "ns")) > 0)
			return json_true();
		const json_t *st = json_object_get(s, "state");
		if (json_is_string(st) && strcmp(json_string_value(st), "nxdomain") == 0)
			nx = 1;
	}
	return nx ? json_false() : json_null();
}

static json_t *serials(const json_t *nameservers)
{
	json_t *out = json_object(), *ns, *srv;
	size_t i, j;

	json_array_foreach(nameservers, i, ns) {
		const char *name = json_string_value(json_object_get(ns, "name"));
		json_array_foreach(json_object_get(ns, "servers"), j, srv) {
			const char *addr = json_string_value(json_object_get(srv, "address"));
			json_t *serial = json_object_get(json_object_get(srv, "soa_udp"), "serial");
			char key[600];
			if (!name || !addr || !json_is_integer(serial) || json_object_size(out) >= 256)
				continue;
			snprintf(key, sizeof(key), "%s %s", name, addr);
			json_object_set(out, key, serial);
		}
	}
	return out;
}

static json_t *time_of(const json_t *v)
{
	int64_t t;

	if (json_is_string(v) && dd_clock_parse(json_string_value(v), &t) == 0)
		return json_integer(t);
	return json_null();
}

static void registration(json_t *facts, const json_t *reg)
{
	const json_t *rec = json_object_get(reg, "record");
	const json_t *name = json_object_get(json_object_get(rec, "registrar"), "name");
	const json_t *result = json_object_get(reg, "result");

	json_object_set_new(facts, "registration",
			    json_is_string(result) ? json_copy((json_t *)result) : json_null());
	json_object_set_new(facts, "registrar",
			    json_is_string(name) ? json_copy((json_t *)name) : json_null());
	json_object_set_new(facts, "statuses", rec ? set_of(json_object_get(rec, "statuses"),
							       "code", 0)
						   : json_null());
	json_object_set_new(facts, "expires", time_of(json_object_get(rec, "expires")));
}

static json_t *copy_str(const json_t *v)
{
	return json_is_string(v) ? json_copy((json_t *)v) : json_null();
}

/* The earliest expiry of the domain's DNSSEC signatures: over its servers'
 * DNSKEY, SOA and NS signatures (each the latest valid one's), or null
 * when none is dated (unsigned, or not validated). For the metrics. */
static json_t *sig_expires(const json_t *dnssec)
{
	static const char *const sets[] = { "dnskey", "soa", "ns" };
	int64_t first = 0, t;
	const json_t *srv;
	size_t i;

	json_array_foreach(json_object_get(dnssec, "servers"), i, srv) {
		for (size_t k = 0; k < sizeof(sets) / sizeof(sets[0]); k++) {
			const json_t *e = json_object_get(json_object_get(srv, sets[k]), "expires");
			if (json_is_string(e) && dd_clock_parse(json_string_value(e), &t) == 0 &&
			    (!first || t < first))
				first = t;
		}
	}
	return first ? json_integer(first) : json_null();
}

/* How many findings of each severity ({"warning": 2, ...}; severities with
 * none left out): the metrics and the dashboard's table read the facts
 * only, not every round's findings. */
static json_t *severities(const json_t *fs)
{
	json_t *o = json_object(), *f;
	size_t i;

	json_array_foreach(fs, i, f) {
		const char *sev = json_string_value(json_object_get(f, "severity"));
		if (sev && o)
			json_object_set_new(o, sev, json_integer(
				json_integer_value(json_object_get(o, sev)) + 1));
	}
	return o;
}

json_t *dd_watch_facts(const json_t *check, json_t **findings)
{
	const json_t *verdict = json_object_get(check, "verdict");
	const json_t *deleg = json_object_get(check, "delegation");
	const json_t *fs = json_object_get(check, "findings");
	const json_t *servers = json_object_get(deleg, "parent_servers");
	json_t *f;

	if (findings)
		*findings = NULL;
	if (!json_is_object(verdict) || !json_is_array(fs) ||
	    !json_is_string(json_object_get(check, "domain")))
		return NULL;
	if (!(f = json_object()))
		return NULL;
	json_object_set_new(f, "time", time_of(json_object_get(check, "time")));
	json_object_set_new(f, "status", copy_str(json_object_get(verdict, "status")));
	json_object_set_new(f, "layer", copy_str(json_object_get(verdict, "layer")));
	json_object_set_new(f, "findings", set_of(fs, "code", 0));
	json_object_set_new(f, "delegated", delegated(servers));
	json_object_set_new(f, "parent_ns", set_of(servers, "ns", 1));
	json_object_set_new(f, "ds", set_of(servers, "ds", 1));
	json_object_set_new(f, "serials", serials(json_object_get(deleg, "nameservers")));
	json_object_set_new(f, "sig_expires", sig_expires(json_object_get(check, "dnssec")));
	json_object_set_new(f, "severities", severities(fs));
	if (json_is_object(json_object_get(check, "registration")))
		registration(f, json_object_get(check, "registration"));
	if (findings)
		*findings = json_deep_copy(fs);
	return f;
}
