/* alert.c: the alert document (schema "dnsdeps.alert/1", docs/watch.md),
 * written once when the alert is queued and stored in the outbox, and the
 * text for people made from it (the mail body, $DNSDEPS_TEXT): the verdict
 * sentence, the layer, what changed since the last good round, the advice. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/checks.h"
#include "core/env.h"
#include "core/err.h"
#include "watch/watch.h"

#define ADVICE_MAX 5

/* The advice of the findings, most severe first, each once. */
static json_t *advice_of(const json_t *findings)
{
	json_t *out = json_array(), *f;
	size_t i;

	json_array_foreach(findings, i, f) {
		json_t *a = json_object_get(f, "advice");
		const char *sev = json_string_value(json_object_get(f, "severity"));
		size_t j;
		json_t *seen;
		int dup = 0;
		if (!json_is_string(a) || !sev || strcmp(sev, "info") == 0 ||
		    strcmp(sev, "notice") == 0 || json_array_size(out) >= ADVICE_MAX)
			continue;
		json_array_foreach(out, j, seen)
			dup |= json_equal(seen, a);
		if (!dup)
			json_array_append(out, a);
	}
	return out;
}

json_t *dd_watch_findings_brief(const json_t *findings)
{
	json_t *out = json_array(), *f;
	size_t i;

	json_array_foreach(findings, i, f) {
		json_t *o = json_object();
		static const char *const keys[] = { "code", "severity", "layer", "message" };
		for (size_t k = 0; k < 4; k++)
			json_object_set(o, keys[k], json_object_get(f, keys[k]));
		json_array_append_new(out, o);
	}
	return out;
}

char *dd_watch_alert_json(enum dd_watch_alert_kind kind, const char *domain, const char *group,
			  const char *incident, int64_t time, int status, int layer,
			  const char *summary, const json_t *findings,
			  const struct dd_watch_event *changes, size_t nchanges)
{
	json_t *o = json_object(), *ch = json_array();
	char t[32];
	char *s;

	dd_clock_format(time, t, sizeof(t));
	for (size_t i = 0; i < nchanges; i++) {
		json_t *e = json_object();
		json_object_set_new(e, "kind", json_string(changes[i].kind));
		json_object_set_new(e, "detail", json_string(changes[i].detail));
		json_array_append_new(ch, e);
	}
	json_object_set_new(o, "schema", json_string("dnsdeps.alert/1"));
	json_object_set_new(o, "kind", json_string(dd_watch_alert_kind_name(kind)));
	json_object_set_new(o, "domain", json_string(domain));
	json_object_set_new(o, "group", json_string(group ? group : ""));
	json_object_set_new(o, "incident", json_string(incident ? incident : ""));
	json_object_set_new(o, "time", json_string(t));
	json_object_set_new(o, "status", json_string(dd_chk_status_name(status)));
	json_object_set_new(o, "layer", json_string(dd_chk_layer_name(layer)));
	json_object_set_new(o, "summary", json_string(summary ? summary : ""));
	json_object_set_new(o, "changes", ch);
	json_object_set_new(o, "advice", advice_of(findings));
	json_object_set_new(o, "findings", dd_watch_findings_brief(findings));
	s = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(o);
	return s;
}

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

int dd_watch_alert_text(const char *payload, struct dd_buf *out, char *subject, size_t sublen)
{
	json_t *o = json_loads(payload, 0, NULL), *e;
	const char *kind;
	size_t i;

	if (!o)
		return DD_EPARSE;
	kind = str(o, "kind");
	char dom[300];
	snprintf(dom, sizeof(dom), "%s", str(o, "domain"));
	for (char *c = dom; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	if (strcmp(kind, "close") == 0)
		snprintf(subject, sublen, "[dnsdeps] RECOVERED %s", dom);
	else if (strcmp(kind, "change") == 0)
		snprintf(subject, sublen, "[dnsdeps] CHANGED %s (now %s)", dom, str(o, "status"));
	else
		snprintf(subject, sublen, "[dnsdeps] %s%s %s (layer %s)",
			 strcmp(kind, "reminder") == 0 ? "STILL " : "", str(o, "status"), dom,
			 str(o, "layer"));
	dd_buf_esc(out, subject);
	dd_buf_puts(out, "\n\n");
	dd_buf_esc_msg(out, str(o, "summary"));
	dd_buf_printf(out, "\n\nStatus: %s. Layer: %s. Incident: ", str(o, "status"),
		      str(o, "layer"));
	dd_buf_esc(out, str(o, "incident"));
	dd_buf_printf(out, ". Time: %s.\n", str(o, "time"));
	if (json_array_size(json_object_get(o, "changes"))) {
		dd_buf_puts(out, "\nChanged since the last good round:\n");
		json_array_foreach(json_object_get(o, "changes"), i, e) {
			dd_buf_puts(out, "- ");
			dd_buf_esc(out, str(e, "kind"));
			dd_buf_puts(out, ": ");
			dd_buf_esc(out, str(e, "detail"));
			dd_buf_puts(out, "\n");
		}
	}
	if (json_array_size(json_object_get(o, "advice"))) {
		dd_buf_puts(out, "\nWhat to do:\n");
		json_array_foreach(json_object_get(o, "advice"), i, e) {
			dd_buf_puts(out, "- ");
			dd_buf_esc(out, json_string_value(e) ? json_string_value(e) : "");
			dd_buf_puts(out, "\n");
		}
	}
	json_decref(o);
	return dd_buf_failed(out) ? DD_ENOMEM : 0;
}
