/* date.c: dates as registries write them: RFC 3339, 2018.02.20, 20180220,
 * 20-Feb-2018, 2001-Aug-23, 20.2.2018, ctime ("Sat Mar 28 23:59:00 2026"),
 * numeric day/month orders decided only when the text (or the document)
 * shows which is which. Time zones are applied when stated; a zone name not
 * in the table makes the date unknown. Dates without a zone are UTC unless
 * the caller knows the registry writes its local time (whois-suffixes.conf). */
#include <ctype.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/err.h"
#include "reg/reg.h"

struct ymdhms {
	int y, mo, d, h, mi, s;
};

static const char *const months[] = { "jan", "feb", "mar", "apr", "may", "jun",
				      "jul", "aug", "sep", "oct", "nov", "dec" };

static const char *const full_months[] = { "january", "february", "march", "april",
					   "may", "june", "july", "august",
					   "september", "october", "november", "december" };

static const char *const weekdays[] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };

/* Time zone abbreviations with one meaning; minutes east of UTC. */
static const struct {
	const char *name;
	int minutes;
} zones[] = {
	{ "utc", 0 }, { "gmt", 0 }, { "ut", 0 }, { "z", 0 }, { "wet", 0 },
	{ "west", 60 }, { "cet", 60 }, { "cest", 120 }, { "eet", 120 }, { "eest", 180 },
	{ "msk", 180 }, { "jst", 540 }, { "kst", 540 }, { "hkt", 480 }, { "sgt", 480 },
	{ "awst", 480 }, { "aest", 600 }, { "aedt", 660 }, { "nzst", 720 }, { "nzdt", 780 },
	{ "est", -300 }, { "edt", -240 }, { "cdt", -300 }, { "mst", -420 }, { "mdt", -360 },
	{ "pst", -480 }, { "pdt", -420 }, { "clt", -240 }, { "clst", -180 }, { "brt", -180 },
	{ "art", -180 },
};

static int read_num(const char **p, int maxdig, int *val)
{
	int n = 0, v = 0;

	while (n < maxdig && isdigit((unsigned char)(*p)[n])) {
		v = v * 10 + ((*p)[n] - '0');
		n++;
	}
	if (n == 0)
		return 0;
	*p += n;
	*val = v;
	return n;
}

static int word_len(const char *p)
{
	int n = 0;

	while (n < 16 && isalpha((unsigned char)p[n]))
		n++;
	return n;
}

/* Month from an English name or its 3-letter abbreviation; 0 when none. */
static int read_month(const char **p)
{
	int n = word_len(*p);

	for (int i = 0; i < 12; i++) {
		if ((n == 3 && strncasecmp(*p, months[i], 3) == 0) ||
		    (n == (int)strlen(full_months[i]) && strncasecmp(*p, full_months[i], n) == 0)) {
			*p += n;
			return i + 1;
		}
	}
	return 0;
}

static void skip_weekday(const char **p)
{
	if (word_len(*p) != 3)
		return;
	for (int i = 0; i < 7; i++)
		if (strncasecmp(*p, weekdays[i], 3) == 0) {
			*p += 3;
			if (**p == ',')
				(*p)++;
			while (**p == ' ')
				(*p)++;
			return;
		}
}

static int days_in(int y, int mo)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (mo == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[mo - 1];
}

/* "HH:MM[:SS[.frac]]" at p; 1 when read. */
static int read_time(const char **p, struct ymdhms *t)
{
	const char *q = *p;

	if (!read_num(&q, 2, &t->h) || *q != ':')
		return 0;
	q++;
	if (read_num(&q, 2, &t->mi) != 2)
		return 0;
	if (*q == ':') {
		q++;
		if (read_num(&q, 2, &t->s) != 2)
			return 0;
		if (*q == '.' || *q == ',')
			for (q++; isdigit((unsigned char)*q); q++)
				;
	}
	*p = q;
	return 1;
}

