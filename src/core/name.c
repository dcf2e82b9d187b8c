/* name.c: validation and IDN conversion of user-given domain names, and the
 * registrable-domain rule (public suffix list). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <idn2.h>
#include <libpsl.h>

#include "core/err.h"
#include "core/name.h"

static int has_non_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 1;
	return 0;
}

/* Check the ASCII form label by label; lower-case it in place. */
static int check_ascii(char *s, const char **why)
{
	size_t total = strlen(s);
	size_t label = 0;

	if (total > 254 || (total == 254 && s[253] != '.')) {
		*why = "name longer than 253 characters";
		return DD_ENAME;
	}
	for (char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '.') {
			if (label == 0) {
				*why = "empty label (two dots in a row or a leading dot)";
				return DD_ENAME;
			}
			label = 0;
			continue;
		}
		if (!(isalnum(c) || c == '-' || c == '_')) {
			*why = "character not allowed in a host or domain name";
			return DD_ENAME;
		}
		*p = (char)tolower(c);
		if (++label > 63) {
			*why = "label longer than 63 characters";
			return DD_ENAME;
		}
	}
	return 0;
}

int dd_name_from_user(const char *in, char out[DD_NAME_MAX], const char **why)
{
	char *ascii = NULL;
	size_t len;

	*why = NULL;
	if (!in || !*in) {
		*why = "empty name";
		return DD_ENAME;
	}
	if (strcmp(in, ".") == 0) {
		strcpy(out, ".");
		return 0;
	}
	if (strlen(in) > 1024) {
		*why = "name too long";
		return DD_ENAME;
	}
	if (has_non_ascii(in)) {
		int rc = idn2_to_ascii_8z(in, &ascii, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
		if (rc != IDN2_OK) {
			*why = idn2_strerror(rc);
			return DD_ENAME;
		}
	} else {
		ascii = strdup(in);
		if (!ascii)
			return DD_ENOMEM;
	}
	len = strlen(ascii);
	if (len + 2 > DD_NAME_MAX) {
		free(ascii);
		*why = "name longer than 253 characters";
		return DD_ENAME;
	}
	memcpy(out, ascii, len + 1);
	free(ascii);
	if (out[len - 1] != '.') {
		out[len] = '.';
		out[len + 1] = '\0';
	}
	return check_ascii(out, why);
}

int dd_name_cmp(const char *a, const char *b)
{
	return strcasecmp(a, b);
}

int dd_name_is_subdomain(const char *name, const char *zone)
{
	size_t n = strlen(name), z = strlen(zone);

	if (strcmp(zone, ".") == 0)
		return 1;
	if (z > n)
		return 0;
	if (strcasecmp(name + n - z, zone) != 0)
		return 0;
	return n == z || name[n - z - 1] == '.';
}

int dd_name_labels(const char *name)
{
	int n = 0;

	if (strcmp(name, ".") == 0)
		return 0;
	for (; *name; name++)
		if (*name == '.')
			n++;
	return n;
}

/* ---- public suffixes ------------------------------------------------------ */

void dd_name_plain(const char *name, char out[DD_NAME_MAX])
{
	size_t len = strlen(name), i;

	if (len && name[len - 1] == '.')
		len--;
	if (len >= DD_NAME_MAX)
		len = DD_NAME_MAX - 1;
	for (i = 0; i < len; i++)
		out[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] - 'A' + 'a' : name[i]);
	out[i] = '\0';
}

/* Index of the first label of host's public suffix, host's labels starting
 * at off[0..n-1]: the longest suffix the ICANN section of the built-in list
 * calls public (an unknown TLD is public by the implicit "*" rule); without
 * libpsl the last label. n when there is none (the root). */
static size_t suffix_label(const char *host, const size_t *off, size_t n)
{
	const psl_ctx_t *psl = psl_builtin();

	for (size_t i = 0; i < n; i++)
		if (psl ? psl_is_public_suffix2(psl, host + off[i], PSL_TYPE_ICANN) : i + 1 == n)
			return i;
	return n;
}

/* The start of each label of host (lower case, no final dot) into off. */
static size_t label_offsets(const char *host, size_t off[DD_NAME_MAX])
{
	size_t n = 0;

	for (size_t i = 0; host[i]; i++)
		if (i == 0 || host[i - 1] == '.')
			off[n++] = i;
	return n;
}

void dd_name_public_suffix(const char *name, char out[DD_NAME_MAX])
{
	char host[DD_NAME_MAX];
	size_t off[DD_NAME_MAX] = { 0 }, n, i;

	dd_name_plain(name, host);
	n = label_offsets(host, off);
	i = suffix_label(host, off, n);
	snprintf(out, DD_NAME_MAX, "%s", i < n ? host + off[i] : "");
}

void dd_name_registrable(const char *name, char out[DD_NAME_MAX])
{
	char host[DD_NAME_MAX];
	size_t off[DD_NAME_MAX] = { 0 }, n, i;

	dd_name_plain(name, host);
	n = label_offsets(host, off);
	i = suffix_label(host, off, n);
	/* One label more than the suffix; "" for the root or a suffix itself. */
	snprintf(out, DD_NAME_MAX, "%s", i > 0 && i < n ? host + off[i - 1] : "");
}

void dd_name_operator(const char *name, char out[DD_NAME_MAX])
{
	dd_name_registrable(name, out);
	if (!out[0])
		dd_name_plain(name, out);
}

const uint8_t *dd_name_operator_wire(const uint8_t *wire)
{
	const uint8_t *label[DD_NAME_MAX];
	char host[DD_NAME_MAX];
	size_t off[DD_NAME_MAX], n = 0, len = 0, i;

	/* The text libpsl reads: labels joined by dots, lower case; a byte that
	 * cannot be in a listed suffix (a dot, a control character) becomes one
	 * that is in none, so the label boundaries stay the wire's. */
	for (const uint8_t *p = wire; *p && n < DD_NAME_MAX; p += *p + 1) {
		if (len + *p + 1 >= DD_NAME_MAX)
			return wire;
		label[n] = p;
		off[n++] = len;
		for (size_t k = 1; k <= *p; k++) {
			uint8_t c = p[k];
			host[len++] = c == '.' || c <= ' ' || c >= 0x7f ? '!' : (char)tolower(c);
		}
		host[len++] = '.';
	}
	if (n == 0)
		return wire;
	host[len - 1] = '\0';
	i = suffix_label(host, off, n);
	return i > 0 && i < n ? label[i - 1] : wire;
}
