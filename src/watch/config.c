/* config.c: dnsdeps.conf(5). Clauses in the style of nsd.conf and
 * unbound.conf: a line "watch:" or "group:" opens a clause, "key: value"
 * lines set its keys, '#' starts a comment, values may be double-quoted.
 * One table per clause lists its keys; docs/dnsdeps.conf.5 describes them.
 * Every error names the file and the line. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "core/err.h"
#include "core/name.h"
#include "reg/reg.h"
#include "watch/watch.h"

#define LINE_MAX_LEN 4096
#define FILE_MAX (16 * 1024 * 1024)

int dd_watch_duration(const char *text, unsigned *out)
{
	static const struct { char unit; unsigned long mul; } units[] = {
		{ 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 }, { 0, 1 } };
	char *end;
	unsigned long v, mul = 0;

	if (!text || text[0] < '0' || text[0] > '9')
		return DD_EINVAL;
	errno = 0;
	v = strtoul(text, &end, 10);
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (*end == units[i].unit && (units[i].unit == 0 || end[1] == '\0'))
			mul = units[i].mul;
	if (errno || !mul || v > 315360000UL / mul)
		return DD_EINVAL;
	*out = (unsigned)(v * mul);
	return 0;
}

void dd_watch_config_init(struct dd_watch_config *c)
{
	memset(c, 0, sizeof(*c));
	c->interval_s = 300;
	c->jitter_s = UINT32_MAX; /* interval / 10 */
	c->alert_after = 2;
	c->recover_after = 2;
	c->reminder_s = 6 * 3600;
	c->retention_s = 90 * 86400;
	c->concurrency = 50;
	c->lease_s = 300;
	c->evidence_max = DD_STORE_EVIDENCE_MAX;
	c->judge.timeout_ms = 1500;
	c->judge.retries = 2;
}

void dd_watch_config_free(struct dd_watch_config *c)
{
	for (size_t g = 0; g < c->ngroups; g++) {
		for (size_t i = 0; i < c->groups[g].ndomains; i++)
			free(c->groups[g].domains[i]);
		free(c->groups[g].domains);
	}
	free(c->groups);
	c->groups = NULL;
	c->ngroups = 0;
}

static struct dd_watch_group *group_new(struct dd_watch_config *c, const char *name)
{
	struct dd_watch_group *v, *g;

	if (c->ngroups >= DD_WATCH_MAX_GROUPS)
		return NULL;
	v = realloc(c->groups, (c->ngroups + 1) * sizeof(*v));
	if (!v)
		return NULL;
	c->groups = v;
	g = &v[c->ngroups++];
	memset(g, 0, sizeof(*g));
	snprintf(g->name, sizeof(g->name), "%s", name);
	g->jitter_s = UINT32_MAX;
	return g;
}

static struct dd_watch_group *group_find(struct dd_watch_config *c, const char *name)
{
	for (size_t i = 0; i < c->ngroups; i++)
		if (strcmp(c->groups[i].name, name) == 0)
			return &c->groups[i];
	return NULL;
}

static size_t total_domains(const struct dd_watch_config *c)
{
	size_t n = 0;

	for (size_t i = 0; i < c->ngroups; i++)
		n += c->groups[i].ndomains;
	return n;
}

static int group_add(struct dd_watch_config *c, struct dd_watch_group *g, const char *domain,
		     const char **why)
{
	char name[DD_NAME_MAX];

	if (dd_name_from_user(domain, name, why) != 0)
		return DD_ENAME;
	for (size_t i = 0; i < c->ngroups; i++)
		for (size_t j = 0; j < c->groups[i].ndomains; j++)
			if (strcmp(c->groups[i].domains[j], name) == 0) {
				*why = "domain listed twice";
				return DD_EINVAL;
			}
	if (total_domains(c) >= DD_WATCH_MAX_DOMAINS) {
		_Static_assert(DD_WATCH_MAX_DOMAINS == 1000000, "the message says a million");
		*why = "more than a million domains (the limit)";
		return DD_ELIMIT;
	}
	if (g->ndomains == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 8;
		char **v = realloc(g->domains, cap * sizeof(*v));
		if (!v)
			return DD_ENOMEM;
		g->domains = v;
		g->cap = cap;
	}
	if (!(g->domains[g->ndomains] = strdup(name)))
		return DD_ENOMEM;
	g->ndomains++;
	return 0;
}

