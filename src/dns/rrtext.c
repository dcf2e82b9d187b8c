/* rrtext.c: records and sections of a reply as text, byte for byte what
 * ldns_rr2str writes (ldns itself writes the rare field types). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ldns/ldns.h>

#include "core/err.h"
#include "dns/msg_int.h"

/* ---- records as text ---------------------------------------------------- */
/* What ldns_rr2str writes with its default format, written here for the
 * field types of the common records; a record with a field of another type
 * is handed to ldns itself. */

/* An uncompressed name as ldns_rdf2buffer_str_dname writes it into out
 * (1024 bytes: 4 per byte at most); the length. ldns asks isascii and
 * isgraph, which in the C locale (dnsdeps never sets another) are the
 * bytes from '!' to '~'. */
size_t dd_rr_name_text(const uint8_t *name, size_t size, char *out)
{
	size_t k = 0, i = 0;

	if (size == 1) {
		out[0] = '.';
		return 1;
	}
	for (uint8_t len = name[0]; len > 0 && i < size; len = name[i]) {
		i++;
		for (uint8_t j = 0; j < len; j++, i++) {
			unsigned char c = name[i];
			if (c == '.' || c == ';' || c == '(' || c == ')' || c == '\\') {
				out[k++] = '\\';
				out[k++] = (char)c;
			} else if (c < '!' || c > '~') {
				out[k++] = '\\';
				out[k++] = (char)('0' + c / 100);
				out[k++] = (char)('0' + c / 10 % 10);
				out[k++] = (char)('0' + c % 10);
			} else {
				out[k++] = (char)c;
			}
		}
		if (i < size)
			out[k++] = '.';
	}
	return k;
}

/* A growing string; oom is set when it could not grow. */
struct sbuf {
	char *p;
	size_t len, cap;
	int oom;
};

/* Room for n more characters and a NUL; NULL when out of memory. */
static char *sb_room(struct sbuf *b, size_t n)
{
	if (b->oom)
		return NULL;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *p = realloc(b->p, cap);
		if (!p) {
			b->oom = 1;
			return NULL;
		}
		b->p = p;
		b->cap = cap;
	}
	return b->p + b->len;
}

static void sb_put(struct sbuf *b, const char *s, size_t n)
{
	char *p = sb_room(b, n);

	if (p) {
		memcpy(p, s, n);
		b->len += n;
	}
}

static void sb_str(struct sbuf *b, const char *s)
{
	sb_put(b, s, strlen(s));
}

