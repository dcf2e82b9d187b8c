/* rates.c: the per-server request limits of data/reg-rates.conf, compiled in
 * (reg_rates.h, made by meson), scanned on each call: the table is small
 * and there is no state. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/err.h"
#include "reg/fetch.h"
#include "reg/reg_rates.h"

/* host is sfx or a name under it. */
static int under(const char *host, const char *sfx)
{
	size_t n = strlen(host), s = strlen(sfx);

	if (s == 0 || s > n || strcasecmp(host + n - s, sfx) != 0)
		return 0;
	return s == n || host[n - s - 1] == '.';
}

int dd_reg_rate_in(const char *conf, const char *host, double *per_min, unsigned *burst,
		   char why[DD_REG_WHY_MAX])
{
	char line[256], best[256] = "";
	unsigned no = 0;
	int found = 0;

	for (const char *p = conf; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char h[256], extra[8], *hash;
		double rate;
		unsigned b;
		int k;

		no++;
		if (n >= sizeof(line)) {
			snprintf(why, DD_REG_WHY_MAX, "line %u: too long", no);
			return DD_EPARSE;
		}
		memcpy(line, p, n);
		line[n] = '\0';
		p = nl ? nl + 1 : p + n;
		if ((hash = strchr(line, '#')))
			*hash = '\0';
		k = sscanf(line, "%255s %lf %u %7s", h, &rate, &b, extra);
		if (k <= 0)
			continue;
		if (k != 3 || rate <= 0 || rate > 60000 || b == 0 || b > 10000) {
			snprintf(why, DD_REG_WHY_MAX, "line %u: not HOST PER_MIN BURST", no);
			return DD_EPARSE;
		}
		if (host && under(host, h) && strlen(h) > strlen(best)) {
			snprintf(best, sizeof(best), "%s", h);
			*per_min = rate;
			*burst = b;
			found = 1;
		}
	}
	return found ? 0 : DD_ENOTFOUND;
}

int dd_reg_rate_of(const char *host, double *per_min, unsigned *burst)
{
	char why[DD_REG_WHY_MAX];

	return dd_reg_rate_in(DD_REG_RATES, host, per_min, burst, why);
}
