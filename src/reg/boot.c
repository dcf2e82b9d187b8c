/* boot.c: where to ask. The RDAP bootstrap registry for DNS (RFC 9224:
 * {"services": [[["tld", ...], ["https://base/", ...]], ...]}) validated
 * strictly, and the WHOIS server table ("SUFFIX HOST[:PORT]" lines). Both
 * answer for the longest matching suffix of a name. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/err.h"
#include "core/esc.h"
#include "reg/reg.h"

#define SERVICES_MAX 10000
#define ENTRIES_MAX 100000
#define URL_MAX 512

struct entry {
	char *suffix; /* lower case, no leading or trailing dot */
	char *target; /* base URL, or WHOIS host */
	unsigned port;
};

struct table {
	struct entry *e;
	size_t n, cap;
};

struct dd_reg_boot {
	char *publication;
	struct table t;
};

struct dd_reg_wsrv {
	struct table t;
};

static void table_free(struct table *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->e[i].suffix);
		free(t->e[i].target);
	}
	free(t->e);
	memset(t, 0, sizeof(*t));
}

/* A domain suffix: LDH labels separated by dots; written lower-case to out. */
static int valid_suffix(const char *s, char *out, size_t outlen)
{
	size_t n = 0, label = 0;

	if (*s == '.')
		s++;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (n + 1 >= outlen)
			return 0;
		if (c == '.') {
			if (label == 0)
				return 0;
			label = 0;
		} else if (isalnum(c) || c == '-') {
			if (++label > 63)
				return 0;
		} else {
			return 0;
		}
		out[n++] = (char)tolower(c);
	}
	if (n > 0 && out[n - 1] == '.')
		n--;
	out[n] = '\0';
	return n > 0 && label <= 63;
}

static int valid_host(const char *h, size_t len)
{
	if (len == 0 || len > 253)
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)h[i];
		if (!(isalnum(c) || c == '-' || c == '.'))
			return 0;
	}
	return 1;
}

/* http(s)://host[:port]/path with a sane host and well-formed %-escapes. */
static int valid_url(const char *u)
{
	const char *host, *end;
	size_t len = strlen(u);

	if (len > URL_MAX)
		return 0;
	if (strncasecmp(u, "https://", 8) == 0)
		host = u + 8;
	else if (strncasecmp(u, "http://", 7) == 0)
		host = u + 7;
	else
		return 0;
	end = host + strcspn(host, ":/?#");
	if (!valid_host(host, (size_t)(end - host)))
		return 0;
	if (*end == ':') {
		const char *p = end + 1;
		unsigned port = 0;
		while (isdigit((unsigned char)*p) && port < 65536)
			port = port * 10 + (unsigned)(*p++ - '0');
		if (p == end + 1 || port == 0 || port > 65535 || (*p && *p != '/'))
			return 0;
		end = p;
	}
	for (const char *p = end; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c <= 0x20 || c >= 0x7f || c == '"' || c == '<' || c == '>' || c == '\\')
			return 0;
		if (c == '%' && !(isxdigit((unsigned char)p[1]) && isxdigit((unsigned char)p[2])))
			return 0;
	}
	return 1;
}

static int table_add(struct table *t, const char *suffix, const char *target, unsigned port)
{
	struct entry *grown;

	if (t->n >= ENTRIES_MAX)
		return DD_ELIMIT;
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		grown = realloc(t->e, cap * sizeof(*grown));
		if (!grown)
			return DD_ENOMEM;
		t->e = grown;
		t->cap = cap;
	}
	t->e[t->n].suffix = strdup(suffix);
	t->e[t->n].target = strdup(target);
	t->e[t->n].port = port;
	if (!t->e[t->n].suffix || !t->e[t->n].target) {
		free(t->e[t->n].suffix);
		free(t->e[t->n].target);
		return DD_ENOMEM;
	}
	t->n++;
	return 0;
}

/* The entry for the longest suffix of name, or NULL. */
static const struct entry *table_find(const struct table *t, const char *name)
{
	char low[256];
	size_t n = 0;

	for (; name[n] && n + 1 < sizeof(low); n++)
		low[n] = (char)tolower((unsigned char)name[n]);
	while (n > 0 && low[n - 1] == '.')
		n--;
	low[n] = '\0';
	for (const char *s = low; s && *s;) {
		for (size_t i = 0; i < t->n; i++)
			if (strcmp(t->e[i].suffix, s) == 0)
				return &t->e[i];
		s = strchr(s, '.');
		if (s)
			s++;
	}
	return NULL;
}

