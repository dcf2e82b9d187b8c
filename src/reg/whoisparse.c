/* whoisparse.c: WHOIS answers (RFC 3912) into the normalized record. WHOIS
 * has no format, so this reads the common shapes: "Key: value" lines (ICANN,
 * RPSL-like "key:  value", JPRS "[Key]  value", dotted "Key......: value"),
 * sections whose header stands alone ("Name servers:" then indented lines),
 * RPSL objects after the domain object (contacts, nssets, the registrar),
 * answers that concatenate several records (thin registry + registrar,
 * IANA + registry, VeriSign's "Server Name" look-alikes). Fields are taken
 * from the record of the domain asked for; the first value wins; a later
 * record of the same domain is the registrar's and gives its expiry. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "core/err.h"
#include "reg/reg.h"

#define LINE_MAX_LEN 1024 /* longer lines are cut */
#define VALUE_MAX 255

enum field {
	F_NONE = 0, F_DOMAIN, F_CREATED, F_EXPIRES, F_REG_EXPIRES, F_UPDATED, F_REGISTRAR,
	F_REGISTRY_EXPIRES, F_IANA_ID, F_REG_URL, F_ABUSE, F_REG_WHOIS, F_STATUS, F_NS, F_DNSSEC, F_REFER,
	F_HOLD, F_OBJECT, F_LOOKALIKE,
};

static const struct {
	const char *key;
	enum field f;
} keys[] = {
	{ "domain name", F_DOMAIN }, { "domain", F_DOMAIN }, { "domainname", F_DOMAIN },
	{ "nombre de dominio", F_DOMAIN }, { "puny name", F_DOMAIN },
	{ "creation date", F_CREATED }, { "created", F_CREATED }, { "created on", F_CREATED },
	{ "created date", F_CREATED }, { "registered", F_CREATED }, { "registered on", F_CREATED },
	{ "registration date", F_CREATED }, { "registration time", F_CREATED },
	{ "record created", F_CREATED }, { "record created on", F_CREATED },
	{ "domain created", F_CREATED }, { "domain registration date", F_CREATED },
	{ "first registration date", F_CREATED }, { "registered date", F_CREATED },
	{ "domain name commencement date", F_CREATED }, { "fecha de creación", F_CREATED },
	{ "fecha de creacion", F_CREATED }, { "assigned", F_CREATED },
	{ "domain create date", F_CREATED }, { "creation time", F_CREATED },
	{ "domain record activated", F_CREATED }, { "domain registered", F_CREATED },
	{ "registry expiry date", F_REGISTRY_EXPIRES }, { "expiry date", F_EXPIRES },
	{ "expiration date", F_EXPIRES }, { "expire", F_EXPIRES }, { "expires", F_EXPIRES },
	{ "expires on", F_EXPIRES }, { "expire date", F_EXPIRES }, { "expiration time", F_EXPIRES },
	{ "paid-till", F_EXPIRES }, { "renewal date", F_EXPIRES }, { "valid until", F_EXPIRES },
	{ "validity", F_EXPIRES }, { "record expires on", F_EXPIRES },
	{ "fecha de vencimiento", F_EXPIRES }, { "expires at", F_EXPIRES },
	{ "domain expiration date", F_EXPIRES }, { "registry expiration date", F_REGISTRY_EXPIRES },
	{ "expiry", F_EXPIRES }, { "expiration", F_EXPIRES }, { "domain expires", F_EXPIRES },
	{ "expire-date", F_EXPIRES }, { "record will expire on", F_EXPIRES },
	{ "registrar registration expiration date", F_REG_EXPIRES },
	{ "registrar expiration date", F_REG_EXPIRES },
	{ "updated date", F_UPDATED }, { "updated", F_UPDATED }, { "last updated", F_UPDATED },
	{ "last updated on", F_UPDATED }, { "last modified", F_UPDATED }, { "modified", F_UPDATED },
	{ "modification date", F_UPDATED }, { "changed", F_UPDATED }, { "last update", F_UPDATED },
	{ "last-update", F_UPDATED }, { "record last updated on", F_UPDATED },
	{ "ultima actualización", F_UPDATED }, { "ultima actualizacion", F_UPDATED },
	{ "last updated date", F_UPDATED }, { "last-modified", F_UPDATED },
	{ "update date", F_UPDATED }, { "domain record last updated", F_UPDATED },
	{ "last-updated", F_UPDATED }, { "domain datelastmodified", F_UPDATED },
	{ "registrar", F_REGISTRAR }, { "sponsoring registrar", F_REGISTRAR },
	{ "registrar name", F_REGISTRAR }, { "registration service provider", F_REGISTRAR },
	{ "current registar", F_REGISTRAR }, { "current registrar", F_REGISTRAR },
	{ "registrar-name", F_REGISTRAR },
	{ "registrar iana id", F_IANA_ID },
	{ "registrar url", F_REG_URL }, { "referral url", F_REG_URL },
	{ "registration service url", F_REG_URL }, { "registrar homepage", F_REG_URL },
	{ "registrar-url", F_REG_URL }, { "registrar website", F_REG_URL },
	{ "registrar abuse contact email", F_ABUSE },
	{ "registrar whois server", F_REG_WHOIS }, { "whois server", F_REG_WHOIS },
	{ "registrar whois", F_REG_WHOIS },
	{ "domain status", F_STATUS }, { "status", F_STATUS }, { "registration status", F_STATUS },
	{ "eppstatus", F_STATUS }, { "epp status", F_STATUS }, { "state", F_STATUS },
	{ "estatus del dominio", F_STATUS }, { "lock status", F_STATUS },
	{ "domaintype", F_STATUS }, { "query_status", F_STATUS }, { "query status", F_STATUS },
	{ "name server", F_NS }, { "nameserver", F_NS }, { "nameservers", F_NS },
	{ "nserver", F_NS }, { "name servers", F_NS }, { "domain nameservers", F_NS },
	{ "primary server", F_NS }, { "secondary server", F_NS }, { "dns", F_NS },
	{ "dnssec", F_DNSSEC }, { "signed", F_DNSSEC }, { "dnssec signed", F_DNSSEC },
	{ "refer", F_REFER }, { "hold", F_HOLD },
	{ "contact", F_OBJECT }, { "nic-hdl", F_OBJECT }, { "nic-hdl-br", F_OBJECT },
	{ "person", F_OBJECT }, { "role", F_OBJECT }, { "nsset", F_OBJECT },
	{ "keyset", F_OBJECT },
	{ "server name", F_LOOKALIKE },
};

