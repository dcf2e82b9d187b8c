/* fixture.h: the unit tests' data files (tests/unit/data, DD_TEST_DATA),
 * shared by the tests that read them: evidence documents loaded, files read
 * whole, the fixture directories walked, and finding codes put in a
 * comparable form. Anything that goes wrong fails the running test. */
#ifndef DD_TESTS_UNIT_FIXTURE_H
#define DD_TESTS_UNIT_FIXTURE_H

#include <dirent.h>
#include <stddef.h>

#include <jansson.h>

#include "checks/checks.h"
#include "evidence/evidence.h"

/* The evidence document name in DD_TEST_DATA/dir ("evidence", "graph"...),
 * loaded (free with dd_ev_free). */
struct dd_evidence *fx_evidence(const char *dir, const char *name);
/* The file at path, whole and NUL-terminated (free it). */
char *fx_slurp(const char *path);

/* The next *.json file of d, opened on the directory dir: its document
 * (json_decref it) with its file name in *name (valid until the next call);
 * NULL when there is none left. */
json_t *fx_next_doc(DIR *d, const char *dir, const char **name);

/* The n strings of v, sorted (v is reordered) and joined by sep into out
 * (cut at outlen). */
void fx_join_sorted(const char **v, size_t n, const char *sep, char *out, size_t outlen);
/* The strings of the array arr (at most 128), sorted and joined by sep. */
void fx_sorted(const json_t *arr, const char *sep, char *out, size_t outlen);
/* The codes of f that start with prefix ("" for all), at most 128, sorted
 * and joined by spaces (a code reported twice stays twice). */
void fx_codes(const struct dd_chk_findings *f, const char *prefix, char *out, size_t outlen);

#endif