int dd_watch_config_add(struct dd_watch_config *c, const char *group, const char *domain,
			const char **why)
{
	struct dd_watch_group *g = group_find(c, group);

	if (!g && !(g = group_new(c, group))) {
		_Static_assert(DD_WATCH_MAX_GROUPS == 1024, "the message says 1024");
		*why = "more than 1024 groups (the limit)";
		return DD_ELIMIT;
	}
	return group_add(c, g, domain, why);
}

static int add_list(struct dd_watch_config *c, struct dd_watch_group *g, const char *path,
		    char why[DD_WATCH_WHY_MAX])
{
	FILE *f = fopen(path, "r");
	struct dd_audit_list *l;
	char name[DD_NAME_MAX], text[80];
	unsigned long line;
	const char *w;
	int rc;

	if (!f) {
		snprintf(why, DD_WATCH_WHY_MAX, "%s: %s", path, strerror(errno));
		return DD_EIO;
	}
	if ((rc = dd_audit_list_new(&l, f)) != 0) {
		fclose(f);
		return rc;
	}
	while ((rc = dd_audit_list_next(l, name, &line, &w, text, sizeof(text))) != 0) {
		if (rc == 1 && (rc = group_add(c, g, name, &w)) == 0)
			continue;
		snprintf(why, DD_WATCH_WHY_MAX, "%s:%lu: %s", path, line,
			 rc == DD_EIO ? "read error" : w);
		break;
	}
	dd_audit_list_free(l);
	fclose(f);
	return rc;
}

int dd_watch_config_add_list(struct dd_watch_config *c, const char *group, const char *path,
			     char why[DD_WATCH_WHY_MAX])
{
	struct dd_watch_group *g = group_find(c, group);

	if (!g && !(g = group_new(c, group))) {
		snprintf(why, DD_WATCH_WHY_MAX, "more than %d groups (the limit)", DD_WATCH_MAX_GROUPS);
		return DD_ELIMIT;
	}
	return add_list(c, g, path, why);
}

int dd_watch_route_parse(enum dd_watch_route_kind kind, const char *value,
			 struct dd_watch_route *out, const char **why)
{
	const char *sp = strchr(value, ' ');
	size_t len = sp ? (size_t)(sp - value) : strlen(value);

	memset(out, 0, sizeof(*out));
	out->kind = kind;
	out->min_status = 1;
	if (len == 0 || len >= sizeof(out->target)) {
		*why = "empty or too long";
		return DD_EINVAL;
	}
	memcpy(out->target, value, len);
	if (sp) {
		while (*sp == ' ')
			sp++;
		if (strcmp(sp, "critical") == 0)
			out->min_status = 2;
		else if (strcmp(sp, "warning") != 0) {
			*why = "the severity after the target must be warning or critical";
			return DD_EINVAL;
		}
	}
	if (kind == DD_WATCH_WEBHOOK && strncmp(out->target, "http://", 7) != 0 &&
	    strncmp(out->target, "https://", 8) != 0) {
		*why = "a webhook is an http:// or https:// URL";
		return DD_EINVAL;
	}
	if (kind == DD_WATCH_EXEC && out->target[0] != '/') {
		*why = "exec needs an absolute program path (no shell is used)";
		return DD_EINVAL;
	}
	if (kind == DD_WATCH_EMAIL && (!strchr(out->target, '@') || strpbrk(out->target, "<>\r\n"))) {
		*why = "not a mail address";
		return DD_EINVAL;
	}
	return 0;
}

/* ---- the keys ------------------------------------------------------------ */