/* Sentences by which registries say "no such domain" (lower case). */
static const char *const not_found_phrases[] = {
	"no match for", "not found", "no entries found", "no data found", "no matching record",
	"no object found", "object does not exist", "domain not found", "no such domain",
	"is available for registration", "not registered", "nothing found", "no match!!",
	"the queried object does not exist", "is free", "not been registered",
	"no information available about domain", "/ no match", "no matching objects",
	"not available for second level registration",
};

/* Status values that say the same ("Domain Status: No Object Found"). */
static const char *const not_found_statuses[] = {
	"free", "available", "no object found", "not found", "not registered",
};

/* Answers that are no answer: rate limits, refusals, bad queries. */
static const char *const error_phrases[] = {
	"quota exceeded", "limit exceeded", "rate limit exceeded", "try again later",
	"please try again", "invalid input", "invalid query", "invalid request",
	"too many requests", "too many queries", "query refused", "access denied",
	"connection refused", "exceeded the maximum", "temporarily unavailable",
	"service unavailable", "malformed query",
};

enum section {
	S_NONE = 0, S_NS, S_REGISTRAR, S_STATUS, S_DOMAIN, S_PASS, S_ABUSE, S_FIELD, S_IGNORE,
};
enum mode { M_RECORD = 0, M_FOREIGN, M_OBJECT, M_REGOBJ };

struct line {
	const char *s;
	size_t len;
	int indent;
	int blank;
	int comment;
	int has_key;
	int header;     /* opens a section */
	int bracket;    /* "[Domain]" */
	char key[80];
	char val[VALUE_MAX + 1];
};

struct parser {
	struct dd_reg_record *rec;
	char target[256];
	int seg;          /* records of the target seen so far */
	enum mode mode;
	int regobj_handle_name; /* registrar name is an RPSL handle */
	enum section sec;
	enum field sec_field; /* S_FIELD: the field its first line gives */
	int sec_indent;
	int sec_bare;     /* opened by a line without colon: keeps key lines */
	int sec_lines;    /* body lines seen */
	int sec_taken;    /* the section's single value was taken */
	enum field last;  /* for continuation lines */
	int last_indent;
	int fields;       /* values taken */
	int asked_tld;    /* the name asked for is a single label */
	int prev_domain;  /* the line before was a domain line */
};

/* Values that say there is no value. */
static int meaningless(const char *v)
{
	static const char *const words[] = { "not applicable", "n/a", "none", "-", "redacted",
					     "redacted for privacy", "not disclosed", "hidden" };

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcasecmp(v, words[i]) == 0)
			return 1;
	return strncasecmp(v, "no registrar", 12) == 0;
}

static int set_str(char **dst, const char *v)
{
	if (*dst || !v || !*v || meaningless(v))
		return 0;
	*dst = strdup(v);
	return *dst ? 1 : DD_ENOMEM;
}

static void trim(const char **s, size_t *len)
{
	while (*len > 0 && isspace((unsigned char)**s)) {
		(*s)++;
		(*len)--;
	}
	while (*len > 0 && isspace((unsigned char)(*s)[*len - 1]))
		(*len)--;
}

static void normalize_key(const char *k, size_t len, char *out, size_t outlen)
{
	size_t o = 0;
	int space = 0;

	while (len > 0 && (*k == '*' || *k == ' ' || *k == '\t' || *k == '>')) {
		k++;
		len--;
	}
	while (len > 0 && (k[len - 1] == '.' || k[len - 1] == ' ' || k[len - 1] == '\t'))
		len--;
	for (size_t i = 0; i < len && o + 2 < outlen; i++) {
		unsigned char c = (unsigned char)k[i];
		if (c == ' ' || c == '\t' || c == '_') {
			space = o > 0;
			continue;
		}
		if (space)
			out[o++] = ' ';
		space = 0;
		out[o++] = (char)tolower(c);
	}
	out[o] = '\0';
}

static enum field field_of(const char *key)
{
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(key, keys[i].key) == 0)
			return keys[i].f;
	/* .nz: "ns_name_01" */
	if (strncmp(key, "ns name ", 8) == 0 && key[8] && strspn(key + 8, "0123456789") == strlen(key + 8))
		return F_NS;
	return F_NONE;
}

static void copy_val(struct line *l, const char *v, size_t vlen)
{
	trim(&v, &vlen);
	if (vlen > VALUE_MAX)
		vlen = VALUE_MAX;
	memcpy(l->val, v, vlen);
	l->val[vlen] = '\0';
}

