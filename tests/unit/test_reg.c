/* test_reg.c: the registration parsers against real documents (66 WHOIS
 * answers, RDAP answers, IANA's bootstrap file and broken copies of it) and
 * against hostile input. Prints how much it extracted; checks every
 * extracted expiry date against the raw text independently of the parser. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/buf.h"
#include "core/env.h"
#include "core/err.h"
#include "reg/fetch.h"
#include "reg/reg.h"
#include "report/report.h"

#define WHOIS_IN DD_REAL_DATA "/whois/input"
#define WHOIS_EXP DD_REAL_DATA "/whois/expected"
#define PROJECT_DATA DD_TEST_DATA "/../../../data"

static char *slurp(const char *path, size_t *len)
{
	char *doc = NULL;
	int err = dd_reg_read_file(path, DD_REG_DOC_MAX, &doc, len);

	if (err)
		fail_msg("cannot read %s: %s", path, dd_strerror(err));
	return doc;
}

static int parse_file(const char *path, const char *domain, struct dd_reg_record *r)
{
	char why[DD_REG_WHY_MAX] = "";
	size_t len;
	char *doc = slurp(path, &len);
	int err = dd_reg_parse(doc, len, domain, r, why);

	if (err)
		print_message("%s: %s\n", path, why);
	free(doc);
	return err;
}

/* --- the test's own reading of dates, independent of date.c ----------- */

/* The offset (minutes east) written after the time in text: "+02",
 * "+01:00", "Z", "UTC", "(JST)", "(GMT+0:00)", "CLST". 0 when none. */
static int text_offset(const char *text, int *known)
{
	static const struct { const char *name; int min; } names[] = {
		{ "CLST", -180 }, { "CLT", -240 }, { "JST", 540 }, { "EET", 120 },
		{ "EEST", 180 }, { "CEST", 120 }, { "CET", 60 }, { "UTC", 0 }, { "GMT", 0 },
	};
	const char *colon = strrchr(text, ':');
	const char *p;

	*known = 1;
	if (!colon)
		return 0;
	p = colon + 1;
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	while (*p == ' ' || *p == '(')
		p++;
	if (*p == '+' || *p == '-') {
		int h = 0, m = 0;
		sscanf(p + 1, "%2d", &h);
		if (p[3] == ':')
			sscanf(p + 4, "%2d", &m);
		return (*p == '-' ? -1 : 1) * (h * 60 + m);
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strncmp(p, names[i].name, strlen(names[i].name)) == 0)
			return names[i].min;
	/* Nothing, a final dot, or the year of "Mar 28 23:59:00 2026". */
	if (*p == 'Z' || *p == '\0' || *p == '.' || (*p >= '0' && *p <= '9'))
		return 0;
	*known = 0;
	return 0;
}

/* Does text spell the calendar day of t (seen at offset minutes east)? */
static int text_has_day(const char *text, int64_t t, int offset)
{
	static const char *const fmts[] = {
		"%Y-%m-%d", "%d.%m.%Y", "%d-%b-%Y", "%Y.%m.%d", "%d/%m/%Y", "%m/%d/%Y",
		"%Y%m%d", "%Y-%b-%d", "%Y/%m/%d", "%d-%m-%Y", "%m-%d-%Y", "%a %b %e",
	};
	time_t tt = (time_t)(t + offset * 60);
	struct tm tm;
	char buf[64];

	gmtime_r(&tt, &tm);
	for (size_t i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		strftime(buf, sizeof(buf), fmts[i], &tm);
		if (strcasestr(text, buf))
			return 1;
	}
	/* Day and month without leading zeros: 17.7.2022 */
	snprintf(buf, sizeof(buf), "%d.%d.%d", tm.tm_mday, tm.tm_mon + 1, tm.tm_year + 1900);
	return strstr(text, buf) != NULL;
}

/* The line of raw holding text mentions an expiry. */
static int on_expiry_line(const char *raw, const char *text)
{
	static const char *const words[] = { "expir", "paid-till", "renewal", "valid", "vencimiento" };
	const char *hit = raw;

	while ((hit = strstr(hit, text))) {
		const char *start = hit;
		while (start > raw && start[-1] != '\n')
			start--;
		/* The key may sit on the line above the value (sections). */
		const char *prev = start > raw ? start - 1 : start;
		while (prev > raw && prev[-1] != '\n')
			prev--;
		size_t n = (size_t)(hit - prev);
		char line[512];
		snprintf(line, sizeof(line), "%.*s", (int)(n < 511 ? n : 511), prev);
		for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
			if (strcasestr(line, words[i]))
				return 1;
		hit++;
	}
	return 0;
}

static void check_expiry(const char *file, const struct dd_reg_record *r,
			 const struct dd_reg_date *d)
{
	int known;
	int off;

	if (!d->known)
		return;
	assert_non_null(d->text);
	if (!on_expiry_line(r->raw, d->text))
		fail_msg("%s: expiry \"%s\" is not on an expiry line of the raw text", file, d->text);
	off = text_offset(d->text, &known);
	if (!known)
		fail_msg("%s: the test cannot read the zone of \"%s\"", file, d->text);
	if (!text_has_day(d->text, d->t, off)) {
		char iso[32];
		dd_clock_format(d->t, iso, sizeof(iso));
		fail_msg("%s: expiry \"%s\" was read as %s, another day", file, d->text, iso);
	}
}

/* The reference's expiry: "2019-12-04 00:00:00+02:00" (first of a list). */
static int expected_expiry(const char *file, char *day, size_t daylen, int *offset)
{
	char path[512];
	json_error_t jerr;
	json_t *root, *v;
	const char *s;
	int h = 0, m = 0;

	snprintf(path, sizeof(path), "%s/%s", WHOIS_EXP, file);
	root = json_load_file(path, 0, &jerr);
	if (!root)
		return 0;
	v = json_object_get(root, "expiration_date");
	if (json_is_array(v))
		v = json_array_get(v, 0);
	s = json_string_value(v);
	if (!s || strlen(s) < 10) {
		json_decref(root);
		return 0;
	}
	snprintf(day, daylen, "%.10s", s);
	if (strlen(s) >= 25 && sscanf(s + 20, "%2d:%2d", &h, &m) == 2)
		*offset = (s[19] == '-' ? -1 : 1) * (h * 60 + m);
	else
		*offset = 0;
	json_decref(root);
	return 1;
}

