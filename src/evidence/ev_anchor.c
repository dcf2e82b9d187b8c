/* ev_anchor.c: the trust anchor the evidence's dnssec section records: the
 * built-in one (the root KSKs, data/root-anchors.ds from Debian's
 * dns-root-data) and the parser of trust-anchor files into the records it
 * keeps. Here, below both, so that the probe (which records the anchor)
 * and dnssec/ (which validates from it) share it without the probe
 * including the validator. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ldns/ldns.h>

#include "core/err.h"
#include "evidence/evidence.h"

/* data/root-anchors.ds, byte for byte (test_dnssec compares them). */
static const char builtin[] =
	". IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D\n"
	". IN DS 38696 8 2 683D2D0ACB8C9B712A1948B27F741219298D0A450D612C483AF444A4C0FB2B16\n";

const char *dd_ev_anchor_builtin(void)
{
	return builtin;
}

const char *dd_ev_anchor_builtin_source(void)
{
	return "built-in root KSKs 20326 and 38696 (IANA, via Debian dns-root-data "
	       "2024071801)";
}

#define MAX_LINE 8192   /* bytes of one record, parentheses joined */
#define MAX_LINES 10000 /* lines read from one anchor text */

/* Next logical record of text starting at *p: comments removed, lines
 * joined while a parenthesis is open. Returns 1 with rec filled (possibly
 * blank), 0 at the end, DD_ELIMIT for an overlong record. *line counts the
 * first line of the record. */
static int next_record(const char **p, char *rec, size_t cap, unsigned *line, unsigned *lines)
{
	size_t n = 0;
	int depth = 0, comment = 0;

	if (!**p)
		return 0;
	*line = *lines + 1;
	for (; **p; (*p)++) {
		char c = **p;
		if (c == '\n') {
			++*lines;
			comment = 0;
			if (depth <= 0) {
				(*p)++;
				break;
			}
			c = ' ';
		} else if (comment) {
			continue;
		} else if (c == ';') {
			comment = 1;
			continue;
		} else if (c == '(' || c == ')') {
			depth += c == '(' ? 1 : -1;
			c = ' ';
		}
		if (n + 1 >= cap)
			return DD_ELIMIT;
		rec[n++] = c;
	}
	rec[n] = '\0';
	return 1;
}

static int blank(const char *s)
{
	return s[strspn(s, " \t\r")] == '\0';
}

/* Whether rec's type is DS or DNSKEY, read from its tokens before ldns
 * parses it: the owner (unless rec starts blank), then at most a TTL and a
 * class, then the type. Only these two types reach ldns's parser, whose
 * readers of other types' data leak on some malformed input (IPSECKEY's,
 * found by fuzz_anchor). */
static int anchor_type(const char *rec)
{
	const char *p = rec;
	int owner = !(*p == ' ' || *p == '\t');

	for (int i = 0; i < 4; i++) {
		size_t n;
		p += strspn(p, " \t\r\n");
		n = strcspn(p, " \t\r\n");
		if (n == 0)
			return 0;
		if (owner) {
			owner = 0;
		} else if ((n == 2 && strncasecmp(p, "DS", 2) == 0) ||
			   (n == 6 && strncasecmp(p, "DNSKEY", 6) == 0)) {
			return 1;
		} else if (!(*p >= '0' && *p <= '9') && !(n == 2 && strncasecmp(p, "IN", 2) == 0) &&
			   !(n == 2 && strncasecmp(p, "CH", 2) == 0) &&
			   !(n == 2 && strncasecmp(p, "HS", 2) == 0) && strncasecmp(p, "CLASS", 5) != 0) {
			return 0;
		}
		p += n;
	}
	return 0;
}

int dd_ev_anchor_parse(const char *text, struct dd_ev_strlist *out, char *why, size_t whylen)
{
	char *rec = malloc(MAX_LINE);
	unsigned line = 0, lines = 0;
	size_t found = 0;
	int rc;

	if (whylen)
		why[0] = '\0';
	if (!rec)
		return DD_ENOMEM;
	while ((rc = next_record(&text, rec, MAX_LINE, &line, &lines)) > 0) {
		ldns_rr *rr = NULL;
		ldns_status st;
		char *s;
		if (lines > MAX_LINES) {
			rc = DD_ELIMIT;
			snprintf(why, whylen, "more than %d lines", MAX_LINES);
			break;
		}
		if (blank(rec))
			continue;
		if (!anchor_type(rec)) {
			snprintf(why, whylen, "line %u: not a DS or DNSKEY record of class IN", line);
			rc = DD_EPARSE;
			break;
		}
		st = ldns_rr_new_frm_str(&rr, rec, 0, NULL, NULL);
		if (st != LDNS_STATUS_OK) {
			snprintf(why, whylen, "line %u: %s", line, ldns_get_errorstr_by_id(st));
			rc = DD_EPARSE;
			break;
		}
		if ((ldns_rr_get_type(rr) != LDNS_RR_TYPE_DS &&
		     ldns_rr_get_type(rr) != LDNS_RR_TYPE_DNSKEY) ||
		    ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN) {
			ldns_rr_free(rr);
			snprintf(why, whylen, "line %u: not a DS or DNSKEY record of class IN", line);
			rc = DD_EPARSE;
			break;
		}
		if (++found > DD_EV_MAX_ANCHOR) {
			ldns_rr_free(rr);
			snprintf(why, whylen, "more than %d anchor records", DD_EV_MAX_ANCHOR);
			rc = DD_ELIMIT;
			break;
		}
		s = ldns_rr2str_fmt(ldns_output_format_nocomments, rr);
		ldns_rr_free(rr);
		if (s) {
			size_t len = strlen(s);
			while (len && (s[len - 1] == '\n' || s[len - 1] == ' '))
				s[--len] = '\0';
		}
		rc = s ? dd_ev_strlist_add(out, s) : DD_ENOMEM;
		free(s);
		if (rc < 0)
			break;
	}
	if (rc == DD_ELIMIT && whylen && !why[0])
		snprintf(why, whylen, "line %u: record longer than %d bytes", line, MAX_LINE);
	free(rec);
	if (rc < 0)
		return rc;
	if (!found) {
		snprintf(why, whylen, "no DS or DNSKEY record");
		return DD_ENOTFOUND;
	}
	return 0;
}