/* SWITCH: "Domain name<TAB>google.ch": a known key before a tab. */
static int tab_key(struct line *l, const char *s, size_t len)
{
	const char *tab = memchr(s, '\t', len < 72 ? len : 72);
	char key[80];

	if (!tab)
		return 0;
	normalize_key(s, (size_t)(tab - s), key, sizeof(key));
	if (!key[0] || field_of(key) == F_NONE)
		return 0;
	memcpy(l->key, key, sizeof(l->key));
	l->has_key = 1;
	copy_val(l, tab + 1, len - (size_t)(tab + 1 - s));
	if (!l->val[0])
		l->header = 1;
	return 1;
}

/* Split one line into key and value, or mark it blank, comment or bare. */
static void split_line(struct line *l)
{
	const char *s = l->s, *colon;
	size_t len = l->len, klen;

	l->indent = 0;
	while (l->indent < (int)len && (s[l->indent] == ' ' || s[l->indent] == '\t'))
		l->indent++;
	s += l->indent;
	len -= (size_t)l->indent;
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	if (len == 0) {
		l->blank = 1;
		return;
	}
	if (s[0] == '%' || s[0] == '#' || (len >= 3 && strncmp(s, ">>>", 3) == 0) ||
	    (len >= 3 && strncmp(s, "---", 3) == 0) || s[0] == '=') {
		l->comment = 1;
		return;
	}
	if (len >= 3 && s[0] == '*' && s[1] == '*' && s[2] == '*') {
		l->comment = 1;
		return;
	}
	/* JPRS: "a. [Domain Name]   EXAMPLE.JP" */
	if (len > 3 && isalpha((unsigned char)s[0]) && s[1] == '.' && s[2] == ' ') {
		const char *b = s + 2;
		while (*b == ' ')
			b++;
		if (*b == '[') {
			len -= (size_t)(b - s);
			s = b;
		}
	}
	if (s[0] == '[') {
		const char *close = memchr(s, ']', len < 64 ? len : 64);
		if (close) {
			normalize_key(s + 1, (size_t)(close - s - 1), l->key, sizeof(l->key));
			copy_val(l, close + 1, len - (size_t)(close + 1 - s));
			l->has_key = 1;
			if (!l->val[0]) {
				l->header = 1;
				l->bracket = 1;
			}
			return;
		}
	}
	/* Taiwan: "Record expires on 2019-11-09 (YYYY-MM-DD)" */
	/* Guernsey: "Registered on 30th April 2003 at 00:00:00.000" */
	static const char *const phrases[] = { "record expires on ", "record created on ",
					       "registered on " };
	for (size_t i = 0; i < sizeof(phrases) / sizeof(phrases[0]); i++) {
		size_t pl = strlen(phrases[i]);
		if (len > pl && strncasecmp(s, phrases[i], pl) == 0) {
			normalize_key(s, pl - 1, l->key, sizeof(l->key));
			copy_val(l, s + pl, len - pl);
			l->has_key = 1;
			return;
		}
	}
	colon = memchr(s, ':', len < 72 ? len : 72);
	if (!colon && tab_key(l, s, len))
		return;
	/* Kyrgyzstan: "Domain GOOGLE.KG (ACTIVE)" */
	if (!colon && len > 7 && strncmp(s, "Domain ", 7) == 0) {
		const char *sp = memchr(s + 7, ' ', len - 7);
		const char *dot = memchr(s + 7, '.', len - 7);
		if (dot && (!sp || dot < sp)) {
			snprintf(l->key, sizeof(l->key), "domain");
			copy_val(l, s + 7, len - 7);
			l->has_key = 1;
		}
		return;
	}
	if (!colon)
		return;
	klen = (size_t)(colon - s);
	/* "http://..." or a time ("at 11:55:41") is not a key. */
	if (klen + 2 < len && colon[1] == '/' && colon[2] == '/')
		return;
	if (klen > 0 && isdigit((unsigned char)s[klen - 1]) && !memchr(s, '_', klen))
		return; /* but .nz's "ns_name_01" is a key */
	normalize_key(s, klen, l->key, sizeof(l->key));
	if (!l->key[0])
		return;
	l->has_key = 1;
	copy_val(l, colon + 1, len - klen - 1);
	if (!l->val[0])
		l->header = 1;
}

/* The words by which section headers name what follows. */
static int section_word(const char *s, size_t len)
{
	static const char *const words[] = {
		"holder", "registrant", "contact", "admin", "tech", "billing", "organi",
		"registrar", "server", "dns", "abuse", "owner", "agent", "domain", "date",
		"status", "dnssec", "info", "reseller", "person", "zone", "hosts", "keys",
	};
	char low[64];
	size_t n = len < sizeof(low) - 1 ? len : sizeof(low) - 1;

	for (size_t i = 0; i < n; i++)
		low[i] = (char)tolower((unsigned char)s[i]);
	low[n] = '\0';
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strstr(low, words[i]))
			return 1;
	return 0;
}

/* A line alone that names a section: "Nameservers", "Holder", "Registrar". */
static int bare_header(const struct line *l, const struct line *next)
{
	const char *s = l->s + l->indent;
	size_t len = l->len - (size_t)l->indent;

	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	if (l->blank || l->comment || l->has_key || len > 48 || !next || next->blank)
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!(isalpha(c) || c == ' ' || c == '/' || c == '(' || c == ')' || c == '-'))
			return 0;
	}
	/* Only a word that names a section opens one: any other line of text
	 * ("Note") must not swallow the key lines after it. */
	if (!section_word(s, len))
		return 0;
	if (next->indent > l->indent || next->has_key)
		return 1;
	/* SWITCH: "Name servers" then the names at the same depth. */
	return len == 12 && strncasecmp(s, "name servers", 12) == 0 && !next->comment;
}

static enum section section_of(const struct line *l)
{
	const char *k = l->key;

