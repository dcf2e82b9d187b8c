/* jtree.c: JSON documents in one arena, printed as jansson prints them
 * (jtree.h): the one JSON writer of dnsdeps. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/esc.h"
#include "core/jtree.h"

#define JT_FIRST_BLOCK (16u << 10) /* a check report takes 20-40 KB */
#define JT_BIG_BLOCK (256u << 10)
#define JT_MAX_DEPTH 2048          /* jansson's own limit when dumping */

struct dd_jt_block {
	struct dd_jt_block *next;
	size_t size, used;
	max_align_t data[];
};

enum jt_type { JT_NULL, JT_TRUE, JT_FALSE, JT_INT, JT_REAL, JT_STR, JT_OBJECT, JT_ARRAY };

struct dd_jt_node {
	struct dd_jt_node *next; /* the next member or element of the container */
	const char *key;         /* the member's name, in an object */
	unsigned char type;      /* enum jt_type */
	unsigned char placed;    /* in a container already */
	union {
		json_int_t i;
		double r;
		struct {
			const char *s;
			size_t len;
		} str;
		struct {
			struct dd_jt_node *first, *last;
		} kids;
	} u;
};

/* ---- the arena ------------------------------------------------------------- */

static void *jt_alloc(struct dd_jt *d, size_t n)
{
	struct dd_jt_block *b = d->blocks;
	size_t size;

	n = (n + 7) & ~(size_t)7;
	if (b && b->size - b->used >= n) {
		void *p = (char *)b->data + b->used;
		b->used += n;
		return p;
	}
	if (d->failed)
		return NULL;
	size = !b ? JT_FIRST_BLOCK : b->size < JT_BIG_BLOCK ? b->size * 2 : JT_BIG_BLOCK;
	if (size < n)
		size = n;
	if (n > DD_JT_MAX_BYTES || d->total + size > DD_JT_MAX_BYTES ||
	    !(b = malloc(sizeof(*b) + size))) {
		d->failed = 1;
		return NULL;
	}
	d->total += size;
	b->size = size;
	b->used = n;
	b->next = d->blocks;
	d->blocks = b;
	return b->data;
}

void dd_jt_free(struct dd_jt *d)
{
	struct dd_jt_block *b = d->blocks;

	while (b) {
		struct dd_jt_block *next = b->next;
		free(b);
		b = next;
	}
	d->blocks = NULL;
	d->total = 0;
	d->failed = 0;
}

/* ---- values ---------------------------------------------------------------- */

static struct dd_jt_node *jt_node(struct dd_jt *d, enum jt_type t, size_t extra)
{
	struct dd_jt_node *n = jt_alloc(d, sizeof(*n) + extra);

	if (!n)
		return NULL;
	n->next = NULL;
	n->key = NULL;
	n->type = (unsigned char)t;
	n->placed = 0;
	return n;
}

struct dd_jt_node *dd_jt_object(struct dd_jt *d)
{
	struct dd_jt_node *n = jt_node(d, JT_OBJECT, 0);

	if (n)
		n->u.kids.first = n->u.kids.last = NULL;
	return n;
}

struct dd_jt_node *dd_jt_array(struct dd_jt *d)
{
	struct dd_jt_node *n = jt_node(d, JT_ARRAY, 0);

	if (n)
		n->u.kids.first = n->u.kids.last = NULL;
	return n;
}

struct dd_jt_node *dd_jt_null(struct dd_jt *d)
{
	return jt_node(d, JT_NULL, 0);
}

struct dd_jt_node *dd_jt_bool(struct dd_jt *d, int v)
{
	return jt_node(d, v ? JT_TRUE : JT_FALSE, 0);
}

struct dd_jt_node *dd_jt_int(struct dd_jt *d, int64_t v)
{
	struct dd_jt_node *n = jt_node(d, JT_INT, 0);

	if (n)
		n->u.i = (json_int_t)v;
	return n;
}

struct dd_jt_node *dd_jt_real(struct dd_jt *d, double v)
{
	struct dd_jt_node *n = jt_node(d, JT_REAL, 0);

	if (n)
		n->u.r = v;
	return n;
}

/* A string node holding a copy of len bytes of s, right after the node. */
static struct dd_jt_node *jt_strn(struct dd_jt *d, const char *s, size_t len)
{
	struct dd_jt_node *n = jt_node(d, JT_STR, len + 1);
	char *copy;

	if (!n)
		return NULL;
	copy = (char *)(n + 1);
	memcpy(copy, s, len);
	copy[len] = '\0';
	n->u.str.s = copy;
	n->u.str.len = len;
	return n;
}

/* The length of s when it is valid UTF-8 by jansson's rules (utf.c: no
 * overlong forms, no surrogates, nothing past U+10FFFF), else -1. */
