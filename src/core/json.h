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

/* Print doc with json_dumps flags into out, then a newline, unless j has
 * failed; doc is released either way. 0, or DD_ENOMEM. */
int dd_json_print(const struct dd_json *j, json_t *doc, size_t flags, struct dd_buf *out);

#endif