static void test_whois_corpus(void **state)
{
	DIR *dir = opendir(WHOIS_IN);
	struct dirent *de;
	unsigned files = 0, registrars = 0, expiries = 0, reg_expiries = 0, created = 0;
	unsigned updated = 0, with_status = 0, statuses = 0, with_ns = 0, with_dnssec = 0;
	unsigned ref_same = 0, ref_differs = 0, ref_only = 0, ours_only = 0;

	(void)state;
	assert_non_null(dir);
	while ((de = readdir(dir))) {
		char path[512], day[16], ours[16];
		struct dd_reg_record r;
		int off;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", WHOIS_IN, de->d_name);
		files++;
		if (parse_file(path, NULL, &r) != 0)
			fail_msg("%s does not parse", de->d_name);
		assert_int_equal(r.result, DD_REG_FOUND);
		assert_non_null(r.domain);
		registrars += r.registrar.name != NULL;
		expiries += r.expires.known;
		reg_expiries += r.registrar_expires.known;
		created += r.created.known;
		updated += r.updated.known;
		with_status += r.nstatuses > 0;
		statuses += (unsigned)r.nstatuses;
		with_ns += r.nns > 0;
		with_dnssec += r.dnssec != DD_REG_UNKNOWN;
		check_expiry(de->d_name, &r, &r.expires);
		check_expiry(de->d_name, &r, &r.registrar_expires);
		if (expected_expiry(de->d_name, day, sizeof(day), &off)) {
			if (!r.expires.known) {
				ref_only++;
				print_message("  %-16s reference has expiry %s, dnsdeps: unknown%s%s%s\n",
					      de->d_name, day, r.expires.text ? " (\"" : "",
					      r.expires.text ? r.expires.text : "",
					      r.expires.text ? "\")" : "");
			} else {
				time_t tt = (time_t)(r.expires.t + off * 60);
				struct tm tm;
				gmtime_r(&tt, &tm);
				strftime(ours, sizeof(ours), "%Y-%m-%d", &tm);
				if (strcmp(ours, day) == 0) {
					ref_same++;
				} else {
					ref_differs++;
					/* Ours is on an expiry line (checked above); the
					 * reference's day must then not be in the text. */
					print_message("  %-16s reference %s, dnsdeps %s\n", de->d_name,
						      day, ours);
				}
			}
		} else if (r.expires.known) {
			ours_only++;
		}
		dd_reg_record_free(&r);
	}
	closedir(dir);
	print_message("WHOIS corpus: %u answers; registrar %u, registry expiry %u, registrar "
		      "expiry %u, created %u, updated %u, statuses %u (in %u answers), "
		      "nameservers in %u, DNSSEC in %u\n",
		      files, registrars, expiries, reg_expiries, created, updated, statuses,
		      with_status, with_ns, with_dnssec);
	print_message("WHOIS expiry vs reference parse: same day %u, differ %u, only the "
		      "reference %u, only dnsdeps %u\n", ref_same, ref_differs, ref_only, ours_only);
	assert_int_equal(files, 66);
	assert_int_equal(ref_differs, 0);
}

