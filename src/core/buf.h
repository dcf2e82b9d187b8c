/* buf.h: a growable text buffer for building reports. Allocation failure is
 * sticky: appends become no-ops and dd_buf_failed() tells. */
#ifndef DD_CORE_BUF_H
#define DD_CORE_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct dd_buf {
	char *data;
	size_t len;
	size_t cap;
	int failed;
};

void dd_buf_init(struct dd_buf *b);
void dd_buf_free(struct dd_buf *b);
void dd_buf_add(struct dd_buf *b, const char *s, size_t len);
void dd_buf_puts(struct dd_buf *b, const char *s);
void dd_buf_printf(struct dd_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void dd_buf_vprintf(struct dd_buf *b, const char *fmt, va_list ap);
/* Append an untrusted string, escaped (see esc.h). */
void dd_buf_esc(struct dd_buf *b, const char *s);
/* Append a domain name escaped with dd_esc_name. */
void dd_buf_esc_name(struct dd_buf *b, const char *s);
/* Append a finding's message or a summary escaped with dd_esc_msg. */
void dd_buf_esc_msg(struct dd_buf *b, const char *s);
int dd_buf_failed(const struct dd_buf *b);
/* The text, NUL-terminated ("" when empty). */
const char *dd_buf_str(const struct dd_buf *b);

#endif