static ptrdiff_t utf8_len(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		unsigned c = *p, n, v;
		if (c < 0x80) {
			p++;
			continue;
		}
		if (c < 0xC2 || c > 0xF4)
			return -1; /* a continuation byte, C0/C1, or past U+10FFFF */
		n = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
		v = c & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
		for (unsigned i = 1; i < n; i++) {
			if (p[i] < 0x80 || p[i] > 0xBF)
				return -1; /* also the terminating NUL */
			v = (v << 6) | (p[i] & 0x3F);
		}
		if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF) || (n == 3 && v < 0x800) ||
		    (n == 4 && v < 0x10000))
			return -1;
		p += n;
	}
	return (ptrdiff_t)(p - (const unsigned char *)s);
}

struct dd_jt_node *dd_jt_str(struct dd_jt *d, const char *s)
{
	struct dd_jt_node *n;
	ptrdiff_t len;
	char *e;

	if (!s)
		return dd_jt_null(d);
	len = utf8_len(s);
	if (len >= 0)
		return jt_strn(d, s, (size_t)len);
	/* Not valid UTF-8: keep a visible, escaped form (esc.h). */
	e = dd_esc_dup(s, strlen(s));
	len = e ? utf8_len(e) : -1;
	n = len >= 0 ? jt_strn(d, e, (size_t)len) : NULL;
	free(e);
	if (!n)
		d->failed = 1;
	return n;
}

struct dd_jt_node *dd_jt_uint(struct dd_jt *d, uint64_t v)
{
	return dd_jt_int(d, (int64_t)v);
}

struct dd_jt_node *dd_jt_int_or_null(struct dd_jt *d, int64_t v)
{
	return v < 0 ? dd_jt_null(d) : dd_jt_int(d, v);
}

struct dd_jt_node *dd_jt_ms(struct dd_jt *d, double v)
{
	/* Three decimals are plenty; keeps documents short and stable. */
	return v < 0 ? dd_jt_null(d) : dd_jt_real(d, (double)(long long)(v * 1000.0 + 0.5) / 1000.0);
}

struct dd_jt_node *dd_jt_tri(struct dd_jt *d, int v)
{
	return v < 0 ? dd_jt_null(d) : dd_jt_bool(d, v);
}

/* ---- containers ------------------------------------------------------------ */

static int jt_can_take(struct dd_jt *d, const struct dd_jt_node *c, enum jt_type t,
		       const struct dd_jt_node *v)
{
	if (!c || !v || c->type != t || v->placed || v == c) {
		d->failed = 1;
		return 0;
	}
	return 1;
}

static void jt_link(struct dd_jt_node *c, struct dd_jt_node *v)
{
	v->placed = 1;
	v->next = NULL;
	if (c->u.kids.last)
		c->u.kids.last->next = v;
	else
		c->u.kids.first = v;
	c->u.kids.last = v;
}

void dd_jt_put(struct dd_jt *d, struct dd_jt_node *obj, const char *key, struct dd_jt_node *v)
{
	if (!jt_can_take(d, obj, JT_OBJECT, v))
		return;
	v->key = key;
	for (struct dd_jt_node **p = &obj->u.kids.first; *p; p = &(*p)->next) {
		struct dd_jt_node *old = *p;
		if (old->key != key && strcmp(old->key, key) != 0)
			continue;
		/* json_object_set_new: the member keeps its place, v replaces old */
		v->placed = 1;
		v->next = old->next;
		*p = v;
		if (obj->u.kids.last == old)
			obj->u.kids.last = v;
		old->placed = 0; /* free to be placed again */
		return;
	}
	jt_link(obj, v);
}

void dd_jt_append(struct dd_jt *d, struct dd_jt_node *arr, struct dd_jt_node *v)
{
	if (jt_can_take(d, arr, JT_ARRAY, v))
		jt_link(arr, v);
}

int dd_jt_del(struct dd_jt_node *obj, const char *key)
{
	struct dd_jt_node *prev = NULL;

	if (!obj || obj->type != JT_OBJECT)
		return DD_ENOTFOUND;
	for (struct dd_jt_node *m = obj->u.kids.first; m; prev = m, m = m->next) {
		if (strcmp(m->key, key) != 0)
			continue;
		if (prev)
			prev->next = m->next;
		else
			obj->u.kids.first = m->next;
		if (obj->u.kids.last == m)
			obj->u.kids.last = prev;
		m->placed = 0;
		return 0;
	}
	return DD_ENOTFOUND;
}

/* ---- from jansson ---------------------------------------------------------- */

static struct dd_jt_node *jt_copy(struct dd_jt *d, const json_t *v, unsigned depth)
{
	struct dd_jt_node *n = NULL;

