/* incident.c: the incident state machine of one domain, pure. An incident
 * opens on the first bad round (warning or critical) and is alerted once
 * alert_after bad rounds came in a row (a server that fails every other
 * round never gets there: no alert storm); once alerted, a reminder follows
 * every reminder_s while it stays open; it closes after recover_after good
 * rounds in a row, with one recovery alert when it had been alerted. An
 * unknown verdict (dnsdeps could not tell) changes nothing. */
#include <stdio.h>
#include <string.h>

#include "checks/checks.h"
#include "core/env.h"
#include "watch/watch.h"

static void on_bad(struct dd_watch_step *o, const char *domain, int status, int layer,
		   const char *summary, int64_t now, const struct dd_watch_policy *p)
{
	struct dd_store_dstate *s = &o->state;

	s->bad_streak++;
	s->good_streak = 0;
	o->inc.status = status;
	o->inc.layer = layer;
	o->inc.summary = summary;
	o->inc.time = now;
	if (!s->incident[0]) {
		char t[32];
		dd_clock_format(now, t, sizeof(t));
		snprintf(s->incident, sizeof(s->incident), "%s@%s", domain, t);
		s->incident_alerted = 0;
		s->incident_status = status;
		o->inc.op = DD_STORE_INC_OPEN;
	} else if (status == DD_STATUS_CRITICAL && s->incident_status != DD_STATUS_CRITICAL) {
		s->incident_status = status;
		o->inc.op = DD_STORE_INC_UPDATE;
	}
	if (!s->incident_alerted && s->bad_streak >= p->alert_after) {
		s->incident_alerted = 1;
		s->last_alert = now;
		o->alert = DD_WATCH_ALERT_OPEN;
	} else if (s->incident_alerted && p->reminder_s &&
		   now - s->last_alert >= (int64_t)p->reminder_s) {
		s->last_alert = now;
		o->alert = DD_WATCH_ALERT_REMINDER;
	}
}

static void on_good(struct dd_watch_step *o, int64_t now, const struct dd_watch_policy *p)
{
	struct dd_store_dstate *s = &o->state;

	s->good_streak++;
	s->bad_streak = 0;
	if (!s->incident[0] || s->good_streak < p->recover_after)
		return;
	o->inc.op = DD_STORE_INC_CLOSE;
	o->inc.time = now;
	if (s->incident_alerted) {
		o->alert = DD_WATCH_ALERT_CLOSE;
		s->last_alert = now;
	}
	s->incident_alerted = 0;
}

void dd_watch_incident_step(const struct dd_store_dstate *prev, const char *domain,
			    int status, int layer, const char *summary, int64_t now,
			    const struct dd_watch_policy *p, struct dd_watch_step *out)
{
	memset(out, 0, sizeof(*out));
	out->state = *prev;
	if (status == DD_STATUS_WARNING || status == DD_STATUS_CRITICAL)
		on_bad(out, domain, status, layer, summary, now, p);
	else if (status == DD_STATUS_OK)
		on_good(out, now, p);
	out->inc.key = out->state.incident;
	out->alert_status = out->state.incident_status;
	/* The key stays readable for the close; the state forgets it. */
	if (out->inc.op == DD_STORE_INC_CLOSE) {
		snprintf(out->closed_key, sizeof(out->closed_key), "%s", out->state.incident);
		out->inc.key = out->closed_key;
		out->state.incident[0] = '\0';
		out->state.incident_status = 0;
	}
}

const char *dd_watch_alert_kind_name(enum dd_watch_alert_kind k)
{
	switch (k) {
	case DD_WATCH_ALERT_NONE: return "none";
	case DD_WATCH_ALERT_OPEN: return "open";
	case DD_WATCH_ALERT_CLOSE: return "close";
	case DD_WATCH_ALERT_REMINDER: return "reminder";
	case DD_WATCH_ALERT_CHANGE: return "change";
	}
	return "?";
}