/* Where a key's value goes: the watch clause's settings, or a group. */
struct target {
	struct dd_watch_config *c;
	struct dd_watch_group *g; /* NULL in the watch clause */
	char *why;                /* DD_WATCH_WHY_MAX, for keys that read files */
};

typedef int (*key_fn)(struct target *t, const char *v, const char **why);

static int path_into(char *dst, const char *v, const char **why)
{
	if (strlen(v) >= DD_WATCH_PATH_MAX) {
		*why = "too long";
		return DD_EINVAL;
	}
	strcpy(dst, v);
	return 0;
}

static int uint_into(unsigned *dst, const char *v, unsigned min, unsigned max, const char **why)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(v, &end, 10);
	if (errno || end == v || *end || v[0] == '-' || n < min || n > max) {
		*why = "not a whole number in range";
		return DD_EINVAL;
	}
	*dst = (unsigned)n;
	return 0;
}

static int dur_into(unsigned *dst, const char *v, unsigned min, const char **why)
{
	unsigned d;

	if (dd_watch_duration(v, &d) != 0 || d < min) {
		*why = "not a duration (90s, 5m, 1h, 7d)";
		return DD_EINVAL;
	}
	*dst = d;
	return 0;
}

static int k_store(struct target *t, const char *v, const char **why)
{
	return path_into(t->c->store, v, why);
}

static int k_interval(struct target *t, const char *v, const char **why)
{
	return dur_into(t->g ? &t->g->interval_s : &t->c->interval_s, v, 1, why);
}

static int k_jitter(struct target *t, const char *v, const char **why)
{
	return dur_into(t->g ? &t->g->jitter_s : &t->c->jitter_s, v, 0, why);
}

static int k_alert_after(struct target *t, const char *v, const char **why)
{
	return uint_into(&t->c->alert_after, v, 1, 1000, why);
}

static int k_recover_after(struct target *t, const char *v, const char **why)
{
	return uint_into(&t->c->recover_after, v, 1, 1000, why);
}

static int k_reminder(struct target *t, const char *v, const char **why)
{
	return dur_into(&t->c->reminder_s, v, 0, why);
}

static int k_retention(struct target *t, const char *v, const char **why)
{
	return dur_into(&t->c->retention_s, v, 3600, why);
}

static int k_concurrency(struct target *t, const char *v, const char **why)
{
	return uint_into(&t->c->concurrency, v, 1, 10000, why);
}

static int k_evidence_max(struct target *t, const char *v, const char **why)
{
	return uint_into(&t->c->evidence_max, v, 0, DD_STORE_EVIDENCE_MAX, why);
}

static int k_lease(struct target *t, const char *v, const char **why)
{
	return dur_into(&t->c->lease_s, v, 1, why);
}

static int k_worker(struct target *t, const char *v, const char **why)
{
	if (strlen(v) >= sizeof(t->c->worker)) {
		*why = "too long";
		return DD_EINVAL;
	}
	strcpy(t->c->worker, v);
	return 0;
}

static int k_timeout(struct target *t, const char *v, const char **why)
{
	unsigned s;

	/* Milliseconds as `check --timeout` takes them, or a duration. */
	if (uint_into(&t->c->judge.timeout_ms, v, 10, 60000, why) == 0)
		return 0;
	if (dur_into(&s, v, 1, why) != 0 || s > 60)
		return DD_EINVAL;
	t->c->judge.timeout_ms = s * 1000;
	return 0;
}

static int k_retries(struct target *t, const char *v, const char **why)
{
	return uint_into(&t->c->judge.retries, v, 0, 10, why);
}

static int k_expiry_warn(struct target *t, const char *v, const char **why)
{
	return uint_into(&t->c->judge.expiry_warn, v, 1, 3650, why);
}

static int k_expiry_crit(struct target *t, const char *v, const char **why)
{
	return uint_into(&t->c->judge.expiry_crit, v, 1, 3650, why);
}

static int k_sig_warn(struct target *t, const char *v, const char **why)
{
	return uint_into(&t->c->judge.sig_warn, v, 1, 365, why);
}

