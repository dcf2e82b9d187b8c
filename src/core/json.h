/* json.h: writing JSON documents with jansson, the same way in every module
 * that saves or prints one (evidence, report, audit summary, zone audit):
 * strings that are not valid UTF-8 kept in their escaped form (see esc.h),
 * members and elements added with a sticky failure flag instead of a check
 * after each, the number forms the documents share, and the finished
 * document printed into a text buffer. */
#ifndef DD_CORE_JSON_H
#define DD_CORE_JSON_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/buf.h"

struct dd_json {
	int failed; /* sticky: out of memory (or a value missing) somewhere */
};

/* A string (escaped when not valid UTF-8); null for NULL. */
json_t *dd_json_str(struct dd_json *j, const char *s);
/* obj[key] = v, taking v; a NULL v or a failure marks j failed. */
void dd_json_put(struct dd_json *j, json_t *obj, const char *key, json_t *v);
/* Append v to arr, taking v; a NULL v or a failure marks j failed. */
void dd_json_append(struct dd_json *j, json_t *arr, json_t *v);

/* A count. */
json_t *dd_json_uint(uint64_t v);
/* v, or null when negative ("unknown"). */
json_t *dd_json_int_or_null(int64_t v);
/* Milliseconds rounded to three decimals, or null when negative. */
json_t *dd_json_ms(double v);
/* true / false, or null when negative ("unknown"). */
json_t *dd_json_tri(int v);

/* Write doc into out exactly as json_dumps(doc, flags) would, for the
 * flags the documents use (JSON_COMPACT, JSON_INDENT, JSON_ENSURE_ASCII,
 * JSON_REAL_PRECISION, JSON_PRESERVE_ORDER), straight into the buffer:
 * jansson's dump was a third of judging a domain. Other flags go through
 * json_dumps. 0, or DD_ENOMEM (also for a real that is not finite). */
int dd_json_write(const json_t *doc, size_t flags, struct dd_buf *out);

/* The flags dd_json_write and jtree.h's writer handle themselves. */
#define DD_JSON_WRITE_FLAGS (JSON_COMPACT | JSON_ENSURE_ASCII | JSON_PRESERVE_ORDER | \
			     JSON_MAX_INDENT | JSON_REAL_PRECISION(31))

/* The pieces of a document as json_dumps writes them with such flags,
 * shared by dd_json_write and the arena tree's writer (jtree.h): a line
 * break and the indentation of depth (or the one space that separates
 * members when space is set and the flags are neither indented nor
 * compact); a string of len bytes of valid UTF-8, quoted and escaped; an
 * integer; a real (DD_ENOMEM when not finite, as jansson refuses it). */
void dd_json_w_indent(struct dd_buf *b, size_t flags, unsigned depth, int space);
void dd_json_w_string(struct dd_buf *b, const char *s, size_t len, size_t flags);
void dd_json_w_int(struct dd_buf *b, json_int_t v);
int dd_json_w_real(struct dd_buf *b, double v, size_t flags);

/* Print doc with json_dumps flags into out, then a newline, unless j has
 * failed; doc is released either way. 0, or DD_ENOMEM. */
int dd_json_print(const struct dd_json *j, json_t *doc, size_t flags, struct dd_buf *out);

#endif
