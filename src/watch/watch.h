/* watch.h: `dnsdeps watch`, the guard. Its parts:
 * - config.c: dnsdeps.conf(5), clauses of `key: value` lines as in nsd.conf
 *   and unbound.conf; errors name the file and the line;
 * - facts.c: from one check document (`check --json`) to the facts that
 *   matter over time (delegation present, parent NS set, DS set, registrar,
 *   EPP statuses, expiry, serials, finding codes, the verdict);
 * - events.c: the change events between two rounds' facts (pure);
 * - incident.c: the incident state machine and the alerts it queues (pure);
 * - alert.c: the alert document (JSON, docs/watch.md) and its text;
 * - service.c: the schedule, the rounds (the audit driver's window of
 *   domains on one probe), the store commits and the alert deliveries.
 * Everything a round makes goes to the store (store/store.h) in one
 * transaction; `dnsdeps history` and `status` (and later the dashboard and
 * the metrics) read it from there. */
#ifndef DD_WATCH_H
#define DD_WATCH_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "store/store.h"

#define DD_WATCH_WHY_MAX 512
#define DD_WATCH_PATH_MAX 1024
#define DD_WATCH_MAX_ROUTES 16
#define DD_WATCH_MAX_GROUPS 1024
#define DD_WATCH_MAX_DOMAINS 1000000

/* ---- configuration ---------------------------------------------------------- */

enum dd_watch_route_kind { DD_WATCH_WEBHOOK = 0, DD_WATCH_EXEC, DD_WATCH_EMAIL };

struct dd_watch_route {
	enum dd_watch_route_kind kind;
	char target[DD_WATCH_PATH_MAX]; /* URL, program, or mail address */
	int min_status;                 /* enum dd_chk_status: 1 warning, 2 critical */
};

struct dd_watch_group {
	char name[64];
	char **domains;       /* canonical names; the first is the primary */
	size_t ndomains, cap;
	unsigned interval_s;  /* 0: the watch clause's */
	unsigned jitter_s;    /* UINT32_MAX: the watch clause's */
	struct dd_watch_route routes[DD_WATCH_MAX_ROUTES]; /* none: the watch clause's */
	size_t nroutes;
};

/* Judgement and probing settings, as `check` takes them (0/"" : defaults). */
struct dd_watch_judge {
	char root_hints[DD_WATCH_PATH_MAX];
	char trust_anchor[DD_WATCH_PATH_MAX];
	char rdap_bootstrap[DD_WATCH_PATH_MAX];
	char whois_servers[DD_WATCH_PATH_MAX];
	char ca_file[DD_WATCH_PATH_MAX];
	unsigned timeout_ms, retries;
	unsigned expiry_warn, expiry_crit, sig_warn; /* days */
	int no_registration;
};

/* The web server (src/web, docs/web.md): listen "" is off. The secrets are
 * read from files, never from the command line (ps shows it). */
struct dd_watch_http {
	char listen[128];                  /* ADDR:PORT, [ADDR6]:PORT or PORT */
	char cert[DD_WATCH_PATH_MAX];      /* TLS certificate (PEM), with key */
	char key[DD_WATCH_PATH_MAX];
	char token_file[DD_WATCH_PATH_MAX]; /* bearer token */
	char auth_file[DD_WATCH_PATH_MAX];  /* basic auth, "user:password" */
};

struct dd_watch_config {
	char store[DD_WATCH_PATH_MAX];
	struct dd_watch_http http;
	unsigned interval_s;     /* default 300 */
	unsigned jitter_s;       /* default interval/10 */
	unsigned alert_after;    /* bad rounds in a row before the alert (default 2) */
	unsigned recover_after;  /* good rounds in a row to close (default 2) */
	unsigned reminder_s;     /* reminder of an open incident (default 6 h; 0 never) */
	unsigned retention_s;    /* rounds kept (default 90 days) */
	unsigned evidence_max;   /* bytes of a domain's latest evidence document kept
				  * (default DD_STORE_EVIDENCE_MAX; 0: none kept) */
	unsigned concurrency;    /* domains checked at once (default 50) */
	unsigned lease_s;        /* a claimed domain is this worker's this long (default 5m) */
	char worker[128];        /* this worker's name in a shared store (default: host name) */
	char smtp_server[DD_WATCH_PATH_MAX]; /* smtp://host:port */
	char mail_from[256];
	struct dd_watch_judge judge;
	struct dd_watch_route routes[DD_WATCH_MAX_ROUTES]; /* the default routes */
	size_t nroutes;
	struct dd_watch_group *groups;
	size_t ngroups;
};

