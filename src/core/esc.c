/* esc.c: escaping of untrusted strings for terminals and text reports. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/esc.h"

/* Length of the valid, printable UTF-8 sequence at s (0 when invalid or a
 * C1 control character). */
static size_t utf8_len(const unsigned char *s, size_t avail)
{
	size_t n;
	unsigned cp;

	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n > avail)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	if (cp >= 0xd800 && cp <= 0xdfff)
		return 0;
	if (cp >= 0x80 && cp <= 0x9f)
		return 0;
	/* Bidi overrides and isolates can disguise what a terminal shows. */
	if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
		return 0;
	return n;
}

/* Append piece at *o, or, when it does not fit with the terminator, end
 * out with "..." and return 0. The cut never splits a UTF-8 sequence in
 * half (only written bytes tell: out[o] may not be one). */
static int put(char *out, size_t outlen, size_t *o, const char *piece, size_t plen)
{
	if (*o + plen + 1 > outlen) {
		size_t keep = outlen > 4 ? outlen - 4 : 0, written = *o;
		if (*o > keep)
			*o = keep;
		while (*o > 0 && *o < written && ((unsigned char)out[*o] & 0xc0) == 0x80)
			(*o)--;
		if (outlen > 4) {
			memcpy(out + *o, "...", 3);
			*o += 3;
		}
		out[*o] = '\0';
		return 0;
	}
	memcpy(out + *o, piece, plen);
	*o += plen;
	return 1;
}

char *dd_esc(const char *in, size_t len, char *out, size_t outlen)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t o = 0;

	if (outlen == 0)
		return out;
	for (size_t i = 0; i < len;) {
		char piece[8];
		size_t plen;
		size_t u = s[i] >= 0x80 ? utf8_len(s + i, len - i) : 0;

		if (u > 0) {
			memcpy(piece, s + i, u);
			plen = u;
			i += u;
		} else if (s[i] == '\\') {
			memcpy(piece, "\\\\", 2);
			plen = 2;
			i++;
		} else if (s[i] >= 0x20 && s[i] < 0x7f) {
			piece[0] = (char)s[i];
			plen = 1;
			i++;
		} else {
			snprintf(piece, sizeof(piece), "\\x%02x", s[i]);
			plen = 4;
			i++;
		}
		if (!put(out, outlen, &o, piece, plen))
			return out;
	}
	out[o] = '\0';
	return out;
}

/* A heap copy escaped by esc (four bytes out per byte in, at most). */
static char *dup_with(char *(*esc)(const char *, size_t, char *, size_t), const char *in,
		      size_t len)
{
	size_t outlen = len * 4 + 1;
	char *out = malloc(outlen);

	if (out)
		esc(in, len, out, outlen);
	return out;
}

char *dd_esc_dup(const char *in, size_t len)
{
	return dup_with(dd_esc, in, len);
}

/* One byte of a name's label in dd_esc's scheme, into piece; its length. */
static size_t name_byte(unsigned char c, char piece[8])
{
	if (c == '.' || c == '\\') {
		piece[0] = '\\';
		piece[1] = (char)c;
		return 2;
	}
	if (c > 0x20 && c < 0x7f) {
		piece[0] = (char)c;
		return 1;
	}
	snprintf(piece, 8, "\\x%02x", c);
	return 4;
}

/* The value of the presentation escape \DDD at s (4 bytes), or -1. */
static int ddd(const unsigned char *s, size_t avail)
{
	int v;

	if (avail < 4 || s[0] != '\\' || s[1] < '0' || s[1] > '2' || s[2] < '0' || s[2] > '9' ||
	    s[3] < '0' || s[3] > '9')
		return -1;
	v = (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	return v < 256 ? v : -1;
}

char *dd_esc_name(const char *in, size_t len, char *out, size_t outlen)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t o = 0;

	if (outlen == 0)
		return out;
	for (size_t i = 0; i < len;) {
		char piece[8];
		size_t plen;
		int v = ddd(s + i, len - i);

		if (v >= 0) {
			plen = name_byte((unsigned char)v, piece);
			i += 4;
		} else if (s[i] == '\\' && i + 1 < len) {
			plen = name_byte(s[i + 1], piece);
			i += 2;
		} else if (s[i] == '.') {
			piece[0] = '.'; /* a label separator */
			plen = 1;
			i++;
		} else {
			plen = name_byte(s[i], piece);
			i++;
		}
		if (!put(out, outlen, &o, piece, plen))
			return out;
	}
	out[o] = '\0';
	return out;
}

char *dd_esc_name_dup(const char *in, size_t len)
{
	return dup_with(dd_esc_name, in, len);
}

char *dd_esc_msg(const char *in, size_t len, char *out, size_t outlen)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t o = 0, step;

	if (outlen == 0)
		return out;
	for (size_t i = 0; i < len; i += step) {
		char piece[8];
		size_t plen;
		int v = ddd(s + i, len - i);

		if (v >= 0 || (s[i] == '\\' && i + 1 < len && (s[i + 1] == '\\' || s[i + 1] == '.'))) {
			/* a name's escape: a byte, a backslash or a dot of a label */
			plen = name_byte(v >= 0 ? (unsigned char)v : s[i + 1], piece);
			step = v >= 0 ? 4 : 2;
		} else {
			size_t u = s[i] >= 0x80 ? utf8_len(s + i, len - i) : 0;
			step = u ? u : 1;
			dd_esc((const char *)s + i, step, piece, sizeof(piece));
			plen = strlen(piece);
		}
		if (!put(out, outlen, &o, piece, plen))
			return out;
	}
	out[o] = '\0';
	return out;
}

char *dd_esc_msg_dup(const char *in, size_t len)
{
	return dup_with(dd_esc_msg, in, len);
}
