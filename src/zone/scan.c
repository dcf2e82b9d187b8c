/* scan.c: a fast scanner for RFC 1035 master files. It decodes only what the
 * zone audit needs (owner, type, class, TTL, the NS target) and tokenizes the
 * RDATA of every other type so that it is skipped correctly. Input is read in
 * large blocks; a record is parsed from the block in place and re-parsed
 * from the start when it runs past the end of what has been read. */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ldns/ldns.h>

#include "core/err.h"
#include "core/esc.h"
#include "zone/zone.h"

#define BUF_SIZE (1u << 20) /* read block; also bounds one record's text */

enum {
	TOK_WORD = 1,
	TOK_END = 0,     /* end of the record (newline outside parentheses, EOF) */
	TOK_MORE = -100, /* ran out of read data: refill and parse again */
	ENTRY_SKIP = 2,  /* blank line, comment or directive */
	ENTRY_RR = 3,
};

struct tok {
	const char *s;
	size_t n;
	int quoted;
};

/* Where parsing is: a copy that is thrown away when a record must be
 * parsed again after a refill. */
struct cur {
	const char *p, *lim;
	unsigned long line;
	int paren;
	int at_eof;
};

struct dd_zone_scanner {
	FILE *in;
	char *buf;
	size_t len;  /* bytes in buf */
	size_t pos;  /* start of the next record */
	size_t lim;  /* just after the last newline in buf (or len at EOF) */
	int eof;
	unsigned long line;
	char filename[128];
	char err[512];

	uint8_t origin[DD_ZONE_WIRE_MAX];
	int have_origin;
	uint32_t default_ttl;
	int have_default_ttl;
	uint32_t last_ttl;
	int have_last_ttl;
	/* Two owner buffers: the record being parsed writes the other one, so an
	 * inherited owner survives a record that must be parsed again. */
	uint8_t owners[2][DD_ZONE_WIRE_MAX];
	int cur_owner; /* index of the last committed owner, -1 before any */
	uint8_t target[DD_ZONE_WIRE_MAX];
};