/* "2020-01-26T05:52:26Z" or "-" for a date of r. */
static void utc_text(const struct dd_reg_date *d, char *out, size_t outlen)
{
	time_t tt = (time_t)d->t;
	struct tm tm;

	if (!d->known) {
		snprintf(out, outlen, "-");
		return;
	}
	gmtime_r(&tt, &tm);
	strftime(out, outlen, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The fields of whois-expect.txt, in its order. */
static const char *const expect_fields[] = {
	"result", "domain", "registrar", "iana_id", "url", "abuse", "whois_server", "created",
	"expires", "updated", "registrar_expires", "statuses", "nameservers", "dnssec",
};
#define NEXPECT (sizeof(expect_fields) / sizeof(expect_fields[0]))

static void str_or_null(const char *s, struct dd_buf *b)
{
	dd_buf_puts(b, s && *s ? s : "-");
}

/* Field i of r as whois-expect.txt writes it ("-" for null). */
static void field_value(const struct dd_reg_record *r, size_t i, struct dd_buf *b)
{
	const struct dd_reg_date *dates[] = { &r->created, &r->expires, &r->updated,
					      &r->registrar_expires };
	char t[32];

	dd_buf_free(b);
	dd_buf_init(b);
	switch (i) {
	case 0: dd_buf_puts(b, dd_reg_result_name(r->result)); break;
	case 1: str_or_null(r->domain, b); break;
	case 2: str_or_null(r->registrar.name, b); break;
	case 3: str_or_null(r->registrar.iana_id, b); break;
	case 4: str_or_null(r->registrar.url, b); break;
	case 5: str_or_null(r->registrar.abuse_email, b); break;
	case 6: str_or_null(r->registrar.whois_server, b); break;
	case 7: case 8: case 9: case 10:
		utc_text(dates[i - 7], t, sizeof(t));
		dd_buf_puts(b, t);
		break;
	case 11:
		for (size_t k = 0; k < r->nstatuses; k++)
			dd_buf_printf(b, "%s%s", k ? "," : "", r->statuses[k].code);
		break;
	case 12:
		for (size_t k = 0; k < r->nns; k++)
			dd_buf_printf(b, "%s%s", k ? "," : "", r->ns[k]);
		break;
	default:
		dd_buf_puts(b, r->dnssec == DD_REG_YES ? "yes" : r->dnssec == DD_REG_NO ? "no" : "-");
	}
	if (b->len == 0)
		dd_buf_puts(b, "-");
}

struct expect_counts {
	unsigned files, published, right, null_right;
};

/* One "= FILE DOMAIN" block: parse FILE, compare every field; the number
 * of fields that differ. */
static unsigned check_block(const char *file, const char *dom, char **lines, size_t n,
			    struct expect_counts *c, unsigned *unread)
{
	char path[512], why[DD_REG_WHY_MAX] = "";
	struct dd_reg_record r;
	struct dd_buf got;
	unsigned wrong = 0, seen = 0;
	size_t dl;
	char *d;

	if (strncmp(file, "reg/", 4) == 0)
		snprintf(path, sizeof(path), "%s/%s", DD_TEST_DATA, file);
	else
		snprintf(path, sizeof(path), "%s/%s", DD_REAL_DATA, file);
	d = slurp(path, &dl);
	if (dd_reg_parse(d, dl, dom, &r, why) != 0)
		fail_msg("%s does not parse: %s", file, why);
	free(d);
	dd_buf_init(&got);
	for (size_t k = 0; k < n; k++) {
		char *tab = strchr(lines[k], '\t');
		size_t i;
		if (!tab)
			fail_msg("%s: line without a tab: %s", file, lines[k]);
		*tab = '\0';
		if (strcmp(lines[k], "why") == 0)
			continue;
		for (i = 0; i < NEXPECT && strcmp(lines[k], expect_fields[i]) != 0; i++)
			;
		if (i == NEXPECT)
			fail_msg("%s: unknown field %s", file, lines[k]);
		seen |= 1u << i;
		field_value(&r, i, &got);
		const char *exp = tab + 1;
		int same = strcmp(exp, dd_buf_str(&got)) == 0;
		c[i].files++;
		c[i].published += strcmp(exp, "-") != 0;
		c[i].right += strcmp(exp, "-") != 0 && same;
		c[i].null_right += strcmp(exp, "-") == 0 && same;
		if (!same) {
			wrong++;
			print_message("  %s: %s expected \"%s\", read \"%s\"\n", file, lines[k], exp,
				      dd_buf_str(&got));
		}
	}
	if (seen != (1u << NEXPECT) - 1)
		fail_msg("%s: a field is missing from its block", file);
	/* an expiry written but not read is explained */
	if (r.result == DD_REG_FOUND && r.expires.text && !r.expires.known) {
		(*unread)++;
		if (!r.detail || !strstr(r.detail, "not read"))
			fail_msg("%s: expiry \"%s\" null without a reason", file, r.expires.text);
	}
	dd_buf_free(&got);
	dd_reg_record_free(&r);
	return wrong;
}

/* Every answer of both corpora (and the error answers) against the
 * readings of every field checked by eye in whois-expect.txt. */
static void test_whois_expectations(void **state)
{
	size_t len, n = 0;
	char *doc = slurp(DD_TEST_DATA "/reg/whois-expect.txt", &len), *save = NULL;
	char *lines[NEXPECT + 16], file[256] = "", dom[256] = "";
	struct expect_counts c[NEXPECT];
	unsigned files = 0, wrong = 0, unread = 0;

	(void)state;
	memset(c, 0, sizeof(c));
	for (char *line = strtok_r(doc, "\n", &save);; line = strtok_r(NULL, "\n", &save)) {
		if (line && line[0] == '#')
			continue;
		if (!line || line[0] == '=') {
			if (file[0])
				wrong += check_block(file, dom, lines, n, c, &unread);
			if (!line)
				break;
			if (sscanf(line, "= %255s %255s", file, dom) != 2)
				fail_msg("bad block head: %s", line);
			files++;
			n = 0;
			continue;
		}
		if (n == sizeof(lines) / sizeof(lines[0]))
			fail_msg("%s: too many lines in its block", file);
		lines[n++] = line;
	}
	free(doc);
	print_message("WHOIS expectations: %u answers; per field: files, published, right, "
		      "null where unpublished (or unreadable)\n", files);
	for (size_t i = 0; i < NEXPECT; i++)
		print_message("  %-18s %4u %4u %4u %4u\n", expect_fields[i], c[i].files,
			      c[i].published, c[i].right, c[i].null_right);
	print_message("  expiry written but unreadable: %u (each with its reason); fields read "
		      "wrong: %u\n", unread, wrong);
	assert_int_equal(files, 209 + 44 + 66 + 3);
	for (size_t i = 0; i < NEXPECT; i++)
		assert_int_equal(c[i].files, files);
	assert_int_equal(wrong, 0);
}

/* The fields of a record that formatting must not change. */
static void fields_text(const struct dd_reg_record *r, struct dd_buf *b)
{
	char t[32];

	dd_buf_printf(b, "%s|%s|%s|", dd_reg_result_name(r->result), r->domain ? r->domain : "",
		      r->registrar.name ? r->registrar.name : "");
	utc_text(&r->created, t, sizeof(t));
	dd_buf_printf(b, "%s|", t);
	utc_text(&r->expires, t, sizeof(t));
	dd_buf_printf(b, "%s|", t);
	utc_text(&r->updated, t, sizeof(t));
	dd_buf_printf(b, "%s|", t);
	for (size_t i = 0; i < r->nstatuses; i++)
		dd_buf_printf(b, "%s,", r->statuses[i].code);
	dd_buf_puts(b, "|");
	for (size_t i = 0; i < r->nns; i++)
		dd_buf_printf(b, "%s,", r->ns[i]);
}

static void read_fields(const char *doc, size_t len, struct dd_buf *b)
{
	struct dd_reg_record r;
	char why[DD_REG_WHY_MAX];

	if (dd_reg_parse_whois(doc, len, "git.ai", &r, why) != 0)
		fail_msg("does not parse: %s", why);
	fields_text(&r, b);
	dd_reg_record_free(&r);
}

/* A registry cannot hide a field by formatting: at every position of a
 * real answer, an indented line of text, a blank line, or the line itself
 * indented with odd spacing leaves every field as it was. */
static void test_whois_formatting(void **state)
{
	static const char *const inserts[] = { "    see the terms of use below\n", "\n",
					       "\t\t-- \n", "Note\n" };
	size_t len, nlines = 0;
	char *doc = slurp(DD_REAL_DATA "/whois-corpus/registered/ai_git.ai", &len);
	struct dd_buf base, got, mod;
	unsigned variants = 0;

	(void)state;
	dd_buf_init(&base);
	read_fields(doc, len, &base);
	assert_non_null(strstr(dd_buf_str(&base), "2020-02-28T03:58:55Z"));
	assert_non_null(strstr(dd_buf_str(&base), "Instra"));
	for (size_t i = 0; i < len; i++)
		nlines += doc[i] == '\n';
	for (size_t at = 0, pos = 0; at < nlines; at++) {
		size_t end = pos;
		while (end < len && doc[end] != '\n') /* an index: gcc -O3 took the */
			end++;                        /* pointer for a dangling one */
		end++;
		for (size_t k = 0; k < sizeof(inserts) / sizeof(inserts[0]) + 1; k++) {
			dd_buf_init(&mod);
			dd_buf_init(&got);
			if (k < sizeof(inserts) / sizeof(inserts[0])) {
				/* a line inserted after line at */
				dd_buf_add(&mod, doc, end);
				dd_buf_puts(&mod, inserts[k]);
			} else {
				/* line at indented, its colon spaced oddly */
				dd_buf_add(&mod, doc, pos);
				dd_buf_puts(&mod, "  \t ");
				for (size_t j = pos; j < end; j++) {
					if (doc[j] == ':' && j + 1 < end && doc[j + 1] == ' ')
						dd_buf_puts(&mod, ":\t  ");
					else if (doc[j] == '\n')
						dd_buf_puts(&mod, "   \n");
					else
						dd_buf_add(&mod, doc + j, 1);
				}
			}
			dd_buf_add(&mod, doc + end, len - end);
			read_fields(dd_buf_str(&mod), mod.len, &got);
			if (strcmp(dd_buf_str(&got), dd_buf_str(&base)) != 0)
				fail_msg("variant %zu after line %zu changes the reading:\n%s\n%s", k,
					 at + 1, dd_buf_str(&base), dd_buf_str(&got));
			variants++;
			dd_buf_free(&mod);
			dd_buf_free(&got);
		}
		pos = end;
	}
	print_message("WHOIS formatting: %u variants of a %zu-line answer read the same\n",
		      variants, nlines);
	dd_buf_free(&base);
	free(doc);
}

/* The data compiled in: data/whois-suffixes.conf and data/reg-rates.conf
 * read whole (a bad line there would silently empty the rules), their
 * longest-suffix matches, and bad lines refused with their number. */
static void test_data_tables(void **state)
{
	struct dd_reg_suffix_rule r;
	char why[DD_REG_WHY_MAX] = "";
	double rate = 0;
	unsigned burst = 0;

	(void)state;
	dd_reg_suffix_rule("www.sbc.org.hk", &r);
	assert_string_equal(r.suffix, "hk");
	assert_int_equal(r.order, DD_REG_DMY);
	dd_reg_suffix_rule("google.cn", &r);
	assert_true(r.has_local);
	assert_int_equal(r.local_min, 480);
	dd_reg_suffix_rule("xn--6qq79v.xn--fiqs8s", &r);
	assert_int_equal(r.local_min, 480);
	dd_reg_suffix_rule("example.com", &r);
	assert_string_equal(r.suffix, "");
	assert_int_equal(r.order, 0);
	assert_false(r.has_local);
	dd_reg_suffix_rule("notcn", &r); /* label-aligned: "cn" is not a suffix of it */
	assert_false(r.has_local);
	assert_int_equal(dd_reg_suffix_rule_in("uk date-order=dmy\nco.uk local-time=+01:00\n",
					       "a.co.uk", &r, why), 0);
	assert_string_equal(r.suffix, "co.uk");
	assert_int_equal(r.local_min, 60);
	assert_int_equal(r.order, 0); /* the longest line alone */
	assert_int_equal(dd_reg_suffix_rule_in("# c\n\nhk date-order=ymd\n", "x.hk", &r, why),
			 DD_EPARSE);
	assert_string_equal(why, "line 3: not SUFFIX KEY=VALUE...");
	assert_int_equal(dd_reg_suffix_rule_in("cn local-time=+25:00\n", "x.cn", &r, why),
			 DD_EPARSE);

	assert_int_equal(dd_reg_rate_of("rdap.lacnic.net", &rate, &burst), 0);
	assert_true(rate == 10 && burst == 5);
	assert_int_equal(dd_reg_rate_of("rdap.example", &rate, &burst), DD_ENOTFOUND);
	assert_int_equal(dd_reg_rate_in("a.example 30 3\nb.a.example 6 1\n", "x.b.a.example",
					&rate, &burst, why), 0);
	assert_true(rate == 6 && burst == 1);
	assert_int_equal(dd_reg_rate_in("a.example 30\n", "a.example", &rate, &burst, why),
			 DD_EPARSE);
	assert_string_equal(why, "line 1: not HOST PER_MIN BURST");
}

/* RFC 9537: withheld fields are listed and shown as "redacted", kept
 * through the JSON form; an answer of 200 that is only a quota notice is an
 * error, not a registration; a WHOIS "REDACTED" value is withheld too. */
static void test_redaction_and_quota(void **state)
{
	static const char doc[] =
		"{\"objectClassName\": \"domain\", \"ldhName\": \"x.example\","
		" \"events\": [{\"eventAction\": \"registration\", \"eventDate\": \"2020-01-01T00:00:00Z\"}],"
		" \"redacted\": [{\"name\": {\"type\": \"Registrant Name\"}, \"method\": \"removal\"},"
		" {\"name\": {\"description\": \"Registry Expiry Date\"}, \"method\": \"removal\"},"
		" {\"name\": {\"type\": \"Registrant Name\"}}]}";
	static const char quota[] =
		"{\"notices\": [{\"title\": \"Query quota exceeded\", \"description\": "
		"[\"Come back in an hour.\"]}]}";
	static const char whois[] = "Domain Name: y.example\nRegistrar: REDACTED FOR PRIVACY\n"
				    "Creation Date: 2020-01-01T00:00:00Z\n";
	struct dd_reg_record r, back;
	char why[DD_REG_WHY_MAX];
	struct dd_buf b;
	json_t *j;

	(void)state;
	assert_int_equal(dd_reg_parse(doc, sizeof(doc) - 1, NULL, &r, why), 0);
	assert_int_equal(r.nredacted, 2);
	assert_string_equal(r.redacted[0], "Registrant Name");
	assert_string_equal(r.redacted[1], "Registry Expiry Date");
	dd_buf_init(&b);
	dd_rep_reg_record_text(&r, &b);
	assert_non_null(strstr(dd_buf_str(&b), "expires            redacted\n"));
	assert_non_null(strstr(dd_buf_str(&b), "redacted           Registrant Name, Registry Expiry"));
	dd_buf_free(&b);
	j = dd_reg_to_json(&r, 0);
	assert_int_equal(dd_reg_from_json(j, &back, why), 0);
	assert_int_equal(back.nredacted, 2);
	assert_string_equal(back.redacted[1], "Registry Expiry Date");
	json_decref(j);
	dd_reg_record_free(&back);
	dd_reg_record_free(&r);

	assert_int_equal(dd_reg_parse(quota, sizeof(quota) - 1, NULL, &r, why), 0);
	assert_int_equal(r.result, DD_REG_ERROR);
	assert_string_equal(r.detail, "Query quota exceeded");
	dd_reg_record_free(&r);

	assert_int_equal(dd_reg_parse(whois, sizeof(whois) - 1, NULL, &r, why), 0);
	assert_int_equal(r.result, DD_REG_FOUND);
	assert_null(r.registrar.name);
	assert_int_equal(r.nredacted, 1);
	assert_string_equal(r.redacted[0], "Registrar Name");
	dd_buf_init(&b);
	dd_rep_reg_record_text(&r, &b);
	assert_non_null(strstr(dd_buf_str(&b), "registrar          redacted\n"));
	dd_buf_free(&b);
	dd_reg_record_free(&r);
}

/* The answers kept between runs: a fresh one is found, an old one, one
 * from the future or another domain's is not; a second put replaces. */
static void test_cache(void **state)
{
	char path[] = "/tmp/dnsdeps-cache-XXXXXX", why[DD_REG_WHY_MAX] = "", *json;
	struct dd_reg_cache *c;
	int64_t fetched;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(dd_reg_cache_open(path, &c, why), 0);
	assert_int_equal(dd_reg_cache_get(c, "a.example", 1000, 60, &json, &fetched), DD_ENOTFOUND);
	assert_int_equal(dd_reg_cache_put(c, "a.example", 1000, "{\"v\": 1}"), 0);
	assert_int_equal(dd_reg_cache_get(c, "a.example", 1060, 60, &json, &fetched), 0);
	assert_string_equal(json, "{\"v\": 1}");
	assert_int_equal(fetched, 1000);
	free(json);
	assert_int_equal(dd_reg_cache_get(c, "a.example", 1061, 60, &json, &fetched), DD_ENOTFOUND);
	assert_int_equal(dd_reg_cache_get(c, "a.example", 999, 60, &json, &fetched), DD_ENOTFOUND);
	assert_int_equal(dd_reg_cache_get(c, "b.example", 1000, 60, &json, &fetched), DD_ENOTFOUND);
	assert_int_equal(dd_reg_cache_put(c, "a.example", 2000, "{\"v\": 2}"), 0);
	dd_reg_cache_close(c);
	/* kept in the file: another run sees it */
	assert_int_equal(dd_reg_cache_open(path, &c, why), 0);
	assert_int_equal(dd_reg_cache_get(c, "a.example", 2000, 60, &json, &fetched), 0);
	assert_string_equal(json, "{\"v\": 2}");
	free(json);
	dd_reg_cache_close(c);
	assert_int_equal(dd_reg_cache_open("/nonexistent-dir/x.sqlite", &c, why), DD_EIO);
	assert_non_null(strstr(why, "registration cache /nonexistent-dir/x.sqlite"));
	unlink(path);
	for (const char *sfx = "-wal"; sfx; sfx = strcmp(sfx, "-wal") == 0 ? "-shm" : NULL) {
		char p2[64];
		snprintf(p2, sizeof(p2), "%s%s", path, sfx);
		unlink(p2);
	}
}

/* Specific facts of some answers, read by eye from the raw text. */
static void test_whois_samples(void **state)
{
	struct dd_reg_record r;

	(void)state;
	/* Thin registry + registrar answer, with look-alike "Server Name"s. */
	assert_int_equal(parse_file(WHOIS_IN "/google.com", "google.com", &r), 0);
	assert_string_equal(r.registrar.name, "MARKMONITOR INC.");
	assert_string_equal(r.expires.text, "14-sep-2011");
	assert_string_equal(r.registrar_expires.text, "2011-09-13.");
	assert_int_equal(r.nns, 4);
	dd_reg_record_free(&r);
	/* Day/month order decided by the document: 30/10/2002. */
	assert_int_equal(parse_file(WHOIS_IN "/sapo.pt", "sapo.pt", &r), 0);
	assert_true(r.expires.known);
	assert_int_equal(r.expires.t, 1572739140); /* 2019-11-02T23:59:00Z */
	dd_reg_record_free(&r);
	/* 05-06-2026 is day-month for ISOC-IL (whois-suffixes.conf; the
	 * answer's own "changed: ... 19990605" beside "assigned: 05-06-1999"
	 * shows it). */
	assert_int_equal(parse_file(WHOIS_IN "/google.co.il", "google.co.il", &r), 0);
	assert_true(r.expires.known);
	assert_int_equal(r.expires.t, 1780617600); /* 2026-06-05T00:00:00Z */
	assert_string_equal(r.expires.text, "05-06-2026");
	assert_true(dd_reg_transfer_locked(&r));
	dd_reg_record_free(&r);
	/* IANA's answer in front of the registry's: fields of nic.live only. */
	assert_int_equal(parse_file(WHOIS_IN "/nic.live", "nic.live", &r), 0);
	assert_string_equal(r.refer, "whois.nic.live");
	assert_string_equal(r.domain, "nic.live");
	assert_string_equal(r.created.text, "2015-04-27T22:04:24Z");
	dd_reg_record_free(&r);
	/* Offsets applied: 2019-12-04 00:00:00+02 is the 3rd at 22:00 UTC. */
	assert_int_equal(parse_file(WHOIS_IN "/google.com.ua", "google.com.ua", &r), 0);
	assert_int_equal(r.expires.t, 1575410400);
	assert_string_equal(r.registrar.url, "http://markmonitor.com");
	dd_reg_record_free(&r);
	/* AFNIC: registry lock, verbatim "ACTIVE", registrar object's URL. */
	assert_int_equal(parse_file(WHOIS_IN "/google.fr", "google.fr", &r), 0);
	assert_true(dd_reg_registry_locked(&r));
	assert_true(dd_reg_has_class(&r, DD_REG_SC_OK));
	dd_reg_record_free(&r);
	/* Nominet sections. */
	assert_int_equal(parse_file(WHOIS_IN "/amazon.co.uk", NULL, &r), 0);
	assert_string_equal(r.registrar.url, "http://www.amazon.com");
	assert_false(r.created.known); /* "before Aug-1996" */
	assert_int_equal(r.nns, 10);
	dd_reg_record_free(&r);
}

static void test_purism(void **state)
{
	struct dd_reg_record r;
	struct dd_buf b;

	(void)state;
	assert_int_equal(parse_file(DD_TEST_DATA "/reg/puri.sm.whois", "puri.sm", &r), 0);
	assert_int_equal(r.result, DD_REG_FOUND);
	assert_int_equal(r.nstatuses, 1);
	assert_string_equal(r.statuses[0].code, "Suspended");
	assert_false(r.statuses[0].epp);
	assert_true(dd_reg_has_class(&r, DD_REG_SC_SUSPENDED));
	assert_int_equal(r.nns, 2);
	assert_false(r.expires.known);
	dd_buf_init(&b);
	dd_rep_reg_record_text(&r, &b);
	assert_non_null(strstr(dd_buf_str(&b), "Suspended [suspended]"));
	dd_buf_free(&b);
	dd_reg_record_free(&r);
}

static void test_not_found(void **state)
{
	struct dd_reg_record r;

	(void)state;
	assert_int_equal(parse_file(DD_TEST_DATA "/reg/notfound.com.whois", NULL, &r), 0);
	assert_int_equal(r.result, DD_REG_NOT_FOUND);
	assert_non_null(strstr(r.detail, "No match for"));
	dd_reg_record_free(&r);
	assert_int_equal(parse_file(DD_TEST_DATA "/reg/free.de.whois", NULL, &r), 0);
	assert_int_equal(r.result, DD_REG_NOT_FOUND);
	dd_reg_record_free(&r);
}

static void test_rdap_corpus(void **state)
{
	struct dd_reg_record r;
	const char *dir = DD_REAL_DATA "/rdap";

	(void)state;
	assert_int_equal(parse_file(DD_REAL_DATA "/rdap/lemonde.fr.json", NULL, &r), 0);
	assert_string_equal(r.domain, "lemonde.fr");
	assert_string_equal(r.registrar.name, "NAMESHIELD");
	assert_string_equal(r.registrar.iana_id, "1251");
	assert_string_equal(r.expires.text, "2025-06-09T22:08:09Z");
	assert_true(r.expires.known);
	assert_int_equal(r.nstatuses, 4);
	assert_string_equal(r.statuses[0].code, "serverUpdateProhibited");
	assert_true(r.statuses[0].epp);
	assert_string_equal(r.statuses[3].code, "server recover prohibited");
	assert_false(r.statuses[3].epp);
	assert_int_equal(r.nns, 4);
	dd_reg_record_free(&r);
	assert_int_equal(parse_file(DD_REAL_DATA "/rdap/microsoft.click.json", NULL, &r), 0);
	assert_string_equal(r.registrar.name, "MarkMonitor Inc.");
	assert_null(r.registrar.iana_id); /* a handle, no publicIds: not guessed */
	assert_string_equal(r.registrar.abuse_email, "abusecomplaints@markmonitor.com");
	assert_int_equal(r.dnssec, DD_REG_NO);
	dd_reg_record_free(&r);
	assert_int_equal(parse_file(DD_REAL_DATA "/rdap/example.cz.json", NULL, &r), 0);
	assert_string_equal(r.statuses[0].code, "ok"); /* RDAP "active" */
	assert_true(r.created.known && r.expires.known);
	/* The registrar entity has an empty jCard: its handle names it. */
	assert_string_equal(r.registrar.name, "REG-INTERNET-CZ");
	dd_reg_record_free(&r);
	assert_int_equal(parse_file(DD_REAL_DATA "/rdap/error_ripe_net.json", NULL, &r), 0);
	assert_int_equal(r.result, DD_REG_RDAP_ERROR);
	assert_int_equal(r.error_code, 501);
	dd_reg_record_free(&r);
	assert_int_equal(parse_file(DD_REAL_DATA "/rdap/nameserver_ns1_nic_fr.json", NULL, &r), 0);
	assert_int_equal(r.result, DD_REG_OTHER_OBJECT);
	assert_string_equal(r.object_class, "nameserver");
	dd_reg_record_free(&r);
	/* And every document there parses. */
	DIR *d = opendir(dir);
	struct dirent *de;
	unsigned n = 0;
	assert_non_null(d);
	while ((de = readdir(d))) {
		char path[512];
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		assert_int_equal(parse_file(path, NULL, &r), 0);
		assert_int_equal(r.source, DD_REG_SRC_RDAP);
		dd_reg_record_free(&r);
		n++;
	}
	closedir(d);
	assert_int_equal(n, 5);
}

static void test_rdap_hold_and_escaping(void **state)
{
	struct dd_reg_record r;
	struct dd_buf b;
	json_t *j;
	char *dump;

	(void)state;
	assert_int_equal(parse_file(DD_TEST_DATA "/reg/hold.example.rdap.json", NULL, &r), 0);
	assert_string_equal(r.domain, "hold.example");
	assert_string_equal(r.statuses[0].code, "ok");
	assert_string_equal(r.statuses[1].code, "clientHold");
	assert_int_equal(r.statuses[1].cls, DD_REG_SC_CLIENT_HOLD);
	assert_int_equal(r.statuses[3].cls, DD_REG_SC_REDEMPTION);
	assert_string_equal(r.registrar.rdap_url, "https://rdap.registrar.example/domain/hold.example");
	dd_buf_init(&b);
	dd_rep_reg_record_text(&r, &b);
	for (const char *p = dd_buf_str(&b); *p; p++)
		assert_true((unsigned char)*p >= 0x20 || *p == '\n');
	assert_non_null(strstr(dd_buf_str(&b), "Evil\\x1b[31mRegistrar\\x07"));
	dd_buf_free(&b);
	j = dd_reg_to_json(&r, 1);
	dump = json_dumps(j, 0);
	assert_non_null(dump);
	assert_non_null(strstr(dump, "\"schema\": \"dnsdeps.registration/1\""));
	assert_non_null(strstr(dump, "\"expires\": \"2018-02-20T00:00:00Z\""));
	free(dump);
	json_decref(j);
	dd_reg_record_free(&r);
}

static void test_bad_input(void **state)
{
	char why[DD_REG_WHY_MAX];
	struct dd_reg_record r;
	size_t big = 10 * 1024 * 1024;
	char *doc = malloc(big);
	char deep[512];
	int n = 0;

	(void)state;
	assert_non_null(doc);
	/* Malformed JSON */
	why[0] = '\0';
	assert_int_equal(dd_reg_parse("{\"objectClassName\": \"domain\",", 29, NULL, &r, why),
			 DD_EMALFORMED);
	assert_non_null(strstr(why, "not valid JSON"));
	dd_reg_record_free(&r);
	/* Binary garbage, with and without NUL bytes */
	for (size_t i = 0; i < 4096; i++)
		doc[i] = (char)((i * 2654435761u) >> 13);
	assert_int_equal(dd_reg_parse(doc, 4096, NULL, &r, why), DD_EMALFORMED);
	assert_non_null(strstr(why, "binary"));
	dd_reg_record_free(&r);
	for (size_t i = 0; i < 4096; i++)
		doc[i] = (char)(0x01 + i % 0x1f);
	assert_int_equal(dd_reg_parse(doc, 4096, NULL, &r, why), DD_EMALFORMED);
	dd_reg_record_free(&r);
	/* Text that is no WHOIS answer at all */
	assert_int_equal(dd_reg_parse("hello\nworld\n", 12, NULL, &r, why), DD_EMALFORMED);
	dd_reg_record_free(&r);
	/* 10 MB, as WHOIS text and as JSON */
	memset(doc, 'a', big);
	assert_int_equal(dd_reg_parse(doc, big, NULL, &r, why), DD_ELIMIT);
	dd_reg_record_free(&r);
	doc[0] = '{';
	assert_int_equal(dd_reg_parse(doc, big, NULL, &r, why), DD_ELIMIT);
	dd_reg_record_free(&r);
	/* and as a file */
	FILE *f = tmpfile();
	char path[64], *out = NULL;
	size_t len;
	assert_non_null(f);
	assert_int_equal(fwrite(doc, 1, big, f), big);
	fflush(f);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fileno(f));
	assert_int_equal(dd_reg_read_file(path, DD_REG_DOC_MAX, &out, &len), DD_ELIMIT);
	assert_null(out);
	fclose(f);
	/* Nested deeper than the bound */
	for (int i = 0; i < 100; i++)
		deep[n++] = '[';
	for (int i = 0; i < 100; i++)
		deep[n++] = ']';
	assert_int_equal(dd_reg_parse_rdap(deep, (size_t)n, NULL, &r, why), DD_EMALFORMED);
	dd_reg_record_free(&r);
	n = snprintf(deep, sizeof(deep), "{\"objectClassName\":\"domain\",\"x\":");
	for (int i = 0; i < 60; i++)
		deep[n++] = '[';
	for (int i = 0; i < 60; i++)
		deep[n++] = ']';
	deep[n++] = '}';
	assert_int_equal(dd_reg_parse_rdap(deep, (size_t)n, NULL, &r, why), DD_ELIMIT);
	dd_reg_record_free(&r);
	free(doc);
}

static void test_dates(void **state)
{
	static const struct { const char *in; int order; const char *out; } ok[] = {
		{ "2018-02-20T00:00:00Z", 0, "2018-02-20T00:00:00Z" },
		{ "2025-12-03T10:12:00.351952Z", 0, "2025-12-03T10:12:00Z" },
		{ "2018-03-12T21:44:25+01:00", 0, "2018-03-12T20:44:25Z" },
		{ "2019-12-04 00:00:00+02", 0, "2019-12-03T22:00:00Z" },
		{ "20-Feb-2018", 0, "2018-02-20T00:00:00Z" },
		{ "20-feb-2018", 0, "2018-02-20T00:00:00Z" },
		{ "2018.02.20", 0, "2018-02-20T00:00:00Z" },
		{ "20.02.2018", 0, "2018-02-20T00:00:00Z" },
		{ "20.2.2018 08:46:14", 0, "2018-02-20T08:46:14Z" },
		{ "20/02/2018", 0, "2018-02-20T00:00:00Z" },
		{ "02/20/2018", 0, "2018-02-20T00:00:00Z" },
		{ "03/02/2018", DD_REG_DMY, "2018-02-03T00:00:00Z" },
		{ "03/02/2018", DD_REG_MDY, "2018-03-02T00:00:00Z" },
		{ "20180220", 0, "2018-02-20T00:00:00Z" },
		{ "19990518 #162310", 0, "1999-05-18T00:00:00Z" },
		{ "2001-Aug-23.", 0, "2001-08-23T00:00:00Z" },
		{ "Sat Mar 28 23:59:00 2026", 0, "2026-03-28T23:59:00Z" },
		{ "2025/05/29 10:45:59 (JST)", 0, "2025-05-29T01:45:59Z" },
		{ "2019-11-20 14:48:02 CLST", 0, "2019-11-20T17:48:02Z" },
		{ "2009-07-01 12:44:02 (GMT+0:00)", 0, "2009-07-01T12:44:02Z" },
		{ "2019-11-09 (YYYY-MM-DD)", 0, "2019-11-09T00:00:00Z" },
		{ "04-Oct-2008 04:00:00 UTC", 0, "2008-10-04T04:00:00Z" },
		{ "2024-02-29", 0, "2024-02-29T00:00:00Z" },
	};
	static const struct { const char *in; int err; } bad[] = {
		{ "03/02/2018", DD_ENOTFOUND }, { "05-06-1999", DD_ENOTFOUND },
		{ "before Aug-1996", DD_EPARSE }, { "see at www.register.bg", DD_EPARSE },
		{ "2019-11-20 14:48:02 XYZT", DD_EPARSE }, { "2019-11-20 14:48:02 CST", DD_EPARSE },
		{ "29-APR-09", DD_EPARSE }, { "2023-02-29", DD_EPARSE }, { "2018-13-01", DD_EPARSE },
		{ "", DD_EPARSE }, { "2018-02-20 garbage", DD_EPARSE },
	};
	char buf[32];
	int64_t t;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		if (dd_reg_date_parse(ok[i].in, ok[i].order, &t) != 0)
			fail_msg("\"%s\" does not parse", ok[i].in);
		dd_clock_format(t, buf, sizeof(buf));
		if (strcmp(buf, ok[i].out) != 0)
			fail_msg("\"%s\" read as %s, not %s", ok[i].in, buf, ok[i].out);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (dd_reg_date_parse(bad[i].in, 0, &t) != bad[i].err)
			fail_msg("\"%s\" should fail with %s", bad[i].in, dd_err_name(bad[i].err));
	assert_int_equal(dd_reg_date_order("30/10/2002 00:00:00"), DD_REG_DMY);
	assert_int_equal(dd_reg_date_order("10/30/2002"), DD_REG_MDY);
	assert_int_equal(dd_reg_date_order("10/11/2002"), 0);
}

static void test_status_words(void **state)
{
	static const struct { const char *in; const char *code; int epp; enum dd_reg_class cls; } t[] = {
		{ "client hold", "clientHold", 1, DD_REG_SC_CLIENT_HOLD },
		{ "serverHold", "serverHold", 1, DD_REG_SC_SERVER_HOLD },
		{ "SERVERHOLD", "serverHold", 1, DD_REG_SC_SERVER_HOLD },
		{ "pending delete", "pendingDelete", 1, DD_REG_SC_PENDING_DELETE },
		{ "redemptionPeriod", "redemptionPeriod", 1, DD_REG_SC_REDEMPTION },
		{ "inactive", "inactive", 1, DD_REG_SC_INACTIVE },
		{ "OK", "ok", 1, DD_REG_SC_OK },
		{ "associated", "linked", 1, DD_REG_SC_OTHER },
		{ "Suspended", "Suspended", 0, DD_REG_SC_SUSPENDED },
		{ "Blocked", "Blocked", 0, DD_REG_SC_SUSPENDED },
		{ "Registered", "Registered", 0, DD_REG_SC_OK },
		{ "active", "active", 0, DD_REG_SC_OK },
		{ "Expired", "Expired", 0, DD_REG_SC_EXPIRED },
		{ "server recover prohibited", "server recover prohibited", 0, DD_REG_SC_SERVER_LOCK },
		{ "obscured", "obscured", 0, DD_REG_SC_OTHER },
	};
	struct dd_reg_status st;

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		dd_reg_status_set(&st, t[i].in);
		if (strcmp(st.code, t[i].code) != 0 || st.epp != t[i].epp || st.cls != t[i].cls)
			fail_msg("\"%s\" -> %s epp=%d class=%s", t[i].in, st.code, st.epp,
				 dd_reg_class_name(st.cls));
		free(st.code);
	}
}

