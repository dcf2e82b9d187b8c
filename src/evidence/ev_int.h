/* ev_int.h: internal to src/evidence, not part of the module's interface
 * (that is evidence.h). What evidence.c lends the section files (ev_deps.c,
 * ev_dnssec.c) for their appenders, so that every list of the record grows
 * and is freed the same way. The shared JSON helpers are in ev_json_int.h. */
#ifndef DD_EVIDENCE_EV_INT_H
#define DD_EVIDENCE_EV_INT_H

#include <stddef.h>

#include "evidence/evidence.h"

/* Make room for one more element of size elem in *arr (n used, *cap
 * allocated), never beyond max elements. 0, DD_ENOMEM or DD_ELIMIT. */
int dd_ev_grow(void **arr, size_t n, size_t *cap, size_t elem, size_t max);

#endif