static int fail(struct dd_zone_scanner *s, int code, unsigned long line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(struct dd_zone_scanner *s, int code, unsigned long line, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(s->err, sizeof(s->err), "%s:%lu: ", s->filename, line);

	va_start(ap, fmt);
	if (n > 0 && (size_t)n < sizeof(s->err))
		vsnprintf(s->err + n, sizeof(s->err) - (size_t)n, fmt, ap);
	va_end(ap);
	return code;
}

/* A token quoted for an error message, escaped and cut short. */
static const char *show(const struct tok *t, char *out, size_t outlen)
{
	return dd_esc(t->s, t->n > 64 ? 64 : t->n, out, outlen);
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static int is_delim(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ';' || c == '(' ||
	       c == ')' || c == '"';
}

/* The next token of the current record. */
static int next_tok(struct dd_zone_scanner *s, struct cur *c, struct tok *t)
{
	/* Defined on every path, the failures included (fail()'s code is not
	 * visible to the callers' compiler, which cannot tell it from TOK_WORD). */
	*t = (struct tok){ 0 };
	for (;;) {
		if (c->p >= c->lim) {
			if (!c->at_eof)
				return TOK_MORE;
			if (c->paren)
				return fail(s, DD_EPARSE, c->line, "'(' not closed at end of file");
			return TOK_END;
		}
		char ch = *c->p;
		if (is_blank(ch)) {
			c->p++;
			continue;
		}
		if (ch == ';') {
			const char *nl = memchr(c->p, '\n', (size_t)(c->lim - c->p));
			c->p = nl ? nl : c->lim;
			continue;
		}
		if (ch == '\n') {
			c->p++;
			c->line++;
			if (c->paren)
				continue;
			return TOK_END;
		}
		if (ch == '(') {
			if (c->paren)
				return fail(s, DD_EPARSE, c->line, "nested '('");
			c->paren = 1;
			c->p++;
			continue;
		}
		if (ch == ')') {
			if (!c->paren)
				return fail(s, DD_EPARSE, c->line, "')' without '('");
			c->paren = 0;
			c->p++;
			continue;
		}
		if (ch == '"') {
			const char *q = c->p + 1;
			while (q < c->lim && *q != '"' && *q != '\n') {
				if (*q == '\\' && q + 1 < c->lim && q[1] != '\n')
					q++;
				q++;
			}
			if (q >= c->lim && !c->at_eof)
				return TOK_MORE;
			if (q >= c->lim || *q != '"')
				return fail(s, DD_EPARSE, c->line, "quoted string not closed on its line");
			t->s = c->p + 1;
			t->n = (size_t)(q - c->p - 1);
			t->quoted = 1;
			c->p = q + 1;
			return TOK_WORD;
		}
		const char *w = c->p;
		while (w < c->lim && !is_delim(*w)) {
			if (*w == '\\') {
				if (w + 1 >= c->lim || w[1] == '\n')
					return fail(s, DD_EPARSE, c->line, "'\\' at the end of a line");
				w++;
			}
			w++;
		}
		t->s = c->p;
		t->n = (size_t)(w - c->p);
		t->quoted = 0;
		c->p = w;
		return TOK_WORD;
	}
}

/* Text name (len bytes, escapes allowed) to wire form. origin (wire, may be
 * NULL) completes relative names. Returns the wire length, or -1 with a
 * static reason in *why. */
static int name_to_wire(const char *p, size_t n, const uint8_t *origin, uint8_t *out,
			const char **why)
{
	size_t o = 0, label = 0; /* label: index of the current length byte */
	int absolute = 0;

	if (n == 1 && p[0] == '@') {
		if (!origin) {
			*why = "'@' with no origin (use $ORIGIN or --origin)";
			return -1;
		}
		o = 0;
		goto append_origin;
	}
	if (n == 1 && p[0] == '.') {
		out[0] = 0;
		return 1;
	}
	out[0] = 0;
	o = 1;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)p[i];
		if (ch == '.') {
			if (o == label + 1) {
				*why = "empty label";
				return -1;
			}
			if (i == n - 1) {
				absolute = 1;
				break;
			}
			label = o;
			if (o >= DD_ZONE_WIRE_MAX) {
				*why = "name longer than 255 bytes";
				return -1;
			}
			out[o++] = 0;
			continue;
		}
		if (ch == '\\') {
			if (i + 1 >= n) {
				*why = "'\\' at the end of a name";
				return -1;
			}
			ch = (unsigned char)p[++i];
			if (ch >= '0' && ch <= '9') {
				if (i + 2 >= n || p[i + 1] < '0' || p[i + 1] > '9' || p[i + 2] < '0' ||
				    p[i + 2] > '9') {
					*why = "bad \\DDD escape";
					return -1;
				}
				unsigned v = (unsigned)(ch - '0') * 100 + (unsigned)(p[i + 1] - '0') * 10 +
					     (unsigned)(p[i + 2] - '0');
				if (v > 255) {
					*why = "\\DDD escape above 255";
					return -1;
				}
				ch = (unsigned char)v;
				i += 2;
			}
		}
		if (ch >= 'A' && ch <= 'Z')
			ch = (unsigned char)(ch + 32);
		if (o - label > 63) {
			*why = "label longer than 63 bytes";
			return -1;
		}
		if (o >= DD_ZONE_WIRE_MAX - 1) {
			*why = "name longer than 255 bytes";
			return -1;
		}
		out[o++] = ch;
		out[label]++;
	}
	if (o == label + 1) {
		*why = "empty label";
		return -1;
	}
	if (absolute || !origin) {
		if (!absolute && !origin) {
			*why = "relative name with no origin (use $ORIGIN or --origin)";
			return -1;
		}
		out[o++] = 0;
		return (int)o;
	}
append_origin:;
	size_t olen = 0;
	while (origin[olen])
		olen += (size_t)origin[olen] + 1;
	olen++;
	if (o + olen > DD_ZONE_WIRE_MAX) {
		*why = "name longer than 255 bytes";
		return -1;
	}
	memcpy(out + o, origin, olen);
	return (int)(o + olen);
}

