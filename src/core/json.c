/* json.c: writing JSON documents with jansson (json.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/esc.h"
#include "core/json.h"

json_t *dd_json_str(struct dd_json *j, const char *s)
{
	json_t *v;

	if (!s)
		return json_null();
	v = json_string(s);
	if (!v) {
		/* Not valid UTF-8: keep a visible, escaped form. */
		char *e = dd_esc_dup(s, strlen(s));
		v = e ? json_string(e) : NULL;
		free(e);
	}
	if (!v)
		j->failed = 1;
	return v;
}

void dd_json_put(struct dd_json *j, json_t *obj, const char *key, json_t *v)
{
	if (!v || json_object_set_new(obj, key, v) != 0)
		j->failed = 1;
}

void dd_json_append(struct dd_json *j, json_t *arr, json_t *v)
{
	if (!v || json_array_append_new(arr, v) != 0)
		j->failed = 1;
}

json_t *dd_json_uint(uint64_t v)
{
	return json_integer((json_int_t)v);
}

json_t *dd_json_int_or_null(int64_t v)
{
	return v < 0 ? json_null() : json_integer((json_int_t)v);
}

json_t *dd_json_ms(double v)
{
	/* Three decimals are plenty; keeps documents short and stable. */
	return v < 0 ? json_null() : json_real((double)(long long)(v * 1000.0 + 0.5) / 1000.0);
}

json_t *dd_json_tri(int v)
{
	return v < 0 ? json_null() : json_boolean(v);
}

/* ---- writing: what jansson's dump.c does, for the flags we use ------------ */

void dd_json_w_indent(struct dd_buf *b, size_t flags, unsigned depth, int space)
{
	unsigned n = (unsigned)(flags & JSON_MAX_INDENT);

	if (n > 0) {
		static const char spaces[] = "                                ";
		size_t left = (size_t)depth * n;
		dd_buf_add(b, "\n", 1);
		while (left > 0) {
			size_t k = left < sizeof(spaces) - 1 ? left : sizeof(spaces) - 1;
			dd_buf_add(b, spaces, k);
			left -= k;
		}
	} else if (space && !(flags & JSON_COMPACT)) {
		dd_buf_add(b, " ", 1);
	}
}

/* One UTF-8 sequence at p (valid: jansson checked it); its length. */
static size_t utf8_next(const unsigned char *p, size_t left, unsigned long *cp)
{
	size_t n = p[0] < 0x80 ? 1 : p[0] < 0xE0 ? 2 : p[0] < 0xF0 ? 3 : 4;

	if (n > left)
		n = left;
	*cp = n == 1 ? p[0] : p[0] & (0x7F >> n);
	for (size_t i = 1; i < n; i++)
		*cp = (*cp << 6) | (p[i] & 0x3F);
	return n;
}

void dd_json_w_string(struct dd_buf *b, const char *s, size_t len, size_t flags)
{
	const unsigned char *p = (const unsigned char *)s, *run = p, *end = p + len;
	char seq[16];

	dd_buf_add(b, "\"", 1);
	while (p < end) {
		unsigned long cp;
		size_t n;
		const char *text = NULL;
		if (*p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\') {
			p++; /* plain ASCII, the common case */
			continue;
		}
		n = utf8_next(p, (size_t)(end - p), &cp);
		if (cp != '\\' && cp != '"' && cp >= 0x20 && !((flags & JSON_ENSURE_ASCII) && cp > 0x7F)) {
			p += n;
			continue;
		}
		dd_buf_add(b, (const char *)run, (size_t)(p - run));
		switch (cp) {
		case '\\': text = "\\\\"; break;
		case '"': text = "\\\""; break;
		case '\b': text = "\\b"; break;
		case '\f': text = "\\f"; break;
		case '\n': text = "\\n"; break;
		case '\r': text = "\\r"; break;
		case '\t': text = "\\t"; break;
		default:
			if (cp < 0x10000)
				snprintf(seq, sizeof(seq), "\\u%04X", (unsigned)cp);
			else
				snprintf(seq, sizeof(seq), "\\u%04X\\u%04X",
					 (unsigned)(0xD800 | ((cp - 0x10000) >> 10)),
					 (unsigned)(0xDC00 | ((cp - 0x10000) & 0x3FF)));
			text = seq;
		}
		dd_buf_puts(b, text);
		p += n;
		run = p;
	}
	dd_buf_add(b, (const char *)run, (size_t)(p - run));
	dd_buf_add(b, "\"", 1);
}

void dd_json_w_int(struct dd_buf *b, json_int_t v)
{
	char num[32];
	int len = snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, v);

	dd_buf_add(b, num, (size_t)len);
}

/* jansson's jsonp_dtostr: %.*g, ".0" when it looks like an integer, no '+'
 * or leading zeros in the exponent. */