	if (strstr(k, "whois"))
		return l->bracket ? S_PASS : S_IGNORE;
	if (strstr(k, "name server") || strstr(k, "nameserver") || strstr(k, "nserver") ||
	    strstr(k, "domain servers") || strstr(k, "dns servers") || strstr(k, "de nombres"))
		return S_NS;
	if (strcmp(k, "registrar") == 0 || strcmp(k, "sponsoring registrar") == 0)
		return S_REGISTRAR;
	if (strcmp(k, "registration status") == 0 || strcmp(k, "domain status") == 0 ||
	    strcmp(k, "status") == 0)
		return S_STATUS;
	if (l->bracket && strcmp(k, "domain") == 0)
		return S_PASS;
	if (strcmp(k, "domain name") == 0 || strcmp(k, "domain") == 0 ||
	    strcmp(k, "nombre de dominio") == 0)
		return S_DOMAIN;
	if (strstr(k, "dates") || strcmp(k, "domain information") == 0 ||
	    strcmp(k, "additional info") == 0)
		return S_PASS;
	if (strstr(k, "abuse"))
		return S_ABUSE;
	switch (field_of(k)) {
	case F_CREATED: case F_EXPIRES: case F_REGISTRY_EXPIRES: case F_REG_EXPIRES:
	case F_UPDATED: case F_DNSSEC:
		return S_FIELD;
	default:
		return S_IGNORE;
	}
}

static void lower_copy(const char *v, size_t len, char *out, size_t outlen)
{
	size_t n = len < outlen - 1 ? len : outlen - 1;

	for (size_t i = 0; i < n; i++)
		out[i] = (char)tolower((unsigned char)v[i]);
	out[n] = '\0';
	while (n > 0 && out[n - 1] == '.')
		out[--n] = '\0';
}

/* The first blank-separated word of v. */
static size_t first_word(const char *v, const char **start)
{
	size_t n = 0;

	while (*v == ' ' || *v == '\t' || *v == '-')
		v++;
	*start = v;
	while (v[n] && v[n] != ' ' && v[n] != '\t' && v[n] != '|' && v[n] != '[' &&
	       v[n] != '(' && v[n] != ',')
		n++;
	return n;
}

static void on_domain(struct parser *p, const char *v)
{
	char name[256];
	const char *w;
	size_t n = first_word(v, &w);

	lower_copy(w, n, name, sizeof(name));
	if (!name[0])
		return;
	/* A TLD's own record (IANA's "domain: CN") only when asked for. */
	if (!p->target[0] && (strchr(name, '.') || p->asked_tld))
		snprintf(p->target, sizeof(p->target), "%s", name);
	/* The same name spelled again at once ("Domain Name: 你好.中国",
	 * "Puny Name: xn--..."): still the record's. */
	int alias = p->mode == M_RECORD && p->seg > 0 && p->last == F_DOMAIN && p->prev_domain;
	if (strcmp(name, p->target) == 0 || alias) {
		p->seg += !alias;
		p->mode = M_RECORD;
		set_str(&p->rec->domain, name);
	} else {
		p->mode = M_FOREIGN;
	}
}

static void add_ns_value(struct parser *p, const char *v)
{
	const char *w;
	size_t n = first_word(v, &w);

	if (n > 0 && dd_reg_add_ns(p->rec, w, n) == 0)
		p->fields++;
}

/* "clientHold https://icann.org/epp#clientHold", "a,b,c", "inactive /
 * serverHold", "clientDeleteProhibited - status prevents ...",
 * "Connected (2026/03/31)". */
static void add_status_value(struct parser *p, const char *v)
{
	char buf[VALUE_MAX + 1], *cut, *tok, *save = NULL;

	/* .nz "query_status: 220 Available": the code is not the word. */
	if (isdigit((unsigned char)v[0]) && isdigit((unsigned char)v[1]) &&
	    isdigit((unsigned char)v[2]) && v[3] == ' ')
		v += 4;
	snprintf(buf, sizeof(buf), "%s", v);
	if ((cut = strstr(buf, "http://")) || (cut = strstr(buf, "https://")))
		*cut = '\0';
	if ((cut = strstr(buf, " - ")))
		*cut = '\0';
	for (size_t n = strlen(buf); n > 0 && (buf[n - 1] == '-' || buf[n - 1] == ' ');)
		buf[--n] = '\0';
	if ((cut = strstr(buf, " (")))
		*cut = '\0';
	if (strncasecmp(buf, "no ", 3) == 0 && strstr(buf, "listed"))
		return;
	for (char *s = buf; (cut = strstr(s, " / ")); s = cut + 3)
		cut[1] = ',';
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		if (dd_reg_add_status(p->rec, tok, strlen(tok)) == 0)
			p->fields++;
}

static void set_date(struct parser *p, struct dd_reg_date *d, const char *v)
{
	if (d->text || !v[0])
		return;
	d->text = strdup(v);
	p->fields++;
}

static enum dd_reg_tri tri_of(const char *v)
{
	static const char *const no[] = { "unsigned", "no", "n", "inactive", "unsigned delegation",
					  "unsigneddelegation", "not signed", "false", "none" };
	static const char *const yes[] = { "signeddelegation", "signed delegation", "yes", "y",
					   "signed", "active", "true" };
	char low[64];

	/* the first clause decides: "Unsigned delegation, DNSSEC disabled" */
	lower_copy(v, strcspn(v, ","), low, sizeof(low));
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (strcmp(low, no[i]) == 0)
			return DD_REG_NO;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (strcmp(low, yes[i]) == 0)
			return DD_REG_YES;
	return DD_REG_UNKNOWN;
}