/* "90", "2s", "5m", "1h", "7d" to seconds (a bare number is seconds).
 * 0, or DD_EINVAL (not a duration, or above 10 years). */
int dd_watch_duration(const char *text, unsigned *out);

/* Defaults, before a file or options are applied. */
void dd_watch_config_init(struct dd_watch_config *c);
void dd_watch_config_free(struct dd_watch_config *c);
/* Parse a config file's text; file names it in errors ("FILE:LINE: ...").
 * 0, or DD_EPARSE / DD_EIO / DD_ENOMEM with why set. c must be initialised;
 * on failure it holds what came before the error (free it or use it). */
int dd_watch_config_parse(struct dd_watch_config *c, const char *text, size_t len,
			  const char *file, char why[DD_WATCH_WHY_MAX]);
int dd_watch_config_load(struct dd_watch_config *c, const char *path,
			 char why[DD_WATCH_WHY_MAX]);
/* Add a domain to the group named name (made when missing; "" is the
 * default group). 0, DD_ENAME (why set), DD_ELIMIT or DD_ENOMEM. */
int dd_watch_config_add(struct dd_watch_config *c, const char *group, const char *domain,
			const char **why);
/* Add the domains of a list file (audit's format) to a group. */
int dd_watch_config_add_list(struct dd_watch_config *c, const char *group, const char *path,
			     char why[DD_WATCH_WHY_MAX]);
/* Parse one route value: "URL [warning|critical]". */
int dd_watch_route_parse(enum dd_watch_route_kind kind, const char *value,
			 struct dd_watch_route *out, const char **why);
/* Checks after everything is applied: domains present, routes usable.
 * 0 or DD_EINVAL with why set. */
int dd_watch_config_check(const struct dd_watch_config *c, char why[DD_WATCH_WHY_MAX]);
/* The interval, jitter and routes that apply to group g. */
unsigned dd_watch_group_interval(const struct dd_watch_config *c, const struct dd_watch_group *g);
unsigned dd_watch_group_jitter(const struct dd_watch_config *c, const struct dd_watch_group *g);
const struct dd_watch_route *dd_watch_group_routes(const struct dd_watch_config *c,
						   const struct dd_watch_group *g, size_t *n);
const char *dd_watch_route_kind_name(enum dd_watch_route_kind k);

/* ---- facts and events -------------------------------------------------------- */

/* The facts of one check document (a JSON object of `check --json`):
 * a new JSON object (docs/watch.md, "facts"), or NULL (not a check
 * document, or no memory). findings (may be NULL) receives the document's
 * findings array (code, severity, layer, message, advice), new. */
json_t *dd_watch_facts(const json_t *check, json_t **findings);

struct dd_watch_event {
	char kind[40];      /* docs/watch.md lists them */
	char detail[600];   /* one line, names from servers raw: escape to print */
};

#define DD_WATCH_MAX_EVENTS 64

/* What changed from prev to cur (facts objects; prev NULL: the first
 * round, no events). warn_days: the expiry warning window. Writes at most
 * max events; returns how many. */
size_t dd_watch_events(const json_t *prev, const json_t *cur, int warn_days,
		       struct dd_watch_event *out, size_t max);

/* An event an owner wants to hear of even while the verdict is fine, since
 * it announces an outage the registry shows coming (a transfer lock or a
 * status change, the expiry in the window, a nameserver's domain expiring
 * or gone) or a change of the delegation: 1 or 0. */
int dd_watch_event_notable(const struct dd_watch_event *e);

/* ---- incidents --------------------------------------------------------------- */

struct dd_watch_policy {
	unsigned alert_after, recover_after;
	unsigned reminder_s; /* 0: no reminders */
};

enum dd_watch_alert_kind { DD_WATCH_ALERT_NONE = 0, DD_WATCH_ALERT_OPEN,
			   DD_WATCH_ALERT_CLOSE, DD_WATCH_ALERT_REMINDER,
			   DD_WATCH_ALERT_CHANGE /* notable events outside an alert */ };

struct dd_watch_step {
	struct dd_store_dstate state;   /* the domain's new state (next_due unchanged) */
	struct dd_store_incident inc;   /* the incident change (key points into state) */
	enum dd_watch_alert_kind alert; /* the alert to queue */
	int alert_status;               /* the incident's worst status, for the routes */
	char closed_key[320];           /* the closed incident's key (inc.key points here) */
};

/* One round of domain with this status and layer at time now, after prev.
 * A round is bad when warning or critical; unknown changes nothing. */
void dd_watch_incident_step(const struct dd_store_dstate *prev, const char *domain,
			    int status, int layer, const char *summary, int64_t now,
			    const struct dd_watch_policy *p, struct dd_watch_step *out);