int dd_json_w_real(struct dd_buf *b, double v, size_t flags)
{
	int prec = (int)((flags >> 11) & 0x1F);
	char buf[64], *e;
	int len;

	if (v != v || v - v != 0)
		return DD_ENOMEM; /* NaN or infinite: jansson refuses them too */
	len = snprintf(buf, sizeof(buf), "%.*g", prec ? prec : 17, v);
	if (len < 0 || len >= (int)sizeof(buf) - 3)
		return DD_ENOMEM;
	if (!strchr(buf, '.') && !strchr(buf, 'e')) {
		memcpy(buf + len, ".0", 3);
		len += 2;
	}
	if ((e = strchr(buf, 'e'))) {
		char *start = e + 1, *end = start + 1;
		if (*start == '-')
			start++;
		while (*end == '0')
			end++;
		if (end != start) {
			memmove(start, end, (size_t)len - (size_t)(end - buf) + 1);
			len -= (int)(end - start);
		}
	}
	dd_buf_add(b, buf, (size_t)len);
	return 0;
}

static int w_value(struct dd_buf *b, const json_t *v, size_t flags, unsigned depth)
{
	if (depth > 2048)
		return DD_ENOMEM; /* jansson's own depth limit */
	switch (json_typeof(v)) {
	case JSON_NULL: dd_buf_add(b, "null", 4); return 0;
	case JSON_TRUE: dd_buf_add(b, "true", 4); return 0;
	case JSON_FALSE: dd_buf_add(b, "false", 5); return 0;
	case JSON_INTEGER:
		dd_json_w_int(b, json_integer_value(v));
		return 0;
	case JSON_REAL: return dd_json_w_real(b, json_real_value(v), flags);
	case JSON_STRING:
		dd_json_w_string(b, json_string_value(v), json_string_length(v), flags);
		return 0;
	case JSON_ARRAY: {
		size_t n = json_array_size(v);
		dd_buf_add(b, "[", 1);
		if (n == 0) {
			dd_buf_add(b, "]", 1);
			return 0;
		}
		dd_json_w_indent(b, flags, depth + 1, 0);
		for (size_t i = 0; i < n; i++) {
			int rc = w_value(b, json_array_get(v, i), flags, depth + 1);
			if (rc)
				return rc;
			if (i + 1 < n) {
				dd_buf_add(b, ",", 1);
				dd_json_w_indent(b, flags, depth + 1, 1);
			} else {
				dd_json_w_indent(b, flags, depth, 0);
			}
		}
		dd_buf_add(b, "]", 1);
		return 0;
	}
	case JSON_OBJECT: {
		void *it = json_object_iter((json_t *)v);
		dd_buf_add(b, "{", 1);
		if (!it) {
			dd_buf_add(b, "}", 1);
			return 0;
		}
		dd_json_w_indent(b, flags, depth + 1, 0);
		while (it) {
			void *next = json_object_iter_next((json_t *)v, it);
			const char *key = json_object_iter_key(it);
			dd_json_w_string(b, key, strlen(key), flags);
			if (flags & JSON_COMPACT)
				dd_buf_add(b, ":", 1);
			else
				dd_buf_add(b, ": ", 2);
			int rc = w_value(b, json_object_iter_value(it), flags, depth + 1);
			if (rc)
				return rc;
			if (next) {
				dd_buf_add(b, ",", 1);
				dd_json_w_indent(b, flags, depth + 1, 1);
			} else {
				dd_json_w_indent(b, flags, depth, 0);
			}
			it = next;
		}
		dd_buf_add(b, "}", 1);
		return 0;
	}
	}
	return DD_ENOMEM;
}

int dd_json_write(const json_t *doc, size_t flags, struct dd_buf *out)
{
	if (flags & ~(size_t)DD_JSON_WRITE_FLAGS) { /* not ours: jansson's dump */
		char *text = json_dumps(doc, flags);
		if (!text)
			return DD_ENOMEM;
		dd_buf_puts(out, text);
		free(text);
	} else if (!json_is_object(doc) && !json_is_array(doc)) {
		return DD_ENOMEM; /* json_dumps wants a container without JSON_ENCODE_ANY */
	} else {
		int rc = w_value(out, doc, flags, 0);
		if (rc)
			return rc;
	}
	return dd_buf_failed(out) ? DD_ENOMEM : 0;
}

int dd_json_print(const struct dd_json *j, json_t *doc, size_t flags, struct dd_buf *out)
{
	int rc = j->failed ? DD_ENOMEM : dd_json_write(doc, flags, out);

	json_decref(doc);
	if (rc)
		return rc;
	dd_buf_puts(out, "\n");
	return dd_buf_failed(out) ? DD_ENOMEM : 0;
}