static int boot_service(struct dd_reg_boot *b, json_t *svc, size_t idx, char *why)
{
	json_t *names = json_array_get(svc, 0), *urls = json_array_get(svc, 1), *v;
	const char *best = NULL;
	size_t i;
	char suffix[256];
	int err;

	if (!json_is_array(svc) || json_array_size(svc) != 2 || !json_is_array(names) ||
	    !json_is_array(urls) || json_array_size(names) == 0 || json_array_size(urls) == 0) {
		snprintf(why, DD_REG_WHY_MAX,
			 "bootstrap service %zu is malformed (expected [[names], [URLs]])", idx + 1);
		return DD_EPARSE;
	}
	json_array_foreach(urls, i, v) {
		const char *u = json_string_value(v);
		if (!u || !valid_url(u)) {
			char q[84];
			dd_esc(u ? u : "(not a string)", u ? strlen(u) : 15, q, sizeof(q));
			snprintf(why, DD_REG_WHY_MAX, "bootstrap service %zu: \"%s\" is not an "
				 "http(s) URL", idx + 1, q);
			return DD_EPARSE;
		}
		if (!best || (strncasecmp(best, "https:", 6) != 0 && strncasecmp(u, "https:", 6) == 0))
			best = u;
	}
	json_array_foreach(names, i, v) {
		const char *s = json_string_value(v);
		if (!s || !valid_suffix(s, suffix, sizeof(suffix))) {
			char q[84];
			dd_esc(s ? s : "(not a string)", s ? strlen(s) : 15, q, sizeof(q));
			snprintf(why, DD_REG_WHY_MAX, "bootstrap service %zu: \"%s\" is not a "
				 "domain suffix", idx + 1, q);
			return DD_EPARSE;
		}
		if ((err = table_add(&b->t, suffix, best, 0)) != 0) {
			snprintf(why, DD_REG_WHY_MAX, err == DD_ELIMIT ? "bootstrap file has more than "
				 "%d entries (the limit)" : "out of memory", ENTRIES_MAX);
			return err;
		}
	}
	return 0;
}

int dd_reg_boot_load(const char *doc, size_t len, struct dd_reg_boot **out,
		     char why[DD_REG_WHY_MAX])
{
	json_error_t jerr;
	json_t *root, *services, *v;
	struct dd_reg_boot *b;
	const char *pub;
	size_t i;
	int err = 0;

	*out = NULL;
	if (len > DD_REG_DOC_MAX) {
		snprintf(why, DD_REG_WHY_MAX, "bootstrap file larger than %d bytes", DD_REG_DOC_MAX);
		return DD_ELIMIT;
	}
	root = json_loadb(doc, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		char q[120]; /* jansson quotes the file near the error */
		dd_esc(jerr.text, strlen(jerr.text), q, sizeof(q));
		snprintf(why, DD_REG_WHY_MAX, "bootstrap file is not valid JSON: %s (line %d)", q,
			 jerr.line);
		return DD_EPARSE;
	}
	services = json_object_get(root, "services");
	pub = json_string_value(json_object_get(root, "publication"));
	if (!json_is_object(root) || !json_is_array(services)) {
		json_decref(root);
		snprintf(why, DD_REG_WHY_MAX, "bootstrap file has no \"services\" array");
		return DD_EPARSE;
	}
	if (json_array_size(services) > SERVICES_MAX) {
		json_decref(root);
		snprintf(why, DD_REG_WHY_MAX, "bootstrap file has more than %d services",
			 SERVICES_MAX);
		return DD_ELIMIT;
	}
	b = calloc(1, sizeof(*b));
	if (!b || (pub && !(b->publication = strdup(pub)))) {
		free(b);
		json_decref(root);
		return DD_ENOMEM;
	}
	json_array_foreach(services, i, v)
		if ((err = boot_service(b, v, i, why)) != 0)
			break;
	json_decref(root);
	if (err) {
		dd_reg_boot_free(b);
		return err;
	}
	*out = b;
	return 0;
}

void dd_reg_boot_free(struct dd_reg_boot *b)
{
	if (!b)
		return;
	table_free(&b->t);
	free(b->publication);
	free(b);
}

const char *dd_reg_boot_publication(const struct dd_reg_boot *b)
{
	return b->publication;
}

size_t dd_reg_boot_count(const struct dd_reg_boot *b)
{
	return b->t.n;
}

