/* record.c: the normalized registration record: lifetime, the builders the
 * parsers use, and the status vocabulary (EPP codes, their RDAP spellings
 * from RFC 8056, and the words ccTLD registries use instead). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "core/err.h"
#include "reg/reg.h"

void dd_reg_record_init(struct dd_reg_record *r)
{
	memset(r, 0, sizeof(*r));
}

static void free_date(struct dd_reg_date *d)
{
	free(d->text);
	memset(d, 0, sizeof(*d));
}

void dd_reg_record_free(struct dd_reg_record *r)
{
	if (!r)
		return;
	free(r->where);
	free(r->detail);
	free(r->object_class);
	free(r->domain);
	free(r->registrar.name);
	free(r->registrar.iana_id);
	free(r->registrar.url);
	free(r->registrar.abuse_email);
	free(r->registrar.rdap_url);
	free(r->registrar.whois_server);
	free_date(&r->created);
	free_date(&r->expires);
	free_date(&r->updated);
	free_date(&r->registrar_expires);
	for (size_t i = 0; i < r->nstatuses; i++)
		free(r->statuses[i].code);
	free(r->statuses);
	for (size_t i = 0; i < r->nns; i++)
		free(r->ns[i]);
	free(r->ns);
	free(r->refer);
	for (size_t i = 0; i < r->nredacted; i++)
		free(r->redacted[i]);
	free(r->redacted);
	if (r->registrar_view) {
		dd_reg_record_free(r->registrar_view);
		free(r->registrar_view);
	}
	free(r->raw);
	memset(r, 0, sizeof(*r));
}

int dd_reg_add_ns(struct dd_reg_record *r, const char *name, size_t len)
{
	char buf[256];
	size_t n = 0;
	char **grown;

	while (len > 0 && name[len - 1] == '.')
		len--;
	if (len == 0 || len >= sizeof(buf))
		return DD_EINVAL;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];
		if (!(isalnum(c) || c == '-' || c == '.' || c == '_'))
			return DD_EINVAL;
		buf[n++] = (char)tolower(c);
	}
	buf[n] = '\0';
	if (!strchr(buf, '.') || buf[0] == '.' || strstr(buf, ".."))
		return DD_EINVAL;
	for (size_t i = 0; i < r->nns; i++)
		if (strcmp(r->ns[i], buf) == 0)
			return 0;
	if (r->nns >= DD_REG_MAX_NS)
		return DD_ELIMIT;
	grown = realloc(r->ns, (r->nns + 1) * sizeof(*r->ns));
	if (!grown)
		return DD_ENOMEM;
	r->ns = grown;
	r->ns[r->nns] = strdup(buf);
	if (!r->ns[r->nns])
		return DD_ENOMEM;
	r->nns++;
	return 0;
}

int dd_reg_add_redacted(struct dd_reg_record *r, const char *name)
{
	char **grown;

	if (!name || !*name)
		return 0;
	for (size_t i = 0; i < r->nredacted; i++)
		if (strcasecmp(r->redacted[i], name) == 0)
			return 0;
	if (r->nredacted >= DD_REG_MAX_REDACTED)
		return DD_ELIMIT;
	grown = realloc(r->redacted, (r->nredacted + 1) * sizeof(*r->redacted));
	if (!grown)
		return DD_ENOMEM;
	r->redacted = grown;
	r->redacted[r->nredacted] = strndup(name, 128);
	if (!r->redacted[r->nredacted])
		return DD_ENOMEM;
	r->nredacted++;
	return 0;
}

/* EPP domain statuses (RFC 5731, RFC 3915) and their RDAP spellings (RFC
 * 8056 section 2). */
static const struct {
	const char *epp;
	const char *rdap;
	enum dd_reg_class cls;
} epp_table[] = {
	{ "ok", "active", DD_REG_SC_OK },
	{ "inactive", "inactive", DD_REG_SC_INACTIVE },
	{ "clientHold", "client hold", DD_REG_SC_CLIENT_HOLD },
	{ "serverHold", "server hold", DD_REG_SC_SERVER_HOLD },
	{ "redemptionPeriod", "redemption period", DD_REG_SC_REDEMPTION },
	{ "pendingDelete", "pending delete", DD_REG_SC_PENDING_DELETE },
	{ "pendingRestore", "pending restore", DD_REG_SC_PENDING },
	{ "pendingCreate", "pending create", DD_REG_SC_PENDING },
	{ "pendingRenew", "pending renew", DD_REG_SC_PENDING },
	{ "pendingTransfer", "pending transfer", DD_REG_SC_PENDING },
	{ "pendingUpdate", "pending update", DD_REG_SC_PENDING },
	{ "addPeriod", "add period", DD_REG_SC_PENDING },
	{ "autoRenewPeriod", "auto renew period", DD_REG_SC_PENDING },
	{ "renewPeriod", "renew period", DD_REG_SC_PENDING },
	{ "transferPeriod", "transfer period", DD_REG_SC_PENDING },
	{ "clientDeleteProhibited", "client delete prohibited", DD_REG_SC_CLIENT_LOCK },
	{ "clientRenewProhibited", "client renew prohibited", DD_REG_SC_CLIENT_LOCK },
	{ "clientTransferProhibited", "client transfer prohibited", DD_REG_SC_CLIENT_LOCK },
	{ "clientUpdateProhibited", "client update prohibited", DD_REG_SC_CLIENT_LOCK },
	{ "serverDeleteProhibited", "server delete prohibited", DD_REG_SC_SERVER_LOCK },
	{ "serverRenewProhibited", "server renew prohibited", DD_REG_SC_SERVER_LOCK },
	{ "serverTransferProhibited", "server transfer prohibited", DD_REG_SC_SERVER_LOCK },
	{ "serverUpdateProhibited", "server update prohibited", DD_REG_SC_SERVER_LOCK },
	{ "linked", "associated", DD_REG_SC_OTHER },
};