int dd_zone_name_from_text(const char *text, uint8_t out[DD_ZONE_WIRE_MAX])
{
	const char *why;
	size_t n = strlen(text);
	int r;

	if (n == 0 || strcmp(text, "@") == 0)
		return DD_ENAME;
	r = name_to_wire(text, n, NULL, out, &why);
	if (r < 0) {
		/* A relative name given by a user is meant as absolute. */
		uint8_t root = 0;
		r = name_to_wire(text, n, &root, out, &why);
	}
	return r < 0 ? DD_ENAME : r;
}

static int plain_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '*' || c == '/' || c == '+' || c == '=' || c == ':' ||
	       c == '#' || c == '!' || c == '%' || c == '&' || c == ',' || c == '<' || c == '>' ||
	       c == '?' || c == '^' || c == '`' || c == '{' || c == '|' || c == '}' || c == '~' ||
	       c == '[' || c == ']' || c == '\'';
}

size_t dd_zone_name_to_text(const uint8_t *wire, char *out)
{
	size_t o = 0;

	if (wire[0] == 0) {
		out[0] = '.';
		out[1] = '\0';
		return 1;
	}
	for (size_t i = 0; wire[i]; i += (size_t)wire[i] + 1) {
		for (size_t k = 1; k <= wire[i]; k++) {
			unsigned char c = wire[i + k];
			if (plain_char(c)) {
				out[o++] = (char)c;
			} else if (c > 0x20 && c < 0x7f) {
				out[o++] = '\\';
				out[o++] = (char)c;
			} else {
				out[o++] = '\\';
				out[o++] = (char)('0' + c / 100);
				out[o++] = (char)('0' + c / 10 % 10);
				out[o++] = (char)('0' + c % 10);
			}
		}
		out[o++] = '.';
	}
	out[o] = '\0';
	return o;
}

/* TTL: digits, or BIND's units (1w2d3h4m5s). Returns 0 or -1. */
static int parse_ttl(const struct tok *t, uint32_t *out)
{
	uint64_t total = 0, cur = 0;
	int digits = 0, units = 0;

	for (size_t i = 0; i < t->n; i++) {
		char c = t->s[i];
		if (c >= '0' && c <= '9') {
			cur = cur * 10 + (uint64_t)(c - '0');
			digits++;
			if (cur > UINT32_MAX)
				return -1;
			continue;
		}
		uint64_t mul;
		switch (c | 0x20) {
		case 's': mul = 1; break;
		case 'm': mul = 60; break;
		case 'h': mul = 3600; break;
		case 'd': mul = 86400; break;
		case 'w': mul = 604800; break;
		default: return -1;
		}
		if (!digits)
			return -1;
		total += cur * mul;
		cur = 0;
		digits = 0;
		units = 1;
		if (total > UINT32_MAX)
			return -1;
	}
	if (digits == 0 && !units)
		return -1;
	total += cur;
	if (total > UINT32_MAX)
		return -1;
	*out = (uint32_t)total;
	return 0;
}

/* t equals word (upper case) ignoring case. */
static int tok_is(const struct tok *t, const char *word)
{
	size_t i;

	if (t->quoted)
		return 0;
	for (i = 0; i < t->n; i++) {
		char c = t->s[i];
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 32);
		if (word[i] == '\0' || c != word[i])
			return 0;
	}
	return word[i] == '\0';
}

/* "PREFIXnnn" (TYPE65534, CLASS3): the number, or -1. */
static long numbered(const struct tok *t, const char *prefix)
{
	size_t pl = strlen(prefix);
	long v = 0;

	if (t->quoted || t->n <= pl || t->n > pl + 5 || strncasecmp(t->s, prefix, pl) != 0)
		return -1;
	for (size_t i = pl; i < t->n; i++) {
		if (t->s[i] < '0' || t->s[i] > '9')
			return -1;
		v = v * 10 + (t->s[i] - '0');
	}
	return v <= 65535 ? v : -1;
}