const char *dd_reg_boot_lookup(const struct dd_reg_boot *b, const char *name,
			       const char **suffix)
{
	const struct entry *e = b ? table_find(&b->t, name) : NULL;

	if (suffix)
		*suffix = e ? e->suffix : NULL;
	return e ? e->target : NULL;
}

const char *dd_reg_boot_target(const struct dd_reg_boot *b, size_t i)
{
	return i < b->t.n ? b->t.e[i].target : NULL;
}

char *dd_reg_rdap_url(const char *base, const char *name)
{
	size_t bl = strlen(base), nl = strlen(name), n;
	char *url;

	while (nl > 0 && name[nl - 1] == '.')
		nl--;
	n = bl + nl + 16;
	url = malloc(n);
	if (url)
		snprintf(url, n, "%s%sdomain/%.*s", base, bl && base[bl - 1] == '/' ? "" : "/",
			 (int)nl, name);
	return url;
}

int dd_reg_wsrv_load(const char *text, size_t len, struct dd_reg_wsrv **out,
		     char why[DD_REG_WHY_MAX])
{
	struct dd_reg_wsrv *w = calloc(1, sizeof(*w));
	size_t lineno = 0;
	int err = 0;

	*out = NULL;
	if (!w)
		return DD_ENOMEM;
	if (len > DD_REG_DOC_MAX) {
		free(w);
		snprintf(why, DD_REG_WHY_MAX, "WHOIS server table larger than %d bytes",
			 DD_REG_DOC_MAX);
		return DD_ELIMIT;
	}
	for (const char *s = text, *end = text + len; s < end && !err;) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
		char line[512], suffix[256], host[256];
		unsigned port = 43;
		int fields;

		const char *start = s;

		lineno++;
		s = nl ? nl + 1 : end;
		if (n >= sizeof(line)) {
			snprintf(why, DD_REG_WHY_MAX, "WHOIS server table line %zu is too long", lineno);
			err = DD_EPARSE;
			break;
		}
		memcpy(line, start, n);
		line[n] = '\0';
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		char word1[256], word2[256], extra[8];
		fields = sscanf(line, "%255s %255s %7s", word1, word2, extra);
		if (fields <= 0)
			continue;
		if (fields != 2 || !valid_suffix(word1, suffix, sizeof(suffix))) {
			snprintf(why, DD_REG_WHY_MAX, "WHOIS server table line %zu: expected "
				 "\"SUFFIX HOST[:PORT]\"", lineno);
			err = DD_EPARSE;
			break;
		}
		char *colon = strrchr(word2, ':');
		if (colon) {
			char *e;
			unsigned long p = strtoul(colon + 1, &e, 10);
			if (*e || p == 0 || p > 65535) {
				snprintf(why, DD_REG_WHY_MAX, "WHOIS server table line %zu: bad port",
					 lineno);
				err = DD_EPARSE;
				break;
			}
			port = (unsigned)p;
			*colon = '\0';
		}
		if (!valid_host(word2, strlen(word2))) {
			snprintf(why, DD_REG_WHY_MAX, "WHOIS server table line %zu: bad host name",
				 lineno);
			err = DD_EPARSE;
			break;
		}
		snprintf(host, sizeof(host), "%s", word2);
		err = table_add(&w->t, suffix, host, port);
		if (err)
			snprintf(why, DD_REG_WHY_MAX, err == DD_ELIMIT ? "WHOIS server table has more "
				 "than %d entries (the limit)" : "out of memory", ENTRIES_MAX);
	}
	if (err) {
		dd_reg_wsrv_free(w);
		return err;
	}
	*out = w;
	return 0;
}

void dd_reg_wsrv_free(struct dd_reg_wsrv *w)
{
	if (!w)
		return;
	table_free(&w->t);
	free(w);
}

size_t dd_reg_wsrv_count(const struct dd_reg_wsrv *w)
{
	return w->t.n;
}

const char *dd_reg_wsrv_target(const struct dd_reg_wsrv *w, size_t i, unsigned *port)
{
	if (i >= w->t.n)
		return NULL;
	*port = w->t.e[i].port;
	return w->t.e[i].target;
}

int dd_reg_wsrv_lookup(const struct dd_reg_wsrv *w, const char *name, const char **host,
		       unsigned *port)
{
	const struct entry *e = w ? table_find(&w->t, name) : NULL;

	if (!e)
		return DD_ENOTFOUND;
	*host = e->target;
	*port = e->port;
	return 0;
}