/* The record's fields a registry may withhold, as RFC 9537 names them. */
static const char *withheld_name(enum field f)
{
	switch (f) {
	case F_REGISTRAR: return "Registrar Name";
	case F_CREATED: return "Creation Date";
	case F_EXPIRES: case F_REGISTRY_EXPIRES: return "Registry Expiry Date";
	case F_UPDATED: return "Updated Date";
	case F_REG_URL: return "Registrar URL";
	case F_ABUSE: return "Registrar Abuse Contact Email";
	default: return NULL;
	}
}

/* A key: value line of the record (or of the preamble before any record). */
static void on_field(struct parser *p, enum field f, const char *v)
{
	struct dd_reg_record *r = p->rec;
	int later = p->seg >= 2;

	/* "REDACTED FOR PRIVACY", "Redacted | Registry Policy": withheld, not
	 * unknown. */
	if (strncasecmp(v, "redacted", 8) == 0 && withheld_name(f)) {
		dd_reg_add_redacted(r, withheld_name(f));
		return;
	}
	switch (f) {
	case F_CREATED: set_date(p, &r->created, v); break;
	/* A plain "Expires" in a later record of the domain is the
	 * registrar's date; a "Registry Expiry Date" is the registry's
	 * wherever it is written (a registrar repeats it: nic.live). */
	case F_EXPIRES: set_date(p, later ? &r->registrar_expires : &r->expires, v); break;
	case F_REGISTRY_EXPIRES: set_date(p, &r->expires, v); break;
	case F_REG_EXPIRES: set_date(p, &r->registrar_expires, v); break;
	case F_UPDATED: set_date(p, &r->updated, v); break;
	case F_REGISTRAR: p->fields += set_str(&r->registrar.name, v) > 0; break;
	case F_IANA_ID: p->fields += set_str(&r->registrar.iana_id, v) > 0; break;
	case F_REG_URL: p->fields += set_str(&r->registrar.url, v) > 0; break;
	case F_ABUSE: p->fields += set_str(&r->registrar.abuse_email, v) > 0; break;
	case F_REG_WHOIS: {
		const char *w;
		size_t n = first_word(v, &w);
		char host[256];
		lower_copy(w, n, host, sizeof(host));
		if (strchr(host, '.') && !strchr(host, '/'))
			p->fields += set_str(&r->registrar.whois_server, host) > 0;
		break;
	}
	case F_STATUS: add_status_value(p, v); break;
	case F_NS: add_ns_value(p, v); break;
	case F_DNSSEC:
		if (r->dnssec == DD_REG_UNKNOWN && (r->dnssec = tri_of(v)) != DD_REG_UNKNOWN)
			p->fields++;
		break;
	case F_REFER: set_str(&r->refer, v); break;
	case F_HOLD:
		if (strcasecmp(v, "yes") == 0)
			add_status_value(p, "hold");
		break;
	default: break;
	}
}

/* Inside an RPSL registrar object after the domain object. */
static void on_regobj(struct parser *p, const struct line *l)
{
	struct dd_reg_registrar *rr = &p->rec->registrar;
	const char *k = l->key;

	if (strcmp(k, "organization") == 0 || strcmp(k, "organisation") == 0) {
		if (p->regobj_handle_name && l->val[0]) {
			free(rr->name);
			rr->name = NULL;
			set_str(&rr->name, l->val);
			p->regobj_handle_name = 0;
		}
	} else if (strcmp(k, "url") == 0 || strcmp(k, "website") == 0 || strcmp(k, "www") == 0) {
		set_str(&rr->url, l->val);
	} else if (strcmp(k, "abuse-email") == 0) {
		set_str(&rr->abuse_email, l->val);
	}
}

static int status_line(const char *v);

static void on_section_line(struct parser *p, const struct line *l)
{
	const char *v = l->has_key ? l->val : l->s + l->indent;
	char bare[VALUE_MAX + 1];

	if (!l->has_key) {
		size_t n = l->len - (size_t)l->indent;
		const char *s = v;
		trim(&s, &n);
		if (n > VALUE_MAX)
			n = VALUE_MAX;
		memcpy(bare, s, n);
		bare[n] = '\0';
		v = bare;
	}
	switch (p->sec) {
	case S_NS:
		/* .kr: "Primary Name Server" then "Host Name : ns1..." */
		if (l->has_key && strcmp(l->key, "host name") == 0)
			on_field(p, F_NS, v);
		else if (l->has_key)
			on_field(p, field_of(l->key), v);
		else
			add_ns_value(p, v);
		break;
	case S_REGISTRAR:
		if (!l->has_key && !p->sec_taken) {
			on_field(p, F_REGISTRAR, v);
			p->sec_taken = 1;
		} else if (l->has_key) {
			const char *k = l->key;
			if (strcmp(k, "name") == 0 || strcmp(k, "organization") == 0 ||
			    strcmp(k, "organisation") == 0 || strcmp(k, "org") == 0)
				on_field(p, F_REGISTRAR, v);
			else if (strcmp(k, "url") == 0 || strcmp(k, "web") == 0 ||
				 strcmp(k, "website") == 0 || strcmp(k, "www") == 0)
				on_field(p, F_REG_URL, v);
			else if (field_of(k) == F_REGISTRAR)
				on_field(p, F_REGISTRAR, v);
		}
		break;
	case S_STATUS:
		if (!l->has_key && !p->sec_taken) {
			add_status_value(p, v);
			p->sec_taken = 1;
		}
		break;
	case S_DOMAIN:
		if (!l->has_key && !p->sec_taken) {
			const char *is = strstr(v, " is ");
			on_domain(p, v);
			p->sec_taken = 1;
			/* Dot TK: "GOOGLE.TK is Active" */
			if (is && p->mode == M_RECORD && status_line(is + 4) && !strchr(is + 4, ' '))
				add_status_value(p, is + 4);
		}
		break;
	case S_ABUSE:
		if (strchr(v, '@') && !strchr(v, ' '))
			set_str(&p->rec->registrar.abuse_email, v);
		break;
	case S_PASS:
		if (l->has_key)
			on_field(p, field_of(l->key), v);
		break;
	case S_FIELD:
		if (!l->has_key && !p->sec_taken) {
			on_field(p, p->sec_field, v);
			p->sec_taken = 1;
		}
		break;
	default: break;
	}
}