/* "+HH", "+H:MM", "+HHMM", "-HH:MM" at p; 1 when read. */
static int read_offset(const char **p, int *minutes)
{
	const char *q = *p;
	int sign, h, m = 0, n;

	if (*q != '+' && *q != '-')
		return 0;
	sign = *q == '-' ? -1 : 1;
	q++;
	n = read_num(&q, 4, &h);
	if (n == 0)
		return 0;
	if (n == 4) {
		m = h % 100;
		h /= 100;
	} else if (n > 2) {
		return 0;
	} else if (*q == ':') {
		q++;
		if (read_num(&q, 2, &m) != 2)
			return 0;
	}
	if (h > 14 || m > 59)
		return 0;
	*minutes = sign * (h * 60 + m);
	*p = q;
	return 1;
}

/* A zone: Z, an offset, a known name (optionally followed by an offset).
 * Returns 1 (read), 0 (none here) or -1 (a name not in the table). */
static int read_zone(const char **p, int *minutes)
{
	int n, off;

	if (read_offset(p, minutes))
		return 1;
	n = word_len(*p);
	if (n == 0)
		return 0;
	for (size_t i = 0; i < sizeof(zones) / sizeof(zones[0]); i++)
		if ((int)strlen(zones[i].name) == n && strncasecmp(*p, zones[i].name, n) == 0) {
			*p += n;
			*minutes = zones[i].minutes;
			if (read_offset(p, &off))
				*minutes += off;
			return 1;
		}
	return -1;
}

/* The date part; returns 0, DD_EPARSE or DD_ENOTFOUND (ambiguous). */
static int read_date(const char **p, int order, struct ymdhms *t, int *ctime_form)
{
	const char *q = *p;
	int a, b, na, nb, mo;
	char sep;

	*ctime_form = 0;
	if (isalpha((unsigned char)*q)) {
		/* "Mar 28 23:59:00 2026" (ctime); the year comes later. */
		mo = read_month(&q);
		if (!mo || *q != ' ')
			return DD_EPARSE;
		while (*q == ' ')
			q++;
		if (!read_num(&q, 2, &t->d))
			return DD_EPARSE;
		t->mo = mo;
		*ctime_form = 1;
		*p = q;
		return 0;
	}
	na = read_num(&q, 8, &a);
	/* Guernsey: "30th April 2003": an ordinal day */
	if (na > 0 && na <= 2 && q[0] && q[1] == (q[0] == 's' ? 't' : 'd') && q[2] == ' ' &&
	    strchr("snr", q[0]))
		q += 2;
	else if (na > 0 && na <= 2 && q[0] == 't' && q[1] == 'h' && q[2] == ' ')
		q += 2;
	if (na == 8) {
		t->y = a / 10000;
		t->mo = a / 100 % 100;
		t->d = a % 100;
		*p = q;
		return 0;
	}
	sep = *q;
	if (na == 0 || !(sep == '-' || sep == '.' || sep == '/' || (sep == ' ' && na <= 2)))
		return DD_EPARSE;
	q++;
	if (na == 4) {
		t->y = a;
		if (sep == '.')
			while (*q == ' ')
				q++; /* KRNIC: "2020. 05. 19." */
		mo = read_month(&q);
		if (mo) {
			t->mo = mo;
		} else if (!read_num(&q, 2, &t->mo)) {
			return DD_EPARSE;
		}
		if (*q != sep)
			return DD_EPARSE;
		q++;
		if (sep == '.')
			while (*q == ' ')
				q++;
		if (!read_num(&q, 2, &t->d))
			return DD_EPARSE;
		/* "2020-06-14-T10:32:43Z": a separator before the 'T'. */
		if (*q == sep && (q[1] == 'T' || q[1] == 't'))
			q++;
		*p = q;
		return 0;
	}
	if (na > 2)
		return DD_EPARSE;
	mo = read_month(&q);
	if (mo) {
		/* 20-Feb-2018, 20 Feb 2018 */
		if (*q != sep)
			return DD_EPARSE;
		q++;
		if (read_num(&q, 4, &t->y) != 4)
			return DD_EPARSE;
		t->mo = mo;
		t->d = a;
		*p = q;
		return 0;
	}
	nb = read_num(&q, 2, &b);
	if (!nb || *q != sep)
		return DD_EPARSE;
	q++;
	if (read_num(&q, 4, &t->y) != 4)
		return DD_EPARSE;
	if (sep == '.' || a > 12 || order == DD_REG_DMY) {
		t->d = a;
		t->mo = b;
	} else if (b > 12 || order == DD_REG_MDY) {
		t->mo = a;
		t->d = b;
	} else if (a == b) {
		t->d = t->mo = a;
	} else {
		return DD_ENOTFOUND;
	}
	*p = q;
	return 0;
}

