/* buf.c: growable text buffer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/esc.h"

void dd_buf_init(struct dd_buf *b)
{
	memset(b, 0, sizeof(*b));
}

void dd_buf_free(struct dd_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

static int reserve(struct dd_buf *b, size_t extra)
{
	size_t need;
	char *p;

	if (b->failed)
		return -1;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap *= 2;
	p = realloc(b->data, cap);
	if (!p) {
		b->failed = 1;
		return -1;
	}
	b->data = p;
	b->cap = cap;
	return 0;
}

void dd_buf_add(struct dd_buf *b, const char *s, size_t len)
{
	if (reserve(b, len) != 0)
		return;
	memcpy(b->data + b->len, s, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void dd_buf_puts(struct dd_buf *b, const char *s)
{
	dd_buf_add(b, s, strlen(s));
}

void dd_buf_vprintf(struct dd_buf *b, const char *fmt, va_list ap)
{
	va_list copy;
	int n;

	va_copy(copy, ap);
	n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0 || reserve(b, (size_t)n) != 0)
		return;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void dd_buf_printf(struct dd_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	dd_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

/* Append an escaped copy (NULL: out of memory) and free it. */
static void put_escaped(struct dd_buf *b, char *e)
{
	if (!e) {
		b->failed = 1;
		return;
	}
	dd_buf_puts(b, e);
	free(e);
}

void dd_buf_esc(struct dd_buf *b, const char *s)
{
	put_escaped(b, dd_esc_dup(s, strlen(s)));
}

int dd_buf_failed(const struct dd_buf *b)
{
	return b->failed;
}

const char *dd_buf_str(const struct dd_buf *b)
{
	return b->data ? b->data : "";
}

void dd_buf_esc_name(struct dd_buf *b, const char *s)
{
	put_escaped(b, dd_esc_name_dup(s, strlen(s)));
}

void dd_buf_esc_msg(struct dd_buf *b, const char *s)
{
	put_escaped(b, dd_esc_msg_dup(s, strlen(s)));
}