/* A key that only the domain's own record has: it ends a section opened
 * by a bare line, so a stray line of text cannot hide what follows. */
static int record_key(const struct line *l)
{
	if (strcmp(l->key, "state") == 0) /* also a contact's address */
		return 0;
	switch (field_of(l->key)) {
	case F_DOMAIN: case F_EXPIRES: case F_REGISTRY_EXPIRES: case F_REG_EXPIRES:
	case F_STATUS: case F_NS:
	case F_IANA_ID: case F_REG_WHOIS: case F_DNSSEC:
		return 1;
	default:
		return 0;
	}
}

/* .ee: "Registrar:" then "name:", "url:", "changed:" at the same depth
 * (the registrar's own change date is not the domain's). */
static int registrar_detail(const char *key)
{
	static const char *const k[] = { "name", "url", "phone", "email", "e-mail", "fax",
					 "changed" };

	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++)
		if (strcmp(key, k[i]) == 0)
			return 1;
	return 0;
}

/* Body lines: deeper than the header, or bare lines at its depth; key
 * lines at its depth only under a header without colon ("Holder"), and
 * not the record's own keys. A shallower line always ends the section. */
static int in_section(const struct parser *p, const struct line *l)
{
	if (p->sec == S_NONE || l->blank || l->indent < p->sec_indent)
		return 0;
	if (l->indent > p->sec_indent)
		return 1;
	if (l->header)
		return 0;
	if (!l->has_key)
		return 1;
	if (p->sec == S_REGISTRAR && registrar_detail(l->key))
		return 1;
	return p->sec_bare && !(p->sec != S_REGISTRAR && record_key(l));
}

/* A continuation line that is a status: one word, then nothing, a dash,
 * a remark in parentheses or a link; a sentence is not a status. */
static int status_line(const char *v)
{
	size_t n = strcspn(v, " \t");
	const char *rest = v + n;

	if (n == 0 || !isalpha((unsigned char)v[0]))
		return 0;
	while (*rest == ' ' || *rest == '\t')
		rest++;
	return !*rest || *rest == '-' || *rest == '(' || strncmp(rest, "http", 4) == 0;
}

/* .kg: "Domain GOOGLE.KG (ACTIVE)": the state in parentheses. */
static void domain_state(struct parser *p, const char *v)
{
	const char *open = strstr(v, " (");
	size_t n;

	if (p->mode != M_RECORD || !open)
		return;
	open += 2;
	n = strspn(open, "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
	if (n > 0 && n < 32 && open[n] == ')' && open[n + 1] == '\0') {
		char word[32];
		memcpy(word, open, n);
		word[n] = '\0';
		add_status_value(p, word);
	}
}

/* A paragraph after contact objects that starts with one of the domain's
 * own fields is the domain's again (IANA: contacts, then "nserver:",
 * then "created:"; .il: persons, then "registrar name:"). */
static int resumes_record(const struct line *l, enum field f)
{
	switch (f) {
	case F_NS: case F_CREATED: case F_UPDATED: case F_EXPIRES: case F_STATUS: case F_DNSSEC:
		return 1;
	case F_REGISTRAR: return strcmp(l->key, "registrar") != 0;
	default: return 0;
	}
}

static void on_line(struct parser *p, struct line *l, const struct line *prev,
		    const struct line *next)
{
	enum field f;

	if (l->blank) {
		/* "Name servers:", blank line, then the names: keep it open. */
		if (p->sec != S_NONE && p->sec_lines == 0)
			return;
		p->sec = S_NONE;
		p->last = F_NONE;
		return;
	}
	if (l->comment)
		return;
	int bare = !l->has_key && !l->header && bare_header(l, next) && !in_section(p, l);
	if (bare) {
		normalize_key(l->s + l->indent, l->len - (size_t)l->indent, l->key, sizeof(l->key));
		l->header = 1;
	}
	if (in_section(p, l)) {
		p->sec_lines++;
		if (p->mode == M_RECORD)
			on_section_line(p, l);
		return;
	}
	p->sec = S_NONE;
	if (l->header) {
		p->sec = section_of(l);
		p->sec_field = field_of(l->key);
		p->sec_indent = l->indent;
		p->sec_bare = bare;
		p->sec_lines = 0;
		p->sec_taken = 0;
		p->last = F_NONE;
		return;
	}
	if (!l->has_key) {
		/* A continuation of a multi-valued key: "nameservers: a\n   b". */
		if (p->mode == M_RECORD && l->indent > p->last_indent &&
		    (p->last == F_NS || p->last == F_STATUS)) {
			struct line tmp = *l;
			copy_val(&tmp, l->s + l->indent, l->len - (size_t)l->indent);
			if (p->last == F_NS || status_line(tmp.val))
				on_field(p, p->last, tmp.val);
		}
		return;
	}
	f = field_of(l->key);
	if (f == F_DOMAIN) {
		on_domain(p, l->val);
		domain_state(p, l->val);
		p->last = f;
		p->prev_domain = 1;
		p->last_indent = l->indent;
		return;
	}
	p->prev_domain = 0;
	p->last = f;
	p->last_indent = l->indent;
	if (f == F_LOOKALIKE) {
		p->mode = M_FOREIGN;
		return;
	}
	/* Contact and nsset objects after the domain's: "contact:" and
	 * "nic-hdl:" always start one, "person:" or "nsset:" (also a field of
	 * some domain objects) only at the head of a paragraph. */
	if (p->mode == M_OBJECT && prev && prev->blank && resumes_record(l, f))
		p->mode = M_RECORD;
	if (f == F_OBJECT && p->seg > 0 &&
	    (strcmp(l->key, "contact") == 0 || strncmp(l->key, "nic-hdl", 7) == 0 ||
	     (prev && (prev->blank || prev->comment)))) {
		p->mode = M_OBJECT;
		return;
	}
	/* RPSL registrar object after the domain's (.fr, .ua): "registrar:"
	 * heading a paragraph once the registrar is known, or after a
	 * comment banner. */
	if (f == F_REGISTRAR && strcmp(l->key, "registrar") == 0 && p->seg > 0 &&
	    p->mode == M_RECORD && prev &&
	    ((prev->blank && p->rec->registrar.name) || prev->comment)) {
		p->mode = M_REGOBJ;
		if (!p->rec->registrar.name) {
			set_str(&p->rec->registrar.name, l->val);
			p->regobj_handle_name = 1;
		}
		return;
	}
	/* .sk: "Registrar: ACTI-0024" then "Name: ACTIVE 24, s.r.o.": the
	 * name, not the handle. */
	if (f == F_REGISTRAR && p->mode == M_RECORD && next && next->has_key &&
	    next->indent == l->indent && strcmp(next->key, "name") == 0 && next->val[0] &&
	    l->val[0] && !strchr(l->val, ' ')) {
		on_field(p, f, next->val);
		return;
	}
	switch (p->mode) {
	case M_RECORD: on_field(p, f, l->val); break;
	case M_OBJECT:
		if (f == F_NS)
			on_field(p, f, l->val);
		break;
	case M_REGOBJ: on_regobj(p, l); break;
	case M_FOREIGN:
		if (f == F_REFER)
			on_field(p, f, l->val);
		break;
	}
}

/* Binary data is not a WHOIS answer: many control bytes (NUL included). */
static int looks_binary(const char *doc, size_t len)
{
	size_t ctl = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)doc[i];
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v' &&
		    c != 0x1b)
			ctl++;
	}
	return ctl > 8 && ctl * 50 > len;
}