static int k_anchor(struct target *t, const char *v, const char **why)
{
	return path_into(t->c->judge.trust_anchor, v, why);
}

static int k_hints(struct target *t, const char *v, const char **why)
{
	return path_into(t->c->judge.root_hints, v, why);
}

static int k_boot(struct target *t, const char *v, const char **why)
{
	return path_into(t->c->judge.rdap_bootstrap, v, why);
}

static int k_wsrv(struct target *t, const char *v, const char **why)
{
	return path_into(t->c->judge.whois_servers, v, why);
}

static int k_ca(struct target *t, const char *v, const char **why)
{
	return path_into(t->c->judge.ca_file, v, why);
}

static int k_no_reg(struct target *t, const char *v, const char **why)
{
	if (strcmp(v, "yes") != 0 && strcmp(v, "no") != 0) {
		*why = "yes or no";
		return DD_EINVAL;
	}
	t->c->judge.no_registration = strcmp(v, "yes") == 0;
	return 0;
}

static int k_smtp(struct target *t, const char *v, const char **why)
{
	if (strncmp(v, "smtp://", 7) != 0 && strncmp(v, "smtps://", 8) != 0) {
		*why = "an smtp:// or smtps:// URL";
		return DD_EINVAL;
	}
	return path_into(t->c->smtp_server, v, why);
}

static int k_from(struct target *t, const char *v, const char **why)
{
	if (strlen(v) >= sizeof(t->c->mail_from) || !strchr(v, '@') || strpbrk(v, "<>\r\n")) {
		*why = "not a mail address";
		return DD_EINVAL;
	}
	strcpy(t->c->mail_from, v);
	return 0;
}

static int add_route(struct target *t, enum dd_watch_route_kind kind, const char *v,
		     const char **why)
{
	struct dd_watch_route *r = t->g ? t->g->routes : t->c->routes;
	size_t *n = t->g ? &t->g->nroutes : &t->c->nroutes;

	if (*n >= DD_WATCH_MAX_ROUTES) {
		snprintf(t->why, DD_WATCH_WHY_MAX, "more than %d alert routes in one clause (the limit)",
			 DD_WATCH_MAX_ROUTES);
		*why = t->why;
		return DD_ELIMIT;
	}
	if (dd_watch_route_parse(kind, v, &r[*n], why) != 0)
		return DD_EINVAL;
	(*n)++;
	return 0;
}

static int k_webhook(struct target *t, const char *v, const char **why)
{
	return add_route(t, DD_WATCH_WEBHOOK, v, why);
}

static int k_exec(struct target *t, const char *v, const char **why)
{
	return add_route(t, DD_WATCH_EXEC, v, why);
}

static int k_email(struct target *t, const char *v, const char **why)
{
	return add_route(t, DD_WATCH_EMAIL, v, why);
}

static int k_domain(struct target *t, const char *v, const char **why)
{
	struct dd_watch_group *g = t->g ? t->g : group_find(t->c, "");

	if (!g && !(g = group_new(t->c, ""))) {
		*why = "out of memory";
		return DD_ENOMEM;
	}
	return group_add(t->c, g, v, why);
}

static int k_list(struct target *t, const char *v, const char **why)
{
	struct dd_watch_group *g = t->g ? t->g : group_find(t->c, "");

	if (!g && !(g = group_new(t->c, ""))) {
		*why = "out of memory";
		return DD_ENOMEM;
	}
	if (add_list(t->c, g, v, t->why) != 0) {
		*why = t->why;
		return DD_EINVAL;
	}
	return 0;
}

