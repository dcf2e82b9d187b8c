/* web_int.h: shared inside src/web only: each domain's latest round read
 * once from the store and reduced to what the metrics and the domains
 * table show, so a page parses each row's JSON once. */
#ifndef DD_WEB_INT_H
#define DD_WEB_INT_H

#include <stdint.h>

#include "checks/checks.h"
#include "store/store.h"

struct dd_web_row {
	char *domain, *group, *summary, *incident, *registrar; /* registrar NULL: unknown */
	int64_t round;           /* the last round's id; 0 none */
	int status;              /* -1: not checked yet */
	int layer;
	int64_t checked, next_due;
	int64_t expires, sig_expires; /* 0: unknown */
	unsigned findings[DD_SEV_COUNT];
};

struct dd_web_rows {
	struct dd_web_row *v;
	size_t n, cap;
	int failed;              /* out of memory while reading */
};

/* Every domain's row, by name. prev (may be NULL, or empty): the rows of
 * the last read, whose parsed facts are taken over for the domains whose
 * last round is the same, then emptied. 0, DD_ENOMEM or the store's error. */
int dd_web_rows_read(struct dd_store *st, struct dd_web_rows *prev, struct dd_web_rows *out);
void dd_web_rows_free(struct dd_web_rows *r);
/* The read is over: keep rows as the cache (moved into it), or free them
 * when there is no cache. */
void dd_web_rows_keep(struct dd_web_rows *rows, struct dd_web_rows *cache);

#endif