/* Read d's text; a date written but not read is explained in why (the
 * first such date: "expiry \"03/02/2020\" not read: ..."). */
static void resolve_date(struct dd_reg_date *d, const char *name, int order,
			 const struct dd_reg_suffix_rule *rule, struct dd_buf *why)
{
	int err;

	if (!d->text)
		return;
	err = dd_reg_date_parse_local(d->text, order ? order : rule->order,
				      rule->has_local ? rule->local_min : 0, &d->t);
	if (err == 0) {
		d->known = 1;
		return;
	}
	if (why->len > 0)
		return;
	dd_buf_printf(why, "%s \"%.60s\" not read: %s", name, d->text,
		      err == DD_ENOTFOUND ? "the day and the month cannot be told apart"
					  : "not a date with a known form and zone");
}

static int doc_order(const struct dd_reg_record *r)
{
	const struct dd_reg_date *ds[] = { &r->created, &r->expires, &r->updated,
					   &r->registrar_expires };
	int order = 0;

	for (size_t i = 0; i < 4; i++) {
		int o = ds[i]->text ? dd_reg_date_order(ds[i]->text) : 0;
		if (o && order && o != order)
			return 0; /* contradictory: undecidable */
		if (o)
			order = o;
	}
	return order;
}

/* The first line holding one of the phrases: 1 with r's result and detail
 * set, else 0. */
static int find_phrase(const char *doc, size_t len, const char *const *phrases, size_t n,
		       enum dd_reg_result res, struct dd_reg_record *r)
{
	const char *p = doc, *end = doc + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ln = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char low[LINE_MAX_LEN];
		lower_copy(p, ln < sizeof(low) ? ln : sizeof(low) - 1, low, sizeof(low));
		for (size_t i = 0; i < n; i++)
			if (strstr(low, phrases[i])) {
				const char *s = p;
				size_t sl = ln;
				trim(&s, &sl);
				r->result = res;
				free(r->detail);
				r->detail = strndup(s, sl < 160 ? sl : 160);
				return 1;
			}
		p = nl ? nl + 1 : end;
	}
	return 0;
}

/* Something only a registration has: a date, a registrar, a nameserver, a
 * status word with a known meaning. */
static int registered(const struct dd_reg_record *r)
{
	if (r->created.text || r->expires.text || r->updated.text || r->registrar.name ||
	    r->nns > 0)
		return 1;
	for (size_t i = 0; i < r->nstatuses; i++)
		if (r->statuses[i].epp || r->statuses[i].cls != DD_REG_SC_OTHER)
			return 1;
	return 0;
}

/* found, not-found or error: a status that says "free" wins; then what the
 * record holds; an answer with nothing of a registration is an error when
 * it says so (a rate limit must never read as "not registered"), else
 * not-found when it says so. */
static void classify(const char *doc, size_t len, struct dd_reg_record *r)
{
	for (size_t i = 0; i < r->nstatuses; i++)
		for (size_t j = 0; j < sizeof(not_found_statuses) / sizeof(not_found_statuses[0]);
		     j++)
			if (strcasecmp(r->statuses[i].code, not_found_statuses[j]) == 0) {
				r->result = DD_REG_NOT_FOUND;
				free(r->detail);
				r->detail = strdup(r->statuses[i].code);
				return;
			}
	if (registered(r))
		return;
	if (find_phrase(doc, len, error_phrases, sizeof(error_phrases) / sizeof(error_phrases[0]),
			DD_REG_ERROR, r))
		return;
	find_phrase(doc, len, not_found_phrases,
		    sizeof(not_found_phrases) / sizeof(not_found_phrases[0]), DD_REG_NOT_FOUND, r);
}