static int k_name(struct target *t, const char *v, const char **why)
{
	if (!*v || strlen(v) >= sizeof(t->g->name) || strspn(v, "abcdefghijklmnopqrstuvwxyz"
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") != strlen(v)) {
		*why = "a group name is letters, digits, '-', '_' and '.' (at most 63)";
		return DD_EINVAL;
	}
	if (group_find(t->c, v)) {
		*why = "a group of that name exists already";
		return DD_EINVAL;
	}
	if (t->g->ndomains) {
		*why = "name: must come before the group's domains";
		return DD_EINVAL;
	}
	strcpy(t->g->name, v);
	return 0;
}

/* ---- the web server's keys (docs/web.md; the address is checked by src/web) ---- */

static int k_http(struct target *t, const char *v, const char **why)
{
	if (!*v || strlen(v) >= sizeof(t->c->http.listen)) {
		*why = "ADDR:PORT";
		return DD_EINVAL;
	}
	strcpy(t->c->http.listen, v);
	return 0;
}

static int k_http_cert(struct target *t, const char *v, const char **why)
{
	return path_into(t->c->http.cert, v, why);
}

static int k_http_key(struct target *t, const char *v, const char **why)
{
	return path_into(t->c->http.key, v, why);
}

static int k_http_token(struct target *t, const char *v, const char **why)
{
	return path_into(t->c->http.token_file, v, why);
}

static int k_http_auth(struct target *t, const char *v, const char **why)
{
	return path_into(t->c->http.auth_file, v, why);
}

struct key {
	const char *name;
	key_fn set;
	int in_watch, in_group;
};

/* Every key of dnsdeps.conf(5), and the clauses it may appear in. */
static const struct key KEYS[] = {
	{ "store", k_store, 1, 0 },
	{ "http", k_http, 1, 0 },
	{ "http-cert", k_http_cert, 1, 0 },
	{ "http-key", k_http_key, 1, 0 },
	{ "http-token-file", k_http_token, 1, 0 },
	{ "http-auth-file", k_http_auth, 1, 0 },
	{ "interval", k_interval, 1, 1 },
	{ "jitter", k_jitter, 1, 1 },
	{ "alert-after", k_alert_after, 1, 0 },
	{ "recover-after", k_recover_after, 1, 0 },
	{ "reminder", k_reminder, 1, 0 },
	{ "retention", k_retention, 1, 0 },
	{ "evidence-max", k_evidence_max, 1, 0 },
	{ "concurrency", k_concurrency, 1, 0 },
	{ "lease", k_lease, 1, 0 },
	{ "worker", k_worker, 1, 0 },
	{ "timeout", k_timeout, 1, 0 },
	{ "retries", k_retries, 1, 0 },
	{ "expiry-warn", k_expiry_warn, 1, 0 },
	{ "expiry-crit", k_expiry_crit, 1, 0 },
	{ "sig-warn", k_sig_warn, 1, 0 },
	{ "trust-anchor", k_anchor, 1, 0 },
	{ "root-hints", k_hints, 1, 0 },
	{ "rdap-bootstrap", k_boot, 1, 0 },
	{ "whois-servers", k_wsrv, 1, 0 },
	{ "ca-file", k_ca, 1, 0 },
	{ "no-registration", k_no_reg, 1, 0 },
	{ "smtp-server", k_smtp, 1, 0 },
	{ "mail-from", k_from, 1, 0 },
	{ "webhook", k_webhook, 1, 1 },
	{ "exec", k_exec, 1, 1 },
	{ "email", k_email, 1, 1 },
	{ "domain", k_domain, 1, 1 },
	{ "backup", k_domain, 0, 1 },
	{ "list", k_list, 1, 1 },
	{ "name", k_name, 0, 1 },
	{ NULL, NULL, 0, 0 },
};

/* ---- the parser ------------------------------------------------------------ */

enum clause { C_NONE, C_WATCH, C_GROUP };

struct parser {
	struct dd_watch_config *c;
	const char *file;
	unsigned long line;
	enum clause clause;
	struct dd_watch_group *g;
	unsigned groups_made;
	char *why;
};

static int fail(struct parser *p, const char *fmt, const char *a, const char *b)
{
	char esc_a[200], esc_b[300];
	char f[200];

	snprintf(esc_a, sizeof(esc_a), "%s", a ? a : "");
	snprintf(esc_b, sizeof(esc_b), "%s", b ? b : "");
	for (char *s = esc_a; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
	snprintf(f, sizeof(f), "%s", p->file);
	snprintf(p->why, DD_WATCH_WHY_MAX, "%s:%lu: ", f, p->line);
	size_t n = strlen(p->why);
	snprintf(p->why + n, DD_WATCH_WHY_MAX - n, fmt, esc_a, esc_b);
	return DD_EPARSE;
}

/* Strip a comment and surrounding blanks; unquote the value. */
static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* The value after "key:": unquoted, its comment stripped. A quoted value
 * may be followed by more words ("URL#x" critical): they are kept after a
 * space. */
static int unquote(struct parser *p, char *v, char **out)
{
	char *close, *rest, *hash;

	v = trim(v);
	if (v[0] != '"') {
		if ((hash = strchr(v, '#')) != NULL)
			*hash = '\0';
		*out = trim(v);
		return 0;
	}
	if (!(close = strchr(v + 1, '"')))
		return fail(p, "unterminated quoted value%s%s", "", "");
	rest = close + 1;
	if ((hash = strchr(rest, '#')) != NULL)
		*hash = '\0';
	rest = trim(rest);
	if (*rest && strchr(rest, '"'))
		return fail(p, "more than one quoted value: '%s'%s", rest, "");
	if (*rest) {
		*close = ' ';
		memmove(close + 1, rest, strlen(rest) + 1);
	} else {
		*close = '\0';
	}
	*out = v + 1;
	return 0;
}

static int open_clause(struct parser *p, const char *name)
{
	if (strcmp(name, "watch") == 0) {
		p->clause = C_WATCH;
		p->g = NULL;
		return 0;
	}
	if (strcmp(name, "group") == 0) {
		char gname[32];
		snprintf(gname, sizeof(gname), "group%u", ++p->groups_made);
		p->clause = C_GROUP;
		_Static_assert(DD_WATCH_MAX_GROUPS == 1024, "the message says 1024");
		if (!(p->g = group_new(p->c, gname)))
			return fail(p, "more than 1024 groups (the limit)%s%s", "", "");
		return 0;
	}
	return fail(p, "unknown clause '%s:' (watch: or group:)%s", name, "");
}

static int set_key(struct parser *p, const char *key, const char *value)
{
	struct target t = { p->c, p->g, p->why };
	const char *why = "invalid value";

	for (const struct key *k = KEYS; k->name; k++) {
		if (strcmp(k->name, key) != 0)
			continue;
		if ((p->clause == C_WATCH && !k->in_watch) || (p->clause == C_GROUP && !k->in_group))
			return fail(p, "'%s' does not belong in this clause%s", key, "");
		if (k->set(&t, value, &why) != 0) {
			if (why == p->why) /* a list file's own error, with its line */
				return fail(p, "%s%s", "", why);
			return fail(p, "%s: %s", key, why);
		}
		return 0;
	}
	return fail(p, "unknown key '%s'%s", key, "");
}

static int parse_line(struct parser *p, char *line)
{
	char *s = trim(line), *colon, *value = NULL;
	int rc;

	if (*s == '\0' || *s == '#')
		return 0;
	colon = strchr(s, ':');
	if (!colon)
		return fail(p, "expected 'key: value', got '%s'%s", s, "");
	*colon = '\0';
	char *key = trim(s);
	if ((rc = unquote(p, colon + 1, &value)) != 0)
		return rc;
	value = trim(value);
	if (*value == '\0' && (strcmp(key, "watch") == 0 || strcmp(key, "group") == 0 ||
			       (line[0] != ' ' && line[0] != '\t')))
		return open_clause(p, key);
	if (p->clause == C_NONE)
		return fail(p, "'%s' outside a clause (start with watch: or group:)%s", key, "");
	if (*value == '\0')
		return fail(p, "'%s' needs a value%s", key, "");
	return set_key(p, key, value);
}

int dd_watch_config_parse(struct dd_watch_config *c, const char *text, size_t len,
			  const char *file, char why[DD_WATCH_WHY_MAX])
{
	struct parser p = { .c = c, .file = file, .clause = C_NONE, .why = why };
	char line[LINE_MAX_LEN + 1];
	size_t i = 0;
	int rc = 0;

	why[0] = '\0';
	while (i < len && rc == 0) {
		size_t n = 0;
		p.line++;
		while (i < len && text[i] != '\n') {
			if (text[i] == '\0') {
				rc = fail(&p, "a NUL byte%s%s", "", "");
				break;
			}
			if (n < LINE_MAX_LEN)
				line[n] = text[i];
			n++;
			i++;
		}
		i++;
		if (rc)
			break;
		if (n > LINE_MAX_LEN) {
			rc = fail(&p, "line longer than 4096 bytes%s%s", "", "");
			break;
		}
		line[n] = '\0';
		rc = parse_line(&p, line);
	}
	return rc;
}

int dd_watch_config_load(struct dd_watch_config *c, const char *path,
			 char why[DD_WATCH_WHY_MAX])
{
	char *text = NULL;
	size_t len = 0;
	int rc = dd_reg_read_file(path, FILE_MAX, &text, &len);

	if (rc) {
		snprintf(why, DD_WATCH_WHY_MAX, "%s: cannot read it (%s)", path, dd_strerror(rc));
		return rc;
	}
	rc = dd_watch_config_parse(c, text, len, path, why);
	free(text);
	return rc;
}

int dd_watch_config_check(const struct dd_watch_config *c, char why[DD_WATCH_WHY_MAX])
{
	size_t nroutes;

	if (!c->store[0]) {
		snprintf(why, DD_WATCH_WHY_MAX, "no store (store: FILE, or --store FILE)");
		return DD_EINVAL;
	}
	if (total_domains(c) == 0) {
		snprintf(why, DD_WATCH_WHY_MAX, "no domain to watch");
		return DD_EINVAL;
	}
	if (c->judge.expiry_warn && c->judge.expiry_crit &&
	    c->judge.expiry_crit > c->judge.expiry_warn) {
		snprintf(why, DD_WATCH_WHY_MAX, "expiry-crit must not exceed expiry-warn");
		return DD_EINVAL;
	}
	for (size_t g = 0; g < c->ngroups; g++) {
		const struct dd_watch_route *r = dd_watch_group_routes(c, &c->groups[g], &nroutes);
		for (size_t i = 0; i < nroutes; i++)
			if (r[i].kind == DD_WATCH_EMAIL && (!c->smtp_server[0] || !c->mail_from[0])) {
				snprintf(why, DD_WATCH_WHY_MAX,
					 "email alerts need smtp-server: and mail-from:");
				return DD_EINVAL;
			}
	}
	return 0;
}

unsigned dd_watch_group_interval(const struct dd_watch_config *c, const struct dd_watch_group *g)
{
	return g->interval_s ? g->interval_s : c->interval_s;
}

unsigned dd_watch_group_jitter(const struct dd_watch_config *c, const struct dd_watch_group *g)
{
	unsigned iv = dd_watch_group_interval(c, g);
	unsigned j = g->jitter_s != UINT32_MAX ? g->jitter_s : c->jitter_s;

	if (j == UINT32_MAX)
		j = iv / 10;
	return j > iv / 2 ? iv / 2 : j;
}

const struct dd_watch_route *dd_watch_group_routes(const struct dd_watch_config *c,
						   const struct dd_watch_group *g, size_t *n)
{
	if (g->nroutes) {
		*n = g->nroutes;
		return g->routes;
	}
	*n = c->nroutes;
	return c->routes;
}

const char *dd_watch_route_kind_name(enum dd_watch_route_kind k)
{
	switch (k) {
	case DD_WATCH_WEBHOOK: return "webhook";
	case DD_WATCH_EXEC: return "exec";
	case DD_WATCH_EMAIL: return "email";
	}
	return "?";
}
