/* ev_json_int.h: internal to src/evidence, not part of the module's
 * interface (that is evidence.h). The JSON helpers that evidence_json.c and
 * the section files (ev_deps.c, ev_dnssec.c, ev_reg.c) share, implemented
 * once in ev_json_util.c, so that every part of a saved document is written
 * and checked the same way (the field tables of ev_table.h are built on
 * them).
 *
 * Saving builds the document in core/jtree.h's arena tree (escaped strings,
 * put and append with a sticky failure flag, the number forms), the one
 * JSON writer of dnsdeps; what is added here knows the evidence's own
 * types. Loading: the document is untrusted; the first
 * problem is reported with its place, "path.key: what", and its negative
 * enum dd_err returned. */
#ifndef DD_EVIDENCE_EV_JSON_INT_H
#define DD_EVIDENCE_EV_JSON_INT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/jtree.h"
#include "evidence/evidence.h"

/* ---------------------------------------------------------------- saving */

/* An array of the strings of l. */
struct dd_jt_node *dd_evj_list(struct dd_jt *s, const struct dd_ev_strlist *l);
/* The rcode's mnemonic, or null when negative. */
struct dd_jt_node *dd_evj_rcode(struct dd_jt *s, int rcode);

/* --------------------------------------------------------------- loading */

#define DD_EVJ_PATH_LEN 192

struct dd_evj_ld {
	char *err;
	size_t errlen;
	size_t nexchanges; /* for range checks of "exchange" references */
};

enum { DD_EVJ_OPT = 0, DD_EVJ_REQ = 1 };

/* Record the first problem: "path.key: what" (no key: "path: what").
 * Returns code. */
int dd_evj_fail(struct dd_evj_ld *l, int code, const char *path, const char *key,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* out (DD_EVJ_PATH_LEN bytes) = path.key[index] (no index when index < 0);
 * a too deep path is cut. */
void dd_evj_sub(char *out, const char *path, const char *key, long index);
/* "an object", "a string", ... for messages. */
const char *dd_evj_type_name(const json_t *j);

/* The member key of obj, or NULL when absent or null. */
json_t *dd_evj_opt(const json_t *obj, const char *key);
/* The same into *out; a required one (DD_EVJ_REQ) must be there. */
int dd_evj_member(struct dd_evj_ld *l, const json_t *obj, const char *path, const char *key,
		  int req, json_t **out);
int dd_evj_want_object(struct dd_evj_ld *l, const json_t *j, const char *path);

/* The typed members of obj (the document's own members; the records below
 * them are read from their tables, ev_table.h). Absent or null leaves a
 * string alone and gives NULL for an array. */
int dd_evj_get_str(struct dd_evj_ld *l, const json_t *obj, const char *path, const char *key,
		   int req, char **out);
/* An array of at most max entries. */
int dd_evj_get_array(struct dd_evj_ld *l, const json_t *obj, const char *path, const char *key,
		     int req, size_t max, json_t **out);

#endif