static void test_bootstrap(void **state)
{
	char why[DD_REG_WHY_MAX];
	struct dd_reg_boot *b, *bundled;
	const char *suffix, *url;
	size_t len, blen;
	char *doc = slurp(DD_REAL_DATA "/bootstrap/iana-dns-2024.json", &len);
	char *bdoc = slurp(PROJECT_DATA "/rdap/dns.json", &blen);
	static const char *const broken[] = { "empty", "syntax_error", "bad_services", "bad_url" };

	(void)state;
	assert_int_equal(dd_reg_boot_load(doc, len, &b, why), 0);
	assert_string_equal(dd_reg_boot_publication(b), "2024-02-07T04:00:02Z");
	assert_int_equal(dd_reg_boot_count(b), 1165);
	url = dd_reg_boot_lookup(b, "www.example.COM.", &suffix);
	assert_string_equal(url, "https://rdap.verisign.com/com/v1/");
	assert_string_equal(suffix, "com");
	assert_null(dd_reg_boot_lookup(b, "puri.sm", NULL));
	assert_string_equal(dd_reg_boot_lookup(b, "x.cctld.uz", NULL), "http://cctld.uz:9000/");
	char *u = dd_reg_rdap_url("https://rdap.verisign.com/com/v1/", "example.com.");
	assert_string_equal(u, "https://rdap.verisign.com/com/v1/domain/example.com");
	free(u);
	u = dd_reg_rdap_url("https://rdap.nic.cz", "example.cz");
	assert_string_equal(u, "https://rdap.nic.cz/domain/example.cz");
	free(u);
	/* The bundled copy is IANA's file, unchanged. */
	assert_int_equal(blen, len);
	assert_memory_equal(bdoc, doc, len);
	dd_reg_boot_free(b);
	free(doc);
	free(bdoc);
	/* Every broken bootstrap file is refused with a reason. */
	for (size_t i = 0; i < sizeof(broken) / sizeof(broken[0]); i++) {
		char path[256];
		snprintf(path, sizeof(path), "%s/bootstrap/malformed-dns_%s.json", DD_REAL_DATA,
			 broken[i]);
		doc = slurp(path, &len);
		why[0] = '\0';
		b = NULL;
		assert_int_not_equal(dd_reg_boot_load(doc, len, &b, why), 0);
		assert_null(b);
		assert_true(strlen(why) > 10);
		print_message("  malformed-dns_%s.json: %s\n", broken[i], why);
		free(doc);
	}
	/* The bundled override file loads. */
	doc = slurp(PROJECT_DATA "/rdap/override.json", &len);
	assert_int_equal(dd_reg_boot_load(doc, len, &bundled, why), 0);
	assert_non_null(dd_reg_boot_lookup(bundled, "denic.de", NULL));
	dd_reg_boot_free(bundled);
	free(doc);
}