/* Registry words that are not EPP codes, matched on the whole word. */
static const struct {
	const char *word;
	enum dd_reg_class cls;
} word_table[] = {
	{ "active", DD_REG_SC_OK },
	{ "activo", DD_REG_SC_OK },
	{ "registered", DD_REG_SC_OK },
	{ "registered until expiry date.", DD_REG_SC_OK },
	{ "connect", DD_REG_SC_OK },
	{ "connected", DD_REG_SC_OK },
	{ "delegated", DD_REG_SC_OK },
	{ "published", DD_REG_SC_OK },
	{ "verified", DD_REG_SC_OK },
	{ "suspended", DD_REG_SC_SUSPENDED },
	{ "suspension", DD_REG_SC_SUSPENDED },
	{ "blocked", DD_REG_SC_SUSPENDED },
	{ "on hold", DD_REG_SC_SUSPENDED },
	{ "hold", DD_REG_SC_SUSPENDED },
	{ "expired", DD_REG_SC_EXPIRED },
	{ "quarantine", DD_REG_SC_REDEMPTION },
	{ "redemption", DD_REG_SC_REDEMPTION },
	{ "deleted", DD_REG_SC_PENDING_DELETE },
	{ "to be deleted", DD_REG_SC_PENDING_DELETE },
	{ "not delegated", DD_REG_SC_INACTIVE },
	{ "unconnected", DD_REG_SC_INACTIVE },
	{ "transfer locked", DD_REG_SC_CLIENT_LOCK },
	{ "administratively blocked", DD_REG_SC_SERVER_LOCK },
};

/* Lower-case copy of word with runs of blanks and '_' or '-' squeezed to
 * one space: "Client_Hold" -> "client hold". */
static void squeeze(const char *word, size_t len, char *out, size_t outlen)
{
	size_t o = 0;
	int space = 0;

	for (size_t i = 0; i < len && o + 1 < outlen; i++) {
		unsigned char c = (unsigned char)word[i];
		if (c == ' ' || c == '\t' || c == '_') {
			space = o > 0;
			continue;
		}
		if (space && o + 2 < outlen)
			out[o++] = ' ';
		space = 0;
		out[o++] = (char)tolower(c);
	}
	out[o] = '\0';
}

/* Classify a verbatim word by its parts when it is not in the tables. */
static enum dd_reg_class classify_words(const char *low)
{
	if (strstr(low, "prohibited") || strstr(low, "forbidden") || strstr(low, "locked"))
		return strncmp(low, "server", 6) == 0 ? DD_REG_SC_SERVER_LOCK : DD_REG_SC_CLIENT_LOCK;
	if (strstr(low, "suspend"))
		return DD_REG_SC_SUSPENDED;
	if (strstr(low, "redemption"))
		return DD_REG_SC_REDEMPTION;
	if (strstr(low, "pending delete") || strstr(low, "pendingdelete"))
		return DD_REG_SC_PENDING_DELETE;
	return DD_REG_SC_OTHER;
}

static void status_fill(struct dd_reg_status *st, const char *word, size_t len)
{
	char low[128], nospace[128];
	size_t n = 0;

	squeeze(word, len, low, sizeof(low));
	for (const char *p = low; *p && n + 1 < sizeof(nospace); p++)
		if (*p != ' ')
			nospace[n++] = *p;
	nospace[n] = '\0';
	st->epp = 0;
	st->cls = DD_REG_SC_OTHER;
	st->code = NULL;
	for (size_t i = 0; i < sizeof(epp_table) / sizeof(epp_table[0]); i++) {
		if (strcasecmp(nospace, epp_table[i].epp) == 0 ||
		    strcmp(low, epp_table[i].rdap) == 0) {
			/* "active" is RDAP for ok only in RDAP; a registry's
			 * "Active" is its own word, kept verbatim. */
			if (strcmp(low, "active") == 0)
				break;
			st->code = strdup(epp_table[i].epp);
			st->epp = 1;
			st->cls = epp_table[i].cls;
			return;
		}
	}
	st->code = strndup(word, len);
	for (size_t i = 0; i < sizeof(word_table) / sizeof(word_table[0]); i++)
		if (strcmp(low, word_table[i].word) == 0) {
			st->cls = word_table[i].cls;
			return;
		}
	st->cls = classify_words(low);
}