int dd_reg_date_order(const char *text)
{
	const char *q = text;
	int a, b, y;
	char sep;

	while (*q == ' ')
		q++;
	if (!read_num(&q, 2, &a))
		return 0;
	sep = *q;
	if (sep != '/' && sep != '-')
		return 0;
	q++;
	if (!read_num(&q, 2, &b) || *q != sep)
		return 0;
	q++;
	if (read_num(&q, 4, &y) != 4)
		return 0;
	if (a > 12 && b <= 12)
		return DD_REG_DMY;
	if (b > 12 && a <= 12)
		return DD_REG_MDY;
	return 0;
}

int dd_reg_date_parse(const char *text, int order, int64_t *out)
{
	return dd_reg_date_parse_local(text, order, 0, out);
}

int dd_reg_date_parse_local(const char *text, int order, int local_min, int64_t *out)
{
	struct ymdhms t = { 0 };
	const char *p = text;
	int zone = local_min, ctime_form, err, z;
	struct tm tm;

	while (*p == ' ' || *p == '\t')
		p++;
	skip_weekday(&p);
	err = read_date(&p, order, &t, &ctime_form);
	if (err)
		return err;
	/* Time: after 'T' or blanks; a blank not followed by a time is kept. */
	if (*p == 'T' || *p == 't') {
		p++;
		if (!read_time(&p, &t))
			return DD_EPARSE;
	} else if (*p == ' ') {
		const char *q = p;
		while (*q == ' ')
			q++;
		if (strncmp(q, "at ", 3) == 0) /* "30th April 2003 at 00:00:00.000" */
			q += 3;
		if (read_time(&q, &t))
			p = q;
	}
	if (ctime_form) {
		while (*p == ' ')
			p++;
		/* An optional zone may sit before the year. */
		if (isalpha((unsigned char)*p)) {
			if (read_zone(&p, &zone) != 1)
				return DD_EPARSE;
			while (*p == ' ')
				p++;
		}
		if (read_num(&p, 4, &t.y) != 4)
			return DD_EPARSE;
	}
	/* Zone, directly or after blanks, or in parentheses: "(JST)". */
	{
		const char *q = p;
		while (*q == ' ')
			q++;
		int paren = *q == '(';
		if (paren)
			q++;
		z = read_zone(&q, &zone);
		if (z == 1 && (!paren || *q == ')')) {
			p = q + paren;
		} else if (z == -1 && !paren) {
			return DD_EPARSE;
		}
	}
	/* What may follow: blanks, a final dot, a remark in parentheses or
	 * after '#' ("(YYYY-MM-DD)", "#162310"). */
	while (*p == ' ' || *p == '.' || *p == '\t')
		p++;
	if (*p && *p != '(' && *p != '#')
		return DD_EPARSE;
	if (t.y < 1900 || t.y > 2200 || t.mo < 1 || t.mo > 12 || t.d < 1 ||
	    t.d > days_in(t.y, t.mo) || t.h > 23 || t.mi > 59 || t.s > 60)
		return DD_EPARSE;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = t.y - 1900;
	tm.tm_mon = t.mo - 1;
	tm.tm_mday = t.d;
	tm.tm_hour = t.h;
	tm.tm_min = t.mi;
	tm.tm_sec = t.s;
	*out = (int64_t)timegm(&tm) - (int64_t)zone * 60;
	return 0;
}