/* One NUL byte in a WHOIS answer is left out, the rest is read; an answer
 * full of control bytes is still binary. */
static void test_whois_nul_byte(void **state)
{
	static const char doc[] = "Domain: puri.sm\nStat\0us: Suspended\n\nDNS Servers:\n"
				  "      ns1.puri.sm\n      ns2.puri.sm\n";
	char garbage[512], why[DD_REG_WHY_MAX];
	struct dd_reg_record r;

	(void)state;
	assert_int_equal(dd_reg_parse_whois(doc, sizeof(doc) - 1, "puri.sm", &r, why), 0);
	assert_int_equal(r.result, DD_REG_FOUND);
	assert_int_equal(r.nstatuses, 1);
	assert_string_equal(r.statuses[0].code, "Suspended");
	assert_int_equal(r.nns, 2);
	assert_int_equal(r.raw_len, sizeof(doc) - 2);
	assert_null(memchr(r.raw, '\0', r.raw_len));
	dd_reg_record_free(&r);
	for (size_t i = 0; i < sizeof(garbage); i++)
		garbage[i] = (char)((i * 131 + 7) % 256);
	assert_int_equal(dd_reg_parse_whois(garbage, sizeof(garbage), "x.sm", &r, why),
			 DD_EMALFORMED);
	assert_non_null(strstr(why, "binary"));
	dd_reg_record_free(&r);
}