const char *dd_watch_alert_kind_name(enum dd_watch_alert_kind k);

/* ---- alerts ------------------------------------------------------------------ */

/* The alert document (schema dnsdeps.alert/1, docs/watch.md), compact JSON.
 * changes: events since the last good round. NULL on no memory. */
char *dd_watch_alert_json(enum dd_watch_alert_kind kind, const char *domain, const char *group,
			  const char *incident, int64_t time, int status, int layer,
			  const char *summary, const json_t *findings,
			  const struct dd_watch_event *changes, size_t nchanges);
/* The findings of a check document as a round keeps them and an alert
 * lists them: code, severity, layer, message (the advice follows from the
 * code; the exchange ids need the evidence). A new array. */
json_t *dd_watch_findings_brief(const json_t *findings);
/* The alert as text for people (mail body, $DNSDEPS_TEXT), from the
 * document; control characters escaped. 0, DD_EPARSE or DD_ENOMEM. */
int dd_watch_alert_text(const char *payload, struct dd_buf *out, char *subject, size_t sublen);

/* ---- the service ------------------------------------------------------------- */

struct dd_probe_opts;
struct dd_dns_hint;
struct dd_reg_fetch_opts;
struct dd_evidence;

/* What a run needs besides the config: made by the command from the config
 * and its options, made again on SIGHUP. */
struct dd_watch_settings {
	struct dd_watch_config cfg;
	struct dd_probe_opts *po;
	struct dd_dns_hint *hints;
	size_t nhints;
	const struct dd_reg_fetch_opts *reg; /* NULL: no registration look-ups */
	/* Called with each evidence before it is probed (trust anchor,
	 * dependencies); may be NULL. */
	int (*prepare)(void *ctx, struct dd_evidence *ev);
	/* Called with each evidence once probed, before it is judged. */
	int (*finish)(void *ctx, struct dd_evidence *ev);
	void *ctx;
};

struct dd_net_notify;

struct dd_watch_opts {
	int once;              /* one round of every domain, then return */
	const char *tool;      /* the evidence's "tool" */
	/* A line for the log (no newline); may be NULL. */
	void (*log)(void *ctx, const char *line);
	/* SIGHUP: make new settings into *out; 0, or nonzero with why (the old
	 * settings stay). May be NULL (SIGHUP then ignored). */
	int (*reload)(void *ctx, struct dd_watch_settings **out, char why[DD_WATCH_WHY_MAX]);
	void (*settings_free)(void *ctx, struct dd_watch_settings *s);
	void *ctx;
	/* The service manager (net/notify.h): READY=1 once the service runs,
	 * STATUS= after each round, STOPPING=1 on SIGTERM, WATCHDOG=1 as it
	 * makes progress. NULL: none. */
	struct dd_net_notify *notify;
};

#define DD_WATCH_DUR_BUCKETS 11

/* The upper bounds (seconds) of the check duration buckets, ascending:
 * DD_WATCH_DUR_BUCKETS - 1 of them. */
const double *dd_watch_duration_bounds(void);

struct dd_watch_result {
	int worst;            /* worst status of the last round of each domain (--once) */
	uint64_t rounds;      /* domain-rounds committed */
	uint64_t alerts_sent; /* deliveries that succeeded */
	/* Read while the service runs (the web server's thread): the counters
	 * above and these change with __atomic operations only. */
	uint64_t alerts_failed; /* deliveries that failed (each retry counts) */
	uint64_t queries, timeouts; /* DNS exchanges of the rounds, and timeouts */
	uint64_t checks;        /* rounds of the service (a round checks the due domains) */
	/* How long each domain's check took, from its start to its committed
	 * round: counts per bucket of dd_watch_duration_bounds (the last: above
	 * them all), and the sum in microseconds. */
	uint64_t dur_count[DD_WATCH_DUR_BUCKETS];
	uint64_t dur_sum_us;
	double max_lag_s;     /* the most a round started after it was due */
};

/* Run the service with settings s (owned by the caller until a reload
 * replaces them: replaced ones are handed to o->settings_free; the ones in
 * use at the end are returned in *final). res starts as the caller set it
 * (zeroed): another thread may read it from the start. Returns 0 after SIGTERM/SIGINT
 * (or one round with once), or a negative dd_err with why set. */
int dd_watch_run(struct dd_store *st, struct dd_watch_settings *s, const struct dd_watch_opts *o,
		 struct dd_watch_settings **final, struct dd_watch_result *res,
		 char why[DD_WATCH_WHY_MAX]);

#endif
