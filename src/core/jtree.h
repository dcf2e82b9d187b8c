/* jtree.h: the one way dnsdeps writes JSON: a document built in one arena
 * and printed once (the check report, one per domain in an audit, the
 * saved evidence, every other report), without a malloc per node and per
 * string. Nodes and string copies come from a few big blocks owned by the
 * document and freed together; running out of memory (or past the bound
 * on a document's size) sets a sticky failure flag, checked once at the
 * end. Printed byte for byte as jansson's json_dumps prints the same
 * tree, for the flags of DD_JT_WRITE_FLAGS. (Reading is jansson's.) */
#ifndef DD_CORE_JTREE_H
#define DD_CORE_JTREE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/buf.h"

/* The json_dumps flags the writer handles. */
#define DD_JT_WRITE_FLAGS (JSON_COMPACT | JSON_ENSURE_ASCII | JSON_PRESERVE_ORDER | \
			   JSON_MAX_INDENT | JSON_REAL_PRECISION(31))

/* Most a document may take; past it the document fails. */
#define DD_JT_MAX_BYTES (64u << 20)

struct dd_jt_block;
struct dd_jt_node; /* a value inside one document; it lives as long as the document */

struct dd_jt {
	int failed; /* sticky: out of memory, over the bound, or a value missing */
	struct dd_jt_block *blocks;
	size_t total; /* bytes taken from malloc */
};

/* A zeroed struct dd_jt is an empty document; dd_jt_free releases every
 * node at once and leaves it empty again. */
void dd_jt_free(struct dd_jt *d);

/* Values, NULL (with d->failed set) when out of memory. */
struct dd_jt_node *dd_jt_object(struct dd_jt *d);
struct dd_jt_node *dd_jt_array(struct dd_jt *d);
struct dd_jt_node *dd_jt_null(struct dd_jt *d);
struct dd_jt_node *dd_jt_bool(struct dd_jt *d, int v);
struct dd_jt_node *dd_jt_int(struct dd_jt *d, int64_t v);
struct dd_jt_node *dd_jt_real(struct dd_jt *d, double v);
/* A copy of s, or of its escaped form (esc.h) when it is not valid UTF-8
 * as jansson judges it; null for NULL. */
struct dd_jt_node *dd_jt_str(struct dd_jt *d, const char *s);

/* The number forms the documents share: a count; v or null when negative; ms
 * rounded to three decimals or null when negative; true/false or null
 * when negative. */
struct dd_jt_node *dd_jt_uint(struct dd_jt *d, uint64_t v);
struct dd_jt_node *dd_jt_int_or_null(struct dd_jt *d, int64_t v);
struct dd_jt_node *dd_jt_ms(struct dd_jt *d, double v);
struct dd_jt_node *dd_jt_tri(struct dd_jt *d, int v);

/* obj[key] = v. key is not copied: it must outlive the document (the
 * report's are literals) and be valid UTF-8. A key already there keeps its
 * place and gets v, as json_object_set_new does. v may be in one container
 * at a time (a value replaced or removed may be placed again); a NULL obj
 * or v, or a v already placed, marks d failed. */
void dd_jt_put(struct dd_jt *d, struct dd_jt_node *obj, const char *key, struct dd_jt_node *v);
/* Append v to arr; failures as dd_jt_put. */
void dd_jt_append(struct dd_jt *d, struct dd_jt_node *arr, struct dd_jt_node *v);
/* Remove obj[key]: 0, or DD_ENOTFOUND (also when obj is not an object). */
int dd_jt_del(struct dd_jt_node *obj, const char *key);

/* A copy of a jansson value (keys and strings copied), NULL with d->failed
 * when out of memory or nested deeper than jansson would print. */
struct dd_jt_node *dd_jt_from_jansson(struct dd_jt *d, const json_t *v);

/* Write doc (an object or an array) into out exactly as json_dumps would
 * print the same tree with flags, which must be within
 * DD_JT_WRITE_FLAGS. 0, DD_EINVAL (other flags, or doc not a
 * container) or DD_ENOMEM (also for a real that is not finite). */
int dd_jt_write(const struct dd_jt_node *doc, size_t flags, struct dd_buf *out);

/* Print doc with flags into out, then a newline, unless d has failed; the
 * document is freed either way. 0, DD_ENOMEM or DD_EINVAL. */
int dd_jt_print(struct dd_jt *d, const struct dd_jt_node *doc, size_t flags, struct dd_buf *out);

#endif