	if (depth > JT_MAX_DEPTH) {
		d->failed = 1;
		return NULL;
	}
	switch (json_typeof(v)) {
	case JSON_NULL: return dd_jt_null(d);
	case JSON_TRUE: return dd_jt_bool(d, 1);
	case JSON_FALSE: return dd_jt_bool(d, 0);
	case JSON_INTEGER: return dd_jt_int(d, json_integer_value(v));
	case JSON_REAL: return dd_jt_real(d, json_real_value(v));
	case JSON_STRING: return jt_strn(d, json_string_value(v), json_string_length(v));
	case JSON_ARRAY:
		n = dd_jt_array(d);
		for (size_t i = 0; n && i < json_array_size(v); i++)
			dd_jt_append(d, n, jt_copy(d, json_array_get(v, i), depth + 1));
		return n;
	case JSON_OBJECT:
		n = dd_jt_object(d);
		for (void *it = json_object_iter((json_t *)v); n && it;
		     it = json_object_iter_next((json_t *)v, it)) {
			const char *key = json_object_iter_key(it);
			struct dd_jt_node *k = jt_strn(d, key, strlen(key));
			if (k)
				dd_jt_put(d, n, k->u.str.s,
					  jt_copy(d, json_object_iter_value(it), depth + 1));
		}
		return n;
	}
	d->failed = 1;
	return NULL;
}

struct dd_jt_node *dd_jt_from_jansson(struct dd_jt *d, const json_t *v)
{
	if (!v) {
		d->failed = 1;
		return NULL;
	}
	return jt_copy(d, v, 0);
}

/* ---- writing: what jansson's dump.c does, for the flags we use ------------ */

static void w_indent(struct dd_buf *b, size_t flags, unsigned depth, int space)
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

static void w_string(struct dd_buf *b, const char *s, size_t len, size_t flags)
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

static void w_int(struct dd_buf *b, json_int_t v)
{
	char num[32];
	int len = snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, v);

	dd_buf_add(b, num, (size_t)len);
}

/* jansson's jsonp_dtostr: %.*g, ".0" when it looks like an integer, no '+'
 * or leading zeros in the exponent. */
static int w_real(struct dd_buf *b, double v, size_t flags)
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

/* ---- writing this tree ---------------------------------------------------- */

static int w_value(struct dd_buf *b, const struct dd_jt_node *v, size_t flags, unsigned depth)
{
	const struct dd_jt_node *k;

	if (depth > JT_MAX_DEPTH)
		return DD_ENOMEM;
	switch ((enum jt_type)v->type) {
	case JT_NULL: dd_buf_add(b, "null", 4); return 0;
	case JT_TRUE: dd_buf_add(b, "true", 4); return 0;
	case JT_FALSE: dd_buf_add(b, "false", 5); return 0;
	case JT_INT: w_int(b, v->u.i); return 0;
	case JT_REAL: return w_real(b, v->u.r, flags);
	case JT_STR: w_string(b, v->u.str.s, v->u.str.len, flags); return 0;
	case JT_ARRAY:
	case JT_OBJECT: break;
	}
	dd_buf_add(b, v->type == JT_ARRAY ? "[" : "{", 1);
	if (v->u.kids.first)
		w_indent(b, flags, depth + 1, 0);
	for (k = v->u.kids.first; k; k = k->next) {
		int rc;
		if (v->type == JT_OBJECT) {
			w_string(b, k->key, strlen(k->key), flags);
			if (flags & JSON_COMPACT)
				dd_buf_add(b, ":", 1);
			else
				dd_buf_add(b, ": ", 2);
		}
		if ((rc = w_value(b, k, flags, depth + 1)))
			return rc;
		if (k->next) {
			dd_buf_add(b, ",", 1);
			w_indent(b, flags, depth + 1, 1);
		} else {
			w_indent(b, flags, depth, 0);
		}
	}
	dd_buf_add(b, v->type == JT_ARRAY ? "]" : "}", 1);
	return 0;
}

int dd_jt_write(const struct dd_jt_node *doc, size_t flags, struct dd_buf *out)
{
	int rc;

	if ((flags & ~(size_t)DD_JT_WRITE_FLAGS) || !doc ||
	    (doc->type != JT_OBJECT && doc->type != JT_ARRAY))
		return DD_EINVAL;
	if ((rc = w_value(out, doc, flags, 0)))
		return rc;
	return dd_buf_failed(out) ? DD_ENOMEM : 0;
}

int dd_jt_print(struct dd_jt *d, const struct dd_jt_node *doc, size_t flags, struct dd_buf *out)
{
	int rc = d->failed ? DD_ENOMEM : dd_jt_write(doc, flags, out);

	dd_jt_free(d);
	if (rc)
		return rc;
	dd_buf_puts(out, "\n");
	return dd_buf_failed(out) ? DD_ENOMEM : 0;
}