static int parse_whois(const char *doc, size_t len, const char *domain,
		       struct dd_reg_record *out, char why[DD_REG_WHY_MAX]);

/* A stray NUL byte does not make an answer binary: it is left out (the rest
 * is read, and kept as raw text, which cannot hold a NUL). */
int dd_reg_parse_whois(const char *doc, size_t len, const char *domain,
		       struct dd_reg_record *out, char why[DD_REG_WHY_MAX])
{
	char *copy;
	size_t n = 0;
	int rc;

	if (len > DD_REG_DOC_MAX || !memchr(doc, '\0', len) || looks_binary(doc, len))
		return parse_whois(doc, len, domain, out, why);
	copy = malloc(len);
	if (!copy) {
		dd_reg_record_init(out);
		snprintf(why, DD_REG_WHY_MAX, "out of memory");
		return DD_ENOMEM;
	}
	for (size_t i = 0; i < len; i++)
		if (doc[i] != '\0')
			copy[n++] = doc[i];
	rc = parse_whois(copy, n, domain, out, why);
	free(copy);
	return rc;
}

static int parse_whois(const char *doc, size_t len, const char *domain,
		       struct dd_reg_record *out, char why[DD_REG_WHY_MAX])
{
	struct parser p;
	struct line *lines;
	size_t nlines = 0, cap = 1;
	struct dd_reg_suffix_rule rule;
	struct dd_buf unread;
	int order;

	dd_reg_record_init(out);
	out->source = DD_REG_SRC_WHOIS;
	if (len > DD_REG_DOC_MAX) {
		snprintf(why, DD_REG_WHY_MAX, "WHOIS answer larger than %d bytes", DD_REG_DOC_MAX);
		return DD_ELIMIT;
	}
	if (looks_binary(doc, len)) {
		snprintf(why, DD_REG_WHY_MAX, "binary data, not a WHOIS answer");
		return DD_EMALFORMED;
	}
	for (size_t i = 0; i < len; i++)
		cap += doc[i] == '\n';
	lines = calloc(cap, sizeof(*lines));
	if (!lines) {
		snprintf(why, DD_REG_WHY_MAX, "out of memory");
		return DD_ENOMEM;
	}
	for (const char *s = doc, *end = doc + len; s < end && nlines < cap;) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
		lines[nlines].s = s;
		lines[nlines].len = n > LINE_MAX_LEN ? LINE_MAX_LEN : n;
		while (lines[nlines].len > 0 && lines[nlines].s[lines[nlines].len - 1] == '\r')
			lines[nlines].len--;
		split_line(&lines[nlines]);
		nlines++;
		s = nl ? nl + 1 : end;
	}
	memset(&p, 0, sizeof(p));
	p.rec = out;
	p.last_indent = -1;
	p.asked_tld = domain && !strchr(domain, '.');
	if (domain) {
		size_t dl = strlen(domain);
		lower_copy(domain, dl, p.target, sizeof(p.target));
		/* Answers about another name than the one asked for (the
		 * registered name above a host name): follow the answer. */
		int seen = 0;
		for (size_t i = 0; i < nlines; i++) {
			const char *w;
			char name[256];
			if (!lines[i].has_key || field_of(lines[i].key) != F_DOMAIN)
				continue;
			size_t n = first_word(lines[i].val, &w);
			lower_copy(w, n, name, sizeof(name));
			if (strcmp(name, p.target) == 0)
				seen = 1;
		}
		if (!seen)
			p.target[0] = '\0';
	}
	for (size_t i = 0; i < nlines; i++)
		on_line(&p, &lines[i], i > 0 ? &lines[i - 1] : NULL,
			i + 1 < nlines ? &lines[i + 1] : NULL);
	free(lines);
	order = doc_order(out);
	/* A TLD's own record is IANA's, not written the way its registry
	 * writes dates (cn: CNNIC's Beijing time is not IANA's). */
	const char *about = out->domain ? out->domain : p.target[0] ? p.target : domain;
	if (about && strchr(about, '.'))
		dd_reg_suffix_rule(about, &rule);
	else
		memset(&rule, 0, sizeof(rule));
	dd_buf_init(&unread);
	resolve_date(&out->expires, "expiry", order, &rule, &unread);
	resolve_date(&out->created, "creation date", order, &rule, &unread);
	resolve_date(&out->updated, "update date", order, &rule, &unread);
	resolve_date(&out->registrar_expires, "registrar's expiry", order, &rule, &unread);
	classify(doc, len, out);
	/* A found record says why a date it holds is null. */
	if (out->result == DD_REG_FOUND && !out->detail && unread.len > 0)
		out->detail = strdup(dd_buf_str(&unread));
	dd_buf_free(&unread);
	if (!out->domain && domain)
		out->domain = strdup(p.target[0] ? p.target : domain);
	out->raw = malloc(len + 1);
	if (!out->raw) {
		snprintf(why, DD_REG_WHY_MAX, "out of memory");
		return DD_ENOMEM;
	}
	memcpy(out->raw, doc, len);
	out->raw[len] = '\0';
	out->raw_len = len;
	if (p.fields == 0 && out->result == DD_REG_FOUND && !out->refer) {
		snprintf(why, DD_REG_WHY_MAX, "no registration data recognised in the WHOIS answer");
		return DD_EMALFORMED;
	}
	return 0;
}
