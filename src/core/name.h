/* name.h: domain names given by users. Validates a name typed on a command
 * line or read from a list, turns IDN U-labels into A-labels (libidn2), and
 * gives the canonical form the rest of dnsdeps uses: lower case, absolute
 * (trailing dot), presentation format. */
#ifndef DD_CORE_NAME_H
#define DD_CORE_NAME_H

#include <stddef.h>

#define DD_NAME_MAX 256 /* 253 characters, a trailing dot, NUL and margin */

/* Canonicalize a user-given name into out (DD_NAME_MAX bytes). Returns 0, or
 * DD_ENAME with a reason in why (static string) when the name is invalid. */
int dd_name_from_user(const char *in, char out[DD_NAME_MAX], const char **why);

/* True when name (canonical) equals zone or lies below it. */
int dd_name_is_subdomain(const char *name, const char *zone);

/* Number of labels of a canonical name ("." has 0). */
int dd_name_labels(const char *name);

/* Compare two canonical names case-insensitively; 0 when equal. */
int dd_name_cmp(const char *a, const char *b);

#endif