static void sb_uint(struct sbuf *b, unsigned long v)
{
	char tmp[24];
	size_t k = sizeof(tmp);

	do {
		tmp[--k] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	sb_put(b, tmp + k, sizeof(tmp) - k);
}

static void sb_hex(struct sbuf *b, const uint8_t *d, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char *p = sb_room(b, 2 * n);

	if (!p)
		return;
	for (size_t i = 0; i < n; i++) {
		*p++ = hex[d[i] >> 4];
		*p++ = hex[d[i] & 15];
	}
	b->len += 2 * n;
}

static void sb_name(struct sbuf *b, struct wmsg *m, size_t pos)
{
	uint8_t name[LDNS_MAX_DOMAINLEN];
	size_t size = dd_wmsg_name(m, pos, name);
	char *p = sb_room(b, 1024);

	if (p)
		b->len += dd_rr_name_text(name, size, p);
}

/* A type: in rdata as ldns_rdf2buffer_str_type_fmt writes it, as a
 * record's type (rr) as ldns_rr_type2buffer_str does, which names the
 * meta types first. */
static void sb_type(struct sbuf *b, uint16_t type, int rr)
{
	static const char *const meta[] = { "IXFR", "AXFR", "MAILB", "MAILA", "ANY" };
	const ldns_rr_descriptor *d;

	if (rr && type >= LDNS_RR_TYPE_IXFR && type <= LDNS_RR_TYPE_ANY) {
		sb_str(b, meta[type - LDNS_RR_TYPE_IXFR]);
		return;
	}
	d = ldns_rr_descript(type);
	if (d && d->_name) {
		sb_str(b, d->_name);
	} else {
		sb_str(b, "TYPE");
		sb_uint(b, type);
	}
}

static void sb_class(struct sbuf *b, uint16_t klass)
{
	switch (klass) {
	case LDNS_RR_CLASS_IN:
		sb_str(b, "IN");
		break;
	case LDNS_RR_CLASS_CH:
		sb_str(b, "CH");
		break;
	case LDNS_RR_CLASS_HS:
		sb_str(b, "HS");
		break;
	case LDNS_RR_CLASS_NONE:
		sb_str(b, "NONE");
		break;
	case LDNS_RR_CLASS_ANY:
		sb_str(b, "ANY");
		break;
	default:
		sb_str(b, "CLASS");
		sb_uint(b, klass);
	}
}

/* An IPv4 address as inet_ntop writes it; the length written into out
 * (16 bytes at most, with the NUL). */
size_t dd_rr_a_text(const uint8_t *a, char *out)
{
	char *p = out;

	for (int i = 0; i < 4; i++) {
		unsigned v = a[i];
		if (i)
			*p++ = '.';
		if (v >= 100)
			*p++ = (char)('0' + v / 100);
		if (v >= 10)
			*p++ = (char)('0' + v / 10 % 10);
		*p++ = (char)('0' + v % 10);
	}
	*p = '\0';
	return (size_t)(p - out);
}

/* An IPv6 address as glibc's inet_ntop writes it: the first longest run of
 * two or more zero words as "::", an IPv4 tail after ::ffff: or ::. The
 * length written into out (46 bytes at most, with the NUL). */
size_t dd_rr_aaaa_text(const uint8_t *a, char out[DD_DNS_ADDR_MAX])
{
	unsigned words[8];
	int best = -1, bestlen = 0, cur = -1, curlen = 0;
	char *p = out;

	for (int i = 0; i < 8; i++) {
		words[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
		if (words[i] == 0) {
			if (cur == -1)
				cur = i, curlen = 0;
			curlen++;
		} else if (cur != -1) {
			if (best == -1 || curlen > bestlen)
				best = cur, bestlen = curlen;
			cur = -1;
		}
	}
	if (cur != -1 && (best == -1 || curlen > bestlen))
		best = cur, bestlen = curlen;
	if (best != -1 && bestlen < 2)
		best = -1;
	for (int i = 0; i < 8; i++) {
		if (best != -1 && i >= best && i < best + bestlen) {
			if (i == best)
				*p++ = ':';
			continue;
		}
		if (i != 0)
			*p++ = ':';
		if (i == 6 && best == 0 && (bestlen == 6 || (bestlen == 5 && words[5] == 0xffff))) {
			p += dd_rr_a_text(a + 12, p);
			break;
		}
		for (int shift = 12; shift >= 0; shift -= 4) /* %x: no leading zeros */
			if (words[i] >> shift || shift == 0)
				*p++ = "0123456789abcdef"[words[i] >> shift & 15];
	}
	if (best != -1 && best + bestlen == 8)
		*p++ = ':';
	*p = '\0';
	return (size_t)(p - out);
}

static void sb_b64(struct sbuf *b, const uint8_t *d, size_t n)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *p = sb_room(b, (n + 2) / 3 * 4);
	size_t i = 0;

	if (!p)
		return;
	for (; i + 2 < n; i += 3) {
		*p++ = tab[d[i] >> 2];
		*p++ = tab[(d[i] & 3) << 4 | d[i + 1] >> 4];
		*p++ = tab[(d[i + 1] & 15) << 2 | d[i + 2] >> 6];
		*p++ = tab[d[i + 2] & 63];
	}
	if (i < n) {
		unsigned b1 = i + 1 < n ? d[i + 1] : 0;
		*p++ = tab[d[i] >> 2];
		*p++ = tab[(d[i] & 3) << 4 | b1 >> 4];
		*p++ = i + 1 < n ? tab[(b1 & 15) << 2] : '=';
		*p++ = '=';
	}
	b->len = (size_t)(p - b->p);
}

/* Base32 with the extended hex alphabet and padding (ldns_b32_ntop_extended_hex). */
static void sb_b32(struct sbuf *b, const uint8_t *d, size_t n)
{
	static const char tab[] = "0123456789abcdefghijklmnopqrstuv";
	char *p = sb_room(b, (n + 4) / 5 * 8);

	if (!p)
		return;
	for (size_t i = 0; i < n; i += 5) {
		uint8_t c[5] = { 0 };
		size_t k = n - i < 5 ? n - i : 5;
		memcpy(c, d + i, k);
		char o[8] = { tab[c[0] >> 3],
			      tab[(c[0] & 7) << 2 | c[1] >> 6],
			      tab[(c[1] >> 1) & 31],
			      tab[(c[1] & 1) << 4 | c[2] >> 4],
			      tab[(c[2] & 15) << 1 | c[3] >> 7],
			      tab[(c[3] >> 2) & 31],
			      tab[(c[3] & 3) << 3 | c[4] >> 5],
			      tab[c[4] & 31] };
		static const int chars[6] = { 0, 2, 4, 5, 7, 8 };
		for (int j = chars[k]; j < 8; j++)
			o[j] = '=';
		memcpy(p, o, 8);
		p += 8;
	}
	b->len = (size_t)(p - b->p);
}

/* A character-string as ldns_rdf2buffer_str_str writes it (isprint in the
 * C locale: the bytes from ' ' to '~'). */
static void sb_chars(struct sbuf *b, const uint8_t *d)
{
	char *p = sb_room(b, 4 * (size_t)d[0] + 2);

	if (!p)
		return;
	*p++ = '"';
	for (size_t i = 1; i <= d[0]; i++) {
		uint8_t ch = d[i];
		if ((ch >= ' ' && ch <= '~') || ch == '\t') {
			if (ch == '"' || ch == '\\')
				*p++ = '\\';
			*p++ = (char)ch;
		} else {
			*p++ = '\\';
			*p++ = (char)('0' + d[i] / 100);
			*p++ = (char)('0' + d[i] / 10 % 10);
			*p++ = (char)('0' + d[i] % 10);
		}
	}
	*p++ = '"';
	b->len = (size_t)(p - b->p);
}

/* An NSEC type bitmap; -1 when a window runs past the field (ldns fails). */
static int sb_bitmap(struct sbuf *b, const uint8_t *d, size_t size)
{
	size_t pos = 0;

	while (pos + 2 < size) {
		unsigned window = d[pos], len = d[pos + 1];
		pos += 2;
		if (size < pos + len)
			return -1;
		for (unsigned bit = 0; bit < len * 8; bit++) {
			if (!(d[pos + bit / 8] & (0x80 >> (bit % 8))))
				continue;
			sb_type(b, (uint16_t)(window * 256 + bit), 0);
			sb_put(b, " ", 1);
		}
		pos += len;
	}
	return 0;
}

/* A signature time as ldns writes it: the date nearest now in serial
 * arithmetic, with strftime "%Y%m%d%H%M%S" into 15 bytes (written here for
 * four-digit years, which are all within 68 years of now). */
static void sb_time(struct sbuf *b, uint32_t v)
{
	struct tm tm;
	char date[16];
	int year;

	memset(&tm, 0, sizeof(tm));
	if (!ldns_serial_arithmetics_gmtime_r((int32_t)v, time(NULL), &tm))
		return;
	year = tm.tm_year + 1900;
	if (year < 1000 || year > 9999) {
		if (strftime(date, 15, "%Y%m%d%H%M%S", &tm))
			sb_str(b, date);
		return;
	}
	int parts[6] = { year / 100, year % 100, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
			 tm.tm_min };
	for (int i = 0; i < 6; i++) {
		date[2 * i] = (char)('0' + parts[i] / 10);
		date[2 * i + 1] = (char)('0' + parts[i] % 10);
	}
	date[12] = (char)('0' + tm.tm_sec / 10);
	date[13] = (char)('0' + tm.tm_sec % 10);
	sb_put(b, date, 14);
}

enum { FIELD_DONE = 0, FIELD_FAIL = -1, FIELD_LDNS = -2 };

/* One field as ldns_rdf2buffer_str_fmt writes it: FIELD_DONE, FIELD_FAIL
 * where ldns fails, or FIELD_LDNS for a type not written here. */
static int field_text(struct sbuf *b, struct wmsg *m, const struct field *f)
{
	const uint8_t *d = m->w + f->pos;

	switch (f->type) {
	case LDNS_RDF_TYPE_NONE:
		return FIELD_DONE;
	case LDNS_RDF_TYPE_DNAME:
		sb_name(b, m, f->pos);
		return FIELD_DONE;
	case LDNS_RDF_TYPE_INT8:
	case LDNS_RDF_TYPE_ALG:
	case LDNS_RDF_TYPE_CERTIFICATE_USAGE:
	case LDNS_RDF_TYPE_SELECTOR:
	case LDNS_RDF_TYPE_MATCHING_TYPE:
		sb_uint(b, d[0]);
		return FIELD_DONE;
	case LDNS_RDF_TYPE_INT16:
		sb_uint(b, get16(d));
		return FIELD_DONE;
	case LDNS_RDF_TYPE_INT32:
	case LDNS_RDF_TYPE_PERIOD:
		sb_uint(b, get32(d));
		return FIELD_DONE;
	case LDNS_RDF_TYPE_TIME:
		sb_time(b, get32(d));
		return FIELD_DONE;
	case LDNS_RDF_TYPE_A: {
		char tmp[16];
		sb_put(b, tmp, dd_rr_a_text(d, tmp));
		return FIELD_DONE;
	}
	case LDNS_RDF_TYPE_AAAA: {
		char tmp[DD_DNS_ADDR_MAX];
		sb_put(b, tmp, dd_rr_aaaa_text(d, tmp));
		return FIELD_DONE;
	}
	case LDNS_RDF_TYPE_STR:
		sb_chars(b, d);
		return FIELD_DONE;
	case LDNS_RDF_TYPE_B64:
		if (f->size == 0)
			sb_put(b, "0", 1);
		sb_b64(b, d, f->size);
		return FIELD_DONE;
	case LDNS_RDF_TYPE_HEX:
		sb_hex(b, d, f->size);
		return FIELD_DONE;
	case LDNS_RDF_TYPE_UNKNOWN:
		sb_str(b, "\\# ");
		sb_uint(b, f->size);
		sb_put(b, " ", 1);
		sb_hex(b, d, f->size);
		return FIELD_DONE;
	case LDNS_RDF_TYPE_NSEC:
		return sb_bitmap(b, d, f->size) == 0 ? FIELD_DONE : FIELD_FAIL;
	case LDNS_RDF_TYPE_NSEC3_SALT:
		if (d[0] == 0 || (size_t)d[0] + 1 > f->size)
			sb_put(b, "-", 1);
		else
			sb_hex(b, d + 1, d[0]);
		sb_put(b, " ", 1);
		return FIELD_DONE;
	case LDNS_RDF_TYPE_B32_EXT:
	case LDNS_RDF_TYPE_NSEC3_NEXT_OWNER:
		sb_b32(b, d + 1, f->size - 1);
		return FIELD_DONE;
	case LDNS_RDF_TYPE_TYPE:
		sb_type(b, get16(d), 0);
		return FIELD_DONE;
	default:
		return FIELD_LDNS;
	}
}

/* The comment ldns appends to a DNSKEY: key tag, role, key size. */
static void dnskey_comment(struct sbuf *b, struct wmsg *m, const struct wrr *r)
{
	struct field f[4];
	size_t n = r->nfields < 4 ? r->nfields : 4, size = 0;
	uint16_t flags;

	for (size_t i = 0; i < n; i++)
		dd_wmsg_field(m, r, i, &f[i]);
	flags = get16(m->w + f[0].pos);
	sb_str(b, " ;{id = ");
	sb_uint(b, ldns_calc_keytag_raw(m->w + f[0].pos, f[n - 1].pos + f[n - 1].size - f[0].pos));
	if (flags & LDNS_KEY_ZONE_KEY)
		sb_str(b, flags & LDNS_KEY_SEP_KEY ? " (ksk)" : " (zsk)");
	sb_str(b, ", size = ");
	if (n == 4)
		size = ldns_rr_dnskey_key_size_raw(m->w + f[3].pos, f[3].size, m->w[f[2].pos]);
	int bits = (int)(unsigned)size; /* ldns prints the size_t with %d */
	char tmp[16];
	sb_put(b, tmp, (size_t)snprintf(tmp, sizeof(tmp), "%db}", bits));
}

/* Record r as ldns_rr2str writes it, less the final newline: FIELD_DONE,
 * FIELD_FAIL or FIELD_LDNS. */
static int rr_text(struct sbuf *b, struct wmsg *m, const struct wrr *r)
{
	struct fields f;
	struct field fl;
	size_t pos = r->rdlen;
	ldns_status st;
	int k;

	sb_name(b, m, r->start);
	sb_put(b, "\t", 1);
	sb_uint(b, r->ttl);
	sb_put(b, "\t", 1);
	sb_class(b, r->klass);
	sb_put(b, "\t", 1);
	sb_type(b, r->type, 1);
	sb_str(b, r->nfields > 0 ? "\t" : "\t\\# 0");
	dd_wire_fields_begin(&f, m->w, m->len, &m->chains, &pos, r->type);
	f.again = 1;
	for (size_t i = 0; (k = dd_wire_fields_next(&f, &fl, &st)) > 0; i++) {
		if (i > 0)
			sb_put(b, " ", 1);
		if ((k = field_text(b, m, &fl)) != FIELD_DONE)
			return k;
	}
	if (r->type == LDNS_RR_TYPE_DNSKEY && r->nfields > 0)
		dnskey_comment(b, m, r);
	return FIELD_DONE;
}

/* Record r as the evidence keeps it (ldns_rr2str less trailing blanks and
 * newlines), malloc'd; NULL where ldns_rr2str gives none. */
static char *record_text(struct wmsg *m, const struct wrr *r, struct sbuf *b)
{
	char *s = NULL;
	size_t n;
	int rc;

	b->len = 0;
	rc = rr_text(b, m, r);
	if (rc == FIELD_LDNS) {
		ldns_rr *rr = NULL;
		size_t pos = r->start;
		if (ldns_wire2rr(&rr, m->w, m->len, &pos, LDNS_SECTION_ANSWER) != LDNS_STATUS_OK)
			return NULL;
		s = ldns_rr2str(rr);
		ldns_rr_free(rr);
		if (!s)
			return NULL;
		n = strlen(s);
	} else {
		if (rc != FIELD_DONE || b->oom)
			return NULL;
		n = b->len;
		if (!(s = malloc(n + 1)))
			return NULL;
		memcpy(s, b->p, n);
	}
	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' '))
		n--;
	s[n] = '\0';
	return s;
}

/* ---- sections as text ------------------------------------------------------ */

static char **section_text(struct wmsg *m, int sec, size_t max, size_t *n,
			   struct sbuf *b)
{
	size_t count;
	const struct wrr *rr = dd_wmsg_section(m, sec, &count);
	char **v;

	*n = 0;
	if (count > max)
		count = max;
	v = calloc(count ? count : 1, sizeof(*v));
	if (!v)
		return NULL;
	for (size_t i = 0; i < count; i++) {
		char *s = record_text(m, &rr[i], b);
		if (!s)
			break;
		v[(*n)++] = s;
	}
	return v;
}

void dd_dns_sections_text(const uint8_t *wire, size_t len, size_t max, char **v[3],
			  size_t n[3])
{
	struct wmsg m;
	struct sbuf b = { 0 };

	for (int i = 0; i < 3; i++) {
		v[i] = NULL;
		n[i] = 0;
	}
	if (dd_wmsg_read(&m, wire, len) == LDNS_STATUS_OK)
		for (int i = 0; i < 3; i++)
			v[i] = section_text(&m, i, max, &n[i], &b);
	dd_wmsg_free(&m);
	free(b.p);
}

void dd_dns_strv_free(char **v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}