/* Class mnemonic or CLASSnnn: the number, or -1 when t is no class. */
static long parse_class(const struct tok *t)
{
	if (t->n != 2 && t->n < 6)
		return -1;
	if (tok_is(t, "IN"))
		return 1;
	if (tok_is(t, "CH"))
		return 3;
	if (tok_is(t, "HS"))
		return 4;
	if (tok_is(t, "CS"))
		return 2;
	return numbered(t, "CLASS");
}

/* Type: the number for the few the audit reads or TYPEnnn, 0 for any other
 * well-formed mnemonic, -1 when t cannot be a type. */
static long parse_type(const struct tok *t)
{
	static const struct {
		const char *name;
		long code;
	} known[] = {
		{ "NS", DD_ZONE_T_NS }, { "A", DD_ZONE_T_A }, { "AAAA", DD_ZONE_T_AAAA },
		{ "DS", DD_ZONE_T_DS }, { "SOA", DD_ZONE_T_SOA },
	};
	long v;

	if (t->quoted || t->n == 0 || t->n > 20)
		return -1;
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (tok_is(t, known[i].name))
			return known[i].code;
	v = numbered(t, "TYPE");
	if (v >= 0)
		return v;
	/* another type: one ldns knows by its mnemonic, so a line of words
	 * that is not a record is an error with its line number */
	char name[24];
	if (memchr(t->s, '\0', t->n))
		return -1;
	memcpy(name, t->s, t->n);
	name[t->n] = '\0';
	return ldns_get_rr_type_by_name(name) != 0 ? 0 : -1;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* RFC 3597 RDATA after "\#": length, then hex in any number of words. The
 * bytes are stored in out (room for outlen) when out is not NULL. Returns
 * the length, TOK_MORE, or an error. */
static int generic_rdata(struct dd_zone_scanner *s, struct cur *c, unsigned long line,
			 uint8_t *out, size_t outlen)
{
	struct tok t;
	char shown[80];
	int r = next_tok(s, c, &t);
	unsigned long len = 0;
	size_t got = 0;
	int half = -1;

	if (r != TOK_WORD)
		return r < 0 ? r : fail(s, DD_EPARSE, line, "\\# without a length");
	if (t.quoted || t.n == 0 || t.n > 5)
		return fail(s, DD_EPARSE, line, "bad \\# length '%s'", show(&t, shown, sizeof(shown)));
	for (size_t i = 0; i < t.n; i++) {
		if (t.s[i] < '0' || t.s[i] > '9')
			return fail(s, DD_EPARSE, line, "bad \\# length '%s'",
				    show(&t, shown, sizeof(shown)));
		len = len * 10 + (unsigned long)(t.s[i] - '0');
	}
	if (len > 65535)
		return fail(s, DD_EPARSE, line, "\\# length above 65535");
	while ((r = next_tok(s, c, &t)) == TOK_WORD) {
		for (size_t i = 0; i < t.n; i++) {
			int v = hexval(t.s[i]);
			if (v < 0 || t.quoted)
				return fail(s, DD_EPARSE, line, "bad hex in \\# RDATA");
			if (half < 0) {
				half = v;
				continue;
			}
			if (out && got < outlen)
				out[got] = (uint8_t)(half << 4 | v);
			got++;
			half = -1;
		}
	}
	if (r < 0)
		return r;
	if (half >= 0 || got != len)
		return fail(s, DD_EPARSE, line, "\\# RDATA is not %lu bytes of hex", len);
	return (int)len;
}

/* Skip the RDATA of a type the audit does not read; RFC 3597 RDATA is
 * still checked against its length. */
static int skip_rdata(struct dd_zone_scanner *s, struct cur *c, unsigned long line)
{
	struct tok t;
	int r = next_tok(s, c, &t);

	if (r == TOK_WORD && tok_is(&t, "\\#")) {
		r = generic_rdata(s, c, line, NULL, 0);
		return r < 0 ? r : TOK_END;
	}
	while (r == TOK_WORD)
		r = next_tok(s, c, &t);
	return r;
}

static int expect_end(struct dd_zone_scanner *s, struct cur *c, unsigned long line,
		      const char *what)
{
	struct tok t;
	char shown[80];
	int r = next_tok(s, c, &t);

	if (r == TOK_WORD)
		return fail(s, DD_EPARSE, line, "unexpected '%s' after %s",
			    show(&t, shown, sizeof(shown)), what);
	return r;
}

static int rdata_ns(struct dd_zone_scanner *s, struct cur *c, unsigned long line)
{
	struct tok t;
	char shown[80];
	const char *why;
	int r = next_tok(s, c, &t);

	if (r != TOK_WORD)
		return r < 0 ? r : fail(s, DD_EPARSE, line, "NS record without a target");
	if (tok_is(&t, "\\#")) {
		r = generic_rdata(s, c, line, s->target, sizeof(s->target));
		if (r < 0)
			return r;
		/* Only a plain, uncompressed name fits the whole RDATA. */
		size_t i = 0;
		while (i < (size_t)r && s->target[i] && s->target[i] <= 63)
			i += (size_t)s->target[i] + 1;
		if (r == 0 || i != (size_t)r - 1 || s->target[i] != 0)
			return fail(s, DD_EPARSE, line, "\\# RDATA of NS is not a name");
		for (i = 0; s->target[i]; i += (size_t)s->target[i] + 1)
			for (size_t k = 1; k <= s->target[i]; k++)
				if (s->target[i + k] >= 'A' && s->target[i + k] <= 'Z')
					s->target[i + k] = (uint8_t)(s->target[i + k] + 32);
		return TOK_END;
	}
	if (t.quoted ||
	    name_to_wire(t.s, t.n, s->have_origin ? s->origin : NULL, s->target, &why) < 0)
		return fail(s, DD_EPARSE, line, "bad NS target '%s': %s",
			    show(&t, shown, sizeof(shown)), t.quoted ? "quoted" : why);
	return expect_end(s, c, line, "the NS target");
}

static int rdata_addr(struct dd_zone_scanner *s, struct cur *c, unsigned long line, int v6)
{
	struct tok t;
	char text[64], shown[80];
	unsigned char bin[16];
	int r = next_tok(s, c, &t);

	if (r != TOK_WORD)
		return r < 0 ? r : fail(s, DD_EPARSE, line, "address record without an address");
	if (tok_is(&t, "\\#")) {
		r = generic_rdata(s, c, line, NULL, 0);
		if (r < 0)
			return r;
		if (r != (v6 ? 16 : 4))
			return fail(s, DD_EPARSE, line, "\\# RDATA of %s is not %d bytes",
				    v6 ? "AAAA" : "A", v6 ? 16 : 4);
		return TOK_END;
	}
	if (t.quoted || t.n >= sizeof(text))
		return fail(s, DD_EPARSE, line, "bad %s address '%s'", v6 ? "AAAA" : "A",
			    show(&t, shown, sizeof(shown)));
	memcpy(text, t.s, t.n);
	text[t.n] = '\0';
	if (inet_pton(v6 ? AF_INET6 : AF_INET, text, bin) != 1)
		return fail(s, DD_EPARSE, line, "bad %s address '%s'", v6 ? "AAAA" : "A",
			    show(&t, shown, sizeof(shown)));
	return expect_end(s, c, line, "the address");
}

/* $ORIGIN, $TTL; the others are refused. Changes apply only once the whole
 * line has been read, so a line parsed twice is applied once. */
static int directive(struct dd_zone_scanner *s, struct cur *c, const struct tok *d)
{
	struct tok t;
	char shown[80];
	unsigned long line = c->line;
	int r;

	if (tok_is(d, "$ORIGIN")) {
		uint8_t wire[DD_ZONE_WIRE_MAX];
		const char *why;
		r = next_tok(s, c, &t);
		if (r != TOK_WORD)
			return r < 0 ? r : fail(s, DD_EPARSE, line, "$ORIGIN without a name");
		if (t.quoted ||
		    name_to_wire(t.s, t.n, s->have_origin ? s->origin : NULL, wire, &why) < 0)
			return fail(s, DD_EPARSE, line, "bad $ORIGIN '%s': %s",
				    show(&t, shown, sizeof(shown)),
				    t.quoted ? "quoted" : why);
		r = expect_end(s, c, line, "$ORIGIN");
		if (r != TOK_END)
			return r;
		memcpy(s->origin, wire, sizeof(wire));
		s->have_origin = 1;
		return ENTRY_SKIP;
	}
	if (tok_is(d, "$TTL")) {
		uint32_t ttl;
		r = next_tok(s, c, &t);
		if (r != TOK_WORD)
			return r < 0 ? r : fail(s, DD_EPARSE, line, "$TTL without a value");
		if (t.quoted || parse_ttl(&t, &ttl) != 0)
			return fail(s, DD_EPARSE, line, "bad $TTL '%s'", show(&t, shown, sizeof(shown)));
		r = expect_end(s, c, line, "$TTL");
		if (r != TOK_END)
			return r;
		s->default_ttl = ttl;
		s->have_default_ttl = 1;
		return ENTRY_SKIP;
	}
	if (tok_is(d, "$INCLUDE"))
		return fail(s, DD_EPARSE, line, "$INCLUDE is not supported: give the audit one "
						"self-contained file");
	if (tok_is(d, "$GENERATE"))
		return fail(s, DD_EPARSE, line, "$GENERATE is not supported");
	return fail(s, DD_EPARSE, line, "unknown directive '%s'", show(d, shown, sizeof(shown)));
}

/* Parse one record (or blank line, comment, directive) at c. */
static int parse_entry(struct dd_zone_scanner *s, struct cur *c, struct dd_zone_rr *rr)
{
	struct tok t;
	char shown[80];
	const char *why;
	unsigned long line = c->line;
	int inherit = is_blank(*c->p);
	int owner_buf;
	long cls = -1, type = -1;
	uint32_t ttl = 0;
	int have_ttl = 0;
	int r = next_tok(s, c, &t);

	if (r != TOK_WORD)
		return r == TOK_END ? ENTRY_SKIP : r;
	if (inherit) {
		if (s->cur_owner < 0)
			return fail(s, DD_EPARSE, line, "record with no owner name");
		owner_buf = s->cur_owner;
	} else {
		if (!t.quoted && t.n > 0 && t.s[0] == '$')
			return directive(s, c, &t);
		owner_buf = s->cur_owner == 0 ? 1 : 0;
		if (t.quoted || name_to_wire(t.s, t.n, s->have_origin ? s->origin : NULL,
					     s->owners[owner_buf], &why) < 0)
			return fail(s, DD_EPARSE, line, "bad owner name '%s': %s",
				    show(&t, shown, sizeof(shown)), t.quoted ? "quoted" : why);
		r = next_tok(s, c, &t);
	}
	/* [TTL] [class] type, TTL and class in either order. */
	for (int i = 0; i < 3; i++) {
		if (r != TOK_WORD)
			return r < 0 ? r : fail(s, DD_EPARSE, line, "record without a type");
		if (!t.quoted && t.n > 0 && t.s[0] >= '0' && t.s[0] <= '9' && !have_ttl) {
			if (parse_ttl(&t, &ttl) != 0)
				return fail(s, DD_EPARSE, line, "bad TTL '%s'",
					    show(&t, shown, sizeof(shown)));
			have_ttl = 1;
		} else if (cls < 0 && (cls = parse_class(&t)) >= 0) {
			/* class read */
		} else {
			type = parse_type(&t);
			if (type < 0)
				return fail(s, DD_EPARSE, line, "bad record type '%s'",
					    show(&t, shown, sizeof(shown)));
			break;
		}
		r = next_tok(s, c, &t);
	}
	if (type < 0)
		return fail(s, DD_EPARSE, line, "record without a type");
	switch (type) {
	case DD_ZONE_T_NS:
		r = rdata_ns(s, c, line);
		break;
	case DD_ZONE_T_A:
	case DD_ZONE_T_AAAA:
		r = rdata_addr(s, c, line, type == DD_ZONE_T_AAAA);
		break;
	default:
		r = skip_rdata(s, c, line);
		break;
	}
	if (r != TOK_END)
		return r;
	if (!have_ttl) {
		if (s->have_default_ttl)
			ttl = s->default_ttl;
		else if (s->have_last_ttl)
			ttl = s->last_ttl;
		else if (type != DD_ZONE_T_SOA)
			return fail(s, DD_EPARSE, line, "record without a TTL and no $TTL before it");
	}
	s->last_ttl = ttl;
	s->have_last_ttl = 1;
	s->cur_owner = owner_buf;
	rr->owner = s->owners[owner_buf];
	rr->target = type == DD_ZONE_T_NS ? s->target : NULL;
	rr->ttl = ttl;
	rr->type = (uint16_t)type;
	rr->rrclass = (uint16_t)(cls < 0 ? 1 : cls);
	rr->line = line;
	return ENTRY_RR;
}

/* Keep the unread part, read more. */
static int refill(struct dd_zone_scanner *s)
{
	size_t n;

	if (s->pos > 0) {
		memmove(s->buf, s->buf + s->pos, s->len - s->pos);
		s->len -= s->pos;
		s->pos = 0;
	}
	if (s->len == BUF_SIZE)
		return fail(s, DD_ELIMIT, s->line, "record longer than %u bytes", BUF_SIZE);
	n = fread(s->buf + s->len, 1, BUF_SIZE - s->len, s->in);
	if (n == 0) {
		if (ferror(s->in))
			return fail(s, DD_EIO, s->line, "read error");
		s->eof = 1;
	}
	s->len += n;
	s->lim = s->len;
	if (!s->eof) {
		while (s->lim > 0 && s->buf[s->lim - 1] != '\n')
			s->lim--;
	}
	return 0;
}

int dd_zone_scanner_next(struct dd_zone_scanner *s, struct dd_zone_rr *rr)
{
	for (;;) {
		struct cur c = { s->buf + s->pos, s->buf + s->lim, s->line, 0, s->eof };
		int r;

		if (s->pos >= s->lim) {
			if (s->eof)
				return 0;
			r = refill(s);
			if (r < 0)
				return r;
			continue;
		}
		r = parse_entry(s, &c, rr);
		if (r == TOK_MORE) {
			r = refill(s);
			if (r < 0)
				return r;
			continue;
		}
		if (r < 0)
			return r;
		s->pos = (size_t)(c.p - s->buf);
		s->line = c.line;
		if (r == ENTRY_RR)
			return 1;
	}
}

int dd_zone_scanner_new(struct dd_zone_scanner **out, FILE *in, const char *filename,
			const char *origin)
{
	struct dd_zone_scanner *s = calloc(1, sizeof(*s));

	*out = NULL;
	if (!s)
		return DD_ENOMEM;
	s->buf = malloc(BUF_SIZE);
	if (!s->buf) {
		free(s);
		return DD_ENOMEM;
	}
	s->in = in;
	s->line = 1;
	s->cur_owner = -1;
	dd_esc(filename, strlen(filename), s->filename, sizeof(s->filename));
	if (origin) {
		if (dd_zone_name_from_text(origin, s->origin) < 0) {
			dd_zone_scanner_free(s);
			return DD_ENAME;
		}
		s->have_origin = 1;
	}
	*out = s;
	return 0;
}

const char *dd_zone_scanner_error(const struct dd_zone_scanner *s)
{
	return s->err;
}

void dd_zone_scanner_free(struct dd_zone_scanner *s)
{
	if (!s)
		return;
	free(s->buf);
	free(s);
}