void dd_reg_status_set(struct dd_reg_status *st, const char *word)
{
	status_fill(st, word, strlen(word));
}

int dd_reg_add_status(struct dd_reg_record *r, const char *word, size_t len)
{
	struct dd_reg_status st, *grown;

	while (len > 0 && isspace((unsigned char)*word)) {
		word++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)word[len - 1]))
		len--;
	if (len == 0 || len > 100)
		return DD_EINVAL;
	status_fill(&st, word, len);
	if (!st.code)
		return DD_ENOMEM;
	for (size_t i = 0; i < r->nstatuses; i++)
		if (strcasecmp(r->statuses[i].code, st.code) == 0) {
			free(st.code);
			return 0;
		}
	if (r->nstatuses >= DD_REG_MAX_STATUS) {
		free(st.code);
		return DD_ELIMIT;
	}
	grown = realloc(r->statuses, (r->nstatuses + 1) * sizeof(*r->statuses));
	if (!grown) {
		free(st.code);
		return DD_ENOMEM;
	}
	r->statuses = grown;
	r->statuses[r->nstatuses++] = st;
	return 0;
}

const char *dd_reg_class_name(enum dd_reg_class cls)
{
	switch (cls) {
	case DD_REG_SC_OK: return "ok";
	case DD_REG_SC_CLIENT_HOLD: return "client-hold";
	case DD_REG_SC_SERVER_HOLD: return "server-hold";
	case DD_REG_SC_REDEMPTION: return "redemption";
	case DD_REG_SC_PENDING_DELETE: return "pending-delete";
	case DD_REG_SC_INACTIVE: return "inactive";
	case DD_REG_SC_SUSPENDED: return "suspended";
	case DD_REG_SC_EXPIRED: return "expired";
	case DD_REG_SC_CLIENT_LOCK: return "client-lock";
	case DD_REG_SC_SERVER_LOCK: return "server-lock";
	case DD_REG_SC_PENDING: return "pending";
	case DD_REG_SC_OTHER: break;
	}
	return "other";
}

int dd_reg_has_class(const struct dd_reg_record *r, enum dd_reg_class cls)
{
	for (size_t i = 0; i < r->nstatuses; i++)
		if (r->statuses[i].cls == cls)
			return 1;
	return 0;
}

static int has_code(const struct dd_reg_record *r, const char *code)
{
	for (size_t i = 0; i < r->nstatuses; i++)
		if (strcasecmp(r->statuses[i].code, code) == 0)
			return 1;
	return 0;
}

int dd_reg_transfer_locked(const struct dd_reg_record *r)
{
	return has_code(r, "clientTransferProhibited") || has_code(r, "serverTransferProhibited") ||
	       has_code(r, "Transfer Locked");
}

int dd_reg_registry_locked(const struct dd_reg_record *r)
{
	return has_code(r, "serverUpdateProhibited") && has_code(r, "serverDeleteProhibited") &&
	       has_code(r, "serverTransferProhibited");
}

const char *dd_reg_result_name(enum dd_reg_result res)
{
	switch (res) {
	case DD_REG_FOUND: return "found";
	case DD_REG_NOT_FOUND: return "not-found";
	case DD_REG_RDAP_ERROR: return "rdap-error";
	case DD_REG_OTHER_OBJECT: return "other-object";
	case DD_REG_ERROR: return "error";
	}
	return "unknown";
}

const char *dd_reg_source_name(enum dd_reg_source src)
{
	switch (src) {
	case DD_REG_SRC_RDAP: return "rdap";
	case DD_REG_SRC_WHOIS: return "whois";
	case DD_REG_SRC_NONE: break;
	}
	return "none";
}

int dd_reg_read_file(const char *path, size_t max, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;

	*out = NULL;
	*len = 0;
	if (!f)
		return errno == ENOENT ? DD_ENOTFOUND : DD_EIO;
	buf = malloc(max + 2);
	if (!buf) {
		fclose(f);
		return DD_ENOMEM;
	}
	/* Read one byte more than allowed to tell "too large" from "full". */
	n = fread(buf, 1, max + 1, f);
	if (ferror(f)) {
		fclose(f);
		free(buf);
		return DD_EIO;
	}
	fclose(f);
	if (n > max) {
		free(buf);
		return DD_ELIMIT;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}