/* A bootstrap file's own bytes in an error are escaped: no raw ESC reaches
 * the terminal. */
static void test_boot_errors_escaped(void **state)
{
	static const char *const docs[] = {
		"{\"version\":\"1.0\",\"services\":[[[\"te\\u001bst\"],[\"https://x/\"]]]}",
		"{\"version\":\"1.0\",\"services\":[[[\"test\"],[\"https://x\\u001b/\"]]]}",
		"{\"version\":\"1.0\",\"services\":[[[\"te\x1bst\"],[\"https://x/\"]]]}",
	};
	char why[DD_REG_WHY_MAX];
	struct dd_reg_boot *b = NULL;

	(void)state;
	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		why[0] = '\0';
		assert_int_equal(dd_reg_boot_load(docs[i], strlen(docs[i]), &b, why), DD_EPARSE);
		assert_null(strchr(why, 0x1b));
		if (i < 2)
			assert_non_null(strstr(why, "\\x1b"));
	}
}

static void test_whois_servers(void **state)
{
	char why[DD_REG_WHY_MAX];
	struct dd_reg_wsrv *w;
	struct dd_reg_boot *b;
	const char *host;
	unsigned port;
	size_t len, blen;
	char *doc = slurp(PROJECT_DATA "/whois-servers", &len);
	char *bdoc = slurp(PROJECT_DATA "/rdap/dns.json", &blen);
	static const char *const no_rdap[] = { "sm", "de", "io", "ch", "se", "it", "me", "co" };

	(void)state;
	assert_int_equal(dd_reg_wsrv_load(doc, len, &w, why), 0);
	assert_int_equal(dd_reg_boot_load(bdoc, blen, &b, why), 0);
	assert_int_equal(dd_reg_wsrv_lookup(w, "puri.sm", &host, &port), 0);
	assert_string_equal(host, "whois.nic.sm");
	assert_int_equal(port, 43);
	/* The ccTLDs without RDAP named in the data README all have a server. */
	for (size_t i = 0; i < sizeof(no_rdap) / sizeof(no_rdap[0]); i++) {
		char name[32];
		snprintf(name, sizeof(name), "example.%s", no_rdap[i]);
		assert_null(dd_reg_boot_lookup(b, name, NULL));
		assert_int_equal(dd_reg_wsrv_lookup(w, name, &host, &port), 0);
	}
	assert_int_equal(dd_reg_wsrv_lookup(w, "example.invalid", &host, &port), DD_ENOTFOUND);
	dd_reg_wsrv_free(w);
	dd_reg_boot_free(b);
	free(doc);
	free(bdoc);
	assert_int_equal(dd_reg_wsrv_load("sm 127.0.0.1:4343\nco.uk whois.x\n", 32, &w, why), 0);
	assert_int_equal(dd_reg_wsrv_lookup(w, "a.b.sm", &host, &port), 0);
	assert_string_equal(host, "127.0.0.1");
	assert_int_equal(port, 4343);
	dd_reg_wsrv_free(w);
	assert_int_not_equal(dd_reg_wsrv_load("sm\n", 3, &w, why), 0);
	assert_int_not_equal(dd_reg_wsrv_load("sm host:99999\n", 14, &w, why), 0);
	assert_int_not_equal(dd_reg_wsrv_load("s!m host\n", 9, &w, why), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whois_corpus),
		cmocka_unit_test(test_whois_samples),
		cmocka_unit_test(test_whois_nul_byte),
		cmocka_unit_test(test_boot_errors_escaped),
		cmocka_unit_test(test_whois_expectations),
		cmocka_unit_test(test_whois_formatting),
		cmocka_unit_test(test_data_tables),
		cmocka_unit_test(test_redaction_and_quota),
		cmocka_unit_test(test_cache),
		cmocka_unit_test(test_purism),
		cmocka_unit_test(test_not_found),
		cmocka_unit_test(test_rdap_corpus),
		cmocka_unit_test(test_rdap_hold_and_escaping),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_status_words),
		cmocka_unit_test(test_bootstrap),
		cmocka_unit_test(test_whois_servers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
