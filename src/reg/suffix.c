/* suffix.c: the per-suffix rules of the WHOIS reader, read from the text of
 * data/whois-suffixes.conf compiled in (whois_suffixes.h, made by meson).
 * The text is scanned on each call: it is small and there is no state. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/err.h"
#include "reg/reg.h"
#include "reg/whois_suffixes.h"

/* "+08:00", "-03:30" into minutes east; 0 when read. */
static int read_offset(const char *v, int *min)
{
	int h, m;
	char sign;

	if (sscanf(v, "%c%2d:%2d", &sign, &h, &m) != 3 || (sign != '+' && sign != '-') ||
	    h > 14 || m > 59)
		return -1;
	*min = (sign == '-' ? -1 : 1) * (h * 60 + m);
	return 0;
}

static int apply(struct dd_reg_suffix_rule *r, const char *kv)
{
	if (strcmp(kv, "date-order=dmy") == 0)
		r->order = DD_REG_DMY;
	else if (strcmp(kv, "date-order=mdy") == 0)
		r->order = DD_REG_MDY;
	else if (strncmp(kv, "local-time=", 11) == 0 && read_offset(kv + 11, &r->local_min) == 0)
		r->has_local = 1;
	else
		return -1;
	return 0;
}

/* name ends with the label-aligned suffix sfx. */
static int under(const char *name, const char *sfx)
{
	size_t n = strlen(name), s = strlen(sfx);

	if (s == 0 || s > n || strcasecmp(name + n - s, sfx) != 0)
		return 0;
	return s == n || name[n - s - 1] == '.';
}

/* One line: blank, comment, or SUFFIX KEY=VALUE...; fills *r when the
 * suffix is longer than the best so far and name is under it. */
static int one_line(char *line, const char *name, struct dd_reg_suffix_rule *best)
{
	char *save = NULL, *sfx, *kv;
	struct dd_reg_suffix_rule r;

	if ((kv = strchr(line, '#')))
		*kv = '\0';
	sfx = strtok_r(line, " \t", &save);
	if (!sfx)
		return 0;
	memset(&r, 0, sizeof(r));
	if (strlen(sfx) >= sizeof(r.suffix))
		return -1;
	snprintf(r.suffix, sizeof(r.suffix), "%s", sfx);
	while ((kv = strtok_r(NULL, " \t", &save)))
		if (apply(&r, kv) != 0)
			return -1;
	if (name && under(name, r.suffix) && strlen(r.suffix) > strlen(best->suffix))
		*best = r;
	return 0;
}

int dd_reg_suffix_rule_in(const char *conf, const char *name, struct dd_reg_suffix_rule *out,
			  char why[DD_REG_WHY_MAX])
{
	char line[256];
	unsigned no = 0;

	memset(out, 0, sizeof(*out));
	for (const char *p = conf; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		no++;
		if (n >= sizeof(line)) {
			snprintf(why, DD_REG_WHY_MAX, "line %u: longer than %zu bytes", no,
				 sizeof(line) - 1);
			return DD_EPARSE;
		}
		memcpy(line, p, n);
		line[n] = '\0';
		if (one_line(line, name, out) != 0) {
			snprintf(why, DD_REG_WHY_MAX, "line %u: not SUFFIX KEY=VALUE...", no);
			return DD_EPARSE;
		}
		p = nl ? nl + 1 : p + n;
	}
	return 0;
}

void dd_reg_suffix_rule(const char *name, struct dd_reg_suffix_rule *out)
{
	char why[DD_REG_WHY_MAX];

	/* The compiled-in table is checked by the unit tests; a bad line
	 * there leaves the rules empty rather than half-read. */
	if (dd_reg_suffix_rule_in(DD_WHOIS_SUFFIXES, name, out, why) != 0)
		memset(out, 0, sizeof(*out));
}
